/*
 * test_expect.c - the scenario's expectations judged over a history
 * (harness/check/expect.c): each form met and not met, on hand-made
 * histories, and `expect failure` taking its verdict out of the list.
 */
#include <check.h>

#include "check/expect.h"
#include "scenario/scenario.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include "unit.h"

static struct scenario s;
static jv hist, verdicts, fails;

static void setup(void)
{
	scenario_init(&s);
	hist = jv_array();
	verdicts = jv_array();
	fails = jv_array();
}

static void teardown(void)
{
	scenario_clear(&s);
	jv_free(hist);
	jv_free(verdicts);
	jv_free(fails);
}

static void parse(const char *text)
{
	char *err = NULL;

	ck_assert_msg(scenario_parse(&s, "x.scn", text, &err) == 0, "%s", err);
}

static void ev(const char *json)
{
	jv v = jv_parse(json);

	ck_assert_msg(jv_get_kind(v) == JV_KIND_OBJECT, "bad json %s", json);
	hist = jv_array_append(hist, v);
}

/* Judges, then: the number of failures, and the first one's msg holds
 * `want` (when given). */
static int64_t within_slack_us; /* what judge passes expect_check */

static void judge(int nr, const char *want)
{
	jv f, m;
	char *msg;

	expect_check(&s, hist, NULL, within_slack_us, &verdicts, &fails);
	ck_assert_int_eq(jv_array_length(jv_copy(fails)), nr);
	if (!want)
		return;
	f = jv_array_get(jv_copy(fails), 0);
	m = jv_object_get(f, jv_string("msg"));
	msg = xstrdup(jv_string_value(m));
	jv_free(m);
	ck_assert_msg(strstr(msg, want) != NULL, "'%s' lacks '%s'", msg, want);
	free(msg);
}

#define FINAL                                                              \
	"{\"type\":\"final\",\"sessions\":{\"s1\":{\"lock\":\"absent\","  \
	"\"transcript\":[\"{}\",\"{}\"]}},\"leaked\":[]}"

START_TEST(test_outcome_met)
{
	parse("holder A\nA deliver m1\nexpect m1 ok within 500ms\n"
	      "expect lock s1 absent\nexpect transcript s1 lines=2\n");
	ev("{\"type\":\"invoke\",\"process\":\"A\",\"id\":1,\"label\":\"m1\","
	   "\"t\":1000}");
	ev("{\"type\":\"ok\",\"process\":\"A\",\"id\":1,\"t\":200000}");
	ev(FINAL);
	judge(0, NULL);
}
END_TEST

START_TEST(test_outcome_too_slow)
{
	parse("holder A\nA deliver m1\nexpect m1 ok within 100ms\n");
	ev("{\"type\":\"invoke\",\"process\":\"A\",\"id\":1,\"label\":\"m1\","
	   "\"t\":1000}");
	ev("{\"type\":\"ok\",\"process\":\"A\",\"id\":1,\"t\":200000}");
	ev(FINAL);
	judge(1, "took 199 ms, expected within 100 ms");
}
END_TEST

/* A compressed run's slack widens `within` (run/speed.c): the same
 * answer passes with 150 ms of it, fails with 50 ms and says why. */
START_TEST(test_outcome_within_slack)
{
	parse("holder A\nA deliver m1\nexpect m1 ok within 100ms\n");
	ev("{\"type\":\"invoke\",\"process\":\"A\",\"id\":1,\"label\":\"m1\","
	   "\"t\":1000}");
	ev("{\"type\":\"ok\",\"process\":\"A\",\"id\":1,\"t\":200000}");
	ev(FINAL);
	within_slack_us = 150000;
	judge(0, NULL);
	jv_free(fails);
	fails = jv_array();
	within_slack_us = 50000;
	judge(1, "took 199 ms, expected within 100 ms + slack 50 ms");
	within_slack_us = 0;
}
END_TEST

/* A holder that waited for a CPU (its `sched` events, run/sched.c) gets
 * that time too: 120 ms of it between the invoke and the answer covers a
 * 99 ms miss; 40 ms does not, and is said; another holder's does not
 * count. */
static void sched_hist(const char *who, const char *before, const char *after)
{
	char e[160];

	parse("holder A B\nA deliver m1\nexpect m1 ok within 100ms\n");
	snprintf(e, sizeof(e), "{\"type\":\"sched\",\"process\":\"%s\","
		 "\"runDelayUs\":%s,\"t\":500}", who, before);
	ev(e);
	ev("{\"type\":\"invoke\",\"process\":\"A\",\"id\":1,\"label\":\"m1\","
	   "\"t\":1000}");
	ev("{\"type\":\"ok\",\"process\":\"A\",\"id\":1,\"t\":200000}");
	snprintf(e, sizeof(e), "{\"type\":\"sched\",\"process\":\"%s\","
		 "\"runDelayUs\":%s,\"t\":200100}", who, after);
	ev(e);
	ev(FINAL);
}

START_TEST(test_outcome_within_cpu_wait)
{
	sched_hist("A", "10000", "130000");
	judge(0, NULL);
}
END_TEST

START_TEST(test_outcome_within_cpu_wait_short)
{
	sched_hist("A", "10000", "50000");
	judge(1, "took 199 ms, expected within 100 ms + slack 0 ms + 40 ms it "
		 "waited for a CPU");
}
END_TEST

