/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike: the paca's KVM host state, per test thread (see kvm_host.h) */
#ifndef _VXICS_SHIM_KVM_BOOK3S_ASM_H
#define _VXICS_SHIM_KVM_BOOK3S_ASM_H

#include <linux/kvm_host.h>

struct kvmppc_host_state {
	struct kvm_vcpu *kvm_vcpu;	/* the vCPU this CPU runs */
	void __iomem *xics_phys;	/* this CPU's ICP, NULL: use OPAL */
	u32 saved_xirr;			/* what the host's handler will take */
};

struct paca_struct {
	struct kvmppc_host_state kvm_hstate;
};

extern __thread struct paca_struct *local_paca;

#endif
