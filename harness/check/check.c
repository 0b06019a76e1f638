/*
 * check.c - the built-in checkers and custom jq assertions.
 *
 * check_history() first builds a model of the run out of the history, in
 * time order: the processes (when each died, when it was frozen or
 * spinning), the operations (invoke, when its lane let it start, outcome,
 * first acquisition) and the holds (who held which session lock from when,
 * and when that hold ended or should have ended). Each checker is then a
 * function of that model and of the `final` event.
 *
 * A scenario has at most a few thousand events, so lookups are linear
 * scans; the worst is O(contenders x holds) per session, which stays far
 * below the cost of running the scenario.
 *
 * Strings in the model point into the history (jv strings are reference
 * counted and the history keeps its own reference), so the model must not
 * outlive the history it was built from.
 */
#include "check/check.h"

#include <jq.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEVER INT64_MAX
#define NONE (-1) /* a duration the history does not give */

/*
 * Each process stamps its events after the fact: a holder stamps `released`
 * after unlink(), the harness stamps a kill after kill() returned. One
 * preempted between the act and the stamp looks late, so a contender that
 * found the file gone may show an `acquired` stamped before the previous
 * owner's end: by up to 0.3 ms in the reference suite on a loaded two-core
 * machine. Such an inversion counts as double ownership only beyond this
 * margin. A contender that says it *reclaimed* the file gets no margin
 * against a holder-stamped end: it removed a file whose owner had not yet
 * let go, which no stamping delay explains.
 */
#define ORDER_EPS_US 5000

/*
 * A transcript line's `t` is taken before the write (after the fencing
 * check) and an `acquired` after the lock file holds the payload; the
 * runner rebases both by the same integer. A line stamped after another
 * owner's `acquired` was written after that owner's file existed: no
 * margin is owed.
 */
#define FENCE_EPS_US 0

/* The protocol's (and OpenClaw's) retry interval when none is given. */
#define DEFAULT_POLL_US 50000

/* `repeat(true)` would otherwise hang the harness after the run. */
#define JQ_MAX_OUTPUTS 10000000L

static const char *const checker_names[CHECK__NR] = {
	[CHECK_RECOVERY] = "recovery",
	[CHECK_NO_SILENT_DROP] = "no-silent-drop",
	[CHECK_MUTEX] = "mutex",
	[CHECK_LEAK] = "leak",
	[CHECK_INTEGRITY] = "integrity",
	[CHECK_VISIBILITY] = "visibility",
	[CHECK_PROTOCOL] = "protocol",
};

const char *checker_name(enum checker c)
{
	if ((int)c < 0 || c >= CHECK__NR)
		return NULL;
	return checker_names[c];
}

int checker_from_name(const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < CHECK__NR; i++)
		if (!strcmp(checker_names[i], name))
			return i;
	return -1;
}

/* ---- small helpers ------------------------------------------------------ */

/* Allocation failure aborts: a checker that runs out of memory has nothing
 * sensible left to report. */
