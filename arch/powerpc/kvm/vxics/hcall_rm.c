// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxics KVM glue, real-mode half: the hcall entry points that
 * book3s_hv_rmhandlers.S calls with the MMU off, and the effects the core
 * asks for (struct vxics_ops), in real or virtual mode.  Always built into
 * the kernel image, with the core, even when KVM-HV is a module; it calls
 * into the module only in virtual mode, through the VM's vxics_kvm_virt.
 *
 * Why every access here is safe with the MMU off: the vcpu and kvm
 * structures, our kvmppc_xics and kvmppc_icp (kzalloc), the ICS blocks
 * (kzalloc) and the paca are all in the linear map, which real mode
 * addresses directly; nothing here is vmalloc'd, traced, instrumented
 * (the Makefile strips ftrace, KASAN, KCOV for this directory), printed or
 * sleeps.  The ack-notifier check reads only the list head in struct kvm
 * (kzalloc'd: the VM is not vmalloc'd on powerpc).  Work that needs
 * virtual mode is recorded in the caller's kvmppc_icp and the hcall
 * returns H_TOO_HARD, so KVM exits to virtual mode and calls
 * kvmppc_xics_hcall(), which finishes it.
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
	vxics_rm_raise_here(vcpu);
	if (vcpu == this) {
		/* we return to this guest: let it take the interrupt (MER) */
		mtspr(SPRN_LPCR, mfspr(SPRN_LPCR) | LPCR_MER);
		return;
	}
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
	/* R6: only the vCPU's own H_XIRR/H_CPPR lowers its line */
	clear_bit(BOOK3S_IRQPRIO_EXTERNAL, &vcpu->arch.pending_exceptions);
	mtspr(SPRN_LPCR, mfspr(SPRN_LPCR) & ~LPCR_MER);
}

static void vxics_kvm_eoi_notify(struct vxics *vx, u32 irq)
{
	struct vxics_ics *ics = vxics_ics_find(vx, irq);
	struct kvm_vcpu *this;

	/* Ack notifiers exist for level-triggered sources only (resample) */
	if (!ics || !(ics->src[irq % VXICS_ICS_SIZE].flags & VXICS_SRC_LSI))
		return;
	if (!in_real_mode()) {
		vxics_to_xics(vx)->virt->notify(vxics_to_xics(vx)->kvm, irq);
		return;
	}
	/*
	 * Leave real mode only if the VM has an ack notifier at all (an
	 * irqfd with a resampler, in practice): walking the list needs SRCU
	 * and virtual mode, but its head is in struct kvm (kzalloc, linear
	 * map).  A notifier registered concurrently can miss this EOI, as
	 * it could miss one the virtual-mode walk had already passed.
	 */
	if (hlist_empty(&vxics_to_xics(vx)->kvm->irq_ack_notifier_list))
		return;
	this = rm_this_vcpu();
	if (this && this->arch.icp) {
		this->arch.icp->rm_eoi_irq = irq;
		this->arch.icp->rm_work |= VXICS_RM_NOTIFY;
	}
}

/* In the image's rodata: the core reads it in real mode too */
const struct vxics_ops vxics_kvm_ops = {
	.raise = vxics_kvm_raise,
	.lower = vxics_kvm_lower,
	.eoi_notify = vxics_kvm_eoi_notify,
};
EXPORT_SYMBOL_NS_GPL(vxics_kvm_ops, KVM_VXICS);

/*
 * Common tail of the real-mode hcalls: the hcall is done; if it left work
 * for virtual mode, remember its status and ask KVM to exit.
 */
static long rm_finish(struct kvmppc_icp *icp, long ret)
{
	icp->n_rm_hcalls++;
	if (!icp->rm_work)
		return ret;
	icp->n_rm_deferred++;
	icp->rm_ret = ret;
	icp->rm_work |= VXICS_RM_DONE;
	return H_TOO_HARD;
}

static struct kvmppc_xics *rm_xics(struct kvm_vcpu *vcpu)
{
	/* Both are set before the vCPU can run with an ICP, cleared only
	 * while no vCPU runs (release holds every vcpu->mutex).
	 */
	if (!vcpu->arch.icp)
		return NULL;
	return READ_ONCE(vcpu->kvm->arch.xics);
}