START_TEST(test_outcome_within_cpu_wait_other)
{
	sched_hist("B", "10000", "130000");
	judge(1, "took 199 ms, expected within 100 ms + slack 0 ms");
}
END_TEST

/* B's wait for a lock whose holder A the harness sent a signal: the time
 * until A's exit (when A died of it) is the kernel's, not B's (beside the
 * soak: a SIGHUP's exit 1.08 s after it, B's reclaim 8 ms after that). A
 * holder that caught the signal and exited with a code chose its time: not
 * counted. */
static void dying_hist(const char *exit_how)
{
	char e[160];

	parse("holder A B\nB deliver m1\nexpect m1 ok within 500ms\n");
	ev("{\"type\":\"fault\",\"process\":\"harness\",\"fault\":"
	   "\"signal\",\"target\":\"A\",\"signal\":\"Hangup\",\"t\":324000}");
	ev("{\"type\":\"invoke\",\"process\":\"B\",\"id\":2,\"label\":\"m1\","
	   "\"t\":428000}");
	snprintf(e, sizeof(e), "{\"type\":\"exit\",\"process\":\"A\",%s,"
		 "\"t\":1400000}", exit_how);
	ev(e);
	ev("{\"type\":\"ok\",\"process\":\"B\",\"id\":2,\"t\":1420000}");
	ev(FINAL);
}

START_TEST(test_outcome_within_owner_dying)
{
	dying_hist("\"signal\":\"Hangup\"");
	judge(0, NULL);
}
END_TEST

START_TEST(test_outcome_within_owner_exited_by_choice)
{
	dying_hist("\"code\":0");
	judge(1, "took 992 ms, expected within 500 ms + slack 0 ms");
}
END_TEST

START_TEST(test_outcome_wrong_kind)
{
	parse("holder A\nA deliver m1\nexpect m1 fail reason=timeout\n");
	ev("{\"type\":\"invoke\",\"process\":\"A\",\"id\":1,\"label\":\"m1\","
	   "\"t\":1000}");
	ev("{\"type\":\"fail\",\"process\":\"A\",\"id\":1,\"reason\":\"io\","
	   "\"t\":2000}");
	ev(FINAL);
	judge(1, "failed with reason 'io', expected 'timeout'");
}
END_TEST

START_TEST(test_never_ran_and_lock)
{
	parse("holder A\nA deliver m1\nexpect m1 ok\nexpect lock s1 present\n"
	      "expect transcript s1 lines=3\n");
	ev(FINAL);
	judge(3, "step 'm1' never ran");
}
END_TEST

START_TEST(test_log_released_outside)
{
	parse("holder A\nA acquire\nexpect log A contains=stale\n"
	      "expect released A why=watchdog\nexpect outside intact\n");
	ev("{\"type\":\"log\",\"process\":\"A\",\"level\":\"WARN\","
	   "\"msg\":\"reclaimed a stale lock\"}");
	ev("{\"type\":\"released\",\"process\":\"A\",\"why\":\"watchdog\"}");
	ev(FINAL);
	judge(0, NULL);
	expect_check(&s, hist, "'x' was changed", 0, &verdicts, &fails);
	ck_assert_int_eq(jv_array_length(jv_copy(fails)), 1);
}
END_TEST

START_TEST(test_expected_failure_taken_out)
{
	parse("holder A\nA acquire\nexpect failure leak contains=s1\n"
	      "expect failure mutex\n");
	jv_free(verdicts);
	verdicts = jv_parse("[{\"checker\":\"leak\",\"msg\":\"s1 left\"},"
			    "{\"checker\":\"recovery\",\"msg\":\"slow\"}]");
	ev(FINAL);
	judge(1, "checker mutex did not fail");
	/* the leak verdict was expected: only recovery is left */
	ck_assert_int_eq(jv_array_length(jv_copy(verdicts)), 1);
}
END_TEST

START_TEST(test_jq)
{
	parse("holder A\nA acquire\nassert jq 'length == 2'\n"
	      "assert jq '.[0].type == \"nope\"'\n");
	ev("{\"type\":\"meta\"}");
	ev(FINAL);
	judge(1, "not true");
}
END_TEST

static Suite *expect_suite(void)
{
	Suite *su = suite_create("expect");
	TCase *tc = unit_tcase(su, "expect", 10, setup, teardown);

	tcase_add_test(tc, test_outcome_met);
	tcase_add_test(tc, test_outcome_too_slow);
	tcase_add_test(tc, test_outcome_within_slack);
	tcase_add_test(tc, test_outcome_within_cpu_wait);
	tcase_add_test(tc, test_outcome_within_cpu_wait_short);
	tcase_add_test(tc, test_outcome_within_cpu_wait_other);
	tcase_add_test(tc, test_outcome_within_owner_dying);
	tcase_add_test(tc, test_outcome_within_owner_exited_by_choice);
	tcase_add_test(tc, test_outcome_wrong_kind);
	tcase_add_test(tc, test_never_ran_and_lock);
	tcase_add_test(tc, test_log_released_outside);
	tcase_add_test(tc, test_expected_failure_taken_out);
	tcase_add_test(tc, test_jq);
	return su;
}

int main(void)
{
	return unit_main(expect_suite());
}
