/*
 * merge_matrix.c - `lockchaos merge` of the reports of N `matrix --shard
 * K/N` jobs (merge.h): each column merged as run shards are, then the
 * matrix gate over the whole (matrix.h).
 */
#include "run/known.h"
#include "run/matrix.h"
#include "run/merge.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <errno.h>
#include <jv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUMMARY_MAX (64 << 20)

static jv load_summary(const char *dir)
{
	char *path = xasprintf("%s/summary.json", dir);
	jv sum = jvx_load(path, SUMMARY_MAX);

	free(path);
	return sum;
}

int merge_is_matrix(char *const dirs[], int n)
{
	int i, nm = 0;

	for (i = 0; i < n; i++) {
		jv sum = load_summary(dirs[i]);
		jv mx = jv_get_kind(sum) == JV_KIND_OBJECT ? jvx_get(sum, "matrix")
							  : jv_invalid();

		nm += jv_get_kind(mx) == JV_KIND_OBJECT;
		jv_free(mx);
		jv_free(sum);
	}
	if (nm && nm != n) {
		fprintf(stderr, "lockchaos merge: some reports are matrix "
				"reports and some are not: merge the shards "
				"of one `matrix --shard K/N` split\n");
		return -1;
	}
	return nm > 0;
}

/* The column names of a matrix summary, as a jv array (consumed sum). */
static jv impls_of(jv sum)
{
	jv mx = jvx_get(sum, "matrix");
	jv impls = jvx_get(mx, "impls");

	jv_free(mx);
	jv_free(sum);
	return impls;
}

/* A column name that names one folder inside the report. */
static int safe_impl(const char *s)
{
	return *s && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/');
}

int merge_matrix(const char *out, char *const dirs[], int n,
		 const char *known_dir, int *gate)
{
	jv first = load_summary(dirs[0]), impls = impls_of(jv_copy(first));
	struct cli_holder *cols = NULL;
	struct matrix_plan m = { 0 };
	char **subs = NULL;
	uint64_t seed;
	int i, k, nh, rc = 0, jobs;

	*gate = 1;
	if (jv_get_kind(impls) != JV_KIND_ARRAY ||
	    !(nh = jv_array_length(jv_copy(impls)))) {
		fprintf(stderr, "lockchaos merge: '%s/summary.json': a matrix "
				"with no column\n",
			dirs[0]);
		rc = -1;
		goto out;
	}
	for (i = 0; i < n && !rc; i++) {
		jv sum = load_summary(dirs[i]), sh = jvx_get(sum, "shard");

		if (jv_get_kind(sh) != JV_KIND_OBJECT) {
			fprintf(stderr, "lockchaos merge: '%s' is a whole "
					"matrix, not a shard: only the shards "
					"of one `matrix --shard K/N` split "
					"merge\n",
				dirs[i]);
			rc = -1;
		} else if (!jv_equal(impls_of(jv_copy(sum)), jv_copy(impls))) {
			fprintf(stderr, "lockchaos merge: '%s' and '%s' have "
					"different columns: run every shard "
					"with the same --holder list\n",
				dirs[i], dirs[0]);
			rc = -1;
		}
		jv_free(sh);
		jv_free(sum);
	}
	if (rc)
		goto out;
	cols = xcalloc((size_t)nh, sizeof(*cols));
	subs = xcalloc((size_t)n + 1, sizeof(*subs));
	for (k = 0; k < nh; k++) {
		jv name = jv_array_get(jv_copy(impls), k);

		if (jv_get_kind(name) != JV_KIND_STRING ||
		    !safe_impl(jv_string_value(name))) {
			fprintf(stderr, "lockchaos merge: '%s/summary.json': "
					"column %d is not a folder name\n",
				dirs[0], k + 1);
			jv_free(name);
			rc = -1;
			goto out;
		}
		cols[k].name = xstrdup(jv_string_value(name));
		jv_free(name);
	}
	/* Each column: its N shard reports joined as `run` shards are. A
	 * misfit (a missing shard, two seeds) is found in the first
	 * column, before anything but its folder is written. */
	for (k = 0; k < nh && !rc; k++) {
		struct report_totals t;
		char *to = xasprintf("%s/%s", out, cols[k].name);
		int r;

		for (i = 0; i < n; i++)
			subs[i] = xasprintf("%s/%s", dirs[i], cols[k].name);
		if (mkdir(to, 0755) && errno != EEXIST) {
			fprintf(stderr, "lockchaos merge: cannot create '%s': "
					"%s\n",
				to, strerror(errno));
			rc = -2;
		} else if ((r = merge_reports(to, subs, n, &t))) {
			if (r == -1) {
				fprintf(stderr, "lockchaos merge: column '%s' "
						"does not merge (above)\n",
					cols[k].name);
				rmdir(to);
			}
			rc = r;
		}
		for (i = 0; i < n; i++) {
			free(subs[i]);
			subs[i] = NULL;
		}
		free(to);
	}
	if (rc)
		goto out;
	if (matrix_prepare(&m, cols, nh, known_dir)) {
		rc = -1;
		goto out;
	}
	seed = strtoull(jvx_cstr(first, "seed") ? jvx_cstr(first, "seed") : "0",
			NULL, 10);
	jobs = (int)jvx_num(first, "jobs", 0);
	printf("TAP version 13\n# lockchaos matrix: %d implementation(s), "
	       "seed %llu, merged from %d shard(s)\n",
	       nh, (unsigned long long)seed, n);
	for (k = 0; k < nh; k++)
		printf("# %s: %s\n", cols[k].name,
		       m.known[k].path ? m.known[k].path
				       : "no known findings: every FAIL counts");
	*gate = matrix_gate(&m, out, seed, jobs, 0);
out:
	matrix_plan_clear(&m);
	for (k = 0; cols && k < nh; k++)
		free(cols[k].name);
	free(cols);
	free(subs);
	jv_free(impls);
	jv_free(first);
	return rc;
}
