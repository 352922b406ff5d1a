/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SPAPR TCE IOMMU groups as the generic IOMMU core sees them: the
 * platform code hands each device it places into a TCE table group to
 * tce_core_add_device(), which runs it through the IOMMU core's probe so
 * the core knows its ops (capabilities, DMA ownership).  See
 * arch/powerpc/kernel/tce_iommu_core.c.
 */
#ifndef _ASM_POWERPC_TCE_IOMMU_CORE_H
#define _ASM_POWERPC_TCE_IOMMU_CORE_H

#include <linux/iommu.h>
#include <asm/iommu.h>

#ifdef CONFIG_SPAPR_TCE_IOMMU
int tce_core_add_device(struct iommu_table_group *table_group,
			struct device *dev);
bool tce_core_active(void);
#else
static inline int tce_core_add_device(struct iommu_table_group *table_group,
				      struct device *dev)
{
	return iommu_group_add_device(table_group->group, dev);
}

static inline bool tce_core_active(void)
{
	return false;
}
#endif

#endif /* _ASM_POWERPC_TCE_IOMMU_CORE_H */
