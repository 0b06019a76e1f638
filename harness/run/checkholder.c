/*
 * checkholder.c - `lockchaos check-holder CMD`: talks to a holder through
 * the protocol, one check at a time, and says in TAP which parts of
 * docs/holder-protocol.md it gets right. For someone writing a holder for
 * their own lock, before they run a suite against it.
 */
#include "cli.h"
#include "run/conformance.h"
#include "run/runner.h"
#include "run/watch.h"
#include "sandbox/supervise.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <jv.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* What a holder may send before it counts as flooding: the conversation
 * stays this small whatever it writes. */
#define LINE_MAX_BYTES (1 << 16)  /* a longer line is dropped, counted */
#define CMD_EVENTS_MAX 1000	  /* events while one command runs */
#define CMD_MS 5000		  /* one command, from send to outcome */
#define CMD_GRACE_FACTOR 24	  /* ... widened by the holder's CPU wait and
				     time blocked in the kernel, up to 120 s
				     (beside the soak a Python holder's
				     acquire sat 60 s in D) */
#define WRITE_MS 2000		  /* a command line must be taken by then */
#define STDERR_TAIL 2048	  /* bytes of stderr kept, the last ones */
#define EXIT_WAIT 200		  /* 10 ms looks for `exit` to end it: 2 s */
#define EXIT_WAIT_MAX 3000	  /* ... 30 s while it runs or exits */

struct conv {
	struct holder_proc hp;
	struct sandbox sb;
	char buf[LINE_MAX_BYTES];
	size_t len;
	char err_tail[STDERR_TAIL];
	size_t err_len;
	int n, failed;
	int garbage_out; /* lines that were not protocol */
	int long_lines;	 /* lines over LINE_MAX_BYTES, dropped */
	int bad_t;	 /* events whose t is not our clock */
	int flooded;	 /* a command drew more than CMD_EVENTS_MAX events */
	int deaf;	 /* it stopped reading its stdin */
	int start_timeout_ms; /* --start-timeout: for its hello */
	char *dir;
};

static void result(struct conv *c, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void result(struct conv *c, int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++c->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		c->failed++;
}

/* Keeps the last STDERR_TAIL bytes of the holder's stderr. */
static void drain_stderr(struct conv *c)
{
	char chunk[4096];
	ssize_t r;

	while (c->hp.err_fd >= 0) {
		r = read(c->hp.err_fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			close(c->hp.err_fd);
			c->hp.err_fd = -1;
			return;
		}
		if ((size_t)r >= sizeof(c->err_tail)) {
			memcpy(c->err_tail, chunk + r - sizeof(c->err_tail),
			       sizeof(c->err_tail));
			c->err_len = sizeof(c->err_tail);
			continue;
		}
		if (c->err_len + (size_t)r > sizeof(c->err_tail)) {
			size_t drop = c->err_len + (size_t)r -
				      sizeof(c->err_tail);

			memmove(c->err_tail, c->err_tail + drop,
				c->err_len - drop);
			c->err_len -= drop;
		}
		memcpy(c->err_tail + c->err_len, chunk, (size_t)r);
		c->err_len += (size_t)r;
	}
}

/* Next protocol event by mono_us() `end`, or jv_invalid(). Reads stderr
 * meanwhile (a holder blocked on a full stderr pipe would stall). */
static jv next_event_by(struct conv *c, int64_t end)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);

		if (nl) {
			jv v, t;
			size_t l = (size_t)(nl - c->buf);

			v = jv_parse_sized(c->buf, (int)l);
			c->len -= l + 1;
			memmove(c->buf, nl + 1, c->len);
			if (jv_get_kind(v) != JV_KIND_OBJECT) {
				c->garbage_out++;
				jv_free(v);
				continue;
			}
			t = jv_object_get(jv_copy(v), jv_string("t"));
			if (jv_get_kind(t) != JV_KIND_NUMBER ||
			    jv_number_value(t) > (double)mono_us() + 1e6 ||
			    jv_number_value(t) < (double)mono_us() - 60e6)
				c->bad_t++;
			jv_free(t);
			return v;
		}
		{
			struct pollfd p[2] = {
				{ .fd = c->hp.out_fd, .events = POLLIN },
				{ .fd = c->hp.err_fd, .events = POLLIN },
			};
			int64_t left = (end - mono_us()) / 1000;
			ssize_t r;

			if (left <= 0 || c->hp.out_fd < 0 ||
			    poll(p, 2, (int)left) <= 0)
				return jv_invalid();
			if (p[1].revents)
				drain_stderr(c);
			if (!p[0].revents)
				continue;
			r = read(c->hp.out_fd, c->buf + c->len,
				 sizeof(c->buf) - 1 - c->len);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0)
				return jv_invalid();
			c->len += (size_t)r;
			if (c->len == sizeof(c->buf) - 1 &&
			    !memchr(c->buf, '\n', c->len)) {
				c->len = 0; /* a monster line: drop it */
				c->long_lines++;
			}
		}
	}
}

