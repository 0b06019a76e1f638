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

/*
 * The process whose spawn event gave it `pid` (in namespace `pidns`, when
 * the payload said it: 0 otherwise); -2 when none did. Holders in PID
 * namespaces of their own may share a pid (`pid=7` in two containers):
 * without pidNs to tell them apart, the one whose acquisition of `session`
 * is nearest to `t` (the payload is written just before `acquired`).
 */
static int proc_of_pid(const struct model *m, double pid, double pidns,
		       const char *session, int64_t t)
{
	int i, best = -2;
	int64_t best_d = NEVER;

	for (i = 0; i < m->n; i++) {
		jv e = model_event(m, i);
		double p, ns;
		int found = -2, k;

		if (eqs(jvx_cstr(e, "type"), "spawn") &&
		    jvx_has_num(e, "pid", &p) && p == pid &&
		    (!pidns || !jvx_has_num(e, "pidNs", &ns) || ns == pidns))
			found = model_proc(m, jvx_cstr(e, "process"));
		jv_free(e);
		if (found == -2)
			continue;
		if (best == -2)
			best = found;
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

static int open_life(const struct model *m, const char *session)
{
	int k;

	for (k = m->nr_lives - 1; k >= 0; k--)
		if (eqs(m->lives[k].session, session) &&
		    m->lives[k].to == NEVER)
			return k;
	return -1;
}

static void read_lives(struct model *m)
{
	int i, saw = 0;

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
		    session && (k = open_life(m, session)) >= 0)
			m->lives[k].damaged = 1;
		if (!eqs(type, "fs")) {
			jv_free(e);
			continue;
		}
		saw = 1;
		if (eqs(fs, "overflow")) {
			jv_free(e);
			m->nr_lives = 0;
			return; /* incomplete: not trusted, not used */
		}
		if (!session || !eqs(jvx_cstr(e, "kind"), "lock")) {
			jv_free(e);
			continue;
		}
		k = open_life(m, session);
		if (eqs(fs, "create") || eqs(fs, "moved-to")) {
			if (k >= 0) /* a rename over it ended it */
				m->lives[k].to = t;
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
		} else if ((eqs(fs, "delete") || eqs(fs, "moved-from")) &&
			   k >= 0) {
			m->lives[k].to = t;
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
					proc_of_pid(m, pid, pidns, session, t);
			}
		}
		jv_free(e);
	}
	m->kernel = saw;
}

static int life_owned_by(const struct life *l, int proc)
{
	int j;

	for (j = 0; j < l->nr_owners; j++)
		if (l->owners[j] == proc)
			return 1;
	return 0;
}

/* Why holder `h` said it let go: the `why` of its released event. */
static const char *released_why(const struct model *m, const struct hold *h)
{
	const char *why = NULL;
	int i;

	for (i = 0; i < m->n && !why; i++) {
		jv e = model_event(m, i);

		if (m->t[i] == h->released_t &&
		    eqs(jvx_cstr(e, "type"), "released") &&
		    model_proc(m, jvx_cstr(e, "process")) == h->proc &&
		    eqs(jvx_cstr(e, "session"), h->session))
			why = jvx_cstr(e, "why");
		jv_free(e);
	}
	return why ? why : "";
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
static int planted_near(const struct model *m, const char *session, int64_t t)
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

/*
 * Lock files whose payload named a holder that never reported them: a
 * holder frozen (or descheduled, or killed) after its create and payload
 * but before its `acquired` line owns that file all the same; contenders
 * must wait for it as for any hold (until its maxHoldMs, its death, or its
 * delete). Without this, recovery judged their wait "while nobody held
 * it". Only a file created while the owner had an acquiring command on
 * that session under way, and not right after a damage fault there.
 */
static void add_unreported_holds(struct model *m)
{
	int k, i, nr_lives = m->nr_lives;
	char *claimed = xcalloc((size_t)nr_lives + 1, 1);

	for (i = 0; i < m->nr_holds; i++)
		if (m->holds[i].life >= 0)
			claimed[m->holds[i].life] = 1;
	for (k = 0; k < nr_lives; k++) {
		const struct life *l = &m->lives[k];
		int proc = l->nr_owners ? l->owners[0] : -2, op;
		struct hold *h;
		const struct op *o;
		int64_t end, t;
		enum end_kind why;

		if (claimed[k] || proc < 0 || l->damaged ||
		    (op = attempt_at(m, proc, l->session, l->from)) < 0 ||
		    planted_near(m, l->session, l->from))
			continue;
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
		h->acq_t = l->from;
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
			h->free_t = min64(h->free_t,
					  add64(l->from, h->maxhold_us));
	}
	free(claimed);
}

void model_kernel_lives(struct model *m)
{
	int i, k;

	read_lives(m);
	if (!m->kernel)
		return;
	for (i = 0; i < m->nr_holds; i++) {
		struct hold *h = &m->holds[i];
		int best = -1;
		int64_t d, best_d = NEVER;

		if (h->proc < 0 || h->creating)
			continue;
		/* Its file: the life its owner's payload named, nearest its
		 * `acquired` (a later life is a later hold's). */
		for (k = 0; k < m->nr_lives; k++) {
			const struct life *l = &m->lives[k];

			if (!eqs(l->session, h->session) ||
			    !life_owned_by(l, h->proc))
				continue;
			d = l->from > h->acq_t ? l->from - h->acq_t
					       : h->acq_t - l->from;
			if (d < best_d) {
				best_d = d;
				best = k;
			}
		}
		if (best < 0)
			continue;
		h->life = best;
		{
			const struct life *l = &m->lives[best];
			int unlinked = l->to < h->end_t &&
				       h->end == END_RELEASED &&
				       !eqs(released_why(m, h), "lock-lost");
			int damaged = l->to < h->end_t && l->damaged;

			if (unlinked || damaged) {
				h->end = damaged ? END_DAMAGED : END_UNLINKED;
				h->end_t = l->to;
				if (h->gone_t > l->to)
					h->gone_t = l->to;
				if (h->free_t > l->to)
					h->free_t = l->to;
			}
			if (l->from < h->acq_t && h->maxhold_us != NONE &&
			    h->free_t > add64(l->from, h->maxhold_us))
				h->free_t = add64(l->from, h->maxhold_us);
		}
	}
	add_unreported_holds(m);
}
