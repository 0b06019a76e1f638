# A real disk stall for a test (sourced): a small ext4 image loop-mounted
# in the test's scratch folder ($PWD/ffs), which `fsfreeze -f` holds still.
# Writers to it block in the kernel (D, unkillable) until it is thawed, so:
# an EXIT trap always thaws and unmounts it, and a watchdog in a session of
# its own does so after FFS_WATCHDOG_S even if the test is killed. After
# it, nothing is left mounted (findmnt is checked by ffs_remove).
#   ffs_make      mounts it at $FFS; exits 0 with "# SKIP ..." when this
#                 machine cannot (not root, no loop device, no fsfreeze)
#   ffs_freeze    fsfreeze -f;   ffs_thaw   fsfreeze -u
#   ffs_remove    thaw, unmount, remove (also the trap's)
FFS=$PWD/ffs/mnt
FFS_WATCHDOG_S=${FFS_WATCHDOG_S:-120}
ffs_watchdog=
ffs_remove() {
	[ -d "$PWD/ffs" ] || return 0
	fsfreeze -u "$FFS" 2>/dev/null
	if findmnt "$FFS" >/dev/null 2>&1; then
		umount "$FFS" 2>/dev/null || umount -l "$FFS"
	fi
	[ -n "$ffs_watchdog" ] && kill -- "-$ffs_watchdog" 2>/dev/null
	ffs_watchdog=
	rm -rf "$PWD/ffs"
	! findmnt "$FFS" >/dev/null 2>&1
}
ffs_make() {
	[ "$(id -u)" = 0 ] && command -v fsfreeze >/dev/null && command -v mkfs.ext4 >/dev/null ||
		{ echo "# SKIP needs root, fsfreeze and mkfs.ext4"; exit 0; }
	mkdir -p "$FFS" && truncate -s 64M ffs/img && mkfs.ext4 -q -F ffs/img >/dev/null 2>&1 &&
		mount -o loop ffs/img "$FFS" ||
		{ rm -rf ffs; echo "# SKIP cannot loop-mount an ext4 image"; exit 0; }
	trap 'ffs_remove' EXIT
	trap 'ffs_remove; exit 1' INT TERM HUP
	setsid sh -c "sleep $FFS_WATCHDOG_S; fsfreeze -u '$FFS'; umount '$FFS' || umount -l '$FFS'" \
		>/dev/null 2>&1 </dev/null &
	ffs_watchdog=$!
}
ffs_freeze() { fsfreeze -f "$FFS"; }
# ffs_freeze_at FILE PATTERN COUNT PID WHAT: freezes once FILE (a live
# history) has COUNT lines matching PATTERN; after 60 s without them,
# kills PID and fails the test (its fail) saying WHAT did not happen
ffs_freeze_at() {
	ffs_i=0
	until [ -s "$1" ] && [ "$(grep -c -- "$2" "$1")" -ge "$3" ]; do
		ffs_i=$((ffs_i + 1))
		[ $ffs_i -lt 1200 ] || { kill "$4"; fail "$5"; }
		sleep 0.05
	done
	ffs_freeze || fail "fsfreeze -f failed"
}
ffs_thaw() { fsfreeze -u "$FFS"; }
