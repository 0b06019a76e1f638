/*
 * await.c - `await` on events: the step loop pumps until the history holds
 * the event a step waits for (its nth match, see scenario.h), the step's
 * timeout passed, or the deadline did.
 *
 * The history is scanned from the start at each wake-up: O(events) per
 * wake-up, and a run's history is bounded (HOLDER_EVENTS_MAX per holder),
 * so a scan costs well under a millisecond against waits of polls.
 */
#include "run/run_internal.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <string.h>

static int is_outcome(const char *type)
{
	return !strcmp(type, "ok") || !strcmp(type, "fail") ||
	       !strcmp(type, "info");
}

/* Does ev match step st (not counting)? For ANSWERED, ev is an outcome
 * whose id and process the nth invoke gave (*id, proc). */
static int matches(const struct scn_step *st, jv ev, const char *type)
{
	char buf[1024], lvl[16];

	if (strcmp(jvx_str(ev, "process", buf, sizeof(buf)), st->holder))
		return 0;
	switch (st->await_on) {
	case AWAIT_ACQUIRED:
		return !strcmp(type, "acquired");
	case AWAIT_RELEASED:
		return !strcmp(type, "released") &&
		       (!st->await_why ||
			!strcmp(jvx_str(ev, "why", buf, sizeof(buf)),
				st->await_why));
	case AWAIT_LOG:
		if (strcmp(type, "log"))
			return 0;
		jvx_str(ev, "level", lvl, sizeof(lvl));
		if (st->await_level ? strcmp(lvl, st->await_level) != 0
				    : strcmp(lvl, "WARN") && strcmp(lvl, "ERROR"))
			return 0;
		return !st->await_contains ||
		       strstr(jvx_str(ev, "msg", buf, sizeof(buf)),
			      st->await_contains) != NULL;
	case AWAIT_FAILPOINT:
		return !strcmp(type, "failpoint") &&
		       (!st->await_contains ||
			!strcmp(jvx_str(ev, "name", buf, sizeof(buf)),
				st->await_contains));
	default:
		return 0;
	}
}

/* For AWAIT_CREATED: is ev the kernel view's sight of a lock file whose
 * payload names st's holder (its pid, in its namespace: as its hello said)?
 * A holder's own `acquired` may come much later on a loaded machine (it
 * wrote its payload, then waited for a CPU): a fault meant for "it has
 * created its lock file" waits for this. */
static int created_by(struct run *r, const struct scn_step *st, jv ev,
		      const char *type)
{
	struct hstate *h = run_holder(r, st->holder);
	char buf[64];

	if (!h || h->inner <= 0 || strcmp(type, "fs") ||
	    strcmp(jvx_str(ev, "kind", buf, sizeof(buf)), "lock"))
		return 0;
	jvx_str(ev, "fs", buf, sizeof(buf));
	if (strcmp(buf, "create") && strcmp(buf, "write") &&
	    strcmp(buf, "moved-to"))
		return 0;
	/* two containers may both have a pid 7: the namespace too, when
	 * both are known */
	if (h->nsino && jvx_num(ev, "pidNs", -1) >= 0 &&
	    jvx_num(ev, "pidNs", -1) != (double)h->nsino)
		return 0;
	return jvx_num(ev, "pid", -1) == (double)h->inner &&
	       (!st->session ||
		!strcmp(jvx_str(ev, "session", buf, sizeof(buf)), st->session));
}

int await_start(struct run *r, const struct scn_step *st)
{
	int i, n = jv_array_length(jv_copy(r->hist)), from = 0;
	char type[16], buf[256];

	for (i = 0; i < n; i++) {
		jv ev = jv_array_get(jv_copy(r->hist), i);

		if (!strcmp(jvx_str(ev, "type", type, sizeof(type)), "invoke") &&
		    !strcmp(jvx_str(ev, st->await_on == AWAIT_ANSWERED
					       ? "label"
					       : "process",
				    buf, sizeof(buf)),
			    st->holder))
			from = i;
		jv_free(ev);
	}
	return from;
}

int await_met(struct run *r, const struct scn_step *st, int from)
{
	int i, n = jv_array_length(jv_copy(r->hist)), seen = 0;
	double id = -1;
	char proc[64] = "", type[16], buf[256];

	for (i = from; i < n; i++) {
		jv ev = jv_array_get(jv_copy(r->hist), i);
		int hit = 0;

		jvx_str(ev, "type", type, sizeof(type));
		if (st->await_on == AWAIT_CREATED) {
			hit = created_by(r, st, ev, type) &&
			      ++seen == st->await_nth;
		} else if (st->await_on != AWAIT_ANSWERED) {
			hit = matches(st, ev, type) && ++seen == st->await_nth;
		} else if (i == from) {
			if (!strcmp(type, "invoke")) {
				id = jvx_num(ev, "id", -1);
				jvx_str(ev, "process", proc, sizeof(proc));
			}
		} else if (id >= 0 && is_outcome(type) &&
			   jvx_num(ev, "id", -2) == id &&
			   !strcmp(jvx_str(ev, "process", buf, sizeof(buf)),
				   proc)) {
			hit = 1;
		}
		jv_free(ev);
		if (hit)
			return 1;
	}
	return 0;
}

char *await_describe(const struct scn_step *st)
{
	static const char *const words[] = {
		[AWAIT_IDLE] = "idle", [AWAIT_ACQUIRED] = "acquired",
		[AWAIT_RELEASED] = "released", [AWAIT_ANSWERED] = "answered",
		[AWAIT_LOG] = "log", [AWAIT_FAILPOINT] = "failpoint",
		[AWAIT_CREATED] = "created",
	};

	return xasprintf("%s %s%s%s%s%s%s%s", st->holder, words[st->await_on],
			 st->await_why ? " why=" : "",
			 st->await_why ? st->await_why : "",
			 st->await_level ? " level=" : "",
			 st->await_level ? st->await_level : "",
			 !st->await_contains	       ? ""
			 : st->await_on == AWAIT_FAILPOINT ? " name="
							   : " contains=",
			 st->await_contains ? st->await_contains : "");
}
