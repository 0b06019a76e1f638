/*
 * lockchaos_holder.h - the C holder kit: everything of the lockchaos holder
 * protocol (version 1, docs/holder-protocol.md) except the lock. A lock
 * author fills in a struct lch_lock with the lock's callbacks and calls
 * lch_main(); the kit writes `hello`, reads and checks every command, runs
 * lanes, acquire (with its poll and timeout), release, deliver, turn (hold,
 * lane timeout, cleanup), spin, exit, sweep and the end of input, writes
 * the transcript lines and reports every outcome as an event.
 *
 * One thread, one poll() loop, as an event loop: an acquire is a series of
 * non-blocking attempts (the `acquire` callback, once per pollMs), so lanes
 * interleave and `spin` blocks them all. Callbacks must not block.
 *
 *   static int my_acquire(struct lch_ctx *ctx, struct lch_hold *h)
 *   {   ... one attempt: LCH_HELD, LCH_BUSY, or lch_error(ctx, "io", ...) }
 *   static int my_release(struct lch_ctx *ctx, struct lch_hold *h)
 *   {   ... LCH_RELEASED, LCH_STILL_HELD, LCH_LOST, or -1 }
 *   static const struct lch_lock my_lock = {
 *       .impl = "mylock", .version = "1.0",
 *       .caps = (const char *const[]){ "timeout", "fencing", NULL },
 *       .acquire = my_acquire, .release = my_release,
 *   };
 *   int main(int argc, char **argv) { return lch_main(&my_lock, argc, argv); }
 *
 * kits/c/example_toylock.c is a whole lock on it; kits/c/README.md says how
 * to build against the kit (it needs libjq for JSON: Debian's libjq-dev).
 * Errors: callbacks return -1 after lch_error() said why, with one of the
 * protocol's reasons; the kit turns that into the command's `fail`.
 */
#ifndef LOCKCHAOS_HOLDER_H
#define LOCKCHAOS_HOLDER_H

#include <stddef.h>
#include <stdint.h>

#include <jv.h>

#define LCH_PROTO 1

/* The running holder (one per process); opaque. */
struct lch_ctx;

/* What an `acquire` attempt returns (or -1 after lch_error()). */
enum lch_acquire_result {
	LCH_BUSY = 0, /* held by someone else: the kit tries again in pollMs */
	LCH_HELD = 1, /* this lane holds the lock now */
	LCH_DROP = 2, /* only from `busy`: answer ok, write nothing (a bug) */
};

/* What `release` returns (or -1 after lch_error(): the hold is dropped). */
enum lch_release_result {
	LCH_RELEASED = 0,   /* the lock file is gone */
	LCH_STILL_HELD = 1, /* an outer (reentrant) hold of the lane keeps it */
	LCH_LOST = 2,	    /* it was no longer ours: left to its new owner */
};

/*
 * One acquire by one lane, from the command that asked for it to its
 * release. The kit owns it and every string in it; the lock reads the
 * command's fields, sets the ones marked "lock", and may hang its own
 * state on `data` (freed in the `clear` callback).
 */
struct lch_hold {
	long long id;		/* the command's id */
	const char *op;		/* "acquire", "deliver" or "turn" */
	const char *session;	/* a plain file name (no '/') */
	const char *lane;	/* "main" unless the command named one */
	const char *transcript; /* LOCKCHAOS_DIR/<session>.jsonl */
	const char *lock_path;	/* the transcript path + ".lock" */
	int64_t timeout_ms;	/* the command's, else the lock's default */
	int64_t poll_ms;	/* likewise (>= 1) */
	int64_t max_hold_ms;	/* likewise: write it into the payload */
	int64_t grace_ms;	/* likewise: spare a fresh empty file so long */
	int opt_reentrant;	/* the command's opts.reentrant: 1, 0, or -1
				   (not given); only when `opts` lists it */
	int64_t started_us;	/* lch_now_us() when the acquire started */
	int attempts;		/* attempts made before this one */
	const char *reclaimed;	/* lock: why it removed someone else's lock
				   on this attempt (static string), or NULL */
	int reentrant;		/* lock: 1 when the lane re-entered its hold */
	char owner_pid[24];	/* lock: the pid found in a busy lock file, for
				   the timeout message ("unknown") */
	const char *why;	/* kit, before release: "release",
				   "lane-timeout" (drop every hold of the lane
				   on this lock at once), "cleanup" */
	int64_t removed_us;	/* lock, in release: lch_now_us() when the file
				   went (0: when release returned) */
	void *data;		/* lock: its own state for this hold */
	/* the kit's own */
	struct lch_hold *kit_next; /* the table of holds */
	const char *kit_lost;	 /* why it was let go behind the lane's back */
	int kit_tabled, kit_job; /* in the table; a command still uses it */
};

