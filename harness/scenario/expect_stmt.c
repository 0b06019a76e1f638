/*
 * expect_stmt.c - `expect ...` and `assert jq ...`: what a scenario says
 * must hold at the end (judged by check/expect.c).
 */
#include "scenario/parse.h"
#include "check/check.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

int parse_expect(struct parser *p, struct words *w)
{
	struct scn_expect *e;
	int i;

	if (w->nr < 2)
		return parse_fail(p, "expect: expected LABEL ok|fail, lock, "
			       "transcript, log, released, failure or "
			       "outside");
	if (!strcmp(w->w[1], "lock")) {
		char *k, *v;

		if (w->nr < 4 || w->nr > 5 || !lex_is_name(w->w[2]) ||
		    (strcmp(w->w[3], "absent") && strcmp(w->w[3], "present")))
			return parse_fail(p, "expect lock: expected SESSION "
				       "absent|present [owner=HOLDER]");
		e = parse_new_expect(p, EXPECT_LOCK);
		e->session = xstrdup(w->w[2]);
		e->present = !strcmp(w->w[3], "present");
		if (w->nr == 5) {
			if (!lex_kv(w->w[4], &k, &v))
				return parse_fail(p, "expect lock: expected "
					       "owner=HOLDER, got '%s'",
					    w->w[4]);
			if (strcmp(k, "owner"))
				return parse_fail(p, "expect lock: unknown key "
					       "'%s' (expected owner)",
					    k);
			if (!e->present)
				return parse_fail(p, "expect lock: an absent "
					       "lock has no owner (owner= "
					       "goes with present)");
			if (parse_need_holder(p, "expect lock owner", v))
				return -1;
			e->owner = xstrdup(v);
		}
		return 0;
	}
	if (!strcmp(w->w[1], "transcript")) {
		char *k, *v;

		if (w->nr != 4 || !lex_is_name(w->w[2]) ||
		    !lex_kv(w->w[3], &k, &v) || strcmp(k, "lines"))
			return parse_fail(p, "expect transcript: expected SESSION "
				       "lines=N");
		e = parse_new_expect(p, EXPECT_TRANSCRIPT);
		e->session = xstrdup(w->w[2]);
		return parse_int(p, "lines", v, 0, 1000000, &e->lines);
	}
	if (!strcmp(w->w[1], "outside")) {
		if (w->nr != 3 || strcmp(w->w[2], "intact"))
			return parse_fail(p, "expect outside: expected `expect "
				       "outside intact`");
		parse_new_expect(p, EXPECT_OUTSIDE);
		return 0;
	}
	if (!strcmp(w->w[1], "failure")) {
		char names[256];

		if (w->nr < 3 || checker_from_name(w->w[2]) < 0)
			return parse_fail(p, "expect failure: expected a checker "
				       "name (%s)",
				       checker_list(names, sizeof(names)));
		e = parse_new_expect(p, EXPECT_FAILURE);
		e->checker = xstrdup(w->w[2]);
		for (i = 3; i < w->nr; i++) {
			char *k, *v;

			if (!lex_kv(w->w[i], &k, &v) ||
			    strcmp(k, "contains"))
				return parse_fail(p, "expect failure: expected "
					       "contains=TEXT, got '%s'",
					    w->w[i]);
			free(e->contains); /* a repeated key: the last wins */
			e->contains = xstrdup(v);
		}
		return 0;
	}
	if (!strcmp(w->w[1], "log") || !strcmp(w->w[1], "released")) {
		int is_log = !strcmp(w->w[1], "log");

		if (w->nr < 3)
			return parse_fail(p, "expect %s: expected a holder name",
				    w->w[1]);
		if (parse_need_holder(p, w->w[1], w->w[2]))
			return -1;
		e = parse_new_expect(p, is_log ? EXPECT_LOG : EXPECT_RELEASED);
		e->label = xstrdup(w->w[2]);
		for (i = 3; i < w->nr; i++) {
			char *k, *v;

			if (!lex_kv(w->w[i], &k, &v))
				return parse_fail(p, "expect %s: expected "
					       "key=value, got '%s'",
					    w->w[1], w->w[i]);
			if (is_log && !strcmp(k, "level")) {
				if (strcmp(v, "WARN") && strcmp(v, "ERROR") &&
				    strcmp(v, "INFO"))
					return parse_fail(p, "expect log: level "
						       "must be INFO, WARN "
						       "or ERROR");
				free(e->level); /* a repeated key: the last wins */
				e->level = xstrdup(v);
			} else if (is_log && !strcmp(k, "contains")) {
				free(e->contains); /* a repeated key: the last wins */
				e->contains = xstrdup(v);
			} else if (!is_log && !strcmp(k, "why")) {
				free(e->reason); /* a repeated key: the last wins */
				e->reason = xstrdup(v);
			} else {
				return parse_fail(p, "expect %s: unknown key '%s' "
					       "(expected %s)",
					    w->w[1], k,
					    is_log ? "level, contains" : "why");
			}
		}
		return 0;
	}
	/* expect LABEL ok|fail [reason=R] [within=T] */
	if (w->nr < 3 || (strcmp(w->w[2], "ok") && strcmp(w->w[2], "fail")))
		return parse_fail(p, "expect: unknown form '%s' (expected LABEL "
			       "ok|fail, lock, transcript, log, released, "
			       "failure or outside)",
			    w->w[1]);
	e = parse_new_expect(p, EXPECT_OUTCOME);
	e->label = xstrdup(w->w[1]);
	e->want_ok = !strcmp(w->w[2], "ok");
	for (i = 3; i < w->nr; i++) {
		char *k, *v;

		if (!strcmp(w->w[i], "within") && i + 1 < w->nr) {
			if (parse_ms(p, "within", w->w[++i], &e->within_ms))
				return -1;
			continue;
		}
		if (!lex_kv(w->w[i], &k, &v))
			return parse_fail(p, "expect: expected reason=R or within=T, "
				       "got '%s'",
				    w->w[i]);
		if (!strcmp(k, "within")) {
			if (parse_ms(p, k, v, &e->within_ms))
				return -1;
		} else if (!strcmp(k, "reason") && !e->want_ok) {
			free(e->reason); /* a repeated key: the last wins */
			e->reason = xstrdup(v);
		} else {
			return parse_fail(p, "expect: unknown key '%s' (expected "
				       "within%s)",
				    k, e->want_ok ? "" : ", reason");
		}
	}
	return 0;
}

/* `assert jq EXPR`: the rest of the line is the program (quotes optional). */
int parse_assert(struct parser *p, struct words *w)
{
	struct scn_expect *e;
	size_t len = 0;
	int i;

	if (w->nr < 3 || strcmp(w->w[1], "jq"))
		return parse_fail(p, "assert: expected `assert jq 'EXPR'`");
	for (i = 2; i < w->nr; i++)
		len += strlen(w->w[i]) + 1;
	e = parse_new_expect(p, EXPECT_JQ);
	e->jq = xcalloc(1, len + 1);
	for (i = 2; i < w->nr; i++) {
		if (i > 2)
			strcat(e->jq, " ");
		strcat(e->jq, w->w[i]);
	}
	return 0;
}
