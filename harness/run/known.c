/*
 * known.c - declared findings per matrix column (known.h).
 */
#include "run/known.h"
#include "check/check.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Failure sources that are not checkers of check.h but appear in a run's
 * failure list (runner.c): expectations, faults that did not take, the
 * harness itself. */
static const char *const other_sources[] = { "expect", "await", "fault", "harness",
					     "*" };

static int valid_checker(const char *name)
{
	size_t i;

	if (checker_from_name(name) >= 0)
		return 1;
	for (i = 0; i < sizeof(other_sources) / sizeof(*other_sources); i++)
		if (!strcmp(name, other_sources[i]))
			return 1;
	return 0;
}

static int valid_finding(const char *id)
{
	const char *p = id;

	if (!strcmp(id, "-"))
		return 1;
	while (*p >= 'A' && *p <= 'Z')
		p++;
	if (p == id || !*p)
		return 0;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* Next whitespace-separated word of *p (NUL-terminated in place), or NULL. */
static char *word(char **p)
{
	char *w = *p;

	while (*w == ' ' || *w == '\t')
		w++;
	if (!*w)
		return NULL;
	*p = w;
	while (**p && **p != ' ' && **p != '\t')
		(*p)++;
	if (**p)
		*(*p)++ = '\0';
	return w;
}

static int parse_line(struct known_list *k, char *line, int nr)
{
	char *p = line, *hash = strchr(line, '#'), *scn, *chk, *fid, *rest;
	struct known_entry *e;
	size_t n;
	int flaky;

	if (hash)
		*hash = '\0';
	scn = word(&p);
	if (!scn)
		return 0;
	chk = word(&p);
	fid = chk ? word(&p) : NULL;
	if (!fid) {
		fprintf(stderr, "%s:%d: expected SCENARIO CHECKER FINDING "
				"[text], got %d word(s)\n",
			k->path, nr, chk ? 2 : 1);
		return -1;
	}
	if (!ends_with(scn, ".scn") || scn[0] == '/' ||
	    !strncmp(scn, "scenarios/", 10)) {
		fprintf(stderr, "%s:%d: scenario '%s': expected a path "
				"relative to the catalog root, ending in .scn "
				"(seeds/002-sigkill.scn)\n",
			k->path, nr, scn);
		return -1;
	}
	if (!valid_checker(chk)) {
		int c;

		fprintf(stderr, "%s:%d: unknown checker '%s', expected one of",
			k->path, nr, chk);
		for (c = 0; c < CHECK__NR; c++)
			fprintf(stderr, " %s", checker_name((enum checker)c));
		fprintf(stderr, " expect await fault harness *\n");
		return -1;
	}
	n = strlen(fid);
	flaky = n > 1 && fid[n - 1] == '?';
	if (flaky)
		fid[n - 1] = '\0';
	if (!valid_finding(fid)) {
		fprintf(stderr, "%s:%d: finding '%s': expected an id of "
				"docs/findings.md (F4, P1) or -\n",
			k->path, nr, fid);
		return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	rest = p;
	n = strlen(rest);
	while (n && (rest[n - 1] == ' ' || rest[n - 1] == '\t' ||
		     rest[n - 1] == '\r'))
		rest[--n] = '\0';
	ALLOC_GROW(k->items, (size_t)k->nr + 1, k->alloc);
	e = &k->items[k->nr++];
	memset(e, 0, sizeof(*e));
	e->scenario = xstrdup(scn);
	e->checker = xstrdup(chk);
	e->finding = xstrdup(fid);
	e->text = xstrdup(rest);
	e->line = nr;
	e->flaky = flaky;
	return 0;
}

/*
 * DIR/<impl>.txt is a symlink (read_file does not follow one): columns that
 * load the same lock code share one file that way. Follows it when it names
 * a plain file of DIR ("openclaw-2026.5.2.txt": no '/', not hidden), one
 * level only; k->path becomes that file, so messages name the file to edit.
 * Returns 1 when k->path was changed, 0 (errno ELOOP) when not followed.
 */
static int known_follow_link(struct known_list *k, const char *dir)
{
	char target[256];
	ssize_t n = readlink(k->path, target, sizeof(target) - 1);

	if (n <= 0 || (size_t)n >= sizeof(target) - 1)
		goto refuse;
	target[n] = '\0';
	if (strchr(target, '/') || target[0] == '.')
		goto refuse;
	free(k->path);
	k->path = xasprintf("%s/%s", dir, target);
	return 1;
refuse:
	errno = ELOOP;
	return 0;
}

int known_load(struct known_list *k, const char *dir, const char *impl)
{
	char *text, *line, *nl;
	int nr = 0, rc = 0;
	size_t len;

	if (!*impl || strchr(impl, '/') || impl[0] == '.') {
		fprintf(stderr, "lockchaos matrix: implementation name '%s' "
				"cannot name a known-findings file\n",
			impl);
		return -1;
	}
	k->path = xasprintf("%s/%s.txt", dir, impl);
	text = read_file(k->path, 1 << 20, &len);
	if (!text && errno == ELOOP && known_follow_link(k, dir))
		text = read_file(k->path, 1 << 20, &len);
	if (!text) {
		if (errno == ENOENT) {
			free(k->path);
			k->path = NULL;
			return 0;
		}
		fprintf(stderr, "lockchaos matrix: cannot read '%s': %s\n",
			k->path, strerror(errno));
		return -1;
	}
	if (len == 1 << 20) {
		fprintf(stderr, "lockchaos matrix: '%s' is 1 MiB or more; "
				"not read\n",
			k->path);
		free(text);
		return -1;
	}
	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (parse_line(k, line, ++nr))
			rc = -1;
	}
	free(text);
	return rc;
}

void known_clear(struct known_list *k)
{
	int i;

	for (i = 0; i < k->nr; i++) {
		free(k->items[i].scenario);
		free(k->items[i].checker);
		free(k->items[i].finding);
		free(k->items[i].text);
	}
	free(k->items);
	free(k->path);
	memset(k, 0, sizeof(*k));
}

int known_matches_file(const struct known_entry *e, const char *file)
{
	size_t a = strlen(file), b = strlen(e->scenario);

	if (!strcmp(file, e->scenario))
		return 1;
	return a > b && file[a - b - 1] == '/' &&
	       !strcmp(file + a - b, e->scenario);
}

/* Does entry e declare a failure of checker `chk` in `file`? A scenario's
 * `assert jq` fails as "jq" or "jq-error" (check/expect.c): both are its
 * own expectations, declared as `expect`. */
static int entry_covers(const struct known_entry *e, const char *file,
			const char *chk)
{
	if (!strcmp(chk, "jq") || !strcmp(chk, "jq-error"))
		chk = "expect";
	return known_matches_file(e, file) &&
	       (!strcmp(e->checker, "*") || !strcmp(e->checker, chk));
}

int known_declares(const struct known_list *k, const char *file,
		   const char *checker)
{
	int j;

	for (j = 0; k && j < k->nr; j++)
		if (entry_covers(&k->items[j], file, checker))
			return 1;
	return 0;
}

int known_covers(struct known_list *k, const char *file, jv failures,
		 char **uncovered)
{
	int n = jv_get_kind(failures) == JV_KIND_ARRAY
			? jv_array_length(jv_copy(failures))
			: 0;
	int i, j, covered = n > 0;
	char *out = NULL;

	*uncovered = NULL;
	for (i = 0; i < n; i++) {
		jv f = jv_array_get(jv_copy(failures), i);
		char chk[64];
		int hit = 0;

		jvx_str(f, "checker", chk, sizeof(chk));
		jv_free(f);
		for (j = 0; j < k->nr && !hit; j++) {
			struct known_entry *e = &k->items[j];

			hit = entry_covers(e, file, chk);
		}
		if (hit)
			continue;
		covered = 0;
		if (!out) {
			out = xstrdup(chk);
		} else if (!strstr(out, chk)) {
			char *o = xasprintf("%s, %s", out, chk);

			free(out);
			out = o;
		}
	}
	if (!n)
		out = xstrdup("no failure listed");
	/* Each entry that matches one of the failures reproduced, whether or
	 * not the cell also failed in a new way. */
	for (j = 0; j < k->nr; j++) {
		struct known_entry *e = &k->items[j];

		for (i = 0; i < n; i++) {
			jv f = jv_array_get(jv_copy(failures), i);
			char chk[64];

			jvx_str(f, "checker", chk, sizeof(chk));
			jv_free(f);
			if (entry_covers(e, file, chk)) {
				e->hits++;
				break;
			}
		}
	}
	if (!covered) {
		*uncovered = out;
		return 0;
	}
	free(out);
	return 1;
}

void known_saw(struct known_list *k, const char *file)
{
	int j;

	for (j = 0; j < k->nr; j++)
		if (known_matches_file(&k->items[j], file))
			k->items[j].seen++;
}
