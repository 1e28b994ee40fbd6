/* SPDX-License-Identifier: MIT */
/*
 * The only way shared memory is touched in blkring: loads and stores with
 * a stated memory order, built on C11 <stdatomic.h>.  Any thread may use
 * them.
 *
 * Memory that is not declared _Atomic (a ring slot, a granted page) is cast
 * to an _Atomic pointer of the same type, as liburing's barrier.h does, so
 * one helper serves both.  The target type must be a naturally aligned
 * scalar of at most 8 bytes, for which the atomic access is a plain mov
 * on x86-64 and the compiler must emit it exactly once: that is what makes
 * ring_load_relaxed() a READ_ONCE and the basis of copy-once.
 *
 * Which order to use:
 * - ring_store_release / ring_load_acquire publish and consume: everything
 *   written before the release store is visible after the acquire load
 *   that reads it (Xen's wmb-then-store and load-then-rmb);
 * - ring_store_seq_cst / ring_load_seq_cst are for the notification
 *   hold-off, where a store must be ordered before a later load of a
 *   different location (Xen's full mb).  Seq_cst accesses on both sides
 *   give that; stand-alone fences are avoided because ThreadSanitizer does
 *   not model them (see STYLE.md rule 13);
 * - ring_load_relaxed / ring_store_relaxed are READ_ONCE/WRITE_ONCE: one
 *   untorn access, no ordering.
 */
#ifndef BLKRING_RING_BARRIER_H
#define BLKRING_RING_BARRIER_H

#include <stdatomic.h>

#define ring__atomic_ptr(p) ((_Atomic __typeof__(*(p)) *)(p))

#define ring_load_relaxed(p) \
	atomic_load_explicit(ring__atomic_ptr(p), memory_order_relaxed)
#define ring_store_relaxed(p, v) \
	atomic_store_explicit(ring__atomic_ptr(p), (v), memory_order_relaxed)
#define ring_load_acquire(p) \
	atomic_load_explicit(ring__atomic_ptr(p), memory_order_acquire)
#define ring_store_release(p, v) \
	atomic_store_explicit(ring__atomic_ptr(p), (v), memory_order_release)
#define ring_load_seq_cst(p) \
	atomic_load_explicit(ring__atomic_ptr(p), memory_order_seq_cst)
#define ring_store_seq_cst(p, v) \
	atomic_store_explicit(ring__atomic_ptr(p), (v), memory_order_seq_cst)

#endif
