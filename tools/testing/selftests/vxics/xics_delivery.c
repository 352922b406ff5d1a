// SPDX-License-Identifier: GPL-2.0-only
/*
 * A KVM-HV guest takes interrupts from the in-kernel XICS: MSIs injected
 * with KVM_IRQ_LINE and through an irqfd, held off by its CPPR and taken
 * when it lowers it, a level-sensitive source that comes back while its
 * line stays asserted, and an MSI on a masked source that waits for the
 * unmask.  The guest takes each at 0x500 (H_XIRR, report, H_EOI).
 *
 * Rules: R6 R7 R8 R11 R14 R15 R17 R18 R20 R21 R28 R29.
 */
#include <errno.h>
#include <string.h>
#include "lib/xics.h"

#define MSI	0x1000
#define MSI_FD	0x1001
#define LSI	0x1002
#define MSI_M	0x1003
#define PRIO	5
#define SOON	1000	/* ms: bound for an interrupt that must come */
#define NEVER	100	/* ms: how long one that must not come is awaited */

static struct vxt_vm *vm;
static struct vxt_vcpu *vcpu;
static struct xg g;
static int xfd;

static uint64_t icp(void)
{
	uint64_t s = ~0ULL;

	VXT_REQUIRE(!xics_icp_get(vcpu, &s), "get ICP state");
	return s;
}

static uint64_t src(uint32_t irq)
{
	uint64_t v = ~0ULL;

	VXT_REQUIRE(!xics_source_get(xfd, irq, &v), "get source 0x%x", irq);
	return v;
}

static int64_t hcall(uint64_t nr, uint64_t a0)
{
	return xg_hcall(&g, nr, a0, 0, 0, NULL);
}

static void line(uint32_t irq, uint32_t level)
{
	VXT_REQUIRE(!xics_irq_line(vm, irq, level), "KVM_IRQ_LINE 0x%x %u",
		    irq, level);
}

/* Exactly one interrupt, xirr, is taken (and EOI'd by the guest). */
static bool took_one(uint32_t xirr)
{
	int before = g.nirq;
	int n = xg_wait(&g, 1, SOON);

	n += xg_wait(&g, 1, NEVER);	/* and no second one */
	if (n != 1 || g.nirq != before + 1 || xg_last(&g) != xirr)
		vxt_diag("took %d (%d reported), last xirr 0x%x, want 0x%x",
			 n, g.nirq - before, xg_last(&g), xirr);
	return n == 1 && g.nirq == before + 1 && xg_last(&g) == xirr;
}

static void msi_delivery(void)
{
	int efd;

	/* R11: KVM_IRQ_LINE, then H_XIRR returns (CPPR << 24) | irq */
	line(MSI, 1);
	vxt_ok(icp() == XICS_ICP(0xff, MSI, 0xff, PRIO),
	       "R7: MSI 0x%x presented to the ICP at priority %d (0x%llx)",
	       MSI, PRIO, (unsigned long long)icp());
	vxt_ok(took_one(xics_xirr(0xff, MSI)),
	       "R11: guest takes it at 0x500, H_XIRR 0x%x", xics_xirr(0xff, MSI));
	vxt_ok(icp() == XICS_ICP(0xff, 0, 0xff, 0xff) &&
	       !(src(MSI) & (KVM_XICS_PRESENTED | KVM_XICS_QUEUED)),
	       "R15 R17: after H_EOI CPPR is 0xff again and P/Q are clear");

	/* the same through an irqfd (source defined before KVM_IRQFD) */
	efd = xics_irqfd(vm, MSI_FD);
	VXT_REQUIRE(efd >= 0, "KVM_IRQFD gsi 0x%x: %s", MSI_FD, strerror(-efd));
	VXT_REQUIRE(!xics_irqfd_trigger(efd), "eventfd write");
	vxt_ok(took_one(xics_xirr(0xff, MSI_FD)),
	       "R11: irqfd MSI 0x%x taken, H_XIRR 0x%x", MSI_FD,
	       xics_xirr(0xff, MSI_FD));
	VXT_REQUIRE(!xics_irqfd_trigger(efd), "eventfd write");
	vxt_ok(took_one(xics_xirr(0xff, MSI_FD)), "R11: and again");
	vxt_ok(!xics_irqfd_release(vm, efd, MSI_FD), "irqfd deassigned");

	/* R17: P -> PQ -> PQ while the guest holds it; EOI re-presents once */
	g.hold_eoi = true;
	line(MSI, 1);
	vxt_ok(xg_wait(&g, 1, SOON) == 1 && xg_last(&g) == xics_xirr(0xff, MSI),
	       "R11: MSI taken and held un-EOI'd");
	vxt_ok(icp() == XICS_ICP(PRIO, 0, 0xff, 0xff),
	       "R11: accepting set CPPR to its priority, XISR 0 (0x%llx)",
	       (unsigned long long)icp());
	line(MSI, 1);
	vxt_ok((src(MSI) & (KVM_XICS_PRESENTED | KVM_XICS_QUEUED)) ==
	       (KVM_XICS_PRESENTED | KVM_XICS_QUEUED),
	       "R17 R27: second trigger while presented sets Q (0x%llx)",
	       (unsigned long long)src(MSI));
	line(MSI, 1);
	line(MSI, 0);
	vxt_ok(icp() == XICS_ICP(PRIO, 0, 0xff, 0xff),
	       "R17: third trigger coalesces, level 0 is a no-op: nothing presented");
	g.hold_eoi = false;
	vxt_ok(hcall(H_EOI, xics_xirr(0xff, MSI)) == H_SUCCESS,
	       "R15: H_EOI 0x%x", xics_xirr(0xff, MSI));
	vxt_ok(icp() == XICS_ICP(0xff, MSI, 0xff, PRIO),
	       "R17: EOI moved Q into P and re-presented (0x%llx)",
	       (unsigned long long)icp());
	vxt_ok(took_one(xics_xirr(0xff, MSI)),
	       "R17: the queued MSI is taken exactly once");
}

