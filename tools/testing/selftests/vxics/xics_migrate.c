// SPDX-License-Identifier: GPL-2.0-only
/*
 * Save/restore round trip, the way QEMU migrates an in-kernel XICS: VM A
 * is left with interrupts in every kind of pending state (an MSI refused
 * by CPPR, an asserted LSI, an MSI on a masked source, an MSI presented
 * but not accepted, an MFRR waiting behind it); every source attribute
 * and each ICP's one-reg are saved; a fresh VM B restores them, sources
 * first and then the ICPs, reads back the same values, and its guests
 * then take exactly the interrupts A had pending.
 *
 * Rules: R14 R17 R18 R20 R21 R27 R28 R29 R31 R32.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "lib/xics.h"

#define MSI	0x1000		/* server 0, prio 5: refused by CPPR 3 */
#define LSI	0x1001		/* server 0, prio 5: asserted under CPPR 3 */
#define MSI_M	0x1002		/* server 1, masked (saved prio 6): pending */
#define MSI_P	0x1400		/* server 1, prio 4, block 5: presented */
#define IDLE	0x1003		/* server 0, prio 5, nothing happened */
#define SOON	1000
#define NEVER	100

#define NSRC	5
static const uint32_t srcs[NSRC] = { MSI, LSI, MSI_M, MSI_P, IDLE };

struct vm {
	struct vxt_vm *vm;
	struct vxt_vcpu *vcpu[2];
	struct xg g[2];
	int xfd;
};

static void vm_create(struct vm *m)
{
	int i;

	m->vm = vxt_vm_create(16 << 20);
	m->xfd = xics_create(m->vm);
	VXT_REQUIRE(m->xfd >= 0, "create the XICS device");
	xg_load(m->vm);
	for (i = 0; i < 2; i++) {
		m->vcpu[i] = vxt_vcpu_add(m->vm, i, VXT_GUEST_ENTRY);
		VXT_REQUIRE(!xics_icp_attach(m->vcpu[i], m->xfd, i),
			    "attach ICP server %d", i);
	}
}

static void vm_destroy(struct vm *m)
{
	vxt_vcpu_destroy(m->vcpu[1]);
	vxt_vcpu_destroy(m->vcpu[0]);
	close(m->xfd);
	vxt_vm_destroy(m->vm);
}

static uint64_t src(struct vm *m, uint32_t irq)
{
	uint64_t v = ~0ULL;

	VXT_REQUIRE(!xics_source_get(m->xfd, irq, &v), "get source 0x%x", irq);
	return v;
}

static uint64_t icp(struct vm *m, int i)
{
	uint64_t s = ~0ULL;

	VXT_REQUIRE(!xics_icp_get(m->vcpu[i], &s), "get ICP %d", i);
	return s;
}

static void line(struct vm *m, uint32_t irq, uint32_t level)
{
	VXT_REQUIRE(!xics_irq_line(m->vm, irq, level), "KVM_IRQ_LINE 0x%x %u",
		    irq, level);
}

