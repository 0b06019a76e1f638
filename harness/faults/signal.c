/*
 * signal.c - signals that end a holder, or may: `kill H` (SIGKILL),
 * `term H` (SIGTERM), and `signal H SIG` for any signal by name.
 *
 * kill waits (2 s at most) for the death, so that the next step sees it.
 * term and signal do not wait: whether the holder dies depends on how it
 * handles the signal, and its death, if any, is the history's `exit` event.
 * `signal` leaves out the stop and continue signals (STOP, CONT, TSTP,
 * TTIN, TTOU): freeze and thaw do that, and the checkers know what a
 * frozen holder is. Before a signal whose default action dumps core the
 * holder's core size limit is set to 0, so that nothing is written outside
 * the scratch folder by a core_pattern.
 */
#include "faults/faults.h"
#include "run/run_internal.h"
#include "lib/util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

int fault_send_signal(struct run *r, const struct scn_step *st, int sig,
		      jv extra)
{
	struct hstate *h = run_holder(r, st->holder);
	const char *name = st->fault->name;

	if (!h->alive) {
		run_set_error(&r->fault_error, "line %d: %s %s: the holder is "
					       "not running",
			      st->line, name, h->decl->name);
		jv_free(extra);
		return -1;
	}
	if (kill(h->proc.pid, sig)) {
		run_set_error(&r->fault_error, "line %d: %s %s: %s", st->line,
			      name, h->decl->name, strerror(errno));
		jv_free(extra);
		return -1;
	}
	if (sig != SIGSTOP && sig != SIGCONT)
		h->doomed = 1;
	extra = jv_object_merge(ev_num(ev_str(jv_object(), "signal",
					      strsignal(sig)),
				       "pid", h->inner),
				extra);
	run_fault_record(r, st, extra);
	return 0;
}

/* Waits for the target's death, so that what follows sees it: 10 s at
 * most, since a process dies when the kernel gets to it (a SIGHUP took
 * 1.4 s under stress-ng, and a SIGKILL to a holder stopped inside a 2 s
 * jitter sleep over 2 s); the checkers count from its reap (recovery.c).
 * One exiting by then (PF_EXITING, or a zombie: only the kernel's teardown
 * is left) is waited for up to DEATH_EXITING_S in all: beside the soak a
 * SIGKILLed Node holder was still in its teardown after 10 s, and the
 * fault was called one that did not take. So is one blocked in the kernel
 * (D: it dies when its fsync or page fault ends). */
enum { DEATH_S = 10, DEATH_EXITING_S = 100 };

static void await_death(struct run *r, const struct scn_step *st)
{
	struct hstate *h = run_holder(r, st->holder);
	int64_t start = mono_us();

	run_pump(r, run_now(r) + run_real_us(r, DEATH_S * 1000000LL),
		 holder_gone, h);
	/* exiting, or blocked in the kernel (D: the kill is acted on when
	 * its fsync or page fault ends) */
	while (!h->reaped && (holder_exiting(h) || sched_in_kernel(h)) &&
	       mono_us() - start < DEATH_EXITING_S * 1000000LL)
		run_pump(r, run_now(r) + run_real_us(r, 1000000), holder_gone,
			 h);
	/* the kernel's time, not the scenario's: the deadline absorbs it
	 * (deadline_widen) */
	r->death_wait += run_real_us(r, mono_us() - start);
	if (!h->reaped)
		run_set_error(&r->fault_error,
			      "line %d: %s %s: still %s after %lld s", st->line,
			      st->fault->name, h->decl->name,
			      holder_exiting(h) ? "exiting" : "alive",
			      (long long)((mono_us() - start) / 1000000));
}

static const struct fault_key holder_only[] = {
	{ .name = "holder", .kind = FAULT_ARG_HOLDER, .meta = "HOLDER",
	  .positional = 1, .help = "the holder" },
	{ .name = NULL },
};

/* ---- kill ------------------------------------------------------------------ */

static void kill_inject(struct run *r, const struct scn_step *st)
{
	if (!fault_send_signal(r, st, SIGKILL, jv_object()))
		await_death(r, st);
}

/* "SIGKILL", or "harness sent SIGKILL to A": kill and term alike. */
static char *sent_describe(jv ev, int brief, const char *sig)
{
	const char *target = fault_ev_str(ev, "target");

	return brief ? xstrdup(sig)
		     : xasprintf("harness sent %s to %s", sig,
				 target ? target : "?");
}

static char *kill_describe(jv ev, int brief)
{
	return sent_describe(ev, brief, "SIGKILL");
}

const struct fault fault_kill = {
	.name = "kill",
	.keys = holder_only,
	.synopsis = "HOLDER",
	.arity = "exactly one holder name",
	.help = "SIGKILL the holder and wait for its death",
	.inject = kill_inject,
	.fields = "signal, pid",
	.ends_target = 1,
	.legend = "SIGKILL",
	.glyph = "kill",
	.svg = "<circle r=\"7.5\" fill=\"#b42318\"/><path d=\"M-3.5-3.5L3.5 "
	       "3.5M3.5-3.5L-3.5 3.5\" stroke=\"#fff\" stroke-width=\"2\"/>",
	.describe = kill_describe,
};