static void *grow_or_die(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

#define GROW(arr, nr, alloc)                                                 \
	do {                                                                 \
		if ((nr) >= (alloc)) {                                       \
			(alloc) = (alloc) ? 2 * (alloc) : 16;                \
			(arr) = grow_or_die((arr), (alloc) * sizeof(*(arr))); \
		}                                                            \
	} while (0)

static char *dup_or_die(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(grow_or_die(NULL, n), s, n);
}

/* Scenario time as people read it on the timeline: "1.200 s". The struct
 * lets a call sit inside a printf argument list (C11 temporary lifetime). */
struct secs {
	char s[32];
};

static struct secs secs(int64_t t)
{
	struct secs b;

	snprintf(b.s, sizeof(b.s), "%.3f s", (double)t / 1e6);
	return b;
}

static long long ms(int64_t us)
{
	return llround((double)us / 1000.0);
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Saturating: NEVER stays NEVER. */
static int64_t add64(int64_t a, int64_t b)
{
	if (a == NEVER || b == NEVER)
		return NEVER;
	return a + b;
}

/* ---- reading events ------------------------------------------------------ */

static jv field(jv o, const char *key)
{
	if (jv_get_kind(o) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(o), jv_string(key));
}

/* The string at `key`, or NULL. Valid while `o` lives (see the top). */
static const char *str_field(jv o, const char *key)
{
	jv v = field(o, key);
	const char *s = NULL;

	if (jv_get_kind(v) == JV_KIND_STRING)
		s = jv_string_value(v);
	jv_free(v);
	return s;
}

static int num_field(jv o, const char *key, double *out)
{
	jv v = field(o, key);
	int ok = jv_get_kind(v) == JV_KIND_NUMBER;

	if (ok)
		*out = jv_number_value(v);
	jv_free(v);
	return ok;
}

/* A millisecond field as microseconds; NONE when absent or negative (the
 * scenario language writes -1 for "no lane timeout"). */
static int64_t ms_field(jv o, const char *key)
{
	double d;

	if (!num_field(o, key, &d) || d < 0 || d > 9e12)
		return NONE;
	return (int64_t)(d * 1000.0);
}

static int true_field(jv o, const char *key)
{
	jv v = field(o, key);
	int yes = jv_get_kind(v) == JV_KIND_TRUE;

	jv_free(v);
	return yes;
}

/* `reclaimed` is a reason string; `true` is accepted too. */
static const char *reclaim_reason(jv o)
{
	const char *s = str_field(o, "reclaimed");

	if (s && *s)
		return s;
	return true_field(o, "reclaimed") ? "reclaimed" : NULL;
}

static int eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* ---- the model ----------------------------------------------------------- */

struct span {
	int64_t from, to;
	int frozen; /* else spinning (the `spin` op or a spin fault) */
};

struct proc {
	const char *name;
	int lanes;	  /* lanes run at once: caps has "lanes", or no spawn */
	int64_t death_t;  /* first kill/term fault or exit; NEVER */
	int64_t failpoint_t; /* first failpoint armed in it; NEVER */
	char how[48];	  /* "was killed", "exited (code 3)" ... */
	struct span *stops; /* frozen or spinning: it cannot act */
	int nr_stops, alloc_stops;
};

struct op {
	int proc, ev;		 /* process, invoke event */
	int64_t id;
	const char *op, *session, *lane, *msg;
	int64_t invoke_t;
	int64_t start_t;	 /* its lane was free: it began; NEVER */
	int64_t poll_us, maxhold_us, timeout_us, grace_us, hold_us, spin_us;
	const char *outcome;	 /* "ok", "fail", "info" or NULL */
	int64_t outcome_t;	 /* NEVER when none */
	const char *reason, *error;
	int nr_answers;		 /* ok/fail events: the protocol wants one */
	int64_t answer_t[2];	 /* the first two, for the message */
	const char *answer[2];
	int appended;		 /* the holder reported the line written */
	int64_t acq_t;		 /* its first `acquired`; NEVER */
	int joined;		 /* ... was reentrant: it never waited */
};

enum end_kind {
	END_NONE,
	END_RELEASED,	/* its `released` event */
	END_DIED,	/* kill/term fault or exit */
	END_OUTCOME,	/* its deliver/turn answered: it should have let go */
	END_RELEASE_OP, /* a release command on its lane answered */
	END_DAMAGED,	/* the harness replaced the lock file */
};

struct hold {
	int proc;	     /* -1: a damaged lock the harness planted */
	int op;		     /* the acquiring operation, -1 if unknown */
	int ev;		     /* its `acquired` (or damage fault) event */
	const char *session, *lane, *reclaimed;
	const char *damage;  /* pseudo-hold: damage kind */
	int64_t acq_t;
	int64_t maxhold_us;  /* NONE: no declared bound */
	int64_t released_t;  /* its `released` event; NEVER */
	int released_by_op;  /* a release command answered ok */
	int release_failed;  /* ... or failed: the file may stay */
	int64_t gone_t;	     /* no longer its lock file: joins stop */
	enum end_kind end;   /* the first moment it could no longer */
	int64_t end_t;	     /* release, or should have released */
	int end_op;	     /* for END_OUTCOME / END_RELEASE_OP */
	int64_t free_t;	     /* contenders may take it from here */
	int prev;	     /* the hold on this session before it, -1 */
	int creating;	     /* an attempt that may own a file it has not
				reported yet (see add_creating_holds) */
};

struct logline {
	int proc;
	int64_t t;
	const char *level, *msg;
};

struct model {
	jv history; /* borrowed */
	int n;
	int64_t *t;  /* each event's time, µs */
	int *order;  /* event indexes sorted by (t, index) */
	int64_t t_end;
	int64_t slack_us;
	int64_t def_poll, def_maxhold, def_timeout, def_grace;
	jv final; /* the `final` event, or invalid */

	struct proc *procs;
	int nr_procs, alloc_procs;
	struct op *ops;
	int nr_ops, alloc_ops;
	struct hold *holds;
	int nr_holds, alloc_holds;
	struct logline *logs;
	int nr_logs, alloc_logs;
	int *orphans; /* ok/fail events for a command never sent */
	int nr_orphans, alloc_orphans;
	int *errors; /* `error` events of holders */
	int nr_errors, alloc_errors;
	int *spins; /* `fault` spin events */
	int nr_spins, alloc_spins;
	const char **sessions;
	int nr_sessions, alloc_sessions;

	jv verdicts;
	int failures;
};

static jv ev_at(struct model *m, int i)
{
	return jv_array_get(jv_copy(m->history), i);
}

static void fail_verdict(struct model *m, enum checker k, int64_t at,
			 int proc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void fail_verdict(struct model *m, enum checker k, int64_t at,
			 int proc, const char *fmt, ...)
{
	va_list ap;
	jv v, text;

	va_start(ap, fmt);
	text = jv_string_vfmt(fmt, ap);
	va_end(ap);
	v = jv_object();
	v = jv_object_set(v, jv_string("type"), jv_string("verdict"));
	v = jv_object_set(v, jv_string("checker"),
			  jv_string(checker_names[k]));
	v = jv_object_set(v, jv_string("ok"), jv_false());
	v = jv_object_set(v, jv_string("msg"), text);
	v = jv_object_set(v, jv_string("at"),
			  jv_number(at == NEVER ? (double)m->t_end
						: (double)at));
	v = jv_object_set(v, jv_string("process"),
			  proc >= 0 ? jv_string(m->procs[proc].name)
				    : jv_null());
	m->verdicts = jv_array_append(m->verdicts, v);
	m->failures++;
}

static const char *pname(struct model *m, int proc)
{
	return proc >= 0 ? m->procs[proc].name : "the harness";
}

/* The process called `name`, created on first sight; -1 for the harness
 * itself and for events that name nobody. */
static int proc_of(struct model *m, const char *name)
{
	int i;
	struct proc *p;

	if (!name || !strcmp(name, "harness"))
		return -1;
	for (i = 0; i < m->nr_procs; i++)
		if (!strcmp(m->procs[i].name, name))
			return i;
	GROW(m->procs, m->nr_procs, m->alloc_procs);
	p = &m->procs[m->nr_procs];
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->lanes = 1;
	p->death_t = NEVER;
	p->failpoint_t = NEVER;
	return m->nr_procs++;
}

static int find_op(struct model *m, int proc, int64_t id)
{
	int i;

	for (i = 0; i < m->nr_ops; i++)
		if (m->ops[i].proc == proc && m->ops[i].id == id)
			return i;
	return -1;
}

static int op_of_event(struct model *m, jv e, int proc)
{
	double id;

	if (proc < 0 || !num_field(e, "id", &id))
		return -1;
	return find_op(m, proc, (int64_t)id);
}

static void add_session(struct model *m, const char *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < m->nr_sessions; i++)
		if (!strcmp(m->sessions[i], s))
			return;
	GROW(m->sessions, m->nr_sessions, m->alloc_sessions);
	m->sessions[m->nr_sessions++] = s;
}

static void add_stop(struct proc *p, int64_t from, int64_t to, int frozen)
{
	GROW(p->stops, p->nr_stops, p->alloc_stops);
	p->stops[p->nr_stops].from = from;
	p->stops[p->nr_stops].to = to;
	p->stops[p->nr_stops].frozen = frozen;
	p->nr_stops++;
}

/* Ends every open stop of `p` at `t` (thaw, death). */
static void close_stops(struct proc *p, int64_t t, int frozen_only)
{
	int i;

	for (i = 0; i < p->nr_stops; i++)
		if (p->stops[i].to > t && p->stops[i].from <= t &&
		    (!frozen_only || p->stops[i].frozen))
			p->stops[i].to = t;
}

/* How long `proc` could not act within [a, b). */
static int64_t stopped_for(struct model *m, int proc, int64_t a, int64_t b)
{
	int64_t sum = 0;
	int i;

	if (proc < 0 || b <= a)
		return 0;
	for (i = 0; i < m->procs[proc].nr_stops; i++) {
		struct span *s = &m->procs[proc].stops[i];
		int64_t from = max64(a, s->from), to = min64(b, s->to);

		if (to > from)
			sum = add64(sum, to - from);
	}
	return sum;
}

/* The first stop of `proc` that overlaps [a, b), or NULL. */
static struct span *stop_within(struct model *m, int proc, int64_t a,
				int64_t b)
{
	int i;

	if (proc < 0)
		return NULL;
	for (i = 0; i < m->procs[proc].nr_stops; i++) {
		struct span *s = &m->procs[proc].stops[i];

		if (s->from < b && s->to > a)
			return s;
	}
	return NULL;
}

static void set_death(struct model *m, int proc, int64_t t, const char *how)
{
	struct proc *p;

	if (proc < 0)
		return;
	p = &m->procs[proc];
	if (t < p->death_t) {
		p->death_t = t;
		snprintf(p->how, sizeof(p->how), "%s", how);
	}
}

/* qsort has no context argument; the model is built by one thread. */
static const int64_t *sort_t;

static int cmp_order(const void *a, const void *b)
{
	int i = *(const int *)a, j = *(const int *)b;

	if (sort_t[i] != sort_t[j])
		return sort_t[i] < sort_t[j] ? -1 : 1;
	return i - j;
}

static int is_acquiring(const char *op)
{
	return eq(op, "acquire") || eq(op, "deliver") || eq(op, "turn");
}

/* ---- pass 1: processes, operations, logs --------------------------------- */

static void read_params(struct model *m, jv meta)
{
	jv p = field(meta, "params");
	int64_t v;

	if ((v = ms_field(p, "pollMs")) != NONE)
		m->def_poll = v;
	if ((v = ms_field(p, "maxHoldMs")) != NONE)
		m->def_maxhold = v;
	if ((v = ms_field(p, "timeoutMs")) != NONE)
		m->def_timeout = v;
	if ((v = ms_field(p, "graceMs")) != NONE)
		m->def_grace = v;
	jv_free(p);
}

static int64_t or_default(int64_t v, int64_t def)
{
	return v != NONE ? v : def;
}

static void read_invoke(struct model *m, jv e, int i)
{
	struct op *o;
	double id;
	int proc = proc_of(m, str_field(e, "process"));

	if (proc < 0 || !num_field(e, "id", &id))
		return;
	GROW(m->ops, m->nr_ops, m->alloc_ops);
	o = &m->ops[m->nr_ops++];
	memset(o, 0, sizeof(*o));
	o->proc = proc;
	o->ev = i;
	o->id = (int64_t)id;
	o->op = str_field(e, "op");
	o->session = str_field(e, "session");
	o->lane = str_field(e, "lane");
	if (!o->lane)
		o->lane = "main";
	o->msg = str_field(e, "msg");
	if (o->msg && !*o->msg)
		o->msg = NULL;
	o->invoke_t = m->t[i];
	o->start_t = NEVER;
	o->poll_us = or_default(ms_field(e, "pollMs"), m->def_poll);
	if (o->poll_us == NONE)
		o->poll_us = DEFAULT_POLL_US;
	o->maxhold_us = or_default(ms_field(e, "maxHoldMs"), m->def_maxhold);
	o->timeout_us = or_default(ms_field(e, "timeoutMs"), m->def_timeout);
	o->grace_us = or_default(ms_field(e, "graceMs"), m->def_grace);
	o->hold_us = ms_field(e, "holdMs");
	o->spin_us = ms_field(e, "ms");
	o->outcome_t = NEVER;
	o->acq_t = NEVER;
	add_session(m, o->session);
}

static void read_outcome(struct model *m, jv e, int i, const char *type)
{
	int proc = proc_of(m, str_field(e, "process"));
	int k = op_of_event(m, e, proc);
	struct op *o;

	if (k < 0) {
		if (strcmp(type, "info")) {
			GROW(m->orphans, m->nr_orphans, m->alloc_orphans);
			m->orphans[m->nr_orphans++] = i;
		}
		return;
	}
	o = &m->ops[k];
	if (!strcmp(type, "info")) {
		/* The runner's guess; a holder's own answer wins. */
		if (!o->outcome) {
			o->outcome = "info";
			o->outcome_t = m->t[i];
			o->error = str_field(e, "error");
		}
		return;
	}
	if (o->nr_answers < 2) {
		o->answer[o->nr_answers] = type;
		o->answer_t[o->nr_answers] = m->t[i];
	}
	if (o->nr_answers++ > 0)
		return;
	o->outcome = type;
	o->outcome_t = m->t[i];
	o->reason = str_field(e, "reason");
	o->error = str_field(e, "error");
}

static void read_fault(struct model *m, jv e, int i)
{
	const char *f = str_field(e, "fault");
	int proc = proc_of(m, str_field(e, "target"));
	int64_t t = m->t[i];

	if (eq(f, "kill")) {
		set_death(m, proc, t, "was killed");
	} else if (eq(f, "term")) {
		set_death(m, proc, t, "was sent SIGTERM");
	} else if (eq(f, "freeze") && proc >= 0) {
		add_stop(&m->procs[proc], t, NEVER, 1);
	} else if (eq(f, "thaw") && proc >= 0) {
		close_stops(&m->procs[proc], t, 0);
	} else if (eq(f, "spin") && proc >= 0) {
		GROW(m->spins, m->nr_spins, m->alloc_spins);
		m->spins[m->nr_spins++] = i;
	} else if (eq(f, "failpoint") && proc >= 0 &&
		   !eq(str_field(e, "mode"), "off")) {
		if (t < m->procs[proc].failpoint_t)
			m->procs[proc].failpoint_t = t;
	} else if (eq(f, "damage")) {
		add_session(m, str_field(e, "session"));
	}
}

static void read_exit(struct model *m, jv e, int i)
{
	int proc = proc_of(m, str_field(e, "process"));
	char how[48];
	double v;

	if (num_field(e, "signal", &v))
		snprintf(how, sizeof(how), "died of signal %d", (int)v);
	else if (str_field(e, "signal"))
		snprintf(how, sizeof(how), "died (%s)", str_field(e, "signal"));
	else if (num_field(e, "code", &v))
		snprintf(how, sizeof(how), "exited (code %d)", (int)v);
	else
		snprintf(how, sizeof(how), "exited");
	set_death(m, proc, m->t[i], how);
}

static void read_spawn(struct model *m, jv e)
{
	int proc = proc_of(m, str_field(e, "process"));
	jv caps = field(e, "caps");
	int i, n;

	if (proc >= 0 && jv_get_kind(caps) == JV_KIND_ARRAY) {
		m->procs[proc].lanes = 0;
		n = jv_array_length(jv_copy(caps));
		for (i = 0; i < n; i++) {
			jv c = jv_array_get(jv_copy(caps), i);

			if (jv_get_kind(c) == JV_KIND_STRING &&
			    !strcmp(jv_string_value(c), "lanes"))
				m->procs[proc].lanes = 1;
			jv_free(c);
		}
	}
	jv_free(caps);
}

static void pass_events(struct model *m)
{
	int k;

	for (k = 0; k < m->n; k++) {
		int i = m->order[k];
		jv e = ev_at(m, i);
		const char *type = str_field(e, "type");

		if (eq(type, "spawn")) {
			read_spawn(m, e);
		} else if (eq(type, "invoke")) {
			read_invoke(m, e, i);
		} else if (eq(type, "ok") || eq(type, "fail") ||
			   eq(type, "info")) {
			read_outcome(m, e, i, type);
		} else if (eq(type, "appended")) {
			int op = op_of_event(
				m, e, proc_of(m, str_field(e, "process")));
			if (op >= 0)
				m->ops[op].appended = 1;
		} else if (eq(type, "log")) {
			GROW(m->logs, m->nr_logs, m->alloc_logs);
			m->logs[m->nr_logs].proc =
				proc_of(m, str_field(e, "process"));
			m->logs[m->nr_logs].t = m->t[i];
			m->logs[m->nr_logs].level = str_field(e, "level");
			m->logs[m->nr_logs].msg = str_field(e, "msg");
			m->nr_logs++;
		} else if (eq(type, "error")) {
			GROW(m->errors, m->nr_errors, m->alloc_errors);
			m->errors[m->nr_errors++] = i;
		} else if (eq(type, "exit")) {
			read_exit(m, e, i);
		} else if (eq(type, "fault")) {
			read_fault(m, e, i);
		} else if (eq(type, "acquired") || eq(type, "released")) {
			proc_of(m, str_field(e, "process"));
			add_session(m, str_field(e, "session"));
		} else if (eq(type, "final")) {
			jv_free(m->final);
			m->final = jv_copy(e);
		}
		jv_free(e);
	}
}

/*
 * When each command could begin: commands on one lane run one after another
 * (all commands, for a holder without the `lanes` capability), so a command
 * sent while its lane is busy starts when the one before it answers. A
 * command behind one that never answered never starts. `spin` and `exit`
 * act on the whole process at once and queue behind nothing.
 */
static void queue_starts(struct model *m)
{
	int i, j;

	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i];
		int64_t start = o->invoke_t;

		if (eq(o->op, "spin") || eq(o->op, "exit")) {
			o->start_t = o->invoke_t;
			continue;
		}
		for (j = 0; j < i; j++) {
			struct op *p = &m->ops[j];

			if (p->proc != o->proc || eq(p->op, "spin") ||
			    eq(p->op, "exit"))
				continue;
			if (m->procs[o->proc].lanes && !eq(p->lane, o->lane))
				continue;
			if (p->start_t == NEVER) {
				start = NEVER;
				break;
			}
			if (p->outcome_t > start)
				start = p->outcome_t;
		}
		o->start_t = start;
	}
}

