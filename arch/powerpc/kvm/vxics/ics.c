// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxics source controllers (ICS): blocks of sources found from the
 * interrupt number alone, the P/Q and level state of each source, the
 * delivery of a source to its ICP, the RTAS calls and the migration format
 * of a source.
 *
 * Real-mode safe unless a function says "virtual mode": the lock is the
 * core's own (core.h, R35), blocks come from kzalloc (linear map) and are
 * published once, and are only freed when the VM goes away.
 *
 * Credit: the P/Q model of MSI sources, masked-pending interrupts released
 * by an unmask, and delivering a rejected interrupt again follow upstream
 * KVM's XICS (book3s_xics.c); the code and comments are our own.
 */
#include "internal.h"
#include "trigger.h"

#define SRC_IDX(irq)	((irq) & (VXICS_ICS_SIZE - 1))

/**
 * vxics_init() - set up the emulated XICS of a VM (virtual mode)
 * @vx: zeroed or not, is overwritten
 * @ops: effects the core asks of the glue, all three callbacks required
 * @priv: the glue's VM, stored in @vx->priv
 *
 * Return: 0, or -EINVAL if @ops is incomplete.
 */
int vxics_init(struct vxics *vx, const struct vxics_ops *ops, void *priv)
{
	if (!ops || !ops->raise || !ops->lower || !ops->eoi_notify)
		return -EINVAL;
	memset(vx, 0, sizeof(*vx));
	vx->ops = ops;
	vx->priv = priv;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vxics_init, KVM_VXICS);

/**
 * vxics_destroy() - free the source blocks and server table of a VM
 * @vx: the VM's XICS; no CPU may be using it any more
 *
 * Virtual mode.  ICPs belong to the glue and are not freed here.
 */
void vxics_destroy(struct vxics *vx)
{
	u32 i;

	for (i = 0; i < VXICS_NR_BLOCKS; i++) {
		kfree(vx->ics[i]);
		vx->ics[i] = NULL;
	}
	for (i = 0; i < VXICS_SERVER_PAGES; i++) {
		kfree(vx->icp_dir[i]);
		vx->icp_dir[i] = NULL;
	}
}
EXPORT_SYMBOL_NS_GPL(vxics_destroy, KVM_VXICS);

/**
 * vxics_ics_find() - the source block holding an interrupt number (R2)
 * @vx: the VM's XICS
 * @irq: global interrupt number
 *
 * One array load, no lock: safe in real mode and against a concurrent
 * ics_get_or_create().  @irq comes from the guest or userspace, so the
 * index is clamped against speculation past the bounds check.
 *
 * Return: the block, or NULL if @irq is out of range or its block was
 * never created.
 */
struct vxics_ics *vxics_ics_find(struct vxics *vx, u32 irq)
{
	return ics_lookup(vx, irq);
}

/*
 * Virtual mode.  The block is allocated before taking vx->lock, which is a
 * spinning lock that must not be held across a sleeping allocation; a racing
 * creator's block is freed unused.
 */
static struct vxics_ics *ics_get_or_create(struct vxics *vx, u32 irq)
{
	u32 blk = irq >> VXICS_ICS_SHIFT;
	struct vxics_ics *ics, *new;
	unsigned long flags;
	u32 i;

	ics = vxics_ics_find(vx, irq);
	if (ics)
		return ics;
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return NULL;
	new->block = blk;
	for (i = 0; i < VXICS_ICS_SIZE; i++) {
		/* R3: server 0, masked; not defined until userspace says so */
		new->src[i].priority = VXICS_PRIO_MASKED;
		new->src[i].saved_priority = VXICS_PRIO_MASKED;
	}

	flags = vxics_lock(&vx->lock);
	ics = vx->ics[blk];
	if (!ics) {
		/* Initialised contents before the pointer (R2 lookups). */
		smp_store_release(&vx->ics[blk], new);
		ics = new;
		new = NULL;
	}
	vxics_unlock(&vx->lock, flags);
	kfree(new);
	return ics;
}