/* VM A: leave every kind of pending interrupt behind */
static void prepare_a(struct vm *a)
{
	struct xg *g0 = &a->g[0], *g1 = &a->g[1];

	VXT_REQUIRE(!xics_source_set(a->xfd, MSI, XICS_SRC(0, 5)), "MSI");
	VXT_REQUIRE(!xics_source_set(a->xfd, LSI, XICS_SRC(0, 5) |
				     KVM_XICS_LEVEL_SENSITIVE), "LSI");
	VXT_REQUIRE(!xics_source_set(a->xfd, MSI_M, XICS_SRC(1, 6) |
				     KVM_XICS_MASKED), "masked MSI");
	VXT_REQUIRE(!xics_source_set(a->xfd, MSI_P, XICS_SRC(1, 4)), "MSI_P");
	VXT_REQUIRE(!xics_source_set(a->xfd, IDLE, XICS_SRC(0, 5)), "IDLE");
	xg_start(g0, a->vcpu[0]);
	xg_start(g1, a->vcpu[1]);
	VXT_REQUIRE(xg_hcall(g0, H_CPPR, 3, 0, 0, NULL) == H_SUCCESS, "CPPR 3");
	VXT_REQUIRE(xg_hcall(g1, H_CPPR, 0xff, 0, 0, NULL) == H_SUCCESS,
		    "CPPR 0xff");
	line(a, MSI, 1);
	line(a, LSI, 1);
	line(a, MSI_M, 1);
	line(a, MSI_P, 1);	/* presented to ICP 1, not accepted (EE=0) */
	VXT_REQUIRE(xg_hcall(g0, H_IPI, 1, 6, 0, NULL) == H_SUCCESS,
		    "H_IPI(1, 6)");
	VXT_REQUIRE(xg_wait(g0, 1, NEVER) == 0, "vCPU 0 takes nothing");

	/* R28: what a source reports in each of those states */
	vxt_ok((src(a, MSI) & (KVM_XICS_PENDING | KVM_XICS_MASKED)) ==
	       KVM_XICS_PENDING,
	       "R28: A: MSI refused by CPPR reads PENDING (0x%llx)",
	       (unsigned long long)src(a, MSI));
	vxt_ok((src(a, LSI) & (KVM_XICS_PENDING | KVM_XICS_PRESENTED)) ==
	       (KVM_XICS_PENDING | KVM_XICS_PRESENTED),
	       "R18 R28: A: asserted LSI reads PENDING and P (0x%llx)",
	       (unsigned long long)src(a, LSI));
	vxt_ok((src(a, MSI_M) & (KVM_XICS_PENDING | KVM_XICS_MASKED)) ==
	       (KVM_XICS_PENDING | KVM_XICS_MASKED) &&
	       xics_src_prio(src(a, MSI_M)) == 6,
	       "R20 R28: A: masked MSI reads MASKED, PENDING, saved priority 6");
	vxt_ok((src(a, MSI_P) & (KVM_XICS_PENDING | KVM_XICS_PRESENTED |
				 KVM_XICS_QUEUED)) == KVM_XICS_PRESENTED,
	       "R17 R28: A: presented MSI reads P only (0x%llx)",
	       (unsigned long long)src(a, MSI_P));
	vxt_ok(icp(a, 0) == XICS_ICP(3, 0, 0xff, 0xff) &&
	       icp(a, 1) == XICS_ICP(0xff, MSI_P, 6, 4),
	       "R31: A: ICPs 0x%llx and 0x%llx",
	       (unsigned long long)icp(a, 0), (unsigned long long)icp(a, 1));
}

/* Take one held interrupt; for the LSI drop the line before the EOI. */
static uint32_t take_one(struct vm *m, int i)
{
	struct xg *g = &m->g[i];
	uint32_t xirr;

	g->hold_eoi = true;
	if (xg_wait(g, 1, SOON) != 1)
		return 0;
	xirr = xg_last(g);
	if ((xirr & 0xffffff) == LSI)
		line(m, LSI, 0);
	if ((xirr & 0xffffff) == XICS_IPI &&
	    xg_hcall(g, H_IPI, i, 0xff, 0, NULL) != H_SUCCESS)
		return 0;
	if (xg_hcall(g, H_EOI, (xirr & 0xffffff) | 0xff000000, 0, 0, NULL))
		return 0;
	return xirr;
}

