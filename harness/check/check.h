/*
 * check.h - the built-in checkers and custom jq assertions.
 *
 * Checkers are pure functions of a scenario's history (docs/history.md): a
 * jv array of event objects, ending with a `final` event that records the
 * state left behind. They never look at the filesystem or the clock, so a
 * stored history.jsonl can be re-checked and unit tests feed hand-made
 * histories (tests/histories/).
 *
 * The checkers share one model of the run, and each is one file:
 *   model.c      history -> processes (deaths, stops), operations (waits,
 *                answers), holds (who held which lock, until when) and
 *                sessions; model.h says what the model guarantees and what
 *                it assumes of a history (times, order, defaults)
 *   checkers.c   the table of checkers and check_history(); checkers.h
 *                says what a checker is and how to add one
 *   NAME.c       one file per checker (recovery.c, no_silent_drop.c,
 *                mutex.c ...): its rule, with the reasoning, heads it
 *   fields.h     times (µs, NEVER, NONE) and how messages print them
 *   jq.c         check_jq()
 * (expect.c, beside them, judges a scenario's own expectations: expect.h.)
 *
 * Which checkers exist, and what each judges in one line, is the table in
 * checkers.c: checker_name(), checker_about() and checker_list() read it,
 * for the scenario parser, the reports and any list of checkers; the docs
 * that list them are compared with it by test_docs
 * (tests/unit/check/test_checkers.c).
 */

/*
 * The Check unit-test framework's header is also called check.h: our
 * folders are on the -iquote path, so `#include <check.h>` is Check's and
 * `#include "check/check.h"` is this one.
 */
#ifndef LOCKCHAOS_CHECK_H
#define LOCKCHAOS_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>

/* The checkers, in the order they run and are listed; each is a row of the
 * table in checkers.c, which gives its name and description. */
enum checker {
	CHECK_RECOVERY,
	CHECK_NO_SILENT_DROP,
	CHECK_MUTEX,
	CHECK_LEAK,
	CHECK_INTEGRITY,
	CHECK_VISIBILITY,
	CHECK_PROTOCOL,
	CHECK__NR
};

struct check_opts {
	unsigned disabled; /* bit (1u << checker) set: that checker is off */
	int64_t slack_us;  /* added to every time bound; machines are noisy.
			      The runner passes the scenario's slackMs. */
};
#define CHECK_OPTS_INIT { 0, 300000 }

/* Name of a checker as written in scenarios and reports ("no-silent-drop"),
 * or NULL for a value that is not a checker. */
const char *checker_name(enum checker c);

/* What a checker judges, in one line for legends, docs and --help
 * ("one owner at a time; fencing after takeover"), or NULL for a value
 * that is not a checker. */
const char *checker_about(enum checker c);

/* The checker called `name` (exact, case-sensitive), or -1 when there is
 * none (NULL included). */
int checker_from_name(const char *name);

/* Every checker's name, in table order, joined by ", " into `buf` (cut to
 * size - 1 bytes), for messages that list the valid names. Returns buf. */
const char *checker_list(char *buf, size_t size);

/*
 * Runs every checker not disabled in `opts` (NULL: CHECK_OPTS_INIT) over
 * `history` (borrowed: the caller keeps its reference). On return
 * `*verdicts` is a new jv array, owned by the caller, with one object per
 * failure:
 *   {"type":"verdict","checker":NAME,"ok":false,"msg":TEXT,"at":T,
 *    "process":NAME-or-null}
 * where `msg` says which holder or message, and the times involved
 * (seconds from scenario start, 3 decimals; durations in ms), e.g.
 *   "B waited 2950 ms for s1 after A was killed at 1.200 s (bound: poll
 *    50 ms + slack 300 ms)"
 * and `at` is the µs time it concerns (for recovery, when the bound ran
 * out). Without a `final` event, each checker that judges the state left
 * behind (its row in the table says so: today no-silent-drop, leak and
 * integrity) fails once saying so. Checkers run in table order. Returns the number of failures (0: all passed), or
 * -1 when the history is not an array of objects (then *verdicts holds one
 * verdict of checker "history" saying why).
 */
int check_history(jv history, const struct check_opts *opts, jv *verdicts);

/*
 * A hold in `history` (borrowed) whose holder waited for a CPU, while it
 * held, for half the hold's maxHoldMs or more: its own watchdog, or another
 * holder's reclaim, may then rightly end it, on no fault of the lock's. A
 * holder frozen or spinning on purpose is not counted (a spin from the
 * holder's last word after its invoke: it began no sooner). Or a command
 * refused `timeout` whose wait it, or a holder of its session meanwhile,
 * spent half its timeoutMs or more waiting for a CPU, or waiting behind a
 * turn that held past its own holdMs (stalled: by the CPU, the disk or
 * memory, the machine's doing, not the lock's).
 * CHECK_STARVED_CPU or CHECK_STARVED_STALLED with what happened in `buf`
 * (e.g. "C2 waited 930 ms for a CPU while it held s1 (maxHoldMs 500)",
 * "A held s1 2975 ms past its 2500 ms turn while B's m2 waited for it
 * (timeoutMs 4000, refused: timeout)"), 0 when there is none.
 * Or a command refused `timeout` while the session's owner, killed by the
 * harness, took half its timeoutMs or more to die (CHECK_STARVED_DYING:
 * its lock could not be reclaimed before the kernel ended it).
 */
enum { CHECK_STARVED_CPU = 1, CHECK_STARVED_STALLED = 2,
       CHECK_STARVED_DYING = 3 };
int check_starved_hold(jv history, char *buf, size_t n);

/*
 * Evaluates the jq `program` with the history array (borrowed) as its
 * input. Returns 1 when it produced at least one output and every output is
 * `true` (then *err is NULL); 0 when an output is not `true`, or there was
 * no output at all (an assertion that asserts nothing must not pass), with
 * *err saying what it produced; -1 when the program is empty, does not
 * compile, fails at run time (`error`, a type error, `halt_error`) or
 * produces more than ten million outputs, with *err saying why. The caller
 * frees *err.
 *
 * The program sees the history and nothing else: `input` has nothing to
 * read, `import`/`include` find no module (a compile error), `$ENV` and
 * `env` are {} (it runs with an empty environment). It runs in a child
 * process for at most 5 s of CPU and 1 GiB (then -1, "did not end"):
 * libjq cannot be interrupted. A wall limit (120 s) ends a child that is
 * neither running nor waiting for a CPU by then; a runnable one gets up to
 * 10 times that. libjq 1.6 quirk: `error(null)` ends the program like
 * `empty` and cannot be told apart.
 */
int check_jq(jv history, const char *program, char **err);

/* Sets check_jq's wall limit (ms; 0: the default, 120 s), for tests. */
void check_jq_wall(int ms);

#endif
