#include "faults/damage.h"
#include "faults/faults.h"
#include "run/run_internal.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HUGE_BYTES (10 << 20)

/*
 * Damage kinds: what `damage SESSION KIND` plants at the lock path (or the
 * transcript). damage_apply implements each.
 */
const char *const damage_kinds[] = {
	"empty",	/* 0 bytes: a creator that has not written yet */
	"truncated",	/* half a payload */
	"garbage",	/* random bytes from the seed */
	"huge",		/* 10 MB of payload-looking bytes */
	"dir",		/* a directory at the lock path */
	"symlink",	/* a symlink to a file outside the session folder */
	"foreign",	/* a live unrelated process's valid payload */
	"dead",		/* a dead pid's valid payload */
	"future",	/* createdAt an hour ahead */
	"ancient",	/* createdAt in 2001 */
	"bad-date",	/* createdAt not a date */
	"pid0",		/* pid 0 */
	"pid-negative", /* pid -5 */
	"pid-huge",	/* pid 2^40 */
	"maxhold-negative",
	"maxhold-huge", /* 10^15 ms: a hold that never ends */
	"unreadable",	/* mode 000 and owned by nobody */
	"torn-transcript", /* the transcript's last line cut short */
	"removed",	/* the lock deleted behind its holder's back, as the
			   cleanup cron of seed 001 does */
	NULL
};

int damage_kind_known(const char *kind)
{
	int i;

	for (i = 0; damage_kinds[i]; i++)
		if (!strcmp(damage_kinds[i], kind))
			return 1;
	return 0;
}

static void iso8601(char *buf, size_t size, int64_t epoch_ms)
{
	/* Years past 9999 would not fit; no damage kind goes there. */
	time_t secs = (time_t)(epoch_ms / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), size - strlen(buf), ".%03dZ",
		 (int)(epoch_ms % 1000));
}

static int64_t epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A pid nobody has: the highest pid, checked free. */
static pid_t dead_pid(void)
{
	pid_t p;

	for (p = 32000; p > 1000; p -= 7)
		if (kill(p, 0) && errno == ESRCH)
			return p;
	return 32767;
}

static char *payload(const struct damage_owner *o, const char *created,
		     const char *pid_text, const char *max_hold)
{
	char pid_buf[32], start[48] = "";

	if (!pid_text) {
		snprintf(pid_buf, sizeof(pid_buf), "%d",
			 o->pid > 0 ? (int)o->pid : (int)dead_pid());
		pid_text = pid_buf;
	}
	if (o->pid > 0 && o->starttime >= 0)
		snprintf(start, sizeof(start), ",\"starttime\":%lld",
			 o->starttime);
	return xasprintf("{\"pid\":%s,\"createdAt\":\"%s\",\"maxHoldMs\":%s%s}",
			 pid_text, created, max_hold ? max_hold : "5000",
			 start);
}

/*
 * Replaces whatever is at `path` (atomically for files: rename). Every
 * write goes through the session folder's fd: the staging file is created
 * O_EXCL | O_NOFOLLOW (a symlink or FIFO a holder planted at its name is
 * refused, never written through), then renamed over the path, which
 * replaces a planted symlink instead of following it.
 */
static int plant_file(const char *path, const char *bytes, size_t len)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	const char *name = slash ? slash + 1 : path;
	char *tmp = xasprintf("%s.damage-tmp", name);
	int dfd, fd = -1, rc = -1, e;

	if (slash)
		*slash = '\0';
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					      O_CLOEXEC);
	if (dfd >= 0) {
		unlinkat(dfd, tmp, 0); /* a leftover (or a planted link) */
		fd = open_regular_at(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL,
				     0644);
	}
	if (fd >= 0) {
		const char *p = bytes;
		size_t left = len;

		rc = 0;
		while (left && !rc) {
			ssize_t w = write(fd, p, left);

			if (w < 0 && errno != EINTR)
				rc = -1;
			if (w > 0) {
				p += w;
				left -= (size_t)w;
			}
		}
		if (close(fd))
			rc = -1;
		if (!rc) {
			unlinkat(dfd, name, AT_REMOVEDIR); /* a planted dir */
			rc = renameat(dfd, tmp, dfd, name);
		}
		e = errno;
		if (rc)
			unlinkat(dfd, tmp, 0);
		errno = e;
	}
	e = errno;
	if (dfd >= 0)
		close(dfd);
	free(dir);
	free(tmp);
	errno = e;
	return rc;
}

