/*
 * holder_io.c - talking to holders: start, hello, lines, commands, reaping.
 *
 * Single-threaded: one epoll loop (run_pump) reads every holder's stdout
 * and stderr, reaps exits, and returns when the caller's time has come.
 * A wake-up costs what is ready, not a walk over every holder: the pipes
 * are registered once (holders_start), a holder is waitpid'ed when a
 * SIGCHLD came (1,024 holders: a walk of 3,072 pipes and 1,024 waitpids
 * per wake-up was half the worker's CPU).
 * Holder events are stamped by the holder (CLOCK_MONOTONIC, the same clock
 * as ours) and rebased onto the scenario's start, so pipe latency does not
 * skew them. Everything a holder writes is hostile input: lines are
 * bounded (LINE_MAX_BYTES), non-protocol output is recorded as an error.
 */
#include "run/run_internal.h"
#include "run/noise.h"
#include "lib/util.h"
#include "lib/jvx.h"
#include "lib/preload.h"
#include "jsonline.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

struct hstate *run_holder(struct run *r, const char *name)
{
	int i;

	if (!r->h_index.size) /* made once: the holders are fixed */
		for (i = r->nh - 1; i >= 0; i--) /* the first of a name */
			name_index_put(&r->h_index, r->h[i].decl->name, i);
	i = name_index_get(&r->h_index, name);
	return i >= 0 ? &r->h[i] : NULL;
}

const struct pidns *run_holder_ns(struct run *r, const struct hstate *h)
{
	return h->ns >= 0 && h->ns < r->nns ? &r->ns[h->ns] : NULL;
}

struct pend *run_pend_find(struct run *r, int h, int id)
{
	int lo = 0, hi = r->np;

