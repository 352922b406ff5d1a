// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the SPAPR TCE IOMMU core ops (tce_iommu_core.c).
 *
 * Each case makes a fresh TCE table group with iommu_register_group(), the
 * way the platform does for a PE, and a platform device that stands in for
 * a PCI function: the ops are registered for both buses and nothing in the
 * ownership logic looks at the bus.  The device is put into the group with
 * tce_core_add_device(), as iommu_add_device() does, and then driven
 * through the IOMMU core's calls that VFIO and the driver core make.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <asm/iommu.h>
#include <asm/tce_iommu_core.h>

struct tce_core_fixture {
	struct iommu_table_group table_group;
	struct platform_device *pdev;
};

/* A PCI domain number no PHB uses, so the group names cannot clash. */
#define TCE_CORE_TEST_DOMAIN	0xfffe

static int tce_core_test_init(struct kunit *test)
{
	static unsigned long pe;
	struct tce_core_fixture *fx;

	if (!tce_core_active())
		return 0;	/* the cases skip */

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	iommu_register_group(&fx->table_group, TCE_CORE_TEST_DOMAIN, ++pe);
	KUNIT_ASSERT_NOT_NULL(test, fx->table_group.group);
	fx->pdev = platform_device_register_simple("tce-core-kunit",
						   PLATFORM_DEVID_AUTO, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fx->pdev));
	test->priv = fx;
	return 0;
}

static void tce_core_test_exit(struct kunit *test)
{
	struct tce_core_fixture *fx = test->priv;

	if (!fx)
		return;
	platform_device_unregister(fx->pdev);
	/* The platform's reference is the last one: the group goes away. */
	iommu_group_put(fx->table_group.group);
	KUNIT_EXPECT_NULL(test, fx->table_group.group);
}

static struct tce_core_fixture *tce_core_joined(struct kunit *test)
{
	struct tce_core_fixture *fx = test->priv;

	if (!fx)
		kunit_skip(test, "TCE iommu_ops not registered on this machine");
	KUNIT_ASSERT_EQ(test, tce_core_add_device(&fx->table_group,
						  &fx->pdev->dev), 0);
	return fx;
}

/* The device joins its table group's iommu_group and carries the ops. */
static void tce_core_join_group(struct kunit *test)
{
	struct tce_core_fixture *fx = tce_core_joined(test);
	struct device *dev = &fx->pdev->dev;
	struct iommu_group *group = iommu_group_get(dev);

	KUNIT_EXPECT_PTR_EQ(test, group, fx->table_group.group);
	iommu_group_put(group);
	/* Already in a group: the platform's second add is refused. */
	KUNIT_EXPECT_EQ(test, iommu_add_device(&fx->table_group, dev), -EBUSY);
}

/* What VFIO asks before it makes a group for the device. */
static void tce_core_capabilities(struct kunit *test)
{
	struct tce_core_fixture *fx = tce_core_joined(test);
	struct device *dev = &fx->pdev->dev;

	KUNIT_EXPECT_TRUE(test,
			  device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY));
	KUNIT_EXPECT_FALSE(test, device_iommu_capable(dev, IOMMU_CAP_NOEXEC));
	KUNIT_EXPECT_FALSE(test,
			   device_iommu_capable(dev, IOMMU_CAP_INTR_REMAP));
	KUNIT_EXPECT_FALSE(test,
			   device_iommu_capable(dev, IOMMU_CAP_PRE_BOOT_PROTECTION));
}

