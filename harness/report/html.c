/*
 * html.c - timeline and index pages (see html.h).
 *
 * The timeline is built in three steps: load the history (one jv per line,
 * kept alive for the whole call so every `const char *` taken from it stays
 * valid), turn it into a model (rows, bars, marks, deadlines, pins), then
 * lay the model out on a fixed-width SVG and print it. Nothing here knows
 * about the checkers beyond reading their `verdict` events.
 *
 * Cost: event look-ups (an outcome's invoke, a release's hold) scan
 * backwards through short arrays; fine for the thousands of events a
 * scenario makes, O(n^2) in the worst case for a soak history.
 */
#include "report/html.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>

/* ---- memory, errors ------------------------------------------------------ */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("lockchaos: out of memory\n", stderr);
		abort();
	}
	return q;
}

static char *xvasprintf(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		n = 0;
	char *s = xrealloc(NULL, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

static int fail(char **err, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		*err = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A growable array: VEC(struct x) v = {0}; *vec_push(&v) = item. */
#define VEC(T) struct { T *v; size_t n, cap; }
static void *vec_grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		v = xrealloc(v, *cap * size);
	}
	memset((char *)v + n * size, 0, size);
	return v;
}
#define vec_push(vec)                                                       \
	((vec)->v = vec_grow((vec)->v, &(vec)->cap, (vec)->n,               \
			     sizeof(*(vec)->v)),                            \
	 &(vec)->v[(vec)->n++])

/* ---- jv helpers: all borrow their object argument ------------------------ */

static jv jget(jv o, const char *key)
{
	if (jv_get_kind(o) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(o), jv_string(key));
}

/* The string at o.key, or NULL. Valid as long as `o` lives. */
static const char *jstr(jv o, const char *key)
{
	jv v = jget(o, key);
	const char *s =
		jv_get_kind(v) == JV_KIND_STRING ? jv_string_value(v) : NULL;
	jv_free(v);
	return s;
}

static int jhas_num(jv o, const char *key, double *out)
{
	jv v = jget(o, key);
	int ok = jv_get_kind(v) == JV_KIND_NUMBER;
	if (ok)
		*out = jv_number_value(v);
	jv_free(v);
	return ok;
}

static double jnum(jv o, const char *key, double def)
{
	double d;
	return jhas_num(o, key, &d) ? d : def;
}

static int jtrue(jv o, const char *key)
{
	jv v = jget(o, key);
	int t = jv_get_kind(v) == JV_KIND_TRUE;
	jv_free(v);
	return t;
}

static int jfalse(jv o, const char *key)
{
	jv v = jget(o, key);
	int f = jv_get_kind(v) == JV_KIND_FALSE;
	jv_free(v);
	return f;
}

/* o.key as one line of text, malloc'ed: a string as is, an array of
 * strings (an argv) joined by spaces, a number printed; NULL otherwise. */
static char *jwords(jv o, const char *key)
{
	jv v = jget(o, key);
	char *out = NULL;
	if (jv_get_kind(v) == JV_KIND_STRING) {
		out = strdup(jv_string_value(v));
	} else if (jv_get_kind(v) == JV_KIND_NUMBER) {
		jv s = jv_dump_string(jv_copy(v), 0);
		out = strdup(jv_string_value(s));
		jv_free(s);
	} else if (jv_get_kind(v) == JV_KIND_ARRAY) {
		size_t len = 0;
		jv_array_foreach(v, i, w) {
			if (jv_get_kind(w) == JV_KIND_STRING) {
				const char *ws = jv_string_value(w);
				size_t wl = strlen(ws);
				out = xrealloc(out, len + wl + 2);
				if (len)
					out[len++] = ' ';
				memcpy(out + len, ws, wl + 1);
				len += wl;
			}
			jv_free(w);
		}
	}
	jv_free(v);
	return out;
}

/* Compact JSON text of `v` (borrowed), malloc'ed. */
static char *jdump(jv v)
{
	jv s = jv_dump_string(jv_copy(v), 0);
	char *out = strdup(jv_string_value(s));
	jv_free(s);
	if (!out)
		abort();
	return out;
}

/* Cuts `s` (malloc'ed) to at most `max` code points, adding an ellipsis;
 * the whole text stays in the hover. Returns s, maybe moved. */
static char *label_cut(char *s, size_t max)
{
	size_t cps = 0, b = 0;
	for (; s[b]; b++)
		if (((unsigned char)s[b] & 0xC0) != 0x80 && cps++ == max)
			break;
	if (!s[b])
		return s;
	s = xrealloc(s, b + 4);
	memcpy(s + b, "\xE2\x80\xA6", 4);
	return s;
}

static int streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* ---- HTML output --------------------------------------------------------- */

/*
 * Writes `s` HTML-escaped, at most `max` code points (0: all), adding an
 * ellipsis when cut. Control characters other than tab and newline become
 * U+FFFD: they have no business in a page and some break XML tools.
 */
static void escn(FILE *f, const char *s, size_t max)
{
	size_t cps = 0;
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) != 0x80 && max && cps++ == max) {
			fputs("\xE2\x80\xA6", f);
			return;
		}
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F)
				fputs("\xEF\xBF\xBD", f);
			else
				fputc(*p, f);
		}
	}
}

static void esc(FILE *f, const char *s)
{
	escn(f, s, 0);
}

/* printf whose %s arguments are all escaped: fmt is ours, args are not. */
static void escf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	esc(f, s);
	free(s);
}

/* Percent-encodes a relative link so that no scheme ("javascript:") or
 * markup survives; '/' stays so `dir/timeline.html` still works. */
static void urlesc(FILE *f, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

static size_t codepoints(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Rough width in px of `s` at 11px sans-serif; a little generous. */
static double text_w(const char *s, double px_per_char)
{
	return (double)codepoints(s) * px_per_char;
}

/* Seconds with three decimals: "12.345 s". */
static void fmt_s(char *buf, size_t n, int64_t us)
{
	snprintf(buf, n, "%.3f s", (double)us / 1e6);
}

static const char CSS[] =
	":root{--fg:#1d2330;--mut:#5b6472;--line:#d8dde5;--bg:#fff;"
	"--pass:#1a7f37;--fail:#cf222e;--na:#6e7781;}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;padding:14px 18px 0;font:14px/1.4 system-ui,-apple-system,"
	"'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:var(--fg);"
	"background:var(--bg)}\n"
	"h1{font-size:20px;margin:0 0 2px}h2{font-size:15px;margin:14px 0 6px}\n"
	"code,pre,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,"
	"Consolas,monospace;font-size:12.5px}\n"
	"a{color:#0b57d0}\n"
	"header{display:flex;gap:18px;align-items:center;border-bottom:1px solid "
	"var(--line);padding-bottom:10px}\n"
	".big{font:800 44px/1 system-ui,sans-serif;padding:8px 16px;"
	"border-radius:8px;color:#fff;letter-spacing:1px}\n"
	".big.pass{background:var(--pass)}.big.fail{background:var(--fail)}\n"
	".big.na,.big.error{background:var(--na)}\n"
	".meta{color:var(--mut);font-size:13px}.meta b{color:var(--fg);"
	"font-weight:600}\n"
	".meta span{margin-right:14px;white-space:nowrap}\n"
	".failures{margin:8px 0 0;padding-left:22px;color:var(--fail)}\n"
	".failures li{margin:2px 0}.failures .chk{font-weight:700}\n"
	".failures .msg{color:var(--fg)}\n"
	".story{margin:8px 0 4px;color:var(--fg)}\n"
	".legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12.5px;"
	"color:var(--mut);margin:6px 0}\n"
	".legend span{display:inline-flex;align-items:center;gap:5px}\n"
	"svg.tl{display:block;width:100%;height:auto;margin-top:6px}\n"
	"svg.tl text{font-family:system-ui,'DejaVu Sans',sans-serif}\n"
	"svg .ev:hover{filter:brightness(0.85)}\n"
	"#inspect{position:sticky;bottom:0;margin:8px -18px 0;padding:6px 18px;"
	"background:#f6f8fa;border-top:1px solid var(--line);max-height:7.5em;"
	"overflow:auto;white-space:pre-wrap;word-break:break-all}\n"
	"details{margin:10px 0}details pre{white-space:pre-wrap;"
	"word-break:break-all;background:#f6f8fa;padding:8px;max-height:30em;"
	"overflow:auto}\n"
	"table{border-collapse:collapse;margin:6px 0 14px;width:100%}\n"
	"th,td{border-bottom:1px solid var(--line);padding:5px 8px;"
	"text-align:left;vertical-align:top}\n"
	"th{background:#f6f8fa;font-weight:600;font-size:13px}\n"
	".st{font-weight:800;white-space:nowrap}.st.pass{color:var(--pass)}\n"
	".st.fail{color:var(--fail)}.st.na,.st.error{color:var(--na)}\n"
	"tr.fail td{background:#fff5f5}\n"
	".tag{display:inline-block;background:#eef1f5;border-radius:9px;"
	"padding:0 7px;margin:0 3px 2px 0;font-size:12px;color:var(--mut)}\n"
	".num{text-align:right;white-space:nowrap;font-variant-numeric:"
	"tabular-nums}\n"
	".reason{color:var(--mut);font-size:13px}\n"
	"td.links{white-space:nowrap}.totals{margin-top:10px}\n"
	".totals{display:flex;gap:14px;align-items:center;flex-wrap:wrap}\n"
	".tot{font:700 22px/1.1 system-ui,sans-serif}\n"
	".tot small{display:block;font:500 12px system-ui,sans-serif;"
	"color:var(--mut)}\n"
	".cell.pass{background:#eaf7ee}.cell.fail{background:#ffebe9}\n"
	".cell.na,.cell.error{background:#f3f4f6;color:var(--mut)}\n";

/* Hover anything with class "ev": its <title> (the raw event) goes to the
 * inspector, where it can be read and copied. */
static const char JS[] =
	"(function(){var p=document.getElementById('inspect');if(!p)return;"
	"document.addEventListener('mouseover',function(e){"
	"var g=e.target&&e.target.closest?e.target.closest('.ev'):null;"
	"if(!g)return;var t=g.querySelector('title');"
	"if(t)p.textContent=t.textContent;});})();";

static void page_open(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	      "'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
	      "img-src data:\">\n<title>",
	      f);
	esc(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", CSS);
}

static void page_close(FILE *f, int with_js)
{
	if (with_js)
		fprintf(f, "<script>%s</script>\n", JS);
	fputs("</body></html>\n", f);
}

/* Opens `<out>.tmp` for writing; page_commit renames it over `out`. */
static FILE *page_create(const char *out, char **tmp, char **err)
{
	*tmp = xasprintf("%s.tmp", out);
	FILE *f = fopen(*tmp, "w");
	if (!f) {
		fail(err, "cannot open '%s': %s", out, strerror(errno));
		free(*tmp);
		*tmp = NULL;
	}
	return f;
}

static int page_commit(FILE *f, char *tmp, const char *out, char **err)
{
	int bad = ferror(f);
	int e = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		unlink(tmp);
		free(tmp);
		return fail(err, "cannot write '%s': %s", out, strerror(e));
	}
	if (rename(tmp, out) != 0) {
		e = errno;
		unlink(tmp);
		free(tmp);
		return fail(err, "cannot rename to '%s': %s", out, strerror(e));
	}
	free(tmp);
	return 0;
}

/* Reads all of `path` and parses it as one JSON value. */
static int load_json(const char *path, jv *out, char **err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return fail(err, "cannot open '%s': %s", path, strerror(errno));
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 65536;
			buf = xrealloc(buf, cap);
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		free(buf);
		return fail(err, "cannot read '%s': %s", path, strerror(e));
	}
	fclose(f);
	if (len > INT32_MAX) {
		free(buf);
		return fail(err, "%s: too large", path);
	}
	jv v = jv_parse_sized(buf, (int)len);
	free(buf);
	if (!jv_is_valid(v)) {
		jv msg = jv_invalid_get_msg(v);
		int r = fail(err, "%s: not JSON: %s", path,
			     jv_get_kind(msg) == JV_KIND_STRING
				     ? jv_string_value(msg)
				     : "empty file");
		jv_free(msg);
		return r;
	}
	*out = v;
	return 0;
}

/* ========================================================================= */
/* Timeline: the history                                                     */
/* ========================================================================= */

struct hev {
	jv v;             /* the event object, owned */
	int64_t t;        /* microseconds since start */
	int line;         /* line number in the file, for messages */
	const char *type; /* borrowed from v */
	const char *proc; /* borrowed from v, NULL when absent */
};

struct hist {
	VEC(struct hev) ev;
	char seed[32]; /* meta's seed as written: a double loses 64-bit seeds */
};

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

static void hist_clear(struct hist *h)
{
	for (size_t i = 0; i < h->ev.n; i++)
		jv_free(h->ev.v[i].v);
	free(h->ev.v);
	h->ev.v = NULL;
	h->ev.n = h->ev.cap = 0;
}

static int hist_load(struct hist *h, const char *path, char **err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return fail(err, "cannot open '%s': %s", path, strerror(errno));
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
			r = fail(err, "%s:%d: line too long", path, lineno);
			break;
		}
		jv v = jv_parse_sized(line, (int)len);
		if (!jv_is_valid(v)) {
			jv msg = jv_invalid_get_msg(v);
			r = fail(err, "%s:%d: not JSON: %s", path, lineno,
				 jv_get_kind(msg) == JV_KIND_STRING
					 ? jv_string_value(msg)
					 : "invalid");
			jv_free(msg);
			break;
		}
		if (jv_get_kind(v) != JV_KIND_OBJECT) {
			jv_free(v);
			r = fail(err, "%s:%d: not a JSON object", path, lineno);
			break;
		}
		const char *type = jstr(v, "type");
		if (!type) {
			jv_free(v);
			r = fail(err, "%s:%d: event has no \"type\"", path, lineno);
			break;
		}
		if (h->ev.n == 0 && strcmp(type, "meta") != 0) {
			r = fail(err, "%s:%d: first event is '%s', not 'meta'",
				 path, lineno, type);
			jv_free(v); /* owns `type` */
			break;
		}
		double t;
		if (jhas_num(v, "t", &t) && isfinite(t))
			last_t = (int64_t)t;
		if (h->ev.n == 0)
			raw_seed(line, h->seed, sizeof(h->seed));
		struct hev *e = vec_push(&h->ev);
		e->v = v;
		e->t = last_t;
		e->line = lineno;
		e->type = type;
		e->proc = jstr(v, "process");
	}
	if (!r && ferror(f))
		r = fail(err, "cannot read '%s': %s", path, strerror(errno));
	if (!r && h->ev.n == 0)
		r = fail(err, "%s: empty history", path);
	free(line);
	fclose(f);
	if (r)
		hist_clear(h);
	return r;
}

