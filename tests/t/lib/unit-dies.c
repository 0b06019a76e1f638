/*
 * unit-dies.c - a Check binary built on tests/unit/unit.h whose tests fail
 * in the ways a loaded machine made real ones fail, for
 * tests/t/run-unit-says-what-failed.sh: UNIT_DIES names the test that
 * misbehaves (the others pass). Not one of tests/unit's binaries (those are
 * discovered and run by make unit; this one fails on purpose).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

static int dies(const char *name)
{
	const char *which = getenv("UNIT_DIES");

	return which && !strcmp(which, name);
}

START_TEST(first_passes)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

/* a failure message longer than Check's 4096 bytes (a holder's dump) */
START_TEST(long_message)
{
	static char big[6001];

	if (!dies("long_message"))
		return;
	memset(big, 'x', sizeof(big) - 1);
	ck_assert_msg(0, "no outcome; got %s END", big);
}
END_TEST

/* a failure message with bytes that are not text (a lock file's) */
START_TEST(odd_bytes)
{
	if (!dies("odd_bytes"))
		return;
	ck_assert_msg(0, "payload was '\xff\xfe{\"pid\":1}' and '%c'", 0x01);
}
END_TEST

/* a crash: without fork mode (make unit-asan) it kills the binary */
START_TEST(crashes)
{
	if (dies("crashes"))
		abort();
}
END_TEST

/* a hang: without fork mode only UNIT_TIMEOUT ends it */
START_TEST(hangs)
{
	if (dies("hangs"))
		for (;;)
			pause();
}
END_TEST

/* a premise the machine did not give */
START_TEST(premise_not_given)
{
	if (!dies("premise_not_given"))
		return;
#ifdef unit_not_judged
	unit_not_judged("the machine gave it %d ms of %d", 10, 1000);
#endif
	ck_abort_msg("judged without its premise");
}
END_TEST

/* a teardown that dies: Check prints its result as ":S:" (setup or
 * teardown), not ":E:" (a timeout in a teardown's waitpid the same) */
static void teardown(void)
{
	if (dies("teardown"))
		abort();
}

START_TEST(last_passes)
{
	ck_assert_int_eq(2, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dies");
	TCase *tc = unit_tcase(s, "all", 60, NULL, NULL);

	tcase_add_test(tc, first_passes);
	tcase_add_test(tc, long_message);
	tcase_add_test(tc, odd_bytes);
	tcase_add_test(tc, crashes);
	tcase_add_test(tc, hangs);
	tcase_add_test(tc, premise_not_given);
	tc = unit_tcase(s, "torn", 60, NULL, teardown);
	tcase_add_test(tc, last_passes);
	return unit_main(s);
}
