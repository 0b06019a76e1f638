/*
 * run.h - runs many scenarios: collect, parse, fork workers, report.
 */
#ifndef LOCKCHAOS_RUN_H
#define LOCKCHAOS_RUN_H

#include <stdint.h>

#include "report/report.h"
#include "scenario/scenario.h"

struct known_list;

struct run_config {
	char **holder_argv;	/* split holder command */
	const char *holder;	/* as given, for reports */
	const char *impl;	/* name of the implementation, or NULL */
	const char *replay;	/* shell command replaying the run, or NULL */
	const char *report_dir; /* must exist */
	uint64_t seed;
	int jobs;
	int verbose;
	int stop_first;		/* -i */
	int want_pidns;
	int start_timeout_ms;	/* --start-timeout; 0: RUN_START_TIMEOUT_MS */
	int speed;		/* --speed; 0: each scenario's `speed` */
	int quiet_tap;		/* matrix: no TAP per implementation */
	const char *scratch_root; /* where scenario scratch folders go
				     (NULL: $TMPDIR or /tmp) */
	const char *durations_from; /* an earlier report folder: its
				       durations set the launch order (see
				       run_pool); NULL: estimates (run_expected_ms) */
	int shard_k, shard_n;	/* --shard K/N: run only the runs of shard
				   K of N (run/select.h); 0: all */
	const struct known_list *known; /* a matrix column's declared
					   findings (run/known.h), or NULL */
};

struct scenario_list {
	struct scenario *items;
	int nr, alloc;
	int nr_bad;	   /* files that did not parse */
	int nr_errors;	   /* their errors (lines of messages) */
	char *first_error; /* the first of their errors, for TAP's Bail out! */
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
 * feeding `sinks` (NULL-terminated). Totals go to *t. Each run gets its own
 * folder in cfg->report_dir, unique in the run (report_dir_name, then "~2",
 * "~3" ... on a clash). SIGINT or SIGTERM stops it: running workers are
 * killed with their holders, the rest are reported STATUS_NOT_RUN and
 * t->interrupted says which signal; the sinks still see every item and the
 * end. t->write_errors counts report files that could not be written
 * (timelines, summary, JUnit). Returns 0.
 */
int run_scenarios(const struct scenario_list *l, const struct run_config *cfg,
		  struct report_sink **sinks, struct report_totals *t);

/*
 * Several runs of the same scenarios (a matrix: one per implementation;
 * the mutation gate: the reference and every mutant) in ONE pool of
 * `nr_jobs` workers, so that no run waits for another's slowest scenario.
 * Each set keeps its own config, sinks and totals, and its reports come in
 * file order; the launch order across all sets is longest expected
 * duration first: the scenario's durationMs in cfg->durations_from's
 * summary.json (FROM/IMPL/summary.json for a matrix column), else its
 * estimate (run_expected_ms). run_scenarios is a pool of
 * one set. Returns 0.
 */
struct run_set {
	const struct run_config *cfg;
	struct report_sink **sinks; /* NULL-terminated */
	struct report_totals *t;    /* out */
};
int run_pool(const struct scenario_list *l, struct run_set *sets, int nsets,
	     int nr_jobs);

/*
 * The floor of a scenario: how long its own script makes it last, whatever
 * the harness — the latest `at`, the waits, the turns' holds (cut by their
 * lane timeouts), timed spins, and the acquire timeouts of operations it
 * expects to time out. An estimate (`lockchaos list`, the launch order): a
 * harness cannot run the scenario faster than this.
 */
int64_t run_floor_ms(const struct scenario *s);

/*
 * What a scenario's text says it will take (estimate.c): its steps played
 * on paper, with what ends or stretches them: a kill or an exit ends the
 * holder's commands, a freeze holds them until the thaw, a contender
 * waits for the owner's release, at once for a dead owner, until the
 * owner's maxHoldMs for one that cannot release, for the grace of a
 * planted empty file, never past its acquire timeout; awaits last until
 * what they wait for (bounded by their timeouts); failpoint delays and
 * jitter are added. Capped by the scenario's deadline; divided by its
 * speed. Not a bound either way; run_expected_ms adds the harness's cost.
 */
int64_t run_estimate_ms(const struct scenario *s);

/*
 * The expected wall time of one run of `s` when no earlier run measured
 * it: run_estimate_ms plus the harness's own cost (start-up, a start per
 * holder, the end), as measured on the catalog (docs/ci.md).
 */
int64_t run_expected_ms(const struct scenario *s);

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

/*
 * The name of scenario `file` in its catalog: its path relative to the
 * catalog root, the nearest folder above the file's real path that holds
 * a CATALOG_MARKER file (scenarios/ has one, and so has the installed
 * catalog); with no marker above it, its file name. The same however the
 * path was typed and from whatever folder: each scenario's seed is drawn
 * from it and the run seed (run_scenario_seed), and its report folder
 * named after it. *rooted (may be NULL) is set to 1 when a marker was
 * found. Malloc'ed.
 */
#define CATALOG_MARKER ".lockchaos-catalog"
char *catalog_name(const char *file, int *rooted);

/* The seed of the `iteration`th run of scenario `file` in a run seeded
 * `run_seed`: one seed replays the whole run, from any folder. */
uint64_t run_scenario_seed(uint64_t run_seed, const char *file,
			   int iteration);

/*
 * Folder name for a scenario file inside a report: "seeds-002-sigkill".
 * Only [A-Za-z0-9._+-]; never empty, "." or "..", and never leaves the
 * report folder. Not unique by itself: run_scenarios makes it so.
 */
char *report_dir_name(const char *file, int iteration, int repeat);

#endif
