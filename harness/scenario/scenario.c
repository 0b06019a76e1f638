/*
 * scenario.c - parser of the plain-text scenario language.
 *
 * One line, one statement. A line is split into words (quotes group, `#`
 * outside quotes starts a comment), the first word is looked up in a table
 * and the rest checked against what that statement takes. Errors stop at
 * the first bad line and say `file:line: what was wrong, expected what`.
 */
#include "scenario/scenario.h"
#include "check/check.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 64

struct words {
	char *w[MAX_WORDS];
	int nr;
};

struct parser {
	struct scenario *s;
	const char *file;
	int line;
	const char *text; /* the current line, without its newline */
	char *err;
};

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (p->err)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	/* File-wide errors (no holder at all ...) have no line to name. */
	if (p->line > 0)
		p->err = xasprintf("%s:%d: %s", p->file, p->line, msg);
	else
		p->err = xasprintf("%s: %s", p->file, msg);
	free(msg);
	return -1;
}

/* Splits a line into words; quotes ('...' or "...") group and are removed.
 * Returns the number of words or -1 (unterminated quote, too many words). */
static int split_words(struct parser *p, const char *line, struct words *out)
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
		if (out->nr == MAX_WORDS)
			return fail(p, "too many words (at most %d)",
				    MAX_WORDS);
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
		if (quote)
			return fail(p, "unterminated %c quote", quote);
	}
	return out->nr;
}

static void words_clear(struct words *w)
{
	int i;

	for (i = 0; i < w->nr; i++)
		free(w->w[i]);
	w->nr = 0;
}

/* ---- tables -------------------------------------------------------------- */

static const char *const op_names[] = {
	[OP_ACQUIRE] = "acquire", [OP_RELEASE] = "release",
	[OP_DELIVER] = "deliver", [OP_TURN] = "turn",
	[OP_SPIN] = "spin",	  [OP_EXIT] = "exit",
};
#define NR_OPS ((int)(sizeof(op_names) / sizeof(op_names[0])))

const char *op_name(enum op_kind op)
{
	return op_names[op];
}

const char *op_capability(enum op_kind op)
{
	return op == OP_EXIT ? NULL : op_names[op];
}

static const char *const step_names[] = {
	[STEP_OP] = "op",	  [STEP_KILL] = "kill",
	[STEP_TERM] = "term",	  [STEP_FREEZE] = "freeze",
	[STEP_THAW] = "thaw",	  [STEP_RECYCLE] = "recycle",
	[STEP_FAILPOINT] = "failpoint", [STEP_DAMAGE] = "damage",
	[STEP_WAIT] = "wait",	  [STEP_AWAIT] = "await",
};

const char *step_kind_name(enum step_kind k)
{
	return step_names[k];
}

/*
 * Damage kinds: what `damage SESSION KIND` plants at the lock path (or the
 * transcript). The runner implements each (runner.c, damage_apply).
 */
static const char *const damage_kinds[] = {
	"empty",	/* 0 bytes: a creator that has not written yet */
	"truncated",	/* half a payload */
	"garbage",	/* random bytes from the seed */
	"huge",		/* 10 MB of payload-looking bytes */
	"dir",		/* a directory at the lock path */
	"symlink",	/* a symlink to a file outside the session folder */
	"foreign",	/* a live unrelated process's valid payload */
	"dead",		/* a dead pid's valid payload */
	"future",	/* createdAt an hour ahead */
	"ancient",	/* createdAt in 2001 */
	"bad-date",	/* createdAt not a date */
	"pid0",		/* pid 0 */
	"pid-negative", /* pid -5 */
	"pid-huge",	/* pid 2^40 */
	"maxhold-negative",
	"maxhold-huge", /* 10^15 ms: a hold that never ends */
	"unreadable",	/* mode 000 and owned by nobody */
	"torn-transcript", /* the transcript's last line cut short */
	"removed",	/* the lock deleted behind its holder's back, as the
			   cleanup cron of seed 001 does */
	NULL
};

int damage_kind_known(const char *kind)
{
	int i;

	for (i = 0; damage_kinds[i]; i++)
		if (!strcmp(damage_kinds[i], kind))
			return 1;
	return 0;
}

static char *list_of(const char *const *names, int nr)
{
	size_t len = 1;
	char *out;
	int i;

	for (i = 0; nr < 0 ? names[i] != NULL : i < nr; i++)
		len += strlen(names[i]) + 2;
	out = xcalloc(1, len);
	for (i = 0; nr < 0 ? names[i] != NULL : i < nr; i++) {
		if (i)
			strcat(out, ", ");
		strcat(out, names[i]);
	}
	return out;
}

