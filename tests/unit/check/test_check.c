/*
 * test_check.c - the checkers against hand-made histories.
 *
 * Each test builds a history that must pass or must fail one rule, often
 * in pairs just inside and just outside a bound. Events are written inline
 * in a relaxed JSON: single quotes for double quotes, `T` for the time in
 * milliseconds (turned into `t`, microseconds), and transcript lines given
 * as objects (turned into the raw strings the runner records). Longer,
 * realistic histories live in tests/histories/ (JSON lines, real format).
 */
#include <check.h>
#include "check/check.h"

#include <jv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

/* ---- building histories ------------------------------------------------ */

/* `T` (ms) becomes `t` (µs), in the event and in transcript line objects. */
static jv fix_time(jv o)
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

static jv fix_final(jv e)
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

static jv ev(const char *relaxed)
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

/* A history of the events given, NULL-terminated. */
static jv hist(const char *first, ...)
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

/* Path of a hand-made history: tests run from the top of the tree (where
 * make runs them). */
static jv load_history(const char *name)
{
	char path[512], line[1 << 16];
	FILE *f;
	jv h = jv_array();

	snprintf(path, sizeof(path), "tests/histories/%s", name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open '%s'", path);
	while (fgets(line, sizeof(line), f)) {
		jv e;

		if (line[0] == '\n' || line[0] == 0)
			continue;
		e = jv_parse(line);
		ck_assert_msg(jv_is_valid(e), "%s: bad line: %s", path, line);
		h = jv_array_append(h, e);
	}
	fclose(f);
	return h;
}

/* ---- running checkers ------------------------------------------------- */

static struct check_opts opts(unsigned disabled)
{
	struct check_opts o = CHECK_OPTS_INIT;

	o.disabled = disabled;
	return o;
}

/* Runs every checker; frees `h`; returns the verdicts. */
static jv check(jv h)
{
	struct check_opts o = opts(0);
	jv v;
	int n = check_history(h, &o, &v);

	jv_free(h);
	ck_assert_int_eq(n, jv_array_length(jv_copy(v)));
	return v;
}

static int count(jv v, const char *checker)
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
static int says(jv v, const char *checker, const char *text)
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

static const char *dump(jv v)
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
#define FINAL_EMPTY(T)                                                       \
	"{'type':'final','T':" T ",'sessions':{'s1':{'lock':'absent',"      \
	"'transcript':[],'tornTail':false}},'leaked':[]}"

/* ---- names ----------------------------------------------------------------- */

START_TEST(test_names)
{
	static const char *const names[] = { "recovery",  "no-silent-drop",
					     "mutex",	  "leak",
					     "integrity", "visibility",
					     "protocol" };
	int i;

	for (i = 0; i < CHECK__NR; i++) {
		ck_assert_str_eq(checker_name(i), names[i]);
		ck_assert_int_eq(checker_from_name(names[i]), i);
	}
	ck_assert_ptr_null(checker_name(CHECK__NR));
	ck_assert_int_eq(checker_from_name("nosuch"), -1);
	ck_assert_int_eq(checker_from_name("Mutex"), -1);
	ck_assert_int_eq(checker_from_name(NULL), -1);
}
END_TEST

/* Every row of the table says what it judges, in one line; the list of
 * names for messages is the table's, in its order, and is cut safely. */
START_TEST(test_table)
{
	char buf[256], small[12];
	int i;

	for (i = 0; i < CHECK__NR; i++) {
		const char *about = checker_about(i);

		ck_assert_ptr_nonnull(about);
		ck_assert_msg(*about && !strchr(about, '\n') &&
				      strlen(about) <= 60,
			      "checker %s: about must be one short line: '%s'",
			      checker_name(i), about);
	}
	ck_assert_ptr_null(checker_about(CHECK__NR));
	ck_assert_str_eq(checker_list(buf, sizeof(buf)),
			 "recovery, no-silent-drop, mutex, leak, integrity, "
			 "visibility, protocol");
	ck_assert_str_eq(checker_list(small, sizeof(small)), "recovery, n");
}
END_TEST

/*
 * The names between `open` and `close` in the part of the file at `path`
 * that starts at `from` and ends at the next `until` (NULL: "\n## "), in
 * order, at most `max`. Paths are from the top of the tree, where make
 * runs the tests.
 */
static int doc_names(const char *path, const char *from, const char *until,
		     const char *open, const char *close, char names[][32],
		     int max)
{
	char *text = malloc(1 << 20), *p, *end, *q;
	FILE *f = fopen(path, "r");
	size_t len;
	int n = 0;

	ck_assert_msg(f != NULL, "cannot open '%s'", path);
	ck_assert_ptr_nonnull(text);
	len = fread(text, 1, (1 << 20) - 1, f);
	text[len] = 0;
	fclose(f);
	p = strstr(text, from);
	ck_assert_msg(p != NULL, "%s: no '%s'", path, from);
	p += strlen(from);
	end = strstr(p, until ? until : "\n## ");
	if (end)
		*end = 0;
	while (n < max && (p = strstr(p, open))) {
		p += strlen(open);
		q = strstr(p, close);
		ck_assert_msg(q && q - p < 32, "%s: unclosed '%s'", path, open);
		snprintf(names[n++], 32, "%.*s", (int)(q - p), p);
		p = q + strlen(close);
	}
	free(text);
	return n;
}

static void expect_table_names(const char *path, char names[][32], int n)
{
	int i;

	ck_assert_msg(n == CHECK__NR, "%s lists %d checkers, the table %d",
		      path, n, CHECK__NR);
	for (i = 0; i < n; i++)
		ck_assert_msg(!strcmp(names[i], checker_name(i)),
			      "%s: checker %d is '%s', the table says '%s'",
			      path, i + 1, names[i], checker_name(i));
}

/* The docs that list the checkers list the table's, in its order. */
START_TEST(test_docs)
{
	char names[CHECK__NR + 8][32];
	int n;

	n = doc_names("docs/history.md", "\n## Checkers\n", NULL, "\n| `",
		      "`", names, CHECK__NR + 8);
	expect_table_names("docs/history.md", names, n);
	n = doc_names("scenarios/README.md", "\n## Built-in checkers\n", NULL,
		      "**", "**", names, CHECK__NR + 8);
	expect_table_names("scenarios/README.md", names, n);
	n = doc_names("README.md", "Built-in checkers judge", "\n\n", "**",
		      "**", names, CHECK__NR + 8);
	expect_table_names("README.md", names, n);
}
END_TEST

/* ---- history shape ---------------------------------------------------------- */

START_TEST(test_not_a_history)
{
	struct check_opts o = CHECK_OPTS_INIT;
	jv v, h = jv_parse("{\"type\":\"meta\"}");

	ck_assert_int_eq(check_history(h, &o, &v), -1);
	ck_assert_int_eq(jv_array_length(jv_copy(v)), 1);
	expect_says(v, "history", "not an array");
	jv_free(v);
	jv_free(h);

	h = jv_parse("[{\"type\":\"meta\",\"t\":0}, 3]");
	ck_assert_int_eq(check_history(h, &o, &v), -1);
	expect_says(v, "history", "event 2 is number");
	jv_free(v);
	jv_free(h);
}
END_TEST

START_TEST(test_no_final)
{
	jv v = check(hist(META, SPAWN("A"), NULL));

	expect_n(v, NULL, 3);
	expect_says(v, "leak", "no final event");
	expect_says(v, "no-silent-drop", "no final event");
	expect_says(v, "integrity", "no final event");
	jv_free(v);
}
END_TEST

/* The verdict object has every documented field, and NULL opts work. */
START_TEST(test_verdict_shape)
{
	jv h = hist(META, SPAWN("A"),
		    "{'type':'final','T':500,'sessions':{'s1':{'lock':'file',"
		    "'payload':'{}','transcript':[]}},'leaked':[]}",
		    NULL);
	jv v, x, f;

	ck_assert_int_eq(check_history(h, NULL, &v), 1);
	x = jv_array_get(jv_copy(v), 0);
	f = jv_object_get(jv_copy(x), jv_string("type"));
	ck_assert_str_eq(jv_string_value(f), "verdict");
	jv_free(f);
	f = jv_object_get(jv_copy(x), jv_string("checker"));
	ck_assert_str_eq(jv_string_value(f), "leak");
	jv_free(f);
	f = jv_object_get(jv_copy(x), jv_string("ok"));
	ck_assert_int_eq(jv_get_kind(f), JV_KIND_FALSE);
	jv_free(f);
	f = jv_object_get(jv_copy(x), jv_string("at"));
	ck_assert(jv_get_kind(f) == JV_KIND_NUMBER &&
		  jv_number_value(f) == 500000);
	jv_free(f);
	f = jv_object_get(jv_copy(x), jv_string("process"));
	ck_assert_int_eq(jv_get_kind(f), JV_KIND_NULL);
	jv_free(f);
	f = jv_object_get(x, jv_string("msg"));
	ck_assert_ptr_nonnull(strstr(jv_string_value(f), "s1.jsonl.lock"));
	jv_free(f);
	jv_free(v);
	jv_free(h);
}
END_TEST

START_TEST(test_disabled)
{
	struct check_opts o = opts(1u << CHECK_LEAK);
	jv v, h = hist(META, SPAWN("A"),
		       "{'type':'final','T':500,'sessions':{'s1':{'lock':"
		       "'file','transcript':[]}},'leaked':['A']}",
		       NULL);

	ck_assert_int_eq(check_history(h, &o, &v), 0);
	jv_free(v);
	o = opts(0);
	ck_assert_int_eq(check_history(h, &o, &v), 2);
	expect_says(v, "leak", "still running after the end: A");
	jv_free(v);
	jv_free(h);
}
END_TEST

/* ---- recovery ------------------------------------------------------------------ */

/*
 * A takes s1 for a long turn and is SIGKILLed at 1.200 s; B has been waiting
 * since 0.500 s and gets the lock at `acq` ms. Bound: 1200 + 50 + 300.
 */
static jv kill_history(const char *acq)
{
	char acquired[256], appended[256], released[256], ok[256], fin[512];

	snprintf(acquired, sizeof(acquired),
		 "{'type':'acquired','T':%s,'process':'B','session':'s1',"
		 "'lane':'main','id':1,'reclaimed':'dead-pid'}",
		 acq);
	snprintf(appended, sizeof(appended),
		 "{'type':'appended','T':%s.5,'process':'B','session':'s1',"
		 "'msg':'m1','id':1}",
		 acq);
	snprintf(released, sizeof(released),
		 "{'type':'released','T':%s.7,'process':'B','session':'s1',"
		 "'lane':'main','why':'release'}",
		 acq);
	snprintf(ok, sizeof(ok),
		 "{'type':'ok','T':%s.8,'process':'B','id':1,'op':'deliver'}",
		 acq);
	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':6000,'sessions':{'s1':{'lock':'absent',"
		 "'transcript':[{'msg':'m1','holder':'B','lane':'main','T':%s."
		 "6}]}},'leaked':[]}",
		 acq);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'turn',"
		    "'session':'s1','lane':'main','holdMs':10000}",
		    "{'type':'acquired','T':110,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'invoke','T':500,'process':'B','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1','timeoutMs':5000}",
		    "{'type':'fault','T':1200,'process':'harness','fault':'kill',"
		    "'target':'A','signal':9}",
		    "{'type':'exit','T':1201,'process':'A','signal':9}",
		    "{'type':'info','T':1201,'process':'A','id':1,'op':'turn',"
		    "'error':'holder died'}",
		    acquired,
		    "{'type':'log','T':1000,'process':'B','level':'WARN',"
		    "'msg':'reclaiming lock of dead pid 10'}",
		    appended, released, ok, fin, NULL);
}

