# Releases with the same lock code share one known-findings file
# (fixtures/known/openclaw-VERSION.txt, a symlink to their column's), and
# every OpenClaw column of pins.txt has one. Uses the lock codes of the
# cached releases (.cache/npm, filled by `make adapters`): no network; a
# release not in the cache is left out, and with no column cached the test
# says so and passes.
set -u
top=$LOCKCHAOS_TOP
node "$top/fixtures/adapters/tools/lockcode.mjs" --cache "$top/.cache/npm" --json >codes.json 2>err.txt || { cat err.txt; exit 1; }
node - "$top/fixtures/known" <<'JS' || exit 1
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const { groups } = JSON.parse(fs.readFileSync('codes.json', 'utf8'));
const cols = groups.flatMap((g) => g.columns);
if (!cols.length) { console.log('skip: no OpenClaw column in .cache/npm (run make adapters)'); process.exit(0); }
let bad = 0;
for (const g of groups) {
  const files = new Map();
  for (const v of g.releases) {
    const f = path.join(dir, `openclaw-${v}.txt`);
    if (fs.existsSync(f)) files.set(v, fs.realpathSync(f));
    else if (g.columns.includes(v)) { console.log(`column openclaw-${v} has no known-findings file`); bad = 1; }
  }
  const targets = new Set(files.values());
  if (targets.size > 1) {
    console.log(`one lock code, several known files: ${[...files].map(([v, f]) => `${v} -> ${path.basename(f)}`).join(', ')}`);
    bad = 1;
  }
}
console.log(`${groups.length} lock codes, ${cols.length} columns checked`);
process.exit(bad);
JS
