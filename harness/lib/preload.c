/*
 * preload.c - where the preloaded libraries are (preload.h).
 */
#include "lib/preload.h"
#include "lib/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Debian's libfaketime package, by architecture, then a local build. */
static const char *const faketime_places[] = {
	"/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
	"/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
	"/usr/lib/i386-linux-gnu/faketime/libfaketimeMT.so.1",
	"/usr/lib/arm-linux-gnueabihf/faketime/libfaketimeMT.so.1",
	"/usr/lib/faketime/libfaketimeMT.so.1",
	"/usr/local/lib/faketime/libfaketimeMT.so.1",
};

const char *preload_faketime_lib(void)
{
	const char *env = getenv("LOCKCHAOS_FAKETIME_LIB");
	size_t i;

	if (env && *env)
		return access(env, R_OK) == 0 ? env : NULL;
	for (i = 0; i < sizeof(faketime_places) / sizeof(faketime_places[0]);
	     i++)
		if (access(faketime_places[i], R_OK) == 0)
			return faketime_places[i];
	return NULL;
}

char *preload_build_lib(const char *name)
{
	char exe[PATH_MAX], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int up;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (up = 0; up < 3; up++) {
		slash = strrchr(exe, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
		path = xasprintf("%s/%s", *exe ? exe : "/", name);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return NULL;
}

const char *const preload_wrap[] = {
	"sh", "-c",
	"LD_PRELOAD=\"$" PRELOAD_ENV "${LD_PRELOAD:+ $LD_PRELOAD}\"; "
	"export LD_PRELOAD; exec \"$@\"",
	"lockchaos-preload", NULL,
};
