/*
 * runner.h - runs one iteration of one scenario, for real.
 *
 * scenario_run() is called in a worker process of its own (run.c forks one
 * per scenario run): it enters a sandbox (supervise.h), starts the holders,
 * plays the steps at their times, injects the faults, records the history,
 * snapshots what is left, kills and reaps everything, runs the checkers and
 * the scenario's expectations, and writes history.jsonl and result.json
 * into its report folder.
 */
#ifndef LOCKCHAOS_RUNNER_H
#define LOCKCHAOS_RUNNER_H

#include <stdint.h>
#include <sys/types.h>
#include <jv.h>

#include "scenario/scenario.h"

struct run_opts {
	char **holder_argv;	  /* the holder command, split into words */
	const char *report_dir;	  /* this run's folder; must exist */
	const char *scratch_root; /* where scratch folders are made */
	uint64_t seed;		  /* this run's seed: jitter, garbage bytes */
	int iteration;		  /* 1..scenario repeat */
	int verbose;		  /* -v: every event to stderr as it happens */
	int keep_scratch;	  /* -i: keep the scratch folder on failure */
	int want_pidns;		  /* try a private PID namespace */
	int start_timeout_ms;	  /* how long a holder may take to say
				     hello; 0: RUN_START_TIMEOUT_MS */
	int speed;		  /* --speed N: overrides the scenario's
				     `speed`; 0: the scenario's own */
};

/*
 * A holder's time to `hello` is not a property of its lock: an interpreter
 * on a loaded CI runner may take seconds to start. The default is generous;
 * a holder that never says hello makes the run an ERROR naming the cause
 * (and its stderr's tail), never a FAIL.
 */
#define RUN_START_TIMEOUT_MS 30000
/* ... widened by the time it waited for a CPU since it was started, up to
 * this many times the limit in all (holder_io.c, holders_start; and
 * check-holder) */
#define START_GRACE_FACTOR 10

/* The largest run_delay (ns) of the processes of a sandbox other than its
 * init and the caller (with `pidns`: our /proc is the sandbox's), or of
 * `pid` alone (without); -1 when none can be read (run/sched.c). */
long long sched_sandbox_wait_ns(pid_t pid, int pidns);
/* Whether a holder is blocked in the kernel now (a thread in state D),
 * read as sched_sandbox_wait_ns reads its CPU wait: every process of the
 * sandbox but its init and the caller with `pidns`, else `pid`'s own
 * threads. For check-holder, which has no run. */
int sched_sandbox_in_kernel(pid_t pid, int pidns);

/* Statuses, as in summary.json. */
#define STATUS_PASS "pass"
#define STATUS_FAIL "fail"	   /* a check or expectation failed */
#define STATUS_NA "na"		   /* the holder lacks a capability */
#define STATUS_ERROR "error"	   /* the run itself broke: no verdict */
#define STATUS_UNSUPPORTED "unsupported" /* this machine cannot */

struct run_result {
	const char *status;   /* one of STATUS_* (static) */
	char *reason;	      /* one line, for TAP and the matrix */
	jv failures;	      /* [{checker, msg, at, line}] */
	int64_t duration_ms;
	int64_t recovery_ms;  /* first reclaim after the first fault; -1 */
	int64_t noise_p99_us, noise_max_us; /* scheduling delay measured
					       while it ran (noise.h) */
	int64_t noise_io_max_us; /* the longest write + fsync of the
				    storage probe meanwhile (noise.h) */
	int reruns;	      /* re-runs after a timing verdict within the
				 noise (run.c) */
	char *starved;	      /* a holder that waited for a CPU, while it
				 held, as long as its maxHoldMs
				 (check_starved_hold), or NULL; not in
				 result.json */
	int starved_cause;    /* check_starved_hold's CHECK_STARVED_*, 0 */
	int speed;	      /* the scenario clock's speed it ran at (1:
				 real time; run_internal.h, speed.c) */
	char *speed_note;     /* why it ran slower than asked, or NULL */
	char *scratch;	      /* kept scratch folder, or NULL */
	int scenario_error;   /* status error because the scenario is wrong
				 for this holder (a failpoint it does not
				 have): `file:line:` in reason; exit 2 */
	jv hist;	      /* the events written to history.jsonl, for
				 the worker's timeline; null when none */
};
void run_result_init(struct run_result *r);
void run_result_clear(struct run_result *r);

/*
 * Runs `s` once with `o`. Always fills `r` (status error with a reason when
 * the run could not be carried out) and writes r as result.json into
 * o->report_dir. Returns 0 when result.json was written, -1 if not.
 */
int scenario_run(const struct scenario *s, const struct run_opts *o,
		 struct run_result *r);

/* Reads result.json written by scenario_run into `r`, which must hold a
 * result (run_result_init'ed at least): what it held is cleared. 0, or -1
 * with *err. */
int run_result_load(struct run_result *r, const char *path, char **err);

#endif
