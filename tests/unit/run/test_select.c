/*
 * test_select.c - scenario selection and the shard split (run/select.h):
 * every run in exactly one shard, the same split every time, longest first
 * to the least loaded share; --shard K/N parsed strictly; tags any-of,
 * excluded tags none-of, filters all-of on file or title.
 */
#include <check.h>

#include "run/select.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include "unit.h"

START_TEST(split_is_a_partition_and_balanced)
{
	int64_t ms[] = { 20, 5000, 20, 20, 3000, 20, 2900, 20, 20, 100 };
	int nr = (int)(sizeof(ms) / sizeof(ms[0])), out[10], again[10];
	int64_t load[3] = { 0 };
	int i;

	shard_assign(ms, nr, 3, out);
	shard_assign(ms, nr, 3, again);
	for (i = 0; i < nr; i++) {
		ck_assert_int_ge(out[i], 1);
		ck_assert_int_le(out[i], 3);
		ck_assert_int_eq(out[i], again[i]); /* deterministic */
		load[out[i] - 1] += ms[i];
	}
	/* LPT: 5000 | 3000 | 2900, then the small ones to the least loaded. */
	ck_assert_int_eq(out[1], 1);
	ck_assert_int_eq(out[4], 2);
	ck_assert_int_eq(out[6], 3);
	ck_assert_int_eq(load[0], 5000);
	ck_assert_int_le(load[1] > load[2] ? load[1] - load[2] : load[2] - load[1],
			 100);
}
END_TEST

START_TEST(more_shards_than_runs)
{
	int64_t ms[] = { 10, 10 };
	int out[2];

	shard_assign(ms, 2, 4, out);
	ck_assert_int_eq(out[0], 1);
	ck_assert_int_eq(out[1], 2);
}
END_TEST

START_TEST(shard_parse_strict)
{
	int k = 0, n = 0;

	ck_assert_int_eq(shard_parse("2/4", &k, &n), 0);
	ck_assert_int_eq(k, 2);
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(shard_parse("0/4", &k, &n), -1);
	ck_assert_int_eq(shard_parse("5/4", &k, &n), -1);
	ck_assert_int_eq(shard_parse("1/", &k, &n), -1);
	ck_assert_int_eq(shard_parse("1/2x", &k, &n), -1);
	ck_assert_int_eq(shard_parse("2", &k, &n), -1);
}
END_TEST

static struct scenario scn(const char *file, const char *title,
			   const char *tag1, const char *tag2)
{
	struct scenario s;

	scenario_init(&s);
	s.file = xstrdup(file);
	s.title = xstrdup(title);
	s.tags = xcalloc(2, sizeof(char *));
	s.tags[s.nr_tags++] = xstrdup(tag1);
	if (tag2)
		s.tags[s.nr_tags++] = xstrdup(tag2);
	s.alloc_tags = 2;
	return s;
}

START_TEST(match_rules)
{
	struct selection sel = SELECTION_INIT;
	struct scenario a = scn("s/seeds/002-sigkill.scn", "killed", "seed",
				"sigkill");
	struct scenario b = scn("s/races/two.scn", "two lanes", "race", NULL);

	ck_assert(selection_match(&sel, &a));
	ck_assert_int_eq(selection_add_tag(&sel, "race", 0), 0);
	ck_assert_int_eq(selection_add_tag(&sel, "seed", 0), 0);
	ck_assert(selection_match(&sel, &a)); /* any of the tags */
	ck_assert(selection_match(&sel, &b));
	ck_assert_int_eq(selection_add_tag(&sel, "sigkill", 1), 0);
	ck_assert(!selection_match(&sel, &a)); /* none of the excluded */
	ck_assert(selection_match(&sel, &b));
	ck_assert_int_eq(selection_add_filter(&sel, "lanes$"), 0);
	ck_assert(selection_match(&sel, &b)); /* the title matches */
	ck_assert_int_eq(selection_add_filter(&sel, "^s/seeds/"), 0);
	ck_assert(!selection_match(&sel, &b)); /* all of the filters */
	ck_assert_int_eq(selection_add_filter(&sel, "("), -1);
	ck_assert_int_eq(selection_add_tag(&sel, "", 0), -1);
	selection_clear(&sel);
	scenario_clear(&a);
	scenario_clear(&b);
}
END_TEST

static Suite *select_suite(void)
{
	Suite *s = suite_create("select");
	TCase *tc = unit_tcase(s, "select", 10, NULL, NULL);

	tcase_add_test(tc, split_is_a_partition_and_balanced);
	tcase_add_test(tc, more_shards_than_runs);
	tcase_add_test(tc, shard_parse_strict);
	tcase_add_test(tc, match_rules);
	return s;
}

int main(void)
{
	return unit_main(select_suite());
}
