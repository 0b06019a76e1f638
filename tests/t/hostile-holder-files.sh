# The hostile holder's modes of group 'files' (tests/t/lib/hostile.sh says what
# each mode must and must not do, and which modes the group holds).
HOSTILE_GROUP=files
. "$LOCKCHAOS_TOP/tests/t/lib/hostile.sh"
