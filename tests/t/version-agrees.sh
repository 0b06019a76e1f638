# One version: the Makefile's VERSION is what `lockchaos --version` and
# summary.json say, and what debian/changelog packages (`make deb` refuses
# to build otherwise).
set -u
fail() { echo "FAIL: $*"; exit 1; }
mk=$(sed -n 's/^VERSION *?= *//p' "$LOCKCHAOS_TOP/Makefile")
bin=$("$LC" --version | sed -n 's/^lockchaos \([^ ]*\) .*/\1/p')
deb=$(sed -n '1s/^lockchaos (\([^)]*\)).*/\1/p' "$LOCKCHAOS_TOP/debian/changelog")
echo "Makefile $mk, lockchaos --version $bin, debian/changelog $deb"
[ -n "$mk" ] && [ "$mk" = "$bin" ] || fail "lockchaos --version is not the Makefile's VERSION"
[ "$mk" = "$deb" ] || fail "debian/changelog is not the Makefile's VERSION"
printf 'title t\nholder A\nA deliver m1\nexpect m1 ok\n' >s.scn
"$LC" run --report r s.scn >o.txt 2>&1 || { cat o.txt; fail "run"; }
[ "$(jq -r .version r/summary.json)" = "$mk" ] || fail "summary.json's version is not the Makefile's"
exit 0
