/*
 * speed_origin.c - build/lockchaos-speed.so, preloaded into every holder of
 * a compressed scenario (`speed N`, harness/run/speed.c) together with
 * libfaketime, listed BEFORE it in LD_PRELOAD: the loader runs preloaded
 * constructors last to first, so this one runs after libfaketime started.
 *
 * libfaketime's speed factor (`FAKETIME="@F xN"`) runs a process's clock
 * as F + (t - S) x N, from the moment S at which that process's copy of
 * libfaketime started (or, when it could write /dev/shm, its process
 * tree's first): two holders started a second apart would disagree by
 * (N - 1) seconds, and even the gap between two constructors, on a loaded
 * machine, is milliseconds times N. We want every process of the run on
 *
 *     fake(t) = origin + (t - origin) x N
 *
 * S is libfaketime's secret, but the error it makes is not: fake(t) -
 * (origin + (t - origin) x N) = F - origin - (S - origin) x N, the same at
 * every t. So this constructor gives libfaketime a first F, reads the faked
 * clock between two real readings (by system call: the libc symbol is
 * libfaketime's), and moves F by the error it saw. What is left is the
 * time between those readings, times N: microseconds, and it retries when
 * the machine preempted it in between. FAKETIME_NO_CACHE (which the
 * harness sets for the whole process tree, since libfaketime reads it when
 * it starts) makes libfaketime read FAKETIME at every call, so each new F
 * counts at once; FAKETIME_DONT_RESET keeps it from moving S when it does.
 * A child process loads this library too and calibrates itself, whatever
 * FAKETIME it inherited.
 *
 * Reads LOCKCHAOS_SPEED (N) and LOCKCHAOS_SPEED_ORIGIN (the origin's
 * CLOCK_REALTIME, "SECONDS.NANOSECONDS"); without them it does nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NS 1000000000LL

static long long real_ns(void)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts))
		return 0;
	return (long long)ts.tv_sec * NS + ts.tv_nsec;
}

/* FAKETIME="@<local time of ns>.<ns> xN": libfaketime reads "@" times
 * with its default format, in local time (mktime). */
static int set_start(long long ns, const char *n)
{
	char buf[128];
	struct tm tm;
	time_t secs = (time_t)(ns / NS);
	size_t k;

	if (!localtime_r(&secs, &tm))
		return -1;
	k = strftime(buf, sizeof(buf), "@%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + k, sizeof(buf) - k, ".%09lld x%s", ns % NS, n);
	return setenv("FAKETIME", buf, 1);
}

__attribute__((constructor)) static void speed_origin(void)
{
	const char *n = getenv("LOCKCHAOS_SPEED");
	const char *o = getenv("LOCKCHAOS_SPEED_ORIGIN");
	long long osec, onsec = 0, origin, f, r1, r2, mid, want, got;
	struct timespec ts;
	double speed;
	int i;

	if (!n || !o || sscanf(o, "%lld.%lld", &osec, &onsec) < 1)
		return;
	speed = strtod(n, NULL);
	if (!(speed > 0))
		return;
	setenv("FAKETIME_DONT_RESET", "1", 1);
	setenv("FAKETIME_NO_CACHE", "1", 1);
	origin = osec * NS + onsec;
	f = origin + (long long)((double)(real_ns() - origin) * speed);
	if (set_start(f, n))
		return;
	for (i = 0; i < 20; i++) {
		r1 = real_ns();
		if (clock_gettime(CLOCK_REALTIME, &ts)) /* libfaketime's */
			return;
		r2 = real_ns();
		if (r2 - r1 > 200000 && i < 19)
			continue; /* preempted in between: again */
		mid = r1 + (r2 - r1) / 2;
		want = origin + (long long)((double)(mid - origin) * speed);
		got = (long long)ts.tv_sec * NS + ts.tv_nsec;
		if (got == want)
			return;
		f -= got - want;
		if (set_start(f, n))
			return;
		if (got - want < 1000 && want - got < 1000)
			return;
	}
}
