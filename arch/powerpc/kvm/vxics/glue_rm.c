// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxics KVM glue, real-mode half: the effects the core asks for (struct
 * vxics_ops), in real or virtual mode, and the upstream symbols the rest
 * of the image still links against.  Always built into the kernel image,
 * with the core and the real-mode hcalls (hcall_rm.c), even when KVM-HV is
 * a module; it calls into the module only in virtual mode, through the
 * VM's vxics_kvm_virt.
 *
 * Why every access here is safe with the MMU off: the vcpu and kvm
 * structures, our kvmppc_xics and kvmppc_icp (kzalloc), the ICS blocks
 * (kzalloc) and the paca are all in the linear map, which real mode
 * addresses directly; nothing here is vmalloc'd, traced, instrumented
 * (the Makefile strips ftrace, KASAN, KCOV for this directory), printed or
 * sleeps.  Work that needs virtual mode is recorded in the caller's
 * kvmppc_icp and the hcall returns H_TOO_HARD (hcall_rm.c).
 *
 * Credit: raising and lowering through pending_exceptions and LPCR[MER],
 * and finishing deferred kicks and ack notifications after H_TOO_HARD,
 * follow upstream KVM's book3s_hv_rm_xics.c; the code is our own.
 */
#include <asm/kvm_book3s.h>
#include <asm/reg.h>
#include "glue.h"

/*
 * Upstream's passthrough knobs, defined here because book3s_hv_rm_xics.o
 * is left out: kvm_irq_bypass (kvm_hv's module parameter, on as upstream)
 * still governs XIVE hosts' passthrough; XICS pairings come to bypass.c.
 */
int kvm_irq_bypass = 1;
EXPORT_SYMBOL(kvm_irq_bypass);
int h_ipi_redirect;
EXPORT_SYMBOL(h_ipi_redirect);

static bool in_real_mode(void)
{
	return !(mfmsr() & MSR_DR);
}

/* The vCPU this CPU is running an hcall for, in real mode. */
static struct kvm_vcpu *rm_this_vcpu(void)
{
	return local_paca->kvm_hstate.kvm_vcpu;
}

/*
 * The hardware thread @vcpu is loaded on, or -1.  thread_cpu alone is not
 * enough: on POWER8 it keeps its last value after the vCPU leaves the
 * core, so also check that the thread's paca still points at @vcpu.
 * Ordering against a vCPU going to sleep: the caller has set the pending
 * bit and done smp_mb() before this load; the vCPU clears the paca pointer
 * (kvmppc_release_hwthread) and later sets its task state, a full barrier,
 * before it checks pending_exceptions.  So either we see it gone and defer
 * a kick, or it sees the pending bit and does not sleep.
 */
static int rm_loaded_cpu(struct kvm_vcpu *vcpu)
{
	int cpu = READ_ONCE(vcpu->arch.thread_cpu);

	if (cpu < 0 || cpu >= nr_cpu_ids)
		return -1;
	/* paca_ptrs[] and the pacas are in the linear map */
	if (READ_ONCE(paca_ptrs[cpu]->kvm_hstate.kvm_vcpu) != vcpu)
		return -1;
	return cpu;
}

static void rm_defer_kick(struct kvm_vcpu *this, struct kvm_vcpu *target)
{
	struct kvmppc_icp *me = this->arch.icp;
	int i;

	for (i = 0; i < me->n_rm_kick; i++)
		if (me->rm_kick[i] == target)
			return;
	if (me->n_rm_kick < VXICS_RM_MAX_KICKS)
		me->rm_kick[me->n_rm_kick++] = target;
	else
		me->rm_work |= VXICS_RM_KICK_ALL;
	me->rm_work |= VXICS_RM_KICK;
}

static void vxics_kvm_raise(struct vxics *vx, struct vxics_icp *icp)
{
	struct kvm_vcpu *vcpu = vxics_to_icp(icp)->vcpu;
	struct kvm_vcpu *this;
	int cpu;

	if (!in_real_mode()) {
		vxics_to_xics(vx)->virt->raise(vcpu);
		return;
	}
	this = rm_this_vcpu();
	if (vcpu == this) {
		vxics_rm_raise_self(vcpu);
		return;
	}
	vxics_rm_raise_here(vcpu);
	/*
	 * The pending bit must be visible before the target can see our
	 * IPI or, if it is entering the guest or going to sleep, before it
	 * samples pending_exceptions (see rm_loaded_cpu()).
	 */
	smp_mb();
	cpu = rm_loaded_cpu(vcpu);
	if (cpu >= 0)
		kvmhv_rm_send_ipi(cpu);
	else if (this && this->arch.icp)
		rm_defer_kick(this, vcpu);	/* may sleep in the host: wake it */
}

static void vxics_kvm_lower(struct vxics *vx, struct vxics_icp *icp)
{
	struct kvm_vcpu *vcpu = vxics_to_icp(icp)->vcpu;

	if (!in_real_mode()) {
		vxics_to_xics(vx)->virt->lower(vcpu);
		return;
	}
	vxics_rm_lower_self(vcpu);
}

static void vxics_kvm_eoi_notify(struct vxics *vx, u32 irq)
{
	struct vxics_ics *ics = vxics_ics_find(vx, irq);

	/* Ack notifiers exist for level-triggered sources only (resample) */
	if (!ics || !(ics->src[irq % VXICS_ICS_SIZE].flags & VXICS_SRC_LSI))
		return;
	if (!in_real_mode()) {
		vxics_to_xics(vx)->virt->notify(vxics_to_xics(vx)->kvm, irq);
		return;
	}
	vxics_rm_lsi_eoi(vxics_to_xics(vx), rm_this_vcpu(), irq);
}

/* In the image's rodata: the core reads it in real mode too */
const struct vxics_ops vxics_kvm_ops = {
	.raise = vxics_kvm_raise,
	.lower = vxics_kvm_lower,
	.eoi_notify = vxics_kvm_eoi_notify,
};
EXPORT_SYMBOL_NS_GPL(vxics_kvm_ops, KVM_VXICS);

/**
 * kvmppc_deliver_irq_passthru() - upstream's passthrough hook, declined
 * @vcpu: vCPU running on this CPU
 * @xirr: host XIRR, as read (big-endian)
 * @irq_map: the mapping upstream's lookup found
 * @pimap: the VM's passthrough map
 * @again: unused
 *
 * Not reached with vxics: hook 0006 sends host interrupts to
 * vxics_rm_host_irq() before upstream's lookup, and upstream's map is
 * never filled.  Kept because book3s_hv_builtin.c still links against it;
 * should it run, the interrupt goes back to the host whole: the caller
 * cleared saved_xirr, so restore it and let the host handler EOI it.
 *
 * Return: 1, "handle in the host".
 */
long kvmppc_deliver_irq_passthru(struct kvm_vcpu *vcpu, __be32 xirr,
				 struct kvmppc_irq_map *irq_map,
				 struct kvmppc_passthru_irqmap *pimap,
				 bool *again)
{
	local_paca->kvm_hstate.saved_xirr = be32_to_cpu(xirr);
	return 1;
}

/**
 * kvmppc_xics_ipi_action() - host IPI carrying a real-mode host action
 *
 * Upstream's real mode can ask another host core to kick a vCPU; ours
 * defers kicks to the vCPU's own exit instead, so no such IPI is sent.
 * Here, not in device.c, because the host's IPI handler (smp.c) is in the
 * image.
 */
void kvmppc_xics_ipi_action(void)
{
}
