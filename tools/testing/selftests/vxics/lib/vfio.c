// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxv: VFIO helpers for the vxics in-VM selftests (see vfio.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "vxt.h"
#include "vfio.h"

#define PCI_DEVS	"/sys/bus/pci/devices"

static int read_str(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY), r;

	if (fd < 0)
		return -1;
	r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return r;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), r, e;

	if (fd < 0)
		return -1;
	r = write(fd, s, strlen(s));
	e = errno;
	close(fd);
	errno = e;
	return r < 0 ? -1 : 0;
}

static unsigned long read_hex(const char *bdf, const char *attr)
{
	char p[320], b[32];

	snprintf(p, sizeof(p), PCI_DEVS "/%s/%s", bdf, attr);
	return read_str(p, b, sizeof(b)) > 0 ? strtoul(b, NULL, 16) : ~0UL;
}

int vxv_group_id(const char *bdf)
{
	char p[128], l[128];
	int n;

	snprintf(p, sizeof(p), PCI_DEVS "/%s/iommu_group", bdf);
	n = readlink(p, l, sizeof(l) - 1);
	if (n <= 0)
		return -1;
	l[n] = 0;
	return atoi(strrchr(l, '/') + 1);
}

int vxv_group_size(int group_id)
{
	char p[96];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%d/devices", group_id);
	d = opendir(p);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int vxv_find(uint16_t vendor, uint16_t device, int group_size,
	     char bdfs[][VXV_BDF_LEN], int max)
{
	struct dirent **names;
	int n, i, found = 0;

	n = scandir(PCI_DEVS, &names, NULL, by_name);
	for (i = 0; i < n; i++) {
		const char *b = names[i]->d_name;

		if (b[0] != '.' && found < max && strlen(b) < VXV_BDF_LEN &&
		    read_hex(b, "vendor") == vendor &&
		    read_hex(b, "device") == device &&
		    (!group_size ||
		     vxv_group_size(vxv_group_id(b)) == group_size))
			snprintf(bdfs[found++], VXV_BDF_LEN, "%.15s", b);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return found;
}

void vxv_need(int found, int plan, const char *what)
{
	char cmdline[1024] = "";

	if (found)
		return;
	read_str("/proc/cmdline", cmdline, sizeof(cmdline));
	if (strstr(cmdline, "vxics.pci")) {
		vxt_plan(plan);
		VXT_REQUIRE(0, "%s missing, but this boot promises PCI devices",
			    what);
	}
	vxt_plan(1);
	vxt_skip("no %s (boot with --pci and the device)", what);
	exit(0);
}

bool vxv_driver_is(const char *bdf, const char *driver)
{
	char p[128], l[128];
	int n;

	snprintf(p, sizeof(p), PCI_DEVS "/%s/driver", bdf);
	n = readlink(p, l, sizeof(l) - 1);
	if (n <= 0)
		return !driver || !*driver;
	l[n] = 0;
	return driver && !strcmp(strrchr(l, '/') + 1, driver);
}

int vxv_unbind(const char *bdf)
{
	char p[128];

	snprintf(p, sizeof(p), PCI_DEVS "/%s/driver/unbind", bdf);
	if (!vxv_driver_is(bdf, NULL) && write_str(p, bdf))
		return -1;
	snprintf(p, sizeof(p), PCI_DEVS "/%s/driver_override", bdf);
	return write_str(p, "\n");
}

int vxv_bind(const char *bdf, const char *driver)
{
	char p[128];

	if (vxv_unbind(bdf))
		return -1;
	snprintf(p, sizeof(p), PCI_DEVS "/%s/driver_override", bdf);
	if (write_str(p, driver))
		return -1;
	snprintf(p, sizeof(p), "/sys/bus/pci/drivers/%s/bind", driver);
	if (write_str(p, bdf))
		return -1;
	return vxv_driver_is(bdf, driver) ? 0 : -1;
}

bool vxv_has_iommu_link(const char *bdf)
{
	char p[128], l[128];
	int n;

	snprintf(p, sizeof(p), PCI_DEVS "/%s/iommu", bdf);
	n = readlink(p, l, sizeof(l) - 1);
	if (n <= 0)
		return false;
	l[n] = 0;
	return !!strstr(l, "spapr-tce");
}

static int sysfs_cfg(const char *bdf, int flags)
{
	char p[128];

	snprintf(p, sizeof(p), PCI_DEVS "/%s/config", bdf);
	return open(p, flags);
}

int vxv_sysfs_cfg_read16(const char *bdf, int off, uint16_t *val)
{
	int fd = sysfs_cfg(bdf, O_RDONLY), r;

	if (fd < 0)
		return -1;
	r = pread(fd, val, 2, off);
	close(fd);
	return r == 2 ? 0 : -1;
}

int vxv_sysfs_cfg_write16(const char *bdf, int off, uint16_t val)
{
	int fd = sysfs_cfg(bdf, O_RDWR), r;

	if (fd < 0)
		return -1;
	r = pwrite(fd, &val, 2, off);
	close(fd);
	return r == 2 ? 0 : -1;
}

int vxv_open_container(void)
{
	int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

	VXT_REQUIRE(c >= 0, "open /dev/vfio/vfio");
	VXT_REQUIRE(ioctl(c, VFIO_GET_API_VERSION) == VFIO_API_VERSION,
		    "VFIO_GET_API_VERSION");
	return c;
}

int vxv_open_group(int group_id)
{
	char p[64];

	snprintf(p, sizeof(p), "/dev/vfio/%d", group_id);
	return open(p, O_RDWR | O_CLOEXEC);
}

uint32_t vxv_group_flags(int group)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };

	VXT_REQUIRE(!ioctl(group, VFIO_GROUP_GET_STATUS, &st),
		    "VFIO_GROUP_GET_STATUS");
	return st.flags;
}

