/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vxics core: the bodies of the interrupt hypercalls, inline.  icp.c
 * exports them as functions (virtual mode, the tests); the real-mode hcall
 * entries (hcall_rm.c) compile the same code into their own frame, with
 * the shorter raise, lower and EOI notification that real mode allows
 * (core.h's hooks): the guest's H_XIRR and H_EOI are on every interrupt's
 * path.  Real-mode safe, as icp.c and ics.c say.
 */
#ifndef _VXICS_HCALL_H
#define _VXICS_HCALL_H

#include "trigger.h"

/*
 * MFRR's IPI goes into XISR when it gets in under CPPR and is at least as
 * favoured as what is there (an IPI presented at the same priority just
 * stays): R14, R16.
 */
static __always_inline bool ipi_gets_in(u8 mfrr, u8 cppr, u8 pend)
{
	return mfrr < cppr && mfrr <= pend;
}

/*
 * A source interrupt pushed out of @icp's XISR by a more favoured one or
 * by a CPPR raise is delivered again as a fresh attempt; a pushed-out IPI
 * is nothing to redo, MFRR still holds it (R8).
 */
static __always_inline void redeliver(struct vxics *vx, struct vxics_icp *icp,
				      u32 out)
{
	if (out < VXICS_FIRST_SOURCE)
		return;
	atomic64_inc(&icp->n_rejects);
	vxics_deliver(vx, out, false);
}

/*
 * CPPR becomes less favoured (H_CPPR lowering, H_EOI; R14, R15): the IPI
 * may now get in, need-resend is taken and cleared in the same word; then
 * whatever the IPI pushed out is redelivered and the marked sources are
 * scanned.
 */
static __always_inline void icp_relax_cppr(struct vxics *vx,
					   struct vxics_icp *icp, u8 cppr)
{
	u64 old, new;
	u32 out;

	do {
		old = READ_ONCE(icp->state);
		out = 0;
		new = vxics_icp_word(vxics_icp_xisr(old), vxics_icp_pend(old),
				     cppr, vxics_icp_mfrr(old), false);
		if (ipi_gets_in(vxics_icp_mfrr(old), cppr, vxics_icp_pend(old))) {
			out = vxics_icp_xisr(old);
			new = vxics_icp_word(VXICS_IPI_IRQ, vxics_icp_mfrr(old),
					     cppr, vxics_icp_mfrr(old), false);
		}
	} while (!icp_cas(vx, icp, old, new, false));

	redeliver(vx, icp, out);
	if (unlikely(vxics_icp_resend(old)))
		vxics_icp_do_resend(vx, icp);
}

/* H_XIRR (R11), vxics_h_xirr(): returns the XIRR */
static __always_inline u64 icp_h_xirr(struct vxics *vx, struct vxics_icp *icp)
{
	u64 old, new;

	/* Before the cmpxchg: a raise after it (ours or others') wins. */
	vxics_core_lower(vx, icp);
	/*
	 * Lowering is a store (clear_bit of the vCPU's pending bit, no
	 * ordering of its own), the read below a load.  Without a full
	 * barrier the load may be satisfied first: we see no XISR, take no
	 * cmpxchg, and our clear lands after the raise of a delivery that
	 * came in meanwhile, stranding its output (R6).  With it, either we
	 * see that XISR and accept it, or its raise comes after our clear.
	 * Checked by tools/testing/vxics/spin/output.pml (-DNO_XIRR_MB fails)
	 * and the vxics_ordering suite.
	 */
	smp_mb();
	old = READ_ONCE(icp->state);
	/* nothing presented, the common case of a poll: no word to build */
	while (vxics_icp_xisr(old)) {
		new = vxics_icp_word(0, VXICS_PRIO_MASKED, vxics_icp_pend(old),
				     vxics_icp_mfrr(old),
				     vxics_icp_resend(old));
		if (icp_cas(vx, icp, old, new, true))
			break;
		old = READ_ONCE(icp->state);
	}
	return (u64)vxics_icp_cppr(old) << 24 | vxics_icp_xisr(old);
}

/* H_CPPR (R14), vxics_h_cppr() */
static __always_inline long icp_h_cppr(struct vxics *vx, struct vxics_icp *icp,
				       u64 cppr)
{
	u64 old, new;
	bool keep;
	u32 out;

	if (cppr > VXICS_PRIO_MASKED)
		return H_PARAMETER;
	old = READ_ONCE(icp->state);
	if (cppr == vxics_icp_cppr(old))
		return H_SUCCESS;
	if (cppr > vxics_icp_cppr(old)) {
		icp_relax_cppr(vx, icp, cppr);
		return H_SUCCESS;
	}

	/*
	 * Deliveries and H_IPIs from other CPUs never write the CPPR field
	 * and this vCPU is busy in this hcall, so the comparison above holds
	 * for every word the loop reads.  Lower before the cmpxchg, as in
	 * icp_h_xirr(); here the loop always ends in a cmpxchg, a full
	 * barrier after the lowering, and icp_cas() raises again whenever the
	 * word it installs has OUT (self_lowered), so no extra barrier is
	 * needed.  What no longer gets in under the new CPPR leaves XISR (R8).
	 */
	vxics_core_lower(vx, icp);
	do {
		old = READ_ONCE(icp->state);
		keep = vxics_icp_pend(old) < cppr;
		out = keep ? 0 : vxics_icp_xisr(old);
		new = vxics_icp_word(keep ? vxics_icp_xisr(old) : 0,
				     keep ? vxics_icp_pend(old) : VXICS_PRIO_MASKED,
				     cppr, vxics_icp_mfrr(old),
				     vxics_icp_resend(old));
	} while (!icp_cas(vx, icp, old, new, true));

	redeliver(vx, icp, out);
	return H_SUCCESS;
}

/*
 * The source side of H_EOI (R15, R17, R18): an MSI's P/Q pair moves down
 * one place (PQ -> P, P -> empty); an LSI's P follows its line and is left
 * alone.  Either way, a source whose P is still set afterwards is
 * delivered again.  The EOI notification comes last.
 */
static __always_inline long source_eoi(struct vxics *vx, u32 irq)
{
	struct vxics_source *src;
	struct vxics_ics *ics;
	unsigned long flags;
	bool present;
	u8 f;

	src = source_find(vx, irq, &ics);
	if (!src)
		return H_PARAMETER;

	flags = ics_lock(ics);
	f = src->flags;
	if (!(f & VXICS_SRC_LSI)) {
		f &= ~VXICS_SRC_P;
		if (f & VXICS_SRC_Q)
			f = (f & ~VXICS_SRC_Q) | VXICS_SRC_P;
		src_set_flags(src, f);
	}
	present = f & VXICS_SRC_P;
	ics_unlock(ics, flags);

	if (present)
		vxics_deliver(vx, irq, false);
	vxics_core_eoi_notify(vx, irq, f & VXICS_SRC_LSI);
	return H_SUCCESS;
}

/* H_EOI (R15), vxics_h_eoi() */
static __always_inline long icp_h_eoi(struct vxics *vx, struct vxics_icp *icp,
				      u64 xirr)
{
	u32 irq = xirr & VXICS_ICP_XISR_MASK;

	if (xirr >> 32)
		return H_PARAMETER;
	icp_relax_cppr(vx, icp, xirr >> 24);
	if (irq == VXICS_IPI_IRQ)
		return H_SUCCESS;
	return source_eoi(vx, irq);
}

/* H_IPI (R16), vxics_h_ipi() */
static __always_inline long icp_h_ipi(struct vxics *vx, u64 server, u64 mfrr)
{
	struct vxics_icp *target;
	u64 old, new;
	bool rescan;
	u32 out;
	u8 cppr;

	if (mfrr > VXICS_PRIO_MASKED)
		return H_PARAMETER;
	target = icp_lookup(vx, server);
	if (!target)
		return H_PARAMETER;

	do {
		old = READ_ONCE(target->state);
		cppr = vxics_icp_cppr(old);
		/* a less favoured MFRR may let refused sources in: rescan */
		rescan = mfrr > vxics_icp_mfrr(old) && vxics_icp_resend(old);
		out = 0;
		new = vxics_icp_word(vxics_icp_xisr(old), vxics_icp_pend(old),
				     cppr, mfrr, vxics_icp_resend(old) && !rescan);
		if (ipi_gets_in(mfrr, cppr, vxics_icp_pend(old))) {
			out = vxics_icp_xisr(old);
			new = vxics_icp_word(VXICS_IPI_IRQ, mfrr, cppr, mfrr,
					     vxics_icp_resend(old) && !rescan);
		}
	} while (!icp_cas(vx, target, old, new, false));

	redeliver(vx, target, out);
	if (unlikely(rescan))
		vxics_icp_do_resend(vx, target);
	return H_SUCCESS;
}

#endif /* _VXICS_HCALL_H */
