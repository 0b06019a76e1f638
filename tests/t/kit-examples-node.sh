# The node kit's example toy lock passes check-holder
# (tests/t/lib/kit-examples.sh).
KIT_LANG=node
. "$LOCKCHAOS_TOP/tests/t/lib/kit-examples.sh"
