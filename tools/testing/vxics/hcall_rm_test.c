// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real-mode hcalls, arch/powerpc/kvm/vxics/hcall_rm.c, built unchanged
 * in userspace against look-alike headers and run on the real core.
 *
 * hcall_rm.c compiles the core's hcall bodies (hcall.h) with its own
 * raise, lower and EOI notification; the exported vxics_h_*() run the
 * same bodies through the ops.  The first case plays both on twin VMs and
 * requires the same answers, ICP words, source states and interrupt
 * lines after every step of a long random sequence; the others pin down
 * the real-mode effects one by one: LPCR[MER] and the pending bit of the
 * vCPU the hcall runs for, another vCPU raised through the ops, ack
 * notifications left for virtual mode for LSIs only, bad arguments.
 *
 * The test is the host CPU: local_paca names the vCPU whose hcall runs,
 * vxics_shim_lpcr is that CPU's LPCR.
 */
#include <stdlib.h>
#include <kunit/test.h>
#include <asm/kvm_book3s_asm.h>
#include "../../../arch/powerpc/kvm/vxics/glue.h"

#define NV		3
#define MSI0		0x1000		/* MSIs 0x1000-0x1007 */
#define LSI0		0x1008		/* LSIs 0x1008-0x100b */
#define NSRC		12

__thread unsigned long vxics_shim_lpcr;

/* A VM as KVM has it: vCPUs, their ICPs, the XICS, a paca to run on. */
struct hvm {
	struct kvm kvm;
	struct kvmppc_xics xics;
	struct kvm_vcpu vcpu[NV];
	struct kvmppc_icp icp[NV];
	unsigned long lpcr[NV];		/* LPCR while vCPU i runs */
	bool line[NV];			/* the ops' view of each output */
	long raised_by_ops[NV];
	long notified;			/* ops->eoi_notify calls */
	u32 notified_irq;
};

struct hfx {
	struct hvm rm;			/* driven through hcall_rm.c */
	struct hvm vm;			/* driven through vxics_h_*() */
	struct paca_struct paca;
};

/* an ack notifier list that is not empty (never walked here) */
#define SOME_NOTIFIER	((struct hlist_node *)&some_node)
static char some_node;

static struct hvm *hvm_of(struct vxics *vx)
{
	return container_of(vx, struct hvm, xics.core);
}

static int vcpu_of(struct hvm *h, struct vxics_icp *icp)
{
	return vxics_to_icp(icp) - h->icp;
}

/* The ops as KVM-HV's glue behaves in real mode (glue_rm.c) */
static void h_raise(struct vxics *vx, struct vxics_icp *icp)
{
	struct hvm *h = hvm_of(vx);
	int v = vcpu_of(h, icp);

	h->raised_by_ops[v]++;
	h->line[v] = true;
	set_bit(BOOK3S_IRQPRIO_EXTERNAL, &h->vcpu[v].arch.pending_exceptions);
	if (local_paca && local_paca->kvm_hstate.kvm_vcpu == &h->vcpu[v])
		vxics_shim_lpcr |= LPCR_MER;
}

static void h_lower(struct vxics *vx, struct vxics_icp *icp)
{
	struct hvm *h = hvm_of(vx);
	int v = vcpu_of(h, icp);

	h->line[v] = false;
	clear_bit(BOOK3S_IRQPRIO_EXTERNAL, &h->vcpu[v].arch.pending_exceptions);
	vxics_shim_lpcr &= ~LPCR_MER;
}

static void h_eoi_notify(struct vxics *vx, u32 irq)
{
	struct hvm *h = hvm_of(vx);

	h->notified++;
	h->notified_irq = irq;
}

static const struct vxics_ops h_ops = {
	.raise = h_raise,
	.lower = h_lower,
	.eoi_notify = h_eoi_notify,
};

static bool pending(struct hvm *h, int v)
{
	return test_bit(BOOK3S_IRQPRIO_EXTERNAL,
			&h->vcpu[v].arch.pending_exceptions);
}