/* A device the platform never handed over is not claimed by the ops. */
static void tce_core_other_devices_untouched(struct kunit *test)
{
	struct tce_core_fixture *fx = tce_core_joined(test);
	struct platform_device *other;

	other = platform_device_register_simple("tce-core-kunit-other",
						PLATFORM_DEVID_AUTO, NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	KUNIT_EXPECT_NULL(test, iommu_group_get(&other->dev));
	KUNIT_EXPECT_FALSE(test, device_iommu_capable(&other->dev,
						      IOMMU_CAP_CACHE_COHERENCY));
	platform_device_unregister(other);
	KUNIT_EXPECT_TRUE(test, device_iommu_capable(&fx->pdev->dev,
						     IOMMU_CAP_CACHE_COHERENCY));
}

/* Only the blocked domain exists; the kernel's DMA stays with the TCEs. */
static void tce_core_no_translating_domains(struct kunit *test)
{
	struct tce_core_fixture *fx = tce_core_joined(test);
	struct iommu_domain *domain;

	domain = iommu_domain_alloc(&pci_bus_type);
	KUNIT_EXPECT_NULL(test, domain);
	if (domain)
		iommu_domain_free(domain);
	domain = iommu_domain_alloc(&platform_bus_type);
	KUNIT_EXPECT_NULL(test, domain);
	if (domain)
		iommu_domain_free(domain);
	KUNIT_EXPECT_NULL(test, iommu_group_default_domain(fx->table_group.group));
	KUNIT_EXPECT_NULL(test, iommu_get_domain_for_dev(&fx->pdev->dev));
}

/* VFIO_GROUP_SET_CONTAINER's claim, and the container's release. */
static void tce_core_claim_release(struct kunit *test)
{
	struct tce_core_fixture *fx = tce_core_joined(test);
	struct iommu_group *group = fx->table_group.group;
	struct device *dev = &fx->pdev->dev;
	struct iommu_domain *domain;
	int owner, other;

	KUNIT_EXPECT_FALSE(test, iommu_group_dma_owner_claimed(group));
	KUNIT_ASSERT_EQ(test, iommu_group_claim_dma_owner(group, &owner), 0);
	KUNIT_EXPECT_TRUE(test, iommu_group_dma_owner_claimed(group));
	domain = iommu_get_domain_for_dev(dev);
	KUNIT_ASSERT_NOT_NULL(test, domain);
	KUNIT_EXPECT_EQ(test, domain->type, IOMMU_DOMAIN_BLOCKED);

	/* Exclusive: nobody else, and no kernel driver, while owned. */
	KUNIT_EXPECT_EQ(test, iommu_group_claim_dma_owner(group, &other), -EPERM);
	KUNIT_EXPECT_EQ(test, iommu_device_use_default_domain(dev), -EBUSY);

	iommu_group_release_dma_owner(group);
	KUNIT_EXPECT_FALSE(test, iommu_group_dma_owner_claimed(group));
	KUNIT_EXPECT_NULL(test, iommu_get_domain_for_dev(dev));

	/* Released groups can be claimed again (the domain is reused). */
	KUNIT_EXPECT_EQ(test, iommu_group_claim_dma_owner(group, &other), 0);
	KUNIT_EXPECT_PTR_EQ(test, iommu_get_domain_for_dev(dev), domain);
	iommu_group_release_dma_owner(group);
}

/* A group with a device bound to a kernel driver cannot be claimed. */
static void tce_core_kernel_driver_refuses_claim(struct kunit *test)
{
	struct tce_core_fixture *fx = tce_core_joined(test);
	struct iommu_group *group = fx->table_group.group;
	struct device *dev = &fx->pdev->dev;
	int owner;

	/* What the driver core does when a DMA-API driver binds. */
	KUNIT_ASSERT_EQ(test, iommu_device_use_default_domain(dev), 0);
	KUNIT_EXPECT_TRUE(test, iommu_group_dma_owner_claimed(group));
	KUNIT_EXPECT_EQ(test, iommu_group_claim_dma_owner(group, &owner), -EPERM);

	/* ... and when it unbinds: now the group is free. */
	iommu_device_unuse_default_domain(dev);
	KUNIT_EXPECT_FALSE(test, iommu_group_dma_owner_claimed(group));
	KUNIT_EXPECT_EQ(test, iommu_group_claim_dma_owner(group, &owner), 0);
	iommu_group_release_dma_owner(group);
}

static struct kunit_case tce_core_cases[] = {
	KUNIT_CASE(tce_core_join_group),
	KUNIT_CASE(tce_core_capabilities),
	KUNIT_CASE(tce_core_other_devices_untouched),
	KUNIT_CASE(tce_core_no_translating_domains),
	KUNIT_CASE(tce_core_claim_release),
	KUNIT_CASE(tce_core_kernel_driver_refuses_claim),
	{}
};

static struct kunit_suite tce_core_suite = {
	.name = "tce_iommu_core",
	.init = tce_core_test_init,
	.exit = tce_core_test_exit,
	.test_cases = tce_core_cases,
};

kunit_test_suite(tce_core_suite);
