/*
 * leak.c - no lock file, no process after a clean end.
 *
 * A lock file in final.sessions[S].lock other than "absent" (the payload
 * quoted, cut) or "kept" (an unlocked file of a kernel lock, which stays by
 * design), and any holder in final.leaked (still running after it was
 * told to exit), fail; the kernel's word on why it did not go (its threads'
 * states and where they sleep, final.leakedState) is said with it.
 */
#include "check/checkers.h"

#include <string.h>

void check_leak(const struct model *m, struct verdicts *out)
{
	jv sessions = jvx_get(m->final, "sessions"), leaked, why;
	int i, n;

	if (jv_get_kind(sessions) == JV_KIND_OBJECT) {
		jv_object_foreach(sessions, key, val)
		{
			const char *lock = jvx_cstr(val, "lock");
			const char *payload = jvx_cstr(val, "payload");
			char cut[121]; /* a planted payload can be 10 MB */

			snprintf(cut, sizeof(cut), "%s", payload ? payload : "");
			if (lock && strcmp(lock, "absent") &&
			    strcmp(lock, "kept"))
				verdict_fail(out, m->t_end, -1,
					     "%s.jsonl.lock left behind (%s%s%s)",
					     jv_string_value(key), lock,
					     payload ? ": " : "", cut);
			jv_free(key);
			jv_free(val);
		}
	}
	jv_free(sessions);
	leaked = jvx_get(m->final, "leaked");
	why = jvx_get(m->final, "leakedState");
	if (jv_get_kind(leaked) == JV_KIND_ARRAY &&
	    (n = jv_array_length(jv_copy(leaked))) > 0) {
		jv names = jv_string("");

		for (i = 0; i < n; i++) {
			jv name = jv_array_get(jv_copy(leaked), i);

			if (i)
				names = jv_string_append_str(names, ", ");
			if (jv_get_kind(name) == JV_KIND_STRING) {
				const char *state =
					jvx_cstr(why, jv_string_value(name));

				names = jv_string_append_str(
					names, jv_string_value(name));
				if (state)
					names = jv_string_concat(
						names,
						jv_string_fmt(" (%s)", state));
			}
			else
				names = jv_string_concat(
					names, jv_dump_string(jv_copy(name), 0));
			jv_free(name);
		}
		verdict_fail(out, m->t_end, -1,
			     "holder%s still running after the end: %s",
			     n > 1 ? "s" : "", jv_string_value(names));
		jv_free(names);
	}
	jv_free(leaked);
	jv_free(why);
}
