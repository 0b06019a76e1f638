/*
 * test_scale.c - the checkers and the timeline cost in proportion to the
 * holders of a run, not to its square (issue 13: `make bench`'s holders
 * row), and the indexes that make it so find the right holder among many.
 *
 * Cost is counted, never timed: this binary defines strcmp, which the
 * harness's objects linked into it call, and counts the calls. A walk
 * over every holder (or lane, or lock file of a session) per event
 * compares names; four times the holders then made 14 to 15 times the
 * compares, against 4.1 to 4.3 with the indexes.
 */
#include "check/check.h"
#include "check/model.h"
#include "report/html.h"
#include "unit.h"

#include <jv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strcmp_count.h"

/* A cell of the bench's scaling rows (tests/bench/bench.sh): nh holders
 * H0.., each in its own pid of one namespace, nm messages, message i by
 * holder i mod nh to session i mod ns; the lock files' payloads name their
 * owners (fs events), each message's holder takes, writes, releases and
 * answers, and all exit at the end. As history_write writes it: one event
 * a line, in time order. */
static jv cell_history(int nh, int nm, int ns)
{
	jv h = jv_array(), *tr = calloc((size_t)ns, sizeof(jv));
	char buf[1024];
	long long t = 1000;
	int i, s;

	ck_assert_ptr_nonnull(tr);
	for (s = 0; s < ns; s++)
		tr[s] = jv_array();
	h = jv_array_append(
	    h, jv_parse("{\"type\":\"meta\",\"process\":\"harness\",\"t\":0,"
			"\"title\":\"holders\",\"params\":{\"maxHoldMs\":5000,"
			"\"timeoutMs\":60000,\"pollMs\":50,\"graceMs\":2000,"
			"\"slackMs\":300}}"));
	for (i = 0; i < nh; i++) {
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"spawn\",\"process\":\"H%d\",\"pid\":%d,"
			 "\"pidNs\":4026532193,\"t\":%lld,\"impl\":\"reference\","
			 "\"version\":\"0.1.0\",\"caps\":[\"acquire\",\"deliver\","
			 "\"lanes\",\"maxHoldMs\",\"timeout\",\"pidPayload\"]}",
			 i, 4 + i, t++);
		h = jv_array_append(h, jv_parse(buf));
	}
	for (i = 0; i < nm; i++) {
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"invoke\",\"process\":\"H%d\",\"id\":%d,"
			 "\"op\":\"deliver\",\"session\":\"s%d\",\"lane\":\"main\","
			 "\"timeoutMs\":60000,\"pollMs\":50,\"maxHoldMs\":5000,"
			 "\"graceMs\":2000,\"msg\":\"m%d\",\"t\":%lld}",
			 i % nh, 1 + i / nh, i % ns, i, t++);
		h = jv_array_append(h, jv_parse(buf));
	}
	for (i = 0; i < nm; i++) {
		int who = i % nh, id = 1 + i / nh;

		s = i % ns;
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"fs\",\"process\":\"harness\",\"fs\":\"create\","
			 "\"file\":\"s%d.jsonl.lock\",\"kind\":\"lock\","
			 "\"session\":\"s%d\",\"pidNs\":4026532193,\"pid\":%d,"
			 "\"payload\":\"ok\",\"t\":%lld}",
			 s, s, 4 + who, t + 2);
		h = jv_array_append(h, jv_parse(buf));
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"acquired\",\"process\":\"H%d\",\"id\":%d,"
			 "\"session\":\"s%d\",\"lane\":\"main\","
			 "\"reentrant\":false,\"t\":%lld}",
			 who, id, s, t + 5);
		h = jv_array_append(h, jv_parse(buf));
		snprintf(buf, sizeof(buf),
			 "{\"msg\":\"m%d\",\"holder\":\"H%d\",\"pid\":%d,"
			 "\"lane\":\"main\",\"t\":%lld}",
			 i, who, 4 + who, t + 10);
		tr[s] = jv_array_append(tr[s], jv_string(buf));
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"appended\",\"process\":\"H%d\",\"id\":%d,"
			 "\"session\":\"s%d\",\"msg\":\"m%d\",\"lane\":\"main\","
			 "\"t\":%lld}",
			 who, id, s, i, t + 12);
		h = jv_array_append(h, jv_parse(buf));
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"released\",\"process\":\"H%d\",\"id\":%d,"
			 "\"session\":\"s%d\",\"lane\":\"main\",\"why\":\"release\","
			 "\"t\":%lld}",
			 who, id, s, t + 15);
		h = jv_array_append(h, jv_parse(buf));
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"fs\",\"process\":\"harness\",\"fs\":\"delete\","
			 "\"file\":\"s%d.jsonl.lock\",\"kind\":\"lock\","
			 "\"session\":\"s%d\",\"t\":%lld}",
			 s, s, t + 17);
		h = jv_array_append(h, jv_parse(buf));
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"ok\",\"process\":\"H%d\",\"id\":%d,"
			 "\"op\":\"deliver\",\"session\":\"s%d\",\"lane\":\"main\","
			 "\"msg\":\"m%d\",\"t\":%lld}",
			 who, id, s, i, t + 20);
		h = jv_array_append(h, jv_parse(buf));
		t += 100;
	}
	for (i = 0; i < nh; i++) {
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"exit\",\"process\":\"H%d\",\"code\":0,"
			 "\"t\":%lld}",
			 i, t++);
		h = jv_array_append(h, jv_parse(buf));
	}
	{
		jv ss = jv_object();

		for (s = 0; s < ns; s++) {
			snprintf(buf, sizeof(buf), "s%d", s);
			ss = jv_object_set(
			    ss, jv_string(buf),
			    jv_object_set(jv_object_set(jv_object(),
							jv_string("lock"),
							jv_string("absent")),
					  jv_string("transcript"), tr[s]));
		}
		h = jv_array_append(
		    h, jv_object_set(
			   jv_object_set(jv_object_set(jv_object(),
						       jv_string("type"),
						       jv_string("final")),
					 jv_string("process"),
					 jv_string("harness")),
			   jv_string("sessions"), ss));
	}
	free(tr);
	h = jv_array_append(
	    h, jv_parse("{\"type\":\"result\",\"process\":\"harness\","
			"\"status\":\"pass\",\"reason\":\"\",\"failures\":0}"));
	return h;
}

