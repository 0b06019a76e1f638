/*
 * conformance.h - check-holder's conformance profile: a short list of real
 * catalog scenarios, each tied to the rule of docs/holder-protocol.md
 * ("What the catalog expects of a lock", rules L1 ...) that it checks, run
 * against a holder the way `lockchaos run` runs them. A holder that passes
 * the protocol checks and breaks a lock rule is told which rule, in words,
 * before it meets the whole catalog.
 */
#ifndef LOCKCHAOS_CONFORMANCE_H
#define LOCKCHAOS_CONFORMANCE_H

#include <stdint.h>

/* One rule of docs/holder-protocol.md. */
struct conformance_rule {
	const char *id;	    /* "L5" */
	const char *anchor; /* the doc's heading anchor, "l5-grace-..." */
	const char *text;   /* the rule in one line */
};

/* The rule `id`, or NULL. The table is the doc's list of rules: the doc
 * and this table are kept in step by tests/t/check-holder-rules.sh. */
const struct conformance_rule *conformance_rule(const char *id);

/* Every rule, in order, ending with a NULL id. */
extern const struct conformance_rule conformance_rules[];

/* The profile: each scenario (relative to the catalog root) and the rule
 * it checks. Ending with a NULL path. */
struct conformance_case {
	const char *path;
	const char *rule;
};
extern const struct conformance_case conformance_cases[];

/*
 * The catalog folder that ships with this lockchaos (cli_find_shipped:
 * installed, or the build tree's). malloc'ed, or NULL when there is none
 * or it lacks the profile's first scenario.
 */
char *conformance_catalog(void);

/*
 * Runs the profile from `catalog` (only `rule`'s scenarios unless NULL) against the holder `argv` (`cmd` as the
 * user typed it, for the replay lines) with `jobs` workers, printing one
 * TAP line per scenario, numbered from *n + 1: ok (pass), ok # SKIP (the
 * holder lacks a capability the scenario needs, with its reason; or this
 * machine cannot inject the fault), or not ok naming the rule broken, the
 * other rules the failing checkers stand for, the reasons, and the command
 * that replays it. Adds to *n and *failed. Scratch and report folders go
 * under `tmp` and are removed. 0, or -1 when the profile could not be run
 * at all (said on stdout as a `not ok`).
 */
int conformance_run(char **argv, const char *cmd, const char *catalog,
		    const char *rule, const char *tmp, int jobs, uint64_t seed, int *n,
		    int *failed);

#endif
