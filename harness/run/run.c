/*
 * run.c - the orchestrator: collect scenarios, run each in a worker
 * process of its own (up to --jobs at once), report results in file order.
 *
 * A worker is forked per scenario run: the sandbox (a PID namespace) is per
 * process, and a worker that crashes takes nothing else down. Results come
 * back through result.json in the scenario's report folder; the worker says
 * it has written them with one byte on a pipe (its exit status), and is
 * reaped later: its own exit (the kernel tearing down its memory and
 * files, the inotify fd's last close) goes on while the orchestrator
 * reports, not before.
 */
#include "run/run.h"
#include "report/html.h"
#include "run/runner.h"
#include "run/result.h"
#include "check/check.h"
#include "run/known.h"
#include "run/select.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jv.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* Folders already walked (device, inode): a symlink loop, or two links to
 * one folder, is walked once. */
struct walked {
	struct {
		dev_t dev;
		ino_t ino;
	} *items;
	int nr, alloc;
};

/* Appends the *.scn files under `path` to files (sorted per folder). Only
 * regular files are taken: a FIFO named x.scn would block the parser. */
static int collect(const char *path, char ***files, int *nr, int *alloc,
		   struct walked *w)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	int n = 0, a = 0, i, rc = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "lockchaos: cannot read '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (!S_ISREG(st.st_mode)) {
			fprintf(stderr, "lockchaos: cannot read '%s': a %s, "
					"not a scenario file\n",
				path, file_type_name((int)st.st_mode));
			return -1;
		}
		ALLOC_GROW(*files, (size_t)*nr + 1, *alloc);
		(*files)[(*nr)++] = xstrdup(path);
		return 0;
	}
	for (i = 0; i < w->nr; i++)
		if (w->items[i].dev == st.st_dev && w->items[i].ino == st.st_ino)
			return 0;
	ALLOC_GROW(w->items, (size_t)w->nr + 1, w->alloc);
	w->items[w->nr].dev = st.st_dev;
	w->items[w->nr++].ino = st.st_ino;
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "lockchaos: cannot open '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, (size_t)n + 1, a);
		names[n++] = xasprintf("%s%s%s", path,
				       ends_with(path, "/") ? "" : "/",
				       de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(char *), str_cmp);
	for (i = 0; i < n; i++) {
		if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (collect(names[i], files, nr, alloc, w))
				rc = -1;
		} else if (ends_with(names[i], ".scn")) {
			if (collect(names[i], files, nr, alloc, w))
				rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int scenario_list_load(struct scenario_list *l, char *const paths[], int n)
{
	char **files = NULL;
	int nf = 0, af = 0, i, rc = 0;
	struct walked w = { NULL, 0, 0 };

	for (i = 0; i < n; i++)
		if (collect(paths[i], &files, &nf, &af, &w))
			rc = -2;
	free(w.items);
	if (!rc && !nf) {
		fprintf(stderr, "lockchaos: no scenario (*.scn) found\n");
		rc = -2;
	}
	for (i = 0; i < nf; i++) {
		struct scenario s;
		char *err = NULL;

		scenario_init(&s);
		if (scenario_load(&s, files[i], &err)) {
			fprintf(stderr, "%s\n", err);
			if (!l->nr_bad++)
				l->first_error = xstrndup(err, strcspn(err, "\n"));
			for (char *c = err; c; c = strchr(c + 1, '\n'))
				l->nr_errors++;
			free(err);
			scenario_clear(&s);
			if (!rc)
				rc = -1;
		} else {
			ALLOC_GROW(l->items, (size_t)l->nr + 1, l->alloc);
			l->items[l->nr++] = s;
		}
		free(files[i]);
	}
	free(files);
	return rc;
}

void scenario_list_clear(struct scenario_list *l)
{
	int i;

	for (i = 0; i < l->nr; i++)
		scenario_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->nr = l->alloc = 0;
	free(l->first_error);
	l->first_error = NULL;
	l->nr_bad = l->nr_errors = 0;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

char *catalog_name(const char *file, int *rooted)
{
	char *real = realpath(file, NULL), *name;
	const char *end, *slash;
	int found = 0;

	if (rooted)
		*rooted = 0;
	if (!real || real[0] != '/') {
		slash = strrchr(file, '/');
		free(real);
		return xstrdup(slash ? slash + 1 : file);
	}
	/* Up from the file's folder to /: one stat per level, cheap next
	 * to a scenario run. real[0, end) is the folder looked at. */
	slash = end = strrchr(real, '/');
	for (;;) {
		struct stat st;
		char *marker = xasprintf("%.*s/%s", (int)(end - real), real,
					 CATALOG_MARKER);

		found = stat(marker, &st) == 0 && S_ISREG(st.st_mode);
		free(marker);
		if (found || end == real)
			break;
		while (*--end != '/')
			;
	}
	if (rooted)
		*rooted = found;
	name = xstrdup((found ? end : slash) + 1);
	free(real);
	return name;
}

uint64_t run_scenario_seed(uint64_t run_seed, const char *file,
			   int iteration)
{
	char *name = catalog_name(file, NULL);
	uint64_t state = run_seed ^ fnv1a(name) ^ (uint64_t)iteration;

	free(name);
	return prng_next(&state);
}

char *report_dir_name(const char *file, int iteration, int repeat)
{
	const char *p = file;
	char *out, *o;

	while (!strncmp(p, "./", 2) || *p == '/')
		p += *p == '/' ? 1 : 2;
	if (!strncmp(p, "scenarios/", 10))
		p += 10;
	out = o = xmalloc(strlen(p) + 24);
	/* A name that starts with '.' ("...scn" gives "..") could be the
	 * report folder itself or its parent: it gets a prefix. */
	if (*p == '.' || !strcmp(p, ".scn") || !*p)
		o += sprintf(o, "scn-");
	for (; *p; p++) {
		if (!strcmp(p, ".scn"))
			break;
		/* Only characters that are safe in a path and in HTML. */
		*o++ = ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
			*p == '+' || *p == '-')
			       ? *p
			       : '-';
	}
	*o = '\0';
	if (repeat > 1)
		sprintf(o, "-r%d", iteration);
	return out;
}

long run_fds_needed(const struct scenario *s)
{
	return RUN_FDS_BASE + (long)RUN_FDS_PER_HOLDER * s->nr_holders;
}

/* The open-file limit a worker will have: the soft limit, as main left it. */
static long fds_available(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > (rlim_t)LONG_MAX)
		return LONG_MAX;
	return (long)rl.rlim_cur;
}

