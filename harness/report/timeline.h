/*
 * timeline.h - the stages of one scenario's timeline page, and the data
 * they hand each other. The public entry point is html_timeline_write
 * (html.h); this header is for the files that implement it.
 *
 *   history.jsonl --tl_history_load--> struct tl_history   (timeline_history.c)
 *                 --tl_model_build---> struct tl_model     (timeline_model.c)
 *                 --tl_layout_build--> geometry in place   (timeline_layout.c)
 *                 --tl_draw_svg------> <svg> and legend    (timeline_draw.c)
 *   timeline.c writes the page around the drawing: header, verdicts,
 *   the one-sentence story, the raw events.
 *
 * Each stage only reads what the stages before it produced:
 *   - the model says what happened, in scenario time (microseconds): rows
 *     (lock sessions, then each holder's lanes), spans (waits, holds,
 *     lock-file owners, frozen and spinning bands, process lives), marks
 *     (a glyph and a label at one time on one row), deadlines (each hold's
 *     own maxHoldMs) and pins (failed verdicts). Pure data: no geometry, no
 *     output; every text it makes is plain text, escaped only when drawn.
 *   - the layout decides where things go: the time scale, row heights,
 *     verdict boxes stacked in tiers, glyphs nudged apart, and every label
 *     that needs room (span labels, mark labels, deadline labels), placed
 *     so that none overlaps another or dropped to the hover text. It writes
 *     its results into the fields marked "layout" below. No output.
 *   - the drawing turns the model and its layout into SVG: styles and
 *     glyph shapes per kind, times to x through tl_x, offsets fixed within
 *     a row. It decides nothing about room.
 *
 * Pointers: every `const char *` in these structs borrows from the
 * history's jv objects (or from static strings) and lives as long as the
 * tl_history; fields marked "owned" are freed by tl_model_clear.
 */
#ifndef LOCKCHAOS_TIMELINE_H
#define LOCKCHAOS_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#include <jv.h>

#include "report/html_common.h"

/* ---- the history ---------------------------------------------------------- */

struct tl_event {
	jv v;             /* the event object, owned */
	int64_t t;        /* microseconds since start */
	int line;         /* line number in the file, for messages */
	const char *type; /* borrowed from v */
	const char *proc; /* borrowed from v, NULL when absent */
	char *tip;	  /* its text in a mark's tooltip, escaped: made
			     once (timeline_draw.c), owned */
	const char *raw;  /* the event as one JSON line (jvx_dump's bytes):
			     tl_event_raw */
	char *raw_own;	  /* raw when dumped here, owned */
};

struct tl_history {
	VEC(struct tl_event) ev;
	char seed[32]; /* meta's seed as written: a double loses 64-bit seeds */
	char *text;    /* the file's lines, raw's of tl_history_from, owned */
};

/*
 * Reads the history at `path` (docs/history.md: JSON lines, a `meta` event
 * first; blank lines skipped). An event without a usable "t" takes the time
 * of the one before it. Returns 0, or -1 with *err set (html.h) when the
 * file cannot be read, a line is not a JSON object or has no "type", the
 * first event is not `meta`, or there is no event; `h` is then empty.
 */
int tl_history_load(struct tl_history *h, const char *path, char **err);
/* The same from `events` (borrowed): the history as history_write wrote it
 * to `path` (one event a line), without parsing it again. The lines of
 * `path` are kept as the events' raw text when there is one for each
 * event (history_write wrote jvx_dump of each), so that none is dumped
 * again; otherwise each is dumped when it is first shown. */
int tl_history_from(struct tl_history *h, jv events, const char *path,
		    char **err);
/* Event i of h as one JSON line (jvx_dump(v)'s bytes), made at most once;
 * borrowed from h. */
const char *tl_event_raw(struct tl_history *h, size_t i);
void tl_history_clear(struct tl_history *h);

/* ---- the model ------------------------------------------------------------ */

enum row_kind {
	ROW_SESSION, /* a lock session */
	ROW_LANE,    /* a holder's lane */
	ROW_STARTED, /* processes the harness started itself (the stand-in
			that took a dead holder's pid): one row, last */
};

struct tl_row {
	enum row_kind kind;
	const char *proc;    /* lane rows: the holder */
	const char *lane;    /* lane rows: the lane */
	const char *session; /* session rows */
	int pi;              /* index in model.procs, or -1 */
	double y;            /* layout: top */
	double h;            /* layout: height */
};

