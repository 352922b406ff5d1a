/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VFIO_DEVICE_IRQ_BYPASS: bind the MSI or MSI-X vectors of a VFIO PCI
 * device to guest interrupt numbers of a KVM VM, so that the host
 * delivers them into the guest without leaving the guest context (on
 * POWER8 KVM-HV with the in-kernel XICS: arch/powerpc/kvm/vxics); unbind
 * them; ask what each vector is bound to and what became of its
 * interrupts.  Documentation/virt/kvm/vxics/vfio-bypass.rst.
 *
 * Issued on the VFIO device fd, after VFIO_DEVICE_SET_IRQS has enabled
 * the vectors.  The ioctl number is outside the range upstream VFIO uses
 * (up to VFIO_BASE + 20 as of Linux 6.12).
 */
#ifndef _UAPI_LINUX_VFIO_IRQ_BYPASS_H
#define _UAPI_LINUX_VFIO_IRQ_BYPASS_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/vfio.h>

/**
 * struct vfio_irq_bypass - argument of VFIO_DEVICE_IRQ_BYPASS
 * @argsz: size of this structure plus the data that follows it
 * @flags: exactly one operation: VFIO_IRQ_BYPASS_BIND, _UNBIND or _QUERY
 * @index: VFIO_PCI_MSI_IRQ_INDEX or VFIO_PCI_MSIX_IRQ_INDEX
 * @start: first vector of the range
 * @count: number of vectors, at least 1
 * @vm_fd: BIND: a KVM VM fd of the calling process; otherwise ignored
 * @data: BIND: @count __u32 guest interrupt numbers, one per vector;
 *        QUERY: room for @count struct vfio_irq_bypass_vector, written by
 *        the kernel; UNBIND: nothing
 *
 * A range is taken whole or not at all: if any vector cannot be bound or
 * unbound, none is, and the error says why.
 */
struct vfio_irq_bypass {
	__u32	argsz;
	__u32	flags;
#define VFIO_IRQ_BYPASS_BIND	(1 << 0)
#define VFIO_IRQ_BYPASS_UNBIND	(1 << 1)
#define VFIO_IRQ_BYPASS_QUERY	(1 << 2)
	__u32	index;
	__u32	start;
	__u32	count;
	__s32	vm_fd;
	__u8	data[];
};

/* Reasons an interrupt of a bound vector took the host path, in order */
#define VFIO_IRQ_BYPASS_HOST_OFF		0 /* the bypass switched off */
#define VFIO_IRQ_BYPASS_HOST_MASKED		1 /* guest source masked */
#define VFIO_IRQ_BYPASS_HOST_OTHER_VM		2 /* CPU ran another VM */
#define VFIO_IRQ_BYPASS_HOST_WRONG_CORE		3 /* not its vCPU's core */
#define VFIO_IRQ_BYPASS_HOST_NOT_RUNNING	4 /* vCPU out of the guest */
#define VFIO_IRQ_BYPASS_HOST_REASONS		8 /* room in host_path[] */

/**
 * struct vfio_irq_bypass_vector - one vector, as VFIO_IRQ_BYPASS_QUERY says
 * @vector: the vector number (@start + i)
 * @flags: VFIO_IRQ_BYPASS_VEC_*
 * @host_hwirq: the host's hardware interrupt number (XISR), 0 if disabled
 * @host_irq: the host's Linux irq number, 0 if disabled
 * @guest_irq: the guest interrupt number it is mapped to (if MAPPED)
 * @last_cpu: the host CPU that last took it (if MAPPED), -1 if none yet
 * @affinity_cpu: the first CPU of the host irq's affinity, -1 if disabled
 * @reserved: zero
 * @bypassed: interrupts delivered into the guest by the bypass
 * @host_path: interrupts that reached the guest by the host path instead,
 *             by VFIO_IRQ_BYPASS_HOST_* reason
 */
struct vfio_irq_bypass_vector {
	__u32	vector;
	__u32	flags;
#define VFIO_IRQ_BYPASS_VEC_ENABLED	(1 << 0) /* has a trigger eventfd */
#define VFIO_IRQ_BYPASS_VEC_BOUND	(1 << 1) /* bound by this ioctl */
#define VFIO_IRQ_BYPASS_VEC_PAIRED	(1 << 2) /* by the irq bypass manager */
#define VFIO_IRQ_BYPASS_VEC_MAPPED	(1 << 3) /* in the VM's map */
	__u32	host_hwirq;
	__u32	host_irq;
	__u32	guest_irq;
	__s32	last_cpu;
	__s32	affinity_cpu;
	__u32	reserved;
	__u64	bypassed;
	__u64	host_path[VFIO_IRQ_BYPASS_HOST_REASONS];
};

#define VFIO_DEVICE_IRQ_BYPASS	_IO(VFIO_TYPE, VFIO_BASE + 40)

#endif /* _UAPI_LINUX_VFIO_IRQ_BYPASS_H */
