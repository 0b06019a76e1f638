/*
 * mutex.c - one owner at a time; fencing after takeover.
 *
 * Two owners: a hold taken while another owner's hold was live (before it
 * ended, by more than ORDER_EPS_US of pipe-ordering noise (or the measured
 * scheduling noise, model_release_eps), and before
 * acquired + maxHoldMs - min(slack, maxHoldMs/2)). Lanes of one process
 * are distinct owners unless `reentrant`.
 *
 * Kernel view (fs events, lives.c): a hold ends when the kernel saw its file
 * deleted, if its owner said it released it; maxHoldMs counts from the
 * file's create. One life of a lock file whose payload named two owners
 * (no damage fault meanwhile) is two owners at once, whoever reports it.
 *
 * Fencing: a transcript line written after another owner acquired the
 * session (since the writer's own last acquisition), after the writer
 * released it, or with no acquisition at all.
 *
 * Steal: a lock reclaimed from an owner that was alive, neither frozen nor
 * spinning, and within its maxHoldMs, even when the owner noticed at once
 * (released why=lock-lost before the thief's `acquired`, so no overlap
 * shows) and its fencing kept it from writing.
 *
 * Sweep: a holder's cleanup pass (`swept` removed) removed the lock file
 * of an owner that was alive, neither frozen nor spinning, and within its
 * maxHoldMs: a steal by the sweep.
 *
 * A watchdog release after a takeover: `released why=watchdog` ("my
 * watchdog removed my lock") reported after another owner had acquired
 * the session: the lock it says it let go of was not its own any more. The
 * honest report of that moment is lock-lost (a steal, if the owner was
 * still live: see above). Where the newcomer's acquisition already shows
 * as two owners at once, that verdict says it. Not when the kernel saw the
 * owner's file go before the newcomer, which found the path free, created
 * its own: the owner's report of its own removal merely came late.
 *
 * A lock being born: an empty or unparsable lock file planted for a live
 * holder of the scenario, reclaimed before the taker's graceMs had passed
 * since its mtime (check_births).
 */
#include "check/checkers.h"
#include "lib/jvx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/*
 * A transcript line's `t` is taken before the write (after the fencing
 * check) and an `acquired` after the lock file holds the payload; the
 * runner rebases both by the same integer. A line stamped after another
 * owner's `acquired` was written after that owner's file existed: no
 * margin is owed.
 */
#define FENCE_EPS_US 0

/*
 * Did `proc` still hold `session` at `t`: a hold of its taken before t that
 * had not ended (released, died, answered) by then? A kernel lock (flock)
 * keeps its file, and its next owner rewrites the payload once the first
 * let go or died: one life, two owners, one after the other. Only a second
 * owner while the first still held is two owners at once.
 */
static int held_at(const struct model *m, int proc, const char *session,
		   int64_t t)
{
	int i, reported = 0;

	if (proc < 0)
		return 1; /* a pid we cannot place: judge it as holding */
	if (m->procs[proc].death_t != NEVER && m->procs[proc].death_t <= t)
		return 0;
	for (i = 0; i < m->nr_holds; i++) {
		const struct hold *h = &m->holds[i];

		/* an attempt's `creating` hold is no report of a hold: its
		 * acquired (a hold of its own) or nothing says more. Read as
		 * one, a deliver whose create the kernel saw before its
		 * `acquired` held forever (never ended: it ended its real
		 * hold), and flock's next owner, rewriting the file A's failed
		 * unlink left, was a second owner (soak baseline,
		 * faults/io-unlink-after-write) */
		if (h->proc != proc || h->creating || !eq(h->session, session))
			continue;
		reported = 1;
		if (h->acq_t <= t && (h->end_t == NEVER || h->end_t > t))
			return 1;
	}
	/* A live owner that never reported a hold of it: the file says it
	 * holds, and nothing says otherwise. */
	return !reported;
}

/* (c) One life of a lock file, a second owner in its payload while the
 * first still held it. A file the harness planted (a damage fault just
 * before its create or rename into place) names nobody who holds: its
 * first payload is not an owner, and a holder that takes it over in
 * place (a kernel lock keeps its file) is the first one. Whether the
 * watcher read the planted payload before the takeover rewrote it is a
 * matter of scheduling: on a loaded machine it did, and flock's takeover
 * of a planted file was called two owners. */