static int backdate(const char *path, int64_t age_ms, int nofollow)
{
	struct timespec ts[2];
	int64_t when;

	if (!age_ms)
		return 0;
	when = epoch_ms() - age_ms;
	ts[0].tv_sec = ts[1].tv_sec = (time_t)(when / 1000);
	ts[0].tv_nsec = ts[1].tv_nsec = (long)(when % 1000) * 1000000;
	return utimensat(AT_FDCWD, path, ts,
			 nofollow ? AT_SYMLINK_NOFOLLOW : 0);
}

int damage_apply(struct damage_ctx *d, const char *session, const char *kind,
		 const struct damage_owner *owner, int64_t age_ms, jv *extra,
		 char **err)
{
	char *lock = xasprintf("%s/%s.jsonl.lock", d->dir, session);
	char created[40], *bytes = NULL;
	size_t len = 0;
	int rc = 0, nofollow = 0;

	iso8601(created, sizeof(created), epoch_ms() - age_ms);
	*err = NULL;
	if (!strcmp(kind, "empty")) {
		bytes = xstrdup("");
	} else if (!strcmp(kind, "truncated")) {
		char *full = payload(owner, created, NULL, NULL);

		full[strlen(full) / 2] = '\0';
		bytes = full;
	} else if (!strcmp(kind, "garbage")) {
		size_t i;

		len = 512;
		bytes = xmalloc(len + 1);
		for (i = 0; i < len; i++)
			bytes[i] = (char)(prng_next(d->prng) & 0xff);
		bytes[len] = '\0';
	} else if (!strcmp(kind, "huge")) {
		char *head = payload(owner, created, NULL, NULL);
		size_t hl = strlen(head);

		/* A valid-looking payload followed by 10 MB of spaces: a
		 * reader that slurps it all pays for it; one that caps reads
		 * sees it unparsable. */
		len = HUGE_BYTES;
		bytes = xmalloc(len + 1);
		memset(bytes, ' ', len);
		memcpy(bytes, head, hl - 1);
		bytes[len - 1] = '}';
		bytes[len] = '\0';
		free(head);
	} else if (!strcmp(kind, "dir")) {
		unlink(lock);
		if (mkdir(lock, 0755) && errno != EEXIST)
			rc = -1;
		goto done;
	} else if (!strcmp(kind, "symlink")) {
		const char *content = "outside the session folder: must "
				      "survive untouched\n";

		free(d->outside_path);
		free(d->outside_bytes);
		d->outside_path = xasprintf("%s/outside.txt", d->scratch);
		d->outside_bytes = xstrdup(content);
		if (write_file(d->outside_path, content, strlen(content))) {
			rc = -1;
			goto done;
		}
		unlink(lock);
		rmdir(lock);
		rc = symlink(d->outside_path, lock);
		nofollow = 1;
		*extra = jv_object_set(*extra, jv_string("target"),
				       jv_string(d->outside_path));
		goto done;
	} else if (!strcmp(kind, "foreign") || !strcmp(kind, "dead")) {
		struct damage_owner dead = { 0, -1 };

		bytes = payload(!strcmp(kind, "dead") ? &dead : owner, created,
				NULL, NULL);
	} else if (!strcmp(kind, "future")) {
		iso8601(created, sizeof(created), epoch_ms() + 3600 * 1000);
		bytes = payload(owner, created, NULL, NULL);
	} else if (!strcmp(kind, "ancient")) {
		bytes = payload(owner, "2001-01-01T00:00:00.000Z", NULL, NULL);
	} else if (!strcmp(kind, "bad-date")) {
		bytes = payload(owner, "yesterday-ish", NULL, NULL);
	} else if (!strcmp(kind, "pid0")) {
		bytes = payload(owner, created, "0", NULL);
	} else if (!strcmp(kind, "pid-negative")) {
		bytes = payload(owner, created, "-5", NULL);
	} else if (!strcmp(kind, "pid-huge")) {
		bytes = payload(owner, created, "1099511627776", NULL);
	} else if (!strcmp(kind, "maxhold-negative")) {
		bytes = payload(owner, created, NULL, "-1000");
	} else if (!strcmp(kind, "maxhold-huge")) {
		bytes = payload(owner, created, NULL, "1000000000000000");
	} else if (!strcmp(kind, "unreadable")) {
		bytes = payload(owner, created, NULL, NULL);
		len = strlen(bytes);
		if (plant_file(lock, bytes, len) || chown(lock, 65534, 65534) ||
		    chmod(lock, 0))
			rc = -1;
		goto done;
	} else if (!strcmp(kind, "removed")) {
		struct stat st;

		/* A lock can be a directory (proper-lockfile's is): the
		 * cleanup cron removes whatever is there. */
		if (!lstat(lock, &st) && S_ISDIR(st.st_mode))
			rc = remove_tree(lock);
		else if (unlink(lock) && errno != ENOENT)
			rc = -1;
		goto done_no_lock;
	} else if (!strcmp(kind, "torn-transcript")) {
		char *tr = xasprintf("%s/%s.jsonl", d->dir, session);
		const char *torn = "{\"msg\":\"torn\",\"holder\":\"crashed\",\"t\":1";
		/* through the folder's fd: never through a symlink (at the
		 * folder or the file), never blocked by a FIFO */
		int dfd = open(d->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC);
		char *name = xasprintf("%s.jsonl", session);
		int fd = dfd < 0 ? -1
				 : open_regular_at(dfd, name,
						   O_WRONLY | O_CREAT | O_APPEND,
						   0644);

		if (dfd >= 0)
			close(dfd);
		free(name);

		if (fd < 0 || write(fd, torn, strlen(torn)) < 0)
			rc = -1;
		if (fd >= 0)
			close(fd);
		free(tr);
		goto done_no_lock;
	} else {
		*err = xasprintf("unknown damage kind '%s'", kind);
		free(lock);
		return -1;
	}
	if (!len)
		len = strlen(bytes);
	rc = plant_file(lock, bytes, len);
	{
		char shown[201];

		snprintf(shown, sizeof(shown), "%.*s",
			 (int)(len < 200 ? len : 200), bytes);
		if (strcmp(kind, "garbage"))
			*extra = jv_object_set(*extra, jv_string("bytes"),
					       jv_string(shown));
		*extra = jv_object_set(*extra, jv_string("size"),
				       jv_number((double)len));
	}
done:
	if (!rc)
		rc = backdate(lock, age_ms, nofollow);
done_no_lock:
	if (rc && !*err)
		*err = xasprintf("cannot plant '%s': %s", lock,
				 strerror(errno));
	free(bytes);
	free(lock);
	return rc;
}

