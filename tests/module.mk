# SPDX-License-Identifier: MIT
# tests/: one CUnit program per module, test_<module>.c, each linked with
# the shared driver cu_main.c and every library.
tests_SRCS := $(wildcard tests/test_*.c)
TESTS += $(tests_SRCS:%.c=$(B)/%)

$(B)/tests/test_%: $(B)/tests/test_%.o $(B)/tests/cu_main.o $(LIBS)
	$(quiet) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
