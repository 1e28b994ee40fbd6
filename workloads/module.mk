# SPDX-License-Identifier: MIT
# workloads/: I/O generators.  Depends on nothing.
workloads_SRCS := $(wildcard workloads/*.c)
$(B)/libworkloads.a: $(workloads_SRCS:%.c=$(B)/%.o)
