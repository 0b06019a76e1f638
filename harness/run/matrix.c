#include "run/matrix.h"
#include "run/known.h"
#include "lib/jvx.h"
#include "report/report.h"
#include "lib/util.h"

#include <dirent.h>
#include <jv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Appends the NAME<TAB>COMMAND lines of one registry file to h[]. */
static void read_registry(const char *path, struct cli_holder **hp, int *np,
			  int *allocp)
{
	char *text = read_file(path, 1 << 16, NULL), *line, *nl;

	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		char *tab, *spec;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		tab = strchr(line, '\t');
		if (tab && line[0] != '#') {
			*tab = '\0';
			spec = xasprintf("%s=%s", line, tab + 1);
			ALLOC_GROW(*hp, (size_t)*np + 1, *allocp);
			if (!cli_holder_parse(&(*hp)[*np], spec, 1))
				(*np)++;
			free(spec);
		}
		if (!nl)
			break;
	}
	free(text);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The implementations a matrix runs when none is named: the reference, its
 * flock backend, then build/adapters/registry and every file in
 * build/adapters/registry.d/ (sorted by name), each NAME<TAB>COMMAND lines.
 * registry.d lets each adapter family write its own file, so building one
 * family never drops another's columns.
 */
static int registered(struct cli_holder **out)
{
	struct cli_holder *h = NULL;
	int n = 0, alloc = 0, found = 0;
	char *dir = exe_dir(), *reg, *regd;
	struct cli_holder def;
	DIR *d;

	if (cli_holder_default(&def)) {
		free(dir);
		return -1;
	}
	ALLOC_GROW(h, (size_t)n + 2, alloc);
	h[n] = def;
	{
		char *cmd = xasprintf("%s --impl flock", def.cmd);

		cli_holder_parse(&h[n + 1], cmd, 0);
		free(h[n + 1].name);
		h[n + 1].name = xstrdup("flock");
		free(cmd);
	}
	n += 2;
	reg = xasprintf("%s/adapters/registry", dir);
	if (access(reg, R_OK) == 0) {
		read_registry(reg, &h, &n, &alloc);
		found = 1;
	}
	regd = xasprintf("%s/adapters/registry.d", dir);
	d = opendir(regd);
	if (d) {
		struct dirent *de;
		char **names = NULL;
		int nn = 0, an = 0, i;

		while ((de = readdir(d)))
			if (de->d_name[0] != '.') {
				ALLOC_GROW(names, (size_t)nn + 1, an);
				names[nn++] = xstrdup(de->d_name);
			}
		closedir(d);
		if (nn)
			qsort(names, (size_t)nn, sizeof(*names), name_cmp);
		for (i = 0; i < nn; i++) {
			char *p = xasprintf("%s/%s", regd, names[i]);

			read_registry(p, &h, &n, &alloc);
			found = 1;
			free(p);
			free(names[i]);
		}
		free(names);
	}
	if (!found)
		fprintf(stderr, "lockchaos matrix: no '%s' nor '%s' (run `make "
				"adapters` for the other implementations' "
				"columns)\n",
			reg, regd);
	free(regd);
	free(reg);
	free(dir);
	*out = h;
	return n;
}

/* Markdown cell text: pipes and newlines would break the table. `gate` is
 * the cell's verdict for the gate: "known F4", "new", or "" (not a FAIL). */
static void md_cell(FILE *fp, const char *status, const char *reason,
		    const char *gate, double recovery)
{
	char clean[160];
	size_t i;

	snprintf(clean, sizeof(clean), "%s", reason);
	for (i = 0; clean[i]; i++)
		if (clean[i] == '|' || clean[i] == '\n')
			clean[i] = ' ';
	if (!strcmp(status, "pass"))
		fprintf(fp, " pass");
	else if (!strcmp(status, "na") || !strcmp(status, "unsupported"))
		fprintf(fp, " n/a: %s", clean);
	else if (!strcmp(status, "error"))
		fprintf(fp, " **ERROR** %s", clean);
	else
		fprintf(fp, " **FAIL**%s%s%s %s", *gate ? " (" : "", gate,
			*gate ? ")" : "", clean);
	if (recovery >= 0)
		fprintf(fp, " (%.0f ms)", recovery);
	fprintf(fp, " |");
}

