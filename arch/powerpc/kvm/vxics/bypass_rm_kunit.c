// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the bypass's real-mode half in the host kernel (B2, B6,
 * B8): vxics_rm_host_irq() itself, called on this CPU with a made-up vCPU
 * in the paca, for every row of its decision table that leaves the
 * interrupt to the host (those touch no hardware), and the grace period
 * of removed mappings with a reader on another CPU.  The rows that
 * deliver and EOI a real MSI run end to end in the vfio_bypass selftests;
 * all rows, EOIs included, run in userspace (tools/testing/vxics/
 * bypass_rm_test.c).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <asm/kvm_vxics.h>
#include "glue.h"
#include "core.h"

#define HWIRQ		0x1234		/* host number, as the host ICP gives it */
#define GUEST_IRQ	0x1001
#define SAVED_XIRR	(0xffu << 24 | HWIRQ)

struct rm_fix {
	struct kvm *kvm;
	struct kvm_vcpu *vcpu;
	struct kvmppc_icp *icp;
	struct kvmppc_xics *xics;
};

static atomic_t t_raised;	/* none of these rows may raise a vCPU */

static void t_raise(struct vxics *vx, struct vxics_icp *icp)
{
	atomic_inc(&t_raised);
}

static void t_nop(struct vxics *vx, struct vxics_icp *icp)
{
}

static void t_eoi_notify(struct vxics *vx, u32 irq)
{
}

static const struct vxics_ops t_ops = {
	.raise = t_raise,
	.lower = t_nop,
	.eoi_notify = t_eoi_notify,
};

static int rm_init(struct kunit *test)
{
	struct rm_fix *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->kvm = kunit_kzalloc(test, sizeof(*f->kvm), GFP_KERNEL);
	f->vcpu = kunit_kzalloc(test, sizeof(*f->vcpu), GFP_KERNEL);
	f->icp = kunit_kzalloc(test, sizeof(*f->icp), GFP_KERNEL);
	f->xics = kunit_kzalloc(test, sizeof(*f->xics), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, f->kvm && f->vcpu && f->icp && f->xics);
	KUNIT_ASSERT_EQ(test, vxics_init(&f->xics->core, &t_ops, NULL), 0);
	f->xics->kvm = f->kvm;
	KUNIT_ASSERT_EQ(test, vxics_icp_attach(&f->xics->core, &f->icp->core,
					       0, f->vcpu), 0);
	f->icp->vcpu = f->vcpu;
	f->vcpu->kvm = f->kvm;
	f->vcpu->arch.icp = f->icp;
	f->kvm->arch.xics = f->xics;
	atomic_set(&t_raised, 0);
	test->priv = f;
	return 0;
}

static void rm_exit(struct kunit *test)
{
	struct rm_fix *f = test->priv;
	struct vxics_bypass *bp = f->xics->bypass;

	if (bp) {
		vxics_map_destroy(&bp->map);
		kfree(bp);
	}
	vxics_destroy(&f->xics->core);
}

/* A defined source: an MSI, or an LSI, targeting server 0 at priority 5 */
static void def_src(struct kunit *test, struct rm_fix *f, bool lsi)
{
	u64 v = 5ULL << VXICS_PRIORITY_SHIFT;

	if (lsi)
		v |= VXICS_LEVEL_SENSITIVE;
	KUNIT_ASSERT_EQ(test, vxics_source_set(&f->xics->core, GUEST_IRQ, v),
			0);
}

