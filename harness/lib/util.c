#include "lib/util.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <fcntl.h>
#include <dirent.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Folders deeper than this are left alone (each level holds an fd). */
#define REMOVE_TREE_DEPTH 128

int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *oom(void)
{
	fputs("lockchaos: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom();
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	return p ? p : oom();
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom();
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	return p ? p : oom();
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	return p ? p : oom();
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		return oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

int mkdir_p(const char *path, int mode)
{
	char *tmp = xstrdup(path);
	char *p;
	int rc = 0;

	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) && errno != EEXIST)
			rc = -1;
		*p = '/';
		if (rc)
			break;
	}
	if (!rc && mkdir(tmp, mode) && errno != EEXIST)
		rc = -1;
	free(tmp);
	return rc;
}

/* openat2(2) when the kernel has it (5.6+): RESOLVE_NO_XDEV refuses to step
 * onto any mount, a bind mount of the same filesystem included, which an
 * st_dev comparison cannot see. */
static int open_subdir(int dfd, const char *name, dev_t dev)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH,
	};
	struct stat st;
	int fd;

	fd = (int)syscall(SYS_openat2, dfd, name, &how, sizeof(how));
	if (fd >= 0 || errno != ENOSYS)
		return fd;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) || st.st_dev != dev)) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	return fd;
}

/* Empties the folder open at `dfd` (on device `dev`). Everything goes
 * through directory fds, so a symlink or rename planted meanwhile cannot
 * redirect it; a mount point is left in place, never entered. */
static int remove_contents(int dfd, dev_t dev, int depth)
{
	int rc = 0, first_errno = 0, dup_fd = dup(dfd);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return -1;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		int sub;

		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (!unlinkat(dfd, n, 0) || errno == ENOENT)
			continue;
		if (errno != EISDIR) {
			first_errno = first_errno ? first_errno : errno;
			continue;
		}
		sub = depth < REMOVE_TREE_DEPTH ? open_subdir(dfd, n, dev) : -1;
		if (sub < 0) {
			first_errno = first_errno ? first_errno
				      : depth < REMOVE_TREE_DEPTH ? errno
								  : ELOOP;
			continue;
		}
		if (remove_contents(sub, dev, depth + 1))
			first_errno = first_errno ? first_errno : errno;
		close(sub);
		if (unlinkat(dfd, n, AT_REMOVEDIR) && errno != ENOENT)
			first_errno = first_errno ? first_errno : errno;
	}
	closedir(d);
	if (first_errno) {
		errno = first_errno;
		rc = -1;
	}
	return rc;
}

int remove_tree(const char *path)
{
	struct stat st;
	int fd, rc, e;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) && errno != ENOENT ? -1 : 0;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = remove_contents(fd, st.st_dev, 0);
	e = errno;
	close(fd);
	if (rc) {
		errno = e;
		return -1;
	}
	return rmdir(path) && errno != ENOENT ? -1 : 0;
}

int open_regular_at(int dirfd, const char *name, int flags, int mode)
{
	struct stat st;
	int fd = openat(dirfd, name,
			flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
			mode);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		int e = S_ISREG(st.st_mode) ? errno : EINVAL;

		close(fd);
		errno = e;
		return -1;
	}
	/* Blocking again: a regular file never blocks, and callers loop on
	 * short reads and writes as for any file. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int file_kernel_locked(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open_regular_at(AT_FDCWD, path, O_RDONLY, 0);
	int locked = 1;

	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		flock(fd, LOCK_UN);
		locked = fcntl(fd, F_OFD_GETLK, &fl) != 0 ||
			 fl.l_type != F_UNLCK;
	}
	close(fd);
	return locked;
}

const char *file_type_name(int mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "regular file";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symlink";
	case S_IFIFO:
		return "FIFO";
	case S_IFSOCK:
		return "socket";
	case S_IFCHR:
		return "character device";
	case S_IFBLK:
		return "block device";
	}
	return "unknown file type";
}

char *read_file(const char *path, size_t max, size_t *len)
{
	int fd = open_regular_at(AT_FDCWD, path, O_RDONLY, 0);
	size_t n = 0, cap = max < 4096 ? max : 4096;
	char *buf;

	if (fd < 0)
		return NULL;
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t r;

		if (n == cap && cap < max) {
			cap = cap * 2 > max ? max : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		if (n == cap)
			break;
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open_regular_at(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC,
				 0644);
	const char *p = buf;

	if (fd < 0)
		return -1;
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;

			/* No half file left behind: it would pass for a
			 * report, and hold the space another file needs. */
			close(fd);
			unlink(path);
			errno = e;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd)) {
		int e = errno;

		unlink(path);
		errno = e;
		return -1;
	}
	return 0;
}

