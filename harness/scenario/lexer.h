/*
 * lexer.h - the words of the scenario language (scenarios/README.md).
 *
 * A line is split into words: blanks separate, quotes ('...' or "...")
 * group and are removed, a backslash inside "..." takes the next character
 * as it is, `#` outside quotes starts a comment. Values are read here too:
 * durations, whole numbers, names, `key=value`, `at TIME~JITTER`. Errors
 * come back as text without a place; the parser adds `file:line: `.
 */
#ifndef LOCKCHAOS_LEXER_H
#define LOCKCHAOS_LEXER_H

#include <stdint.h>

#define LEX_MAX_WORDS 64

struct words {
	char *w[LEX_MAX_WORDS]; /* malloc'ed, NUL-terminated */
	int nr;
};

/*
 * Splits `line` into *out. Returns the number of words (0: blank or comment
 * only), or -1 with *why (malloc'ed) for an unterminated quote or too many
 * words; the words read so far stay in *out. Clear *out either way.
 */
int lex_words(const char *line, struct words *out, char **why);
void words_clear(struct words *w);

/* Drops the first n words. */
void words_shift(struct words *w, int n);

/*
 * `TIME` or `TIME~JITTER` (modifies `word`): 0 with *at and *jitter in ms,
 * or -1 with *why naming the part that is not a duration ("at", "at
 * jitter"), as lex_duration says it.
 */
int lex_at(char *word, int64_t *at, int64_t *jitter, char **why);

/* A duration (500ms, 2s, 1.5s, 1m, or ms): 0, or -1 with *why
 * "KEY: 'V' is not a duration (expected ...)". */
int lex_duration(const char *key, const char *v, int64_t *ms, char **why);

/* A whole number from min to max: 0, or -1 with *why. */
int lex_int(const char *key, const char *v, int64_t min, int64_t max,
	    int64_t *out, char **why);

/* A name: a letter, then letters, digits, _ - . */
int lex_is_name(const char *s);

/* Splits `k=v` in place: 1 with *k, *v pointing into w, or 0 when w is not
 * key=value (no `=`, or nothing before it). */
int lex_kv(char *w, char **k, char **v);

/* "a, b, c" of names[0..nr) (nr < 0: up to a NULL); `last` joins the last
 * two (", " or " or "). Malloc'ed. */
char *lex_list(const char *const *names, int nr, const char *last);

#endif
