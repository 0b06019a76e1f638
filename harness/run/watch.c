/*
 * watch.c - the kernel's view of the session folder: inotify.
 *
 * Holders' events are claims stamped by their own clocks; the kernel's
 * order of creates and deletes is not. The runner watches the session
 * folder itself and records, in the order the kernel queued them, every
 * create, delete and rename of a lock file (`*.jsonl.lock`) and of a
 * transcript (`*.jsonl`), and reads a lock file's payload right after it is
 * created or written (`fs` events, docs/history.md). The mutex checker
 * judges ownership from these (model.c: kernel lives).
 *
 * Everything here is read by the poll loop (run_pump): the inotify fd is
 * non-blocking and drained a bounded amount per wake-up. A queue overflow
 * (IN_Q_OVERFLOW) or the per-run bound is recorded as an `fs` event with
 * "fs":"overflow": from then on the kernel view is incomplete and the
 * model does not use it. The payload is read through the folder's fd
 * (openat, O_NOFOLLOW|O_NONBLOCK, fstat: a regular file only), at most
 * WATCH_PAYLOAD_MAX bytes: a session folder is hostile input.
 *
 * Time: an `fs` event is stamped when the runner read it, so it is at or
 * after the change (by the poll loop's latency); their order is the
 * kernel's.
 */
#include "run/run_internal.h"
#include "lib/jvx.h"
#include "lib/util.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define WATCH_PAYLOAD_MAX 4096	/* a lock payload is ~100 bytes */
#define WATCH_EVENTS_MAX 20000	/* per run: then "overflow" */

int watch_open(struct run *r)
{
	r->fs_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (r->fs_fd < 0)
		return -1;
	r->fs_dirfd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->fs_dirfd < 0 ||
	    (r->fs_wd = inotify_add_watch(r->fs_fd, r->dir,
					  IN_CREATE | IN_DELETE |
						  IN_MOVED_FROM | IN_MOVED_TO |
						  IN_MODIFY | IN_CLOSE_WRITE |
						  IN_ONLYDIR)) < 0) {
		watch_close(r);
		return -1;
	}
	return 0;
}

void watch_stop(struct run *r)
{
	if (r->fs_fd >= 0 && r->fs_wd >= 0)
		inotify_rm_watch(r->fs_fd, r->fs_wd);
	r->fs_wd = -1;
}

void watch_release(struct run *r)
{
	watch_stop(r);
	close_behind(r->fs_fd);
	r->fs_fd = -1;
}

void watch_close(struct run *r)
{
	if (r->fs_fd >= 0)
		close(r->fs_fd);
	if (r->fs_dirfd >= 0)
		close(r->fs_dirfd);
	r->fs_fd = r->fs_dirfd = r->fs_wd = -1;
	free(r->fs_queue);
	r->fs_queue = NULL;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static void overflow(struct run *r, const char *why)
{
	jv ev;

	if (r->fs_overflow)
		return; /* said once (an event built first was leaked) */
	r->fs_overflow = 1;
	ev = ev_str(ev_new("fs", "harness"), "fs", "overflow");
	history_record(r, ev_str(ev, "why", why));
}

long watch_pidfile_pid(const char *buf, size_t len)
{
	size_t i = 0, digits = 0;
	long pid = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++, digits++) {
		if (digits == 7)
			return 0; /* past 4194304 either way */
		pid = pid * 10 + (buf[i] - '0');
	}
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' ||
			   buf[i] == '\n' || buf[i] == '\r'))
		i++;
	if (!digits || i != len || pid < 1 || pid > WATCH_PID_MAX)
		return 0;
	return pid;
}

long watch_owner_pid(const char *buf, size_t len)
{
	jv p, pid;
	long out = 0;

	if (len > WATCH_PAYLOAD_MAX || len > (size_t)INT32_MAX)
		return 0;
	p = jvx_parse(buf, len);
	if (jv_get_kind(p) != JV_KIND_OBJECT) {
		jv_free(p);
		return watch_pidfile_pid(buf, len);
	}
	pid = jv_object_get(p, jv_string("pid"));
	if (jv_get_kind(pid) == JV_KIND_NUMBER &&
	    jv_number_value(pid) >= 1 && jv_number_value(pid) <= WATCH_PID_MAX &&
	    jv_number_value(pid) == (long)jv_number_value(pid))
		out = (long)jv_number_value(pid);
	jv_free(pid);
	return out;
}

/* The payload of lock file `name` now, as fields of an `fs` payload
 * event; NULL-kind (invalid) when it is gone or not a regular file. */
