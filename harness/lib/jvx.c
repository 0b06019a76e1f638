#include "lib/jvx.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>

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
	jv v = jv_object_get(jv_copy(o), jv_string(k));
	double d = jv_get_kind(v) == JV_KIND_NUMBER ? jv_number_value(v) : def;

	jv_free(v);
	return d;
}

jv jvx_load(const char *path, size_t max)
{
	char *text = read_file(path, max, NULL);
	jv v = text ? jv_parse(text) : jv_invalid();

	free(text);
	return v;
}