/*
 * How long the holder may take for an answer: `ms`, plus what it waited
 * for a CPU meanwhile, plus the time it was seen blocked in the kernel
 * (two reads in a row that saw a thread in D: the stretch between them),
 * up to `factor` times `ms`. A holder asleep for want of nothing gets
 * `ms`; beside the soak, a Node holder's acquire sat 6 s in an fsync
 * (D in folio_wait_bit) and a fixed 5 s called it unanswered.
 */
struct patience {
	int64_t t0, limit, cap;
	int64_t cpu_us, blocked_us; /* the widening so far */
	int64_t last_read;	    /* mono_us of the last read; 0: none */
	int last_blocked;	    /* what it saw */
	long long base;		    /* the CPU wait at t0 (ns), -1: none */
};

static void patience_start(struct conv *c, struct patience *p, int ms,
			   int factor)
{
	*p = (struct patience){ .t0 = mono_us(),
				.limit = (int64_t)ms * 1000,
				.cap = (int64_t)ms * 1000 * factor };
	p->base = sched_sandbox_wait_ns(c->hp.pid, c->sb.pidns);
}

/* Reads the holder's CPU wait and state; widens `p`. */
static void patience_read(struct conv *c, struct patience *p)
{
	int64_t now = mono_us();
	int blocked = sched_sandbox_in_kernel(c->hp.pid, c->sb.pidns);
	long long w = sched_sandbox_wait_ns(c->hp.pid, c->sb.pidns);

	if (p->base >= 0 && w > p->base && (w - p->base) / 1000 > p->cpu_us)
		p->cpu_us = (w - p->base) / 1000;
	if (blocked && p->last_blocked && p->last_read)
		p->blocked_us += now - p->last_read;
	p->last_blocked = blocked;
	p->last_read = now;
}

/* One TAP comment: what happened (`what`) after how long, and the bound
 * it was given. */
static void patience_say(const struct patience *p, const char *what)
{
	printf("#   %s after %lld ms: %lld ms + %lld ms it waited for a CPU + "
	       "%lld ms it was blocked in the kernel (at most %lld times the "
	       "limit)\n",
	       what, (long long)((mono_us() - p->t0) / 1000),
	       (long long)(p->limit / 1000), (long long)(p->cpu_us / 1000),
	       (long long)(p->blocked_us / 1000),
	       (long long)(p->cap / p->limit));
}

/* The next event within `p`'s bound (read every 200 ms); invalid when
 * none came (or the holder ended). */
static jv next_event_patient(struct conv *c, struct patience *p)
{
	for (;;) {
		int64_t stop = p->t0 + p->limit + p->cpu_us + p->blocked_us,
			now = mono_us();
		jv v;

		if (stop > p->t0 + p->cap)
			stop = p->t0 + p->cap;
		if (stop <= now)
			return jv_invalid();
		v = next_event_by(c, stop < now + 200000 ? stop : now + 200000);
		if (jv_is_valid(v) || c->hp.out_fd < 0)
			return v;
		jv_free(v);
		patience_read(c, p);
	}
}

