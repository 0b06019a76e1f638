/*
 * test_timeline.c - the timeline's stages apart from its page: the model a
 * history becomes (rows, spans, marks, deadlines, pins) and the layout
 * that places it, checked as data, with no HTML to search.
 *
 * Histories come from tests/histories/ (run from the top of the tree, as
 * `make unit` does); a crowded one is written to a scratch file.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/timeline.h"
#include "unit.h"

#define HIST "tests/histories/"

struct tl {
	struct tl_history h;
	struct tl_model m;
	struct tl_layout L;
};

/* Loads `path` and builds its model; the layout too when `laid_out`. */
static struct tl *tl_open(const char *path, int laid_out)
{
	struct tl *t = calloc(1, sizeof(*t));
	char *err = NULL;
	ck_assert(t != NULL);
	ck_assert_msg(tl_history_load(&t->h, path, &err) == 0, "%s: %s", path,
		      err ? err : "?");
	tl_model_build(&t->m, &t->h);
	ck_assert_ptr_null(t->m.work); /* the scratch is gone after the build */
	if (laid_out)
		tl_layout_build(&t->m, &t->L);
	return t;
}

static void tl_close(struct tl *t)
{
	tl_layout_clear(&t->L);
	tl_model_clear(&t->m);
	tl_history_clear(&t->h);
	free(t);
}

static int row_named(struct tl_model *m, const char *proc)
{
	for (size_t i = 0; i < m->procs.n; i++)
		if (!strcmp(m->procs.v[i].name, proc))
			return m->procs.v[i].row0;
	ck_abort_msg("no holder %s", proc);
	return -1;
}

/* The marks with glyph `g` on row `row` (-1: any row). */
static int marks(struct tl_model *m, enum glyph g, int row)
{
	int n = 0;
	for (size_t i = 0; i < m->marks.n; i++)
		n += m->marks.v[i].glyph == g && (row < 0 || m->marks.v[i].row == row);
	return n;
}

static struct tl_mark *mark_of(struct tl_model *m, enum glyph g)
{
	for (size_t i = 0; i < m->marks.n; i++)
		if (m->marks.v[i].glyph == g)
			return &m->marks.v[i];
	ck_abort_msg("no mark of glyph %d", (int)g);
	return NULL;
}

/* The spans on `row` in the order the model made them, as kinds. */
static int spans_on(struct tl_model *m, int row, enum span_kind *out, int max)
{
	int n = 0;
	for (size_t i = 0; i < m->spans.n && n < max; i++)
		if (m->spans.v[i].row == row && m->spans.v[i].kind != SP_LIFE)
			out[n++] = m->spans.v[i].kind;
	return n;
}

static int overlap(double ax0, double ax1, double ay0, double ay1, double bx0,
		   double bx1, double by0, double by1)
{
	return ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1;
}

