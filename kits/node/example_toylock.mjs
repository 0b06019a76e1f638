#!/usr/bin/env node
// A toy lock on the Node holder kit: the smallest lock that passes the
// catalog. Copy it (`lockchaos init-holder --lang node`) and change create,
// judge and remove to your lock's ways. Each rule of
// docs/holder-protocol.md#what-the-catalog-expects-of-a-lock that the lock
// obeys is named where it does so (L1 ... L11):
//
// - the lock file `<session>.jsonl.lock` is created with O_CREAT|O_EXCL and
//   its payload {"pid","createdAt","maxHoldMs","starttime"} written through
//   the same descriptor, with `pidNs`, `bootId` and `bootMs` (where the pid
//   means something, and an age no wall clock touches); then the path is
//   looked at again, and a file that is not ours any more is judged again,
//   never `acquired`;
// - a lock found in the way is judged: an empty or unparsable one (a pid out
//   of 1..4194304 included) is stale once its mtime is older than graceMs; a
//   dead, zombie or recycled owner's lock at once; a live owner's once older
//   than its own maxHoldMs, the age taken from bootMs on the same boot, else
//   from createdAt, or from the mtime when createdAt is missing, unparsable
//   or in the future; a lock of another PID namespace or boot by that age
//   alone; anything that is not a regular file is never opened through,
//   followed or deleted;
// - a stale lock is removed only if unchanged (same inode, same bytes),
//   under a guard folder `<lock>.guard.d` every remover takes for the
//   instant of compare-then-unlink (Node has no flock); the removal is
//   logged at WARN;
// - before every transcript write and at release, the file must still be
//   the one we created with our pid in it (fencing).
//
// It has no lanes and no watchdog: scenarios that need them are n/a.
//
//   lockchaos check-holder "node $PWD/kits/node/example_toylock.mjs"
//   lockchaos run --holder "node $PWD/kits/node/example_toylock.mjs" scenarios/

import fs from 'node:fs';

import { Lock, LockError, STILL_HELD, nowUs, run, sleep } from './lockchaos_holder.mjs';

