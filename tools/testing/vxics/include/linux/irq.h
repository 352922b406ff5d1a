/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike: a host irq's descriptor, as far as the bypass reads it */
#ifndef _VXICS_SHIM_IRQ_H
#define _VXICS_SHIM_IRQ_H

#include <linux/kvm_host.h>

struct irq_data {
	u32 hwirq;
};

struct irq_desc {
	struct irq_data irq_data;
	unsigned int __percpu *kstat_irqs;
	unsigned int tot_count;
};

static inline struct irq_data *irq_desc_get_irq_data(struct irq_desc *desc)
{
	return &desc->irq_data;
}

#endif
