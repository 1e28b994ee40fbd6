// SPDX-License-Identifier: MIT
/*
 * Tests of sim/gate: on a fake clock, the wait and hold of each
 * acquisition and the work done under the gate, for both kinds; with
 * real threads, that the gate excludes (a plain counter bumped under it
 * by two threads ends exact; ThreadSanitizer checks the rest under
 * make test-tsan) and that every acquisition is counted.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "sim/gate.h"
#include "tests/cu_main.h"
#include "tests/fake_clock.h"

/* Uncontended: no wait; hold = work + what the holder spent. */
static void check_kind(enum gate_kind kind)
{
	struct gate_config gc = {
		.kind = kind,
		.work_ns = 500,
		.clock = &fake_clock,
	};
	struct gate g;
	struct gate_stats st;

	fake_now = 1000;
	CU_ASSERT_EQUAL_FATAL(gate_init(&g, &gc), 0);
	gate_enter(&g);
	CU_ASSERT_EQUAL(fake_now, 1500); /* the work, under the gate */
	fake_now += 200;		 /* the holder's own work */
	gate_exit(&g);
	gate_enter(&g);
	fake_now += 3000;
	gate_exit(&g);
	gate_stats(&g, &st);
	CU_ASSERT_EQUAL(st.acquisitions, 2);
	CU_ASSERT_EQUAL(st.contended, 0);
	CU_ASSERT_EQUAL(st.wait_sum_ns, 0);
	CU_ASSERT_EQUAL(st.wait_max_ns, 0);
	CU_ASSERT_EQUAL(st.hold_sum_ns, 700 + 3500);
	CU_ASSERT_EQUAL(st.hold_max_ns, 3500);
	gate_fini(&g);
}

static void test_mutex_fake_clock(void)
{
	check_kind(GATE_MUTEX);
}

static void test_spin_fake_clock(void)
{
	check_kind(GATE_SPIN);
}

/* ---- Two real threads ------------------------------------------------- */

enum { ROUNDS = 20000 };

static uint64_t real_now(const struct sim_clock *c)
{
	struct timespec ts;

	(void)c;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void real_charge(const struct sim_clock *c, uint64_t ns)
{
	uint64_t until = real_now(c) + ns;

	while (real_now(c) < until)
		;
}

static const struct sim_clock real_clock = {
	.now_ns = real_now,
	.charge_ns = real_charge,
};

struct shared {
	struct gate g;
	uint64_t counter; /* plain: the gate is what protects it */
};

static void *hammer(void *arg)
{
	struct shared *s = arg;

	for (int i = 0; i < ROUNDS; i++) {
		gate_enter(&s->g);
		s->counter++;
		gate_exit(&s->g);
	}
	return NULL;
}

static void check_threads(enum gate_kind kind)
{
	struct gate_config gc = { .kind = kind, .clock = &real_clock };
	struct shared s = { 0 };
	struct gate_stats st;
	pthread_t t[2];

	CU_ASSERT_EQUAL_FATAL(gate_init(&s.g, &gc), 0);
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, hammer, &s),
				      0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	gate_stats(&s.g, &st);
	CU_ASSERT_EQUAL(s.counter, 2 * ROUNDS);
	CU_ASSERT_EQUAL(st.acquisitions, 2 * ROUNDS);
	CU_ASSERT(st.contended <= st.acquisitions);
	CU_ASSERT(st.wait_max_ns <= st.wait_sum_ns);
	CU_ASSERT(st.hold_max_ns <= st.hold_sum_ns);
	gate_fini(&s.g);
}

static void test_mutex_threads(void)
{
	check_threads(GATE_MUTEX);
}

static void test_spin_threads(void)
{
	check_threads(GATE_SPIN);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("gate", NULL, NULL);

	CU_ADD_TEST(s, test_mutex_fake_clock);
	CU_ADD_TEST(s, test_spin_fake_clock);
	CU_ADD_TEST(s, test_mutex_threads);
	CU_ADD_TEST(s, test_spin_threads);
	return 0;
}
