/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vxics passthrough map (B1-B3): per VM, host hardware interrupt number
 * (the XISR the host ICP gives) -> guest source number.
 *
 * Looked up in real mode on the guest-exit path, so: a two-level table
 * indexed by the 24-bit host number, a directory of 4096 page pointers and
 * pages of 4096 entries allocated when first used (kzalloc: linear map);
 * two dependent loads per lookup whatever the number of mappings, no lock.
 * An entry is one 64-bit word, VALID | slot << 32 | guest source, so a
 * lookup sees a mapping whole or not at all.  The slot (the mapping's
 * host irq and counters) comes from a pool of VXICS_MAP_SLOTS, in chunks
 * of VXICS_MAP_CHUNK allocated as needed; removed slots are reused, but
 * only after a grace period.
 *
 * The grace period: a real-mode reader brackets its lookup and its use of
 * the slot with vxics_map_read_begin()/_end() on a struct
 * vxics_map_reader of its own (the KVM glue has one per host CPU, in the
 * linear map), whose sequence is odd inside.  Removal clears the entry, then
 * vxics_map_synchronize() waits until each reader that was inside has
 * left; only then does the slot go back to the free list.  RCU does not
 * do here: with context tracking (nohz_full) a CPU in guest context, its
 * real-mode exit path included, is in an RCU extended quiescent state,
 * and a POWER8 secondary thread running a guest is offline to RCU.
 *
 * Ordering: the reader stores its odd sequence, full barrier, loads the
 * entry; the remover stores the cleared entry, full barrier, loads the
 * sequence.  With both barriers at least one sees the other's store: a
 * reader that found the old entry is seen inside and waited for, and a
 * reader the remover saw outside finds the entry cleared.  The reader
 * ends with a release store and the remover reads the sequence with an
 * acquire load, so everything the reader did with the slot happens
 * before the slot is reused.  Entries, page and chunk pointers are
 * published with release stores and read with vxics_load_dep(): the
 * slot is reached through the entry, the entry through the page, so the
 * address dependency orders what the release published.
 * tools/testing/vxics (map stress, TSan) checks this; spin/map.pml models
 * it with each barrier removed.
 */
#ifndef _VXICS_MAP_H
#define _VXICS_MAP_H

#include "vxics.h"

#define VXICS_MAP_HW_BITS	24
#define VXICS_MAP_PAGE_SHIFT	12
#define VXICS_MAP_PAGE_SIZE	BIT(VXICS_MAP_PAGE_SHIFT)
#define VXICS_MAP_DIR_SIZE	BIT(VXICS_MAP_HW_BITS - VXICS_MAP_PAGE_SHIFT)
#define VXICS_MAP_SLOTS		8192	/* mappings per VM (B3: >= 4096) */
#define VXICS_MAP_CHUNK		64
#define VXICS_MAP_CHUNKS	(VXICS_MAP_SLOTS / VXICS_MAP_CHUNK)

#define VXICS_MAP_VALID		BIT_ULL(63)
#define VXICS_MAP_SLOT_SHIFT	32
#define VXICS_MAP_SLOT_MASK	0xffffULL
#define VXICS_MAP_GUEST_MASK	0xffffffULL

/* One mapping's data; stable while a reader holds its entry. */
struct vxics_map_slot {
	u32 hwirq;		/* host hardware number; 0 while free */
	u32 guest_irq;
	u32 host_irq;		/* the host's Linux irq, for the glue */
	u32 next;		/* free and pending lists: slot + 1, 0 ends */
	void *host_data;	/* the glue's: what the host EOI needs */
	atomic64_t n_bypassed;	/* delivered by the bypass */
};

struct vxics_map {
	u64 *dir[VXICS_MAP_DIR_SIZE];	/* pages of entries */
	struct vxics_map_slot *chunk[VXICS_MAP_CHUNKS];
	/* writers only, serialized by the caller */
	u32 free;		/* free slots: slot + 1, 0 if none */
	u32 pending;		/* removed, waiting for the grace period */
	u32 n_slots;		/* slots in allocated chunks */
	u32 n_mapped;
};

/* A real-mode reader of a map: one per host CPU in the KVM glue. */
struct vxics_map_reader {
	u64 seq;		/* odd while inside a lookup */
};

int vxics_map_add(struct vxics_map *m, u32 hwirq, u32 guest_irq,
		  u32 host_irq, void *host_data);
int vxics_map_del(struct vxics_map *m, u32 hwirq);
void vxics_map_synchronize(struct vxics_map *m,
			   struct vxics_map_reader *const *readers,
			   unsigned int n);
void vxics_map_sync_begin(void);
void vxics_map_sync_wait(const struct vxics_map_reader *r);
void vxics_map_sync_end(struct vxics_map *m);
void vxics_map_destroy(struct vxics_map *m);

static __always_inline void vxics_map_read_begin(struct vxics_map_reader *r)
{
	WRITE_ONCE(r->seq, r->seq + 1);
	smp_mb();	/* odd sequence before the entry load: see above */
}

static __always_inline void vxics_map_read_end(struct vxics_map_reader *r)
{
	/* everything done with the slot before the remover may reuse it */
	smp_store_release(&r->seq, r->seq + 1);
}

/*
 * The entry for host number @hwirq (VXICS_MAP_VALID set) or 0.  @hwirq
 * comes from the host ICP, not from a guest.  Between read_begin/_end.
 */
static __always_inline u64 vxics_map_find(struct vxics_map *m, u32 hwirq)
{
	u64 *page;

	if (hwirq >= BIT(VXICS_MAP_HW_BITS))
		return 0;
	/* pairs with the release publishing the page in vxics_map_add() */
	page = vxics_load_dep(m->dir[hwirq >> VXICS_MAP_PAGE_SHIFT]);
	if (!page)
		return 0;
	/* pairs with the release publishing the entry after its slot */
	return vxics_load_dep(page[hwirq & (VXICS_MAP_PAGE_SIZE - 1)]);
}

static __always_inline u32 vxics_map_guest(u64 entry)
{
	return entry & VXICS_MAP_GUEST_MASK;
}

/* The slot of a valid @entry found between read_begin/_end. */
static __always_inline struct vxics_map_slot *
vxics_map_slot(struct vxics_map *m, u64 entry)
{
	u32 slot = (entry >> VXICS_MAP_SLOT_SHIFT) & VXICS_MAP_SLOT_MASK;
	struct vxics_map_slot *c;

	/* pairs with the release publishing the chunk in slot_get() */
	c = vxics_load_dep(m->chunk[slot / VXICS_MAP_CHUNK]);
	return &c[slot % VXICS_MAP_CHUNK];
}

#endif /* _VXICS_MAP_H */