START_TEST(test_recovery_kill_fast_reclaim_passes)
{
	jv v = check(kill_history("1260"));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_kill_1ms_inside_bound)
{
	jv v = check(kill_history("1549"));

	expect_n(v, "recovery", 0);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_kill_just_outside_bound)
{
	jv v = check(kill_history("1552"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "B waited 352 ms for s1 after A was "
				   "killed at 1.200 s (bound: poll 50 ms + "
				   "slack 300 ms)");
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_kill_well_outside_bound)
{
	jv v = check(kill_history("4150"));

	expect_n(v, NULL, 1);
	expect_says(v, "recovery", "B waited 2950 ms for s1 after A was "
				   "killed at 1.200 s (bound: poll 50 ms + "
				   "slack 300 ms)");
	jv_free(v);
}
END_TEST

/* B gives up with `timeout`: before the bound it is no violation, after the
 * bound (the lock never came) it is. */
static jv kill_then_timeout(const char *fail_t)
{
	char fail[256];

	snprintf(fail, sizeof(fail),
		 "{'type':'fail','T':%s,'process':'B','id':1,'op':'deliver',"
		 "'reason':'timeout','error':'session file locked (timeout "
		 "1ms): pid=10 s1.jsonl.lock'}",
		 fail_t);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':110,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':111,'process':'A','id':1,'op':'acquire'}",
		    "{'type':'invoke','T':1000,'process':'B','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1'}",
		    "{'type':'fault','T':1200,'process':'harness','fault':'kill',"
		    "'target':'A','signal':9}",
		    "{'type':'exit','T':1201,'process':'A','signal':9}",
		    "{'type':'log','T':1300,'process':'B','level':'WARN','msg':"
		    "'m1 refused: lock busy'}",
		    fail,
		    "{'type':'final','T':4000,'sessions':{'s1':{'lock':'file',"
		    "'transcript':[]}},'leaked':[]}",
		    NULL);
}

START_TEST(test_recovery_timeout_before_bound)
{
	jv v = check(kill_then_timeout("1300"));

	expect_n(v, "recovery", 0);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_timeout_after_bound)
{
	jv v = check(kill_then_timeout("3000"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "B waited 1800 ms for s1 after A was "
				   "killed at 1.200 s, then failed (timeout)");
	/* the lock file stayed: a leak too */
	expect_n(v, "leak", 1);
	jv_free(v);
}
END_TEST

/* A releases at 1.000 s but B, waiting since 0.500 s, only gets the lock at
 * 2.000 s. */
START_TEST(test_recovery_after_release)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'turn',"
		"'session':'s1','holdMs':900}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'invoke','T':500,'process':'B','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'released','T':1000,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':1001,'process':'A','id':1}",
		"{'type':'acquired','T':2000,'process':'B','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':2001,'process':'B','id':1}",
		"{'type':'invoke','T':2100,'process':'B','id':2,'op':'release',"
		"'session':'s1'}",
		"{'type':'released','T':2101,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':2102,'process':'B','id':2}", FINAL_EMPTY("3000"),
		NULL));

	expect_n(v, NULL, 1);
	expect_says(v, "recovery", "B waited 1000 ms for s1 after A released "
				   "it at 1.000 s");
	jv_free(v);
}
END_TEST

/* A lane times out (seed 003) or a turn ends (seed 000) without letting go
 * of the lock: from that answer on, B is owed the lock within the bound. */
static jv answered_but_kept(const char *answer)
{
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'turn',"
		    "'session':'s1','holdMs':60000,'laneTimeoutMs':1000,"
		    "'maxHoldMs':1020000}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'invoke','T':500,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1','timeoutMs':3000}",
		    answer,
		    "{'type':'fail','T':3500,'process':'B','id':1,'reason':"
		    "'timeout','error':'session file locked'}",
		    "{'type':'final','T':4000,'sessions':{'s1':{'lock':'file',"
		    "'transcript':[]}},'leaked':[]}",
		    NULL);
}

