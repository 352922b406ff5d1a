// SPDX-License-Identifier: GPL-2.0-only
/*
 * An e1000e NIC, alone in its PE's iommu group, goes to userspace through
 * vfio-pci and a SPAPR TCE v2 container, step by step: the group is viable
 * and claiming it turns the device's bus mastering off (the blocked
 * domain), EEH and dynamic DMA windows answer, a DMA window is mapped,
 * BAR0 is mmapped, and the NIC's own MSI and MSI-X interrupts, raised
 * through its interrupt-cause-set register, arrive on eventfds.  Then the
 * device goes back to the host and a host driver can bind it again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/pci_regs.h>
#include "lib/vxt.h"
#include "lib/vfio.h"
#include "lib/nic.h"

#define DMA_SIZE	(64 << 10)

/* Arm one cause, raise it @n times, count what reaches @efd within @ms. */
static int raise_and_count(struct vxv_dev *d, int efd, uint32_t cause, int n,
			   int ms)
{
	int i, got = 0;

	vxv_wr32(d, E1000_IMS, cause);
	for (i = 0; i < n; i++) {
		vxv_wr32(d, E1000_ICR, ~0u);
		vxv_wr32(d, E1000_ICS, cause);
		got += vxv_wait(efd, ms) > 0;
	}
	vxv_wr32(d, E1000_IMC, ~0u);
	vxv_wr32(d, E1000_ICR, ~0u);
	return got;
}

