/* SPDX-License-Identifier: MIT */
/*
 * Test helpers shared by test_target.c and test_file_backend.c: a seeded
 * generator, a data pattern that is a function of (seed, disk offset), and
 * random blkif-like I/O layouts, where each iovec covers sectors
 * first..last of its own 4096-byte page, as a blkif segment does.
 * Header-only (static inline), so each test program stays one .c file.
 * Test thread only.
 */
#ifndef BLKRING_TESTS_TARGET_PATTERN_H
#define BLKRING_TESTS_TARGET_PATTERN_H

#include <stdint.h>
#include <string.h>

#include "sim/target.h"

#define TP_PAGE_BYTES 4096u
#define TP_SECTORS_PER_PAGE (TP_PAGE_BYTES / TARGET_SECTOR_BYTES)

/* splitmix64: a fixed seed gives a fixed sequence. */
static inline uint64_t tp_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A value in [0, n), n > 0. */
static inline uint64_t tp_below(uint64_t *state, uint64_t n)
{
	return tp_next(state) % n;
}

/* The pattern byte that generation seed writes at disk offset off. */
static inline uint8_t tp_byte(uint64_t seed, uint64_t off)
{
	uint64_t s = seed * 0x100000001b3ull + (off >> 3);

	return (uint8_t)(tp_next(&s) >> ((off & 7) * 8));
}

/* Iovecs per random I/O: one direct blkif request's segments. */
#define TP_MAX_IOV 11

/*
 * Lays out a random I/O over pages (TP_MAX_IOV pages of 4096 bytes,
 * one per iovec): 1..11 iovecs, each covering a random run of sectors of
 * its page, trimmed so that the total is at most max_bytes (a non-zero
 * multiple of 512).  Sets io->iov and io->nr_iov; returns the length.
 */
static inline uint32_t tp_random_layout(struct target_io *io, uint8_t *pages,
					uint64_t *rng, uint32_t max_bytes)
{
	unsigned int nr = 1 + (unsigned int)tp_below(rng, TP_MAX_IOV);
	uint32_t len = 0;

	io->nr_iov = 0;
	for (unsigned int i = 0; i < nr && len < max_bytes; i++) {
		unsigned int first =
			(unsigned int)tp_below(rng, TP_SECTORS_PER_PAGE);
		unsigned int count =
			1 + (unsigned int)tp_below(rng,
						   TP_SECTORS_PER_PAGE - first);
		uint32_t seg = count * TARGET_SECTOR_BYTES;

		if (seg > max_bytes - len)
			seg = max_bytes - len;
		io->iov[i].iov_base = pages + (size_t)i * TP_PAGE_BYTES +
				      first * TARGET_SECTOR_BYTES;
		io->iov[i].iov_len = seg;
		io->nr_iov++;
		len += seg;
	}
	return len;
}

/* Fills io's iovecs with seed's pattern for io->offset_bytes onwards. */
static inline void tp_fill(const struct target_io *io, uint64_t seed)
{
	uint64_t off = io->offset_bytes;

	for (unsigned int i = 0; i < io->nr_iov; i++) {
		uint8_t *p = io->iov[i].iov_base;

		for (size_t b = 0; b < io->iov[i].iov_len; b++)
			p[b] = tp_byte(seed, off++);
	}
}

/* Copies io's iovecs into shadow at io->offset_bytes (a model disk). */
static inline void tp_apply(const struct target_io *io, uint8_t *shadow)
{
	uint64_t off = io->offset_bytes;

	for (unsigned int i = 0; i < io->nr_iov; i++) {
		memcpy(shadow + off, io->iov[i].iov_base, io->iov[i].iov_len);
		off += io->iov[i].iov_len;
	}
}

/*
 * Compares io's iovecs with shadow at io->offset_bytes, every byte.
 * Returns the disk offset of the first difference, or UINT64_MAX.
 */
static inline uint64_t tp_compare(const struct target_io *io,
				  const uint8_t *shadow)
{
	uint64_t off = io->offset_bytes;

	for (unsigned int i = 0; i < io->nr_iov; i++) {
		const uint8_t *p = io->iov[i].iov_base;

		for (size_t b = 0; b < io->iov[i].iov_len; b++, off++)
			if (p[b] != shadow[off])
				return off;
	}
	return UINT64_MAX;
}

#endif
