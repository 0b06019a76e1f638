/*
 * parser.c - the scenario language's statements, and the parse of a file.
 *
 * One line, one statement. The lexer (lexer.c) splits a line into words;
 * the first word is looked up in the statement table below, where the
 * fault table (faults/faults.h) takes the place of the `FAULTS` row, and
 * the rest is checked against what that statement takes. Fault statements
 * are read generically (fault_stmt.c), expectations in expect_stmt.c.
 * Errors say `file:line: what was wrong, expected what`; the parse goes on
 * to the next line, so one run shows every bad line (up to a limit).
 */
#include "scenario/parse.h"
#include "check/check.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- holder operations ---------------------------------------------------- */

static const char *const op_names[] = {
	[OP_ACQUIRE] = "acquire", [OP_RELEASE] = "release",
	[OP_DELIVER] = "deliver", [OP_TURN] = "turn",
	[OP_SPIN] = "spin",	  [OP_EXIT] = "exit",
	[OP_SWEEP] = "sweep",
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

/* ---- shared by the statements ---------------------------------------------- */

/* Words of `list` (prose such as "one of: a, b, or c"), for did-you-mean. */
static const char **list_words(const char *list, int *nr)
{
	const char **out = NULL;
	static char buf[4096];
	char *w, *save = NULL;
	int n = 0, alloc = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	for (w = strtok_r(buf, " ,:;`()|=", &save); w;
	     w = strtok_r(NULL, " ,:;`()|=", &save)) {
		if (!strcmp(w, "or") || !strcmp(w, "one") || !strcmp(w, "of") ||
		    !strcmp(w, "expected") || strlen(w) < 2)
			continue;
		ALLOC_GROW(out, (size_t)n + 1, alloc);
		out[n++] = w;
	}
	*nr = n;
	return out;
}

/*
 * "did you mean": a message `... unknown THING 'WORD' (expected LIST)`
 * gets the words of LIST nearest to WORD (and, for an unknown statement,
 * the declared holders), inserted after 'WORD'. Every site that lists what
 * it expected gets it, with no list kept twice. Returns msg, or a new
 * string (msg freed).
 */
static char *add_nearest(struct parser *p, char *msg)
{
	const char *u = strstr(msg, "unknown "), *q1, *q2, *ex;
	const char **names;
	char *word, *near, *out;
	int n, i;

	if (!u || !(q1 = strchr(u, '\'')) || !(q2 = strchr(q1 + 1, '\'')) ||
	    !(ex = strstr(q2, "(expected ")))
		return msg;
	word = xstrndup(q1 + 1, (size_t)(q2 - q1 - 1));
	names = list_words(ex + 10, &n);
	if (!strncmp(u, "unknown statement", 17))
		for (i = 0; i < p->s->nr_holders; i++) {
			names = xrealloc(names, ((size_t)n + 1) * sizeof(*names));
			names[n++] = p->s->holders[i].name;
		}
	for (i = 0; i < n && strcmp(names[i], word); i++)
		;
	if (i < n) {
		n = 0; /* the word is known: the error is about something else */
	} else {
		int k = 0;

		/* Stricter than nearest_names alone: short words are a few
		 * edits from many others ("m1" is not a typo of "ok"). */
		for (i = 0; i < n; i++)
			if (!strncmp(names[i], word, strlen(word)) ||
			    edit_distance(word, names[i]) <= 1 + strlen(word) / 4)
				names[k++] = names[i];
		n = k;
	}
	near = n ? nearest_names(word, names, (size_t)n, 3) : NULL;
	out = near ? xasprintf("%.*s (did you mean: %s?)%s", (int)(q2 + 1 - msg),
			       msg, near, q2 + 1)
		   : NULL;
	free(near);
	free(names);
	free(word);
	if (!out)
		return msg;
	free(msg);
	return out;
}

int parse_fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (p->err)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	msg = add_nearest(p, msg);
	/* File-wide errors (no holder at all ...) have no line to name. */
	if (p->line > 0)
		p->err = xasprintf("%s:%d: %s", p->file, p->line, msg);
	else
		p->err = xasprintf("%s: %s", p->file, msg);
	free(msg);
	return -1;
}

