/*
 * main.c - the lockchaos command: parse arguments, set up, run, report,
 * exit with a status CI can act on.
 *
 * Exit status: 0 all passed; 1 a scenario failed (a lock bug was found, or
 * the run broke); 2 usage or scenario syntax error; 3 this machine cannot
 * run a requested fault (nothing failed, but something could not be run).
 */
#include "cli.h"
#include "check/check.h"
#include "explore/explore.h"
#include "faults/faults.h"
#include "run/matrix.h"
#include "report/report.h"
#include "run/merge.h"
#include "run/run.h"
#include "run/select.h"
#include "lib/util.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/stat.h>
#include <jv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_UNSUPPORTED 3

/* How lockchaos was called (argv[0]), for the replay line. */
static const char *progname = "lockchaos";

/*
 * The commands: one row each. `lockchaos --help`, `lockchaos help CMD`,
 * `CMD --help`, the did-you-mean for a misspelt command and the bash
 * completion (it reads `lockchaos help CMD`) all come from here.
 */
struct command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
	const char *synopsis;		   /* after "lockchaos " */
	const char *about;		   /* one line */
	const char *help;		   /* options and details; may be NULL */
};

static const char run_options[] =
	"  --holder CMD     lock implementation under test: a holder command line\n"
	"                   (default: the reference lock, sessionlock-holder; add\n"
	"                   --bug NAME for a mutant). It runs in a scratch folder:\n"
	"                   every word (or --name=VALUE) naming a file here is\n"
	"                   made absolute\n"
	"  --report DIR     where to write the report (default reports/<time>/, with\n"
	"                   reports/latest pointing at it)\n"
	"  --seed N         replay a run: every run prints its seed and a replay line\n"
	"  --jobs N         scenarios run side by side (default: number of CPUs)\n"
	"  --start-timeout MS  how long a holder may take to say hello (default\n"
	"                   30000), plus the time it waited for a CPU meanwhile\n"
	"                   (at most 10 times MS in all); one that never does\n"
	"                   makes the scenario an ERROR (start-up is not a lock\n"
	"                   property), not a FAIL\n"
	"  --speed N        run every scenario that allows it on one clock N times\n"
	"                   as fast (1 to 1000; overrides its `speed` line; 1:\n"
	"                   real time everywhere); see scenarios/README.md\n"
	"  --durations DIR  an earlier report: its scenarios' durations set the\n"
	"                   launch order, longest first (default: reports/latest\n"
	"                   when it exists; else each scenario's estimate)\n"
	"  -v, --verbose    show every event of every holder as it happens\n"
	"  -i               stop at the first failure and keep its scratch folder\n"
	"  --no-namespace   do not use PID namespaces (PID recycling becomes unsupported)\n"
	"selection (scenarios/README.md#tags):\n"
	"  --tag T          only scenarios tagged T (repeat: any of them)\n"
	"  --exclude-tag T  not the scenarios tagged T (repeatable)\n"
	"  --filter REGEX   only scenarios whose file or title matches REGEX\n"
	"                   (POSIX extended; repeat: all of them)\n"
	"  --shard K/N      run only share K of N of the scenario runs (one CI job\n"
	"                   of N); `lockchaos merge` joins the N reports (docs/ci.md)\n"
	"  -h, --help       this help\n";

static const char matrix_options[] =
	"  --holder NAME=CMD  a column: NAME runs holder CMD (repeatable; default:\n"
	"                   every registered implementation)\n"
	"  --known DIR      known findings, DIR/<implementation>.txt (default:\n"
	"                   share/lockchaos/known when installed, fixtures/known in\n"
	"                   the source tree); every FAIL not declared there fails\n"
	"  --report DIR     as for run (one folder per implementation inside)\n"
	"  --seed N         as for run\n"
	"  --jobs N         as for run: one pool for all the columns\n"
	"  --start-timeout MS  as for run\n"
	"  --durations DIR  as for run\n"
	"  -v, --verbose    as for run\n"
	"  --no-namespace   as for run\n"
	"  --tag T, --exclude-tag T, --filter REGEX  as for run\n"
	"  --shard K/N      run only share K of N of the cells (implementation\n"
	"                   x scenario x repeat); `lockchaos merge` joins the N\n"
	"                   matrix reports (docs/ci.md)\n"
	"  -h, --help       this help\n";

