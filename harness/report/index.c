/*
 * index.c - a report folder's index page (html_index_write, see html.h):
 * totals, what failed with one-line reasons, the matrix when the run had
 * one, and every scenario with its verdict and links to its timeline and
 * history. It reads only summary.json.
 */
#include "report/html.h"
#include "report/html_common.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jvx.h"
#include "lib/util.h"

/* Reads all of `path` and parses it as one JSON value. */
static int load_json(const char *path, jv *out, char **err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return html_fail(err, "cannot open '%s': %s", path, strerror(errno));
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 65536;
			buf = xrealloc(buf, cap);
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		free(buf);
		return html_fail(err, "cannot read '%s': %s", path, strerror(e));
	}
	fclose(f);
	if (len > INT32_MAX) {
		free(buf);
		return html_fail(err, "%s: too large", path);
	}
	jv v = jv_parse_sized(buf, (int)len);
	free(buf);
	if (!jv_is_valid(v)) {
		jv msg = jv_invalid_get_msg(v);
		int r = html_fail(err, "%s: not JSON: %s", path,
				  jv_get_kind(msg) == JV_KIND_STRING
				     ? jv_string_value(msg)
				     : "empty file");
		jv_free(msg);
		return r;
	}
	*out = v;
	return 0;
}

static void fmt_ms(FILE *f, double ms)
{
	if (ms < 1000)
		fprintf(f, "%.0f ms", ms);
	else if (ms < 600000)
		fprintf(f, "%.2f s", ms / 1000);
	else
		fprintf(f, "%.0f min %.0f s", floor(ms / 60000), fmod(ms, 60000) / 1000);
}

static const char *status_cls(const char *st)
{
	if (streq(st, "pass"))
		return "pass";
	if (streq(st, "fail"))
		return "fail";
	if (streq(st, "na"))
		return "na";
	return "error";
}

static const char *status_word(const char *st)
{
	if (streq(st, "pass"))
		return "pass";
	if (streq(st, "fail"))
		return "FAIL";
	if (streq(st, "na"))
		return "n/a";
	return "ERROR";
}

static void index_failures(FILE *f, jv sc)
{
	jv fl = jvx_get(sc, "failures");
	if (jv_get_kind(fl) == JV_KIND_ARRAY && jv_array_length(jv_copy(fl)) > 0) {
		fputs("<ul class=\"reason\">", f);
		jv_array_foreach(fl, i, x) {
			double at;
			fputs("<li><b>", f);
			html_esc(f, jvx_cstr(x, "checker") ? jvx_cstr(x, "checker") : "verdict");
			fputs("</b>", f);
			if (jvx_has_num(x, "at", &at))
				fprintf(f, " at %.3f s", at / 1e6);
			fputs(": ", f);
			html_esc(f, jvx_cstr(x, "msg"));
			fputs("</li>", f);
			jv_free(x);
		}
		fputs("</ul>", f);
	}
	jv_free(fl);
}

static void index_links(FILE *f, const char *dir)
{
	if (!dir)
		return;
	fputs("<a class=\"tl-link\" href=\"", f);
	html_urlesc(f, dir);
	fputs("/timeline.html\">timeline</a> \xC2\xB7 <a class=\"hist-link\" href=\"", f);
	html_urlesc(f, dir);
	fputs("/history.jsonl\">history</a>", f);
}

/* `sharded`: the report is one shard of a matrix split: a missing cell
 * is another shard's. */
