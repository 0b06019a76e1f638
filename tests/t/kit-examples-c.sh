# The c kit's example toy lock passes check-holder
# (tests/t/lib/kit-examples.sh).
KIT_LANG=c
. "$LOCKCHAOS_TOP/tests/t/lib/kit-examples.sh"
