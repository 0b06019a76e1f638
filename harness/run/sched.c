/*
 * sched.c - how long each holder waited for a CPU, as the kernel counts it,
 * and how long it was blocked in the kernel while the storage stalled.
 *
 * On a loaded machine a contender that polls every 20 ms may not run for a
 * second: it was runnable, and no CPU was free. The noise probe (noise.c)
 * measures that for a timer of the harness's own; this counts it for each
 * holder, from /proc/PID/task/TID/schedstat's second field (run_delay: the
 * nanoseconds a thread spent runnable on a run queue, not running), summed
 * over the threads of the holder and of its children (up to 64 processes:
 * a shell holder's flock(1) or lockfile-create does its work; a child that
 * ended keeps the figure last read of it). A sum over threads is an upper bound on the
 * delay of the one thread that polls; it is what a holder written with a
 * thread per lane, or a Go runtime moving its goroutines between threads,
 * can be judged by.
 *
 * The figure goes into the history as `sched` events ("runDelayUs": the
 * holder's total since its hello, in the scenario's microseconds) whenever
 * it grew by SCHED_EMIT_US since the last one said: on an idle machine
 * there are none, and the verdicts are those of a history without them.
 * Samples are taken when a holder is sent a command while it had none
 * out (a wait starts), every SCHED_PERIOD_US while it has one out (longer
 * with many such holders, so the cost stays near SCHED_READS_PER_S reads a
 * second), and whenever it reports `acquired`, answers or logs, so that
 * the checkers have a sample at or before each moment a wait starts and
 * at or after each moment one ends (model_cpu_wait). Every stretch the
 * checkers excuse by a CPU wait lies inside a command's wait (from its
 * invoke to its answer, or to the holder's death) or ends at a log line;
 * a holder with nothing to do is not read, so the reads (about 25 us each
 * at load 100) follow the commands out more than the wall time a loaded
 * machine stretches a run to.
 *
 * The periodic reads only narrow the sample before a stretch that starts
 * at no event of the holder's own (recovery's wait from a death): a
 * coarser one widens the allowance, never narrows it. Up to 25 holders
 * waiting at once (every catalog scenario) are read every 50 ms; 1,024
 * waiting holders every 2 s. At 2,000 reads a second, 1,024 holders that
 * starved both cores for 54 s cost the worker 108,000 reads, most of its
 * 2.1 s of system time (3.6 s of CPU against 0.59 s for 256 holders).
 *
 * run_delay grows only when a wait ends (the thread gets a CPU): a holder
 * runnable and starved for seconds shows nothing until it runs, and the
 * allowances read from it (an await's, the exit grace's) ran out while it
 * still waited. So each read also bounds the wait a thread is in now: one
 * seen runnable (state R) at an earlier read, and neither run nor
 * scheduled since (its run time and its count of times on a CPU, the
 * schedstat's first and third fields, unchanged), has waited at least
 * since that read: a runnable thread leaves the run queue only by running.
 * That is added to its run_delay; once it runs, run_delay holds the whole
 * wait, which is longer, so the sum only grows.
 *
 * The same reads see a holder blocked in the kernel (state D: an fsync,
 * a page fault, a vfork): a thread seen in D at one read and unmoved by
 * the next has been blocked at least since the first, and each read adds
 * the stretch since the last to its time blocked (sched_blocked_ns, the
 * history's blockedUs: only growing, over its tree, a thread that ended
 * keeps its figure). Beside the soak a holder's first append (create,
 * write, fsync) sat 3 to 4.3 s there while it waited 69 ms for a CPU, and
 * a quiet make check had B sit 6 s in page I/O at the end of a run. The
 * kernel's own figure (delay accounting, /proc/PID/stat field 42) needs
 * kernel.task_delayacct, off on the machines this ran on, and a
 * machine-wide sysctl is not the harness's to set.
 *
 * What is counted with the CPU wait (sched_wait_ns, the history's
 * diskWaitUs) is only the part of that time during which the storage
 * probe (noise.h), on the same file system (the scratch folder), was
 * itself stalled: in a create-to-fsync of NOISE_IO_STALL_US or more. A
 * lock that is slow by its own I/O, or blocks in the kernel for reasons
 * of its own (a vfork, a disk no one else is waiting on), gains nothing;
 * a lock whose fsync waited because the machine's storage did gains what
 * the probe measured, at most. The probe can itself stall for want of a
 * CPU: then a holder blocked meanwhile gains that stretch too, which the
 * CPU wait would have given it anyway. Time a holder chose to sleep is
 * never counted. So a lock that is slow by itself gains nothing here, on
 * a loaded machine or an idle one.
 */