static void index_matrix(FILE *f, jv mx, int sharded)
{
	jv impls = jvx_get(mx, "impls");
	jv rows = jvx_get(mx, "rows");
	if (jv_get_kind(impls) != JV_KIND_ARRAY || jv_get_kind(rows) != JV_KIND_ARRAY) {
		jv_free(impls);
		jv_free(rows);
		return;
	}
	fputs("<h2>Matrix: scenarios \xC3\x97 lock implementations</h2>\n"
	      "<table id=\"matrix\"><thead><tr><th>scenario</th>", f);
	jv_array_foreach(impls, i, im) {
		fputs("<th>", f);
		if (jv_get_kind(im) == JV_KIND_STRING)
			html_esc(f, jv_string_value(im));
		fputs("</th>", f);
		jv_free(im);
	}
	fputs("</tr></thead><tbody>\n", f);
	jv_array_foreach(rows, r, row) {
		const char *title_s = jvx_cstr(row, "title"), *file = jvx_cstr(row, "file");
		fputs("<tr><td>", f);
		html_esc(f, title_s ? title_s : file ? file : "?");
		if (file && title_s) {
			fputs("<div class=\"reason mono\">", f);
			html_esc(f, file);
			fputs("</div>", f);
		}
		fputs("</td>", f);
		jv cells = jvx_get(row, "cells");
		jv_array_foreach(impls, i, im) {
			jv cell = jv_get_kind(im) == JV_KIND_STRING ? jvx_get(cells, jv_string_value(im))
								    : jv_invalid();
			if (jv_get_kind(cell) != JV_KIND_OBJECT && sharded) {
				fputs("<td class=\"cell\" title=\"another shard's cell: "
				      "this report is one shard of a matrix split "
				      "(matrix --shard K/N); lockchaos merge joins "
				      "the shards\">\xE2\x80\x94 <span class=\"reason\">"
				      "other shard</span></td>", f);
			} else if (jv_get_kind(cell) != JV_KIND_OBJECT) {
				fputs("<td class=\"cell\" title=\"no result: this "
				      "implementation did not run this scenario "
				      "(not in its column's summary)\">\xE2\x80\x94 "
				      "<span class=\"reason\">not run</span></td>", f);
			} else {
				const char *st = jvx_cstr(cell, "status");
				const char *reason = jvx_cstr(cell, "reason");
				double rec;
				const char *dir = jvx_cstr(cell, "dir");
				fprintf(f, "<td class=\"cell %s\">", status_cls(st));
				if (dir) {
					fputs("<a href=\"", f);
					html_urlesc(f, dir);
					fputs("/timeline.html\">", f);
				}
				fprintf(f, "<span class=\"st %s\">%s</span>", status_cls(st),
					status_word(st));
				if (dir)
					fputs("</a>", f);
				if (reason && *reason) {
					fputc(' ', f);
					html_escn(f, reason, 160);
				}
				if (jvx_has_num(cell, "recoveryMs", &rec) && rec >= 0) {
					fputs("<div class=\"reason\">recovered in ", f);
					fmt_ms(f, rec);
					fputs("</div>", f);
				}
				fputs("</td>", f);
			}
			jv_free(cell);
			jv_free(im);
		}
		jv_free(cells);
		fputs("</tr>\n", f);
		jv_free(row);
	}
	fputs("</tbody></table>\n", f);
	jv_free(impls);
	jv_free(rows);
}

/* The words of the "tags" array of `o`, space-joined (malloc'ed). */
static char *tag_words(jv o)
{
	jv tags = jvx_get(o, "tags");
	char *out = xstrdup("");

	if (jv_get_kind(tags) == JV_KIND_ARRAY)
		jv_array_foreach(tags, i, t) {
			if (jv_get_kind(t) == JV_KIND_STRING) {
				char *n = xasprintf("%s%s%s", out, *out ? " " : "",
						    jv_string_value(t));

				free(out);
				out = n;
			}
			jv_free(t);
		}
	jv_free(tags);
	return out;
}

/* A scenario's implementation: its own "impl", the run's, else the
 * holder command's first word's base name. */
static char *impl_of(jv sum, jv sc)
{
	const char *i = jvx_cstr(sc, "impl") ? jvx_cstr(sc, "impl")
						: jvx_cstr(sum, "impl");
	char *cmd, *sp, *slash, *out;

	if (i)
		return xstrdup(i);
	cmd = jvx_words(sum, "holder");
	if (!cmd)
		return xstrdup("?");
	sp = strchr(cmd, ' ');
	if (sp)
		*sp = '\0';
	slash = strrchr(cmd, '/');
	out = xstrdup(slash ? slash + 1 : cmd);
	free(cmd);
	return out;
}

/* An <option> per distinct word of `words` (space-separated lists, one per
 * scenario), in first-seen order. */
static void put_options(FILE *f, char **words, int n)
{
	char **seen = NULL;
	int ns = 0, i, k;

	for (i = 0; i < n; i++) {
		char *copy = xstrdup(words[i]), *w, *save = NULL;

		for (w = strtok_r(copy, " ", &save); w;
		     w = strtok_r(NULL, " ", &save)) {
			for (k = 0; k < ns && strcmp(seen[k], w); k++)
				;
			if (k < ns)
				continue;
			seen = xrealloc(seen, ((size_t)ns + 1) * sizeof(*seen));
			seen[ns++] = xstrdup(w);
			fputs("<option>", f);
			html_esc(f, w);
			fputs("</option>", f);
		}
		free(copy);
	}
	for (k = 0; k < ns; k++)
		free(seen[k]);
	free(seen);
}

/* Filter and sort the scenario table in place: plain JS, no library; the
 * rows carry data-status, data-tags, data-impl, data-dur, data-title. */
