/*
 * test_visibility.c - the visibility checker (visibility.c).
 */
#include "histories.h"
#include "unit.h"

/* ---- visibility ------------------------------------------------------------------ */

/* B reclaims s1 (reason given) at 1.000 s; its acquire answers at 1.010 s.
 * `log` is B's (or someone's) log line. */
static jv reclaim(const char *log)
{
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':950,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'fault','T':900,'process':'harness','fault':'damage',"
		    "'kind':'dead','session':'s1'}",
		    "{'type':'acquired','T':1000,'process':'B','session':'s1',"
		    "'lane':'main','id':1,'reclaimed':'dead-pid'}",
		    "{'type':'ok','T':1010,'process':'B','id':1}", log,
		    "{'type':'final','T':3000,'sessions':{},'leaked':[]}", NULL);
}

START_TEST(test_visibility_reclaim)
{
	jv v = check(reclaim("{'type':'log','T':999,'process':'B','level':"
			     "'WARN','msg':'reclaimed'}"));

	expect_n(v, NULL, 0);
	jv_free(v);
	/* ERROR counts; late by less than the slack counts */
	v = check(reclaim("{'type':'log','T':1300,'process':'B','level':"
			  "'ERROR','msg':'reclaimed'}"));
	expect_n(v, NULL, 0);
	jv_free(v);
	v = check(reclaim("{'type':'log','T':1320,'process':'B','level':"
			  "'WARN','msg':'too late'}"));
	expect_n(v, "visibility", 1);
	expect_says(v, "visibility", "B acquired s1 at 1.000 s and reclaimed "
				     "it (dead-pid), with no WARN or ERROR "
				     "log");
	jv_free(v);
	v = check(reclaim("{'type':'log','T':1000,'process':'B','level':"
			  "'INFO','msg':'reclaimed'}"));
	expect_n(v, "visibility", 1);
	jv_free(v);
	v = check(reclaim("{'type':'log','T':1000,'process':'A','level':"
			  "'WARN','msg':'reclaimed'}"));
	expect_n(v, "visibility", 1);
	jv_free(v);
	v = check(reclaim("{'type':'log','T':1000,'process':'B','level':"
			  "'STDERR','msg':'WARN reclaimed'}"));
	expect_n(v, "visibility", 1);
	jv_free(v);
}
END_TEST

/* reclaim() with B's WARN 500 ms late (past the slack) and `sched` events
 * for `who` saying it waited `us` for a CPU from 1.010 s to the WARN. */
static jv reclaim_late(const char *who, const char *us)
{
	jv h = reclaim("{'type':'log','T':1510,'process':'B','level':"
		       "'WARN','msg':'reclaimed'}");

	h = with_sched(h, who, "1005", "1000");
	return with_sched(h, who, "1511", us);
}

START_TEST(test_visibility_late_warn_of_a_waiting_writer)
{
	/* B waited 450 ms for a CPU: its WARN was due by 1.310 s */
	jv v = check(reclaim_late("B", "451000"));

	expect_n(v, "visibility", 0);
	jv_free(v);
	/* 100 ms of waiting does not cover 200 ms of lateness */
	v = check(reclaim_late("B", "101000"));
	expect_n(v, "visibility", 1);
	jv_free(v);
	/* another process's wait is not B's */
	v = check(reclaim_late("A", "451000"));
	expect_n(v, "visibility", 1);
	jv_free(v);
}
END_TEST

/* A acquires s1 and is killed at 0.500 s; B acquires it at 0.650 s without
 * calling it a reclaim. The spawn lines say which kind of lock each runs. */
#define SPAWN_KEPT(p)                                                        \
	"{'type':'spawn','T':1,'process':'" p "','pid':10,'impl':'flock',"    \
	"'lockFile':'kept','caps':['acquire','release']}"

