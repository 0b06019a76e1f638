/*
 * history.c - the history recorder: events as they happen, history.jsonl.
 *
 * Every event goes to the in-memory history (the checkers' input), to
 * history.jsonl as it happens (so a run that dies still leaves one: the
 * file is flushed whenever the pump waits, run_pump) and,
 * under -v, to stderr. At the end the history is sorted by the holders' own
 * timestamps and written again, whole, from the lines dumped as the events
 * came (r->lines).
 */
#include "run/run_internal.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int64_t run_now(struct run *r)
{
	int64_t d = mono_us() - r->t0;

	return r->speed > 1 ? d * r->speed : d;
}

void run_set_error(char **slot, const char *fmt, ...)
{
	va_list ap;

	if (*slot)
		return; /* the first error is the one worth reading */
	va_start(ap, fmt);
	*slot = xvasprintf(fmt, ap);
	va_end(ap);
}

static void verbose_line(struct run *r, jv ev)
{
	jv copy = jv_copy(ev);
	jv t = jv_object_get(jv_copy(ev), jv_string("t"));
	jv s;

	copy = jv_object_delete(copy, jv_string("t"));
	s = jv_dump_string(copy, 0);
	fprintf(stderr, "  %-28.28s %+9.3fs %s\n", r->s->file,
		jv_get_kind(t) == JV_KIND_NUMBER ? jv_number_value(t) / 1e6 : 0,
		jv_string_value(s));
	jv_free(s);
	jv_free(t);
}


/* Appends `ev` (consumed) to the history; stamps t if it has none. */
void history_record(struct run *r, jv ev)
{
	jv t = jv_object_get(jv_copy(ev), jvx_key("t"));

	if (jv_get_kind(t) != JV_KIND_NUMBER)
		ev = jv_object_set(ev, jvx_key("t"),
				   jv_number((double)run_now(r)));
	jv_free(t);
	if (r->o->verbose)
		verbose_line(r, ev);
	history_append(r, ev);
	if (r->hist_fp)
		/* flushed when the pump goes to sleep (run_pump), not here:
		 * a system call per event was a tenth of the worker's CPU
		 * at 10,000 messages */
		fprintf(r->hist_fp, "%s\n", r->lines.v[r->lines.n - 1]);
}

void history_record_dumped(struct run *r, jv ev, char *d)
{
	size_t n = strlen(d);
	jv t = jv_object_get(jv_copy(ev), jvx_key("t"));
	int64_t now;
	char *line, *num;

	if (jv_is_valid(t) || n <= 2 || d[0] != '{' || d[n - 1] != '}' ||
	    jv_get_kind(ev) != JV_KIND_OBJECT) {
		jv_free(t);
		free(d);
		history_record(r, ev);
		return;
	}
	jv_free(t);
	now = run_now(r);
	ev = jv_object_set(ev, jvx_key("t"), jv_number((double)now));
	num = jvx_dump(jv_number((double)now));
	line = xasprintf("%.*s,\"t\":%s}", (int)(n - 1), d, num);
	free(num);
	free(d);
	if (r->o->verbose)
		verbose_line(r, ev);
	ALLOC_GROW(r->lines.v, (size_t)r->lines.n + 1, r->lines.alloc);
	r->lines.v[r->lines.n++] = line;
	r->hist = jv_array_append(r->hist, ev);
	if (r->hist_fp)
		fprintf(r->hist_fp, "%s\n", line);
}

void history_append(struct run *r, jv ev)
{
	ALLOC_GROW(r->lines.v, (size_t)r->lines.n + 1, r->lines.alloc);
	r->lines.v[r->lines.n++] = jvx_dump(ev);
	r->hist = jv_array_append(r->hist, ev);
}

void history_lines_clear(struct history_lines *lines)
{
	int i;

	for (i = 0; i < lines->n; i++)
		free(lines->v[i]);
	free(lines->v);
	lines->v = NULL;
	lines->n = lines->alloc = 0;
}


/* Field names (and event types: a few dozen, all from the code) are
 * jvx_key's strings, made once; values are made anew. */
jv ev_new(const char *type, const char *process)
{
	jv ev = jv_object_set(jv_object(), jvx_key("type"), jvx_key(type));

	if (process)
		ev = jv_object_set(ev, jvx_key("process"), jv_string(process));
	return ev;
}

jv ev_str(jv ev, const char *k, const char *v)
{
	return v ? jv_object_set(ev, jvx_key(k), jv_string(v)) : ev;
}

/* Copies field `k` of `from` into `to` when it is there: a holder's hello
 * may leave optional fields out, and an invalid jv must never be stored. */
jv ev_copy_field(jv to, jv from, const char *k)
{
	jv v = jv_object_get(jv_copy(from), jvx_key(k));

	if (jv_is_valid(v))
		return jv_object_set(to, jvx_key(k), v);
	jv_free(v);
	return to;
}

jv ev_num(jv ev, const char *k, double v)
{
	return jv_object_set(ev, jvx_key(k), jv_number(v));
}

jv ev_op_fields(jv ev, const struct scn_step *st)
{
	ev = ev_str(ev, "op", op_name(st->op));
	ev = ev_str(ev, "session", st->session);
	ev = ev_str(ev, "lane", st->lane);
	ev = ev_str(ev, "msg", st->msg);
	ev = ev_str(ev, "label", st->label);
	return ev;
}


