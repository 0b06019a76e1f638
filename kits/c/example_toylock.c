/*
 * example_toylock.c - a toy lock on the C holder kit: the smallest lock
 * that passes the catalog. Copy it and change create(), judge() and
 * removal() to your lock's ways. Each rule of docs/holder-protocol.md
 * ("What the catalog expects of a lock") is named where it is kept:
 *
 * - the lock file <session>.jsonl.lock is created with O_CREAT|O_EXCL and
 *   its payload {"pid","createdAt","maxHoldMs","starttime"} written through
 *   the same descriptor; then the path is looked at again, and a file that
 *   is not ours any more is judged again, never `acquired` (L1);
 * - a lock in the way is judged: an empty or unparsable one (a pid out of
 *   1..4194304, a negative maxHoldMs or starttime included) is stale once
 *   its mtime is older than graceMs (L5, L6); a dead, zombie or recycled
 *   owner's at once (L2); a live owner's once older than its own maxHoldMs
 *   (L3), the age from createdAt, or from the mtime when createdAt is
 *   missing, bad or in the future (L4); what is not a regular file is never
 *   opened through, followed or deleted (L7);
 * - a stale lock is removed only if unchanged (same inode, same bytes)
 *   under a flock(2) on <lock>.guard that every remover takes (L8), and
 *   the removal is said at WARN (L9);
 * - before every transcript write, at a re-entry and at release, the file
 *   must still be the one we created, with our pid (L10, L11).
 *
 * No lanes and no watchdog: the scenarios that need them are n/a.
 *
 *   make -C kits/c        (or: lockchaos init-holder --lang c DIR; make)
 *   lockchaos check-holder ./example_toylock
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jv.h>

#include "lockchaos_holder.h"

#define PAYLOAD_MAX (64 * 1024) /* a bigger lock file is unparsable (L5) */
#define PID_MAX 4194304		/* Linux PID_MAX_LIMIT (L6) */

/* A lock file this process created: path, reentrant count, its inode. */
struct mine {
	struct mine *next;
	char *path;
	int count;
	dev_t dev;
	ino_t ino;
};
static struct mine *held;

/* What a contender found at the lock path. */
struct seen {
	struct stat st;
	char data[PAYLOAD_MAX + 1];
	size_t len;
	int stale;	 /* may be reclaimed */
	const char *why; /* "live", "dead-pid", ... "not-regular" */
	long pid;	 /* payload pid, 0 when unknown */
	long long age_ms;
};

static char warned; /* h->data = &warned: this acquire warned (L7) */

static long long wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct mine *mine_of(const char *path)
{
	for (struct mine *m = held; m; m = m->next)
		if (!strcmp(m->path, path))
			return m;
	return NULL;
}

/* 1 when the file is now ours, 0 when it exists, -1 (lch_error) (L1). */
static int create(struct lch_ctx *ctx, struct lch_hold *h)
{
	char payload[384], when[32];
	long long ms = wall_ms();
	unsigned long long start = 0;
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	struct stat st;
	struct mine *m;
	char state;
	int fd, n;

	fd = open(h->lock_path,
		  O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST)
		return 0;
	if (fd < 0)
		return lch_error(ctx, "io", "cannot create '%s': %s",
				 h->lock_path, strerror(errno));
	/* createdAt to the millisecond: cut to the second, a fresh lock
	 * looks up to 999 ms old, past a short maxHoldMs (L3) */
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	lch_proc_stat(getpid(), &start, &state);
	n = snprintf(payload, sizeof(payload),
		     "{\"pid\":%ld,\"createdAt\":\"%s.%03lldZ\",\"maxHoldMs\":"
		     "%lld,\"starttime\":%llu",
		     (long)getpid(), when, ms % 1000, (long long)h->max_hold_ms,
		     start);
	/* where the pid means something (L2), and an age no wall clock
	 * touches for readers of this boot (L4) */
	if (lch_pid_ns())
		n += snprintf(payload + n, sizeof(payload) - (size_t)n,
			      ",\"pidNs\":%llu", lch_pid_ns());
	if (*lch_boot_id())
		n += snprintf(payload + n, sizeof(payload) - (size_t)n,
			      ",\"bootId\":\"%s\",\"bootMs\":%lld",
			      lch_boot_id(), (long long)lch_boot_ms());
	n += snprintf(payload + n, sizeof(payload) - (size_t)n, "}");
	m = calloc(1, sizeof(*m));
	if (!m || write(fd, payload, (size_t)n) != n || fsync(fd) < 0 ||
	    fstat(fd, &st) < 0 || !(m->path = strdup(h->lock_path))) {
		int e = errno;

		free(m);
		unlink(h->lock_path);
		close(fd);
		return lch_error(ctx, "io", "cannot write '%s': %s",
				 h->lock_path, strerror(e));
	}
	close(fd);
	/* L1: still our file? While we wrote (a freeze, a slow fsync) it may
	 * have been reclaimed and someone else's made: saying `acquired`
	 * then makes two owners. Not ours: judge the path again. */
	{
		struct stat now;
		int gone = lstat(h->lock_path, &now) < 0;

		if (gone && errno != ENOENT) {
			int e = errno;

			free(m->path);
			free(m);
			return lch_error(ctx, "io", "cannot stat '%s': %s",
					 h->lock_path, strerror(e));
		}
		if (gone || now.st_dev != st.st_dev ||
		    now.st_ino != st.st_ino) {
			lch_log(ctx, "WARN",
				"lock '%s' was removed or replaced between its "
				"create and its acquired: not ours, judging it "
				"again",
				h->lock_path);
			free(m->path);
			free(m);
			return 0;
		}
	}
	m->count = 1;
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	m->next = held;
	held = m;
	return 1;
}

