/*
 * model.h - a run as the checkers see it: processes, operations, holds.
 *
 * model_build() reads a history (docs/history.md) once, in time order, and
 * turns it into the facts every checker reasons about; each checker is then
 * a function of the model and of the `final` event (checkers.h).
 *
 * What the model guarantees (and what it assumes of the history):
 *  - Time. `t` is microseconds on one clock for every event, scenario
 *    start = 0: holders' CLOCK_MONOTONIC stamps rebased by the runner. The
 *    events are visited re-sorted by `t` (stable), since two pipes may
 *    deliver slightly out of order; an event without `t` happened when the
 *    one before it (in the file) did. t_end is the latest time seen.
 *  - Processes (procs): one per process named by a spawn, invoke, answer,
 *    lock, log, exit or fault event (an `error` event alone makes none),
 *    the harness excepted (index -1). death_t is its first kill/term fault or exit;
 *    `stops` are the stretches it could not act (frozen until thawed, or
 *    spinning for a `spin` command or fault), all ended by its death.
 *  - Operations (ops): one per `invoke`, in time order, with its
 *    parameters (timeoutMs, pollMs, maxHoldMs, graceMs from the invoke,
 *    else meta.params, else the protocol's pollMs 50; NONE where nobody
 *    says), its first answer (an `info` only when the holder never
 *    answered), and start_t: when its lane let it begin (commands on a lane
 *    run in order; on every lane, for a holder without `lanes`). A
 *    contender waits from start_t until its acq_t, answer or death.
 *  - Holds, all sessions in one array, in time order: one per change of
 *    owner (a process; a lane of it, unless the acquisition is
 *    `reentrant`), and a pseudo-hold (proc -1, `damage` set) per lock file
 *    the harness damaged; `prev` is the hold before it on its session.
 *    Each says when it ended (end, end_t: the first moment its owner could
 *    no longer release, or should have) and from when contenders may take
 *    the lock (free_t: end_t, or acquired + maxHoldMs if sooner; for a
 *    planted file, what its kind allows). After all of those come the
 *    `creating` holds (prev -1): one per acquisition attempt of a process
 *    with a failpoint armed, which may own a file it has not reported.
 *  - Sessions: every session named by an invoke, lock event, damage fault
 *    or the `final` event.
 *  - Logs, `error` events (the harness's own included) and answers to
 *    commands never sent (orphans), in time order.
 *
 * Processes are found by name and operations by (process, id) in hash
 * indexes, and a death ends its process's holds from its own list: the
 * model is built in time linear in events (plus the sort), whatever the
 * number of holders (1,024 in `make bench`). What stays a scan is over the
 * holds open at once, or a session's; recovery judges each gap against
 * the contenders waiting in it, O(contenders x holds) per session at worst.
 *
 * Strings in the model point into the history (jv strings are reference
 * counted and the history keeps its own reference), so the model must not
 * outlive the history it was built from. Checkers get it const: they read
 * the model and never change it, so they are independent of each other.
 */
#ifndef LOCKCHAOS_CHECK_MODEL_H
#define LOCKCHAOS_CHECK_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <jv.h>

#include "check/fields.h"
#include "lib/util.h"

/*
 * Each process stamps its events after the fact: a holder stamps `released`
 * after unlink(), the harness stamps a kill after kill() returned. One
 * preempted between the act and the stamp looks late, so a contender that
 * found the file gone may show an `acquired` stamped before the previous
 * owner's end: by up to 0.3 ms in the reference suite on a loaded two-core
 * machine. Such an inversion counts as double ownership only beyond this
 * margin. A contender that says it *reclaimed* the file gets no margin
 * against a holder-stamped end: it removed a file whose owner had not yet
 * let go, which no stamping delay explains.
 */
#define ORDER_EPS_US 5000

