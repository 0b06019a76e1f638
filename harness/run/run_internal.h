/*
 * run_internal.h - the state of one scenario run, shared by the files of
 * run/ that play it (runner.c, holder_io.c, history.c, final.c, result.c)
 * and by the fault injectors of faults/, which act on it.
 *
 * Not a public contract: runner.h is. One run lives in one worker process
 * and is single-threaded; nothing here is locked.
 */
#ifndef LOCKCHAOS_RUN_INTERNAL_H
#define LOCKCHAOS_RUN_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <jv.h>

#include "faults/damage.h"
#include "lib/util.h"
#include "run/runner.h"
#include "run/watch.h"
#include "sandbox/supervise.h"
#include "scenario/scenario.h"

#define EXIT_GRACE_MS 5000
/* ... plus the time the holders told to exit waited for a CPU meanwhile,
 * up to this much in all (runner.c, wind_down) */
#define EXIT_GRACE_MAX_MS 60000
/* ... or up to this much while one of them is exiting or blocked in the
 * kernel (D), as a killed holder's exit is waited for (faults/signal.c,
 * await_death) */
#define EXIT_GRACE_KERNEL_MS 100000
/* An `await`'s timeout likewise, by the time the holders waited for a CPU
 * since the await began, up to this many times the timeout (runner.c,
 * step_await) */
#define AWAIT_GRACE_FACTOR 10
/* The scenario's deadline likewise, by the most a holder waited for a CPU
 * since the scenario began, up to this many times the deadline (runner.c,
 * deadline_widen): it stops a scenario that hangs, and one a loaded machine
 * runs slowly does not hang */
#define DEADLINE_GRACE_FACTOR 10
/*
 * What a holder may send (issue 11: a holder is untrusted input). Past any
 * of these it has broken the protocol: an `error` event says which bound,
 * and the holder is killed. Memory stays bounded whatever it writes.
 */
#define LINE_MAX_BYTES (64 << 10)     /* one stdout or stderr line */
#define HOLDER_EVENTS_MAX 20000	      /* stdout lines over the run */
#define HOLDER_OUT_MAX (16 << 20)     /* stdout bytes over the run */
#define HOLDER_ERR_MAX (4 << 20)      /* stderr bytes over the run */
#define STDERR_LINES_KEPT 200	      /* stderr lines recorded, then
					 only the last is kept (a tail) */

struct lbuf {
	char *buf;
	size_t len, alloc;
};

struct noise;

struct hstate {
	const struct scn_holder *decl;
	struct holder_proc proc;
	pid_t inner;		/* its pid as it sees itself (hello): in the
				   sandbox, or in its own namespace (ns=) */
	pid_t spid;		/* the same process in the sandbox's /proc,
				   which is the worker's: for reading it */
	int ns;			/* index into run.ns; -1: the sandbox's */
	unsigned long long nsino; /* its PID namespace's inode; 0 unknown */
	long long starttime;	/* its /proc starttime, for recycle checks */
	int hello, alive, frozen, spinning, told_exit, reaped;
	int zombie;		/* dead, kept unreaped (faults/zombie.c): the
				   pump does not waitpid it until `reap` */
	int doomed;		/* a signal fault was sent to it: its death is
				   the scenario's doing, not its own */
	jv caps, na;		/* from hello */
	jv opts;		/* hello's `opts`: the option names it
				   honours; invalid when it names none */
	int lock_kept;		/* hello's "lockFile": "kept" (a kernel lock
				   on a file that stays after release) */
	jv failpoints;		/* hello's compiled-in failpoint names, or
				   invalid when it declared none */
	char *hello_error;	/* what is wrong with its hello, or NULL */
	char *impl;
	struct lbuf out, err;
	struct lbuf in;		/* commands not yet taken by the holder: its
				   stdin is written without blocking, the
				   rest when poll says it has room */
	size_t out_bytes, err_bytes;
	int events, err_lines;
	int err_dropped;	/* stderr lines past STDERR_LINES_KEPT */
	char *err_last;		/* the last of those */
	int overrun;		/* a bound was passed: killed */
	int bad_hello;		/* its hello broke the protocol */
	/* faults/clock.c: the libfaketime line it reads, "off x rate" */
	double clock_off_s, clock_rate;
	int clock_rate_set;	/* a drift was asked: the rate is written */
	int64_t clock_start_us;	/* wall clock when it was started, for
				   libfaketime's start (within ms) */
	/* sched.c: its threads' run_delay at hello (-1: not read yet), and
	 * how much of it since then the history has said */
	long long sched_base_ns, sched_said_ns;
	/* sched.c: each thread as last read, for the wait it is in now
	 * (run_delay counts a wait only when it ends) */
	struct sched_seen *sched_seen;
	int sched_nseen, sched_aseen;
	unsigned sched_gen;	/* reads so far */
	long long sched_gone_ns; /* the waits of its threads that ended */
	/* sched.c: its threads' time seen blocked in the kernel (state D),
	 * and the part of it during the storage probe's stalls (what is
	 * counted with the CPU wait), as of the last read; at hello; said;
	 * of its threads that ended */
	long long sched_blocked_ns, sched_disk_ns;
	long long sched_base_blocked_ns, sched_base_disk_ns;
	long long sched_said_blocked_ns, sched_said_disk_ns;
	long long sched_gone_blocked_ns, sched_gone_disk_ns;
	char sched_blocked_in[48]; /* the kernel function (wchan) the thread
				      last found newly blocked waited in: for
				      the history (blockedIn), not a verdict */
	struct noise *noise;	/* the run's probes, whose storage stalls
				   its blocked time is counted within; NULL:
				   none is counted */
	int sched_due;		/* a wait ended in the chunk being read:
				   sample it when the chunk is done */
	int pending;		/* commands sent and not yet answered: the
				   periodic samples read only holders with
				   one (sched_tick) */
};

