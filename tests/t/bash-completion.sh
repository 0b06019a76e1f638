# The bash completion (dist/bash-completion/lockchaos, installed under
# share/bash-completion/completions) completes commands, each command's
# options (from its help) and scenario tags after --tag (from `lockchaos
# list --json` over the catalog).
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v bash >/dev/null || fail "no bash"
comp() {
	bash -c '. "$1/dist/bash-completion/lockchaos"; lc=$2; shift 2
		COMP_WORDS=("$lc" "$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		_lockchaos; printf "%s\n" "${COMPREPLY[@]}"' sh "$LOCKCHAOS_TOP" "$LC" "$@"
}
c=$(comp '' | tr '\n' ' '); echo "commands: $c"
for w in run list check-holder matrix help --version; do
	echo " $c" | grep -q " $w " || fail "no command '$w' in: $c"
done
[ "$(comp ch)" = check-holder ] || fail "ch: $(comp ch)"
o=$(comp run --h | tr '\n' ' '); echo "run --h: $o"
[ "$o" = "--holder --help " ] || fail "run --h: $o"
o=$(comp matrix --kn); [ "$o" = --known ] || fail "matrix --kn: $o"
o=$(comp list --j); [ "$o" = --json ] || fail "list --j: $o"
o=$(comp run --tag seed-00 | tr '\n' ' '); echo "--tag seed-00: $o"
[ "$o" = "seed-000 seed-001 seed-002 seed-003 seed-004 " ] || fail "--tag seed-00: $o"
o=$(comp help ma); [ "$o" = matrix ] || fail "help ma: $o"
o=$(comp explore --disable mu); [ "$o" = mutex ] || fail "--disable mu: $o"
o=$(comp init-holder --lang p); [ "$o" = python ] || fail "--lang p: $o"
exit 0
