/*
 * test_sessionlock.c - the reference session lock and the flock backend,
 * against real processes and real files: a child that exited (dead-pid),
 * a child left unreaped (zombie), a live child with a wrong starttime
 * (recycled-pid), real ages, mtimes set with utimensat, symlinks, fifos
 * and directories where the lock should be. Every mutant is run against
 * the same steps as the reference in a test named mutant_*.
 *
 * Each test forks (Check's fork mode) and gets its own mkdtemp folder; the
 * teardown kills its helper processes and removes the folder. A failed
 * assertion ends the test process before the teardown, so a failing
 * test's folder stays for inspection; its helpers die with it
 * (PR_SET_PDEATHSIG).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
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
#include <fiu-control.h>
#include <jv.h>

#include "flocklock.h"
#include "sessionlock.h"
#include "unit.h"

static char dir[PATH_MAX];
static char transcript[PATH_MAX + 32];
static char lockp[PATH_MAX + 32];
static pid_t kids[16];
static int nkids;
static int warns;
static char warn_text[16384];

/* ---- fixture ----------------------------------------------------------------
 */

static void on_log(void *ctx, enum sessionlock_level level, const char *msg)
{
	size_t n = strlen(warn_text);

	if (level < SESSIONLOCK_WARN)
		return;
	warns++;
	snprintf(warn_text + n, sizeof(warn_text) - n, "%s\n", msg);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/lockchaos-unit-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(transcript, sizeof(transcript), "%s/s1.jsonl", dir);
	snprintf(lockp, sizeof(lockp), "%s/s1.jsonl.lock", dir);
	ck_assert_int_eq(sessionlock_failpoints_init(NULL), 0);
	sessionlock_set_log(on_log, NULL);
	sessionlock_set_bug(SESSIONLOCK_BUG_NONE);
	warns = 0;
	warn_text[0] = '\0';
	nkids = 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static void teardown(void)
{
	for (int i = 0; i < nkids; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- helpers
 * ------------------------------------------------------------------ */

/* A live child that sleeps until the teardown kills it. */
static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		for (;;)
			pause();
	}
	kids[nkids++] = pid;
	return pid;
}

/* A pid that is certainly dead: a child that exited and was reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	return pid;
}

static unsigned long long starttime_of(pid_t pid)
{
	unsigned long long st = 0;

	ck_assert_int_eq(sessionlock_proc_starttime(pid, &st, NULL), 0);
	return st;
}

static void write_file(const char *path, const char *bytes, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, len), (ssize_t)len);
	close(fd);
}

static void write_str(const char *path, const char *s)
{
	write_file(path, s, strlen(s));
}

/* ISO-8601 ms UTC for now + offset_ms. */
static void iso_at(char *buf, size_t size, int64_t offset_ms)
{
	struct timespec ts;
	struct tm tm;
	time_t secs;
	int64_t ms;
	char stamp[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + offset_ms;
	secs = (time_t)(ms / 1000);
	gmtime_r(&secs, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03dZ", stamp, (int)(ms % 1000));
}

/* A payload as OpenClaw writes it; created_offset_ms relative to now. */
static void write_payload(const char *path, long pid, unsigned long long start,
			  long long max_hold, int64_t created_offset_ms)
{
	char buf[512], iso[40];

	iso_at(iso, sizeof(iso), created_offset_ms);
	snprintf(buf, sizeof(buf),
		 "{\"pid\":%ld,\"createdAt\":\"%s\",\"maxHoldMs\":%lld,"
		 "\"starttime\":%llu}",
		 pid, iso, max_hold, start);
	write_str(path, buf);
}

static void set_mtime_ago(const char *path, int64_t ms)
{
	struct timespec ts[2];

	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= (time_t)(ms / 1000);
	ts[0].tv_nsec -= (long)(ms % 1000) * 1000000;
	if (ts[0].tv_nsec < 0) {
		ts[0].tv_nsec += 1000000000;
		ts[0].tv_sec--;
	}
	ts[1] = ts[0];
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Copies a NUL-terminated string, cut to fit (no truncation warning). */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		n = size - 1;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

static char *slurp(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* Sets up *l for s1 with the given owner and short timings. */
static void prep(struct sessionlock *l, const char *owner, int64_t timeout_ms,
		 int64_t max_hold_ms, int64_t grace_ms)
{
	struct sessionlock_opts o = SESSIONLOCK_OPTS_INIT;

	o.timeout_ms = timeout_ms;
	o.poll_ms = 10;
	o.max_hold_ms = max_hold_ms;
	o.grace_ms = grace_ms;
	/* setup clears what *l held before: l must be initialised */
	ck_assert_int_eq(sessionlock_setup(l, transcript, owner, &o), 0);
}

static const char *verdict(int64_t grace_ms, int *stale)
{
	struct sessionlock_info info = SESSIONLOCK_INFO_INIT;
	const char *r;

	ck_assert_int_eq(sessionlock_inspect(lockp, grace_ms, &info), 0);
	r = info.reason;
	if (stale)
		*stale = info.stale;
	sessionlock_info_clear(&info);
	return r;
}

/* ---- creating, reentrancy, lanes
 * ---------------------------------------------- */

START_TEST(create_writes_openclaw_payload)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	struct stat st;
	jv v;
	char *s;
	int n = 0;

	prep(&l, "main", 1000, 123456, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_ptr_null(l.reclaimed);
	ck_assert_int_eq(l.reentrant, 0);
	ck_assert_int_eq(lstat(lockp, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644 & ~0022 & 0777);
	s = slurp(lockp);
	v = jv_parse(s);
	ck_assert_int_eq(jv_get_kind(v), JV_KIND_OBJECT);
	ck_assert_int_eq(
	    (long)jv_number_value(jv_object_get(jv_copy(v), jv_string("pid"))),
	    (long)getpid());
	ck_assert_int_eq((long long)jv_number_value(
			     jv_object_get(jv_copy(v), jv_string("maxHoldMs"))),
			 123456);
	ck_assert_int_eq((unsigned long long)jv_number_value(
			     jv_object_get(jv_copy(v), jv_string("starttime"))),
			 starttime_of(getpid()));
	{
		jv c = jv_object_get(jv_copy(v), jv_string("createdAt"));
		int y, mo, d, h, mi, se, ms;

		ck_assert_int_eq(jv_get_kind(c), JV_KIND_STRING);
		ck_assert_int_eq(sscanf(jv_string_value(c),
					"%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &y,
					&mo, &d, &h, &mi, &se, &ms, &n),
				 7);
		ck_assert_int_eq(n, 24);
		jv_free(c);
	}
	/* keys in OpenClaw's order, so byte comparisons across tools agree */
	ck_assert_msg(
	    strstr(s, "{\"pid\":") == s && strstr(s, "\"createdAt\"") &&
		strstr(s, "\"createdAt\"") < strstr(s, "\"maxHoldMs\"") &&
		strstr(s, "\"maxHoldMs\"") < strstr(s, "\"starttime\""),
	    "payload order: %s", s);
	jv_free(v);
	ck_assert_int_eq(sessionlock_release(lockp, "main"), 0);
	ck_assert(!exists(lockp));
	sessionlock_clear(&l);
}
END_TEST

START_TEST(reentrant_same_owner_drains)
{
	struct sessionlock l = SESSIONLOCK_INIT;

	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(l.reentrant, 1);
	ck_assert_int_eq(sessionlock_held(lockp, "main"), 2);
	ck_assert_int_eq(sessionlock_release(lockp, "main"), 1);
	ck_assert(exists(lockp));
	ck_assert_int_eq(sessionlock_release(lockp, "main"), 0);
	ck_assert(!exists(lockp));
	ck_assert_int_eq(sessionlock_release(lockp, "main"), -1);
	ck_assert_ptr_nonnull(strstr(sessionlock_error(), "does not hold"));
	sessionlock_clear(&l);
}
END_TEST

START_TEST(other_lane_waits_with_exact_timeout_text)
{
	struct sessionlock a = SESSIONLOCK_INIT, b = SESSIONLOCK_INIT;
	char want[PATH_MAX + 128];

	prep(&a, "main", 1000, 60000, 5000);
	prep(&b, "session:x", 120, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&a), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(sessionlock_try(&b), SESSIONLOCK_BUSY);
	ck_assert_str_eq(b.busy_reason,
			 "held"); /* our pid, yet not an orphan */
	ck_assert_int_eq(sessionlock_acquire(&b), -1);
	snprintf(want, sizeof(want),
		 "session file locked (timeout 120ms): pid=%ld %s",
		 (long)getpid(), lockp);
	ck_assert_str_eq(sessionlock_error(), want);
	ck_assert_int_eq(sessionlock_release(lockp, "main"), 0);
	ck_assert_int_eq(sessionlock_try(&b), SESSIONLOCK_ACQUIRED);
	ck_assert_ptr_null(b.reclaimed);
	sessionlock_clear(&a);
	sessionlock_clear(&b);
}
END_TEST

/* ---- stale verdicts
 * ---------------------------------------------------------------- */

START_TEST(dead_pid_is_reclaimed_with_warn)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	pid_t dead = dead_pid();
	int stale;

	write_payload(lockp, dead, 1, 60000, 0);
	ck_assert_str_eq(verdict(5000, &stale), "dead-pid");
	ck_assert_int_eq(stale, 1);
	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_str_eq(l.reclaimed, "dead-pid");
	ck_assert_int_eq(warns, 1);
	ck_assert_ptr_nonnull(strstr(warn_text, "dead-pid"));
	ck_assert_int_eq(sessionlock_still_owner(lockp, "main"), 1);
	sessionlock_clear(&l);
}
END_TEST

START_TEST(zombie_is_stale)
{
	pid_t z = fork();
	char state = '?';
	unsigned long long st;
	int stale, tries = 0;

	ck_assert_int_ge(z, 0);
	if (z == 0)
		_exit(0);
	kids[nkids++] = z; /* reaped by the teardown, not before */
	while (state != 'Z' && tries++ < 200) {
		ck_assert_int_eq(sessionlock_proc_starttime(z, &st, &state), 0);
		usleep(5000);
	}
	ck_assert_int_eq(state, 'Z');
	write_payload(lockp, z, st, 60000, 0);
	ck_assert_str_eq(verdict(5000, &stale), "zombie");
	ck_assert_int_eq(stale, 1);
}
END_TEST

START_TEST(recycled_pid_is_stale_true_starttime_is_live)
{
	pid_t live = spawn_sleeper();
	int stale;

	write_payload(lockp, live, starttime_of(live) + 777, 60000, 0);
	ck_assert_str_eq(verdict(5000, &stale), "recycled-pid");
	ck_assert_int_eq(stale, 1);
	write_payload(lockp, live, starttime_of(live), 60000, 0);
	ck_assert_str_eq(verdict(5000, &stale), "live");
	ck_assert_int_eq(stale, 0);
}
END_TEST

START_TEST(live_holder_within_max_hold_is_not_reclaimed)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	pid_t live = spawn_sleeper();
	char pid[32];

	write_payload(lockp, live, starttime_of(live), 60000, -5000);
	prep(&l, "main", 80, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_BUSY);
	ck_assert_str_eq(l.busy_reason, "live");
	snprintf(pid, sizeof(pid), "%ld", (long)live);
	ck_assert_str_eq(l.holder_pid, pid);
	ck_assert_int_eq(sessionlock_acquire(&l), -1);
	ck_assert(exists(lockp));
	ck_assert_int_eq(warns, 1); /* the timeout, nothing reclaimed */
	ck_assert_ptr_nonnull(strstr(warn_text, "session file locked"));
	sessionlock_clear(&l);
}
END_TEST

START_TEST(hold_exceeded_by_real_age)
{
	pid_t live = spawn_sleeper();
	struct sessionlock l = SESSIONLOCK_INIT;
	int stale;

	write_payload(lockp, live, starttime_of(live), 100, 0);
	ck_assert_str_eq(verdict(5000, &stale), "live");
	usleep(250 * 1000);
	ck_assert_str_eq(verdict(5000, &stale), "hold-exceeded");
	ck_assert_int_eq(stale, 1);
	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_str_eq(l.reclaimed, "hold-exceeded");
	ck_assert_ptr_nonnull(strstr(warn_text, "hold-exceeded"));
	sessionlock_clear(&l);
}
END_TEST

START_TEST(future_created_at_falls_back_to_mtime)
{
	pid_t live = spawn_sleeper();
	struct sessionlock_info info = SESSIONLOCK_INFO_INIT;

	/* createdAt a year ahead: must not pin the lock forever */
	write_payload(lockp, live, starttime_of(live), 1000,
		      365LL * 24 * 3600 * 1000);
	ck_assert_int_eq(sessionlock_inspect(lockp, 5000, &info), 0);
	ck_assert_str_eq(info.reason, "live");
	ck_assert_int_eq(info.age_from_mtime, 1);
	set_mtime_ago(lockp, 3000);
	ck_assert_int_eq(sessionlock_inspect(lockp, 5000, &info), 0);
	ck_assert_str_eq(info.reason, "hold-exceeded");
	ck_assert_int_ge(info.age_ms, 2900);
	sessionlock_info_clear(&info);

	/* createdAt missing or garbage: mtime too */
	{
		char buf[256];

		snprintf(buf, sizeof(buf),
			 "{\"pid\":%ld,\"createdAt\":\"yesterday\","
			 "\"maxHoldMs\":1000,"
			 "\"starttime\":%llu}",
			 (long)live, starttime_of(live));
		write_str(lockp, buf);
		set_mtime_ago(lockp, 3000);
		ck_assert_str_eq(verdict(5000, NULL), "hold-exceeded");
		snprintf(buf, sizeof(buf),
			 "{\"pid\":%ld,\"maxHoldMs\":1000,\"starttime\":%llu}",
			 (long)live, starttime_of(live));
		write_str(lockp, buf);
		ck_assert_str_eq(verdict(5000, NULL), "live");
		set_mtime_ago(lockp, 3000);
		ck_assert_str_eq(verdict(5000, NULL), "hold-exceeded");
	}
}
END_TEST

START_TEST(empty_file_gets_grace_by_mtime)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	int stale;

	write_str(lockp, "");
	ck_assert_str_eq(verdict(5000, &stale), "empty-in-grace");
	ck_assert_int_eq(stale, 0);
	prep(&l, "main", 50, 60000, 5000);
	ck_assert_int_eq(sessionlock_acquire(&l), -1);
	ck_assert_ptr_nonnull(strstr(sessionlock_error(), "pid=unknown"));
	set_mtime_ago(lockp, 6000);
	ck_assert_str_eq(verdict(5000, &stale), "empty-past-grace");
	ck_assert_int_eq(stale, 1);
	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_str_eq(l.reclaimed, "empty-past-grace");
	sessionlock_clear(&l);
}
END_TEST

static const char *const unparsable[] = {
    "not json at all",
    "[1,2,3]",
    "\"a string\"",
    "{\"pid\":0}",
    "{\"pid\":-4}",
    "{\"pid\":1.5}",
    "{\"pid\":\"123\"}",
    "{\"pid\":99999999999}",
    "{\"pid\":1,\"maxHoldMs\":-1}",
    "{\"pid\":1,\"starttime\":\"x\"}",
    "{\"pid\":1",
    "{\"pid\":1} {\"pid\":2}",
    "\xff\xfe{\"pid\":1}",
};

START_TEST(unparsable_payloads_get_grace)
{
	int stale;

	write_str(lockp, unparsable[_i]);
	ck_assert_str_eq(verdict(5000, &stale), "unparsable-in-grace");
	ck_assert_int_eq(stale, 0);
	set_mtime_ago(lockp, 6000);
	ck_assert_str_eq(verdict(5000, &stale), "unparsable-past-grace");
	ck_assert_int_eq(stale, 1);
}
END_TEST

START_TEST(oversized_payload_is_unparsable)
{
	size_t n = SESSIONLOCK_PAYLOAD_MAX + 100;
	char *big = malloc(n);
	pid_t live = spawn_sleeper();
	int k;

	/* a valid payload padded with spaces past 64 KiB: not even read */
	memset(big, ' ', n);
	k = snprintf(big, n, "{\"pid\":%ld,\"starttime\":%llu", (long)live,
		     starttime_of(live));
	big[k] = ' ';
	big[n - 1] = '}';
	write_file(lockp, big, n);
	free(big);
	ck_assert_str_eq(verdict(5000, NULL), "unparsable-in-grace");
	set_mtime_ago(lockp, 6000);
	ck_assert_str_eq(verdict(5000, NULL), "unparsable-past-grace");
}
END_TEST

START_TEST(orphan_self_is_reclaimed)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	int stale;

	write_payload(lockp, getpid(), starttime_of(getpid()), 60000, 0);
	ck_assert_str_eq(verdict(5000, &stale), "orphan-self");
	ck_assert_int_eq(stale, 1);
	/* our pid with another starttime: an earlier process of that pid */
	write_payload(lockp, getpid(), starttime_of(getpid()) + 5, 60000, 0);
	ck_assert_str_eq(verdict(5000, &stale), "recycled-pid");
	write_payload(lockp, getpid(), starttime_of(getpid()), 60000, 0);
	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_str_eq(l.reclaimed, "orphan-self");
	sessionlock_clear(&l);
}
END_TEST

START_TEST(proc_starttime_survives_odd_comm)
{
	int p[2];
	pid_t pid;
	unsigned long long before, after;
	char c;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		prctl(PR_SET_NAME, "x) (y z) 1 2", 0, 0, 0);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	kids[nkids++] = pid;
	before = starttime_of(pid);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	after = starttime_of(pid);
	ck_assert_uint_eq(before, after);
	ck_assert_uint_gt(after, 0);
}
END_TEST

/* ---- things that are not lock files
 * ------------------------------------------ */

START_TEST(symlink_is_never_followed_or_deleted)
{
	char outside[PATH_MAX], target[PATH_MAX + 16], payload[256];
	struct sessionlock l = SESSIONLOCK_INIT;
	const char *tmp = getenv("TMPDIR");

	snprintf(outside, sizeof(outside), "%s/lockchaos-outside-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(outside));
	snprintf(target, sizeof(target), "%s/victim", outside);
	/* the target even looks like a stale lock: still untouchable */
	snprintf(payload, sizeof(payload), "{\"pid\":%ld}", (long)dead_pid());
	write_str(target, payload);
	ck_assert_int_eq(symlink(target, lockp), 0);

	ck_assert_str_eq(verdict(0, NULL), "not-regular");
	prep(&l, "main", 100, 60000, 0);
	ck_assert_int_eq(sessionlock_acquire(&l), -1);
	ck_assert_ptr_nonnull(strstr(sessionlock_error(), "pid=unknown"));
	ck_assert_ptr_nonnull(strstr(sessionlock_error(), lockp));
	ck_assert_ptr_nonnull(strstr(warn_text, "not-regular (symlink)"));
	ck_assert_int_eq(warns, 2); /* one refusal, one timeout: not per poll */
	ck_assert(exists(lockp));
	ck_assert_str_eq(slurp(target), payload);

	/* a dangling symlink: O_EXCL|O_NOFOLLOW must not create the target */
	unlink(target);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_BUSY);
	ck_assert(!exists(target));
	ck_assert(exists(lockp));
	rmdir(outside);
	sessionlock_clear(&l);
}
END_TEST

START_TEST(directory_and_fifo_are_never_deleted)
{
	struct sessionlock l = SESSIONLOCK_INIT;

	ck_assert_int_eq(mkdir(lockp, 0755), 0);
	set_mtime_ago(lockp, 60000);
	ck_assert_str_eq(verdict(0, NULL), "not-regular");
	prep(&l, "main", 60, 60000, 0);
	ck_assert_int_eq(sessionlock_acquire(&l), -1);
	ck_assert_ptr_nonnull(strstr(warn_text, "directory"));
	ck_assert_int_eq(rmdir(lockp), 0); /* still there, still a dir */

	ck_assert_int_eq(mkfifo(lockp, 0644), 0);
	ck_assert_str_eq(verdict(0, NULL), "not-regular");
	ck_assert_int_eq(sessionlock_acquire(&l), -1); /* and no hang */
	ck_assert(exists(lockp));
	sessionlock_clear(&l);
}
END_TEST

/* ---- remove-if-unchanged
 * ------------------------------------------------------------- */

START_TEST(reclaim_skips_a_replaced_file)
{
	struct sessionlock_info info = SESSIONLOCK_INFO_INIT;
	pid_t live = spawn_sleeper();
	char tmp[PATH_MAX + 16], keep[8192];

	write_payload(lockp, dead_pid(), 1, 60000, 0);
	ck_assert_int_eq(sessionlock_inspect(lockp, 5000, &info), 0);
	ck_assert_str_eq(info.reason, "dead-pid");

	/* another contender reclaimed and re-created in between */
	snprintf(tmp, sizeof(tmp), "%s/new", dir);
	write_payload(tmp, live, starttime_of(live), 60000, 0);
	ck_assert_int_eq(rename(tmp, lockp), 0);
	copy_str(keep, sizeof(keep), slurp(lockp));
	ck_assert_int_eq(sessionlock_reclaim(lockp, &info), 0);
	ck_assert_str_eq(slurp(lockp), keep);

	/* same inode, bytes rewritten in place: changed too */
	ck_assert_int_eq(sessionlock_inspect(lockp, 5000, &info), 0);
	ck_assert_str_eq(info.reason, "live");
	info.stale = 1; /* pretend it was judged stale */
	{
		int fd = open(lockp, O_WRONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(pwrite(fd, "XXXXXXXX", 8, 0), 8);
		close(fd);
	}
	ck_assert_int_eq(sessionlock_reclaim(lockp, &info), 0);
	ck_assert(exists(lockp));

	/* unchanged: removed */
	ck_assert_int_eq(sessionlock_inspect(lockp, 5000, &info), 0);
	info.stale = 1;
	ck_assert_int_eq(sessionlock_reclaim(lockp, &info), 1);
	ck_assert(!exists(lockp));
	sessionlock_info_clear(&info);
}
END_TEST

/*
 * The race of seed 001 for real: our reclaim pauses between verdict and
 * re-read (failpoint), and another process replaces the lock meanwhile.
 * Returns what sessionlock_try said; *kept says whether the replacement
 * survived.
 */
static int race_reclaim(int *kept)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	pid_t live = spawn_sleeper(), racer;
	char tmp[PATH_MAX + 16], want[512];
	int r, status;

	write_payload(lockp, dead_pid(), 1, 60000, 0);
	snprintf(tmp, sizeof(tmp), "%s/racer", dir);
	write_payload(tmp, live, starttime_of(live), 60000, 0);
	copy_str(want, sizeof(want), slurp(tmp));
	ck_assert_int_eq(fiu_enable("sessionlock/reclaim/pause-before-unlink",
				    1, (void *)(intptr_t)400, 0),
			 0);
	racer = fork();
	ck_assert_int_ge(racer, 0);
	if (racer == 0) {
		usleep(100 * 1000);
		_exit(rename(tmp, lockp) == 0 ? 0 : 1);
	}
	prep(&l, "main", 1000, 60000, 5000);
	r = sessionlock_try(&l);
	ck_assert_int_eq(waitpid(racer, &status, 0), racer);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	fiu_disable("sessionlock/reclaim/pause-before-unlink");
	*kept = exists(lockp) && !strcmp(slurp(lockp), want);
	sessionlock_clear(&l);
	return r;
}

START_TEST(reclaim_race_keeps_the_new_owner)
{
	int kept;

	ck_assert_int_eq(race_reclaim(&kept), SESSIONLOCK_BUSY);
	ck_assert_int_eq(kept, 1);
	ck_assert_ptr_nonnull(strstr(warn_text, "changed since it was judged"));
}
END_TEST

START_TEST(mutant_reclaim_by_path_deletes_the_new_owner)
{
	int kept;

	sessionlock_set_bug(SESSIONLOCK_BUG_RECLAIM_BY_PATH);
	ck_assert_int_eq(race_reclaim(&kept), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(kept, 0);
}
END_TEST

/* ---- fencing and release
 * -------------------------------------------------------- */

/* Acquires, then replaces the lock file as a takeover would. */
static void take_over(struct sessionlock *l, pid_t thief)
{
	char tmp[PATH_MAX + 16];

	prep(l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(l), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(sessionlock_still_owner(lockp, "main"), 1);
	snprintf(tmp, sizeof(tmp), "%s/thief", dir);
	write_payload(tmp, thief, starttime_of(thief), 60000, 0);
	ck_assert_int_eq(rename(tmp, lockp), 0);
}

START_TEST(fencing_sees_a_takeover)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	pid_t thief = spawn_sleeper();
	char keep[4096];

	take_over(&l, thief);
	ck_assert_int_eq(sessionlock_still_owner(lockp, "main"), 0);
	ck_assert_int_eq(sessionlock_still_owner(lockp, "other-lane"), 0);
	/* release must leave the new owner's file alone */
	copy_str(keep, sizeof(keep), slurp(lockp));
	ck_assert_int_eq(sessionlock_release(lockp, "main"), 0);
	ck_assert_str_eq(slurp(lockp), keep);
	ck_assert_ptr_nonnull(strstr(warn_text, "no longer ours"));
	sessionlock_clear(&l);
}
END_TEST

START_TEST(fencing_sees_an_in_place_rewrite)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	char buf[128];

	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	snprintf(buf, sizeof(buf), "{\"pid\":%ld}", (long)spawn_sleeper());
	{
		int fd = open(lockp, O_WRONLY | O_TRUNC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, buf, strlen(buf)),
				 (ssize_t)strlen(buf));
		close(fd);
	}
	ck_assert_int_eq(sessionlock_still_owner(lockp, "main"), 0);
	unlink(lockp);
	ck_assert_int_eq(sessionlock_still_owner(lockp, "main"), 0);
	sessionlock_clear(&l);
}
END_TEST

START_TEST(mutant_no_fencing_writes_after_takeover)
{
	struct sessionlock l = SESSIONLOCK_INIT;

	sessionlock_set_bug(SESSIONLOCK_BUG_NO_FENCING);
	take_over(&l, spawn_sleeper());
	ck_assert_int_eq(sessionlock_still_owner(lockp, "main"), 1);
	sessionlock_clear(&l);
}
END_TEST

/* ---- watchdog, cleanup
 * ---------------------------------------------------------------- */

static int watchdog_calls;
static void on_watchdog(void *ctx, const char *path, const char *owner)
{
	ck_assert_str_eq(path, lockp);
	ck_assert_str_eq(owner, "main");
	watchdog_calls++;
}

static void hold_past_max(void)
{
	struct sessionlock l = SESSIONLOCK_INIT;

	watchdog_calls = 0;
	prep(&l, "main", 1000, 100, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(sessionlock_watchdog(on_watchdog, NULL) > 0,
			 !sessionlock_bug_on(SESSIONLOCK_BUG_NO_WATCHDOG));
	usleep(150 * 1000);
	sessionlock_watchdog(on_watchdog, NULL);
	sessionlock_clear(&l);
}

START_TEST(watchdog_force_releases_past_max_hold)
{
	hold_past_max();
	ck_assert_int_eq(watchdog_calls, 1);
	ck_assert(!exists(lockp));
	ck_assert_int_eq(sessionlock_held(lockp, "main"), 0);
	ck_assert_ptr_nonnull(strstr(warn_text, "watchdog"));
	ck_assert_int_eq(sessionlock_watchdog(on_watchdog, NULL), -1);
}
END_TEST

START_TEST(mutant_no_watchdog_keeps_the_lock)
{
	sessionlock_set_bug(SESSIONLOCK_BUG_NO_WATCHDOG);
	hold_past_max();
	ck_assert_int_eq(watchdog_calls, 0);
	ck_assert(exists(lockp));
	ck_assert_int_eq(sessionlock_held(lockp, "main"), 1);
}
END_TEST

static int cleanup_with_failing_dispose(struct sessionlock_cleanup *res)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	int r;

	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(fiu_enable("sessionlock/cleanup/dispose", 1,
				    (void *)(intptr_t)ENOSPC, 0),
			 0);
	ck_assert_int_eq(
	    fiu_enable("sessionlock/cleanup/lsp-dispose", 1, NULL, 0), 0);
	r = sessionlock_cleanup(lockp, "main", res);
	fiu_disable("sessionlock/cleanup/dispose");
	fiu_disable("sessionlock/cleanup/lsp-dispose");
	sessionlock_clear(&l);
	return r;
}

START_TEST(cleanup_failure_still_releases)
{
	struct sessionlock_cleanup res;

	ck_assert_int_eq(cleanup_with_failing_dispose(&res), -1);
	ck_assert_int_eq(res.failed, 2);
	ck_assert_str_eq(res.first_step, "dispose");
	ck_assert_int_eq(res.first_errno, ENOSPC);
	ck_assert_int_eq(res.release_reached, 1);
	ck_assert_int_eq(res.release_rc, 0);
	ck_assert(!exists(lockp));
	ck_assert_int_eq(warns, 2);
	ck_assert_ptr_nonnull(
	    strstr(warn_text, "'lsp-dispose' failed: Input/output error"));
}
END_TEST

START_TEST(cleanup_without_failures_releases)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	struct sessionlock_cleanup res;

	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(sessionlock_cleanup(lockp, "main", &res), 0);
	ck_assert_int_eq(res.failed, 0);
	ck_assert(!exists(lockp));
	ck_assert_int_eq(warns, 0);
	sessionlock_clear(&l);
}
END_TEST

