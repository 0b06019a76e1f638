/*
 * test_known.c - the matrix's known findings (run/known.h): the file
 * format, matching a run's scenario files, and the gate's arithmetic
 * (declared, not declared, no longer reproducing).
 */
#include <check.h>

#include "run/known.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"

static char dir[] = "/tmp/lockchaos-known-XXXXXX";

static void setup(void)
{
	strcpy(dir, "/tmp/lockchaos-known-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	remove_tree(dir);
}

static void put(const char *impl, const char *text)
{
	char *path = xasprintf("%s/%s.txt", dir, impl);

	ck_assert_int_eq(write_file(path, text, strlen(text)), 0);
	free(path);
}

/* [{checker: c}...] from a space-separated list */
static jv failures(const char *checkers)
{
	jv a = jv_array();
	char *copy = xstrdup(checkers), *save = NULL, *w;

	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		a = jv_array_append(a, jv_object_set(jv_object(),
						     jv_string("checker"),
						     jv_string(w)));
	free(copy);
	return a;
}

START_TEST(missing_file_is_empty)
{
	struct known_list k = KNOWN_LIST_INIT;

	ck_assert_int_eq(known_load(&k, dir, "nobody"), 0);
	ck_assert_int_eq(k.nr, 0);
	ck_assert_ptr_null(k.path);
	known_clear(&k);
}
END_TEST

START_TEST(format)
{
	struct known_list k = KNOWN_LIST_INIT;

	put("x", "# comment\n\n  seeds/002-sigkill.scn\trecovery   P1 waits for stale  \n"
		 "seeds/a.scn * - any # trailing comment\n"
		 "faults/b.scn expect F12\n");
	ck_assert_int_eq(known_load(&k, dir, "x"), 0);
	ck_assert_int_eq(k.nr, 3);
	ck_assert_str_eq(k.items[0].scenario, "seeds/002-sigkill.scn");
	ck_assert_str_eq(k.items[0].checker, "recovery");
	ck_assert_str_eq(k.items[0].finding, "P1");
	ck_assert_str_eq(k.items[0].text, "waits for stale");
	ck_assert_int_eq(k.items[0].line, 3);
	ck_assert_str_eq(k.items[1].checker, "*");
	ck_assert_str_eq(k.items[1].text, "any");
	ck_assert_str_eq(k.items[2].finding, "F12");
	ck_assert_str_eq(k.items[2].text, "");
	known_clear(&k);
}
END_TEST

START_TEST(bad_lines)
{
	static const char *const bad[] = {
	    "seeds/a.scn\n",			 /* one word */
	    "seeds/a.scn recovery\n",		 /* no finding */
	    "seeds/a.scn recovry F1 typo\n",	 /* unknown checker */
	    "seeds/a.scn mutex 4\n",		 /* finding id */
	    "seeds/a.scn mutex F\n",		 /* finding id */
	    "seeds/a.scn mutex F4x\n",		 /* finding id */
	    "seeds/a mutex F4\n",		 /* not a .scn */
	    "/abs/seeds/a.scn mutex F4\n",	 /* not relative */
	    "scenarios/seeds/a.scn mutex F4\n", /* not from the root */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct known_list k = KNOWN_LIST_INIT;

		put("bad", bad[i]);
		ck_assert_msg(known_load(&k, dir, "bad") == -1,
			      "accepted: %s", bad[i]);
		known_clear(&k);
	}
	{
		struct known_list k = KNOWN_LIST_INIT;

		ck_assert_int_eq(known_load(&k, dir, "../x"), -1);
		known_clear(&k);
	}
}
END_TEST

/* A known file may be a symlink to a plain file of the same folder (columns
 * with one lock code share one file); one level, never out of the folder. */
START_TEST(symlink_to_a_sibling)
{
	struct known_list k = KNOWN_LIST_INIT;
	char *link = xasprintf("%s/b.txt", dir);
	char *up = xasprintf("%s/c.txt", dir);
	char *chain = xasprintf("%s/d.txt", dir);

	put("a", "seeds/002-sigkill.scn visibility F1 silent\n");
	ck_assert_int_eq(symlink("a.txt", link), 0);
	ck_assert_int_eq(known_load(&k, dir, "b"), 0);
	ck_assert_int_eq(k.nr, 1);
	ck_assert_str_eq(k.items[0].finding, "F1");
	ck_assert_str_eq(strrchr(k.path, '/'), "/a.txt");
	known_clear(&k);

	ck_assert_int_eq(symlink("../a.txt", up), 0);
	ck_assert_int_eq(known_load(&k, dir, "c"), -1);
	known_clear(&k);
	ck_assert_int_eq(symlink("b.txt", chain), 0);
	ck_assert_int_eq(known_load(&k, dir, "d"), -1);
	known_clear(&k);
	free(link);
	free(up);
	free(chain);
}
END_TEST

START_TEST(matching_files)
{
	struct known_entry e = { .scenario = "seeds/002-sigkill.scn" };

	ck_assert(known_matches_file(&e, "seeds/002-sigkill.scn"));
	ck_assert(known_matches_file(&e, "scenarios/seeds/002-sigkill.scn"));
	ck_assert(known_matches_file(&e, "/x/scenarios/seeds/002-sigkill.scn"));
	ck_assert(!known_matches_file(&e, "xseeds/002-sigkill.scn"));
	ck_assert(!known_matches_file(&e, "seeds/002-sigkill.scn.bak"));
	ck_assert(!known_matches_file(&e, "faults/002-sigkill.scn"));
}
END_TEST

START_TEST(gate)
{
	struct known_list k = KNOWN_LIST_INIT;
	char *unc = NULL;
	jv f;

	put("c", "seeds/a.scn recovery F1 x\n"
		 "seeds/a.scn expect F1 x\n"
		 "seeds/b.scn * - anything\n"
		 "seeds/c.scn mutex F2 fixed upstream\n"
		 "seeds/d.scn leak - never ran\n");
	ck_assert_int_eq(known_load(&k, dir, "c"), 0);

	/* every failure declared: covered, both lines hit */
	known_saw(&k, "scenarios/seeds/a.scn");
	f = failures("recovery expect recovery");
	ck_assert_int_eq(known_covers(&k, "scenarios/seeds/a.scn", f, &unc), 1);
	ck_assert_ptr_null(unc);
	jv_free(f);
	ck_assert_int_eq(k.items[0].hits, 1);
	ck_assert_int_eq(k.items[1].hits, 1);

	/* a failed `assert jq` (checker jq or jq-error) is an expectation:
	 * the expect line covers it */
	f = failures("jq jq-error");
	ck_assert_int_eq(known_covers(&k, "scenarios/seeds/a.scn", f, &unc), 1);
	ck_assert_ptr_null(unc);
	jv_free(f);

	/* a new failure kind in a known-bad cell: not covered, named */
	f = failures("recovery leak mutex leak");
	ck_assert_int_eq(known_covers(&k, "scenarios/seeds/a.scn", f, &unc), 0);
	ck_assert_str_eq(unc, "leak, mutex");
	free(unc);
	jv_free(f);

	/* `*` takes anything */
	f = failures("integrity");
	ck_assert_int_eq(known_covers(&k, "seeds/b.scn", f, &unc), 1);
	jv_free(f);

	/* a failure with no failure list is never declared */
	f = jv_array();
	ck_assert_int_eq(known_covers(&k, "seeds/b.scn", f, &unc), 0);
	free(unc);
	jv_free(f);

	/* c ran and passed: its line no longer reproduces; d never ran */
	known_saw(&k, "seeds/c.scn");
	ck_assert_int_eq(k.items[3].seen, 1);
	ck_assert_int_eq(k.items[3].hits, 0);
	ck_assert_int_eq(k.items[4].seen, 0);
	known_clear(&k);
}
END_TEST

static Suite *known_suite(void)
{
	Suite *s = suite_create("known");
	TCase *tc = unit_tcase(s, "known", 10, setup, teardown);

	tcase_add_test(tc, missing_file_is_empty);
	tcase_add_test(tc, format);
	tcase_add_test(tc, bad_lines);
	tcase_add_test(tc, symlink_to_a_sibling);
	tcase_add_test(tc, matching_files);
	tcase_add_test(tc, gate);
	return s;
}

int main(void)
{
	return unit_main(known_suite());
}
