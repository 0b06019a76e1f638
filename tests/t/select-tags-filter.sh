# --tag, --exclude-tag and --filter choose the scenarios of list and run
# (and matrix: the same loader); a tag no scenario has is an error with
# the nearest tags, and nothing runs.
set -u
fail() { echo "$*"; cat out err 2>/dev/null; exit 1; }
mkdir s
printf 'title alpha one\ntags seed sigkill\nholder A\nA deliver m1\n' > s/a.scn
printf 'title beta two\ntags seed race\nholder A\nA deliver m2\n' > s/b.scn
printf 'title gamma three\ntags badinput\nholder A\nA deliver m3\n' > s/c.scn
names() { "$LC" list --json "$@" s 2>err | jq -r .file | tr '\n' ' '; }
[ "$(names --tag seed)" = "s/a.scn s/b.scn " ] || fail "--tag seed: $(names --tag seed)"
[ "$(names --tag race --tag badinput)" = "s/b.scn s/c.scn " ] || fail "two --tag: any of them"
[ "$(names --tag seed --exclude-tag race)" = "s/a.scn " ] || fail "--exclude-tag"
[ "$(names --filter 'gam+a')" = "s/c.scn " ] || fail "--filter on the title"
[ "$(names --filter '/b\.scn$')" = "s/b.scn " ] || fail "--filter on the file"
[ "$(names --filter a --filter two)" = "s/b.scn " ] || fail "two --filter: all of them"
# A typo is an error naming the nearest tag, exit 2.
"$LC" list --tag sed s >out 2>err; rc=$?
[ "$rc" -eq 2 ] || fail "list --tag sed: exit $rc, expected 2"
grep -q "^lockchaos: --tag 'sed': no scenario has this tag (did you mean: seed" err || fail "no did-you-mean"
"$LC" run --report rep --exclude-tag sigkil s >out 2>err; rc=$?
[ "$rc" -eq 2 ] || fail "run --exclude-tag sigkil: exit $rc, expected 2"
grep -q "did you mean: sigkill" err || fail "no did-you-mean for --exclude-tag"
[ ! -e rep ] || fail "a report folder was made for a refused run"
# Nothing selected is no green.
"$LC" run --report rep2 --filter nomatch s >out 2>err; rc=$?
[ "$rc" -eq 2 ] || fail "run --filter nomatch: exit $rc, expected 2"
grep -q "no scenario selected: 3 read" err || fail "nothing selected not said"
# run runs only what is selected.
"$LC" run --report rep3 --tag race s >out 2>err || fail "run --tag race failed"
grep -q '^1\.\.1$' out || fail "run --tag race: expected one scenario"
grep -q '^ok 1 - s/b.scn' out || fail "run --tag race ran the wrong scenario"
# The catalog: every scenario carries its folder's tag.
for pair in seeds:seed faults:fault races:race badinput:badinput findings:finding conformance:conformance time:time options:option; do
	dir=${pair%%:*} tag=${pair#*:}
	all=$("$LC" list --json "$LOCKCHAOS_TOP/scenarios/$dir" | wc -l)
	tagged=$("$LC" list --json --tag "$tag" "$LOCKCHAOS_TOP/scenarios/$dir" | wc -l)
	[ "$all" -gt 0 ] && [ "$all" -eq "$tagged" ] || fail "scenarios/$dir: $tagged of $all tagged $tag"
done
exit 0
