# SPDX-License-Identifier: MIT
# bench/: the blkring command line, statistics and reports.  main.c is the
# program; everything else is a library the tests link too.
bench_SRCS := $(filter-out bench/main.c,$(wildcard bench/*.c))
$(B)/libbench.a: $(bench_SRCS:%.c=$(B)/%.o)

# Link order: a library before the libraries it uses.
LIBS := $(B)/libbench.a $(B)/libsim.a $(B)/libworkloads.a $(B)/libring.a

$(B)/blkring: $(B)/bench/main.o $(LIBS)
	$(quiet) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

PROGS += $(B)/blkring

# The plain build is also linked at the top, where the README points.
ifeq ($(SAN),)
blkring: $(B)/blkring
	$(Q)ln -sf $< $@
PROGS += blkring
endif
