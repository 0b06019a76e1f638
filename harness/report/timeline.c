/*
 * timeline.c - one scenario's timeline page (html_timeline_write, see
 * html.h): the stages of timeline.h in order, and the page around the
 * drawing: a header (verdict, title, seed, holders, parameters, tags), the
 * failed verdicts as text, one sentence of what happened, the legend and
 * every raw event.
 */
#include "report/html.h"
#include "report/timeline.h"

#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "lib/jvx.h"
#include "lib/util.h"

/*
 * The run's verdict: the status the runner computed once (its `result`
 * event, the same as result.json, TAP, JUnit and the index), or, for a
 * history without one, whether any verdict failed. *cls gets the CSS class.
 */
static const char *verdict_word(const struct tl_model *m, const char **cls)
{
	static const struct {
		const char *status, *word, *cls;
	} words[] = {
		{ "pass", "PASS", "pass" },   { "fail", "FAIL", "fail" },
		{ "error", "ERROR", "error" }, { "na", "N/A", "na" },
		{ "unsupported", "UNSUPPORTED", "na" },
		{ "not-run", "NOT RUN", "na" },
	};
	size_t i;

	for (i = 0; m->status && i < sizeof(words) / sizeof(*words); i++)
		if (streq(m->status, words[i].status)) {
			*cls = words[i].cls;
			return words[i].word;
		}
	if (m->status) {
		*cls = "error";
		return "ERROR";
	}
	*cls = m->pins.n ? "fail" : "pass";
	return m->pins.n ? "FAIL" : "PASS";
}

