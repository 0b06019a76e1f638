/*
 * no_silent_drop.c - every message: transcript once, or an error.
 *
 * Per (session, msg): each `ok` puts exactly one line in the transcript,
 * each refusal none; an unknown fate (no answer from a holder that died,
 * `info`, a `cleanup` failure that came after the write) zero or one, one
 * if `appended` was reported. A refusal needs a reason or an error text. A
 * command unanswered although its holder was alive and running for its
 * whole budget (timeoutMs [+ holdMs] + slack) is a drop.
 */
#include "check/checkers.h"

#include <string.h>

/* How many lines of `lines` are a JSON object whose `msg` is `msg`. */
static int count_msg(jv lines, const char *msg)
{
	int i, n = jv_array_length(jv_copy(lines)), count = 0;

	for (i = 0; i < n; i++) {
		jv raw = jv_array_get(jv_copy(lines), i);
		jv line;

		if (jv_get_kind(raw) != JV_KIND_STRING) {
			jv_free(raw);
			continue;
		}
		line = jv_parse(jv_string_value(raw));
		if (eq(jvx_cstr(line, "msg"), msg))
			count++;
		jv_free(line);
		jv_free(raw);
	}
	return count;
}

/*
 * How long a live, unstopped holder may take to answer: the acquire timeout,
 * plus the hold for a turn (a lane timeout only shortens it). NONE when the
 * history does not say, and then silence is not judged.
 */
static int64_t answer_budget(const struct op *o)
{
	if (eq(o->op, "release"))
		return 0;
	if (eq(o->op, "spin"))
		return o->spin_us > 0 ? o->spin_us : NONE;
	if (eq(o->op, "acquire") || eq(o->op, "deliver"))
		return o->timeout_us;
	if (eq(o->op, "turn"))
		return o->timeout_us == NONE ? NONE
					     : o->timeout_us +
						       (o->hold_us == NONE
								? 0
								: o->hold_us);
	return 0; /* unknown commands are refused at once */
}

/* Did `o` go unanswered although its holder had all the time it needed? */
static int unanswered_while_alive(const struct model *m, const struct op *o,
				  int64_t *deadline)
{
	int64_t budget = answer_budget(o), d, alive_until;

	if (o->nr_answers || eq(o->op, "exit") || o->start_t == NEVER ||
	    budget == NONE)
		return 0;
	alive_until = min64(m->procs[o->proc].death_t, m->t_end);
	d = o->start_t + budget + m->slack_us;
	d = add64(d, model_stopped_for(m, o->proc, o->start_t, alive_until));
	*deadline = d;
	return d < alive_until;
}

static int is_message(const struct op *o)
{
	return o->msg && o->session &&
	       (eq(o->op, "deliver") || eq(o->op, "turn"));
}

static int same_message(const struct op *a, const struct op *b)
{
	return is_message(a) && is_message(b) && eq(a->msg, b->msg) &&
	       eq(a->session, b->session);
}

void check_no_silent_drop(const struct model *m, struct verdicts *out)
{
	int i, j;
	char lbl[96];

	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i];
		int64_t deadline = NEVER;

		if (unanswered_while_alive(m, o, &deadline))
			verdict_fail(out, deadline, o->proc,
				     "%s never answered %s (sent at %s, "
				     "started at %s) although it ran until "
				     "%s",
				     model_pname(m, o->proc),
				     op_label(o, lbl, sizeof(lbl)),
				     secs(o->invoke_t).s, secs(o->start_t).s,
				     secs(min64(m->procs[o->proc].death_t,
						m->t_end))
					     .s);
	}

	/* Messages, grouped by session and id: a retried message is one
	 * message with several commands. An ok puts exactly one line there,
	 * a refusal none; an unknown fate (no answer from a holder that died,
	 * `info`, or a `cleanup` failure that came after the write) zero or
	 * one, exactly one when the holder reported it `appended`. */
	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i], *p, *ok = NULL, *refused = NULL;
		int lo = 0, hi = 0, count;
		jv lines;

		if (!is_message(o))
			continue;
		for (j = 0; j < i; j++)
			if (same_message(&m->ops[j], o))
				break;
		if (j < i)
			continue; /* this message was judged already */
		for (j = i; j < m->nr_ops; j++) {
			p = &m->ops[j];
			if (!same_message(p, o))
				continue;
			if (eq(p->outcome, "ok")) {
				lo++;
				hi++;
				if (!ok)
					ok = p;
			} else if (eq(p->outcome, "fail") &&
				   !eq(p->reason, "cleanup")) {
				if (!refused)
					refused = p;
			} else {
				hi++;
				lo += p->appended;
			}
			/* A refusal must say what went wrong. */
			if (eq(p->outcome, "fail") &&
			    (!p->error || !*p->error) &&
			    (!p->reason || !*p->reason))
				verdict_fail(out, p->outcome_t, p->proc,
					     "%s refused %s at %s without a "
					     "reason or an error text",
					     model_pname(m, p->proc), o->msg,
					     secs(p->outcome_t).s);
		}
		lines = model_transcript(m, o->session);
		count = count_msg(lines, o->msg);
		jv_free(lines);
		if (count > hi && refused) {
			verdict_fail(out, refused->outcome_t, refused->proc,
				     "%s was refused by %s at %s (%s: %s) but "
				     "%s's transcript has %d line%s for it",
				     o->msg, model_pname(m, refused->proc),
				     secs(refused->outcome_t).s,
				     refused->reason ? refused->reason
						     : "fail",
				     refused->error ? refused->error
						    : "no error text",
				     o->session, count, count == 1 ? "" : "s");
		} else if (count > hi) {
			p = ok ? ok : o;
			verdict_fail(out, p->outcome_t == NEVER ? p->invoke_t
							     : p->outcome_t,
				     p->proc,
				     "%s duplicated: %s's transcript has it "
				     "%d times, expected %s%d",
				     o->msg, o->session, count,
				     lo == hi ? "" : "at most ", hi);
		} else if (count < lo) {
			p = ok ? ok : o;
			verdict_fail(out, p->outcome_t == NEVER ? p->invoke_t
							     : p->outcome_t,
				     p->proc,
				     "%s silently dropped: %s %s at %s but "
				     "%s's transcript has %d line%s for it",
				     o->msg, model_pname(m, p->proc),
				     ok ? "answered ok" : "reported it appended",
				     secs(p->outcome_t == NEVER ? p->invoke_t
								: p->outcome_t)
					     .s,
				     o->session, count, count == 1 ? "" : "s");
		}
	}
}
