// check.mjs - opens a lockchaos report in headless Chromium and checks what
// a person would see: the index, every timeline it links to, and in detail
// the first failing timeline. Saves PNG screenshots.
//
//   node tests/browser/check.mjs --report DIR [--shots DIR] [--chromium CMD]
//
// No npm package: Chromium is driven over the DevTools protocol on
// --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-terminated JSON).
// Prints one line per check and ends with "N passed, N failed"; exits 1 when
// a check failed or Chromium could not be started.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = { report: null, shots: null, chromium: process.env.CHROMIUM || 'chromium' };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--report') args.report = process.argv[++i];
  else if (a === '--shots') args.shots = process.argv[++i];
  else if (a === '--chromium') args.chromium = process.argv[++i];
  else { console.error(`check.mjs: unknown argument '${a}'`); process.exit(2); }
}
if (!args.report) { console.error('usage: check.mjs --report DIR [--shots DIR]'); process.exit(2); }
args.shots ??= path.join(args.report, 'screenshots');

let passed = 0, failed = 0, n = 0;
function check(name, ok, detail) {
  n++;
  if (ok) { passed++; console.log(`ok ${n} - ${name}`); }
  else { failed++; console.log(`not ok ${n} - ${name}${detail ? `\n#   ${String(detail).replace(/\n/g, '\n#   ')}` : ''}`); }
  return ok;
}
function finish(extra) {
  if (extra) console.log(`# ${extra}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || !passed ? 1 : 0);
}

// ---- the report on disk ---------------------------------------------------
const summaryPath = path.join(args.report, 'summary.json');
const indexPath = path.join(args.report, 'index.html');
let summary;
try { summary = JSON.parse(fs.readFileSync(summaryPath, 'utf8')); }
catch (e) { check(`read ${summaryPath}`, false, e.message); finish(); }
if (!check('index.html exists', fs.existsSync(indexPath), indexPath)) finish();
const scenarios = Array.isArray(summary.scenarios) ? summary.scenarios : [];

function readHistory(dir) {
  const p = path.join(args.report, dir, 'history.jsonl');
  try {
    return fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  } catch { return null; }
}

// ---- Chromium over the pipe -------------------------------------------------
const which = spawnSync('sh', ['-c', `command -v "${args.chromium}"`], { encoding: 'utf8' });
if (which.status !== 0) {
  check('chromium is installed', false,
    `'${args.chromium}' not found: run 'make deps-browser' (Debian package chromium) or set CHROMIUM`);
  finish();
}
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lockchaos-chromium-'));
const chrome = spawn(args.chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-extensions', '--hide-scrollbars', '--mute-audio',
  `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let chromeErr = '';
chrome.stderr.on('data', (d) => { chromeErr += d; if (chromeErr.length > 20000) chromeErr = chromeErr.slice(-10000); });
let chromeDead = null;
chrome.on('exit', (code, sig) => { chromeDead = `chromium exited (${sig || code})`; });
chrome.on('error', (e) => { chromeDead = e.message; });

const toChrome = chrome.stdio[3], fromChrome = chrome.stdio[4];
let nextId = 1;
const pending = new Map();
const listeners = new Set();
let buf = '';
fromChrome.on('data', (d) => {
  buf += d.toString('utf8');
  let z;
  while ((z = buf.indexOf('\0')) >= 0) {
    const msg = JSON.parse(buf.slice(0, z));
    buf = buf.slice(z + 1);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      msg.error ? reject(new Error(`${msg.error.message} ${msg.error.data || ''}`)) : resolve(msg.result);
    } else for (const l of listeners) l(msg);
  }
});
// A command's answer may take a while on a loaded machine: chromium's own
// start-up (the first command) took over 20 s at load 100 in a make check
// beside make soak, and the whole test 348 s at load 56 (40 s when quiet).
// Hangs still end: each command within 90 s, the whole test within 900 s.
function send(method, params = {}, sessionId) {
  const id = nextId++;
  toChrome.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    setTimeout(() => { if (pending.delete(id)) reject(new Error(`${method}: no answer in 90 s`)); }, 90000);
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const watchdog = setTimeout(() => { check('whole browser test within 900 s', false); cleanup(); finish(); }, 900000);

function cleanup() {
  clearTimeout(watchdog);
  try { chrome.kill('SIGKILL'); } catch { /* gone */ }
  try { fs.rmSync(profile, { recursive: true, force: true }); } catch { /* best effort */ }
}

// Opens `file` in a fresh tab; returns a page handle that records console
// errors, exceptions, dialogs and any request that is not the file itself.
async function open(file) {
  const url = pathToFileURL(path.resolve(file)).href;
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const page = { url, sessionId, targetId, errors: [], requests: [], dialogs: [] };
  let loaded;
  const load = new Promise((r) => { loaded = r; });
  const onEvent = (m) => {
    if (m.sessionId !== sessionId) return;
    const p = m.params || {};
    if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert'))
      page.errors.push(`console.${p.type}: ${(p.args || []).map((a) => a.value ?? a.description).join(' ')}`);
    else if (m.method === 'Runtime.exceptionThrown')
      page.errors.push(`exception: ${p.exceptionDetails?.exception?.description || p.exceptionDetails?.text}`);
    else if (m.method === 'Log.entryAdded' && p.entry?.level === 'error')
      page.errors.push(`log: ${p.entry.text} ${p.entry.url || ''}`);
    else if (m.method === 'Network.requestWillBeSent' && !/^(file|data|about):/.test(p.request?.url || ''))
      page.requests.push(p.request.url);
    else if (m.method === 'Page.javascriptDialogOpening') {
      page.dialogs.push(`${p.type}: ${p.message}`);
      send('Page.handleJavaScriptDialog', { accept: true }, sessionId).catch(() => {});
    } else if (m.method === 'Page.loadEventFired') loaded();
  };
  listeners.add(onEvent);
  page.close = async () => { listeners.delete(onEvent); await send('Target.closeTarget', { targetId }).catch(() => {}); };
  for (const d of ['Runtime', 'Log', 'Page', 'Network']) await send(`${d}.enable`, {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride', { width: 1400, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
  await send('Page.navigate', { url }, sessionId);
  await Promise.race([load, sleep(60000)]);
  await sleep(250); // let late console errors arrive
  page.eval = async (expr) => {
    const r = await send('Runtime.evaluate', { expression: `(() => { ${expr} })()`, returnByValue: true }, sessionId);
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description || r.exceptionDetails.text);
    return r.result.value;
  };
  page.shot = async (name, full) => {
    let clip;
    if (full) {
      const m = await send('Page.getLayoutMetrics', {}, sessionId);
      const s = m.cssContentSize || m.contentSize;
      clip = { x: 0, y: 0, width: Math.ceil(s.width), height: Math.min(Math.ceil(s.height), 6000), scale: 1 };
    }
    const r = await send('Page.captureScreenshot', { format: 'png', ...(clip ? { clip, captureBeyondViewport: true } : {}) }, sessionId);
    const out = path.join(args.shots, name);
    fs.writeFileSync(out, Buffer.from(r.data, 'base64'));
    return out;
  };
  page.hover = async (selector) => {
    const pt = await page.eval(`const e = document.querySelector(${JSON.stringify(selector)});
      if (!e) return null; e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();
      return {x: r.left + r.width / 2, y: r.top + r.height / 2};`);
    if (!pt) return null;
    await send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: pt.x, y: pt.y }, sessionId);
    await sleep(100);
    return page.eval(`return document.getElementById('inspect')?.textContent || '';`);
  };
  return page;
}

function clean(page, what) {
  check(`${what}: no console error or exception`, page.errors.length === 0, page.errors.join('\n'));
  check(`${what}: no dialog (no injected script ran)`, page.dialogs.length === 0, page.dialogs.join('\n'));
  check(`${what}: fetched nothing from the network`, page.requests.length === 0, page.requests.join('\n'));
}

// Labels placed by the timeline writer must not sit on each other.
const OVERLAPS = `
  const boxes = [...document.querySelectorAll('svg.tl text.lbl, svg.tl text.dlt, svg.tl text.pintext')]
    .map((t) => ({ t: t.textContent, r: t.getBoundingClientRect() }));
  const bad = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].r, b = boxes[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 3) bad.push(boxes[i].t + ' / ' + boxes[j].t);
    }
  return bad;`;

// Zoom and pan on the time axis, driven as a person would: the wheel over
// the plot, the buttons, a drag, the keys. The span shown (the svg's
// data-view, in microseconds) must change as asked, the axis labels with
// it, the bars must move, and no two labels may overlap at any zoom.
async function zoomChecks(pg, what, shot) {
  const state = () => pg.eval(`const svg = document.getElementById('timeline');
    const [a, b] = svg.dataset.view.split(' ').map(Number);
    const ticks = [...svg.querySelectorAll('g.axis')][1];
    const bar = svg.querySelector('g.zt rect.bar');
    const plot = [+svg.dataset.x0, +svg.dataset.x1];
    const shown = [...svg.querySelectorAll('g.zt text.lbl, g.zt text.dlt, g.zt text.bl')]
      .filter((t) => t.getAttribute('display') !== 'none');
    return { a, b, span: b - a, ticks: [...ticks.querySelectorAll('text.tick')].map((t) => t.textContent),
      bar: bar ? +bar.getAttribute('x') : null, shown: shown.length,
      outside: shown.filter((t) => { const r = t.getBBox(); return r.x < plot[0] - 9 || r.x + r.width > plot[1] + 11; }).length,
      span_text: document.getElementById('zoomspan')?.textContent || '' };`);
  // where the labels are: the mark of the first label shown (else the
  // middle of the plot), so that zooming spreads labelled marks apart
  const plotPoint = (mid) => pg.eval(`const svg = document.getElementById('timeline');
    svg.scrollIntoView({block: 'center'}); const r = svg.getBoundingClientRect();
    const k = r.width / svg.viewBox.baseVal.width;
    const lbl = ${mid ? 'null' : "[...svg.querySelectorAll('g.zt text.lbl')].find((t) => t.getAttribute('display') !== 'none')"};
    const x = lbl ? +lbl.getAttribute('x') + (+lbl.dataset.ax - +lbl.getAttribute('x')) : (+svg.dataset.x0 + +svg.dataset.x1) / 2;
    return {x: r.left + x * k, y: r.top + r.height / 2, k};`);
  const mouse = (type, x, y, extra = {}) => send('Input.dispatchMouseEvent', { type, x, y, ...extra }, pg.sessionId);
  const key = (k, code) => send('Input.dispatchKeyEvent', { type: 'keyDown', key: k, code, windowsVirtualKeyCode: code === 'ArrowRight' ? 39 : code === 'Digit0' ? 48 : 0 }, pg.sessionId)
    .then(() => send('Input.dispatchKeyEvent', { type: 'keyUp', key: k, code }, pg.sessionId));
  const whole = await state();
  check(`${what}: zoom bar shows the whole run`, whole.span > 0 && /s/.test(whole.span_text), JSON.stringify(whole));
  // the wheel over the middle of the plot
  let pt = await plotPoint();
  await mouse('mouseWheel', pt.x, pt.y, { deltaX: 0, deltaY: -400 });
  await sleep(150);
  const wheel = await state();
  check(`${what}: the wheel zooms in (span ${whole.span} -> ${wheel.span} us)`, wheel.span < whole.span * 0.9 && wheel.a > whole.a && wheel.b < whole.b, JSON.stringify(wheel));
  check(`${what}: the axis labels are recomputed for the zoom`, JSON.stringify(wheel.ticks) !== JSON.stringify(whole.ticks) && wheel.ticks.length >= 3 && wheel.ticks.length <= 13,
    `${whole.ticks.join(' ')} -> ${wheel.ticks.join(' ')}`);
  check(`${what}: the bars move with the zoom`, whole.bar !== null && wheel.bar !== whole.bar, `${whole.bar} -> ${wheel.bar}`);
  let ov = await pg.eval(OVERLAPS);
  check(`${what}: zoomed, no two labels overlap`, ov.length === 0, ov.slice(0, 10).join('\n'));
  check(`${what}: zoomed, no label left outside the plot`, wheel.outside === 0, wheel.outside);
  // the + button
  await pg.eval(`document.getElementById('zoom-in').click(); return 0;`);
  const btn = await state();
  check(`${what}: the + button zooms in`, btn.span < wheel.span * 0.6, `${wheel.span} -> ${btn.span}`);
  // a drag to the left shows later times
  pt = await plotPoint(true);
  await mouse('mouseMoved', pt.x, pt.y);
  await mouse('mousePressed', pt.x, pt.y, { button: 'left', clickCount: 1 });
  await mouse('mouseMoved', pt.x - 150, pt.y, { button: 'left' });
  await mouse('mouseReleased', pt.x - 150, pt.y, { button: 'left', clickCount: 1 });
  await sleep(100);
  const dragged = await state();
  check(`${what}: dragging pans (later times shown, same span)`, dragged.a > btn.a && Math.abs(dragged.span - btn.span) <= 2, `${btn.a}..${btn.b} -> ${dragged.a}..${dragged.b}`);
  await key('ArrowRight', 'ArrowRight');
  const arrow = await state();
  check(`${what}: the right arrow key pans`, arrow.a > dragged.a || arrow.b === whole.b, `${dragged.a} -> ${arrow.a}`);
  ov = await pg.eval(OVERLAPS);
  check(`${what}: panned, no two labels overlap`, ov.length === 0, ov.slice(0, 10).join('\n'));
  if (shot) console.log(`# screenshot ${await pg.shot('timeline-zoomed.png')}`);
  await key('0', 'Digit0');
  const back = await state();
  check(`${what}: the 0 key shows the whole run again, as drawn`, back.a === whole.a && back.b === whole.b && back.shown === whole.shown && back.bar === whole.bar,
    `${JSON.stringify(back)} vs ${JSON.stringify(whole)}`);
}

async function main() {
  fs.mkdirSync(args.shots, { recursive: true });
  await send('Target.getTargets');
  check('chromium started and speaks the DevTools protocol', true);

  // ---- index ----
  const idx = await open(indexPath);
  const anyBad = scenarios.some((s) => s.status === 'fail' || s.status === 'error');
  const I = await idx.eval(`return {
    verdict: document.getElementById('verdict')?.textContent,
    rows: document.querySelectorAll('#scenarios tr.scn').length,
    links: [...document.querySelectorAll('#scenarios a.tl-link')].map((a) => decodeURIComponent(new URL(a.href).pathname)),
    totals: !!document.getElementById('totals'),
    matrix: !!document.getElementById('matrix'),
    matrixCols: document.querySelectorAll('#matrix thead th').length,
    matrixRows: document.querySelectorAll('#matrix tbody tr').length,
    wide: document.documentElement.scrollWidth <= window.innerWidth + 1 };`);
  check('index: verdict says ' + (anyBad ? 'FAIL' : 'PASS'), I.verdict === (anyBad ? 'FAIL' : 'PASS'), I.verdict);
  check(`index: one row per scenario (${scenarios.length})`, I.rows === scenarios.length, I.rows);
  check('index: totals shown', I.totals);
  const withDir = scenarios.filter((s) => s.dir);
  check(`index: a timeline link per scenario with a folder (${withDir.length})`, I.links.length === withDir.length, I.links.length);
  const missing = I.links.filter((p) => !fs.existsSync(p));
  check('index: every timeline link opens a file', missing.length === 0, missing.join('\n'));
  if (summary.matrix) {
    check('index: matrix table shown', I.matrix);
    check('index: matrix has a column per implementation', I.matrixCols === (summary.matrix.impls || []).length + 1, I.matrixCols);
    check('index: matrix has a row per scenario', I.matrixRows === (summary.matrix.rows || []).length, I.matrixRows);
  } else check('index: no matrix without one in summary.json', !I.matrix);
  check('index: fits 1400 px without horizontal scrolling', I.wide);
  // Filter by verdict, tag and implementation; sort; repeated scenarios
  // grouped as "k of N failed"; empty cells say why they are empty.
  const F = await idx.eval(`const pick = (id, v) => { const e = document.getElementById(id);
      e.value = v; e.dispatchEvent(new Event('change')); };
    const shown = () => [...document.querySelectorAll('#scenarios tr.scn')].filter((r) => !r.hidden);
    const out = {};
    pick('f-verdict', 'fail'); out.fail = shown().map((r) => r.dataset.status);
    pick('f-verdict', ''); out.all = shown().length;
    const tag = document.querySelector('#f-tag option:not([value=""])');
    if (tag) { pick('f-tag', tag.value); out.tag = tag.value; out.tagged = shown().map((r) => r.dataset.tags); pick('f-tag', ''); }
    const impl = document.querySelector('#f-impl option:not([value=""])');
    out.impl = impl ? impl.value : null;
    if (impl) { pick('f-impl', impl.value); out.implRows = shown().map((r) => r.dataset.impl); pick('f-impl', ''); }
    const th = document.querySelector('#scenarios th[data-sort="dur"]');
    th.click(); th.click();
    out.durs = shown().map((r) => +r.dataset.dur);
    out.groups = [...document.querySelectorAll('#scenarios tr.grp .grpcount')].map((e) => e.textContent);
    out.emptyExplained = [...document.querySelectorAll('#scenarios td .dim')].every((e) => e.title.length > 10);
    return out;`);
  const nFail = scenarios.filter((s) => s.status === 'fail').length;
  check(`index: verdict filter FAIL shows the ${nFail} failed`, F.fail.length === nFail && F.fail.every((x) => x === 'fail'), JSON.stringify(F.fail));
  check('index: verdict filter off shows every run', F.all === scenarios.length, F.all);
  if (F.tag) check(`index: tag filter '${F.tag}' shows only runs so tagged`, F.tagged.length > 0 && F.tagged.every((t) => ` ${t} `.includes(` ${F.tag} `)), JSON.stringify(F.tagged));
  if (F.impl) check(`index: implementation filter (${F.impl}) shows only its runs`, F.implRows.length > 0 && F.implRows.every((x) => x === F.impl), JSON.stringify(F.implRows));
  check('index: sorting by duration, longest first', F.durs.every((d, i) => !i || F.durs[i - 1] >= d), JSON.stringify(F.durs));
  const repeated = {};
  for (const s of scenarios) if ((s.repeats || 1) > 1) {
    repeated[s.file] ??= { n: 0, bad: 0 };
    repeated[s.file].n++;
    if (s.status === 'fail' || s.status === 'error') repeated[s.file].bad++;
  }
  const wantGroups = Object.values(repeated).map((g) => `${g.bad} of ${g.n} failed`);
  check(`index: repeated scenarios grouped as "k of N failed" (${wantGroups.length})`,
    JSON.stringify(F.groups) === JSON.stringify(wantGroups), `${JSON.stringify(F.groups)} want ${JSON.stringify(wantGroups)}`);
  check('index: every empty cell says why', F.emptyExplained);
  clean(idx, 'index');
  console.log(`# screenshot ${await idx.shot('index.png')}`);
  console.log(`# screenshot ${await idx.shot('index-full.png', true)}`);
  await idx.close();

  // ---- every timeline: loads cleanly, says what the summary says ----
  const seen = new Set();
  let failing = null, passing = null;
  for (const s of withDir) {
    const file = path.join(args.report, s.dir, 'timeline.html');
    if (seen.has(file) || !fs.existsSync(file)) continue;
    seen.add(file);
    const pg = await open(file);
    const v = await pg.eval(`return document.getElementById('verdict')?.textContent;`);
    const want = s.status === 'fail' ? 'FAIL' : s.status === 'pass' ? 'PASS' : null;
    if (want) check(`${s.dir}: timeline says ${want}`, v === want, v);
    const ov = await pg.eval(OVERLAPS);
    check(`${s.dir}: no two labels overlap`, ov.length === 0, ov.slice(0, 10).join('\n'));
    // Nothing of the header or of the top axis cut off.
    const H = await pg.eval(`const hd = document.querySelector('header'), svg = document.getElementById('timeline');
      const vb = svg.viewBox.baseVal;
      const cut = [...hd.querySelectorAll('*')].filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible').length;
      const ticks = [...svg.querySelectorAll('text.tick')].filter((t) => { const b = t.getBBox(); return b.y < vb.y || b.x < vb.x || b.x + b.width > vb.x + vb.width; }).length;
      const r = hd.getBoundingClientRect();
      return { cut, ticks, inside: r.left >= 0 && r.right <= window.innerWidth + 1 && hd.scrollWidth <= hd.clientWidth + 1 };`);
    check(`${s.dir}: header and axis labels not clipped`, H.cut === 0 && H.ticks === 0 && H.inside, JSON.stringify(H));
    // A recycle's stand-in: a row of processes the harness started.
    const hist = readHistory(s.dir) || [];
    const recycled = hist.filter((e) => e.type === 'fault' && e.fault === 'recycle' && e.impostorPid !== undefined);
    if (recycled.length) {
      const R = await pg.eval(`return [...document.querySelectorAll('.rowlabel.started')].length;`);
      check(`${s.dir}: a row for the process the harness started (pid ${recycled[0].impostorPid})`, R === 1, R);
    }
    // every timeline zooms and pans without a label on another
    await zoomChecks(pg, s.dir, s.status === 'fail' && !failing);
    clean(pg, s.dir);
    await pg.close();
    if (s.status === 'fail' && !failing) failing = s;
    if (s.status === 'pass' && !passing) passing = s;
  }
  check('report has a failing scenario to look at in detail', !!failing || !anyBad);

  // ---- a failing timeline in detail ----
  if (failing) {
    const hist = readHistory(failing.dir) || [];
    const holders = [...new Set(hist.filter((e) => e.type === 'spawn').map((e) => e.process))];
    const faults = hist.filter((e) => e.type === 'fault').length;
    const bad = hist.filter((e) => e.type === 'verdict' && e.ok === false);
    const pg = await open(path.join(args.report, failing.dir, 'timeline.html'));
    const T = await pg.eval(`const svg = document.getElementById('timeline');
      const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
      return {
        verdict: document.getElementById('verdict')?.textContent,
        svgW: r.width, svgH: r.height, vw: window.innerWidth,
        holders: [...document.querySelectorAll('.rowlabel.lane')].map((g) => g.dataset.holder),
        pins: document.querySelectorAll('.verdict-pin').length,
        pintext: [...document.querySelectorAll('.pintext')].map((t) => t.textContent).join(' '),
        failures: document.querySelectorAll('#failures li').length,
        faults: document.querySelectorAll('.mk.fault').length,
        titles: document.querySelectorAll('svg.tl .ev > title').length,
        legend: document.querySelectorAll('.legend span').length,
        bars: document.querySelectorAll('svg.tl .bar').length };`);
    const what = `${failing.dir}`;
    check(`${what}: big FAIL in the header`, T.verdict === 'FAIL', T.verdict);
    check(`${what}: timeline drawn and fits the window`, T.svgW > 600 && T.svgH > 100 && T.svgW <= T.vw, `${T.svgW}x${T.svgH}`);
    const rowsMissing = holders.filter((h) => !T.holders.includes(h));
    check(`${what}: a row for each holder (${holders.length})`, holders.length > 0 && rowsMissing.length === 0, rowsMissing.join(', '));
    check(`${what}: bars drawn`, T.bars > 0, T.bars);
    check(`${what}: a glyph per fault (${faults})`, T.faults === faults, T.faults);
    check(`${what}: a pin per failed verdict (${bad.length})`, bad.length > 0 && T.pins === bad.length, T.pins);
    check(`${what}: failures listed as text (${bad.length})`, T.failures === bad.length, T.failures);
    const squash = (s) => String(s).replace(/\s+/g, '');
    const firstMsg = bad.length ? squash(bad[0].msg).slice(0, 40) : '';
    check(`${what}: the failing verdict's message is visible on the picture`, firstMsg && squash(T.pintext).includes(firstMsg), T.pintext.slice(0, 200));
    check(`${what}: legend shown`, T.legend > 3, T.legend);
    check(`${what}: every mark has hover text`, T.titles > 0, T.titles);
    const overlaps = await pg.eval(OVERLAPS);
    check(`${what}: no two labels overlap`, overlaps.length === 0, overlaps.slice(0, 10).join('\n'));
    const shown = await pg.hover('.verdict-pin .pinbox');
    check(`${what}: hovering a verdict shows its raw event`, shown && shown.includes('"type":"verdict"'), shown);
    const shown2 = await pg.hover('.mk.fault');
    check(`${what}: hovering a fault shows its raw event`, !faults || (shown2 && shown2.includes('"type":"fault"')), shown2);
    await pg.eval(`window.scrollTo(0, 0); return 0;`);
    clean(pg, what);
    console.log(`# screenshot ${await pg.shot('timeline-fail.png')}`);
    console.log(`# screenshot ${await pg.shot('timeline-fail-full.png', true)}`);
    await pg.close();
  }
  if (passing) {
    const pg = await open(path.join(args.report, passing.dir, 'timeline.html'));
    console.log(`# screenshot ${await pg.shot('timeline-pass.png')}`);
    await pg.close();
  }
}

main().then(() => { cleanup(); finish(); }, (e) => {
  check('browser test ran to the end', false, `${e.stack || e}\n${chromeDead || ''}\n${chromeErr.slice(-2000)}`);
  cleanup();
  finish();
});
