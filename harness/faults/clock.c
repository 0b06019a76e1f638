/*
 * clock.c - a holder's wall clock made wrong, through libfaketime:
 * `clock H offset=-2h` (its wall clock is off from everyone else's),
 * `clock H step=+2h` (an NTP step: the wall clock jumps from where it is)
 * and `clock H drift=+5%` (it gains 5 s every 100 s from now on).
 *
 * How: a holder that a clock statement targets runs with Debian's
 * libfaketime preloaded (composed after libfiu's when it has failpoints
 * too) and reads its time specification from a file of the scratch folder
 * (FAKETIME_TIMESTAMP_FILE, so a confined holder still reaches it) on every
 * wall-clock call (FAKETIME_NO_CACHE=1); until a clock statement runs the
 * file says "+0", real time. A statement rewrites the file (a new file
 * renamed over it, so a reader sees the old line or the new, never half).
 * What stays real:
 *  - CLOCK_MONOTONIC (FAKETIME_DONT_FAKE_MONOTONIC=1): an NTP step or a
 *    skew moves the wall clock only, so timers, watchdogs and the `t` of
 *    every event keep real time;
 *  - file times (NO_FAKE_STAT=1): the kernel stamps mtimes with the real
 *    clock, as for every process sharing the folder; only what the holder
 *    reads from its own clock is off.
 * Hazards, said plainly: libfaketime fakes only what goes through libc, so
 * a holder that reads the clock itself (Go's runtime, a static binary) is
 * not fooled: the statement refuses to take when the holder's process has
 * no libfaketime mapped (a Go binary linked to libc would pass that check
 * and still read the real clock: its column must say so). A drift also
 * scales the holder's sleeps and poll timeouts (libfaketime divides them by
 * the rate) though not its monotonic clock. libfaketime 0.9.10 breaks
 * clock_nanosleep on a monotonic deadline when the monotonic clock is left
 * real (EINVAL: every Python 3.11 time.sleep): lockchaos-clockshim.so
 * (fixtures/clockshim/), preloaded before it, mends that call. A drift
 * starts without a jump only as exactly as the holder's start is known
 * (its spawn, not libfaketime's start in it): off by start-up x rate
 * change, ~15 ms for +5% and a 300 ms start. Cost: one fopen and fgets of
 * a 30-byte file per wall-clock read, in the holder only.
 */
#include "cli.h"
#include "faults/faults.h"
#include "run/run_internal.h"
#include "lib/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef LOCKCHAOS_FAKETIME_LIB
#define LOCKCHAOS_FAKETIME_LIB "libfaketime.so.1"
#endif

enum { CK_HOLDER, CK_OFFSET, CK_STEP, CK_DRIFT };
static const char *const kind_names[] = { "", "offset", "step", "drift" };

static const struct fault_key clock_keys[] = {
	[CK_HOLDER] = { .name = "holder", .kind = FAULT_ARG_HOLDER,
			.meta = "HOLDER", .positional = 1,
			.help = "the holder (it runs with libfaketime preloaded)" },
	[CK_OFFSET] = { .name = "offset", .kind = FAULT_ARG_TEXT,
			.meta = "[+-]T",
			.help = "its wall clock is T off real time from now on "
				"(-2h, +90m, +30s, 0)" },
	[CK_STEP] = { .name = "step", .kind = FAULT_ARG_TEXT, .meta = "[+-]T",
		      .help = "its wall clock jumps by T (an NTP step); "
			      "CLOCK_MONOTONIC does not" },
	[CK_DRIFT] = { .name = "drift", .kind = FAULT_ARG_TEXT, .meta = "[+-]P%",
		       .help = "its wall clock runs P% fast (+) or slow (-) "
			       "from now on, without a jump" },
	{ .name = NULL },
};

/* Where lockchaos lies, read at start: a scenario's worker has the PID
 * namespace's /proc, where /proc/self is not itself. */
static char *exe_dir_at_start;
static char *clockshim_at_start; /* installed: libexec/lockchaos/ */

__attribute__((constructor)) static void clock_find_exe_dir(void)
{
	exe_dir_at_start = exe_dir();
	clockshim_at_start = cli_find_shipped(CLI_CLOCKSHIM, NULL);
}

const char *clock_faketime_lib(void)
{
	const char *env = getenv("LOCKCHAOS_FAKETIME_LIB");

	return env && *env ? env : LOCKCHAOS_FAKETIME_LIB;
}

