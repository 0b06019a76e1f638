/*
 * test_supervise.c - the sandbox and holder processes (harness/sandbox/supervise.c)
 * with real processes, real namespaces and real signals.
 *
 * sandbox_enter() changes the calling process for good (its children go
 * into a new PID namespace, its /proc becomes the namespace's), so every
 * sandbox test runs it in a forked "worker", as the runner does, and keeps
 * the test process itself in the host's namespaces: from there it looks at
 * the host's /proc, as an operator would. A worker reports over a pipe, one
 * line: "ok ..." or "fail why"; it dies with the test process
 * (PR_SET_PDEATHSIG), so a timed-out test leaves nothing behind.
 *
 * Every program a test runs carries a marker in its environment
 * (LOCKCHAOS_TEST_MARK=...), and leftovers are found the way
 * tests/t/sigkill-leaves-no-orphan.sh finds them, in /proc/PID/environ;
 * and by PID namespace (/proc/PID/ns/pid), which also finds init: it forks
 * without exec, so its environ file is the test binary's.
 *
 * The sandbox tests need root (CAP_SYS_ADMIN for the namespaces); without
 * it they fail and say so, they never pass by doing nothing.
 */
#include <check.h>

#include "sandbox/supervise.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"

#define MARK_NAME "LOCKCHAOS_TEST_MARK"
/* An answer that should come at once, and how long a process the test
 * killed may take to go: beside the soak (load 80) a worker's sandbox took
 * over 5 s to answer, and a killed holder sat over 2 s in the kernel's
 * teardown (state D). Bounds on a hang, not timings: Check's own limit
 * per test is 60 s. */
#define WAIT_MS 40000
#define GONE_MS 30000

static char mark[96]; /* "LOCKCHAOS_TEST_MARK=supervise-<pid>-<n>" */

static void new_mark(void)
{
	static int n;

	snprintf(mark, sizeof(mark), MARK_NAME "=supervise-%d-%d-%lld",
		 (int)getpid(), ++n, (long long)mono_us());
}

/* ---- small helpers ------------------------------------------------------- */

static void need_root(void)
{
	ck_assert_msg(geteuid() == 0,
		      "this test needs root: it creates PID and mount "
		      "namespaces (run the unit tests as root, e.g. in the "
		      "project container); euid is %d",
		      (int)geteuid());
}

/* Reads one line (without its newline) within `ms`. 0, or -1 on timeout or
 * end of file (buf then holds what came). */
static int read_line(int fd, char *buf, size_t size, int ms)
{
	int64_t end = mono_us() + (int64_t)ms * 1000;
	size_t used = 0;

	buf[0] = '\0';
	while (used + 1 < size) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int64_t left = (end - mono_us()) / 1000;
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		r = read(fd, buf + used, 1);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0)
			return -1;
		if (buf[used] == '\n') {
			buf[used] = '\0';
			return 0;
		}
		buf[++used] = '\0';
	}
	return -1;
}

/* Does /proc/PID/environ hold `entry` as a whole NAME=value string? */
static int environ_has(const char *pid, const char *entry)
{
	char path[300], *env;
	size_t len = 0, i, n = strlen(entry);
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%s/environ", pid);
	env = read_file(path, 1 << 20, &len);
	if (!env)
		return 0;
	for (i = 0; i < len; i += strlen(env + i) + 1)
		if (!strncmp(env + i, entry, n) && env[i + n] == '\0') {
			found = 1;
			break;
		}
	free(env);
	return found;
}

/* Appends " PID(comm) STATE PPID" to list: what a leftover was. */
static void describe(pid_t pid, char *list, size_t size)
{
	char path[64], *stat, *c;
	size_t len = strlen(list);

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	stat = read_file(path, 4096, NULL);
	c = stat ? strrchr(stat, ')') : NULL;
	if (c)
		c[12] = '\0'; /* ") S 1234 " : state and parent */
	snprintf(list + len, size - len, " %d%s", (int)pid,
		 stat && strchr(stat, '(') ? strchr(stat, '(') : "");
	free(stat);
}

/* Processes carrying the current mark, but `except`; their pids in `list`. */
static int count_marked(pid_t except, char *list, size_t size)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	if (list)
		list[0] = '\0';
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (atoi(de->d_name) == (int)except)
			continue;
		if (!environ_has(de->d_name, mark))
			continue;
		n++;
		if (list)
			describe(atoi(de->d_name), list, size);
	}
	closedir(d);
	return n;
}

/* Waits up to `ms` for no marked process (but `except`); returns how many
 * are left, their pids in `list`. */
static int wait_unmarked(pid_t except, int ms, char *list, size_t size)
{
	int64_t end = mono_us() + (int64_t)ms * 1000;
	int n;

	while ((n = count_marked(except, list, size)) > 0 && mono_us() < end)
		usleep(20000);
	return n;
}

/* Waits up to `ms` for at least `want` marked processes but `except`;
 * returns how many there are, their pids in `list`. */
static int wait_marked(pid_t except, int want, int ms, char *list,
		       size_t size)
{
	int64_t end = mono_us() + (int64_t)ms * 1000;
	int n;

	while ((n = count_marked(except, list, size)) < want && mono_us() < end)
		usleep(20000);
	return n;
}

/* The comm of a pid, as /proc (the caller's) says, or "". */
static void comm_of(pid_t pid, char *buf, size_t size)
{
	char path[64], *text;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	text = read_file(path, 256, NULL);
	snprintf(buf, size, "%s", text ? text : "");
	buf[strcspn(buf, "\n")] = '\0';
	free(text);
}

/* The PID namespace of a pid ("pid:[4026532]"), as the host sees it. */
static void ns_of(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	n = readlink(path, buf, size - 1);
	ck_assert_msg(n > 0, "readlink %s: %s", path, strerror(errno));
	buf[n] = '\0';
}

/*
 * Has `pid` exited or begun to (a zombie, or PF_EXITING in the flags of
 * /proc/PID/stat)? Such a task runs no code and holds no file: it is gone
 * as far as a leftover goes. A namespace's init whose worker was SIGKILLed
 * stays in that state until the holders, re-parented to the machine's pid
 * 1, are reaped by it, which can take seconds (it did here).
 */
