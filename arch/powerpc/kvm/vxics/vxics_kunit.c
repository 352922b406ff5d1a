// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the vxics core, one behaviour per case, each naming the
 * rule of the contract (Documentation/virt/kvm/vxics/rules.rst) it checks.
 * Built into the kernel and into the userspace harness unchanged.
 */
#include <kunit/test.h>
#include "internal.h"
#include "core.h"

#define NR_TICP		4	/* ICPs attached as servers 0..3 */
#define NR_SNAP_BLOCKS	4	/* blocks the tests use: 0..3 */

struct tctx {
	struct vxics vx;
	struct vxics_icp icp[NR_TICP];
	int raised[NR_TICP + 1];	/* [NR_TICP]: ICPs outside icp[] */
	int lowered[NR_TICP + 1];
	int n_eoi;
	u32 last_eoi;
	/* R10: the ICS lock is free whenever an ICP raises */
	struct vxics_ics *probe_ics;
	int probe_locked;
};

struct tsnap {
	struct vxics vx;
	struct vxics_ics ics[NR_SNAP_BLOCKS];
	struct vxics_icp icp[NR_TICP];
};

/* Index of a fixture ICP; tests attaching their own get NR_TICP. */
static int t_idx(struct tctx *t, struct vxics_icp *icp)
{
	return icp >= t->icp && icp < t->icp + NR_TICP ? icp - t->icp : NR_TICP;
}

static void t_raise(struct vxics *vx, struct vxics_icp *icp)
{
	struct tctx *t = vx->priv;

	t->raised[t_idx(t, icp)]++;
	if (t->probe_ics) {
		if (vxics_lock_is_held(&t->probe_ics->lock))
			t->probe_locked++;
	}
}

static void t_lower(struct vxics *vx, struct vxics_icp *icp)
{
	struct tctx *t = vx->priv;

	t->lowered[t_idx(t, icp)]++;
}

static void t_eoi(struct vxics *vx, u32 irq)
{
	struct tctx *t = vx->priv;

	t->n_eoi++;
	t->last_eoi = irq;
}

static const struct vxics_ops t_ops = {
	.raise = t_raise,
	.lower = t_lower,
	.eoi_notify = t_eoi,
};

static int vxics_test_init(struct kunit *test)
{
	struct tctx *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	int i;

	if (!t)
		return -ENOMEM;
	if (vxics_init(&t->vx, &t_ops, t))
		return -EINVAL;
	for (i = 0; i < NR_TICP; i++)
		if (vxics_icp_attach(&t->vx, &t->icp[i], i, NULL))
			return -EINVAL;
	test->priv = t;
	return 0;
}

static void vxics_test_exit(struct kunit *test)
{
	struct tctx *t = test->priv;

	vxics_destroy(&t->vx);
}

/* Define @irq as an MSI (or LSI) on @server at @prio, nothing pending. */
static void def_src(struct kunit *test, u32 irq, u32 server, u8 prio, bool lsi)
{
	struct tctx *t = test->priv;
	u64 v = (u64)server | (u64)prio << VXICS_PRIORITY_SHIFT;

	if (lsi)
		v |= VXICS_LEVEL_SENSITIVE;
	KUNIT_ASSERT_EQ(test, vxics_source_set(&t->vx, irq, v), 0);
}

static u64 xirr(struct tctx *t, int i)
{
	u64 x = ~0ULL;

	vxics_h_xirr(&t->vx, &t->icp[i], &x);
	return x;
}

/* (CPPR << 24 | XISR) << 8 | MFRR, through H_IPOLL */
static u64 poll(struct tctx *t, u32 server)
{
	u64 x = 0, m = 0;

	if (vxics_h_ipoll(&t->vx, server, &x, &m) != H_SUCCESS)
		return ~0ULL;
	return x << 8 | m;
}

#define POLL(cppr, xisr, mfrr) \
	((((u64)(cppr) << 24 | (xisr)) << 8) | (mfrr))

static u64 attr(struct tctx *t, u32 irq)
{
	u64 v = ~0ULL;

	if (vxics_source_get(&t->vx, irq, &v))
		return ~0ULL;
	return v;
}

static u64 state_of(struct tctx *t, int i)
{
	return READ_ONCE(t->icp[i].state);
}

static void snap(struct tctx *t, struct tsnap *s)
{
	int i;

	memcpy(&s->vx, &t->vx, sizeof(s->vx));
	memcpy(s->icp, t->icp, sizeof(s->icp));
	for (i = 0; i < NR_SNAP_BLOCKS; i++) {
		if (t->vx.ics[i])
			memcpy(&s->ics[i], t->vx.ics[i], sizeof(s->ics[i]));
		else
			memset(&s->ics[i], 0, sizeof(s->ics[i]));
	}
}

static struct tsnap *snap_new(struct kunit *test)
{
	struct tsnap *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	snap(test->priv, s);
	return s;
}

/* Nothing changed since @before: tables, blocks, ICPs, counters. */
static void expect_unchanged(struct kunit *test, struct tsnap *before)
{
	struct tsnap *now = kunit_kzalloc(test, sizeof(*now), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, now);
	snap(test->priv, now);
	KUNIT_EXPECT_TRUE(test, !memcmp(&before->vx, &now->vx, sizeof(now->vx)));
	KUNIT_EXPECT_TRUE(test, !memcmp(before->ics, now->ics, sizeof(now->ics)));
	KUNIT_EXPECT_TRUE(test, !memcmp(before->icp, now->icp, sizeof(now->icp)));
}

/* ---- numbers and structure ------------------------------------------- */

/* R1: sources live in [16, 2^20); XIRR carries 24 bits; 2 is the IPI. */
static void vxics_source_number_range_r1(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct tsnap *s;
	u32 bad[] = { 0, 1, 2, 15, VXICS_NR_IRQS, 0xffffffff };
	int i;

	def_src(test, 16, 0, 5, false);
	def_src(test, VXICS_NR_IRQS - 1, 1, 5, false);
	s = snap_new(test);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, bad[i], 0), -ENOENT);
		KUNIT_EXPECT_EQ(test, vxics_set_level(&t->vx, bad[i], 1), -EINVAL);
	}
	expect_unchanged(test, s);

	vxics_h_cppr(&t->vx, &t->icp[1], 0xff);
	KUNIT_EXPECT_EQ(test, vxics_set_level(&t->vx, VXICS_NR_IRQS - 1, 1), 0);
	KUNIT_EXPECT_EQ(test, xirr(t, 1), 0xff000000ULL | (VXICS_NR_IRQS - 1));
	/* the IPI is presented as XISR 2 */
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_h_ipi(&t->vx, &t->icp[1], 0, 7);
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000002ULL);
}