/* A `spin` command stops the process from its invoke until it answers (or
 * its `ms` ran out); stops end at death. */
static void finish_stops(struct model *m)
{
	int i, j;

	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i];
		int64_t to = o->outcome_t;

		if (!eq(o->op, "spin"))
			continue;
		if (to == NEVER && o->spin_us > 0)
			to = o->invoke_t + o->spin_us;
		add_stop(&m->procs[o->proc], o->invoke_t, to, 0);
	}
	for (i = 0; i < m->nr_spins; i++) {
		jv e = ev_at(m, m->spins[i]);
		int proc = proc_of(m, str_field(e, "target"));
		int64_t t = m->t[m->spins[i]], d = ms_field(e, "ms");

		for (j = 0; j < m->nr_ops; j++) {
			struct op *o = &m->ops[j];

			/* The runner announces a `spin` command with a spin
			 * fault: the command's own stop covers it. */
			if (o->proc == proc && eq(o->op, "spin") &&
			    o->invoke_t <= t && t <= o->outcome_t)
				break;
		}
		if (j == m->nr_ops)
			add_stop(&m->procs[proc], t, d > 0 ? t + d : NEVER, 0);
		jv_free(e);
	}
	for (i = 0; i < m->nr_procs; i++)
		if (m->procs[i].death_t != NEVER)
			close_stops(&m->procs[i], m->procs[i].death_t, 0);
}

/* ---- pass 2: holds -------------------------------------------------------- */

static void end_hold(struct hold *h, enum end_kind k, int64_t t, int op)
{
	if (h->end != END_NONE)
		return;
	h->end = k;
	h->end_t = t;
	h->end_op = op;
}

static struct hold *new_hold(struct model *m, const char *session, int64_t t)
{
	struct hold *h;

	GROW(m->holds, m->nr_holds, m->alloc_holds);
	h = &m->holds[m->nr_holds++];
	memset(h, 0, sizeof(*h));
	h->session = session;
	h->acq_t = t;
	h->released_t = NEVER;
	h->gone_t = NEVER;
	h->end_t = NEVER;
	h->end_op = -1;
	h->op = -1;
	h->proc = -1;
	h->maxhold_us = NONE;
	h->free_t = NEVER;
	return h;
}

/* The hold `proc` currently has on `session`, preferring `lane`. */
static int current_hold(struct model *m, int proc, const char *session,
			const char *lane)
{
	int i, any = -1;

	for (i = m->nr_holds - 1; i >= 0; i--) {
		struct hold *h = &m->holds[i];

		if (h->proc != proc || !eq(h->session, session) ||
		    h->gone_t != NEVER)
			continue;
		if (!lane || eq(h->lane, lane))
			return i;
		if (any < 0)
			any = i;
	}
	return any;
}

static void on_acquired(struct model *m, jv e, int i)
{
	int proc = proc_of(m, str_field(e, "process"));
	int op = op_of_event(m, e, proc);
	const char *session = str_field(e, "session");
	const char *lane = str_field(e, "lane");
	int reentrant = true_field(e, "reentrant");
	int cur, k;
	struct hold *h;

	if (proc < 0)
		return;
	if (!session && op >= 0)
		session = m->ops[op].session;
	if (!lane)
		lane = op >= 0 ? m->ops[op].lane : "main";
	if (!session)
		return;
	if (op >= 0 && m->ops[op].acq_t == NEVER)
		m->ops[op].acq_t = m->t[i];
	/*
	 * Reentrant, or nested on the lane that already holds: the same owner
	 * again, not a new one. Lanes of one process that each take the lock
	 * without reentrancy are distinct owners, as two processes would be.
	 */
	cur = current_hold(m, proc, session, lane);
	if (cur >= 0 && (reentrant || eq(m->holds[cur].lane, lane))) {
		if (op >= 0 && m->ops[op].acq_t == m->t[i])
			m->ops[op].joined = 1;
		return;
	}
	for (k = 0; k < m->nr_holds; k++)
		if (eq(m->holds[k].session, session) &&
		    m->holds[k].gone_t == NEVER) {
			/* The file is the newcomer's now. A pseudo-hold
			 * (damaged file) ends here too. */
			m->holds[k].gone_t = m->t[i];
			if (m->holds[k].proc < 0)
				end_hold(&m->holds[k], END_DAMAGED, m->t[i],
					 -1);
		}
	h = new_hold(m, session, m->t[i]);
	h->proc = proc;
	h->op = op;
	h->ev = i;
	h->lane = lane;
	h->reclaimed = reclaim_reason(e);
	h->maxhold_us = op >= 0 ? m->ops[op].maxhold_us : m->def_maxhold;
}

/* The most recent hold of `proc` on `session` not yet released. */
static int releasable_hold(struct model *m, int proc, const char *session,
			   const char *lane)
{
	int i, any = -1;

	for (i = m->nr_holds - 1; i >= 0; i--) {
		struct hold *h = &m->holds[i];

		if (h->proc != proc || !eq(h->session, session) ||
		    h->released_t != NEVER || h->released_by_op)
			continue;
		if (!lane || eq(h->lane, lane))
			return i;
		if (any < 0)
			any = i;
	}
	return any;
}

static void on_released(struct model *m, jv e, int i)
{
	int proc = proc_of(m, str_field(e, "process"));
	const char *lane = str_field(e, "lane");
	const char *session = str_field(e, "session");
	int k;

	if (proc < 0 || !session)
		return;
	k = releasable_hold(m, proc, session, lane ? lane : "main");
	if (k < 0)
		return;
	m->holds[k].released_t = m->t[i];
	if (m->holds[k].gone_t == NEVER)
		m->holds[k].gone_t = m->t[i];
	end_hold(&m->holds[k], END_RELEASED, m->t[i], -1);
}

/*
 * An answered deliver or turn should have let go of what it acquired; an
 * answered release command let go of its lane's hold, unless it failed for
 * a reason other than `cleanup` (then the file may legitimately stay and
 * only maxHoldMs bounds it). An explicit `acquire` keeps its hold.
 */
static void on_answer(struct model *m, jv e, int i, const char *type)
{
	int proc = proc_of(m, str_field(e, "process"));
	int k, op = op_of_event(m, e, proc);
	struct op *o;

	if (op < 0)
		return;
	o = &m->ops[op];
	if (o->outcome_t != m->t[i] || !eq(o->outcome, type))
		return; /* a second answer: the protocol checker's business */
	if (eq(o->op, "deliver") || eq(o->op, "turn")) {
		for (k = 0; k < m->nr_holds; k++) {
			struct hold *h = &m->holds[k];

			if (h->op == op ||
			    (h->op < 0 && h->proc == proc &&
			     eq(h->session, o->session) &&
			     eq(h->lane, o->lane)))
				end_hold(h, END_OUTCOME, m->t[i], op);
		}
	} else if (eq(o->op, "release") && o->session) {
		k = releasable_hold(m, proc, o->session, o->lane);
		if (k < 0)
			return;
		if (!strcmp(type, "ok") || eq(o->reason, "cleanup")) {
			m->holds[k].released_by_op = 1;
			end_hold(&m->holds[k], END_RELEASE_OP, m->t[i], op);
		} else {
			m->holds[k].release_failed = 1;
		}
	}
}