/* Names a run folder must not take: the report's own files. */
static const char *const reserved_names[] = {
	"summary.json", "index.html", "junit.xml", "matrix.md", "matrix.json",
	"latest",
};

/*
 * Makes jobs[n].dir unique among jobs[0..n-1] and the reserved names:
 * `a/b.scn` and `a-b.scn` both map to "a-b", the second becomes "a-b~2".
 * ('~' is never produced by report_dir_name, so no file can ask for it.)
 */
static int dir_taken(const char *name, char *const *dirs, int n)
{
	size_t i;
	int k;

	for (i = 0; i < sizeof(reserved_names) / sizeof(*reserved_names); i++)
		if (!strcmp(name, reserved_names[i]))
			return 1;
	for (k = 0; k < n; k++)
		if (!strcmp(name, dirs[k]))
			return 1;
	return 0;
}

static char *unique_dir(char *name, char *const *dirs, int n)
{
	int i;

	if (!dir_taken(name, dirs, n))
		return name;
	for (i = 2;; i++) {
		char *alt = xasprintf("%s~%d", name, i);

		if (!dir_taken(alt, dirs, n)) {
			free(name);
			return alt;
		}
		free(alt);
	}
}


struct job {
	const struct scenario *s;
	int iteration;
	int run;    /* 1-based in file order among all shards' runs */
	char *dir;  /* folder name */
	char *path; /* report_dir/dir */
	uint64_t seed;
	int set;	   /* index into the pool's sets */
	int64_t expect_ms; /* expected duration: the launch order, longest first */
	pid_t worker;
	int done_fd; /* while running: the worker's pipe (-1: none) */
	int exiting; /* said done, not yet reaped (pool_reap) */
	int state; /* 0 waiting, 1 running, 2 done, 3 reported */
	int report_broken; /* the worker could not write all its files */
	struct run_result res;
};

/* Exit status of a worker whose result.json is written but whose
 * timeline is not: the verdict stands, the report has a hole. */
#define WORKER_REPORT_BROKEN 3

/*
 * What this worker itself cost, as DIR/cost.json: its own CPU (the runner,
 * the checkers and the report writers: holders and the sandbox's init are
 * other processes, not counted), its peak resident set, and the wall time
 * of the scenario (run and checks) and of the timeline. For `make bench`.
 */
