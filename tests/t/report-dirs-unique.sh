# Two scenario paths that map to one report folder name (a/b.scn, a-b.scn),
# and names that could leave the report folder ("...scn", "..scn"), each get
# a folder of their own inside --report; with --jobs 2 the verdicts stay
# with their scenarios and a failing scenario fails the run.
# (issue 10, "Two scenario paths that map to one report folder")
set -u
mkdir -p s/a
printf 'title fails\nholder A\nA deliver m1\nexpect m1 fail\n' > s/a/b.scn
printf 'title passes\nholder A\nA deliver m1\nexpect m1 ok\n' > s/a-b.scn
printf 'title dots\nholder A\nA deliver m1\nexpect m1 ok\n' > s/...scn
printf 'title dot\nholder A\nA deliver m2\nexpect m2 ok\n' > s/..scn
for i in 1 2 3; do
	rm -rf rep
	# From inside s/, so that "...scn" would name the folder's parent.
	(cd s && "$LC" run --jobs 2 --report ../rep ...scn ..scn a/b.scn a-b.scn) >out 2>&1
	rc=$?
	[ "$rc" -eq 1 ] || { cat out; echo "round $i: exit $rc, expected 1"; exit 1; }
	# Every run's folder is inside rep and distinct.
	n=$(jq -r '.scenarios[].dir' rep/summary.json | sort -u | wc -l)
	[ "$n" -eq 4 ] || { jq . rep/summary.json; echo "round $i: $n distinct folders for 4 scenarios"; exit 1; }
	jq -r '.scenarios[].dir' rep/summary.json | while read -r d; do
		case $d in ""|.|..|*/*) echo "folder '$d' leaves the report"; exit 1 ;; esac
		[ -f "rep/$d/result.json" ] || { echo "no rep/$d/result.json"; exit 1; }
	done || exit 1
	# Each folder's result is its own scenario's.
	jq -e '[.scenarios[] | select(.file == "a/b.scn")][0].status == "fail" and
	       [.scenarios[] | select(.file == "a-b.scn")][0].status == "pass"' rep/summary.json >/dev/null ||
		{ jq . rep/summary.json; echo "round $i: verdicts swapped"; exit 1; }
	for f in a/b.scn a-b.scn; do
		d=$(jq -r --arg f "$f" '.scenarios[] | select(.file == $f) | .dir' rep/summary.json)
		st=$(jq -r --arg f "$f" '.scenarios[] | select(.file == $f) | .status' rep/summary.json)
		jq -e --arg st "$st" '.status == $st' "rep/$d/result.json" >/dev/null ||
			{ echo "round $i: rep/$d/result.json is not $f's"; exit 1; }
		jq -s -e --arg t "$(jq -r --arg f "$f" '.scenarios[] | select(.file == $f) | .title' rep/summary.json)" \
			'map(select(.type == "meta"))[0].title == $t' "rep/$d/history.jsonl" >/dev/null ||
			{ echo "round $i: rep/$d/history.jsonl is not $f's"; exit 1; }
	done
done
# Nothing was written next to rep.
[ "$(ls | sort | tr '\n' ' ')" = "out rep s " ] && [ "$(ls -a s | tr '\n' ' ')" = ". .. ...scn ..scn a a-b.scn " ] || { ls; echo "something written outside --report"; exit 1; }
