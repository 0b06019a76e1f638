/*
 * damage.h - plants damaged lock files and transcripts (`damage S KIND`).
 *
 * Every kind is something a lock meets in the field or a careful reviewer
 * fears: a creator killed between O_EXCL and its payload write (empty), a
 * torn or garbage payload, a lock from the future or from 2001, a pid that
 * is 0 or absurd, a directory or a symlink at the lock path, another
 * user's unreadable file. A correct lock must end each in a clear verdict.
 */
#ifndef LOCKCHAOS_DAMAGE_H
#define LOCKCHAOS_DAMAGE_H

#include <stdint.h>
#include <sys/types.h>
#include <jv.h>

struct damage_owner {
	pid_t pid;	     /* whose pid goes into a payload; 0: a dead one */
	long long starttime; /* its starttime; -1: unknown */
};

/*
 * A payload exactly as a scenario says it (`damage S exact pid=7
 * maxHoldMs=none ...`): each field given replaces the one the kind (and the
 * owner) would write. Strings are borrowed; NULL: not given.
 */
struct damage_fields {
	const char *pid;       /* a whole number, written as is */
	const char *starttime; /* a whole number, or "none": left out */
	const char *created;   /* "-5s"/"+1h" relative to now, "none": left
				  out, anything else written verbatim as the
				  createdAt string (a date or garbage) */
	const char *max_hold;  /* a whole number, or "none": left out */
	int64_t def_max_hold;  /* maxHoldMs when not given: the scenario's */
	const char *payload;   /* the whole file, verbatim (kind exact) */
	const char *mtime;     /* "-10s" relative to now: the file's mtime
				  apart from createdAt; NULL: from age */
	int in_place;	       /* rewrite the existing file (same inode), as
				  its live owner would, instead of replacing
				  it by rename */
};
#define DAMAGE_FIELDS_INIT { NULL, NULL, NULL, NULL, 5000, NULL, NULL, 0 }

/* A signed duration "-5s", "+1h", "2s" (future without a sign is not
 * meant: a bare duration is taken as in the past, as age= is): 0 with *ms
 * (negative: in the past), or -1. */
int damage_relative_ms(const char *text, int64_t *ms);

struct damage_ctx {
	const char *dir;      /* the session folder */
	const char *scratch;  /* the scratch root (outside the folder) */
	uint64_t *prng;	      /* the run's PRNG state */
	char *outside_path;   /* symlink target planted, if any */
	char *outside_bytes;  /* what it held */
	int speed;	      /* the holders' clock runs this many times as
				 fast (run/speed.c); 0 or 1: real time */
	int64_t origin_ms;    /* ... from this CLOCK_REALTIME instant */
};

/*
 * Plants `kind` for `session`. `age_ms` backdates the file's mtime and the
 * payload's createdAt; `f` (may be NULL) sets payload fields and the
 * mtime exactly. Adds what it did to *extra (a jv object it keeps adding
 * to): bytes, size, and `payload`, the planted payload parsed back when it
 * is a JSON object. Returns 0, or -1 with *err.
 */
int damage_apply(struct damage_ctx *d, const char *session, const char *kind,
		 const struct damage_owner *owner, int64_t age_ms,
		 const struct damage_fields *f, jv *extra, char **err);

/* NULL when the symlink target planted by `symlink` is intact, else why
 * not (malloc'ed). */
char *damage_outside_check(struct damage_ctx *d);

void damage_clear(struct damage_ctx *d);

/* The kinds `damage S KIND` knows, NULL-terminated, and a lookup. */
extern const char *const damage_kinds[];
int damage_kind_known(const char *kind);

#endif
