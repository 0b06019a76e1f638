/*
 * test_clock.c - the clock statement's values (faults/clock.c): signed
 * durations and drifts read right, nonsense refused with file:line, and
 * the words each event is described with. That the holder's clock really
 * moves is tests/t/clock-faults.sh (real holders, real libfaketime).
 */
#include <check.h>

#include "faults/faults.h"
#include "scenario/scenario.h"

#include <stdlib.h>
#include <string.h>
#include "unit.h"

START_TEST(test_offsets)
{
	static const struct { const char *s; int64_t ms; } ok[] = {
		{ "-2h", -7200000 }, { "+2h", 7200000 }, { "2h", 7200000 },
		{ "+90m", 5400000 }, { "-30s", -30000 }, { "+500ms", 500 },
		{ "0", 0 }, { "+1d", 86400000 }, { "-1.5d", -129600000 },
		{ "+1.5h", 5400000 },
	};
	static const char *const bad[] = { "", "+", "-h", "2x", "+-2h", "2 h",
					   "h2", "1e3s", "nan", "+11000d",
					   "--2h", "d" };
	size_t i;
	int64_t ms;

	for (i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		ck_assert_msg(clock_parse_offset(ok[i].s, &ms) == 0, "%s",
			      ok[i].s);
		ck_assert_msg(ms == ok[i].ms, "%s: %lld", ok[i].s,
			      (long long)ms);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		ck_assert_msg(clock_parse_offset(bad[i], &ms) == -1, "'%s' taken",
			      bad[i]);
}
END_TEST

START_TEST(test_drifts)
{
	double pct;

	ck_assert_int_eq(clock_parse_drift("+5%", &pct), 0);
	ck_assert(pct == 5);
	ck_assert_int_eq(clock_parse_drift("-0.5%", &pct), 0);
	ck_assert(pct == -0.5);
	ck_assert_int_eq(clock_parse_drift("0%", &pct), 0);
	ck_assert_int_eq(clock_parse_drift("5", &pct), -1);
	ck_assert_int_eq(clock_parse_drift("-100%", &pct), -1); /* stopped */
	ck_assert_int_eq(clock_parse_drift("+5 %", &pct), -1);
	ck_assert_int_eq(clock_parse_drift("%", &pct), -1);
	ck_assert_int_eq(clock_parse_drift("inf%", &pct), -1);
	ck_assert_int_eq(clock_parse_drift("1e2%", &pct), 0); /* strtod's */
}
END_TEST

static char *parse_err(const char *line)
{
	struct scenario s;
	char *text = NULL, *err = NULL;

	if (asprintf(&text, "title t\nholder A\n%s\nA deliver msg=m1\n", line) < 0)
		abort();
	scenario_init(&s);
	if (scenario_parse(&s, "c.scn", text, &err) == 0) {
		ck_assert_int_eq(s.holders[0].needs_clock, 1);
		err = NULL;
	}
	scenario_clear(&s);
	free(text);
	return err;
}

START_TEST(test_statements)
{
	static const struct { const char *line, *want; } cases[] = {
		{ "clock A offset=-2h", NULL },
		{ "at 1s clock A step=+2h", NULL },
		{ "clock A drift=+5%", NULL },
		{ "clock A", "c.scn:3: clock: expected exactly one of" },
		{ "clock A offset=1h drift=1%", "c.scn:3: clock: expected exactly one of" },
		{ "clock A offset=2x", "c.scn:3: clock: bad offset '2x'" },
		{ "clock A step=0", "c.scn:3: clock: bad step '0'" },
		{ "clock A drift=5", "c.scn:3: clock: bad drift '5'" },
		{ "clock A skew=1h", "c.scn:3: clock: unknown key 'skew'" },
		{ "clock B offset=1h", "c.scn:3: " },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *err = parse_err(cases[i].line);

		if (!cases[i].want)
			ck_assert_msg(!err, "%s: %s", cases[i].line, err);
		else
			ck_assert_msg(err && !strncmp(err, cases[i].want,
						      strlen(cases[i].want)),
				      "%s: got '%s'", cases[i].line,
				      err ? err : "(no error)");
		free(err);
	}
}
END_TEST

START_TEST(test_describe)
{
	jv ev = jv_parse("{\"type\":\"fault\",\"fault\":\"clock\",\"target\":\"A\","
			 "\"kind\":\"step\",\"value\":\"-2h\",\"offsetMs\":-7200000,"
			 "\"rate\":1}");
	char *s = fault_describe(ev, 1);

	ck_assert_str_eq(s, "clock step -2h");
	free(s);
	s = fault_describe(ev, 0);
	ck_assert_str_eq(s, "harness stepped A's wall clock by -2h (an NTP step; "
			    "its monotonic clock did not move): now -2h off real "
			    "time");
	free(s);
	jv_free(ev);
	ev = jv_parse("{\"type\":\"fault\",\"fault\":\"clock\",\"target\":\"B\","
		      "\"kind\":\"drift\",\"value\":\"+5%\",\"offsetMs\":1500,"
		      "\"rate\":1.05}");
	s = fault_describe(ev, 0);
	ck_assert_str_eq(s, "harness made B's wall clock run +5% (x1.05) from "
			    "here, +1.5s off real time so far");
	free(s);
	jv_free(ev);
}
END_TEST

static Suite *clock_suite(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = unit_tcase(s, "clock", 10, NULL, NULL);

	tcase_add_test(tc, test_offsets);
	tcase_add_test(tc, test_drifts);
	tcase_add_test(tc, test_statements);
	tcase_add_test(tc, test_describe);
	return s;
}

int main(void)
{
	return unit_main(clock_suite());
}