static int cmd_run(int argc, char **argv);
static int cmd_list(int argc, char **argv);
static int cmd_matrix(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_check_holder(int argc, char **argv);
static int cmd_merge(int argc, char **argv);

static const struct command commands[] = {
	{ "run", cmd_run, "run [options] [PATH...]",
	  "run scenarios (files or folders; default: the catalog lockchaos "
	  "ships)",
	  run_options },
	{ "list", cmd_list, "list [--json] [--tag T] [--exclude-tag T] [--filter RE] [PATH...]",
	  "list scenarios: title, tags, holders, floor, expected time",
	  "  --json           one JSON object per scenario and line\n"
	  "  --tag, --exclude-tag, --filter  as for run\n"
	  "  -h, --help       this help\n" },
	{ "check-holder", cmd_check_holder,
	  "check-holder [--protocol-only | --rule ID] [--start-timeout MS] CMD",
	  "does holder CMD speak the holder protocol and keep the lock rules? "
	  "(lockchaos-holder(7))",
	  "  --protocol-only  the protocol checks only (P1-P5), no scenarios\n"
	  "  --rule ID        the protocol checks, then only the conformance\n"
	  "                   scenarios of rule ID (L1-L14 of the holder\n"
	  "                   protocol page)\n"
	  "  -h, --help       this help\n" },
	{ "init-holder", init_holder_main, "init-holder --lang LANG [DIR | FILE]",
	  "write a starting holder for your lock from a kit (python, node, c)",
	  "  --lang LANG      python, node or c: the kit to start from; for c\n"
	  "                   a Makefile too, that compiles the kit in from\n"
	  "                   where it is installed (make -C DIR builds\n"
	  "                   DIR/my_holder)\n"
	  "  DIR | FILE       where to write (default '.'); a FILE with the\n"
	  "                   language's extension names the holder\n"
	  "  -h, --help       this help\n"
	  "Nothing is overwritten: when a file to write exists, nothing is\n"
	  "written.\n" },
	{ "matrix", cmd_matrix, "matrix [--holder NAME=CMD]... [options] [PATH...]",
	  "run the scenarios against several lock implementations",
	  matrix_options },
	{ "explore", explore_main,
	  "explore [--holder CMD] [--time T | --runs N] [--seed S] [options]",
	  "random fault schedules; each failure shrunk to a scenario "
	  "(docs/explore.md)",
	  explore_options },
	{ "merge", cmd_merge, "merge [--report DIR] [--known DIR] REPORT...",
	  "join the reports of `run --shard K/N` or `matrix --shard K/N` jobs "
	  "into one (docs/ci.md)",
	  "  --report DIR     where to write the merged report (default\n"
	  "                   reports/<time>/; must be new or empty)\n"
	  "  --known DIR      matrix shards: the known findings, as for matrix\n"
	  "  -h, --help       this help\n" },
	{ "help", cmd_help, "help [CMD]", "what a command does and its options",
	  NULL },
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* "unknown command 'rn' (did you mean run?)" and the list. */
static int unknown_command(const char *name)
{
	const char *names[NR_COMMANDS + 2];
	char *near;
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		names[i] = commands[i].name;
	names[i++] = "--help"; /* the two options before a command */
	names[i++] = "--version";
	near = nearest_names(name, names, i, 3);
	fprintf(stderr, "lockchaos: unknown %s '%s'",
		*name == '-' ? "option" : "command", name);
	if (near)
		fprintf(stderr, " (did you mean %s?)", near);
	fprintf(stderr, "; the commands:");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(stderr, " %s", commands[i].name);
	fprintf(stderr, " (lockchaos --help)\n");
	free(near);
	return EXIT_USAGE;
}

static void command_help(FILE *out, const struct command *c)
{
	fprintf(out, "usage: lockchaos %s\n%s\n", c->synopsis, c->about);
	if (c->help)
		fprintf(out, "\noptions:\n%s", c->help);
	fputs("\nMore: lockchaos(1); the scenario language: lockchaos-scenario(5);\n"
	      "the holder protocol: lockchaos-holder(7).\n",
	      out);
}

/* The usage of every command; with status 0 (--help) also the faults and
 * the built-in checkers, from their tables (the checkers come last). */
static int usage(FILE *out, int status)
{
	size_t i;
	int c;

	fputs("usage: lockchaos COMMAND [ARGS]\n\ncommands:\n", out);
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  lockchaos %s\n        %s\n", commands[i].synopsis,
			commands[i].about);
	fprintf(out, "  lockchaos --version\n\n"
		     "`lockchaos help CMD` or `lockchaos CMD --help` shows a "
		     "command's options.\n"
		     "Exit status: 0 all passed, 1 a scenario failed, 2 usage "
		     "or syntax error,\n3 a fault this machine cannot inject.\n");
	if (status)
		return status;
	fputs("\noptions of run:\n", out);
	fputs(run_options, out);
	fputs("\nfaults (lockchaos-scenario(5); one table, harness/faults/):\n",
	      out);
	fault_help(out, 1);
	fputs("\nbuilt-in checkers (`disable NAME` in a scenario switches one "
	      "off):\n",
	      out);
	for (c = 0; c < CHECK__NR; c++)
		fprintf(out, "  %-16s %s\n", checker_name(c), checker_about(c));
	return status;
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2)
		return usage(stdout, 0);
	c = command_find(argv[1]);
	if (!c)
		return unknown_command(argv[1]);
	command_help(stdout, c);
	return 0;
}

