/*
 * runner.c - one scenario run: holders, steps, faults, history, verdicts.
 *
 * Single-threaded: one poll() loop reads every holder's stdout and stderr,
 * reaps exits, and returns when the next step is due. Holder events are
 * stamped by the holder (CLOCK_MONOTONIC, the same clock as ours) and
 * rebased onto the scenario's start, so pipe latency does not skew them.
 */
#include "run/runner.h"
#include "check/check.h"
#include "faults/damage.h"
#include "lib/jvx.h"
#include "sandbox/supervise.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELLO_TIMEOUT_MS 5000
#define EXIT_GRACE_MS 2000
#define LINE_MAX_BYTES (1 << 20)

struct lbuf {
	char *buf;
	size_t len, alloc;
};

struct hstate {
	const struct scn_holder *decl;
	struct holder_proc proc;
	pid_t inner;		/* pid inside the sandbox, from hello */
	long long starttime;	/* its /proc starttime, for recycle checks */
	int hello, alive, frozen, spinning, told_exit, reaped;
	jv caps, na;		/* from hello */
	char *impl;
	struct lbuf out, err;
};

struct pend {
	int id;
	int h;			 /* index into run.h */
	const struct scn_step *st;
	int64_t deadline;	 /* scenario µs after which we stop waiting */
	int done;
};

struct run {
	const struct scenario *s;
	const struct run_opts *o;
	struct sandbox sb;
	char *scratch, *dir;
	int64_t t0;		 /* mono µs at sandbox start: history's origin */
	int64_t ready;		 /* history µs when every holder said hello:
				    `at` times and the deadline count from
				    here, so a slow-starting holder (node:
				    ~350 ms) does not shift the script */
	struct hstate *h;
	int nh;
	struct pend *p;
	int np, ap;
	int next_id;
	jv hist;
	FILE *hist_fp;
	uint64_t prng;
	int chld_fd;		 /* signalfd for SIGCHLD: wakes the loop at
				    a death, when a holder has no pipe left */
	char *error;		 /* the run broke: status error */
	char *fault_error;	 /* a fault did not take */
	struct damage_ctx dmg;
};

static int64_t now_rel(struct run *r)
{
	return mono_us() - r->t0;
}

/* ---- history ------------------------------------------------------------- */

static void verbose_line(struct run *r, jv ev)
{
	jv copy = jv_copy(ev);
	jv t = jv_object_get(jv_copy(ev), jv_string("t"));
	jv s;

	copy = jv_object_delete(copy, jv_string("t"));
	s = jv_dump_string(copy, 0);
	fprintf(stderr, "  %-28.28s %+9.3fs %s\n", r->s->file,
		jv_get_kind(t) == JV_KIND_NUMBER ? jv_number_value(t) / 1e6 : 0,
		jv_string_value(s));
	jv_free(s);
	jv_free(t);
}

/* Appends `ev` (consumed) to the history; stamps t if it has none. */
static void record(struct run *r, jv ev)
{
	jv t = jv_object_get(jv_copy(ev), jv_string("t"));
	jv s;

	if (jv_get_kind(t) != JV_KIND_NUMBER)
		ev = jv_object_set(ev, jv_string("t"),
				   jv_number((double)now_rel(r)));
	jv_free(t);
	if (r->hist_fp) {
		s = jv_dump_string(jv_copy(ev), 0);
		fprintf(r->hist_fp, "%s\n", jv_string_value(s));
		fflush(r->hist_fp);
		jv_free(s);
	}
	if (r->o->verbose)
		verbose_line(r, ev);
	r->hist = jv_array_append(r->hist, ev);
}

static jv ev_new(const char *type, const char *process)
{
	jv ev = jv_object_set(jv_object(), jv_string("type"),
			      jv_string(type));

	if (process)
		ev = jv_object_set(ev, jv_string("process"),
				   jv_string(process));
	return ev;
}

static jv ev_str(jv ev, const char *k, const char *v)
{
	return v ? jv_object_set(ev, jv_string(k), jv_string(v)) : ev;
}

/* Copies field `k` of `from` into `to` when it is there: a holder's hello
 * may leave optional fields out, and an invalid jv must never be stored. */
static jv ev_copy_field(jv to, jv from, const char *k)
{
	jv v = jv_object_get(jv_copy(from), jv_string(k));

	if (jv_is_valid(v))
		return jv_object_set(to, jv_string(k), v);
	jv_free(v);
	return to;
}

static jv ev_num(jv ev, const char *k, double v)
{
	return jv_object_set(ev, jv_string(k), jv_number(v));
}

