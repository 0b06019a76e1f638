/*
 * test_timeline.c - the timeline's stages apart from its page: the model a
 * history becomes (rows, spans, marks, deadlines, pins) and the layout
 * that places it, checked as data, with no HTML to search; and the tables
 * it draws from: every row of the fault table (faults/faults.h) drawn with
 * its own symbol, text and legend, the checkers explained from theirs.
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

#include "check/check.h"
#include "faults/faults.h"
#include "report/html.h"
#include "report/html_common.h"
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

/* The fault marks of fault `name` (its row in faults/faults.h) on `row`
 * (-1: any row). */
static int fault_marks(struct tl_model *m, const char *name, int row)
{
	int n = 0;
	for (size_t i = 0; i < m->marks.n; i++) {
		struct tl_mark *k = &m->marks.v[i];
		n += k->glyph == G_FAULT && k->fault && !strcmp(k->fault->name, name) &&
		     (row < 0 || k->row == row);
	}
	return n;
}

static struct tl_mark *fault_mark(struct tl_model *m, const char *name)
{
	for (size_t i = 0; i < m->marks.n; i++)
		if (m->marks.v[i].glyph == G_FAULT && m->marks.v[i].fault &&
		    !strcmp(m->marks.v[i].fault->name, name))
			return &m->marks.v[i];
	ck_abort_msg("no mark of fault %s", name);
	return NULL;
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
	ck_assert_int_eq(fault_marks(m, "kill", a), 1);
	ck_assert_int_eq(marks(m, G_FAULT, -1), 1);
	ck_assert_int_eq(marks(m, G_DEATH, a), 1);
	ck_assert_int_eq(marks(m, G_RECLAIM, b), 1);
	ck_assert_int_eq(marks(m, G_WARN, b), 1);
	ck_assert_int_eq(marks(m, G_APPENDED, b), 1);
	ck_assert_int_eq(marks(m, G_DELIVERED, b), 1);
	ck_assert_int_eq(marks(m, G_LOST, a), 1); /* the turn A never answered */
	ck_assert_int_eq(marks(m, G_LEFT, -1), 0); /* no lock left at the end */
	/* a fault's texts are its row's (faults/faults.h) */
	ck_assert_str_eq(fault_mark(m, "kill")->label, "SIGKILL");
	ck_assert_str_eq(fault_mark(m, "kill")->tip, "harness sent SIGKILL to A");
	ck_assert_str_eq(mark_of(m, G_DEATH)->label, "died (SIGKILL)");
	ck_assert_str_eq(mark_of(m, G_RECLAIM)->label, "reclaimed (dead-pid)");
	ck_assert_int_eq(fault_mark(m, "kill")->t, 1200000);
	ck_assert(m->used_glyph[G_FAULT] && !m->used_glyph[G_DUP]);
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

/* A recycle's stand-in (the process that took the dead holder's pid) has
 * a row of its own, last: "harness", its life from the recycle to the end
 * and its pid named; a history without a recycle has no such row. */
START_TEST(test_model_started_row)
{
	struct tl *t = tl_open(HIST "html-reclaim.jsonl", 1);
	struct tl_model *m = &t->m;
	int row = (int)m->rows.n - 1, lives = 0, named = 0;

	ck_assert_int_eq(m->rows.v[row].kind, ROW_STARTED);
	for (size_t i = 0; i + 1 < m->rows.n; i++)
		ck_assert_int_ne(m->rows.v[i].kind, ROW_STARTED);
	for (size_t i = 0; i < m->spans.n; i++)
		if (m->spans.v[i].row == row && m->spans.v[i].kind == SP_LIFE) {
			lives++;
			ck_assert_int_eq(m->spans.v[i].t0, 1230000);
			ck_assert_int_eq(m->spans.v[i].t1, m->t_end);
		}
	for (size_t i = 0; i < m->marks.n; i++)
		named += m->marks.v[i].row == row && m->marks.v[i].label &&
			 strstr(m->marks.v[i].label, "pid 2: stand-in for A") != NULL;
	ck_assert_int_eq(lives, 1);
	ck_assert_int_eq(named, 1);
	ck_assert(m->rows.v[row].y > m->rows.v[row - 1].y); /* laid out below */
	tl_close(t);

	t = tl_open(HIST "html-stuck.jsonl", 0);
	for (size_t i = 0; i < t->m.rows.n; i++)
		ck_assert_int_ne(t->m.rows.v[i].kind, ROW_STARTED);
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
	ck_assert_int_eq(fault_marks(m, "spin", a), 1);
	ck_assert_int_eq(fault_marks(m, "term", a), 1);
	ck_assert_int_eq(fault_marks(m, "kill", a), 1);
	ck_assert_int_eq(fault_marks(m, "freeze", -1), 0);
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
	struct tl_mark *kill = fault_mark(m, "kill"), *death = mark_of(m, G_DEATH);
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
	ck_assert_int_eq(fault_marks(m, "failpoint", -1), 40);
	int placed = 0;
	for (size_t i = 0; i < m->marks.n; i++) {
		struct tl_mark *k = &m->marks.v[i];
		if (k->glyph != G_FAULT)
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

/* The index the model finds an outcome's invoke and wait by: the latest
 * value under a (name, number) key, names compared as strings, 0 and -0
 * one key, NULL names and NaN never stored, every key kept as it grows. */
START_TEST(test_keys_index)
{
	struct html_keys k = { 0 };
	char a1[] = "A", a2[] = "A"; /* equal names, other pointers */
	char name[10000][8];

	ck_assert_int_eq(html_keys_get(&k, "A", 1), -1);
	ck_assert_int_eq(html_keys_put(&k, a1, 1, 10), -1);
	ck_assert_int_eq(html_keys_put(&k, "B", 1, 20), -1);
	ck_assert_int_eq(html_keys_put(&k, a2, 2, 30), -1);
	ck_assert_int_eq(html_keys_get(&k, "A", 1), 10);
	ck_assert_int_eq(html_keys_get(&k, "B", 1), 20);
	ck_assert_int_eq(html_keys_get(&k, "A", 2), 30);
	ck_assert_int_eq(html_keys_get(&k, "B", 2), -1);
	/* the latest wins, and says what it replaced */
	ck_assert_int_eq(html_keys_put(&k, a2, 1, 11), 10);
	ck_assert_int_eq(html_keys_get(&k, a1, 1), 11);
	ck_assert_int_eq(html_keys_put(&k, "C", 0.0, 40), -1);
	ck_assert_int_eq(html_keys_get(&k, "C", -0.0), 40);
	ck_assert_int_eq(html_keys_put(&k, NULL, 1, 50), -1);
	ck_assert_int_eq(html_keys_get(&k, NULL, 1), -1);
	ck_assert_int_eq(html_keys_put(&k, "D", 0.0 / 0.0, 60), -1);
	ck_assert_int_eq(html_keys_get(&k, "D", 0.0 / 0.0), -1);
	ck_assert_uint_eq(k.n, 4);
	for (int i = 0; i < 10000; i++) {
		snprintf(name[i], sizeof(name[i]), "P%d", i % 97);
		ck_assert_int_eq(html_keys_put(&k, name[i], i, i), -1);
	}
	for (int i = 0; i < 10000; i++)
		ck_assert_int_eq(html_keys_get(&k, name[i], i), i);
	ck_assert_int_eq(html_keys_get(&k, "A", 1), 11);
	ck_assert_uint_eq(k.n, 10004);
	ck_assert_uint_le(2 * k.n, k.size);
	html_keys_clear(&k);
	ck_assert_int_eq(html_keys_get(&k, "A", 1), -1);
}
END_TEST

/* The longest run of taken slots in `k`: a look-up walks at most that. */
static size_t keys_longest_run(const struct html_keys *k)
{
	size_t most = 0, run = 0;

	/* twice round: a run may wrap past the end */
	for (size_t i = 0; i < 2 * k->size; i++) {
		run = k->slot[i % k->size].name ? run + 1 : 0;
		if (run > most)
			most = run;
	}
	return most;
}

/* Keys that differ in their number only, or in their name only, spread
 * over the table: one holder's 1,024 ids (or a lane of 1,024 holders) all
 * hashed to one slot's run before, and each look-up walked half of it. */
START_TEST(test_keys_spread)
{
	struct html_keys by_num = { 0 }, by_name = { 0 };
	char name[1024][8];

	for (int i = 0; i < 1024; i++) {
		snprintf(name[i], sizeof(name[i]), "H%d", i);
		html_keys_put(&by_num, "main", i, i);
		html_keys_put(&by_name, name[i], 0, i);
	}
	ck_assert_uint_le(keys_longest_run(&by_num), 32);
	ck_assert_uint_le(keys_longest_run(&by_name), 32);
	for (int i = 0; i < 1024; i++) {
		ck_assert_int_eq(html_keys_get(&by_num, "main", i), i);
		ck_assert_int_eq(html_keys_get(&by_name, name[i], 0), i);
	}
	html_keys_clear(&by_num);
	html_keys_clear(&by_name);
}
END_TEST

/* The span (kind, row) that ends at t1, or NULL. */
static struct tl_span *span_at(struct tl_model *m, enum span_kind kind, int row,
			       int64_t t1)
{
	for (size_t i = 0; i < m->spans.n; i++)
		if (m->spans.v[i].kind == kind && m->spans.v[i].row == row &&
		    m->spans.v[i].t1 == t1)
			return &m->spans.v[i];
	return NULL;
}

/* Answers out of order, two holders using the same ids, an id used again
 * once its first command ended, an id used twice at once: each answer ends
 * the latest wait of its holder and id still open (the model's index, not
 * a walk). */
START_TEST(test_model_answers_by_id)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/test_timeline-XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	int fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
	FILE *f = fdopen(fd, "w");
	ck_assert(f != NULL);
	fputs("{\"t\":0,\"type\":\"meta\",\"process\":\"harness\",\"title\":\"ids\"}\n", f);
#define INV(t, p, id, s) fprintf(f, "{\"t\":%d,\"type\":\"invoke\",\"process\":\"%s\"," \
	"\"op\":\"deliver\",\"id\":%d,\"session\":\"%s\",\"lane\":\"main\",\"msg\":\"m%d\"}\n", \
	t, p, id, s, t)
#define ANS(t, p, ty, id) fprintf(f, "{\"t\":%d,\"type\":\"%s\",\"process\":\"%s\"," \
	"\"id\":%d,\"reason\":\"r%d\"}\n", t, ty, p, id, t)
	INV(1000, "A", 1, "s1");
	INV(2000, "A", 2, "s2");
	INV(3000, "B", 1, "s3");
	ANS(4000, "A", "ok", 2);
	ANS(5000, "B", "fail", 1);
	ANS(6000, "A", "ok", 1);
	INV(7000, "A", 1, "s4"); /* id 1 again, its first command ended */
	ANS(8000, "A", "fail", 1);
	INV(9000, "A", 9, "s5"); /* id 9 twice at once: the latest first */
	INV(10000, "A", 9, "s6");
	ANS(11000, "A", "ok", 9);
	ANS(12000, "A", "fail", 9);
#undef INV
#undef ANS
	ck_assert_int_eq(fclose(f), 0);

