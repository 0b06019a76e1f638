/*
 * runner.c - one scenario run: sandbox, holders, the steps, the verdict.
 *
 * scenario_run() sets the run up, plays the steps at their times (play),
 * winds the holders down, takes the final snapshot, kills and reaps
 * everything, then judges: the checkers, the scenario's expectations, a
 * fault that did not take. Holder I/O is holder_io.c, the history
 * history.c, the snapshot final.c, result.json result.c.
 */
#include "run/run_internal.h"
#include "run/result.h"
#include "run/noise.h"
#include "check/check.h"
#include "check/expect.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- steps --------------------------------------------------------------- */

/* A step's `opt.KEY=VALUE` as the command's `opts` object: a value that
 * reads as a JSON literal (true, false, null, a number) goes as that,
 * anything else as a string. */
static jv step_opts(const struct scn_step *st)
{
	jv o = jv_object();
	int i;

	for (i = 0; i < st->nr_opts; i++) {
		const char *v = st->opts[i].value;
		jv val = jv_parse(v);

		if (!jv_is_valid(val) || jv_get_kind(val) == JV_KIND_STRING ||
		    jv_get_kind(val) == JV_KIND_ARRAY ||
		    jv_get_kind(val) == JV_KIND_OBJECT) {
			jv_free(val);
			val = jv_string(v);
		}
		o = jv_object_set(o, jv_string(st->opts[i].key), val);
	}
	return o;
}

static void step_op(struct run *r, const struct scn_step *st)
{
	struct hstate *h = run_holder(r, st->holder);
	int hi = (int)(h - r->h);
	const struct scn_params *pp = &st->p;
	jv cmd = jv_object(), ev;
	struct pend *p;
	int64_t budget;

	cmd = ev_num(cmd, "id", ++r->next_id);
	cmd = ev_str(cmd, "op", op_name(st->op));
	if (st->op == OP_SWEEP) {
		cmd = ev_str(cmd, "lane", st->lane);
		cmd = ev_num(cmd, "graceMs", (double)pp->grace_ms);
	} else if (st->op != OP_SPIN && st->op != OP_EXIT) {
		cmd = ev_str(cmd, "session", st->session);
		cmd = ev_str(cmd, "lane", st->lane);
		cmd = ev_num(cmd, "timeoutMs", (double)pp->timeout_ms);
		cmd = ev_num(cmd, "pollMs", (double)pp->poll_ms);
		cmd = ev_num(cmd, "maxHoldMs", (double)pp->max_hold_ms);
		cmd = ev_num(cmd, "graceMs", (double)pp->grace_ms);
	}
	cmd = ev_str(cmd, "msg", st->msg);
	if (st->op == OP_TURN) {
		cmd = ev_num(cmd, "holdMs", (double)st->hold_ms);
		if (pp->lane_timeout_ms >= 0)
			cmd = ev_num(cmd, "laneTimeoutMs",
				     (double)pp->lane_timeout_ms);
	}
	if (st->op == OP_SPIN)
		cmd = ev_num(cmd, "ms", (double)st->spin_ms);
	if (st->op == OP_EXIT)
		cmd = ev_num(cmd, "code", st->exit_code);
	if (st->nr_opts)
		cmd = jv_object_set(cmd, jv_string("opts"), step_opts(st));

	ev = jv_object_merge(ev_new("invoke", h->decl->name), jv_copy(cmd));
	ev = ev_str(ev, "label", st->label);
	ev = ev_num(ev, "line", st->line);
	history_record(r, ev);
	if (st->op == OP_SPIN) {
		jv f = ev_str(ev_new("fault", "harness"), "fault", "spin");

		f = ev_str(f, "target", h->decl->name);
		history_record(r, ev_num(f, "line", st->line));
		h->spinning = 1;
		/* A spin models a blocked event loop, not a claim on the
		 * CPU: at the lowest priority it cannot starve the other
		 * holders and the harness on a small machine (several
		 * spinners side by side kept idle holders from exiting for
		 * 5 s). Back to normal when it answers. */
		setpriority(PRIO_PROCESS, h->proc.pid, 19);
	}
	if (st->op == OP_EXIT)
		h->told_exit = 1;

	ALLOC_GROW(r->p, (size_t)r->np + 1, r->ap);
	p = &r->p[r->np++];
	p->id = r->next_id;
	p->h = hi;
	p->st = st;
	p->done = st->op == OP_EXIT; /* exit has no outcome by design */
	if (!p->done && h->pending++ == 0)
		sched_sample(r, h); /* a wait starts: where its CPU wait
				       counts from (sched_tick reads only
				       holders with a command out) */
	budget = pp->timeout_ms + (st->op == OP_TURN ? st->hold_ms : 0) +
		 (st->op == OP_SPIN ? st->spin_ms : 0) + 3000;
	/* Commands queue behind the holder's earlier ones (one lane runs
	 * them in turn): its budget starts when they may have ended. */
	{
		int64_t start = run_now(r);
		int i;

		for (i = 0; i < r->np - 1; i++)
			if (r->p[i].h == hi && !r->p[i].done &&
			    r->p[i].deadline > start)
				start = r->p[i].deadline;
		p->deadline = start + budget * 1000;
		p->budget_us = budget * 1000;
		p->self_sent = run_self_delay_ns(r);
	}
	if (!h->alive) {
		jv_free(cmd);
		holder_close_pending(r, hi, "holder is not running");
		return;
	}
	holder_send(r, h, cmd);
}