static void set_error(char **slot, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(char **slot, const char *fmt, ...)
{
	va_list ap;

	if (*slot)
		return; /* the first error is the one worth reading */
	va_start(ap, fmt);
	*slot = xvasprintf(fmt, ap);
	va_end(ap);
}

/* ---- holders ------------------------------------------------------------- */

static struct hstate *holder_by_name(struct run *r, const char *name)
{
	int i;

	for (i = 0; i < r->nh; i++)
		if (!strcmp(r->h[i].decl->name, name))
			return &r->h[i];
	return NULL;
}

static struct pend *pend_find(struct run *r, int h, int id)
{
	int i;

	for (i = 0; i < r->np; i++)
		if (r->p[i].h == h && r->p[i].id == id)
			return &r->p[i];
	return NULL;
}

static jv ev_op_fields(jv ev, const struct scn_step *st)
{
	ev = ev_str(ev, "op", op_name(st->op));
	ev = ev_str(ev, "session", st->session);
	ev = ev_str(ev, "lane", st->lane);
	ev = ev_str(ev, "msg", st->msg);
	ev = ev_str(ev, "label", st->label);
	return ev;
}

/* A holder can no longer answer: its open commands end as `info`. */
static void pend_close_all(struct run *r, int hi, const char *why)
{
	int i;

	for (i = 0; i < r->np; i++) {
		struct pend *p = &r->p[i];
		jv ev;

		if (p->h != hi || p->done)
			continue;
		p->done = 1;
		ev = ev_op_fields(ev_new("info", r->h[hi].decl->name), p->st);
		ev = ev_num(ev, "id", p->id);
		ev = ev_str(ev, "error", why);
		record(r, ev);
	}
}

static void on_hello(struct run *r, struct hstate *h, jv ev)
{
	jv pid = jv_object_get(jv_copy(ev), jv_string("pid"));
	jv proto = jv_object_get(jv_copy(ev), jv_string("proto"));
	jv impl = jv_object_get(jv_copy(ev), jv_string("impl"));
	jv out = ev_new("spawn", h->decl->name);

	if (h->hello)
		record(r, ev_str(ev_new("error", h->decl->name), "error",
				 "second hello"));
	h->hello = 1;
	h->inner = jv_get_kind(pid) == JV_KIND_NUMBER
			   ? (pid_t)jv_number_value(pid)
			   : (r->sb.pidns ? 0 : h->proc.pid);
	if (!r->sb.pidns && h->inner != h->proc.pid)
		h->inner = h->proc.pid;
	h->starttime = proc_starttime(h->inner);
	jv_free(h->caps);
	jv_free(h->na);
	h->caps = jv_object_get(jv_copy(ev), jv_string("caps"));
	if (jv_get_kind(h->caps) != JV_KIND_ARRAY) {
		jv_free(h->caps);
		h->caps = jv_array();
	}
	h->na = jv_object_get(jv_copy(ev), jv_string("na"));
	free(h->impl);
	h->impl = xstrdup(jv_get_kind(impl) == JV_KIND_STRING
				  ? jv_string_value(impl)
				  : "unknown");
	if (jv_get_kind(proto) != JV_KIND_NUMBER ||
	    jv_number_value(proto) != 1)
		record(r, ev_str(ev_new("error", h->decl->name), "error",
				 "hello without proto 1"));
	out = ev_num(out, "pid", h->inner);
	out = ev_num(out, "starttime", (double)h->starttime);
	out = ev_copy_field(out, ev, "t");
	out = ev_str(out, "impl", h->impl);
	out = ev_copy_field(out, ev, "bug");
	out = ev_copy_field(out, ev, "version");
	out = jv_object_set(out, jv_string("caps"), jv_copy(h->caps));
	record(r, out);
	jv_free(pid);
	jv_free(proto);
	jv_free(impl);
	jv_free(ev);
}

static void on_holder_line(struct run *r, struct hstate *h, char *line,
			   size_t len)
{
	int hi = (int)(h - r->h);
	jv ev = jv_parse_sized(line, (int)len);
	jv kind, t;
	const char *ev_name;

	if (jv_get_kind(ev) != JV_KIND_OBJECT ||
	    jv_get_kind(kind = jv_object_get(jv_copy(ev), jv_string("ev"))) !=
		    JV_KIND_STRING) {
		jv out = ev_new("error", h->decl->name);

		if (jv_get_kind(ev) == JV_KIND_OBJECT)
			jv_free(kind);
		jv_free(ev);
		out = ev_str(out, "error", "holder wrote non-protocol output");
		line[len > 200 ? 200 : len] = '\0';
		record(r, ev_str(out, "line", line));
		return;
	}
	/* Rebase the holder's clock; a holder without one gets ours, and a
	 * protocol error says so. */
	t = jv_object_get(jv_copy(ev), jv_string("t"));
	if (jv_get_kind(t) == JV_KIND_NUMBER) {
		double rel = jv_number_value(t) - (double)r->t0;

		if (rel > (double)now_rel(r) + 1e6 || rel < -60e6) {
			record(r, ev_str(ev_new("error", h->decl->name),
					 "error",
					 "holder timestamp is not "
					 "CLOCK_MONOTONIC µs"));
			rel = (double)now_rel(r);
		}
		ev = ev_num(ev, "t", rel);
	} else {
		record(r, ev_str(ev_new("error", h->decl->name), "error",
				 "event without a numeric t"));
		ev = ev_num(ev, "t", (double)now_rel(r));
	}
	jv_free(t);
	ev_name = jv_string_value(kind);
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
		struct pend *p =
			jv_get_kind(id) == JV_KIND_NUMBER
				? pend_find(r, hi, (int)jv_number_value(id))
				: NULL;

		if (p) {
			jv o = ev_op_fields(jv_object(), p->st);

			/* The harness's view of the op wins over whatever the
			 * holder echoed. */
			ev = jv_object_merge(ev, o);
			if (p->done)
				ev = ev_str(ev, "duplicate", "true");
			p->done = 1;
			if (p->st->op == OP_SPIN)
				h->spinning = 0;
		}
		jv_free(id);
	}
	jv_free(kind);
	record(r, ev);
}

static void drain_fd(struct run *r, struct hstate *h, int *fd, struct lbuf *b,
		     int is_err)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(*fd, chunk, sizeof(chunk));
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(*fd);
			*fd = -1;
			if (b->len) /* a last line without newline */
				n = 0;
			else
				return;
		}
		if (n > 0) {
			ALLOC_GROW(b->buf, b->len + (size_t)n + 1, b->alloc);
			memcpy(b->buf + b->len, chunk, (size_t)n);
			b->len += (size_t)n;
		} else {
			ALLOC_GROW(b->buf, b->len + 2, b->alloc);
			b->buf[b->len++] = '\n';
		}
		while ((nl = memchr(b->buf, '\n', b->len))) {
			size_t len = (size_t)(nl - b->buf);

			*nl = '\0';
			if (is_err) {
				jv ev = ev_new("log", h->decl->name);

				ev = ev_str(ev, "level", "STDERR");
				record(r, ev_str(ev, "msg", b->buf));
			} else if (len) {
				on_holder_line(r, h, b->buf, len);
			}
			b->len -= len + 1;
			memmove(b->buf, nl + 1, b->len);
		}
		if (b->len > LINE_MAX_BYTES) {
			jv ev = ev_new("error", h->decl->name);

			ev = ev_str(ev, "error", "line longer than 1 MiB");
			b->buf[200] = '\0';
			record(r, ev_str(ev, "line", b->buf));
			b->len = 0;
		}
		if (*fd < 0)
			return;
	}
}

static void reap(struct run *r)
{
	int i, status;

	for (i = 0; i < r->nh; i++) {
		struct hstate *h = &r->h[i];
		jv ev;
		pid_t w;

		if (h->reaped || h->proc.pid <= 0)
			continue;
		w = waitpid(h->proc.pid, &status, WNOHANG);
		if (w != h->proc.pid)
			continue;
		/* Read what it wrote before it died, then record the death. */
		if (h->proc.out_fd >= 0)
			drain_fd(r, h, &h->proc.out_fd, &h->out, 0);
		if (h->proc.err_fd >= 0)
			drain_fd(r, h, &h->proc.err_fd, &h->err, 1);
		h->reaped = 1;
		h->alive = 0;
		h->frozen = h->spinning = 0;
		ev = ev_new("exit", h->decl->name);
		if (WIFSIGNALED(status))
			ev = ev_str(ev, "signal", strsignal(WTERMSIG(status)));
		else
			ev = ev_num(ev, "code", WEXITSTATUS(status));
		record(r, ev);
		pend_close_all(r, i, "holder died before answering");
	}
}

typedef int (*pump_done_fn)(struct run *r, void *arg);

/* Runs the loop until scenario time `until` (µs) or until done() says so. */
static void pump(struct run *r, int64_t until, pump_done_fn done, void *arg)
{
	/* two pipes per holder, and the SIGCHLD signalfd */
	struct pollfd *pfd = xcalloc((size_t)(2 * r->nh + 1), sizeof(*pfd));
	struct hstate **who = xcalloc((size_t)(2 * r->nh + 1), sizeof(*who));

	for (;;) {
		int n = 0, i, timeout;
		int64_t left;

		reap(r);
		if (done && done(r, arg))
			break;
		left = until - now_rel(r);
		if (left <= 0)
			break;
		for (i = 0; i < r->nh; i++) {
			if (r->h[i].proc.out_fd >= 0) {
				pfd[n].fd = r->h[i].proc.out_fd;
				pfd[n].events = POLLIN;
				who[n++] = &r->h[i];
			}
			if (r->h[i].proc.err_fd >= 0) {
				pfd[n].fd = r->h[i].proc.err_fd;
				pfd[n].events = POLLIN;
				who[n++] = &r->h[i];
			}
		}
		if (r->chld_fd >= 0) {
			pfd[n].fd = r->chld_fd;
			pfd[n].events = POLLIN;
			who[n++] = NULL;
		}
		/* SIGCHLD wakes us at a death; the 10 ms tick is a safety
		 * net for a lost wake-up. */
		timeout = left > 10000 ? 10 : (int)((left + 999) / 1000);
		if (poll(pfd, (nfds_t)n, timeout) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			struct hstate *h = who[i];

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!h) {
				struct signalfd_siginfo si;

				while (read(r->chld_fd, &si, sizeof(si)) > 0)
					;
				continue;
			}
			if (pfd[i].fd == h->proc.out_fd)
				drain_fd(r, h, &h->proc.out_fd, &h->out, 0);
			else if (pfd[i].fd == h->proc.err_fd)
				drain_fd(r, h, &h->proc.err_fd, &h->err, 1);
		}
	}
	free(pfd);
	free(who);
}

