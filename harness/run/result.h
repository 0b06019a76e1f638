/*
 * result.h - result.json and the figures taken from a finished history.
 * (run_result_init/clear/load are declared in runner.h, their users'
 * header.)
 */
#ifndef LOCKCHAOS_RESULT_H
#define LOCKCHAOS_RESULT_H

#include <stdint.h>
#include <jv.h>

#include "run/runner.h"

/* `res` as the object result.json holds. */
jv run_result_json(const struct run_result *res);

/* Time from the first fault on a holder to the next acquire by another
 * holder, in ms: the recovery a person asks about first. -1 when none. */
int64_t result_recovery_ms(jv hist);

#endif
