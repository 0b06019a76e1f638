/*
 * conformance.c - check-holder's profile of real scenarios, each tied to a
 * rule of docs/holder-protocol.md (conformance.h).
 *
 * Why: a holder can speak the protocol perfectly and still hold a lock
 * wrongly (a first-draft holder passed all 19 protocol checks and then
 * failed 48 of 94 catalog runs, issue 17). The protocol checks cannot see
 * the staleness rules; only scenarios can. The profile is the catalog's
 * own scenarios (so a holder meets nothing here it will not meet there),
 * plus scenarios/conformance/ for the two mistakes the catalog let through
 * (a future createdAt called stale, an empty file taken without grace).
 * Cost: about 20 short scenarios, 10 to 20 s with 2 jobs.
 */
#include "run/conformance.h"
#include "run/run.h"
#include "cli.h"
#include "lib/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The doc's rules, in its order (docs/holder-protocol.md, "What the
 * catalog expects of a lock" and the protocol rules before it). */
const struct conformance_rule conformance_rules[] = {
	{ "P1", "hello",
	  "one hello first, with proto 1, the holder's own pid, impl and caps" },
	{ "P2", "input", "bad input is answered with an error event; the "
			 "holder carries on" },
	{ "P3", "outcomes",
	  "one ok or fail per command; acquired only once the payload is "
	  "written, released only once the file is gone or no longer ours" },
	{ "P4", "framing",
	  "one JSON object a line, t in CLOCK_MONOTONIC microseconds, "
	  "within the bounds" },
	{ "P5", "exit", "exit ends the process at once with the code asked, "
			"releasing nothing" },
	{ "L1", "exclusion",
	  "a live owner's lock within its maxHoldMs is never taken; a "
	  "contender times out with `session file locked (timeout Nms): "
	  "pid=P PATH`" },
	{ "L2", "dead-owner",
	  "a dead owner's lock (no such pid, a zombie, or a pid whose "
	  "start time differs: recycled) is reclaimed at the next poll" },
	{ "L3", "hold-bound",
	  "a live owner's lock older than the maxHoldMs in its payload is "
	  "reclaimed (hold-exceeded)" },
	{ "L4", "age",
	  "a lock's age comes from createdAt, or from the file's mtime when "
	  "createdAt is missing, unparsable or in the future; from bootMs "
	  "(CLOCK_BOOTTIME) when its bootId is this boot's" },
	{ "L5", "grace",
	  "an empty or unparsable lock file is stale only once its mtime is "
	  "older than graceMs, then at once" },
	{ "L6", "pid-bounds",
	  "a pid that is not a whole number in 1..4194304 makes the payload "
	  "unparsable (L5); it never reaches kill()" },
	{ "L7", "not-regular",
	  "a directory, symlink or FIFO at the lock path is never followed, "
	  "opened through or deleted; the contender warns and times out" },
	{ "L8", "remove-if-unchanged",
	  "a stale lock is removed only if it is still the file judged "
	  "(same inode and bytes), so two reclaimers never both win" },
	{ "L9", "warn",
	  "every reclaim logs a WARN naming the reason's word; every refused "
	  "message a WARN or ERROR naming its msg id" },
	{ "L10", "release",
	  "release is always reached, even when cleanup steps fail, and "
	  "removes the lock file only while it is still ours" },
	{ "L11", "fencing",
	  "a holder whose lock was taken over writes nothing (fencing)" },
	{ "L12", "lanes",
	  "lanes of one process exclude each other; a lane that times out "
	  "releases its lock" },
	{ "L13", "transcript",
	  "one whole line per message, after a torn tail too; ok only when "
	  "the line is there, never a line for a refused message" },
	{ "L14", "timing",
	  "a contender polls every pollMs and gives up at timeoutMs; a free "
	  "or reclaimable lock is taken within a poll" },
	{ NULL, NULL, NULL },
};

/* The profile. Short scenarios only: the whole profile is a few seconds
 * a job. Lanes and the watchdog scenarios are n/a for holders without. */
