// SPDX-License-Identifier: GPL-2.0-only
/*
 * An NVMe controller goes to userspace through vfio-pci and a SPAPR TCE
 * v2 container, and is driven there like a tiny NVMe driver (lib/nvme.c):
 * admin queues in memory mapped into the 32-bit DMA window, the
 * controller enabled, Identify Controller submitted through the doorbell.
 * The completion's MSI-X interrupt arrives on an eventfd, and the
 * controller has written its completion entry and identify data into our
 * memory through the TCE window.  Then the controller is disabled and
 * handed back to the host.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include "lib/vxt.h"
#include "lib/nvme.h"

int main(void)
{
	char bdf[1][VXV_BDF_LEN];
	struct vxv_dev d;
	struct nvme n;
	long long st;
	int efd, i, ok;

	vxv_need(vxv_find(0x1b36, 0x0010, 1, bdf, 1), 14,
		 "NVMe controller alone in an iommu group");
	vxt_plan(14);
	vxv_take(&d, bdf[0]);
	vxt_diag("NVMe %s, iommu group %d, window 0x%x+0x%x", d.bdf,
		 d.group_id, d.tce.dma32_window_start,
		 d.tce.dma32_window_size);
	vxt_ok(vxv_driver_is(d.bdf, "vfio-pci") && d.bar0,
	       "%s on vfio-pci, in a TCE v2 container, BAR0 mmapped", d.bdf);
	vxt_ok(!nvme_map(&n, &d),
	       "64 KiB of queues and buffers mapped at iova 0x%x", n.iova);
	vxt_ok(vxv_rd32(&d, 0) != ~0u, "BAR0 reads the controller (CAP 0x%08x%08x)",
	       vxv_rd32(&d, 4), vxv_rd32(&d, 0));

	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	VXT_REQUIRE(efd >= 0, "eventfd");
	vxt_ok(vxv_irq_count(&d, VFIO_PCI_MSIX_IRQ_INDEX) >= 1 &&
	       !vxv_irq_eventfd(&d, VFIO_PCI_MSIX_IRQ_INDEX, efd),
	       "MSI-X vector 0 (the admin queue's) on an eventfd");
	vxt_ok(!nvme_enable(&n),
	       "controller enabled with admin queues in the window (CSTS 0x%x)",
	       vxv_rd32(&d, 0x1c));

	/* Two Identify Controller commands, one completion interrupt each. */
	for (i = 0; i < 2; i++) {
		uint32_t cid = nvme_identify(&n);

		ok = vxv_wait(efd, 3000) > 0;
		st = nvme_complete(&n);
		vxt_ok(ok, "Identify #%d: completion interrupt arrives", i + 1);
		vxt_ok(st >= 0,
		       "Identify #%d: completion entry for cid 0x%x, phase 1, status 0 (0x%08llx)",
		       i + 1, cid, st);
		vxt_ok(st >= 0 && !memcmp(n.id + 4, "vxt", 3),
		       "Identify #%d: controller data in our memory (VID %02x%02x, SN %.8s)",
		       i + 1, n.id[1], n.id[0], (char *)n.id + 4);
	}

	vxt_ok(!nvme_disable(&n), "controller disabled again");
	VXT_REQUIRE(!vxv_irq_disable(&d, VFIO_PCI_MSIX_IRQ_INDEX),
		    "disable MSI-X");
	close(efd);
	vxt_ok(!nvme_unmap(&n), "DMA memory unmapped and unregistered");

	vxv_give_back(&d);
	vxt_ok(!vxv_bind(d.bdf, "uio_pci_generic") && !vxv_unbind(d.bdf),
	       "released: a host driver binds and unbinds the controller");
	return vxt_exit();
}