/*
 * The same inversion on a loaded machine: a contender that says it created
 * the file fresh (not reclaimed) found it gone, so the previous owner had
 * let go, or somebody removed its file. When that owner's own `released`
 * follows within the scheduling delay measured during the run (the history's
 * `noise` event, p99 overshoot x NOISE_EPS_FACTOR), the late stamp is that
 * delay, not two owners. Never less than ORDER_EPS_US; a reclaim gets no
 * margin at all (above).
 */
#define NOISE_EPS_FACTOR 3

struct span {
	int64_t from, to;
	int frozen; /* else spinning (the `spin` op, a spin fault, or the
		       block-loop failpoint while it is on) */
	int paused; /* a pause failpoint fired in it (its `delayMs`): the
		       process sleeps in one call of its own lock code. Its
		       own waits get the time (model_stopped_for); it is no
		       stop that excuses a takeover (model_stop_within) */
};

struct proc {
	const char *name;
	int lanes;	  /* lanes run at once: caps has "lanes", or no spawn */
	int lock_kept;	  /* its spawn says "lockFile": "kept": a kernel lock,
			     which the kernel lets go of when it dies */
	int64_t death_t;  /* first kill/term fault or exit; NEVER */
	int64_t exit_t;	  /* its exit event: the harness reaped it, so it
			     was dead by then; NEVER */
	int zombie;	  /* killed by a `zombie` fault: dead but unreaped
			     (its exit_t is the `reap`) */
	int64_t failpoint_t; /* first failpoint armed in it that may leave
				a lock file it has not reported (not the
				pauses in reclaim and release, not cleanup
				or block-loop); NEVER */
	int64_t jitter_us;  /* the largest `jitter` max armed in it: each of
			       its file calls may sleep that long; 0 none */
	char how[48];	  /* "was killed", "exited (code 3)" ... */
	const char *ns;	  /* its own PID namespace (spawn `ns`), NULL: the
			     scenario's */
	double pidns;	  /* that namespace's inode (spawn `pidNs`), 0 */
	struct span *stops; /* frozen or spinning: it cannot act */
	int nr_stops, alloc_stops;
	/* its `sched` events (run/sched.c): by time t it had waited us µs
	 * for a CPU since its hello, or blocked in the kernel while the
	 * machine's storage stalled (runDelayUs + diskWaitUs); in history
	 * order */
	struct cpu_wait {
		int64_t t, us;
	} *cpu;
	int nr_cpu, alloc_cpu;
	int64_t hello_t;  /* its spawn (its hello): the count is 0 there,
			     though no event says so; NEVER */
	int disk_seen;	  /* some of it was the disk's (diskWaitUs > 0) */
	/* when it said something (acquired, released, appended, log, ok,
	 * fail), in time order: a `spin` it was sent had not begun yet */
	int64_t *said;
	int nr_said, alloc_said;
	/* the holds its `acquired` events began (pass 2), as indexes in
	 * m->holds, in order: those its death ends (a walk over every
	 * hold per death was quadratic in holders) */
	int *acquired;
	int nr_acquired, alloc_acquired;
};

struct op {
	int proc, ev;		 /* process, invoke event */
	int64_t id;
	const char *op, *session, *lane, *msg;
	int64_t invoke_t;
	int64_t start_t;	 /* its lane was free: it began; NEVER */
	int64_t poll_us, maxhold_us, timeout_us, grace_us, hold_us, spin_us;
	const char *outcome;	 /* "ok", "fail", "info" or NULL */
	int64_t outcome_t;	 /* NEVER when none */
	const char *reason, *error;
	int nr_answers;		 /* ok/fail events: the protocol wants one */
	int64_t answer_t[2];	 /* the first two, for the message */
	const char *answer[2];
	int appended;		 /* the holder reported the line written */
	int64_t acq_t;		 /* its first `acquired`; NEVER */
	int joined;		 /* ... was reentrant: it never waited */
	int joined_hold;	 /* the hold it joined (its depth), -1 */
	int unprompted;		 /* never answered: its holder ended on its
				    own (the `info` says unprompted) */
};