static void run_b(struct vm *b)
{
	uint32_t x, y;
	uint64_t v;
	int rc;

	/* vCPU 0 opens CPPR: the refused MSI and the LSI come, once each */
	vxt_ok(xg_hcall(&b->g[0], H_CPPR, 0xff, 0, 0, NULL) == H_SUCCESS,
	       "R14: B: vCPU 0 lowers CPPR to 0xff");
	x = take_one(b, 0);
	y = take_one(b, 0);
	vxt_ok((x == xics_xirr(0xff, MSI) && y == xics_xirr(0xff, LSI)) ||
	       (x == xics_xirr(0xff, LSI) && y == xics_xirr(0xff, MSI)),
	       "R14 R29: B: vCPU 0 takes the MSI and the LSI (0x%x, 0x%x)",
	       x, y);
	vxt_ok(xg_wait(&b->g[0], 1, NEVER) == 0, "R17 R18: and nothing more");

	/* vCPU 1: the presented MSI, then the IPI MFRR kept behind it */
	x = take_one(b, 1);
	vxt_ok(x == xics_xirr(0xff, MSI_P),
	       "R31 R32: B: vCPU 1 takes the presented MSI 0x%x (0x%x)",
	       MSI_P, x);
	x = take_one(b, 1);
	vxt_ok(x == xics_xirr(0xff, XICS_IPI),
	       "R14 R31: B: then the IPI from the restored MFRR (0x%x)", x);

	/* the masked-pending MSI arrives on unmask */
	vxt_ok(xg_wait(&b->g[1], 1, NEVER) == 0,
	       "R20: B: the masked MSI is not taken while masked");
	v = src(b, MSI_M);
	v = (v & ~(KVM_XICS_MASKED | XICS_SRC(~0u, 0xff))) | XICS_SRC(1, 6);
	rc = xics_source_set(b->xfd, MSI_M, v);
	x = take_one(b, 1);
	vxt_ok(!rc && x == xics_xirr(0xff, MSI_M),
	       "R21 R29: B: unmasked, vCPU 1 takes 0x%x (0x%x)", MSI_M, x);
	vxt_ok(xg_wait(&b->g[1], 1, NEVER) == 0, "R17: and nothing more");
	vxt_ok(xg_done(&b->g[0]) && xg_done(&b->g[1]), "B: guests finish");
}

int main(void)
{
	uint64_t sv[NSRC], ic[2];
	struct vm a, b;
	bool same;
	unsigned int i;
	int rc;

	vxt_plan(18);
	vm_create(&a);
	prepare_a(&a);

	/* save: every source attribute, each ICP */
	for (i = 0; i < NSRC; i++)
		sv[i] = src(&a, srcs[i]);
	ic[0] = icp(&a, 0);
	ic[1] = icp(&a, 1);
	vm_destroy(&a);

	/* restore into a fresh VM: sources first, then the ICPs */
	vm_create(&b);
	xg_start(&b.g[0], b.vcpu[0]);
	xg_start(&b.g[1], b.vcpu[1]);
	for (rc = 0, i = 0; i < NSRC; i++)
		rc = rc ?: xics_source_set(b.xfd, srcs[i], sv[i]);
	vxt_ok(!rc, "R29: B: every source restored: %s", strerror(-rc));
	rc = xics_icp_set(b.vcpu[0], ic[0]) ?: xics_icp_set(b.vcpu[1], ic[1]);
	vxt_ok(!rc, "R32: B: both ICP states accepted: %s", strerror(-rc));

	for (same = true, i = 0; i < NSRC; i++) {
		if (src(&b, srcs[i]) != sv[i]) {
			vxt_diag("source 0x%x: A 0x%llx, B 0x%llx", srcs[i],
				 (unsigned long long)sv[i],
				 (unsigned long long)src(&b, srcs[i]));
			same = false;
		}
	}
	vxt_ok(same, "R27 R28 R29: B's sources read back exactly as A's");
	vxt_ok(icp(&b, 0) == ic[0] && icp(&b, 1) == ic[1],
	       "R31: B's ICPs read back as A's (0x%llx 0x%llx)",
	       (unsigned long long)icp(&b, 0), (unsigned long long)icp(&b, 1));

	run_b(&b);
	vm_destroy(&b);
	return vxt_exit();
}
