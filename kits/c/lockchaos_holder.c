/*
 * lockchaos_holder.c - see lockchaos_holder.h.
 *
 * One thread, one poll() loop: commands are queued per lane, the head of
 * every lane advances as far as it can each turn of the loop, and nothing
 * sleeps except `spin` (which must block the loop: that is the fault it
 * models). Timers are deadlines in the jobs; the loop sleeps until the
 * nearest one, at most LOOP_TICK_MS, so that the lock's `tick` (a watchdog,
 * a failpoint enabled from outside while the holder idles) runs promptly.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pread, ftruncate, fsync with -std=c11 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "holdercmd.h"
#include "jsonline.h"
#include "lockchaos_holder.h"
#include "monoclock.h"

#define LINE_MAX_BYTES (1024 * 1024) /* longer input lines are refused */
#define ECHO_MAX 200		     /* bytes of bad input echoed back */
#define LOOP_TICK_MS 100	     /* longest sleep of the loop */
#define ERR_MAX 1024

static const char *const kit_caps[] = {"acquire", "release", "deliver",
				       "turn",	  "spin",    NULL};
static const char *const reasons[] = {
    "timeout", "busy",	      "io",	     "lane-timeout", "lock-lost",
    "cleanup", "unsupported", "bad-request", "other",	     NULL};

/* One command on a lane. */
struct job {
	struct job *next;
	struct holdercmd c;	  /* the parsed command; owned */
	struct lch_hold *h;	  /* the hold it takes (not for release) */
	int holding;		  /* turn: the lock is held, hold running */
	int64_t wake_us;	  /* the loop may sleep until then */
	int64_t hold_end_us;	  /* turn: when the hold is over */
	int64_t lane_deadline_us; /* turn: laneTimeoutMs from start; 0 none */
};

/* Commands on one lane run one after another; lanes run concurrently. */
struct lane {
	struct lane *next;
	char *name;
	struct job *head, *tail;
};

struct lch_ctx {
	const struct lch_lock *lock;
	struct lch_defaults def;
	int lanes_on;	  /* "lanes" in caps */
	const char *dir;  /* LOCKCHAOS_DIR */
	const char *name; /* LOCKCHAOS_HOLDER */
	struct lane *lanes;
	struct lch_hold *holds; /* held now, newest first */
	int eof;		/* stdin is closed */
	char *buf;		/* the input line being assembled */
	size_t len;
	int discarding;	     /* inside an over-long line */
	char head[ECHO_MAX]; /* its first bytes, for the error event */
	size_t head_len;
	const char *reason; /* of the last lch_error() */
	char err[ERR_MAX];  /* its message */
};

static struct lch_ctx K;

static int has(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

/* ---- events ----------------------------------------------------------------
 */

void lch_emit(struct lch_ctx *ctx, jv obj)
{
	if (!ctx)
		ctx = &K;
	if (jsonline_write(stdout, obj) < 0) {
		/* nobody listens any more: nothing sensible is left to do */
		fprintf(stderr, "%s holder: cannot write events: %s\n",
			ctx->lock ? ctx->lock->impl : "lockchaos",
			strerror(errno));
		exit(1);
	}
}

static jv event(const char *ev)
{
	return jv_object_set(jv_object(), jv_string("ev"), jv_string(ev));
}

static jv set_str(jv o, const char *k, const char *v)
{
	return jv_object_set(o, jv_string(k), jv_string(v));
}

static jv set_num(jv o, const char *k, double v)
{
	return jv_object_set(o, jv_string(k), jv_number(v));
}

void lch_log(struct lch_ctx *ctx, const char *level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!ctx)
		ctx = &K;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lch_emit(ctx,
		 set_str(set_str(event("log"), "level", level), "msg", msg));
}

int lch_error(struct lch_ctx *ctx, const char *reason, const char *fmt, ...)
{
	va_list ap;

	ctx->reason = "other";
	for (int i = 0; reason && reasons[i]; i++)
		if (!strcmp(reason, reasons[i]))
			ctx->reason = reasons[i];
	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	return -1;
}

int64_t lch_now_us(void) { return monoclock_us(); }

const char *lch_dir(const struct lch_ctx *ctx) { return ctx->dir; }

const char *lch_name(const struct lch_ctx *ctx) { return ctx->name; }

static void emit_ok(const struct job *j)
{
	lch_emit(&K, set_num(event("ok"), "id", (double)j->c.id));
}

/*
 * The one failing outcome of a job. A refused message also gets the WARN
 * the visibility checker looks for, naming the message and the reason.
 */