#include "run/run_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "run/noise.h"

enum {
	SCHED_PERIOD_US = 50000,
	SCHED_EMIT_US = 10000,
	SCHED_READS_PER_S = 500,
};

/* (run_delay_ns:) -1 when unreadable
 * (it died, or /proc has no schedstat). Up to SCHED_READS_PER_S of these
 * a second: the task folder is read with getdents64 into the stack and
 * each schedstat opened relative to it (opendir's buffer and a path from
 * /proc for each thread cost a fifth more, about 25 us a read at load
 * 100). */
struct sched_seen {
	pid_t tid;
	unsigned long long ran_ns, slices;
	unsigned long long delay_ns; /* its run_delay and the wait going on,
					as last read */
	int64_t runnable_since;	/* mono_us of the read that saw it runnable
				   and unmoved since; -1: not known so */
	int64_t blocked_since;	/* likewise in D (blocked in the kernel);
				   -1: not known so */
	int64_t blocked_upto;	/* the last read that counted it blocked */
	unsigned long long blocked_ns; /* its time seen blocked so far */
	unsigned long long disk_ns;    /* the part of it the storage probe
					  was stalled in (noise.h) */
	unsigned gen;		/* the read that last saw it */
};

/* Threads of one holder's tree kept in its table: a holder that floods
 * threads gets no bound past these (the search is linear) */
#define SCHED_SEEN_MAX 256

/* The slot of thread `tid` in h's table (a new one zeroed, tid 0); NULL
 * when the table is full. */
static struct sched_seen *seen_slot(struct hstate *h, pid_t tid)
{
	int i;

	for (i = 0; i < h->sched_nseen; i++)
		if (h->sched_seen[i].tid == tid)
			return &h->sched_seen[i];
	if (h->sched_nseen >= SCHED_SEEN_MAX)
		return NULL;
	ALLOC_GROW(h->sched_seen, h->sched_nseen + 1, h->sched_aseen);
	memset(&h->sched_seen[h->sched_nseen], 0, sizeof(*h->sched_seen));
	return &h->sched_seen[h->sched_nseen++];
}

/* File `file` of thread `name` of the task folder `dir` into buf (NUL
 * ended): its length, or -1. Opened relative to the folder: up to
 * SCHED_READS_PER_S holders' threads a second are read. */
