/*
 * test_history.c - the pure parts of a run's bookkeeping: sorting the
 * history (run/history.c), result.json written and read back and the
 * recovery figure (run/result.c). The step loop itself runs for real in
 * the scenario catalog and tests/t/.
 */
#include <check.h>

#include "run/result.h"
#include "run/run_internal.h"
#include "lib/jvx.h"
#include "lib/util.h"
#include "report/html.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"

static jv parse(const char *json)
{
	jv v = jv_parse(json);

	ck_assert_msg(jv_is_valid(v), "bad json %s", json);
	return v;
}

/* The `type`s of `hist` (borrowed), joined by spaces. */
static char *types(jv hist)
{
	char *out = xstrdup(""), buf[32];
	int i, n = jv_array_length(jv_copy(hist));

	for (i = 0; i < n; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);
		char *next = xasprintf("%s%s%s", out, i ? " " : "",
				       jvx_str(ev, "type", buf, sizeof(buf)));

		jv_free(ev);
		free(out);
		out = next;
	}
	return out;
}

START_TEST(test_sort_keeps_meta_first_final_last)
{
	jv h = parse("[{\"type\":\"final\",\"t\":1},"
		     "{\"type\":\"b\",\"t\":300},"
		     "{\"type\":\"a\",\"t\":100},"
		     "{\"type\":\"meta\",\"t\":999},"
		     "{\"type\":\"c\",\"t\":300},"
		     "{\"type\":\"verdict\"},"
		     "{\"type\":\"z\"}]");
	char *got;

	h = history_sort(h, NULL);
	got = types(h);
	/* by t, ties in arrival order; no t counts as 0 */
	ck_assert_str_eq(got, "meta z a b c final verdict");
	free(got);
	jv_free(h);
}
END_TEST

/* The history is written from the lines dumped as the events came, put in
 * the sorted order with them (not each event dumped again); without a line
 * for every event, each is dumped. */
START_TEST(test_sort_and_write_reuse_the_lines)
{
	jv h = parse("[{\"type\":\"b\",\"t\":300},"
		     "{\"type\":\"meta\",\"t\":0},"
		     "{\"type\":\"a\",\"t\":100}]");
	struct history_lines lines = { NULL, 0, 0 };
	char path[] = "/tmp/test_history-XXXXXX", *text;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	/* lines that differ from a dump of their event: reuse shows */
	lines.alloc = 3;
	lines.v = xcalloc(3, sizeof(char *));
	lines.v[lines.n++] = xstrdup("line of b");
	lines.v[lines.n++] = xstrdup("line of meta");
	lines.v[lines.n++] = xstrdup("line of a");
	h = history_sort(h, &lines);
	ck_assert_int_eq(history_write(path, h, &lines), 0);
	text = read_file(path, 1 << 20, NULL);
	ck_assert_str_eq(text, "line of meta\nline of a\nline of b\n");
	free(text);
	/* one line short: every event dumped */
	free(lines.v[--lines.n]);
	ck_assert_int_eq(history_write(path, h, &lines), 0);
	text = read_file(path, 1 << 20, NULL);
	ck_assert_str_eq(text, "{\"type\":\"meta\",\"t\":0}\n"
			       "{\"type\":\"a\",\"t\":100}\n"
			       "{\"type\":\"b\",\"t\":300}\n");
	free(text);
	history_lines_clear(&lines);
	ck_assert_int_eq(lines.n, 0);
	unlink(path);
	jv_free(h);
}
END_TEST

START_TEST(test_recovery_ms)
{
	jv h = parse("[{\"type\":\"acquired\",\"process\":\"B\",\"t\":50},"
		     "{\"type\":\"fault\",\"target\":\"A\",\"t\":1000000},"
		     "{\"type\":\"acquired\",\"process\":\"A\",\"t\":1100000},"
		     "{\"type\":\"acquired\",\"process\":\"B\",\"t\":1250000}]");

	ck_assert_int_eq(result_recovery_ms(h), 250);
	jv_free(h);
	h = parse("[{\"type\":\"fault\",\"target\":\"A\",\"t\":10}]");
	ck_assert_int_eq(result_recovery_ms(h), -1);
	jv_free(h);
	h = parse("[{\"type\":\"acquired\",\"process\":\"B\",\"t\":10}]");
	ck_assert_int_eq(result_recovery_ms(h), -1);
	jv_free(h);
}
END_TEST