	struct tl *t = tl_open(path, 0);
	unlink(path);
	struct tl_model *m = &t->m;
	int a = row_named(m, "A"), b = row_named(m, "B");
	struct tl_span *sp;

	ck_assert_ptr_nonnull(sp = span_at(m, SP_WAIT, a, 4000));
	ck_assert_int_eq(sp->t0, 2000);
	ck_assert_ptr_nonnull(strstr(sp->tip, "deliver s2:"));
	ck_assert_ptr_nonnull(sp = span_at(m, SP_WAIT_FAIL, b, 5000));
	ck_assert_int_eq(sp->t0, 3000);
	ck_assert_str_eq(sp->label, "waited 0.002 s for s3: r5000");
	ck_assert_ptr_nonnull(sp = span_at(m, SP_WAIT, a, 6000));
	ck_assert_int_eq(sp->t0, 1000);
	ck_assert_ptr_nonnull(strstr(sp->tip, "deliver s1:"));
	ck_assert_ptr_nonnull(sp = span_at(m, SP_WAIT_FAIL, a, 8000));
	ck_assert_int_eq(sp->t0, 7000);
	ck_assert_str_eq(sp->label, "waited 0.001 s for s4: r8000");
	ck_assert_ptr_nonnull(sp = span_at(m, SP_WAIT, a, 11000));
	ck_assert_int_eq(sp->t0, 10000);
	ck_assert_ptr_nonnull(sp = span_at(m, SP_WAIT_FAIL, a, 12000));
	ck_assert_int_eq(sp->t0, 9000);
	ck_assert_str_eq(sp->label, "waited 0.003 s for s5: r12000");
	for (size_t i = 0; i < m->spans.n; i++) /* nothing left open */
		ck_assert_int_ne(m->spans.v[i].kind, SP_WAIT_LOST);
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

/* Writes a history of holder A and one fault event `fault_fields` (JSON
 * members) to a scratch file; returns its path (static). */
static const char *one_fault(const char *fault_fields)
{
	static char path[4096];
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof(path), "%s/test_timeline-XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	int fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
	FILE *f = fdopen(fd, "w");
	ck_assert(f != NULL);
	fprintf(f, "{\"t\":0,\"type\":\"meta\",\"process\":\"harness\"}\n"
		"{\"t\":1000,\"type\":\"spawn\",\"process\":\"A\",\"pid\":7}\n"
		"{\"t\":2000,\"type\":\"invoke\",\"process\":\"A\",\"id\":1,"
		"\"op\":\"acquire\",\"session\":\"s1\"}\n"
		"{\"t\":500000,\"type\":\"fault\",\"process\":\"harness\",%s}\n",
		fault_fields);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open '%s': %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	ck_assert(s != NULL);
	ck_assert_int_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* Every row of the fault table is drawn from the row alone: its glyph
 * defined with the row's SVG, its mark using that glyph, its texts from
 * its describe, its legend line. A new row needs nothing in report/. */

/* The worker draws from the events it has (html_timeline_write_events), not
 * from history.jsonl read back: the page is the same, byte for byte, for
 * every stored history; a first event that is not meta is refused as from
 * the file. */
static char *slurp_n(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	ssize_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	*len = 0;
	buf = malloc(1 << 20);
	ck_assert(buf != NULL);
	while ((n = (ssize_t)fread(buf + *len, 1, (1 << 20) - *len, f)) > 0)
		*len += (size_t)n;
	ck_assert_uint_lt(*len, 1 << 20);
	fclose(f);
	return buf;
}

START_TEST(test_events_draw_as_the_file)
{
	static const char *const files[] = {
		"html-hostile.jsonl", "html-reclaim.jsonl", "html-stuck.jsonl",
		"seed000-cleanup-throws.jsonl", "seed001-live-holder-taken.jsonl",
		"seed002-sigkill-reclaimed.jsonl", "seed002-sigkill-stuck.jsonl",
		"seed004-frozen-reclaimed.jsonl",
	};
	const char *tmp = getenv("TMPDIR");
	char dir[4096], a[4200], b[4200];
	size_t i;

	snprintf(dir, sizeof(dir), "%s/test_timeline-XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/from-file.html", dir);
	snprintf(b, sizeof(b), "%s/from-events.html", dir);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[256], *line = NULL, *err = NULL, *pa, *pb;
		size_t cap = 0, la, lb;
		ssize_t n;
		jv events = jv_array();
		FILE *f;

		snprintf(path, sizeof(path), HIST "%s", files[i]);
		f = fopen(path, "r");
		ck_assert(f != NULL);
		while ((n = getline(&line, &cap, f)) > 0) {
			jv v = jv_parse_sized(line, (int)n);

			if (jv_is_valid(v))
				events = jv_array_append(events, v);
			else
				jv_free(v);
		}
		free(line);
		fclose(f);
		ck_assert_int_eq(html_timeline_write(path, a, &err), 0);
		ck_assert_int_eq(html_timeline_write_events(events, path, b, &err), 0);
		pa = slurp_n(a, &la);
		pb = slurp_n(b, &lb);
		ck_assert_msg(la == lb && !memcmp(pa, pb, la),
			      "%s: the page from its events differs (%zu against %zu bytes)",
			      files[i], lb, la);
		free(pa);
		free(pb);
		jv_free(events);
	}
	{
		char *err = NULL;
		jv bad = jv_parse("[{\"type\":\"spawn\",\"process\":\"A\"}]");

		ck_assert_int_eq(html_timeline_write_events(bad, "h.jsonl", b, &err), -1);
		ck_assert_ptr_nonnull(strstr(err, "h.jsonl:1: first event is 'spawn', not 'meta'"));
		free(err);
		jv_free(bad);
	}
	unlink(a);
	unlink(b);
	rmdir(dir);
}
END_TEST

/* The worker's events come with history.jsonl just written from them: its
 * lines are the events' text (none dumped again); a file without a line
 * for each event is not trusted, and each event is dumped once. */
START_TEST(test_events_take_their_lines_from_the_file)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	struct tl_history h = { 0 };
	jv events = jv_parse("[{\"type\":\"meta\",\"t\":0,\"seed\":7},"
			     "{\"type\":\"spawn\",\"process\":\"A\",\"t\":5}]");
	char *err = NULL;
	const char *first;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/test_timeline-XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	/* as written, told apart from a dump by its spaces */
	fputs("{\"type\": \"meta\", \"t\": 0, \"seed\": 7}\n"
	      "{\"type\": \"spawn\", \"process\": \"A\", \"t\": 5}\n", f);
	fclose(f);
	ck_assert_int_eq(tl_history_from(&h, events, path, &err), 0);
	ck_assert_str_eq(tl_event_raw(&h, 1),
			 "{\"type\": \"spawn\", \"process\": \"A\", \"t\": 5}");
	tl_history_clear(&h);
	/* one line more than there are events: dumped */
	f = fopen(path, "a");
	fputs("{\"type\":\"exit\"}\n", f);
	fclose(f);
	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(tl_history_from(&h, events, path, &err), 0);
	ck_assert_str_eq(tl_event_raw(&h, 1),
			 "{\"type\":\"spawn\",\"process\":\"A\",\"t\":5}");
	first = tl_event_raw(&h, 0);
	ck_assert_ptr_eq(tl_event_raw(&h, 0), first); /* made once */
	tl_history_clear(&h);
	unlink(path);
	jv_free(events);
}
END_TEST