/**
 * vxics_rm_h_xirr() - H_XIRR in real mode
 * @vcpu: the calling vCPU
 *
 * Return: hcall status; XIRR in r4.
 */
long vxics_rm_h_xirr(struct kvm_vcpu *vcpu)
{
	struct kvmppc_xics *xics = rm_xics(vcpu);
	u64 xirr;
	long ret;

	if (!xics)
		return H_TOO_HARD;
	ret = vxics_h_xirr(&xics->core, &vcpu->arch.icp->core, &xirr);
	vcpu->arch.regs.gpr[4] = xirr;
	return rm_finish(vcpu->arch.icp, ret);
}

/**
 * vxics_rm_h_xirr_x() - H_XIRR_X in real mode
 * @vcpu: the calling vCPU
 *
 * Return: hcall status; XIRR in r4, timebase in r5.
 */
long vxics_rm_h_xirr_x(struct kvm_vcpu *vcpu)
{
	struct kvmppc_xics *xics = rm_xics(vcpu);
	u64 xirr, tb;
	long ret;

	if (!xics)
		return H_TOO_HARD;
	ret = vxics_h_xirr_x(&xics->core, &vcpu->arch.icp->core, &xirr, &tb);
	vcpu->arch.regs.gpr[4] = xirr;
	vcpu->arch.regs.gpr[5] = tb;
	return rm_finish(vcpu->arch.icp, ret);
}

/**
 * vxics_rm_h_ipoll() - H_IPOLL in real mode
 * @vcpu: the calling vCPU
 * @server: the ICP to poll
 *
 * Return: hcall status; XIRR in r4, MFRR in r5.
 */
long vxics_rm_h_ipoll(struct kvm_vcpu *vcpu, unsigned long server)
{
	struct kvmppc_xics *xics = rm_xics(vcpu);
	u64 xirr = 0, mfrr = 0;
	long ret;

	if (!xics)
		return H_TOO_HARD;
	ret = vxics_h_ipoll(&xics->core, server, &xirr, &mfrr);
	if (ret == H_SUCCESS) {
		vcpu->arch.regs.gpr[4] = xirr;
		vcpu->arch.regs.gpr[5] = mfrr;
	}
	return rm_finish(vcpu->arch.icp, ret);
}

/**
 * vxics_rm_h_cppr() - H_CPPR in real mode
 * @vcpu: the calling vCPU
 * @cppr: new CPPR
 *
 * Return: hcall status.
 */
long vxics_rm_h_cppr(struct kvm_vcpu *vcpu, unsigned long cppr)
{
	struct kvmppc_xics *xics = rm_xics(vcpu);

	if (!xics)
		return H_TOO_HARD;
	return rm_finish(vcpu->arch.icp,
			 vxics_h_cppr(&xics->core, &vcpu->arch.icp->core, cppr));
}

/**
 * vxics_rm_h_eoi() - H_EOI in real mode
 * @vcpu: the calling vCPU
 * @xirr: the XIRR value the guest got from H_XIRR
 *
 * Return: hcall status.
 */
long vxics_rm_h_eoi(struct kvm_vcpu *vcpu, unsigned long xirr)
{
	struct kvmppc_xics *xics = rm_xics(vcpu);

	if (!xics)
		return H_TOO_HARD;
	return rm_finish(vcpu->arch.icp,
			 vxics_h_eoi(&xics->core, &vcpu->arch.icp->core, xirr));
}

/**
 * vxics_rm_h_ipi() - H_IPI in real mode
 * @vcpu: the calling vCPU
 * @server: target ICP
 * @mfrr: new MFRR
 *
 * Return: hcall status.
 */
long vxics_rm_h_ipi(struct kvm_vcpu *vcpu, unsigned long server,
		    unsigned long mfrr)
{
	struct kvmppc_xics *xics = rm_xics(vcpu);

	if (!xics)
		return H_TOO_HARD;
	return rm_finish(vcpu->arch.icp,
			 vxics_h_ipi(&xics->core, &vcpu->arch.icp->core,
				     server, mfrr));
}

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
