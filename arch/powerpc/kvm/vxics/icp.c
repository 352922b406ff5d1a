// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxics presentation controller (ICP): the state word, delivery into it,
 * reject and resend, the interrupt hypercalls (their bodies are inline in
 * hcall.h, shared with the real-mode entries) and the save/restore format.
 *
 * Real-mode safe unless a function says "virtual mode".  The state word is
 * read with READ_ONCE and replaced only by cmpxchg (R5); every new word is
 * built by vxics_icp_word(), which computes the output line (R6).
 *
 * Credit: the state machine follows the design of upstream KVM's XICS
 * (book3s_xics.c, Benjamin Herrenschmidt and Paul Mackerras): one word per
 * ICP, reject and resend through a per-ICP need-resend flag, the H_IPI
 * takeover condition and the one-reg consistency checks; the code and
 * comments here are our own.
 */
#include "internal.h"
#include "hcall.h"

/*
 * KVM_REG_PPC_ICP_STATE layout (R31), the migration ABI QEMU relies on:
 * CPPR in bits 56-63, XISR 32-55, MFRR 24-31, pending priority 16-23,
 * bits 0-15 zero.  Need-resend and the output line are not saved.
 */
#define ONEREG_CPPR_SHIFT	56
#define ONEREG_XISR_SHIFT	32
#define ONEREG_MFRR_SHIFT	24
#define ONEREG_PEND_SHIFT	16
#define ONEREG_LOW_MASK		0xffffULL

/**
 * vxics_icp_to_onereg() - encode an ICP state word as KVM_REG_PPC_ICP_STATE
 * @w: ICP state word
 *
 * Return: the one-reg value (R31).
 */
u64 vxics_icp_to_onereg(u64 w)
{
	return (u64)vxics_icp_cppr(w) << ONEREG_CPPR_SHIFT |
	       (u64)vxics_icp_xisr(w) << ONEREG_XISR_SHIFT |
	       (u64)vxics_icp_mfrr(w) << ONEREG_MFRR_SHIFT |
	       (u64)vxics_icp_pend(w) << ONEREG_PEND_SHIFT;
}

/**
 * vxics_icp_check_onereg() - validate a KVM_REG_PPC_ICP_STATE value
 * @reg: value userspace wants to restore
 *
 * Checks that the four fields agree with each other as R32 requires.  Whether the source
 * block of a source XISR exists is the caller's check, it needs the ICS.
 *
 * Return: 0 if consistent, -EINVAL otherwise.
 */
int vxics_icp_check_onereg(u64 reg)
{
	u32 xisr = (reg >> ONEREG_XISR_SHIFT) & VXICS_ICP_XISR_MASK;
	u8 cppr = reg >> ONEREG_CPPR_SHIFT;
	u8 mfrr = reg >> ONEREG_MFRR_SHIFT;
	u8 pend = reg >> ONEREG_PEND_SHIFT;

	if (reg & ONEREG_LOW_MASK)
		return -EINVAL;
	if (!xisr)
		return pend == VXICS_PRIO_MASKED ? 0 : -EINVAL;
	if (xisr == VXICS_IPI_IRQ)
		return pend == mfrr && pend < cppr ? 0 : -EINVAL;
	if (xisr < VXICS_FIRST_SOURCE || xisr >= VXICS_NR_IRQS)
		return -EINVAL;
	return pend < mfrr && pend < cppr ? 0 : -EINVAL;
}

/**
 * vxics_icp_from_onereg() - decode a KVM_REG_PPC_ICP_STATE value
 * @reg: a value vxics_icp_check_onereg() accepted
 *
 * Return: the ICP state word, need-resend clear, output recomputed.
 */
u64 vxics_icp_from_onereg(u64 reg)
{
	return vxics_icp_word((reg >> ONEREG_XISR_SHIFT) & VXICS_ICP_XISR_MASK,
			      reg >> ONEREG_PEND_SHIFT,
			      reg >> ONEREG_CPPR_SHIFT,
			      reg >> ONEREG_MFRR_SHIFT, false);
}

/**
 * vxics_icp_find() - the ICP of a server number
 * @vx: the VM's XICS
 * @server: server number, as the guest or userspace gave it
 *
 * Two loads, no lock: real-mode safe (icp_lookup() in core.h).  The index
 * is clamped against speculation past the bounds check, @server comes
 * from the guest.
 *
 * Return: the ICP, or NULL if none is attached for @server.
 */
