/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vxics KVM glue: what the virtual-mode (device.c, bypass.c) and real-mode
 * (hcall_rm.c, glue_rm.c, bypass_rm.c) halves share.  struct kvmppc_xics
 * and struct kvmppc_icp are the types KVM's headers only declare
 * (asm/kvm_host.h): with CONFIG_KVM_VXICS they are ours.
 *
 * The two halves may live apart: the real-mode files and the core are
 * always in the kernel image (real mode cannot reach module memory),
 * device.c is part of kvm.ko when KVM is a module.  So the image never
 * calls into the module directly: what the real-mode half needs done in
 * virtual mode it asks of the VM's struct vxics_kvm_virt, which device.c
 * points each VM at.  Every pointer into the module lives in a VM the
 * module created, and the VM holds a reference on the module, so no
 * pointer outlives it.
 */
#ifndef _VXICS_GLUE_H
#define _VXICS_GLUE_H

#include <linux/kvm_host.h>
#include <asm/kvm_ppc.h>
#include "internal.h"
#include "vxics.h"
#include "map.h"

/* Work a real-mode hcall leaves for virtual mode (struct kvmppc_icp.rm_work) */
#define VXICS_RM_KICK		BIT(0)	/* kick rm_kick[] (or all, on overflow) */
#define VXICS_RM_KICK_ALL	BIT(1)
#define VXICS_RM_NOTIFY		BIT(2)	/* run ack notifiers for rm_eoi_irq */
#define VXICS_RM_DONE		BIT(3)	/* the hcall itself completed, rm_ret */
#define VXICS_RM_STEER		BIT(4)	/* steer rm_steer_irq's host irq (B7) */

#define VXICS_RM_MAX_KICKS	4

/*
 * Why a host interrupt that came in while a vCPU of the VM ran on this CPU
 * was left to the host's ordinary path (B6), counted on that vCPU's ICP.
 */
enum vxics_fallback {
	VXICS_FB_OFF,		/* the bypass is switched off (vxics.bypass) */
	VXICS_FB_UNMAPPED,	/* not in this VM's map: the host's, another VM's */
	VXICS_FB_SOURCE,	/* mapped, but the guest source is not an MSI now */
	VXICS_FB_NR
};

/*
 * Why a mapped interrupt reached the guest by the host path after all
 * (B6), classified by vxics_bypass_host_path() in virtual mode, the first
 * that applies, counted per VM.
 */
enum vxics_host_reason {
	VXICS_HP_OFF,		/* the bypass was off, globally or for the VM */
	VXICS_HP_MASKED,	/* the guest source is masked: stays on the host */
	VXICS_HP_OTHER_VM,	/* arrived on a CPU running another VM's vCPU */
	VXICS_HP_WRONG_CORE,	/* on another core than its vCPU's (B7) */
	VXICS_HP_NOT_RUNNING,	/* on its vCPU's core, vCPU out of the guest */
	VXICS_HP_NR
};

/*
 * One mapping as the glue sees it: the map slot's host_data (real mode
 * reads desc and notes last_cpu) and the entry of by_guest (virtual mode,
 * under RCU).  kzalloc'd at map time; freed after the map's grace period
 * and an RCU one.  A mapping stays while any owner holds it.
 */
struct vxics_bypass_link {
	struct irq_desc *desc;
	bool kstat_vmalloced;	/* desc->kstat_irqs: see vxics_bypass_link_init() */
	int last_cpu;		/* the CPU that last took it, either path */
	unsigned int host_irq;
	u32 hwirq;
	u32 guest_irq;
	u8 owners;		/* VXICS_BY_*, under the bypass mutex */
	atomic64_t n_host[VXICS_HP_NR];	/* host path, by reason */
};

/*
 * A VM's passthrough bypass state.  Allocated with the first mapping and
 * freed with the VM: it outlives the XICS device (a VMM may release and
 * create that again while its devices stay assigned), and the XICS device
 * structure carries it across.  kzalloc: the real-mode exit path reads it.
 */
struct vxics_bypass {
	/* first: real mode reads it with one load from the pointer */
	u8 off;			/* this VM's switch (B8): 1 off */
	struct vxics_map map;
	/* virtual mode: guest source -> struct vxics_bypass_link (RCU) */
	struct xarray by_guest;
	atomic64_t n_host_path;	/* mapped interrupts injected through irqfd */
	atomic64_t n_host_reason[VXICS_HP_NR];	/* ... by reason */
	atomic64_t n_steers;	/* host irq affinity moves (B7) */
};

struct kvmppc_icp {
	struct vxics_icp core;
	struct kvm_vcpu *vcpu;
	/*
	 * Deferred work.  Written only by this vCPU while it runs an hcall
	 * in real mode and read by the same vCPU when it exits to virtual
	 * mode, so it needs no atomics.
	 */
	u32 rm_work;
	long rm_ret;
	u32 rm_eoi_irq;
	u32 rm_steer_irq;
	u8 n_rm_kick;
	struct kvm_vcpu *rm_kick[VXICS_RM_MAX_KICKS];
	/* statistics, shown in debugfs */
	u64 n_rm_hcalls;	/* hcalls finished in real mode */
	u64 n_rm_deferred;	/* ... that left work for virtual mode */
	u64 n_vm_hcalls;	/* hcalls handled in virtual mode */
	u64 n_kicks;
	u64 n_notifies;
	/* host interrupts taken while this vCPU ran, in real mode (B9) */
	u64 n_bypassed;		/* delivered into the guest by the bypass */
	u64 n_bypass_deferred;	/* ... that left a kick or a move to virtual mode */
	u64 n_bypass_elsewhere;	/* ... for another vCPU: wrong CPU (B9) */
	u64 n_fallback[VXICS_FB_NR];
};

