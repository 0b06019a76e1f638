/*
 * scenario.h - the plain-text scenario language (scenarios/README.md).
 *
 * A scenario file is line-based: `verb key=value ...` or, for holder
 * operations, `HOLDER op key=value ...`, optionally prefixed by `at TIME`.
 * Every word is checked against a table: unknown words are errors carrying
 * `file:line:` and what was expected, never ignored. lexer.c reads words
 * and values, parser.c the statements, fault_stmt.c the fault statements
 * (from the fault table, faults/faults.h), expect_stmt.c the expectations.
 */
#ifndef LOCKCHAOS_SCENARIO_H
#define LOCKCHAOS_SCENARIO_H

#include <stdint.h>

#include "faults/faults.h"

/* Lock parameters: scenario defaults from the `lock` line, and per step. */
struct scn_params {
	int64_t max_hold_ms;	  /* declared maximum hold, in the payload */
	int64_t timeout_ms;	  /* acquire timeout */
	int64_t poll_ms;	  /* acquire retry interval */
	int64_t grace_ms;	  /* empty/unparsable lock grace, by mtime */
	int64_t lane_timeout_ms;  /* turn's lane timeout; -1 none */
	int64_t slack_ms;	  /* added to every checked bound */
	int64_t deadline_ms;	  /* the whole scenario, then it is an error */
};
#define SCN_PARAMS_INIT { 5000, 2000, 50, 2000, -1, 300, 30000 }

enum step_kind {
	STEP_OP,	/* a holder command: acquire, deliver, turn ... */
	STEP_FAULT,	/* a row of the fault table (faults/faults.h) */
	STEP_WAIT,	/* let time pass */
	STEP_AWAIT,	/* wait until a holder answered all its commands,
			   or until an event (enum await_on) happened */
	STEP_LOOK,	/* `at T expect lock S ...`: the harness looks at
			   S's lock at that moment and records what it saw
			   (a `look` event); the expectation of the same
			   line is judged from it */
};

/* What `await` waits for. */
enum await_on {
	AWAIT_IDLE,	/* `await H`: H answered every command sent so far */
	AWAIT_ACQUIRED, /* `await H acquired`: H's next acquired event */
	AWAIT_RELEASED, /* `await H released [why=W]`: H's next release */
	AWAIT_ANSWERED, /* `await LABEL answered`: ok, fail or info */
	AWAIT_LOG,	/* `await H log [level=L] [contains=TEXT]` */
	AWAIT_FAILPOINT, /* `await H failpoint [name=N]`: H says a failpoint
			    fired (its `failpoint` event) */
	AWAIT_CREATED,	/* `await H created`: the kernel view saw a lock
			   file whose payload names H (an `fs` event) */
};

/* One argument of a fault step, as its fault_key says how to read it. */
struct scn_arg {
	char *str;	/* the word as written; NULL when not given */
	int64_t num;	/* its value (ms, errno, choice index, flag 1), or
			   the key's default */
	int set;	/* given in the line */
};

/* `opt.KEY=VALUE` on an operation: an implementation option passed through
 * to the holder in the command's `opts` object (docs/holder-protocol.md). */
struct scn_opt {
	char *key;   /* KEY, after `opt.` */
	char *value; /* VALUE as written: true, false, null and numbers go
			as JSON, anything else as a string */
};

/* Holder operations, as in docs/holder-protocol.md. */
enum op_kind {
	OP_ACQUIRE,
	OP_RELEASE,
	OP_DELIVER,
	OP_TURN,
	OP_SPIN,
	OP_EXIT,
	OP_SWEEP, /* the cleanup pass over the whole folder: no session */
};

struct scn_step {
	enum step_kind kind;
	int line;		/* line in the scenario file */
	char *text;		/* the line itself, for reports */
	int64_t at_ms;		/* `at TIME`; -1: right after the previous */
	int64_t jitter_ms;	/* `at 200ms~50ms`: +-50 ms, from the seed */
	char *holder;		/* target holder (not for every fault) */
	/* STEP_OP */
	enum op_kind op;
	char *session;		/* default "s1" */
	char *lane;		/* default "main" */
	char *msg;		/* deliver/turn: message id */
	char *label;		/* `as=NAME`, or msg; what expectations name */
	struct scn_params p;	/* scenario defaults, overridden per step */
	int64_t hold_ms;	/* turn */
	int64_t spin_ms;	/* spin: 0 forever */
	int exit_code;		/* exit */
	struct scn_opt *opts;	/* `opt.KEY=VALUE`, in the order written */
	int nr_opts, alloc_opts;
	/* STEP_FAULT: the row, and its arguments by key index (positional
	 * holder and session are in `holder` and `session` too) */
	const struct fault *fault;
	struct scn_arg args[FAULT_MAX_KEYS];
	/* STEP_WAIT / STEP_AWAIT */
	int64_t wait_ms;	/* await: its timeout; -1 the deadline */
	enum await_on await_on;
	char *await_why;	/* RELEASED: why=; NULL any */
	char *await_level;	/* LOG: level=; NULL WARN or ERROR */
	char *await_contains;	/* LOG: contains=; FAILPOINT: name= (the
				   whole name); NULL any text, any name */
	int await_nth;		/* the event awaited is the nth (1-based)
				   match after the last command to the
				   holder: earlier awaits of the same thing
				   since that command took the ones before */
};

