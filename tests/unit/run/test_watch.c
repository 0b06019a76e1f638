/*
 * test_watch.c - what a lock file's bytes say about its owner
 * (run/watch.h): the kernel view's `pid`, which `await H created` and the
 * model's lock-file lives use, and check-holder's test of a holder's
 * `pidPayload`. The inotify part runs for real in tests/t/await-created.sh.
 */
#include <check.h>

#include "run/watch.h"

#include <string.h>
#include "unit.h"

static long pidfile(const char *s)
{
	return watch_pidfile_pid(s, strlen(s));
}

static long owner(const char *s)
{
	return watch_owner_pid(s, strlen(s));
}

/* nightlyone/lockfile and liblockfile's L_PID write "%d\n", zc.lockfile
 * " %d\n": the pid they name is the owner */
START_TEST(pid_files_name_their_pid)
{
	ck_assert_int_eq(pidfile("1234\n"), 1234);
	ck_assert_int_eq(pidfile(" 1234\n"), 1234);
	ck_assert_int_eq(pidfile("7"), 7);
	ck_assert_int_eq(pidfile("\t42\r\n"), 42);
	ck_assert_int_eq(pidfile("4194304\n"), 4194304);
	ck_assert_int_eq(owner("1234\n"), 1234);
}
END_TEST

/* a lock without a pid (liblockfile's flags 0 write "0"), or bytes that
 * are not a pid alone, name nobody: never a pid made up of them */
START_TEST(other_bytes_name_nobody)
{
	static const char *const none[] = {
	    "",	      "\n",	    "0\n",	 "00\n",      "-5\n",
	    "+5\n",   "1e3\n",	    "12a\n",	 "12 13\n",   "4194305\n",
	    "99999999999999999999\n", "1234\n\n5", "0x10\n", "\"1234\"",
	    "{}",     "[1234]",
	};
	size_t i;

	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		ck_assert_msg(pidfile(none[i]) == 0, "'%s' named %ld", none[i],
			      pidfile(none[i]));
		ck_assert_msg(owner(none[i]) == 0, "'%s' named %ld", none[i],
			      owner(none[i]));
	}
	/* a NUL inside is not a pid file either */
	ck_assert_int_eq(watch_pidfile_pid("12\0" "3\n", 5), 0);
}
END_TEST

/* the reference's and OpenClaw's payload: its whole `pid`, in bounds */
START_TEST(payload_pid_is_the_owner)
{
	ck_assert_int_eq(owner("{\"pid\":4321,\"createdAt\":\"2026-11-22T10:"
			       "00:00.000Z\",\"maxHoldMs\":1000}"),
			 4321);
	ck_assert_int_eq(owner("{\"pid\":0}"), 0);
	ck_assert_int_eq(owner("{\"pid\":-3}"), 0);
	ck_assert_int_eq(owner("{\"pid\":1.5}"), 0);
	ck_assert_int_eq(owner("{\"pid\":1e300}"), 0);
	ck_assert_int_eq(owner("{\"pid\":\"4321\"}"), 0);
	ck_assert_int_eq(owner("{\"createdAt\":\"x\"}"), 0);
}
END_TEST

static Suite *watch_suite(void)
{
	Suite *s = suite_create("watch");
	TCase *tc = unit_tcase(s, "owner pid", 10, NULL, NULL);

	tcase_add_test(tc, pid_files_name_their_pid);
	tcase_add_test(tc, other_bytes_name_nobody);
	tcase_add_test(tc, payload_pid_is_the_owner);
	return s;
}

int main(void)
{
	return unit_main(watch_suite());
}
