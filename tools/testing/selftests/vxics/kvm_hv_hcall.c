// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rig works: this emulated POWER8 host runs KVM-HV guests.  A guest
 * makes hypercalls that exit to userspace; arguments and return values
 * cross in both directions.
 */
#include <stdio.h>
#include <sys/ioctl.h>
#include "lib/vxt.h"

GUEST_DECLARE(hcall);

int main(void)
{
	struct vxt_hcall hc;
	struct vxt_vcpu *vcpu;
	struct vxt_vm *vm;

	vxt_plan(7);
	vm = vxt_vm_create(16 << 20);
	vxt_ok(vxt_check_cap(vm, KVM_CAP_PPC_PAPR) > 0, "KVM_CAP_PPC_PAPR");
	vxt_ok(vxt_check_cap(vm, KVM_CAP_IRQ_XICS) > 0, "KVM_CAP_IRQ_XICS");
	vxt_ok(vxt_check_cap(vm, KVM_CAP_IRQFD) > 0, "KVM_CAP_IRQFD");

	GUEST_LOAD(vm, hcall);
	/*
	 * scripts/rig-selftest.sh checks that a hung guest ends the run with
	 * a failure within its bound: this guest then spins forever.
	 */
	if (vxt_cmdline_has("vxics.selftest_hang")) {
		vcpu = vxt_vcpu_add(vm, 0, 0x400);
		vxt_vcpu_run_to_hcall(vcpu, &hc);
	}
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);

	vxt_vcpu_run_to_hcall(vcpu, &hc);
	vxt_ok(hc.nr == VXT_H_REPORT && hc.args[0] == 42,
	       "guest hcall 0x%llx arg 0x%llx reaches userspace",
	       (unsigned long long)hc.nr, (unsigned long long)hc.args[0]);

	vxt_hcall_return(vcpu, 43);
	vcpu->run->papr_hcall.args[0] = 7;
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	vxt_ok(hc.nr == VXT_H_REPORT && hc.args[0] == 43 && hc.args[1] == 7,
	       "guest sees return value 0x%llx and r4 0x%llx",
	       (unsigned long long)hc.args[0], (unsigned long long)hc.args[1]);

	vxt_vcpu_run_to_hcall(vcpu, &hc);
	vxt_ok(hc.nr == VXT_H_DONE, "guest finishes (hcall 0x%llx)",
	       (unsigned long long)hc.nr);

	vxt_ok(vxt_get_one_reg(vcpu, KVM_REG_PPC_LPCR_64) & (1ULL << 25),
	       "LPCR[ILE] set through one-reg");
	vxt_vcpu_destroy(vcpu);
	vxt_vm_destroy(vm);
	return vxt_exit();
}