static void write_cost(const char *dir, int64_t run_us, int64_t timeline_us)
{
	struct rusage ru;
	char *path, *text;

	if (getrusage(RUSAGE_SELF, &ru))
		return;
	path = xasprintf("%s/cost.json", dir);
	text = xasprintf("{\"cpuMs\":%.1f,\"userMs\":%.1f,\"sysMs\":%.1f,"
			 "\"maxRssKb\":%ld,\"runMs\":%.1f,"
			 "\"timelineMs\":%.1f}\n",
			 (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
				 (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3,
			 ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3,
			 ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3,
			 ru.ru_maxrss, run_us / 1e3, timeline_us / 1e3);
	write_file(path, text, strlen(text));
	free(text);
	free(path);
}

/*
 * By how much (µs) failure `f` (borrowed) missed a timing bound, or -1 when
 * it is not a timing verdict. Timing verdicts: `recovery` ("waited W ms
 * ... (bound: A + B ms ...)") and an expectation's `within` ("took T ms,
 * expected within W ms"), and an expected `ok` that failed `timeout`
 * (expect.c gives it `timeoutMs`): it missed by an unknown amount, counted
 * as a tenth of its timeout, so that only a stall of that size re-runs it.
 * Safety verdicts (mutex, no-silent-drop, visibility, leak, integrity,
 * protocol ...) are never timing verdicts.
 */
static int64_t timing_excess_us(jv f)
{
	char checker[32], msg[1024];
	const char *p;
	long long waited, bound = 0, v;

	jvx_str(f, "checker", checker, sizeof(checker));
	jvx_str(f, "msg", msg, sizeof(msg));
	if (!strcmp(checker, "expect")) {
		long long took, within, slack = 0;

		if (jvx_num(f, "timeoutMs", -1) >= 0)
			return (int64_t)(jvx_num(f, "timeoutMs", 0) * 100);

		long long cpu = 0;

		p = strstr(msg, " took ");
		/* the bound a CPU wait widened: "... + slack S ms + C ms it
		 * waited for a CPU" (without C, a miss of 25 s was read where
		 * the bound really missed by 1.3 s: no re-run) */
		if (p && sscanf(p, " took %lld ms, expected within %lld ms "
				   "+ slack %lld ms + %lld ms it waited",
				&took, &within, &slack, &cpu) >= 2)
			return (took - within - slack - cpu) * 1000;
		return -1;
	}
	if (strcmp(checker, "recovery"))
		return -1;
	p = strstr(msg, " waited ");
	if (!p || sscanf(p, " waited %lld ms", &waited) != 1)
		return -1;
	p = strstr(msg, "(bound: ");
	if (!p)
		return -1;
	for (p += 8; *p && *p != ')'; p++)
		if (*p >= '0' && *p <= '9' && (p[-1] == ' ')) {
			if (sscanf(p, "%lld", &v) == 1)
				bound += v;
			while (p[1] >= '0' && p[1] <= '9')
				p++;
		}
	return (waited - bound) * 1000;
}

/* The longest stall measured during the run (µs, real time): the
 * scheduling probe's, or a write + fsync of the storage probe's. */
static int64_t stall_us(const struct run_result *res)
{
	return res->noise_io_max_us > res->noise_max_us ? res->noise_io_max_us
							: res->noise_max_us;
}

/* 1 when every failure of `res` is a timing verdict that missed its bound
 * by no more than the longest stall measured during the run. */
static int failed_within_noise(const struct run_result *res)
{
	int i, n = jv_array_length(jv_copy(res->failures));

	if (strcmp(res->status, STATUS_FAIL) || !n || stall_us(res) <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		jv f = jv_array_get(jv_copy(res->failures), i);
		int64_t over = timing_excess_us(f);

		jv_free(f);
		/* noise is real µs; `over` is on the scenario's clock */
		if (over < 0 ||
		    over > stall_us(res) * (res->speed > 1 ? res->speed : 1))
			return 0;
	}
	return 1;
}

/*
 * Why the run's verdict is not the lock's, when its holders could not keep
 * their locks for want of a CPU, or NULL: the run stalled (the longest
 * stall measured) for as long as the lock's maxHoldMs, every holder with
 * it, or one holder waited for a CPU, while it held, for half its hold's
 * maxHoldMs or more, or a command refused `timeout` waited behind a holder
 * (or was itself) starved for half its timeoutMs, or behind an owner the
 * kernel took that long to end after the harness killed it (res->starved;
 * then the killed owner's lock file left behind is its consequence, not a
 * leak of the lock's). Its own watchdog, or another's reclaim,
 * may then rightly end its hold, and an expected `ok` fails lock-lost. Only
 * when every failure is a scenario's expectation, a recovery bound or an
 * await: never a safety checker (mutex, no-silent-drop, visibility, leak,
 * integrity, protocol ...). Seen in the soak's baseline: every process
 * stalled 15.3 s against seeds/001-cleanup-cron-takeover's 10 s
 * maxHoldMs; a Python contender of races/eight-contenders-stuck-holder
 * waited 930 ms for a CPU inside its 500 ms hold. Malloc'ed.
 */
static char *starved_past_hold(const struct scenario *s,
			       const struct run_result *res)
{
	int i, n = jv_array_length(jv_copy(res->failures));
	int64_t hold_us = s->params.max_hold_ms * 1000;

	if (strcmp(res->status, STATUS_FAIL) || !n)
		return NULL;
	for (i = 0; i < n; i++) {
		jv f = jv_array_get(jv_copy(res->failures), i);
		char checker[32], msg[256];

		jvx_str(f, "checker", checker, sizeof(checker));
		jvx_str(f, "msg", msg, sizeof(msg));
		jv_free(f);
		/* a killed owner's lock left behind: what its contender
		 * would have reclaimed had the kernel ended the owner before
		 * its wait ran out */
		if (!strcmp(checker, "leak") && strstr(msg, " left behind") &&
		    res->starved_cause == CHECK_STARVED_DYING)
			continue;
		if (strcmp(checker, "expect") && strcmp(checker, "recovery") &&
		    strcmp(checker, "await"))
			return NULL;
	}
	/* the holder that waited, when one is known: the more exact cause */
	if (res->starved)
		return xasprintf("could not keep a lock %s", res->starved);
	if (hold_us > 0 &&
	    stall_us(res) * (res->speed > 1 ? res->speed : 1) >= hold_us)
		return xasprintf("stalled for %lld ms, as long as the lock's "
				 "maxHoldMs (%lld ms), every holder with it",
				 (long long)(stall_us(res) / 1000),
				 (long long)s->params.max_hold_ms);
	return NULL;
}

/*
 * Why a compressed run's verdict is not the lock's, or NULL: at speed N
 * each ms the machine stalls is N ms of the scenario's clock, and a stall
 * past the scenario's timeoutMs or maxHoldMs (the shorter) on that clock
 * is one no holder could have been written to survive (a quiet machine's
 * make check: B sat 6 s in page I/O in seeds/004-blocked-loop-real at
 * speed 50, 300 s of its clock against a 60 s timeoutMs, and
 * no-silent-drop and leak failed). Malloc'ed.
 */
static char *compressed_stall(const struct scenario *s,
			      const struct run_result *res)
{
	int64_t absorb = s->params.timeout_ms;
	const char *what = "timeoutMs";

	if (res->speed <= 1 || stall_us(res) <= 0)
		return NULL;
	if (s->params.max_hold_ms > 0 &&
	    (absorb <= 0 || s->params.max_hold_ms < absorb)) {
		absorb = s->params.max_hold_ms;
		what = "maxHoldMs";
	}
	if (absorb <= 0 || stall_us(res) * res->speed < absorb * 1000)
		return NULL;
	return xasprintf("stalled %lld ms of real time (%s %lld ms), %lld ms "
			 "of the scenario's clock at speed %d: longer than "
			 "its %s (%lld ms)",
			 (long long)(stall_us(res) / 1000),
			 res->noise_io_max_us > res->noise_max_us
				 ? "the storage probe"
				 : "the scheduling probe",
			 (long long)(stall_us(res) / 1000),
			 (long long)(stall_us(res) * res->speed / 1000),
			 res->speed, what, (long long)absorb);
}

/*
 * 1 when every failure of `res` is one a stall of the whole machine can
 * make on its own: an expectation, a recovery bound, an await, the
 * deadline, a command unanswered while its holder still ran (it was not
 * done), a holder still running after the end. Never two owners, a message
 * lost or doubled once its holder was done, a lock file left behind, a
 * broken protocol or integrity.
 */
static int failed_only_by_stall(const struct run_result *res)
{
	int i, n = jv_array_length(jv_copy(res->failures));

	if (strcmp(res->status, STATUS_FAIL) && strcmp(res->status, STATUS_ERROR))
		return 0;
	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		jv f = jv_array_get(jv_copy(res->failures), i);
		char checker[32], msg[512];
		int ok;

		jvx_str(f, "checker", checker, sizeof(checker));
		jvx_str(f, "msg", msg, sizeof(msg));
		jv_free(f);
		ok = !strcmp(checker, "expect") || !strcmp(checker, "recovery") ||
		     !strcmp(checker, "await") ||
		     (!strcmp(checker, "harness") &&
		      strstr(msg, "deadline of ")) ||
		     (!strcmp(checker, "no-silent-drop") &&
		      strstr(msg, " never answered ")) ||
		     (!strcmp(checker, "leak") &&
		      strstr(msg, " still running after the end"));
		if (!ok)
			return 0;
	}
	return 1;
}

/* The verdict of a compressed run that stalled past what its scenario
 * could absorb (compressed_stall, `why`) and failed only by the stall:
 * the machine's, an error that says so, not the lock's FAIL. */
static void machine_stalled(struct run_result *res, const char *why)
{
	char *reason = xasprintf("no verdict: the machine %s (%s)", why,
				 res->reason ? res->reason : "");

	res->status = STATUS_ERROR;
	free(res->reason);
	res->reason = reason;
}

/* Writes `res` as the job's result.json again: 0, or -1. */
static int rewrite_result(struct job *j, const struct run_result *res)
{
	char *a = xasprintf("%s/result.json", j->path);
	jv out = run_result_json(res);
	jv dump = jv_dump_string(out, JV_PRINT_PRETTY);
	int rc = write_file(a, jv_string_value(dump),
			    strlen(jv_string_value(dump)));

	jv_free(dump);
	free(a);
	return rc;
}

/* `res`'s failures but those its matrix column declares (cfg->known: a
 * known finding's checker in this scenario), new; all of them outside a
 * matrix. */
static jv undeclared(const struct run_config *cfg, const struct job *j,
		     const struct run_result *res)
{
	jv out = jv_array();

	jv_array_foreach(jv_copy(res->failures), i, f)
	{
		char checker[64];

		(void)i;
		jvx_str(f, "checker", checker, sizeof(checker));
		if (known_declares(cfg->known, j->s->file, checker))
			jv_free(f);
		else
			out = jv_array_append(out, f);
	}
	return out;
}

/*
 * Why `res` is the machine's and not the lock's (malloc'ed), or NULL. In
 * a matrix, the failures its column declares are the lock's known ones
 * and are left out of the judgement: beside the soak, flock's
 * races/eight-contenders (visibility declared) also failed recovery by
 * 2.6 s under a 9.2 s stall of the whole machine, and the re-run that
 * stall deserved was refused for the declared line.
 */
static char *noise_cause(const struct run_config *cfg, const struct job *j,
			 const struct run_result *res)
{
	struct run_result view = *res;
	char *stalled = compressed_stall(j->s, res), *cause = NULL;

	view.failures = undeclared(cfg, j, res);
	if (jv_array_length(jv_copy(view.failures)) == 0) {
		/* nothing but the column's known findings: nothing to excuse */
	} else if (stalled && failed_only_by_stall(&view)) {
		cause = stalled;
		stalled = NULL;
	} else if (failed_within_noise(&view)) {
		cause = xasprintf("failed a timing bound by less than the "
				  "longest stall measured (%lld ms)",
				  (long long)(stall_us(res) / 1000));
	} else {
		cause = starved_past_hold(j->s, &view);
	}
	jv_free(view.failures);
	free(stalled);
	return cause;
}

/*
 * A timing verdict that failed by less than the measured noise is re-run
 * with a new seed, up to RERUNS_MAX times while each try fails so; the
 * last verdict counts and its result says it was a re-run (reruns, and the
 * reason names the first try's cause). Each earlier try's history and
 * result stay as tryN-*. So is a run that stalled past the lock's
 * maxHoldMs and failed only expectations and timing bounds. A lock that
 * really misses its bounds fails every try, and the last one counts: the
 * re-runs cost time, never a verdict (beside the soak, a compressed
 * seeds/003-lane-timeout-real missed by 10 s of scenario time under a
 * 2.7 s disk stall at speed 20 twice in a row: once was not enough).
 */
#define RERUNS_MAX 2

static int rerun_if_noise(const struct run_config *cfg, struct job *j,
			  struct run_opts *o, struct run_result *res, int rc)
{
	char *first = NULL, *cause, *why, *stalled;
	uint64_t seed = o->seed;
	int tries = 0;
	char *a;

	if (rc)
		return rc;
	stalled = compressed_stall(j->s, res);
	if (stalled && !strcmp(res->status, STATUS_PASS)) {
		/* never a silent pass: it held, and says what it held through */
		why = xasprintf("passed, though the machine %s", stalled);
		free(res->reason);
		res->reason = why;
		free(stalled);
		return rewrite_result(j, res);
	}
	free(stalled);
	while (!rc && tries < RERUNS_MAX && (cause = noise_cause(cfg, j, res))) {
		char *b;

		tries++;
		if (!first)
			first = xasprintf("%s: %s", cause,
					  res->reason ? res->reason : "");
		free(cause);
		a = xasprintf("%s/history.jsonl", j->path);
		b = xasprintf("%s/try%d-history.jsonl", j->path, tries);
		rename(a, b);
		free(a);
		free(b);
		a = xasprintf("%s/result.json", j->path);
		b = xasprintf("%s/try%d-result.json", j->path, tries);
		rename(a, b);
		free(a);
		free(b);
		run_result_clear(res);
		run_result_init(res);
		o->seed = prng_next(&seed) >> 11;
		rc = scenario_run(j->s, o, res);
	}
	if (rc || !tries) {
		free(first);
		return rc;
	}
	why = xasprintf("re-run with seed %llu%s: the first try %s%s%s",
			(unsigned long long)o->seed,
			tries > 1 ? " (the second re-run)" : "", first,
			res->reason && *res->reason ? "; now: " : "",
			res->reason ? res->reason : "");
	free(first);
	free(res->reason);
	res->reason = why;
	res->reruns = tries;
	/* the last try stalled so too, and failed only by it: the
	 * machine's, not the lock's */
	stalled = compressed_stall(j->s, res);
	if (stalled && failed_only_by_stall(res))
		machine_stalled(res, stalled);
	free(stalled);
	return rewrite_result(j, res);
}

/*
 * The worker's word that its verdict is written (result.json, the
 * history): its exit status so far as one byte on `done_fd` (-1: none).
 * Main reports the verdict then; what is left of the worker (the
 * timeline, cost.json, its exit) goes on beside it, and main reaps it
 * before it ends.
 */
static void worker_done(int done_fd, int code)
{
	unsigned char c = (unsigned char)code;

	if (done_fd >= 0 && write(done_fd, &c, 1) != 1)
		return; /* then its exit tells main */
}

static void worker_main(struct job *j, const struct run_config *cfg,
			int done_fd)
{
	struct run_opts o = {
		.holder_argv = cfg->holder_argv,
		.report_dir = j->path,
		.scratch_root = cfg->scratch_root ? cfg->scratch_root
			       : getenv("TMPDIR") ? getenv("TMPDIR")
						  : "/tmp",
		.seed = j->seed,
		.iteration = j->iteration,
		.verbose = cfg->verbose,
		.keep_scratch = cfg->stop_first,
		.want_pidns = cfg->want_pidns,
		.start_timeout_ms = cfg->start_timeout_ms,
		.speed = cfg->speed,
	};
	struct run_result res;
	char *hist, *html, *err = NULL;
	struct stat st;
	int64_t t0 = mono_us(), t1;
	int rc, broken = 0, code;

	/* Its own process group: an interrupted run kills the group, and a
	 * terminal's ^C reaches lockchaos alone, which then decides. */
	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGPIPE, SIG_IGN);
	rc = scenario_run(j->s, &o, &res);
	rc = rerun_if_noise(cfg, j, &o, &res, rc);
	/* result.json and history.jsonl are written: main reports the
	 * verdict while the timeline is drawn */
	worker_done(done_fd, rc ? 1 : 0);
	t1 = mono_us();
	hist = xasprintf("%s/history.jsonl", j->path);
	html = xasprintf("%s/timeline.html", j->path);
	/* A run that ended before its first event (n/a, unsupported) has
	 * nothing to draw; any other timeline that cannot be written is a
	 * hole in the report. */
	if (stat(hist, &st) == 0 && st.st_size > 0 &&
	    (jv_get_kind(res.hist) == JV_KIND_ARRAY &&
			     jv_array_length(jv_copy(res.hist)) > 0
		     ? html_timeline_write_events(res.hist, hist, html, &err)
		     : html_timeline_write(hist, html, &err))) {
		fprintf(stderr, "lockchaos: %s\n", err);
		free(err);
		broken = 1;
	}
	write_cost(j->path, t1 - t0, mono_us() - t1);
	code = rc ? 1 : broken ? WORKER_REPORT_BROKEN : 0;
	free(hist);
	free(html);
	run_result_clear(&res);
	_exit(code);
}

