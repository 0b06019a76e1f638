/*
 * test_sched.c - a holder's wait for a CPU (run/sched.c), on real
 * processes: run_delay counts a wait only when it ends, so a starved
 * holder's wait still going on must be seen from its state, and a sleeping
 * one's never.
 */
#include <check.h>

#include "run/run_internal.h"
#include "run/noise.h"
#include "frozen_fs.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
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


/* A holder that vforks, over and over, a child that sleeps 2 s: the
 * holder sits in the kernel (D, in vfork's wait) meanwhile, on no disk. */
static pid_t vfork_holder(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		for (;;) {
			pid_t kid = vfork();

			if (kid == 0) {
				struct timespec two = { 2, 0 };

				/* only a system call: it shares our memory */
				syscall(SYS_nanosleep, &two, NULL);
				_exit(0);
			}
			if (kid > 0)
				waitpid(kid, NULL, 0);
		}
	return pid;
}

/* Reads h every 50 ms for `ms`. */
static void read_for(struct hstate *h, long ms)
{
	long i;

	for (i = 0; i < ms / 50; i++) {
		sched_wait_ns(h);
		sleep_ms(50);
	}
	sched_wait_ns(h);
}

/* Time blocked in the kernel is seen (a thread in D at one read, unmoved
 * by the next, has been blocked since the first), but with a storage
 * probe that saw no stall (tmpfs) none of it counts with the CPU wait: a
 * lock slow by its own blocking gains nothing. */
START_TEST(test_blocked_seen_not_counted_without_a_stall)
{
	char dir[] = "/dev/shm/lockchaos-sched-XXXXXX";
	struct noise n = NOISE_INIT;
	struct hstate h;
	pid_t holder;
	int64_t t0, stalled;
	long long blocked, disk;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(noise_start(&n, dir), 0);
	memset(&h, 0, sizeof(h));
	h.noise = &n;
	holder = vfork_holder();
	h.spid = holder;
	t0 = mono_us();
	read_for(&h, 3000);
	blocked = sched_blocked_ns(&h);
	disk = h.sched_disk_ns;
	stalled = noise_io_stalled_us(&n, t0, mono_us());
	stop(&holder, 1);
	noise_stop(&n);
	noise_clear(&n);
	rmdir(dir);
	free(h.sched_seen);
	ck_assert_msg(blocked >= 1000 * 1000000LL,
		      "a holder in vfork's wait for 3 s was seen blocked %lld "
		      "ms", blocked / 1000000);
	/* only as far as the probe stalled (on tmpfs: for want of a CPU,
	 * if ever) */
	ck_assert_msg(disk <= stalled * 1000,
		      "%lld ms counted as the disk's, the probe stalled %lld ms",
		      disk / 1000000, (long long)(stalled / 1000));
	ck_assert_msg(blocked - disk >= 1000 * 1000000LL,
		      "%lld ms of its own blocking counted as the disk's",
		      disk / 1000000);
}
END_TEST

/* A holder writing to a file system that is frozen (fsfreeze) sits in the
 * kernel, and the storage probe on the same file system stalls with it:
 * that time counts with its CPU wait (sched_wait_ns), as the disk's. */
START_TEST(test_blocked_counted_while_the_storage_stalls)
{
	struct frozen_fs f;
	struct noise n = NOISE_INIT;
	struct hstate h;
	char why[512], path[128];
	long long blocked, disk, before, after;
	pid_t holder;
	int i, fd;

	if (frozen_fs_make(&f, why, sizeof(why))) {
		printf("test_blocked_counted_while_the_storage_stalls: not "
		       "run: %s\n", why);
		return;
	}
	ck_assert_int_eq(noise_start(&n, f.mnt), 0);
	snprintf(path, sizeof(path), "%s/transcript", f.mnt);
	holder = fork();
	ck_assert_int_ge(holder, 0);
	if (holder == 0)
		for (;;) { /* appends, as a holder does */
			fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
			if (fd >= 0) {
				(void)!write(fd, "x\n", 2);
				fsync(fd);
				close(fd);
			}
			usleep(10000);
		}
	memset(&h, 0, sizeof(h));
	h.noise = &n;
	h.spid = holder;
	for (i = 0; i < 2000 && noise_io_samples(&n) < 2; i++)
		sleep_ms(10);
	before = sched_wait_ns(&h);
	ck_assert_int_eq(frozen_fs_freeze(&f, 1), 0);
	read_for(&h, 3000);
	after = sched_wait_ns(&h);
	blocked = sched_blocked_ns(&h);
	disk = h.sched_disk_ns;
	frozen_fs_freeze(&f, 0);
	stop(&holder, 1);
	noise_stop(&n);
	noise_clear(&n);
	frozen_fs_remove(&f);
	free(h.sched_seen);
	ck_assert_msg(blocked >= 1500 * 1000000LL,
		      "a holder writing to a frozen file system for 3 s was "
		      "seen blocked %lld ms", blocked / 1000000);
	ck_assert_msg(disk >= 1500 * 1000000LL,
		      "%lld ms of it counted as the disk's (the probe stalled "
		      "beside it)", disk / 1000000);
	ck_assert_msg(after - before >= disk - 100 * 1000000LL,
		      "the wait grew %lld ms, the disk's part is %lld ms",
		      (after - before) / 1000000, disk / 1000000);
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
	tcase_add_test(tc, test_blocked_seen_not_counted_without_a_stall);
	tcase_add_test(tc, test_blocked_counted_while_the_storage_stalls);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_main(sched_suite());
}
