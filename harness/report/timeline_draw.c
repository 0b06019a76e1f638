/*
 * timeline_draw.c - the timeline as SVG (see timeline.h): how each kind of
 * span and mark looks (CSS classes, glyph shapes), and the legend that
 * explains them. Where things go was decided by the layout.
 */
#include "report/timeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faults/faults.h"
#include "lib/jvx.h"
#include "lib/util.h"

/* Per span kind: its CSS class (SVG_CSS below) and legend text. */
static const struct {
	const char *cls, *legend;
} span_info[SP__NR] = {
	[SP_LIFE] = { "life", "process alive" },
	[SP_WAIT] = { "wait", "waiting for the lock" },
	[SP_WAIT_FAIL] = { "waitfail", "waited, then refused / timed out" },
	[SP_WAIT_LOST] = { "waitlost", "waiting, never answered" },
	[SP_HOLD] = { "hold", "holding the lock" },
	[SP_HOLD_OVER] = { "over", "holding past its own maxHoldMs" },
	[SP_HOLD_LOST] = { "lost", "thinks it holds; lock taken over" },
	[SP_OWN] = { "own", "lock file owned by a live holder" },
	[SP_STALE] = { "stale", "lock file of a dead holder" },
	[SP_FROZEN] = { "frozen", "frozen (SIGSTOP)" },
	[SP_SPIN] = { "spin", "spinning: event loop blocked" },
};

/* Per glyph: the id of its shape (svg_defs below, as g-ID) and legend
 * text. */
static const struct {
	const char *id, *legend;
} glyph_info[G__NR] = {
	[G_NONE] = { NULL, NULL },
	[G_FAULT] = { "fault", "other fault" }, /* a fault no row knows */
	[G_DELIVERED] = { "delivered", "message delivered" },
	[G_REFUSED] = { "refused", "refused / failed (with error)" },
	[G_DROPPED] = { "dropped", "DROPPED: ok but not in transcript" },
	[G_LOST] = { "lostmsg", "lost: no answer" },
	[G_DUP] = { "dup", "written more than once" },
	[G_WRITTEN] = { "written", "refused but written anyway" },
	[G_APPENDED] = { "appended", "transcript line written" },
	[G_RECLAIM] = { "reclaim", "reclaimed someone else's lock" },
	[G_RELEASE_WHY] = { "relwhy", "released by watchdog / timeout" },
	[G_WARN] = { "warn", "WARN / ERROR log line" },
	[G_PROTO] = { "proto", "protocol error" },
	[G_EXIT] = { "exit", "process exited" },
	[G_DEATH] = { "death", "process died by signal" },
	[G_LEFT] = { "left", "lock file left at the end" },
};

/* A raw event in a tooltip, cut to this many bytes: the `final` state
 * holds every transcript, and each mark of the end would carry it whole. */
#define TIP_EVENT_MAX 400

/* An event's tooltip text is the same in every mark that shows it (a span
 * shows its two ends, and most events end one span and start the next):
 * it is dumped and escaped once, then copied (100 messages: 2.6 dumps an
 * event, 45% of the timeline's instructions), into a string (a memstream
 * each, 8 KiB zeroed, was 4.3M instructions of a 100-message timeline). */
static void tip_event(FILE *f, struct tl_history *h, int ev)
{
	if (ev < 0 || (size_t)ev >= h->ev.n)
		return;
	if (!h->ev.v[ev].tip) {
		char *s = xstrdup(tl_event_raw(h, (size_t)ev));

		if (strlen(s) > TIP_EVENT_MAX) {
			size_t n = TIP_EVENT_MAX;
			char *note, *a, *b;

			while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
				n--; /* not inside a UTF-8 character */
			s[n] = '\0';
			note = xasprintf("\xE2\x80\xA6 (%s event cut; whole in "
					 "history.jsonl, line %d)",
					 h->ev.v[ev].type ? h->ev.v[ev].type
							  : "an",
					 ev + 1);
			a = html_esc_str(s);
			b = html_esc_str(note);
			h->ev.v[ev].tip = xasprintf("%s%s", a, b);
			free(a);
			free(b);
			free(note);
		} else {
			h->ev.v[ev].tip = html_esc_str(s);
		}
		free(s);
	}
	fputc('\n', f);
	fputs(h->ev.v[ev].tip, f);
}

