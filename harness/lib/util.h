/*
 * util.h - small helpers shared by the harness modules: clock, memory,
 * strings, files. Allocation failure aborts (a test harness that runs out
 * of memory has nothing sensible left to report).
 */
#ifndef LOCKCHAOS_UTIL_H
#define LOCKCHAOS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdarg.h>
#include <stdio.h>

/* CLOCK_MONOTONIC in microseconds: the clock holders stamp events with. */
int64_t mono_us(void);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Grow *arr (of element size `sz`) so that it holds at least `nr` items. */
#define ALLOC_GROW(arr, nr, alloc)                                           \
	do {                                                                 \
		if ((size_t)(nr) > (size_t)(alloc)) {                        \
			size_t grow_ = (size_t)(alloc) ? (size_t)(alloc) * 2 \
						       : 8;                  \
			if (grow_ < (size_t)(nr))                            \
				grow_ = (size_t)(nr);                        \
			(alloc) = grow_;                                     \
			(arr) = xrealloc((arr), grow_ * sizeof(*(arr)));     \
		}                                                            \
	} while (0)

/* mkdir -p; 0 or -1 with errno set. */
int mkdir_p(const char *path, int mode);
/*
 * rm -rf of a folder we created, which holders may have filled with
 * anything. Works through directory fds (openat2 with RESOLVE_NO_XDEV |
 * RESOLVE_NO_SYMLINKS, unlinkat): never follows a symlink, never enters
 * another mount (a bind mount of the same filesystem included) and leaves
 * such a mount point, and folders nested deeper than 128, in place. A
 * `path` that is not a directory is unlinked itself. 0, or -1 with errno
 * (EXDEV: a mount point was left, EBUSY ...) when something was left.
 */
int remove_tree(const char *path);
/*
 * Opens `name` relative to `dirfd` (AT_FDCWD: a path) for what a session
 * folder may hold: O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC are added to `flags`
 * (pass O_CREAT | O_EXCL to create), so neither a symlink nor a FIFO planted
 * there can redirect or block the caller, and anything that is not a
 * regular file is refused. The fd is blocking again on return. fd, or -1
 * with errno: ELOOP a symlink, EINVAL another file type (file_type_name()
 * on an lstat says which), ENXIO a FIFO opened for writing.
 */
int open_regular_at(int dirfd, const char *name, int flags, int mode);
/* Does anybody hold a kernel lock on the regular file at `path`: a
 * flock(2) lock (a shared try fails) or a record lock (F_OFD_GETLK finds
 * one)? Opened as open_regular_at() does. 1 locked, 0 not, -1 with errno
 * when it cannot be opened. */
int file_kernel_locked(const char *path);
/* "FIFO", "symlink", "directory" ... for a st_mode. */
const char *file_type_name(int mode);
/* Reads a whole regular file (up to `max` bytes) into a NUL-terminated
 * buffer, opened as open_regular_at() does. NULL with errno set on failure;
 * *len gets the byte count. */
char *read_file(const char *path, size_t max, size_t *len);
/* Writes `len` bytes to `path` (created 0644, truncated), opened as
 * open_regular_at() does: never through a symlink, never into a FIFO.
 * 0, or -1 with errno set and no file left at `path`. */
int write_file(const char *path, const void *buf, size_t len);

/*
 * Length (1-4) of the valid UTF-8 sequence at s (n bytes left), or 0 when
 * the bytes there are not valid UTF-8 (overlong, surrogate, cut short ...).
 */
size_t utf8_seq_len(const char *s, size_t n);
/*
 * Writes text that came from outside (a holder, a file) onto one line of a
 * line-based report (TAP): newline, CR, tab and other control bytes become
 * \n, \r, \t, \xHH, and so do bytes that are not valid UTF-8, so nothing
 * in `s` can start a line of its own. At most `max` bytes of `s` are
 * written, then "...".
 */
void fput_oneline(FILE *out, const char *s, size_t max);

/*
 * Parses a duration: "500ms", "2s", "1.5s", "1m", or a bare number of
 * milliseconds. 0 and *ms set, or -1 when it is not a duration.
 */
int parse_duration_ms(const char *s, int64_t *ms);

/* The errno called `name` ("EIO", "ENOSPC") or a number; -1 if unknown. */
int errno_from_name(const char *name);

/*
 * The names of `names` (n of them) nearest to `word` by edit distance
 * (Levenshtein; a name that starts with `word` counts as near), at most
 * `max` of them, as "a, b, c" (malloc'ed); NULL when none is close enough
 * to be a plausible typo (more than 2 + length/8 edits). For "did you
 * mean" in error messages.
 */
char *nearest_names(const char *word, const char *const *names, size_t n,
		    size_t max);
/* Levenshtein distance between two short words (O(len a x len b)). */
size_t edit_distance(const char *a, const char *b);

/* splitmix64: the harness's one PRNG, so that a seed replays a run. */
uint64_t prng_next(uint64_t *state);

/*
 * Raises this process's RLIMIT_NOFILE soft limit to its hard limit (every
 * holder costs the worker that runs it three pipes; see RUN_FDS_PER_HOLDER
 * in run/run.h). Returns the soft limit in force afterwards (raised or
 * not), or -1 when getrlimit fails. Never lowers it.
 */
long nofile_raise(void);

/*
 * fork(), tried again for up to about 5 s while it fails for want of
 * memory or processes (ENOMEM, EAGAIN): beside the soak's memory stressor
 * an `assert jq`'s fork failed "Cannot allocate memory" and the assertion
 * was failed for it, and a holder's start made a run an ERROR. Returns
 * what fork() returned last.
 */
pid_t fork_patient(void);

/* The same patience for any way of starting a process: start(arg) is
 * called again while it returns < 0 with errno ENOMEM or EAGAIN. */
pid_t start_patient(pid_t (*start)(void *arg), void *arg);

/*
 * Closes `fd` on a thread of its own and returns at once; the thread ends
 * when close() returns. For an fd whose last close waits on the kernel and
 * whose end nobody waits for: an inotify instance's close waits until its
 * watches are freed after an RCU grace period, 0.1 to 45 ms beside make
 * soak (watch.c). The thread blocks every signal. The process's exit still
 * waits for it. 0, or -1 when no thread could be made (a process that
 * unshared a PID namespace cannot make one): then `fd` was closed here.
 */
int close_behind(int fd);

/*
 * An index of names to numbers (>= 0): a holder, a session by its name in
 * O(1) expected, where a walk over all of them per statement, step or
 * event made the parser, the estimate, the checkers and the runner
 * quadratic in holders (issue 13). Names are borrowed (they must outlive
 * the index) and compared as strings; NULL is never stored nor found.
 * Zero-initialised is empty; name_index_clear frees it.
 */
struct name_index {
	struct name_slot {
		const char *name;
		int val;
	} *slot;
	size_t size, n; /* size: a power of two (at most half full), or 0 */
};

/* Puts `val` under `name`; returns the value it replaces, or -1 when
 * there was none (or name is NULL: nothing stored). */
int name_index_put(struct name_index *x, const char *name, int val);
/* The value under `name`, or -1. */
int name_index_get(const struct name_index *x, const char *name);
void name_index_clear(struct name_index *x);

#endif