/* The VM's bypass state with HWIRQ mapped to GUEST_IRQ (no host irq) */
static void map(struct kunit *test, struct rm_fix *f)
{
	struct vxics_bypass *bp = kzalloc(sizeof(*bp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, bp);
	KUNIT_ASSERT_GE(test, vxics_map_add(&bp->map, HWIRQ, GUEST_IRQ, 0,
					    NULL), 0);
	f->xics->bypass = bp;
}

/*
 * vxics_rm_host_irq() as the exit path calls it, with @vcpu (or none)
 * running on this CPU; the paca is restored after.  Return: its value;
 * *@xirr_kept: whether the saved XIRR for the host was left alone.
 */
static long take(struct kvm_vcpu *vcpu, bool *xirr_kept)
{
	struct kvm_vcpu *old_vcpu;
	unsigned long flags;
	u32 old_xirr;
	bool again = false;
	long ret;

	/*
	 * Hard off: an interrupt taken meanwhile would read the made-up
	 * XIRR from the paca (the host ICP driver's KVM latch) as its own.
	 */
	local_irq_save(flags);
	hard_irq_disable();
	old_vcpu = local_paca->kvm_hstate.kvm_vcpu;
	old_xirr = local_paca->kvm_hstate.saved_xirr;
	local_paca->kvm_hstate.kvm_vcpu = vcpu;
	local_paca->kvm_hstate.saved_xirr = SAVED_XIRR;
	ret = vxics_rm_host_irq(HWIRQ, cpu_to_be32(SAVED_XIRR), &again);
	*xirr_kept = local_paca->kvm_hstate.saved_xirr == SAVED_XIRR &&
		     !again;
	local_paca->kvm_hstate.kvm_vcpu = old_vcpu;
	local_paca->kvm_hstate.saved_xirr = old_xirr;
	local_irq_restore(flags);
	return ret;
}

/* Left to the host, counted as @reason (or nothing: -1), guest untouched */
static void expect_host_path(struct kunit *test, struct kvm_vcpu *vcpu,
			     int reason)
{
	struct rm_fix *f = test->priv;
	u64 before[VXICS_FB_NR];
	bool kept;
	int i;

	memcpy(before, f->icp->n_fallback, sizeof(before));
	KUNIT_EXPECT_EQ(test, take(vcpu, &kept), 1);
	KUNIT_EXPECT_TRUE(test, kept);
	for (i = 0; i < VXICS_FB_NR; i++)
		KUNIT_EXPECT_EQ(test, f->icp->n_fallback[i],
				before[i] + (i == reason));
	KUNIT_EXPECT_EQ(test, f->icp->n_bypassed, 0);
	KUNIT_EXPECT_EQ(test, vxics_icp_xisr(READ_ONCE(f->icp->core.state)), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t_raised), 0);
}

static void vxics_rm_needs_vcpu_icp_and_xics_b6(struct kunit *test)
{
	struct rm_fix *f = test->priv;

	def_src(test, f, false);
	map(test, f);
	expect_host_path(test, NULL, -1);
	f->vcpu->arch.icp = NULL;
	expect_host_path(test, f->vcpu, -1);
	f->vcpu->arch.icp = f->icp;
	f->kvm->arch.xics = NULL;
	expect_host_path(test, f->vcpu, -1);
}

static void vxics_rm_switched_off_b8(struct kunit *test)
{
	struct rm_fix *f = test->priv;

	def_src(test, f, false);
	map(test, f);
	WRITE_ONCE(f->xics->bypass->off, true);
	expect_host_path(test, f->vcpu, VXICS_FB_OFF);
	WRITE_ONCE(f->xics->bypass->off, false);
	vxics_bypass_set_global(false);
	expect_host_path(test, f->vcpu, VXICS_FB_OFF);
	vxics_bypass_set_global(true);
}

static void vxics_rm_unmapped_b6(struct kunit *test)
{
	struct rm_fix *f = test->priv;

	def_src(test, f, false);
	/* no mapping yet in the VM: no bypass state at all */
	expect_host_path(test, f->vcpu, VXICS_FB_UNMAPPED);
	map(test, f);
	KUNIT_ASSERT_EQ(test, vxics_map_del(&f->xics->bypass->map, HWIRQ), 0);
	expect_host_path(test, f->vcpu, VXICS_FB_UNMAPPED);
}

static void vxics_rm_source_not_an_msi_b6(struct kunit *test)
{
	struct rm_fix *f = test->priv;
	struct vxics_ics *ics;

	map(test, f);
	/* mapped before userspace defined the source */
	expect_host_path(test, f->vcpu, VXICS_FB_SOURCE);
	def_src(test, f, true);
	expect_host_path(test, f->vcpu, VXICS_FB_SOURCE);
	/* the LSI was not asserted behind the host's back */
	KUNIT_EXPECT_EQ(test, vxics_source_find(&f->xics->core, GUEST_IRQ,
						&ics)->flags & VXICS_SRC_P, 0);
}

/* The grace-period test's state, on the heap: its threads may outlive it */
struct grace {
	struct vxics_map m;
	struct vxics_map_reader r;
	struct completion inside, release, deleted, done;
	u32 guest;
};

