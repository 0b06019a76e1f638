/*
 * test_noise.c - the noise probes (run/noise.c): real processes sharing
 * this one's memory, sampling, then killed (noise_kill) and reaped by
 * noise_stop or by someone else's waitpid, as the sandbox's sweep does.
 */
#include <check.h>

#include "run/noise.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "unit.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Waits (up to 20 s: a loaded machine may not run them at once) until the
 * probes have taken `sched` scheduling and `io` storage samples. */
static void await_samples(struct noise *n, uint64_t sched, uint64_t io)
{
	int64_t until = now_ms() + 20000;

	while ((noise_samples(n) < sched || noise_io_samples(n) < io) &&
	       now_ms() < until)
		sleep_ms(5);
}

START_TEST(test_probes_sample_then_are_reaped)
{
	char dir[] = "/tmp/lockchaos-noise-XXXXXX", file[64];
	struct noise n = NOISE_INIT;
	pid_t pid, io_pid;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(noise_start(&n, dir), 0);
	pid = n.pid;
	io_pid = n.io_pid;
	ck_assert_int_gt(pid, 0);
	ck_assert_int_gt(io_pid, 0);
	await_samples(&n, 20, 2);
	ck_assert_msg(noise_samples(&n) >= 20, "%llu scheduling samples",
		      (unsigned long long)noise_samples(&n));
	ck_assert_msg(noise_io_samples(&n) >= 2, "%llu storage samples",
		      (unsigned long long)noise_io_samples(&n));
	ck_assert_int_ge(noise_percentile_us(&n, 99), noise_percentile_us(&n, 50));
	noise_stop(&n);
	ck_assert_int_eq(n.pid, 0);
	ck_assert_int_eq(n.io_pid, 0);
	/* both reaped: no zombie is left for anyone else's waitpid */
	errno = 0;
	ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(waitpid(io_pid, NULL, WNOHANG), -1);
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_assert_int_eq(kill(io_pid, 0), -1);
	/* the figures stay readable, and no longer move */
	{
		uint64_t s = noise_samples(&n), io = noise_io_samples(&n);

		sleep_ms(20);
		ck_assert_uint_eq(noise_samples(&n), s);
		ck_assert_uint_eq(noise_io_samples(&n), io);
	}
	noise_stop(&n); /* twice is harmless */
	noise_clear(&n);
	ck_assert_uint_eq(noise_samples(&n), 0);
	snprintf(file, sizeof(file), "%s/.lockchaos-io-probe", dir);
	unlink(file);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* The probes share this process's memory (noise.c): while they sleep, fsync
 * and sample, nothing of ours changes under us, errno included. */
START_TEST(test_probes_leave_our_memory_alone)
{
	char dir[] = "/tmp/lockchaos-noise-XXXXXX", file[64];
	static char canary[4096];
	struct noise n = NOISE_INIT;
	int64_t until;
	size_t i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	memset(canary, 0x5a, sizeof(canary));
	ck_assert_int_eq(noise_start(&n, dir), 0);
	errno = 0;
	until = now_ms() + 20000;
	while (noise_io_samples(&n) < 3 && now_ms() < until) {
		volatile int spin;

		for (spin = 0; spin < 100000; spin++)
			;
		ck_assert_int_eq(errno, 0);
	}
	ck_assert_uint_ge(noise_io_samples(&n), 3);
	for (i = 0; i < sizeof(canary); i++)
		ck_assert_int_eq(canary[i], 0x5a);
	noise_clear(&n);
	snprintf(file, sizeof(file), "%s/.lockchaos-io-probe", dir);
	unlink(file);
	rmdir(dir);
}
END_TEST

/* The storage probe does what a holder's first append does: each sample
 * creates a new file, writes, fsyncs and removes it (a new file's fsync
 * waits for the journal's commit, which an overwrite in place did not:
 * the probe that overwrote saw 22 ms beside the soak while appends to new
 * transcripts took 3 s). Seen by inotify: a create and a delete of the
 * probe's file for each of several samples (red with the overwrite). */
START_TEST(test_io_probe_creates_a_new_file_each_sample)
{
	char dir[] = "/tmp/lockchaos-noise-XXXXXX";
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct noise n = NOISE_INIT;
	int in, creates = 0, deletes = 0;
	ssize_t len;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ck_assert_int_ge(in, 0);
	ck_assert_int_ge(inotify_add_watch(in, dir, IN_CREATE | IN_DELETE), 0);
	ck_assert_int_eq(noise_start(&n, dir), 0);
	await_samples(&n, 0, 4);
	noise_stop(&n);
	while ((len = read(in, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (p < buf + len) {
			const struct inotify_event *e = (const void *)p;

			if (e->len && !strcmp(e->name, ".lockchaos-io-probe")) {
				creates += !!(e->mask & IN_CREATE);
				deletes += !!(e->mask & IN_DELETE);
			}
			p += sizeof(*e) + e->len;
		}
	}
	close(in);
	ck_assert_uint_ge(noise_io_samples(&n), 4);
	ck_assert_msg(creates >= 4 && deletes >= 3,
		      "%d creates and %d deletes of the probe's file in %llu "
		      "samples",
		      creates, deletes,
		      (unsigned long long)noise_io_samples(&n));
	noise_clear(&n);
	rmdir(dir); /* fails (and is left) if the probe left its file */
}
END_TEST

/* A stall still going on when the probes are killed counts: a probe
 * stopped (or starved) records its overshoot only when it runs again, and
 * a run that ended before then read none (beside the soak, 208 ms for a
 * 7 s stop). Here the scheduling probe is stopped 300 ms, then killed
 * without running again: at least 250 ms is kept (red without). */
START_TEST(test_kill_counts_a_stall_going_on)
{
	char dir[] = "/tmp/lockchaos-noise-XXXXXX";
	struct noise n = NOISE_INIT;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(noise_start(&n, dir), 0);
	await_samples(&n, 5, 1);
	ck_assert_int_eq(kill(n.pid, SIGSTOP), 0);
	sleep_ms(300);
	noise_kill(&n);
	ck_assert_msg(noise_max_us(&n) >= 250000,
		      "a 300 ms stop of the probe read %lld us",
		      (long long)noise_max_us(&n));
	noise_stop(&n);
	noise_clear(&n);
	rmdir(dir);
}
END_TEST

/* Starts the probes so that they cannot run before they are stopped: this
 * process, at SCHED_FIFO on one CPU, starts them (they inherit both and
 * cannot run before it blocks) and stops them, then goes back. 0, or -1
 * when this machine gives no SCHED_FIFO (the test then says so). */
static int start_stopped(struct noise *n, const char *dir)
{
	struct sched_param fifo = { .sched_priority = 1 }, other = { 0 };
	cpu_set_t one, all;
	int rc;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(all), &all), 0);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) ||
	    sched_setscheduler(0, SCHED_FIFO, &fifo)) {
		printf("not run: no SCHED_FIFO here (%s)\n", strerror(errno));
		sched_setaffinity(0, sizeof(all), &all);
		return -1;
	}
	rc = noise_start(n, dir);
	if (!rc) {
		kill(n->pid, SIGSTOP);
		if (n->io_pid > 0)
			kill(n->io_pid, SIGSTOP);
	}
	sched_setscheduler(0, SCHED_OTHER, &other);
	sched_setaffinity(0, sizeof(all), &all);
	ck_assert_int_eq(rc, 0);
	return 0;
}

