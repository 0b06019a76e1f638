/*
 * matrix.h - one scenario suite, several lock implementations.
 *
 * Runs the scenarios once per implementation, each into REPORT/<name>/,
 * then writes REPORT/matrix.json, REPORT/matrix.md and a summary.json (so
 * index.html shows the matrix). Rows are scenarios, columns are
 * implementations, a cell is pass, FAIL with the checker's reason, or n/a
 * with why, plus the measured recovery time.
 */
#ifndef LOCKCHAOS_MATRIX_H
#define LOCKCHAOS_MATRIX_H

#include <stdint.h>

#include "cli.h"
#include "run/run.h"

/*
 * With no holders, runs the registered ones: the reference, flock, and
 * every line (NAME<TAB>COMMAND) of adapters/registry next to lockchaos
 * (written by `make adapters`). Exit status: 0 when the matrix was made and
 * the reference passed everything; 1 when the reference failed or a run
 * broke (a finding in another implementation is the matrix's purpose, not
 * a failure of it); 2 on usage errors.
 */
int matrix_run(const struct scenario_list *l, const struct cli_holder *holders,
	       int nr_holders, const char *dir, uint64_t seed, int jobs,
	       int want_pidns, int verbose);

#endif