static jv takeover(const char *spawn_a, const char *spawn_b)
{
	return hist(META, spawn_a, spawn_b,
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':101,'process':'A','id':1}",
		    "{'type':'fault','T':500,'process':'harness','fault':'kill',"
		    "'target':'A'}",
		    "{'type':'invoke','T':600,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':650,'process':'B','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':651,'process':'B','id':1}",
		    "{'type':'final','T':2000,'sessions':{},'leaked':[]}", NULL);
}

/* A payload lock: the WARN is owed all the same. */
START_TEST(test_visibility_silent_takeover)
{
	jv v = check(takeover(SPAWN("A"), SPAWN("B")));

	expect_n(v, NULL, 1);
	expect_says(v, "visibility", "B acquired s1 at 0.650 s and took it "
				     "from A, which had not released it (A "
				     "was killed at 0.500 s)");
	jv_free(v);
}
END_TEST

/* A kernel lock (both spawns say "lockFile": "kept"): A's death let go of
 * it, B took nothing. A's spawn alone decides. */
START_TEST(test_visibility_kernel_lock_died)
{
	jv v = check(takeover(SPAWN_KEPT("A"), SPAWN_KEPT("B")));

	expect_n(v, NULL, 0);
	jv_free(v);
	v = check(takeover(SPAWN("A"), SPAWN_KEPT("B")));
	expect_n(v, "visibility", 1);
	jv_free(v);
}
END_TEST

/* A refused message needs a WARN naming it: "m10" does not name "m1". */
static jv refused(const char *log_msg)
{
	char log[256];

	snprintf(log, sizeof(log),
		 "{'type':'log','T':150,'process':'A','level':'WARN','msg':'%s'}",
		 log_msg);
	return hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1'}",
		    log,
		    "{'type':'fail','T':160,'process':'A','id':1,'reason':'busy',"
		    "'error':'locked'}",
		    FINAL_EMPTY("1000"), NULL);
}

START_TEST(test_visibility_refused)
{
	jv v = check(refused("message m1 refused: lock busy"));

	expect_n(v, NULL, 0);
	jv_free(v);
	v = check(refused("message \\\"m1\\\" refused"));
	expect_n(v, NULL, 0);
	jv_free(v);
	v = check(refused("message m10 refused"));
	expect_n(v, NULL, 1);
	expect_says(v, "visibility", "A refused deliver m1 at 0.160 s (busy) "
				     "with no WARN or ERROR log naming m1");
	jv_free(v);
	v = check(refused("lock busy"));
	expect_n(v, "visibility", 1);
	jv_free(v);
}
END_TEST

/* The cleanup cron deletes A's lock (damage `removed`): B finds no file,
 * so no WARN is owed and B's acquisition is not a double ownership. A,
 * fenced, writes nothing. */
START_TEST(test_damage_removed)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':4,'process':'A','id':1,'op':'turn',"
		"'session':'s1','msg':'late','holdMs':1000}",
		"{'type':'acquired','T':4,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'fault','T':301,'process':'harness','fault':'damage',"
		"'kind':'removed','session':'s1'}",
		"{'type':'invoke','T':400,'process':'B','id':2,'op':'turn',"
		"'session':'s1','msg':'m1','holdMs':1200}",
		"{'type':'acquired','T':402,'process':'B','session':'s1',"
		"'lane':'main','id':2}",
		"{'type':'log','T':1004,'process':'A','level':'WARN','msg':"
		"'message late refused: lock-lost'}",
		"{'type':'released','T':1004,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'fail','T':1004.5,'process':'A','id':1,'reason':"
		"'lock-lost','error':'taken over'}",
		"{'type':'released','T':1604,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':1604.5,'process':'B','id':2}",
		"{'type':'final','T':2000,'sessions':{'s1':{'lock':'absent',"
		"'transcript':[{'msg':'m1','holder':'B','lane':'main','T':1603}]}},"
		"'leaked':[]}",
		NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* Eight contenders race for a dead holder's lock: C1 reclaims it (and
 * says so), but C2's O_EXCL wins the race. C1's WARN covers C2. */
