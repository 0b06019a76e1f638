/*
 * report_json.c - summary.json (the machine-readable record of a run, see
 * html.h for its fields) and, from it, the HTML index.
 */
#include "report/report.h"
#include "report/html.h"
#include "lib/util.h"

#include <errno.h>
#include <jv.h>
#include <stdlib.h>
#include <string.h>

struct summary {
	jv scenarios;
};

static void json_begin(struct report_sink *sink, const struct report_run *rr)
{
	struct summary *s = sink->data;

	s->scenarios = jv_array();
}

jv report_item_json(const struct report_item *it)
{
	jv o = jv_object(), tags = jv_array();
	int i;

	for (i = 0; i < it->s->nr_tags; i++)
		tags = jv_array_append(tags, jv_string(it->s->tags[i]));
	o = jv_object_set(o, jv_string("file"), jv_string(it->s->file));
	o = jv_object_set(o, jv_string("title"), jv_string(it->s->title));
	o = jv_object_set(o, jv_string("tags"), tags);
	o = jv_object_set(o, jv_string("status"), jv_string(it->res->status));
	o = jv_object_set(o, jv_string("reason"),
			  jv_string(it->res->reason ? it->res->reason : ""));
	o = jv_object_set(o, jv_string("durationMs"),
			  jv_number((double)it->res->duration_ms));
	o = jv_object_set(o, jv_string("recoveryMs"),
			  jv_number((double)it->res->recovery_ms));
	o = jv_object_set(o, jv_string("noiseP99Us"),
			  jv_number((double)it->res->noise_p99_us));
	o = jv_object_set(o, jv_string("noiseMaxUs"),
			  jv_number((double)it->res->noise_max_us));
	o = jv_object_set(o, jv_string("noiseIoMaxUs"),
			  jv_number((double)it->res->noise_io_max_us));
	o = jv_object_set(o, jv_string("speed"),
			  jv_number(it->res->speed > 1 ? it->res->speed : 1));
	o = jv_object_set(o, jv_string("reruns"),
			  jv_number((double)it->res->reruns));
	/* Seeds go out as strings: they are 64-bit, JSON numbers are not. */
	o = jv_object_set(o, jv_string("seed"),
			  jv_string_fmt("%llu", (unsigned long long)it->seed));
	o = jv_object_set(o, jv_string("dir"), jv_string(it->dir));
	o = jv_object_set(o, jv_string("repeat"), jv_number(it->iteration));
	o = jv_object_set(o, jv_string("repeats"), jv_number(it->s->repeat));
	/* Its place among all runs: `lockchaos merge` orders shards by it. */
	o = jv_object_set(o, jv_string("run"), jv_number(it->run));
	o = jv_object_set(o, jv_string("failures"),
			  jv_copy(it->res->failures));
	return o;
}

static void json_item(struct report_sink *sink, const struct report_run *rr,
		      const struct report_item *it)
{
	struct summary *s = sink->data;

	s->scenarios = jv_array_append(s->scenarios, report_item_json(it));
}

int summary_write(const char *dir, jv summary)
{
	char *path = xasprintf("%s/summary.json", dir);
	char *index = xasprintf("%s/index.html", dir);
	jv text = jv_dump_string(summary, JV_PRINT_PRETTY);
	char *err = NULL;
	int rc = write_file(path, jv_string_value(text),
			    strlen(jv_string_value(text)));

	jv_free(text);
	if (rc)
		fprintf(stderr, "lockchaos: cannot write '%s': %s\n", path,
			strerror(errno));
	else if (html_index_write(path, index, &err)) {
		fprintf(stderr, "lockchaos: %s\n", err);
		free(err);
		rc = -1;
	}
	free(path);
	free(index);
	return rc;
}

jv report_summary_json(const struct report_run *rr,
			const struct report_totals *t, jv scenarios)
{
	jv o = jv_object();

	o = jv_object_set(o, jv_string("tool"), jv_string("lockchaos"));
	o = jv_object_set(o, jv_string("version"), jv_string(LOCKCHAOS_VERSION));
	o = jv_object_set(o, jv_string("seed"),
			  jv_string_fmt("%llu", (unsigned long long)rr->seed));
	o = jv_object_set(o, jv_string("started"), jv_string(rr->started));
	o = jv_object_set(o, jv_string("holder"), jv_string(rr->holder));
	if (rr->replay)
		o = jv_object_set(o, jv_string("replay"), jv_string(rr->replay));
	if (rr->impl)
		o = jv_object_set(o, jv_string("impl"), jv_string(rr->impl));
	o = jv_object_set(o, jv_string("jobs"), jv_number(rr->jobs));
	if (rr->shard_n) {
		jv sh = jv_object();

		sh = jv_object_set(sh, jv_string("k"), jv_number(rr->shard_k));
		sh = jv_object_set(sh, jv_string("n"), jv_number(rr->shard_n));
		sh = jv_object_set(sh, jv_string("runs"),
				   jv_number(rr->runs_all));
		o = jv_object_set(o, jv_string("shard"), sh);
	}
	o = jv_object_set(o, jv_string("passed"), jv_number(t->passed));
	o = jv_object_set(o, jv_string("failed"), jv_number(t->failed));
	o = jv_object_set(o, jv_string("skipped"), jv_number(t->skipped));
	o = jv_object_set(o, jv_string("notRun"), jv_number(t->not_run));
	if (t->interrupted)
		o = jv_object_set(o, jv_string("interrupted"),
				  jv_string(sigabbrev_np(t->interrupted)));
	o = jv_object_set(o, jv_string("durationMs"),
			  jv_number((double)t->duration_ms));
	o = jv_object_set(o, jv_string("scenarios"), scenarios);
	return o;
}

static void json_end(struct report_sink *sink, const struct report_run *rr,
		     const struct report_totals *t)
{
	struct summary *s = sink->data;
	jv o = report_summary_json(rr, t, s->scenarios);

	s->scenarios = jv_invalid();
	if (summary_write(rr->report_dir, o))
		sink->write_errors++;
}

struct report_sink *report_json(void)
{
	struct report_sink *s = xcalloc(1, sizeof(*s));
	struct summary *d = xcalloc(1, sizeof(*d));

	d->scenarios = jv_invalid();
	s->begin = json_begin;
	s->item = json_item;
	s->end = json_end;
	s->data = d;
	return s;
}