/*
 * 1 when a kernel lock is held on the file at `path` by someone else: a
 * flock(2) lock, or a POSIX record lock (fcntl/lockf, seen through an OFD
 * lock, which conflicts with both kinds of record lock); 0 when both could
 * be taken here (they are dropped at once), -1 when the file cannot be
 * opened. For holders whose hello says "lockFile":"kept": their lock file
 * stays after release, so only the kernel can say whether it is held.
 */
static int kernel_locked(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	int held = 0;

	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		held = 1;
	else
		flock(fd, LOCK_UN);
	if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
		held = 1;
	} else {
		fl.l_type = F_UNLCK;
		fcntl(fd, F_OFD_SETLK, &fl);
	}
	close(fd);
	return held;
}

/* 1 when hello says the lock file stays after release (a kernel lock). */
static int lock_file_kept(jv hello)
{
	jv k = jv_object_get(jv_copy(hello), jv_string("lockFile"));
	int kept = jv_get_kind(k) == JV_KIND_STRING &&
		   !strcmp(jv_string_value(k), "kept");

	jv_free(k);
	return kept;
}

/* The pid the lock file at `path` names as the kernel view reads it (a
 * payload's `pid`, or a pid file: watch_owner_pid), 0 when none, -1 when
 * it cannot be read. At most 4 KiB + 1 read (more: names none). */
