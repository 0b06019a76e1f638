# Every run prints its seed; --seed replays it: the jitter a seed draws (and
# so the order in which 8 contenders are let go) is the same both times.
set -eu
cat > j.scn <<'SCN'
title jittered starts
holder C1 C2 C3 C4
at 100ms~90ms C1 deliver m1
at 100ms~90ms C2 deliver m2
at 100ms~90ms C3 deliver m3
at 100ms~90ms C4 deliver m4
expect transcript s1 lines=4
SCN
"$LC" run --seed 4242 --report a j.scn >a.out 2>&1
"$LC" run --seed 4242 --report b j.scn >b.out 2>&1
"$LC" run --seed 4343 --report c j.scn >c.out 2>&1
grep -q '^# lockchaos: seed 4242,' a.out
order() { jq -r 'select(.type=="invoke") | .process' "$1"/j/history.jsonl | tr '\n' ' '; }
echo "seed 4242: $(order a) / $(order b); seed 4343: $(order c)"
[ "$(order a)" = "$(order b)" ]
