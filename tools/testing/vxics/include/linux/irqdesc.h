/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike: struct irq_desc is in linux/irq.h here */
#include <linux/irq.h>