/*
 * What is at `path`: 1 (filled in), 0 when nothing is there (or it was
 * replaced while we looked: look again). Never follows a symlink nor
 * blocks on a fifo (L7); reads at most PAYLOAD_MAX + 1 bytes (L5).
 */
static int look(const char *path, struct seen *s)
{
	struct stat fst;
	ssize_t n;
	int fd;

	memset(s, 0, sizeof(*s));
	s->why = "live";
	if (lstat(path, &s->st) < 0)
		return 0;
	if (!S_ISREG(s->st.st_mode)) {
		s->why = "not-regular";
		return 1;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &fst) < 0 || fst.st_ino != s->st.st_ino ||
	    fst.st_dev != s->st.st_dev) {
		close(fd);
		return 0;
	}
	while ((n = read(fd, s->data + s->len, PAYLOAD_MAX + 1 - s->len)) > 0 &&
	       s->len + (size_t)n < PAYLOAD_MAX + 1)
		s->len += (size_t)n;
	if (n > 0)
		s->len += (size_t)n;
	close(fd);
	return 1;
}

/* A whole number of `o`'s field `key` in [lo, hi]: 1; absent: 0; else -1. */
static int whole(jv o, const char *key, double lo, double hi, long long *out)
{
	jv v = jv_object_get(jv_copy(o), jv_string(key));
	double d;
	int rc = -1;

	if (jv_get_kind(v) == JV_KIND_INVALID || jv_get_kind(v) == JV_KIND_NULL)
		rc = 0;
	else if (jv_get_kind(v) == JV_KIND_NUMBER) {
		d = jv_number_value(v);
		if (d >= lo && d <= hi && d == (double)(long long)d) {
			*out = (long long)d;
			rc = 1;
		}
	}
	jv_free(v);
	return rc;
}

/* "2026-11-22T10:00:00.000Z" to ms since the epoch; -1 when it is not. */
static long long iso_ms(jv o)
{
	jv v = jv_object_get(jv_copy(o), jv_string("createdAt"));
	struct tm tm = {0};
	char frac[8] = "", z = 0;
	long long ms = -1;
	int n = 0;

	if (jv_get_kind(v) == JV_KIND_STRING &&
	    sscanf(jv_string_value(v), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year,
		   &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
		   &n) == 6) {
		const char *p = jv_string_value(v) + n;

		if (*p == '.' && sscanf(p + 1, "%7[0-9]%c", frac, &z) == 2)
			p = "";
		else if (*p == 'Z' && !p[1])
			z = 'Z', p = "";
		if (!*p && z == 'Z' && tm.tm_mon >= 1 && tm.tm_mon <= 12 &&
		    tm.tm_mday >= 1 && tm.tm_mday <= 31 && tm.tm_hour < 24 &&
		    tm.tm_min < 60 && tm.tm_sec < 61) {
			tm.tm_year -= 1900;
			tm.tm_mon -= 1;
			frac[3] = '\0';
			ms = (long long)timegm(&tm) * 1000 +
			     (frac[0] ? atoll(frac) *
					    (frac[1] ? (frac[2] ? 1 : 10) : 100)
				      : 0);
		}
	}
	jv_free(v);
	return ms;
}

/* Why the owner `pid` is gone, or NULL when it lives (L2). */
static const char *gone(long pid, long long start, int has_start)
{
	unsigned long long now_start;
	char state;

	if (pid == (long)getpid())
		return "orphan-self"; /* ours, yet not held: a leftover */
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return "dead-pid";
	if (lch_proc_stat(pid, &now_start, &state) < 0)
		return access("/proc/self", F_OK) == 0 ? "dead-pid" : NULL;
	if (state == 'Z' || state == 'X')
		return "zombie";
	if (has_start && (unsigned long long)start != now_start)
		return "recycled-pid";
	return NULL;
}