static int hvm_init(struct hvm *h)
{
	int i;

	if (vxics_init(&h->xics.core, &h_ops, h))
		return -EINVAL;
	h->kvm.arch.xics = &h->xics;
	h->xics.kvm = &h->kvm;
	for (i = 0; i < NV; i++) {
		h->vcpu[i].kvm = &h->kvm;
		h->vcpu[i].arch.icp = &h->icp[i];
		h->icp[i].vcpu = &h->vcpu[i];
		if (vxics_icp_attach(&h->xics.core, &h->icp[i].core, i,
				     &h->vcpu[i]))
			return -EINVAL;
	}
	for (i = 0; i < NSRC; i++) {
		u64 v = (u64)(i % NV) | (u64)(3 + i % 4) << VXICS_PRIORITY_SHIFT;

		if (MSI0 + i >= LSI0)
			v |= VXICS_LEVEL_SENSITIVE;
		if (vxics_source_set(&h->xics.core, MSI0 + i, v))
			return -EINVAL;
	}
	return 0;
}

static int hcall_init(struct kunit *test)
{
	struct hfx *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f || hvm_init(&f->rm) || hvm_init(&f->vm))
		return -ENOMEM;
	local_paca = &f->paca;
	test->priv = f;
	return 0;
}

static void hcall_exit(struct kunit *test)
{
	struct hfx *f = test->priv;

	vxics_destroy(&f->rm.xics.core);
	vxics_destroy(&f->vm.xics.core);
	kfree(f);
	local_paca = NULL;
}

/* The VM's vCPU @v makes hcalls on this CPU from now on. */
static void enter(struct hfx *f, struct hvm *h, int v)
{
	f->paca.kvm_hstate.kvm_vcpu = &h->vcpu[v];
	vxics_shim_lpcr = h->lpcr[v];
}

static void leave(struct hfx *f, struct hvm *h, int v)
{
	h->lpcr[v] = vxics_shim_lpcr;
	f->paca.kvm_hstate.kvm_vcpu = NULL;
}

enum hc { HC_XIRR, HC_XIRR_X, HC_CPPR, HC_EOI, HC_IPI, HC_IPOLL, HC_NR };

struct hres {
	long ret;
	u64 r4, r5;
	u32 notify;	/* an ack notification left for virtual mode: its irq */
};

/*
 * One hcall of vCPU @v through hcall_rm.c, finished as KVM does: after
 * H_TOO_HARD, virtual mode takes the status the hcall recorded and runs
 * the deferred work (here: checks it and clears it).
 */
static struct hres rm_call(struct kunit *test, struct hfx *f, int v,
			   enum hc op, u64 a, u64 b)
{
	struct kvm_vcpu *vcpu = &f->rm.vcpu[v];
	struct kvmppc_icp *icp = &f->rm.icp[v];
	u64 calls = icp->n_rm_hcalls;
	struct hres r = { 0 };

	enter(f, &f->rm, v);
	vcpu->arch.regs.gpr[4] = 0;
	vcpu->arch.regs.gpr[5] = 0;
	switch (op) {
	case HC_XIRR:
		r.ret = vxics_rm_h_xirr(vcpu);
		break;
	case HC_XIRR_X:
		r.ret = vxics_rm_h_xirr_x(vcpu);
		break;
	case HC_CPPR:
		r.ret = vxics_rm_h_cppr(vcpu, a);
		break;
	case HC_EOI:
		r.ret = vxics_rm_h_eoi(vcpu, a);
		break;
	case HC_IPI:
		r.ret = vxics_rm_h_ipi(vcpu, a, b);
		break;
	default:
		r.ret = vxics_rm_h_ipoll(vcpu, a);
		break;
	}
	leave(f, &f->rm, v);
	r.r4 = vcpu->arch.regs.gpr[4];
	r.r5 = vcpu->arch.regs.gpr[5];
	KUNIT_EXPECT_EQ(test, icp->n_rm_hcalls, calls + 1);
	if (r.ret == H_TOO_HARD) {
		KUNIT_EXPECT_TRUE(test, icp->rm_work & VXICS_RM_DONE);
		if (icp->rm_work & VXICS_RM_NOTIFY)
			r.notify = icp->rm_eoi_irq;
		r.ret = icp->rm_ret;
		icp->rm_work = 0;
	}
	return r;
}

