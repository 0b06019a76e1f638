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
 * A PID namespace nested in the sandbox's, for the holders a scenario puts
 * in a container of their own (`holder A B ns=c1`). Its pid 1 is an init of
 * ours: it reaps the namespace's orphans and sets its ns_last_pid on
 * request (`pid=7`, `recycle`); holders started in it are still the
 * worker's children (waitpid, signals, zombies as anywhere). Killing the
 * sandbox kills the namespace and all of it.
 */
struct pidns {
	const char *name;	/* the scenario's name for it; borrowed */
	pid_t init_pid;		/* its init, as the sandbox's /proc shows it */
	int init_fd;		/* socket to its init; -1 */
	int ns_fd;		/* the namespace (/proc/<init>/ns/pid); -1 */
	unsigned long long ino; /* its inode: the namespace's identity, as
				   /proc/self/ns/pid shows it inside */
};
#define PIDNS_INIT { NULL, 0, -1, -1, 0 }

/*
 * Creates namespace `name` (borrowed) in the sandbox (which must have a
 * PID namespace) and fills *ns. 0, or -1 with *err. pidns_close() ends it
 * (its init exits when its socket closes; sandbox_sweep() kills it anyway).
 */
int sandbox_pidns_new(struct sandbox *sb, struct pidns *ns, const char *name,
		      char **err);
void pidns_close(struct pidns *ns);

/*
 * Makes the next process forked into namespace `ns` (NULL: the sandbox's)
 * get `pid`: its init sets ns_last_pid to pid-1. The caller forks at once
 * and checks (holder_start_in's want_pid): a thread of a holder may take it
 * first. 0, -2 with *err when the pid is in use (a short-lived process
 * may hold it: try again), or -1 with *err (no namespace ...).
 */
int sandbox_next_pid(struct sandbox *sb, const struct pidns *ns, pid_t pid,
		     char **err);

/*
 * Gives `pid` (a pid inside namespace `ns`, NULL: the sandbox's; free now:
 * its owner is dead and reaped) to a new unrelated process (`sleep`).
 * Returns 0 and sets *impostor to the pid it got there, which the caller
 * must compare with `pid`; -1 with *err when there is no namespace or the
 * kernel would not.
 */
int sandbox_recycle(struct sandbox *sb, const struct pidns *ns, pid_t pid,
		    pid_t *impostor, char **err);

/* The PID namespace inode of `pid` (a pid of the sandbox's /proc), or 0. */
unsigned long long pidns_ino_of(pid_t pid);

/* The pid in the sandbox's /proc of the process that is `inner` in the
 * namespace of inode `ino`, or 0 (a scan of /proc: a few dozen entries in
 * a sandbox). */
pid_t pidns_outer_pid(unsigned long long ino, pid_t inner);

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

/*
 * holder_start, in namespace `ns` (NULL: the sandbox's) and, when want_pid
 * > 0, as that pid there (after sandbox_next_pid). A holder in a namespace
 * of its own also gets that namespace's /proc. Returns 0, -1 with *err, or
 * -2 with *err when another process took want_pid first (try again).
 */
int holder_start_in(struct holder_proc *hp, char *const argv[],
		    char *const env[], const char *dir, int own_group,
		    const struct pidns *ns, pid_t want_pid, char **err);

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

/* 1 when PID is exiting: PF_EXITING in its /proc/PID/stat flags, or a
 * zombie (it went; only the kernel's teardown or a reap is left). */
int proc_exiting(pid_t pid);

#endif