static int all_hello(struct run *r, void *arg)
{
	int i;

	for (i = 0; i < r->nh; i++)
		if (!r->h[i].hello && !r->h[i].reaped)
			return 0;
	return 1;
}

static char **holder_env(struct run *r, struct hstate *h)
{
	char **env = xcalloc(6, sizeof(char *));
	int n = 0;

	env[n++] = xasprintf("LOCKCHAOS_HOLDER=%s", h->decl->name);
	env[n++] = xasprintf("LOCKCHAOS_DIR=%s", r->dir);
	env[n++] = xasprintf("LOCKCHAOS_PROTO=1");
	if (h->decl->needs_fiu)
		env[n++] = xasprintf("FIU_CTRL_FIFO=%s/fiu", r->scratch);
	return env;
}

static int start_holders(struct run *r)
{
	int i, j, n;

	for (n = 0; r->o->holder_argv[n]; n++)
		;
	for (i = 0; i < r->nh; i++) {
		struct hstate *h = &r->h[i];
		char **argv = xcalloc((size_t)n + 5, sizeof(char *));
		char **env = holder_env(r, h);
		char *err = NULL;
		int a = 0, rc;

		if (h->decl->needs_fiu) {
			argv[a++] = "fiu-run";
			argv[a++] = "-x";
			argv[a++] = "-f";
			argv[a++] = env[3] + strlen("FIU_CTRL_FIFO=");
		}
		for (j = 0; j < n; j++)
			argv[a++] = r->o->holder_argv[j];
		rc = holder_start(&h->proc, argv, env, r->scratch,
				  !r->sb.pidns, &err);
		free(argv);
		for (j = 0; env[j]; j++)
			free(env[j]);
		free(env);
		if (rc) {
			set_error(&r->error, "holder %s: %s", h->decl->name,
				  err);
			free(err);
			return -1;
		}
		h->alive = 1;
	}
	pump(r, now_rel(r) + HELLO_TIMEOUT_MS * 1000LL, all_hello, NULL);
	for (i = 0; i < r->nh; i++) {
		struct hstate *h = &r->h[i];

		if (h->hello)
			continue;
		set_error(&r->error,
			  "holder %s sent no hello within %d ms%s%s%s",
			  h->decl->name, HELLO_TIMEOUT_MS,
			  h->reaped ? " (it exited)" : "",
			  h->err.len ? "; stderr: " : "",
			  h->err.len ? "see history" : "");
		return -1;
	}
	return 0;
}

static int has_cap(struct hstate *h, const char *cap)
{
	int i, n = jv_array_length(jv_copy(h->caps));

	for (i = 0; i < n; i++) {
		jv c = jv_array_get(jv_copy(h->caps), i);
		int hit = jv_get_kind(c) == JV_KIND_STRING &&
			  !strcmp(jv_string_value(c), cap);

		jv_free(c);
		if (hit)
			return 1;
	}
	return 0;
}

/* NULL when every holder can do what the scenario asks; else why not. */
static char *missing_capability(struct run *r)
{
	const struct scenario *s = r->s;
	int i, k;

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
			if (st->kind == STEP_FAILPOINT &&
			    !strncmp(st->fp_name, "sessionlock/", 12))
				need[nn++] = "failpoints";
		}
		for (k = 0; k < s->nr_requires && nn < 64; k++)
			need[nn++] = s->requires[k];
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
	}
	return NULL;
}

/* ---- steps --------------------------------------------------------------- */

