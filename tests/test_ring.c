// SPDX-License-Identifier: MIT
/*
 * Tests of ring/: the wire format, ring sizes, the notify decision, the
 * overflow checks, single-thread protocol walks across the 2^32 wrap, and
 * a two-thread stress test that sleeps on a futex through the final-check
 * protocol and would hang (caught by a watchdog) on a lost wake-up, once
 * as fast as it goes and once with random delays around every publish and
 * final check.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ring/ring.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct blkif_sring *sring_alloc(unsigned int order)
{
	struct blkif_sring *s = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(order));

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

/* ---- Sizes -------------------------------------------------------------- */

static void test_entries_per_order(void)
{
	static const struct {
		unsigned int order, entries;
	} cases[] = {
		{ 0, 32 }, { 1, 64 }, { 2, 128 }, { 3, 256 }, { 4, 512 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CU_ASSERT_EQUAL(ring_entries(cases[i].order), cases[i].entries);
		CU_ASSERT_EQUAL(ring_bytes(cases[i].order),
				(size_t)4096 << cases[i].order);
	}
}

static void test_entries_for_bytes(void)
{
	static const struct {
		size_t bytes;
		unsigned int entries;
	} cases[] = {
		{ 0, 0 },
		{ 64, 0 },
		{ 64 + 111, 0 },
		{ 64 + 112, 1 },
		{ 64 + 3 * 112, 2 }, /* 3 fit, rounded down */
		{ 64 + 32 * 112, 32 },
		{ 64 + 32 * 112 - 1, 16 },
		{ 4096, 32 },	/* 36 fit */
		{ 8192, 64 },	/* 72 fit */
		{ 65536, 512 }, /* 584 fit */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CU_ASSERT_EQUAL(ring_entries_for_bytes(cases[i].bytes),
				cases[i].entries);
}

/* ---- The notify decision ------------------------------------------------ */

static void test_notify_needed(void)
{
	static const struct {
		RING_IDX old, new_prod, event;
		bool notify;
	} cases[] = {
		/* Nothing published never notifies. */
		{ 5, 5, 5, false },
		{ 5, 5, 6, false },
		/* Event at the first, last, past-last and before-first. */
		{ 5, 8, 6, true },
		{ 5, 8, 8, true },
		{ 5, 8, 9, false },
		{ 5, 8, 5, false },
		{ 5, 8, 4, false },
		/* Event far behind (consumer busy) and far ahead. */
		{ 1000, 1001, 1, false },
		{ 1000, 1001, 900000, false },
		/* Single push, consumer waiting for exactly it. */
		{ 0, 1, 1, true },
		/* Windows across the wrap at 2^32. */
		{ UINT32_MAX - 1, 2, UINT32_MAX, true },
		{ UINT32_MAX - 1, 2, 0, true },
		{ UINT32_MAX - 1, 2, 2, true },
		{ UINT32_MAX - 1, 2, 3, false },
		{ UINT32_MAX - 1, 2, UINT32_MAX - 1, false },
		{ UINT32_MAX, 0, 0, true },
		{ UINT32_MAX, 0, UINT32_MAX, false },
		{ UINT32_MAX, 0, 1, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool got = ring_notify_needed(cases[i].old, cases[i].new_prod,
					      cases[i].event);

		if (got != cases[i].notify)
			fprintf(stderr, "case %zu: old %u new %u event %u\n", i,
				cases[i].old, cases[i].new_prod,
				cases[i].event);
		CU_ASSERT_EQUAL(got, cases[i].notify);
	}
}

/* ---- Overflow checks with bogus indices -------------------------------- */

static void test_overflow_checks(void)
{
	static const struct {
		RING_IDX base; /* rsp_prod_pvt == req_cons == rsp_cons */
		RING_IDX prod; /* the peer's producer index */
		bool prod_overflow;
		unsigned int unconsumed; /* clamped, backend view */
	} cases[] = {
		{ 0, 0, false, 0 },
		{ 0, 1, false, 1 },
		{ 0, 32, false, 32 },
		{ 0, 33, true, 32 },
		{ 0, UINT32_MAX, true, 32 }, /* "backwards": -1 */
		{ 100, 99, true, 32 },	     /* backwards by one */
		{ 100, 0, true, 32 },
		{ UINT32_MAX - 3, 28, false, 32 }, /* 32 across the wrap */
		{ UINT32_MAX - 3, 29, true, 32 },
		{ UINT32_MAX, UINT32_MAX, false, 0 },
		{ UINT32_MAX, 5, false, 6 },
	};
	struct blkif_sring *s = sring_alloc(0);
	struct ring_back back;
	struct ring_front front;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ring_sring_init_at(s, 0, cases[i].base);
		ring_back_attach(&back, s, 0, cases[i].base);
		ring_front_attach(&front, s, 0, cases[i].base);
		CU_ASSERT_EQUAL(ring_back_request_prod_overflow(&back,
								cases[i].prod),
				cases[i].prod_overflow);
		CU_ASSERT_EQUAL(ring_front_response_prod_overflow(
					&front, cases[i].prod),
				cases[i].prod_overflow);
		CU_ASSERT_EQUAL(ring_back_unconsumed_requests_at(&back,
								 cases[i].prod),
				cases[i].unconsumed);
		/* The same through the shared index. */
		ring_store_relaxed(&s->req_prod, cases[i].prod);
		CU_ASSERT_EQUAL(ring_back_unconsumed_requests(&back),
				cases[i].unconsumed);
	}
	free(s);
}

static void test_cons_overflow(void)
{
	static const RING_IDX bases[] = { 0, 1000, UINT32_MAX - 10 };
	struct blkif_sring *s = sring_alloc(1);
	struct ring_back back;

	for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
		RING_IDX b = bases[i];

		ring_sring_init_at(s, 1, b);
		ring_back_attach(&back, s, 1, b);
		CU_ASSERT_FALSE(ring_back_request_cons_overflow(&back, b));
		CU_ASSERT_FALSE(ring_back_request_cons_overflow(&back, b + 63));
		CU_ASSERT_TRUE(ring_back_request_cons_overflow(&back, b + 64));
		CU_ASSERT_TRUE(ring_back_request_cons_overflow(&back, b - 1));
	}
	free(s);
}

/* ---- Single-thread protocol walks --------------------------------------- */

static struct blkif_request make_req(uint64_t id)
{
	struct blkif_request req = {
		.operation = id % 2 ? BLKIF_OP_WRITE : BLKIF_OP_READ,
		.nr_segments = 1 + id % BLKIF_MAX_SEGMENTS_PER_REQUEST,
		.handle = 0x5a,
		.id = id,
		.sector_number = id * 88,
	};

	for (unsigned int i = 0; i < req.nr_segments; i++) {
		req.seg[i].gref = (grant_ref_t)(id * 16 + i);
		req.seg[i].first_sect = i % 8;
		req.seg[i].last_sect = 7;
	}
	return req;
}

/*
 * Walks @rounds full-ring round trips starting at index @base, checking
 * the notify decisions of the canonical pattern: a consumer that did its
 * final check is notified once per push; one that did not is not.
 */
static void walk(unsigned int order, RING_IDX base, unsigned int rounds)
{
	struct blkif_sring *s = sring_alloc(order);
	struct ring_front front;
	struct ring_back back;
	unsigned int n = ring_entries(order);
	uint64_t next_id = 0, next_rsp = 0;

	ring_sring_init_at(s, order, base);
	ring_front_attach(&front, s, order, base);
	ring_back_attach(&back, s, order, base);

	for (unsigned int r = 0; r < rounds; r++) {
		/* Backend idle: final check finds nothing, sets the event. */
		CU_ASSERT_EQUAL(ring_back_final_check_for_requests(&back), 0);
		CU_ASSERT_EQUAL(ring_load_relaxed(&s->req_event),
				back.req_cons + 1);

		for (unsigned int i = 0; i < n; i++) {
			struct blkif_request req = make_req(next_id++);

			CU_ASSERT_FALSE(ring_front_full(&front));
			ring_front_put_request(&front, &req);
		}
		CU_ASSERT_TRUE(ring_front_full(&front));
		CU_ASSERT_EQUAL(ring_front_free_requests(&front), 0);
		/* First push after the backend's final check: notify. */
		CU_ASSERT_TRUE(
			ring_front_push_requests_and_check_notify(&front));
		/* Pushing nothing more never notifies. */
		CU_ASSERT_FALSE(
			ring_front_push_requests_and_check_notify(&front));

		RING_IDX rp = ring_back_req_prod(&back);

		CU_ASSERT_FALSE(ring_back_request_prod_overflow(&back, rp));
		CU_ASSERT_EQUAL(ring_back_unconsumed_requests(&back), n);
		CU_ASSERT_EQUAL(ring_front_final_check_for_responses(&front),
				0);
		for (unsigned int i = 0; i < n; i++) {
			struct blkif_request got;
			struct blkif_request want;

			CU_ASSERT_FALSE(ring_back_request_cons_overflow(
				&back, back.req_cons));
			ring_back_copy_request(&back, back.req_cons++, &got);
			want = make_req(got.id);
			CU_ASSERT_EQUAL(memcmp(&got, &want, sizeof(got)), 0);
			ring_back_put_response(&back, got.id, got.operation,
					       BLKIF_RSP_OKAY);
			/*
			 * The frontend waits for the first response only:
			 * exactly the first push notifies.
			 */
			CU_ASSERT_EQUAL(
				ring_back_push_responses_and_check_notify(
					&back),
				i == 0);
		}
		CU_ASSERT_EQUAL(back.req_cons, rp);
		/* Every request answered: a whole ring may be consumed. */
		CU_ASSERT_FALSE(
			ring_back_request_cons_overflow(&back, back.req_cons));
		CU_ASSERT_TRUE(ring_back_request_cons_overflow(
			&back, back.req_cons + n));

		RING_IDX prod = ring_front_rsp_prod(&front);

		CU_ASSERT_FALSE(
			ring_front_response_prod_overflow(&front, prod));
		CU_ASSERT_EQUAL(ring_front_unconsumed_responses(&front), n);
		for (; front.rsp_cons != prod; front.rsp_cons++) {
			struct blkif_response rsp;

			ring_front_copy_response(&front, front.rsp_cons, &rsp);
			CU_ASSERT_EQUAL(rsp.id, next_rsp);
			CU_ASSERT_EQUAL(rsp.operation,
					make_req(next_rsp).operation);
			CU_ASSERT_EQUAL(rsp.status, BLKIF_RSP_OKAY);
			next_rsp++;
		}
		CU_ASSERT_EQUAL(ring_front_free_requests(&front), n);
	}
	CU_ASSERT_EQUAL(next_rsp, next_id);
	free(s);
}

static void test_walk_all_orders(void)
{
	for (unsigned int order = 0; order <= RING_ORDER_MAX; order++)
		walk(order, 0, 3);
}

static void test_walk_across_wrap(void)
{
	/* Every slot offset relative to the wrap, for two ring sizes. */
	for (RING_IDX back = 0; back < 40; back += 3) {
		walk(0, UINT32_MAX - back, 3);
		walk(1, UINT32_MAX - back, 2);
	}
}

/*
 * A busy consumer (no final check since it last drained) is not notified;
 * the hold-off lasts exactly until it asks again.
 */
static void test_hold_off(void)
{
	struct blkif_sring *s = sring_alloc(0);
	struct ring_front front;
	struct ring_back back;
	struct blkif_request req = make_req(1), got;

	ring_sring_init_at(s, 0, UINT32_MAX - 1);
	ring_front_attach(&front, s, 0, UINT32_MAX - 1);
	ring_back_attach(&back, s, 0, UINT32_MAX - 1);

	/* Initial event = idx + 1: the very first request notifies. */
	ring_front_put_request(&front, &req);
	CU_ASSERT_TRUE(ring_front_push_requests_and_check_notify(&front));
	/* Backend consumes it but does not do its final check yet. */
	ring_back_copy_request(&back, back.req_cons++, &got);
	ring_front_put_request(&front, &req);
	CU_ASSERT_FALSE(ring_front_push_requests_and_check_notify(&front));
	ring_front_put_request(&front, &req);
	CU_ASSERT_FALSE(ring_front_push_requests_and_check_notify(&front));
	/* Final check sees work: the event index stays behind. */
	CU_ASSERT_EQUAL(ring_back_final_check_for_requests(&back), 2);
	ring_back_copy_request(&back, back.req_cons++, &got);
	ring_back_copy_request(&back, back.req_cons++, &got);
	CU_ASSERT_EQUAL(ring_back_final_check_for_requests(&back), 0);
	ring_front_put_request(&front, &req);
	CU_ASSERT_TRUE(ring_front_push_requests_and_check_notify(&front));
	/* Plain push without check moves the index all the same. */
	CU_ASSERT_EQUAL(ring_back_unconsumed_requests(&back), 1);
	free(s);
}

/* The response slot is written field by field: padding keeps its bytes. */
static void test_response_fields_only(void)
{
	struct blkif_sring *s = sring_alloc(0);
	struct ring_back back;
	union blkif_sring_entry *slot;

	ring_sring_init(s, 0);
	ring_back_init(&back, s, 0);
	slot = ring_sring_slot(s, back.nr_ents, 0);
	memset(slot, 0xee, sizeof(*slot));
	ring_back_put_response(&back, 0x1122334455667788ull, BLKIF_OP_WRITE,
			       BLKIF_RSP_ERROR);
	CU_ASSERT_EQUAL(slot->rsp.id, 0x1122334455667788ull);
	CU_ASSERT_EQUAL(slot->rsp.operation, BLKIF_OP_WRITE);
	CU_ASSERT_EQUAL(slot->rsp.status, BLKIF_RSP_ERROR);
	/* Byte 9 and bytes 12..15 are padding: untouched. */
	CU_ASSERT_EQUAL(((uint8_t *)slot)[9], 0xee);
	CU_ASSERT_EQUAL(((uint8_t *)slot)[12], 0xee);
	CU_ASSERT_EQUAL(((uint8_t *)slot)[15], 0xee);
	free(s);
}

/* ---- Two-thread stress with futex sleeps --------------------------------- */

/*
 * A wake-up counter: the waiter samples it before its final check and
 * sleeps only if it is unchanged, so a notification sent after the sample
 * is never lost in the kernel.  What the test proves is that the ring never
 * withholds a notification the sleeper needs.
 */
struct waker {
	_Atomic uint32_t seq;
	_Atomic uint64_t sleeps;
};

static long futex(_Atomic uint32_t *addr, int op, uint32_t val)
{
	return syscall(SYS_futex, (uint32_t *)addr, op, val, NULL, NULL, 0);
}

static void waker_notify(struct waker *w)
{
	atomic_fetch_add_explicit(&w->seq, 1, memory_order_release);
	futex(&w->seq, FUTEX_WAKE_PRIVATE, 1);
}

static void waker_wait(struct waker *w, uint32_t seen)
{
	atomic_fetch_add_explicit(&w->sleeps, 1, memory_order_relaxed);
	while (futex(&w->seq, FUTEX_WAIT_PRIVATE, seen) == -1 && errno == EINTR)
		;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct stress {
	unsigned int order;
	RING_IDX base;
	uint64_t count;
	uint64_t seed;
	struct blkif_sring *sring;
	struct waker to_back, to_front;
	_Atomic uint64_t sent, answered; /* progress, for the watchdog */
	_Atomic bool stop;
	bool jitter; /* random delays around every publish and final check */
	/* Results, read by the test thread after join. */
	uint64_t bad_payload, bad_response, overflow, kicks, irqs;
};

/* Spin a little before sleeping, so sleeps happen but do not dominate. */
static unsigned int spin_budget(uint64_t *rnd)
{
	uint64_t r = xorshift(rnd) % 8;

	return r < 2 ? 0 : (unsigned int)(r * 64);
}

/*
 * With st->jitter, a random delay where a lost wake-up would hide: before
 * and after each publish-and-check, and before each final check.  One
 * call in eight spins up to ~350 pause-free turns, one in 64 yields the
 * CPU (a preemption at the worst moment).
 */
static void jitter(const struct stress *st, uint64_t *rnd)
{
	uint64_t r;

	if (!st->jitter)
		return;
	r = xorshift(rnd) % 64;
	if (r < 8) {
		for (volatile unsigned int i = 0; i < r * 50; i++)
			;
	} else if (r == 63) {
		sched_yield();
	}
}

static void *stress_front(void *arg)
{
	struct stress *st = arg;
	struct ring_front front;
	uint64_t rnd = st->seed, next = 0, next_rsp = 0;

	ring_front_attach(&front, st->sring, st->order, st->base);
	while (next_rsp < st->count &&
	       !atomic_load_explicit(&st->stop, memory_order_relaxed)) {
		unsigned int batch = 1 + xorshift(&rnd) % (2 * front.nr_ents);

		while (batch-- && next < st->count &&
		       !ring_front_full(&front)) {
			struct blkif_request req = make_req(next++);

			ring_front_put_request(&front, &req);
		}
		jitter(st, &rnd);
		if (ring_front_push_requests_and_check_notify(&front)) {
			st->kicks++;
			jitter(st, &rnd);
			waker_notify(&st->to_back);
		}
		atomic_store_explicit(&st->sent, next, memory_order_relaxed);

		/* Reap; sleep only if the ring is full or all is sent. */
		for (unsigned int spins = spin_budget(&rnd);;) {
			uint32_t seen = atomic_load_explicit(
				&st->to_front.seq, memory_order_acquire);
			RING_IDX rp = ring_front_rsp_prod(&front);

			if (ring_front_response_prod_overflow(&front, rp)) {
				st->overflow++;
				atomic_store(&st->stop, true);
				return NULL;
			}
			for (; front.rsp_cons != rp; front.rsp_cons++) {
				struct blkif_response rsp;

				ring_front_copy_response(&front, front.rsp_cons,
							 &rsp);
				if (rsp.id != next_rsp ||
				    rsp.operation !=
					    make_req(rsp.id).operation ||
				    rsp.status != BLKIF_RSP_OKAY)
					st->bad_response++;
				next_rsp++;
			}
			atomic_store_explicit(&st->answered, next_rsp,
					      memory_order_relaxed);
			if (next_rsp == st->count ||
			    atomic_load_explicit(&st->stop,
						 memory_order_relaxed))
				break;
			if (!ring_front_full(&front) && next < st->count)
				break;
			if (spins) {
				spins--;
				continue;
			}
			jitter(st, &rnd);
			if (ring_front_final_check_for_responses(&front))
				continue;
			waker_wait(&st->to_front, seen);
		}
	}
	return NULL;
}

static void *stress_back(void *arg)
{
	struct stress *st = arg;
	struct ring_back back;
	uint64_t rnd = st->seed * 7 + 1, expect = 0;

	ring_back_attach(&back, st->sring, st->order, st->base);
	while (expect < st->count &&
	       !atomic_load_explicit(&st->stop, memory_order_relaxed)) {
		uint32_t seen = atomic_load_explicit(&st->to_back.seq,
						     memory_order_acquire);
		RING_IDX rp = ring_back_req_prod(&back);
		unsigned int push_every = 1 + xorshift(&rnd) % 16, n = 0;

		if (ring_back_request_prod_overflow(&back, rp)) {
			st->overflow++;
			atomic_store(&st->stop, true);
			return NULL;
		}
		while (back.req_cons != rp &&
		       !ring_back_request_cons_overflow(&back, back.req_cons)) {
			struct blkif_request req, want;

			ring_back_copy_request(&back, back.req_cons++, &req);
			want = make_req(expect++);
			if (memcmp(&req, &want, sizeof(req)))
				st->bad_payload++;
			ring_back_put_response(&back, req.id, req.operation,
					       BLKIF_RSP_OKAY);
			if (++n % push_every == 0 &&
			    ring_back_push_responses_and_check_notify(&back)) {
				st->irqs++;
				waker_notify(&st->to_front);
			}
		}
		jitter(st, &rnd);
		if (ring_back_push_responses_and_check_notify(&back)) {
			st->irqs++;
			jitter(st, &rnd);
			waker_notify(&st->to_front);
		}
		if (n)
			continue;
		for (unsigned int spins = spin_budget(&rnd); spins; spins--)
			if (ring_back_unconsumed_requests(&back))
				break;
		jitter(st, &rnd);
		if (ring_back_final_check_for_requests(&back))
			continue;
		waker_wait(&st->to_back, seen);
	}
	return NULL;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Runs one stress round and returns true if it finished; a round that
 * makes no progress for 10 s is stopped by the watchdog (this thread) and
 * fails.
 */
static void stress_round(unsigned int order, RING_IDX base, uint64_t count,
			 uint64_t seed, bool with_jitter, uint64_t *sleeps)
{
	struct stress st = {
		.order = order,
		.base = base,
		.count = count,
		.seed = seed,
		.jitter = with_jitter,
	};
	pthread_t front, back;
	uint64_t last_progress = 0, last_change = now_ms();
	bool hung = false;

	st.sring = sring_alloc(order);
	ring_sring_init_at(st.sring, order, base);
	CU_ASSERT_FATAL(pthread_create(&back, NULL, stress_back, &st) == 0);
	CU_ASSERT_FATAL(pthread_create(&front, NULL, stress_front, &st) == 0);

	for (;;) {
		uint64_t done = atomic_load(&st.answered);
		uint64_t progress = done + atomic_load(&st.sent);

		if (done == count || atomic_load(&st.stop))
			break;
		if (progress != last_progress) {
			last_progress = progress;
			last_change = now_ms();
		} else if (now_ms() - last_change > 10000) {
			hung = true;
			atomic_store(&st.stop, true);
			waker_notify(&st.to_back);
			waker_notify(&st.to_front);
			break;
		}
		usleep(1000);
	}
	pthread_join(front, NULL);
	/* The backend may be asleep with nothing left to do. */
	atomic_store(&st.stop, true);
	waker_notify(&st.to_back);
	pthread_join(back, NULL);

	if (hung)
		fprintf(stderr,
			"order %u base %u: no progress for 10 s at %" PRIu64
			" of %" PRIu64 " (lost wake-up)\n",
			order, base, atomic_load(&st.answered), count);
	CU_ASSERT_FALSE(hung);
	CU_ASSERT_EQUAL(atomic_load(&st.answered), count);
	CU_ASSERT_EQUAL(st.bad_payload, 0);
	CU_ASSERT_EQUAL(st.bad_response, 0);
	CU_ASSERT_EQUAL(st.overflow, 0);
	CU_ASSERT(st.kicks > 0);
	*sleeps += atomic_load(&st.to_back.sleeps) +
		   atomic_load(&st.to_front.sleeps);
	free(st.sring);
}

/* Requests moved by the stress test; STRESS_REQUESTS overrides. */
static uint64_t stress_total(void)
{
	const char *env = getenv("STRESS_REQUESTS");

	return env ? strtoull(env, NULL, 0) : 10000000;
}

static void stress(bool with_jitter)
{
	const unsigned int rounds = 20;
	uint64_t total = stress_total(), per_round = total / rounds;
	uint64_t rnd = 0x9e3779b97f4a7c15ull, sleeps = 0;

	for (unsigned int r = 0; r < rounds; r++) {
		unsigned int order = xorshift(&rnd) % (RING_ORDER_MAX + 1);
		/* Half the rounds cross the 2^32 wrap early on. */
		RING_IDX base =
			r % 2 ? UINT32_MAX - (RING_IDX)(xorshift(&rnd) % 1000) :
				0;

		stress_round(order, base, per_round, xorshift(&rnd),
			     with_jitter, &sleeps);
	}
	fprintf(stderr,
		"  stress%s: %" PRIu64 " requests, %" PRIu64 " futex sleeps\n",
		with_jitter ? " with jitter" : "", per_round * rounds, sleeps);
	CU_ASSERT(sleeps > 0);
}

static void test_stress_futex(void)
{
	stress(false);
}

/* The same with random delays where a lost wake-up would hide. */
static void test_stress_jitter(void)
{
	stress(true);
}

int cu_register(void)
{
	CU_pSuite s;

	s = CU_add_suite("layout", NULL, NULL);
	CU_ADD_TEST(s, test_entries_per_order);
	CU_ADD_TEST(s, test_entries_for_bytes);
	s = CU_add_suite("notify", NULL, NULL);
	CU_ADD_TEST(s, test_notify_needed);
	CU_ADD_TEST(s, test_hold_off);
	s = CU_add_suite("overflow", NULL, NULL);
	CU_ADD_TEST(s, test_overflow_checks);
	CU_ADD_TEST(s, test_cons_overflow);
	s = CU_add_suite("protocol", NULL, NULL);
	CU_ADD_TEST(s, test_walk_all_orders);
	CU_ADD_TEST(s, test_walk_across_wrap);
	CU_ADD_TEST(s, test_response_fields_only);
	s = CU_add_suite("stress", NULL, NULL);
	CU_ADD_TEST(s, test_stress_futex);
	CU_ADD_TEST(s, test_stress_jitter);
	return 0;
}
