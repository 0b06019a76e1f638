# Sixteen busy loops pinned to CPU 0 (or another), for the tests that starve a holder
# (or lockchaos) of a CPU there (sourced). busy_start starts them, with an
# EXIT trap that stops them if the test ends first; busy_stop stops them
# and drops the trap. $busy holds their pids. busy_start NICE [CPU] runs
# them at that nice level (-20: a stall for whatever shares the CPU at
# SCHED_IDLE), on that CPU (0).
busy=""
busy_start() {
	busy=""
	trap 'kill $busy 2>/dev/null' EXIT
	for busy_i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		nice -n "${1:-0}" taskset -c "${2:-0}" sh -c 'while :; do :; done' &
		busy="$busy $!"
	done
}
busy_stop() {
	kill $busy 2>/dev/null
	wait $busy 2>/dev/null
	busy=""
	trap - EXIT
}
