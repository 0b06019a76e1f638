/*
 * test_jq.c - custom jq assertions (jq.c).
 */
#include "histories.h"
#include "unit.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- jq ------------------------------------------------------------------------------ */

static int jq(const char *program, char **err)
{
	jv h = hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    FINAL_EMPTY("1000"), NULL);
	int rc = check_jq(h, program, err);

	jv_free(h);
	return rc;
}

START_TEST(test_jq_true)
{
	char *err = (char *)1;

	ck_assert_int_eq(jq("length == 5", &err), 1);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(
		jq("[.[] | select(.type == \"acquired\")] | length == 1", &err),
		1);
	ck_assert_int_eq(jq(".[] | .t >= 0", &err), 1);
	ck_assert_int_eq(jq("true, halt", &err), 1);
	ck_assert_ptr_null(err);
}
END_TEST

START_TEST(test_jq_false)
{
	char *err = NULL;

	ck_assert_int_eq(jq("length == 4", &err), 0);
	ck_assert_str_eq(err, "jq assertion produced false (output 1), not "
			      "true");
	free(err);
	ck_assert_int_eq(jq(".[] | .t < 900000", &err), 0);
	ck_assert_str_eq(err, "jq assertion produced false (output 5), not "
			      "true");
	free(err);
	ck_assert_int_eq(jq(".[0].type", &err), 0);
	ck_assert_str_eq(err, "jq assertion produced \"meta\" (output 1), not "
			      "true");
	free(err);
	ck_assert_int_eq(jq(".[] | select(.type == \"nope\") | true", &err),
			 0);
	ck_assert_str_eq(err, "jq assertion produced no output");
	free(err);
}
END_TEST

START_TEST(test_jq_compile_error)
{
	char *err = NULL;

	ck_assert_int_eq(jq("map(.t", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "jq program does not compile: "
					  "syntax error"));
	ck_assert_ptr_null(strstr(err, "compile error"));
	free(err);
	ck_assert_int_eq(jq("nosuchfn(1)", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "nosuchfn/1 is not defined"));
	free(err);
	/* modules are off: no file is read, and libjq does not abort */
	ck_assert_int_eq(jq("import \"x\" as x; true", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "module not found: x"));
	free(err);
	ck_assert_int_eq(jq("", &err), -1);
	ck_assert_str_eq(err, "empty jq program");
	free(err);
	{
		jv empty = jv_array();

		ck_assert_int_eq(check_jq(empty, NULL, &err), -1);
		ck_assert_str_eq(err, "empty jq program");
		free(err);
		jv_free(empty);
	}
}
END_TEST

START_TEST(test_jq_runtime_error)
{
	char *err = NULL;

	ck_assert_int_eq(jq(".[0] + 1", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "jq program failed: object ("));
	ck_assert_ptr_nonnull(strstr(err, "and number (1) cannot be added"));
	free(err);
	ck_assert_int_eq(jq("error(\"boom\")", &err), -1);
	ck_assert_str_eq(err, "jq program failed: boom");
	free(err);
	ck_assert_int_eq(jq("error({\"a\":1})", &err), -1);
	ck_assert_str_eq(err, "jq program failed: {\"a\":1}");
	free(err);
	/* a false before the error is the answer */
	ck_assert_int_eq(jq("false, error(\"x\")", &err), 0);
	free(err);
	ck_assert_int_eq(jq("\"bye\" | halt_error(3)", &err), -1);
	ck_assert_str_eq(err, "jq program halted (exit code 3): bye");
	free(err);
	ck_assert_int_eq(jq("input", &err), -1);
	free(err);
	/* debug must not crash libjq 1.6 */
	ck_assert_int_eq(jq("debug | length == 5", &err), 1);
}
END_TEST

/* A program that waits for a CPU at the wall limit is not ended by it: it
 * may be starved, not stuck (make check under stress-ng at load 80: 5 s of
 * CPU took more than 120 s). Here it runs at nice 19 beside a spinner on
 * CPU 0, and the wall limit is 100 ms: it is runnable throughout, so it is
 * ended only at 10 times the limit (it gets about 1.5% of the CPU, far
 * from the 5 s CPU limit). Without the rule it ended at 100 ms. */