static void emit_fail(const struct job *j, const char *reason,
		      const char *error)
{
	if (j->c.msg)
		lch_log(&K, "WARN",
			"message '%s' (id %lld, lane '%s') refused: %s: %s",
			j->c.msg, j->c.id, j->c.lane, reason, error);
	lch_emit(&K,
		 set_str(set_str(set_num(event("fail"), "id", (double)j->c.id),
				 "reason", reason),
			 "error", error));
}

/* `released` for h; `id`: the command that released it (< 0: none). */
static void emit_released(const struct lch_hold *h, const char *why,
			  long long id, int64_t removed_us)
{
	jv o = event("released");

	/* When the file went, not when we got round to saying so. */
	if (removed_us)
		o = set_num(o, "t", (double)removed_us);
	o = set_str(set_str(set_str(o, "session", h->session), "lane", h->lane),
		    "why", why);
	if (id >= 0)
		o = set_num(o, "id", (double)id);
	lch_emit(&K, o);
}

void lch_swept(struct lch_ctx *ctx, long long id, const char *session,
	       int removed, const char *reason, long pid)
{
	jv o = event("swept");

	o = set_str(o, "session", session);
	o = set_num(o, "id", (double)id);
	o = set_str(o, "verdict", removed ? "removed" : "kept");
	o = set_str(o, "reason", reason ? reason : "?");
	if (pid > 0)
		o = set_num(o, "pid", (double)pid);
	lch_emit(ctx, o);
}

/* ---- holds -------------------------------------------------------------- */

static void hold_free(struct lch_hold *h)
{
	if (!h)
		return;
	if (K.lock->clear)
		K.lock->clear(&K, h);
	free((char *)h->session);
	free((char *)h->lane);
	free((char *)h->transcript);
	free((char *)h->lock_path);
	free(h);
}

static void hold_untable(struct lch_hold *h)
{
	for (struct lch_hold **pp = &K.holds; *pp; pp = &(*pp)->kit_next)
		if (*pp == h) {
			*pp = h->kit_next;
			h->kit_next = NULL;
			h->kit_tabled = 0;
			return;
		}
}

/* Out of the table; freed unless a command still uses it. */
static void hold_drop(struct lch_hold *h)
{
	hold_untable(h);
	if (!h->kit_job)
		hold_free(h);
}

/* The lane's innermost hold on `session`, or NULL. */
static struct lch_hold *hold_last(const char *lane, const char *session)
{
	for (struct lch_hold *h = K.holds; h; h = h->kit_next)
		if (!strcmp(h->lane, lane) && !strcmp(h->session, session))
			return h;
	return NULL;
}

static int64_t field(int64_t v, int64_t def) { return v >= 0 ? v : def; }

static struct lch_hold *hold_new(const struct holdercmd *c)
{
	struct lch_hold *h = calloc(1, sizeof(*h));
	size_t n;

	if (!h)
		return NULL;
	n = strlen(K.dir) + strlen(c->session) + sizeof("/.jsonl.lock");
	h->id = c->id;
	h->op = holdercmd_op_name(c->op);
	h->session = strdup(c->session);
	h->lane = strdup(c->lane);
	h->transcript = malloc(n);
	h->lock_path = malloc(n);
	if (!h->session || !h->lane || !h->transcript || !h->lock_path) {
		hold_free(h);
		return NULL;
	}
	snprintf((char *)h->transcript, n, "%s/%s.jsonl", K.dir, c->session);
	snprintf((char *)h->lock_path, n, "%s.lock", h->transcript);
	h->timeout_ms = field(c->timeout_ms, K.def.timeout_ms);
	h->poll_ms = c->poll_ms >= 1 ? c->poll_ms : K.def.poll_ms;
	h->max_hold_ms = field(c->max_hold_ms, K.def.max_hold_ms);
	h->grace_ms = field(c->grace_ms, K.def.grace_ms);
	h->opt_reentrant = c->reentrant;
	strcpy(h->owner_pid, "unknown");
	h->why = "release";
	h->kit_job = 1;
	return h;
}

/*
 * Releases h (why: "release", "cleanup" ...); `released` when the lock
 * went. 0, or -1 with K.err set (the hold is dropped anyway). `id`: the
 * command releasing it (< 0: none).
 */
static int hold_release(struct lch_hold *h, const char *why, long long id)
{
	int r;

	h->why = why;
	h->removed_us = 0;
	r = K.lock->release(&K, h);
	if (r < 0) {
		hold_drop(h);
		return -1;
	}
	if (r != LCH_STILL_HELD)
		emit_released(h, r == LCH_LOST ? "lock-lost" : why, id,
			      h->removed_us);
	hold_drop(h);
	return 0;
}