struct pend {
	int id;
	int h;			 /* index into run.h */
	const struct scn_step *st;
	int64_t deadline;	 /* scenario µs after which we stop waiting */
	int64_t budget_us;	 /* its share of that: the time it may take,
				    widened by its holder's CPU wait (quiet) */
	long long self_sent;	 /* the runner's run_delay (ns) when it was
				    sent, or -1 */
	int done;
};

/*
 * The history's events as JSON lines (jvx_dump), in the history's order:
 * each event is dumped once, when it is recorded (for history.jsonl as it
 * goes), and the history written whole at the end reuses the line (a dump
 * of every event again was 8% of a 100-message run's instructions).
 */
struct history_lines {
	char **v;
	int n, alloc;
};

struct run {
	const struct scenario *s;
	const struct run_opts *o;
	struct sandbox sb;
	char *scratch, *dir;
	int64_t t0;		 /* mono µs at sandbox start: history's origin */
	int64_t ready;		 /* history µs when every holder said hello:
				    `at` times and the deadline count from
				    here, so a slow-starting holder (node:
				    ~350 ms) does not shift the script */
	int64_t deadline;	 /* history µs when the scenario's deadline
				    passes: no wait goes beyond it (moved
				    by deadline_widen) */
	long long *deadline_cpu; /* the holders' CPU waits when the
				    scenario began (cpu_base) */
	long long self_wait_base; /* the runner's own run_delay (ns) when
				     the scenario began; -1: unreadable */
	int self_stat_fd;	 /* its /proc/thread-self/schedstat, or -1 */
	int64_t death_wait;	 /* history µs spent waiting for killed
				    holders to end (faults/signal.c,
				    await_death): the kernel's, and the
				    deadline's to absorb (deadline_widen) */
	struct hstate *h;
	int nh;
	struct name_index h_index; /* name -> its holder, made at
				      run_holder's first call (a walk over
				      the holders per step was quadratic
				      in them) */
	struct pidns *ns;	 /* the holders' own PID namespaces (ns=),
				    one per name, in order of declaration */
	int nns;
	struct pend *p;
	int np, ap;
	int next_id;
	jv hist;
	struct history_lines lines; /* each event of hist as written */
	FILE *hist_fp;
	uint64_t prng;
	int chld_fd;		 /* signalfd for SIGCHLD: wakes the loop at
				    a death, when a holder has no pipe left */
	char *error;		 /* the run broke: status error */
	char *fault_error;	 /* a fault did not take */
	char *await_error;	 /* an `await` on an event timed out */
	char *opt_refused;	 /* a holder answered a command with
				    `opt.` keys `unsupported`: n/a */
	struct noise *noise;	 /* the noise probe (noise.c): stopped
				    before the final snapshot, which would
				    count it as a stray process */
	struct damage_ctx dmg;
	int fs_fd, fs_dirfd;	 /* inotify on the session folder, and the
				    folder (watch.c); -1 when none */
	int fs_wd;		 /* its watch; -1 when none or stopped */
	int fs_events;		 /* `fs` events recorded: bounded */
	int fs_overflow;	 /* the kernel view is incomplete */
	char fs_last[512];	 /* the last payload event, to skip repeats */
	struct queue *fs_queue;	 /* watch.c's read queue, kept for the run */
	int speed;		 /* the scenario clock runs this many times as
				    fast as the real one (speed.c); 0 or 1:
				    real time */
	int64_t origin_real_us;	 /* CLOCK_REALTIME at t0: the origin every
				    holder's accelerated clock shares */
	char *speed_preload;	 /* LD_PRELOAD list of a compressed run */
	char *speed_note;	 /* why the run is slower than asked, or
				    NULL: into the meta event and result */
	int64_t sched_next_us;	 /* mono µs of sched.c's next sample */
	int ep_fd;		 /* epoll over every holder pipe, the SIGCHLD
				    signalfd and the inotify fd (pump_open):
				    a wake-up costs what is ready, not a walk
				    over every holder's pipes */
	int reap_due;		 /* a SIGCHLD came (or a zombie was let go):
				    the pump's next turn waitpids the
				    holders; else only every REAP_PERIOD_US */
	int64_t reap_next_us;	 /* mono µs of that safety-net scan */
};