/* <title>: a line of plain words, then the raw events behind the mark. */
static void title(FILE *f, struct tl_history *h, const char *tip, int ev0, int ev1)
{
	fputs("<title>", f);
	html_esc(f, tip);
	tip_event(f, h, ev0);
	if (ev1 != ev0)
		tip_event(f, h, ev1);
	fputs("</title>", f);
}

static void svg_defs(FILE *f)
{
	fputs("<defs>\n"
	      "<pattern id=\"hatch-lost\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	      "<rect width=\"6\" height=\"6\" fill=\"#cfe8cf\"/><rect width=\"3\" height=\"6\" fill=\"#8fbf8f\"/></pattern>\n"
	      "<pattern id=\"hatch-stale\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	      "<rect width=\"6\" height=\"6\" fill=\"#f3c7c7\"/><rect width=\"3\" height=\"6\" fill=\"#b42318\"/></pattern>\n"
	      "<pattern id=\"hatch-waitlost\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	      "<rect width=\"6\" height=\"6\" fill=\"#e5e7eb\"/><rect width=\"3\" height=\"6\" fill=\"#9ca3af\"/></pattern>\n"
	      "<pattern id=\"hatch-spin\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	      "<rect width=\"8\" height=\"8\" fill=\"#fff4e5\"/><rect width=\"2\" height=\"8\" fill=\"#fbd38d\"/></pattern>\n",
	      f);
	/* glyphs, centred on 0,0, about 14 px: the faults' from their rows,
	 * in the table's order, then the one for a fault no row knows */
	for (int i = 0; fault_table[i]; i++)
		if (fault_table[i]->glyph && fault_table[i]->svg)
			fprintf(f, "<g id=\"g-%s\">%s</g>\n", fault_table[i]->glyph,
				fault_table[i]->svg);
	fputs("<g id=\"g-fault\"><path d=\"M0-8L2.4-2.4L8-2.4L3.6 1.2L5.2 7L0 3.6L-5.2 7L-3.6 1.2L-8-2.4L-2.4-2.4Z\" fill=\"#6b21a8\"/></g>\n"
	      "<g id=\"g-delivered\"><circle r=\"6\" fill=\"#1a7f37\"/><path d=\"M-3 0L-1 2.5L3.2-2.5\" stroke=\"#fff\" stroke-width=\"1.8\" fill=\"none\"/></g>\n"
	      "<g id=\"g-refused\"><circle r=\"6.5\" fill=\"#fff\" stroke=\"#cf222e\" stroke-width=\"2.4\"/><path d=\"M-4.3 4.3L4.3-4.3\" stroke=\"#cf222e\" stroke-width=\"2.4\"/></g>\n"
	      "<g id=\"g-dropped\"><path d=\"M0-9L9 7H-9Z\" fill=\"#c026d3\"/><path d=\"M0-3.5V2\" stroke=\"#fff\" stroke-width=\"2\"/><circle cy=\"4.5\" r=\"1.2\" fill=\"#fff\"/></g>\n"
	      "<g id=\"g-lostmsg\"><circle r=\"6.5\" fill=\"#fff\" stroke=\"#6b7280\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/><text y=\"3.8\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"700\" fill=\"#374151\">?</text></g>\n"
	      "<g id=\"g-dup\"><rect x=\"-6.5\" y=\"-6.5\" width=\"13\" height=\"13\" fill=\"#ea580c\"/><text y=\"4\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"700\" fill=\"#fff\">2</text></g>\n"
	      "<g id=\"g-written\"><circle r=\"6.5\" fill=\"#c026d3\"/><path d=\"M-4.3 4.3L4.3-4.3\" stroke=\"#fff\" stroke-width=\"2.2\"/></g>\n"
	      "<g id=\"g-appended\"><path d=\"M0-6V6\" stroke=\"#14532d\" stroke-width=\"2\"/></g>\n"
	      "<g id=\"g-reclaim\"><path d=\"M-6-8H6L0 0Z\" fill=\"#0e7490\"/></g>\n"
	      "<g id=\"g-relwhy\"><path d=\"M-6 8H6L0 0Z\" fill=\"#a16207\"/></g>\n"
	      "<g id=\"g-warn\"><path d=\"M0-5.5L5.5 4.5H-5.5Z\" fill=\"#facc15\" stroke=\"#854d0e\" stroke-width=\"1\"/></g>\n"
	      "<g id=\"g-proto\"><rect x=\"-5\" y=\"-5\" width=\"10\" height=\"10\" fill=\"#6b7280\"/></g>\n"
	      "<g id=\"g-exit\"><path d=\"M0-8V8\" stroke=\"#111827\" stroke-width=\"2.5\"/></g>\n"
	      "<g id=\"g-death\"><path d=\"M0-9V9M-5-3.5H5\" stroke=\"#111827\" stroke-width=\"3\"/></g>\n"
	      "<g id=\"g-left\"><rect x=\"-6\" y=\"-6\" width=\"12\" height=\"12\" fill=\"none\" stroke=\"#b42318\" stroke-width=\"2.5\"/></g>\n"
	      "</defs>\n",
	      f);
}