/* The wait status of a worker that exited with `code`. */
static int exited_status(int code)
{
	return (code & 0xff) << 8;
}

/* How long main sleeps at most between looks at its workers: only a
 * worker gone without closing its pipe (a child of its holds it) is seen
 * this late; a byte, a pipe's end or a ^C wake it at once. */
#define POOL_POLL_MS 100

/* A worker that said its verdict is written (j->exiting) has exited with
 * `status`: one that did not end well left a hole in its report (its
 * timeline), counted as a file not written. */
static void worker_reaped(struct job *j, struct report_totals *t, int status)
{
	j->exiting = 0;
	if (j->done_fd >= 0)
		close(j->done_fd);
	j->done_fd = -1;
	if ((WIFEXITED(status) && !WEXITSTATUS(status)) || j->report_broken)
		return; /* whole, or already counted from its byte */
	if (j->state == 3)
		t->write_errors++;
	else
		j->report_broken = 1;
}

/*
 * Waits (up to POOL_POLL_MS) for one of the pool's workers: a running one
 * whose verdict is written (its byte: *status from it; the worker goes on
 * to j->exiting) or that exited without saying so (crashed, killed: reaped,
 * *reaped = 1), or an exiting one that has exited (reaped, *reaped = 1:
 * its slot is free). The job, or NULL when nothing happened.
 */