static void header(FILE *f, struct tl_model *m, struct tl_history *h)
{
	jv meta = m->meta;
	const char *title_s = jvx_cstr(meta, "title");
	const char *file = jvx_cstr(meta, "file");
	const char *cls, *word = verdict_word(m, &cls);
	int failed = m->pins.n > 0;
	fprintf(f, "<header><div class=\"big %s\" id=\"verdict\">%s</div><div>",
		cls, word);
	fputs("<h1>", f);
	html_esc(f, title_s ? title_s : file ? file : "(untitled scenario)");
	fputs("</h1><div class=\"meta\">", f);
	if (file) {
		fputs("<span>file <b class=\"mono\">", f);
		html_esc(f, file);
		fputs("</b></span>", f);
	}
	double d;
	if (jvx_has_num(meta, "seed", &d) && h->seed[0] && strtod(h->seed, NULL) == d)
		fprintf(f, "<span>seed <b id=\"seed\">%s</b></span>", h->seed);
	else if (jvx_has_num(meta, "seed", &d))
		fprintf(f, "<span>seed <b id=\"seed\">%.0f</b></span>", d);
	else if (jvx_cstr(meta, "seed")) {
		fputs("<span>seed <b id=\"seed\">", f);
		html_esc(f, jvx_cstr(meta, "seed"));
		fputs("</b></span>", f);
	}
	if (jvx_has_num(meta, "repeat", &d))
		fprintf(f, "<span>repeat <b>%.0f</b></span>", d);
	/* implementations, once each: each holder against those shown (a
	 * few), not against every holder before it (1,024 holders of one
	 * implementation: half a million compares) */
	fputs("<span>holder <b id=\"impl\">", f);
	int n = 0;
	size_t *shown = xcalloc(m->procs.n + 1, sizeof(*shown));
	for (size_t i = 0; i < m->procs.n; i++) {
		struct tl_proc *p = &m->procs.v[i];
		if (!p->impl)
			continue;
		int seen = 0;
		for (int k = 0; k < n && !seen; k++) {
			const struct tl_proc *q = &m->procs.v[shown[k]];
			seen = streq(q->impl, p->impl) &&
			       (q->version == p->version ||
				streq(q->version, p->version)) &&
			       (q->bug == p->bug || streq(q->bug, p->bug));
		}
		if (seen)
			continue;
		shown[n] = i;
		if (n++)
			fputs(", ", f);
		html_esc(f, p->impl);
		if (p->version) {
			fputc(' ', f);
			html_esc(f, p->version);
		}
		if (p->bug) {
			fputs(" (bug ", f);
			html_esc(f, p->bug);
			fputc(')', f);
		}
	}
	free(shown);
	if (!n)
		fputs("unknown", f);
	fputs("</b></span>", f);
	char *cmd = jvx_words(meta, "holder");
	if (cmd) {
		fputs("<span>command <b class=\"mono\">", f);
		html_escn(f, cmd, 100);
		fputs("</b></span>", f);
		free(cmd);
	}
	fputs("</div><div class=\"meta\">", f);
	jv params = jvx_get(meta, "params");
	if (jv_get_kind(params) == JV_KIND_OBJECT) {
		jv_object_foreach(params, k, v) {
			char *vs = jvx_dump(v);
			fputs("<span>", f);
			html_esc(f, jv_string_value(k));
			fputs(" <b>", f);
			html_escn(f, vs, 40);
			fputs("</b></span>", f);
			free(vs);
			jv_free(k);
			jv_free(v);
		}
	}
	jv_free(params);
	html_put_tags(f, meta);
	fputs("</div></div></header>\n", f);

	if (failed) {
		fprintf(f, "<h2>%zu failed verdict%s</h2><ol class=\"failures\" id=\"failures\">",
			m->pins.n, m->pins.n == 1 ? "" : "s");
		for (size_t i = 0; i < m->pins.n; i++) {
			struct tl_pin *p = &m->pins.v[i];
			fputs("<li><span class=\"chk\">", f);
			html_esc(f, p->checker ? p->checker : "verdict");
			fprintf(f, "</span> at %.3f s", (double)p->at / 1e6);
			if (p->proc) {
				fputs(" (", f);
				html_esc(f, p->proc);
				fputc(')', f);
			}
			fputs(": <span class=\"msg\">", f);
			html_esc(f, p->msg ? p->msg : "failed");
			fputs("</span></li>", f);
		}
		fputs("</ol>\n", f);
	}
	/* One sentence of what happened, for someone who has not read the
	 * scenario. */
	fprintf(f, "<p class=\"story\">%zu holder%s, %zu lock session%s, %.3f s. ",
		m->procs.n, m->procs.n == 1 ? "" : "s", m->sessions.n,
		m->sessions.n == 1 ? "" : "s", (double)(m->t_end - m->t_min) / 1e6);
	size_t nmsg = m->nmsgs;
	if (nmsg) {
		fprintf(f, "Messages: %zu", nmsg);
		static const struct { enum glyph g; const char *w; } outs[] = {
			{ G_DELIVERED, "delivered" }, { G_REFUSED, "refused" },
			{ G_DROPPED, "DROPPED" }, { G_LOST, "lost" },
			{ G_DUP, "duplicated" }, { G_WRITTEN, "refused yet written" },
		};
		for (size_t i = 0; i < sizeof(outs) / sizeof(*outs); i++)
			if (m->nout[outs[i].g])
				fprintf(f, ", %d %s", m->nout[outs[i].g], outs[i].w);
		fputs(". ", f);
	}
	if (m->nfaults) {
		fprintf(f, "Faults: ");
		int k = 0;
		for (size_t i = 0; i < h->ev.n; i++) {
			struct tl_event *e = &h->ev.v[i];
			if (!streq(e->type, "fault"))
				continue;
			if (k++)
				fputs(", ", f);
			const char *tg = jvx_cstr(e->v, "target");
			html_escf(f, "%s %s at %.3f s", jvx_cstr(e->v, "fault") ? jvx_cstr(e->v, "fault") : "?",
				  tg ? tg : "", (double)e->t / 1e6);
		}
		fputs(".", f);
	} else
		fputs("No fault injected.", f);
	if (m->passed.n) {
		fputs(" Passed checkers: ", f);
		for (size_t i = 0; i < m->passed.n; i++) {
			if (i)
				fputs(", ", f);
			html_esc(f, m->passed.v[i]);
		}
		fputc('.', f);
	}
	fputs("</p>\n", f);
}

/*
 * What each checker named on the page judges, one line each from the table
 * of checkers (check/check.h), in its order: those that passed or failed
 * here. A name no row knows (a custom jq check) has no line.
 */