static jv read_payload(struct run *r, const char *name, jv ev)
{
	char buf[WATCH_PAYLOAD_MAX + 1];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd = openat(r->fs_dirfd, name,
			O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return ev_str(ev, "payload", errno == ENOENT ? "gone"
					     : errno == ELOOP ? "symlink"
							      : "unreadable");
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return ev_str(ev, "payload", "not a regular file");
	}
	while (len < WATCH_PAYLOAD_MAX) {
		size_t want = WATCH_PAYLOAD_MAX - len;

		n = read(fd, buf + len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		/* a regular file reads short only at its end: no read more
		 * to be told so (one system call of five a payload) */
		if ((size_t)n < want)
			break;
	}
	close(fd);
	buf[len] = '\0';
	ev = ev_num(ev, "ino", (double)st.st_ino);
	ev = ev_num(ev, "bytes", (double)len);
	if (!len)
		return ev_str(ev, "payload", "empty");
	{
		jv p = jvx_parse(buf, len);
		jv pid, created, ns;

		if (jv_get_kind(p) != JV_KIND_OBJECT) {
			long pidfile = watch_pidfile_pid(buf, len);

			jv_free(p);
			/* a pid file (nightlyone/lockfile, liblockfile's
			 * L_PID, zc.lockfile): the decimal pid alone names
			 * its owner as a payload's `pid` does */
			if (pidfile)
				return ev_str(ev_num(ev, "pid", (double)pidfile),
					      "payload", "pidfile");
			return ev_str(ev, "payload", "unparsable");
		}
		pid = jv_object_get(jv_copy(p), jv_string("pid"));
		ns = jv_object_get(jv_copy(p), jv_string("pidNs"));
		created = jv_object_get(p, jv_string("createdAt"));
		/* the namespace the pid is of, when the payload says it */
		if (jv_get_kind(ns) == JV_KIND_NUMBER)
			ev = jv_object_set(ev, jv_string("pidNs"), ns);
		else
			jv_free(ns);
		if (jv_get_kind(pid) == JV_KIND_NUMBER)
			ev = jv_object_set(ev, jv_string("pid"), pid);
		else
			jv_free(pid);
		if (jv_get_kind(created) == JV_KIND_STRING)
			ev = jv_object_set(ev, jv_string("createdAt"), created);
		else
			jv_free(created);
	}
	return ev_str(ev, "payload", "ok");
}

/*
 * The queue being read: events are taken from buf[pos..len) in order, and
 * more are appended after a payload read (see superseded()).
 */
struct queue {
	char buf[4 * 65536]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	size_t pos, len;
};

/* Appends what the kernel queued since; 0 when nothing came. `compact`:
 * may move the unread events to the front (no event pointer is held). */
static int fill(struct run *r, struct queue *q, int compact)
{
	ssize_t n;

	if (compact && q->pos && q->pos == q->len)
		q->pos = q->len = 0;
	if (compact && sizeof(q->buf) - q->len < 65536 && q->pos) {
		memmove(q->buf, q->buf + q->pos, q->len - q->pos);
		q->len -= q->pos;
		q->pos = 0;
	}
	if (sizeof(q->buf) - q->len < 65536)
		return 0; /* full: the rest waits in the kernel's queue */
	do
		n = read(r->fs_fd, q->buf + q->len, 65536);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0;
	q->len += (size_t)n;
	return 1;
}

/* Whether the events read so far already name a later delete, rename or
 * create of `name` after offset `after` (no system call). */
static int superseded_read(struct queue *q, size_t after, const char *name)
{
	size_t p;

	for (p = after; p < q->len;) {
		const struct inotify_event *ie =
			(const struct inotify_event *)(q->buf + p);

		if (ie->len && !strcmp(ie->name, name) &&
		    (ie->mask & (IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
				 IN_CREATE)))
			return 1;
		p += sizeof(*ie) + ie->len;
	}
	return 0;
}

/*
 * A payload read at event time may be a later file's: the file read by
 * name is whatever has that name now. If the kernel queued a delete,
 * rename or create of that name after this event (it queues them as
 * unlink() returns, so by now they are there), the payload read is not
 * this life's and is dropped.
 */
static int superseded(struct run *r, struct queue *q, size_t after,
		      const char *name)
{
	int pending = 0;

	while (fill(r, q, 0))
		;
	/* No room to look further: not known, so not trusted. */
	if (sizeof(q->buf) - q->len < 65536 &&
	    (ioctl(r->fs_fd, FIONREAD, &pending) || pending > 0))
		return 1;
	return superseded_read(q, after, name);
}

static void on_event(struct run *r, struct queue *q,
		     const struct inotify_event *ie, size_t next)
{
	const char *what, *kind;
	char session[256];
	size_t sl;
	jv ev;

	if (ie->mask & IN_Q_OVERFLOW) {
		overflow(r, "inotify queue overflow");
		return;
	}
	if (!ie->len || (ie->mask & IN_ISDIR))
		return;
	if (ends_with(ie->name, ".jsonl.lock"))
		kind = "lock", sl = strlen(ie->name) - strlen(".jsonl.lock");
	else if (ends_with(ie->name, ".jsonl"))
		kind = "transcript", sl = strlen(ie->name) - strlen(".jsonl");
	else
		return;
	if (sl == 0 || sl >= sizeof(session))
		return;
	memcpy(session, ie->name, sl);
	session[sl] = '\0';
	what = ie->mask & IN_CREATE	  ? "create"
	       : ie->mask & IN_DELETE	  ? "delete"
	       : ie->mask & IN_MOVED_FROM ? "moved-from"
	       : ie->mask & IN_MOVED_TO	  ? "moved-to"
					  : "write";
	/* A transcript's writes are the holders' appends: not ours to log. */
	if (!strcmp(kind, "transcript") && !strcmp(what, "write"))
		return;
	if (r->fs_events >= WATCH_EVENTS_MAX) {
		overflow(r, "more than 20000 events in one run");
		return;
	}
	r->fs_events++;
	ev = ev_str(ev_new("fs", "harness"), "fs", what);
	ev = ev_str(ev, "file", ie->name);
	ev = ev_str(ev, "kind", kind);
	ev = ev_str(ev, "session", session);
	if (!strcmp(kind, "lock") &&
	    (!strcmp(what, "create") || !strcmp(what, "moved-to") ||
	     !strcmp(what, "write"))) {
		char *d;

		/* A later life of the name among the events read already:
		 * what a read finds now is not this life's, and would be
		 * dropped below; it is not read (4 system calls an event;
		 * the worker lags behind the holders most on a loaded
		 * machine, where half of the events are so). The kernel's
		 * queue is read again after the payload (below), not also
		 * before it: one read of it a payload, not two. */
		int later = superseded_read(q, next, ie->name);

		if (!later)
			ev = read_payload(r, ie->name, ev);
		if (later || superseded(r, q, next, ie->name)) {
			/* the read may be a later life's: keep the event,
			 * drop what it read */
			jv kept = ev_str(ev_new("fs", "harness"), "fs", what);

			kept = ev_str(kept, "file", ie->name);
			kept = ev_str(kept, "kind", kind);
			kept = ev_str(kept, "session", session);
			jv_free(ev);
			ev = ev_str(kept, "payload", "superseded");
		}
		/* A write that changed nothing we record (IN_MODIFY, then
		 * IN_CLOSE_WRITE) is not recorded twice. */
		d = jvx_dump(ev);
		if (!strcmp(what, "write") && !strcmp(d, r->fs_last)) {
			free(d);
			jv_free(ev);
			r->fs_events--;
			return;
		}
		snprintf(r->fs_last, sizeof(r->fs_last), "%s", d);
		/* its line is this dump and its time: not dumped again */
		history_record_dumped(r, ev, d);
		return;
	}
	history_record(r, ev);
}

void watch_drain(struct run *r)
{
	struct queue *q;
	int events = 0;

	if (r->fs_fd < 0)
		return;
	/* one queue (256 KiB) for the run: a malloc and free of it at
	 * every wake-up of the pump was 2% of the worker's CPU */
	if (!r->fs_queue)
		r->fs_queue = xmalloc(sizeof(*q));
	q = r->fs_queue;
	q->pos = q->len = 0;
	/* Bounded per call: the poll loop comes back for the rest. */
	while (events < 4096 && (q->pos < q->len || fill(r, q, 1))) {
		const struct inotify_event *ie =
			(const struct inotify_event *)(q->buf + q->pos);

		q->pos += sizeof(*ie) + ie->len;
		on_event(r, q, ie, q->pos);
		events++;
	}
	/* Events read but not handled (the bound): handled now, in order,
	 * without more reads. */
	while (q->pos < q->len) {
		const struct inotify_event *ie =
			(const struct inotify_event *)(q->buf + q->pos);

		q->pos += sizeof(*ie) + ie->len;
		on_event(r, q, ie, q->pos);
	}
}
