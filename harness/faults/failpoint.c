/*
 * failpoint.c - `failpoint H name=POINT [errno=E] [delay=T] [once] [off]`:
 * a libfiu failpoint switched on (or off) inside a running holder, through
 * libfiu's remote control. The holder runs under `fiu-run -x`, so the POSIX
 * wrappers (posix/io/...) work in any holder; sessionlock/... points are
 * compiled into the reference lock (docs/failpoints.md) and need the
 * holder's `failpoints` capability.
 */
#include "faults/faults.h"
#include "run/run_internal.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { FP_HOLDER, FP_NAME, FP_ERRNO, FP_DELAY, FP_ONCE, FP_OFF };

static const struct fault_key failpoint_keys[] = {
	[FP_HOLDER] = { .name = "holder", .kind = FAULT_ARG_HOLDER,
			.meta = "HOLDER", .positional = 1,
			.help = "the holder (it runs under fiu-run -x)" },
	[FP_NAME] = { .name = "name", .kind = FAULT_ARG_POINT, .meta = "POINT",
		      .required = 1,
		      .help = "the failpoint: posix/io/..., sessionlock/..." },
	[FP_ERRNO] = { .name = "errno", .kind = FAULT_ARG_ERRNO, .meta = "E",
		       .def = -1, .def_text = "none",
		       .help = "errno an I/O point fails with" },
	[FP_DELAY] = { .name = "delay", .kind = FAULT_ARG_DURATION,
		       .meta = "T", .def = 0, .def_text = "0",
		       .help = "how long a pause point blocks" },
	[FP_ONCE] = { .name = "once", .kind = FAULT_ARG_FLAG,
		      .help = "fire once, then switch off (onetime)" },
	[FP_OFF] = { .name = "off", .kind = FAULT_ARG_FLAG,
		     .help = "switch the point off" },
	{ .name = NULL },
};

/* libfiu remote control: `enable name=N,failnum=1,failinfo=I[,onetime]`
 * into <prefix>-<pid>.in, the answer (0 or -1) from <prefix>-<pid>.out. */
