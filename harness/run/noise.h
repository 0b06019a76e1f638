/*
 * noise.h - the machine's scheduling delay, measured while a scenario runs.
 *
 * As cyclictest does: a probe sleeps 1 ms (CLOCK_MONOTONIC, relative) over
 * and over and records by how much each sleep overshot. On an idle machine
 * that is tens of µs; on a loaded CI runner, milliseconds to hundreds of
 * them: the delay any holder, and the harness itself, may suffer between
 * deciding to act and acting. The runner records the figures in the history
 * (`noise` event) and result.json, widens the timing bounds by them, and a
 * timing verdict that fails by less than them is re-run (run.c).
 *
 * A second probe measures the storage the same way: every 50 ms it writes
 * one byte to a file of its own in the scratch folder and fsyncs it, and
 * records how long that took. A holder that fsyncs its transcript waits as
 * long (1.5 s under a disk-heavy load, where the scheduling probe saw
 * 18 ms): a timing verdict that missed by less than either is re-run.
 *
 * The probes are processes, not threads: after the sandbox's
 * unshare(CLONE_NEWPID) a process cannot make threads. They share the
 * worker's memory (clone(CLONE_VM); forked where that is not done, noise.c),
 * write only the shared figures, make only direct system calls
 * (clock_nanosleep, pwrite, fsync) and clock_gettime, die with their
 * parent (PR_SET_PDEATHSIG), and are killed by noise_kill and reaped by
 * noise_stop (or by the sandbox's sweep: they live in its PID namespace).
 */
#ifndef LOCKCHAOS_RUN_NOISE_H
#define LOCKCHAOS_RUN_NOISE_H

#include <stdint.h>
#include <sys/types.h>

/* Timing bounds (slackMs) are widened by this many times the p99
 * overshoot: a delay that hits one sleep in a hundred hits the two or three
 * steps of a hand-over (release, poll, acquire) about once. */
#define NOISE_SLACK_FACTOR 3

#define NOISE_BUCKETS 4096 /* of 100 µs: overshoots up to 409.6 ms */

/* A storage probe's create-to-fsync this long or longer is a stall of the
 * machine's storage: kept (its start and end) for sched.c, which counts a
 * holder's time blocked in the kernel only as far as the storage stalled
 * meanwhile. An idle disk takes a few ms (a journal commit); beside the
 * soak, seconds. */
#define NOISE_IO_STALL_US 20000
#define NOISE_IO_STALLS 64 /* the last ones kept: a probe's sample takes 50
			      ms or more, so these span 3 s at least, and
			      a holder is read every 2 s at most (sched.c) */

struct noise_figures {
	uint32_t hist[NOISE_BUCKETS];
	uint64_t samples;
	int64_t max_us;
	uint64_t io_samples; /* the storage probe's write + fsync pairs */
	int64_t io_max_us;   /* the longest of them */
	int32_t ns_pid[2];   /* each probe's pid in its own PID namespace
				(the sandbox's), as it said at its start;
				0 until then. [1] the storage probe's */
	int64_t since_us[2]; /* when each probe began the sleep (or the
				create-to-fsync) it is in, mono µs; 0 none:
				noise_kill counts a stall still going on */
	struct {
		int64_t from_us, to_us; /* mono µs */
	} io_stall[NOISE_IO_STALLS]; /* the storage probe's samples of
					NOISE_IO_STALL_US or more, a ring */
	uint64_t io_nstall;  /* stalls so far (the ring's next slot, mod
				NOISE_IO_STALLS), stored after the slot */
};

struct noise {
	pid_t pid;		 /* the probe, 0 when none */
	pid_t io_pid;		 /* the storage probe, 0 when none */
	struct noise_figures *f; /* shared with them; NULL when none */
	void *stack[2];		 /* a probe's stack when it shares our
				    memory (noise.c), [1] the storage's */
	struct noise_figures *kept; /* the figures as noise_kill found them
				       (malloc'ed): what is read from then
				       on; NULL before */
	int64_t killed_us;	 /* mono µs of noise_kill: where a stall
				    going on then ends */
};
#define NOISE_INIT { 0, 0, NULL, { NULL, NULL }, NULL, 0 }

/* Starts the probes; the storage probe creates, writes, fsyncs and
 * removes `io_dir`/.lockchaos-io-probe, over and over
 * (none when io_dir is NULL). 0, or -1 (no probe: the figures stay 0). */
int noise_start(struct noise *n, const char *io_dir);

/*
 * Stops the probes (SIGKILL) without waiting for them to die, and keeps
 * their figures as they are now: a probe killed in the middle of a sample
 * may still write it, but nothing reads the shared figures after this.
 * Waiting was two wake-ups on the run's critical path (each probe must be
 * run once more to die, on a loaded machine a wait for a CPU); killed
 * here, they die while the runner records the final state and sweeps the
 * sandbox. A no-op without a probe, or when already killed.
 */
void noise_kill(struct noise *n);

/*
 * 1 when `pid`, a pid of the probes' PID namespace (the sandbox's: its
 * /proc), is one of the probes, still a process (alive or dead, not yet
 * reaped by noise_stop): killed by noise_kill, a probe may still be in
 * /proc when the runner looks there for processes a holder left behind. A
 * probe that never ran to say its pid is reaped here first (noise_stop's
 * wait), so no pid of the namespace is taken for it unseen.
 */
int noise_owns_pid(struct noise *n, long pid);

/* Stops (noise_kill) and reaps the probes: the last call that touches
 * them; one already reaped by someone else's waitpid (the sandbox's sweep)
 * is not waited for. Their figures stay readable until noise_clear. A
 * no-op without a probe. */
void noise_stop(struct noise *n);

/* Frees the figures. */
void noise_clear(struct noise *n);

uint64_t noise_samples(const struct noise *n);
int64_t noise_max_us(const struct noise *n);
uint64_t noise_io_samples(const struct noise *n);
int64_t noise_io_max_us(const struct noise *n);

/*
 * How long (µs) within [from_us, to_us) (mono µs, real time) the storage
 * probe was in a create-to-fsync of NOISE_IO_STALL_US or more, the one
 * going on included (as far as it went: from its start once it is that
 * long): the time the machine's storage was measured stalling. Stalls
 * older than the ring's NOISE_IO_STALLS are not seen. 0 without a
 * storage probe.
 */
int64_t noise_io_stalled_us(const struct noise *n, int64_t from_us,
			    int64_t to_us);

/* The overshoot (µs) that `pct` percent of the samples did not exceed
 * (bucket resolution, 100 µs); 0 without samples. */
int64_t noise_percentile_us(const struct noise *n, double pct);

#endif