struct vxics_icp *vxics_icp_find(struct vxics *vx, u64 server)
{
	return icp_lookup(vx, server);
}
EXPORT_SYMBOL_NS_GPL(vxics_icp_find, KVM_VXICS);

/**
 * vxics_icp_next() - walk the attached ICPs in server order
 * @vx: the VM's XICS
 * @server: in: the first server number to look at; out: the one found
 *
 * Virtual mode, for debugfs and the glue's walks.  Pages not allocated are
 * skipped whole.
 *
 * Return: the first ICP at or after *@server, or NULL if there is none.
 */
struct vxics_icp *vxics_icp_next(struct vxics *vx, u32 *server)
{
	struct vxics_icp_page *pg;
	struct vxics_icp *icp;
	u32 s = *server;

	while (s < VXICS_MAX_SERVERS) {
		/* as in vxics_icp_find(): pairs with vxics_icp_attach() */
		pg = smp_load_acquire(&vx->icp_dir[s / VXICS_SERVERS_PER_PAGE]);
		if (!pg) {
			s = (s / VXICS_SERVERS_PER_PAGE + 1) *
			    VXICS_SERVERS_PER_PAGE;
			continue;
		}
		/* initialised ICP before pointer, see vxics_icp_attach() */
		icp = smp_load_acquire(&pg->icp[s % VXICS_SERVERS_PER_PAGE]);
		if (icp) {
			*server = s;
			return icp;
		}
		s++;
	}
	return NULL;
}
EXPORT_SYMBOL_NS_GPL(vxics_icp_next, KVM_VXICS);

/**
 * vxics_icp_attach() - attach a vCPU's ICP under a server number (R4)
 * @vx: the VM's XICS
 * @icp: the glue's ICP, (re)initialised here
 * @server: server number, below VXICS_MAX_SERVERS
 * @owner: the glue's vCPU, stored in @icp->owner
 *
 * Virtual mode.  The ICP starts with CPPR 0, MFRR 0xff, no interrupt.
 * The page of the server table holding @server is allocated on first use
 * and kept until vxics_destroy().
 *
 * Return: 0; -EINVAL for a server number out of range; -EEXIST if the
 * server already has an ICP; -ENOMEM.  Nothing changes on error.
 */
int vxics_icp_attach(struct vxics *vx, struct vxics_icp *icp, u32 server,
		     void *owner)
{
	struct vxics_icp_page *pg, *new = NULL;
	struct vxics_icp **slot;
	unsigned long flags;
	u32 dir;
	int ret = 0;

	if (server >= VXICS_MAX_SERVERS)
		return -EINVAL;
	dir = server / VXICS_SERVERS_PER_PAGE;
	/* allocated outside the spinning lock; a racing attacher's is freed */
	if (!READ_ONCE(vx->icp_dir[dir])) {
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new)
			return -ENOMEM;
	}
	flags = vxics_lock(&vx->lock);
	pg = vx->icp_dir[dir];
	if (!pg) {
		/* the zeroed page before the pointer: lockless finders */
		smp_store_release(&vx->icp_dir[dir], new);
		pg = new;
		new = NULL;
	}
	slot = &pg->icp[server % VXICS_SERVERS_PER_PAGE];
	if (*slot) {
		ret = -EEXIST;
	} else {
		memset(icp, 0, sizeof(*icp));
		icp->state = VXICS_ICP_INITIAL;
		icp->server = server;
		icp->owner = owner;
		/* Initialised ICP before the pointer: lockless finders. */
		smp_store_release(slot, icp);
	}
	vxics_unlock(&vx->lock, flags);
	kfree(new);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vxics_icp_attach, KVM_VXICS);

/**
 * vxics_icp_detach() - remove an ICP from the server table
 * @vx: the VM's XICS
 * @icp: an attached ICP
 *
 * Virtual mode.  The caller keeps @icp alive until no CPU can still be
 * delivering to it.  Later deliveries to the server are parked as resend
 * until the source is retargeted.
 */
