/*
 * fuzz_check.c - libFuzzer target: the checkers (check_history) on a
 * history.jsonl made of any bytes: one JSON value per line, lines that do
 * not parse left out. Verdicts come out; nothing may crash or leak.
 */
#include "check/check.h"

#include <jv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	jv hist = jv_array(), verdicts;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		jv v = jv_parse_sized(p, (int)len);

		if (jv_is_valid(v))
			hist = jv_array_append(hist, v);
		else
			jv_free(v);
		p += len + 1;
	}
	if (check_history(hist, NULL, &verdicts) < -1)
		abort();
	jv_free(verdicts);
	jv_free(hist);
	return 0;
}
