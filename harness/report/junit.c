/*
 * junit.c - junit.xml: one testcase per scenario run, for CI systems that
 * draw test results from JUnit XML. Written from summary.json's records
 * (junit_write), by the run's sink and by `lockchaos merge` alike.
 */
#include "report/report.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <errno.h>
#include <jv.h>
#include <stdlib.h>
#include <string.h>

struct junit {
	char *body;  /* the testcases, appended as they come */
	size_t len;
	int tests, failures, errors, skipped;
};

static void append(struct junit *j, const char *s)
{
	size_t n = strlen(s);

	j->body = xrealloc(j->body, j->len + n + 1);
	memcpy(j->body + j->len, s, n + 1);
	j->len += n;
}

/* XML-escapes `s` into a new string; control bytes, and bytes that are not
 * UTF-8 (XML 1.0 allows neither: one would void the whole file), become
 * '?'. */
static char *xml_escape(const char *s)
{
	size_t n = strlen(s), k;
	char *out = xmalloc(n * 6 + 1), *o = out;

	for (; *s; s += k ? k : 1, n -= k ? k : 1) {
		k = utf8_seq_len(s, n);
		if (k > 1) {
			memcpy(o, s, k);
			o += k;
			continue;
		}
		if (!k) {
			*o++ = '?';
			continue;
		}
		switch (*s) {
		case '<': o = stpcpy(o, "&lt;"); break;
		case '>': o = stpcpy(o, "&gt;"); break;
		case '&': o = stpcpy(o, "&amp;"); break;
		case '"': o = stpcpy(o, "&quot;"); break;
		case '\'': o = stpcpy(o, "&apos;"); break;
		default:
			*o++ = ((unsigned char)*s < 0x20 && *s != '\n' &&
				*s != '\t')
				       ? '?'
				       : *s;
		}
	}
	*o = '\0';
	return out;
}

/* The scenario's catalog folder: "seeds" for scenarios/seeds/x.scn, the
 * CI's group for its testcases; "scenarios" for a file with no folder. */
static char *catalog_folder(const char *file)
{
	const char *slash = strrchr(file, '/'), *p;

	if (!slash)
		return xstrdup("scenarios");
	for (p = slash; p > file && p[-1] != '/'; p--)
		;
	if (slash == p || (slash - p == 1 && *p == '.'))
		return xstrdup("scenarios");
	return xstrndup(p, (size_t)(slash - p));
}

/* The last LOG_TAIL log lines of each process of `dir`/history.jsonl, as
 * "--- log of A (last 6 of 9)" blocks (malloc'ed; "" when none). */
#define LOG_TAIL 6
static char *log_tails(const char *report_dir, const char *dir)
{
	char *path = xasprintf("%s/%s/history.jsonl", report_dir, dir);
	char *text = read_file(path, 64 << 20, NULL), *line, *nl;
	jv byproc = jv_object(), order = jv_array();
	struct junit out = { 0 };

	free(path);
	append(&out, "");
	for (line = text; line && *line; line = nl + 1) {
		jv ev, lines;
		const char *proc;
		char *l;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		ev = jv_parse(line);
		if (jv_get_kind(ev) != JV_KIND_OBJECT ||
		    !jvx_cstr(ev, "type") || strcmp(jvx_cstr(ev, "type"), "log") ||
		    !jvx_cstr(ev, "process")) {
			jv_free(ev);
			if (!nl)
				break;
			continue;
		}
		proc = jvx_cstr(ev, "process");
		lines = jv_object_get(jv_copy(byproc), jv_string(proc));
		if (jv_get_kind(lines) != JV_KIND_ARRAY) {
			jv_free(lines);
			lines = jv_array();
			order = jv_array_append(order, jv_string(proc));
		}
		l = xasprintf("%9.3fs %s %s", jvx_num(ev, "t", 0) / 1e6,
			      jvx_cstr(ev, "level") ? jvx_cstr(ev, "level") : "",
			      jvx_cstr(ev, "msg") ? jvx_cstr(ev, "msg") : "");
		lines = jv_array_append(lines, jv_string(l));
		free(l);
		byproc = jv_object_set(byproc, jv_string(proc), lines);
		jv_free(ev);
		if (!nl)
			break;
	}
	free(text);
	jv_array_foreach(order, i, name) {
		jv lines = jv_object_get(jv_copy(byproc), jv_copy(name));
		int n = jv_array_length(jv_copy(lines)), k;
		char *head = xasprintf("--- log of %s (last %d of %d)\n",
				       jv_string_value(name),
				       n < LOG_TAIL ? n : LOG_TAIL, n);

		append(&out, head);
		free(head);
		for (k = n < LOG_TAIL ? 0 : n - LOG_TAIL; k < n; k++) {
			jv l = jv_array_get(jv_copy(lines), k);

			append(&out, jv_string_value(l));
			append(&out, "\n");
			jv_free(l);
		}
		jv_free(lines);
		jv_free(name);
	}
	jv_free(order);
	jv_free(byproc);
	return out.body;
}