static void check_life_owners(const struct model *m, struct verdicts *out)
{
	int k;

	for (k = 0; k < m->nr_lives; k++) {
		const struct life *l = &m->lives[k];
		int f = 0;
		char a[64], b[64];

		if (l->nr_owners >= 2 &&
		    model_planted_near(m, l->session, l->from))
			f = 1;
		if (l->damaged)
			continue;
		/* each owner against the next: a kernel lock's file has them
		 * one after the other, and any of them may be the one that
		 * still held */
		while (f + 1 < l->nr_owners &&
		       !held_at(m, l->owners[f], l->session, l->owner_t[f + 1]))
			f++;
		if (f + 1 >= l->nr_owners)
			continue;
		if (l->owners[f] >= 0)
			snprintf(a, sizeof(a), "%s", model_pname(m, l->owners[f]));
		else
			snprintf(a, sizeof(a), "pid %.0f", l->pids[f]);
		if (l->owners[f + 1] >= 0)
			snprintf(b, sizeof(b), "%s",
				 model_pname(m, l->owners[f + 1]));
		else
			snprintf(b, sizeof(b), "pid %.0f", l->pids[f + 1]);
		verdict_fail(out, l->from,
			     l->owners[f + 1] >= 0 ? l->owners[f + 1] : -1,
			     "the lock file of %s named %s, then %s, in one "
			     "life (created at %s, kernel): two owners of one "
			     "file",
			     l->session, a, b, secs(l->from).s);
	}
}

static void describe_owner(const struct model *m, const struct hold *h,
			   char *buf, size_t n)
{
	char end[256];
	char lane[64] = "";

	if (m->procs[h->proc].lanes && !eq(h->lane, "main"))
		snprintf(lane, sizeof(lane), " (lane %s)", h->lane);
	model_describe_end(m, h, end, sizeof(end));
	if (h->maxhold_us != NONE)
		snprintf(buf, n, "%s%s acquired it at %s with maxHoldMs %lld; "
				 "%s",
			 model_pname(m, h->proc), lane, secs(h->acq_t).s,
			 ms(h->maxhold_us), end);
	else
		snprintf(buf, n, "%s%s acquired it at %s; %s",
			 model_pname(m, h->proc), lane, secs(h->acq_t).s, end);
}

/*
 * Until when h's owner owned the session in the eyes of newcomer n: h's
 * end (with the stamping margin, unless n says it reclaimed a file whose
 * owner had not let go), and never past h's maxHoldMs, whose edge gets the
 * slack (up to half of maxHoldMs).
 */
static int64_t live_until(const struct model *m, const struct hold *h,
			  const struct hold *n)
{
	int64_t t = h->end_t;

	if (t != NEVER &&
	    (!n->reclaimed || h->end == END_DIED || h->end == END_DAMAGED ||
	     h->end == END_SWEPT))
		t -= model_release_eps(m, h, n);
	if (h->maxhold_us != NONE)
		t = min64(t, model_hold_start(m, h) + h->maxhold_us -
				     min64(m->slack_us, h->maxhold_us / 2));
	return t;
}

/*
 * (a) Two owners at once: a hold taken while another owner's hold was live,
 * i.e. before it ended (see ORDER_EPS_US) and before it ran past its
 * maxHoldMs. The maxHoldMs edge gets the slack (up to half of maxHoldMs)
 * because contenders judge it by the payload's wall-clock createdAt, which
 * precedes the owner's `acquired` stamp by an unbounded scheduling delay.
 */
/* The latest a hold can be live: its end, or its maxHoldMs bound (before
 * the slack and ORDER_EPS_US, which only shorten it). */
static int64_t live_bound(const struct hold *h)
{
	return h->maxhold_us != NONE ? min64(h->end_t, h->acq_t + h->maxhold_us)
				     : h->end_t;
}

static void check_mutex_owners(const struct model *m,
			       struct verdicts *out)
{
	int i, j;
	char who[512];
	/* Per session, the latest live_bound among the holds before: when
	 * it is not past a newcomer's acquisition, no earlier hold can have
	 * been live then, and the walk below is skipped (it was the whole
	 * run's holds for every hold: quadratic). */
	jv latest = jv_object();
	int64_t *bound = xcalloc((size_t)m->nr_holds + 1, sizeof(*bound));
	int nb = 0;

