/*
 * test_holder.c - drives the real sessionlock-holder binary through pipes,
 * as the harness does: hello, the lock events, transcripts on disk, two
 * holders contending, a SIGKILLed holder's lock reclaimed by another,
 * garbage input, spin, lane timeouts, the watchdog, fencing, libfiu remote
 * control, and the holder-side mutants beside the reference.
 *
 * Scratch folders of failing tests are kept (Check runs no teardown after
 * a failed assertion); their holders die with the test (PR_SET_PDEATHSIG).
 *
 * The binary is found next to this test's build folder
 * (<build>/tests/test_holder -> <build>/sessionlock-holder), or at
 * $LOCKCHAOS_HOLDER_BIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <jv.h>
#include "unit.h"

#define WAIT_MS 5000 /* how long an expected event may take: CI is slow */

static char dir[PATH_MAX];
static char bin[PATH_MAX + 64];

/* One holder process and what it said so far. */
struct hp {
	pid_t pid;
	int in, out;	   /* its stdin (we write), its stdout (we read) */
	char buf[1 << 16]; /* partial output line */
	size_t len;
	jv events; /* every event read, in order */
	int exited;
	int status;
};

static struct hp *procs[8];
static int nprocs;

/* ---- fixture
 * -------------------------------------------------------------------- */