START_TEST(mutant_cleanup_throw_skips_release)
{
	struct sessionlock_cleanup res;
	struct sessionlock l = SESSIONLOCK_INIT;

	sessionlock_set_bug(SESSIONLOCK_BUG_CLEANUP_THROW_SKIPS_RELEASE);
	ck_assert_int_eq(cleanup_with_failing_dispose(&res), -1);
	ck_assert_int_eq(res.release_reached, 0);
	ck_assert(exists(lockp));
	ck_assert_int_eq(sessionlock_held(lockp, "main"), 1);
	/* seed 000: the next turn re-enters the dead turn's hold */
	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(l.reentrant, 1);
	ck_assert_int_eq(sessionlock_release(lockp, "main"), 1);
	ck_assert(exists(lockp));
	sessionlock_clear(&l);
}
END_TEST

/* ---- the other mutants, each beside the reference behaviour
 * --------------------- */

static void acquire_twice_release_twice(void)
{
	struct sessionlock l = SESSIONLOCK_INIT;

	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(sessionlock_release(lockp, "main"), 1);
	ck_assert_int_eq(sessionlock_release(lockp, "main"), 0);
	sessionlock_clear(&l);
}

START_TEST(mutant_reentrant_no_drain)
{
	acquire_twice_release_twice();
	ck_assert(!exists(lockp));
	sessionlock_set_bug(SESSIONLOCK_BUG_REENTRANT_NO_DRAIN);
	acquire_twice_release_twice();
	ck_assert(exists(lockp));
	/* a live pid that holds nothing: other processes must wait */
	ck_assert_str_eq(verdict(5000, NULL), "orphan-self");
}
END_TEST

