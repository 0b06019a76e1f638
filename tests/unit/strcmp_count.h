/*
 * strcmp_count.h - a test binary's own strcmp, counting its calls: a
 * look-up's cost measured in compares (the scale tests: at most so many
 * more for 4 times the holders), never in time. Include it in one test
 * file per binary; it defines strcmp, which the harness's objects linked
 * into that binary then call.
 */
#ifndef LOCKCHAOS_STRCMP_COUNT_H
#define LOCKCHAOS_STRCMP_COUNT_H

#include <string.h>

static unsigned long strcmp_calls;

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	strcmp_calls++;
	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

#endif