	/* r->p is in the order the ids were given (runner.c, step_op), so
	 * by increasing id: one answer costs log(commands), not a walk over
	 * all of them (10,000 answers walked 10,000 pends each) */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (r->p[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->np && r->p[lo].id == id && r->p[lo].h == h ? &r->p[lo]
								   : NULL;
}

void holder_close_pending(struct run *r, int hi, const char *why)
{
	int i;

	for (i = 0; i < r->np; i++) {
		struct pend *p = &r->p[i];
		jv ev;

		if (p->h != hi || p->done)
			continue;
		p->done = 1;
		r->h[hi].pending--;
		ev = ev_op_fields(ev_new("info", r->h[hi].decl->name), p->st);
		ev = ev_num(ev, "id", p->id);
		ev = ev_str(ev, "error", why);
		/* Gone although nobody ended it (no kill, term or signal
		 * fault, no exit command, not the harness at the end): the
		 * protocol checker fails the unanswered command. */
		if (r->h[hi].reaped && !r->h[hi].doomed && !r->h[hi].told_exit)
			ev = jv_object_set(ev, jv_string("unprompted"),
					   jv_true());
		history_record(r, ev);
	}
}

/* 1 when `v` (borrowed) is an array of strings. */
static int string_list(jv v)
{
	int i, n, ok = jv_get_kind(v) == JV_KIND_ARRAY;

	n = ok ? jv_array_length(jv_copy(v)) : 0;
	for (i = 0; i < n && ok; i++) {
		jv x = jv_array_get(jv_copy(v), i);

		ok = jv_get_kind(x) == JV_KIND_STRING;
		jv_free(x);
	}
	return ok;
}

/*
 * A hello that does not say what the protocol asks (proto 1, a pid, caps
 * and failpoints as lists of strings) is a protocol failure of the holder:
 * recorded as an `error` event (the protocol checker's) and kept in
 * h->hello_error, so that the run is judged, never reported n/a on the
 * strength of capabilities it never stated.
 */
static void hello_check(struct run *r, struct hstate *h, jv ev)
{
	jv caps = jv_object_get(jv_copy(ev), jv_string("caps"));
	jv pid = jv_object_get(jv_copy(ev), jv_string("pid"));
	jv fps = jv_object_get(jv_copy(ev), jv_string("failpoints"));
	jv opts = jv_object_get(jv_copy(ev), jv_string("opts"));
	const char *why = NULL;

	if (!string_list(caps))
		why = "hello: caps is not a list of strings";
	else if (jv_get_kind(pid) != JV_KIND_NUMBER ||
		 jv_number_value(pid) < 1 ||
		 jv_number_value(pid) != (double)(long)jv_number_value(pid))
		why = "hello: pid is not a positive whole number";
	else if (jv_get_kind(fps) != JV_KIND_INVALID &&
		 jv_get_kind(fps) != JV_KIND_NULL && !string_list(fps))
		why = "hello: failpoints is not a list of strings";
	else if (jv_get_kind(opts) != JV_KIND_INVALID &&
		 jv_get_kind(opts) != JV_KIND_NULL && !string_list(opts))
		why = "hello: opts is not a list of strings";
	if (why) {
		if (!h->hello_error)
			h->hello_error = xstrdup(why);
		history_record(r, ev_str(ev_new("error", h->decl->name),
					 "error", why));
	}
	jv_free(caps);
	jv_free(pid);
	jv_free(fps);
	jv_free(opts);
}

/* A `fail` with reason `unsupported` to a command that carried `opt.`
 * keys, as an n/a reason (the holder declared the option and refused it
 * after all); NULL for any other failure. */
static char *opt_refusal(struct hstate *h, const struct scn_step *st, jv fail)
{
	char reason[32], err[256];

	if (strcmp(jvx_str(fail, "reason", reason, sizeof(reason)),
		   "unsupported"))
		return NULL;
	jvx_str(fail, "error", err, sizeof(err));
	return xasprintf("%s refused the options of line %d: %s", h->impl,
			 st->line, *err ? err : "(no error text)");
}

static void on_hello(struct run *r, struct hstate *h, jv ev)
{
	jv pid = jv_object_get(jv_copy(ev), jv_string("pid"));
	jv proto = jv_object_get(jv_copy(ev), jv_string("proto"));
	jv impl = jv_object_get(jv_copy(ev), jv_string("impl"));
	jv out = ev_new("spawn", h->decl->name);
	long long num;

	if (h->hello)
		history_record(r, ev_str(ev_new("error", h->decl->name), "error",
				 "second hello"));
	h->hello = 1;
	/* 1e300 or 1.5 from a holder must not reach a pid_t cast (UB) */
	if (jsonline_int(pid, 1, INT_MAX, &num) == 0) {
		h->inner = (pid_t)num;
	} else {
		h->inner = r->sb.pidns ? 0 : h->proc.pid;
		h->bad_hello = 1;
		history_record(r, ev_str(ev_new("error", h->decl->name),
					 "error", "hello without a valid pid"));
	}
	if (!r->sb.pidns && h->inner != h->proc.pid)
		h->inner = h->proc.pid;
	h->spid = h->inner;
	if (run_holder_ns(r, h))
		h->spid = pidns_outer_pid(run_holder_ns(r, h)->ino, h->inner);
	h->nsino = r->sb.pidns && h->spid ? pidns_ino_of(h->spid) : 0;
	h->starttime = h->spid ? proc_starttime(h->spid) : -1;
	jv_free(h->caps);
	jv_free(h->na);
	h->caps = jv_object_get(jv_copy(ev), jv_string("caps"));
	if (jv_get_kind(h->caps) != JV_KIND_ARRAY) {
		jv_free(h->caps);
		h->caps = jv_array();
		h->bad_hello = 1;
		history_record(r, ev_str(ev_new("error", h->decl->name),
					 "error", "hello without a caps array"));
	}
	h->na = jv_object_get(jv_copy(ev), jv_string("na"));
	jv_free(h->opts);
	h->opts = jv_object_get(jv_copy(ev), jv_string("opts"));
	jv_free(h->failpoints);
	h->failpoints = jv_object_get(jv_copy(ev), jv_string("failpoints"));
	if (jv_get_kind(h->failpoints) == JV_KIND_NULL) {
		jv_free(h->failpoints);
		h->failpoints = jv_invalid();
	}
	hello_check(r, h, ev);
	sched_sample(r, h); /* its CPU waits count from here */
	free(h->impl);
	h->impl = xstrdup(jv_get_kind(impl) == JV_KIND_STRING
				  ? jv_string_value(impl)
				  : "unknown");
	if (jv_get_kind(proto) != JV_KIND_NUMBER ||
	    jv_number_value(proto) != 1) {
		h->bad_hello = 1;
		history_record(r, ev_str(ev_new("error", h->decl->name), "error",
				 "hello without proto 1"));
		if (!h->hello_error)
			h->hello_error = xstrdup("hello without proto 1");
	}
	out = ev_num(out, "pid", h->inner);
	if (h->decl->ns) {
		out = ev_str(out, "ns", h->decl->ns);
		out = ev_num(out, "outerPid", h->spid);
	}
	if (h->nsino)
		out = ev_num(out, "pidNs", (double)h->nsino);
	out = ev_num(out, "starttime", (double)h->starttime);
	out = ev_copy_field(out, ev, "t");
	out = ev_str(out, "impl", h->impl);
	out = ev_copy_field(out, ev, "bug");
	out = ev_copy_field(out, ev, "version");
	out = jv_object_set(out, jv_string("caps"), jv_copy(h->caps));
	{
		jv kept = jv_object_get(jv_copy(ev), jv_string("lockFile"));

		h->lock_kept = jv_get_kind(kept) == JV_KIND_STRING &&
			       !strcmp(jv_string_value(kept), "kept");
		jv_free(kept);
	}
	if (h->lock_kept)
		out = ev_str(out, "lockFile", "kept");
	history_record(r, out);
	jv_free(pid);
	jv_free(proto);
	jv_free(impl);
	jv_free(ev);
}

static void on_holder_line(struct run *r, struct hstate *h, char *line,
			   size_t len)
{
	int hi = (int)(h - r->h);
	jv ev = jvx_parse(line, len);
	jv kind, t;
	const char *ev_name;
	int ends_wait;

	if (jv_get_kind(ev) != JV_KIND_OBJECT ||
	    jv_get_kind(kind = jv_object_get(jv_copy(ev), jv_string("ev"))) !=
		    JV_KIND_STRING) {
		jv out = ev_new("error", h->decl->name);

		if (jv_get_kind(ev) == JV_KIND_OBJECT)
			jv_free(kind);
		jv_free(ev);
		out = ev_str(out, "error", "holder wrote non-protocol output");
		line[len > 200 ? 200 : len] = '\0';
		history_record(r, ev_str(out, "line", line));
		return;
	}
	/* Rebase the holder's clock; a holder without one gets ours, and a
	 * protocol error says so. */
	t = jv_object_get(jv_copy(ev), jv_string("t"));
	if (jv_get_kind(t) == JV_KIND_NUMBER) {
		double rel = run_holder_t(r, jv_number_value(t));

		if (rel > (double)run_now(r) + (double)run_real_us(r, 1000000) ||
		    rel < -(double)run_real_us(r, 60000000)) {
			history_record(r, ev_str(ev_new("error", h->decl->name),
					 "error",
					 "holder timestamp is not "
					 "CLOCK_MONOTONIC µs"));
			rel = (double)run_now(r);
		}
		ev = ev_num(ev, "t", rel);
	} else {
		history_record(r, ev_str(ev_new("error", h->decl->name), "error",
				 "event without a numeric t"));
		ev = ev_num(ev, "t", (double)run_now(r));
	}
	jv_free(t);
	ev_name = jv_string_value(kind);
	{
		/* docs/holder-protocol.md lists every event: another name
		 * (or bytes that were not UTF-8) is not the protocol */
		static const char *const known[] = {
			"hello",    "ok",	"fail", "acquired",  "released",
			"appended", "log",	"error", "failpoint",
			"swept",
		};
		size_t k;

		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(ev_name, known[k]))
				break;
		if (k == sizeof(known) / sizeof(known[0])) {
			jv out = ev_str(ev_new("error", h->decl->name),
					"error", "unknown event");

			history_record(r, ev_str(out, "event", ev_name));
		}
	}
	if (!strcmp(ev_name, "hello")) {
		jv_free(kind);
		on_hello(r, h, ev);
		return;
	}
	ev = jv_object_delete(ev, jv_string("ev"));
	ev = jv_object_set(ev, jv_string("type"), jv_copy(kind));
	ev = jv_object_set(ev, jv_string("process"),
			   jv_string(h->decl->name));
	if (!strcmp(ev_name, "ok") || !strcmp(ev_name, "fail")) {
		jv id = jv_object_get(jv_copy(ev), jv_string("id"));
		long long num;
		/* ids are ours, small and whole: 1e300 is no id (and no
		 * int cast, which would be UB) */
		struct pend *p = jsonline_int(id, 0, INT_MAX, &num) == 0
					 ? run_pend_find(r, hi, (int)num)
					 : NULL;

		if (p) {
			jv o = ev_op_fields(jv_object(), p->st);

			/* The harness's view of the op wins over whatever the
			 * holder echoed. */
			ev = jv_object_merge(ev, o);
			if (p->st->nr_opts && !p->done && !r->opt_refused &&
			    !strcmp(ev_name, "fail"))
				r->opt_refused = opt_refusal(h, p->st, ev);
			if (p->done)
				ev = ev_str(ev, "duplicate", "true");
			else
				h->pending--;
			p->done = 1;
			if (p->st->op == OP_SPIN) {
				h->spinning = 0;
				setpriority(PRIO_PROCESS, h->proc.pid, 0);
			}
		}
		jv_free(id);
	}
	/* a sample at or after each moment a wait ends (sched.c), and each
	 * log line (the visibility checker excuses a late WARN by the CPU
	 * wait up to it): one after the chunk this line came in (drain_fd)
	 * is after them all */
	ends_wait = !strcmp(ev_name, "acquired") || !strcmp(ev_name, "ok") ||
		    !strcmp(ev_name, "fail") || !strcmp(ev_name, "log");
	jv_free(kind);
	history_record(r, ev);
	if (ends_wait)
		h->sched_due = 1;
}

/* A holder passed one of the bounds of run_internal.h: say so (the
 * protocol checker fails it) and kill it; reap() records the death. */
static void holder_overrun(struct run *r, struct hstate *h, const char *what)
{
	jv ev;

	if (h->overrun)
		return;
	h->overrun = 1;
	ev = ev_str(ev_new("error", h->decl->name), "error", what);
	history_record(r, ev);
	if (h->proc.pid > 0 && !h->reaped)
		kill(h->proc.pid, SIGKILL);
}

static void on_stderr_line(struct run *r, struct hstate *h, const char *line)
{
	jv ev;

	if (h->err_lines++ >= STDERR_LINES_KEPT) {
		h->err_dropped++;
		free(h->err_last);
		h->err_last = xstrdup(line);
		return;
	}
	ev = ev_str(ev_new("log", h->decl->name), "level", "STDERR");
	history_record(r, ev_str(ev, "msg", line));
}

/* The stderr lines past STDERR_LINES_KEPT, as one last log event. */
static void flush_stderr_tail(struct run *r, struct hstate *h)
{
	char *msg;
	jv ev;

	if (!h->err_dropped)
		return;
	msg = xasprintf("(%d more stderr lines not kept; the last:) %s",
			h->err_dropped, h->err_last ? h->err_last : "");
	ev = ev_str(ev_new("log", h->decl->name), "level", "STDERR");
	history_record(r, ev_str(ev, "msg", msg));
	free(msg);
	h->err_dropped = 0;
}

void holder_feed(struct run *r, struct hstate *h, const char *chunk,
		 size_t n, int is_err)
{
	struct lbuf *b = is_err ? &h->err : &h->out;
	size_t *total = is_err ? &h->err_bytes : &h->out_bytes;
	const char *p, *end, *nl;

	if (h->overrun)
		return; /* killed: what is left is not read */
	if (!n) { /* end of file: a last line without newline */
		if (b->len && b->alloc != (size_t)-1) {
			b->buf[b->len] = '\0';
			if (is_err)
				on_stderr_line(r, h, b->buf);
			else if (++h->events <= HOLDER_EVENTS_MAX)
				on_holder_line(r, h, b->buf, b->len);
		}
		b->len = 0;
		if (b->alloc == (size_t)-1)
			b->alloc = 0;
		if (is_err)
			flush_stderr_tail(r, h);
		return;
	}
	*total += n;
	if (*total > (is_err ? HOLDER_ERR_MAX : HOLDER_OUT_MAX)) {
		holder_overrun(r, h, is_err ? "wrote more than 4 MiB to stderr"
					    : "wrote more than 16 MiB to stdout");
		return;
	}
	for (p = chunk, end = chunk + n; p < end; p = nl + 1) {
		size_t part;

		nl = memchr(p, '\n', (size_t)(end - p));
		part = (size_t)((nl ? nl : end) - p);
		/* b->alloc == (size_t)-1 marks a line being skipped: it went
		 * over LINE_MAX_BYTES. */
		if (b->alloc != (size_t)-1) {
			if (b->len + part > LINE_MAX_BYTES) {
				jv ev = ev_new("error", h->decl->name);
				char head[201];
				size_t hl = b->len < 200 ? b->len : 200;
				size_t more = 200 - hl < part ? 200 - hl : part;

				if (hl)
					memcpy(head, b->buf, hl);
				memcpy(head + hl, p, more);
				head[hl + more] = '\0';
				ev = ev_str(ev, "error",
					    "line longer than 64 KiB");
				history_record(r, ev_str(ev, "line", head));
				free(b->buf);
				b->buf = NULL;
				b->len = 0;
				b->alloc = (size_t)-1;
			} else {
				ALLOC_GROW(b->buf, b->len + part + 1, b->alloc);
				memcpy(b->buf + b->len, p, part);
				b->len += part;
			}
		}
		if (!nl)
			break;
		if (b->alloc == (size_t)-1) {
			b->alloc = 0; /* the long line ended */
			continue;
		}
		if (!b->buf) /* an empty line first */
			ALLOC_GROW(b->buf, 1, b->alloc);
		b->buf[b->len] = '\0';
		if (is_err) {
			on_stderr_line(r, h, b->buf);
		} else if (b->len) {
			if (++h->events > HOLDER_EVENTS_MAX) {
				holder_overrun(r, h,
					       "wrote more than 20000 lines");
				b->len = 0;
				return;
			}
			on_holder_line(r, h, b->buf, b->len);
		}
		b->len = 0;
	}
}

/* What an epoll event is about: holder index x 4 + one of these. */
enum { PUMP_OUT, PUMP_ERR, PUMP_IN, PUMP_OTHER };

/* Safety net for a lost SIGCHLD: every holder is waitpid'ed this often
 * even without one (a holder's death is otherwise seen at once). */
#define REAP_PERIOD_US 1000000
/* run_pump_cpu_grace's reads of the CPU waits: every 100 ms, and no more
 * than 500 holder reads a second */
#define GRACE_READ_US 100000
#define GRACE_READS_PER_S 500

static void pump_add(struct run *r, int fd, uint64_t what, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.u64 = what };