START_TEST(mutant_pid_only_liveness)
{
	pid_t live = spawn_sleeper();

	write_payload(lockp, live, starttime_of(live) + 1, 60000, 0);
	ck_assert_str_eq(verdict(5000, NULL), "recycled-pid");
	sessionlock_set_bug(SESSIONLOCK_BUG_PID_ONLY_LIVENESS);
	ck_assert_str_eq(verdict(5000, NULL), "live");
}
END_TEST

START_TEST(mutant_no_liveness)
{
	struct sessionlock l = SESSIONLOCK_INIT;

	write_payload(lockp, dead_pid(), 1, 60000, 0);
	sessionlock_set_bug(SESSIONLOCK_BUG_NO_LIVENESS);
	ck_assert_str_eq(verdict(5000, NULL), "live");
	prep(&l, "main", 60, 60000, 5000);
	ck_assert_int_eq(sessionlock_acquire(&l), -1);
	sessionlock_set_bug(SESSIONLOCK_BUG_NONE);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	sessionlock_clear(&l);
}
END_TEST

START_TEST(mutant_live_too_old_reclaim)
{
	pid_t live = spawn_sleeper();
	int stale;

	write_payload(lockp, live, starttime_of(live), 60000, -2000);
	ck_assert_str_eq(verdict(5000, &stale), "live");
	ck_assert_int_eq(stale, 0);
	sessionlock_set_bug(SESSIONLOCK_BUG_LIVE_TOO_OLD_RECLAIM);
	ck_assert_str_eq(verdict(5000, &stale), "too-old");
	ck_assert_int_eq(stale, 1);
}
END_TEST

