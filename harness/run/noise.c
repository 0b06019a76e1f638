/*
 * noise.c - the timer-overshoot probe (noise.h).
 */
#include "run/noise.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The probe's loop: async-signal-safe calls only (it runs after fork). */
static void probe(struct noise_figures *f)
{
	const struct timespec ms = { 0, 1000000 };

	for (;;) {
		int64_t t0 = now_us(), over;
		size_t b;

		clock_nanosleep(CLOCK_MONOTONIC, 0, &ms, NULL);
		over = now_us() - t0 - 1000;
		if (over < 0)
			over = 0;
		b = (size_t)(over / 100);
		f->hist[b < NOISE_BUCKETS ? b : NOISE_BUCKETS - 1]++;
		if (over > f->max_us)
			f->max_us = over;
		f->samples++;
	}
}

/* The storage probe's loop, on `fd`: async-signal-safe calls only. */
static void io_probe(struct noise_figures *f, int fd)
{
	const struct timespec pause = { 0, 50 * 1000000 };

	for (;;) {
		int64_t t0 = now_us(), took;

		if (pwrite(fd, "x", 1, 0) == 1 && fsync(fd) == 0) {
			took = now_us() - t0;
			if (took > f->io_max_us)
				f->io_max_us = took;
			f->io_samples++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, 0, &pause, NULL);
	}
}

/* Forks a probe child running `loop` (io: the storage probe on `fd`);
 * its pid, or 0. */
static pid_t fork_probe(struct noise_figures *f, int io, int fd)
{
	sigset_t none;
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (io)
			io_probe(f, fd);
		probe(f);
	}
	return pid < 0 ? 0 : pid;
}

int noise_start(struct noise *n, const char *io_dir)
{
	char path[PATH_MAX];
	int fd;

	n->pid = n->io_pid = 0;
	n->f = mmap(NULL, sizeof(*n->f), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (n->f == MAP_FAILED) {
		n->f = NULL;
		return -1;
	}
	if (io_dir &&
	    snprintf(path, sizeof(path), "%s/.lockchaos-io-probe", io_dir) <
		(int)sizeof(path) &&
	    (fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC |
				 O_NOFOLLOW,
		       0600)) >= 0) {
		n->io_pid = fork_probe(n->f, 1, fd);
		close(fd);
	}
	n->pid = fork_probe(n->f, 0, -1);
	return n->pid ? 0 : -1;
}

static void stop_one(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGKILL);
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	*pid = 0;
}

void noise_stop(struct noise *n)
{
	stop_one(&n->pid);
	stop_one(&n->io_pid);
}

void noise_clear(struct noise *n)
{
	noise_stop(n);
	if (n->f)
		munmap(n->f, sizeof(*n->f));
	n->f = NULL;
}

uint64_t noise_samples(const struct noise *n)
{
	return n->f ? n->f->samples : 0;
}

int64_t noise_max_us(const struct noise *n)
{
	return n->f ? n->f->max_us : 0;
}

uint64_t noise_io_samples(const struct noise *n)
{
	return n->f ? n->f->io_samples : 0;
}

int64_t noise_io_max_us(const struct noise *n)
{
	return n->f ? n->f->io_max_us : 0;
}

int64_t noise_percentile_us(const struct noise *n, double pct)
{
	uint64_t want, seen = 0;
	int b;

	if (!n->f || !n->f->samples)
		return 0;
	want = (uint64_t)((double)n->f->samples * pct / 100.0);
	for (b = 0; b < NOISE_BUCKETS; b++) {
		seen += n->f->hist[b];
		if (seen >= want && seen)
			return b == NOISE_BUCKETS - 1 ? n->f->max_us
						      : (int64_t)(b + 1) * 100;
	}
	return n->f->max_us;
}