/* A probe that never ran before it was killed (the machine stalled from
 * its start) counts the stall from its start; one that first ran late
 * counts the wait to its first run. Red when a stall was counted only from
 * a probe's own first sample (0 us, then 0.1 ms). */
START_TEST(test_kill_counts_a_probe_that_never_ran)
{
	char dir[] = "/tmp/lockchaos-noise-XXXXXX";
	struct noise n = NOISE_INIT;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	if (start_stopped(&n, dir)) {
		rmdir(dir);
		return;
	}
	sleep_ms(300);
	noise_kill(&n);
	ck_assert_uint_eq(noise_samples(&n), 0); /* the premise */
	ck_assert_msg(noise_max_us(&n) >= 250000,
		      "a probe stopped 300 ms before its first sample read %lld "
		      "us", (long long)noise_max_us(&n));
	noise_stop(&n);
	noise_clear(&n);
	rmdir(dir);
}
END_TEST

START_TEST(test_a_late_first_run_counts)
{
	char dir[] = "/tmp/lockchaos-noise-XXXXXX", file[64];
	struct noise n = NOISE_INIT;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	if (start_stopped(&n, dir)) {
		rmdir(dir);
		return;
	}
	sleep_ms(300);
	kill(n.pid, SIGCONT);
	kill(n.io_pid, SIGCONT);
	await_samples(&n, 5, 0);
	noise_kill(&n);
	ck_assert_uint_ge(noise_samples(&n), 5); /* the premise */
	ck_assert_msg(noise_max_us(&n) >= 250000,
		      "a probe first run 300 ms late read %lld us",
		      (long long)noise_max_us(&n));
	noise_stop(&n);
	noise_clear(&n);
	snprintf(file, sizeof(file), "%s/.lockchaos-io-probe", dir);
	unlink(file);
	rmdir(dir);
}
END_TEST

