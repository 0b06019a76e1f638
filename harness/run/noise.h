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
 * parent (PR_SET_PDEATHSIG), and are killed and reaped by noise_stop.
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

struct noise_figures {
	uint32_t hist[NOISE_BUCKETS];
	uint64_t samples;
	int64_t max_us;
	uint64_t io_samples; /* the storage probe's write + fsync pairs */
	int64_t io_max_us;   /* the longest of them */
};

struct noise {
	pid_t pid;		 /* the probe, 0 when none */
	pid_t io_pid;		 /* the storage probe, 0 when none */
	struct noise_figures *f; /* shared with them; NULL when none */
	void *stack[2];		 /* a probe's stack when it shares our
				    memory (noise.c), [1] the storage's */
};
#define NOISE_INIT { 0, 0, NULL, { NULL, NULL } }

/* Starts the probes; the storage probe writes `io_dir`/.lockchaos-io-probe
 * (none when io_dir is NULL). 0, or -1 (no probe: the figures stay 0). */
int noise_start(struct noise *n, const char *io_dir);

/* Stops (SIGKILL) and reaps the probes; their figures stay readable until
 * noise_clear. A no-op without a probe. */
void noise_stop(struct noise *n);

/* Frees the figures. */
void noise_clear(struct noise *n);

uint64_t noise_samples(const struct noise *n);
int64_t noise_max_us(const struct noise *n);
uint64_t noise_io_samples(const struct noise *n);
int64_t noise_io_max_us(const struct noise *n);

/* The overshoot (µs) that `pct` percent of the samples did not exceed
 * (bucket resolution, 100 µs); 0 without samples. */
int64_t noise_percentile_us(const struct noise *n, double pct);

#endif