/* check_history over it: the compares it made; no verdict (a correct
 * run). */
static unsigned long checks_cost(jv h)
{
	struct check_opts o = CHECK_OPTS_INIT;
	unsigned long c0 = strcmp_calls;
	jv v;

	ck_assert_int_eq(check_history(h, &o, &v), 0);
	c0 = strcmp_calls - c0;
	ck_assert_int_eq(jv_array_length(v), 0);
	return c0;
}

/* Its timeline, from the events and the file history_write made of them:
 * the compares it made; holder H(n - 1) has its row. */
static unsigned long timeline_cost(jv h, int n)
{
	const char *tmp = getenv("TMPDIR");
	char dir[256], hist[300], html[300], *err = NULL;
	unsigned long c0;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/lc-scale-XXXXXX", tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(hist, sizeof(hist), "%s/history.jsonl", dir);
	snprintf(html, sizeof(html), "%s/timeline.html", dir);
	f = fopen(hist, "w");
	ck_assert_ptr_nonnull(f);
	jv_array_foreach(h, i, e) {
		jv d = jv_dump_string(e, 0);

		fprintf(f, "%s\n", jv_string_value(d));
		jv_free(d);
	}
	ck_assert_int_eq(fclose(f), 0);
	c0 = strcmp_calls;
	ck_assert_msg(html_timeline_write_events(h, hist, html, &err) == 0,
		      "%s", err ? err : "");
	c0 = strcmp_calls - c0;
	/* every holder has its row */
	{
		char *page = NULL, name[32];
		size_t len = 0;
		FILE *p = fopen(html, "r");

		ck_assert_ptr_nonnull(p);
		ck_assert_int_ge(getdelim(&page, &len, '\0', p), 0);
		fclose(p);
		snprintf(name, sizeof(name), ">H%d<", n - 1);
		ck_assert_ptr_nonnull(strstr(page, name));
		free(page);
	}
	unlink(html);
	unlink(hist);
	rmdir(dir);
	return c0;
}

