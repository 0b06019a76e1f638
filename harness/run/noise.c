/*
 * noise.c - the timer-overshoot probe (noise.h).
 */
#include "run/noise.h"

#include <errno.h>
#include <signal.h>
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

int noise_start(struct noise *n)
{
	sigset_t none;

	n->pid = 0;
	n->f = mmap(NULL, sizeof(*n->f), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (n->f == MAP_FAILED) {
		n->f = NULL;
		return -1;
	}
	n->pid = fork();
	if (n->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		probe(n->f);
	}
	if (n->pid < 0) {
		n->pid = 0;
		return -1;
	}
	return 0;
}

void noise_stop(struct noise *n)
{
	if (n->pid <= 0)
		return;
	kill(n->pid, SIGKILL);
	while (waitpid(n->pid, NULL, 0) < 0 && errno == EINTR)
		;
	n->pid = 0;
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
