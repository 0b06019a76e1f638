/*
 * visibility.c - a WARN line for every reclaim and refusal.
 *
 * A holder's WARN/ERROR log is owed between its command's invoke and answer
 * (+ slack) for: an `acquired` with `reclaimed`; an acquisition of a lock
 * its previous owner never released (any holder's WARN since that owner's
 * acquisition counts, since the reclaimer and the winner of the race may
 * differ); and a refused deliver/turn message, whose WARN must name the msg
 * id as a word. Seed 000 asks for exactly this: a refusal nobody can see is
 * a drop by another name. A kernel lock (its holder's spawn says
 * "lockFile": "kept") whose owner died was let go of by the kernel: the
 * next owner took nothing from anybody.
 */
#include "check/checkers.h"

#include <stdio.h>
#include <string.h>

static int is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Does `text` name `id` as a whole word ("m1" is not in "m10")? */
static int names(const char *text, const char *id)
{
	size_t n = strlen(id);
	const char *p = text;

	if (!text || !n)
		return 0;
	while ((p = strstr(p, id))) {
		if ((p == text || !is_ident(p[-1])) && !is_ident(p[n]))
			return 1;
		p++;
	}
	return 0;
}

/* A WARN or ERROR log of `proc` (ANY_PROC: of any holder) within
 * [from, to], naming `id` if set. A line stamped after `to` still counts
 * by as much as its writer waited for a CPU in between: a contender that
 * reclaimed, then was descheduled before it could write its WARN (650 ms
 * at load 70, while another contender took the emptied path), said it as
 * soon as it ran. */
#define ANY_PROC (-2)
static int warned(const struct model *m, int proc, int64_t from, int64_t to,
		  const char *id)
{
	int i;

	for (i = 0; i < m->nr_logs; i++) {
		struct logline *l = &m->logs[i];

		if ((proc == ANY_PROC ? l->proc < 0 : l->proc != proc) ||
		    l->t < from ||
		    !(eq(l->level, "WARN") || eq(l->level, "ERROR")))
			continue;
		if (l->t > to &&
		    l->t - model_cpu_wait(m, l->proc, to, l->t) > to)
			continue;
		if (!id || names(l->msg, id))
			return 1;
	}
	return 0;
}

/* When hold `p` let go, as its next owner can judge it: its `released`,
 * less the time its holder then waited for a CPU when the kernel had seen
 * its file deleted first (END_UNLINKED: a release that said why=release).
 * Such an owner had deleted its own file and was descheduled before it
 * could say so (20 ms at load 20, while the next contender created the
 * path afresh: races/fresh-lock-jitter on OpenClaw 5.2). An owner whose
 * file a contender deleted while it was frozen says released late all
 * the same: stopped is not waiting for a CPU. */
static int64_t released_at(const struct model *m, const struct hold *p)
{
	if (p->end != END_UNLINKED || p->released_t == NEVER)
		return p->released_t;
	return p->released_t -
	       model_cpu_wait(m, p->proc, p->end_t, p->released_t);
}

/* The stretch in which an operation's WARN belongs: from its invoke to its
 * answer plus slack (to the end when it never answered). */
static void op_window(const struct model *m, const struct op *o, int64_t *from,
		      int64_t *to)
{
	*from = o->invoke_t;
	*to = o->outcome_t == NEVER ? m->t_end : o->outcome_t + m->slack_us;
}

void check_visibility(const struct model *m, struct verdicts *out)
{
	int i;
	int64_t from, to;
	char why[512], lbl[96];

	for (i = 0; i < m->nr_holds; i++) {
		struct hold *h = &m->holds[i], *p;

		if (h->proc < 0 || h->creating)
			continue;
		p = h->prev >= 0 ? &m->holds[h->prev] : NULL;
		if (h->reclaimed) {
			snprintf(why, sizeof(why), "reclaimed it (%s)",
				 h->reclaimed);
		} else if (p && !hold_same_owner(p, h) &&
			   !eq(p->damage, "removed") &&
			   !(p->end == END_DIED && p->proc >= 0 &&
			     m->procs[p->proc].lock_kept) &&
			   released_at(m, p) > h->acq_t +
						    model_release_eps(m, p, h) &&
			   !(p->released_by_op &&
			     p->end_t <= h->acq_t + ORDER_EPS_US)) {
			if (p->proc < 0) {
				snprintf(why, sizeof(why),
					 "took over a '%s' lock file the "
					 "harness planted at %s",
					 p->damage, secs(p->acq_t).s);
			} else {
				char d[256];

				model_describe_end(m, p, d, sizeof(d));
				snprintf(why, sizeof(why),
					 "took it from %s, which had not "
					 "released it (%s)",
					 model_pname(m, p->proc), d);
			}
		} else {
			continue;
		}
		if (h->op >= 0) {
			op_window(m, &m->ops[h->op], &from, &to);
		} else {
			from = h->acq_t - m->slack_us;
			to = h->acq_t + m->slack_us;
		}
		/* A holder that says it reclaimed must say so in its log.
		 * One that merely found the lock gone may have raced the
		 * contender that reclaimed it (unlink, then someone else's
		 * O_EXCL wins): that contender's WARN covers it. */
		if (!warned(m, h->proc, from, to, NULL) &&
		    (h->reclaimed || !p ||
		     !warned(m, ANY_PROC, p->acq_t, h->acq_t + m->slack_us,
			     NULL)))
			verdict_fail(out, h->acq_t, h->proc,
				     "%s acquired %s at %s and %s, with no "
				     "WARN or ERROR log",
				     model_pname(m, h->proc), h->session,
				     secs(h->acq_t).s, why);
	}
	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i];

		if (!o->msg || !eq(o->outcome, "fail") ||
		    !(eq(o->op, "deliver") || eq(o->op, "turn")))
			continue;
		op_window(m, o, &from, &to);
		if (!warned(m, o->proc, from, to, o->msg))
			verdict_fail(out, o->outcome_t,
				     o->proc,
				     "%s refused %s at %s (%s) with no WARN "
				     "or ERROR log naming %s",
				     model_pname(m, o->proc),
				     op_label(o, lbl, sizeof(lbl)),
				     secs(o->outcome_t).s,
				     o->reason ? o->reason : "fail", o->msg);
	}
}
