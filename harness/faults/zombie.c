/*
 * zombie.c - `zombie H` and `reap H`: a dead holder that its parent has not
 * reaped yet. It still answers kill(pid, 0) and keeps its pid (its
 * /proc/PID/stat says state Z), so a lock that judges liveness by
 * kill(pid, 0) alone believes it alive. `zombie` SIGKILLs the holder and
 * holds off waitpid for it (the run's pump skips it) until `reap`, or the
 * end of the run, which reaps everything.
 */
#include "faults/faults.h"
#include "run/run_internal.h"
#include "sandbox/supervise.h"
#include "lib/util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct fault_key zombie_keys[] = {
	{ .name = "holder", .kind = FAULT_ARG_HOLDER, .meta = "HOLDER",
	  .positional = 1, .help = "the holder" },
	{ .name = NULL },
};

static void zombie_inject(struct run *r, const struct scn_step *st)
{
	struct hstate *h = run_holder(r, st->holder);
	struct timespec ts = { 0, 5000000 };
	int i;

	if (!h->alive) {
		run_set_error(&r->fault_error,
			      "line %d: zombie %s: the holder is not running",
			      st->line, h->decl->name);
		return;
	}
	h->zombie = 1; /* before the death: the pump must not reap it */
	h->doomed = 1; /* the scenario ends it: its unanswered commands are
			  no protocol failure (found by lockchaos explore) */
	if (kill(h->proc.pid, SIGKILL)) {
		h->zombie = 0;
		run_set_error(&r->fault_error, "line %d: zombie %s: %s",
			      st->line, h->decl->name, strerror(errno));
		return;
	}
	/* 2 s at most for the kernel to make it a zombie. */
	for (i = 0; i < 400 && proc_state(h->spid) != 'Z'; i++)
		nanosleep(&ts, NULL);
	if (proc_state(h->spid) != 'Z') {
		run_set_error(&r->fault_error,
			      "line %d: zombie %s: not a zombie after 2 s "
			      "(state %c)",
			      st->line, h->decl->name, proc_state(h->spid));
		return;
	}
	h->alive = 0;
	h->frozen = h->spinning = 0;
	run_fault_record(r, st,
			 ev_str(ev_num(jv_object(), "pid", h->inner), "signal",
				strsignal(SIGKILL)));
}

static void reap_inject(struct run *r, const struct scn_step *st)
{
	struct hstate *h = run_holder(r, st->holder);

	if (!h->zombie || h->reaped) {
		run_set_error(&r->fault_error,
			      "line %d: reap %s: not a zombie (use `zombie %s` "
			      "first)",
			      st->line, h->decl->name, h->decl->name);
		return;
	}
	h->zombie = 0;
	r->reap_due = 1; /* its SIGCHLD came long ago */
	run_fault_record(r, st, ev_num(jv_object(), "pid", h->inner));
	/* The pump reaps it now, and records its exit. */
	run_pump(r, run_now(r) + run_real_us(r, 2000000), holder_gone, h);
	if (!h->reaped)
		run_set_error(&r->fault_error, "line %d: reap %s: not reaped "
					       "after 2 s",
			      st->line, h->decl->name);
}

static char *zombie_describe(jv ev, int brief)
{
	const char *target = fault_ev_str(ev, "target");

	return brief ? xstrdup("zombie")
		     : xasprintf("harness killed %s and keeps it unreaped (a "
				 "zombie: pid %.0f still answers kill(pid, 0))",
				 target ? target : "?",
				 fault_ev_num(ev, "pid", -1));
}

static char *reap_describe(jv ev, int brief)
{
	const char *target = fault_ev_str(ev, "target");

	return brief ? xstrdup("reaped")
		     : xasprintf("harness reaped the zombie %s (pid %.0f is "
				 "free now)",
				 target ? target : "?",
				 fault_ev_num(ev, "pid", -1));
}

const struct fault fault_zombie = {
	.name = "zombie",
	.keys = zombie_keys,
	.synopsis = "HOLDER",
	.arity = "exactly one holder name",
	.help = "SIGKILL the holder and keep it unreaped (a zombie) until "
		"`reap`",
	.inject = zombie_inject,
	.fields = "signal, pid",
	.ends_target = 1,
	.legend = "killed, left a zombie",
	.glyph = "zombie",
	.svg = "<circle r=\"7.5\" fill=\"#6b7280\"/><path d=\"M-3.5-3.5L3.5 "
	       "3.5M3.5-3.5L-3.5 3.5\" stroke=\"#fff\" stroke-width=\"2\"/>",
	.describe = zombie_describe,
};

const struct fault fault_reap = {
	.name = "reap",
	.keys = zombie_keys,
	.synopsis = "HOLDER",
	.arity = "exactly one holder name",
	.help = "reap a zombie holder: its pid is free from then on",
	.inject = reap_inject,
	.fields = "pid",
	.legend = "zombie reaped",
	.glyph = "reap",
	.svg = "<circle r=\"6.5\" fill=\"#fff\" stroke=\"#6b7280\" "
	       "stroke-width=\"2.2\"/>",
	.describe = reap_describe,
};
