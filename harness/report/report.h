/*
 * report.h - report writers, fed by the runner's events.
 *
 * The orchestrator (run.c) emits three events: begin (before the first
 * scenario), item (each scenario run's result, in file order), end (totals).
 * Each format is one sink in its own file: TAP on stdout (tap.c),
 * progress on stderr (tap.c), summary.json (json.c), JUnit XML (junit.c),
 * and the HTML index (index.c, via json.c). Each scenario's timeline is
 * written by the runner as the scenario ends (html.h, timeline.c). A new
 * format is one new file and one line in run.c.
 */
#ifndef LOCKCHAOS_REPORT_H
#define LOCKCHAOS_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "run/runner.h"
#include "scenario/scenario.h"

/* The version, set by the Makefile's VERSION: one place for the program,
 * summary.json, the man pages and the Debian package. */
#ifndef LOCKCHAOS_VERSION
#define LOCKCHAOS_VERSION "0.0.0"
#endif

struct report_run {
	const char *report_dir; /* the run's folder */
	const char *holder;	/* holder command as given */
	const char *impl;	/* matrix column name, or NULL */
	const char *replay;	/* a shell command that replays the run
				   (cli_replay_line), or NULL */
	uint64_t seed;
	int jobs;
	int total;		/* scenario runs planned */
	int verbose;
	int shard_k, shard_n;	/* --shard K/N, or 0 */
	int runs_all;		/* scenario runs of all shards together */
	char started[32];	/* ISO-8601 wall clock */
	int64_t start_us;	/* mono */
};

struct report_item {
	int index;		    /* 1-based, in file order */
	const struct scenario *s;
	int iteration;		    /* 1..s->repeat */
	int run;		    /* 1-based among the runs of all shards,
				       in file order (= index unsharded) */
	const char *dir;	    /* folder name inside report_dir */
	uint64_t seed;
	const struct run_result *res;
};

/*
 * A scenario run that never reached a verdict because the run was
 * interrupted (SIGINT/SIGTERM): it is in every report, marked so, and
 * counts neither as passed nor as failed.
 */
#define STATUS_NOT_RUN "not-run"

struct report_totals {
	int passed, failed, skipped, errors, unsupported;
	int not_run;	  /* interrupted before they finished */
	int scenario_errors; /* errors that are the scenario's (a failpoint
				the holder does not have): exit 2 */
	int interrupted;  /* the signal that stopped the run, or 0 */
	int write_errors; /* report files that could not be written */
	int64_t duration_ms;
};

struct report_sink {
	void (*begin)(struct report_sink *, const struct report_run *);
	void (*item)(struct report_sink *, const struct report_run *,
		     const struct report_item *);
	void (*end)(struct report_sink *, const struct report_run *,
		    const struct report_totals *);
	void *data;	  /* the sink's own state */
	int write_errors; /* files this sink could not write (the run then
			     exits 1: a report with holes is no green) */
};

/* Constructors: each returns a sink the caller frees with report_free. */
struct report_sink *report_tap(FILE *out);
struct report_sink *report_progress(FILE *err);
struct report_sink *report_json(void); /* summary.json + index.html */
struct report_sink *report_junit(void);
void report_free(struct report_sink *sink);

#include <jv.h>

/*
 * The summary.json record of one scenario run (html.h has the fields), and
 * of a whole run around `scenarios` (consumed). report_json and
 * report_junit build the same records; `lockchaos merge` reads them back.
 */
jv report_item_json(const struct report_item *it);
jv report_summary_json(const struct report_run *rr,
		       const struct report_totals *t, jv scenarios);

/*
 * Writes DIR/junit.xml from `summary` (borrowed; summary.json's format,
 * html.h): one testcase per scenario run, `classname` the scenario's
 * catalog folder, failures in words, the holders' log tails (read from
 * DIR/<dir>/history.jsonl) and the timeline's path in `system-out`. 0, or
 * -1 after saying what failed on stderr.
 */
int junit_write(const char *dir, jv summary);

/*
 * Writes `summary` (consumed) as DIR/summary.json and renders DIR/index.html
 * from it. 0, or -1 after saying what failed on stderr.
 */
int summary_write(const char *dir, jv summary);

/* seconds with 3 decimals, for messages */
#define US_TO_S(us) ((double)(us) / 1e6)

#endif
