/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What KVM-HV calls in vxics beyond the XICS functions of asm/kvm_ppc.h:
 * the irq bypass manager's pairing of a VFIO MSI producer with a KVM
 * irqfd consumer, on hosts where vxics is the XICS (not XIVE).  See
 * arch/powerpc/kvm/vxics/bypass.c.
 */
#ifndef _ASM_POWERPC_KVM_VXICS_H
#define _ASM_POWERPC_KVM_VXICS_H

#include <linux/irqbypass.h>

int vxics_irq_bypass_add_producer(struct irq_bypass_consumer *cons,
				  struct irq_bypass_producer *prod);
void vxics_irq_bypass_del_producer(struct irq_bypass_consumer *cons,
				   struct irq_bypass_producer *prod);

#endif /* _ASM_POWERPC_KVM_VXICS_H */
