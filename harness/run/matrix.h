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

struct known_list;

/* The columns of a matrix and what each declares it fails. */
struct matrix_plan {
	const struct cli_holder *hs; /* the columns */
	int nh;
	struct cli_holder *reg;	     /* owned, when hs are the registered */
	struct known_list *known;    /* nh lists, from --known DIR */
	char **replays;		     /* nh `run` commands that replay each
					column, or NULL; freed by clear */
	int shard_k, shard_n;	     /* --shard K/N: this job runs share K
					of the cells (column x scenario x
					repeat); 0: all */
};

/*
 * Picks the columns: `given`, or with none the registered ones (the
 * reference, flock, and every NAME<TAB>COMMAND line of adapters/registry
 * and of each file in adapters/registry.d next to lockchaos, written by `make
 * adapters`), and reads each column's known findings, KNOWN_DIR/<name>.txt
 * (known.h; KNOWN_DIR NULL: none declared). Nothing is started. 0, or -1
 * after saying why (a bad known-findings line: file:line); clear m either
 * way.
 */
int matrix_prepare(struct matrix_plan *m, const struct cli_holder *given,
		   int nr_given, const char *known_dir);
void matrix_plan_clear(struct matrix_plan *m);

/*
 * Runs the scenarios against each column into DIR/<name>/ and writes the
 * matrix (matrix_gate). With m->shard_n, only share m->shard_k of the
 * cells, split as `run --shard` splits runs (run/select.h). The gate: every FAIL cell counts unless the column's known
 * findings declare each of its failures; an ERROR cell (no verdict: a
 * holder that never said hello, a worker that crashed) counts and is
 * never called FAIL; a declared finding whose scenario ran to a verdict
 * without failing that way is reported as no longer reproducing, and
 * counts. All columns' runs share one pool of `jobs` workers (run_pool),
 * longest first; `start_timeout_ms` (0: the default) bounds each holder's
 * start-up (RUN_START_TIMEOUT_MS); `durations` (or NULL) is an earlier matrix report whose
 * IMPL/summary.json set that order. Returns 0 when nothing counted, 1
 * otherwise.
 */
int matrix_run(struct matrix_plan *m, const struct scenario_list *l,
	       const char *dir, uint64_t seed, int jobs, int want_pidns,
	       int verbose, const char *durations, int start_timeout_ms);

/*
 * The gate over the columns' reports already in DIR/<name>/summary.json
 * (matrix_run's, or `lockchaos merge`'s of matrix shards): prints the TAP
 * lines, writes DIR/matrix.json, DIR/matrix.md and DIR/summary.json.
 * Returns 0 when nothing counted, 1 otherwise (as matrix_run), 128+sig
 * when `interrupted`. A matrix in which no cell ran to a verdict counts,
 * unless m->shard_n >= 2: a shard's all-n/a cells are judged by the merge,
 * which also says whether a known finding no longer reproduces (a shard
 * may hold some of a scenario's repeats only).
 */
int matrix_gate(struct matrix_plan *m, const char *dir, uint64_t seed,
		int jobs, int interrupted);

#endif