START_TEST(test_recovery_lane_timeout_keeps_lock)
{
	jv v = check(answered_but_kept(
		"{'type':'fail','T':1100,'process':'A','id':1,'op':'turn',"
		"'reason':'lane-timeout','error':'lane timed out'}"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery",
		    "B waited 2400 ms for s1 after A's turn 1 failed "
		    "(lane-timeout) at 1.100 s, then failed (timeout)");
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_turn_ok_keeps_lock)
{
	jv v = check(answered_but_kept(
		"{'type':'ok','T':1100,'process':'A','id':1,'op':'turn'}"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "after A finished turn 1 at 1.100 s");
	jv_free(v);
}
END_TEST

/* An explicit acquire keeps its hold after answering ok: B timing out
 * within A's maxHoldMs is no recovery failure. */
START_TEST(test_recovery_explicit_acquire_holds)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1','maxHoldMs':5000}",
		"{'type':'acquired','T':110,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':111,'process':'A','id':1}",
		"{'type':'invoke','T':200,'process':'B','id':1,'op':'acquire',"
		"'session':'s1','timeoutMs':2000}",
		"{'type':'fail','T':2210,'process':'B','id':1,'reason':'timeout',"
		"'error':'session file locked'}",
		"{'type':'invoke','T':2500,'process':'A','id':2,'op':'release',"
		"'session':'s1'}",
		"{'type':'released','T':2501,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':2502,'process':'A','id':2}", FINAL_EMPTY("3000"),
		NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* A live-but-stuck owner (frozen, or spinning) bounds the wait by its
 * acquired time + maxHoldMs: 500 + 1000 + 50 + 300 = 1850 ms. */
static jv stuck_history(const char *stuck, const char *acq)
{
	char acquired[256];

	snprintf(acquired, sizeof(acquired),
		 "{'type':'acquired','T':%s,'process':'B','session':'s1',"
		 "'lane':'main','id':1,'reclaimed':'hold-exceeded'}",
		 acq);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':490,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1','maxHoldMs':1000}",
		    "{'type':'acquired','T':500,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':501,'process':'A','id':1}", stuck,
		    "{'type':'invoke','T':600,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1','timeoutMs':5000}",
		    acquired,
		    "{'type':'log','T':1000,'process':'B','level':'WARN','msg':"
		    "'hold exceeded'}",
		    "{'type':'ok','T':3500,'process':'B','id':1}",
		    "{'type':'final','T':4000,'sessions':{'s1':{'lock':'file',"
		    "'transcript':[]}},'leaked':[]}",
		    NULL);
}

#define FREEZE_A                                                             \
	"{'type':'fault','T':1000,'process':'harness','fault':'freeze',"     \
	"'target':'A'}"
#define SPIN_A                                                               \
	"{'type':'invoke','T':1000,'process':'A','id':2,'op':'spin','ms':0}"