/* Adopts a lexer error (consumed). */
static int lex_fail(struct parser *p, char *why)
{
	parse_fail(p, "%s", why);
	free(why);
	return -1;
}

int parse_ms(struct parser *p, const char *key, const char *v, int64_t *out)
{
	char *why = NULL;

	return lex_duration(key, v, out, &why) ? lex_fail(p, why) : 0;
}

int parse_int(struct parser *p, const char *key, const char *v, int64_t min,
	      int64_t max, int64_t *out)
{
	char *why = NULL;

	return lex_int(key, v, min, max, out, &why) ? lex_fail(p, why) : 0;
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
		return parse_fail(p, "pollMs must be above 0");
	return 0;
}

static const char *const lock_keys =
	"maxHoldMs, timeoutMs, pollMs, graceMs, laneTimeoutMs, slackMs, "
	"deadline";

/* ---- statements ---------------------------------------------------------- */

struct scn_step *parse_new_step(struct parser *p, enum step_kind kind,
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

struct scn_expect *parse_new_expect(struct parser *p, enum expect_kind kind)
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

struct scn_holder *parse_holder(struct parser *p, const char *name)
{
	int i = name_index_get(&p->holders, name);

	return i >= 0 ? &p->s->holders[i] : NULL;
}

int parse_need_holder(struct parser *p, const char *verb, const char *name)
{
	struct scenario *s = p->s;
	char *known;
	int i;

	if (!name)
		return parse_fail(p, "%s: expected a holder name", verb);
	if (parse_holder(p, name))
		return 0;
	{
		const char **names = xcalloc((size_t)s->nr_holders + 1,
					     sizeof(char *));

		for (i = 0; i < s->nr_holders; i++)
			names[i] = s->holders[i].name;
		known = lex_list(names, s->nr_holders, ", ");
		free(names);
	}
	parse_fail(p, "%s: unknown holder '%s' (declared: %s)", verb, name,
	     *known ? known : "none; declare with `holder NAME`");
	free(known);
	return -1;
}


static int reserved_name(const char *name);
static int str_eq(const char *a, const char *b);

/*
 * `opt.KEY=VALUE` on operation step `st`: KEY a name of letters, digits,
 * `_` and `-` (a JSON key a holder can look up), each KEY once per step.
 */
static int parse_opt(struct parser *p, struct scn_step *st,
		     const struct words *w, const char *key, const char *value)
{
	const char *c;
	int i;

	if (!*key)
		return parse_fail(p, "%s %s: opt. needs an option name "
				  "(opt.NAME=VALUE, e.g. opt.reentrant=false)",
			    w->w[0], w->w[1]);
	for (c = key; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
			return parse_fail(p, "%s %s: option name '%s' may "
					  "hold only letters, digits, _ and -",
				    w->w[0], w->w[1], key);
	for (i = 0; i < st->nr_opts; i++)
		if (!strcmp(st->opts[i].key, key))
			return parse_fail(p, "%s %s: opt.%s given twice",
				    w->w[0], w->w[1], key);
	ALLOC_GROW(st->opts, (size_t)st->nr_opts + 1, st->alloc_opts);
	st->opts[st->nr_opts].key = xstrdup(key);
	st->opts[st->nr_opts].value = xstrdup(value);
	st->nr_opts++;
	return 0;
}

/*
 * `holder A B [ns=NAME] [pid=N]`: the keys apply to every name of the line.
 * pid= names one holder, and no two holders of one namespace (the
 * scenario's, or NAME) may ask for the same pid.
 */
static int stmt_holder(struct parser *p, struct words *w)
{
	struct scenario *s = p->s;
	const char *ns = NULL;
	int64_t pid = 0;
	int i, names = 0, first = s->nr_holders;
	char is_key[LEX_MAX_WORDS] = { 0 };

	if (w->nr < 2)
		return parse_fail(p, "holder: expected one or more names");
	for (i = 1; i < w->nr; i++) {
		char *k, *v;
		char *why = NULL;

		if (!strchr(w->w[i], '='))
			continue;
		is_key[i] = 1; /* lex_kv splits the word in place */
		if (!lex_kv(w->w[i], &k, &v))
			return parse_fail(p, "holder: '%s' is not key=value",
					  w->w[i]);
		if (!strcmp(k, "ns")) {
			if (!lex_is_name(v))
				return parse_fail(p, "holder: ns: '%s' is not a "
						  "name (a letter, then "
						  "letters, digits, _ - .)",
						  v);
			ns = v;
		} else if (!strcmp(k, "pid")) {
			if (lex_int("holder: pid", v, 2, 4194304, &pid, &why))
				return lex_fail(p, why);
		} else {
			return parse_fail(p, "holder: unknown key '%s' "
					  "(expected ns or pid)",
					  k);
		}
	}
	for (i = 1; i < w->nr; i++) {
		struct scn_holder *h;

		if (is_key[i])
			continue;
		if (!lex_is_name(w->w[i]))
			return parse_fail(p, "holder: '%s' is not a name (a letter, "
				       "then letters, digits, _ - .)",
				    w->w[i]);
		if (parse_holder(p, w->w[i]))
			return parse_fail(p, "holder: '%s' declared twice",
				    w->w[i]);
		if (reserved_name(w->w[i]))
			return parse_fail(p, "holder: '%s' is a word of the language "
				       "(a statement, or init/dead); pick "
				       "another name",
				    w->w[i]);
		ALLOC_GROW(s->holders, (size_t)s->nr_holders + 1,
			   s->alloc_holders);
		h = &s->holders[s->nr_holders++];
		memset(h, 0, sizeof(*h));
		h->name = xstrdup(w->w[i]);
		name_index_put(&p->holders, h->name, s->nr_holders - 1);
		h->line = p->line;
		h->ns = ns ? xstrdup(ns) : NULL;
		h->pid = pid;
		names++;
	}
	if (!names)
		return parse_fail(p, "holder: expected one or more names");
	if (pid && names > 1)
		return parse_fail(p, "holder: pid=%lld names one holder, not %d "
				  "(one line each)",
				  (long long)pid, names);
	if (ns || pid)
		s->needs_pidns = 1;
	for (i = 0; pid && i < first; i++) {
		const struct scn_holder *o = &s->holders[i];

		if (o->pid == pid && str_eq(o->ns, ns))
			return parse_fail(p, "holder: pid=%lld is %s's already "
					  "(line %d) in %s%s; one pid, one "
					  "process per namespace",
					  (long long)pid, o->name, o->line,
					  ns ? "namespace " : "the scenario's "
							      "namespace",
					  ns ? ns : "");
	}
	return 0;
}

static int stmt_lock(struct parser *p, struct words *w)
{
	int i;

	/* Steps copy the defaults when they are parsed: a later `lock` line
	 * would not reach the steps above it, so it is refused. */
	if (p->s->nr_steps)
		return parse_fail(p, "lock: must come before the first step (line "
			       "%d)",
			    p->s->steps[0].line);
	if (w->nr < 2)
		return parse_fail(p, "lock: expected key=value (keys: %s)",
			    lock_keys);
	for (i = 1; i < w->nr; i++) {
		char *k, *v;
		int r;

		if (!lex_kv(w->w[i], &k, &v))
			return parse_fail(p, "lock: expected key=value, got '%s'",
				    w->w[i]);
		r = param_key(p, &p->s->params, k, v);
		if (r < 0)
			return -1;
		if (r > 0)
			return parse_fail(p, "lock: unknown key '%s' (expected one "
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
		char *ops = lex_list(op_names, NR_OPS, ", ");

		parse_fail(p, "%s: expected an operation (one of: %s)", w->w[0],
		     ops);
		free(ops);
		return -1;
	}
	for (op = 0; op < NR_OPS; op++)
		if (!strcmp(op_names[op], w->w[1]))
			break;
	if (op == NR_OPS) {
		char *ops = lex_list(op_names, NR_OPS, ", ");

		parse_fail(p, "%s: unknown operation '%s' (expected one of: %s)",
		     w->w[0], w->w[1], ops);
		free(ops);
		return -1;
	}
	st = parse_new_step(p, STEP_OP, at, jitter);
	st->holder = xstrdup(w->w[0]);
	st->op = op;
	for (i = 2; i < w->nr; i++) {
		char *k, *v;
		int64_t n;
		int r;

		if (!lex_kv(w->w[i], &k, &v)) {
			/* `A deliver m1`: a bare word is the message id. */
			if ((op == OP_DELIVER || op == OP_TURN) && !st->msg &&
			    lex_is_name(w->w[i])) {
				st->msg = xstrdup(w->w[i]);
				continue;
			}
			return parse_fail(p, "%s %s: expected key=value, got '%s'",
				    w->w[0], w->w[1], w->w[i]);
		}
		if (!*v)
			return parse_fail(p, "%s %s: %s= needs a value", w->w[0],
				    w->w[1], k);
		if (!strncmp(k, "opt.", 4)) {
			if (parse_opt(p, st, w, k + 4, v) < 0)
				return -1;
			continue;
		}
		if (!strcmp(k, "deadline") || !strcmp(k, "deadlineMs") ||
		    !strcmp(k, "slack") || !strcmp(k, "slackMs"))
			return parse_fail(p, "%s %s: %s applies to the whole "
				       "scenario (put it on the `lock` line)",
				    w->w[0], w->w[1], k);
		r = param_key(p, &st->p, k, v);
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		if (!strcmp(k, "session") && op == OP_SWEEP) {
			return parse_fail(p, "sweep: judges every lock file "
					  "of the folder (no session=)");
		} else if (!strcmp(k, "session")) {
			if (!lex_is_name(v))
				return parse_fail(p, "session: '%s' is not a name",
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
			return parse_fail(p, "%s %s: unknown key '%s' (expected "
				       "session, lane, as%s, opt.KEY, or %s)",
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
		return parse_fail(p, "deliver: expected a message id (msg=ID)");
	if (op == OP_TURN && st->hold_ms <= 0)
		return parse_fail(p, "turn: expected hold=DURATION above 0");
	if (!st->session && op != OP_SWEEP)
		st->session = xstrdup("s1");
	if (!st->lane)
		st->lane = xstrdup("main");
	if (!st->label && st->msg)
		st->label = xstrdup(st->msg);
	return 0;
}


/* The words after `await SUBJECT`, in enum await_on order. */
static const char *const await_words[] = {
	[AWAIT_IDLE] = "", [AWAIT_ACQUIRED] = "acquired",
	[AWAIT_RELEASED] = "released", [AWAIT_ANSWERED] = "answered",
	[AWAIT_LOG] = "log", [AWAIT_FAILPOINT] = "failpoint",
	[AWAIT_CREATED] = "created",
};
#define NR_AWAIT ((int)(sizeof(await_words) / sizeof(await_words[0])))

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* A step labelled `label` comes before this line. */
static int label_known(struct parser *p, const char *label)
{
	int i;

	for (i = 0; i < p->s->nr_steps; i++)
		if (p->s->steps[i].kind == STEP_OP &&
		    str_eq(p->s->steps[i].label, label))
			return 1;
	return 0;
}

/*
 * `await SUBJECT [EVENT] [key=value...]`. An await waits for an event
 * after the last command sent to its holder (run/await.c), and two awaits
 * of the same thing with no command between take two events: the second
 * `await B acquired` waits for B's second acquire.
 */
static int stmt_await_event(struct parser *p, struct words *w)
{
	struct scn_step *st;
	enum await_on on = AWAIT_IDLE;
	int64_t ms = -1;
	int i, first_key = 2;

	if (w->nr < 2)
		return parse_fail(p, "await: expected a holder name");
	if (w->nr > 2 && !strchr(w->w[2], '=')) {
		for (i = 1; i < NR_AWAIT; i++)
			if (!strcmp(w->w[2], await_words[i]))
				on = (enum await_on)i;
		if (on == AWAIT_IDLE)
			return parse_fail(p, "await %s: unknown event '%s' "
					     "(expected acquired, released, "
					     "answered, log, failpoint, "
					     "created, or timeout=T)",
					  w->w[1], w->w[2]);
		first_key = 3;
	}
	if (on == AWAIT_ANSWERED) {
		if (!label_known(p, w->w[1]))
			return parse_fail(p, "await %s answered: no operation "
					     "before this line is labelled '%s' "
					     "(msg= or as=)",
					  w->w[1], w->w[1]);
	} else if (parse_need_holder(p, "await", w->w[1])) {
		return -1;
	}
	st = parse_new_step(p, STEP_AWAIT, -1, 0);
	st->holder = xstrdup(w->w[1]);
	st->await_on = on;
	for (i = first_key; i < w->nr; i++) {
		char *k, *v;

		if (!lex_kv(w->w[i], &k, &v))
			return parse_fail(p, "await: expected key=value, got "
					     "'%s'",
					  w->w[i]);
		if (!strcmp(k, "timeout")) {
			if (parse_ms(p, k, v, &ms))
				return -1;
		} else if (on == AWAIT_RELEASED && !strcmp(k, "why")) {
			free(st->await_why);
			st->await_why = xstrdup(v);
		} else if (on == AWAIT_LOG && !strcmp(k, "contains")) {
			free(st->await_contains);
			st->await_contains = xstrdup(v);
		} else if (on == AWAIT_FAILPOINT && !strcmp(k, "name")) {
			free(st->await_contains);
			st->await_contains = xstrdup(v);
		} else if (on == AWAIT_LOG && !strcmp(k, "level")) {
			free(st->await_level);
			st->await_level = xstrdup(v);
		} else {
			return parse_fail(p, "await %s%s%s: unknown key '%s' "
					     "(expected timeout%s)",
					  w->w[1], on == AWAIT_IDLE ? "" : " ",
					  await_words[on], k,
					  on == AWAIT_RELEASED ? ", why"
					  : on == AWAIT_LOG    ? ", level, contains"
					  : on == AWAIT_FAILPOINT ? ", name"
							       : "");
		}
	}
	st->wait_ms = ms;
	/* Earlier awaits of the same thing since the last command to the
	 * same holder took the matches before this one's. */
	st->await_nth = 1;
	for (i = p->s->nr_steps - 2; i >= 0 && on != AWAIT_ANSWERED; i--) {
		const struct scn_step *o = &p->s->steps[i];

		if (o->kind == STEP_OP && str_eq(o->holder, st->holder))
			break;
		if (o->kind == STEP_AWAIT && o->await_on == on &&
		    str_eq(o->holder, st->holder) &&
		    str_eq(o->await_why, st->await_why) &&
		    str_eq(o->await_level, st->await_level) &&
		    str_eq(o->await_contains, st->await_contains))
			st->await_nth++;
	}
	return 0;
}

static int stmt_wait(struct parser *p, struct words *w, int await)
{
	struct scn_step *st;

	if (await)
		return stmt_await_event(p, w);
	if (w->nr != 2)
		return parse_fail(p, "wait: expected one duration (e.g. wait 200ms)");
	st = parse_new_step(p, STEP_WAIT, -1, 0);
	return parse_ms(p, "wait", w->w[1], &st->wait_ms);
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
		return parse_fail(p, "title: expected text");
	if (p->s->title)
		return parse_fail(p, "title: given twice");
	p->s->title = xstrndup(rest, len);
	return 0;
}

static int stmt_title_alone(struct parser *p, struct words *w)
{
	return parse_fail(p, "title: expected text");
}

static int stmt_tags(struct parser *p, struct words *w)
{
	return stmt_list(p, w, &p->s->tags, &p->s->nr_tags,
			 &p->s->alloc_tags);
}

static int stmt_requires(struct parser *p, struct words *w)
{
	return stmt_list(p, w, &p->s->requires, &p->s->nr_requires,
			 &p->s->alloc_requires);
}

static int stmt_repeat(struct parser *p, struct words *w)
{
	int64_t n;

	if (w->nr != 2 || parse_int(p, "repeat", w->w[1], 1, 1000, &n))
		return p->err ? -1 : parse_fail(p, "repeat: expected a count");
	p->s->repeat = (int)n;
	return 0;
}

/*
 * `speed N`: the holders and the harness run on one clock N times as fast
 * (run/speed.h), so a bug report's real numbers fit in seconds. `speed off
 * REASON...`: this scenario must not be compressed (--speed leaves it at
 * 1), and its result says why.
 */
static int stmt_speed(struct parser *p, struct words *w)
{
	int64_t n;
	size_t len = 0;
	int i;

	if (p->s->speed || p->s->speed_off)
		return parse_fail(p, "speed: given twice (first on line %d)",
				  p->s->speed_line);
	p->s->speed_line = p->line;
	if (w->nr >= 2 && !strcmp(w->w[1], "off")) {
		if (w->nr < 3)
			return parse_fail(p, "speed off: expected the reason "
					     "this scenario must not be "
					     "compressed");
		for (i = 2; i < w->nr; i++)
			len += strlen(w->w[i]) + 1;
		p->s->speed_off = xcalloc(len, 1);
		for (i = 2; i < w->nr; i++) {
			if (i > 2)
				strcat(p->s->speed_off, " ");
			strcat(p->s->speed_off, w->w[i]);
		}
		return 0;
	}
	if (w->nr != 2 ||
	    parse_int(p, "speed", w->w[1], 1, SCENARIO_SPEED_MAX, &n))
		return p->err ? -1
			      : parse_fail(p, "speed: expected a factor "
					      "(1 to %d) or 'off REASON'",
					   SCENARIO_SPEED_MAX);
	p->s->speed = (int)n;
	return 0;
}

static int stmt_disable(struct parser *p, struct words *w)
{
	int i;

	if (w->nr < 2)
		return parse_fail(p, "disable: expected checker names");
	for (i = 1; i < w->nr; i++) {
		int c = checker_from_name(w->w[i]);
		char names[256];

		if (c < 0)
			return parse_fail(p, "disable: unknown checker '%s' "
					     "(expected %s)",
					  w->w[i],
					  checker_list(names, sizeof(names)));
		p->s->disabled |= 1u << c;
		p->disable_line = p->line;
	}
	return 0;
}

static int stmt_wait_for(struct parser *p, struct words *w)
{
	return stmt_wait(p, w, 0);
}

static int stmt_await(struct parser *p, struct words *w)
{
	return stmt_wait(p, w, 1);
}

/*
 * The statements other than holder operations, in the order errors list
 * them. The row without a word stands for the fault table: every fault
 * statement, in its order. Only faults (and holder operations) can be timed
 * with `at`.
 */
static const struct statement {
	const char *word;
	int (*parse)(struct parser *p, struct words *w);
} statements[] = {
	{ "title", stmt_title_alone },
	{ "tags", stmt_tags },
	{ "lock", stmt_lock },
	{ "holder", stmt_holder },
	{ "repeat", stmt_repeat },
	{ "speed", stmt_speed },
	{ "requires", stmt_requires },
	{ "disable", stmt_disable },
	{ "at", NULL }, /* parse_line reads it first */
	{ NULL, NULL }, /* FAULTS */
	{ "wait", stmt_wait_for },
	{ "await", stmt_await },
	{ "expect", parse_expect },
	{ "assert", parse_assert },
};
#define NR_STATEMENTS ((int)(sizeof(statements) / sizeof(statements[0])))

/* Every statement word, faults in their place; NULL-terminated. */
static const char **statement_words(void)
{
	const char **all;
	int i, k, n = 0;

	for (k = 0; fault_table[k]; k++)
		;
	all = xcalloc((size_t)(NR_STATEMENTS + k + 1), sizeof(char *));
	for (i = 0; i < NR_STATEMENTS; i++) {
		if (statements[i].word) {
			all[n++] = statements[i].word;
			continue;
		}
		for (k = 0; fault_table[k]; k++)
			if (fault_table[k]->inject)
				all[n++] = fault_table[k]->name;
	}
	return all;
}

/* Holder names must not read as statements, or `tags acquire` after
 * `holder tags` would mean two things. */
static int reserved_name(const char *name)
{
	const char **all = statement_words();
	int i, hit = 0;

	for (i = 0; all[i] && !hit; i++)
		hit = !strcmp(all[i], name);
	free(all);
	return hit || !strcmp(name, "init") || !strcmp(name, "dead");
}

/* A fault statement's row, or NULL. */
static const struct fault *fault_statement(const char *word)
{
	const struct fault *f = fault_find(word);

	return f && f->inject ? f : NULL;
}

/*
 * `at T expect lock S absent|present [owner=H]`: the expectation, and a
 * step that looks at S's lock at T (STEP_LOOK). Only a lock can be looked
 * at mid-run: the other expectations are about the whole run.
 */
static int timed_expect(struct parser *p, struct words *w, int64_t at,
			int64_t jitter)
{
	struct scn_expect *e;
	struct scn_step *st;

	if (w->nr < 2 || strcmp(w->w[1], "lock"))
		return parse_fail(p, "at: only `expect lock` can be timed "
				     "(expected `at TIME expect lock SESSION "
				     "absent|present [owner=HOLDER]`)");
	if (parse_expect(p, w))
		return -1;
	e = &p->s->expects[p->s->nr_expects - 1];
	e->timed = 1;
	st = parse_new_step(p, STEP_LOOK, at, jitter);
	st->session = xstrdup(e->session);
	return 0;
}

static int parse_line(struct parser *p, struct words *w)
{
	const struct fault *f;
	int64_t at = -1, jitter = 0;
	int timed = 0, i;

	if (!strcmp(w->w[0], "at")) {
		char *why = NULL;

		if (w->nr < 3)
			return parse_fail(p, "at: expected `at TIME STEP ...`");
		if (lex_at(w->w[1], &at, &jitter, &why))
			return lex_fail(p, why);
		words_shift(w, 2);
		timed = 1;
	}
	f = fault_statement(w->w[0]);
	if (f)
		return parse_fault(p, f, w, at, jitter);
	if (timed && !strcmp(w->w[0], "expect"))
		return timed_expect(p, w, at, jitter);
	for (i = 0; i < NR_STATEMENTS; i++) {
		if (!statements[i].word || strcmp(statements[i].word, w->w[0]))
			continue;
		if (timed)
			return parse_fail(p, "at: '%s' cannot be timed "
					     "(expected a holder operation or "
					     "a fault)",
					  w->w[0]);
		return statements[i].parse(p, w);
	}
	if (parse_holder(p, w->w[0]))
		return stmt_op(p, w, at, jitter);
	{
		const char **words = statement_words();
		char *all = lex_list(words, -1, ", ");

		parse_fail(p, "unknown statement '%s' (expected one of: %s, or "
			      "a declared holder's name)",
			   w->w[0], all);
		free(all);
		free(words);
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
		return parse_fail(p, "no holder declared (expected `holder NAME`)");
	/* A scenario that does nothing, or that nothing judges, would pass
	 * without having tested anything: neither is a scenario. */
	if (!s->nr_steps) {
		p->line = p->last_line;
		return parse_fail(p, "no steps (expected at least one operation, "
				  "fault or wait: a scenario that does "
				  "nothing has nothing to pass)");
	}
	if (!s->nr_expects && s->disabled == (1u << CHECK__NR) - 1) {
		p->line = p->disable_line;
		return parse_fail(p, "nothing to judge: every checker is "
				  "disabled and there is no expect or assert "
				  "line (keep a checker, or say what you "
				  "expect)");
	}
	for (i = 0; i < s->nr_steps; i++) {
		struct scn_step *st = &s->steps[i];

		if (st->kind != STEP_OP)
			continue;
		p->line = st->line;
		if (parse_need_holder(p, "step", st->holder))
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
			return parse_fail(p, "expect: no step is labelled '%s' "
				       "(label a step with as=%s, or use its "
				       "msg id)",
				    e->label, e->label);
		if (found > 1)
			return parse_fail(p, "expect: %d steps are labelled '%s'; "
				       "give each its own as=NAME",
				    found, e->label);
	}
	if (!s->title) {
		const char *base = strrchr(s->file, '/');

		s->title = xstrdup(base ? base + 1 : s->file);
	}
	return 0;
}

/* Appends `e` (consumed) to the error lines in *all. */
static void add_error(char **all, char *e)
{
	char *joined;

	if (!*all) {
		*all = e;
		return;
	}
	joined = xasprintf("%s\n%s", *all, e);
	free(*all);
	free(e);
	*all = joined;
}

int scenario_parse(struct scenario *s, const char *file, const char *text,
		   char **err)
{
	return scenario_parse_errors(s, file, text, 1, err);
}

/* Parses `text` line by line into p->s (see scenario_parse_errors). */
static int parse_text(struct parser *p, const char *file, const char *text,
		      int max, char **err)
{
	struct scenario *s = p->s;
	const char *line = text;
	int nr_errors = 0;

	*err = NULL;
	free(s->file);
	s->file = xstrdup(file);
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *copy = xstrndup(line, len);
		struct words w = { .nr = 0 };
		char *why = NULL;
		int rc = 0, n;

		p->line++;
		if (len && copy[len - 1] == '\r')
			copy[len - 1] = '\0';
		p->text = copy;
		if (memchr(line, '\0', len))
			rc = parse_fail(p, "NUL byte in line");
		else if (is_title(copy))
			rc = stmt_title(p, copy);
		else if ((n = lex_words(copy, &w, &why)) > 0)
			rc = parse_line(p, &w);
		else if (n < 0)
			rc = lex_fail(p, why);
		words_clear(&w);
		free(copy);
		p->text = NULL;
		if (rc) {
			add_error(err, p->err);
			p->err = NULL;
			if (++nr_errors >= max) {
				if (max > 1 && nl && nl[1])
					add_error(err, xasprintf(
						"%s: stopped after %d errors",
						file, max));
				return -1;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	if (nr_errors)
		return -1;
	p->last_line = p->line;
	if (parse_finish(p)) {
		*err = p->err;
		return -1;
	}
	return 0;
}

int scenario_parse_errors(struct scenario *s, const char *file,
			  const char *text, int max, char **err)
{
	struct parser p = { .s = s, .file = file };
	int i, rc;

	for (i = s->nr_holders - 1; i >= 0; i--) /* any there already */
		name_index_put(&p.holders, s->holders[i].name, i);
	rc = parse_text(&p, file, text, max, err);
	name_index_clear(&p.holders);
	return rc;
}