/* ========================================================================= */
/* Timeline: the model                                                       */
/* ========================================================================= */

enum row_kind { ROW_SESSION, ROW_LANE };

struct row {
	enum row_kind kind;
	const char *proc;    /* lane rows: the holder */
	const char *lane;    /* lane rows: the lane */
	const char *session; /* session rows */
	int pi;              /* index in model.procs, or -1 */
	double y;            /* top, set by the layout */
	double h;            /* height */
};

struct proc {
	const char *name;
	int row0, nrows;   /* its lane rows */
	int64_t t_spawn;   /* -1: never said hello */
	int64_t t_exit;    /* -1: did not exit */
	int ev_spawn, ev_exit;
	int64_t freeze_t;  /* open freeze band, or -1 */
	int freeze_ev;
	int64_t spin_t;    /* open spin band, or -1 */
	int64_t spin_end;  /* planned end of the spin, or -1 for forever */
	int spin_ev;
	const char *impl, *version, *bug; /* from hello */
	double pid;
};

enum span_kind {
	SP_LIFE,      /* process alive (thin line) */
	SP_WAIT,      /* waiting for a lock, got it */
	SP_WAIT_FAIL, /* waiting, gave up or was refused */
	SP_WAIT_LOST, /* waiting, never answered */
	SP_HOLD,      /* holding within maxHoldMs */
	SP_HOLD_OVER, /* holding past its own maxHoldMs */
	SP_HOLD_LOST, /* believes it holds, but another took the lock */
	SP_OWN,       /* session row: lock file owned by a live holder */
	SP_STALE,     /* session row: lock file of a dead holder */
	SP_FROZEN,    /* band: SIGSTOPped */
	SP_SPIN,      /* band: event loop blocked */
	SP__NR
};

static const struct {
	const char *cls, *legend;
} span_info[SP__NR] = {
	[SP_LIFE] = { "life", "process alive" },
	[SP_WAIT] = { "wait", "waiting for the lock" },
	[SP_WAIT_FAIL] = { "waitfail", "waited, then refused / timed out" },
	[SP_WAIT_LOST] = { "waitlost", "waiting, never answered" },
	[SP_HOLD] = { "hold", "holding the lock" },
	[SP_HOLD_OVER] = { "over", "holding past its own maxHoldMs" },
	[SP_HOLD_LOST] = { "lost", "thinks it holds; lock taken over" },
	[SP_OWN] = { "own", "lock file owned by a live holder" },
	[SP_STALE] = { "stale", "lock file of a dead holder" },
	[SP_FROZEN] = { "frozen", "frozen (SIGSTOP)" },
	[SP_SPIN] = { "spin", "spinning: event loop blocked" },
};

struct span {
	enum span_kind kind;
	int row, nrows;   /* bands cover nrows rows */
	int64_t t0, t1;
	int ev0, ev1;     /* events that open and close it, -1 if none */
	char *label;      /* drawn inside when it fits, owned */
	char *tip;        /* first line of the hover text, owned */
	int label_ok;     /* layout: bands only, the label has room */
};

enum glyph {
	G_NONE, /* label only */
	G_KILL, G_TERM, G_FREEZE, G_THAW, G_FAILPOINT, G_RECYCLE, G_DAMAGE,
	G_SPIN, G_FAULT,
	G_DELIVERED, G_REFUSED, G_DROPPED, G_LOST, G_DUP, G_WRITTEN,
	G_APPENDED, G_RECLAIM, G_RELEASE_WHY, G_WARN, G_PROTO, G_EXIT,
	G_DEATH, G_LEFT,
	G__NR
};

static const struct {
	const char *id, *legend;
} glyph_info[G__NR] = {
	[G_NONE] = { NULL, NULL },
	[G_KILL] = { "kill", "SIGKILL" },
	[G_TERM] = { "term", "SIGTERM" },
	[G_FREEZE] = { "freeze", "freeze (SIGSTOP)" },
	[G_THAW] = { "thaw", "thaw (SIGCONT)" },
	[G_FAILPOINT] = { "failpoint", "failpoint fired" },
	[G_RECYCLE] = { "recycle", "PID recycled" },
	[G_DAMAGE] = { "damage", "lock file damaged" },
	[G_SPIN] = { "spinf", "spin injected" },
	[G_FAULT] = { "fault", "other fault" },
	[G_DELIVERED] = { "delivered", "message delivered" },
	[G_REFUSED] = { "refused", "refused / failed (with error)" },
	[G_DROPPED] = { "dropped", "DROPPED: ok but not in transcript" },
	[G_LOST] = { "lostmsg", "lost: no answer" },
	[G_DUP] = { "dup", "written more than once" },
	[G_WRITTEN] = { "written", "refused but written anyway" },
	[G_APPENDED] = { "appended", "transcript line written" },
	[G_RECLAIM] = { "reclaim", "reclaimed someone else's lock" },
	[G_RELEASE_WHY] = { "relwhy", "released by watchdog / timeout" },
	[G_WARN] = { "warn", "WARN / ERROR log line" },
	[G_PROTO] = { "proto", "protocol error" },
	[G_EXIT] = { "exit", "process exited" },
	[G_DEATH] = { "death", "process died by signal" },
	[G_LEFT] = { "left", "lock file left at the end" },
};

enum prio { PRIO_LOW, PRIO_MID, PRIO_HIGH };

struct mark {
	enum glyph glyph;
	int row;
	int64_t t;
	int ev;          /* -1: none */
	char *label;     /* owned, may be NULL */
	char *tip;       /* owned: first line of the hover text */
	enum prio prio;
	double gx;       /* layout: where the glyph is drawn */
	int placed;      /* layout: label drawn */
	double lx, ly;   /* layout: label position */
	int anchor_end;  /* layout: label ends at lx */
};

struct deadline {
	int row;
	int64_t t0, t1; /* acquired, acquired + maxHoldMs */
	int64_t ms;
	int hot;        /* the hold was still on when it passed */
	int quiet;      /* released in time: a tick, no bracket */
	int ev;
	const char *proc, *session;
};

struct pin {
	int64_t at;
	int ev;
	int row;         /* row of `process`, or -1 */
	const char *checker, *msg, *proc;
	/* layout */
	double bx, by, bw, bh;
	char **lines;
	int nlines;
};

struct hold {
	int row;
	const char *proc, *lane, *session;
	int64_t t0, deadline, ms, lost_at;
	int ev, lost_ev, open;
	const char *lost_to;
};

struct wait {
	const char *proc;
	double id;
	int row, ev, open;
	int64_t t0;
};

struct inv {
	const char *proc, *op, *session, *msg, *lane;
	double id;
	int row, ev;
	double maxhold; /* ms, or -1 */
};

enum outcome { OUT_NONE, OUT_OK, OUT_FAIL, OUT_INFO };

struct msg {
	int inv;            /* index in model.invs */
	enum outcome out;
	int ev_out;
	int64_t t_out;
};

struct owner {
	const char *session;
	int row;
	const char *proc;    /* NULL: nobody */
	int64_t t0;
	int ev, stale;
	const char *damage;  /* the harness damaged the file: its kind */
};

struct model {
	const char *path;
	jv meta;
	int ev_final;            /* -1: no final event */
	int64_t t_min, t_end;
	VEC(struct row) rows;
	VEC(struct proc) procs;
	VEC(const char *) sessions;
	VEC(struct span) spans;
	VEC(struct mark) marks;
	VEC(struct deadline) deadlines;
	VEC(struct pin) pins;
	VEC(const char *) passed; /* checkers with an ok verdict */
	VEC(struct hold) holds;
	VEC(struct wait) waits;
	VEC(struct inv) invs;
	VEC(struct msg) msgs;
	VEC(struct owner) owners;
	int nfaults;
	int nout[G__NR];         /* messages per outcome glyph */
	int used_span[SP__NR];
	int used_glyph[G__NR];
};

static void model_clear(struct model *m)
{
	for (size_t i = 0; i < m->spans.n; i++) {
		free(m->spans.v[i].label);
		free(m->spans.v[i].tip);
	}
	for (size_t i = 0; i < m->marks.n; i++) {
		free(m->marks.v[i].label);
		free(m->marks.v[i].tip);
	}
	for (size_t i = 0; i < m->pins.n; i++) {
		for (int j = 0; j < m->pins.v[i].nlines; j++)
			free(m->pins.v[i].lines[j]);
		free(m->pins.v[i].lines);
	}
	free(m->rows.v);
	free(m->procs.v);
	free(m->sessions.v);
	free(m->spans.v);
	free(m->marks.v);
	free(m->deadlines.v);
	free(m->pins.v);
	free(m->passed.v);
	free(m->holds.v);
	free(m->waits.v);
	free(m->invs.v);
	free(m->msgs.v);
	free(m->owners.v);
}

static int is_holder(const char *proc)
{
	return proc && *proc && strcmp(proc, "harness") != 0;
}

static int proc_find(struct model *m, const char *name)
{
	for (size_t i = 0; i < m->procs.n; i++)
		if (streq(m->procs.v[i].name, name))
			return (int)i;
	return -1;
}

static int proc_add(struct model *m, const char *name)
{
	int i = proc_find(m, name);
	if (i >= 0)
		return i;
	struct proc *p = vec_push(&m->procs);
	p->name = name;
	p->t_spawn = p->t_exit = p->freeze_t = p->spin_t = -1;
	p->ev_spawn = p->ev_exit = -1;
	p->pid = -1;
	return (int)m->procs.n - 1;
}

static void session_add(struct model *m, const char *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < m->sessions.n; i++)
		if (!strcmp(m->sessions.v[i], s))
			return;
	*vec_push(&m->sessions) = s;
}

/* Lanes are collected as rows in a first pass, grouped by holder below. */
static void lane_add(struct model *m, const char *proc, const char *lane)
{
	if (!lane)
		lane = "main";
	proc_add(m, proc);
	for (size_t i = 0; i < m->rows.n; i++)
		if (streq(m->rows.v[i].proc, proc) &&
		    streq(m->rows.v[i].lane, lane))
			return;
	struct row *r = vec_push(&m->rows);
	r->kind = ROW_LANE;
	r->proc = proc;
	r->lane = lane;
	r->pi = -1;
}

static int lane_op(const char *op)
{
	return streq(op, "acquire") || streq(op, "release") ||
	       streq(op, "deliver") || streq(op, "turn");
}

/* First pass: holders (in order of appearance), their lanes, sessions. */
static void model_discover(struct model *m, struct hist *h)
{
	/* Holders in the order the scenario first commands them (spawns run
	 * in parallel, so their order is chance), then any others. */
	for (size_t i = 0; i < h->ev.n; i++)
		if (streq(h->ev.v[i].type, "invoke") && is_holder(h->ev.v[i].proc))
			proc_add(m, h->ev.v[i].proc);
	for (size_t i = 0; i < h->ev.n; i++) {
		struct hev *e = &h->ev.v[i];
		const char *type = e->type;
		if (is_holder(e->proc) && strcmp(type, "verdict") != 0)
			proc_add(m, e->proc);
		if (streq(type, "invoke") && is_holder(e->proc)) {
			session_add(m, jstr(e->v, "session"));
			if (lane_op(jstr(e->v, "op")))
				lane_add(m, e->proc, jstr(e->v, "lane"));
		} else if ((streq(type, "acquired") || streq(type, "released")) &&
			   is_holder(e->proc)) {
			session_add(m, jstr(e->v, "session"));
			lane_add(m, e->proc, jstr(e->v, "lane"));
		} else if (streq(type, "fault")) {
			const char *tg = jstr(e->v, "target");
			if (streq(jstr(e->v, "fault"), "damage"))
				session_add(m, jstr(e->v, "session") ? jstr(e->v, "session") : tg);
			else if (is_holder(tg))
				proc_add(m, tg);
		} else if (streq(type, "final")) {
			/* A key copy shares its bytes with the key in the
			 * object, so the pointer lives as long as the event. */
			jv ss = jget(e->v, "sessions");
			if (jv_get_kind(ss) == JV_KIND_OBJECT) {
				jv_object_foreach(ss, k, v) {
					session_add(m, jv_string_value(k));
					jv_free(k);
					jv_free(v);
				}
			}
			jv_free(ss);
		}
	}

	/* Rows: sessions first, then each holder's lanes, in holder order. */
	struct row *lanes = m->rows.v;
	size_t nlanes = m->rows.n;
	m->rows.v = NULL;
	m->rows.n = m->rows.cap = 0;
	for (size_t i = 0; i < m->sessions.n; i++) {
		struct row *r = vec_push(&m->rows);
		r->kind = ROW_SESSION;
		r->session = m->sessions.v[i];
		r->pi = -1;
	}
	for (size_t p = 0; p < m->procs.n; p++) {
		struct proc *pr = &m->procs.v[p];
		pr->row0 = (int)m->rows.n;
		for (size_t i = 0; i < nlanes; i++) {
			if (!streq(lanes[i].proc, pr->name))
				continue;
			struct row *r = vec_push(&m->rows);
			*r = lanes[i];
			r->pi = (int)p;
		}
		if ((int)m->rows.n == pr->row0) {
			struct row *r = vec_push(&m->rows);
			r->kind = ROW_LANE;
			r->proc = pr->name;
			r->lane = "main";
			r->pi = (int)p;
		}
		pr->nrows = (int)m->rows.n - pr->row0;
	}
	free(lanes);
}

static int row_of_session(struct model *m, const char *s)
{
	for (size_t i = 0; i < m->rows.n; i++)
		if (m->rows.v[i].kind == ROW_SESSION && streq(m->rows.v[i].session, s))
			return (int)i;
	return -1;
}

/* The row of holder `proc`'s `lane` (NULL: its first row), or -1. */
static int row_of(struct model *m, const char *proc, const char *lane)
{
	int p = proc_find(m, proc);
	if (p < 0)
		return -1;
	struct proc *pr = &m->procs.v[p];
	if (lane)
		for (int i = pr->row0; i < pr->row0 + pr->nrows; i++)
			if (streq(m->rows.v[i].lane, lane))
				return i;
	return pr->row0;
}