	if (r->ep_fd >= 0 && fd >= 0)
		(void)epoll_ctl(r->ep_fd, EPOLL_CTL_ADD, fd, &e);
}

/* Closes a holder pipe, out of the epoll set first: a copy of it in a
 * child not yet exec'ed would keep the registration (and its events). */
static void pump_close(struct run *r, int *fd)
{
	if (r->ep_fd >= 0)
		(void)epoll_ctl(r->ep_fd, EPOLL_CTL_DEL, *fd, NULL);
	close(*fd);
	*fd = -1;
}

int pump_open(struct run *r)
{
	r->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (r->ep_fd < 0)
		return -1;
	pump_add(r, r->chld_fd, PUMP_OTHER, EPOLLIN);
	pump_add(r, r->fs_fd, 4 + PUMP_OTHER, EPOLLIN);
	r->reap_due = 1;
	return 0;
}

/* Holder i's pipes into the epoll set: its output level-triggered (a
 * flood is read in rounds, the others between), its stdin edge-triggered
 * for room (flush_in writes until the pipe is full or the queue empty). */
static void pump_add_holder(struct run *r, int i)
{
	struct hstate *h = &r->h[i];

	pump_add(r, h->proc.out_fd, (uint64_t)i * 4 + PUMP_OUT, EPOLLIN);
	pump_add(r, h->proc.err_fd, (uint64_t)i * 4 + PUMP_ERR, EPOLLIN);
	pump_add(r, h->proc.in_fd, (uint64_t)i * 4 + PUMP_IN,
		 EPOLLOUT | EPOLLET);
}

