/*
 * recovery.c - contenders get the lock within the bound.
 *
 * Each session alternates between held and free stretches. A hold stops
 * blocking when its holder released it, died (kill, term, exit), answered
 * the deliver/turn that took it (a lane timeout included; an explicit
 * acquire keeps its hold until a release command), or its lock file was
 * damaged by the harness; and in any case at acquired + maxHoldMs (a live
 * but stuck holder included). Once free, every waiting contender must see
 * the lock taken, by itself or another, within max(free, its start) + its
 * pollMs + slack (+ the time the contender itself was frozen or spinning,
 * + the time it was runnable and waited for a CPU: run/sched.c).
 * A contender starts when its lane is free (commands on a lane run in
 * order; on every lane, for a holder without `lanes`). Planted lock files
 * block until their kind allows a reclaim: unparsable ones for graceMs,
 * dead/ancient/removed at once, others without bound. Acquisitions of a
 * process with a failpoint armed may own a file they have not reported:
 * they block from their start.
 *
 * A contender in another PID namespace than a dead owner (containers:
 * `holder A ns=c1`) cannot see that death: its pid there is another
 * process, or none. For it the lock is free only from the owner's
 * acquired + maxHoldMs (never, without one), as for a live but stuck
 * owner.
 *
 * Giving up is no way out: a contender that is refused, or times out,
 * while the lock it waits for is reclaimable (its owner dead, or alive
 * past its declared maxHoldMs, or a planted file whose kind allows a
 * reclaim) fails too, even inside the bound, once it has had two polls
 * in the reclaimable stretch: a correct lock takes such a lock, it does
 * not throw "locked" or "stale" at the caller. Failures that are not about
 * the lock being taken (io, lane-timeout, cleanup, lock-lost ...) are not
 * judged here.
 *
 * The model gives each hold its free_t (model.h); this file finds the gaps
 * and who waited in them.
 */
#include "check/checkers.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* When contender `o` stopped waiting, for whatever reason. */
static int64_t wait_end(const struct model *m, const struct op *o)
{
	int64_t w = min64(o->acq_t, o->outcome_t);

	w = min64(w, m->procs[o->proc].death_t);
	return min64(w, m->t_end);
}

/* A refusal that says "the lock is taken" (or says nothing), as opposed to
 * a failure of the contender's own (io, its lane, its cleanup ...). */
static int refused_as_held(const struct op *o)
{
	return eq(o->outcome, "fail") &&
	       (!o->reason || eq(o->reason, "timeout") ||
		eq(o->reason, "busy") || eq(o->reason, "other"));
}

/* A `creating` hold that is a guess (an attempt under a failpoint), as
 * opposed to a file the kernel saw its owner's payload in (unreported). */
static int guessed(const struct hold *h)
{
	return h->creating && !h->unreported;
}

/* Whether the free stretch that `cause` left needed a contender to reclaim
 * a lock file (owner dead, past maxHoldMs, a planted file), rather than
 * merely find the path empty. */
static int reclaimable_cause(const struct hold *cause)
{
	if (!cause || guessed(cause))
		return 0;
	if (cause->proc < 0)
		return cause->free_t != NEVER;
	return cause->end == END_DIED || cause->free_t < cause->end_t;
}

/*
 * When contenders may take hold `h`'s lock: its free_t, except for a holder
 * killed by the harness (kill, term, a deadly signal): the model dates its
 * death at the sending, but the process dies when the kernel gets to it,
 * which under load took 1.4 s (a SIGHUP at stress-ng's load) and 870 ms (a
 * SIGKILL to a stopped holder), a live pid all along. Contenders are held
 * to the bound from its exit (the harness reaped it: dead by then) when
 * that came later. A zombie is dead at once, however late its reap.
 */
static int64_t free_from(const struct model *m, const struct hold *h)
{
	const struct proc *p = h->proc >= 0 ? &m->procs[h->proc] : NULL;

	if (p && h->end == END_DIED && h->free_t == h->end_t && !p->zombie &&
	    p->exit_t != NEVER && p->exit_t > h->free_t)
		return p->exit_t;
	return h->free_t;
}

/*
 * The lock on `session` was free from `f` (the hold `cause` ended or ran
 * past maxHoldMs; cause NULL: nobody had taken it yet) until someone
 * acquired it at `n`. Every contender waiting in that gap must have got it,
 * or seen someone else get it, within its poll interval plus slack; a
 * contender frozen or spinning meanwhile gets that time added.
 */
/*
 * A session's contenders: its acquiring commands that started, sorted by
 * the start of their wait, with a tree of their latest wait ends (tmax),
 * so that a gap finds the waits it overlaps in O((found + 1) log waits)
 * without walking every command of the run (that walk, once per gap, was
 * quadratic; so was walking back from the gap while the latest end among
 * the earlier waits was after it: one long wait kept every later one in).
 */
