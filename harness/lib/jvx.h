/*
 * jvx.h - reading fields of libjq jv objects without the refcount dance.
 *
 * Every function borrows `o` (the caller keeps its reference) and never
 * fails: a missing field or one of another type gives the default.
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

/* Reads a JSON file (up to `max` bytes) and parses it; jv_invalid() when it
 * cannot be read or parsed. */
jv jvx_load(const char *path, size_t max);

#endif
