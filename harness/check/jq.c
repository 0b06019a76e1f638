/*
 * jq.c - custom assertions: a scenario's `assert jq PROGRAM` over the
 * history (see check_jq() in check.h).
 */
#include "check/check.h"

#include <errno.h>
#include <jq.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"

/* `repeat(true)` would otherwise hang the harness after the run. */
#define JQ_MAX_OUTPUTS 10000000L
/* How much CPU one program may use (check_jq): CPU seconds, not wall
 * time, so that a loaded machine does not fail an assertion a quiet one
 * passes (soak round 8: two `assert jq` of the catalog "did not end within
 * 5000 ms" at load 73). The wall limit catches a program that neither
 * runs nor waits for a CPU (blocked in the kernel): one still runnable at
 * it (or seen to run or wait for a CPU lately: CHECK_JQ_MOVED_US) is
 * given more, up to CHECK_JQ_WALL_FACTOR times in all, as a
 * holder's start is (make check under stress-ng at load 80: 5 s of CPU
 * took more than 120 s of wall time). */
#define CHECK_JQ_CPU_S 5
#define CHECK_JQ_WALL_MS 120000
#define CHECK_JQ_WALL_FACTOR 10
/* Past the wall limit a program not runnable at a look is still not stuck
 * when it ran or waited for a CPU in this long before (its schedstat
 * moved): beside the soak's memory and disk stressors a looping program
 * is caught asleep in a page fault often enough (make check at load 57:
 * "did not end within 120107 ms" for one that had not used its 5 s) */
#define CHECK_JQ_MOVED_US 5000000

static int jq_wall_ms = CHECK_JQ_WALL_MS;

void check_jq_wall(int ms)
{
	jq_wall_ms = ms > 0 ? ms : CHECK_JQ_WALL_MS;
}

/* Whether `pid` is runnable (running or waiting for a CPU): /proc/PID/stat's
 * state, after the name's closing parenthesis. */
static int runnable(pid_t pid)
{
	char path[64], *text, *p;
	int r = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	text = read_file(path, 1024, NULL);
	if (text && (p = strrchr(text, ')')) && p[1] == ' ')
		r = p[2] == 'R';
	free(text);
	return r;
}

/* The nanoseconds `pid` has run and waited for a CPU (the first two fields
 * of /proc/PID/schedstat, summed); -1 when unreadable. */
static long long sched_moved_ns(pid_t pid)
{
	char path[64], *text;
	unsigned long long ran, waited;
	long long ns = -1;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	text = read_file(path, 256, NULL);
	if (text && sscanf(text, "%llu %llu", &ran, &waited) == 2)
		ns = (long long)(ran + waited);
	free(text);
	return ns;
}

/* Collects libjq's error messages ("jq: error: ... \n jq: 1 compile error"),
 * keeping the informative ones. */
static void jq_collect(void *data, jv msg)
{
	jv *acc = data;
	const char *s;

	if (jv_get_kind(msg) != JV_KIND_STRING)
		msg = jv_dump_string(msg, 0);
	s = jv_string_value(msg);
	if (!strncmp(s, "jq: error: ", 11))
		s += 11;
	else if (!strncmp(s, "jq: ", 4) && strstr(s, "compile error"))
		s = NULL; /* the count, which says nothing new */
	if (s) {
		if (jv_string_length_bytes(jv_copy(*acc)))
			*acc = jv_string_append_str(*acc, "; ");
		*acc = jv_string_append_str(*acc, s);
	}
	jv_free(msg);
}

static void jq_quiet(void *data, jv msg)
{
	(void)data;
	jv_free(msg);
}

static jv jq_no_input(jq_state *jq, void *data)
{
	(void)jq;
	(void)data;
	return jv_invalid();
}

/* `x` as text for a message, cut at 200 bytes; consumes x. */
static char *show(jv x)
{
	char buf[201];

	jv_dump_string_trunc(x, buf, sizeof(buf));
	return xstrdup(buf);
}