/* Reads what is there on one of a holder's pipes into holder_feed. */
static void drain_fd(struct run *r, struct hstate *h, int *fd, int is_err)
{
	char chunk[65536];
	int rounds = 0;

	/* A flood must not keep the loop here: 16 reads, then the others. */
	while (rounds++ < 16) {
		ssize_t n = read(*fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			pump_close(r, fd);
		holder_feed(r, h, chunk, n > 0 ? (size_t)n : 0, is_err);
		/* One /proc read for the waits that ended in this chunk, not
		 * one per line: 10,000 answers in a burst read it 10,000
		 * times (a sixth of the worker's CPU). */
		if (h->sched_due) {
			h->sched_due = 0;
			sched_sample(r, h);
		}
		if (n <= 0)
			return;
	}
}

/* Writes what it can of h's pending commands, never blocking. */
static void flush_in(struct run *r, struct hstate *h)
{
	struct lbuf *b = &h->in;

	while (b->len && h->proc.in_fd >= 0) {
		ssize_t w = write(h->proc.in_fd, b->buf, b->len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w < 0) {
			/* it closed its stdin or died: its commands end as
			 * info when it is reaped */
			pump_close(r, &h->proc.in_fd);
			b->len = 0;
			return;
		}
		b->len -= (size_t)w;
		memmove(b->buf, b->buf + w, b->len);
	}
}

/* Records the death of holder i, reaped with `status`. */
static void reaped(struct run *r, int i, int status)
{
	struct hstate *h = &r->h[i];
	int k;
	jv ev;

	/* Read what it wrote before it died, then record the death (a pipe
	 * a grandchild still holds stays open: bounded). */
	for (k = 0; k < 64 && h->proc.out_fd >= 0; k++)
		drain_fd(r, h, &h->proc.out_fd, 0);
	for (k = 0; k < 64 && h->proc.err_fd >= 0; k++)
		drain_fd(r, h, &h->proc.err_fd, 1);
	flush_stderr_tail(r, h);
	h->reaped = 1;
	h->alive = 0;
	h->frozen = h->spinning = 0;
	ev = ev_new("exit", h->decl->name);
	if (WIFSIGNALED(status))
		ev = ev_str(ev, "signal", strsignal(WTERMSIG(status)));
	else
		ev = ev_num(ev, "code", WEXITSTATUS(status));
	history_record(r, ev);
	holder_close_pending(r, i, "holder died before answering");
}

/* The holder whose process is `pid` and that the pump may reap (not one
 * kept a zombie, not reaped already), or -1. A walk, but of integers:
 * 1,024 holders cost a microsecond, against a waitpid each. */
static int reapable(struct run *r, pid_t pid)
{
	int i;

	for (i = 0; i < r->nh; i++)
		if (r->h[i].proc.pid == pid)
			return r->h[i].reaped || r->h[i].zombie ? -1 : i;
	return -1;
}

/*
 * Reaps the holders that died. The dead are found by waitid(WNOWAIT),
 * which names one dead child without reaping it, so each death costs a
 * system call or two, not a waitpid of every holder; only when the child
 * it names is not one to reap here (a holder kept a zombie by the zombie
 * fault, the noise probe, the sandbox's init) does a waitpid of each
 * holder follow.
 */
static void reap(struct run *r)
{
	int i, status, walk = 0;
	int64_t now = mono_us();

	/* without a signalfd, no wake-up says when: every turn */
	if (r->chld_fd >= 0 && !r->reap_due && now < r->reap_next_us)
		return;
	r->reap_due = 0;
	r->reap_next_us = now + REAP_PERIOD_US;
	for (;;) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) ||
		    si.si_pid <= 0)
			break;
		i = reapable(r, si.si_pid);
		if (i < 0 || waitpid(si.si_pid, &status, WNOHANG) != si.si_pid) {
			walk = 1;
			break;
		}
		reaped(r, i, status);
	}
	for (i = 0; walk && i < r->nh; i++) {
		struct hstate *h = &r->h[i];

		if (h->reaped || h->zombie || h->proc.pid <= 0)
			continue;
		if (waitpid(h->proc.pid, &status, WNOHANG) == h->proc.pid)
			reaped(r, i, status);
	}
}