static const char SVG_CSS[] =
	".life{stroke:#c3c9d2;stroke-width:2}\n"
	".wait{fill:#f5b82e}.waitfail{fill:#d92d20}.waitlost{fill:url(#hatch-waitlost);stroke:#9ca3af}\n"
	".hold{fill:#2f9e44}.over{fill:#f76707}.lost{fill:url(#hatch-lost);stroke:#8fbf8f}\n"
	".own{fill:#cbd2dc}.stale{fill:url(#hatch-stale);stroke:#b42318}\n"
	".frozen{fill:#3b82f6;fill-opacity:.13;stroke:#3b82f6;stroke-opacity:.5;stroke-dasharray:4 3}\n"
	".spin{fill:url(#hatch-spin);fill-opacity:.75;stroke:#f59f00;stroke-opacity:.7}\n"
	".bl{font-size:11px;fill:#fff;font-weight:600;pointer-events:none}\n"
	".bl.dark{fill:#1f2937}\n"
	".lbl{font-size:11.5px;fill:#1f2937}\n"
	".lbl.hi{font-weight:700}.lbl.bad{fill:#b42318;font-weight:700}\n"
	".lbl.low{fill:#4b5563}\n"
	".band{font-size:11px;font-style:italic;fill:#7c2d12}\n"
	".rowname{font-size:14px;font-weight:700;fill:#111827}\n"
	".rowsub{font-size:11px;fill:#6b7280}\n"
	".tick{font-size:11px;fill:#6b7280}\n"
	".grid{stroke:#eef0f3}\n"
	".dl{stroke:#6b7280;stroke-width:1.3;stroke-dasharray:5 4;fill:none}\n"
	".dl.hot{stroke:#b42318;stroke-width:2}\n"
	".dl.quiet{stroke:#9ca3af;stroke-width:1;stroke-dasharray:3 3}\n"
	".dlt{font-size:11px;fill:#b42318;font-weight:700}\n"
	".pinline{stroke:#cf222e;stroke-width:2}\n"
	".pinbox{fill:#fff1f0;stroke:#cf222e;stroke-width:1.5}\n"
	".pintext{font-size:12px;fill:#82071e}\n"
	".pintext b{font-weight:700}\n";

