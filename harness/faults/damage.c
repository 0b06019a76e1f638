#include "faults/damage.h"
#include "faults/faults.h"
#include "run/run_internal.h"
#include "lib/util.h"
#include "scenario/lexer.h"

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
	"exact",	/* a payload exactly as the keys say (pid=,
			   starttime=, createdAt=, maxHoldMs=, payload=) */
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

/*
 * The scenario's wall clock, which the holders read: real time, or in a
 * compressed run (run/speed.c) origin + (real - origin) x speed. Set by
 * damage_apply from its context for the files it plants (one run, one
 * thread), so that a planted createdAt or mtime has the age the scenario
 * says on the holders' clock.
 */
static struct {
	int speed;
	int64_t origin_ms;
} scn_clock = { 1, 0 };

static int64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t epoch_ms(void)
{
	int64_t now = real_ms();

	if (scn_clock.speed <= 1)
		return now;
	return scn_clock.origin_ms + (now - scn_clock.origin_ms) *
					     scn_clock.speed;
}

/* The real (kernel) file time that the holders' clock shows as `wall`:
 * libfaketime maps a file time read through stat() as it maps "now". */
static int64_t real_of_wall_ms(int64_t wall)
{
	if (scn_clock.speed <= 1)
		return wall;
	return scn_clock.origin_ms +
	       (wall - scn_clock.origin_ms) / scn_clock.speed;
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

int damage_relative_ms(const char *text, int64_t *ms)
{
	char *why = NULL;
	int sign = -1;

	if (*text == '-' || *text == '+')
		sign = *text++ == '+' ? 1 : -1;
	if (lex_duration("t", text, ms, &why)) {
		free(why);
		return -1;
	}
	*ms *= sign;
	return 0;
}

/* A field's text as a JSON number, or NULL when it says "none". */
static const char *field_or(const char *given, const char *def)
{
	if (given)
		return strcmp(given, "none") ? given : NULL;
	return def;
}

/*
 * The payload a kind writes: pid_text and max_hold force those fields
 * (NULL: the owner's pid, the scenario's maxHoldMs); `f` replaces any field
 * it gives, "none" leaving it out.
 */
static char *payload(const struct damage_owner *o, const char *created,
		     const char *pid_text, const char *max_hold,
		     const struct damage_fields *f)
{
	char pid_buf[32], start_buf[32], hold_buf[32];
	const char *start = NULL;
	char *created_json = NULL, *out;
	int64_t rel;

	if (!pid_text) {
		snprintf(pid_buf, sizeof(pid_buf), "%d",
			 o->pid > 0 ? (int)o->pid : (int)dead_pid());
		pid_text = pid_buf;
	}
	if (o->pid > 0 && o->starttime >= 0) {
		snprintf(start_buf, sizeof(start_buf), "%lld", o->starttime);
		start = start_buf;
	}
	if (!max_hold) {
		snprintf(hold_buf, sizeof(hold_buf), "%lld",
			 (long long)(f ? f->def_max_hold : 5000));
		max_hold = hold_buf;
	}
	if (f) {
		pid_text = f->pid ? f->pid : pid_text;
		start = field_or(f->starttime, start);
		max_hold = field_or(f->max_hold, max_hold);
	}
	if (f && f->created && strcmp(f->created, "none")) {
		if (!damage_relative_ms(f->created, &rel)) {
			char iso[40];

			iso8601(iso, sizeof(iso), epoch_ms() + rel);
			created_json = xasprintf("\"%s\"", iso);
		} else {
			jv j = jv_dump_string(jv_string(f->created), 0);

			created_json = xstrdup(jv_string_value(j));
			jv_free(j);
		}
	} else if (created) {
		created_json = xasprintf("\"%s\"", created);
	}
	out = xasprintf("{\"pid\":%s%s%s%s%s%s%s}", pid_text,
			created_json ? ",\"createdAt\":" : "",
			created_json ? created_json : "",
			max_hold ? ",\"maxHoldMs\":" : "", max_hold ? max_hold : "",
			start ? ",\"starttime\":" : "", start ? start : "");
	free(created_json);
	return out;
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

/* Rewrites the regular file at `path` in place (same inode): 0, 1 when
 * there is none to rewrite, -1 on error. */
static int rewrite_in_place(const char *path, const char *bytes, size_t len)
{
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT || errno == ELOOP ? 1 : -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return 1;
	}
	n = ftruncate(fd, 0) ? -1 : write(fd, bytes, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static int backdate(const char *path, int64_t age_ms, int nofollow)
{
	struct timespec ts[2];
	int64_t when;

	if (!age_ms)
		return 0;
	when = real_of_wall_ms(epoch_ms() - age_ms);
	ts[0].tv_sec = ts[1].tv_sec = (time_t)(when / 1000);
	ts[0].tv_nsec = ts[1].tv_nsec = (long)(when % 1000) * 1000000;
	return utimensat(AT_FDCWD, path, ts,
			 nofollow ? AT_SYMLINK_NOFOLLOW : 0);
}

int damage_apply(struct damage_ctx *d, const char *session, const char *kind,
		 const struct damage_owner *owner, int64_t age_ms,
		 const struct damage_fields *f, jv *extra, char **err)
{
	char *lock = xasprintf("%s/%s.jsonl.lock", d->dir, session);
	char created[40], *bytes = NULL;
	size_t len = 0;
	int rc = 0, nofollow = 0;

	scn_clock.speed = d->speed;
	scn_clock.origin_ms = d->origin_ms;

	iso8601(created, sizeof(created), epoch_ms() - age_ms);
	*err = NULL;
	if (!strcmp(kind, "empty")) {
		bytes = xstrdup("");
	} else if (!strcmp(kind, "truncated")) {
		char *full = payload(owner, created, NULL, NULL, f);

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
		char *head = payload(owner, created, NULL, NULL, f);
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
				NULL, NULL, f);
	} else if (!strcmp(kind, "exact")) {
		bytes = f && f->payload ? xstrdup(f->payload)
					: payload(owner, created, NULL, NULL, f);
	} else if (!strcmp(kind, "future")) {
		iso8601(created, sizeof(created), epoch_ms() + 3600 * 1000);
		bytes = payload(owner, created, NULL, NULL, f);
	} else if (!strcmp(kind, "ancient")) {
		bytes = payload(owner, "2001-01-01T00:00:00.000Z", NULL, NULL, f);
	} else if (!strcmp(kind, "bad-date")) {
		bytes = payload(owner, "yesterday-ish", NULL, NULL, f);
	} else if (!strcmp(kind, "pid0")) {
		bytes = payload(owner, created, "0", NULL, f);
	} else if (!strcmp(kind, "pid-negative")) {
		bytes = payload(owner, created, "-5", NULL, f);
	} else if (!strcmp(kind, "pid-huge")) {
		bytes = payload(owner, created, "1099511627776", NULL, f);
	} else if (!strcmp(kind, "maxhold-negative")) {
		bytes = payload(owner, created, NULL, "-1000", f);
	} else if (!strcmp(kind, "maxhold-huge")) {
		bytes = payload(owner, created, NULL, "1000000000000000", f);
	} else if (!strcmp(kind, "unreadable")) {
		bytes = payload(owner, created, NULL, NULL, f);
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
	if (f && f->in_place) {
		rc = rewrite_in_place(lock, bytes, len);
		/* A directory lock (proper-lockfile's) has no bytes to
		 * rewrite, and replacing it would be another fault. */
		if (rc < 0 && errno == EISDIR)
			*err = xasprintf("cannot rewrite '%s' in place: it is a "
					 "directory, not a lock file with a "
					 "payload", lock);
		else if (rc < 0)
			*err = xasprintf("cannot rewrite '%s' in place: %s",
					 lock, strerror(errno));
		*extra = jv_object_set(*extra, jv_string("inPlace"),
				       jv_bool(rc == 0));
		if (rc > 0) /* no regular file there: planted anew */
			rc = plant_file(lock, bytes, len);
	} else {
		rc = plant_file(lock, bytes, len);
	}
	if (rc && !*err) /* before the payload's parse clobbers errno */
		*err = xasprintf("cannot plant '%s': %s", lock,
				 strerror(errno));
	{
		char shown[201];

		snprintf(shown, sizeof(shown), "%.*s",
			 (int)(len < 200 ? len : 200), bytes);
		if (strcmp(kind, "garbage"))
			*extra = jv_object_set(*extra, jv_string("bytes"),
					       jv_string(shown));
		*extra = jv_object_set(*extra, jv_string("size"),
				       jv_number((double)len));
		if (f && f->created) {
			int64_t rel;

			if (!damage_relative_ms(f->created, &rel) && rel <= 0)
				*extra = jv_object_set(
				    *extra, jv_string("createdAgeMs"),
				    jv_number((double)-rel));
		} else {
			*extra = jv_object_set(*extra,
					       jv_string("createdAgeMs"),
					       jv_number((double)age_ms));
		}
		if (len < 4096) {
			jv parsed = jv_parse_sized(bytes, (int)len);

			/* What the checkers read (maxHoldMs, pid, createdAt):
			 * the payload as planted, when it is an object. */
			if (jv_get_kind(parsed) == JV_KIND_OBJECT)
				*extra = jv_object_set(*extra,
						       jv_string("payload"),
						       parsed);
			else
				jv_free(parsed);
		}
	}
done:
	if (!rc && f && f->mtime) {
		int64_t rel = 0;

		damage_relative_ms(f->mtime, &rel); /* checked by the parser */
		rc = backdate(lock, rel ? -rel : 0, nofollow);
		*extra = jv_object_set(*extra, jv_string("mtimeMs"),
				       jv_number((double)rel));
	} else if (!rc) {
		rc = backdate(lock, age_ms, nofollow);
	}
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

enum { DMG_SESSION, DMG_KIND, DMG_AGE, DMG_OWNER, DMG_PID, DMG_START,
       DMG_CREATED, DMG_MAXHOLD, DMG_MTIME, DMG_PAYLOAD };

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
	[DMG_PID] = { .name = "pid", .kind = FAULT_ARG_TEXT, .meta = "N",
		      .help = "the payload's pid, as written (a whole "
			      "number)" },
	[DMG_START] = { .name = "starttime", .kind = FAULT_ARG_TEXT,
			.meta = "N|none",
			.help = "the payload's starttime, or none to leave it "
				"out" },
	[DMG_CREATED] = { .name = "createdAt", .kind = FAULT_ARG_TEXT,
			  .meta = "-T|DATE|TEXT|none",
			  .help = "createdAt: -5s from now, a date or any text "
				  "verbatim, or none" },
	[DMG_MAXHOLD] = { .name = "maxHoldMs", .kind = FAULT_ARG_TEXT,
			  .meta = "N|none", .def_text = "the lock line's",
			  .help = "the payload's maxHoldMs, or none to leave "
				  "it out" },
	[DMG_MTIME] = { .name = "mtime", .kind = FAULT_ARG_TEXT,
			.meta = "-T", .def_text = "now - age",
			.help = "the file's mtime, relative to now, apart from "
				"createdAt" },
	[DMG_PAYLOAD] = { .name = "payload", .kind = FAULT_ARG_TEXT,
			  .meta = "'TEXT'",
			  .help = "the whole file, verbatim (kind exact only)" },
	{ .name = NULL },
};

/* A whole number, or "none" when `none` is allowed. */
static int whole_or_none(const char *v, int none)
{
	const char *c = v;

	if (none && !strcmp(v, "none"))
		return 1;
	if (*c == '-')
		c++;
	if (!*c || strlen(c) > 19)
		return 0;
	for (; *c; c++)
		if (*c < '0' || *c > '9')
			return 0;
	return 1;
}

static const char *damage_validate(const struct scn_step *st)
{
	int64_t ms;

	if (st->args[DMG_PID].set && !whole_or_none(st->args[DMG_PID].str, 0))
		return "pid= is not a whole number";
	if (st->args[DMG_START].set &&
	    !whole_or_none(st->args[DMG_START].str, 1))
		return "starttime= is not a whole number or none";
	if (st->args[DMG_MAXHOLD].set &&
	    !whole_or_none(st->args[DMG_MAXHOLD].str, 1))
		return "maxHoldMs= is not a whole number or none";
	if (st->args[DMG_MTIME].set &&
	    damage_relative_ms(st->args[DMG_MTIME].str, &ms))
		return "mtime= is not a duration from now (expected e.g. -10s)";
	if (st->args[DMG_PAYLOAD].set &&
	    strcmp(st->args[DMG_KIND].str, "exact"))
		return "payload= goes with kind exact only";
	if (st->args[DMG_PAYLOAD].set &&
	    (st->args[DMG_PID].set || st->args[DMG_START].set ||
	     st->args[DMG_CREATED].set || st->args[DMG_MAXHOLD].set ||
	     st->args[DMG_OWNER].set))
		return "payload= is the whole file: no field keys, no owner "
		       "with it";
	return NULL;
}

static void damage_inject(struct run *r, const struct scn_step *st)
{
	struct damage_fields fields = DAMAGE_FIELDS_INIT;
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
	fields.pid = st->args[DMG_PID].str;
	fields.starttime = st->args[DMG_START].str;
	fields.created = st->args[DMG_CREATED].str;
	fields.max_hold = st->args[DMG_MAXHOLD].str;
	fields.def_max_hold = r->s->params.max_hold_ms;
	fields.mtime = st->args[DMG_MTIME].str;
	fields.payload = st->args[DMG_PAYLOAD].str;
	extra = jv_object();
	if (who)
		extra = ev_str(extra, "owner", who);
	if (who && strcmp(who, "init") && strcmp(who, "dead")) {
		int alive = !run_holder(r, who)->reaped;

		extra = jv_object_set(extra, jv_string("ownerAlive"),
				      jv_bool(alive));
		/* A live owner's lock is rewritten as its owner would: in
		 * place, the same file. */
		fields.in_place = alive && !strcmp(kind, "exact");
	}
	/* when it began: at or before the file's mtime, which an age-based
	 * lock counts from (the event's own t comes after the rename; on a
	 * loaded machine the harness may be descheduled in between) */
	extra = ev_num(extra, "startT", (double)run_now(r));
	if (damage_apply(&r->dmg, st->session, kind, &owner, age_ms, &fields,
			 &extra, &err)) {
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
	.synopsis = "SESSION KIND [owner=H] [age=T] [pid=N] [starttime=N] "
		    "[createdAt=-T] [maxHoldMs=N] [mtime=-T] [payload='TEXT']",
	.arity = "SESSION KIND [owner=H] [age=T] [FIELD=VALUE...]",
	.validate = damage_validate,
	.help = "plant a damaged lock file (or transcript) for a session",
	.inject = damage_inject,
	.fields = "kind, session, ageMs, owner and ownerAlive (owner=H), and "
		  "what was planted (bytes, size, target; payload: the planted "
		  "object; mtimeMs)",
	.legend = "lock file damaged",
	.glyph = "damage",
	.svg = "<rect x=\"-7\" y=\"-7\" width=\"14\" height=\"14\" "
	       "fill=\"#92400e\"/><path d=\"M-4-7L0-1L-3 2L3 7\" "
	       "stroke=\"#fff\" stroke-width=\"1.8\" fill=\"none\"/>",
	.describe = damage_describe,
};
