// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxics passthrough map, the writers' side (virtual mode): adding and
 * removing mappings, the grace period, teardown.  The layout, the
 * real-mode lookup and the ordering argument are in map.h.
 *
 * Writers are serialized by the caller; they may sleep (allocation) and
 * wait for readers, which are brief (a lookup on a guest-exit path, with
 * interrupts hard-disabled).  A failed call changes nothing.
 */
#include "internal.h"
#include "map.h"

static struct vxics_map_slot *slot_at(struct vxics_map *m, u32 slot)
{
	return &m->chunk[slot / VXICS_MAP_CHUNK][slot % VXICS_MAP_CHUNK];
}

/* A free slot, taking a new chunk if none is left; -ENOSPC, -ENOMEM. */
static int slot_get(struct vxics_map *m)
{
	struct vxics_map_slot *c;
	u32 slot, i;

	if (!m->free) {
		if (m->n_slots >= VXICS_MAP_SLOTS)
			return -ENOSPC;
		c = kzalloc(sizeof(*c) * VXICS_MAP_CHUNK, GFP_KERNEL);
		if (!c)
			return -ENOMEM;
		for (i = 0; i < VXICS_MAP_CHUNK; i++)
			c[i].next = i + 1 < VXICS_MAP_CHUNK ?
				    m->n_slots + i + 2 : 0;
		/* readers find a chunk only through an entry published later */
		smp_store_release(&m->chunk[m->n_slots / VXICS_MAP_CHUNK], c);
		m->free = m->n_slots + 1;
		m->n_slots += VXICS_MAP_CHUNK;
	}
	slot = m->free - 1;
	m->free = slot_at(m, slot)->next;
	return slot;
}

static u64 *entry_at(struct vxics_map *m, u32 hwirq)
{
	u64 *page = m->dir[hwirq >> VXICS_MAP_PAGE_SHIFT];

	return page ? &page[hwirq & (VXICS_MAP_PAGE_SIZE - 1)] : NULL;
}

/**
 * vxics_map_add() - map a host hardware interrupt to a guest source (B1)
 * @m: the VM's map
 * @hwirq: host hardware number (XISR), 1..2^24-1, not the IPI
 * @guest_irq: guest source number, in [VXICS_FIRST_SOURCE, VXICS_NR_IRQS)
 * @host_irq: the host's Linux irq number, kept for the caller
 * @host_data: kept for the caller's real-mode side (stable with the slot)
 *
 * Return: the slot number (>= 0), -EINVAL for a number out of range,
 * -EBUSY if @hwirq is mapped already, -ENOSPC at VXICS_MAP_SLOTS mappings,
 * -ENOMEM.  On error the map is unchanged.
 */
int vxics_map_add(struct vxics_map *m, u32 hwirq, u32 guest_irq,
		  u32 host_irq, void *host_data)
{
	struct vxics_map_slot *s;
	u64 *page, *e;
	int slot;

	if (!hwirq || hwirq == VXICS_IPI_IRQ ||
	    hwirq >= BIT(VXICS_MAP_HW_BITS) ||
	    guest_irq < VXICS_FIRST_SOURCE || guest_irq >= VXICS_NR_IRQS)
		return -EINVAL;
	e = entry_at(m, hwirq);
	if (e && READ_ONCE(*e))
		return -EBUSY;
	if (!e) {
		page = kzalloc(sizeof(*page) * VXICS_MAP_PAGE_SIZE, GFP_KERNEL);
		if (!page)
			return -ENOMEM;
		/* empty: publishing it early changes no lookup */
		smp_store_release(&m->dir[hwirq >> VXICS_MAP_PAGE_SHIFT], page);
		e = entry_at(m, hwirq);
	}
	slot = slot_get(m);
	if (slot < 0)
		return slot;
	s = slot_at(m, slot);
	s->hwirq = hwirq;
	s->guest_irq = guest_irq;
	s->host_irq = host_irq;
	s->host_data = host_data;
	s->next = 0;
	atomic64_set(&s->n_bypassed, 0);
	/* the slot's contents before the entry that leads to it */
	smp_store_release(e, VXICS_MAP_VALID |
			  (u64)slot << VXICS_MAP_SLOT_SHIFT | guest_irq);
	m->n_mapped++;
	return slot;
}
EXPORT_SYMBOL_NS_GPL(vxics_map_add, KVM_VXICS);

