// lockchaos_holder.mjs: a holder kit for the lockchaos holder protocol,
// version 1 (docs/holder-protocol.md). No dependencies: Node 18 or newer
// (tested with Debian 12's and Node 20). The kit writes `hello`, reads and
// validates commands, runs lanes, deliver, turn, spin, exit and the end of
// input, writes transcript lines and reports every outcome as an event. A
// lock author writes only the lock mapping:
//
//   import { Lock, LockError, run } from './lockchaos_holder.mjs';
//
//   class MyLock extends Lock {
//     static impl = 'mylock';
//     static version = '1.0';
//     static caps = ['timeout'];            // besides the kit's own (below)
//     static na = { maxHoldMs: 'why not' }; // why each missing cap is missing
//     async acquire(hold) { ... }           // resolve when held, or throw LockError
//     async release(hold) { ... }           // undefined: the lock is gone;
//                                           // 'lock-lost': it was not ours any more;
//                                           // STILL_HELD: an outer hold keeps it
//     stillOwner(hold) { return true; }     // optional: fencing before a write
//     sweep() { ... }                       // optional: every sweepMs (a watchdog)
//   }
//   run(MyLock);
//
// The kit always offers `acquire release deliver turn spin`; `lanes` in
// caps runs each lane's commands as a chain of its own (lanes interleave on
// the event loop), else one chain runs every command in arrival order.
// See kits/node/README.md.

import fs from 'node:fs';
import path from 'node:path';

export const PROTO = 1;
const OPS = new Set(['acquire', 'release', 'deliver', 'turn', 'spin', 'exit']);
const KIT_CAPS = ['acquire', 'release', 'deliver', 'turn', 'spin'];
const MS_MAX = 1e12;         // ~31 years: larger durations are typos
const NAME_MAX = 200;        // bytes of a session or lane name
const ECHO_MAX = 200;        // bytes of bad input echoed back in `error`
const LINE_MAX = 1 << 20;    // longer input lines are refused whole
const REASONS = new Set(['timeout', 'busy', 'io', 'lane-timeout', 'lock-lost', 'cleanup',
  'unsupported', 'bad-request', 'other']);

// release() returns this when an outer (reentrant) hold keeps the lock.
export const STILL_HELD = Symbol('still-held');

/** CLOCK_MONOTONIC in microseconds, as every event's `t`. */
export function nowUs() {
  return Number(process.hrtime.bigint() / 1000n);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A lock operation failed; `reason` is one of the protocol's reasons. */
export class LockError extends Error {
  constructor(reason, message) {
    super(message);
    this.reason = REASONS.has(reason) ? reason : 'other';
  }
}

/**
 * One acquire by one lane, from the request to its release. Filled by the
 * kit: id, op, session, lane, transcript, lockPath, timeoutMs, pollMs,
 * maxHoldMs, graceMs (the command's, else the lock's `defaults`), cmd. Set
 * by the lock's acquire(): reclaimed (why it removed someone else's lock),
 * reentrant, info (extra fields for `acquired`). removedUs: when the lock
 * file went (stamps `released`). done: why the hold ended, once it did.
 * why: set by the kit before release(): release, lane-timeout, cleanup.
 */
export class Hold {
  constructor(cmd, ctx, defaults) {
    this.cmd = cmd;
    this.id = cmd.id;
    this.op = cmd.op;
    this.session = cmd.session;
    this.lane = cmd.lane || 'main';
    this.transcript = path.join(ctx.dir, `${this.session}.jsonl`);
    this.lockPath = `${this.transcript}.lock`;
    for (const k of ['timeoutMs', 'pollMs', 'maxHoldMs', 'graceMs']) {
      this[k] = cmd[k] ?? defaults[k];
    }
    this.opts = { ...(cmd.opts || {}) }; // opt.KEY=VALUE: keys all in the lock's `options`
    this.reclaimed = null;
    this.reentrant = false;
    this.info = {};
    this.removedUs = 0;
    this.done = null;
    this.why = 'release';
    this.t0 = Date.now();
  }

  /** Date.now() by which an acquire must give up (Infinity: never). */
  deadline() {
    return this.timeoutMs == null ? Infinity : this.t0 + this.timeoutMs;
  }
}

/** Base class of a lock mapping: override acquire and release. */
export class Lock {
  static impl = 'unnamed';
  static version = '0';
  static caps = [];        // e.g. ['lanes', 'timeout', 'maxHoldMs', 'watchdog', 'fencing']
  static na = {};          // { cap: 'why the lock cannot do it' }
  static options = [];     // the opt.KEY names the lock honours (hello "opts"): values in
                           // hold.opts; any other is refused `unsupported` by the kit
  static notes = {};       // free-form facts for hello
  static lockFile = null;  // 'kept': a kernel lock on a file that stays after release
  static defaults = { timeoutMs: 10000, pollMs: 50, maxHoldMs: 1020000, graceMs: 5000 };
  static sweepMs = 50;     // how often sweep() runs, when the class defines one

  constructor(ctx) {
    this.ctx = ctx;
  }

  async acquire(hold) { throw new LockError('unsupported', 'acquire is not implemented'); }

  async release(hold) { throw new LockError('unsupported', 'release is not implemented'); }

  /** Fencing: may `hold` still write? The default trusts the hold. */
  stillOwner(hold) { return true; }

  /** Writes one transcript line (ending in a newline) for `hold`: refuses
   * with reason lock-lost when the lock is no longer ours, then appends
   * all-or-nothing (appendLine). */
  async append(hold, line) {
    if (!(await this.stillOwner(hold))) {
      throw new LockError('lock-lost', `lock '${hold.lockPath}' was taken over or removed: nothing written`);
    }
    appendLine(hold.transcript, line);
  }
}

/**
 * Appends `line` (one JSON line with its newline) to `file` with O_APPEND
 * in one write, then fsync. A transcript whose last line was torn by a
 * crash gets a newline first, so the new line lands whole. All or nothing:
 * when the write or the sync fails, the file is cut back to its size
 * before, and LockError('io') is thrown.
 */
export function appendLine(file, line) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
  } catch (e) {
    throw new LockError('io', `cannot open '${file}': ${e.code || e.message}`);
  }
  let before = -1;
  try {
    before = fs.fstatSync(fd).size;
    let buf = Buffer.from(line, 'utf8');
    if (before > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, before - 1);
      if (last[0] !== 0x0a) buf = Buffer.concat([Buffer.from('\n'), buf]);
    }
    let done = 0;
    while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done);
    fs.fsyncSync(fd);
  } catch (e) {
    let undone = '';
    if (before >= 0) {
      try { fs.ftruncateSync(fd, before); undone = '; the partial line was removed'; }
      catch (e2) { undone = `; could not remove the partial line: ${e2.code}`; }
    }
    throw new LockError('io', `cannot write '${file}': ${e.code || e.message}${undone}`);
  } finally {
    fs.closeSync(fd);
  }
}

