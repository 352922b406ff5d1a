/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Look-alike: the host ICP and OPAL calls of the bypass's host EOI; the
 * test records each (bypass_rm_test.c).
 */
#ifndef _VXICS_SHIM_OPAL_H
#define _VXICS_SHIM_OPAL_H

#include <linux/kvm_host.h>

#define XICS_XIRR	4
#define iosync()	smp_mb()
void __raw_rm_writel(u32 val, void __iomem *addr);
s64 opal_int_eoi(u32 xirr);

#endif