/* A turn's cleanup steps, when the lock has some (`cleanup` callback). */
struct lch_cleanup {
	const char *step; /* the first step that failed (static), or NULL */
	int err;	  /* its errno */
	int skip_release; /* 1: do not release (a bug: seed 000's mutant) */
};

/* The defaults of a command's time fields (OpenClaw's, LCH_DEFAULTS). */
struct lch_defaults {
	int64_t timeout_ms, poll_ms, max_hold_ms, grace_ms;
};
#define LCH_DEFAULTS                                                           \
	{                                                                      \
		10000, 50, 1020000, 5000                                       \
	}

/*
 * A lock: names, capabilities and callbacks. Only acquire and release are
 * required. Static storage: the kit keeps the pointer.
 */
struct lch_lock {
	const char *impl;    /* hello "impl" */
	const char *version; /* hello "version" */
	/* What the lock can do beyond the kit's acquire, release, deliver,
	 * turn and spin (docs/holder-protocol.md, capabilities): "lanes",
	 * "timeout", "maxHoldMs", "watchdog", "fencing" ... NULL-terminated.
	 * Without "lanes" every command runs on one queue in arrival order.
	 * "sweep" is added when `sweep` is set. */
	const char *const *caps;
	/* Why a missing capability is missing: "cap", "why", ..., NULL. */
	const char *const *na;
	/* The implementation options (a scenario's `opt.KEY=VALUE`, the
	 * command's `opts`) the lock honours, NULL-terminated: hello "opts".
	 * The kit knows "reentrant" (h->opt_reentrant); a command with an
	 * option not listed fails `unsupported`, never silently ignored. */
	const char *const *opts;
	struct lch_defaults defaults; /* all 0: LCH_DEFAULTS */

	/* One non-blocking attempt for h->lane: LCH_HELD (set h->reclaimed,
	 * h->reentrant), LCH_BUSY (set h->owner_pid), or -1 (lch_error). A
	 * lane that holds the lock already re-enters it (reentrant). */
	int (*acquire)(struct lch_ctx *ctx, struct lch_hold *h);
	/* Lets go of h: remove the lock file only while it is still ours.
	 * h->why says who asks; "lane-timeout" drops the lane's every hold on
	 * this lock. Returns an lch_release_result, or -1 (lch_error). */
	int (*release)(struct lch_ctx *ctx, struct lch_hold *h);
	/* Optional, fencing: 1 when h's lock file is still ours (same file,
	 * our pid), 0 when not, -1 (lch_error) when it cannot tell: not a
	 * loss, say `io`. The default append asks it before every write and
	 * writes only on 1; NULL: always 1. */
	int (*still_owner)(struct lch_ctx *ctx, struct lch_hold *h);
	/* Optional: writes one transcript line (`len` bytes ending in '\n')
	 * for h. NULL: still_owner, then lch_append_line(). 0 or -1. */
	int (*append)(struct lch_ctx *ctx, struct lch_hold *h, const char *line,
		      size_t len);
	/* Optional, the `sweep` operation: judge every lock file of `dir` as
	 * an acquire does, remove only stale ones (remove-if-unchanged, a WARN
	 * each), lch_swept() once per file. 0, or -1 (lch_error). */
	int (*sweep)(struct lch_ctx *ctx, long long id, const char *dir,
		     int64_t grace_ms);
	/* Optional: runs at every turn of the loop (a watchdog: lch_lost()
	 * for what it let go). Returns microseconds until it is due again,
	 * or -1 for no wish. */
	int64_t (*tick)(struct lch_ctx *ctx);
	/* Optional: a turn's cleanup steps before its release; fill *res.
	 * The kit then releases (unless res->skip_release) and fails the turn
	 * with reason `cleanup` when a step failed. */
	void (*cleanup)(struct lch_ctx *ctx, struct lch_hold *h,
			struct lch_cleanup *res);
	/* Optional test hook: called when a deliver finds the lock busy;
	 * LCH_DROP answers ok with nothing written (the silent drop of seed
	 * 000, for a mutant), anything else keeps polling. */
	int (*busy)(struct lch_ctx *ctx, struct lch_hold *h);
	/* Optional: frees h->data when the kit is done with h. */
	void (*clear)(struct lch_ctx *ctx, struct lch_hold *h);
	/* Optional: adds fields to `hello` (bug, failpoints ...). */
	jv (*hello)(struct lch_ctx *ctx, jv hello);
};