static int dead(pid_t pid)
{
	char path[64], *stat, *p;
	unsigned long flags = 0;
	int field, gone = 1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	stat = read_file(path, 4096, NULL);
	p = stat ? strrchr(stat, ')') : NULL;
	if (p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X') {
		/* p + 2 is field 3 (state); flags is field 9 */
		for (field = 3, p += 2; p && field < 9; field++)
			if ((p = strchr(p, ' ')))
				p++;
		if (p)
			flags = strtoul(p, NULL, 10);
		gone = !!(flags & 0x4); /* PF_EXITING */
	}
	free(stat);
	return gone;
}

/*
 * Live processes in PID namespace `ns` (init included), described in
 * `list`: what a marker cannot find (init forks without exec, so its
 * /proc/PID/environ is the test binary's).
 */
/* The kernel's clock of process start times (/proc/PID/stat's starttime:
 * clock ticks since boot) now. */
static long long boot_ticks_now(void)
{
	double up = 0;
	FILE *f = fopen("/proc/uptime", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%lf", &up), 1);
	fclose(f);
	return (long long)(up * (double)sysconf(_SC_CLK_TCK));
}

/* Processes started after this (boot_ticks_now) are not counted by
 * count_in_ns: once a namespace is gone its inode number is free, and
 * beside a soak a new sandbox's namespace got it within 2 s (its
 * lockchaos-init and node holders were "left after the worker died"). 0:
 * every process counts. */
static long long ns_born_before;

static int count_in_ns(const char *ns, char *list, size_t size)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	if (list)
		list[0] = '\0';
	while ((de = readdir(d))) {
		char path[300], buf[64];
		ssize_t len;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		len = readlink(path, buf, sizeof(buf) - 1);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		if (strcmp(buf, ns) || dead(atoi(de->d_name)))
			continue;
		if (ns_born_before &&
		    proc_starttime(atoi(de->d_name)) > ns_born_before)
			continue;
		n++;
		if (list)
			describe(atoi(de->d_name), list, size);
	}
	closedir(d);
	return n;
}

/* Waits up to `ms` for at least `min` live processes in `ns`: a holder's
 * shell may not have forked its children yet. Returns the count. */
static int wait_in_ns(const char *ns, int min, int ms, char *list, size_t size)
{
	int64_t end = mono_us() + (int64_t)ms * 1000;
	int n;

	while ((n = count_in_ns(ns, list, size)) < min && mono_us() < end)
		usleep(10000);
	return n;
}

/* The host's pid of the process with pid `inner` in namespace `ns`, or 0. */
static pid_t host_pid(const char *ns, pid_t inner)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	ck_assert_ptr_nonnull(d);
	while (!found && (de = readdir(d))) {
		char path[300], buf[64];
		ssize_t len;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		len = readlink(path, buf, sizeof(buf) - 1);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		if (!strcmp(buf, ns) && pid_inner(atoi(de->d_name)) == inner)
			found = atoi(de->d_name);
	}
	closedir(d);
	return found;
}

/* Waits up to `ms` until no process is left in `ns` and none but `except`
 * carries the mark; returns how many are left, their pids in `list`. */
static int wait_gone(const char *ns, pid_t except, int ms, char *list,
		     size_t size)
{
	int64_t end = mono_us() + (int64_t)ms * 1000;
	int n;

	/* what is in the namespace now was there before; a process born
	 * later is another namespace's that got the inode number */
	ns_born_before = boot_ticks_now() + 1;
	for (;;) {
		n = count_marked(except, list, size);
		if (!n)
			n = count_in_ns(ns, list, size);
		if (!n || mono_us() >= end)
			break;
		usleep(20000);
	}
	ns_born_before = 0;
	return n;
}

/* Starts a holder; the marker goes into its environment. */
static int start_holder(struct holder_proc *hp, const char *cmd, int own_group,
			char **err)
{
	char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
	char *env[] = {mark, NULL};

	*hp = (struct holder_proc)HOLDER_PROC_INIT;
	return holder_start(hp, argv, env, "/", own_group, err);
}

/* ---- workers: sandboxes live in a forked process ------------------------- */

struct worker {
	pid_t pid;
	int fd; /* its report lines */
	int go; /* ours to write: one byte lets it on (worker_go) */
};

static int worker_in = -1; /* in a worker: the other end of `go` */

typedef void (*worker_fn)(int out);

/* In a worker: report and end (no Check calls there: it is not the test). */
static void __attribute__((noreturn, format(printf, 2, 3)))
wfail(int out, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	dprintf(out, "fail %s\n", buf);
	_exit(1);
}

/* A worker: what it and its init exec (holders, impostors) carry the
 * marker. */
static struct worker worker_start(worker_fn fn)
{
	struct worker w;
	pid_t parent = getpid();
	int p[2], g[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(g, O_CLOEXEC), 0);
	w.pid = fork();
	ck_assert_int_ge(w.pid, 0);
	if (w.pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(p[0]);
		close(g[1]);
		worker_in = g[0];
		putenv(mark);
		fn(p[1]);
		_exit(0);
	}
	close(p[1]);
	close(g[0]);
	w.fd = p[0];
	w.go = g[1];
	return w;
}

/* Lets the worker on from its wgo(). */
static void worker_go(struct worker *w)
{
	ck_assert_int_eq(write(w->go, "g", 1), 1);
}

/* In a worker: waits for worker_go (the test has looked). */
static void wgo(int out)
{
	char c;

	if (read(worker_in, &c, 1) != 1)
		wfail(out, "the test did not say go");
}

/* The worker's next line, which must start with "ok"; returns what follows. */
static const char *worker_ok(struct worker *w, char *buf, size_t size, int ms)
{
	int rc = read_line(w->fd, buf, size, ms);

	ck_assert_msg(rc == 0, "worker: no answer within %d ms (got '%s')", ms,
		      buf);
	ck_assert_msg(!strncmp(buf, "ok", 2), "worker: %s", buf);
	return buf[2] == ' ' ? buf + 3 : buf + 2;
}

/* The worker's first line: its sandbox is up. Fills `ns` (see ns_of) and
 * returns init's pid. */
static pid_t worker_sandbox(struct worker *w, char *ns, size_t size)
{
	char buf[256];
	int init = 0;

	ck_assert_int_eq(
	    sscanf(worker_ok(w, buf, sizeof(buf), WAIT_MS), "init %d", &init),
	    1);
	ns_of(init, ns, size);
	return init;
}

