/*
 * test_recovery.c - the recovery checker (recovery.c), against hand-made
 * histories, often in pairs just inside and just outside a bound.
 */
#include "histories.h"
#include "lib/jvx.h"
#include "unit.h"

/* ---- recovery ------------------------------------------------------------------ */

/*
 * A takes s1 for a long turn and is SIGKILLed at 1.200 s; B has been waiting
 * since 0.500 s and gets the lock at `acq` ms. Bound: 1200 + 50 + 300.
 */
static jv kill_history(const char *acq)
{
	char acquired[256], appended[256], released[256], ok[256], fin[512];

	snprintf(acquired, sizeof(acquired),
		 "{'type':'acquired','T':%s,'process':'B','session':'s1',"
		 "'lane':'main','id':1,'reclaimed':'dead-pid'}",
		 acq);
	snprintf(appended, sizeof(appended),
		 "{'type':'appended','T':%s.5,'process':'B','session':'s1',"
		 "'msg':'m1','id':1}",
		 acq);
	snprintf(released, sizeof(released),
		 "{'type':'released','T':%s.7,'process':'B','session':'s1',"
		 "'lane':'main','why':'release'}",
		 acq);
	snprintf(ok, sizeof(ok),
		 "{'type':'ok','T':%s.8,'process':'B','id':1,'op':'deliver'}",
		 acq);
	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':6000,'sessions':{'s1':{'lock':'absent',"
		 "'transcript':[{'msg':'m1','holder':'B','lane':'main','T':%s."
		 "6}]}},'leaked':[]}",
		 acq);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'turn',"
		    "'session':'s1','lane':'main','holdMs':10000}",
		    "{'type':'acquired','T':110,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'invoke','T':500,'process':'B','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1','timeoutMs':5000}",
		    "{'type':'fault','T':1200,'process':'harness','fault':'kill',"
		    "'target':'A','signal':9}",
		    "{'type':'exit','T':1201,'process':'A','signal':9}",
		    "{'type':'info','T':1201,'process':'A','id':1,'op':'turn',"
		    "'error':'holder died'}",
		    acquired,
		    "{'type':'log','T':1000,'process':'B','level':'WARN',"
		    "'msg':'reclaiming lock of dead pid 10'}",
		    appended, released, ok, fin, NULL);
}

/* B asks after A was killed and gives up (timeout) `after` ms later,
 * inside the bound: refused while the lock was reclaimable. */
static jv gave_up(const char *fail_at)
{
	char fail[256];

	snprintf(fail, sizeof(fail),
		 "{'type':'fail','T':%s,'process':'B','id':1,'reason':'timeout',"
		 "'error':'session file locked'}",
		 fail_at);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':110,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':111,'process':'A','id':1}",
		    "{'type':'fault','T':1200,'process':'harness','fault':'kill',"
		    "'target':'A','signal':9}",
		    "{'type':'exit','T':1201,'process':'A','signal':9}",
		    "{'type':'invoke','T':1300,'process':'B','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1','timeoutMs':200}",
		    "{'type':'log','T':1301,'process':'B','level':'WARN',"
		    "'msg':'refused m1: locked'}",
		    fail, FINAL_EMPTY("3000"), NULL);
}

/* A holds; the harness sends `fault` (kill or zombie) at 1.200 s; A's exit
 * (the reap) comes at `exit_t`; B, waiting since 0.500 s, reclaims at
 * exit_t + 50 ms. */
static jv slow_death(const char *fault, int exit_t)
{
	char f[256], ex[128], acq[256], ok[160], fin[512];

	snprintf(f, sizeof(f),
		 "{'type':'fault','T':1200,'process':'harness','fault':'%s',"
		 "'target':'A','signal':9}",
		 fault);
	snprintf(ex, sizeof(ex), "{'type':'exit','T':%d,'process':'A','signal':9}",
		 exit_t);
	snprintf(acq, sizeof(acq),
		 "{'type':'acquired','T':%d,'process':'B','session':'s1',"
		 "'lane':'main','id':1,'reclaimed':'dead-pid'}",
		 exit_t + 50);
	snprintf(ok, sizeof(ok),
		 "{'type':'ok','T':%d,'process':'B','id':1,'op':'acquire'}",
		 exit_t + 51);
	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':6000,'sessions':{'s1':{'lock':'file'}},"
		 "'leaked':[]}");
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':110,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':111,'process':'A','id':1}",
		    "{'type':'invoke','T':500,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1','timeoutMs':5000}",
		    f, ex, acq, ok, fin, NULL);
}

/* A killed process dies when the kernel gets to it (1.4 s after a SIGHUP
 * under stress-ng): a contender that takes the lock 50 ms after the reap
 * is within the bound; one that had to wait for a zombie's reap was not. */
START_TEST(test_recovery_counts_a_slow_death_from_its_reap)
{
	jv v = check(slow_death("kill", 2600));

	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(slow_death("kill", 1201));
	expect_n(v, "recovery", 0);
	jv_free(v);
	/* a zombie is dead at once, however late its reap */
	v = check(slow_death("zombie", 2600));
	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "B waited 1450 ms for s1 after A was killed "
				   "(a zombie, unreaped) at 1.200 s");
	jv_free(v);
}
END_TEST

/* kill_history's B took the lock at 2.552 s, 1351 ms after A's reap,
 * against a bound of 350 ms; with `sched` events saying how long B waited
 * for a CPU meanwhile (run/sched.c). Its own wait for a CPU widens its
 * bound; another process's does not, nor does a count that goes down. */
static jv cpu_history(const char *who, const char *before, const char *after)
{
	jv h = with_sched(kill_history("2552"), who, "1100", before);

	return with_sched(h, who, "2553", after);
}

