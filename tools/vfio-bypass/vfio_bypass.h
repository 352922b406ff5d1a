/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libvfio_bypass: VFIO_DEVICE_IRQ_BYPASS for a VMM (bind, unbind, query
 * the vectors of a VFIO device fd) and the formatting the vfio-bypass
 * tool uses.  Every call returns 0 or a negative errno, and changes
 * nothing when it fails.  Documentation/virt/kvm/vxics/vfio-bypass.rst.
 */
#ifndef VFIO_BYPASS_H
#define VFIO_BYPASS_H

#include <stdint.h>
#include <stdio.h>
#include <linux/vfio_irq_bypass.h>

int vfio_bypass_bind(int device_fd, int vm_fd, uint32_t index, uint32_t start,
		     uint32_t count, const uint32_t *guest_irqs);
int vfio_bypass_unbind(int device_fd, uint32_t index, uint32_t start,
		       uint32_t count);
int vfio_bypass_query(int device_fd, uint32_t index, uint32_t start,
		      uint32_t count, struct vfio_irq_bypass_vector *out);

/* "off", "masked", "other-vm", "wrong-core", "not-running", or NULL */
const char *vfio_bypass_reason(unsigned int reason);
/* the sum of host_path[] */
uint64_t vfio_bypass_host_total(const struct vfio_irq_bypass_vector *v);

/* One vector as a table row / a JSON object (no trailing newline) */
void vfio_bypass_print_header(FILE *f);
void vfio_bypass_print_row(FILE *f, const struct vfio_irq_bypass_vector *v);
void vfio_bypass_print_json(FILE *f, const struct vfio_irq_bypass_vector *v);

#endif
