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

struct file;
struct kvm;

int vxics_irq_bypass_add_producer(struct irq_bypass_consumer *cons,
				  struct irq_bypass_producer *prod);
void vxics_irq_bypass_del_producer(struct irq_bypass_consumer *cons,
				   struct irq_bypass_producer *prod);
/*
 * Who holds a mapping: the irq bypass manager's pairing of a VFIO MSI with
 * a KVM irqfd, and VFIO's explicit VFIO_DEVICE_IRQ_BYPASS.  Both name the
 * same host irq for the same guest source: one mapping, two holders.
 */
#define VXICS_BY_PAIRING	0x1
#define VXICS_BY_VFIO		0x2

/* Host-path reasons, as enum vxics_host_reason (vxics/glue.h) */
#define VXICS_BYPASS_NR_REASONS	5

/* One mapping, for VFIO's query: see vxics_bypass_query() */
struct vxics_bypass_info {
	u32 hwirq;
	u32 guest_irq;
	u32 owners;			/* VXICS_BY_* */
	int last_cpu;			/* -1 if none took it yet */
	u64 bypassed;
	u64 host_path[VXICS_BYPASS_NR_REASONS];
};

int vxics_bypass_map(struct kvm *kvm, unsigned int host_irq, u32 guest_irq,
		     unsigned int owner);
int vxics_bypass_unmap(struct kvm *kvm, unsigned int host_irq,
		       unsigned int owner);
int vxics_bypass_query(struct kvm *kvm, unsigned int host_irq,
		       struct vxics_bypass_info *info);
struct kvm *vxics_bypass_get_vm(struct file *vm_file);
void vxics_bypass_put_vm(struct kvm *kvm);
void vxics_bypass_free_vm(struct kvm *kvm);
long vxics_rm_host_irq(u32 xisr, __be32 xirr, bool *again);

#endif /* _ASM_POWERPC_KVM_VXICS_H */