/* Four times the holders, at most six times the compares (linear: about
 * four; the walks over holders, lanes and a session's lock files made 14
 * to 15). */
START_TEST(test_cost_follows_holders)
{
	jv small = cell_history(128, 128, 4), big = cell_history(512, 512, 4);
	unsigned long cs = checks_cost(small), cb = checks_cost(big);
	unsigned long ts = timeline_cost(small, 128), tb = timeline_cost(big, 512);

	ck_assert_msg(cb <= 6 * cs,
		      "checks: %lu compares for 512 holders against %lu for 128",
		      cb, cs);
	ck_assert_msg(tb <= 6 * ts,
		      "timeline: %lu compares for 512 holders against %lu for 128",
		      tb, ts);
	jv_free(small);
	jv_free(big);
}
END_TEST

/* The same for sessions: 4 holders, a message to each session (the
 * walks over the sessions seen per event, back over the holds for each
 * hold's session, and a tree of every command of the run per session made
 * 9 times the compares in the checks; the timeline's walks over sessions
 * and lock-file owners, 11.6 times). */
START_TEST(test_cost_follows_sessions)
{
	jv small = cell_history(4, 128, 128), big = cell_history(4, 512, 512);
	unsigned long cs = checks_cost(small), cb = checks_cost(big);
	unsigned long ts = timeline_cost(small, 4), tb = timeline_cost(big, 4);

	ck_assert_msg(cb <= 6 * cs,
		      "checks: %lu compares for 512 sessions against %lu for 128",
		      cb, cs);
	ck_assert_msg(tb <= 6 * ts,
		      "timeline: %lu compares for 512 sessions against %lu for 128",
		      tb, ts);
	jv_free(small);
	jv_free(big);
}
END_TEST

/* The model's index of processes by name: each of many found, once each,
 * the harness and names nobody has never; each process's `acquired`
 * holds listed, and only its own; each lock file's payload pid mapped to
 * the holder that spawn gave it. */
START_TEST(test_model_finds_each_holder)
{
	jv h = cell_history(1024, 1024, 4);
	struct model m;
	char name[32];
	int i, k;

	model_build(&m, h, 0);
	ck_assert_int_eq(m.nr_procs, 1024);
	for (i = 0; i < 1024; i++) {
		snprintf(name, sizeof(name), "H%d", i);
		k = model_proc(&m, name);
		ck_assert_int_ge(k, 0);
		ck_assert_str_eq(m.procs[k].name, name);
		ck_assert_int_eq(m.procs[k].nr_acquired, 1);
		ck_assert_int_eq(m.holds[m.procs[k].acquired[0]].proc, k);
		ck_assert_int_eq(m.holds[m.procs[k].acquired[0]].end,
				 END_RELEASED);
	}
	ck_assert_int_eq(model_proc(&m, "H1024"), -1);
	ck_assert_int_eq(model_proc(&m, "H"), -1);
	ck_assert_int_eq(model_proc(&m, "harness"), -1);
	ck_assert_int_eq(model_proc(&m, NULL), -1);
	ck_assert_int_eq(m.nr_lives, 1024);
	for (k = 0; k < m.nr_lives; k++) {
		ck_assert_int_eq(m.lives[k].nr_owners, 1);
		ck_assert_int_ge(m.lives[k].owners[0], 0);
		snprintf(name, sizeof(name), "H%.0f", m.lives[k].pids[0] - 4);
		ck_assert_str_eq(m.procs[m.lives[k].owners[0]].name, name);
	}
	for (i = 0; i < m.nr_holds; i++)
		if (!m.holds[i].creating)
			ck_assert_int_eq(
			    m.lives[m.holds[i].life].owners[0], m.holds[i].proc);
	model_clear(&m);
	jv_free(h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scale");
	TCase *tc = unit_tcase(s, "holders", 120, NULL, NULL);

	tcase_add_test(tc, test_cost_follows_holders);
	tcase_add_test(tc, test_cost_follows_sessions);
	tcase_add_test(tc, test_model_finds_each_holder);
	return unit_main(s);
}
