/*
 * result.c - result.json: a run's status, reason, failures and figures.
 */
#include "run/runner.h"
#include "run/result.h"
#include "lib/jvx.h"
#include "lib/util.h"

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

int64_t result_recovery_ms(jv hist)
{
	int i, n = jv_array_length(jv_copy(hist));
	double fault_t = -1;
	char target[64] = "", buf[64];

	for (i = 0; i < n; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);

		jvx_str(ev, "type", buf, sizeof(buf));
		if (fault_t < 0 && !strcmp(buf, "fault")) {
			jvx_str(ev, "target", target, sizeof(target));
			fault_t = jvx_num(ev, "t", -1);
		} else if (fault_t >= 0 && !strcmp(buf, "acquired") &&
			   strcmp(jvx_str(ev, "process", buf, sizeof(buf)),
				  target)) {
			jv_free(ev);
			return (int64_t)((jvx_num(jv_array_get(jv_copy(hist), i),
					       "t", 0) -
					  fault_t) /
					 1000);
		}
		jv_free(ev);
	}
	return -1;
}

jv run_result_json(const struct run_result *res)
{
	jv o = set_str(jv_object(), "status", res->status);

	o = set_str(o, "reason", res->reason ? res->reason : "");
	o = jv_object_set(o, jv_string("failures"), jv_copy(res->failures));
	o = set_num(o, "durationMs", (double)res->duration_ms);
	o = set_num(o, "recoveryMs", (double)res->recovery_ms);
	o = set_num(o, "noiseP99Us", (double)res->noise_p99_us);
	o = set_num(o, "noiseMaxUs", (double)res->noise_max_us);
	o = set_num(o, "noiseIoMaxUs", (double)res->noise_io_max_us);
	o = set_num(o, "reruns", (double)res->reruns);
	o = set_num(o, "speed", (double)(res->speed > 1 ? res->speed : 1));
	if (res->speed_note)
		o = set_str(o, "speedNote", res->speed_note);
	if (res->scratch)
		o = set_str(o, "scratch", res->scratch);
	if (res->scenario_error)
		o = jv_object_set(o, jv_string("scenarioError"), jv_true());
	return o;
}

void run_result_init(struct run_result *r)
{
	memset(r, 0, sizeof(*r));
	r->failures = jv_array();
	r->hist = jv_null();
	r->recovery_ms = -1;
}

void run_result_clear(struct run_result *r)
{
	free(r->reason);
	free(r->scratch);
	free(r->speed_note);
	free(r->starved);
	jv_free(r->failures);
	jv_free(r->hist);
	run_result_init(r);
}

static const char *status_static(const char *s)
{
	static const char *const all[] = { STATUS_PASS, STATUS_FAIL, STATUS_NA,
					   STATUS_ERROR, STATUS_UNSUPPORTED };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(all[i], s))
			return all[i];
	return STATUS_ERROR;
}

int run_result_load(struct run_result *r, const char *path, char **err)
{
	jv o = jvx_load(path, 16 << 20);
	char buf[4096];

	/* r holds a result already (its empty failures array, at least):
	 * clear it, or that array leaks once per run */
	run_result_clear(r);
	if (jv_get_kind(o) != JV_KIND_OBJECT) {
		jv_free(o);
		*err = xasprintf("cannot read a result object from '%s'",
				 path);
		return -1;
	}
	r->status = status_static(jvx_str(o, "status", buf, sizeof(buf)));
	r->reason = xstrdup(jvx_str(o, "reason", buf, sizeof(buf)));
	jv_free(r->failures);
	r->failures = jv_object_get(jv_copy(o), jv_string("failures"));
	if (jv_get_kind(r->failures) != JV_KIND_ARRAY) {
		jv_free(r->failures);
		r->failures = jv_array();
	}
	r->duration_ms = (int64_t)jvx_num(o, "durationMs", 0);
	r->recovery_ms = (int64_t)jvx_num(o, "recoveryMs", -1);
	r->noise_p99_us = (int64_t)jvx_num(o, "noiseP99Us", 0);
	r->noise_max_us = (int64_t)jvx_num(o, "noiseMaxUs", 0);
	r->noise_io_max_us = (int64_t)jvx_num(o, "noiseIoMaxUs", 0);
	r->speed = (int)jvx_num(o, "speed", 1);
	if (jvx_cstr(o, "speedNote"))
		r->speed_note = xstrdup(jvx_cstr(o, "speedNote"));
	r->reruns = (int)jvx_num(o, "reruns", 0);
	if (*jvx_str(o, "scratch", buf, sizeof(buf)))
		r->scratch = xstrdup(buf);
	{
		jv se = jv_object_get(jv_copy(o), jv_string("scenarioError"));

		r->scenario_error = jv_get_kind(se) == JV_KIND_TRUE;
		jv_free(se);
	}
	jv_free(o);
	return 0;
}
