/*
 * frozen_fs.h - a real disk stall for a test: a small ext4 image,
 * loop-mounted in the test's own scratch folder, that `fsfreeze -f` holds
 * still. Writers to it block in the kernel (D, unkillable) until it is
 * thawed; so a watchdog of its own session thaws and unmounts it after
 * FROZEN_FS_WATCHDOG_S even if the test dies, and frozen_fs_remove always
 * thaws first. Needs root, mkfs.ext4, fsfreeze and a loop device:
 * frozen_fs_make says why not (the test then says it did not run).
 */
#ifndef LOCKCHAOS_FROZEN_FS_H
#define LOCKCHAOS_FROZEN_FS_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FROZEN_FS_WATCHDOG_S 60

struct frozen_fs {
	char root[64];	/* the scratch folder: img and mnt/ in it */
	char mnt[80];	/* the mount point */
	pid_t watchdog;
	int mounted;
};

/* Runs `cmd` quietly: its exit status, or -1. */
static inline int frozen_fs_sh(const char *cmd)
{
	char line[512];
	int st;

	snprintf(line, sizeof(line), "%s >/dev/null 2>&1", cmd);
	st = system(line);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* Makes and mounts the file system, and starts the watchdog. 0, or -1 with
 * why in `why` (nothing left behind). */
static inline int frozen_fs_make(struct frozen_fs *f, char *why, size_t n)
{
	char cmd[400];

	memset(f, 0, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/lockchaos-frozen-XXXXXX");
	if (geteuid() != 0) {
		snprintf(why, n, "not root: no loop mount");
		return -1;
	}
	if (!mkdtemp(f->root)) {
		snprintf(why, n, "no scratch folder");
		return -1;
	}
	snprintf(f->mnt, sizeof(f->mnt), "%s/mnt", f->root);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir mnt && truncate -s 64M img && "
		 "mkfs.ext4 -q -F img && mount -o loop img mnt",
		 f->root);
	if (frozen_fs_sh(cmd)) {
		snprintf(why, n, "cannot make a loop-mounted ext4 (%s)", cmd);
		snprintf(cmd, sizeof(cmd), "rm -rf %s", f->root);
		frozen_fs_sh(cmd);
		return -1;
	}
	f->mounted = 1;
	f->watchdog = fork();
	if (f->watchdog == 0) {
		setsid();
		snprintf(cmd, sizeof(cmd),
			 "sleep %d; fsfreeze -u %s; umount %s; rm -rf %s",
			 FROZEN_FS_WATCHDOG_S, f->mnt, f->mnt, f->root);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return 0;
}

/* fsfreeze -f (freeze 1) or -u (0): 0, or -1. */
static inline int frozen_fs_freeze(struct frozen_fs *f, int freeze)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "fsfreeze %s %s", freeze ? "-f" : "-u",
		 f->mnt);
	return frozen_fs_sh(cmd) ? -1 : 0;
}

/* Thaws, unmounts and removes it, and stops the watchdog. */
static inline void frozen_fs_remove(struct frozen_fs *f)
{
	char cmd[300];

	if (!f->mounted)
		return;
	frozen_fs_freeze(f, 0); /* fails when not frozen: fine */
	snprintf(cmd, sizeof(cmd), "umount %s || umount -l %s; rm -rf %s",
		 f->mnt, f->mnt, f->root);
	frozen_fs_sh(cmd);
	f->mounted = 0;
	if (f->watchdog > 0) {
		kill(-f->watchdog, SIGKILL);
		kill(f->watchdog, SIGKILL);
		waitpid(f->watchdog, NULL, 0);
		f->watchdog = 0;
	}
}

#endif