/* R2: the block is irq >> 10, found by one load, created on first define. */
static void vxics_block_addressing_r2(struct kunit *test)
{
	struct tctx *t = test->priv;
	u32 irq = 3 * VXICS_ICS_SIZE + 17;
	struct vxics_ics *ics;

	KUNIT_EXPECT_NULL(test, vxics_ics_find(&t->vx, irq));
	def_src(test, irq, 0, 0xff, false);
	ics = vxics_ics_find(&t->vx, irq);
	KUNIT_ASSERT_NOT_NULL(test, ics);
	KUNIT_EXPECT_PTR_EQ(test, ics, t->vx.ics[3]);
	KUNIT_EXPECT_EQ(test, ics->block, 3);
	KUNIT_EXPECT_PTR_EQ(test, vxics_ics_find(&t->vx, 3 * VXICS_ICS_SIZE), ics);
	KUNIT_EXPECT_PTR_EQ(test, vxics_ics_find(&t->vx, 4 * VXICS_ICS_SIZE - 1), ics);
	KUNIT_EXPECT_NULL(test, vxics_ics_find(&t->vx, 2 * VXICS_ICS_SIZE + 17));
	KUNIT_EXPECT_NULL(test, vxics_ics_find(&t->vx, 4 * VXICS_ICS_SIZE));
	KUNIT_EXPECT_NULL(test, vxics_ics_find(&t->vx, VXICS_NR_IRQS));
	KUNIT_EXPECT_TRUE(test, ics->src[17].flags & VXICS_SRC_DEFINED);
	KUNIT_EXPECT_FALSE(test, ics->src[18].flags & VXICS_SRC_DEFINED);
}

/* R3: sources of a new block start at server 0, priority 0xff, saved 0xff. */
static void vxics_new_source_masked_r3(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct vxics_ics *ics;
	u32 server = 9, prio = 9;
	int i;

	/* what QEMU writes for a fresh source: masked, server 0 */
	KUNIT_ASSERT_EQ(test, vxics_source_set(&t->vx, 20, 0xffULL << 32), 0);
	KUNIT_EXPECT_EQ(test, vxics_get_xive(&t->vx, 20, &server, &prio), 0);
	KUNIT_EXPECT_EQ(test, server, 0);
	KUNIT_EXPECT_EQ(test, prio, 0xff);
	ics = vxics_ics_find(&t->vx, 20);
	KUNIT_ASSERT_NOT_NULL(test, ics);
	for (i = 0; i < VXICS_ICS_SIZE; i++) {
		KUNIT_EXPECT_EQ(test, ics->src[i].server, 0);
		KUNIT_EXPECT_EQ(test, ics->src[i].priority, 0xff);
		KUNIT_EXPECT_EQ(test, ics->src[i].saved_priority, 0xff);
	}
}

/* R4: one ICP per server; duplicates EEXIST, out of range EINVAL. */
static void vxics_icp_attach_r4(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct vxics_icp *dup = kunit_kzalloc(test, sizeof(*dup), GFP_KERNEL);
	struct tsnap *s;

	KUNIT_ASSERT_NOT_NULL(test, dup);
	KUNIT_EXPECT_EQ(test, poll(t, 2), POLL(0, 0, 0xff));
	KUNIT_EXPECT_EQ(test, vxics_icp_pend(state_of(t, 2)), 0xff);
	KUNIT_EXPECT_PTR_EQ(test, vxics_icp_find(&t->vx, 2), &t->icp[2]);
	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_icp_attach(&t->vx, dup, 2, NULL), -EEXIST);
	KUNIT_EXPECT_EQ(test, vxics_icp_attach(&t->vx, dup, VXICS_MAX_SERVERS, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_icp_attach(&t->vx, dup, 0xffffffff, NULL),
			-EINVAL);
	expect_unchanged(test, s);
	KUNIT_EXPECT_EQ(test, vxics_icp_attach(&t->vx, dup, VXICS_MAX_SERVERS - 1,
					       NULL), 0);
	KUNIT_EXPECT_PTR_EQ(test, vxics_icp_find(&t->vx, VXICS_MAX_SERVERS - 1), dup);
	vxics_icp_detach(&t->vx, dup);
	KUNIT_EXPECT_NULL(test, vxics_icp_find(&t->vx, VXICS_MAX_SERVERS - 1));
}

/*
 * R4: every server number KVM can give a vCPU is accepted, not only those
 * below 2048 (QEMU numbers vCPUs core * vsmt); H_IPI and H_IPOLL reach
 * them; the first number past the range is refused.
 */
