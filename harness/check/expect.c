/*
 * expect.c - the scenario's own expectations and jq assertions, judged.
 *
 * Like the checkers, a pure function of the sorted history (plus one fact
 * from outside it: whether a planted symlink's target is intact). An
 * `expect failure CHECKER` takes that checker's verdict out of the list:
 * the scenario asked for it.
 */
#include "check/expect.h"
#include "check/check.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static jv set_str(jv o, const char *k, const char *v)
{
	return v ? jv_object_set(o, jv_string(k), jv_string(v)) : o;
}

static jv set_num(jv o, const char *k, double v)
{
	return jv_object_set(o, jv_string(k), jv_number(v));
}

jv expect_failure(const char *checker, int line, double at, const char *fmt,
		  ...)
{
	va_list ap;
	char *msg;
	jv f = set_str(jv_object(), "checker", checker);

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	f = set_str(f, "msg", msg);
	free(msg);
	if (line > 0)
		f = set_num(f, "line", line);
	return set_num(f, "at", at);
}

/* How long `proc` waited for a CPU within [a, b], at most: its `sched`
 * count (run/sched.c) at the first sample at or after b less the one at
 * the last at or before a; 0 without samples (an idle machine). The same
 * rule as model_cpu_wait, on the raw history: the count is runDelayUs
 * plus diskWaitUs (its time blocked in the kernel while the storage
 * stalled), and *disk says whether any of it was the disk's. */
static double cpu_wait(jv hist, const char *proc, double a, double b,
		       int *disk)
{
	int i, n = jv_array_length(jv_copy(hist));
	double from = 0, to = -1, last = 0;
	char type[16], buf[64];

	for (i = 0; i < n && to < 0; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);

		if (!strcmp(jvx_str(ev, "type", type, sizeof(type)), "sched") &&
		    !strcmp(jvx_str(ev, "process", buf, sizeof(buf)), proc)) {
			double t = jvx_num(ev, "t", 0);
			double d = jvx_num(ev, "diskWaitUs", 0);
			double us = jvx_num(ev, "runDelayUs", 0) + d;

			*disk |= d > 0;
			if (us >= last) { /* counts only grow */
				last = us;
				if (t <= a)
					from = us;
				else if (t >= b)
					to = us;
			}
		}
		jv_free(ev);
	}
	if (to < 0)
		to = last;
	return to > from ? to - from : 0;
}

/* How long, within [a, b], a holder the harness killed (`kill`, `term`,
 * `signal`) was still dying: from the fault to its exit, when it died of a
 * signal, so that the time was the kernel's to end it (a SIGHUP's exit
 * came 1.08 s after it beside the soak's fork storm, and the contender
 * reclaimed 8 ms after that: faults/signal-hup-while-holding). The longest
 * such overlap (µs), and its holder in `who`; as recovery's free_from. */
static double dying_within(jv hist, double a, double b, char *who, size_t n)
{
	enum { MAX_DYING = 64 };
	struct {
		char name[64];
		double t;
	} dying[MAX_DYING];
	int i, k, nd = 0, len = jv_array_length(jv_copy(hist));
	double most = 0;
	char type[16], buf[64];

	for (i = 0; i < len; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);
		double t = jvx_num(ev, "t", 0);

		jvx_str(ev, "type", type, sizeof(type));
		if (!strcmp(type, "fault") && nd < MAX_DYING &&
		    (!strcmp(jvx_str(ev, "fault", buf, sizeof(buf)), "kill") ||
		     !strcmp(buf, "term") || !strcmp(buf, "signal"))) {
			jvx_str(ev, "target", dying[nd].name,
				sizeof(dying[nd].name));
			dying[nd++].t = t;
		} else if (!strcmp(type, "exit") && jvx_cstr(ev, "signal")) {
			jvx_str(ev, "process", buf, sizeof(buf));
			for (k = 0; k < nd; k++) {
				double from = dying[k].t > a ? dying[k].t : a;
				double to = t < b ? t : b;

				if (strcmp(dying[k].name, buf))
					continue;
				if (to - from > most) {
					most = to - from;
					snprintf(who, n, "%s", buf);
				}
				dying[k].name[0] = '\0'; /* one death each */
			}
		}
		jv_free(ev);
	}
	return most;
}

/* " + N ms it waited for a CPU" (or "a CPU or the disk"), or "" for
 * none. */
