/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated host's e1000e as an interrupt source for bypass tests and
 * the demo, and the host's view of an interrupt (/proc/interrupts,
 * /proc/irq/N), for tests that watch where interrupts go.
 */
#ifndef _VXT_NIC_H
#define _VXT_NIC_H

#include "vfio.h"

/* e1000e (82574) registers and bits the tests use */
#define E1000_STATUS	0x0008
#define E1000_ICR	0x00c0
#define E1000_ITR	0x00c4
#define E1000_ICS	0x00c8
#define E1000_IMS	0x00d0
#define E1000_IMC	0x00d8
#define E1000_EIAC	0x00dc
#define E1000_IVAR	0x00e4
#define CAUSE_TXDW	0x00000001u	/* a cause that goes out as MSI */
#define CAUSE_RXQ0	0x00100000u	/* routed to MSI-X vector 0 by IVAR */
#define IVAR_RXQ0_VEC0	0x8u		/* valid, vector 0 */

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
/* The host irq whose /proc/interrupts line names @name, or -1 */
int host_irq_by_name(const char *name);
/* The first CPU of /proc/irq/@irq/smp_affinity_list, or -1 */
int host_irq_cpu(int irq);
/*
 * Tracepoints: switch @event ("system/name") on, emptying the buffer, or
 * off; count the buffered lines naming @what.  -1: no event tracing.
 */
int trace_event(const char *event, int on);
long long trace_count(const char *what);
/* Write @s to @path: 0 or -1 */
int write_file(const char *path, const char *s);

#endif /* _VXT_NIC_H */
