/*
 * test_jq.c - custom jq assertions (jq.c).
 */
#include "histories.h"
#include "unit.h"

/* ---- jq ------------------------------------------------------------------------------ */

static int jq(const char *program, char **err)
{
	jv h = hist(META, SPAWN("A"),
		    "{'type':'invoke','T':100,'process':'A','id':1,'op':'acquire',"
		    "'session':'s1'}",
		    "{'type':'acquired','T':100,'process':'A','session':'s1',"
		    "'lane':'main','id':1}",
		    FINAL_EMPTY("1000"), NULL);
	int rc = check_jq(h, program, err);

	jv_free(h);
	return rc;
}

START_TEST(test_jq_true)
{
	char *err = (char *)1;

	ck_assert_int_eq(jq("length == 5", &err), 1);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(
		jq("[.[] | select(.type == \"acquired\")] | length == 1", &err),
		1);
	ck_assert_int_eq(jq(".[] | .t >= 0", &err), 1);
	ck_assert_int_eq(jq("true, halt", &err), 1);
	ck_assert_ptr_null(err);
}
END_TEST

START_TEST(test_jq_false)
{
	char *err = NULL;

	ck_assert_int_eq(jq("length == 4", &err), 0);
	ck_assert_str_eq(err, "jq assertion produced false (output 1), not "
			      "true");
	free(err);
	ck_assert_int_eq(jq(".[] | .t < 900000", &err), 0);
	ck_assert_str_eq(err, "jq assertion produced false (output 5), not "
			      "true");
	free(err);
	ck_assert_int_eq(jq(".[0].type", &err), 0);
	ck_assert_str_eq(err, "jq assertion produced \"meta\" (output 1), not "
			      "true");
	free(err);
	ck_assert_int_eq(jq(".[] | select(.type == \"nope\") | true", &err),
			 0);
	ck_assert_str_eq(err, "jq assertion produced no output");
	free(err);
}
END_TEST

START_TEST(test_jq_compile_error)
{
	char *err = NULL;

	ck_assert_int_eq(jq("map(.t", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "jq program does not compile: "
					  "syntax error"));
	ck_assert_ptr_null(strstr(err, "compile error"));
	free(err);
	ck_assert_int_eq(jq("nosuchfn(1)", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "nosuchfn/1 is not defined"));
	free(err);
	/* modules are off: no file is read, and libjq does not abort */
	ck_assert_int_eq(jq("import \"x\" as x; true", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "module not found: x"));
	free(err);
	ck_assert_int_eq(jq("", &err), -1);
	ck_assert_str_eq(err, "empty jq program");
	free(err);
	{
		jv empty = jv_array();

		ck_assert_int_eq(check_jq(empty, NULL, &err), -1);
		ck_assert_str_eq(err, "empty jq program");
		free(err);
		jv_free(empty);
	}
}
END_TEST

START_TEST(test_jq_runtime_error)
{
	char *err = NULL;

	ck_assert_int_eq(jq(".[0] + 1", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "jq program failed: object ("));
	ck_assert_ptr_nonnull(strstr(err, "and number (1) cannot be added"));
	free(err);
	ck_assert_int_eq(jq("error(\"boom\")", &err), -1);
	ck_assert_str_eq(err, "jq program failed: boom");
	free(err);
	ck_assert_int_eq(jq("error({\"a\":1})", &err), -1);
	ck_assert_str_eq(err, "jq program failed: {\"a\":1}");
	free(err);
	/* a false before the error is the answer */
	ck_assert_int_eq(jq("false, error(\"x\")", &err), 0);
	free(err);
	ck_assert_int_eq(jq("\"bye\" | halt_error(3)", &err), -1);
	ck_assert_str_eq(err, "jq program halted (exit code 3): bye");
	free(err);
	ck_assert_int_eq(jq("input", &err), -1);
	free(err);
	/* debug must not crash libjq 1.6 */
	ck_assert_int_eq(jq("debug | length == 5", &err), 1);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *jq_suite(void)
{
	Suite *s = suite_create("jq");
	TCase *tc;

	tc = tcase_create("jq");
	/* each jq() forks a limited child: seven of them took over Check's
	 * default 4 s in a make check beside the soak */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_jq_true);
	tcase_add_test(tc, test_jq_false);
	tcase_add_test(tc, test_jq_compile_error);
	tcase_add_test(tc, test_jq_runtime_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(jq_suite());
}