static void on_death(struct model *m, int proc, int64_t t)
{
	int k;

	if (proc < 0 || m->procs[proc].death_t != t)
		return;
	for (k = 0; k < m->nr_holds; k++)
		if (m->holds[k].proc == proc) {
			end_hold(&m->holds[k], END_DIED, t, -1);
			if (m->holds[k].gone_t == NEVER)
				m->holds[k].gone_t = t;
		}
}

static int64_t max_grace(struct model *m, const char *session)
{
	int64_t g = m->def_grace;
	int i;

	for (i = 0; i < m->nr_ops; i++)
		if (eq(m->ops[i].session, session) &&
		    m->ops[i].grace_us != NONE && m->ops[i].grace_us > g)
			g = m->ops[i].grace_us;
	return g;
}

/*
 * When a contender may take a lock file the harness planted. Unparsable
 * files get the grace period (measured by mtime, which `age` backdates); a
 * dead or ancient owner is reclaimable at once; a live foreign owner after
 * maxHoldMs. For the rest (a directory, a symlink, a bad pid, a huge
 * maxHoldMs ...) what is right is not a matter of time, so no bound: the
 * scenario states what it expects.
 */
static int64_t damage_free_t(struct model *m, const char *kind,
			     const char *session, int64_t t, int64_t age)
{
	int64_t g;

	if (eq(kind, "empty") || eq(kind, "truncated") ||
	    eq(kind, "garbage") || eq(kind, "huge")) {
		g = max_grace(m, session);
		return g == NONE ? NEVER : max64(t, t - age + g);
	}
	if (eq(kind, "dead") || eq(kind, "ancient") || eq(kind, "removed"))
		return t;
	if (eq(kind, "foreign") && m->def_maxhold != NONE)
		return max64(t, t - age + m->def_maxhold);
	return NEVER;
}

static void on_damage(struct model *m, jv e, int i)
{
	const char *kind = str_field(e, "kind");
	const char *session = str_field(e, "session");
	int64_t age = ms_field(e, "ageMs");
	struct hold *h;
	int k;

	if (!session || eq(kind, "torn-transcript"))
		return;
	for (k = 0; k < m->nr_holds; k++)
		if (eq(m->holds[k].session, session) &&
		    m->holds[k].gone_t == NEVER) {
			m->holds[k].gone_t = m->t[i];
			end_hold(&m->holds[k], END_DAMAGED, m->t[i], -1);
		}
	h = new_hold(m, session, m->t[i]);
	h->ev = i;
	h->damage = kind ? kind : "unknown";
	h->free_t = damage_free_t(m, h->damage, session, m->t[i],
				  age == NONE ? 0 : age);
}

static void pass_holds(struct model *m)
{
	int k, i;

	for (k = 0; k < m->n; k++) {
		jv e;
		const char *type, *f;

		i = m->order[k];
		e = ev_at(m, i);
		type = str_field(e, "type");
		if (eq(type, "acquired")) {
			on_acquired(m, e, i);
		} else if (eq(type, "released")) {
			on_released(m, e, i);
		} else if (eq(type, "ok") || eq(type, "fail")) {
			on_answer(m, e, i, type);
		} else if (eq(type, "exit")) {
			on_death(m, proc_of(m, str_field(e, "process")),
				 m->t[i]);
		} else if (eq(type, "fault")) {
			f = str_field(e, "fault");
			if (eq(f, "kill") || eq(f, "term"))
				on_death(m, proc_of(m, str_field(e, "target")),
					 m->t[i]);
			else if (eq(f, "damage"))
				on_damage(m, e, i);
		}
		jv_free(e);
	}
	for (k = 0; k < m->nr_holds; k++) {
		struct hold *h = &m->holds[k];

		h->prev = -1;
		for (i = k - 1; i >= 0; i--)
			if (eq(m->holds[i].session, h->session)) {
				h->prev = i;
				break;
			}
		if (h->proc < 0)
			continue;
		/* Past maxHoldMs any hold is reclaimable (seed 004): frozen,
		 * spinning or merely slow, the bound is the same. */
		h->free_t = h->end_t;
		if (h->maxhold_us != NONE)
			h->free_t = min64(h->free_t, h->acq_t + h->maxhold_us);
	}
}

/*
 * A lock file exists from the moment O_EXCL succeeds, but a holder reports
 * `acquired` only once the payload is written: microseconds apart, unless a
 * failpoint is armed in the holder (a pause before the payload, a failing
 * write), or it is killed in between. So, for recovery, an acquisition
 * attempt of a process with a failpoint armed blocks the session from its
 * start until its `acquired`, or, if that never came, until graceMs after
 * the attempt ended (an empty or torn file is reclaimable a grace period
 * after its mtime, which is no later than that). This gives such attempts
 * the benefit of the doubt; the fault's own expectations judge them.
 */
static void add_creating_holds(struct model *m)
{
	int i, nr_ops = m->nr_ops;

	for (i = 0; i < nr_ops; i++) {
		struct op *o = &m->ops[i];
		struct proc *p = &m->procs[o->proc];
		struct hold *h;
		int64_t end, g;

		if (!is_acquiring(o->op) || !o->session || o->joined ||
		    o->start_t == NEVER || p->failpoint_t > o->start_t)
			continue;
		h = new_hold(m, o->session, o->start_t);
		h->proc = o->proc;
		h->op = i;
		h->lane = o->lane;
		h->creating = 1;
		h->prev = -1;
		if (o->acq_t != NEVER) {
			h->free_t = o->acq_t;
			continue;
		}
		end = min64(min64(o->outcome_t, p->death_t), m->t_end);
		g = o->grace_us != NONE ? o->grace_us : m->def_grace;
		h->free_t = g == NONE ? NEVER : add64(end, g);
	}
}

static void model_clear(struct model *m)
{
	int i;

	for (i = 0; i < m->nr_procs; i++)
		free(m->procs[i].stops);
	free(m->procs);
	free(m->ops);
	free(m->holds);
	free(m->logs);
	free(m->orphans);
	free(m->errors);
	free(m->spins);
	free(m->sessions);
	free(m->t);
	free(m->order);
	jv_free(m->final);
}

static void model_build(struct model *m, jv history,
			const struct check_opts *opts)
{
	int i;
	int64_t prev = 0;
	jv sessions;

	memset(m, 0, sizeof(*m));
	m->history = history;
	m->final = jv_invalid();
	m->slack_us = opts->slack_us > 0 ? opts->slack_us : 0;
	m->def_poll = m->def_maxhold = m->def_timeout = m->def_grace = NONE;
	m->n = jv_array_length(jv_copy(history));
	m->t = grow_or_die(NULL, (m->n + 1) * sizeof(*m->t));
	m->order = grow_or_die(NULL, (m->n + 1) * sizeof(*m->order));
	/* An event without a time happened when the one before it did. */
	for (i = 0; i < m->n; i++) {
		jv e = ev_at(m, i);
		double t;

		if (num_field(e, "t", &t))
			prev = (int64_t)t;
		m->t[i] = prev;
		m->order[i] = i;
		if (prev > m->t_end)
			m->t_end = prev;
		if (eq(str_field(e, "type"), "meta") && m->def_poll == NONE &&
		    m->def_maxhold == NONE)
			read_params(m, e);
		jv_free(e);
	}
	/* Holders stamp their own events; lines from two pipes can arrive
	 * slightly out of order. The model wants true time order. */
	sort_t = m->t;
	qsort(m->order, m->n, sizeof(*m->order), cmp_order);
	sort_t = NULL;

	pass_events(m);
	sessions = field(m->final, "sessions");
	if (jv_get_kind(sessions) == JV_KIND_OBJECT) {
		/* The keys live as long as m->final holds the object. */
		jv_object_foreach(sessions, key, val)
		{
			add_session(m, jv_string_value(key));
			jv_free(key);
			jv_free(val);
		}
	}
	jv_free(sessions);
	queue_starts(m);
	finish_stops(m);
	pass_holds(m);
	add_creating_holds(m);
}

/* ---- descriptions ----------------------------------------------------------*/

static const char *op_label(struct op *o, char *buf, size_t n)
{
	if (o->msg)
		snprintf(buf, n, "%s %s", o->op ? o->op : "command", o->msg);
	else
		snprintf(buf, n, "%s %lld", o->op ? o->op : "command",
			 (long long)o->id);
	return buf;
}

/* "A was killed at 1.200 s" ... : what ended hold `h`, for messages. */
static void describe_end(struct model *m, struct hold *h, char *buf,
			 size_t n)
{
	const char *who = pname(m, h->proc);
	char lbl[96];

	switch (h->end) {
	case END_RELEASED:
		snprintf(buf, n, "%s released it at %s", who,
			 secs(h->end_t).s);
		break;
	case END_DIED:
		snprintf(buf, n, "%s %s at %s", who, m->procs[h->proc].how,
			 secs(h->end_t).s);
		break;
	case END_OUTCOME: {
		struct op *o = &m->ops[h->end_op];

		op_label(o, lbl, sizeof(lbl));
		if (eq(o->outcome, "fail"))
			snprintf(buf, n, "%s's %s failed (%s) at %s", who, lbl,
				 o->reason ? o->reason : "no reason",
				 secs(h->end_t).s);
		else
			snprintf(buf, n, "%s finished %s at %s", who, lbl,
				 secs(h->end_t).s);
		break;
	}
	case END_RELEASE_OP:
		snprintf(buf, n, "%s's release answered at %s", who,
			 secs(h->end_t).s);
		break;
	case END_DAMAGED:
		snprintf(buf, n, "%s's lock file was damaged at %s", who,
			 secs(h->end_t).s);
		break;
	case END_NONE:
		snprintf(buf, n, "%s never let go", who);
		break;
	}
}

