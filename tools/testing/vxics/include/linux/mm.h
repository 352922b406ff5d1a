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
unsigned long vmalloc_to_phys(void *p);

#endif
