/*
 * supervise.c - sandboxes and holder processes; see supervise.h.
 *
 * After fork, children say nothing themselves: only async-signal-safe calls
 * until exec, and an exec failure goes back to the parent as an errno over
 * a close-on-exec pipe.
 */
#include "sandbox/supervise.h"
#include "lib/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Set by sandbox_enter when holders run in a private PID and mount
 * namespace: holder_start then confines each holder (confine_child). */
static int confine_holders;
/* The sandbox's PID namespace: where holder_start forks again after a
 * holder started in a namespace of its own. -1 without a sandbox. */
static int sandbox_ns_fd = -1;
/* The PID namespace this process was in before its first sandbox */
static int host_ns_fd = -1;

/* ---- init: pid 1 of the namespace ---------------------------------------- */

static void init_reply(int fd, const char *s)
{
	ssize_t r = write(fd, s, strlen(s));

	(void)r;
}

/*
 * Forks until a child gets `want`: set ns_last_pid to want-1, fork, and
 * retry when something else (a thread of a holder, say) took the pid first.
 */
static pid_t init_recycle(pid_t want)
{
	int attempt;

	for (attempt = 0; attempt < 50; attempt++) {
		char buf[32];
		int fd, len;
		pid_t pid;

		if (kill(want, 0) == 0 || errno != ESRCH)
			return -EBUSY; /* still in use, or a zombie */
		fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		len = snprintf(buf, sizeof(buf), "%d", (int)want - 1);
		if (write(fd, buf, (size_t)len) != len) {
			int e = errno;

			close(fd);
			return -e;
		}
		close(fd);
		pid = fork();
		if (pid < 0)
			return -errno;
		if (pid == 0) {
			if (getpid() != want)
				_exit(0);
			/* An unrelated program: what a recycled pid is in
			 * the field. Its start time differs from the dead
			 * holder's, which is what a correct lock compares. */
			execl("/bin/sleep", "sleep", "3600", (char *)NULL);
			for (;;)
				pause();
		}
		if (pid == want)
			return pid;
		waitpid(pid, NULL, 0);
	}
	return -EAGAIN;
}

/*
 * Sets the namespace's ns_last_pid to want-1, so that the next process
 * forked into it gets `want` (unless something else forks first: the
 * caller checks). 0, or -errno; -EBUSY when `want` is in use.
 */
static int init_next(pid_t want)
{
	char buf[32];
	int fd, len;

	if (want < 2)
		return -EINVAL;
	if (kill(want, 0) == 0 || errno != ESRCH)
		return -EBUSY;
	fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%d", (int)want - 1);
	if (write(fd, buf, (size_t)len) != len) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	return 0;
}

/*
 * pid 1 of a namespace: reaps orphans, answers `recycle N` and `next N` on
 * `fd`, and ends when the worker closes it. The sandbox's init (`is_root`)
 * also mounts the namespace's /proc for the worker and dies with it
 * (PR_SET_PDEATHSIG); a holder namespace's init (sandbox_pidns_new) is
 * orphaned at birth and mounts nothing: the worker's /proc stays the
 * sandbox's, where every nested namespace's processes show too.
 */