enum expect_kind {
	EXPECT_OUTCOME,	   /* expect LABEL ok|fail [reason=R] [within T] */
	EXPECT_LOCK,	   /* expect lock S absent|present */
	EXPECT_TRANSCRIPT, /* expect transcript S lines=N */
	EXPECT_LOG,	   /* expect log H level=WARN [contains=TEXT] */
	EXPECT_RELEASED,   /* expect released H why=watchdog */
	EXPECT_FAILURE,	   /* expect failure CHECKER [contains=TEXT] */
	EXPECT_OUTSIDE,	   /* expect outside intact (symlink target) */
	EXPECT_JQ,	   /* assert jq 'EXPR' */
};

struct scn_expect {
	enum expect_kind kind;
	int line;
	char *text;
	char *label;	  /* OUTCOME: op label; LOG/RELEASED: holder */
	int want_ok;	  /* OUTCOME: 1 ok, 0 fail */
	char *reason;	  /* OUTCOME: fail reason; RELEASED: why */
	int64_t within_ms; /* OUTCOME: from invoke to outcome; -1 any */
	char *session;	  /* LOCK, TRANSCRIPT */
	int present;	  /* LOCK */
	char *owner;	  /* LOCK: owner=H, the holder whose pid the
			     payload names; NULL any */
	int timed;	  /* LOCK: `at T expect lock`: judged from the
			     `look` event of its line, not the final one */
	int64_t lines;	  /* TRANSCRIPT */
	char *level;	  /* LOG */
	char *contains;	  /* LOG, FAILURE */
	char *checker;	  /* FAILURE */
	char *jq;	  /* JQ */
};

struct scn_holder {
	char *name;
	int line;
	int needs_fiu;	/* a failpoint targets it: run under fiu-run -x */
	int needs_clock; /* a clock fault targets it: libfaketime preloaded */
	char *ns;	/* `ns=NAME`: a PID namespace of its own, shared with
			   the holders of the same NAME (a container); NULL:
			   the scenario's */
	int64_t pid;	/* `pid=N`: its pid in its namespace; 0 any */
	int needs_jitter; /* a jitter targets it: build/libjitter.so
			     preloaded (faults/jitter.c) */
};

struct scenario {
	char *file;
	char *title;
	char **tags;
	int nr_tags, alloc_tags;
	struct scn_params params;
	struct scn_holder *holders;
	int nr_holders, alloc_holders;
	struct scn_step *steps;
	int nr_steps, alloc_steps;
	struct scn_expect *expects;
	int nr_expects, alloc_expects;
	char **requires;	/* capabilities the holders must have */
	int nr_requires, alloc_requires;
	unsigned disabled;	/* checkers switched off: bit (1u << checker) */
	int repeat;		/* run it this many times; default 1 */
	int needs_pidns;	/* uses a fault that needs FAULT_NEEDS_PIDNS,
				   or a holder's ns= or pid= */
	int speed;		/* `speed N`: run on one clock N times as
				   fast (run/speed.h); 0 when not given */
	char *speed_off;	/* `speed off REASON`: why this scenario
				   must not be compressed, or NULL */
	int speed_line;		/* the `speed` line, for messages */
};
#define SCENARIO_INIT { .params = SCN_PARAMS_INIT, .repeat = 1 }

/* The largest `speed N` (and --speed N): past it a 50 ms poll is shorter
 * than the scheduler's tick. */
#define SCENARIO_SPEED_MAX 1000

void scenario_init(struct scenario *s);
void scenario_clear(struct scenario *s);

/*
 * Parses `text` (the contents of `file`, used for messages). Returns 0, or
 * -1 with *err (malloc'ed, caller frees) set to `file:line: what, expected
 * what`. On error `s` holds what was parsed so far; clear it either way.
 */
int scenario_parse(struct scenario *s, const char *file, const char *text,
		   char **err);

/*
 * As scenario_parse, but goes on after a bad line: *err gets the errors of
 * up to `max` lines (one a line, joined by newlines; past `max`, a last
 * line says it stopped), then, when every line was right, the first error
 * of the whole-file checks (no holder, no steps, an expectation naming no
 * step). An error of an unknown word names the nearest words the language
 * has ("did you mean: kill?"). scenario_parse is this with max 1.
 */
#define SCENARIO_MAX_ERRORS 20
int scenario_parse_errors(struct scenario *s, const char *file,
			  const char *text, int max, char **err);

/* The largest scenario file read: a bigger one is refused (never judged in
 * part). */
#define SCENARIO_MAX_BYTES (1 << 20)

/* Reads and parses `path`. 0 or -1 with *err as scenario_parse_errors with
 * SCENARIO_MAX_ERRORS (every error of the file, one a line); a file over
 * SCENARIO_MAX_BYTES is an error. */
int scenario_load(struct scenario *s, const char *path, char **err);

/* The holder with this name, or NULL. */
struct scn_holder *scenario_holder(struct scenario *s, const char *name);

const char *op_name(enum op_kind op);
/* "op", "wait", "await", or the fault's word for a fault step. */
const char *step_name(const struct scn_step *st);

/* Argument `key` of fault step `st`, or NULL when its fault has no such
 * key (or st is no fault step). */
const struct scn_arg *scn_step_arg(const struct scn_step *st,
				   const char *key);

/* Capability name for an op ("acquire", "turn" ...). */
const char *op_capability(enum op_kind op);

#endif
