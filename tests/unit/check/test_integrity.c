/*
 * test_integrity.c - the integrity checker (integrity.c).
 */
#include "histories.h"
#include "unit.h"

/* ---- integrity ----------------------------------------------------------------- */

static jv transcript(const char *lines, const char *torn)
{
	char fin[1024];

	snprintf(fin, sizeof(fin),
		 "{'type':'final','T':1000,'sessions':{'s1':{'lock':'absent',"
		 "'transcript':[%s],'tornTail':%s}},'leaked':[]}",
		 lines, torn);
	return hist(META, fin, NULL);
}

START_TEST(test_integrity_clean)
{
	jv v = check(transcript("{'msg':'a'},{'msg':'b'},{'x':1},{'x':2}",
				"false"));

	expect_n(v, NULL, 0);
	jv_free(v);
}
END_TEST

START_TEST(test_integrity_bad_lines)
{
	jv v = check(transcript("{'msg':'a'},'{\\'msg\\':',' [1]','',{'msg':'b'}",
				"false"));

	expect_n(v, "integrity", 3);
	expect_says(v, "integrity", "s1's transcript line 2 is not a JSON "
				    "object");
	expect_says(v, "integrity", "line 3 is not a JSON object (not an "
				    "object):  [1]");
	expect_says(v, "integrity", "line 4 is not a JSON object");
	jv_free(v);
}
END_TEST

/* The torn last line is one failure, not two. */
START_TEST(test_integrity_torn)
{
	jv v = check(transcript("{'msg':'a'},'{\\'msg\\':\\'b'", "true"));

	expect_n(v, "integrity", 1);
	expect_says(v, "integrity", "s1's transcript ends in a torn line");
	jv_free(v);
}
END_TEST

START_TEST(test_integrity_duplicates)
{
	jv v = check(transcript("{'msg':'a','t':1},{'msg':'a','t':2},"
				"{'msg':'a','t':3},{'x':1},{'x':1},{'x':2}",
				"false"));

	expect_n(v, "integrity", 2);
	expect_says(v, "integrity", "message a 3 times (first at line 1)");
	expect_says(v, "integrity", "has line 4 2 times");
	jv_free(v);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *integrity_suite(void)
{
	Suite *s = suite_create("integrity");
	TCase *tc;

	tc = tcase_create("integrity");
	tcase_add_test(tc, test_integrity_clean);
	tcase_add_test(tc, test_integrity_bad_lines);
	tcase_add_test(tc, test_integrity_torn);
	tcase_add_test(tc, test_integrity_duplicates);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(integrity_suite());
}
