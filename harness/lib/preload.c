/*
 * preload.c - where the preloaded libraries are (preload.h).
 */
#include "lib/preload.h"
#include "lib/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *preload_build_lib(const char *name)
{
	char exe[PATH_MAX], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int up;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash) {
		path = xasprintf("%.*s/../libexec/lockchaos/%s",
				 (int)(slash - exe), exe, name);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
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
