/*
 * freeze.c - a holder alive but stuck: `freeze H` (SIGSTOP), `thaw H`
 * (SIGCONT), and the row of `spin`, a holder operation (its event loop
 * blocked) that the runner records as a fault.
 *
 * The kernel stops a process asynchronously: freeze and thaw check
 * /proc/PID/stat until the state took (200 ms at most), and say so when it
 * did not.
 */
#include "faults/faults.h"
#include "run/run_internal.h"
#include "lib/util.h"

#include <signal.h>
#include <unistd.h>

static const struct fault_key holder_only[] = {
	{ .name = "holder", .kind = FAULT_ARG_HOLDER, .meta = "HOLDER",
	  .positional = 1, .help = "the holder" },
	{ .name = NULL },
};

static void stop_or_continue(struct run *r, const struct scn_step *st,
			     int sig)
{
	struct hstate *h = run_holder(r, st->holder);
	int i;

	if (fault_send_signal(r, st, sig, jv_object()))
		return;
	for (i = 0; i < 100; i++) {
		char c = proc_state(h->spid);

		if ((sig == SIGSTOP) == (c == 'T' || c == 't'))
			break;
		usleep(2000);
	}
	if (i == 100)
		run_set_error(&r->fault_error, "line %d: %s %s did not take",
			      st->line, st->fault->name, h->decl->name);
	h->frozen = sig == SIGSTOP;
}

static void freeze_inject(struct run *r, const struct scn_step *st)
{
	stop_or_continue(r, st, SIGSTOP);
}

static void thaw_inject(struct run *r, const struct scn_step *st)
{
	stop_or_continue(r, st, SIGCONT);
}

static char *freeze_describe(jv ev, int brief)
{
	const char *target = fault_ev_str(ev, "target");

	return brief ? xstrdup("freeze")
		     : xasprintf("harness froze %s (SIGSTOP): alive but stuck",
				 target ? target : "?");
}

static char *thaw_describe(jv ev, int brief)
{
	const char *target = fault_ev_str(ev, "target");

	return brief ? xstrdup("thaw")
		     : xasprintf("harness thawed %s (SIGCONT)",
				 target ? target : "?");
}

const struct fault fault_freeze = {
	.name = "freeze",
	.keys = holder_only,
	.synopsis = "HOLDER",
	.arity = "exactly one holder name",
	.help = "SIGSTOP the holder: alive but stuck until thawed",
	.inject = freeze_inject,
	.fields = "signal, pid",
	.legend = "freeze (SIGSTOP)",
	.glyph = "freeze",
	.svg = "<rect x=\"-7\" y=\"-7\" width=\"14\" height=\"14\" rx=\"2\" "
	       "fill=\"#1d4ed8\"/><path d=\"M-2.5-4V4M2.5-4V4\" stroke=\"#fff\" "
	       "stroke-width=\"2.2\"/>",
	.describe = freeze_describe,
};

const struct fault fault_thaw = {
	.name = "thaw",
	.keys = holder_only,
	.synopsis = "HOLDER",
	.arity = "exactly one holder name",
	.help = "SIGCONT a frozen holder",
	.inject = thaw_inject,
	.fields = "signal, pid",
	.legend = "thaw (SIGCONT)",
	.glyph = "thaw",
	.svg = "<circle r=\"7.5\" fill=\"#1d4ed8\"/><path d=\"M-2.5-4L4.5 "
	       "0L-2.5 4Z\" fill=\"#fff\"/>",
	.describe = thaw_describe,
};

/* ---- spin: a holder operation, recorded as a fault ------------------------- */

static char *spin_describe(jv ev, int brief)
{
	const char *target = fault_ev_str(ev, "target");
	double ms = fault_ev_num(ev, "ms", 0);

	return brief ? xstrdup("spin")
		     : xasprintf("harness made %s spin (event loop blocked)%s",
				 target ? target : "?",
				 ms > 0 ? "" : " for good");
}

static const struct fault_key no_keys[] = { { .name = NULL } };

const struct fault fault_spin = {
	.name = "spin",
	.keys = no_keys,
	.synopsis = "",
	.help = "`H spin [ms=T]`: the holder's event loop blocked (an "
		"operation, not a statement of its own)",
	.inject = NULL,
	.fields = "",
	.legend = "spin injected",
	.glyph = "spinf",
	.svg = "<circle r=\"7.5\" fill=\"#c2410c\"/><path d=\"M0-4A4 4 0 1 "
	       "1-4 0\" stroke=\"#fff\" stroke-width=\"1.8\" fill=\"none\"/>"
	       "<path d=\"M-6.2 0.2L-4-2.6L-1.8 0.2Z\" fill=\"#fff\"/>",
	.describe = spin_describe,
};