/*
 * The virtual-mode effects of struct vxics_ops, provided by device.c.
 * Called only with the MMU on: the table and the functions may be in a
 * module.
 */
struct vxics_kvm_virt {
	void (*raise)(struct kvm_vcpu *vcpu);
	void (*lower)(struct kvm_vcpu *vcpu);
	void (*notify)(struct kvm *kvm, u32 irq);
};

struct kvmppc_xics {
	struct vxics core;
	const struct vxics_kvm_virt *virt;
	struct kvm *kvm;
	struct kvm_device *dev;
	struct dentry *dentry;
	struct dentry *bypass_dentry;
	/*
	 * NULL until a mapping exists; kept when the device is created
	 * again (vxics_dev_create() clears only what precedes it): last.
	 */
	struct vxics_bypass *bypass;
};

static inline struct kvmppc_xics *vxics_to_xics(struct vxics *vx)
{
	return container_of(vx, struct kvmppc_xics, core);
}

static inline struct kvmppc_icp *vxics_to_icp(struct vxics_icp *icp)
{
	return container_of(icp, struct kvmppc_icp, core);
}

extern const struct vxics_ops vxics_kvm_ops;

/* Real-mode hcall handlers, called from book3s_hv_rmhandlers.S's table */
long vxics_rm_h_xirr(struct kvm_vcpu *vcpu);
long vxics_rm_h_xirr_x(struct kvm_vcpu *vcpu);
long vxics_rm_h_ipoll(struct kvm_vcpu *vcpu, unsigned long server);
long vxics_rm_h_cppr(struct kvm_vcpu *vcpu, unsigned long cppr);
long vxics_rm_h_eoi(struct kvm_vcpu *vcpu, unsigned long xirr);
long vxics_rm_h_ipi(struct kvm_vcpu *vcpu, unsigned long server,
		    unsigned long mfrr);

/* The bypass's grace period over every host CPU (bypass_rm.c) */
void vxics_bypass_synchronize(struct vxics_map *m);
extern bool vxics_bypass_on;
void vxics_bypass_set_global(bool on);

/*
 * Raise the external interrupt of @vcpu, which runs on this CPU, in real
 * mode: the pending bit, which KVM-HV's guest entry turns into a direct
 * injection or LPCR[MER] (kvmppc_guest_entry_inject_int()) whichever way
 * it goes back in.  The vCPU is kzalloc'd.
 */
static __always_inline void vxics_rm_raise_here(struct kvm_vcpu *vcpu)
{
	vcpu->stat.queue_intr++;
	set_bit(BOOK3S_IRQPRIO_EXTERNAL, &vcpu->arch.pending_exceptions);
}

/*
 * The same for the vCPU whose hcall this CPU runs in real mode: the hcall
 * returns straight into the guest, past the guest entry's injection, so
 * LPCR[MER] is set here too and the interrupt is taken once the guest
 * enables it.
 */
static __always_inline void vxics_rm_raise_self(struct kvm_vcpu *vcpu)
{
	vxics_rm_raise_here(vcpu);
	mtspr(SPRN_LPCR, mfspr(SPRN_LPCR) | LPCR_MER);
}

/* R6: only the vCPU's own H_XIRR and H_CPPR lower its line, in real mode */
static __always_inline void vxics_rm_lower_self(struct kvm_vcpu *vcpu)
{
	clear_bit(BOOK3S_IRQPRIO_EXTERNAL, &vcpu->arch.pending_exceptions);
	mtspr(SPRN_LPCR, mfspr(SPRN_LPCR) & ~LPCR_MER);
}

/*
 * The EOI of LSI @irq in real mode, by the hcall of @this (NULL: none).
 * Leave real mode only if the VM has an ack notifier at all (an irqfd
 * with a resampler, in practice): walking the list needs SRCU and virtual
 * mode, but its head is in struct kvm (kzalloc'd: the VM is not vmalloc'd
 * on powerpc).  A notifier registered concurrently can miss this EOI, as
 * it could miss one the virtual-mode walk had already passed.
 */
static __always_inline void vxics_rm_lsi_eoi(struct kvmppc_xics *xics,
					     struct kvm_vcpu *this, u32 irq)
{
	if (hlist_empty(&xics->kvm->irq_ack_notifier_list))
		return;
	if (this && this->arch.icp) {
		this->arch.icp->rm_eoi_irq = irq;
		this->arch.icp->rm_work |= VXICS_RM_NOTIFY;
	}
}

struct seq_file;

/* The bypass's virtual-mode side (bypass.c) */
void vxics_bypass_show(struct seq_file *m, struct kvmppc_xics *xics);
int vxics_bypass_set_vm(struct kvm *kvm, bool on);
void vxics_bypass_host_path(struct kvmppc_xics *xics, u32 irq);

/*
 * B9: KVM's passthrough statistics of a vCPU (its binary stats and
 * debugfs: pthru_all, every passed-through interrupt delivered to it;
 * pthru_host, those that took the host path; pthru_bad_aff, those that
 * arrived on another core than its own).  Real mode bumps them on one
 * CPU, the host path's injection on another, so atomically: the u64 is
 * laid out as an atomic64_t, and ldarx/stdcx. work with the MMU off.
 */
static inline void vxics_stat_inc(u64 *stat)
{
	atomic64_inc((atomic64_t *)stat);
}

void vxics_bypass_link_init(struct vxics_bypass_link *link,
			    struct irq_desc *desc);
void vxics_bypass_follow(struct kvmppc_xics *xics, u32 irq);
bool vxics_bypass_vm_on(struct kvm *kvm);

#endif /* _VXICS_GLUE_H */
