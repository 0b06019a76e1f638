# tests/fuzz: libFuzzer targets (clang) for what reads hostile input: the
# scenario parser, the holder-protocol line reader and the checkers.
# Included by the top-level Makefile.
#
#   make fuzz [FUZZ_TIME=60]   each target for FUZZ_TIME seconds, growing
#                              build/fuzz/corpus/<target>
#   make fuzz-smoke            each target for FUZZ_SMOKE_TIME (10) seconds
#                              over the committed corpus: part of make check
#
# Seeds: tests/fuzz/corpus/<target>/ (small, curated: every crash, leak or
# hang found is kept there as a regression input), plus scenarios/ for the
# parser and tests/histories/ for the checkers. Everything is built with
# clang -fsanitize=fuzzer,address,undefined at -O0 (SANITIZE_OPT, the
# Makefile says why) in build/fuzz/.

FUZZ_TARGETS    = scenario holderline check
FUZZ_TIME      ?= 60
FUZZ_SMOKE_TIME ?= 10
FUZZ_BUILD      = build/fuzz
FUZZ_BINS       = $(patsubst %,$(FUZZ_BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_SEEDS_scenario   = scenarios
FUZZ_SEEDS_holderline =
FUZZ_SEEDS_check      = tests/histories

.PHONY: fuzz fuzz-smoke fuzz-build

# The fuzz build is the normal one with clang, the sanitizers and libFuzzer's
# coverage instrumentation (FUZZ=1), in a folder of its own.
fuzz-build:
	@command -v clang >/dev/null || { echo "fuzz: clang is not installed (make deps)" >&2; exit 1; }
	@$(MAKE) --no-print-directory -j$(CHECK_BUILD_JOBS) BUILD=$(FUZZ_BUILD) CC=clang SANITIZE=1 FUZZ=1 $(FUZZ_BINS)

$(BUILD)/fuzz/fuzz_%: $(call obj,tests/fuzz/fuzz_%.c) $(LIBHARNESS) $(LIBKIT)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# Each target with its seeds (tests/fuzz/run: a unit's timeout is judged
# again by its CPU time alone, not by the wall time of a loaded machine).
# (FUZZ_SEEDS_<target>: comma-separated folders.)
FUZZ_SPECS = $(foreach t,$(FUZZ_TARGETS),$(t):$(FUZZ_SEEDS_$(t)))

fuzz: fuzz-build
	@tests/fuzz/run $(FUZZ_BUILD) $(FUZZ_TIME) 1 $(FUZZ_SPECS)

fuzz-smoke: fuzz-build
	@tests/fuzz/run $(FUZZ_BUILD) $(FUZZ_SMOKE_TIME) 0 $(FUZZ_SPECS)

CHECK_PARTS += fuzz-smoke
