# lockchaos — build, test and run.
#
#   make run      install what is missing, build, run the scenario suite
#                 against the reference lock, write a report
#   make check    install what is missing, build, run every test
#
# Files are discovered: drop a .c into harness/<part>/, fixtures/<part>/ or
# tests/unit/<part>/ and it is built. `V=1` shows full command lines.

BUILD    ?= build
VERSION  ?= 0.1.0
CC       ?= cc
SANITIZE ?=
V        ?= 0

DEB_PACKAGES = check libfiu-dev fiu-utils libjq-dev jq pkg-config clang time stress-ng libfaketime faketime lowdown strace
BROWSER_PACKAGES = chromium

# Harness headers are named by their folder: #include "check/check.h".
CPPFLAGS += -D_GNU_SOURCE -MMD -MP -iquote kits/c -iquote fixtures/common -iquote fixtures/sessionlock -iquote harness
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
# Sanitized builds at -O0 (SANITIZE_OPT): they are built to run tests once,
# so their compile is most of what they cost. The unit-asan build (harness,
# fixtures, 31 test binaries) took 60 s of CPU at -O0 against 98 s at -O1
# (17 s at -O1 against 50 at -O2 for `all` before), and its tests' run no
# more (43 s against 58 s, load 45 to 75); the clang fuzz build 38 s against
# 86 s, for 15-25% fewer execs per CPU second (2026-12-01). ASan and UBSan
# find at -O0 all they find at -O1.
SANITIZE_OPT ?= -O0
ifneq ($(SANITIZE),)
CFLAGS   += $(SANITIZE_OPT) -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
endif
# libFuzzer's coverage for the fuzz build (tests/fuzz.mk, clang only).
ifneq ($(FUZZ),)
CFLAGS   += -fsanitize=fuzzer-no-link
endif
# libjq on Debian 12 ships no .pc file; libfiu and Check do.
JQ_LIBS    = -ljq
FIU_LIBS   = -lfiu
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
LDLIBS     = $(JQ_LIBS) $(FIU_LIBS) -lm -lpthread

ifeq ($(V),0)
Q = @
say = @printf '  %-6s %s\n' $(1) $(2);
else
Q =
say =
endif