/**
 * vxics_source_find() - a defined source and its block
 * @vx: the VM's XICS
 * @irq: global interrupt number
 * @icsp: set to the source's block when one is returned
 *
 * A source, once defined, stays defined, so the flag may be tested
 * without the lock.
 *
 * Return: the source, or NULL if @irq is not a defined source (R1, R19).
 */
struct vxics_source *vxics_source_find(struct vxics *vx, u32 irq,
				       struct vxics_ics **icsp)
{
	return source_find(vx, irq, icsp);
}

/**
 * vxics_deliver() - present a source's interrupt to the ICP it targets
 * @vx: the VM's XICS
 * @irq: a defined source
 * @resend: deliver only if the source is still marked RESEND, taking the
 *	mark; false for an interrupt the caller already holds
 *
 * Delivers, remembers it as masked-pending (R20) or marks it for resend
 * (R9); interrupts it displaces are delivered in turn (R8), iteratively.
 */
void vxics_deliver(struct vxics *vx, u32 irq, bool resend)
{
	struct vxics_source *src;
	struct vxics_ics *ics;

	while (irq) {
		src = vxics_source_find(vx, irq, &ics);
		if (!src)
			return;
		irq = deliver_locked(vx, irq, src, ics, ics_lock(ics), resend);
		resend = false;
	}
}

/**
 * vxics_set_level() - an event on a source: MSI trigger, LSI line change
 * @vx: the VM's XICS
 * @irq: a defined source
 * @level: VXICS_LEVEL_HIGH or VXICS_LEVEL_LOW
 *
 * MSI (R17): a trigger moves P/Q 00->P (present), P->PQ, PQ->PQ
 * (coalesced, counted in @vx->n_coalesced and the source); LOW does
 * nothing.  Every HIGH counts in the source's n_triggers.
 * LSI (R18): HIGH with P set does nothing, else sets P and presents; LOW
 * clears P and Q.
 *
 * Return: 0, or -EINVAL for an undefined source (R19) or a bad @level,
 * changing nothing.
 */
int vxics_set_level(struct vxics *vx, u32 irq, int level)
{
	struct vxics_source *src;
	struct vxics_ics *ics;

	if (level != VXICS_LEVEL_LOW && level != VXICS_LEVEL_HIGH)
		return -EINVAL;
	src = vxics_source_find(vx, irq, &ics);
	if (!src)
		return -EINVAL;
	set_level_src(vx, irq, src, ics, level);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vxics_set_level, KVM_VXICS);

/**
 * vxics_msi_trigger() - a passed-through device's MSI, in real mode too
 * @vx: the VM's XICS
 * @irq: the guest source the host interrupt is mapped to
 * @server: set to the source's server (the ICP it goes to) on success
 *
 * The bypass's way in (B4): only an MSI source takes it.  An LSI would
 * be asserted and never deasserted, so it is refused, as is a source
 * userspace has not defined (yet, or any more): the caller then leaves
 * the interrupt to the host's ordinary path, which tries the same source
 * through the irqfd.  A source redefined between the check and the
 * trigger gets the trigger as the irqfd path would have given it.
 *
 * Return: 0 (triggered, as vxics_set_level(@irq, VXICS_LEVEL_HIGH)),
 * -ENOENT for an undefined source, -EINVAL for an LSI; nothing changed
 * on error.
 */
int vxics_msi_trigger(struct vxics *vx, u32 irq, u32 *server)
{
	return msi_trigger(vx, irq, server);
}
EXPORT_SYMBOL_NS_GPL(vxics_msi_trigger, KVM_VXICS);

/*
 * Under the ICS lock, after a change of server or priority: hand back a
 * remembered masked-pending or resend interrupt once the priority unmasks
 * it (R21).  The caller delivers it after unlocking.
 */
static bool take_waiting(struct vxics_source *src)
{
	const u8 waiting = VXICS_SRC_MASKED_PENDING | VXICS_SRC_RESEND;

	if (src->priority == VXICS_PRIO_MASKED || !(src->flags & waiting))
		return false;
	src_set_flags(src, src->flags & ~waiting);
	return true;
}