START_TEST(test_visibility_race_winner)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("C1"), SPAWN("C2"),
		"{'type':'invoke','T':41,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':42,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':42.5,'process':'A','id':1}",
		"{'type':'fault','T':43,'process':'harness','fault':'kill',"
		"'target':'A'}",
		"{'type':'invoke','T':99,'process':'C1','id':2,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'invoke','T':99,'process':'C2','id':3,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'log','T':99.9,'process':'C1','level':'WARN','msg':"
		"'reclaimed stale lock: dead-pid'}",
		"{'type':'acquired','T':100,'process':'C2','session':'s1',"
		"'lane':'main','id':3}",
		"{'type':'ok','T':100.5,'process':'C2','id':3}",
		"{'type':'final','T':200,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* A release, reported late: the kernel saw A's file deleted at
 * 0.500 s, B create its own at 0.505 s and say acquired at 0.515 s, and A
 * say released (why release) only at 0.521 s, `us` after a wait for a CPU
 * from 0.490 to 0.525 s (races/fresh-lock-jitter on OpenClaw 5.2, load 20:
 * 20 ms between the unlink and the `released`, 18 ms of it runnable).
 * Nobody reclaimed: A deleted its own file and was descheduled before it
 * could say so. Stopped, A would have said nothing meanwhile. */
static jv late_release(const char *us)
{
	jv h = hist(META, SPAWN_PID("A", "10"), SPAWN_PID("B", "11"),
		    "{'type':'invoke','T':90,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'fs','T':95,'process':'harness','fs':'create',"
		    "'file':'s1.jsonl.lock','kind':'lock','session':'s1','pid':10}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':101,'process':'A','id':1}",
		    "{'type':'invoke','T':90,'process':'B','id':2,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'fs','T':500,'process':'harness','fs':'delete',"
		    "'file':'s1.jsonl.lock','kind':'lock','session':'s1'}",
		    "{'type':'fs','T':505,'process':'harness','fs':'create',"
		    "'file':'s1.jsonl.lock','kind':'lock','session':'s1','pid':11}",
		    "{'type':'acquired','T':515,'process':'B','session':'s1',"
		    "'lane':'main','id':2}",
		    "{'type':'ok','T':516,'process':'B','id':2}",
		    "{'type':'released','T':521,'process':'A','session':'s1',"
		    "'lane':'main','id':1,'why':'release'}",
		    "{'type':'released','T':600,'process':'B','session':'s1',"
		    "'lane':'main','id':2,'why':'release'}",
		    "{'type':'fs','T':599,'process':'harness','fs':'delete',"
		    "'file':'s1.jsonl.lock','kind':'lock','session':'s1'}",
		    "{'type':'final','T':1000,'sessions':{},'leaked':[]}", NULL);

	h = with_sched(h, "A", "490", "1000");
	return with_sched(h, "A", "525", us);
}

START_TEST(test_visibility_release_reported_late)
{
	/* 18 ms waited for a CPU: A's release came before B's create */
	jv v = check(late_release("19000"));

	expect_n(v, "visibility", 0);
	jv_free(v);
	/* no wait: A said released 6 ms after B's acquired, as a frozen
	 * owner whose file a contender deleted would */
	v = check(late_release("1000"));
	expect_n(v, "visibility", 1);
	expect_says(v, "visibility", "B acquired s1 at 0.515 s and took it "
				     "from A, which had not released it");
	jv_free(v);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *visibility_suite(void)
{
	Suite *s = suite_create("visibility");
	TCase *tc;

	tc = tcase_create("visibility");
	tcase_add_test(tc, test_visibility_reclaim);
	tcase_add_test(tc, test_visibility_late_warn_of_a_waiting_writer);
	tcase_add_test(tc, test_visibility_silent_takeover);
	tcase_add_test(tc, test_visibility_kernel_lock_died);
	tcase_add_test(tc, test_visibility_refused);
	tcase_add_test(tc, test_damage_removed);
	tcase_add_test(tc, test_visibility_race_winner);
	tcase_add_test(tc, test_visibility_release_reported_late);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(visibility_suite());
}