static void draw_axis(FILE *f, struct tl_layout *L, double y, int labels_above)
{
	double span_s = (double)(L->t1 - L->t0) / 1e6;
	/* a 1-2-5 ladder: at most 12 ticks */
	static const double mult[] = { 1, 2, 5 };
	double base = pow(10, floor(log10(span_s)) - 1), step = base;
	for (int k = 1; span_s / step > 12; k++)
		step = base * pow(10, k / 3) * mult[k % 3];
	int dec = 0;
	while (dec < 6 && fabs(step * pow(10, dec) - round(step * pow(10, dec))) > 1e-9)
		dec++;
	double start = ceil((double)L->t0 / 1e6 / step) * step;
	/* the ticks are redrawn by the page's zoom (timeline_zoom.c) */
	fprintf(f, "<g class=\"axis\" data-y=\"%.1f\" data-above=\"%d\" "
		"data-g0=\"%.1f\" data-g1=\"%.1f\">\n",
		y, labels_above, L->rows_y0 - 4, L->rows_y1);
	for (double s = start; s <= (double)L->t1 / 1e6 + 1e-9; s += step) {
		double x = tl_x(L, (int64_t)llround(s * 1e6));
		if (!labels_above)
			fprintf(f, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
				x, x, L->rows_y0 - 4, L->rows_y1);
		fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.*f s</text>\n",
			x, labels_above ? y - 6 : y + 14, dec, s);
	}
	fputs("</g>\n", f);
	fprintf(f, "<line stroke=\"#9ca3af\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
		PLOT_X0, PLOT_X1, y, y);
}

static void draw_rows(FILE *f, struct tl_model *m, struct tl_layout *L)
{
	/* backgrounds, alternating per holder */
	for (size_t i = 0; i < m->rows.n; i++) {
		struct tl_row *r = &m->rows.v[i];
		const char *fill = r->kind == ROW_SESSION ? "#f8fafc" :
				   r->kind == ROW_STARTED ? "#fbfaf4" :
				   (r->pi % 2 ? "#fbfbfd" : "#ffffff");
		fprintf(f, "<rect x=\"0\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"%s\"/>\n",
			r->y, SVG_W, r->h, fill);
		int first = r->kind == ROW_LANE && m->procs.v[r->pi].row0 == (int)i;
		if (first || (r->kind == ROW_SESSION && i == 0) ||
		    r->kind == ROW_STARTED)
			fprintf(f, "<line stroke=\"#d8dde5\" x1=\"0\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
				SVG_W, r->y, r->y);
	}
	fprintf(f, "<line stroke=\"#d8dde5\" x1=\"0\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
		SVG_W, L->rows_y1, L->rows_y1);
}

