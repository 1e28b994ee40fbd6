# SPDX-License-Identifier: MIT
# tests/fuzz/: libFuzzer programs, one per parser, built only in the fuzz
# variant (make SAN=fuzz CC=clang fuzzers; `make fuzz` builds and runs
# them).  Each is fuzz_main.c compiled for one harness of harness.c.
FUZZ_TARGETS := opts jobfile trace axis ring report vblock
FUZZERS := $(FUZZ_TARGETS:%=$(B)/tests/fuzz/fuzz_%)

$(B)/tests/fuzz/fuzz_main-%.o: tests/fuzz/fuzz_main.c
	@mkdir -p $(@D)
	$(quiet) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -DFUZZ_ONE=fuzz_$* -c -o $@ $<

$(B)/tests/fuzz/fuzz_%: $(B)/tests/fuzz/fuzz_main-%.o \
		$(B)/tests/fuzz/harness.o $(LIBS)
	$(quiet) LD $@
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ \
		$(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

fuzzers: $(FUZZERS)

.PHONY: fuzzers
