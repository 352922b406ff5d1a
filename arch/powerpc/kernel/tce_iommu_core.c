// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SPAPR TCE IOMMU, as seen by the generic IOMMU core.
 *
 * On powernv and pseries the platform code owns the TCE hardware.  It
 * makes one iommu_group per partitionable endpoint (iommu_register_group())
 * and puts each device it sets up for DMA into the group of its PE
 * (iommu_add_device()).  The kernel's own DMA goes through dma_iommu_ops and
 * VFIO's SPAPR TCE container programs DMA windows through the table group
 * ops; neither needs an IOMMU domain.
 *
 * The IOMMU core and VFIO's group layer still need two answers, and 6.1
 * gives neither on this platform because no iommu_ops are registered:
 *
 *  - device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY), which VFIO
 *    requires before it creates a group for a device;
 *  - a blocked domain, which iommu_group_claim_dma_owner() attaches when
 *    VFIO takes a group for userspace.  The claim is what keeps kernel
 *    drivers away from a group userspace owns, and it is refused while any
 *    device of the group is bound to a kernel driver.
 *
 * This file registers one iommu_device whose ops give those answers.
 * Devices reach it only through tce_core_add_device(), which the platform
 * code calls instead of adding the device to its group directly: the
 * device is probed through the core (iommu_probe_device()), joins the same
 * group as before and carries the ops.  No translating domain is offered,
 * so nothing about how the kernel or VFIO programs TCEs changes.
 */
#define pr_fmt(fmt) "tce-iommu-core: " fmt

#include <linux/device.h>
#include <linux/init.h>
#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <asm/iommu.h>
#include <asm/machdep.h>
#include <asm/tce_iommu_core.h>

static struct iommu_device tce_core_iommu;
static bool tce_core_registered;

/*
 * The device tce_core_add_device() is probing right now, and the table
 * group it goes into.  The core calls probe_device() for every device that
 * appears on the PCI and platform buses; only the one handed over here is
 * ours, and device_group() needs to know its table group.
 */
static DEFINE_MUTEX(tce_core_probe_lock);
static struct device *tce_core_probe_dev;
static struct iommu_table_group *tce_core_probe_group;

static bool tce_core_capable(struct device *dev, enum iommu_cap cap)
{
	switch (cap) {
	case IOMMU_CAP_CACHE_COHERENCY:
		/*
		 * DMA through a PHB is snooped: the kernel's dma_iommu_ops
		 * never does cache maintenance for it, so VFIO's IOMMU_CACHE
		 * promise holds.  Only 32-bit embedded parts are built
		 * without coherent caches, and they have no TCE IOMMU.
		 */
		return !IS_ENABLED(CONFIG_NOT_COHERENT_CACHE);
	default:
		/*
		 * TCEs only grant read and write, so no IOMMU_NOEXEC.  MSI
		 * isolation is the PHB's business and is not claimed here.
		 */
		return false;
	}
}

/*
 * The blocked domain.  The TCE tables belong to the table group: the VFIO
 * SPAPR TCE container takes them over (take_ownership(), which removes the
 * kernel's DMA windows) when userspace sets the container's IOMMU, and
 * hands them back before the core releases the group.  What this domain
 * adds is at the requester: a device attached to it has bus mastering
 * turned off, so it cannot reach the kernel's DMA window that is still in
 * place between the claim and the container's take-over.  Userspace turns
 * bus mastering back on through VFIO once it owns the device and its
 * windows; a kernel driver that binds after the release enables it itself.
 */
static int tce_core_blocked_attach(struct iommu_domain *domain,
				   struct device *dev)
{
	if (dev_is_pci(dev))
		pci_clear_master(to_pci_dev(dev));
	return 0;
}

static void tce_core_blocked_detach(struct iommu_domain *domain,
				    struct device *dev)
{
}

static void tce_core_domain_free(struct iommu_domain *domain)
{
	kfree(domain);
}

static const struct iommu_domain_ops tce_core_blocked_ops = {
	.attach_dev = tce_core_blocked_attach,
	.detach_dev = tce_core_blocked_detach,
	.free = tce_core_domain_free,
};