void run_pump(struct run *r, int64_t until, pump_done_fn done, void *arg)
{
	struct epoll_event ev[64];
	int first = 1;

	for (;;) {
		int n, i, timeout;
		int64_t left;

		/* The kernel view is read when the call begins, before a
		 * death is recorded (a holder's last delete comes before its
		 * exit), and when the epoll set says there is something: a
		 * read of it at every turn came back empty 9 times a message
		 * (issue 13: a fifth of the worker's system calls). */
		if (first || r->reap_due || mono_us() >= r->reap_next_us)
			watch_drain(r);
		first = 0;
		reap(r);
		sched_tick(r);
		if (done && done(r, arg))
			break;
		left = until - run_now(r);
		if (left <= 0)
			break;
		/* SIGCHLD wakes us at a death; the 10 ms tick is a safety
		 * net for a lost wake-up. */
		if (r->speed > 1)
			left = (left + r->speed - 1) / r->speed; /* real µs */
		timeout = left > 10000 ? 10 : (int)((left + 999) / 1000);
		if (r->hist_fp)
			fflush(r->hist_fp); /* history.c: what came so far */
		n = epoll_wait(r->ep_fd, ev, (int)(sizeof(ev) / sizeof(ev[0])),
			       timeout);
		if (n < 0 && errno != EINTR)
			poll(NULL, 0, timeout); /* no epoll set: wait */
		/* what the kernel queued first, as the turn's first read did */
		for (i = 0; i < n; i++)
			if (ev[i].data.u64 == 4 + PUMP_OTHER) {
				watch_drain(r);
				break;
			}
		for (i = 0; i < n; i++) {
			uint64_t what = ev[i].data.u64;
			struct hstate *h;

			if (what % 4 == PUMP_OTHER) {
				struct signalfd_siginfo si;

				if (what / 4)
					continue; /* drained above */
				while (read(r->chld_fd, &si, sizeof(si)) > 0)
					;
				r->reap_due = 1;
				continue;
			}
			if (what / 4 >= (uint64_t)r->nh)
				continue;
			h = &r->h[what / 4];
			/* by holder and pipe, never by fd number: an event
			 * of a pipe closed earlier in this batch is skipped */
			if (what % 4 == PUMP_OUT && h->proc.out_fd >= 0)
				drain_fd(r, h, &h->proc.out_fd, 0);
			else if (what % 4 == PUMP_ERR && h->proc.err_fd >= 0)
				drain_fd(r, h, &h->proc.err_fd, 1);
			else if (what % 4 == PUMP_IN)
				flush_in(r, h);
		}
	}
}

static int all_hello(struct run *r, void *arg)
{
	int i;

	for (i = 0; i < r->nh; i++)
		if (!r->h[i].hello && !r->h[i].reaped)
			return 0;
	return 1;
}

int64_t run_pump_cpu_grace(struct run *r, int64_t limit_us, int64_t cap_us,
			   pump_done_fn done, cpu_wait_fn waited, void *arg)
{
	int64_t t0 = mono_us(), most = waited(r, arg), period;

	/* read every GRACE_READ_US (longer with many holders, as sched.c's
	 * periodic reads): a wait still going on is seen from the second
	 * read that finds its thread runnable and unmoved (sched.c) */
	period = (int64_t)r->nh * 1000000 / GRACE_READS_PER_S;
	if (period < GRACE_READ_US)
		period = GRACE_READ_US;
	for (;;) {
		int64_t now = mono_us(), stop = t0 + limit_us + most, more;

		if (stop > t0 + cap_us)
			stop = t0 + cap_us;
		if (stop <= now)
			break;
		if (stop > now + period)
			stop = now + period;
		run_pump(r, run_now(r) + run_real_us(r, stop - now), done,
			 arg);
		if (done(r, arg))
			break;
		more = waited(r, arg);
		if (more > most)
			most = more;
	}
	return most;
}

/* start_cpu_wait's state: when the start-up wait began, when a starting
 * holder was first seen blocked in the kernel (0: not yet), the runner's
 * own run_delay then (-1: unreadable), the longest wait read, and whether
 * it was the runner's own. */
struct start_wait {
	int64_t t0, blocked_from;
	long long self_base;
	int64_t most;
	int self_longer;
};

/* cpu_wait_fn: the largest wait of a holder not yet said hello (µs), plus,
 * once one of them was seen blocked in the kernel (D: its binary or its
 * interpreter's files paged in from a stalled disk), the time the storage
 * probe stalled since: beside the soak a holder's start sat behind a 10 s
 * storage stall, and its 5 s --start-timeout was widened only by its
 * CPU wait. A start that blocks on a disk no one else waits on gains
 * nothing (sched.c). */
static int64_t start_cpu_wait(struct run *r, void *arg)
{
	struct start_wait *w = arg;
	int64_t cpu = sched_start_wait_ns(r) / 1000, now = mono_us(), self = 0;
	long long ns = w->self_base >= 0 ? run_self_delay_ns(r) : -1;

	if (!w->blocked_from && sched_start_in_kernel(r))
		w->blocked_from = now;
	if (cpu < 0)
		cpu = 0;
	cpu += w->blocked_from
		       ? noise_io_stalled_us(r->noise, w->blocked_from, now)
		       : 0;
	/* or the runner's own wait for a CPU since the wait began, when
	 * longer, as the scenario's deadline takes it: a runner that cannot
	 * run cannot read a hello, nor see a starting holder blocked (make
	 * check beside the soak: the runner waited 10.6 s, the holder sat in
	 * a frozen disk's fsync unseen, and its hello came 0.9 s after the
	 * limit of 3 s + its own 5.8 s of CPU wait had passed) */
	if (ns >= 0 && (ns - w->self_base) / 1000 > cpu)
		self = (ns - w->self_base) / 1000;
	if (self > w->most || cpu > w->most) {
		w->most = self > cpu ? self : cpu;
		w->self_longer = self > cpu;
	}
	return self > cpu ? self : cpu;
}

/* The holder's environment; NULL with *err when its clock faults cannot
 * be set up. */
