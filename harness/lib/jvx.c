#include "lib/jvx.h"
#include "lib/util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The key `k` as a jv string, made once per name: a lookup by a new
 * jv_string(k) allocated, copied and hashed the name each time, about
 * half of a lookup's 1,100 instructions, and the checkers and the timeline
 * look up 15,000 fields in a 100-message run (issue 13). A string keeps
 * its hash once libjq computed it. By content (hash and compare), so a
 * name built in a reused buffer is never taken for another; names of 32
 * bytes or more, and those past a full table, are made as before. The
 * table lives as long as the process (reachable: not a leak). The events'
 * field names are set with them too (jvx_key): a new key string for each
 * field of each event was 3 million of a 100-message worker's 96 million
 * instructions.
 */
#define JVX_KEYS 128
#define JVX_KEY_LEN 32

/* The table's key for `k` (len bytes, len < JVX_KEY_LEN): found, or
 * added when `add`; a new string when neither. */
static jv key_in_table(const char *k, size_t len, int add)
{
	static struct {
		char name[JVX_KEY_LEN];
		jv key;
	} keys[JVX_KEYS];
	static int used[JVX_KEYS];
	uint32_t h = 2166136261u;
	size_t i, n;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	for (n = 0, i = h & (JVX_KEYS - 1); n < 8;
	     n++, i = (i + 1) & (JVX_KEYS - 1)) {
		if (!used[i]) {
			if (!add)
				break;
			memcpy(keys[i].name, k, len + 1);
			keys[i].key = jv_string(k);
			used[i] = 1;
			return jv_copy(keys[i].key);
		}
		if (!strcmp(keys[i].name, k))
			return jv_copy(keys[i].key);
	}
	return jv_string_sized(k, (int)len);
}

static jv key_of(const char *k)
{
	size_t len = strnlen(k, JVX_KEY_LEN);

	if (len >= JVX_KEY_LEN)
		return jv_string(k);
	return key_in_table(k, len, 1);
}

static jv key_find(const char *k, size_t len)
{
	return key_in_table(k, len, 0);
}

jv jvx_key(const char *k)
{
	return key_of(k);
}

/* The key of `k` (n bytes, no NUL among them) when the table has it
 * already, else a new string: names from a holder's text are looked up
 * but never added (they could fill the table). */
static jv key_known(const char *k, size_t n)
{
	char name[JVX_KEY_LEN];

	if (n >= JVX_KEY_LEN)
		return jv_string_sized(k, (int)n);
	memcpy(name, k, n);
	name[n] = '\0';
	return key_find(name, n);
}

/*
 * jvx_parse: a one-line object of plain members read without libjq's
 * parser (which takes about 14,000 instructions for a holder's line of
 * 100 bytes: 6% of a 100-message run's worker, and the transcript's lines
 * are parsed five times over, by three checkers, the final state and the
 * timeline). Only what it gives the same jv for as jv_parse_sized is read
 * here: strings of printable ASCII without escapes, integers of up to 15
 * digits without a leading zero, true, false, null; anything else (an
 * escape, UTF-8, a fraction, an exponent, an array or object inside,
 * anything after the object) makes it 1 and the line goes to libjq whole.
 */
static int sp(const char *p, const char *e)
{
	return p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r');
}

/* A plain string at *pp (after its '"'): its bytes in [*s, *s + *n). */
static int plain_str(const char **pp, const char *e, const char **s,
		     size_t *n)
{
	const char *p = *pp;

	*s = p;
	while (p < e && *p != '"') {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '\\')
			return 1;
		p++;
	}
	if (p >= e)
		return 1;
	*n = (size_t)(p - *s);
	*pp = p + 1;
	return 0;
}

static int plain_value(const char **pp, const char *e, jv *out)
{
	const char *p = *pp, *s;
	size_t n;

	if (p >= e)
		return 1;
	if (*p == '"') {
		p++;
		if (plain_str(&p, e, &s, &n))
			return 1;
		*out = jv_string_sized(s, (int)n);
	} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
		int neg = *p == '-', digits = 0;
		long long k = 0;

		if (neg)
			p++;
		if (p < e && *p == '0' && p + 1 < e && p[1] >= '0' && p[1] <= '9')
			return 1;
		for (; p < e && *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 15)
				k = k * 10 + (*p - '0');
		if (!digits || digits > 15 ||
		    (p < e && (*p == '.' || *p == 'e' || *p == 'E')))
			return 1;
		*out = jv_number(neg ? -(double)k : (double)k);
	} else if (e - p >= 4 && !memcmp(p, "true", 4)) {
		*out = jv_true(), p += 4;
	} else if (e - p >= 5 && !memcmp(p, "false", 5)) {
		*out = jv_false(), p += 5;
	} else if (e - p >= 4 && !memcmp(p, "null", 4)) {
		*out = jv_null(), p += 4;
	} else {
		return 1;
	}
	/* a literal or number runs on into letters or digits: not ours */
	if (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		      *p == '+')) {
		jv_free(*out);
		return 1;
	}
	*pp = p;
	return 0;
}

