/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VFIO_DEVICE_IRQ_BYPASS in vfio-pci (vfio_pci_bypass.c): what the hooks
 * in vfio_pci_core.c and vfio_pci_intrs.c call, and the argument check
 * (vfio_pci_bypass_check.c) the userspace tests build too.
 */
#ifndef _VFIO_PCI_BYPASS_H
#define _VFIO_PCI_BYPASS_H

#include <linux/types.h>
#include <uapi/linux/vfio_irq_bypass.h>

/* MSI-X's limit: no range may go past it */
#define VFIO_IRQ_BYPASS_MAX_VECTORS	2048

int vfio_irq_bypass_check(const struct vfio_irq_bypass *b, size_t *data_size);

struct vfio_pci_core_device;

#ifdef CONFIG_KVM_VXICS
long vfio_pci_irq_bypass_ioctl(struct vfio_pci_core_device *vdev,
			       void __user *arg);
void vfio_pci_irq_bypass_vector_off(struct vfio_pci_core_device *vdev,
				    unsigned int vector);
void vfio_pci_irq_bypass_exit(void);
#else
static inline long vfio_pci_irq_bypass_ioctl(struct vfio_pci_core_device *vdev,
					     void __user *arg)
{
	return -ENOTTY;
}

static inline void
vfio_pci_irq_bypass_vector_off(struct vfio_pci_core_device *vdev,
			       unsigned int vector)
{
}

static inline void vfio_pci_irq_bypass_exit(void)
{
}
#endif

#endif /* _VFIO_PCI_BYPASS_H */