static char **holder_env(struct run *r, struct hstate *h, char **err)
{
	char **env = xcalloc(21, sizeof(char *));
	int n = 0;

	env[n++] = xasprintf("LOCKCHAOS_HOLDER=%s", h->decl->name);
	env[n++] = xasprintf("LOCKCHAOS_DIR=%s", r->dir);
	env[n++] = xasprintf("LOCKCHAOS_PROTO=1");
	if (h->decl->needs_fiu)
		env[n++] = xasprintf("FIU_CTRL_FIFO=%s/fiu", r->scratch);
	if (clock_holder_env(r, h, env, &n, err)) {
		while (n > 0)
			free(env[--n]);
		free(env);
		return NULL;
	}
	n = speed_holder_env(r, env, n);
	return env;
}

/*
 * The last lines holder `h` wrote to stderr (at most STDERR_TAIL_BYTES, on
 * one line, control bytes as '?'), from its STDERR log events and the
 * unfinished line; "" when it wrote none. Malloc'ed.
 */
#define STDERR_TAIL_BYTES 400
static char *stderr_tail(struct run *r, struct hstate *h)
{
	char *out = xmalloc(STDERR_TAIL_BYTES + 1), *o;
	size_t len = 0, i;
	int n = jv_array_length(jv_copy(r->hist)), k;
	char part[STDERR_TAIL_BYTES + 1];

	/* part: the unfinished line; out: whole lines, walked newest first
	 * and prepended, cut to the newest STDERR_TAIL_BYTES. */
	part[0] = '\0';
	if (h->err.len) {
		size_t l = h->err.len < STDERR_TAIL_BYTES ? h->err.len
							  : STDERR_TAIL_BYTES;

		memcpy(part, h->err.buf + h->err.len - l, l);
		part[l] = '\0';
	}
	out[0] = '\0';
	for (k = n - 1; k >= 0 && strlen(out) + strlen(part) < STDERR_TAIL_BYTES;
	     k--) {
		jv ev = jv_array_get(jv_copy(r->hist), k);
		jv proc = jv_object_get(jv_copy(ev), jv_string("process"));
		jv lvl = jv_object_get(jv_copy(ev), jv_string("level"));
		jv msg = jv_object_get(jv_copy(ev), jv_string("msg"));

		if (jv_get_kind(proc) == JV_KIND_STRING &&
		    !strcmp(jv_string_value(proc), h->decl->name) &&
		    jv_get_kind(lvl) == JV_KIND_STRING &&
		    !strcmp(jv_string_value(lvl), "STDERR") &&
		    jv_get_kind(msg) == JV_KIND_STRING) {
			char *joined = xasprintf("%s%s%s", jv_string_value(msg),
						 *out ? " | " : "", out);

			snprintf(out, STDERR_TAIL_BYTES + 1, "%s",
				 joined + (strlen(joined) > STDERR_TAIL_BYTES
						   ? strlen(joined) -
							     STDERR_TAIL_BYTES
						   : 0));
			free(joined);
		}
		jv_free(ev);
		jv_free(proc);
		jv_free(lvl);
		jv_free(msg);
	}
	if (*part) {
		char *joined = xasprintf("%s%s%s", out, *out ? " | " : "", part);

		len = strlen(joined);
		snprintf(out, STDERR_TAIL_BYTES + 1, "%s",
			 joined + (len > STDERR_TAIL_BYTES
					   ? len - STDERR_TAIL_BYTES
					   : 0));
		free(joined);
	}
	for (o = out, i = 0; o[i]; i++)
		if ((unsigned char)o[i] < 0x20 || o[i] == 0x7f)
			o[i] = '?';
	return out;
}

/* How holder `h` ended, from its exit event: "exited with code 1",
 * "died of SIGKILL"; NULL while it runs. Malloc'ed. */
static char *exit_cause(struct run *r, struct hstate *h)
{
	int n = jv_array_length(jv_copy(r->hist)), k;
	char *out = NULL;

	if (!h->reaped)
		return NULL;
	for (k = n - 1; k >= 0 && !out; k--) {
		jv ev = jv_array_get(jv_copy(r->hist), k);
		jv type = jv_object_get(jv_copy(ev), jv_string("type"));
		jv proc = jv_object_get(jv_copy(ev), jv_string("process"));

		if (jv_get_kind(type) == JV_KIND_STRING &&
		    !strcmp(jv_string_value(type), "exit") &&
		    jv_get_kind(proc) == JV_KIND_STRING &&
		    !strcmp(jv_string_value(proc), h->decl->name)) {
			jv code = jv_object_get(jv_copy(ev), jv_string("code"));
			jv sig = jv_object_get(jv_copy(ev), jv_string("signal"));

			if (jv_get_kind(code) == JV_KIND_NUMBER)
				out = xasprintf("exited with code %d%s",
						(int)jv_number_value(code),
						jv_number_value(code) == 127
							? ": command not found"
						: jv_number_value(code) == 126
							? ": not executable"
							: "");
			else if (jv_get_kind(sig) == JV_KIND_STRING)
				out = xasprintf("died of %s",
						jv_string_value(sig));
			jv_free(code);
			jv_free(sig);
		}
		jv_free(ev);
		jv_free(type);
		jv_free(proc);
	}
	return out ? out : xstrdup("exited");
}

/* One PID namespace per ns= name, in order of first declaration. 0, or -1
 * with r->error. */
static int namespaces_start(struct run *r)
{
	int i, j;

	for (i = 0; i < r->nh; i++) {
		struct hstate *h = &r->h[i];
		char *err = NULL;

		h->ns = -1;
		if (!h->decl->ns)
			continue;
		for (j = 0; j < r->nns; j++)
			if (!strcmp(r->ns[j].name, h->decl->ns))
				break;
		if (j == r->nns) {
			struct pidns blank = PIDNS_INIT;

			r->ns = xrealloc(r->ns, (size_t)(r->nns + 1) *
						       sizeof(*r->ns));
			r->ns[j] = blank;
			if (sandbox_pidns_new(&r->sb, &r->ns[j], h->decl->ns,
					      &err)) {
				run_set_error(&r->error, "namespace %s: %s",
					      h->decl->ns, err);
				free(err);
				return -1;
			}
			r->nns++;
		}
		h->ns = j;
	}
	return 0;
}