jv history_meta(struct run *r)
{
	const struct scenario *s = r->s;
	jv ev = ev_new("meta", "harness"), tags = jv_array(), params, argv;
	int i;

	for (i = 0; i < s->nr_tags; i++)
		tags = jv_array_append(tags, jv_string(s->tags[i]));
	argv = jv_array();
	for (i = 0; r->o->holder_argv[i]; i++)
		argv = jv_array_append(argv, jv_string(r->o->holder_argv[i]));
	params = ev_num(jv_object(), "maxHoldMs", (double)s->params.max_hold_ms);
	params = ev_num(params, "timeoutMs", (double)s->params.timeout_ms);
	params = ev_num(params, "pollMs", (double)s->params.poll_ms);
	params = ev_num(params, "graceMs", (double)s->params.grace_ms);
	params = ev_num(params, "slackMs", (double)s->params.slack_ms);
	ev = ev_num(ev, "t", 0);
	ev = ev_str(ev, "file", s->file);
	ev = ev_str(ev, "title", s->title);
	ev = jv_object_set(ev, jv_string("tags"), tags);
	ev = ev_num(ev, "seed", (double)(r->o->seed & ((1ULL << 53) - 1)));
	ev = jv_object_set(ev, jv_string("holder"), argv);
	ev = ev_num(ev, "repeat", r->o->iteration);
	ev = jv_object_set(ev, jv_string("pidns"), jv_bool(r->sb.pidns));
	ev = ev_num(ev, "speed", r->speed > 1 ? r->speed : 1);
	if (r->speed_note)
		ev = ev_str(ev, "speedNote", r->speed_note);
	return jv_object_set(ev, jv_string("params"), params);
}


struct tev {
	double t;
	int i;
};

static int tev_cmp(const void *a, const void *b)
{
	const struct tev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i - y->i; /* stable: arrival order breaks ties */
}

/* Holder events arrive through pipes a little late: sort by their own
 * timestamps, keeping `final` and verdicts last. */
jv history_sort(jv hist, struct history_lines *lines)
{
	int n = jv_array_length(jv_copy(hist)), i;
	struct tev *v = xcalloc((size_t)n + 1, sizeof(*v));
	jv out = jv_array();
	char type[16];

	for (i = 0; i < n; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);

		v[i].i = i;
		v[i].t = jvx_num(ev, "t", 0);
		jvx_str(ev, "type", type, sizeof(type));
		if (!strcmp(type, "meta"))
			v[i].t = -1e18;
		else if (!strcmp(type, "final") || !strcmp(type, "verdict"))
			v[i].t = 1e18 + i;
		jv_free(ev);
	}
	qsort(v, (size_t)n, sizeof(*v), tev_cmp);
	for (i = 0; i < n; i++)
		out = jv_array_append(out, jv_array_get(jv_copy(hist), v[i].i));
	if (lines && lines->n == n) {
		char **sorted = xcalloc((size_t)n + 1, sizeof(*sorted));

		for (i = 0; i < n; i++)
			sorted[i] = lines->v[v[i].i];
		memcpy(lines->v, sorted, (size_t)n * sizeof(*sorted));
		free(sorted);
	}
	free(v);
	jv_free(hist);
	return out;
}

int history_write(const char *path, jv arr, const struct history_lines *lines)
{
	/* Written over in place and then cut to its length, not opened with
	 * O_TRUNC: on ext4 a file truncated to nothing and written again is
	 * flushed at its close (auto_da_alloc), and the run's history.jsonl,
	 * written as the run went, is that file: its close took 0.06 to
	 * 2.0 ms of a 100-message run's end beside make soak's disk writer,
	 * before the verdict is out. */
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	int i, n = jv_array_length(jv_copy(arr)), rc = 0;
	off_t end;

	if (!fp) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* a line for each event, or none trusted */
	if (lines && lines->n != n)
		lines = NULL;
	for (i = 0; i < n; i++) {
		char *s;

		if (lines) {
			fputs(lines->v[i], fp);
			fputc('\n', fp);
			continue;
		}
		jv ev = jv_array_get(jv_copy(arr), i);

		s = jvx_dump(ev);
		fprintf(fp, "%s\n", s);
		free(s);
		jv_free(ev);
	}
	/* what is left of a longer file before is cut off */
	if (fflush(fp) || (end = ftello(fp)) < 0 || ftruncate(fd, end))
		rc = -1;
	return fclose(fp) || rc ? -1 : 0;
}

void run_fault_record(struct run *r, const struct scn_step *st, jv extra)
{
	jv ev = ev_str(ev_new("fault", "harness"), "fault", st->fault->name);

	ev = ev_str(ev, "target", st->holder);
	if (st->holder) {
		struct hstate *h = run_holder(r, st->holder);

		/* a pid in a namespace of its own is that namespace's */
		if (h && h->decl->ns)
			ev = ev_str(ev, "ns", h->decl->ns);
	}
	ev = ev_num(ev, "line", st->line);
	history_record(r, jv_object_merge(ev, extra));
}
