# The jitter preload library under python (tests/t/lib/jitter-preload.sh).
JITTER_LANG=python
. "$LOCKCHAOS_TOP/tests/t/lib/jitter-preload.sh"
