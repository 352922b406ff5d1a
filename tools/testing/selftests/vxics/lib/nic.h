/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated host's e1000e as an interrupt source for bypass tests and
 * the demo, and the host's view of an interrupt (/proc/interrupts,
 * /proc/irq/N), for tests that watch where interrupts go.
 */
#ifndef _VXT_NIC_H
#define _VXT_NIC_H

#include "vfio.h"

/* Route the NIC's RX-queue-0 cause to MSI-X vector 0, on eventfd @efd */
void nic_msix_on(struct vxv_dev *d, int efd);
/* Unmask that cause / mask every cause */
void nic_unmask(struct vxv_dev *d);
void nic_mask(struct vxv_dev *d);
/* Raise it @n times, @gap_us apart */
void nic_raise(struct vxv_dev *d, int n, int gap_us);
/*
 * Turn MSI-X off.  QEMU 7.2's e1000e model asserts (and the emulated
 * host dies) if a vector's throttling timer fires after MSI-X is off,
 * so this first lets any such timer expire.
 */
int nic_msix_off(struct vxv_dev *d);

/* /proc/interrupts: @irq's count on @cpu, or over all CPUs if @cpu < 0 */
long long host_irq_count(int irq, int cpu);
/* The first CPU of /proc/irq/@irq/smp_affinity_list, or -1 */
int host_irq_cpu(int irq);
/* Write @s to @path: 0 or -1 */
int write_file(const char *path, const char *s);

#endif /* _VXT_NIC_H */