static void vxics_server_numbers_to_max_vcpu_ids_r4(struct kunit *test)
{
	static const u32 srv[] = { 2048, 4095, 4096, VXICS_MAX_SERVERS - 1 };
	struct tctx *t = test->priv;
	struct vxics_icp *icp;
	u64 x = 0, m = 0;
	int i;

	icp = kunit_kzalloc(test, ARRAY_SIZE(srv) * sizeof(*icp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, icp);
	for (i = 0; i < ARRAY_SIZE(srv); i++) {
		KUNIT_ASSERT_EQ(test, vxics_icp_attach(&t->vx, &icp[i], srv[i],
						       NULL), 0);
		KUNIT_EXPECT_PTR_EQ(test, vxics_icp_find(&t->vx, srv[i]), &icp[i]);
		vxics_h_cppr(&t->vx, &icp[i], 0xff);
		KUNIT_EXPECT_EQ(test, vxics_h_ipi(&t->vx, &t->icp[0], srv[i], 4),
				H_SUCCESS);
		KUNIT_EXPECT_EQ(test, vxics_h_ipoll(&t->vx, srv[i], &x, &m),
				H_SUCCESS);
		KUNIT_EXPECT_EQ(test, x, 0xff000002ULL);
		KUNIT_EXPECT_EQ(test, m, 4);
	}
	/* neighbours in an allocated page are still unknown */
	KUNIT_EXPECT_NULL(test, vxics_icp_find(&t->vx, 2049));
	KUNIT_EXPECT_EQ(test, vxics_h_ipi(&t->vx, &t->icp[0], 2049, 4),
			H_PARAMETER);
	/* past the top */
	KUNIT_EXPECT_EQ(test, vxics_icp_attach(&t->vx, &t->icp[0],
					       VXICS_MAX_SERVERS, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_h_ipi(&t->vx, &t->icp[0], VXICS_MAX_SERVERS,
					  4), H_PARAMETER);
	KUNIT_EXPECT_EQ(test, vxics_h_ipoll(&t->vx, VXICS_MAX_SERVERS, &x, &m),
			H_PARAMETER);
	/* a 64-bit guest value whose low bits name a real server */
	KUNIT_EXPECT_EQ(test, vxics_h_ipi(&t->vx, &t->icp[0], 1ULL << 32 | 2048,
					  4), H_PARAMETER);
	for (i = 0; i < ARRAY_SIZE(srv); i++)
		vxics_icp_detach(&t->vx, &icp[i]);
	KUNIT_EXPECT_NULL(test, vxics_icp_find(&t->vx, VXICS_MAX_SERVERS - 1));
}

/* ---- presentation controller ----------------------------------------- */

/* R5: after any hcall the word holds only its fields, OUT recomputed. */
static void vxics_icp_word_consistent_r5(struct kunit *test)
{
	struct tctx *t = test->priv;
	u64 w;

	def_src(test, 16, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_set_level(&t->vx, 16, 1);
	vxics_h_ipi(&t->vx, &t->icp[1], 0, 3);
	w = state_of(t, 0);
	KUNIT_EXPECT_EQ(test, w, vxics_icp_word(vxics_icp_xisr(w), vxics_icp_pend(w),
						vxics_icp_cppr(w), vxics_icp_mfrr(w),
						vxics_icp_resend(w)));
	KUNIT_EXPECT_EQ(test, vxics_icp_xisr(w), 2);
	KUNIT_EXPECT_TRUE(test, vxics_icp_out(w));
}

/* R6: a rising output raises; only own accept / CPPR raise lowers. */
static void vxics_output_raise_lower_r6(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	def_src(test, 17, 0, 4, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	KUNIT_EXPECT_EQ(test, t->raised[0], 0);
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, t->raised[0], 1);
	/* replacing XISR keeps the output up: no second raise */
	vxics_set_level(&t->vx, 17, 1);
	KUNIT_EXPECT_EQ(test, t->raised[0], 1);
	KUNIT_EXPECT_TRUE(test, vxics_icp_out(state_of(t, 0)));
	/* another vCPU's IPI never lowers */
	vxics_h_ipi(&t->vx, &t->icp[1], 0, 0xff);
	KUNIT_EXPECT_EQ(test, t->lowered[0], 0);
	/* own accept lowers */
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000011ULL);
	KUNIT_EXPECT_GE(test, t->lowered[0], 1);
	KUNIT_EXPECT_FALSE(test, vxics_icp_out(state_of(t, 0)));
	/* 16 came back after being rejected, accepting 17 hid it: EOI 17 */
	vxics_h_eoi(&t->vx, &t->icp[0], 0xff000011ULL);
	KUNIT_EXPECT_TRUE(test, vxics_icp_out(state_of(t, 0)));
	KUNIT_EXPECT_EQ(test, t->raised[0], 2);
	/* own CPPR raise above the pending priority lowers */
	t->lowered[0] = 0;
	vxics_h_cppr(&t->vx, &t->icp[0], 5);
	KUNIT_EXPECT_EQ(test, t->lowered[0], 1);
	KUNIT_EXPECT_FALSE(test, vxics_icp_out(state_of(t, 0)));
}

/* R7: delivery needs prio < CPPR, < MFRR and < pending, all strictly. */
static void vxics_deliver_strict_r7(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	def_src(test, 17, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 5);		/* == CPPR: refused */
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, vxics_icp_xisr(state_of(t, 0)), 0);
	KUNIT_EXPECT_TRUE(test, vxics_icp_resend(state_of(t, 0)));	/* same CAS */

	vxics_h_cppr(&t->vx, &t->icp[0], 6);		/* resend gets in */
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(6, 16, 0xff));
	KUNIT_EXPECT_FALSE(test, vxics_icp_resend(state_of(t, 0)));
	vxics_set_level(&t->vx, 17, 1);			/* == pending: refused */
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(6, 16, 0xff));
	KUNIT_EXPECT_TRUE(test, vxics_icp_resend(state_of(t, 0)));

	/* == MFRR: refused */
	def_src(test, 18, 1, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[1], 0xff);
	vxics_h_ipi(&t->vx, &t->icp[0], 1, 5);
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, 2, 5));
	xirr(t, 1);					/* CPPR 5 now */
	vxics_h_cppr(&t->vx, &t->icp[1], 0xff);		/* IPI again */
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, 2, 5));
	vxics_set_level(&t->vx, 18, 1);
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, 2, 5));
	KUNIT_EXPECT_TRUE(test, vxics_icp_resend(state_of(t, 1)));
}

/* R8: a rejected source is delivered afresh; a rejected IPI stays in MFRR. */
static void vxics_reject_source_and_ipi_r8(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	def_src(test, 17, 0, 3, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_set_level(&t->vx, 16, 1);
	vxics_set_level(&t->vx, 17, 1);		/* displaces 16 */
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 17, 0xff));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->icp[0].n_rejects), 1);
	/* 16's fresh attempt was refused (3 < 5): marked for resend */
	KUNIT_EXPECT_TRUE(test, attr(t, 16) & VXICS_PENDING);
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000011ULL);
	vxics_h_eoi(&t->vx, &t->icp[0], 0xff000011ULL);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 16, 0xff));
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000010ULL);
	vxics_h_eoi(&t->vx, &t->icp[0], 0xff000010ULL);

	/* IPI at 6 displaced by a source at 3: XISR forgets it, MFRR keeps it */
	vxics_h_ipi(&t->vx, &t->icp[1], 0, 6);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 2, 6));
	vxics_set_level(&t->vx, 17, 1);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 17, 6));
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000011ULL);
	vxics_h_eoi(&t->vx, &t->icp[0], 0xff000011ULL);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 2, 6));
}

/* R8: a rejected source follows a retarget to another ICP. */
static void vxics_reject_lands_elsewhere_r8(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_h_cppr(&t->vx, &t->icp[1], 0xff);
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 16, 1, 5), 0);
	/* ICP 0 raises its CPPR: 16 is rejected and now targets server 1 */
	vxics_h_cppr(&t->vx, &t->icp[0], 2);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(2, 0, 0xff));
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, 16, 0xff));
}

/* R9: refusal marks the source and its block in the ICP's resend map. */
static void vxics_resend_marks_r9(struct kunit *test)
{
	struct tctx *t = test->priv;
	u32 irq = 2 * VXICS_ICS_SIZE + 5;
	struct vxics_ics *ics;

	def_src(test, irq, 0, 5, false);
	ics = vxics_ics_find(&t->vx, irq);
	KUNIT_ASSERT_NOT_NULL(test, ics);
	vxics_set_level(&t->vx, irq, 1);	/* CPPR 0: refused */
	KUNIT_EXPECT_TRUE(test, ics->src[5].flags & VXICS_SRC_RESEND);
	KUNIT_EXPECT_TRUE(test, test_bit(2, t->icp[0].resend_blocks));
	KUNIT_EXPECT_TRUE(test, vxics_icp_resend(state_of(t, 0)));
	KUNIT_EXPECT_TRUE(test, attr(t, irq) & VXICS_PENDING);	/* R28 */

	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	KUNIT_EXPECT_FALSE(test, ics->src[5].flags & VXICS_SRC_RESEND);
	KUNIT_EXPECT_FALSE(test, test_bit(2, t->icp[0].resend_blocks));
	KUNIT_EXPECT_FALSE(test, vxics_icp_resend(state_of(t, 0)));
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, irq, 0xff));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->icp[0].n_resends), 1);
}

/* R9: a resend scan that finds a mark it cannot deliver re-marks it. */
static void vxics_resend_refused_again_r9(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	vxics_set_level(&t->vx, 16, 1);		/* CPPR 0: refused */
	vxics_h_cppr(&t->vx, &t->icp[0], 5);	/* lowered, still refuses */
	KUNIT_EXPECT_TRUE(test, vxics_icp_resend(state_of(t, 0)));
	KUNIT_EXPECT_TRUE(test, attr(t, 16) & VXICS_PENDING);
	vxics_h_cppr(&t->vx, &t->icp[0], 6);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(6, 16, 0xff));
}