/* 1 when the payload's bootId is this boot's. */
static int this_boot(jv p)
{
	jv v = jv_object_get(jv_copy(p), jv_string("bootId"));
	int rc = jv_get_kind(v) == JV_KIND_STRING && *lch_boot_id() &&
		 !strcmp(jv_string_value(v), lch_boot_id());

	jv_free(v);
	return rc;
}

/* 1 when the payload's pid is no pid of ours to judge: written in another
 * PID namespace or another boot (a payload without them is ours). */
static int foreign(jv p)
{
	jv v = jv_object_get(jv_copy(p), jv_string("bootId"));
	long long ns = 0;
	int rc = jv_get_kind(v) == JV_KIND_STRING && *lch_boot_id() &&
		 strcmp(jv_string_value(v), lch_boot_id());

	jv_free(v);
	return rc || (whole(p, "pidNs", 1, 9007199254740992.0, &ns) == 1 &&
		      lch_pid_ns() && (unsigned long long)ns != lch_pid_ns());
}

/* Sets s->stale, s->why, s->pid, s->age_ms (L2 ... L6). */
static void judge(struct seen *s, int64_t grace_ms)
{
	long long now = wall_ms(), created, pid = 0, max_hold = -1, start = 0;
	long long boot = -1, bnow = lch_boot_ms();
	long long mtime_age = now - ((long long)s->st.st_mtim.tv_sec * 1000 +
				     s->st.st_mtim.tv_nsec / 1000000);
	jv p = s->len && s->len <= PAYLOAD_MAX
		   ? jv_parse_sized(s->data, (int)s->len)
		   : jv_invalid();
	int has_start = 0;

	if (jv_get_kind(p) != JV_KIND_OBJECT ||
	    whole(p, "pid", 1, PID_MAX, &pid) != 1 ||
	    whole(p, "maxHoldMs", 0, 9007199254740992.0, &max_hold) < 0 ||
	    (has_start = whole(p, "starttime", 0, 9007199254740992.0, &start)) <
		0) {
		/* L5: a creator writes its payload right after O_EXCL; until
		 * graceMs by the mtime an empty or bad file may be one being
		 * born */
		s->stale = mtime_age > grace_ms;
		s->why =
		    !s->len ? (s->stale ? "empty-past-grace" : "empty-in-grace")
			    : (s->stale ? "unparsable-past-grace"
					: "unparsable-in-grace");
		s->age_ms = mtime_age;
		jv_free(p);
		return;
	}
	s->pid = (long)pid;
	created = iso_ms(p);
	/* L4: made on this boot, its age is CLOCK_BOOTTIME's, whatever any
	 * wall clock says (stepped, skewed); else createdAt, unless it is
	 * missing, bad or in the future: then the mtime */
	if (this_boot(p) &&
	    whole(p, "bootMs", 0, 9007199254740992.0, &boot) == 1)
		s->age_ms = boot <= bnow ? bnow - boot : mtime_age;
	else
		s->age_ms =
		    created >= 0 && created <= now ? now - created : mtime_age;
	if (foreign(p)) {
		/* L2: another container's pid 7 is not our pid 7: its age
		 * against its own maxHoldMs is all we can judge */
		s->stale = max_hold >= 0 && s->age_ms > max_hold;
		s->why = s->stale ? "hold-exceeded" : "other-namespace";
	} else if ((s->why = gone(s->pid, start, has_start)))
		s->stale = 1; /* L2 */
	else if (max_hold >= 0 && s->age_ms > max_hold)
		s->stale = 1, s->why = "hold-exceeded"; /* L3 */
	else
		s->why = "live";
	jv_free(p);
}

/*
 * Unlinks `path` only if it is still the inode `dev`/`ino` holding `data`
 * (remove-if-unchanged, L8), under a flock(2) on <lock>.guard that every
 * remover takes: 1 when removed, 0 when not.
 */
