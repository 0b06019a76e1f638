/*
 * test_leak.c - the leak checker (leak.c).
 */
#include "histories.h"
#include "unit.h"

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
	/* with the kernel's word on why one stayed */
	v = check(hist(META, SPAWN("A"),
		       "{'type':'final','T':1000,'sessions':{},'leaked':"
		       "['A','B'],'leakedState':{'B':'D in "
		       "jbd2_log_wait_commit, S in futex_wait'}}",
		       NULL));
	expect_n(v, NULL, 1);
	expect_says(v, "leak",
		    "holders still running after the end: A, B (D in "
		    "jbd2_log_wait_commit, S in futex_wait)");
	jv_free(v);
}
END_TEST

/* A kernel lock's unlocked file (final lock "kept") stays by design. */
START_TEST(test_leak_kept)
{
	jv v = check(hist(META, SPAWN("A"),
			  "{'type':'final','T':1000,'sessions':{'s1':{'lock':"
			  "'kept','payload':'','transcript':[]}},'leaked':[]}",
			  NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *leak_suite(void)
{
	Suite *s = suite_create("leak");
	TCase *tc;

	tc = tcase_create("leak");
	tcase_add_test(tc, test_leak);
	tcase_add_test(tc, test_leak_kept);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(leak_suite());
}
