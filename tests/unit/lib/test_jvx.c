/*
 * test_jvx.c - the jv field readers: each gives its default for a missing
 * field, a field of another type, and an argument that is not an object
 * (libjq itself asserts on jv_object_get of a non-object), and borrows
 * without leaking (unit-asan checks that).
 */
#include <check.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jvx.h"
#include "unit.h"

static jv obj(const char *text)
{
	jv v = jv_parse(text);
	ck_assert_msg(jv_get_kind(v) == JV_KIND_OBJECT, "not an object: %s", text);
	return v;
}

START_TEST(test_fields_of_an_object)
{
	jv o = obj("{\"s\":\"text\",\"n\":42.5,\"t\":true,\"f\":false,\"z\":null,"
		   "\"argv\":[\"node\",\"holder.mjs\",7,\"--x\"],\"o\":{\"k\":1}}");
	double d = 0;

	ck_assert_str_eq(jvx_cstr(o, "s"), "text");
	ck_assert_ptr_null(jvx_cstr(o, "n"));
	ck_assert_ptr_null(jvx_cstr(o, "missing"));
	ck_assert(jvx_has_num(o, "n", &d));
	ck_assert_double_eq(d, 42.5);
	ck_assert(!jvx_has_num(o, "s", &d));
	ck_assert_double_eq(jvx_num(o, "n", -1), 42.5);
	ck_assert_double_eq(jvx_num(o, "t", -1), -1);
	ck_assert(jvx_true(o, "t") && !jvx_false(o, "t"));
	ck_assert(jvx_false(o, "f") && !jvx_true(o, "f"));
	ck_assert(!jvx_true(o, "z") && !jvx_false(o, "z"));
	ck_assert(!jvx_true(o, "missing") && !jvx_false(o, "missing"));

	jv inner = jvx_get(o, "o");
	ck_assert_int_eq(jv_get_kind(inner), JV_KIND_OBJECT);
	ck_assert_double_eq(jvx_num(inner, "k", 0), 1);
	jv_free(inner);
	jv none = jvx_get(o, "missing");
	ck_assert(!jv_is_valid(none) || jv_get_kind(none) == JV_KIND_NULL);
	jv_free(none);
	jv_free(o);
}
END_TEST

START_TEST(test_not_an_object)
{
	jv args[] = { jv_invalid(), jv_null(), jv_number(3), jv_string("s"),
		      jv_parse("[1,2]") };
	for (size_t i = 0; i < sizeof(args) / sizeof(*args); i++) {
		double d = 7;
		jv x = jvx_get(args[i], "k");
		ck_assert(!jv_is_valid(x));
		jv_free(x);
		ck_assert_ptr_null(jvx_cstr(args[i], "k"));
		ck_assert(!jvx_has_num(args[i], "k", &d));
		ck_assert_double_eq(d, 7);
		ck_assert_double_eq(jvx_num(args[i], "k", 9), 9);
		ck_assert(!jvx_true(args[i], "k") && !jvx_false(args[i], "k"));
		ck_assert_ptr_null(jvx_words(args[i], "k"));
		jv_free(args[i]);
	}
}
END_TEST

START_TEST(test_words_and_dump)
{
	jv o = obj("{\"cmd\":\"build/holder --x\",\"argv\":[\"node\",1,\"h.mjs\"],"
		   "\"seed\":18446744073709551615,\"n\":12,\"empty\":[],\"o\":{}}");
	char *w;

	w = jvx_words(o, "cmd");
	ck_assert_str_eq(w, "build/holder --x");
	free(w);
	w = jvx_words(o, "argv"); /* non-strings are skipped */
	ck_assert_str_eq(w, "node h.mjs");
	free(w);
	w = jvx_words(o, "n");
	ck_assert_str_eq(w, "12");
	free(w);
	ck_assert_ptr_null(jvx_words(o, "empty"));
	ck_assert_ptr_null(jvx_words(o, "o"));
	ck_assert_ptr_null(jvx_words(o, "missing"));

	w = jvx_dump(o); /* compact, keys in order */
	ck_assert_ptr_nonnull(strstr(w, "\"cmd\":\"build/holder --x\","));
	ck_assert_ptr_nonnull(strstr(w, "\"argv\":[\"node\",1,\"h.mjs\"]"));
	ck_assert_ptr_null(strchr(w, '\n'));
	free(w);
	jv_free(o);
}
END_TEST

static Suite *jvx_suite(void)
{
	Suite *s = suite_create("jvx");
	TCase *tc = unit_tcase(s, "fields", 10, NULL, NULL);
	tcase_add_test(tc, test_fields_of_an_object);
	tcase_add_test(tc, test_not_an_object);
	tcase_add_test(tc, test_words_and_dump);
	return s;
}

int main(void)
{
	return unit_main(jvx_suite());
}