int clock_parse_offset(const char *s, int64_t *ms)
{
	size_t n;
	int neg = 0;

	if (!s)
		return -1;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	n = strlen(s);
	if (n >= 2 && s[n - 1] == 'd' && s[n - 2] >= '0' && s[n - 2] <= '9') {
		/* days: "1d", "1.5d" (parse_duration_ms has no such unit) */
		char *hours = xasprintf("%.*sh", (int)(n - 1), s);
		int rc = parse_duration_ms(hours, ms);

		free(hours);
		if (rc || *ms > 3650LL * 3600000)
			return -1;
		*ms *= 24;
	} else if (parse_duration_ms(s, ms)) {
		return -1;
	}
	if (*ms > 3650LL * 86400000) /* ten years */
		return -1;
	if (neg)
		*ms = -*ms;
	return 0;
}

int clock_parse_drift(const char *s, double *pct)
{
	const char *p = s;
	char *end;
	double v;

	if (!s || (*p != '+' && *p != '-' && !(*p >= '0' && *p <= '9')))
		return -1;
	if (*p == '+' || *p == '-')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || strcmp(end, "%") || !isfinite(v) || v <= -100 ||
	    v > 10000)
		return -1;
	*pct = v;
	return 0;
}

static const char *clock_validate(const struct scn_step *st)
{
	static char msg[256];
	int64_t ms;
	double pct;
	int k, given = 0;

	for (k = CK_OFFSET; k <= CK_DRIFT; k++)
		given += st->args[k].set;
	if (given != 1)
		return "expected exactly one of offset=[+-]T, step=[+-]T, drift=[+-]P%";
	if (st->args[CK_OFFSET].set &&
	    clock_parse_offset(st->args[CK_OFFSET].str, &ms)) {
		snprintf(msg, sizeof(msg),
			 "bad offset '%s' (expected a signed duration up to "
			 "ten years: -2h, +90m, +30s, +1d, 0)",
			 st->args[CK_OFFSET].str);
		return msg;
	}
	if (st->args[CK_STEP].set &&
	    (clock_parse_offset(st->args[CK_STEP].str, &ms) || !ms)) {
		snprintf(msg, sizeof(msg),
			 "bad step '%s' (expected a signed duration other "
			 "than 0: -2h, +2h, -90s)",
			 st->args[CK_STEP].str);
		return msg;
	}
	if (st->args[CK_DRIFT].set &&
	    clock_parse_drift(st->args[CK_DRIFT].str, &pct)) {
		snprintf(msg, sizeof(msg),
			 "bad drift '%s' (expected a percentage above -100%%: "
			 "+5%%, -0.5%%, 0%%)",
			 st->args[CK_DRIFT].str);
		return msg;
	}
	return NULL;
}

static int64_t real_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static char *rc_path(struct run *r, const struct hstate *h)
{
	return xasprintf("%s/clock-%s.rc", r->scratch, h->decl->name);
}

/*
 * libfaketime's line for offset `off_s` and rate: its real-time clock is
 * now + off + (now - start) * (rate - 1), start being when the library
 * started in the process. No letter of m, h, d, y: libfaketime reads
 * those as units. The rate is written once a drift was asked, and from
 * then on always (libfaketime keeps the last rate it read).
 */
static char *spec_line(double off_s, double rate, int rate_set)
{
	return rate_set ? xasprintf("%+.6f x%.9f\n", off_s, rate)
			: xasprintf("%+.6f\n", off_s);
}