/*
 * The order holders start in: those asking for a pid first, highest pid
 * first, then the others as declared. A holder's threads (node's, python's)
 * take the pids right after its own: started first, pid=7 would take the 9
 * another holder of its namespace asks for, while 9 started before 7 leaves
 * 7's threads to skip it.
 */
static void start_order(struct run *r, int *order)
{
	int i, j, n = 0;

	for (i = 0; i < r->nh; i++)
		if (r->h[i].decl->pid)
			order[n++] = i;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && r->h[order[j]].decl->pid >
					     r->h[order[j - 1]].decl->pid;
		     j--) {
			int t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < r->nh; i++)
		if (!r->h[i].decl->pid)
			order[n++] = i;
}

/*
 * Holders given one pid in two namespaces (another container's pid 7) must
 * differ in starttime too, as two processes started apart do. Started
 * within one clock tick of each other (start_order puts them side by side,
 * a few ms apart), a lock that checks pid and starttime rightly takes one
 * for the other, and the scenario tests nothing:
 * faults/containers-other-pid-alive passed that way on OpenClaw 5.20 and
 * 7.1 (Gw1 and Idle both starttime 5339800). Waits one tick and a
 * millisecond after its twin's start; costs that per twin.
 */
static void pid_twin_wait(const struct run *r, const int *order, int k)
{
	long tck = sysconf(_SC_CLK_TCK);
	int j;

	if (!r->h[order[k]].decl->pid)
		return;
	for (j = 0; j < k; j++)
		if (r->h[order[j]].decl->pid == r->h[order[k]].decl->pid) {
			usleep((useconds_t)(1000000 / (tck > 0 ? tck : 100) +
					    1000));
			return;
		}
}

int holders_start(struct run *r)
{
	int timeout_ms = r->o->start_timeout_ms > 0 ? r->o->start_timeout_ms
						    : RUN_START_TIMEOUT_MS;
	int i, j, k, n;
	long long waited_ms;
	char waited[96];
	int *order = xcalloc((size_t)r->nh + 1, sizeof(int));

	for (n = 0; r->o->holder_argv[n]; n++)
		;
	if (namespaces_start(r)) {
		free(order);
		return -1;
	}
	start_order(r, order);
	for (k = 0; k < r->nh; k++) {
		struct hstate *h = &r->h[i = order[k]];
		char **argv = xcalloc((size_t)n + 13 + PRELOAD_WRAP_WORDS,
				      sizeof(char *));
		char *err = NULL, *lib = NULL;
		char **env = holder_env(r, h, &err);
		const struct pidns *ns = run_holder_ns(r, h);
		pid_t want = (pid_t)h->decl->pid;
		int a = 0, rc, tries = 0;

		if (!env) {
			free(argv);
			run_set_error(&r->error, "holder %s: %s", h->decl->name,
				      err);
			free(err);
			free(order);
			return -1;
		}
		if (h->decl->needs_fiu) {
			argv[a++] = "fiu-run";
			argv[a++] = "-x";
			argv[a++] = "-f";
			argv[a++] = env[3] + strlen("FIU_CTRL_FIFO=");
			/* fiu-run sets LD_PRELOAD anew: add ours back. */
			for (j = 0; r->speed > 1 && j < PRELOAD_WRAP_WORDS; j++)
				argv[a++] = (char *)preload_wrap[j];
		}
		a = clock_wrap_argv(h, (const char **)argv, a);
		if (h->decl->needs_jitter) {
			int ne;

			for (ne = 0; env[ne]; ne++)
				;
			if (jitter_prepare(r, h, env, &ne)) {
				free(argv);
				for (j = 0; env[j]; j++)
					free(env[j]);
				free(env);
				free(order);
				return -1;
			}
			a = jitter_argv(argv, a);
			argv[a - 1] = lib = jitter_library();
		}
		for (j = 0; j < n; j++)
			argv[a++] = r->o->holder_argv[j];
		pid_twin_wait(r, order, k);
		/* Another holder's threads, or the short-lived children of a
		 * wrapper script ($(...) forks), may hold the pid, or take it
		 * between the request and the fork: ask again, for up to a
		 * second. */
		do {
			if (tries)
				usleep(20000);
			free(err);
			err = NULL;
			rc = want ? sandbox_next_pid(&r->sb, ns, want, &err)
				  : 0;
			if (!rc)
				rc = holder_start_in(&h->proc, argv, env,
						     r->scratch, !r->sb.pidns,
						     ns, want, &err);
		} while (rc == -2 && ++tries < 50);
		free(argv);
		free(lib);
		for (j = 0; env[j]; j++)
			free(env[j]);
		free(env);
		if (rc) {
			run_set_error(&r->error, "holder %s: %s", h->decl->name,
				  err);
			free(err);
			free(order);
			return -1;
		}
		fcntl(h->proc.in_fd, F_SETFL, O_NONBLOCK);
		pump_add_holder(r, i);
		h->alive = 1;
	}
	free(order);
	/* timeout_ms, plus the time the slowest one waited for a CPU since
	 * it was started (on a loaded machine an interpreter's start-up is
	 * mostly that), up to START_GRACE_FACTOR times timeout_ms: one that
	 * sleeps or waits for input waits for no CPU, and is an error after
	 * timeout_ms */
	{
		struct start_wait w = { mono_us(), 0, run_self_delay_ns(r), 0,
					0 };

		waited_ms = run_pump_cpu_grace(r, timeout_ms * 1000LL,
					       START_GRACE_FACTOR * timeout_ms *
						       1000LL,
					       all_hello, start_cpu_wait, &w) /
			    1000;
		snprintf(waited, sizeof(waited), " + %lld ms %s waited for a CPU%s",
			 waited_ms,
			 w.self_longer ? "the harness itself"
				       : "the holders starting",
			 !w.self_longer && w.blocked_from ? " or the disk" : "");
	}
	for (i = 0; i < r->nh; i++) {
		struct hstate *h = &r->h[i];
		char *cause, *tail;

		if (h->hello)
			continue;
		cause = exit_cause(r, h);
		tail = stderr_tail(r, h);

		/* One that ended is not slow: no larger --start-timeout
		 * helps, its stderr says why. */
		if (cause)
			run_set_error(&r->error,
				      "start-up: holder %s %s before its hello; "
				      "stderr: %s",
				      h->decl->name, cause,
				      *tail ? tail : "(empty)");
		else
			run_set_error(&r->error,
				      "start-up: holder %s sent no hello within "
				      "%d ms (--start-timeout)%s (it is still "
				      "running: it started too slowly or waits "
				      "for input); stderr: %s",
				      h->decl->name, timeout_ms,
				      waited_ms ? waited : "",
				      *tail ? tail : "(empty)");
		free(cause);
		free(tail);
		return -1;
	}
	return 0;
}

