/*
 * test_protocol.c - the protocol checker (protocol.c).
 */
#include "histories.h"
#include "unit.h"

/* ---- protocol -------------------------------------------------------------------- */

/* A holder that exits on its own (nobody killed it, no exit command)
 * leaves its commands unanswered: the steps never happened. */
START_TEST(test_protocol_unanswered_after_own_exit)
{
	jv v = check(hist(META, SPAWN("A"),
			  "{'type':'exit','T':20,'process':'A','code':0}",
			  "{'type':'invoke','T':30,'process':'A','id':1,'op':'acquire',"
			  "'session':'s1'}",
			  "{'type':'info','T':30,'process':'A','id':1,'op':'acquire',"
			  "'error':'holder is not running','unprompted':true}",
			  FINAL_EMPTY("100"), NULL));

	expect_n(v, "protocol", 1);
	expect_says(v, "protocol", "A never answered acquire");
	expect_says(v, "protocol", "on its own");
	jv_free(v);
	/* killed by the scenario: an unknown fate, not a breach */
	v = check(hist(META, SPAWN("A"),
		       "{'type':'invoke','T':30,'process':'A','id':1,'op':'acquire',"
		       "'session':'s1'}",
		       "{'type':'fault','T':40,'process':'harness','fault':'kill',"
		       "'target':'A','signal':9}",
		       "{'type':'exit','T':41,'process':'A','signal':9}",
		       "{'type':'info','T':41,'process':'A','id':1,'op':'acquire',"
		       "'error':'holder died before answering'}",
		       FINAL_EMPTY("100"), NULL));
	expect_n(v, "protocol", 0);
	jv_free(v);
}
END_TEST

START_TEST(test_protocol)
{
	jv v = check(hist(
		META, SPAWN("A"),
		"{'type':'error','T':50,'process':'A','error':'not protocol',"
		"'line':'Hello from a debug print'}",
		"{'type':'error','T':60,'process':'harness','error':'x','line':"
		"'y'}",
		"{'type':'error','T':70,'process':'A','error':'bad json'}",
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'fail','T':102,'process':'A','id':1,'reason':'other',"
		"'error':'x'}",
		"{'type':'ok','T':103,'process':'A','id':7}",
		"{'type':'final','T':1000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, "protocol", 4);
	expect_says(v, "protocol", "A broke the protocol at 0.050 s: not "
				   "protocol: Hello from a debug print");
	expect_says(v, "protocol", "A broke the protocol at 0.070 s: bad json");
	expect_says(v, "protocol", "A answered acquire 1 2 times: ok at 0.101 "
				   "s, then fail at 0.102 s");
	expect_says(v, "protocol", "A answered command 7, which was never sent "
				   "(ok at 0.103 s)");
	jv_free(v);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *protocol_suite(void)
{
	Suite *s = suite_create("protocol");
	TCase *tc;

	tc = tcase_create("protocol");
	tcase_add_test(tc, test_protocol);
	tcase_add_test(tc, test_protocol_unanswered_after_own_exit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(protocol_suite());
}