static struct span *span_add(struct model *m, enum span_kind k, int row,
			     int64_t t0, int64_t t1, int ev0, int ev1)
{
	struct span *s = vec_push(&m->spans);
	s->kind = k;
	s->row = row;
	s->nrows = 1;
	s->t0 = t0;
	s->t1 = t1 < t0 ? t0 : t1;
	s->ev0 = ev0;
	s->ev1 = ev1;
	m->used_span[k] = 1;
	return s;
}

static struct mark *mark_add(struct model *m, enum glyph g, int row, int64_t t,
			     int ev, enum prio prio, char *label, char *tip)
{
	struct mark *k = vec_push(&m->marks);
	k->glyph = g;
	k->row = row;
	k->t = t;
	k->ev = ev;
	k->prio = prio;
	k->label = label;
	k->tip = tip;
	m->used_glyph[g] = 1;
	return k;
}

static struct inv *inv_find(struct model *m, const char *proc, double id)
{
	for (size_t i = m->invs.n; i-- > 0;)
		if (m->invs.v[i].id == id && streq(m->invs.v[i].proc, proc))
			return &m->invs.v[i];
	return NULL;
}

static struct wait *wait_find(struct model *m, const char *proc, double id)
{
	for (size_t i = m->waits.n; i-- > 0;)
		if (m->waits.v[i].open && m->waits.v[i].id == id &&
		    streq(m->waits.v[i].proc, proc))
			return &m->waits.v[i];
	return NULL;
}

static struct owner *owner_of(struct model *m, const char *session)
{
	for (size_t i = 0; i < m->owners.n; i++)
		if (streq(m->owners.v[i].session, session))
			return &m->owners.v[i];
	int row = row_of_session(m, session);
	if (row < 0)
		return NULL;
	struct owner *o = vec_push(&m->owners);
	o->session = session;
	o->row = row;
	return o;
}

static void owner_close(struct model *m, struct owner *o, int64_t t, int ev)
{
	if (o && o->damage) {
		struct span *s = span_add(m, SP_STALE, o->row, o->t0, t, o->ev, ev);
		s->label = xasprintf("damaged: %s", o->damage);
		s->tip = xasprintf("lock file damaged by the harness (%s)", o->damage);
		o->damage = NULL;
		return;
	}
	if (!o || !o->proc)
		return;
	struct span *s = span_add(m, o->stale ? SP_STALE : SP_OWN, o->row,
				  o->t0, t, o->ev, ev);
	s->label = o->stale ? xasprintf("%s is dead, its lock file stays", o->proc)
			    : xasprintf("held by %s", o->proc);
	s->tip = o->stale ? xasprintf("lock file of %s, which is dead", o->proc)
			  : xasprintf("lock file owned by %s", o->proc);
	o->proc = NULL;
}

static void wait_close(struct model *m, struct wait *w, enum span_kind k,
		       int64_t t, int ev, const char *why)
{
	struct inv *iv = NULL;
	for (size_t i = m->invs.n; i-- > 0;)
		if (m->invs.v[i].ev == w->ev) {
			iv = &m->invs.v[i];
			break;
		}
	struct span *s = span_add(m, k, w->row, w->t0, t, w->ev, ev);
	char d[32];
	fmt_s(d, sizeof(d), t - w->t0);
	const char *sess = iv && iv->session ? iv->session : "?";
	if (k == SP_WAIT)
		s->label = xasprintf("waits %s", d);
	else if (k == SP_WAIT_FAIL)
		s->label = xasprintf("waited %s for %s: %s", d, sess, why ? why : "failed");
	else
		s->label = xasprintf("waiting %s for %s, no answer", d, sess);
	s->tip = xasprintf("%s %s %s: waited %s (%s)", w->proc,
			   iv && iv->op ? iv->op : "acquire", sess, d,
			   k == SP_WAIT ? "then acquired" :
			   k == SP_WAIT_FAIL ? "then failed" : "no answer");
	w->open = 0;
}

static void hold_close(struct model *m, struct hold *hd, int64_t t, int ev,
		       const char *end)
{
	int64_t t_lost = hd->lost_at >= 0 && hd->lost_at < t ? hd->lost_at : t;
	char d[32];
	struct span *s;
	if (hd->deadline >= 0 && hd->deadline < t_lost) {
		s = span_add(m, SP_HOLD, hd->row, hd->t0, hd->deadline, hd->ev, -1);
		s->label = xasprintf("holds %s", hd->session);
		s->tip = xasprintf("%s holds %s within its maxHoldMs %lld",
				   hd->proc, hd->session, (long long)hd->ms);
		fmt_s(d, sizeof(d), t_lost - hd->deadline);
		s = span_add(m, SP_HOLD_OVER, hd->row, hd->deadline, t_lost,
			     hd->ev, ev);
		s->label = xasprintf("%s past maxHoldMs", d);
		s->tip = xasprintf("%s holds %s %s past its own maxHoldMs %lld",
				   hd->proc, hd->session, d, (long long)hd->ms);
	} else {
		s = span_add(m, SP_HOLD, hd->row, hd->t0, t_lost, hd->ev,
			     t_lost == t ? ev : hd->lost_ev);
		s->label = xasprintf("holds %s", hd->session);
		fmt_s(d, sizeof(d), t_lost - hd->t0);
		s->tip = xasprintf("%s holds %s for %s (%s)", hd->proc,
				   hd->session, d, end);
	}
	if (t_lost < t) {
		s = span_add(m, SP_HOLD_LOST, hd->row, t_lost, t, hd->lost_ev, ev);
		s->label = xasprintf("%s took the lock", hd->lost_to);
		s->tip = xasprintf("%s still thinks it holds %s; %s took it over",
				   hd->proc, hd->session, hd->lost_to);
	}
	if (hd->deadline >= 0) {
		struct deadline *dl = vec_push(&m->deadlines);
		dl->row = hd->row;
		dl->t0 = hd->t0;
		dl->t1 = hd->deadline;
		dl->ms = hd->ms;
		dl->hot = hd->deadline < t_lost;
		/* released in time: nothing to compare against */
		dl->quiet = !dl->hot && t_lost == t &&
			    strcmp(end, "died holding it") != 0 &&
			    strcmp(end, "still held at the end") != 0;
		dl->ev = hd->ev;
		dl->proc = hd->proc;
		dl->session = hd->session;
	}
	hd->open = 0;
}

static void band_close(struct model *m, struct proc *p, int64_t t, int ev)
{
	if (p->freeze_t >= 0) {
		struct span *s = span_add(m, SP_FROZEN, p->row0, p->freeze_t, t,
					  p->freeze_ev, ev);
		s->nrows = p->nrows;
		s->label = xasprintf("frozen");
		s->tip = xasprintf("%s frozen (SIGSTOP)", p->name);
		p->freeze_t = -1;
	}
	if (p->spin_t >= 0) {
		int64_t end = p->spin_end >= 0 && p->spin_end < t ? p->spin_end : t;
		struct span *s = span_add(m, SP_SPIN, p->row0, p->spin_t, end,
					  p->spin_ev, ev);
		s->nrows = p->nrows;
		s->label = xasprintf("spinning: event loop blocked");
		s->tip = xasprintf("%s spins: its event loop, timers and lanes are blocked",
				   p->name);
		p->spin_t = -1;
	}
}

static const char *signame(const char *sig, double num)
{
	static char buf[32];
	if (sig)
		return sig;
	switch ((int)num) {
	case 9: return "KILL";
	case 15: return "TERM";
	case 19: return "STOP";
	case 18: return "CONT";
	case 6: return "ABRT";
	case 11: return "SEGV";
	case 2: return "INT";
	}
	snprintf(buf, sizeof(buf), "%d", (int)num);
	return buf;
}

static void on_invoke(struct model *m, struct hev *e, int i)
{
	const char *op = jstr(e->v, "op");
	struct inv *iv = vec_push(&m->invs);
	iv->proc = e->proc;
	iv->op = op;
	iv->session = jstr(e->v, "session");
	iv->msg = jstr(e->v, "msg");
	iv->lane = jstr(e->v, "lane") ? jstr(e->v, "lane") : "main";
	iv->id = jnum(e->v, "id", -1);
	iv->ev = i;
	iv->row = row_of(m, e->proc, lane_op(op) ? iv->lane : NULL);
	iv->maxhold = jnum(e->v, "maxHoldMs", -1);
	if (iv->maxhold < 0) {
		jv params = jget(m->meta, "params");
		iv->maxhold = jnum(params, "maxHoldMs", -1);
		jv_free(params);
	}
	if (streq(op, "acquire") || streq(op, "deliver") || streq(op, "turn")) {
		struct wait *w = vec_push(&m->waits);
		w->proc = e->proc;
		w->id = iv->id;
		w->row = iv->row;
		w->ev = i;
		w->t0 = e->t;
		w->open = 1;
	}
	if (iv->msg && (streq(op, "deliver") || streq(op, "turn"))) {
		struct msg *g = vec_push(&m->msgs);
		g->inv = (int)m->invs.n - 1;
		g->out = OUT_NONE;
		g->ev_out = -1;
	}
}

static void on_acquired(struct model *m, struct hev *e, int i)
{
	double id = jnum(e->v, "id", -1);
	const char *session = jstr(e->v, "session");
	const char *lane = jstr(e->v, "lane") ? jstr(e->v, "lane") : "main";
	struct inv *iv = inv_find(m, e->proc, id);
	int row = row_of(m, e->proc, lane);
	struct wait *w = wait_find(m, e->proc, id);
	if (w)
		wait_close(m, w, SP_WAIT, e->t, i, NULL);
	for (size_t k = 0; k < m->holds.n; k++) {
		struct hold *hd = &m->holds.v[k];
		if (hd->open && streq(hd->proc, e->proc) && streq(hd->lane, lane) &&
		    streq(hd->session, session))
			return; /* reentrant, or a repeated report: one bar */
	}
	if (jtrue(e->v, "reentrant"))
		return;
	/* Whoever else still has this session open has lost it now. */
	for (size_t k = 0; k < m->holds.n; k++) {
		struct hold *hd = &m->holds.v[k];
		if (hd->open && hd->lost_at < 0 && streq(hd->session, session)) {
			hd->lost_at = e->t;
			hd->lost_ev = i;
			hd->lost_to = e->proc;
		}
	}
	struct hold *hd = vec_push(&m->holds);
	hd->row = row;
	hd->proc = e->proc;
	hd->lane = lane;
	hd->session = session ? session : "?";
	hd->t0 = e->t;
	hd->ev = i;
	hd->open = 1;
	hd->lost_at = -1;
	hd->lost_ev = -1;
	double ms = iv ? iv->maxhold : -1;
	if (ms < 0) {
		jv params = jget(m->meta, "params");
		ms = jnum(params, "maxHoldMs", -1);
		jv_free(params);
	}
	hd->ms = ms >= 0 ? (int64_t)ms : -1;
	hd->deadline = ms >= 0 ? e->t + (int64_t)(ms * 1000) : -1;

	const char *rec = jstr(e->v, "reclaimed");
	if (rec || jtrue(e->v, "reclaimed"))
		mark_add(m, G_RECLAIM, row, e->t, i, PRIO_MID,
			 xasprintf("reclaimed (%s)", rec ? rec : "stale"),
			 xasprintf("%s reclaimed the lock of %s", e->proc,
				   hd->session));

	struct owner *o = owner_of(m, session);
	if (o) {
		owner_close(m, o, e->t, i);
		o->proc = e->proc;
		o->t0 = e->t;
		o->ev = i;
		o->stale = 0;
	}
}

static void on_released(struct model *m, struct hev *e, int i)
{
	const char *session = jstr(e->v, "session");
	const char *lane = jstr(e->v, "lane");
	const char *why = jstr(e->v, "why");
	struct hold *hd = NULL;
	for (size_t k = m->holds.n; k-- > 0;) {
		struct hold *c = &m->holds.v[k];
		if (c->open && streq(c->proc, e->proc) && streq(c->session, session) &&
		    (!lane || streq(c->lane, lane))) {
			hd = c;
			break;
		}
	}
	if (hd) {
		int row = hd->row;
		hold_close(m, hd, e->t, i, why ? why : "released");
		if (why && strcmp(why, "release") != 0)
			mark_add(m, G_RELEASE_WHY, row, e->t, i, PRIO_MID,
				 xasprintf("released: %s", why),
				 xasprintf("%s released %s (%s)", e->proc,
					   session ? session : "?", why));
	}
	struct owner *o = owner_of(m, session);
	if (o && streq(o->proc, e->proc))
		owner_close(m, o, e->t, i);
}

static void on_outcome(struct model *m, struct hev *e, int i)
{
	double id = jnum(e->v, "id", -1);
	struct inv *iv = inv_find(m, e->proc, id);
	const char *reason = jstr(e->v, "reason");
	const char *error = jstr(e->v, "error");
	enum outcome out = streq(e->type, "ok") ? OUT_OK :
			   streq(e->type, "fail") ? OUT_FAIL : OUT_INFO;
	struct wait *w = wait_find(m, e->proc, id);
	int row = iv ? iv->row : row_of(m, e->proc, NULL);
	if (w)
		wait_close(m, w, out == OUT_OK ? SP_WAIT :
			   out == OUT_FAIL ? SP_WAIT_FAIL : SP_WAIT_LOST,
			   e->t, i, reason ? reason : error);
	for (size_t k = 0; iv && k < m->msgs.n; k++) {
		struct msg *g = &m->msgs.v[k];
		if (&m->invs.v[g->inv] == iv) {
			if (g->out == OUT_NONE || g->out == OUT_INFO) {
				g->out = out;
				g->ev_out = i;
				g->t_out = e->t;
			}
			return;
		}
	}
	/* Commands without a message: show failures and silence only. */
	const char *op = iv && iv->op ? iv->op : jstr(e->v, "op");
	if (out == OUT_FAIL)
		mark_add(m, G_REFUSED, row, e->t, i, PRIO_HIGH,
			 label_cut(xasprintf("%s failed: %s", op ? op : "command",
					     error ? error : reason ? reason : "?"), 56),
			 xasprintf("%s: %s failed (%s)", e->proc, op ? op : "command",
				   reason ? reason : "no reason"));
	else if (out == OUT_INFO && !streq(op, "exit") && !streq(op, "spin"))
		mark_add(m, G_LOST, row, e->t, i, PRIO_MID,
			 xasprintf("%s: no answer", op ? op : "command"),
			 xasprintf("%s: %s got no answer", e->proc, op ? op : "command"));
}