START_TEST(test_recovery_counts_the_contenders_cpu_wait)
{
	jv v = check(cpu_history("B", "50000", "1100000"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(cpu_history("B", "50000", "900000"));
	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "(bound: poll 50 ms + slack 300 ms + "
				   "850 ms it waited for a CPU)");
	jv_free(v);
	/* the dead owner's CPU waits are not the contender's */
	v = check(cpu_history("A", "50000", "1100000"));
	expect_n(v, "recovery", 1);
	jv_free(v);
	/* a count that goes down is not trusted */
	v = check(cpu_history("B", "1100000", "50000"));
	expect_n(v, "recovery", 1);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_refused_while_reclaimable)
{
	jv v = check(gave_up("1500"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "B gave up on s1 after A was killed at "
				   "1.200 s (reaped at 1.201 s): it was "
				   "refused (timeout) at 1.500 s after 200 ms");
	jv_free(v);
	/* within two polls of asking: it may not have looked yet */
	v = check(gave_up("1390"));
	expect_n(v, "recovery", 0);
	jv_free(v);
}
END_TEST

/* gave_up("1500") with `sched` events for `who`: waited `us` for a CPU
 * between B's ask (1.300 s) and its refusal. */
static jv gave_up_cpu(const char *who, const char *us)
{
	jv h = with_sched(gave_up("1500"), who, "1290", "10000");

	return with_sched(h, who, "1501", us);
}

START_TEST(test_recovery_refused_while_waiting_for_a_cpu)
{
	/* B waited 180 of its 200 ms for a CPU: it could not poll twice */
	jv v = check(gave_up_cpu("B", "190000"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	/* 40 ms of waiting leaves 160 ms, more than two polls of 50 */
	v = check(gave_up_cpu("B", "50000"));
	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "B gave up on s1");
	jv_free(v);
	/* the dead owner's waits are not B's */
	v = check(gave_up_cpu("A", "190000"));
	expect_n(v, "recovery", 1);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_kill_fast_reclaim_passes)
{
	jv v = check(kill_history("1260"));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_kill_1ms_inside_bound)
{
	jv v = check(kill_history("1549"));

	expect_n(v, "recovery", 0);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_kill_just_outside_bound)
{
	jv v = check(kill_history("1552"));

	expect_n(v, "recovery", 1);
	/* counted from its exit (reaped at 1.201 s): a killed process dies
	 * when the kernel gets to it */
	expect_says(v, "recovery", "B waited 351 ms for s1 after A was "
				   "killed at 1.200 s (reaped at 1.201 s) "
				   "(bound: poll 50 ms + slack 300 ms)");
	jv_free(v);
}
END_TEST

/*
 * kill_history with A in container c1 and B in container `ns_b` (spawn
 * `ns`): from another PID namespace A's death cannot be seen, and the lock
 * is free for B only at A's acquired + maxHoldMs (110 + 5000 ms).
 */
static jv ns_kill_history(const char *acq, const char *ns_b)
{
	jv h = kill_history(acq);
	int i, n = jv_array_length(jv_copy(h));

	for (i = 0; i < n; i++) {
		jv e = jv_array_get(jv_copy(h), i);
		const char *type = jvx_cstr(e, "type");
		const char *who = jvx_cstr(e, "process");

		if (type && who && !strcmp(type, "spawn"))
			h = jv_array_set(h, i,
					 jv_object_set(jv_copy(e),
						       jv_string("ns"),
						       jv_string(!strcmp(who,
									 "A")
									 ? "c1"
									 : ns_b)));
		jv_free(e);
	}
	return h;
}

START_TEST(test_recovery_dead_owner_in_another_namespace)
{
	/* the same B as test_recovery_kill_well_outside_bound: in c2 it is
	 * inside its bound (110 + 5000 + 50 + 300) */
	jv v = check(ns_kill_history("4150", "c2"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(ns_kill_history("5458", "c2"));
	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(ns_kill_history("5500", "c2"));
	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "B waited 390 ms for s1 after A was killed "
				   "at 1.200 s in another PID namespace (its "
				   "death unseen there: reclaimable at its "
				   "maxHoldMs 5000, from 5.110 s) (bound: "
				   "maxHoldMs 5000 + poll 50 ms + slack "
				   "300 ms)");
	jv_free(v);
	/* in the same container, the death is seen: a poll */
	v = check(ns_kill_history("4150", "c1"));
	expect_n(v, "recovery", 1);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_kill_well_outside_bound)
{
	jv v = check(kill_history("4150"));

	expect_n(v, NULL, 1);
	expect_says(v, "recovery", "B waited 2949 ms for s1 after A was "
				   "killed at 1.200 s (reaped at 1.201 s) "
				   "(bound: poll 50 ms + slack 300 ms)");
	jv_free(v);
}
END_TEST

/* B gives up with `timeout`: before the bound it is no violation, after the
 * bound (the lock never came) it is. */
static jv kill_then_timeout(const char *fail_t)
{
	char fail[256];

	snprintf(fail, sizeof(fail),
		 "{'type':'fail','T':%s,'process':'B','id':1,'op':'deliver',"
		 "'reason':'timeout','error':'session file locked (timeout "
		 "1ms): pid=10 s1.jsonl.lock'}",
		 fail_t);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':110,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':111,'process':'A','id':1,'op':'acquire'}",
		    "{'type':'invoke','T':1000,'process':'B','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m1'}",
		    "{'type':'fault','T':1200,'process':'harness','fault':'kill',"
		    "'target':'A','signal':9}",
		    "{'type':'exit','T':1201,'process':'A','signal':9}",
		    "{'type':'log','T':1300,'process':'B','level':'WARN','msg':"
		    "'m1 refused: lock busy'}",
		    fail,
		    "{'type':'final','T':4000,'sessions':{'s1':{'lock':'file',"
		    "'transcript':[]}},'leaked':[]}",
		    NULL);
}

START_TEST(test_recovery_timeout_before_bound)
{
	jv v = check(kill_then_timeout("1300"));

	expect_n(v, "recovery", 0);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_timeout_after_bound)
{
	jv v = check(kill_then_timeout("3000"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "B waited 1799 ms for s1 after A was "
				   "killed at 1.200 s (reaped at 1.201 s), then "
				   "failed (timeout)");
	/* the lock file stayed: a leak too */
	expect_n(v, "leak", 1);
	jv_free(v);
}
END_TEST

/* A releases at 1.000 s but B, waiting since 0.500 s, only gets the lock at
 * 2.000 s. */
/* B's lock file was created 10 ms after A let go (the kernel's view, its
 * payload naming B's pid), but B stamped `acquired` a second later (a slow
 * fsync, a descheduling): its wait ended at the create. Without the
 * kernel's view the same stamps are a 1000 ms wait. */
static jv slow_stamp(int kernel)
{
	return hist(META, SPAWN_PID("A", "11"), SPAWN_PID("B", "12"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'turn',"
		    "'session':'s1','holdMs':900}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'invoke','T':500,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'released','T':1000,'process':'A','session':'s1',"
		    "'lane':'main','why':'release'}",
		    "{'type':'ok','T':1001,'process':'A','id':1}",
		    kernel ? "{'type':'fs','T':1010,'process':'harness','fs':'create',"
			     "'kind':'lock','session':'s1','file':'s1.jsonl.lock',"
			     "'payload':'ok','pid':12}"
			   : "{'type':'log','T':1010,'process':'B','level':'DEBUG',"
			     "'msg':'-'}",
		    "{'type':'acquired','T':2000,'process':'B','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':2001,'process':'B','id':1}",
		    "{'type':'invoke','T':2100,'process':'B','id':2,'op':'release',"
		    "'session':'s1'}",
		    "{'type':'released','T':2101,'process':'B','session':'s1',"
		    "'lane':'main','why':'release'}",
		    "{'type':'ok','T':2102,'process':'B','id':2}", FINAL_EMPTY("3000"),
		    NULL);
}

/*
 * B's lock file is created at 0.110 s (the kernel's view, its payload naming
 * B) but B is frozen before it says `acquired`. C waits from 0.400 s. With
 * `kill_at` NULL: C reclaims the overdue file at `c_acq` (B's maxHoldMs 1000
 * from its create), then B is thawed and says `acquired` at 1.510 s, after C
 * did. Else B is killed at `kill_at`, frozen, having never said `acquired`,
 * and C takes the dead owner's file at `c_acq`.
 */
static jv frozen_before_acquired(const char *kill_at, const char *c_acq)
{
	char del[256], cre[256], acq[256], rel[256], ok[256], fault[256],
		ex[256];

	snprintf(del, sizeof(del),
		 "{'type':'fs','T':%s,'process':'harness','fs':'delete',"
		 "'kind':'lock','session':'s1','file':'s1.jsonl.lock'}",
		 c_acq);
	snprintf(cre, sizeof(cre),
		 "{'type':'fs','T':%s.2,'process':'harness','fs':'create',"
		 "'kind':'lock','session':'s1','file':'s1.jsonl.lock',"
		 "'payload':'ok','pid':13}",
		 c_acq);
	snprintf(acq, sizeof(acq),
		 "{'type':'acquired','T':%s.4,'process':'C','session':'s1',"
		 "'lane':'main','id':1,'reclaimed':'%s'}",
		 c_acq, kill_at ? "dead-pid" : "hold-exceeded");
	snprintf(rel, sizeof(rel),
		 "{'type':'released','T':%s.6,'process':'C','session':'s1',"
		 "'lane':'main','why':'release'}",
		 c_acq);
	snprintf(ok, sizeof(ok),
		 "{'type':'ok','T':%s.8,'process':'C','id':1}", c_acq);
	if (kill_at) {
		snprintf(fault, sizeof(fault),
			 "{'type':'fault','T':%s,'process':'harness',"
			 "'fault':'kill','target':'B','signal':9}",
			 kill_at);
		snprintf(ex, sizeof(ex),
			 "{'type':'exit','T':%s.5,'process':'B','signal':9}",
			 kill_at);
	}
	return hist(META, SPAWN_PID("B", "12"), SPAWN_PID("C", "13"),
		    "{'type':'invoke','T':100,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1','maxHoldMs':1000}",
		    "{'type':'fs','T':110,'process':'harness','fs':'create',"
		    "'kind':'lock','session':'s1','file':'s1.jsonl.lock',"
		    "'payload':'ok','pid':12}",
		    "{'type':'fault','T':300,'process':'harness','fault':'freeze',"
		    "'target':'B'}",
		    "{'type':'invoke','T':400,'process':'C','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m2','timeoutMs':3000,'maxHoldMs':1000}",
		    kill_at ? fault : "{'type':'log','T':401,'process':'C',"
				      "'level':'DEBUG','msg':'-'}",
		    kill_at ? ex : "{'type':'log','T':402,'process':'C',"
				   "'level':'DEBUG','msg':'-'}",
		    del, cre, acq,
		    "{'type':'log','T':1000,'process':'C','level':'WARN',"
		    "'msg':'reclaimed stale lock'}",
		    rel, ok,
		    kill_at ? "{'type':'info','T':1600,'process':'B','id':1,"
			      "'error':'holder died'}"
			    : "{'type':'fault','T':1500,'process':'harness',"
			      "'fault':'thaw','target':'B'}",
		    kill_at ? "{'type':'log','T':1601,'process':'C',"
			      "'level':'DEBUG','msg':'-'}"
			    : "{'type':'acquired','T':1510,'process':'B',"
			      "'session':'s1','lane':'main','id':1}",
		    kill_at ? "{'type':'log','T':1602,'process':'C',"
			      "'level':'DEBUG','msg':'-'}"
			    : "{'type':'ok','T':1511,'process':'B','id':1}",
		    FINAL_EMPTY("3000"), NULL);
}

/* Sorted by `acquired`, C's hold came before B's and C's wait was judged
 * "while nobody held it"; by start (B's create), C got an overdue lock
 * within a poll of its maxHoldMs. */
START_TEST(test_recovery_frozen_before_acquired)
{
	jv v = check(frozen_before_acquired(NULL, "1120"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	/* ... and a contender kept out well past that maxHoldMs still fails */
	v = check(frozen_before_acquired(NULL, "1600"));
	expect_says(v, "recovery", "C waited 490 ms for s1 after B, frozen at "
				   "0.300 s, held it past its maxHoldMs 1000 "
				   "(its file created at 0.110 s)");
	jv_free(v);
}
END_TEST

/* B never said `acquired`: the file its payload named is its hold all the
 * same, until its death; taken 50 ms after, the wait passes, 500 ms after
 * (a lock without liveness), it fails. */
START_TEST(test_recovery_killed_before_acquired)
{
	jv v = check(frozen_before_acquired("1000", "1050"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(frozen_before_acquired("1000", "1500"));
	expect_says(v, "recovery", "C waited 500 ms for s1 after B's lock file "
				   "(created at 0.110 s, never reported "
				   "acquired) ended: B was killed at 1.000 s");
	jv_free(v);
}
END_TEST

/*
 * A kernel lock whose file stays and names its owner's pid (zc.lockfile's
 * " <pid>\n", hello "lockFile":"kept"): B takes the flock and writes its
 * pid at 0.111 s in a file created at 0.110 s, is frozen before it says
 * `acquired`, and killed at 1.000 s; C gets the lock at `c_acq` and writes
 * its own pid into the same file (one life, never deleted). C's later hold
 * of that life does not make B's unreported one vanish.
 */
static jv kept_frozen_before_acquired(const char *c_acq)
{
	char wr[256], acq[256], rel[256], ok[256];

	snprintf(wr, sizeof(wr),
		 "{'type':'fs','T':%s,'process':'harness','fs':'write',"
		 "'kind':'lock','session':'s1','file':'s1.jsonl.lock',"
		 "'payload':'pidfile','pid':13}",
		 c_acq);
	snprintf(acq, sizeof(acq),
		 "{'type':'acquired','T':%s.4,'process':'C','session':'s1',"
		 "'lane':'main','id':1}",
		 c_acq);
	snprintf(rel, sizeof(rel),
		 "{'type':'released','T':%s.6,'process':'C','session':'s1',"
		 "'lane':'main','why':'release'}",
		 c_acq);
	snprintf(ok, sizeof(ok),
		 "{'type':'ok','T':%s.8,'process':'C','id':1}", c_acq);
	return hist(META,
		    "{'type':'spawn','T':1,'process':'B','pid':12,'impl':'zc',"
		    "'caps':['acquire','release','pidPayload'],'lockFile':'kept'}",
		    "{'type':'spawn','T':1,'process':'C','pid':13,'impl':'zc',"
		    "'caps':['acquire','release','pidPayload'],'lockFile':'kept'}",
		    "{'type':'invoke','T':100,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'fs','T':110,'process':'harness','fs':'create',"
		    "'kind':'lock','session':'s1','file':'s1.jsonl.lock',"
		    "'payload':'empty'}",
		    "{'type':'fs','T':111,'process':'harness','fs':'write',"
		    "'kind':'lock','session':'s1','file':'s1.jsonl.lock',"
		    "'payload':'pidfile','pid':12}",
		    "{'type':'fault','T':112,'process':'harness','fault':'freeze',"
		    "'target':'B'}",
		    "{'type':'invoke','T':400,'process':'C','id':1,'op':'deliver',"
		    "'session':'s1','msg':'m2','timeoutMs':3000}",
		    "{'type':'fault','T':1000,'process':'harness','fault':'kill',"
		    "'target':'B','signal':9}",
		    "{'type':'exit','T':1000.5,'process':'B','signal':9}",
		    "{'type':'info','T':1001,'process':'B','id':1,"
		    "'error':'holder died'}",
		    wr, acq, rel, ok,
		    "{'type':'final','T':3000,'sessions':{'s1':{'lock':'kept',"
		    "'transcript':[],'tornTail':false}},'leaked':[]}",
		    NULL);
}

/* zc.lockfile in faults/kill-frozen-before-acquired: "C waited 878 ms for
 * s1 while nobody held it" when C's hold of the kept file claimed its one
 * life and B's unreported hold was never added. */
START_TEST(test_recovery_kept_file_frozen_before_acquired)
{
	jv v = check(kept_frozen_before_acquired("1050"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	/* the kernel freed B's lock at its death: a wait past that fails */
	v = check(kept_frozen_before_acquired("1500"));
	expect_says(v, "recovery", "B was killed at 1.000 s");
	jv_free(v);
}
END_TEST

/*
 * A holds s1 from 0.100 s to 0.400 s; B waits from 0.150 s, and its event
 * loop is blocked by the block-loop failpoint from 0.200 s (it said so) to
 * 1.700 s (switched off): it cannot poll. Its bound after A's release is
 * poll + slack + the 1300 ms it was stopped then: 2.050 s.
 */
static jv blocked_contender(const char *acq)
{
	char a[256], ok[256];

	snprintf(a, sizeof(a),
		 "{'type':'acquired','T':%s,'process':'B','session':'s1',"
		 "'lane':'main','id':1}",
		 acq);
	snprintf(ok, sizeof(ok),
		 "{'type':'ok','T':%s.5,'process':'B','id':1}", acq);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'turn',"
		    "'session':'s1','holdMs':300}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'invoke','T':150,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'fault','T':190,'process':'harness','fault':'failpoint',"
		    "'target':'B','name':'sessionlock/turn/block-loop','mode':'on'}",
		    "{'type':'failpoint','T':200,'process':'B',"
		    "'name':'sessionlock/turn/block-loop'}",
		    "{'type':'released','T':400,'process':'A','session':'s1',"
		    "'lane':'main','why':'release'}",
		    "{'type':'ok','T':401,'process':'A','id':1}",
		    "{'type':'fault','T':1700,'process':'harness','fault':'failpoint',"
		    "'target':'B','name':'sessionlock/turn/block-loop','mode':'off'}",
		    a, ok, FINAL_EMPTY("3000"), NULL);
}

START_TEST(test_recovery_blocked_loop_contender)
{
	jv v = check(blocked_contender("2000"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(blocked_contender("2100"));
	expect_says(v, "recovery", "B waited 1700 ms for s1 after A released it "
				   "at 0.400 s (bound: poll 50 ms + slack 300 "
				   "ms + 1300 ms it was stopped)");
	jv_free(v);
}
END_TEST

/*
 * A holds s1 and is killed at 0.400 s; C has waited since 0.100 s, and a
 * reclaim pause armed in it at 0.200 s (delay 1000 ms, after it began)
 * fires at 0.450 s: it sleeps in its own reclaim until 1.450 s. Its bound
 * is poll + slack + that second: 1.750 s.
 */
static jv paused_contender(const char *acq)
{
	char a[256], ok[256];

	snprintf(a, sizeof(a),
		 "{'type':'acquired','T':%s,'process':'C','session':'s1',"
		 "'lane':'main','id':1,'reclaimed':'dead-pid'}",
		 acq);
	snprintf(ok, sizeof(ok),
		 "{'type':'ok','T':%s.5,'process':'C','id':1}", acq);
	return hist(META, SPAWN("A"), SPAWN("C"),
		    "{'type':'invoke','T':50,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':60,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':61,'process':'A','id':1}",
		    "{'type':'invoke','T':100,'process':'C','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'fault','T':200,'process':'harness','fault':'failpoint',"
		    "'target':'C','name':'sessionlock/reclaim/pause-before-unlink',"
		    "'mode':'once','delayMs':1000}",
		    "{'type':'fault','T':400,'process':'harness','fault':'kill',"
		    "'target':'A','signal':9}",
		    "{'type':'exit','T':401,'process':'A','signal':9}",
		    "{'type':'failpoint','T':450,'process':'C',"
		    "'name':'sessionlock/reclaim/pause-before-unlink'}",
		    "{'type':'log','T':1460,'process':'C','level':'WARN',"
		    "'msg':'reclaimed'}",
		    a, ok, FINAL_EMPTY("3000"), NULL);
}

START_TEST(test_recovery_paused_in_own_reclaim)
{
	jv v = check(paused_contender("1500"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(paused_contender("1800"));
	expect_says(v, "recovery", "C waited 1399 ms for s1 after A was killed "
				   "at 0.400 s (reaped at 0.401 s)");
	jv_free(v);
}
END_TEST

/* As frozen_before_acquired, but thawed B finds its file gone (C took it),
 * makes a new one at 1.600 s and says `acquired` for that at 1.700 s: its
 * first file was unreported all the same (its attempt's `acquired` is the
 * second file's). Seen in the mutation gate, with the reference's check
 * that the path still names its file. */
START_TEST(test_recovery_frozen_then_second_file)
{
	jv v = check(hist(
		META, SPAWN_PID("B", "12"), SPAWN_PID("C", "13"),
		"{'type':'invoke','T':100,'process':'B','id':1,'op':'acquire',"
		"'session':'s1','maxHoldMs':1000}",
		"{'type':'fs','T':110,'process':'harness','fs':'create',"
		"'kind':'lock','session':'s1','file':'s1.jsonl.lock',"
		"'payload':'ok','pid':12}",
		"{'type':'fault','T':300,'process':'harness','fault':'freeze',"
		"'target':'B'}",
		"{'type':'invoke','T':400,'process':'C','id':1,'op':'deliver',"
		"'session':'s1','msg':'m2','timeoutMs':3000,'maxHoldMs':1000}",
		"{'type':'fs','T':1120,'process':'harness','fs':'delete',"
		"'kind':'lock','session':'s1','file':'s1.jsonl.lock'}",
		"{'type':'fs','T':1120.2,'process':'harness','fs':'create',"
		"'kind':'lock','session':'s1','file':'s1.jsonl.lock',"
		"'payload':'ok','pid':13}",
		"{'type':'log','T':1120.3,'process':'C','level':'WARN',"
		"'msg':'reclaimed stale lock'}",
		"{'type':'acquired','T':1250,'process':'C','session':'s1',"
		"'lane':'main','id':1,'reclaimed':'hold-exceeded'}",
		"{'type':'released','T':1251,'process':'C','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'fs','T':1251.5,'process':'harness','fs':'delete',"
		"'kind':'lock','session':'s1','file':'s1.jsonl.lock'}",
		"{'type':'ok','T':1252,'process':'C','id':1}",
		"{'type':'fault','T':1500,'process':'harness','fault':'thaw',"
		"'target':'B'}",
		"{'type':'fs','T':1600,'process':'harness','fs':'create',"
		"'kind':'lock','session':'s1','file':'s1.jsonl.lock',"
		"'payload':'ok','pid':12}",
		"{'type':'acquired','T':1700,'process':'B','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':1701,'process':'B','id':1}",
		"{'type':'invoke','T':1800,'process':'B','id':2,'op':'release',"
		"'session':'s1'}",
		"{'type':'released','T':1801,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'fs','T':1802,'process':'harness','fs':'delete',"
		"'kind':'lock','session':'s1','file':'s1.jsonl.lock'}",
		"{'type':'ok','T':1803,'process':'B','id':2}",
		FINAL_EMPTY("3000"), NULL));

	expect_n(v, "recovery", 0);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_kernel_create_ends_wait)
{
	jv v = check(slow_stamp(1));

	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(slow_stamp(0));
	expect_n(v, "recovery", 1);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_after_release)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'turn',"
		"'session':'s1','holdMs':900}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'invoke','T':500,'process':'B','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'released','T':1000,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':1001,'process':'A','id':1}",
		"{'type':'acquired','T':2000,'process':'B','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':2001,'process':'B','id':1}",
		"{'type':'invoke','T':2100,'process':'B','id':2,'op':'release',"
		"'session':'s1'}",
		"{'type':'released','T':2101,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':2102,'process':'B','id':2}", FINAL_EMPTY("3000"),
		NULL));

	expect_n(v, NULL, 1);
	expect_says(v, "recovery", "B waited 1000 ms for s1 after A released "
				   "it at 1.000 s");
	jv_free(v);
}
END_TEST

/* A lane times out (seed 003) or a turn ends (seed 000) without letting go
 * of the lock: from that answer on, B is owed the lock within the bound. */
static jv answered_but_kept(const char *answer)
{
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'turn',"
		    "'session':'s1','holdMs':60000,'laneTimeoutMs':1000,"
		    "'maxHoldMs':1020000}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'invoke','T':500,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1','timeoutMs':3000}",
		    answer,
		    "{'type':'fail','T':3500,'process':'B','id':1,'reason':"
		    "'timeout','error':'session file locked'}",
		    "{'type':'final','T':4000,'sessions':{'s1':{'lock':'file',"
		    "'transcript':[]}},'leaked':[]}",
		    NULL);
}

START_TEST(test_recovery_lane_timeout_keeps_lock)
{
	jv v = check(answered_but_kept(
		"{'type':'fail','T':1100,'process':'A','id':1,'op':'turn',"
		"'reason':'lane-timeout','error':'lane timed out'}"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery",
		    "B waited 2400 ms for s1 after A's turn 1 failed "
		    "(lane-timeout) at 1.100 s, then failed (timeout)");
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_turn_ok_keeps_lock)
{
	jv v = check(answered_but_kept(
		"{'type':'ok','T':1100,'process':'A','id':1,'op':'turn'}"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "after A finished turn 1 at 1.100 s");
	jv_free(v);
}
END_TEST

/* An explicit acquire keeps its hold after answering ok: B timing out
 * within A's maxHoldMs is no recovery failure. */
START_TEST(test_recovery_explicit_acquire_holds)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1','maxHoldMs':5000}",
		"{'type':'acquired','T':110,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':111,'process':'A','id':1}",
		"{'type':'invoke','T':200,'process':'B','id':1,'op':'acquire',"
		"'session':'s1','timeoutMs':2000}",
		"{'type':'fail','T':2210,'process':'B','id':1,'reason':'timeout',"
		"'error':'session file locked'}",
		"{'type':'invoke','T':2500,'process':'A','id':2,'op':'release',"
		"'session':'s1'}",
		"{'type':'released','T':2501,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':2502,'process':'A','id':2}", FINAL_EMPTY("3000"),
		NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* A live-but-stuck owner (frozen, or spinning) bounds the wait by its
 * acquired time + maxHoldMs: 500 + 1000 + 50 + 300 = 1850 ms. */
static jv stuck_history(const char *stuck, const char *acq)
{
	char acquired[256];

	snprintf(acquired, sizeof(acquired),
		 "{'type':'acquired','T':%s,'process':'B','session':'s1',"
		 "'lane':'main','id':1,'reclaimed':'hold-exceeded'}",
		 acq);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':490,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1','maxHoldMs':1000}",
		    "{'type':'acquired','T':500,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':501,'process':'A','id':1}", stuck,
		    "{'type':'invoke','T':600,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1','timeoutMs':5000}",
		    acquired,
		    "{'type':'log','T':1000,'process':'B','level':'WARN','msg':"
		    "'hold exceeded'}",
		    "{'type':'ok','T':3500,'process':'B','id':1}",
		    "{'type':'final','T':4000,'sessions':{'s1':{'lock':'file',"
		    "'transcript':[]}},'leaked':[]}",
		    NULL);
}

#define FREEZE_A                                                             \
	"{'type':'fault','T':1000,'process':'harness','fault':'freeze',"     \
	"'target':'A'}"
#define SPIN_A                                                               \
	"{'type':'invoke','T':1000,'process':'A','id':2,'op':'spin','ms':0}"

START_TEST(test_recovery_frozen_inside)
{
	jv v = check(stuck_history(FREEZE_A, "1849"));

	expect_n(v, "recovery", 0);
	expect_n(v, "mutex", 0);
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_frozen_outside)
{
	jv v = check(stuck_history(FREEZE_A, "3000"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery",
		    "B waited 1500 ms for s1 after A, frozen at 1.000 s, held it past "
		    "its maxHoldMs 1000 (acquired at 0.500 s) (bound: maxHoldMs "
		    "1000 + poll 50 ms + slack 300 ms)");
	jv_free(v);
}
END_TEST

START_TEST(test_recovery_spinning_outside)
{
	jv v = check(stuck_history(SPIN_A, "2000"));

	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "A, spinning at 1.000 s, held it past");
	jv_free(v);
}
END_TEST

/* Reclaiming a frozen owner before its maxHoldMs is two owners at once. */
START_TEST(test_mutex_frozen_owner_reclaimed_early)
{
	jv v = check(stuck_history(FREEZE_A, "1100"));

	expect_n(v, "mutex", 1);
	expect_says(v, "mutex", "B acquired s1 at 1.100 s while A still held "
				"it: A acquired it at 0.500 s with maxHoldMs "
				"1000; A never let go");
	expect_n(v, "recovery", 0);
	jv_free(v);
}
END_TEST

/* Nobody holds the lock: an acquire must not take longer than poll+slack. */
START_TEST(test_recovery_free_lock)
{
	jv v = check(hist(META, SPAWN("B"),
			  "{'type':'invoke','T':100,'process':'B','id':1,'op':"
			  "'acquire','session':'s1'}",
			  "{'type':'acquired','T':1000,'process':'B','session':"
			  "'s1','lane':'main','id':1}",
			  "{'type':'ok','T':1001,'process':'B','id':1}",
			  "{'type':'invoke','T':1100,'process':'B','id':2,'op':"
			  "'release','session':'s1'}",
			  "{'type':'released','T':1101,'process':'B','session':"
			  "'s1','lane':'main','why':'release'}",
			  "{'type':'ok','T':1102,'process':'B','id':2}",
			  FINAL_EMPTY("2000"), NULL));

	expect_n(v, NULL, 1);
	expect_says(v, "recovery",
		    "B waited 900 ms for s1 while nobody held it");
	jv_free(v);
}
END_TEST

/* B's deliver on s1 is queued behind B's own 2-second turn on s2 (same
 * lane): it starts waiting at 2.100 s, not when it was sent. */
START_TEST(test_recovery_lane_queue)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':50,'process':'A','id':1,'op':'turn',"
		"'session':'s1','holdMs':400}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'invoke','T':100,'process':'B','id':1,'op':'turn',"
		"'session':'s2','holdMs':2000}",
		"{'type':'acquired','T':100,'process':'B','session':'s2',"
		"'lane':'main','id':1}",
		"{'type':'invoke','T':110,'process':'B','id':2,'op':'deliver',"
		"'session':'s1','msg':'m1'}",
		"{'type':'released','T':500,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':501,'process':'A','id':1}",
		"{'type':'released','T':2100,'process':'B','session':'s2',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':2100,'process':'B','id':1}",
		"{'type':'acquired','T':2150,'process':'B','session':'s1',"
		"'lane':'main','id':2}",
		"{'type':'appended','T':2151,'process':'B','session':'s1','msg':"
		"'m1','id':2}",
		"{'type':'released','T':2152,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':2153,'process':'B','id':2}",
		"{'type':'final','T':3000,'sessions':{'s1':{'lock':'absent',"
		"'transcript':[{'msg':'m1','holder':'B','lane':'main','T':2151}]},"
		"'s2':{'lock':'absent','transcript':[]}},'leaked':[]}",
		NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* The same, but B has no `lanes` capability and the turn runs on another
 * lane: the holder still runs one command at a time. Then the same again
 * with lanes: now the deliver should have started at once. */
static jv lanes_history(const char *caps)
{
	char spawn[256];

	snprintf(spawn, sizeof(spawn),
		 "{'type':'spawn','T':1,'process':'B','caps':[%s]}", caps);
	return hist(META, SPAWN("A"), spawn,
		    "{'type':'invoke','T':50,'process':'A','id':1,'op':'turn',"
		    "'session':'s1','holdMs':400}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'invoke','T':100,'process':'B','id':1,'op':'turn',"
		    "'session':'s2','lane':'other','holdMs':2000}",
		    "{'type':'acquired','T':100,'process':'B','session':'s2',"
		    "'lane':'other','id':1}",
		    "{'type':'invoke','T':110,'process':'B','id':2,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'released','T':500,'process':'A','session':'s1',"
		    "'lane':'main','why':'release'}",
		    "{'type':'ok','T':501,'process':'A','id':1}",
		    "{'type':'released','T':2100,'process':'B','session':'s2',"
		    "'lane':'other','why':'release'}",
		    "{'type':'ok','T':2100,'process':'B','id':1}",
		    "{'type':'acquired','T':2150,'process':'B','session':'s1',"
		    "'lane':'main','id':2}",
		    "{'type':'ok','T':2151,'process':'B','id':2}",
		    "{'type':'final','T':3000,'sessions':{},'leaked':[]}", NULL);
}

START_TEST(test_recovery_no_lanes_cap)
{
	jv v = check(lanes_history("'acquire','turn'"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(lanes_history("'acquire','turn','lanes'"));
	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "B waited 1650 ms for s1 after A released "
				   "it at 0.500 s");
	jv_free(v);
}
END_TEST

/* A contender that is frozen itself cannot poll: its frozen time is added
 * to the bound (1000 + 350 + 1000 stopped = 2350). */
static jv frozen_contender(const char *acq)
{
	char acquired[256];

	snprintf(acquired, sizeof(acquired),
		 "{'type':'acquired','T':%s,'process':'B','session':'s1',"
		 "'lane':'main','id':1}",
		 acq);
	return hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':101,'process':'A','id':1}",
		    "{'type':'invoke','T':200,'process':'B','id':1,'op':'acquire',"
		    "'session':'s1','timeoutMs':5000}",
		    "{'type':'fault','T':900,'process':'harness','fault':'freeze',"
		    "'target':'B'}",
		    "{'type':'invoke','T':1000,'process':'A','id':2,'op':'release',"
		    "'session':'s1'}",
		    "{'type':'released','T':1000,'process':'A','session':'s1',"
		    "'lane':'main','why':'release'}",
		    "{'type':'ok','T':1001,'process':'A','id':2}",
		    "{'type':'fault','T':2000,'process':'harness','fault':'thaw',"
		    "'target':'B'}",
		    acquired, "{'type':'ok','T':2400,'process':'B','id':1}",
		    "{'type':'final','T':3000,'sessions':{},'leaked':[]}", NULL);
}

START_TEST(test_recovery_frozen_contender)
{
	jv v = check(frozen_contender("2349"));

	expect_n(v, "recovery", 0);
	jv_free(v);
	v = check(frozen_contender("2400"));
	expect_n(v, "recovery", 1);
	expect_says(v, "recovery", "+ 1000 ms it was stopped");
	jv_free(v);
}
END_TEST

/* Two contenders, one lock: B wins at once and holds it two seconds; C is
 * owed nothing until B lets go. */
START_TEST(test_recovery_two_contenders)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"), SPAWN("C"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'invoke','T':200,'process':'B','id':1,'op':'turn',"
		"'session':'s1','holdMs':2000,'timeoutMs':5000}",
		"{'type':'invoke','T':200,'process':'C','id':1,'op':'acquire',"
		"'session':'s1','timeoutMs':5000}",
		"{'type':'fault','T':1000,'process':'harness','fault':'kill',"
		"'target':'A'}",
		"{'type':'acquired','T':1100,'process':'B','session':'s1',"
		"'lane':'main','id':1,'reclaimed':'dead-pid'}",
		"{'type':'log','T':1100,'process':'B','level':'WARN','msg':'x'}",
		"{'type':'released','T':3100,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':3101,'process':'B','id':1}",
		"{'type':'acquired','T':3150,'process':'C','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':3151,'process':'C','id':1}",
		"{'type':'final','T':4000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* The harness plants an empty lock file: contenders may wait the grace
 * period (2000 ms), then a poll and the slack. */
static jv damaged(const char *acq)
{
	char acquired[256];

	snprintf(acquired, sizeof(acquired),
		 "{'type':'acquired','T':%s,'process':'B','session':'s1',"
		 "'lane':'main','id':1,'reclaimed':'empty-past-grace'}",
		 acq);
	return hist(META, SPAWN("B"),
		    "{'type':'fault','T':1000,'process':'harness','fault':"
		    "'damage','kind':'empty','session':'s1'}",
		    "{'type':'invoke','T':1000,'process':'B','id':1,'op':"
		    "'acquire','session':'s1','timeoutMs':6000}",
		    acquired,
		    "{'type':'log','T':3000,'process':'B','level':'WARN','msg':"
		    "'empty lock past grace'}",
		    "{'type':'ok','T':5000,'process':'B','id':1}",
		    "{'type':'final','T':6000,'sessions':{},'leaked':[]}", NULL);
}

START_TEST(test_recovery_damaged_lock)
{
	jv v = check(damaged("3349"));

	expect_n(v, NULL, 0);
	jv_free(v);
	v = check(damaged("4000"));
	expect_n(v, NULL, 1);
	expect_says(v, "recovery", "after the harness planted a 'empty' lock "
				   "file at 1.000 s (reclaimable from 3.000 s)");
	jv_free(v);
}
END_TEST

/* Without a declared maxHoldMs a live owner that keeps the lock blocks the
 * session for good: nothing can be owed to B. */
START_TEST(test_recovery_no_bound_without_maxhold)
{
	jv v = check(hist(
		"{'type':'meta','T':0,'params':{'pollMs':50}}", SPAWN("A"),
		SPAWN("B"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'invoke','T':200,'process':'B','id':1,'op':'acquire',"
		"'session':'s1','timeoutMs':5000}",
		"{'type':'fail','T':5200,'process':'B','id':1,'reason':'timeout',"
		"'error':'locked'}",
		"{'type':'final','T':6000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* A holder with a failpoint armed may own a file it has not reported yet:
 * here A's creation pauses 800 ms before its payload (B rightly waits), and
 * then a creator killed mid-creation leaves an empty file that B may only
 * reclaim after graceMs. */
START_TEST(test_recovery_failpoint_creation)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'fault','T':15,'process':'harness','fault':'failpoint',"
		"'target':'A','name':'sessionlock/create/pause-before-payload',"
		"'mode':'once','delayMs':800}",
		"{'type':'invoke','T':16,'process':'A','id':1,'op':'turn',"
		"'session':'s1','holdMs':600}",
		"{'type':'invoke','T':100,'process':'B','id':2,'op':'turn',"
		"'session':'s1','holdMs':300,'timeoutMs':4000}",
		"{'type':'acquired','T':816,'process':'A','id':1,'session':'s1',"
		"'lane':'main'}",
		"{'type':'released','T':1419,'process':'A','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':1419.5,'process':'A','id':1}",
		"{'type':'acquired','T':1459,'process':'B','id':2,'session':'s1',"
		"'lane':'main'}",
		"{'type':'released','T':1760,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':1760.5,'process':'B','id':2}",
		FINAL_EMPTY("2000"), NULL));

	expect_n(v, NULL, 0);
	jv_free(v);

	v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'fault','T':15,'process':'harness','fault':'failpoint',"
		"'target':'A','name':'sessionlock/create/pause-before-payload',"
		"'mode':'once','delayMs':5000}",
		"{'type':'invoke','T':16,'process':'A','id':1,'op':'acquire',"
		"'session':'s1','graceMs':600}",
		"{'type':'fault','T':200,'process':'harness','fault':'kill',"
		"'target':'A','signal':'Killed'}",
		"{'type':'exit','T':201,'process':'A','signal':'Killed'}",
		"{'type':'info','T':201,'process':'A','id':1,'error':'died'}",
		"{'type':'invoke','T':250,'process':'B','id':2,'op':'deliver',"
		"'session':'s1','msg':'m1','graceMs':600}",
		"{'type':'log','T':649,'process':'B','level':'WARN','msg':"
		"'empty lock past grace'}",
		"{'type':'acquired','T':650,'process':'B','id':2,'session':'s1',"
		"'lane':'main','reclaimed':'empty-past-grace'}",
		"{'type':'released','T':651,'process':'B','session':'s1',"
		"'lane':'main','why':'release'}",
		"{'type':'ok','T':652,'process':'B','id':2}",
		"{'type':'final','T':2000,'sessions':{'s1':{'lock':'absent',"
		"'transcript':[{'msg':'m1','holder':'B','lane':'main','T':650.5}]}},"
		"'leaked':[]}",
		NULL));
	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

/* An exit the harness did not cause, reported with a signal name. */
START_TEST(test_recovery_crash)
{
	jv v = check(hist(
		META, SPAWN("A"), SPAWN("B"),
		"{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		"'session':'s1'}",
		"{'type':'acquired','T':100,'process':'A','session':'s1',"
		"'lane':'main','id':1}",
		"{'type':'ok','T':101,'process':'A','id':1}",
		"{'type':'invoke','T':200,'process':'B','id':1,'op':'acquire',"
		"'session':'s1','timeoutMs':5000}",
		"{'type':'exit','T':1200,'process':'A','signal':'Segmentation "
		"fault'}",
		"{'type':'fail','T':5200,'process':'B','id':1,'reason':'timeout',"
		"'error':'locked'}",
		"{'type':'final','T':6000,'sessions':{},'leaked':[]}", NULL));

	expect_n(v, NULL, 1);
	expect_says(v, "recovery", "B waited 4000 ms for s1 after A died "
				   "(Segmentation fault) at 1.200 s, then "
				   "failed (timeout)");
	jv_free(v);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *recovery_suite(void)
{
	Suite *s = suite_create("recovery");
	TCase *tc;

	tc = tcase_create("recovery");
	tcase_add_test(tc, test_recovery_kill_fast_reclaim_passes);
	tcase_add_test(tc, test_recovery_kernel_create_ends_wait);
	tcase_add_test(tc, test_recovery_dead_owner_in_another_namespace);
	tcase_add_test(tc, test_recovery_refused_while_reclaimable);
	tcase_add_test(tc, test_recovery_counts_a_slow_death_from_its_reap);
	tcase_add_test(tc, test_recovery_counts_the_contenders_cpu_wait);
	tcase_add_test(tc, test_recovery_refused_while_waiting_for_a_cpu);
	tcase_add_test(tc, test_recovery_kill_1ms_inside_bound);
	tcase_add_test(tc, test_recovery_kill_just_outside_bound);
	tcase_add_test(tc, test_recovery_kill_well_outside_bound);
	tcase_add_test(tc, test_recovery_timeout_before_bound);
	tcase_add_test(tc, test_recovery_timeout_after_bound);
	tcase_add_test(tc, test_recovery_after_release);
	tcase_add_test(tc, test_recovery_lane_timeout_keeps_lock);
	tcase_add_test(tc, test_recovery_turn_ok_keeps_lock);
	tcase_add_test(tc, test_recovery_explicit_acquire_holds);
	tcase_add_test(tc, test_recovery_frozen_inside);
	tcase_add_test(tc, test_recovery_frozen_outside);
	tcase_add_test(tc, test_recovery_spinning_outside);
	tcase_add_test(tc, test_mutex_frozen_owner_reclaimed_early);
	tcase_add_test(tc, test_recovery_free_lock);
	tcase_add_test(tc, test_recovery_lane_queue);
	tcase_add_test(tc, test_recovery_no_lanes_cap);
	tcase_add_test(tc, test_recovery_frozen_contender);
	tcase_add_test(tc, test_recovery_two_contenders);
	tcase_add_test(tc, test_recovery_damaged_lock);
	tcase_add_test(tc, test_recovery_no_bound_without_maxhold);
	tcase_add_test(tc, test_recovery_failpoint_creation);
	tcase_add_test(tc, test_recovery_crash);
	tcase_add_test(tc, test_recovery_frozen_before_acquired);
	tcase_add_test(tc, test_recovery_kept_file_frozen_before_acquired);
	tcase_add_test(tc, test_recovery_killed_before_acquired);
	tcase_add_test(tc, test_recovery_blocked_loop_contender);
	tcase_add_test(tc, test_recovery_paused_in_own_reclaim);
	tcase_add_test(tc, test_recovery_frozen_then_second_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(recovery_suite());
}