# The C holder kit (kits/c) is also the fixtures' and the harness's JSON
# lines, command parser and clock: one copy, built into one library.
KIT_SRC     = $(filter-out kits/c/example_%,$(wildcard kits/c/*.c))
LOCK_SRC    = $(wildcard fixtures/sessionlock/*.c)
HOLDER_SRC  = $(wildcard fixtures/holder/*.c)
# harness/preload/ holds libraries preloaded into holders, not the harness.
HARNESS_SRC = $(filter-out harness/main.c harness/preload/%,$(wildcard harness/*.c harness/*/*.c))
TEST_SRC    = $(wildcard tests/unit/*/test_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIBKIT     = $(BUILD)/kits/liblockchaos_holder.a
KIT_EXAMPLE = $(BUILD)/kits/example_toylock
LIBLOCK    = $(BUILD)/libsessionlock.a
LIBHARNESS = $(BUILD)/libharness.a
HOLDER     = $(BUILD)/sessionlock-holder
LOCKCHAOS  = $(BUILD)/lockchaos
SPEED_LIB  = $(BUILD)/lockchaos-speed.so
LIBJITTER  = $(BUILD)/libjitter.so
TESTS      = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))

$(call obj,$(TEST_SRC)): CPPFLAGS += -iquote tests/unit
$(call obj,$(HARNESS_SRC) harness/main.c): CPPFLAGS += -DLOCKCHAOS_VERSION='"$(VERSION)"'

.PHONY: all deps deps-browser run check unit unit-asan scripts suite mutants mutants-full explore-gate bench soak matrix-seeds matrix-seeds-all \
	adapters matrix format clean help man install uninstall deb

CLOCKSHIM  = $(BUILD)/lockchaos-clockshim.so

all: $(LOCKCHAOS) $(HOLDER) $(CLOCKSHIM) $(SPEED_LIB) $(LIBJITTER) $(KIT_EXAMPLE)

# Keep objects make considers intermediate (test objects): no rebuild churn.
.SECONDARY:

help:
	@sed -n '1,12p' Makefile

# ---- dependencies: install only what is missing -------------------------
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "  DEPS   installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "  DEPS   all present"; fi

deps-browser:
	@missing=""; for p in $(BROWSER_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "  DEPS   installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# ---- build ---------------------------------------------------------------
$(BUILD)/obj/fixtures/sessionlock/%.o: CPPFLAGS += -DFIU_ENABLE
# Clock faults preload Debian's libfaketime (LOCKCHAOS_FAKETIME_LIB at run
# time overrides it).
FAKETIME_LIB ?= /usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null)/faketime/libfaketime.so.1
$(BUILD)/obj/harness/faults/clock.o: CPPFLAGS += -DLOCKCHAOS_FAKETIME_LIB='"$(FAKETIME_LIB)"'

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(LIBKIT): $(call obj,$(KIT_SRC))
	@mkdir -p $(dir $@)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^
$(LIBLOCK): $(call obj,$(LOCK_SRC))
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^
$(LIBHARNESS): $(call obj,$(HARNESS_SRC))
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

$(HOLDER): $(call obj,$(HOLDER_SRC)) $(LIBLOCK) $(LIBKIT)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The C kit's example holder (kits/c/example_toylock.c), on the kit alone.
$(KIT_EXAMPLE): $(call obj,kits/c/example_toylock.c) $(LIBKIT)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(JQ_LIBS)

$(LOCKCHAOS): $(call obj,harness/main.c) $(LIBHARNESS) $(LIBKIT)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Preloaded before libfaketime into holders with clock faults (never with
# the sanitizers: it runs inside other programs).
$(CLOCKSHIM): fixtures/clockshim/clockshim.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) -D_GNU_SOURCE -O2 -std=c11 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl

# Preloaded before libfaketime into the holders of a compressed run
# (harness/run/speed.c): no sanitizer, no harness code in it.
$(SPEED_LIB): harness/preload/speed_origin.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -shared -fPIC -o $@ $<

# The `jitter` fault's preload library (fixtures/jitter/jitter.c): loaded
# into holders of any language, so never built with the sanitizers (their
# runtime would have to be loaded first) and without _FORTIFY_SOURCE (it
# defines the __*_chk symbols itself).
$(LIBJITTER): fixtures/jitter/jitter.c fixtures/common/jitterctl.h
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) -D_GNU_SOURCE -U_FORTIFY_SOURCE -iquote fixtures/common -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow \
		-fPIC -shared -o $@ $< -ldl

$(BUILD)/tests/%: $(call obj,tests/unit/%.c) $(LIBHARNESS) $(LIBLOCK) $(LIBKIT)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- tests ---------------------------------------------------------------
# Unit tests: every tests/unit/<part>/test_*.c is one Check binary. Each must run
# at least one test; tests/run-unit refuses a run that executed none.
# Check's default of 4 s a test is wall time: a test case that sets none
# gets 60 s (CK_DEFAULT_TIMEOUT), so a test starved of a CPU on a loaded
# runner is not an error (test_jq's seven forks took over 4 s beside the
# soak); a hang still ends.
unit: $(TESTS) $(HOLDER) $(LOCKCHAOS) $(SPEED_LIB)
	@CK_DEFAULT_TIMEOUT=$${CK_DEFAULT_TIMEOUT:-60} tests/run-unit $(TESTS)

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer, in a
# build of their own. libjq and libonig are not instrumented; leaks that are
# theirs are suppressed by name in tests/lsan.supp, ours are not.
# Its build is made with make -j (CHECK_BUILD_JOBS); its binaries run
# UNIT_JOBS at a time like make unit's.
# Check's fork mode off (CK_FORK=no; unit_main_forked keeps it where the
# tests need a fresh process): LeakSanitizer scans at every process exit,
# and one scan per test took 200 of the part's 250 s; once per binary, leaks
# are still found (a leak in any test fails its binary at exit).
unit-asan:
	@CK_FORK=no ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 $(MAKE) --no-print-directory -j$(CHECK_BUILD_JOBS) BUILD=build/asan SANITIZE=1 unit

# Command-line tests: tests/t/*.sh, one scratch folder each.
scripts: all
	@tests/run-scripts

REPORT_STAMP := $(shell date +%Y%m%d-%H%M%S)

# The scenario suite against the reference lock (TAP; ends "N passed, N failed").
suite: all
	@$(LOCKCHAOS) run --report reports/suite-$(REPORT_STAMP) scenarios/

# The mutation gate: every historical bug must be caught by some scenario,
# and the reference must pass everything.
mutants: all
	@tests/mutants reports/mutants-$(REPORT_STAMP) scenarios/

# Every mutant against every scenario: the full table of what catches what
# (make mutants meets each mutant with its killers first: tests/mutant-killers).
mutants-full: all
	@MUTANTS_FULL=1 tests/mutants reports/mutants-$(REPORT_STAMP) scenarios/

# lockchaos explore against every built-in mutant of the reference lock, a
# fixed seed: time to the first failure and shrunk size per mutant
# (docs/explore.md). EXPLORE_TIME (5m a mutant), SHRINK_TIME, JOBS (2),
# PARALLEL (1). Not in make check (up to 14 x 8 minutes); its smoke test is
# tests/t/explore-finds-mutant.sh (about 70 s, in `scripts`).
explore-gate: all
	@tests/explore-gate reports/explore-gate-$(REPORT_STAMP)

# The seed scenarios against the columns that hold still under load (the
# gate in make check; tests/matrix-gate says which and why), and against
# every registered implementation.
matrix-seeds: all adapters
	@tests/matrix-gate reports/matrix-seeds-$(REPORT_STAMP)

matrix-seeds-all: all adapters
	@$(LOCKCHAOS) matrix --report reports/matrix-seeds-$(REPORT_STAMP) scenarios/seeds/

matrix: all adapters
	@$(LOCKCHAOS) matrix --report reports/matrix-$(REPORT_STAMP) scenarios/

# The bench: harness against a minimal driver (tests/bench/driver.c), the
# catalog against its floor, and the scaling table. BENCH_QUICK=1: smaller.
BENCH_DRIVER = $(BUILD)/bench-driver
$(BENCH_DRIVER): $(call obj,tests/bench/driver.c) $(LIBHARNESS) $(LIBKIT)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bench: all $(BENCH_DRIVER)
	@tests/bench/bench.sh reports/bench-$(REPORT_STAMP)

# The soak: catalog rounds under stress-ng load (tests/soak says what it
# counts). SOAK_ROUNDS=N rounds (30), SOAK_CHECKS=N make checks under the
# same load (0), SOAK_NODE_ROUNDS=N matrices over the Node adapters (1).
SOAK_ROUNDS ?= 30
SOAK_CHECKS ?= 0
SOAK_NODE_ROUNDS ?= 1
soak: all adapters
	@SOAK_ROUNDS=$(SOAK_ROUNDS) SOAK_CHECKS=$(SOAK_CHECKS) SOAK_NODE_ROUNDS=$(SOAK_NODE_ROUNDS) \
	 tests/soak reports/soak-$(REPORT_STAMP)

# Everything: the check parts run side by side (make -j; each part's output
# is shown as a block when it ends), then one line per part and a closing
# "check: N passed, N failed" over the parts. A part is any make target
# that fails when its tests fail: to add one, append it to CHECK_PARTS
# (here, or `CHECK_PARTS += NAME` in a tests/*.mk or fixtures/*/*.mk
# fragment). The suite is not a part of its own: the mutation gate runs the
# catalog against the reference lock as one of its columns (its report:
# reports/mutants-*/reference/).
CHECK_PARTS += unit unit-asan scripts browser-test matrix-seeds mutants
# Four at a time: all nine side by side on 2 cores made the timing
# verdicts of the gate miss their bounds by ~90 ms (eight-contenders).
CHECK_JOBS  ?= 4

# The longest parts start first (make -j starts them in this order): a part
# that starts last must not be the one everything waits for.
CHECK_FIRST  = scripts unit-asan matrix-seeds fuzz-smoke
CHECK_ORDER  = $(filter $(CHECK_FIRST),$(CHECK_PARTS)) $(filter-out $(CHECK_FIRST),$(CHECK_PARTS))

# What several parts need is built once, first (two sub-makes building the
# same target at once race): CHECK_PREP, extended like CHECK_PARTS. Its C
# part, CHECK_BUILD, is made with make -j (CHECK_BUILD_JOBS, the number of
# CPUs): one after another, a fresh clone's build took minutes of make
# check's wall on a loaded 2-core machine with one core idle.
CHECK_BUILD += all $(TESTS)
CHECK_PREP  += all $(TESTS) adapters
CHECK_BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# No part of make check runs an OpenClaw column (the Node columns are not in
# the seed gate: tests/matrix-gate), so it fetches none of their 13 tarballs
# (ADAPTERS_SKIP; a cold fetch took 14 min under load); `make adapters` does.
check: deps
	@$(MAKE) --no-print-directory -j$(CHECK_BUILD_JOBS) $(CHECK_BUILD)
	@$(MAKE) --no-print-directory ADAPTERS_SKIP=openclaw $(CHECK_PREP)
	@rm -rf $(BUILD)/check && mkdir -p $(BUILD)/check
	@$(MAKE) --no-print-directory -k -j$(CHECK_JOBS) --output-sync=target ADAPTERS_SKIP=openclaw \
		$(addprefix check-part-,$(CHECK_ORDER)); \
	 tests/check-summary $(BUILD)/check $(CHECK_PARTS)

# Each part's exit status, wall ms and CPU seconds (user + system of it and
# every process it waited for: what the part costs on a loaded machine).
check-part-%:
	@t0=$$(date +%s%N); /usr/bin/time -f '%U %S' -o $(BUILD)/check/$*.cpu \
	 $(MAKE) --no-print-directory $*; rc=$$?; \
	 echo "$$rc $$(( ($$(date +%s%N) - t0) / 1000000 )) $$(awk 'END { print $$1 + $$2 }' $(BUILD)/check/$*.cpu 2>/dev/null)" \
	 > $(BUILD)/check/$*

run: deps
	@$(MAKE) --no-print-directory all
	@$(LOCKCHAOS) run scenarios/

# ---- install, as a Debian tool --------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=staging]: the program, the
# reference holder, the catalog and the matrix's known findings, the man
# pages and the bash completion. lockchaos finds its holder and catalog
# relative to its own binary (BIN/../libexec/lockchaos,
# BIN/../share/lockchaos), so the layout under PREFIX is fixed and an
# installed tree (or a DESTDIR staging) can be moved.
PREFIX     ?= /usr/local
BINDIR      = $(PREFIX)/bin
LIBEXECDIR  = $(PREFIX)/libexec/lockchaos
DATADIR     = $(PREFIX)/share/lockchaos
MANDIR      = $(PREFIX)/share/man
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
MAN_PAGES   = $(BUILD)/man/lockchaos.1 $(BUILD)/man/lockchaos-scenario.5 \
	      $(BUILD)/man/lockchaos-holder.7
# Man pages from Markdown with Debian's lowdown; no smart quotes or dashes
# (an option must stay --json, not an en dash).
LOWDOWN     = lowdown -s -Tman --out-no-smarty -M source="lockchaos $(VERSION)"
COMMAND_NAMES = $(LOCKCHAOS) --help | sed -n 's/^  lockchaos \([a-z][a-z-]*\).*/\1/p'

man: $(MAN_PAGES)

# lockchaos(1): dist/man/lockchaos.1.md with each command's help (from the
# command table, `lockchaos help CMD`) in place of @COMMANDS@.
$(BUILD)/man/lockchaos.1: dist/man/lockchaos.1.md $(LOCKCHAOS)
	@mkdir -p $(dir $@)
	$(call say,MAN,$@){ sed '/^@COMMANDS@$$/,$$d' $<; \
	  for c in $$($(COMMAND_NAMES)); do \
	    printf '## %s\n\n' "$$c"; \
	    $(LOCKCHAOS) help "$$c" | sed '/^More: /,$$d; s/^/    /'; echo; \
	  done; sed '1,/^@COMMANDS@$$/d' $<; } | \
	  $(LOWDOWN) -M title=lockchaos -M section=1 >$@.tmp && mv $@.tmp $@

$(BUILD)/man/lockchaos-scenario.5: scenarios/README.md
	@mkdir -p $(dir $@)
	$(call say,MAN,$@){ printf '# NAME\n\nlockchaos-scenario - the scenario language of lockchaos(1)\n\n'; \
	  cat $<; } | $(LOWDOWN) -M title=lockchaos-scenario -M section=5 >$@.tmp && mv $@.tmp $@

$(BUILD)/man/lockchaos-holder.7: docs/holder-protocol.md
	@mkdir -p $(dir $@)
	$(call say,MAN,$@){ printf '# NAME\n\nlockchaos-holder - the protocol a lockchaos(1) holder speaks\n\n'; \
	  cat $<; } | $(LOWDOWN) -M title=lockchaos-holder -M section=7 >$@.tmp && mv $@.tmp $@

install: all man
	$(call say,INSTALL,$(DESTDIR)$(PREFIX))install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
	  $(DESTDIR)$(DATADIR)/known $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR)
	$(Q)install -m 755 $(LOCKCHAOS) $(DESTDIR)$(BINDIR)/lockchaos
	$(Q)install -m 755 $(HOLDER) $(DESTDIR)$(LIBEXECDIR)/sessionlock-holder
	$(Q)install -m 644 $(CLOCKSHIM) $(DESTDIR)$(LIBEXECDIR)/lockchaos-clockshim.so
	$(Q)install -m 644 $(SPEED_LIB) $(DESTDIR)$(LIBEXECDIR)/lockchaos-speed.so
	$(Q)install -m 644 $(LIBJITTER) $(DESTDIR)$(LIBEXECDIR)/libjitter.so
	$(Q)rm -rf $(DESTDIR)$(DATADIR)/scenarios
	$(Q)cd scenarios && find . -type f \( -name '*.scn' -o -name .lockchaos-catalog \) | \
	  while read -r f; do install -D -m 644 "$$f" "$(DESTDIR)$(DATADIR)/scenarios/$$f" || exit 1; done
	$(Q)install -m 644 fixtures/known/*.txt $(DESTDIR)$(DATADIR)/known/
	$(Q)rm -rf $(DESTDIR)$(DATADIR)/kits
	$(Q)cd kits && find . -type f ! -path '*/__pycache__/*' | \
	  while read -r f; do install -D -m 644 "$$f" "$(DESTDIR)$(DATADIR)/kits/$$f" || exit 1; done
	$(Q)install -m 644 $(BUILD)/man/lockchaos.1 $(DESTDIR)$(MANDIR)/man1/
	$(Q)install -m 644 $(BUILD)/man/lockchaos-scenario.5 $(DESTDIR)$(MANDIR)/man5/
	$(Q)install -m 644 $(BUILD)/man/lockchaos-holder.7 $(DESTDIR)$(MANDIR)/man7/
	$(Q)install -m 644 dist/bash-completion/lockchaos $(DESTDIR)$(BASHCOMPDIR)/lockchaos

# Removes what install put there; the folders that are lockchaos's own go
# whole, the shared ones (bin, man1 ...) stay.
uninstall:
	$(call say,RM,$(DESTDIR)$(PREFIX))rm -f $(DESTDIR)$(BINDIR)/lockchaos \
	  $(DESTDIR)$(MANDIR)/man1/lockchaos.1 $(DESTDIR)$(MANDIR)/man5/lockchaos-scenario.5 \
	  $(DESTDIR)$(MANDIR)/man7/lockchaos-holder.7 $(DESTDIR)$(BASHCOMPDIR)/lockchaos
	$(Q)rm -rf $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)

# A Debian package (PREFIX=/usr) built with dpkg-buildpackage from a copy
# of the tracked files in $(BUILD)/deb/src (so its `make clean` never
# touches this tree's build): $(BUILD)/deb/lockchaos_VERSION_ARCH.deb.
# debian/changelog's version must be VERSION.
DEB_TOOLS = dpkg-dev debhelper
deb: deps
	@missing=""; for p in $(DEB_TOOLS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; [ -z "$$missing" ] || { echo "  DEPS   installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; }
	@v=$$(dpkg-parsechangelog -S Version); [ "$$v" = "$(VERSION)" ] || \
	  { echo "debian/changelog says $$v, the Makefile's VERSION $(VERSION)"; exit 1; }
	@rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/src
	@git ls-files -z | xargs -0 tar -cf - | tar -xf - -C $(BUILD)/deb/src
	$(call say,DEB,$(BUILD)/deb)cd $(BUILD)/deb/src && dpkg-buildpackage -b -uc -us >../build.log 2>&1 || \
	  { tail -n 30 ../build.log; exit 1; }
	@ls $(BUILD)/deb/*.deb

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

# Fragments owned by parts of the tree (adapters, browser test ...).
-include $(wildcard fixtures/*/*.mk tests/*.mk)
