/*
 * fuzz_scenario.c - libFuzzer target: the scenario parser on any bytes, as
 * `lockchaos run` calls it (scenario_parse_errors: it goes on after a bad
 * line, up to SCENARIO_MAX_ERRORS). It must return 0 or -1 with a message,
 * never crash, leak or run away; a valid parse is cleared like any other.
 */
#include "scenario/scenario.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct scenario s;
	char *err = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	scenario_init(&s);
	if (scenario_parse_errors(&s, "fuzz.scn", text, SCENARIO_MAX_ERRORS,
				  &err) &&
	    !err)
		abort(); /* an error must say what */
	scenario_clear(&s);
	free(err);
	free(text);
	return 0;
}