/* R10: server re-read per attempt; no ICS lock while an ICP is updated. */
static void vxics_deliver_rereads_server_unlocked_r10(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	t->probe_ics = vxics_ics_find(&t->vx, 16);
	vxics_h_cppr(&t->vx, &t->icp[1], 0xff);
	vxics_set_level(&t->vx, 16, 1);		/* refused by server 0 */
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 16, 1, 5), 0);
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, 16, 0xff));
	KUNIT_EXPECT_EQ(test, t->raised[1], 1);
	KUNIT_EXPECT_EQ(test, t->probe_locked, 0);
	/* server 0 resends: the mark is gone, nothing is delivered twice */
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 0, 0xff));
	KUNIT_EXPECT_EQ(test, t->probe_locked, 0);
}

/* ---- hypercalls --------------------------------------------------------- */

/* R11: H_XIRR returns old CPPR and XISR and accepts. */
static void vxics_h_xirr_accept_r11(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0x80);
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0x80000000ULL);	/* nothing: no change */
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0x80, 0, 0xff));
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0x80000010ULL);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(5, 0, 0xff));
	KUNIT_EXPECT_EQ(test, vxics_icp_pend(state_of(t, 0)), 0xff);
	KUNIT_EXPECT_FALSE(test, vxics_icp_out(state_of(t, 0)));
}

/* R12: H_XIRR_X is H_XIRR plus the timebase. */
static void vxics_h_xirr_x_timebase_r12(struct kunit *test)
{
	struct tctx *t = test->priv;
	u64 x1 = 0, x2 = 0, tb1 = 0, tb2 = 0;

	def_src(test, 16, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, vxics_h_xirr_x(&t->vx, &t->icp[0], &x1, &tb1), H_SUCCESS);
	KUNIT_EXPECT_EQ(test, x1, 0xff000010ULL);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(5, 0, 0xff));
	KUNIT_EXPECT_EQ(test, vxics_h_xirr_x(&t->vx, &t->icp[0], &x2, &tb2), H_SUCCESS);
	KUNIT_EXPECT_EQ(test, x2, 0x05000000ULL);
	KUNIT_EXPECT_NE(test, tb1, 0);
	KUNIT_EXPECT_GE(test, tb2, tb1);
}

/* R13: H_IPOLL changes nothing; unknown server is H_PARAMETER. */
static void vxics_h_ipoll_r13(struct kunit *test)
{
	struct tctx *t = test->priv;
	u64 x = 0x1234, m = 0x5678;
	struct tsnap *s;

	def_src(test, 16, 2, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[2], 0xff);
	vxics_set_level(&t->vx, 16, 1);
	vxics_h_ipi(&t->vx, &t->icp[0], 2, 0x40);
	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_h_ipoll(&t->vx, 2, &x, &m), H_SUCCESS);
	KUNIT_EXPECT_EQ(test, x, 0xff000010ULL);
	KUNIT_EXPECT_EQ(test, m, 0x40);
	x = 0x1234;
	m = 0x5678;
	KUNIT_EXPECT_EQ(test, vxics_h_ipoll(&t->vx, NR_TICP, &x, &m), H_PARAMETER);
	KUNIT_EXPECT_EQ(test, vxics_h_ipoll(&t->vx, VXICS_MAX_SERVERS, &x, &m),
			H_PARAMETER);
	KUNIT_EXPECT_EQ(test, vxics_h_ipoll(&t->vx, 0xffffffff, &x, &m), H_PARAMETER);
	KUNIT_EXPECT_EQ(test, x, 0x1234);
	KUNIT_EXPECT_EQ(test, m, 0x5678);
	expect_unchanged(test, s);
}

/* R14: lowering CPPR presents the IPI when MFRR < c and MFRR <= pending. */
static void vxics_h_cppr_lower_presents_ipi_r14(struct kunit *test)
{
	struct tctx *t = test->priv;

	vxics_h_ipi(&t->vx, &t->icp[1], 0, 0x10);	/* CPPR 0: not yet */
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0, 0, 0x10));
	vxics_h_cppr(&t->vx, &t->icp[0], 0x10);		/* MFRR == c: no */
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0x10, 0, 0x10));
	vxics_h_cppr(&t->vx, &t->icp[0], 0x11);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0x11, 2, 0x10));
	KUNIT_EXPECT_EQ(test, t->raised[0], 1);
}

/* R14: lowering CPPR with need-resend set resends; equal CPPR is a no-op. */
static void vxics_h_cppr_lower_resends_equal_noop_r14(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct tsnap *s;

	def_src(test, 16, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 3);
	vxics_set_level(&t->vx, 16, 1);
	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_h_cppr(&t->vx, &t->icp[0], 3), H_SUCCESS);
	expect_unchanged(test, s);
	KUNIT_EXPECT_EQ(test, vxics_h_cppr(&t->vx, &t->icp[0], 0x100), H_PARAMETER);
	KUNIT_EXPECT_EQ(test, vxics_h_cppr(&t->vx, &t->icp[0], ~0ULL), H_PARAMETER);
	expect_unchanged(test, s);
	vxics_h_cppr(&t->vx, &t->icp[0], 9);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(9, 16, 0xff));
}

/* R14: raising CPPR lowers the output and rejects XISR if c <= pending. */
static void vxics_h_cppr_raise_rejects_r14(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_set_level(&t->vx, 16, 1);
	vxics_h_cppr(&t->vx, &t->icp[0], 6);		/* 6 > 5: kept */
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(6, 16, 0xff));
	KUNIT_EXPECT_TRUE(test, vxics_icp_out(state_of(t, 0)));
	vxics_h_cppr(&t->vx, &t->icp[0], 5);		/* 5 <= 5: rejected */
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(5, 0, 0xff));
	KUNIT_EXPECT_FALSE(test, vxics_icp_out(state_of(t, 0)));
	KUNIT_EXPECT_TRUE(test, attr(t, 16) & VXICS_PENDING);	/* waits for resend */
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 16, 0xff));
}

/* R15: H_EOI restores CPPR; IPI stops there; a source runs its EOI. */
static void vxics_h_eoi_r15(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_h_ipi(&t->vx, &t->icp[0], 0, 4);
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000002ULL);
	vxics_h_ipi(&t->vx, &t->icp[0], 0, 0xff);
	KUNIT_EXPECT_EQ(test, vxics_h_eoi(&t->vx, &t->icp[0], 0xff000002ULL), H_SUCCESS);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 0, 0xff));
	KUNIT_EXPECT_EQ(test, t->n_eoi, 0);		/* no ack notifier for IPIs */

	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000010ULL);
	vxics_set_level(&t->vx, 16, 1);			/* queued in Q */
	KUNIT_EXPECT_EQ(test, vxics_h_eoi(&t->vx, &t->icp[0], 0xff000010ULL), H_SUCCESS);
	KUNIT_EXPECT_EQ(test, t->n_eoi, 1);
	KUNIT_EXPECT_EQ(test, t->last_eoi, 16);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 16, 0xff));	/* re-presented */
}

