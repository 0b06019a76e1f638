/*
 * run.h - runs many scenarios: collect, parse, fork workers, report.
 */
#ifndef LOCKCHAOS_RUN_H
#define LOCKCHAOS_RUN_H

#include <stdint.h>

#include "report/report.h"
#include "scenario/scenario.h"

struct run_config {
	char **holder_argv;	/* split holder command */
	const char *holder;	/* as given, for reports */
	const char *impl;	/* name of the implementation, or NULL */
	const char *report_dir; /* must exist */
	uint64_t seed;
	int jobs;
	int verbose;
	int stop_first;		/* -i */
	int want_pidns;
	int quiet_tap;		/* matrix: no TAP per implementation */
};

struct scenario_list {
	struct scenario *items;
	int nr, alloc;
};

/*
 * Collects *.scn files under each path (folders recursively, sorted) and
 * parses them. Every syntax error is printed to stderr as `file:line: ...`.
 * Returns 0 when all parsed; -1 when any did not (list keeps the good ones);
 * -2 when a path does not exist or no scenario was found.
 */
int scenario_list_load(struct scenario_list *l, char *const paths[], int n);
void scenario_list_clear(struct scenario_list *l);

/*
 * Runs every scenario of `l` (each `repeat` times) with cfg->jobs workers,
 * feeding `sinks` (NULL-terminated). Totals go to *t. Returns 0.
 */
int run_scenarios(const struct scenario_list *l, const struct run_config *cfg,
		  struct report_sink **sinks, struct report_totals *t);

/*
 * What one scenario run costs in open files, in the worker process that
 * runs it: three pipes kept per holder (its stdin, stdout and stderr), and
 * a base for the worker's own (stdio, history, signalfd, the sandbox's
 * socket, the four pipes of a holder being started, libfiu's fifos).
 * run_scenarios compares this with RLIMIT_NOFILE (main raises the soft
 * limit to the hard one) and fails a scenario that needs more, naming both
 * numbers, instead of letting its holders die of EMFILE half-way.
 */
#define RUN_FDS_PER_HOLDER 3
#define RUN_FDS_BASE 32
long run_fds_needed(const struct scenario *s);

/* Folder name for a scenario file inside a report: "seeds-002-sigkill". */
char *report_dir_name(const char *file, int iteration, int repeat);

#endif
