/*
 * report_tap.c - TAP on stdout (for CI and `prove`), progress on stderr
 * (for the person at the terminal).
 *
 * On a failure TAP gets an annotated dump as `#` lines, as LLVM lit does:
 * the failed checks, the scenario with the lines they concern marked, the
 * history around the failing moment, and the tail of each holder's log.
 */
#include "report/report.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <jv.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AROUND_US 1500000 /* history shown either side of a failure */
#define LOG_TAIL 6	  /* holder log lines shown per holder */

struct tap {
	FILE *out;
};

static void tap_begin(struct report_sink *sink, const struct report_run *rr)
{
	struct tap *t = sink->data;

	fprintf(t->out, "TAP version 13\n");
	fprintf(t->out, "# lockchaos: seed %llu, holder: %s%s%s\n",
		(unsigned long long)rr->seed, rr->holder,
		rr->impl ? ", implementation " : "", rr->impl ? rr->impl : "");
	if (rr->replay)
		fprintf(t->out, "# replay: %s\n", rr->replay);
	if (rr->shard_n)
		fprintf(t->out, "# shard %d/%d: %d of %d scenario runs\n",
			rr->shard_k, rr->shard_n, rr->total, rr->runs_all);
	fprintf(t->out, "1..%d\n", rr->total);
	fflush(t->out);
}

static jv load_history(const struct report_run *rr,
		       const struct report_item *it)
{
	char *path = xasprintf("%s/%s/history.jsonl", rr->report_dir, it->dir);
	char *text = read_file(path, 64 << 20, NULL);
	jv arr = jv_array();
	char *line, *nl;

	free(path);
	if (!text)
		return arr;
	for (line = text; *line; line = nl + 1) {
		jv v;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		v = jv_parse(line);
		if (jv_get_kind(v) == JV_KIND_OBJECT)
			arr = jv_array_append(arr, v);
		else
			jv_free(v);
		if (!nl)
			break;
	}
	free(text);
	return arr;
}