START_TEST(mutant_hold_exceeded_report_only)
{
	pid_t live = spawn_sleeper();
	struct sessionlock l = SESSIONLOCK_INIT;
	int stale;

	write_payload(lockp, live, starttime_of(live), 100, -1000);
	sessionlock_set_bug(SESSIONLOCK_BUG_HOLD_EXCEEDED_REPORT_ONLY);
	ck_assert_str_eq(verdict(5000, &stale), "hold-exceeded");
	ck_assert_int_eq(stale, 0);
	prep(&l, "main", 60, 60000, 5000);
	ck_assert_int_eq(sessionlock_acquire(&l), -1);
	ck_assert_ptr_nonnull(strstr(warn_text, "reported, not reclaimed"));
	sessionlock_set_bug(SESSIONLOCK_BUG_NONE);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_str_eq(l.reclaimed, "hold-exceeded");
	sessionlock_clear(&l);
}
END_TEST

/*
 * A creator paused between O_EXCL and its payload (failpoint, in a child)
 * while we contend. Returns our try's result.
 */
static int contend_with_slow_creator(void)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	pid_t creator;
	int r, tries = 0;

	creator = fork();
	ck_assert_int_ge(creator, 0);
	if (creator == 0) {
		struct sessionlock c = SESSIONLOCK_INIT;

		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		sessionlock_set_bug(SESSIONLOCK_BUG_NONE);
		fiu_enable("sessionlock/create/pause-before-payload", 1,
			   (void *)(intptr_t)500, 0);
		prep(&c, "main", 1000, 60000, 5000);
		sessionlock_try(&c);
		for (;;)
			pause();
	}
	kids[nkids++] = creator;
	while (!exists(lockp) && tries++ < 400)
		usleep(2000);
	ck_assert_str_eq(verdict(5000, NULL),
			 sessionlock_bug_on(SESSIONLOCK_BUG_NO_EMPTY_GRACE)
			     ? "empty-past-grace"
			     : "empty-in-grace");
	prep(&l, "main", 1000, 60000, 5000);
	r = sessionlock_try(&l);
	sessionlock_clear(&l);
	return r;
}

