/*
 * gen.c - one random scenario from a seed and a holder's capabilities.
 *
 * A scenario is built around 1 to 3 *holds*: an owner takes a session's
 * lock (acquire ... release, a turn, a deliver, an acquire it forgets, a
 * reentrant acquire+deliver+release), a fault may strike near one of the
 * hold's transitions, and contenders come near the moments a correct lock
 * must let them in. The draws, with their weights (percent; a choice the
 * holder's caps exclude is never drawn, the others keep their ratios):
 *
 *   holders          2: 40, 3: 30, 4: 15, 5 to 8: 15; in containers 10
 *                    (where PID namespaces exist): A pid 7 of ns c1, B
 *                    pid 7 of ns c2, the others in c1, c2 or neither
 *   holds            1: 50, 2: 35, 3: 15
 *   hold kind        acquire/release 35, turn 35, deliver 12,
 *                    forgotten acquire (the watchdog must free it) 9,
 *                    reentrant acquire+deliver+release 9; the owner
 *                    declares a maxHoldMs of its own (not its
 *                    contenders') 20
 *   fault on a hold  none 30; otherwise kill 18 (its pid recycled in 40 of
 *                    them, where PID namespaces exist), freeze+thaw 11, zombie+reap
 *                    8, io failpoint (not unlink, read) 8, cleanup
 *                    failpoint 8, create pause
 *                    (empty lock file) 8, spin 7, term 5, damage removed 5,
 *                    reclaim pause in a contender (and a second one
 *                    inside its pause) 10, release pause 3,
 *                    block-loop on/off 3, signal HUP/USR1 3, in-place
 *                    rewrite of the payload 2, a wall clock stepped
 *                    (+-90 s, +-2 h; the owner's 60, else another's)
 *                    before the hold 8 (holders with `speed`)
 *   fault timing     `await OWNER acquired` then the fault: 50 (exactly at
 *                    the transition); else 10-100 ms after the acquire is
 *                    sent, or within 100 ms of the hold's end
 *   contenders       after a death, a crowd (3 to 7 holders, added when
 *                    too few are alive, deliver within +-20 ms, 1 to 3
 *                    polls after it; their file calls jittered 0..20 ms
 *                    in half of them) 40; after a hold that ended (no
 *                    death, nobody stuck), such a crowd 15 (a free lock
 *                    created at once); else 1 to 3 per hold: the owner
 *                    itself on another lane 15 (lanes and watchdog: only
 *                    its watchdog frees its own stuck hold), else another
 *                    holder; deliver 55, turn 20, acquire/release 15,
 *                    sweep 10 (holders with `sweep`); sent near: the
 *                    hold's start 30, the fault 25, the owner's maxHoldMs
 *                    (the deadline a stuck owner must be reclaimed by) 25,
 *                    the hold's end 20; with jitter (+-20 ms) 30; with a
 *                    timeoutMs ending within a few polls of that deadline
 *                    25; a hold longer than its maxHoldMs, its owner alive
 *                    and running: the owner on its other lane 1 to 3 polls
 *                    before that deadline, waiting past it, 50 (lanes and
 *                    watchdog: only the watchdog lets it in)
 *   planted damage   20 per scenario: a lock file a correct lock reclaims
 *                    (empty, truncated, garbage, dead, ancient, bad-date,
 *                    pid0, pid-negative, pid-huge, maxhold-negative), then
 *                    a contender; in 40 of them a lock being born (an
 *                    empty 2, truncated 1 or garbage 1 file of another
 *                    live holder, `owner=`), the contender within the
 *                    first half of graceMs
 *   lock             maxHoldMs 600: 15, 1000: 20, 2000: 25, 4000: 20,
 *                    8000: 20 ms (a long one leaves room to see a lock
 *                    kept until it); timeoutMs 0.5x to 3x of it (of 2 s
 *                    at most); pollMs 20/50/100; graceMs 300/500/1000
 *   hold length      200 ms to 1.5x maxHoldMs (3 s at most); a stuck
 *                    holder stays stuck half to twice its maxHoldMs (4 s
 *                    at most); a forgotten acquire only with maxHoldMs up
 *                    to 2 s
 *
 * The tail keeps a correct lock's verdicts clean: frozen holders are
 * thawed, zombies reaped, block-loop switched off, every timed spin ends;
 * a session that may keep a dead owner's, a planted or a rewritten file
 * gets a last deliver from a live holder, after every spin ended; forgotten acquires get time past maxHoldMs
 * for the watchdog (a lock without one is then a leak).
 */
#include "explore/explore.h"
#include "lib/util.h"

#include <jv.h>
#include <stdlib.h>
#include <string.h>

void xscn_init(struct xscn *x)
{
	memset(x, 0, sizeof(*x));
}

static void free_words(char **w)
{
	int i;

	for (i = 0; w && w[i]; i++)
		free(w[i]);
	free(w);
}

static void free_list(char **w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(w[i]);
	free(w);
}

void xscn_clear(struct xscn *x)
{
	int i;

	free_list(x->holders, x->nr_holders);
	if (x->holder_opts)
		free_list(x->holder_opts, x->nr_holders);
	free_list(x->lock, x->nr_lock);
	free_list(x->disable, x->nr_disable);
	for (i = 0; i < x->nr; i++)
		free_words(x->st[i].words);
	free(x->st);
	xscn_init(x);
}

static char **dup_list(char *const *src, int n)
{
	char **out = xcalloc((size_t)n + 1, sizeof(*out));
	int i;

	for (i = 0; i < n; i++)
		out[i] = xstrdup(src[i]);
	return out;
}