START_TEST(test_recovery_frozen_inside)
{
	jv v = check(stuck_history(FREEZE_A, "1849"));

	expect_n(v, "recovery", 0);
	expect_n(v, "mutex", 0);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_frozen_outside)
{
	jv v = check(stuck_history(FREEZE_A, "3000"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery",
		    "B waited 1500 ms for s1 after A, frozen at 1.000 s, held it past "
		    "its maxHoldMs 1000 (acquired at 0.500 s) (bound: maxHoldMs "
		    "1000 + poll 50 ms + slack 300 ms)");
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_spinning_outside)
{
	jv v = check(stuck_history(SPIN_A, "2000"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "A, spinning at 1.000 s, held it past");
	jv_free(v);
}
END_TEST

/* Reclaiming a frozen owner before its maxHoldMs is two owners at once. */
START_TEST(test_mutex_frozen_owner_reclaimed_early)
{
	jv v = check(stuck_history(FREEZE_A, "1100"));

	expect_n(v, "mutex", 1);
	expect_says(v, "mutex", "B acquired s1 at 1.100 s while A still held "
				"it: A acquired it at 0.500 s with maxHoldMs "
				"1000; A never let go");
	expect_n(v, "recovery", 0);
	jv_free(v);
}
END_TEST

/* Nobody holds the lock: an acquire must not take longer than poll+slack. */
START_TEST(test_recovery_free_lock)
{
	jv v = check(hist(META, SPAWN("B"),
			  "{'type':'invoke','T':100,'process':'B','id':1,'op':"
			  "'acquire','session':'s1'}",
			  "{'type':'acquired','T':1000,'process':'B','session':"
			  "'s1','lane':'main','id':1}",
			  "{'type':'ok','T':1001,'process':'B','id':1}",
			  "{'type':'invoke','T':1100,'process':'B','id':2,'op':"
			  "'release','session':'s1'}",
			  "{'type':'released','T':1101,'process':'B','session':"
			  "'s1','lane':'main','why':'release'}",
			  "{'type':'ok','T':1102,'process':'B','id':2}",
			  FINAL_EMPTY("2000"), NULL));

	expect_n(v, NULL, 1);
	expect_says(v, "recovery",
		    "B waited 900 ms for s1 while nobody held it");
	jv_free(v);
}
END_TEST

/* B's deliver on s1 is queued behind B's own 2-second turn on s2 (same
 * lane): it starts waiting at 2.100 s, not when it was sent. */
START_TEST(test_recovery_lane_queue)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':50,'process':'A','id':1,'op':'turn',"
		"'session':'s1','holdMs':400}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'invoke','T':100,'process':'B','id':1,'op':'turn',"
		"'session':'s2','holdMs':2000}",
		"{'type':'acquired','T':100,'process':'B','session':'s2',"
		"'lane':'main','id':1}",
		"{'type':'invoke','T':110,'process':'B','id':2,'op':'deliver',"
		"'session':'s1','msg':'m1'}",
		"{'type':'released','T':500,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':501,'process':'A','id':1}",
		"{'type':'released','T':2100,'process':'B','session':'s2',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':2100,'process':'B','id':1}",
		"{'type':'acquired','T':2150,'process':'B','session':'s1',"
		"'lane':'main','id':2}",
		"{'type':'appended','T':2151,'process':'B','session':'s1','msg':"
		"'m1','id':2}",
		"{'type':'released','T':2152,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':2153,'process':'B','id':2}",
		"{'type':'final','T':3000,'sessions':{'s1':{'lock':'absent',"
		"'transcript':[{'msg':'m1','holder':'B','lane':'main','T':2151}]},"
		"'s2':{'lock':'absent','transcript':[]}},'leaked':[]}",
		NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* The same, but B has no `lanes` capability and the turn runs on another
 * lane: the holder still runs one command at a time. Then the same again
 * with lanes: now the deliver should have started at once. */
static jv lanes_history(const char *caps)
{
	char spawn[256];

	snprintf(spawn, sizeof(spawn),
		 "{'type':'spawn','T':1,'process':'B','caps':[%s]}", caps);
	return hist(META, SPAWN("A"), spawn,
		    "{'type':'invoke','T':50,'process':'A','id':1,'op':'turn',"
		    "'session':'s1','holdMs':400}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'invoke','T':100,'process':'B','id':1,'op':'turn',"
		    "'session':'s2','lane':'other','holdMs':2000}",
		    "{'type':'acquired','T':100,'process':'B','session':'s2',"
		    "'lane':'other','id':1}",
		    "{'type':'invoke','T':110,'process':'B','id':2,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'released','T':500,'process':'A','session':'s1',"
		    "'lane':'main','why':'release'}",
		    "{'type':'ok','T':501,'process':'A','id':1}",
		    "{'type':'released','T':2100,'process':'B','session':'s2',"
		    "'lane':'other','why':'release'}",
		    "{'type':'ok','T':2100,'process':'B','id':1}",
		    "{'type':'acquired','T':2150,'process':'B','session':'s1',"
		    "'lane':'main','id':2}",
		    "{'type':'ok','T':2151,'process':'B','id':2}",
		    "{'type':'final','T':3000,'sessions':{},'leaked':[]}", NULL);
}

START_TEST(test_recovery_no_lanes_cap)
{
	jv v = check(lanes_history("'acquire','turn'"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(lanes_history("'acquire','turn','lanes'"));
	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "B waited 1650 ms for s1 after A released "
				   "it at 0.500 s");
	jv_free(v);
}
END_TEST

/* A contender that is frozen itself cannot poll: its frozen time is added
 * to the bound (1000 + 350 + 1000 stopped = 2350). */
static jv frozen_contender(const char *acq)
{
	char acquired[256];

	snprintf(acquired, sizeof(acquired),
		 "{'type':'acquired','T':%s,'process':'B','session':'s1',"
		 "'lane':'main','id':1}",
		 acq);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':101,'process':'A','id':1}",
		    "{'type':'invoke','T':200,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1','timeoutMs':5000}",
		    "{'type':'fault','T':900,'process':'harness','fault':'freeze',"
		    "'target':'B'}",
		    "{'type':'invoke','T':1000,'process':'A','id':2,'op':'release',"
		    "'session':'s1'}",
		    "{'type':'released','T':1000,'process':'A','session':'s1',"
		    "'lane':'main','why':'release'}",
		    "{'type':'ok','T':1001,'process':'A','id':2}",
		    "{'type':'fault','T':2000,'process':'harness','fault':'thaw',"
		    "'target':'B'}",
		    acquired, "{'type':'ok','T':2400,'process':'B','id':1}",
		    "{'type':'final','T':3000,'sessions':{},'leaked':[]}", NULL);
}

START_TEST(test_recovery_frozen_contender)
{
	jv v = check(frozen_contender("2349"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(frozen_contender("2400"));
	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "+ 1000 ms it was stopped");
	jv_free(v);
}
END_TEST

/* Two contenders, one lock: B wins at once and holds it two seconds; C is
 * owed nothing until B lets go. */
START_TEST(test_recovery_two_contenders)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"), SPAWN("C"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'invoke','T':200,'process':'B','id':1,'op':'turn',"
		"'session':'s1','holdMs':2000,'timeoutMs':5000}",
		"{'type':'invoke','T':200,'process':'C','id':1,'op':'acquire',"
		"'session':'s1','timeoutMs':5000}",
		"{'type':'fault','T':1000,'process':'harness','fault':'kill',"
		"'target':'A'}",
		"{'type':'acquired','T':1100,'process':'B','session':'s1',"
		"'lane':'main','id':1,'reclaimed':'dead-pid'}",
		"{'type':'log','T':1100,'process':'B','level':'WARN','msg':'x'}",
		"{'type':'released','T':3100,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':3101,'process':'B','id':1}",
		"{'type':'acquired','T':3150,'process':'C','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':3151,'process':'C','id':1}",
		"{'type':'final','T':4000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* The harness plants an empty lock file: contenders may wait the grace
 * period (2000 ms), then a poll and the slack. */
static jv damaged(const char *acq)
{
	char acquired[256];

	snprintf(acquired, sizeof(acquired),
		 "{'type':'acquired','T':%s,'process':'B','session':'s1',"
		 "'lane':'main','id':1,'reclaimed':'empty-past-grace'}",
		 acq);
	return hist(META, SPAWN("B"),
		    "{'type':'fault','T':1000,'process':'harness','fault':"
		    "'damage','kind':'empty','session':'s1'}",
		    "{'type':'invoke','T':1000,'process':'B','id':1,'op':"
		    "'acquire','session':'s1','timeoutMs':6000}",
		    acquired,
		    "{'type':'log','T':3000,'process':'B','level':'WARN','msg':"
		    "'empty lock past grace'}",
		    "{'type':'ok','T':5000,'process':'B','id':1}",
		    "{'type':'final','T':6000,'sessions':{},'leaked':[]}", NULL);
}

START_TEST(test_recovery_damaged_lock)
{
	jv v = check(damaged("3349"));

	expect_n(v, NULL, 0);
	jv_free(v);
	v = check(damaged("4000"));
	expect_n(v, NULL, 1);
	expect_says(v, "recovery", "after the harness planted a 'empty' lock "
				   "file at 1.000 s (reclaimable from 3.000 s)");
	jv_free(v);
}
END_TEST

/* Without a declared maxHoldMs a live owner that keeps the lock blocks the
 * session for good: nothing can be owed to B. */
START_TEST(test_recovery_no_bound_without_maxhold)
{
	jv v = check(hist(
		"{'type':'meta','T':0,'params':{'pollMs':50}}", SPAWN("A"),
		SPAWN("B"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'invoke','T':200,'process':'B','id':1,'op':'acquire',"
		"'session':'s1','timeoutMs':5000}",
		"{'type':'fail','T':5200,'process':'B','id':1,'reason':'timeout',"
		"'error':'locked'}",
		"{'type':'final','T':6000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* A holder with a failpoint armed may own a file it has not reported yet:
 * here A's creation pauses 800 ms before its payload (B rightly waits), and
 * then a creator killed mid-creation leaves an empty file that B may only
 * reclaim after graceMs. */
START_TEST(test_recovery_failpoint_creation)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'fault','T':15,'process':'harness','fault':'failpoint',"
		"'target':'A','name':'sessionlock/create/pause-before-payload',"
		"'mode':'once','delayMs':800}",
		"{'type':'invoke','T':16,'process':'A','id':1,'op':'turn',"
		"'session':'s1','holdMs':600}",
		"{'type':'invoke','T':100,'process':'B','id':2,'op':'turn',"
		"'session':'s1','holdMs':300,'timeoutMs':4000}",
		"{'type':'acquired','T':816,'process':'A','id':1,'session':'s1',"
		"'lane':'main'}",
		"{'type':'released','T':1419,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':1419.5,'process':'A','id':1}",
		"{'type':'acquired','T':1459,'process':'B','id':2,'session':'s1',"
		"'lane':'main'}",
		"{'type':'released','T':1760,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':1760.5,'process':'B','id':2}",
		FINAL_EMPTY("2000"), NULL));

	expect_n(v, NULL, 0);
	jv_free(v);

	v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'fault','T':15,'process':'harness','fault':'failpoint',"
		"'target':'A','name':'sessionlock/create/pause-before-payload',"
		"'mode':'once','delayMs':5000}",
		"{'type':'invoke','T':16,'process':'A','id':1,'op':'acquire',"
		"'session':'s1','graceMs':600}",
		"{'type':'fault','T':200,'process':'harness','fault':'kill',"
		"'target':'A','signal':'Killed'}",
		"{'type':'exit','T':201,'process':'A','signal':'Killed'}",
		"{'type':'info','T':201,'process':'A','id':1,'error':'died'}",
		"{'type':'invoke','T':250,'process':'B','id':2,'op':'deliver',"
		"'session':'s1','msg':'m1','graceMs':600}",
		"{'type':'log','T':649,'process':'B','level':'WARN','msg':"
		"'empty lock past grace'}",
		"{'type':'acquired','T':650,'process':'B','id':2,'session':'s1',"
		"'lane':'main','reclaimed':'empty-past-grace'}",
		"{'type':'released','T':651,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':652,'process':'B','id':2}",
		"{'type':'final','T':2000,'sessions':{'s1':{'lock':'absent',"
		"'transcript':[{'msg':'m1','holder':'B','lane':'main','T':650.5}]}},"
		"'leaked':[]}",
		NULL));
	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* An exit the harness did not cause, reported with a signal name. */
START_TEST(test_recovery_crash)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'invoke','T':200,'process':'B','id':1,'op':'acquire',"
		"'session':'s1','timeoutMs':5000}",
		"{'type':'exit','T':1200,'process':'A','signal':'Segmentation "
		"fault'}",
		"{'type':'fail','T':5200,'process':'B','id':1,'reason':'timeout',"
		"'error':'locked'}",
		"{'type':'final','T':6000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 1);
	expect_says(v, "recovery", "B waited 4000 ms for s1 after A died "
				   "(Segmentation fault) at 1.200 s, then "
				   "failed (timeout)");
	jv_free(v);
}
END_TEST

/* The runner announces a spin command with a spin fault: the process is
 * stopped for the command's 200 ms, not for good, so a release sent after
 * it and never answered is a silent drop. */
START_TEST(test_drop_after_spin)
{
	jv v = check(hist(
		META, SPAWN("A"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'invoke','T':1000,'process':'A','id':2,'op':'spin',"
		"'ms':200}",
		"{'type':'fault','T':1000,'process':'harness','fault':'spin',"
		"'target':'A'}",
		"{'type':'ok','T':1200,'process':'A','id':2}",
		"{'type':'invoke','T':1300,'process':'A','id':3,'op':'release',"
		"'session':'s1'}",
		"{'type':'final','T':5000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 1);
	expect_says(v, "no-silent-drop", "A never answered release 3 (sent at "
					 "1.300 s");
	jv_free(v);
}
END_TEST

/* The cleanup cron deletes A's lock (damage `removed`): B finds no file,
 * so no WARN is owed and B's acquisition is not a double ownership. A,
 * fenced, writes nothing. */
START_TEST(test_damage_removed)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':4,'process':'A','id':1,'op':'turn',"
		"'session':'s1','msg':'late','holdMs':1000}",
		"{'type':'acquired','T':4,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'fault','T':301,'process':'harness','fault':'damage',"
		"'kind':'removed','session':'s1'}",
		"{'type':'invoke','T':400,'process':'B','id':2,'op':'turn',"
		"'session':'s1','msg':'m1','holdMs':1200}",
		"{'type':'acquired','T':402,'process':'B','session':'s1',"
		"'lane':'main','id':2}",
		"{'type':'log','T':1004,'process':'A','level':'WARN','msg':"
		"'message late refused: lock-lost'}",
		"{'type':'released','T':1004,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'fail','T':1004.5,'process':'A','id':1,'reason':"
		"'lock-lost','error':'taken over'}",
		"{'type':'released','T':1604,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':1604.5,'process':'B','id':2}",
		"{'type':'final','T':2000,'sessions':{'s1':{'lock':'absent',"
		"'transcript':[{'msg':'m1','holder':'B','lane':'main','T':1603}]}},"
		"'leaked':[]}",
		NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* Eight contenders race for a dead holder's lock: C1 reclaims it (and
 * says so), but C2's O_EXCL wins the race. C1's WARN covers C2. */
START_TEST(test_visibility_race_winner)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("C1"), SPAWN("C2"),
		"{'type':'invoke','T':41,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':42,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':42.5,'process':'A','id':1}",
		"{'type':'fault','T':43,'process':'harness','fault':'kill',"
		"'target':'A'}",
		"{'type':'invoke','T':99,'process':'C1','id':2,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'invoke','T':99,'process':'C2','id':3,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'log','T':99.9,'process':'C1','level':'WARN','msg':"
		"'reclaimed stale lock: dead-pid'}",
		"{'type':'acquired','T':100,'process':'C2','session':'s1',"
		"'lane':'main','id':3}",
		"{'type':'ok','T':100.5,'process':'C2','id':3}",
		"{'type':'final','T':200,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* ---- no-silent-drop ----------------------------------------------------- */

/* A delivers m1 and answers `answer`; the transcript holds `lines`. */
static jv deliver(const char *answer, const char *lines)
{
	char fin[512];

	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':3000,'sessions':{'s1':{'lock':'absent',"
		 "'transcript':[%s]}},'leaked':[]}",
		 lines);
	return hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1'}",
		    "{'type':'acquired','T':110,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'released','T':130,'process':'A','session':'s1',"
		    "'lane':'main','why':'release'}",
		    "{'type':'log','T':130,'process':'A','level':'WARN','msg':"
		    "'refused m1'}",
		    answer, fin, NULL);
}

#define LINE_M1 "{'msg':'m1','holder':'A','lane':'main','T':120}"
#define OK_M1 "{'type':'ok','T':140,'process':'A','id':1,'op':'deliver'}"
#define FAIL_M1                                                              \
	"{'type':'fail','T':140,'process':'A','id':1,'op':'deliver',"        \
	"'reason':'io','error':'write: EIO'}"

START_TEST(test_drop_ok_once)
{
	jv v = check(deliver(OK_M1, LINE_M1));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

START_TEST(test_drop_ok_missing)
{
	jv v = check(deliver(OK_M1, ""));

	expect_n(v, NULL, 1);
	expect_says(v, "no-silent-drop", "m1 silently dropped: A answered ok "
					 "at 0.140 s but s1's transcript has "
					 "0 lines for it");
	jv_free(v);
}
END_TEST

START_TEST(test_drop_ok_twice)
{
	jv v = check(deliver(OK_M1, LINE_M1 "," LINE_M1));

	expect_n(v, "no-silent-drop", 1);
	expect_says(v, "no-silent-drop", "m1 duplicated: s1's transcript has "
					 "it 2 times, expected 1");
	expect_n(v, "integrity", 1);
	jv_free(v);
}
END_TEST

START_TEST(test_drop_fail_absent)
{
	jv v = check(deliver(FAIL_M1, ""));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

START_TEST(test_drop_fail_but_present)
{
	jv v = check(deliver(FAIL_M1, LINE_M1));

	expect_n(v, NULL, 1);
	expect_says(v, "no-silent-drop", "m1 was refused by A at 0.140 s (io: "
					 "write: EIO) but s1's transcript "
					 "has 1 line for it");
	jv_free(v);
}
END_TEST

START_TEST(test_drop_fail_unexplained)
{
	jv v = check(deliver(
		"{'type':'fail','T':140,'process':'A','id':1,'op':'deliver'}",
		""));

	expect_n(v, "no-silent-drop", 1);
	expect_says(v, "no-silent-drop",
		    "A refused m1 at 0.140 s without a reason or an error text");
	jv_free(v);
}
END_TEST

/* A cleanup step failed after the write, and the hold was released anyway:
 * the line may or may not be there, but if the holder said `appended` it
 * must be. */
START_TEST(test_drop_cleanup_failure)
{
	const char *fail = "{'type':'fail','T':140,'process':'A','id':1,'op':"
			   "'deliver','reason':'cleanup','error':'hook threw "
			   "for m1'}";
	jv v = check(deliver(fail, LINE_M1));

	expect_n(v, NULL, 0);
	jv_free(v);
	v = check(deliver(fail, ""));
	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* A holder that was killed after the invoke may or may not have written. */
static jv killed_mid_deliver(const char *lines)
{
	char fin[512];

	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':3000,'sessions':{'s1':{'lock':'file',"
		 "'transcript':[%s]}},'leaked':[]}",
		 lines);
	return hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1'}",
		    "{'type':'acquired','T':110,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'fault','T':120,'process':'harness','fault':'kill',"
		    "'target':'A'}",
		    "{'type':'exit','T':121,'process':'A','signal':9}", fin, NULL);
}

START_TEST(test_drop_killed_indeterminate)
{
	jv v = check(killed_mid_deliver(""));

	expect_n(v, "no-silent-drop", 0);
	jv_free(v);
	v = check(killed_mid_deliver(LINE_M1));
	expect_n(v, "no-silent-drop", 0);
	jv_free(v);
	v = check(killed_mid_deliver(LINE_M1 "," LINE_M1));
	expect_n(v, "no-silent-drop", 1);
	expect_says(v, "no-silent-drop", "expected at most 1");
	jv_free(v);
}
END_TEST

/* A live holder that never answers: after its budget (timeout 2000 + slack)
 * it is a silent drop; before, the run simply ended too soon; an `info` from
 * the runner changes nothing; a frozen holder is excused. */
static jv unanswered(const char *end, const char *extra)
{
	char fin[256];

	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':%s,'sessions':{'s1':{'lock':'absent',"
		 "'transcript':[]}},'leaked':[]}",
		 end);
	return hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1'}",
		    extra, fin, NULL);
}

START_TEST(test_drop_never_answered)
{
	const char *nothing = "{'type':'log','T':150,'process':'A','level':"
			      "'DEBUG','msg':'x'}";
	jv v = check(unanswered("5000", nothing));

	expect_n(v, "no-silent-drop", 1);
	expect_says(v, "no-silent-drop",
		    "A never answered deliver m1 (sent at 0.100 s, started at "
		    "0.100 s) although it ran until 5.000 s");
	/* and it never took the free lock either */
	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "A waited 4900 ms for s1 while nobody held "
				   "it; it started waiting at 0.100 s, still "
				   "waiting at the end");
	jv_free(v);

	v = check(unanswered("2300", nothing)); /* 100 + 2000 + 300 > 2300 */
	expect_n(v, "no-silent-drop", 0);
	jv_free(v);

	v = check(unanswered("5000", "{'type':'info','T':4990,'process':'A',"
				     "'id':1,'error':'run ended'}"));
	expect_n(v, "no-silent-drop", 1);
	jv_free(v);

	v = check(unanswered("5000", "{'type':'fault','T':200,'process':"
				     "'harness','fault':'freeze','target':"
				     "'A'}"));
	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* A message retried after a refusal is one message: one line is right. */
START_TEST(test_drop_retried_message)
{
	jv v = check(hist(
		META, SPAWN("A"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'deliver',"
		"'session':'s1','msg':'m1'}",
		"{'type':'log','T':150,'process':'A','level':'WARN','msg':"
		"'m1: lock busy'}",
		"{'type':'fail','T':150,'process':'A','id':1,'reason':'busy',"
		"'error':'busy'}",
		"{'type':'invoke','T':200,'process':'A','id':2,'op':'deliver',"
		"'session':'s1','msg':'m1'}",
		"{'type':'acquired','T':210,'process':'A','session':'s1',"
		"'lane':'main','id':2}",
		"{'type':'released','T':230,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':240,'process':'A','id':2}",
		"{'type':'final','T':1000,'sessions':{'s1':{'lock':'absent',"
		"'transcript':[{'msg':'m1','holder':'A','lane':'main','T':220}]}},"
		"'leaked':[]}",
		NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* ---- mutex ---------------------------------------------------------------- */

/* A holds s1 from 0.100 s and releases at 1.000 s; B acquires at `acq`. */
static jv overlap(const char *acq, const char *b_extra)
{
	char acquired[256];

	snprintf(acquired, sizeof(acquired),
		 "{'type':'acquired','T':%s,'process':'B','session':'s1',"
		 "'lane':'main','id':1%s}",
		 acq, b_extra);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':101,'process':'A','id':1}",
		    "{'type':'invoke','T':200,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'invoke','T':1000,'process':'A','id':2,'op':'release',"
		    "'session':'s1'}",
		    "{'type':'released','T':1000,'process':'A','session':'s1',"
		    "'lane':'main','why':'release'}",
		    "{'type':'ok','T':1001,'process':'A','id':2}", acquired,
		    "{'type':'ok','T':1200,'process':'B','id':1}",
		    "{'type':'final','T':2000,'sessions':{},'leaked':[]}", NULL);
}

START_TEST(test_mutex_two_owners)
{
	jv v = check(overlap("500", ""));

	expect_n(v, "mutex", 1);
	expect_says(v, "mutex", "B acquired s1 at 0.500 s while A still held "
				"it: A acquired it at 0.100 s with maxHoldMs "
				"5000; A released it at 1.000 s");
	jv_free(v);
}
END_TEST

/* Stamping delays: B's acquired stamped 4 ms before A's released is
 * ordering noise, 6 ms before is not; and a B that *reclaimed* the file
 * gets no margin at all (it removed a file A had not let go of). */
START_TEST(test_mutex_epsilon)
{
	jv v = check(overlap("996", ""));

	expect_n(v, "mutex", 0);
	expect_n(v, "visibility", 0);
	jv_free(v);
	v = check(overlap("994", ""));
	expect_n(v, "mutex", 1);
	jv_free(v);
	v = check(overlap("999.7", ",'reclaimed':'empty-past-grace'"));
	expect_n(v, "mutex", 1);
	expect_says(v, "mutex", "B acquired s1 at 1.000 s while A still held it");
	jv_free(v);
	v = check(overlap("1000.1", ",'reclaimed':'dead-pid'"));
	expect_n(v, "mutex", 0);
	jv_free(v);
}
END_TEST

START_TEST(test_mutex_after_kill)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'invoke','T':200,'process':'B','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'fault','T':500,'process':'harness','fault':'kill',"
		"'target':'A'}",
		"{'type':'acquired','T':550,'process':'B','session':'s1',"
		"'lane':'main','id':1,'reclaimed':'dead-pid'}",
		"{'type':'log','T':550,'process':'B','level':'WARN','msg':'x'}",
		"{'type':'ok','T':551,'process':'B','id':1}",
		"{'type':'final','T':2000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* Two lanes of one process are two owners, unless the second acquisition
 * was reentrant. */
static jv two_lanes(const char *reentrant)
{
	char acquired[256];

	snprintf(acquired, sizeof(acquired),
		 "{'type':'acquired','T':300,'process':'A','session':'s1',"
		 "'lane':'b','id':2,'reentrant':%s}",
		 reentrant);
	return hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1','lane':'a'}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'a','id':1}",
		    "{'type':'ok','T':101,'process':'A','id':1}",
		    "{'type':'invoke','T':200,'process':'A','id':2,'op':'acquire',"
		    "'session':'s1','lane':'b'}",
		    acquired, "{'type':'ok','T':301,'process':'A','id':2}",
		    "{'type':'final','T':1000,'sessions':{},'leaked':[]}", NULL);
}

START_TEST(test_mutex_lanes)
{
	jv v = check(two_lanes("false"));

	expect_n(v, "mutex", 1);
	expect_says(v, "mutex", "A lane b acquired s1 at 0.300 s while A "
				"still held it: A (lane a) acquired it");
	jv_free(v);
	v = check(two_lanes("true"));
	expect_n(v, "mutex", 0);
	expect_n(v, "visibility", 0);
	jv_free(v);
}
END_TEST

/* Fencing (seed 004): A is frozen past its maxHoldMs, B reclaims at 1.200
 * s, A thaws and writes m2 at `line_t` ms. m1 (0.200 s) is inside A's hold. */
static jv fenced(const char *line_t)
{
	char fin[512];

	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':3000,'sessions':{'s1':{'lock':'absent',"
		 "'transcript':[{'msg':'m1','holder':'A','lane':'main','T':200},"
		 "{'msg':'m2','holder':'A','lane':'main','T':%s}]}},'leaked':[]}",
		 line_t);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'turn',"
		    "'session':'s1','msg':'m2','holdMs':1500,'maxHoldMs':1000}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'fault','T':500,'process':'harness','fault':'freeze',"
		    "'target':'A'}",
		    "{'type':'invoke','T':600,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1','timeoutMs':5000}",
		    "{'type':'acquired','T':1200,'process':'B','session':'s1',"
		    "'lane':'main','id':1,'reclaimed':'hold-exceeded'}",
		    "{'type':'log','T':1200,'process':'B','level':'WARN','msg':"
		    "'hold exceeded'}",
		    "{'type':'ok','T':1201,'process':'B','id':1}",
		    "{'type':'fault','T':1900,'process':'harness','fault':'thaw',"
		    "'target':'A'}",
		    "{'type':'ok','T':2100,'process':'A','id':1}", fin, NULL);
}

START_TEST(test_mutex_fencing)
{
	jv v = check(fenced("2000"));

	expect_n(v, NULL, 1);
	expect_says(v, "mutex", "A wrote m2 to s1 at 2.000 s after B took the "
				"lock at 1.200 s (A held it from 0.100 s)");
	jv_free(v);
	v = check(fenced("1198"));
	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

START_TEST(test_mutex_write_without_lock)
{
	jv v = check(hist(
		META, SPAWN("A"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'deliver',"
		"'session':'s1','msg':'m1'}",
		"{'type':'acquired','T':110,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'released','T':120,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':140,'process':'A','id':1}",
		"{'type':'final','T':1000,'sessions':{'s1':{'lock':'absent',"
		"'transcript':[{'msg':'m0','holder':'A','lane':'main','T':50},"
		"{'msg':'m1','holder':'A','lane':'main','T':130}]}},'leaked':[]}",
		NULL));

	expect_n(v, "mutex", 2);
	expect_says(v, "mutex",
		    "A wrote m0 to s1 at 0.050 s without ever holding its lock");
	expect_says(v, "mutex", "A wrote m1 to s1 at 0.130 s after releasing "
				"the lock at 0.120 s");
	jv_free(v);
}
END_TEST

/* ---- leak -------------------------------------------------------------------- */

START_TEST(test_leak)
{
	jv v = check(hist(META, SPAWN("A"),
			  "{'type':'final','T':1000,'sessions':{'s1':{'lock':"
			  "'file','payload':'{\\'pid\\':10}','transcript':[]},"
			  "'s2':{'lock':'absent','transcript':[]}},'leaked':"
			  "['A','B']}",
			  NULL));

	expect_n(v, NULL, 2);
	expect_says(v, "leak", "s1.jsonl.lock left behind (file: {\"pid\":10})");
	expect_says(v, "leak", "holders still running after the end: A, B");
	jv_free(v);
}
END_TEST

/* ---- integrity ----------------------------------------------------------------- */

static jv transcript(const char *lines, const char *torn)
{
	char fin[1024];

	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':1000,'sessions':{'s1':{'lock':'absent',"
		 "'transcript':[%s],'tornTail':%s}},'leaked':[]}",
		 lines, torn);
	return hist(META, fin, NULL);
}

START_TEST(test_integrity_clean)
{
	jv v = check(transcript("{'msg':'a'},{'msg':'b'},{'x':1},{'x':2}",
				"false"));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

START_TEST(test_integrity_bad_lines)
{
	jv v = check(transcript("{'msg':'a'},'{\\'msg\\':',' [1]','',{'msg':'b'}",
				"false"));

	expect_n(v, "integrity", 3);
	expect_says(v, "integrity", "s1's transcript line 2 is not a JSON "
				    "object");
	expect_says(v, "integrity", "line 3 is not a JSON object (not an "
				    "object):  [1]");
	expect_says(v, "integrity", "line 4 is not a JSON object");
	jv_free(v);
}
END_TEST

/* The torn last line is one failure, not two. */
START_TEST(test_integrity_torn)
{
	jv v = check(transcript("{'msg':'a'},'{\\'msg\\':\\'b'", "true"));

	expect_n(v, "integrity", 1);
	expect_says(v, "integrity", "s1's transcript ends in a torn line");
	jv_free(v);
}
END_TEST

START_TEST(test_integrity_duplicates)
{
	jv v = check(transcript("{'msg':'a','t':1},{'msg':'a','t':2},"
				"{'msg':'a','t':3},{'x':1},{'x':1},{'x':2}",
				"false"));

	expect_n(v, "integrity", 2);
	expect_says(v, "integrity", "message a 3 times (first at line 1)");
	expect_says(v, "integrity", "has line 4 2 times");
	jv_free(v);
}
END_TEST

/* ---- visibility ------------------------------------------------------------------ */

/* B reclaims s1 (reason given) at 1.000 s; its acquire answers at 1.010 s.
 * `log` is B's (or someone's) log line. */
static jv reclaim(const char *log)
{
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':950,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'fault','T':900,'process':'harness','fault':'damage',"
		    "'kind':'dead','session':'s1'}",
		    "{'type':'acquired','T':1000,'process':'B','session':'s1',"
		    "'lane':'main','id':1,'reclaimed':'dead-pid'}",
		    "{'type':'ok','T':1010,'process':'B','id':1}", log,
		    "{'type':'final','T':3000,'sessions':{},'leaked':[]}", NULL);
}

START_TEST(test_visibility_reclaim)
{
	jv v = check(reclaim("{'type':'log','T':999,'process':'B','level':"
			     "'WARN','msg':'reclaimed'}"));

	expect_n(v, NULL, 0);
	jv_free(v);
	/* ERROR counts; late by less than the slack counts */
	v = check(reclaim("{'type':'log','T':1300,'process':'B','level':"
			  "'ERROR','msg':'reclaimed'}"));
	expect_n(v, NULL, 0);
	jv_free(v);
	v = check(reclaim("{'type':'log','T':1320,'process':'B','level':"
			  "'WARN','msg':'too late'}"));
	expect_n(v, "visibility", 1);
	expect_says(v, "visibility", "B acquired s1 at 1.000 s and reclaimed "
				     "it (dead-pid), with no WARN or ERROR "
				     "log");
	jv_free(v);
	v = check(reclaim("{'type':'log','T':1000,'process':'B','level':"
			  "'INFO','msg':'reclaimed'}"));
	expect_n(v, "visibility", 1);
	jv_free(v);
	v = check(reclaim("{'type':'log','T':1000,'process':'A','level':"
			  "'WARN','msg':'reclaimed'}"));
	expect_n(v, "visibility", 1);
	jv_free(v);
	v = check(reclaim("{'type':'log','T':1000,'process':'B','level':"
			  "'STDERR','msg':'WARN reclaimed'}"));
	expect_n(v, "visibility", 1);
	jv_free(v);
}
END_TEST

/* B takes a killed owner's lock without calling it a reclaim: the WARN is
 * owed all the same. */
START_TEST(test_visibility_silent_takeover)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'fault','T':500,'process':'harness','fault':'kill',"
		"'target':'A'}",
		"{'type':'invoke','T':600,'process':'B','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':650,'process':'B','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':651,'process':'B','id':1}",
		"{'type':'final','T':2000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 1);
	expect_says(v, "visibility", "B acquired s1 at 0.650 s and took it "
				     "from A, which had not released it (A "
				     "was killed at 0.500 s)");
	jv_free(v);
}
END_TEST

/* A refused message needs a WARN naming it: "m10" does not name "m1". */
static jv refused(const char *log_msg)
{
	char log[256];

	snprintf(log, sizeof(log),
		 "{'type':'log','T':150,'process':'A','level':'WARN','msg':'%s'}",
		 log_msg);
	return hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1'}",
		    log,
		    "{'type':'fail','T':160,'process':'A','id':1,'reason':'busy',"
		    "'error':'locked'}",
		    FINAL_EMPTY("1000"), NULL);
}

