// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxics presentation controller: the ICP state word and its save/restore
 * format.  Real-mode safe: pure computation on values passed in.
 */
#include "internal.h"
#include "icp_state.h"

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
 * Checks the internal consistency required by R32.  Whether the source
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
