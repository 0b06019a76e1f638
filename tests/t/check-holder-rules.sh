# The rules check-holder names are the rules docs/holder-protocol.md states:
# every `<a id="X">` rule of the doc is known to `check-holder --rule`, and
# every rule it knows is in the doc (its usage error lists them all).
set -u
top=${LOCKCHAOS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
doc=$(grep -o '<a id="[PL][0-9]*"></a>' "$top/docs/holder-protocol.md" |
	sed 's/<a id="\(.*\)"><\/a>/\1/' | tr '\n' ' ')
"$LC" check-holder --rule NO-SUCH "$HOLDER" >err.out 2>&1
[ $? -eq 2 ] || { cat err.out; echo "want exit 2"; exit 1; }
known=$(sed -n "s/.*docs\/holder-protocol.md has: \(.*\))$/\1/p" err.out)
echo "doc:   $doc"
echo "known: $known"
[ -n "$known" ] && [ "$(echo $doc)" = "$(echo $known)" ] ||
	{ echo "the doc's rules and check-holder's differ"; exit 1; }