static int cmd_check_holder(int argc, char **argv)
{
	return check_holder_main(argc, argv);
}

static const struct option long_opts[] = {
	{ "holder", required_argument, NULL, 'H' },
	{ "report", required_argument, NULL, 'r' },
	{ "seed", required_argument, NULL, 's' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "durations", required_argument, NULL, 'D' },
	{ "start-timeout", required_argument, NULL, 'T' },
	{ "speed", required_argument, NULL, 'S' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "no-namespace", no_argument, NULL, 'N' },
	{ "known", required_argument, NULL, 'K' },
	{ "tag", required_argument, NULL, 't' },
	{ "exclude-tag", required_argument, NULL, 'x' },
	{ "filter", required_argument, NULL, 'F' },
	{ "shard", required_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* matrix takes run's options but --speed (its columns run each scenario
 * at the scenario's own speed). */
static const struct option *options_of(int matrix)
{
	static struct option m[sizeof(long_opts) / sizeof(long_opts[0])];
	size_t i, k = 0;

	if (!matrix)
		return long_opts;
	if (!m[0].name)
		for (i = 0; i < sizeof(long_opts) / sizeof(long_opts[0]); i++)
			if (!long_opts[i].name ||
			    strcmp(long_opts[i].name, "speed"))
				m[k++] = long_opts[i];
	return m;
}

struct args {
	struct cli_holder *holders; /* --holder, repeatable for matrix */
	int nr_holders, alloc_holders;
	const char *report;
	uint64_t seed;
	int seed_given;
	int jobs;
	const char *durations; /* earlier report folder, or NULL */
	int start_timeout_ms;  /* --start-timeout, 0: the default */
	int speed;	       /* --speed, 0: each scenario's own */
	int verbose;
	int stop_first;
	int no_pidns;
	const char *known; /* matrix: --known DIR */
	struct selection sel; /* --tag, --exclude-tag, --filter */
	int shard_k, shard_n; /* run: --shard K/N, or 0 */
	char **paths;
	int nr_paths;
	char *default_path[2]; /* no PATH given: the catalog, NULL */
};

/*
 * No PATH given: the catalog lockchaos ships (the installed one, or the
 * source tree's), as paths[0] of a NULL-terminated pair (paths[0]
 * malloc'ed). 0, or -1 after saying there is none.
 */
static int default_paths(char *paths[2])
{
	char *tried = NULL;

	paths[0] = cli_find_shipped(CLI_CATALOG, &tried);
	paths[1] = NULL;
	if (paths[0])
		return 0;
	fprintf(stderr, "lockchaos: no scenario path given and no catalog "
			"installed (looked at %s): name scenario files or "
			"folders\n",
		tried);
	free(tried);
	return -1;
}

static int parse_args(struct args *a, int argc, char **argv, int matrix)
{
	int c;

	memset(a, 0, sizeof(*a));
	a->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (a->jobs < 1)
		a->jobs = 1;
	optind = 1;
	opterr = 0; /* cli_option_error says it, with a did-you-mean */
	while ((c = getopt_long(argc, argv, "+:vih", options_of(matrix),
				NULL)) != -1) {
		char *end;

		switch (c) {
		case 'H': {
			/* --holder 'sh my.sh' as prove -e passes it. */
			char *whole = cli_rejoin_split(optarg, argc, argv,
						       &optind);

			ALLOC_GROW(a->holders, (size_t)a->nr_holders + 1,
				   a->alloc_holders);
			if (cli_holder_parse(&a->holders[a->nr_holders++],
					     whole ? whole : optarg, matrix)) {
				free(whole);
				return -1;
			}
			free(whole);
			break;
		}
		case 'r':
			a->report = optarg;
			break;
		case 's':
			errno = 0;
			a->seed = strtoull(optarg, &end, 10);
			if (errno || !*optarg || *end) {
				fprintf(stderr, "lockchaos: --seed: '%s' is "
						"not a number\n",
					optarg);
				return -1;
			}
			a->seed_given = 1;
			break;
		case 'j':
			a->jobs = atoi(optarg);
			if (a->jobs < 1 || a->jobs > 64) {
				fprintf(stderr, "lockchaos: --jobs: expected "
						"1 to 64, got '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'D':
			a->durations = optarg;
			break;
		case 'T':
			errno = 0;
			a->start_timeout_ms = (int)strtol(optarg, &end, 10);
			if (errno || !*optarg || *end ||
			    a->start_timeout_ms < 1 ||
			    a->start_timeout_ms > 3600000) {
				fprintf(stderr, "lockchaos: --start-timeout: "
						"expected 1 to 3600000 ms, "
						"got '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'S':
			errno = 0;
			a->speed = (int)strtol(optarg, &end, 10);
			if (errno || !*optarg || *end || a->speed < 1 ||
			    a->speed > SCENARIO_SPEED_MAX) {
				fprintf(stderr, "lockchaos: --speed: expected "
						"1 to %d, got '%s'\n",
					SCENARIO_SPEED_MAX, optarg);
				return -1;
			}
			break;
		case 'v':
			a->verbose = 1;
			break;
		case 'i':
			a->stop_first = 1;
			break;
		case 'N':
			a->no_pidns = 1;
			break;
		case 't':
		case 'x':
			if (selection_add_tag(&a->sel, optarg, c == 'x'))
				return -1;
			break;
		case 'F':
			if (selection_add_filter(&a->sel, optarg))
				return -1;
			break;
		case 'k':
			if (shard_parse(optarg, &a->shard_k, &a->shard_n))
				return -1;
			break;
		case 'K':
			if (!matrix) {
				fprintf(stderr, "lockchaos run: --known is an "
						"option of matrix\n");
				return -1;
			}
			a->known = optarg;
			break;
		case 'h':
			command_help(stdout, command_find(argv[0]));
			exit(0);
		default:
			cli_option_error(argv[0], c, argv, options_of(matrix));
			return -1;
		}
	}
	/* The last run's durations, when there is one to read. Not for a
	 * shard: the split follows the durations, and the N jobs must all
	 * see the same ones (the scenarios' estimates, or --durations DIR). */
	if (!a->durations && !a->shard_n &&
	    access("reports/latest", F_OK) == 0)
		a->durations = "reports/latest";
	a->paths = argv + optind;
	a->nr_paths = argc - optind;
	if (!a->nr_paths && default_paths(a->default_path))
		return -1;
	if (!a->nr_paths) {
		a->paths = a->default_path;
		a->nr_paths = 1;
	}
	if (!a->seed_given) {
		uint64_t s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
			     (uint64_t)mono_us();

		a->seed = prng_next(&s) >> 11; /* fits a double: jq-safe */
	}
	return 0;
}

static void args_clear(struct args *a)
{
	int i;

	for (i = 0; i < a->nr_holders; i++)
		cli_holder_clear(&a->holders[i]);
	free(a->holders);
	free(a->default_path[0]);
	selection_clear(&a->sel);
}

/*
 * Parses every scenario under the paths (all of them, so that every syntax
 * error is shown at once). 0, or -1 after saying why: then nothing is run
 * and the caller exits 2. The report folder is made later, once nothing
 * else can refuse the run: a usage error leaves no folder behind.
 */
static int load_scenarios(struct args *a, struct scenario_list *l)
{
	int rc = scenario_list_load(l, a->paths, a->nr_paths);

	if (!rc)
		rc = selection_apply(&a->sel, l) ? -3 : 0;
	if (rc == -3) {
		fprintf(stderr, "lockchaos: nothing was run\n");
		scenario_list_clear(l);
		return -1;
	}
	if (rc == -1) {
		/* TAP readers (prove) stop here and say why. */
		printf("TAP version 13\nBail out! %d syntax error(s) in %d "
		       "scenario file(s): %s%s\n",
		       l->nr_errors, l->nr_bad,
		       l->first_error ? l->first_error : "",
		       l->nr_errors > 1 ? " (all of them on stderr)" : "");
		fflush(stdout);
	}
	if (rc) {
		if (rc == -1)
			fprintf(stderr, "lockchaos: %d syntax error(s) in %d "
					"scenario file(s); nothing was run\n",
				l->nr_errors, l->nr_bad);
		else
			fprintf(stderr, "lockchaos: no scenarios; nothing was "
					"run\n");
		scenario_list_clear(l);
		return -1;
	}
	return 0;
}

/*
 * The exit status a run's totals call for, saying on stderr what is not
 * in TAP: an interrupted run (128 + signal), a scenario error only the
 * holders' hello could show (2), a report with holes (1: a report that
 * lost files is no green), unsupported faults (3), no run that reached a
 * verdict (1: a run that executed no test is no green).
 *
 * `shard_n` >= 2: the totals are one share of a split (run --shard K/N).
 * A share whose runs were all n/a for the holder (or that got no run at
 * all) did not find the lock wanting, and the whole is judged by `lockchaos
 * merge`, which fails when the merged runs reached no verdict: such a share
 * exits 0 and says so (docs/ci.md). A failed, interrupted or unsupported
 * run keeps its status.
 */
static int run_status(const struct report_totals *t, const char *dir,
		      int shard_k, int shard_n)
{
	int rc = t->failed ? EXIT_FAILED : t->unsupported ? EXIT_UNSUPPORTED : 0;

	if (t->write_errors) {
		fprintf(stderr, "lockchaos: the report in '%s' is incomplete: "
				"%d file(s) could not be written (exit 1)\n",
			dir, t->write_errors);
		rc = EXIT_FAILED;
	}
	if (t->scenario_errors && !t->interrupted) {
		fprintf(stderr, "lockchaos: %d scenario error(s) found when the "
				"holders said hello (file:line above); exit 2\n",
			t->scenario_errors);
		return EXIT_USAGE;
	}
	if (t->interrupted) {
		fprintf(stderr, "lockchaos: interrupted by SIG%s: %d scenario "
				"run(s) not run; report in '%s'\n",
			sigabbrev_np(t->interrupted), t->not_run, dir);
		return 128 + t->interrupted;
	}
	if (t->unsupported && rc == EXIT_UNSUPPORTED)
		fprintf(stderr, "lockchaos: %d scenario(s) could not run on "
				"this machine (exit 3)\n",
			t->unsupported);
	if (!t->passed && !t->failed && !rc && shard_n >= 2 && !t->not_run) {
		fprintf(stderr, "lockchaos: shard %d/%d: no scenario run reached "
				"a verdict here (%d n/a); exit 0: `lockchaos "
				"merge` fails if no shard's run did\n",
			shard_k, shard_n, t->skipped);
	} else if (!t->passed && !t->failed && !rc) {
		fprintf(stderr, "lockchaos: no scenario ran to a verdict\n");
		rc = EXIT_FAILED;
	}
	return rc;
}

/* The options that change what a replay does, besides the seed and the
 * holder, as `run` takes them (malloc'ed, "" for none). */
/* Appends "OPT VALUE" (VALUE quoted for a shell) to *extra. */
static void extra_add(char **extra, const char *opt, const char *value)
{
	char *q = shell_quote(value);
	char *e = xasprintf("%s%s%s %s", *extra, **extra ? " " : "", opt, q);

	free(q);
	free(*extra);
	*extra = e;
}

/* `shard`: with --shard K/N when given (a matrix column's replay is the
 * whole column: its share of the cells is no `run --shard` share). */
static char *replay_extra(const struct args *a, int shard)
{
	char *extra = xstrdup(a->no_pidns ? "--no-namespace" : "");
	char num[32];
	int i;

	if (a->start_timeout_ms) {
		snprintf(num, sizeof(num), "%d", a->start_timeout_ms);
		extra_add(&extra, "--start-timeout", num);
	}
	if (a->speed) {
		snprintf(num, sizeof(num), "%d", a->speed);
		extra_add(&extra, "--speed", num);
	}
	/* The selection: the same scenarios, hence the same run. */
	for (i = 0; i < a->sel.nr_tags; i++)
		extra_add(&extra, "--tag", a->sel.tags[i]);
	for (i = 0; i < a->sel.nr_exclude; i++)
		extra_add(&extra, "--exclude-tag", a->sel.exclude[i]);
	for (i = 0; i < a->sel.nr_filters; i++)
		extra_add(&extra, "--filter", a->sel.filter_text[i]);
	if (a->shard_n && shard) {
		snprintf(num, sizeof(num), "%d/%d", a->shard_k, a->shard_n);
		extra_add(&extra, "--shard", num);
	}
	return extra;
}

static int cmd_run(int argc, char **argv)
{
	struct args a;
	struct scenario_list l = { 0 };
	struct report_sink *sinks[5];
	struct report_totals t;
	struct cli_holder def = { 0 };
	struct cli_holder *h;
	struct run_config cfg;
	char *dir = NULL, *scratch = NULL, *replay = NULL, *extra = NULL;
	int rc = EXIT_USAGE, i;

	if (parse_args(&a, argc, argv, 0))
		return EXIT_USAGE;
	if (a.nr_holders > 1) {
		fprintf(stderr, "lockchaos run: one --holder (use `lockchaos "
				"matrix` for several)\n");
		goto out;
	}
	if (load_scenarios(&a, &l))
		goto out;
	if (a.nr_holders) {
		h = &a.holders[0];
	} else {
		if (cli_holder_default(&def))
			goto out;
		h = &def;
	}
	/* Everything that can refuse the run does so before the report
	 * folder exists and before any holder starts. */
	rc = EXIT_FAILED;
	scratch = cli_scratch_root();
	if (!scratch)
		goto out;
	rc = EXIT_USAGE;
	dir = cli_report_dir(a.report);
	if (!dir)
		goto out;
	extra = replay_extra(&a, 1);
	replay = cli_replay_line(progname, (unsigned long long)a.seed, h->argv,
				 extra, a.paths, a.nr_paths);
	cfg = (struct run_config){
		.holder_argv = h->argv,
		.holder = h->cmd,
		.replay = replay,
		.impl = NULL,
		.report_dir = dir,
		.seed = a.seed,
		.jobs = a.jobs,
		.durations_from = a.durations,
		.verbose = a.verbose,
		.stop_first = a.stop_first,
		.want_pidns = !a.no_pidns,
		.start_timeout_ms = a.start_timeout_ms,
		.speed = a.speed,
		.scratch_root = scratch,
		.shard_k = a.shard_k,
		.shard_n = a.shard_n,
	};
	i = 0;
	sinks[i++] = report_tap(stdout);
	/* Under prove (TAP::Harness sets HARNESS_ACTIVE) the progress lines
	 * would be printed among prove's own: TAP says it all. */
	if (!getenv("HARNESS_ACTIVE"))
		sinks[i++] = report_progress(stderr);
	sinks[i++] = report_json();
	sinks[i++] = report_junit();
	sinks[i] = NULL;
	run_scenarios(&l, &cfg, sinks, &t);
	for (i = 0; sinks[i]; i++)
		report_free(sinks[i]);
	rc = run_status(&t, dir, a.shard_k, a.shard_n);
	if (!t.interrupted && !t.write_errors)
		cli_report_latest(dir);
out:
	if (scratch) {
		/* -i keeps a failed scenario's scratch folder inside. */
		if (rmdir(scratch) && errno != ENOENT && !a.stop_first)
			remove_tree(scratch);
		free(scratch);
	}
	free(dir);
	free(replay);
	free(extra);
	cli_holder_clear(&def);
	scenario_list_clear(&l);
	args_clear(&a);
	return rc;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "tag", required_argument, NULL, 't' },
		{ "exclude-tag", required_argument, NULL, 'x' },
		{ "filter", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scenario_list l = { 0 };
	struct selection sel = SELECTION_INIT;
	int rc, i, k, c, json = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 't':
		case 'x':
			if (selection_add_tag(&sel, optarg, c == 'x'))
				goto bad;
			break;
		case 'F':
			if (selection_add_filter(&sel, optarg))
				goto bad;
			break;
		case 'h':
			selection_clear(&sel);
			command_help(stdout, command_find("list"));
			return 0;
		default:
			cli_option_error("list", c, argv, opts);
			goto bad;
		}
	}
	if (optind >= argc) {
		char *def[2];

		if (default_paths(def))
			goto bad;
		rc = scenario_list_load(&l, def, 1);
		free(def[0]);
	} else {
		rc = scenario_list_load(&l, argv + optind, argc - optind);
	}
	if (rc != -2 && selection_apply(&sel, &l)) {
		scenario_list_clear(&l);
		rc = -1;
	}
	selection_clear(&sel);
	for (i = 0; i < l.nr; i++) {
		struct scenario *s = &l.items[i];
		int64_t floor = run_floor_ms(s);

		if (json) {
			jv o = jv_object(), tags = jv_array();

			for (k = 0; k < s->nr_tags; k++)
				tags = jv_array_append(tags,
						       jv_string(s->tags[k]));
			o = jv_object_set(o, jv_string("file"),
					  jv_string(s->file));
			o = jv_object_set(o, jv_string("title"),
					  jv_string(s->title));
			o = jv_object_set(o, jv_string("tags"), tags);
			o = jv_object_set(o, jv_string("holders"),
					  jv_number(s->nr_holders));
			o = jv_object_set(o, jv_string("repeat"),
					  jv_number(s->repeat));
			o = jv_object_set(o, jv_string("floorMs"),
					  jv_number((double)floor));
			/* what --shard and the launch order expect of
			 * one run without measured durations */
			o = jv_object_set(o, jv_string("expectedMs"),
					  jv_number((double)run_expected_ms(s)));
			/* floorMs is on the wall clock: the scenario's
			 * own clock runs `speed` times as fast */
			o = jv_object_set(o, jv_string("speed"),
					  jv_number(s->speed > 1 ? s->speed : 1));
			if (s->speed_off)
				o = jv_object_set(o, jv_string("speedOff"),
						  jv_string(s->speed_off));
			jv_dumpf(o, stdout, 0);
			putchar('\n');
			continue;
		}
		printf("%s\n  title:   %s\n  tags:   ", s->file, s->title);
		for (k = 0; k < s->nr_tags; k++)
			printf(" %s", s->tags[k]);
		printf("\n  holders:");
		for (k = 0; k < s->nr_holders; k++)
			printf(" %s", s->holders[k].name);
		printf("\n  steps:   %d, expectations: %d, floor %lld ms, "
		       "expected %lld ms",
		       s->nr_steps, s->nr_expects, (long long)floor,
		       (long long)run_expected_ms(s));
		if (s->repeat > 1)
			printf(", repeated %d times", s->repeat);
		if (s->speed > 1)
			printf(", at speed %d", s->speed);
		if (s->speed_off)
			printf(", never compressed: %s", s->speed_off);
		putchar('\n');
	}
	if (!json && (l.nr || !rc))
		printf("%d scenario(s)\n", l.nr);
	scenario_list_clear(&l);
	return rc ? EXIT_USAGE : 0;
bad:
	selection_clear(&sel);
	return EXIT_USAGE;
}

static int cmd_matrix(int argc, char **argv)
{
	struct args a;
	struct scenario_list l = { 0 };
	struct matrix_plan m = { 0 };
	char *dir = NULL, *scratch = NULL, *known = NULL;
	int rc = EXIT_USAGE;

	if (parse_args(&a, argc, argv, 1))
		return EXIT_USAGE;
	if (a.known) {
		struct stat st;

		if (stat(a.known, &st) || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "lockchaos matrix: --known '%s' is not "
					"a folder\n",
				a.known);
			goto out;
		}
		known = xstrdup(a.known);
	} else {
		known = cli_find_shipped(CLI_KNOWN, NULL);
	}
	if (load_scenarios(&a, &l))
		goto out;
	if (matrix_prepare(&m, a.holders, a.nr_holders, known))
		goto out;
	m.shard_k = a.shard_k;
	m.shard_n = a.shard_n;
	/* Each column replays as a run of its own: the same seed gives its
	 * scenarios the same seeds (run_scenario_seed). */
	{
		char *extra = replay_extra(&a, 0);
		int i;

		m.replays = xcalloc((size_t)m.nh, sizeof(*m.replays));
		for (i = 0; i < m.nh; i++)
			m.replays[i] = cli_replay_line(
			    progname, (unsigned long long)a.seed, m.hs[i].argv,
			    extra, a.paths, a.nr_paths);
		free(extra);
	}
	rc = EXIT_FAILED;
	scratch = cli_scratch_root();
	if (!scratch)
		goto out;
	rc = EXIT_USAGE;
	dir = cli_report_dir(a.report);
	if (!dir)
		goto out;
	setenv("TMPDIR", scratch, 1); /* workers make their scratch there */
	rc = matrix_run(&m, &l, dir, a.seed, a.jobs, !a.no_pidns, a.verbose,
			a.durations, a.start_timeout_ms);
	if (rc == 0 || rc == EXIT_FAILED)
		cli_report_latest(dir);
out:
	if (scratch) {
		if (rmdir(scratch) && errno != ENOENT)
			remove_tree(scratch);
		free(scratch);
	}
	matrix_plan_clear(&m);
	free(known);
	free(dir);
	scenario_list_clear(&l);
	args_clear(&a);
	return rc;
}

static const struct option merge_opts[] = {
	{ "report", required_argument, NULL, 'r' },
	{ "known", required_argument, NULL, 'K' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* merge of `matrix --shard K/N` reports: the matrix gate's status. */
static int cmd_merge_matrix(char *dir, char **dirs, int n, const char *known)
{
	char *shipped = known ? NULL : cli_find_shipped(CLI_KNOWN, NULL);
	int gate = 1, rc = merge_matrix(dir, dirs, n, known ? known : shipped,
					&gate);

	free(shipped);
	if (rc == -1) {
		remove_tree(dir); /* only what the refused merge made */
		free(dir);
		return EXIT_USAGE;
	}
	if (!rc)
		cli_report_latest(dir);
	free(dir);
	return rc ? EXIT_FAILED : gate;
}

/*
 * `lockchaos merge [--report DIR] REPORT...`: the reports of `run --shard
 * K/N` joined into one (run/merge.h), with a run's exit status.
 */
static int cmd_merge(int argc, char **argv)
{
	const char *report = NULL, *known = NULL;
	struct report_totals t;
	char *dir;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", merge_opts, NULL)) != -1) {
		if (c == 'r') {
			report = optarg;
		} else if (c == 'K') {
			known = optarg;
		} else if (c == 'h') {
			command_help(stdout, command_find("merge"));
			return 0;
		} else {
			cli_option_error("merge", c, argv, merge_opts);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "lockchaos merge: expected the report folders "
				"of the shards\n");
		return EXIT_USAGE;
	}
	rc = merge_is_matrix(argv + optind, argc - optind);
	if (rc < 0)
		return EXIT_USAGE;
	dir = cli_report_dir(report);
	if (!dir)
		return EXIT_USAGE;
	if (rc)
		return cmd_merge_matrix(dir, argv + optind, argc - optind, known);
	rc = merge_reports(dir, argv + optind, argc - optind, &t);
	if (rc == -1) {
		/* Nothing was written: leave no empty report behind. */
		rmdir(dir);
		free(dir);
		return EXIT_USAGE;
	}
	if (rc)
		t.write_errors++;
	printf("# merged %d report(s) into %s\n", argc - optind, dir);
	if (t.not_run)
		printf("%d passed, %d failed, %d skipped, %d not run\n",
		       t.passed, t.failed, t.skipped, t.not_run);
	else if (t.skipped)
		printf("%d passed, %d failed, %d skipped\n", t.passed,
		       t.failed, t.skipped);
	else
		printf("%d passed, %d failed\n", t.passed, t.failed);
	rc = run_status(&t, dir, 0, 0);
	/* A run not run (an interrupted shard) is no green either. */
	if (!rc && t.not_run) {
		fprintf(stderr, "lockchaos merge: %d scenario run(s) not run "
				"(exit 1)\n",
			t.not_run);
		rc = EXIT_FAILED;
	}
	if (!t.write_errors)
		cli_report_latest(dir);
	free(dir);
	return rc;
}

int main(int argc, char **argv)
{
	const struct command *c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	progname = argv[0];
	/* Every holder costs three open files: take all the system allows
	 * (run_scenarios says so when a scenario needs more still). */
	nofile_raise();
	if (argc < 2)
		return usage(stderr, EXIT_USAGE);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout, 0);
	if (!strcmp(argv[1], "--version")) {
		printf("lockchaos %s (holder protocol 1)\n", LOCKCHAOS_VERSION);
		return 0;
	}
	c = command_find(argv[1]);
	if (!c)
		return unknown_command(argv[1]);
	/* `CMD --help` for every command, whatever its own arguments are
	 * (check-holder's is a command line, list's are paths). */
	if (c->run != cmd_help && argc > 2 &&
	    (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		command_help(stdout, c);
		return 0;
	}
	return c->run(argc - 1, argv + 1);
}
