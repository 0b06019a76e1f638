/*
 * watch.h - what a lock file's bytes say about its owner, as the kernel
 * view (watch.c, the `fs` events of docs/history.md) and check-holder read
 * them.
 */
#ifndef LOCKCHAOS_WATCH_H
#define LOCKCHAOS_WATCH_H

#include <stddef.h>

/* Linux's PID_MAX_LIMIT: a payload's pid beyond it names no process. */
#define WATCH_PID_MAX 4194304

/* The pid a pid-file lock names: `buf` (len bytes) is a decimal pid in
 * 1..WATCH_PID_MAX alone, with blanks around it and a line end ("1234\n",
 * " 1234\n" as nightlyone/lockfile, liblockfile's L_PID and zc.lockfile
 * write it). 0 for anything else ("0\n", "12a", "1e3", "", "-5"). */
long watch_pidfile_pid(const char *buf, size_t len);

/* The pid a lock file's bytes name, as the kernel view reads them: a JSON
 * object's whole `pid` in 1..WATCH_PID_MAX, or a pid file
 * (watch_pidfile_pid). 0 when they name none. At most 4096 bytes are
 * looked at (longer: 0). The hello capability `pidPayload` promises this
 * is the holder's own pid while it holds (check-holder checks it). */
long watch_owner_pid(const char *buf, size_t len);

#endif