	for (i = 0; i < m->nr_holds; i++) {
		struct hold *n = &m->holds[i];
		jv slot = jv_object_get(jv_copy(latest), jv_string(n->session));
		int q;

		if (jv_get_kind(slot) == JV_KIND_NUMBER) {
			q = (int)jv_number_value(slot);
		} else {
			q = nb++;
			bound[q] = INT64_MIN;
			latest = jv_object_set(latest, jv_string(n->session),
					       jv_number(q));
		}
		jv_free(slot);
		if (n->proc < 0 || n->creating || bound[q] <= n->acq_t) {
			if (n->proc >= 0 && !n->creating)
				bound[q] = max64(bound[q], live_bound(n));
			continue;
		}
		bound[q] = max64(bound[q], live_bound(n));
		for (j = 0; j < i; j++) {
			struct hold *h = &m->holds[j];

			if (h->proc < 0 || h->creating ||
			    !eq(h->session, n->session) ||
			    hold_same_owner(h, n))
				continue;
			if (n->acq_t >= live_until(m, h, n))
				continue;
			describe_owner(m, h, who, sizeof(who));
			verdict_fail(out, n->acq_t, n->proc,
				     "%s%s%s acquired %s at %s while %s still "
				     "held it: %s",
				     model_pname(m, n->proc),
				     n->proc == h->proc ? " lane " : "",
				     n->proc == h->proc ? n->lane : "",
				     n->session, secs(n->acq_t).s,
				     model_pname(m, h->proc), who);
			break;
		}
	}
	jv_free(latest);
	free(bound);
}

/*
 * (d) Steal: n reclaimed the lock of h's owner, who was alive, running and
 * within its maxHoldMs. Only the case (a) cannot see is judged here: h
 * ended by lock-lost after n began to acquire and no later than n's
 * `acquired` (the owner noticed the theft), so no overlap shows.
 */
static void check_steals(const struct model *m, struct verdicts *out)
{
	int i, j;

	for (i = 0; i < m->nr_holds; i++) {
		const struct hold *n = &m->holds[i];
		int64_t began;
		char mh[48];

		if (n->proc < 0 || n->creating || !n->reclaimed)
			continue;
		began = n->op >= 0 ? m->ops[n->op].start_t : n->acq_t;
		if (began == NEVER)
			began = n->acq_t;
		for (j = i - 1; j >= 0; j--) {
			const struct hold *h = &m->holds[j];
			const struct proc *p;

			if (h->proc < 0 || h->creating ||
			    !eq(h->session, n->session) ||
			    hold_same_owner(h, n) || h->acq_t > n->acq_t)
				continue;
			p = &m->procs[h->proc];
			if (h->maxhold_us != NONE)
				snprintf(mh, sizeof(mh), "its maxHoldMs %lld",
					 ms(h->maxhold_us));
			else
				snprintf(mh, sizeof(mh),
					 "no maxHoldMs declared");
			if (h->end == END_RELEASED &&
			    eq(h->released_why, "lock-lost") &&
			    h->released_t >= began &&
			    h->released_t <= n->acq_t + ORDER_EPS_US &&
			    p->death_t > n->acq_t &&
			    !model_stop_within(m, h->proc, h->acq_t,
					       n->acq_t + 1) &&
			    (h->maxhold_us == NONE ||
			     n->acq_t < model_hold_start(m, h) + h->maxhold_us -
						min64(m->slack_us,
						      h->maxhold_us / 2)))
				verdict_fail(
				    out, n->acq_t, n->proc,
				    "%s took %s from %s at %s (reclaimed: %s) "
				    "although %s was alive, neither frozen nor "
				    "spinning, and within its hold (%s, "
				    "acquired at %s): a steal, whatever %s's "
				    "fencing did after (it reported the lock "
				    "lost at %s)",
				    model_pname(m, n->proc), n->session,
				    model_pname(m, h->proc), secs(n->acq_t).s,
				    n->reclaimed, model_pname(m, h->proc), mh,
				    secs(h->acq_t).s, model_pname(m, h->proc),
				    secs(h->released_t).s);
			break; /* only the latest owner before n */
		}
	}
}

/*
 * (f) A sweep (the folder's cleanup pass, `swept` removed) removed the
 * lock of an owner that was alive, neither frozen nor spinning, and within
 * its maxHoldMs: a steal, as a contender's reclaim would be. A removed
 * file of a dead owner, past its maxHoldMs, or planted, is the sweep's job.
 */
