/*
 * histories.h - building hand-made histories and running the checkers over
 * them, for the tests of tests/unit/check/ (one file per checker, as in
 * harness/check/).
 *
 * Events are written inline in a relaxed JSON: single quotes for double
 * quotes, `T` for the time in milliseconds (turned into `t`, microseconds),
 * and transcript lines given as objects (turned into the raw strings the
 * runner records). Longer, realistic histories live in tests/histories/
 * (JSON lines, real format).
 */
#ifndef LOCKCHAOS_TEST_HISTORIES_H
#define LOCKCHAOS_TEST_HISTORIES_H

#include <check.h>
#include "check/check.h"

#include <jv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building histories ------------------------------------------------ */

/* `T` (ms) becomes `t` (µs), in the event and in transcript line objects. */
static inline jv fix_time(jv o)
{
	jv T = jv_object_get(jv_copy(o), jv_string("T"));

	if (jv_get_kind(T) == JV_KIND_NUMBER) {
		o = jv_object_set(o, jv_string("t"),
				  jv_number(jv_number_value(T) * 1000.0));
		o = jv_object_delete(o, jv_string("T"));
	}
	jv_free(T);
	return o;
}

static inline jv fix_final(jv e)
{
	jv sessions = jv_object_get(jv_copy(e), jv_string("sessions"));
	jv snap; /* jv_object_foreach evaluates its object many times */

	if (jv_get_kind(sessions) != JV_KIND_OBJECT) {
		jv_free(sessions);
		return e;
	}
	snap = jv_copy(sessions);
	jv_object_foreach(snap, key, val)
	{
		jv lines = jv_object_get(jv_copy(val), jv_string("transcript"));
		jv out = jv_array();

		if (jv_get_kind(lines) == JV_KIND_ARRAY) {
			jv_array_foreach(lines, i, line)
			{
				if (jv_get_kind(line) == JV_KIND_OBJECT)
					line = jv_dump_string(fix_time(line), 0);
				out = jv_array_append(out, line);
			}
			val = jv_object_set(val, jv_string("transcript"), out);
		} else {
			jv_free(out);
		}
		jv_free(lines);
		sessions = jv_object_set(sessions, key, val);
	}
	jv_free(snap);
	return jv_object_set(e, jv_string("sessions"), sessions);
}

static inline jv ev(const char *relaxed)
{
	char *s = strdup(relaxed), *c;
	jv e;

	ck_assert_ptr_nonnull(s);
	for (c = s; *c; c++)
		if (*c == '\'')
			*c = '"';
	e = jv_parse(s);
	if (!jv_is_valid(e)) {
		jv msg = jv_invalid_get_msg(e);

		ck_abort_msg("bad test event %s: %s", relaxed,
			     jv_string_value(msg));
	}
	free(s);
	e = fix_time(e);
	return fix_final(e);
}

/* `h` with a `sched` event (run/sched.c): at `T` (ms), `who` had waited
 * `us` µs for a CPU in all. Two of them bound a wait between them. */
static inline jv with_sched(jv h, const char *who, const char *T,
			    const char *us)
{
	char e[160];

	snprintf(e, sizeof(e), "{'type':'sched','T':%s,'process':'%s',"
		 "'runDelayUs':%s}", T, who, us);
	return jv_array_append(h, ev(e));
}

/* A history of the events given, NULL-terminated. */
static inline jv hist(const char *first, ...)
{
	va_list ap;
	const char *s;
	jv h = jv_array();

	va_start(ap, first);
	for (s = first; s; s = va_arg(ap, const char *))
		h = jv_array_append(h, ev(s));
	va_end(ap);
	return h;
}

/* ---- running checkers ------------------------------------------------- */

static inline struct check_opts opts(unsigned disabled)
{
	struct check_opts o = CHECK_OPTS_INIT;

	o.disabled = disabled;
	return o;
}

/* Runs every checker; frees `h`; returns the verdicts. */
static inline jv check(jv h)
{
	struct check_opts o = opts(0);
	jv v;
	int n = check_history(h, &o, &v);

	jv_free(h);
	ck_assert_int_eq(n, jv_array_length(jv_copy(v)));
	return v;
}

static inline int count(jv v, const char *checker)
{
	int n = 0;

	jv_array_foreach(v, i, x)
	{
		jv c = jv_object_get(x, jv_string("checker"));

		if (!checker || !strcmp(jv_string_value(c), checker))
			n++;
		jv_free(c);
	}
	return n;
}

/* Is there a verdict of `checker` whose msg contains `text`? */
static inline int says(jv v, const char *checker, const char *text)
{
	int found = 0;

	jv_array_foreach(v, i, x)
	{
		jv c = jv_object_get(jv_copy(x), jv_string("checker"));
		jv m = jv_object_get(x, jv_string("msg"));

		if (!strcmp(jv_string_value(c), checker) &&
		    strstr(jv_string_value(m), text))
			found = 1;
		jv_free(c);
		jv_free(m);
	}
	return found;
}

static inline const char *dump(jv v)
{
	static char buf[8192];

	jv_dump_string_trunc(jv_copy(v), buf, sizeof(buf));
	return buf;
}

/* Asserts exactly `n` verdicts from `checker` (NULL: all checkers). */
#define expect_n(v, checker, n)                                              \
	ck_assert_msg(count((v), (checker)) == (n),                          \
		      "expected %d verdict(s) from %s, got: %s", (n),        \
		      (checker) ? (checker) : "all", dump(v))

#define expect_says(v, checker, text)                                        \
	ck_assert_msg(says((v), (checker), (text)),                          \
		      "expected a %s verdict saying \"%s\", got: %s",        \
		      (checker), (text), dump(v))

/* ---- common events ------------------------------------------------------ */

#define META                                                                 \
	"{'type':'meta','T':0,'file':'t.scn','params':{'maxHoldMs':5000,"    \
	"'timeoutMs':2000,'pollMs':50,'graceMs':2000,'slackMs':300}}"
#define SPAWN(p)                                                             \
	"{'type':'spawn','T':1,'process':'" p "','pid':10,'impl':'reference'," \
	"'caps':['acquire','release','deliver','turn','spin','lanes']}"
/* A spawn whose holder writes `pid` into its lock files. */
#define SPAWN_PID(p, pid)                                                    \
	"{'type':'spawn','T':1,'process':'" p "','pid':" pid ","             \
	"'impl':'reference','caps':['acquire','release','lanes']}"
#define FINAL_EMPTY(T)                                                       \
	"{'type':'final','T':" T ",'sessions':{'s1':{'lock':'absent',"      \
	"'transcript':[],'tornTail':false}},'leaked':[]}"

#endif