START_TEST(test_visibility_refused)
{
	jv v = check(refused("message m1 refused: lock busy"));

	expect_n(v, NULL, 0);
	jv_free(v);
	v = check(refused("message \\\"m1\\\" refused"));
	expect_n(v, NULL, 0);
	jv_free(v);
	v = check(refused("message m10 refused"));
	expect_n(v, NULL, 1);
	expect_says(v, "visibility", "A refused deliver m1 at 0.160 s (busy) "
				     "with no WARN or ERROR log naming m1");
	jv_free(v);
	v = check(refused("lock busy"));
	expect_n(v, "visibility", 1);
	jv_free(v);
}
END_TEST

/* ---- protocol -------------------------------------------------------------------- */

START_TEST(test_protocol)
{
	jv v = check(hist(
		META, SPAWN("A"),
		"{'type':'error','T':50,'process':'A','error':'not protocol',"
		"'line':'Hello from a debug print'}",
		"{'type':'error','T':60,'process':'harness','error':'x','line':"
		"'y'}",
		"{'type':'error','T':70,'process':'A','error':'bad json'}",
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'fail','T':102,'process':'A','id':1,'reason':'other',"
		"'error':'x'}",
		"{'type':'ok','T':103,'process':'A','id':7}",
		"{'type':'final','T':1000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, "protocol", 4);
	expect_says(v, "protocol", "A broke the protocol at 0.050 s: not "
				   "protocol: Hello from a debug print");
	expect_says(v, "protocol", "A broke the protocol at 0.070 s: bad json");
	expect_says(v, "protocol", "A answered acquire 1 2 times: ok at 0.101 "
				   "s, then fail at 0.102 s");
	expect_says(v, "protocol", "A answered command 7, which was never sent "
				   "(ok at 0.103 s)");
	jv_free(v);
}
END_TEST

/* ---- hand-made histories in tests/histories --------------------------------------- */

START_TEST(test_file_seed002_reclaimed)
{
	jv v = check(load_history("seed002-sigkill-reclaimed.jsonl"));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

START_TEST(test_file_seed002_stuck)
{
	jv v = check(load_history("seed002-sigkill-stuck.jsonl"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "B waited 1800 ms for s1 after A was "
				   "killed at 1.200 s, then failed (timeout)");
	expect_n(v, "leak", 1);
	expect_n(v, NULL, 2);
	jv_free(v);
}
END_TEST

START_TEST(test_file_seed000_cleanup)
{
	jv v = check(load_history("seed000-cleanup-throws.jsonl"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "after A finished deliver m1 at 0.130 s");
	expect_n(v, "no-silent-drop", 1);
	expect_says(v, "no-silent-drop", "m2 silently dropped");
	expect_n(v, "visibility", 1);
	expect_says(v, "visibility", "refused deliver m3");
	expect_n(v, "leak", 1);
	expect_n(v, NULL, 4);
	jv_free(v);
}
END_TEST

START_TEST(test_file_seed001_stale_live)
{
	jv v = check(load_history("seed001-live-holder-taken.jsonl"));

	expect_n(v, "mutex", 2);
	expect_says(v, "mutex", "B acquired s1 at 0.400 s while A still held "
				"it");
	expect_says(v, "mutex", "A wrote m1 to s1 at 0.900 s after B took the "
				"lock at 0.400 s");
	expect_n(v, NULL, 2);
	jv_free(v);
}
END_TEST

START_TEST(test_file_seed004_frozen_reclaimed)
{
	jv v = check(load_history("seed004-frozen-reclaimed.jsonl"));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* ---- jq ------------------------------------------------------------------------------ */

static int jq(const char *program, char **err)
{
	jv h = hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    FINAL_EMPTY("1000"), NULL);
	int rc = check_jq(h, program, err);

	jv_free(h);
	return rc;
}

START_TEST(test_jq_true)
{
	char *err = (char *)1;

	ck_assert_int_eq(jq("length == 5", &err), 1);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(
		jq("[.[] | select(.type == \"acquired\")] | length == 1", &err),
		1);
	ck_assert_int_eq(jq(".[] | .t >= 0", &err), 1);
	ck_assert_int_eq(jq("true, halt", &err), 1);
	ck_assert_ptr_null(err);
}
END_TEST

START_TEST(test_jq_false)
{
	char *err = NULL;

	ck_assert_int_eq(jq("length == 4", &err), 0);
	ck_assert_str_eq(err, "jq assertion produced false (output 1), not "
			      "true");
	free(err);
	ck_assert_int_eq(jq(".[] | .t < 900000", &err), 0);
	ck_assert_str_eq(err, "jq assertion produced false (output 5), not "
			      "true");
	free(err);
	ck_assert_int_eq(jq(".[0].type", &err), 0);
	ck_assert_str_eq(err, "jq assertion produced \"meta\" (output 1), not "
			      "true");
	free(err);
	ck_assert_int_eq(jq(".[] | select(.type == \"nope\") | true", &err),
			 0);
	ck_assert_str_eq(err, "jq assertion produced no output");
	free(err);
}
END_TEST

START_TEST(test_jq_compile_error)
{
	char *err = NULL;

	ck_assert_int_eq(jq("map(.t", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "jq program does not compile: "
					  "syntax error"));
	ck_assert_ptr_null(strstr(err, "compile error"));
	free(err);
	ck_assert_int_eq(jq("nosuchfn(1)", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "nosuchfn/1 is not defined"));
	free(err);
	/* modules are off: no file is read, and libjq does not abort */
	ck_assert_int_eq(jq("import \"x\" as x; true", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "module not found: x"));
	free(err);
	ck_assert_int_eq(jq("", &err), -1);
	ck_assert_str_eq(err, "empty jq program");
	free(err);
	{
		jv empty = jv_array();

		ck_assert_int_eq(check_jq(empty, NULL, &err), -1);
		ck_assert_str_eq(err, "empty jq program");
		free(err);
		jv_free(empty);
	}
}
END_TEST

START_TEST(test_jq_runtime_error)
{
	char *err = NULL;

	ck_assert_int_eq(jq(".[0] + 1", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "jq program failed: object ("));
	ck_assert_ptr_nonnull(strstr(err, "and number (1) cannot be added"));
	free(err);
	ck_assert_int_eq(jq("error(\"boom\")", &err), -1);
	ck_assert_str_eq(err, "jq program failed: boom");
	free(err);
	ck_assert_int_eq(jq("error({\"a\":1})", &err), -1);
	ck_assert_str_eq(err, "jq program failed: {\"a\":1}");
	free(err);
	/* a false before the error is the answer */
	ck_assert_int_eq(jq("false, error(\"x\")", &err), 0);
	free(err);
	ck_assert_int_eq(jq("\"bye\" | halt_error(3)", &err), -1);
	ck_assert_str_eq(err, "jq program halted (exit code 3): bye");
	free(err);
	ck_assert_int_eq(jq("input", &err), -1);
	free(err);
	/* debug must not crash libjq 1.6 */
	ck_assert_int_eq(jq("debug | length == 5", &err), 1);
}
END_TEST

/* ---- suite --------------------------------------------------------------------------- */

static Suite *check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc;

	tc = tcase_create("shape");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_docs);
	tcase_add_test(tc, test_not_a_history);
	tcase_add_test(tc, test_no_final);
	tcase_add_test(tc, test_verdict_shape);
	tcase_add_test(tc, test_disabled);
	suite_add_tcase(s, tc);

	tc = tcase_create("recovery");
	tcase_add_test(tc, test_recovery_kill_fast_reclaim_passes);
	tcase_add_test(tc, test_recovery_kill_1ms_inside_bound);
	tcase_add_test(tc, test_recovery_kill_just_outside_bound);
	tcase_add_test(tc, test_recovery_kill_well_outside_bound);
	tcase_add_test(tc, test_recovery_timeout_before_bound);
	tcase_add_test(tc, test_recovery_timeout_after_bound);
	tcase_add_test(tc, test_recovery_after_release);
	tcase_add_test(tc, test_recovery_lane_timeout_keeps_lock);
	tcase_add_test(tc, test_recovery_turn_ok_keeps_lock);
	tcase_add_test(tc, test_recovery_explicit_acquire_holds);
	tcase_add_test(tc, test_recovery_frozen_inside);
	tcase_add_test(tc, test_recovery_frozen_outside);
	tcase_add_test(tc, test_recovery_spinning_outside);
	tcase_add_test(tc, test_recovery_free_lock);
	tcase_add_test(tc, test_recovery_lane_queue);
	tcase_add_test(tc, test_recovery_no_lanes_cap);
	tcase_add_test(tc, test_recovery_frozen_contender);
	tcase_add_test(tc, test_recovery_two_contenders);
	tcase_add_test(tc, test_recovery_damaged_lock);
	tcase_add_test(tc, test_recovery_no_bound_without_maxhold);
	tcase_add_test(tc, test_recovery_failpoint_creation);
	tcase_add_test(tc, test_recovery_crash);
	tcase_add_test(tc, test_damage_removed);
	suite_add_tcase(s, tc);

	tc = tcase_create("no-silent-drop");
	tcase_add_test(tc, test_drop_ok_once);
	tcase_add_test(tc, test_drop_ok_missing);
	tcase_add_test(tc, test_drop_ok_twice);
	tcase_add_test(tc, test_drop_fail_absent);
	tcase_add_test(tc, test_drop_fail_but_present);
	tcase_add_test(tc, test_drop_fail_unexplained);
	tcase_add_test(tc, test_drop_cleanup_failure);
	tcase_add_test(tc, test_drop_killed_indeterminate);
	tcase_add_test(tc, test_drop_never_answered);
	tcase_add_test(tc, test_drop_retried_message);
	tcase_add_test(tc, test_drop_after_spin);
	suite_add_tcase(s, tc);

	tc = tcase_create("mutex");
	tcase_add_test(tc, test_mutex_two_owners);
	tcase_add_test(tc, test_mutex_epsilon);
	tcase_add_test(tc, test_mutex_after_kill);
	tcase_add_test(tc, test_mutex_frozen_owner_reclaimed_early);
	tcase_add_test(tc, test_mutex_lanes);
	tcase_add_test(tc, test_mutex_fencing);
	tcase_add_test(tc, test_mutex_write_without_lock);
	suite_add_tcase(s, tc);

	tc = tcase_create("leak-integrity");
	tcase_add_test(tc, test_leak);
	tcase_add_test(tc, test_integrity_clean);
	tcase_add_test(tc, test_integrity_bad_lines);
	tcase_add_test(tc, test_integrity_torn);
	tcase_add_test(tc, test_integrity_duplicates);
	suite_add_tcase(s, tc);

	tc = tcase_create("visibility-protocol");
	tcase_add_test(tc, test_visibility_reclaim);
	tcase_add_test(tc, test_visibility_silent_takeover);
	tcase_add_test(tc, test_visibility_race_winner);
	tcase_add_test(tc, test_visibility_refused);
	tcase_add_test(tc, test_protocol);
	suite_add_tcase(s, tc);

	tc = tcase_create("histories");
	tcase_add_test(tc, test_file_seed002_reclaimed);
	tcase_add_test(tc, test_file_seed002_stuck);
	tcase_add_test(tc, test_file_seed000_cleanup);
	tcase_add_test(tc, test_file_seed001_stale_live);
	tcase_add_test(tc, test_file_seed004_frozen_reclaimed);
	suite_add_tcase(s, tc);

	tc = tcase_create("jq");
	tcase_add_test(tc, test_jq_true);
	tcase_add_test(tc, test_jq_false);
	tcase_add_test(tc, test_jq_compile_error);
	tcase_add_test(tc, test_jq_runtime_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(check_suite());
}