static void checker_legend(FILE *f, struct tl_model *m)
{
	int n = 0;
	for (int c = 0; c < CHECK__NR; c++) {
		const char *name = checker_name((enum checker)c);
		int seen = 0;
		for (size_t i = 0; i < m->passed.n && !seen; i++)
			seen = streq(m->passed.v[i], name);
		for (size_t i = 0; i < m->pins.n && !seen; i++)
			seen = streq(m->pins.v[i].checker, name);
		if (!seen)
			continue;
		fputs(n++ ? "<span><b>" : "<div class=\"legend\" id=\"checkers\"><span><b>", f);
		html_esc(f, name);
		fputs(":</b>", f);
		html_esc(f, checker_about((enum checker)c));
		fputs("</span>", f);
	}
	if (n)
		fputs("</div>\n", f);
}

/* Events listed in full at the foot of the page; the rest are linked. */
#define TL_MAX_LISTED 500

static void timeline_print(FILE *f, struct tl_model *m, struct tl_history *h,
			   struct tl_layout *L)
{
	const char *t = jvx_cstr(m->meta, "title");
	const char *cls;
	char *ptitle = xasprintf("%s %s", verdict_word(m, &cls),
				 t ? t : jvx_cstr(m->meta, "file") ? jvx_cstr(m->meta, "file") : "timeline");
	html_page_open(f, ptitle);
	free(ptitle);
	header(f, m, h);
	tl_zoom_controls(f);
	tl_draw_svg(f, m, h, L);
	tl_draw_legend(f, m);
	checker_legend(f, m);
	if (m->marks_cut || m->spans_cut)
		fprintf(f, "<p class=\"more\">Not drawn: %zu mark%s and %zu bar%s or deadline%s "
			"past the page's caps (%d each; failures and faults first). Every event "
			"is in <a href=\"history.jsonl\">history.jsonl</a>.</p>\n",
			m->marks_cut, m->marks_cut == 1 ? "" : "s", m->spans_cut,
			m->spans_cut == 1 ? "" : "s", m->spans_cut == 1 ? "" : "s", TL_MAX_MARKS);
	size_t listed = h->ev.n < TL_MAX_LISTED ? h->ev.n : TL_MAX_LISTED;
	if (listed < h->ev.n)
		fprintf(f, "<details><summary>The first %zu of %zu events</summary><pre id=\"events\">",
			listed, h->ev.n);
	else
		fprintf(f, "<details><summary>All %zu events</summary><pre id=\"events\">", h->ev.n);
	for (size_t i = 0; i < listed; i++) {
		html_esc(f, tl_event_raw(h, i));
		fputc('\n', f);
	}
	fputs("</pre>", f);
	if (listed < h->ev.n)
		fprintf(f, "<p class=\"more\">%zu more in <a href=\"history.jsonl\">history.jsonl</a>.</p>",
			h->ev.n - listed);
	fputs("</details>\n", f);
	fputs("<pre id=\"inspect\">Point at a bar or a mark to see the events behind it.</pre>\n", f);
	tl_zoom_script(f);
	html_page_close(f, 1);
}

static int timeline_of(struct tl_history *h, const char *out_path, char **err);

int html_timeline_write(const char *history_path, const char *out_path, char **err)
{
	struct tl_history h = { 0 };
	if (tl_history_load(&h, history_path, err) < 0)
		return -1;
	return timeline_of(&h, out_path, err);
}

int html_timeline_write_events(jv events, const char *history_path,
			       const char *out_path, char **err)
{
	struct tl_history h = { 0 };
	if (tl_history_from(&h, events, history_path, err) < 0)
		return -1;
	return timeline_of(&h, out_path, err);
}

/* Draws `h` (cleared here) to `out_path`. */
static int timeline_of(struct tl_history *h, const char *out_path, char **err)
{
	struct tl_model m = { 0 };
	struct tl_layout L = { 0 };
	tl_model_build(&m, h);
	tl_model_cap(&m, TL_MAX_MARKS, TL_MAX_SPANS);
	tl_layout_build(&m, &L);
	char *tmp;
	int r = -1;
	FILE *f = html_page_create(out_path, &tmp, err);
	if (f) {
		timeline_print(f, &m, h, &L);
		r = html_page_commit(f, tmp, out_path, err);
	}
	tl_layout_clear(&L);
	tl_model_clear(&m);
	tl_history_clear(h);
	return r;
}

