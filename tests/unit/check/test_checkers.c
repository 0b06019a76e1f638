/*
 * test_checkers.c - the table of checkers (names, descriptions, the docs
 * that list them), check_history() on histories of any shape, and the
 * realistic histories of tests/histories/ through every checker.
 */
#include "histories.h"
#include "unit.h"

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

/* ---- suite -------------------------------------------------------------- */

static Suite *checkers_suite(void)
{
	Suite *s = suite_create("checkers");
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

	tc = tcase_create("histories");
	tcase_add_test(tc, test_file_seed002_reclaimed);
	tcase_add_test(tc, test_file_seed002_stuck);
	tcase_add_test(tc, test_file_seed000_cleanup);
	tcase_add_test(tc, test_file_seed001_stale_live);
	tcase_add_test(tc, test_file_seed004_frozen_reclaimed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(checkers_suite());
}