char *damage_outside_check(struct damage_ctx *d)
{
	struct stat st;
	char *now;
	char *why = NULL;

	if (!d->outside_path)
		return xstrdup("no symlink target was planted");
	if (lstat(d->outside_path, &st))
		return xasprintf("'%s' is gone: %s", d->outside_path,
				 strerror(errno));
	if (!S_ISREG(st.st_mode))
		return xasprintf("'%s' is no longer a regular file",
				 d->outside_path);
	now = read_file(d->outside_path, 1 << 16, NULL);
	if (!now || strcmp(now, d->outside_bytes))
		why = xasprintf("'%s' was changed", d->outside_path);
	free(now);
	return why;
}

void damage_clear(struct damage_ctx *d)
{
	free(d->outside_path);
	free(d->outside_bytes);
	d->outside_path = d->outside_bytes = NULL;
}

/* ---- the fault: `damage SESSION KIND [owner=H] [age=T]` -------------------- */

enum { DMG_SESSION, DMG_KIND, DMG_AGE, DMG_OWNER };

static const struct fault_key damage_keys[] = {
	[DMG_SESSION] = { .name = "session", .kind = FAULT_ARG_SESSION,
			  .meta = "SESSION", .positional = 1,
			  .help = "the session whose lock (or transcript) is "
				  "damaged" },
	[DMG_KIND] = { .name = "kind", .kind = FAULT_ARG_CHOICE,
		       .meta = "KIND", .positional = 1,
		       .choices = damage_kinds,
		       .help = "what is planted at the lock path" },
	[DMG_AGE] = { .name = "age", .kind = FAULT_ARG_DURATION, .meta = "T",
		      .def = 0, .def_text = "0",
		      .help = "backdate the file's mtime and createdAt" },
	[DMG_OWNER] = { .name = "owner", .kind = FAULT_ARG_OWNER, .meta = "H",
			.def_text = "a dead pid",
			.help = "whose pid goes into a payload: init, dead, or "
				"a holder" },
	{ .name = NULL },
};

