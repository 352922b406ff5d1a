/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vxics core: a source's trigger up to its ICP, inline.  ics.c builds its
 * entry points on it and the bypass's real-mode exit path (bypass_rm.c)
 * runs the same code without a call into another object: the trigger of
 * a passed-through MSI is on every bypassed interrupt's path.  Real-mode
 * safe, as ics.c says.
 */
#ifndef _VXICS_TRIGGER_H
#define _VXICS_TRIGGER_H

#include "core.h"

static __always_inline unsigned long ics_lock(struct vxics_ics *ics)
{
	return vxics_lock(&ics->lock);
}

static __always_inline void ics_unlock(struct vxics_ics *ics,
				       unsigned long flags)
{
	vxics_unlock(&ics->lock, flags);
}

/* Under the ICS lock; the resend scan reads flags without it. */
static __always_inline void src_set_flags(struct vxics_source *src, u8 flags)
{
	WRITE_ONCE(src->flags, flags);
}

/*
 * The source block of @irq, or NULL (R2): one load, no lock, real-mode
 * safe.  @irq may come from the guest or userspace, so the index is
 * clamped against speculation past the bounds check.
 */
static __always_inline struct vxics_ics *ics_lookup(struct vxics *vx, u32 irq)
{
	u32 blk;

	if (irq >= VXICS_NR_IRQS)
		return NULL;
	blk = array_index_nospec(irq >> VXICS_ICS_SHIFT, VXICS_NR_BLOCKS);
	/* the release in ics_get_or_create() published the block's contents */
	return vxics_load_dep(vx->ics[blk]);
}

static __always_inline struct vxics_source *
source_find(struct vxics *vx, u32 irq, struct vxics_ics **icsp)
{
	struct vxics_source *src;
	struct vxics_ics *ics;

	if (irq < VXICS_FIRST_SOURCE)
		return NULL;
	ics = ics_lookup(vx, irq);
	if (!ics)
		return NULL;
	src = &ics->src[irq & (VXICS_ICS_SIZE - 1)];
	if (!(READ_ONCE(src->flags) & VXICS_SRC_DEFINED))
		return NULL;
	*icsp = ics;
	return src;
}

/*
 * One delivery attempt of @irq.  The interrupt is "in hand" from the moment
 * the caller decided to deliver it (or took its RESEND mark) until it is
 * either in an ICP's XISR or recorded again as MASKED_PENDING or RESEND
 * under the ICS lock; exactly one CPU holds it at any time, which is what
 * makes every interrupt presented once.
 *
 * @src and @ics: @irq's, from vxics_source_find().  Called with the ICS
 * lock held (@flags from ics_lock()), which it drops: a trigger that
 * decided to present goes on in the same critical section.
 *
 * Return: a source interrupt the delivery displaced from the ICP (R8), to
 * be delivered as a fresh attempt, or 0.
 */