static int plain_object(const char *p, const char *e, jv *out)
{
	jv o;

	while (sp(p, e))
		p++;
	if (p >= e || *p++ != '{')
		return 1;
	o = jv_object();
	while (sp(p, e))
		p++;
	if (p < e && *p == '}') {
		p++;
		goto end;
	}
	for (;;) {
		const char *k;
		size_t kn;
		jv v;

		if (p >= e || *p++ != '"' || plain_str(&p, e, &k, &kn))
			goto no;
		while (sp(p, e))
			p++;
		if (p >= e || *p++ != ':')
			goto no;
		while (sp(p, e))
			p++;
		if (plain_value(&p, e, &v))
			goto no;
		o = jv_object_set(o, key_known(k, kn), v);
		while (sp(p, e))
			p++;
		if (p < e && *p == ',') {
			p++;
			while (sp(p, e))
				p++;
			continue;
		}
		if (p < e && *p == '}') {
			p++;
			break;
		}
		goto no;
	}
end:
	while (sp(p, e))
		p++;
	if (p != e)
		goto no;
	*out = o;
	return 0;
no:
	jv_free(o);
	return 1;
}

jv jvx_parse(const char *text, size_t len)
{
	jv v;

	if (len < (size_t)INT32_MAX && !memchr(text, '\0', len) &&
	    !plain_object(text, text + len, &v))
		return v;
	return jv_parse_sized(text, (int)len);
}

const char *jvx_str(jv o, const char *k, char *buf, size_t size)
{
	jv v = jv_object_get(jv_copy(o), key_of(k));

	buf[0] = '\0';
	if (jv_get_kind(v) == JV_KIND_STRING)
		snprintf(buf, size, "%s", jv_string_value(v));
	jv_free(v);
	return buf;
}

double jvx_num(jv o, const char *k, double def)
{
	double d;

	return jvx_has_num(o, k, &d) ? d : def;
}

jv jvx_get(jv o, const char *k)
{
	if (jv_get_kind(o) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(o), key_of(k));
}

const char *jvx_cstr(jv o, const char *k)
{
	jv v = jvx_get(o, k);
	/* `o` holds a reference to the same string: the bytes outlive `v` */
	const char *s =
		jv_get_kind(v) == JV_KIND_STRING ? jv_string_value(v) : NULL;

	jv_free(v);
	return s;
}

int jvx_has_num(jv o, const char *k, double *out)
{
	jv v = jvx_get(o, k);
	int ok = jv_get_kind(v) == JV_KIND_NUMBER;

	if (ok)
		*out = jv_number_value(v);
	jv_free(v);
	return ok;
}

int jvx_true(jv o, const char *k)
{
	jv v = jvx_get(o, k);
	int t = jv_get_kind(v) == JV_KIND_TRUE;

	jv_free(v);
	return t;
}

int jvx_false(jv o, const char *k)
{
	jv v = jvx_get(o, k);
	int f = jv_get_kind(v) == JV_KIND_FALSE;

	jv_free(v);
	return f;
}

char *jvx_words(jv o, const char *k)
{
	jv v = jvx_get(o, k);
	char *out = NULL;

	if (jv_get_kind(v) == JV_KIND_STRING) {
		out = xstrdup(jv_string_value(v));
	} else if (jv_get_kind(v) == JV_KIND_NUMBER) {
		out = jvx_dump(v);
	} else if (jv_get_kind(v) == JV_KIND_ARRAY) {
		size_t len = 0;
		jv_array_foreach(v, i, w) {
			if (jv_get_kind(w) == JV_KIND_STRING) {
				const char *ws = jv_string_value(w);
				size_t wl = strlen(ws);
				out = xrealloc(out, len + wl + 2);
				if (len)
					out[len++] = ' ';
				memcpy(out + len, ws, wl + 1);
				len += wl;
			}
			jv_free(w);
		}
	}
	jv_free(v);
	return out;
}

/*
 * jvx_dump writes what jv_dump_string(v, 0) writes (libjq 1.6's
 * jv_dump_term, compact, keys in the object's own order), byte for byte,
 * without it: that one appends each character of a string to a jv string
 * (50,000 instructions an event), and the worker dumps every event three
 * to five times (the history as it goes, the history sorted, the kernel
 * view's repeat check, the timeline). Numbers other than small integers go
 * to libjq's own formatting. test_jvx compares the two on every event of
 * the stored histories and on strings of every byte.
 */
struct jbuf {
	char *p;
	size_t n, cap;
};

static void jb_reserve(struct jbuf *b, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
}