static void on_fault(struct model *m, struct hev *e, int i)
{
	const char *f = jstr(e->v, "fault");
	const char *target = jstr(e->v, "target");
	int p = proc_find(m, target);
	struct proc *pr = p >= 0 ? &m->procs.v[p] : NULL;
	int row = pr ? pr->row0 : -1;
	char *label, *tip;
	enum glyph g;

	m->nfaults++;
	if (streq(f, "kill") || streq(f, "term")) {
		g = streq(f, "kill") ? G_KILL : G_TERM;
		label = xasprintf("SIG%s", streq(f, "kill") ? "KILL" : "TERM");
		tip = xasprintf("harness sent SIG%s to %s", streq(f, "kill") ? "KILL" : "TERM",
				target ? target : "?");
	} else if (streq(f, "freeze")) {
		g = G_FREEZE;
		label = xasprintf("freeze");
		tip = xasprintf("harness froze %s (SIGSTOP): alive but stuck",
				target ? target : "?");
		if (pr && pr->freeze_t < 0) {
			pr->freeze_t = e->t;
			pr->freeze_ev = i;
		}
	} else if (streq(f, "thaw")) {
		g = G_THAW;
		label = xasprintf("thaw");
		tip = xasprintf("harness thawed %s (SIGCONT)", target ? target : "?");
		if (pr && pr->freeze_t >= 0) {
			struct span *s = span_add(m, SP_FROZEN, pr->row0, pr->freeze_t,
						  e->t, pr->freeze_ev, i);
			s->nrows = pr->nrows;
			s->label = xasprintf("frozen");
			s->tip = xasprintf("%s frozen (SIGSTOP)", pr->name);
			pr->freeze_t = -1;
		}
	} else if (streq(f, "spin")) {
		g = G_SPIN;
		double ms = jnum(e->v, "ms", 0);
		label = xasprintf("spin");
		tip = xasprintf("harness made %s spin (event loop blocked)%s",
				target ? target : "?", ms > 0 ? "" : " for good");
		if (pr && pr->spin_t < 0) {
			pr->spin_t = e->t;
			pr->spin_end = ms > 0 ? e->t + (int64_t)(ms * 1000) : -1;
			pr->spin_ev = i;
		}
	} else if (streq(f, "failpoint")) {
		g = G_FAILPOINT;
		const char *name = jstr(e->v, "name");
		const char *en = jstr(e->v, "errno");
		double enn;
		char ebuf[24] = "";
		if (!en && jhas_num(e->v, "errno", &enn)) {
			snprintf(ebuf, sizeof(ebuf), "%d", (int)enn);
			en = ebuf;
		}
		label = en ? xasprintf("failpoint %s (%s)", name ? name : "?", en)
			   : xasprintf("failpoint %s", name ? name : "?");
		tip = xasprintf("failpoint %s fired in %s", name ? name : "?",
				target ? target : "?");
	} else if (streq(f, "recycle")) {
		g = G_RECYCLE;
		double pid = jnum(e->v, "pid", -1), imp = jnum(e->v, "impostorPid", -1);
		label = xasprintf("PID %.0f recycled", pid >= 0 ? pid : imp);
		tip = xasprintf("%s's PID %.0f given to an unrelated process (pid %.0f)",
				target ? target : "?", pid, imp);
	} else if (streq(f, "damage")) {
		g = G_DAMAGE;
		const char *kind = jstr(e->v, "kind");
		const char *s = jstr(e->v, "session") ? jstr(e->v, "session") : target;
		row = row_of_session(m, s);
		label = xasprintf("lock %s", kind ? kind : "damaged");
		/* whatever owned the file does not any more; a removed file
		 * leaves nothing, anything else leaves a bad file */
		struct owner *o = s ? owner_of(m, s) : NULL;
		if (o) {
			owner_close(m, o, e->t, i);
			if (!streq(kind, "removed")) {
				o->damage = kind ? kind : "?";
				o->t0 = e->t;
				o->ev = i;
			}
		}
		tip = xasprintf("harness damaged the lock file of %s: %s",
				s ? s : "?", kind ? kind : "?");
	} else {
		g = G_FAULT;
		label = xasprintf("%s", f ? f : "fault");
		tip = xasprintf("fault %s on %s", f ? f : "?", target ? target : "?");
	}
	if (row < 0)
		row = m->rows.n ? 0 : -1;
	if (row >= 0)
		mark_add(m, g, row, e->t, i, PRIO_HIGH, label, tip);
	else {
		free(label);
		free(tip);
	}
}

static void on_exit_ev(struct model *m, struct hev *e, int i)
{
	int p = proc_find(m, e->proc);
	if (p < 0)
		return;
	struct proc *pr = &m->procs.v[p];
	double code, sig;
	const char *ssig = jstr(e->v, "signal");
	int by_signal = ssig || jhas_num(e->v, "signal", &sig);
	if (!jhas_num(e->v, "code", &code))
		code = -1;
	pr->t_exit = e->t;
	pr->ev_exit = i;
	for (size_t k = 0; k < m->holds.n; k++) {
		struct hold *hd = &m->holds.v[k];
		if (hd->open && streq(hd->proc, e->proc)) {
			hold_close(m, hd, e->t, i, "died holding it");
			struct owner *o = owner_of(m, hd->session);
			if (o && streq(o->proc, e->proc)) {
				owner_close(m, o, e->t, i);
				o->proc = e->proc;
				o->t0 = e->t;
				o->ev = i;
				o->stale = 1;
			}
		}
	}
	for (size_t k = 0; k < m->waits.n; k++)
		if (m->waits.v[k].open && streq(m->waits.v[k].proc, e->proc))
			wait_close(m, &m->waits.v[k], SP_WAIT_LOST, e->t, i, NULL);
	band_close(m, pr, e->t, i);
	if (by_signal)
		mark_add(m, G_DEATH, pr->row0, e->t, i, PRIO_LOW,
			 xasprintf("died (SIG%s)", signame(ssig, sig)),
			 xasprintf("%s died by SIG%s", e->proc, signame(ssig, sig)));
	else
		mark_add(m, G_EXIT, pr->row0, e->t, i, code == 0 ? PRIO_LOW : PRIO_MID,
			 xasprintf("exit %.0f", code),
			 xasprintf("%s exited with code %.0f", e->proc, code));
}

/* Times msg `msg` appears in the final transcript of `session`; -1 when
 * the history has no final state for it. */
static int transcript_count(struct model *m, struct hist *h, const char *session,
			    const char *msg)
{
	if (m->ev_final < 0 || !session)
		return -1;
	jv ss = jget(h->ev.v[m->ev_final].v, "sessions");
	jv s = jget(ss, session);
	jv tr = jget(s, "transcript");
	int n = -1;
	if (jv_get_kind(tr) == JV_KIND_ARRAY) {
		n = 0;
		jv_array_foreach(tr, k, line) {
			jv obj = jv_invalid();
			if (jv_get_kind(line) == JV_KIND_STRING)
				obj = jv_parse(jv_string_value(line));
			else if (jv_get_kind(line) == JV_KIND_OBJECT)
				obj = jv_copy(line);
			if (streq(jstr(obj, "msg"), msg))
				n++;
			jv_free(obj);
			jv_free(line);
		}
	}
	jv_free(tr);
	jv_free(s);
	jv_free(ss);
	return n;
}

static void model_messages(struct model *m, struct hist *h)
{
	for (size_t k = 0; k < m->msgs.n; k++) {
		struct msg *g = &m->msgs.v[k];
		struct inv *iv = &m->invs.v[g->inv];
		int n = transcript_count(m, h, iv->session, iv->msg);
		int ev = g->ev_out >= 0 ? g->ev_out : iv->ev;
		int64_t t = g->ev_out >= 0 ? g->t_out : m->t_end;
		const char *error = g->ev_out >= 0 ? jstr(h->ev.v[g->ev_out].v, "error") : NULL;
		const char *reason = g->ev_out >= 0 ? jstr(h->ev.v[g->ev_out].v, "reason") : NULL;
		enum glyph gl;
		enum prio pr = PRIO_HIGH;
		char *label, *tip;
		if (g->out == OUT_OK && n > 1) {
			gl = G_DUP;
			label = xasprintf("%s written %d times", iv->msg, n);
			tip = xasprintf("%s: %s reported ok, but the transcript has it %d times",
					iv->proc, iv->msg, n);
		} else if (g->out == OUT_OK && n == 0) {
			gl = G_DROPPED;
			label = xasprintf("%s DROPPED", iv->msg);
			tip = xasprintf("%s: %s reported ok, but it is not in the transcript of %s",
					iv->proc, iv->msg, iv->session ? iv->session : "?");
		} else if (g->out == OUT_OK) {
			gl = G_DELIVERED;
			pr = PRIO_LOW;
			label = xasprintf("%s", iv->msg);
			tip = xasprintf("%s: %s delivered%s", iv->proc, iv->msg,
					n < 0 ? " (no final transcript to confirm)" : "");
		} else if (g->out == OUT_FAIL && n > 0) {
			gl = G_WRITTEN;
			label = xasprintf("%s refused, yet written", iv->msg);
			tip = xasprintf("%s: %s was refused (%s) but is in the transcript",
					iv->proc, iv->msg, reason ? reason : "?");
		} else if (g->out == OUT_FAIL) {
			gl = G_REFUSED;
			label = xasprintf("%s refused: %.*s", iv->msg, 600,
					  error ? error : reason ? reason : "no error given");
			label = label_cut(label, 56);
			tip = xasprintf("%s: %s refused (%s)", iv->proc, iv->msg,
					reason ? reason : "no reason");
		} else {
			gl = G_LOST;
			pr = PRIO_MID;
			label = xasprintf("%s lost: no answer", iv->msg);
			tip = xasprintf("%s: %s got no answer%s", iv->proc, iv->msg,
					g->out == OUT_INFO ? " (holder died or the run ended)" : "");
		}
		m->nout[gl]++;
		mark_add(m, gl, iv->row, t, ev, pr, label, tip);
	}
}

static void model_build(struct model *m, struct hist *h)
{
	m->ev_final = -1;
	m->meta = h->ev.v[0].v;
	m->t_min = 0;
	m->t_end = 0;
	for (size_t i = 0; i < h->ev.n; i++) {
		if (h->ev.v[i].t > m->t_end)
			m->t_end = h->ev.v[i].t;
		if (h->ev.v[i].t < m->t_min)
			m->t_min = h->ev.v[i].t;
		if (streq(h->ev.v[i].type, "verdict")) {
			double at;
			if (jhas_num(h->ev.v[i].v, "at", &at) && at > m->t_end)
				m->t_end = (int64_t)at;
		}
	}
	if (m->t_end - m->t_min < 1000)
		m->t_end = m->t_min + 1000;

	model_discover(m, h);

	for (size_t ui = 0; ui < h->ev.n; ui++) {
		int i = (int)ui;
		struct hev *e = &h->ev.v[i];
		const char *type = e->type;
		if (streq(type, "spawn") && is_holder(e->proc)) {
			struct proc *p = &m->procs.v[proc_find(m, e->proc)];
			if (p->t_spawn < 0) {
				p->t_spawn = e->t;
				p->ev_spawn = i;
			}
			p->impl = jstr(e->v, "impl");
			p->version = jstr(e->v, "version");
			p->bug = jstr(e->v, "bug");
			p->pid = jnum(e->v, "pid", -1);
		} else if (streq(type, "invoke") && is_holder(e->proc)) {
			on_invoke(m, e, i);
		} else if (streq(type, "acquired") && is_holder(e->proc)) {
			on_acquired(m, e, i);
		} else if (streq(type, "released") && is_holder(e->proc)) {
			on_released(m, e, i);
		} else if ((streq(type, "ok") || streq(type, "fail") ||
			    streq(type, "info")) && is_holder(e->proc)) {
			on_outcome(m, e, i);
		} else if (streq(type, "appended") && is_holder(e->proc)) {
			const char *msg = jstr(e->v, "msg");
			mark_add(m, G_APPENDED, row_of(m, e->proc, jstr(e->v, "lane")),
				 e->t, i, PRIO_LOW, NULL,
				 xasprintf("%s appended %s", e->proc, msg ? msg : "a line"));
		} else if (streq(type, "log") && is_holder(e->proc)) {
			const char *lv = jstr(e->v, "level");
			if (streq(lv, "WARN") || streq(lv, "ERROR")) {
				const char *msg = jstr(e->v, "msg");
				/* no label: log text is long and the
				 * marks it explains carry their own */
				mark_add(m, G_WARN, row_of(m, e->proc, NULL), e->t, i,
					 PRIO_LOW, NULL,
					 xasprintf("%s logged %s: %s", e->proc, lv,
						   msg ? msg : ""));
			}
		} else if (streq(type, "error") && is_holder(e->proc)) {
			const char *er = jstr(e->v, "error");
			mark_add(m, G_PROTO, row_of(m, e->proc, NULL), e->t, i,
				 PRIO_MID, xasprintf("protocol: %s", er ? er : "?"),
				 xasprintf("%s: protocol error", e->proc));
		} else if (streq(type, "fault")) {
			on_fault(m, e, i);
		} else if (streq(type, "exit") && is_holder(e->proc)) {
			on_exit_ev(m, e, i);
		} else if (streq(type, "final")) {
			m->ev_final = i;
		} else if (streq(type, "verdict")) {
			if (jfalse(e->v, "ok")) {
				struct pin *p = vec_push(&m->pins);
				double at;
				p->at = jhas_num(e->v, "at", &at) ? (int64_t)at : e->t;
				p->ev = i;
				p->checker = jstr(e->v, "checker");
				p->msg = jstr(e->v, "msg");
				p->proc = e->proc ? e->proc : jstr(e->v, "process");
				p->row = is_holder(p->proc) ? row_of(m, p->proc, NULL) : -1;
			} else if (jstr(e->v, "checker")) {
				*vec_push(&m->passed) = jstr(e->v, "checker");
			}
		}
	}

	/* Close what the history left open at its end. */
	int ev_end = m->ev_final >= 0 ? m->ev_final : (int)h->ev.n - 1;
	for (size_t k = 0; k < m->holds.n; k++)
		if (m->holds.v[k].open)
			hold_close(m, &m->holds.v[k], m->t_end, ev_end, "still held at the end");
	for (size_t k = 0; k < m->waits.n; k++)
		if (m->waits.v[k].open)
			wait_close(m, &m->waits.v[k], SP_WAIT_LOST, m->t_end, ev_end, NULL);
	for (size_t k = 0; k < m->owners.n; k++)
		owner_close(m, &m->owners.v[k], m->t_end, ev_end);
	for (size_t p = 0; p < m->procs.n; p++) {
		struct proc *pr = &m->procs.v[p];
		band_close(m, pr, m->t_end, ev_end);
		int64_t t0 = pr->t_spawn >= 0 ? pr->t_spawn : m->t_min;
		int64_t t1 = pr->t_exit >= 0 ? pr->t_exit : m->t_end;
		struct span *s = span_add(m, SP_LIFE, pr->row0, t0, t1, pr->ev_spawn,
					  pr->ev_exit);
		s->nrows = pr->nrows;
		s->tip = xasprintf("%s alive", pr->name);
	}
	if (m->ev_final >= 0) {
		jv ss = jget(h->ev.v[m->ev_final].v, "sessions");
		for (size_t k = 0; k < m->sessions.n; k++) {
			jv s = jget(ss, m->sessions.v[k]);
			const char *lock = jstr(s, "lock");
			if (lock && strcmp(lock, "absent") != 0)
				mark_add(m, G_LEFT, row_of_session(m, m->sessions.v[k]),
					 m->t_end, m->ev_final, PRIO_HIGH,
					 xasprintf("lock %s left behind",
						   streq(lock, "file") ? "file" : lock),
					 xasprintf("at the end %s.lock is still there (%s)",
						   m->sessions.v[k], lock));
			jv_free(s);
		}
		jv_free(ss);
	}
	model_messages(m, h);
}