const struct conformance_case conformance_cases[] = {
	{ "races/two-processes-alternate.scn", "L1" },
	{ "badinput/foreign-live.scn", "L1" },
	{ "seeds/002-sigkill.scn", "L2" },
	{ "badinput/dead-owner.scn", "L2" },
	{ "seeds/002-recycled-pid.scn", "L2" },
	/* another container's pid 7: pidNs (every kit's toy failed it) */
	{ "faults/containers-pid7-live.scn", "L2" },
	{ "badinput/ancient-created.scn", "L3" },
	{ "seeds/004-blocked-loop.scn", "L3" },
	{ "badinput/future-created.scn", "L4" },
	{ "conformance/future-created-fresh.scn", "L4" },
	{ "badinput/bad-date.scn", "L4" },
	/* a contender's wall clock 2 h fast: age by bootMs on this boot */
	{ "time/skew-contender-fast.scn", "L4" },
	{ "badinput/empty-old.scn", "L5" },
	{ "conformance/empty-fresh.scn", "L5" },
	{ "badinput/truncated-fresh.scn", "L5" },
	{ "badinput/pid-zero.scn", "L6" },
	{ "badinput/pid-huge.scn", "L6" },
	{ "badinput/directory.scn", "L7" },
	{ "badinput/symlink.scn", "L7" },
	{ "seeds/001-cleanup-cron-takeover.scn", "L11" },
	{ "races/reentrant-after-takeover.scn", "L11" },
	{ "badinput/torn-transcript.scn", "L13" },
	{ "races/two-lanes.scn", "L12" },
	{ "seeds/003-lane-timeout.scn", "L12" },
	{ NULL, NULL },
};

/* What each checker's failure stands for, when it is not the case's own
 * rule (an `expect` or `assert jq` is always the case's rule). */
static const struct {
	const char *checker, *rule;
} checker_rules[] = {
	{ "protocol", "P3" },	{ "visibility", "L9" },
	{ "leak", "L10" },	{ "mutex", "L1" },
	{ "integrity", "L13" }, { "no-silent-drop", "L13" },
};

const struct conformance_rule *conformance_rule(const char *id)
{
	int i;

	for (i = 0; id && conformance_rules[i].id; i++)
		if (!strcmp(conformance_rules[i].id, id))
			return &conformance_rules[i];
	return NULL;
}

static const char *checker_rule(const char *checker)
{
	size_t i;

	for (i = 0; i < sizeof(checker_rules) / sizeof(checker_rules[0]); i++)
		if (!strcmp(checker_rules[i].checker, checker))
			return checker_rules[i].rule;
	return NULL;
}

char *conformance_catalog(void)
{
	char *root = cli_find_shipped(CLI_CATALOG, NULL);
	char *probe = root ? xasprintf("%s/%s", root, conformance_cases[0].path)
			   : NULL;
	struct stat st;

	if (probe && (stat(probe, &st) || !S_ISREG(st.st_mode))) {
		free(root);
		root = NULL;
	}
	free(probe);
	return root;
}

/* The sink that turns each scenario's result into a TAP line. */
struct conf_state {
	const char *catalog; /* to print paths relative to it */
	const char *cmd;     /* the holder as typed, for replay lines */
	int n, failed;
};

static const char *relative(const struct conf_state *st, const char *file)
{
	size_t l = strlen(st->catalog);

	if (!strncmp(file, st->catalog, l) && file[l] == '/')
		return file + l + 1;
	return file;
}

static const char *case_rule(const char *rel)
{
	int i;

	for (i = 0; conformance_cases[i].path; i++)
		if (!strcmp(conformance_cases[i].path, rel))
			return conformance_cases[i].rule;
	return NULL;
}

/* One line of text on a TAP comment, cut at `max` bytes. */
static void comment(const char *prefix, const char *text)
{
	fputs(prefix, stdout);
	fput_oneline(stdout, text, 600);
	putchar('\n');
}

static void say_rule(const char *what, const char *id)
{
	const struct conformance_rule *r = conformance_rule(id);

	if (r)
		printf("#   %s %s (%s): %s — docs/holder-protocol.md#%s\n", what,
		       r->id, r->anchor, r->text, r->id);
}