static void find_holder(void)
{
	const char *env = getenv("LOCKCHAOS_HOLDER_BIN");
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env) {
		snprintf(bin, sizeof(bin), "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	ck_assert_ptr_nonnull(slash);
	*slash = '\0';
	snprintf(bin, sizeof(bin), "%s/../sessionlock-holder", exe);
	ck_assert_msg(access(bin, X_OK) == 0, "no holder binary at %s", bin);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");

	signal(SIGPIPE, SIG_IGN);
	find_holder();
	snprintf(dir, sizeof(dir), "%s/lockchaos-holder-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	nprocs = 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static void teardown(void)
{
	for (int i = 0; i < nprocs; i++) {
		struct hp *h = procs[i];

		if (!h->exited) {
			kill(h->pid, SIGKILL);
			waitpid(h->pid, NULL, 0);
		}
		close(h->in);
		close(h->out);
		jv_free(h->events);
		free(h);
	}
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- driving a holder
 * ----------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts the holder as `name` with extra arguments (NULL-terminated) and
 * extra environment "K=V" strings (NULL-terminated, may be NULL). */
static struct hp *hp_start_env(const char *name, const char *const *args,
			       const char *const *env)
{
	struct hp *h = calloc(1, sizeof(*h));
	int in[2], out[2];
	const char *argv[16] = {bin};
	int argc = 1;

	ck_assert_ptr_nonnull(h);
	for (; args && *args && argc < 15; args++)
		argv[argc++] = *args;
	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	h->pid = fork();
	ck_assert_int_ge(h->pid, 0);
	if (h->pid == 0) {
		/* a failed assertion skips the teardown: die with the test */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		if (chdir(dir) < 0)
			_exit(126);
		setenv("LOCKCHAOS_DIR", dir, 1);
		setenv("LOCKCHAOS_HOLDER", name, 1);
		setenv("LOCKCHAOS_PROTO", "1", 1);
		unsetenv("FIU_CTRL_FIFO");
		for (; env && *env; env++)
			putenv((char *)*env);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	h->in = in[1];
	h->out = out[0];
	h->events = jv_array();
	procs[nprocs++] = h;
	return h;
}

static struct hp *hp_start(const char *name, const char *const *args)
{
	return hp_start_env(name, args, NULL);
}

static void hp_send(struct hp *h, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	ck_assert_int_eq(write(h->in, line, (size_t)n), n);
}

static void hp_write(struct hp *h, const void *bytes, size_t len)
{
	const char *p = bytes;

	while (len) {
		ssize_t n = write(h->in, p, len);

		ck_assert_int_gt(n, 0);
		p += n;
		len -= (size_t)n;
	}
}

/*
 * Reads the next event, waiting up to `ms`. Every output line must be a
 * JSON object with "ev" and an integer "t" (the protocol). Returns the
 * event (a copy is kept in h->events), or jv_invalid on timeout / EOF.
 */
static jv hp_next(struct hp *h, int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		char *nl = memchr(h->buf, '\n', h->len);
		struct pollfd pfd = {h->out, POLLIN, 0};
		int64_t left;
		ssize_t n;

		if (nl) {
			jv ev = jv_parse_sized(h->buf, (int)(nl - h->buf));
			size_t used = (size_t)(nl - h->buf) + 1;

			ck_assert_msg(jv_get_kind(ev) == JV_KIND_OBJECT,
				      "holder wrote a non-object line: %.*s",
				      (int)(nl - h->buf), h->buf);
			{
				jv t =
				    jv_object_get(jv_copy(ev), jv_string("t"));
				jv kind =
				    jv_object_get(jv_copy(ev), jv_string("ev"));
				int ok = jv_get_kind(t) == JV_KIND_NUMBER &&
					 jv_get_kind(kind) == JV_KIND_STRING;

				jv_free(t);
				jv_free(kind);
				ck_assert_msg(
				    ok, "event without \"t\" or \"ev\": %.*s",
				    (int)(nl - h->buf), h->buf);
			}
			memmove(h->buf, h->buf + used, h->len - used);
			h->len -= used;
			h->events = jv_array_append(h->events, jv_copy(ev));
			return ev;
		}
		left = end - now_ms();
		if (left <= 0)
			return jv_invalid();
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		ck_assert_msg(h->len < sizeof(h->buf), "event line too long");
		n = read(h->out, h->buf + h->len, sizeof(h->buf) - h->len);
		if (n <= 0)
			return jv_invalid();
		h->len += (size_t)n;
	}
}

static const char *ev_str(jv ev, const char *key)
{
	static char out[4][2048];
	static int slot;
	jv v = jv_object_get(jv_copy(ev), jv_string(key));
	char *o = out[slot++ % 4];

	if (jv_get_kind(v) == JV_KIND_STRING)
		snprintf(o, sizeof(out[0]), "%s", jv_string_value(v));
	else if (jv_get_kind(v) == JV_KIND_NUMBER)
		snprintf(o, sizeof(out[0]), "%.0f", jv_number_value(v));
	else if (jv_get_kind(v) == JV_KIND_TRUE)
		snprintf(o, sizeof(out[0]), "true");
	else if (jv_get_kind(v) == JV_KIND_FALSE)
		snprintf(o, sizeof(out[0]), "false");
	else if (jv_get_kind(v) == JV_KIND_NULL)
		snprintf(o, sizeof(out[0]), "null");
	else
		o[0] = '\0'; /* absent */
	jv_free(v);
	return o;
}

static int ev_is(jv ev, const char *kind, long long id)
{
	char want[32];

	if (strcmp(ev_str(ev, "ev"), kind))
		return 0;
	snprintf(want, sizeof(want), "%lld", id);
	return id < 0 || !strcmp(ev_str(ev, "id"), want);
}

/* Everything the holder said, for failure messages. */
static const char *dump(struct hp *h)
{
	static char out[16384];
	jv s = jv_dump_string(jv_copy(h->events), 0);

	snprintf(out, sizeof(out), "%s", jv_string_value(s));
	jv_free(s);
	return out;
}

/* Waits for event `kind` (with `id`, or any id when id < 0). */
static jv hp_wait(struct hp *h, const char *kind, long long id, int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		int64_t left = end - now_ms();
		jv ev = hp_next(h, left > 0 ? (int)left : 0);

		ck_assert_msg(jv_is_valid(ev),
			      "no '%s' id %lld within %d ms; got %s", kind, id,
			      ms, dump(h));
		if (ev_is(ev, kind, id))
			return ev;
		jv_free(ev);
	}
}

/* The outcome (ok or fail) of command `id`. */
static jv hp_outcome(struct hp *h, long long id, int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		int64_t left = end - now_ms();
		jv ev = hp_next(h, left > 0 ? (int)left : 0);

		ck_assert_msg(jv_is_valid(ev),
			      "no outcome for id %lld within %d ms; got %s", id,
			      ms, dump(h));
		if (ev_is(ev, "ok", id) || ev_is(ev, "fail", id))
			return ev;
		jv_free(ev);
	}
}

static void expect_ok(struct hp *h, long long id)
{
	jv ev = hp_outcome(h, id, WAIT_MS);

	ck_assert_msg(ev_is(ev, "ok", id), "id %lld: %s", id, dump(h));
	jv_free(ev);
}

/* Expects `fail` with `reason`; returns its error text (static). */
static const char *expect_fail(struct hp *h, long long id, const char *reason)
{
	static char err[2048];
	jv ev = hp_outcome(h, id, WAIT_MS);

	ck_assert_msg(ev_is(ev, "fail", id), "id %lld should fail: %s", id,
		      dump(h));
	ck_assert_str_eq(ev_str(ev, "reason"), reason);
	snprintf(err, sizeof(err), "%s", ev_str(ev, "error"));
	jv_free(ev);
	return err;
}

/* How many events of `kind` seen so far have `key` containing `needle`. */
static int seen(struct hp *h, const char *kind, const char *key,
		const char *needle)
{
	int n = 0;

	jv_array_foreach(h->events, i, ev)
	{
		if (!strcmp(ev_str(ev, "ev"), kind) &&
		    (!key || strstr(ev_str(ev, key), needle)))
			n++;
		jv_free(ev);
	}
	return n;
}

/* Reads events for `ms`, collecting them (nothing is expected). */
static void hp_drain(struct hp *h, int ms)
{
	int64_t end = now_ms() + ms;
	int64_t left;

	while ((left = end - now_ms()) > 0) {
		jv ev = hp_next(h, (int)left);

		if (!jv_is_valid(ev))
			break;
		jv_free(ev);
	}
}

static int hp_exit_status(struct hp *h, int ms)
{
	int64_t end = now_ms() + ms;

	while (now_ms() < end) {
		if (waitpid(h->pid, &h->status, WNOHANG) == h->pid) {
			h->exited = 1;
			return h->status;
		}
		usleep(5000);
	}
	ck_abort_msg("holder %d did not exit", (int)h->pid);
	return -1;
}

static void hp_kill9(struct hp *h)
{
	kill(h->pid, SIGKILL);
	waitpid(h->pid, &h->status, 0);
	h->exited = 1;
}

static char *path_in(const char *name)
{
	static char p[4][PATH_MAX + 64];
	static int slot;
	char *o = p[slot++ % 4];

	snprintf(o, sizeof(p[0]), "%s/%s", dir, name);
	return o;
}

static int exists(const char *name)
{
	struct stat st;

	return lstat(path_in(name), &st) == 0;
}

static char *slurp(const char *name)
{
	static char buf[1 << 16];
	int fd = open(path_in(name), O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* Transcript lines of session `s` naming `msg`. */
static int transcript_has(const char *s, const char *msg)
{
	char name[256], want[256];
	char *t;
	int n = 0;

	snprintf(name, sizeof(name), "%s.jsonl", s);
	t = slurp(name);
	if (!t)
		return 0;
	snprintf(want, sizeof(want), "{\"msg\":\"%s\",", msg);
	for (char *p = t; (p = strstr(p, want)); p++)
		n++;
	return n;
}

/* Runs the binary with `args` and no protocol; returns exit status. */
static int run_plain(const char *const *args, char *out, size_t size)
{
	int p[2];
	pid_t pid;
	const char *argv[8] = {bin};
	size_t got = 0;
	ssize_t n;
	int status;

	for (int i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	while (got + 1 < size &&
	       (n = read(p[0], out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- hello and command line
 * ----------------------------------------------------------- */

static int has_cap(jv hello, const char *cap)
{
	jv caps = jv_object_get(jv_copy(hello), jv_string("caps"));
	int found = 0;

	jv_array_foreach(caps, i, c)
	{
		if (jv_get_kind(c) == JV_KIND_STRING &&
		    !strcmp(jv_string_value(c), cap))
			found = 1;
		jv_free(c);
	}
	jv_free(caps);
	return found;
}

START_TEST(hello_reference)
{
	static const char *const caps[] = {
	    "acquire",	"release", "deliver",	 "turn",
	    "spin",	"lanes",   "maxHoldMs",	 "timeout",
	    "watchdog", "fencing", "failpoints",
	};
	struct hp *h = hp_start("A", NULL);
	jv hello = hp_wait(h, "hello", -1, WAIT_MS);
	char pid[32];

	ck_assert_str_eq(ev_str(hello, "proto"), "1");
	ck_assert_str_eq(ev_str(hello, "impl"), "reference");
	ck_assert_str_eq(ev_str(hello, "bug"), "null");
	snprintf(pid, sizeof(pid), "%d", (int)h->pid);
	ck_assert_str_eq(ev_str(hello, "pid"), pid);
	ck_assert_str_ne(ev_str(hello, "version"), "");
	for (size_t i = 0; i < sizeof(caps) / sizeof(*caps); i++)
		ck_assert_msg(has_cap(hello, caps[i]), "cap %s missing",
			      caps[i]);
	/* hello is the first line */
	ck_assert_int_eq(jv_array_length(jv_copy(h->events)), 1);
	jv_free(hello);
}
END_TEST

START_TEST(hello_flock_and_bug)
{
	static const char *const flock_args[] = {"--impl", "flock", NULL};
	static const char *const bug_args[] = {"--bug", "no-fencing", NULL};
	struct hp *f = hp_start("F", flock_args);
	struct hp *b = hp_start("B", bug_args);
	jv hello = hp_wait(f, "hello", -1, WAIT_MS);
	jv na = jv_object_get(jv_copy(hello), jv_string("na"));

	ck_assert_str_eq(ev_str(hello, "impl"), "flock");
	ck_assert(has_cap(hello, "fencing"));
	ck_assert(!has_cap(hello, "maxHoldMs"));
	ck_assert(!has_cap(hello, "watchdog"));
	ck_assert_str_ne(ev_str(na, "maxHoldMs"), "");
	ck_assert_str_ne(ev_str(na, "watchdog"), "");
	jv_free(na);
	jv_free(hello);
	hello = hp_wait(b, "hello", -1, WAIT_MS);
	ck_assert_str_eq(ev_str(hello, "bug"), "no-fencing");
	ck_assert_str_eq(ev_str(hello, "impl"), "reference");
	jv_free(hello);
}
END_TEST

START_TEST(command_line)
{
	static const char *const want[] = {
	    "cleanup-throw-skips-release",
	    "reentrant-no-drain",
	    "silent-drop-when-busy",
	    "pid-only-liveness",
	    "no-liveness",
	    "live-too-old-reclaim",
	    "reclaim-by-path",
	    "no-fencing",
	    "lane-timeout-keeps-lock",
	    "hold-exceeded-report-only",
	    "no-empty-grace",
	    "no-watchdog",
	};
	static const char *const list[] = {"--list-bugs", NULL};
	static const char *const help[] = {"--help", NULL};
	static const char *const version[] = {"--version", NULL};
	static const char *const badbug[] = {"--bug", "nope", NULL};
	static const char *const badimpl[] = {"--impl", "nope", NULL};
	static const char *const flockbug[] = {"--impl", "flock", "--bug",
					       "no-fencing", NULL};
	static char out[65536];
	char *line, *save = NULL;
	size_t n = 0;

	ck_assert_int_eq(run_plain(list, out, sizeof(out)), 0);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		char name[64], seed[16];

		ck_assert_uint_lt(n, sizeof(want) / sizeof(*want));
		ck_assert_int_eq(
		    sscanf(line, "%63[^\t]\tseed %15[0-9]\t", name, seed), 2);
		ck_assert_str_eq(name, want[n]);
		ck_assert_int_eq((int)strlen(seed), 3);
		ck_assert_ptr_nonnull(strchr(strchr(line, '\t') + 1, '\t'));
	}
	ck_assert_uint_eq(n, sizeof(want) / sizeof(*want));

	ck_assert_int_eq(run_plain(help, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "docs/holder-protocol.md"));
	ck_assert_ptr_nonnull(strstr(out, "--impl"));
	ck_assert_ptr_nonnull(strstr(out, "--bug"));
	ck_assert_int_eq(run_plain(version, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "0.1.0"));
	ck_assert_int_eq(run_plain(badbug, out, sizeof(out)), 2);
	ck_assert_ptr_nonnull(strstr(out, "unknown bug 'nope'"));
	ck_assert_int_eq(run_plain(badimpl, out, sizeof(out)), 2);
	ck_assert_int_eq(run_plain(flockbug, out, sizeof(out)), 2);
}
END_TEST

/* ---- the lock through the protocol
 * ------------------------------------------------ */

START_TEST(acquire_deliver_release)
{
	struct hp *h = hp_start("A", NULL);
	jv ev, line;
	char pid[32];

	jv_free(hp_wait(h, "hello", -1, WAIT_MS));
	hp_send(h, "{\"id\":1,\"op\":\"acquire\",\"session\":\"s1\","
		   "\"maxHoldMs\":60000}");
	ev = hp_wait(h, "acquired", 1, WAIT_MS);
	ck_assert_str_eq(ev_str(ev, "session"), "s1");
	ck_assert_str_eq(ev_str(ev, "lane"), "main");
	ck_assert_str_eq(ev_str(ev, "reentrant"), "false");
	ck_assert_str_eq(ev_str(ev, "reclaimed"), "");
	jv_free(ev);
	expect_ok(h, 1);
	ck_assert(exists("s1.jsonl.lock"));
	ck_assert_ptr_nonnull(
	    strstr(slurp("s1.jsonl.lock"), "\"maxHoldMs\":60000"));

	hp_send(
	    h,
	    "{\"id\":2,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":\"m1\"}");
	ev = hp_wait(h, "acquired", 2, WAIT_MS);
	ck_assert_str_eq(ev_str(ev, "reentrant"), "true");
	jv_free(ev);
	ev = hp_wait(h, "appended", 2, WAIT_MS);
	ck_assert_str_eq(ev_str(ev, "msg"), "m1");
	jv_free(ev);
	expect_ok(h, 2);
	ck_assert(exists("s1.jsonl.lock")); /* still held by id 1 */

	line = jv_parse(slurp("s1.jsonl"));
	snprintf(pid, sizeof(pid), "%d", (int)h->pid);
	ck_assert_str_eq(ev_str(line, "msg"), "m1");
	ck_assert_str_eq(ev_str(line, "holder"), "A");
	ck_assert_str_eq(ev_str(line, "pid"), pid);
	ck_assert_str_eq(ev_str(line, "lane"), "main");
	ck_assert_str_ne(ev_str(line, "t"), "");
	jv_free(line);

	hp_send(h, "{\"id\":3,\"op\":\"release\",\"session\":\"s1\"}");
	ev = hp_wait(h, "released", 3, WAIT_MS);
	ck_assert_str_eq(ev_str(ev, "why"), "release");
	jv_free(ev);
	expect_ok(h, 3);
	ck_assert(!exists("s1.jsonl.lock"));
	hp_send(h, "{\"id\":4,\"op\":\"release\",\"session\":\"s1\"}");
	expect_fail(h, 4, "other");
}
END_TEST

START_TEST(sigkilled_holder_lock_is_reclaimed)
{
	struct hp *a = hp_start("A", NULL), *b;
	jv ev;
	char want[64];
	int64_t t0;

	jv_free(hp_wait(a, "hello", -1, WAIT_MS));
	hp_send(a, "{\"id\":1,\"op\":\"acquire\",\"session\":\"s1\"}");
	expect_ok(a, 1);
	hp_kill9(a);
	ck_assert(exists("s1.jsonl.lock"));

	b = hp_start("B", NULL);
	jv_free(hp_wait(b, "hello", -1, WAIT_MS));
	t0 = now_ms();
	hp_send(b, "{\"id\":1,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":"
		   "\"after-kill\","
		   "\"timeoutMs\":3000,\"pollMs\":50}");
	ev = hp_wait(b, "acquired", 1, WAIT_MS);
	ck_assert_str_eq(ev_str(ev, "reclaimed"), "dead-pid");
	jv_free(ev);
	expect_ok(b, 1);
	ck_assert_int_lt(now_ms() - t0, 1000); /* a poll, not a timeout */
	snprintf(want, sizeof(want), "pid=%d", (int)a->pid);
	ck_assert_int_eq(seen(b, "log", "msg", "dead-pid"), 1);
	ck_assert_int_eq(seen(b, "log", "level", "WARN"), 1);
	ck_assert_int_eq(transcript_has("s1", "after-kill"), 1);
	ck_assert(!exists("s1.jsonl.lock"));
}
END_TEST

START_TEST(deliver_timeout_fails_loudly)
{
	struct hp *a = hp_start("A", NULL), *b = hp_start("B", NULL);
	const char *err;
	char want[PATH_MAX + 128];

	jv_free(hp_wait(a, "hello", -1, WAIT_MS));
	jv_free(hp_wait(b, "hello", -1, WAIT_MS));
	hp_send(a, "{\"id\":1,\"op\":\"acquire\",\"session\":\"s1\"}");
	expect_ok(a, 1);
	hp_send(
	    b, "{\"id\":7,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":\"m7\","
	       "\"timeoutMs\":300,\"pollMs\":20}");
	err = expect_fail(b, 7, "timeout");
	snprintf(want, sizeof(want),
		 "session file locked (timeout 300ms): pid=%d %s", (int)a->pid,
		 path_in("s1.jsonl.lock"));
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(seen(b, "log", "msg", "'m7' (id 7"), 1);
	ck_assert_int_eq(transcript_has("s1", "m7"), 0);
}
END_TEST

START_TEST(mutant_silent_drop_when_busy)
{
	static const char *const args[] = {"--bug", "silent-drop-when-busy",
					   NULL};
	struct hp *a = hp_start("A", NULL), *b = hp_start("B", args);

	jv_free(hp_wait(a, "hello", -1, WAIT_MS));
	jv_free(hp_wait(b, "hello", -1, WAIT_MS));
	hp_send(a, "{\"id\":1,\"op\":\"acquire\",\"session\":\"s1\"}");
	expect_ok(a, 1);
	hp_send(
	    b, "{\"id\":7,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":\"m7\","
	       "\"timeoutMs\":300,\"pollMs\":20}");
	expect_ok(b, 7); /* the lie */
	ck_assert_int_eq(transcript_has("s1", "m7"), 0);
	ck_assert_int_eq(seen(b, "log", NULL, NULL), 0);
}
END_TEST

START_TEST(torn_transcript_tail_stays_its_own_line)
{
	struct hp *h = hp_start("A", NULL);
	int fd = open(path_in("s1.jsonl"), O_WRONLY | O_CREAT, 0644);
	char *t, *nl;
	jv line;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "{\"msg\":\"old\",\"ho", 16), 16);
	close(fd);
	jv_free(hp_wait(h, "hello", -1, WAIT_MS));
	hp_send(
	    h,
	    "{\"id\":1,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":\"m1\"}");
	expect_ok(h, 1);
	t = slurp("s1.jsonl");
	nl = strchr(t, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_int_eq((int)(nl - t), 16); /* the tear, alone on its line */
	line = jv_parse(nl + 1);
	ck_assert_str_eq(ev_str(line, "msg"), "m1");
	jv_free(line);
}
END_TEST

/* ---- bad input
 * ---------------------------------------------------------------------- */

START_TEST(garbage_input_gets_error_events)
{
	static const char *const bad[] = {
	    "garbage",
	    "[1,2,3]",
	    "\"just a string\"",
	    "{}",
	    "{\"op\":\"acquire\",\"session\":\"s1\"}",
	    "{\"id\":\"x\",\"op\":\"acquire\",\"session\":\"s1\"}",
	    "\xc3\x28\xff\xfe not utf-8",
	    "{\"id\":1,",
	    "",
	};
	static const struct {
		const char *line;
		int id;
	} bad_with_id[] = {
	    {"{\"id\":10,\"op\":\"nope\"}", 10},
	    {"{\"id\":11,\"op\":\"acquire\",\"session\":5}", 11},
	    {"{\"id\":12,\"op\":\"deliver\",\"session\":\"s1\"}", 12},
	    {"{\"id\":13,\"op\":\"acquire\",\"session\":\"s1\",\"timeoutMs\":-"
	     "1}",
	     13},
	    {"{\"id\":14,\"op\":\"acquire\",\"session\":\"../escape\"}", 14},
	    {"{\"id\":15,\"op\":\"acquire\",\"session\":\"s1\",\"pollMs\":1.5}",
	     15},
	    {"{\"id\":16,\"op\":\"acquire\",\"session\":\"s1\",\"lane\":[]}",
	     16},
	    {"{\"id\":17,\"op\":\"exit\",\"code\":\"0\"}", 17},
	    {"{\"id\":18}", 18},
	};
	struct hp *h = hp_start("A", NULL);
	size_t nbad = sizeof(bad) / sizeof(*bad);
	size_t nid = sizeof(bad_with_id) / sizeof(*bad_with_id);

	jv_free(hp_wait(h, "hello", -1, WAIT_MS));
	for (size_t i = 0; i < nbad; i++) {
		jv ev;

		hp_send(h, "%s", bad[i]);
		ev = hp_wait(h, "error", -1, WAIT_MS);
		ck_assert_str_ne(ev_str(ev, "error"), "");
		jv_free(ev);
	}
	for (size_t i = 0; i < nid; i++) {
		jv ev;

		hp_send(h, "%s", bad_with_id[i].line);
		ev = hp_wait(h, "error", -1, WAIT_MS);
		ck_assert_str_eq(ev_str(ev, "line"), bad_with_id[i].line);
		jv_free(ev);
		expect_fail(h, bad_with_id[i].id, "bad-request");
	}
	ck_assert(!exists("escape.jsonl.lock"));
	ck_assert(access(path_in("../escape.jsonl.lock"), F_OK) != 0);
	/* still alive and well */
	hp_send(
	    h,
	    "{\"id\":99,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":\"ok\"}");
	expect_ok(h, 99);
	ck_assert_int_eq(transcript_has("s1", "ok"), 1);
}
END_TEST

START_TEST(huge_lines_and_random_bytes)
{
	struct hp *h = hp_start("A", NULL);
	size_t big = 1536 * 1024;
	char *line = malloc(big + 1);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	unsigned char noise[65536];
	jv ev;
	int errors;

	jv_free(hp_wait(h, "hello", -1, WAIT_MS));
	/* > 1 MB of a valid-looking object: refused whole, echo cut to 200 */
	memset(line, ' ', big);
	memcpy(line,
	       "{\"id\":5,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":\"",
	       45);
	line[big - 2] = '}';
	line[big - 1] = '\n';
	hp_write(h, line, big);
	ev = hp_wait(h, "error", -1, WAIT_MS);
	ck_assert_ptr_nonnull(strstr(ev_str(ev, "error"), "line longer than"));
	ck_assert_uint_le(strlen(ev_str(ev, "line")), 200);
	jv_free(ev);
	free(line);

	/* random bytes (fixed seed: replayable), newlines included */
	for (size_t i = 0; i < sizeof(noise); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		noise[i] = (unsigned char)x;
	}
	hp_write(h, noise, sizeof(noise));
	hp_write(h, "\n", 1);
	hp_send(h, "{\"id\":6,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":"
		   "\"after-noise\"}");
	expect_ok(h, 6);
	errors = seen(h, "error", NULL, NULL);
	ck_assert_int_ge(errors, 2);
	ck_assert_int_eq(transcript_has("s1", "after-noise"), 1);
	ck_assert_int_eq(transcript_has("s1", "m"), 0);
	ck_assert_int_eq(waitpid(h->pid, NULL, WNOHANG), 0);
}
END_TEST

/* ---- time: spin, lanes, lane timeout, watchdog
 * ------------------------------------------ */

START_TEST(spin_blocks_the_loop)
{
	struct hp *h = hp_start("A", NULL);
	int64_t t0;

	jv_free(hp_wait(h, "hello", -1, WAIT_MS));
	t0 = now_ms();
	hp_send(h, "{\"id\":1,\"op\":\"spin\",\"ms\":400}");
	hp_send(h, "{\"id\":2,\"op\":\"acquire\",\"session\":\"s1\",\"lane\":"
		   "\"other\"}");
	expect_ok(h, 1);
	ck_assert_int_ge(now_ms() - t0, 390);
	expect_ok(h, 2);
	ck_assert_int_ge(now_ms() - t0, 390);
	/* ms=0: forever; only a signal ends it */
	hp_send(h, "{\"id\":3,\"op\":\"spin\",\"ms\":0}");
	hp_send(h, "{\"id\":4,\"op\":\"release\",\"session\":\"s1\",\"lane\":"
		   "\"other\"}");
	hp_drain(h, 500);
	ck_assert_int_eq(seen(h, "ok", "id", "4"), 0);
	ck_assert(exists("s1.jsonl.lock"));
}
END_TEST

START_TEST(lanes_run_concurrently)
{
	struct hp *h = hp_start("A", NULL);
	jv ev;

	jv_free(hp_wait(h, "hello", -1, WAIT_MS));
	hp_send(h, "{\"id\":1,\"op\":\"turn\",\"session\":\"s1\",\"lane\":"
		   "\"a\",\"holdMs\":800,"
		   "\"msg\":\"slow\"}");
	hp_send(h, "{\"id\":2,\"op\":\"deliver\",\"session\":\"s2\",\"lane\":"
		   "\"b\",\"msg\":\"fast\"}");
	hp_send(h, "{\"id\":3,\"op\":\"deliver\",\"session\":\"s1\",\"lane\":"
		   "\"a\",\"msg\":\"queued\"}");
	ev = hp_outcome(h, 2, WAIT_MS);
	ck_assert(ev_is(ev, "ok", 2));
	jv_free(ev);
	ck_assert_int_eq(seen(h, "ok", "id", "1"),
			 0); /* the turn still holds */
	expect_ok(h, 1);
	expect_ok(h, 3); /* same lane: after the turn */
	ck_assert_int_eq(transcript_has("s1", "slow"), 1);
	ck_assert_int_eq(transcript_has("s1", "queued"), 1);
	ck_assert_int_eq(transcript_has("s2", "fast"), 1);
	ck_assert(strstr(slurp("s1.jsonl"), "slow") <
		  strstr(slurp("s1.jsonl"), "queued"));
}
END_TEST

/* A turn that outruns its lane timeout; returns the holder. */
static struct hp *outrun_lane(const char *const *args)
{
	struct hp *h = hp_start("A", args);
	jv ev;

	jv_free(hp_wait(h, "hello", -1, WAIT_MS));
	hp_send(h,
		"{\"id\":1,\"op\":\"turn\",\"session\":\"s1\",\"holdMs\":5000,"
		"\"laneTimeoutMs\":300,\"msg\":\"late\",\"maxHoldMs\":60000}");
	ev = hp_wait(h, "acquired", 1, WAIT_MS);
	jv_free(ev);
	ck_assert_ptr_nonnull(
	    strstr(expect_fail(h, 1, "lane-timeout"), "lane 'main'"));
	return h;
}

START_TEST(lane_timeout_releases_the_lock)
{
	struct hp *h = outrun_lane(NULL);

	ck_assert_int_eq(seen(h, "released", "why", "lane-timeout"), 1);
	ck_assert(!exists("s1.jsonl.lock"));
	ck_assert_int_eq(transcript_has("s1", "late"), 0);
	ck_assert_int_ge(seen(h, "log", "level", "WARN"), 1);
}
END_TEST

START_TEST(mutant_lane_timeout_keeps_lock)
{
	static const char *const args[] = {"--bug", "lane-timeout-keeps-lock",
					   NULL};
	struct hp *h = outrun_lane(args), *b;

	ck_assert_int_eq(seen(h, "released", NULL, NULL), 0);
	ck_assert(exists("s1.jsonl.lock"));
	b = hp_start("B", NULL);
	hp_send(b, "{\"id\":1,\"op\":\"acquire\",\"session\":\"s1\","
		   "\"timeoutMs\":200}");
	expect_fail(b, 1, "timeout");
}
END_TEST

static struct hp *hold_and_forget(const char *const *args)
{
	struct hp *h = hp_start("A", args);

	jv_free(hp_wait(h, "hello", -1, WAIT_MS));
	hp_send(h, "{\"id\":1,\"op\":\"acquire\",\"session\":\"s1\","
		   "\"maxHoldMs\":200}");
	expect_ok(h, 1);
	return h;
}

START_TEST(watchdog_force_releases)
{
	struct hp *h = hold_and_forget(NULL);
	jv ev = hp_wait(h, "released", -1, WAIT_MS);

	ck_assert_str_eq(ev_str(ev, "why"), "watchdog");
	ck_assert_str_eq(ev_str(ev, "session"), "s1");
	jv_free(ev);
	ck_assert(!exists("s1.jsonl.lock"));
	ck_assert_int_eq(seen(h, "log", "msg", "watchdog"), 1);
}
END_TEST

START_TEST(mutant_no_watchdog_in_holder)
{
	static const char *const args[] = {"--bug", "no-watchdog", NULL};
	struct hp *h = hold_and_forget(args);

	hp_drain(h, 700);
	ck_assert_int_eq(seen(h, "released", NULL, NULL), 0);
	ck_assert(exists("s1.jsonl.lock"));
}
END_TEST

/* A holds with maxHoldMs 300 and then spins forever: live but stuck. */
static struct hp *stuck_holder(void)
{
	struct hp *a = hp_start("A", NULL);

	jv_free(hp_wait(a, "hello", -1, WAIT_MS));
	hp_send(a, "{\"id\":1,\"op\":\"acquire\",\"session\":\"s1\","
		   "\"maxHoldMs\":300}");
	expect_ok(a, 1);
	hp_send(a, "{\"id\":2,\"op\":\"spin\",\"ms\":0}");
	return a;
}

START_TEST(stuck_holder_lock_is_reclaimed_hold_exceeded)
{
	struct hp *b;
	jv ev;

	stuck_holder();
	b = hp_start("B", NULL);
	hp_send(b,
		"{\"id\":1,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":\"m\","
		"\"timeoutMs\":3000,\"pollMs\":20}");
	ev = hp_wait(b, "acquired", 1, WAIT_MS);
	ck_assert_str_eq(ev_str(ev, "reclaimed"), "hold-exceeded");
	jv_free(ev);
	expect_ok(b, 1);
	ck_assert_int_eq(seen(b, "log", "msg", "hold-exceeded"), 1);
}
END_TEST

START_TEST(mutant_hold_exceeded_report_only_in_holder)
{
	static const char *const args[] = {"--bug", "hold-exceeded-report-only",
					   NULL};
	struct hp *b;

	stuck_holder();
	b = hp_start("B", args);
	hp_send(b,
		"{\"id\":1,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":\"m\","
		"\"timeoutMs\":800,\"pollMs\":20}");
	expect_fail(b, 1, "timeout");
	ck_assert_int_eq(seen(b, "log", "msg", "reported, not reclaimed"), 1);
}
END_TEST

/* ---- fencing
 * ------------------------------------------------------------------------ */

/* A's turn loses its lock to a takeover mid-hold. */
static struct hp *takeover_mid_turn(const char *const *args)
{
	struct hp *a = hp_start("A", args);
	char tmp[PATH_MAX + 64], payload[128];
	int fd;

	jv_free(hp_wait(a, "hello", -1, WAIT_MS));
	hp_send(a, "{\"id\":1,\"op\":\"turn\",\"session\":\"s1\",\"holdMs\":"
		   "400,\"msg\":\"stale-write\"}");
	jv_free(hp_wait(a, "acquired", 1, WAIT_MS));
	snprintf(tmp, sizeof(tmp), "%s", path_in("thief"));
	fd = open(tmp, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	snprintf(payload, sizeof(payload), "{\"pid\":%d}", (int)getpid());
	ck_assert_int_eq(write(fd, payload, strlen(payload)),
			 (ssize_t)strlen(payload));
	close(fd);
	ck_assert_int_eq(rename(tmp, path_in("s1.jsonl.lock")), 0);
	return a;
}

START_TEST(fencing_refuses_to_write_after_takeover)
{
	struct hp *a = takeover_mid_turn(NULL);

	expect_fail(a, 1, "lock-lost");
	ck_assert_int_eq(seen(a, "released", "why", "lock-lost"), 1);
	ck_assert_int_eq(transcript_has("s1", "stale-write"), 0);
	ck_assert_int_eq(seen(a, "log", "msg", "stale-write"), 1);
	/* the new owner's file is left alone */
	ck_assert(exists("s1.jsonl.lock"));
}
END_TEST

START_TEST(mutant_no_fencing_in_holder)
{
	static const char *const args[] = {"--bug", "no-fencing", NULL};
	struct hp *a = takeover_mid_turn(args);

	jv_free(hp_outcome(a, 1, WAIT_MS));
	ck_assert_int_eq(transcript_has("s1", "stale-write"), 1);
}
END_TEST

/* ---- libfiu remote control
 * --------------------------------------------------------------- */

/* Sends one remote-control command; returns libfiu's reply. */
static int fiu_rc(struct hp *h, const char *cmd)
{
	char in[PATH_MAX + 64], out[PATH_MAX + 64], reply[64];
	int fd;
	ssize_t n;

	snprintf(in, sizeof(in), "%s/fc-%d.in", dir, (int)h->pid);
	snprintf(out, sizeof(out), "%s/fc-%d.out", dir, (int)h->pid);
	fd = open(in, O_WRONLY);
	ck_assert_msg(fd >= 0, "cannot open %s: %s", in, strerror(errno));
	ck_assert_int_eq(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	ck_assert_int_eq(write(fd, "\n", 1), 1);
	close(fd);
	fd = open(out, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, reply, sizeof(reply) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	reply[n] = '\0';
	return atoi(reply);
}

static struct hp *fiu_holder(const char *const *args)
{
	static char env[PATH_MAX + 32];
	const char *envs[] = {env, NULL};
	struct hp *h;

	snprintf(env, sizeof(env), "FIU_CTRL_FIFO=%s/fc", dir);
	h = hp_start_env("A", args, envs);
	jv_free(hp_wait(h, "hello", -1, WAIT_MS));
	return h;
}

static void turn_with_failing_dispose(struct hp *h)
{
	ck_assert_int_eq(
	    fiu_rc(h, "enable "
		      "name=sessionlock/cleanup/dispose,failnum=1,failinfo=28"),
	    0);
	hp_send(h,
		"{\"id\":1,\"op\":\"turn\",\"session\":\"s1\",\"holdMs\":50}");
}

START_TEST(remote_control_fails_a_cleanup_step)
{
	struct hp *h = fiu_holder(NULL);

	turn_with_failing_dispose(h);
	ck_assert_ptr_nonnull(
	    strstr(expect_fail(h, 1, "cleanup"), "No space left on device"));
	/* released (before the outcome): the release itself was reached */
	ck_assert_int_eq(seen(h, "released", "why", "release"), 1);
	ck_assert_int_eq(seen(h, "log", "msg", "'dispose' failed"), 1);
	ck_assert(!exists("s1.jsonl.lock"));
}
END_TEST

START_TEST(mutant_cleanup_throw_skips_release_in_holder)
{
	static const char *const args[] = {"--bug",
					   "cleanup-throw-skips-release", NULL};
	struct hp *h = fiu_holder(args);
	jv ev;

	turn_with_failing_dispose(h);
	expect_fail(h, 1, "cleanup");
	ck_assert_int_eq(seen(h, "released", NULL, NULL), 0);
	ck_assert(exists("s1.jsonl.lock"));
	ck_assert_int_eq(fiu_rc(h, "disable name=sessionlock/cleanup/dispose"),
			 0);
	hp_send(h, "{\"id\":2,\"op\":\"acquire\",\"session\":\"s1\"}");
	ev = hp_wait(h, "acquired", 2, WAIT_MS);
	ck_assert_str_eq(ev_str(ev, "reentrant"), "true");
	jv_free(ev);
}
END_TEST

START_TEST(remote_control_blocks_the_loop)
{
	struct hp *h = fiu_holder(NULL);
	int64_t t0;

	ck_assert_int_eq(fiu_rc(h, "enable name=sessionlock/turn/block-loop"),
			 0);
	usleep(250 * 1000); /* the loop wakes at least every 100 ms */
	hp_send(h, "{\"id\":1,\"op\":\"acquire\",\"session\":\"s1\"}");
	hp_drain(h, 400);
	ck_assert_int_eq(seen(h, "ok", NULL, NULL), 0);
	t0 = now_ms();
	ck_assert_int_eq(fiu_rc(h, "disable name=sessionlock/turn/block-loop"),
			 0);
	expect_ok(h, 1);
	ck_assert_int_lt(now_ms() - t0, 2000);
}
END_TEST

/* ---- the flock backend, exit, end of input
 * ------------------------------------------ */

START_TEST(flock_impl_works_and_dies_with_its_holder)
{
	static const char *const args[] = {"--impl", "flock", NULL};
	struct hp *a = hp_start("A", args), *b = hp_start("B", args);
	jv ev;

	jv_free(hp_wait(a, "hello", -1, WAIT_MS));
	jv_free(hp_wait(b, "hello", -1, WAIT_MS));
	hp_send(
	    a,
	    "{\"id\":1,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":\"f1\"}");
	expect_ok(a, 1);
	ck_assert(!exists("s1.jsonl.lock"));
	hp_send(a, "{\"id\":2,\"op\":\"acquire\",\"session\":\"s1\"}");
	expect_ok(a, 2);
	hp_send(b, "{\"id\":1,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":"
		   "\"f2\",\"timeoutMs\":200}");
	ck_assert_ptr_nonnull(strstr(expect_fail(b, 1, "timeout"),
				     "session file locked (timeout 200ms)"));
	hp_kill9(a);
	hp_send(b, "{\"id\":2,\"op\":\"deliver\",\"session\":\"s1\",\"msg\":"
		   "\"f3\",\"timeoutMs\":2000}");
	ev = hp_wait(b, "acquired", 2, WAIT_MS);
	jv_free(ev);
	expect_ok(b, 2);
	ck_assert_int_eq(transcript_has("s1", "f1"), 1);
	ck_assert_int_eq(transcript_has("s1", "f2"), 0);
	ck_assert_int_eq(transcript_has("s1", "f3"), 1);
	ck_assert(!exists("s1.jsonl.lock"));
}
END_TEST

START_TEST(exit_releases_nothing)
{
	struct hp *h = hp_start("A", NULL);
	int st;

	jv_free(hp_wait(h, "hello", -1, WAIT_MS));
	hp_send(h, "{\"id\":1,\"op\":\"acquire\",\"session\":\"s1\"}");
	expect_ok(h, 1);
	hp_send(h, "{\"id\":2,\"op\":\"exit\",\"code\":3}");
	st = hp_exit_status(h, WAIT_MS);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 3);
	ck_assert(exists("s1.jsonl.lock"));
}
END_TEST

START_TEST(end_of_input_drains_and_releases)
{
	struct hp *h = hp_start("A", NULL);
	jv ev;
	int st;

	jv_free(hp_wait(h, "hello", -1, WAIT_MS));
	hp_send(h, "{\"id\":1,\"op\":\"acquire\",\"session\":\"s1\"}");
	hp_send(h, "{\"id\":2,\"op\":\"turn\",\"session\":\"s2\",\"holdMs\":"
		   "200,\"msg\":\"t\"}");
	close(h->in);
	h->in = open("/dev/null", O_WRONLY); /* keep teardown's close valid */
	expect_ok(h, 1);
	expect_ok(h, 2);
	ev = hp_wait(h, "released", -1, WAIT_MS);
	while (strcmp(ev_str(ev, "session"), "s1")) {
		jv_free(ev);
		ev = hp_wait(h, "released", -1, WAIT_MS);
	}
	ck_assert_str_eq(ev_str(ev, "why"), "cleanup"); /* an exit hook */
	jv_free(ev);
	st = hp_exit_status(h, WAIT_MS);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert(!exists("s1.jsonl.lock"));
	ck_assert(!exists("s2.jsonl.lock"));
	ck_assert_int_eq(transcript_has("s2", "t"), 1);
}
END_TEST

/* ---- runner
 * ----------------------------------------------------------------------- */

static TCase *tcase(Suite *s, const char *name, double timeout)
{
	return unit_tcase(s, name, timeout, setup, teardown);
}

static Suite *holder_suite(void)
{
	Suite *s = suite_create("holder");
	TCase *tc;

	tc = tcase(s, "start", 20);
	tcase_add_test(tc, hello_reference);
	tcase_add_test(tc, hello_flock_and_bug);
	tcase_add_test(tc, command_line);

	tc = tcase(s, "lock", 20);
	tcase_add_test(tc, acquire_deliver_release);
	tcase_add_test(tc, sigkilled_holder_lock_is_reclaimed);
	tcase_add_test(tc, deliver_timeout_fails_loudly);
	tcase_add_test(tc, stuck_holder_lock_is_reclaimed_hold_exceeded);
	tcase_add_test(tc, fencing_refuses_to_write_after_takeover);
	tcase_add_test(tc, torn_transcript_tail_stays_its_own_line);

	tc = tcase(s, "input", 30);
	tcase_add_test(tc, garbage_input_gets_error_events);
	tcase_add_test(tc, huge_lines_and_random_bytes);

	tc = tcase(s, "time", 20);
	tcase_add_test(tc, spin_blocks_the_loop);
	tcase_add_test(tc, lanes_run_concurrently);
	tcase_add_test(tc, lane_timeout_releases_the_lock);
	tcase_add_test(tc, watchdog_force_releases);

	tc = tcase(s, "failpoints", 20);
	tcase_add_test(tc, remote_control_fails_a_cleanup_step);
	tcase_add_test(tc, remote_control_blocks_the_loop);

	tc = tcase(s, "other", 20);
	tcase_add_test(tc, flock_impl_works_and_dies_with_its_holder);
	tcase_add_test(tc, exit_releases_nothing);
	tcase_add_test(tc, end_of_input_drains_and_releases);

	tc = tcase(s, "mutants", 20);
	tcase_add_test(tc, mutant_silent_drop_when_busy);
	tcase_add_test(tc, mutant_lane_timeout_keeps_lock);
	tcase_add_test(tc, mutant_no_watchdog_in_holder);
	tcase_add_test(tc, mutant_hold_exceeded_report_only_in_holder);
	tcase_add_test(tc, mutant_no_fencing_in_holder);
	tcase_add_test(tc, mutant_cleanup_throw_skips_release_in_holder);
	return s;
}

int main(void)
{
	return unit_main(holder_suite());
}
