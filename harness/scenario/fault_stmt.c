/*
 * fault_stmt.c - fault statements, read from the fault table.
 *
 * `WORD POSITIONAL... [key=value | flag]...`: the row (faults/faults.h)
 * says which words come in order, which keys and flags follow, what kind
 * of value each holds. Every message below is built from the row, so a new
 * fault gets its errors without a line of parser code.
 */
#include "scenario/parse.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

/* Names of f's keys that pass `want` (positional, flag, or key=value). */
static char *key_list(const struct fault *f, int want, const char *last)
{
	const char *names[FAULT_MAX_KEYS];
	const struct fault_key *k;
	int n = 0;

	for (k = f->keys; k->name; k++) {
		int kind = k->positional ? 0 : k->kind == FAULT_ARG_FLAG ? 1 : 2;

		if (kind == want)
			names[n++] = k->name;
	}
	return lex_list(names, n, last);
}

/* "WORD: expected SYNOPSIS", and the choices of the first positional
 * that has some: what a line with the wrong number of words is told. */
static int usage(struct parser *p, const struct fault *f)
{
	const struct fault_key *k;

	for (k = f->keys; k->name && k->positional; k++) {
		if (k->kind == FAULT_ARG_CHOICE) {
			char *all = lex_list(k->choices, -1, ", ");

			parse_fail(p, "%s: expected %s, %s one of: %s", f->name,
				   f->arity ? f->arity : f->synopsis, k->meta,
				   all);
			free(all);
			return -1;
		}
	}
	return parse_fail(p, "%s: expected %s", f->name,
			  f->arity ? f->arity : f->synopsis);
}

/* `word` is one of f's flag words. */
static int is_flag(const struct fault *f, const char *word)
{
	const struct fault_key *k;

	for (k = f->keys; k->name; k++)
		if (!k->positional && k->kind == FAULT_ARG_FLAG &&
		    !strcmp(k->name, word))
			return 1;
	return 0;
}

static int choice_index(const struct fault_key *k, const char *v)
{
	int i;

	for (i = 0; k->choices[i]; i++)
		if (!strcmp(k->choices[i], v))
			return i;
	return -1;
}

/* Reads value `v` of key `k` into *a. 0, or -1 with p->err. */
static int read_value(struct parser *p, const struct fault *f,
		      const struct fault_key *k, const char *v,
		      struct scn_arg *a)
{
	int64_t n = 1;

	switch (k->kind) {
	case FAULT_ARG_HOLDER:
		if (parse_need_holder(p, f->name, v))
			return -1;
		break;
	case FAULT_ARG_SESSION:
		if (!lex_is_name(v))
			return k->positional ? usage(p, f)
					     : parse_fail(p, "%s: '%s' is not "
							  "a name",
							  f->name, v);
		break;
	case FAULT_ARG_CHOICE:
		n = choice_index(k, v);
		if (n < 0) {
			char *all = lex_list(k->choices, -1, ", ");

			parse_fail(p, "%s: unknown %s '%s' (expected one of: "
				      "%s)",
				   f->name, k->name, v, all);
			free(all);
			return -1;
		}
		break;
	case FAULT_ARG_DURATION:
		if (parse_ms(p, k->name, v, &n))
			return -1;
		break;
	case FAULT_ARG_ERRNO:
		n = errno_from_name(v);
		if (n < 0)
			return parse_fail(p, "%s: unknown errno '%s' (expected "
					     "e.g. EIO, ENOSPC, EACCES or a "
					     "number)",
					  f->name, v);
		break;
	case FAULT_ARG_POINT:
		if (!*v || strpbrk(v, ", \t"))
			return parse_fail(p, "%s: bad point name '%s'",
					  f->name, v);
		break;
	case FAULT_ARG_OWNER:
		if (strcmp(v, "init") && strcmp(v, "dead")) {
			char *verb = xasprintf("%s %s", f->name, k->name);
			int rc = parse_need_holder(p, verb, v);

			free(verb);
			if (rc)
				return -1;
		}
		break;
	case FAULT_ARG_FLAG:
		break;
	case FAULT_ARG_TEXT:
		if (!*v)
			return parse_fail(p, "%s: %s= is empty", f->name,
					  k->name);
		break;
	}
	free(a->str);
	a->str = xstrdup(v);
	a->num = n;
	a->set = 1;
	return 0;
}