static void conf_item(struct report_sink *sink, const struct report_run *run,
		      const struct report_item *it)
{
	struct conf_state *st = sink->data;
	const struct run_result *r = it->res;
	const char *rel = relative(st, it->s->file);
	const char *rule = case_rule(rel);
	const struct conformance_rule *cr = conformance_rule(rule);
	const char *said[16];
	int nsaid = 0, i, k;

	st->n++;
	if (!strcmp(r->status, STATUS_PASS)) {
		printf("ok %d - %s %s: %s\n", st->n, rule, cr ? cr->anchor : "",
		       rel);
		return;
	}
	if (!strcmp(r->status, STATUS_NA) ||
	    !strcmp(r->status, STATUS_UNSUPPORTED)) {
		printf("ok %d - %s %s: %s # SKIP ", st->n, rule,
		       cr ? cr->anchor : "", rel);
		fput_oneline(stdout, r->reason ? r->reason : r->status, 300);
		putchar('\n');
		return;
	}
	st->failed++;
	printf("not ok %d - %s %s: %s (%s)\n", st->n, rule,
	       cr ? cr->anchor : "", rel, r->status);
	comment("#   scenario: ", it->s->title ? it->s->title : rel);
	if (!strcmp(r->status, STATUS_ERROR)) {
		comment("#   no verdict: ", r->reason ? r->reason : "");
	} else {
		say_rule("broke", rule);
		said[nsaid++] = rule;
	}
	for (i = 0; jv_get_kind(r->failures) == JV_KIND_ARRAY &&
		    i < jv_array_length(jv_copy(r->failures));
	     i++) {
		jv f = jv_array_get(jv_copy(r->failures), i);
		jv c = jv_object_get(jv_copy(f), jv_string("checker"));
		jv m = jv_object_get(jv_copy(f), jv_string("msg"));
		const char *cn = jv_get_kind(c) == JV_KIND_STRING
					 ? jv_string_value(c)
					 : "?";
		const char *also = checker_rule(cn);
		char *line = xasprintf(
		    "#   [%s] ", cn);

		comment(line,
			jv_get_kind(m) == JV_KIND_STRING ? jv_string_value(m)
							  : "");
		free(line);
		for (k = 0; also && k < nsaid; k++)
			if (!strcmp(said[k], also))
				also = NULL;
		if (also && nsaid < (int)(sizeof(said) / sizeof(said[0]))) {
			say_rule("also broke", also);
			said[nsaid++] = also;
		}
		jv_free(c);
		jv_free(m);
		jv_free(f);
	}
	printf("#   replay: lockchaos run --holder '%s' %s\n", st->cmd,
	       it->s->file);
	(void)run;
}

int conformance_run(char **argv, const char *cmd, const char *catalog,
		    const char *rule, const char *tmp, int jobs, uint64_t seed, int *n,
		    int *failed)
{
	struct conf_state st = { catalog, cmd, *n, 0 };
	struct report_sink sink = { .item = conf_item, .data = &st };
	struct report_sink *sinks[] = { &sink, NULL };
	struct scenario_list l = { 0 };
	struct report_totals t;
	struct run_config cfg;
	char **paths, *report, *scratch;
	int i, nr, rc;

	for (i = nr = 0; conformance_cases[i].path; i++)
		;
	paths = xcalloc((size_t)i + 1, sizeof(*paths));
	for (i = 0; conformance_cases[i].path; i++)
		if (!rule || !strcmp(conformance_cases[i].rule, rule))
			paths[nr++] = xasprintf("%s/%s", catalog,
						conformance_cases[i].path);
	if (!nr) {
		printf("# conformance profile: no scenario checks %s (the "
		       "protocol checks above do)\n",
		       rule);
		free(paths);
		return 0;
	}
	rc = scenario_list_load(&l, paths, nr);
	for (i = 0; i < nr; i++)
		free(paths[i]);
	free(paths);
	if (rc) {
		printf("not ok %d - the conformance profile loads from '%s'\n",
		       ++*n, catalog);
		++*failed;
		scenario_list_clear(&l);
		return -1;
	}
	/* the report outside `tmp`, which the caller removes: it is kept
	 * when a scenario failed, for its history and timeline (beside the
	 * soak a toy lock's steal under load could not be looked at) */
	report = xasprintf("%s/lockchaos-check-holder-XXXXXX",
			   getenv("TMPDIR") && *getenv("TMPDIR")
				   ? getenv("TMPDIR")
				   : "/tmp");
	scratch = xasprintf("%s/scratch", tmp);
	if (!mkdtemp(report) || mkdir(scratch, 0700)) {
		printf("not ok %d - conformance profile: cannot create '%s': "
		       "%s\n",
		       ++*n, report, strerror(errno));
		++*failed;
		rmdir(report); /* made, when it was the scratch that failed */
		free(report);
		free(scratch);
		scenario_list_clear(&l);
		return -1;
	}
	printf("# conformance profile: %d scenarios of %s, seed %llu\n", l.nr,
	       catalog, (unsigned long long)seed);
	fflush(stdout);
	cfg = (struct run_config){
		.holder_argv = argv,
		.holder = cmd,
		.report_dir = report,
		.seed = seed,
		.jobs = jobs,
		.want_pidns = 1,
		.quiet_tap = 1,
		.scratch_root = scratch,
	};
	run_scenarios(&l, &cfg, sinks, &t);
	*n = st.n;
	*failed += st.failed;
	if (st.failed)
		printf("# the conformance runs' reports, kept for the %d that "
		       "failed (history.jsonl, timeline.html): %s\n",
		       st.failed, report);
	else
		remove_tree(report);
	remove_tree(scratch);
	free(report);
	free(scratch);
	scenario_list_clear(&l);
	return 0;
}
