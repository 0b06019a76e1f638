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
#include "lib/jvx.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/*
 * How many lines of each session's final transcript carry each `msg`:
 * {"s1": {"m1": 1, ...}, ...}, every line parsed once (the per-message
 * re-read this replaces was quadratic in messages per session).
 */
static jv transcript_counts(const struct model *m)
{
	jv sessions = jvx_get(m->final, "sessions"), out = jv_object();

	if (jv_get_kind(sessions) != JV_KIND_OBJECT) {
		jv_free(sessions);
		return out;
	}
	jv_object_foreach(sessions, key, s)
	{
		jv lines = jvx_get(s, "transcript"), counts = jv_object();

		if (jv_get_kind(lines) == JV_KIND_ARRAY) {
			jv_array_foreach(lines, i, raw)
			{
				jv line = jv_get_kind(raw) == JV_KIND_STRING
						  ? jvx_parse(jv_string_value(raw),
						     (size_t)jv_string_length_bytes(
							     jv_copy(raw)))
						  : jv_invalid();
				const char *msg = jvx_cstr(line, "msg");

				if (msg) {
					jv had = jv_object_get(jv_copy(counts),
							       jv_string(msg));
					double n = jv_get_kind(had) ==
							   JV_KIND_NUMBER
							   ? jv_number_value(had)
							   : 0;

					jv_free(had);
					counts = jv_object_set(
						counts, jv_string(msg),
						jv_number(n + 1));
				}
				jv_free(line);
				jv_free(raw);
			}
		}
		jv_free(lines);
		jv_free(s);
		out = jv_object_set(out, key, counts);
	}
	jv_free(sessions);
	return out;
}

/* Lines for `msg` in `session`'s transcript, from transcript_counts(). */
static int count_msg(jv counts, const char *session, const char *msg)
{
	jv s = jv_object_get(jv_copy(counts), jv_string(session)), n;
	int count = 0;

	if (jv_get_kind(s) != JV_KIND_OBJECT) {
		jv_free(s);
		return 0;
	}
	n = jv_object_get(s, jv_string(msg));
	if (jv_get_kind(n) == JV_KIND_NUMBER)
		count = (int)jv_number_value(n);
	jv_free(n);
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
	d = add64(d, model_cpu_wait(m, o->proc, o->start_t, alive_until));
	*deadline = d;
	return d < alive_until;
}

static int is_message(const struct op *o)
{
	return o->msg && o->session &&
	       (eq(o->op, "deliver") || eq(o->op, "turn"));
}

void check_no_silent_drop(const struct model *m, struct verdicts *out)
{
	int i, j, *next, *last;
	char lbl[96];
	jv counts, firsts = jv_object();

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
	counts = transcript_counts(m);
	/* Each message's commands, in order, found in one pass: group key
	 * "session US msg" -> the index of its first command; each command's
	 * next of the same message (a list through `next`); last[] is the
	 * list's tail for a first command, -2 for the others. */
	next = xmalloc((size_t)(m->nr_ops + 1) * sizeof(*next));
	last = xmalloc((size_t)(m->nr_ops + 1) * sizeof(*last));
	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i];
		jv key, had;

		next[i] = -1;
		last[i] = -1;
		if (!is_message(o))
			continue;
		key = jv_string_fmt("%s%c%s", o->session, 0x1f, o->msg);
		had = jv_object_get(jv_copy(firsts), jv_copy(key));
		if (jv_get_kind(had) == JV_KIND_NUMBER) {
			int f = (int)jv_number_value(had);

			next[last[f]] = i;
			last[f] = i;
			last[i] = -2; /* not the first: judged with its group */
			jv_free(key);
		} else {
			last[i] = i;
			firsts = jv_object_set(firsts, key, jv_number(i));
		}
		jv_free(had);
	}
	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i], *p, *ok = NULL, *refused = NULL;
		int lo = 0, hi = 0, count;

		if (!is_message(o) || last[i] == -2)
			continue; /* not a message, or judged with its first */
		for (j = i; j >= 0; j = next[j]) {
			p = &m->ops[j];
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
		count = count_msg(counts, o->session, o->msg);
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
	jv_free(counts);
	jv_free(firsts);
	free(next);
	free(last);
}
