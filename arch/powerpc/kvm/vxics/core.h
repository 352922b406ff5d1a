/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vxics core: what ics.c and icp.c need from each other.  Not for the glue.
 */
#ifndef _VXICS_CORE_H
#define _VXICS_CORE_H

#include "vxics.h"

/*
 * The lock of an ICS and of the XICS tables (R35).  Real mode calls it
 * with the MMU off, so it must be inline code touching only the lock word:
 * xchg_acquire and smp_store_release are a larx/stcx. loop and a lwsync on
 * POWER, cpu_relax() only changes the thread priority.  No per-CPU data,
 * no queue nodes, no out-of-line slow path.
 *
 * Ordering: the acquire of the winning xchg pairs with the release store
 * of the previous holder, so everything written under the lock by one
 * holder is seen by the next.  tools/testing/vxics (TSan, stress) reports
 * races on the sources if either is weakened to relaxed.
 *
 * The holder must not be interrupted while CPUs wait for it: real mode
 * runs with external interrupts hard-disabled, and vxics_irq_save()
 * disables them in virtual mode.
 */
static __always_inline unsigned long vxics_lock(struct vxics_lock *l)
{
	unsigned long flags;

	vxics_irq_save(flags);
	while (unlikely(xchg_acquire(&l->val, 1))) {
		/* wait reading, not writing, so the line stays shared */
		do {
			cpu_relax();
		} while (READ_ONCE(l->val));
	}
	return flags;
}

static __always_inline void vxics_unlock(struct vxics_lock *l,
					 unsigned long flags)
{
	/* pairs with the next holder's xchg_acquire: our writes first */
	smp_store_release(&l->val, 0);
	vxics_irq_restore(flags);
}

static inline bool vxics_lock_is_held(struct vxics_lock *l)
{
	return READ_ONCE(l->val);
}

struct vxics_source *vxics_source_find(struct vxics *vx, u32 irq,
				       struct vxics_ics **icsp);
void vxics_deliver(struct vxics *vx, u32 irq, bool resend);
void vxics_icp_do_resend(struct vxics *vx, struct vxics_icp *icp);

/*
 * The ICP of @server, or NULL: two loads, no lock, real-mode safe; the
 * index is clamped against speculation past the bounds check (@server may
 * come from the guest).  vxics_icp_find() for the glue; inline here
 * because every delivery takes it.
 */
static __always_inline struct vxics_icp *icp_lookup(struct vxics *vx,
						    u64 server)
{
	struct vxics_icp_page *pg;

	if (server >= VXICS_MAX_SERVERS)
		return NULL;
	server = array_index_nospec(server, VXICS_MAX_SERVERS);
	/* Both pair with the releases in vxics_icp_attach(): contents first. */
	pg = vxics_load_dep(vx->icp_dir[server / VXICS_SERVERS_PER_PAGE]);
	if (!pg)
		return NULL;
	/* the ICP's initial state before its pointer, as for the page */
	return vxics_load_dep(pg->icp[server % VXICS_SERVERS_PER_PAGE]);
}

/*
 * How the core raises a vCPU's interrupt line: through the VM's ops,
 * unless the file including this one knows a shorter way for the case it
 * runs in (bypass_rm.c: a vCPU running on this CPU, in real mode).
 */
#ifndef vxics_core_raise
static __always_inline void vxics_core_raise(struct vxics *vx,
					     struct vxics_icp *icp)
{
	vx->ops->raise(vx, icp);
}
#endif

/* The same for lowering it: the vCPU's own H_XIRR and H_CPPR (R6). */
#ifndef vxics_core_lower
static __always_inline void vxics_core_lower(struct vxics *vx,
					     struct vxics_icp *icp)
{
	vx->ops->lower(vx, icp);
}
#endif

/*
 * And for the EOI notification of a source (@lsi: it is level-triggered
 * now): every EOI reaches the ops; a file whose glue only acts on LSIs
 * may skip the call for the others (hcall_rm.c).
 */
#ifndef vxics_core_eoi_notify
static __always_inline void vxics_core_eoi_notify(struct vxics *vx, u32 irq,
						  bool lsi)
{
	vx->ops->eoi_notify(vx, irq);
}
#endif

/*
 * Replace @old by @new.  An OUT bit going from 0 to 1 raises the vCPU's
 * interrupt (R6).  @self_lowered: the vCPU took its interrupt down itself
 * just before (its accept, or a CPPR raise), so here any word with OUT
 * set raises it again, whatever @old said.
 */
static __always_inline bool icp_cas(struct vxics *vx, struct vxics_icp *icp,
				    u64 old, u64 new, bool self_lowered)
{
	if (cmpxchg(&icp->state, old, new) != old)
		return false;
	if (vxics_icp_out(new) && (self_lowered || !vxics_icp_out(old)))
		vxics_core_raise(vx, icp);
	return true;
}

/*
 * vxics_icp_try_deliver() - one cmpxchg loop putting a source into an ICP
 * @vx: the VM's XICS
 * @icp: target ICP
 * @irq: source number
 * @prio: its priority
 * @reject: set to the XISR displaced on success (0, the IPI or a source)
 *
 * R7: succeeds only if @prio is below CPPR, MFRR and the pending priority;
 * otherwise sets need-resend in the same cmpxchg.
 *
 * Return: true if @irq is now the ICP's XISR.
 */
static __always_inline bool
vxics_icp_try_deliver(struct vxics *vx, struct vxics_icp *icp, u32 irq,
		      u8 prio, u32 *reject)
{
	u64 old, new;
	bool ok;

	do {
		old = READ_ONCE(icp->state);
		ok = prio < vxics_icp_cppr(old) && prio < vxics_icp_mfrr(old) &&
		     prio < vxics_icp_pend(old);
		if (ok)
			new = vxics_icp_word(irq, prio, vxics_icp_cppr(old),
					     vxics_icp_mfrr(old),
					     vxics_icp_resend(old));
		else
			new = old | VXICS_ICP_RESEND;
	} while (!icp_cas(vx, icp, old, new, false));

	*reject = ok ? vxics_icp_xisr(old) : 0;
	if (ok) {
		atomic64_inc(&vx->n_deliveries);
		if (*reject)
			atomic64_inc(&icp->n_rejects);
	}
	return ok;
}

#endif /* _VXICS_CORE_H */