START_TEST(empty_lock_of_a_slow_creator_is_spared)
{
	ck_assert_int_eq(contend_with_slow_creator(), SESSIONLOCK_BUSY);
}
END_TEST

START_TEST(mutant_no_empty_grace_steals_a_lock_being_born)
{
	sessionlock_set_bug(SESSIONLOCK_BUG_NO_EMPTY_GRACE);
	ck_assert_int_eq(contend_with_slow_creator(), SESSIONLOCK_ACQUIRED);
}
END_TEST

/* ---- system call failpoints
 * ------------------------------------------------------- */

START_TEST(failpoint_open_fails_acquire_with_errno)
{
	struct sessionlock l = SESSIONLOCK_INIT;

	fiu_enable("sessionlock/posix/open", 1, (void *)(intptr_t)EACCES, 0);
	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), -1);
	ck_assert_ptr_nonnull(strstr(sessionlock_error(), "cannot create '"));
	ck_assert_ptr_nonnull(strstr(sessionlock_error(), "Permission denied"));
	fiu_disable("sessionlock/posix/open");
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	sessionlock_clear(&l);
}
END_TEST

START_TEST(failpoint_write_leaves_no_half_lock)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	static const char *const points[] = {
	    "sessionlock/posix/write",
	    "sessionlock/posix/fsync",
	    "sessionlock/posix/close",
	};

	for (size_t i = 0; i < 3; i++) {
		fiu_enable(points[i], 1, NULL, 0);
		prep(&l, "main", 1000, 60000, 5000);
		ck_assert_int_eq(sessionlock_try(&l), -1);
		ck_assert_ptr_nonnull(
		    strstr(sessionlock_error(), "Input/output error"));
		ck_assert_msg(!exists(lockp), "%s left a lock file", points[i]);
		ck_assert_int_eq(sessionlock_held(lockp, "main"), 0);
		fiu_disable(points[i]);
		sessionlock_clear(&l);
	}
}
END_TEST

