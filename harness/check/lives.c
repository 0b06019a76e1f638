/*
 * lives.c - lock files' lives as the kernel saw them, and what they correct.
 *
 * The runner records the session folder's creates, deletes and renames and
 * each lock payload it read (`fs` events, docs/history.md); their order is
 * the kernel's. Holders stamp `acquired` and `released` by their own
 * clocks, after the fact: a holder descheduled between its unlink() and its
 * `released` line looks as if it held the lock long after its file was
 * gone. The kernel's delete says when it let go.
 *
 * Only what the kernel cannot get wrong is used: a hold ends at its file's
 * delete when its owner says it released it (not lock-lost) or the harness
 * damaged that file; its maxHoldMs counts from the file's create when the
 * runner saw that before the owner's `acquired`. A view with an overflow
 * is not used at all (m->kernel 0).
 */
#include "check/model.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GROW_HOLDS(m)                                                        \
	do {                                                                 \
		if ((m)->nr_holds >= (m)->alloc_holds) {                     \
			(m)->alloc_holds = (m)->alloc_holds                  \
						   ? 2 * (m)->alloc_holds    \
						   : 16;                     \
			(m)->holds = xrealloc((m)->holds,                    \
					      (size_t)(m)->alloc_holds *     \
						      sizeof(*(m)->holds));  \
		}                                                            \
	} while (0)

static int eqs(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* A spawn event's pid (read_lives's index). */
struct spawn {
	double pid, pidns; /* pidns: NAN when the event said none */
	int proc;
	int i; /* its place in the history */
};

static int spawn_cmp(const void *a, const void *b)
{
	const struct spawn *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* The spawn events of `m`, once, by pid, then history order: each lock
 * payload's pid is looked up among them (one scan of the history per
 * payload made the checkers quadratic in messages: 82% of the CPU at 2,000
 * messages; a scan of every spawn per payload, quadratic in holders). */
static struct spawn *spawns_of(const struct model *m, int *nr)
{
	struct spawn *sp = xcalloc((size_t)m->n + 1, sizeof(*sp));
	int i;

	*nr = 0;
	for (i = 0; i < m->n; i++) {
		jv e = model_event(m, i);
		double p, ns;

		if (eqs(jvx_cstr(e, "type"), "spawn") &&
		    jvx_has_num(e, "pid", &p)) {
			sp[*nr].pid = p;
			sp[*nr].pidns = jvx_has_num(e, "pidNs", &ns) ? ns : NAN;
			sp[*nr].proc = model_proc(m, jvx_cstr(e, "process"));
			sp[*nr].i = i;
			(*nr)++;
		}
		jv_free(e);
	}
	qsort(sp, (size_t)*nr, sizeof(*sp), spawn_cmp);
	return sp;
}

/*
 * The process whose spawn event gave it `pid` (in namespace `pidns`, when
 * the payload said it: 0 otherwise); -2 when none did. Holders in PID
 * namespaces of their own may share a pid (`pid=7` in two containers):
 * without pidNs to tell them apart, the one whose acquisition of `session`
 * is nearest to `t` (the payload is written just before `acquired`), the
 * first in the history on a tie. Cost: O(log spawns), and O(spawns x
 * holds) only when several spawns share the pid.
 */