static struct hres vm_call(struct hfx *f, int v, enum hc op, u64 a, u64 b)
{
	struct vxics *vx = &f->vm.xics.core;
	struct vxics_icp *icp = &f->vm.icp[v].core;
	struct hres r = { 0 };

	enter(f, &f->vm, v);
	switch (op) {
	case HC_XIRR:
		r.ret = vxics_h_xirr(vx, icp, &r.r4);
		break;
	case HC_XIRR_X:
		r.ret = vxics_h_xirr_x(vx, icp, &r.r4, &r.r5);
		break;
	case HC_CPPR:
		r.ret = vxics_h_cppr(vx, icp, a);
		break;
	case HC_EOI:
		r.ret = vxics_h_eoi(vx, icp, a);
		break;
	case HC_IPI:
		r.ret = vxics_h_ipi(vx, icp, a, b);
		break;
	default:
		r.ret = vxics_h_ipoll(vx, a, &r.r4, &r.r5);
		break;
	}
	leave(f, &f->vm, v);
	return r;
}

/* Both VMs in the same state: ICPs, sources, output lines. */
static void expect_same(struct kunit *test, struct hfx *f, int step)
{
	u64 a, b;
	int i;

	for (i = 0; i < NV; i++) {
		/* the whole word: need-resend and the output bit too */
		KUNIT_ASSERT_EQ_MSG(test, READ_ONCE(f->rm.icp[i].core.state),
				    READ_ONCE(f->vm.icp[i].core.state),
				    "ICP %d after step %d", i, step);
		KUNIT_ASSERT_EQ_MSG(test, pending(&f->rm, i), f->vm.line[i],
				    "line of vCPU %d after step %d", i, step);
		/* LPCR[MER] never asks for an interrupt the line lacks */
		KUNIT_ASSERT_TRUE(test, !(f->rm.lpcr[i] & LPCR_MER) ||
				  pending(&f->rm, i));
	}
	for (i = 0; i < NSRC; i++) {
		vxics_source_get(&f->rm.xics.core, MSI0 + i, &a);
		vxics_source_get(&f->vm.xics.core, MSI0 + i, &b);
		KUNIT_ASSERT_EQ_MSG(test, a, b, "source %#x after step %d",
				    MSI0 + i, step);
	}
}

/* A guest-ish argument: mostly sensible, sometimes not. */
static u64 pick_xirr(unsigned int *seed, u64 last)
{
	switch (rand_r(seed) % 8) {
	case 0:
		return (u64)rand_r(seed) << 32 | 0xff000000 | MSI0;
	case 1:
		return 0xff000000 | rand_r(seed) % 0x2000;
	case 2:
		return 0xff000000 | VXICS_IPI_IRQ;
	default:
		return last ? last : 0xff000000 | (MSI0 + rand_r(seed) % NSRC);
	}
}

/*
 * R6, R11-R18: the real-mode entries and the exported hcalls are the same
 * machine.  Interleaves hcalls of all vCPUs with source triggers and
 * compares everything after each step.
 */
