/*
 * timeline_model.c - a history as rows, spans and marks (see timeline.h).
 *
 * Two passes: the first finds the holders (in the order the scenario first
 * commands them), their lanes and the lock sessions, which fixes the rows;
 * the second walks the events in order, opening and closing waits, holds,
 * lock-file owners and bands, and adding a mark for each fault, outcome,
 * reclaim, warning and exit. Message outcomes are judged last, against the
 * final transcript. Nothing here knows about the checkers beyond reading
 * their `verdict` events.
 *
 * Cost: linear in events. An outcome's invoke and wait are found by
 * (process, id) in an index (html_keys), a wait's invoke and an invoke's
 * message by the index kept with it, and holds and waits still open in
 * lists of the open ones (walks back over every one before were 0.5 s of
 * the 10,000-message case). Holders, their lanes, sessions and lock-file
 * owners are found by name in indexes too (walks over every holder or row
 * per event were half the timeline of 1,024 holders). What stays a walk is
 * over a holder's own lanes and rows, or the holds and waits open at once.
 */
#include "report/timeline.h"

#include <stdlib.h>
#include <string.h>

#include "faults/faults.h"
#include "lib/jvx.h"
#include "lib/util.h"

struct hold {
	int row;
	const char *proc, *lane, *session;
	int64_t t0, deadline, ms, lost_at;
	int ev, lost_ev, open;
	const char *lost_to;
};

struct wait {
	const char *proc;
	double id;
	int row, ev, open;
	int64_t t0;
	int inv;  /* its invoke, in invs */
	int prev; /* the wait before it with the same (proc, id), or -1 */
};

struct inv {
	const char *proc, *op, *session, *msg, *lane;
	double id;
	int row, ev;
	double maxhold; /* ms, or -1 */
	int msg_i;      /* its entry in msgs, or -1 */
};

enum outcome { OUT_NONE, OUT_OK, OUT_FAIL, OUT_INFO };

struct msg {
	int inv;            /* index in model.invs */
	enum outcome out;
	int ev_out;
	int64_t t_out;
};

struct owner {
	const char *session;
	int row;
	const char *proc;    /* NULL: nobody */
	int64_t t0;
	int ev, stale;
	const char *damage;  /* the harness damaged the file: its kind */
};

struct tl_scratch {
	VEC(struct hold) holds;   /* every hold so far; `open` ones still on */
	VEC(struct wait) waits;
	VEC(struct inv) invs;     /* every invoke, in order */
	VEC(struct msg) msgs;     /* invokes that hand over a message */
	VEC(struct owner) owners; /* per session: who owns the lock file */
	struct html_keys inv_by_id;  /* (proc, id) -> the latest invoke */
	struct html_keys wait_by_id; /* (proc, id) -> the latest wait */
	VEC(int) open_holds;	  /* indexes into holds, ascending: those
				     open, and some closed since (dropped
				     by holds_open) */
	VEC(int) open_waits;	  /* the same for waits */
	/* Look-ups by name, each (name, 0) or (lane, holder) -> an index:
	 * walks over every holder or row per event were quadratic in
	 * holders (1,024 holders: half the timeline's instructions) */
	struct html_keys proc_by_name;	   /* -> model.procs */
	struct html_keys lane_by_name;	   /* (lane, holder's index) -> the
					      first pass's lane list */
	struct html_keys session_by_name;  /* -> model.sessions, which is
					      also its row */
	struct html_keys owner_by_session; /* -> owners */
};

/* Cuts `s` (malloc'ed) to at most `max` code points, adding an ellipsis;
 * the whole text stays in the hover. Returns s, maybe moved. */
static char *label_cut(char *s, size_t max)
{
	size_t cps = 0, b = 0;
	for (; s[b]; b++)
		if (((unsigned char)s[b] & 0xC0) != 0x80 && cps++ == max)
			break;
	if (!s[b])
		return s;
	s = xrealloc(s, b + 4);
	memcpy(s + b, "\xE2\x80\xA6", 4);
	return s;
}

static void scratch_free(struct tl_model *m)
{
	if (!m->work)
		return;
	free(m->work->holds.v);
	free(m->work->waits.v);
	free(m->work->invs.v);
	free(m->work->msgs.v);
	free(m->work->owners.v);
	html_keys_clear(&m->work->inv_by_id);
	html_keys_clear(&m->work->wait_by_id);
	html_keys_clear(&m->work->proc_by_name);
	html_keys_clear(&m->work->lane_by_name);
	html_keys_clear(&m->work->session_by_name);
	html_keys_clear(&m->work->owner_by_session);
	free(m->work->open_holds.v);
	free(m->work->open_waits.v);
	free(m->work);
	m->work = NULL;
}

void tl_model_clear(struct tl_model *m)
{
	for (size_t i = 0; i < m->spans.n; i++) {
		free(m->spans.v[i].label);
		free(m->spans.v[i].tip);
	}
	for (size_t i = 0; i < m->marks.n; i++) {
		free(m->marks.v[i].label);
		free(m->marks.v[i].tip);
	}
	for (size_t i = 0; i < m->pins.n; i++) {
		for (int j = 0; j < m->pins.v[i].nlines; j++)
			free(m->pins.v[i].lines[j]);
		free(m->pins.v[i].lines);
	}
	for (size_t i = 0; i < m->deadlines.n; i++)
		free(m->deadlines.v[i].label);
	free(m->rows.v);
	free(m->procs.v);
	free(m->sessions.v);
	free(m->spans.v);
	free(m->marks.v);
	free(m->deadlines.v);
	free(m->pins.v);
	free(m->passed.v);
	scratch_free(m);
}

static int span_wrong(enum span_kind k)
{
	return k == SP_WAIT_FAIL || k == SP_WAIT_LOST || k == SP_HOLD_OVER ||
	       k == SP_HOLD_LOST || k == SP_STALE || k == SP_FROZEN || k == SP_SPIN;
}