/* ========================================================================= */
/* Timeline: layout and drawing                                              */
/* ========================================================================= */

#define SVG_W 1360.0
#define PLOT_X0 190.0
#define PLOT_X1 1330.0
#define ROW_H 56.0
#define SROW_H 34.0
#define CHAR_W 6.4      /* 11.5px sans text, a little generous */
#define PIN_CHARS 78    /* verdict text wraps at this many characters */
#define PIN_LINE_H 15.0

struct box {
	double x0, x1, y0, y1;
};

struct layout {
	double rows_y0, rows_y1;
	double pins_y0;
	double height;
	int64_t t0, t1;
	double scale;   /* px per microsecond */
	VEC(struct box) occ; /* label boxes taken */
};

static double X(const struct layout *L, int64_t t)
{
	double x = PLOT_X0 + (double)(t - L->t0) * L->scale;
	return x < PLOT_X0 ? PLOT_X0 : x > PLOT_X1 ? PLOT_X1 : x;
}

static int occ_free(struct layout *L, double x0, double x1, double y0, double y1)
{
	for (size_t i = 0; i < L->occ.n; i++) {
		struct box *b = &L->occ.v[i];
		if (x0 < b->x1 && b->x0 < x1 && y0 < b->y1 && b->y0 < y1)
			return 0;
	}
	return 1;
}

static void occ_take(struct layout *L, double x0, double x1, double y0, double y1)
{
	struct box *b = vec_push(&L->occ);
	b->x0 = x0;
	b->x1 = x1;
	b->y0 = y0;
	b->y1 = y1;
}

