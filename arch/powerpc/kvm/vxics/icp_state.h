/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vxics presentation controller (ICP) state word.
 *
 * The whole ICP state is one u64 that is only ever replaced as a unit by
 * cmpxchg (rule R5), so readers need no lock and writers never block; this
 * is what lets the hcalls run with the MMU off.
 *
 *   63       50  49    48   47    40 39    32 31      24 23           0
 *  +-----------+-----+-----+--------+--------+----------+--------------+
 *  |   zero    | OUT | RSD |  MFRR  |  CPPR  | PEND_PRI |     XISR     |
 *  +-----------+-----+-----+--------+--------+----------+--------------+
 *
 *  XISR      interrupt being presented (0: none, 2: the IPI, else a source)
 *  PEND_PRI  priority of XISR (0xff when XISR is 0)
 *  CPPR      current processor priority: only priorities below it get in
 *  MFRR      IPI request priority (0xff: no IPI)
 *  RSD       need-resend: a delivery to this ICP was refused since the
 *            last resend, some source is waiting for CPPR/MFRR to drop
 *  OUT       the output line to the vCPU, always XISR && PEND_PRI < CPPR
 *
 * vxics_icp_word() computes OUT from the other fields, so every word built
 * with it obeys rule R6 by construction.
 */
#ifndef _VXICS_ICP_STATE_H
#define _VXICS_ICP_STATE_H

#define VXICS_ICP_XISR_MASK	0xffffffULL
#define VXICS_ICP_PEND_SHIFT	24
#define VXICS_ICP_CPPR_SHIFT	32
#define VXICS_ICP_MFRR_SHIFT	40
#define VXICS_ICP_RESEND	BIT_ULL(48)
#define VXICS_ICP_OUT		BIT_ULL(49)

#define VXICS_PRIO_MASKED	0xff	/* least favoured: nothing gets in */
#define VXICS_IPI_IRQ		2	/* XISR value of the MFRR interrupt */
#define VXICS_FIRST_SOURCE	16	/* R1: 1..15 are never sources */
#define VXICS_NR_IRQS		BIT(20)

static inline u32 vxics_icp_xisr(u64 w)
{
	return w & VXICS_ICP_XISR_MASK;
}

static inline u8 vxics_icp_pend(u64 w)
{
	return w >> VXICS_ICP_PEND_SHIFT;
}

static inline u8 vxics_icp_cppr(u64 w)
{
	return w >> VXICS_ICP_CPPR_SHIFT;
}

static inline u8 vxics_icp_mfrr(u64 w)
{
	return w >> VXICS_ICP_MFRR_SHIFT;
}

static inline bool vxics_icp_resend(u64 w)
{
	return w & VXICS_ICP_RESEND;
}

static inline bool vxics_icp_out(u64 w)
{
	return w & VXICS_ICP_OUT;
}

/* Build a state word; OUT follows from the fields (R6). */
static inline u64 vxics_icp_word(u32 xisr, u8 pend, u8 cppr, u8 mfrr,
				 bool resend)
{
	u64 w = (xisr & VXICS_ICP_XISR_MASK) |
		(u64)pend << VXICS_ICP_PEND_SHIFT |
		(u64)cppr << VXICS_ICP_CPPR_SHIFT |
		(u64)mfrr << VXICS_ICP_MFRR_SHIFT;

	if (resend)
		w |= VXICS_ICP_RESEND;
	if (xisr && pend < cppr)
		w |= VXICS_ICP_OUT;
	return w;
}

/* R4: the state of a freshly attached ICP. */
#define VXICS_ICP_INITIAL \
	vxics_icp_word(0, VXICS_PRIO_MASKED, 0, VXICS_PRIO_MASKED, false)

u64 vxics_icp_to_onereg(u64 w);
int vxics_icp_check_onereg(u64 reg);
u64 vxics_icp_from_onereg(u64 reg);

#endif /* _VXICS_ICP_STATE_H */