static struct job *pool_wait(struct job *jobs, int nj, int *status,
			     int *reaped)
{
	struct pollfd *p = xcalloc((size_t)nj + 1, sizeof(*p));
	int *at = xcalloc((size_t)nj + 1, sizeof(*at));
	struct job *hit = NULL;
	int i, n = 0;

	*reaped = 0;
	for (i = 0; i < nj && !hit; i++) {
		struct job *j = &jobs[i];

		if (j->state != 1 && !j->exiting)
			continue;
		if (waitpid(j->worker, status, WNOHANG) == j->worker) {
			hit = j;
			*reaped = 1;
		} else if (j->done_fd >= 0) {
			p[n] = (struct pollfd){ j->done_fd, POLLIN, 0 };
			at[n++] = i;
		}
	}
	if (!hit && !n) {
		/* no pipes (none could be made): as before them */
		pid_t pid = wait(status);

		for (i = 0; pid > 0 && i < nj; i++)
			if ((jobs[i].state == 1 || jobs[i].exiting) &&
			    jobs[i].worker == pid) {
				hit = &jobs[i];
				*reaped = 1;
			}
	} else if (!hit && poll(p, (nfds_t)n, POOL_POLL_MS) > 0) {
		for (i = 0; i < n && !hit; i++) {
			struct job *j = &jobs[at[i]];
			unsigned char c;

			if (!p[i].revents)
				continue;
			hit = j;
			if (j->state == 1 && read(j->done_fd, &c, 1) == 1) {
				*status = exited_status(c);
				j->exiting = 1;
				break;
			}
			/* the pipe's end: the worker (and every child of it
			 * that held the pipe) is gone */
			while (waitpid(j->worker, status, 0) < 0 &&
			       errno == EINTR)
				;
			*reaped = 1;
		}
	}
	if (hit && *reaped && hit->done_fd >= 0) {
		close(hit->done_fd);
		hit->done_fd = -1;
	}
	free(p);
	free(at);
	return hit;
}