/* Splits `s` into lines of at most `width` characters at spaces. */
static int wrap(const char *s, size_t width, int max_lines, char ***out)
{
	char **lines = NULL;
	int n = 0;
	while (s && *s && n < max_lines) {
		size_t len = strlen(s), cut = len;
		if (codepoints(s) > width) {
			/* byte offset of the width-th code point */
			size_t cps = 0, b = 0;
			while (s[b] && cps < width) {
				b++;
				while (((unsigned char)s[b] & 0xC0) == 0x80)
					b++;
				cps++;
			}
			cut = b;
			for (size_t k = b; k > width / 2; k--)
				if (s[k] == ' ') {
					cut = k;
					break;
				}
		}
		lines = xrealloc(lines, sizeof(*lines) * (size_t)(n + 1));
		if (n == max_lines - 1 && cut < len) {
			lines[n] = xasprintf("%.*s\xE2\x80\xA6", (int)cut, s);
			n++;
			break;
		}
		lines[n++] = xasprintf("%.*s", (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
	}
	*out = lines;
	return n;
}

static void label_place(struct model *m, struct layout *L, struct mark *k)
{
	struct row *r = &m->rows.v[k->row];
	double x = k->gx;
	int bold = k->prio != PRIO_LOW;
	double w = text_w(k->label, bold ? 7.0 : CHAR_W);
	double ys[2], hh = 13;
	int left_first = k->glyph == G_REFUSED || k->glyph == G_LOST;
	if (r->kind == ROW_SESSION) {
		ys[0] = r->y + 1;
		ys[1] = r->y + r->h - 12;
	} else {
		ys[0] = r->y + 2;
		ys[1] = r->y + r->h - 15;
	}
	for (int s = 0; s < 2; s++) {
		int left = s ^ left_first;
		for (int tier = 0; tier < 2; tier++) {
			double x0 = left ? x - 8 - w : x + 8;
			double x1 = x0 + w;
			if (x0 < PLOT_X0 - 2 || x1 > SVG_W - 4)
				continue;
			/* 6 px of air between neighbours */
			if (!occ_free(L, x0 - 6, x1 + 6, ys[tier], ys[tier] + hh))
				continue;
			occ_take(L, x0, x1, ys[tier], ys[tier] + hh);
			k->placed = 1;
			k->lx = left ? x1 : x0;
			k->anchor_end = left;
			k->ly = ys[tier] + 10;
			return;
		}
	}
}

static int cmp_pin(const void *a, const void *b)
{
	const struct pin *p = a, *q = b;
	return p->at < q->at ? -1 : p->at > q->at;
}

static void layout_build(struct model *m, struct layout *L)
{
	L->t0 = m->t_min;
	/* 3% of air after the end: what happens last (a burst of deliveries,
	 * the final state) needs room for its glyphs */
	L->t1 = m->t_end + (m->t_end - m->t_min) * 3 / 100;
	L->scale = (PLOT_X1 - PLOT_X0) / (double)(L->t1 - L->t0);

	/* Verdict boxes, stacked in tiers above the rows. */
	if (m->pins.n)
		qsort(m->pins.v, m->pins.n, sizeof(*m->pins.v), cmp_pin);
	double y = 34;
	L->pins_y0 = y;
	struct tier {
		double x_end, y, h;
	};
	VEC(struct tier) tiers = { 0 };
	for (size_t i = 0; i < m->pins.n; i++) {
		struct pin *p = &m->pins.v[i];
		char *text = xasprintf("%s: %s", p->checker ? p->checker : "verdict",
				       p->msg ? p->msg : "failed");
		p->nlines = wrap(text, PIN_CHARS, 4, &p->lines);
		free(text);
		double w = 0;
		for (int k = 0; k < p->nlines; k++)
			if (text_w(p->lines[k], 6.6) > w)
				w = text_w(p->lines[k], 6.6);
		p->bw = w + 26;
		p->bh = p->nlines * PIN_LINE_H + 10;
		double x = X(L, p->at);
		p->bx = x + p->bw > PLOT_X1 + 20 ? x - p->bw : x;
		if (p->bx < 4)
			p->bx = 4;
		size_t t;
		for (t = 0; t < tiers.n; t++)
			if (tiers.v[t].x_end + 8 < p->bx)
				break;
		if (t == tiers.n) {
			struct tier *nt = vec_push(&tiers);
			nt->x_end = -1e9;
			nt->y = t ? tiers.v[t - 1].y + tiers.v[t - 1].h + 6 : y;
			nt->h = 0;
		}
		tiers.v[t].x_end = p->bx + p->bw;
		if (p->bh > tiers.v[t].h) {
			/* a taller box pushes the tiers below it down */
			double grow = p->bh - tiers.v[t].h;
			tiers.v[t].h = p->bh;
			for (size_t u = t + 1; u < tiers.n; u++)
				tiers.v[u].y += grow;
		}
		p->by = t; /* tier index for now */
	}
	for (size_t i = 0; i < m->pins.n; i++)
		m->pins.v[i].by = tiers.v[(size_t)m->pins.v[i].by].y;
	if (tiers.n)
		y = tiers.v[tiers.n - 1].y + tiers.v[tiers.n - 1].h + 10;
	free(tiers.v);

	/* Rows. */
	L->rows_y0 = y;
	for (size_t i = 0; i < m->rows.n; i++) {
		struct row *r = &m->rows.v[i];
		r->h = r->kind == ROW_SESSION ? SROW_H : ROW_H;
		r->y = y;
		y += r->h;
		if (r->kind == ROW_SESSION && (i + 1 == m->rows.n ||
					       m->rows.v[i + 1].kind != ROW_SESSION))
			y += 8; /* gap between the lock rows and the holders */
	}
	L->rows_y1 = y;
	L->height = y + 34;

	/* Glyphs closer than a glyph's width on one row are nudged right,
	 * up to 3 widths: a kill and the death it causes must both show.
	 * The hover text keeps the exact time. */
	for (size_t i = 0; i < m->marks.n; i++)
		m->marks.v[i].gx = X(L, m->marks.v[i].t);
	for (size_t r = 0; r < m->rows.n; r++) {
		double last = -1e9;
		for (;;) {
			/* next mark of row r by time, after `last` in order */
			struct mark *best = NULL;
			for (size_t i = 0; i < m->marks.n; i++) {
				struct mark *k = &m->marks.v[i];
				if (k->row != (int)r || k->glyph == G_NONE ||
				    k->glyph == G_APPENDED || k->placed)
					continue;
				if (!best || k->t < best->t)
					best = k;
			}
			if (!best)
				break;
			best->placed = 1; /* visited; reset below */
			if (best->gx < last + 15 && last + 15 - best->gx < 45)
				best->gx = last + 15;
			last = best->gx;
		}
	}
	for (size_t i = 0; i < m->marks.n; i++)
		m->marks.v[i].placed = 0;

	/* Band labels sit at the bottom of their band. */
	for (size_t i = 0; i < m->spans.n; i++) {
		struct span *s = &m->spans.v[i];
		if ((s->kind != SP_FROZEN && s->kind != SP_SPIN) || !s->label)
			continue;
		struct row *last = &m->rows.v[s->row + s->nrows - 1];
		double x0 = X(L, s->t0), x1 = X(L, s->t1);
		double w = text_w(s->label, 6.2);
		double y1 = last->y + last->h - 2, y0 = y1 - 14;
		if (x1 - x0 > w + 8 && occ_free(L, x0, x0 + w + 8, y0, y1)) {
			occ_take(L, x0, x0 + w + 8, y0, y1);
			s->label_ok = 1;
		}
	}

	/* Labels: the most important first, earliest first within a rank,
	 * each where it fits: above the bar, then below it; right of its
	 * mark, then left (marks that end a bar try left first, over their
	 * bar). A label that fits nowhere is shortened once, then left to the
	 * hover text. */
	size_t *order = xrealloc(NULL, sizeof(*order) * (m->marks.n + 1));
	for (size_t i = 0; i < m->marks.n; i++)
		order[i] = i;
	for (size_t i = 1; i < m->marks.n; i++) /* insertion sort: stable */
		for (size_t j = i; j > 0; j--) {
			struct mark *a = &m->marks.v[order[j - 1]];
			struct mark *b = &m->marks.v[order[j]];
			if (a->prio > b->prio || (a->prio == b->prio && a->t <= b->t))
				break;
			size_t tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (size_t oi = 0; oi < m->marks.n; oi++) {
		struct mark *k = &m->marks.v[order[oi]];
		if (!k->label || k->row < 0)
			continue;
		label_place(m, L, k);
		if (!k->placed && codepoints(k->label) > 30) {
			char **lines;
			int n = wrap(k->label, 28, 1, &lines);
			if (n == 1) {
				free(k->label);
				k->label = lines[0];
				label_place(m, L, k);
			}
			free(lines);
		}
	}
	free(order);
}

static void tip_event(FILE *f, struct hist *h, int ev)
{
	if (ev < 0 || (size_t)ev >= h->ev.n)
		return;
	char *s = jdump(h->ev.v[ev].v);
	fputc('\n', f);
	esc(f, s);
	free(s);
}

/* <title>: a line of plain words, then the raw events behind the mark. */
static void title(FILE *f, struct hist *h, const char *tip, int ev0, int ev1)
{
	fputs("<title>", f);
	esc(f, tip);
	tip_event(f, h, ev0);
	if (ev1 != ev0)
		tip_event(f, h, ev1);
	fputs("</title>", f);
}

static void svg_defs(FILE *f)
{
	fputs("<defs>\n"
	      "<pattern id=\"hatch-lost\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	      "<rect width=\"6\" height=\"6\" fill=\"#cfe8cf\"/><rect width=\"3\" height=\"6\" fill=\"#8fbf8f\"/></pattern>\n"
	      "<pattern id=\"hatch-stale\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	      "<rect width=\"6\" height=\"6\" fill=\"#f3c7c7\"/><rect width=\"3\" height=\"6\" fill=\"#b42318\"/></pattern>\n"
	      "<pattern id=\"hatch-waitlost\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	      "<rect width=\"6\" height=\"6\" fill=\"#e5e7eb\"/><rect width=\"3\" height=\"6\" fill=\"#9ca3af\"/></pattern>\n"
	      "<pattern id=\"hatch-spin\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	      "<rect width=\"8\" height=\"8\" fill=\"#fff4e5\"/><rect width=\"2\" height=\"8\" fill=\"#fbd38d\"/></pattern>\n"
	      /* glyphs, centred on 0,0, about 14 px */
	      "<g id=\"g-kill\"><circle r=\"7.5\" fill=\"#b42318\"/><path d=\"M-3.5-3.5L3.5 3.5M3.5-3.5L-3.5 3.5\" stroke=\"#fff\" stroke-width=\"2\"/></g>\n"
	      "<g id=\"g-term\"><path d=\"M-3.1-7.5H3.1L7.5-3.1V3.1L3.1 7.5H-3.1L-7.5 3.1V-3.1Z\" fill=\"#e8590c\"/><path d=\"M-3.5 0H3.5\" stroke=\"#fff\" stroke-width=\"2.2\"/></g>\n"
	      "<g id=\"g-freeze\"><rect x=\"-7\" y=\"-7\" width=\"14\" height=\"14\" rx=\"2\" fill=\"#1d4ed8\"/><path d=\"M-2.5-4V4M2.5-4V4\" stroke=\"#fff\" stroke-width=\"2.2\"/></g>\n"
	      "<g id=\"g-thaw\"><circle r=\"7.5\" fill=\"#1d4ed8\"/><path d=\"M-2.5-4L4.5 0L-2.5 4Z\" fill=\"#fff\"/></g>\n"
	      "<g id=\"g-failpoint\"><path d=\"M0-8L8 0L0 8L-8 0Z\" fill=\"#7c3aed\"/><path d=\"M1-5L-2.5 1H1L-1 5\" stroke=\"#fff\" stroke-width=\"1.6\" fill=\"none\"/></g>\n"
	      "<g id=\"g-recycle\"><circle r=\"7\" fill=\"#fff\" stroke=\"#0f766e\" stroke-width=\"2.2\"/><circle r=\"2.6\" fill=\"#0f766e\"/></g>\n"
	      "<g id=\"g-damage\"><rect x=\"-7\" y=\"-7\" width=\"14\" height=\"14\" fill=\"#92400e\"/><path d=\"M-4-7L0-1L-3 2L3 7\" stroke=\"#fff\" stroke-width=\"1.8\" fill=\"none\"/></g>\n"
	      "<g id=\"g-spinf\"><circle r=\"7.5\" fill=\"#c2410c\"/><path d=\"M0-4A4 4 0 1 1-4 0\" stroke=\"#fff\" stroke-width=\"1.8\" fill=\"none\"/><path d=\"M-6.2 0.2L-4-2.6L-1.8 0.2Z\" fill=\"#fff\"/></g>\n"
	      "<g id=\"g-fault\"><path d=\"M0-8L2.4-2.4L8-2.4L3.6 1.2L5.2 7L0 3.6L-5.2 7L-3.6 1.2L-8-2.4L-2.4-2.4Z\" fill=\"#6b21a8\"/></g>\n"
	      "<g id=\"g-delivered\"><circle r=\"6\" fill=\"#1a7f37\"/><path d=\"M-3 0L-1 2.5L3.2-2.5\" stroke=\"#fff\" stroke-width=\"1.8\" fill=\"none\"/></g>\n"
	      "<g id=\"g-refused\"><circle r=\"6.5\" fill=\"#fff\" stroke=\"#cf222e\" stroke-width=\"2.4\"/><path d=\"M-4.3 4.3L4.3-4.3\" stroke=\"#cf222e\" stroke-width=\"2.4\"/></g>\n"
	      "<g id=\"g-dropped\"><path d=\"M0-9L9 7H-9Z\" fill=\"#c026d3\"/><path d=\"M0-3.5V2\" stroke=\"#fff\" stroke-width=\"2\"/><circle cy=\"4.5\" r=\"1.2\" fill=\"#fff\"/></g>\n"
	      "<g id=\"g-lostmsg\"><circle r=\"6.5\" fill=\"#fff\" stroke=\"#6b7280\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/><text y=\"3.8\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"700\" fill=\"#374151\">?</text></g>\n"
	      "<g id=\"g-dup\"><rect x=\"-6.5\" y=\"-6.5\" width=\"13\" height=\"13\" fill=\"#ea580c\"/><text y=\"4\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"700\" fill=\"#fff\">2</text></g>\n"
	      "<g id=\"g-written\"><circle r=\"6.5\" fill=\"#c026d3\"/><path d=\"M-4.3 4.3L4.3-4.3\" stroke=\"#fff\" stroke-width=\"2.2\"/></g>\n"
	      "<g id=\"g-appended\"><path d=\"M0-6V6\" stroke=\"#14532d\" stroke-width=\"2\"/></g>\n"
	      "<g id=\"g-reclaim\"><path d=\"M-6-8H6L0 0Z\" fill=\"#0e7490\"/></g>\n"
	      "<g id=\"g-relwhy\"><path d=\"M-6 8H6L0 0Z\" fill=\"#a16207\"/></g>\n"
	      "<g id=\"g-warn\"><path d=\"M0-5.5L5.5 4.5H-5.5Z\" fill=\"#facc15\" stroke=\"#854d0e\" stroke-width=\"1\"/></g>\n"
	      "<g id=\"g-proto\"><rect x=\"-5\" y=\"-5\" width=\"10\" height=\"10\" fill=\"#6b7280\"/></g>\n"
	      "<g id=\"g-exit\"><path d=\"M0-8V8\" stroke=\"#111827\" stroke-width=\"2.5\"/></g>\n"
	      "<g id=\"g-death\"><path d=\"M0-9V9M-5-3.5H5\" stroke=\"#111827\" stroke-width=\"3\"/></g>\n"
	      "<g id=\"g-left\"><rect x=\"-6\" y=\"-6\" width=\"12\" height=\"12\" fill=\"none\" stroke=\"#b42318\" stroke-width=\"2.5\"/></g>\n"
	      "</defs>\n",
	      f);
}

static const char SVG_CSS[] =
	".life{stroke:#c3c9d2;stroke-width:2}\n"
	".wait{fill:#f5b82e}.waitfail{fill:#d92d20}.waitlost{fill:url(#hatch-waitlost);stroke:#9ca3af}\n"
	".hold{fill:#2f9e44}.over{fill:#f76707}.lost{fill:url(#hatch-lost);stroke:#8fbf8f}\n"
	".own{fill:#cbd2dc}.stale{fill:url(#hatch-stale);stroke:#b42318}\n"
	".frozen{fill:#3b82f6;fill-opacity:.13;stroke:#3b82f6;stroke-opacity:.5;stroke-dasharray:4 3}\n"
	".spin{fill:url(#hatch-spin);fill-opacity:.75;stroke:#f59f00;stroke-opacity:.7}\n"
	".bl{font-size:11px;fill:#fff;font-weight:600;pointer-events:none}\n"
	".bl.dark{fill:#1f2937}\n"
	".lbl{font-size:11.5px;fill:#1f2937}\n"
	".lbl.hi{font-weight:700}.lbl.bad{fill:#b42318;font-weight:700}\n"
	".lbl.low{fill:#4b5563}\n"
	".band{font-size:11px;font-style:italic;fill:#7c2d12}\n"
	".rowname{font-size:14px;font-weight:700;fill:#111827}\n"
	".rowsub{font-size:11px;fill:#6b7280}\n"
	".tick{font-size:11px;fill:#6b7280}\n"
	".grid{stroke:#eef0f3}\n"
	".dl{stroke:#6b7280;stroke-width:1.3;stroke-dasharray:5 4;fill:none}\n"
	".dl.hot{stroke:#b42318;stroke-width:2}\n"
	".dl.quiet{stroke:#9ca3af;stroke-width:1;stroke-dasharray:3 3}\n"
	".dlt{font-size:11px;fill:#b42318;font-weight:700}\n"
	".pinline{stroke:#cf222e;stroke-width:2}\n"
	".pinbox{fill:#fff1f0;stroke:#cf222e;stroke-width:1.5}\n"
	".pintext{font-size:12px;fill:#82071e}\n"
	".pintext b{font-weight:700}\n";

static void draw_axis(FILE *f, struct layout *L, double y, int labels_above)
{
	double span_s = (double)(L->t1 - L->t0) / 1e6;
	/* a 1-2-5 ladder: at most 12 ticks */
	static const double mult[] = { 1, 2, 5 };
	double base = pow(10, floor(log10(span_s)) - 1), step = base;
	for (int k = 1; span_s / step > 12; k++)
		step = base * pow(10, k / 3) * mult[k % 3];
	int dec = 0;
	while (dec < 6 && fabs(step * pow(10, dec) - round(step * pow(10, dec))) > 1e-9)
		dec++;
	double start = ceil((double)L->t0 / 1e6 / step) * step;
	for (double s = start; s <= (double)L->t1 / 1e6 + 1e-9; s += step) {
		double x = X(L, (int64_t)llround(s * 1e6));
		if (!labels_above)
			fprintf(f, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
				x, x, L->rows_y0 - 4, L->rows_y1);
		fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.*f s</text>\n",
			x, labels_above ? y - 6 : y + 14, dec, s);
	}
	fprintf(f, "<line stroke=\"#9ca3af\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
		PLOT_X0, PLOT_X1, y, y);
}

static void draw_rows(FILE *f, struct model *m, struct layout *L)
{
	/* backgrounds, alternating per holder */
	for (size_t i = 0; i < m->rows.n; i++) {
		struct row *r = &m->rows.v[i];
		const char *fill = r->kind == ROW_SESSION ? "#f8fafc" :
				   (r->pi % 2 ? "#fbfbfd" : "#ffffff");
		fprintf(f, "<rect x=\"0\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"%s\"/>\n",
			r->y, SVG_W, r->h, fill);
		int first = r->kind == ROW_LANE && m->procs.v[r->pi].row0 == (int)i;
		if (first || (r->kind == ROW_SESSION && i == 0))
			fprintf(f, "<line stroke=\"#d8dde5\" x1=\"0\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
				SVG_W, r->y, r->y);
	}
	fprintf(f, "<line stroke=\"#d8dde5\" x1=\"0\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
		SVG_W, L->rows_y1, L->rows_y1);
}

static void draw_row_labels(FILE *f, struct model *m)
{
	for (size_t i = 0; i < m->rows.n; i++) {
		struct row *r = &m->rows.v[i];
		if (r->kind == ROW_SESSION) {
			fprintf(f, "<g class=\"rowlabel session\" data-session=\"");
			esc(f, r->session);
			fprintf(f, "\"><text class=\"rowsub\" x=\"12\" y=\"%.1f\">lock file</text>"
				"<text class=\"rowname\" x=\"70\" y=\"%.1f\">",
				r->y + r->h / 2 + 4, r->y + r->h / 2 + 5);
			escn(f, r->session, 14);
			fputs("</text></g>\n", f);
			continue;
		}
		struct proc *p = &m->procs.v[r->pi];
		int first = p->row0 == (int)i;
		fputs("<g class=\"rowlabel lane\" data-holder=\"", f);
		esc(f, p->name);
		fputs("\" data-lane=\"", f);
		esc(f, r->lane);
		fputs("\">", f);
		if (first) {
			fprintf(f, "<text class=\"rowname\" x=\"12\" y=\"%.1f\">", r->y + 20);
			escn(f, p->name, 16);
			fputs("</text>", f);
			char sub[96] = "";
			if (p->pid >= 0)
				snprintf(sub, sizeof(sub), "pid %.0f", p->pid);
			fprintf(f, "<text class=\"rowsub\" x=\"12\" y=\"%.1f\">%s", r->y + 36, sub);
			if (p->nrows > 1 || strcmp(r->lane, "main") != 0) {
				fputs(sub[0] ? " \xC2\xB7 lane " : "lane ", f);
				escn(f, r->lane, 14);
			}
			fputs("</text>", f);
			if (p->impl) {
				fprintf(f, "<text class=\"rowsub\" x=\"12\" y=\"%.1f\">", r->y + 50);
				escn(f, p->impl, 14);
				if (p->bug) {
					fputs(" bug:", f);
					escn(f, p->bug, 10);
				}
				fputs("</text>", f);
			}
		} else {
			fprintf(f, "<text class=\"rowsub\" x=\"24\" y=\"%.1f\">lane ", r->y + 30);
			escn(f, r->lane, 18);
			fputs("</text>", f);
		}
		fputs("</g>\n", f);
	}
}

static void draw_spans(FILE *f, struct model *m, struct hist *h, struct layout *L,
		       int bands)
{
	for (size_t i = 0; i < m->spans.n; i++) {
		struct span *s = &m->spans.v[i];
		int is_band = s->kind == SP_FROZEN || s->kind == SP_SPIN;
		if (is_band != bands || s->kind == SP_LIFE)
			continue;
		struct row *r = &m->rows.v[s->row];
		double x0 = X(L, s->t0), x1 = X(L, s->t1);
		if (x1 - x0 < 2.5)
			x1 = x0 + 2.5;
		double y, hh;
		if (is_band) {
			struct row *last = &m->rows.v[s->row + s->nrows - 1];
			y = r->y + 2;
			hh = last->y + last->h - r->y - 4;
		} else if (r->kind == ROW_SESSION) {
			y = r->y + 13;
			hh = 14;
		} else if (s->kind == SP_WAIT || s->kind == SP_WAIT_FAIL ||
			   s->kind == SP_WAIT_LOST) {
			y = r->y + 21;
			hh = 12;
		} else {
			y = r->y + 18;
			hh = 18;
		}
		fprintf(f, "<rect class=\"ev bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"2\">",
			span_info[s->kind].cls, x0, y, x1 - x0, hh);
		char a[32], b[32];
		fmt_s(a, sizeof(a), s->t0);
		fmt_s(b, sizeof(b), s->t1);
		char *tip = xasprintf("%s\n%s \xE2\x86\x92 %s", s->tip ? s->tip : "", a, b);
		title(f, h, tip, s->ev0, s->ev1);
		free(tip);
		fputs("</rect>\n", f);
		if (!s->label)
			continue;
		double w = text_w(s->label, 6.2);
		if (is_band) {
			if (s->label_ok)
				fprintf(f, "<text class=\"band\" x=\"%.1f\" y=\"%.1f\">",
					x0 + 5, y + hh - 5);
			else
				continue;
		} else if (x1 - x0 > w + 30) {
			int dark = s->kind == SP_WAIT || s->kind == SP_OWN ||
				   s->kind == SP_HOLD_LOST || s->kind == SP_WAIT_LOST ||
				   s->kind == SP_STALE;
			/* a failed wait says why at its end, next to the
			 * refusal; the start is where verdicts point */
			int at_end = s->kind == SP_WAIT_FAIL || s->kind == SP_WAIT_LOST;
			fprintf(f, "<text class=\"bl%s\" x=\"%.1f\" y=\"%.1f\"%s>",
				dark ? " dark" : "", at_end ? x1 - 16 : x0 + 5, y + hh / 2 + 4,
				at_end ? " text-anchor=\"end\"" : "");
		} else
			continue;
		esc(f, s->label);
		fputs("</text>\n", f);
	}
}

static void draw_life(FILE *f, struct model *m, struct hist *h, struct layout *L)
{
	for (size_t i = 0; i < m->spans.n; i++) {
		struct span *s = &m->spans.v[i];
		if (s->kind != SP_LIFE)
			continue;
		for (int k = 0; k < s->nrows; k++) {
			struct row *r = &m->rows.v[s->row + k];
			double y = r->y + 27;
			fprintf(f, "<line class=\"ev life\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\">",
				X(L, s->t0), X(L, s->t1), y, y);
			title(f, h, s->tip, s->ev0, s->ev1);
			fputs("</line>\n", f);
		}
	}
}

static void draw_deadlines(FILE *f, struct model *m, struct hist *h, struct layout *L)
{
	for (size_t i = 0; i < m->deadlines.n; i++) {
		struct deadline *d = &m->deadlines.v[i];
		struct row *r = &m->rows.v[d->row];
		double x0 = X(L, d->t0);
		int clipped = d->t1 > L->t1;
		double x1 = X(L, d->t1);
		double yb = r->y + 16; /* the bracket runs just above the bar */
		char *tip = xasprintf("%s's own maxHoldMs for %s: %lld ms, until %.3f s%s",
				      d->proc, d->session, (long long)d->ms,
				      (double)d->t1 / 1e6,
				      d->hot ? " (it still held the lock then)" : "");
		fprintf(f, "<g class=\"ev deadline%s\" data-holder=\"", d->hot ? " hot" : "");
		esc(f, d->proc);
		fputs("\">", f);
		title(f, h, tip, d->ev, d->ev);
		free(tip);
		if (d->hot) {
			fprintf(f, "<path class=\"dl hot\" d=\"M%.1f %.1fH%.1f\"/>", x0, yb, x1);
			if (!clipped)
				fprintf(f, "<path class=\"dl hot\" d=\"M%.1f %.1fV%.1f\"/>",
					x1, L->rows_y0 - 4, L->rows_y1);
		} else if (d->quiet) {
			if (!clipped)
				fprintf(f, "<path class=\"dl quiet\" d=\"M%.1f %.1fV%.1f\"/>",
					x1, r->y + 16, r->y + 38);
		} else {
			fprintf(f, "<path class=\"dl\" d=\"M%.1f %.1fH%.1f\"/>", x0, yb, x1);
			if (!clipped)
				fprintf(f, "<path class=\"dl\" d=\"M%.1f %.1fV%.1f\"/>",
					x1, r->y + 8, r->y + r->h - 8);
		}
		if (clipped && !d->quiet)
			fprintf(f, "<path d=\"M%.1f %.1fl-7-4v8Z\" fill=\"%s\"/>",
				x1, yb, d->hot ? "#b42318" : "#6b7280");
		fputs("</g>\n", f);
	}
}

static void draw_marks(FILE *f, struct model *m, struct hist *h, struct layout *L)
{
	for (size_t i = 0; i < 2 * m->marks.n; i++) {
		/* transcript ticks first, under everything else */
		struct mark *k = &m->marks.v[i % m->marks.n];
		if (k->row < 0 || k->glyph == G_NONE ||
		    (k->glyph == G_APPENDED) != (i < m->marks.n))
			continue;
		struct row *r = &m->rows.v[k->row];
		double x = k->gx;
		double y = r->kind == ROW_SESSION ? r->y + 20 : r->y + 27;
		const char *id = glyph_info[k->glyph].id;
		int fault = k->glyph >= G_KILL && k->glyph <= G_FAULT;
		fprintf(f, "<g class=\"ev mk g-%s%s\">", id, fault ? " fault" : "");
		title(f, h, k->tip ? k->tip : k->label, k->ev, k->ev);
		fprintf(f, "<use href=\"#g-%s\" x=\"%.1f\" y=\"%.1f\"/></g>\n", id, x, y);
	}
	for (size_t i = 0; i < m->marks.n; i++) {
		struct mark *k = &m->marks.v[i];
		if (!k->placed)
			continue;
		const char *cls = k->prio == PRIO_LOW ? "lbl low" :
				  (k->glyph == G_REFUSED || k->glyph == G_DROPPED ||
				   k->glyph == G_WRITTEN || k->glyph == G_DUP ||
				   k->glyph == G_LEFT || k->glyph == G_KILL) ? "lbl bad" : "lbl hi";
		fprintf(f, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\"%s>", cls, k->lx, k->ly,
			k->anchor_end ? " text-anchor=\"end\"" : "");
		esc(f, k->label);
		fputs("</text>\n", f);
	}
}

static void draw_deadline_labels(FILE *f, struct model *m, struct layout *L)
{
	/* One label per hot deadline, at the top of the holder's row. */
	for (size_t i = 0; i < m->deadlines.n; i++) {
		struct deadline *d = &m->deadlines.v[i];
		if (!d->hot)
			continue;
		struct row *r = &m->rows.v[d->row];
		char *s = d->t1 > L->t1
				  ? xasprintf("maxHoldMs %lld ms ends at %.1f s \xE2\x86\x92",
					      (long long)d->ms, (double)d->t1 / 1e6)
				  : xasprintf("%s's maxHoldMs (%lld ms)", d->proc, (long long)d->ms);
		double w = text_w(s, 6.4);
		double x = X(L, d->t1);
		double y0 = r->y + 2;
		double lx = d->t1 > L->t1 ? x - 10 - w : x + 5;
		if (!occ_free(L, lx, lx + w, y0, y0 + 12) && occ_free(L, x - 5 - w, x - 5, y0, y0 + 12))
			lx = x - 5 - w;
		if (occ_free(L, lx, lx + w, y0, y0 + 12)) {
			occ_take(L, lx, lx + w, y0, y0 + 12);
			fprintf(f, "<text class=\"dlt\" x=\"%.1f\" y=\"%.1f\">", lx, y0 + 10);
			esc(f, s);
			fputs("</text>\n", f);
		}
		free(s);
	}
}

static void draw_pins(FILE *f, struct model *m, struct hist *h, struct layout *L)
{
	for (size_t i = 0; i < m->pins.n; i++) {
		struct pin *p = &m->pins.v[i];
		double x = X(L, p->at);
		fprintf(f, "<g class=\"ev verdict-pin\" data-checker=\"");
		esc(f, p->checker);
		fputs("\">", f);
		char *tip = xasprintf("verdict: %s failed at %.3f s",
				      p->checker ? p->checker : "?", (double)p->at / 1e6);
		title(f, h, tip, p->ev, p->ev);
		free(tip);
		fprintf(f, "<line class=\"pinline\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
			x, x, p->by + p->bh, L->rows_y1);
		if (p->row >= 0) {
			struct row *r = &m->rows.v[p->row];
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"9\" fill=\"none\" stroke=\"#cf222e\" stroke-width=\"2.5\"/>",
				x, r->y + 27);
		}
		fprintf(f, "<rect class=\"pinbox\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"4\"/>",
			p->bx, p->by, p->bw, p->bh);
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#cf222e\"/>",
			x, p->by + p->bh);
		for (int k = 0; k < p->nlines; k++) {
			fprintf(f, "<text class=\"pintext\" x=\"%.1f\" y=\"%.1f\">",
				p->bx + 8, p->by + 5 + (k + 1) * PIN_LINE_H - 3);
			if (k == 0)
				fputs("\xE2\x9C\x97 ", f);
			esc(f, p->lines[k]);
			fputs("</text>", f);
		}
		fputs("</g>\n", f);
	}
}

