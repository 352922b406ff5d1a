// SPDX-License-Identifier: GPL-2.0-only
/*
 * make demo: tell, in plain words, what happens when a KVM-HV guest runs
 * on the emulated POWER8 host.  Grows into the passthrough demo.
 */
#include <stdio.h>
#include <sys/utsname.h>
#include "lib/vxt.h"

GUEST_DECLARE(hcall);

int main(void)
{
	struct vxt_hcall hc;
	struct vxt_vcpu *vcpu;
	struct vxt_vm *vm;
	struct utsname u;

	uname(&u);
	printf("Host: Linux %s on %s, an emulated POWER8 machine (powernv).\n",
	       u.release, u.machine);
	vm = vxt_vm_create(16 << 20);
	printf("Created a KVM-HV virtual machine with 16 MiB of memory.\n");
	printf("The host offers the in-kernel XICS interrupt controller: %s.\n",
	       vxt_check_cap(vm, KVM_CAP_IRQ_XICS) > 0 ? "yes" : "no");
	GUEST_LOAD(vm, hcall);
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	printf("Loaded a %d-byte guest and started its vCPU at 0x%x.\n",
	       (int)(guest_hcall_end - guest_hcall_start), VXT_GUEST_ENTRY);

	vxt_vcpu_run_to_hcall(vcpu, &hc);
	printf("The guest made hypercall 0x%llx with the value %llu.\n",
	       (unsigned long long)hc.nr, (unsigned long long)hc.args[0]);
	vxt_hcall_return(vcpu, hc.args[0] + 1);
	vcpu->run->papr_hcall.args[0] = 7;
	printf("We answered %llu (and 7 in r4) and resumed the guest.\n",
	       (unsigned long long)hc.args[0] + 1);
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	printf("The guest called back with %llu and %llu: it %s our answer.\n",
	       (unsigned long long)hc.args[0], (unsigned long long)hc.args[1],
	       hc.args[0] == 43 && hc.args[1] == 7 ? "received" : "did NOT receive");
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	printf("The guest said it is done (hypercall 0x%llx). Shutting down.\n",
	       (unsigned long long)hc.nr);
	vxt_vcpu_destroy(vcpu);
	vxt_vm_destroy(vm);
	return hc.nr == VXT_H_DONE ? 0 : 1;
}
