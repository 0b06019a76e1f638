/*
 * explore.c - `lockchaos explore`: generate scenarios (gen.c), run them in
 * the run pool (run/run.h), judge them with the built-in checkers only,
 * shrink each failure (shrink.c) and write it as DIR/found-NNN.scn.
 *
 * Every candidate is rendered to the plain language and parsed again
 * before it runs, so what is written is exactly what ran. Runs go into a
 * scratch report folder per batch, read back through a sink of our own and
 * removed; only the found scenarios and summary.json stay in DIR.
 */
#include "explore/explore.h"
#include "check/check.h"
#include "cli.h"
#include "lib/util.h"
#include "run/run.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jv.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXPLORE_FOUND 1
#define EXPLORE_USAGE 2

/* Re-runs of the original failure, to estimate how often it fails. */
#define CONFIRM_RUNS 6
/* ... and of a safety failure not seen again in those, before it counts
 * as not reproduced (a race of one run in ten shows again in 14 runs with
 * 77 % odds) */
#define CONFIRM_MORE 14
/* Runs of the shrunk scenario, for the header's "fails N of M"; it must
 * fail at least REPLAY_FAILS of them (of twice as many, when it failed
 * once in the first MEASURE_RUNS) to be written. */
#define MEASURE_RUNS 10
#define REPLAY_FAILS 2
/* At most this many runs per shrink candidate. */
#define MAX_TRIES 10

const char explore_options[] =
	"  --holder CMD     the lock implementation (default: the reference holder)\n"
	"  --time T         explore for T (10m, 90s; default 10m), or\n"
	"  --runs N         run N generated scenarios\n"
	"  --seed S         the exploration's seed (printed; the same seed generates\n"
	"                   the same scenarios)\n"
	"  --jobs J         scenarios side by side (default 2)\n"
	"  --out DIR        where found-NNN.scn and summary.json go (default\n"
	"                   reports/<time>/; must be new or empty)\n"
	"  --disable NAME   switch a built-in checker off in every generated scenario\n"
	"                   (a finding already known, e.g. visibility)\n"
	"  --shrink-time T  the most one shrink may take (default 10m)\n"
	"  --max-per-checker N  shrink at most N failures per checker (default 3)\n"
	"  --max-found N    stop once N scenarios were found (default: explore on)\n"
	"  --dry-run        print the scenarios --runs N (default 3) would run, and\n"
	"                   stop (nothing is run; the holder is asked for its hello)\n"
	"  -h, --help       this help\n"
	"Exit status: 0 nothing found, 1 something found, 2 usage error.\n";

static void usage(FILE *out)
{
	fprintf(out, "usage: lockchaos explore [--holder CMD] [--time T | --runs "
		     "N] [--seed S] [options]\n\noptions:\n%s",
		explore_options);
}

