# The fuzz smoke judges a unit's timeout again by its CPU time alone: a
# unit that only "timed out" because the machine stalled (wall time, no
# CPU) is said to be the machine's and fuzzed again; a unit that really
# hangs still fails the run. (issue 12: a 398-byte scenario that parses in
# 85 ms "timed out after 20 seconds" beside the soak.) Real libFuzzer, real
# sleeps and spins: the stall is a sleep the first time the unit runs.
set -u
command -v clang >/dev/null || { echo "clang is not installed (make deps)"; exit 1; }
mkdir -p b/fuzz seeds-stall seeds-hang
cat > t.c <<'C'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *flag = getenv("STALL_FLAG");
	FILE *f;

#ifndef HANG
	if (n >= 5 && !memcmp(d, "STALL", 5) && access(flag, F_OK) != 0) {
		f = fopen(flag, "w");
		if (f)
			fclose(f);
		/* the machine's stall: wall time, no CPU (a loop, since
		 * libFuzzer's SIGALRM cuts a sleep short) */
		time_t end = time(NULL) + 4;

		while (time(NULL) < end)
			sleep(1);
	}
#else
	(void)flag;
	if (n >= 4 && !memcmp(d, "HANG", 4))
		for (;;) /* a hang of the code: CPU */
			;
#endif
	return 0;
}
C
clang -g -fsanitize=fuzzer -o b/fuzz/fuzz_stall t.c || exit 1
clang -g -DHANG -fsanitize=fuzzer -o b/fuzz/fuzz_hang t.c || exit 1
printf STALL > seeds-stall/s
printf HANG > seeds-hang/h
run=$LOCKCHAOS_TOP/tests/fuzz/run

STALL_FLAG=$PWD/flag FUZZ_UNIT_TIMEOUT=1 "$run" b 2 0 stall:seeds-stall >out1 2>&1
rc=$?
cat out1
[ "$rc" -eq 0 ] || { echo "a stalled unit failed the run (exit $rc)"; exit 1; }
[ -e flag ] || { echo "premise: the stalling unit never ran"; exit 1; }
grep -q 'stall: a unit "timed out" .* the machine stalled, not the code (try 1 of 3' out1 ||
	{ echo "the stall was not said"; exit 1; }
grep -q '^  FUZZ   stall  *#' out1 || { echo "no status line after the second try"; exit 1; }

FUZZ_UNIT_TIMEOUT=1 "$run" b 2 0 hang:seeds-hang >out2 2>&1
rc=$?
cat out2
[ "$rc" -ne 0 ] || { echo "a hanging unit passed the fuzz run"; exit 1; }
grep -q 'hang FAILED: a unit hangs' out2 || { echo "the hang was not named"; exit 1; }
ls b/crash-hang-timeout-* >/dev/null 2>&1 || { echo "the hanging unit was not kept"; exit 1; }