void lch_lost(struct lch_ctx *ctx, const char *lock_path, const char *lane,
	      const char *why, int64_t removed_us)
{
	struct lch_hold *h, *next, *said = NULL;

	(void)ctx; /* one holder a process */
	for (h = K.holds; h; h = next) {
		next = h->kit_next;
		if (strcmp(h->lock_path, lock_path) || strcmp(h->lane, lane))
			continue;
		if (!said)
			emit_released(h, why, -1, removed_us);
		said = h;
		h->kit_lost = why;
		hold_drop(h);
	}
}

/* ---- jobs -------------------------------------------------------------------
 */

static void job_free(struct job *j)
{
	holdercmd_clear(&j->c);
	if (j->h) {
		j->h->kit_job = 0;
		if (!j->h->kit_tabled) /* else an explicit hold: the table's */
			hold_free(j->h);
	}
	free(j);
}

/* Starts the acquire clock of job `j`. 0, or -1 (outcome emitted). */
static int job_start(struct job *j, int64_t now)
{
	j->h = hold_new(&j->c);
	if (!j->h) {
		emit_fail(j, "other", "out of memory");
		return -1;
	}
	j->h->started_us = now;
	j->wake_us = now;
	if (j->c.op == HOLDERCMD_TURN && j->c.lane_timeout_ms >= 0)
		j->lane_deadline_us = now + j->c.lane_timeout_ms * 1000;
	return 0;
}

/*
 * Appends the job's message to the transcript, fenced: nothing is written
 * unless the lock file is still ours. 0, or -1 with K.reason, K.err set.
 */
static int append_message(struct job *j)
{
	struct lch_hold *h = j->h;
	jv line, dumped;
	char *buf;
	size_t len;
	int rc, ours;

	line = set_str(jv_object(), "msg", j->c.msg);
	line = set_str(line, "holder", K.name);
	line = set_num(line, "pid", (double)getpid());
	line = set_str(line, "lane", j->c.lane);
	line = set_num(line, "t", (double)monoclock_us());
	dumped = jv_dump_string(line, 0);
	len = strlen(jv_string_value(dumped));
	buf = malloc(len + 1);
	if (!buf) {
		jv_free(dumped);
		return lch_error(&K, "other", "out of memory");
	}
	memcpy(buf, jv_string_value(dumped), len);
	buf[len] = '\n';
	jv_free(dumped);
	if (K.lock->append)
		rc = K.lock->append(&K, h, buf, len + 1);
	else if (K.lock->still_owner &&
		 (ours = K.lock->still_owner(&K, h)) != 1)
		rc = ours < 0 ? -1 /* its own lch_error: cannot tell */
			      : lch_error(&K, "lock-lost",
					  "lock '%s' was taken over or "
					  "removed: nothing written",
					  h->lock_path);
	else
		rc = lch_append_line(&K, h->transcript, buf, len + 1);
	free(buf);
	if (rc < 0)
		return -1;
	lch_emit(&K, set_str(set_num(set_str(set_str(event("appended"),
						     "session", j->c.session),
					     "msg", j->c.msg),
				     "id", (double)j->c.id),
			     "lane", j->c.lane));
	return 0;
}