static void dump_failure(FILE *out, const struct report_run *rr,
			 const struct report_item *it)
{
	const struct scenario *s = it->s;
	jv fails = jv_copy(it->res->failures), hist;
	int n = jv_array_length(jv_copy(fails)), i, k, lines_marked[64];
	int nm = 0;
	double at = -1;
	char buf[4096], proc[64];

	fprintf(out, "#   ---- what failed\n");
	for (i = 0; i < n; i++) {
		jv f = jv_array_get(jv_copy(fails), i);
		double t = jvx_num(f, "at", -1);
		int line = (int)jvx_num(f, "line", 0);

		fputs("#   [", out);
		fput_oneline(out, jvx_str(f, "checker", buf, 64), 64);
		fputs("] ", out);
		if (t >= 0)
			fprintf(out, "at %.3fs: ", US_TO_S(t));
		/* holder text in the message: one line whatever it holds */
		fput_oneline(out, jvx_str(f, "msg", buf, sizeof(buf)),
			     sizeof(buf));
		fputc('\n', out);
		if (at < 0 && t >= 0)
			at = t;
		if (line > 0 && nm < 64)
			lines_marked[nm++] = line;
		jv_free(f);
	}
	jv_free(fails);
	hist = load_history(rr, it);
	if (at < 0) { /* no time: show the last moments */
		int hn = jv_array_length(jv_copy(hist));

		for (i = hn - 1; i >= 0 && at < 0; i--) {
			jv ev = jv_array_get(jv_copy(hist), i);

			if (strcmp(jvx_str(ev, "type", buf, 32), "final") &&
			    strcmp(buf, "verdict"))
				at = jvx_num(ev, "t", -1);
			jv_free(ev);
		}
	}
	fprintf(out, "#   ---- %s\n", s->file);
	for (i = 0; i < s->nr_steps; i++) {
		const struct scn_step *st = &s->steps[i];
		int mark = 0;

		for (k = 0; k < nm; k++)
			mark |= lines_marked[k] == st->line;
		fprintf(out, "#   %s%4d| ", mark ? ">>" : "  ", st->line);
		fput_oneline(out, st->text, 1000);
		fputc('\n', out);
	}
	for (i = 0; i < s->nr_expects; i++) {
		int mark = 0;

		for (k = 0; k < nm; k++)
			mark |= lines_marked[k] == s->expects[i].line;
		fprintf(out, "#   %s%4d| ", mark ? ">>" : "  ",
			s->expects[i].line);
		fput_oneline(out, s->expects[i].text, 1000);
		fputc('\n', out);
	}
	fprintf(out, "#   ---- history around %.3fs (%s/%s/history.jsonl)\n",
		US_TO_S(at), rr->report_dir, it->dir);
	for (i = 0; i < jv_array_length(jv_copy(hist)); i++) {
		jv ev = jv_array_get(jv_copy(hist), i);
		double t = jvx_num(ev, "t", 0);

		jvx_str(ev, "type", buf, 32);
		if (strcmp(buf, "log") && strcmp(buf, "final") &&
		    strcmp(buf, "verdict") && strcmp(buf, "meta") &&
		    t >= at - AROUND_US && t <= at + AROUND_US) {
			jv d = jv_object_delete(jv_copy(ev), jv_string("t"));
			jv s2 = jv_dump_string(d, 0);

			fprintf(out, "#   %9.3fs ", US_TO_S(t));
			fput_oneline(out, jv_string_value(s2), 200);
			fputc('\n', out);
			jv_free(s2);
		}
		jv_free(ev);
	}
	for (k = 0; k < s->nr_holders; k++) {
		int count = 0, shown = 0;

		for (i = 0; i < jv_array_length(jv_copy(hist)); i++) {
			jv ev = jv_array_get(jv_copy(hist), i);

			if (!strcmp(jvx_str(ev, "type", buf, 32), "log") &&
			    !strcmp(jvx_str(ev, "process", proc, 64),
				    s->holders[k].name))
				count++;
			jv_free(ev);
		}
		if (!count)
			continue;
		fprintf(out, "#   ---- log of %s (last %d of %d)\n",
			s->holders[k].name, count < LOG_TAIL ? count : LOG_TAIL,
			count);
		for (i = 0; i < jv_array_length(jv_copy(hist)); i++) {
			jv ev = jv_array_get(jv_copy(hist), i);

			if (!strcmp(jvx_str(ev, "type", buf, 32), "log") &&
			    !strcmp(jvx_str(ev, "process", proc, 64),
				    s->holders[k].name) &&
			    shown++ >= count - LOG_TAIL) {
				char lvl[16];

				jvx_str(ev, "msg", buf, sizeof(buf));
				fprintf(out, "#   %9.3fs ",
					US_TO_S(jvx_num(ev, "t", 0)));
				fput_oneline(out, jvx_str(ev, "level", lvl,
							  sizeof(lvl)),
					     sizeof(lvl));
				fputc(' ', out);
				fput_oneline(out, buf, 300);
				fputc('\n', out);
			}
			jv_free(ev);
		}
	}
	if (it->res->scratch)
		fprintf(out, "#   ---- scratch folder kept: %s\n",
			it->res->scratch);
	fprintf(out, "#   ---- timeline: %s/%s/timeline.html\n",
		rr->report_dir, it->dir);
	jv_free(hist);
}