enum end_kind {
	END_NONE,
	END_RELEASED,	/* its `released` event */
	END_DIED,	/* kill/term fault or exit */
	END_OUTCOME,	/* its deliver/turn answered: it should have let go */
	END_RELEASE_OP, /* a release command on its lane answered */
	END_DAMAGED,	/* the harness replaced the lock file */
	END_UNLINKED,	/* the kernel saw its lock file deleted before
			   its owner said `released` (lives.c) */
	END_SWEPT,	/* a holder's sweep removed its lock file (`swept`
			   removed) */
};

/*
 * A sweep's removal of a lock file (`swept` with verdict removed): who
 * swept, when, which session, and the hold whose file it was (-1: none
 * open, a planted or dead file). That hold ends there (END_SWEPT); the
 * mutex checker judges whether it was a live owner's.
 */
struct sweep {
	int proc, ev;
	int64_t t;
	const char *session, *reason;
	int victim;
};

struct hold {
	int proc;	     /* -1: a damaged lock the harness planted */
	int op;		     /* the acquiring operation, -1 if unknown */
	int ev;		     /* its `acquired` (or damage fault) event */
	const char *session, *lane, *reclaimed;
	const char *damage;  /* pseudo-hold: damage kind */
	int64_t acq_t;
	int64_t maxhold_us;  /* NONE: no declared bound */
	int64_t released_t;  /* its `released` event; NEVER */
	const char *released_why; /* that event's `why` */
	int released_by_op;  /* a release command answered ok */
	int release_failed;  /* ... or failed: the file may stay */
	int64_t gone_t;	     /* no longer its lock file: joins stop */
	enum end_kind end;   /* the first moment it could no longer */
	int64_t end_t;	     /* release, or should have released */
	int end_op;	     /* for END_OUTCOME / END_RELEASE_OP */
	int64_t free_t;	     /* contenders may take it from here */
	int prev;	     /* the hold on this session before it, -1 */
	int creating;	     /* an attempt that may own a file it has not
				reported yet (see add_creating_holds) */
	int unreported;	     /* ... and creating: a lock file the kernel saw
				its payload name this owner, which never said
				`acquired` for it (lives.c) */
	int life;	     /* its lock file's kernel life (m->lives), -1 */
	int depth;	     /* acquisitions of it not yet given back: 1, +1
				per reentrant acquire, -1 per answered
				reentrant deliver/turn or release command;
				a release command ends it only at 0 */
};

/*
 * A lock file's life as the kernel saw it (`fs` events, lives.c): from its
 * create (or rename into place) to its delete (or rename away), and the
 * owners its payload named meanwhile (pids mapped to processes by their
 * spawn events; -2: a pid no holder had). Times are when the runner read
 * the event: at or after the change.
 */
#define LIFE_OWNERS 4
struct life {
	const char *session;
	int64_t from, to;	/* to: NEVER while it exists */
	int owners[LIFE_OWNERS];/* processes, in payload order */
	int nr_owners;
	double pids[LIFE_OWNERS];
	int64_t owner_t[LIFE_OWNERS]; /* when each payload was first seen */
	int damaged;		/* a damage fault on its session in its life */
};

struct logline {
	int proc;
	int64_t t;
	const char *level, *msg;
};

struct model {
	jv history; /* borrowed */
	int n;
	int64_t *t;  /* each event's time, µs */
	int *order;  /* event indexes sorted by (t, index) */
	int64_t t_end;
	int64_t slack_us;
	int64_t release_eps_us; /* ORDER_EPS_US widened by measured noise */
	int64_t def_poll, def_maxhold, def_timeout, def_grace;
	jv final; /* the `final` event, or invalid */