static void check_sweeps(const struct model *m, struct verdicts *out)
{
	int i;

	for (i = 0; i < m->nr_sweeps; i++) {
		const struct sweep *sw = &m->sweeps[i];
		const struct hold *h;
		char mh[48];

		if (sw->victim < 0)
			continue;
		h = &m->holds[sw->victim];
		if (m->procs[h->proc].death_t <= sw->t ||
		    model_stop_within(m, h->proc, h->acq_t, sw->t + 1) ||
		    (h->maxhold_us != NONE &&
		     sw->t >= model_hold_start(m, h) + h->maxhold_us -
				      min64(m->slack_us, h->maxhold_us / 2)))
			continue;
		if (h->maxhold_us != NONE)
			snprintf(mh, sizeof(mh), "its maxHoldMs %lld",
				 ms(h->maxhold_us));
		else
			snprintf(mh, sizeof(mh), "no maxHoldMs declared");
		verdict_fail(out, sw->t, sw->proc,
			     "%s's sweep removed %s's lock file at %s (%s) "
			     "although %s was alive, neither frozen nor "
			     "spinning, and within its hold (%s, acquired at "
			     "%s): a sweep must keep a live owner's lock",
			     model_pname(m, sw->proc), sw->session,
			     secs(sw->t).s, sw->reason ? sw->reason : "?",
			     model_pname(m, h->proc), mh, secs(h->acq_t).s);
	}
}

/*
 * Did the kernel see h's file go before n's came, n finding the path free
 * (no reclaim)? Then h's release removed its own file and only its report
 * came late (its holder descheduled between the unlink and the line, under
 * load). Had n reclaimed, n removed h's file itself: h's report of its own
 * removal would be false.
 */
static int unlinked_before(const struct model *m, const struct hold *h,
			   const struct hold *n)
{
	return !n->reclaimed && h->life >= 0 && m->lives[h->life].to != NEVER &&
	       !m->lives[h->life].damaged &&
	       m->lives[h->life].to <= model_hold_start(m, n);
}

/*
 * (e) A watchdog release reported after a takeover (see the top).
 */
static void check_late_releases(const struct model *m, struct verdicts *out)
{
	int i, j;

	for (i = 0; i < m->nr_holds; i++) {
		const struct hold *h = &m->holds[i];

		if (h->proc < 0 || h->creating || h->released_t == NEVER ||
		    !eq(h->released_why, "watchdog"))
			continue;
		for (j = 0; j < m->nr_holds; j++) {
			const struct hold *n = &m->holds[j];

			if (n->proc < 0 || n->creating ||
			    !eq(n->session, h->session) ||
			    hold_same_owner(h, n) || n->acq_t <= h->acq_t ||
			    n->acq_t >= h->released_t - ORDER_EPS_US ||
			    n->acq_t < live_until(m, h, n) ||
			    unlinked_before(m, h, n))
				continue;
			verdict_fail(out, h->released_t, h->proc,
				     "%s reported released why=%s on %s at %s "
				     "after %s acquired it at %s: %s let go "
				     "of a lock that was no longer its own "
				     "(it removed %s's lock, or believed it "
				     "still held one it had lost)",
				     model_pname(m, h->proc), h->released_why,
				     h->session, secs(h->released_t).s,
				     model_pname(m, n->proc), secs(n->acq_t).s,
				     model_pname(m, h->proc),
				     model_pname(m, n->proc));
			break;
		}
	}
}

/*
 * (b) Fencing: a transcript line (holder, lane, t; `t` rebased onto
 * scenario time by the runner) must be written while its holder owned the
 * session: after its latest acquisition, before anybody else's, and before
 * it let go.
 */
