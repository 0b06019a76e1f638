# Sixteen busy loops pinned to CPU 0, for the tests that starve a holder
# (or lockchaos) of a CPU there (sourced). busy_start starts them, with an
# EXIT trap that stops them if the test ends first; busy_stop stops them
# and drops the trap. $busy holds their pids.
busy=""
busy_start() {
	busy=""
	trap 'kill $busy 2>/dev/null' EXIT
	for busy_i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		taskset -c 0 sh -c 'while :; do :; done' &
		busy="$busy $!"
	done
}
busy_stop() {
	kill $busy 2>/dev/null
	wait $busy 2>/dev/null
	busy=""
	trap - EXIT
}