static void vxics_hcall_rm_same_as_core_r6_r11_r18(struct kunit *test)
{
	struct hfx *f = test->priv;
	unsigned int seed = 12345;
	u64 last[NV] = { 0 }, tb = 0;
	int step;

	for (step = 0; step < 20000; step++) {
		int v = rand_r(&seed) % NV, op = rand_r(&seed) % (HC_NR + 2);
		u64 a = 0, b = 0;
		struct hres x, y;
		long n;

		if (step % 5000 == 0)	/* now and then an ack notifier */
			f->rm.kvm.irq_ack_notifier_list.first =
				(step / 5000) % 2 ? SOME_NOTIFIER : NULL;
		if (op >= HC_NR) {
			/* a device: MSI edge, or an LSI's line moving */
			u32 irq = MSI0 + rand_r(&seed) % NSRC;
			int lvl = rand_r(&seed) % 2;

			KUNIT_EXPECT_EQ(test,
					vxics_set_level(&f->rm.xics.core, irq, lvl),
					vxics_set_level(&f->vm.xics.core, irq, lvl));
			expect_same(test, f, step);
			continue;
		}
		switch (op) {
		case HC_CPPR:
			a = rand_r(&seed) % 16 ? rand_r(&seed) % 0x100 : 0x100;
			break;
		case HC_EOI:
			a = pick_xirr(&seed, last[v]);
			last[v] = 0;
			break;
		case HC_IPI:
			a = rand_r(&seed) % 8 ? rand_r(&seed) % NV : 4000;
			b = rand_r(&seed) % 4 ? 0xff : rand_r(&seed) % 0x101;
			break;
		case HC_IPOLL:
			a = rand_r(&seed) % (NV + 1);
			break;
		default:
			break;
		}
		n = f->vm.notified;
		x = rm_call(test, f, v, op, a, b);
		y = vm_call(f, v, op, a, b);
		KUNIT_ASSERT_EQ_MSG(test, x.ret, y.ret, "step %d op %d", step, op);
		KUNIT_ASSERT_EQ_MSG(test, x.r4, y.r4, "step %d op %d", step, op);
		if (op != HC_XIRR_X) {
			KUNIT_EXPECT_EQ(test, x.r5, y.r5);
		} else {
			/* R12: the timebase, read after the accept */
			KUNIT_ASSERT_TRUE(test, x.r5 > tb);
			tb = y.r5;
		}
		if (op == HC_XIRR || op == HC_XIRR_X) {
			/* lowered, then raised again only with the line */
			KUNIT_ASSERT_EQ(test, !!(f->rm.lpcr[v] & LPCR_MER),
					pending(&f->rm, v));
			if (x.r4 & 0xffffff)
				last[v] = x.r4;
		}
		/*
		 * Real mode never notifies through the ops; it leaves the
		 * notification of an EOI'd LSI to virtual mode, if the VM
		 * has a notifier at all.
		 */
		KUNIT_EXPECT_EQ(test, f->rm.notified, 0);
		KUNIT_ASSERT_EQ_MSG(test, x.notify,
				    f->vm.notified > n &&
				    f->vm.notified_irq >= LSI0 &&
				    f->rm.kvm.irq_ack_notifier_list.first ?
				    f->vm.notified_irq : 0, "step %d", step);
		expect_same(test, f, step);
	}
}

/*
 * R11, R6: H_XIRR in real mode takes the caller's line down (pending bit
 * and LPCR[MER]) and gives the XIRR in r4; nothing goes through the ops.
 */
static void vxics_hcall_rm_xirr_lowers_caller_r11_r6(struct kunit *test)
{
	struct hfx *f = test->priv;
	struct kvm_vcpu *vcpu = &f->rm.vcpu[0];
	struct hres r;

	rm_call(test, f, 0, HC_CPPR, 0xff, 0);
	vxics_set_level(&f->rm.xics.core, MSI0, VXICS_LEVEL_HIGH);
	KUNIT_ASSERT_TRUE(test, pending(&f->rm, 0));
	f->rm.lpcr[0] |= LPCR_MER;

	r = rm_call(test, f, 0, HC_XIRR, 0, 0);
	KUNIT_EXPECT_EQ(test, r.ret, H_SUCCESS);
	KUNIT_EXPECT_EQ(test, r.r4, 0xff000000ULL | MSI0);
	KUNIT_EXPECT_FALSE(test, pending(&f->rm, 0));
	KUNIT_EXPECT_FALSE(test, f->rm.lpcr[0] & LPCR_MER);
	KUNIT_EXPECT_EQ(test, vcpu->arch.regs.gpr[4], 0xff000000ULL | MSI0);

	r = rm_call(test, f, 0, HC_XIRR, 0, 0);
	KUNIT_EXPECT_EQ(test, r.r4, 3ULL << 24);	/* MSI0's priority */
}