START_TEST(test_every_fault_row_is_drawn)
{
	int rows = 0;
	for (int i = 0; fault_table[i]; i++, rows++) {
		const struct fault *fr = fault_table[i];
		char fields[256], want[4096], out[4200];
		snprintf(fields, sizeof(fields),
			 "\"fault\":\"%s\",\"target\":\"A\",\"session\":\"s1\","
			 "\"kind\":\"corrupt\",\"name\":\"p\",\"pid\":7",
			 fr->name);
		const char *path = one_fault(fields);
		struct tl *t = tl_open(path, 1);
		ck_assert_int_eq(marks(&t->m, G_FAULT, -1), 1);
		struct tl_mark *k = fault_mark(&t->m, fr->name);
		ck_assert_ptr_eq(k->fault, fr);
		jv ev = t->h.ev.v[t->h.ev.n - 1].v;
		char *brief = fault_describe(ev, 1), *full = fault_describe(ev, 0);
		ck_assert_str_eq(k->label, brief);
		ck_assert_str_eq(k->tip, full);
		free(brief);
		free(full);
		tl_close(t);

		snprintf(out, sizeof(out), "%s.html", path);
		char *err = NULL;
		ck_assert_msg(html_timeline_write(path, out, &err) == 0, "%s", err);
		char *page = slurp(out);
		ck_assert_ptr_nonnull(fr->glyph);
		ck_assert_ptr_nonnull(fr->svg);
		snprintf(want, sizeof(want), "<g id=\"g-%s\">%s</g>\n", fr->glyph, fr->svg);
		ck_assert_msg(strstr(page, want), "%s: no symbol %s", fr->name, want);
		snprintf(want, sizeof(want), "<g class=\"ev mk g-%s fault\">", fr->glyph);
		ck_assert_msg(strstr(page, want), "%s: no mark %s", fr->name, want);
		snprintf(want, sizeof(want), "<use href=\"#g-%s\"/></svg>%s</span>",
			 fr->glyph, fr->legend);
		ck_assert_msg(strstr(page, want), "%s: no legend %s", fr->name, want);
		ck_assert_ptr_null(strstr(page, "other fault"));
		/* a fault that ends its target is labelled in red */
		ck_assert_msg(!strstr(page, "class=\"lbl bad\"") == !fr->ends_target,
			      "%s: ends_target %d", fr->name, fr->ends_target);
		ck_assert_msg(!strstr(page, "class=\"lbl hi\"") == !!fr->ends_target,
			      "%s: ends_target %d", fr->name, fr->ends_target);
		free(page);
		unlink(out);
		unlink(path);
	}
	ck_assert_int_ge(rows, 8);
}
END_TEST