static int holder_idle(struct run *r, void *arg)
{
	struct hstate *h = arg;

	(void)r;
	return !h->alive || !h->pending;
}

/* A scenario duration in µs, saturated: 9e15 ms from a scenario must not
 * overflow (UB) on its way to the clock. 10^12 ms is 31 years. */
static int64_t us_of(int64_t ms)
{
	return ms > 1000000000000LL ? 1000000000000000LL
	       : ms < 0		    ? 0
				    : ms * 1000;
}

/* Each holder's run_delay now (ns), or -1 for one not counted: gone, or
 * left out by `counted` (NULL: every live one). Free it. */
static long long *cpu_base(struct run *r, int (*counted)(const struct hstate *))
{
	long long *base = xcalloc((size_t)(r->nh ? r->nh : 1), sizeof(*base));
	int i;

	for (i = 0; i < r->nh; i++)
		base[i] = !counted || counted(&r->h[i]) ? sched_wait_ns(&r->h[i])
							: -1;
	return base;
}

/* The CPU wait (µs) holder `hi` has had since `base` (cpu_base's); 0 for
 * one not counted there, or stopped or spinning on purpose (it is not held
 * up). */
static int64_t cpu_waited_by(struct run *r, int hi, const long long *base)
{
	long long now;

	if (base[hi] < 0 || r->h[hi].frozen || r->h[hi].spinning)
		return 0;
	now = sched_wait_ns(&r->h[hi]);
	return now > base[hi] ? (now - base[hi]) / 1000 : 0;
}

/* The largest CPU wait (µs) a counted holder has had since `base`. */
static int64_t cpu_waited_since(struct run *r, const long long *base)
{
	int64_t most = 0;
	int i;

	for (i = 0; i < r->nh; i++) {
		int64_t w = cpu_waited_by(r, i, base);

		if (w > most)
			most = w;
	}
	return most;
}

/* Every live, unstuck holder answered everything, or its time ran out: its
 * budget, plus what its holder waited for a CPU since the scenario began
 * (up to DEADLINE_GRACE_FACTOR - 1 times the budget; read only once the
 * budget ran out; the CPU wait counts the disk's, sched.c). A starved
 * holder is not a silent one: beside the soak
 * the whole machine stalled 11 s, the harness woke past both holders' 6 s
 * budgets and told them to exit mid-turn, each having waited 11 s for a
 * CPU (liblockfile-pid, seeds/001-cleanup-cron-takeover: leak and five
 * expectations, its known mutex not reproduced). The runner's own wait
 * since it sent a command counts as its holder's when longer. */
static int quiet(struct run *r, void *arg)
{
	int64_t now = run_now(r);
	long long self = -1;
	int i;

	(void)arg;
	for (i = 0; i < r->np; i++) {
		struct pend *p = &r->p[i];
		struct hstate *h = &r->h[p->h];
		int64_t wait;

		if (p->done || !h->alive || h->frozen || h->spinning)
			continue;
		/* blocked in the kernel at the last read (D: its create or
		 * fsync on a stalled or frozen disk): its answer is still to
		 * come, up to the deadline (widened by its wait). Beside a
		 * frozen disk at speed 50, A was told to exit while B's
		 * deliver sat in its create; B then reclaimed A's lock as
		 * dead, and the expected timeout became an ok. */
		if (now < p->deadline || sched_seen_blocked(h))
			return 0;
		wait = r->deadline_cpu
			   ? cpu_waited_by(r, p->h, r->deadline_cpu) *
				 (r->speed > 1 ? r->speed : 1)
			   : 0;
		/* or the runner's own wait for a CPU since it sent the
		 * command, when longer: a holder's wait still going on is
		 * not in its count until it runs, and a runner that waited
		 * too read nothing meanwhile (beside the soak the whole
		 * machine stalled 11.4 s; the runner woke first, read 4.6 s
		 * for B, whose next read said 10.3 s, and told both holders
		 * to exit mid-turn) */
		if (p->self_sent >= 0) {
			if (self < 0)
				self = run_self_delay_ns(r);
			if (self >= 0 && (self - p->self_sent) / 1000 *
						 (r->speed > 1 ? r->speed : 1) > wait)
				wait = (self - p->self_sent) / 1000 *
				       (r->speed > 1 ? r->speed : 1);
		}
		if (wait > p->budget_us * (DEADLINE_GRACE_FACTOR - 1))
			wait = p->budget_us * (DEADLINE_GRACE_FACTOR - 1);
		if (now < p->deadline + wait)
			return 0;
	}
	return 1;
}

