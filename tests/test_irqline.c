// SPDX-License-Identifier: MIT
/*
 * Tests of the interrupt line (sim/irqline.h) on a fake clock: on a
 * shared line every device's filter runs on every interrupt, at its cost;
 * spurious and unclaimed counts are exact, including the early handling
 * of a device whose own notification is still in flight; an own line
 * runs only the handler of the device that notified.
 */
#include <errno.h>
#include <string.h>

#include "sim/irqline.h"
#include "tests/cu_main.h"

static uint64_t fake_now, charged;

static uint64_t fake_clock_now(const struct sim_clock *c)
{
	(void)c;
	return fake_now;
}

static void fake_clock_charge(const struct sim_clock *c, uint64_t ns)
{
	(void)c;
	charged += ns;
}

static const struct sim_clock fake_clock = {
	.now_ns = fake_clock_now,
	.charge_ns = fake_clock_charge,
};

/* A device: has responses or not; its handler consumes them. */
struct dev {
	bool has;
	unsigned int responses;
	uint64_t filters, handlers;
	uint64_t filter_charged; /* the cost charged before its filter ran */
};

static bool dev_filter(void *ctx)
{
	struct dev *d = ctx;

	d->filters++;
	d->filter_charged = charged;
	return d->has;
}

static unsigned int dev_handler(void *ctx)
{
	struct dev *d = ctx;

	d->handlers++;
	d->has = false;
	return d->responses;
}

#define NDEV 3

struct rig {
	struct evtchn_port port[NDEV];
	struct dev dev[NDEV];
	struct irqline line;
};

static void rig_init(struct rig *r, enum irqline_mode mode, uint64_t cost,
		     uint64_t latency_ns)
{
	struct evtchn_config ec;
	struct irqline_config lc = {
		.mode = mode,
		.filter_cost_ns = cost,
		.clock = &fake_clock,
	};

	memset(r, 0, sizeof(*r));
	fake_now = 1000;
	charged = 0;
	evtchn_config_default(&ec);
	ec.latency_ns = latency_ns;
	irqline_init(&r->line, &lc);
	for (int i = 0; i < NDEV; i++) {
		CU_ASSERT_EQUAL_FATAL(evtchn_init(&r->port[i], &ec), 0);
		r->dev[i].responses = 2;
		CU_ASSERT_EQUAL(irqline_attach(&r->line, &r->port[i],
					       dev_filter, dev_handler,
					       &r->dev[i]),
				i);
	}
}

static void rig_fini(struct rig *r)
{
	for (int i = 0; i < NDEV; i++)
		evtchn_fini(&r->port[i]);
}

/* One device notifies: every filter runs, once, each at its cost. */
static void test_shared_every_filter(void)
{
	struct rig r;

	rig_init(&r, IRQLINE_SHARED, 700, 0);
	CU_ASSERT_EQUAL(irqline_poll(&r.line, fake_now), 0);
	CU_ASSERT_EQUAL(r.dev[0].filters + r.dev[1].filters + r.dev[2].filters,
			0);
	r.dev[1].has = true;
	evtchn_notify(&r.port[1], fake_now);
	/* One interrupt plus device 1's two responses. */
	CU_ASSERT_EQUAL(irqline_poll(&r.line, fake_now), 3);
	for (int i = 0; i < NDEV; i++) {
		CU_ASSERT_EQUAL(r.dev[i].filters, 1);
		CU_ASSERT_EQUAL(r.line.dev[i].st.filter_runs, 1);
		/* In attachment order, each after the ones before it paid. */
		CU_ASSERT_EQUAL(r.dev[i].filter_charged, 700ull * (i + 1));
	}
	CU_ASSERT_EQUAL(charged, 3 * 700);
	CU_ASSERT_EQUAL(r.dev[1].handlers, 1);
	CU_ASSERT_EQUAL(r.dev[0].handlers + r.dev[2].handlers, 0);
	CU_ASSERT_EQUAL(r.line.dev[0].st.spurious, 1);
	CU_ASSERT_EQUAL(r.line.dev[1].st.spurious, 0);
	CU_ASSERT_EQUAL(r.line.dev[1].st.claimed, 1);
	CU_ASSERT_EQUAL(r.line.dev[2].st.spurious, 1);
	CU_ASSERT_EQUAL(r.line.st.interrupts, 1);
	CU_ASSERT_EQUAL(r.line.st.unclaimed, 0);

	/* Two devices at once: one line interrupt, both claimed. */
	r.dev[0].has = r.dev[2].has = true;
	evtchn_notify(&r.port[0], fake_now);
	evtchn_notify(&r.port[2], fake_now);
	CU_ASSERT_EQUAL(irqline_poll(&r.line, fake_now), 5);
	CU_ASSERT_EQUAL(r.line.st.interrupts, 2);
	CU_ASSERT_EQUAL(r.line.dev[1].st.spurious, 1);
	CU_ASSERT_EQUAL(r.line.dev[0].st.claimed, 1);
	CU_ASSERT_EQUAL(r.line.dev[2].st.claimed, 1);
	for (int i = 0; i < NDEV; i++)
		CU_ASSERT_EQUAL(r.line.dev[i].st.filter_runs, 2);
	CU_ASSERT_EQUAL(charged, 6 * 700);
	rig_fini(&r);
}

/*
 * Early handling: device 0's notification is still in flight when
 * device 2's fires the line, so device 0 is served by device 2's
 * interrupt; its own then fires the line for nothing: every filter is
 * spurious and the interrupt is unclaimed.
 */