static void cppr_masking(void)
{
	/* R7 R14: CPPR 4 and 5 hold a priority-5 MSI off; CPPR 6 lets it in */
	vxt_ok(hcall(H_CPPR, 4) == H_SUCCESS && xics_icp_cppr(icp()) == 4,
	       "R14: H_CPPR(4) raises CPPR");
	line(MSI, 1);
	vxt_ok(xics_icp_xisr(icp()) == 0 && xg_wait(&g, 1, NEVER) == 0,
	       "R7: priority 5 under CPPR 4 is not presented nor taken");
	vxt_ok(src(MSI) & KVM_XICS_PENDING,
	       "R9 R28: the refused MSI is remembered (PENDING, 0x%llx)",
	       (unsigned long long)src(MSI));
	vxt_ok(hcall(H_CPPR, PRIO) == H_SUCCESS &&
	       xics_icp_xisr(icp()) == 0 && xg_wait(&g, 1, NEVER) == 0,
	       "R7 R14: CPPR 5 still holds priority 5 off (strict <)");
	vxt_ok(hcall(H_CPPR, 6) == H_SUCCESS &&
	       icp() == XICS_ICP(6, MSI, 0xff, PRIO),
	       "R14: H_CPPR(6) resends it: presented (0x%llx)",
	       (unsigned long long)icp());
	vxt_ok(took_one(xics_xirr(6, MSI)),
	       "R11: taken with XIRR 0x%x (CPPR 6 in the top byte)",
	       xics_xirr(6, MSI));
	vxt_ok(xics_icp_cppr(icp()) == 6, "R15: H_EOI restored CPPR 6");

	/* R14 R8: raising CPPR rejects the presented MSI; it is not lost */
	vxt_ok(hcall(H_CPPR, 0xff) == H_SUCCESS, "R14: H_CPPR(0xff)");
	line(MSI, 1);
	vxt_ok(icp() == XICS_ICP(0xff, MSI, 0xff, PRIO), "R7: MSI presented");
	vxt_ok(hcall(H_CPPR, 3) == H_SUCCESS &&
	       icp() == XICS_ICP(3, 0, 0xff, 0xff),
	       "R14: H_CPPR(3) rejects it from XISR (0x%llx)",
	       (unsigned long long)icp());
	vxt_ok(xg_wait(&g, 1, NEVER) == 0, "R6: nothing taken under CPPR 3");
	vxt_ok(hcall(H_CPPR, 0xff) == H_SUCCESS &&
	       took_one(xics_xirr(0xff, MSI)),
	       "R8 R14: lowering CPPR resends the rejected MSI, taken once");
}

