/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike: POWER8's eight threads per core */
#ifndef _VXICS_SHIM_CPUTHREADS_H
#define _VXICS_SHIM_CPUTHREADS_H

#define threads_per_core	8
#define cpu_first_thread_sibling(cpu)	((cpu) & ~(threads_per_core - 1))

#endif