static void send_line(struct run *r, struct hstate *h, jv cmd)
{
	jv s = jv_dump_string(cmd, 0);
	const char *p = jv_string_value(s);
	size_t len = strlen(p);
	char *line = xmalloc(len + 2);
	size_t off = 0;

	memcpy(line, p, len);
	line[len++] = '\n';
	while (h->proc.in_fd >= 0 && off < len) {
		ssize_t w = write(h->proc.in_fd, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break; /* dead: its commands end as info on reap */
		off += (size_t)w;
	}
	free(line);
	jv_free(s);
}

static void step_op(struct run *r, const struct scn_step *st)
{
	struct hstate *h = holder_by_name(r, st->holder);
	int hi = (int)(h - r->h);
	const struct scn_params *pp = &st->p;
	jv cmd = jv_object(), ev;
	struct pend *p;
	int64_t budget;

	cmd = ev_num(cmd, "id", ++r->next_id);
	cmd = ev_str(cmd, "op", op_name(st->op));
	if (st->op != OP_SPIN && st->op != OP_EXIT) {
		cmd = ev_str(cmd, "session", st->session);
		cmd = ev_str(cmd, "lane", st->lane);
		cmd = ev_num(cmd, "timeoutMs", (double)pp->timeout_ms);
		cmd = ev_num(cmd, "pollMs", (double)pp->poll_ms);
		cmd = ev_num(cmd, "maxHoldMs", (double)pp->max_hold_ms);
		cmd = ev_num(cmd, "graceMs", (double)pp->grace_ms);
	}
	cmd = ev_str(cmd, "msg", st->msg);
	if (st->op == OP_TURN) {
		cmd = ev_num(cmd, "holdMs", (double)st->hold_ms);
		if (pp->lane_timeout_ms >= 0)
			cmd = ev_num(cmd, "laneTimeoutMs",
				     (double)pp->lane_timeout_ms);
	}
	if (st->op == OP_SPIN)
		cmd = ev_num(cmd, "ms", (double)st->spin_ms);
	if (st->op == OP_EXIT)
		cmd = ev_num(cmd, "code", st->exit_code);

	ev = jv_object_merge(ev_new("invoke", h->decl->name), jv_copy(cmd));
	ev = ev_str(ev, "label", st->label);
	ev = ev_num(ev, "line", st->line);
	record(r, ev);
	if (st->op == OP_SPIN) {
		jv f = ev_str(ev_new("fault", "harness"), "fault", "spin");

		f = ev_str(f, "target", h->decl->name);
		record(r, ev_num(f, "line", st->line));
		h->spinning = 1;
	}
	if (st->op == OP_EXIT)
		h->told_exit = 1;

	ALLOC_GROW(r->p, (size_t)r->np + 1, r->ap);
	p = &r->p[r->np++];
	p->id = r->next_id;
	p->h = hi;
	p->st = st;
	p->done = st->op == OP_EXIT; /* exit has no outcome by design */
	budget = pp->timeout_ms + (st->op == OP_TURN ? st->hold_ms : 0) +
		 (st->op == OP_SPIN ? st->spin_ms : 0) + 3000;
	/* Commands queue behind the holder's earlier ones (one lane runs
	 * them in turn): its budget starts when they may have ended. */
	{
		int64_t start = now_rel(r);
		int i;

		for (i = 0; i < r->np - 1; i++)
			if (r->p[i].h == hi && !r->p[i].done &&
			    r->p[i].deadline > start)
				start = r->p[i].deadline;
		p->deadline = start + budget * 1000;
	}
	if (!h->alive) {
		jv_free(cmd);
		pend_close_all(r, hi, "holder is not running");
		return;
	}
	send_line(r, h, cmd);
}

static void fault_event(struct run *r, const struct scn_step *st,
			const char *fault, jv extra)
{
	jv ev = ev_str(ev_new("fault", "harness"), "fault", fault);

	ev = ev_str(ev, "target", st->holder);
	ev = ev_num(ev, "line", st->line);
	record(r, jv_object_merge(ev, extra));
}

static int holder_gone(struct run *r, void *arg)
{
	return ((struct hstate *)arg)->reaped;
}

static void step_signal(struct run *r, const struct scn_step *st)
{
	struct hstate *h = holder_by_name(r, st->holder);
	int sig = st->kind == STEP_KILL	  ? SIGKILL
		  : st->kind == STEP_TERM ? SIGTERM
		  : st->kind == STEP_FREEZE ? SIGSTOP
					    : SIGCONT;
	const char *name = step_kind_name(st->kind);
	jv extra = jv_object();
	int i;

	if (!h->alive) {
		set_error(&r->fault_error, "line %d: %s %s: the holder is not "
					   "running",
			  st->line, name, h->decl->name);
		jv_free(extra);
		return;
	}
	if (kill(h->proc.pid, sig)) {
		set_error(&r->fault_error, "line %d: %s %s: %s", st->line,
			  name, h->decl->name, strerror(errno));
		jv_free(extra);
		return;
	}
	extra = ev_str(extra, "signal", strsignal(sig));
	extra = ev_num(extra, "pid", h->inner);
	fault_event(r, st, name, extra);
	if (sig == SIGKILL) {
		/* Wait for the death, so that what follows sees it. */
		pump(r, now_rel(r) + 2000000, holder_gone, h);
		if (!h->reaped)
			set_error(&r->fault_error,
				  "line %d: kill %s: still alive after 2 s",
				  st->line, h->decl->name);
		return;
	}
	if (sig == SIGSTOP || sig == SIGCONT) {
		/* The kernel stops a process asynchronously: check it took. */
		for (i = 0; i < 100; i++) {
			char c = proc_state(h->inner);

			if ((sig == SIGSTOP) == (c == 'T' || c == 't'))
				break;
			usleep(2000);
		}
		if (i == 100)
			set_error(&r->fault_error, "line %d: %s %s did not "
						   "take",
				  st->line, name, h->decl->name);
		h->frozen = sig == SIGSTOP;
	}
}

static void step_recycle(struct run *r, const struct scn_step *st)
{
	struct hstate *h = holder_by_name(r, st->holder);
	pid_t got = 0;
	char *err = NULL;
	long long start;
	jv extra;

	if (!h->reaped) {
		set_error(&r->fault_error, "line %d: recycle %s: the holder "
					   "is still alive (kill it first)",
			  st->line, h->decl->name);
		return;
	}
	if (sandbox_recycle(&r->sb, h->inner, &got, &err)) {
		set_error(&r->fault_error, "line %d: recycle %s: %s", st->line,
			  h->decl->name, err);
		free(err);
		return;
	}
	start = proc_starttime(got);
	if (got != h->inner || start < 0 || start == h->starttime) {
		set_error(&r->fault_error,
			  "line %d: recycle %s: wanted pid %d, got %d "
			  "(starttime %lld vs %lld)",
			  st->line, h->decl->name, (int)h->inner, (int)got,
			  start, h->starttime);
		return;
	}
	extra = ev_num(jv_object(), "pid", h->inner);
	extra = ev_num(extra, "impostorPid", got);
	extra = ev_num(extra, "holderStarttime", (double)h->starttime);
	extra = ev_num(extra, "impostorStarttime", (double)start);
	fault_event(r, st, "recycle", extra);
}

/* libfiu remote control: `enable name=N,failnum=1,failinfo=I[,onetime]`
 * into <prefix>-<pid>.in, the answer (0 or -1) from <prefix>-<pid>.out. */
static int fiu_command(struct run *r, struct hstate *h, const char *cmd,
		       char **err)
{
	char *in = xasprintf("%s/fiu-%d.in", r->scratch, (int)h->inner);
	char *out = xasprintf("%s/fiu-%d.out", r->scratch, (int)h->inner);
	int fd = -1, ofd = -1, rc = -1, i;
	char reply[32] = "";

	for (i = 0; i < 200 && fd < 0; i++) {
		fd = open(in, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			usleep(5000); /* ENXIO/ENOENT: not listening yet */
	}
	if (fd < 0) {
		*err = xasprintf("no libfiu control fifo '%s': %s", in,
				 strerror(errno));
		goto out;
	}
	ofd = open(out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (ofd < 0 || write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd) ||
	    write(fd, "\n", 1) != 1) {
		*err = xasprintf("cannot talk to '%s': %s", in,
				 strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	for (i = 0; i < 400; i++) {
		ssize_t n = read(ofd, reply, sizeof(reply) - 1);

		if (n > 0) {
			reply[n] = '\0';
			break;
		}
		usleep(5000);
	}
	if (!*reply) {
		*err = xasprintf("libfiu did not answer '%s' within 2 s", cmd);
		goto out;
	}
	if (atoi(reply) != 0) {
		*err = xasprintf("libfiu refused '%s' (answer %s)", cmd,
				 reply);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ofd >= 0)
		close(ofd);
	free(in);
	free(out);
	return rc;
}

static void step_failpoint(struct run *r, const struct scn_step *st)
{
	struct hstate *h = holder_by_name(r, st->holder);
	long info = st->fp_errno >= 0 ? st->fp_errno
		    : st->fp_delay_ms	 ? (long)st->fp_delay_ms
					 : 0;
	char *cmd, *err = NULL;
	jv extra;

	if (st->fp_off)
		cmd = xasprintf("disable name=%s", st->fp_name);
	else
		cmd = xasprintf("enable name=%s,failnum=1,failinfo=%ld%s",
				st->fp_name, info,
				st->fp_once ? ",onetime" : "");
	if (!h->alive || fiu_command(r, h, cmd, &err)) {
		set_error(&r->fault_error, "line %d: failpoint %s: %s",
			  st->line, h->decl->name,
			  err ? err : "the holder is not running");
		free(err);
		free(cmd);
		return;
	}
	extra = ev_str(jv_object(), "name", st->fp_name);
	extra = ev_str(extra, "mode", st->fp_off    ? "off"
				      : st->fp_once ? "once"
						    : "always");
	if (st->fp_errno >= 0)
		extra = ev_str(extra, "errno", strerrorname_np(st->fp_errno));
	if (st->fp_delay_ms)
		extra = ev_num(extra, "delayMs", (double)st->fp_delay_ms);
	extra = ev_str(extra, "command", cmd);
	fault_event(r, st, "failpoint", extra);
	free(cmd);
}

static void step_damage(struct run *r, const struct scn_step *st)
{
	struct damage_owner owner = { 0, -1 };
	char *err = NULL;
	jv extra;

	if (st->owner && !strcmp(st->owner, "init")) {
		owner.pid = 1;
		owner.starttime = proc_starttime(1);
	} else if (st->owner && strcmp(st->owner, "dead")) {
		struct hstate *h = holder_by_name(r, st->owner);

		owner.pid = h->inner;
		owner.starttime = h->starttime;
	}
	extra = jv_object();
	if (damage_apply(&r->dmg, st->session, st->damage, &owner, st->age_ms,
			 &extra, &err)) {
		set_error(&r->fault_error, "line %d: damage %s %s: %s",
			  st->line, st->session, st->damage, err);
		free(err);
		jv_free(extra);
		return;
	}
	extra = ev_str(extra, "kind", st->damage);
	extra = ev_str(extra, "session", st->session);
	extra = ev_num(extra, "ageMs", (double)st->age_ms);
	{
		jv ev = ev_str(ev_new("fault", "harness"), "fault", "damage");

		ev = ev_num(ev, "line", st->line);
		record(r, jv_object_merge(ev, extra));
	}
}

static int holder_idle(struct run *r, void *arg)
{
	struct hstate *h = arg;
	int hi = (int)(h - r->h), i;

	if (!h->alive)
		return 1;
	for (i = 0; i < r->np; i++)
		if (r->p[i].h == hi && !r->p[i].done)
			return 0;
	return 1;
}

/* Every live, unstuck holder answered everything, or its time ran out. */
static int quiet(struct run *r, void *arg)
{
	int64_t now = now_rel(r);
	int i;

	for (i = 0; i < r->np; i++) {
		struct pend *p = &r->p[i];
		struct hstate *h = &r->h[p->h];

		if (p->done || !h->alive || h->frozen || h->spinning)
			continue;
		if (now < p->deadline)
			return 0;
	}
	return 1;
}

static void run_step(struct run *r, const struct scn_step *st)
{
	switch (st->kind) {
	case STEP_OP:
		step_op(r, st);
		break;
	case STEP_KILL:
	case STEP_TERM:
	case STEP_FREEZE:
	case STEP_THAW:
		step_signal(r, st);
		break;
	case STEP_RECYCLE:
		step_recycle(r, st);
		break;
	case STEP_FAILPOINT:
		step_failpoint(r, st);
		break;
	case STEP_DAMAGE:
		step_damage(r, st);
		break;
	case STEP_WAIT:
		pump(r, now_rel(r) + st->wait_ms * 1000, NULL, NULL);
		break;
	case STEP_AWAIT: {
		int64_t ms = st->wait_ms >= 0 ? st->wait_ms
					      : r->s->params.deadline_ms;

		pump(r, now_rel(r) + ms * 1000, holder_idle,
		     holder_by_name(r, st->holder));
		break;
	}
	}
}

/* ---- the end ------------------------------------------------------------- */

static jv transcript_lines(struct run *r, const char *path, int *torn)
{
	size_t len;
	char *text = read_file(path, 64 << 20, &len);
	jv lines = jv_array();
	char *line, *nl;

	*torn = 0;
	if (!text)
		return lines;
	*torn = len > 0 && text[len - 1] != '\n';
	for (line = text; line < text + len; line = nl + 1) {
		jv v, t;

		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (!nl)
			nl = text + len;
		*nl = '\0';
		/* Rebase each line's t onto the scenario clock, as the
		 * holders' events are; a line that does not parse stays as
		 * it is for the integrity checker to judge. */
		v = jv_parse(line);
		if (jv_get_kind(v) == JV_KIND_OBJECT &&
		    jv_get_kind(t = jv_object_get(jv_copy(v),
						  jv_string("t"))) ==
			    JV_KIND_NUMBER) {
			jv s;

			v = ev_num(v, "t", jv_number_value(t) - (double)r->t0);
			jv_free(t);
			s = jv_dump_string(v, 0);
			lines = jv_array_append(lines, jv_copy(s));
			jv_free(s);
		} else {
			if (jv_get_kind(v) == JV_KIND_OBJECT)
				jv_free(t);
			jv_free(v);
			lines = jv_array_append(lines, jv_string(line));
		}
	}
	free(text);
	return lines;
}

static int session_known(jv sessions, const char *name)
{
	jv v = jv_object_get(jv_copy(sessions), jv_string(name));
	int known = jv_is_valid(v);

	jv_free(v);
	return known;
}

static void record_final(struct run *r)
{
	jv sessions = jv_object(), leaked = jv_array(), ev;
	int i;

	for (i = 0; i < r->s->nr_steps; i++) {
		const struct scn_step *st = &r->s->steps[i];
		char *lock, *tr;
		struct stat sb;
		jv one = jv_object();
		const char *state;
		int torn;

		if (!st->session || session_known(sessions, st->session))
			continue;
		lock = xasprintf("%s/%s.jsonl.lock", r->dir, st->session);
		tr = xasprintf("%s/%s.jsonl", r->dir, st->session);
		if (lstat(lock, &sb))
			state = "absent";
		else if (S_ISREG(sb.st_mode))
			state = "file";
		else if (S_ISDIR(sb.st_mode))
			state = "dir";
		else if (S_ISLNK(sb.st_mode))
			state = "symlink";
		else
			state = "other";
		one = ev_str(one, "lock", state);
		if (!strcmp(state, "file")) {
			char *payload = read_file(lock, 512, NULL);

			one = ev_str(one, "payload", payload ? payload : "");
			free(payload);
		}
		one = jv_object_set(one, jv_string("transcript"),
				    transcript_lines(r, tr, &torn));
		one = jv_object_set(one, jv_string("tornTail"),
				    jv_bool(torn));
		sessions = jv_object_set(sessions, jv_string(st->session),
					 one);
		free(lock);
		free(tr);
	}
	for (i = 0; i < r->nh; i++)
		if (r->h[i].told_exit && !r->h[i].reaped)
			leaked = jv_array_append(
				leaked, jv_string(r->h[i].decl->name));
	ev = ev_new("final", "harness");
	ev = jv_object_set(ev, jv_string("sessions"), sessions);
	record(r, jv_object_set(ev, jv_string("leaked"), leaked));
}

static int all_told_exited(struct run *r, void *arg)
{
	int i;

	for (i = 0; i < r->nh; i++)
		if (r->h[i].told_exit && !r->h[i].reaped)
			return 0;
	return 1;
}

/* Clean end: every responsive holder is told to exit; a stuck one (frozen,
 * spinning) cannot answer, so its open commands end as `info`. */
static void wind_down(struct run *r)
{
	int i;

	for (i = 0; i < r->nh; i++) {
		struct hstate *h = &r->h[i];
		jv cmd;

		if (!h->alive)
			continue;
		if (h->frozen || h->spinning) {
			pend_close_all(r, i, h->frozen
						     ? "holder was frozen at the end"
						     : "holder was spinning at "
						       "the end");
			continue;
		}
		if (h->told_exit)
			continue;
		h->told_exit = 1;
		cmd = ev_num(jv_object(), "id", ++r->next_id);
		send_line(r, h, ev_str(cmd, "op", "exit"));
	}
	pump(r, now_rel(r) + EXIT_GRACE_MS * 1000LL, all_told_exited, NULL);
	record_final(r);
}

static void kill_everything(struct run *r)
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
}

/* ---- expectations -------------------------------------------------------- */

static jv failure(const char *checker, int line, double at, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));

static jv failure(const char *checker, int line, double at, const char *fmt,
		  ...)
{
	va_list ap;
	char *msg;
	jv f = ev_str(jv_object(), "checker", checker);

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	f = ev_str(f, "msg", msg);
	free(msg);
	if (line > 0)
		f = ev_num(f, "line", line);
	return ev_num(f, "at", at);
}

/* The outcome of the op labelled `label`: failure object or jv_null. */
static jv expect_outcome(struct run *r, const struct scn_expect *e)
{
	int i, n = jv_array_length(jv_copy(r->hist));
	char type[16], proc[64], buf[256];
	double invoke_t = -1, id = -1;

	proc[0] = '\0';
	for (i = 0; i < n; i++) {
		jv ev = jv_array_get(jv_copy(r->hist), i);

		jvx_str(ev, "type", type, sizeof(type));
		if (invoke_t < 0 && !strcmp(type, "invoke") &&
		    !strcmp(jvx_str(ev, "label", buf, sizeof(buf)), e->label)) {
			invoke_t = jvx_num(ev, "t", 0);
			id = jvx_num(ev, "id", -1);
			jvx_str(ev, "process", proc, sizeof(proc));
		} else if (invoke_t >= 0 &&
			   (!strcmp(type, "ok") || !strcmp(type, "fail") ||
			    !strcmp(type, "info")) &&
			   jvx_num(ev, "id", -2) == id &&
			   !strcmp(jvx_str(ev, "process", buf, sizeof(buf)),
				   proc)) {
			double t = jvx_num(ev, "t", 0);
			char reason[64], error[256];
			jv f = jv_null();

			jvx_str(ev, "reason", reason, sizeof(reason));
			jvx_str(ev, "error", error, sizeof(error));
			if (e->want_ok && strcmp(type, "ok"))
				f = failure("expect", e->line, t,
					    "%s: %s %s expected ok, got %s%s%s",
					    e->text, proc, e->label, type,
					    *error ? ": " : "", error);
			else if (!e->want_ok && strcmp(type, "fail"))
				f = failure("expect", e->line, t,
					    "%s: %s %s expected fail, got %s",
					    e->text, proc, e->label, type);
			else if (e->reason && strcmp(reason, e->reason))
				f = failure("expect", e->line, t,
					    "%s: %s %s failed with reason '%s', "
					    "expected '%s'",
					    e->text, proc, e->label, reason,
					    e->reason);
			else if (e->within_ms >= 0 &&
				 t - invoke_t > (double)e->within_ms * 1000)
				f = failure("expect", e->line, t,
					    "%s: %s %s took %.0f ms, expected "
					    "within %lld ms",
					    e->text, proc, e->label,
					    (t - invoke_t) / 1000,
					    (long long)e->within_ms);
			jv_free(ev);
			return f;
		}
		jv_free(ev);
	}
	return failure("expect", e->line, invoke_t,
		       invoke_t < 0 ? "%s: step '%s' never ran"
				    : "%s: %s never got an answer",
		       e->text, e->label);
}

static jv final_session(struct run *r, const char *session)
{
	int n = jv_array_length(jv_copy(r->hist));
	jv last = jv_array_get(jv_copy(r->hist), n - 1);
	jv s = jv_object_get(jv_object_get(last, jv_string("sessions")),
			     jv_string(session));

	return jv_get_kind(s) == JV_KIND_OBJECT ? s : (jv_free(s), jv_object());
}

static int any_event(struct run *r, const char *type, const char *process,
		     const char *k1, const char *v1, const char *k2,
		     const char *v2, int v2_substring)
{
	int i, n = jv_array_length(jv_copy(r->hist)), hit = 0;
	char buf[1024];

	for (i = 0; i < n && !hit; i++) {
		jv ev = jv_array_get(jv_copy(r->hist), i);

		hit = !strcmp(jvx_str(ev, "type", buf, sizeof(buf)), type) &&
		      (!process ||
		       !strcmp(jvx_str(ev, "process", buf, sizeof(buf)),
			       process)) &&
		      (!v1 || !strcmp(jvx_str(ev, k1, buf, sizeof(buf)), v1)) &&
		      (!v2 || (v2_substring
				       ? strstr(jvx_str(ev, k2, buf, sizeof(buf)),
						v2) != NULL
				       : !strcmp(jvx_str(ev, k2, buf, sizeof(buf)),
						 v2)));
		jv_free(ev);
	}
	return hit;
}

/* `arr` (consumed) without item `skip`. Rebuilt item by item: libjq 1.6
 * asserts on jv_array_slice + jv_array_concat of the same array. */
static jv array_without(jv arr, int skip)
{
	jv out = jv_array();
	int i, n = jv_array_length(jv_copy(arr));

	for (i = 0; i < n; i++)
		if (i != skip)
			out = jv_array_append(out, jv_array_get(jv_copy(arr), i));
	jv_free(arr);
	return out;
}

/* Expected checker failures are taken out of `verdicts`; the rest of the
 * expectations add failures to `fails`. */
static void run_expectations(struct run *r, jv *verdicts, jv *fails)
{
	const struct scenario *s = r->s;
	int i;

	for (i = 0; i < s->nr_expects; i++) {
		const struct scn_expect *e = &s->expects[i];
		jv f = jv_null();

		switch (e->kind) {
		case EXPECT_OUTCOME:
			f = expect_outcome(r, e);
			break;
		case EXPECT_LOCK: {
			char state[32];
			jv sess = final_session(r, e->session);

			jvx_str(sess, "lock", state, sizeof(state));
			if (e->present != (*state && strcmp(state, "absent")))
				f = failure("expect", e->line, -1,
					    "%s: lock is %s", e->text,
					    *state ? state : "unknown");
			jv_free(sess);
			break;
		}
		case EXPECT_TRANSCRIPT: {
			jv sess = final_session(r, e->session);
			int n = jv_array_length(jv_object_get(
				sess, jv_string("transcript")));

			if (n != e->lines)
				f = failure("expect", e->line, -1,
					    "%s: transcript has %d lines",
					    e->text, n);
			break;
		}
		case EXPECT_LOG: {
			int hit = e->level ? any_event(r, "log", e->label,
						       "level", e->level,
						       "msg", e->contains, 1)
					   : (any_event(r, "log", e->label,
							"level", "WARN", "msg",
							e->contains, 1) ||
					      any_event(r, "log", e->label,
							"level", "ERROR", "msg",
							e->contains, 1));
			if (!hit)
				f = failure("expect", e->line, -1,
					    "%s: no such log line from %s",
					    e->text, e->label);
			break;
		}
		case EXPECT_RELEASED:
			if (!any_event(r, "released", e->label, "why",
				       e->reason, NULL, NULL, 0))
				f = failure("expect", e->line, -1,
					    "%s: %s never released%s%s",
					    e->text, e->label,
					    e->reason ? " with why=" : "",
					    e->reason ? e->reason : "");
			break;
		case EXPECT_FAILURE: {
			int k, n = jv_array_length(jv_copy(*verdicts)), hit = -1;
			char buf[1024];

			for (k = 0; k < n && hit < 0; k++) {
				jv v = jv_array_get(jv_copy(*verdicts), k);

				if (!strcmp(jvx_str(v, "checker", buf,
						 sizeof(buf)),
					    e->checker) &&
				    (!e->contains ||
				     strstr(jvx_str(v, "msg", buf, sizeof(buf)),
					    e->contains)))
					hit = k;
				jv_free(v);
			}
			if (hit < 0)
				f = failure("expect", e->line, -1,
					    "%s: checker %s did not fail",
					    e->text, e->checker);
			else
				*verdicts = array_without(*verdicts, hit);
			break;
		}
		case EXPECT_OUTSIDE: {
			char *why = damage_outside_check(&r->dmg);

			if (why)
				f = failure("expect", e->line, -1, "%s: %s",
					    e->text, why);
			free(why);
			break;
		}
		case EXPECT_JQ: {
			char *err = NULL;
			int rc = check_jq(r->hist, e->jq, &err);

			if (rc != 1)
				f = failure(rc < 0 ? "jq-error" : "jq",
					    e->line, -1, "%s: %s", e->text,
					    err ? err : "not true");
			free(err);
			break;
		}
		}
		if (jv_get_kind(f) == JV_KIND_OBJECT)
			*fails = jv_array_append(*fails, f);
		else
			jv_free(f);
	}
}

/* ---- the run ------------------------------------------------------------- */

struct tev {
	double t;
	int i;
};

static int tev_cmp(const void *a, const void *b)
{
	const struct tev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i - y->i; /* stable: arrival order breaks ties */
}

/* Holder events arrive through pipes a little late: sort by their own
 * timestamps, keeping `final` and verdicts last. */
static jv sort_history(jv hist)
{
	int n = jv_array_length(jv_copy(hist)), i;
	struct tev *v = xcalloc((size_t)n, sizeof(*v));
	jv out = jv_array();
	char type[16];

	for (i = 0; i < n; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);

		v[i].i = i;
		v[i].t = jvx_num(ev, "t", 0);
		jvx_str(ev, "type", type, sizeof(type));
		if (!strcmp(type, "meta"))
			v[i].t = -1e18;
		else if (!strcmp(type, "final") || !strcmp(type, "verdict"))
			v[i].t = 1e18 + i;
		jv_free(ev);
	}
	qsort(v, (size_t)n, sizeof(*v), tev_cmp);
	for (i = 0; i < n; i++)
		out = jv_array_append(out, jv_array_get(jv_copy(hist), v[i].i));
	free(v);
	jv_free(hist);
	return out;
}

static int write_jsonl(const char *path, jv arr)
{
	FILE *fp = fopen(path, "w");
	int i, n = jv_array_length(jv_copy(arr));

	if (!fp)
		return -1;
	for (i = 0; i < n; i++) {
		jv s = jv_dump_string(jv_array_get(jv_copy(arr), i), 0);

		fprintf(fp, "%s\n", jv_string_value(s));
		jv_free(s);
	}
	return fclose(fp);
}

/* Time from the first fault on a holder to the next acquire by another
 * holder: the recovery a person asks about first. -1 when none. */
static int64_t measure_recovery(jv hist)
{
	int i, n = jv_array_length(jv_copy(hist));
	double fault_t = -1;
	char target[64] = "", buf[64];

	for (i = 0; i < n; i++) {
		jv ev = jv_array_get(jv_copy(hist), i);

		jvx_str(ev, "type", buf, sizeof(buf));
		if (fault_t < 0 && !strcmp(buf, "fault")) {
			jvx_str(ev, "target", target, sizeof(target));
			fault_t = jvx_num(ev, "t", -1);
		} else if (fault_t >= 0 && !strcmp(buf, "acquired") &&
			   strcmp(jvx_str(ev, "process", buf, sizeof(buf)),
				  target)) {
			jv_free(ev);
			return (int64_t)((jvx_num(jv_array_get(jv_copy(hist), i),
					       "t", 0) -
					  fault_t) /
					 1000);
		}
		jv_free(ev);
	}
	return -1;
}

static jv result_json(const struct run_result *res)
{
	jv o = ev_str(jv_object(), "status", res->status);

	o = ev_str(o, "reason", res->reason ? res->reason : "");
	o = jv_object_set(o, jv_string("failures"), jv_copy(res->failures));
	o = ev_num(o, "durationMs", (double)res->duration_ms);
	o = ev_num(o, "recoveryMs", (double)res->recovery_ms);
	if (res->scratch)
		o = ev_str(o, "scratch", res->scratch);
	return o;
}

void run_result_init(struct run_result *r)
{
	memset(r, 0, sizeof(*r));
	r->failures = jv_array();
	r->recovery_ms = -1;
}

void run_result_clear(struct run_result *r)
{
	free(r->reason);
	free(r->scratch);
	jv_free(r->failures);
	run_result_init(r);
}

static const char *status_static(const char *s)
{
	static const char *const all[] = { STATUS_PASS, STATUS_FAIL, STATUS_NA,
					   STATUS_ERROR, STATUS_UNSUPPORTED };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(all[i], s))
			return all[i];
	return STATUS_ERROR;
}