static void jb_put(struct jbuf *b, const char *s, size_t n)
{
	jb_reserve(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* The bytes a string's dump has as they are: printable ASCII but " and
 * \, and UTF-8 (always valid in a jv string). */
static unsigned char jb_plain[256];

static void jb_plain_init(void)
{
	int c;

	if (jb_plain['a'])
		return;
	for (c = 0x20; c < 256; c++)
		jb_plain[c] = c != 0x7f && c != '"' && c != '\\';
}

/* Runs of plain bytes are copied whole into room made once for the
 * string (the quotes and each run were a jb_put each: a quarter of a
 * dump's instructions). */
static void jb_str(struct jbuf *b, jv str)
{
	const unsigned char *s = (const unsigned char *)jv_string_value(str);
	const unsigned char *p = s, *e;
	int len = jv_string_length_bytes(jv_copy(str));
	char esc[8];

	jb_plain_init();
	e = s + len;
	jb_reserve(b, (size_t)len + 2);
	b->p[b->n++] = '"';
	for (;;) {
		const unsigned char *q = p;
		unsigned char c;

		while (q < e && jb_plain[*q])
			q++;
		jb_reserve(b, (size_t)(q - p) + 1);
		memcpy(b->p + b->n, p, (size_t)(q - p));
		b->n += (size_t)(q - p);
		if (q >= e)
			break;
		switch (c = *q) {
		case '"': jb_put(b, "\\\"", 2); break;
		case '\\': jb_put(b, "\\\\", 2); break;
		case '\b': jb_put(b, "\\b", 2); break;
		case '\t': jb_put(b, "\\t", 2); break;
		case '\r': jb_put(b, "\\r", 2); break;
		case '\n': jb_put(b, "\\n", 2); break;
		case '\f': jb_put(b, "\\f", 2); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			jb_put(b, esc, 6);
		}
		p = q + 1;
	}
	b->p[b->n++] = '"';
	b->p[b->n] = '\0';
}

/* `v` borrowed; 0, or -1 for a kind libjq prints its own way (invalid). */
static int jb_value(struct jbuf *b, jv v)
{
	switch (jv_get_kind(v)) {
	case JV_KIND_NULL:
		jb_put(b, "null", 4);
		return 0;
	case JV_KIND_TRUE:
		jb_put(b, "true", 4);
		return 0;
	case JV_KIND_FALSE:
		jb_put(b, "false", 5);
		return 0;
	case JV_KIND_NUMBER: {
		double d = jv_number_value(v);
		char num[64];

		/* an integer below 10^15 is printed in full by libjq's
		 * jvp_dtoa_fmt, -0 as -0 */
		if (d == d && fabs(d) < 1e15 && d == (double)(long long)d) {
			long long k = (long long)d;
			char *e = num + sizeof(num), *p = e;

			do
				*--p = (char)('0' + (k < 0 ? -(k % 10) : k % 10));
			while ((k /= 10));
			if (signbit(d))
				*--p = '-';
			jb_put(b, p, (size_t)(e - p));
		} else {
			jv s = jv_dump_string(jv_copy(v), 0);

			jb_put(b, jv_string_value(s), strlen(jv_string_value(s)));
			jv_free(s);
		}
		return 0;
	}
	case JV_KIND_STRING:
		jb_str(b, v);
		return 0;
	case JV_KIND_ARRAY: {
		int i, n = jv_array_length(jv_copy(v)), rc = 0;

		jb_put(b, "[", 1);
		for (i = 0; i < n && !rc; i++) {
			jv e = jv_array_get(jv_copy(v), i);

			if (i)
				jb_put(b, ",", 1);
			rc = jb_value(b, e);
			jv_free(e);
		}
		jb_put(b, "]", 1);
		return rc;
	}
	case JV_KIND_OBJECT: {
		int it, first = 1, rc = 0;

		jb_put(b, "{", 1);
		for (it = jv_object_iter(v); jv_object_iter_valid(v, it) && !rc;
		     it = jv_object_iter_next(v, it)) {
			jv k = jv_object_iter_key(v, it);
			jv e = jv_object_iter_value(v, it);

			if (!first)
				jb_put(b, ",", 1);
			first = 0;
			jb_str(b, k);
			jb_put(b, ":", 1);
			rc = jb_value(b, e);
			jv_free(k);
			jv_free(e);
		}
		jb_put(b, "}", 1);
		return rc;
	}
	default:
		return -1;
	}
}

char *jvx_dump(jv v)
{
	struct jbuf b = { NULL, 0, 0 };

	if (jb_value(&b, v)) {
		jv s = jv_dump_string(jv_copy(v), 0);

		free(b.p);
		b.p = xstrdup(jv_string_value(s));
		jv_free(s);
	}
	return b.p ? b.p : xstrdup("");
}

jv jvx_load(const char *path, size_t max)
{
	char *text = read_file(path, max, NULL);
	jv v = text ? jv_parse(text) : jv_invalid();

	free(text);
	return v;
}