/* Reaps every worker still exiting: a run ends with none left. */
static void pool_reap(struct job *jobs, int nj, struct run_set *sets)
{
	int i;

	for (i = 0; i < nj; i++) {
		struct job *j = &jobs[i];
		int status = 0;
		pid_t w;

		if (!j->exiting)
			continue;
		do
			w = waitpid(j->worker, &status, 0);
		while (w < 0 && errno == EINTR);
		worker_reaped(j, sets[j->set].t, w == j->worker ? status : 0);
	}
}

static void finish_job(struct job *j, int status)
{
	char *path = xasprintf("%s/result.json", j->path), *err = NULL;

	if (run_result_load(&j->res, path, &err)) {
		run_result_clear(&j->res);
		j->res.status = STATUS_ERROR;
		if (WIFSIGNALED(status))
			j->res.reason = xasprintf("worker died of %s; %s",
						  strsignal(WTERMSIG(status)),
						  err);
		else
			j->res.reason = xasprintf("worker exited %d; %s",
						  WEXITSTATUS(status), err);
		free(err);
		j->report_broken = 1;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		j->report_broken = 1;
	}
	free(path);
	j->state = 2;
}

static void tally(struct report_totals *t, const struct run_result *r)
{
	if (!strcmp(r->status, STATUS_PASS))
		t->passed++;
	else if (!strcmp(r->status, STATUS_NA))
		t->skipped++;
	else if (!strcmp(r->status, STATUS_UNSUPPORTED))
		t->unsupported++, t->skipped++;
	else if (!strcmp(r->status, STATUS_NOT_RUN))
		t->not_run++;
	else if (!strcmp(r->status, STATUS_ERROR))
		t->errors++, t->failed++, t->scenario_errors += r->scenario_error;
	else
		t->failed++;
}

/* SIGINT/SIGTERM while scenarios run: the signal, for the loop to see. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = sig;
}

/*
 * Stops the run: every running worker's process group is killed (the
 * worker's death takes its PID namespace, init and holders with it; its
 * holders also die with it by PR_SET_PDEATHSIG), every worker is reaped,
 * and the scenarios that did not finish are marked not run.
 */
static void stop_all(struct job *jobs, int nj, int sig)
{
	int i;

	for (i = 0; i < nj; i++)
		if (jobs[i].state == 1) {
			kill(-jobs[i].worker, SIGKILL);
			kill(jobs[i].worker, SIGKILL);
		}
	for (i = 0; i < nj; i++) {
		struct job *j = &jobs[i];

		if (j->state == 1) {
			while (waitpid(j->worker, NULL, 0) < 0 &&
			       errno == EINTR)
				;
			if (j->done_fd >= 0)
				close(j->done_fd);
			j->done_fd = -1;
		}
		if (j->state == 0 || j->state == 1) {
			run_result_clear(&j->res);
			run_result_init(&j->res);
			j->res.status = STATUS_NOT_RUN;
			j->res.reason = xasprintf("interrupted by SIG%s "
						  "before it finished",
						  sigabbrev_np(sig));
			j->state = 2;
		}
	}
}

/*
 * The floor of a scenario: how long its own script makes it last, whatever
 * the harness (see run.h).
 */
int64_t run_floor_ms(const struct scenario *s)
{
	int64_t start = 0, floor = 0;
	int i, k;

	for (i = 0; i < s->nr_steps; i++) {
		const struct scn_step *st = &s->steps[i];
		int64_t end;

		if (st->at_ms >= 0 && st->at_ms > start)
			start = st->at_ms;
		if (st->kind == STEP_WAIT)
			start += st->wait_ms;
		end = start;
		if (st->kind == STEP_OP && st->op == OP_TURN)
			end += st->p.lane_timeout_ms >= 0 &&
					       st->p.lane_timeout_ms < st->hold_ms
				       ? st->p.lane_timeout_ms
				       : st->hold_ms;
		if (st->kind == STEP_OP && st->op == OP_SPIN)
			end += st->spin_ms;
		for (k = 0; k < s->nr_expects; k++) {
			const struct scn_expect *e = &s->expects[k];

			if (e->kind == EXPECT_OUTCOME && !e->want_ok &&
			    e->reason && !strcmp(e->reason, "timeout") &&
			    st->label && !strcmp(st->label, e->label))
				end = start + st->p.timeout_ms;
		}
		if (end > floor)
			floor = end;
	}
	return s->speed > 1 ? floor / s->speed : floor;
}

/*
 * Durations of an earlier run, by report folder name: {"seeds-002-sigkill":
 * 1234, ...} from FROM/summary.json, or FROM/IMPL/summary.json for a matrix
 * column. jv_null when there is none (a first run): then the declared
 * floor is all we know.
 */
static jv earlier_durations(const char *from, const char *impl)
{
	char *path;
	jv sum, list, out = jv_object();
	int i, n;

	if (!from)
		return jv_null();
	path = impl ? xasprintf("%s/%s/summary.json", from, impl)
		    : xasprintf("%s/summary.json", from);
	sum = jvx_load(path, 64 << 20);
	free(path);
	if (jv_get_kind(sum) == JV_KIND_OBJECT) {
		list = jv_object_get(sum, jv_string("scenarios"));
	} else {
		jv_free(sum);
		list = jv_null();
	}
	n = jv_get_kind(list) == JV_KIND_ARRAY ? jv_array_length(jv_copy(list))
					       : 0;
	for (i = 0; i < n; i++) {
		jv sc = jv_array_get(jv_copy(list), i);
		jv d = jv_object_get(jv_copy(sc), jv_string("dir"));
		jv ms = jv_object_get(sc, jv_string("durationMs"));

		if (jv_get_kind(d) == JV_KIND_STRING &&
		    jv_get_kind(ms) == JV_KIND_NUMBER) {
			out = jv_object_set(out, d, ms);
		} else {
			jv_free(d);
			jv_free(ms);
		}
	}
	jv_free(list);
	return out;
}

