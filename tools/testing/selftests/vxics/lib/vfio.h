/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vxv: the VFIO side of the vxics in-VM selftests.  Find a PCI function in
 * sysfs, move it between host drivers, and drive it from userspace
 * through a VFIO group and a SPAPR TCE v2 container: DMA window, BAR
 * mmap, config space and interrupts on eventfds.
 *
 * Tests that need a device call vxv_need(): without it they report one
 * SKIP and exit, unless the kernel command line has "vxics.pci", which the
 * PCI stage of make check passes so that a missing device fails instead.
 */
#ifndef _VXT_VFIO_H
#define _VXT_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

#define VXV_BDF_LEN	16

struct vxv_dev {
	char bdf[VXV_BDF_LEN];
	int group_id;
	int container;		/* /dev/vfio/vfio */
	int group;		/* /dev/vfio/N */
	int fd;			/* device fd */
	uint64_t cfg_off;	/* config space region offset in fd */
	uint8_t *bar0;		/* mmapped BAR0 */
	uint64_t bar0_size;
	struct vfio_iommu_spapr_tce_info tce;
};

/* sysfs */
int vxv_find(uint16_t vendor, uint16_t device, int group_size,
	     char bdfs[][VXV_BDF_LEN], int max);
void vxv_need(int found, int plan, const char *what);
int vxv_group_id(const char *bdf);
int vxv_group_size(int group_id);
bool vxv_driver_is(const char *bdf, const char *driver);
int vxv_bind(const char *bdf, const char *driver);
int vxv_unbind(const char *bdf);
int vxv_sysfs_cfg_read16(const char *bdf, int off, uint16_t *val);
int vxv_sysfs_cfg_write16(const char *bdf, int off, uint16_t val);
bool vxv_has_iommu_link(const char *bdf);

/* the group and its container */
int vxv_open_container(void);
int vxv_open_group(int group_id);
uint32_t vxv_group_flags(int group);
int vxv_get_device(struct vxv_dev *d);
void vxv_release(struct vxv_dev *d);
void vxv_take(struct vxv_dev *d, const char *bdf);
void vxv_give_back(struct vxv_dev *d);

/* DMA: register and map @size bytes at @vaddr to @iova */
int vxv_dma_map(int container, void *vaddr, uint64_t size, uint64_t iova);
int vxv_dma_unmap(int container, void *vaddr, uint64_t size, uint64_t iova);

/* the device */
uint16_t vxv_cfg_read16(struct vxv_dev *d, int off);
void vxv_cfg_write16(struct vxv_dev *d, int off, uint16_t val);
uint32_t vxv_rd32(struct vxv_dev *d, uint32_t reg);
void vxv_wr32(struct vxv_dev *d, uint32_t reg, uint32_t val);
uint32_t vxv_irq_count(struct vxv_dev *d, int index);
int vxv_irq_eventfd(struct vxv_dev *d, int index, int efd);
/* vectors 0..@n-1 of @index on eventfds @efds */
int vxv_irq_eventfds(struct vxv_dev *d, int index, const int *efds, int n);
int vxv_irq_disable(struct vxv_dev *d, int index);
uint64_t vxv_wait(int efd, int ms);

#endif /* _VXT_VFIO_H */