static const char *cpu_note(double cpu_us, int disk, char *buf, size_t n)
{
	if (cpu_us < 1000)
		return "";
	snprintf(buf, n, " + %.0f ms it waited for a CPU%s", cpu_us / 1000,
		 disk ? " or the disk" : "");
	return buf;
}

/* " + N ms WHO took to die after its signal", or "" for none. */
static const char *dying_note(double us, const char *who, char *buf,
			      size_t n)
{
	if (us < 1000)
		return "";
	snprintf(buf, n, " + %.0f ms %s took to die after its signal",
		 us / 1000, who);
	return buf;
}

/* The outcome of the op labelled `label`: failure object or jv_null. */
static jv expect_outcome(jv hist, const struct scn_expect *e, int64_t slack_us)
{
	int i, n = jv_array_length(jv_copy(hist));
	char type[16], proc[64], buf[256];
	double invoke_t = -1, id = -1, timeout_ms = -1;

	proc[0] = '\0';
	for (i = 0; i < n; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);

		jvx_str(ev, "type", type, sizeof(type));
		if (invoke_t < 0 && !strcmp(type, "invoke") &&
		    !strcmp(jvx_str(ev, "label", buf, sizeof(buf)), e->label)) {
			invoke_t = jvx_num(ev, "t", 0);
			id = jvx_num(ev, "id", -1);
			timeout_ms = jvx_num(ev, "timeoutMs", -1);
			jvx_str(ev, "process", proc, sizeof(proc));
		} else if (invoke_t >= 0 &&
			   (!strcmp(type, "ok") || !strcmp(type, "fail") ||
			    !strcmp(type, "info")) &&
			   jvx_num(ev, "id", -2) == id &&
			   !strcmp(jvx_str(ev, "process", buf, sizeof(buf)),
				   proc)) {
			double t = jvx_num(ev, "t", 0), cpu = 0, dying = 0;
			int disk = 0;
			char reason[64], error[256], note[64], who[64] = "",
								 died[128];
			jv f = jv_null();

			jvx_str(ev, "reason", reason, sizeof(reason));
			jvx_str(ev, "error", error, sizeof(error));
			if (e->want_ok && strcmp(type, "ok")) {
				f = expect_failure("expect", e->line, t,
					    "%s: %s %s expected ok, got %s%s%s",
					    e->text, proc, e->label, type,
					    *error ? ": " : "", error);
				/* a wait that ran out: the run's stalls may
				 * be why (run.c weighs them against it) */
				if (!strcmp(reason, "timeout") &&
				    timeout_ms >= 0)
					f = set_num(f, "timeoutMs", timeout_ms);
			}
			else if (!e->want_ok && strcmp(type, "fail"))
				f = expect_failure("expect", e->line, t,
					    "%s: %s %s expected fail, got %s",
					    e->text, proc, e->label, type);
			else if (e->reason && strcmp(reason, e->reason))
				f = expect_failure("expect", e->line, t,
					    "%s: %s %s failed with reason '%s', "
					    "expected '%s'",
					    e->text, proc, e->label, reason,
					    e->reason);
			else if (e->within_ms >= 0 &&
				 t - invoke_t > (double)e->within_ms * 1000 +
							(double)slack_us &&
				 t - invoke_t > (double)e->within_ms * 1000 +
							(double)slack_us +
							(cpu = cpu_wait(hist, proc,
								 invoke_t, t,
								 &disk)) +
							(dying = dying_within(
								 hist, invoke_t, t,
								 who, sizeof(who))))
				f = expect_failure("expect", e->line, t,
					    "%s: %s %s took %.0f ms, expected "
					    "within %lld ms + slack %lld ms%s%s",
					    e->text, proc, e->label,
					    (t - invoke_t) / 1000,
					    (long long)e->within_ms,
					    (long long)(slack_us / 1000),
					    cpu_note(cpu, disk, note, sizeof(note)),
					    dying_note(dying, who, died,
						       sizeof(died)));
			jv_free(ev);
			return f;
		}
		jv_free(ev);
	}
	return expect_failure("expect", e->line, invoke_t,
		       invoke_t < 0 ? "%s: step '%s' never ran"
				    : "%s: %s never got an answer",
		       e->text, e->label);
}

static jv final_session(jv hist, const char *session)
{
	int n = jv_array_length(jv_copy(hist));
	jv last = jv_array_get(jv_copy(hist), n - 1);
	jv s = jv_object_get(jv_object_get(last, jv_string("sessions")),
			     jv_string(session));

	return jv_get_kind(s) == JV_KIND_OBJECT ? s : (jv_free(s), jv_object());
}