static int proc_of_pid(const struct model *m, const struct spawn *sp,
		       int nr_sp, double pid, double pidns, const char *session,
		       int64_t t)
{
	int i, best = -2, nr_found = 0, lo = 0, hi = nr_sp, first;
	int64_t best_d = NEVER;

	while (lo < hi) { /* the first spawn with this pid */
		int mid = lo + (hi - lo) / 2;

		if (sp[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	for (i = first; i < nr_sp && sp[i].pid == pid; i++)
		if (!pidns || isnan(sp[i].pidns) || sp[i].pidns == pidns) {
			if (best == -2)
				best = sp[i].proc;
			nr_found++;
		}
	if (nr_found < 2)
		return best; /* no other to tell it from */
	for (i = first; i < nr_sp && sp[i].pid == pid; i++) {
		int found, k;

		if (pidns && !isnan(sp[i].pidns) && sp[i].pidns != pidns)
			continue;
		found = sp[i].proc;
		for (k = 0; k < m->nr_holds; k++) {
			const struct hold *h = &m->holds[k];
			int64_t d = h->acq_t > t ? h->acq_t - t : t - h->acq_t;

			if (h->proc == found && eqs(h->session, session) &&
			    d < best_d) {
				best_d = d;
				best = found;
			}
		}
	}
	return best;
}

/* The lives still open while read_lives reads the history, by index
 * (at most one a session): the open life of a session is looked up among
 * them, not among every life so far (quadratic in messages). */
struct open_lives {
	int *k;
	int n;
};

static int open_life(const struct model *m, const struct open_lives *o,
		     const char *session)
{
	int j;

	for (j = o->n - 1; j >= 0; j--)
		if (eqs(m->lives[o->k[j]].session, session))
			return o->k[j];
	return -1;
}

/* Life k ends at t: it leaves the open ones. */
static void close_life(struct model *m, struct open_lives *o, int k,
		       int64_t t)
{
	int j;

	m->lives[k].to = t;
	for (j = 0; j < o->n; j++)
		if (o->k[j] == k) {
			memmove(&o->k[j], &o->k[j + 1],
				(size_t)(o->n - j - 1) * sizeof(*o->k));
			o->n--;
			return;
		}
}

static void read_lives(struct model *m)
{
	int i, saw = 0, nr_sp;
	struct spawn *sp = spawns_of(m, &nr_sp);
	struct open_lives ol = { xcalloc((size_t)m->n + 1, sizeof(int)), 0 };

	m->kernel = 0;
	for (i = 0; i < m->n; i++) {
		jv e = model_event(m, m->order[i]);
		int64_t t = m->t[m->order[i]];
		const char *type = jvx_cstr(e, "type");
		const char *fs = jvx_cstr(e, "fs");
		const char *session = jvx_cstr(e, "session");
		int k;
		double pid, pidns;

		if (eqs(type, "fault") && eqs(jvx_cstr(e, "fault"), "damage") &&
		    session && (k = open_life(m, &ol, session)) >= 0)
			m->lives[k].damaged = 1;
		if (!eqs(type, "fs")) {
			jv_free(e);
			continue;
		}
		saw = 1;
		if (eqs(fs, "overflow")) {
			jv_free(e);
			m->nr_lives = 0;
			free(ol.k);
			free(sp);
			return; /* incomplete: not trusted, not used */
		}
		if (!session || !eqs(jvx_cstr(e, "kind"), "lock")) {
			jv_free(e);
			continue;
		}
		k = open_life(m, &ol, session);
		if (eqs(fs, "create") || eqs(fs, "moved-to")) {
			if (k >= 0) /* a rename over it ended it */
				close_life(m, &ol, k, t);
			if (m->nr_lives >= m->alloc_lives) {
				m->alloc_lives = m->alloc_lives
							 ? 2 * m->alloc_lives
							 : 16;
				m->lives = xrealloc(m->lives,
						    (size_t)m->alloc_lives *
							    sizeof(*m->lives));
			}
			k = m->nr_lives++;
			memset(&m->lives[k], 0, sizeof(m->lives[k]));
			m->lives[k].session = session;
			m->lives[k].from = t;
			m->lives[k].to = NEVER;
			ol.k[ol.n++] = k;
		} else if ((eqs(fs, "delete") || eqs(fs, "moved-from")) &&
			   k >= 0) {
			close_life(m, &ol, k, t);
			k = -1;
		}
		if (k >= 0 && jvx_has_num(e, "pid", &pid)) {
			struct life *l = &m->lives[k];
			int j, known = 0;

			for (j = 0; j < l->nr_owners; j++)
				known |= l->pids[j] == pid;
			if (!known && l->nr_owners < LIFE_OWNERS) {
				l->pids[l->nr_owners] = pid;
				l->owner_t[l->nr_owners] = t;
				if (!jvx_has_num(e, "pidNs", &pidns))
					pidns = 0;
				l->owners[l->nr_owners++] =
					proc_of_pid(m, sp, nr_sp, pid, pidns,
						    session, t);
			}
		}
		jv_free(e);
	}
	free(ol.k);
	free(sp);
	m->kernel = saw;
}

/* The history's `released` events by time (model_kernel_lives's index). */
struct rel {
	int64_t t;
	int i; /* its index in the history */
};

static int rel_cmp(const void *a, const void *b)
{
	const struct rel *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static struct rel *rels_of(const struct model *m, int *nr)
{
	struct rel *r = xcalloc((size_t)m->n + 1, sizeof(*r));
	int i;

	*nr = 0;
	for (i = 0; i < m->n; i++) {
		jv e = model_event(m, i);

		if (eqs(jvx_cstr(e, "type"), "released")) {
			r[*nr].t = m->t[i];
			r[(*nr)++].i = i;
		}
		jv_free(e);
	}
	qsort(r, (size_t)*nr, sizeof(*r), rel_cmp);
	return r;
}

/* Why holder `h` said it let go: the `why` of its released event (the
 * first in the history at its time, of its process and session). */
static const char *released_why(const struct model *m, const struct rel *r,
				int nr, const struct hold *h)
{
	const char *why = NULL;
	int lo = 0, hi = nr;

	while (lo < hi) { /* the first at or after released_t */
		int mid = lo + (hi - lo) / 2;

		if (r[mid].t < h->released_t)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nr && r[lo].t == h->released_t && !why; lo++) {
		jv e = model_event(m, r[lo].i);

		if (model_proc(m, jvx_cstr(e, "process")) == h->proc &&
		    eqs(jvx_cstr(e, "session"), h->session))
			why = jvx_cstr(e, "why");
		jv_free(e);
	}
	return why ? why : "";
}

/* The lock files' lives by session, then creation (model_kernel_lives's
 * index: each hold looks only at its session's lives near its start). */
struct lref {
	const char *session;
	int64_t from;
	int k; /* its index in m->lives */
};

static int lref_cmp(const void *a, const void *b)
{
	const struct lref *x = a, *y = b;
	int c = strcmp(x->session, y->session);

	if (c)
		return c;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (x->k > y->k) - (x->k < y->k);
}

/* The index of the first ref of `session` from `t` on (`after`: past
 * `t`), in lr sorted by lref_cmp; nr when none. */
static int lref_search(const struct lref *lr, int nr, const char *session,
		       int64_t t, int after)
{
	int lo = 0, hi = nr;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		int c = strcmp(lr[mid].session, session);

		if (c < 0 || (c == 0 && (lr[mid].from < t ||
					 (after && lr[mid].from == t))))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Each owner of each life, by process, session, then creation (the
 * index life_of_hold searches: a search among the session's lives,
 * skipping those of other owners, went through every later life of the
 * session when the hold's own came before its `acquired`, which it does:
 * quadratic in holders). */
struct oref {
	int proc;
	const char *session;
	int64_t from;
	int k; /* its index in m->lives */
};

static int oref_cmp(const void *a, const void *b)
{
	const struct oref *x = a, *y = b;
	int c;

	if (x->proc != y->proc)
		return x->proc < y->proc ? -1 : 1;
	c = strcmp(x->session, y->session);
	if (c)
		return c;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (x->k > y->k) - (x->k < y->k);
}

/* The owners' index of m's lives (owners that are processes), sorted by
 * oref_cmp, in *nr entries. */
static struct oref *orefs_of(const struct model *m, int *nr)
{
	struct oref *or = xcalloc((size_t)m->nr_lives * LIFE_OWNERS + 1,
				  sizeof(*or));
	int k, j;

	*nr = 0;
	for (k = 0; k < m->nr_lives; k++)
		for (j = 0; m->lives[k].session && j < m->lives[k].nr_owners;
		     j++)
			if (m->lives[k].owners[j] >= 0) {
				or[*nr].proc = m->lives[k].owners[j];
				or[*nr].session = m->lives[k].session;
				or[*nr].from = m->lives[k].from;
				or[(*nr)++].k = k;
			}
	qsort(or, (size_t)*nr, sizeof(*or), oref_cmp);
	return or;
}

/* One step of life_of_hold's search: the life of `o`, `d` away from h's
 * `acquired`, becomes *best when it is nearer (or as near and first). 0
 * once no life that far can be nearer. */
static int nearer_life(const struct oref *o, int64_t d, int *best,
		       int64_t *best_d)
{
	if (d > *best_d)
		return 0;
	if (d < *best_d || o->k < *best) {
		*best_d = d;
		*best = o->k;
	}
	return 1;
}

/* Whether `o` is of h's process and session. */
static int oref_of(const struct oref *o, const struct hold *h)
{
	return o->proc == h->proc && !strcmp(o->session, h->session);
}

/* The life of `h`'s session owned by its process whose creation is
 * nearest its `acquired` (the first such life on a tie); -1 when none.
 * Its process's lives of the session are searched outward from that time
 * and each way only while they could be nearer: O(log lives + ties). */
static int life_of_hold(const struct oref *or, int nr, const struct hold *h)
{
	int lo = 0, hi = nr, best = -1, j;
	int64_t best_d = NEVER;

	while (lo < hi) { /* the first of (proc, session) from acq_t on */
		int mid = lo + (hi - lo) / 2;
		int c = or[mid].proc != h->proc
				? (or[mid].proc < h->proc ? -1 : 1)
				: strcmp(or[mid].session, h->session);

		if (c < 0 || (c == 0 && or[mid].from < h->acq_t))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (j = lo; j < nr && oref_of(&or[j], h) &&
		     nearer_life(&or[j], or[j].from - h->acq_t, &best, &best_d);
	     j++)
		;
	for (j = lo - 1; j >= 0 && oref_of(&or[j], h) &&
			 nearer_life(&or[j], h->acq_t - or[j].from, &best,
				     &best_d);
	     j--)
		;
	return best;
}

/*
 * The acquiring command of `proc` on `session` that was under way at `t`
 * (begun, not yet answered): the attempt a lock file created then belongs
 * to; -1 when none was.
 */
static int attempt_at(const struct model *m, int proc, const char *session,
		      int64_t t)
{
	int i;

	for (i = 0; i < m->nr_ops; i++) {
		const struct op *o = &m->ops[i];

		if (o->proc == proc && op_is_acquiring(o->op) &&
		    eqs(o->session, session) && o->start_t != NEVER &&
		    o->start_t <= t + ORDER_EPS_US &&
		    (o->outcome_t == NEVER || o->outcome_t >= t))
			return i;
	}
	return -1;
}

/* A damage fault on `session` within PLANT_EPS_US before `t`: the file
 * created then is the harness's (`damage s1 exact owner=B` names B), not
 * a holder's. */
#define PLANT_EPS_US 200000
int model_planted_near(const struct model *m, const char *session, int64_t t)
{
	int i;

	for (i = 0; i < m->n; i++) {
		jv e;
		int hit;

		if (m->t[i] > t || m->t[i] < t - PLANT_EPS_US)
			continue;
		e = model_event(m, i);
		hit = eqs(jvx_cstr(e, "type"), "fault") &&
		      eqs(jvx_cstr(e, "fault"), "damage") &&
		      eqs(jvx_cstr(e, "session"), session);
		jv_free(e);
		if (hit)
			return 1;
	}
	return 0;
}

/* Does one of the first `nr` holds (the reported ones) of `proc` claim
 * life k? */
static int life_claimed_by(const struct model *m, int k, int proc, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		if (m->holds[i].life == k && m->holds[i].proc == proc)
			return 1;
	return 0;
}

/* Adds the unreported hold of owner j of life k, from `from`, when its
 * attempt was under way then (see add_unreported_holds). */
static void add_unreported(struct model *m, int k, int j, int64_t from)
{
	const struct life *l = &m->lives[k];
	int proc = l->owners[j], op;
	struct hold *h;
	const struct op *o;
	int64_t end, t;
	enum end_kind why;

	if (l->damaged || (op = attempt_at(m, proc, l->session, from)) < 0 ||
	    model_planted_near(m, l->session, l->from))
		return;
	/* Its attempt may have said `acquired` later, for another
	 * file: this one was lost before (reclaimed while frozen,
	 * then made again), and unreported all the same. */
	o = &m->ops[op];
	GROW_HOLDS(m);
	h = &m->holds[m->nr_holds++];
	memset(h, 0, sizeof(*h));
	h->proc = proc;
	h->op = op;
	h->ev = -1;
	h->session = l->session;
	h->lane = o->lane;
	h->acq_t = from;
	h->maxhold_us = o->maxhold_us;
	h->released_t = NEVER;
	h->creating = h->unreported = 1;
	h->prev = -1;
	h->life = k;
	h->end_op = -1;
	end = l->to;
	why = END_UNLINKED;
	t = m->procs[proc].death_t;
	if (t < end) {
		end = t;
		why = END_DIED;
	}
	if (o->outcome_t < end) {
		end = o->outcome_t;
		why = END_OUTCOME;
		h->end_op = op;
	}
	h->end = end == NEVER ? END_NONE : why;
	h->end_t = end;
	h->gone_t = min64(l->to, t);
	h->free_t = end;
	if (h->maxhold_us != NONE)
		h->free_t = min64(h->free_t, add64(from, h->maxhold_us));
}

/*
 * Lock files whose payload named a holder that never reported them: a
 * holder frozen (or descheduled, or killed) after its create and payload
 * but before its `acquired` line owns that file all the same; contenders
 * must wait for it as for any hold (until its maxHoldMs, its death, or its
 * delete). Without this, recovery judged their wait "while nobody held
 * it". Only a file created while the owner had an acquiring command on
 * that session under way, and not right after a damage fault there.
 *
 * A kernel lock's file (a flock on a file whose payload each owner
 * rewrites: the flock baseline; a file that stays, hello "lockFile":
 * "kept": zc.lockfile's pid file) is one life for its owners in turn:
 * there each owner its payload named without a reported hold of its own
 * in that life gets one, from when its pid appeared (another's later hold
 * of the same file does not claim it: a frozen, then killed B, then C).
 * A life that named one owner, not kept: when no hold claims it.
 */
static void add_unreported_holds(struct model *m)
{
	int k, i, j, nr_lives = m->nr_lives, nr_holds = m->nr_holds;
	char *claimed = xcalloc((size_t)nr_lives + 1, 1);

	for (i = 0; i < m->nr_holds; i++)
		if (m->holds[i].life >= 0)
			claimed[m->holds[i].life] = 1;
	for (k = 0; k < nr_lives; k++) {
		int first = m->lives[k].nr_owners ? m->lives[k].owners[0] : -1;

		if (m->lives[k].nr_owners == 1 && first >= 0 &&
		    !m->procs[first].lock_kept) {
			if (!claimed[k])
				add_unreported(m, k, 0, m->lives[k].from);
			continue;
		}
		for (j = 0; j < m->lives[k].nr_owners; j++) {
			int proc = m->lives[k].owners[j];

			if (proc >= 0 && !life_claimed_by(m, k, proc, nr_holds))
				add_unreported(m, k, j,
					       j ? m->lives[k].owner_t[j]
						 : m->lives[k].from);
		}
	}
	free(claimed);
}

/*
 * A hold whose owner's payload the kernel view never showed: its file may
 * have been damaged away between its create and its `acquired` (the
 * cleanup cron deleting an empty, newborn lock, seed 001, on a loaded
 * machine where the 300 ms until the damage were not enough for the
 * holder to write its payload). That file is the last life of its
 * session created before its `acquired`, whose payload never named anyone
 * (empty, or gone before it was read), damaged and gone before the
 * `acquired`, created while its acquisition was under way and no other
 * process's was, and not planted by the harness. -1 when there is none.
 * Such a hold owned nothing from its start: it ends at its `acquired`.
 */
static int damaged_before_acquired(const struct model *m,
				   const struct lref *lr, int nr,
				   const struct hold *h)
{
	int j = lref_search(lr, nr, h->session, h->acq_t, 1) - 1, p;

	if (j < 0 || strcmp(lr[j].session, h->session))
		return -1;
	{
		const struct life *l = &m->lives[lr[j].k];

		if (l->nr_owners || !l->damaged || l->to > h->acq_t ||
		    h->op < 0 || attempt_at(m, h->proc, h->session, l->from) != h->op ||
		    model_planted_near(m, h->session, l->from))
			return -1;
		for (p = 0; p < m->nr_procs; p++)
			if (p != h->proc &&
			    attempt_at(m, p, h->session, l->from) >= 0)
				return -1;
	}
	return lr[j].k;
}

void model_kernel_lives(struct model *m)
{
	int i, k, nr_rel, nr_lr, nr_or;
	struct rel *rel;
	struct lref *lr;
	struct oref *or;

	read_lives(m);
	if (!m->kernel)
		return;
	rel = rels_of(m, &nr_rel);
	lr = xcalloc((size_t)m->nr_lives + 1, sizeof(*lr));
	for (nr_lr = k = 0; k < m->nr_lives; k++)
		if (m->lives[k].session) {
			lr[nr_lr].session = m->lives[k].session;
			lr[nr_lr].from = m->lives[k].from;
			lr[nr_lr++].k = k;
		}
	qsort(lr, (size_t)nr_lr, sizeof(*lr), lref_cmp);
	or = orefs_of(m, &nr_or);
	for (i = 0; i < m->nr_holds; i++) {
		struct hold *h = &m->holds[i];
		int best;

		if (h->proc < 0 || h->creating || !h->session)
			continue;
		/* Its file: the life its owner's payload named, nearest its
		 * `acquired` (a later life is a later hold's). */
		best = life_of_hold(or, nr_or, h);
		if (best < 0 &&
		    (best = damaged_before_acquired(m, lr, nr_lr, h)) >= 0) {
			h->life = best;
			h->end = END_DAMAGED;
			h->end_t = h->gone_t = h->free_t = h->acq_t;
			continue;
		}
		if (best < 0)
			continue;
		h->life = best;
		{
			const struct life *l = &m->lives[best];
			int unlinked =
				l->to < h->end_t && h->end == END_RELEASED &&
				!eqs(released_why(m, rel, nr_rel, h), "lock-lost");
			int damaged = l->to < h->end_t && l->damaged;

			if (unlinked || damaged) {
				h->end = damaged ? END_DAMAGED : END_UNLINKED;
				h->end_t = l->to;
				if (h->gone_t > l->to)
					h->gone_t = l->to;
				if (h->free_t > l->to)
					h->free_t = l->to;
			}
			if (h->maxhold_us != NONE &&
			    h->free_t > add64(model_hold_start(m, h),
					      h->maxhold_us))
				h->free_t = add64(model_hold_start(m, h),
						  h->maxhold_us);
		}
	}
	free(or);
	free(lr);
	free(rel);
	add_unreported_holds(m);
}
