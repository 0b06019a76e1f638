/*
 * merge.c - `lockchaos merge`: shard reports joined into one (merge.h).
 */
#include "run/merge.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUMMARY_MAX (64 << 20)

/* A scenario folder name as report_dir_name and unique_dir make them: a
 * summary naming anything else ("../x", "a/b") is not followed. */
static int safe_dir_name(const char *d)
{
	const char *p;

	if (!d || !*d || !strcmp(d, ".") || !strcmp(d, ".."))
		return 0;
	for (p = d; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		      *p == '+' || *p == '-' || *p == '~'))
			return 0;
	return 1;
}

/* Copies the regular files of FROM into TO (made), one level: a scenario
 * folder holds files only. Anything else (a symlink, a FIFO) is left out.
 * 0, or -1 after saying why. */
static int copy_folder(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "lockchaos merge: cannot open '%s': %s\n", from,
			strerror(errno));
		return -1;
	}
	if (mkdir(to, 0755)) {
		fprintf(stderr, "lockchaos merge: cannot create '%s': %s\n", to,
			strerror(errno));
		closedir(d);
		return -1;
	}
	while ((de = readdir(d)) && !rc) {
		char *src, *dst, buf[65536];
		int in, out;
		ssize_t got;

		if (de->d_name[0] == '.')
			continue;
		src = xasprintf("%s/%s", from, de->d_name);
		dst = xasprintf("%s/%s", to, de->d_name);
		in = open_regular_at(AT_FDCWD, src, O_RDONLY, 0);
		if (in < 0) {
			free(src);
			free(dst);
			continue; /* not a regular file: not ours to copy */
		}
		out = open_regular_at(AT_FDCWD, dst,
				      O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (out < 0)
			rc = -1;
		while (!rc && (got = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)got) != got)
				rc = -1;
		if (rc || (out >= 0 && close(out)))
			fprintf(stderr, "lockchaos merge: cannot copy '%s' to "
					"'%s': %s\n",
				src, dst, strerror(errno));
		else
			out = -1;
		close(in);
		free(src);
		free(dst);
	}
	closedir(d);
	return rc;
}

static int has_shard(jv sum)
{
	jv sh = jvx_get(sum, "shard");
	int r = jv_get_kind(sh) == JV_KIND_OBJECT;

	jv_free(sh);
	return r;
}

static const char *seed_text(jv sum, char *buf, size_t size)
{
	char *w = jvx_words(sum, "seed");

	snprintf(buf, size, "%s", w ? w : "?");
	free(w);
	return buf;
}

/*
 * Checks the summaries fit together (merge.h). Shards: every summary has
 * `shard`, with one N, one seed and one run count, each K once, none
 * missing. Without shards: no scenario folder in two of them.
 */
