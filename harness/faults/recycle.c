/*
 * recycle.c - `recycle H`: a dead holder's PID given to an unrelated,
 * living process, for real: in the run's private PID namespace, through
 * /proc/sys/kernel/ns_last_pid (sandbox_recycle). A lock that trusts a bare
 * pid now believes its dead owner alive. Needs the namespace: without one
 * the scenario is `unsupported`, never a silent pass.
 */
#include "faults/faults.h"
#include "run/run_internal.h"
#include "lib/util.h"

#include <stdlib.h>

static const struct fault_key recycle_keys[] = {
	{ .name = "holder", .kind = FAULT_ARG_HOLDER, .meta = "HOLDER",
	  .positional = 1, .help = "the holder, killed before" },
	{ .name = NULL },
};

static void recycle_inject(struct run *r, const struct scn_step *st)
{
	struct hstate *h = run_holder(r, st->holder);
	const struct pidns *ns = run_holder_ns(r, h);
	pid_t got = 0, outer;
	char *err = NULL;
	long long start;
	jv extra;

	if (!h->reaped) {
		run_set_error(&r->fault_error, "line %d: recycle %s: the "
					       "holder is still alive (kill it "
					       "first)",
			      st->line, h->decl->name);
		return;
	}
	if (sandbox_recycle(&r->sb, ns, h->inner, &got, &err)) {
		run_set_error(&r->fault_error, "line %d: recycle %s: %s",
			      st->line, h->decl->name, err);
		free(err);
		return;
	}
	outer = ns ? pidns_outer_pid(ns->ino, got) : got;
	start = outer ? proc_starttime(outer) : -1;
	if (got != h->inner || start < 0 || start == h->starttime) {
		run_set_error(&r->fault_error,
			      "line %d: recycle %s: wanted pid %d, got %d "
			      "(starttime %lld vs %lld)",
			      st->line, h->decl->name, (int)h->inner, (int)got,
			      start, h->starttime);
		return;
	}
	extra = ev_num(jv_object(), "pid", h->inner);
	extra = ev_num(extra, "impostorPid", got);
	extra = ev_num(extra, "holderStarttime", (double)h->starttime);
	extra = ev_num(extra, "impostorStarttime", (double)start);
	if (ns)
		extra = ev_num(extra, "impostorOuterPid", outer);
	run_fault_record(r, st, extra);
}

static char *recycle_describe(jv ev, int brief)
{
	const char *target = fault_ev_str(ev, "target");
	double pid = fault_ev_num(ev, "pid", -1);
	double imp = fault_ev_num(ev, "impostorPid", -1);

	if (brief)
		return xasprintf("PID %.0f recycled", pid >= 0 ? pid : imp);
	return xasprintf("%s's PID %.0f given to an unrelated process (pid "
			 "%.0f)",
			 target ? target : "?", pid, imp);
}

const struct fault fault_recycle = {
	.name = "recycle",
	.keys = recycle_keys,
	.synopsis = "HOLDER",
	.arity = "exactly one holder name",
	.help = "give a dead holder's PID to an unrelated process (needs a "
		"private PID namespace)",
	.needs = FAULT_NEEDS_PIDNS,
	.inject = recycle_inject,
	.fields = "pid, impostorPid, holderStarttime, impostorStarttime",
	.legend = "PID recycled",
	.glyph = "recycle",
	.svg = "<circle r=\"7\" fill=\"#fff\" stroke=\"#0f766e\" "
	       "stroke-width=\"2.2\"/><circle r=\"2.6\" fill=\"#0f766e\"/>",
	.describe = recycle_describe,
};