int main(void)
{
	struct vxv_dev d = { .fd = -1, .group = -1, .container = -1 };
	struct vfio_iommu_spapr_tce_create ddw = { .argsz = sizeof(ddw) };
	struct vfio_iommu_spapr_tce_remove rm = { .argsz = sizeof(rm) };
	struct vfio_eeh_pe_op eeh = { .argsz = sizeof(eeh) };
	char bdf[1][VXV_BDF_LEN], path[64];
	uint16_t cmd = 0;
	int ret;
	struct stat st;
	void *dma;
	int efd;

	vxv_need(vxv_find(0x8086, 0x10d3, 1, bdf, 1), 23,
		 "e1000e alone in an iommu group");
	vxt_plan(23);
	snprintf(d.bdf, sizeof(d.bdf), "%s", bdf[0]);
	d.group_id = vxv_group_id(d.bdf);
	vxt_diag("e1000e %s, iommu group %d", d.bdf, d.group_id);

	vxt_ok(d.group_id >= 0 && vxv_has_iommu_link(d.bdf),
	       "%s is in group %d and linked to the spapr-tce iommu",
	       d.bdf, d.group_id);
	vxt_ok(!vxv_bind(d.bdf, "vfio-pci"),
	       "vfio-pci binds it (probe passes the coherency check)");

	d.container = vxv_open_container();
	vxt_ok(ioctl(d.container, VFIO_CHECK_EXTENSION,
		     VFIO_SPAPR_TCE_v2_IOMMU) == 1,
	       "container offers VFIO_SPAPR_TCE_v2_IOMMU");
	d.group = vxv_open_group(d.group_id);
	VXT_REQUIRE(d.group >= 0, "open /dev/vfio/%d", d.group_id);
	vxt_ok(vxv_group_flags(d.group) & VFIO_GROUP_FLAGS_VIABLE,
	       "group %d is viable", d.group_id);

	/* Something left bus mastering on: the claim must turn it off. */
	VXT_REQUIRE(!vxv_sysfs_cfg_read16(d.bdf, PCI_COMMAND, &cmd),
		    "read PCI_COMMAND");
	VXT_REQUIRE(!vxv_sysfs_cfg_write16(d.bdf, PCI_COMMAND,
					   cmd | PCI_COMMAND_MASTER),
		    "set bus master through sysfs");
	vxt_ok(!ioctl(d.group, VFIO_GROUP_SET_CONTAINER, &d.container),
	       "VFIO_GROUP_SET_CONTAINER claims the group");
	VXT_REQUIRE(!vxv_sysfs_cfg_read16(d.bdf, PCI_COMMAND, &cmd),
		    "read PCI_COMMAND");
	vxt_ok(!(cmd & PCI_COMMAND_MASTER),
	       "the claim blocked the device's DMA (PCI_COMMAND 0x%x)", cmd);

	vxt_ok(!ioctl(d.container, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU),
	       "VFIO_SET_IOMMU(VFIO_SPAPR_TCE_v2_IOMMU)");
	d.tce.argsz = sizeof(d.tce);
	vxt_ok(!ioctl(d.container, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &d.tce) &&
	       d.tce.dma32_window_size >= DMA_SIZE,
	       "32-bit DMA window at 0x%x, 0x%x bytes",
	       d.tce.dma32_window_start, d.tce.dma32_window_size);

	/* The rest of the SPAPR container API still works on the group. */
	eeh.op = VFIO_EEH_PE_ENABLE;
	ret = ioctl(d.container, VFIO_EEH_PE_OP, &eeh);
	eeh.op = VFIO_EEH_PE_GET_STATE;
	vxt_ok(ioctl(d.container, VFIO_CHECK_EXTENSION, VFIO_EEH) == 1 &&
	       !ret && ioctl(d.container, VFIO_EEH_PE_OP, &eeh) ==
	       VFIO_EEH_PE_STATE_NORMAL, "EEH enabled, PE state normal");
	ddw.page_shift = 16;
	ddw.window_size = 1ULL << 30;
	ddw.levels = 1;
	vxt_ok((d.tce.flags & VFIO_IOMMU_SPAPR_INFO_DDW) &&
	       !ioctl(d.container, VFIO_IOMMU_SPAPR_TCE_CREATE, &ddw),
	       "a second (64-bit) DMA window: 1 GiB of 64 KiB pages at 0x%llx",
	       (unsigned long long)ddw.start_addr);
	rm.start_addr = ddw.start_addr;
	vxt_ok(!ioctl(d.container, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm),
	       "and removed again");

	dma = mmap(NULL, DMA_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	VXT_REQUIRE(dma != MAP_FAILED, "mmap DMA buffer");
	memset(dma, 0, DMA_SIZE);
	vxt_ok(!vxv_dma_map(d.container, dma, DMA_SIZE,
			    d.tce.dma32_window_start),
	       "register and map 64 KiB for DMA at iova 0x%x",
	       d.tce.dma32_window_start);

	vxt_ok(!vxv_get_device(&d), "device fd, BAR0 mmapped (0x%llx bytes)",
	       (unsigned long long)d.bar0_size);
	VXT_REQUIRE(d.bar0, "BAR0 mapping");
	vxv_cfg_write16(&d, PCI_COMMAND, vxv_cfg_read16(&d, PCI_COMMAND) |
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	vxt_ok(vxv_rd32(&d, E1000_STATUS) != ~0u,
	       "BAR0 reads the NIC (STATUS 0x%x)", vxv_rd32(&d, E1000_STATUS));

	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	VXT_REQUIRE(efd >= 0, "eventfd");
	vxv_wr32(&d, E1000_IMC, ~0u);
	vxv_wr32(&d, E1000_ITR, 0);
	vxv_wr32(&d, E1000_ICR, ~0u);

	vxt_ok(vxv_irq_count(&d, VFIO_PCI_MSI_IRQ_INDEX) >= 1 &&
	       !vxv_irq_eventfd(&d, VFIO_PCI_MSI_IRQ_INDEX, efd),
	       "MSI enabled with an eventfd");
	vxt_ok(raise_and_count(&d, efd, CAUSE_TXDW, 3, 3000) == 3,
	       "3 of 3 MSIs raised through ICS arrive");
	VXT_REQUIRE(!vxv_irq_disable(&d, VFIO_PCI_MSI_IRQ_INDEX),
		    "disable MSI");

	/*
	 * Its interrupt throttling timer, armed by the MSIs, asserts that
	 * MSI-X is off when it fires (QEMU 7.2, the converse of the one
	 * below): let it expire before MSI-X goes on.
	 */
	usleep(50000);
	vxv_wr32(&d, E1000_IVAR, IVAR_RXQ0_VEC0);
	vxv_wr32(&d, E1000_EIAC, 0);
	vxt_ok(vxv_irq_count(&d, VFIO_PCI_MSIX_IRQ_INDEX) >= 1 &&
	       !vxv_irq_eventfd(&d, VFIO_PCI_MSIX_IRQ_INDEX, efd),
	       "MSI-X enabled with an eventfd on vector 0");
	vxt_ok(raise_and_count(&d, efd, CAUSE_RXQ0, 3, 3000) == 3,
	       "3 of 3 MSI-X interrupts raised through ICS arrive");
	/*
	 * The emulated e1000e (QEMU 7.2) arms a throttling timer per MSI-X
	 * vector and asserts, killing the emulated host, if it fires after
	 * MSI-X is disabled: let it expire first.
	 */
	usleep(50000);
	VXT_REQUIRE(!vxv_irq_disable(&d, VFIO_PCI_MSIX_IRQ_INDEX),
		    "disable MSI-X");
	vxv_wait(efd, 100);	/* a late duplicate is not what we test */
	vxt_ok(raise_and_count(&d, efd, CAUSE_RXQ0, 1, 300) == 0,
	       "with MSI-X off again, a raised cause signals nothing");

	vxt_ok(!vxv_dma_unmap(d.container, dma, DMA_SIZE,
			      d.tce.dma32_window_start),
	       "unmap and unregister the DMA memory");
	close(efd);

	/* Back to the host. */
	vxv_give_back(&d);
	snprintf(path, sizeof(path), "/dev/vfio/%d", d.group_id);
	vxt_ok(stat(path, &st) && errno == ENOENT,
	       "%s is gone once vfio-pci lets go", path);
	vxt_ok(!vxv_bind(d.bdf, "uio_pci_generic"),
	       "a host driver (uio_pci_generic) binds the released device");
	vxt_ok(!vxv_unbind(d.bdf) && vxv_driver_is(d.bdf, NULL),
	       "and unbinds again");
	munmap(dma, DMA_SIZE);
	return vxt_exit();
}
