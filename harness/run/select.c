/*
 * select.c - scenario selection (--tag, --exclude-tag, --filter) and the
 * split of a run's scenario runs across CI jobs (--shard K/N); see
 * select.h.
 */
#include "run/select.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void selection_clear(struct selection *sel)
{
	int i;

	for (i = 0; i < sel->nr_tags; i++)
		free(sel->tags[i]);
	free(sel->tags);
	for (i = 0; i < sel->nr_exclude; i++)
		free(sel->exclude[i]);
	free(sel->exclude);
	for (i = 0; i < sel->nr_filters; i++) {
		regfree(&sel->filters[i]);
		free(sel->filter_text[i]);
	}
	free(sel->filters);
	free(sel->filter_text);
	memset(sel, 0, sizeof(*sel));
}

int selection_add_tag(struct selection *sel, const char *tag, int exclude)
{
	if (!*tag) {
		fprintf(stderr, "lockchaos: --%s: expected a tag\n",
			exclude ? "exclude-tag" : "tag");
		return -1;
	}
	if (exclude) {
		ALLOC_GROW(sel->exclude, (size_t)sel->nr_exclude + 1,
			   sel->alloc_exclude);
		sel->exclude[sel->nr_exclude++] = xstrdup(tag);
	} else {
		ALLOC_GROW(sel->tags, (size_t)sel->nr_tags + 1,
			   sel->alloc_tags);
		sel->tags[sel->nr_tags++] = xstrdup(tag);
	}
	return 0;
}

int selection_add_filter(struct selection *sel, const char *regex)
{
	regex_t re;
	int rc = regcomp(&re, regex, REG_EXTENDED | REG_NOSUB);

	if (rc) {
		char why[256];

		regerror(rc, &re, why, sizeof(why));
		fprintf(stderr, "lockchaos: --filter '%s': not a regular "
				"expression: %s\n",
			regex, why);
		return -1;
	}
	/* Both arrays grow together: alloc_filters counts for both. */
	if ((size_t)sel->nr_filters + 1 > (size_t)sel->alloc_filters) {
		sel->alloc_filters = (sel->alloc_filters + 8) * 2;
		sel->filters = xrealloc(sel->filters,
					(size_t)sel->alloc_filters *
						sizeof(*sel->filters));
		sel->filter_text = xrealloc(sel->filter_text,
					    (size_t)sel->alloc_filters *
						    sizeof(*sel->filter_text));
	}
	sel->filters[sel->nr_filters] = re;
	sel->filter_text[sel->nr_filters++] = xstrdup(regex);
	return 0;
}

int selection_active(const struct selection *sel)
{
	return sel->nr_tags || sel->nr_exclude || sel->nr_filters;
}

static int has_tag(const struct scenario *s, const char *tag)
{
	int i;

	for (i = 0; i < s->nr_tags; i++)
		if (!strcmp(s->tags[i], tag))
			return 1;
	return 0;
}

int selection_match(const struct selection *sel, const struct scenario *s)
{
	int i, any = !sel->nr_tags;

	for (i = 0; i < sel->nr_tags && !any; i++)
		any = has_tag(s, sel->tags[i]);
	if (!any)
		return 0;
	for (i = 0; i < sel->nr_exclude; i++)
		if (has_tag(s, sel->exclude[i]))
			return 0;
	for (i = 0; i < sel->nr_filters; i++)
		if (regexec(&sel->filters[i], s->file, 0, NULL, 0) &&
		    (!s->title ||
		     regexec(&sel->filters[i], s->title, 0, NULL, 0)))
			return 0;
	return 1;
}

/* Every tag of the scenarios of `l`, once each, in first-seen order. */
static const char **all_tags(const struct scenario_list *l, int *nr)
{
	const char **names = NULL;
	int n = 0, alloc = 0, i, k, j;

	for (i = 0; i < l->nr; i++)
		for (k = 0; k < l->items[i].nr_tags; k++) {
			const char *t = l->items[i].tags[k];

			for (j = 0; j < n && strcmp(names[j], t); j++)
				;
			if (j < n)
				continue;
			ALLOC_GROW(names, (size_t)n + 1, alloc);
			names[n++] = t;
		}
	*nr = n;
	return names;
}

static int check_tags(char *const *tags, int nr, const char *opt,
		      const char **known, int nk)
{
	int i, j, rc = 0;

	for (i = 0; i < nr; i++) {
		char *near;

		for (j = 0; j < nk && strcmp(known[j], tags[i]); j++)
			;
		if (j < nk)
			continue;
		near = nearest_names(tags[i], known, (size_t)nk, 3);
		fprintf(stderr, "lockchaos: %s '%s': no scenario has this "
				"tag%s%s%s\n",
			opt, tags[i], near ? " (did you mean: " : "",
			near ? near : "", near ? "?)" : "");
		free(near);
		rc = -1;
	}
	return rc;
}

int selection_apply(const struct selection *sel, struct scenario_list *l)
{
	int nk, i, kept = 0, read = l->nr;
	const char **known = all_tags(l, &nk);
	int rc = check_tags(sel->tags, sel->nr_tags, "--tag", known, nk);

	if (check_tags(sel->exclude, sel->nr_exclude, "--exclude-tag", known,
		       nk))
		rc = -1;
	free(known);
	if (rc)
		return -1;
	for (i = 0; i < l->nr; i++) {
		if (selection_match(sel, &l->items[i]))
			l->items[kept++] = l->items[i];
		else
			scenario_clear(&l->items[i]);
	}
	l->nr = kept;
	if (!kept && read) {
		fprintf(stderr, "lockchaos: no scenario selected: %d read, "
				"none matches the --tag, --exclude-tag and "
				"--filter given\n",
			read);
		return -2;
	}
	return 0;
}

int shard_parse(const char *text, int *k, int *n)
{
	char *end;
	long a, b;

	a = strtol(text, &end, 10);
	if (end == text || *end != '/')
		goto bad;
	text = end + 1;
	b = strtol(text, &end, 10);
	if (end == text || *end || b < 1 || b > 1000 || a < 1 || a > b)
		goto bad;
	*k = (int)a;
	*n = (int)b;
	return 0;
bad:
	fprintf(stderr, "lockchaos: --shard: expected K/N with 1 <= K <= N "
			"<= 1000 (e.g. 2/4)\n");
	return -1;
}

static const int64_t *sort_ms;

/* Longest first; file order among equals. */
static int by_ms(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	if (sort_ms[x] != sort_ms[y])
		return sort_ms[x] > sort_ms[y] ? -1 : 1;
	return x - y;
}

void shard_assign(const int64_t *expect_ms, int nr, int n, int *out)
{
	int *order = xcalloc((size_t)nr + 1, sizeof(*order));
	int64_t *load = xcalloc((size_t)n, sizeof(*load));
	int i, s;

	for (i = 0; i < nr; i++)
		order[i] = i;
	sort_ms = expect_ms;
	qsort(order, (size_t)nr, sizeof(*order), by_ms);
	/* Longest processing time first: each run to the least loaded
	 * shard. Within 4/3 of the best split, and the same on every
	 * machine: it reads nothing but the expected durations. */
	for (i = 0; i < nr; i++) {
		int best = 0;

		for (s = 1; s < n; s++)
			if (load[s] < load[best])
				best = s;
		load[best] += expect_ms[order[i]] > 0 ? expect_ms[order[i]] : 1;
		out[order[i]] = best + 1;
	}
	free(load);
	free(order);
}
