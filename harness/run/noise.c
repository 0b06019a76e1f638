/*
 * noise.c - the timer-overshoot probe (noise.h).
 */
#include "run/noise.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * The probes share the worker's memory (clone(CLONE_VM), as vfork does, but
 * without waiting): a fork() copied the worker's page tables and made every
 * page it wrote afterwards a copy-on-write fault, twice, and each probe's
 * exit tore its copy down again; 13 ms of CPU in a one-message scenario,
 * a third of the whole run's (issue 13). They are not threads (after the
 * sandbox's unshare(CLONE_NEWPID) a process cannot make threads): each is a
 * process of its own, waited for, killed and reaped as before.
 *
 * Sharing memory, a probe must not write any of the worker's: no libc call
 * that may set errno (the worker's, in its thread-local storage), only
 * system calls made directly, its own stack, and the shared figures.
 * clock_gettime(CLOCK_MONOTONIC) is the vDSO's and never fails. Elsewhere
 * (other machines, sanitizer builds) the probes are forked.
 */
#if (defined(__x86_64__) || defined(__aarch64__)) && \
	!defined(__SANITIZE_ADDRESS__)
#define NOISE_SHARED_VM 1
#endif
#define NOISE_STACK (64 << 10)

#ifdef NOISE_SHARED_VM
static long sys4(long nr, long a, long b, long c, long d)
{
#if defined(__x86_64__)
	long ret;
	register long r10 __asm__("r10") = d;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
#else
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
			 : "memory");
	return x0;
#endif
}
#define SYS(nr, a, b, c, d) sys4(nr, (long)(a), (long)(b), (long)(c), (long)(d))
#else
#define SYS(nr, a, b, c, d) syscall(nr, a, b, c, d)
#endif

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The probe's loop. */
static void probe(struct noise_figures *f)
{
	const struct timespec ms = { 0, 1000000 };
	/* from noise_start to here: a wait to run at all, a stall (the max,
	 * not a sample: beside the soak a probe first ran 15 s late) */
	int64_t late = now_us() - f->since_us[0];

	if (f->since_us[0] > 0 && late > f->max_us)
		f->max_us = late;
	for (;;) {
		int64_t t0 = now_us(), over;
		size_t b;

		f->since_us[0] = t0;
		SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ms, NULL);
		over = now_us() - t0 - 1000;
		if (over < 0)
			over = 0;
		b = (size_t)(over / 100);
		f->hist[b < NOISE_BUCKETS ? b : NOISE_BUCKETS - 1]++;
		if (over > f->max_us)
			f->max_us = over;
		f->samples++;
	}
}

/* The storage probe's file, in its folder */
static const char io_name[] = ".lockchaos-io-probe";

/* The storage probe's loop, in the folder `dir` (an fd): what a holder's
 * first append does, timed from the create to the end of the fsync: a new
 * file created, a byte written, fsync'ed (then closed and removed). An
 * overwrite of one file in place (the probe before) saw at most 22 ms
 * beside the soak while a holder's append to a new transcript took 3 to
 * 4.3 s: a new file's fsync waits for the journal's commit, which waits
 * for everyone's dirty data (stress-ng's hdd writer); an overwrite of a
 * byte did not. */
static void io_probe(struct noise_figures *f, int dir)
{
	const struct timespec pause = { 0, 50 * 1000000 };

	for (;;) {
		int64_t t0 = now_us(), took;
		long fd;

		f->since_us[1] = t0;
		fd = SYS(SYS_openat, dir, io_name,
			      O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC |
				  O_NOFOLLOW,
			      0600);

		if (fd >= 0) {
			if (SYS(SYS_pwrite64, fd, "x", 1, 0) == 1 &&
			    SYS(SYS_fsync, fd, 0, 0, 0) == 0) {
				took = now_us() - t0;
				if (took > f->io_max_us)
					f->io_max_us = took;
				f->io_samples++;
			}
			SYS(SYS_close, fd, 0, 0, 0);
			SYS(SYS_unlinkat, dir, io_name, 0, 0);
		}
		/* a stall, failed or not, to the end of the remove: a frozen
		 * file system held the create itself, or (the freeze landing
		 * after the fsync) the remove, for 3 s, while the
		 * create-to-fsync above read 9 ms */
		took = now_us() - t0;
		if (took > f->io_max_us)
			f->io_max_us = took;
		if (took >= NOISE_IO_STALL_US) {
			uint64_t k = f->io_nstall;

			f->io_stall[k % NOISE_IO_STALLS].from_us = t0;
			f->io_stall[k % NOISE_IO_STALLS].to_us = t0 + took;
			__atomic_store_n(&f->io_nstall, k + 1,
					 __ATOMIC_RELEASE);
		}
		f->since_us[1] = 0; /* its pause is no stall */
		SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &pause, NULL);
	}
}