START_TEST(failpoint_unlink_fails_release)
{
	struct sessionlock l = SESSIONLOCK_INIT;

	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	fiu_enable("sessionlock/posix/unlink", 1, (void *)(intptr_t)EROFS, 0);
	ck_assert_int_eq(sessionlock_release(lockp, "main"), -1);
	ck_assert_ptr_nonnull(
	    strstr(sessionlock_error(), "Read-only file system"));
	fiu_disable("sessionlock/posix/unlink");
	ck_assert_int_eq(sessionlock_held(lockp, "main"), 0);
	/* the file stays at the lock path, no longer held: the stale rules
	 * recover it (this very process: an orphan of its own) */
	ck_assert(exists(lockp));
	{
		struct sessionlock_info info = SESSIONLOCK_INFO_INIT;

		ck_assert_int_eq(sessionlock_inspect(lockp, 5000, &info), 0);
		ck_assert(info.stale);
		ck_assert_str_eq(info.reason, "orphan-self");
		sessionlock_info_clear(&info);
	}
	sessionlock_clear(&l);
}
END_TEST

START_TEST(failpoint_read_and_lstat_fail_inspect)
{
	struct sessionlock_info info = SESSIONLOCK_INFO_INIT;

	write_payload(lockp, dead_pid(), 1, 60000, 0);
	fiu_enable("sessionlock/posix/read", 1, NULL, 0);
	ck_assert_int_eq(sessionlock_inspect(lockp, 5000, &info), -1);
	fiu_disable("sessionlock/posix/read");
	fiu_enable("sessionlock/posix/lstat", 1, (void *)(intptr_t)EACCES, 0);
	ck_assert_int_eq(sessionlock_inspect(lockp, 5000, &info), -1);
	ck_assert_ptr_nonnull(strstr(sessionlock_error(), "cannot stat"));
	fiu_disable("sessionlock/posix/lstat");
	ck_assert_int_eq(sessionlock_inspect(lockp, 5000, &info), 0);
	ck_assert_str_eq(info.reason, "dead-pid");
	sessionlock_info_clear(&info);
}
END_TEST