/* The command `id` sent to holder `h` (an index into r->h), or NULL when
 * none was (an id that is not ours, or another holder's). By bisection:
 * r->p holds the commands in the order their ids were given. */
struct pend *run_pend_find(struct run *r, int h, int id);

/* Microseconds since r->t0 on the scenario's clock: the history's clock
 * (real µs x r->speed in a compressed run, speed.c). */
int64_t run_now(struct run *r);

/* sched.c: each holder's wait for a CPU into the history (`sched` events).
 * sched_sample reads one holder now; sched_tick, when due, each holder
 * with a command out (hstate.pending). */
void sched_sample(struct run *r, struct hstate *h);
void sched_tick(struct run *r);
/* Its threads' total wait not of its own making now (since it was
 * started), in ns: their run_delay, plus a lower bound of the waits for a
 * CPU they are in now, plus their time seen blocked in the kernel while the
 * storage probe stalled (h->noise; sched.c says why only then); -1 when it
 * is gone, has not said hello, or /proc has no schedstat. */
long long sched_wait_ns(struct hstate *h);
/* Its threads' time seen blocked in the kernel (state D) so far, all of
 * it (ns; a lower bound, sampled as the CPU wait is); -1 as above. */
long long sched_blocked_ns(struct hstate *h);
/* 1 when the last read of it (sched_tick's, every 50 ms or so while it
 * has a command out) found one of its threads blocked in the kernel (D)
 * and unmoved since the read before: no /proc read of its own. */
int sched_seen_blocked(const struct hstate *h);
/* 1 when one of its threads is blocked in the kernel (D) now. */
int sched_in_kernel(const struct hstate *h);
/* The largest run_delay (ns, since it was started) of a holder that has not
 * said hello yet; -1 when none can be read. */
long long sched_start_wait_ns(struct run *r);
/* 1 when a process of a holder that has not said hello yet is blocked in
 * the kernel (D) now (a binary paged in from a stalled disk). */
int sched_start_in_kernel(struct run *r);
/* The runner's own run_delay (ns: time runnable, waiting for a CPU), from
 * its /proc/thread-self/schedstat opened before the sandbox's /proc took
 * the place of the host's; -1 when unreadable (runner.c). */
long long run_self_delay_ns(const struct run *r);


/* final.c: 1 when holder h is exiting (PF_EXITING, or a zombie): it acted
 * on `exit` or a kill, and only the kernel's teardown is left (beside a
 * soak, threads of exiting holders sat seconds in exp_funnel_lock). The
 * exit grace waits for it up to its cap; one still there is not leaked. */
int holder_exiting(const struct hstate *h);