static int fiu_command(struct run *r, struct hstate *h, const char *cmd,
		       char **err)
{
	char *in = xasprintf("%s/fiu-%d.in", r->scratch, (int)h->inner);
	char *out = xasprintf("%s/fiu-%d.out", r->scratch, (int)h->inner);
	int fd = -1, ofd = -1, rc = -1, i;
	char reply[32] = "";

	for (i = 0; i < 200 && fd < 0; i++) {
		fd = open(in, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			usleep(5000); /* ENXIO/ENOENT: not listening yet */
	}
	if (fd < 0) {
		*err = xasprintf("no libfiu control fifo '%s': %s", in,
				 strerror(errno));
		goto out;
	}
	ofd = open(out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (ofd < 0 || write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd) ||
	    write(fd, "\n", 1) != 1) {
		*err = xasprintf("cannot talk to '%s': %s", in,
				 strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	for (i = 0; i < 400; i++) {
		ssize_t n = read(ofd, reply, sizeof(reply) - 1);

		if (n > 0) {
			reply[n] = '\0';
			break;
		}
		usleep(5000);
	}
	if (!*reply) {
		*err = xasprintf("libfiu did not answer '%s' within 2 s", cmd);
		goto out;
	}
	if (atoi(reply) != 0) {
		*err = xasprintf("libfiu refused '%s' (answer %s)", cmd,
				 reply);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ofd >= 0)
		close(ofd);
	free(in);
	free(out);
	return rc;
}

static void failpoint_inject(struct run *r, const struct scn_step *st)
{
	struct hstate *h = run_holder(r, st->holder);
	const char *point = st->args[FP_NAME].str;
	int64_t err_no = st->args[FP_ERRNO].num;
	int64_t delay = st->args[FP_DELAY].num;
	int once = (int)st->args[FP_ONCE].num, off = (int)st->args[FP_OFF].num;
	long info = err_no >= 0 ? (long)err_no : delay ? (long)delay : 0;
	char *cmd, *err = NULL;
	jv extra;

	if (off)
		cmd = xasprintf("disable name=%s", point);
	else
		cmd = xasprintf("enable name=%s,failnum=1,failinfo=%ld%s",
				point, info, once ? ",onetime" : "");
	if (!h->alive || fiu_command(r, h, cmd, &err)) {
		run_set_error(&r->fault_error, "line %d: failpoint %s: %s",
			      st->line, h->decl->name,
			      err ? err : "the holder is not running");
		free(err);
		free(cmd);
		return;
	}
	extra = ev_str(jv_object(), "name", point);
	extra = ev_str(extra, "mode", off ? "off" : once ? "once" : "always");
	if (err_no >= 0)
		extra = ev_str(extra, "errno", strerrorname_np((int)err_no));
	if (delay)
		extra = ev_num(extra, "delayMs", (double)delay);
	extra = ev_str(extra, "command", cmd);
	run_fault_record(r, st, extra);
	free(cmd);
}

/*
 * The points of libfiu's POSIX preload library (fiu-run -x), which wraps
 * these calls in any holder whatever its language. Taken from libfiu 1.1
 * as Debian 12 ships it: the names in /usr/lib/fiu/fiu_posix_preload.so,
 * which are those of its function_list plus `posix/io/oc/open` and the
 * stdio wrappers. A name under these prefixes that is not here would never
 * fire: the scenario is refused when parsed.
 */
static const char *const wrapper_prefixes[] = { "posix/", "libc/", "linux/" };
static const char *const wrapper_points[] = {
	"libc/mm/calloc", "libc/mm/malloc", "libc/mm/realloc",
	"libc/str/strdup", "libc/str/strndup", "linux/io/sync_file_range",
	"posix/io/dir/closedir", "posix/io/dir/fdopendir",
	"posix/io/dir/opendir", "posix/io/dir/readdir",
	"posix/io/dir/readdir_r", "posix/io/dir/rename",
	"posix/io/dir/unlink", "posix/io/net/accept", "posix/io/net/bind",
	"posix/io/net/connect", "posix/io/net/listen", "posix/io/net/poll",
	"posix/io/net/pselect", "posix/io/net/recv", "posix/io/net/recvfrom",
	"posix/io/net/recvmsg", "posix/io/net/select", "posix/io/net/send",
	"posix/io/net/sendmsg", "posix/io/net/sendto",
	"posix/io/net/shutdown", "posix/io/net/socket", "posix/io/oc/close",
	"posix/io/oc/open", "posix/io/rw/ftruncate", "posix/io/rw/pread",
	"posix/io/rw/pread/reduce", "posix/io/rw/preadv",
	"posix/io/rw/preadv/reduce", "posix/io/rw/pwrite",
	"posix/io/rw/pwrite/reduce", "posix/io/rw/pwritev",
	"posix/io/rw/pwritev/reduce", "posix/io/rw/read",
	"posix/io/rw/read/reduce", "posix/io/rw/readv",
	"posix/io/rw/readv/reduce", "posix/io/rw/truncate",
	"posix/io/rw/write", "posix/io/rw/write/reduce", "posix/io/rw/writev",
	"posix/io/rw/writev/reduce", "posix/io/sync/fdatasync",
	"posix/io/sync/fsync", "posix/mm/madvise", "posix/mm/mlock",
	"posix/mm/mlockall", "posix/mm/mmap", "posix/mm/mprotect",
	"posix/mm/msync", "posix/mm/munlock", "posix/mm/munlockall",
	"posix/mm/munmap", "posix/proc/fork", "posix/proc/kill",
	"posix/proc/sigaction", "posix/proc/signal", "posix/proc/wait",
	"posix/proc/waitid", "posix/proc/waitpid", "posix/stdio/error/ferror",
	"posix/stdio/fflush", "posix/stdio/ftrylockfile",
	"posix/stdio/gp/fgetc", "posix/stdio/gp/fgets",
	"posix/stdio/gp/fputc", "posix/stdio/gp/fputs", "posix/stdio/gp/getc",
	"posix/stdio/gp/getchar", "posix/stdio/gp/getdelim",
	"posix/stdio/gp/getline", "posix/stdio/gp/gets",
	"posix/stdio/gp/putc", "posix/stdio/gp/putchar",
	"posix/stdio/gp/puts", "posix/stdio/gp/ungetc",
	"posix/stdio/oc/fclose", "posix/stdio/oc/fdopen",
	"posix/stdio/oc/fmemopen", "posix/stdio/oc/fopen",
	"posix/stdio/oc/freopen", "posix/stdio/oc/open_memstream",
	"posix/stdio/oc/pclose", "posix/stdio/oc/popen", "posix/stdio/remove",
	"posix/stdio/rw/fread", "posix/stdio/rw/fwrite",
	"posix/stdio/seek/fgetpos", "posix/stdio/seek/fseek",
	"posix/stdio/seek/fseeko", "posix/stdio/seek/fsetpos",
	"posix/stdio/seek/ftell", "posix/stdio/seek/ftello",
	"posix/stdio/setvbuf", "posix/stdio/sp/dprintf",
	"posix/stdio/sp/fprintf", "posix/stdio/sp/fscanf",
	"posix/stdio/sp/printf", "posix/stdio/sp/scanf",
	"posix/stdio/sp/vdprintf", "posix/stdio/sp/vfprintf",
	"posix/stdio/sp/vfscanf", "posix/stdio/sp/vprintf",
	"posix/stdio/sp/vscanf", "posix/stdio/tmp/tempnam",
	"posix/stdio/tmp/tmpfile", "posix/stdio/tmp/tmpnam",
};
#define NR_WRAPPER_POINTS (sizeof(wrapper_points) / sizeof(*wrapper_points))

int failpoint_is_wrapper(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(wrapper_prefixes) / sizeof(*wrapper_prefixes);
	     i++)
		if (!strncmp(name, wrapper_prefixes[i],
			     strlen(wrapper_prefixes[i])))
			return 1;
	return 0;
}

char *failpoint_check_declared(const char *name, const char *impl,
			       jv declared)
{
	const char **names;
	char *near, *why;
	int i, n;

	if (failpoint_is_wrapper(name) ||
	    jv_get_kind(declared) != JV_KIND_ARRAY)
		return NULL;
	n = jv_array_length(jv_copy(declared));
	names = xcalloc((size_t)n + 1, sizeof(*names));
	for (i = 0; i < n; i++) {
		jv v = jv_array_get(jv_copy(declared), i);

		/* jv strings live as long as `declared` holds them */
		names[i] = jv_get_kind(v) == JV_KIND_STRING
				   ? jv_string_value(v)
				   : "";
		if (!strcmp(names[i], name)) {
			jv_free(v);
			free(names);
			return NULL;
		}
		jv_free(v);
	}
	near = nearest_names(name, names, (size_t)n, 3);
	why = xasprintf("unknown failpoint '%s': %s declares %d in its hello "
			"and not this one%s%s",
			name, impl ? impl : "the holder", n,
			near ? "; nearest: " : "", near ? near : "");
	free(near);
	free(names);
	return why;
}

static const char *failpoint_validate(const struct scn_step *st)
{
	static char msg[512];
	const char *name = st->args[FP_NAME].str;
	char *near;
	size_t i;

	if (st->args[FP_ERRNO].num >= 0 && st->args[FP_DELAY].num)
		return "errno and delay exclude each other";
	if (!failpoint_is_wrapper(name))
		return NULL; /* the holder's own: checked against its hello */
	for (i = 0; i < NR_WRAPPER_POINTS; i++)
		if (!strcmp(name, wrapper_points[i]))
			return NULL;
	near = nearest_names(name, wrapper_points, NR_WRAPPER_POINTS, 3);
	snprintf(msg, sizeof(msg),
		 "unknown libfiu POSIX wrapper '%s' (it would never fire)%s%s",
		 name, near ? "; nearest: " : "", near ? near : "");
	free(near);
	return msg;
}

/* The reference lock's own points need a holder that has them. */
static const char *failpoint_capability(const struct scn_step *st)
{
	return strncmp(st->args[FP_NAME].str, "sessionlock/", 12)
		       ? NULL
		       : "failpoints";
}

static char *failpoint_describe(jv ev, int brief)
{
	const char *name = fault_ev_str(ev, "name");
	const char *target = fault_ev_str(ev, "target");
	const char *en = fault_ev_str(ev, "errno");
	char ebuf[24];

	if (!name)
		name = "?";
	if (!brief)
		return xasprintf("failpoint %s armed in %s", name,
				 target ? target : "?");
	if (!en && fault_ev_num(ev, "errno", -1e300) != -1e300) {
		snprintf(ebuf, sizeof(ebuf), "%d",
			 (int)fault_ev_num(ev, "errno", 0));
		en = ebuf;
	}
	return en ? xasprintf("failpoint %s armed (%s)", name, en)
		  : xasprintf("failpoint %s armed", name);
}

const struct fault fault_failpoint = {
	.name = "failpoint",
	.keys = failpoint_keys,
	.synopsis = "HOLDER name=POINT [errno=E] [delay=T] [once] [off]",
	.help = "switch a libfiu failpoint on (or off) inside the holder",
	.needs = FAULT_NEEDS_FIU,
	.validate = failpoint_validate,
	.capability = failpoint_capability,
	.inject = failpoint_inject,
	.fields = "name, mode, errno, delayMs, command",
	.legend = "failpoint armed",
	.glyph = "failpoint",
	.svg = "<path d=\"M0-8L8 0L0 8L-8 0Z\" fill=\"#7c3aed\"/><path "
	       "d=\"M1-5L-2.5 1H1L-1 5\" stroke=\"#fff\" stroke-width=\"1.6\" "
	       "fill=\"none\"/>",
	.describe = failpoint_describe,
};
