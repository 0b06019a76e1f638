/*
 * test_sched.c - a holder's wait for a CPU (run/sched.c), on real
 * processes: run_delay counts a wait only when it ends, so a starved
 * holder's wait still going on must be seen from its state, and a sleeping
 * one's never.
 */
#include <check.h>

#include "run/run_internal.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "unit.h"

#define HOGS 4

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* A child on CPU 0 at `nice`: spins, or sleeps. */
static pid_t child(int nice, int spin)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(0, &one);
		sched_setaffinity(0, sizeof(one), &one);
		setpriority(PRIO_PROCESS, 0, nice);
		for (;;)
			if (!spin)
				pause();
	}
	return pid;
}

/* Waits (up to 60 s: it is starved) until `pid` sleeps. */
static void await_asleep(pid_t pid)
{
	char path[64], buf[512], *p = NULL;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (i = 0; i < 6000; i++) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

		if (f)
			fclose(f);
		buf[n] = 0;
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			return;
		sleep_ms(10);
	}
	ck_abort_msg("child %d never went to sleep: %s", (int)pid, buf);
}

/* The kernel's own run_delay of `pid` (ns), summed over its one thread. */
static long long raw_run_delay(pid_t pid)
{
	char path[64];
	unsigned long long run, wait = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%llu %llu", &run, &wait), 2);
	fclose(f);
	return (long long)wait;
}

/* The most sched_wait_ns ran ahead of run_delay over 1.5 s of reads. */
static long long most_ahead(pid_t pid)
{
	struct hstate h;
	long long most = 0;
	int i;

	memset(&h, 0, sizeof(h));
	h.spid = pid;
	for (i = 0; i < 30; i++) {
		long long raw = raw_run_delay(pid), ours = sched_wait_ns(&h);

		ck_assert_int_ge(ours, raw);
		if (ours - raw > most)
			most = ours - raw;
		sleep_ms(50);
	}
	free(h.sched_seen);
	return most;
}

static void stop(pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
}

/* How far sched_wait_ns ran ahead of run_delay for a child at nice 19 on
 * CPU 0 that spins (or sleeps), beside HOGS spinners at nice -20 there. A
 * sleeper is read once it sleeps: on its way to pause() it was starved
 * and runnable, and that wait counts, rightly. */
static long long ahead_beside_hogs(int spin)
{
	pid_t pids[HOGS + 1];
	long long ahead;
	int i;

	for (i = 0; i < HOGS; i++)
		pids[i] = child(-20, 1);
	pids[HOGS] = child(19, spin);
	if (spin)
		sleep_ms(200);
	else
		await_asleep(pids[HOGS]);
	ahead = most_ahead(pids[HOGS]);
	stop(pids, HOGS + 1);
	return ahead;
}

/* The spinner runs for a slice now and then and waits runnable between,
 * for far longer than a read's 50 ms. run_delay shows each wait only once
 * it ended; the reads see it while it lasts. */
START_TEST(test_starved_wait_seen_while_it_lasts)
{
	long long ahead = ahead_beside_hogs(1);

	ck_assert_msg(ahead >= 200 * 1000000LL,
		      "a starved spinner's wait going on was seen %lld ms "
		      "ahead of run_delay, not 200 ms", ahead / 1000000);
}
END_TEST

/* A child asleep (pause) waits for no CPU: nothing is added. */
START_TEST(test_sleeper_waits_for_nothing)
{
	long long ahead = ahead_beside_hogs(0);

	ck_assert_msg(ahead == 0, "a sleeping child was counted %lld ms of "
				  "CPU wait", ahead / 1000000);
}
END_TEST

/* A holder whose work is done by a child (a shell holder's flock(1)):
 * the child's wait for a CPU is the holder's, and it stays counted once
 * the child is gone (the kernel keeps no run_delay of the dead). */
START_TEST(test_child_wait_counted_and_kept)
{
	pid_t pids[HOGS + 1], holder, kid = 0;
	struct hstate h;
	long long before, with, after;
	int i, fd[2];

	for (i = 0; i < HOGS; i++)
		pids[i] = child(-20, 1);
	ck_assert_int_eq(pipe(fd), 0);
	holder = fork();
	ck_assert_int_ge(holder, 0);
	if (holder == 0) {
		pid_t k = child(19, 1);

		(void)!write(fd[1], &k, sizeof(k));
		while (wait(NULL) > 0 || errno == EINTR)
			; /* reaps it: gone from /proc */
		for (;;)
			pause();
	}
	ck_assert_int_eq(read(fd[0], &kid, sizeof(kid)), (ssize_t)sizeof(kid));
	close(fd[0]);
	close(fd[1]);
	pids[HOGS] = holder;
	memset(&h, 0, sizeof(h));
	h.spid = holder;
	await_asleep(holder);
	before = sched_wait_ns(&h);
	for (i = 0; i < 30; i++) {
		with = sched_wait_ns(&h);
		sleep_ms(50);
	}
	with = sched_wait_ns(&h);
	kill(kid, SIGKILL);
	stop(pids, HOGS); /* the hogs: now the holder runs and reaps it */
	/* up to 40 s: beside the soak, a SIGKILLed child's teardown (and
	 * the holder's reap of it) took over 10 s */
	for (i = 0; i < 4000 && kill(kid, 0) == 0; i++)
		sleep_ms(10);
	ck_assert_msg(kill(kid, 0) < 0, "the child was not reaped");
	after = sched_wait_ns(&h);
	stop(pids + HOGS, 1);
	free(h.sched_seen);
	ck_assert_msg(with - before >= 200 * 1000000LL,
		      "the starved child's wait was not counted: %lld ms over "
		      "1.5 s", (with - before) / 1000000);
	ck_assert_msg(after >= with,
		      "the figure shrank from %lld to %lld ms", with / 1000000,
		      after / 1000000);
}
END_TEST

/* holder_exiting (final.c): a holder that went but is not reaped yet (a
 * zombie; beside the soak, exits sat seconds in the kernel) is exiting,
 * not leaked; one asleep is not exiting. */
START_TEST(test_exiting_is_not_asleep)
{
	struct hstate h;
	pid_t sleeper = child(0, 0), gone = fork();
	int i;

	ck_assert_int_ge(gone, 0);
	if (gone == 0)
		_exit(0);
	memset(&h, 0, sizeof(h));
	await_asleep(sleeper);
	h.spid = sleeper;
	ck_assert_int_eq(holder_exiting(&h), 0);
	h.spid = gone;
	for (i = 0; i < 6000 && !holder_exiting(&h); i++)
		sleep_ms(10);
	ck_assert_int_eq(holder_exiting(&h), 1);
	stop(&sleeper, 1);
	waitpid(gone, NULL, 0);
}
END_TEST

static Suite *sched_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("sched");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_starved_wait_seen_while_it_lasts);
	tcase_add_test(tc, test_sleeper_waits_for_nothing);
	tcase_add_test(tc, test_child_wait_counted_and_kept);
	tcase_add_test(tc, test_exiting_is_not_asleep);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(sched_suite());
}
