/*
 * merge.h - `lockchaos merge`: the reports of N `run --shard K/N` jobs (or
 * any report folders of one run) joined into one report folder.
 *
 * The CI system's job matrix runs the shards (docs/ci.md); this joins
 * what they left: each scenario's folder is copied (regular files only,
 * never through a symlink), the scenario records are put back in the order
 * of the whole run (their `run` number), and summary.json, index.html and
 * junit.xml are written from them by the same writers a run uses, so the
 * merged report reads like one run's.
 *
 * The verdict rules are a run's: every fail and error counts, a run not
 * run (an interrupted shard) counts, n/a and unsupported are skipped, and
 * a merge in which no scenario ran to a verdict fails.
 */
#ifndef LOCKCHAOS_MERGE_H
#define LOCKCHAOS_MERGE_H

#include "report/report.h"

/*
 * Reads DIRS[0..n) (each a report folder with a summary.json) and checks
 * they fit together: shards of one split (the same N, seed and number of
 * runs, each K once, none missing) or, with no shard recorded, runs whose
 * scenario folders do not clash. Then fills `out` (an empty folder) and
 * counts *t. Returns 0 when the merged report is written; -1 after saying
 * why when the inputs do not fit (nothing written: exit 2); -2 when the
 * report could not be written whole (exit 1).
 */
int merge_reports(const char *out, char *const dirs[], int n,
		  struct report_totals *t);

/*
 * Whether DIRS[0..n) are matrix reports (their summary.json has a
 * `matrix`): 1 all are, 0 none is, -1 after saying why when some are.
 */
int merge_is_matrix(char *const dirs[], int n);

/*
 * The reports of N `matrix --shard K/N` jobs (merge_matrix.c): each
 * column's N reports merged as merge_reports merges run shards, into
 * OUT/<column>/, then the matrix gate (matrix_gate, run/matrix.h) over the
 * whole with the known findings of `known_dir` (NULL: none declared),
 * which prints TAP and writes OUT/matrix.json, matrix.md and summary.json.
 * Every shard must record the same columns. Returns 0 with *gate set to
 * the gate's status (0 nothing counted, 1 otherwise); -1 after saying why
 * when the reports do not fit (exit 2); -2 when the report could not be
 * written whole.
 */
int merge_matrix(const char *out, char *const dirs[], int n,
		 const char *known_dir, int *gate);

#endif
