/*
 * fields.h - reading history events, and writing times, for the checkers.
 *
 * Times are microseconds on the scenario clock (int64_t). NEVER stands for
 * "did not happen" and sorts after every time; add64() keeps it NEVER.
 * NONE is a duration the history does not give (a missing maxHoldMs).
 *
 * Fields are read with lib/jvx.h (jvx_cstr, jvx_has_num, jvx_true ...): a
 * string they return points into the event and is valid while the event
 * lives, which the model relies on (see model.h).
 */
#ifndef LOCKCHAOS_CHECK_FIELDS_H
#define LOCKCHAOS_CHECK_FIELDS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jv.h>

#include "lib/jvx.h"

#define NEVER INT64_MAX
#define NONE (-1) /* a duration the history does not give */

/* A millisecond field as microseconds; NONE when absent or negative (the
 * scenario language writes -1 for "no lane timeout"). */
static inline int64_t field_ms(jv o, const char *key)
{
	double d;

	if (!jvx_has_num(o, key, &d) || d < 0 || d > 9e12)
		return NONE;
	return (int64_t)(d * 1000.0);
}

/* Both set and equal. */
static inline int eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static inline int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static inline int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Saturating: NEVER stays NEVER. */
static inline int64_t add64(int64_t a, int64_t b)
{
	if (a == NEVER || b == NEVER)
		return NEVER;
	return a + b;
}

/* Scenario time as people read it on the timeline: "1.200 s". The struct
 * lets a call sit inside a printf argument list (C11 temporary lifetime). */
struct secs {
	char s[32];
};

static inline struct secs secs(int64_t t)
{
	struct secs b;

	snprintf(b.s, sizeof(b.s), "%.3f s", (double)t / 1e6);
	return b;
}

/* A duration in whole milliseconds, for messages. */
static inline long long ms(int64_t us)
{
	return llround((double)us / 1000.0);
}

#endif
