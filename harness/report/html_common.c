/*
 * html_common.c - escaping, the page shell and page files (see
 * html_common.h).
 */
#include "report/html_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/jvx.h"
#include "lib/util.h"

int html_fail(char **err, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		*err = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

void *html_vec_grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		v = xrealloc(v, *cap * size);
	}
	memset((char *)v + n * size, 0, size);
	return v;
}

static size_t keys_hash(const char *name, double num)
{
	uint64_t h = 1469598103934665603ULL, bits;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	if (num == 0)
		num = 0; /* -0 is 0 */
	memcpy(&bits, &num, sizeof(bits));
	/* A small integer's double differs from the next in its top bits
	 * only, and a multiply carries differences up, never down: mixed
	 * back down (murmur3's finaliser), or one name's 1,024 numbers all
	 * landed in one slot's run (half the timeline's look-ups, 1,024
	 * holders). */
	h ^= bits;
	h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdULL;
	h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ULL;
	return (size_t)(h ^ (h >> 33));
}

/* The slot of (name, num), or the empty slot where it would go. */
static struct html_key *keys_slot(const struct html_keys *k,
				  const char *name, double num)
{
	size_t j = keys_hash(name, num) & (k->size - 1);

	while (k->slot[j].name &&
	       !(k->slot[j].num == num && !strcmp(k->slot[j].name, name)))
		j = (j + 1) & (k->size - 1);
	return &k->slot[j];
}

int html_keys_put(struct html_keys *k, const char *name, double num, int val)
{
	struct html_key *s;
	int old;

	if (!name || num != num)
		return -1;
	if (2 * (k->n + 1) > k->size) { /* at most half full */
		struct html_keys bigger = { NULL, k->size ? 2 * k->size : 64,
					    k->n };

		bigger.slot = xcalloc(bigger.size, sizeof(*bigger.slot));
		for (size_t i = 0; i < k->size; i++)
			if (k->slot[i].name)
				*keys_slot(&bigger, k->slot[i].name,
					   k->slot[i].num) = k->slot[i];
		free(k->slot);
		*k = bigger;
	}
	s = keys_slot(k, name, num);
	old = s->name ? s->val : -1;
	if (!s->name)
		k->n++;
	s->name = name;
	s->num = num;
	s->val = val;
	return old;
}

int html_keys_get(const struct html_keys *k, const char *name, double num)
{
	const struct html_key *s;

	if (!name || num != num || !k->size)
		return -1;
	s = keys_slot(k, name, num);
	return s->name ? s->val : -1;
}

void html_keys_clear(struct html_keys *k)
{
	free(k->slot);
	k->slot = NULL;
	k->size = k->n = 0;
}

/*
 * Writes `s` HTML-escaped, at most `max` code points (0: all), adding an
 * ellipsis when cut. Control characters other than tab and newline become
 * U+FFFD: they have no business in a page and some break XML tools.
 */
/* html_escn's output, gathered and written a block at a time: to `f`,
 * or (f NULL) to the malloc'ed string `str`. */
struct esc_buf {
	FILE *f;
	char *str;
	size_t len, cap;
	size_t n;
	char b[4096];
};

static void esc_flush(struct esc_buf *e)
{
	if (e->f) {
		fwrite(e->b, 1, e->n, e->f);
	} else {
		if (e->len + e->n + 1 > e->cap) {
			e->cap = 2 * (e->len + e->n + 1);
			e->str = xrealloc(e->str, e->cap);
		}
		memcpy(e->str + e->len, e->b, e->n);
		e->len += e->n;
		e->str[e->len] = '\0';
	}
	e->n = 0;
}

static void esc_put(struct esc_buf *e, const void *p, size_t n)
{
	while (e->n + n > sizeof(e->b)) {
		size_t part = sizeof(e->b) - e->n;

		memcpy(e->b + e->n, p, part);
		e->n += part;
		p = (const char *)p + part;
		n -= part;
		esc_flush(e);
	}
	memcpy(e->b + e->n, p, n);
	e->n += n;
}

/* The bytes esc_run does not copy as they are: the five of markup, the
 * control characters but tab and newline, DEL, and the string's end. */
static const unsigned char esc_special[256] = {
	[0] = 1,    [1] = 1,	[2] = 1,    [3] = 1,	[4] = 1,    [5] = 1,
	[6] = 1,    [7] = 1,	[8] = 1,    [11] = 1,	[12] = 1,   [13] = 1,
	[14] = 1,   [15] = 1,	[16] = 1,   [17] = 1,	[18] = 1,   [19] = 1,
	[20] = 1,   [21] = 1,	[22] = 1,   [23] = 1,	[24] = 1,   [25] = 1,
	[26] = 1,   [27] = 1,	[28] = 1,   [29] = 1,	[30] = 1,   [31] = 1,
	['&'] = 1,  ['<'] = 1,	['>'] = 1,  ['"'] = 1,	['\''] = 1, [0x7F] = 1,
};

