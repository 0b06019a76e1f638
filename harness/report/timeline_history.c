/*
 * timeline_history.c - a history file as events (see timeline.h).
 *
 * One jv per line, kept alive until tl_history_clear so that every
 * `const char *` the later stages take from an event stays valid.
 */
#include "report/timeline.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "lib/jvx.h"
#include "lib/util.h"

/* Copies the digits of `"seed":N` from the raw meta line: jq parses numbers
 * into doubles, and a seed above 2^53 must still replay. */
static void raw_seed(const char *line, char *out, size_t n)
{
	const char *p = strstr(line, "\"seed\":");
	out[0] = '\0';
	if (!p)
		return;
	p += 7;
	while (*p == ' ')
		p++;
	size_t k = 0;
	while (k + 1 < n && *p >= '0' && *p <= '9')
		out[k++] = *p++;
	out[k] = '\0';
}

void tl_history_clear(struct tl_history *h)
{
	for (size_t i = 0; i < h->ev.n; i++) {
		jv_free(h->ev.v[i].v);
		free(h->ev.v[i].tip);
		free(h->ev.v[i].raw_own);
	}
	free(h->ev.v);
	h->ev.v = NULL;
	h->ev.n = h->ev.cap = 0;
	free(h->text);
	h->text = NULL;
}

const char *tl_event_raw(struct tl_history *h, size_t i)
{
	struct tl_event *e = &h->ev.v[i];

	if (!e->raw)
		e->raw = e->raw_own = jvx_dump(e->v);
	return e->raw;
}

/* The lines of `path` as the raw text of h's events, when there is one a
 * event: the file is read (not parsed), its newlines cut to NULs. */
static void raw_lines(struct tl_history *h, const char *path)
{
	size_t len = 0, i = 0;
	char *text = read_file(path, (size_t)1 << 30, &len), *p, *end;

	if (!text)
		return;
	for (p = text, end = text + len; p < end && i <= h->ev.n; i++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			break;
		p = nl + 1;
	}
	if (i != h->ev.n || p != end) {
		free(text);
		return;
	}
	for (p = text, i = 0; i < h->ev.n; i++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		*nl = '\0';
		h->ev.v[i].raw = p;
		p = nl + 1;
	}
	h->text = text;
}

/*
 * Adds event `v` (consumed) of line `lineno` to h: an object with a type,
 * the first one the meta event; `raw` its line as written (NULL: dumped
 * here), for the seed's exact digits; *last_t the time events without one
 * inherit. 0, or -1 with *err.
 */
static int add_event(struct tl_history *h, jv v, const char *raw,
		     const char *path, int lineno, int64_t *last_t, char **err)
{
	const char *type;
	double t;

	if (jv_get_kind(v) != JV_KIND_OBJECT) {
		jv_free(v);
		return html_fail(err, "%s:%d: not a JSON object", path, lineno);
	}
	type = jvx_cstr(v, "type");
	if (!type) {
		jv_free(v);
		return html_fail(err, "%s:%d: event has no \"type\"", path,
				 lineno);
	}
	if (h->ev.n == 0 && strcmp(type, "meta") != 0) {
		int r = html_fail(err, "%s:%d: first event is '%s', not 'meta'",
				  path, lineno, type);

		jv_free(v); /* owns `type` */
		return r;
	}
	if (jvx_has_num(v, "t", &t) && isfinite(t))
		*last_t = (int64_t)t;
	if (h->ev.n == 0) {
		/* the line history_write wrote for it */
		char *line = raw ? NULL : jvx_dump(v);

		raw_seed(raw ? raw : line, h->seed, sizeof(h->seed));
		free(line);
	}
	struct tl_event *e = vec_push(&h->ev);
	e->v = v;
	e->t = *last_t;
	e->line = lineno;
	e->type = type;
	e->proc = jvx_cstr(v, "process");
	return 0;
}

int tl_history_load(struct tl_history *h, const char *path, char **err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return html_fail(err, "cannot open '%s': %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, r = 0;
	int64_t last_t = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		size_t sp = strspn(line, " \t");
		if ((ssize_t)sp == len)
			continue;
		if (len > INT32_MAX) {
			r = html_fail(err, "%s:%d: line too long", path, lineno);
			break;
		}
		jv v = jv_parse_sized(line, (int)len);
		if (!jv_is_valid(v)) {
			jv msg = jv_invalid_get_msg(v);
			r = html_fail(err, "%s:%d: not JSON: %s", path, lineno,
				      jv_get_kind(msg) == JV_KIND_STRING
					 ? jv_string_value(msg)
					 : "invalid");
			jv_free(msg);
			break;
		}
		r = add_event(h, v, line, path, lineno, &last_t, err);
		if (r)
			break;
	}
	if (!r && ferror(f))
		r = html_fail(err, "cannot read '%s': %s", path, strerror(errno));
	if (!r && h->ev.n == 0)
		r = html_fail(err, "%s: empty history", path);
	free(line);
	fclose(f);
	if (r)
		tl_history_clear(h);
	return r;
}

int tl_history_from(struct tl_history *h, jv events, const char *path,
		    char **err)
{
	int i, n = jv_array_length(jv_copy(events)), r = 0;
	int64_t last_t = 0;

	for (i = 0; i < n && !r; i++)
		r = add_event(h, jv_array_get(jv_copy(events), i), NULL, path,
			      i + 1, &last_t, err);
	if (!r && h->ev.n == 0)
		r = html_fail(err, "%s: empty history", path);
	if (r)
		tl_history_clear(h);
	else
		raw_lines(h, path);
	return r;
}
