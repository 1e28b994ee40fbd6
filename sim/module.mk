# SPDX-License-Identifier: MIT
# sim/: the actors and the engines that run them.  Depends on ring/ and
# workloads/.
sim_SRCS := $(wildcard sim/*.c)
$(B)/libsim.a: $(sim_SRCS:%.c=$(B)/%.o)