static void lsi(void)
{
	int n;

	/* R18: EOI re-presents while the line is asserted */
	VXT_REQUIRE(!xics_source_set(xfd, LSI, XICS_SRC(0, PRIO) |
				     KVM_XICS_LEVEL_SENSITIVE), "define LSI");
	line(LSI, 1);
	n = xg_wait(&g, 3, SOON);
	vxt_ok(n == 3 && g.xirr[g.nirq - 1] == xics_xirr(0xff, LSI) &&
	       g.xirr[g.nirq - 2] == xics_xirr(0xff, LSI),
	       "R18: asserted LSI taken again after each H_EOI (%d of 3)", n);
	g.hold_eoi = true;
	vxt_ok(xg_wait(&g, 1, SOON) == 1 && xg_last(&g) == xics_xirr(0xff, LSI),
	       "R18: still asserted: presented again (taken, held)");
	vxt_ok((src(LSI) & (KVM_XICS_PENDING | KVM_XICS_PRESENTED)) ==
	       (KVM_XICS_PENDING | KVM_XICS_PRESENTED),
	       "R28: LSI reports PENDING = P while asserted (0x%llx)",
	       (unsigned long long)src(LSI));
	line(LSI, 1);
	vxt_ok(icp() == XICS_ICP(PRIO, 0, 0xff, 0xff),
	       "R18: assert with P set is a no-op");
	line(LSI, 0);
	vxt_ok(!(src(LSI) & (KVM_XICS_PENDING | KVM_XICS_PRESENTED |
			     KVM_XICS_QUEUED)),
	       "R18: deassert clears P and Q (0x%llx)",
	       (unsigned long long)src(LSI));
	g.hold_eoi = false;
	vxt_ok(hcall(H_EOI, xics_xirr(0xff, LSI)) == H_SUCCESS &&
	       icp() == XICS_ICP(0xff, 0, 0xff, 0xff) &&
	       xg_wait(&g, 1, NEVER) == 0,
	       "R18: deasserted: H_EOI presents nothing, none taken");
}

static void masked_pending(void)
{
	uint64_t v;
	int rc;

	/* R20: a trigger on a masked source is remembered, not delivered */
	VXT_REQUIRE(!xics_source_set(xfd, MSI_M, XICS_SRC(0, XICS_PRIO_MASKED)),
		    "define masked source");
	line(MSI_M, 1);
	vxt_ok(xics_icp_xisr(icp()) == 0 && xg_wait(&g, 1, NEVER) == 0,
	       "R20: MSI on a masked source: nothing presented nor taken");
	v = src(MSI_M);
	vxt_ok((v & (KVM_XICS_MASKED | KVM_XICS_PENDING)) ==
	       (KVM_XICS_MASKED | KVM_XICS_PENDING),
	       "R20 R28: source reads MASKED and PENDING (0x%llx)",
	       (unsigned long long)v);

	/*
	 * R21 R29: unmask by read-modify-write of the attribute, as
	 * userspace does (the state is rebuilt from the flags, so PENDING
	 * is kept): delivered once.
	 */
	v = (v & ~(KVM_XICS_MASKED | XICS_SRC(~0u, 0xff))) | XICS_SRC(0, PRIO);
	rc = xics_source_set(xfd, MSI_M, v);
	vxt_ok(!rc && icp() == XICS_ICP(0xff, MSI_M, 0xff, PRIO),
	       "R21 R29: unmasking to priority %d presents it (0x%llx)",
	       PRIO, (unsigned long long)icp());
	vxt_ok(took_one(xics_xirr(0xff, MSI_M)),
	       "R21: the masked-pending MSI is taken exactly once");
	vxt_ok(!(src(MSI_M) & (KVM_XICS_PENDING | KVM_XICS_PRESENTED)),
	       "R17 R28: and is no longer pending (0x%llx)",
	       (unsigned long long)src(MSI_M));
}

int main(void)
{
	vxt_plan(39);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device");
	xg_load(vm);
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(vcpu, xfd, 0), "attach ICP server 0");
	VXT_REQUIRE(!xics_source_set(xfd, MSI, XICS_SRC(0, PRIO)), "define MSI");
	VXT_REQUIRE(!xics_source_set(xfd, MSI_FD, XICS_SRC(0, PRIO)),
		    "define irqfd MSI");
	xg_start(&g, vcpu);

	/* the ICP starts at CPPR 0: an MSI waits for H_CPPR(0xff) */
	line(MSI, 1);
	vxt_ok(xics_icp_xisr(icp()) == 0 && xg_wait(&g, 1, NEVER) == 0,
	       "R4 R7: at CPPR 0 the MSI is not presented nor taken");
	vxt_ok(hcall(H_CPPR, 0xff) == H_SUCCESS && took_one(xics_xirr(0xff, MSI)),
	       "R14: H_CPPR(0xff) resends it, taken once");

	msi_delivery();
	cppr_masking();
	lsi();
	masked_pending();

	vxt_ok(xg_done(&g), "guest finishes");
	vxt_vcpu_destroy(vcpu);
	vxt_vm_destroy(vm);
	return vxt_exit();
}