void xscn_copy(struct xscn *dst, const struct xscn *src)
{
	int i;

	xscn_init(dst);
	dst->holders = dup_list(src->holders, src->nr_holders);
	if (src->holder_opts) {
		dst->holder_opts =
			xcalloc((size_t)src->nr_holders + 1, sizeof(char *));
		for (i = 0; i < src->nr_holders; i++)
			if (src->holder_opts[i])
				dst->holder_opts[i] =
					xstrdup(src->holder_opts[i]);
	}
	dst->nr_holders = src->nr_holders;
	dst->lock = dup_list(src->lock, src->nr_lock);
	dst->nr_lock = src->nr_lock;
	dst->disable = dup_list(src->disable, src->nr_disable);
	dst->nr_disable = src->nr_disable;
	dst->alloc = dst->nr = src->nr;
	dst->st = xcalloc((size_t)src->nr + 1, sizeof(*dst->st));
	for (i = 0; i < src->nr; i++) {
		dst->st[i] = src->st[i];
		dst->st[i].words = dup_list(src->st[i].words,
					    src->st[i].nr_words);
	}
}

static void put_ms(char **out, int64_t ms)
{
	char *old = *out;

	if (ms >= 1000 && ms % 1000 == 0)
		*out = xasprintf("%s%llds", old, (long long)(ms / 1000));
	else
		*out = xasprintf("%s%lldms", old, (long long)ms);
	free(old);
}

static void put(char **out, const char *s)
{
	char *old = *out;

	*out = xasprintf("%s%s", old, s);
	free(old);
}

static void put_line(char **out, const char *word, char *const *list, int n)
{
	int i;

	if (!n)
		return;
	put(out, word);
	for (i = 0; i < n; i++) {
		put(out, " ");
		put(out, list[i]);
	}
	put(out, "\n");
}

char *xscn_render(const struct xscn *x, const char *header,
		  const char *title, int repeat)
{
	char *out = xstrdup(header ? header : "");
	char buf[32];
	int i;

	put(&out, "title ");
	put(&out, title ? title : "explored");
	put(&out, "\ntags explore\n");
	if (repeat > 1) {
		snprintf(buf, sizeof(buf), "repeat %d\n", repeat);
		put(&out, buf);
	}
	put_line(&out, "disable", x->disable, x->nr_disable);
	put_line(&out, "lock", x->lock, x->nr_lock);
	if (!x->holder_opts) {
		put_line(&out, "holder", x->holders, x->nr_holders);
	} else {
		int plain = 0;

		for (i = 0; i < x->nr_holders; i++)
			if (!x->holder_opts[i]) {
				put(&out, plain++ ? " " : "holder ");
				put(&out, x->holders[i]);
			}
		if (plain)
			put(&out, "\n");
		for (i = 0; i < x->nr_holders; i++)
			if (x->holder_opts[i]) {
				char *l = xasprintf("holder %s %s\n",
						    x->holders[i],
						    x->holder_opts[i]);

				put(&out, l);
				free(l);
			}
	}
	for (i = 0; i < x->nr; i++) {
		const struct xstmt *s = &x->st[i];

		if (s->at_ms >= 0) {
			put(&out, "at ");
			put_ms(&out, s->at_ms);
			if (s->jitter_ms > 0) {
				put(&out, "~");
				put_ms(&out, s->jitter_ms);
			}
			put(&out, " ");
		}
		put_line(&out, s->words[0], s->words + 1, s->nr_words - 1);
		if (s->nr_words == 1)
			put(&out, s->words[0]), put(&out, "\n");
	}
	return out;
}

/* The holder lines: one for the holders without keys, one each for the
 * others. */
static int holder_lines(const struct xscn *x)
{
	int i, plain = 0, own = 0;

	for (i = 0; i < x->nr_holders; i++)
		if (x->holder_opts && x->holder_opts[i])
			own++;
		else
			plain = 1;
	return plain + own;
}

int xscn_size(const struct xscn *x)
{
	return (x->nr_lock > 0) + holder_lines(x) + (x->nr_disable > 0) +
	       x->nr;
}

/* ---- capabilities ---------------------------------------------------- */

int explore_caps_from_hello(struct explore_caps *c, const char *line)
{
	jv v = jv_parse(line), caps, points, ev;
	int i, n;

	memset(c, 0, sizeof(*c));
	if (jv_get_kind(v) != JV_KIND_OBJECT) {
		jv_free(v);
		return -1;
	}
	ev = jv_object_get(jv_copy(v), jv_string("ev"));
	if (jv_get_kind(ev) != JV_KIND_STRING ||
	    strcmp(jv_string_value(ev), "hello")) {
		jv_free(ev);
		jv_free(v);
		return -1;
	}
	jv_free(ev);
	caps = jv_object_get(jv_copy(v), jv_string("caps"));
	n = jv_get_kind(caps) == JV_KIND_ARRAY ? jv_array_length(jv_copy(caps))
					       : 0;
	for (i = 0; i < n; i++) {
		jv cap = jv_array_get(jv_copy(caps), i);
		const char *s = jv_get_kind(cap) == JV_KIND_STRING
					? jv_string_value(cap)
					: "";
		static const struct {
			const char *name;
			size_t off;
		} names[] = {
#define CAP(n, f) { n, offsetof(struct explore_caps, f) }
			CAP("acquire", acquire), CAP("release", release),
			CAP("deliver", deliver), CAP("turn", turn),
			CAP("spin", spin), CAP("sweep", sweep),
			CAP("speed", speed), CAP("lanes", lanes),
			CAP("maxHoldMs", maxhold), CAP("timeout", timeout),
			CAP("watchdog", watchdog), CAP("fencing", fencing),
			CAP("failpoints", failpoints),
#undef CAP
		};
		size_t k;

		for (k = 0; k < sizeof(names) / sizeof(*names); k++)
			if (!strcmp(s, names[k].name))
				*(int *)((char *)c + names[k].off) = 1;
		jv_free(cap);
	}
	jv_free(caps);
	points = jv_object_get(v, jv_string("failpoints"));
	n = jv_get_kind(points) == JV_KIND_ARRAY
		    ? jv_array_length(jv_copy(points))
		    : 0;
	c->points = xcalloc((size_t)n + 1, sizeof(*c->points));
	for (i = 0; i < n; i++) {
		jv p = jv_array_get(jv_copy(points), i);

		if (jv_get_kind(p) == JV_KIND_STRING)
			c->points[i] = xstrdup(jv_string_value(p));
		else
			c->points[i] = xstrdup("");
		jv_free(p);
	}
	jv_free(points);
	return 0;
}

