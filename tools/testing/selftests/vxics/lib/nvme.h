/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated host's NVMe controller driven from userspace through
 * vfio-pci, like a tiny driver: admin queues in DMA memory mapped into
 * the 32-bit TCE window, Identify Controller commands submitted through
 * the doorbell, each completion raising MSI-X vector 0.
 */
#ifndef _VXT_NVME_H
#define _VXT_NVME_H

#include "vfio.h"

#define NVME_QDEPTH	8

struct nvme_sqe {
	uint32_t dw0, nsid, rsvd[2];
	uint64_t mptr, prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct nvme_cqe {
	uint32_t result, rsvd, sq, status;	/* status: cid | phase | sc */
};

struct nvme {
	struct vxv_dev *d;
	uint8_t *mem;		/* DMA memory: queues and the identify data */
	uint32_t iova;
	uint32_t dstrd;		/* doorbell stride */
	struct nvme_sqe *sq;
	struct nvme_cqe *cq;
	uint8_t *id;
	unsigned int n;		/* commands submitted */
};

/* Map the DMA memory; 0 or -1 */
int nvme_map(struct nvme *n, struct vxv_dev *d);
/* Enable the controller with its admin queues in the window; 0 or -1 */
int nvme_enable(struct nvme *n);
/* Submit Identify Controller: its command id */
uint32_t nvme_identify(struct nvme *n);
/* Wait up to @ms for the last command's completion entry; 0 or -1 */
int nvme_wait(struct nvme *n, int ms);
/*
 * The completion of the last command submitted: its status word, checked
 * against the command id and phase (-1 if either is wrong, or the
 * identify data is not the controller's); the head moves on
 */
long long nvme_complete(struct nvme *n);
/* Disable the controller; 0 or -1 */
int nvme_disable(struct nvme *n);
/* Unmap the DMA memory; 0 or -1 */
int nvme_unmap(struct nvme *n);

#endif /* _VXT_NVME_H */