/* The `look` event of line `line` (STEP_LOOK), or invalid. */
static jv look_event(jv hist, int line)
{
	int i, n = jv_array_length(jv_copy(hist));
	char type[16];

	for (i = 0; i < n; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);

		if (!strcmp(jvx_str(ev, "type", type, sizeof(type)), "look") &&
		    jvx_num(ev, "line", -1) == line)
			return ev;
		jv_free(ev);
	}
	return jv_invalid();
}

/* The pid holder `name` said it has (its last spawn event up to t µs),
 * or -1. */
static double holder_pid(jv hist, const char *name, double t)
{
	int i, n = jv_array_length(jv_copy(hist));
	char type[16], proc[64];
	double pid = -1;

	for (i = 0; i < n; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);

		if (!strcmp(jvx_str(ev, "type", type, sizeof(type)), "spawn") &&
		    !strcmp(jvx_str(ev, "process", proc, sizeof(proc)), name) &&
		    (t < 0 || jvx_num(ev, "t", 0) <= t))
			pid = jvx_num(ev, "pid", -1);
		jv_free(ev);
	}
	return pid;
}

/* The holder whose spawn said `pid`, or NULL. Borrowed from hist. */
static const char *pid_holder(jv hist, double pid)
{
	int i, n = jv_array_length(jv_copy(hist));
	const char *who = NULL;
	char type[16];

	for (i = 0; i < n; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);

		if (!strcmp(jvx_str(ev, "type", type, sizeof(type)), "spawn") &&
		    jvx_num(ev, "pid", -2) == pid)
			who = jvx_cstr(ev, "process"); /* lives in hist */
		jv_free(ev);
	}
	return who;
}

/*
 * `expect lock S absent|present [owner=H]`: judged from the final snapshot,
 * or, timed (`at T expect lock`), from the `look` event of its line: what
 * the harness saw at that moment. The owner is the holder whose pid the
 * payload names.
 */
static jv expect_lock(jv hist, const struct scn_expect *e)
{
	jv sess = e->timed ? look_event(hist, e->line)
			   : final_session(hist, e->session);
	char state[32], when[48] = "", *payload;
	double t = -1, pid, want;
	jv f = jv_null(), p;
	const char *who;

	if (!jv_is_valid(sess)) {
		jv_free(sess);
		return expect_failure("expect", e->line, -1,
				      "%s: the lock was never looked at (the "
				      "run ended before line %d's time)",
				      e->text, e->line);
	}
	if (e->timed) {
		t = jvx_num(sess, "t", -1);
		snprintf(when, sizeof(when), " at %.3f s", t / 1e6);
	}
	jvx_str(sess, "lock", state, sizeof(state));
	/* "kept": a kernel lock's file, unlocked: not held */
	if (e->present != (*state && strcmp(state, "absent") &&
			   strcmp(state, "kept"))) {
		f = expect_failure("expect", e->line, t, "%s: lock is %s%s",
				   e->text, *state ? state : "unknown", when);
		jv_free(sess);
		return f;
	}
	if (!e->owner) {
		jv_free(sess);
		return f;
	}
	payload = jvx_words(sess, "payload");
	p = jv_parse(payload ? payload : "");
	want = holder_pid(hist, e->owner, t);
	if (jv_get_kind(p) != JV_KIND_OBJECT || !jvx_has_num(p, "pid", &pid))
		f = expect_failure("expect", e->line, t,
				   "%s: the lock%s names no pid (payload "
				   "'%s')",
				   e->text, when, payload ? payload : "");
	else if (pid != want) {
		who = pid_holder(hist, pid);
		f = expect_failure("expect", e->line, t,
				   "%s: the lock%s is %s's (pid %.0f), not "
				   "%s's (pid %.0f)",
				   e->text, when, who ? who : "no holder",
				   pid, e->owner, want);
	}
	jv_free(p);
	free(payload);
	jv_free(sess);
	return f;
}