/* ---- term ------------------------------------------------------------------ */

static void term_inject(struct run *r, const struct scn_step *st)
{
	fault_send_signal(r, st, SIGTERM, jv_object());
}

static char *term_describe(jv ev, int brief)
{
	return sent_describe(ev, brief, "SIGTERM");
}

const struct fault fault_term = {
	.name = "term",
	.keys = holder_only,
	.synopsis = "HOLDER",
	.arity = "exactly one holder name",
	.help = "SIGTERM the holder (it may handle it; its exit is recorded)",
	.inject = term_inject,
	.fields = "signal, pid",
	.ends_target = 1,
	.legend = "SIGTERM",
	.glyph = "term",
	.svg = "<path d=\"M-3.1-7.5H3.1L7.5-3.1V3.1L3.1 7.5H-3.1L-7.5 3.1V-3.1Z"
	       "\" fill=\"#e8590c\"/><path d=\"M-3.5 0H3.5\" stroke=\"#fff\" "
	       "stroke-width=\"2.2\"/>",
	.describe = term_describe,
};

/* ---- signal ---------------------------------------------------------------- */

/* By name, without SIG; numbers from <signal.h>, so any architecture. */
static const char *const signal_names[] = {
	"HUP",	"INT",	"QUIT", "ILL",	  "TRAP", "ABRT",  "BUS",
	"FPE",	"KILL", "USR1", "SEGV",	  "USR2", "PIPE",  "ALRM",
	"TERM", "CHLD", "URG",	"XCPU",	  "XFSZ", "VTALRM", "PROF",
	"WINCH", "IO",	"PWR",	"SYS",	  NULL
};

static const int signal_numbers[] = {
	SIGHUP,	 SIGINT,  SIGQUIT, SIGILL,  SIGTRAP,   SIGABRT, SIGBUS,
	SIGFPE,	 SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2,   SIGPIPE, SIGALRM,
	SIGTERM, SIGCHLD, SIGURG,  SIGXCPU, SIGXFSZ,   SIGVTALRM, SIGPROF,
	SIGWINCH, SIGIO,  SIGPWR,  SIGSYS,
};

_Static_assert(sizeof(signal_numbers) / sizeof(signal_numbers[0]) + 1 ==
		       sizeof(signal_names) / sizeof(signal_names[0]),
	       "one number per signal name");

enum { SIGNAL_HOLDER, SIGNAL_SIG };

static const struct fault_key signal_keys[] = {
	[SIGNAL_HOLDER] = { .name = "holder", .kind = FAULT_ARG_HOLDER,
			    .meta = "HOLDER", .positional = 1,
			    .help = "the holder" },
	[SIGNAL_SIG] = { .name = "signal", .kind = FAULT_ARG_CHOICE,
			 .meta = "SIGNAL", .positional = 1,
			 .choices = signal_names,
			 .help = "the signal, by name without SIG" },
	{ .name = NULL },
};

static void signal_inject(struct run *r, const struct scn_step *st)
{
	const struct scn_arg *a = &st->args[SIGNAL_SIG];
	int sig = signal_numbers[a->num];
	struct hstate *h = run_holder(r, st->holder);
	struct rlimit none = { 0, 0 };
	char *name = xasprintf("SIG%s", a->str);
	jv extra = ev_str(jv_object(), "sig", name);

	free(name);
	/* Best effort: a holder that already exited is reported below. */
	if (h->alive)
		prlimit(h->proc.pid, RLIMIT_CORE, &none, NULL);
	if (!fault_send_signal(r, st, sig, extra) && sig == SIGKILL)
		await_death(r, st);
}

static char *signal_describe(jv ev, int brief)
{
	const char *target = fault_ev_str(ev, "target");
	const char *sig = fault_ev_str(ev, "sig");

	return brief ? xstrdup(sig ? sig : "signal")
		     : xasprintf("harness sent %s to %s", sig ? sig : "a signal",
				 target ? target : "?");
}

const struct fault fault_signal = {
	.name = "signal",
	.keys = signal_keys,
	.synopsis = "HOLDER SIGNAL",
	.arity = "a holder name and a signal",
	.help = "any signal by name; if the holder dies of it, its exit is "
		"recorded",
	.inject = signal_inject,
	.fields = "signal, sig, pid",
	.legend = "other signal",
	.glyph = "signal",
	.svg = "<path d=\"M-3.1-7.5H3.1L7.5-3.1V3.1L3.1 7.5H-3.1L-7.5 3.1V-3.1Z"
	       "\" fill=\"#fff\" stroke=\"#e8590c\" stroke-width=\"2\"/><path "
	       "d=\"M-4 1.5Q-2-3 0 0T4-1.5\" stroke=\"#e8590c\" "
	       "stroke-width=\"1.8\" fill=\"none\"/>",
	.describe = signal_describe,
};