/**
 * vxics_set_xive() - ibm,set-xive (R22)
 * @vx: the VM's XICS
 * @irq: a defined source
 * @server: server number, must have an ICP
 * @priority: new priority and saved priority, 0..0xff
 *
 * Return: 0, or -EINVAL (changing nothing) for an undefined source, a
 * server without ICP or a priority above 0xff.
 */
int vxics_set_xive(struct vxics *vx, u32 irq, u32 server, u32 priority)
{
	struct vxics_source *src;
	struct vxics_ics *ics;
	unsigned long flags;
	bool deliver;

	src = vxics_source_find(vx, irq, &ics);
	if (!src || priority > VXICS_PRIO_MASKED || !vxics_icp_find(vx, server))
		return -EINVAL;
	flags = ics_lock(ics);
	src->server = server;
	src->priority = priority;
	src->saved_priority = priority;
	deliver = take_waiting(src);
	ics_unlock(ics, flags);

	if (deliver)
		vxics_deliver(vx, irq, false);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vxics_set_xive, KVM_VXICS);

/**
 * vxics_get_xive() - ibm,get-xive (R23)
 * @vx: the VM's XICS
 * @irq: a defined source
 * @server: set to the source's server
 * @priority: set to the current priority, 0xff while masked
 *
 * Return: 0, or -EINVAL for an undefined source (outputs untouched).
 */
int vxics_get_xive(struct vxics *vx, u32 irq, u32 *server, u32 *priority)
{
	struct vxics_source *src;
	struct vxics_ics *ics;
	unsigned long flags;

	src = vxics_source_find(vx, irq, &ics);
	if (!src)
		return -EINVAL;
	flags = ics_lock(ics);
	*server = src->server;
	*priority = src->priority;
	ics_unlock(ics, flags);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vxics_get_xive, KVM_VXICS);

/**
 * vxics_int_off() - ibm,int-off (R24): save the priority, then mask
 * @vx: the VM's XICS
 * @irq: a defined source
 *
 * As in QEMU and upstream KVM, a second int-off saves 0xff.
 *
 * Return: 0, or -EINVAL for an undefined source.
 */
int vxics_int_off(struct vxics *vx, u32 irq)
{
	struct vxics_source *src;
	struct vxics_ics *ics;
	unsigned long flags;

	src = vxics_source_find(vx, irq, &ics);
	if (!src)
		return -EINVAL;
	flags = ics_lock(ics);
	src->saved_priority = src->priority;
	src->priority = VXICS_PRIO_MASKED;
	ics_unlock(ics, flags);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vxics_int_off, KVM_VXICS);

/**
 * vxics_int_on() - ibm,int-on (R25): restore the saved priority
 * @vx: the VM's XICS
 * @irq: a defined source
 *
 * Delivers a remembered interrupt if the source is unmasked by it (R21).
 *
 * Return: 0, or -EINVAL (changing nothing) for an undefined source or a
 * server without an ICP.
 */
int vxics_int_on(struct vxics *vx, u32 irq)
{
	struct vxics_source *src;
	struct vxics_ics *ics;
	unsigned long flags;
	bool deliver;

	src = vxics_source_find(vx, irq, &ics);
	if (!src)
		return -EINVAL;
	flags = ics_lock(ics);
	if (!vxics_icp_find(vx, src->server)) {
		ics_unlock(ics, flags);
		return -EINVAL;
	}
	src->priority = src->saved_priority;
	deliver = take_waiting(src);
	ics_unlock(ics, flags);

	if (deliver)
		vxics_deliver(vx, irq, false);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vxics_int_on, KVM_VXICS);

/**
 * vxics_source_get() - KVM_DEV_XICS_GRP_SOURCES get (R27, R28)
 * @vx: the VM's XICS
 * @irq: source number
 * @val: set to the attribute value
 *
 * A masked source reports MASKED and its saved priority; PENDING is P for
 * an LSI, masked-pending or resend for an MSI.
 *
 * Return: 0, or -ENOENT for an undefined source.
 */
