/*
 * test_starved.c - holds lost, and waits refused, for want of a CPU
 * (check_starved_hold, checkers.c): the cause a run is re-run once for,
 * never a verdict.
 */
#include "histories.h"
#include "unit.h"

/* A acquires s1 (maxHoldMs 500) at 100 ms; its hold ends at 700 ms (its
 * watchdog: a WARN and `released`). `between`: events inside; the sched
 * events at 110 and 680 ms bound A's wait for a CPU. */
static int starved(const char *between, const char *wait_before,
		   const char *wait_after, char *buf, size_t n)
{
	jv h = hist(META, SPAWN("A"),
		    "{'type':'invoke','T':50,'process':'A','id':1,"
		    "'op':'acquire','session':'s1','maxHoldMs':500}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':101,'process':'A','id':1}", NULL);
	int found;

	h = with_sched(h, "A", "110", wait_before);
	if (between)
		h = jv_array_append(h, ev(between));
	h = with_sched(h, "A", "680", wait_after);
	h = jv_array_concat(
		h, hist("{'type':'log','T':690,'process':'A','level':'WARN',"
			"'msg':'watchdog: past maxHoldMs'}",
			"{'type':'released','T':700,'process':'A',"
			"'session':'s1','lane':'main','id':1,'why':'watchdog'}",
			NULL));
	h = jv_array_append(h, ev(FINAL_EMPTY("900")));
	found = check_starved_hold(h, buf, n);
	jv_free(h);
	return found;
}

/* 300 ms of the 500 ms hold waiting for a CPU: half or more, starved. */
START_TEST(test_half_the_bound_is_starved)
{
	char buf[256] = "";

	ck_assert_int_eq(starved(NULL, "0", "300000", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "A waited 300 ms for a CPU while it held s1 "
			      "(maxHoldMs 500)");
}
END_TEST

/* 200 ms: less than half, not starved (its loss is the lock's). */
START_TEST(test_less_than_half_is_not)
{
	char buf[256] = "";

	ck_assert_int_eq(starved(NULL, "0", "200000", buf, sizeof(buf)), 0);
}
END_TEST

/* A was sent `spin` at 200 ms, but its watchdog spoke after: the spin had
 * not begun (a spinning holder says nothing), A was waiting for a CPU to
 * read it; starved. The same spin with no word after it stops A from its
 * invoke: the hold is lost by the scenario's design, not starved. */
START_TEST(test_spin_not_begun_is_starved)
{
	char buf[256] = "";

	ck_assert_int_eq(starved("{'type':'invoke','T':200,'process':'A',"
				 "'id':2,'op':'spin','ms':0}",
				 "0", "400000", buf, sizeof(buf)),
			 1);
	ck_assert_str_eq(buf, "A waited 400 ms for a CPU while it held s1 "
			      "(maxHoldMs 500)");
}
END_TEST

START_TEST(test_spin_begun_is_not_starved)
{
	char buf[256] = "";
	jv h = hist(META, SPAWN("A"),
		    "{'type':'invoke','T':50,'process':'A','id':1,"
		    "'op':'acquire','session':'s1','maxHoldMs':500}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'ok','T':101,'process':'A','id':1}",
		    "{'type':'invoke','T':200,'process':'A','id':2,'op':'spin',"
		    "'ms':0}",
		    NULL);

	h = with_sched(h, "A", "110", "0");
	h = with_sched(h, "A", "800", "400000");
	h = jv_array_concat(
		h, hist("{'type':'fault','T':850,'process':'harness',"
			"'fault':'kill','target':'A'}",
			FINAL_EMPTY("900"), NULL));
	ck_assert_int_eq(check_starved_hold(h, buf, sizeof(buf)), 0);
	jv_free(h);
}
END_TEST

/* B's deliver, refused `timeout` after its 3 s, waited while A held s1 (a
 * 150 ms turn that took seconds): A waited `a_wait` µs for a CPU in it. */
static int starved_timeout_of(const char *a_wait, char *buf, size_t n)
{
	jv h = hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':50,'process':'A','id':1,"
		    "'op':'turn','session':'s1','hold':150,'maxHoldMs':8000}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'invoke','T':200,'process':'B','id':1,"
		    "'op':'deliver','session':'s1','msg':'m1',"
		    "'timeoutMs':3000,'maxHoldMs':8000}",
		    NULL);
	int found;

	h = with_sched(h, "A", "210", "0");
	h = with_sched(h, "A", "3100", a_wait);
	h = jv_array_concat(
		h, hist("{'type':'fail','T':3200,'process':'B','id':1,"
			"'reason':'timeout','error':'session file locked'}",
			"{'type':'released','T':3300,'process':'A',"
			"'session':'s1','lane':'main','id':1,'why':'release'}",
			"{'type':'ok','T':3301,'process':'A','id':1}",
			FINAL_EMPTY("3500"), NULL));
	found = check_starved_hold(h, buf, n);
	jv_free(h);
	return found;
}

