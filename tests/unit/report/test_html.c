/*
 * test_html.c - the timeline and index pages.
 *
 * Timelines are built from the hand-made histories in tests/histories/
 * (run from the top of the tree, as `make unit` does) and checked for the
 * elements a reader relies on: a row per holder and lane, a glyph per
 * fault, each message's outcome, the verdict, pinned failures, and that
 * nothing from the history turns into markup. Malformed inputs must fail
 * with a message and leave no output behind.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/html.h"
#include "report/html_common.h"
#include "report/timeline.h"
#include "unit.h"

#define HIST "tests/histories/"

static char scratch[4096]; /* per test: a fresh directory */

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(scratch, sizeof(scratch), "%s/test_html-XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	ck_assert_msg(mkdtemp(scratch) != NULL, "mkdtemp: %s", strerror(errno));
}

static void teardown(void)
{
	/* the scratch holds a handful of flat files */
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", scratch);
}

static char *path_in(const char *name)
{
	static char buf[4][4200];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", scratch, name);
	return buf[k];
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open '%s': %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	ck_assert(s != NULL);
	ck_assert_int_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void spill(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot open '%s'", path);
	fputs(text, f);
	fclose(f);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Renders tests/histories/<name> and returns the page (caller frees). */
static char *timeline(const char *name)
{
	char *err = NULL;
	const char *out = path_in("timeline.html");
	int r = html_timeline_write(name, out, &err);
	ck_assert_msg(r == 0, "html_timeline_write(%s): %s", name, err ? err : "?");
	ck_assert(err == NULL);
	return slurp(out);
}

/* Lines of `path` whose "type" is `type`. */
static int events_of_type(const char *path, const char *type)
{
	char *text = slurp(path), needle[64];
	snprintf(needle, sizeof(needle), "\"type\":\"%s\"", type);
	int n = count(text, needle);
	free(text);
	return n;
}

static void assert_page_shape(const char *page)
{
	ck_assert_msg(!strncmp(page, "<!DOCTYPE html>", 15), "no doctype");
	ck_assert_int_eq(count(page, "<svg class=\"tl\""), 1);
	ck_assert_int_eq(count(page, "</svg>\n"), 1);
	ck_assert_int_eq(count(page, "</html>"), 1);
	/* self-contained: nothing fetched from anywhere */
	ck_assert_ptr_null(strstr(page, "src=\"http"));
	ck_assert_ptr_null(strstr(page, "href=\"http"));
	ck_assert_ptr_null(strstr(page, "<link"));
	ck_assert_ptr_null(strstr(page, "@import"));
	/* exactly our own inline scripts: the zoom's and the inspector's */
	ck_assert_int_eq(count(page, "<script"), 2);
	/* zoom and pan: the buttons, and what the script maps */
	ck_assert_int_eq(count(page, "<button id=\"zoom-in\""), 1);
	ck_assert_int_eq(count(page, "<button id=\"zoom-reset\""), 1);
	ck_assert_ptr_nonnull(strstr(page, "data-view=\""));
	ck_assert_int_eq(count(page, "<g class=\"axis\""), 2);
	ck_assert_int_eq(count(page, "<g class=\"zt\">"), 2);
}

START_TEST(test_reclaim_passes)
{
	const char *h = HIST "html-reclaim.jsonl";
	char *page = timeline(h);
	assert_page_shape(page);
	ck_assert_ptr_nonnull(strstr(page, "id=\"verdict\">PASS</div>"));
	ck_assert_ptr_null(strstr(page, ">FAIL<"));
	ck_assert_ptr_nonnull(strstr(page, "SIGKILLed holder: its lock is reclaimed"));
	ck_assert_ptr_nonnull(strstr(page, "scenarios/seeds/002-sigkill.scn"));
	ck_assert_ptr_nonnull(strstr(page, "<b id=\"seed\">4242</b>"));
	ck_assert_ptr_nonnull(strstr(page, "<b id=\"impl\">reference 0.1.0</b>"));
	/* one row per holder and lane, one per lock session */
	ck_assert_int_eq(count(page, "class=\"rowlabel lane\""), 2);
	ck_assert_int_eq(count(page, "data-holder=\"A\" data-lane=\"main\""), 1);
	ck_assert_int_eq(count(page, "data-holder=\"B\" data-lane=\"main\""), 1);
	ck_assert_int_eq(count(page, "class=\"rowlabel session\""), 1);
	/* the recycle's stand-in on a row of processes the harness started */
	ck_assert_int_eq(count(page, "class=\"rowlabel started\""), 1);
	ck_assert_ptr_nonnull(strstr(page, "pid 2: stand-in for A"));
	/* a glyph per fault, of the fault's kind */
	ck_assert_int_eq(count(page, " fault\">"), events_of_type(h, "fault"));
	ck_assert_int_eq(count(page, "class=\"ev mk g-kill fault\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev mk g-recycle fault\""), 1);
	/* A held, died, its lock file went stale, B waited then reclaimed */
	ck_assert_int_ge(count(page, "class=\"ev bar hold\""), 2);
	ck_assert_int_eq(count(page, "class=\"ev bar stale\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev bar wait\""), 3);
	ck_assert_int_eq(count(page, "class=\"ev mk g-reclaim\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev mk g-death\""), 1);
	/* m1, m3 delivered; m2 died with its holder */
	ck_assert_int_eq(count(page, "class=\"ev mk g-delivered\""), 2);
	ck_assert_int_eq(count(page, "class=\"ev mk g-lostmsg\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev verdict-pin\""), 0);
	ck_assert_int_ge(count(page, "class=\"ev deadline"), 1);
	/* hover: the raw event is in the title */
	ck_assert_ptr_nonnull(strstr(page, "{&quot;t&quot;:1200000,&quot;type&quot;:&quot;fault&quot;"));
	ck_assert_ptr_nonnull(strstr(page, "Passed checkers: recovery"));
	free(page);
}
END_TEST

START_TEST(test_stuck_fails_with_pinned_verdicts)
{
	const char *h = HIST "html-stuck.jsonl";
	char *page = timeline(h);
	assert_page_shape(page);
	ck_assert_ptr_nonnull(strstr(page, "id=\"verdict\">FAIL</div>"));
	ck_assert_ptr_nonnull(strstr(page, "<title>FAIL Live holder"));
	ck_assert_ptr_nonnull(strstr(page, "openclaw 2026.4.15"));
	/* failures listed as text in the header */
	ck_assert_ptr_nonnull(strstr(page, "2 failed verdicts"));
	ck_assert_int_eq(count(page, "<li><span class=\"chk\">recovery</span> at 2.452 s"), 1);
	ck_assert_int_eq(count(page, "<li><span class=\"chk\">recovery</span> at 6.850 s"), 1);
	/* pinned on the picture, message visible as text, not only on hover */
	ck_assert_int_eq(count(page, "class=\"ev verdict-pin\" data-checker=\"recovery\""), 2);
	ck_assert_ptr_nonnull(strstr(page, "<text class=\"pintext\""));
	ck_assert_ptr_nonnull(strstr(page, "recovery: B waited 5004 ms for s1"));
	/* A holds past its own maxHoldMs: a hot dashed deadline, orange bar */
	ck_assert_int_eq(count(page, "class=\"ev deadline hot\" data-holder=\"A\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev bar over\""), 1);
	ck_assert_ptr_nonnull(strstr(page, "A&#39;s maxHoldMs (2000 ms)"));
	/* B's two long waits end refused, with the error */
	ck_assert_int_eq(count(page, "class=\"ev bar waitfail\""), 2);
	ck_assert_int_eq(count(page, "class=\"ev mk g-refused\""), 2);
	ck_assert_ptr_nonnull(strstr(page, "m2 refused: session file locked (timeout 5000ms)"));
	/* faults: spin (with its band), term, kill */
	ck_assert_int_eq(count(page, " fault\">"), events_of_type(h, "fault"));
	ck_assert_int_eq(count(page, "class=\"ev mk g-spinf fault\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev mk g-term fault\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev mk g-kill fault\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev bar spin\""), 1);
	ck_assert_ptr_nonnull(strstr(page, "lock file left behind"));
	free(page);
}
END_TEST

START_TEST(test_hostile_strings_are_escaped)
{
	const char *h = HIST "html-hostile.jsonl";
	char *page = timeline(h);
	assert_page_shape(page);
	/* no markup from the history */
	ck_assert_ptr_null(strstr(page, "<img"));
	ck_assert_ptr_null(strstr(page, "<svg onload"));
	ck_assert_ptr_null(strstr(page, "<b>m1"));
	ck_assert_ptr_null(strstr(page, "<i>"));
	ck_assert_ptr_null(strstr(page, "<bug"));
	ck_assert_ptr_null(strstr(page, "<impl>"));
	ck_assert_ptr_null(strstr(page, "<corrupt>"));
	ck_assert_ptr_null(strstr(page, "</title><script"));
	ck_assert_ptr_null(strstr(page, "]]></svg>"));
	ck_assert_int_eq(count(page, "<title>"), count(page, "</title>"));
	ck_assert_int_eq(count(page, "<pre"), count(page, "</pre>"));
	/* ... but all of it shown as text */
	ck_assert_ptr_nonnull(strstr(page, "&lt;script&gt;alert(&quot;A&quot;)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(page, "B&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
	ck_assert_ptr_nonnull(strstr(page, "&amp;amp; &lt;i&gt;err&lt;/i&gt;"));
	ck_assert_ptr_nonnull(strstr(page, "data-lane=\"x&#39;y&quot;z&lt;lane&gt;\""));
	/* every fault kind has its own glyph */
	static const char *kinds[] = { "kill", "term", "freeze", "thaw",
				       "failpoint", "recycle", "damage", "spinf" };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		char cls[64];
		snprintf(cls, sizeof(cls), "class=\"ev mk g-%s fault\"", kinds[i]);
		ck_assert_msg(count(page, cls) == 1, "%s: %d", cls, count(page, cls));
	}
	ck_assert_int_eq(count(page, " fault\">"), events_of_type(h, "fault"));
	ck_assert_int_eq(count(page, "class=\"ev bar frozen\""), 1);
	/* every message outcome */
	ck_assert_int_eq(count(page, "class=\"ev mk g-delivered\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev mk g-dropped\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev mk g-dup\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev mk g-lostmsg\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev mk g-refused\""), 2); /* <m3>, acquire */
	ck_assert_ptr_nonnull(strstr(page, "DROPPED"));
	ck_assert_int_eq(count(page, "class=\"ev verdict-pin\""), 2);
	ck_assert_int_eq(count(page, "class=\"ev mk g-proto\""), 1);
	free(page);
}
END_TEST

/* An unfinished run: no final state, no answers. */
START_TEST(test_unfinished_history)
{
	const char *h = path_in("h.jsonl");
	spill(h, "{\"t\":0,\"type\":\"meta\",\"title\":\"cut short\",\"seed\":9343623426058435252,"
		 "\"holder\":[\"build/sessionlock-holder\",\"--bug\",\"no-watchdog\"],"
		 "\"params\":{\"maxHoldMs\":100}}\n"
		 "\n"
		 "{\"t\":10,\"type\":\"invoke\",\"process\":\"A\",\"id\":1,\"op\":\"acquire\",\"session\":\"s\"}\n"
		 "{\"t\":20,\"type\":\"acquired\",\"process\":\"A\",\"id\":1,\"session\":\"s\"}\n"
		 "{\"t\":30,\"type\":\"invoke\",\"process\":\"B\",\"id\":1,\"op\":\"deliver\",\"session\":\"s\",\"msg\":\"x\"}\n"
		 "{\"t\":900000,\"type\":\"log\",\"process\":\"B\",\"level\":\"INFO\",\"msg\":\"still waiting\"}\n");
	char *err = NULL;
	ck_assert_int_eq(html_timeline_write(h, path_in("t.html"), &err), 0);
	char *page = slurp(path_in("t.html"));
	ck_assert_ptr_nonnull(strstr(page, ">PASS<"));
	ck_assert_int_eq(count(page, "class=\"ev bar waitlost\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev mk g-lostmsg\""), 1);
	ck_assert_int_eq(count(page, "class=\"ev deadline hot\""), 1); /* maxHoldMs from meta */
	ck_assert_int_eq(count(page, "class=\"ev bar over\""), 1);
	/* a 64-bit seed survives (a double would round it); argv is joined */
	ck_assert_ptr_nonnull(strstr(page, "<b id=\"seed\">9343623426058435252</b>"));
	ck_assert_ptr_nonnull(strstr(page, "build/sessionlock-holder --bug no-watchdog"));
	free(page);
}
END_TEST

/* Eight hours, a thousand deliveries: scaled, and the page stays sane. */
START_TEST(test_long_run_scales)
{
	const char *h = path_in("long.jsonl");
	FILE *f = fopen(h, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "{\"t\":0,\"type\":\"meta\",\"title\":\"soak\",\"params\":{\"maxHoldMs\":1020000}}\n");
	long long t = 0;
	for (int i = 1; i <= 1000; i++) {
		t = (long long)i * 28800000LL;
		fprintf(f, "{\"t\":%lld,\"type\":\"invoke\",\"process\":\"A\",\"id\":%d,\"op\":\"deliver\",\"session\":\"s\",\"msg\":\"m%d\"}\n", t, i, i);
		fprintf(f, "{\"t\":%lld,\"type\":\"acquired\",\"process\":\"A\",\"id\":%d,\"session\":\"s\",\"lane\":\"main\"}\n", t + 500, i);
		fprintf(f, "{\"t\":%lld,\"type\":\"released\",\"process\":\"A\",\"session\":\"s\",\"lane\":\"main\",\"why\":\"release\"}\n", t + 900);
		fprintf(f, "{\"t\":%lld,\"type\":\"ok\",\"process\":\"A\",\"id\":%d}\n", t + 1000, i);
	}
	fprintf(f, "{\"t\":%lld,\"type\":\"final\",\"sessions\":{}}\n", t + 2000);
	fclose(f);
	char *err = NULL;
	ck_assert_int_eq(html_timeline_write(h, path_in("t.html"), &err), 0);
	char *page = slurp(path_in("t.html"));
	/* the axis is in seconds up to 28800 s, with at most a dozen ticks */
	ck_assert_ptr_nonnull(strstr(page, ">25000 s</text>"));
	ck_assert_int_le(count(page, "class=\"tick\""), 2 * 13);
	ck_assert_int_eq(count(page, "class=\"ev mk g-delivered\""), 1000);
	/* labels that do not fit are left to the hover */
	ck_assert_int_lt(count(page, "<text class=\"lbl"), 200);
	free(page);
}
END_TEST

/*
 * The page's size follows what is drawn, not the history: 5,000 messages,
 * a final state holding all 5,000 transcript lines and three lock files left
 * behind (each mark of the end used to embed the whole final event).
 */
START_TEST(test_timeline_bounded)
{
	const char *h = path_in("big.jsonl");
	FILE *f = fopen(h, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "{\"t\":0,\"type\":\"meta\",\"title\":\"big\",\"params\":{\"maxHoldMs\":5000}}\n");
	long long t = 0;
	for (int i = 1; i <= 5000; i++) {
		t = (long long)i * 2000LL;
		fprintf(f, "{\"t\":%lld,\"type\":\"invoke\",\"process\":\"A\",\"id\":%d,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":\"m%d\"}\n", t, i, i);
		fprintf(f, "{\"t\":%lld,\"type\":\"acquired\",\"process\":\"A\",\"id\":%d,\"session\":\"s1\",\"lane\":\"main\"}\n", t + 500, i);
		fprintf(f, "{\"t\":%lld,\"type\":\"released\",\"process\":\"A\",\"session\":\"s1\",\"lane\":\"main\",\"why\":\"release\"}\n", t + 900);
		fprintf(f, "{\"t\":%lld,\"type\":\"ok\",\"process\":\"A\",\"id\":%d}\n", t + 1000, i);
	}
	fprintf(f, "{\"t\":%lld,\"type\":\"final\",\"sessions\":{", t + 2000);
	for (int k = 1; k <= 3; k++) {
		fprintf(f, "%s\"s%d\":{\"lock\":\"file\",\"transcript\":[", k > 1 ? "," : "", k);
		for (int i = 1; k == 1 && i <= 5000; i++)
			fprintf(f, "%s\"{\\\"msg\\\":\\\"m%d\\\",\\\"holder\\\":\\\"A\\\"}\"", i > 1 ? "," : "", i);
		fputs("]}", f);
	}
	fputs("}}\n", f);
	fclose(f);
	char *err = NULL;
	ck_assert_int_eq(html_timeline_write(h, path_in("t.html"), &err), 0);
	char *page = slurp(path_in("t.html"));
	assert_page_shape(page);
	ck_assert_msg(strlen(page) < 2 * 1024 * 1024, "timeline of %zu bytes", strlen(page));
	/* what went wrong is drawn; what is cut is said, with the history */
	ck_assert_int_eq(count(page, "class=\"ev mk g-left\""), 3);
	ck_assert_ptr_nonnull(strstr(page, "Not drawn: "));
	ck_assert_int_ge(count(page, "<a href=\"history.jsonl\">history.jsonl</a>"), 2);
	ck_assert_int_le(count(page, "class=\"ev mk g-delivered\""), TL_MAX_MARKS);
	/* the final state is never copied whole into a tooltip */
	ck_assert_int_le(count(page, "m4999\\&quot;"), 0);
	ck_assert_ptr_nonnull(strstr(page, "final event cut; whole in history.jsonl"));
	free(page);
}
END_TEST

static void expect_error(const char *history_text, const char *want)
{
	const char *h = path_in("bad.jsonl"), *out = path_in("bad.html");
	if (history_text)
		spill(h, history_text);
	char *err = NULL;
	ck_assert_int_eq(html_timeline_write(h, out, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, want), "error '%s' lacks '%s'", err, want);
	ck_assert_msg(access(out, F_OK) != 0, "output written anyway");
	free(err);
	/* err may be NULL */
	ck_assert_int_eq(html_timeline_write(h, out, NULL), -1);
}

START_TEST(test_timeline_errors)
{
	expect_error(NULL, "cannot open '");
	expect_error("", "empty history");
	expect_error("{\"t\":0,\"type\":\"meta\"}\n{\"t\":1,\"type\":\"spawn\"}\n{\"t\":2,\"type\n",
		     "bad.jsonl:3: not JSON");
	expect_error("{\"t\":0,\"type\":\"meta\"}\n[1,2]\n", "bad.jsonl:2: not a JSON object");
	expect_error("{\"t\":0,\"type\":\"meta\"}\n{\"t\":1}\n", "bad.jsonl:2: event has no \"type\"");
	expect_error("{\"t\":0,\"type\":\"spawn\",\"process\":\"A\"}\n", "not 'meta'");
	expect_error("{\"t\":0,\"type\":\"meta\"}{\"t\":1,\"type\":\"x\"}\n", ":1: not JSON");

	/* output that cannot be written: an error, no stray temp file */
	char *err = NULL, out[4300];
	snprintf(out, sizeof(out), "%s/no/such/dir/t.html", scratch);
	ck_assert_int_eq(html_timeline_write(HIST "html-stuck.jsonl", out, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot open '"));
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
	free(err);
}
END_TEST

static const char SUMMARY[] =
	"{\"tool\":\"lockchaos\",\"version\":\"0.1.0\",\"seed\":99,\"started\":\"2026-11-22T10:00:00Z\","
	"\"holder\":\"build/sessionlock-holder\",\"jobs\":2,\"passed\":1,\"failed\":1,\"skipped\":1,"
	"\"durationMs\":4200,\"scenarios\":["
	"{\"file\":\"scenarios/seeds/002-sigkill.scn\",\"title\":\"kill\",\"tags\":[\"seed\",\"kill\"],"
	"\"status\":\"pass\",\"reason\":\"\",\"durationMs\":1402,\"seed\":4242,\"dir\":\"seeds-002-sigkill\",\"repeat\":1,\"failures\":[]},"
	"{\"file\":\"scenarios/seeds/004-stuck.scn\",\"title\":\"<b>stuck</b>\",\"tags\":[\"seed\"],"
	"\"status\":\"fail\",\"reason\":\"recovery: B waited 5004 ms\",\"durationMs\":13105,\"seed\":1733,"
	"\"dir\":\"javascript:alert(1)\",\"repeat\":1,"
	"\"failures\":[{\"checker\":\"recovery\",\"msg\":\"B waited <5004> ms\",\"at\":2452300}]},"
	"{\"file\":\"scenarios/faults/fence.scn\",\"title\":\"fence\",\"tags\":[],\"status\":\"na\","
	"\"reason\":\"holder lacks 'fencing'\",\"durationMs\":3,\"seed\":99,\"dir\":\"faults-fence\",\"repeat\":1,\"failures\":[]}]";

START_TEST(test_index)
{
	const char *sum = path_in("summary.json"), *out = path_in("index.html");
	char text[8192];
	snprintf(text, sizeof(text), "%s,\"matrix\":{\"impls\":[\"reference\",\"openclaw-2026.4.15\"],"
		 "\"rows\":[{\"file\":\"scenarios/seeds/002-sigkill.scn\",\"title\":\"kill\",\"cells\":{"
		 "\"reference\":{\"status\":\"pass\",\"reason\":\"\",\"recoveryMs\":51},"
		 "\"openclaw-2026.4.15\":{\"status\":\"fail\",\"reason\":\"<waited> 4000 ms\",\"recoveryMs\":4000}}},"
		 "{\"file\":\"scenarios/faults/fence.scn\",\"title\":\"fence\",\"cells\":{"
		 "\"openclaw-2026.4.15\":{\"status\":\"na\",\"reason\":\"no fencing\"}}}]}}",
		 SUMMARY);
	spill(sum, text);
	char *err = NULL;
	ck_assert_msg(html_index_write(sum, out, &err) == 0, "%s", err ? err : "?");
	char *page = slurp(out);
	ck_assert_ptr_nonnull(strstr(page, "id=\"verdict\">FAIL</div>"));
	ck_assert_int_eq(count(page, "<tr class=\"scn "), 3);
	ck_assert_int_eq(count(page, "<tr class=\"scn pass\""), 1);
	ck_assert_int_eq(count(page, "<tr class=\"scn fail\""), 1);
	ck_assert_int_eq(count(page, "<tr class=\"scn na\""), 1);
	ck_assert_ptr_nonnull(strstr(page, "href=\"seeds-002-sigkill/timeline.html\""));
	ck_assert_ptr_nonnull(strstr(page, "href=\"seeds-002-sigkill/history.jsonl\""));
	/* a hostile dir stays a relative link */
	ck_assert_ptr_nonnull(strstr(page, "href=\"javascript%3Aalert%281%29/timeline.html\""));
	ck_assert_ptr_null(strstr(page, "href=\"javascript:"));
	ck_assert_ptr_null(strstr(page, "<b>stuck"));
	ck_assert_ptr_nonnull(strstr(page, "&lt;b&gt;stuck&lt;/b&gt;"));
	ck_assert_ptr_nonnull(strstr(page, "B waited &lt;5004&gt; ms"));
	ck_assert_ptr_nonnull(strstr(page, "holder lacks &#39;fencing&#39;"));
	/* totals, failures first */
	ck_assert_ptr_nonnull(strstr(page, "id=\"totals\""));
	ck_assert_ptr_nonnull(strstr(page, "id=\"failed-list\""));
	/* the matrix: rows x implementations, absent cells marked */
	ck_assert_int_eq(count(page, "id=\"matrix\""), 1);
	ck_assert_ptr_nonnull(strstr(page, "<th>openclaw-2026.4.15</th>"));
	ck_assert_ptr_nonnull(strstr(page, "recovered in 51 ms"));
	ck_assert_ptr_nonnull(strstr(page, "&lt;waited&gt; 4000 ms"));
	/* an absent cell says why (its title) and "not run" */
	ck_assert_int_eq(count(page, "<td class=\"cell\" title=\"no result: "), 1);
	ck_assert_int_eq(count(page, "<span class=\"reason\">not run</span></td>"), 1);
	ck_assert_int_eq(count(page, "<td class=\"cell na\">"), 1);
	free(page);

	/* without a matrix, no matrix table */
	snprintf(text, sizeof(text), "%s}", SUMMARY);
	spill(sum, text);
	ck_assert_int_eq(html_index_write(sum, out, NULL), 0);
	page = slurp(out);
	ck_assert_ptr_null(strstr(page, "id=\"matrix\""));
	ck_assert_int_eq(count(page, "<tr class=\"scn "), 3);
	free(page);
}
END_TEST

START_TEST(test_index_errors)
{
	const char *sum = path_in("summary.json"), *out = path_in("index.html");
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ NULL, "cannot open '" },
		{ "", "not JSON" },
		{ "{\"scenarios\":[", "not JSON" },
		{ "[1]", "not a JSON object" },
		{ "{\"tool\":\"lockchaos\"}", "no \"scenarios\" array" },
		{ "{\"scenarios\":{}}", "no \"scenarios\" array" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		if (cases[i].text)
			spill(sum, cases[i].text);
		char *err = NULL;
		ck_assert_int_eq(html_index_write(sum, out, &err), -1);
		ck_assert_msg(err && strstr(err, cases[i].want), "case %zu: '%s'", i,
			      err ? err : "(null)");
		ck_assert(access(out, F_OK) != 0);
		free(err);
	}
}
END_TEST

/* html_escn against the character-at-a-time writer it replaced (kept
 * here as the spec): every byte alone and between text, UTF-8 of one to
 * four bytes, and every limit from 0 to past the end. */
static void esc_spec(FILE *f, const char *s, size_t max)
{
	size_t cps = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) != 0x80 && max && cps++ == max) {
			fputs("\xE2\x80\xA6", f);
			return;
		}
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F)
				fputs("\xEF\xBF\xBD", f);
			else
				fputc(*p, f);
		}
	}
}

