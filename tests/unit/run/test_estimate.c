/*
 * test_estimate.c - what a scenario's text says it will take
 * (run_estimate_ms, run/estimate.c): what ends a wait early (a kill, an
 * exit, an await's timeout), what stretches one (an owner that cannot
 * release: its maxHoldMs; a planted empty file: its grace; a contender's
 * timeout), a kill later than the contender's ask, lanes that contend,
 * speed and the deadline.
 */
#include <check.h>

#include "run/run.h"
#include "scenario/scenario.h"

#include <stdlib.h>
#include "unit.h"

/* The estimate of scenario `text` (which must parse). */
static int64_t est(const char *text)
{
	struct scenario s;
	char *err = NULL;
	int64_t ms;

	scenario_init(&s);
	if (scenario_parse(&s, "t.scn", text, &err))
		ck_abort_msg("does not parse: %s", err);
	ms = run_estimate_ms(&s);
	scenario_clear(&s);
	return ms;
}

#define ck_near(got, want, slack)                                             \
	do {                                                                  \
		int64_t g_ = (got), w_ = (want);                              \
		ck_assert_msg(g_ >= w_ - (slack) && g_ <= w_ + (slack),       \
			      "estimate %lld ms, expected %lld +- %d",        \
			      (long long)g_, (long long)w_, (int)(slack));    \
	} while (0)

START_TEST(kill_ends_a_turn)
{
	/* The old floor counted the 20 s turn: the kill ends it at 300 ms,
	 * and the contender reclaims the dead owner's lock at once. */
	ck_near(est("holder A B\nA turn hold=20s msg=m0\nat 300ms kill A\n"
		    "B deliver msg=m1\n"),
		330, 30);
	/* An await ends at the acquisition, not at the turn's end. */
	ck_near(est("lock maxHoldMs=17s timeoutMs=1s\nholder A B\n"
		    "A turn hold=20s msg=m0\nawait A acquired timeout=2s\n"
		    "kill A\nB deliver msg=m1\n"),
		30, 30);
}
END_TEST

START_TEST(stuck_owner_waits_its_max_hold)
{
	ck_near(est("lock maxHoldMs=2s timeoutMs=5s\nholder A B\nA acquire\n"
		    "await A\nfreeze A\nB deliver msg=m1\n"),
		2030, 30);
	/* ... bounded by the contender's timeout */
	ck_near(est("lock maxHoldMs=60s timeoutMs=1s\nholder A B\nA acquire\n"
		    "await A\nA spin\nB deliver msg=m1\n"),
		1000, 30);
}
END_TEST

START_TEST(await_bounded_by_its_timeout)
{
	ck_near(est("holder A\nA turn hold=10s msg=m0\n"
		    "await A timeout=500ms\nkill A\n"),
		500, 10);
}
END_TEST

START_TEST(planted_empty_file_waits_its_grace)
{
	ck_near(est("lock graceMs=2s timeoutMs=5s\nholder B\ndamage s1 empty\n"
		    "B deliver msg=m1\n"),
		2030, 30);
	/* backdated past its grace: at once */
	ck_near(est("lock graceMs=1s\nholder B\ndamage s1 empty age=5s\n"
		    "B deliver msg=m1\n"),
		5, 10);
}
END_TEST

START_TEST(kill_after_the_ask)
{
	/* B asks at 0, A is killed at 400 ms: B gets the lock then, not at
	 * its 2 s timeout (the second pass knows of the kill). */
	ck_near(est("lock maxHoldMs=30s timeoutMs=2s\nholder A B\nA acquire\n"
		    "await A\nB deliver msg=m1\nat 400ms kill A\n"),
		430, 30);
	/* ... and a release after the ask, likewise */
	ck_near(est("lock maxHoldMs=30s timeoutMs=3s\nholder A B\n"
		    "A acquire as=a\nawait A\nB acquire as=b\n"
		    "at 600ms A release as=r\n"),
		625, 30);
}
END_TEST

START_TEST(lanes_of_one_holder_contend)
{
	ck_near(est("holder G\nG turn lane=main hold=150ms msg=a1\n"
		    "G turn lane=other hold=150ms msg=b1\n"),
		325, 30);
}
END_TEST

START_TEST(speed_and_deadline)
{
	ck_near(est("speed 10\nholder A\nA turn hold=10s msg=m0\n"), 1000, 10);
	ck_near(est("lock deadlineMs=5s\nholder A\nA turn hold=60s msg=m0\n"),
		5000, 0);
}
END_TEST

static Suite *estimate_suite(void)
{
	Suite *s = suite_create("estimate");
	TCase *tc = unit_tcase(s, "estimate", 10, NULL, NULL);

	tcase_add_test(tc, kill_ends_a_turn);
	tcase_add_test(tc, stuck_owner_waits_its_max_hold);
	tcase_add_test(tc, await_bounded_by_its_timeout);
	tcase_add_test(tc, planted_empty_file_waits_its_grace);
	tcase_add_test(tc, kill_after_the_ask);
	tcase_add_test(tc, lanes_of_one_holder_contend);
	tcase_add_test(tc, speed_and_deadline);
	return s;
}

int main(void)
{
	return unit_main(estimate_suite());
}
