# tests/browser.mk - the browser test of the HTML report (included by the
# top Makefile).
#
#   make browser-test                 sample report from tests/histories,
#                                     rendered by tests/browser/render.c
#   make browser-test REPORT=DIR      an existing report folder (summary.json,
#                                     index.html, <dir>/timeline.html)
#
# Opens the index and the timelines in headless Chromium (installed by
# `make deps-browser`), checks what is drawn, that no page logged a console
# error, ran injected script or touched the network, and saves screenshots
# in $(BROWSER_SHOTS). Ends with "N passed, N failed"; fails without
# Chromium.

BROWSER_SAMPLE    ?= $(BUILD)/browser-sample
BROWSER_SHOTS     ?= $(BUILD)/browser-shots
BROWSER_RENDER     = $(BUILD)/tests/browser-render
BROWSER_HISTORIES  = $(sort $(wildcard tests/histories/html-*.jsonl))
REPORT            ?=

.PHONY: browser-test browser-sample browser-node

# The timeline reads the fault and checker tables, which live with their
# modules: the renderer links the harness library, as the unit tests do.
$(BROWSER_RENDER): $(call obj,tests/browser/render.c) $(LIBHARNESS) $(LIBKIT)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

browser-sample: $(BROWSER_RENDER)
	@rm -rf $(BROWSER_SAMPLE)
	@$(BROWSER_RENDER) $(BROWSER_SAMPLE) tests/browser/summary.json $(BROWSER_HISTORIES)

# The DevTools client is plain node (no npm package); Debian's nodejs will do.
browser-node:
	@command -v node >/dev/null 2>&1 || { \
	  echo "  DEPS   installing: nodejs"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null; }

browser-test: deps-browser browser-node $(if $(REPORT),,browser-sample)
	@rm -rf $(BROWSER_SHOTS)
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "browser-test: chromium is not installed ('make deps-browser' installs Debian's chromium)"; \
	  echo "0 passed, 1 failed"; exit 1; }
	@node tests/browser/check.mjs --report $(if $(REPORT),$(REPORT),$(BROWSER_SAMPLE)) \
		--shots $(BROWSER_SHOTS)