static const struct option long_opts[] = {
	{ "holder", required_argument, NULL, 'H' },
	{ "time", required_argument, NULL, 't' },
	{ "runs", required_argument, NULL, 'n' },
	{ "seed", required_argument, NULL, 's' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "out", required_argument, NULL, 'o' },
	{ "disable", required_argument, NULL, 'd' },
	{ "shrink-time", required_argument, NULL, 'S' },
	{ "max-per-checker", required_argument, NULL, 'm' },
	{ "dry-run", no_argument, NULL, 'p' },
	{ "max-found", required_argument, NULL, 'F' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* What the runs of one scenario came to. */
struct xresult {
	int runs;		 /* runs with a verdict */
	int fails[CHECK__NR];	 /* runs each checker failed */
	char *msg[CHECK__NR];	 /* its first message */
	int first;		 /* the first checker that failed, or -1 */
	int unsupported;	 /* runs this machine could not do */
	int errors;		 /* runs that broke (no verdict) */
};

struct found {
	char *key;	/* checker + shrunk text: the dedup key */
	int checker;
};

struct explore {
	struct cli_holder holder;
	struct explore_caps caps;
	uint64_t seed;
	int64_t time_ms;	/* budget for exploring; 0 when --runs */
	long max_runs;		/* --runs, or 0 */
	int jobs;
	char *out;
	char *scratch;
	unsigned disabled;	/* checkers off */
	int64_t shrink_ms;
	int max_per_checker;
	int dry_run;		/* --dry-run: print, do not run */
	int max_found;		/* --max-found, or 0 */
	int pidns;		/* recycle may be generated */
	int tty;		/* progress on stderr */
	int64_t start_us;
	int64_t first_fail_us;	/* -1: none yet */
	long runs, failures, batches;
	int not_reproduced;	/* failures that did not fail again */
	int interrupted;
	struct found *found;
	int nr_found, alloc_found;
	int per_checker[CHECK__NR];
	jv summary;		/* the found list, for summary.json */
	/* the shrink in progress */
	int target;		/* checker */
	int tries;		/* runs per candidate */
	int need;		/* of which must fail */
	int64_t shrink_end_us;
	int found_no;
	/* the scenarios verify measured in this shrink: text, how often
	 * each failed (the one written is one of them, or the original) */
	struct measured {
		char *text;
		int fails, of;
	} *measured;
	int nr_measured, alloc_measured;
	/* failures not reproduced (their original, unreproduced-NNN.scn) */
	int nr_unreproduced;
	/* rare races, not shrunk (their original, rare-NNN.scn) */
	int nr_rare;
	jv rare;		/* their list, for summary.json */
};

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static void xresult_clear(struct xresult *r)
{
	int c;

	for (c = 0; c < CHECK__NR; c++)
		free(r->msg[c]);
	memset(r, 0, sizeof(*r));
	r->first = -1;
}

/* ---- the holder's hello ---------------------------------------------- */

/*
 * Starts the holder once in a folder of the scratch root, reads its hello
 * (at most 30 s), tells it to exit. The hello line (malloc'ed), or NULL
 * after saying why.
 */
static char *probe_hello(struct explore *e)
{
	char *dir = xasprintf("%s/probe", e->scratch);
	char *sess = xasprintf("%s/sessions", dir);
	int in[2], out[2];
	char buf[65536];
	size_t len = 0;
	char *nl = NULL, *line = NULL;
	int64_t end = mono_us() + 30000000LL;
	pid_t pid;
	int status;

	if (mkdir_p(sess, 0755) || pipe2(in, O_CLOEXEC) ||
	    pipe2(out, O_CLOEXEC)) {
		fprintf(stderr, "lockchaos explore: cannot set up '%s': %s\n",
			dir, strerror(errno));
		free(dir);
		free(sess);
		return NULL;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(in[0], 0);
		dup2(out[1], 1);
		if (devnull >= 0)
			dup2(devnull, 2);
		if (chdir(dir))
			_exit(126);
		setenv("LOCKCHAOS_HOLDER", "A", 1);
		setenv("LOCKCHAOS_DIR", sess, 1);
		setenv("LOCKCHAOS_PROTO", "1", 1);
		execvp(e->holder.argv[0], e->holder.argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	while (pid > 0 && !nl && len < sizeof(buf) - 1) {
		struct pollfd p = { out[0], POLLIN, 0 };
		int64_t left = (end - mono_us()) / 1000;
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		n = read(out[0], buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		nl = strchr(buf, '\n');
	}
	if (nl) {
		*nl = '\0';
		line = xstrdup(buf);
	}
	if (pid > 0) {
		static const char bye[] = "{\"id\":1,\"op\":\"exit\"}\n";
		int i;

		signal(SIGPIPE, SIG_IGN);
		/* a holder that is gone already is killed below anyway */
		(void)!write(in[1], bye, sizeof(bye) - 1);
		for (i = 0; i < 40 && waitpid(pid, &status, WNOHANG) == 0; i++)
			usleep(50000);
		if (i == 40) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
	}
	close(in[1]);
	close(out[0]);
	remove_tree(dir);
	if (!line)
		fprintf(stderr, "lockchaos explore: '%s' said no hello within "
				"30 s (lockchaos check-holder says why)\n",
			e->holder.cmd);
	free(dir);
	free(sess);
	return line;
}

/* ---- running scenarios ----------------------------------------------- */

struct capture {
	const struct scenario_list *l;
	struct xresult *res;
	unsigned disabled;
};

static void capture_item(struct report_sink *sink, const struct report_run *rr,
			 const struct report_item *it)
{
	struct capture *c = sink->data;
	struct xresult *r = &c->res[it->s - c->l->items];
	const struct run_result *res = it->res;
	int i, n, seen[CHECK__NR] = { 0 };

	(void)rr;
	if (!strcmp(res->status, STATUS_UNSUPPORTED)) {
		r->unsupported++;
		return;
	}
	if (!strcmp(res->status, STATUS_ERROR) ||
	    !strcmp(res->status, STATUS_NA) ||
	    !strcmp(res->status, STATUS_NOT_RUN)) {
		r->errors++;
		return;
	}
	r->runs++;
	n = jv_get_kind(res->failures) == JV_KIND_ARRAY
		    ? jv_array_length(jv_copy(res->failures))
		    : 0;
	for (i = 0; i < n; i++) {
		jv f = jv_array_get(jv_copy(res->failures), i);
		jv name = jv_object_get(jv_copy(f), jv_string("checker"));
		jv msg = jv_object_get(f, jv_string("msg"));
		int k = jv_get_kind(name) == JV_KIND_STRING
				? checker_from_name(jv_string_value(name))
				: -1;

		if (k >= 0 && !(c->disabled & (1u << k)) && !seen[k]) {
			seen[k] = 1;
			r->fails[k]++;
			if (!r->msg[k])
				r->msg[k] = xstrdup(jv_get_kind(msg) ==
							    JV_KIND_STRING
							    ? jv_string_value(msg)
							    : "");
			if (r->first < 0)
				r->first = k;
		}
		jv_free(name);
		jv_free(msg);
	}
}

/*
 * Runs scenarios `texts` (n of them, named `names` for messages), each
 * `repeat` times, in one pool; their results into res[0..n) (cleared
 * first). A text that does not parse gets runs -1 and its error printed.
 * Returns 0, or -1 when the run was interrupted.
 */
static int run_batch(struct explore *e, char **texts, char **names, int n,
		     int repeat, struct xresult *res, int quiet_parse)
{
	struct scenario_list l = { 0 };
	struct capture cap = { &l, NULL, e->disabled };
	struct report_sink sink = { NULL, capture_item, NULL, &cap, 0 };
	struct report_sink *sinks[2] = { &sink, NULL };
	struct report_totals t;
	struct run_config cfg;
	struct xresult *byitem;
	int *where = xcalloc((size_t)n + 1, sizeof(*where));
	char *dir;
	int i;

	if (e->interrupted || stop_sig) { /* ^C: nothing more runs */
		free(where);
		for (i = 0; i < n; i++)
			xresult_clear(&res[i]);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct scenario s;
		char *err = NULL;

		xresult_clear(&res[i]);
		scenario_init(&s);
		if (scenario_parse(&s, names[i], texts[i], &err)) {
			/* a shrink candidate may well not parse (a key it
			 * needs was dropped): that is no bug */
			if (!quiet_parse)
				fprintf(stderr, "lockchaos explore: a generated scenario "
					"does not parse (a bug of explore): "
					"%s\n",
				err);
			free(err);
			scenario_clear(&s);
			res[i].runs = -1;
			where[i] = -1;
			continue;
		}
		s.repeat = repeat;
		ALLOC_GROW(l.items, (size_t)l.nr + 1, l.alloc);
		where[i] = l.nr;
		l.items[l.nr++] = s;
	}
	if (!l.nr) {
		free(where);
		return 0;
	}
	byitem = xcalloc((size_t)l.nr, sizeof(*byitem));
	for (i = 0; i < l.nr; i++)
		xresult_clear(&byitem[i]);
	cap.res = byitem;
	dir = xasprintf("%s/batch-%ld", e->scratch, ++e->batches);
	mkdir_p(dir, 0755);
	cfg = (struct run_config){
		.holder_argv = e->holder.argv,
		.holder = e->holder.cmd,
		.report_dir = dir,
		.seed = e->seed ^ ((uint64_t)e->batches << 20),
		.jobs = e->jobs,
		.want_pidns = 1,
		.quiet_tap = 1,
		.scratch_root = e->scratch,
	};
	run_scenarios(&l, &cfg, sinks, &t);
	remove_tree(dir);
	free(dir);
	for (i = 0; i < n; i++)
		if (where[i] >= 0) {
			res[i] = byitem[where[i]];
			if (res[i].unsupported && e->pidns) {
				e->pidns = 0; /* recycle: no PID namespaces */
			}
		}
	free(byitem);
	free(where);
	scenario_list_clear(&l);
	if (t.interrupted || stop_sig) {
		e->interrupted = t.interrupted ? t.interrupted : stop_sig;
		return -1;
	}
	return 0;
}

/* ---- progress -------------------------------------------------------- */

static void progress(struct explore *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void progress(struct explore *e, const char *fmt, ...)
{
	va_list ap;

	if (!e->tty)
		return;
	fprintf(stderr, "\r\033[Kexplore: %.0fs, %ld runs, %ld failing, %d "
			"found",
		(mono_us() - e->start_us) / 1e6, e->runs, e->failures,
		e->nr_found);
	if (fmt) {
		fputs("; ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fflush(stderr);
}

/* ---- shrinking -------------------------------------------------------- */

static int still_fails(const struct xscn *x, void *arg)
{
	struct explore *e = arg;
	char *text = xscn_render(x, NULL, NULL, 1);
	char *name = xasprintf("found-%03d-candidate.scn", e->found_no);
	struct xresult r;
	int rc = 0, done = 0, failed = 0;

	memset(&r, 0, sizeof(r));
	/* In rounds of --jobs runs: stop as soon as enough failed, or when
	 * the runs left cannot make enough fail. */
	while (done < e->tries) {
		int round = e->tries - done < e->jobs ? e->tries - done
						      : e->jobs;

		if (mono_us() > e->shrink_end_us || stop_sig) {
			rc = -1;
			break;
		}
		if (run_batch(e, &text, &name, 1, round, &r, 1)) {
			rc = -1;
			break;
		}
		if (r.runs < 0) /* does not parse */
			break;
		e->runs += r.runs;
		done += round;
		failed += r.fails[e->target];
		xresult_clear(&r);
		if (failed >= e->need) {
			rc = 1;
			break;
		}
		if (failed + (e->tries - done) < e->need)
			break;
	}
	xresult_clear(&r);
	free(text);
	free(name);
	return rc;
}

/*
 * The shrink's verify: does the scenario the search ended on replay? It
 * runs MEASURE_RUNS times (not cut by --shrink-time: what is written must
 * have been measured), 10 more when it failed once; it replays when it
 * failed at least REPLAY_FAILS times. A candidate kept because it failed
 * in 2 of its (up to 10) runs by luck fails here. The measure is kept for
 * the header. 1 replays, 0 not, -1 interrupted.
 */
static int replays(const struct xscn *x, void *arg)
{
	struct explore *e = arg;
	char *text = xscn_render(x, NULL, NULL, 1);
	char *name = xasprintf("found-%03d-verify.scn", e->found_no);
	struct xresult r;
	int fails = 0, of = 0, round, rc;

	memset(&r, 0, sizeof(r));
	progress(e, "found-%03d: measuring a shrunk candidate (size %d)",
		 e->found_no, xscn_size(x));
	for (round = 0; round < 2; round++) {
		if (stop_sig ||
		    run_batch(e, &text, &name, 1, MEASURE_RUNS, &r, 1)) {
			xresult_clear(&r);
			free(text);
			free(name);
			return -1;
		}
		if (r.runs > 0) {
			e->runs += r.runs;
			of += r.runs;
			fails += r.fails[e->target];
		}
		xresult_clear(&r);
		if (fails != 1)
			break;
	}
	rc = fails >= REPLAY_FAILS;
	ALLOC_GROW(e->measured, (size_t)e->nr_measured + 1, e->alloc_measured);
	e->measured[e->nr_measured].text = text;
	e->measured[e->nr_measured].fails = fails;
	e->measured[e->nr_measured++].of = of;
	if (!rc && e->tty)
		fputs("\r\033[K", stderr);
	if (!rc)
		printf("# found-%03d: a shrunk candidate (size %d) failed %s %d "
		       "of %d runs: not kept, backing off\n",
		       e->found_no, xscn_size(x), checker_name(e->target),
		       fails, of);
	fflush(stdout);
	free(name);
	return rc;
}

static void shrink_progress(const struct shrink_stats *st,
			    const struct xscn *x, void *arg)
{
	progress(arg, "shrinking found-%03d: step %d, %d tried, size %d",
		 ((struct explore *)arg)->found_no, st->accepted, st->tried,
		 xscn_size(x));
}

/* Runs needed so that a failure of probability p shows at least once with
 * 95 %: ceil(log 0.05 / log(1 - p)), from 2 to MAX_TRIES. */
static int tries_for(double p)
{
	int k;

	if (p >= 0.95)
		return 2;
	k = (int)ceil(log(0.05) / log(1 - p));
	return k < 2 ? 2 : k > MAX_TRIES ? MAX_TRIES : k;
}

static const char *found_scenario_name(int no)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "found-%03d.scn", no);
	return buf;
}

/*
 * Whether a failure of checker `target` saying `msg` is a verdict of the
 * clock: `recovery`'s bounds, and `no-silent-drop`'s "never answered ...
 * although it ran until" (a live holder silent past its timeout and hold
 * plus slack: a holder starved of the CPU under stress-ng's load says
 * nothing for seconds; seed 7's scenario 20, a zombie'd holder's turn, 1
 * run and 0 of 10 after). A lost or doubled message is no such verdict.
 */
static int timing_verdict(int target, const char *msg)
{
	return target == CHECK_RECOVERY ||
	       (target == CHECK_NO_SILENT_DROP && msg &&
		strstr(msg, " never answered "));
}

static void measured_clear(struct explore *e)
{
	int i;

	for (i = 0; i < e->nr_measured; i++)
		free(e->measured[i].text);
	e->nr_measured = 0;
}

/* A rare race, as generated: DIR/rare-NNN.scn with its rate, said and
 * listed in summary.json's `rare`. */
static void write_rare(struct explore *e, const struct xscn *orig,
		       uint64_t index, int target, const char *msg, int fails,
		       int of)
{
	char *file = xasprintf("rare-%03d.scn", ++e->nr_rare);
	char *path = xasprintf("%s/%s", e->out, file);
	char *head = xasprintf(
		"# lockchaos explore, seed %llu, scenario %llu: a rare race, "
		"not shrunk\n"
		"# (lockchaos explore --holder '%s' --seed %llu).\n"
		"# Checker: %s: %s\n"
		"# It failed %s %d of %d runs; `repeat` makes a replay fail "
		"with 95 %% odds.\n",
		(unsigned long long)e->seed, (unsigned long long)index,
		e->holder.cmd, (unsigned long long)e->seed,
		checker_name(target), msg, checker_name(target), fails, of);
	char *title = xasprintf("explore: a rare %s race (seed %llu, "
				"scenario %llu)",
				checker_name(target),
				(unsigned long long)e->seed,
				(unsigned long long)index);
	char *all = xscn_render(orig, head, title,
				tries_for((double)fails / of));
	jv f = jv_object();

	if (write_file(path, all, strlen(all)))
		fprintf(stderr, "lockchaos explore: cannot write '%s': %s\n",
			path, strerror(errno));
	f = jv_object_set(f, jv_string("file"), jv_string(file));
	f = jv_object_set(f, jv_string("checker"),
			  jv_string(checker_name(target)));
	f = jv_object_set(f, jv_string("msg"), jv_string(msg));
	f = jv_object_set(f, jv_string("scenario"), jv_number((double)index));
	f = jv_object_set(f, jv_string("size"), jv_number(xscn_size(orig)));
	f = jv_object_set(f, jv_string("fails"), jv_number(fails));
	f = jv_object_set(f, jv_string("of"), jv_number(of));
	f = jv_object_set(f, jv_string("foundAtMs"),
			  jv_number((double)(mono_us() - e->start_us) / 1000));
	e->rare = jv_array_append(e->rare, f);
	if (e->tty)
		fputs("\r\033[K", stderr);
	printf("# scenario %llu failed %s %d of %d runs: a rare race, not "
	       "shrunk, kept as %s (%s)\n",
	       (unsigned long long)index, checker_name(target), fails, of,
	       path, msg);
	fflush(stdout);
	free(all);
	free(title);
	free(head);
	free(path);
	free(file);
}

/* `n` runs of the scenario *text: how many failed with `target`, or -1
 * when they could not be run. */
static int confirm_runs(struct explore *e, char **text, char **name, int n,
			int target)
{
	struct xresult r;
	int fails;

	memset(&r, 0, sizeof(r));
	if (run_batch(e, text, name, 1, n, &r, 0)) {
		xresult_clear(&r);
		return -1;
	}
	e->runs += r.runs > 0 ? r.runs : 0;
	fails = r.fails[target];
	xresult_clear(&r);
	return fails;
}

/*
 * A generated scenario failed with `target`: confirm, shrink, dedupe,
 * write. `orig` is consumed (cleared).
 */
static void handle_failure(struct explore *e, struct xscn *orig,
			   uint64_t index, int target, const char *msg)
{
	struct shrink_stats st = { .progress = shrink_progress,
				   .verify = replays };
	struct xresult r;
	char *text, *key, *header, *title, *path, *name;
	int orig_size = xscn_size(orig), orig_holders = orig->nr_holders, i;
	int confirm, confirm_of = CONFIRM_RUNS, fails, of, repeat;
	double p;
	int64_t t0 = mono_us();

	e->target = target;
	e->found_no = e->nr_found + 1;
	memset(&r, 0, sizeof(r));
	/* How often does it fail? The first failure counts as one of five. */
	progress(e, "confirming scenario %llu (%s)",
		 (unsigned long long)index, checker_name(target));
	text = xscn_render(orig, NULL, NULL, 1);
	name = xstrdup("found-confirm.scn");
	confirm = confirm_runs(e, &text, &name, CONFIRM_RUNS, target);
	if (confirm < 0) {
		free(text);
		free(name);
		return;
	}
	if (!confirm && !timing_verdict(target, msg)) {
		/* A safety verdict (two owners, a lost message ...) is no
		 * deadline a loaded machine misses, but it may be a rare
		 * race: more runs, until it fails again. */
		confirm = confirm_runs(e, &text, &name, CONFIRM_MORE, target);
		if (confirm < 0) {
			free(text);
			free(name);
			return;
		}
		confirm_of += CONFIRM_MORE;
		if (confirm) {
			/* A rare race (2 or 3 runs in 21): each candidate
			 * of a shrink would need some 20 runs to show it
			 * twice, and one that fails 0 of 10 after is nothing
			 * a person can replay (the gate's own-maxhold and
			 * no-empty-grace finds, 2 of 21 each, 0 of 10 after
			 * a shrink cut at 150 s). Kept as rare-NNN.scn with
			 * its rate; explore goes on for a failure that shows
			 * more often. */
			write_rare(e, orig, index, target, msg, 1 + confirm,
				   1 + confirm_of);
			free(text);
			free(name);
			xscn_clear(orig);
			return;
		}
	}
	if (!confirm) {
		/* Failed once, never again: nothing a person can replay (a
		 * timing verdict: noise on a loaded machine as often as not).
		 * Said, counted, and the original kept aside as
		 * unreproduced-NNN.scn; not shrunk, not found. */
		char *file = xasprintf("%s/unreproduced-%03d.scn", e->out,
				       ++e->nr_unreproduced);
		char *head = xasprintf(
			"# lockchaos explore, seed %llu, scenario %llu: failed "
			"%s once, then passed %d re-runs (not reproduced)\n"
			"# %s\n",
			(unsigned long long)e->seed, (unsigned long long)index,
			checker_name(target), confirm_of, msg);
		char *all = xscn_render(orig, head, NULL, 1);

		if (write_file(file, all, strlen(all)))
			fprintf(stderr, "lockchaos explore: cannot write '%s': "
					"%s\n",
				file, strerror(errno));
		e->not_reproduced++;
		if (e->tty)
			fputs("\r\033[K", stderr);
		printf("# scenario %llu failed %s once, then passed %d re-runs: "
		       "not shrunk, kept as %s (%s)\n",
		       (unsigned long long)index, checker_name(target),
		       confirm_of, file, msg);
		fflush(stdout);
		free(all);
		free(head);
		free(file);
		free(text);
		free(name);
		xscn_clear(orig);
		return;
	}
	free(text);
	p = (1.0 + confirm) / (1.0 + confirm_of);
	/* Enough runs to see a failure of the original's rate with 95 %
	 * odds, at least 4; a candidate is kept when it fails at a third of
	 * that rate or more, and at least twice: a simplification that
	 * turns a sure failure into a rare race (dropping the await before
	 * a kill) is not, nor one that failed once by luck. */
	e->tries = tries_for(p);
	if (e->tries < 4)
		e->tries = 4;
	e->need = (int)ceil(p * e->tries / 3);
	if (e->need < REPLAY_FAILS)
		e->need = REPLAY_FAILS;
	e->shrink_end_us = mono_us() + e->shrink_ms * 1000;
	/* no missing clean end makes two owners: for mutex, it may go */
	st.end_may_go = target == CHECK_MUTEX;
	measured_clear(e);
	explore_shrink(orig, still_fails, e, &st);

	/* How often does the shrunk one fail? As verify measured it (the
	 * measure that let it be written), unless nothing was kept (the
	 * original: measured now). */
	text = xscn_render(orig, NULL, NULL, 1);
	free(name);
	name = xstrdup(found_scenario_name(e->found_no));
	for (i = 0; i < e->nr_measured; i++)
		if (!strcmp(e->measured[i].text, text))
			break;
	if (i < e->nr_measured) {
		fails = e->measured[i].fails;
		of = e->measured[i].of;
	} else {
		progress(e, "measuring found-%03d", e->found_no);
		memset(&r, 0, sizeof(r));
		if (run_batch(e, &text, &name, 1, MEASURE_RUNS, &r, 0))
			r.runs = 0;
		e->runs += r.runs > 0 ? r.runs : 0;
		of = r.runs > 0 ? r.runs : 0;
		fails = of ? r.fails[target] : 0;
	}
	key = xasprintf("%s\n%s", checker_name(target), text);
	free(text);
	for (i = 0; i < e->nr_found; i++)
		if (!strcmp(e->found[i].key, key))
			break;
	if (i < e->nr_found) {
		if (e->tty)
			progress(e, "found-%03d is the same as found-%03d",
				 e->found_no, i + 1);
		free(key);
		free(name);
		xresult_clear(&r);
		xscn_clear(orig);
		return;
	}
	/* A race that did not show in MEASURE_RUNS still failed while
	 * shrinking; the repeat makes `lockchaos run` see it in 95 % of
	 * replays at the rate measured. */
	repeat = fails >= of ? 1 : tries_for(fails > 0 ? (double)fails / of
						       : 0.1);
	ALLOC_GROW(e->found, (size_t)e->nr_found + 1, e->alloc_found);
	e->found[e->nr_found].key = key;
	e->found[e->nr_found].checker = target;
	e->nr_found++;
	e->per_checker[target]++;
	header = xasprintf(
		"# Found by lockchaos explore, seed %llu, scenario %llu\n"
		"# (lockchaos explore --holder '%s' --seed %llu).\n"
		"# Checker: %s: %s\n"
		"# Original: %d statements, %d holders, failed %d of %d runs; "
		"shrunk to %d statements, %d holders\n"
		"# (%d candidates tried, %d kept; up to %d runs each, kept "
		"when %d failed; %d kept ones did not fail %d of %d again and "
		"were backed off%s).\n"
		"# %s %s %d of %d runs%s.\n",
		(unsigned long long)e->seed, (unsigned long long)index,
		e->holder.cmd, (unsigned long long)e->seed,
		checker_name(target), msg, orig_size, orig_holders,
		1 + confirm, 1 + confirm_of, xscn_size(orig),
		orig->nr_holders, st.tried, st.accepted, e->tries, e->need,
		st.refused, REPLAY_FAILS, MEASURE_RUNS,
		st.stopped ? "; stopped by --shrink-time or an interrupt" : "",
		of ? "The shrunk scenario failed"
		   : "Interrupted: not measured; the original failed",
		checker_name(target), of ? fails : 1 + confirm,
		of ? of : 1 + confirm_of,
		repeat > 1 ? "; `repeat` makes a replay fail with 95 % odds"
			   : "");
	title = xasprintf("explore found: %s (seed %llu, scenario %llu)",
			  checker_name(target), (unsigned long long)e->seed,
			  (unsigned long long)index);
	text = xscn_render(orig, header, title, repeat);
	path = xasprintf("%s/%s", e->out, name);
	if (write_file(path, text, strlen(text)))
		fprintf(stderr, "lockchaos explore: cannot write '%s': %s\n",
			path, strerror(errno));
	{
		jv f = jv_object();

		f = jv_object_set(f, jv_string("file"), jv_string(name));
		f = jv_object_set(f, jv_string("checker"),
				  jv_string(checker_name(target)));
		f = jv_object_set(f, jv_string("msg"), jv_string(msg));
		f = jv_object_set(f, jv_string("scenario"),
				  jv_number((double)index));
		f = jv_object_set(f, jv_string("originalSize"),
				  jv_number(orig_size));
		f = jv_object_set(f, jv_string("shrunkSize"),
				  jv_number(xscn_size(orig)));
		f = jv_object_set(f, jv_string("fails"), jv_number(fails));
		f = jv_object_set(f, jv_string("of"), jv_number(of));
		f = jv_object_set(f, jv_string("shrinkTried"),
				  jv_number(st.tried));
		f = jv_object_set(f, jv_string("shrinkRefused"),
				  jv_number(st.refused));
		f = jv_object_set(f, jv_string("originalFails"),
				  jv_number(1 + confirm));
		f = jv_object_set(f, jv_string("originalOf"),
				  jv_number(1 + confirm_of));
		f = jv_object_set(f, jv_string("shrinkMs"),
				  jv_number((double)(mono_us() - t0) / 1000));
		f = jv_object_set(f, jv_string("foundAtMs"),
				  jv_number((double)(t0 - e->start_us) / 1000));
		e->summary = jv_array_append(e->summary, f);
	}
	if (e->tty)
		fputs("\r\033[K", stderr);
	printf("found %s: %s in scenario %llu (%d statements), shrunk to %d "
	       "statements; ",
	       path, checker_name(target), (unsigned long long)index,
	       orig_size, xscn_size(orig));
	if (of)
		printf("it fails %d of %d runs\n", fails, of);
	else
		printf("not measured (interrupted)\n");
	fflush(stdout);
	free(path);
	free(text);
	free(title);
	free(header);
	free(name);
	xresult_clear(&r);
	xscn_clear(orig);
}

/* ---- the command ------------------------------------------------------ */

static int parse_args(struct explore *e, int argc, char **argv)
{
	int c, have_time = 0;
	char *end;
	int64_t ms;

	optind = 1;
	opterr = 0; /* cli_option_error says it, with a did-you-mean */
	while ((c = getopt_long(argc, argv, "+:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			cli_holder_clear(&e->holder);
			if (cli_holder_parse(&e->holder, optarg, 0))
				return -1;
			break;
		case 't':
		case 'S':
			if (parse_duration_ms(optarg, &ms) || ms <= 0) {
				fprintf(stderr, "lockchaos explore: --%s: '%s' "
						"is not a duration (10m, 90s)\n",
					c == 't' ? "time" : "shrink-time",
					optarg);
				return -1;
			}
			if (c == 't')
				e->time_ms = ms, have_time = 1;
			else
				e->shrink_ms = ms;
			break;
		case 'n':
			errno = 0;
			e->max_runs = strtol(optarg, &end, 10);
			if (errno || !*optarg || *end || e->max_runs < 1) {
				fprintf(stderr, "lockchaos explore: --runs: "
						"expected a number from 1, got "
						"'%s'\n",
					optarg);
				return -1;
			}
			break;
		case 's':
			errno = 0;
			e->seed = strtoull(optarg, &end, 10);
			if (errno || !*optarg || *end) {
				fprintf(stderr, "lockchaos explore: --seed: '%s' "
						"is not a number\n",
					optarg);
				return -1;
			}
			break;
		case 'j':
			e->jobs = atoi(optarg);
			if (e->jobs < 1 || e->jobs > 64) {
				fprintf(stderr, "lockchaos explore: --jobs: "
						"expected 1 to 64, got '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'o':
			free(e->out);
			e->out = xstrdup(optarg);
			break;
		case 'd': {
			int k = checker_from_name(optarg);
			char list[256];

			if (k < 0) {
				fprintf(stderr, "lockchaos explore: --disable: "
						"unknown checker '%s' "
						"(expected one of: %s)\n",
					optarg, checker_list(list, sizeof(list)));
				return -1;
			}
			e->disabled |= 1u << k;
			break;
		}
		case 'm':
			e->max_per_checker = atoi(optarg);
			if (e->max_per_checker < 1) {
				fprintf(stderr, "lockchaos explore: "
						"--max-per-checker: expected a "
						"number from 1, got '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'p':
			e->dry_run = 1;
			break;
		case 'F':
			e->max_found = atoi(optarg);
			if (e->max_found < 1) {
				fprintf(stderr, "lockchaos explore: --max-found: "
						"expected a number from 1, got "
						"'%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			cli_option_error("explore", c, argv, long_opts);
			return -2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lockchaos explore: unexpected '%s'\n",
			argv[optind]);
		return -1;
	}
	if (have_time && e->max_runs) {
		fprintf(stderr, "lockchaos explore: --time and --runs exclude "
				"each other\n");
		return -1;
	}
	if (!e->max_runs && !have_time)
		e->time_ms = 10 * 60 * 1000;
	return 0;
}

/* The `disable` words of generated scenarios. */
static void add_disabled(const struct explore *e, struct xscn *x)
{
	int k;

	for (k = 0; k < CHECK__NR; k++)
		if (e->disabled & (1u << k)) {
			x->disable = xrealloc(x->disable,
					      sizeof(*x->disable) *
						      ((size_t)x->nr_disable + 2));
			x->disable[x->nr_disable++] = xstrdup(checker_name(k));
			x->disable[x->nr_disable] = NULL;
		}
}

static void write_summary(struct explore *e, long generated)
{
	jv sum = jv_object();
	jv dump;
	char *path = xasprintf("%s/summary.json", e->out);

	sum = jv_object_set(sum, jv_string("seed"), jv_number((double)e->seed));
	sum = jv_object_set(sum, jv_string("holder"),
			    jv_string(e->holder.cmd));
	sum = jv_object_set(sum, jv_string("scenarios"),
			    jv_number((double)generated));
	sum = jv_object_set(sum, jv_string("runs"), jv_number((double)e->runs));
	sum = jv_object_set(sum, jv_string("failing"),
			    jv_number((double)e->failures));
	sum = jv_object_set(sum, jv_string("notReproduced"),
			    jv_number(e->not_reproduced));
	sum = jv_object_set(sum, jv_string("firstFailureMs"),
			    e->first_fail_us < 0
				    ? jv_null()
				    : jv_number((double)(e->first_fail_us -
							 e->start_us) /
						1000));
	sum = jv_object_set(sum, jv_string("durationMs"),
			    jv_number((double)(mono_us() - e->start_us) / 1000));
	sum = jv_object_set(sum, jv_string("found"), jv_copy(e->summary));
	sum = jv_object_set(sum, jv_string("rare"), jv_copy(e->rare));
	dump = jv_dump_string(sum, JV_PRINT_PRETTY | JV_PRINT_SPACE1 | JV_PRINT_INDENT_FLAGS(2));
	if (write_file(path, jv_string_value(dump),
		       strlen(jv_string_value(dump))))
		fprintf(stderr, "lockchaos explore: cannot write '%s': %s\n",
			path, strerror(errno));
	jv_free(dump);
	free(path);
}

int explore_main(int argc, char **argv)
{
	struct explore e;
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	const char *ci = getenv("CI");
	char *hello;
	uint64_t next = 1;
	long generated = 0;
	int rc = EXPLORE_USAGE, i, gen_bug = 0;

	memset(&e, 0, sizeof(e));
	e.jobs = 2;
	e.shrink_ms = 10 * 60 * 1000;
	e.max_per_checker = 3;
	e.first_fail_us = -1;
	e.pidns = 1;
	e.summary = jv_array();
	e.rare = jv_array();
	{
		uint64_t s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
			     (uint64_t)mono_us();

		e.seed = prng_next(&s) >> 11; /* fits a double: jq-safe */
	}
	if ((i = parse_args(&e, argc, argv))) {
		if (i == -1)
			usage(stderr);
		goto out;
	}
	if (!e.holder.argv && cli_holder_default(&e.holder))
		goto out;
	e.scratch = cli_scratch_root();
	if (!e.scratch) {
		rc = EXPLORE_FOUND;
		goto out;
	}
	hello = probe_hello(&e);
	if (!hello || explore_caps_from_hello(&e.caps, hello)) {
		if (hello)
			fprintf(stderr, "lockchaos explore: '%s' began with "
					"no hello: %.200s\n",
				e.holder.cmd, hello);
		free(hello);
		goto out;
	}
	free(hello);
	if (!e.caps.deliver && !e.caps.acquire) {
		fprintf(stderr, "lockchaos explore: '%s' can neither acquire "
				"nor deliver: nothing to explore\n",
			e.holder.cmd);
		goto out;
	}
	if (e.dry_run) {
		uint64_t k, n = e.max_runs ? (uint64_t)e.max_runs : 3;

		for (k = 1; k <= n; k++) {
			struct xscn x;
			char *text, *head = xasprintf(
				"# scenario %llu of seed %llu\n",
				(unsigned long long)k,
				(unsigned long long)e.seed);

			xscn_init(&x);
			explore_gen(&x, e.seed, k, &e.caps, 1);
			add_disabled(&e, &x);
			text = xscn_render(&x, head, NULL, 1);
			printf("%s%s", k > 1 ? "\n" : "", text);
			free(text);
			free(head);
			xscn_clear(&x);
		}
		rc = 0;
		goto out;
	}
	{
		char *dir = cli_report_dir(e.out);

		if (!dir)
			goto out;
		free(e.out);
		e.out = dir;
	}
	e.tty = isatty(2) && !(ci && !strcmp(ci, "true"));
	printf("# lockchaos explore: seed %llu, holder: %s, %d jobs\n",
	       (unsigned long long)e.seed, e.holder.cmd, e.jobs);
	if (e.max_runs)
		printf("# %ld scenarios; found scenarios go to %s/\n",
		       e.max_runs, e.out);
	else
		printf("# %lld s; found scenarios go to %s/\n",
		       (long long)(e.time_ms / 1000), e.out);
	fflush(stdout);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	e.start_us = mono_us();

	while (!stop_sig && !e.interrupted && !gen_bug) {
		int n = e.jobs, k;
		char **texts, **names;
		struct xscn *xs;
		struct xresult *res;

		if (e.max_runs && generated >= e.max_runs)
			break;
		if (e.max_found && e.nr_found >= e.max_found)
			break;
		if (!e.max_runs &&
		    mono_us() - e.start_us >= e.time_ms * 1000)
			break;
		if (e.max_runs && generated + n > e.max_runs)
			n = (int)(e.max_runs - generated);
		texts = xcalloc((size_t)n, sizeof(*texts));
		names = xcalloc((size_t)n, sizeof(*names));
		xs = xcalloc((size_t)n, sizeof(*xs));
		res = xcalloc((size_t)n, sizeof(*res));
		for (k = 0; k < n; k++) {
			xscn_init(&xs[k]);
			explore_gen(&xs[k], e.seed, next + (uint64_t)k, &e.caps,
				    e.pidns);
			add_disabled(&e, &xs[k]);
			texts[k] = xscn_render(&xs[k], NULL, NULL, 1);
			names[k] = xasprintf("explore-%06llu.scn",
					     (unsigned long long)(next + k));
		}
		progress(&e, NULL);
		if (run_batch(&e, texts, names, n, 1, res, 0) == 0) {
			for (k = 0; k < n; k++) {
				int c = res[k].first;

				if (res[k].runs < 0)
					gen_bug = 1; /* said above */
				e.runs += res[k].runs > 0 ? res[k].runs : 0;
				if (c < 0)
					continue;
				e.failures++;
				if (e.first_fail_us < 0)
					e.first_fail_us = mono_us();
				if (e.per_checker[c] >= e.max_per_checker)
					continue;
				{
					char *msg = xstrdup(res[k].msg[c]);

					handle_failure(&e, &xs[k],
						       next + (uint64_t)k, c,
						       msg);
					free(msg);
				}
				if (stop_sig || e.interrupted ||
				    (e.max_found && e.nr_found >= e.max_found))
					break;
			}
		}
		generated += n;
		next += (uint64_t)n;
		for (k = 0; k < n; k++) {
			xscn_clear(&xs[k]);
			xresult_clear(&res[k]);
			free(texts[k]);
			free(names[k]);
		}
		free(texts);
		free(names);
		free(xs);
		free(res);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (e.tty)
		fputs("\r\033[K", stderr);
	write_summary(&e, generated);
	printf("explore: %ld scenarios generated, %ld runs in %.0f s, %ld "
	       "failed a checker",
	       generated, e.runs, (mono_us() - e.start_us) / 1e6, e.failures);
	if (e.first_fail_us >= 0)
		printf(" (first after %.1f s)",
		       (e.first_fail_us - e.start_us) / 1e6);
	if (e.not_reproduced)
		printf(", %d of them never again in %d or more re-runs "
		       "(unreproduced-NNN.scn)",
		       e.not_reproduced, CONFIRM_RUNS);
	printf("; %d found", e.nr_found);
	for (i = 0; i < e.nr_found; i++)
		printf("%s found-%03d.scn (%s)", i ? "," : ":", i + 1,
		       checker_name(e.found[i].checker));
	if (e.nr_rare)
		printf("; %d rare race%s not shrunk (rare-NNN.scn)", e.nr_rare,
		       e.nr_rare > 1 ? "s" : "");
	printf("\nreplay: lockchaos explore --holder '%s' --seed %llu; "
	       "summary: %s/summary.json\n",
	       e.holder.cmd, (unsigned long long)e.seed, e.out);
	rc = e.nr_found || e.nr_rare ? EXPLORE_FOUND : 0;
	if (gen_bug)
		rc = EXPLORE_USAGE;
	if (e.interrupted || stop_sig)
		rc = 128 + (e.interrupted ? e.interrupted : stop_sig);
out:
	if (e.scratch) {
		remove_tree(e.scratch);
		free(e.scratch);
	}
	for (i = 0; i < e.nr_found; i++)
		free(e.found[i].key);
	free(e.found);
	jv_free(e.summary);
	jv_free(e.rare);
	explore_caps_clear(&e.caps);
	cli_holder_clear(&e.holder);
	free(e.out);
	measured_clear(&e);
	free(e.measured);
	return rc;
}
