#include "lib/jvx.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *jvx_str(jv o, const char *k, char *buf, size_t size)
{
	jv v = jv_object_get(jv_copy(o), jv_string(k));

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
	return jv_object_get(jv_copy(o), jv_string(k));
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

char *jvx_dump(jv v)
{
	jv s = jv_dump_string(jv_copy(v), 0);
	char *out = xstrdup(jv_string_value(s));

	jv_free(s);
	return out;
}

jv jvx_load(const char *path, size_t max)
{
	char *text = read_file(path, max, NULL);
	jv v = text ? jv_parse(text) : jv_invalid();

	free(text);
	return v;
}