/* Writes `line` as the holder's file, atomically. 0, or -1 and *err. */
static int write_spec(struct run *r, const struct hstate *h,
		      const char *line, char **err)
{
	char *path = rc_path(r, h), *tmp = xasprintf("%s.tmp", path);
	int rc = 0;

	if (write_file(tmp, line, strlen(line)) || rename(tmp, path)) {
		*err = xasprintf("cannot write '%s': %s", path,
				 strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	free(path);
	return rc;
}

int clock_holder_env(struct run *r, struct hstate *h, char **env, int *n,
		     char **err)
{
	const char *lib = clock_faketime_lib();
	char *line, *shim;
	int rc;

	if (!h->decl->needs_clock)
		return 0;
	if (*lib == '/' && access(lib, R_OK)) {
		*err = xasprintf("cannot inject clock faults: no libfaketime "
				 "at '%s': %s (Debian: libfaketime; or set "
				 "LOCKCHAOS_FAKETIME_LIB)",
				 lib, strerror(errno));
		return -1;
	}
	shim = clockshim_at_start
		       ? xstrdup(clockshim_at_start)
		       : xasprintf("%s/lockchaos-clockshim.so",
				   exe_dir_at_start ? exe_dir_at_start : ".");
	if (access(shim, R_OK)) {
		*err = xasprintf("cannot inject clock faults: no '%s': %s "
				 "(make builds it)",
				 shim, strerror(errno));
		free(shim);
		return -1;
	}
	h->clock_off_s = 0;
	h->clock_rate = 1;
	h->clock_rate_set = 0;
	h->clock_start_us = real_us();
	line = spec_line(0, 1, 0);
	rc = write_spec(r, h, line, err);
	free(line);
	if (rc) {
		free(shim);
		return -1;
	}
	env[(*n)++] = xasprintf("FAKETIME_TIMESTAMP_FILE=%s/clock-%s.rc",
				r->scratch, h->decl->name);
	env[(*n)++] = xasprintf("LOCKCHAOS_CLOCK_START=%s/clock-%s.start",
				r->scratch, h->decl->name);
	env[(*n)++] = xstrdup("FAKETIME_NO_CACHE=1");
	env[(*n)++] = xstrdup("FAKETIME_DONT_FAKE_MONOTONIC=1");
	env[(*n)++] = xstrdup("NO_FAKE_STAT=1");
	/* fiu-run sets LD_PRELOAD itself: the holder's argv then appends
	 * ours through LOCKCHAOS_FAKETIME_PRELOAD (clock_wrap_argv) */
	env[(*n)++] = xasprintf("%s=%s %s",
				h->decl->needs_fiu ? "LOCKCHAOS_FAKETIME_PRELOAD"
						   : "LD_PRELOAD",
				shim, lib);
	free(shim);
	return 0;
}

/* The shell words that append libfaketime to what fiu-run preloads. */
static const char *const wrap_words[] = {
	"/bin/sh", "-c",
	("LD_PRELOAD=\"${LD_PRELOAD:+$LD_PRELOAD }$LOCKCHAOS_FAKETIME_PRELOAD\" "
	 "exec \"$@\""),
	"lockchaos-clock",
};
#define NR_WRAP_WORDS (int)(sizeof(wrap_words) / sizeof(*wrap_words))

int clock_wrap_argv(const struct hstate *h, const char **argv, int a)
{
	int i;

	if (!h->decl->needs_clock || !h->decl->needs_fiu)
		return a;
	for (i = 0; i < NR_WRAP_WORDS; i++)
		argv[a++] = wrap_words[i];
	return a;
}

/* 1 when /proc/PID/maps of the holder shows libfaketime, 0 when not, -1
 * when it cannot be read. */
static int faketime_mapped(pid_t pid)
{
	char *path = xasprintf("/proc/%d/maps", (int)pid), *maps;
	size_t len;
	int hit;

	maps = read_file(path, 64 << 20, &len);
	free(path);
	if (!maps)
		return -1;
	hit = strstr(maps, "libfaketime") != NULL;
	free(maps);
	return hit;
}

/* When libfaketime started in the holder, as the clock shim noted it
 * (real wall clock, µs), or -1 when it did not (yet). */
static int64_t noted_start_us(struct run *r, const struct hstate *h)
{
	char *path = xasprintf("%s/clock-%s.start", r->scratch, h->decl->name);
	char buf[64] = "";
	long long sec = 0, ns = 0;
	FILE *f = fopen(path, "re");
	int ok = 0;

	free(path);
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) &&
	    sscanf(buf, "%lld.%9lld", &sec, &ns) == 2 && sec > 0)
		ok = 1;
	fclose(f);
	return ok ? (int64_t)sec * 1000000 + ns / 1000 : -1;
}