static int reader_fn(void *arg)
{
	struct grace *g = arg;
	u64 e;

	local_irq_disable();	/* as the exit path runs */
	vxics_map_read_begin(&g->r);
	e = vxics_map_find(&g->m, HWIRQ);
	local_irq_enable();
	complete(&g->inside);
	wait_for_completion(&g->release);
	/* the slot is still this mapping's: nobody may have reused it */
	g->guest = e ? vxics_map_slot(&g->m, e)->guest_irq : 0;
	vxics_map_read_end(&g->r);
	return 0;
}

static int remover_fn(void *arg)
{
	struct grace *g = arg;
	struct vxics_map_reader *rs[] = { &g->r };

	vxics_map_del(&g->m, HWIRQ);
	complete(&g->deleted);
	vxics_map_synchronize(&g->m, rs, ARRAY_SIZE(rs));
	complete(&g->done);
	return 0;
}

/*
 * B3: a removal waits for a reader that found the entry before the slot
 * can be reused; the reader's later look at the slot still sees its
 * mapping.  Reader and remover are kernel threads on other CPUs.  If a
 * thread never finishes, its state is leaked rather than freed under it.
 */
static void vxics_map_grace_period_waits_for_reader_b3(struct kunit *test)
{
	const unsigned long long_wait = msecs_to_jiffies(20000);
	struct grace *g = kzalloc(sizeof(*g), GFP_KERNEL);
	struct task_struct *rt, *wt;
	bool finished;

	KUNIT_ASSERT_NOT_NULL(test, g);
	if (num_online_cpus() < 3) {
		kfree(g);
		kunit_skip(test, "needs three CPUs");
	}
	init_completion(&g->inside);
	init_completion(&g->release);
	init_completion(&g->deleted);
	init_completion(&g->done);
	KUNIT_ASSERT_GE(test, vxics_map_add(&g->m, HWIRQ, GUEST_IRQ, 0, NULL),
			0);
	rt = kthread_run(reader_fn, g, "vxics-kunit-reader");
	if (IS_ERR(rt)) {
		vxics_map_destroy(&g->m);
		kfree(g);
		KUNIT_FAIL(test, "reader thread");
		return;
	}
	if (!wait_for_completion_timeout(&g->inside, long_wait)) {
		KUNIT_FAIL(test, "the reader never got inside (state leaked)");
		return;
	}
	wt = kthread_run(remover_fn, g, "vxics-kunit-remover");
	if (IS_ERR(wt)) {
		complete(&g->release);
		KUNIT_FAIL(test, "remover thread (state leaked)");
		return;
	}
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&g->deleted,
							    long_wait));
	/* the remover spins until the reader leaves */
	KUNIT_EXPECT_FALSE(test, wait_for_completion_timeout(&g->done,
							     msecs_to_jiffies(200)));
	KUNIT_EXPECT_EQ(test, g->m.n_mapped, 0);
	KUNIT_EXPECT_NE(test, g->m.pending, 0);	/* its slot waits */
	complete(&g->release);
	finished = wait_for_completion_timeout(&g->done, long_wait);
	KUNIT_EXPECT_TRUE(test, finished);
	if (!finished)
		return;		/* the remover may still use it: leaked */
	KUNIT_EXPECT_EQ(test, g->guest, GUEST_IRQ);
	KUNIT_EXPECT_EQ(test, g->m.pending, 0);	/* reusable now */
	vxics_map_destroy(&g->m);
	kfree(g);
}

static struct kunit_case vxics_bypass_rm_kunit_cases[] = {
	KUNIT_CASE(vxics_rm_needs_vcpu_icp_and_xics_b6),
	KUNIT_CASE(vxics_rm_switched_off_b8),
	KUNIT_CASE(vxics_rm_unmapped_b6),
	KUNIT_CASE(vxics_rm_source_not_an_msi_b6),
	KUNIT_CASE(vxics_map_grace_period_waits_for_reader_b3),
	{}
};

static struct kunit_suite vxics_bypass_rm_kunit_suite = {
	.name = "vxics_bypass_rm_host",
	.init = rm_init,
	.exit = rm_exit,
	.test_cases = vxics_bypass_rm_kunit_cases,
};

kunit_test_suites(&vxics_bypass_rm_kunit_suite);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(KVM_VXICS);