static void init_main(int fd, int is_root)
{
	char buf[128];
	size_t used = 0;

	if (is_root)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, is_root ? "lockchaos-init" : "lockchaos-nsinit");
	/* Holders share its PID namespace but not its mounts: without
	 * CAP_SYS_PTRACE they cannot reach its memory or /proc/1/root. */
	prctl(PR_SET_DUMPABLE, 0);
	if (is_root && mount("proc", "/proc", "proc",
			     MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		snprintf(buf, sizeof(buf), "err cannot mount /proc: %s\n",
			 strerror(errno));
		init_reply(fd, buf);
		_exit(1);
	}
	init_reply(fd, "ready\n");
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char *nl;
		ssize_t r;

		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		r = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (r <= 0)
			_exit(0); /* the worker is gone: the namespace goes */
		used += (size_t)r;
		buf[used] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			char reply[96];
			int want;

			*nl = '\0';
			if (sscanf(buf, "recycle %d", &want) == 1) {
				pid_t got = init_recycle(want);

				if (got > 0)
					snprintf(reply, sizeof(reply),
						 "ok %d\n", (int)got);
				else
					snprintf(reply, sizeof(reply),
						 "err %s\n", strerror(-got));
			} else if (sscanf(buf, "next %d", &want) == 1) {
				int e = init_next(want);

				if (!e)
					snprintf(reply, sizeof(reply),
						 "ok %d\n", want);
				else if (e == -EBUSY)
					snprintf(reply, sizeof(reply),
						 "err pid %d is in use\n",
						 want);
				else
					snprintf(reply, sizeof(reply),
						 "err %s\n", strerror(-e));
			} else {
				snprintf(reply, sizeof(reply),
					 "err unknown request\n");
			}
			init_reply(fd, reply);
			used -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, used + 1);
		}
		if (used == sizeof(buf) - 1)
			used = 0;
	}
}

/* How long a namespace init of ours may take to answer: it is our own
 * code, and a dead one is seen at once (end of file), so only a machine
 * that does not run it makes it late: beside the soak two runs of one
 * make check failed "namespace init failed: no answer" at the old 5 s. */
#define INIT_REPLY_MS 60000

static int read_reply(int fd, char *buf, size_t size, int timeout_ms)
{
	size_t used = 0;
	int64_t end = mono_us() + (int64_t)timeout_ms * 1000;

	while (used < size - 1) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = (end - mono_us()) / 1000;
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		r = read(fd, buf + used, 1);
		if (r <= 0)
			return -1;
		if (buf[used] == '\n') {
			buf[used] = '\0';
			return 0;
		}
		used++;
	}
	return -1;
}

int sandbox_enter(struct sandbox *sb, int want_pidns, char **why, char **err)
{
	int sv[2];
	char buf[160];
	pid_t pid;

	*err = NULL;
	if (why)
		*why = NULL;
	sb->pidns = 0;
	sb->init_fd = -1;
	sb->init_pid = 0;
	sb->host_pidns = -1;
	if (!want_pidns)
		return 0;
	/* The namespace to come back to: the process's own, opened once. A
	 * second entry would open it through the last sandbox's /proc, where
	 * this process has no pid ("self" is missing): the way back was
	 * lost, the next unshare failed EINVAL (the children's namespace, the
	 * dead sandbox's, was no longer ours) and a re-run's third try ran
	 * with no sandbox, its holders' forks failing ENOMEM. */
	if (host_ns_fd < 0)
		host_ns_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	sb->host_pidns = host_ns_fd;
	if (unshare(CLONE_NEWPID | CLONE_NEWNS)) {
		if (why)
			*why = xasprintf("cannot create a PID namespace: %s",
					 strerror(errno));
		return 0;
	}
	/* Private propagation first, or mounting /proc below would show in
	 * the host's mount namespace too. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		*err = xasprintf("cannot make mounts private: %s",
				 strerror(errno));
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		*err = xasprintf("cannot create socket pair: %s",
				 strerror(errno));
		return -1;
	}
	pid = fork_patient();
	if (pid < 0) {
		*err = xasprintf("cannot fork init: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		init_main(sv[1], 1);
		_exit(0);
	}
	close(sv[1]);
	sb->init_fd = sv[0];
	sb->init_pid = pid;
	if (read_reply(sb->init_fd, buf, sizeof(buf), INIT_REPLY_MS) ||
	    strcmp(buf, "ready")) {
		*err = xasprintf("namespace init failed: %s",
				 strncmp(buf, "err ", 4) ? "no answer"
							 : buf + 4);
		sandbox_sweep(sb);
		return -1;
	}
	sb->pidns = 1;
	confine_holders = 1;
	/* The worker's /proc is the sandbox's now: its pid 1 is our init.
	 * Kept to come back here after forking into a holder namespace. */
	sandbox_ns_fd = open("/proc/1/ns/pid", O_RDONLY | O_CLOEXEC);
	return 0;
}

/* Sends `req` (a line) to the init on `fd` and reads its answer: 0 with
 * the text after "ok ", or -1 with *err. */