static void check_fencing(const struct model *m, struct verdicts *out,
			  const char *session, const struct by_session *bs,
			  int nr_bs, int *idx, int64_t *sufmin)
{
	jv lines = model_transcript(m, session);
	int i, j, k, n = jv_array_length(jv_copy(lines)), nl = 0, lo, hi;
	/* The holds that can matter, those of a holder on this session (in
	 * the order of m->holds): idx; and the earliest acquisition among
	 * each one and those after it: sufmin (both with room for every
	 * hold, the caller's, made once for all sessions). A line is looked
	 * up in O(log holds) and the holds near it, not all of them (a scan
	 * of every hold per line made the checker quadratic in messages). */

	model_session_range(bs, nr_bs, session, &lo, &hi);
	for (j = lo; j < hi; j++)
		if (m->holds[k = bs[j].i].proc >= 0 && !m->holds[k].creating &&
		    eq(m->holds[k].session, session))
			idx[nl++] = k;
	sufmin[nl] = INT64_MAX;
	for (j = nl - 1; j >= 0; j--)
		sufmin[j] = m->holds[idx[j]].acq_t < sufmin[j + 1]
				    ? m->holds[idx[j]].acq_t
				    : sufmin[j + 1];

	for (i = 0; i < n; i++) {
		jv raw = jv_array_get(jv_copy(lines), i), line;
		const char *holder, *lane, *msg;
		double td;
		int64_t t;
		int proc = -1, own = -1, jown = -1, a, b;
		char what[96];

		line = jv_get_kind(raw) == JV_KIND_STRING
			       ? jvx_parse(jv_string_value(raw),
					   (size_t)jv_string_length_bytes(
						   jv_copy(raw)))
			       : jv_invalid();
		holder = jvx_cstr(line, "holder");
		lane = jvx_cstr(line, "lane");
		msg = jvx_cstr(line, "msg");
		proc = model_proc(m, holder); /* names are unique */
		if (proc < 0 || !jvx_has_num(line, "t", &td))
			goto next; /* not a holder's line: nothing to fence */
		t = (int64_t)td;
		snprintf(what, sizeof(what), "%s", msg ? msg : "a line");
		/* The writer's latest hold begun before the line, on the
		 * line's lane if the line says which. Those from the first
		 * whose own and later acquisitions all come after the line
		 * (sufmin is non-decreasing) need not be looked at. */
		for (a = 0, b = nl; a < b;) {
			int mid = a + (b - a) / 2;

			if (sufmin[mid] > t + FENCE_EPS_US)
				b = mid;
			else
				a = mid + 1;
		}
		for (j = a - 1; j >= 0; j--) {
			struct hold *h = &m->holds[idx[j]];

			if (h->proc != proc || h->acq_t > t + FENCE_EPS_US)
				continue;
			if (own < 0)
				own = idx[j], jown = j;
			if (!lane || eq(h->lane, lane)) {
				own = idx[j], jown = j;
				break;
			}
		}
		if (own < 0) {
			verdict_fail(out, t, proc,
				     "%s wrote %s to %s at %s without ever "
				     "holding its lock",
				     holder, what, session, secs(t).s);
			goto next;
		}
		/* A later hold of another owner begun before the line; none
		 * once every later acquisition comes after it. */
		for (j = jown + 1; j < nl; j++) {
			struct hold *x = &m->holds[idx[j]];

			if (sufmin[j] >= t - FENCE_EPS_US) {
				j = nl;
				break;
			}
			if (hold_same_owner(x, &m->holds[own]) ||
			    (x->proc == proc && !lane))
				continue;
			if (x->acq_t < t - FENCE_EPS_US)
				break;
		}
		if (j < nl) {
			struct hold *x = &m->holds[idx[j]];

			verdict_fail(out, t, proc,
				     "%s wrote %s to %s at %s after %s took "
				     "the lock at %s (%s held it from %s)",
				     holder, what, session, secs(t).s,
				     model_pname(m, x->proc), secs(x->acq_t).s,
				     holder, secs(m->holds[own].acq_t).s);
		} else if (m->holds[own].released_t < t - FENCE_EPS_US) {
			verdict_fail(out, t, proc,
				     "%s wrote %s to %s at %s after "
				     "releasing the lock at %s",
				     holder, what, session, secs(t).s,
				     secs(m->holds[own].released_t).s);
		}
next:
		jv_free(line);
		jv_free(raw);
	}
	jv_free(lines);
}

