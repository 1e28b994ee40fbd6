// SPDX-License-Identifier: MIT
/*
 * Tests of sim/evtchn: due times under latency, merging of pending
 * notifications, the sleep announcement, and a two-thread ping-pong in
 * which the receiver really sleeps on the eventfd and would hang (caught
 * by a watchdog) on a lost wake-up.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "sim/evtchn.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void port_init(struct evtchn_port *p, uint64_t latency_ns,
		      enum evtchn_wait wait)
{
	struct evtchn_config cfg;

	evtchn_config_default(&cfg);
	cfg.latency_ns = latency_ns;
	cfg.wait = wait;
	CU_ASSERT_EQUAL_FATAL(evtchn_init(p, &cfg), 0);
}

static void test_due_and_latency(void)
{
	static const struct {
		uint64_t latency, sent, poll_at;
		bool delivered;
	} cases[] = {
		{ 0, 100, 100, true },	    { 0, 100, 99, false },
		{ 0, 0, 0, true }, /* stamp 0 is not "none" */
		{ 1000, 100, 1099, false }, { 1000, 100, 1100, true },
		{ 1000, 100, 5000, true },  { 50000, 7, 50006, false },
		{ 50000, 7, 50007, true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct evtchn_port p;
		struct evtchn_stats st;

		port_init(&p, cases[i].latency, EVTCHN_WAIT_SPIN);
		CU_ASSERT_EQUAL(evtchn_due_ns(&p), EVTCHN_NEVER);
		CU_ASSERT_FALSE(evtchn_poll(&p, 1000000));
		evtchn_notify(&p, cases[i].sent);
		CU_ASSERT_EQUAL(evtchn_due_ns(&p),
				cases[i].sent + cases[i].latency);
		CU_ASSERT_EQUAL(evtchn_poll(&p, cases[i].poll_at),
				cases[i].delivered);
		evtchn_stats(&p, &st);
		CU_ASSERT_EQUAL(st.delivered, cases[i].delivered);
		if (cases[i].delivered) {
			CU_ASSERT_EQUAL(st.lag_sum_ns,
					cases[i].poll_at - cases[i].sent -
						cases[i].latency);
			/* Delivered once only. */
			CU_ASSERT_FALSE(evtchn_poll(&p, UINT64_MAX));
			CU_ASSERT_EQUAL(evtchn_due_ns(&p), EVTCHN_NEVER);
		}
		evtchn_fini(&p);
	}
}

/* Notifications while one is pending merge; the first one dates it. */
static void test_merge(void)
{
	struct evtchn_port p;
	struct evtchn_stats st;

	port_init(&p, 100, EVTCHN_WAIT_SPIN);
	evtchn_notify(&p, 10);
	evtchn_notify(&p, 20);
	evtchn_notify(&p, 30);
	CU_ASSERT_EQUAL(evtchn_due_ns(&p), 110);
	CU_ASSERT_TRUE(evtchn_poll(&p, 110));
	CU_ASSERT_FALSE(evtchn_poll(&p, 1000));
	evtchn_notify(&p, 200);
	CU_ASSERT_TRUE(evtchn_poll(&p, 300));
	evtchn_stats(&p, &st);
	CU_ASSERT_EQUAL(st.sent, 4);
	CU_ASSERT_EQUAL(st.merged, 2);
	CU_ASSERT_EQUAL(st.delivered, 2);
	CU_ASSERT_EQUAL(st.wakes, 0);
	evtchn_fini(&p);
}