int vxics_source_get(struct vxics *vx, u32 irq, u64 *val)
{
	struct vxics_source *src;
	struct vxics_ics *ics;
	unsigned long flags;
	u64 v, prio;
	u8 f;

	src = vxics_source_find(vx, irq, &ics);
	if (!src)
		return -ENOENT;
	flags = ics_lock(ics);
	f = src->flags;
	v = (u64)src->server << VXICS_DESTINATION_SHIFT;
	prio = src->priority;
	if (prio == VXICS_PRIO_MASKED) {
		v |= VXICS_MASKED;
		prio = src->saved_priority;
	}
	ics_unlock(ics, flags);

	v |= prio << VXICS_PRIORITY_SHIFT;
	if (f & VXICS_SRC_LSI) {
		v |= VXICS_LEVEL_SENSITIVE;
		if (f & VXICS_SRC_P)
			v |= VXICS_PENDING;
	} else if (f & (VXICS_SRC_MASKED_PENDING | VXICS_SRC_RESEND)) {
		v |= VXICS_PENDING;
	}
	if (f & VXICS_SRC_P)
		v |= VXICS_PRESENTED;
	if (f & VXICS_SRC_Q)
		v |= VXICS_QUEUED;
	*val = v;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vxics_source_get, KVM_VXICS);

/**
 * vxics_source_set() - KVM_DEV_XICS_GRP_SOURCES set (virtual mode; R29)
 * @vx: the VM's XICS
 * @irq: source number in [16, 2^20)
 * @val: attribute value (R27)
 *
 * Creates the block if needed and defines the source with the state in
 * @val (PENDING also sets P); a pending source is then delivered.
 *
 * Return: 0; -ENOENT if @irq is out of range; -EINVAL, changing nothing,
 * for a priority other than 0xff on a server without ICP or for bits set
 * above QUEUED; -ENOMEM if the block cannot be allocated.
 */
int vxics_source_set(struct vxics *vx, u32 irq, u64 val)
{
	u32 server = (val >> VXICS_DESTINATION_SHIFT) & VXICS_DESTINATION_MASK;
	u8 prio = (val >> VXICS_PRIORITY_SHIFT) & VXICS_PRIORITY_MASK;
	struct vxics_source *src;
	struct vxics_ics *ics;
	unsigned long flags;
	u8 f = VXICS_SRC_DEFINED;

	if (irq < VXICS_FIRST_SOURCE || irq >= VXICS_NR_IRQS)
		return -ENOENT;
	if (val & ~VXICS_SOURCE_ATTR_MASK)
		return -EINVAL;
	if (prio != VXICS_PRIO_MASKED && !vxics_icp_find(vx, server))
		return -EINVAL;
	ics = ics_get_or_create(vx, irq);
	if (!ics)
		return -ENOMEM;
	src = &ics->src[SRC_IDX(irq)];

	if (val & VXICS_LEVEL_SENSITIVE)
		f |= VXICS_SRC_LSI;
	if (val & (VXICS_PRESENTED | VXICS_PENDING))
		f |= VXICS_SRC_P;
	if (val & VXICS_QUEUED)
		f |= VXICS_SRC_Q;

	flags = ics_lock(ics);
	src->server = server;
	src->saved_priority = prio;
	src->priority = (val & VXICS_MASKED) ? VXICS_PRIO_MASKED : prio;
	src_set_flags(src, f);
	ics_unlock(ics, flags);

	if (val & VXICS_PENDING)
		vxics_deliver(vx, irq, false);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vxics_source_set, KVM_VXICS);

/**
 * vxics_attr_check() - which device attributes the native XICS device has
 * @group: attribute group
 * @attr: attribute within @group
 *
 * For the glue's has_attr/get_attr/set_attr: only source numbers in
 * KVM_DEV_XICS_GRP_SOURCES exist.  KVM_DEV_XICS_GRP_CTRL, in particular
 * its NR_SERVERS attribute, belongs to XICS-on-XIVE (R30).
 *
 * Return: 0 if the attribute exists, else -ENXIO.
 */
int vxics_attr_check(u32 group, u64 attr)
{
	if (group == VXICS_GRP_SOURCES && attr >= VXICS_FIRST_SOURCE &&
	    attr < VXICS_NR_IRQS)
		return 0;
	return -ENXIO;
}
EXPORT_SYMBOL_NS_GPL(vxics_attr_check, KVM_VXICS);