/* Scenario µs in real µs (run_real_us the other way). */
static int64_t real_of(struct run *r, int64_t us)
{
	return r->speed > 1 ? us / r->speed : us;
}

/* The runner's run_delay (ns: time runnable, waiting for a CPU), from its
 * /proc/thread-self/schedstat opened before the sandbox's /proc took the
 * place of the host's (where the runner has no pid): -1 when unreadable. */
long long run_self_delay_ns(const struct run *r)
{
	char buf[128];
	unsigned long long ran, wait;
	ssize_t n;

	if (r->self_stat_fd < 0)
		return -1;
	n = pread(r->self_stat_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	if (sscanf(buf, "%llu %llu", &ran, &wait) != 2)
		return -1;
	return (long long)wait;
}

/* Moves r->deadline to the scenario's deadline plus the most a holder
 * waited for a CPU since the scenario began, up to DEADLINE_GRACE_FACTOR
 * times the deadline: 1 when it moved (then wait on), else 0. Read only
 * when the deadline is reached: a quiet machine pays nothing. */
static int deadline_widen(struct run *r)
{
	int64_t plain = us_of(r->s->params.deadline_ms);
	int64_t cap = plain > INT64_MAX / DEADLINE_GRACE_FACTOR
			      ? INT64_MAX / 2
			      : plain * DEADLINE_GRACE_FACTOR;
	int64_t wait, to;

	if (!r->deadline_cpu)
		return 0;
	/* plus the time killed holders took to end: beside the soak a
	 * SIGKILLed Python holder was reaped 37 s later, and the 30 s
	 * deadline of seeds/002-recycled-pid passed inside the wait for
	 * it (an ERROR, no verdict) */
	wait = cpu_waited_since(r, r->deadline_cpu);
	/* or the runner's own wait for a CPU, when longer: its steps are
	 * the scenario's clock too (beside the soak a 3 s deadline passed
	 * before line 117 of 332 queued delivers to a holder that had
	 * stopped reading, the holder waiting for nothing) */
	{
		long long self = run_self_delay_ns(r);

		if (self >= 0 && r->self_wait_base >= 0 &&
		    (self - r->self_wait_base) / 1000 > wait)
			wait = (self - r->self_wait_base) / 1000;
	}
	wait = wait * (r->speed > 1 ? r->speed : 1) + r->death_wait;
	to = r->ready + (wait < cap - plain ? plain + wait : cap);
	if (to <= r->deadline)
		return 0;
	r->deadline = to;
	return 1;
}

/* Error: the deadline passed `when` ("during", "before") line `line`
 * (`what`: the step, or NULL), saying by how much CPU waits widened it. */
static void deadline_passed(struct run *r, const char *when, int line,
			    const char *what)
{
	int64_t plain = r->ready + us_of(r->s->params.deadline_ms);
	char wide[128] = "";

	if (r->deadline > plain)
		snprintf(wide, sizeof(wide),
			 " (+ %lld ms the holders waited for a CPU or to "
			 "end, or the harness for a CPU)",
			 (long long)((r->deadline - plain) / 1000));
	run_set_error(&r->error, "deadline of %lld ms passed %s line %d%s%s%s%s",
		      (long long)r->s->params.deadline_ms, when, line,
		      what ? " (" : "", what ? what : "", what ? ")" : "", wide);
}

/* Runs the loop until `until` or done(), but never past the deadline
 * (widened by the holders' CPU waits): 0, or -1 (r->error set, naming the
 * line) when the deadline cut it. */
static int pump_within_deadline(struct run *r, const struct scn_step *st,
				const char *what, int64_t until,
				pump_done_fn done, void *arg)
{
	do {
		run_pump(r, until < r->deadline ? until : r->deadline, done,
			 arg);
		if (until <= r->deadline || (done && done(r, arg)))
			return 0;
	} while (deadline_widen(r));
	deadline_passed(r, "during", st->line, what);
	return -1;
}

struct await_arg {
	const struct scn_step *st;
	int from;		/* await_start */
	struct hstate *h;	/* AWAIT_IDLE: the holder */
	long long *base;	/* cpu_base at the start */
};

static int await_done(struct run *r, void *arg)
{
	struct await_arg *a = arg;

	if (a->st->await_on == AWAIT_IDLE ? holder_idle(r, a->h)
					  : await_met(r, a->st, a->from))
		return 1;
	return run_now(r) >= r->deadline;
}

static int64_t await_cpu_wait(struct run *r, void *arg)
{
	return cpu_waited_since(r, ((struct await_arg *)arg)->base);
}

/* `await`: until the holder is idle, or until the event. An event that did
 * not come within the timeout fails the scenario (the script could not go
 * on as written) and the run goes on; one the deadline cut is an error.
 * The timeout is widened by the time the holders waited for a CPU
 * meanwhile, up to AWAIT_GRACE_FACTOR times it, never past the deadline:
 * on a loaded machine a holder may not run for seconds, and how long it
 * takes to get there is not what the scenario says. */
static int step_await(struct run *r, const struct scn_step *st)
{
	int64_t ms = st->wait_ms >= 0 ? st->wait_ms : r->s->params.deadline_ms;
	int64_t t = run_now(r), limit = us_of(ms), waited = 0;
	struct await_arg a = { st, 0, NULL, NULL };
	char *what;
	int met;
	jv ev;

	if (st->await_on == AWAIT_IDLE)
		a.h = run_holder(r, st->holder);
	else
		a.from = await_start(r, st);
	a.base = cpu_base(r, NULL);
	do { /* again while the deadline it reached is widened */
		int64_t now = run_now(r), gone = now - t;
		int64_t left = r->deadline > now ? r->deadline - now : 0;
		int64_t plain = limit - gone, cap = limit * AWAIT_GRACE_FACTOR - gone;
		int64_t w;

		if (st->wait_ms < 0) /* no timeout=: the deadline alone */
			plain = cap = left;
		if (plain < 0)
			plain = 0;
		if (cap < 0)
			cap = 0;
		w = run_pump_cpu_grace(r, real_of(r, plain < left ? plain : left),
				       real_of(r, cap < left ? cap : left),
				       await_done, await_cpu_wait, &a);
		if (w > waited)
			waited = w;
		met = st->await_on == AWAIT_IDLE ? holder_idle(r, a.h)
						 : await_met(r, st, a.from);
	} while (!met && run_now(r) >= r->deadline && deadline_widen(r));
	free(a.base);
	if (!met && run_now(r) >= r->deadline) {
		deadline_passed(r, "during", st->line, "await");
		return -1;
	}
	if (st->await_on == AWAIT_IDLE)
		return 0;
	what = await_describe(st);
	ev = ev_str(ev_new("await", "harness"), "until", what);
	ev = ev_num(ev, "line", st->line);
	ev = ev_num(ev, "waitedMs", (double)(run_now(r) - t) / 1000);
	if (waited)
		ev = ev_num(ev, "cpuWaitMs", (double)waited / 1000);
	history_record(r, jv_object_set(ev, jv_string("met"), jv_bool(met)));
	if (!met)
		run_set_error(&r->await_error, "line %d: await %s: not within "
					       "%lld ms (+ %lld ms the holders "
					       "waited for a CPU)",
			      st->line, what, (long long)ms,
			      (long long)(waited / 1000));
	free(what);
	return 0;
}

static int run_step(struct run *r, const struct scn_step *st)
{
	/* What the kernel queued before this step is recorded before it: a
	 * fault on a lock file comes after that file's create. */
	watch_drain(r);
	switch (st->kind) {
	case STEP_OP:
		step_op(r, st);
		break;
	case STEP_FAULT:
		st->fault->inject(r, st);
		break;
	case STEP_WAIT:
		return pump_within_deadline(r, st, "wait",
					    run_now(r) + us_of(st->wait_ms),
					    NULL, NULL);
	case STEP_AWAIT:
		return step_await(r, st);
	case STEP_LOOK:
		look_record(r, st);
		break;
	}
	return 0;
}

static int all_told_exited(struct run *r, void *arg)
{
	int i;

	for (i = 0; i < r->nh; i++)
		if (r->h[i].told_exit && !r->h[i].reaped)
			return 0;
	return 1;
}

static int told_exit(const struct hstate *h)
{
	return h->told_exit;
}

/* The CPU wait of the holders told to exit (up to EXIT_GRACE_MAX_MS in
 * all); a holder already exiting (final.c, holder_exiting: only the
 * kernel's teardown is left, seconds beside a fork storm), or blocked in
 * the kernel (D: an fsync, a page fault; a quiet machine's make check had
 * B sit 6 s in folio_wait_bit at the end), is waited for up to
 * EXIT_GRACE_KERNEL_MS, so its answers, its `exit` event and code are
 * still recorded before a message is called dropped or it leaked. */
static int64_t exit_cpu_wait(struct run *r, void *arg)
{
	int64_t cpu;
	int i;

	for (i = 0; i < r->nh; i++)
		if (r->h[i].told_exit && !r->h[i].reaped &&
		    (holder_exiting(&r->h[i]) || sched_in_kernel(&r->h[i])))
			return EXIT_GRACE_KERNEL_MS * 1000LL;
	cpu = cpu_waited_since(r, arg);
	return cpu < (EXIT_GRACE_MAX_MS - EXIT_GRACE_MS) * 1000LL
		       ? cpu
		       : (EXIT_GRACE_MAX_MS - EXIT_GRACE_MS) * 1000LL;
}

/* Holders told to exit get EXIT_GRACE_MS to go, plus the time they waited
 * for a CPU meanwhile (on a loaded machine a holder may not run for seconds
 * after it was told), up to EXIT_GRACE_MAX_MS in all, or up to
 * EXIT_GRACE_KERNEL_MS while one is in the kernel (exit_cpu_wait). A
 * holder that ignores `exit` sleeps, and so waits for no CPU: it is still
 * there after EXIT_GRACE_MS, and the leak checker says so. */
static void exit_grace(struct run *r)
{
	long long *base = cpu_base(r, told_exit);

	run_pump_cpu_grace(r, EXIT_GRACE_MS * 1000LL,
			   EXIT_GRACE_KERNEL_MS * 1000LL, all_told_exited,
			   exit_cpu_wait, base);
	free(base);
}

/* Clean end: every responsive holder is told to exit; a stuck one (frozen,
 * spinning) cannot answer, so its open commands end as `info`. */
static void wind_down(struct run *r)
{
	int i;

	for (i = 0; i < r->nh; i++) {
		struct hstate *h = &r->h[i];
		jv cmd;

		if (!h->alive)
			continue;
		if (h->frozen || h->spinning) {
			holder_close_pending(r, i, h->frozen
						     ? "holder was frozen at the end"
						     : "holder was spinning at "
						       "the end");
			continue;
		}
		if (h->told_exit)
			continue;
		h->told_exit = 1;
		cmd = ev_num(jv_object(), "id", ++r->next_id);
		holder_send(r, h, ev_str(cmd, "op", "exit"));
	}
	exit_grace(r);
	watch_drain(r);
	watch_stop(r);
	/* killed, not waited for: they die while the final state is read
	 * and the sandbox swept (its sweep reaps them, noise_stop the rest) */
	if (r->noise)
		noise_kill(r->noise);
	final_record(r);
}

static void play(struct run *r)
{
	const struct scenario *s = r->s;
	int i;

	r->ready = run_now(r);
	r->deadline = r->ready + us_of(s->params.deadline_ms);
	r->deadline_cpu = cpu_base(r, NULL);
	r->self_wait_base = run_self_delay_ns(r);
	history_record(r, ev_num(ev_new("ready", "harness"), "t", (double)r->ready));
	for (i = 0; i < s->nr_steps; i++) {
		const struct scn_step *st = &s->steps[i];

		if (st->at_ms >= 0) {
			int64_t at = r->ready + us_of(st->at_ms);
			int64_t j = us_of(st->jitter_ms);

			if (j)
				at += (int64_t)(prng_next(&r->prng) %
						(uint64_t)(2 * j + 1)) -
				      j;
			if (pump_within_deadline(r, st, "at", at, NULL, NULL))
				return;
		} else {
			run_pump(r, run_now(r), NULL, NULL); /* read what is there */
		}
		if (run_now(r) > r->deadline && !deadline_widen(r)) {
			deadline_passed(r, "before", st->line, NULL);
			return;
		}
		if (run_step(r, st))
			return;
	}
	do /* what is still owed, until the (widened) deadline */
		run_pump(r, r->deadline, quiet, NULL);
	while (!quiet(r, NULL) && deadline_widen(r));
}

/* 1 when some holder's hello was malformed (holder_io.c says how). */
static int holders_hello_bad(struct run *r)
{
	int i;

	for (i = 0; i < r->nh; i++)
		if (r->h[i].hello_error)
			return 1;
	return 0;
}

/*
 * The failpoints the scenario arms that a holder cannot have: names that
 * are not libfiu's POSIX wrappers (those are checked when the scenario is
 * parsed) must be among those the holder declared in its hello. A
 * misspelled one would never fire and the scenario could pass without its
 * fault: a scenario error, `file:line:`, with the nearest names. NULL when
 * all are there (or a holder declared no list to check against).
 */
static char *failpoints_undeclared(struct run *r)
{
	const struct scenario *s = r->s;
	int i;

	for (i = 0; i < s->nr_steps; i++) {
		const struct scn_step *st = &s->steps[i];
		const struct scn_arg *name;
		struct hstate *h;
		char *why;

		if (st->kind != STEP_FAULT || strcmp(st->fault->name, "failpoint") ||
		    !st->holder)
			continue;
		name = scn_step_arg(st, "name");
		h = run_holder(r, st->holder);
		why = name ? failpoint_check_declared(name->str, h->impl,
						      h->failpoints)
			   : NULL;
		if (why) {
			char *msg = xasprintf("%s:%d: failpoint %s: %s",
					      s->file, st->line,
					      h->decl->name, why);

			free(why);
			return msg;
		}
	}
	return NULL;
}

int scenario_run(const struct scenario *s, const struct run_opts *o,
		 struct run_result *res)
{
	struct run r = { .s = s, .o = o, .chld_fd = -1, .fs_fd = -1,
			 .fs_dirfd = -1, .fs_wd = -1, .ep_fd = -1,
			 .self_stat_fd = -1 };
	struct check_opts copts = CHECK_OPTS_INIT;
	struct noise noise = NOISE_INIT;
	char *why = NULL, *err = NULL, *missing = NULL, *path, *outside;
	char *scn_error = NULL;
	jv verdicts = jv_array(), fails = jv_array();
	int i, rc;
	size_t nfail;

	run_result_init(res);
	r.hist = jv_array();
	r.prng = o->seed;
	r.scratch = xasprintf("%s/lockchaos-XXXXXX", o->scratch_root);
	if (!mkdtemp(r.scratch)) {
		res->status = STATUS_ERROR;
		res->reason = xasprintf("cannot create scratch folder in "
					"'%s': %s",
					o->scratch_root, strerror(errno));
		goto write;
	}
	r.dir = xasprintf("%s/sessions", r.scratch);
	mkdir(r.dir, 0755);
	r.dmg.dir = r.dir;
	r.dmg.scratch = r.scratch;
	r.dmg.prng = &r.prng;
	path = xasprintf("%s/history.jsonl", o->report_dir);
	r.hist_fp = fopen(path, "w");
	free(path);

	if (speed_decide(&r, &res->status, &res->reason))
		goto write;
	r.self_stat_fd = open("/proc/thread-self/schedstat",
			      O_RDONLY | O_CLOEXEC);
	if (sandbox_enter(&r.sb, o->want_pidns, &why, &err)) {
		res->status = STATUS_ERROR;
		res->reason = err;
		goto cleanup;
	}
	{
		sigset_t chld;

		/* Holders get the mask cleared again before exec
		 * (holder_start); init was forked before this. */
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigprocmask(SIG_BLOCK, &chld, NULL);
		r.chld_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	}
	if (speed_check_sandbox(&r, &res->status, &res->reason))
		goto cleanup;
	if (s->needs_pidns && !r.sb.pidns) {
		res->status = STATUS_UNSUPPORTED;
		res->reason = xasprintf("this machine has no PID namespaces "
					"(recycle, holder ns= and pid= need "
					"them): %s",
					why ? why : "no PID namespace");
		goto cleanup;
	}
	r.nh = s->nr_holders;
	r.h = xcalloc((size_t)r.nh, sizeof(*r.h));
	for (i = 0; i < r.nh; i++) {
		struct holder_proc hp = HOLDER_PROC_INIT;

		r.h[i].decl = &s->holders[i];
		r.h[i].proc = hp;
		r.h[i].caps = jv_array();
		r.h[i].na = jv_null();
		r.h[i].opts = jv_invalid();
		r.h[i].failpoints = jv_invalid();
		r.h[i].ns = -1;
		r.h[i].sched_base_ns = -1;
		r.h[i].noise = &noise;
	}
	r.t0 = mono_us();
	speed_start(&r);
	history_record(&r, history_meta(&r));
	noise_start(&noise, r.scratch);
	r.noise = &noise;
	if (watch_open(&r))
		history_record(&r, ev_str(ev_str(ev_new("fs", "harness"), "fs",
						 "overflow"),
					  "why", "no inotify watch"));
	if (pump_open(&r)) {
		res->status = STATUS_ERROR;
		res->reason = xasprintf("cannot create an epoll set: %s",
					strerror(errno));
	} else if (holders_start(&r)) {
		/* No verdict without holders: the run itself broke. */
		res->status = STATUS_ERROR;
		res->reason = xstrdup(r.error);
	} else if (holders_hello_bad(&r)) {
		/* Nothing is played for a holder whose hello says nothing
		 * sure; the protocol checker names what is wrong with it
		 * (never n/a on capabilities it did not state). */
	} else if ((scn_error = failpoints_undeclared(&r))) {
		res->status = STATUS_ERROR;
		res->reason = scn_error;
		res->scenario_error = 1;
		fprintf(stderr, "%s\n", scn_error);
		scn_error = NULL;
	} else {
		missing = holders_missing_capability(&r);
		if (!missing)
			play(&r);
	}
	wind_down(&r);
	noise_kill(&noise);
	{
		jv ev = ev_new("noise", "harness");

		ev = ev_num(ev, "samples", (double)noise_samples(&noise));
		ev = ev_num(ev, "p50Us", (double)noise_percentile_us(&noise, 50));
		ev = ev_num(ev, "p99Us", (double)noise_percentile_us(&noise, 99));
		ev = ev_num(ev, "maxUs", (double)noise_max_us(&noise));
		ev = ev_num(ev, "ioSamples", (double)noise_io_samples(&noise));
		ev = ev_num(ev, "ioMaxUs", (double)noise_io_max_us(&noise));
		{
			/* the runner's own wait for a CPU, which widens the
			 * deadline as the holders' does */
			long long self = run_self_delay_ns(&r);

			if (self >= 0 && r.self_wait_base >= 0)
				ev = ev_num(ev, "selfWaitUs",
					    (double)((self - r.self_wait_base) /
						     1000));
		}
		history_record(&r, ev);
	}
	res->noise_p99_us = noise_percentile_us(&noise, 99);
	res->noise_max_us = noise_max_us(&noise);
	res->noise_io_max_us = noise_io_max_us(&noise);
cleanup:
	noise_kill(&noise);
	holders_kill_all(&r);
	noise_stop(&noise);
	watch_release(&r);
	res->duration_ms = r.t0 ? (mono_us() - r.t0) / 1000 : 0;
	res->speed = r.speed > 1 ? r.speed : 1;
	if (r.speed_note)
		res->speed_note = xstrdup(r.speed_note);
	if (res->status)
		goto write;
	if (!missing && r.opt_refused) {
		missing = r.opt_refused;
		r.opt_refused = NULL;
	}
	if (missing) {
		res->status = STATUS_NA;
		res->reason = missing;
		missing = NULL;
		goto write;
	}
	copts.disabled = s->disabled;
	/* Timing bounds widened by the scheduling delay measured meanwhile. */
	copts.slack_us = s->params.slack_ms * 1000 +
			 NOISE_SLACK_FACTOR * res->noise_p99_us;
	/* Slack and noise are this machine's, in real time: on a clock N
	 * times as fast they are worth N times as much. */
	copts.slack_us = run_real_us(&r, copts.slack_us);
	r.hist = history_sort(r.hist, &r.lines);
	check_history(r.hist, &copts, &verdicts);
	outside = damage_outside_check(&r.dmg);
	/* `within` bounds get the slack the checkers' bounds get */
	expect_check(s, r.hist, outside, copts.slack_us,
		     &verdicts, &fails);
	free(outside);
	fails = jv_array_concat(jv_copy(verdicts), fails);
	if (r.error)
		fails = jv_array_append(fails, expect_failure("harness", 0, -1, "%s",
						       r.error));
	if (r.await_error)
		fails = jv_array_append(fails, expect_failure("await", 0, -1,
							      "%s",
							      r.await_error));
	if (r.fault_error)
		fails = jv_array_append(fails,
					expect_failure("fault", 0, -1,
						"fault did not take: %s",
						r.fault_error));
	/* Every failure goes into the history as a verdict event, the
	 * expectations' too: the timeline shows the list the result has. */
	for (i = 0; i < jv_array_length(jv_copy(fails)); i++) {
		jv f = jv_array_get(jv_copy(fails), i);

		f = jv_object_set(f, jv_string("type"), jv_string("verdict"));
		f = jv_object_set(f, jv_string("ok"), jv_false());
		history_append(&r, f);
	}
	nfail = (size_t)jv_array_length(jv_copy(fails));
	res->status = r.error	     ? STATUS_ERROR
		      : nfail	     ? STATUS_FAIL
				     : STATUS_PASS;
	if (nfail) {
		jv f = jv_array_get(jv_copy(fails), 0);
		char c[64], m[1024];

		res->reason = xasprintf("%s: %s%s", jvx_str(f, "checker", c,
							  sizeof(c)),
					jvx_str(f, "msg", m, sizeof(m)),
					nfail > 1 ? " (and more)" : "");
		jv_free(f);
	}
	jv_free(res->failures);
	res->failures = fails;
	fails = jv_array();
	res->recovery_ms = result_recovery_ms(r.hist);
	if (nfail) {
		char starved[256];
		int cause = check_starved_hold(r.hist, starved, sizeof(starved));

		res->starved_cause = cause;
		if (cause)
			res->starved = xasprintf(
			    "%s: %s",
			    cause == CHECK_STARVED_CPU
				    ? (strstr(starved, "or the disk")
					       ? "for want of a CPU or the disk"
					       : "for want of a CPU")
				    : cause == CHECK_STARVED_DYING
					      ? "as the machine was slow to end a killed holder"
					      : "as the machine stalled its holder",
			    starved);
	}
write:
	if (!res->status)
		res->status = STATUS_ERROR;
	/* The verdict, computed once, closes the history: every report
	 * (the timeline included) shows this one. A run that ended before
	 * its first event keeps an empty history (nothing to draw). */
	if (jv_array_length(jv_copy(r.hist)) > 0) {
		jv ev = ev_str(ev_new("result", "harness"), "status",
			       res->status);

		ev = ev_str(ev, "reason", res->reason ? res->reason : "");
		ev = ev_num(ev, "failures",
			    jv_array_length(jv_copy(res->failures)));
		ev = ev_num(ev, "t", r.t0 ? (double)run_now(&r) : 0);
		history_append(&r, ev);
	}
	if (r.hist_fp) {
		fclose(r.hist_fp);
		r.hist_fp = NULL;
	}
	path = xasprintf("%s/history.jsonl", o->report_dir);
	history_write(path, r.hist, &r.lines);
	free(path);
	jv_free(res->hist);
	res->hist = jv_copy(r.hist);
	if (r.scratch && o->keep_scratch && strcmp(res->status, STATUS_PASS) &&
	    strcmp(res->status, STATUS_NA))
		res->scratch = xstrdup(r.scratch);
	else if (r.dir)
		remove_tree(r.scratch);
	path = xasprintf("%s/result.json", o->report_dir);
	{
		jv out = run_result_json(res);
		jv sdump = jv_dump_string(out, JV_PRINT_PRETTY);

		rc = write_file(path, jv_string_value(sdump),
				strlen(jv_string_value(sdump)));
		jv_free(sdump);
	}
	free(path);
	for (i = 0; i < r.nh; i++) {
		jv_free(r.h[i].caps);
		jv_free(r.h[i].na);
		jv_free(r.h[i].opts);
		jv_free(r.h[i].failpoints);
		free(r.h[i].hello_error);
		free(r.h[i].impl);
		free(r.h[i].out.buf);
		free(r.h[i].err.buf);
		free(r.h[i].in.buf);
		free(r.h[i].sched_seen);
		free(r.h[i].err_last);
	}
	if (r.chld_fd >= 0)
		close(r.chld_fd);
	if (r.ep_fd >= 0)
		close(r.ep_fd);
	watch_close(&r);
	free(r.h);
	name_index_clear(&r.h_index);
	free(r.ns);
	free(r.p);
	free(r.deadline_cpu);
	if (r.self_stat_fd >= 0)
		close(r.self_stat_fd);
	free(r.scratch);
	free(r.dir);
	free(r.error);
	free(r.fault_error);
	free(r.await_error);
	free(r.opt_refused);
	free(r.speed_preload);
	free(r.speed_note);
	free(why);
	free(missing);
	damage_clear(&r.dmg);
	noise_clear(&noise);
	jv_free(r.hist);
	history_lines_clear(&r.lines);
	jv_free(verdicts);
	jv_free(fails);
	return rc ? -1 : 0;
}

