// SPDX-License-Identifier: MIT
/*
 * Interrupt lines (see irqline.h).  The receiving thread only; the ports
 * carry the cross-thread part.
 */
#include <errno.h>

#include "sim/irqline.h"

void irqline_init(struct irqline *l, const struct irqline_config *cfg)
{
	*l = (struct irqline){ .cfg = *cfg };
}

int irqline_attach(struct irqline *l, struct evtchn_port *port,
		   irqline_filter_fn filter, irqline_handler_fn handler,
		   void *ctx)
{
	if (l->n >= IRQLINE_MAX_DEVS)
		return -ENOSPC;
	if (!port || !handler || (l->cfg.mode == IRQLINE_SHARED && !filter))
		return -EINVAL;
	l->dev[l->n] = (struct irqline_dev){
		.port = port,
		.filter = filter,
		.handler = handler,
		.ctx = ctx,
	};
	return (int)l->n++;
}

/* A line per device: a due notification goes straight to its handler. */
static unsigned int poll_own(struct irqline *l, uint64_t now_ns)
{
	unsigned int did = 0;

	for (unsigned int i = 0; i < l->n; i++) {
		struct irqline_dev *d = &l->dev[i];

		if (!evtchn_poll(d->port, now_ns))
			continue;
		l->st.interrupts++;
		d->st.claimed++;
		did += 1 + d->handler(d->ctx);
	}
	return did;
}

/*
 * One level-triggered line: every due source is taken (they all assert
 * the same line), then the chain of filters runs once.
 */
static unsigned int poll_shared(struct irqline *l, uint64_t now_ns)
{
	unsigned int did = 0;
	bool fired = false, claimed = false;

	for (unsigned int i = 0; i < l->n; i++)
		fired |= evtchn_poll(l->dev[i].port, now_ns);
	if (!fired)
		return 0;
	l->st.interrupts++;
	for (unsigned int i = 0; i < l->n; i++) {
		struct irqline_dev *d = &l->dev[i];

		d->st.filter_runs++;
		sim_charge(l->cfg.clock, l->cfg.filter_cost_ns);
		if (!d->filter(d->ctx)) {
			d->st.spurious++;
			continue;
		}
		claimed = true;
		d->st.claimed++;
		did += d->handler(d->ctx);
	}
	l->st.unclaimed += !claimed;
	return 1 + did;
}

unsigned int irqline_poll(struct irqline *l, uint64_t now_ns)
{
	if (l->cfg.mode == IRQLINE_SHARED)
		return poll_shared(l, now_ns);
	return poll_own(l, now_ns);
}

uint64_t irqline_due_ns(const struct irqline *l)
{
	uint64_t due = EVTCHN_NEVER;

	for (unsigned int i = 0; i < l->n; i++) {
		uint64_t d = evtchn_due_ns(l->dev[i].port);

		if (d < due)
			due = d;
	}
	return due;
}