void explore_caps_clear(struct explore_caps *c)
{
	free_words(c->points);
	memset(c, 0, sizeof(*c));
}

/* ---- the draw -------------------------------------------------------- */

/* maxHoldMs: the lock line's, and a hold's own when it declares another */
static const int64_t holds_ms[] = { 600, 1000, 2000, 4000, 8000 };
static const int w_hold[] = { 15, 20, 25, 20, 20 };

struct gen {
	struct xscn *x;
	uint64_t rng;
	const struct explore_caps *caps;
	int pidns;
	int64_t max_hold, timeout, poll, grace;
	int64_t max_hold_top;	/* the longest maxHoldMs any hold declares */
	int64_t dead_at[8];	/* when holder i dies; -1 alive */
	int64_t busy_until[8];	/* frozen or spinning until (its ops wait) */
	int need_tail[2];	/* session i may keep a stale file */
	int forgotten[2];	/* session i has a forgotten acquire */
	int any_death;		/* some holder dies: any session it may have
				   held then needs the tail */
	int64_t end;		/* the latest planned moment */
	int keep;		/* the next emit is part of the clean end */
	int msgs;		/* messages numbered so far */
};

static uint64_t rnd(struct gen *g, uint64_t n)
{
	return n ? prng_next(&g->rng) % n : 0;
}

static int64_t rrange(struct gen *g, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)rnd(g, (uint64_t)(hi - lo + 1));
}