static int check_fit(jv *sums, char *const dirs[], int n)
{
	int i, k, nr_shard = 0, want_n = 0, runs = 0, rc = 0;
	char seed0[64], seed[64];
	int *seen;

	for (i = 0; i < n; i++)
		nr_shard += has_shard(sums[i]);
	if (nr_shard && nr_shard != n) {
		fprintf(stderr, "lockchaos merge: some reports are shards "
				"(--shard K/N) and some are not: merge the "
				"shards of one split\n");
		return -1;
	}
	if (!nr_shard) {
		jv dirs_seen = jv_object();

		for (i = 0; i < n && !rc; i++) {
			jv scs = jvx_get(sums[i], "scenarios");

			jv_array_foreach(scs, j, sc) {
				const char *d = jvx_cstr(sc, "dir");

				if (d && jv_object_has(jv_copy(dirs_seen),
						       jv_string(d))) {
					fprintf(stderr, "lockchaos merge: "
							"'%s' is in two "
							"reports (%s): not "
							"shards of one run\n",
						d, dirs[i]);
					rc = -1;
				} else if (d) {
					dirs_seen = jv_object_set(
					    dirs_seen, jv_string(d), jv_true());
				}
				jv_free(sc);
			}
			jv_free(scs);
		}
		jv_free(dirs_seen);
		return rc;
	}
	seed_text(sums[0], seed0, sizeof(seed0));
	for (i = 0; i < n; i++) {
		jv sh = jvx_get(sums[i], "shard");
		int sn = (int)jvx_num(sh, "n", 0), sr = (int)jvx_num(sh, "runs", -1);

		jv_free(sh);
		if (!i) {
			want_n = sn;
			runs = sr;
		}
		if (sn != want_n || sr != runs) {
			fprintf(stderr, "lockchaos merge: '%s' is a shard of "
					"%d runs in %d shards, '%s' of %d in "
					"%d: not one split\n",
				dirs[i], sr, sn, dirs[0], runs, want_n);
			return -1;
		}
		if (strcmp(seed_text(sums[i], seed, sizeof(seed)), seed0)) {
			fprintf(stderr, "lockchaos merge: '%s' ran with seed "
					"%s, '%s' with %s: give every shard "
					"the same --seed\n",
				dirs[i], seed, dirs[0], seed0);
			return -1;
		}
	}
	if (want_n < 1 || want_n > 1000) {
		fprintf(stderr, "lockchaos merge: '%s': shard count %d out of "
				"range\n",
			dirs[0], want_n);
		return -1;
	}
	seen = xcalloc((size_t)want_n + 1, sizeof(*seen));
	for (i = 0; i < n; i++) {
		jv sh = jvx_get(sums[i], "shard");

		k = (int)jvx_num(sh, "k", 0);
		jv_free(sh);
		if (k < 1 || k > want_n || seen[k]) {
			fprintf(stderr, "lockchaos merge: '%s' is shard %d/%d, "
					"%s\n",
				dirs[i], k, want_n,
				k < 1 || k > want_n ? "out of range"
						    : "given twice");
			rc = -1;
			continue;
		}
		seen[k] = i + 1;
	}
	for (k = 1; k <= want_n && !rc; k++)
		if (!seen[k]) {
			fprintf(stderr, "lockchaos merge: shard %d/%d is "
					"missing (its runs would be counted "
					"as passed by no one)\n",
				k, want_n);
			rc = -1;
		}
	free(seen);
	return rc;
}

static int by_run(const void *a, const void *b)
{
	double x = jvx_num(*(const jv *)a, "run", 0);
	double y = jvx_num(*(const jv *)b, "run", 0);

	return x < y ? -1 : x > y;
}

/* Counts a scenario record as run.c's tally counts a result. */
static void tally_json(struct report_totals *t, jv sc)
{
	const char *st = jvx_cstr(sc, "status");

	if (!st)
		st = STATUS_ERROR;
	if (!strcmp(st, STATUS_PASS))
		t->passed++;
	else if (!strcmp(st, STATUS_NA))
		t->skipped++;
	else if (!strcmp(st, STATUS_UNSUPPORTED))
		t->unsupported++, t->skipped++;
	else if (!strcmp(st, STATUS_NOT_RUN))
		t->not_run++;
	else if (!strcmp(st, STATUS_ERROR))
		t->errors++, t->failed++;
	else
		t->failed++;
}

int merge_reports(const char *out, char *const dirs[], int n,
		  struct report_totals *t)
{
	jv *sums = xcalloc((size_t)n + 1, sizeof(*sums)), all = jv_array(), o;
	jv *items = NULL, parts = jv_array();
	int i, nr = 0, rc = 0;
	double wall = 0;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		char *path = xasprintf("%s/summary.json", dirs[i]);
		jv scs;

