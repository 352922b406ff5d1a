// SPDX-License-Identifier: GPL-2.0-only
/*
 * An NVMe controller goes to userspace through vfio-pci and a SPAPR TCE
 * v2 container, and is driven there like a tiny NVMe driver: admin queues
 * in memory mapped into the 32-bit DMA window, the controller enabled,
 * Identify Controller submitted through the doorbell.  The completion's
 * MSI-X interrupt arrives on an eventfd, and the controller has written
 * its completion entry and identify data into our memory through the TCE
 * window.  Then the controller is disabled and handed back to the host.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include "lib/vxt.h"
#include "lib/vfio.h"

#define NVME_CAP_LO	0x00
#define NVME_CAP_HI	0x04
#define NVME_CC		0x14
#define NVME_CSTS	0x1c
#define NVME_AQA	0x24
#define NVME_ASQ	0x28
#define NVME_ACQ	0x30
#define NVME_DB		0x1000
#define NVME_CC_EN	0x1u
#define NVME_CC_QES	((6u << 16) | (4u << 20))	/* 64-byte SQE, 16-byte CQE */
#define NVME_CSTS_RDY	0x1u
#define NVME_CSTS_CFS	0x2u
#define NVME_ADMIN_IDENTIFY	0x06
#define NVME_CNS_CTRL	1
#define QDEPTH		8

/* Our DMA memory, as the controller sees it from the window start. */
#define DMA_SIZE	(64 << 10)
#define SQ_OFF		0x1000		/* the controller refuses ASQ/ACQ 0 */
#define CQ_OFF		0x2000
#define ID_OFF		0x3000

struct sqe {
	uint32_t dw0, nsid, rsvd[2];
	uint64_t mptr, prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct cqe {
	uint32_t result, rsvd, sq, status;	/* status: cid | phase | sc */
};

static void wr64(struct vxv_dev *d, uint32_t reg, uint64_t v)
{
	vxv_wr32(d, reg, (uint32_t)v);
	vxv_wr32(d, reg + 4, v >> 32);
}

static bool wait_csts(struct vxv_dev *d, uint32_t mask, uint32_t want)
{
	struct timespec ts = { 0, 1000000 };
	int i;

	for (i = 0; i < 5000; i++) {
		if ((vxv_rd32(d, NVME_CSTS) & mask) == want)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

int main(void)
{
	struct vxv_dev d;
	char bdf[1][VXV_BDF_LEN];
	uint32_t dstrd, iova;
	struct cqe *cq;
	struct sqe *sq;
	uint8_t *mem, *id;
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

	mem = mmap(NULL, DMA_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	VXT_REQUIRE(mem != MAP_FAILED, "mmap DMA memory");
	memset(mem, 0, DMA_SIZE);
	iova = d.tce.dma32_window_start;
	vxt_ok(!vxv_dma_map(d.container, mem, DMA_SIZE, iova),
	       "64 KiB of queues and buffers mapped at iova 0x%x", iova);
	sq = (struct sqe *)(mem + SQ_OFF);
	cq = (struct cqe *)(mem + CQ_OFF);
	id = mem + ID_OFF;

	vxv_cfg_write16(&d, PCI_COMMAND, vxv_cfg_read16(&d, PCI_COMMAND) |
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	dstrd = vxv_rd32(&d, NVME_CAP_HI) & 0xf;
	vxt_ok(vxv_rd32(&d, NVME_CAP_LO) != ~0u,
	       "BAR0 reads the controller (CAP 0x%08x%08x)",
	       vxv_rd32(&d, NVME_CAP_HI), vxv_rd32(&d, NVME_CAP_LO));

	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	VXT_REQUIRE(efd >= 0, "eventfd");
	vxt_ok(vxv_irq_count(&d, VFIO_PCI_MSIX_IRQ_INDEX) >= 1 &&
	       !vxv_irq_eventfd(&d, VFIO_PCI_MSIX_IRQ_INDEX, efd),
	       "MSI-X vector 0 (the admin queue's) on an eventfd");

	vxv_wr32(&d, NVME_CC, 0);
	VXT_REQUIRE(wait_csts(&d, NVME_CSTS_RDY, 0), "controller disables");
	vxv_wr32(&d, NVME_AQA, ((QDEPTH - 1) << 16) | (QDEPTH - 1));
	wr64(&d, NVME_ASQ, iova + SQ_OFF);
	wr64(&d, NVME_ACQ, iova + CQ_OFF);
	vxv_wr32(&d, NVME_CC, NVME_CC_QES | NVME_CC_EN);
	vxt_ok(wait_csts(&d, NVME_CSTS_RDY | NVME_CSTS_CFS, NVME_CSTS_RDY),
	       "controller enabled with admin queues in the window (CSTS 0x%x)",
	       vxv_rd32(&d, NVME_CSTS));

	/* Two Identify Controller commands, one completion interrupt each. */
	for (i = 0; i < 2; i++) {
		uint32_t cid = 0x100 + i, st;

		memset(id, 0, 4096);
		memset(&sq[i], 0, sizeof(sq[i]));
		sq[i].dw0 = NVME_ADMIN_IDENTIFY | (cid << 16);
		sq[i].prp1 = iova + ID_OFF;
		sq[i].cdw10 = NVME_CNS_CTRL;
		__sync_synchronize();
		vxv_wr32(&d, NVME_DB, i + 1);			/* SQ0 tail */
		ok = vxv_wait(efd, 3000) > 0;
		__sync_synchronize();
		st = __atomic_load_n(&cq[i].status, __ATOMIC_ACQUIRE);
		vxt_ok(ok, "Identify #%d: completion interrupt arrives", i + 1);
		vxt_ok((st & 0xffff) == cid && (st >> 16) == 1,
		       "Identify #%d: completion entry for cid 0x%x, phase 1, status 0 (0x%08x)",
		       i + 1, cid, st);
		vxt_ok(id[0] == 0x36 && id[1] == 0x1b && !memcmp(id + 4, "vxt", 3),
		       "Identify #%d: controller data in our memory (VID %02x%02x, SN %.8s)",
		       i + 1, id[1], id[0], (char *)id + 4);
		vxv_wr32(&d, NVME_DB + (4 << dstrd), i + 1);	/* CQ0 head */
	}

	vxv_wr32(&d, NVME_CC, 0);
	vxt_ok(wait_csts(&d, NVME_CSTS_RDY, 0), "controller disabled again");
	VXT_REQUIRE(!vxv_irq_disable(&d, VFIO_PCI_MSIX_IRQ_INDEX),
		    "disable MSI-X");
	close(efd);
	vxt_ok(!vxv_dma_unmap(d.container, mem, DMA_SIZE, iova),
	       "DMA memory unmapped and unregistered");

	vxv_give_back(&d);
	vxt_ok(!vxv_bind(d.bdf, "uio_pci_generic") && !vxv_unbind(d.bdf),
	       "released: a host driver binds and unbinds the controller");
	munmap(mem, DMA_SIZE);
	return vxt_exit();
}