/* ---- recovery --------------------------------------------------------------*/

/* When contender `o` stopped waiting, for whatever reason. */
static int64_t wait_end(struct model *m, struct op *o)
{
	int64_t w = min64(o->acq_t, o->outcome_t);

	w = min64(w, m->procs[o->proc].death_t);
	return min64(w, m->t_end);
}

/*
 * The lock on `session` was free from `f` (the hold `cause` ended or ran
 * past maxHoldMs; cause NULL: nobody had taken it yet) until someone
 * acquired it at `n`. Every contender waiting in that gap must have got it,
 * or seen someone else get it, within its poll interval plus slack; a
 * contender frozen or spinning meanwhile gets that time added.
 */
static void recovery_gap(struct model *m, const char *session, int64_t f,
			 int64_t n, struct hold *cause, int *flagged)
{
	int i;

	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i];
		int64_t w0 = o->start_t, w1, base, bound, end;
		char what[512], boundtxt[160], how[160];
		int used_maxhold;

		if (flagged[i] || !is_acquiring(o->op) ||
		    !eq(o->session, session) || o->joined || w0 == NEVER)
			continue;
		w1 = wait_end(m, o);
		if (w0 >= n || w1 <= f || w0 >= w1)
			continue;
		base = max64(f, w0);
		end = min64(n, w1);
		bound = base + o->poll_us + m->slack_us;
		bound = add64(bound, stopped_for(m, o->proc, base, end));
		if (end <= bound)
			continue;
		flagged[i] = 1;

		used_maxhold = cause && cause->proc >= 0 && !cause->creating &&
			       cause->free_t < cause->end_t;
		if (!cause) {
			snprintf(what, sizeof(what), "while nobody held it");
		} else if (cause->creating) {
			snprintf(what, sizeof(what),
				 "after %s's acquisition under a failpoint, "
				 "from %s, left a lock file reclaimable from %s",
				 pname(m, cause->proc), secs(cause->acq_t).s,
				 secs(cause->free_t).s);
		} else if (cause->proc < 0) {
			snprintf(what, sizeof(what),
				 "after the harness planted a '%s' lock file "
				 "at %s (reclaimable from %s)",
				 cause->damage, secs(cause->acq_t).s,
				 secs(cause->free_t).s);
		} else if (used_maxhold) {
			struct span *s = stop_within(m, cause->proc,
						     cause->acq_t,
						     cause->free_t + 1);
			char state[64] = "";

			if (s)
				snprintf(state, sizeof(state),
					 ", %s at %s,",
					 s->frozen ? "frozen" : "spinning",
					 secs(s->from).s);
			snprintf(what, sizeof(what),
				 "after %s%s held it past its maxHoldMs %lld "
				 "(acquired at %s)",
				 pname(m, cause->proc), state,
				 ms(cause->maxhold_us), secs(cause->acq_t).s);
		} else {
			char d[256];

			describe_end(m, cause, d, sizeof(d));
			snprintf(what, sizeof(what), "after %s", d);
		}
		if (used_maxhold && base == f)
			snprintf(boundtxt, sizeof(boundtxt),
				 "maxHoldMs %lld + poll %lld ms + slack %lld "
				 "ms",
				 ms(cause->maxhold_us), ms(o->poll_us),
				 ms(m->slack_us));
		else
			snprintf(boundtxt, sizeof(boundtxt),
				 "poll %lld ms + slack %lld ms", ms(o->poll_us),
				 ms(m->slack_us));
		if (bound - base > o->poll_us + m->slack_us)
			snprintf(boundtxt + strlen(boundtxt),
				 sizeof(boundtxt) - strlen(boundtxt),
				 " + %lld ms it was stopped",
				 ms(bound - base - o->poll_us - m->slack_us));
		how[0] = 0;
		if (n < w1 && n != o->acq_t)
			snprintf(how, sizeof(how),
				 " until another holder took it at %s",
				 secs(n).s);
		else if (w1 == o->outcome_t && w1 < o->acq_t &&
			 eq(o->outcome, "info"))
			snprintf(how, sizeof(how), ", then got no answer (%s)",
				 o->error ? o->error : "info");
		else if (w1 == o->outcome_t && w1 < o->acq_t)
			snprintf(how, sizeof(how), ", then failed (%s)",
				 o->reason ? o->reason : o->outcome);
		else if (w1 == m->procs[o->proc].death_t && w1 < o->acq_t)
			snprintf(how, sizeof(how), " until it %s",
				 m->procs[o->proc].how);
		else if (o->acq_t == NEVER)
			snprintf(how, sizeof(how), ", still waiting at the end");
		fail_verdict(m, CHECK_RECOVERY, bound, o->proc,
			     "%s waited %lld ms for %s %s%s%s%s (bound: %s)",
			     pname(m, o->proc), ms(end - base), session, what,
			     base > f ? "; it started waiting at " : "",
			     base > f ? secs(base).s : "", how, boundtxt);
	}
}

/*
 * Walks each session's holds in order of acquisition and finds the gaps in
 * which the lock was free to take: from the moment the last hold ended (or
 * ran past maxHoldMs) to the next acquisition. A hold with no end and no
 * declared maxHoldMs blocks the session for good: nothing to check after.
 */
static const struct hold *sort_holds;

static int cmp_hold(const void *a, const void *b)
{
	int i = *(const int *)a, j = *(const int *)b;

	if (sort_holds[i].acq_t != sort_holds[j].acq_t)
		return sort_holds[i].acq_t < sort_holds[j].acq_t ? -1 : 1;
	return i - j;
}

static void check_recovery(struct model *m)
{
	int *flagged = calloc(m->nr_ops + 1, sizeof(int));
	int *idx = calloc(m->nr_holds + 1, sizeof(int));
	int s, i, n;

	if (!flagged || !idx)
		abort();
	for (s = 0; s < m->nr_sessions; s++) {
		const char *session = m->sessions[s];
		int64_t f = 0, until;
		struct hold *cause = NULL;

		for (n = i = 0; i < m->nr_holds; i++)
			if (eq(m->holds[i].session, session))
				idx[n++] = i;
		sort_holds = m->holds;
		qsort(idx, n, sizeof(*idx), cmp_hold);
		sort_holds = NULL;
		for (i = 0; i < n && f != NEVER;) {
			struct hold *h = &m->holds[idx[i]];

			if (h->acq_t > f)
				recovery_gap(m, session, f, h->acq_t, cause,
					     flagged);
			until = h->free_t;
			cause = h;
			/* Holds that start while this one blocks extend the
			 * blocked stretch. */
			for (i++; i < n; i++) {
				struct hold *g = &m->holds[idx[i]];

				if (g->acq_t > until)
					break;
				if (g->free_t > until) {
					until = g->free_t;
					cause = g;
				}
			}
			f = max64(f, until);
		}
		if (f != NEVER)
			recovery_gap(m, session, f, NEVER, cause, flagged);
	}
	free(idx);
	free(flagged);
}

/* ---- no-silent-drop --------------------------------------------------------*/

/* The lines of `session` in final, as a jv array of strings (maybe empty). */
static jv transcript_of(struct model *m, const char *session)
{
	jv sessions = field(m->final, "sessions");
	jv s = field(sessions, session);
	jv lines = field(s, "transcript");

	jv_free(sessions);
	jv_free(s);
	if (jv_get_kind(lines) != JV_KIND_ARRAY) {
		jv_free(lines);
		return jv_array();
	}
	return lines;
}

/* How many lines of `lines` are a JSON object whose `msg` is `msg`. */
static int count_msg(jv lines, const char *msg)
{
	int i, n = jv_array_length(jv_copy(lines)), count = 0;

	for (i = 0; i < n; i++) {
		jv raw = jv_array_get(jv_copy(lines), i);
		jv line;

		if (jv_get_kind(raw) != JV_KIND_STRING) {
			jv_free(raw);
			continue;
		}
		line = jv_parse(jv_string_value(raw));
		if (eq(str_field(line, "msg"), msg))
			count++;
		jv_free(line);
		jv_free(raw);
	}
	return count;
}

/*
 * How long a live, unstopped holder may take to answer: the acquire timeout,
 * plus the hold for a turn (a lane timeout only shortens it). NONE when the
 * history does not say, and then silence is not judged.
 */
static int64_t answer_budget(struct op *o)
{
	if (eq(o->op, "release"))
		return 0;
	if (eq(o->op, "spin"))
		return o->spin_us > 0 ? o->spin_us : NONE;
	if (eq(o->op, "acquire") || eq(o->op, "deliver"))
		return o->timeout_us;
	if (eq(o->op, "turn"))
		return o->timeout_us == NONE ? NONE
					     : o->timeout_us +
						       (o->hold_us == NONE
								? 0
								: o->hold_us);
	return 0; /* unknown commands are refused at once */
}

/* Did `o` go unanswered although its holder had all the time it needed? */
static int unanswered_while_alive(struct model *m, struct op *o,
				  int64_t *deadline)
{
	int64_t budget = answer_budget(o), d, alive_until;

	if (o->nr_answers || eq(o->op, "exit") || o->start_t == NEVER ||
	    budget == NONE)
		return 0;
	alive_until = min64(m->procs[o->proc].death_t, m->t_end);
	d = o->start_t + budget + m->slack_us;
	d = add64(d, stopped_for(m, o->proc, o->start_t, alive_until));
	*deadline = d;
	return d < alive_until;
}

static int is_message(struct op *o)
{
	return o->msg && o->session &&
	       (eq(o->op, "deliver") || eq(o->op, "turn"));
}

static int same_message(struct op *a, struct op *b)
{
	return is_message(a) && is_message(b) && eq(a->msg, b->msg) &&
	       eq(a->session, b->session);
}