static ssize_t task_file(int dir, const char *name, const char *file,
			 char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%.20s/%s", name, file);
	fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

/* Thread `name` of the task folder `dir`'s state letter (R, S, D ...),
 * 0 when unreadable. */
static char thread_state(int dir, const char *name)
{
	char buf[512], *p;

	if (task_file(dir, name, "stat", buf, sizeof(buf)) <= 0)
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* The wait thread `name` is in now (ns), by what the last read saw: the
 * table updated with this read's figures, its time blocked in the kernel
 * and the part of it the storage stalled in among them. */
static long long ongoing_wait_ns(struct hstate *h, int dir, const char *name,
				 unsigned long long ran, unsigned long long slices,
				 unsigned long long delay, int64_t now)
{
	struct sched_seen *s = seen_slot(h, (pid_t)atoi(name));
	char state;

	if (!s)
		return 0;
	s->gen = h->sched_gen;
	s->delay_ns = delay;
	if (s->tid && s->ran_ns == ran && s->slices == slices) {
		if (s->runnable_since >= 0) {
			/* kept whole if it dies before it runs */
			s->delay_ns += (unsigned long long)(now -
						s->runnable_since) * 1000;
			return (now - s->runnable_since) * 1000LL;
		}
		if (s->blocked_since >= 0) {
			/* still in the kernel since the read that saw it
			 * there: counted read by read, so a stretch that
			 * ends counts as far as the last read saw it */
			s->blocked_ns += (unsigned long long)(now -
						s->blocked_upto) * 1000;
			s->disk_ns += (unsigned long long)noise_io_stalled_us(
					      h->noise, s->blocked_upto, now) *
				      1000;
			s->blocked_upto = now;
			return 0;
		}
		/* unmoved: asleep, or runnable or blocked from here on */
		state = thread_state(dir, name);
		if (state == 'R')
			s->runnable_since = now;
		else if (state == 'D') {
			char in[48];

			s->blocked_since = s->blocked_upto = now;
			/* where, for a person reading the history: a page-in
			 * (filemap_fault, folio_wait_bit) is not a journal
			 * commit (jbd2_log_wait_commit) nor a vfork */
			if (task_file(dir, name, "wchan", in, sizeof(in)) > 0 &&
			    strcmp(in, "0"))
				snprintf(h->sched_blocked_in,
					 sizeof(h->sched_blocked_in), "%s", in);
		}
		return 0;
	}
	s->tid = (pid_t)atoi(name);
	s->ran_ns = ran;
	s->slices = slices;
	s->runnable_since = -1;
	s->blocked_since = -1;
	return 0;
}

/* The children of thread `name` of `dir` into kids[*n..max). */
static void thread_children(int dir, const char *name, pid_t *kids, int *n,
			    int max)
{
	char buf[1024], *p, *end;

	if (task_file(dir, name, "children", buf, sizeof(buf)) <= 0)
		return;
	for (p = buf; *n < max; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		kids[(*n)++] = (pid_t)pid;
	}
}

/* Up to SCHED_TREE_MAX processes of a holder's tree are read. */
#define SCHED_TREE_MAX 64

/* The sum of run_delay over `pid`'s threads, in ns, -1 when unreadable;
 * with `h`, plus a lower bound of the waits they are in now, and the
 * process's children's, whose pids go to kids[*nkids..SCHED_TREE_MAX). */
static long long one_delay_ns(pid_t pid, struct hstate *h, int64_t now,
			      pid_t *kids, int *nkids)
{
	char path[64], buf[128];
	_Alignas(struct dirent64) char ents[4096];
	long long sum = 0;
	int any = 0, dir;
	ssize_t got;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -1;
	while ((got = getdents64(dir, ents, sizeof(ents))) > 0) {
		for (ssize_t off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(ents + off);
			unsigned long long wait, ran, slices;
			char *end, *p;

			off += d->d_reclen;
			if (d->d_name[0] < '0' || d->d_name[0] > '9' ||
			    task_file(dir, d->d_name, "schedstat", buf,
				      sizeof(buf)) <= 0)
				continue;
			/* "run wait slices": the second field */
			ran = strtoull(buf, &end, 10);
			if (end == buf)
				continue;
			p = end;
			wait = strtoull(p, &end, 10);
			if (end == p)
				continue;
			p = end;
			slices = strtoull(p, &end, 10);
			sum += (long long)wait;
			any = 1;
			if (!h)
				continue;
			if (end != p)
				sum += ongoing_wait_ns(h, dir, d->d_name, ran,
						       slices, wait, now);
			thread_children(dir, d->d_name, kids, nkids,
					SCHED_TREE_MAX);
		}
	}
	close(dir);
	return any ? sum : -1;
}

/*
 * The sum of run_delay over `pid`'s threads, in ns; -1 when unreadable.
 * With `h` (the holder it is), over its whole process tree (a shell holder
 * waits for its flock(1) and lockfile-create children), plus a lower bound
 * of the waits going on, plus the last figures of the threads that ended
 * since (the kernel keeps no run_delay of the dead): so the figure only
 * grows.
 */
static long long run_delay_ns(pid_t pid, struct hstate *h)
{
	pid_t kids[SCHED_TREE_MAX];
	int nkids = 0, i;
	long long sum;
	int64_t now = mono_us();

	if (!h)
		return one_delay_ns(pid, NULL, now, NULL, NULL);
	h->sched_gen++;
	sum = one_delay_ns(pid, h, now, kids, &nkids);
	if (sum < 0)
		return -1;
	for (i = 0; i < nkids; i++) {
		long long more = one_delay_ns(kids[i], h, now, kids, &nkids);

		if (more > 0)
			sum += more;
	}
	h->sched_blocked_ns = h->sched_gone_blocked_ns;
	h->sched_disk_ns = h->sched_gone_disk_ns;
	for (i = 0; i < h->sched_nseen;) {
		struct sched_seen *s = &h->sched_seen[i];

		if (s->gen == h->sched_gen) {
			h->sched_blocked_ns += (long long)s->blocked_ns;
			h->sched_disk_ns += (long long)s->disk_ns;
			i++;
			continue;
		}
		h->sched_gone_ns += (long long)s->delay_ns;
		h->sched_gone_blocked_ns += (long long)s->blocked_ns;
		h->sched_gone_disk_ns += (long long)s->disk_ns;
		h->sched_blocked_ns += (long long)s->blocked_ns;
		h->sched_disk_ns += (long long)s->disk_ns;
		*s = h->sched_seen[--h->sched_nseen];
	}
	return sum + h->sched_gone_ns;
}

void sched_sample(struct run *r, struct hstate *h)
{
	long long ns, cpu, blocked, disk;
	int speed = r->speed > 1 ? r->speed : 1;
	jv ev;

	if (!h->hello || h->reaped || h->spid <= 0)
		return;
	ns = run_delay_ns(h->spid, h);
	if (ns < 0)
		return;
	if (h->sched_base_ns < 0) {
		h->sched_base_ns = ns;
		h->sched_base_blocked_ns = h->sched_blocked_ns;
		h->sched_base_disk_ns = h->sched_disk_ns;
		return;
	}
	cpu = ns - h->sched_base_ns;
	blocked = h->sched_blocked_ns - h->sched_base_blocked_ns;
	disk = h->sched_disk_ns - h->sched_base_disk_ns;
	if (cpu - h->sched_said_ns < SCHED_EMIT_US * 1000LL &&
	    blocked - h->sched_said_blocked_ns < SCHED_EMIT_US * 1000LL &&
	    disk - h->sched_said_disk_ns < SCHED_EMIT_US * 1000LL)
		return;
	h->sched_said_ns = cpu;
	h->sched_said_blocked_ns = blocked;
	h->sched_said_disk_ns = disk;
	ev = ev_num(ev_new("sched", h->decl->name), "runDelayUs",
		    (double)(cpu / 1000 * speed));
	/* only once it blocked: a history without them reads as before */
	if (blocked > 0) {
		ev = ev_num(ev, "blockedUs", (double)(blocked / 1000 * speed));
		ev = ev_num(ev, "diskWaitUs", (double)(disk / 1000 * speed));
		if (h->sched_blocked_in[0])
			ev = jv_object_set(ev, jv_string("blockedIn"),
					   jv_string(h->sched_blocked_in));
	}
	history_record(r, ev);
}

long long sched_wait_ns(struct hstate *h)
{
	long long ns;

	if (h->reaped || h->spid <= 0)
		return -1;
	ns = run_delay_ns(h->spid, h);
	return ns < 0 ? ns : ns + h->sched_disk_ns;
}

long long sched_blocked_ns(struct hstate *h)
{
	if (h->reaped || h->spid <= 0 || run_delay_ns(h->spid, h) < 0)
		return -1;
	return h->sched_blocked_ns;
}

int sched_seen_blocked(const struct hstate *h)
{
	int i;

	for (i = 0; i < h->sched_nseen; i++)
		if (h->sched_seen[i].gen == h->sched_gen &&
		    h->sched_seen[i].blocked_since >= 0)
			return 1;
	return 0;
}

/* 1 when a thread of `pid` (in our /proc) is blocked in the kernel now. */
static int pid_in_kernel(pid_t pid)
{
	char path[64], buf[512], *p;
	_Alignas(struct dirent64) char ents[4096];
	ssize_t got;
	int dir, found = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return 0;
	while (!found && (got = getdents64(dir, ents, sizeof(ents))) > 0)
		for (ssize_t off = 0; off < got && !found;) {
			struct dirent64 *d = (struct dirent64 *)(ents + off);

			off += d->d_reclen;
			if (d->d_name[0] < '0' || d->d_name[0] > '9' ||
			    task_file(dir, d->d_name, "stat", buf,
				      sizeof(buf)) <= 0)
				continue;
			p = strrchr(buf, ')');
			found = p && p[1] == ' ' && p[2] == 'D';
		}
	close(dir);
	return found;
}

int sched_sandbox_in_kernel(pid_t pid, int pidns)
{
	struct dirent *d;
	DIR *dir;
	int found = 0;

	if (!pidns)
		return pid_in_kernel(pid);
	dir = opendir("/proc"); /* the sandbox's: the holder and its own */
	if (!dir)
		return 0;
	while (!found && (d = readdir(dir))) {
		pid_t p = (pid_t)strtol(d->d_name, NULL, 10);

		found = p > 1 && p != getpid() && pid_in_kernel(p);
	}
	closedir(dir);
	return found;
}

int sched_in_kernel(const struct hstate *h)
{
	if (h->reaped || h->spid <= 0)
		return 0;
	return pid_in_kernel(h->spid);
}

/* Whether `pid` (in our /proc) is a holder that said hello. */
static int said_hello(const struct run *r, pid_t pid)
{
	int i;

	for (i = 0; i < r->nh; i++)
		if (r->h[i].hello && r->h[i].spid == pid)
			return 1;
	return 0;
}

long long sched_sandbox_wait_ns(pid_t pid, int pidns)
{
	long long most = -1, ns;
	struct dirent *d;
	DIR *dir;

	if (!pidns)
		return run_delay_ns(pid, NULL);
	dir = opendir("/proc"); /* the sandbox's: the holder and its own */
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		pid_t p;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		p = (pid_t)strtol(d->d_name, NULL, 10);
		if (p > 1 && p != getpid() && (ns = run_delay_ns(p, NULL)) > most)
			most = ns;
	}
	closedir(dir);
	return most;
}

long long sched_start_wait_ns(struct run *r)
{
	long long most = -1, ns;
	struct dirent *d;
	DIR *dir;
	int i;

	if (!r->sb.pidns) {
		for (i = 0; i < r->nh; i++)
			if (!r->h[i].hello && !r->h[i].reaped &&
			    r->h[i].proc.pid > 0 &&
			    (ns = run_delay_ns(r->h[i].proc.pid, &r->h[i])) > most)
				most = ns;
		return most;
	}
	/* The pid we forked is the host's; our /proc is the sandbox's, where
	 * the holders not yet known by their hello are the processes other
	 * than its init and those that said hello (and their children: an
	 * upper bound). */
	dir = opendir("/proc");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		pid_t pid;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		pid = (pid_t)strtol(d->d_name, NULL, 10);
		if (pid > 1 && !said_hello(r, pid) &&
		    (ns = run_delay_ns(pid, NULL)) > most)
			most = ns;
	}
	closedir(dir);
	return most;
}

