/*
 * preload.c - where the preloaded libraries are (preload.h).
 */
#include "lib/preload.h"
#include "lib/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The executable's path, read at start: a scenario's worker has the PID
 * namespace's /proc after its first run, where /proc/self names nothing.
 * Read later, a timing verdict's re-run (run.c) found no
 * lockchaos-speed.so and ran in real time (make check under a soak,
 * speed-verdicts). "" when it could not be read. */
static char exe_at_start[PATH_MAX];

__attribute__((constructor)) static void preload_find_exe(void)
{
	ssize_t n = readlink("/proc/self/exe", exe_at_start,
			     sizeof(exe_at_start) - 1);

	exe_at_start[n > 0 ? n : 0] = '\0';
}

char *preload_build_lib(const char *name)
{
	char exe[PATH_MAX], *slash, *path;
	int up;

	if (!*exe_at_start)
		return NULL;
	memcpy(exe, exe_at_start, sizeof(exe));
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