/* Whether string list `list` (any jv; not a list: no) holds `name`. */
static int in_list(jv list, const char *name)
{
	int i, n;

	if (jv_get_kind(list) != JV_KIND_ARRAY)
		return 0;
	n = jv_array_length(jv_copy(list));
	for (i = 0; i < n; i++) {
		jv c = jv_array_get(jv_copy(list), i);
		int hit = jv_get_kind(c) == JV_KIND_STRING &&
			  !strcmp(jv_string_value(c), name);

		jv_free(c);
		if (hit)
			return 1;
	}
	return 0;
}

/* The first `opt.KEY` of holder h's steps that its hello's `opts` does
 * not name, as an n/a reason; NULL when it names them all. */
static char *missing_option(struct run *r, struct hstate *h)
{
	const struct scenario *s = r->s;
	int k, i;

	for (k = 0; k < s->nr_steps; k++) {
		const struct scn_step *st = &s->steps[k];

		if (st->kind != STEP_OP || !st->holder ||
		    strcmp(st->holder, h->decl->name))
			continue;
		for (i = 0; i < st->nr_opts; i++) {
			char *has, *msg;

			if (in_list(h->opts, st->opts[i].key))
				continue;
			has = jv_get_kind(h->opts) == JV_KIND_ARRAY &&
					      jv_array_length(jv_copy(h->opts))
				      ? jvx_dump(h->opts)
				      : xstrdup("none");
			msg = xasprintf("%s has no option '%s' (line %d; its "
					"hello's opts: %s)",
					h->impl, st->opts[i].key, st->line,
					has);
			free(has);
			return msg;
		}
	}
	return NULL;
}

static int has_cap(struct hstate *h, const char *cap)
{
	return in_list(h->caps, cap);
}

char *holders_missing_capability(struct run *r)
{
	const struct scenario *s = r->s;
	int i, k;

	/* A holder whose hello is not the protocol gets a verdict (the
	 * protocol checker's), not an n/a drawn from its nonsense. */
	for (i = 0; i < r->nh; i++)
		if (r->h[i].bad_hello)
			return NULL;
	for (i = 0; i < r->nh; i++) {
		struct hstate *h = &r->h[i];
		const char *need[64];
		int nn = 0;
		const char *first_lane = NULL;

		for (k = 0; k < s->nr_steps && nn < 60; k++) {
			const struct scn_step *st = &s->steps[k];

			if (!st->holder || strcmp(st->holder, h->decl->name))
				continue;
			if (st->kind == STEP_OP && op_capability(st->op))
				need[nn++] = op_capability(st->op);
			if (st->kind == STEP_OP && st->op != OP_SPIN &&
			    st->op != OP_EXIT) {
				if (!first_lane)
					first_lane = st->lane;
				else if (strcmp(first_lane, st->lane))
					need[nn++] = "lanes";
			}
			/* `await H created` waits for a lock file whose
			 * bytes name H's pid: a lock that writes none
			 * (a kernel lock on an empty file, an age-based
			 * dot-lock) would only run the await out */
			if (st->kind == STEP_AWAIT &&
			    st->await_on == AWAIT_CREATED)
				need[nn++] = "pidPayload";
			if (st->kind == STEP_FAULT && st->fault->capability &&
			    st->fault->capability(st))
				need[nn++] = st->fault->capability(st);
		}
		for (k = 0; k < s->nr_requires && nn < 63; k++)
			need[nn++] = s->requires[k];
		/* A compressed run's holders must say their clocks and the
		 * file times they read follow libfaketime (speed.c). */
		if (r->speed > 1)
			need[nn++] = "speed";
		for (k = 0; k < nn; k++) {
			jv why;
			char *msg;

			if (has_cap(h, need[k]))
				continue;
			why = jv_get_kind(h->na) == JV_KIND_OBJECT
				      ? jv_object_get(jv_copy(h->na),
						      jv_string(need[k]))
				      : jv_invalid();
			msg = xasprintf("%s has no '%s'%s%s", h->impl, need[k],
					jv_get_kind(why) == JV_KIND_STRING
						? ": "
						: "",
					jv_get_kind(why) == JV_KIND_STRING
						? jv_string_value(why)
						: "");
			jv_free(why);
			return msg;
		}
		{
			char *msg = missing_option(r, h);

			if (msg)
				return msg;
		}
	}
	return NULL;
}

void holder_send(struct run *r, struct hstate *h, jv cmd)
{
	char *p = jvx_dump(cmd);
	size_t len = strlen(p);
	struct lbuf *b = &h->in;

	/* Queued, then written as far as the pipe takes it: a holder that
	 * stops reading fills its pipe, never blocks the loop (run_pump
	 * writes the rest when there is room). */
	if (h->proc.in_fd >= 0) {
		ALLOC_GROW(b->buf, b->len + len + 2, b->alloc);
		memcpy(b->buf + b->len, p, len);
		b->len += len;
		b->buf[b->len++] = '\n';
		flush_in(r, h);
	}
	free(p);
	jv_free(cmd);
}

int holder_gone(struct run *r, void *arg)
{
	return ((struct hstate *)arg)->reaped;
}

void holders_kill_all(struct run *r)
{
	int i;

	for (i = 0; i < r->nh; i++) {
		struct hstate *h = &r->h[i];

		if (h->proc.pid > 0 && !h->reaped) {
			if (r->sb.pidns)
				kill(h->proc.pid, SIGKILL);
			else
				holder_kill_group(&h->proc);
			waitpid(h->proc.pid, NULL, 0);
			h->reaped = 1;
		}
		holder_close(&h->proc);
	}
	sandbox_sweep(&r->sb);
	for (i = 0; i < r->nns; i++)
		pidns_close(&r->ns[i]);
}
