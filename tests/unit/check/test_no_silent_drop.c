/*
 * test_no_silent_drop.c - the no-silent-drop checker (no_silent_drop.c).
 */
#include "histories.h"
#include "unit.h"

/* ---- no-silent-drop ----------------------------------------------------- */

/* A delivers m1 and answers `answer`; the transcript holds `lines`. */
static jv deliver(const char *answer, const char *lines)
{
	char fin[512];

	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':3000,'sessions':{'s1':{'lock':'absent',"
		 "'transcript':[%s]}},'leaked':[]}",
		 lines);
	return hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1'}",
		    "{'type':'acquired','T':110,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'released','T':130,'process':'A','session':'s1',"
		    "'lane':'main','why':'release'}",
		    "{'type':'log','T':130,'process':'A','level':'WARN','msg':"
		    "'refused m1'}",
		    answer, fin, NULL);
}

#define LINE_M1 "{'msg':'m1','holder':'A','lane':'main','T':120}"
#define OK_M1 "{'type':'ok','T':140,'process':'A','id':1,'op':'deliver'}"
#define FAIL_M1                                                              \
	"{'type':'fail','T':140,'process':'A','id':1,'op':'deliver',"        \
	"'reason':'io','error':'write: EIO'}"

START_TEST(test_drop_ok_once)
{
	jv v = check(deliver(OK_M1, LINE_M1));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

START_TEST(test_drop_ok_missing)
{
	jv v = check(deliver(OK_M1, ""));

	expect_n(v, NULL, 1);
	expect_says(v, "no-silent-drop", "m1 silently dropped: A answered ok "
					 "at 0.140 s but s1's transcript has "
					 "0 lines for it");
	jv_free(v);
}
END_TEST

START_TEST(test_drop_ok_twice)
{
	jv v = check(deliver(OK_M1, LINE_M1 "," LINE_M1));

	expect_n(v, "no-silent-drop", 1);
	expect_says(v, "no-silent-drop", "m1 duplicated: s1's transcript has "
					 "it 2 times, expected 1");
	expect_n(v, "integrity", 1);
	jv_free(v);
}
END_TEST

START_TEST(test_drop_fail_absent)
{
	jv v = check(deliver(FAIL_M1, ""));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

START_TEST(test_drop_fail_but_present)
{
	jv v = check(deliver(FAIL_M1, LINE_M1));

	expect_n(v, NULL, 1);
	expect_says(v, "no-silent-drop", "m1 was refused by A at 0.140 s (io: "
					 "write: EIO) but s1's transcript "
					 "has 1 line for it");
	jv_free(v);
}
END_TEST

START_TEST(test_drop_fail_unexplained)
{
	jv v = check(deliver(
		"{'type':'fail','T':140,'process':'A','id':1,'op':'deliver'}",
		""));

	expect_n(v, "no-silent-drop", 1);
	expect_says(v, "no-silent-drop",
		    "A refused m1 at 0.140 s without a reason or an error text");
	jv_free(v);
}
END_TEST

/* A cleanup step failed after the write, and the hold was released anyway:
 * the line may or may not be there, but if the holder said `appended` it
 * must be. */
START_TEST(test_drop_cleanup_failure)
{
	const char *fail = "{'type':'fail','T':140,'process':'A','id':1,'op':"
			   "'deliver','reason':'cleanup','error':'hook threw "
			   "for m1'}";
	jv v = check(deliver(fail, LINE_M1));

	expect_n(v, NULL, 0);
	jv_free(v);
	v = check(deliver(fail, ""));
	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* A holder that was killed after the invoke may or may not have written. */
static jv killed_mid_deliver(const char *lines)
{
	char fin[512];

	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':3000,'sessions':{'s1':{'lock':'file',"
		 "'transcript':[%s]}},'leaked':[]}",
		 lines);
	return hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1'}",
		    "{'type':'acquired','T':110,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'fault','T':120,'process':'harness','fault':'kill',"
		    "'target':'A'}",
		    "{'type':'exit','T':121,'process':'A','signal':9}", fin, NULL);
}

START_TEST(test_drop_killed_indeterminate)
{
	jv v = check(killed_mid_deliver(""));

	expect_n(v, "no-silent-drop", 0);
	jv_free(v);
	v = check(killed_mid_deliver(LINE_M1));
	expect_n(v, "no-silent-drop", 0);
	jv_free(v);
	v = check(killed_mid_deliver(LINE_M1 "," LINE_M1));
	expect_n(v, "no-silent-drop", 1);
	expect_says(v, "no-silent-drop", "expected at most 1");
	jv_free(v);
}
END_TEST

/* A live holder that never answers: after its budget (timeout 2000 + slack)
 * it is a silent drop; before, the run simply ended too soon; an `info` from
 * the runner changes nothing; a frozen holder is excused. */
static jv unanswered(const char *end, const char *extra)
{
	char fin[256];

	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':%s,'sessions':{'s1':{'lock':'absent',"
		 "'transcript':[]}},'leaked':[]}",
		 end);
	return hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1'}",
		    extra, fin, NULL);
}