const { O_CREAT, O_EXCL, O_WRONLY, O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
const PAYLOAD_MAX = 64 * 1024;   // a bigger lock file is unparsable (L5), never slurped
const PID_MAX = 4194304;         // Linux PID_MAX_LIMIT (L6)
const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z$/;

/** '2026-11-22T10:00:00.000Z' -> ms since the epoch, or null. */
function isoMs(s) {
  const m = typeof s === 'string' ? ISO.exec(s) : null;
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return null;
  return Date.UTC(y, mo - 1, d, h, mi, sec) + Number((m[7] || '0').slice(0, 3).padEnd(3, '0'));
}

/** v when it is a whole number in [lo, hi], else null. */
function whole(v, lo, hi) {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : null;
}

/** [field 22 of /proc/<pid>/stat, state letter]; throws when it is gone. */
function procStat(pid) {
  const s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return [Number(rest[19]), rest[0]];
}

/** Where our pid means something (L2): the inode of our PID namespace and
 * this boot's id (0 / '' when unreadable: then nothing is written or
 * compared). */
const PID_NS = (() => { try { return fs.statSync('/proc/self/ns/pid').ino; } catch { return 0; } })();
const BOOT_ID = (() => {
  try { return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim(); } catch { return ''; }
})();

/** CLOCK_BOOTTIME in ms (L4): Node has no clock_gettime(CLOCK_BOOTTIME), and
 * /proc/uptime is that clock, to 10 ms; no step or skew of a wall clock
 * touches it. */
function bootMs() {
  return Math.round(Number(fs.readFileSync('/proc/uptime', 'latin1').split(' ')[0]) * 1000);
}

/** What a contender found at the lock path, or null when nothing is there.
 * Never follows a symlink nor blocks on a fifo; reads at most
 * PAYLOAD_MAX + 1 bytes (L7, L5). */
function look(file) {
  let st;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
  if (!st.isFile()) return { st, data: Buffer.alloc(0), why: 'not-regular' };
  let fd;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (e) {
    if (['ENOENT', 'ELOOP', 'ENXIO'].includes(e.code)) return null; // replaced: look again
    throw e;
  }
  try {
    const now = fs.fstatSync(fd);
    if (now.ino !== st.ino || now.dev !== st.dev) return null;
    const buf = Buffer.alloc(PAYLOAD_MAX + 1);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return { st, data: buf.subarray(0, n), why: null };
  } finally {
    fs.closeSync(fd);
  }
}

const GUARD_MS = 200;          // longest wait for the removal guard
const GUARD_STALE_MS = 2000;   // a guard this old was left by a dead remover
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

class ToyLock extends Lock {
  static impl = 'toylock-node';
  static version = '0.1';
  static caps = ['timeout', 'maxHoldMs', 'fencing', 'pidPayload']; // no lanes: one chain runs every command
  static na = {
    lanes: 'the toy keeps no per-lane state',
    watchdog: 'the toy never lets go by itself',
    failpoints: 'no libfiu failpoints',
  };

  constructor(ctx) {
    super(ctx);
    this.held = new Map(); // lock path -> {count, dev, ino}
  }

  // ---- taking -------------------------------------------------------------
  /** true when the file is now ours, false when it exists (L1). */
  create(hold) {
    let fd, st;
    try {
      fd = fs.openSync(hold.lockPath, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0o644);
    } catch (e) {
      if (e.code === 'EEXIST') return false;
      throw new LockError('io', `cannot create '${hold.lockPath}': ${e.code}`);
    }
    try {
      const payload = {
        pid: process.pid, createdAt: new Date().toISOString(), // to the millisecond (L3)
        maxHoldMs: hold.maxHoldMs, starttime: procStat(process.pid)[0],
      };
      if (PID_NS) payload.pidNs = PID_NS;                      // L2
      if (BOOT_ID) Object.assign(payload, { bootId: BOOT_ID, bootMs: bootMs() }); // L4
      fs.writeSync(fd, JSON.stringify(payload));
      fs.fsyncSync(fd);
      st = fs.fstatSync(fd);
    } catch (e) {
      fs.unlinkSync(hold.lockPath);
      throw new LockError('io', `cannot write '${hold.lockPath}': ${e.code}`);
    } finally {
      fs.closeSync(fd);
    }
    // L1: still our file? While we wrote (a freeze, a slow fsync) it may
    // have been reclaimed and someone else's made: saying `acquired` then
    // makes two owners. Not ours: judge the path again.
    let now = null;
    try {
      now = fs.lstatSync(hold.lockPath);
    } catch (e) {
      if (e.code !== 'ENOENT') throw new LockError('io', `cannot stat '${hold.lockPath}': ${e.code}`);
    }
    if (!now || now.dev !== st.dev || now.ino !== st.ino) {
      this.ctx.log('WARN', `lock '${hold.lockPath}' was removed or replaced between its create `
        + 'and its acquired: not ours, judging it again');
      return false;
    }
    this.held.set(hold.lockPath, { count: 1, dev: st.dev, ino: st.ino });
    return true;
  }

  /** Sets seen.stale, seen.why, seen.pid, seen.ageMs (L2 ... L6). */
  judge(seen, graceMs) {
    const now = Date.now();
    const mtimeAge = now - seen.st.mtimeMs;
    let p = null;
    try {
      if (seen.data.length > 0 && seen.data.length <= PAYLOAD_MAX) p = JSON.parse(seen.data.toString('utf8'));
    } catch { /* unparsable */ }
    const ok = p && typeof p === 'object' && !Array.isArray(p);
    const pid = ok ? whole(p.pid, 1, PID_MAX) : null;
    const maxHold = ok ? whole(p.maxHoldMs ?? -1, -1, 2 ** 53) : null;
    if (pid === null || maxHold === null) {
      // L5: a creator writes its payload right after O_EXCL; until graceMs by
      // the mtime an empty or bad file may be one being born
      seen.stale = mtimeAge > graceMs;
      seen.why = `${seen.data.length ? 'unparsable' : 'empty'}-${seen.stale ? 'past' : 'in'}-grace`;
      seen.pid = 0;
      seen.ageMs = Math.round(mtimeAge);
      return;
    }
    seen.pid = pid;
    const created = isoMs(p.createdAt);
    const boot = whole(p.bootMs, 0, 2 ** 53);
    const thisBoot = BOOT_ID !== '' && p.bootId === BOOT_ID;
    if (thisBoot && boot !== null) {
      // L4: made on this boot, its age is the boot clock's, whatever any
      // wall clock says (stepped, skewed)
      const bnow = bootMs();
      seen.ageMs = Math.round(boot <= bnow ? bnow - boot : mtimeAge);
    } else {
      // L4: a createdAt that is missing, bad or in the future is no age
      seen.ageMs = Math.round(created !== null && created <= now ? now - created : mtimeAge);
    }
    const foreign = (typeof p.bootId === 'string' && BOOT_ID !== '' && p.bootId !== BOOT_ID) ||
      (whole(p.pidNs, 1, 2 ** 53) !== null && PID_NS !== 0 && p.pidNs !== PID_NS);
    // L2: another container's pid 7 is not our pid 7: its age against its
    // own maxHoldMs is all we can judge
    seen.why = foreign ? null : this.gone(pid, p.starttime);
    if (foreign && !(maxHold >= 0 && seen.ageMs > maxHold)) {
      seen.stale = false;
      seen.why = 'other-namespace';
    } else if (seen.why) {
      seen.stale = true;                                        // L2
    } else if (maxHold >= 0 && seen.ageMs > maxHold) {
      seen.stale = true;                                        // L3
      seen.why = 'hold-exceeded';
    } else {
      seen.stale = false;
      seen.why = 'live';
    }
  }

  /** Why the owner `pid` is gone, or null when it lives (L2). */
  gone(pid, starttime) {
    if (pid === process.pid) return 'orphan-self'; // ours but not held: a leftover
    try {
      process.kill(pid, 0);
    } catch (e) {
      if (e.code === 'ESRCH') return 'dead-pid';
    }
    let start;
    let state;
    try {
      [start, state] = procStat(pid);
    } catch {
      return fs.existsSync(`/proc/${pid}`) ? null : 'dead-pid';
    }
    if (state === 'Z' || state === 'X') return 'zombie';
    if (Number.isInteger(starttime) && starttime !== start) return 'recycled-pid';
    return null;
  }

  /**
   * Removes `file` only if it is still inode `want` holding `data`
   * (remove-if-unchanged, L8), under a guard every remover takes for the
   * instant of compare-then-unlink, so the file compared is the file
   * removed. Node has no flock(2): the guard is the folder `<lock>.guard.d`
   * (mkdir is atomic); one older than GUARD_STALE_MS was left by a remover
   * that died inside (a compare-then-unlink takes microseconds), and is
   * taken over. true when removed; false when it changed, or the guard
   * was busy (judge again at the next poll).
   *
   * A reclaimer (no `hold`) tries the guard once: another remover is at it,
   * and this one's next poll comes soon. Waiting for it instead (a 1 ms
   * sleep, up to GUARD_MS) made seven contenders of `races/eight-contenders`
   * hammer mkdir and lstat on 2 loaded cores while the one holding the
   * guard waited for a CPU: nobody reclaimed the dead lock for 2.3 s. Only
   * a release (its own file) waits, up to GUARD_MS.
   */
  remove(file, want, data, hold) {
    const guard = `${file}.guard.d`;
    const until = hold ? Date.now() + GUARD_MS : 0;
    for (;;) {
      try {
        fs.mkdirSync(guard, 0o700);
        break;
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
        let stale = false;
        try {
          if (Date.now() - fs.lstatSync(guard).mtimeMs > GUARD_STALE_MS) {
            fs.rmdirSync(guard);
            stale = true;
          }
        } catch { /* gone meanwhile, or not ours to remove: try again */ }
        if (stale) continue;
        if (Date.now() > until) return false;
        Atomics.wait(PAUSE, 0, 0, 1); // 1 ms, synchronously: the guard is held for microseconds
      }
    }
    try {
      const now = look(file);
      if (!now || now.why || now.st.ino !== want.ino || now.st.dev !== want.dev
          || (data && !now.data.equals(data))) return false;
      if (hold) hold.removedUs = nowUs();
      fs.unlinkSync(file);
      return true;
    } catch (e) {
      if (e.code === 'ENOENT') return false;
      throw e;
    } finally {
      try { fs.rmdirSync(guard); } catch { /* taken over as stale: nothing to do */ }
    }
  }

  async acquire(hold) {
    const mine = this.held.get(hold.lockPath);
    if (mine) { // reentrant: same process, same lane
      if (!this.ours(hold.lockPath)) { // L11: not a lost hold
        throw new LockError('lock-lost', `lock '${hold.lockPath}' was taken over or removed: not re-entered`);
      }
      mine.count += 1;
      hold.reentrant = true;
      return;
    }
    const end = hold.deadline();
    let owner = 'unknown';
    let warned = false;
    for (;;) {
      if (this.create(hold)) return;
      hold.reclaimed = null;
      const seen = look(hold.lockPath);
      if (seen === null) continue; // released meanwhile: create at once
      if (seen.why === 'not-regular') {
        if (!warned) { // L7: never followed nor deleted
          warned = true;
          this.ctx.log('WARN', `refusing to reclaim '${hold.lockPath}': not-regular; it is never `
            + 'followed or deleted, so this acquire will time out');
        }
      } else {
        this.judge(seen, hold.graceMs);
        owner = seen.pid ? String(seen.pid) : 'unknown';
        if (seen.stale && this.remove(hold.lockPath, seen.st, seen.data)) {
          // L9: every reclaim says why, at WARN
          this.ctx.log('WARN', `reclaimed stale lock '${hold.lockPath}': ${seen.why} `
            + `(pid=${seen.pid}, age ${seen.ageMs} ms)`);
          hold.reclaimed = seen.why;
          if (this.create(hold)) return;
          hold.reclaimed = null;
        }
      }
      if (Date.now() >= end) {
        throw new LockError('timeout', `session file locked (timeout ${hold.timeoutMs}ms): `
          + `pid=${owner} ${hold.lockPath}`);
      }
      await sleep(Math.min(hold.pollMs, end - Date.now()));
    }
  }

  // ---- holding --------------------------------------------------------------
  /** What is at `file` when it is still the file we created, with our pid
   * in it; else null. */
  ours(file) {
    const mine = this.held.get(file);
    const seen = mine ? look(file) : null;
    if (!seen || seen.why || seen.st.ino !== mine.ino || seen.st.dev !== mine.dev) return null;
    try {
      return JSON.parse(seen.data.toString('utf8')).pid === process.pid ? seen : null;
    } catch {
      return null;
    }
  }

  /** Fencing (L11): the kit asks before every transcript write. */
  stillOwner(hold) {
    return this.ours(hold.lockPath) !== null;
  }

  // ---- letting go -------------------------------------------------------------
  async release(hold) {
    const mine = this.held.get(hold.lockPath);
    if (!mine) throw new LockError('other', `'${hold.lockPath}' is not held`);
    mine.count -= 1;
    if (mine.count > 0) return STILL_HELD;
    const seen = this.ours(hold.lockPath);
    this.held.delete(hold.lockPath);
    // L10: remove only our own file, and only if it is still ours
    if (!seen || !this.remove(hold.lockPath, mine, seen.data, hold)) {
      this.ctx.log('WARN', `lock '${hold.lockPath}' is no longer ours (taken over or removed): `
        + 'leaving it to its new owner');
      return 'lock-lost';
    }
    return undefined;
  }
}

run(ToyLock);