/*
 * Runs a holder on `lock` until the end of input: hello, commands,
 * release what explicit acquires still hold ("cleanup"). Returns the exit
 * status (0; 1 when the loop failed). Reads LOCKCHAOS_DIR (default: the
 * working directory) and LOCKCHAOS_HOLDER (default h<pid>).
 */
int lch_run(const struct lch_lock *lock);

/*
 * main() for a holder: --help / -h and --version answered, any other
 * argument refused (exit 2), then lch_run().
 */
int lch_main(const struct lch_lock *lock, int argc, char **argv);

/* ---- for the callbacks ----------------------------------------------------
 */
/* `ctx` may be NULL in lch_log, lch_emit and lch_lost (a library's log
 * hook has none): the process's one holder. */

/* CLOCK_MONOTONIC in microseconds: every event's "t". */
int64_t lch_now_us(void);

/* The session folder (LOCKCHAOS_DIR) and the holder's name. */
const char *lch_dir(const struct lch_ctx *ctx);
const char *lch_name(const struct lch_ctx *ctx);

/* A `log` event: level "DEBUG", "INFO", "WARN" or "ERROR". Every reclaim
 * of someone else's lock must say WARN, with its reason (rule L9). */
void lch_log(struct lch_ctx *ctx, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Says why a callback fails: `reason` one of the protocol's (timeout busy
 * io lane-timeout lock-lost cleanup unsupported bad-request other; any
 * other word becomes "other"), the message as printf. Returns -1.
 */
int lch_error(struct lch_ctx *ctx, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The lock let go of `lane`'s hold(s) on `lock_path` on its own (a
 * watchdog: why "watchdog"; found taken over: "lock-lost"): `released`
 * is reported, stamped `removed_us` (0: now), and a turn holding it fails
 * `lock-lost`. Nothing happens when the lane holds nothing there.
 */
void lch_lost(struct lch_ctx *ctx, const char *lock_path, const char *lane,
	      const char *why, int64_t removed_us);

/* One `swept` event of sweep `id`: `verdict` removed (1) or kept (0). */
void lch_swept(struct lch_ctx *ctx, long long id, const char *session,
	       int removed, const char *reason, long pid);

/* Any event (`obj` consumed; "t" added). */
void lch_emit(struct lch_ctx *ctx, jv obj);

/*
 * Appends `line` (`len` bytes ending in '\n') to `path` with O_APPEND in
 * one write, then fsync. A transcript that ends in a torn line gets a
 * '\n' first, so the line lands whole (L13). All or nothing: a failed
 * write is cut back. 0, or -1 (lch_error, reason "io").
 */
int lch_append_line(struct lch_ctx *ctx, const char *path, const char *line,
		    size_t len);

/* ---- for a lock file in OpenClaw's format (the example's, the reference's) */

/*
 * Field 22 of /proc/<pid>/stat (the start time, clock ticks since boot:
 * tells a recycled pid from its first owner) and the state letter ('Z'
 * zombie ...; `state` may be NULL), parsed after the last ')' (the command
 * name may hold spaces and parentheses). 0, or -1 with errno set (ENOENT:
 * no such process; EINVAL: the file did not parse).
 */
int lch_proc_stat(long pid, unsigned long long *starttime, char *state);

/* Where a pid means something (rule L2): the inode of this process's PID
 * namespace (re-read after a fork), 0 when unreadable; this boot's id
 * (/proc/sys/kernel/random/boot_id), "" when unreadable. */
unsigned long long lch_pid_ns(void);
const char *lch_boot_id(void);

/* CLOCK_BOOTTIME in ms: a lock's age for readers of the same boot, which
 * no step, skew or drift of a wall clock touches (rule L4). */
int64_t lch_boot_ms(void);

#endif
