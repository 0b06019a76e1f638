# The hostile holder's modes of group 'input' (tests/t/lib/hostile.sh says what
# each mode must and must not do, and which modes the group holds).
HOSTILE_GROUP=input
. "$LOCKCHAOS_TOP/tests/t/lib/hostile.sh"