/* One testcase, from a summary.json scenario record. */
static void junit_case(struct junit *j, const char *report_dir, jv sc)
{
	const char *st = jvx_cstr(sc, "status") ? jvx_cstr(sc, "status") : "";
	const char *dir = jvx_cstr(sc, "dir");
	char *folder = catalog_folder(jvx_cstr(sc, "file") ? jvx_cstr(sc, "file")
							    : "");
	char *cls = xml_escape(folder);
	char *title = xml_escape(jvx_cstr(sc, "title") ? jvx_cstr(sc, "title")
						       : "?");
	char *file = xml_escape(jvx_cstr(sc, "file") ? jvx_cstr(sc, "file")
						     : "?");
	char *reason = xml_escape(jvx_cstr(sc, "reason") ? jvx_cstr(sc, "reason")
							 : "");
	char *seed = jvx_words(sc, "seed");
	char *line, rep[40] = "";
	double repeats = jvx_num(sc, "repeats", 1);
	struct junit text = { 0 };

	j->tests++;
	if (repeats > 1)
		snprintf(rep, sizeof(rep), " [%.0f/%.0f]",
			 jvx_num(sc, "repeat", 1), repeats);
	line = xasprintf("  <testcase classname=\"%s\" name=\"%s%s\" "
			 "file=\"%s\" time=\"%.3f\">\n",
			 cls, title, rep, file,
			 jvx_num(sc, "durationMs", 0) / 1000);
	append(j, line);
	free(line);
	if (!strcmp(st, STATUS_NA) || !strcmp(st, STATUS_UNSUPPORTED) ||
	    !strcmp(st, STATUS_NOT_RUN)) {
		j->skipped++;
		line = xasprintf("    <skipped message=\"%s\"/>\n", reason);
		append(j, line);
		free(line);
	} else if (strcmp(st, STATUS_PASS)) {
		int is_err = !strcmp(st, STATUS_ERROR);
		jv fl = jvx_get(sc, "failures");
		char *e;

		if (is_err)
			j->errors++;
		else
			j->failures++;
		/* In words, one verdict a line, as TAP says them. */
		append(&text, "");
		if (jv_get_kind(fl) == JV_KIND_ARRAY)
			jv_array_foreach(fl, i, f) {
				double at;
				char *l;

				if (jvx_has_num(f, "at", &at) && at >= 0)
					l = xasprintf("[%s] at %.3fs: %s\n",
						      jvx_cstr(f, "checker")
							      ? jvx_cstr(f, "checker")
							      : "verdict",
						      at / 1e6,
						      jvx_cstr(f, "msg")
							      ? jvx_cstr(f, "msg")
							      : "");
				else
					l = xasprintf("[%s] %s\n",
						      jvx_cstr(f, "checker")
							      ? jvx_cstr(f, "checker")
							      : "verdict",
						      jvx_cstr(f, "msg")
							      ? jvx_cstr(f, "msg")
							      : "");
				append(&text, l);
				free(l);
				jv_free(f);
			}
		jv_free(fl);
		if (!text.len && jvx_cstr(sc, "reason")) {
			append(&text, jvx_cstr(sc, "reason"));
			append(&text, "\n");
		}
		line = xasprintf("scenario: %s\nseed: %s\ntimeline: %s/"
				 "timeline.html\nhistory: %s/history.jsonl\n",
				 jvx_cstr(sc, "file") ? jvx_cstr(sc, "file")
						      : "?",
				 seed ? seed : "?", dir ? dir : "?",
				 dir ? dir : "?");
		append(&text, line);
		free(line);
		e = xml_escape(text.body);
		line = xasprintf("    <%s message=\"%s\" type=\"%s\">%s</%s>\n",
				 is_err ? "error" : "failure", reason,
				 is_err ? "error" : "lock-failure", e,
				 is_err ? "error" : "failure");
		append(j, line);
		free(line);
		free(e);
		free(text.body);
		/* What the holders said last, and where the picture is
		 * (GitLab shows [[ATTACHMENT|path]] as a link). */
		if (dir) {
			char *tails = log_tails(report_dir, dir);

			line = xasprintf("timeline: %s/timeline.html\n"
					 "[[ATTACHMENT|%s/timeline.html]]\n%s",
					 dir, dir, tails ? tails : "");
			e = xml_escape(line);
			free(line);
			line = xasprintf("    <system-out>%s</system-out>\n", e);
			append(j, line);
			free(line);
			free(e);
			free(tails);
		}
	}
	append(j, "  </testcase>\n");
	free(folder);
	free(cls);
	free(file);
	free(title);
	free(reason);
	free(seed);
}