START_TEST(test_model_sigkill_reclaimed)
{
	struct tl *t = tl_open(HIST "seed002-sigkill-reclaimed.jsonl", 0);
	struct tl_model *m = &t->m;

	/* rows: the lock session first, then each holder's lane */
	ck_assert_uint_eq(m->rows.n, 3);
	ck_assert_int_eq(m->rows.v[0].kind, ROW_SESSION);
	ck_assert_str_eq(m->rows.v[0].session, "s1");
	ck_assert_uint_eq(m->procs.n, 2);
	ck_assert_str_eq(m->procs.v[0].name, "A");
	ck_assert_str_eq(m->procs.v[1].name, "B");
	int a = row_named(m, "A"), b = row_named(m, "B");
	ck_assert_int_eq(a, 1);
	ck_assert_int_eq(b, 2);
	ck_assert_str_eq(m->rows.v[a].lane, "main");

	/* the lock file: A's, then stale once A died, then B's */
	enum span_kind k[8];
	int n = spans_on(m, 0, k, 8);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(k[0], SP_OWN);
	ck_assert_int_eq(k[1], SP_STALE);
	ck_assert_int_eq(k[2], SP_OWN);
	for (size_t i = 0; i < m->spans.n; i++)
		if (m->spans.v[i].kind == SP_STALE) {
			ck_assert_int_eq(m->spans.v[i].t0, 1200000);
			ck_assert_int_eq(m->spans.v[i].t1, 1231000);
		}
	/* A waited a little, then held until it died; B waited until it
	 * reclaimed */
	n = spans_on(m, a, k, 8);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(k[0], SP_WAIT);
	ck_assert_int_eq(k[1], SP_HOLD);
	n = spans_on(m, b, k, 8);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(k[0], SP_WAIT);
	ck_assert_int_eq(k[1], SP_HOLD);

	/* one glyph per fault and per consequence, on the right rows */
	ck_assert_int_eq(m->nfaults, 1);
	ck_assert_int_eq(marks(m, G_KILL, a), 1);
	ck_assert_int_eq(marks(m, G_DEATH, a), 1);
	ck_assert_int_eq(marks(m, G_RECLAIM, b), 1);
	ck_assert_int_eq(marks(m, G_WARN, b), 1);
	ck_assert_int_eq(marks(m, G_APPENDED, b), 1);
	ck_assert_int_eq(marks(m, G_DELIVERED, b), 1);
	ck_assert_int_eq(marks(m, G_LOST, a), 1); /* the turn A never answered */
	ck_assert_int_eq(marks(m, G_LEFT, -1), 0); /* no lock left at the end */
	ck_assert_str_eq(mark_of(m, G_KILL)->label, "SIGKILL");
	ck_assert_str_eq(mark_of(m, G_DEATH)->label, "died (SIGKILL)");
	ck_assert_str_eq(mark_of(m, G_RECLAIM)->label, "reclaimed (dead-pid)");
	ck_assert_int_eq(mark_of(m, G_KILL)->t, 1200000);
	ck_assert(m->used_glyph[G_KILL] && !m->used_glyph[G_FREEZE]);
	ck_assert(m->used_span[SP_STALE] && !m->used_span[SP_HOLD_OVER]);

	/* the message: handed over once, delivered once */
	ck_assert_uint_eq(m->nmsgs, 1);
	ck_assert_int_eq(m->nout[G_DELIVERED], 1);

	/* deadlines: A died holding (drawn, not hot); B released in time */
	ck_assert_uint_eq(m->deadlines.n, 2);
	ck_assert_int_eq(m->deadlines.v[0].row, a);
	ck_assert_int_eq(m->deadlines.v[0].ms, 5000);
	ck_assert_int_eq(m->deadlines.v[0].t1, 105000 + 5000 * 1000);
	ck_assert(!m->deadlines.v[0].hot && !m->deadlines.v[0].quiet);
	ck_assert(!m->deadlines.v[1].hot && m->deadlines.v[1].quiet);

	ck_assert_uint_eq(m->pins.n, 0);
	ck_assert_int_eq(m->t_end, 2000000);
	tl_close(t);
}
END_TEST

START_TEST(test_model_stuck_spinner)
{
	struct tl *t = tl_open(HIST "html-stuck.jsonl", 0);
	struct tl_model *m = &t->m;
	int a = row_named(m, "A"), b = row_named(m, "B");
	enum span_kind k[8];

	/* A held past its own maxHoldMs while its event loop spun */
	int n = spans_on(m, a, k, 8);
	ck_assert_int_ge(n, 3);
	int hold = 0, over = 0, spin = 0;
	for (int i = 0; i < n; i++) {
		hold += k[i] == SP_HOLD;
		over += k[i] == SP_HOLD_OVER;
		spin += k[i] == SP_SPIN;
	}
	ck_assert_int_eq(hold, 1);
	ck_assert_int_eq(over, 1);
	ck_assert_int_eq(spin, 1);
	/* B was refused twice, each a failed wait and a refusal mark */
	n = spans_on(m, b, k, 8);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(k[0], SP_WAIT_FAIL);
	ck_assert_int_eq(k[1], SP_WAIT_FAIL);
	ck_assert_int_eq(marks(m, G_REFUSED, b), 2);
	ck_assert_int_eq(m->nout[G_REFUSED], 2);
	ck_assert_int_eq(marks(m, G_SPIN, a), 1);
	ck_assert_int_eq(marks(m, G_TERM, a), 1);
	ck_assert_int_eq(marks(m, G_KILL, a), 1);
	ck_assert_int_eq(m->nfaults, 3);
	/* the lock file stayed: marked on the session row at the end */
	ck_assert_int_eq(marks(m, G_LEFT, 0), 1);
	ck_assert_int_eq(mark_of(m, G_LEFT)->t, m->t_end);
	/* a hot deadline: A still held when its maxHoldMs passed */
	int hot = 0;
	for (size_t i = 0; i < m->deadlines.n; i++)
		hot += m->deadlines.v[i].hot;
	ck_assert_int_eq(hot, 1);
	/* failed verdicts are pins, passed ones are names */
	ck_assert_uint_eq(m->pins.n, 2);
	ck_assert_str_eq(m->pins.v[0].checker, "recovery");
	ck_assert_int_eq(m->pins.v[0].row, b);
	ck_assert_uint_eq(m->passed.n, 6);
	ck_assert_str_eq(m->passed.v[0], "no-silent-drop");
	tl_close(t);
}
END_TEST

