/*
 * speed.c - one shared accelerated clock per scenario run (`speed N` in a
 * scenario, `--speed N` on the command line).
 *
 * Every holder is started with libfaketime preloaded at speed N, with
 * our own build/lockchaos-speed.so (harness/preload/speed_origin.c), which
 * sets each process's libfaketime so that every process of the run reads
 * one clock from one origin: the instant the run's
 * history starts (r->t0). So a holder's wall clock, its monotonic clock,
 * its sleeps and poll timeouts, and the file times it reads through libc's
 * stat (libfaketime maps them onto the same clock) all run N times as
 * fast, and agree across holders whenever each started.
 *
 * The harness keeps its history on that clock too: run_now() counts
 * scenario µs, (real µs since t0) x N, and a holder's event time (its
 * faked CLOCK_MONOTONIC, which libfaketime counts from the origin's wall
 * time) is rebased by the origin's wall time. Every `at`, `wait`, `await`,
 * deadline and checker bound is then read in the scenario's own numbers,
 * unchanged; only what measures this machine rather than the lock is real
 * time and is scaled by N: the slack and the scheduling noise added to
 * bounds, and the harness's grace waits (run_real_us).
 */
#include "run/run_internal.h"
#include "faults/faults.h"
#include "lib/preload.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SPEED_LIB "lockchaos-speed.so"

int speed_decide(struct run *r, const char **status, char **reason)
{
	const struct scenario *s = r->s;
	int want = r->o->speed ? r->o->speed : s->speed ? s->speed : 1;
	const char *ft;
	char *origin;
	int i;

	r->speed = 1;
	if (want <= 1)
		return 0;
	if (s->speed_off) {
		/* --speed asked; the scenario says it must not be. */
		r->speed_note = xasprintf("not compressed: %s:%d: speed off: "
					  "%s",
					  s->file, s->speed_line,
					  s->speed_off);
		return 0;
	}
	for (i = 0; i < s->nr_holders; i++)
		if (s->holders[i].needs_clock)
			break;
	if (i < s->nr_holders) {
		/* Each clock fault runs one holder's wall clock alone, on
		 * real monotonic time and real file times (faults/clock.c):
		 * not one shared accelerated clock. */
		char *why = xasprintf("cannot compress time (speed %d): "
				      "holder %s has clock faults, which "
				      "keep its own clock",
				      want, s->holders[i].name);

		if (!r->o->speed) {
			*status = STATUS_UNSUPPORTED;
			*reason = why;
			return -1;
		}
		r->speed_note = xasprintf("not compressed: %s", why);
		free(why);
		return 0;
	}
	/* libfaketime: the one clock faults use (faults/clock.c) */
	ft = clock_faketime_lib();
	if (ft && access(ft, R_OK))
		ft = NULL;
	origin = preload_build_lib(SPEED_LIB);
	if (!ft || !origin) {
		char *why = xasprintf(
			"cannot compress time (speed %d): %s", want,
			!ft ? "libfaketime is not installed (Debian package "
			      "libfaketime; or set LOCKCHAOS_FAKETIME_LIB)"
			    : SPEED_LIB " is not built next to lockchaos "
			      "(make all)");

		free(origin);
		if (!r->o->speed) {
			/* The scenario's own numbers need the speed. */
			*status = STATUS_UNSUPPORTED;
			*reason = why;
			return -1;
		}
		r->speed_note = xasprintf("not compressed: %s", why);
		free(why);
		return 0;
	}
	r->speed = want;
	/* The loader runs preloaded libraries' constructors last to first:
	 * ours, listed before libfaketime, runs once libfaketime started,
	 * and calibrates it (harness/preload/speed_origin.c). */
	r->speed_preload = xasprintf("%s %s", origin, ft);
	free(origin);
	return 0;
}

int speed_check_sandbox(struct run *r, const char **status, char **reason)
{
	const char *why = "holders outside the sandbox (no PID namespace) "
			  "are not confined, and libfaketime would write "
			  "shared memory to /dev/shm";

	if (r->speed <= 1 || r->sb.pidns)
		return 0;
	if (!r->o->speed) {
		*status = STATUS_UNSUPPORTED;
		*reason = xasprintf("cannot compress time (speed %d): %s",
				    r->speed, why);
		return -1;
	}
	r->speed_note = xasprintf("not compressed: %s", why);
	r->speed = 1;
	free(r->speed_preload);
	r->speed_preload = NULL;
	return 0;
}

void speed_start(struct run *r)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	r->origin_real_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	/* planted files' times on the holders' clock (faults/damage.c) */
	r->dmg.speed = r->speed;
	r->dmg.origin_ms = r->origin_real_us / 1000;
}

int speed_holder_env(struct run *r, char **env, int n)
{
	const char *old = getenv("LD_PRELOAD");

	if (r->speed <= 1)
		return n;
	env[n++] = xasprintf("LOCKCHAOS_SPEED=%d", r->speed);
	env[n++] = xasprintf("LOCKCHAOS_SPEED_ORIGIN=%lld.%06lld000",
			     (long long)(r->origin_real_us / 1000000),
			     (long long)(r->origin_real_us % 1000000));
	/* libfaketime reads these when it starts, before any constructor
	 * of ours: without its cache, FAKETIME as lockchaos-speed.so sets
	 * it counts at once (see there). */
	env[n++] = xasprintf("FAKETIME_NO_CACHE=1");
	env[n++] = xasprintf("FAKETIME_DONT_RESET=1");
	env[n++] = xasprintf(PRELOAD_ENV "=%s", r->speed_preload);
	env[n++] = xasprintf("LD_PRELOAD=%s%s%s", r->speed_preload,
			     old && *old ? " " : "", old && *old ? old : "");
	return n;
}

int64_t run_real_us(struct run *r, int64_t us)
{
	return r->speed > 1 ? us * r->speed : us;
}

double run_holder_t(struct run *r, double t)
{
	return r->speed > 1 ? t - (double)r->origin_real_us : t - (double)r->t0;
}