static void draw_row_labels(FILE *f, struct tl_model *m)
{
	for (size_t i = 0; i < m->rows.n; i++) {
		struct tl_row *r = &m->rows.v[i];
		if (r->kind == ROW_SESSION) {
			fprintf(f, "<g class=\"rowlabel session\" data-session=\"");
			html_esc(f, r->session);
			fprintf(f, "\"><text class=\"rowsub\" x=\"12\" y=\"%.1f\">lock file</text>"
				"<text class=\"rowname\" x=\"70\" y=\"%.1f\">",
				r->y + r->h / 2 + 4, r->y + r->h / 2 + 5);
			html_escn(f, r->session, 14);
			fputs("</text></g>\n", f);
			continue;
		}
		if (r->kind == ROW_STARTED) {
			fprintf(f, "<g class=\"rowlabel started\"><text class=\"rowname\" "
				"x=\"12\" y=\"%.1f\">harness</text><text class=\"rowsub\" "
				"x=\"12\" y=\"%.1f\">processes it started</text></g>\n",
				r->y + 20, r->y + 36);
			continue;
		}
		struct tl_proc *p = &m->procs.v[r->pi];
		int first = p->row0 == (int)i;
		fputs("<g class=\"rowlabel lane\" data-holder=\"", f);
		html_esc(f, p->name);
		fputs("\" data-lane=\"", f);
		html_esc(f, r->lane);
		fputs("\">", f);
		if (first) {
			fprintf(f, "<text class=\"rowname\" x=\"12\" y=\"%.1f\">", r->y + 20);
			html_escn(f, p->name, 16);
			fputs("</text>", f);
			char sub[96] = "";
			/* a pid in a container is that container's: say which */
			if (p->pid >= 0 && p->ns)
				snprintf(sub, sizeof(sub), "pid %.0f in %.16s",
					 p->pid, p->ns);
			else if (p->pid >= 0)
				snprintf(sub, sizeof(sub), "pid %.0f", p->pid);
			fprintf(f, "<text class=\"rowsub\" x=\"12\" y=\"%.1f\">%s", r->y + 36, sub);
			if (p->nrows > 1 || strcmp(r->lane, "main") != 0) {
				fputs(sub[0] ? " \xC2\xB7 lane " : "lane ", f);
				html_escn(f, r->lane, 14);
			}
			fputs("</text>", f);
			if (p->impl) {
				fprintf(f, "<text class=\"rowsub\" x=\"12\" y=\"%.1f\">", r->y + 50);
				html_escn(f, p->impl, 14);
				if (p->bug) {
					fputs(" bug:", f);
					html_escn(f, p->bug, 10);
				}
				fputs("</text>", f);
			}
		} else {
			fprintf(f, "<text class=\"rowsub\" x=\"24\" y=\"%.1f\">lane ", r->y + 30);
			html_escn(f, r->lane, 18);
			fputs("</text>", f);
		}
		fputs("</g>\n", f);
	}
}

static void draw_spans(FILE *f, struct tl_model *m, struct tl_history *h,
		       struct tl_layout *L, int bands)
{
	for (size_t i = 0; i < m->spans.n; i++) {
		struct tl_span *s = &m->spans.v[i];
		int is_band = s->kind == SP_FROZEN || s->kind == SP_SPIN;
		if (is_band != bands || s->kind == SP_LIFE)
			continue;
		double x0 = s->x0, x1 = s->x1, y = s->y, hh = s->h;
		fprintf(f, "<rect class=\"ev bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"2\"",
			span_info[s->kind].cls, x0, y, x1 - x0, hh);
		/* a bar widened to be seen: its true end, for the zoom */
		if (tl_x(L, s->t1) < x1 - 0.05)
			fprintf(f, " data-x1=\"%.2f\"", tl_x(L, s->t1));
		fputc('>', f);
		char a[32], b[32];
		html_fmt_s(a, sizeof(a), s->t0);
		html_fmt_s(b, sizeof(b), s->t1);
		char *tip = xasprintf("%s\n%s \xE2\x86\x92 %s", s->tip ? s->tip : "", a, b);
		title(f, h, tip, s->ev0, s->ev1);
		free(tip);
		fputs("</rect>\n", f);
		if (!s->label || !s->label_ok)
			continue;
		if (is_band) {
			fprintf(f, "<text class=\"band\" x=\"%.1f\" y=\"%.1f\" data-ax=\"%.1f\">",
				x0 + 5, y + hh - 5, x0);
		} else {
			int dark = s->kind == SP_WAIT || s->kind == SP_OWN ||
				   s->kind == SP_HOLD_LOST || s->kind == SP_WAIT_LOST ||
				   s->kind == SP_STALE;
			/* a failed wait says why at its end, next to the
			 * refusal; the start is where verdicts point */
			int at_end = s->kind == SP_WAIT_FAIL || s->kind == SP_WAIT_LOST;
			fprintf(f, "<text class=\"bl%s\" x=\"%.1f\" y=\"%.1f\" data-ax=\"%.1f\"%s>",
				dark ? " dark" : "", at_end ? x1 - 16 : x0 + 5, y + hh / 2 + 4,
				at_end ? x1 : x0, at_end ? " text-anchor=\"end\"" : "");
		}
		html_esc(f, s->label);
		fputs("</text>\n", f);
	}
}