/*
 * R16, R6: an H_IPI to the caller itself raises it in real mode (pending
 * bit, queue_intr, LPCR[MER]: the hcall returns straight to the guest);
 * to another vCPU it goes through the ops, which IPI or kick it, and the
 * caller's LPCR is left alone.
 */
static void vxics_hcall_rm_ipi_self_and_other_r16_r6(struct kunit *test)
{
	struct hfx *f = test->priv;

	rm_call(test, f, 0, HC_CPPR, 0xff, 0);
	rm_call(test, f, 1, HC_CPPR, 0xff, 0);

	KUNIT_EXPECT_EQ(test, rm_call(test, f, 0, HC_IPI, 1, 5).ret, H_SUCCESS);
	KUNIT_EXPECT_EQ(test, f->rm.raised_by_ops[1], 1);
	KUNIT_EXPECT_TRUE(test, pending(&f->rm, 1));
	KUNIT_EXPECT_FALSE(test, pending(&f->rm, 0));
	KUNIT_EXPECT_FALSE(test, f->rm.lpcr[0] & LPCR_MER);

	KUNIT_EXPECT_EQ(test, rm_call(test, f, 0, HC_IPI, 0, 5).ret, H_SUCCESS);
	KUNIT_EXPECT_TRUE(test, pending(&f->rm, 0));
	KUNIT_EXPECT_TRUE(test, f->rm.lpcr[0] & LPCR_MER);
	KUNIT_EXPECT_EQ(test, f->rm.vcpu[0].stat.queue_intr, 1);
	KUNIT_EXPECT_EQ(test, f->rm.raised_by_ops[0], 0);
}

/*
 * R15, R17: the EOI of an MSI finishes in real mode, with or without ack
 * notifiers in the VM (they only concern LSIs), and clears its P.
 */
static void vxics_hcall_rm_eoi_msi_stays_in_real_mode_r15_r17(struct kunit *test)
{
	struct hfx *f = test->priv;
	struct kvmppc_icp *icp = &f->rm.icp[0];
	u64 src;

	f->rm.kvm.irq_ack_notifier_list.first = SOME_NOTIFIER;
	rm_call(test, f, 0, HC_CPPR, 0xff, 0);
	vxics_set_level(&f->rm.xics.core, MSI0, VXICS_LEVEL_HIGH);
	rm_call(test, f, 0, HC_XIRR, 0, 0);

	enter(f, &f->rm, 0);
	KUNIT_EXPECT_EQ(test, vxics_rm_h_eoi(&f->rm.vcpu[0], 0xff000000 | MSI0),
			H_SUCCESS);
	leave(f, &f->rm, 0);
	KUNIT_EXPECT_EQ(test, icp->rm_work, 0);
	vxics_source_get(&f->rm.xics.core, MSI0, &src);
	KUNIT_EXPECT_FALSE(test, src & VXICS_PRESENTED);
	KUNIT_EXPECT_EQ(test, f->rm.notified, 0);
}

/*
 * R15, R18: the EOI of an LSI leaves the ack notification to virtual mode
 * (H_TOO_HARD, the irq and the hcall's own status recorded) when the VM
 * has a notifier, and finishes in real mode when it has none.
 */