static int64_t expected_ms(const struct job *j, jv earlier)
{
	if (jv_get_kind(earlier) == JV_KIND_OBJECT) {
		jv ms = jv_object_get(jv_copy(earlier), jv_string(j->dir));

		if (jv_get_kind(ms) == JV_KIND_NUMBER) {
			int64_t v = (int64_t)jv_number_value(ms);

			jv_free(ms);
			return v;
		}
		jv_free(ms);
	}
	/* Never ran: what its text says, and the harness's cost. */
	return run_expected_ms(j->s);
}

static const struct job *sort_jobs;

/* Longest expected first; ties in set, then file order (stable). */
static int by_expected(const void *a, const void *b)
{
	const struct job *x = &sort_jobs[*(const int *)a];
	const struct job *y = &sort_jobs[*(const int *)b];

	if (x->expect_ms != y->expect_ms)
		return x->expect_ms > y->expect_ms ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

/* One set's progress through the pool. */
struct set_state {
	struct report_run rr;
	int first, nr; /* its jobs: jobs[first .. first+nr) */
	int reported;  /* in file order */
	int running;
	int stop;      /* -i: a failure was reported */
	int ended;
};

static void set_end(struct run_set *set, struct set_state *ss)
{
	int k;

	ss->rr.total = ss->nr;
	set->t->duration_ms = (mono_us() - ss->rr.start_us) / 1000;
	for (k = 0; set->sinks[k]; k++) {
		if (set->sinks[k]->end)
			set->sinks[k]->end(set->sinks[k], &ss->rr, set->t);
		set->t->write_errors += set->sinks[k]->write_errors;
	}
	ss->ended = 1;
}

/*
 * --shard K/N: keeps the jobs of shard K among all the pool's jobs (the
 * others are freed), after their folder names and expected durations are
 * set, so that a shard's runs have the names, seeds and numbers they have
 * in a whole run (run/select.h). A matrix splits its cells (column x
 * scenario x repeat) this way: every set's jobs are dealt together.
 */
static void shard_keep(const struct run_config *cfg, struct job *jobs,
		       int *nj)
{
	int n = *nj, i, kept = 0;
	int64_t *ms = xcalloc((size_t)n + 1, sizeof(*ms));
	int *shard = xcalloc((size_t)n + 1, sizeof(*shard));

	for (i = 0; i < n; i++)
		ms[i] = jobs[i].expect_ms;
	shard_assign(ms, n, cfg->shard_n, shard);
	for (i = 0; i < n; i++) {
		struct job *j = &jobs[i];

		if (shard[i] == cfg->shard_k) {
			jobs[kept++] = *j;
			continue;
		}
		free(j->dir);
		free(j->path);
		run_result_clear(&j->res);
	}
	*nj = kept;
	free(ms);
	free(shard);
}

/* Makes the jobs of one set, with folder names unique within the set. */
static void plan_set(const struct scenario_list *l,
		     const struct run_config *cfg, int q, struct job **jobs,
		     int *nj, int *aj)
{
	jv earlier = earlier_durations(cfg->durations_from, cfg->impl);
	int first = *nj, i, k;
	char **dirs;

	for (i = 0; i < l->nr; i++) {
		for (k = 1; k <= l->items[i].repeat; k++) {
			struct job *j;

			ALLOC_GROW(*jobs, (size_t)*nj + 1, *aj);
			j = &(*jobs)[(*nj)++];
			memset(j, 0, sizeof(*j));
			j->s = &l->items[i];
			j->iteration = k;
			j->run = *nj - first;
			j->set = q;
			j->seed = run_scenario_seed(cfg->seed, j->s->file, k);
			run_result_init(&j->res);
		}
	}
	/* Folder names, unique in this run (two files may map to one). */
	dirs = xcalloc((size_t)(*nj - first) + 1, sizeof(*dirs));
	for (i = first; i < *nj; i++) {
		struct job *j = &(*jobs)[i];
		int rooted;
		char *name = catalog_name(j->s->file, &rooted);

		/* In a catalog, the folder is named after the scenario's
		 * name there ("seeds-002-sigkill", from any folder); a
		 * loose file after its path as given. */
		j->dir = unique_dir(report_dir_name(rooted ? name : j->s->file,
						    j->iteration, j->s->repeat),
				    dirs, i - first);
		free(name);
		dirs[i - first] = j->dir;
		j->path = xasprintf("%s/%s", cfg->report_dir, j->dir);
		j->expect_ms = expected_ms(j, earlier);
	}
	free(dirs);
	jv_free(earlier);
}

int run_pool(const struct scenario_list *l, struct run_set *sets, int nsets,
	     int nr_jobs)
{
	struct job *jobs = NULL;
	struct set_state *ss = xcalloc((size_t)nsets, sizeof(*ss));
	int runs_all = 0;
	int *order;
	int nj = 0, aj = 0, i, k, q, running = 0, next = 0, ended = 0;
	int sig_seen = 0;
	long fds_max = fds_available();
	time_t now = time(NULL);
	struct tm tm;
	struct sigaction sa = { .sa_handler = on_interrupt }, old_int, old_term;
	char started[32];
	int64_t start_us = mono_us();

	gmtime_r(&now, &tm);
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (i = 0; i < l->nr; i++)
		runs_all += l->items[i].repeat;
	for (q = 0; q < nsets; q++) {
		memset(sets[q].t, 0, sizeof(*sets[q].t));
		plan_set(l, sets[q].cfg, q, &jobs, &nj, &aj);
	}
	/* --shard: one split of every set's runs (the sets of a matrix share
	 * their cells' split; each set's config carries the same K/N). */
	if (nsets && sets[0].cfg->shard_n > 0)
		shard_keep(sets[0].cfg, jobs, &nj);
	for (q = 0, i = 0; q < nsets; q++) {
		const struct run_config *cfg = sets[q].cfg;

		ss[q].first = i;
		while (i < nj && jobs[i].set == q)
			i++;
		ss[q].nr = i - ss[q].first;
		ss[q].rr = (struct report_run){
			.report_dir = cfg->report_dir,
			.holder = cfg->holder,
			.impl = cfg->impl,
			.replay = cfg->replay,
			.seed = cfg->seed,
			.jobs = nr_jobs,
			.total = ss[q].nr,
			.shard_k = cfg->shard_n ? cfg->shard_k : 0,
			.shard_n = cfg->shard_n,
			.runs_all = runs_all,
			.verbose = cfg->verbose,
			.start_us = start_us,
		};
		memcpy(ss[q].rr.started, started, sizeof(started));
		for (k = 0; sets[q].sinks[k]; k++)
			if (sets[q].sinks[k]->begin)
				sets[q].sinks[k]->begin(sets[q].sinks[k],
							&ss[q].rr);
	}
	/* The launch order: longest expected first, so that the pool does
	 * not end on one long scenario started last (reports stay in file
	 * order, per set). */
	order = xcalloc((size_t)nj + 1, sizeof(*order));
	for (i = 0; i < nj; i++)
		order[i] = i;
	sort_jobs = jobs;
	qsort(order, (size_t)nj, sizeof(*order), by_expected);

	/* No SA_RESTART: wait() below returns EINTR and the loop sees it. */
	interrupted = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while (ended < nsets) {
		if (interrupted && !sig_seen) {
			sig_seen = interrupted;
			for (q = 0; q < nsets; q++)
				sets[q].t->interrupted = sig_seen;
			stop_all(jobs, nj, sig_seen);
			running = 0;
			for (q = 0; q < nsets; q++)
				ss[q].running = 0;
			next = nj;
		}
		/* Launch while there is room. */
		while (!interrupted && next < nj && running < nr_jobs) {
			struct job *j = &jobs[order[next++]];
			const struct run_config *cfg = sets[j->set].cfg;
			int done[2];
			pid_t pid;

			if (ss[j->set].stop)
				continue;
			if (mkdir(j->path, 0755)) {
				j->res.status = STATUS_ERROR;
				j->res.reason = xasprintf("cannot create '%s': "
							  "%s",
							  j->path,
							  strerror(errno));
				j->report_broken = 1;
				j->state = 2;
				continue;
			}
			if (run_fds_needed(j->s) > fds_max) {
				j->res.status = STATUS_ERROR;
				j->res.reason = xasprintf(
				    "needs %ld open files (%d holders x %d + "
				    "%d), this process may open %ld: raise the "
				    "hard limit (ulimit -Hn) or use fewer "
				    "holders",
				    run_fds_needed(j->s), j->s->nr_holders,
				    RUN_FDS_PER_HOLDER, RUN_FDS_BASE, fds_max);
				j->state = 2;
				continue;
			}
			if (pipe2(done, O_CLOEXEC))
				done[0] = done[1] = -1;
			fflush(NULL);
			pid = fork_patient();
			if (pid == 0) {
				if (done[0] >= 0)
					close(done[0]);
				worker_main(j, cfg, done[1]);
			}
			if (done[1] >= 0)
				close(done[1]);
			j->done_fd = done[0];
			if (pid < 0) {
				if (done[0] >= 0)
					close(done[0]);
				j->done_fd = -1;
				j->res.status = STATUS_ERROR;
				j->res.reason = xasprintf("cannot fork: %s",
							  strerror(errno));
				j->state = 2;
				continue;
			}
			j->worker = pid;
			j->state = 1;
			running++;
			ss[j->set].running++;
		}
		/* Report, in file order per set, what is done. */
		for (q = 0; q < nsets; q++) {
			struct set_state *s = &ss[q];
			struct run_set *set = &sets[q];

			while (!s->ended && s->reported < s->nr &&
			       jobs[s->first + s->reported].state == 2) {
				struct job *j = &jobs[s->first + s->reported];
				struct report_item it = {
					.index = s->reported + 1,
					.s = j->s,
					.iteration = j->iteration,
					.run = j->run,
					.dir = j->dir,
					.seed = j->seed,
					.res = &j->res,
				};

				tally(set->t, &j->res);
				if (j->report_broken)
					set->t->write_errors++;
				for (k = 0; set->sinks[k]; k++)
					if (set->sinks[k]->item)
						set->sinks[k]->item(
						    set->sinks[k], &s->rr, &it);
				j->state = 3;
				s->reported++;
				if (set->cfg->stop_first &&
				    strcmp(j->res.status, STATUS_PASS) &&
				    strcmp(j->res.status, STATUS_NA) &&
				    strcmp(j->res.status, STATUS_NOT_RUN))
					s->stop = 1;
			}
			/* -i: what never ran is not reported as run. */
			if (!s->ended && s->stop && !s->running)
				s->nr = s->reported;
			if (!s->ended && s->reported == s->nr) {
				set_end(set, s);
				ended++;
			}
		}
		if (ended == nsets)
			break;
		/* `running` counts workers not yet reaped: a worker drawing
		 * its timeline after its verdict still holds its job slot */
		if (running) {
			int status = 0, reaped = 0;
			struct job *j = pool_wait(jobs, nj, &status, &reaped);

			if (!j)
				continue;
			if (j->state == 1) {
				finish_job(j, status);
				ss[j->set].running--;
			} else if (reaped) {
				worker_reaped(j, sets[j->set].t, status);
			}
			if (reaped) {
				j->exiting = 0;
				running--;
			}
		}
	}
	pool_reap(jobs, nj, sets);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	for (i = 0; i < nj; i++) {
		free(jobs[i].dir);
		free(jobs[i].path);
		run_result_clear(&jobs[i].res);
	}
	free(jobs);
	free(order);
	free(ss);
	return 0;
}

int run_scenarios(const struct scenario_list *l, const struct run_config *cfg,
		  struct report_sink **sinks, struct report_totals *t)
{
	struct run_set set = { cfg, sinks, t };

	return run_pool(l, &set, 1, cfg->jobs);
}