/* "F4, F9" or "-": the findings of the entries of `file` that hit. */
static char *known_ids(const struct known_list *k, const char *file)
{
	char *out = NULL;
	int j;

	for (j = 0; j < k->nr; j++) {
		const struct known_entry *e = &k->items[j];
		char *o;

		if (!known_matches_file(e, file) ||
		    (out && strstr(out, e->finding)))
			continue;
		o = out ? xasprintf("%s, %s", out, e->finding)
			: xstrdup(e->finding);
		free(out);
		out = o;
	}
	return out ? out : xstrdup("-");
}

int matrix_prepare(struct matrix_plan *m, const struct cli_holder *given,
		   int nr_given, const char *known_dir)
{
	int i, rc = 0;

	memset(m, 0, sizeof(*m));
	m->hs = given;
	m->nh = nr_given;
	if (!m->nh) {
		m->nh = registered(&m->reg);
		if (m->nh < 0) {
			m->nh = 0;
			return -1;
		}
		m->hs = m->reg;
	}
	/* Every known-findings file is read before any holder starts: a bad
	 * line is a usage error, as a scenario syntax error is. */
	m->known = xcalloc((size_t)m->nh, sizeof(*m->known));
	for (i = 0; i < m->nh; i++)
		if (known_dir &&
		    known_load(&m->known[i], known_dir, m->hs[i].name))
			rc = -1;
	if (rc)
		fprintf(stderr, "lockchaos matrix: bad known-findings file; "
				"nothing was run\n");
	return rc;
}

void matrix_plan_clear(struct matrix_plan *m)
{
	int i;

	for (i = 0; m->known && i < m->nh; i++)
		known_clear(&m->known[i]);
	free(m->known);
	for (i = 0; m->reg && i < m->nh; i++)
		cli_holder_clear(&m->reg[i]);
	free(m->reg);
	for (i = 0; m->replays && i < m->nh; i++)
		free(m->replays[i]);
	free(m->replays);
	memset(m, 0, sizeof(*m));
}

int matrix_run(struct matrix_plan *m, const struct scenario_list *l,
	       const char *dir, uint64_t seed, int jobs, int want_pidns,
	       int verbose, const char *durations, int start_timeout_ms)
{
	struct run_config *cfgs;
	struct run_set *sets;
	struct report_sink **sinks;
	struct report_totals *totals;
	char **subs;
	const struct cli_holder *hs = m->hs;
	struct known_list *known = m->known;
	int nh = m->nh, i, rc = 0, interrupted = 0;

	printf("TAP version 13\n# lockchaos matrix: %d implementation(s), "
	       "seed %llu\n",
	       nh, (unsigned long long)seed);
	for (i = 0; i < nh; i++)
		printf("# %s: %s\n", hs[i].name,
		       known[i].path ? known[i].path
				     : "no known findings: every FAIL counts");
	for (i = 0; m->replays && i < nh; i++)
		printf("# %s: replay: %s\n", hs[i].name, m->replays[i]);
	/* Every column's runs in one pool: no column waits for the slowest
	 * scenario of the one before. */
	cfgs = xcalloc((size_t)nh, sizeof(*cfgs));
	sets = xcalloc((size_t)nh, sizeof(*sets));
	sinks = xcalloc((size_t)nh * 4, sizeof(*sinks));
	totals = xcalloc((size_t)nh, sizeof(*totals));
	subs = xcalloc((size_t)nh, sizeof(*subs));
	for (i = 0; i < nh; i++) {
		subs[i] = xasprintf("%s/%s", dir, hs[i].name);
		cfgs[i] = (struct run_config){
			.holder_argv = hs[i].argv,
			.holder = hs[i].cmd,
			.impl = hs[i].name,
			.replay = m->replays ? m->replays[i] : NULL,
			.report_dir = subs[i],
			.seed = seed,
			.jobs = jobs,
			.verbose = verbose,
			.want_pidns = want_pidns,
			.durations_from = durations,
			.start_timeout_ms = start_timeout_ms,
			.shard_k = m->shard_k,
			.shard_n = m->shard_n,
			.known = &known[i],
		};
		mkdir_p(subs[i], 0755);
		fprintf(stderr, "lockchaos matrix: %s (%s)\n", hs[i].name,
			hs[i].cmd);
		sinks[4 * i] = report_progress(stderr);
		sinks[4 * i + 1] = report_json();
		sinks[4 * i + 2] = report_junit();
		sinks[4 * i + 3] = NULL;
		sets[i] = (struct run_set){ &cfgs[i], &sinks[4 * i],
					    &totals[i] };
	}
	run_pool(l, sets, nh, jobs);
	for (i = 0; i < 4 * nh; i++)
		if (sinks[i])
			report_free(sinks[i]);
	for (i = 0; i < nh; i++)
		if (totals[i].interrupted)
			interrupted = totals[i].interrupted;
	for (i = 0; i < nh; i++)
		if (totals[i].write_errors) {
			fprintf(stderr, "lockchaos matrix: the report of %s "
					"is incomplete: %d file(s) could not "
					"be written\n",
				hs[i].name, totals[i].write_errors);
			rc = 1;
		}
	if (matrix_gate(m, dir, seed, jobs, interrupted))
		rc = 1;
	if (interrupted)
		rc = 128 + interrupted;
	for (i = 0; i < nh; i++)
		free(subs[i]);
	free(cfgs);
	free(sets);
	free(sinks);
	free(totals);
	free(subs);
	return rc;
}