static void vxics_hcall_rm_eoi_lsi_defers_notify_r15_r18(struct kunit *test)
{
	struct hfx *f = test->priv;
	struct kvmppc_icp *icp = &f->rm.icp[0];
	struct kvm_vcpu *vcpu = &f->rm.vcpu[0];
	long ret;

	rm_call(test, f, 0, HC_CPPR, 0xff, 0);
	vxics_set_level(&f->rm.xics.core, LSI0 + 1, VXICS_LEVEL_HIGH);
	KUNIT_ASSERT_EQ(test, rm_call(test, f, 0, HC_XIRR, 0, 0).r4,
			0xff000000ULL | (LSI0 + 1));
	vxics_set_level(&f->rm.xics.core, LSI0 + 1, VXICS_LEVEL_LOW);

	f->rm.kvm.irq_ack_notifier_list.first = SOME_NOTIFIER;
	enter(f, &f->rm, 0);
	ret = vxics_rm_h_eoi(vcpu, 0xff000000 | (LSI0 + 1));
	leave(f, &f->rm, 0);
	KUNIT_EXPECT_EQ(test, ret, H_TOO_HARD);
	KUNIT_EXPECT_EQ(test, icp->rm_work, VXICS_RM_NOTIFY | VXICS_RM_DONE);
	KUNIT_EXPECT_EQ(test, icp->rm_eoi_irq, LSI0 + 1);
	KUNIT_EXPECT_EQ(test, icp->rm_ret, H_SUCCESS);
	icp->rm_work = 0;

	f->rm.kvm.irq_ack_notifier_list.first = NULL;
	enter(f, &f->rm, 0);
	ret = vxics_rm_h_eoi(vcpu, 0xff000000 | (LSI0 + 1));
	leave(f, &f->rm, 0);
	KUNIT_EXPECT_EQ(test, ret, H_SUCCESS);
	KUNIT_EXPECT_EQ(test, icp->rm_work, 0);
}

/*
 * R14, R15, R16: bad arguments get H_PARAMETER in real mode too, and
 * change nothing (an EOI of an unknown number still restores CPPR, R15).
 */
static void vxics_hcall_rm_bad_arguments_r14_r15_r16(struct kunit *test)
{
	struct hfx *f = test->priv;
	u64 before = vxics_icp_get(&f->rm.icp[0].core);

	KUNIT_EXPECT_EQ(test, rm_call(test, f, 0, HC_CPPR, 0x100, 0).ret,
			H_PARAMETER);
	KUNIT_EXPECT_EQ(test, rm_call(test, f, 0, HC_EOI, 1ULL << 32 | 2, 0).ret,
			H_PARAMETER);
	KUNIT_EXPECT_EQ(test, rm_call(test, f, 0, HC_IPI, 0, 0x100).ret,
			H_PARAMETER);
	KUNIT_EXPECT_EQ(test, rm_call(test, f, 0, HC_IPI, 4096, 5).ret,
			H_PARAMETER);
	KUNIT_EXPECT_EQ(test, vxics_icp_get(&f->rm.icp[0].core), before);
	KUNIT_EXPECT_FALSE(test, pending(&f->rm, 0));

	KUNIT_EXPECT_EQ(test, rm_call(test, f, 0, HC_EOI, 0x05000123, 0).ret,
			H_PARAMETER);
	KUNIT_EXPECT_EQ(test, vxics_icp_get(&f->rm.icp[0].core) >> 56, 5);
}

static struct kunit_case hcall_rm_cases[] = {
	KUNIT_CASE(vxics_hcall_rm_same_as_core_r6_r11_r18),
	KUNIT_CASE(vxics_hcall_rm_xirr_lowers_caller_r11_r6),
	KUNIT_CASE(vxics_hcall_rm_ipi_self_and_other_r16_r6),
	KUNIT_CASE(vxics_hcall_rm_eoi_msi_stays_in_real_mode_r15_r17),
	KUNIT_CASE(vxics_hcall_rm_eoi_lsi_defers_notify_r15_r18),
	KUNIT_CASE(vxics_hcall_rm_bad_arguments_r14_r15_r16),
	{}
};

static struct kunit_suite vxics_hcall_rm_suite = {
	.name = "vxics_hcall_rm",
	.init = hcall_init,
	.exit = hcall_exit,
	.test_cases = hcall_rm_cases,
};

kunit_test_suites(&vxics_hcall_rm_suite);