int lch_append_line(struct lch_ctx *ctx, const char *path, const char *line,
		    size_t len)
{
	struct stat st;
	char last = '\n';
	off_t before = -1;
	size_t done = 0;
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return lch_error(ctx, "io", "cannot open '%s': %s", path,
				 strerror(errno));
	/* A torn last line (a writer died mid-line) gets its '\n' in the
	 * same write: we hold the lock, nobody appends in between. */
	if (fstat(fd, &st) == 0) {
		before = st.st_size;
		if (st.st_size > 0 &&
		    pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
			done = 1;
	}
	{
		char *buf = malloc(len + 1);
		size_t total = done + len, off = 0;
		ssize_t n;

		if (!buf) {
			close(fd);
			return lch_error(ctx, "other", "out of memory");
		}
		buf[0] = '\n';
		memcpy(buf + done, line, len);
		while (off < total) {
			n = write(fd, buf + off, total - off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		free(buf);
		if (off < total || fsync(fd) < 0) {
			int e = off < total && errno == 0 ? EIO : errno;

			/* all or nothing: never half a line, never a line
			 * for a message answered fail */
			if (before >= 0 && ftruncate(fd, before) < 0)
				lch_log(ctx, "ERROR",
					"cannot cut '%s' back: %s", path,
					strerror(errno));
			close(fd);
			return lch_error(ctx, "io", "cannot write '%s': %s",
					 path, strerror(e));
		}
	}
	if (close(fd) < 0)
		return lch_error(ctx, "io", "cannot close '%s': %s", path,
				 strerror(errno));
	return 0;
}

static void emit_acquired(struct job *j)
{
	struct lch_hold *h = j->h;
	jv o = set_str(set_str(event("acquired"), "session", j->c.session),
		       "lane", j->c.lane);

	o = set_num(o, "id", (double)j->c.id);
	if (h->reclaimed)
		o = set_str(o, "reclaimed", h->reclaimed);
	o = jv_object_set(o, jv_string("reentrant"), jv_bool(h->reentrant));
	lch_emit(&K, o);
}

/* deliver, once the lock is ours: append, release, answer. */
static void finish_deliver(struct job *j)
{
	const char *reason = NULL;
	char err[ERR_MAX];
	int wrote = append_message(j);

	if (wrote < 0) {
		reason = K.reason;
		snprintf(err, sizeof(err), "%s", K.err);
		lch_log(&K, "WARN", "deliver id %lld: %s", j->c.id, err);
	}
	if (hold_release(j->h, "release", j->c.id) < 0 && wrote == 0) {
		/* The message is in the transcript: a refusal would be a lie
		 * the sender retries into a duplicate (found by lockchaos
		 * explore). The release error is said; the file left behind
		 * is the stale rules' to recover. */
		lch_log(&K, "WARN",
			"deliver id %lld: '%s' was written, but the release "
			"failed: %s",
			j->c.id, j->c.msg, K.err);
		emit_ok(j);
		return;
	}
	if (wrote < 0)
		emit_fail(j, reason, err);
	else
		emit_ok(j);
}

/* turn, once the hold is over: append msg, run cleanup, release, answer. */
static void finish_turn(struct job *j)
{
	struct lch_hold *h = j->h;
	struct lch_cleanup res = {NULL, 0, 0};
	const char *reason = NULL;
	char err[ERR_MAX] = "", rerr[ERR_MAX] = "";
	int wrote = 0, rr = 0;

	if (h->kit_lost) {
		snprintf(err, sizeof(err),
			 "the lock on '%s' was force-released during the turn "
			 "(%s; maxHoldMs %lld ms)",
			 h->lock_path, h->kit_lost, (long long)h->max_hold_ms);
		emit_fail(j, "lock-lost", err);
		return;
	}
	if (j->c.msg && (wrote = append_message(j)) < 0) {
		reason = K.reason;
		snprintf(err, sizeof(err), "%s", K.err);
		lch_log(&K, "WARN", "turn id %lld: %s", j->c.id, err);
	}
	if (K.lock->cleanup)
		K.lock->cleanup(&K, h, &res);
	if (!res.skip_release) {
		rr = hold_release(h, "release", j->c.id);
		if (rr < 0)
			snprintf(rerr, sizeof(rerr), "%s", K.err);
	}

	if (wrote < 0) {
		emit_fail(j, reason, err);
	} else if (res.step) {
		snprintf(err, sizeof(err), "cleanup step '%s' failed: %s%s",
			 res.step, strerror(res.err),
			 res.skip_release ? "; release was never reached"
					  : "; the lock was released");
		emit_fail(j, "cleanup", err);
	} else if (rr < 0 && j->c.msg) {
		/* written: as for deliver, ok and the release error said */
		lch_log(&K, "WARN",
			"turn id %lld: '%s' was written, but the release "
			"failed: %s",
			j->c.id, j->c.msg, rerr);
		emit_ok(j);
	} else if (rr < 0) {
		emit_fail(j, "io", rerr);
	} else {
		emit_ok(j);
	}
}

/* The lane gave up on its turn (laneTimeoutMs): let go of the lock. */
static void lane_timeout(struct job *j, int64_t now)
{
	struct lch_hold *h = j->h;
	char err[512];
	long long waited = (long long)(now - h->started_us) / 1000;

	snprintf(err, sizeof(err),
		 "lane '%s' timed out after %lld ms (laneTimeoutMs %lld)%s",
		 j->c.lane, waited, (long long)j->c.lane_timeout_ms,
		 j->holding ? "" : " while waiting for the lock");
	if (j->holding && !h->kit_lost) {
		int r;

		h->why = "lane-timeout";
		h->removed_us = 0;
		r = K.lock->release(&K, h);
		if (r < 0)
			lch_log(&K, "ERROR", "lane-timeout release failed: %s",
				K.err);
		else if (r != LCH_STILL_HELD)
			emit_released(
			    h, r == LCH_LOST ? "lock-lost" : "lane-timeout",
			    j->c.id, h->removed_us);
		if (r != LCH_STILL_HELD) {
			/* every hold of the lane on this lock went with it */
			struct lch_hold *o, *next;

			for (o = K.holds; o; o = next) {
				next = o->kit_next;
				if (!strcmp(o->lock_path, h->lock_path) &&
				    !strcmp(o->lane, h->lane))
					hold_drop(o);
			}
		}
	}
	lch_log(&K, "WARN", "%s", err);
	emit_fail(j, "lane-timeout", err);
}

/*
 * Advances job `j` as far as it goes now. Returns 1 when it is finished
 * (its outcome was emitted), 0 when it waits until j->wake_us.
 */
static int job_step(struct job *j, int64_t now)
{
	struct lch_hold *h;
	char msg[ERR_MAX];
	int r;

	if (j->c.op == HOLDERCMD_RELEASE) {
		h = hold_last(j->c.lane, j->c.session);
		if (!h) {
			snprintf(msg, sizeof(msg),
				 "lane '%s' holds no lock on '%s'", j->c.lane,
				 j->c.session);
			emit_fail(j, "other", msg);
		} else if (hold_release(h, "release", j->c.id) < 0) {
			emit_fail(j, "io", K.err);
		} else {
			emit_ok(j);
		}
		return 1;
	}

	if (!j->h && job_start(j, now) < 0)
		return 1;
	h = j->h;

	if (j->lane_deadline_us && now >= j->lane_deadline_us) {
		lane_timeout(j, now);
		return 1;
	}
	if (j->holding) {
		if (now < j->hold_end_us) {
			j->wake_us = j->hold_end_us;
			if (j->lane_deadline_us &&
			    j->lane_deadline_us < j->wake_us)
				j->wake_us = j->lane_deadline_us;
			return 0;
		}
		finish_turn(j);
		return 1;
	}
	if (now < j->wake_us)
		return 0;

	h->reclaimed = NULL;
	h->reentrant = 0;
	r = K.lock->acquire(&K, h);
	h->attempts++;
	if (r < 0) {
		emit_fail(j, K.reason, K.err);
		return 1;
	}
	if (r != LCH_HELD) {
		int64_t end = h->started_us + h->timeout_ms * 1000;

		if (j->c.op == HOLDERCMD_DELIVER && K.lock->busy &&
		    K.lock->busy(&K, h) == LCH_DROP) {
			emit_ok(j); /* the bug it models: ok, nothing written */
			return 1;
		}
		if (monoclock_us() >= end) {
			snprintf(msg, sizeof(msg),
				 "session file locked (timeout %lldms): pid=%s "
				 "%s",
				 (long long)h->timeout_ms, h->owner_pid,
				 h->lock_path);
			if (!j->c.msg)
				lch_log(&K, "WARN", "%s id %lld: %s",
					holdercmd_op_name(j->c.op), j->c.id,
					msg);
			emit_fail(j, "timeout", msg);
			return 1;
		}
		j->wake_us = now + h->poll_ms * 1000;
		/* never sleep past the timeout: it is due right there */
		if (j->wake_us > end)
			j->wake_us = end;
		if (j->lane_deadline_us && j->lane_deadline_us < j->wake_us)
			j->wake_us = j->lane_deadline_us;
		return 0;
	}

	h->kit_next = K.holds;
	K.holds = h;
	h->kit_tabled = 1;
	emit_acquired(j);
	switch (j->c.op) {
	case HOLDERCMD_ACQUIRE:
		emit_ok(j);
		return 1;
	case HOLDERCMD_DELIVER:
		finish_deliver(j);
		return 1;
	case HOLDERCMD_TURN:
		j->holding = 1;
		j->hold_end_us = monoclock_us() +
				 (j->c.hold_ms > 0 ? j->c.hold_ms : 0) * 1000;
		return job_step(j, monoclock_us());
	default:
		emit_fail(j, "other", "internal error: unexpected op");
		return 1;
	}
}

static struct lane *lane_get(const char *name)
{
	struct lane *l, **pp;

	for (l = K.lanes; l; l = l->next)
		if (!strcmp(l->name, name))
			return l;
	l = calloc(1, sizeof(*l));
	if (!l || !(l->name = strdup(name))) {
		free(l);
		return NULL;
	}
	/* appended, so that lanes are served in the order they appeared */
	for (pp = &K.lanes; *pp; pp = &(*pp)->next)
		;
	*pp = l;
	return l;
}

/* Runs every lane as far as it goes; returns the earliest wake-up or -1. */
static int64_t lanes_step(void)
{
	int64_t next = -1;

	for (struct lane *l = K.lanes; l; l = l->next) {
		while (l->head) {
			struct job *j = l->head;

			if (!job_step(j, monoclock_us())) {
				if (next < 0 || j->wake_us < next)
					next = j->wake_us;
				break;
			}
			l->head = j->next;
			if (!l->head)
				l->tail = NULL;
			job_free(j);
		}
	}
	return next;
}

static int lanes_idle(void)
{
	for (struct lane *l = K.lanes; l; l = l->next)
		if (l->head)
			return 0;
	return 1;
}

/* ---- input ------------------------------------------------------------------
 */

static void bad_input(const char *error, const char *line, size_t len,
		      const struct holdercmd *c)
{
	jv o = set_str(event("error"), "error", error);

	o = jv_object_set(o, jv_string("line"),
			  jsonline_cut(line, len, ECHO_MAX));
	if (c && c->has_id)
		o = set_num(o, "id", (double)c->id);
	lch_emit(&K, o);
	if (c && c->has_id) /* it has an id: it also gets its one outcome */
		lch_emit(&K, set_str(set_str(set_num(event("fail"), "id",
						     (double)c->id),
					     "reason", "bad-request"),
				     "error", error));
}

/* `spin`: blocks the whole loop, as a stuck synchronous turn would. A
 * spin forever never gives the loop back, so it spins at the lowest
 * priority (nice 19): what it blocks is this holder, not the machine's
 * other work (seeds/004-blocked-loop-real's holder took a CPU for its 20 s
 * in every run of the catalog). A timed spin keeps its priority: its
 * holder goes on afterwards, and an unprivileged process cannot lower its
 * nice value again. */
static void spin(int64_t ms)
{
	volatile unsigned long spins = 0;
	int64_t end = monoclock_us() + ms * 1000;

	if (ms == 0 && setpriority(PRIO_PROCESS, 0, 19))
		fprintf(stderr, "spin: cannot lower the priority: %s\n",
			strerror(errno));
	while (ms == 0 || monoclock_us() < end)
		spins++;
}

/* `sweep`: the folder's cleanup pass, at once (a gateway runs it at
 * start-up or from a cron, not on a lane). */
static void sweep(const struct holdercmd *c)
{
	jv o = set_num(event("fail"), "id", (double)c->id);

	if (!K.lock->sweep) {
		char err[256];

		snprintf(err, sizeof(err), "the %s lock has no sweep",
			 K.lock->impl);
		lch_emit(&K, set_str(set_str(o, "reason", "unsupported"),
				     "error", err));
		return;
	}
	if (K.lock->sweep(&K, c->id, K.dir,
			  field(c->grace_ms, K.def.grace_ms)) < 0) {
		lch_emit(&K, set_str(set_str(o, "reason", K.reason), "error",
				     K.err));
		return;
	}
	jv_free(o);
	lch_emit(&K, set_num(event("ok"), "id", (double)c->id));
}

static void handle_line(const char *line, size_t len)
{
	struct holdercmd c = HOLDERCMD_INIT;
	char err[512];
	struct lane *l;
	struct job *j;

	if (holdercmd_parse(&c, line, len, err, sizeof(err)) < 0) {
		bad_input(err, line, len, &c);
		holdercmd_clear(&c);
		return;
	}
	if (c.unknown_opt ||
	    (c.reentrant >= 0 && !has(K.lock->opts, "reentrant"))) {
		/* an option silently ignored would let a scenario pass
		 * without what it asked for */
		char msg[HOLDERCMD_NAME_MAX + 96], known[96] = "";

		for (int i = 0; K.lock->opts && K.lock->opts[i]; i++)
			snprintf(known + strlen(known),
				 sizeof(known) - strlen(known), "%s%s",
				 i ? ", " : " (it has: ", K.lock->opts[i]);
		if (*known)
			snprintf(known + strlen(known),
				 sizeof(known) - strlen(known), ")");
		snprintf(msg, sizeof(msg), "option '%s' is not one %s has%s",
			 c.unknown_opt ? c.unknown_opt : "reentrant",
			 K.lock->impl, known);
		lch_emit(&K, set_str(set_str(set_num(event("fail"), "id",
						     (double)c.id),
					     "reason", "unsupported"),
				     "error", msg));
		holdercmd_clear(&c);
		return;
	}
	switch (c.op) {
	case HOLDERCMD_EXIT:
		/* releases nothing: the lock files stay, as after a crash */
		fflush(stdout);
		_exit(c.code);
	case HOLDERCMD_SPIN:
		spin(c.spin_ms);
		lch_emit(&K, set_num(event("ok"), "id", (double)c.id));
		holdercmd_clear(&c);
		return;
	case HOLDERCMD_SWEEP:
		sweep(&c);
		holdercmd_clear(&c);
		return;
	default:
		break;
	}
	l = lane_get(K.lanes_on ? c.lane : "*");
	j = calloc(1, sizeof(*j));
	if (!l || !j) {
		free(j);
		bad_input("out of memory", line, len, &c);
		holdercmd_clear(&c);
		return;
	}
	j->c = c;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
	/* first attempt now, before the next line: commands start in the
	 * order they arrive */
	lanes_step();
}

static void too_long(void)
{
	char err[96];

	snprintf(err, sizeof(err), "line longer than %d bytes", LINE_MAX_BYTES);
	bad_input(err, K.head, K.head_len, NULL);
}

/* Splits input into lines; a line over LINE_MAX_BYTES is skipped whole. */
static void feed(const char *p, size_t n)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;

		if (K.discarding) {
			if (nl) {
				too_long();
				K.discarding = 0;
			}
		} else if (K.len + take > LINE_MAX_BYTES) {
			K.head_len = K.len < ECHO_MAX ? K.len : ECHO_MAX;
			memcpy(K.head, K.buf, K.head_len);
			if (K.head_len < ECHO_MAX) {
				size_t more = ECHO_MAX - K.head_len;

				if (more > take)
					more = take;
				memcpy(K.head + K.head_len, p, more);
				K.head_len += more;
			}
			K.len = 0;
			if (nl)
				too_long();
			else
				K.discarding = 1;
		} else {
			memcpy(K.buf + K.len, p, take);
			K.len += take;
			if (nl) {
				handle_line(K.buf, K.len);
				K.len = 0;
			}
		}
		if (!nl)
			return;
		n -= take + 1;
		p = nl + 1;
	}
}

static void read_input(void)
{
	static char chunk[65536];
	ssize_t n = read(STDIN_FILENO, chunk, sizeof(chunk));

	if (n > 0) {
		feed(chunk, (size_t)n);
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		K.eof = 1;
		if (K.discarding)
			too_long();
		else if (K.len)
			handle_line(K.buf, K.len); /* last line, no newline */
		K.len = 0;
		K.discarding = 0;
	}
}

/* End of input, all lanes done: let go of what explicit acquires still
 * hold, innermost first (an exit hook releasing: "cleanup"). */
static void release_leftovers(void)
{
	while (K.holds)
		if (hold_release(K.holds, "cleanup", -1) < 0)
			lch_log(&K, "ERROR", "%s", K.err);
}

/* ---- for a lock file in OpenClaw's format ------------------------------- */

int lch_proc_stat(long pid, unsigned long long *starttime, char *state)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd, f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		if (n == 0)
			errno = EINVAL;
		return -1;
	}
	buf[n] = '\0';
	/* comm may hold spaces and ')': the fields start after the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2]) {
		errno = EINVAL;
		return -1;
	}
	p += 2;
	if (state)
		*state = *p;
	for (f = 3; f < 22; f++) {
		if (!(p = strchr(p, ' '))) {
			errno = EINVAL;
			return -1;
		}
		p++;
	}
	*starttime = strtoull(p, NULL, 10);
	return 0;
}

unsigned long long lch_pid_ns(void)
{
	static pid_t cached_pid;
	static unsigned long long cached;
	pid_t me = getpid();

	if (cached_pid != me) {
		struct stat st;

		cached = stat("/proc/self/ns/pid", &st)
			     ? 0
			     : (unsigned long long)st.st_ino;
		cached_pid = me;
	}
	return cached;
}

const char *lch_boot_id(void)
{
	static char id[40];
	static int done;

	if (!done) {
		int fd = open("/proc/sys/kernel/random/boot_id",
			      O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, id, sizeof(id) - 1);

		if (fd >= 0)
			close(fd);
		id[n > 0 ? n : 0] = '\0';
		id[strcspn(id, "\n\"\\")] = '\0';
		done = 1;
	}
	return id;
}

int64_t lch_boot_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- start-up ---------------------------------------------------------------
 */