START_TEST(test_result_round_trip)
{
	struct run_result r, back;
	char dir[] = "/tmp/lockchaos-test-XXXXXX", *path, *err = NULL;
	jv o, s;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = xasprintf("%s/result.json", dir);
	run_result_init(&r);
	r.status = STATUS_FAIL;
	r.reason = xstrdup("leak: s1 left");
	jv_free(r.failures);
	r.failures = parse("[{\"checker\":\"leak\",\"msg\":\"s1 left\"}]");
	r.duration_ms = 1234;
	r.recovery_ms = 56;
	r.scratch = xstrdup("/tmp/x");
	o = run_result_json(&r);
	s = jv_dump_string(o, 0);
	ck_assert_int_eq(write_file(path, jv_string_value(s),
				    strlen(jv_string_value(s))),
			 0);
	jv_free(s);
	run_result_init(&back);
	ck_assert_int_eq(run_result_load(&back, path, &err), 0);
	ck_assert_str_eq(back.status, STATUS_FAIL);
	ck_assert_str_eq(back.reason, "leak: s1 left");
	ck_assert_int_eq(back.duration_ms, 1234);
	ck_assert_int_eq(back.recovery_ms, 56);
	ck_assert_str_eq(back.scratch, "/tmp/x");
	ck_assert_int_eq(jv_array_length(jv_copy(back.failures)), 1);
	run_result_clear(&back);
	/* an unknown status reads as error, never as a pass */
	ck_assert_int_eq(write_file(path, "{\"status\":\"great\"}", 18), 0);
	ck_assert_int_eq(run_result_load(&back, path, &err), 0);
	ck_assert_str_eq(back.status, STATUS_ERROR);
	ck_assert_int_eq(back.recovery_ms, -1);
	run_result_clear(&back);
	ck_assert_int_eq(write_file(path, "[1]", 3), 0);
	ck_assert_int_eq(run_result_load(&back, path, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot read a result object"));
	free(err);
	run_result_clear(&back);
	run_result_clear(&r);
	unlink(path);
	rmdir(dir);
	free(path);
}
END_TEST

/* A stored history as the worker holds it: its events, and the lines
 * they were written as. */
static jv stored(const char *name, struct history_lines *lines)
{
	char path[256], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	jv h = jv_array();
	FILE *f;

	snprintf(path, sizeof(path), "tests/histories/%s", name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		h = jv_array_append(h, parse(line));
		ALLOC_GROW(lines->v, (size_t)lines->n + 1, lines->alloc);
		lines->v[lines->n++] = xstrdup(line);
	}
	free(line);
	fclose(f);
	return h;
}

static int exists(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	int yes = access(p, F_OK) == 0;

	free(p);
	return yes;
}

/* The timeline drawn ahead is drawn by a child (the worker goes on with
 * the checks meanwhile), and is byte for byte the one the worker draws
 * once the result is appended; dropped, it leaves no file and no child. */
START_TEST(test_timeline_drawn_ahead_is_the_same)
{
	struct history_lines lines = { NULL, 0, 0 };
	char dir[] = "/tmp/test_history-XXXXXX";
	char *h2, *out, *out2, *a, *b, *err = NULL;
	jv hist = stored("seed002-sigkill-reclaimed.jsonl", &lines), full;
	jv last = parse("{\"type\":\"result\",\"process\":\"harness\","
			"\"status\":\"pass\",\"reason\":\"\",\"failures\":0,"
			"\"t\":2900000}");
	int n = lines.n;
	int64_t cpu = 0;
	pid_t pid;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	pid = history_timeline_ahead(hist, &lines, jv_copy(last), dir);
	ck_assert_int_gt(pid, 0); /* a child draws it */
	ck_assert_int_eq(lines.n, n); /* ours are untouched */
	ck_assert_int_eq(jv_array_length(jv_copy(hist)), n);
	out = xasprintf("%s/timeline.html", dir);
	ck_assert_int_eq(history_timeline_take(pid, dir, out, &cpu), 0);
	ck_assert_int_ge(cpu, 0);
	errno = 0;
	ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert(!exists(dir, TL_AHEAD_HTML));
	ck_assert(!exists(dir, TL_AHEAD_HISTORY));
	/* what the worker draws itself after the checks */
	h2 = xasprintf("%s/history.jsonl", dir);
	out2 = xasprintf("%s/timeline-here.html", dir);
	ALLOC_GROW(lines.v, (size_t)lines.n + 1, lines.alloc);
	lines.v[lines.n++] = jvx_dump(last);
	full = jv_array_append(jv_copy(hist), jv_copy(last));
	ck_assert_int_eq(history_write(h2, full, &lines), 0);
	ck_assert_int_eq(html_timeline_write_events(full, h2, out2, &err), 0);
	a = read_file(out, 16 << 20, NULL);
	b = read_file(out2, 16 << 20, NULL);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_gt(strlen(a), 10000);
	ck_assert_msg(!strcmp(a, b), "drawn ahead differs from drawn after");
	free(a);
	free(b);
	/* dropped: killed, reaped, nothing left */
	pid = history_timeline_ahead(hist, &lines, jv_copy(last), dir);
	ck_assert_int_gt(pid, 0);
	history_timeline_drop(pid, dir, &cpu);
	errno = 0;
	ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert(!exists(dir, TL_AHEAD_HTML));
	ck_assert(!exists(dir, TL_AHEAD_HTML ".tmp"));
	ck_assert(!exists(dir, TL_AHEAD_HISTORY));
	unlink(out);
	unlink(out2);
	unlink(h2);
	ck_assert_int_eq(rmdir(dir), 0);
	free(out);
	free(out2);
	free(h2);
	jv_free(full);
	jv_free(last);
	jv_free(hist);
	history_lines_clear(&lines);
}
END_TEST

static Suite *history_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = unit_tcase(s, "history", 10, NULL, NULL);

	tcase_add_test(tc, test_sort_keeps_meta_first_final_last);
	tcase_add_test(tc, test_sort_and_write_reuse_the_lines);
	tcase_add_test(tc, test_recovery_ms);
	tcase_add_test(tc, test_result_round_trip);
	tcase_add_test(tc, test_timeline_drawn_ahead_is_the_same);
	return s;
}

int main(void)
{
	return unit_main(history_suite());
}
