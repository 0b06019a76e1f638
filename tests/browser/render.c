/*
 * render.c - writes a sample report folder for the browser test, until
 * build/lockchaos writes real ones.
 *
 *   render OUTDIR SUMMARY HISTORY...
 *
 * For each HISTORY (tests/histories/html-stuck.jsonl ...) it makes
 * OUTDIR/<name>/ (name: the file's base name without .jsonl), copies the
 * history there as history.jsonl and writes timeline.html next to it; then
 * it copies SUMMARY to OUTDIR/summary.json and writes OUTDIR/index.html.
 * The summary's `dir` fields must name those folders.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/html.h"

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = NULL;
	char buf[65536];
	size_t n;
	int r = -1;
	if (!in) {
		fprintf(stderr, "render: cannot open '%s': %s\n", from, strerror(errno));
		return -1;
	}
	out = fopen(to, "wb");
	if (!out) {
		fprintf(stderr, "render: cannot open '%s': %s\n", to, strerror(errno));
		goto done;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	r = ferror(in) || ferror(out) ? -1 : 0;
	if (fclose(out) != 0)
		r = -1;
	if (r)
		fprintf(stderr, "render: cannot copy '%s' to '%s'\n", from, to);
done:
	fclose(in);
	return r;
}

static int mkdir_p(const char *dir)
{
	char *p = strdup(dir);
	if (!p)
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		goto fail;
	free(p);
	return 0;
fail:
	fprintf(stderr, "render: cannot create '%s': %s\n", p, strerror(errno));
	free(p);
	return -1;
}

/* OUTDIR/<base name of history without .jsonl> */
static char *scenario_dir(const char *outdir, const char *history)
{
	const char *base = strrchr(history, '/');
	base = base ? base + 1 : history;
	size_t len = strlen(base);
	if (len > 6 && !strcmp(base + len - 6, ".jsonl"))
		len -= 6;
	char *dir = malloc(strlen(outdir) + len + 2);
	if (dir)
		sprintf(dir, "%s/%.*s", outdir, (int)len, base);
	return dir;
}

static int render_one(const char *outdir, const char *history)
{
	char *dir = scenario_dir(outdir, history), *err = NULL;
	int r = -1;
	if (!dir || mkdir_p(dir) < 0)
		goto done;
	char hist[4096], tl[4096];
	snprintf(hist, sizeof(hist), "%s/history.jsonl", dir);
	snprintf(tl, sizeof(tl), "%s/timeline.html", dir);
	if (copy_file(history, hist) < 0)
		goto done;
	if (html_timeline_write(hist, tl, &err) < 0) {
		fprintf(stderr, "render: %s\n", err);
		goto done;
	}
	printf("  HTML   %s\n", tl);
	r = 0;
done:
	free(err);
	free(dir);
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: render OUTDIR SUMMARY HISTORY...\n");
		return 2;
	}
	const char *outdir = argv[1], *summary = argv[2];
	if (mkdir_p(outdir) < 0)
		return 1;
	int status = 0;
	for (int i = 3; i < argc; i++)
		if (render_one(outdir, argv[i]) < 0)
			status = 1;

	char sum[4096], idx[4096];
	snprintf(sum, sizeof(sum), "%s/summary.json", outdir);
	snprintf(idx, sizeof(idx), "%s/index.html", outdir);
	char *err = NULL;
	if (copy_file(summary, sum) < 0)
		return 1;
	if (html_index_write(sum, idx, &err) < 0) {
		fprintf(stderr, "render: %s\n", err);
		free(err);
		return 1;
	}
	printf("  HTML   %s\n", idx);
	return status;
}