static int any_event(jv hist, const char *type, const char *process,
		     const char *k1, const char *v1, const char *k2,
		     const char *v2, int v2_substring)
{
	int i, n = jv_array_length(jv_copy(hist)), hit = 0;
	char buf[1024];

	for (i = 0; i < n && !hit; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);

		hit = !strcmp(jvx_str(ev, "type", buf, sizeof(buf)), type) &&
		      (!process ||
		       !strcmp(jvx_str(ev, "process", buf, sizeof(buf)),
			       process)) &&
		      (!v1 || !strcmp(jvx_str(ev, k1, buf, sizeof(buf)), v1)) &&
		      (!v2 || (v2_substring
				       ? strstr(jvx_str(ev, k2, buf, sizeof(buf)),
						v2) != NULL
				       : !strcmp(jvx_str(ev, k2, buf, sizeof(buf)),
						 v2)));
		jv_free(ev);
	}
	return hit;
}

/* `arr` (consumed) without item `skip`. Rebuilt item by item: libjq 1.6
 * asserts on jv_array_slice + jv_array_concat of the same array. */
static jv array_without(jv arr, int skip)
{
	jv out = jv_array();
	int i, n = jv_array_length(jv_copy(arr));

	for (i = 0; i < n; i++)
		if (i != skip)
			out = jv_array_append(out, jv_array_get(jv_copy(arr), i));
	jv_free(arr);
	return out;
}

/* Expected checker failures are taken out of `verdicts`; the rest of the
 * expectations add failures to `fails`. */
void expect_check(const struct scenario *s, jv hist, const char *outside,
		  int64_t within_slack_us, jv *verdicts, jv *fails)
{
	int i;

	for (i = 0; i < s->nr_expects; i++) {
		const struct scn_expect *e = &s->expects[i];
		jv f = jv_null();

		switch (e->kind) {
		case EXPECT_OUTCOME:
			f = expect_outcome(hist, e, within_slack_us);
			break;
		case EXPECT_LOCK:
			f = expect_lock(hist, e);
			break;
		case EXPECT_TRANSCRIPT: {
			jv sess = final_session(hist, e->session);
			int n = jv_array_length(jv_object_get(
				sess, jv_string("transcript")));

			if (n != e->lines)
				f = expect_failure("expect", e->line, -1,
					    "%s: transcript has %d lines",
					    e->text, n);
			break;
		}
		case EXPECT_LOG: {
			int hit = e->level ? any_event(hist, "log", e->label,
						       "level", e->level,
						       "msg", e->contains, 1)
					   : (any_event(hist, "log", e->label,
							"level", "WARN", "msg",
							e->contains, 1) ||
					      any_event(hist, "log", e->label,
							"level", "ERROR", "msg",
							e->contains, 1));
			if (!hit)
				f = expect_failure("expect", e->line, -1,
					    "%s: no such log line from %s",
					    e->text, e->label);
			break;
		}
		case EXPECT_RELEASED:
			if (!any_event(hist, "released", e->label, "why",
				       e->reason, NULL, NULL, 0))
				f = expect_failure("expect", e->line, -1,
					    "%s: %s never released%s%s",
					    e->text, e->label,
					    e->reason ? " with why=" : "",
					    e->reason ? e->reason : "");
			break;
		case EXPECT_FAILURE: {
			int k, n = jv_array_length(jv_copy(*verdicts)), hit = -1;
			char buf[1024];

			for (k = 0; k < n && hit < 0; k++) {
				jv v = jv_array_get(jv_copy(*verdicts), k);

				if (!strcmp(jvx_str(v, "checker", buf,
						 sizeof(buf)),
					    e->checker) &&
				    (!e->contains ||
				     strstr(jvx_str(v, "msg", buf, sizeof(buf)),
					    e->contains)))
					hit = k;
				jv_free(v);
			}
			if (hit < 0)
				f = expect_failure("expect", e->line, -1,
					    "%s: checker %s did not fail",
					    e->text, e->checker);
			else
				*verdicts = array_without(*verdicts, hit);
			break;
		}
		case EXPECT_OUTSIDE: {
			if (outside)
				f = expect_failure("expect", e->line, -1,
						   "%s: %s", e->text, outside);
			break;
		}
		case EXPECT_JQ: {
			char *err = NULL;
			int rc = check_jq(hist, e->jq, &err);

			if (rc != 1)
				f = expect_failure(rc < 0 ? "jq-error" : "jq",
					    e->line, -1, "%s: %s", e->text,
					    err ? err : "not true");
			free(err);
			break;
		}
		}
		if (jv_get_kind(f) == JV_KIND_OBJECT)
			*fails = jv_array_append(*fails, f);
		else
			jv_free(f);
	}
}

