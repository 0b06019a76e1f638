/*
 * expect.h - the scenario's expectations (`expect ...`, `assert jq ...`),
 * judged over a finished run's history.
 */
#ifndef LOCKCHAOS_EXPECT_H
#define LOCKCHAOS_EXPECT_H

#include <jv.h>

#include "scenario/scenario.h"

/*
 * A failure object {checker, msg, at[, line]}, as checkers and result.json
 * carry them. `line` <= 0 names no line; `at` is scenario µs or -1.
 */
jv expect_failure(const char *checker, int line, double at, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));

/*
 * Judges every expectation of `s` over `hist` (borrowed: the sorted history,
 * ending with its `final` event). `outside` is why a planted symlink target
 * is not intact, NULL when it is (damage_outside_check). An `expect failure
 * CHECKER` removes the first matching verdict from *verdicts (it was
 * expected); every expectation not met appends a failure to *fails.
 * `within_slack_us` widens every `within T`: 0 in real time; in a
 * compressed run (run/speed.c) the run's slack on its clock, since each
 * real delay of the machine counts N times there.
 */
void expect_check(const struct scenario *s, jv hist, const char *outside,
		  int64_t within_slack_us, jv *verdicts, jv *fails);

#endif