size_t utf8_seq_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len, i;
	unsigned cp;

	if (!n)
		return 0;
	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		len = 2, cp = u[0] & 0x1f;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		len = 3, cp = u[0] & 0x0f;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		len = 4, cp = u[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (u[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void fput_oneline(FILE *out, const char *s, size_t max)
{
	size_t n = strlen(s), i = 0;

	while (i < n && i < max) {
		unsigned char c = (unsigned char)s[i];
		size_t k = utf8_seq_len(s + i, n - i);

		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\r')
			fputs("\\r", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (!k || c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fwrite(s + i, 1, k, out);
		i += k ? k : 1;
	}
	if (i < n)
		fputs("...", out);
}

int parse_duration_ms(const char *s, int64_t *ms)
{
	const char *p = s;
	char *end;
	double v;

	/* Digits, an optional fraction, a unit: nothing strtod would also
	 * take (nan, inf, 0x10, 1e3, leading blanks). */
	if (!s || !((*p >= '0' && *p <= '9') ||
		    (*p == '.' && p[1] >= '0' && p[1] <= '9')))
		return -1;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end != p || !(v >= 0))
		return -1;
	if (!*end || !strcmp(end, "ms"))
		;
	else if (!strcmp(end, "s"))
		v *= 1000;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		v *= 60000;
	else if (!strcmp(end, "h"))
		v *= 3600000;
	else if (!strcmp(end, "us"))
		v /= 1000;
	else
		return -1;
	if (v > 9e15)
		return -1;
	*ms = (int64_t)(v + 0.5);
	return 0;
}

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EPERM", EPERM },   { "ENOENT", ENOENT }, { "EINTR", EINTR },
	{ "EIO", EIO },	      { "EBADF", EBADF },   { "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EEXIST", EEXIST },
	{ "ENOTDIR", ENOTDIR }, { "EISDIR", EISDIR }, { "EINVAL", EINVAL },
	{ "EMFILE", EMFILE }, { "ENOSPC", ENOSPC }, { "EROFS", EROFS },
	{ "EDQUOT", EDQUOT }, { "ELOOP", ELOOP },   { "ESTALE", ESTALE },
	{ "EBUSY", EBUSY },   { "ETIMEDOUT", ETIMEDOUT },
};

int errno_from_name(const char *name)
{
	size_t i;
	char *end;
	long v;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(errnos[i].name, name))
			return errnos[i].value;
	v = strtol(name, &end, 10);
	if (*name && !*end && v > 0 && v < 4096)
		return (int)v;
	return -1;
}

uint64_t prng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

pid_t start_patient(pid_t (*start)(void *arg), void *arg)
{
	int64_t until = mono_us() + 5000000;
	useconds_t pause = 10000;
	pid_t pid;

	while ((pid = start(arg)) < 0 && (errno == ENOMEM || errno == EAGAIN) &&
	       mono_us() < until) {
		int saved = errno;

		usleep(pause);
		errno = saved;
		if (pause < 500000)
			pause *= 2;
	}
	return pid;
}

static pid_t plain_fork(void *unused)
{
	(void)unused;
	return fork();
}

pid_t fork_patient(void) { return start_patient(plain_fork, NULL); }

long nofile_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = { rl.rlim_max, rl.rlim_max };

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl.rlim_cur = rl.rlim_max;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)LONG_MAX)
		return LONG_MAX;
	return (long)rl.rlim_cur;
}

