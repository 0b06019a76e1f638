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

/* jvx_key makes a name's string once: the same name asked again, from
 * another buffer too, is the same string, not a new copy (ev_new, ev_str
 * and ev_num set every event's fields with it: history.c). First in its
 * case: the table is the process's, and test_keys_by_content fills it
 * (CK_FORK=no runs the case in one process). */
START_TEST(test_key_made_once)
{
	char buf[16];
	jv a = jvx_key("process"), b, c, o;
	char *d;

	snprintf(buf, sizeof(buf), "process");
	b = jvx_key(buf);
	c = jvx_key("session");
	ck_assert_str_eq(jv_string_value(a), "process");
	ck_assert_ptr_eq(jv_string_value(a), jv_string_value(b));
	ck_assert_str_eq(jv_string_value(c), "session");
	ck_assert_ptr_ne(jv_string_value(a), jv_string_value(c));
	o = jv_object_set(jv_object(), a, jv_string("H0"));
	o = jv_object_set(o, c, jv_string("s1"));
	o = jv_object_set(o, b, jv_string("H1")); /* the same key: replaced */
	d = jvx_dump(o);
	ck_assert_str_eq(d, "{\"process\":\"H1\",\"session\":\"s1\"}");
	ck_assert_str_eq(jvx_cstr(o, "process"), "H1");
	free(d);
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

/* jvx_parse gives what libjq's jv_parse_sized gives: the same value (keys
 * in the same order: the same dump), or an invalid value with the same
 * message. */
static void same_parse(const char *text, size_t len)
{
	jv want = jv_parse_sized(text, (int)len), got = jvx_parse(text, len);

	ck_assert_msg(jv_is_valid(want) == jv_is_valid(got),
		      "validity differs for '%.*s'", (int)len, text);
	if (jv_is_valid(want)) {
		char *a = jvx_dump(want), *b = jvx_dump(got);

		ck_assert_msg(!strcmp(a, b), "'%.*s': libjq %s, jvx_parse %s",
			      (int)len, text, a, b);
		/* (the dumps, not jv_equal: libjq reads "nan", and NaN is
		 * equal to nothing) */
		free(a);
		free(b);
	} else {
		jv m = jv_invalid_get_msg(jv_copy(want)),
		   n = jv_invalid_get_msg(jv_copy(got));

		ck_assert(jv_equal(m, n));
	}
	jv_free(want);
	jv_free(got);
}

static void same_parse_str(const char *text)
{
	same_parse(text, strlen(text));
}

START_TEST(test_parse_is_libjqs)
{
	static const char *const texts[] = {
		"{}", " {} ", "{ }", "\t{\n}\r\n", "{\"a\":1}", "{\"a\":-0}",
		"{\"a\":0}", "{\"a\":00}", "{\"a\":01}", "{\"a\":-01}",
		"{\"a\":-}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":1E3}",
		"{\"a\":123456789012345}", "{\"a\":-123456789012345}",
		"{\"a\":1234567890123456}", "{\"a\":99999999999999999999}",
		"{\"a\":-12345678901234567890123456789012345678901234567890}",
		"{\"a\":true}", "{\"a\":false}", "{\"a\":null}", "{\"a\":truex}",
		"{\"a\":nul}", "{\"a\":nullnull}", "{\"a\":null,}", "{\"a\":1,}",
		"{,}", "{\"a\":\"x\\\"y\"}", "{\"a\":\"\\u00e9\"}",
		"{\"a\":\"\xc3\xa9\"}", "{\"a\":\"\xff\"}", "{\"a\":\"\x7f\"}",
		"{\"a\":\"\t\"}", "{\"a\":[1]}", "{\"a\":{}}", "{\"a\":{\"b\":1}}",
		"{\"a\":1,\"a\":2}", "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":1}x",
		"{\"a\":1} {}", "{\"a\":1}\n", "{\"a\" : 1 , \"b\" :\"c\" }",
		"{a:1}", "{'a':1}", "[1]", "1", "\"s\"", "", " ", "{", "{\"a\"",
		"{\"a\":", "{\"a\":1", "{\"a\":1 \"b\":2}", "{\"\":1}",
		"{\"a\":nan}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":+1}",
		"{\"a\":1-}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-5,\"b\":false}",
		"{\"a\":\"}\",\"b\":\"{\"}", "{\"a\":\"\\\\\"}", "{\"a\"1}",
		"{\"a\"::1}", "{\"ev\":\"ok\",\"id\":3,\"t\":2307103183}",
		"{\"pid\":4,\"createdAt\":\"2026-12-01T04:33:40.693Z\","
		"\"maxHoldMs\":5000,\"lane\":\"main\"}",
		"{\"msg\":\"m0\",\"holder\":\"H0\",\"pid\":4,\"lane\":\"main\","
		"\"t\":1733030000}",
	};
	static const char *const atoms[] = {
		"{", "}", "\"", ":", ",", " ", "a", "\"k\"", "\"v\"", "1", "-",
		"0", ".", "e", "true", "null", "\\", "[", "]", "\xc3\xa9", "9",
	};
	unsigned seed = 7;
	size_t i;
	int k;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		same_parse_str(texts[i]);
	same_parse("{\"a\":1}\0x", 9);
	same_parse("{\"a\":\"b\0c\"}", 11);
	/* random strings of JSON's pieces, and objects of plain members */
	for (k = 0; k < 20000; k++) {
		char buf[256];
		size_t n = 0;
		int m = 1 + (int)(rand_r(&seed) % 12);

		if (k % 2)
			n += (size_t)snprintf(buf, sizeof(buf), "{");
		while (m-- > 0 && n < 200)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s",
					      atoms[rand_r(&seed) %
						    (sizeof(atoms) /
						     sizeof(atoms[0]))]);
		if (k % 4 == 1)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "}");
		same_parse(buf, n);
	}
	for (k = 0; k < 2000; k++) {
		char buf[512];
		size_t n = 0;
		int m = (int)(rand_r(&seed) % 8);

		n += (size_t)snprintf(buf, sizeof(buf), "{");
		while (m-- > 0) {
			unsigned r = rand_r(&seed);

			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
					      "\"k%u\":", r % 5);
			switch (r % 6) {
			case 0: n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%d", (int)(r % 100000) - 50000); break;
			case 1: n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\"v%u w\"", r); break;
			case 2: n += (size_t)snprintf(buf + n, sizeof(buf) - n, "true"); break;
			case 3: n += (size_t)snprintf(buf + n, sizeof(buf) - n, "null"); break;
			case 4: n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%lld", (long long)r * 100000LL); break;
			default: n += (size_t)snprintf(buf + n, sizeof(buf) - n, "false"); break;
			}
			if (m)
				buf[n++] = ',';
		}
		buf[n++] = '}';
		same_parse(buf, n);
	}
}
END_TEST

