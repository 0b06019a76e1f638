/*
 * test_jvx.c - the jv field readers: each gives its default for a missing
 * field, a field of another type, and an argument that is not an object
 * (libjq itself asserts on jv_object_get of a non-object), and borrows
 * without leaking (unit-asan checks that).
 */
#include <check.h>

#include <math.h>
#include <stdio.h>
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

/* Keys are made once per name, by content: a name written over in one
 * buffer finds its own field, long names and more names than the table
 * holds still work. */
START_TEST(test_keys_by_content)
{
	jv o = jv_object();
	char name[64], buf[64];
	int i;

	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		o = jv_object_set(o, jv_string(name), jv_number(i));
	}
	o = jv_object_set(o, jv_string("a-name-longer-than-thirty-two-bytes-here"),
			  jv_string("long"));
	for (i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "k%d", i);
		ck_assert_int_eq((int)jvx_num(o, buf, -1), i);
		ck_assert_int_eq((int)jvx_num(o, buf, -1), i); /* made, reused */
	}
	ck_assert_str_eq(jvx_cstr(o, "a-name-longer-than-thirty-two-bytes-here"),
			 "long");
	snprintf(buf, sizeof(buf), "k1");
	ck_assert_int_eq((int)jvx_num(o, buf, -1), 1);
	snprintf(buf, sizeof(buf), "k2");
	ck_assert_int_eq((int)jvx_num(o, buf, -1), 2);
	ck_assert_int_eq((int)jvx_num(o, "k", -1), -1);
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


/* jvx_dump writes what libjq's jv_dump_string(v, 0) writes, byte for
 * byte (the history, the kernel view's repeat check and the timeline all
 * use it). */
static void same_as_jq(jv v)
{
	jv want = jv_dump_string(jv_copy(v), 0);
	char *got = jvx_dump(v);

	ck_assert_msg(!strcmp(got, jv_string_value(want)),
		      "jvx_dump: %s\nlibjq:    %s", got, jv_string_value(want));
	free(got);
	jv_free(want);
	jv_free(v);
}

START_TEST(test_dump_is_libjqs)
{
	static const double nums[] = {
		0, 1, -1, 7, 37046, 100000, 1000000, 999999999999999.0,
		1e15, 1e16, 1e17, 123456789012345.0, 12345678901234567890.0,
		0.5, -0.25, 1.0 / 3, 1e-7, 2.5e-5, 1.5e300, -1.5e-300,
		5e-324, 1.7976931348623157e308, 4294967296.0, -2147483648.0,
		1775000000000000.0, 0.1, 3.14159,
	};
	char bytes[2];
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		same_as_jq(jv_number(nums[i]));
		same_as_jq(jv_number(-nums[i]));
	}
	same_as_jq(jv_number(-0.0));
	same_as_jq(jv_number(NAN));
	same_as_jq(jv_number(INFINITY));
	same_as_jq(jv_number(-INFINITY));
	/* every byte alone in a string: controls, quote, backslash, DEL,
	 * and the bytes above 127 that libjq replaces as invalid UTF-8 */
	for (i = 0; i < 256; i++) {
		bytes[0] = (char)i;
		same_as_jq(jv_string_sized(bytes, 1));
		same_as_jq(jv_string_fmt("a%cb%c", (int)i, (int)i));
	}
	same_as_jq(jv_string_sized("nul\0inside", 11));
	same_as_jq(jv_string("\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xa6 /x\"y\\z\t\x7f"));
	same_as_jq(jv_string(""));
	same_as_jq(jv_null());
	same_as_jq(jv_true());
	same_as_jq(jv_false());
	same_as_jq(jv_array());
	same_as_jq(jv_object());
	same_as_jq(jv_parse("{\"b\":1,\"a\":[1,[],{},\"x\",null,true,false,"
			    "{\"z\":{\"y\":[0.5,-0]}}],\"\\u0001k\":\"v\","
			    "\"c\":{\"q\\\"\":1e100}}"));
}
END_TEST

/* Every event of every stored history (tests/histories/), as read. */
START_TEST(test_dump_of_stored_histories_is_libjqs)
{
	static const char *const files[] = {
		"html-hostile.jsonl", "html-reclaim.jsonl", "html-stuck.jsonl",
		"seed000-cleanup-throws.jsonl", "seed001-live-holder-taken.jsonl",
		"seed002-sigkill-reclaimed.jsonl", "seed002-sigkill-stuck.jsonl",
		"seed004-frozen-reclaimed.jsonl",
	};
	int events = 0;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[256], *line = NULL;
		size_t cap = 0;
		ssize_t n;
		FILE *f;

		snprintf(path, sizeof(path), "tests/histories/%s", files[i]);
		f = fopen(path, "r");
		ck_assert_msg(f != NULL, "cannot open %s", path);
		while ((n = getline(&line, &cap, f)) > 0) {
			jv v = jv_parse_sized(line, (int)n);

			if (!jv_is_valid(v)) {
				jv_free(v);
				continue;
			}
			same_as_jq(v);
			events++;
		}
		free(line);
		fclose(f);
	}
	ck_assert_int_gt(events, 100);
}
END_TEST

static Suite *jvx_suite(void)
{
	Suite *s = suite_create("jvx");
	TCase *tc = unit_tcase(s, "fields", 10, NULL, NULL);
	tcase_add_test(tc, test_fields_of_an_object);
	tcase_add_test(tc, test_not_an_object);
	tcase_add_test(tc, test_keys_by_content);
	tcase_add_test(tc, test_words_and_dump);
	tcase_add_test(tc, test_dump_is_libjqs);
	tcase_add_test(tc, test_dump_of_stored_histories_is_libjqs);
	return s;
}

int main(void)
{
	return unit_main(jvx_suite());
}