/* A receiver may not sleep with a notification pending; a sleeper is woken. */
static void test_sleep_protocol(void)
{
	struct evtchn_port p;
	struct evtchn_stats st;
	struct pollfd pfd;

	port_init(&p, 0, EVTCHN_WAIT_SLEEP);
	evtchn_notify(&p, 1);
	CU_ASSERT_FALSE(evtchn_sleep_begin(&p));
	evtchn_sleep_end(&p);
	CU_ASSERT_TRUE(evtchn_poll(&p, 1));

	CU_ASSERT_TRUE(evtchn_sleep_begin(&p));
	pfd = (struct pollfd){ .fd = evtchn_fd(&p), .events = POLLIN };
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 0);
	evtchn_notify(&p, 2); /* sees the sleeper: writes the eventfd */
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 1);
	evtchn_sleep_end(&p);
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 0); /* drained */
	CU_ASSERT_TRUE(evtchn_poll(&p, 2));
	evtchn_stats(&p, &st);
	CU_ASSERT_EQUAL(st.wakes, 1);
	CU_ASSERT_EQUAL(st.sleeps, 1);
	evtchn_fini(&p);
}

/* ---- Ping-pong with real sleeps ----------------------------------------- */

#define PINGS 20000

struct pingpong {
	struct evtchn_port ping, pong;
	_Atomic uint64_t progress;
	atomic_bool stop;
	uint64_t errors;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Waits for @p the way the engine's sleep policy does. */
static bool receive(struct pingpong *pp, struct evtchn_port *p)
{
	while (!atomic_load(&pp->stop)) {
		struct pollfd pfd = { .fd = evtchn_fd(p), .events = POLLIN };

		if (evtchn_poll(p, mono_ns()))
			return true;
		if (evtchn_sleep_begin(p))
			poll(&pfd, 1, -1);
		evtchn_sleep_end(p);
	}
	return false;
}

static void *ponger(void *arg)
{
	struct pingpong *pp = arg;

	for (unsigned int i = 0; i < PINGS; i++) {
		if (!receive(pp, &pp->ping))
			break;
		evtchn_notify(&pp->pong, mono_ns());
	}
	return NULL;
}

static void *pinger(void *arg)
{
	struct pingpong *pp = arg;

	for (unsigned int i = 0; i < PINGS; i++) {
		evtchn_notify(&pp->ping, mono_ns());
		if (!receive(pp, &pp->pong))
			break;
		atomic_store(&pp->progress, i + 1);
	}
	return NULL;
}

static void test_pingpong_sleeping(void)
{
	static struct pingpong pp;
	pthread_t a, b;
	uint64_t last = 0, since = mono_ns();
	struct evtchn_stats ping, pong;

	port_init(&pp.ping, 0, EVTCHN_WAIT_SLEEP);
	port_init(&pp.pong, 0, EVTCHN_WAIT_SLEEP);
	atomic_init(&pp.progress, 0);
	atomic_init(&pp.stop, false);
	CU_ASSERT_FATAL(pthread_create(&b, NULL, ponger, &pp) == 0);
	CU_ASSERT_FATAL(pthread_create(&a, NULL, pinger, &pp) == 0);
	/* Watchdog: no progress for 10 s is a lost wake-up. */
	while (atomic_load(&pp.progress) < PINGS) {
		uint64_t now = mono_ns(), p = atomic_load(&pp.progress);

		if (p != last) {
			last = p;
			since = now;
		} else if (now - since > 10000000000ull) {
			break;
		}
		usleep(1000);
	}
	CU_ASSERT_EQUAL(atomic_load(&pp.progress), PINGS);
	atomic_store(&pp.stop, true);
	evtchn_notify(&pp.ping, 0);
	evtchn_notify(&pp.pong, 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	evtchn_stats(&pp.ping, &ping);
	evtchn_stats(&pp.pong, &pong);
	fprintf(stderr, "  ping-pong: %u round trips, %llu + %llu sleeps\n",
		PINGS, (unsigned long long)ping.sleeps,
		(unsigned long long)pong.sleeps);
	CU_ASSERT(ping.delivered >= PINGS);
	CU_ASSERT(ping.sleeps + pong.sleeps > 0);
	evtchn_fini(&pp.ping);
	evtchn_fini(&pp.pong);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("evtchn", NULL, NULL);

	CU_ADD_TEST(s, test_due_and_latency);
	CU_ADD_TEST(s, test_merge);
	CU_ADD_TEST(s, test_sleep_protocol);
	CU_ADD_TEST(s, test_pingpong_sleeping);
	return 0;
}
