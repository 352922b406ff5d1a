/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xics: the in-kernel XICS interrupt controller through KVM's uAPI, for
 * the vxics in-VM selftests, and a host-side driver (xg_*) for the
 * command-loop guest in guest_xics.S.
 *
 * The uAPI calls return 0 (or a file descriptor) on success and -errno
 * on failure, so that tests can assert the exact error a rule names.
 */
#ifndef _VXT_XICS_H
#define _VXT_XICS_H

#include <stdbool.h>
#include <stdint.h>
#include "vxt.h"

#define XICS_IPI		2	/* the XISR of an IPI (R1) */
#define XICS_PRIO_MASKED	0xff
#define XICS_FIRST_IRQ		16	/* R1: sources are [16, 2^20) */
#define XICS_NR_IRQS		(1u << 20)
#define XICS_BLOCK_SHIFT	10	/* R2: 1024 sources per block */

/*
 * A source attribute (R27): bits 0-31 server, 32-39 priority, then the
 * flags of <asm/kvm.h>: KVM_XICS_LEVEL_SENSITIVE, _MASKED, _PENDING,
 * _PRESENTED (P), _QUEUED (Q).
 */
#define XICS_SRC(server, prio)						\
	(((uint64_t)(server) & KVM_XICS_DESTINATION_MASK) |		\
	 (((uint64_t)(prio) & KVM_XICS_PRIORITY_MASK) << KVM_XICS_PRIORITY_SHIFT))
#define XICS_SRC_FLAGS	(KVM_XICS_LEVEL_SENSITIVE | KVM_XICS_MASKED |	\
			 KVM_XICS_PENDING | KVM_XICS_PRESENTED |	\
			 KVM_XICS_QUEUED)

static inline uint32_t xics_src_server(uint64_t v)
{
	return v & KVM_XICS_DESTINATION_MASK;
}

static inline uint8_t xics_src_prio(uint64_t v)
{
	return (v >> KVM_XICS_PRIORITY_SHIFT) & KVM_XICS_PRIORITY_MASK;
}

/*
 * The ICP one-reg KVM_REG_PPC_ICP_STATE (R31): CPPR 56-63, XISR 32-55,
 * MFRR 24-31, pending priority 16-23.
 */
#define XICS_ICP(cppr, xisr, mfrr, ppri)				\
	(((uint64_t)(cppr) << KVM_REG_PPC_ICP_CPPR_SHIFT) |		\
	 (((uint64_t)(xisr) & KVM_REG_PPC_ICP_XISR_MASK) << KVM_REG_PPC_ICP_XISR_SHIFT) | \
	 ((uint64_t)(mfrr) << KVM_REG_PPC_ICP_MFRR_SHIFT) |		\
	 ((uint64_t)(ppri) << KVM_REG_PPC_ICP_PPRI_SHIFT))
/* R4: the state of a newly attached ICP */
#define XICS_ICP_RESET	XICS_ICP(0, 0, 0xff, 0xff)

static inline uint8_t xics_icp_cppr(uint64_t s)
{
	return s >> KVM_REG_PPC_ICP_CPPR_SHIFT;
}

static inline uint32_t xics_icp_xisr(uint64_t s)
{
	return (s >> KVM_REG_PPC_ICP_XISR_SHIFT) & KVM_REG_PPC_ICP_XISR_MASK;
}

static inline uint8_t xics_icp_mfrr(uint64_t s)
{
	return s >> KVM_REG_PPC_ICP_MFRR_SHIFT;
}

static inline uint8_t xics_icp_ppri(uint64_t s)
{
	return s >> KVM_REG_PPC_ICP_PPRI_SHIFT;
}

/* The XIRR H_XIRR returns (R11): CPPR in the top byte, XISR below. */
static inline uint32_t xics_xirr(uint8_t cppr, uint32_t xisr)
{
	return (uint32_t)cppr << 24 | xisr;
}