/* A fault no row knows (an older or newer harness wrote the history) is
 * still drawn: the generic glyph, its name, "other fault". */
START_TEST(test_unknown_fault)
{
	const char *path = one_fault("\"fault\":\"quake\",\"target\":\"A\"");
	struct tl *t = tl_open(path, 1);
	struct tl_mark *k = mark_of(&t->m, G_FAULT);
	ck_assert_ptr_null(k->fault);
	ck_assert_str_eq(k->label, "quake");
	ck_assert_str_eq(k->tip, "fault quake on A");
	ck_assert_int_eq(k->row, t->m.procs.v[0].row0);
	tl_close(t);

	char out[4200], *err = NULL;
	snprintf(out, sizeof(out), "%s.html", path);
	ck_assert_int_eq(html_timeline_write(path, out, &err), 0);
	char *page = slurp(out);
	ck_assert_ptr_nonnull(strstr(page, "<g class=\"ev mk g-fault fault\">"));
	ck_assert_ptr_nonnull(strstr(page, "<use href=\"#g-fault\"/></svg>other fault</span>"));
	free(page);
	unlink(out);
	unlink(path);
}
END_TEST

/* A holder in a container of its own says which (`pid 7 in c1`); a
 * sweep's removal is a mark on the sweeper's row. */