/* Index of a weighted choice; weight 0 is never drawn. */
static int pick(struct gen *g, const int *w, int n)
{
	int i, total = 0, r;

	for (i = 0; i < n; i++)
		total += w[i];
	if (total <= 0)
		return 0;
	r = (int)rnd(g, (uint64_t)total);
	for (i = 0; i < n; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

static int has_point(const struct gen *g, const char *name)
{
	int i;

	if (!g->caps->failpoints || !g->caps->points)
		return 0;
	for (i = 0; g->caps->points[i]; i++)
		if (!strcmp(g->caps->points[i], name))
			return 1;
	return 0;
}

/* Appends a statement: `at` (or -1), then the words (printf-formatted,
 * split at blanks). */
static void emit(struct gen *g, int64_t at, int64_t jitter, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
static void emit(struct gen *g, int64_t at, int64_t jitter, const char *fmt,
		 ...)
{
	struct xscn *x = g->x;
	struct xstmt *s;
	va_list ap;
	char *text, *p, *tok, *save = NULL;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	ALLOC_GROW(x->st, (size_t)x->nr + 1, x->alloc);
	s = &x->st[x->nr++];
	memset(s, 0, sizeof(*s));
	s->at_ms = at < 0 ? -1 : at / 10 * 10;
	s->jitter_ms = jitter;
	s->keep = g->keep;
	g->keep = 0;
	s->words = xcalloc(strlen(text) / 2 + 2, sizeof(*s->words));
	for (p = text; (tok = strtok_r(p, " ", &save)); p = NULL)
		s->words[s->nr_words++] = xstrdup(tok);
	free(text);
	if (at > g->end)
		g->end = at;
}

static const char *hname(int i)
{
	static const char *const names[] = { "A", "B", "C", "D",
					     "E", "F", "G", "H" };

	return names[i];
}

static int alive_at(const struct gen *g, int h, int64_t t)
{
	return g->dead_at[h] < 0 || t < g->dead_at[h];
}

/* A holder other than `not` and `not2`, alive and not stuck at t; -1
 * when none. */
static int third_holder(struct gen *g, int not, int not2, int64_t t)
{
	int n = g->x->nr_holders, i, start = (int)rnd(g, (uint64_t)n);

	for (i = 0; i < n; i++) {
		int h = (start + i) % n;

		if (h != not && h != not2 && alive_at(g, h, t) &&
		    t >= g->busy_until[h])
			return h;
	}
	return -1;
}

/* A holder other than `not`, alive at t; -1 when none. */
static int other_holder(struct gen *g, int not, int64_t t)
{
	return third_holder(g, not, -1, t);
}

static const char *sess_key(int s)
{
	return s ? " session=s2" : "";
}

/* A contender's operation at `at` on session `s`; `deadline`: when a stuck
 * owner becomes reclaimable (a timeoutMs may end near it). */
static void contender_op(struct gen *g, int h, int s, const char *lane,
			 int64_t at, int64_t jitter, int64_t deadline);

static void contender(struct gen *g, int h, int s, const char *lane,
		      int64_t at, int64_t deadline)
{
	contender_op(g, h, s, lane, at, rnd(g, 100) < 30 ? 20 : 0, deadline);
}

/* One more holder (up to 8), for a crowd or the tail; its index, or -1. */
static int add_holder(struct gen *g)
{
	struct xscn *x = g->x;
	int h = x->nr_holders;

	if (h >= 8)
		return -1;
	x->holders = xrealloc(x->holders,
			      sizeof(*x->holders) * ((size_t)h + 2));
	x->holders[h] = xstrdup(hname(h));
	x->holders[h + 1] = NULL;
	if (x->holder_opts) {
		x->holder_opts = xrealloc(x->holder_opts,
					  sizeof(char *) * ((size_t)h + 2));
		x->holder_opts[h] = x->holder_opts[h + 1] = NULL;
	}
	x->nr_holders++;
	return h;
}

/* A crowd's contender: a deliver at `at` with jitter. */
static void contender_at(struct gen *g, int h, int s, int64_t at,
			 int64_t jitter)
{
	if (!g->caps->deliver) {
		contender_op(g, h, s, "", at, jitter, -1);
		return;
	}
	emit(g, at, jitter, "%s deliver msg=m%d%s", hname(h), ++g->msgs,
	     sess_key(s));
}

static void contender_op(struct gen *g, int h, int s, const char *lane,
			 int64_t at, int64_t jitter, int64_t deadline)
{
	/* deliver, turn, acquire/release, the cleanup sweep (it judges every
	 * lock file of the folder as an acquire would: seed 001's cron) */
	static const int w_op[] = { 55, 20, 15, 10 };
	int w[4] = { g->caps->deliver ? w_op[0] : 0,
		     g->caps->turn ? w_op[1] : 0,
		     g->caps->acquire && g->caps->release ? w_op[2] : 0,
		     g->caps->sweep && !*lane ? w_op[3] : 0 };
	int op = pick(g, w, 4);
	char tmo[48] = "";
	int m = ++g->msgs;

	if (at < 0)
		at = 0;
	if (op != 3 && g->caps->timeout && rnd(g, 100) < 25 && deadline > at) {
		int64_t t = deadline - at + rrange(g, -2, 4) * g->poll;

		if (t < 100)
			t = 100;
		snprintf(tmo, sizeof(tmo), " timeoutMs=%lldms", (long long)t);
	}
	switch (op) {
	case 0:
		emit(g, at, jitter, "%s deliver msg=m%d%s%s%s", hname(h), m,
		     sess_key(s), lane, tmo);
		break;
	case 1:
		emit(g, at, jitter, "%s turn hold=%lldms msg=m%d%s%s%s",
		     hname(h), (long long)rrange(g, 5, 40) * 10, m,
		     sess_key(s), lane, tmo);
		break;
	case 3:
		emit(g, at, jitter, "%s sweep as=w%d", hname(h), m);
		break;
	default:
		emit(g, at, jitter, "%s acquire as=a%d%s%s%s", hname(h), m,
		     sess_key(s), lane, tmo);
		emit(g, at + rrange(g, 5, 40) * 10, 0, "%s release%s%s",
		     hname(h), sess_key(s), lane);
		break;
	}
}

enum fault_pick {
	F_NONE, F_KILL, F_FREEZE, F_ZOMBIE, F_IO, F_CLEANUP, F_CREATE_PAUSE,
	F_SPIN, F_TERM, F_REMOVED, F_RECLAIM_PAUSE, F_RELEASE_PAUSE,
	F_BLOCK_LOOP, F_SIGNAL, F_REWRITE, F_CLOCK, F__NR
};

static const char *const io_points[] = {
	"sessionlock/posix/open", "sessionlock/posix/write",
	/* not posix/unlink: a release that cannot remove its file leaves it
	 * to the stale rules, so contenders wait until its maxHoldMs by
	 * design (faults/io-unlink-release.scn disables recovery); nor
	 * posix/read: armed `once` before a hold on a free lock, its first
	 * read is the release's check that the file is still its own, which
	 * then leaves the file the same way (seed 201's scenario 83: a turn's
	 * lane timeout, its file kept until maxHoldMs). The first lstat,
	 * fstat, open and close come in the acquire. */
	"sessionlock/posix/lstat",
	"sessionlock/posix/fstat", "sessionlock/posix/close",
};
static const char *const io_errnos[] = { "EIO", "ENOSPC", "EACCES", "EROFS" };
static const char *const cleanup_points[] = {
	"sessionlock/cleanup/flush", "sessionlock/cleanup/dispose",
	"sessionlock/cleanup/lsp-dispose",
};
static const char *const safe_damage[] = {
	"empty", "truncated", "garbage", "dead", "ancient", "bad-date",
	"pid0", "pid-negative", "pid-huge", "maxhold-negative",
};

/* How long a stuck holder (frozen, spinning, blocked loop) stays stuck, in
 * 10 ms: from half its maxHoldMs to twice it, at most 4 s. */
static int64_t stuck_lo(const struct gen *g)
{
	return (g->max_hold < 2000 ? g->max_hold : 2000) / 20;
}

static int64_t stuck_hi(const struct gen *g)
{
	return (g->max_hold < 2000 ? g->max_hold : 2000) / 5;
}

/* One hold, its fault and its contenders. */
static void hold(struct gen *g, int s)
{
	static const int w_kind[] = { 35, 35, 12, 9, 9 };
	static const int w_fault[F__NR] = { 30, 18, 11, 8, 8, 8, 8, 7,
					    5,  5,  10, 3, 3, 3, 2, 8 };
	const struct explore_caps *c = g->caps;
	int kw[5], fw[F__NR], kind, f, owner, i, nc, dies = 0;
	int crowd_dead, crowd_free;
	int64_t t0, h, fault_at = -1, stuck_until = -1, end;
	int64_t lock_max_hold = g->max_hold;
	int m = ++g->msgs;
	char lane[24] = "", own_lane[24] = "", mh[32] = "";

	t0 = rrange(g, 0, 150) * 10;
	owner = other_holder(g, -1, t0);
	if (owner < 0)
		return;
	/* The owner declares a maxHoldMs of its own, not the lock line's
	 * its contenders declare (gateways configured apart): each lock is
	 * to be judged by the bound its payload declares. For this hold
	 * g->max_hold is the owner's (its deadline, its stuck lengths). */
	if (c->maxhold && rnd(g, 100) < 20) {
		int64_t v = holds_ms[pick(g, w_hold, 5)];

		if (v != g->max_hold) {
			g->max_hold = v;
			snprintf(mh, sizeof(mh), " maxHoldMs=%lldms",
				 (long long)v);
		}
	}
	if (g->max_hold > g->max_hold_top)
		g->max_hold_top = g->max_hold;
	h = rrange(g, 20, (g->max_hold * 3 / 2 < 3000 ? g->max_hold * 3 / 2
						       : 3000) / 10) * 10;
	kw[0] = c->acquire && c->release ? w_kind[0] : 0;
	kw[1] = c->turn ? w_kind[1] : 0;
	kw[2] = c->deliver ? w_kind[2] : 0;
	kw[3] = c->acquire && c->watchdog && !g->need_tail[s] &&
			g->max_hold <= 2000
		? w_kind[3]
		: 0;
	kw[4] = c->acquire && c->release && c->deliver ? w_kind[4] : 0;
	kind = pick(g, kw, 5);
	if (!kw[kind]) {
		g->max_hold = lock_max_hold;
		return;
	}
	if (c->lanes && rnd(g, 100) < 15)
		snprintf(lane, sizeof(lane), " lane=l%d", (int)rnd(g, 2) + 1);
	/* the owner's other lane, for a contender of its own process */
	snprintf(own_lane, sizeof(own_lane), " lane=l%d",
		 !strcmp(lane, " lane=l1") ? 2 : 1);

	for (f = 0; f < F__NR; f++)
		fw[f] = w_fault[f];
	if (kind == 3) /* a forgotten acquire: the watchdog's case alone */
		for (f = 1; f < F__NR; f++)
			fw[f] = 0;
	if (!c->failpoints)
		fw[F_IO] = fw[F_CLEANUP] = fw[F_CREATE_PAUSE] = fw[F_RELEASE_PAUSE] =
			fw[F_BLOCK_LOOP] = fw[F_RECLAIM_PAUSE] = 0;
	if (!has_point(g, "sessionlock/cleanup/flush") || kind != 1)
		fw[F_CLEANUP] = 0;
	if (!has_point(g, "sessionlock/create/pause-before-payload"))
		fw[F_CREATE_PAUSE] = 0;
	if (!has_point(g, "sessionlock/release/pause-before-unlink"))
		fw[F_RELEASE_PAUSE] = 0;
	if (!has_point(g, "sessionlock/reclaim/pause-before-unlink"))
		fw[F_RECLAIM_PAUSE] = 0;
	if (!has_point(g, "sessionlock/posix/open"))
		fw[F_IO] = 0;
	if (!c->spin)
		fw[F_SPIN] = 0;
	if (!c->speed) /* its clocks may not go through libc */
		fw[F_CLOCK] = 0;
	f = pick(g, fw, F__NR);

	/* Faults armed before the hold starts. */
	if (f == F_IO)
		emit(g, t0 > 0 ? t0 - 1 : -1, 0,
		     "failpoint %s name=%s errno=%s once", hname(owner),
		     io_points[rnd(g, sizeof(io_points) / sizeof(*io_points))],
		     io_errnos[rnd(g, 4)]);
	else if (f == F_CLEANUP)
		emit(g, t0 > 0 ? t0 - 1 : -1, 0,
		     "failpoint %s name=%s errno=EIO once", hname(owner),
		     cleanup_points[rnd(g, 3)]);
	else if (f == F_CREATE_PAUSE)
		emit(g, t0 > 0 ? t0 - 1 : -1, 0,
		     "failpoint %s name=sessionlock/create/pause-before-payload "
		     "delay=%lldms once",
		     hname(owner), (long long)rrange(g, 5, g->grace / 20) * 10);
	else if (f == F_CLOCK) {
		/* An NTP step (or a skewed clock) on the owner before it takes
		 * the lock, or on another holder that will judge it: a lock
		 * made on this boot is aged by a clock no step moves. */
		static const char *const steps[] = { "-2h", "-90s", "+2h",
						     "+90s" };
		int who = rnd(g, 100) < 60 ? owner : other_holder(g, owner, t0);

		emit(g, t0 > 0 ? t0 - 1 : -1, 0, "clock %s step=%s",
		     hname(who < 0 ? owner : who), steps[rnd(g, 4)]);
	} else if (f == F_RELEASE_PAUSE)
		emit(g, t0 > 0 ? t0 - 1 : -1, 0,
		     "failpoint %s name=sessionlock/release/pause-before-unlink "
		     "delay=%lldms once",
		     hname(owner), (long long)rrange(g, 20, 100) * 10);

	/* The hold (its release is written after the faults, so that an
	 * at-less `await` and fault stay next to the acquire). */
	switch (kind) {
	case 1: { /* turn */
		char lt[40] = "";

		if (rnd(g, 100) < 15)
			snprintf(lt, sizeof(lt), " laneTimeout=%lldms",
				 (long long)(h / 2 / 10 * 10 + 10));
		emit(g, t0, 0, "%s turn hold=%lldms msg=m%d%s%s%s%s",
		     hname(owner), (long long)h, m, sess_key(s), lane, lt, mh);
		break;
	}
	case 2: /* deliver: a short hold */
		emit(g, t0, 0, "%s deliver msg=m%d%s%s%s", hname(owner), m,
		     sess_key(s), lane, mh);
		h = 20;
		break;
	case 3: /* forgotten: only the watchdog frees it */
		emit(g, t0, 0, "%s acquire as=h%d%s%s%s", hname(owner), m,
		     sess_key(s), lane, mh);
		g->forgotten[s] = 1;
		h = g->max_hold;
		if (t0 + g->max_hold + 4 * g->poll + 600 > g->end)
			g->end = t0 + g->max_hold + 4 * g->poll + 600;
		break;
	case 4: /* reentrant */
		emit(g, t0, 0, "%s acquire as=h%d%s%s%s", hname(owner), m,
		     sess_key(s), lane, mh);
		emit(g, -1, 0, "%s deliver msg=m%d%s%s", hname(owner), ++g->msgs,
		     sess_key(s), lane);
		break;
	default: /* acquire ... release */
		emit(g, t0, 0, "%s acquire as=h%d%s%s%s", hname(owner), m,
		     sess_key(s), lane, mh);
		break;
	}
	end = t0 + h;

	/* Faults while it holds: at the acquire itself, or near it, or near
	 * the end of the hold. */
	if (f == F_KILL || f == F_FREEZE || f == F_ZOMBIE || f == F_SPIN ||
	    f == F_TERM || f == F_REMOVED || f == F_BLOCK_LOOP ||
	    f == F_SIGNAL || f == F_REWRITE || f == F_RECLAIM_PAUSE) {
		int r = (int)rnd(g, 100);

		if ((r < 50 || f == F_RECLAIM_PAUSE) && kind != 2) {
			emit(g, -1, 0, "await %s acquired timeout=%lldms",
			     hname(owner), (long long)(g->timeout + 1000));
			fault_at = -1;
		} else if (r < 80 || kind == 2) {
			fault_at = t0 + rrange(g, 1, 10) * 10;
		} else {
			fault_at = end + rrange(g, -10, 10) * 10;
			if (fault_at <= t0)
				fault_at = t0 + 10;
		}
	}
	{
		int64_t fa = fault_at >= 0 ? fault_at : t0 + 20;
		int64_t racer_pause = 0, racer_at = 0;
		int racer = -1;

		switch (f) {
		case F_KILL:
			emit(g, fault_at, 0, "kill %s", hname(owner));
			dies = 1;
			/* its pid given to another process (PID
			 * recycling, seed 002): a liveness judged by the
			 * pid alone sees the dead owner alive */
			if (g->pidns && rnd(g, 100) < 40)
				emit(g, -1, 0, "recycle %s", hname(owner));
			break;
		case F_RECLAIM_PAUSE:
			/* The reclaim race (seed 001): the owner dies, a
			 * contender stalls between its verdict and its unlink
			 * while a second one comes. */
			emit(g, fault_at, 0, "kill %s", hname(owner));
			dies = 1;
			racer = other_holder(g, owner, t0);
			racer_pause = rrange(g, 20, 80) * 10;
			if (racer >= 0)
				emit(g, -1, 0,
				     "failpoint %s name=sessionlock/reclaim/"
				     "pause-before-unlink delay=%lldms once",
				     hname(racer), (long long)racer_pause);
			break;
		case F_ZOMBIE:
			emit(g, fault_at, 0, "zombie %s", hname(owner));
			g->keep = 1;
			emit(g, fa + rrange(g, 5, 80) * 10, 0, "reap %s",
			     hname(owner));
			dies = 1;
			break;
		case F_TERM:
			emit(g, fault_at, 0, "term %s", hname(owner));
			dies = 1;
			break;
		case F_SIGNAL:
			emit(g, fault_at, 0, "signal %s %s", hname(owner),
			     rnd(g, 2) ? "HUP" : "USR1");
			dies = 1;
			break;
		case F_FREEZE:
			emit(g, fault_at, 0, "freeze %s", hname(owner));
			stuck_until = fa + rrange(g, stuck_lo(g), stuck_hi(g)) *
						   10;
			g->keep = 1;
			emit(g, stuck_until, 0, "thaw %s", hname(owner));
			break;
		case F_SPIN: {
			int64_t ms = rrange(g, stuck_lo(g), stuck_hi(g)) *
				     10;

			emit(g, fault_at, 0, "%s spin ms=%lldms", hname(owner),
			     (long long)ms);
			stuck_until = fa + ms;
			break;
		}
		case F_BLOCK_LOOP:
			emit(g, fault_at, 0,
			     "failpoint %s name=sessionlock/turn/block-loop",
			     hname(owner));
			stuck_until = fa + rrange(g, stuck_lo(g), stuck_hi(g)) *
						   10;
			g->keep = 1;
			emit(g, stuck_until, 0,
			     "failpoint %s name=sessionlock/turn/block-loop off",
			     hname(owner));
			break;
		case F_REMOVED:
			emit(g, fault_at, 0, "damage s%d removed", s + 1);
			break;
		case F_REWRITE:
			/* a live owner's file, from now until its maxHoldMs:
			 * after the hold ended, a planted one nobody reclaims
			 * before the end (seed 201's scenario 105: a leak) */
			g->need_tail[s] = 1;
			emit(g, fault_at, 0,
			     "damage s%d exact owner=%s createdAt=-%lldms "
			     "maxHoldMs=%lld",
			     s + 1, hname(owner),
			     (long long)rrange(g, 1, g->max_hold / 10) * 10,
			     (long long)g->max_hold);
			break;
		default:
			break;
		}
		if (f == F_NONE)
			fa = t0;
		if (dies) {
			g->dead_at[owner] = fa;
			g->need_tail[s] = 1;
			g->any_death = 1;
		}
		if (stuck_until > 0)
			g->busy_until[owner] = stuck_until;
		/* the tail comes after a timed spin ends too (a thaw or a
		 * block-loop off is a step of its own): a deliver sent to a
		 * spinning holder at the end is never answered, its lock
		 * left (seed 101's scenario 62: a leak every lock has) */
		if (stuck_until > g->end)
			g->end = stuck_until;
		/* The end of the hold, unless the owner died first. */
		if ((kind == 0 || kind == 4) && alive_at(g, owner, end))
			emit(g, end, 0, "%s release%s%s", hname(owner),
			     sess_key(s), lane);

		/* Contenders; after a death, in 40 of 100 a crowd: every
		 * live holder at once, right after it (the concurrent
		 * reclaim). */
		nc = 1 + (int)rnd(g, 3);
		if (racer >= 0 && nc < 2)
			nc = 2; /* a reclaim race needs a second contender */
		crowd_dead = dies && racer < 0 && rnd(g, 100) < 40;
		/* or, in 15 of the other holds, a crowd right after its end:
		 * a free lock that many create at once (O_EXCL is all that
		 * keeps them one at a time) */
		crowd_free = !crowd_dead && !dies && kind != 3 &&
			     stuck_until < 0 && rnd(g, 100) < 15;
		if (crowd_dead || crowd_free) {
			int64_t at = crowd_dead ? fa + rrange(g, 1, 3) * g->poll
						: end + rrange(g, 0, 2) * g->poll;
			int want = 3 + (int)rnd(g, 5), have = 0, crowd[8];
			char who[40] = "";

			/* 3 to 7 of them, holders added when too few are
			 * alive: the concurrent reclaim (seed 001) needs a
			 * crowd; OpenClaw 2026.4.15's two owners showed in
			 * 46 of 50 runs with eight contenders, rarely with
			 * two or three. */
			for (i = 0; i < g->x->nr_holders; i++)
				if (i != owner && alive_at(g, i, at) &&
				    at >= g->busy_until[i] && have < 8)
					crowd[have++] = i;
			while (have < want && (i = add_holder(g)) >= 0)
				crowd[have++] = i;
			/* half the crowds with their file calls jittered
			 * (0..20 ms each), as the catalog's reclaim races:
			 * the windows between "stale" and "unlink" open
			 * every time */
			if (rnd(g, 100) < 50) {
				for (i = 0; i < have; i++)
					snprintf(who + strlen(who),
						 sizeof(who) - strlen(who),
						 " %s", hname(crowd[i]));
				if (have)
					emit(g, crowd_dead ? fa : at - 10, 0,
					     "jitter%s calls=open,read,stat,"
					     "fstat,unlink,rename max=20ms",
					     who);
			}
			for (i = 0; i < have; i++)
				contender_at(g, crowd[i], s, at, 20);
			nc = 0;
		}
		for (i = 0; i < nc; i++) {
			static const int w_when[] = { 30, 25, 25, 20 };
			int when = pick(g, w_when, 4);
			int64_t deadline = t0 + g->max_hold, at;
			int ch;

			switch (when) {
			case 0:
				at = t0 + rrange(g, 1, 20) * 10;
				break;
			case 1:
				at = fa + rrange(g, 0, 2) * g->poll;
				break;
			case 2:
				at = deadline + rrange(g, -2, 2) * g->poll;
				break;
			default:
				at = end + rrange(g, -1, 1) * g->poll;
				break;
			}
			if (racer >= 0 && i == 0) {
				ch = racer;
				at = racer_at = t0 + rrange(g, 5, 15) * 10;
			} else if (racer >= 0 && i == 1) {
				/* the second one inside the first one's pause,
				 * after its verdict: it reclaims and creates
				 * while the first still means to unlink */
				at = racer_at + rrange(g, 5, racer_pause / 10 - 5) *
							10;
				ch = third_holder(g, owner, racer, at);
			} else if (c->lanes && c->watchdog && f != F_REWRITE &&
				   alive_at(g, owner, at) &&
				   at >= g->busy_until[owner] &&
				   rnd(g, 100) < 15) {
				/* The owner itself, on another lane: its
				 * own process waits for it ("held"), so
				 * past its maxHoldMs only its watchdog can
				 * let the lane in. Not after its payload
				 * was rewritten in place: the rewritten
				 * bound is for other processes; its own
				 * watchdog keeps the bound it acquired with
				 * (the final gate's find for
				 * hold-exceeded-report-only, 9 of 10). */
				contender(g, owner, s, own_lane, at, deadline);
				continue;
			} else {
				ch = other_holder(g, owner, at);
			}
			if (ch < 0)
				break;
			contender(g, ch, s, "", at, deadline);
		}
		/* A hold that outlasts its maxHoldMs (a forgotten acquire, a
		 * turn or an acquire ... release longer than it), its owner
		 * alive and running: in 50 of them the owner's own process
		 * asks on its other lane a poll or three before that
		 * deadline, and waits past it. Another process may reclaim
		 * the overdue lock itself (hold-exceeded), so only this shows
		 * a missing watchdog (seed 004): the process waits for
		 * itself ("held"), and only its watchdog lets the lane in. */
		if (c->lanes && c->watchdog && c->deliver && !dies &&
		    stuck_until < 0 && f != F_REWRITE && kind != 2 &&
		    (kind == 3 || h > g->max_hold) && rnd(g, 100) < 50) {
			int64_t deadline = t0 + g->max_hold;
			int64_t at = deadline - rrange(g, 1, 3) * g->poll;

			emit(g, at, 0, "%s deliver msg=m%d%s%s timeoutMs=%lldms",
			     hname(owner), ++g->msgs, sess_key(s), own_lane,
			     (long long)(deadline - at + 4 * g->poll + 1000));
		}
	}
	g->max_hold = lock_max_hold;
}

static void put_lock(struct gen *g, const char *fmt, long long v)
{
	struct xscn *x = g->x;

	x->lock = xrealloc(x->lock, sizeof(*x->lock) * ((size_t)x->nr_lock + 2));
	x->lock[x->nr_lock++] = xasprintf(fmt, v);
	x->lock[x->nr_lock] = NULL;
}

/* Steps must be in time order for `at` to mean what it says: a stable sort
 * by the time each statement runs (an `at`-less one right after the one
 * before it). */
static void sort_by_time(struct xscn *x)
{
	int64_t *key = xcalloc((size_t)x->nr + 1, sizeof(*key));
	int i, j;
	int64_t t = 0;

	for (i = 0; i < x->nr; i++) {
		if (x->st[i].at_ms >= 0)
			t = x->st[i].at_ms;
		key[i] = t;
	}
	/* insertion sort, moving a statement with the at-less ones that
	 * follow it as one block would be nicer; groups keep their order
	 * because their keys are equal and the sort is stable */
	for (i = 1; i < x->nr; i++) {
		struct xstmt s = x->st[i];
		int64_t k = key[i];

		for (j = i - 1; j >= 0 && key[j] > k; j--) {
			x->st[j + 1] = x->st[j];
			key[j + 1] = key[j];
		}
		x->st[j + 1] = s;
		key[j + 1] = k;
	}
	free(key);
}

/* When the last step runs (its `at`, or the one before it's). */
static int64_t last_step(const struct xscn *x)
{
	int i;

	for (i = x->nr - 1; i >= 0; i--)
		if (x->st[i].at_ms >= 0)
			return x->st[i].at_ms;
	return 0;
}

void explore_gen(struct xscn *x, uint64_t seed, uint64_t index,
		 const struct explore_caps *caps, int pidns)
{
	static const int w_holders[] = { 40, 30, 15, 4, 4, 4, 3 };
	static const int64_t polls[] = { 20, 50, 50, 100 };
	static const int64_t graces[] = { 300, 500, 1000 };
	static const int w_holds[] = { 50, 35, 15 };
	struct gen g;
	int i, n, s, two_sessions, live;
	int64_t last_spin;
	uint64_t mix = seed ^ (index * 0x9e3779b97f4a7c15ULL);

	xscn_clear(x);
	memset(&g, 0, sizeof(g));
	g.x = x;
	g.caps = caps;
	g.pidns = pidns;
	g.rng = prng_next(&mix);
	g.max_hold = holds_ms[pick(&g, w_hold, 5)];
	g.max_hold_top = g.max_hold;
	g.timeout = (g.max_hold < 2000 ? g.max_hold : 2000) * rrange(&g, 5, 30) /
		    10;
	g.poll = polls[rnd(&g, 4)];
	g.grace = graces[rnd(&g, 3)];
	for (i = 0; i < 8; i++)
		g.dead_at[i] = -1;
	put_lock(&g, "maxHoldMs=%lldms", (long long)g.max_hold);
	put_lock(&g, "timeoutMs=%lldms", (long long)g.timeout);
	put_lock(&g, "pollMs=%lldms", (long long)g.poll);
	put_lock(&g, "graceMs=%lldms", (long long)g.grace);
	n = 2 + pick(&g, w_holders, 7);
	x->holders = xcalloc((size_t)n + 1, sizeof(*x->holders));
	for (i = 0; i < n; i++)
		x->holders[i] = xstrdup(hname(i));
	x->nr_holders = n;
	two_sessions = rnd(&g, 100) < 15;
	if (pidns && rnd(&g, 100) < 10) {
		/* Containers sharing the sessions volume: the first two
		 * holders each pid 7 of a namespace of its own (every
		 * container's gateway is its pid 7), the others in either
		 * or in the scenario's. A pid in a payload means nothing
		 * outside its namespace. */
		x->holder_opts = xcalloc((size_t)n + 1, sizeof(char *));
		x->holder_opts[0] = xstrdup("ns=c1 pid=7");
		x->holder_opts[1] = xstrdup("ns=c2 pid=7");
		for (i = 2; i < n; i++) {
			int k = (int)rnd(&g, 3);

			if (k < 2)
				x->holder_opts[i] = xasprintf("ns=c%d", k + 1);
		}
	}

	if (rnd(&g, 100) < 20) {
		/* A planted file a correct lock must reclaim, then a
		 * contender. */
		int kind = (int)rnd(&g, sizeof(safe_damage) /
					    sizeof(*safe_damage));
		int64_t at = rrange(&g, 0, 50) * 10;
		int ch = (int)rnd(&g, (uint64_t)n);

		if (rnd(&g, 100) < 40) {
			/* A lock being born: a live holder's file between
			 * its create and its payload (empty 2, truncated 1,
			 * garbage 1), what a creator paused there leaves
			 * (any holder, failpoints or not); another holder
			 * comes within the first half of its grace, when
			 * only a lock without L5's grace takes it. */
			static const char *const born[] = { "empty", "empty",
							    "truncated",
							    "garbage" };
			int own = (ch + 1 + (int)rnd(&g, (uint64_t)n - 1)) % n;

			emit(&g, at, 0, "damage s1 %s owner=%s",
			     born[rnd(&g, 4)], hname(own));
			g.need_tail[0] = 1;
			contender(&g, ch, 0, "",
				  at + rrange(&g, 0, g.grace / 20) * 10,
				  at + g.grace);
		} else {
			emit(&g, at, 0, "damage s1 %s", safe_damage[kind]);
			g.need_tail[0] = 1;
			contender(&g, ch, 0, "", at + rrange(&g, 0, 30) * 10,
				  at + g.grace);
		}
	}
	n = 1 + pick(&g, w_holds, 3);
	for (i = 0; i < n; i++)
		hold(&g, two_sessions ? (int)rnd(&g, 2) : 0);
	sort_by_time(x);
	last_spin = g.end; /* every stuck holder's end is in it */

	/* The tail: a live holder delivers once more to each session that
	 * may keep a stale file, after everything else. */
	for (s = 0; s < 2; s++) {
		int64_t at = g.end + 200;

		/* A holder that dies may hold another session than the one
		 * its fault was drawn for (a turn on s1 still running, under
		 * load, when a fault for its s2 hold kills it: seed 14's
		 * scenario 12 leaked s1). */
		if (!g.need_tail[s] && !(g.any_death && (!s || two_sessions)))
			continue;
		if (g.forgotten[s])
			continue;
		live = -1;
		for (i = 0; i < x->nr_holders; i++)
			if (alive_at(&g, i, at)) {
				live = i;
				break;
			}
		if (live < 0)
			/* Every holder died: one more comes for the tail
			 * (else the dead owner's file stays, and `leak`
			 * fails every lock: seed 31's scenario 18). */
			live = add_holder(&g);
		if (live < 0 || !caps->deliver)
			continue;
		g.keep = 1;
		emit(&g, at, 0, "%s deliver msg=end%d%s timeoutMs=%lldms",
		     hname(live), s + 1, sess_key(s),
		     (long long)(g.max_hold_top * 2 + 2000));
	}
	if (g.forgotten[0] || g.forgotten[1]) {
		/* room for the watchdog, after an acquire that may have
		 * waited its whole timeout */
		g.keep = 1;
		emit(&g, -1, 0, "wait %lldms",
		     (long long)(g.timeout + g.max_hold_top + 4 * g.poll +
				 600));
	} else if (x->nr && last_spin > last_step(x)) {
		/* a spin that outlasts the last step: the run would end
		 * while it spins, its holder's queued release not run (seed
		 * 203's scenario 63: a leak every lock has) */
		g.keep = 1;
		emit(&g, -1, 0, "wait %lldms",
		     (long long)(last_spin - last_step(x) + 4 * g.poll + 300));
	}
	if (!x->nr)
		emit(&g, 0, 0, "A deliver msg=m0");
}