void tl_model_cap(struct tl_model *m, size_t max_marks, size_t max_spans)
{
	size_t n = m->marks.n, left = max_marks, w = 0;
	char *keep = xcalloc(n + m->spans.n + m->deadlines.n + 1, 1);

	if (n > max_marks) {
		for (int p = PRIO_HIGH; p >= PRIO_LOW; p--)
			for (size_t i = 0; i < n && left; i++)
				if ((int)m->marks.v[i].prio == p) {
					keep[i] = 1;
					left--;
				}
		for (size_t i = 0; i < n; i++) {
			if (keep[i]) {
				m->marks.v[w++] = m->marks.v[i];
			} else {
				free(m->marks.v[i].label);
				free(m->marks.v[i].tip);
				m->marks_cut++;
			}
		}
		m->marks.n = w;
	}
	n = m->spans.n;
	if (n > max_spans) {
		memset(keep, 0, n);
		left = max_spans;
		for (int pass = 0; pass < 3; pass++)
			for (size_t i = 0; i < n && left; i++) {
				enum span_kind k = m->spans.v[i].kind;
				int want = pass == 0 ? k == SP_LIFE
					 : pass == 1 ? span_wrong(k)
						     : k != SP_LIFE && !span_wrong(k);
				if (want && !keep[i]) {
					keep[i] = 1;
					left--;
				}
			}
		w = 0;
		for (size_t i = 0; i < n; i++) {
			if (keep[i]) {
				m->spans.v[w++] = m->spans.v[i];
			} else {
				free(m->spans.v[i].label);
				free(m->spans.v[i].tip);
				m->spans_cut++;
			}
		}
		m->spans.n = w;
	}
	/* maxHoldMs deadlines: the hot ones (passed while still held) first,
	 * then the rest, earliest first; quiet ticks are what goes. */
	n = m->deadlines.n;
	if (n > max_spans) {
		memset(keep, 0, n);
		left = max_spans;
		for (int pass = 0; pass < 3; pass++)
			for (size_t i = 0; i < n && left; i++) {
				struct tl_deadline *d = &m->deadlines.v[i];
				int want = pass == 0 ? d->hot : pass == 1 ? !d->hot && !d->quiet
									  : d->quiet;
				if (want && !keep[i]) {
					keep[i] = 1;
					left--;
				}
			}
		w = 0;
		for (size_t i = 0; i < n; i++) {
			if (keep[i]) {
				m->deadlines.v[w++] = m->deadlines.v[i];
			} else {
				free(m->deadlines.v[i].label);
				m->spans_cut++;
			}
		}
		m->deadlines.n = w;
	}
	free(keep);
}

static int is_holder(const char *proc)
{
	return proc && *proc && strcmp(proc, "harness") != 0;
}

static int proc_find(struct tl_model *m, const char *name)
{
	return html_keys_get(&m->work->proc_by_name, name, 0);
}

static int proc_add(struct tl_model *m, const char *name)
{
	int i = proc_find(m, name);
	if (i >= 0 || !name)
		return i;
	html_keys_put(&m->work->proc_by_name, name, 0, (int)m->procs.n);
	struct tl_proc *p = vec_push(&m->procs);
	p->name = name;
	p->t_spawn = p->t_exit = p->freeze_t = p->spin_t = -1;
	p->ev_spawn = p->ev_exit = -1;
	p->pid = -1;
	return (int)m->procs.n - 1;
}

static void session_add(struct tl_model *m, const char *s)
{
	if (!s || html_keys_get(&m->work->session_by_name, s, 0) >= 0)
		return;
	html_keys_put(&m->work->session_by_name, s, 0, (int)m->sessions.n);
	*vec_push(&m->sessions) = s;
}

/* Lanes are collected as rows in a first pass (pi: their holder), grouped
 * by holder below. */
static void lane_add(struct tl_model *m, const char *proc, const char *lane)
{
	if (!lane)
		lane = "main";
	int p = proc_add(m, proc);
	if (p < 0 || html_keys_get(&m->work->lane_by_name, lane, p) >= 0)
		return;
	html_keys_put(&m->work->lane_by_name, lane, p, (int)m->rows.n);
	struct tl_row *r = vec_push(&m->rows);
	r->kind = ROW_LANE;
	r->proc = proc;
	r->lane = lane;
	r->pi = p;
}

static int lane_op(const char *op)
{
	return streq(op, "acquire") || streq(op, "release") ||
	       streq(op, "deliver") || streq(op, "turn");
}

/* First pass: holders (in order of appearance), their lanes, sessions. */
static void model_discover(struct tl_model *m, struct tl_history *h)
{
	/* Holders in the order the scenario first commands them (spawns run
	 * in parallel, so their order is chance), then any others. */
	for (size_t i = 0; i < h->ev.n; i++)
		if (streq(h->ev.v[i].type, "invoke") && is_holder(h->ev.v[i].proc))
			proc_add(m, h->ev.v[i].proc);
	for (size_t i = 0; i < h->ev.n; i++) {
		struct tl_event *e = &h->ev.v[i];
		const char *type = e->type;
		if (is_holder(e->proc) && strcmp(type, "verdict") != 0)
			proc_add(m, e->proc);
		if (streq(type, "invoke") && is_holder(e->proc)) {
			session_add(m, jvx_cstr(e->v, "session"));
			if (lane_op(jvx_cstr(e->v, "op")))
				lane_add(m, e->proc, jvx_cstr(e->v, "lane"));
		} else if ((streq(type, "acquired") || streq(type, "released")) &&
			   is_holder(e->proc)) {
			session_add(m, jvx_cstr(e->v, "session"));
			lane_add(m, e->proc, jvx_cstr(e->v, "lane"));
		} else if (streq(type, "fault")) {
			const char *tg = jvx_cstr(e->v, "target");
			if (streq(jvx_cstr(e->v, "fault"), "damage"))
				session_add(m, jvx_cstr(e->v, "session") ? jvx_cstr(e->v, "session") : tg);
			else if (is_holder(tg))
				proc_add(m, tg);
		} else if (streq(type, "final")) {
			/* A key copy shares its bytes with the key in the
			 * object, so the pointer lives as long as the event. */
			jv ss = jvx_get(e->v, "sessions");
			if (jv_get_kind(ss) == JV_KIND_OBJECT) {
				jv_object_foreach(ss, k, v) {
					session_add(m, jv_string_value(k));
					jv_free(k);
					jv_free(v);
				}
			}
			jv_free(ss);
		}
	}

	/* Rows: sessions first, then each holder's lanes, in holder order
	 * (each holder's in the order they came: a counting sort by holder,
	 * not a walk over every lane per holder). */
	struct tl_row *lanes = m->rows.v;
	size_t nlanes = m->rows.n;
	size_t *next = xcalloc(m->procs.n + 1, sizeof(*next));
	int *by_proc = xcalloc(nlanes + 1, sizeof(*by_proc));
	m->rows.v = NULL;
	m->rows.n = m->rows.cap = 0;
	for (size_t i = 0; i < nlanes; i++)
		next[lanes[i].pi + 1]++;
	for (size_t p = 1; p <= m->procs.n; p++)
		next[p] += next[p - 1];
	for (size_t i = 0; i < nlanes; i++)
		by_proc[next[lanes[i].pi]++] = (int)i;
	for (size_t i = 0; i < m->sessions.n; i++) {
		struct tl_row *r = vec_push(&m->rows);
		r->kind = ROW_SESSION;
		r->session = m->sessions.v[i];
		r->pi = -1;
	}
	for (size_t p = 0, j = 0; p < m->procs.n; p++) {
		struct tl_proc *pr = &m->procs.v[p];
		pr->row0 = (int)m->rows.n;
		for (; j < nlanes && lanes[by_proc[j]].pi == (int)p; j++)
			*vec_push(&m->rows) = lanes[by_proc[j]];
		if ((int)m->rows.n == pr->row0) {
			struct tl_row *r = vec_push(&m->rows);
			r->kind = ROW_LANE;
			r->proc = pr->name;
			r->lane = "main";
			r->pi = (int)p;
		}
		pr->nrows = (int)m->rows.n - pr->row0;
	}
	free(by_proc);
	free(next);
	free(lanes);
}