static void hello(void)
{
	const struct lch_lock *lk = K.lock;
	jv o = event("hello"), caps = jv_array(), na = jv_object();
	int nr_na = 0;

	o = set_num(o, "proto", LCH_PROTO);
	o = set_str(o, "impl", lk->impl ? lk->impl : "unnamed");
	o = set_str(o, "version", lk->version ? lk->version : "0");
	o = jv_object_set(o, jv_string("bug"), jv_null());
	o = set_num(o, "pid", (double)getpid());
	for (int i = 0; kit_caps[i]; i++)
		caps = jv_array_append(caps, jv_string(kit_caps[i]));
	for (int i = 0; lk->caps && lk->caps[i]; i++)
		if (!has(kit_caps, lk->caps[i]))
			caps = jv_array_append(caps, jv_string(lk->caps[i]));
	if (lk->sweep && !has(lk->caps, "sweep"))
		caps = jv_array_append(caps, jv_string("sweep"));
	o = jv_object_set(o, jv_string("caps"), caps);
	if (lk->opts && lk->opts[0]) {
		jv opts = jv_array();

		for (int i = 0; lk->opts[i]; i++)
			opts = jv_array_append(opts, jv_string(lk->opts[i]));
		o = jv_object_set(o, jv_string("opts"), opts);
	}
	for (int i = 0; lk->na && lk->na[i] && lk->na[i + 1]; i += 2)
		if (!has(lk->caps, lk->na[i])) {
			na = set_str(na, lk->na[i], lk->na[i + 1]);
			nr_na++;
		}
	if (nr_na)
		o = jv_object_set(o, jv_string("na"), na);
	else
		jv_free(na);
	if (lk->hello)
		o = lk->hello(&K, o);
	lch_emit(&K, o);
}