struct tl_proc {
	const char *name;
	int row0, nrows;   /* its lane rows */
	int64_t t_spawn;   /* -1: never said hello */
	int64_t t_exit;    /* -1: did not exit */
	int ev_spawn, ev_exit;
	int64_t freeze_t;  /* open freeze band, or -1 */
	int freeze_ev;
	int64_t spin_t;    /* open spin band, or -1 */
	int64_t spin_end;  /* planned end of the spin, or -1 for forever */
	int spin_ev;
	const char *impl, *version, *bug; /* from hello */
	double pid;
	const char *ns;    /* its own PID namespace (spawn `ns`), or NULL */
};

/* The order is the legend's order (timeline_draw.c's span table). */
enum span_kind {
	SP_LIFE,      /* process alive (thin line) */
	SP_WAIT,      /* waiting for a lock, got it */
	SP_WAIT_FAIL, /* waiting, gave up or was refused */
	SP_WAIT_LOST, /* waiting, never answered */
	SP_HOLD,      /* holding within maxHoldMs */
	SP_HOLD_OVER, /* holding past its own maxHoldMs */
	SP_HOLD_LOST, /* believes it holds, but another took the lock */
	SP_OWN,       /* session row: lock file owned by a live holder */
	SP_STALE,     /* session row: lock file of a dead holder */
	SP_FROZEN,    /* band: SIGSTOPped */
	SP_SPIN,      /* band: event loop blocked */
	SP__NR
};

struct tl_span {
	enum span_kind kind;
	int row, nrows;   /* bands and lives cover nrows rows */
	int64_t t0, t1;
	int ev0, ev1;     /* events that open and close it, -1 if none */
	char *label;      /* drawn inside when it fits, owned */
	char *tip;        /* first line of the hover text, owned */
	double x0, x1;    /* layout: left and right (bars at least 2.5 px) */
	double y, h;      /* layout: the box (not set for SP_LIFE) */
	int label_ok;     /* layout: the label has room */
};

/* The order is the legend's order (timeline_draw.c's glyph table). A
 * fault is G_FAULT: its mark points to its row of the fault table
 * (faults/faults.h), which gives its text, its glyph and its legend; the
 * legend lists the faults in the table's order. */
enum glyph {
	G_NONE, /* label only */
	G_FAULT,
	G_DELIVERED, G_REFUSED, G_DROPPED, G_LOST, G_DUP, G_WRITTEN,
	G_APPENDED, G_RECLAIM, G_RELEASE_WHY, G_WARN, G_PROTO, G_EXIT,
	G_DEATH, G_LEFT,
	G__NR
};

/* Which label wins the room when two want it. */
enum prio { PRIO_LOW, PRIO_MID, PRIO_HIGH };

struct fault; /* faults/faults.h */

struct tl_mark {
	enum glyph glyph;
	const struct fault *fault; /* G_FAULT: its row, NULL for a fault no
				      row knows */
	int row;         /* -1: not drawn */
	int64_t t;
	int ev;          /* -1: none */
	char *label;     /* owned, may be NULL */
	char *tip;       /* owned: first line of the hover text */
	enum prio prio;
	double gx, gy;   /* layout: where the glyph is drawn */
	int placed;      /* layout: label drawn */
	double lx, ly;   /* layout: label position */
	int anchor_end;  /* layout: label ends at lx */
};

struct tl_deadline {
	int row;
	int64_t t0, t1; /* acquired, acquired + maxHoldMs */
	int64_t ms;
	int hot;        /* the hold was still on when it passed */
	int quiet;      /* released in time: a tick, no bracket */
	int ev;
	const char *proc, *session;
	char *label;    /* layout: hot deadlines whose label fits, owned */
	double lx, ly;  /* layout: label position */
};

struct tl_pin {
	int64_t at;
	int ev;
	int row;         /* row of `process`, or -1 */
	const char *checker, *msg, *proc;
	double bx, by, bw, bh; /* layout: the verdict box */
	char **lines;    /* layout: its text, wrapped; owned */
	int nlines;
};

struct tl_scratch; /* timeline_model.c's working lists while it builds */