	struct proc *procs;
	int nr_procs, alloc_procs;
	struct name_index proc_index; /* name -> its process (a walk over
					 every process per event was
					 quadratic in holders: 1,024
					 holders, a third of the checks) */
	struct op *ops;
	int nr_ops, alloc_ops;
	int *op_hash;	 /* (proc, id) -> 1 + the first op with them, 0:
			    none; open addressing, at most half full (a walk
			    over every op per event was quadratic) */
	int op_hash_size; /* a power of two, or 0 */
	struct hold *holds;
	int nr_holds, alloc_holds;
	int open_from; /* holds below this all have gone_t set: searches for
			  a hold whose file is still there start here (O(1)
			  amortised instead of a walk over every hold) */
	int *unended;  /* indexes of the holds not ended (end END_NONE),
			  ascending, and some ended since: an answer ends
			  its holds from here, not from a walk over every
			  hold (quadratic in messages) */
	int nr_unended, alloc_unended;
	struct logline *logs;
	int nr_logs, alloc_logs;
	int *orphans; /* ok/fail events for a command never sent */
	int nr_orphans, alloc_orphans;
	int *errors; /* `error` events of holders */
	int nr_errors, alloc_errors;
	int *spins; /* `fault` spin events */
	int nr_spins, alloc_spins;
	struct sweep *sweeps; /* removals by a holder's sweep, in time order */
	int nr_sweeps, alloc_sweeps;
	const char **sessions;
	int nr_sessions, alloc_sessions;
	struct name_index session_index; /* name -> its index in sessions
					    (a walk over them per event was
					    quadratic in sessions) */
	struct life *lives;	/* empty without `fs` events */
	int nr_lives, alloc_lives;
	int kernel;		/* 1: the history has a complete kernel view
				   (fs events and no overflow) */
};

/* Reads the `fs` events into m->lives and, when the view is complete,
 * corrects holds by it (lives.c): a hold whose owner said `released`
 * (not lock-lost), or whose file the harness damaged, ends when the
 * kernel saw its file deleted, if that was sooner (END_UNLINKED,
 * END_DAMAGED); its maxHoldMs counts from its file's create when that was
 * seen before its `acquired`. A lock file whose payload named a holder
 * that never said `acquired` for it (frozen, or killed, between its create
 * and its `acquired` line) becomes an `unreported` hold (also `creating`,
 * prev -1, after every other hold): from its create to its delete, the
 * owner's death or the attempt's answer, reclaimable at its maxHoldMs.
 * Called by model_build. */
void model_kernel_lives(struct model *m);
/* Whether a damage fault on `session` came shortly (200 ms) before `t`:
 * a lock file created then is the harness's plant, its payload no
 * holder's. */
int model_planted_near(const struct model *m, const char *session, int64_t t);

/*
 * How much longer than its poll a jittered process may take to reclaim:
 * JITTER_CALLS_PER_TRY delays of its jitter's max (a reclaim by the
 * reference lock is about ten file calls: the failed create, the read of
 * the old lock, its judgement, the guard, the rename aside and the
 * unlink). 0 for a process without jitter.
 */
#define JITTER_CALLS_PER_TRY 10
int64_t model_jitter_allowance(const struct model *m, int proc);

/* Builds `m` from `history` (borrowed; it must outlive the model), an
 * array of objects. `slack_us` (negative counts as 0) is added to every
 * time bound the checkers judge. Never fails; allocation failure exits. */
void model_build(struct model *m, jv history, int64_t slack_us);

/*
 * How late h's holder-stamped end may be against newcomer n's `acquired`
 * and still be one owner after another: m->release_eps_us, plus the time
 * h's owner waited for a CPU between n's `acquired` and its `released`,
 * when n created the file fresh and h ended by its own release (not
 * lock-lost); ORDER_EPS_US otherwise, and for an n whose own lock file
 * was gone before its `acquired` (it did not find the path free). Between
 * two lanes of one process: ORDER_EPS_US plus that CPU wait, without the
 * noise term.
 */
int64_t model_release_eps(const struct model *m, const struct hold *h,
			  const struct hold *n);