int parse_fault(struct parser *p, const struct fault *f, struct words *w,
		int64_t at, int64_t jitter)
{
	const struct fault_key *k;
	struct scn_step *st;
	int npos = 0, nkeys = 0, required = 0, nmany = 0, i;

	for (k = f->keys; k->name; k++) {
		if (k->positional)
			npos++;
		else
			nkeys++;
		if (!k->positional && k->required)
			required = 1;
	}
	/* A last positional that takes many holder names: the extra words
	 * up to the first key=value or flag word are its too. */
	if (npos && f->keys[npos - 1].many)
		for (i = 1 + npos; i < w->nr && !strchr(w->w[i], '=') &&
				   !is_flag(f, w->w[i]);
		     i++)
			nmany++;
	if (w->nr < 1 + npos + required || (!nkeys && w->nr != 1 + npos))
		return usage(p, f);
	/* The words in order are checked before the step exists. */
	for (i = 0; i < npos + nmany; i++) {
		struct scn_arg tmp = { NULL, 0, 0 };
		int ki = i < npos ? i : npos - 1;
		int rc = read_value(p, f, &f->keys[ki], w->w[1 + i], &tmp);

		free(tmp.str);
		if (rc)
			return -1;
	}
	st = parse_new_step(p, STEP_FAULT, at, jitter);
	st->fault = f;
	for (i = 0; f->keys[i].name; i++)
		st->args[i].num = f->keys[i].def;
	for (i = 0; i < npos; i++) {
		read_value(p, f, &f->keys[i], w->w[1 + i], &st->args[i]);
		if (f->keys[i].kind == FAULT_ARG_HOLDER && !st->holder)
			st->holder = xstrdup(w->w[1 + i]);
		if (f->keys[i].kind == FAULT_ARG_SESSION && !st->session)
			st->session = xstrdup(w->w[1 + i]);
	}
	for (i = 0; i < nmany; i++) {
		struct scn_arg *a = &st->args[npos - 1];
		char *all = xasprintf("%s %s", a->str, w->w[1 + npos + i]);

		free(a->str);
		a->str = all;
	}
	for (i = 1 + npos + nmany; i < w->nr; i++) {
		char *word = w->w[i], *kw, *v;
		int ki;

		for (ki = npos; f->keys[ki].name; ki++)
			if (f->keys[ki].kind == FAULT_ARG_FLAG &&
			    !strcmp(f->keys[ki].name, word))
				break;
		if (f->keys[ki].name) {
			read_value(p, f, &f->keys[ki], word, &st->args[ki]);
			continue;
		}
		if (!lex_kv(word, &kw, &v)) {
			char *flags = key_list(f, 1, " or ");

			parse_fail(p, "%s: expected key=value%s%s, got '%s'",
				   f->name, *flags ? ", " : "", flags, word);
			free(flags);
			return -1;
		}
		for (ki = npos; f->keys[ki].name; ki++)
			if (f->keys[ki].kind != FAULT_ARG_FLAG &&
			    !strcmp(f->keys[ki].name, kw))
				break;
		if (!f->keys[ki].name) {
			char *keys = key_list(f, 2, ", ");

			parse_fail(p, "%s: unknown key '%s' (expected %s)",
				   f->name, kw, keys);
			free(keys);
			return -1;
		}
		if (read_value(p, f, &f->keys[ki], v, &st->args[ki]))
			return -1;
	}
	for (i = npos; f->keys[i].name; i++)
		if (f->keys[i].required && !st->args[i].set)
			return parse_fail(p, "%s: expected %s=%s", f->name,
					  f->keys[i].name, f->keys[i].meta);
	if (f->validate) {
		const char *why = f->validate(st);

		if (why)
			return parse_fail(p, "%s: %s", f->name, why);
	}
	if ((f->needs & FAULT_NEEDS_FIU) && st->holder)
		parse_holder(p, st->holder)->needs_fiu = 1;
	if ((f->needs & FAULT_NEEDS_CLOCK) && st->holder)
		parse_holder(p, st->holder)->needs_clock = 1;
	for (i = 0; (f->needs & FAULT_NEEDS_JITTER) && npos && i <= nmany; i++)
		parse_holder(p, w->w[npos + i])->needs_jitter = 1;
	if (f->needs & FAULT_NEEDS_PIDNS)
		p->s->needs_pidns = 1;
	return 0;
}
