# SPDX-License-Identifier: MIT
# ring/: the blkif wire format and the shared ring.  Depends on nothing.
ring_SRCS := $(wildcard ring/*.c)
$(B)/libring.a: $(ring_SRCS:%.c=$(B)/%.o)
