/*
 * fields.h - reading history events, and writing times, for the checkers.
 *
 * Times are microseconds on the scenario clock (int64_t). NEVER stands for
 * "did not happen" and sorts after every time; add64() keeps it NEVER.
 * NONE is a duration the history does not give (a missing maxHoldMs).
 *
 * The field readers borrow `o` (the caller keeps its reference) and never
 * fail: a missing field, or one of another type, gives NULL, 0 or NONE. A
 * string they return points into `o` and is valid while `o` lives; the
 * model relies on this (see model.h).
 */
#ifndef LOCKCHAOS_CHECK_FIELDS_H
#define LOCKCHAOS_CHECK_FIELDS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jv.h>

#define NEVER INT64_MAX
#define NONE (-1) /* a duration the history does not give */

/* Field `key` of `o` (a new reference), or jv_invalid() when `o` is not an
 * object or has no such field. */
jv field_get(jv o, const char *key);

/* The string at `key`, or NULL. */
const char *field_str(jv o, const char *key);

/* 1 and the number at `key` in *out; 0 (*out untouched) when there is no
 * number there. */
int field_num(jv o, const char *key, double *out);

/* A millisecond field as microseconds; NONE when absent or negative (the
 * scenario language writes -1 for "no lane timeout"). */
int64_t field_ms(jv o, const char *key);

/* 1 when the field is `true`. */
int field_true(jv o, const char *key);

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
