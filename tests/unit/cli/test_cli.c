/*
 * test_cli.c - the command line's quoting and naming: shell_quote and
 * join_command (the replay line must give back the very words), the words
 * prove -e cuts (cli_rejoin_split), and catalog_name (one seed from any
 * folder). Each edge case is a row; a failing row names its input.
 */
#include <check.h>

#include "cli.h"
#include "run/run.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const words[] = {
	"plain", "two words", "it's", "say \"hi\"", "back\\slash", "",
	"$HOME", "`id`", "tab\there", "new\nline", "-x", "a'b\"c\\d e",
};

/* What /bin/sh makes of `quoted`: printf '%s' QUOTED, read back. */
static char *through_shell(const char *quoted)
{
	char *cmd = xasprintf("printf '%%s' %s", quoted), buf[256];
	FILE *p = popen(cmd, "r");
	size_t n;

	ck_assert_ptr_nonnull(p);
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
	free(cmd);
	return xstrdup(buf);
}

START_TEST(test_shell_quote_roundtrip)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		char *q = shell_quote(words[i]), *back = through_shell(q);

		ck_assert_msg(!strcmp(back, words[i]),
			      "shell_quote(\"%s\") = %s, the shell read \"%s\"",
			      words[i], q, back);
		free(q);
		free(back);
	}
	/* Plain words stay plain: the replay line stays readable. */
	{
		char *q = shell_quote("/usr/local/bin/lockchaos");

		ck_assert_str_eq(q, "/usr/local/bin/lockchaos");
		free(q);
	}
}
END_TEST

START_TEST(test_join_command_roundtrip)
{
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		/* argv: prog, words[i], "tail" */
		char *argv[] = { "prog", (char *)words[i], "tail", NULL };
		char *line = join_command(argv), **back = split_command(line);

		ck_assert_msg(back != NULL, "join_command gave \"%s\", not split",
			      line);
		for (k = 0; argv[k]; k++)
			ck_assert_msg(back[k] && !strcmp(back[k], argv[k]),
				      "join_command(\"%s\") = \"%s\": word %zu "
				      "came back as \"%s\"",
				      words[i], line, k, back[k] ? back[k] : "");
		ck_assert_ptr_null(back[k]);
		free_argv(back);
		free(line);
	}
}
END_TEST

START_TEST(test_rejoin_split)
{
	static const struct {
		const char *args[5]; /* the option's value, then what follows */
		const char *want;    /* NULL: not a piece */
		int used;	     /* words after the value taken */
	} rows[] = {
		{ { "'sh", "my.sh'", "x.scn" }, "sh my.sh", 1 },
		{ { "'python3", "-u", "h.py'", "x.scn" }, "python3 -u h.py", 2 },
		{ { "\"sh", "my.sh\"" }, "sh my.sh", 1 },
		{ { "'sh my.sh'", "x.scn" }, NULL, 0 },	/* whole already */
		{ { "sh", "my.sh" }, NULL, 0 },		/* not quoted */
		{ { "'sh", "my.sh", "x.scn" }, NULL, 0 }, /* never closed */
		{ { "'a", "b'\"c\"" }, "'a b'\"c\"", 1 }, /* the quote does not end it */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		char *argv[6] = { "--holder" };
		int argc = 1, next = 2;
		char *got;

		while (argc < 6 && rows[i].args[argc - 1]) {
			argv[argc] = (char *)rows[i].args[argc - 1];
			argc++;
		}
		got = cli_rejoin_split(argv[1], argc, argv, &next);
		if (!rows[i].want) {
			ck_assert_msg(got == NULL && next == 2,
				      "row %zu: got \"%s\", want none", i,
				      got ? got : "");
			continue;
		}
		ck_assert_msg(got && !strcmp(got, rows[i].want),
			      "row %zu: got \"%s\", want \"%s\"", i,
			      got ? got : "(null)", rows[i].want);
		ck_assert_int_eq(next, 2 + rows[i].used);
		free(got);
	}
}
END_TEST

START_TEST(test_catalog_name)
{
	char tmpl[] = "/tmp/lockchaos-unit-cat-XXXXXX", *cwd, *p, *n;
	int rooted = -1;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	cwd = getcwd(NULL, 0);
	p = xasprintf("%s/cat/sub", tmpl);
	ck_assert_int_eq(mkdir_p(p, 0755), 0);
	free(p);
	p = xasprintf("%s/cat/sub/x.scn", tmpl);
	ck_assert_int_eq(write_file(p, "x", 1), 0);

	/* No marker: the file name, from anywhere. */
	n = catalog_name(p, &rooted);
	ck_assert_str_eq(n, "x.scn");
	ck_assert_int_eq(rooted, 0);
	free(n);

	/* A marker two levels up: the path from there, however typed. */
	{
		char *m = xasprintf("%s/cat/%s", tmpl, CATALOG_MARKER);

		ck_assert_int_eq(write_file(m, "", 0), 0);
		free(m);
	}
	n = catalog_name(p, &rooted);
	ck_assert_str_eq(n, "sub/x.scn");
	ck_assert_int_eq(rooted, 1);
	free(n);
	{
		char *d = xasprintf("%s/cat/sub", tmpl);

		ck_assert_int_eq(chdir(d), 0);
		free(d);
	}
	n = catalog_name("x.scn", NULL);
	ck_assert_str_eq(n, "sub/x.scn");
	free(n);
	n = catalog_name("../sub/./x.scn", NULL);
	ck_assert_str_eq(n, "sub/x.scn");
	free(n);
	ck_assert_int_eq(run_scenario_seed(7, "x.scn", 1),
			 run_scenario_seed(7, p, 1));
	ck_assert(run_scenario_seed(7, p, 1) != run_scenario_seed(7, p, 2));
	ck_assert(run_scenario_seed(7, p, 1) != run_scenario_seed(8, p, 1));

	ck_assert_int_eq(chdir(cwd), 0);
	free(cwd);
	free(p);
	ck_assert_int_eq(remove_tree(tmpl), 0);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = unit_tcase(s, "quoting", 10, NULL, NULL);

	tcase_add_test(tc, test_shell_quote_roundtrip);
	tcase_add_test(tc, test_join_command_roundtrip);
	tcase_add_test(tc, test_rejoin_split);
	tc = unit_tcase(s, "catalog", 10, NULL, NULL);
	tcase_add_test(tc, test_catalog_name);
	return s;
}

int main(void)
{
	return unit_main(cli_suite());
}
