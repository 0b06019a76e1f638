/*
 * timeline_layout.c - where each part of the timeline goes (see
 * timeline.h): the time scale, rows, verdict tiers, glyph nudges, and room
 * for every label. Pure geometry: it writes nothing out.
 *
 * Room is first come, first served: a label takes a box in `occ` and no
 * later label may overlap it. The order therefore decides what shows when
 * space is short: band labels, then mark labels by priority and time, then
 * the labels of hot deadlines.
 */
#include "report/timeline.h"

#include <stdlib.h>

#include "lib/util.h"

double tl_x(const struct tl_layout *L, int64_t t)
{
	double x = PLOT_X0 + (double)(t - L->t0) * L->scale;
	return x < PLOT_X0 ? PLOT_X0 : x > PLOT_X1 ? PLOT_X1 : x;
}

static int occ_free(struct tl_layout *L, double x0, double x1, double y0, double y1)
{
	for (size_t i = 0; i < L->occ.n; i++) {
		struct tl_box *b = &L->occ.v[i];
		if (x0 < b->x1 && b->x0 < x1 && y0 < b->y1 && b->y0 < y1)
			return 0;
	}
	return 1;
}

static void occ_take(struct tl_layout *L, double x0, double x1, double y0, double y1)
{
	struct tl_box *b = vec_push(&L->occ);
	b->x0 = x0;
	b->x1 = x1;
	b->y0 = y0;
	b->y1 = y1;
}