static void check_no_silent_drop(struct model *m)
{
	int i, j;
	char lbl[96];

	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i];
		int64_t deadline = NEVER;

		if (unanswered_while_alive(m, o, &deadline))
			fail_verdict(m, CHECK_NO_SILENT_DROP, deadline, o->proc,
				     "%s never answered %s (sent at %s, "
				     "started at %s) although it ran until "
				     "%s",
				     pname(m, o->proc),
				     op_label(o, lbl, sizeof(lbl)),
				     secs(o->invoke_t).s, secs(o->start_t).s,
				     secs(min64(m->procs[o->proc].death_t,
						m->t_end))
					     .s);
	}

	/* Messages, grouped by session and id: a retried message is one
	 * message with several commands. An ok puts exactly one line there,
	 * a refusal none; an unknown fate (no answer from a holder that died,
	 * `info`, or a `cleanup` failure that came after the write) zero or
	 * one, exactly one when the holder reported it `appended`. */
	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i], *p, *ok = NULL, *refused = NULL;
		int lo = 0, hi = 0, count;
		jv lines;

		if (!is_message(o))
			continue;
		for (j = 0; j < i; j++)
			if (same_message(&m->ops[j], o))
				break;
		if (j < i)
			continue; /* this message was judged already */
		for (j = i; j < m->nr_ops; j++) {
			p = &m->ops[j];
			if (!same_message(p, o))
				continue;
			if (eq(p->outcome, "ok")) {
				lo++;
				hi++;
				if (!ok)
					ok = p;
			} else if (eq(p->outcome, "fail") &&
				   !eq(p->reason, "cleanup")) {
				if (!refused)
					refused = p;
			} else {
				hi++;
				lo += p->appended;
			}
			/* A refusal must say what went wrong. */
			if (eq(p->outcome, "fail") &&
			    (!p->error || !*p->error) &&
			    (!p->reason || !*p->reason))
				fail_verdict(m, CHECK_NO_SILENT_DROP,
					     p->outcome_t, p->proc,
					     "%s refused %s at %s without a "
					     "reason or an error text",
					     pname(m, p->proc), o->msg,
					     secs(p->outcome_t).s);
		}
		lines = transcript_of(m, o->session);
		count = count_msg(lines, o->msg);
		jv_free(lines);
		if (count > hi && refused) {
			fail_verdict(m, CHECK_NO_SILENT_DROP,
				     refused->outcome_t, refused->proc,
				     "%s was refused by %s at %s (%s: %s) but "
				     "%s's transcript has %d line%s for it",
				     o->msg, pname(m, refused->proc),
				     secs(refused->outcome_t).s,
				     refused->reason ? refused->reason
						     : "fail",
				     refused->error ? refused->error
						    : "no error text",
				     o->session, count, count == 1 ? "" : "s");
		} else if (count > hi) {
			p = ok ? ok : o;
			fail_verdict(m, CHECK_NO_SILENT_DROP,
				     p->outcome_t == NEVER ? p->invoke_t
							   : p->outcome_t,
				     p->proc,
				     "%s duplicated: %s's transcript has it "
				     "%d times, expected %s%d",
				     o->msg, o->session, count,
				     lo == hi ? "" : "at most ", hi);
		} else if (count < lo) {
			p = ok ? ok : o;
			fail_verdict(m, CHECK_NO_SILENT_DROP,
				     p->outcome_t == NEVER ? p->invoke_t
							   : p->outcome_t,
				     p->proc,
				     "%s silently dropped: %s %s at %s but "
				     "%s's transcript has %d line%s for it",
				     o->msg, pname(m, p->proc),
				     ok ? "answered ok" : "reported it appended",
				     secs(p->outcome_t == NEVER ? p->invoke_t
								: p->outcome_t)
					     .s,
				     o->session, count, count == 1 ? "" : "s");
		}
	}
}

/* ---- mutex ------------------------------------------------------------------*/

static int same_owner(struct hold *a, struct hold *b)
{
	return a->proc == b->proc && eq(a->lane, b->lane);
}

static void describe_owner(struct model *m, struct hold *h, char *buf,
			   size_t n)
{
	char end[256];
	char lane[64] = "";

	if (m->procs[h->proc].lanes && !eq(h->lane, "main"))
		snprintf(lane, sizeof(lane), " (lane %s)", h->lane);
	describe_end(m, h, end, sizeof(end));
	if (h->maxhold_us != NONE)
		snprintf(buf, n, "%s%s acquired it at %s with maxHoldMs %lld; "
				 "%s",
			 pname(m, h->proc), lane, secs(h->acq_t).s,
			 ms(h->maxhold_us), end);
	else
		snprintf(buf, n, "%s%s acquired it at %s; %s",
			 pname(m, h->proc), lane, secs(h->acq_t).s, end);
}

/*
 * (a) Two owners at once: a hold taken while another owner's hold was live,
 * i.e. before it ended (see ORDER_EPS_US) and before it ran past its
 * maxHoldMs. The maxHoldMs edge gets the slack (up to half of maxHoldMs)
 * because contenders judge it by the payload's wall-clock createdAt, which
 * precedes the owner's `acquired` stamp by an unbounded scheduling delay.
 */
static void check_mutex_owners(struct model *m)
{
	int i, j;
	char who[512];

	for (i = 0; i < m->nr_holds; i++) {
		struct hold *n = &m->holds[i];

		if (n->proc < 0 || n->creating)
			continue;
		for (j = 0; j < i; j++) {
			struct hold *h = &m->holds[j];
			int64_t live_until;

			if (h->proc < 0 || h->creating ||
			    !eq(h->session, n->session) ||
			    same_owner(h, n))
				continue;
			live_until = h->end_t;
			if (live_until != NEVER &&
			    (!n->reclaimed || h->end == END_DIED ||
			     h->end == END_DAMAGED))
				live_until -= ORDER_EPS_US;
			if (h->maxhold_us != NONE)
				live_until = min64(
					live_until,
					h->acq_t + h->maxhold_us -
						min64(m->slack_us,
						      h->maxhold_us / 2));
			if (n->acq_t >= live_until)
				continue;
			describe_owner(m, h, who, sizeof(who));
			fail_verdict(m, CHECK_MUTEX, n->acq_t, n->proc,
				     "%s%s%s acquired %s at %s while %s still "
				     "held it: %s",
				     pname(m, n->proc),
				     n->proc == h->proc ? " lane " : "",
				     n->proc == h->proc ? n->lane : "",
				     n->session, secs(n->acq_t).s,
				     pname(m, h->proc), who);
			break;
		}
	}
}

/*
 * (b) Fencing: a transcript line (holder, lane, t; `t` rebased onto
 * scenario time by the runner) must be written while its holder owned the
 * session: after its latest acquisition, before anybody else's, and before
 * it let go.
 */
static void check_fencing(struct model *m, const char *session)
{
	jv lines = transcript_of(m, session);
	int i, k, n = jv_array_length(jv_copy(lines));

	for (i = 0; i < n; i++) {
		jv raw = jv_array_get(jv_copy(lines), i), line;
		const char *holder, *lane, *msg;
		double td;
		int64_t t;
		int proc = -1, own = -1;
		char what[96];

		line = jv_get_kind(raw) == JV_KIND_STRING
			       ? jv_parse(jv_string_value(raw))
			       : jv_invalid();
		holder = str_field(line, "holder");
		lane = str_field(line, "lane");
		msg = str_field(line, "msg");
		for (k = 0; holder && k < m->nr_procs; k++)
			if (!strcmp(m->procs[k].name, holder))
				proc = k;
		if (proc < 0 || !num_field(line, "t", &td))
			goto next; /* not a holder's line: nothing to fence */
		t = (int64_t)td;
		snprintf(what, sizeof(what), "%s", msg ? msg : "a line");
		/* The writer's latest hold begun before the line, on the
		 * line's lane if the line says which. */
		for (k = m->nr_holds - 1; k >= 0; k--) {
			struct hold *h = &m->holds[k];

			if (h->proc != proc || h->creating ||
			    !eq(h->session, session) ||
			    h->acq_t > t + FENCE_EPS_US)
				continue;
			if (own < 0)
				own = k;
			if (!lane || eq(h->lane, lane)) {
				own = k;
				break;
			}
		}
		if (own < 0) {
			fail_verdict(m, CHECK_MUTEX, t, proc,
				     "%s wrote %s to %s at %s without ever "
				     "holding its lock",
				     holder, what, session, secs(t).s);
			goto next;
		}
		for (k = own + 1; k < m->nr_holds; k++) {
			struct hold *x = &m->holds[k];

			if (x->proc < 0 || x->creating ||
			    !eq(x->session, session) ||
			    same_owner(x, &m->holds[own]) ||
			    (x->proc == proc && !lane))
				continue;
			if (x->acq_t < t - FENCE_EPS_US)
				break;
		}
		if (k < m->nr_holds) {
			struct hold *x = &m->holds[k];

			fail_verdict(m, CHECK_MUTEX, t, proc,
				     "%s wrote %s to %s at %s after %s took "
				     "the lock at %s (%s held it from %s)",
				     holder, what, session, secs(t).s,
				     pname(m, x->proc), secs(x->acq_t).s,
				     holder, secs(m->holds[own].acq_t).s);
		} else if (m->holds[own].released_t < t - FENCE_EPS_US) {
			fail_verdict(m, CHECK_MUTEX, t, proc,
				     "%s wrote %s to %s at %s after "
				     "releasing the lock at %s",
				     holder, what, session, secs(t).s,
				     secs(m->holds[own].released_t).s);
		}
next:
		jv_free(line);
		jv_free(raw);
	}
	jv_free(lines);
}

static void check_mutex(struct model *m)
{
	int s;

	check_mutex_owners(m);
	for (s = 0; s < m->nr_sessions; s++)
		check_fencing(m, m->sessions[s]);
}

/* ---- leak --------------------------------------------------------------------*/

