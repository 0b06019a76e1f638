/*
 * faults.c - the fault table: every fault the language knows, in the order
 * help and errors list them. A new fault is a file of faults/ defining its
 * row(s), and one line here.
 */
#include "faults/faults.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

extern const struct fault fault_kill, fault_term, fault_signal;
extern const struct fault fault_freeze, fault_thaw, fault_spin;
extern const struct fault fault_recycle, fault_failpoint, fault_damage;
extern const struct fault fault_zombie, fault_reap, fault_clock;
extern const struct fault fault_jitter;

const struct fault *const fault_table[] = {
	&fault_kill,	  /* signal.c */
	&fault_term,	  /* signal.c */
	&fault_signal,	  /* signal.c */
	&fault_freeze,	  /* freeze.c */
	&fault_thaw,	  /* freeze.c */
	&fault_zombie,	  /* zombie.c */
	&fault_reap,	  /* zombie.c */
	&fault_recycle,	  /* recycle.c */
	&fault_failpoint, /* failpoint.c */
	&fault_damage,	  /* damage.c */
	&fault_clock,	  /* clock.c */
	&fault_jitter,	  /* jitter.c */
	&fault_spin,	  /* freeze.c: recorded by the `spin` operation */
	NULL
};

const struct fault *fault_find(const char *name)
{
	int i;

	for (i = 0; name && fault_table[i]; i++)
		if (!strcmp(fault_table[i]->name, name))
			return fault_table[i];
	return NULL;
}

const char *fault_ev_str(jv ev, const char *k)
{
	jv v = jv_object_get(jv_copy(ev), jv_string(k));
	const char *s = NULL;

	/* The string lives on in ev, which holds a reference of its own. */
	if (jv_get_kind(v) == JV_KIND_STRING)
		s = jv_string_value(v);
	jv_free(v);
	return s;
}

double fault_ev_num(jv ev, const char *k, double def)
{
	jv v = jv_object_get(jv_copy(ev), jv_string(k));
	double n = jv_get_kind(v) == JV_KIND_NUMBER ? jv_number_value(v) : def;

	jv_free(v);
	return n;
}

const struct fault *fault_of_event(jv ev)
{
	return fault_find(fault_ev_str(ev, "fault"));
}

char *fault_describe(jv ev, int brief)
{
	const struct fault *f = fault_of_event(ev);
	const char *name = fault_ev_str(ev, "fault");
	const char *target = fault_ev_str(ev, "target");

	if (f && f->describe)
		return f->describe(ev, brief);
	if (brief)
		return xasprintf("%s", name ? name : "fault");
	return xasprintf("fault %s on %s", name ? name : "?",
			 target ? target : "?");
}

int fault_key_index(const struct fault *f, const char *name)
{
	int i;

	for (i = 0; f->keys[i].name; i++)
		if (!strcmp(f->keys[i].name, name))
			return i;
	return -1;
}

static const char *const arg_kind_names[] = {
	[FAULT_ARG_HOLDER] = "holder",	   [FAULT_ARG_SESSION] = "session",
	[FAULT_ARG_CHOICE] = "one of",	   [FAULT_ARG_DURATION] = "duration",
	[FAULT_ARG_ERRNO] = "errno",	   [FAULT_ARG_POINT] = "failpoint",
	[FAULT_ARG_OWNER] = "init, dead or a holder",
	[FAULT_ARG_FLAG] = "flag",	   [FAULT_ARG_TEXT] = "text",
};

void fault_help(FILE *fp, int brief)
{
	int i;

	for (i = 0; fault_table[i]; i++) {
		const struct fault *f = fault_table[i];
		const struct fault_key *k;

		if (!f->inject)
			continue;
		fprintf(fp, "%s%s %s\n    %s%s\n", brief ? "  " : "", f->name,
			f->synopsis, brief ? "  " : "", f->help);
		for (k = f->keys; !brief && k->name; k++) {
			fprintf(fp, "    %-10s %s", k->meta ? k->meta : k->name,
				k->help);
			if (k->kind == FAULT_ARG_CHOICE) {
				char *all = NULL;
				size_t len = 1;
				int c;

				for (c = 0; k->choices[c]; c++)
					len += strlen(k->choices[c]) + 1;
				all = xcalloc(1, len);
				for (c = 0; k->choices[c]; c++) {
					if (c)
						strcat(all, " ");
					strcat(all, k->choices[c]);
				}
				fprintf(fp, " (%s)", all);
				free(all);
			} else if (k->kind != FAULT_ARG_FLAG) {
				fprintf(fp, " [%s]", arg_kind_names[k->kind]);
			}
			if (k->def_text)
				fprintf(fp, "; default %s", k->def_text);
			fputc('\n', fp);
		}
	}
}