START_TEST(test_namespace_and_sweep)
{
	static char path[4096];
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof(path), "%s/test_timeline-XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	int fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
	FILE *f = fdopen(fd, "w");
	ck_assert(f != NULL);
	fprintf(f, "{\"t\":0,\"type\":\"meta\",\"process\":\"harness\"}\n"
		"{\"t\":1000,\"type\":\"spawn\",\"process\":\"A\",\"pid\":7,"
		"\"ns\":\"c1\"}\n"
		"{\"t\":1000,\"type\":\"spawn\",\"process\":\"C\",\"pid\":8}\n"
		"{\"t\":2000,\"type\":\"invoke\",\"process\":\"C\",\"id\":1,"
		"\"op\":\"sweep\"}\n"
		"{\"t\":3000,\"type\":\"swept\",\"process\":\"C\",\"id\":1,"
		"\"session\":\"s1\",\"verdict\":\"removed\",\"reason\":"
		"\"dead-pid\"}\n"
		"{\"t\":3100,\"type\":\"swept\",\"process\":\"C\",\"id\":1,"
		"\"session\":\"s2\",\"verdict\":\"kept\",\"reason\":\"live\"}\n");
	ck_assert_int_eq(fclose(f), 0);

	char out[4200], *err = NULL;
	snprintf(out, sizeof(out), "%s.html", path);
	ck_assert_msg(html_timeline_write(path, out, &err) == 0, "%s", err);
	char *page = slurp(out);
	ck_assert_ptr_nonnull(strstr(page, "pid 7 in c1"));
	ck_assert_ptr_nonnull(strstr(page, ">pid 8<"));
	ck_assert_ptr_nonnull(
	    strstr(page, "C&#39;s sweep removed the lock of s1 (dead-pid)"));
	ck_assert_ptr_null(strstr(page, "lock of s2"));
	free(page);
	unlink(out);
	unlink(path);
}
END_TEST