START_TEST(test_layout_places_without_overlap)
{
	static const char *const names[] = {
		HIST "html-stuck.jsonl", HIST "html-reclaim.jsonl",
		HIST "html-hostile.jsonl", HIST "seed001-live-holder-taken.jsonl",
		HIST "seed004-frozen-reclaimed.jsonl",
	};
	for (size_t f = 0; f < sizeof(names) / sizeof(*names); f++) {
		struct tl *t = tl_open(names[f], 1);
		struct tl_model *m = &t->m;
		struct tl_layout *L = &t->L;

		ck_assert(L->scale > 0);
		ck_assert_double_le(tl_x(L, L->t0 - 1000000), PLOT_X0);
		ck_assert_double_ge(tl_x(L, L->t1 + 1000000), PLOT_X1);
		ck_assert_double_eq_tol(tl_x(L, m->t_end),
					PLOT_X0 + (PLOT_X1 - PLOT_X0) / 1.03, 1.0);
		/* rows stack from below the verdicts, each below the last */
		double y = L->rows_y0;
		for (size_t i = 0; i < m->rows.n; i++) {
			struct tl_row *r = &m->rows.v[i];
			ck_assert_double_ge(r->y, y);
			ck_assert_double_eq(r->h, r->kind == ROW_SESSION ? SROW_H : ROW_H);
			y = r->y + r->h;
		}
		ck_assert_double_le(y, L->rows_y1);
		ck_assert_double_gt(L->height, L->rows_y1);
		/* bars are inside their row and at least 2.5 px wide */
		for (size_t i = 0; i < m->spans.n; i++) {
			struct tl_span *s = &m->spans.v[i];
			if (s->kind == SP_LIFE)
				continue;
			struct tl_row *r = &m->rows.v[s->row];
			ck_assert_double_ge(s->x1 - s->x0, 2.5);
			ck_assert_double_ge(s->y, r->y);
			if (s->nrows == 1)
				ck_assert_double_le(s->y + s->h, r->y + r->h);
		}
		/* glyphs on their row's middle line */
		for (size_t i = 0; i < m->marks.n; i++) {
			struct tl_mark *k = &m->marks.v[i];
			if (k->row < 0)
				continue;
			struct tl_row *r = &m->rows.v[k->row];
			ck_assert_double_gt(k->gy, r->y);
			ck_assert_double_lt(k->gy, r->y + r->h);
			ck_assert_double_ge(k->gx, PLOT_X0);
		}
		/* verdict boxes: in time order, above the rows, apart */
		for (size_t i = 0; i < m->pins.n; i++) {
			struct tl_pin *p = &m->pins.v[i];
			ck_assert_int_ge(p->nlines, 1);
			ck_assert_double_le(p->by + p->bh, L->rows_y0);
			if (i)
				ck_assert_int_le(m->pins.v[i - 1].at, p->at);
			for (size_t j = 0; j < i; j++) {
				struct tl_pin *q = &m->pins.v[j];
				ck_assert_msg(!overlap(p->bx, p->bx + p->bw, p->by,
						       p->by + p->bh, q->bx, q->bx + q->bw,
						       q->by, q->by + q->bh),
					      "%s: verdict boxes %zu and %zu overlap",
					      names[f], j, i);
			}
		}
		/* every label the layout kept has a box of its own: none
		 * overlaps another, all inside the drawing */
		for (size_t i = 0; i < L->occ.n; i++) {
			struct tl_box *a = &L->occ.v[i];
			ck_assert_double_ge(a->x0, PLOT_X0 - 2 - 10);
			ck_assert_double_le(a->x1, SVG_W);
			for (size_t j = 0; j < i; j++) {
				struct tl_box *c = &L->occ.v[j];
				ck_assert_msg(!overlap(a->x0, a->x1, a->y0, a->y1,
						       c->x0, c->x1, c->y0, c->y1),
					      "%s: label boxes %zu and %zu overlap",
					      names[f], j, i);
			}
		}
		int placed = 0;
		for (size_t i = 0; i < m->marks.n; i++)
			placed += m->marks.v[i].placed;
		ck_assert_int_gt(placed, 0);
		tl_close(t);
	}
}
END_TEST

