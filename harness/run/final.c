/*
 * final.c - the final snapshot: what a run left behind, as one event.
 *
 * After the holders are told to exit (and before anything is killed), each
 * session the scenario named is looked at: the lock path's kind and payload,
 * the transcript's lines with their `t` rebased onto the scenario clock, a
 * torn last line. Holders told to exit that are still there are `leaked`.
 */
#include "run/run_internal.h"
#include "run/noise.h"
#include "lib/jvx.h"
#include "lib/util.h"
#include "sandbox/supervise.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static jv transcript_lines(struct run *r, const char *path, int *torn)
{
	size_t len;
	char *text = read_file(path, 64 << 20, &len);
	jv lines = jv_array();
	char *line, *nl;

	*torn = 0;
	if (!text)
		return lines;
	*torn = len > 0 && text[len - 1] != '\n';
	for (line = text; line < text + len; line = nl + 1) {
		jv v, t;

		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (!nl)
			nl = text + len;
		*nl = '\0';
		/* Rebase each line's t onto the scenario clock, as the
		 * holders' events are; a line that does not parse stays as
		 * it is for the integrity checker to judge. */
		v = jvx_parse(line, strlen(line));
		if (jv_get_kind(v) == JV_KIND_OBJECT &&
		    jv_get_kind(t = jv_object_get(jv_copy(v),
						  jv_string("t"))) ==
			    JV_KIND_NUMBER) {
			char *s;

			v = ev_num(v, "t", run_holder_t(r, jv_number_value(t)));
			jv_free(t);
			/* jv_dump_string's bytes, without its cost (jvx.h) */
			s = jvx_dump(v);
			jv_free(v);
			lines = jv_array_append(lines, jv_string(s));
			free(s);
		} else {
			if (jv_get_kind(v) == JV_KIND_OBJECT)
				jv_free(t);
			jv_free(v);
			lines = jv_array_append(lines, jv_string(line));
		}
	}
	free(text);
	return lines;
}

static int session_known(jv sessions, const char *name)
{
	jv v = jv_object_get(jv_copy(sessions), jv_string(name));
	int known = jv_is_valid(v);

	jv_free(v);
	return known;
}

/* 1 when `pid` is the impostor a recycle fault started (history). */
static int is_impostor(struct run *r, long pid)
{
	int i, n = jv_array_length(jv_copy(r->hist)), hit = 0;

	for (i = 0; i < n && !hit; i++) {
		jv ev = jv_array_get(jv_copy(r->hist), i);
		/* in a holder namespace, its pid in ours is outerPid */
		jv imp = jv_object_get(jv_copy(ev), jv_string("impostorOuterPid"));

		if (jv_get_kind(imp) != JV_KIND_NUMBER) {
			jv_free(imp);
			imp = jv_object_get(jv_copy(ev),
					    jv_string("impostorPid"));
		}

		hit = jv_get_kind(imp) == JV_KIND_NUMBER &&
		      jv_number_value(imp) == (double)pid;
		jv_free(imp);
		jv_free(ev);
	}
	return hit;
}

/*
 * Processes of the sandbox that are neither its init, nor a holder, nor an
 * impostor nor a noise probe of ours: what a holder left behind (a
 * double-forked daemon escapes its process group, not the PID namespace).
 * Our /proc is the namespace's own (its init mounted it). Appended to
 * `leaked` as "process N (comm)".
 */