START_TEST(test_drop_never_answered)
{
	const char *nothing = "{'type':'log','T':150,'process':'A','level':"
			      "'DEBUG','msg':'x'}";
	jv v = check(unanswered("5000", nothing));

	expect_n(v, "no-silent-drop", 1);
	expect_says(v, "no-silent-drop",
		    "A never answered deliver m1 (sent at 0.100 s, started at "
		    "0.100 s) although it ran until 5.000 s");
	/* and it never took the free lock either */
	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "A waited 4900 ms for s1 while nobody held "
				   "it; it started waiting at 0.100 s, still "
				   "waiting at the end");
	jv_free(v);

	v = check(unanswered("2300", nothing)); /* 100 + 2000 + 300 > 2300 */
	expect_n(v, "no-silent-drop", 0);
	jv_free(v);

	v = check(unanswered("5000", "{'type':'info','T':4990,'process':'A',"
				     "'id':1,'error':'run ended'}"));
	expect_n(v, "no-silent-drop", 1);
	jv_free(v);

	v = check(unanswered("5000", "{'type':'fault','T':200,'process':"
				     "'harness','fault':'freeze','target':"
				     "'A'}"));
	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* A message retried after a refusal is one message: one line is right. */
START_TEST(test_drop_retried_message)
{
	jv v = check(hist(
		META, SPAWN("A"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'deliver',"
		"'session':'s1','msg':'m1'}",
		"{'type':'log','T':150,'process':'A','level':'WARN','msg':"
		"'m1: lock busy'}",
		"{'type':'fail','T':150,'process':'A','id':1,'reason':'busy',"
		"'error':'busy'}",
		"{'type':'invoke','T':200,'process':'A','id':2,'op':'deliver',"
		"'session':'s1','msg':'m1'}",
		"{'type':'acquired','T':210,'process':'A','session':'s1',"
		"'lane':'main','id':2}",
		"{'type':'released','T':230,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':240,'process':'A','id':2}",
		"{'type':'final','T':1000,'sessions':{'s1':{'lock':'absent',"
		"'transcript':[{'msg':'m1','holder':'A','lane':'main','T':220}]}},"
		"'leaked':[]}",
		NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST



/* The runner announces a spin command with a spin fault: the process is
 * stopped for the command's 200 ms, not for good, so a release sent after
 * it and never answered is a silent drop. */
START_TEST(test_drop_after_spin)
{
	jv v = check(hist(
		META, SPAWN("A"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'invoke','T':1000,'process':'A','id':2,'op':'spin',"
		"'ms':200}",
		"{'type':'fault','T':1000,'process':'harness','fault':'spin',"
		"'target':'A'}",
		"{'type':'ok','T':1200,'process':'A','id':2}",
		"{'type':'invoke','T':1300,'process':'A','id':3,'op':'release',"
		"'session':'s1'}",
		"{'type':'final','T':5000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 1);
	expect_says(v, "no-silent-drop", "A never answered release 3 (sent at "
					 "1.300 s");
	jv_free(v);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *no_silent_drop_suite(void)
{
	Suite *s = suite_create("no-silent-drop");
	TCase *tc;

	tc = tcase_create("no-silent-drop");
	tcase_add_test(tc, test_drop_ok_once);
	tcase_add_test(tc, test_drop_ok_missing);
	tcase_add_test(tc, test_drop_ok_twice);
	tcase_add_test(tc, test_drop_fail_absent);
	tcase_add_test(tc, test_drop_fail_but_present);
	tcase_add_test(tc, test_drop_fail_unexplained);
	tcase_add_test(tc, test_drop_cleanup_failure);
	tcase_add_test(tc, test_drop_killed_indeterminate);
	tcase_add_test(tc, test_drop_never_answered);
	tcase_add_test(tc, test_drop_retried_message);
	tcase_add_test(tc, test_drop_after_spin);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(no_silent_drop_suite());
}