/* Session k's row is row k (model_discover puts them first). */
static int row_of_session(struct tl_model *m, const char *s)
{
	int i = html_keys_get(&m->work->session_by_name, s, 0);

	return i >= 0 && (size_t)i < m->rows.n &&
			       m->rows.v[i].kind == ROW_SESSION
		       ? i
		       : -1;
}

/* The row of holder `proc`'s `lane` (NULL: its first row), or -1. */
static int row_of(struct tl_model *m, const char *proc, const char *lane)
{
	int p = proc_find(m, proc);
	if (p < 0)
		return -1;
	struct tl_proc *pr = &m->procs.v[p];
	if (lane)
		for (int i = pr->row0; i < pr->row0 + pr->nrows; i++)
			if (streq(m->rows.v[i].lane, lane))
				return i;
	return pr->row0;
}

static struct tl_span *span_add(struct tl_model *m, enum span_kind k, int row,
				int64_t t0, int64_t t1, int ev0, int ev1)
{
	struct tl_span *s = vec_push(&m->spans);
	s->kind = k;
	s->row = row;
	s->nrows = 1;
	s->t0 = t0;
	s->t1 = t1 < t0 ? t0 : t1;
	s->ev0 = ev0;
	s->ev1 = ev1;
	m->used_span[k] = 1;
	return s;
}

static struct tl_mark *mark_add(struct tl_model *m, enum glyph g, int row, int64_t t,
				int ev, enum prio prio, char *label, char *tip)
{
	struct tl_mark *k = vec_push(&m->marks);
	k->glyph = g;
	k->row = row;
	k->t = t;
	k->ev = ev;
	k->prio = prio;
	k->label = label;
	k->tip = tip;
	m->used_glyph[g] = 1;
	return k;
}

/* The latest invoke of (proc, id), or NULL. */
static struct inv *inv_find(struct tl_model *m, const char *proc, double id)
{
	int i = html_keys_get(&m->work->inv_by_id, proc, id);

	return i >= 0 ? &m->work->invs.v[i] : NULL;
}

/* The latest open wait of (proc, id), or NULL. */
static struct wait *wait_find(struct tl_model *m, const char *proc, double id)
{
	int i = html_keys_get(&m->work->wait_by_id, proc, id);

	while (i >= 0 && !m->work->waits.v[i].open)
		i = m->work->waits.v[i].prev;
	return i >= 0 ? &m->work->waits.v[i] : NULL;
}

/* Drops the closed ones from the open list `l` (of holds or waits: `open`
 * says which are), keeping the order; returns how many are left. */
#define OPEN_COMPACT(l, items)                                              \
	do {                                                                \
		size_t w_ = 0;                                              \
		for (size_t r_ = 0; r_ < (l)->n; r_++)                      \
			if ((items)->v[(l)->v[r_]].open)                    \
				(l)->v[w_++] = (l)->v[r_];                  \
		(l)->n = w_;                                                \
	} while (0)

static void holds_open(struct tl_model *m)
{
	OPEN_COMPACT(&m->work->open_holds, &m->work->holds);
}

static void waits_open(struct tl_model *m)
{
	OPEN_COMPACT(&m->work->open_waits, &m->work->waits);
}

static struct owner *owner_of(struct tl_model *m, const char *session)
{
	int i = html_keys_get(&m->work->owner_by_session, session, 0);
	if (i >= 0)
		return &m->work->owners.v[i];
	int row = row_of_session(m, session);
	if (row < 0)
		return NULL;
	html_keys_put(&m->work->owner_by_session, session, 0,
		      (int)m->work->owners.n);
	struct owner *o = vec_push(&m->work->owners);
	o->session = session;
	o->row = row;
	return o;
}

static void owner_close(struct tl_model *m, struct owner *o, int64_t t, int ev)
{
	if (o && o->damage) {
		struct tl_span *s = span_add(m, SP_STALE, o->row, o->t0, t, o->ev, ev);
		s->label = xasprintf("damaged: %s", o->damage);
		s->tip = xasprintf("lock file damaged by the harness (%s)", o->damage);
		o->damage = NULL;
		return;
	}
	if (!o || !o->proc)
		return;
	struct tl_span *s = span_add(m, o->stale ? SP_STALE : SP_OWN, o->row,
				     o->t0, t, o->ev, ev);
	s->label = o->stale ? xasprintf("%s is dead, its lock file stays", o->proc)
			    : xasprintf("held by %s", o->proc);
	s->tip = o->stale ? xasprintf("lock file of %s, which is dead", o->proc)
			  : xasprintf("lock file owned by %s", o->proc);
	o->proc = NULL;
}

static void wait_close(struct tl_model *m, struct wait *w, enum span_kind k,
		       int64_t t, int ev, const char *why)
{
	struct inv *iv = w->inv >= 0 ? &m->work->invs.v[w->inv] : NULL;
	struct tl_span *s = span_add(m, k, w->row, w->t0, t, w->ev, ev);
	char d[32];
	html_fmt_s(d, sizeof(d), t - w->t0);
	const char *sess = iv && iv->session ? iv->session : "?";
	if (k == SP_WAIT)
		s->label = xasprintf("waits %s", d);
	else if (k == SP_WAIT_FAIL)
		s->label = xasprintf("waited %s for %s: %s", d, sess, why ? why : "failed");
	else
		s->label = xasprintf("waiting %s for %s, no answer", d, sess);
	s->tip = xasprintf("%s %s %s: waited %s (%s)", w->proc,
			   iv && iv->op ? iv->op : "acquire", sess, d,
			   k == SP_WAIT ? "then acquired" :
			   k == SP_WAIT_FAIL ? "then failed" : "no answer");
	w->open = 0;
}

