/*
 * lexer.c - words and values of the scenario language.
 */
#include "scenario/lexer.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int lex_words(const char *line, struct words *out, char **why)
{
	const char *c = line;

	out->nr = 0;
	for (;;) {
		char *buf, *b;
		char quote = 0;

		while (isspace((unsigned char)*c))
			c++;
		if (!*c || *c == '#')
			break;
		if (out->nr == LEX_MAX_WORDS) {
			*why = xasprintf("too many words (at most %d)",
					 LEX_MAX_WORDS);
			return -1;
		}
		buf = b = xmalloc(strlen(c) + 1);
		while (*c && (quote || !isspace((unsigned char)*c))) {
			if (!quote && (*c == '\'' || *c == '"')) {
				quote = *c++;
				continue;
			}
			if (quote && *c == quote) {
				quote = 0;
				c++;
				continue;
			}
			if (quote == '"' && *c == '\\' && c[1])
				c++;
			*b++ = *c++;
		}
		*b = '\0';
		out->w[out->nr++] = buf;
		if (quote) {
			*why = xasprintf("unterminated %c quote", quote);
			return -1;
		}
	}
	return out->nr;
}

void words_clear(struct words *w)
{
	int i;

	for (i = 0; i < w->nr; i++)
		free(w->w[i]);
	w->nr = 0;
}

void words_shift(struct words *w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(w->w[i]);
	memmove(w->w, w->w + n, sizeof(char *) * (size_t)(w->nr - n));
	w->nr -= n;
}

int lex_duration(const char *key, const char *v, int64_t *ms, char **why)
{
	if (parse_duration_ms(v, ms)) {
		*why = xasprintf("%s: '%s' is not a duration (expected e.g. "
				 "500ms, 2s, 1.5s, or a number of ms)",
				 key, v);
		return -1;
	}
	return 0;
}

int lex_at(char *word, int64_t *at, int64_t *jitter, char **why)
{
	char *tilde = strchr(word, '~');

	*jitter = 0;
	if (tilde) {
		*tilde = '\0';
		if (lex_duration("at jitter", tilde + 1, jitter, why))
			return -1;
	}
	return lex_duration("at", word, at, why);
}

int lex_int(const char *key, const char *v, int64_t min, int64_t max,
	    int64_t *out, char **why)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || !*v || *end || n < min || n > max) {
		*why = xasprintf("%s: '%s' is not a whole number from %lld to "
				 "%lld",
				 key, v, (long long)min, (long long)max);
		return -1;
	}
	*out = n;
	return 0;
}

int lex_is_name(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.')
			return 0;
	return 1;
}

int lex_kv(char *w, char **k, char **v)
{
	char *eq = strchr(w, '=');

	if (!eq || eq == w)
		return 0;
	*eq = '\0';
	*k = w;
	*v = eq + 1;
	return 1;
}

char *lex_list(const char *const *names, int nr, const char *last)
{
	size_t len = 1;
	char *out;
	int i, n;

	for (n = 0; nr < 0 ? names[n] != NULL : n < nr; n++)
		len += strlen(names[n]) + strlen(last) + 2;
	out = xcalloc(1, len);
	for (i = 0; i < n; i++) {
		if (i)
			strcat(out, i == n - 1 ? last : ", ");
		strcat(out, names[i]);
	}
	return out;
}
