/*
 * supervise.h - containment: a sandbox per scenario run, holders in it.
 *
 * A sandbox is a private PID and mount namespace (where the machine allows)
 * whose pid 1 is a tiny init of ours: it reaps orphans and serves PID
 * recycling requests, since only a process inside a PID namespace can set
 * that namespace's /proc/sys/kernel/ns_last_pid. Holders are children of the
 * calling process (the scenario worker) but live in the namespace. When the
 * worker dies, init dies (PR_SET_PDEATHSIG) and the kernel kills everything
 * left in the namespace: nothing outlives the harness, even after SIGKILL.
 * Without namespaces (no privilege) holders share the worker's process
 * group, which the worker kills at the end; PID recycling is then refused.
 */
#ifndef LOCKCHAOS_SUPERVISE_H
#define LOCKCHAOS_SUPERVISE_H

#include <sys/types.h>

struct sandbox {
	int pidns;	/* 1: holders run in a private PID namespace */
	pid_t init_pid; /* the namespace's init, as the worker sees it */
	int init_fd;	/* socket to init; -1 without a namespace */
	int host_pidns; /* the PID namespace we came from, to fork in again
			   once the sandbox's is gone; -1 */
};
#define SANDBOX_INIT { 0, 0, -1, -1 }

/*
 * Sets up the sandbox in the calling process. With `want_pidns` it tries a
 * PID+mount namespace and falls back to a process group when that is not
 * allowed (sb->pidns says which; *why, when not NULL, says why not). Call
 * once per process, before starting holders. Returns 0, or -1 with *err.
 */
int sandbox_enter(struct sandbox *sb, int want_pidns, char **why, char **err);

/*
 * Gives `pid` (a pid inside the namespace, free now: its owner is dead and
 * reaped) to a new unrelated process (`sleep`). Returns 0 and sets
 * *impostor to the pid it got, which the caller must compare with `pid`;
 * -1 with *err when there is no namespace or the kernel would not.
 */
int sandbox_recycle(struct sandbox *sb, pid_t pid, pid_t *impostor,
		    char **err);

/* Kills every process of the sandbox and reaps the worker's children.
 * Children forked afterwards (a jq program's, say) are born in the PID
 * namespace the caller came from: the sandbox's is dead, and fork() there
 * fails with ENOMEM. */
void sandbox_sweep(struct sandbox *sb);

struct holder_proc {
	pid_t pid;	/* as the worker sees it (waitpid, kill) */
	int in_fd;	/* its stdin, ours to write */
	int out_fd;	/* its stdout, ours to read */
	int err_fd;	/* its stderr, ours to read */
};
#define HOLDER_PROC_INIT { 0, -1, -1, -1 }

/*
 * Starts argv[0] (looked up in PATH) in directory `dir` with `env` added to
 * the environment ("NAME=value" strings, NULL-terminated). The child dies
 * with the worker; with `own_group` it leads a new process group. After
 * sandbox_enter() gave a PID namespace the holder is also confined: a
 * mount namespace of its own where everything but `dir` is read-only, and
 * without the capabilities that would undo that (mount, ptrace, devices:
 * supervise.c escape_caps), so a holder cannot write outside its folder
 * whoever runs lockchaos. Returns 0, or -1 with
 * *err naming the program and the
 * reason (exec failures are reported by the child over a close-on-exec
 * pipe, so "no such file" is an error here, not a silent exit 127).
 */
int holder_start(struct holder_proc *hp, char *const argv[],
		 char *const env[], const char *dir, int own_group, char **err);

/* SIGKILL to the holder and, if it leads one, its process group. */
void holder_kill_group(struct holder_proc *hp);

/* Closes the holder's pipes (does not kill it). */
void holder_close(struct holder_proc *hp);

/* pid as seen inside the namespace (NSpid in /proc/PID/status), or `pid`. */
pid_t pid_inner(pid_t pid);

/* Field 22 of /proc/PID/stat, or -1. */
long long proc_starttime(pid_t pid);

/* Process state letter of /proc/PID/stat ('R', 'S', 'T', 'Z' ...), or 0. */
char proc_state(pid_t pid);

#endif
