/*
 * faults.h - the table of faults: what a scenario can do to its holders and
 * to their files, one row per statement word.
 *
 * A fault is one file of faults/ (signal.c, freeze.c, recycle.c,
 * failpoint.c, damage.c ...) holding its row(s), and one line in the table
 * (faults.c). A row says everything the rest of the harness needs:
 *  - the language: the statement word, its arguments and keys (kind,
 *    default, help), read by the parser (scenario/fault_stmt.c), which
 *    builds its error messages from them, as fault_help() builds a help
 *    text;
 *  - the run: the inject function the step loop calls, which acts on the
 *    run (run/run_internal.h) and records one `fault` event, or sets
 *    r->fault_error when the fault did not take;
 *  - the history: the fields that event carries (docs/history.md);
 *  - the reports: a legend, a glyph (an SVG symbol) and a describe
 *    function giving the text shown for the event.
 * Adding a fault touches its file, faults.c and the docs; nothing in the
 * parser, the step loop or the report writers.
 */
#ifndef LOCKCHAOS_FAULTS_H
#define LOCKCHAOS_FAULTS_H

#include <stdint.h>
#include <stdio.h>
#include <jv.h>

struct run;	 /* run/run_internal.h */
struct scn_step; /* scenario/scenario.h */

/* What one argument of a fault statement holds, and how it is checked. */
enum fault_arg {
	FAULT_ARG_HOLDER,   /* a declared holder; becomes the step's target
			       (st->holder) */
	FAULT_ARG_SESSION,  /* a session name (st->session) */
	FAULT_ARG_CHOICE,   /* one word of key->choices; num: its index */
	FAULT_ARG_DURATION, /* 500ms, 2s, 1.5s or ms; num: milliseconds */
	FAULT_ARG_ERRNO,    /* EIO, ENOSPC ... or a number; num: the errno */
	FAULT_ARG_POINT,    /* a libfiu point name: no comma, no blank */
	FAULT_ARG_OWNER,    /* init, dead, or a declared holder */
	FAULT_ARG_FLAG,	    /* a bare word, there or not; num: 1 if there */
	FAULT_ARG_TEXT,	    /* any non-empty text (quoted if it has blanks);
			       the row's validate checks its form */
};

/*
 * One argument. Positional ones come first, in order, right after the
 * statement word; the others are `name=value` words (or bare flag words) in
 * any order, the last one given winning.
 */
struct fault_key {
	const char *name;     /* key word (`name=`), flag word, or what a
				 positional is called in errors ("kind") */
	enum fault_arg kind;
	const char *meta;     /* placeholder in the synopsis: HOLDER, POINT */
	int positional;	      /* a word in order, not key=value */
	int required;	      /* a key that must be given */
	int64_t def;	      /* num when not given */
	const char *def_text; /* the default as help shows it; NULL: none */
	const char *const *choices; /* FAULT_ARG_CHOICE: NULL-terminated */
	const char *help;     /* one line */
	int many;	      /* the last positional, a holder: one or more
				 names (`jitter C1 C2 ...`), up to the first
				 key=value or flag word; str holds them
				 blank-separated, the step's holder is the
				 first */
};

#define FAULT_MAX_KEYS 12

/* What running a fault needs of the machine or of its holder. */
#define FAULT_NEEDS_FIU 1u   /* run the holder under fiu-run -x */
#define FAULT_NEEDS_PIDNS 2u /* a private PID namespace, else unsupported */
#define FAULT_NEEDS_CLOCK 4u /* run the holder with libfaketime (clock.c) */
#define FAULT_NEEDS_JITTER 8u /* start the holder(s) with build/libjitter.so
				 preloaded (faults/jitter.c) */

struct fault {
	const char *name;     /* the statement word; `fault` in the event */
	const struct fault_key *keys; /* positionals first; ends at name NULL */
	const char *synopsis; /* the arguments, as errors and help show them */
	const char *arity;    /* a wrong word count is told "expected
				 <arity>"; NULL: the synopsis */
	const char *help;     /* one line: what it does */
	unsigned needs;	      /* FAULT_NEEDS_* */
	/* After every key was read: NULL, or why the combination is wrong
	 * ("errno and delay exclude each other"). May be NULL. */
	const char *(*validate)(const struct scn_step *st);
	/* A holder capability the step needs (docs/holder-protocol.md), or
	 * NULL. May be NULL. */
	const char *(*capability)(const struct scn_step *st);
	/* Injects the fault and records its event (run_fault_record), or
	 * records why it did not take in r->fault_error. NULL for a fault
	 * that is not a statement of its own (spin: a holder operation). */
	void (*inject)(struct run *r, const struct scn_step *st);
	const char *fields;   /* the event's own fields, for the docs */
	int ends_target;      /* the target is dead from this event on */
	/* Reports. */
	const char *legend;   /* legend entry: "SIGKILL" */
	const char *glyph;    /* symbol id (the timeline draws #g-<glyph>)
				 and CSS class */
	const char *svg;      /* the symbol's drawing, in a 16x16 box centred
				 on 0,0 */
	/* The text shown for event `ev` (borrowed): brief, the mark's label
	 * ("SIGKILL"), else the sentence of its tooltip ("harness sent
	 * SIGKILL to A"). Malloc'ed. */
	char *(*describe)(jv ev, int brief);
};