/* The checkers named on the page are explained from the table of
 * checkers, in its order. */
START_TEST(test_checker_legend)
{
	const char *tmp = getenv("TMPDIR");
	char out[4096], *err = NULL;
	snprintf(out, sizeof(out), "%s/test_timeline-%d.html",
		 tmp && *tmp ? tmp : P_tmpdir, (int)getpid());
	ck_assert_int_eq(html_timeline_write(HIST "html-stuck.jsonl", out, &err), 0);
	char *page = slurp(out);
	unlink(out);
	const char *lg = strstr(page, "<div class=\"legend\" id=\"checkers\">");
	ck_assert_ptr_nonnull(lg);
	const char *prev = lg;
	int n = 0;
	for (int c = 0; c < CHECK__NR; c++) {
		char want[512];
		snprintf(want, sizeof(want), "<span><b>%s:</b>%s</span>",
			 checker_name((enum checker)c), checker_about((enum checker)c));
		const char *at = strstr(lg, want);
		ck_assert_msg(at != NULL, "no legend line %s", want);
		ck_assert_msg(at > prev, "%s out of the table's order", want);
		prev = at;
		n++;
	}
	/* html-stuck names every built-in checker: recovery failed, the
	 * rest passed */
	ck_assert_int_eq(n, 7);
	free(page);

	/* a history without verdicts explains none */
	ck_assert_int_eq(html_timeline_write(HIST "seed002-sigkill-reclaimed.jsonl", out, &err), 0);
	page = slurp(out);
	unlink(out);
	ck_assert_ptr_null(strstr(page, "id=\"checkers\""));
	free(page);
}
END_TEST