static void legend(FILE *f, struct model *m)
{
	fputs("<div class=\"legend\">", f);
	for (int k = 0; k < SP__NR; k++) {
		if (!m->used_span[k] || k == SP_LIFE)
			continue;
		fprintf(f, "<span><svg width=\"26\" height=\"14\" viewBox=\"0 0 26 14\">"
			"<rect class=\"%s\" x=\"1\" y=\"2\" width=\"24\" height=\"10\" rx=\"2\"/></svg>%s</span>",
			span_info[k].cls, span_info[k].legend);
	}
	if (m->deadlines.n)
		fputs("<span><svg width=\"26\" height=\"14\" viewBox=\"0 0 26 14\">"
		      "<path class=\"dl hot\" d=\"M1 7H25\"/></svg>holder's own maxHoldMs deadline</span>", f);
	if (m->pins.n)
		fputs("<span><svg width=\"14\" height=\"16\" viewBox=\"0 0 14 16\">"
		      "<path class=\"pinline\" d=\"M7 0V16\"/></svg>failed verdict, at the time it concerns</span>", f);
	for (int k = 1; k < G__NR; k++) {
		if (!m->used_glyph[k])
			continue;
		fprintf(f, "<span><svg width=\"20\" height=\"20\" viewBox=\"-10 -10 20 20\">"
			"<use href=\"#g-%s\"/></svg>%s</span>",
			glyph_info[k].id, glyph_info[k].legend);
	}
	fputs("</div>\n", f);
}

/* The "tags" array of `o` (borrowed) as tag chips; non-strings skipped. */
static void put_tags(FILE *f, jv o)
{
	jv tags = jget(o, "tags");

	if (jv_get_kind(tags) == JV_KIND_ARRAY) {
		jv_array_foreach(tags, i, t) {
			if (jv_get_kind(t) == JV_KIND_STRING) {
				fputs("<span class=\"tag\">", f);
				esc(f, jv_string_value(t));
				fputs("</span>", f);
			}
			jv_free(t);
		}
	}
	jv_free(tags);
}

static void header(FILE *f, struct model *m, struct hist *h)
{
	jv meta = m->meta;
	const char *title_s = jstr(meta, "title");
	const char *file = jstr(meta, "file");
	int failed = m->pins.n > 0;
	fprintf(f, "<header><div class=\"big %s\" id=\"verdict\">%s</div><div>",
		failed ? "fail" : "pass", failed ? "FAIL" : "PASS");
	fputs("<h1>", f);
	esc(f, title_s ? title_s : file ? file : "(untitled scenario)");
	fputs("</h1><div class=\"meta\">", f);
	if (file) {
		fputs("<span>file <b class=\"mono\">", f);
		esc(f, file);
		fputs("</b></span>", f);
	}
	double d;
	if (jhas_num(meta, "seed", &d) && h->seed[0] && strtod(h->seed, NULL) == d)
		fprintf(f, "<span>seed <b id=\"seed\">%s</b></span>", h->seed);
	else if (jhas_num(meta, "seed", &d))
		fprintf(f, "<span>seed <b id=\"seed\">%.0f</b></span>", d);
	else if (jstr(meta, "seed")) {
		fputs("<span>seed <b id=\"seed\">", f);
		esc(f, jstr(meta, "seed"));
		fputs("</b></span>", f);
	}
	if (jhas_num(meta, "repeat", &d))
		fprintf(f, "<span>repeat <b>%.0f</b></span>", d);
	/* implementations, once each */
	fputs("<span>holder <b id=\"impl\">", f);
	int n = 0;
	for (size_t i = 0; i < m->procs.n; i++) {
		struct proc *p = &m->procs.v[i];
		if (!p->impl)
			continue;
		int seen = 0;
		for (size_t j = 0; j < i; j++)
			seen |= streq(m->procs.v[j].impl, p->impl) &&
				(m->procs.v[j].version == p->version ||
				 streq(m->procs.v[j].version, p->version)) &&
				(m->procs.v[j].bug == p->bug || streq(m->procs.v[j].bug, p->bug));
		if (seen)
			continue;
		if (n++)
			fputs(", ", f);
		esc(f, p->impl);
		if (p->version) {
			fputc(' ', f);
			esc(f, p->version);
		}
		if (p->bug) {
			fputs(" (bug ", f);
			esc(f, p->bug);
			fputc(')', f);
		}
	}
	if (!n)
		fputs("unknown", f);
	fputs("</b></span>", f);
	char *cmd = jwords(meta, "holder");
	if (cmd) {
		fputs("<span>command <b class=\"mono\">", f);
		escn(f, cmd, 100);
		fputs("</b></span>", f);
		free(cmd);
	}
	fputs("</div><div class=\"meta\">", f);
	jv params = jget(meta, "params");
	if (jv_get_kind(params) == JV_KIND_OBJECT) {
		jv_object_foreach(params, k, v) {
			char *vs = jdump(v);
			fputs("<span>", f);
			esc(f, jv_string_value(k));
			fputs(" <b>", f);
			escn(f, vs, 40);
			fputs("</b></span>", f);
			free(vs);
			jv_free(k);
			jv_free(v);
		}
	}
	jv_free(params);
	put_tags(f, meta);
	fputs("</div></div></header>\n", f);

	if (failed) {
		fprintf(f, "<h2>%zu failed verdict%s</h2><ol class=\"failures\" id=\"failures\">",
			m->pins.n, m->pins.n == 1 ? "" : "s");
		for (size_t i = 0; i < m->pins.n; i++) {
			struct pin *p = &m->pins.v[i];
			fputs("<li><span class=\"chk\">", f);
			esc(f, p->checker ? p->checker : "verdict");
			fprintf(f, "</span> at %.3f s", (double)p->at / 1e6);
			if (p->proc) {
				fputs(" (", f);
				esc(f, p->proc);
				fputc(')', f);
			}
			fputs(": <span class=\"msg\">", f);
			esc(f, p->msg ? p->msg : "failed");
			fputs("</span></li>", f);
		}
		fputs("</ol>\n", f);
	}
	/* One sentence of what happened, for someone who has not read the
	 * scenario. */
	fprintf(f, "<p class=\"story\">%zu holder%s, %zu lock session%s, %.3f s. ",
		m->procs.n, m->procs.n == 1 ? "" : "s", m->sessions.n,
		m->sessions.n == 1 ? "" : "s", (double)(m->t_end - m->t_min) / 1e6);
	size_t nmsg = m->msgs.n;
	if (nmsg) {
		fprintf(f, "Messages: %zu", nmsg);
		static const struct { enum glyph g; const char *w; } outs[] = {
			{ G_DELIVERED, "delivered" }, { G_REFUSED, "refused" },
			{ G_DROPPED, "DROPPED" }, { G_LOST, "lost" },
			{ G_DUP, "duplicated" }, { G_WRITTEN, "refused yet written" },
		};
		for (size_t i = 0; i < sizeof(outs) / sizeof(*outs); i++)
			if (m->nout[outs[i].g])
				fprintf(f, ", %d %s", m->nout[outs[i].g], outs[i].w);
		fputs(". ", f);
	}
	if (m->nfaults) {
		fprintf(f, "Faults: ");
		int k = 0;
		for (size_t i = 0; i < h->ev.n; i++) {
			struct hev *e = &h->ev.v[i];
			if (!streq(e->type, "fault"))
				continue;
			if (k++)
				fputs(", ", f);
			const char *tg = jstr(e->v, "target");
			escf(f, "%s %s at %.3f s", jstr(e->v, "fault") ? jstr(e->v, "fault") : "?",
			     tg ? tg : "", (double)e->t / 1e6);
		}
		fputs(".", f);
	} else
		fputs("No fault injected.", f);
	if (m->passed.n) {
		fputs(" Passed checkers: ", f);
		for (size_t i = 0; i < m->passed.n; i++) {
			if (i)
				fputs(", ", f);
			esc(f, m->passed.v[i]);
		}
		fputc('.', f);
	}
	fputs("</p>\n", f);
}