struct waits {
	int *op;	/* op indexes, by start of wait */
	int64_t *tmax;	/* tmax[size + k]: wait end of op[k] (INT64_MIN
			   past n); tmax[j]: the later of its children's */
	int n, size;	/* size: a power of two, at least n (the arrays
			   have room for the run's commands) */
};

static const struct model *sort_model;

static int cmp_wait(const void *a, const void *b)
{
	const struct op *x = &sort_model->ops[*(const int *)a];
	const struct op *y = &sort_model->ops[*(const int *)b];

	if (x->start_t != y->start_t)
		return x->start_t < y->start_t ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void waits_build(const struct model *m, const char *session,
			const struct by_session *ops, int nr_ops,
			struct waits *w)
{
	int i, j, lo, hi;

	w->n = 0;
	model_session_range(ops, nr_ops, session, &lo, &hi);
	for (j = lo; j < hi; j++) {
		struct op *o = &m->ops[i = ops[j].i];

		if (op_is_acquiring(o->op) && eq(o->session, session) &&
		    !o->joined && o->start_t != NEVER)
			w->op[w->n++] = i;
	}
	sort_model = m;
	qsort(w->op, (size_t)w->n, sizeof(*w->op), cmp_wait);
	sort_model = NULL;
	/* a tree of this session's waits, not of the run's commands: built
	 * per session, its size was the run's (quadratic in sessions) */
	for (w->size = 1; w->size < w->n; w->size *= 2)
		;
	for (i = 0; i < w->size; i++)
		w->tmax[w->size + i] =
			i < w->n ? wait_end(m, &m->ops[w->op[i]]) : INT64_MIN;
	for (i = w->size - 1; i >= 1; i--)
		w->tmax[i] = max64(w->tmax[2 * i], w->tmax[2 * i + 1]);
}

/* Appends to hits the op of every wait k < lo (in the subtree of node j,
 * which covers waits from..from+len-1) whose wait ends after f. */
static void waits_after(const struct waits *w, int j, int from, int len,
			int lo, int64_t f, int *hits, int *nh)
{
	if (from >= lo || w->tmax[j] <= f)
		return;
	if (len == 1) {
		hits[(*nh)++] = w->op[from];
		return;
	}
	waits_after(w, 2 * j, from, len / 2, lo, f, hits, nh);
	waits_after(w, 2 * j + 1, from + len / 2, len / 2, lo, f, hits, nh);
}

static void recovery_gap(const struct model *m, struct verdicts *out,
			 const char *session, int64_t f, int64_t n,
			 const struct hold *cause, int *flagged,
			 const struct waits *w, int *hits)
{
	int i, k, lo = 0, hi = w->n, nh = 0;

	/* waits that began before n ... */
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (m->ops[w->op[mid]].start_t < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* ... and end after f. Judged in command order, as ever. */
	waits_after(w, 1, 0, w->size, lo, f, hits, &nh);
	qsort(hits, (size_t)nh, sizeof(*hits), cmp_int);
	for (k = 0; k < nh; k++) {
		struct op *o = &m->ops[i = hits[k]];
		int64_t w0 = o->start_t, w1, base, bound, end, fo, jit, cpu;
		char what[512], boundtxt[256], how[160];
		int used_maxhold, gave_up = 0, blind;

		if (flagged[i] || !op_is_acquiring(o->op) ||
		    !eq(o->session, session) || o->joined || w0 == NEVER)
			continue;
		w1 = wait_end(m, o);
		fo = f;
		blind = cause && cause->proc >= 0 && !guessed(cause) &&
			cause->free_t == cause->end_t &&
			cause->end == END_DIED &&
			model_other_pidns(m, o->proc, cause->proc);
		if (blind)
			fo = cause->maxhold_us == NONE
				     ? NEVER
				     : max64(f, add64(cause->acq_t,
						      cause->maxhold_us));
		if (w0 >= n || w1 <= fo || w0 >= w1 || fo >= n)
			continue;
		base = max64(fo, w0);
		end = min64(n, w1);
		bound = base + o->poll_us + m->slack_us;
		bound = add64(bound, model_stopped_for(m, o->proc, base, end));
		cpu = model_cpu_wait(m, o->proc, base, end);
		bound = add64(bound, cpu);
		bound = add64(bound, model_jitter_allowance(m, o->proc));
		if (end <= bound) {
			/* Inside the bound, but refused although it could
			 * have taken the lock (two polls in that stretch,
			 * not counting the time it was stopped or waited for
			 * a CPU: end is w1 here, so cpu is that wait). */
			if (!(w1 < n && w1 == o->outcome_t && w1 < o->acq_t &&
			      refused_as_held(o) && reclaimable_cause(cause) &&
			      w1 - base > 2 * o->poll_us +
					      model_stopped_for(m, o->proc,
								base, w1) +
					      cpu))
				continue;
			gave_up = 1;
		}
		flagged[i] = 1;

		used_maxhold = cause && cause->proc >= 0 && !guessed(cause) &&
			       (cause->free_t < cause->end_t || blind);
		if (!cause) {
			snprintf(what, sizeof(what), "while nobody held it");
		} else if (cause->unreported && !used_maxhold) {
			char d[256];

			model_describe_end(m, cause, d, sizeof(d));
			snprintf(what, sizeof(what),
				 "after %s's lock file (created at %s, never "
				 "reported acquired) ended: %s",
				 model_pname(m, cause->proc),
				 secs(cause->acq_t).s, d);
		} else if (cause->creating && !cause->unreported) {
			snprintf(what, sizeof(what),
				 "after %s's acquisition under a failpoint, "
				 "from %s, left a lock file reclaimable from %s",
				 model_pname(m, cause->proc),
				 secs(cause->acq_t).s,
				 secs(cause->free_t).s);
		} else if (cause->proc < 0) {
			snprintf(what, sizeof(what),
				 "after the harness planted a '%s' lock file "
				 "at %s (reclaimable from %s)",
				 cause->damage, secs(cause->acq_t).s,
				 secs(cause->free_t).s);
		} else if (blind) {
			char d[256];

			model_describe_end(m, cause, d, sizeof(d));
			snprintf(what, sizeof(what),
				 "after %s in another PID namespace (its death "
				 "unseen there: reclaimable at its maxHoldMs "
				 "%lld, from %s)",
				 d, ms(cause->maxhold_us), secs(fo).s);
		} else if (used_maxhold) {
			int64_t from = model_hold_start(m, cause);
			const struct span *s = model_stop_within(m, cause->proc,
						     from, cause->free_t + 1);
			char state[64] = "";

			if (s)
				snprintf(state, sizeof(state),
					 ", %s at %s,",
					 s->frozen ? "frozen" : "spinning",
					 secs(s->from).s);
			snprintf(what, sizeof(what),
				 "after %s%s held it past its maxHoldMs %lld "
				 "(%s at %s)",
				 model_pname(m, cause->proc), state,
				 ms(cause->maxhold_us),
				 cause->unreported
					 ? "its file created, never reported "
					   "acquired,"
				 : from < cause->acq_t ? "its file created"
						       : "acquired",
				 secs(from).s);
		} else {
			char d[256];

			model_describe_end(m, cause, d, sizeof(d));
			snprintf(what, sizeof(what), "after %s", d);
			if (free_from(m, cause) != cause->free_t)
				snprintf(what + strlen(what),
					 sizeof(what) - strlen(what),
					 " (reaped at %s)",
					 secs(free_from(m, cause)).s);
		}
		if (used_maxhold && base == fo)
			snprintf(boundtxt, sizeof(boundtxt),
				 "maxHoldMs %lld + poll %lld ms + slack %lld "
				 "ms",
				 ms(cause->maxhold_us), ms(o->poll_us),
				 ms(m->slack_us));
		else
			snprintf(boundtxt, sizeof(boundtxt),
				 "poll %lld ms + slack %lld ms", ms(o->poll_us),
				 ms(m->slack_us));
		jit = model_jitter_allowance(m, o->proc);
		if (bound - base - jit - cpu > o->poll_us + m->slack_us)
			snprintf(boundtxt + strlen(boundtxt),
				 sizeof(boundtxt) - strlen(boundtxt),
				 " + %lld ms it was stopped",
				 ms(bound - base - jit - cpu - o->poll_us -
				    m->slack_us));
		if (cpu)
			snprintf(boundtxt + strlen(boundtxt),
				 sizeof(boundtxt) - strlen(boundtxt),
				 " + %lld ms it waited for %s", ms(cpu),
				 model_wait_what(m, o->proc));
		if (jit)
			snprintf(boundtxt + strlen(boundtxt),
				 sizeof(boundtxt) - strlen(boundtxt),
				 " + jitter %d x %lld ms", JITTER_CALLS_PER_TRY,
				 ms(jit / JITTER_CALLS_PER_TRY));
		how[0] = 0;
		if (n < w1 && n != o->acq_t)
			snprintf(how, sizeof(how),
				 " until another holder took it at %s",
				 secs(n).s);
		else if (w1 == o->outcome_t && w1 < o->acq_t &&
			 eq(o->outcome, "info"))
			snprintf(how, sizeof(how), ", then got no answer (%s)",
				 o->error ? o->error : "info");
		else if (w1 == o->outcome_t && w1 < o->acq_t)
			snprintf(how, sizeof(how), ", then failed (%s)",
				 o->reason ? o->reason : o->outcome);
		else if (w1 == m->procs[o->proc].death_t && w1 < o->acq_t)
			snprintf(how, sizeof(how), " until it %s",
				 m->procs[o->proc].how);
		else if (o->acq_t == NEVER)
			snprintf(how, sizeof(how), ", still waiting at the end");
		if (gave_up) {
			verdict_fail(out, w1, o->proc,
				     "%s gave up on %s %s: it was refused "
				     "(%s) at %s after %lld ms in which the "
				     "lock was reclaimable%s%s; a reclaimable "
				     "lock must be taken, not refused (poll "
				     "%lld ms)",
				     model_pname(m, o->proc), session, what,
				     o->reason ? o->reason : "fail",
				     secs(w1).s, ms(w1 - base),
				     base > fo ? "; it started waiting at " : "",
				     base > fo ? secs(base).s : "",
				     ms(o->poll_us));
			continue;
		}
		verdict_fail(out, bound, o->proc,
			     "%s waited %lld ms for %s %s%s%s%s (bound: %s)",
			     model_pname(m, o->proc), ms(end - base), session,
			     what,
			     base > fo ? "; it started waiting at " : "",
			     base > fo ? secs(base).s : "", how, boundtxt);
	}
}

/*
 * Walks each session's holds in order of their start (model_hold_start: the
 * kernel's create when it came before the owner's `acquired`) and finds the
 * gaps in which the lock was free to take: from the moment the last hold
 * ended (or ran past maxHoldMs) to the next start. A hold with no end and
 * no declared maxHoldMs blocks the session for good: nothing to check
 * after.
 *
 * By start, not by `acquired`: a holder frozen between its create and its
 * `acquired` line says `acquired` after a contender that reclaimed its
 * overdue file said its own; sorted by `acquired`, the contender's hold
 * came first and its whole wait was judged "while nobody held it".
 */
static _Thread_local const struct model *sort_holds; /* qsort's context */

static int cmp_hold(const void *a, const void *b)
{
	int i = *(const int *)a, j = *(const int *)b;
	int64_t x = model_hold_start(sort_holds, &sort_holds->holds[i]);
	int64_t y = model_hold_start(sort_holds, &sort_holds->holds[j]);

	if (x != y)
		return x < y ? -1 : 1;
	return i - j;
}

void check_recovery(const struct model *m, struct verdicts *out)
{
	int *flagged = xcalloc(m->nr_ops + 1, sizeof(int));
	int *idx = xcalloc(m->nr_holds + 1, sizeof(int));
	int *hits = xcalloc(m->nr_ops + 1, sizeof(int));
	struct waits w = { xcalloc(m->nr_ops + 1, sizeof(int)), NULL, 0, 1 };
	int s, i, j, n, lo, hi, nr_ops, nr_holds;
	struct by_session *ops = model_by_session(m, 0, &nr_ops);
	struct by_session *holds = model_by_session(m, 1, &nr_holds);

	while (w.size < m->nr_ops + 1)
		w.size *= 2;
	w.tmax = xcalloc(2 * (size_t)w.size, sizeof(int64_t));

	for (s = 0; s < m->nr_sessions; s++) {
		const char *session = m->sessions[s];
		int64_t f = 0, until;
		struct hold *cause = NULL;

		waits_build(m, session, ops, nr_ops, &w);
		model_session_range(holds, nr_holds, session, &lo, &hi);
		for (n = 0, j = lo; j < hi; j++)
			if (eq(m->holds[holds[j].i].session, session))
				idx[n++] = holds[j].i;
		sort_holds = m;
		qsort(idx, n, sizeof(*idx), cmp_hold);
		sort_holds = NULL;
		for (i = 0; i < n && f != NEVER;) {
			struct hold *h = &m->holds[idx[i]];

			int64_t start = model_hold_start(m, h);

			if (start > f)
				recovery_gap(m, out, session, f, start,
					     cause, flagged, &w, hits);
			until = free_from(m, h);
			cause = h;
			/* Holds that start while this one blocks extend the
			 * blocked stretch. */
			for (i++; i < n; i++) {
				struct hold *g = &m->holds[idx[i]];

				if (model_hold_start(m, g) > until)
					break;
				if (free_from(m, g) > until) {
					until = free_from(m, g);
					cause = g;
				}
			}
			f = max64(f, until);
		}
		if (f != NEVER)
			recovery_gap(m, out, session, f, NEVER, cause, flagged,
				     &w, hits);
	}
	free(idx);
	free(flagged);
	free(hits);
	free(w.op);
	free(w.tmax);
	free(holds);
	free(ops);
}