int run_result_load(struct run_result *r, const char *path, char **err)
{
	jv o = jvx_load(path, 16 << 20);
	char buf[4096];

	run_result_init(r);
	if (jv_get_kind(o) != JV_KIND_OBJECT) {
		jv_free(o);
		*err = xasprintf("cannot read a result object from '%s'",
				 path);
		return -1;
	}
	r->status = status_static(jvx_str(o, "status", buf, sizeof(buf)));
	r->reason = xstrdup(jvx_str(o, "reason", buf, sizeof(buf)));
	jv_free(r->failures);
	r->failures = jv_object_get(jv_copy(o), jv_string("failures"));
	if (jv_get_kind(r->failures) != JV_KIND_ARRAY) {
		jv_free(r->failures);
		r->failures = jv_array();
	}
	r->duration_ms = (int64_t)jvx_num(o, "durationMs", 0);
	r->recovery_ms = (int64_t)jvx_num(o, "recoveryMs", -1);
	if (*jvx_str(o, "scratch", buf, sizeof(buf)))
		r->scratch = xstrdup(buf);
	jv_free(o);
	return 0;
}

static jv meta_event(struct run *r)
{
	const struct scenario *s = r->s;
	jv ev = ev_new("meta", "harness"), tags = jv_array(), params, argv;
	int i;

	for (i = 0; i < s->nr_tags; i++)
		tags = jv_array_append(tags, jv_string(s->tags[i]));
	argv = jv_array();
	for (i = 0; r->o->holder_argv[i]; i++)
		argv = jv_array_append(argv, jv_string(r->o->holder_argv[i]));
	params = ev_num(jv_object(), "maxHoldMs", (double)s->params.max_hold_ms);
	params = ev_num(params, "timeoutMs", (double)s->params.timeout_ms);
	params = ev_num(params, "pollMs", (double)s->params.poll_ms);
	params = ev_num(params, "graceMs", (double)s->params.grace_ms);
	params = ev_num(params, "slackMs", (double)s->params.slack_ms);
	ev = ev_num(ev, "t", 0);
	ev = ev_str(ev, "file", s->file);
	ev = ev_str(ev, "title", s->title);
	ev = jv_object_set(ev, jv_string("tags"), tags);
	ev = ev_num(ev, "seed", (double)(r->o->seed & ((1ULL << 53) - 1)));
	ev = jv_object_set(ev, jv_string("holder"), argv);
	ev = ev_num(ev, "repeat", r->o->iteration);
	ev = jv_object_set(ev, jv_string("pidns"), jv_bool(r->sb.pidns));
	return jv_object_set(ev, jv_string("params"), params);
}