static void hold_close(struct tl_model *m, struct hold *hd, int64_t t, int ev,
		       const char *end)
{
	int64_t t_lost = hd->lost_at >= 0 && hd->lost_at < t ? hd->lost_at : t;
	char d[32];
	struct tl_span *s;
	if (hd->deadline >= 0 && hd->deadline < t_lost) {
		s = span_add(m, SP_HOLD, hd->row, hd->t0, hd->deadline, hd->ev, -1);
		s->label = xasprintf("holds %s", hd->session);
		s->tip = xasprintf("%s holds %s within its maxHoldMs %lld",
				   hd->proc, hd->session, (long long)hd->ms);
		html_fmt_s(d, sizeof(d), t_lost - hd->deadline);
		s = span_add(m, SP_HOLD_OVER, hd->row, hd->deadline, t_lost,
			     hd->ev, ev);
		s->label = xasprintf("%s past maxHoldMs", d);
		s->tip = xasprintf("%s holds %s %s past its own maxHoldMs %lld",
				   hd->proc, hd->session, d, (long long)hd->ms);
	} else {
		s = span_add(m, SP_HOLD, hd->row, hd->t0, t_lost, hd->ev,
			     t_lost == t ? ev : hd->lost_ev);
		s->label = xasprintf("holds %s", hd->session);
		html_fmt_s(d, sizeof(d), t_lost - hd->t0);
		s->tip = xasprintf("%s holds %s for %s (%s)", hd->proc,
				   hd->session, d, end);
	}
	if (t_lost < t) {
		s = span_add(m, SP_HOLD_LOST, hd->row, t_lost, t, hd->lost_ev, ev);
		s->label = xasprintf("%s took the lock", hd->lost_to);
		s->tip = xasprintf("%s still thinks it holds %s; %s took it over",
				   hd->proc, hd->session, hd->lost_to);
	}
	if (hd->deadline >= 0) {
		struct tl_deadline *dl = vec_push(&m->deadlines);
		dl->row = hd->row;
		dl->t0 = hd->t0;
		dl->t1 = hd->deadline;
		dl->ms = hd->ms;
		dl->hot = hd->deadline < t_lost;
		/* released in time: nothing to compare against */
		dl->quiet = !dl->hot && t_lost == t &&
			    strcmp(end, "died holding it") != 0 &&
			    strcmp(end, "still held at the end") != 0;
		dl->ev = hd->ev;
		dl->proc = hd->proc;
		dl->session = hd->session;
	}
	hd->open = 0;
}

static void band_close(struct tl_model *m, struct tl_proc *p, int64_t t, int ev)
{
	if (p->freeze_t >= 0) {
		struct tl_span *s = span_add(m, SP_FROZEN, p->row0, p->freeze_t, t,
					     p->freeze_ev, ev);
		s->nrows = p->nrows;
		s->label = xasprintf("frozen");
		s->tip = xasprintf("%s frozen (SIGSTOP)", p->name);
		p->freeze_t = -1;
	}
	if (p->spin_t >= 0) {
		int64_t end = p->spin_end >= 0 && p->spin_end < t ? p->spin_end : t;
		struct tl_span *s = span_add(m, SP_SPIN, p->row0, p->spin_t, end,
					     p->spin_ev, ev);
		s->nrows = p->nrows;
		s->label = xasprintf("spinning: event loop blocked");
		s->tip = xasprintf("%s spins: its event loop, timers and lanes are blocked",
				   p->name);
		p->spin_t = -1;
	}
}

static const char *signame(const char *sig, double num)
{
	static char buf[32];
	if (sig)
		return sig;
	switch ((int)num) {
	case 9: return "KILL";
	case 15: return "TERM";
	case 19: return "STOP";
	case 18: return "CONT";
	case 6: return "ABRT";
	case 11: return "SEGV";
	case 2: return "INT";
	}
	snprintf(buf, sizeof(buf), "%d", (int)num);
	return buf;
}

static void on_invoke(struct tl_model *m, struct tl_event *e, int i)
{
	const char *op = jvx_cstr(e->v, "op");
	struct inv *iv = vec_push(&m->work->invs);
	iv->proc = e->proc;
	iv->op = op;
	iv->session = jvx_cstr(e->v, "session");
	iv->msg = jvx_cstr(e->v, "msg");
	iv->lane = jvx_cstr(e->v, "lane") ? jvx_cstr(e->v, "lane") : "main";
	iv->id = jvx_num(e->v, "id", -1);
	iv->ev = i;
	iv->msg_i = -1;
	html_keys_put(&m->work->inv_by_id, iv->proc, iv->id,
		      (int)m->work->invs.n - 1);
	iv->row = row_of(m, e->proc, lane_op(op) ? iv->lane : NULL);
	iv->maxhold = jvx_num(e->v, "maxHoldMs", -1);
	if (iv->maxhold < 0) {
		jv params = jvx_get(m->meta, "params");
		iv->maxhold = jvx_num(params, "maxHoldMs", -1);
		jv_free(params);
	}
	if (streq(op, "acquire") || streq(op, "deliver") || streq(op, "turn")) {
		struct wait *w = vec_push(&m->work->waits);
		w->proc = e->proc;
		w->id = iv->id;
		w->row = iv->row;
		w->ev = i;
		w->t0 = e->t;
		w->open = 1;
		w->inv = (int)m->work->invs.n - 1;
		w->prev = html_keys_put(&m->work->wait_by_id, w->proc, w->id,
					(int)m->work->waits.n - 1);
		*vec_push(&m->work->open_waits) = (int)m->work->waits.n - 1;
	}
	if (iv->msg && (streq(op, "deliver") || streq(op, "turn"))) {
		struct msg *g = vec_push(&m->work->msgs);
		iv->msg_i = (int)m->work->msgs.n - 1;
		g->inv = (int)m->work->invs.n - 1;
		g->out = OUT_NONE;
		g->ev_out = -1;
	}
}