static void draw_life(FILE *f, struct tl_model *m, struct tl_history *h)
{
	for (size_t i = 0; i < m->spans.n; i++) {
		struct tl_span *s = &m->spans.v[i];
		if (s->kind != SP_LIFE)
			continue;
		for (int k = 0; k < s->nrows; k++) {
			struct tl_row *r = &m->rows.v[s->row + k];
			double y = r->y + 27;
			fprintf(f, "<line class=\"ev life\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\">",
				s->x0, s->x1, y, y);
			title(f, h, s->tip, s->ev0, s->ev1);
			fputs("</line>\n", f);
		}
	}
}

static void draw_deadlines(FILE *f, struct tl_model *m, struct tl_history *h,
			   struct tl_layout *L)
{
	for (size_t i = 0; i < m->deadlines.n; i++) {
		struct tl_deadline *d = &m->deadlines.v[i];
		struct tl_row *r = &m->rows.v[d->row];
		double x0 = tl_x(L, d->t0);
		int clipped = d->t1 > L->t1;
		double x1 = tl_x(L, d->t1);
		double yb = r->y + 16; /* the bracket runs just above the bar */
		char *tip = xasprintf("%s's own maxHoldMs for %s: %lld ms, until %.3f s%s",
				      d->proc, d->session, (long long)d->ms,
				      (double)d->t1 / 1e6,
				      d->hot ? " (it still held the lock then)" : "");
		fprintf(f, "<g class=\"ev deadline%s\" data-holder=\"", d->hot ? " hot" : "");
		html_esc(f, d->proc);
		fputs("\">", f);
		title(f, h, tip, d->ev, d->ev);
		free(tip);
		if (d->hot) {
			fprintf(f, "<path class=\"dl hot\" d=\"M%.1f %.1fH%.1f\"/>", x0, yb, x1);
			if (!clipped)
				fprintf(f, "<path class=\"dl hot\" d=\"M%.1f %.1fV%.1f\"/>",
					x1, L->rows_y0 - 4, L->rows_y1);
		} else if (d->quiet) {
			if (!clipped)
				fprintf(f, "<path class=\"dl quiet\" d=\"M%.1f %.1fV%.1f\"/>",
					x1, r->y + 16, r->y + 38);
		} else {
			fprintf(f, "<path class=\"dl\" d=\"M%.1f %.1fH%.1f\"/>", x0, yb, x1);
			if (!clipped)
				fprintf(f, "<path class=\"dl\" d=\"M%.1f %.1fV%.1f\"/>",
					x1, r->y + 8, r->y + r->h - 8);
		}
		if (clipped && !d->quiet)
			fprintf(f, "<path d=\"M%.1f %.1fl-7-4v8Z\" fill=\"%s\"/>",
				x1, yb, d->hot ? "#b42318" : "#6b7280");
		fputs("</g>\n", f);
	}
}

static void draw_marks(FILE *f, struct tl_model *m, struct tl_history *h)
{
	for (size_t i = 0; i < 2 * m->marks.n; i++) {
		/* transcript ticks first, under everything else */
		struct tl_mark *k = &m->marks.v[i % m->marks.n];
		if (k->row < 0 || k->glyph == G_NONE ||
		    (k->glyph == G_APPENDED) != (i < m->marks.n))
			continue;
		int fault = k->glyph == G_FAULT;
		const char *id = fault && k->fault && k->fault->glyph ? k->fault->glyph
								  : glyph_info[k->glyph].id;
		fprintf(f, "<g class=\"ev mk g-%s%s\">", id, fault ? " fault" : "");
		title(f, h, k->tip ? k->tip : k->label, k->ev, k->ev);
		fprintf(f, "<use href=\"#g-%s\" x=\"%.1f\" y=\"%.1f\"/></g>\n", id, k->gx, k->gy);
	}
	for (size_t i = 0; i < m->marks.n; i++) {
		struct tl_mark *k = &m->marks.v[i];
		if (!k->placed)
			continue;
		/* what went wrong, and a fault that ends its target, in red */
		const char *cls = k->prio == PRIO_LOW ? "lbl low" :
				  (k->glyph == G_REFUSED || k->glyph == G_DROPPED ||
				   k->glyph == G_WRITTEN || k->glyph == G_DUP ||
				   k->glyph == G_LEFT ||
				   (k->fault && k->fault->ends_target)) ? "lbl bad" : "lbl hi";
		fprintf(f, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" data-ax=\"%.1f\"%s>",
			cls, k->lx, k->ly, k->gx, k->anchor_end ? " text-anchor=\"end\"" : "");
		html_esc(f, k->label);
		fputs("</text>\n", f);
	}
}