/* ---- values ---------------------------------------------------------------- */

static int parse_ms(struct parser *p, const char *key, const char *v,
		    int64_t *out)
{
	if (parse_duration_ms(v, out))
		return fail(p, "%s: '%s' is not a duration (expected e.g. "
			       "500ms, 2s, 1.5s, or a number of ms)",
			    key, v);
	return 0;
}

static int parse_int(struct parser *p, const char *key, const char *v,
		     int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || !*v || *end || n < min || n > max)
		return fail(p, "%s: '%s' is not a whole number from %lld to "
			       "%lld",
			    key, v, (long long)min, (long long)max);
	*out = n;
	return 0;
}

static int valid_name(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.')
			return 0;
	return 1;
}

/* Splits `k=v`; returns 1 with *k, *v pointing into `w` (modified) or 0. */
static int split_kv(char *w, char **k, char **v)
{
	char *eq = strchr(w, '=');

	if (!eq || eq == w)
		return 0;
	*eq = '\0';
	*k = w;
	*v = eq + 1;
	return 1;
}

/* Lock-parameter keys, shared by `lock` lines and holder operations. */
static int param_key(struct parser *p, struct scn_params *pr, const char *k,
		     const char *v)
{
	int64_t *slot;

	if (!strcmp(k, "maxHoldMs") || !strcmp(k, "maxHold"))
		slot = &pr->max_hold_ms;
	else if (!strcmp(k, "timeoutMs") || !strcmp(k, "timeout"))
		slot = &pr->timeout_ms;
	else if (!strcmp(k, "pollMs") || !strcmp(k, "poll"))
		slot = &pr->poll_ms;
	else if (!strcmp(k, "graceMs") || !strcmp(k, "grace"))
		slot = &pr->grace_ms;
	else if (!strcmp(k, "laneTimeoutMs") || !strcmp(k, "laneTimeout"))
		slot = &pr->lane_timeout_ms;
	else if (!strcmp(k, "slackMs") || !strcmp(k, "slack"))
		slot = &pr->slack_ms;
	else if (!strcmp(k, "deadline") || !strcmp(k, "deadlineMs"))
		slot = &pr->deadline_ms;
	else
		return 1; /* not a lock parameter */
	if (parse_ms(p, k, v, slot))
		return -1;
	if (slot == &pr->poll_ms && *slot == 0)
		return fail(p, "pollMs must be above 0");
	return 0;
}

static const char *const lock_keys =
	"maxHoldMs, timeoutMs, pollMs, graceMs, laneTimeoutMs, slackMs, "
	"deadline";

/* ---- statements ---------------------------------------------------------- */