START_TEST(test_layout_nudges_glyphs_apart)
{
	/* SIGKILL and the death it causes happen at one instant on A's row:
	 * the death is drawn one glyph further right, both visible */
	struct tl *t = tl_open(HIST "seed002-sigkill-reclaimed.jsonl", 1);
	struct tl_model *m = &t->m;
	struct tl_mark *kill = mark_of(m, G_KILL), *death = mark_of(m, G_DEATH);
	ck_assert_int_eq(kill->t, death->t);
	ck_assert_double_eq(kill->gx, tl_x(&t->L, kill->t));
	double apart = death->gx - kill->gx;
	ck_assert_double_eq_tol(apart, 15, 0.001);
	ck_assert_double_eq(kill->gy, death->gy);
	tl_close(t);
}
END_TEST

/* Many labels wanting the same spot: the layout keeps what fits, apart,
 * and leaves the rest to the hover text. */
START_TEST(test_layout_crowd)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/test_timeline-XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	int fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
	FILE *f = fdopen(fd, "w");
	ck_assert(f != NULL);
	fputs("{\"t\":0,\"type\":\"meta\",\"process\":\"harness\",\"title\":\"crowd\"}\n"
	      "{\"t\":1000,\"type\":\"spawn\",\"process\":\"A\",\"pid\":7}\n", f);
	for (int i = 0; i < 40; i++)
		fprintf(f, "{\"t\":%d,\"type\":\"fault\",\"process\":\"harness\","
			"\"fault\":\"failpoint\",\"target\":\"A\",\"name\":\"point-%d\","
			"\"errno\":\"EIO\"}\n", 500000 + i * 1000, i);
	fputs("{\"t\":2000000,\"type\":\"exit\",\"process\":\"A\",\"code\":0}\n", f);
	ck_assert_int_eq(fclose(f), 0);

	struct tl *t = tl_open(path, 1);
	unlink(path);
	struct tl_model *m = &t->m;
	ck_assert_int_eq(marks(m, G_FAILPOINT, -1), 40);
	int placed = 0;
	for (size_t i = 0; i < m->marks.n; i++) {
		struct tl_mark *k = &m->marks.v[i];
		if (k->glyph != G_FAILPOINT)
			continue;
		placed += k->placed;
		ck_assert_ptr_nonnull(k->tip); /* the hover keeps every one */
	}
	/* two tiers of a 56 px row hold a few labels, not forty */
	ck_assert_int_gt(placed, 0);
	ck_assert_int_lt(placed, 40);
	for (size_t i = 0; i < t->L.occ.n; i++)
		for (size_t j = 0; j < i; j++) {
			struct tl_box *a = &t->L.occ.v[i], *c = &t->L.occ.v[j];
			ck_assert(!overlap(a->x0, a->x1, a->y0, a->y1, c->x0, c->x1,
					   c->y0, c->y1));
		}
	tl_close(t);
}
END_TEST

START_TEST(test_history_errors)
{
	struct tl_history h = { 0 };
	char *err = NULL;
	ck_assert_int_eq(tl_history_load(&h, HIST "no-such-history.jsonl", &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "cannot open '" HIST "no-such-history.jsonl'"));
	ck_assert_uint_eq(h.ev.n, 0);
	free(err);
	/* the seed is kept as written: 64-bit seeds do not fit a double */
	ck_assert_int_eq(tl_history_load(&h, HIST "html-reclaim.jsonl", &err), 0);
	ck_assert_str_eq(h.seed, "4242");
	ck_assert_str_eq(h.ev.v[0].type, "meta");
	ck_assert_int_eq(h.ev.v[0].line, 1);
	tl_history_clear(&h);
	ck_assert_uint_eq(h.ev.n, 0);
}
END_TEST

static Suite *timeline_suite(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = unit_tcase(s, "model", 30, NULL, NULL);
	tcase_add_test(tc, test_model_sigkill_reclaimed);
	tcase_add_test(tc, test_model_stuck_spinner);
	tcase_add_test(tc, test_history_errors);
	tc = unit_tcase(s, "layout", 30, NULL, NULL);
	tcase_add_test(tc, test_layout_places_without_overlap);
	tcase_add_test(tc, test_layout_nudges_glyphs_apart);
	tcase_add_test(tc, test_layout_crowd);
	return s;
}

int main(void)
{
	return unit_main(timeline_suite());
}
