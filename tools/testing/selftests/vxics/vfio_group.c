// SPDX-License-Identifier: GPL-2.0-only
/*
 * Group isolation survives the fix.  Two functions of one multifunction
 * device sit behind one root port, so they share a PE and an iommu group.
 * While one of them is on a host driver (uio_pci_generic, a plain
 * DMA-API driver) the group is not viable and VFIO cannot claim it, even though
 * the other is on vfio-pci.  Once the host driver lets go the claim
 * succeeds, and while userspace owns the group no host driver can bind
 * into it; vfio-pci still can.  Releasing the group gives both functions
 * back to the host.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "lib/vxt.h"
#include "lib/vfio.h"

int main(void)
{
	struct vxv_dev a = { .fd = -1, .group = -1, .container = -1 };
	struct vxv_dev b = { .fd = -1, .group = -1, .container = -1 };
	char bdf[2][VXV_BDF_LEN];
	int ret, err;

	vxv_need(vxv_find(0x8086, 0x10d3, 2, bdf, 2) == 2 ? 2 : 0, 14,
		 "two e1000e functions sharing an iommu group");
	vxt_plan(14);
	snprintf(a.bdf, sizeof(a.bdf), "%s", bdf[0]);
	snprintf(b.bdf, sizeof(b.bdf), "%s", bdf[1]);
	a.group_id = vxv_group_id(a.bdf);
	b.group_id = vxv_group_id(b.bdf);
	vxt_ok(a.group_id >= 0 && a.group_id == b.group_id &&
	       vxv_group_size(a.group_id) == 2,
	       "%s and %s share iommu group %d", a.bdf, b.bdf, a.group_id);

	VXT_REQUIRE(!vxv_bind(b.bdf, "uio_pci_generic"), "bind %s to uio_pci_generic", b.bdf);
	vxt_ok(!vxv_bind(a.bdf, "vfio-pci"),
	       "%s on vfio-pci while %s is on uio_pci_generic", a.bdf, b.bdf);
	a.container = vxv_open_container();
	a.group = vxv_open_group(a.group_id);
	VXT_REQUIRE(a.group >= 0, "open /dev/vfio/%d", a.group_id);
	vxt_ok(!(vxv_group_flags(a.group) & VFIO_GROUP_FLAGS_VIABLE),
	       "the group is not viable");
	ret = ioctl(a.group, VFIO_GROUP_SET_CONTAINER, &a.container);
	err = errno;
	vxt_ok(ret < 0 && err == EPERM,
	       "VFIO_GROUP_SET_CONTAINER is refused (ret %d, errno %d)",
	       ret, err);
	vxt_ok(ioctl(a.group, VFIO_GROUP_GET_DEVICE_FD, a.bdf) < 0,
	       "and no device fd is handed out");

	VXT_REQUIRE(!vxv_unbind(b.bdf), "unbind %s from uio_pci_generic", b.bdf);
	vxt_ok(vxv_group_flags(a.group) & VFIO_GROUP_FLAGS_VIABLE,
	       "with %s on no driver the group is viable", b.bdf);
	vxt_ok(!ioctl(a.group, VFIO_GROUP_SET_CONTAINER, &a.container) &&
	       !ioctl(a.container, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU),
	       "claimed into a SPAPR TCE v2 container");
	vxt_ok(!vxv_get_device(&a), "device fd for %s", a.bdf);

	ret = vxv_bind(b.bdf, "uio_pci_generic");
	err = errno;
	vxt_ok(ret < 0 && vxv_driver_is(b.bdf, NULL),
	       "uio_pci_generic cannot bind %s into the owned group (errno %d)",
	       b.bdf, err);
	vxt_ok(!vxv_bind(b.bdf, "vfio-pci"),
	       "vfio-pci can bind %s into it", b.bdf);
	b.fd = ioctl(a.group, VFIO_GROUP_GET_DEVICE_FD, b.bdf);
	vxt_ok(b.fd >= 0, "device fd for %s from the same group", b.bdf);
	close(b.fd);

	vxv_give_back(&a);
	VXT_REQUIRE(!vxv_unbind(b.bdf), "unbind %s from vfio-pci", b.bdf);
	vxt_ok(vxv_driver_is(a.bdf, NULL) && vxv_driver_is(b.bdf, NULL),
	       "both functions released to no driver");
	vxt_ok(!vxv_bind(a.bdf, "uio_pci_generic") && !vxv_bind(b.bdf, "uio_pci_generic"),
	       "uio_pci_generic binds both again: the claim is gone");
	vxt_ok(!vxv_unbind(a.bdf) && !vxv_unbind(b.bdf),
	       "and lets them go");
	return vxt_exit();
}
