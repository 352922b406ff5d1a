/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Look-alike: which addresses are vmalloc'd, and their physical alias.
 * The test says which per-CPU area is "vmalloc'd" and checks that the
 * bypass reaches it through vmalloc_to_phys() (bypass_rm_test.c).
 */
#ifndef _VXICS_SHIM_MM_H
#define _VXICS_SHIM_MM_H

#include <linux/kvm_host.h>

bool is_vmalloc_addr(const void *p);
/* the test's "vmalloc" range: empty unless it says so */
extern unsigned long vxics_shim_vmalloc_start, vxics_shim_vmalloc_end;
#define VMALLOC_START	vxics_shim_vmalloc_start
#define VMALLOC_END	vxics_shim_vmalloc_end
unsigned long vmalloc_to_phys(void *p);

#endif
