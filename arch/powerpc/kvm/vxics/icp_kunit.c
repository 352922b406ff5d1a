// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the ICP state word and its one-reg format.
 * Built into the kernel (CONFIG_KVM_VXICS_KUNIT_TEST) and into the
 * userspace harness (tools/testing/vxics) unchanged.
 */
#include <kunit/test.h>
#include "internal.h"
#include "icp_state.h"

/* R4: a new ICP has CPPR 0, MFRR 0xff, pending priority 0xff, XISR 0. */
static void vxics_icp_initial_state_r4(struct kunit *test)
{
	u64 w = VXICS_ICP_INITIAL;

	KUNIT_EXPECT_EQ(test, vxics_icp_cppr(w), 0);
	KUNIT_EXPECT_EQ(test, vxics_icp_mfrr(w), 0xff);
	KUNIT_EXPECT_EQ(test, vxics_icp_pend(w), 0xff);
	KUNIT_EXPECT_EQ(test, vxics_icp_xisr(w), 0);
	KUNIT_EXPECT_FALSE(test, vxics_icp_out(w));
	KUNIT_EXPECT_FALSE(test, vxics_icp_resend(w));
}

/* R5: every field survives packing into the one word, independently. */
static void vxics_icp_word_fields_independent_r5(struct kunit *test)
{
	u64 w = vxics_icp_word(0xabcdef, 0x12, 0x34, 0x56, true);

	KUNIT_EXPECT_EQ(test, vxics_icp_xisr(w), 0xabcdef);
	KUNIT_EXPECT_EQ(test, vxics_icp_pend(w), 0x12);
	KUNIT_EXPECT_EQ(test, vxics_icp_cppr(w), 0x34);
	KUNIT_EXPECT_EQ(test, vxics_icp_mfrr(w), 0x56);
	KUNIT_EXPECT_TRUE(test, vxics_icp_resend(w));
	KUNIT_EXPECT_EQ(test, w >> 50, 0);
}

/* R6: output asserted exactly when XISR != 0 and pending priority < CPPR. */
static void vxics_icp_output_rule_r6(struct kunit *test)
{
	unsigned int pend, cppr;

	for (pend = 0; pend < 256; pend += 5) {
		for (cppr = 0; cppr < 256; cppr += 3) {
			u64 busy = vxics_icp_word(0x1000, pend, cppr, 0xff, false);
			u64 idle = vxics_icp_word(0, pend, cppr, 0xff, false);

			KUNIT_EXPECT_EQ(test, vxics_icp_out(busy), pend < cppr);
			KUNIT_EXPECT_FALSE(test, vxics_icp_out(idle));
		}
	}
}

/* R31: the one-reg bit positions QEMU saves and restores. */
static void vxics_icp_onereg_layout_r31(struct kunit *test)
{
	u64 w = vxics_icp_word(0x001234, 0x05, 0x06, 0x07, true);

	KUNIT_EXPECT_EQ(test, vxics_icp_to_onereg(w), 0x0600123407050000ULL);
	/* need-resend and output are not saved */
	KUNIT_EXPECT_EQ(test, vxics_icp_to_onereg(w),
			vxics_icp_to_onereg(w & ~(VXICS_ICP_RESEND | VXICS_ICP_OUT)));
	KUNIT_EXPECT_EQ(test, vxics_icp_from_onereg(0x0600123407050000ULL),
			vxics_icp_word(0x001234, 0x05, 0x06, 0x07, false));
}

/* R32: inconsistent ICP states are refused. */
static void vxics_icp_onereg_consistency_r32(struct kunit *test)
{
	/* idle ICP, any CPPR/MFRR */
	KUNIT_EXPECT_EQ(test, vxics_icp_check_onereg(0xff000000ffff0000ULL), 0);
	/* XISR 0 needs pending priority 0xff */
	KUNIT_EXPECT_EQ(test, vxics_icp_check_onereg(0xff000000ff050000ULL), -EINVAL);
	/* IPI pending: pending priority == MFRR < CPPR */
	KUNIT_EXPECT_EQ(test, vxics_icp_check_onereg(0xff00000205050000ULL), 0);
	KUNIT_EXPECT_EQ(test, vxics_icp_check_onereg(0xff00000206050000ULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_icp_check_onereg(0x0500000205050000ULL), -EINVAL);
	/* source pending: pending priority < MFRR and < CPPR */
	KUNIT_EXPECT_EQ(test, vxics_icp_check_onereg(0xff001000ff050000ULL), 0);
	KUNIT_EXPECT_EQ(test, vxics_icp_check_onereg(0xff00100005050000ULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_icp_check_onereg(0x05001000ff050000ULL), -EINVAL);
	/* R1: 1 and 3..15 are never sources */
	KUNIT_EXPECT_EQ(test, vxics_icp_check_onereg(0xff000001ff050000ULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_icp_check_onereg(0xff00000fff050000ULL), -EINVAL);
	/* low 16 bits must be zero */
	KUNIT_EXPECT_EQ(test, vxics_icp_check_onereg(0xff000000ffff0001ULL), -EINVAL);
}

static struct kunit_case vxics_icp_state_cases[] = {
	KUNIT_CASE(vxics_icp_initial_state_r4),
	KUNIT_CASE(vxics_icp_word_fields_independent_r5),
	KUNIT_CASE(vxics_icp_output_rule_r6),
	KUNIT_CASE(vxics_icp_onereg_layout_r31),
	KUNIT_CASE(vxics_icp_onereg_consistency_r32),
	{}
};

static struct kunit_suite vxics_icp_state_suite = {
	.name = "vxics_icp_state",
	.test_cases = vxics_icp_state_cases,
};

kunit_test_suites(&vxics_icp_state_suite);

MODULE_LICENSE("GPL");