static void on_acquired(struct tl_model *m, struct tl_event *e, int i)
{
	double id = jvx_num(e->v, "id", -1);
	const char *session = jvx_cstr(e->v, "session");
	const char *lane = jvx_cstr(e->v, "lane") ? jvx_cstr(e->v, "lane") : "main";
	struct inv *iv = inv_find(m, e->proc, id);
	int row = row_of(m, e->proc, lane);
	struct wait *w = wait_find(m, e->proc, id);
	if (w)
		wait_close(m, w, SP_WAIT, e->t, i, NULL);
	holds_open(m);
	for (size_t k = 0; k < m->work->open_holds.n; k++) {
		struct hold *hd = &m->work->holds.v[m->work->open_holds.v[k]];
		if (hd->open && streq(hd->proc, e->proc) && streq(hd->lane, lane) &&
		    streq(hd->session, session))
			return; /* reentrant, or a repeated report: one bar */
	}
	if (jvx_true(e->v, "reentrant"))
		return;
	/* Whoever else still has this session open has lost it now. */
	for (size_t k = 0; k < m->work->open_holds.n; k++) {
		struct hold *hd = &m->work->holds.v[m->work->open_holds.v[k]];
		if (hd->open && hd->lost_at < 0 && streq(hd->session, session)) {
			hd->lost_at = e->t;
			hd->lost_ev = i;
			hd->lost_to = e->proc;
		}
	}
	struct hold *hd = vec_push(&m->work->holds);
	*vec_push(&m->work->open_holds) = (int)m->work->holds.n - 1;
	hd->row = row;
	hd->proc = e->proc;
	hd->lane = lane;
	hd->session = session ? session : "?";
	hd->t0 = e->t;
	hd->ev = i;
	hd->open = 1;
	hd->lost_at = -1;
	hd->lost_ev = -1;
	double ms = iv ? iv->maxhold : -1;
	if (ms < 0) {
		jv params = jvx_get(m->meta, "params");
		ms = jvx_num(params, "maxHoldMs", -1);
		jv_free(params);
	}
	hd->ms = ms >= 0 ? (int64_t)ms : -1;
	hd->deadline = ms >= 0 ? e->t + (int64_t)(ms * 1000) : -1;

	const char *rec = jvx_cstr(e->v, "reclaimed");
	if (rec || jvx_true(e->v, "reclaimed"))
		mark_add(m, G_RECLAIM, row, e->t, i, PRIO_MID,
			 xasprintf("reclaimed (%s)", rec ? rec : "stale"),
			 xasprintf("%s reclaimed the lock of %s", e->proc,
				   hd->session));

	struct owner *o = owner_of(m, session);
	if (o) {
		owner_close(m, o, e->t, i);
		o->proc = e->proc;
		o->t0 = e->t;
		o->ev = i;
		o->stale = 0;
	}
}

static void on_released(struct tl_model *m, struct tl_event *e, int i)
{
	const char *session = jvx_cstr(e->v, "session");
	const char *lane = jvx_cstr(e->v, "lane");
	const char *why = jvx_cstr(e->v, "why");
	struct hold *hd = NULL;
	holds_open(m);
	for (size_t k = m->work->open_holds.n; k-- > 0;) {
		struct hold *c = &m->work->holds.v[m->work->open_holds.v[k]];
		if (c->open && streq(c->proc, e->proc) && streq(c->session, session) &&
		    (!lane || streq(c->lane, lane))) {
			hd = c;
			break;
		}
	}
	if (hd) {
		int row = hd->row;
		hold_close(m, hd, e->t, i, why ? why : "released");
		if (why && strcmp(why, "release") != 0)
			mark_add(m, G_RELEASE_WHY, row, e->t, i, PRIO_MID,
				 xasprintf("released: %s", why),
				 xasprintf("%s released %s (%s)", e->proc,
					   session ? session : "?", why));
	}
	struct owner *o = owner_of(m, session);
	if (o && streq(o->proc, e->proc))
		owner_close(m, o, e->t, i);
}

static void on_outcome(struct tl_model *m, struct tl_event *e, int i)
{
	double id = jvx_num(e->v, "id", -1);
	struct inv *iv = inv_find(m, e->proc, id);
	const char *reason = jvx_cstr(e->v, "reason");
	const char *error = jvx_cstr(e->v, "error");
	enum outcome out = streq(e->type, "ok") ? OUT_OK :
			   streq(e->type, "fail") ? OUT_FAIL : OUT_INFO;
	struct wait *w = wait_find(m, e->proc, id);
	int row = iv ? iv->row : row_of(m, e->proc, NULL);
	if (w)
		wait_close(m, w, out == OUT_OK ? SP_WAIT :
			   out == OUT_FAIL ? SP_WAIT_FAIL : SP_WAIT_LOST,
			   e->t, i, reason ? reason : error);
	if (iv && iv->msg_i >= 0) {
		struct msg *g = &m->work->msgs.v[iv->msg_i];
		if (g->out == OUT_NONE || g->out == OUT_INFO) {
			g->out = out;
			g->ev_out = i;
			g->t_out = e->t;
		}
		return;
	}
	/* Commands without a message: show failures and silence only. */
	const char *op = iv && iv->op ? iv->op : jvx_cstr(e->v, "op");
	if (out == OUT_FAIL)
		mark_add(m, G_REFUSED, row, e->t, i, PRIO_HIGH,
			 label_cut(xasprintf("%s failed: %s", op ? op : "command",
					     error ? error : reason ? reason : "?"), 56),
			 xasprintf("%s: %s failed (%s)", e->proc, op ? op : "command",
				   reason ? reason : "no reason"));
	else if (out == OUT_INFO && !streq(op, "exit") && !streq(op, "spin"))
		mark_add(m, G_LOST, row, e->t, i, PRIO_MID,
			 xasprintf("%s: no answer", op ? op : "command"),
			 xasprintf("%s: %s got no answer", e->proc, op ? op : "command"));
}

/*
 * A fault is a mark on its target's row, with the text its row of the
 * fault table gives (faults/faults.h). Four faults also change what the
 * rows show, and that is the timeline's own business: freeze and thaw open
 * and close a frozen band, spin opens a spinning band, and damage is drawn
 * on the lock file's row, whose owner it ends.
 */
