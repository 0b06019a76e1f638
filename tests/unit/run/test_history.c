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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* history.jsonl is written over as the run went, then sorted and written
 * again: the second write is made in place (no truncation to nothing,
 * which ext4 flushes at the close) and cut to its own length, so a file
 * longer before keeps nothing of its old tail (red without the cut: the
 * old bytes past the new lines stay), and the file is the same one. */
START_TEST(test_write_over_a_longer_file_cuts_its_tail)
{
	jv h = parse("[{\"type\":\"meta\",\"t\":0}]");
	char path[] = "/tmp/test_history-XXXXXX", *text;
	const char *old = "{\"type\":\"meta\",\"t\":0,\"long\":\"gone\"}\n"
			  "{\"type\":\"old\"}\n";
	struct stat a, b;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, old, strlen(old)), (ssize_t)strlen(old));
	ck_assert_int_eq(fstat(fd, &a), 0);
	close(fd);
	ck_assert_int_eq(history_write(path, h, NULL), 0);
	text = read_file(path, 1 << 20, NULL);
	ck_assert_str_eq(text, "{\"type\":\"meta\",\"t\":0}\n");
	free(text);
	ck_assert_int_eq(stat(path, &b), 0);
	ck_assert(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
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

/* An event recorded with the dump its caller made (the kernel view's
 * repeat check) gets the line a dump of it, time stamp and all, would
 * give: the stamp put last, not a second dump. */
START_TEST(test_record_dumped_is_the_dump)
{
	static const char *const evs[] = {
		"{\"type\":\"fs\",\"process\":\"harness\",\"fs\":\"write\","
		"\"file\":\"s0.jsonl.lock\",\"kind\":\"lock\",\"session\":\"s0\","
		"\"ino\":25879,\"bytes\":166,\"pid\":4,\"createdAt\":"
		"\"2026-12-01T04:33:40.693Z\",\"payload\":{\"pid\":4,\"x\":[1,"
		"\"a\\\"b\\\\c\\n\"]}}",
		"{\"type\":\"fs\",\"process\":\"harness\",\"fs\":\"create\","
		"\"payload\":\"empty\",\"n\":-0.5,\"u\":\"\\u00e9\\u0001\"}",
		"{\"a\":1}",
	};
	struct run_opts o = { 0 };
	struct run r = { 0 };
	size_t i;

	r.o = &o;
	r.hist = jv_array();
	r.t0 = mono_us() - 123456;
	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		jv ev = parse(evs[i]), got;
		char *want;

		history_record_dumped(&r, jv_copy(ev), jvx_dump(ev));
		jv_free(ev);
		got = jv_array_get(jv_copy(r.hist), (int)i);
		ck_assert_int_gt((int)jvx_num(got, "t", -1), 123000);
		want = jvx_dump(got);
		ck_assert_str_eq(r.lines.v[i], want);
		/* the stamp is the last field */
		ck_assert_ptr_nonnull(strstr(r.lines.v[i], ",\"t\":"));
		ck_assert(r.lines.v[i][strlen(r.lines.v[i]) - 1] == '}');
		free(want);
		jv_free(got);
	}
	/* one with a `t` already keeps it, as history_record does */
	history_record_dumped(&r, parse("{\"type\":\"x\",\"t\":7}"),
			      xstrdup("{\"type\":\"x\",\"t\":7}"));
	ck_assert_str_eq(r.lines.v[r.lines.n - 1], "{\"type\":\"x\",\"t\":7}");
	history_lines_clear(&r.lines);
	jv_free(r.hist);
}
END_TEST

static Suite *history_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = unit_tcase(s, "history", 10, NULL, NULL);

	tcase_add_test(tc, test_sort_keeps_meta_first_final_last);
	tcase_add_test(tc, test_sort_and_write_reuse_the_lines);
	tcase_add_test(tc, test_write_over_a_longer_file_cuts_its_tail);
	tcase_add_test(tc, test_recovery_ms);
	tcase_add_test(tc, test_result_round_trip);
	tcase_add_test(tc, test_record_dumped_is_the_dump);
	return s;
}

int main(void)
{
	return unit_main(history_suite());
}
