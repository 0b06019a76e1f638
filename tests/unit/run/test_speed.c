/*
 * test_speed.c - one accelerated clock for every process of a compressed
 * run (run/speed.c, harness/preload/speed_origin.c), for real: processes
 * started with the environment speed_holder_env() gives a holder, a real
 * second apart, read the same clock
 *
 *     fake(t) = origin + (t - origin) x N
 *
 * their wall clock (`date`), their monotonic clock (the reference holder's
 * hello `t`) and the file times they read (`stat`), whenever each started.
 * Without lockchaos-speed.so in front, libfaketime would start each
 * process's clock at its own start, and the second would be (N - 1) s off.
 */
#include <check.h>

#include "run/run_internal.h"
#include "lib/preload.h"
#include "lib/util.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "unit.h"

#define N 20

static char holder[PATH_MAX + 32], self[PATH_MAX];

static int64_t real_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void find_holder(void)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	snprintf(self, sizeof(self), "%s", exe);
	slash = strrchr(exe, '/');
	ck_assert_ptr_nonnull(slash);
	*slash = '\0';
	snprintf(holder, sizeof(holder), "%s/../../sessionlock-holder", exe);
	ck_assert_msg(access(holder, X_OK) == 0, "no holder at %s", holder);
}

/*
 * Runs `sh -c script` with the compressed run's holder environment (and
 * LOCKCHAOS_DIR for the holder), stdin closed; returns its first line of
 * stdout (malloc'ed).
 */
static char *run_one(struct run *r, const char *script, const char *dir)
{
	char *env[20] = { NULL }, line[4096];
	int n, i, out[2];
	ssize_t got = 0, k;
	pid_t pid;

	n = speed_holder_env(r, env, 0);
	ck_assert_int_eq(n, 6);
	env[n++] = xasprintf("LOCKCHAOS_DIR=%s", dir);
	env[n++] = xasprintf("LOCKCHAOS_HOLDER=A");
	env[n++] = xasprintf("LOCKCHAOS_PROTO=1");
	env[n++] = xasprintf("HOLDER=%s", holder);
	env[n++] = xasprintf("SELF=%s", self);
	/* a sanitizer build's runtime wants to be preloaded first */
	env[n++] = xasprintf("ASAN_OPTIONS=verify_asan_link_order=0");
	ck_assert_int_eq(pipe(out), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		/* As a confined holder has it (sandbox/supervise.c): no
		 * /dev/shm to write, where libfaketime would otherwise make a
		 * shared start time for a whole process tree, its root's. */
		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("none", "/dev/shm", "tmpfs", MS_RDONLY, NULL)) {
			perror("read-only /dev/shm");
			_exit(126);
		}
		dup2(devnull, 0);
		dup2(out[1], 1);
		close(out[0]);
		for (i = 0; i < n; i++)
			putenv(env[i]);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	while ((k = read(out[0], line + got, sizeof(line) - 1 - (size_t)got)) > 0)
		got += k;
	close(out[0]);
	waitpid(pid, NULL, 0);
	line[got] = '\0';
	for (i = 0; i < n; i++)
		free(env[i]);
	ck_assert_msg(got > 0, "no output from: %s", script);
	return xstrdup(line);
}

/* `fake` (µs) must be where the shared clock stood between real times
 * `before` and `after` (µs), give or take `eps` µs of scenario time. */
static void assert_on_clock(const char *what, int64_t origin, int64_t fake,
			    int64_t before, int64_t after, int64_t eps)
{
	int64_t lo = origin + (before - origin) * N - eps;
	int64_t hi = origin + (after - origin) * N + eps;

	ck_assert_msg(fake >= lo && fake <= hi,
		      "%s: %lld µs is off the shared clock: expected %lld to "
		      "%lld (%.3f s early / %.3f s late)",
		      what, (long long)fake, (long long)lo, (long long)hi,
		      (double)(lo - fake) / 1e6, (double)(fake - hi) / 1e6);
}