struct probe_arg {
	struct noise_figures *f;
	int io, fd;
};

/* A probe child's start: dies with its parent, takes no signal but
 * SIGKILL's, and never returns. */
static int probe_main(void *arg)
{
	const struct probe_arg *a = arg;
	uint64_t none = 0;

	SYS(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0);
	SYS(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(none));
	/* its pid where it lives (the sandbox's namespace), for the runner's
	 * look at that namespace's processes (noise_owns_pid) */
	a->f->ns_pid[a->io] = (int32_t)SYS(SYS_getpid, 0, 0, 0, 0);
	if (a->io)
		io_probe(a->f, a->fd);
	probe(a->f);
	return 0;
}

/* Starts a probe child (io: the storage probe on `fd`); its pid, or 0.
 * Shared memory: its stack is n->stack[io], unmapped once it is reaped. */
static pid_t fork_probe(struct noise *n, int io, int fd)
{
	struct probe_arg a = { n->f, io, fd };
	pid_t pid;

#ifdef NOISE_SHARED_VM
	void *stack = mmap(NULL, NOISE_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	struct probe_arg *shared;

	if (stack != MAP_FAILED) {
		/* the argument on the probe's own stack: this frame ends */
		shared = (struct probe_arg *)stack;
		*shared = a;
		pid = clone(probe_main, (char *)stack + NOISE_STACK,
			    CLONE_VM | SIGCHLD, shared);
		if (pid > 0) {
			n->stack[io] = stack;
			return pid;
		}
		munmap(stack, NOISE_STACK);
	}
#endif
	pid = fork();
	if (pid == 0)
		probe_main(&a);
	return pid < 0 ? 0 : pid;
}

int noise_start(struct noise *n, const char *io_dir)
{
	int fd;

	n->pid = n->io_pid = 0;
	n->stack[0] = n->stack[1] = NULL;
	n->f = mmap(NULL, sizeof(*n->f), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (n->f == MAP_FAILED) {
		n->f = NULL;
		return -1;
	}
	/* A probe late to run (the whole machine stalled from its start:
	 * beside the soak a mutation-gate run waited 15 s for a CPU, every
	 * holder with it, and the probe, first run at the end, took 3
	 * samples and read 6 ms) counts the wait from here: at its first
	 * run (probe), or at noise_kill when it never ran. The storage
	 * probe's is not set: a start that never ran is no stall of the
	 * storage. */
	n->f->since_us[0] = mono_us();
	if (io_dir && (fd = open(io_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
					     O_NOFOLLOW)) >= 0) {
		n->io_pid = fork_probe(n, 1, fd);
		close(fd); /* the probe has its own fd table */
	}
	n->pid = fork_probe(n, 0, -1);
	return n->pid ? 0 : -1;
}

/* Reaps one probe. ECHILD when the sandbox's sweep (a waitpid(-1) for
 * its namespace's init) reaped it first: it is dead either way, and its
 * stack can go. */
static void reap(pid_t *pid, void **stack)
{
	if (*pid <= 0)
		return;
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	*pid = 0;
	if (*stack)
		munmap(*stack, NOISE_STACK);
	*stack = NULL;
}

/* Both are killed before either is waited for: each must be run once more
 * to die, and on a loaded machine that is a wait for a CPU; the two waits
 * overlap, and with what the caller does before noise_stop. */
void noise_kill(struct noise *n)
{
	if (!n->f || n->kept)
		return;
	if (n->pid > 0)
		kill(n->pid, SIGKILL);
	if (n->io_pid > 0)
		kill(n->io_pid, SIGKILL);
	n->kept = xmalloc(sizeof(*n->kept));
	memcpy(n->kept, n->f, sizeof(*n->kept));
	n->killed_us = mono_us();
	/* A stall still going on counts, as far as it went: a probe stopped
	 * or starved with the run records its overshoot only when it runs
	 * again, and beside the soak a run that stalled 7 s ended (its
	 * holder's watchdog) before the probe ran, and read 208 ms. */
	{
		int64_t now = mono_us(), s0 = n->kept->since_us[0];
		int64_t s1 = n->kept->since_us[1];

		if (n->pid > 0 && s0 > 0 && now - s0 - 1000 > n->kept->max_us)
			n->kept->max_us = now - s0 - 1000;
		if (n->io_pid > 0 && s1 > 0 && now - s1 > n->kept->io_max_us)
			n->kept->io_max_us = now - s1;
	}
}

int noise_owns_pid(struct noise *n, long pid)
{
	int k;

	if (!n->f || pid <= 0)
		return 0;
	for (k = 0; k < 2; k++) {
		pid_t *p = k ? &n->io_pid : &n->pid;

		if (*p <= 0)
			continue;
		/* the live figures: a probe that ran after noise_kill's copy
		 * said its pid there */
		if (!n->f->ns_pid[k]) {
			noise_kill(n);
			reap(p, &n->stack[k]);
			continue;
		}
		if (n->f->ns_pid[k] == pid)
			return 1;
	}
	return 0;
}

void noise_stop(struct noise *n)
{
	noise_kill(n);
	reap(&n->pid, &n->stack[0]);
	reap(&n->io_pid, &n->stack[1]);
}

void noise_clear(struct noise *n)
{
	noise_stop(n);
	if (n->f)
		munmap(n->f, sizeof(*n->f));
	n->f = NULL;
	free(n->kept);
	n->kept = NULL;
}

/* The figures read: as noise_kill kept them, or the probes' live ones. */
static const struct noise_figures *figures(const struct noise *n)
{
	return n->kept ? n->kept : n->f;
}

uint64_t noise_samples(const struct noise *n)
{
	return n->f ? figures(n)->samples : 0;
}

int64_t noise_max_us(const struct noise *n)
{
	return n->f ? figures(n)->max_us : 0;
}

uint64_t noise_io_samples(const struct noise *n)
{
	return n->f ? figures(n)->io_samples : 0;
}

int64_t noise_io_max_us(const struct noise *n)
{
	return n->f ? figures(n)->io_max_us : 0;
}

/* The length of [a, b) within [from, to). */
static int64_t overlap_us(int64_t a, int64_t b, int64_t from, int64_t to)
{
	int64_t lo = a > from ? a : from, hi = b < to ? b : to;

	return hi > lo ? hi - lo : 0;
}

int64_t noise_io_stalled_us(const struct noise *n, int64_t from_us,
			    int64_t to_us)
{
	const struct noise_figures *f = n && n->f ? figures(n) : NULL;
	int64_t sum = 0, since, end;
	uint64_t k, last;

	if (!f || !n->io_pid || to_us <= from_us)
		return 0;
	last = __atomic_load_n(&f->io_nstall, __ATOMIC_ACQUIRE);
	for (k = last > NOISE_IO_STALLS ? last - NOISE_IO_STALLS : 0; k < last;
	     k++)
		sum += overlap_us(f->io_stall[k % NOISE_IO_STALLS].from_us,
				  f->io_stall[k % NOISE_IO_STALLS].to_us,
				  from_us, to_us);
	/* the one going on, once it is a stall: not in the ring yet (the
	 * probe clears since_us before its pause, after the ring) */
	since = __atomic_load_n(&f->since_us[1], __ATOMIC_ACQUIRE);
	end = n->kept ? n->killed_us : mono_us();
	if (since > 0 && end - since >= NOISE_IO_STALL_US &&
	    (!last || f->io_stall[(last - 1) % NOISE_IO_STALLS].from_us != since))
		sum += overlap_us(since, end, from_us, to_us);
	return sum;
}

int64_t noise_percentile_us(const struct noise *n, double pct)
{
	const struct noise_figures *f = n->f ? figures(n) : NULL;
	uint64_t want, seen = 0;
	int b;

	if (!f || !f->samples)
		return 0;
	want = (uint64_t)((double)f->samples * pct / 100.0);
	for (b = 0; b < NOISE_BUCKETS; b++) {
		seen += f->hist[b];
		if (seen >= want && seen)
			return b == NOISE_BUCKETS - 1 ? f->max_us
						      : (int64_t)(b + 1) * 100;
	}
	return f->max_us;
}