/* A holder's line takes the quick way: its member names are the table's
 * strings (jvx_key), not new ones as libjq's parser makes; a name the
 * table does not have is not added. */
START_TEST(test_parse_quick_for_plain_lines)
{
	static const char line[] =
		"{\"ev\":\"acquired\",\"session\":\"s0\",\"zz-unknown-name\":1}";
	jv k = jvx_key("session"), v = jvx_parse(line, sizeof(line) - 1);
	int it, seen = 0;

	ck_assert_int_eq(jv_get_kind(v), JV_KIND_OBJECT);
	jv_object_foreach(v, key, val)
	{
		if (!strcmp(jv_string_value(key), "session")) {
			ck_assert_ptr_eq(jv_string_value(key),
					 jv_string_value(k));
			seen = 1;
		}
		jv_free(key);
		jv_free(val);
	}
	(void)it;
	ck_assert_int_eq(seen, 1);
	/* not added: asked for, it is made anew */
	{
		jv a = jvx_key("zz-unknown-name-2"), b = jv_invalid();

		jv_free(a);
		v = jv_object_set(v, jv_string("x"), jv_null());
		jv_object_foreach(v, key, val)
		{
			if (!strcmp(jv_string_value(key), "zz-unknown-name"))
				b = jv_copy(key);
			jv_free(key);
			jv_free(val);
		}
		a = jvx_key("zz-unknown-name");
		ck_assert_ptr_ne(jv_string_value(a), jv_string_value(b));
		jv_free(a);
		jv_free(b);
	}
	jv_free(k);
	jv_free(v);
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

			same_parse(line, (size_t)n);
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
	tcase_add_test(tc, test_key_made_once);
	tcase_add_test(tc, test_parse_quick_for_plain_lines);
	tcase_add_test(tc, test_parse_is_libjqs);
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