		sums[i] = jvx_load(path, SUMMARY_MAX);
		scs = jv_get_kind(sums[i]) == JV_KIND_OBJECT
			      ? jvx_get(sums[i], "scenarios")
			      : jv_invalid();
		if (jv_get_kind(scs) != JV_KIND_ARRAY) {
			fprintf(stderr, "lockchaos merge: '%s' is no report "
					"folder (no summary.json with a "
					"scenarios array)\n",
				dirs[i]);
			rc = -1;
		}
		jv_free(scs);
		free(path);
	}
	if (!rc)
		rc = check_fit(sums, dirs, n);
	for (i = 0; i < n && !rc; i++) {
		jv scs = jvx_get(sums[i], "scenarios"), part = jv_object();

		jv_array_foreach(scs, j, sc) {
			const char *d = jvx_cstr(sc, "dir");

			if (d && !safe_dir_name(d)) {
				fprintf(stderr, "lockchaos merge: '%s/"
						"summary.json': scenario "
						"folder '%s' is not a name "
						"lockchaos makes\n",
					dirs[i], d);
				rc = -1;
			}
			all = jv_array_append(all, sc);
		}
		jv_free(scs);
		if (jvx_num(sums[i], "durationMs", 0) > wall)
			wall = jvx_num(sums[i], "durationMs", 0);
		part = jv_object_set(part, jv_string("report"),
				     jv_string(dirs[i]));
		part = jv_object_set(part, jv_string("durationMs"),
				     jv_number(jvx_num(sums[i], "durationMs",
						       0)));
		part = jv_object_set(part, jv_string("shard"),
				     jvx_get(sums[i], "shard"));
		parts = jv_array_append(parts, part);
	}
	if (rc) {
		rc = -1;
		goto out;
	}
	/* The whole run's order: by run number (a shard's records carry
	 * theirs; reports without shards stay in the order given). */
	nr = jv_array_length(jv_copy(all));
	items = xcalloc((size_t)nr + 1, sizeof(*items));
	for (i = 0; i < nr; i++)
		items[i] = jv_array_get(jv_copy(all), i);
	if (has_shard(sums[0]))
		qsort(items, (size_t)nr, sizeof(*items), by_run);
	jv_free(all);
	all = jv_array();
	for (i = 0; i < nr; i++) {
		tally_json(t, items[i]);
		all = jv_array_append(all, items[i]);
	}
	/* Copy the scenario folders: the index links to their timelines. */
	for (i = 0; i < n && !rc; i++) {
		jv scs = jvx_get(sums[i], "scenarios");

		jv_array_foreach(scs, j, sc) {
			const char *d = jvx_cstr(sc, "dir");
			char *from, *to;
			struct stat st;

			if (d && !rc) {
				from = xasprintf("%s/%s", dirs[i], d);
				to = xasprintf("%s/%s", out, d);
				if (lstat(from, &st) == 0 && S_ISDIR(st.st_mode) &&
				    copy_folder(from, to))
					rc = -2;
				free(from);
				free(to);
			}
			jv_free(sc);
		}
		jv_free(scs);
	}
	t->duration_ms = (int64_t)wall;
	o = jv_copy(sums[0]);
	o = jv_object_delete(o, jv_string("shard"));
	o = jv_object_set(o, jv_string("passed"), jv_number(t->passed));
	o = jv_object_set(o, jv_string("failed"), jv_number(t->failed));
	o = jv_object_set(o, jv_string("skipped"), jv_number(t->skipped));
	o = jv_object_set(o, jv_string("notRun"), jv_number(t->not_run));
	o = jv_object_set(o, jv_string("durationMs"), jv_number(wall));
	o = jv_object_set(o, jv_string("merged"), parts);
	parts = jv_invalid();
	o = jv_object_set(o, jv_string("scenarios"), all);
	all = jv_invalid();
	if (junit_write(out, o))
		rc = -2;
	if (summary_write(out, o))
		rc = -2;
out:
	for (i = 0; i < n; i++)
		jv_free(sums[i]);
	free(sums);
	free(items);
	jv_free(all);
	jv_free(parts);
	return rc;
}