int junit_write(const char *dir, jv summary)
{
	struct junit j = { 0 };
	jv scs = jvx_get(summary, "scenarios");
	const char *impl = jvx_cstr(summary, "impl");
	const char *started = jvx_cstr(summary, "started");
	char *path = xasprintf("%s/junit.xml", dir), *doc, *name;
	int rc = 0;

	if (jv_get_kind(scs) == JV_KIND_ARRAY)
		jv_array_foreach(scs, i, sc) {
			junit_case(&j, dir, sc);
			jv_free(sc);
		}
	jv_free(scs);
	name = xml_escape(impl ? impl : "");
	doc = xasprintf(
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites>\n<testsuite name=\"lockchaos%s%s\" tests=\"%d\" "
		"failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\" "
		"timestamp=\"%s\">\n%s</testsuite>\n</testsuites>\n",
		impl ? " " : "", name, j.tests, j.failures, j.errors,
		j.skipped, jvx_num(summary, "durationMs", 0) / 1000,
		started ? started : "", j.body ? j.body : "");
	if (write_file(path, doc, strlen(doc))) {
		fprintf(stderr, "lockchaos: cannot write '%s': %s\n", path,
			strerror(errno));
		rc = -1;
	}
	free(name);
	free(doc);
	free(path);
	free(j.body);
	return rc;
}

/* The sink: the same scenario records as summary.json, written at the end. */
struct junit_sink {
	jv scenarios;
};

static void junit_begin(struct report_sink *sink, const struct report_run *rr)
{
	struct junit_sink *js = sink->data;

	js->scenarios = jv_array();
}

static void junit_item(struct report_sink *sink, const struct report_run *rr,
		       const struct report_item *it)
{
	struct junit_sink *js = sink->data;

	js->scenarios = jv_array_append(js->scenarios, report_item_json(it));
}

static void junit_end(struct report_sink *sink, const struct report_run *rr,
		      const struct report_totals *t)
{
	struct junit_sink *js = sink->data;
	jv sum = report_summary_json(rr, t, js->scenarios);

	js->scenarios = jv_invalid();
	if (junit_write(rr->report_dir, sum))
		sink->write_errors++;
	jv_free(sum);
}

struct report_sink *report_junit(void)
{
	struct report_sink *s = xcalloc(1, sizeof(*s));
	struct junit_sink *js = xcalloc(1, sizeof(*js));

	js->scenarios = jv_invalid();
	s->begin = junit_begin;
	s->item = junit_item;
	s->end = junit_end;
	s->data = js;
	return s;
}
