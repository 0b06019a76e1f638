/*
 * speed_origin.c - build/lockchaos-speed.so, preloaded into every holder of
 * a compressed scenario (`speed N`, run/speed.c) with libfaketime, listed
 * after it in LD_PRELOAD: the loader runs preloaded constructors last to
 * first, so this one runs before libfaketime's reads FAKETIME.
 *
 * libfaketime's speed factor (`FAKETIME="@T xN"`) runs a process's clock
 * from the moment that process loaded libfaketime: two holders started a
 * second apart would disagree by (N - 1) seconds. Its shared-memory mode
 * (FAKETIME_SHARED) would give them one origin, but it needs a POSIX
 * semaphore and shared memory under /dev/shm, which a confined holder may
 * not open for writing. So this constructor computes where the scenario's accelerated clock stands
 * now and hands libfaketime that as its start: every process then reads
 *
 *     fake(t) = origin + (t - origin) * N
 *
 * whenever it started (a child process of a holder recomputes it, since
 * it loads this library too, and replaces the FAKETIME it inherited). FAKETIME_DONT_RESET keeps libfaketime from
 * moving its start when it re-reads FAKETIME. The error is the time
 * between this constructor and libfaketime's, times N: microseconds.
 *
 * Reads LOCKCHAOS_SPEED (N) and LOCKCHAOS_SPEED_ORIGIN (the origin's
 * CLOCK_REALTIME, "SECONDS.NANOSECONDS"); without them it does nothing.
 * It reads the real clock by system call: the libc symbol is
 * libfaketime's, which would start faking before it is told how.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

__attribute__((constructor)) static void speed_origin(void)
{
	const char *n = getenv("LOCKCHAOS_SPEED");
	const char *o = getenv("LOCKCHAOS_SPEED_ORIGIN");
	long long osec, onsec = 0, fake_ns, now_ns, origin_ns;
	struct timespec now;
	double speed;
	char buf[128];
	struct tm tm;
	time_t secs;
	size_t k;

	if (!n || !o || sscanf(o, "%lld.%lld", &osec, &onsec) < 1)
		return;
	speed = strtod(n, NULL);
	if (!(speed > 0) ||
	    syscall(SYS_clock_gettime, CLOCK_REALTIME, &now) != 0)
		return;
	origin_ns = osec * 1000000000LL + onsec;
	now_ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
	fake_ns = origin_ns + (long long)((double)(now_ns - origin_ns) * speed);
	/* libfaketime reads "@" times with its default format, in local
	 * time (mktime), so write them so. */
	secs = (time_t)(fake_ns / 1000000000LL);
	if (!localtime_r(&secs, &tm))
		return;
	k = strftime(buf, sizeof(buf), "@%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + k, sizeof(buf) - k, ".%09lld x%s",
		 fake_ns % 1000000000LL, n);
	setenv("FAKETIME", buf, 1);
	setenv("FAKETIME_DONT_RESET", "1", 1);
	/* A library the program links (libfiu ...) may read the clock
	 * before this constructor runs, and libfaketime then starts from
	 * the FAKETIME a parent process left in the environment; with
	 * FAKETIME_NO_CACHE, which the harness sets for the whole tree (it
	 * must be there when libfaketime starts), it reads ours from the
	 * next call on. */
	setenv("FAKETIME_NO_CACHE", "1", 1);
}
