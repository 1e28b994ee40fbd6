/* SPDX-License-Identifier: MIT */
/*
 * An interrupt line: how the event-channel ports of one or more devices
 * reach a frontend vCPU.  Two kinds (issue 4, seed question 8):
 *
 *   own      every device has a line of its own (an MSI vector, or a
 *            dedicated Xen event-channel upcall): a due notification on a
 *            device's port runs that device's handler, nothing else;
 *   shared   the devices' ports are ORed onto one level-triggered line
 *            (legacy INTx, Apple's "shared interrupt lines"): when any of
 *            them is due the line fires once, and the handler chain runs
 *            every device's filter routine ("is this mine?": does its
 *            ring hold responses?), each costing filter_cost_ns of the
 *            vCPU (sim_charge()).  A device whose filter finds responses
 *            runs its handler; one whose filter finds none counts a
 *            spurious interrupt.  A line interrupt no device claimed is
 *            counted as unclaimed.
 *
 * A shared line has a real side effect the counters show: a device whose
 * own notification is still in flight (the event-channel latency) when
 * another device fires the line gets its responses handled early; its
 * notification then fires the line for nothing.
 *
 * Usage, from the receiving thread (the frontend vCPU):
 *
 *   irqline_init(&line, &cfg);
 *   for each device: irqline_attach(&line, &port, filter, handler, ctx);
 *   loop: did += irqline_poll(&line, now);
 *         wait no later than irqline_due_ns(&line);
 *
 * No call reads a clock or blocks: the caller passes the time, and the
 * filter cost is charged to the clock of the configuration.  The filter
 * and handler run on the calling thread.
 */
#ifndef BLKRING_SIM_IRQLINE_H
#define BLKRING_SIM_IRQLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/clock.h"
#include "sim/evtchn.h"

/* Most devices on one line. */
#define IRQLINE_MAX_DEVS 16

enum irqline_mode {
	IRQLINE_OWN,	/* a line per device: no filter */
	IRQLINE_SHARED, /* one line: every filter on every interrupt */
};

/* "Is this interrupt mine?": true if the device has work for its handler. */
typedef bool (*irqline_filter_fn)(void *ctx);
/* The device's interrupt handler; returns the work it did (responses). */
typedef unsigned int (*irqline_handler_fn)(void *ctx);

struct irqline_config {
	enum irqline_mode mode;
	uint64_t filter_cost_ns; /* per filter run, shared lines only */
	const struct sim_clock *clock;
};

/* One device's view of the line. */
struct irqline_dev_stats {
	uint64_t filter_runs; /* shared: the filter ran (once per line irq) */
	uint64_t claimed;     /* handler runs: the filter said mine (own:
			       * every delivered notification) */
	uint64_t spurious;    /* shared: the filter found nothing */
};

struct irqline_stats {
	uint64_t interrupts; /* the line fired (own: summed over devices) */
	uint64_t unclaimed;  /* shared: no device's filter claimed it */
};

struct irqline_dev {
	struct evtchn_port *port; /* the device's backend -> frontend port */
	irqline_filter_fn filter;
	irqline_handler_fn handler;
	void *ctx;
	struct irqline_dev_stats st;
};

struct irqline {
	struct irqline_config cfg;
	struct irqline_dev dev[IRQLINE_MAX_DEVS];
	unsigned int n;
	struct irqline_stats st;
};

/* Sets up an empty line.  Before use. */
void irqline_init(struct irqline *l, const struct irqline_config *cfg);

/*
 * Attaches a device: its port, its filter (may be NULL on an own line)
 * and its handler, both called with @ctx.  Returns the device's index, or
 * -ENOSPC past IRQLINE_MAX_DEVS, or -EINVAL for a shared line without a
 * filter.  Before polling.
 */
int irqline_attach(struct irqline *l, struct evtchn_port *port,
		   irqline_filter_fn filter, irqline_handler_fn handler,
		   void *ctx);

/*
 * Delivers what is due at @now_ns.  Own: each device whose notification
 * is due runs its handler.  Shared: takes every due notification; if
 * there was any, the line fires once and every device's filter runs, in
 * attachment order, each charged filter_cost_ns; the ones that claim it
 * run their handler.  Returns 1 per interrupt taken plus the handlers'
 * work, 0 if nothing was due.  Receiving thread.
 */
unsigned int irqline_poll(struct irqline *l, uint64_t now_ns);

/*
 * When the earliest pending notification is due, or EVTCHN_NEVER.
 * Receiving thread.
 */
uint64_t irqline_due_ns(const struct irqline *l);

#endif