int vxv_get_device(struct vxv_dev *d)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	void *m;

	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->fd < 0)
		return -1;
	ri.index = VFIO_PCI_CONFIG_REGION_INDEX;
	VXT_REQUIRE(!ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri),
		    "config region info");
	d->cfg_off = ri.offset;
	ri.index = VFIO_PCI_BAR0_REGION_INDEX;
	VXT_REQUIRE(!ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri),
		    "BAR0 region info");
	VXT_REQUIRE(ri.flags & VFIO_REGION_INFO_FLAG_MMAP,
		    "BAR0 mmap-able (flags 0x%x)", ri.flags);
	m = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		 ri.offset);
	if (m == MAP_FAILED)
		return -1;
	d->bar0 = m;
	d->bar0_size = ri.size;
	return 0;
}

void vxv_release(struct vxv_dev *d)
{
	if (d->bar0)
		munmap(d->bar0, d->bar0_size);
	d->bar0 = NULL;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (d->group >= 0) {
		ioctl(d->group, VFIO_GROUP_UNSET_CONTAINER);
		close(d->group);
	}
	d->group = -1;
	if (d->container >= 0)
		close(d->container);
	d->container = -1;
}

int vxv_dma_map(int container, void *vaddr, uint64_t size, uint64_t iova)
{
	struct vfio_iommu_spapr_register_memory reg = {
		.argsz = sizeof(reg), .vaddr = (uintptr_t)vaddr, .size = size,
	};
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr, .iova = iova, .size = size,
	};

	if (ioctl(container, VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &reg))
		return -1;
	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map);
}

int vxv_dma_unmap(int container, void *vaddr, uint64_t size, uint64_t iova)
{
	struct vfio_iommu_spapr_register_memory reg = {
		.argsz = sizeof(reg), .vaddr = (uintptr_t)vaddr, .size = size,
	};
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = iova, .size = size,
	};

	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -1;
	return ioctl(container, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, &reg);
}

uint16_t vxv_cfg_read16(struct vxv_dev *d, int off)
{
	uint16_t v = 0xffff;

	VXT_REQUIRE(pread(d->fd, &v, 2, d->cfg_off + off) == 2,
		    "config read 0x%x", off);
	return v;
}

