// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_DEVICE_IRQ_BYPASS: the check of the argument's fixed fields, before
 * anything about the device or the VM is looked at.  Pure (no kernel
 * state), so tools/testing/vfio-bypass builds it unchanged for its
 * validation table and its libFuzzer target.
 */
#include <linux/errno.h>
#include "vfio_pci_bypass.h"

#define ALL_OPS	(VFIO_IRQ_BYPASS_BIND | VFIO_IRQ_BYPASS_UNBIND | \
		 VFIO_IRQ_BYPASS_QUERY)

/**
 * vfio_irq_bypass_check() - check a VFIO_DEVICE_IRQ_BYPASS header
 * @b: the header as copied from userspace (up to @data)
 * @data_size: set to the bytes of data that follow the header
 *
 * In order: @argsz covers the header; @flags is exactly one known
 * operation; @index is MSI or MSI-X (INTx: -EOPNOTSUPP); @count is at
 * least 1 and the range ends within MSI-X's 2048 vectors; @argsz covers
 * the data the operation reads (BIND) or writes (QUERY).
 *
 * Return: 0, -EINVAL or -EOPNOTSUPP; *@data_size is set only on success.
 */
int vfio_irq_bypass_check(const struct vfio_irq_bypass *b, size_t *data_size)
{
	/* the header ends where the data starts (offsetofend(vm_fd)) */
	size_t minsz = __builtin_offsetof(struct vfio_irq_bypass, data);
	size_t each = 0;
	__u32 op = b->flags & ALL_OPS;

	if (b->argsz < minsz)
		return -EINVAL;
	if ((b->flags & ~ALL_OPS) || !op || (op & (op - 1)))
		return -EINVAL;
	if (b->index == VFIO_PCI_INTX_IRQ_INDEX)
		return -EOPNOTSUPP;
	if (b->index != VFIO_PCI_MSI_IRQ_INDEX &&
	    b->index != VFIO_PCI_MSIX_IRQ_INDEX)
		return -EINVAL;
	if (!b->count || b->count > VFIO_IRQ_BYPASS_MAX_VECTORS ||
	    b->start > VFIO_IRQ_BYPASS_MAX_VECTORS - b->count)
		return -EINVAL;
	if (op == VFIO_IRQ_BYPASS_BIND)
		each = sizeof(__u32);
	else if (op == VFIO_IRQ_BYPASS_QUERY)
		each = sizeof(struct vfio_irq_bypass_vector);
	/* count <= 2048: no overflow */
	if (b->argsz - minsz < each * b->count)
		return -EINVAL;
	*data_size = each * b->count;
	return 0;
}