static int jq_eval(jv history, const char *program, char **err)
{
	jq_state *jq;
	jv errors = jv_string("");
	long outputs = 0;
	int rc = 1;

	*err = NULL;
	if (!program || !*program) {
		*err = xstrdup("empty jq program");
		jv_free(errors);
		return -1;
	}
	jq = jq_init();
	if (!jq) {
		*err = xstrdup("cannot initialise libjq");
		jv_free(errors);
		return -1;
	}
	jq_set_error_cb(jq, jq_collect, &errors);
	/* libjq 1.6 crashes on `debug` without a callback and on `input`
	 * without an input callback, and aborts on `import` unless a library
	 * path is set. An assertion reads the history and nothing else: no
	 * input, no modules (an empty search path makes `import` a clean
	 * compile error). */
	jq_set_debug_cb(jq, jq_quiet, NULL);
	jq_set_input_cb(jq, jq_no_input, NULL);
	jq_set_attr(jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
	if (!jq_compile(jq, program)) {
		*err = xasprintf("jq program does not compile: %s",
				 jv_string_length_bytes(jv_copy(errors))
					 ? jv_string_value(errors)
					 : "unknown error");
		jq_teardown(&jq);
		jv_free(errors);
		return -1;
	}
	jq_start(jq, jv_copy(history), 0);
	for (;;) {
		jv out = jq_next(jq);

		if (!jv_is_valid(out)) {
			if (jq_halted(jq)) {
				jv code = jq_get_exit_code(jq);
				jv msg = jq_get_error_message(jq);

				/* `halt` (no exit code) is a normal end */
				if (jv_is_valid(code) || jv_is_valid(msg)) {
					char *m = jv_get_kind(msg) ==
								  JV_KIND_STRING
							  ? xstrdup(
								    jv_string_value(
									    msg))
							  : show(jv_copy(msg));

					*err = xasprintf(
						"jq program halted (exit code "
						"%d): %s",
						jv_get_kind(code) ==
								JV_KIND_NUMBER
							? (int)jv_number_value(
								  code)
							: 5,
						m);
					free(m);
					rc = -1;
				}
				jv_free(code);
				jv_free(msg);
			} else if (jv_invalid_has_msg(jv_copy(out))) {
				jv msg = jv_invalid_get_msg(jv_copy(out));
				char *m = jv_get_kind(msg) == JV_KIND_STRING
						  ? xstrdup(jv_string_value(
							    msg))
						  : show(jv_copy(msg));

				*err = xasprintf("jq program failed: %s", m);
				free(m);
				jv_free(msg);
				rc = -1;
			}
			jv_free(out);
			break;
		}
		outputs++;
		if (jv_get_kind(out) != JV_KIND_TRUE) {
			char *m = show(out);

			*err = xasprintf("jq assertion produced %s (output "
					 "%ld), not true",
					 m, outputs);
			free(m);
			rc = 0;
			break;
		}
		jv_free(out);
		if (outputs >= JQ_MAX_OUTPUTS) {
			*err = xasprintf("jq assertion produced more than "
					 "%ld outputs; it probably never ends",
					 JQ_MAX_OUTPUTS);
			rc = -1;
			break;
		}
	}
	/* No output asserts nothing: `select(false)` must not pass. */
	if (rc == 1 && !outputs) {
		*err = xstrdup("jq assertion produced no output");
		rc = 0;
	}
	jq_teardown(&jq);
	jv_free(errors);
	return rc;
}
/*
 * The program runs in a child process: libjq 1.6 has no way to interrupt
 * jq_next(), and `def f: f; f` or `last(range(1e18))` never return. The
 * child gets CHECK_JQ_MS and 1 GiB of address space, then is killed; its
 * answer (rc, then the message) comes back over a pipe. It also runs with
 * an empty environment: libjq fills `$ENV` and `env` from environ, and the
 * harness's environment is nobody's business in a report.
 */
int check_jq(jv history, const char *program, char **err)
{
	extern char **environ;
	int fds[2], status;
	char buf[4096];
	size_t len = 0;
	int64_t start, end, moved_at = 0;
	long long moved_ns = -2;
	pid_t pid;

	*err = NULL;
	if (pipe(fds)) {
		*err = xasprintf("cannot run jq: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork_patient();
	if (pid < 0) {
		*err = xasprintf("cannot run jq: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		static char *no_env[] = { NULL };
		struct rlimit as = { 1UL << 30, 1UL << 30 };
		struct rlimit cpu = { CHECK_JQ_CPU_S, CHECK_JQ_CPU_S + 1 };
		char *msg = NULL;
		char rc;
		ssize_t w;

		close(fds[0]);
#ifndef __SANITIZE_ADDRESS__
		/* Not under ASan: its shadow memory is address space, and a
		 * 1 GiB cap makes its own allocations fail. */
		setrlimit(RLIMIT_AS, &as);
#else
		(void)as;
#endif
		setrlimit(RLIMIT_CPU, &cpu); /* SIGXCPU past it */
		environ = no_env;
		rc = (char)jq_eval(history, program, &msg);
		w = write(fds[1], &rc, 1);
		if (msg)
			w = write(fds[1], msg, strnlen(msg, sizeof(buf) - 2));
		(void)w;
		_exit(0);
	}
	close(fds[1]);
	start = mono_us();
	end = start + (int64_t)jq_wall_ms * 1000;
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		int64_t left = (end - mono_us()) / 1000;
		ssize_t r;

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			int64_t now = mono_us();
			long long ns = sched_moved_ns(pid);

			if (ns != moved_ns) {
				moved_ns = ns;
				moved_at = now;
			}
			if ((runnable(pid) || now - moved_at < CHECK_JQ_MOVED_US) &&
			    now - start <
				    (int64_t)jq_wall_ms * 1000 * CHECK_JQ_WALL_FACTOR) {
				end = now + 100000;
				continue;
			}
			kill(pid, SIGKILL);
			len = (size_t)-1;
			break;
		}
		r = read(fds[0], buf + len, sizeof(buf) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (len += (size_t)r) == sizeof(buf) - 1)
			break;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (len == (size_t)-1) {
		*err = xasprintf("jq program did not end within %lld ms",
				 (long long)((mono_us() - start) / 1000));
		return -1;
	}
	if (!len && WIFSIGNALED(status) &&
	    (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL)) {
		*err = xasprintf("jq program did not end within %d s of CPU",
				 CHECK_JQ_CPU_S);
		return -1;
	}
	if (!len) {
		*err = xasprintf("jq program %s",
				 WIFSIGNALED(status)
					 ? "crashed or ran out of memory"
					 : "gave no answer");
		return -1;
	}
	buf[len] = '\0';
	if (len > 1)
		*err = xstrdup(buf + 1);
	return buf[0] == 1 ? 1 : buf[0] == 0 ? 0 : -1;
}