int lch_run(const struct lch_lock *lock)
{
	static const struct lch_defaults blank = {0, 0, 0, 0},
					 openclaw = LCH_DEFAULTS;
	static char default_name[32], cwd[4096];
	struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};

	K.lock = lock;
	K.def = memcmp(&lock->defaults, &blank, sizeof(blank)) ? lock->defaults
							       : openclaw;
	if (K.def.poll_ms < 1)
		K.def.poll_ms = openclaw.poll_ms;
	K.lanes_on = has(lock->caps, "lanes");
	K.dir = getenv("LOCKCHAOS_DIR");
	if (!K.dir || !*K.dir)
		K.dir = getcwd(cwd, sizeof(cwd)) ? cwd : ".";
	K.name = getenv("LOCKCHAOS_HOLDER");
	if (!K.name || !*K.name) {
		snprintf(default_name, sizeof(default_name), "h%ld",
			 (long)getpid());
		K.name = default_name;
	}
	K.buf = malloc(LINE_MAX_BYTES);
	if (!K.buf) {
		fprintf(stderr, "%s holder: out of memory\n", lock->impl);
		return 1;
	}
	hello();
	for (;;) {
		int64_t next, wd = -1, now;
		int timeout_ms;

		if (lock->tick)
			wd = lock->tick(&K);
		next = lanes_step();
		if (K.eof && lanes_idle()) {
			release_leftovers();
			return 0;
		}
		now = monoclock_us();
		if (wd >= 0 && (next < 0 || now + wd < next))
			next = now + wd;
		timeout_ms = LOOP_TICK_MS;
		if (next >= 0 && next - now < (int64_t)LOOP_TICK_MS * 1000)
			timeout_ms =
			    next <= now ? 0 : (int)((next - now + 999) / 1000);
		pfd.events = K.eof ? 0 : POLLIN;
		if (poll(&pfd, K.eof ? 0 : 1, timeout_ms) < 0 &&
		    errno != EINTR) {
			fprintf(stderr, "%s holder: poll: %s\n", lock->impl,
				strerror(errno));
			return 1;
		}
		if (!K.eof && (pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			read_input();
	}
}

int lch_main(const struct lch_lock *lock, int argc, char **argv)
{
	const char *prog = argc > 0 ? argv[0] : "holder";

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: %s [--help | --version]\n\n"
			       "A lockchaos holder (protocol %d) on %s %s: "
			       "commands on stdin,\nevents on stdout; see "
			       "lockchaos-holder(7). Environment:\n"
			       "LOCKCHAOS_DIR (the session folder), "
			       "LOCKCHAOS_HOLDER (its name).\n",
			       prog, LCH_PROTO, lock->impl, lock->version);
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("%s %s (holder protocol %d)\n", lock->impl,
			       lock->version, LCH_PROTO);
			return 0;
		}
		fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n",
			prog, argv[i]);
		return 2;
	}
	return lch_run(lock);
}
