/*
 * jvx.h - reading fields of libjq jv objects without the refcount dance.
 *
 * Every function borrows `o` (the caller keeps its reference) and never
 * fails: a missing field, one of another type, or an `o` that is not an
 * object (jv_invalid() included) gives the default.
 */
#ifndef LOCKCHAOS_JVX_H
#define LOCKCHAOS_JVX_H

#include <stddef.h>
#include <jv.h>

/* Field `k` of `o` copied into buf (cut to size-1 bytes); "" when it is
 * not a string. Returns buf. */
const char *jvx_str(jv o, const char *k, char *buf, size_t size);

/* Field `k` of `o` as a number, or `def`. */
double jvx_num(jv o, const char *k, double def);

/* Field `k` of `o`, a new reference the caller frees; jv_invalid() when `o`
 * is not an object or has no such field. */
jv jvx_get(jv o, const char *k);

/* Field `k` of `o` when it is a string, else NULL. The pointer borrows
 * from `o`: it stays valid as long as `o` lives, no copy is made. */
const char *jvx_cstr(jv o, const char *k);

/* 1 and *out set when field `k` of `o` is a number, else 0. */
int jvx_has_num(jv o, const char *k, double *out);

/* 1 when field `k` of `o` is literally true (jvx_true) or false
 * (jvx_false); a missing field is neither. */
int jvx_true(jv o, const char *k);
int jvx_false(jv o, const char *k);

/* Field `k` of `o` as one line of text, malloc'ed: a string as is, an array
 * of strings (an argv) joined by spaces, a number printed as JSON; NULL for
 * anything else. */
char *jvx_words(jv o, const char *k);

/* The string `k` as a jv, a new reference the caller gives away or frees:
 * made once per name for the process (libjq keeps its hash), so setting a
 * field, jv_object_set(o, jvx_key("t"), v), needs no malloc, copy and hash
 * of the name each time. For names from the code (field names, event
 * types), not for text from a holder: 128 names are kept; others, and
 * names of 32 bytes or more, are made anew (the same jv, slower). */
jv jvx_key(const char *k);

/* What jv_parse_sized(text, len) gives, the same jv, read faster when the
 * text is one object of plain members (strings of printable ASCII without
 * escapes, integers, true, false, null: a holder's line, a transcript's,
 * a lock's payload); anything else goes to libjq as it is. */
jv jvx_parse(const char *text, size_t len);

/* Compact JSON text of `v` (borrowed), malloc'ed. */
char *jvx_dump(jv v);

/* Reads a JSON file (up to `max` bytes) and parses it; jv_invalid() when it
 * cannot be read or parsed. */
jv jvx_load(const char *path, size_t max);

#endif