static int init_request(int fd, const char *req, char *reply, size_t n,
			char **err)
{
	size_t len = strlen(req);

	if (fd < 0) {
		*err = xasprintf("no namespace init to ask");
		return -1;
	}
	if (write(fd, req, len) != (ssize_t)len ||
	    read_reply(fd, reply, n, INIT_REPLY_MS)) {
		*err = xasprintf("namespace init did not answer");
		return -1;
	}
	if (strncmp(reply, "ok ", 3)) {
		*err = xasprintf("%s", strncmp(reply, "err ", 4) ? reply
								  : reply + 4);
		return -1;
	}
	memmove(reply, reply + 3, strlen(reply + 3) + 1);
	return 0;
}

int sandbox_recycle(struct sandbox *sb, const struct pidns *ns, pid_t pid,
		    pid_t *impostor, char **err)
{
	char buf[128], req[48];
	char *why = NULL;

	if (!sb->pidns) {
		*err = xasprintf("PID recycling needs a private PID namespace, "
				 "which this machine does not allow");
		return -1;
	}
	snprintf(req, sizeof(req), "recycle %d\n", (int)pid);
	if (init_request(ns ? ns->init_fd : sb->init_fd, req, buf, sizeof(buf),
			 &why)) {
		*err = xasprintf("cannot recycle pid %d: %s", (int)pid, why);
		free(why);
		return -1;
	}
	*impostor = (pid_t)atoi(buf);
	return 0;
}

int sandbox_next_pid(struct sandbox *sb, const struct pidns *ns, pid_t pid,
		     char **err)
{
	char buf[128], req[48];
	char *why = NULL;

	if (!sb->pidns) {
		*err = xasprintf("choosing a pid needs a private PID namespace, "
				 "which this machine does not allow");
		return -1;
	}
	snprintf(req, sizeof(req), "next %d\n", (int)pid);
	if (init_request(ns ? ns->init_fd : sb->init_fd, req, buf, sizeof(buf),
			 &why)) {
		int busy = strstr(why, "is in use") != NULL;

		*err = xasprintf("cannot give pid %d%s%s: %s", (int)pid,
				 ns ? " in namespace " : "",
				 ns && ns->name ? ns->name : "", why);
		free(why);
		return busy ? -2 : -1;
	}
	return 0;
}