/* Splits `s` into lines of at most `width` characters at spaces. */
static int wrap(const char *s, size_t width, int max_lines, char ***out)
{
	char **lines = NULL;
	int n = 0;
	while (s && *s && n < max_lines) {
		size_t len = strlen(s), cut = len;
		if (html_codepoints(s) > width) {
			/* byte offset of the width-th code point */
			size_t cps = 0, b = 0;
			while (s[b] && cps < width) {
				b++;
				while (((unsigned char)s[b] & 0xC0) == 0x80)
					b++;
				cps++;
			}
			cut = b;
			for (size_t k = b; k > width / 2; k--)
				if (s[k] == ' ') {
					cut = k;
					break;
				}
		}
		lines = xrealloc(lines, sizeof(*lines) * (size_t)(n + 1));
		if (n == max_lines - 1 && cut < len) {
			lines[n] = xasprintf("%.*s\xE2\x80\xA6", (int)cut, s);
			n++;
			break;
		}
		lines[n++] = xasprintf("%.*s", (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
	}
	*out = lines;
	return n;
}

static void label_place(struct tl_model *m, struct tl_layout *L, struct tl_mark *k)
{
	struct tl_row *r = &m->rows.v[k->row];
	double x = k->gx;
	int bold = k->prio != PRIO_LOW;
	double w = html_text_w(k->label, bold ? 7.0 : CHAR_W);
	double ys[2], hh = 13;
	int left_first = k->glyph == G_REFUSED || k->glyph == G_LOST;
	if (r->kind == ROW_SESSION) {
		ys[0] = r->y + 1;
		ys[1] = r->y + r->h - 12;
	} else {
		ys[0] = r->y + 2;
		ys[1] = r->y + r->h - 15;
	}
	for (int s = 0; s < 2; s++) {
		int left = s ^ left_first;
		for (int tier = 0; tier < 2; tier++) {
			double x0 = left ? x - 8 - w : x + 8;
			double x1 = x0 + w;
			if (x0 < PLOT_X0 - 2 || x1 > SVG_W - 4)
				continue;
			/* 6 px of air between neighbours */
			if (!occ_free(L, x0 - 6, x1 + 6, ys[tier], ys[tier] + hh))
				continue;
			occ_take(L, x0, x1, ys[tier], ys[tier] + hh);
			k->placed = 1;
			k->lx = left ? x1 : x0;
			k->anchor_end = left;
			k->ly = ys[tier] + 10;
			return;
		}
	}
}

static int cmp_pin(const void *a, const void *b)
{
	const struct tl_pin *p = a, *q = b;
	return p->at < q->at ? -1 : p->at > q->at;
}

void tl_layout_build(struct tl_model *m, struct tl_layout *L)
{
	L->t0 = m->t_min;
	/* 3% of air after the end: what happens last (a burst of deliveries,
	 * the final state) needs room for its glyphs */
	L->t1 = m->t_end + (m->t_end - m->t_min) * 3 / 100;
	L->scale = (PLOT_X1 - PLOT_X0) / (double)(L->t1 - L->t0);

	/* Verdict boxes, stacked in tiers above the rows. */
	if (m->pins.n)
		qsort(m->pins.v, m->pins.n, sizeof(*m->pins.v), cmp_pin);
	double y = 34;
	L->pins_y0 = y;
	struct tier {
		double x_end, y, h;
	};
	VEC(struct tier) tiers = { 0 };
	for (size_t i = 0; i < m->pins.n; i++) {
		struct tl_pin *p = &m->pins.v[i];
		char *text = xasprintf("%s: %s", p->checker ? p->checker : "verdict",
				       p->msg ? p->msg : "failed");
		p->nlines = wrap(text, PIN_CHARS, 4, &p->lines);
		free(text);
		double w = 0;
		for (int k = 0; k < p->nlines; k++)
			if (html_text_w(p->lines[k], 6.6) > w)
				w = html_text_w(p->lines[k], 6.6);
		p->bw = w + 26;
		p->bh = p->nlines * PIN_LINE_H + 10;
		double x = tl_x(L, p->at);
		p->bx = x + p->bw > PLOT_X1 + 20 ? x - p->bw : x;
		if (p->bx < 4)
			p->bx = 4;
		size_t t;
		for (t = 0; t < tiers.n; t++)
			if (tiers.v[t].x_end + 8 < p->bx)
				break;
		if (t == tiers.n) {
			struct tier *nt = vec_push(&tiers);
			nt->x_end = -1e9;
			nt->y = t ? tiers.v[t - 1].y + tiers.v[t - 1].h + 6 : y;
			nt->h = 0;
		}
		tiers.v[t].x_end = p->bx + p->bw;
		if (p->bh > tiers.v[t].h) {
			/* a taller box pushes the tiers below it down */
			double grow = p->bh - tiers.v[t].h;
			tiers.v[t].h = p->bh;
			for (size_t u = t + 1; u < tiers.n; u++)
				tiers.v[u].y += grow;
		}
		p->by = t; /* tier index for now */
	}
	for (size_t i = 0; i < m->pins.n; i++)
		m->pins.v[i].by = tiers.v[(size_t)m->pins.v[i].by].y;
	if (tiers.n)
		y = tiers.v[tiers.n - 1].y + tiers.v[tiers.n - 1].h + 10;
	free(tiers.v);

	/* Rows. */
	L->rows_y0 = y;
	for (size_t i = 0; i < m->rows.n; i++) {
		struct tl_row *r = &m->rows.v[i];
		r->h = r->kind == ROW_SESSION ? SROW_H : ROW_H;
		r->y = y;
		y += r->h;
		if (r->kind == ROW_SESSION && (i + 1 == m->rows.n ||
					       m->rows.v[i + 1].kind != ROW_SESSION))
			y += 8; /* gap between the lock rows and the holders */
	}
	L->rows_y1 = y;
	L->height = y + 34;

	/* Glyphs closer than a glyph's width on one row are nudged right,
	 * up to 3 widths: a kill and the death it causes must both show.
	 * The hover text keeps the exact time. */
	for (size_t i = 0; i < m->marks.n; i++) {
		struct tl_mark *k = &m->marks.v[i];
		k->gx = tl_x(L, k->t);
		if (k->row >= 0)
			k->gy = m->rows.v[k->row].kind == ROW_SESSION
					? m->rows.v[k->row].y + 20
					: m->rows.v[k->row].y + 27;
	}
	for (size_t r = 0; r < m->rows.n; r++) {
		double last = -1e9;
		for (;;) {
			/* next mark of row r by time, after `last` in order */
			struct tl_mark *best = NULL;
			for (size_t i = 0; i < m->marks.n; i++) {
				struct tl_mark *k = &m->marks.v[i];
				if (k->row != (int)r || k->glyph == G_NONE ||
				    k->glyph == G_APPENDED || k->placed)
					continue;
				if (!best || k->t < best->t)
					best = k;
			}
			if (!best)
				break;
			best->placed = 1; /* visited; reset below */
			if (best->gx < last + 15 && last + 15 - best->gx < 45)
				best->gx = last + 15;
			last = best->gx;
		}
	}
	for (size_t i = 0; i < m->marks.n; i++)
		m->marks.v[i].placed = 0;

	/* Spans: a box each, at least 2.5 px wide so that a short one still
	 * shows. Band labels sit at the bottom of their band where no label
	 * is yet; bar labels go inside their bar when it is wide enough. */
	for (size_t i = 0; i < m->spans.n; i++) {
		struct tl_span *s = &m->spans.v[i];
		struct tl_row *r = &m->rows.v[s->row];
		struct tl_row *last = &m->rows.v[s->row + s->nrows - 1];
		int is_band = s->kind == SP_FROZEN || s->kind == SP_SPIN;
		double x0 = tl_x(L, s->t0), x1 = tl_x(L, s->t1);
		s->x0 = x0;
		s->x1 = x1;
		if (s->kind == SP_LIFE)
			continue; /* a line per row, at the row's middle */
		if (is_band && s->label) {
			double w = html_text_w(s->label, 6.2);
			double y1 = last->y + last->h - 2, y0 = y1 - 14;
			if (x1 - x0 > w + 8 && occ_free(L, x0, x0 + w + 8, y0, y1)) {
				occ_take(L, x0, x0 + w + 8, y0, y1);
				s->label_ok = 1;
			}
		}
		if (x1 - x0 < 2.5)
			s->x1 = x1 = x0 + 2.5;
		if (is_band) {
			s->y = r->y + 2;
			s->h = last->y + last->h - r->y - 4;
		} else if (r->kind == ROW_SESSION) {
			s->y = r->y + 13;
			s->h = 14;
		} else if (s->kind == SP_WAIT || s->kind == SP_WAIT_FAIL ||
			   s->kind == SP_WAIT_LOST) {
			s->y = r->y + 21;
			s->h = 12;
		} else {
			s->y = r->y + 18;
			s->h = 18;
		}
		if (!is_band && s->label)
			s->label_ok = x1 - x0 > html_text_w(s->label, 6.2) + 30;
	}

	/* Labels: the most important first, earliest first within a rank,
	 * each where it fits: above the bar, then below it; right of its
	 * mark, then left (marks that end a bar try left first, over their
	 * bar). A label that fits nowhere is shortened once, then left to the
	 * hover text. */
	size_t *order = xrealloc(NULL, sizeof(*order) * (m->marks.n + 1));
	for (size_t i = 0; i < m->marks.n; i++)
		order[i] = i;
	for (size_t i = 1; i < m->marks.n; i++) /* insertion sort: stable */
		for (size_t j = i; j > 0; j--) {
			struct tl_mark *a = &m->marks.v[order[j - 1]];
			struct tl_mark *b = &m->marks.v[order[j]];
			if (a->prio > b->prio || (a->prio == b->prio && a->t <= b->t))
				break;
			size_t tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (size_t oi = 0; oi < m->marks.n; oi++) {
		struct tl_mark *k = &m->marks.v[order[oi]];
		if (!k->label || k->row < 0)
			continue;
		label_place(m, L, k);
		if (!k->placed && html_codepoints(k->label) > 30) {
			char **lines;
			int n = wrap(k->label, 28, 1, &lines);
			if (n == 1) {
				free(k->label);
				k->label = lines[0];
				label_place(m, L, k);
			}
			free(lines);
		}
	}
	free(order);
	/* One label per hot deadline, at the top of the holder's row: right
	 * of the deadline, else left of it; left when it ends past the plot. */
	for (size_t i = 0; i < m->deadlines.n; i++) {
		struct tl_deadline *d = &m->deadlines.v[i];
		if (!d->hot)
			continue;
		struct tl_row *r = &m->rows.v[d->row];
		char *s = d->t1 > L->t1
				  ? xasprintf("maxHoldMs %lld ms ends at %.1f s \xE2\x86\x92",
					      (long long)d->ms, (double)d->t1 / 1e6)
				  : xasprintf("%s's maxHoldMs (%lld ms)", d->proc, (long long)d->ms);
		double w = html_text_w(s, 6.4);
		double x = tl_x(L, d->t1);
		double y0 = r->y + 2;
		double lx = d->t1 > L->t1 ? x - 10 - w : x + 5;
		if (!occ_free(L, lx, lx + w, y0, y0 + 12) && occ_free(L, x - 5 - w, x - 5, y0, y0 + 12))
			lx = x - 5 - w;
		if (occ_free(L, lx, lx + w, y0, y0 + 12)) {
			occ_take(L, lx, lx + w, y0, y0 + 12);
			d->label = s;
			d->lx = lx;
			d->ly = y0 + 10;
		} else {
			free(s);
		}
	}
}

void tl_layout_clear(struct tl_layout *L)
{
	free(L->occ.v);
	L->occ.v = NULL;
	L->occ.n = L->occ.cap = 0;
}