/* R15: H_EOI of a malformed XIRR (bits above 31): H_PARAMETER, no change. */
static void vxics_h_eoi_bad_xirr_r15(struct kunit *test)
{
	struct tctx *t = test->priv;
	u64 bad[] = { 0x1ff000010ULL, 0x100000002ULL, ~0ULL };
	struct tsnap *s;
	int i;

	def_src(test, 16, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0x20);
	s = snap_new(test);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ(test, vxics_h_eoi(&t->vx, &t->icp[0], bad[i]),
				H_PARAMETER);
	expect_unchanged(test, s);
	KUNIT_EXPECT_EQ(test, t->n_eoi, 0);
}

/*
 * R15: H_EOI naming neither the IPI nor a defined source restores CPPR
 * first, as upstream KVM and QEMU do, then returns H_PARAMETER; no source
 * is touched and no ack notifier runs.
 */
static void vxics_h_eoi_unknown_source_restores_cppr_r15(struct kunit *test)
{
	struct tctx *t = test->priv;
	u64 bad[] = { 0xff000000, 0xff000001, 0xff00000f, 0xff000011,
		      0xff000400, 0xffffffff, 0xffefffff };
	struct tsnap *s;
	int i;

	def_src(test, 16, 0, 5, false);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		vxics_h_cppr(&t->vx, &t->icp[0], 0x20);
		s = snap_new(test);
		KUNIT_EXPECT_EQ(test, vxics_h_eoi(&t->vx, &t->icp[0], bad[i]),
				H_PARAMETER);
		KUNIT_EXPECT_EQ(test, vxics_icp_cppr(state_of(t, 0)), 0xff);
		/* the sources of block 0 are untouched */
		KUNIT_EXPECT_TRUE(test, !memcmp(&s->ics[0], t->vx.ics[0],
						sizeof(s->ics[0])));
	}
	KUNIT_EXPECT_EQ(test, t->n_eoi, 0);
}

/* R16: H_IPI presents at MFRR, displacing XISR; bad args H_PARAMETER. */
static void vxics_h_ipi_r16(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct tsnap *s;

	def_src(test, 16, 1, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[1], 0xff);
	vxics_set_level(&t->vx, 16, 1);
	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_h_ipi(&t->vx, &t->icp[0], NR_TICP, 3), H_PARAMETER);
	KUNIT_EXPECT_EQ(test, vxics_h_ipi(&t->vx, &t->icp[0], VXICS_MAX_SERVERS, 3),
			H_PARAMETER);
	KUNIT_EXPECT_EQ(test, vxics_h_ipi(&t->vx, &t->icp[0], 1ULL << 32, 3),
			H_PARAMETER);
	KUNIT_EXPECT_EQ(test, vxics_h_ipi(&t->vx, &t->icp[0], 1, 0x100), H_PARAMETER);
	expect_unchanged(test, s);

	KUNIT_EXPECT_EQ(test, vxics_h_ipi(&t->vx, &t->icp[0], 1, 6), H_SUCCESS);
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, 16, 6));	/* 6 > 5: kept */
	KUNIT_EXPECT_EQ(test, vxics_h_ipi(&t->vx, &t->icp[0], 1, 5), H_SUCCESS);
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, 2, 5));	/* <= : displaced */
	KUNIT_EXPECT_TRUE(test, attr(t, 16) & VXICS_PENDING);	/* refused, marked */
	/*
	 * MFRR less favoured: the marked source gets a resend attempt, which
	 * the IPI still presented at 5 refuses again.
	 */
	KUNIT_EXPECT_EQ(test, vxics_h_ipi(&t->vx, &t->icp[0], 1, 0xff), H_SUCCESS);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->icp[1].n_resends), 1);
	KUNIT_EXPECT_TRUE(test, attr(t, 16) & VXICS_PENDING);
	KUNIT_EXPECT_EQ(test, xirr(t, 1), 0xff000002ULL);	/* IPI still up */
	vxics_h_eoi(&t->vx, &t->icp[1], 0xff000002ULL);
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, 16, 0xff));
}

/* ---- sources ------------------------------------------------------------ */

#define PQ(v)	(((v) >> 43) & 3)	/* bit 0 P, bit 1 Q */

/* R17: MSI P/Q: 00->P->PQ->PQ; EOI shifts Q into P; LOW is a no-op. */
static void vxics_msi_pq_r17(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct tsnap *s;

	def_src(test, 16, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_set_level(&t->vx, 16, 0), 0);
	expect_unchanged(test, s);
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, PQ(attr(t, 16)), 1);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 16, 0xff));
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, PQ(attr(t, 16)), 3);
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, PQ(attr(t, 16)), 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->vx.n_coalesced), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->vx.n_deliveries), 1);
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000010ULL);
	vxics_h_eoi(&t->vx, &t->icp[0], 0xff000010ULL);		/* Q -> P */
	KUNIT_EXPECT_EQ(test, PQ(attr(t, 16)), 1);
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000010ULL);
	vxics_h_eoi(&t->vx, &t->icp[0], 0xff000010ULL);		/* P -> 00 */
	KUNIT_EXPECT_EQ(test, PQ(attr(t, 16)), 0);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 0, 0xff));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->vx.n_deliveries), 2);
	KUNIT_EXPECT_EQ(test, vxics_set_level(&t->vx, 16, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_set_level(&t->vx, 16, -1), -EINVAL);
}

/* R17: each source counts its triggers and those merged into a queued one. */
static void vxics_msi_counts_triggers_r17(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct vxics_source *src;
	struct vxics_ics *ics;

	def_src(test, 16, 0, 5, false);
	def_src(test, 17, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_set_level(&t->vx, 16, 1);				/* 00 -> P */
	vxics_set_level(&t->vx, 16, 1);				/* P -> PQ */
	vxics_set_level(&t->vx, 16, 1);				/* PQ: merged */
	vxics_set_level(&t->vx, 16, 0);				/* no event */
	src = vxics_source_find(&t->vx, 16, &ics);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_EXPECT_EQ(test, src->n_triggers, 3);
	KUNIT_EXPECT_EQ(test, src->n_coalesced, 1);
	src = vxics_source_find(&t->vx, 17, &ics);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_EXPECT_EQ(test, src->n_triggers, 0);
	KUNIT_EXPECT_EQ(test, src->n_coalesced, 0);
}

/* R18: LSI assert/deassert/EOI. */
static void vxics_lsi_level_r18(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, true);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 16, 0xff));
	KUNIT_EXPECT_TRUE(test, attr(t, 16) & VXICS_PENDING);
	vxics_set_level(&t->vx, 16, 1);				/* P set: no-op */
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->vx.n_deliveries), 1);
	KUNIT_EXPECT_EQ(test, PQ(attr(t, 16)), 1);
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000010ULL);
	vxics_h_eoi(&t->vx, &t->icp[0], 0xff000010ULL);		/* still asserted */
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000010ULL);
	vxics_set_level(&t->vx, 16, 0);
	KUNIT_EXPECT_EQ(test, PQ(attr(t, 16)), 0);
	KUNIT_EXPECT_FALSE(test, attr(t, 16) & VXICS_PENDING);
	vxics_h_eoi(&t->vx, &t->icp[0], 0xff000010ULL);		/* deasserted */
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 0, 0xff));
	KUNIT_EXPECT_EQ(test, t->n_eoi, 2);
}