static void tap_item(struct report_sink *sink, const struct report_run *rr,
		     const struct report_item *it)
{
	struct tap *t = sink->data;
	const struct run_result *r = it->res;
	char rep[32] = "";

	if (it->s->repeat > 1)
		snprintf(rep, sizeof(rep), " [%d/%d]", it->iteration,
			 it->s->repeat);
	if (!strcmp(r->status, STATUS_PASS)) {
		fprintf(t->out, "ok %d - %s: %s%s (%.2fs)\n", it->index,
			it->s->file, it->s->title, rep,
			(double)r->duration_ms / 1000);
		/* a re-run, or a pass through a stall it says */
		if (r->reason && *r->reason) {
			fputs("#   ", t->out);
			fput_oneline(t->out, r->reason, 4096);
			fputc('\n', t->out);
		}
	} else if (!strcmp(r->status, STATUS_NA) ||
		   !strcmp(r->status, STATUS_UNSUPPORTED)) {
		/* the reason may quote the holder's hello ("na") */
		fprintf(t->out, "ok %d - %s: %s%s # SKIP %s: ", it->index,
			it->s->file, it->s->title, rep,
			!strcmp(r->status, STATUS_NA) ? "n/a"
						      : "unsupported here");
		fput_oneline(t->out, r->reason ? r->reason : "", 1000);
		fputc('\n', t->out);
	} else if (!strcmp(r->status, STATUS_NOT_RUN)) {
		/* Not a pass, not a finding: the run stopped first. */
		fprintf(t->out, "not ok %d - %s: %s%s # SKIP not run: %s\n",
			it->index, it->s->file, it->s->title, rep,
			r->reason ? r->reason : "interrupted");
	} else {
		fprintf(t->out, "not ok %d - %s: %s%s (%s)\n", it->index,
			it->s->file, it->s->title, rep, r->status);
		fputs("#   ", t->out);
		fput_oneline(t->out, r->reason ? r->reason : "", 4096);
		fputc('\n', t->out);
		fprintf(t->out, "#   seed %llu\n", (unsigned long long)it->seed);
		dump_failure(t->out, rr, it);
	}
	/* its times are on the scenario's clock (scenarios/README.md) */
	if (r->speed > 1)
		fprintf(t->out, "#   speed %d: the scenario's clock ran %d "
				"times as fast as real time\n",
			r->speed, r->speed);
	if (r->speed_note) {
		fputs("#   speed: ", t->out);
		fput_oneline(t->out, r->speed_note, 1000);
		fputc('\n', t->out);
	}
	fflush(t->out);
}

static void tap_end(struct report_sink *sink, const struct report_run *rr,
		    const struct report_totals *tot)
{
	struct tap *t = sink->data;

	fprintf(t->out, "# report: %s (%.1fs, %d jobs)\n", rr->report_dir,
		(double)tot->duration_ms / 1000, rr->jobs);
	if (tot->unsupported)
		fprintf(t->out, "# %d scenario(s) need what this machine "
				"cannot give (see SKIP lines)\n",
			tot->unsupported);
	if (tot->interrupted)
		fprintf(t->out, "# interrupted by %s: %d scenario run(s) not "
				"run\n",
			strsignal(tot->interrupted), tot->not_run);
	if (tot->not_run)
		fprintf(t->out, "%d passed, %d failed, %d skipped, %d not run\n",
			tot->passed, tot->failed, tot->skipped, tot->not_run);
	else if (tot->skipped)
		fprintf(t->out, "%d passed, %d failed, %d skipped\n",
			tot->passed, tot->failed, tot->skipped);
	else
		fprintf(t->out, "%d passed, %d failed\n", tot->passed,
			tot->failed);
	fflush(t->out);
}

struct report_sink *report_tap(FILE *out)
{
	struct report_sink *s = xcalloc(1, sizeof(*s));
	struct tap *t = xcalloc(1, sizeof(*t));

	t->out = out;
	s->begin = tap_begin;
	s->item = tap_item;
	s->end = tap_end;
	s->data = t;
	return s;
}

/* ---- progress ------------------------------------------------------------ */

struct progress {
	FILE *err;
	int tty;
	int done, failed;
};

static void progress_item(struct report_sink *sink,
			  const struct report_run *rr,
			  const struct report_item *it)
{
	struct progress *p = sink->data;
	const char *st = it->res->status;

	p->done++;
	if (strcmp(st, STATUS_PASS) && strcmp(st, STATUS_NA) &&
	    strcmp(st, STATUS_NOT_RUN))
		p->failed++;
	if (p->tty) {
		/* One live line, rewritten: scenario k of N, time, failures. */
		fprintf(p->err, "\r\033[K[%d/%d] %.1fs, %d failed: %s%s",
			p->done, rr->total,
			(double)(mono_us() - rr->start_us) / 1e6, p->failed,
			it->s->file, p->done == rr->total ? "\n" : "");
	} else {
		fprintf(p->err, "[%d/%d] %s %s (%.1fs)\n", p->done, rr->total,
			st, it->s->file, (double)it->res->duration_ms / 1000);
	}
	fflush(p->err);
}

struct report_sink *report_progress(FILE *err)
{
	struct report_sink *s = xcalloc(1, sizeof(*s));
	struct progress *p = xcalloc(1, sizeof(*p));

	p->err = err;
	p->tty = isatty(fileno(err));
	s->item = progress_item;
	s->data = p;
	return s;
}

void report_free(struct report_sink *sink)
{
	if (!sink)
		return;
	free(sink->data);
	free(sink);
}
