# SPDX-License-Identifier: MIT
#
# blkring: one non-recursive Makefile.  Each folder contributes a module.mk
# that names its sources; objects land in build/<variant>/ so the plain,
# AddressSanitizer and ThreadSanitizer builds never share an object file.
#
#   make                  build the blkring binary and the test programs
#   make test             run every CUnit program under a timeout
#   make test-asan        the same, built with -fsanitize=address,undefined
#   make test-tsan        the same, built with -fsanitize=thread
#   make test-all         all three
#   make fuzz             libFuzzer on every parser (FUZZ_TIME s each)
#   make deps             install missing Debian packages (apt-get)
#   make format-check     clang-format in dry-run mode (CI)
#   make studies          the seed studies: sweeps, tables, plots (minutes)
#   make studies-quick    the same, small: a smoke test of sweep and plot

SAN ?=
VARIANT := $(if $(SAN),$(SAN),release)
B := build/$(VARIANT)

CFLAGS ?= -O2 -g
override CFLAGS += -std=c11 -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wformat=2 \
	-Wvla -pthread
override CPPFLAGS += -D_GNU_SOURCE -I. -MMD -MP
override LDFLAGS += -pthread
LDLIBS := -luring -lcunit -lm

ifeq ($(SAN),asan)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
else ifeq ($(SAN),tsan)
SANFLAGS := -fsanitize=thread -O1 -g
else ifeq ($(SAN),fuzz)
# clang only: the libraries are instrumented for libFuzzer's coverage.
SANFLAGS := -fsanitize=address,undefined,fuzzer-no-link \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
else ifneq ($(SAN),)
$(error SAN must be empty, asan, tsan or fuzz (got '$(SAN)'))
endif
override CFLAGS += $(SANFLAGS)
override LDFLAGS += $(SANFLAGS)

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-6s %s\n'
endif

# The default goal; its prerequisites come below.
all:

# Filled in by the module.mk files.
LIBS :=
PROGS :=
TESTS :=

include ring/module.mk
include workloads/module.mk
include sim/module.mk
include bench/module.mk
include tests/module.mk
include tests/fuzz/module.mk

all: $(PROGS) $(TESTS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/lib%.a:
	@mkdir -p $(@D)
	$(quiet) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Tools the README's two commands need; installed only when missing.
DEPS_PKGS := liburing-dev libcunit1-dev gnuplot-nox fio
DEPS_CHECK := /usr/include/liburing.h /usr/include/CUnit/CUnit.h

deps:
	@tools/deps.sh $(DEPS_PKGS)

test: deps all
	@tools/run-tests.sh $(TESTS)

# The README's main job: the default benchmark, with its report.
run: deps all
	./blkring run --filename=build/blkring.dat

# The seed studies (docs/results.md) and their quick variant (CI).
studies: deps all
	tools/studies.sh full

studies-quick: deps all
	tools/studies.sh quick

test-asan:
	@$(MAKE) --no-print-directory SAN=asan test

test-tsan:
	@$(MAKE) --no-print-directory SAN=tsan test

test-all: test test-asan test-tsan

# libFuzzer on every parser, FUZZ_TIME seconds each, from the seeds in
# tests/fuzz/corpus/; a crash is saved under build/fuzz/crashes/.
FUZZ_TIME ?= 60

fuzz: deps
	@tools/deps.sh clang libclang-rt-14-dev
	@$(MAKE) --no-print-directory SAN=fuzz CC=clang fuzzers
	@tools/fuzz.sh $(FUZZ_TIME) $(FUZZ_TARGETS)

FORMAT_FILES = $(wildcard ring/*.[ch] sim/*.[ch] workloads/*.[ch] \
	bench/*.[ch] tests/*.[ch] tests/fuzz/*.[ch])

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf build

.SECONDARY:

.PHONY: all deps run studies studies-quick test test-asan test-tsan test-all \
	fuzz format format-check clean

-include $(wildcard $(B)/*/*.d $(B)/*/*/*.d)