/*
 * When h began: its lock file's create when the kernel saw that before the
 * owner's `acquired` (a holder descheduled, or in a slow fsync, between its
 * create and its stamp held the lock all along), else its `acquired`.
 * maxHoldMs counts from here, and a wait for the lock ends here.
 */
int64_t model_hold_start(const struct model *m, const struct hold *h);

/*
 * The ops (holds 0) or the holds (holds 1) of `m` by session: a new array
 * of *n (session, index) pairs, sorted by session (NULL first), then
 * index; the caller frees it. model_session_range() gives the pairs of one
 * session, [*lo, *hi), in O(log n): a checker's loop per session looks at
 * that session's ops or holds, not at all of them once per session (which
 * was quadratic in sessions).
 */
struct by_session {
	const char *session;
	int i;
};
struct by_session *model_by_session(const struct model *m, int holds,
				    int *n);
void model_session_range(const struct by_session *b, int n,
			 const char *session, int *lo, int *hi);

/* Frees what model_build() allocated. */
void model_clear(struct model *m);

/* Event `i` of the history (in file order), a new reference. */
jv model_event(const struct model *m, int i);

/* The process called `name`; -1 for the harness, for NULL and for a name
 * no event gave a process. */
int model_proc(const struct model *m, const char *name);

/* A process's name for messages; "the harness" for -1. */
const char *model_pname(const struct model *m, int proc);

/* How long `proc` could not act (frozen, spinning, paused in a pause
 * failpoint) within [a, b). */
int64_t model_stopped_for(const struct model *m, int proc, int64_t a,
			  int64_t b);

/* What `proc`'s waits (model_cpu_wait) were for, for a message: "a CPU",
 * or "a CPU or the disk" when some was time blocked in the kernel while
 * the storage stalled. */
const char *model_wait_what(const struct model *m, int proc);

/* How long `proc` waited for a CPU within [a, b), at most: its `sched`
 * count at the first sample at or after b less its count at the last one
 * at or before a (0 without samples: an idle machine). Time it was
 * runnable and not run, which no lock can be blamed for. */
int64_t model_cpu_wait(const struct model *m, int proc, int64_t a, int64_t b);

/* How long `proc` waited for a CPU within [a, b), at least: its count at
 * the last sample at or before b less its count at the first one at or
 * after a, or, from the samples around [a, b), what it waited between
 * them less the time they span outside [a, b) (a wait grows by at most
 * the time that passes), whichever is more; 0 without samples. With none
 * at or before a, its hello (spawn) is one that says 0: the count starts
 * there, at or before the harness's first read of it. */
int64_t model_cpu_wait_within(const struct model *m, int proc, int64_t a,
			      int64_t b);

/* The first stop of `proc` that overlaps [a, b), or NULL: frozen or
 * spinning, never a pause failpoint's (a lock paused inside its own code is
 * a lock running slowly, not a stuck holder). */
const struct span *model_stop_within(const struct model *m, int proc,
				     int64_t a, int64_t b);

/* The lines of `session` in final, as a new jv array of raw strings (maybe
 * empty). */
jv model_transcript(const struct model *m, const char *session);

/*
 * 1 when processes a and b (>= 0) live in different PID namespaces
 * (containers: `holder A ns=c1`): by pidNs when both spawns say it, else
 * by ns name. A pid, and a death, in one is invisible from the other: a
 * contender there can judge the lock of a dead owner only by its age.
 */
int model_other_pidns(const struct model *m, int a, int b);

/* What ended hold `h`, for messages: "A was killed at 1.200 s". */
void model_describe_end(const struct model *m, const struct hold *h,
			char *buf, size_t n);

/* "deliver m1", or "acquire 3" for a command without a message. Returns
 * buf. */
const char *op_label(const struct op *o, char *buf, size_t n);

/* Does operation `op` ("acquire", "deliver", "turn") take the lock? */
int op_is_acquiring(const char *op);

/* The same owner: one process, one lane. */
int hold_same_owner(const struct hold *a, const struct hold *b);

#endif