static int removal(const char *path, dev_t dev, ino_t ino, const char *data,
		   size_t len, int64_t *removed_us)
{
	static struct seen now;
	char guard[4096];
	int g, rc = 0;

	snprintf(guard, sizeof(guard), "%s.guard", path);
	g = open(guard, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (g < 0 || flock(g, LOCK_EX) < 0) {
		if (g >= 0)
			close(g);
		return 0;
	}
	if (look(path, &now) && now.st.st_dev == dev && now.st.st_ino == ino &&
	    strcmp(now.why, "not-regular") &&
	    (!data || (now.len == len && !memcmp(now.data, data, len)))) {
		if (removed_us)
			*removed_us = lch_now_us();
		rc = unlink(path) == 0;
	}
	close(g); /* drops the flock */
	return rc;
}

/* 1 when `path` is still the file we created, with our pid in it. */
static int ours(const char *path, struct seen *s)
{
	struct mine *m = mine_of(path);
	long long pid = 0;
	jv p;
	int rc;

	if (!m || !look(path, s) || !strcmp(s->why, "not-regular") ||
	    s->st.st_dev != m->dev || s->st.st_ino != m->ino)
		return 0;
	p = jv_parse_sized(s->data, (int)s->len);
	rc = jv_get_kind(p) == JV_KIND_OBJECT &&
	     whole(p, "pid", 1, PID_MAX, &pid) == 1 && pid == (long)getpid();
	jv_free(p);
	return rc;
}

static int toy_acquire(struct lch_ctx *ctx, struct lch_hold *h)
{
	static struct seen s;
	struct mine *m = mine_of(h->lock_path);
	int r, tries;

	if (m) { /* reentrant: same process (the toy has no lanes) */
		if (!ours(h->lock_path, &s)) /* L11: not a lost hold */
			return lch_error(ctx, "lock-lost",
					 "lock '%s' was taken over or removed: "
					 "not re-entered",
					 h->lock_path);
		m->count++;
		h->reentrant = 1;
		return LCH_HELD;
	}
	/* released meanwhile: create at once (a few times, not forever) */
	for (tries = 0; tries < 3; tries++) {
		if ((r = create(ctx, h)) != 0)
			return r < 0 ? -1 : LCH_HELD;
		if (look(h->lock_path, &s))
			break;
	}
	if (tries == 3)
		return LCH_BUSY;
	if (!strcmp(s.why, "not-regular")) {
		if (h->data != &warned) { /* L7: never followed nor deleted */
			h->data = &warned;
			lch_log(ctx, "WARN",
				"refusing to reclaim '%s': not-regular; it is "
				"never followed or deleted, so this acquire "
				"will time out",
				h->lock_path);
		}
		return LCH_BUSY;
	}
	judge(&s, h->grace_ms);
	if (s.pid)
		snprintf(h->owner_pid, sizeof(h->owner_pid), "%ld", s.pid);
	if (s.stale && removal(h->lock_path, s.st.st_dev, s.st.st_ino, s.data,
			       s.len, NULL)) {
		/* L9: every reclaim says why, at WARN */
		lch_log(ctx, "WARN",
			"reclaimed stale lock '%s': %s (pid=%ld, age %lld ms)",
			h->lock_path, s.why, s.pid, s.age_ms);
		/* L8: after a removal, create again at once */
		if ((r = create(ctx, h)) != 0) {
			h->reclaimed = s.why;
			return r < 0 ? -1 : LCH_HELD;
		}
	}
	return LCH_BUSY;
}

static int toy_still_owner(struct lch_ctx *ctx, struct lch_hold *h)
{
	static struct seen s;

	return ours(h->lock_path, &s); /* fencing (L11) */
}

static int toy_release(struct lch_ctx *ctx, struct lch_hold *h)
{
	static struct seen s;
	struct mine *m = mine_of(h->lock_path), **pp;
	int gone_ok;

	if (!m)
		return lch_error(ctx, "other", "'%s' is not held",
				 h->lock_path);
	/* a lane timeout lets go of every hold at once */
	m->count = strcmp(h->why, "lane-timeout") ? m->count - 1 : 0;
	if (m->count > 0)
		return LCH_STILL_HELD;
	/* L10: remove only our own file, and only while it is ours */
	gone_ok =
	    ours(h->lock_path, &s) && removal(h->lock_path, m->dev, m->ino,
					      s.data, s.len, &h->removed_us);
	for (pp = &held; *pp != m; pp = &(*pp)->next)
		;
	*pp = m->next;
	free(m->path);
	free(m);
	if (!gone_ok) {
		lch_log(ctx, "WARN",
			"lock '%s' is no longer ours (taken over or removed): "
			"leaving it to its new owner",
			h->lock_path);
		return LCH_LOST;
	}
	return LCH_RELEASED;
}

static const struct lch_lock toylock = {
    .impl = "toylock-c",
    .version = "0.1",
    .caps = (const char *const[]){"timeout", "maxHoldMs", "fencing",
				  "pidPayload", NULL},
    .na = (const char *const[]){"lanes", "the toy keeps no per-lane state",
				"watchdog", "the toy never lets go by itself",
				"failpoints", "no libfiu failpoints", NULL},
    .acquire = toy_acquire,
    .release = toy_release,
    .still_owner = toy_still_owner,
};

int main(int argc, char **argv) { return lch_main(&toylock, argc, argv); }
