/*
 * shrink.c - a failing scenario made small: every single simplification is
 * tried, the first one that still fails (and is smaller) is kept, and the
 * search starts again from it, until none still fails.
 *
 * Simplifications, in the order they are tried (the big ones first, so
 * that the many small ones run on a small scenario):
 *   1. drop a holder, with every statement that names it;
 *   2. drop a chunk of statements (halves, quarters ... of the list), then
 *      one statement;
 *   3. drop the `lock` line's keys, one at a time (the defaults come back);
 *   4. drop one key=value word of a statement (its default comes back);
 *   5. drop an `at` (the step then follows the one before it) or its
 *      jitter; round an `at` time down to 100 ms, then to whole seconds;
 *      halve it;
 *   6. round a duration value (hold=, ms=, delay=, timeoutMs= ...) down to
 *      100 ms and to whole seconds, halve it;
 *   7. rename: messages to m1, m2 ... in order of appearance, labels
 *      likewise, sessions to s1, lanes to main, holders to A, B, C ...
 * A statement of the clean end (xstmt.keep) is left as it is, and goes
 * only with its holder; the holder of the last deliver is not dropped; a
 * candidate that leaves an explicit acquire unclosed (no release, death or
 * exit of its holder after it) where the scenario had none is not tried;
 * a spin's `ms=` is neither dropped nor made 0 (it would spin forever). A
 * holder's own keys (`ns=`, `pid=`) are dropped after the holders (all of
 * them, then the pid).
 * Each candidate must be smaller by xscn_measure (explore.h): so every
 * accepted step makes the scenario strictly smaller, and shrinking ends.
 */
#include "explore/explore.h"
#include "lib/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int duration_key(const char *word, size_t *vlen_at);

/* The milliseconds of the duration words in `words`. */
static int64_t words_ms(char *const *words, int n)
{
	int64_t sum = 0, ms;
	size_t at;
	int k;

	for (k = 0; k < n; k++)
		if (duration_key(words[k], &at) &&
		    !parse_duration_ms(words[k] + at, &ms) && ms > 0)
			sum += ms;
	return sum;
}

void xscn_measure(const struct xscn *x, int64_t m[XSCN_MEASURE])
{
	char *text = xscn_render(x, NULL, NULL, 1), *p;
	int i;

	memset(m, 0, XSCN_MEASURE * sizeof(*m));
	m[0] = x->nr_holders;
	m[1] = xscn_size(x);
	for (i = 0; i < x->nr; i++) {
		m[2] += x->st[i].nr_words + (x->st[i].at_ms >= 0) +
			(x->st[i].jitter_ms > 0);
		m[3] += (x->st[i].at_ms > 0 ? x->st[i].at_ms : 0) +
			x->st[i].jitter_ms +
			words_ms(x->st[i].words, x->st[i].nr_words);
	}
	m[2] += x->nr_lock + x->nr_disable;
	for (i = 0; x->holder_opts && i < x->nr_holders; i++)
		for (p = x->holder_opts[i]; p && *p; p++)
			m[2] += *p == '=';
	m[3] += words_ms(x->lock, x->nr_lock);
	for (p = text; *p; p++) {
		if (*p >= '1' && *p <= '9')
			m[4]++, m[7] += *p - '0';
		m[5]++;
	}
	free(text);
	for (i = 0; i < x->nr_holders; i++)
		m[6] += (int64_t)(unsigned char)x->holders[i][0] * (i + 1);
}

int xscn_measure_cmp(const struct xscn *a, const struct xscn *b)
{
	int64_t ma[XSCN_MEASURE], mb[XSCN_MEASURE];
	int i;

	xscn_measure(a, ma);
	xscn_measure(b, mb);
	for (i = 0; i < XSCN_MEASURE; i++)
		if (ma[i] != mb[i])
			return ma[i] < mb[i] ? -1 : 1;
	return 0;
}

/* ---- edits on a copy ------------------------------------------------- */

static void drop_stmt(struct xscn *x, int i)
{
	int k;

	for (k = 0; x->st[i].words[k]; k++)
		free(x->st[i].words[k]);
	free(x->st[i].words);
	memmove(&x->st[i], &x->st[i + 1],
		sizeof(*x->st) * (size_t)(x->nr - i - 1));
	x->nr--;
}