static void test_shared_early_then_spurious(void)
{
	struct rig r;

	rig_init(&r, IRQLINE_SHARED, 0, 0);
	r.port[0].cfg.latency_ns = 500;
	r.dev[0].has = r.dev[2].has = true;
	evtchn_notify(&r.port[0], fake_now);
	evtchn_notify(&r.port[2], fake_now);
	CU_ASSERT_EQUAL(irqline_due_ns(&r.line), fake_now);
	CU_ASSERT_EQUAL(irqline_poll(&r.line, fake_now), 1 + 2 + 2);
	CU_ASSERT_EQUAL(r.dev[0].handlers, 1);
	CU_ASSERT_EQUAL(r.dev[2].handlers, 1);
	CU_ASSERT_EQUAL(irqline_due_ns(&r.line), fake_now + 500);
	CU_ASSERT_EQUAL(irqline_poll(&r.line, fake_now + 499), 0);
	CU_ASSERT_EQUAL(irqline_poll(&r.line, fake_now + 500), 1);
	CU_ASSERT_EQUAL(irqline_due_ns(&r.line), EVTCHN_NEVER);
	CU_ASSERT_EQUAL(r.line.st.interrupts, 2);
	CU_ASSERT_EQUAL(r.line.st.unclaimed, 1);
	CU_ASSERT_EQUAL(r.line.dev[0].st.claimed, 1);
	CU_ASSERT_EQUAL(r.line.dev[0].st.spurious, 1);
	CU_ASSERT_EQUAL(r.line.dev[1].st.spurious, 2);
	CU_ASSERT_EQUAL(r.line.dev[2].st.spurious, 1);
	CU_ASSERT_EQUAL(charged, 0);
	rig_fini(&r);
}

/* Spurious counts over many interrupts, one device at a time: exact. */
static void test_shared_counts(void)
{
	struct rig r;

	rig_init(&r, IRQLINE_SHARED, 10, 0);
	for (int k = 0; k < 300; k++) {
		r.dev[k % NDEV].has = true;
		evtchn_notify(&r.port[k % NDEV], fake_now);
		CU_ASSERT_EQUAL(irqline_poll(&r.line, fake_now), 3);
		fake_now += 100;
	}
	CU_ASSERT_EQUAL(r.line.st.interrupts, 300);
	CU_ASSERT_EQUAL(r.line.st.unclaimed, 0);
	for (int i = 0; i < NDEV; i++) {
		CU_ASSERT_EQUAL(r.line.dev[i].st.filter_runs, 300);
		CU_ASSERT_EQUAL(r.line.dev[i].st.claimed, 100);
		CU_ASSERT_EQUAL(r.line.dev[i].st.spurious, 200);
	}
	CU_ASSERT_EQUAL(charged, 300 * NDEV * 10);
	rig_fini(&r);
}

/* Own lines: only the notifying device's handler, no filter, no cost. */
static void test_own(void)
{
	struct rig r;

	rig_init(&r, IRQLINE_OWN, 700, 0);
	r.dev[1].has = true;
	evtchn_notify(&r.port[1], fake_now);
	CU_ASSERT_EQUAL(irqline_poll(&r.line, fake_now), 3);
	CU_ASSERT_EQUAL(r.dev[1].handlers, 1);
	for (int i = 0; i < NDEV; i++) {
		CU_ASSERT_EQUAL(r.dev[i].filters, 0);
		CU_ASSERT_EQUAL(r.line.dev[i].st.filter_runs, 0);
		CU_ASSERT_EQUAL(r.line.dev[i].st.spurious, 0);
	}
	CU_ASSERT_EQUAL(r.line.dev[1].st.claimed, 1);
	CU_ASSERT_EQUAL(charged, 0);
	/* Two devices due: two interrupts. */
	evtchn_notify(&r.port[0], fake_now);
	evtchn_notify(&r.port[2], fake_now);
	CU_ASSERT_EQUAL(irqline_poll(&r.line, fake_now), 6);
	CU_ASSERT_EQUAL(r.line.st.interrupts, 3);
	CU_ASSERT_EQUAL(r.line.st.unclaimed, 0);
	rig_fini(&r);
}

static void test_attach_limits(void)
{
	struct evtchn_port p;
	struct evtchn_config ec;
	struct irqline l;
	struct dev d = { 0 };
	struct irqline_config lc = { .mode = IRQLINE_SHARED,
				     .clock = &fake_clock };

	evtchn_config_default(&ec);
	CU_ASSERT_EQUAL_FATAL(evtchn_init(&p, &ec), 0);
	irqline_init(&l, &lc);
	CU_ASSERT_EQUAL(irqline_attach(&l, &p, NULL, dev_handler, &d), -EINVAL);
	CU_ASSERT_EQUAL(irqline_attach(&l, &p, dev_filter, NULL, &d), -EINVAL);
	for (int i = 0; i < IRQLINE_MAX_DEVS; i++)
		CU_ASSERT_EQUAL(
			irqline_attach(&l, &p, dev_filter, dev_handler, &d), i);
	CU_ASSERT_EQUAL(irqline_attach(&l, &p, dev_filter, dev_handler, &d),
			-ENOSPC);
	lc.mode = IRQLINE_OWN;
	irqline_init(&l, &lc);
	CU_ASSERT_EQUAL(irqline_attach(&l, &p, NULL, dev_handler, &d), 0);
	CU_ASSERT_EQUAL(irqline_due_ns(&l), EVTCHN_NEVER);
	evtchn_fini(&p);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("irqline", NULL, NULL);

	CU_ADD_TEST(s, test_shared_every_filter);
	CU_ADD_TEST(s, test_shared_early_then_spurious);
	CU_ADD_TEST(s, test_shared_counts);
	CU_ADD_TEST(s, test_own);
	CU_ADD_TEST(s, test_attach_limits);
	return 0;
}
