/*
 * test_scale.c - parsing a scenario and estimating its duration cost in
 * proportion to its holders (issue 13: the bench's 1,024-holder cell made
 * `lockchaos list` 11 times as dear as the 256-holder one), and the name
 * index both use (lib/util.h) keeps what it is given.
 *
 * Cost is counted, never timed: this binary defines strcmp, which the
 * harness's objects linked into it call, and counts the calls.
 */
#include "lib/util.h"
#include "run/run.h"
#include "scenario/scenario.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strcmp_count.h"

/* The bench's holders cell (tests/bench/bench.sh): n holders, one message
 * each, four sessions. Malloc'ed. */
static char *cell_text(int n)
{
	size_t cap = (size_t)n * 64 + 256, len = 0;
	char *t = malloc(cap);
	int i;

	ck_assert_ptr_nonnull(t);
	len += (size_t)snprintf(t + len, cap - len,
				"title holders\nlock timeoutMs=60s pollMs=50ms "
				"maxHoldMs=5s\nlock deadline=600s\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len, "%s H%d%s",
					i % 50 ? "" : "holder", i,
					i % 50 == 49 || i == n - 1 ? "\n" : "");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len,
					"H%d deliver session=s%d msg=m%d\n", i,
					i % 4, i);
	snprintf(t + len, cap - len, "expect m%d ok within 600s\n", n - 1);
	return t;
}

/* Compares made parsing the cell of n holders and estimating it; its
 * holders all declared, its messages all steps. */
static unsigned long parse_cost(int n)
{
	struct scenario s;
	char *text = cell_text(n), *err = NULL;
	unsigned long c0 = strcmp_calls;

	scenario_init(&s);
	ck_assert_msg(scenario_parse(&s, "cell.scn", text, &err) == 0, "%s",
		      err ? err : "");
	ck_assert_int_gt(run_expected_ms(&s), 0);
	c0 = strcmp_calls - c0;
	ck_assert_int_eq(s.nr_holders, n);
	ck_assert_int_ge(s.nr_steps, n);
	scenario_clear(&s);
	free(text);
	return c0;
}

/* Four times the holders, at most six times the compares (about four
 * now; the walks over the declared holders per statement, and over the
 * holders per step in the estimate, made 14). */
START_TEST(test_parse_cost_follows_holders)
{
	unsigned long small = parse_cost(256), big = parse_cost(1024);

	ck_assert_msg(big <= 6 * small,
		      "%lu compares for 1024 holders against %lu for 256", big,
		      small);
}
END_TEST

/* A holder used before it is declared, or declared twice, is still
 * refused, among many. */
START_TEST(test_holders_still_checked)
{
	struct scenario s;
	char *text = cell_text(300), *err = NULL, *bad;

	bad = xasprintf("%sH300 acquire\n", text);
	scenario_init(&s);
	ck_assert_int_eq(scenario_parse(&s, "x.scn", bad, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown"));
	ck_assert_ptr_nonnull(strstr(err, "'H300'"));
	free(err);
	err = NULL;
	scenario_clear(&s);
	free(bad);
	bad = xasprintf("%sholder H17\n", text);
	scenario_init(&s);
	ck_assert_int_eq(scenario_parse(&s, "x.scn", bad, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "holder: 'H17' declared twice"));
	free(err);
	scenario_clear(&s);
	free(bad);
	free(text);
}
END_TEST

/* The index: the latest value under a name, names compared as strings,
 * NULL never stored, every name kept as it grows. */
START_TEST(test_name_index)
{
	struct name_index x = { 0 };
	char a1[] = "A", a2[] = "A"; /* equal names, other pointers */
	static char name[5000][8];
	unsigned long c0;

	ck_assert_int_eq(name_index_get(&x, "A"), -1);
	ck_assert_int_eq(name_index_put(&x, a1, 1), -1);
	ck_assert_int_eq(name_index_put(&x, "B", 2), -1);
	ck_assert_int_eq(name_index_get(&x, a2), 1);
	ck_assert_int_eq(name_index_put(&x, a2, 3), 1);
	ck_assert_int_eq(name_index_get(&x, "A"), 3);
	ck_assert_int_eq(name_index_put(&x, NULL, 4), -1);
	ck_assert_int_eq(name_index_get(&x, NULL), -1);
	ck_assert_int_eq(name_index_get(&x, ""), -1);
	ck_assert_uint_eq(x.n, 2);
	for (int i = 0; i < 5000; i++) {
		snprintf(name[i], sizeof(name[i]), "H%d", i);
		ck_assert_int_eq(name_index_put(&x, name[i], i), -1);
	}
	c0 = strcmp_calls;
	for (int i = 0; i < 5000; i++)
		ck_assert_int_eq(name_index_get(&x, name[i]), i);
	ck_assert_msg(strcmp_calls - c0 <= 3 * 5000, "%lu compares",
		      strcmp_calls - c0);
	ck_assert_int_eq(name_index_get(&x, "B"), 2);
	ck_assert_uint_eq(x.n, 5002);
	ck_assert_uint_le(2 * x.n, x.size);
	name_index_clear(&x);
	ck_assert_int_eq(name_index_get(&x, "A"), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scale");
	TCase *tc = unit_tcase(s, "holders", 60, NULL, NULL);

	tcase_add_test(tc, test_parse_cost_follows_holders);
	tcase_add_test(tc, test_holders_still_checked);
	tcase_add_test(tc, test_name_index);
	return unit_main(s);
}