static Suite *timeline_suite(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = unit_tcase(s, "model", 30, NULL, NULL);
	tcase_add_test(tc, test_model_sigkill_reclaimed);
	tcase_add_test(tc, test_model_stuck_spinner);
	tcase_add_test(tc, test_model_started_row);
	tcase_add_test(tc, test_history_errors);
	tcase_add_test(tc, test_events_draw_as_the_file);
	tcase_add_test(tc, test_events_take_their_lines_from_the_file);
	tcase_add_test(tc, test_keys_index);
	tcase_add_test(tc, test_keys_spread);
	tcase_add_test(tc, test_model_answers_by_id);
	tc = unit_tcase(s, "layout", 30, NULL, NULL);
	tcase_add_test(tc, test_layout_places_without_overlap);
	tcase_add_test(tc, test_layout_nudges_glyphs_apart);
	tcase_add_test(tc, test_layout_crowd);
	tc = unit_tcase(s, "tables", 30, NULL, NULL);
	tcase_add_test(tc, test_every_fault_row_is_drawn);
	tcase_add_test(tc, test_unknown_fault);
	tcase_add_test(tc, test_namespace_and_sweep);
	tcase_add_test(tc, test_checker_legend);
	return s;
}

int main(void)
{
	return unit_main(timeline_suite());
}
