/*
 * unit.h - what every Check test binary in tests/unit shares.
 *
 * Tests run in Check's fork mode (each in its own process, so a crash or an
 * abort is one failed test, not a dead binary) unless CK_FORK=no is set (a
 * debugger; make unit-asan, where LeakSanitizer's scan at every forked
 * test's exit took 200 of its 250 s). tests/run-unit reads the summary line Check prints and refuses
 * a binary that ran no test.
 *
 * START_TEST is Check's, with two additions (it must be defined after
 * check.h, so this header includes check.h itself):
 * - each test, as it begins, appends its name and place to the file
 *   named by UNIT_TRACE (tests/run-unit sets it): a binary that dies in
 *   a test (a crash without fork mode, a sanitizer's abort, Check's own
 *   exit(2), tests/run-unit's kill at UNIT_TIMEOUT) is said to have died
 *   in that test, not only to have printed no summary;
 * - unit_not_judged() ends the test as passed, saying on stderr why it
 *   was not judged (a premise the machine did not give: a time that did
 *   not pass, a process that did not run); tests/run-unit shows the line.
 */
#ifndef LOCKCHAOS_UNIT_H
#define LOCKCHAOS_UNIT_H

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

/* Check packs a failure message into at most 4096 bytes (CK_MAX_MSG_SIZE)
 * and, for a longer one, exits the test's process with 2 saying only
 * "Message string too long" on stderr: a holder's dump in a failure
 * message came out as "Early exit with return value 2" (test_holder
 * beside the soak). Check cuts a message at BUFSIZ itself: this fits any. */
#define UNIT_MAX_MSG_SIZE (BUFSIZ + 1024)

static const char *unit_test_name = "";	  /* the test running, or "" */
static jmp_buf unit_not_judged_jmp; /* unit_not_judged's way out of it */

/* Appends `line` to the UNIT_TRACE file when it is set (opened and closed
 * each time: a process that dies loses nothing). */
static inline void unit_trace(const char *line)
{
	const char *path = getenv("UNIT_TRACE");
	int fd;

	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, strlen(line)) < 0) {
		/* nothing to do: the trace only helps say where a death was */
	}
	close(fd);
}

/* Called by START_TEST's function as a test begins. */
static inline void unit_enter(const char *name, const char *file, int line,
			      int iter)
{
	char buf[512];

	unit_test_name = name;
	snprintf(buf, sizeof(buf), "test %s (%s:%d, iteration %d)\n", name,
		 file, line, iter);
	unit_trace(buf);
}

/*
 * Ends the running test as passed, not judged: prints
 * "FILE:LINE: TEST: not judged: WHY" on stderr (unbuffered: a line per
 * test, beside Check's) and leaves the test's function, skipping the rest
 * of it (its teardown still runs). For a test whose premise the machine
 * did not give; never for a result that is merely unwelcome.
 */
#define unit_not_judged(...)                                                   \
	unit_not_judged_at(__FILE__, __LINE__, __VA_ARGS__)

static inline void unit_not_judged_at(const char *file, int line,
				      const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

static inline void unit_not_judged_at(const char *file, int line,
				      const char *fmt, ...)
{
	char why[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s:%d: %s: not judged: %s\n", file, line,
		unit_test_name, why);
	fflush(stderr);
	longjmp(unit_not_judged_jmp, 1);
}

/* The 1-minute load average (/proc/loadavg), for a not-judged message;
 * "?" when it cannot be read. */
static inline const char *unit_loadavg(void)
{
	static char buf[32];
	FILE *f = fopen("/proc/loadavg", "r");

	if (!f || fscanf(f, "%31s", buf) != 1)
		snprintf(buf, sizeof(buf), "?");
	if (f)
		fclose(f);
	return buf;
}

/* Check's START_TEST (check.h 0.15), its body run by a function that says
 * which test begins and is the way out of unit_not_judged. */
#undef START_TEST
#define START_TEST(__testname)                                                 \
	static void __testname##_body(int _i);                                 \
	static void __testname##_fn(int _i)                                    \
	{                                                                      \
		unit_enter("" #__testname, __FILE__, __LINE__, _i);            \
		if (!setjmp(unit_not_judged_jmp))                              \
			__testname##_body(_i);                                 \
		unit_test_name = "";                                           \
	}                                                                      \
	static const TTest __testname##_ttest = {"" #__testname,              \
						 __testname##_fn, __FILE__,    \
						 __LINE__};                    \
	static const TTest *__testname = &__testname##_ttest;                  \
	static void __testname##_body(int _i CK_ATTRIBUTE_UNUSED)

/* Runs suite `s`, each test in a process of its own when `forked` (else as
 * CK_FORK says); the process exit status: 0 when every test passed. The
 * UNIT_TRACE file gets "end" once every test has run: a binary that dies
 * after it died at its exit (LeakSanitizer's scan), not in a test. */
static inline int unit_run(Suite *s, int forked)
{
	SRunner *sr = srunner_create(s);
	int failed;

	check_set_max_msg_size(UNIT_MAX_MSG_SIZE);
	if (forked)
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	unit_trace("end\n");
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