static void draw_deadline_labels(FILE *f, struct tl_model *m, struct tl_layout *L)
{
	for (size_t i = 0; i < m->deadlines.n; i++) {
		struct tl_deadline *d = &m->deadlines.v[i];
		if (!d->label)
			continue;
		fprintf(f, "<text class=\"dlt\" x=\"%.1f\" y=\"%.1f\" data-ax=\"%.1f\">",
			d->lx, d->ly, tl_x(L, d->t1));
		html_esc(f, d->label);
		fputs("</text>\n", f);
	}
}

static void draw_pins(FILE *f, struct tl_model *m, struct tl_history *h,
		      struct tl_layout *L)
{
	for (size_t i = 0; i < m->pins.n; i++) {
		struct tl_pin *p = &m->pins.v[i];
		double x = tl_x(L, p->at);
		fprintf(f, "<g class=\"ev verdict-pin\" data-checker=\"");
		html_esc(f, p->checker);
		fprintf(f, "\" data-ax=\"%.1f\">", x);
		char *tip = xasprintf("verdict: %s failed at %.3f s",
				      p->checker ? p->checker : "?", (double)p->at / 1e6);
		title(f, h, tip, p->ev, p->ev);
		free(tip);
		fprintf(f, "<line class=\"pinline\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
			x, x, p->by + p->bh, L->rows_y1);
		if (p->row >= 0) {
			struct tl_row *r = &m->rows.v[p->row];
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"9\" fill=\"none\" stroke=\"#cf222e\" stroke-width=\"2.5\"/>",
				x, r->y + 27);
		}
		fprintf(f, "<rect class=\"pinbox\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"4\" data-ax=\"%.1f\"/>",
			p->bx, p->by, p->bw, p->bh, x);
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#cf222e\"/>",
			x, p->by + p->bh);
		for (int k = 0; k < p->nlines; k++) {
			fprintf(f, "<text class=\"pintext\" x=\"%.1f\" y=\"%.1f\" data-ax=\"%.1f\">",
				p->bx + 8, p->by + 5 + (k + 1) * PIN_LINE_H - 3, x);
			if (k == 0)
				fputs("\xE2\x9C\x97 ", f);
			html_esc(f, p->lines[k]);
			fputs("</text>", f);
		}
		fputs("</g>\n", f);
	}
}

/* Whether a fault mark of row `fault` (NULL: of no row) is drawn. */
static int fault_used(struct tl_model *m, const struct fault *fault)
{
	for (size_t i = 0; i < m->marks.n; i++)
		if (m->marks.v[i].glyph == G_FAULT && m->marks.v[i].fault == fault)
			return 1;
	return 0;
}

/* One legend entry for glyph `id`; `text` is ours (glyph_info), or a fault
 * row's when `escape`. */
static void legend_glyph(FILE *f, const char *id, const char *text, int escape)
{
	fprintf(f, "<span><svg width=\"20\" height=\"20\" viewBox=\"-10 -10 20 20\">"
		"<use href=\"#g-%s\"/></svg>", id ? id : "fault");
	if (escape)
		html_esc(f, text);
	else
		fputs(text, f);
	fputs("</span>", f);
}