static const char index_js[] =
	"(function(){var T=document.getElementById('scenarios');if(!T)return;"
	"var B=T.tBodies[0];function sel(id){var e=document.getElementById(id);"
	"return e?e.value:'';}"
	"function apply(){var v=sel('f-verdict'),g=sel('f-tag'),m=sel('f-impl'),"
	"n=0;[].forEach.call(B.rows,function(r){if(r.classList.contains('grp')){"
	"r.hidden=!!(v||g||m)||B.dataset.sorted==='1';return;}"
	"var ok=(!v||r.dataset.status===v)&&(!g||(' '+r.dataset.tags+' ')"
	".indexOf(' '+g+' ')>=0)&&(!m||r.dataset.impl===m);r.hidden=!ok;"
	"if(ok)n++;});var c=document.getElementById('f-count');"
	"if(c)c.textContent=n+' of '+B.querySelectorAll('tr.scn').length+"
	"' runs shown';}"
	"['f-verdict','f-tag','f-impl'].forEach(function(id){var e="
	"document.getElementById(id);if(e)e.addEventListener('change',apply);});"
	"var rank={fail:0,error:1,'not-run':2,na:3,unsupported:3,pass:4};"
	"[].forEach.call(T.tHead.querySelectorAll('th[data-sort]'),function(h){"
	"h.addEventListener('click',function(){var k=h.dataset.sort,d=h.dataset.dir"
	"==='1'?-1:1;h.dataset.dir=d===1?'1':'0';var rows=[].slice.call("
	"B.querySelectorAll('tr.scn'));rows.sort(function(a,b){var x,y;"
	"if(k==='status'){x=rank[a.dataset.status];y=rank[b.dataset.status];"
	"x=x===undefined?1:x;y=y===undefined?1:y;}else if(k==='dur'){"
	"x=+a.dataset.dur;y=+b.dataset.dur;}else{x=a.dataset[k]||'';"
	"y=b.dataset[k]||'';}return (x<y?-1:x>y?1:(+a.dataset.run)-(+b.dataset.run))"
	"*d;});rows.forEach(function(r){B.appendChild(r);});B.dataset.sorted='1';"
	"apply();});});apply();})();";