/* R19: triggering an undefined source is EINVAL and creates nothing. */
static void vxics_undefined_source_refused_r19(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct tsnap *s;

	def_src(test, 16, 0, 5, false);
	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_set_level(&t->vx, 17, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_set_level(&t->vx, VXICS_ICS_SIZE + 1, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_set_level(&t->vx, VXICS_ICS_SIZE + 1, 0), -EINVAL);
	expect_unchanged(test, s);
	KUNIT_EXPECT_NULL(test, vxics_ics_find(&t->vx, VXICS_ICS_SIZE + 1));
	KUNIT_EXPECT_FALSE(test, vxics_ics_find(&t->vx, 17)->src[17].flags &
			   VXICS_SRC_DEFINED);
}

/* R20: a masked source's interrupt is remembered and delivered on unmask. */
static void vxics_masked_pending_r20(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 0xff, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 0, 0xff));
	KUNIT_EXPECT_TRUE(test, attr(t, 16) & VXICS_PENDING);
	KUNIT_EXPECT_TRUE(test, attr(t, 16) & VXICS_MASKED);
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 16, 0, 5), 0);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 16, 0xff));
	KUNIT_EXPECT_FALSE(test, attr(t, 16) & VXICS_PENDING);
}

/* R20: a resend that finds the source masked keeps it as masked-pending. */
static void vxics_masked_resend_not_lost_r20(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	vxics_set_level(&t->vx, 16, 1);		/* CPPR 0: marked resend */
	vxics_int_off(&t->vx, 16);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);	/* resend hits the mask */
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 0, 0xff));
	KUNIT_EXPECT_EQ(test, vxics_ics_find(&t->vx, 16)->src[16].flags &
			(VXICS_SRC_MASKED_PENDING | VXICS_SRC_RESEND),
			VXICS_SRC_MASKED_PENDING);
	KUNIT_EXPECT_EQ(test, vxics_int_on(&t->vx, 16), 0);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 16, 0xff));
}

/* R21: set-xive, int-on and the attribute each hand back a waiting irq. */
static void vxics_retarget_delivers_waiting_r21(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	def_src(test, 17, 0, 5, false);
	def_src(test, 18, 0, 0xff, false);
	vxics_h_cppr(&t->vx, &t->icp[1], 0xff);
	vxics_h_cppr(&t->vx, &t->icp[2], 0xff);
	vxics_h_cppr(&t->vx, &t->icp[3], 0xff);
	/* resend-marked on server 0 (CPPR 0), moved by set-xive */
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 16, 1, 0xff), 0);	/* still masked */
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, 0, 0xff));
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 16, 1, 7), 0);
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, 16, 0xff));
	/* masked-pending, unmasked by int-on */
	vxics_int_off(&t->vx, 17);
	vxics_set_level(&t->vx, 17, 1);
	vxics_set_xive(&t->vx, 17, 2, 0xff);
	KUNIT_EXPECT_EQ(test, vxics_int_on(&t->vx, 17), 0);	/* saved 0xff */
	KUNIT_EXPECT_EQ(test, poll(t, 2), POLL(0xff, 0, 0xff));
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 17, 2, 4), 0);
	vxics_int_off(&t->vx, 17);
	KUNIT_EXPECT_EQ(test, xirr(t, 2), 0xff000011ULL);
	/* masked-pending, unmasked through the device attribute */
	vxics_set_level(&t->vx, 18, 1);
	KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, 18, 3 | 6ULL << 32 | VXICS_PENDING),
			0);
	KUNIT_EXPECT_EQ(test, poll(t, 3), POLL(0xff, 18, 0xff));
}

/* ---- RTAS ----------------------------------------------------------------- */

/* R22: set-xive sets priority and saved priority; errors change nothing. */
static void vxics_set_xive_r22(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct tsnap *s;
	u32 server, prio;

	def_src(test, 16, 0, 5, false);
	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 17, 0, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 2, 0, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, VXICS_NR_IRQS, 0, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 16, NR_TICP, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 16, NR_TICP, 0xff), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 16, VXICS_MAX_SERVERS, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 16, 0, 0x100), -EINVAL);
	expect_unchanged(test, s);
	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 16, 3, 0x42), 0);
	KUNIT_EXPECT_EQ(test, vxics_get_xive(&t->vx, 16, &server, &prio), 0);
	KUNIT_EXPECT_EQ(test, server, 3);
	KUNIT_EXPECT_EQ(test, prio, 0x42);
	KUNIT_EXPECT_EQ(test, vxics_ics_find(&t->vx, 16)->src[16].saved_priority, 0x42);
}

/* R23: get-xive reports server and current priority, 0xff while masked. */
static void vxics_get_xive_r23(struct kunit *test)
{
	struct tctx *t = test->priv;
	u32 server = 77, prio = 77;
	struct tsnap *s;

	def_src(test, 16, 2, 9, false);
	KUNIT_EXPECT_EQ(test, vxics_get_xive(&t->vx, 16, &server, &prio), 0);
	KUNIT_EXPECT_EQ(test, server, 2);
	KUNIT_EXPECT_EQ(test, prio, 9);
	vxics_int_off(&t->vx, 16);
	KUNIT_EXPECT_EQ(test, vxics_get_xive(&t->vx, 16, &server, &prio), 0);
	KUNIT_EXPECT_EQ(test, prio, 0xff);
	server = 77;
	prio = 77;
	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_get_xive(&t->vx, 17, &server, &prio), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_get_xive(&t->vx, 0, &server, &prio), -EINVAL);
	expect_unchanged(test, s);
	KUNIT_EXPECT_EQ(test, server, 77);
	KUNIT_EXPECT_EQ(test, prio, 77);
}

/* R24: int-off saves the priority and masks; a second one saves 0xff. */
static void vxics_int_off_r24(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct vxics_source *src;
	struct tsnap *s;

	def_src(test, 16, 1, 9, false);
	src = &vxics_ics_find(&t->vx, 16)->src[16];
	KUNIT_EXPECT_EQ(test, vxics_int_off(&t->vx, 16), 0);
	KUNIT_EXPECT_EQ(test, src->priority, 0xff);
	KUNIT_EXPECT_EQ(test, src->saved_priority, 9);
	KUNIT_EXPECT_EQ(test, attr(t, 16), 1 | 9ULL << 32 | VXICS_MASKED);
	KUNIT_EXPECT_EQ(test, vxics_int_off(&t->vx, 16), 0);
	KUNIT_EXPECT_EQ(test, src->saved_priority, 0xff);
	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_int_off(&t->vx, 17), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_int_off(&t->vx, VXICS_NR_IRQS + 16), -EINVAL);
	expect_unchanged(test, s);
}

/* R25: int-on restores the saved priority; the server needs an ICP. */
static void vxics_int_on_r25(struct kunit *test)
{
	struct tctx *t = test->priv;
	u32 server, prio;
	struct tsnap *s;

	def_src(test, 16, 1, 9, false);
	vxics_int_off(&t->vx, 16);
	KUNIT_EXPECT_EQ(test, vxics_int_on(&t->vx, 16), 0);
	KUNIT_EXPECT_EQ(test, vxics_get_xive(&t->vx, 16, &server, &prio), 0);
	KUNIT_EXPECT_EQ(test, prio, 9);
	/* masked source restored onto a server without ICP */
	KUNIT_ASSERT_EQ(test, vxics_source_set(&t->vx, 17, 100 | 9ULL << 32 |
					       VXICS_MASKED), -EINVAL);
	KUNIT_ASSERT_EQ(test, vxics_source_set(&t->vx, 17, 100 | 0xffULL << 32), 0);
	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_int_on(&t->vx, 17), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_int_on(&t->vx, 18), -EINVAL);
	expect_unchanged(test, s);
}