void tl_draw_legend(FILE *f, struct tl_model *m)
{
	fputs("<div class=\"legend\">", f);
	for (int k = 0; k < SP__NR; k++) {
		if (!m->used_span[k] || k == SP_LIFE)
			continue;
		fprintf(f, "<span><svg width=\"26\" height=\"14\" viewBox=\"0 0 26 14\">"
			"<rect class=\"%s\" x=\"1\" y=\"2\" width=\"24\" height=\"10\" rx=\"2\"/></svg>%s</span>",
			span_info[k].cls, span_info[k].legend);
	}
	if (m->deadlines.n)
		fputs("<span><svg width=\"26\" height=\"14\" viewBox=\"0 0 26 14\">"
		      "<path class=\"dl hot\" d=\"M1 7H25\"/></svg>holder's own maxHoldMs deadline</span>", f);
	if (m->pins.n)
		fputs("<span><svg width=\"14\" height=\"16\" viewBox=\"0 0 14 16\">"
		      "<path class=\"pinline\" d=\"M7 0V16\"/></svg>failed verdict, at the time it concerns</span>", f);
	for (int k = 1; k < G__NR; k++) {
		if (!m->used_glyph[k])
			continue;
		if (k == G_FAULT) {
			/* the faults drawn, in the fault table's order */
			for (int i = 0; fault_table[i]; i++)
				if (fault_used(m, fault_table[i]))
					legend_glyph(f, fault_table[i]->glyph,
						     fault_table[i]->legend, 1);
			if (!fault_used(m, NULL))
				continue;
		}
		legend_glyph(f, glyph_info[k].id, glyph_info[k].legend, 0);
	}
	fputs("</div>\n", f);
}

void tl_draw_svg(FILE *f, struct tl_model *m, struct tl_history *h,
		 struct tl_layout *L)
{
	/* data-*: what the page's zoom (timeline_zoom.c) maps: the plot's
	 * x range and the times at its ends (microseconds); data-view is
	 * the span shown, which the zoom rewrites */
	fprintf(f, "<svg class=\"tl\" id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
		"data-x0=\"%.1f\" data-x1=\"%.1f\" data-t0=\"%lld\" data-t1=\"%lld\" "
		"data-view=\"%lld %lld\">\n",
		SVG_W, L->height, SVG_W, L->height, PLOT_X0, PLOT_X1, (long long)L->t0,
		(long long)L->t1, (long long)L->t0, (long long)L->t1);
	fprintf(f, "<style>%s</style>\n", SVG_CSS);
	svg_defs(f);
	/* zoomed in, what leaves the plot is hidden (the row names stay):
	 * the zoom sets clip-path on the layers that move */
	fprintf(f, "<clipPath id=\"plotclip\"><rect x=\"%.1f\" y=\"0\" width=\"%.1f\" "
		"height=\"%.1f\"/></clipPath>\n",
		PLOT_X0 - 6, PLOT_X1 - PLOT_X0 + 16, L->height);
	/* back to front: rows, axes, bands, names, lives, deadlines, bars,
	 * glyphs and labels, verdicts on top; class "zt": moves with time */
	draw_rows(f, m, L);
	draw_axis(f, L, L->rows_y1, 0);
	draw_axis(f, L, 24, 1);
	fputs("<g class=\"zt\">\n", f);
	draw_spans(f, m, h, L, 1);
	fputs("</g>\n", f);
	draw_row_labels(f, m);
	fputs("<g class=\"zt\">\n", f);
	draw_life(f, m, h);
	draw_deadlines(f, m, h, L);
	draw_spans(f, m, h, L, 0);
	draw_marks(f, m, h);
	draw_deadline_labels(f, m, L);
	draw_pins(f, m, h, L);
	fputs("</g>\n", f);
	fputs("</svg>\n", f);
}