/* Levenshtein distance, two rows; words here are short (< 100 bytes). */
size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *prev = xcalloc(lb + 1, sizeof(*prev));
	size_t *cur = xcalloc(lb + 1, sizeof(*cur));
	size_t d;

	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins)
					   : (del < ins ? del : ins);
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	d = prev[lb];
	free(prev);
	free(cur);
	return d;
}

char *nearest_names(const char *word, const char *const *names, size_t n,
		    size_t max)
{
	size_t *dist = xcalloc(n + 1, sizeof(*dist)), i, k, limit;
	char *out = NULL;

	limit = 2 + strlen(word) / 8;
	for (i = 0; i < n; i++)
		dist[i] = strncmp(names[i], word, strlen(word)) == 0
				  ? 0
				  : edit_distance(word, names[i]);
	/* Smallest distances first, table order among equals. */
	for (k = 0; k < max; k++) {
		size_t best = n;

		for (i = 0; i < n; i++)
			if (dist[i] <= limit &&
			    (best == n || dist[i] < dist[best]))
				best = i;
		if (best == n)
			break;
		if (!out) {
			out = xstrdup(names[best]);
		} else {
			char *o = xasprintf("%s, %s", out, names[best]);

			free(out);
			out = o;
		}
		dist[best] = (size_t)-1;
	}
	free(dist);
	return out;
}

/* FNV-1a, then folded: its low bits pick the slot. */
static size_t name_hash(const char *name)
{
	uint64_t h = 1469598103934665603u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211u;
	return (size_t)(h ^ (h >> 32));
}

/* The slot of `name`, or the empty one where it would go. */
static struct name_slot *name_slot(const struct name_index *x,
				   const char *name)
{
	size_t j = name_hash(name) & (x->size - 1);

	while (x->slot[j].name && strcmp(x->slot[j].name, name))
		j = (j + 1) & (x->size - 1);
	return &x->slot[j];
}

int name_index_put(struct name_index *x, const char *name, int val)
{
	struct name_slot *sl;
	int old;

	if (!name)
		return -1;
	if (2 * (x->n + 1) > x->size) {
		struct name_index bigger = { NULL, x->size ? 2 * x->size : 64,
					     x->n };

		bigger.slot = xcalloc(bigger.size, sizeof(*bigger.slot));
		for (size_t i = 0; i < x->size; i++)
			if (x->slot[i].name)
				*name_slot(&bigger, x->slot[i].name) =
					x->slot[i];
		free(x->slot);
		*x = bigger;
	}
	sl = name_slot(x, name);
	old = sl->name ? sl->val : -1;
	if (!sl->name)
		x->n++;
	sl->name = name;
	sl->val = val;
	return old;
}

int name_index_get(const struct name_index *x, const char *name)
{
	const struct name_slot *sl;

	if (!name || !x->size)
		return -1;
	sl = name_slot(x, name);
	return sl->name ? sl->val : -1;
}

void name_index_clear(struct name_index *x)
{
	free(x->slot);
	x->slot = NULL;
	x->size = x->n = 0;
}

static void *close_behind_thread(void *arg)
{
	close((int)(intptr_t)arg);
	return NULL;
}

int close_behind(int fd)
{
	pthread_attr_t attr;
	pthread_t t;
	sigset_t all, old;
	int rc;

	if (fd < 0)
		return 0;
	if (pthread_attr_init(&attr)) {
		close(fd);
		return -1;
	}
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* the thread inherits this mask: no signal of the process (a
	 * worker's SIGCHLD, read from its signalfd) is delivered to it */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&t, &attr, close_behind_thread, (void *)(intptr_t)fd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (rc) {
		close(fd);
		return -1;
	}
	return 0;
}
