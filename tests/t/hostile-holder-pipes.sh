# The hostile holder's modes of group 'pipes' (tests/t/lib/hostile.sh says what
# each mode must and must not do, and which modes the group holds).
HOSTILE_GROUP=pipes
. "$LOCKCHAOS_TOP/tests/t/lib/hostile.sh"