static void play(struct run *r)
{
	const struct scenario *s = r->s;
	int64_t deadline = s->params.deadline_ms * 1000;
	int i;

	r->ready = now_rel(r);
	deadline += r->ready;
	record(r, ev_num(ev_new("ready", "harness"), "t", (double)r->ready));
	for (i = 0; i < s->nr_steps; i++) {
		const struct scn_step *st = &s->steps[i];

		if (st->at_ms >= 0) {
			int64_t at = r->ready + st->at_ms * 1000;

			if (st->jitter_ms)
				at += (int64_t)(prng_next(&r->prng) %
						(uint64_t)(2 * st->jitter_ms *
							   1000 + 1)) -
				      st->jitter_ms * 1000;
			pump(r, at, NULL, NULL);
		} else {
			pump(r, now_rel(r), NULL, NULL); /* read what is there */
		}
		if (now_rel(r) > deadline) {
			set_error(&r->error, "deadline of %lld ms passed "
					     "before line %d",
				  (long long)s->params.deadline_ms, st->line);
			return;
		}
		run_step(r, st);
	}
	pump(r, deadline, quiet, NULL);
}

int scenario_run(const struct scenario *s, const struct run_opts *o,
		 struct run_result *res)
{
	struct run r = { .s = s, .o = o, .chld_fd = -1 };
	struct check_opts copts = CHECK_OPTS_INIT;
	char *why = NULL, *err = NULL, *missing = NULL, *path;
	jv verdicts = jv_array(), fails = jv_array();
	int i, rc;
	size_t nfail;