static void drop_word(char **words, int *n, int i)
{
	free(words[i]);
	memmove(&words[i], &words[i + 1], sizeof(*words) * (size_t)(*n - i));
	(*n)--;
}

/* 1 when `word` names holder `h`: the word itself, or owner=h. */
static int names_holder(const char *word, const char *h)
{
	return !strcmp(word, h) ||
	       (!strncmp(word, "owner=", 6) && !strcmp(word + 6, h));
}

static void drop_holder(struct xscn *x, int h)
{
	char *name = x->holders[h];
	int i, k;

	for (i = x->nr - 1; i >= 0; i--)
		for (k = 0; k < x->st[i].nr_words; k++)
			if (names_holder(x->st[i].words[k], name)) {
				drop_stmt(x, i);
				break;
			}
	x->holders[h] = NULL;
	memmove(&x->holders[h], &x->holders[h + 1],
		sizeof(*x->holders) * (size_t)(x->nr_holders - h - 1));
	if (x->holder_opts) {
		free(x->holder_opts[h]);
		memmove(&x->holder_opts[h], &x->holder_opts[h + 1],
			sizeof(char *) * (size_t)(x->nr_holders - h - 1));
		x->holder_opts[x->nr_holders - 1] = NULL;
	}
	x->nr_holders--;
	x->holders[x->nr_holders] = NULL;
	free(name);
}

/* 1 when a statement of the clean end acts as holder `h` (its first
 * word): a thaw or a reap of h goes with h, the last deliver by h does
 * not. */
static int holder_kept(const struct xscn *x, const char *h)
{
	int i;

	for (i = 0; i < x->nr; i++)
		if (x->st[i].keep && !strcmp(x->st[i].words[0], h))
			return 1;
	return 0;
}