static void timeline_print(FILE *f, struct model *m, struct hist *h, struct layout *L)
{
	const char *t = jstr(m->meta, "title");
	char *ptitle = xasprintf("%s %s", m->pins.n ? "FAIL" : "PASS",
				 t ? t : jstr(m->meta, "file") ? jstr(m->meta, "file") : "timeline");
	page_open(f, ptitle);
	free(ptitle);
	header(f, m, h);
	fprintf(f, "<svg class=\"tl\" id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\">\n",
		SVG_W, L->height, SVG_W, L->height);
	fprintf(f, "<style>%s</style>\n", SVG_CSS);
	svg_defs(f);
	draw_rows(f, m, L);
	draw_axis(f, L, L->rows_y1, 0);
	draw_axis(f, L, 24, 1);
	draw_spans(f, m, h, L, 1);
	draw_row_labels(f, m);
	draw_life(f, m, h, L);
	draw_deadlines(f, m, h, L);
	draw_spans(f, m, h, L, 0);
	draw_marks(f, m, h, L);
	draw_deadline_labels(f, m, L);
	draw_pins(f, m, h, L);
	fputs("</svg>\n", f);
	legend(f, m);
	fprintf(f, "<details><summary>All %zu events</summary><pre id=\"events\">", h->ev.n);
	for (size_t i = 0; i < h->ev.n; i++) {
		char *s = jdump(h->ev.v[i].v);
		esc(f, s);
		fputc('\n', f);
		free(s);
	}
	fputs("</pre></details>\n", f);
	fputs("<pre id=\"inspect\">Point at a bar or a mark to see the events behind it.</pre>\n", f);
	page_close(f, 1);
}

int html_timeline_write(const char *history_path, const char *out_path, char **err)
{
	struct hist h = { 0 };
	if (hist_load(&h, history_path, err) < 0)
		return -1;
	struct model m = { 0 };
	struct layout L = { 0 };
	model_build(&m, &h);
	layout_build(&m, &L);
	char *tmp;
	int r = -1;
	FILE *f = page_create(out_path, &tmp, err);
	if (f) {
		timeline_print(f, &m, &h, &L);
		r = page_commit(f, tmp, out_path, err);
	}
	free(L.occ.v);
	model_clear(&m);
	hist_clear(&h);
	return r;
}

/* ========================================================================= */
/* Index                                                                     */
/* ========================================================================= */

static void fmt_ms(FILE *f, double ms)
{
	if (ms < 1000)
		fprintf(f, "%.0f ms", ms);
	else if (ms < 600000)
		fprintf(f, "%.2f s", ms / 1000);
	else
		fprintf(f, "%.0f min %.0f s", floor(ms / 60000), fmod(ms, 60000) / 1000);
}

static const char *status_cls(const char *st)
{
	if (streq(st, "pass"))
		return "pass";
	if (streq(st, "fail"))
		return "fail";
	if (streq(st, "na"))
		return "na";
	return "error";
}

static const char *status_word(const char *st)
{
	if (streq(st, "pass"))
		return "pass";
	if (streq(st, "fail"))
		return "FAIL";
	if (streq(st, "na"))
		return "n/a";
	return "ERROR";
}

static void index_failures(FILE *f, jv sc)
{
	jv fl = jget(sc, "failures");
	if (jv_get_kind(fl) == JV_KIND_ARRAY && jv_array_length(jv_copy(fl)) > 0) {
		fputs("<ul class=\"reason\">", f);
		jv_array_foreach(fl, i, x) {
			double at;
			fputs("<li><b>", f);
			esc(f, jstr(x, "checker") ? jstr(x, "checker") : "verdict");
			fputs("</b>", f);
			if (jhas_num(x, "at", &at))
				fprintf(f, " at %.3f s", at / 1e6);
			fputs(": ", f);
			esc(f, jstr(x, "msg"));
			fputs("</li>", f);
			jv_free(x);
		}
		fputs("</ul>", f);
	}
	jv_free(fl);
}

static void index_links(FILE *f, const char *dir)
{
	if (!dir)
		return;
	fputs("<a class=\"tl-link\" href=\"", f);
	urlesc(f, dir);
	fputs("/timeline.html\">timeline</a> \xC2\xB7 <a class=\"hist-link\" href=\"", f);
	urlesc(f, dir);
	fputs("/history.jsonl\">history</a>", f);
}

static void index_matrix(FILE *f, jv mx)
{
	jv impls = jget(mx, "impls");
	jv rows = jget(mx, "rows");
	if (jv_get_kind(impls) != JV_KIND_ARRAY || jv_get_kind(rows) != JV_KIND_ARRAY) {
		jv_free(impls);
		jv_free(rows);
		return;
	}
	fputs("<h2>Matrix: scenarios \xC3\x97 lock implementations</h2>\n"
	      "<table id=\"matrix\"><thead><tr><th>scenario</th>", f);
	jv_array_foreach(impls, i, im) {
		fputs("<th>", f);
		if (jv_get_kind(im) == JV_KIND_STRING)
			esc(f, jv_string_value(im));
		fputs("</th>", f);
		jv_free(im);
	}
	fputs("</tr></thead><tbody>\n", f);
	jv_array_foreach(rows, r, row) {
		const char *title_s = jstr(row, "title"), *file = jstr(row, "file");
		fputs("<tr><td>", f);
		esc(f, title_s ? title_s : file ? file : "?");
		if (file && title_s) {
			fputs("<div class=\"reason mono\">", f);
			esc(f, file);
			fputs("</div>", f);
		}
		fputs("</td>", f);
		jv cells = jget(row, "cells");
		jv_array_foreach(impls, i, im) {
			jv cell = jv_get_kind(im) == JV_KIND_STRING ? jget(cells, jv_string_value(im))
								    : jv_invalid();
			if (jv_get_kind(cell) != JV_KIND_OBJECT) {
				fputs("<td class=\"cell\">\xE2\x80\x94</td>", f);
			} else {
				const char *st = jstr(cell, "status");
				const char *reason = jstr(cell, "reason");
				double rec;
				const char *dir = jstr(cell, "dir");
				fprintf(f, "<td class=\"cell %s\">", status_cls(st));
				if (dir) {
					fputs("<a href=\"", f);
					urlesc(f, dir);
					fputs("/timeline.html\">", f);
				}
				fprintf(f, "<span class=\"st %s\">%s</span>", status_cls(st),
					status_word(st));
				if (dir)
					fputs("</a>", f);
				if (reason && *reason) {
					fputc(' ', f);
					escn(f, reason, 160);
				}
				if (jhas_num(cell, "recoveryMs", &rec) && rec >= 0) {
					fputs("<div class=\"reason\">recovered in ", f);
					fmt_ms(f, rec);
					fputs("</div>", f);
				}
				fputs("</td>", f);
			}
			jv_free(cell);
			jv_free(im);
		}
		jv_free(cells);
		fputs("</tr>\n", f);
		jv_free(row);
	}
	fputs("</tbody></table>\n", f);
	jv_free(impls);
	jv_free(rows);
}

static void index_print(FILE *f, jv sum, jv scs)
{
	double d;
	int n = jv_array_length(jv_copy(scs));
	int count[4] = { 0 }; /* pass fail na error */
	jv_array_foreach(scs, i, sc) {
		const char *st = jstr(sc, "status");
		count[streq(st, "pass") ? 0 : streq(st, "fail") ? 1 : streq(st, "na") ? 2 : 3]++;
		jv_free(sc);
	}
	int bad = count[1] + count[3] > 0;
	page_open(f, bad ? "lockchaos: FAIL" : "lockchaos: pass");
	fprintf(f, "<header><div class=\"big %s\" id=\"verdict\">%s</div><div>"
		"<h1>lockchaos run</h1><div class=\"meta\">",
		bad ? "fail" : "pass", bad ? "FAIL" : "PASS");
	if (jstr(sum, "started")) {
		fputs("<span>started <b>", f);
		esc(f, jstr(sum, "started"));
		fputs("</b></span>", f);
	}
	char *seed = jwords(sum, "seed");
	if (seed) {
		fputs("<span>seed <b>", f);
		esc(f, seed);
		fputs("</b></span>", f);
		free(seed);
	}
	if (jhas_num(sum, "jobs", &d))
		fprintf(f, "<span>jobs <b>%.0f</b></span>", d);
	if (jstr(sum, "version")) {
		fputs("<span>lockchaos <b>", f);
		esc(f, jstr(sum, "version"));
		fputs("</b></span>", f);
	}
	char *cmd = jwords(sum, "holder");
	if (cmd) {
		fputs("<span>holder <b class=\"mono\">", f);
		escn(f, cmd, 100);
		fputs("</b></span>", f);
		free(cmd);
	}
	fputs("</div></div></header>\n<div class=\"totals\" id=\"totals\">", f);
	/* The summary's own totals win; counted ones fill in. */
	fprintf(f, "<div class=\"tot\">%d<small>scenarios</small></div>", n);
	fprintf(f, "<div class=\"tot\" style=\"color:var(--pass)\">%.0f<small>passed</small></div>",
		jnum(sum, "passed", count[0]));
	fprintf(f, "<div class=\"tot\" style=\"color:var(--fail)\">%.0f<small>failed</small></div>",
		jnum(sum, "failed", count[1]));
	fprintf(f, "<div class=\"tot\" style=\"color:var(--na)\">%.0f<small>skipped (n/a)</small></div>",
		jnum(sum, "skipped", count[2]));
	if (count[3])
		fprintf(f, "<div class=\"tot\" style=\"color:var(--na)\">%d<small>errors</small></div>",
			count[3]);
	if (jhas_num(sum, "durationMs", &d)) {
		fputs("<div class=\"tot\">", f);
		fmt_ms(f, d);
		fputs("<small>wall time</small></div>", f);
	}
	fputs("</div>\n", f);

	if (bad) {
		fputs("<h2>What failed</h2><ul class=\"failures\" id=\"failed-list\">", f);
		jv_array_foreach(scs, i, sc) {
			const char *st = jstr(sc, "status");
			if (streq(st, "fail") || !(streq(st, "pass") || streq(st, "na"))) {
				const char *title_s = jstr(sc, "title"), *file = jstr(sc, "file");
				fputs("<li><span class=\"chk\">", f);
				esc(f, title_s ? title_s : file ? file : "?");
				fputs("</span>: <span class=\"msg\">", f);
				esc(f, jstr(sc, "reason") ? jstr(sc, "reason") : status_word(st));
				fputs("</span> ", f);
				index_links(f, jstr(sc, "dir"));
				fputs("</li>", f);
			}
			jv_free(sc);
		}
		fputs("</ul>\n", f);
	}

	/* A matrix run is read by its matrix first. */
	jv mx = jget(sum, "matrix");
	if (jv_get_kind(mx) == JV_KIND_OBJECT)
		index_matrix(f, mx);
	jv_free(mx);

	fputs("<h2>Scenarios</h2>\n<table id=\"scenarios\"><thead><tr><th>verdict</th>"
	      "<th>scenario</th><th>tags</th><th class=\"num\">duration</th>"
	      "<th class=\"num\" title=\"slowest contender's wait after its holder stopped being able to release\">recovery</th>"
	      "<th class=\"num\">seed</th><th>report</th></tr></thead><tbody>\n", f);
	jv_array_foreach(scs, i, sc) {
		const char *st = jstr(sc, "status");
		const char *title_s = jstr(sc, "title"), *file = jstr(sc, "file");
		const char *reason = jstr(sc, "reason");
		fprintf(f, "<tr class=\"scn %s\"><td><span class=\"st %s\">%s</span></td><td>",
			status_cls(st), status_cls(st), status_word(st));
		esc(f, title_s ? title_s : file ? file : "?");
		if (jhas_num(sc, "repeat", &d) && d > 0)
			fprintf(f, " <span class=\"tag\">#%.0f</span>", d);
		if (file) {
			fputs("<div class=\"reason mono\">", f);
			esc(f, file);
			fputs("</div>", f);
		}
		if (reason && *reason) {
			fputs("<div class=\"reason\">", f);
			esc(f, reason);
			fputs("</div>", f);
		}
		index_failures(f, sc);
		fputs("</td><td>", f);
		put_tags(f, sc);
		fputs("</td><td class=\"num\">", f);
		if (jhas_num(sc, "durationMs", &d))
			fmt_ms(f, d);
		fputs("</td><td class=\"num\">", f);
		if (jhas_num(sc, "recoveryMs", &d) && d >= 0) /* -1: none */
			fmt_ms(f, d);
		fputs("</td><td class=\"num mono\">", f);
		char *sseed = jwords(sc, "seed");
		if (sseed)
			esc(f, sseed);
		free(sseed);
		fputs("</td><td class=\"links\">", f);
		index_links(f, jstr(sc, "dir"));
		fputs("</td></tr>\n", f);
		jv_free(sc);
	}
	fputs("</tbody></table>\n", f);

	page_close(f, 0);
}

int html_index_write(const char *summary_path, const char *out_path, char **err)
{
	jv sum;
	if (load_json(summary_path, &sum, err) < 0)
		return -1;
	if (jv_get_kind(sum) != JV_KIND_OBJECT) {
		jv_free(sum);
		return fail(err, "%s: not a JSON object", summary_path);
	}
	jv scs = jget(sum, "scenarios");
	if (jv_get_kind(scs) != JV_KIND_ARRAY) {
		jv_free(scs);
		jv_free(sum);
		return fail(err, "%s: no \"scenarios\" array", summary_path);
	}
	char *tmp;
	int r = -1;
	FILE *f = page_create(out_path, &tmp, err);
	if (f) {
		index_print(f, sum, scs);
		r = page_commit(f, tmp, out_path, err);
	}
	jv_free(scs);
	jv_free(sum);
	return r;
}