static char *esc_with(void (*fn)(FILE *, const char *, size_t),
		      const char *s, size_t max)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fn(f, s, max);
	fclose(f);
	return buf;
}

START_TEST(test_escape_as_written_a_character_at_a_time)
{
	static const char *texts[] = {
		"plain text", "", "a&b<c>d\"e'f", "\t\ttab\nline\r",
		"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92 end",
		"<script>alert(\"x\")</script>", "\x7F\x01\x1F&&&",
		"\xE2\x82\xAC\xE2\x82\xAC<\xF0\x9F\x94\x92>",
	};
	char one[8];
	size_t i, max;
	int c;

	for (c = 1; c < 256; c++)
		for (i = 0; i < 3; i++) {
			char *a, *b;

			snprintf(one, sizeof(one), "%s%c%s", i & 1 ? "x" : "",
				 c, i & 2 ? "yz" : "");
			a = esc_with(html_escn, one, 0);
			b = esc_with(esc_spec, one, 0);
			ck_assert_msg(!strcmp(a, b), "byte %d (%zu): '%s' != '%s'",
				      c, i, a, b);
			free(a);
			a = html_esc_str(one);
			ck_assert_msg(!strcmp(a, b), "byte %d (%zu) as a string", c, i);
			free(a);
			free(b);
		}
	{
		/* longer than html_escn's block, quotes all along */
		static const char cycle[] = "ab\"<&\xC3\xA9 \"k\":";
		size_t n = 20000, k;
		char *big = malloc(n + 1);

		for (k = 0; k < n; k++)
			big[k] = cycle[k % (sizeof(cycle) - 1)];
		big[n] = '\0';
		for (max = 0; max < 20000; max += 4999) {
			char *a = esc_with(html_escn, big, max);
			char *b = esc_with(esc_spec, big, max);

			ck_assert_msg(!strcmp(a, b), "long text, max %zu", max);
			free(a);
			if (!max) { /* the same as a string */
				a = html_esc_str(big);
				ck_assert_msg(!strcmp(a, b), "long text as a string");
				free(a);
			}
			free(b);
		}
		free(big);
	}
	for (i = 0; i < sizeof(texts) / sizeof(*texts); i++)
		for (max = 0; max <= strlen(texts[i]) + 2; max++) {
			char *a = esc_with(html_escn, texts[i], max);
			char *b = esc_with(esc_spec, texts[i], max);

			ck_assert_msg(!strcmp(a, b), "text %zu, max %zu: '%s' != "
				      "'%s'", i, max, a, b);
			free(a);
			free(b);
		}
}
END_TEST

static Suite *html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("timeline");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_reclaim_passes);
	tcase_add_test(tc, test_stuck_fails_with_pinned_verdicts);
	tcase_add_test(tc, test_hostile_strings_are_escaped);
	tcase_add_test(tc, test_unfinished_history);
	tcase_add_test(tc, test_long_run_scales);
	tcase_add_test(tc, test_timeline_bounded);
	tcase_add_test(tc, test_timeline_errors);
	tcase_add_test(tc, test_escape_as_written_a_character_at_a_time);
	suite_add_tcase(s, tc);
	tc = tcase_create("index");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_index);
	tcase_add_test(tc, test_index_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(html_suite());
}
