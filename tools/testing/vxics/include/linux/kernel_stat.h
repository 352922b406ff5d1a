/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike: the per-CPU interrupt sum of /proc/stat */
#ifndef _VXICS_SHIM_KERNEL_STAT_H
#define _VXICS_SHIM_KERNEL_STAT_H

#include <linux/kvm_host.h>

struct kernel_stat {
	unsigned long irqs_sum;
};

/* CPU 0's copy; per_cpu_ptr() finds the others (kvm_host.h) */
extern char vxics_shim_kstat[VXICS_SHIM_NR_CPUS][VXICS_SHIM_PERCPU_STRIDE];
#define kstat	(*(struct kernel_stat *)vxics_shim_kstat[0])

#endif
