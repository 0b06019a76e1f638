/*
 * scenario.c - a parsed scenario: load, look up, clear.
 *
 * The language itself is read by lexer.c (words and values), parser.c
 * (statements), fault_stmt.c (faults, from the fault table) and
 * expect_stmt.c (expectations).
 */
#include "scenario/scenario.h"
#include "lib/util.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *step_name(const struct scn_step *st)
{
	switch (st->kind) {
	case STEP_OP:
		return "op";
	case STEP_FAULT:
		return st->fault->name;
	case STEP_WAIT:
		return "wait";
	case STEP_AWAIT:
		return "await";
	case STEP_LOOK:
		return "look";
	}
	return "?";
}

const struct scn_arg *scn_step_arg(const struct scn_step *st,
				   const char *key)
{
	int i;

	if (st->kind != STEP_FAULT)
		return NULL;
	i = fault_key_index(st->fault, key);
	return i < 0 ? NULL : &st->args[i];
}

int scenario_load(struct scenario *s, const char *path, char **err)
{
	size_t len;
	char *text = read_file(path, SCENARIO_MAX_BYTES, &len);
	int rc;

	if (!text) {
		*err = xasprintf("cannot read '%s': %s", path,
				 strerror(errno));
		return -1;
	}
	/* read_file stops at its limit: a longer file would be judged in
	 * part, its later expectations and errors unseen. */
	if (len >= SCENARIO_MAX_BYTES) {
		struct stat st;

		if (stat(path, &st) || st.st_size > (off_t)len) {
			*err = xasprintf("%s: more than %d bytes: a scenario "
					 "file this big is refused, never "
					 "judged in part",
					 path, SCENARIO_MAX_BYTES);
			free(text);
			return -1;
		}
	}
	if (strlen(text) != len) {
		*err = xasprintf("%s: NUL byte in file", path);
		free(text);
		return -1;
	}
	rc = scenario_parse_errors(s, path, text, SCENARIO_MAX_ERRORS, err);
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
	int i, k;

	free(s->file);
	free(s->title);
	free(s->speed_off);
	for (i = 0; i < s->nr_tags; i++)
		free(s->tags[i]);
	free(s->tags);
	for (i = 0; i < s->nr_holders; i++) {
		free(s->holders[i].name);
		free(s->holders[i].ns);
	}
	free(s->holders);
	for (i = 0; i < s->nr_steps; i++) {
		struct scn_step *st = &s->steps[i];

		free(st->text);
		free(st->holder);
		free(st->session);
		free(st->lane);
		free(st->msg);
		free(st->label);
		free(st->await_why);
		free(st->await_level);
		free(st->await_contains);
		for (k = 0; k < st->nr_opts; k++) {
			free(st->opts[k].key);
			free(st->opts[k].value);
		}
		free(st->opts);
		for (k = 0; k < FAULT_MAX_KEYS; k++)
			free(st->args[k].str);
	}
	free(s->steps);
	for (i = 0; i < s->nr_expects; i++) {
		struct scn_expect *e = &s->expects[i];

		free(e->text);
		free(e->label);
		free(e->reason);
		free(e->session);
		free(e->owner);
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