/* Gathered in a buffer and written a block at a time: a character at a
 * time (fputc) was a quarter of a 100-message timeline's instructions
 * (issue 13), and JSON's quotes make runs short. Without a limit on code
 * points (the tooltips' JSON text: most of a timeline's bytes) the bytes
 * copied as they are are passed over by a table, not the switch below. */
static void esc_run(struct esc_buf *e, const char *s, size_t max)
{
	const unsigned char *p, *run;
	size_t cps = 0;

	for (p = run = (const unsigned char *)s; *p; p++) {
		if (!max) {
			while (!esc_special[*p])
				p++;
			if (!*p)
				break;
		}
		const char *rep;

		if ((*p & 0xC0) != 0x80 && max && cps++ == max) {
			esc_put(e, run, (size_t)(p - run));
			esc_put(e, "\xE2\x80\xA6", 3);
			return;
		}
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			rep = (*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F
				      ? "\xEF\xBF\xBD"
				      : NULL;
		}
		if (!rep)
			continue;
		esc_put(e, run, (size_t)(p - run));
		esc_put(e, rep, strlen(rep));
		run = p + 1;
	}
	esc_put(e, run, (size_t)(p - run));
}

void html_escn(FILE *f, const char *s, size_t max)
{
	struct esc_buf e;

	if (!s)
		return;
	e.f = f;
	e.n = 0;
	esc_run(&e, s, max);
	esc_flush(&e);
}

char *html_esc_str(const char *s)
{
	struct esc_buf e;

	e.f = NULL;
	e.str = xstrdup("");
	e.len = 0;
	e.cap = 1;
	e.n = 0;
	if (s)
		esc_run(&e, s, 0);
	esc_flush(&e);
	return e.str;
}

void html_esc(FILE *f, const char *s)
{
	html_escn(f, s, 0);
}

/* printf whose %s arguments are all escaped: fmt is ours, args are not. */
void html_escf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	html_esc(f, s);
	free(s);
}

/* Percent-encodes a relative link so that no scheme ("javascript:") or
 * markup survives; '/' stays so `dir/timeline.html` still works. */
void html_urlesc(FILE *f, const char *s)
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

size_t html_codepoints(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Rough width in px of `s` at 11px sans-serif; a little generous. */
double html_text_w(const char *s, double px_per_char)
{
	return (double)html_codepoints(s) * px_per_char;
}

/* Seconds with three decimals: "12.345 s". */
void html_fmt_s(char *buf, size_t n, int64_t us)
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
	".zoombar{display:flex;gap:6px;align-items:center;margin-top:8px;"
	"font-size:13px;color:var(--mut)}\n"
	".zoombar button{font:600 13px system-ui,sans-serif;padding:2px 9px;"
	"border:1px solid var(--line);border-radius:5px;background:#fff;"
	"cursor:pointer}\n"
	".zoombar #zoomspan{font-variant-numeric:tabular-nums;color:#111827}\n"
	".zoombar .hint{margin-left:auto}\n"
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

void html_page_open(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	      "'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
	      "img-src data:\">\n<title>",
	      f);
	html_esc(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", CSS);
}

void html_page_close(FILE *f, int with_js)
{
	if (with_js)
		fprintf(f, "<script>%s</script>\n", JS);
	fputs("</body></html>\n", f);
}

/* Opens `<out>.tmp` for writing; page_commit renames it over `out`. */
FILE *html_page_create(const char *out, char **tmp, char **err)
{
	*tmp = xasprintf("%s.tmp", out);
	FILE *f = fopen(*tmp, "w");
	if (!f) {
		html_fail(err, "cannot open '%s': %s", out, strerror(errno));
		free(*tmp);
		*tmp = NULL;
	}
	return f;
}

int html_page_commit(FILE *f, char *tmp, const char *out, char **err)
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
		return html_fail(err, "cannot write '%s': %s", out, strerror(e));
	}
	if (rename(tmp, out) != 0) {
		e = errno;
		unlink(tmp);
		free(tmp);
		return html_fail(err, "cannot rename to '%s': %s", out, strerror(e));
	}
	free(tmp);
	return 0;
}

/* The "tags" array of `o` (borrowed) as tag chips; non-strings skipped. */
void html_put_tags(FILE *f, jv o)
{
	jv tags = jvx_get(o, "tags");

	if (jv_get_kind(tags) == JV_KIND_ARRAY) {
		jv_array_foreach(tags, i, t) {
			if (jv_get_kind(t) == JV_KIND_STRING) {
				fputs("<span class=\"tag\">", f);
				html_esc(f, jv_string_value(t));
				fputs("</span>", f);
			}
			jv_free(t);
		}
	}
	jv_free(tags);
}