/* The table, in the order help and errors list it; ends at NULL. */
extern const struct fault *const fault_table[];

/* The row whose statement word (or event `fault` field) is `name`, or
 * NULL. */
const struct fault *fault_find(const char *name);

/* The row of a `fault` event (borrowed), or NULL for an unknown one. */
const struct fault *fault_of_event(jv ev);

/* Text for any `fault` event (borrowed): its row's describe, or "NAME" /
 * "fault NAME on TARGET" for a fault no row knows. Malloc'ed. */
char *fault_describe(jv ev, int brief);

/* Index of key `name` in f->keys, or -1. */
int fault_key_index(const struct fault *f, const char *name);

/* Writes one paragraph per fault statement: `WORD SYNOPSIS`, its help, and
 * unless `brief` each key with its kind, default and help. For --help and
 * the docs. */
void fault_help(FILE *fp, int brief);

/* ---- failpoint.c: which names can fire ----------------------------------- */

/* 1 when `name` is under the prefixes of libfiu's POSIX preload library
 * (posix/, libc/, linux/): those are checked when the scenario is parsed. */
int failpoint_is_wrapper(const char *name);

/*
 * NULL when failpoint `name` can be armed in a holder whose hello declared
 * `declared` (its "failpoints": a jv array of names, borrowed; anything
 * else, when it declared none: nothing to check against), else why not,
 * with the nearest declared names (malloc'ed). `impl` names the holder's
 * implementation in the message. Wrapper points are always NULL here.
 */
char *failpoint_check_declared(const char *name, const char *impl,
			       jv declared);

/* ---- clock.c: a holder's wall clock ---------------------------------------- */

struct hstate; /* run/run_internal.h */

/* The libfaketime preload library: $LOCKCHAOS_FAKETIME_LIB, else the path
 * the build found (Debian's libfaketime package). */
const char *clock_faketime_lib(void);

/* A signed duration ("-2h", "+90m", "30s", "+1.5d", "0", up to ten years)
 * into *ms. 0, or -1 when it is not one. */
int clock_parse_offset(const char *s, int64_t *ms);

/* A drift ("+5%", "-0.5%", "0%"; above -100%) into *pct. 0, or -1. */
int clock_parse_drift(const char *s, double *pct);

/*
 * For a holder a clock statement targets (decl->needs_clock; else a
 * no-op): writes its time file in the scratch folder ("+0": real time
 * until a clock statement runs) and appends to env[*n] (room for 5) what
 * the holder runs with: the libfaketime variables, and LD_PRELOAD, or,
 * when it runs under fiu-run (which sets LD_PRELOAD itself),
 * LOCKCHAOS_FAKETIME_PRELOAD for clock_wrap_argv's shell to append. 0, or
 * -1 with *err (no libfaketime: the run cannot inject what it says).
 */
int clock_holder_env(struct run *r, struct hstate *h, char **env, int *n,
		     char **err);

/* Puts at argv[a] (room for 4) the words that append libfaketime to
 * fiu-run's LD_PRELOAD, for a holder with failpoints and clock faults;
 * returns the new a (unchanged for any other holder). */
int clock_wrap_argv(const struct hstate *h, const char **argv, int a);

/* ---- jitter.c: starting a jittered holder --------------------------------- */

/*
 * For a holder a `jitter` names (scn_holder.needs_jitter), before it
 * starts: writes its control block (off) into the scratch folder and
 * appends the two variables the preload library reads to env[*n] (room
 * for two). 0, or -1 with r->error set (no build/libjitter.so beside the
 * harness, or the block could not be written).
 */
int jitter_prepare(struct run *r, struct hstate *h, char **env, int *n);

/* Appends the launcher that adds the library to LD_PRELOAD, innermost
 * (after fiu-run): four words from argv[a], the last one NULL for the
 * caller to set to jitter_library(). Returns the new a. */
int jitter_argv(char **argv, int a);

/* Where the preload library is: beside the lockchaos binary. Malloc'ed. */
char *jitter_library(void);

/* What each jittered holder counted ({"A": {"matched", "delayed",
 * "sleptMs"}}), or invalid when no holder was jittered. For the final
 * event. */
jv jitter_counts(struct run *r);

/* ---- helpers for the rows ------------------------------------------------- */

/*
 * Sends `sig` to the step's target holder and records the fault event with
 * `signal` (strsignal) and `pid`, then the fields of `extra` (consumed).
 * 0, or -1 with r->fault_error set (the holder is not running, kill
 * failed). signal.c; for the rows of signal.c and freeze.c.
 */
int fault_send_signal(struct run *r, const struct scn_step *st, int sig,
		      jv extra);

/* Field k of ev (borrowed) if it is a string, else NULL. Valid while ev is. */
const char *fault_ev_str(jv ev, const char *k);
/* Field k of ev if it is a number, else def. */
double fault_ev_num(jv ev, const char *k, double def);

#endif
