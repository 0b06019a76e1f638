/*
 * test_faults.c - the fault table (harness/faults/faults.c): every row is
 * complete, names are unique, the parser's statement words and the report
 * texts come from it, and a fault event no row knows still gets a text.
 * The injectors themselves run for real in the scenario catalog
 * (scenarios/faults/): they need holders, signals and namespaces.
 */
#include <check.h>

#include "faults/faults.h"
#include "scenario/scenario.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

static jv event(const char *json)
{
	jv v = jv_parse(json);

	ck_assert_msg(jv_get_kind(v) == JV_KIND_OBJECT, "bad test json %s",
		      json);
	return v;
}

/* describe(ev, brief) of a hand-made event, checked and freed. */
static void says(const char *json, const char *brief, const char *full)
{
	jv ev = event(json);
	char *b = fault_describe(ev, 1), *f = fault_describe(ev, 0);

	ck_assert_str_eq(b, brief);
	ck_assert_str_eq(f, full);
	free(b);
	free(f);
	jv_free(ev);
}

START_TEST(test_rows_complete)
{
	int i, j, n = 0;

	for (i = 0; fault_table[i]; i++) {
		const struct fault *f = fault_table[i];
		const struct fault_key *k;
		int nk = 0, seen_named = 0;

		ck_assert_msg(f->name && *f->name, "row %d has no name", i);
		ck_assert_msg(f->help && f->synopsis && f->legend && f->glyph &&
				      f->svg && f->describe && f->fields,
			      "%s: row incomplete", f->name);
		ck_assert_ptr_eq(fault_find(f->name), f);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(fault_table[j]->name, f->name),
				      "%s twice", f->name);
		for (k = f->keys; k->name; k++, nk++) {
			ck_assert_msg(k->help, "%s %s: no help", f->name,
				      k->name);
			/* positionals first: the parser reads them in order */
			ck_assert_msg(!(k->positional && seen_named),
				      "%s: positional %s after a key", f->name,
				      k->name);
			seen_named |= !k->positional;
			ck_assert_msg(k->kind != FAULT_ARG_CHOICE || k->choices,
				      "%s %s: choice without choices",
				      f->name, k->name);
			ck_assert_msg(!k->positional || k->meta, "%s %s: no meta",
				      f->name, k->name);
		}
		ck_assert_int_le(nk, FAULT_MAX_KEYS);
		n += f->inject != NULL;
	}
	ck_assert_int_eq(n, 12); /* kill term signal freeze thaw zombie reap
				    recycle failpoint damage clock jitter;
				    spin is an operation */
	ck_assert_ptr_null(fault_find("sigkill"));
	ck_assert_ptr_null(fault_find(NULL));
	ck_assert_int_eq(fault_key_index(fault_find("failpoint"), "delay"), 3);
	ck_assert_int_eq(fault_key_index(fault_find("failpoint"), "nope"), -1);
	ck_assert(fault_find("kill")->ends_target);
	ck_assert(fault_find("term")->ends_target);
	ck_assert(!fault_find("signal")->ends_target);
	ck_assert(fault_find("recycle")->needs & FAULT_NEEDS_PIDNS);
	ck_assert(fault_find("failpoint")->needs & FAULT_NEEDS_FIU);
}
END_TEST

/* The texts reports show: the same words html.c wrote before the table. */
START_TEST(test_describe)
{
	says("{\"type\":\"fault\",\"fault\":\"kill\",\"target\":\"A\"}",
	     "SIGKILL", "harness sent SIGKILL to A");
	says("{\"type\":\"fault\",\"fault\":\"term\",\"target\":\"B\"}",
	     "SIGTERM", "harness sent SIGTERM to B");
	says("{\"type\":\"fault\",\"fault\":\"signal\",\"target\":\"A\","
	     "\"signal\":\"Hangup\",\"sig\":\"SIGHUP\"}",
	     "SIGHUP", "harness sent SIGHUP to A");
	says("{\"type\":\"fault\",\"fault\":\"freeze\",\"target\":\"A\"}",
	     "freeze", "harness froze A (SIGSTOP): alive but stuck");
	says("{\"type\":\"fault\",\"fault\":\"thaw\",\"target\":\"A\"}", "thaw",
	     "harness thawed A (SIGCONT)");
	says("{\"type\":\"fault\",\"fault\":\"spin\",\"target\":\"A\"}", "spin",
	     "harness made A spin (event loop blocked) for good");
	says("{\"type\":\"fault\",\"fault\":\"failpoint\",\"target\":\"A\","
	     "\"name\":\"posix/io/rw/write\",\"errno\":\"EIO\"}",
	     "failpoint posix/io/rw/write armed (EIO)",
	     "failpoint posix/io/rw/write armed in A");
	says("{\"type\":\"fault\",\"fault\":\"failpoint\",\"target\":\"A\","
	     "\"name\":\"p\",\"errno\":28}",
	     "failpoint p armed (28)", "failpoint p armed in A");
	says("{\"type\":\"fault\",\"fault\":\"failpoint\",\"name\":\"p\"}",
	     "failpoint p armed", "failpoint p armed in ?");
	says("{\"type\":\"fault\",\"fault\":\"recycle\",\"target\":\"A\","
	     "\"pid\":7,\"impostorPid\":7}",
	     "PID 7 recycled", "A's PID 7 given to an unrelated process (pid 7)");
	says("{\"type\":\"fault\",\"fault\":\"damage\",\"kind\":\"empty\","
	     "\"session\":\"s1\"}",
	     "lock empty", "harness damaged the lock file of s1: empty");
	/* a fault no row knows (an older or newer history) */
	says("{\"type\":\"fault\",\"fault\":\"clock-step\",\"target\":\"A\"}",
	     "clock-step", "fault clock-step on A");
	says("{\"type\":\"fault\"}", "fault", "fault ? on ?");
}
END_TEST

/* fault_help: every statement, its keys, from the table. */
START_TEST(test_help)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	fault_help(fp, 0);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "signal HOLDER SIGNAL\n"));
	ck_assert_ptr_nonnull(strstr(buf, "HUP INT QUIT"));
	ck_assert_ptr_nonnull(strstr(buf, "failpoint HOLDER name=POINT"));
	ck_assert_ptr_nonnull(strstr(buf, "errno an I/O point fails with "
					  "[errno]; default none"));
	ck_assert_ptr_nonnull(strstr(buf, "damage SESSION KIND"));
	ck_assert_ptr_nonnull(strstr(buf, "torn-transcript"));
	ck_assert_ptr_null(strstr(buf, "spin ")); /* not a statement */
	free(buf);
	/* --help: statements and their one line, no keys */
	fp = open_memstream(&buf, &len);
	fault_help(fp, 1);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "  signal HOLDER SIGNAL\n      any signal by name"));
	ck_assert_ptr_nonnull(strstr(buf, "  kill HOLDER\n"));
	ck_assert_ptr_null(strstr(buf, "HUP INT"));
	ck_assert_ptr_null(strstr(buf, "default none"));
	free(buf);
}
END_TEST

static Suite *faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = unit_tcase(s, "table", 10, NULL, NULL);

	tcase_add_test(tc, test_rows_complete);
	tcase_add_test(tc, test_describe);
	tcase_add_test(tc, test_help);
	return s;
}

int main(void)
{
	return unit_main(faults_suite());
}
