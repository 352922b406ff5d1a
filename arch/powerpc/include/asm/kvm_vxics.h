/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What KVM-HV calls in vxics beyond the XICS functions of asm/kvm_ppc.h,
 * on hosts where vxics is the XICS (not XIVE): the irq bypass manager's
 * pairing of a VFIO MSI producer with a KVM irqfd consumer, the VM's
 * bypass state going with the VM (arch/powerpc/kvm/vxics/bypass.c), and
 * the real-mode exit path's host interrupt (vxics/bypass_rm.c).
 */
#ifndef _ASM_POWERPC_KVM_VXICS_H
#define _ASM_POWERPC_KVM_VXICS_H

#include <linux/irqbypass.h>
#include <linux/types.h>

struct kvm;

int vxics_irq_bypass_add_producer(struct irq_bypass_consumer *cons,
				  struct irq_bypass_producer *prod);
void vxics_irq_bypass_del_producer(struct irq_bypass_consumer *cons,
				   struct irq_bypass_producer *prod);
int vxics_bypass_map(struct kvm *kvm, unsigned int host_irq, u32 guest_irq);
int vxics_bypass_unmap(struct kvm *kvm, unsigned int host_irq);
void vxics_bypass_free_vm(struct kvm *kvm);
long vxics_rm_host_irq(u32 xisr, __be32 xirr, bool *again);

#endif /* _ASM_POWERPC_KVM_VXICS_H */
