/*
 * checkers.h - what a checker is: the contract between checkers.c and the
 * one file per checker.
 *
 * A checker is one file, harness/check/NAME.c, whose header comment states
 * its rule and the reasoning behind it, with one function
 *
 *   void check_NAME(const struct model *m, struct verdicts *out);
 *
 * that reads the model (model.h) and the `final` event, and calls
 * verdict_fail() once for each failure it finds. It never looks at the
 * filesystem or the clock.
 *
 * Every checker is one row of the table in checkers.c: its name (as
 * `disable NAME`, `expect failure NAME` and the reports write it), a
 * one-line description, and its function. check_history()'s loop and the
 * names the scenario parser accepts (and lists in its errors) read that
 * table; checker_about() gives legends their line. Adding a checker: a
 * value in `enum checker` (check.h), its file, its prototype below, its row
 * in checkers.c, its row in docs/history.md and its name in the lists of
 * README.md and scenarios/README.md (test_docs, in
 * tests/unit/check/test_checkers.c, compares them with the table), and its
 * tests in tests/unit/check/test_NAME.c.
 */
#ifndef LOCKCHAOS_CHECK_CHECKERS_H
#define LOCKCHAOS_CHECK_CHECKERS_H

#include <stdint.h>
#include <jv.h>

#include "check/check.h"
#include "check/model.h"

/* Where a checker's failures go; check_history() sets it up. */
struct verdicts {
	const struct model *m;
	enum checker checker; /* the one running: each verdict names it */
	jv list;	      /* the verdict objects (check.h) */
	int nr;
};

/*
 * Appends a failed verdict of the running checker: `at` is the µs time it
 * concerns (NEVER: the end of the run), `proc` the process it is about (-1:
 * none), `fmt` the message (what, who, and the times involved: see
 * check_history() in check.h).
 */
void verdict_fail(struct verdicts *out, int64_t at, int proc,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The same, for a process given by name: one the model may not know (an
 * `error` event is the only trace of it). */
void verdict_fail_named(struct verdicts *out, int64_t at, const char *process,
			const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The checkers, one file each. */
void check_recovery(const struct model *m, struct verdicts *out);
void check_no_silent_drop(const struct model *m, struct verdicts *out);
void check_mutex(const struct model *m, struct verdicts *out);
void check_leak(const struct model *m, struct verdicts *out);
void check_integrity(const struct model *m, struct verdicts *out);
void check_visibility(const struct model *m, struct verdicts *out);
void check_protocol(const struct model *m, struct verdicts *out);

#endif