static void check_leak(struct model *m)
{
	jv sessions = field(m->final, "sessions"), leaked;
	int i, n;

	if (jv_get_kind(sessions) == JV_KIND_OBJECT) {
		jv_object_foreach(sessions, key, val)
		{
			const char *lock = str_field(val, "lock");
			const char *payload = str_field(val, "payload");
			char cut[121]; /* a planted payload can be 10 MB */

			snprintf(cut, sizeof(cut), "%s", payload ? payload : "");
			if (lock && strcmp(lock, "absent"))
				fail_verdict(m, CHECK_LEAK, m->t_end, -1,
					     "%s.jsonl.lock left behind (%s%s%s)",
					     jv_string_value(key), lock,
					     payload ? ": " : "", cut);
			jv_free(key);
			jv_free(val);
		}
	}
	jv_free(sessions);
	leaked = field(m->final, "leaked");
	if (jv_get_kind(leaked) == JV_KIND_ARRAY &&
	    (n = jv_array_length(jv_copy(leaked))) > 0) {
		jv names = jv_string("");

		for (i = 0; i < n; i++) {
			jv name = jv_array_get(jv_copy(leaked), i);

			if (i)
				names = jv_string_append_str(names, ", ");
			if (jv_get_kind(name) == JV_KIND_STRING)
				names = jv_string_append_str(
					names, jv_string_value(name));
			else
				names = jv_string_concat(
					names, jv_dump_string(jv_copy(name), 0));
			jv_free(name);
		}
		fail_verdict(m, CHECK_LEAK, m->t_end, -1,
			     "holder%s still running after the end: %s",
			     n > 1 ? "s" : "", jv_string_value(names));
		jv_free(names);
	}
	jv_free(leaked);
}

/* ---- integrity ---------------------------------------------------------------*/

struct tline {
	jv raw;		 /* the line as read */
	jv parsed;	 /* ... parsed, or invalid */
	const char *msg; /* its `msg`, or NULL */
};

/* Lines of `lines` after `i` that duplicate line `i`: the same message, or
 * the very same bytes for lines without one. */
static int duplicates_after(struct tline *l, int n, int i)
{
	int j, count = 0;

	for (j = i + 1; j < n; j++)
		if (l[i].msg ? eq(l[i].msg, l[j].msg)
			     : !l[j].msg && jv_equal(jv_copy(l[i].raw),
						     jv_copy(l[j].raw)))
			count++;
	return count;
}

static void check_integrity_session(struct model *m, const char *session,
				    jv s)
{
	jv lines = field(s, "transcript");
	int i, j, n, dups, torn = true_field(s, "tornTail");
	struct tline *l;

	if (jv_get_kind(lines) != JV_KIND_ARRAY) {
		jv_free(lines);
		lines = jv_array();
	}
	n = jv_array_length(jv_copy(lines));
	l = grow_or_die(NULL, (n + 1) * sizeof(*l));
	if (torn)
		fail_verdict(m, CHECK_INTEGRITY, m->t_end, -1,
			     "%s's transcript ends in a torn line", session);
	for (i = 0; i < n; i++) {
		l[i].raw = jv_array_get(jv_copy(lines), i);
		l[i].parsed = jv_get_kind(l[i].raw) == JV_KIND_STRING
				      ? jv_parse(jv_string_value(l[i].raw))
				      : jv_invalid_with_msg(
						jv_string("not a string"));
		l[i].msg = str_field(l[i].parsed, "msg");
		if (jv_get_kind(l[i].parsed) == JV_KIND_OBJECT)
			continue;
		if (torn && i == n - 1)
			continue; /* the torn tail is reported once, above */
		{
			jv why = jv_is_valid(l[i].parsed)
					 ? jv_string("not an object")
					 : jv_invalid_get_msg(
						   jv_copy(l[i].parsed));
			char cut[81];

			snprintf(cut, sizeof(cut), "%s",
				 jv_get_kind(l[i].raw) == JV_KIND_STRING
					 ? jv_string_value(l[i].raw)
					 : "");
			fail_verdict(m, CHECK_INTEGRITY, m->t_end, -1,
				     "%s's transcript line %d is not a JSON "
				     "object (%s): %s",
				     session, i + 1,
				     jv_get_kind(why) == JV_KIND_STRING
					     ? jv_string_value(why)
					     : "invalid",
				     cut);
			jv_free(why);
		}
	}
	/* Each duplicated message (or line) is reported once, at its first
	 * occurrence. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (l[i].msg ? eq(l[i].msg, l[j].msg)
				     : !l[j].msg &&
					       jv_equal(jv_copy(l[i].raw),
							jv_copy(l[j].raw)))
				break;
		if (j < i || !(dups = duplicates_after(l, n, i)))
			continue;
		if (l[i].msg)
			fail_verdict(m, CHECK_INTEGRITY, m->t_end, -1,
				     "%s's transcript has message %s %d "
				     "times (first at line %d)",
				     session, l[i].msg, dups + 1, i + 1);
		else
			fail_verdict(m, CHECK_INTEGRITY, m->t_end, -1,
				     "%s's transcript has line %d %d times",
				     session, i + 1, dups + 1);
	}
	for (i = 0; i < n; i++) {
		jv_free(l[i].raw);
		jv_free(l[i].parsed);
	}
	free(l);
	jv_free(lines);
}

static void check_integrity(struct model *m)
{
	jv sessions = field(m->final, "sessions");

	if (jv_get_kind(sessions) == JV_KIND_OBJECT) {
		jv_object_foreach(sessions, key, val)
		{
			check_integrity_session(m, jv_string_value(key), val);
			jv_free(key);
			jv_free(val);
		}
	}
	jv_free(sessions);
}

/* ---- visibility ----------------------------------------------------------------*/

static int is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Does `text` name `id` as a whole word ("m1" is not in "m10")? */
static int names(const char *text, const char *id)
{
	size_t n = strlen(id);
	const char *p = text;

	if (!text || !n)
		return 0;
	while ((p = strstr(p, id))) {
		if ((p == text || !is_ident(p[-1])) && !is_ident(p[n]))
			return 1;
		p++;
	}
	return 0;
}

/* A WARN or ERROR log of `proc` (ANY_PROC: of any holder) within
 * [from, to], naming `id` if set. */
#define ANY_PROC (-2)
static int warned(struct model *m, int proc, int64_t from, int64_t to,
		  const char *id)
{
	int i;

	for (i = 0; i < m->nr_logs; i++) {
		struct logline *l = &m->logs[i];

		if ((proc == ANY_PROC ? l->proc < 0 : l->proc != proc) ||
		    l->t < from || l->t > to ||
		    !(eq(l->level, "WARN") || eq(l->level, "ERROR")))
			continue;
		if (!id || names(l->msg, id))
			return 1;
	}
	return 0;
}

/* The stretch in which an operation's WARN belongs: from its invoke to its
 * answer plus slack (to the end when it never answered). */
static void op_window(struct model *m, struct op *o, int64_t *from,
		      int64_t *to)
{
	*from = o->invoke_t;
	*to = o->outcome_t == NEVER ? m->t_end : o->outcome_t + m->slack_us;
}

static void check_visibility(struct model *m)
{
	int i;
	int64_t from, to;
	char why[512], lbl[96];

	for (i = 0; i < m->nr_holds; i++) {
		struct hold *h = &m->holds[i], *p;

		if (h->proc < 0 || h->creating)
			continue;
		p = h->prev >= 0 ? &m->holds[h->prev] : NULL;
		if (h->reclaimed) {
			snprintf(why, sizeof(why), "reclaimed it (%s)",
				 h->reclaimed);
		} else if (p && !same_owner(p, h) && !eq(p->damage, "removed") &&
			   p->released_t > h->acq_t + ORDER_EPS_US &&
			   !(p->released_by_op &&
			     p->end_t <= h->acq_t + ORDER_EPS_US)) {
			if (p->proc < 0) {
				snprintf(why, sizeof(why),
					 "took over a '%s' lock file the "
					 "harness planted at %s",
					 p->damage, secs(p->acq_t).s);
			} else {
				char d[256];

				describe_end(m, p, d, sizeof(d));
				snprintf(why, sizeof(why),
					 "took it from %s, which had not "
					 "released it (%s)",
					 pname(m, p->proc), d);
			}
		} else {
			continue;
		}
		if (h->op >= 0) {
			op_window(m, &m->ops[h->op], &from, &to);
		} else {
			from = h->acq_t - m->slack_us;
			to = h->acq_t + m->slack_us;
		}
		/* A holder that says it reclaimed must say so in its log.
		 * One that merely found the lock gone may have raced the
		 * contender that reclaimed it (unlink, then someone else's
		 * O_EXCL wins): that contender's WARN covers it. */
		if (!warned(m, h->proc, from, to, NULL) &&
		    (h->reclaimed || !p ||
		     !warned(m, ANY_PROC, p->acq_t, h->acq_t + m->slack_us,
			     NULL)))
			fail_verdict(m, CHECK_VISIBILITY, h->acq_t, h->proc,
				     "%s acquired %s at %s and %s, with no "
				     "WARN or ERROR log",
				     pname(m, h->proc), h->session,
				     secs(h->acq_t).s, why);
	}
	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i];

		if (!o->msg || !eq(o->outcome, "fail") ||
		    !(eq(o->op, "deliver") || eq(o->op, "turn")))
			continue;
		op_window(m, o, &from, &to);
		if (!warned(m, o->proc, from, to, o->msg))
			fail_verdict(m, CHECK_VISIBILITY, o->outcome_t,
				     o->proc,
				     "%s refused %s at %s (%s) with no WARN "
				     "or ERROR log naming %s",
				     pname(m, o->proc),
				     op_label(o, lbl, sizeof(lbl)),
				     secs(o->outcome_t).s,
				     o->reason ? o->reason : "fail", o->msg);
	}
}

/* ---- protocol ------------------------------------------------------------------*/

