/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike of arch/powerpc/include/asm/kvm_vxics.h: the exit path's call */
#ifndef _VXICS_SHIM_ASM_KVM_VXICS_H
#define _VXICS_SHIM_ASM_KVM_VXICS_H

#include <linux/kvm_host.h>

long vxics_rm_host_irq(u32 xisr, __be32 xirr, bool *again);

#endif