static void damage_inject(struct run *r, const struct scn_step *st)
{
	struct damage_owner owner = { 0, -1 };
	const char *who = st->args[DMG_OWNER].str;
	const char *kind = st->args[DMG_KIND].str;
	int64_t age_ms = st->args[DMG_AGE].num;
	char *err = NULL;
	jv extra;

	if (who && !strcmp(who, "init")) {
		owner.pid = 1;
		owner.starttime = proc_starttime(1);
	} else if (who && strcmp(who, "dead")) {
		struct hstate *h = run_holder(r, who);

		owner.pid = h->inner;
		owner.starttime = h->starttime;
	}
	extra = jv_object();
	if (damage_apply(&r->dmg, st->session, kind, &owner, age_ms, &extra,
			 &err)) {
		run_set_error(&r->fault_error, "line %d: damage %s %s: %s",
			      st->line, st->session, kind, err);
		free(err);
		jv_free(extra);
		return;
	}
	extra = ev_str(extra, "kind", kind);
	extra = ev_str(extra, "session", st->session);
	extra = ev_num(extra, "ageMs", (double)age_ms);
	run_fault_record(r, st, extra);
}

static char *damage_describe(jv ev, int brief)
{
	const char *kind = fault_ev_str(ev, "kind");
	const char *s = fault_ev_str(ev, "session");

	if (!s)
		s = fault_ev_str(ev, "target");
	if (brief)
		return xasprintf("lock %s", kind ? kind : "damaged");
	return xasprintf("harness damaged the lock file of %s: %s",
			 s ? s : "?", kind ? kind : "?");
}

const struct fault fault_damage = {
	.name = "damage",
	.keys = damage_keys,
	.synopsis = "SESSION KIND [owner=H] [age=T]",
	.help = "plant a damaged lock file (or transcript) for a session",
	.inject = damage_inject,
	.fields = "kind, session, ageMs, and what was planted (bytes, size, "
		  "target)",
	.legend = "lock file damaged",
	.glyph = "damage",
	.svg = "<rect x=\"-7\" y=\"-7\" width=\"14\" height=\"14\" "
	       "fill=\"#92400e\"/><path d=\"M-4-7L0-1L-3 2L3 7\" "
	       "stroke=\"#fff\" stroke-width=\"1.8\" fill=\"none\"/>",
	.describe = damage_describe,
};
