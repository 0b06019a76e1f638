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

struct damage_ctx {
	const char *dir;      /* the session folder */
	const char *scratch;  /* the scratch root (outside the folder) */
	uint64_t *prng;	      /* the run's PRNG state */
	char *outside_path;   /* symlink target planted, if any */
	char *outside_bytes;  /* what it held */
};

/*
 * Plants `kind` for `session`. `age_ms` backdates the file's mtime and the
 * payload's createdAt. Adds what it did to *extra (a jv object it keeps
 * adding to). Returns 0, or -1 with *err.
 */
int damage_apply(struct damage_ctx *d, const char *session, const char *kind,
		 const struct damage_owner *owner, int64_t age_ms, jv *extra,
		 char **err);

/* NULL when the symlink target planted by `symlink` is intact, else why
 * not (malloc'ed). */
char *damage_outside_check(struct damage_ctx *d);

void damage_clear(struct damage_ctx *d);

/* The kinds `damage S KIND` knows, NULL-terminated, and a lookup. */
extern const char *const damage_kinds[];
int damage_kind_known(const char *kind);

#endif
