/*
 * fuzz_scenario.c - libFuzzer target: the scenario parser (scenario_parse)
 * on any bytes. It must return 0 or -1 with a message, never crash, leak
 * or run away; a valid parse is cleared like any other.
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
	if (scenario_parse(&s, "fuzz.scn", text, &err) && !err)
		abort(); /* an error must say what */
	scenario_clear(&s);
	free(err);
	free(text);
	return 0;
}