/*
 * R26: RTAS tokens are bound by userspace (KVM_PPC_RTAS_DEFINE_TOKEN) and
 * dispatched by KVM's book3s_rtas.c, not by the core: it has no RTAS
 * dispatcher and no token table.  What the core owes that glue: each RTAS
 * entry point reports every failure as exactly -EINVAL (the glue turns
 * any error into status -3, R22) and fills its outputs only on success.
 * An unbound token never reaches the core; that part is the glue's test.
 */
static void vxics_rtas_contract_for_glue_r26(struct kunit *test)
{
	struct tctx *t = test->priv;
	u32 server = 5, prio = 5;

	KUNIT_EXPECT_EQ(test, vxics_set_xive(&t->vx, 16, 0, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_get_xive(&t->vx, 16, &server, &prio), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_int_on(&t->vx, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_int_off(&t->vx, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, server, 5);
	KUNIT_EXPECT_EQ(test, prio, 5);
}

/* ---- save/restore ----------------------------------------------------- */

/* R27: the attribute layout, bit-exact. */
static void vxics_source_attr_layout_r27(struct kunit *test)
{
	struct tctx *t = test->priv;

	KUNIT_EXPECT_EQ(test, VXICS_DESTINATION_SHIFT, 0);
	KUNIT_EXPECT_EQ(test, VXICS_PRIORITY_SHIFT, 32);
	KUNIT_EXPECT_EQ(test, VXICS_LEVEL_SENSITIVE, 1ULL << 40);
	KUNIT_EXPECT_EQ(test, VXICS_MASKED, 1ULL << 41);
	KUNIT_EXPECT_EQ(test, VXICS_PENDING, 1ULL << 42);
	KUNIT_EXPECT_EQ(test, VXICS_PRESENTED, 1ULL << 43);
	KUNIT_EXPECT_EQ(test, VXICS_QUEUED, 1ULL << 44);
	KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, 16, 0x0000070500000003ULL), 0);
	/* LSI, masked, pending (P), saved priority 5, server 3 */
	KUNIT_EXPECT_EQ(test, attr(t, 16), 0x00000f0500000003ULL);
	KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, 17, 0x0000180700000002ULL), 0);
	/* MSI P and Q, priority 7, server 2 */
	KUNIT_EXPECT_EQ(test, attr(t, 17), 0x0000180700000002ULL);
}

/* R28: get: ENOENT, MASKED with saved priority, PENDING per kind. */
static void vxics_source_get_r28(struct kunit *test)
{
	struct tctx *t = test->priv;
	u64 v = 0x55;

	def_src(test, 16, 0, 5, false);
	KUNIT_EXPECT_EQ(test, vxics_source_get(&t->vx, 17, &v), -ENOENT);
	KUNIT_EXPECT_EQ(test, vxics_source_get(&t->vx, 2, &v), -ENOENT);
	KUNIT_EXPECT_EQ(test, vxics_source_get(&t->vx, VXICS_ICS_SIZE, &v), -ENOENT);
	KUNIT_EXPECT_EQ(test, vxics_source_get(&t->vx, VXICS_NR_IRQS, &v), -ENOENT);
	KUNIT_EXPECT_EQ(test, v, 0x55);
	vxics_int_off(&t->vx, 16);
	KUNIT_EXPECT_EQ(test, attr(t, 16), 5ULL << 32 | VXICS_MASKED);
	/* MSI: masked-pending is PENDING, P is PRESENTED */
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, attr(t, 16),
			5ULL << 32 | VXICS_MASKED | VXICS_PENDING | VXICS_PRESENTED);
	/* MSI presented in an ICP is not PENDING */
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_int_on(&t->vx, 16);
	KUNIT_EXPECT_EQ(test, attr(t, 16), 5ULL << 32 | VXICS_PRESENTED);
	/* LSI: PENDING is P */
	def_src(test, 18, 0, 0xff, true);
	vxics_set_level(&t->vx, 18, 1);
	KUNIT_EXPECT_EQ(test, attr(t, 18), 0xffULL << 32 | VXICS_MASKED |
			VXICS_LEVEL_SENSITIVE | VXICS_PENDING | VXICS_PRESENTED);
}

/* R29: set: ENOENT out of range, EINVAL without server, rebuilds, delivers. */
static void vxics_source_set_r29(struct kunit *test)
{
	struct tctx *t = test->priv;
	u32 irq = 2 * VXICS_ICS_SIZE + 1;
	struct tsnap *s;

	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, 15, 0xffULL << 32), -ENOENT);
	KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, VXICS_NR_IRQS, 0xffULL << 32),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, irq, NR_TICP | 5ULL << 32),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, irq, 1ULL << 45), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, irq, 1ULL << 63), -EINVAL);
	expect_unchanged(test, s);
	KUNIT_EXPECT_NULL(test, vxics_ics_find(&t->vx, irq));

	/* masked on an unknown server is fine: the priority is 0xff */
	KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, irq, 99 | 0xffULL << 32), 0);
	KUNIT_EXPECT_NOT_NULL(test, vxics_ics_find(&t->vx, irq));
	/* PENDING alone also sets P, and is delivered */
	vxics_h_cppr(&t->vx, &t->icp[1], 0xff);
	KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, irq, 1 | 4ULL << 32 | VXICS_PENDING),
			0);
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, irq, 0xff));
	KUNIT_EXPECT_EQ(test, attr(t, irq), 1 | 4ULL << 32 | VXICS_PRESENTED);
	/* state is rebuilt: RESEND/masked-pending are dropped, Q kept */
	KUNIT_EXPECT_EQ(test, vxics_source_set(&t->vx, irq, 1 | 4ULL << 32 | VXICS_QUEUED),
			0);
	KUNIT_EXPECT_EQ(test, attr(t, irq), 1 | 4ULL << 32 | VXICS_QUEUED);
}

/* R30: only GRP_SOURCES attributes exist; NR_SERVERS is XIVE's (ENXIO). */
static void vxics_no_nr_servers_attr_r30(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vxics_attr_check(VXICS_GRP_CTRL, VXICS_NR_SERVERS), -ENXIO);
	KUNIT_EXPECT_EQ(test, vxics_attr_check(VXICS_GRP_CTRL, 0), -ENXIO);
	KUNIT_EXPECT_EQ(test, vxics_attr_check(0, 16), -ENXIO);
	KUNIT_EXPECT_EQ(test, vxics_attr_check(VXICS_GRP_SOURCES, 15), -ENXIO);
	KUNIT_EXPECT_EQ(test, vxics_attr_check(VXICS_GRP_SOURCES, VXICS_NR_IRQS), -ENXIO);
	KUNIT_EXPECT_EQ(test, vxics_attr_check(VXICS_GRP_SOURCES, 16), 0);
	KUNIT_EXPECT_EQ(test, vxics_attr_check(VXICS_GRP_SOURCES, VXICS_NR_IRQS - 1), 0);
}