static long lock_names_pid(const char *path)
{
	char buf[4097];
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -1;
	while (len < sizeof(buf) &&
	       ((n = read(fd, buf + len, sizeof(buf) - len)) > 0 ||
		(n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	close(fd);
	return watch_owner_pid(buf, len);
}

/* hello's pid, or -2 when it has none (never equal to lock_names_pid). */
static long hello_pid(jv hello)
{
	jv p = jv_object_get(jv_copy(hello), jv_string("pid"));
	long pid = jv_get_kind(p) == JV_KIND_NUMBER &&
				   jv_number_value(p) >= 1 &&
				   jv_number_value(p) <= WATCH_PID_MAX
			   ? (long)jv_number_value(p)
			   : -2;

	jv_free(p);
	return pid;
}


static int is_ev(jv v, const char *name)
{
	jv e = jv_object_get(jv_copy(v), jv_string("ev"));
	int hit = jv_get_kind(e) == JV_KIND_STRING &&
		  !strcmp(jv_string_value(e), name);

	jv_free(e);
	return hit;
}

static int id_of(jv v)
{
	jv e = jv_object_get(jv_copy(v), jv_string("id"));
	double d = jv_get_kind(e) == JV_KIND_NUMBER ? jv_number_value(e) : -1;
	/* 1e300 or NaN from a holder must not reach an int cast (UB) */
	int id = d >= 0 && d <= 1e9 && d == (int)d ? (int)d : -1;

	jv_free(e);
	return id;
}

/* Writes one command line without ever blocking on a holder that does not
 * read: poll for room until WRITE_MS, then give up (c->deaf). Events that
 * arrive meanwhile wait in the pipe. 0 or -1. */
static int send_cmd(struct conv *c, const char *line)
{
	char *msg;
	size_t len, off = 0;
	int64_t end = mono_us() + (int64_t)WRITE_MS * 1000;

	if (c->deaf)
		return -1; /* it stopped reading once: no more waiting */
	msg = xasprintf("%s\n", line);
	len = strlen(msg);

	while (off < len && c->hp.in_fd >= 0) {
		struct pollfd p = { .fd = c->hp.in_fd, .events = POLLOUT };
		int64_t left = (end - mono_us()) / 1000;
		ssize_t w;

		drain_stderr(c);
		if (left <= 0)
			break;
		if (poll(&p, 1, left > 100 ? 100 : (int)left) <= 0)
			continue;
		w = write(c->hp.in_fd, msg + off, len - off);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w < 0)
			break;
		off += (size_t)w;
	}
	free(msg);
	if (off < len)
		c->deaf = 1;
	return off < len ? -1 : 0;
}

/* Sends a command and collects events until its outcome, for at most
 * CMD_MS and CMD_EVENTS_MAX events (a flood ends it: c->flooded). Sets
 * *seen to a bit per event kind seen: 1 acquired, 2 released, 4 appended,
 * 8 log. */
static jv run_cmd(struct conv *c, const char *line, int id, int *seen)
{
	struct patience wait;
	int events = 0;

	*seen = 0;
	if (send_cmd(c, line))
		return jv_invalid();
	patience_start(c, &wait, CMD_MS, CMD_GRACE_FACTOR);
	for (;;) {
		jv v = next_event_patient(c, &wait);
		int late = mono_us() - wait.t0 > wait.limit;
		char what[64];

		snprintf(what, sizeof(what), "command %d: %s", id,
			 jv_is_valid(v) ? "answered" : "no answer");
		if (!jv_is_valid(v) || (late && (is_ev(v, "ok") ||
						  is_ev(v, "fail")) &&
					id_of(v) == id))
			patience_say(&wait, what);
		if (!jv_is_valid(v))
			return v;
		if ((is_ev(v, "ok") || is_ev(v, "fail")) && id_of(v) == id)
			return v;
		*seen |= is_ev(v, "acquired")	? 1
			 : is_ev(v, "released") ? 2
			 : is_ev(v, "appended") ? 4
			 : is_ev(v, "log")	? 8
						: 0;
		jv_free(v);
		if (++events >= CMD_EVENTS_MAX) {
			c->flooded = 1;
			return jv_invalid();
		}
	}
}

/* The kept tail of stderr as TAP comment lines, control bytes shown as
 * '?', so that nothing the holder wrote reads as a TAP line. */
static void print_stderr_tail(struct conv *c)
{
	size_t i;
	int bol = 1;

	if (!c->err_len)
		return;
	printf("# stderr of the holder (last %zu bytes):\n", c->err_len);
	for (i = 0; i < c->err_len; i++) {
		unsigned char ch = (unsigned char)c->err_tail[i];

		if (bol)
			fputs("#   ", stdout);
		bol = ch == '\n';
		putchar(ch == '\n' || (ch >= 0x20 && ch != 0x7f) ? ch : '?');
	}
	if (!bol)
		putchar('\n');
}

/*
 * 1 when `pid` (from hello) is the holder. In a PID namespace our /proc is
 * the namespace's own (its init mounted it), where the holder's parent,
 * outside, shows as 0: only init (1) and the holder have that.
 */
static int is_holder_pid(struct conv *c, pid_t pid)
{
	char path[64], *text, *pp;
	int hit;

	if (!c->sb.pidns)
		return pid == c->hp.pid;
	if (pid <= 1)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	text = read_file(path, 1 << 16, NULL);
	pp = text ? strstr(text, "\nPPid:") : NULL;
	hit = pp && strtol(pp + 6, NULL, 10) == 0;
	free(text);
	return hit;
}

static int has_cap(jv hello, const char *cap)
{
	jv caps = jv_object_get(jv_copy(hello), jv_string("caps"));
	int i, hit = 0;

	for (i = 0; jv_get_kind(caps) == JV_KIND_ARRAY &&
		    i < jv_array_length(jv_copy(caps));
	     i++) {
		jv x = jv_array_get(jv_copy(caps), i);

		hit |= jv_get_kind(x) == JV_KIND_STRING &&
		       !strcmp(jv_string_value(x), cap);
		jv_free(x);
	}
	jv_free(caps);
	return hit;
}

/*
 * The protocol checks, one holder, one conversation. Runs in a process of
 * its own (check_holder_main forks it): the sandbox it enters changes the
 * calling process's namespaces for good, and the conformance profile that
 * follows forks its workers from a clean process. Prints TAP lines from
 * c->n + 1; *hello_ok is set when the holder said hello.
 */
static void protocol_checks(struct conv *c, char **hargv, const char *tmpl,
			    int *hello_ok)
{
	char *err = NULL, *lock, *tr, *text, *why = NULL;
	char *env[] = { "LOCKCHAOS_HOLDER=checker", NULL, "LOCKCHAOS_PROTO=1",
			NULL };
	jv hello, v;
	int seen, status = 0, i, asleep = 0;
	struct patience wait;
	struct stat st;
	pid_t look;

	c->dir = (char *)tmpl;
	env[1] = xasprintf("LOCKCHAOS_DIR=%s", tmpl);
	lock = xasprintf("%s/s-check.jsonl.lock", tmpl);
	tr = xasprintf("%s/s-check.jsonl", tmpl);
	/* The same containment as `run`: a PID namespace whose end takes
	 * every process the holder started with it, the holder confined to
	 * its folder (supervise.h); a process group where not allowed. */
	if (sandbox_enter(&c->sb, 1, &why, &err)) {
		result(c, 0, "sandbox: %s", err);
		free(err);
		goto done;
	}
	if (why) {
		printf("# no PID namespace (%s): the holder runs in a process "
		       "group of its own\n",
		       why);
		free(why);
	}
	if (holder_start(&c->hp, hargv, env, tmpl, 1, &err)) {
		result(c, 0, "P1 starts: %s", err);
		free(err);
		goto done;
	}
	/* start-up is not a lock property: an interpreter on a loaded CI
	 * runner takes seconds (issue 12), so the limit is generous, and
	 * widened, as `run` does, by the time it waited for a CPU (and here
	 * by the time it was blocked in the kernel) */
	patience_start(c, &wait, c->start_timeout_ms, START_GRACE_FACTOR);
	hello = next_event_patient(c, &wait);
	result(c, jv_is_valid(hello) && is_ev(hello, "hello"),
	       "P1 says hello within %d s (--start-timeout)",
	       c->start_timeout_ms / 1000);
	if (!jv_is_valid(hello))
		patience_say(&wait, "no event");
	if (!jv_is_valid(hello) || !is_ev(hello, "hello")) {
		jv_free(hello);
		goto done;
	}
	{
		jv proto = jv_object_get(jv_copy(hello), jv_string("proto"));
		jv pid = jv_object_get(jv_copy(hello), jv_string("pid"));
		jv impl = jv_object_get(jv_copy(hello), jv_string("impl"));
		jv caps = jv_object_get(jv_copy(hello), jv_string("caps"));

		result(c, jv_get_kind(proto) == JV_KIND_NUMBER &&
				   jv_number_value(proto) == 1,
		       "P1 hello says proto 1");
		double p = jv_get_kind(pid) == JV_KIND_NUMBER
				   ? jv_number_value(pid)
				   : -1;

		result(c, p > 0 && p < 1e9 && is_holder_pid(c, (pid_t)p),
		       "P1 hello's pid is the holder's own (%d outside the "
		       "sandbox)",
		       (int)c->hp.pid);
		result(c, jv_get_kind(impl) == JV_KIND_STRING,
		       "P1 hello names its implementation");
		result(c, jv_get_kind(caps) == JV_KIND_ARRAY,
		       "P1 hello lists its capabilities");
		jv_free(proto);
		jv_free(pid);
		jv_free(impl);
		jv_free(caps);
	}
	send_cmd(c, "this is not json {{{");
	patience_start(c, &wait, 2000, CMD_GRACE_FACTOR);
	v = next_event_patient(c, &wait);
	result(c, jv_is_valid(v) && is_ev(v, "error"),
	       "P2 answers garbage with an error event");
	jv_free(v);
	v = run_cmd(c, "{\"id\":90,\"op\":\"no-such-op\"}", 90, &seen);
	if (!jv_is_valid(v) || !is_ev(v, "fail")) {
		/* An error event is the other documented answer. */
		result(c, jv_is_valid(v) || kill(c->hp.pid, 0) == 0,
		       "P2 survives an unknown op");
	} else {
		result(c, 1, "P2 fails an unknown op");
	}
	jv_free(v);
	v = run_cmd(c,
		    "{\"id\":1,\"op\":\"acquire\",\"session\":\"s-check\","
		    "\"lane\":\"main\",\"timeoutMs\":2000,\"pollMs\":50,"
		    "\"maxHoldMs\":10000,\"graceMs\":2000}",
		    1, &seen);
	result(c, jv_is_valid(v) && is_ev(v, "ok"), "P3 acquire answers ok");
	result(c, seen & 1, "P3 acquire reports an acquired event");
	result(c, lstat(lock, &st) == 0, "P3 the lock exists while held");
	if (lock_file_kept(hello))
		result(c, kernel_locked(lock) == 1,
		       "P3 the kernel lock is held while held (hello: lockFile kept)");
	if (has_cap(hello, "pidPayload")) {
		long named = lock_names_pid(lock);

		result(c, named == hello_pid(hello),
		       "P3 the lock file names the holder's pid while held "
		       "(hello: pidPayload; it names %ld)",
		       named);
	}
	jv_free(v);
	v = run_cmd(c,
		    "{\"id\":2,\"op\":\"release\",\"session\":\"s-check\","
		    "\"lane\":\"main\"}",
		    2, &seen);
	result(c, jv_is_valid(v) && is_ev(v, "ok"), "P3 release answers ok");
	result(c, seen & 2, "P3 release reports a released event");
	if (lock_file_kept(hello))
		result(c, kernel_locked(lock) == 0,
		       "L10 the kernel lock is free after release (the file stays: "
		       "hello says lockFile kept)");
	else
		result(c, lstat(lock, &st) != 0,
		       "L10 the lock is gone after release");
	jv_free(v);
	if (has_cap(hello, "deliver")) {
		v = run_cmd(c,
			    "{\"id\":3,\"op\":\"deliver\",\"session\":"
			    "\"s-check\",\"msg\":\"m-check\",\"lane\":\"main\","
			    "\"timeoutMs\":2000,\"pollMs\":50,\"maxHoldMs\":"
			    "10000,\"graceMs\":2000}",
			    3, &seen);
		result(c, jv_is_valid(v) && is_ev(v, "ok"),
		       "P3 deliver answers ok");
		result(c, (seen & 5) == 5,
		       "P3 deliver reports acquired and appended");
		text = read_file(tr, 1 << 20, NULL);
		result(c, text && strstr(text, "\"m-check\"") &&
				   strstr(text, "\"checker\"") &&
				   text[strlen(text) - 1] == '\n',
		       "L13 the transcript line names the message and the holder");
		free(text);
		jv_free(v);
	} else {
		printf("ok %d - P3 deliver # SKIP not in caps\n", ++c->n);
	}
	result(c, !c->garbage_out, "P4 every line it wrote is a JSON object "
				   "(%d were not)",
	       c->garbage_out);
	result(c, !c->bad_t, "P4 every event's t is CLOCK_MONOTONIC in µs "
			     "(%d were not)",
	       c->bad_t);
	result(c, !c->long_lines, "P4 no line longer than %d bytes (%d were)",
	       LINE_MAX_BYTES, c->long_lines);
	result(c, !c->flooded, "P4 no command drew more than %d events",
	       CMD_EVENTS_MAX);
	result(c, !c->deaf, "P4 it reads its commands (a write waited %d ms)",
	       WRITE_MS);
	/* the holder as the sandbox's /proc names it (its hello's pid, when
	 * that is its own; 0: not known, the plain 2 s) */
	look = hello_pid(hello) > 0 && is_holder_pid(c, (pid_t)hello_pid(hello))
		       ? (pid_t)hello_pid(hello)
		       : 0;
	send_cmd(c, "{\"id\":4,\"op\":\"exit\",\"code\":7}");
	/* 2 s; longer (up to 30 s) while it is runnable or already exiting:
	 * beside the soak a Python holder that obeyed was still on its way
	 * out at 2 s. One asleep past 2 s ignores the command. */
	for (i = 0; i < EXIT_WAIT_MAX; i++) {
		char state;

		if (waitpid(c->hp.pid, &status, WNOHANG) == c->hp.pid)
			break;
		if (i >= EXIT_WAIT &&
		    (!look || ((state = proc_state(look)) != 'R' &&
			       state != 'D' && !proc_exiting(look)))) {
			i = EXIT_WAIT_MAX;
			asleep = 1;
			break;
		}
		usleep(10000);
	}
	result(c, i < EXIT_WAIT_MAX && WIFEXITED(status) &&
			  WEXITSTATUS(status) == 7,
	       "P5 exit ends it with the code asked for");
	if (i == EXIT_WAIT_MAX && look && !asleep) {
		char state = proc_state(look);

		if (state == 'R' || state == 'D' || proc_exiting(look))
			printf("#   still %s after %d s (the cap)\n",
			       state == 'D'   ? "blocked in the kernel"
			       : state == 'R' ? "runnable"
					      : "exiting",
			       EXIT_WAIT_MAX / 100);
	}
	if (i == EXIT_WAIT_MAX) {
		kill(c->hp.pid, SIGKILL);
		waitpid(c->hp.pid, NULL, 0);
	}
	c->hp.pid = 0;
	jv_free(hello);
	*hello_ok = 1;
done:
	if (c->hp.pid > 0) {
		holder_kill_group(&c->hp);
		waitpid(c->hp.pid, NULL, 0);
	}
	if (c->hp.err_fd >= 0 && c->failed)
		drain_stderr(c);
	holder_close(&c->hp);
	/* Whatever it left (a double-forked daemon ...) goes with the
	 * namespace. */
	sandbox_sweep(&c->sb);
	if (c->failed)
		print_stderr_tail(c);
	free(env[1]);
	free(lock);
	free(tr);
}

/* How many scenario workers the profile runs side by side. */
#define CONFORMANCE_JOBS 2

int check_holder_main(int argc, char **argv)
{
	struct conv *c;
	char tmpl[] = "/tmp/lockchaos-check-XXXXXX";
	char conf_tmp[] = "/tmp/lockchaos-conformance-XXXXXX";
	char **hargv, *catalog;
	const char *only_rule = NULL;
	int protocol_only = 0, pfd[2], n = 0, failed = 0, hello_ok = 0;
	int start_timeout_ms = RUN_START_TIMEOUT_MS;
	pid_t pid;

	while (argc > 2 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "--protocol-only")) {
			protocol_only = 1;
		} else if (!strcmp(argv[1], "--start-timeout") && argc > 3) {
			char *end;
			long ms = strtol(argv[2], &end, 10);

			if (*end || end == argv[2] || ms < 1 || ms > 3600000) {
				fprintf(stderr, "lockchaos check-holder: "
						"--start-timeout: '%s' is not "
						"a time in ms (1 to 3600000)\n",
					argv[2]);
				return 2;
			}
			start_timeout_ms = (int)ms;
			argv++;
			argc--;
		} else if (!strcmp(argv[1], "--rule") && argc > 3) {
			only_rule = argv[2];
			argv++;
			argc--;
			if (!conformance_rule(only_rule)) {
				int k;

				fprintf(stderr, "lockchaos check-holder: no rule "
						"'%s' (docs/holder-protocol.md "
						"has:",
					only_rule);
				for (k = 0; conformance_rules[k].id; k++)
					fprintf(stderr, " %s",
						conformance_rules[k].id);
				fprintf(stderr, ")\n");
				return 2;
			}
		} else {
			break;
		}
		argv++;
		argc--;
	}
	if (argc > 2 && argv[1][0] == '-') { /* a misspelt option */
		static const struct option opts[] = {
			{ "protocol-only", no_argument, NULL, 'p' },
			{ "rule", required_argument, NULL, 'r' },
			{ "start-timeout", required_argument, NULL, 't' },
			{ "help", no_argument, NULL, 'h' },
			{ NULL, 0, NULL, 0 },
		};

		cli_unknown_option("check-holder", argv[1], opts);
		return 2;
	}
	if (argc != 2) {
		fprintf(stderr,
			"usage: lockchaos check-holder [--protocol-only | "
			"--rule ID] [--start-timeout MS] 'CMD [ARGS]'\n"
			"Starts CMD and checks, one by one, that it speaks "
			"docs/holder-protocol.md, then runs the conformance "
			"profile (real scenarios, each tied to a rule of that "
			"page; --rule: only that rule's) unless "
			"--protocol-only.\n");
		return 2;
	}
	{
		struct cli_holder h;

		/* The holder runs in a scratch folder: resolve its path here. */
		if (cli_holder_parse(&h, argv[1], 0))
			return 2;
		hargv = h.argv;
		h.argv = NULL;
		cli_holder_clear(&h);
	}
	if (!mkdtemp(tmpl)) {
		fprintf(stderr, "lockchaos: cannot create '%s': %s\n", tmpl,
			strerror(errno));
		free_argv(hargv);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	printf("TAP version 13\n# checking: %s\n", argv[1]);
	fflush(stdout);
	if (pipe(pfd)) {
		fprintf(stderr, "lockchaos: cannot create a pipe: %s\n",
			strerror(errno));
		remove_tree(tmpl);
		free_argv(hargv);
		return 2;
	}
	pid = fork_patient();
	if (pid == 0) {
		int r[3] = { 0, 0, 0 };

		close(pfd[0]);
		c = xcalloc(1, sizeof(*c));
		c->hp = (struct holder_proc)HOLDER_PROC_INIT;
		c->sb = (struct sandbox)SANDBOX_INIT;
		c->start_timeout_ms = start_timeout_ms;
		protocol_checks(c, hargv, tmpl, &r[2]);
		r[0] = c->n;
		r[1] = c->failed;
		fflush(stdout);
		if (write(pfd[1], r, sizeof(r)) != sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0) {
		printf("not ok 1 - the protocol checks start: %s\n",
		       strerror(errno));
		n = failed = 1;
	} else {
		int r[3] = { 0, 0, 0 };
		ssize_t got = read(pfd[0], r, sizeof(r));

		waitpid(pid, NULL, 0);
		if (got != (ssize_t)sizeof(r)) {
			printf("not ok 1 - the protocol checks ended early\n");
			r[0] = r[1] = 1;
		}
		n = r[0];
		failed = r[1];
		hello_ok = r[2];
	}
	close(pfd[0]);
	if (remove_tree(tmpl))
		printf("# could not remove all of '%s': %s\n", tmpl,
		       strerror(errno));
	catalog = protocol_only || !hello_ok || failed ? NULL
						       : conformance_catalog();
	if (protocol_only) {
		printf("# conformance profile not run (--protocol-only)\n");
	} else if (!hello_ok || failed) {
		/* Scenarios against a holder that does not speak the
		 * protocol would only repeat its failures, slowly. */
		printf("# conformance profile not run: the protocol checks "
		       "failed\n");
	} else if (!catalog) {
		printf("not ok %d - the conformance profile is found next to "
		       "lockchaos (../scenarios or "
		       "../share/lockchaos/scenarios)\n",
		       ++n);
		failed++;
	} else if (!mkdtemp(conf_tmp)) {
		printf("not ok %d - conformance profile: cannot create '%s': "
		       "%s\n",
		       ++n, conf_tmp, strerror(errno));
		failed++;
	} else {
		conformance_run(hargv, argv[1], catalog, only_rule, conf_tmp,
				CONFORMANCE_JOBS,
				(uint64_t)mono_us() ^ ((uint64_t)getpid() << 32),
				&n, &failed);
		if (remove_tree(conf_tmp))
			printf("# could not remove all of '%s': %s\n",
			       conf_tmp, strerror(errno));
	}
	printf("1..%d\n%d passed, %d failed\n", n, n - failed, failed);
	free(catalog);
	free_argv(hargv);
	return failed ? 1 : 0;
}
