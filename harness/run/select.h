/*
 * select.h - which scenarios a command runs: --tag, --exclude-tag,
 * --filter (run, list, matrix), and which scenario runs one CI job of
 * several takes: --shard K/N (run).
 *
 * Tags are the words of a scenario's `tags` line. `--tag T` (repeatable)
 * keeps the scenarios that have any of the tags given; `--exclude-tag T`
 * (repeatable) then drops those that have any of those; `--filter REGEX`
 * (POSIX extended, repeatable: all must match) keeps those whose file path
 * or title it matches. A tag that no scenario under the paths has is an
 * error with the nearest tags ("did you mean"): a typo must not select
 * nothing and pass.
 *
 * A shard is a deterministic share of the scenario runs (each `repeat`
 * iteration is one run): the runs are dealt longest expected first to the
 * shard with the least expected time so far (ties: the lower shard, file
 * order), so N jobs given the same scenarios, selection and durations
 * split them the same way, and every run lands in exactly one shard.
 */
#ifndef LOCKCHAOS_SELECT_H
#define LOCKCHAOS_SELECT_H

#include <regex.h>
#include <stdint.h>

#include "run/run.h"

struct selection {
	char **tags;	/* --tag: any of them */
	int nr_tags, alloc_tags;
	char **exclude; /* --exclude-tag: none of them */
	int nr_exclude, alloc_exclude;
	regex_t *filters; /* --filter: all of them */
	char **filter_text;
	int nr_filters, alloc_filters;
};
#define SELECTION_INIT { 0 }

void selection_clear(struct selection *sel);

/* --tag T / --exclude-tag T: 0, or -1 after saying why (an empty tag). */
int selection_add_tag(struct selection *sel, const char *tag, int exclude);

/* --filter REGEX: 0, or -1 after saying why (regcomp's message). */
int selection_add_filter(struct selection *sel, const char *regex);

/* Whether any --tag, --exclude-tag or --filter was given. */
int selection_active(const struct selection *sel);

/* Whether scenario `s` is selected. */
int selection_match(const struct selection *sel, const struct scenario *s);

/*
 * Checks every tag of `sel` against the tags of `l`'s scenarios (an
 * unknown one: `lockchaos: --tag 'sed': no scenario has this tag (did you
 * mean: seed?)`), then removes the scenarios not selected from `l`
 * (cleared). 0; -1 after saying why (an unknown tag); -2 when nothing is
 * left (said too).
 */
int selection_apply(const struct selection *sel, struct scenario_list *l);

/*
 * --shard K/N: parses "K/N" (1 <= K <= N <= 1000) into *k, *n. 0, or -1
 * after saying why.
 */
int shard_parse(const char *text, int *k, int *n);

/*
 * The shard (1..n) of each of `nr` runs whose expected durations are
 * `expect_ms` (in file order): out[i]. Deterministic (see above).
 */
void shard_assign(const int64_t *expect_ms, int nr, int n, int *out);

#endif