START_TEST(test_two_processes_a_second_apart_agree)
{
	struct scenario s = SCENARIO_INIT;
	struct run_opts o = { 0 };
	struct run r = { .s = &s, .o = &o };
	const char *status = NULL;
	char *reason = NULL, *out, dir[] = "/tmp/lockchaos-speed-XXXXXX";
	char *file;
	int64_t fake_first = 0;
	int i;

	s.file = "speed.scn";
	s.speed = N;
	find_holder();
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp");
	ck_assert_msg(speed_decide(&r, &status, &reason) == 0,
		      "speed refused: %s", reason ? reason : "?");
	ck_assert_int_eq(r.speed, N);
	ck_assert_ptr_null(r.speed_note);
	r.t0 = mono_us();
	speed_start(&r);
	file = xasprintf("%s/f", dir);
	for (i = 0; i < 2; i++) {
		int64_t before, after, wall, mono, mtime;
		char *p, *script;

		if (i)
			usleep(1000000); /* a real second between the two */
		/* The wall clock and a file's mtime as `date` and `stat`
		 * see them, then the holder's hello `t` (its monotonic
		 * clock): one process each, all on one clock. */
		script = xasprintf("date +%%s%%N; : > %s; \"$SELF\" --stat %s; "
				   "exec \"$HOLDER\"",
				   file, file);
		before = real_us();
		out = run_one(&r, script, dir);
		after = real_us();
		free(script);
		wall = strtoll(out, &p, 10) / 1000;
		mtime = (int64_t)(strtod(p, &p) * 1e6);
		p = strstr(p, "\"t\":");
		ck_assert_msg(p != NULL, "no hello t in: %s", out);
		mono = strtoll(p + 4, NULL, 10);
		assert_on_clock("date", r.origin_real_us, wall, before, after,
				20000);
		/* libc's stat, as the reference lock calls it; the kernel's
		 * file time lags the clock by up to a tick (4 ms x N) */
		assert_on_clock("mtime", r.origin_real_us, mtime, before, after,
				4000 * N);
		/* the monotonic clock is rebased exactly like events are */
		assert_on_clock("hello t", r.origin_real_us, mono, before,
				after, 20000);
		ck_assert_int_ge((int64_t)run_holder_t(&r, (double)mono), 0);
		if (!i)
			fake_first = wall;
		else
			/* a real second later is N seconds later */
			ck_assert_msg(wall - fake_first >= (N - 1) * 1000000LL,
				      "second process only %lld µs later",
				      (long long)(wall - fake_first));
		free(out);
	}
	unlink(file);
	rmdir(dir);
	free(file);
	free(r.speed_preload);
}
END_TEST

/*
 * A worker's second run (a timing verdict's re-run, run.c) comes after its
 * first run's sandbox gave it the PID namespace's /proc, where /proc/self
 * names nothing: lockchaos-speed.so is still found (its path was read at
 * start), and the re-run is compressed as the first try was. Before, it
 * ran in real time, "not built next to lockchaos" (speed-verdicts, under a
 * soak). Here /proc is hidden under an empty tmpfs in a child of its own.
 */
START_TEST(test_speed_lib_found_with_proc_hidden)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct scenario s = SCENARIO_INIT;
		struct run_opts o = { .speed = 10 };
		struct run r = { .s = &s, .o = &o };
		const char *status = NULL;
		char *reason = NULL;

		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("none", "/proc", "tmpfs", 0, NULL))
			_exit(126);
		if (access("/proc/self/exe", F_OK) == 0)
			_exit(125); /* not hidden: the test would prove nothing */
		s.file = "x.scn";
		if (speed_decide(&r, &status, &reason) != 0)
			_exit(2);
		if (r.speed != 10) {
			fprintf(stderr, "%s\n", r.speed_note ? r.speed_note : "?");
			_exit(1);
		}
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 126,
		      "cannot hide /proc (no mount namespace): %d", st);
	ck_assert_msg(WEXITSTATUS(st) != 125, "/proc/self still there");
	ck_assert_msg(WEXITSTATUS(st) == 0,
		      "with /proc hidden, the run was not compressed (exit %d)",
		      WEXITSTATUS(st));
}
END_TEST