/* R31: ICP one-reg get/set round trip through a live ICP. */
static void vxics_icp_onereg_roundtrip_r31(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	vxics_h_ipi(&t->vx, &t->icp[0], 0, 0x20);
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, vxics_icp_get(&t->icp[0]), 0xff00001020050000ULL);
	KUNIT_EXPECT_EQ(test, vxics_icp_set(&t->vx, &t->icp[1], 0xff00001020050000ULL), 0);
	KUNIT_EXPECT_EQ(test, poll(t, 1), POLL(0xff, 16, 0x20));
	KUNIT_EXPECT_TRUE(test, vxics_icp_out(state_of(t, 1)));
	KUNIT_EXPECT_EQ(test, t->raised[1], 1);
	KUNIT_EXPECT_EQ(test, vxics_icp_get(&t->icp[1]), 0xff00001020050000ULL);
}

/* R32: restore refuses a source XISR without block, changing nothing. */
static void vxics_icp_set_needs_block_r32(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct tsnap *s;

	def_src(test, 16, 0, 5, false);
	s = snap_new(test);
	/* block 1 (source 0x400) does not exist */
	KUNIT_EXPECT_EQ(test, vxics_icp_set(&t->vx, &t->icp[0], 0xff000400ff050000ULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_icp_set(&t->vx, &t->icp[0], 0xff000000ff050000ULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_icp_set(&t->vx, &t->icp[0], 0x0500000205050000ULL),
			-EINVAL);
	expect_unchanged(test, s);
	KUNIT_EXPECT_EQ(test, vxics_icp_set(&t->vx, &t->icp[0], 0xff000011ff050000ULL), 0);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 0x11, 0xff));
}

/* R32: a restore that lowers CPPR lets a refused source in. */
static void vxics_icp_set_resends_r32(struct kunit *test)
{
	struct tctx *t = test->priv;

	def_src(test, 16, 0, 5, false);
	vxics_set_level(&t->vx, 16, 1);
	KUNIT_EXPECT_EQ(test, vxics_icp_set(&t->vx, &t->icp[0], 0xff000000ffff0000ULL), 0);
	KUNIT_EXPECT_EQ(test, poll(t, 0), POLL(0xff, 16, 0xff));
}

/*
 * B4: the bypass triggers a guest source as the irqfd path would, but
 * only an MSI: an LSI or an undefined source is refused, unchanged, and
 * the interrupt is left to the host path.
 */
static void vxics_bypass_trigger_msi_only_b4(struct kunit *test)
{
	struct tctx *t = test->priv;
	struct tsnap *s;
	u32 server = 99;

	def_src(test, 16, 0, 5, false);
	def_src(test, 17, 0, 5, true);
	vxics_h_cppr(&t->vx, &t->icp[0], 0xff);
	KUNIT_EXPECT_EQ(test, vxics_msi_trigger(&t->vx, 16, &server), 0);
	KUNIT_EXPECT_EQ(test, server, 0);
	KUNIT_EXPECT_EQ(test, vxics_ics_find(&t->vx, 16)->src[16].n_triggers, 1);
	KUNIT_EXPECT_EQ(test, xirr(t, 0), 0xff000010ULL);
	s = snap_new(test);
	KUNIT_EXPECT_EQ(test, vxics_msi_trigger(&t->vx, 17, &server), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_msi_trigger(&t->vx, 18, &server), -ENOENT);
	KUNIT_EXPECT_EQ(test, vxics_msi_trigger(&t->vx, 2, &server), -ENOENT);
	expect_unchanged(test, s);
}

static struct kunit_case vxics_rule_cases[] = {
	KUNIT_CASE(vxics_bypass_trigger_msi_only_b4),
	KUNIT_CASE(vxics_source_number_range_r1),
	KUNIT_CASE(vxics_block_addressing_r2),
	KUNIT_CASE(vxics_new_source_masked_r3),
	KUNIT_CASE(vxics_icp_attach_r4),
	KUNIT_CASE(vxics_server_numbers_to_max_vcpu_ids_r4),
	KUNIT_CASE(vxics_icp_word_consistent_r5),
	KUNIT_CASE(vxics_output_raise_lower_r6),
	KUNIT_CASE(vxics_deliver_strict_r7),
	KUNIT_CASE(vxics_reject_source_and_ipi_r8),
	KUNIT_CASE(vxics_reject_lands_elsewhere_r8),
	KUNIT_CASE(vxics_resend_marks_r9),
	KUNIT_CASE(vxics_resend_refused_again_r9),
	KUNIT_CASE(vxics_deliver_rereads_server_unlocked_r10),
	KUNIT_CASE(vxics_h_xirr_accept_r11),
	KUNIT_CASE(vxics_h_xirr_x_timebase_r12),
	KUNIT_CASE(vxics_h_ipoll_r13),
	KUNIT_CASE(vxics_h_cppr_lower_presents_ipi_r14),
	KUNIT_CASE(vxics_h_cppr_lower_resends_equal_noop_r14),
	KUNIT_CASE(vxics_h_cppr_raise_rejects_r14),
	KUNIT_CASE(vxics_h_eoi_r15),
	KUNIT_CASE(vxics_h_eoi_bad_xirr_r15),
	KUNIT_CASE(vxics_h_eoi_unknown_source_restores_cppr_r15),
	KUNIT_CASE(vxics_h_ipi_r16),
	KUNIT_CASE(vxics_msi_pq_r17),
	KUNIT_CASE(vxics_msi_counts_triggers_r17),
	KUNIT_CASE(vxics_lsi_level_r18),
	KUNIT_CASE(vxics_undefined_source_refused_r19),
	KUNIT_CASE(vxics_masked_pending_r20),
	KUNIT_CASE(vxics_masked_resend_not_lost_r20),
	KUNIT_CASE(vxics_retarget_delivers_waiting_r21),
	KUNIT_CASE(vxics_set_xive_r22),
	KUNIT_CASE(vxics_get_xive_r23),
	KUNIT_CASE(vxics_int_off_r24),
	KUNIT_CASE(vxics_int_on_r25),
	KUNIT_CASE(vxics_rtas_contract_for_glue_r26),
	KUNIT_CASE(vxics_source_attr_layout_r27),
	KUNIT_CASE(vxics_source_get_r28),
	KUNIT_CASE(vxics_source_set_r29),
	KUNIT_CASE(vxics_no_nr_servers_attr_r30),
	KUNIT_CASE(vxics_icp_onereg_roundtrip_r31),
	KUNIT_CASE(vxics_icp_set_needs_block_r32),
	KUNIT_CASE(vxics_icp_set_resends_r32),
	{}
};

static struct kunit_suite vxics_rule_suite = {
	.name = "vxics_rules",
	.init = vxics_test_init,
	.exit = vxics_test_exit,
	.test_cases = vxics_rule_cases,
};

kunit_test_suites(&vxics_rule_suite);

MODULE_LICENSE("GPL");