/**
 * vxics_map_del() - remove a host hardware interrupt's mapping (B1)
 * @m: the VM's map
 * @hwirq: host hardware number
 *
 * From here on no new lookup finds it.  A reader may still be using the
 * slot: it is reused only after vxics_map_synchronize(), which the caller
 * must call before it frees or reuses anything the mapping referred to.
 *
 * Return: 0, or -ENOENT if @hwirq is not mapped (map unchanged).
 */
int vxics_map_del(struct vxics_map *m, u32 hwirq)
{
	u64 *e = hwirq < BIT(VXICS_MAP_HW_BITS) ? entry_at(m, hwirq) : NULL;
	u32 slot;

	if (!e || !*e)
		return -ENOENT;
	slot = (*e >> VXICS_MAP_SLOT_SHIFT) & VXICS_MAP_SLOT_MASK;
	WRITE_ONCE(*e, 0);
	slot_at(m, slot)->next = m->pending;
	m->pending = slot + 1;
	m->n_mapped--;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vxics_map_del, KVM_VXICS);

/**
 * vxics_map_sync_begin() - start a grace period
 *
 * Called after the vxics_map_del() calls it covers and before
 * vxics_map_sync_wait() on each reader.
 */
void vxics_map_sync_begin(void)
{
	smp_mb();	/* cleared entries before the sequence loads: map.h */
}
EXPORT_SYMBOL_NS_GPL(vxics_map_sync_begin, KVM_VXICS);

/**
 * vxics_map_sync_wait() - wait for one reader to leave its lookup
 * @r: the reader
 *
 * Returns at once if @r is outside; else spins until it leaves (its
 * sections are a few hundred instructions with interrupts off).
 */
void vxics_map_sync_wait(const struct vxics_map_reader *r)
{
	/* acquire: pairs with vxics_map_read_end()'s release */
	u64 seq = smp_load_acquire(&r->seq);

	if (!(seq & 1))
		return;
	/* inside: wait for it to leave (same pairing) */
	while (smp_load_acquire(&r->seq) == seq)
		cpu_relax();
}
EXPORT_SYMBOL_NS_GPL(vxics_map_sync_wait, KVM_VXICS);

/**
 * vxics_map_sync_end() - end a grace period: removed slots are free
 * @m: the map
 *
 * Only after vxics_map_sync_wait() on every reader of @m.
 */
void vxics_map_sync_end(struct vxics_map *m)
{
	u32 slot;

	while (m->pending) {
		slot = m->pending - 1;
		m->pending = slot_at(m, slot)->next;
		slot_at(m, slot)->hwirq = 0;
		slot_at(m, slot)->host_data = NULL;
		slot_at(m, slot)->next = m->free;
		m->free = slot + 1;
	}
}
EXPORT_SYMBOL_NS_GPL(vxics_map_sync_end, KVM_VXICS);

/**
 * vxics_map_synchronize() - wait out the grace period of removed mappings
 * @m: the map
 * @readers: every reader of @m
 * @n: how many
 *
 * Waits until each reader that was inside a lookup has left it, then
 * returns the removed slots to the free list.
 */
void vxics_map_synchronize(struct vxics_map *m,
			   struct vxics_map_reader *const *readers,
			   unsigned int n)
{
	unsigned int i;

	vxics_map_sync_begin();
	for (i = 0; i < n; i++)
		vxics_map_sync_wait(readers[i]);
	vxics_map_sync_end(m);
}
EXPORT_SYMBOL_NS_GPL(vxics_map_synchronize, KVM_VXICS);

/**
 * vxics_map_destroy() - free a map's pages and slots
 * @m: the map, with no reader left (no vCPU of the VM runs)
 */
void vxics_map_destroy(struct vxics_map *m)
{
	unsigned int i;

	for (i = 0; i < VXICS_MAP_DIR_SIZE; i++)
		kfree(m->dir[i]);
	for (i = 0; i < VXICS_MAP_CHUNKS; i++)
		kfree(m->chunk[i]);
	memset(m, 0, sizeof(*m));
}
EXPORT_SYMBOL_NS_GPL(vxics_map_destroy, KVM_VXICS);