void vxv_cfg_write16(struct vxv_dev *d, int off, uint16_t val)
{
	VXT_REQUIRE(pwrite(d->fd, &val, 2, d->cfg_off + off) == 2,
		    "config write 0x%x", off);
}

uint32_t vxv_rd32(struct vxv_dev *d, uint32_t reg)
{
	__sync_synchronize();
	return __atomic_load_n((uint32_t *)(d->bar0 + reg), __ATOMIC_RELAXED);
}

void vxv_wr32(struct vxv_dev *d, uint32_t reg, uint32_t val)
{
	__atomic_store_n((uint32_t *)(d->bar0 + reg), val, __ATOMIC_RELAXED);
	__sync_synchronize();
}

uint32_t vxv_irq_count(struct vxv_dev *d, int index)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = index };

	if (ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii))
		return 0;
	return ii.count;
}

int vxv_irq_eventfd(struct vxv_dev *d, int index, int efd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int)];
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;

	s->argsz = sizeof(buf);
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s->index = index;
	s->start = 0;
	s->count = 1;
	memcpy(s->data, &efd, sizeof(efd));
	return ioctl(d->fd, VFIO_DEVICE_SET_IRQS, s);
}

int vxv_irq_eventfds(struct vxv_dev *d, int index, const int *efds, int n)
{
	size_t len = sizeof(struct vfio_irq_set) + n * sizeof(int);
	struct vfio_irq_set *s = calloc(1, len);
	int ret;

	if (!s)
		return -1;
	s->argsz = len;
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s->index = index;
	s->count = n;
	memcpy(s->data, efds, n * sizeof(int));
	ret = ioctl(d->fd, VFIO_DEVICE_SET_IRQS, s);
	free(s);
	return ret;
}

int vxv_irq_disable(struct vxv_dev *d, int index)
{
	struct vfio_irq_set s = {
		.argsz = sizeof(s), .index = index, .count = 0,
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
	};

	return ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &s);
}

uint64_t vxv_wait(int efd, int ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t c = 0;

	if (poll(&p, 1, ms) <= 0 || read(efd, &c, sizeof(c)) != sizeof(c))
		return 0;
	return c;
}

/*
 * Everything a test needs before it talks to the device, each step a
 * setup requirement: bind @bdf to vfio-pci, put its group into a new
 * SPAPR TCE v2 container, get the device fd and mmap BAR0.
 */
void vxv_take(struct vxv_dev *d, const char *bdf)
{
	struct vxv_dev z = { .fd = -1, .group = -1, .container = -1 };

	*d = z;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->group_id = vxv_group_id(bdf);
	VXT_REQUIRE(d->group_id >= 0, "%s has an iommu group", bdf);
	VXT_REQUIRE(!vxv_bind(bdf, "vfio-pci"), "bind %s to vfio-pci", bdf);
	d->container = vxv_open_container();
	d->group = vxv_open_group(d->group_id);
	VXT_REQUIRE(d->group >= 0, "open /dev/vfio/%d", d->group_id);
	VXT_REQUIRE(vxv_group_flags(d->group) & VFIO_GROUP_FLAGS_VIABLE,
		    "group %d viable", d->group_id);
	VXT_REQUIRE(!ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container),
		    "VFIO_GROUP_SET_CONTAINER");
	VXT_REQUIRE(!ioctl(d->container, VFIO_SET_IOMMU,
			   VFIO_SPAPR_TCE_v2_IOMMU),
		    "VFIO_SET_IOMMU(VFIO_SPAPR_TCE_v2_IOMMU)");
	d->tce.argsz = sizeof(d->tce);
	VXT_REQUIRE(!ioctl(d->container, VFIO_IOMMU_SPAPR_TCE_GET_INFO,
			   &d->tce), "VFIO_IOMMU_SPAPR_TCE_GET_INFO");
	VXT_REQUIRE(!vxv_get_device(d), "device fd and BAR0 mmap for %s", bdf);
}

/* Close everything and return the device to the host: no driver. */
void vxv_give_back(struct vxv_dev *d)
{
	vxv_release(d);
	VXT_REQUIRE(!vxv_unbind(d->bdf), "unbind %s from vfio-pci", d->bdf);
}