// ---- output ----------------------------------------------------------------
// Events go out with a blocking write on fd 1, never through process.stdout
// (which may buffer): an event is out before the next line of code runs.
function writeAll(text) {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      process.exit(0); // the harness is gone: nobody to report to
    }
  }
}

function cut(s, n = ECHO_MAX) {
  const b = Buffer.from(String(s), 'utf8');
  return b.length <= n ? String(s) : b.subarray(0, n).toString('utf8').replace(/\uFFFD$/, '');
}

function isInt(v, lo, hi) {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/** undefined, or what is wrong with a command that has an op and an id. */
function validate(cmd) {
  for (const [key, kind] of [['session', 'session'], ['lane', 'name'], ['msg', 'text']]) {
    const v = cmd[key];
    if (v == null) continue;
    if (typeof v !== 'string') return `field '${key}' must be a string`;
    if (kind !== 'text') {
      const n = Buffer.byteLength(v, 'utf8');
      if (!n || n > NAME_MAX || v.includes('\0')) {
        return `field '${key}' must be 1 to ${NAME_MAX} bytes, without NUL`;
      }
      if (kind === 'session' && (v.includes('/') || v === '.' || v === '..')) {
        return `field '${key}' must be a plain file name`;
      }
    }
  }
  for (const [key, lo] of [['timeoutMs', 0], ['pollMs', 1], ['maxHoldMs', 0], ['graceMs', 0],
    ['holdMs', 0], ['laneTimeoutMs', 0], ['ms', 0]]) {
    if (cmd[key] == null) continue;
    if (!isInt(cmd[key], lo, MS_MAX)) return `field '${key}' must be an integer from ${lo} to ${MS_MAX}`;
  }
  if (cmd.opts != null && (typeof cmd.opts !== 'object' || Array.isArray(cmd.opts))) {
    return "field 'opts' must be an object";
  }
  if (cmd.op === 'exit' && cmd.code != null && !isInt(cmd.code, 0, 255)) {
    return "field 'code' must be an integer from 0 to 255";
  }
  if (cmd.op !== 'spin' && cmd.op !== 'exit' && cmd.session == null) {
    return `op '${cmd.op}' needs field 'session'`;
  }
  if (cmd.op === 'deliver' && cmd.msg == null) return "op 'deliver' needs field 'msg'";
  return undefined;
}

/** Blocks the whole process, as a stuck synchronous turn blocks the event
 * loop: no timer, lane or sweep runs until it ends. ms 0: forever. */
function spin(ms) {
  const end = Date.now() + ms;
  // eslint-disable-next-line no-empty
  while (ms === 0 || Date.now() < end) {}
}

// ---- the holder --------------------------------------------------------------

class Holder {
  constructor(LockClass) {
    this.L = LockClass;
    this.dir = process.env.LOCKCHAOS_DIR || process.cwd();
    this.name = process.env.LOCKCHAOS_HOLDER || `h${process.pid}`;
    this.holds = new Map();   // lane \0 session -> [Hold]
    this.lanes = new Map();   // lane name -> tail of its promise chain
    this.ctx = {
      dir: this.dir,
      holder: this.name,
      pid: process.pid,
      nowUs,
      log: (level, msg, extra = {}) => this.emit('log', { level, msg: String(msg), ...extra }),
      lost: (hold, why) => this.lost(hold, why),
      emit: (ev, fields) => this.emit(ev, fields),
    };
    this.lock = new LockClass(this.ctx);
    this.caps = [...KIT_CAPS, ...LockClass.caps.filter((c) => !KIT_CAPS.includes(c))];
    this.lanesOn = this.caps.includes('lanes');
  }

  emit(ev, fields = {}, t = 0) {
    writeAll(`${JSON.stringify({ ev, ...fields, t: t || nowUs() })}\n`);
  }

  fail(cmd, reason, error, extra = {}) {
    this.emit('fail', { id: cmd.id, reason, error: String(error), ...extra });
  }

  /** A refused message: the WARN the visibility checker looks for. */
  refused(cmd, reason, error) {
    this.ctx.log('WARN', `message '${cmd.msg}' (id ${cmd.id}, lane '${cmd.lane || 'main'}') `
      + `refused: ${reason}: ${error}`);
  }

  key(lane, session) { return `${lane}\u0000${session}`; }

  remember(hold) {
    const k = this.key(hold.lane, hold.session);
    if (!this.holds.has(k)) this.holds.set(k, []);
    this.holds.get(k).push(hold);
  }

  forget(hold) {
    const k = this.key(hold.lane, hold.session);
    const stack = this.holds.get(k) || [];
    const i = stack.indexOf(hold);
    if (i >= 0) stack.splice(i, 1);
    if (!stack.length) this.holds.delete(k);
  }

  lastHold(lane, session) {
    const stack = this.holds.get(this.key(lane, session));
    return stack && stack.length ? stack[stack.length - 1] : null;
  }

  lost(hold, why) {
    if (hold.done) return;
    hold.done = why;
    this.emit('released', { session: hold.session, lane: hold.lane, why, id: hold.id },
      hold.removedUs);
  }

  async doAcquire(cmd, timeoutMs) {
    const hold = new Hold(cmd, this.ctx, this.L.defaults);
    if (timeoutMs !== undefined) hold.timeoutMs = timeoutMs;
    await this.lock.acquire(hold);
    this.remember(hold);
    const ev = { session: hold.session, lane: hold.lane, id: hold.id, reentrant: !!hold.reentrant };
    if (hold.reclaimed) ev.reclaimed = hold.reclaimed;
    this.emit('acquired', { ...ev, ...(hold.info || {}) });
    return hold;
  }

  /** Releases `hold`; emits `released` when the lock went. Returns
   * undefined, or the error text when the release failed. */
  async doRelease(hold, why = 'release') {
    this.forget(hold);
    if (hold.done) return undefined;
    hold.done = why;
    hold.why = why;
    let r;
    try {
      r = await this.lock.release(hold);
    } catch (e) {
      this.ctx.log('ERROR', `release of '${hold.lockPath}' failed: ${e.message}`);
      return e.message;
    }
    if (r === STILL_HELD) return undefined;
    this.emit('released', { session: hold.session, lane: hold.lane,
      why: typeof r === 'string' ? r : why, id: hold.id }, hold.removedUs);
    return undefined;
  }

  async doAppend(cmd, hold) {
    if (hold.done) {
      throw new LockError('lock-lost', `the hold on '${hold.lockPath}' ended (${hold.done}) `
        + 'before the write: nothing written');
    }
    const line = JSON.stringify({ msg: cmd.msg, holder: this.name, pid: process.pid,
      lane: hold.lane, t: nowUs() });
    await this.lock.append(hold, `${line}\n`);
    this.emit('appended', { session: cmd.session, msg: cmd.msg, id: cmd.id, lane: hold.lane });
  }

  async opAcquire(cmd) {
    try {
      await this.doAcquire(cmd);
    } catch (e) {
      this.ctx.log('WARN', `acquire id ${cmd.id}: ${e.message}`);
      this.fail(cmd, e.reason || 'other', e.message);
      return;
    }
    this.emit('ok', { id: cmd.id });
  }

  async opRelease(cmd) {
    const lane = cmd.lane || 'main';
    const hold = this.lastHold(lane, cmd.session);
    if (!hold) {
      this.fail(cmd, 'other', `lane '${lane}' holds no lock on '${cmd.session}'`);
      return;
    }
    const already = hold.done;
    const err = await this.doRelease(hold);
    if (err) this.fail(cmd, 'io', err);
    else this.emit('ok', already ? { id: cmd.id, already } : { id: cmd.id });
  }

  async opDeliver(cmd) {
    let hold;
    try {
      hold = await this.doAcquire(cmd);
    } catch (e) {
      this.refused(cmd, e.reason || 'other', e.message);
      this.fail(cmd, e.reason || 'other', e.message, { msg: cmd.msg });
      return;
    }
    let bad = null;
    try {
      await this.doAppend(cmd, hold);
    } catch (e) {
      bad = e;
    }
    const err = await this.doRelease(hold);
    if (bad) {
      this.refused(cmd, bad.reason || 'other', bad.message);
      this.fail(cmd, bad.reason || 'other', bad.message, { msg: cmd.msg });
    } else {
      this.emit('ok', err ? { id: cmd.id, msg: cmd.msg, releaseError: err } : { id: cmd.id, msg: cmd.msg });
    }
  }

  async opTurn(cmd) {
    const start = Date.now();
    const laneTo = cmd.laneTimeoutMs;
    const laneEnd = laneTo == null ? Infinity : start + laneTo;
    const msg = cmd.msg;
    const extra = msg != null ? { msg } : {};
    const laneTimeout = (holding) => {
      const err = `lane '${cmd.lane || 'main'}' timed out after ${Date.now() - start} ms `
        + `(laneTimeoutMs ${laneTo})${holding ? '' : ' while waiting for the lock'}`;
      this.ctx.log('WARN', err);
      if (msg != null) this.refused(cmd, 'lane-timeout', err);
      this.fail(cmd, 'lane-timeout', err, extra);
    };
    let timeout;
    if (laneTo != null) {
      const full = cmd.timeoutMs ?? this.L.defaults.timeoutMs;
      timeout = full == null ? laneTo : Math.min(full, laneTo);
    }
    let hold;
    try {
      hold = await this.doAcquire(cmd, timeout);
    } catch (e) {
      if (Date.now() >= laneEnd - 1) {
        laneTimeout(false);
        return;
      }
      if (msg != null) this.refused(cmd, e.reason || 'other', e.message);
      this.fail(cmd, e.reason || 'other', e.message, extra);
      return;
    }
    const holdEnd = Date.now() + (cmd.holdMs || 0);
    await sleep(Math.min(holdEnd, laneEnd) - Date.now());
    if (Date.now() >= laneEnd && holdEnd > laneEnd) {
      const err = await this.doRelease(hold, 'lane-timeout');
      if (err) this.ctx.log('ERROR', `lane-timeout release failed: ${err}`);
      laneTimeout(true);
      return;
    }
    if (hold.done) {
      const err = `the lock on '${hold.lockPath}' was let go during the turn (${hold.done})`;
      this.forget(hold);
      if (msg != null) this.refused(cmd, 'lock-lost', err);
      this.fail(cmd, 'lock-lost', err, extra);
      return;
    }
    let bad = null;
    if (msg != null) {
      try {
        await this.doAppend(cmd, hold);
      } catch (e) {
        bad = e;
      }
    }
    const err = await this.doRelease(hold);
    if (bad) {
      this.refused(cmd, bad.reason || 'other', bad.message);
      this.fail(cmd, bad.reason || 'other', bad.message, extra);
    } else if (err) {
      this.fail(cmd, 'io', err, extra);
    } else {
      this.emit('ok', { id: cmd.id, ...extra });
    }
  }

  async runCmd(cmd) {
    const op = { acquire: 'opAcquire', release: 'opRelease', deliver: 'opDeliver', turn: 'opTurn' }[cmd.op];
    try {
      await this[op](cmd);
    } catch (e) { // a bug in the lock or the kit: one outcome anyway
      this.ctx.log('ERROR', `internal error on ${cmd.op} id ${cmd.id}: ${e && e.stack || e}`);
      this.fail(cmd, 'other', `internal error: ${e && e.message || e}`);
    }
  }

  enqueue(cmd) {
    const name = this.lanesOn ? (cmd.lane || 'main') : '*';
    const tail = (this.lanes.get(name) || Promise.resolve()).then(() => this.runCmd(cmd));
    this.lanes.set(name, tail);
  }

  badInput(error, raw, id) {
    this.emit('error', id == null ? { error, line: cut(raw) } : { error, line: cut(raw), id });
    if (id != null) this.emit('fail', { id, reason: 'bad-request', error });
  }

  /** The command in `raw`, validated, or null (error emitted). */
  parse(raw) {
    let cmd;
    try {
      cmd = JSON.parse(raw);
    } catch (e) {
      this.badInput(`not json: ${e.message}`, raw);
      return null;
    }
    if (!cmd || typeof cmd !== 'object' || Array.isArray(cmd)) {
      this.badInput('not a json object', raw);
      return null;
    }
    const id = isInt(cmd.id, -(2 ** 53), 2 ** 53) ? cmd.id : null;
    if (typeof cmd.op !== 'string' || !OPS.has(cmd.op)) {
      this.badInput(typeof cmd.op === 'string' ? `unknown op '${cut(cmd.op, 64)}'`
        : "field 'op' must be a string", raw, id);
      return null;
    }
    if (id == null) {
      this.badInput("field 'id' must be an integer", raw);
      return null;
    }
    const err = validate(cmd);
    if (err) {
      this.badInput(err, raw, id);
      return null;
    }
    return cmd;
  }

  handle(raw) {
    const cmd = this.parse(raw);
    if (!cmd) return;
    const unknown = Object.keys(cmd.opts || {}).filter((k) => !(this.L.options || []).includes(k));
    if (unknown.length) { // ignored, it would let a scenario pass without it
      this.emit('fail', { id: cmd.id, reason: 'unsupported',
        error: `option '${unknown[0]}' is not one ${this.L.impl} has` });
      return;
    }
    if (cmd.op === 'exit') process.exit(cmd.code ?? 0); // releases nothing, as a crash
    if (cmd.op === 'spin') {
      spin(cmd.ms ?? 0);
      this.emit('ok', { id: cmd.id });
      return;
    }
    this.enqueue(cmd);
  }

  async endOfInput() {
    await Promise.all([...this.lanes.values()]);
    const left = [...this.holds.values()].flatMap((stack) => [...stack].reverse());
    for (const hold of left) await this.doRelease(hold, 'cleanup');
    process.exit(0);
  }

  hello() {
    const L = this.L;
    const ev = { proto: PROTO, impl: L.impl, version: L.version, bug: null, pid: process.pid,
      caps: this.caps };
    const na = Object.fromEntries(Object.entries(L.na || {}).filter(([k]) => !this.caps.includes(k)));
    if (Object.keys(na).length) ev.na = na;
    if (L.notes && Object.keys(L.notes).length) ev.notes = L.notes;
    if (L.lockFile) ev.lockFile = L.lockFile;
    if (L.options && L.options.length) ev.opts = [...L.options];
    this.emit('hello', ev);
  }

  main() {
    this.hello();
    if (typeof this.lock.sweep === 'function') {
      setInterval(() => {
        try {
          this.lock.sweep();
        } catch (e) {
          this.ctx.log('ERROR', `sweep failed: ${e && e.message || e}`);
        }
      }, this.L.sweepMs);
    }
    let buf = Buffer.alloc(0);
    let skipping = false;
    process.stdin.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const nl = buf.indexOf(0x0a);
        if (nl < 0) {
          if (buf.length > LINE_MAX) { // refused whole: skip to its end
            if (!skipping) this.badInput(`line longer than ${LINE_MAX} bytes`, buf.subarray(0, ECHO_MAX));
            skipping = true;
            buf = Buffer.alloc(0);
          }
          return;
        }
        const line = buf.subarray(0, nl).toString('utf8');
        buf = buf.subarray(nl + 1);
        if (skipping) {
          skipping = false;
          continue;
        }
        if (line.trim()) this.handle(line);
      }
    });
    process.stdin.on('end', () => { this.endOfInput(); });
  }
}

/** Runs a holder on `LockClass` (a Lock subclass) until end of input.
 * `--help` prints `usage` (or a default) and exits 0. */
export function run(LockClass, usage) {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    writeAll(usage || `usage: ${path.basename(process.argv[1])} [--help]\n\nA lockchaos holder `
      + `(protocol ${PROTO}) on ${LockClass.impl} ${LockClass.version}; see docs/holder-protocol.md.\n`);
    process.exit(0);
  }
  new Holder(LockClass).main();
}
