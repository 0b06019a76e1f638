/*
 * driver.c - the least a harness can do for one scenario, to measure the
 * harness against (make bench).
 *
 *   bench-driver drive HOLDERS MESSAGES SESSIONS -- HOLDER_CMD...
 *       the same work as `lockchaos run` on the scenario tests/bench/bench.sh
 *       writes for these numbers: a scratch folder, the same sandbox (PID +
 *       mount namespace, lockchaos's own init: harness/sandbox), HOLDERS
 *       holders started with the protocol's environment, each hello read,
 *       MESSAGES `deliver` commands sent round robin over the holders and
 *       SESSIONS sessions, every answer read, then `exit` to each holder and
 *       everything reaped. No history, checkers or reports: that is the
 *       harness's cost. Prints "ok N fail N"; exits 1 when an answer is
 *       missing or a holder could not start.
 *
 *   bench-driver time OUT -- CMD...
 *       runs CMD and writes "wall_us cpu_us maxrss_kb" of it (CLOCK_MONOTONIC
 *       around fork/exec/wait4, the child's user+sys with its reaped
 *       descendants, the largest resident set among them) to OUT; exits
 *       with CMD's status. A timer with no shell and no `date` in the way.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/supervise.h"
#include "lib/util.h"

struct drv_holder {
	struct holder_proc proc;
	char *buf; /* partial stdout line */
	size_t len, alloc;
	char *cmds; /* commands not yet written to its stdin */
	size_t cmd_len, cmd_off, cmd_alloc;
	int hello, eof, answers, oks;
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Queues a command line; pump() writes it as the pipe takes it. */
static void queue(struct drv_holder *h, const char *line)
{
	size_t n = strlen(line);

	ALLOC_GROW(h->cmds, h->cmd_len + n + 1, h->cmd_alloc);
	memcpy(h->cmds + h->cmd_len, line, n);
	h->cmd_len += n;
}

/* Writes what the holder's stdin pipe takes now, without blocking. */
static void flush_some(struct drv_holder *h)
{
	while (h->cmd_off < h->cmd_len) {
		ssize_t w = write(h->proc.in_fd, h->cmds + h->cmd_off,
				  h->cmd_len - h->cmd_off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		h->cmd_off += (size_t)w;
	}
	h->cmd_off = h->cmd_len = 0;
}

/* One event line of holder h: count hellos and answers. */
static void on_line(struct drv_holder *h, const char *line)
{
	if (strstr(line, "\"ev\":\"hello\""))
		h->hello = 1;
	else if (strstr(line, "\"ev\":\"ok\""))
		h->answers++, h->oks++;
	else if (strstr(line, "\"ev\":\"fail\""))
		h->answers++;
}

static void on_bytes(struct drv_holder *h, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != '\n') {
			ALLOC_GROW(h->buf, h->len + 2, h->alloc);
			h->buf[h->len++] = p[i];
			continue;
		}
		ALLOC_GROW(h->buf, h->len + 1, h->alloc);
		h->buf[h->len] = '\0';
		on_line(h, h->buf);
		h->len = 0;
	}
}

typedef int (*drv_done_fn)(struct drv_holder *h, int n, int want);

static int all_hello(struct drv_holder *h, int n, int want)
{
	int i;

	for (i = 0; i < n; i++)
		if (!h[i].hello && !h[i].eof)
			return 0;
	return 1;
}

static int all_answered(struct drv_holder *h, int n, int want)
{
	int i, got = 0;

	for (i = 0; i < n; i++)
		got += h[i].answers;
	return got >= want;
}

static int all_eof(struct drv_holder *h, int n, int want)
{
	int i;

	for (i = 0; i < n; i++)
		if (!h[i].eof)
			return 0;
	return 1;
}

/* Reads every holder's stdout and stderr until done() or the deadline. */
static int pump(struct drv_holder *h, int n, drv_done_fn done, int want,
		int64_t deadline_us)
{
	struct pollfd *p = xcalloc((size_t)3 * n, sizeof(*p));
	char chunk[65536];
	int i, rc = -1;

	while (now_us() < deadline_us) {
		int k = 0;

		if (done(h, n, want)) {
			rc = 0;
			break;
		}
		for (i = 0; i < n; i++) {
			flush_some(&h[i]);
			p[2 * i] = (struct pollfd){ h[i].eof ? -1 : h[i].proc.out_fd,
						    POLLIN, 0 };
			p[2 * i + 1] = (struct pollfd){ h[i].proc.err_fd, POLLIN,
							0 };
			p[2 * n + i] = (struct pollfd){
				h[i].cmd_len > h[i].cmd_off ? h[i].proc.in_fd : -1,
				POLLOUT, 0 };
		}
		if (poll(p, (nfds_t)(3 * n), 100) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 2 * n; i++) {
			struct drv_holder *x = &h[i / 2];
			ssize_t r;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			r = read(p[i].fd, chunk, sizeof(chunk));
			if (r > 0 && i % 2 == 0)
				on_bytes(x, chunk, (size_t)r);
			if (r == 0 && i % 2 == 0)
				x->eof = 1;
			if (r == 0 && i % 2 == 1) {
				close(x->proc.err_fd);
				x->proc.err_fd = -1;
			}
			k++;
		}
		(void)k;
	}
	free(p);
	return rc;
}

