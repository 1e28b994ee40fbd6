# SPDX-License-Identifier: MIT
# tests/: one CUnit program per module, test_<module>.c, each linked with
# the shared driver cu_main.c and every library (objects first, then the
# libraries they use, whatever order the prerequisites were named in).
tests_SRCS := $(wildcard tests/test_*.c)
TESTS += $(tests_SRCS:%.c=$(B)/%)

$(B)/tests/test_%: $(B)/tests/test_%.o $(B)/tests/cu_main.o $(LIBS)
	$(quiet) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

# test_fuzz replays the fuzz corpus through the harnesses of tests/fuzz/.
$(B)/tests/test_fuzz: $(B)/tests/fuzz/harness.o
