/*
 * html_common.h - what the HTML pages share: escaping, the page shell
 * (doctype, CSP, inline CSS and JS), atomic page files, tag chips, and a
 * growable array. Used by the timeline (timeline*.c) and the index
 * (index.c); nothing here knows what a history or a summary is.
 *
 * Every string that comes from a history or a summary is untrusted: it
 * reaches the page only through html_esc*, html_urlesc or html_put_tags.
 * Allocation failure aborts, as in lib/util.h.
 */
#ifndef LOCKCHAOS_HTML_COMMON_H
#define LOCKCHAOS_HTML_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jv.h>

/* A growable array: VEC(struct x) v = {0}; *vec_push(&v) = item. The new
 * item is zeroed; the caller frees v.v. Pointers into v.v move on push. */
#define VEC(T)                                                              \
	struct {                                                            \
		T *v;                                                       \
		size_t n, cap;                                              \
	}
#define vec_push(vec)                                                       \
	((vec)->v = html_vec_grow((vec)->v, &(vec)->cap, (vec)->n,          \
				  sizeof(*(vec)->v)),                       \
	 &(vec)->v[(vec)->n++])
/* vec_push's helper: room for item `n` (zeroed) in `v` of `*cap` items of
 * `size` bytes; returns `v`, maybe moved. */
void *html_vec_grow(void *v, size_t *cap, size_t n, size_t size);

/*
 * An index of (name, number) keys, each to the latest value put under it:
 * the timeline's look-ups of an invoke or a wait by (process, id), which
 * were walks back over every earlier one (10,000 messages to one session:
 * a tenth of the worker's CPU). Names are borrowed, compared as streq does
 * (NULL matches nothing: never stored, never found); numbers compare with
 * == (0 and -0 are one key, NaN is none). Zero-initialised is empty.
 */
struct html_keys {
	struct html_key {
		const char *name;
		double num;
		int val;
	} *slot;
	size_t size, n; /* size: a power of two, or 0 */
};

/* Puts `val` (>= 0) under (name, num). Returns the value it replaces, or
 * -1 when there was none (a NULL name or a NaN: nothing is stored). */
int html_keys_put(struct html_keys *k, const char *name, double num, int val);

/* The value under (name, num), or -1. */
int html_keys_get(const struct html_keys *k, const char *name, double num);

void html_keys_clear(struct html_keys *k);

/* Both strings present and equal. */
static inline int streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/*
 * The pages' error convention (html.h): when `err` is not NULL, *err gets
 * the malloc'ed message printf'ed from `fmt`. Always returns -1, so that
 * `return html_fail(err, "cannot open '%s': %s", ...)` reads as one step.
 */
int html_fail(char **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Writes `s` HTML-escaped (& < > " '), at most `max` code points (0: all),
 * adding an ellipsis when cut. Control characters other than tab and
 * newline become U+FFFD. NULL writes nothing. Safe in text and in quoted
 * attribute values.
 */
void html_escn(FILE *f, const char *s, size_t max);
/* html_escn with no limit. */
void html_esc(FILE *f, const char *s);
/* html_esc's bytes as a string (malloc'ed; "" for NULL). */
char *html_esc_str(const char *s);
/* printf, then html_esc of the result: `fmt` is ours, the arguments are
 * not. */
void html_escf(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Percent-encodes a relative link (href) so that no scheme ("javascript:")
 * or markup survives; letters, digits, "-._~" and '/' stay. */
void html_urlesc(FILE *f, const char *s);
/* The "tags" array of `o` (borrowed) as <span class="tag"> chips;
 * anything that is not a string is skipped. */
void html_put_tags(FILE *f, jv o);

/* Code points in UTF-8 `s` (NULL: 0). */
size_t html_codepoints(const char *s);
/* Rough width in px of `s` at `px_per_char` per code point. */
double html_text_w(const char *s, double px_per_char);
/* `us` microseconds as seconds with three decimals: "12.345 s". */
void html_fmt_s(char *buf, size_t n, int64_t us);

/*
 * A page file: html_page_create opens `<out>.tmp` for writing (NULL and
 * *err set: "cannot open 'OUT': ..."); the caller writes the page and hands
 * the stream to html_page_commit, which closes it and renames the tmp file
 * over `out`, or removes it on any write error. html_page_commit frees
 * `tmp` and returns 0, or -1 with *err set ("cannot write 'OUT': ...",
 * "cannot rename to 'OUT': ...").
 */
FILE *html_page_create(const char *out, char **tmp, char **err);
int html_page_commit(FILE *f, char *tmp, const char *out, char **err);

/*
 * The shell of every page: html_page_open writes the doctype, a
 * Content-Security-Policy that allows nothing but inline style and script
 * (no network, no external asset), <title> (escaped) and the shared CSS,
 * and opens <body>. html_page_close ends it; `with_js` adds the inline
 * script that copies the <title> of a hovered ".ev" element into
 * #inspect.
 */
void html_page_open(FILE *f, const char *title);
void html_page_close(FILE *f, int with_js);

#endif
