/*
 * estimate.c - how long a scenario is expected to take, from its text
 * alone (run_estimate_ms, run.h): the shard split and the launch order
 * when no earlier run measured it.
 *
 * The steps are played on paper, in the runner's order: the runner's own
 * clock moves with `at`, `wait` and `await` (each await bounded by its
 * timeout); each holder lane works through its commands one after the
 * other; a lock is free when its owner releases it, at once when its owner
 * is dead (killed, exited), and only at the owner's acquisition plus its
 * maxHoldMs when the owner cannot release it (frozen, spinning); a lock
 * file planted empty or unparsable is free after its grace; an acquire
 * gives up at its timeout. A kill or an exit ends its holder's commands
 * then and there; a freeze holds them until the thaw; a turn lasts its
 * hold (cut by its lane timeout), a deliver a moment, a spin its time; a
 * failpoint's delay= is added to the command it delays, a jitter's max= to
 * every call-heavy command (a guess: ten jittered calls, half the max
 * each). The scenario ends when the runner's clock and every command that
 * can still answer are done (as the runner's end waits for them), capped
 * by its deadline. What it cannot see (a contender's luck in a race,
 * scheduling, what an implementation does on its own) it leaves out: an
 * estimate, not a bound; run_floor_ms is the bound.
 */
#include "run/run.h"
#include "lib/util.h"
#include "scenario/lexer.h"

#include <stdlib.h>
#include <string.h>

#define EST_NEVER INT64_MAX
#define EST_MAX_LANES 64
#define EST_MAX_SESSIONS 32
#define EST_DELIVER_MS 5 /* acquire, append, release */

struct est_holder {
	int64_t dead_at;     /* EST_NEVER: alive */
	int64_t frozen_at;   /* -1: not frozen */
	int64_t spin_until;  /* its event loop blocked until then */
	int64_t delay_ms;    /* failpoint delay= on its next command */
	int delay_once;      /* the delay is for one command only */
	int64_t jitter_ms;   /* per call-heavy command */
};

struct est_lane {
	int holder;
	const char *lane;
	int64_t free_at;     /* its last command answers then */
	int64_t acquired_at; /* its last acquisition, or -1 */
};

struct est_session {
	const char *name;
	int owner;           /* holder index, -1 none, -2 planted file */
	const struct est_lane *owner_lane; /* the owner's lane: two lanes of
				one holder contend as two holders do */
	int64_t since;       /* the owner took it then */
	int64_t until;       /* it plans to let go then (EST_NEVER: hold) */
	int64_t max_hold_ms; /* the owner's maxHoldMs */
	int64_t planted_free; /* a planted file is free then */
	uint64_t believe;    /* holders that acquired it and did not let go:
				a reentrant acquire answers at once, even
				after a takeover (the fencing scenarios) */
};

struct est {
	const struct scenario *s;
	struct name_index by_name; /* holder name -> its index (a walk over
				      the holders per step was quadratic) */
	struct est_holder *h;
	struct est_lane lanes[EST_MAX_LANES];
	int nlanes;
	struct est_session ses[EST_MAX_SESSIONS];
	int nses;
	int64_t *answered;   /* per step: when its command answers, or -1 */
	const int64_t *death; /* per holder: when it dies in the whole
				 script (the first pass), EST_NEVER */
	struct est_release *rel; /* releases seen (the first pass records,
				    the second reads) */
	int nrel, *nrel_out;
};

/* A `H release` of a session, by index in est.ses (the same in both
 * passes: sessions are met in the same order). */
struct est_release {
	int holder, session;
	int64_t at;
};

static int holder_index(const struct est *e, const char *name)
{
	return name_index_get(&e->by_name, name);
}

static struct est_lane *lane_of(struct est *e, int h, const char *lane)
{
	int i;

	if (!lane)
		lane = "main";
	for (i = 0; i < e->nlanes; i++)
		if (e->lanes[i].holder == h && !strcmp(e->lanes[i].lane, lane))
			return &e->lanes[i];
	if (e->nlanes == EST_MAX_LANES)
		return &e->lanes[0]; /* more lanes than anyone writes: share */
	e->lanes[e->nlanes] = (struct est_lane){ h, lane, 0, -1 };
	return &e->lanes[e->nlanes++];
}

static struct est_session *session_of(struct est *e, const char *name)
{
	int i;