static int worker_kill(struct worker *w)
{
	int st = 0;

	kill(w->pid, SIGKILL);
	waitpid(w->pid, &st, 0);
	close(w->fd);
	close(w->go);
	return st;
}

/* In a worker: enter a sandbox with a PID namespace, or report why not. */
static void wsandbox(int out, struct sandbox *sb)
{
	char *why = NULL, *err = NULL;

	*sb = (struct sandbox)SANDBOX_INIT;
	if (sandbox_enter(sb, 1, &why, &err))
		wfail(out, "sandbox_enter: %s", err);
	if (!sb->pidns)
		wfail(out,
		      "no PID namespace (needs root with CAP_SYS_ADMIN): "
		      "%s",
		      why ? why : "no reason given");
	if (why)
		wfail(out, "pidns=1 but why='%s'", why);
	if (sb->init_pid <= 0 || sb->init_fd < 0)
		wfail(out, "init_pid %d, init_fd %d", (int)sb->init_pid,
		      sb->init_fd);
	dprintf(out, "ok init %d\n", (int)sb->init_pid);
}

/* In a worker: a holder whose command says its pid (echo $$) when it has
 * started what it starts; returns that pid. */
static pid_t wholder(int out, struct holder_proc *hp, const char *cmd)
{
	char *err = NULL, line[64];

	if (start_holder(hp, cmd, 0, &err))
		wfail(out, "holder_start: %s", err);
	if (read_line(hp->out_fd, line, sizeof(line), WAIT_MS))
		wfail(out, "the holder did not say its pid ('%s')", line);
	return (pid_t)atoi(line);
}

/* In a worker: init replies before its child has exec'd sleep; wait. */
static void wexeced(int out, pid_t pid)
{
	int64_t end = mono_us() + (int64_t)WAIT_MS * 1000;
	char comm[64];

	do
		comm_of(pid, comm, sizeof(comm));
	while (strcmp(comm, "sleep") && mono_us() < end && !usleep(5000));
	if (strcmp(comm, "sleep"))
		wfail(out, "impostor %d is '%s', not sleep", (int)pid, comm);
}

/* ---- holder_start -------------------------------------------------------- */

START_TEST(test_holder_start_missing_program)
{
	struct holder_proc hp = HOLDER_PROC_INIT;
	char *argv[] = {"lockchaos-no-such-program", "x", NULL};
	char *env[] = {NULL};
	char *err = NULL;
	int rc;

	/* a PATH of searchable folders: execvp says EACCES when one is not */
	setenv("PATH", "/usr/bin:/bin", 1);
	rc = holder_start(&hp, argv, env, "/", 0, &err);

	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, "'lockchaos-no-such-program'") != NULL,
		      "the error does not name the program: %s", err);
	ck_assert_msg(strstr(err, strerror(ENOENT)) != NULL,
		      "the error does not say why: %s", err);
	ck_assert_int_eq(hp.pid, 0);
	ck_assert_int_eq(hp.in_fd, -1);
	ck_assert_int_eq(hp.out_fd, -1);
	ck_assert_int_eq(hp.err_fd, -1);
	/* the failed child was reaped, not left as a zombie */
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	free(err);

	/* with a path, the same */
	argv[0] = "/nonexistent/lockchaos-holder";
	ck_assert_int_eq(holder_start(&hp, argv, env, "/", 1, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "'/nonexistent/lockchaos-holder'"));
	free(err);
}
END_TEST

START_TEST(test_holder_start_not_executable)
{
	char path[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	struct holder_proc hp = HOLDER_PROC_INIT;
	char *argv[] = {path, NULL};
	char *env[] = {NULL};
	char *err = NULL;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/lockchaos-noexec-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "#!/bin/sh\n", 10), 10);
	fchmod(fd, 0644);
	close(fd);
	rc = holder_start(&hp, argv, env, "/", 0, &err);
	unlink(path);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, path) && strstr(err, strerror(EACCES)),
		      "want '%s' and '%s' in: %s", path, strerror(EACCES), err);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	free(err);
}
END_TEST

