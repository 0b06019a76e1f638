/*
 * fields.c - reading history events for the checkers (see fields.h).
 */
#include "check/fields.h"

jv field_get(jv o, const char *key)
{
	if (jv_get_kind(o) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(o), jv_string(key));
}

/* The returned string stays valid after jv_free(v): `o` holds a reference
 * to the same string. */
const char *field_str(jv o, const char *key)
{
	jv v = field_get(o, key);
	const char *s = NULL;

	if (jv_get_kind(v) == JV_KIND_STRING)
		s = jv_string_value(v);
	jv_free(v);
	return s;
}

int field_num(jv o, const char *key, double *out)
{
	jv v = field_get(o, key);
	int ok = jv_get_kind(v) == JV_KIND_NUMBER;

	if (ok)
		*out = jv_number_value(v);
	jv_free(v);
	return ok;
}

int64_t field_ms(jv o, const char *key)
{
	double d;

	if (!field_num(o, key, &d) || d < 0 || d > 9e12)
		return NONE;
	return (int64_t)(d * 1000.0);
}

int field_true(jv o, const char *key)
{
	jv v = field_get(o, key);
	int yes = jv_get_kind(v) == JV_KIND_TRUE;

	jv_free(v);
	return yes;
}
