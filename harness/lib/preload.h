/*
 * preload.h - libraries preloaded into holders (LD_PRELOAD) for the
 * scenario's accelerated clock (`speed N`, run/speed.c): the ones
 * lockchaos builds next to itself. (libfaketime itself is found by
 * clock_faketime_lib, faults/faults.h.)
 *
 * A holder started under `fiu-run -x` gets LD_PRELOAD from fiu-run, which
 * replaces whatever the environment held; preload_wrap() puts a small
 * `sh -c` after it that adds ours back in front.
 */
#ifndef LOCKCHAOS_PRELOAD_H
#define LOCKCHAOS_PRELOAD_H

/* The environment variable preload_wrap()'s shell reads the list from. */
#define PRELOAD_ENV "LOCKCHAOS_PRELOAD"

/*
 * `name` built next to the lockchaos executable (build/NAME), or one or
 * two folders up (a unit test runs from build/tests/PART/), or installed
 * (BIN/../libexec/lockchaos/NAME, as `make install` puts it). Malloc'ed
 * path, or NULL when there is none.
 */
char *preload_build_lib(const char *name);

/*
 * The words that, put between a wrapper that sets LD_PRELOAD (fiu-run)
 * and the holder's command, prepend $PRELOAD_ENV to LD_PRELOAD and exec
 * the command: {"sh", "-c", SCRIPT, "lockchaos-preload", NULL}. Static.
 */
extern const char *const preload_wrap[];
#define PRELOAD_WRAP_WORDS 4

#endif