/* Keeps the first error in *slot (malloc'ed), ignores later ones. */
void run_set_error(char **slot, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- history.c: events ---------------------------------------------------- */

/* Appends `ev` (consumed) to the history, to history.jsonl as it happens
 * (buffered: run_pump flushes it before each wait), and to stderr under
 * -v; stamps `t` (now) if it has none. */
void history_record(struct run *r, jv ev);

/* A new event {"type": type, "process": process}; process may be NULL. */
jv ev_new(const char *type, const char *process);
/* ev with k set to v; a NULL v leaves ev as it is. Consume ev. */
jv ev_str(jv ev, const char *k, const char *v);
jv ev_num(jv ev, const char *k, double v);
/* Copies field k of `from` (borrowed) when it is there. */
jv ev_copy_field(jv to, jv from, const char *k);
/* op, session, lane, msg and label of an op step. */
jv ev_op_fields(jv ev, const struct scn_step *st);

/* Records the `fault` event of fault step `st`: fault (its row's name),
 * target (the step's holder, if any), line, then the fields of `extra`
 * (consumed). */
void run_fault_record(struct run *r, const struct scn_step *st, jv extra);

/* The `meta` event that opens a history. */
jv history_meta(struct run *r);

/* `hist` (consumed) sorted by t, stable; meta first, final and verdicts
 * last: holder events arrive through pipes a little late. `lines` (may
 * be NULL), the events' lines in hist's order, is put in the same order. */
jv history_sort(jv hist, struct history_lines *lines);

/* history_record of `ev` (consumed), an event without a `t`, whose dump
 * `d` (malloc'ed, consumed) the caller made already (the kernel view's
 * repeat check): its line is `d` with the time stamp put last, where
 * jv_object_set puts a new field (libjq keeps an object's fields in the
 * order they were set), not a second dump: 300 of a 100-message run's
 * 1,337 dumps, 10,000 instructions each. An event with a `t`, or another
 * dump, is recorded as history_record does. */
void history_record_dumped(struct run *r, jv ev, char *d);

/* Appends `ev` (consumed) to r->hist and its line to r->lines, as it is:
 * no time stamp, not to the file as it goes (the verdicts and the result,
 * after the sort). */
void history_append(struct run *r, jv ev);

/* Writes `arr` (borrowed) as JSON lines: the lines of `lines` when it
 * holds one for each event (NULL: each event dumped). 0 or -1 (errno). */
int history_write(const char *path, jv arr,
		  const struct history_lines *lines);

void history_lines_clear(struct history_lines *lines);

/* ---- holder_io.c: talking to holders -------------------------------------- */

/* The holder called `name` (declared, so never NULL for a parsed step). */
struct hstate *run_holder(struct run *r, const char *name);

/* The namespace of holder h (its own, ns=), or NULL: the sandbox's. */
const struct pidns *run_holder_ns(struct run *r, const struct hstate *h);

/* Starts every holder and waits for each one's hello. 0, or -1 with
 * r->error set. */
int holders_start(struct run *r);

/* Writes one command line to a holder; a dead holder's pipe is ignored
 * (its open commands end as info when it is reaped). Consumes cmd. */
void holder_send(struct run *r, struct hstate *h, jv cmd);

/*
 * Takes `n` bytes a holder wrote on stdout (is_err 0) or stderr (1) and
 * records each whole line (events, or STDERR log lines), within the bounds
 * above; n == 0 is end of file. The line reader run_pump uses, and what
 * tests/fuzz/fuzz_holderline.c feeds.
 */
void holder_feed(struct run *r, struct hstate *h, const char *chunk,
		 size_t n, int is_err);

/* A holder can no longer answer: its open commands end as `info`. */
void holder_close_pending(struct run *r, int hi, const char *why);

/* NULL when every holder can do what the scenario asks, else why not
 * (malloc'ed): its operations' capabilities, `lanes` for a second lane,
 * its faults', `pidPayload` for a holder named by `await H created`, the
 * scenario's `requires`, `speed` in a compressed run, and its options. */
char *holders_missing_capability(struct run *r);

/* Kills whatever is left (the whole sandbox) and reaps it. */
void holders_kill_all(struct run *r);

typedef int (*pump_done_fn)(struct run *r, void *arg);

/* Sets up run_pump's epoll set (r->ep_fd) with r->chld_fd and r->fs_fd
 * when they are open; holders_start adds each holder's pipes. Call it
 * once, before holders_start. 0, or -1 with errno. */
int pump_open(struct run *r);

/* The loop: reads every holder's output, reaps exits, until scenario time
 * `until` (µs) or until done(r, arg) says so (done may be NULL). */
void run_pump(struct run *r, int64_t until, pump_done_fn done, void *arg);

/* How long (µs) the processes a grace waits for have waited for a CPU so
 * far (run_pump_cpu_grace). */
typedef int64_t (*cpu_wait_fn)(struct run *r, void *arg);

/*
 * run_pump until `done`, for limit_us of real time from now, plus what
 * `waited` says the processes waited for a CPU meanwhile (read every
 * 100 ms or so, a wait still going on included), up to cap_us in all: a limit for something
 * that is not a lock property (a start-up, an exit) that a loaded machine
 * does not break. Returns the wait it allowed (µs).
 */
int64_t run_pump_cpu_grace(struct run *r, int64_t limit_us, int64_t cap_us,
			   pump_done_fn done, cpu_wait_fn waited, void *arg);

/* pump_done_fn: the holder `arg` (struct hstate *) has been reaped. */
int holder_gone(struct run *r, void *arg);

/* ---- watch.c: the kernel's view of the session folder ------------------ */

/* Starts watching r->dir (inotify, non-blocking). 0, or -1 with errno
 * (then there is no kernel view, and the history's meta says so). */
int watch_open(struct run *r);

/* Records the `fs` events queued so far (bounded per call); a no-op
 * without a watch. Called by run_pump at every wake-up. */
void watch_drain(struct run *r);

/* Removes the watch after the last drain: nothing after it is recorded.
 * The kernel frees a watch after an RCU grace period, and the inotify
 * fd's last close() waits for that; removed here, the grace period may
 * pass while the final state is read and the sandbox swept, before
 * watch_release. */
void watch_stop(struct run *r);

/* Closes the inotify fd behind the run (close_behind): the kernel frees
 * the watch only after a grace period, and close() waits for it (0.1 to
 * 45 ms beside make soak, median 0.6 ms: on the path from the last
 * holder's exit to the report, where nothing needs it done). Called once
 * the sandbox is swept and the worker may make a thread again; stops the
 * watch first if that was not done. */
void watch_release(struct run *r);

void watch_close(struct run *r);

/* ---- await.c: `await` on events ------------------------------------- */

/*
 * Where in r->hist the events step st (an `await` on an event, not
 * AWAIT_IDLE) may wait for start: at the last command sent to its holder
 * (for ANSWERED: the last one labelled so), so `A turn` then `await A
 * acquired` waits for the turn's acquire, not an earlier one. Call it when
 * the step starts.
 */
int await_start(struct run *r, const struct scn_step *st);

/* Step st has its event (its await_nth match) in r->hist from index
 * `from` (await_start) on: 1, else 0. */
int await_met(struct run *r, const struct scn_step *st, int from);

/* "B released why=watchdog": what step st waits for. Malloc'ed. */
char *await_describe(const struct scn_step *st);

/* ---- speed.c: one accelerated clock for the run ---------------------- */

/*
 * Sets r->speed: --speed, else the scenario's `speed N`, else 1; 1 with
 * r->speed_note saying why when the scenario says `speed off` or (under
 * --speed) libfaketime or lockchaos-speed.so is missing. Call it before
 * the sandbox (which hides /proc/self, by which lockchaos finds
 * lockchaos-speed.so). Returns 0, or -1 with *status (STATUS_UNSUPPORTED)
 * and *reason (malloc'ed) when the scenario's own `speed` line cannot be
 * honoured.
 */
int speed_decide(struct run *r, const char **status, char **reason);

/* After sandbox_enter: a compressed run needs the sandbox's confinement
 * (libfaketime writes to /dev/shm where it can). 0, or -1 as
 * speed_decide; under --speed the run goes on in real time, saying why. */
int speed_check_sandbox(struct run *r, const char **status, char **reason);

/* Takes the accelerated clock's origin: call it right after setting
 * r->t0, before any holder starts. */
void speed_start(struct run *r);

/* Adds a compressed run's variables (at most 6, malloc'ed) to a holder's
 * environment at env[n]; returns the new count. */
int speed_holder_env(struct run *r, char **env, int n);

/* `us` of real time (a grace wait of the harness's, not of the lock's) in
 * scenario µs, for run_pump and the like. */
int64_t run_real_us(struct run *r, int64_t us);

/* A holder's event time (its CLOCK_MONOTONIC, µs; faked in a compressed
 * run) on the history's clock. */
double run_holder_t(struct run *r, double t);

/* ---- final.c -------------------------------------------------------------- */

/* Step st (STEP_LOOK): records a `look` event, what is at st->session's
 * lock path now (lock: absent, file, dir, symlink, other; a file's
 * payload), with the step's line. */
void look_record(struct run *r, const struct scn_step *st);

/* Records the `final` event: each session's lock and transcript, and the
 * holders told to exit that did not. */
void final_record(struct run *r);

#endif
