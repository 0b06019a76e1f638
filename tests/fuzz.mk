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
FUZZ_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: fuzz fuzz-smoke fuzz-build

# The fuzz build is the normal one with clang, the sanitizers and libFuzzer's
# coverage instrumentation (FUZZ=1), in a folder of its own.
fuzz-build:
	@command -v clang >/dev/null || { echo "fuzz: clang is not installed (make deps)" >&2; exit 1; }
	@$(MAKE) --no-print-directory -j$(CHECK_BUILD_JOBS) BUILD=$(FUZZ_BUILD) CC=clang SANITIZE=1 FUZZ=1 $(FUZZ_BINS)

$(BUILD)/fuzz/fuzz_%: $(call obj,tests/fuzz/fuzz_%.c) $(LIBHARNESS) $(LIBKIT)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# Runs each target; prints libFuzzer's last status line (execs, cov, ft)
# per target. $(1): seconds per target; $(2): 1 to keep new inputs.
define fuzz_run
	@set -e; for t in $(FUZZ_TARGETS); do \
	  gen=$(FUZZ_BUILD)/corpus/$$t; mkdir -p $$gen tests/fuzz/corpus/$$t; \
	  case $$t in scenario) seeds="$(FUZZ_SEEDS_scenario)";; check) seeds="$(FUZZ_SEEDS_check)";; *) seeds="";; esac; \
	  dirs="$$gen tests/fuzz/corpus/$$t $$seeds"; \
	  [ "$(2)" = 1 ] || { rm -rf $$gen.smoke; mkdir -p $$gen.smoke; dirs="$$gen.smoke tests/fuzz/corpus/$$t $$seeds"; }; \
	  log=$(FUZZ_BUILD)/fuzz-$$t.log; \
	  if $(FUZZ_ENV) $(FUZZ_BUILD)/fuzz/fuzz_$$t -max_total_time=$(1) -timeout=10 -rss_limit_mb=1024 \
	       -max_len=65536 -artifact_prefix=$(FUZZ_BUILD)/crash-$$t- $$dirs >$$log 2>&1; then \
	    printf '  FUZZ   %-10s %s\n' $$t "$$(grep -E '^#[0-9]+' $$log | tail -n 1 | sed 's/ *lim:.*//')"; \
	  else \
	    echo "  FUZZ   $$t FAILED: $$log"; tail -n 30 $$log; \
	    ls $(FUZZ_BUILD)/crash-$$t-* 2>/dev/null; exit 1; \
	  fi; \
	done
endef

fuzz: fuzz-build
	$(call fuzz_run,$(FUZZ_TIME),1)

fuzz-smoke: fuzz-build
	$(call fuzz_run,$(FUZZ_SMOKE_TIME),0)

CHECK_PARTS += fuzz-smoke