static __always_inline u32
deliver_locked(struct vxics *vx, u32 irq, struct vxics_source *src,
	       struct vxics_ics *ics, unsigned long flags,
	       bool resend)
{
	struct vxics_icp *icp;
	u32 server, reject;
	u8 prio;

again:
	if (resend) {
		/* checked by tools/testing/vxics/spin/resend.pml (-DNO_TAKE) */
		if (!(src->flags & VXICS_SRC_RESEND)) {
			/* somebody else took the mark and delivers it */
			ics_unlock(ics, flags);
			return 0;
		}
		src_set_flags(src, src->flags & ~VXICS_SRC_RESEND);
	}
	/* R10: the server as of now, it may have been retargeted */
	server = src->server;
	prio = src->priority;
	if (prio == VXICS_PRIO_MASKED) {
		/* R20: remembered until int-on / set-xive unmasks it */
		src_set_flags(src, src->flags | VXICS_SRC_MASKED_PENDING);
		ics_unlock(ics, flags);
		return 0;
	}
	icp = icp_lookup(vx, server);
	if (!icp) {
		/* ICP detached: wait for a retarget (R21) */
		src_set_flags(src, src->flags | VXICS_SRC_RESEND);
		ics_unlock(ics, flags);
		return 0;
	}
	ics_unlock(ics, flags);

	/* R10: the ICP's cmpxchg loop runs without the ICS lock held. */
	if (vxics_icp_try_deliver(vx, icp, irq, prio, &reject))
		return reject >= VXICS_FIRST_SOURCE ? reject : 0;

	/* Refused; the same cmpxchg set the ICP's need-resend (R7, R9). */
	flags = ics_lock(ics);
	if (src->server != server || src->priority != prio) {
		/*
		 * Retargeted or reprioritised while we had it in hand: the
		 * changer saw no mark and delivered nothing, so we try again
		 * with the new values (the lock still held) rather than park
		 * it on the old ICP.
		 */
		resend = false;
		goto again;
	}
	src_set_flags(src, src->flags | VXICS_SRC_RESEND);
	ics_unlock(ics, flags);
	/*
	 * The RESEND mark must be visible before the block bit: a resend
	 * scan that finds the bit (an xchg of the map word, fully ordered) reads
	 * the flags without the lock and must see the mark.
	 * Checked by tools/testing/vxics/spin/resend.pml (-DNO_WMB fails).
	 */
	smp_wmb();
	set_bit(ics->block, icp->resend_blocks);
	/*
	 * Store (block bit) then load (need-resend): the resend side does
	 * the mirror image, clearing need-resend with a cmpxchg (a full
	 * barrier) and then testing the bit.  With a full barrier on both
	 * sides at least one of us sees the other's store: either the scan
	 * finds our bit, or we see need-resend clear below and retry
	 * ourselves.  If we see it set, it is a need-resend whose clearing
	 * (and scan) is still to come, after our bit.  Taking the RESEND
	 * mark under the lock decides who delivers, so never both.
	 * Checked by tools/testing/vxics/spin/resend.pml (-DNO_MB fails,
	 * -DNO_RECHECK without the re-check below fails too).
	 */
	smp_mb();
	if (!vxics_icp_resend(READ_ONCE(icp->state))) {
		resend = true;
		flags = ics_lock(ics);
		goto again;
	}
	return 0;
}

/* vxics_set_level() of @irq, whose source @src in block @ics was found */
static __always_inline void
set_level_src(struct vxics *vx, u32 irq, struct vxics_source *src,
	      struct vxics_ics *ics, int level)
{
	unsigned long flags;
	bool present = false;
	u8 f;

	flags = ics_lock(ics);
	f = src->flags;
	if ((f & VXICS_SRC_LSI) && level == VXICS_LEVEL_MSI) {
		/* redefined as an LSI since the caller checked: not for it */
		ics_unlock(ics, flags);
		return;
	}
	if (level == VXICS_LEVEL_MSI)
		level = VXICS_LEVEL_HIGH;
	if (f & VXICS_SRC_LSI) {
		if (level == VXICS_LEVEL_LOW)
			f &= ~(VXICS_SRC_P | VXICS_SRC_Q);
		else if (!(f & VXICS_SRC_P))
			present = true;
		f |= present ? VXICS_SRC_P : 0;
	} else if (level == VXICS_LEVEL_HIGH) {
		if (!(f & VXICS_SRC_P)) {
			present = true;
		} else if (f & VXICS_SRC_Q) {
			atomic64_inc(&vx->n_coalesced);
			src->n_coalesced++;
		}
		f |= (f & VXICS_SRC_P) ? VXICS_SRC_Q : VXICS_SRC_P;
	}
	src->n_triggers += level == VXICS_LEVEL_HIGH;
	src_set_flags(src, f);
	if (!present) {
		ics_unlock(ics, flags);
		return;
	}
	/* the first attempt in the same critical section; displaced ones anew */
	irq = deliver_locked(vx, irq, src, ics, flags, false);
	if (unlikely(irq))
		vxics_deliver(vx, irq, false);
}

/*
 * An MSI source's trigger, for the bypass (vxics_msi_trigger()): 0, or
 * -ENOENT / -EINVAL as that function says.
 */
static __always_inline int msi_trigger(struct vxics *vx, u32 irq, u32 *server)
{
	struct vxics_ics *ics;
	struct vxics_source *src = source_find(vx, irq, &ics);

	if (!src)
		return -ENOENT;
	if (READ_ONCE(src->flags) & VXICS_SRC_LSI)
		return -EINVAL;
	*server = READ_ONCE(src->server);
	set_level_src(vx, irq, src, ics, VXICS_LEVEL_HIGH);
	return 0;
}

#endif /* _VXICS_TRIGGER_H */