int sched_start_in_kernel(struct run *r)
{
	struct dirent *d;
	DIR *dir;
	int i, found = 0;

	if (!r->sb.pidns) {
		for (i = 0; i < r->nh && !found; i++)
			found = !r->h[i].hello && !r->h[i].reaped &&
				r->h[i].proc.pid > 0 &&
				pid_in_kernel(r->h[i].proc.pid);
		return found;
	}
	dir = opendir("/proc"); /* the sandbox's, as sched_start_wait_ns */
	if (!dir)
		return 0;
	while (!found && (d = readdir(dir))) {
		pid_t pid;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		pid = (pid_t)strtol(d->d_name, NULL, 10);
		found = pid > 1 && !said_hello(r, pid) &&
			!(r->noise && noise_owns_pid(r->noise, pid)) &&
			pid_in_kernel(pid);
	}
	closedir(dir);
	return found;
}

void sched_tick(struct run *r)
{
	int64_t now = mono_us(), period;
	int i, out = 0;

	if (now < r->sched_next_us)
		return;
	for (i = 0; i < r->nh; i++)
		out += r->h[i].pending > 0;
	period = (int64_t)out * 1000000 / SCHED_READS_PER_S;
	r->sched_next_us = now + (period > SCHED_PERIOD_US ? period
							   : SCHED_PERIOD_US);
	for (i = 0; i < r->nh; i++)
		if (r->h[i].pending > 0)
			sched_sample(r, &r->h[i]);
}