void vxics_icp_detach(struct vxics *vx, struct vxics_icp *icp)
{
	struct vxics_icp_page *pg;
	unsigned long flags;
	u32 s = icp->server;

	if (s >= VXICS_MAX_SERVERS)
		return;
	flags = vxics_lock(&vx->lock);
	pg = vx->icp_dir[s / VXICS_SERVERS_PER_PAGE];
	if (pg && pg->icp[s % VXICS_SERVERS_PER_PAGE] == icp)
		WRITE_ONCE(pg->icp[s % VXICS_SERVERS_PER_PAGE], NULL);
	vxics_unlock(&vx->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(vxics_icp_detach, KVM_VXICS);

/**
 * vxics_icp_do_resend() - deliver again every source marked for resend (R9)
 * @vx: the VM's XICS
 * @icp: an ICP whose need-resend the caller has just cleared by cmpxchg
 *
 * Scans the blocks marked in @icp's resend map; each marked source of
 * such a block gets a delivery attempt, which takes its RESEND mark.
 */
void vxics_icp_do_resend(struct vxics *vx, struct vxics_icp *icp)
{
	unsigned long bits;
	struct vxics_ics *ics;
	u32 w, b, blk, i;

	for (w = 0; w < ARRAY_SIZE(icp->resend_blocks); w++) {
		/*
		 * The caller's cmpxchg clearing need-resend is fully ordered,
		 * so this read cannot see the map older than that clear;
		 * a marker whose bit we miss sees the clear (deliver_locked()).
		 * Checked by tools/testing/vxics/spin/resend.pml (-DNO_MB).
		 */
		if (!READ_ONCE(icp->resend_blocks[w]))
			continue;
		/* Fully ordered: marks set before a bit we take are seen. */
		/* checked by tools/testing/vxics/spin/resend.pml (-DNO_WMB) */
		bits = xchg(&icp->resend_blocks[w], 0UL);
		for (b = 0; b < BITS_PER_LONG; b++) {
			if (!(bits & BIT(b)))
				continue;
			blk = w * BITS_PER_LONG + b;
			ics = vxics_ics_find(vx, blk << VXICS_ICS_SHIFT);
			if (!ics)
				continue;
			for (i = 0; i < VXICS_ICS_SIZE; i++) {
				if (!(READ_ONCE(ics->src[i].flags) &
				      VXICS_SRC_RESEND))
					continue;
				atomic64_inc(&icp->n_resends);
				vxics_deliver(vx, blk << VXICS_ICS_SHIFT | i,
					      true);
			}
		}
	}
}

/**
 * vxics_h_xirr() - H_XIRR: accept the presented interrupt (R11)
 * @vx: the VM's XICS
 * @icp: the calling vCPU's ICP
 * @xirr: set to (CPPR << 24) | XISR as they were
 *
 * If XISR was set, CPPR takes its priority and XISR is cleared.
 *
 * Return: H_SUCCESS.
 */
long vxics_h_xirr(struct vxics *vx, struct vxics_icp *icp, u64 *xirr)
{
	*xirr = icp_h_xirr(vx, icp);
	return H_SUCCESS;
}
EXPORT_SYMBOL_NS_GPL(vxics_h_xirr, KVM_VXICS);

/**
 * vxics_h_xirr_x() - H_XIRR_X: H_XIRR plus the timebase (R12)
 * @vx: the VM's XICS
 * @icp: the calling vCPU's ICP
 * @xirr: as for vxics_h_xirr()
 * @tb: set to the timebase
 *
 * Return: H_SUCCESS.
 */
long vxics_h_xirr_x(struct vxics *vx, struct vxics_icp *icp, u64 *xirr,
		    u64 *tb)
{
	long rc = vxics_h_xirr(vx, icp, xirr);

	*tb = vxics_timebase();
	return rc;
}
EXPORT_SYMBOL_NS_GPL(vxics_h_xirr_x, KVM_VXICS);

/**
 * vxics_h_ipoll() - H_IPOLL: read an ICP without changing it (R13)
 * @vx: the VM's XICS
 * @server: server number of the ICP
 * @xirr: set to (CPPR << 24) | XISR
 * @mfrr: set to MFRR
 *
 * Return: H_SUCCESS, or H_PARAMETER for an unknown server.
 */
long vxics_h_ipoll(struct vxics *vx, u64 server, u64 *xirr, u64 *mfrr)
{
	struct vxics_icp *icp;
	u64 w;

	/* the guest's u64, not truncated onto a real server (R13) */
	icp = vxics_icp_find(vx, server);
	if (!icp)
		return H_PARAMETER;
	w = READ_ONCE(icp->state);
	*xirr = (u64)vxics_icp_cppr(w) << 24 | vxics_icp_xisr(w);
	*mfrr = vxics_icp_mfrr(w);
	return H_SUCCESS;
}
EXPORT_SYMBOL_NS_GPL(vxics_h_ipoll, KVM_VXICS);

/**
 * vxics_h_cppr() - H_CPPR: set the processor priority (R14)
 * @vx: the VM's XICS
 * @icp: the calling vCPU's ICP
 * @cppr: new CPPR, 0..0xff
 *
 * Less favoured: as icp_relax_cppr().  More favoured: lowers the output
 * and rejects XISR if its priority no longer gets in (R8).
 *
 * Return: H_SUCCESS, or H_PARAMETER (nothing changed) if @cppr > 0xff.
 */
long vxics_h_cppr(struct vxics *vx, struct vxics_icp *icp, u64 cppr)
{
	return icp_h_cppr(vx, icp, cppr);
}
EXPORT_SYMBOL_NS_GPL(vxics_h_cppr, KVM_VXICS);

/**
 * vxics_h_eoi() - H_EOI: end of interrupt (R15)
 * @vx: the VM's XICS
 * @icp: the calling vCPU's ICP
 * @xirr: CPPR to restore in bits 24-31, interrupt number in bits 0-23
 *
 * Restores CPPR like a lowering H_CPPR whatever the number names, so a
 * guest that EOIs a bogus number does not keep its CPPR raised (upstream
 * KVM and QEMU do the same); for a source, then runs its EOI (R17, R18)
 * and the ack notifiers.
 *
 * Return: H_SUCCESS; H_PARAMETER after restoring CPPR if @xirr names
 * neither the IPI nor a defined source; H_PARAMETER, changing nothing, if
 * @xirr has bits set above 31 (not an XIRR at all).
 */
long vxics_h_eoi(struct vxics *vx, struct vxics_icp *icp, u64 xirr)
{
	return icp_h_eoi(vx, icp, xirr);
}
EXPORT_SYMBOL_NS_GPL(vxics_h_eoi, KVM_VXICS);

/**
 * vxics_h_ipi() - H_IPI: set a server's MFRR (R16)
 * @vx: the VM's XICS
 * @icp: the calling vCPU's ICP (unused: any vCPU may IPI any server)
 * @server: target server number
 * @mfrr: new MFRR, 0..0xff
 *
 * If the IPI now gets in, it displaces XISR (R8) at priority @mfrr; if
 * MFRR became less favoured, refused sources are resent.
 *
 * Return: H_SUCCESS, or H_PARAMETER (nothing changed) for an unknown
 * server or @mfrr > 0xff.
 */
long vxics_h_ipi(struct vxics *vx, struct vxics_icp *icp, u64 server,
		 u64 mfrr)
{
	return icp_h_ipi(vx, server, mfrr);
}
EXPORT_SYMBOL_NS_GPL(vxics_h_ipi, KVM_VXICS);

/**
 * vxics_icp_get() - KVM_REG_PPC_ICP_STATE get (R31)
 * @icp: the ICP
 *
 * Return: the one-reg value.
 */
u64 vxics_icp_get(struct vxics_icp *icp)
{
	return vxics_icp_to_onereg(READ_ONCE(icp->state));
}
EXPORT_SYMBOL_NS_GPL(vxics_icp_get, KVM_VXICS);

/**
 * vxics_icp_set() - KVM_REG_PPC_ICP_STATE set (virtual mode; R31, R32)
 * @vx: the VM's XICS
 * @icp: the ICP
 * @val: one-reg value
 *
 * The new word replaces the old one whole.  An XISR it overwrites is
 * dropped, not delivered again: the source attributes userspace sets
 * carry that interrupt's pending state.  If the old word had need-resend
 * set, the resend scan runs afterwards against the new CPPR and MFRR.
 *
 * Return: 0, or -EINVAL (nothing changed) for an inconsistent state or a
 * source XISR whose block does not exist.
 */
int vxics_icp_set(struct vxics *vx, struct vxics_icp *icp, u64 val)
{
	u64 old, new;
	u32 xisr;

	if (vxics_icp_check_onereg(val))
		return -EINVAL;
	new = vxics_icp_from_onereg(val);
	xisr = vxics_icp_xisr(new);
	if (xisr >= VXICS_FIRST_SOURCE && !vxics_ics_find(vx, xisr))
		return -EINVAL;

	vx->ops->lower(vx, icp);
	do {
		old = READ_ONCE(icp->state);
	} while (!icp_cas(vx, icp, old, new, true));
	if (vxics_icp_resend(old))
		vxics_icp_do_resend(vx, icp);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vxics_icp_set, KVM_VXICS);
