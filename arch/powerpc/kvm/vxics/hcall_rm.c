// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxics real-mode hcalls: the entry points book3s_hv_rmhandlers.S's
 * hcall_real_table calls with the MMU off, for the vCPU running on this
 * CPU.  The hcall bodies are the core's own (hcall.h), compiled here into
 * one frame per hcall with real mode's shorter effects (below); the
 * exported vxics_h_*() run the same bodies in virtual mode.  Always built
 * into the kernel image.
 *
 * Why every access here is safe with the MMU off: the vcpu and kvm
 * structures, our kvmppc_xics and kvmppc_icp (kzalloc), the ICS blocks
 * (kzalloc) and the paca are all in the linear map, which real mode
 * addresses directly; nothing here is vmalloc'd, traced, instrumented
 * (the Makefile strips ftrace, KASAN, KCOV for this directory), printed or
 * sleeps.  Work that needs virtual mode is recorded in the caller's
 * kvmppc_icp and the hcall returns H_TOO_HARD, so KVM exits to virtual
 * mode and calls kvmppc_xics_hcall(), which finishes it.
 *
 * tools/testing/vxics builds this file unchanged in userspace
 * (hcall_rm_test.c).
 *
 * Credit: raising and lowering the caller's line through
 * pending_exceptions and LPCR[MER] follows upstream KVM's
 * book3s_hv_rm_xics.c; the code is our own.
 */
/* every ICS lock taken here is taken by a real-mode hcall: internal.h */
#define VXICS_IRQS_OFF
#include <asm/paca.h>
#include "glue.h"

/*
 * The core's effects (core.h's hooks), as a real-mode hcall needs them.
 * Raise: the calling vCPU's line directly (the hcall returns straight
 * into it); another vCPU's through the ops, which IPI its CPU or defer a
 * kick.  Lower: only the caller's line is ever lowered (R6).  EOI
 * notification: KVM's ack notifiers only concern LSIs (the irqfd
 * resampler), and the LSI flag comes from under the ICS lock.
 */
static __always_inline void hc_raise(struct vxics *vx, struct vxics_icp *icp)
{
	struct kvm_vcpu *vcpu = vxics_to_icp(icp)->vcpu;

	if (likely(vcpu == local_paca->kvm_hstate.kvm_vcpu))
		vxics_rm_raise_self(vcpu);
	else
		vx->ops->raise(vx, icp);
}

static __always_inline void hc_lower(struct vxics *vx, struct vxics_icp *icp)
{
	vxics_rm_lower_self(vxics_to_icp(icp)->vcpu);
}

static __always_inline void hc_eoi_notify(struct vxics *vx, u32 irq, bool lsi)
{
	if (unlikely(lsi))
		vxics_rm_lsi_eoi(vxics_to_xics(vx),
				 local_paca->kvm_hstate.kvm_vcpu, irq);
}

#define vxics_core_raise hc_raise
#define vxics_core_lower hc_lower
#define vxics_core_eoi_notify hc_eoi_notify
#include "hcall.h"

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

	if (!xics)
		return H_TOO_HARD;
	vcpu->arch.regs.gpr[4] = icp_h_xirr(&xics->core,
					    &vcpu->arch.icp->core);
	return rm_finish(vcpu->arch.icp, H_SUCCESS);
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

	if (!xics)
		return H_TOO_HARD;
	vcpu->arch.regs.gpr[4] = icp_h_xirr(&xics->core,
					    &vcpu->arch.icp->core);
	vcpu->arch.regs.gpr[5] = vxics_timebase();
	return rm_finish(vcpu->arch.icp, H_SUCCESS);
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
			 icp_h_cppr(&xics->core, &vcpu->arch.icp->core, cppr));
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
			 icp_h_eoi(&xics->core, &vcpu->arch.icp->core, xirr));
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
			 icp_h_ipi(&xics->core, server, mfrr));
}