static void index_print(FILE *f, jv sum, jv scs)
{
	double d;
	int n = jv_array_length(jv_copy(scs));
	int count[4] = { 0 }; /* pass fail na error */
	jv_array_foreach(scs, i, sc) {
		const char *st = jvx_cstr(sc, "status");
		count[streq(st, "pass") ? 0 : streq(st, "fail") ? 1 : streq(st, "na") ? 2 : 3]++;
		jv_free(sc);
	}
	int bad = count[1] + count[3] > 0;
	html_page_open(f, bad ? "lockchaos: FAIL" : "lockchaos: pass");
	fprintf(f, "<header><div class=\"big %s\" id=\"verdict\">%s</div><div>"
		"<h1>lockchaos run</h1><div class=\"meta\">",
		bad ? "fail" : "pass", bad ? "FAIL" : "PASS");
	if (jvx_cstr(sum, "started")) {
		fputs("<span>started <b>", f);
		html_esc(f, jvx_cstr(sum, "started"));
		fputs("</b></span>", f);
	}
	char *seed = jvx_words(sum, "seed");
	if (seed) {
		fputs("<span>seed <b>", f);
		html_esc(f, seed);
		fputs("</b></span>", f);
		free(seed);
	}
	if (jvx_has_num(sum, "jobs", &d))
		fprintf(f, "<span>jobs <b>%.0f</b></span>", d);
	if (jvx_cstr(sum, "version")) {
		fputs("<span>lockchaos <b>", f);
		html_esc(f, jvx_cstr(sum, "version"));
		fputs("</b></span>", f);
	}
	char *cmd = jvx_words(sum, "holder");
	if (cmd) {
		fputs("<span>holder <b class=\"mono\">", f);
		html_escn(f, cmd, 100);
		fputs("</b></span>", f);
		free(cmd);
	}
	fputs("</div></div></header>\n<div class=\"totals\" id=\"totals\">", f);
	/* The summary's own totals win; counted ones fill in. */
	fprintf(f, "<div class=\"tot\">%d<small>scenarios</small></div>", n);
	fprintf(f, "<div class=\"tot\" style=\"color:var(--pass)\">%.0f<small>passed</small></div>",
		jvx_num(sum, "passed", count[0]));
	fprintf(f, "<div class=\"tot\" style=\"color:var(--fail)\">%.0f<small>failed</small></div>",
		jvx_num(sum, "failed", count[1]));
	fprintf(f, "<div class=\"tot\" style=\"color:var(--na)\">%.0f<small>skipped (n/a)</small></div>",
		jvx_num(sum, "skipped", count[2]));
	if (count[3])
		fprintf(f, "<div class=\"tot\" style=\"color:var(--na)\">%d<small>errors</small></div>",
			count[3]);
	if (jvx_has_num(sum, "durationMs", &d)) {
		fputs("<div class=\"tot\">", f);
		fmt_ms(f, d);
		fputs("<small>wall time</small></div>", f);
	}
	fputs("</div>\n", f);

	if (bad) {
		fputs("<h2>What failed</h2><ul class=\"failures\" id=\"failed-list\">", f);
		jv_array_foreach(scs, i, sc) {
			const char *st = jvx_cstr(sc, "status");
			if (streq(st, "fail") || !(streq(st, "pass") || streq(st, "na"))) {
				const char *title_s = jvx_cstr(sc, "title"), *file = jvx_cstr(sc, "file");
				fputs("<li><span class=\"chk\">", f);
				html_esc(f, title_s ? title_s : file ? file : "?");
				fputs("</span>: <span class=\"msg\">", f);
				html_esc(f, jvx_cstr(sc, "reason") ? jvx_cstr(sc, "reason") : status_word(st));
				fputs("</span> ", f);
				index_links(f, jvx_cstr(sc, "dir"));
				fputs("</li>", f);
			}
			jv_free(sc);
		}
		fputs("</ul>\n", f);
	}

	/* A matrix run is read by its matrix first. */
	jv mx = jvx_get(sum, "matrix");
	if (jv_get_kind(mx) == JV_KIND_OBJECT) {
		jv sh = jvx_get(sum, "shard");

		index_matrix(f, mx, jv_get_kind(sh) == JV_KIND_OBJECT);
		jv_free(sh);
	}
	jv_free(mx);

	{
		char **tw = xcalloc((size_t)n + 1, sizeof(*tw));
		char **iw = xcalloc((size_t)n + 1, sizeof(*iw));

		jv_array_foreach(scs, i, sc) {
			tw[i] = tag_words(sc);
			iw[i] = impl_of(sum, sc);
			jv_free(sc);
		}
		fputs("<h2>Scenarios</h2>\n<div class=\"filters\" id=\"filters\">"
		      "<label>verdict <select id=\"f-verdict\"><option value=\"\">"
		      "all</option><option value=\"fail\">FAIL</option>"
		      "<option value=\"error\">ERROR</option><option value=\"pass\">"
		      "pass</option><option value=\"na\">n/a</option>"
		      "<option value=\"not-run\">not run</option></select></label> "
		      "<label>tag <select id=\"f-tag\"><option value=\"\">all"
		      "</option>", f);
		put_options(f, tw, n);
		fputs("</select></label> <label>implementation <select id=\"f-impl\">"
		      "<option value=\"\">all</option>", f);
		put_options(f, iw, n);
		fputs("</select></label> <span id=\"f-count\" class=\"reason\">"
		      "</span> <span class=\"reason\">(click a column title to "
		      "sort)</span></div>\n", f);
		for (int i = 0; i < n; i++) {
			free(tw[i]);
			free(iw[i]);
		}
		free(tw);
		free(iw);
	}
	fputs("<style>.dim{color:#8a93a0}.filters{margin:.4em 0 .6em}"
	      ".filters select{margin-right:.8em}tr.grp td{background:#f3f5f8;"
	      "padding-top:.5em}th[data-sort]{cursor:pointer;text-decoration:"
	      "underline dotted}</style>\n", f);
	fputs("<table id=\"scenarios\"><thead><tr><th data-sort=\"status\">verdict</th>"
	      "<th data-sort=\"title\">scenario</th><th data-sort=\"tags\">tags</th>"
	      "<th class=\"num\" data-sort=\"dur\">duration</th>"
	      "<th class=\"num\" title=\"slowest contender's wait after its holder stopped being able to release\">recovery</th>"
	      "<th class=\"num\">seed</th><th>report</th></tr></thead><tbody>\n", f);
	const char *group_file = NULL;
	jv_array_foreach(scs, i, sc) {
		const char *st = jvx_cstr(sc, "status");
		const char *title_s = jvx_cstr(sc, "title"), *file = jvx_cstr(sc, "file");
		const char *reason = jvx_cstr(sc, "reason");
		/* A repeated scenario's runs under one line: k of N failed. */
		if (file && jvx_num(sc, "repeats", 1) > 1 &&
		    !streq(group_file, file)) {
			int runs = 0, bad_runs = 0;

			jv_array_foreach(scs, k, o) {
				if (k >= i && streq(jvx_cstr(o, "file"), file)) {
					runs++;
					bad_runs += streq(jvx_cstr(o, "status"), "fail") ||
						    streq(jvx_cstr(o, "status"), "error");
				}
				jv_free(o);
			}
			fprintf(f, "<tr class=\"grp %s\"><td colspan=\"7\"><b>",
				bad_runs ? "fail" : "pass");
			html_esc(f, title_s ? title_s : file);
			fprintf(f, "</b>: <span class=\"grpcount\">%d of %d failed</span>"
				" <span class=\"reason mono\">", bad_runs, runs);
			html_esc(f, file);
			fputs("</span></td></tr>\n", f);
		}
		group_file = file;
		char *tagw = tag_words(sc), *impl = impl_of(sum, sc);
		fprintf(f, "<tr class=\"scn %s\" data-status=\"", status_cls(st));
		html_esc(f, st ? st : "error");
		fputs("\" data-tags=\"", f);
		html_esc(f, tagw);
		fputs("\" data-impl=\"", f);
		html_esc(f, impl);
		fputs("\" data-title=\"", f);
		html_esc(f, title_s ? title_s : file ? file : "");
		fprintf(f, "\" data-dur=\"%.0f\" data-run=\"%d\">"
			"<td><span class=\"st %s\">%s</span></td><td>",
			jvx_num(sc, "durationMs", -1), i,
			status_cls(st), status_word(st));
		free(tagw);
		free(impl);
		html_esc(f, title_s ? title_s : file ? file : "?");
		if (jvx_has_num(sc, "repeat", &d) && d > 0)
			fprintf(f, " <span class=\"tag\">#%.0f</span>", d);
		if (file) {
			fputs("<div class=\"reason mono\">", f);
			html_esc(f, file);
			fputs("</div>", f);
		}
		if (reason && *reason) {
			fputs("<div class=\"reason\">", f);
			html_esc(f, reason);
			fputs("</div>", f);
		}
		index_failures(f, sc);
		fputs("</td><td>", f);
		html_put_tags(f, sc);
		fputs("</td><td class=\"num\">", f);
		if (jvx_has_num(sc, "durationMs", &d))
			fmt_ms(f, d);
		else
			fputs("<span class=\"dim\" title=\"no duration recorded: "
			      "the run did not start (interrupted, or refused "
			      "before its holders started)\">\xE2\x80\x94</span>", f);
		/* wall time; its history's times are on a clock this many
		 * times as fast */
		if (jvx_has_num(sc, "speed", &d) && d > 1)
			fprintf(f, "<br>speed %.0f", d);
		fputs("</td><td class=\"num\">", f);
		if (jvx_has_num(sc, "recoveryMs", &d) && d >= 0) /* -1: none */
			fmt_ms(f, d);
		else
			fputs("<span class=\"dim\" title=\"no recovery to measure: no "
			      "contender waited for a lock whose holder could no "
			      "longer release it\">none</span>", f);
		fputs("</td><td class=\"num mono\">", f);
		char *sseed = jvx_words(sc, "seed");
		if (sseed)
			html_esc(f, sseed);
		free(sseed);
		fputs("</td><td class=\"links\">", f);
		index_links(f, jvx_cstr(sc, "dir"));
		fputs("</td></tr>\n", f);
		jv_free(sc);
	}
	fputs("</tbody></table>\n", f);
	fprintf(f, "<script>%s</script>\n", index_js);

	html_page_close(f, 0);
}

int html_index_write(const char *summary_path, const char *out_path, char **err)
{
	jv sum;
	if (load_json(summary_path, &sum, err) < 0)
		return -1;
	if (jv_get_kind(sum) != JV_KIND_OBJECT) {
		jv_free(sum);
		return html_fail(err, "%s: not a JSON object", summary_path);
	}
	jv scs = jvx_get(sum, "scenarios");
	if (jv_get_kind(scs) != JV_KIND_ARRAY) {
		jv_free(scs);
		jv_free(sum);
		return html_fail(err, "%s: no \"scenarios\" array", summary_path);
	}
	char *tmp;
	int r = -1;
	FILE *f = html_page_create(out_path, &tmp, err);
	if (f) {
		index_print(f, sum, scs);
		r = html_page_commit(f, tmp, out_path, err);
	}
	jv_free(scs);
	jv_free(sum);
	return r;
}
