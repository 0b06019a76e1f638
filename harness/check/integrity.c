/*
 * integrity.c - transcript lines parse, none torn or doubled.
 *
 * In each session's final transcript: lines that are not JSON objects, a
 * torn tail (reported once, not also as a line that does not parse), and
 * the same msg (or, for lines without one, the same bytes) twice, reported
 * once each at its first occurrence.
 */
#include "check/checkers.h"
#include "lib/jvx.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/util.h"

struct tline {
	jv raw;		 /* the line as read */
	jv parsed;	 /* ... parsed, or invalid */
	const char *msg; /* its `msg`, or NULL */
};

/* What makes two lines the same: the message, or for lines without one
 * the very bytes (kept apart by a prefix no msg key has here). */
static jv line_key(const struct tline *l)
{
	if (l->msg)
		return jv_string_fmt("m%s", l->msg);
	if (jv_get_kind(l->raw) == JV_KIND_STRING)
		return jv_string_fmt("r%s", jv_string_value(l->raw));
	return jv_string("x");
}

static void check_integrity_session(const struct model *m,
				    struct verdicts *out, const char *session,
				    jv s)
{
	jv lines = jvx_get(s, "transcript");
	int i, n, dups, torn = jvx_true(s, "tornTail");
	jv seen = jv_object(); /* line key -> copies */
	struct tline *l;

	if (jv_get_kind(lines) != JV_KIND_ARRAY) {
		jv_free(lines);
		lines = jv_array();
	}
	n = jv_array_length(jv_copy(lines));
	l = xmalloc((n + 1) * sizeof(*l));
	if (jvx_cstr(s, "transcriptType"))
		verdict_fail(out, m->t_end, -1,
			     "%s's transcript is a %s, not a regular file: not "
			     "read (something planted it in the session folder)",
			     session, jvx_cstr(s, "transcriptType"));
	if (torn)
		verdict_fail(out, m->t_end, -1,
			     "%s's transcript ends in a torn line", session);
	for (i = 0; i < n; i++) {
		l[i].raw = jv_array_get(jv_copy(lines), i);
		l[i].parsed = jv_get_kind(l[i].raw) == JV_KIND_STRING
				      ? jvx_parse(jv_string_value(l[i].raw),
					      (size_t)jv_string_length_bytes(
						      jv_copy(l[i].raw)))
				      : jv_invalid_with_msg(
						jv_string("not a string"));
		l[i].msg = jvx_cstr(l[i].parsed, "msg");
		if (jv_get_kind(l[i].parsed) == JV_KIND_OBJECT)
			continue;
		if (torn && i == n - 1)
			continue; /* the torn tail is reported once, above */
		{
			jv why = jv_is_valid(l[i].parsed)
					 ? jv_string("not an object")
					 : jv_invalid_get_msg(
						   jv_copy(l[i].parsed));
			char cut[81];

			snprintf(cut, sizeof(cut), "%s",
				 jv_get_kind(l[i].raw) == JV_KIND_STRING
					 ? jv_string_value(l[i].raw)
					 : "");
			verdict_fail(out, m->t_end, -1,
				     "%s's transcript line %d is not a JSON "
				     "object (%s): %s",
				     session, i + 1,
				     jv_get_kind(why) == JV_KIND_STRING
					     ? jv_string_value(why)
					     : "invalid",
				     cut);
			jv_free(why);
		}
	}
	/* Each duplicated message (or line) is reported once, at its first
	 * occurrence: one pass counts them by key, one reports. */
	for (i = 0; i < n; i++) {
		jv key = line_key(&l[i]);
		jv had = jv_object_get(jv_copy(seen), jv_copy(key));
		double c = jv_get_kind(had) == JV_KIND_NUMBER ? jv_number_value(had)
							      : 0;

		jv_free(had);
		seen = jv_object_set(seen, key, jv_number(c + 1));
	}
	for (i = 0; i < n; i++) {
		jv key = line_key(&l[i]);
		jv c = jv_object_get(jv_copy(seen), jv_copy(key));

		dups = jv_get_kind(c) == JV_KIND_NUMBER
			       ? (int)jv_number_value(c) - 1
			       : 0;
		jv_free(c);
		if (dups <= 0) {
			jv_free(key);
			continue;
		}
		/* reported: not again at the later copies */
		seen = jv_object_set(seen, key, jv_number(0));
		if (l[i].msg)
			verdict_fail(out, m->t_end, -1,
				     "%s's transcript has message %s %d "
				     "times (first at line %d)",
				     session, l[i].msg, dups + 1, i + 1);
		else
			verdict_fail(out, m->t_end, -1,
				     "%s's transcript has line %d %d times",
				     session, i + 1, dups + 1);
	}
	jv_free(seen);
	for (i = 0; i < n; i++) {
		jv_free(l[i].raw);
		jv_free(l[i].parsed);
	}
	free(l);
	jv_free(lines);
}

void check_integrity(const struct model *m, struct verdicts *out)
{
	jv sessions = jvx_get(m->final, "sessions");

	if (jv_get_kind(sessions) == JV_KIND_OBJECT) {
		jv_object_foreach(sessions, key, val)
		{
			check_integrity_session(m, out, jv_string_value(key),
						val);
			jv_free(key);
			jv_free(val);
		}
	}
	jv_free(sessions);
}