START_TEST(failpoint_read_in_release_leaves_the_file)
{
	struct sessionlock l = SESSIONLOCK_INIT;

	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(sessionlock_try(&l), SESSIONLOCK_ACQUIRED);
	fiu_enable("sessionlock/posix/read", 1, NULL, 0);
	/* cannot tell whether it is still ours: do not delete it */
	ck_assert_int_eq(sessionlock_release(lockp, "main"), -1);
	ck_assert_ptr_nonnull(strstr(sessionlock_error(), "cannot check"));
	fiu_disable("sessionlock/posix/read");
	ck_assert(exists(lockp));
	ck_assert_int_eq(sessionlock_held(lockp, "main"), 0);
	ck_assert_str_eq(verdict(5000, NULL), "orphan-self");
	sessionlock_clear(&l);
}
END_TEST

START_TEST(block_loop_spins_while_enabled)
{
	ck_assert_int_eq(sessionlock_block_loop(), 0);
	fiu_enable("sessionlock/turn/block-loop", 1, NULL, FIU_ONETIME);
	ck_assert_int_eq(sessionlock_block_loop(), 1);
	ck_assert_int_eq(sessionlock_block_loop(), 0);
}
END_TEST

/* ---- mutant table
 * -------------------------------------------------------------------- */

START_TEST(mutant_names_are_exactly_these)
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
	size_t n = sizeof(want) / sizeof(*want);

	ck_assert_int_eq(SESSIONLOCK_BUG__NR - 1, (int)n);
	for (size_t i = 0; i < n; i++) {
		int b = sessionlock_bug_from_name(want[i]);

		ck_assert_int_gt(b, 0);
		ck_assert_str_eq(sessionlock_bug_info(b)->name, want[i]);
		ck_assert_int_ge(sessionlock_bug_info(b)->seed, 0);
		ck_assert_int_le(sessionlock_bug_info(b)->seed, 4);
	}
	ck_assert_int_eq(sessionlock_bug_from_name("no-such-bug"), -1);
	ck_assert_ptr_null(sessionlock_bug_info(SESSIONLOCK_BUG_NONE));
	sessionlock_set_bug(SESSIONLOCK_BUG_NO_FENCING);
	ck_assert_int_eq(sessionlock_bug_on(SESSIONLOCK_BUG_NO_FENCING), 1);
	ck_assert_int_eq(sessionlock_bug_on(SESSIONLOCK_BUG_NO_WATCHDOG), 0);
}
END_TEST

/* ---- the flock backend
 * ------------------------------------------------------------------ */

