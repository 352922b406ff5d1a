/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vxics core: the emulated XICS of one VM, independent of KVM.
 *
 * Source controllers (ICS) hold blocks of VXICS_ICS_SIZE sources, found
 * from the interrupt number's top bits in one array load (R2).  One
 * presentation controller (ICP) per vCPU holds a single state word
 * (icp_state.h) changed only by cmpxchg (R5).  Everything here is real-mode
 * safe unless marked "virtual mode": no sleeping, no printing, no
 * vmalloc'd memory, only the core's own lock (core.h).  The KVM glue supplies the few
 * effects the core cannot perform itself through struct vxics_ops.
 */
#ifndef _VXICS_H
#define _VXICS_H

#include "icp_state.h"

#define VXICS_ICS_SHIFT		10
#define VXICS_ICS_SIZE		BIT(VXICS_ICS_SHIFT)
#define VXICS_NR_BLOCKS		(VXICS_NR_IRQS >> VXICS_ICS_SHIFT)

/*
 * Server numbers: every id KVM can give a vCPU is accepted (R4).  The seam
 * (internal.h) defines VXICS_MAX_SERVERS, KVM_MAX_VCPU_IDS in the kernel.
 * The ICPs are found through a two-level table, a directory of pages of
 * pointers, each page allocated when its first server attaches: one or
 * two loads per lookup whatever the number, and a small table for a VM
 * with few vCPUs.
 */
#define VXICS_SERVERS_PER_PAGE	512
#define VXICS_SERVER_PAGES	\
	((VXICS_MAX_SERVERS + VXICS_SERVERS_PER_PAGE - 1) / VXICS_SERVERS_PER_PAGE)

/* PAPR hcall status values the core returns */
#ifndef H_SUCCESS
#define H_SUCCESS	0
#define H_HARDWARE	-1
#define H_PARAMETER	-4
#endif

/* level argument of vxics_set_level() */
#define VXICS_LEVEL_LOW		0	/* deassert an LSI; no-op on an MSI */
#define VXICS_LEVEL_HIGH	1	/* assert an LSI / trigger an MSI */
#define VXICS_LEVEL_MSI		2	/* in the core only: HIGH, but an LSI ignores it */

/*
 * KVM_DEV_XICS_GRP_SOURCES attribute value (R27), bit-exact with the uapi
 * KVM_XICS_* names of the same suffix; the glue checks they agree.
 */
#define VXICS_DESTINATION_SHIFT	0
#define VXICS_DESTINATION_MASK	0xffffffffULL
#define VXICS_PRIORITY_SHIFT	32
#define VXICS_PRIORITY_MASK	0xffULL
#define VXICS_LEVEL_SENSITIVE	BIT_ULL(40)
#define VXICS_MASKED		BIT_ULL(41)
#define VXICS_PENDING		BIT_ULL(42)
#define VXICS_PRESENTED		BIT_ULL(43)
#define VXICS_QUEUED		BIT_ULL(44)
#define VXICS_SOURCE_ATTR_MASK	((1ULL << 45) - 1)

/* KVM device attribute groups, values of the uapi KVM_DEV_XICS_* names */
#define VXICS_GRP_SOURCES	1	/* KVM_DEV_XICS_GRP_SOURCES */
#define VXICS_GRP_CTRL		2	/* KVM_DEV_XICS_GRP_CTRL */
#define VXICS_NR_SERVERS	1	/* KVM_DEV_XICS_NR_SERVERS, XIVE only */

/* bits of struct vxics_source.flags */
#define VXICS_SRC_DEFINED	BIT(0)	/* created by userspace (R19) */
#define VXICS_SRC_LSI		BIT(1)	/* level-sensitive */
#define VXICS_SRC_P		BIT(2)	/* presented (MSI) / asserted (LSI) */
#define VXICS_SRC_Q		BIT(3)	/* queued (MSI) */
#define VXICS_SRC_MASKED_PENDING BIT(4)	/* arrived while masked (R20) */
#define VXICS_SRC_RESEND	BIT(5)	/* refused by an ICP, waiting (R9) */

/*
 * One interrupt source.  Changed only under the ICS lock; flags is also
 * read without it (READ_ONCE) as a hint by the resend scan, so writers use
 * WRITE_ONCE.
 */
struct vxics_source {
	u32 server;
	u8 priority;		/* current; 0xff masked */
	u8 saved_priority;	/* restored by ibm,int-on */
	u8 flags;
	/*
	 * Statistics for debugfs: events that raised the source (MSI
	 * triggers, LSI assertions) and MSI triggers merged into one
	 * already queued (PQ -> PQ).  The guest is presented the
	 * difference, once it has EOI'd what is pending.
	 */
	u32 n_triggers;
	u32 n_coalesced;
};