static void on_fault(struct tl_model *m, struct tl_event *e, int i)
{
	const char *f = jvx_cstr(e->v, "fault");
	const char *target = jvx_cstr(e->v, "target");
	int p = proc_find(m, target);
	struct tl_proc *pr = p >= 0 ? &m->procs.v[p] : NULL;
	int row = pr ? pr->row0 : -1;

	m->nfaults++;
	if (streq(f, "freeze")) {
		if (pr && pr->freeze_t < 0) {
			pr->freeze_t = e->t;
			pr->freeze_ev = i;
		}
	} else if (streq(f, "thaw")) {
		if (pr && pr->freeze_t >= 0) {
			struct tl_span *s = span_add(m, SP_FROZEN, pr->row0, pr->freeze_t,
						     e->t, pr->freeze_ev, i);
			s->nrows = pr->nrows;
			s->label = xasprintf("frozen");
			s->tip = xasprintf("%s frozen (SIGSTOP)", pr->name);
			pr->freeze_t = -1;
		}
	} else if (streq(f, "spin")) {
		double ms = jvx_num(e->v, "ms", 0);
		if (pr && pr->spin_t < 0) {
			pr->spin_t = e->t;
			pr->spin_end = ms > 0 ? e->t + (int64_t)(ms * 1000) : -1;
			pr->spin_ev = i;
		}
	} else if (streq(f, "damage")) {
		const char *kind = jvx_cstr(e->v, "kind");
		const char *s = jvx_cstr(e->v, "session") ? jvx_cstr(e->v, "session") : target;
		row = row_of_session(m, s);
		/* whatever owned the file does not any more; a removed file
		 * leaves nothing, anything else leaves a bad file */
		struct owner *o = s ? owner_of(m, s) : NULL;
		if (o) {
			owner_close(m, o, e->t, i);
			if (!streq(kind, "removed")) {
				o->damage = kind ? kind : "?";
				o->t0 = e->t;
				o->ev = i;
			}
		}
	}
	if (row < 0)
		row = m->rows.n ? 0 : -1;
	if (row >= 0) {
		struct tl_mark *k = mark_add(m, G_FAULT, row, e->t, i, PRIO_HIGH,
					     fault_describe(e->v, 1),
					     fault_describe(e->v, 0));
		k->fault = fault_of_event(e->v);
	}
}

static void on_exit_ev(struct tl_model *m, struct tl_event *e, int i)
{
	int p = proc_find(m, e->proc);
	if (p < 0)
		return;
	struct tl_proc *pr = &m->procs.v[p];
	double code, sig;
	const char *ssig = jvx_cstr(e->v, "signal");
	int by_signal = ssig || jvx_has_num(e->v, "signal", &sig);
	if (!jvx_has_num(e->v, "code", &code))
		code = -1;
	pr->t_exit = e->t;
	pr->ev_exit = i;
	holds_open(m);
	for (size_t k = 0; k < m->work->open_holds.n; k++) {
		struct hold *hd = &m->work->holds.v[m->work->open_holds.v[k]];
		if (hd->open && streq(hd->proc, e->proc)) {
			hold_close(m, hd, e->t, i, "died holding it");
			struct owner *o = owner_of(m, hd->session);
			if (o && streq(o->proc, e->proc)) {
				owner_close(m, o, e->t, i);
				o->proc = e->proc;
				o->t0 = e->t;
				o->ev = i;
				o->stale = 1;
			}
		}
	}
	waits_open(m);
	for (size_t k = 0; k < m->work->open_waits.n; k++) {
		struct wait *w = &m->work->waits.v[m->work->open_waits.v[k]];
		if (w->open && streq(w->proc, e->proc))
			wait_close(m, w, SP_WAIT_LOST, e->t, i, NULL);
	}
	band_close(m, pr, e->t, i);
	if (by_signal)
		mark_add(m, G_DEATH, pr->row0, e->t, i, PRIO_LOW,
			 xasprintf("died (SIG%s)", signame(ssig, sig)),
			 xasprintf("%s died by SIG%s", e->proc, signame(ssig, sig)));
	else
		mark_add(m, G_EXIT, pr->row0, e->t, i, code == 0 ? PRIO_LOW : PRIO_MID,
			 xasprintf("exit %.0f", code),
			 xasprintf("%s exited with code %.0f", e->proc, code));
}

/* How many lines of each session's final transcript carry each msg:
 * {"s1": {"m1": 1, ...}}, every line parsed once; jv_null when the history
 * has no final state. (Counting per message re-read the whole transcript
 * each time: quadratic in messages per session.) */
static jv transcript_counts(struct tl_model *m, struct tl_history *h)
{
	if (m->ev_final < 0)
		return jv_null();
	jv ss = jvx_get(h->ev.v[m->ev_final].v, "sessions");
	jv out = jv_object();
	if (jv_get_kind(ss) == JV_KIND_OBJECT) {
		jv_object_foreach(ss, key, s) {
			jv tr = jvx_get(s, "transcript");
			jv counts = jv_object();
			if (jv_get_kind(tr) == JV_KIND_ARRAY) {
				jv_array_foreach(tr, k, line) {
					jv obj = jv_invalid();
					if (jv_get_kind(line) == JV_KIND_STRING)
						obj = jvx_parse(jv_string_value(line),
							(size_t)jv_string_length_bytes(jv_copy(line)));
					else if (jv_get_kind(line) == JV_KIND_OBJECT)
						obj = jv_copy(line);
					const char *msg = jvx_cstr(obj, "msg");
					if (msg) {
						jv had = jv_object_get(jv_copy(counts), jv_string(msg));
						double n = jv_get_kind(had) == JV_KIND_NUMBER ? jv_number_value(had) : 0;
						jv_free(had);
						counts = jv_object_set(counts, jv_string(msg), jv_number(n + 1));
					}
					jv_free(obj);
					jv_free(line);
				}
				out = jv_object_set(out, jv_copy(key), counts);
			} else {
				jv_free(counts);
			}
			jv_free(tr);
			jv_free(key);
			jv_free(s);
		}
	}
	jv_free(ss);
	return out;
}

/* Times msg `msg` appears in the final transcript of `session`; -1 when
 * the history has no final state (or no transcript) for it. */
static int transcript_count(jv counts, const char *session, const char *msg)
{
	if (jv_get_kind(counts) != JV_KIND_OBJECT || !session)
		return -1;
	jv s = jv_object_get(jv_copy(counts), jv_string(session));
	if (jv_get_kind(s) != JV_KIND_OBJECT) {
		jv_free(s);
		return -1;
	}
	jv n = jv_object_get(s, jv_string(msg ? msg : ""));
	int c = jv_get_kind(n) == JV_KIND_NUMBER ? (int)jv_number_value(n) : 0;
	jv_free(n);
	return c;
}