static void clock_inject(struct run *r, const struct scn_step *st)
{
	struct hstate *h = run_holder(r, st->holder);
	int kind = st->args[CK_OFFSET].set ? CK_OFFSET
		   : st->args[CK_STEP].set ? CK_STEP
					   : CK_DRIFT;
	int64_t now = real_us(), ms = 0, noted = noted_start_us(r, h);
	double since_s, eff_s;
	double off_s = h->clock_off_s, rate = h->clock_rate, pct = 0;
	char *line, *err = NULL;
	jv extra;

	/* libfaketime's drift counts from its start in the process, which
	 * came after the spawn by the holder's start-up (seconds, under
	 * load): the shim's note, when there is one */
	if (noted > h->clock_start_us && noted <= now)
		h->clock_start_us = noted;
	since_s = (double)(now - h->clock_start_us) / 1e6;
	eff_s = h->clock_off_s + since_s * (h->clock_rate - 1);

	if (!h->alive) {
		run_set_error(&r->fault_error, "line %d: clock %s: the holder "
					       "is not running",
			      st->line, h->decl->name);
		return;
	}
	if (faketime_mapped(h->inner) != 1) {
		run_set_error(&r->fault_error,
			      "line %d: clock %s: the holder's process (pid "
			      "%d) has no libfaketime loaded: it reads the "
			      "clock without libc (a static or Go binary), "
			      "or its command is a wrapper that dropped "
			      "LD_PRELOAD",
			      st->line, h->decl->name, (int)h->inner);
		return;
	}
	/* Solve libfaketime's formula for the offset that gives the
	 * holder the wall clock asked for, right now. */
	switch (kind) {
	case CK_OFFSET:
		clock_parse_offset(st->args[CK_OFFSET].str, &ms);
		eff_s = (double)ms / 1000;
		off_s = eff_s - since_s * (rate - 1);
		break;
	case CK_STEP:
		clock_parse_offset(st->args[CK_STEP].str, &ms);
		eff_s += (double)ms / 1000;
		off_s += (double)ms / 1000;
		break;
	default:
		clock_parse_drift(st->args[CK_DRIFT].str, &pct);
		rate = 1 + pct / 100;
		off_s = eff_s - since_s * (rate - 1);
		h->clock_rate_set = 1;
		break;
	}
	line = spec_line(off_s, rate, h->clock_rate_set);
	if (write_spec(r, h, line, &err)) {
		run_set_error(&r->fault_error, "line %d: clock %s: %s",
			      st->line, h->decl->name, err);
		free(err);
		free(line);
		return;
	}
	h->clock_off_s = off_s;
	h->clock_rate = rate;
	line[strcspn(line, "\n")] = '\0';
	extra = ev_str(jv_object(), "kind", kind_names[kind]);
	extra = ev_str(extra, "value", st->args[kind].str);
	extra = ev_num(extra, "offsetMs", round(eff_s * 1000));
	extra = ev_num(extra, "rate", rate);
	/* the wall clock at the event's own time (its t is stamped now):
	 * not `now`, read before the spec's write, which a stalled disk
	 * held 3.6 s beside the soak (clock-faults: "lock 2 off by 3.5 s") */
	extra = ev_num(extra, "wallMs", (double)(real_us() / 1000));
	extra = ev_str(extra, "spec", line);
	run_fault_record(r, st, extra);
	free(line);
}

/* "-2h", "+90s", "+1.5%": how a number of ms or a rate reads. */
static char *signed_ms(double ms)
{
	double a = fabs(ms);
	const char *sign = ms < 0 ? "-" : "+";

	if (a >= 3600000 && fmod(a, 60000) == 0)
		return fmod(a, 3600000) == 0
			       ? xasprintf("%s%.0fh", sign, a / 3600000)
			       : xasprintf("%s%.0fm", sign, a / 60000);
	if (a >= 1000)
		return xasprintf("%s%gs", sign, round(a / 100) / 10);
	return xasprintf("%s%.0fms", sign, a);
}

static char *clock_describe(jv ev, int brief)
{
	const char *kind = fault_ev_str(ev, "kind");
	const char *value = fault_ev_str(ev, "value");
	const char *target = fault_ev_str(ev, "target");
	double off = fault_ev_num(ev, "offsetMs", 0);
	double rate = fault_ev_num(ev, "rate", 1);
	char *o = signed_ms(off), *out;

	if (!kind)
		kind = "clock";
	if (!value)
		value = "?";
	if (!target)
		target = "?";
	if (brief)
		out = xasprintf("clock %s %s", kind, value);
	else if (!strcmp(kind, "step"))
		out = xasprintf("harness stepped %s's wall clock by %s (an NTP "
				"step; its monotonic clock did not move): now "
				"%s off real time",
				target, value, o);
	else if (!strcmp(kind, "drift"))
		out = xasprintf("harness made %s's wall clock run %s (x%g) "
				"from here, %s off real time so far",
				target, value, rate, o);
	else
		out = xasprintf("harness set %s's wall clock %s off real time "
				"(its monotonic clock is real)",
				target, o);
	free(o);
	return out;
}

const struct fault fault_clock = {
	.name = "clock",
	.keys = clock_keys,
	.synopsis = "HOLDER offset=[+-]T | step=[+-]T | drift=[+-]P%",
	.help = "make the holder's wall clock wrong (libfaketime): off, "
		"stepped or drifting; its monotonic clock stays real",
	.needs = FAULT_NEEDS_CLOCK,
	.validate = clock_validate,
	.inject = clock_inject,
	.fields = "kind (offset, step, drift), value, offsetMs, rate, wallMs, "
		  "spec",
	.legend = "clock offset / step / drift",
	.glyph = "clock",
	.svg = "<circle r=\"7.5\" fill=\"#0f766e\"/><path d=\"M0-5V0L3.5 2.5\" "
	       "stroke=\"#fff\" stroke-width=\"1.8\" fill=\"none\" "
	       "stroke-linecap=\"round\"/>",
	.describe = clock_describe,
};