/* The duration keys a value of which may be rounded or halved. */
static int duration_key(const char *word, size_t *vlen_at)
{
	static const char *const keys[] = {
		"hold=", "ms=", "delay=", "timeoutMs=", "timeout=",
		"maxHoldMs=", "maxHold=", "pollMs=", "poll=", "graceMs=",
		"grace=", "laneTimeout=", "laneTimeoutMs=", "age=",
		"createdAt=-", "mtime=-",
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (!strncmp(word, keys[i], strlen(keys[i]))) {
			*vlen_at = strlen(keys[i]);
			return 1;
		}
	return 0;
}

static char *fmt_ms(int64_t ms)
{
	if (ms >= 1000 && ms % 1000 == 0)
		return xasprintf("%llds", (long long)(ms / 1000));
	return xasprintf("%lldms", (long long)ms);
}

/* The candidate value for a time `ms` under edit `how`: 0 round to 100 ms,
 * 1 round to seconds, 2 halve; -1 when the edit changes nothing. */
static int64_t time_edit(int64_t ms, int how)
{
	int64_t v;

	switch (how) {
	case 0:
		v = ms / 100 * 100;
		break;
	case 1:
		v = ms / 1000 * 1000;
		break;
	default:
		v = ms / 2 / 10 * 10;
		break;
	}
	return v == ms ? -1 : v;
}

/* A timed spin without its `ms=`, or with 0, spins forever: a holder
 * stuck to the end, its lock kept, a leak by design (seed 101's scenario
 * 62 shrank to `A spin` so). Its duration is never dropped nor made 0. */
static int spin_ms(const struct xstmt *st, const char *word)
{
	return st->nr_words > 1 && !strcmp(st->words[1], "spin") &&
	       !strncmp(word, "ms=", 3);
}

/* A bound that 0 would not shorten but change in kind: maxHoldMs=0 (no
 * hold is ever within its bound), pollMs=0 (a busy loop), a timeout of 0
 * (gives up before it tries). Halving stops above 0 for these. */
static int never_zero(const char *word)
{
	static const char *const keys[] = {
		"maxHoldMs=", "maxHold=", "pollMs=", "poll=",
		"timeoutMs=", "timeout=",
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (!strncmp(word, keys[i], strlen(keys[i])))
			return 1;
	return 0;
}

/* ---- the search ------------------------------------------------------ */

struct search {
	struct xscn *cur;
	shrink_test_fn test;
	void *arg;
	struct shrink_stats *stats;
	/* the simplifications of one pass are numbered; a pass tries those
	 * numbered from..to (to -1: to the end) and says which it kept */
	int slot, from, to, kept_slot;
	/* candidates that did not fail (or did not replay): their text */
	char **refused;
	int nr_refused, alloc_refused;
	/* the scenarios kept, the given one first; trail[verified] is the
	 * last one verify said replays */
	struct xscn *trail;
	int nr_trail, alloc_trail, verified;
	void *stats_arg;	/* verify's argument: the test's */
};

static int refused_before(const struct search *s, const char *text)
{
	int i;

	for (i = 0; i < s->nr_refused; i++)
		if (!strcmp(s->refused[i], text))
			return 1;
	return 0;
}

static void refuse(struct search *s, char *text)
{
	ALLOC_GROW(s->refused, (size_t)s->nr_refused + 1, s->alloc_refused);
	s->refused[s->nr_refused++] = text;
}

static void trail_push(struct search *s, const struct xscn *x)
{
	ALLOC_GROW(s->trail, (size_t)s->nr_trail + 1, s->alloc_trail);
	xscn_copy(&s->trail[s->nr_trail++], x);
}

/* A statement of the clean end this shrink leaves alone. */
static int kept_stmt(const struct search *s, const struct xstmt *st)
{
	return st->keep && !s->stats->end_may_go;
}

/*
 * Tests candidate `c` (consumed): 1 when it was kept (it is smaller and
 * still fails: it becomes the current scenario), 0 when not, -1 stop.
 */
/* The value of `key=` among a statement's words; "" when absent. */
static const char *word_val(const struct xstmt *st, const char *key)
{
	size_t n = strlen(key);
	int k;

	for (k = 2; k < st->nr_words; k++)
		if (!strncmp(st->words[k], key, n) && st->words[k][n] == '=')
			return st->words[k] + n + 1;
	return "";
}

/*
 * Explicit acquires that nothing after them closes: each `release` of a
 * holder, session and lane closes one acquire of it (a second acquire of
 * a held lock is reentrant: it needs its own release), a death (kill,
 * term, zombie, signal) or exit of the holder closes all of its. A
 * candidate with more of them than the scenario it comes from has slipped
 * to a failure every lock has: seed 31's leak, whose owner was killed,
 * shrank to `A acquire` alone once the kill was dropped, and its
 * scenario 78 lost one of a reentrant holder's two releases (the lock left
 * held at the end leaks by design).
 */
static int unclosed_acquires(const struct xscn *x)
{
	static const char *const deaths[] = { "kill", "term", "zombie",
					      "signal" };
	int i, j, k, n = 0;
	int *open = xcalloc((size_t)x->nr + 1, sizeof(*open));

	for (i = 0; i < x->nr; i++) {
		const struct xstmt *b = &x->st[i];
		int rel, death = 0;

		if (b->nr_words < 2)
			continue;
		if (!strcmp(b->words[1], "acquire")) {
			open[i] = 1;
			continue;
		}
		rel = !strcmp(b->words[1], "release");
		for (k = 0; k < 4; k++)
			death |= !strcmp(b->words[0], deaths[k]);
		if (!rel && !death && strcmp(b->words[1], "exit"))
			continue;
		for (j = i - 1; j >= 0; j--) {
			const struct xstmt *a = &x->st[j];

			if (!open[j] ||
			    strcmp(a->words[0], death ? b->words[1]
						      : b->words[0]))
				continue;
			if (rel && (strcmp(word_val(a, "session"),
					   word_val(b, "session")) ||
				    strcmp(word_val(a, "lane"),
					   word_val(b, "lane"))))
				continue;
			open[j] = 0;
			if (rel)
				break;
		}
	}
	for (i = 0; i < x->nr; i++)
		n += open[i];
	free(open);
	return n;
}

static int try(struct search *s, struct xscn *c)
{
	int rc, slot = s->slot++;
	char *text;

	if (slot < s->from || (s->to >= 0 && slot >= s->to) ||
	    xscn_measure_cmp(c, s->cur) >= 0 ||
	    unclosed_acquires(c) > unclosed_acquires(s->cur)) {
		xscn_clear(c);
		return 0;
	}
	text = xscn_render(c, NULL, NULL, 1);
	if (refused_before(s, text)) {
		free(text);
		xscn_clear(c);
		return 0;
	}
	s->stats->tried++;
	rc = s->test(c, s->arg);
	if (rc < 0) {
		free(text);
		s->stats->stopped = 1;
		xscn_clear(c);
		return -1;
	}
	if (!rc) {
		refuse(s, text);
		xscn_clear(c);
		return 0;
	}
	free(text);
	xscn_clear(s->cur);
	*s->cur = *c;
	trail_push(s, s->cur);
	s->kept_slot = slot;
	s->stats->accepted++;
	if (s->stats->progress)
		s->stats->progress(s->stats, s->cur, s->arg);
	return 1;
}

/* Renames words of the form PREFIX<n> (after `key`) in order of first
 * appearance to PREFIX1, PREFIX2 ...; for msg=, as= and session=. */
static void renumber(struct xscn *x, const char *key, const char *prefix)
{
	char **seen = NULL;
	int nseen = 0, alloc = 0, i, k, j;
	size_t kl = strlen(key);

	for (i = 0; i < x->nr; i++)
		for (k = 0; k < x->st[i].nr_words; k++) {
			char *w = x->st[i].words[k];

			if (strncmp(w, key, kl))
				continue;
			for (j = 0; j < nseen; j++)
				if (!strcmp(seen[j], w + kl))
					break;
			if (j == nseen) {
				ALLOC_GROW(seen, (size_t)nseen + 1, alloc);
				seen[nseen++] = xstrdup(w + kl);
			}
			x->st[i].words[k] =
				xasprintf("%s%s%d", key, prefix, j + 1);
			free(w);
		}
	for (j = 0; j < nseen; j++)
		free(seen[j]);
	free(seen);
}

/* Every session made s1 (its `session=` words dropped, a `damage` of
 * another session's lock made one of s1's). How many words changed. */
static int merge_sessions(struct xscn *x)
{
	int i, k, n = 0;

	for (i = 0; i < x->nr; i++) {
		struct xstmt *st = &x->st[i];

		if (!strcmp(st->words[0], "damage") && st->nr_words > 1 &&
		    strcmp(st->words[1], "s1")) {
			free(st->words[1]);
			st->words[1] = xstrdup("s1");
			n++;
		}
		for (k = st->nr_words - 1; k >= 1; k--)
			if (!strncmp(st->words[k], "session=", 8)) {
				drop_word(st->words, &st->nr_words, k);
				n++;
			}
	}
	return n;
}

/* Holders renamed A, B, C ... in the order of the holder line. */
static void rename_holders(struct xscn *x)
{
	static const char *const names[] = { "A", "B", "C", "D", "E", "F",
					     "G", "H", "I", "J", "K", "L" };
	int h, i, k;

	for (h = 0; h < x->nr_holders && h < 12; h++) {
		char *old = x->holders[h];

		if (!strcmp(old, names[h]))
			continue;
		/* two passes through a temporary name would be needed if a
		 * target name were taken by a later holder: skip then */
		for (i = h + 1; i < x->nr_holders; i++)
			if (!strcmp(x->holders[i], names[h]))
				return;
		for (i = 0; i < x->nr; i++)
			for (k = 0; k < x->st[i].nr_words; k++) {
				char *w = x->st[i].words[k];

				if (!strcmp(w, old)) {
					x->st[i].words[k] = xstrdup(names[h]);
					free(w);
				} else if (!strncmp(w, "owner=", 6) &&
					   !strcmp(w + 6, old)) {
					x->st[i].words[k] =
						xasprintf("owner=%s", names[h]);
					free(w);
				}
			}
		x->holders[h] = xstrdup(names[h]);
		free(old);
	}
}

/* One pass over every simplification; 1 when one was kept, 0 when none
 * still fails, -1 stop. */
static int one_pass(struct search *s)
{
	struct xscn c;
	int i, k, how, rc, chunk;
	struct xscn *x = s->cur;

	/* 1. holders (not one the clean end needs: the live holder of the
	 * last deliver) */
	for (i = 0; x->nr_holders > 1 && i < x->nr_holders; i++) {
		if (!s->stats->end_may_go && holder_kept(x, x->holders[i])) {
			s->slot++;
			continue;
		}
		xscn_copy(&c, x);
		drop_holder(&c, i);
		if ((rc = try(s, &c)))
			return rc;
	}
	/* 2. chunks of statements, then single ones */
	for (chunk = x->nr / 2; chunk >= 1; chunk /= 2)
		for (i = 0; i + chunk <= x->nr && x->nr > 1; i += chunk) {
			int dropped = 0;

			xscn_copy(&c, x);
			for (k = i + chunk - 1; k >= i; k--)
				if (!kept_stmt(s, &c.st[k]))
					drop_stmt(&c, k), dropped++;
			if (!c.nr || !dropped) {
				xscn_clear(&c);
				continue;
			}
			if ((rc = try(s, &c)))
				return rc;
		}
	/* a holder's keys (its own namespace, its pid there): all, then
	 * the pid */
	for (i = 0; x->holder_opts && i < x->nr_holders; i++) {
		char *pid;

		if (!x->holder_opts[i])
			continue;
		xscn_copy(&c, x);
		free(c.holder_opts[i]);
		c.holder_opts[i] = NULL;
		if ((rc = try(s, &c)))
			return rc;
		if (!(pid = strstr(x->holder_opts[i], " pid=")))
			continue;
		xscn_copy(&c, x);
		c.holder_opts[i][pid - x->holder_opts[i]] = '\0';
		if ((rc = try(s, &c)))
			return rc;
	}
	/* 3. lock keys */
	for (i = 0; i < x->nr_lock; i++) {
		xscn_copy(&c, x);
		drop_word(c.lock, &c.nr_lock, i);
		if ((rc = try(s, &c)))
			return rc;
	}
	/* every session one: s1 */
	xscn_copy(&c, x);
	if (!merge_sessions(&c))
		xscn_clear(&c);
	else if ((rc = try(s, &c)))
		return rc;
	/* 4. keys of statements */
	for (i = 0; i < x->nr; i++)
		for (k = 1; k < x->st[i].nr_words && !kept_stmt(s, &x->st[i]);
		     k++) {
			if ((!strchr(x->st[i].words[k], '=') &&
			     strcmp(x->st[i].words[k], "once")) ||
			    spin_ms(&x->st[i], x->st[i].words[k]))
				continue;
			xscn_copy(&c, x);
			drop_word(c.st[i].words, &c.st[i].nr_words, k);
			if ((rc = try(s, &c)))
				return rc;
		}
	/* 5. at times */
	for (i = 0; i < x->nr; i++) {
		if (x->st[i].at_ms < 0 || kept_stmt(s, &x->st[i]))
			continue;
		xscn_copy(&c, x);
		c.st[i].at_ms = -1;
		c.st[i].jitter_ms = 0;
		if ((rc = try(s, &c)))
			return rc;
		if (x->st[i].jitter_ms > 0) {
			xscn_copy(&c, x);
			c.st[i].jitter_ms = 0;
			if ((rc = try(s, &c)))
				return rc;
		}
		for (how = 0; how < 3; how++) {
			int64_t v = time_edit(x->st[i].at_ms, how);

			if (v < 0)
				continue;
			xscn_copy(&c, x);
			c.st[i].at_ms = v;
			if ((rc = try(s, &c)))
				return rc;
		}
	}
	/* 6. durations in keys (statements, then the lock line) */
	for (i = -1; i < x->nr; i++) {
		char **words = i < 0 ? x->lock : x->st[i].words;
		int n = i < 0			  ? x->nr_lock
			: kept_stmt(s, &x->st[i]) ? 0
						  : x->st[i].nr_words;

		for (k = 0; k < n; k++) {
			size_t at;
			int64_t ms, v;

			if (!duration_key(words[k], &at) ||
			    parse_duration_ms(words[k] + at, &ms))
				continue;
			for (how = 0; how < 3; how++) {
				char *val, **cw;

				if ((v = time_edit(ms, how)) < 0 ||
				    (!v && (never_zero(words[k]) ||
					    (i >= 0 &&
					     spin_ms(&x->st[i], words[k])))))
					continue;
				xscn_copy(&c, x);
				cw = i < 0 ? c.lock : c.st[i].words;
				val = fmt_ms(v);
				free(cw[k]);
				cw[k] = xasprintf("%.*s%s", (int)at, words[k],
						  val);
				free(val);
				if ((rc = try(s, &c)))
					return rc;
			}
		}
	}
	/* 7. names */
	xscn_copy(&c, x);
	renumber(&c, "msg=", "m");
	renumber(&c, "as=", "a");
	if ((rc = try(s, &c)))
		return rc;
	xscn_copy(&c, x);
	renumber(&c, "session=", "s");
	if ((rc = try(s, &c)))
		return rc;
	xscn_copy(&c, x);
	renumber(&c, "lane=", "l");
	if ((rc = try(s, &c)))
		return rc;
	xscn_copy(&c, x);
	rename_holders(&c);
	return try(s, &c);
}

/* One search: passes from the simplification last kept, round the list,
 * until none is kept. 0 none still fails, -1 stop. */
static int search(struct search *s)
{
	int start = 0, rc;

	for (;;) {
		s->slot = 0, s->from = start, s->to = -1;
		rc = one_pass(s);
		if (!rc && start > 0) {
			s->slot = 0, s->from = 0, s->to = start;
			rc = one_pass(s);
		}
		if (rc <= 0)
			return rc;
		start = s->kept_slot;
	}
}

/* trail[i] becomes the current scenario; the trail ends there. */
static void back_to(struct search *s, int i)
{
	int k;

	xscn_clear(s->cur);
	xscn_copy(s->cur, &s->trail[i]);
	for (k = i + 1; k < s->nr_trail; k++)
		xscn_clear(&s->trail[k]);
	s->nr_trail = i + 1;
}

/*
 * Does the scenario the search ended on replay? If not, the last kept one
 * that does (halving the way back from the last verified one), the one
 * after it refused for good. 1 the current scenario replays (or there is
 * no verify), 0 backed off (search on), -1 stop (back at the last
 * verified one).
 */
static int verify_end(struct search *s)
{
	int lo = s->verified, hi = s->nr_trail - 1, mid, rc;

	if (!s->stats->verify || hi == lo)
		return 1;
	s->stats->verified++;
	rc = s->stats->verify(&s->trail[hi], s->stats_arg);
	if (rc > 0) {
		s->verified = hi;
		return 1;
	}
	if (rc == 0) {
		refuse(s, xscn_render(&s->trail[hi], NULL, NULL, 1));
		s->stats->refused++;
	}
	while (rc == 0 && hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		s->stats->verified++;
		rc = s->stats->verify(&s->trail[mid], s->stats_arg);
		if (rc > 0) {
			lo = mid, rc = 0;
		} else if (rc == 0) {
			refuse(s, xscn_render(&s->trail[mid], NULL, NULL, 1));
			s->stats->refused++;
			hi = mid;
		}
	}
	back_to(s, lo);
	s->verified = lo;
	if (rc < 0)
		s->stats->stopped = 1;
	return rc < 0 ? -1 : 0;
}

int explore_shrink(struct xscn *x, shrink_test_fn test, void *arg,
		   struct shrink_stats *stats)
{
	struct search s;
	int rc, v, i;

	memset(&s, 0, sizeof(s));
	s.cur = x, s.test = test, s.arg = arg, s.stats = stats;
	s.stats_arg = arg;
	trail_push(&s, x);
	do {
		rc = search(&s);
		v = verify_end(&s);
	} while (!rc && !v);
	for (i = 0; i < s.nr_trail; i++)
		xscn_clear(&s.trail[i]);
	free(s.trail);
	for (i = 0; i < s.nr_refused; i++)
		free(s.refused[i]);
	free(s.refused);
	return rc < 0 || v < 0 ? 1 : 0;
}
