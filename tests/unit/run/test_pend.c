/*
 * test_pend.c - finding a command by the id a holder's answer names
 * (run_pend_find, run/holder_io.c): by bisection over the commands in the
 * order their ids were given, where some ids went to no command (the
 * harness's own requests to a holder take ids too, runner.c); and a holder
 * by its name (run_holder), among many, at a cost that does not grow with
 * them: this binary defines strcmp and counts the calls (nothing timed).
 */
#include <check.h>

#include "run/run_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

#include "strcmp_count.h"

enum { NP = 1000 };

/* Command k has id 3k+1 (ids 3k+2 and 3k+3 went elsewhere) and holder k
 * mod 7. */
static void commands(struct run *r, struct pend *p, int np)
{
	int k;

	memset(r, 0, sizeof(*r));
	memset(p, 0, sizeof(*p) * (size_t)np);
	for (k = 0; k < np; k++) {
		p[k].id = 3 * k + 1;
		p[k].h = k % 7;
	}
	r->p = p;
	r->np = np;
}

START_TEST(test_finds_each_command)
{
	static struct pend p[NP];
	struct run r;
	int k;

	commands(&r, p, NP);
	for (k = 0; k < NP; k++) {
		struct pend *got = run_pend_find(&r, k % 7, 3 * k + 1);

		ck_assert_msg(got == &p[k], "id %d: got command %ld, not %d",
			      3 * k + 1, got ? (long)(got - p) : -1L, k);
	}
}
END_TEST

START_TEST(test_no_command_for_other_ids)
{
	static struct pend p[NP];
	struct run r;
	int k;

	commands(&r, p, NP);
	for (k = 0; k < NP; k++) {
		/* ids given to no command */
		ck_assert_ptr_null(run_pend_find(&r, k % 7, 3 * k + 2));
		ck_assert_ptr_null(run_pend_find(&r, k % 7, 3 * k + 3));
		/* another holder's command */
		ck_assert_ptr_null(run_pend_find(&r, (k + 1) % 7, 3 * k + 1));
	}
	ck_assert_ptr_null(run_pend_find(&r, 0, 0));
	ck_assert_ptr_null(run_pend_find(&r, 0, -1));
	ck_assert_ptr_null(run_pend_find(&r, 0, 3 * NP + 1));
	ck_assert_ptr_null(run_pend_find(&r, 0, 2147483647));
	r.np = 0;
	ck_assert_ptr_null(run_pend_find(&r, 0, 1));
	r.np = 1;
	ck_assert_ptr_eq(run_pend_find(&r, 0, 1), &p[0]);
	ck_assert_ptr_null(run_pend_find(&r, 0, 4));
}
END_TEST

/* Each of 1,024 holders found by its name, in a few compares each (the
 * walk over the holders, once per scenario step, made 512 on average:
 * quadratic in holders); a name no holder has, never. */
START_TEST(test_finds_each_holder)
{
	enum { NH = 1024 };
	static struct scn_holder decl[NH];
	static struct hstate h[NH];
	static char name[NH][8];
	struct run r;
	unsigned long c0;
	int k;

	memset(&r, 0, sizeof(r));
	for (k = 0; k < NH; k++) {
		snprintf(name[k], sizeof(name[k]), "H%d", k);
		decl[k].name = name[k];
		h[k].decl = &decl[k];
	}
	r.h = h;
	r.nh = NH;
	c0 = strcmp_calls;
	for (k = NH - 1; k >= 0; k--)
		ck_assert_ptr_eq(run_holder(&r, name[k]), &h[k]);
	ck_assert_msg(strcmp_calls - c0 <= 4 * NH,
		      "%lu compares to find %d holders", strcmp_calls - c0, NH);
	ck_assert_ptr_null(run_holder(&r, "H1024"));
	ck_assert_ptr_null(run_holder(&r, "H"));
	ck_assert_ptr_null(run_holder(&r, ""));
	ck_assert_ptr_null(run_holder(&r, NULL));
	name_index_clear(&r.h_index);
}
END_TEST

static Suite *pend_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = unit_tcase(s, "pend", 10, NULL, NULL);

	tcase_add_test(tc, test_finds_each_command);
	tcase_add_test(tc, test_no_command_for_other_ids);
	tcase_add_test(tc, test_finds_each_holder);
	return s;
}

int main(void)
{
	return unit_main(pend_suite());
}
