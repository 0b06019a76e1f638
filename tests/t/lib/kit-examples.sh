# The holder kits' example toy locks (kits/c, kits/python, kits/node) pass
# check-holder: the protocol checks and the conformance profile (each
# failure naming the rule it broke; another container's pid 7 and a 2 h
# fast wall clock among them, which each toy failed before it wrote pidNs,
# bootId and bootMs). About 10 s a toy on a loaded 2-core machine.
# The profile's scenarios bound how long a reclaim may take (`expect ...
# within 300ms`, the recovery checker), and at a load of 20 and more a Node
# or Python holder misses those now and then by hundreds of ms. A rule that
# failed gets one more try of its own (--rule); a miss of a time bound
# alone, twice, is reported and tolerated; any other failure (a protocol
# check, a lock taken from a live owner, a message lost) fails the test.
# Each check-holder gets 900 s (300 s cut the Python toy's profile short
# in a make check beside the soak, load 80). node is optional.
#
# Sourced by tests/t/kit-examples-c.sh, -python.sh and -node.sh with KIT_LANG
# set, so that the three toys run side by side (one after another they took
# 84 s of make check's wall under load).
set -u
top=${LOCKCHAOS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
fail() { echo "$*"; exit 1; }
# 0 when every failure reason in $1 is a time bound missed, not a verdict
timing_only() {
	! grep '^#   \[' "$1" |
		grep -Evq '^#   \[expect\] expect [^ ]* (ok|fail)[^:]* within [0-9]*m?s: [^ ]* [^ ]* took [0-9]* ms, expected within [0-9]* m?s( \+ slack [0-9]* ms)?$|^#   \[recovery\] '
}
# kept_reports FILE...: the folders check-holder kept for its failed runs
kept_reports() {
	sed -n 's/^# the conformance runs. reports, kept for the [0-9]* that failed (history.jsonl, timeline.html): //p' "$@"
}
kit() {
	name=$1 cmd=$2
	if ! timeout 900 "$LC" check-holder "$cmd" >"$name.out" 2>&1; then
		! grep -q '^not ok [0-9]* - P' "$name.out" ||
			{ cat "$name.out"; fail "$name: a protocol check failed"; }
		timing_only "$name.out" || { cat "$name.out"; fail "$name: check-holder failed"; }
		rules=$(sed -n 's/^not ok [0-9]* - \(L[0-9]*\) .*/\1/p' "$name.out" | sort -u)
		[ -n "$rules" ] || { cat "$name.out"; fail "$name: check-holder failed"; }
		for rule in $rules; do
			if timeout 900 "$LC" check-holder --rule "$rule" "$cmd" >"$name.$rule.out" 2>&1; then
				echo "$name: $rule passed at its second try"
			elif timing_only "$name.$rule.out" && ! grep -q '^not ok [0-9]* - P' "$name.$rule.out"; then
				echo "$name: $rule missed a time bound twice (load $(cut -d' ' -f1 /proc/loadavg)):"
				grep '^#   \[' "$name.$rule.out"
			else
				cat "$name.$rule.out"; fail "$name: $rule failed twice"
			fi
		done
	fi
	for scn in faults/containers-pid7-live time/skew-contender-fast; do
		grep -q "^ok [0-9]* - L[24] [a-z-]*: $scn.scn\$" "$name.out" "$name".L[24].out 2>/dev/null ||
			{ cat "$name.out"; fail "$name: $scn did not pass"; }
	done
	# a pass through missed time bounds leaves no report behind (a failure
	# exits above, its reports kept and named in the output)
	for d in $(kept_reports "$name".*out); do rm -rf "$d"; done
	echo "$name: check-holder passes"
}
case ${KIT_LANG:?} in
c)
	[ -x "$top/build/kits/example_toylock" ] || fail "build/kits/example_toylock is not built (make all)"
	kit c "$top/build/kits/example_toylock" ;;
python)
	kit python "/usr/bin/python3 -I -B $top/kits/python/example_toylock.py" ;;
node)
	if command -v node >/dev/null; then
		kit node "node $top/kits/node/example_toylock.mjs"
	else
		echo "node: not installed, skipped"
	fi ;;
*)
	fail "no kit '$KIT_LANG'" ;;
esac