/* noise_kill does not wait for the probes to die (that was two wake-ups on
 * every run's critical path): they are still ours to reap when it returns,
 * the figures it kept no longer move, and noise_stop does not wait again
 * for a probe that a waitpid of someone else's (the sandbox's sweep) has
 * reaped already. */
START_TEST(test_kill_does_not_wait_for_them)
{
	char dir[] = "/tmp/lockchaos-noise-XXXXXX", file[64];
	struct noise n = NOISE_INIT;
	pid_t pid, io_pid;
	siginfo_t si;
	uint64_t s;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(noise_start(&n, dir), 0);
	pid = n.pid;
	io_pid = n.io_pid;
	ck_assert_int_gt(pid, 0);
	ck_assert_int_gt(io_pid, 0);
	/* both have run (each says its pid first; under ASan the storage
	 * probe is forked, and a fresh clone's make check killed it before
	 * it had) */
	await_samples(&n, 5, 1);
	noise_kill(&n);
	s = noise_samples(&n);
	ck_assert_uint_ge(s, 5);
	/* each said its pid (no PID namespace here: ours), and a look at
	 * /proc for strays passes them over until they are reaped */
	ck_assert_int_eq(noise_owns_pid(&n, pid), 1);
	ck_assert_int_eq(noise_owns_pid(&n, io_pid), 1);
	ck_assert_int_eq(noise_owns_pid(&n, getpid()), 0);
	ck_assert_int_eq(noise_owns_pid(&n, 0), 0);
	/* not reaped by noise_kill: each is still our child, killed */
	ck_assert_int_eq(n.pid, pid);
	ck_assert_int_eq(n.io_pid, io_pid);
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(si.si_code, CLD_KILLED);
	ck_assert_int_eq(si.si_status, SIGKILL);
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid(P_PID, (id_t)io_pid, &si, WEXITED | WNOWAIT),
			 0);
	ck_assert_int_eq(si.si_code, CLD_KILLED);
	sleep_ms(20);
	ck_assert_uint_eq(noise_samples(&n), s);
	noise_kill(&n); /* twice is harmless */
	ck_assert_uint_eq(noise_samples(&n), s);
	/* the sweep's waitpid(-1) takes one of them first */
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	noise_stop(&n);
	ck_assert_int_eq(n.pid, 0);
	ck_assert_int_eq(n.io_pid, 0);
	errno = 0;
	ck_assert_int_eq(waitpid(io_pid, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_uint_eq(noise_samples(&n), s);
	ck_assert_int_eq(noise_owns_pid(&n, pid), 0);
	ck_assert_int_eq(noise_owns_pid(&n, io_pid), 0);
	noise_clear(&n);
	snprintf(file, sizeof(file), "%s/.lockchaos-io-probe", dir);
	unlink(file);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static Suite *noise_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = unit_tcase(s, "noise", 60, NULL, NULL);

	tcase_add_test(tc, test_probes_sample_then_are_reaped);
	tcase_add_test(tc, test_probes_leave_our_memory_alone);
	tcase_add_test(tc, test_io_probe_creates_a_new_file_each_sample);
	tcase_add_test(tc, test_kill_counts_a_stall_going_on);
	tcase_add_test(tc, test_kill_counts_a_probe_that_never_ran);
	tcase_add_test(tc, test_a_late_first_run_counts);
	tcase_add_test(tc, test_kill_does_not_wait_for_them);
	return s;
}

int main(void)
{
	return unit_main(noise_suite());
}