START_TEST(test_speed_off_and_command_line)
{
	struct scenario s = SCENARIO_INIT;
	struct run_opts o = { 0 };
	struct run r = { .s = &s, .o = &o };
	const char *status = NULL;
	char *reason = NULL;

	s.file = "x.scn";
	/* no speed anywhere: real time, nothing preloaded */
	ck_assert_int_eq(speed_decide(&r, &status, &reason), 0);
	ck_assert_int_eq(r.speed, 1);
	ck_assert_int_eq(speed_holder_env(&r, NULL, 3), 3);
	/* --speed overrides the scenario's line, both ways */
	s.speed = 50;
	o.speed = 1;
	ck_assert_int_eq(speed_decide(&r, &status, &reason), 0);
	ck_assert_int_eq(r.speed, 1);
	o.speed = 7;
	ck_assert_int_eq(speed_decide(&r, &status, &reason), 0);
	ck_assert_int_eq(r.speed, 7);
	free(r.speed_preload);
	r.speed_preload = NULL;
	/* `speed off REASON`: --speed leaves it in real time, and says why */
	s.speed = 0;
	s.speed_off = "judges ages by mtime";
	s.speed_line = 4;
	ck_assert_int_eq(speed_decide(&r, &status, &reason), 0);
	ck_assert_int_eq(r.speed, 1);
	ck_assert_str_eq(r.speed_note,
			 "not compressed: x.scn:4: speed off: judges ages by "
			 "mtime");
	free(r.speed_note);
	r.speed_note = NULL;
	/* the scenario's own speed without libfaketime: unsupported, why */
	s.speed_off = NULL;
	s.speed = 20;
	o.speed = 0;
	setenv("LOCKCHAOS_FAKETIME_LIB", "/nonexistent/libfaketime.so", 1);
	ck_assert_int_eq(speed_decide(&r, &status, &reason), -1);
	ck_assert_str_eq(status, STATUS_UNSUPPORTED);
	ck_assert_msg(strstr(reason, "libfaketime is not installed"), "%s",
		      reason);
	free(reason);
	/* ... and under --speed: real time, with the reason */
	o.speed = 20;
	ck_assert_int_eq(speed_decide(&r, &status, &reason), 0);
	ck_assert_int_eq(r.speed, 1);
	ck_assert_msg(strstr(r.speed_note, "not compressed: cannot compress "
					   "time (speed 20)"),
		      "%s", r.speed_note);
	free(r.speed_note);
	unsetenv("LOCKCHAOS_FAKETIME_LIB");
}
END_TEST

START_TEST(test_clock_arithmetic)
{
	struct scenario s = SCENARIO_INIT;
	struct run_opts o = { 0 };
	struct run r = { .s = &s, .o = &o, .speed = N, .t0 = 5000000,
			 .origin_real_us = 1700000000000000LL };

	/* grace waits of the harness are real time: N times as much */
	ck_assert_int_eq(run_real_us(&r, 2000000), 2000000LL * N);
	/* a holder's faked monotonic clock counts from the origin's wall
	 * time */
	ck_assert_int_eq((int64_t)run_holder_t(&r, 1700000000250000.0),
			 250000);
	r.speed = 1;
	ck_assert_int_eq(run_real_us(&r, 2000000), 2000000);
	ck_assert_int_eq((int64_t)run_holder_t(&r, 5250000.0), 250000);
}
END_TEST

static Suite *speed_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = unit_tcase(s, "speed", 30, NULL, NULL);

	tcase_add_test(tc, test_two_processes_a_second_apart_agree);
	tcase_add_test(tc, test_speed_off_and_command_line);
	tcase_add_test(tc, test_speed_lib_found_with_proc_hidden);
	tcase_add_test(tc, test_clock_arithmetic);
	return s;
}

int main(int argc, char **argv)
{
	struct stat st;

	/* `--stat FILE`: the file's mtime as libc's stat() gives it, run
	 * under the compressed run's preload by the test above. */
	if (argc == 3 && !strcmp(argv[1], "--stat")) {
		if (stat(argv[2], &st))
			return 1;
		printf("%lld.%09ld\n", (long long)st.st_mtim.tv_sec,
		       st.st_mtim.tv_nsec);
		return 0;
	}
	return unit_main(speed_suite());
}