START_TEST(test_jq_starved_not_ended_by_wall)
{
	cpu_set_t one, was;
	pid_t spin;
	char *err = NULL;
	long long ms = 0;
	int nice_was;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	ck_assert_int_eq(sched_getaffinity(0, sizeof(was), &was), 0);
	spin = fork();
	ck_assert_int_ge(spin, 0);
	if (spin == 0) {
		sched_setaffinity(0, sizeof(one), &one);
		for (;;)
			;
	}
	errno = 0;
	nice_was = getpriority(PRIO_PROCESS, 0);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	setpriority(PRIO_PROCESS, 0, 19);
	check_jq_wall(100);
	ck_assert_int_eq(jq("def f: f; f", &err), -1);
	check_jq_wall(0);
	kill(spin, SIGKILL);
	waitpid(spin, NULL, 0);
	setpriority(PRIO_PROCESS, 0, nice_was);
	sched_setaffinity(0, sizeof(was), &was);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(sscanf(err, "jq program did not end within %lld ms",
				&ms),
			 1);
	ck_assert_msg(ms >= 900, "a starved jq was ended after %lld ms", ms);
	free(err);
}
END_TEST

/* A program caught asleep at each look past the wall limit, that runs in
 * between, is not stuck (beside the soak's memory and disk stressors, one
 * was ended at 120 s, its 5 s of CPU not used: asleep in a page fault at
 * the look). Here a thread stops the jq child (SIGSTOP) 60 ms out of every
 * 100 and lets it run 40: at most looks it is stopped, not runnable, and
 * without the rule it ended at the 100 ms limit; its schedstat moves, so
 * it runs to 10 times the limit. */
static volatile int toggling;

static void *toggle_children(void *arg)
{
	char path[64], buf[256];
	pid_t self = *(pid_t *)arg;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)self,
		 (int)self);
	while (__atomic_load_n(&toggling, __ATOMIC_ACQUIRE)) {
		FILE *f = fopen(path, "r");
		long child = 0;

		if (f) {
			if (fgets(buf, sizeof(buf), f))
				child = strtol(buf, NULL, 10);
			fclose(f);
		}
		if (child > 0) {
			kill((pid_t)child, SIGSTOP);
			usleep(60000);
			kill((pid_t)child, SIGCONT);
			usleep(40000);
		} else {
			usleep(2000);
		}
	}
	return NULL;
}

START_TEST(test_jq_asleep_at_each_look_not_ended_by_wall)
{
	pthread_t t;
	pid_t self = getpid();
	char *err = NULL;
	long long ms = 0;

	__atomic_store_n(&toggling, 1, __ATOMIC_RELEASE);
	ck_assert_int_eq(pthread_create(&t, NULL, toggle_children, &self), 0);
	check_jq_wall(100);
	ck_assert_int_eq(jq("def f: f; f", &err), -1);
	check_jq_wall(0);
	__atomic_store_n(&toggling, 0, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(sscanf(err, "jq program did not end within %lld ms",
				&ms),
			 1);
	ck_assert_msg(ms >= 900, "a jq asleep at the looks was ended after %lld ms",
		      ms);
	free(err);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *jq_suite(void)
{
	Suite *s = suite_create("jq");
	TCase *tc;

	tc = tcase_create("jq");
	/* each jq() forks a limited child: seven of them took over Check's
	 * default 4 s in a make check beside the soak */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_jq_true);
	tcase_add_test(tc, test_jq_false);
	tcase_add_test(tc, test_jq_compile_error);
	tcase_add_test(tc, test_jq_runtime_error);
	tcase_add_test(tc, test_jq_starved_not_ended_by_wall);
	tcase_add_test(tc, test_jq_asleep_at_each_look_not_ended_by_wall);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(jq_suite());
}
