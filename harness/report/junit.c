/*
 * report_junit.c - junit.xml: one testcase per scenario run, for CI
 * systems that draw test results from JUnit XML.
 */
#include "report/report.h"
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

static void junit_item(struct report_sink *sink, const struct report_run *rr,
		       const struct report_item *it)
{
	struct junit *j = sink->data;
	const struct run_result *r = it->res;
	char *file = xml_escape(it->s->file), *title = xml_escape(it->s->title);
	char *reason = xml_escape(r->reason ? r->reason : "");
	char *line, rep[24] = "";

	j->tests++;
	if (it->s->repeat > 1)
		snprintf(rep, sizeof(rep), " [%d]", it->iteration);
	line = xasprintf("  <testcase classname=\"%s\" name=\"%s%s\" "
			 "time=\"%.3f\">\n",
			 file, title, rep, (double)r->duration_ms / 1000);
	append(j, line);
	free(line);
	if (!strcmp(r->status, STATUS_NA) ||
	    !strcmp(r->status, STATUS_UNSUPPORTED) ||
	    !strcmp(r->status, STATUS_NOT_RUN)) {
		j->skipped++;
		line = xasprintf("    <skipped message=\"%s\"/>\n", reason);
		append(j, line);
		free(line);
	} else if (strcmp(r->status, STATUS_PASS)) {
		int i, n = jv_array_length(jv_copy(r->failures));
		int is_err = !strcmp(r->status, STATUS_ERROR);

		if (is_err)
			j->errors++;
		else
			j->failures++;
		line = xasprintf("    <%s message=\"%s\">", is_err ? "error"
								    : "failure",
				 reason);
		append(j, line);
		free(line);
		for (i = 0; i < n; i++) {
			jv f = jv_array_get(jv_copy(r->failures), i);
			jv s = jv_dump_string(f, 0);
			char *e = xml_escape(jv_string_value(s));

			append(j, e);
			append(j, "\n");
			free(e);
			jv_free(s);
		}
		line = xasprintf("seed %llu; history: %s/history.jsonl</%s>\n",
				 (unsigned long long)it->seed, it->dir,
				 is_err ? "error" : "failure");
		append(j, line);
		free(line);
	}
	append(j, "  </testcase>\n");
	free(file);
	free(title);
	free(reason);
}

static void junit_end(struct report_sink *sink, const struct report_run *rr,
		      const struct report_totals *t)
{
	struct junit *j = sink->data;
	char *path = xasprintf("%s/junit.xml", rr->report_dir);
	char *doc = xasprintf(
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites>\n<testsuite name=\"lockchaos%s%s\" tests=\"%d\" "
		"failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\" "
		"timestamp=\"%s\">\n%s</testsuite>\n</testsuites>\n",
		rr->impl ? " " : "", rr->impl ? rr->impl : "", j->tests,
		j->failures, j->errors, j->skipped,
		(double)t->duration_ms / 1000, rr->started,
		j->body ? j->body : "");

	if (write_file(path, doc, strlen(doc))) {
		fprintf(stderr, "lockchaos: cannot write '%s': %s\n", path,
			strerror(errno));
		sink->write_errors++;
	}
	free(doc);
	free(path);
	free(j->body);
	j->body = NULL;
}

struct report_sink *report_junit(void)
{
	struct report_sink *s = xcalloc(1, sizeof(*s));

	s->item = junit_item;
	s->end = junit_end;
	s->data = xcalloc(1, sizeof(struct junit));
	return s;
}