static struct iommu_domain *tce_core_domain_alloc(unsigned int type)
{
	struct iommu_domain *domain;

	/* DMA API and unmanaged domains stay with the TCE code. */
	if (type != IOMMU_DOMAIN_BLOCKED)
		return NULL;

	domain = kzalloc(sizeof(*domain), GFP_KERNEL);
	if (!domain)
		return NULL;
	domain->ops = &tce_core_blocked_ops;
	return domain;
}

static struct iommu_device *tce_core_probe_device(struct device *dev)
{
	if (READ_ONCE(tce_core_probe_dev) != dev)
		return ERR_PTR(-ENODEV);
	return &tce_core_iommu;
}

static void tce_core_release_device(struct device *dev)
{
}

static struct iommu_group *tce_core_device_group(struct device *dev)
{
	struct iommu_table_group *table_group;

	lockdep_assert_held(&tce_core_probe_lock);
	table_group = tce_core_probe_group;
	if (tce_core_probe_dev != dev || !table_group || !table_group->group)
		return ERR_PTR(-ENODEV);
	return iommu_group_ref_get(table_group->group);
}

static const struct iommu_ops tce_core_ops = {
	.capable = tce_core_capable,
	.domain_alloc = tce_core_domain_alloc,
	.probe_device = tce_core_probe_device,
	.release_device = tce_core_release_device,
	.device_group = tce_core_device_group,
	.pgsize_bitmap = SZ_4K,
	.default_domain_ops = &tce_core_blocked_ops,
};

/**
 * tce_core_active() - Whether TCE group devices go through the IOMMU core
 *
 * Return: true once the TCE iommu_device is registered with the IOMMU core.
 */
bool tce_core_active(void)
{
	return READ_ONCE(tce_core_registered);
}
EXPORT_SYMBOL_GPL(tce_core_active);

/**
 * tce_core_add_device() - Put a device into the group of its TCE table group
 * @table_group: the table group (PE) whose DMA the device uses
 * @dev: the device, already registered
 *
 * Used by iommu_add_device().  When the TCE iommu_device is registered the
 * device is probed through the IOMMU core, which asks device_group() for
 * @table_group's iommu_group and links the device to the TCE ops;
 * otherwise the device is added to the group directly, as 6.1 does.
 *
 * Context: process context; takes the IOMMU core's probe lock.
 * Return: 0 on success or a negative errno.
 */
int tce_core_add_device(struct iommu_table_group *table_group,
			struct device *dev)
{
	int ret;

	if (!tce_core_active())
		return iommu_group_add_device(table_group->group, dev);

	mutex_lock(&tce_core_probe_lock);
	tce_core_probe_group = table_group;
	WRITE_ONCE(tce_core_probe_dev, dev);
	ret = iommu_probe_device(dev);
	WRITE_ONCE(tce_core_probe_dev, NULL);
	tce_core_probe_group = NULL;
	mutex_unlock(&tce_core_probe_lock);
	if (ret)
		dev_warn(dev, "cannot join TCE iommu group %d: %d\n",
			 iommu_group_id(table_group->group), ret);
	return ret;
}
EXPORT_SYMBOL_GPL(tce_core_add_device);

/*
 * Registered at arch_initcall, before pcibios_init() scans the PHBs, so
 * every device the platform puts into a TCE group goes through the core:
 * the core's own bus probe at registration skips devices already in a
 * group.  Only the platforms that build TCE table groups register.
 */
static int __init tce_core_init(void)
{
	int ret;

	if (!machine_is(powernv) && !machine_is(pseries))
		return 0;

	ret = iommu_device_sysfs_add(&tce_core_iommu, NULL, NULL, "spapr-tce");
	if (ret)
		goto fail;
	ret = iommu_device_register(&tce_core_iommu, &tce_core_ops, NULL);
	if (ret) {
		iommu_device_sysfs_remove(&tce_core_iommu);
		goto fail;
	}
	WRITE_ONCE(tce_core_registered, true);
	return 0;
fail:
	pr_warn("not registered (%d): VFIO cannot use TCE groups\n", ret);
	return ret;
}
arch_initcall(tce_core_init);