START_TEST(test_holder_start_cat_pipes)
{
	struct holder_proc hp = HOLDER_PROC_INIT;
	char *argv[] = {"/bin/cat", NULL};
	char *env[] = {NULL};
	char *err = NULL, line[128];
	static const char hello[] = "hello through cat\n";
	int st, fds[3], i;

	ck_assert_msg(holder_start(&hp, argv, env, "/", 0, &err) == 0, "%s",
		      err);
	ck_assert_int_gt(hp.pid, 0);
	fds[0] = hp.in_fd;
	fds[1] = hp.out_fd;
	fds[2] = hp.err_fd;
	for (i = 0; i < 3; i++) {
		ck_assert_int_ge(fds[i], 0);
		/* a holder must not inherit another holder's pipes */
		ck_assert_msg(fcntl(fds[i], F_GETFD) & FD_CLOEXEC,
			      "pipe %d is not close-on-exec", i);
	}
	ck_assert(fcntl(hp.out_fd, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(hp.err_fd, F_GETFL) & O_NONBLOCK);
	ck_assert_int_eq(write(hp.in_fd, hello, sizeof(hello) - 1),
			 (ssize_t)sizeof(hello) - 1);
	ck_assert_int_eq(read_line(hp.out_fd, line, sizeof(line), WAIT_MS), 0);
	ck_assert_str_eq(line, "hello through cat");
	/* closing stdin ends cat: holder_close does not kill */
	holder_close(&hp);
	ck_assert_int_eq(hp.in_fd, -1);
	ck_assert_int_eq(hp.out_fd, -1);
	ck_assert_int_eq(hp.err_fd, -1);
	holder_close(&hp); /* twice is harmless */
	ck_assert_int_eq(waitpid(hp.pid, &st, 0), hp.pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

START_TEST(test_holder_start_env_dir_stderr)
{
	char dir[PATH_MAX], *real, line[PATH_MAX + 64];
	const char *tmp = getenv("TMPDIR");
	struct holder_proc hp = HOLDER_PROC_INIT;
	char *argv[] = {"sh", "-c",
			"echo \"$LC_T_ONE:$LC_T_TWO:$(pwd)\"; echo oops >&2; "
			"exit 7",
			NULL};
	char *env[] = {"LC_T_ONE=v1", "LC_T_TWO=two words", NULL};
	char *err = NULL;
	int st;

	snprintf(dir, sizeof(dir), "%s/lockchaos-dir-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	real = realpath(dir, NULL);
	ck_assert_msg(holder_start(&hp, argv, env, dir, 0, &err) == 0, "%s",
		      err);
	ck_assert_int_eq(read_line(hp.out_fd, line, sizeof(line), WAIT_MS), 0);
	ck_assert_int_eq(waitpid(hp.pid, &st, 0), hp.pid);
	rmdir(dir);
	ck_assert_msg(!strncmp(line, "v1:two words:", 13), "%s", line);
	ck_assert_str_eq(line + 13, real);
	ck_assert_int_eq(read_line(hp.err_fd, line, sizeof(line), WAIT_MS), 0);
	ck_assert_str_eq(line, "oops");
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 7);
	/* the environment of the caller is untouched */
	ck_assert_ptr_null(getenv("LC_T_ONE"));
	holder_close(&hp);
	free(real);
}
END_TEST

START_TEST(test_holder_start_group)
{
	struct holder_proc a, b;
	char *err = NULL, line[64], left[1024];
	int st;

	new_mark();
	ck_assert_msg(
	    start_holder(&a, "sleep 60 & echo $!; sleep 60", 1, &err) == 0,
	    "%s", err);
	ck_assert_msg(start_holder(&b, "exec sleep 60", 0, &err) == 0, "%s",
		      err);
	/* own_group: a group of its own; otherwise the caller's */
	ck_assert_int_eq(getpgid(a.pid), a.pid);
	ck_assert_int_eq(getpgid(b.pid), getpgrp());
	ck_assert_int_eq(read_line(a.out_fd, line, sizeof(line), WAIT_MS), 0);
	ck_assert_int_eq(getpgid(atoi(line)), a.pid);
	/* sh (or the sleep it execs last), its background sleep, b: a process
	 * in the middle of its exec shows no environ for a moment (seen at
	 * load 40), so they are counted until all three show, 5 s at most */
	ck_assert_int_ge(wait_marked(0, 3, WAIT_MS, left, sizeof(left)), 3);

	/* holder_kill_group: the holder and its background child */
	holder_kill_group(&a);
	ck_assert_int_eq(waitpid(a.pid, &st, 0), a.pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	holder_kill_group(&b); /* no group of its own: the process only */
	ck_assert_int_eq(waitpid(b.pid, &st, 0), b.pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	ck_assert_msg(wait_unmarked(0, GONE_MS, left, sizeof(left)) == 0,
		      "left after holder_kill_group:%s", left);
	holder_close(&a);
	holder_close(&b);
	ck_assert_int_eq(getpgid(getpid()), getpgrp()); /* we survived */
}
END_TEST

/*
 * holder_start reports a chdir failure as if the program could not be run:
 * "cannot run '/bin/true': No such file or directory" for a program that
 * exists. Was a bug (fixed): the message must name the folder (supervise.c:302-306).
 */
START_TEST(test_holder_start_bad_dir_is_named)
{
	struct holder_proc hp = HOLDER_PROC_INIT;
	char *argv[] = {"/bin/true", NULL};
	char *env[] = {NULL};
	const char *dir = "/nonexistent/lockchaos-scratch";
	char *err = NULL;
	int rc = holder_start(&hp, argv, env, dir, 0, &err);

	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(hp.pid, 0);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_msg(strstr(err, dir) != NULL,
		      "error for a missing folder does not name it: '%s' "
		      "(supervise.c holder_start: chdir failure reported as "
		      "an exec failure)",
		      err);
	free(err);
}
END_TEST

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

/*
 * Was a bug (fixed; this test keeps it fixed): when the second, third or fourth pipe2() of holder_start fails (out
 * of descriptors, as with many contenders) the pipes made before it leak
 * (supervise.c:275-279); so do all eight on a fork failure (280-284).
 */
START_TEST(test_holder_start_no_fd_leak_on_pipe_failure)
{
	struct holder_proc hp = HOLDER_PROC_INIT;
	char *argv[] = {"/bin/true", NULL};
	char *env[] = {NULL};
	char *err = NULL;
	struct rlimit old, lim;
	int fill[256], nf = 0, fd, before, after, rc;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	lim = old;
	lim.rlim_cur = 128;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
	while (nf < 256 && (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		fill[nf++] = fd;
	ck_assert_int_ge(nf, 3);
	/* three free descriptors: the first pipe fits, the second does not */
	close(fill[--nf]);
	close(fill[--nf]);
	close(fill[--nf]);
	before = open_fds();
	rc = holder_start(&hp, argv, env, "/", 0, &err);
	after = open_fds();
	while (nf)
		close(fill[--nf]);
	setrlimit(RLIMIT_NOFILE, &old);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, "cannot create pipes") != NULL, "%s", err);
	free(err);
	ck_assert_msg(
	    after == before,
	    "holder_start leaked %d descriptors when a pipe could not "
	    "be made",
	    after - before);
}
END_TEST

/* ---- /proc helpers ------------------------------------------------------- */

static char state_within(pid_t pid, char want, int ms)
{
	int64_t end = mono_us() + (int64_t)ms * 1000;
	char c;

	while ((c = proc_state(pid)) != want && mono_us() < end)
		usleep(5000);
	return c;
}

START_TEST(test_proc_state_and_dead_pids)
{
	struct holder_proc hp;
	char *err = NULL;
	long long start, mine = proc_starttime(getpid());
	pid_t pid;

	new_mark();
	ck_assert_msg(start_holder(&hp, "exec sleep 60", 0, &err) == 0, "%s",
		      err);
	pid = hp.pid;
	ck_assert_int_gt(mine, 0);
	start = proc_starttime(pid);
	ck_assert_int_ge(start, mine);
	ck_assert_int_eq(pid_inner(pid), pid); /* no namespace: the same */
	ck_assert_int_eq(pid_inner(getpid()), getpid());

	ck_assert_int_eq(state_within(pid, 'S', GONE_MS), 'S');
	kill(pid, SIGSTOP);
	ck_assert_int_eq(state_within(pid, 'T', GONE_MS), 'T');
	kill(pid, SIGCONT);
	ck_assert_int_eq(state_within(pid, 'S', GONE_MS), 'S');
	/* dead but not reaped: a zombie, start time unchanged */
	kill(pid, SIGKILL);
	ck_assert_int_eq(state_within(pid, 'Z', GONE_MS), 'Z');
	ck_assert_int_eq(proc_starttime(pid), start);
	/* reaped: the documented failure values */
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ck_assert_int_eq(proc_state(pid), 0);
	ck_assert_int_eq(proc_starttime(pid), -1);
	ck_assert_int_eq(pid_inner(pid), pid);
	/* pids that never were */
	ck_assert_int_eq(proc_state(0), 0);
	ck_assert_int_eq(proc_starttime(-1), -1);
	ck_assert_int_eq(pid_inner(INT_MAX), INT_MAX);
	holder_close(&hp);
}
END_TEST

/* A comm with spaces and parentheses does not shift the fields: the
 * program is run through a symlink called "a) S (c". */
START_TEST(test_proc_stat_odd_comm)
{
	char dir[PATH_MAX], link[PATH_MAX + 16], comm[64], *cmd, *err = NULL;
	const char *tmp = getenv("TMPDIR");
	struct holder_proc hp;

	new_mark();
	snprintf(dir, sizeof(dir), "%s/lockchaos-comm-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/a) S (c", dir);
	ck_assert_int_eq(symlink("/bin/sleep", link), 0);
	cmd = xasprintf("exec '%s' 60", link);
	ck_assert_msg(start_holder(&hp, cmd, 0, &err) == 0, "%s", err);
	free(cmd);
	ck_assert_int_eq(state_within(hp.pid, 'S', GONE_MS), 'S');
	comm_of(hp.pid, comm, sizeof(comm));
	ck_assert_str_eq(comm, "a) S (c");
	ck_assert_int_gt(proc_starttime(hp.pid), 0);
	kill(hp.pid, SIGSTOP);
	ck_assert_int_eq(state_within(hp.pid, 'T', GONE_MS), 'T');
	kill(hp.pid, SIGKILL);
	waitpid(hp.pid, NULL, 0);
	unlink(link);
	rmdir(dir);
	holder_close(&hp);
}
END_TEST

/* ---- sandboxes ----------------------------------------------------------- */

START_TEST(test_sandbox_without_pidns)
{
	struct sandbox sb = SANDBOX_INIT;
	char *why = (char *)"untouched", *err = NULL;
	pid_t got = 0;

	ck_assert_int_eq(sandbox_enter(&sb, 0, &why, &err), 0);
	ck_assert_int_eq(sb.pidns, 0);
	ck_assert_int_eq(sb.init_fd, -1);
	ck_assert_int_eq(sb.init_pid, 0);
	ck_assert_ptr_null(why);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(sandbox_recycle(&sb, NULL, 2, &got, &err), -1);
	ck_assert_msg(strstr(err, "needs a private PID namespace") != NULL,
		      "%s", err);
	ck_assert_int_eq(got, 0);
	free(err);
	sandbox_sweep(&sb); /* nothing to do, nothing breaks */
	ck_assert_int_eq(sb.init_fd, -1);
}
END_TEST

static void w_small_pid(int out)
{
	struct sandbox sb;
	struct holder_proc hp;
	char comm[64];
	pid_t inner;

	wsandbox(out, &sb);
	/* the worker's /proc is the namespace's now: pid 1 is our init */
	comm_of(1, comm, sizeof(comm));
	if (strcmp(comm, "lockchaos-init"))
		wfail(out, "pid 1 in the sandbox's /proc is '%s'", comm);
	inner = wholder(out, &hp, "echo $$; exec sleep 60");
	if (pid_inner(inner) != inner)
		wfail(out, "pid_inner(%d) inside = %d", (int)inner,
		      (int)pid_inner(inner));
	dprintf(out, "ok %d %d\n", (int)hp.pid, (int)inner);
	pause();
}

START_TEST(test_sandbox_holder_small_pid)
{
	struct worker w;
	char buf[256], left[1024], ns[64], host_ns[64];
	int outer, inner;
	pid_t init;

	need_root();
	new_mark();
	w = worker_start(w_small_pid);
	init = worker_sandbox(&w, ns, sizeof(ns));
	ck_assert_int_eq(sscanf(worker_ok(&w, buf, sizeof(buf), WAIT_MS),
				"%d %d", &outer, &inner),
			 2);
	/* inside, the holder is a small pid (init is 1) */
	ck_assert_int_ge(inner, 2);
	ck_assert_int_lt(inner, 100);
	ck_assert_int_ne(outer, inner);
	/* seen from the host: NSpid's last number is the inner pid */
	ck_assert_int_eq(pid_inner(outer), inner);
	ck_assert_int_eq(pid_inner(init), 1);
	ck_assert_int_gt(proc_starttime(outer), 0);
	/* a namespace of its own, with init and the holder in it */
	ns_of(getpid(), host_ns, sizeof(host_ns));
	ck_assert_str_ne(ns, host_ns);
	ns_of(w.pid, buf, sizeof(buf));
	ck_assert_str_eq(buf, host_ns); /* the worker itself stays out */
	ck_assert_int_eq(count_in_ns(ns, left, sizeof(left)), 2);
	/* the holder may be mid-exec (echo, then exec sleep): no environ
	 * for a moment (a fresh clone's make check, 2026-11-30) */
	ck_assert_int_eq(wait_marked(w.pid, 1, WAIT_MS, left, sizeof(left)), 1);
	worker_kill(&w);
	ck_assert_msg(wait_gone(ns, 0, GONE_MS, left, sizeof(left)) == 0,
		      "left after the worker died:%s", left);
}
END_TEST

static void w_recycle(int out)
{
	struct sandbox sb;
	struct holder_proc hp;
	char *err = NULL;
	long long before, after;
	pid_t inner, got = 0;
	int st;

	wsandbox(out, &sb);
	inner = wholder(out, &hp, "echo $$; exec sleep 60");
	before = proc_starttime(inner);
	if (before <= 0)
		wfail(out, "no start time for pid %d", (int)inner);
	/* start times tick at USER_HZ (10 ms): let a few pass */
	usleep(50000);
	kill(hp.pid, SIGKILL);
	if (waitpid(hp.pid, &st, 0) != hp.pid)
		wfail(out, "cannot reap the holder");
	if (proc_state(inner) != 0)
		wfail(out, "pid %d still in /proc after reaping", (int)inner);
	if (sandbox_recycle(&sb, NULL, inner, &got, &err))
		wfail(out, "sandbox_recycle(%d): %s", (int)inner, err);
	after = proc_starttime(got);
	dprintf(out, "ok %d %d %lld %lld\n", (int)inner, (int)got, before,
		after);
	pause();
}

START_TEST(test_sandbox_recycle)
{
	struct worker w;
	char buf[256], left[1024], ns[64];
	int inner, got;
	long long before, after;
	int64_t end;
	pid_t host;

	need_root();
	new_mark();
	w = worker_start(w_recycle);
	worker_sandbox(&w, ns, sizeof(ns));
	ck_assert_int_eq(sscanf(worker_ok(&w, buf, sizeof(buf), WAIT_MS),
				"%d %d %lld %lld", &inner, &got, &before,
				&after),
			 4);
	ck_assert_int_eq(got, inner);
	ck_assert_int_gt(after, 0);
	ck_assert_msg(after != before,
		      "the impostor has the dead holder's start time %lld",
		      before);
	ck_assert_int_gt(after, before);
	/* the impostor is in the namespace with that pid, and becomes an
	 * unrelated program (init replies before its child has exec'd) */
	ck_assert_int_eq(count_in_ns(ns, left, sizeof(left)), 2);
	host = host_pid(ns, inner);
	ck_assert_msg(host > 0, "no process with inner pid %d in:%s", inner,
		      left);
	end = mono_us() + (int64_t)WAIT_MS * 1000;
	do
		comm_of(host, buf, sizeof(buf));
	while (strcmp(buf, "sleep") && mono_us() < end && !usleep(10000));
	ck_assert_str_eq(buf, "sleep");
	worker_kill(&w);
	ck_assert_msg(wait_gone(ns, 0, GONE_MS, left, sizeof(left)) == 0,
		      "left after the worker died:%s", left);
}
END_TEST

static void w_recycle_busy(int out)
{
	struct sandbox sb;
	struct holder_proc a, z;
	char *err = NULL;
	pid_t ia, iz, got = 0;

	wsandbox(out, &sb);
	ia = wholder(out, &a, "echo $$; exec sleep 60");
	if (!sandbox_recycle(&sb, NULL, ia, &got, &err))
		wfail(out, "recycled live pid %d (got %d)", (int)ia, (int)got);
	if (!strstr(err, "cannot recycle pid") || !strstr(err, strerror(EBUSY)))
		wfail(out, "live pid: unexpected error '%s'", err);
	if (kill(a.pid, 0))
		wfail(out, "the live holder died");
	free(err);
	err = NULL;
	/* dead but not reaped: a zombie keeps its pid */
	iz = wholder(out, &z, "echo $$; exec sleep 60");
	kill(z.pid, SIGKILL);
	usleep(100000);
	if (!sandbox_recycle(&sb, NULL, iz, &got, &err))
		wfail(out, "recycled zombie pid %d (got %d)", (int)iz,
		      (int)got);
	if (!strstr(err, strerror(EBUSY)))
		wfail(out, "zombie pid: unexpected error '%s'", err);
	free(err);
	dprintf(out, "ok\n");
	pause();
}

START_TEST(test_sandbox_recycle_busy)
{
	struct worker w;
	char buf[512], left[1024], ns[64];

	need_root();
	new_mark();
	w = worker_start(w_recycle_busy);
	worker_sandbox(&w, ns, sizeof(ns));
	worker_ok(&w, buf, sizeof(buf), WAIT_MS);
	worker_kill(&w);
	ck_assert_msg(wait_gone(ns, 0, GONE_MS, left, sizeof(left)) == 0,
		      "left after the worker died:%s", left);
}
END_TEST

/* The runner's order: holders killed and reaped, then the sweep. */
/* ---- holder namespaces (ns=, pid=) --------------------------------------- */

/* In a worker: a holder in namespace ns as pid `want`, whose command says
 * its pid and its /proc's pid 1; returns the pid it said. */
static pid_t wholder_in(int out, struct holder_proc *hp,
			const struct sandbox *sb, const struct pidns *ns,
			pid_t want, char *init_comm, size_t size)
{
	char *argv[] = { "/bin/sh", "-c",
			 "echo $$; cat /proc/1/comm; exec sleep 60", NULL };
	char *env[] = { mark, NULL };
	char *err = NULL, line[64];

	*hp = (struct holder_proc)HOLDER_PROC_INIT;
	if (want && sandbox_next_pid((struct sandbox *)sb, ns, want, &err))
		wfail(out, "sandbox_next_pid(%d): %s", (int)want, err);
	if (holder_start_in(hp, argv, env, "/", 0, ns, want, &err))
		wfail(out, "holder_start_in: %s", err);
	if (read_line(hp->out_fd, line, sizeof(line), WAIT_MS))
		wfail(out, "the holder did not say its pid ('%s')", line);
	if (read_line(hp->out_fd, init_comm, size, WAIT_MS))
		wfail(out, "the holder did not say its pid 1 ('%s')",
		      init_comm);
	return (pid_t)atoi(line);
}

static void w_namespaces(int out)
{
	struct sandbox sb;
	struct pidns c1 = PIDNS_INIT, c2 = PIDNS_INIT;
	struct holder_proc a, b;
	char *err = NULL, comm_a[64], comm_b[64];
	pid_t pa, pb, oa, ob;
	int st;

	wsandbox(out, &sb);
	if (sandbox_pidns_new(&sb, &c1, "c1", &err) ||
	    sandbox_pidns_new(&sb, &c2, "c2", &err))
		wfail(out, "sandbox_pidns_new: %s", err);
	if (c1.ino == c2.ino || !c1.ino || c1.ino == pidns_ino_of(1))
		wfail(out, "namespace inodes %llu %llu (sandbox %llu)", c1.ino,
		      c2.ino, pidns_ino_of(1));
	pa = wholder_in(out, &a, &sb, &c1, 7, comm_a, sizeof(comm_a));
	pb = wholder_in(out, &b, &sb, &c2, 7, comm_b, sizeof(comm_b));
	/* the same pid twice, taken: the pid is in use there */
	if (!sandbox_next_pid(&sb, &c1, 7, &err))
		wfail(out, "pid 7 given twice in c1");
	oa = pidns_outer_pid(c1.ino, 7);
	ob = pidns_outer_pid(c2.ino, 7);
	if (oa <= 0 || ob <= 0 || oa == ob || pid_inner(oa) != 7 ||
	    pidns_ino_of(oa) != c1.ino || pidns_ino_of(ob) != c2.ino)
		wfail(out, "outer pids %d %d", (int)oa, (int)ob);
	/* a zombie in a namespace: its parent is the worker, which waits */
	kill(a.pid, SIGKILL);
	for (st = 0; st < GONE_MS / 10 && proc_state(oa) != 'Z'; st++)
		usleep(10000);
	if (proc_state(oa) != 'Z')
		wfail(out, "A is not a zombie (state %c)", proc_state(oa));
	if (waitpid(a.pid, &st, 0) != a.pid || proc_state(oa))
		wfail(out, "A not reaped");
	dprintf(out, "ok %d %d %s %s\n", (int)pa, (int)pb, comm_a, comm_b);
	pause();
}

START_TEST(test_sandbox_holder_namespaces)
{
	struct worker w;
	char buf[256], left[1024], ns[64], a1[64], b1[64];
	int pa, pb;

	need_root();
	new_mark();
	w = worker_start(w_namespaces);
	worker_sandbox(&w, ns, sizeof(ns));
	ck_assert_int_eq(sscanf(worker_ok(&w, buf, sizeof(buf), WAIT_MS),
				"%d %d %63s %63s", &pa, &pb, a1, b1),
			 4);
	/* pid 7 in both containers */
	ck_assert_int_eq(pa, 7);
	ck_assert_int_eq(pb, 7);
	/* each sees its own namespace's /proc: pid 1 is that one's init */
	ck_assert_str_eq(a1, "lockchaos-nsini");
	ck_assert_str_eq(b1, "lockchaos-nsini");
	worker_kill(&w);
	ck_assert_msg(wait_gone(ns, 0, GONE_MS, left, sizeof(left)) == 0,
		      "left after the worker died:%s", left);
}
END_TEST

static void w_sweep_after_reap(int out)
{
	struct sandbox sb;
	struct holder_proc a, b, c;
	char *err = NULL;
	pid_t ib, got;
	int64_t t0;

	wsandbox(out, &sb);
	wholder(out, &a, "echo $$; exec sleep 60");
	ib = wholder(out, &b, "echo $$; exec sleep 60");
	wholder(out, &c, "sleep 60 & echo $$; exec sleep 60");
	kill(b.pid, SIGKILL);
	waitpid(b.pid, NULL, 0);
	/* an impostor: a child of init, not of the worker */
	if (sandbox_recycle(&sb, NULL, ib, &got, &err))
		wfail(out, "sandbox_recycle: %s", err);
	wexeced(out, got);
	dprintf(out, "ok ready\n");
	wgo(out); /* the test counts first */
	/* the holders, not what they started: that is the sweep's job */
	kill(a.pid, SIGKILL);
	waitpid(a.pid, NULL, 0);
	kill(c.pid, SIGKILL);
	waitpid(c.pid, NULL, 0);
	t0 = mono_us();
	sandbox_sweep(&sb);
	if (sb.init_pid != 0 || sb.init_fd != -1)
		wfail(out, "after sweep: init_pid %d init_fd %d",
		      (int)sb.init_pid, sb.init_fd);
	dprintf(out, "ok swept in %lld ms\n",
		(long long)(mono_us() - t0) / 1000);
	pause();
}

/* Three sandboxes one after another in one worker, as a scenario re-run
 * twice has them: each must be a PID namespace of its own with its holder
 * in it. Was a bug: the second entry opened the way back through the
 * first sandbox's /proc, found no "self" there, and after its sweep the
 * third unshare failed EINVAL: the third try ran with no sandbox and its
 * holders' forks failed ENOMEM. */
static void w_three_sandboxes(int out)
{
	for (int i = 0; i < 3; i++) {
		char *why = NULL, *err = NULL;
		struct sandbox sb = SANDBOX_INIT;
		struct holder_proc hp;
		pid_t inner;

		if (sandbox_enter(&sb, 1, &why, &err))
			wfail(out, "sandbox %d: sandbox_enter: %s", i + 1, err);
		if (!sb.pidns)
			wfail(out, "sandbox %d: no PID namespace: %s", i + 1,
			      why ? why : "no reason given");
		if (start_holder(&hp, "echo $$", 0, &err))
			wfail(out, "sandbox %d: holder_start: %s", i + 1, err);
		{
			char line[64];

			if (read_line(hp.out_fd, line, sizeof(line), WAIT_MS))
				wfail(out, "sandbox %d: no pid said", i + 1);
			inner = (pid_t)atoi(line);
		}
		if (inner < 2 || inner > 100 || inner == hp.pid)
			wfail(out, "sandbox %d: the holder is pid %d inside, "
				   "%d outside: not in a namespace of its own",
			      i + 1, (int)inner, (int)hp.pid);
		waitpid(hp.pid, NULL, 0);
		sandbox_sweep(&sb);
	}
	dprintf(out, "ok three\n");
	pause();
}

START_TEST(test_sandbox_three_in_a_row)
{
	struct worker w;
	char buf[256];

	need_root();
	new_mark();
	w = worker_start(w_three_sandboxes);
	worker_ok(&w, buf, sizeof(buf), 40000);
	worker_kill(&w);
}
END_TEST

START_TEST(test_sandbox_sweep_after_reap)
{
	struct worker w;
	char buf[256], left[1024], ns[64];
	int n;

	need_root();
	new_mark();
	w = worker_start(w_sweep_after_reap);
	worker_sandbox(&w, ns, sizeof(ns));
	worker_ok(&w, buf, sizeof(buf), WAIT_MS);
	/* init, a, c, c's background sleep, the impostor */
	n = wait_in_ns(ns, 5, GONE_MS, left, sizeof(left));
	ck_assert_msg(n == 5, "%d in the namespace:%s", n, left);
	worker_go(&w);
	worker_ok(&w, buf, sizeof(buf), WAIT_MS);
	/* the worker is alive: only it may carry the mark now, and nothing
	 * is left in the namespace */
	ck_assert_msg(wait_gone(ns, w.pid, GONE_MS, left, sizeof(left)) == 0,
		      "left after sandbox_sweep:%s", left);
	worker_kill(&w);
}
END_TEST

/*
 * sandbox_sweep with holders still running, as supervise.h allows ("kills
 * every process of the sandbox and reaps the worker's children").
 * Was a bug (fixed; this test keeps it fixed): it hangs. Killing init makes the kernel kill the namespace, and the
 * dying init waits until every process of it is reaped; the holders are the
 * worker's children, and the worker sits in waitpid(init_pid), which does
 * not return until they are (supervise.c:251-252). Reaping any child
 * (waitpid(-1)) until init is reaped fixes it.
 */
static void w_sweep_live(int out)
{
	struct sandbox sb;
	struct holder_proc a, b, c;
	int64_t t0;

	wsandbox(out, &sb);
	wholder(out, &a, "echo $$; exec sleep 60");
	wholder(out, &b, "echo $$; exec sleep 60");
	wholder(out, &c, "sleep 60 & echo $$; exec sleep 60");
	dprintf(out, "ok ready\n");
	t0 = mono_us();
	sandbox_sweep(&sb);
	dprintf(out, "ok swept in %lld ms\n",
		(long long)(mono_us() - t0) / 1000);
	pause();
}

START_TEST(test_sandbox_sweep_live_holders)
{
	struct worker w;
	char buf[256], left[1024], ns[64];
	int rc;

	need_root();
	new_mark();
	w = worker_start(w_sweep_live);
	worker_sandbox(&w, ns, sizeof(ns));
	worker_ok(&w, buf, sizeof(buf), WAIT_MS);
	rc = read_line(w.fd, buf, sizeof(buf), 3000);
	if (rc) {
		worker_kill(&w);
		wait_gone(ns, 0, GONE_MS, left, sizeof(left));
		ck_abort_msg("sandbox_sweep did not return within 3 s with "
			     "live holders (supervise.c sandbox_sweep: "
			     "waitpid(init) while init waits for the worker "
			     "to reap the holders)");
	}
	ck_assert_msg(!strncmp(buf, "ok swept", 8), "worker: %s", buf);
	ck_assert_msg(wait_gone(ns, w.pid, GONE_MS, left, sizeof(left)) == 0,
		      "left after sandbox_sweep:%s", left);
	worker_kill(&w);
}
END_TEST

/*
 * No orphan after the harness is SIGKILLed: holders, a holder's own child,
 * an impostor and init all go with the worker, within 2 s.
 */
static void w_to_be_killed(int out)
{
	struct sandbox sb;
	struct holder_proc a, b, c, d;
	char *err = NULL;
	pid_t id, got;

	wsandbox(out, &sb);
	wholder(out, &a, "echo $$; exec sleep 60");
	wholder(out, &b, "echo $$; exec sleep 60");
	wholder(out, &c, "sleep 60 & echo $$; exec sleep 60");
	id = wholder(out, &d, "echo $$; exec sleep 60");
	kill(d.pid, SIGKILL);
	waitpid(d.pid, NULL, 0);
	if (sandbox_recycle(&sb, NULL, id, &got, &err))
		wfail(out, "sandbox_recycle: %s", err);
	wexeced(out, got);
	dprintf(out, "ok\n");
	pause();
}

START_TEST(test_no_orphan_after_sigkill)
{
	struct worker w;
	char buf[256], left[1024], ns[64];
	int marked, in_ns, n, st;

	need_root();
	new_mark();
	w = worker_start(w_to_be_killed);
	worker_sandbox(&w, ns, sizeof(ns));
	worker_ok(&w, buf, sizeof(buf), WAIT_MS);
	/* in the namespace: init, a, b, c, c's background sleep (a process
	 * the harness never started), the impostor; all but init marked */
	in_ns = wait_in_ns(ns, 6, GONE_MS, left, sizeof(left));
	ck_assert_msg(in_ns == 6, "%d in the namespace:%s", in_ns, left);
	marked = count_marked(w.pid, left, sizeof(left));
	ck_assert_msg(marked >= 5, "only %d marked processes:%s", marked, left);
	in_ns = count_in_ns(ns, left, sizeof(left));
	ck_assert_msg(in_ns == marked + 1,
		      /* init */ "%d in the namespace, %d marked:%s", in_ns,
		      marked, left);
	kill(w.pid, SIGKILL);
	ck_assert_int_eq(waitpid(w.pid, &st, 0), w.pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	close(w.fd);
	close(w.go);
	n = wait_gone(ns, 0, GONE_MS, left, sizeof(left));
	ck_assert_msg(n == 0,
		      "%d of %d processes outlived the SIGKILLed worker by 2 "
		      "s:%s",
		      n, in_ns, left);
}
END_TEST

static Suite *supervise_suite(void)
{
	Suite *s = suite_create("supervise");
	TCase *tc;

	tc = tcase_create("holders");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_holder_start_missing_program);
	tcase_add_test(tc, test_holder_start_not_executable);
	tcase_add_test(tc, test_holder_start_cat_pipes);
	tcase_add_test(tc, test_holder_start_env_dir_stderr);
	tcase_add_test(tc, test_holder_start_group);
	tcase_add_test(tc, test_holder_start_bad_dir_is_named);
	tcase_add_test(tc, test_holder_start_no_fd_leak_on_pipe_failure);
	suite_add_tcase(s, tc);

	tc = tcase_create("proc");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_proc_state_and_dead_pids);
	tcase_add_test(tc, test_proc_stat_odd_comm);
	suite_add_tcase(s, tc);

	tc = tcase_create("sandbox");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sandbox_without_pidns);
	tcase_add_test(tc, test_sandbox_holder_small_pid);
	tcase_add_test(tc, test_sandbox_recycle);
	tcase_add_test(tc, test_sandbox_recycle_busy);
	tcase_add_test(tc, test_sandbox_holder_namespaces);
	tcase_add_test(tc, test_sandbox_sweep_after_reap);
	tcase_add_test(tc, test_sandbox_three_in_a_row);
	tcase_add_test(tc, test_sandbox_sweep_live_holders);
	tcase_add_test(tc, test_no_orphan_after_sigkill);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(supervise_suite());
}