static struct scn_step *new_step(struct parser *p, enum step_kind kind,
				 int64_t at, int64_t jitter)
{
	struct scenario *s = p->s;
	struct scn_step *st;

	ALLOC_GROW(s->steps, (size_t)s->nr_steps + 1, s->alloc_steps);
	st = &s->steps[s->nr_steps++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->line = p->line;
	st->text = xstrdup(p->text);
	st->at_ms = at;
	st->jitter_ms = jitter;
	st->p = s->params;
	st->exit_code = 0;
	return st;
}

static struct scn_expect *new_expect(struct parser *p, enum expect_kind kind)
{
	struct scenario *s = p->s;
	struct scn_expect *e;

	ALLOC_GROW(s->expects, (size_t)s->nr_expects + 1, s->alloc_expects);
	e = &s->expects[s->nr_expects++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->line = p->line;
	e->text = xstrdup(p->text);
	e->within_ms = -1;
	e->lines = -1;
	return e;
}

static int need_holder(struct parser *p, const char *verb, const char *name)
{
	struct scenario *s = p->s;
	char *known;
	int i;

	if (!name)
		return fail(p, "%s: expected a holder name", verb);
	if (scenario_holder(s, name))
		return 0;
	{
		const char **names = xcalloc((size_t)s->nr_holders + 1,
					     sizeof(char *));

		for (i = 0; i < s->nr_holders; i++)
			names[i] = s->holders[i].name;
		known = list_of(names, s->nr_holders);
		free(names);
	}
	fail(p, "%s: unknown holder '%s' (declared: %s)", verb, name,
	     *known ? known : "none; declare with `holder NAME`");
	free(known);
	return -1;
}

static int reserved_name(const char *name);

static int stmt_holder(struct parser *p, struct words *w)
{
	struct scenario *s = p->s;
	int i;

	if (w->nr < 2)
		return fail(p, "holder: expected one or more names");
	for (i = 1; i < w->nr; i++) {
		struct scn_holder *h;

		if (!valid_name(w->w[i]))
			return fail(p, "holder: '%s' is not a name (a letter, "
				       "then letters, digits, _ - .)",
				    w->w[i]);
		if (scenario_holder(s, w->w[i]))
			return fail(p, "holder: '%s' declared twice",
				    w->w[i]);
		if (reserved_name(w->w[i]))
			return fail(p, "holder: '%s' is a word of the language "
				       "(a statement, or init/dead); pick "
				       "another name",
				    w->w[i]);
		ALLOC_GROW(s->holders, (size_t)s->nr_holders + 1,
			   s->alloc_holders);
		h = &s->holders[s->nr_holders++];
		memset(h, 0, sizeof(*h));
		h->name = xstrdup(w->w[i]);
		h->line = p->line;
	}
	return 0;
}

static int stmt_lock(struct parser *p, struct words *w)
{
	int i;

	/* Steps copy the defaults when they are parsed: a later `lock` line
	 * would not reach the steps above it, so it is refused. */
	if (p->s->nr_steps)
		return fail(p, "lock: must come before the first step (line "
			       "%d)",
			    p->s->steps[0].line);
	if (w->nr < 2)
		return fail(p, "lock: expected key=value (keys: %s)",
			    lock_keys);
	for (i = 1; i < w->nr; i++) {
		char *k, *v;
		int r;

		if (!split_kv(w->w[i], &k, &v))
			return fail(p, "lock: expected key=value, got '%s'",
				    w->w[i]);
		r = param_key(p, &p->s->params, k, v);
		if (r < 0)
			return -1;
		if (r > 0)
			return fail(p, "lock: unknown key '%s' (expected one "
				       "of: %s)",
				    k, lock_keys);
	}
	return 0;
}

static int stmt_op(struct parser *p, struct words *w, int64_t at,
		   int64_t jitter)
{
	struct scn_step *st;
	int op, i;

	if (w->nr < 2) {
		char *ops = list_of(op_names, NR_OPS);

		fail(p, "%s: expected an operation (one of: %s)", w->w[0],
		     ops);
		free(ops);
		return -1;
	}
	for (op = 0; op < NR_OPS; op++)
		if (!strcmp(op_names[op], w->w[1]))
			break;
	if (op == NR_OPS) {
		char *ops = list_of(op_names, NR_OPS);

		fail(p, "%s: unknown operation '%s' (expected one of: %s)",
		     w->w[0], w->w[1], ops);
		free(ops);
		return -1;
	}
	st = new_step(p, STEP_OP, at, jitter);
	st->holder = xstrdup(w->w[0]);
	st->op = op;
	for (i = 2; i < w->nr; i++) {
		char *k, *v;
		int64_t n;
		int r;

		if (!split_kv(w->w[i], &k, &v)) {
			/* `A deliver m1`: a bare word is the message id. */
			if ((op == OP_DELIVER || op == OP_TURN) && !st->msg &&
			    valid_name(w->w[i])) {
				st->msg = xstrdup(w->w[i]);
				continue;
			}
			return fail(p, "%s %s: expected key=value, got '%s'",
				    w->w[0], w->w[1], w->w[i]);
		}
		if (!*v)
			return fail(p, "%s %s: %s= needs a value", w->w[0],
				    w->w[1], k);
		if (!strcmp(k, "deadline") || !strcmp(k, "deadlineMs") ||
		    !strcmp(k, "slack") || !strcmp(k, "slackMs"))
			return fail(p, "%s %s: %s applies to the whole "
				       "scenario (put it on the `lock` line)",
				    w->w[0], w->w[1], k);
		r = param_key(p, &st->p, k, v);
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		if (!strcmp(k, "session")) {
			if (!valid_name(v))
				return fail(p, "session: '%s' is not a name",
					    v);
			free(st->session);
			st->session = xstrdup(v);
		} else if (!strcmp(k, "lane")) {
			free(st->lane);
			st->lane = xstrdup(v);
		} else if (!strcmp(k, "msg") &&
			   (op == OP_DELIVER || op == OP_TURN)) {
			free(st->msg);
			st->msg = xstrdup(v);
		} else if (!strcmp(k, "as")) {
			free(st->label);
			st->label = xstrdup(v);
		} else if ((!strcmp(k, "hold") || !strcmp(k, "holdMs")) &&
			   op == OP_TURN) {
			if (parse_ms(p, k, v, &st->hold_ms))
				return -1;
		} else if ((!strcmp(k, "ms") || !strcmp(k, "for")) &&
			   op == OP_SPIN) {
			if (parse_ms(p, k, v, &st->spin_ms))
				return -1;
		} else if (!strcmp(k, "code") && op == OP_EXIT) {
			if (parse_int(p, k, v, 0, 255, &n))
				return -1;
			st->exit_code = (int)n;
		} else {
			return fail(p, "%s %s: unknown key '%s' (expected "
				       "session, lane, as%s, or %s)",
				    w->w[0], w->w[1], k,
				    op == OP_DELIVER ? ", msg"
				    : op == OP_TURN  ? ", msg, hold"
				    : op == OP_SPIN  ? ", ms"
				    : op == OP_EXIT  ? ", code"
						     : "",
				    lock_keys);
		}
	}
	if (op == OP_DELIVER && !st->msg)
		return fail(p, "deliver: expected a message id (msg=ID)");
	if (op == OP_TURN && st->hold_ms <= 0)
		return fail(p, "turn: expected hold=DURATION above 0");
	if (!st->session)
		st->session = xstrdup("s1");
	if (!st->lane)
		st->lane = xstrdup("main");
	if (!st->label && st->msg)
		st->label = xstrdup(st->msg);
	return 0;
}

static int stmt_signal(struct parser *p, struct words *w, enum step_kind k,
		       int64_t at, int64_t jitter)
{
	struct scn_step *st;

	if (w->nr != 2)
		return fail(p, "%s: expected exactly one holder name",
			    w->w[0]);
	if (need_holder(p, w->w[0], w->w[1]))
		return -1;
	st = new_step(p, k, at, jitter);
	st->holder = xstrdup(w->w[1]);
	if (k == STEP_RECYCLE)
		p->s->needs_pidns = 1;
	return 0;
}

static int stmt_failpoint(struct parser *p, struct words *w, int64_t at,
			  int64_t jitter)
{
	struct scn_step *st;
	int i;

	if (w->nr < 3)
		return fail(p, "failpoint: expected HOLDER name=POINT "
			       "[errno=E] [delay=T] [once] [off]");
	if (need_holder(p, "failpoint", w->w[1]))
		return -1;
	st = new_step(p, STEP_FAILPOINT, at, jitter);
	st->holder = xstrdup(w->w[1]);
	st->fp_errno = -1;
	for (i = 2; i < w->nr; i++) {
		char *k, *v;

		if (!strcmp(w->w[i], "once")) {
			st->fp_once = 1;
			continue;
		}
		if (!strcmp(w->w[i], "off")) {
			st->fp_off = 1;
			continue;
		}
		if (!split_kv(w->w[i], &k, &v))
			return fail(p, "failpoint: expected key=value, once "
				       "or off, got '%s'",
				    w->w[i]);
		if (!strcmp(k, "name")) {
			if (!*v || strpbrk(v, ", \t"))
				return fail(p, "failpoint: bad point name "
					       "'%s'",
					    v);
			free(st->fp_name);
			st->fp_name = xstrdup(v);
		} else if (!strcmp(k, "errno")) {
			st->fp_errno = errno_from_name(v);
			if (st->fp_errno < 0)
				return fail(p, "failpoint: unknown errno '%s' "
					       "(expected e.g. EIO, ENOSPC, "
					       "EACCES or a number)",
					    v);
		} else if (!strcmp(k, "delay")) {
			if (parse_ms(p, k, v, &st->fp_delay_ms))
				return -1;
		} else {
			return fail(p, "failpoint: unknown key '%s' (expected "
				       "name, errno, delay)",
				    k);
		}
	}
	if (!st->fp_name)
		return fail(p, "failpoint: expected name=POINT");
	if (st->fp_errno >= 0 && st->fp_delay_ms)
		return fail(p, "failpoint: errno and delay exclude each other");
	scenario_holder(p->s, st->holder)->needs_fiu = 1;
	return 0;
}

static int stmt_damage(struct parser *p, struct words *w, int64_t at,
		       int64_t jitter)
{
	struct scn_step *st;
	int i;

	if (w->nr < 3 || !valid_name(w->w[1])) {
		char *kinds = list_of(damage_kinds, -1);

		fail(p, "damage: expected SESSION KIND [owner=H] [age=T], "
			"KIND one of: %s",
		     kinds);
		free(kinds);
		return -1;
	}
	if (!damage_kind_known(w->w[2])) {
		char *kinds = list_of(damage_kinds, -1);

		fail(p, "damage: unknown kind '%s' (expected one of: %s)",
		     w->w[2], kinds);
		free(kinds);
		return -1;
	}
	st = new_step(p, STEP_DAMAGE, at, jitter);
	st->session = xstrdup(w->w[1]);
	st->damage = xstrdup(w->w[2]);
	for (i = 3; i < w->nr; i++) {
		char *k, *v;

		if (!split_kv(w->w[i], &k, &v))
			return fail(p, "damage: expected key=value, got '%s'",
				    w->w[i]);
		if (!strcmp(k, "age")) {
			if (parse_ms(p, k, v, &st->age_ms))
				return -1;
		} else if (!strcmp(k, "owner")) {
			if (strcmp(v, "init") && strcmp(v, "dead") &&
			    need_holder(p, "damage owner", v))
				return -1;
			free(st->owner);
			st->owner = xstrdup(v);
		} else {
			return fail(p, "damage: unknown key '%s' (expected "
				       "age, owner)",
				    k);
		}
	}
	return 0;
}

static int stmt_wait(struct parser *p, struct words *w, int await)
{
	struct scn_step *st;

	if (await) {
		int64_t ms = -1;
		int i;

		if (w->nr < 2)
			return fail(p, "await: expected a holder name");
		if (need_holder(p, "await", w->w[1]))
			return -1;
		for (i = 2; i < w->nr; i++) {
			char *k, *v;

			if (!split_kv(w->w[i], &k, &v) ||
			    strcmp(k, "timeout"))
				return fail(p, "await: expected timeout=T, got "
					       "'%s'",
					    w->w[i]);
			if (parse_ms(p, k, v, &ms))
				return -1;
		}
		st = new_step(p, STEP_AWAIT, -1, 0);
		st->holder = xstrdup(w->w[1]);
		st->wait_ms = ms;
		return 0;
	}
	if (w->nr != 2)
		return fail(p, "wait: expected one duration (e.g. wait 200ms)");
	st = new_step(p, STEP_WAIT, -1, 0);
	return parse_ms(p, "wait", w->w[1], &st->wait_ms);
}

static int stmt_expect(struct parser *p, struct words *w)
{
	struct scn_expect *e;
	int i;

	if (w->nr < 2)
		return fail(p, "expect: expected LABEL ok|fail, lock, "
			       "transcript, log, released, failure or "
			       "outside");
	if (!strcmp(w->w[1], "lock")) {
		if (w->nr != 4 || !valid_name(w->w[2]) ||
		    (strcmp(w->w[3], "absent") && strcmp(w->w[3], "present")))
			return fail(p, "expect lock: expected SESSION "
				       "absent|present");
		e = new_expect(p, EXPECT_LOCK);
		e->session = xstrdup(w->w[2]);
		e->present = !strcmp(w->w[3], "present");
		return 0;
	}
	if (!strcmp(w->w[1], "transcript")) {
		char *k, *v;

		if (w->nr != 4 || !valid_name(w->w[2]) ||
		    !split_kv(w->w[3], &k, &v) || strcmp(k, "lines"))
			return fail(p, "expect transcript: expected SESSION "
				       "lines=N");
		e = new_expect(p, EXPECT_TRANSCRIPT);
		e->session = xstrdup(w->w[2]);
		return parse_int(p, "lines", v, 0, 1000000, &e->lines);
	}
	if (!strcmp(w->w[1], "outside")) {
		if (w->nr != 3 || strcmp(w->w[2], "intact"))
			return fail(p, "expect outside: expected `expect "
				       "outside intact`");
		new_expect(p, EXPECT_OUTSIDE);
		return 0;
	}
	if (!strcmp(w->w[1], "failure")) {
		if (w->nr < 3 || checker_from_name(w->w[2]) < 0)
			return fail(p, "expect failure: expected a checker "
				       "name (recovery, no-silent-drop, mutex, "
				       "leak, integrity, visibility, "
				       "protocol)");
		e = new_expect(p, EXPECT_FAILURE);
		e->checker = xstrdup(w->w[2]);
		for (i = 3; i < w->nr; i++) {
			char *k, *v;

			if (!split_kv(w->w[i], &k, &v) ||
			    strcmp(k, "contains"))
				return fail(p, "expect failure: expected "
					       "contains=TEXT, got '%s'",
					    w->w[i]);
			e->contains = xstrdup(v);
		}
		return 0;
	}
	if (!strcmp(w->w[1], "log") || !strcmp(w->w[1], "released")) {
		int is_log = !strcmp(w->w[1], "log");

		if (w->nr < 3)
			return fail(p, "expect %s: expected a holder name",
				    w->w[1]);
		if (need_holder(p, w->w[1], w->w[2]))
			return -1;
		e = new_expect(p, is_log ? EXPECT_LOG : EXPECT_RELEASED);
		e->label = xstrdup(w->w[2]);
		for (i = 3; i < w->nr; i++) {
			char *k, *v;

			if (!split_kv(w->w[i], &k, &v))
				return fail(p, "expect %s: expected "
					       "key=value, got '%s'",
					    w->w[1], w->w[i]);
			if (is_log && !strcmp(k, "level")) {
				if (strcmp(v, "WARN") && strcmp(v, "ERROR") &&
				    strcmp(v, "INFO"))
					return fail(p, "expect log: level "
						       "must be INFO, WARN "
						       "or ERROR");
				e->level = xstrdup(v);
			} else if (is_log && !strcmp(k, "contains")) {
				e->contains = xstrdup(v);
			} else if (!is_log && !strcmp(k, "why")) {
				e->reason = xstrdup(v);
			} else {
				return fail(p, "expect %s: unknown key '%s' "
					       "(expected %s)",
					    w->w[1], k,
					    is_log ? "level, contains" : "why");
			}
		}
		return 0;
	}
	/* expect LABEL ok|fail [reason=R] [within=T] */
	if (w->nr < 3 || (strcmp(w->w[2], "ok") && strcmp(w->w[2], "fail")))
		return fail(p, "expect: unknown form '%s' (expected LABEL "
			       "ok|fail, lock, transcript, log, released, "
			       "failure or outside)",
			    w->w[1]);
	e = new_expect(p, EXPECT_OUTCOME);
	e->label = xstrdup(w->w[1]);
	e->want_ok = !strcmp(w->w[2], "ok");
	for (i = 3; i < w->nr; i++) {
		char *k, *v;

		if (!strcmp(w->w[i], "within") && i + 1 < w->nr) {
			if (parse_ms(p, "within", w->w[++i], &e->within_ms))
				return -1;
			continue;
		}
		if (!split_kv(w->w[i], &k, &v))
			return fail(p, "expect: expected reason=R or within=T, "
				       "got '%s'",
				    w->w[i]);
		if (!strcmp(k, "within")) {
			if (parse_ms(p, k, v, &e->within_ms))
				return -1;
		} else if (!strcmp(k, "reason") && !e->want_ok) {
			e->reason = xstrdup(v);
		} else {
			return fail(p, "expect: unknown key '%s' (expected "
				       "within%s)",
				    k, e->want_ok ? "" : ", reason");
		}
	}
	return 0;
}

/* `assert jq EXPR`: the rest of the line is the program (quotes optional). */
static int stmt_assert(struct parser *p, struct words *w)
{
	struct scn_expect *e;
	size_t len = 0;
	int i;

	if (w->nr < 3 || strcmp(w->w[1], "jq"))
		return fail(p, "assert: expected `assert jq 'EXPR'`");
	for (i = 2; i < w->nr; i++)
		len += strlen(w->w[i]) + 1;
	e = new_expect(p, EXPECT_JQ);
	e->jq = xcalloc(1, len + 1);
	for (i = 2; i < w->nr; i++) {
		if (i > 2)
			strcat(e->jq, " ");
		strcat(e->jq, w->w[i]);
	}
	return 0;
}

static int stmt_list(struct parser *p, struct words *w, char ***arr, int *nr,
		     int *alloc)
{
	int i;

	for (i = 1; i < w->nr; i++) {
		ALLOC_GROW(*arr, (size_t)*nr + 1, *alloc);
		(*arr)[(*nr)++] = xstrdup(w->w[i]);
	}
	return 0;
}

/* A title is free text, apostrophes and all: it is not split into words. */
static int is_title(const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	return !strncmp(line, "title", 5) && isspace((unsigned char)line[5]);
}

static int stmt_title(struct parser *p, const char *line)
{
	const char *rest = strstr(line, "title") + 5;
	size_t len;

	while (isspace((unsigned char)*rest))
		rest++;
	len = strlen(rest);
	while (len && isspace((unsigned char)rest[len - 1]))
		len--;
	if (!len)
		return fail(p, "title: expected text");
	if (p->s->title)
		return fail(p, "title: given twice");
	p->s->title = xstrndup(rest, len);
	return 0;
}

static const char *const verbs[] = {
	"title", "tags", "lock", "holder", "repeat", "requires", "disable",
	"at", "kill", "term", "freeze", "thaw", "recycle", "failpoint",
	"damage", "wait", "await", "expect", "assert", NULL
};

/* Holder names must not read as statements, or `tags acquire` after
 * `holder tags` would mean two things. */
static int reserved_name(const char *name)
{
	int i;

	for (i = 0; verbs[i]; i++)
		if (!strcmp(verbs[i], name))
			return 1;
	return !strcmp(name, "init") || !strcmp(name, "dead");
}


static int parse_line(struct parser *p, struct words *w)
{
	struct scenario *s = p->s;
	const char *v;
	int64_t at = -1, jitter = 0;
	int shift = 0;

	if (!strcmp(w->w[0], "at")) {
		char *tilde;

		if (w->nr < 3)
			return fail(p, "at: expected `at TIME STEP ...`");
		tilde = strchr(w->w[1], '~');
		if (tilde) {
			*tilde = '\0';
			if (parse_ms(p, "at jitter", tilde + 1, &jitter))
				return -1;
		}
		if (parse_ms(p, "at", w->w[1], &at))
			return -1;
		shift = 2;
		free(w->w[0]);
		free(w->w[1]);
		memmove(w->w, w->w + 2, sizeof(char *) * (size_t)(w->nr - 2));
		w->nr -= 2;
	}
	v = w->w[0];
	if (shift && (!strcmp(v, "title") || !strcmp(v, "tags") ||
		      !strcmp(v, "lock") || !strcmp(v, "holder") ||
		      !strcmp(v, "repeat") || !strcmp(v, "requires") ||
		      !strcmp(v, "disable") || !strcmp(v, "expect") ||
		      !strcmp(v, "assert") || !strcmp(v, "wait") ||
		      !strcmp(v, "await") || !strcmp(v, "at")))
		return fail(p, "at: '%s' cannot be timed (expected a holder "
			       "operation or a fault)",
			    v);

	if (!strcmp(v, "title"))
		return fail(p, "title: expected text");
	if (!strcmp(v, "tags"))
		return stmt_list(p, w, &s->tags, &s->nr_tags, &s->alloc_tags);
	if (!strcmp(v, "lock"))
		return stmt_lock(p, w);
	if (!strcmp(v, "holder"))
		return stmt_holder(p, w);
	if (!strcmp(v, "repeat")) {
		int64_t n;

		if (w->nr != 2 || parse_int(p, "repeat", w->w[1], 1, 1000, &n))
			return p->err ? -1
				      : fail(p, "repeat: expected a count");
		s->repeat = (int)n;
		return 0;
	}
	if (!strcmp(v, "requires"))
		return stmt_list(p, w, &s->requires, &s->nr_requires,
				 &s->alloc_requires);
	if (!strcmp(v, "disable")) {
		int i;

		if (w->nr < 2)
			return fail(p, "disable: expected checker names");
		for (i = 1; i < w->nr; i++) {
			int c = checker_from_name(w->w[i]);

			if (c < 0)
				return fail(p, "disable: unknown checker '%s' "
					       "(expected recovery, "
					       "no-silent-drop, mutex, leak, "
					       "integrity, visibility, "
					       "protocol)",
					    w->w[i]);
			s->disabled |= 1u << c;
		}
		return 0;
	}
	if (!strcmp(v, "kill"))
		return stmt_signal(p, w, STEP_KILL, at, jitter);
	if (!strcmp(v, "term"))
		return stmt_signal(p, w, STEP_TERM, at, jitter);
	if (!strcmp(v, "freeze"))
		return stmt_signal(p, w, STEP_FREEZE, at, jitter);
	if (!strcmp(v, "thaw"))
		return stmt_signal(p, w, STEP_THAW, at, jitter);
	if (!strcmp(v, "recycle"))
		return stmt_signal(p, w, STEP_RECYCLE, at, jitter);
	if (!strcmp(v, "failpoint"))
		return stmt_failpoint(p, w, at, jitter);
	if (!strcmp(v, "damage"))
		return stmt_damage(p, w, at, jitter);
	if (!strcmp(v, "wait"))
		return stmt_wait(p, w, 0);
	if (!strcmp(v, "await"))
		return stmt_wait(p, w, 1);
	if (!strcmp(v, "expect"))
		return stmt_expect(p, w);
	if (!strcmp(v, "assert"))
		return stmt_assert(p, w);
	if (scenario_holder(s, v))
		return stmt_op(p, w, at, jitter);
	{
		char *all = list_of(verbs, -1);

		fail(p, "unknown statement '%s' (expected one of: %s, or a "
			"declared holder's name)",
		     v, all);
		free(all);
	}
	return -1;
}

/* After the last line: references that only the whole file can check. */
static int parse_finish(struct parser *p)
{
	struct scenario *s = p->s;
	int i, j;

	p->line = 0;
	if (!s->nr_holders)
		return fail(p, "no holder declared (expected `holder NAME`)");
	for (i = 0; i < s->nr_steps; i++) {
		struct scn_step *st = &s->steps[i];

		if (st->kind != STEP_OP)
			continue;
		p->line = st->line;
		if (need_holder(p, "step", st->holder))
			return -1;
	}
	for (i = 0; i < s->nr_expects; i++) {
		struct scn_expect *e = &s->expects[i];
		int found = 0;

		if (e->kind != EXPECT_OUTCOME)
			continue;
		for (j = 0; j < s->nr_steps; j++)
			if (s->steps[j].label &&
			    !strcmp(s->steps[j].label, e->label))
				found++;
		p->line = e->line;
		if (!found)
			return fail(p, "expect: no step is labelled '%s' "
				       "(label a step with as=%s, or use its "
				       "msg id)",
				    e->label, e->label);
		if (found > 1)
			return fail(p, "expect: %d steps are labelled '%s'; "
				       "give each its own as=NAME",
				    found, e->label);
	}
	if (!s->title) {
		const char *base = strrchr(s->file, '/');

		s->title = xstrdup(base ? base + 1 : s->file);
	}
	return 0;
}

int scenario_parse(struct scenario *s, const char *file, const char *text,
		   char **err)
{
	struct parser p = { .s = s, .file = file };
	const char *line = text;

	*err = NULL;
	free(s->file);
	s->file = xstrdup(file);
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *copy = xstrndup(line, len);
		struct words w = { .nr = 0 };
		int rc = 0;

		p.line++;
		if (len && copy[len - 1] == '\r')
			copy[len - 1] = '\0';
		p.text = copy;
		if (memchr(line, '\0', len))
			rc = fail(&p, "NUL byte in line");
		else if (is_title(copy))
			rc = stmt_title(&p, copy);
		else if (split_words(&p, copy, &w) > 0)
			rc = parse_line(&p, &w);
		else if (p.err)
			rc = -1;
		words_clear(&w);
		free(copy);
		p.text = NULL;
		if (rc) {
			*err = p.err;
			return -1;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (parse_finish(&p)) {
		*err = p.err;
		return -1;
	}
	return 0;
}

int scenario_load(struct scenario *s, const char *path, char **err)
{
	size_t len;
	char *text = read_file(path, 1 << 20, &len);
	int rc;

	if (!text) {
		*err = xasprintf("cannot read '%s': %s", path,
				 strerror(errno));
		return -1;
	}
	if (strlen(text) != len) {
		*err = xasprintf("%s: NUL byte in file", path);
		free(text);
		return -1;
	}
	rc = scenario_parse(s, path, text, err);
	free(text);
	return rc;
}

struct scn_holder *scenario_holder(struct scenario *s, const char *name)
{
	int i;

	for (i = 0; i < s->nr_holders; i++)
		if (!strcmp(s->holders[i].name, name))
			return &s->holders[i];
	return NULL;
}

void scenario_init(struct scenario *s)
{
	struct scenario blank = SCENARIO_INIT;

	*s = blank;
}

void scenario_clear(struct scenario *s)
{
	int i;

	free(s->file);
	free(s->title);
	for (i = 0; i < s->nr_tags; i++)
		free(s->tags[i]);
	free(s->tags);
	for (i = 0; i < s->nr_holders; i++)
		free(s->holders[i].name);
	free(s->holders);
	for (i = 0; i < s->nr_steps; i++) {
		struct scn_step *st = &s->steps[i];

		free(st->text);
		free(st->holder);
		free(st->session);
		free(st->lane);
		free(st->msg);
		free(st->label);
		free(st->fp_name);
		free(st->damage);
		free(st->owner);
	}
	free(s->steps);
	for (i = 0; i < s->nr_expects; i++) {
		struct scn_expect *e = &s->expects[i];

		free(e->text);
		free(e->label);
		free(e->reason);
		free(e->session);
		free(e->level);
		free(e->contains);
		free(e->checker);
		free(e->jq);
	}
	free(s->expects);
	for (i = 0; i < s->nr_requires; i++)
		free(s->requires[i]);
	free(s->requires);
	scenario_init(s);
}
