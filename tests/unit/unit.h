/*
 * unit.h - what every Check test binary in tests/unit shares.
 *
 * Tests run in Check's fork mode (each in its own process, so a crash or an
 * abort is one failed test, not a dead binary) unless CK_FORK=no is set (a
 * debugger; make unit-asan, where LeakSanitizer's scan at every forked
 * test's exit took 200 of its 250 s). tests/run-unit reads the summary line Check prints and refuses
 * a binary that ran no test.
 */
#ifndef LOCKCHAOS_UNIT_H
#define LOCKCHAOS_UNIT_H

#include <check.h>

/* Runs suite `s`, each test in a process of its own when `forked` (else as
 * CK_FORK says); the process exit status: 0 when every test passed. */
static inline int unit_run(Suite *s, int forked)
{
	SRunner *sr = srunner_create(s);
	int failed;

	if (forked)
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

static inline int unit_main(Suite *s)
{
	return unit_run(s, 0);
}

/* unit_main for a binary whose tests share process-wide state that no
 * fixture can reset (the reference lock's table of holds): each test runs in
 * a fresh process even where CK_FORK=no speeds the others up (the
 * sanitizer build: make unit-asan). */
static inline int unit_main_forked(Suite *s)
{
	return unit_run(s, 1);
}

/* A test case with a checked fixture (may be NULL) and a timeout in
 * seconds, added to `s`. */
static inline TCase *unit_tcase(Suite *s, const char *name, double timeout,
				SFun setup, SFun teardown)
{
	TCase *tc = tcase_create(name);

	if (setup || teardown)
		tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

#endif
