# A scenario file over 1 MiB is never judged in part: an expectation or a
# syntax error past the first MiB counts (or the file is refused, clearly).
# (issue 10, "Green without a test")
set -u
{ printf 'title big\nholder A\nA deliver m1\n'
  i=0; while [ $i -lt 20000 ]; do echo "# padding line $i ......................................"; i=$((i + 1)); done
  printf 'kil A\n'; } > syn.scn
[ "$(wc -c < syn.scn)" -gt 1048576 ] || { echo "test file too small"; exit 1; }
"$LC" run --report rep1 syn.scn >out1 2>err1
rc=$?
cat err1
[ "$rc" -eq 2 ] || { echo "syntax error past 1 MiB: exit $rc, expected 2"; exit 1; }
grep -q "^syn.scn:" err1 || { echo "no file-named error"; exit 1; }

{ printf 'title big\nholder A\nA deliver m1\n'
  i=0; while [ $i -lt 20000 ]; do echo "# padding line $i ......................................"; i=$((i + 1)); done
  printf 'expect m1 fail\n'; } > exp.scn
"$LC" run --report rep2 exp.scn >out2 2>err2
rc=$?
cat err2
[ "$rc" -ne 0 ] || { echo "an expectation past 1 MiB was ignored: the run passed"; exit 1; }
