/*
 * parse.h - shared by the files of the scenario parser (parser.c,
 * fault_stmt.c, expect_stmt.c). Not a public contract: scenario.h is.
 */
#ifndef LOCKCHAOS_PARSE_H
#define LOCKCHAOS_PARSE_H

#include <stdint.h>

#include "lib/util.h"
#include "scenario/lexer.h"
#include "scenario/scenario.h"

struct parser {
	struct scenario *s;
	const char *file;
	int line;	  /* 0: a file-wide error, no line to name */
	const char *text; /* the current line, without its newline */
	char *err;	  /* the current line's error: `file:line: what` */
	int last_line;	  /* the file's last line, for file-wide errors */
	int disable_line; /* the latest `disable` line */
	struct name_index holders; /* name -> index in s->holders, as
				      declared (parse_holder) */
};

/* The declared holder called `name`, or NULL: parse_holder's index, not a
 * walk over s->holders per statement (quadratic in holders). */
struct scn_holder *parse_holder(struct parser *p, const char *name);

/* Sets p->err to `file:line: <fmt>` unless an error is already there.
 * Returns -1. */
int parse_fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A duration or a whole number, with the lexer's message as the error. */
int parse_ms(struct parser *p, const char *key, const char *v, int64_t *out);
int parse_int(struct parser *p, const char *key, const char *v, int64_t min,
	      int64_t max, int64_t *out);

/* 0 when `name` is a declared holder, else -1 with
 * "VERB: unknown holder 'NAME' (declared: ...)". */
int parse_need_holder(struct parser *p, const char *verb, const char *name);

/* A new step (scenario defaults copied) or expectation at the current
 * line. */
struct scn_step *parse_new_step(struct parser *p, enum step_kind kind,
				int64_t at, int64_t jitter);
struct scn_expect *parse_new_expect(struct parser *p, enum expect_kind kind);

/* The statements of their own files. */
int parse_fault(struct parser *p, const struct fault *f, struct words *w,
		int64_t at, int64_t jitter);
int parse_expect(struct parser *p, struct words *w);
int parse_assert(struct parser *p, struct words *w);

#endif