	if (!name)
		name = "s1";
	for (i = 0; i < e->nses; i++)
		if (!strcmp(e->ses[i].name, name))
			return &e->ses[i];
	if (e->nses == EST_MAX_SESSIONS)
		return &e->ses[0];
	e->ses[e->nses] = (struct est_session){ .name = name, .owner = -1 };
	return &e->ses[e->nses++];
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* When holder `h` could take session `ss` asked at `t0`. */
static int same_ns(const struct scenario *s, int a, int b)
{
	const char *x = s->holders[a].ns, *y = s->holders[b].ns;

	return x == y || (x && y && !strcmp(x, y));
}

static int64_t lock_free_at(struct est *e, struct est_session *ss, int h,
			    const struct est_lane *ln, int64_t t0)
{
	struct est_holder *o;
	int64_t free_at;
	int k;

	if (ss->owner == -2)
		return max64(t0, ss->planted_free);
	if (ss->owner < 0 || (ss->owner == h && ss->owner_lane == ln) ||
	    ss->until <= t0)
		return t0;
	o = &e->h[ss->owner];
	free_at = ss->until;
	/* A dead owner's lock is reclaimed at once: also when the owner is
	 * killed later than the contender asks (the first pass knows). Not
	 * across PID namespaces: there the dead owner's pid may be a live
	 * process's (the containers scenarios), and only its maxHoldMs
	 * frees the lock. */
	/* A hold with no planned end: its owner's next release, when the
	 * script has one (the first pass saw it). */
	for (k = 0; ss->until == EST_NEVER && k < e->nrel; k++)
		if (e->rel[k].holder == ss->owner &&
		    e->rel[k].session == (int)(ss - e->ses) &&
		    e->rel[k].at >= ss->since) {
			free_at = e->rel[k].at;
			break;
		}
	if (same_ns(e->s, ss->owner, h))
		free_at = min64(free_at,
				min64(o->dead_at, e->death[ss->owner]));
	else if (min64(o->dead_at, e->death[ss->owner]) < free_at)
		free_at = min64(free_at, ss->since + ss->max_hold_ms);
	/* An owner that cannot let go (frozen, spinning past its planned
	 * release) is reclaimable once past its own maxHoldMs. */
	if (o->frozen_at >= 0 || o->spin_until > min64(ss->until, t0) ||
	    ss->until == EST_NEVER)
		free_at = min64(free_at, ss->since + ss->max_hold_ms);
	return max64(t0, free_at);
}

/* A holder command at runner time `t` (step i). */
static void play_op(struct est *e, int i, int64_t t)
{
	const struct scn_step *st = &e->s->steps[i];
	int h = holder_index(e, st->holder);
	struct est_holder *hd;
	struct est_lane *ln;
	struct est_session *ss;
	int64_t start, got, done, extra = 0;

	if (h < 0)
		return;
	hd = &e->h[h];
	ln = lane_of(e, h, st->lane);
	start = max64(t, ln->free_at);
	start = max64(start, hd->spin_until);
	if (hd->dead_at <= start) {
		e->answered[i] = hd->dead_at;
		return;
	}
	if (hd->delay_ms) {
		extra += hd->delay_ms;
		if (hd->delay_once)
			hd->delay_ms = 0;
	}
	extra += hd->jitter_ms;
	ss = session_of(e, st->session);
	switch (st->op) {
	case OP_ACQUIRE:
	case OP_DELIVER:
	case OP_TURN:
		got = ss->believe >> (h & 63) & 1
			      ? start
			      : lock_free_at(e, ss, h, ln, start);
		if (got > start && got < EST_NEVER / 2)
			got += st->p.poll_ms / 2; /* seen at its next poll */
		if (got < EST_NEVER / 2)
			got += extra;
		if (got > start + st->p.timeout_ms) {
			done = start + st->p.timeout_ms; /* gives up */
			break;
		}
		if (ss->owner >= 0 && ss->owner != h && ss->until > got)
			ss->until = got; /* taken over */
		if (ss->believe >> (h & 63) & 1 && ss->owner != h) {
			done = got; /* its own count, or lock-lost */
			break;
		}
		ss->owner = h;
		ss->owner_lane = ln;
		ss->since = got;
		ss->max_hold_ms = st->p.max_hold_ms;
		ln->acquired_at = got;
		if (st->op == OP_ACQUIRE) {
			ss->until = EST_NEVER;
			ss->believe |= 1ull << (h & 63);
			done = got;
		} else if (st->op == OP_DELIVER) {
			done = got + EST_DELIVER_MS;
			ss->until = done;
		} else {
			int64_t hold = st->hold_ms;

			if (st->p.lane_timeout_ms >= 0 &&
			    st->p.lane_timeout_ms < hold)
				hold = st->p.lane_timeout_ms;
			done = got + hold;
			ss->until = done;
		}
		break;
	case OP_RELEASE:
		done = start + extra;
		if (ss->owner == h)
			ss->until = min64(ss->until, done);
		if (e->nrel_out)
			e->rel[(*e->nrel_out)++] = (struct est_release){
				h, (int)(ss - e->ses), done
			};
		ss->believe &= ~(1ull << (h & 63));
		break;
	case OP_SPIN:
		done = st->spin_ms > 0 ? start + st->spin_ms : EST_NEVER;
		hd->spin_until = done;
		break;
	case OP_EXIT:
		done = start;
		hd->dead_at = start;
		break;
	default:
		done = start + extra;
		break;
	}
	if (hd->dead_at < done)
		done = hd->dead_at;
	ln->free_at = done;
	e->answered[i] = done;
}

/* A `signal H SIG` whose default action ends the process (no holder is
 * asked to catch one: the scenarios that send one expect the death). */
static int deadly_signal(const struct scn_step *st)
{
	static const char *const harmless[] = { "CHLD", "URG", "WINCH",
						"CONT", NULL };
	const struct scn_arg *a = scn_step_arg(st, "signal");
	int i;

	if (!st->fault || strcmp(st->fault->name, "signal") || !a || !a->str)
		return 0;
	for (i = 0; harmless[i]; i++)
		if (!strcmp(a->str, harmless[i]))
			return 0;
	return 1;
}

/* A duration key's text ("-3s", "4500ms"), as ms; `def` when absent. */
static int64_t text_ms(const struct scn_step *st, const char *key,
		       int64_t def)
{
	const struct scn_arg *a = scn_step_arg(st, key);
	const char *v = a && a->str ? a->str : NULL;
	int64_t ms;
	char *why = NULL;

	if (!v)
		return def;
	if (*v == '-')
		v++;
	if (lex_duration(key, v, &ms, &why)) {
		free(why);
		ms = strtoll(v, NULL, 10);
		return ms > 0 ? ms : def;
	}
	return ms;
}

/* When a lock file planted by `damage` (step st, at `t`) may be taken. */
static int64_t planted_free_at(struct est *e, const struct scn_step *st,
			       const char *kind, int64_t t)
{
	const struct scn_arg *a = scn_step_arg(st, "age");
	int64_t age = a && a->set ? a->num : 0, hold;
	const struct scn_arg *ow = scn_step_arg(st, "owner");
	const char *owner = ow && ow->str ? ow->str : "dead";
	int oh = holder_index(e, owner);
	int live;

	/* Not a lock file at all: never deleted, the contender times out. */
	if (!strcmp(kind, "dir") || !strcmp(kind, "symlink"))
		return EST_NEVER;
	/* Not a payload yet: its grace, counted from its mtime. */
	if (!strcmp(kind, "empty") || !strcmp(kind, "truncated") ||
	    !strcmp(kind, "garbage") || !strcmp(kind, "huge"))
		return max64(t, t + e->s->params.grace_ms -
					text_ms(st, "mtime", age));
	/* A payload of a live owner: until its createdAt plus its
	 * maxHoldMs; any other (a dead or invalid pid, a hold long past or
	 * negative, an unparsable date) is taken at once. */
	live = !strcmp(kind, "foreign") || !strcmp(owner, "init") ||
	       (oh >= 0 && e->h[oh].dead_at == EST_NEVER);
	if (!live || (strcmp(kind, "exact") && strcmp(kind, "foreign") &&
		      strcmp(kind, "future") && strcmp(kind, "maxhold-huge")))
		return t;
	if (!strcmp(kind, "maxhold-huge"))
		return EST_NEVER;
	hold = text_ms(st, "maxHoldMs", e->s->params.max_hold_ms);
	return max64(t, t + hold - text_ms(st, "createdAt", age));
}

/* A fault step at runner time `t`. */
static void play_fault(struct est *e, const struct scn_step *st, int64_t t)
{
	const char *name = st->fault ? st->fault->name : "";
	int h = holder_index(e, st->holder), k;
	const struct scn_arg *a;

	if (h >= 0 && ((st->fault && st->fault->ends_target) ||
		       deadly_signal(st))) {
		e->h[h].dead_at = min64(e->h[h].dead_at, t);
		for (k = 0; k < e->nlanes; k++)
			if (e->lanes[k].holder == h && e->lanes[k].free_at > t)
				e->lanes[k].free_at = t;
		for (k = 0; k < e->nses; k++)
			if (e->ses[k].owner == h && e->ses[k].until > t)
				e->ses[k].until = EST_NEVER; /* left behind */
	} else if (!strcmp(name, "freeze") && h >= 0) {
		e->h[h].frozen_at = t;
	} else if (!strcmp(name, "thaw") && h >= 0 && e->h[h].frozen_at >= 0) {
		int64_t d = t - e->h[h].frozen_at;

		/* what it was doing resumes where it stopped */
		for (k = 0; k < e->nlanes; k++)
			if (e->lanes[k].holder == h &&
			    e->lanes[k].free_at > e->h[h].frozen_at &&
			    e->lanes[k].free_at != EST_NEVER)
				e->lanes[k].free_at += d;
		for (k = 0; k < e->nses; k++)
			if (e->ses[k].owner == h &&
			    e->ses[k].until > e->h[h].frozen_at &&
			    e->ses[k].until != EST_NEVER)
				e->ses[k].until += d;
		e->h[h].frozen_at = -1;
	} else if (!strcmp(name, "failpoint") && h >= 0) {
		a = scn_step_arg(st, "delay");
		if (a && a->set && a->num > 0) {
			e->h[h].delay_ms = a->num;
			a = scn_step_arg(st, "once");
			e->h[h].delay_once = a && a->set;
		}
		a = scn_step_arg(st, "off");
		if (a && a->set)
			e->h[h].delay_ms = 0;
	} else if (!strcmp(name, "jitter")) {
		a = scn_step_arg(st, "max");
		/* twenty jittered calls a command (a reclaim re-reads and
		 * compares), half the max each */
		for (k = 0; k < e->s->nr_holders; k++)
			if (e->s->holders[k].needs_jitter)
				e->h[k].jitter_ms = a && a->set ? a->num * 10 : 0;
	} else if (!strcmp(name, "damage")) {
		struct est_session *ss = session_of(e, st->session);
		const struct scn_arg *kind = scn_step_arg(st, "kind");
		const char *kw = kind && kind->str ? kind->str : "";
		const struct scn_arg *ow = scn_step_arg(st, "owner");
		int oh = holder_index(e, ow ? ow->str : NULL);

		if (!strcmp(kw, "removed")) {
			ss->owner = -1; /* its owner still believes */
		} else if (oh >= 0 && !strcmp(kw, "exact")) {
			/* a holder's payload written: it is the owner, its
			 * release removes it, and the payload's createdAt
			 * and maxHoldMs say when it is reclaimable */
			const struct scn_arg *ag = scn_step_arg(st, "age");
			int64_t age = ag && ag->set ? ag->num : 0;

			if (ss->owner != oh)
				ss->until = EST_NEVER;
			ss->owner = oh;
			ss->since = t - text_ms(st, "createdAt", age);
			ss->max_hold_ms = text_ms(st, "maxHoldMs",
						  ss->owner >= 0 ? ss->max_hold_ms
								 : e->s->params.max_hold_ms);
		} else if (strcmp(kw, "torn-transcript")) {
			ss->owner = -2;
			ss->believe = 0;
			ss->planted_free = planted_free_at(e, st, kw, t);
		}
	}
}

/* When the await of step i ends, started at `t`. */
static int64_t await_end(struct est *e, int i, int64_t t)
{
	const struct scn_step *st = &e->s->steps[i];
	int h = holder_index(e, st->holder), k;
	int64_t until = t;

	switch (st->await_on) {
	case AWAIT_IDLE:
		for (k = 0; h >= 0 && k < e->nlanes; k++)
			if (e->lanes[k].holder == h)
				until = max64(until, e->lanes[k].free_at);
		break;
	case AWAIT_ACQUIRED:
		for (k = 0; h >= 0 && k < e->nlanes; k++)
			if (e->lanes[k].holder == h)
				until = max64(until, e->lanes[k].acquired_at);
		break;
	case AWAIT_RELEASED:
		for (k = 0; h >= 0 && k < e->nses; k++)
			if (e->ses[k].owner == h)
				until = max64(until, e->ses[k].until);
		break;
	case AWAIT_ANSWERED:
		for (k = 0; k < i; k++)
			if (e->answered[k] >= 0 && e->s->steps[k].label &&
			    st->label && !strcmp(e->s->steps[k].label, st->label))
				until = max64(until, e->answered[k]);
		break;
	default:
		break; /* a log line: soon, as far as the text says */
	}
	if (st->wait_ms >= 0)
		until = min64(until, t + st->wait_ms);
	return until;
}

/* One pass over the script; *death gets each holder's death time. */
static int64_t play(const struct scenario *s, const int64_t *death_in,
		    int64_t *death_out, struct est_release *rel, int *nrel)
{
	struct est e = { .s = s, .death = death_in, .rel = rel };
	int64_t now = 0, end;
	int i;

	if (*nrel < 0)
		*nrel = 0, e.nrel_out = nrel; /* the first pass records */
	else
		e.nrel = *nrel;
	e.h = xcalloc((size_t)s->nr_holders + 1, sizeof(*e.h));
	for (i = s->nr_holders - 1; i >= 0; i--) /* the first of a name */
		name_index_put(&e.by_name, s->holders[i].name, i);
	e.answered = xcalloc((size_t)s->nr_steps + 1, sizeof(*e.answered));
	for (i = 0; i < s->nr_holders; i++)
		e.h[i] = (struct est_holder){ .dead_at = EST_NEVER,
					      .frozen_at = -1 };
	for (i = 0; i < s->nr_steps; i++) {
		const struct scn_step *st = &s->steps[i];

		e.answered[i] = -1;
		if (st->at_ms >= 0 && st->at_ms > now)
			now = st->at_ms;
		switch (st->kind) {
		case STEP_WAIT:
			now += st->wait_ms;
			break;
		case STEP_AWAIT:
			now = await_end(&e, i, now);
			break;
		case STEP_OP:
			play_op(&e, i, now);
			break;
		case STEP_FAULT:
			play_fault(&e, st, now);
			break;
		default:
			break;
		}
	}
	/* The end waits for every command that can still answer: not a
	 * frozen or spinning holder's, not one that never ends. */
	end = now;
	for (i = 0; i < e.nlanes; i++) {
		struct est_holder *hd = &e.h[e.lanes[i].holder];

		if (e.lanes[i].free_at == EST_NEVER || hd->frozen_at >= 0)
			continue;
		end = max64(end, e.lanes[i].free_at);
	}
	for (i = 0; i < s->nr_holders; i++)
		death_out[i] = e.h[i].dead_at;
	free(e.h);
	free(e.answered);
	name_index_clear(&e.by_name);
	return end;
}

int64_t run_estimate_ms(const struct scenario *s)
{
	int64_t *never = xcalloc((size_t)s->nr_holders + 1, sizeof(*never));
	int64_t *death = xcalloc((size_t)s->nr_holders + 1, sizeof(*death));
	struct est_release *rel = xcalloc((size_t)s->nr_steps + 1,
					  sizeof(*rel));
	int64_t end;
	int i, nrel = -1;

	/* Twice: a contender that asks before its owner is killed gets the
	 * lock at the kill (or its owner's release), which the first pass
	 * only learns later. */
	for (i = 0; i < s->nr_holders; i++)
		never[i] = EST_NEVER;
	play(s, never, death, rel, &nrel);
	end = play(s, death, never, rel, &nrel);
	free(rel);
	free(never);
	free(death);
	if (end > s->params.deadline_ms)
		end = s->params.deadline_ms;
	return s->speed > 1 ? end / s->speed : end;
}

/* The harness's own cost of a run, fitted on the catalog (docs/ci.md:
 * 122 runs at --jobs 2 on a loaded 2-core machine, the measured time less
 * the script's estimate: a median of 135 ms with one or two holders, 873
 * ms with nine): the worker, namespace and report, and each holder's
 * start and exit. */
#define EST_BASE_MS 50
#define EST_PER_HOLDER_MS 80

int64_t run_expected_ms(const struct scenario *s)
{
	return run_estimate_ms(s) + EST_BASE_MS +
	       EST_PER_HOLDER_MS * (int64_t)s->nr_holders;
}
