/*
 * protocol.c - holders speak the protocol, one outcome each.
 *
 * Any `error` event of a holder (non-protocol output, second hello, a
 * malformed hello, a foreign clock, a command it did not understand: the
 * harness sends only valid ones); two answers to one command; an answer to
 * a command never sent; a command never answered because its holder ended
 * on its own (exited, or died, without a kill, term or signal fault or an
 * exit command of the scenario): the steps it was given never happened,
 * so nothing about them may pass.
 */
#include "check/checkers.h"

#include <stdio.h>
#include <string.h>

void check_protocol(const struct model *m, struct verdicts *out)
{
	int i;
	char lbl[96];

	for (i = 0; i < m->nr_errors; i++) {
		jv e = model_event(m, m->errors[i]);
		const char *proc = jvx_cstr(e, "process");
		const char *line = jvx_cstr(e, "line");
		const char *err = jvx_cstr(e, "error");
		char cut[121];

		/* In a scenario the harness only sends valid commands, so
		 * any error of a holder is a breach: output that is not the
		 * protocol (`line` holds it), a second hello, a clock that
		 * is not CLOCK_MONOTONIC, a command it did not understand.
		 * The harness's own errors are not a holder's. */
		if (proc && strcmp(proc, "harness")) {
			snprintf(cut, sizeof(cut), "%s", line ? line : "");
			verdict_fail_named(out, m->t[m->errors[i]], proc,
					   "%s broke the protocol at %s: %s%s%s",
					   proc, secs(m->t[m->errors[i]]).s,
					   err ? err : "no error text",
					   line ? ": " : "", cut);
		}
		jv_free(e);
	}
	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i];

		if (o->nr_answers > 1)
			verdict_fail(out, o->answer_t[1], o->proc,
				     "%s answered %s %d times: %s at %s, "
				     "then %s at %s",
				     model_pname(m, o->proc),
				     op_label(o, lbl, sizeof(lbl)),
				     o->nr_answers, o->answer[0],
				     secs(o->answer_t[0]).s, o->answer[1],
				     secs(o->answer_t[1]).s);
	}
	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i];

		if (!o->unprompted || o->nr_answers)
			continue;
		verdict_fail(out, o->outcome_t, o->proc,
			     "%s never answered %s: it %s at %s on its own "
			     "(the scenario did not end it), so the step "
			     "was never carried out",
			     model_pname(m, o->proc),
			     op_label(o, lbl, sizeof(lbl)),
			     m->procs[o->proc].how,
			     secs(m->procs[o->proc].death_t).s);
	}
	for (i = 0; i < m->nr_orphans; i++) {
		jv e = model_event(m, m->orphans[i]);
		const char *proc = jvx_cstr(e, "process");
		const char *type = jvx_cstr(e, "type");
		double id = -1;

		jvx_has_num(e, "id", &id);
		verdict_fail(out, m->t[m->orphans[i]], model_proc(m, proc),
			     "%s answered command %lld, which was never "
			     "sent (%s at %s)",
			     proc ? proc : "someone", (long long)id, type,
			     secs(m->t[m->orphans[i]]).s);
		jv_free(e);
	}
}