/* The device: KVM_CREATE_DEVICE(KVM_DEV_TYPE_XICS); its fd or -errno */
int xics_create(struct vxt_vm *vm);
/* Any attribute of the device (u64 value): 0 or -errno */
int xics_attr_set(int xfd, uint32_t group, uint64_t attr, uint64_t val);
int xics_attr_get(int xfd, uint32_t group, uint64_t attr, uint64_t *val);
int xics_attr_has(int xfd, uint32_t group, uint64_t attr);
/* A source (KVM_DEV_XICS_GRP_SOURCES, attr = irq): 0 or -errno */
int xics_source_set(int xfd, uint32_t irq, uint64_t val);
int xics_source_get(int xfd, uint32_t irq, uint64_t *val);

/* KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS, {xfd, server}) on the vCPU */
int xics_icp_attach(struct vxt_vcpu *vcpu, int xfd, uint32_t server);
/* KVM_REG_PPC_ICP_STATE: 0 or -errno */
int xics_icp_get(struct vxt_vcpu *vcpu, uint64_t *state);
int xics_icp_set(struct vxt_vcpu *vcpu, uint64_t state);

/* KVM_IRQ_LINE: 0 or -errno */
int xics_irq_line(struct vxt_vm *vm, uint32_t irq, uint32_t level);
/* KVM_IRQ_LINE_STATUS: 0 or -errno; *status is what KVM made of it */
int xics_irq_line_status(struct vxt_vm *vm, uint32_t irq, uint32_t level,
			 int32_t *status);
/* An eventfd bound by KVM_IRQFD to gsi = irq: the eventfd or -errno */
int xics_irqfd(struct vxt_vm *vm, uint32_t irq);
int xics_irqfd_release(struct vxt_vm *vm, int efd, uint32_t irq);
/*
 * Move irqfd @efd from source @from to source @to, the eventfd kept (as
 * QEMU does when the guest renumbers an MSI): 0 or -errno.
 */
int xics_irqfd_move(struct vxt_vm *vm, int efd, uint32_t from, uint32_t to);
/* Signal the eventfd once: 0 or -errno */
int xics_irqfd_trigger(int efd);

/*
 * xg: a vCPU running guest_xics.  Every interrupt the guest takes is
 * recorded in xirr[] (nirq counts them all); while hold_eoi is set the
 * guest's handler leaves them un-EOI'd, while hold_ipi is set just the
 * IPIs (so that the test can clear MFRR first, as Linux does).  Failures
 * of the protocol end the test (VXT_REQUIRE).
 */
#define XG_MAX_IRQ	64

struct xg {
	struct vxt_vcpu *vcpu;
	bool hold_eoi;
	bool hold_ipi;
	int nirq;
	uint32_t xirr[XG_MAX_IRQ];
	int to_user;	/* hypercalls of xg_hcall KVM left to userspace */
};

/* Load guest_xics into vm (once per VM, before the first xg_start) */
void xg_load(struct vxt_vm *vm);
/* Run the vCPU to its first command request. */
void xg_start(struct xg *g, struct vxt_vcpu *vcpu);
/*
 * The guest makes hypercall nr(a0, a1, a2); returns r3, out[] = r4, r5.
 * If KVM leaves it to userspace, to_user counts it and it returns
 * H_FUNCTION.
 */
int64_t xg_hcall(struct xg *g, uint64_t nr, uint64_t a0, uint64_t a1,
		 uint64_t a2, uint64_t *out);
/*
 * The guest runs with MSR[EE]=1 until it took n interrupts or ms passed;
 * returns how many it took.
 */
int xg_wait(struct xg *g, int n, unsigned int ms);
/* The guest stops (VXT_H_DONE); true if it did */
bool xg_done(struct xg *g);
/* The last interrupt the guest took, 0 if none */
uint32_t xg_last(struct xg *g);

#endif /* _VXT_XICS_H */
