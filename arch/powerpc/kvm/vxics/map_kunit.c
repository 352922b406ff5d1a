// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the passthrough map (map.c, map.h): B1-B3.  The same
 * file runs in userspace (tools/testing/vxics), where map_stress.c races
 * lookups against removal and reuse.
 */
#include <kunit/test.h>
#include "internal.h"
#include "map.h"

static struct vxics_map *map_new(struct kunit *test)
{
	struct vxics_map *m = kzalloc(sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	return m;
}

static void map_free(struct vxics_map *m)
{
	vxics_map_destroy(m);
	kfree(m);
}

static void vxics_map_add_find_del_b1(struct kunit *test)
{
	struct vxics_map *m = map_new(test);
	struct vxics_map_reader r = { 0 }, *rs[] = { &r };
	struct vxics_map_slot *s;
	u64 e;
	int slot;

	slot = vxics_map_add(m, 0x12345, 0x1001, 77, &r);
	KUNIT_ASSERT_GE(test, slot, 0);
	vxics_map_read_begin(&r);
	e = vxics_map_find(m, 0x12345);
	KUNIT_EXPECT_TRUE(test, e & VXICS_MAP_VALID);
	KUNIT_EXPECT_EQ(test, vxics_map_guest(e), 0x1001);
	s = vxics_map_slot(m, e);
	KUNIT_EXPECT_EQ(test, s->hwirq, 0x12345);
	KUNIT_EXPECT_EQ(test, s->host_irq, 77);
	KUNIT_EXPECT_PTR_EQ(test, s->host_data, (void *)&r);
	KUNIT_EXPECT_EQ(test, vxics_map_find(m, 0x12346), 0);
	KUNIT_EXPECT_EQ(test, vxics_map_find(m, 0x345), 0);
	vxics_map_read_end(&r);
	KUNIT_EXPECT_EQ(test, m->n_mapped, 1);

	KUNIT_EXPECT_EQ(test, vxics_map_del(m, 0x12345), 0);
	KUNIT_EXPECT_EQ(test, vxics_map_find(m, 0x12345), 0);
	KUNIT_EXPECT_EQ(test, vxics_map_del(m, 0x12345), -ENOENT);
	vxics_map_synchronize(m, rs, 1);
	KUNIT_EXPECT_EQ(test, m->n_mapped, 0);
	map_free(m);
}

/* Every refused call leaves every lookup as it was. */
static void vxics_map_bad_arguments_change_nothing_b1(struct kunit *test)
{
	static const u32 bad_hw[] = { 0, VXICS_IPI_IRQ, BIT(VXICS_MAP_HW_BITS),
				      0xffffffff };
	static const u32 bad_guest[] = { 0, VXICS_FIRST_SOURCE - 1,
					 VXICS_NR_IRQS, 0xffffffff };
	struct vxics_map *m = map_new(test);
	unsigned int i;

	KUNIT_ASSERT_GE(test, vxics_map_add(m, 0x800, 0x1000, 1, NULL), 0);
	for (i = 0; i < ARRAY_SIZE(bad_hw); i++)
		KUNIT_EXPECT_EQ(test, vxics_map_add(m, bad_hw[i], 0x1002, 1, NULL),
				-EINVAL);
	for (i = 0; i < ARRAY_SIZE(bad_guest); i++)
		KUNIT_EXPECT_EQ(test, vxics_map_add(m, 0x801, bad_guest[i], 1, NULL),
				-EINVAL);
	KUNIT_EXPECT_EQ(test, vxics_map_add(m, 0x800, 0x1003, 1, NULL), -EBUSY);
	KUNIT_EXPECT_EQ(test, vxics_map_del(m, 0x801), -ENOENT);
	KUNIT_EXPECT_EQ(test, vxics_map_del(m, BIT(VXICS_MAP_HW_BITS)), -ENOENT);
	KUNIT_EXPECT_EQ(test, vxics_map_find(m, 0x801), 0);
	KUNIT_EXPECT_EQ(test, vxics_map_find(m, BIT(VXICS_MAP_HW_BITS)), 0);
	KUNIT_EXPECT_EQ(test, vxics_map_guest(vxics_map_find(m, 0x800)), 0x1000);
	KUNIT_EXPECT_EQ(test, m->n_mapped, 1);
	map_free(m);
}

/* Host number @i of the capacity test: 64 pages across the whole range */
static u32 spread(u32 i)
{
	return (i % 64) * (BIT(VXICS_MAP_HW_BITS) / 64) + i / 64 + 16;
}

/*
 * B3: VXICS_MAP_SLOTS mappings fit; one more is refused; a removed slot
 * is reused only after the grace period.
 */
static void vxics_map_capacity_and_slot_reuse_b3(struct kunit *test)
{
	struct vxics_map *m = map_new(test);
	struct vxics_map_reader r = { 0 }, *rs[] = { &r };
	u32 i, hw;
	int slot, bad = 0;

	for (i = 0; i < VXICS_MAP_SLOTS; i++)
		if (vxics_map_add(m, spread(i), 0x1000 + i % 0x1000, i, NULL) < 0)
			bad++;
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, m->n_mapped, VXICS_MAP_SLOTS);
	KUNIT_EXPECT_EQ(test, vxics_map_add(m, 5, 0x1000, 0, NULL), -ENOSPC);
	for (i = 0; i < VXICS_MAP_SLOTS; i++)
		if (vxics_map_guest(vxics_map_find(m, spread(i))) !=
		    0x1000 + i % 0x1000)
			bad++;
	KUNIT_EXPECT_EQ(test, bad, 0);

	hw = spread(100);
	slot = (vxics_map_find(m, hw) >> VXICS_MAP_SLOT_SHIFT) &
	       VXICS_MAP_SLOT_MASK;
	KUNIT_EXPECT_EQ(test, vxics_map_del(m, hw), 0);
	/* not reused before the grace period */
	KUNIT_EXPECT_EQ(test, vxics_map_add(m, 5, 0x1000, 0, NULL), -ENOSPC);
	vxics_map_synchronize(m, rs, 1);
	KUNIT_EXPECT_EQ(test, vxics_map_add(m, 5, 0x1000, 0, NULL), slot);
	KUNIT_EXPECT_EQ(test, vxics_map_add(m, 6, 0x1000, 0, NULL), -ENOSPC);
	map_free(m);
}

static struct kunit_case vxics_map_cases[] = {
	KUNIT_CASE(vxics_map_add_find_del_b1),
	KUNIT_CASE(vxics_map_bad_arguments_change_nothing_b1),
	KUNIT_CASE(vxics_map_capacity_and_slot_reuse_b3),
	{}
};

static struct kunit_suite vxics_map_suite = {
	.name = "vxics_map",
	.test_cases = vxics_map_cases,
};

kunit_test_suites(&vxics_map_suite);

MODULE_LICENSE("GPL");
