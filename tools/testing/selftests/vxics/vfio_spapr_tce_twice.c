// SPDX-License-Identifier: GPL-2.0-only
/*
 * A KVM TCE table that a VFIO group's DMA window is attached to twice
 * (KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE): what QEMU does for every window of
 * a container that holds two groups, one call per group.  The second
 * call finds the hardware table already attached; it used to keep the
 * table reference it took, so the window's iommu_table leaked when
 * everything was closed (scripts/hooks/0008).  On the debug host /init's
 * kmemleak scan, after all tests, fails the run if it does.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "lib/vxt.h"
#include "lib/vfio.h"

#define WIN_SHIFT	16		/* 64 KiB pages */
#define WIN_SIZE	(256ULL << 20)

static int set_tce(int dev, int group, int table)
{
	struct kvm_vfio_spapr_tce st = { .groupfd = group, .tablefd = table };
	struct kvm_device_attr attr = {
		.group = KVM_DEV_VFIO_GROUP,
		.attr = KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE,
		.addr = (uintptr_t)&st,
	};

	return ioctl(dev, KVM_SET_DEVICE_ATTR, &attr);
}

int main(void)
{
	struct vfio_iommu_spapr_tce_create ddw = {
		.argsz = sizeof(ddw), .page_shift = WIN_SHIFT,
		.window_size = WIN_SIZE, .levels = 1,
	};
	struct kvm_create_device kvfio = { .type = KVM_DEV_TYPE_VFIO };
	struct kvm_create_spapr_tce_64 tce = {
		.liobn = 0x80000001, .page_shift = WIN_SHIFT,
		.size = WIN_SIZE >> WIN_SHIFT,
	};
	struct vfio_iommu_spapr_tce_remove rm = { .argsz = sizeof(rm) };
	struct kvm_device_attr add = {
		.group = KVM_DEV_VFIO_GROUP, .attr = KVM_DEV_VFIO_GROUP_ADD,
	};
	char bdf[1][VXV_BDF_LEN];
	struct vxv_dev d;
	struct vxt_vm *vm;
	int table, r1, r2;

	vxv_need(vxv_find(0x8086, 0x10d3, 1, bdf, 1), 6,
		 "e1000e alone in an iommu group");
	vxt_plan(6);
	vxv_take(&d, bdf[0]);
	vxt_ok(!ioctl(d.container, VFIO_IOMMU_SPAPR_TCE_CREATE, &ddw),
	       "a DMA window of 256 MiB in 64 KiB pages at 0x%llx",
	       (unsigned long long)ddw.start_addr);

	vm = vxt_vm_create(16 << 20);
	tce.offset = ddw.start_addr >> WIN_SHIFT;
	table = ioctl(vm->fd, KVM_CREATE_SPAPR_TCE_64, &tce);
	vxt_ok(table >= 0, "a KVM TCE table over the same window (errno %d)",
	       table < 0 ? errno : 0);
	VXT_REQUIRE(!ioctl(vm->fd, KVM_CREATE_DEVICE, &kvfio),
		    "KVM-VFIO device");
	add.addr = (uintptr_t)&d.group;
	vxt_ok(!ioctl(kvfio.fd, KVM_SET_DEVICE_ATTR, &add),
	       "the group added to the VM's KVM-VFIO device");

	r1 = set_tce(kvfio.fd, d.group, table);
	r2 = set_tce(kvfio.fd, d.group, table);
	vxt_ok(!r1 && !r2,
	       "the window attached to the TCE table, then again (%d, %d)",
	       r1, r2);

	/* QEMU's order at exit: its fds go, the VM last */
	rm.start_addr = ddw.start_addr;
	vxt_ok(!ioctl(d.container, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm),
	       "the window removed while KVM still holds it");
	close(table);
	close(kvfio.fd);
	vxt_vm_destroy(vm);
	vxv_give_back(&d);
	vxt_ok(vxv_driver_is(bdf[0], NULL),
	       "all closed, %s back to no driver", bdf[0]);
	return vxt_exit();
}