/* A waited 2 s of B's 3 s for a CPU: half or more, starved. */
START_TEST(test_timeout_behind_starved_holder)
{
	char buf[256] = "";

	ck_assert_int_eq(starved_timeout_of("2000000", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "A waited 2000 ms for a CPU while B's m1 waited "
			      "for s1 (timeoutMs 3000, refused: timeout)");
}
END_TEST

/* 1 s: less than half; the timeout is the lock's to answer for. */
START_TEST(test_timeout_behind_running_holder)
{
	char buf[256] = "";

	ck_assert_int_eq(starved_timeout_of("1000000", buf, sizeof(buf)), 0);
}
END_TEST

/* seeds/001-live-holder-not-stale beside the soak: A's turn (holdMs
 * `hold`) acquires s1 at 100 ms and lets go at 5583 ms; B's deliver, sent
 * at 1300 ms with a 4 s timeout, is refused at 5300 ms. A waited for no
 * CPU to speak of: what stalled it was the disk or memory. */
static int overran_turn_of(const char *hold, char *buf, size_t n)
{
	char invoke[256];
	jv h;
	int found;

	snprintf(invoke, sizeof(invoke),
		 "{'type':'invoke','T':100,'process':'A','id':1,'op':'turn',"
		 "'session':'s1','holdMs':%s,'maxHoldMs':6000,'msg':'m1'}",
		 hold);
	h = hist(META, SPAWN("A"), SPAWN("B"), invoke,
		 "{'type':'acquired','T':108,'process':'A','session':'s1',"
		 "'lane':'main','id':1}",
		 "{'type':'invoke','T':1300,'process':'B','id':1,"
		 "'op':'deliver','session':'s1','msg':'m2',"
		 "'timeoutMs':4000,'maxHoldMs':6000}",
		 NULL);
	h = with_sched(h, "A", "1400", "0");
	h = with_sched(h, "A", "1700", "69000");
	h = jv_array_concat(
		h, hist("{'type':'fail','T':5300,'process':'B','id':1,"
			"'reason':'timeout','error':'session file locked'}",
			"{'type':'appended','T':5582,'process':'A',"
			"'session':'s1','msg':'m1','id':1}",
			"{'type':'released','T':5583,'process':'A',"
			"'session':'s1','lane':'main','id':1,'why':'release'}",
			"{'type':'ok','T':5584,'process':'A','id':1}",
			FINAL_EMPTY("5700"), NULL));
	found = check_starved_hold(h, buf, n);
	jv_free(h);
	return found;
}

/* A 2.5 s turn that let go at 5.58 s: held 2975 ms past its hold, 2700
 * of them inside B's 4 s wait: half or more, the machine stalled it. */
START_TEST(test_timeout_behind_overrunning_turn)
{
	char buf[256] = "";

	ck_assert_int_eq(overran_turn_of("2500", buf, sizeof(buf)),
			 CHECK_STARVED_STALLED);
	ck_assert_str_eq(buf, "A held s1 2975 ms past its 2500 ms turn while "
			      "B's m2 waited for it (timeoutMs 4000, refused: "
			      "timeout)");
}
END_TEST

/* A 5 s turn, the same times: it held past B's wait by the scenario's
 * design (483 ms past its hold, 200 of them in the wait): the timeout is
 * the scenario's, not the machine's. */
START_TEST(test_turn_held_as_asked_is_not_stalled)
{
	char buf[256] = "";

	ck_assert_int_eq(overran_turn_of("5000", buf, sizeof(buf)), 0);
}
END_TEST

/* faults/containers-pid7-live beside the soak: B's deliver (timeoutMs
 * 1000) is sent at 200 ms while A holds s1 until 2200 ms; B, waiting
 * `b_wait` µs for a CPU, acquires at 2300 ms and answers ok at 2400 ms,
 * 2.2 s after it was sent, where the scenario expected a timeout. */
static int late_ok_of(const char *b_wait, char *buf, size_t n)
{
	jv h = hist(META, SPAWN("A"), SPAWN("B"),
		    "{'type':'invoke','T':50,'process':'A','id':1,"
		    "'op':'turn','session':'s1','holdMs':2000,'maxHoldMs':5000}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    "{'type':'invoke','T':200,'process':'B','id':1,"
		    "'op':'deliver','session':'s1','msg':'m1',"
		    "'timeoutMs':1000,'maxHoldMs':5000}",
		    NULL);
	int found;

	h = with_sched(h, "B", "210", "0");
	h = with_sched(h, "B", "2150", b_wait);
	h = jv_array_concat(
		h, hist("{'type':'released','T':2200,'process':'A',"
			"'session':'s1','lane':'main','id':1,'why':'release'}",
			"{'type':'ok','T':2201,'process':'A','id':1}",
			"{'type':'acquired','T':2300,'process':'B','session':'s1',"
			"'lane':'main','id':1}",
			"{'type':'released','T':2390,'process':'B',"
			"'session':'s1','lane':'main','id':1,'why':'release'}",
			"{'type':'ok','T':2400,'process':'B','id':1}",
			FINAL_EMPTY("2500"), NULL));
	found = check_starved_hold(h, buf, n);
	jv_free(h);
	return found;
}

/* 1.9 s of CPU wait in a 1 s timeout: it could not give up in time. */
START_TEST(test_late_ok_of_starved_contender)
{
	char buf[256] = "";

	ck_assert_int_eq(late_ok_of("1900000", buf, sizeof(buf)),
			 CHECK_STARVED_CPU);
	ck_assert_str_eq(buf, "B waited 1900 ms for a CPU while its m1 waited "
			      "for s1 (timeoutMs 1000, acquired after 2100 "
			      "ms)");
}
END_TEST

/* 100 ms: it ran, and did not give up: the lock ignored its timeout. */
START_TEST(test_late_ok_of_running_contender_is_not)
{
	char buf[256] = "";

	ck_assert_int_eq(late_ok_of("100000", buf, sizeof(buf)), 0);
}
END_TEST

/* faults/containers-other-pid-alive beside the soak (session 18, round
 * 11): every process stalled 4.6 s. B's deliver (timeoutMs 1000) is sent
 * at `sent` ms while A holds s1 until 4990 ms; B acquires at 5053 ms, and
 * its first `sched` event, saying `b_wait` µs, comes after (the harness
 * stalled too, and an event is written only once the count grew by 10
 * ms). A's own event (4.33 s, starved while it held: a cause too) is left
 * out, so that B's is the one judged. */
static int late_ok_unsampled(const char *sent, const char *b_wait,
			     char *buf, size_t n)
{
	char invoke[160];
	jv h;
	int found;

	snprintf(invoke, sizeof(invoke),
		 "{'type':'invoke','T':%s,'process':'B','id':1,'op':'deliver',"
		 "'session':'s1','msg':'m1','timeoutMs':1000,'maxHoldMs':5000}",
		 sent);
	h = hist(META, SPAWN("A"), SPAWN("B"),
		 "{'type':'invoke','T':58,'process':'A','id':1,"
		 "'op':'turn','session':'s1','holdMs':2000,'maxHoldMs':5000}",
		 "{'type':'acquired','T':59,'process':'A','session':'s1',"
		 "'lane':'main','id':1}",
		 invoke,
		 "{'type':'released','T':4990,'process':'A',"
		 "'session':'s1','lane':'main','id':1,'why':'release'}",
		 "{'type':'ok','T':4991,'process':'A','id':1}",
		 "{'type':'acquired','T':5053,'process':'B','session':'s1',"
		 "'lane':'main','id':1}",
		 NULL);
	h = with_sched(h, "B", "5054", b_wait);
	h = jv_array_concat(
		h, hist("{'type':'released','T':5056,'process':'B',"
			"'session':'s1','lane':'main','id':1,'why':'release'}",
			"{'type':'ok','T':5057,'process':'B','id':1}",
			FINAL_EMPTY("5060"), NULL));
	found = check_starved_hold(h, buf, n);
	jv_free(h);
	return found;
}

/* B's hello (1 ms) is where its count was 0: of the 4.39 s, all but the
 * 59 ms before its deliver and the 1 ms after its acquire lie inside the
 * wait. Without the hello read as 0, no event before the wait: 0 ms. */
START_TEST(test_late_ok_with_no_sample_before)
{
	char buf[256] = "";

	ck_assert_int_eq(late_ok_unsampled("60", "4390168", buf, sizeof(buf)),
			 CHECK_STARVED_CPU);
	ck_assert_str_eq(buf, "B waited 4330 ms for a CPU while its m1 waited "
			      "for s1 (timeoutMs 1000, acquired after 4993 "
			      "ms)");
}
END_TEST

/* B's deliver sent at 1000 ms, 1.2 s of wait said after its acquire: up
 * to 999 ms of it may have come before the deliver, so 200 ms are known
 * to lie inside its wait, less than half its timeout: the late ok is the
 * lock's. */
START_TEST(test_late_ok_wait_before_the_command_is_not)
{
	char buf[256] = "";

	ck_assert_int_eq(late_ok_unsampled("1000", "1200000", buf, sizeof(buf)),
			 0);
}
END_TEST

/* A's hold with a `sched` event at 680 ms saying `fields` (run/sched.c:
 * runDelayUs, blockedUs, diskWaitUs); one at 110 ms said nothing yet. */
static int starved_by(const char *fields, char *buf, size_t n)
{
	char e[256];

	snprintf(e, sizeof(e), "{'type':'sched','T':670,'process':'A',%s}",
		 fields);
	return starved(e, "0", "0", buf, n);
}

/* Time blocked in the kernel while the storage stalled (diskWaitUs) is the
 * machine's, as a wait for a CPU is: 100 ms of CPU and 250 ms of the disk
 * in a 500 ms hold is starved, and said so. Time blocked with no stall of
 * the storage (blockedUs alone) is the lock's own: not starved. A history
 * without the fields (older) reads as before. */
START_TEST(test_disk_wait_counts_blocked_alone_does_not)
{
	char buf[256] = "";

	ck_assert_int_eq(starved_by("'runDelayUs':100000,'blockedUs':400000,"
				    "'diskWaitUs':250000",
				    buf, sizeof(buf)),
			 1);
	ck_assert_str_eq(buf, "A waited 350 ms for a CPU or the disk while it "
			      "held s1 (maxHoldMs 500)");
	buf[0] = 0;
	ck_assert_int_eq(starved_by("'runDelayUs':100000,'blockedUs':400000,"
				    "'diskWaitUs':0",
				    buf, sizeof(buf)),
			 0);
	ck_assert_int_eq(starved_by("'runDelayUs':300000", buf, sizeof(buf)),
			 1);
	ck_assert_str_eq(buf, "A waited 300 ms for a CPU while it held s1 "
			      "(maxHoldMs 500)");
}
END_TEST

/* faults/containers-recycle in the mutation gate beside the soak: A holds
 * s1, B's deliver (timeout 2 s) waits from 105 ms, the harness kills A at
 * 573 ms and reaps it at `reaped` ms; B is refused `timeout` at 2115 ms.
 * Neither waited for a CPU. */
static int dying_owner_of(const char *reaped, char *buf, size_t n)
{
	char exit_line[128];
	jv h;
	int found;

	snprintf(exit_line, sizeof(exit_line),
		 "{'type':'exit','T':%s,'process':'A','signal':'Killed'}",
		 reaped);
	h = hist(META, SPAWN("A"), SPAWN("B"),
		 "{'type':'invoke','T':93,'process':'A','id':1,"
		 "'op':'acquire','session':'s1','maxHoldMs':17000}",
		 "{'type':'acquired','T':100,'process':'A','session':'s1',"
		 "'lane':'main','id':1}",
		 "{'type':'ok','T':101,'process':'A','id':1}",
		 "{'type':'invoke','T':105,'process':'B','id':2,"
		 "'op':'deliver','session':'s1','msg':'m1',"
		 "'timeoutMs':2000,'maxHoldMs':17000}",
		 "{'type':'fault','T':573,'process':'harness','fault':'kill',"
		 "'target':'A'}",
		 NULL);
	h = jv_array_concat(
		h, hist("{'type':'fail','T':2115,'process':'B','id':2,"
			"'reason':'timeout','error':'session file locked'}",
			exit_line, FINAL_EMPTY("4900"), NULL));
	found = check_starved_hold(h, buf, n);
	jv_free(h);
	return found;
}

/* Reaped 4.3 s after the kill: B's whole 2 s wait lay in A's death. */
START_TEST(test_timeout_behind_dying_owner)
{
	char buf[256] = "";

	ck_assert_int_eq(dying_owner_of("4865", buf, sizeof(buf)),
			 CHECK_STARVED_DYING);
	ck_assert_str_eq(buf, "A took 4292 ms to die after the harness killed "
			      "it, while B's m1 waited for s1 (timeoutMs 2000, "
			      "refused: timeout)");
}
END_TEST

/* Reaped 27 ms after the kill: the lock was free to reclaim for 1.5 s of
 * B's wait, and its timeout is the lock's to answer for. */
START_TEST(test_timeout_after_quick_death_is_not)
{
	char buf[256] = "";

	ck_assert_int_eq(dying_owner_of("600", buf, sizeof(buf)), 0);
}
END_TEST

static Suite *starved_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("starved");

	tcase_add_test(tc, test_half_the_bound_is_starved);
	tcase_add_test(tc, test_less_than_half_is_not);
	tcase_add_test(tc, test_spin_not_begun_is_starved);
	tcase_add_test(tc, test_spin_begun_is_not_starved);
	tcase_add_test(tc, test_timeout_behind_starved_holder);
	tcase_add_test(tc, test_timeout_behind_running_holder);
	tcase_add_test(tc, test_timeout_behind_overrunning_turn);
	tcase_add_test(tc, test_timeout_behind_dying_owner);
	tcase_add_test(tc, test_timeout_after_quick_death_is_not);
	tcase_add_test(tc, test_turn_held_as_asked_is_not_stalled);
	tcase_add_test(tc, test_late_ok_of_starved_contender);
	tcase_add_test(tc, test_late_ok_of_running_contender_is_not);
	tcase_add_test(tc, test_late_ok_with_no_sample_before);
	tcase_add_test(tc, test_late_ok_wait_before_the_command_is_not);
	tcase_add_test(tc, test_disk_wait_counts_blocked_alone_does_not);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(starved_suite());
}