static jv stray_processes(struct run *r, jv leaked)
{
	DIR *d;
	struct dirent *de;
	int found = 0;

	if (!r->sb.pidns || !(d = opendir("/proc")))
		return leaked;
	while ((de = readdir(d)) && found < 16) {
		char path[64], *comm, *nl;
		long pid;
		int i, holder = 0;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, NULL, 10);
		if (pid <= 1)
			continue;
		for (i = 0; i < r->nh; i++)
			holder |= !r->h[i].reaped && r->h[i].spid == pid;
		for (i = 0; i < r->nns; i++)
			holder |= r->ns[i].init_pid == pid;
		/* the noise probes, killed and dying (noise_kill); first:
		 * is_impostor walks the whole history */
		if (holder || (r->noise && noise_owns_pid(r->noise, pid)) ||
		    is_impostor(r, pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		comm = read_file(path, 64, NULL);
		if (!comm && errno == ENOENT) {
			/* gone since the folder was read: not running (a
			 * noise probe that never ran to say its pid is reaped
			 * by noise_owns_pid: soak, load 50, flock's
			 * badinput/pid-huge had "process 3 (?)") */
			continue;
		}
		if (comm && (nl = strchr(comm, '\n')))
			*nl = '\0';
		leaked = jv_array_append(
			leaked, jv_string_fmt("process %ld (%s), not a holder",
					      pid, comm ? comm : "?"));
		free(comm);
		found++;
	}
	closedir(d);
	return leaked;
}

/*
 * What keeps a leaked holder from going, as the kernel sees it: each of its
 * threads' state and where it sleeps, e.g. "R" (running: spins or waits for
 * a CPU), "S in do_select" (ignores `exit`), "D in jbd2_log_wait_commit"
 * (stuck in the kernel: I/O). At most 8 threads; "" when /proc has none.
 */
static jv holder_kernel_state(pid_t pid)
{
	char dir[64], path[96];
	DIR *d;
	struct dirent *de;
	jv out = jv_string("");
	int n = 0;

	snprintf(dir, sizeof(dir), "/proc/%ld/task", (long)pid);
	if (!(d = opendir(dir)))
		return out;
	while ((de = readdir(d))) {
		char state, *wchan;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (n++ == 8) {
			out = jv_string_append_str(out, ", ...");
			break;
		}
		/* a thread's own /proc/TID, as a process's */
		state = proc_state((pid_t)atol(de->d_name));
		snprintf(path, sizeof(path), "/proc/%.20s/wchan", de->d_name);
		wchan = read_file(path, 128, NULL);
		out = jv_string_concat(out, jv_string_fmt("%s%c",
							  n > 1 ? ", " : "",
							  state ? state : '?'));
		if (wchan && *wchan && strcmp(wchan, "0"))
			out = jv_string_concat(out, jv_string_fmt(" in %.64s",
								  wchan));
		free(wchan);
	}
	closedir(d);
	return out;
}

int holder_exiting(const struct hstate *h)
{
	return proc_exiting(h->spid > 0 ? h->spid : h->proc.pid);
}

/* Every holder that said hello declared "lockFile": "kept". */
static int all_kept(const struct run *r)
{
	int i, any = 0;

	for (i = 0; i < r->nh; i++) {
		if (!r->h[i].hello)
			continue;
		if (!r->h[i].lock_kept)
			return 0;
		any = 1;
	}
	return any;
}

/* What is at session `session`'s lock path: "absent", "file", "kept" (a
 * kernel lock's file, unlocked), "dir", "symlink" or "other", and a file's
 * payload (at most 512 bytes) into `one`. Consumes and returns one. */
static jv lock_look(struct run *r, const char *session, jv one)
{
	char *lock = xasprintf("%s/%s.jsonl.lock", r->dir, session);
	struct stat sb;
	const char *state;

	if (lstat(lock, &sb))
		state = "absent";
	else if (S_ISREG(sb.st_mode))
		state = "file";
	else if (S_ISDIR(sb.st_mode))
		state = "dir";
	else if (S_ISLNK(sb.st_mode))
		state = "symlink";
	else
		state = "other";
	/* A kernel lock's file stays after release: unlocked, it is
	 * no lock left behind (docs/holder-protocol.md, lockFile). */
	if (!strcmp(state, "file") && all_kept(r) &&
	    file_kernel_locked(lock) == 0)
		state = "kept";
	one = ev_str(one, "lock", state);
	if (!strcmp(state, "file") || !strcmp(state, "kept")) {
		char *payload = read_file(lock, 512, NULL);

		one = ev_str(one, "payload", payload ? payload : "");
		free(payload);
	}
	free(lock);
	return one;
}

void look_record(struct run *r, const struct scn_step *st)
{
	jv ev = ev_str(ev_new("look", "harness"), "session", st->session);

	ev = ev_num(ev, "line", st->line);
	history_record(r, lock_look(r, st->session, ev));
}

void final_record(struct run *r)
{
	jv sessions = jv_object(), leaked = jv_array(), why = jv_object();
	jv exiting = jv_array();
	jv ev, jitter;
	int i;

	for (i = 0; i < r->s->nr_steps; i++) {
		const struct scn_step *st = &r->s->steps[i];
		char *tr;
		struct stat sb;
		jv one;
		int torn;

		if (!st->session || session_known(sessions, st->session))
			continue;
		tr = xasprintf("%s/%s.jsonl", r->dir, st->session);
		one = lock_look(r, st->session, jv_object());
		/* a FIFO or symlink a holder planted is not read (it would
		 * block, or read outside): the integrity checker says so */
		if (!lstat(tr, &sb) && !S_ISREG(sb.st_mode))
			one = ev_str(one, "transcriptType",
				     file_type_name((int)sb.st_mode));
		one = jv_object_set(one, jv_string("transcript"),
				    transcript_lines(r, tr, &torn));
		one = jv_object_set(one, jv_string("tornTail"),
				    jv_bool(torn));
		sessions = jv_object_set(sessions, jv_string(st->session),
					 one);
		free(tr);
	}
	for (i = 0; i < r->nh; i++) {
		struct hstate *h = &r->h[i];
		jv state;

		if (!h->told_exit || h->reaped)
			continue;
		if (holder_exiting(h)) { /* it went: the kernel is slow */
			exiting = jv_array_append(exiting,
						  jv_string(h->decl->name));
			continue;
		}
		leaked = jv_array_append(leaked, jv_string(h->decl->name));
		state = holder_kernel_state(h->spid > 0 ? h->spid
							: h->proc.pid);
		if (jv_string_length_bytes(jv_copy(state)))
			why = jv_object_set(why, jv_string(h->decl->name),
					    state);
		else
			jv_free(state);
	}
	leaked = stray_processes(r, leaked);
	ev = ev_new("final", "harness");
	ev = jv_object_set(ev, jv_string("sessions"), sessions);
	jitter = jitter_counts(r);
	if (jv_is_valid(jitter))
		ev = jv_object_set(ev, jv_string("jitter"), jitter);
	else
		jv_free(jitter);
	if (jv_array_length(jv_copy(exiting)))
		ev = jv_object_set(ev, jv_string("exiting"), exiting);
	else
		jv_free(exiting);
	if (jv_object_length(jv_copy(why)))
		ev = jv_object_set(ev, jv_string("leakedState"), why);
	else
		jv_free(why);
	history_record(r, jv_object_set(ev, jv_string("leaked"), leaked));
}