/*
 * (h) A lock being born, taken: the harness planted an empty or
 * unparsable lock file naming a live holder of the scenario as its owner
 * (`damage s1 empty owner=A`: A's file between its O_EXCL create and its
 * payload, as a creator paused there leaves it), and the next owner of the
 * session reclaimed it before graceMs had passed since its mtime (L5): had
 * A written its payload then, two owners. The file is stale no earlier
 * than the damage's startT (taken before the file was written: at or
 * before its mtime) less its age plus the taker's graceMs, less
 * BIRTH_EPS_US for the kernel's coarse mtime and the lock's millisecond
 * rounding; the taker's `acquired` comes after its verdict. Not for a
 * taker whose wall clock was stepped (the mtime ages by the wall clock),
 * nor for files planted for `init`, `dead` or nobody: the catalog's
 * scenarios judge those by their expectations.
 */
#define BIRTH_EPS_US 20000

static int clock_stepped(const struct model *m, int proc)
{
	int i, found = 0;

	for (i = 0; i < m->n && !found; i++) {
		jv e = model_event(m, i);

		found = eq(jvx_cstr(e, "type"), "fault") &&
			eq(jvx_cstr(e, "fault"), "clock") &&
			eq(jvx_cstr(e, "target"), model_pname(m, proc));
		jv_free(e);
	}
	return found;
}

static void check_births(const struct model *m, struct verdicts *out)
{
	int i, k;

	for (i = 0; i < m->nr_holds; i++) {
		const struct hold *p = &m->holds[i], *n = NULL;
		int owner, alive;
		int64_t grace, start, age, stale;
		double v;
		jv e;

		if (p->proc >= 0 || !p->damage || p->ev < 0 ||
		    !(eq(p->damage, "empty") || eq(p->damage, "truncated") ||
		      eq(p->damage, "garbage")))
			continue;
		/* the session's next owner, or the next planted file */
		for (k = 0; k < m->nr_holds; k++) {
			const struct hold *h = &m->holds[k];

			if (k == i || h->creating || !eq(h->session, p->session) ||
			    h->acq_t < p->acq_t || (h->acq_t == p->acq_t && k < i))
				continue;
			if (!n || h->acq_t < n->acq_t)
				n = h;
		}
		if (!n || n->proc < 0 || !n->reclaimed)
			continue;
		e = model_event(m, p->ev);
		/* `ownerAlive` is written for a holder of the scenario only
		 * (not init, not dead) */
		owner = model_proc(m, jvx_cstr(e, "owner"));
		alive = jvx_true(e, "ownerAlive") &&
			!eq(jvx_cstr(e, "owner"), "init") &&
			!eq(jvx_cstr(e, "owner"), "dead");
		start = jvx_has_num(e, "startT", &v) && v > -9.2e18 &&
				v < 9.2e18
			? (int64_t)v
			: NEVER;
		age = (int64_t)(jvx_num(e, "ageMs", 0) * 1000.0);
		jv_free(e);
		if (owner < 0 || !alive || owner == n->proc || start == NEVER)
			continue;
		grace = n->op >= 0 ? m->ops[n->op].grace_us : NONE;
		if (grace == NONE)
			grace = m->def_grace;
		if (grace == NONE || clock_stepped(m, n->proc))
			continue;
		stale = start - age + grace;
		if (n->acq_t < stale - BIRTH_EPS_US)
			verdict_fail(out, n->acq_t, n->proc,
				     "%s took %s at %s (reclaimed: %s) while it "
				     "was a lock being born: a fresh %s lock file "
				     "of %s's (alive), planted at %s, not stale "
				     "before its graceMs %lld had passed, at %s "
				     "(L5: its creator may be about to write its "
				     "payload)",
				     model_pname(m, n->proc), n->session,
				     secs(n->acq_t).s, n->reclaimed, p->damage,
				     model_pname(m, owner), secs(p->acq_t).s,
				     ms(grace), secs(stale).s);
	}
}

void check_mutex(const struct model *m, struct verdicts *out)
{
	int s, nr_bs;
	struct by_session *bs = model_by_session(m, 1, &nr_bs);
	int *idx = xcalloc((size_t)m->nr_holds + 1, sizeof(*idx));
	int64_t *sufmin = xcalloc((size_t)m->nr_holds + 1, sizeof(*sufmin));

	check_mutex_owners(m, out);
	check_life_owners(m, out);
	check_steals(m, out);
	check_sweeps(m, out);
	check_late_releases(m, out);
	check_births(m, out);
	for (s = 0; s < m->nr_sessions; s++)
		check_fencing(m, out, m->sessions[s], bs, nr_bs, idx, sufmin);
	free(sufmin);
	free(idx);
	free(bs);
}