int matrix_gate(struct matrix_plan *m, const char *dir, uint64_t seed,
		int jobs, int interrupted)
{
	const struct cli_holder *hs = m->hs;
	struct known_list *known = m->known;
	int nh = m->nh, i, k, rc = 0, tap_n = 0;
	jv impls = jv_array(), rows = jv_array(), all = jv_array();
	jv index = jv_object();
	int npass = 0, nfail = 0, nna = 0, nknown = 0, nnew = 0, nerr = 0;
	int nxpass = 0, cells_seen = 0;
	jv row_of = jv_object(), run_nr = jv_array();
	char *path;
	FILE *md;

	for (i = 0; i < nh; i++) {
		char *sub = xasprintf("%s/%s", dir, hs[i].name);
		struct known_list *kn = &known[i];
		jv summary, list;
		int j;

		impls = jv_array_append(impls, jv_string(hs[i].name));
		path = xasprintf("%s/summary.json", sub);
		summary = jvx_load(path, 64 << 20);
		free(path);
		list = jv_object_get(summary, jv_string("scenarios"));
		for (k = 0; jv_get_kind(list) == JV_KIND_ARRAY &&
			    k < jv_array_length(jv_copy(list));
		     k++) {
			jv sc = jv_array_get(jv_copy(list), k), row, cell;
			char st[32], reason[512], file[512], title[512], d[512];
			char *gate = xstrdup("");
			double rec;

			jvx_str(sc, "status", st, sizeof(st));
			jvx_str(sc, "reason", reason, sizeof(reason));
			jvx_str(sc, "file", file, sizeof(file));
			jvx_str(sc, "title", title, sizeof(title));
			jvx_str(sc, "dir", d, sizeof(d));
			{
				jv r = jv_object_get(jv_copy(sc),
						     jv_string("recoveryMs"));

				rec = jv_get_kind(r) == JV_KIND_NUMBER
					      ? jv_number_value(r)
					      : -1;
				jv_free(r);
			}
			/* The gate: a FAIL counts unless this column
			 * declared it; an ERROR (no verdict) always counts
			 * and is never called a FAIL. */
			if (!strcmp(st, "pass")) {
				known_saw(kn, file);
				printf("ok %d - %s: %s\n", ++tap_n,
				       hs[i].name, file);
				npass++;
			} else if (!strcmp(st, "na") ||
				   !strcmp(st, "unsupported")) {
				printf("ok %d - %s: %s # SKIP n/a: %s\n",
				       ++tap_n, hs[i].name, file, reason);
				nna++;
			} else if (!strcmp(st, STATUS_NOT_RUN)) {
				printf("ok %d - %s: %s # SKIP not run: %s\n",
				       ++tap_n, hs[i].name, file, reason);
			} else if (!strcmp(st, "error")) {
				printf("not ok %d - %s: %s # ERROR (no "
				       "verdict): %s\n",
				       ++tap_n, hs[i].name, file, reason);
				nerr++;
				rc = 1;
			} else {
				jv fl = jv_object_get(jv_copy(sc),
						      jv_string("failures"));
				char *unc = NULL;

				known_saw(kn, file);
				nfail++;
				if (known_covers(kn, file, fl, &unc)) {
					free(gate);
					gate = known_ids(kn, file);
					printf("not ok %d - %s: %s # TODO "
					       "known finding %s: %s\n",
					       ++tap_n, hs[i].name, file, gate,
					       reason);
					{
						char *g = xasprintf("known %s",
								    gate);

						free(gate);
						gate = g;
					}
					nknown++;
				} else {
					printf("not ok %d - %s: %s # FAIL, "
					       "not declared (%s): %s\n",
					       ++tap_n, hs[i].name, file, unc,
					       reason);
					free(gate);
					gate = xstrdup("new");
					nnew++;
					rc = 1;
				}
				free(unc);
				jv_free(fl);
			}
			cell = jv_object_set(jv_object(), jv_string("status"),
					     jv_string(st));
			cell = jv_object_set(cell, jv_string("reason"),
					     jv_string(reason));
			cell = jv_object_set(cell, jv_string("gate"),
					     jv_string(gate));
			cell = jv_object_set(cell, jv_string("recoveryMs"),
					     jv_number(rec));
			cell = jv_object_set(cell, jv_string("dir"),
					     jv_string_fmt("%s/%s",
							   hs[i].name, d));
			free(gate);
			/* Rows by scenario run folder: a shard's columns
			 * hold different runs, a row is made when first seen
			 * and the rows are put in the whole run's order. */
			{
				jv at = jv_object_get(jv_copy(row_of),
						      jv_string(d));
				int ri;

				if (jv_get_kind(at) != JV_KIND_NUMBER) {
					ri = jv_array_length(jv_copy(rows));
					row = jv_object_set(jv_object(),
							    jv_string("file"),
							    jv_string(file));
					row = jv_object_set(
					    row, jv_string("title"),
					    jv_string(title));
					row = jv_object_set(row, jv_string("dir"),
							    jv_string(d));
					row = jv_object_set(
					    row, jv_string("cells"),
					    jv_object());
					rows = jv_array_append(rows, row);
					run_nr = jv_array_append(
					    run_nr,
					    jv_number(jvx_num(sc, "run", ri)));
					row_of = jv_object_set(
					    row_of, jv_string(d),
					    jv_number(ri));
				} else {
					ri = (int)jv_number_value(at);
				}
				jv_free(at);
				row = jv_array_get(jv_copy(rows), ri);
				jv cells = jv_object_get(jv_copy(row),
							 jv_string("cells"));
				cells = jv_object_set(cells,
						      jv_string(hs[i].name),
						      cell);
				row = jv_object_set(row, jv_string("cells"),
						    cells);
				rows = jv_array_set(rows, ri, row);
				cells_seen++;
			}
			/* For the index: every run, linked into its folder. */
			sc = jv_object_set(sc, jv_string("dir"),
					   jv_string_fmt("%s/%s", hs[i].name,
							 d));
			sc = jv_object_set(sc, jv_string("title"),
					   jv_string_fmt("[%s] %s", hs[i].name,
							 title));
			all = jv_array_append(all, sc);
		}
		jv_free(list);
		free(sub);
		/* A declared finding whose scenario ran to a verdict and
		 * never failed that way: an upstream fix, or a scenario that
		 * lost its teeth. Either way somebody must look. */
		for (j = 0; j < kn->nr; j++) {
			const struct known_entry *e = &kn->items[j];

			/* A shard saw some of a scenario's runs: the merge,
			 * which sees them all, says whether it reproduces. */
			if (!e->seen || e->hits || e->flaky || interrupted ||
			    m->shard_n >= 2)
				continue;
			printf("not ok %d - %s: %s # known finding no longer "
			       "reproduces: %s %s %s (%s:%d)\n",
			       ++tap_n, hs[i].name, e->scenario, e->scenario,
			       e->checker, e->finding, kn->path, e->line);
			fprintf(stderr, "lockchaos matrix: known finding no "
					"longer reproduces: %s: %s %s %s "
					"(%s:%d)\n",
				hs[i].name, e->scenario, e->checker,
				e->finding, kn->path, e->line);
			nxpass++;
			rc = 1;
		}
	}
	printf("1..%d\n", tap_n);
	rows = jv_sort(rows, run_nr);
	jv_free(row_of);

	/* matrix.json and matrix.md */
	{
		jv mx = jv_object_set(jv_object(), jv_string("impls"),
				      jv_copy(impls));
		jv s;

		mx = jv_object_set(mx, jv_string("rows"), jv_copy(rows));
		s = jv_dump_string(jv_copy(mx), JV_PRINT_PRETTY);
		path = xasprintf("%s/matrix.json", dir);
		write_file(path, jv_string_value(s), strlen(jv_string_value(s)));
		free(path);
		jv_free(s);
		index = jv_object_set(index, jv_string("matrix"), mx);
	}
	path = xasprintf("%s/matrix.md", dir);
	md = fopen(path, "w");
	free(path);
	if (md) {
		fprintf(md, "| scenario |");
		for (i = 0; i < nh; i++)
			fprintf(md, " %s |", hs[i].name);
		fprintf(md, "\n|---|");
		for (i = 0; i < nh; i++)
			fprintf(md, "---|");
		fprintf(md, "\n");
		for (k = 0; k < jv_array_length(jv_copy(rows)); k++) {
			jv r = jv_array_get(jv_copy(rows), k);
			jv cells = jv_object_get(jv_copy(r), jv_string("cells"));
			char file[512];

			fprintf(md, "| `%s` |", jvx_str(r, "file", file,
						      sizeof(file)));
			for (i = 0; i < nh; i++) {
				jv c = jv_object_get(jv_copy(cells),
						     jv_string(hs[i].name));
				char st[32], reason[512], gate[128];
				jv rec;

				if (jv_get_kind(c) != JV_KIND_OBJECT) {
					fprintf(md, " - |");
					jv_free(c);
					continue;
				}
				rec = jv_object_get(jv_copy(c),
						    jv_string("recoveryMs"));
				md_cell(md, jvx_str(c, "status", st, sizeof(st)),
					jvx_str(c, "reason", reason,
					     sizeof(reason)),
					jvx_str(c, "gate", gate, sizeof(gate)),
					jv_get_kind(rec) == JV_KIND_NUMBER
						? jv_number_value(rec)
						: -1);
				jv_free(rec);
				jv_free(c);
			}
			fprintf(md, "\n");
			jv_free(cells);
			jv_free(r);
		}
		fclose(md);
	}
	index = jv_object_set(index, jv_string("tool"), jv_string("lockchaos"));
	index = jv_object_set(index, jv_string("version"), jv_string(LOCKCHAOS_VERSION));
	index = jv_object_set(index, jv_string("seed"),
			      jv_string_fmt("%llu", (unsigned long long)seed));
	index = jv_object_set(index, jv_string("holder"),
			      jv_string("matrix"));
	index = jv_object_set(index, jv_string("jobs"), jv_number(jobs));
	index = jv_object_set(index, jv_string("passed"), jv_number(npass));
	index = jv_object_set(index, jv_string("failed"), jv_number(nfail));
	index = jv_object_set(index, jv_string("knownFailed"),
			      jv_number(nknown));
	index = jv_object_set(index, jv_string("newFailed"), jv_number(nnew));
	index = jv_object_set(index, jv_string("errors"), jv_number(nerr));
	index = jv_object_set(index, jv_string("noLongerReproduce"),
			      jv_number(nxpass));
	index = jv_object_set(index, jv_string("skipped"), jv_number(nna));
	if (m->shard_n) {
		jv sh = jv_object();

		sh = jv_object_set(sh, jv_string("k"), jv_number(m->shard_k));
		sh = jv_object_set(sh, jv_string("n"), jv_number(m->shard_n));
		sh = jv_object_set(sh, jv_string("cells"),
				   jv_number(cells_seen));
		index = jv_object_set(index, jv_string("shard"), sh);
	}
	index = jv_object_set(index, jv_string("scenarios"), all);
	all = jv_invalid();
	summary_write(dir, index);
	index = jv_invalid();
	printf("# matrix: %s/matrix.md\n# matrix cells: %d pass, %d FAIL "
	       "(%d known, %d not declared), %d ERROR, %d n/a; %d known "
	       "finding(s) no longer reproduce\n",
	       dir, npass, nfail, nknown, nnew, nerr, nna, nxpass);
	/* A matrix whose cells all are n/a executed no test: no green,
	 * unless it is a shard of several (its merge judges the whole,
	 * docs/ci.md). */
	if (!interrupted && !rc && !npass && !nfail && m->shard_n < 2) {
		printf("# matrix gate: no cell ran to a verdict\n");
		rc = 1;
	} else if (interrupted) {
		printf("# matrix gate: interrupted by SIG%s\n",
		       sigabbrev_np(interrupted));
		rc = 128 + interrupted;
	} else {
		if (!npass && !nfail)
			printf("# matrix shard %d/%d: no cell ran to a "
			       "verdict here; `lockchaos merge` judges the "
			       "whole\n",
			       m->shard_k, m->shard_n);
		printf("# matrix gate: %s\n",
		       rc ? "FAILED (the not ok lines without TODO)"
			  : "passed");
	}
	jv_free(index);
	jv_free(all);
	jv_free(impls);
	jv_free(rows);
	return rc;
}