	run_result_init(res);
	r.hist = jv_array();
	r.prng = o->seed;
	r.scratch = xasprintf("%s/lockchaos-XXXXXX", o->scratch_root);
	if (!mkdtemp(r.scratch)) {
		res->status = STATUS_ERROR;
		res->reason = xasprintf("cannot create scratch folder in "
					"'%s': %s",
					o->scratch_root, strerror(errno));
		goto write;
	}
	r.dir = xasprintf("%s/sessions", r.scratch);
	mkdir(r.dir, 0755);
	r.dmg.dir = r.dir;
	r.dmg.scratch = r.scratch;
	r.dmg.prng = &r.prng;
	path = xasprintf("%s/history.jsonl", o->report_dir);
	r.hist_fp = fopen(path, "w");
	free(path);

	if (sandbox_enter(&r.sb, o->want_pidns, &why, &err)) {
		res->status = STATUS_ERROR;
		res->reason = err;
		goto cleanup;
	}
	{
		sigset_t chld;

		/* Holders get the mask cleared again before exec
		 * (holder_start); init was forked before this. */
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigprocmask(SIG_BLOCK, &chld, NULL);
		r.chld_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	}
	if (s->needs_pidns && !r.sb.pidns) {
		res->status = STATUS_UNSUPPORTED;
		res->reason = xasprintf("this machine cannot recycle PIDs: %s",
					why ? why : "no PID namespace");
		goto cleanup;
	}
	r.nh = s->nr_holders;
	r.h = xcalloc((size_t)r.nh, sizeof(*r.h));
	for (i = 0; i < r.nh; i++) {
		struct holder_proc hp = HOLDER_PROC_INIT;

		r.h[i].decl = &s->holders[i];
		r.h[i].proc = hp;
		r.h[i].caps = jv_array();
		r.h[i].na = jv_null();
	}
	r.t0 = mono_us();
	record(&r, meta_event(&r));
	if (start_holders(&r)) {
		/* No verdict without holders: the run itself broke. */
		res->status = STATUS_ERROR;
		res->reason = xstrdup(r.error);
	} else {
		missing = missing_capability(&r);
		if (!missing)
			play(&r);
	}
	wind_down(&r);
cleanup:
	kill_everything(&r);
	res->duration_ms = r.t0 ? (mono_us() - r.t0) / 1000 : 0;
	if (res->status)
		goto write;
	if (missing) {
		res->status = STATUS_NA;
		res->reason = missing;
		missing = NULL;
		goto write;
	}
	copts.disabled = s->disabled;
	copts.slack_us = s->params.slack_ms * 1000;
	r.hist = sort_history(r.hist);
	check_history(r.hist, &copts, &verdicts);
	run_expectations(&r, &verdicts, &fails);
	fails = jv_array_concat(jv_copy(verdicts), fails);
	if (r.error)
		fails = jv_array_append(fails, failure("harness", 0, -1, "%s",
						       r.error));
	if (r.fault_error)
		fails = jv_array_append(fails,
					failure("fault", 0, -1,
						"fault did not take: %s",
						r.fault_error));
	for (i = 0; i < jv_array_length(jv_copy(verdicts)); i++)
		r.hist = jv_array_append(r.hist,
					 jv_array_get(jv_copy(verdicts), i));
	nfail = (size_t)jv_array_length(jv_copy(fails));
	res->status = r.error	     ? STATUS_ERROR
		      : nfail	     ? STATUS_FAIL
				     : STATUS_PASS;
	if (nfail) {
		jv f = jv_array_get(jv_copy(fails), 0);
		char c[64], m[1024];

		res->reason = xasprintf("%s: %s%s", jvx_str(f, "checker", c,
							  sizeof(c)),
					jvx_str(f, "msg", m, sizeof(m)),
					nfail > 1 ? " (and more)" : "");
		jv_free(f);
	}
	jv_free(res->failures);
	res->failures = fails;
	fails = jv_array();
	res->recovery_ms = measure_recovery(r.hist);
write:
	if (!res->status)
		res->status = STATUS_ERROR;
	if (r.hist_fp) {
		fclose(r.hist_fp);
		r.hist_fp = NULL;
	}
	path = xasprintf("%s/history.jsonl", o->report_dir);
	write_jsonl(path, r.hist);
	free(path);
	if (r.scratch && o->keep_scratch && strcmp(res->status, STATUS_PASS) &&
	    strcmp(res->status, STATUS_NA))
		res->scratch = xstrdup(r.scratch);
	else if (r.dir)
		remove_tree(r.scratch);
	path = xasprintf("%s/result.json", o->report_dir);
	{
		jv out = result_json(res);
		jv sdump = jv_dump_string(out, JV_PRINT_PRETTY);

		rc = write_file(path, jv_string_value(sdump),
				strlen(jv_string_value(sdump)));
		jv_free(sdump);
	}
	free(path);
	for (i = 0; i < r.nh; i++) {
		jv_free(r.h[i].caps);
		jv_free(r.h[i].na);
		free(r.h[i].impl);
		free(r.h[i].out.buf);
		free(r.h[i].err.buf);
	}
	if (r.chld_fd >= 0)
		close(r.chld_fd);
	free(r.h);
	free(r.p);
	free(r.scratch);
	free(r.dir);
	free(r.error);
	free(r.fault_error);
	free(why);
	free(missing);
	damage_clear(&r.dmg);
	jv_free(r.hist);
	jv_free(verdicts);
	jv_free(fails);
	return rc ? -1 : 0;
}