int sandbox_pidns_new(struct sandbox *sb, struct pidns *ns, const char *name,
		      char **err)
{
	int sv[2], res[2];
	pid_t mid, init = 0;
	char path[64];
	struct stat st;
	ssize_t r;

	*err = NULL;
	ns->name = name;
	ns->init_fd = ns->ns_fd = -1;
	ns->init_pid = 0;
	ns->ino = 0;
	if (!sb->pidns) {
		*err = xasprintf("a holder namespace needs a private PID "
				 "namespace, which this machine does not "
				 "allow");
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		*err = xasprintf("cannot create socket pair: %s",
				 strerror(errno));
		return -1;
	}
	if (pipe2(res, O_CLOEXEC)) {
		*err = xasprintf("cannot create pipe: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	/*
	 * The worker cannot unshare a PID namespace itself (its children's
	 * namespace is the sandbox's, not its own: EINVAL), so a helper born
	 * in the sandbox does, forks the new namespace's init, says its pid
	 * (as the sandbox sees it) and exits. The init is then the sandbox
	 * init's orphan: killing the sandbox kills it, and every process of
	 * the nested namespace with it.
	 */
	mid = fork_patient();
	if (mid < 0) {
		*err = xasprintf("cannot fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		close(res[0]);
		close(res[1]);
		return -1;
	}
	if (mid == 0) {
		pid_t q;

		close(sv[0]);
		close(res[0]);
		if (unshare(CLONE_NEWPID))
			_exit(126);
		q = fork();
		if (q < 0)
			_exit(126);
		if (q == 0) {
			close(res[1]);
			init_main(sv[1], 0);
			_exit(0);
		}
		r = write(res[1], &q, sizeof(q));
		_exit(r == sizeof(q) ? 0 : 126);
	}
	close(sv[1]);
	close(res[1]);
	do
		r = read(res[0], &init, sizeof(init));
	while (r < 0 && errno == EINTR);
	close(res[0]);
	waitpid(mid, NULL, 0);
	ns->init_fd = sv[0];
	if (r != sizeof(init) || init <= 0 ||
	    read_reply(ns->init_fd, path, sizeof(path), INIT_REPLY_MS) ||
	    strcmp(path, "ready")) {
		*err = xasprintf("cannot create a holder PID namespace");
		pidns_close(ns);
		return -1;
	}
	ns->init_pid = init;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	ns->ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ns->ns_fd < 0 || fstat(ns->ns_fd, &st)) {
		*err = xasprintf("cannot open '%s': %s", path, strerror(errno));
		pidns_close(ns);
		return -1;
	}
	ns->ino = (unsigned long long)st.st_ino;
	return 0;
}

void pidns_close(struct pidns *ns)
{
	if (ns->init_fd >= 0)
		close(ns->init_fd); /* its init ends at end of file */
	if (ns->ns_fd >= 0)
		close(ns->ns_fd);
	ns->init_fd = ns->ns_fd = -1;
}

unsigned long long pidns_ino_of(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	return stat(path, &st) ? 0 : (unsigned long long)st.st_ino;
}

pid_t pidns_outer_pid(unsigned long long ino, pid_t inner)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		pid_t pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (pid_inner(pid) == inner && pidns_ino_of(pid) == ino)
			found = pid;
	}
	closedir(d);
	return found;
}

void sandbox_sweep(struct sandbox *sb)
{
	if (sb->init_pid > 0) {
		pid_t w;

		/* Killing pid 1 of a namespace kills all of it, but the dying
		 * init waits until every process of the namespace is reaped,
		 * and live holders are our children: reap them all, not just
		 * init, or this would hang. */
		kill(sb->init_pid, SIGKILL);
		do
			w = waitpid(-1, NULL, 0);
		while (w != sb->init_pid && (w > 0 || errno == EINTR));
		sb->init_pid = 0;
	}
	/* Without a namespace each holder leads its own process group, and
	 * the runner kills those groups itself (holder_kill_group). */
	if (sb->init_fd >= 0)
		close(sb->init_fd);
	sb->init_fd = -1;
	if (sandbox_ns_fd >= 0)
		close(sandbox_ns_fd);
	sandbox_ns_fd = -1;
	if (sb->host_pidns > 0) { /* 0: a zeroed struct, never entered */
		/* if this fails, forks fail with ENOMEM: callers say so */
		(void)setns(sb->host_pidns, CLONE_NEWPID);
		sb->host_pidns = -1; /* host_ns_fd stays open */
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* ---- holders ------------------------------------------------------------- */

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

/*
 * The capabilities that would let a holder undo its confinement: remount or
 * mount (SYS_ADMIN), reach another process's root or memory (SYS_PTRACE),
 * open files by handle past the mount (DAC_READ_SEARCH), make or poke a
 * device (MKNOD, SYS_RAWIO), load code into the kernel (SYS_MODULE, BPF).
 * The others stay: a lock running as root keeps what root's locks have
 * (DAC_OVERRIDE reads another user's mode-000 lock file, for one).
 */
static const int escape_caps[] = {
	CAP_SYS_ADMIN,	 CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH, CAP_MKNOD,
	CAP_SYS_RAWIO,	 CAP_SYS_MODULE, CAP_SYS_BOOT,	      CAP_SYS_TIME,
	CAP_BPF,	 CAP_PERFMON,	 CAP_NET_ADMIN,	      CAP_SETFCAP,
	CAP_LINUX_IMMUTABLE,
};

/*
 * In the child, before exec: a mount namespace of the holder's own where
 * every mount is read-only except `rw` (its working directory: the run's
 * scratch folder), and none of escape_caps, so that it can neither remount
 * nor mount, nor write outside its folder (a holder is code under test,
 * and runs as whoever runs lockchaos, often root). Mounts it made anyway
 * would stay its own: nothing propagates back to the worker. Only system
 * calls: async-signal-safe. 0, or -1 with errno.
 */
static int confine_child(const char *rw, int own_proc)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	struct mount_attr rw_attr = { .attr_clr = MOUNT_ATTR_RDONLY };
	size_t i;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount(rw, rw, NULL, MS_BIND | MS_REC, NULL))
		return -1;
	/* In a namespace of its own, /proc must be that namespace's, as a
	 * container's is: its kill(7, 0) and /proc/7/stat name one process. */
	if (own_proc && mount("proc", "/proc", "proc",
			      MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -1;
	if (syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &ro,
		    sizeof(ro)) ||
	    syscall(SYS_mount_setattr, AT_FDCWD, rw, AT_RECURSIVE, &rw_attr,
		    sizeof(rw_attr)))
		return -1;
	for (i = 0; i < sizeof(escape_caps) / sizeof(escape_caps[0]); i++)
		if (prctl(PR_CAPBSET_DROP, escape_caps[i], 0, 0, 0) &&
		    errno != EINVAL)
			return -1;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* environ plus `extra`, built before fork: putenv after fork is not
 * async-signal-safe. The strings are borrowed; free the array only. */
static char **merged_env(char *const extra[])
{
	size_t n = 0, k = 0, m = 0, i, j;
	char **env;

	while (environ[n])
		n++;
	while (extra[k])
		k++;
	env = xcalloc(n + k + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		size_t eq = strcspn(environ[i], "=");

		/* an extra NAME=... replaces an inherited NAME */
		for (j = 0; j < k; j++)
			if (!strncmp(extra[j], environ[i], eq + 1))
				break;
		if (j == k)
			env[m++] = environ[i];
	}
	for (j = 0; j < k; j++)
		env[m++] = extra[j];
	return env;
}

int holder_start(struct holder_proc *hp, char *const argv[],
		 char *const env[], const char *dir, int own_group, char **err)
{
	return holder_start_in(hp, argv, env, dir, own_group, NULL, 0, err);
}

/* What a holder's child needs between clone and exec, and what it says
 * back (stage: 1 chdir, 2 exec, 3 confine, 4 pid; err: its errno). */
struct holder_child {
	char *const *argv;
	char **envp;
	const char *dir, *rw;
	int own_group, own_proc, in[2], out[2], errp[2], ex[2];
	pid_t parent, want_pid;
	struct holder_said {
		int stage, err;
	} said;
};

/*
 * The child, from clone to exec. It shares the worker's memory (CLONE_VM,
 * as posix_spawn does: fork's copy of the page tables grew with the
 * worker's heap, so starting N holders cost N^2) and the worker is
 * suspended until it execs or exits (CLONE_VFORK): only system calls and
 * async-signal-safe calls here, nothing written to the worker's memory
 * but `c->said` and errno, and the worker's signal handlers reset before
 * any signal is let in.
 */
static int holder_child(void *arg)
{
	struct holder_child *c = arg;
	struct holder_said said;
	sigset_t none;
	pid_t pp;
	ssize_t r;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The parent may have died before prctl took: then we were
	 * reparented. In a PID namespace our parent (outside it) shows as
	 * 0, which is fine. */
	pp = getppid();
	if (pp != c->parent && pp != 0)
		_exit(127);
	if (c->own_group)
		setpgid(0, 0);
	/* exec keeps the signal mask and every ignored signal: the worker
	 * blocks SIGCHLD for its signalfd (and every signal around this
	 * clone), and lockchaos started under nohup (or any parent that
	 * ignores SIGHUP, SIGINT, SIGPIPE ...) would pass that on, so a
	 * `signal H HUP` fault would not take. A holder starts with every
	 * signal at its default (reset above) and none blocked. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	dup2(c->in[0], 0);
	dup2(c->out[1], 1);
	dup2(c->errp[1], 2);
	c->said.stage = 4;
	if (c->want_pid > 0 && getpid() != c->want_pid) {
		errno = EBUSY;
		goto failed;
	}
	c->said.stage = 3;
	if (c->rw && confine_child(c->rw, c->own_proc))
		goto failed;
	c->said.stage = 1;
	if (chdir(c->dir) == 0) {
		c->said.stage = 2;
		execvpe(c->argv[0], c->argv, c->envp);
	}
failed:
	c->said.err = errno;
	said = c->said;
	r = write(c->ex[1], &said, sizeof(said));
	(void)r;
	_exit(c->said.err == ENOENT ? 127 : 126);
}

/* The child's stack (execvpe's PATH walk and its /bin/sh fallback live
 * on it; glibc's posix_spawn gives 64 KiB plus the arguments). */
#define HOLDER_CHILD_STACK (256 * 1024)

/* Under AddressSanitizer the child shares the worker's shadow memory too:
 * the frames an earlier child left poisoned at the same address (it never
 * returned, it exec'ed) would fail this one's. */
#if defined(__SANITIZE_ADDRESS__)
#define HOLDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOLDER_ASAN 1
#endif
#endif
#ifdef HOLDER_ASAN
#include <sanitizer/asan_interface.h>
#define stack_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define stack_unpoison(p, n) ((void)(p), (void)(n))
#endif

/* One try at starting the holder's child, for start_patient: a clone
 * that failed for want of memory ran nothing, and is tried again. */
struct holder_clone {
	char *stack;
	struct holder_child *c;
};

static pid_t clone_holder(void *arg)
{
	struct holder_clone *h = arg;

	return clone(holder_child, h->stack + HOLDER_CHILD_STACK,
		     CLONE_VM | CLONE_VFORK | SIGCHLD, h->c);
}

int holder_start_in(struct holder_proc *hp, char *const argv[],
		    char *const env[], const char *dir, int own_group,
		    const struct pidns *ns, pid_t want_pid, char **err)
{
	struct holder_child c = { .argv = argv, .dir = dir,
				  .own_group = own_group,
				  .own_proc = ns != NULL,
				  .in = { -1, -1 }, .out = { -1, -1 },
				  .errp = { -1, -1 }, .ex = { -1, -1 },
				  .parent = getpid(), .want_pid = want_pid };
	sigset_t all, old;
	char *rw, *stack;
	pid_t pid;
	ssize_t r;
	int saved;

	*err = NULL;
	if (pipe2(c.in, O_CLOEXEC) || pipe2(c.out, O_CLOEXEC) ||
	    pipe2(c.errp, O_CLOEXEC) || pipe2(c.ex, O_CLOEXEC)) {
		*err = xasprintf("cannot create pipes: %s", strerror(errno));
		close_pair(c.in);
		close_pair(c.out);
		close_pair(c.errp);
		close_pair(c.ex);
		return -1;
	}
	stack = mmap(NULL, HOLDER_CHILD_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		*err = xasprintf("cannot map a stack: %s", strerror(errno));
		close_pair(c.in);
		close_pair(c.out);
		close_pair(c.errp);
		close_pair(c.ex);
		return -1;
	}
	if (ns && (sandbox_ns_fd < 0 || setns(ns->ns_fd, CLONE_NEWPID))) {
		*err = xasprintf("cannot enter namespace %s: %s", ns->name,
				 sandbox_ns_fd < 0 ? "no sandbox"
						   : strerror(errno));
		munmap(stack, HOLDER_CHILD_STACK);
		close_pair(c.in);
		close_pair(c.out);
		close_pair(c.errp);
		close_pair(c.ex);
		return -1;
	}
	stack_unpoison(stack, HOLDER_CHILD_STACK);
	c.envp = merged_env(env);
	c.rw = rw = confine_holders ? xstrdup(dir) : NULL;
	/* No handler of the worker's may run on the child's side of the
	 * shared memory: every signal waits until the child has exec'ed. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = start_patient(clone_holder,
			    &(struct holder_clone){ .stack = stack, .c = &c });
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	stack_unpoison(stack, HOLDER_CHILD_STACK);
	munmap(stack, HOLDER_CHILD_STACK);
	/* Back to the sandbox's namespace for whatever we fork next (if this
	 * failed, the next holder_start_in says so: setns to it works). */
	if (ns)
		(void)setns(sandbox_ns_fd, CLONE_NEWPID);
	free(c.envp);
	free(rw);
	if (pid < 0) {
		*err = xasprintf("cannot fork: %s", strerror(saved));
		close_pair(c.in);
		close_pair(c.out);
		close_pair(c.errp);
		close_pair(c.ex);
		return -1;
	}
	close(c.in[0]);
	close(c.out[1]);
	close(c.errp[1]);
	close(c.ex[1]);
	c.said.stage = c.said.err = 0;
	do
		r = read(c.ex[0], &c.said, sizeof(c.said));
	while (r < 0 && errno == EINTR);
	close(c.ex[0]);
	hp->pid = pid;
	hp->in_fd = c.in[1];
	hp->out_fd = c.out[0];
	hp->err_fd = c.errp[0];
	if (r == sizeof(c.said)) {
		if (c.said.stage == 1)
			*err = xasprintf("cannot run '%s' in '%s': %s", argv[0],
					 dir, strerror(c.said.err));
		else if (c.said.stage == 3)
			*err = xasprintf("cannot confine '%s' to '%s': %s",
					 argv[0], dir, strerror(c.said.err));
		else if (c.said.stage == 4)
			*err = xasprintf("pid %d was taken before '%s' started",
					 (int)want_pid, argv[0]);
		else
			*err = xasprintf("cannot run '%s': %s", argv[0],
					 strerror(c.said.err));
		waitpid(pid, NULL, 0);
		holder_close(hp);
		hp->pid = 0;
		return c.said.stage == 4 ? -2 : -1;
	}
	fcntl(hp->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(hp->err_fd, F_SETFL, O_NONBLOCK);
	return 0;
}

void holder_kill_group(struct holder_proc *hp)
{
	if (hp->pid > 0) {
		kill(-hp->pid, SIGKILL);
		kill(hp->pid, SIGKILL);
	}
}

void holder_close(struct holder_proc *hp)
{
	if (hp->in_fd >= 0)
		close(hp->in_fd);
	if (hp->out_fd >= 0)
		close(hp->out_fd);
	if (hp->err_fd >= 0)
		close(hp->err_fd);
	hp->in_fd = hp->out_fd = hp->err_fd = -1;
}

pid_t pid_inner(pid_t pid)
{
	char path[64], *text, *line;
	pid_t inner = pid;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	text = read_file(path, 1 << 16, NULL);
	if (!text)
		return pid;
	line = strstr(text, "\nNSpid:");
	if (line) {
		char *p = line + 7, *end;
		long v;

		/* The last number is the pid in the innermost namespace. */
		for (;;) {
			v = strtol(p, &end, 10);
			if (end == p)
				break;
			inner = (pid_t)v;
			p = end;
		}
	}
	free(text);
	return inner;
}

static char *proc_stat_after_comm(pid_t pid, char **buf)
{
	char path[64], *close_paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	*buf = read_file(path, 4096, NULL);
	if (!*buf)
		return NULL;
	close_paren = strrchr(*buf, ')');
	return close_paren ? close_paren + 2 : NULL;
}

/* Field `n` (>= 4) of /proc/PID/stat as a number, or -1. */
static long long proc_stat_field(pid_t pid, int n)
{
	char *buf, *p = proc_stat_after_comm(pid, &buf);
	long long v = -1;
	int field;

	/* p points at field 3 (state) */
	for (field = 3; p && field < n; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		v = strtoll(p, NULL, 10);
	free(buf);
	return v;
}

long long proc_starttime(pid_t pid)
{
	return proc_stat_field(pid, 22);
}

int proc_exiting(pid_t pid)
{
	long long flags = proc_stat_field(pid, 9);

	return (flags > 0 && (flags & 0x4)) /* PF_EXITING */ ||
	       proc_state(pid) == 'Z';
}

char proc_state(pid_t pid)
{
	char *buf, *p = proc_stat_after_comm(pid, &buf);
	char c = p ? *p : 0;

	free(buf);
	return c;
}