START_TEST(flock_excludes_reenters_and_removes)
{
	struct sessionlock a = SESSIONLOCK_INIT, b = SESSIONLOCK_INIT;

	prep(&a, "main", 1000, 60000, 5000);
	prep(&b, "other", 1000, 60000, 5000);
	ck_assert_int_eq(flocklock_try(&a), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(flocklock_try(&a), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(a.reentrant, 1);
	ck_assert_int_eq(flocklock_try(&b), SESSIONLOCK_BUSY); /* separate fd */
	{
		char pid[32];

		snprintf(pid, sizeof(pid), "%ld", (long)getpid());
		ck_assert_str_eq(b.holder_pid, pid);
	}
	ck_assert_int_eq(flocklock_still_owner(lockp, "main"), 1);
	ck_assert_int_eq(flocklock_release(lockp, "main"), 1);
	ck_assert_int_eq(flocklock_release(lockp, "main"), 0);
	ck_assert(!exists(lockp));
	ck_assert_int_eq(flocklock_try(&b), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(flocklock_force_release(lockp, "other", "test"), 0);
	ck_assert(!exists(lockp));
	sessionlock_clear(&a);
	sessionlock_clear(&b);
}
END_TEST

START_TEST(flock_dead_holder_is_free_at_once)
{
	struct sessionlock l = SESSIONLOCK_INIT;
	pid_t holder;
	int p[2];
	char c;

	ck_assert_int_eq(pipe(p), 0);
	holder = fork();
	ck_assert_int_ge(holder, 0);
	if (holder == 0) {
		struct sessionlock h = SESSIONLOCK_INIT;

		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		prep(&h, "main", 1000, 60000, 5000);
		if (flocklock_try(&h) != SESSIONLOCK_ACQUIRED ||
		    write(p[1], "y", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	kids[nkids++] = holder;
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(flocklock_try(&l), SESSIONLOCK_BUSY);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	nkids--;
	ck_assert_int_eq(flocklock_try(&l), SESSIONLOCK_ACQUIRED);
	sessionlock_clear(&l);
}
END_TEST

START_TEST(flock_fencing_and_not_regular)
{
	struct sessionlock l = SESSIONLOCK_INIT;

	prep(&l, "main", 1000, 60000, 5000);
	ck_assert_int_eq(flocklock_try(&l), SESSIONLOCK_ACQUIRED);
	ck_assert_int_eq(unlink(lockp), 0);
	write_str(lockp, "{}");
	ck_assert_int_eq(flocklock_still_owner(lockp, "main"), 0);
	ck_assert_int_eq(flocklock_release(lockp, "main"), 0);
	ck_assert_str_eq(slurp(lockp), "{}"); /* not ours: left alone */
	unlink(lockp);
	ck_assert_int_eq(symlink("nonexistent-target", lockp), 0);
	ck_assert_int_eq(flocklock_try(&l), SESSIONLOCK_BUSY);
	ck_assert_str_eq(l.busy_reason, "not-regular");
	ck_assert(exists(lockp));
	ck_assert_ptr_nonnull(strstr(warn_text, "not-regular"));
	sessionlock_clear(&l);
}
END_TEST

/* ---- runner
 * ------------------------------------------------------------------------ */

static TCase *tcase(Suite *s, const char *name, double timeout)
{
	return unit_tcase(s, name, timeout, setup, teardown);
}

static Suite *sessionlock_suite(void)
{
	Suite *s = suite_create("sessionlock");
	TCase *tc;

	tc = tcase(s, "acquire", 10);
	tcase_add_test(tc, create_writes_openclaw_payload);
	tcase_add_test(tc, reentrant_same_owner_drains);
	tcase_add_test(tc, other_lane_waits_with_exact_timeout_text);

	tc = tcase(s, "verdicts", 10);
	tcase_add_test(tc, dead_pid_is_reclaimed_with_warn);
	tcase_add_test(tc, zombie_is_stale);
	tcase_add_test(tc, recycled_pid_is_stale_true_starttime_is_live);
	tcase_add_test(tc, live_holder_within_max_hold_is_not_reclaimed);
	tcase_add_test(tc, hold_exceeded_by_real_age);
	tcase_add_test(tc, future_created_at_falls_back_to_mtime);
	tcase_add_test(tc, empty_file_gets_grace_by_mtime);
	tcase_add_loop_test(tc, unparsable_payloads_get_grace, 0,
			    (int)(sizeof(unparsable) / sizeof(*unparsable)));
	tcase_add_test(tc, oversized_payload_is_unparsable);
	tcase_add_test(tc, orphan_self_is_reclaimed);
	tcase_add_test(tc, proc_starttime_survives_odd_comm);

	tc = tcase(s, "not-a-lock-file", 10);
	tcase_add_test(tc, symlink_is_never_followed_or_deleted);
	tcase_add_test(tc, directory_and_fifo_are_never_deleted);

	tc = tcase(s, "reclaim", 10);
	tcase_add_test(tc, reclaim_skips_a_replaced_file);
	tcase_add_test(tc, reclaim_race_keeps_the_new_owner);

	tc = tcase(s, "fencing-release", 10);
	tcase_add_test(tc, fencing_sees_a_takeover);
	tcase_add_test(tc, fencing_sees_an_in_place_rewrite);
	tcase_add_test(tc, watchdog_force_releases_past_max_hold);
	tcase_add_test(tc, cleanup_failure_still_releases);
	tcase_add_test(tc, cleanup_without_failures_releases);
	tcase_add_test(tc, empty_lock_of_a_slow_creator_is_spared);

	tc = tcase(s, "failpoints", 10);
	tcase_add_test(tc, failpoint_open_fails_acquire_with_errno);
	tcase_add_test(tc, failpoint_write_leaves_no_half_lock);
	tcase_add_test(tc, failpoint_unlink_fails_release);
	tcase_add_test(tc, failpoint_read_and_lstat_fail_inspect);
	tcase_add_test(tc, failpoint_read_in_release_leaves_the_file);
	tcase_add_test(tc, block_loop_spins_while_enabled);

	tc = tcase(s, "mutants", 10);
	tcase_add_test(tc, mutant_names_are_exactly_these);
	tcase_add_test(tc, mutant_reclaim_by_path_deletes_the_new_owner);
	tcase_add_test(tc, mutant_no_fencing_writes_after_takeover);
	tcase_add_test(tc, mutant_no_watchdog_keeps_the_lock);
	tcase_add_test(tc, mutant_cleanup_throw_skips_release);
	tcase_add_test(tc, mutant_reentrant_no_drain);
	tcase_add_test(tc, mutant_pid_only_liveness);
	tcase_add_test(tc, mutant_no_liveness);
	tcase_add_test(tc, mutant_live_too_old_reclaim);
	tcase_add_test(tc, mutant_hold_exceeded_report_only);
	tcase_add_test(tc, mutant_no_empty_grace_steals_a_lock_being_born);

	tc = tcase(s, "flock", 10);
	tcase_add_test(tc, flock_excludes_reenters_and_removes);
	tcase_add_test(tc, flock_dead_holder_is_free_at_once);
	tcase_add_test(tc, flock_fencing_and_not_regular);
	return s;
}

int main(void)
{
	return unit_main(sessionlock_suite());
}
