# Builds @PROG@ from @SRC@ and the lockchaos C holder kit (its sources are
# compiled in: nothing to install but libjq, Debian's libjq-dev).
#
#   make                     build ./@PROG@
#   make KIT=/path/to/kits/c build against another copy of the kit
#   lockchaos check-holder ./@PROG@
KIT     ?= @KIT@
CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter
KIT_SRC  = $(filter-out $(KIT)/example_%,$(wildcard $(KIT)/*.c))

@PROG@: @SRC@ $(KIT_SRC) $(wildcard $(KIT)/*.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) -iquote $(KIT) -o $@ @SRC@ $(KIT_SRC) $(LDFLAGS) -ljq

clean:
	rm -f @PROG@

.PHONY: clean