static int drive(int holders, int messages, int sessions, char **cmd)
{
	struct sandbox sb = SANDBOX_INIT;
	struct drv_holder *h = xcalloc((size_t)holders, sizeof(*h));
	char scratch[4096], *why = NULL, *err = NULL;
	const char *tmp = getenv("TMPDIR");
	int i, ok = 0, answered = 0, rc = 0;
	char *line;

	snprintf(scratch, sizeof(scratch), "%s/lockchaos-bench-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch)) {
		fprintf(stderr, "bench-driver: cannot create '%s': %s\n",
			scratch, strerror(errno));
		return 1;
	}
	if (sandbox_enter(&sb, 1, &why, &err)) {
		fprintf(stderr, "bench-driver: %s\n", err);
		return 1;
	}
	for (i = 0; i < holders; i++) {
		char *env[4];
		int k;

		env[0] = xasprintf("LOCKCHAOS_HOLDER=H%d", i);
		env[1] = xasprintf("LOCKCHAOS_DIR=%s", scratch);
		env[2] = xasprintf("LOCKCHAOS_PROTO=1");
		env[3] = NULL;
		h[i].proc = (struct holder_proc)HOLDER_PROC_INIT;
		k = holder_start(&h[i].proc, cmd, env, scratch, !sb.pidns, &err);
		free(env[0]);
		free(env[1]);
		free(env[2]);
		if (k) {
			fprintf(stderr, "bench-driver: holder H%d: %s\n", i, err);
			rc = 1;
			holders = i;
			goto out;
		}
		fcntl(h[i].proc.in_fd, F_SETFL, O_NONBLOCK);
		fcntl(h[i].proc.out_fd, F_SETFL, O_NONBLOCK);
		fcntl(h[i].proc.err_fd, F_SETFL, O_NONBLOCK);
	}
	if (pump(h, holders, all_hello, 0, now_us() + 10000000)) {
		fprintf(stderr, "bench-driver: not every holder said hello\n");
		rc = 1;
		goto out;
	}
	/* As the harness issues a scenario's operations: all at once, each
	 * holder's in order, without waiting for answers. */
	for (i = 0; i < messages; i++) {
		line = xasprintf("{\"op\":\"deliver\",\"id\":%d,\"session\":"
				 "\"s%d\",\"msg\":\"m%d\",\"lane\":\"main\","
				 "\"timeoutMs\":60000,\"pollMs\":50,"
				 "\"maxHoldMs\":5000,\"graceMs\":5000}\n",
				 i / holders + 1, i % sessions, i);
		queue(&h[i % holders], line);
		free(line);
	}
	if (pump(h, holders, all_answered, messages, now_us() + 600000000))
		rc = 1;
	for (i = 0; i < holders; i++) {
		line = xasprintf("{\"op\":\"exit\",\"id\":%d}\n",
				 messages / holders + 2);
		queue(&h[i], line);
		free(line);
	}
	pump(h, holders, all_eof, 0, now_us() + 10000000);
out:
	for (i = 0; i < holders; i++) {
		ok += h[i].oks;
		answered += h[i].answers;
		holder_close(&h[i].proc);
		free(h[i].buf);
		free(h[i].cmds);
	}
	sandbox_sweep(&sb);
	for (i = 0; i < holders; i++)
		waitpid(h[i].proc.pid, NULL, 0);
	remove_tree(scratch);
	printf("ok %d fail %d\n", ok, answered - ok);
	free(h);
	free(why);
	return rc || answered < messages;
}

static int time_cmd(const char *out, char **cmd)
{
	int64_t t0 = now_us(), t1;
	struct rusage ru;
	int status = 0;
	pid_t pid = fork();
	FILE *fp;

	if (pid < 0) {
		perror("bench-driver: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	t1 = now_us();
	fp = fopen(out, "w");
	if (!fp) {
		fprintf(stderr, "bench-driver: cannot open '%s': %s\n", out,
			strerror(errno));
		return 1;
	}
	fprintf(fp, "%lld %lld %ld\n", (long long)(t1 - t0),
		(long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
			ru.ru_utime.tv_usec + ru.ru_stime.tv_usec,
		ru.ru_maxrss);
	fclose(fp);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 7 && !strcmp(argv[1], "drive") && !strcmp(argv[5], "--"))
		return drive(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]),
			     argv + 6);
	if (argc >= 5 && !strcmp(argv[1], "time") && !strcmp(argv[3], "--"))
		return time_cmd(argv[2], argv + 4);
	fprintf(stderr, "usage: bench-driver drive HOLDERS MESSAGES SESSIONS -- "
			"HOLDER_CMD...\n"
			"       bench-driver time OUT -- CMD...\n");
	return 2;
}
