# The jitter preload library under node (tests/t/lib/jitter-preload.sh).
JITTER_LANG=node
. "$LOCKCHAOS_TOP/tests/t/lib/jitter-preload.sh"
