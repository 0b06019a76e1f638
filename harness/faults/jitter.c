/*
 * jitter.c - `jitter H... calls=open,unlink,rename max=20ms [off]`: every
 * chosen file call of the holders sleeps a seeded random 0..max first, to
 * widen the windows reclaim races hide in, in any holder whatever its
 * language.
 *
 * A holder a jitter names is started with build/libjitter.so preloaded
 * (fixtures/jitter/jitter.c; after libfiu's and libfaketime's, which set
 * LD_PRELOAD themselves: a `sh -c` right before the holder appends ours)
 * and a control block in the scratch folder (fixtures/common/jitterctl.h).
 * The block says off until the step runs; the step writes the calls, the
 * bound and the seed into it, so the delays start when the scenario says
 * and `jitter H off` ends them. Only files inside the scratch folder are
 * delayed. The holders count what they delayed in the block; the final
 * event carries the counts (`jitter`), so a run can show the fault took.
 */
#include "faults/faults.h"
#include "run/run_internal.h"
#include "lib/util.h"
#include "cli.h"
#include "jitterctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { JT_HOLDERS, JT_CALLS, JT_MAX, JT_OFF };

static const struct fault_key jitter_keys[] = {
	[JT_HOLDERS] = { .name = "holder", .kind = FAULT_ARG_HOLDER,
			 .meta = "HOLDER...", .positional = 1, .many = 1,
			 .help = "the holders (one or more)" },
	[JT_CALLS] = { .name = "calls", .kind = FAULT_ARG_TEXT,
		       .meta = "CALL,...", .def_text = "all",
		       .help = "the calls delayed: open, openat, rename, "
			       "unlink, unlinkat, read, pread, write, fstat, "
			       "stat, flock, fcntl, fsync, link, mkdir, "
			       "rmdir, close, or all" },
	[JT_MAX] = { .name = "max", .kind = FAULT_ARG_DURATION, .meta = "T",
		     .def = 0, .def_text = "none (required unless off)",
		     .help = "each delay is a seeded random 0..T" },
	[JT_OFF] = { .name = "off", .kind = FAULT_ARG_FLAG,
		     .help = "stop delaying" },
	{ .name = NULL },
};

static const char *const call_names[JITTER__NR] = JITTER_CALL_NAMES;

/* The bound on one delay: a jitter is a race widener, not a freeze. */
#define JITTER_MAX_MS 10000

/* Bits of a `calls=` list, or -1 with the first unknown word in *bad
 * (malloc'ed). NULL list: all. */
static int64_t calls_mask(const char *list, char **bad)
{
	char *copy, *word, *save = NULL;
	int64_t mask = 0;
	int c;

	*bad = NULL;
	if (!list || !strcmp(list, "all"))
		return (1u << JITTER__NR) - 1;
	copy = xstrdup(list);
	for (word = strtok_r(copy, ",", &save); word;
	     word = strtok_r(NULL, ",", &save)) {
		for (c = 0; c < JITTER__NR; c++)
			if (!strcmp(call_names[c], word))
				break;
		if (c == JITTER__NR && !strcmp(word, "all"))
			mask |= (1u << JITTER__NR) - 1;
		else if (c == JITTER__NR) {
			*bad = xstrdup(word);
			free(copy);
			return -1;
		} else
			mask |= 1u << c;
	}
	free(copy);
	return mask ? mask : -1;
}

static const char *jitter_validate(const struct scn_step *st)
{
	static char msg[512];
	char *bad, *near;
	int64_t mask = calls_mask(st->args[JT_CALLS].str, &bad);

	if (mask < 0) {
		if (!bad)
			return "calls= names no call";
		near = nearest_names(bad, call_names, JITTER__NR, 3);
		snprintf(msg, sizeof(msg),
			 "unknown call '%s' in calls=%s%s%s", bad,
			 st->args[JT_CALLS].str,
			 near ? "; nearest: " : " (expected open, openat, "
						"rename, unlink, unlinkat, "
						"read, pread, write, fstat, "
						"stat, flock, fcntl, fsync, "
						"link, mkdir, rmdir, close "
						"or all)",
			 near ? near : "");
		free(bad);
		free(near);
		return msg;
	}
	if (st->args[JT_OFF].num)
		return st->args[JT_MAX].set || st->args[JT_CALLS].set
			       ? "off takes no calls= or max="
			       : NULL;
	if (!st->args[JT_MAX].set || st->args[JT_MAX].num <= 0)
		return "expected max=T (a duration above 0: each delay is "
		       "0..T)";
	if (st->args[JT_MAX].num > JITTER_MAX_MS)
		return "max= is at most 10s (a longer stall is a `freeze`)";
	return NULL;
}

