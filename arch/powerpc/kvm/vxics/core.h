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
long vxics_source_eoi(struct vxics *vx, u32 irq);
void vxics_deliver(struct vxics *vx, u32 irq, bool resend);
bool vxics_icp_try_deliver(struct vxics *vx, struct vxics_icp *icp, u32 irq,
			   u8 prio, u32 *reject);
void vxics_icp_do_resend(struct vxics *vx, struct vxics_icp *icp);

#endif /* _VXICS_CORE_H */