static void model_messages(struct tl_model *m, struct tl_history *h)
{
	jv counts = transcript_counts(m, h);
	for (size_t k = 0; k < m->work->msgs.n; k++) {
		struct msg *g = &m->work->msgs.v[k];
		struct inv *iv = &m->work->invs.v[g->inv];
		int n = transcript_count(counts, iv->session, iv->msg);
		int ev = g->ev_out >= 0 ? g->ev_out : iv->ev;
		int64_t t = g->ev_out >= 0 ? g->t_out : m->t_end;
		const char *error = g->ev_out >= 0 ? jvx_cstr(h->ev.v[g->ev_out].v, "error") : NULL;
		const char *reason = g->ev_out >= 0 ? jvx_cstr(h->ev.v[g->ev_out].v, "reason") : NULL;
		enum glyph gl;
		enum prio pr = PRIO_HIGH;
		char *label, *tip;
		if (g->out == OUT_OK && n > 1) {
			gl = G_DUP;
			label = xasprintf("%s written %d times", iv->msg, n);
			tip = xasprintf("%s: %s reported ok, but the transcript has it %d times",
					iv->proc, iv->msg, n);
		} else if (g->out == OUT_OK && n == 0) {
			gl = G_DROPPED;
			label = xasprintf("%s DROPPED", iv->msg);
			tip = xasprintf("%s: %s reported ok, but it is not in the transcript of %s",
					iv->proc, iv->msg, iv->session ? iv->session : "?");
		} else if (g->out == OUT_OK) {
			gl = G_DELIVERED;
			pr = PRIO_LOW;
			label = xasprintf("%s", iv->msg);
			tip = xasprintf("%s: %s delivered%s", iv->proc, iv->msg,
					n < 0 ? " (no final transcript to confirm)" : "");
		} else if (g->out == OUT_FAIL && n > 0) {
			gl = G_WRITTEN;
			label = xasprintf("%s refused, yet written", iv->msg);
			tip = xasprintf("%s: %s was refused (%s) but is in the transcript",
					iv->proc, iv->msg, reason ? reason : "?");
		} else if (g->out == OUT_FAIL) {
			gl = G_REFUSED;
			label = xasprintf("%s refused: %.*s", iv->msg, 600,
					  error ? error : reason ? reason : "no error given");
			label = label_cut(label, 56);
			tip = xasprintf("%s: %s refused (%s)", iv->proc, iv->msg,
					reason ? reason : "no reason");
		} else {
			gl = G_LOST;
			pr = PRIO_MID;
			label = xasprintf("%s lost: no answer", iv->msg);
			tip = xasprintf("%s: %s got no answer%s", iv->proc, iv->msg,
					g->out == OUT_INFO ? " (holder died or the run ended)" : "");
		}
		m->nout[gl]++;
		mark_add(m, gl, iv->row, t, ev, pr, label, tip);
	}
	jv_free(counts);
}

/*
 * Processes the harness started itself, on a row of their own after the
 * holders': the stand-in a `recycle` gave a dead holder's pid (the fault
 * event's impostorPid), alive from then to the end (the sandbox ends it).
 * A lock that trusts a bare pid sees the dead holder alive in it: that row
 * shows who really holds the pid.
 */
static void started_rows(struct tl_model *m, struct tl_history *h)
{
	int row = -1;

	for (size_t i = 0; i < h->ev.n; i++) {
		struct tl_event *e = &h->ev.v[i];
		const char *tg;
		double pid;

		if (!streq(e->type, "fault") ||
		    !streq(jvx_cstr(e->v, "fault"), "recycle") ||
		    !jvx_has_num(e->v, "impostorPid", &pid))
			continue;
		if (row < 0) {
			struct tl_row *r = vec_push(&m->rows);
			r->kind = ROW_STARTED;
			r->pi = -1;
			row = (int)m->rows.n - 1;
		}
		tg = jvx_cstr(e->v, "target");
		if (!tg)
			tg = "?";
		struct tl_span *s = span_add(m, SP_LIFE, row, e->t, m->t_end, (int)i, -1);
		s->tip = xasprintf("pid %.0f: a process the harness started, "
				   "unrelated to the lock, that took %s's pid "
				   "after %s died (a lock that trusts a bare "
				   "pid believes %s alive)",
				   pid, tg, tg, tg);
		mark_add(m, G_NONE, row, e->t, (int)i, PRIO_MID,
			 xasprintf("pid %.0f: stand-in for %s", pid, tg),
			 xasprintf("the harness gave %s's pid %.0f to an "
				   "unrelated process",
				   tg, pid));
	}
}

