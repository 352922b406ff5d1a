// SPDX-License-Identifier: GPL-2.0-only
/*
 * R6: the orderings between the core and the glue's view of the output,
 * checked with a simulated store buffer (userspace only).
 *
 * The glue's lower() clears the vCPU's pending bit with clear_bit(), an
 * atomic with no ordering: on POWER it can become visible after later
 * loads of the same CPU.  Here lower() only puts the clear into the
 * calling CPU's buffer; a full barrier executed by that CPU (smp_mb(),
 * cmpxchg, xchg: the seam calls vxics_shim_mb_hook) drains it, and the
 * test drains whatever is left at the worst moment it chooses.  The same
 * interleavings are model-checked by spin/output.pml.
 */
#include <pthread.h>
#include <kunit/test.h>
#include "internal.h"
#include "../../../arch/powerpc/kvm/vxics/core.h"

#define NCPU	2

static struct {
	int cpu;		/* which CPU the test is "running" on */
	bool clear_buffered[NCPU];	/* a clear of vcpu0's pending bit */
	bool pending;		/* vcpu0's pending bit, as memory holds it */
	int raised;
} sb;

static void sb_drain(int cpu)
{
	if (sb.clear_buffered[cpu]) {
		sb.pending = false;
		sb.clear_buffered[cpu] = false;
	}
}

static void sb_mb(void)
{
	sb_drain(sb.cpu);
}

static void o_raise(struct vxics *vx, struct vxics_icp *icp)
{
	if (icp->server)
		return;
	sb_drain(sb.cpu);	/* a CPU reads its own stores first */
	sb.pending = true;	/* the raiser's set_bit + smp_mb() */
	sb.raised++;
}

static void o_lower(struct vxics *vx, struct vxics_icp *icp)
{
	if (!icp->server)
		sb.clear_buffered[sb.cpu] = true;
}

static void o_eoi(struct vxics *vx, u32 irq)
{
}

static const struct vxics_ops o_ops = {
	.raise = o_raise,
	.lower = o_lower,
	.eoi_notify = o_eoi,
};

struct octx {
	struct vxics vx;
	struct vxics_icp icp[NCPU];
};

static int ordering_init(struct kunit *test)
{
	struct octx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	int i;

	if (!c || vxics_init(&c->vx, &o_ops, c))
		return -EINVAL;
	for (i = 0; i < NCPU; i++)
		if (vxics_icp_attach(&c->vx, &c->icp[i], i, NULL))
			return -EINVAL;
	memset(&sb, 0, sizeof(sb));
	vxics_shim_mb_hook = sb_mb;
	test->priv = c;
	return 0;
}

static void ordering_exit(struct kunit *test)
{
	struct octx *c = test->priv;

	vxics_shim_mb_hook = NULL;
	vxics_destroy(&c->vx);
}

/*
 * vCPU 0 polls H_XIRR and finds nothing; vCPU 1's H_IPI then presents an
 * IPI to it and raises; only then does vCPU 0's lowering clear become
 * visible.  The output is up, so the pending bit must be too.
 */
static void vxics_ordering_h_xirr_poll_vs_raise_r6(struct kunit *test)
{
	struct octx *c = test->priv;
	u64 x;

	sb.cpu = 0;
	KUNIT_ASSERT_EQ(test, vxics_h_cppr(&c->vx, &c->icp[0], 0xff), H_SUCCESS);
	sb_drain(0);
	KUNIT_ASSERT_EQ(test, vxics_h_xirr(&c->vx, &c->icp[0], &x), H_SUCCESS);
	KUNIT_EXPECT_EQ(test, x, 0xff000000ULL);

	sb.cpu = 1;
	KUNIT_ASSERT_EQ(test, vxics_h_ipi(&c->vx, &c->icp[1], 0, 5), H_SUCCESS);
	KUNIT_EXPECT_EQ(test, sb.raised, 1);

	sb_drain(0);		/* vCPU 0's clear, as late as it can be */
	KUNIT_EXPECT_TRUE(test, vxics_icp_out(READ_ONCE(c->icp[0].state)));
	KUNIT_EXPECT_TRUE(test, sb.pending);
}

/* The same race through H_CPPR raising CPPR: its cmpxchg orders it. */
static void vxics_ordering_h_cppr_raise_vs_raise_r6(struct kunit *test)
{
	struct octx *c = test->priv;

	sb.cpu = 0;
	KUNIT_ASSERT_EQ(test, vxics_h_cppr(&c->vx, &c->icp[0], 0xff), H_SUCCESS);
	sb_drain(0);
	KUNIT_ASSERT_EQ(test, vxics_h_cppr(&c->vx, &c->icp[0], 0x80), H_SUCCESS);

	sb.cpu = 1;
	KUNIT_ASSERT_EQ(test, vxics_h_ipi(&c->vx, &c->icp[1], 0, 5), H_SUCCESS);

	sb_drain(0);
	KUNIT_EXPECT_TRUE(test, vxics_icp_out(READ_ONCE(c->icp[0].state)));
	KUNIT_EXPECT_TRUE(test, sb.pending);
}

#define NPAGES	16

static void *attach_pages(void *arg)
{
	struct octx *c = arg;
	static struct vxics_icp icp[NPAGES];
	int k;

	for (k = 0; k < NPAGES; k++)
		vxics_icp_attach(&c->vx, &icp[k], (k + 1) * VXICS_SERVERS_PER_PAGE + 7,
				 NULL);
	return NULL;
}

/*
 * R4: an ICP attached in a new page of the server table is found by a
 * concurrent H_IPOLL fully initialised: page and ICP are published with
 * release stores and read with acquire loads.  Under TSan (make check's
 * utest-tsan) either weakened to relaxed is reported as a data race.
 */
static void vxics_ordering_attach_vs_ipoll_r4(struct kunit *test)
{
	struct octx *c = test->priv;
	u64 x = 0, m = 0;
	pthread_t t;
	int k, bad = 0;

	vxics_shim_mb_hook = NULL;	/* not simulating a store buffer here */
	KUNIT_ASSERT_EQ(test, pthread_create(&t, NULL, attach_pages, c), 0);
	for (k = 0; k < NPAGES; k++) {
		u64 srv = (k + 1) * VXICS_SERVERS_PER_PAGE + 7;

		while (vxics_h_ipoll(&c->vx, srv, &x, &m) != H_SUCCESS)
			;
		bad += x != 0 || m != VXICS_PRIO_MASKED;
	}
	pthread_join(t, NULL);
	KUNIT_EXPECT_EQ(test, bad, 0);
}

static struct kunit_case vxics_ordering_cases[] = {
	KUNIT_CASE(vxics_ordering_h_xirr_poll_vs_raise_r6),
	KUNIT_CASE(vxics_ordering_h_cppr_raise_vs_raise_r6),
	KUNIT_CASE(vxics_ordering_attach_vs_ipoll_r4),
	{}
};

static struct kunit_suite vxics_ordering_suite = {
	.name = "vxics_ordering",
	.init = ordering_init,
	.exit = ordering_exit,
	.test_cases = vxics_ordering_cases,
};

kunit_test_suite(vxics_ordering_suite);
