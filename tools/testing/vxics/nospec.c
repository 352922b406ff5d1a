// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every table index the guest or userspace controls goes through
 * array_index_nospec() after its bounds check, so a mispredicted check
 * cannot load past the table.  Userspace only: the seam's
 * array_index_nospec() records each clamp (internal.h), and these cases
 * check that the hcalls, RTAS calls and injection clamp the index they
 * use, against the right bound.
 */
#include <kunit/test.h>
#include "internal.h"
#include "../../../arch/powerpc/kvm/vxics/core.h"

#define NR_CLAMPS	64

static struct {
	unsigned long index, size;
} clamps[NR_CLAMPS];
static int nr_clamps;

/* Called by the seam's array_index_nospec(); thread-safe enough here. */
void vxics_shim_nospec(unsigned long index, unsigned long size)
{
	int n = __atomic_fetch_add(&nr_clamps, 1, __ATOMIC_RELAXED);

	if (n < NR_CLAMPS) {
		clamps[n].index = index;
		clamps[n].size = size;
	}
}

static bool clamped(unsigned long index, unsigned long size)
{
	int i;

	for (i = 0; i < nr_clamps && i < NR_CLAMPS; i++)
		if (clamps[i].index == index && clamps[i].size == size)
			return true;
	return false;
}

static void t_nop(struct vxics *vx, struct vxics_icp *icp)
{
}

static void t_eoi_nop(struct vxics *vx, u32 irq)
{
}

static const struct vxics_ops nop_ops = {
	.raise = t_nop,
	.lower = t_nop,
	.eoi_notify = t_eoi_nop,
};

struct nctx {
	struct vxics vx;
	struct vxics_icp icp[2];
};

static int nospec_init(struct kunit *test)
{
	struct nctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c || vxics_init(&c->vx, &nop_ops, c) ||
	    vxics_icp_attach(&c->vx, &c->icp[0], 0, NULL) ||
	    vxics_icp_attach(&c->vx, &c->icp[1], 700, NULL) ||
	    vxics_source_set(&c->vx, 0x412, 0x500000000ULL))
		return -EINVAL;
	test->priv = c;
	nr_clamps = 0;
	return 0;
}

static void nospec_exit(struct kunit *test)
{
	struct nctx *c = test->priv;

	vxics_destroy(&c->vx);
}

/* The clamp itself: in range unchanged, out of range 0. */
static void vxics_nospec_clamp_arithmetic(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, array_index_nospec(3UL, 4UL), 3UL);
	KUNIT_EXPECT_EQ(test, array_index_nospec(4UL, 4UL), 0UL);
	KUNIT_EXPECT_EQ(test, array_index_nospec(~0UL >> 1, 4UL), 0UL);
	KUNIT_EXPECT_EQ(test, array_index_nospec(0UL, 1UL), 0UL);
}

/* H_IPI and H_IPOLL clamp the guest's server number to the table. */
static void vxics_nospec_h_ipi_h_ipoll_server(struct kunit *test)
{
	struct nctx *c = test->priv;
	u64 x, m;

	KUNIT_EXPECT_EQ(test, vxics_h_ipi(&c->vx, &c->icp[0], 700, 5), H_SUCCESS);
	KUNIT_EXPECT_TRUE(test, clamped(700, VXICS_MAX_SERVERS));
	KUNIT_EXPECT_EQ(test, vxics_h_ipoll(&c->vx, 701, &x, &m), H_PARAMETER);
	KUNIT_EXPECT_TRUE(test, clamped(701, VXICS_MAX_SERVERS));
}

/* H_EOI clamps the block index taken from the guest's XIRR. */
static void vxics_nospec_h_eoi_block(struct kunit *test)
{
	struct nctx *c = test->priv;

	vxics_h_eoi(&c->vx, &c->icp[0], 0xff000412ULL);
	KUNIT_EXPECT_TRUE(test, clamped(1, VXICS_NR_BLOCKS));
	vxics_h_eoi(&c->vx, &c->icp[0], 0xff0ffc00ULL);
	KUNIT_EXPECT_TRUE(test, clamped(0x3ff, VXICS_NR_BLOCKS));
}

/* Injection and RTAS clamp the block and server they are given. */
static void vxics_nospec_injection_and_rtas(struct kunit *test)
{
	struct nctx *c = test->priv;
	u32 srv, prio;

	KUNIT_EXPECT_EQ(test, vxics_set_level(&c->vx, 0x412, 1), 0);
	KUNIT_EXPECT_TRUE(test, clamped(1, VXICS_NR_BLOCKS));
	nr_clamps = 0;
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&c->vx, 0x412, 700, 5), 0);
	KUNIT_EXPECT_TRUE(test, clamped(700, VXICS_MAX_SERVERS));
	nr_clamps = 0;
	KUNIT_EXPECT_EQ(test, vxics_get_xive(&c->vx, 0x7412, &srv, &prio),
			-EINVAL);
	KUNIT_EXPECT_TRUE(test, clamped(0x1d, VXICS_NR_BLOCKS));
}

static struct kunit_case vxics_nospec_cases[] = {
	KUNIT_CASE(vxics_nospec_clamp_arithmetic),
	KUNIT_CASE(vxics_nospec_h_ipi_h_ipoll_server),
	KUNIT_CASE(vxics_nospec_h_eoi_block),
	KUNIT_CASE(vxics_nospec_injection_and_rtas),
	{}
};

static struct kunit_suite vxics_nospec_suite = {
	.name = "vxics_nospec",
	.init = nospec_init,
	.exit = nospec_exit,
	.test_cases = vxics_nospec_cases,
};

kunit_test_suite(vxics_nospec_suite);