/*
 * The core's lock: a test-and-set word, real-mode safe (see core.h).
 * Never the kernel's queued spinlock, whose contended path uses per-CPU
 * nodes that real mode cannot reach (R35).
 */
struct vxics_lock {
	u32 val;
};

struct vxics_ics {
	/* protects src[]; never held across another ICP's cmpxchg loop */
	struct vxics_lock lock;
	u32 block;		/* irq >> VXICS_ICS_SHIFT */
	struct vxics_source src[VXICS_ICS_SIZE];
};

struct vxics_icp {
	u64 state;		/* icp_state.h; only cmpxchg changes it */
	u32 server;
	void *owner;		/* the glue's vCPU */
	/* blocks holding sources marked resend for this ICP (R9) */
	unsigned long resend_blocks[VXICS_NR_BLOCKS / BITS_PER_LONG];
	/* statistics */
	atomic64_t n_rejects;
	atomic64_t n_resends;
};

struct vxics_icp_page {
	struct vxics_icp *icp[VXICS_SERVERS_PER_PAGE];
};

struct vxics;

/* Effects the core asks of its host; all called in real mode too. */
struct vxics_ops {
	/* @icp's output rose (R6): interrupt the vCPU, kick it if needed */
	void (*raise)(struct vxics *vx, struct vxics_icp *icp);
	/* @icp's output fell through its own H_XIRR / H_CPPR */
	void (*lower)(struct vxics *vx, struct vxics_icp *icp);
	/* @irq was EOI'd: run ack notifiers (level resample) */
	void (*eoi_notify)(struct vxics *vx, u32 irq);
};

struct vxics {
	const struct vxics_ops *ops;
	void *priv;			/* the glue's VM */
	struct vxics_lock lock;		/* block creation, ICP table changes */
	struct vxics_ics *ics[VXICS_NR_BLOCKS];	/* R2: indexed by irq >> 10 */
	/* by server number: icp_dir[server / 512]->icp[server % 512] */
	struct vxics_icp_page *icp_dir[VXICS_SERVER_PAGES];
	atomic64_t n_deliveries;
	atomic64_t n_coalesced;		/* MSI triggers absorbed by PQ (R17) */
};

/* Setup and teardown (virtual mode) */
int vxics_init(struct vxics *vx, const struct vxics_ops *ops, void *priv);
void vxics_destroy(struct vxics *vx);
int vxics_icp_attach(struct vxics *vx, struct vxics_icp *icp, u32 server,
		     void *owner);
void vxics_icp_detach(struct vxics *vx, struct vxics_icp *icp);
struct vxics_icp *vxics_icp_find(struct vxics *vx, u64 server);
struct vxics_icp *vxics_icp_next(struct vxics *vx, u32 *server);
struct vxics_ics *vxics_ics_find(struct vxics *vx, u32 irq);

/* Sources */
int vxics_set_level(struct vxics *vx, u32 irq, int level);
int vxics_msi_trigger(struct vxics *vx, u32 irq, u32 *server);

/* Hypercalls of the vCPU owning @icp; return H_SUCCESS or H_PARAMETER */
long vxics_h_xirr(struct vxics *vx, struct vxics_icp *icp, u64 *xirr);
long vxics_h_xirr_x(struct vxics *vx, struct vxics_icp *icp, u64 *xirr,
		    u64 *tb);
long vxics_h_ipoll(struct vxics *vx, u64 server, u64 *xirr, u64 *mfrr);
long vxics_h_cppr(struct vxics *vx, struct vxics_icp *icp, u64 cppr);
long vxics_h_eoi(struct vxics *vx, struct vxics_icp *icp, u64 xirr);
long vxics_h_ipi(struct vxics *vx, struct vxics_icp *icp, u64 server,
		 u64 mfrr);

/* RTAS calls; 0 or -EINVAL */
int vxics_set_xive(struct vxics *vx, u32 irq, u32 server, u32 priority);
int vxics_get_xive(struct vxics *vx, u32 irq, u32 *server, u32 *priority);
int vxics_int_on(struct vxics *vx, u32 irq);
int vxics_int_off(struct vxics *vx, u32 irq);

/* Migration ABI (virtual mode): R27-R32 */
int vxics_source_get(struct vxics *vx, u32 irq, u64 *val);
int vxics_source_set(struct vxics *vx, u32 irq, u64 val);
u64 vxics_icp_get(struct vxics_icp *icp);
int vxics_icp_set(struct vxics *vx, struct vxics_icp *icp, u64 val);
int vxics_attr_check(u32 group, u64 attr);

#endif /* _VXICS_H */