static void check_protocol(struct model *m)
{
	int i;
	char lbl[96];

	for (i = 0; i < m->nr_errors; i++) {
		jv e = ev_at(m, m->errors[i]);
		int proc = proc_of(m, str_field(e, "process"));
		const char *line = str_field(e, "line");
		const char *err = str_field(e, "error");
		char cut[121];

		/* In a scenario the harness only sends valid commands, so
		 * any error of a holder is a breach: output that is not the
		 * protocol (`line` holds it), a second hello, a clock that
		 * is not CLOCK_MONOTONIC, a command it did not understand. */
		if (proc >= 0) {
			snprintf(cut, sizeof(cut), "%s", line ? line : "");
			fail_verdict(m, CHECK_PROTOCOL, m->t[m->errors[i]],
				     proc,
				     "%s broke the protocol at %s: %s%s%s",
				     pname(m, proc), secs(m->t[m->errors[i]]).s,
				     err ? err : "no error text",
				     line ? ": " : "", cut);
		}
		jv_free(e);
	}
	for (i = 0; i < m->nr_ops; i++) {
		struct op *o = &m->ops[i];

		if (o->nr_answers > 1)
			fail_verdict(m, CHECK_PROTOCOL, o->answer_t[1], o->proc,
				     "%s answered %s %d times: %s at %s, "
				     "then %s at %s",
				     pname(m, o->proc),
				     op_label(o, lbl, sizeof(lbl)),
				     o->nr_answers, o->answer[0],
				     secs(o->answer_t[0]).s, o->answer[1],
				     secs(o->answer_t[1]).s);
	}
	for (i = 0; i < m->nr_orphans; i++) {
		jv e = ev_at(m, m->orphans[i]);
		const char *proc = str_field(e, "process");
		const char *type = str_field(e, "type");
		double id = -1;

		num_field(e, "id", &id);
		fail_verdict(m, CHECK_PROTOCOL, m->t[m->orphans[i]],
			     proc_of(m, proc),
			     "%s answered command %lld, which was never "
			     "sent (%s at %s)",
			     proc ? proc : "someone", (long long)id, type,
			     secs(m->t[m->orphans[i]]).s);
		jv_free(e);
	}
}

/* ---- entry points ---------------------------------------------------------------*/

static int history_ok(jv history, jv *why)
{
	int i, n;

	if (jv_get_kind(history) != JV_KIND_ARRAY) {
		*why = jv_string_fmt("history is not an array but %s",
				     jv_kind_name(jv_get_kind(history)));
		return 0;
	}
	n = jv_array_length(jv_copy(history));
	for (i = 0; i < n; i++) {
		jv e = jv_array_get(jv_copy(history), i);
		jv_kind k = jv_get_kind(e);

		jv_free(e);
		if (k != JV_KIND_OBJECT) {
			*why = jv_string_fmt("history event %d is %s, not an "
					     "object",
					     i + 1, jv_kind_name(k));
			return 0;
		}
	}
	return 1;
}

int check_history(jv history, const struct check_opts *opts, jv *verdicts)
{
	static const struct check_opts defaults = CHECK_OPTS_INIT;
	static void (*const run[CHECK__NR])(struct model *) = {
		[CHECK_RECOVERY] = check_recovery,
		[CHECK_NO_SILENT_DROP] = check_no_silent_drop,
		[CHECK_MUTEX] = check_mutex,
		[CHECK_LEAK] = check_leak,
		[CHECK_INTEGRITY] = check_integrity,
		[CHECK_VISIBILITY] = check_visibility,
		[CHECK_PROTOCOL] = check_protocol,
	};
	struct model m;
	jv why;
	int c, failures;

	if (!opts)
		opts = &defaults;
	if (!history_ok(history, &why)) {
		jv v = jv_object();

		v = jv_object_set(v, jv_string("type"), jv_string("verdict"));
		v = jv_object_set(v, jv_string("checker"),
				  jv_string("history"));
		v = jv_object_set(v, jv_string("ok"), jv_false());
		v = jv_object_set(v, jv_string("msg"), why);
		v = jv_object_set(v, jv_string("at"), jv_number(0));
		v = jv_object_set(v, jv_string("process"), jv_null());
		*verdicts = jv_array_append(jv_array(), v);
		return -1;
	}
	model_build(&m, history, opts);
	m.verdicts = jv_array();
	for (c = 0; c < CHECK__NR; c++) {
		if (opts->disabled & (1u << c))
			continue;
		if (!jv_is_valid(m.final) &&
		    (c == CHECK_NO_SILENT_DROP || c == CHECK_LEAK ||
		     c == CHECK_INTEGRITY)) {
			fail_verdict(&m, c, m.t_end, -1,
				     "the history has no final event: the "
				     "state left behind is unknown");
			continue;
		}
		run[c](&m);
	}
	*verdicts = m.verdicts;
	failures = m.failures;
	model_clear(&m);
	return failures;
}

/* ---- custom jq assertions ------------------------------------------------------*/

/* Collects libjq's error messages ("jq: error: ... \n jq: 1 compile error"),
 * keeping the informative ones. */
static void jq_collect(void *data, jv msg)
{
	jv *acc = data;
	const char *s;

	if (jv_get_kind(msg) != JV_KIND_STRING)
		msg = jv_dump_string(msg, 0);
	s = jv_string_value(msg);
	if (!strncmp(s, "jq: error: ", 11))
		s += 11;
	else if (!strncmp(s, "jq: ", 4) && strstr(s, "compile error"))
		s = NULL; /* the count, which says nothing new */
	if (s) {
		if (jv_string_length_bytes(jv_copy(*acc)))
			*acc = jv_string_append_str(*acc, "; ");
		*acc = jv_string_append_str(*acc, s);
	}
	jv_free(msg);
}

static void jq_quiet(void *data, jv msg)
{
	(void)data;
	jv_free(msg);
}

static jv jq_no_input(jq_state *jq, void *data)
{
	(void)jq;
	(void)data;
	return jv_invalid();
}

/* `x` as text for a message, cut at 200 bytes; consumes x. */
static char *show(jv x)
{
	char buf[201];

	jv_dump_string_trunc(x, buf, sizeof(buf));
	return dup_or_die(buf);
}

static char *errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *errorf(const char *fmt, ...)
{
	va_list ap;
	jv s;
	char *out;

	va_start(ap, fmt);
	s = jv_string_vfmt(fmt, ap);
	va_end(ap);
	out = dup_or_die(jv_string_value(s));
	jv_free(s);
	return out;
}

int check_jq(jv history, const char *program, char **err)
{
	jq_state *jq;
	jv errors = jv_string("");
	long outputs = 0;
	int rc = 1;

	*err = NULL;
	if (!program || !*program) {
		*err = dup_or_die("empty jq program");
		jv_free(errors);
		return -1;
	}
	jq = jq_init();
	if (!jq) {
		*err = dup_or_die("cannot initialise libjq");
		jv_free(errors);
		return -1;
	}
	jq_set_error_cb(jq, jq_collect, &errors);
	/* libjq 1.6 crashes on `debug` without a callback and on `input`
	 * without an input callback, and aborts on `import` unless a library
	 * path is set. An assertion reads the history and nothing else: no
	 * input, no modules (an empty search path makes `import` a clean
	 * compile error). */
	jq_set_debug_cb(jq, jq_quiet, NULL);
	jq_set_input_cb(jq, jq_no_input, NULL);
	jq_set_attr(jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
	if (!jq_compile(jq, program)) {
		*err = errorf("jq program does not compile: %s",
			      jv_string_length_bytes(jv_copy(errors))
				      ? jv_string_value(errors)
				      : "unknown error");
		jq_teardown(&jq);
		jv_free(errors);
		return -1;
	}
	jq_start(jq, jv_copy(history), 0);
	for (;;) {
		jv out = jq_next(jq);

		if (!jv_is_valid(out)) {
			if (jq_halted(jq)) {
				jv code = jq_get_exit_code(jq);
				jv msg = jq_get_error_message(jq);

				/* `halt` (no exit code) is a normal end */
				if (jv_is_valid(code) || jv_is_valid(msg)) {
					char *m = jv_get_kind(msg) ==
								  JV_KIND_STRING
							  ? dup_or_die(
								    jv_string_value(
									    msg))
							  : show(jv_copy(msg));

					*err = errorf(
						"jq program halted (exit code "
						"%d): %s",
						jv_get_kind(code) ==
								JV_KIND_NUMBER
							? (int)jv_number_value(
								  code)
							: 5,
						m);
					free(m);
					rc = -1;
				}
				jv_free(code);
				jv_free(msg);
			} else if (jv_invalid_has_msg(jv_copy(out))) {
				jv msg = jv_invalid_get_msg(jv_copy(out));
				char *m = jv_get_kind(msg) == JV_KIND_STRING
						  ? dup_or_die(jv_string_value(
							    msg))
						  : show(jv_copy(msg));

				*err = errorf("jq program failed: %s", m);
				free(m);
				jv_free(msg);
				rc = -1;
			}
			jv_free(out);
			break;
		}
		outputs++;
		if (jv_get_kind(out) != JV_KIND_TRUE) {
			char *m = show(out);

			*err = errorf("jq assertion produced %s (output %ld), "
				      "not true",
				      m, outputs);
			free(m);
			rc = 0;
			break;
		}
		jv_free(out);
		if (outputs >= JQ_MAX_OUTPUTS) {
			*err = errorf("jq assertion produced more than %ld "
				      "outputs; it probably never ends",
				      JQ_MAX_OUTPUTS);
			rc = -1;
			break;
		}
	}
	/* No output asserts nothing: `select(false)` must not pass. */
	if (rc == 1 && !outputs) {
		*err = dup_or_die("jq assertion produced no output");
		rc = 0;
	}
	jq_teardown(&jq);
	jv_free(errors);
	return rc;
}