struct tl_model {
	jv meta;                 /* the meta event, borrowed */
	int ev_final;            /* -1: no final event */
	int64_t t_min, t_end;
	VEC(struct tl_row) rows;
	VEC(struct tl_proc) procs;
	VEC(const char *) sessions;
	VEC(struct tl_span) spans;
	VEC(struct tl_mark) marks;
	VEC(struct tl_deadline) deadlines;
	VEC(struct tl_pin) pins; /* failed verdicts; the layout sorts them by time */
	VEC(const char *) passed; /* checkers with an ok verdict */
	const char *status;      /* the run's status from its `result` event
				    (pass, fail, na, error ...), NULL in a
				    history without one (then: pins decide) */
	size_t nmsgs;            /* messages handed to holders */
	int nfaults;
	int nout[G__NR];         /* messages per outcome glyph */
	int used_span[SP__NR];   /* the legend shows what was used */
	int used_glyph[G__NR];
	size_t marks_cut, spans_cut; /* not drawn: over the caps (tl_model_cap) */
	struct tl_scratch *work; /* NULL outside tl_model_build */
};

/*
 * Builds the model of history `h` (at least its meta event, as
 * tl_history_load leaves it) into `m`, which must be zeroed. Never fails:
 * what the history leaves open (holds, waits, lock files, bands) is closed
 * at its end, and what it does not say is shown as absent, not guessed.
 * `m` borrows from `h`: clear `m` first.
 */
void tl_model_build(struct tl_model *m, struct tl_history *h);
void tl_model_clear(struct tl_model *m);

/*
 * Keeps the drawing's size bounded by what can be looked at, not by the
 * history: at most `max_marks` marks (high priority first, then middle,
 * then low: delivered messages and transcript ticks go first) and at most
 * `max_spans` bars (lives, then what went wrong: failed or lost waits,
 * holds past maxHoldMs or lost, stale files, freezes and spins; then the
 * rest, earliest first), and as many maxHoldMs deadlines (hot ones
 * first, quiet ticks last). What is left out is counted in marks_cut and
 * spans_cut and freed; the page says so and links history.jsonl. Call
 * after tl_model_build, before the layout. O(n).
 */
#define TL_MAX_MARKS 1000
#define TL_MAX_SPANS 1000
void tl_model_cap(struct tl_model *m, size_t max_marks, size_t max_spans);

/* Whether `proc` names a holder (not empty, not "harness"). */
int tl_is_holder(const char *proc);

/* ---- the layout ----------------------------------------------------------- */

#define SVG_W 1360.0    /* the drawing's width; rows fill it */
#define PLOT_X0 190.0   /* time axis: left of it, the row names */
#define PLOT_X1 1330.0
#define ROW_H 56.0      /* a holder's lane */
#define SROW_H 34.0     /* a lock session */
#define CHAR_W 6.4      /* 11.5px sans text, a little generous */
#define PIN_CHARS 78    /* verdict text wraps at this many characters */
#define PIN_LINE_H 15.0

struct tl_box {
	double x0, x1, y0, y1;
};

struct tl_layout {
	double rows_y0, rows_y1;
	double pins_y0;
	double height;
	int64_t t0, t1;
	double scale;          /* px per microsecond */
	VEC(struct tl_box) occ; /* label boxes taken */
};

/*
 * Lays model `m` out in `L` (zeroed) and in the layout fields of `m`'s
 * rows, spans, marks, deadlines and pins. May shorten a mark's label that
 * fits nowhere (once, at a space), and sorts the pins by time. Never fails.
 * tl_layout_clear frees what L holds; what it put in `m` goes with `m`.
 */
void tl_layout_build(struct tl_model *m, struct tl_layout *L);
void tl_layout_clear(struct tl_layout *L);

/* The x of time `t` (microseconds), clamped to the plot. */
double tl_x(const struct tl_layout *L, int64_t t);

/* ---- the drawing ---------------------------------------------------------- */

/*
 * Writes the <svg id="timeline"> element of laid-out model `m`: rows,
 * axes, bands, bars, lives, deadlines, glyphs, labels, verdict pins. Every
 * drawn element of class "ev" carries a <title>: its plain-words tip, then
 * the raw events (from `h`) behind it.
 */
void tl_draw_svg(FILE *f, struct tl_model *m, struct tl_history *h,
		 struct tl_layout *L);

/*
 * Zoom and pan on the time axis (timeline_zoom.c): tl_zoom_controls writes
 * the buttons (put them just above the drawing), tl_zoom_script the
 * script that drives them, the wheel, dragging and the keys (put it after
 * the drawing). The script reads the data-* attributes tl_draw_svg writes.
 */
void tl_zoom_controls(FILE *f);
void tl_zoom_script(FILE *f);

/* Writes the legend (<div class="legend">): one swatch per span kind and
 * glyph that `m` used, the deadline and the verdict pin when present. */
void tl_draw_legend(FILE *f, struct tl_model *m);

#endif
