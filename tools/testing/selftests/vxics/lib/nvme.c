// SPDX-License-Identifier: GPL-2.0-only
/* An NVMe controller driven from userspace: see nvme.h. */
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include "nvme.h"

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

/* Our DMA memory, as the controller sees it from the window start. */
#define DMA_SIZE	(64 << 10)
#define SQ_OFF		0x1000		/* the controller refuses ASQ/ACQ 0 */
#define CQ_OFF		0x2000
#define ID_OFF		0x3000

static void wr64(struct vxv_dev *d, uint32_t reg, uint64_t v)
{
	vxv_wr32(d, reg, (uint32_t)v);
	vxv_wr32(d, reg + 4, v >> 32);
}

static int wait_csts(struct vxv_dev *d, uint32_t mask, uint32_t want)
{
	struct timespec ts = { 0, 1000000 };
	int i;

	for (i = 0; i < 5000; i++) {
		if ((vxv_rd32(d, NVME_CSTS) & mask) == want)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

int nvme_map(struct nvme *n, struct vxv_dev *d)
{
	memset(n, 0, sizeof(*n));
	n->d = d;
	n->mem = mmap(NULL, DMA_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (n->mem == MAP_FAILED)
		return -1;
	memset(n->mem, 0, DMA_SIZE);
	n->iova = d->tce.dma32_window_start;
	n->sq = (struct nvme_sqe *)(n->mem + SQ_OFF);
	n->cq = (struct nvme_cqe *)(n->mem + CQ_OFF);
	n->id = n->mem + ID_OFF;
	return vxv_dma_map(d->container, n->mem, DMA_SIZE, n->iova) ? -1 : 0;
}

int nvme_enable(struct nvme *n)
{
	struct vxv_dev *d = n->d;

	vxv_cfg_write16(d, PCI_COMMAND, vxv_cfg_read16(d, PCI_COMMAND) |
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	n->dstrd = vxv_rd32(d, NVME_CAP_HI) & 0xf;
	vxv_wr32(d, NVME_CC, 0);
	if (wait_csts(d, NVME_CSTS_RDY, 0))
		return -1;
	vxv_wr32(d, NVME_AQA, ((NVME_QDEPTH - 1) << 16) | (NVME_QDEPTH - 1));
	wr64(d, NVME_ASQ, n->iova + SQ_OFF);
	wr64(d, NVME_ACQ, n->iova + CQ_OFF);
	vxv_wr32(d, NVME_CC, NVME_CC_QES | NVME_CC_EN);
	return wait_csts(d, NVME_CSTS_RDY | NVME_CSTS_CFS, NVME_CSTS_RDY);
}

uint32_t nvme_identify(struct nvme *n)
{
	unsigned int slot = n->n % NVME_QDEPTH;
	uint32_t cid = 0x100 + (n->n & 0xff);
	struct nvme_sqe *e = &n->sq[slot];

	memset(n->id, 0, 4096);
	memset(e, 0, sizeof(*e));
	e->dw0 = NVME_ADMIN_IDENTIFY | (cid << 16);
	e->prp1 = n->iova + ID_OFF;
	e->cdw10 = NVME_CNS_CTRL;
	__sync_synchronize();
	n->n++;
	vxv_wr32(n->d, NVME_DB, n->n % NVME_QDEPTH);		/* SQ0 tail */
	return cid;
}

int nvme_wait(struct nvme *n, int ms)
{
	unsigned int i = n->n - 1, slot = i % NVME_QDEPTH;
	uint32_t phase = !((i / NVME_QDEPTH) & 1);
	struct timespec ts = { 0, 1000000 };

	for (; ms >= 0; ms--) {
		if (((__atomic_load_n(&n->cq[slot].status, __ATOMIC_ACQUIRE) >>
		      16) & 1) == phase)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

long long nvme_complete(struct nvme *n)
{
	unsigned int i = n->n - 1, slot = i % NVME_QDEPTH;
	uint32_t cid = 0x100 + (i & 0xff), phase = !((i / NVME_QDEPTH) & 1);
	uint32_t st;

	__sync_synchronize();
	st = __atomic_load_n(&n->cq[slot].status, __ATOMIC_ACQUIRE);
	vxv_wr32(n->d, NVME_DB + (4 << n->dstrd), n->n % NVME_QDEPTH);
	if ((st & 0xffff) != cid || ((st >> 16) & 1) != phase || st >> 17 ||
	    n->id[0] != 0x36 || n->id[1] != 0x1b)
		return -1;
	return st;
}

int nvme_disable(struct nvme *n)
{
	vxv_wr32(n->d, NVME_CC, 0);
	return wait_csts(n->d, NVME_CSTS_RDY, 0);
}

int nvme_unmap(struct nvme *n)
{
	int ret = vxv_dma_unmap(n->d->container, n->mem, DMA_SIZE, n->iova);

	munmap(n->mem, DMA_SIZE);
	return ret;
}