char *jitter_ctl_path(struct run *r, const char *holder)
{
	return xasprintf("%s/jitter-%s.ctl", r->scratch, holder);
}

/* Found at start-up: a run's sandbox remounts /proc for its own PID
 * namespace, where /proc/self/exe names nothing. */
static char *library_path;

__attribute__((constructor)) static void jitter_find_library(void)
{
	char *dir;

	/* Installed: libexec/lockchaos/; in the build tree: build/. */
	library_path = cli_find_shipped(CLI_JITTER, NULL);
	if (library_path)
		return;
	dir = exe_dir();
	library_path = xasprintf("%s/libjitter.so", dir);
	free(dir);
}

char *jitter_library(void)
{
	return xstrdup(library_path ? library_path : "libjitter.so");
}

int jitter_prepare(struct run *r, struct hstate *h, char **env, int *n)
{
	char *path = jitter_ctl_path(r, h->decl->name);
	char *lib = jitter_library();
	char *dir = realpath(r->scratch, NULL);
	struct jitter_ctl zero;
	int fd, rc = -1;

	memset(&zero, 0, sizeof(zero));
	if (access(lib, R_OK)) {
		run_set_error(&r->error,
			      "holder %s: jitter: no preload library at '%s' "
			      "(run `make`)",
			      h->decl->name, lib);
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, &zero, sizeof(zero)) != sizeof(zero)) {
		run_set_error(&r->error, "holder %s: cannot write '%s': %s",
			      h->decl->name, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	env[(*n)++] = xasprintf("%s=%s", JITTER_ENV_CTL, path);
	env[(*n)++] = xasprintf("%s=%s", JITTER_ENV_DIR,
				dir ? dir : r->scratch);
	rc = 0;
out:
	free(path);
	free(lib);
	free(dir);
	return rc;
}

/* The wrapper runs innermost, after fiu-run (and any other launcher that
 * sets LD_PRELOAD), and appends the library to what they set. */
static const char jitter_sh[] =
	"LD_PRELOAD=\"${LD_PRELOAD:+$LD_PRELOAD }$0\" exec \"$@\"";

int jitter_argv(char **argv, int a)
{
	argv[a++] = "/bin/sh";
	argv[a++] = "-c";
	argv[a++] = (char *)jitter_sh;
	argv[a++] = NULL; /* the library: holder_io.c fills it */
	return a;
}

/* Maps holder `name`'s block. NULL with *err. */
static struct jitter_ctl *ctl_map(struct run *r, const char *name,
				  char **err)
{
	char *path = jitter_ctl_path(r, name);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	void *map = MAP_FAILED;

	if (fd >= 0) {
		map = mmap(NULL, sizeof(struct jitter_ctl),
			   PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
	}
	if (map == MAP_FAILED)
		*err = xasprintf("cannot map '%s': %s", path, strerror(errno));
	free(path);
	return map == MAP_FAILED ? NULL : map;
}

/* The seed of holder `name`'s delays at line `line`: from the run's seed,
 * so `--seed N` replays them. */
static uint64_t jitter_seed(struct run *r, const char *name, int line)
{
	uint64_t s = r->o->seed ^ ((uint64_t)line << 32);
	const char *c;

	for (c = name; *c; c++)
		s = (s ^ (unsigned char)*c) * 0x100000001b3ULL;
	return s;
}

static void jitter_inject(struct run *r, const struct scn_step *st)
{
	const char *list = st->args[JT_HOLDERS].str;
	int off = (int)st->args[JT_OFF].num;
	char *bad = NULL, *names = xstrdup(list), *name, *save = NULL;
	int64_t mask = off ? 0 : calls_mask(st->args[JT_CALLS].str, &bad);
	int64_t max_ms = st->args[JT_MAX].num;

	free(bad);
	for (name = strtok_r(names, " ", &save); name;
	     name = strtok_r(NULL, " ", &save)) {
		struct hstate *h = run_holder(r, name);
		char *err = NULL;
		struct jitter_ctl *c;
		uint64_t seed = jitter_seed(r, name, st->line);
		jv extra;

		if (!h->alive) {
			run_set_error(&r->fault_error,
				      "line %d: jitter %s: the holder is not "
				      "running",
				      st->line, name);
			continue;
		}
		c = ctl_map(r, name, &err);
		if (!c) {
			run_set_error(&r->fault_error, "line %d: jitter %s: %s",
				      st->line, name, err);
			free(err);
			continue;
		}
		__atomic_store_n(&c->calls, (uint32_t)mask, __ATOMIC_RELAXED);
		__atomic_store_n(&c->max_us, (uint32_t)(max_ms * 1000),
				 __ATOMIC_RELAXED);
		__atomic_store_n(&c->seed, seed, __ATOMIC_RELAXED);
		__atomic_fetch_add(&c->gen, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&c->magic, JITTER_MAGIC, __ATOMIC_RELEASE);
		munmap(c, sizeof(*c));
		extra = ev_str(jv_object(), "target", name);
		extra = ev_str(extra, "mode", off ? "off" : "on");
		if (!off) {
			extra = ev_str(extra, "calls",
				       st->args[JT_CALLS].str
					       ? st->args[JT_CALLS].str
					       : "all");
			extra = ev_num(extra, "maxMs", (double)max_ms);
			extra = ev_num(extra, "seed", (double)(seed >> 11));
		}
		run_fault_record(r, st, extra);
	}
	free(names);
}

jv jitter_counts(struct run *r)
{
	jv all = jv_object();
	int i, any = 0;

	for (i = 0; i < r->nh; i++) {
		struct jitter_ctl *c;
		char *err = NULL;
		jv one;

		if (!r->h[i].decl->needs_jitter)
			continue;
		c = ctl_map(r, r->h[i].decl->name, &err);
		free(err);
		if (!c)
			continue;
		one = ev_num(jv_object(), "matched",
			     (double)__atomic_load_n(&c->matched,
						     __ATOMIC_RELAXED));
		one = ev_num(one, "delayed",
			     (double)__atomic_load_n(&c->delayed,
						     __ATOMIC_RELAXED));
		one = ev_num(one, "sleptMs",
			     (double)(__atomic_load_n(&c->slept_us,
						      __ATOMIC_RELAXED) /
				      1000));
		munmap(c, sizeof(*c));
		all = jv_object_set(all, jv_string(r->h[i].decl->name), one);
		any = 1;
	}
	if (!any) {
		jv_free(all);
		return jv_invalid();
	}
	return all;
}

static char *jitter_describe(jv ev, int brief)
{
	const char *target = fault_ev_str(ev, "target");
	const char *calls = fault_ev_str(ev, "calls");
	const char *mode = fault_ev_str(ev, "mode");
	double max = fault_ev_num(ev, "maxMs", 0);

	if (mode && !strcmp(mode, "off"))
		return brief ? xstrdup("jitter off")
			     : xasprintf("harness stopped delaying %s's file "
					 "calls",
					 target ? target : "?");
	if (brief)
		return xasprintf("jitter 0..%.0fms", max);
	return xasprintf("harness delays %s's %s calls on scratch files by a "
			 "seeded random 0..%.0f ms (seed %.0f)",
			 target ? target : "?", calls ? calls : "file", max,
			 fault_ev_num(ev, "seed", 0));
}

const struct fault fault_jitter = {
	.name = "jitter",
	.keys = jitter_keys,
	.synopsis = "HOLDER... [calls=CALL,...] max=T | HOLDER... off",
	.arity = "one or more holder names, then max=T (and calls=) or off",
	.help = "before each chosen file call of the holders, sleep a seeded "
		"random 0..T (a preload library: any language)",
	.needs = FAULT_NEEDS_JITTER,
	.validate = jitter_validate,
	.inject = jitter_inject,
	.fields = "mode (on, off), calls, maxMs, seed; the final event's "
		  "`jitter` counts what each holder delayed",
	.legend = "jitter",
	.glyph = "jitter",
	.svg = "<rect x=\"-8\" y=\"-8\" width=\"16\" height=\"16\" rx=\"3\" "
	       "fill=\"#0e7490\"/><path d=\"M-6 1L-3-4L0 4L3-4L6 1\" "
	       "stroke=\"#fff\" stroke-width=\"1.6\" fill=\"none\"/>",
	.describe = jitter_describe,
};