void tl_model_build(struct tl_model *m, struct tl_history *h)
{
	m->work = xcalloc(1, sizeof(*m->work));
	m->ev_final = -1;
	m->meta = h->ev.v[0].v;
	m->t_min = 0;
	m->t_end = 0;
	for (size_t i = 0; i < h->ev.n; i++) {
		if (h->ev.v[i].t > m->t_end)
			m->t_end = h->ev.v[i].t;
		if (h->ev.v[i].t < m->t_min)
			m->t_min = h->ev.v[i].t;
		if (streq(h->ev.v[i].type, "verdict")) {
			double at;
			if (jvx_has_num(h->ev.v[i].v, "at", &at) && at > m->t_end)
				m->t_end = (int64_t)at;
		}
	}
	if (m->t_end - m->t_min < 1000)
		m->t_end = m->t_min + 1000;

	model_discover(m, h);

	for (size_t ui = 0; ui < h->ev.n; ui++) {
		int i = (int)ui;
		struct tl_event *e = &h->ev.v[i];
		const char *type = e->type;
		if (streq(type, "spawn") && is_holder(e->proc)) {
			struct tl_proc *p = &m->procs.v[proc_find(m, e->proc)];
			if (p->t_spawn < 0) {
				p->t_spawn = e->t;
				p->ev_spawn = i;
			}
			p->impl = jvx_cstr(e->v, "impl");
			p->version = jvx_cstr(e->v, "version");
			p->bug = jvx_cstr(e->v, "bug");
			p->pid = jvx_num(e->v, "pid", -1);
			p->ns = jvx_cstr(e->v, "ns");
		} else if (streq(type, "invoke") && is_holder(e->proc)) {
			on_invoke(m, e, i);
		} else if (streq(type, "acquired") && is_holder(e->proc)) {
			on_acquired(m, e, i);
		} else if (streq(type, "released") && is_holder(e->proc)) {
			on_released(m, e, i);
		} else if ((streq(type, "ok") || streq(type, "fail") ||
			    streq(type, "info")) && is_holder(e->proc)) {
			on_outcome(m, e, i);
		} else if (streq(type, "appended") && is_holder(e->proc)) {
			const char *msg = jvx_cstr(e->v, "msg");
			mark_add(m, G_APPENDED, row_of(m, e->proc, jvx_cstr(e->v, "lane")),
				 e->t, i, PRIO_LOW, NULL,
				 xasprintf("%s appended %s", e->proc, msg ? msg : "a line"));
		} else if (streq(type, "log") && is_holder(e->proc)) {
			const char *lv = jvx_cstr(e->v, "level");
			if (streq(lv, "WARN") || streq(lv, "ERROR")) {
				const char *msg = jvx_cstr(e->v, "msg");
				/* no label: log text is long and the
				 * marks it explains carry their own */
				mark_add(m, G_WARN, row_of(m, e->proc, NULL), e->t, i,
					 PRIO_LOW, NULL,
					 xasprintf("%s logged %s: %s", e->proc, lv,
						   msg ? msg : ""));
			}
		} else if (streq(type, "error") && is_holder(e->proc)) {
			const char *er = jvx_cstr(e->v, "error");
			mark_add(m, G_PROTO, row_of(m, e->proc, NULL), e->t, i,
				 PRIO_MID, xasprintf("protocol: %s", er ? er : "?"),
				 xasprintf("%s: protocol error", e->proc));
		} else if (streq(type, "fault")) {
			on_fault(m, e, i);
		} else if (streq(type, "exit") && is_holder(e->proc)) {
			on_exit_ev(m, e, i);
		} else if (streq(type, "failpoint") && is_holder(e->proc)) {
			/* The holder said it fired: only then "fired"; the
			 * fault mark of the step says "armed". */
			const char *name = jvx_cstr(e->v, "name");
			struct tl_mark *k = mark_add(
			    m, G_FAULT, row_of(m, e->proc, NULL), e->t, i,
			    PRIO_MID,
			    xasprintf("%s fired", name ? name : "failpoint"),
			    xasprintf("failpoint %s fired in %s (the holder "
				      "said so)",
				      name ? name : "?", e->proc));
			k->fault = fault_find("failpoint"); /* its glyph */
		} else if (streq(type, "swept") && is_holder(e->proc) &&
			   streq(jvx_cstr(e->v, "verdict"), "removed")) {
			/* a sweep's removal: the lock file is gone (drawn as
			 * the damage glyph: the file was removed) */
			const char *ses = jvx_cstr(e->v, "session");
			const char *why = jvx_cstr(e->v, "reason");
			struct tl_mark *k = mark_add(
			    m, G_FAULT, row_of(m, e->proc, NULL), e->t, i,
			    PRIO_MID,
			    xasprintf("swept %s", ses ? ses : "?"),
			    xasprintf("%s's sweep removed the lock of %s (%s)",
				      e->proc, ses ? ses : "?",
				      why ? why : "?"));
			k->fault = fault_find("damage");
		} else if (streq(type, "result")) {
			m->status = jvx_cstr(e->v, "status");
		} else if (streq(type, "final")) {
			m->ev_final = i;
		} else if (streq(type, "verdict")) {
			if (jvx_false(e->v, "ok")) {
				struct tl_pin *p = vec_push(&m->pins);
				double at;
				p->at = jvx_has_num(e->v, "at", &at) ? (int64_t)at : e->t;
				p->ev = i;
				p->checker = jvx_cstr(e->v, "checker");
				p->msg = jvx_cstr(e->v, "msg");
				p->proc = e->proc ? e->proc : jvx_cstr(e->v, "process");
				p->row = is_holder(p->proc) ? row_of(m, p->proc, NULL) : -1;
			} else if (jvx_cstr(e->v, "checker")) {
				*vec_push(&m->passed) = jvx_cstr(e->v, "checker");
			}
		}
	}

	/* Close what the history left open at its end. */
	int ev_end = m->ev_final >= 0 ? m->ev_final : (int)h->ev.n - 1;
	for (size_t k = 0; k < m->work->holds.n; k++)
		if (m->work->holds.v[k].open)
			hold_close(m, &m->work->holds.v[k], m->t_end, ev_end, "still held at the end");
	for (size_t k = 0; k < m->work->waits.n; k++)
		if (m->work->waits.v[k].open)
			wait_close(m, &m->work->waits.v[k], SP_WAIT_LOST, m->t_end, ev_end, NULL);
	for (size_t k = 0; k < m->work->owners.n; k++)
		owner_close(m, &m->work->owners.v[k], m->t_end, ev_end);
	for (size_t p = 0; p < m->procs.n; p++) {
		struct tl_proc *pr = &m->procs.v[p];
		band_close(m, pr, m->t_end, ev_end);
		int64_t t0 = pr->t_spawn >= 0 ? pr->t_spawn : m->t_min;
		int64_t t1 = pr->t_exit >= 0 ? pr->t_exit : m->t_end;
		struct tl_span *s = span_add(m, SP_LIFE, pr->row0, t0, t1, pr->ev_spawn,
					     pr->ev_exit);
		s->nrows = pr->nrows;
		s->tip = xasprintf("%s alive", pr->name);
	}
	started_rows(m, h);
	if (m->ev_final >= 0) {
		jv ss = jvx_get(h->ev.v[m->ev_final].v, "sessions");
		for (size_t k = 0; k < m->sessions.n; k++) {
			jv s = jvx_get(ss, m->sessions.v[k]);
			const char *lock = jvx_cstr(s, "lock");
			if (lock && strcmp(lock, "absent") != 0 &&
			    strcmp(lock, "kept") != 0)
				mark_add(m, G_LEFT, row_of_session(m, m->sessions.v[k]),
					 m->t_end, m->ev_final, PRIO_HIGH,
					 xasprintf("lock %s left behind",
						   streq(lock, "file") ? "file" : lock),
					 xasprintf("at the end %s.lock is still there (%s)",
						   m->sessions.v[k], lock));
			jv_free(s);
		}
		jv_free(ss);
	}
	model_messages(m, h);
	m->nmsgs = m->work->msgs.n;
	scratch_free(m);
}
