// SPDX-License-Identifier: GPL-2.0-only
/*
 * make demo: tell, in plain words, what happens when a KVM-HV guest runs
 * on the emulated POWER8 host, first with hypercalls only, then taking
 * interrupts from our XICS emulation.  Grows into the passthrough demo.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "lib/vxt.h"
#include "lib/xics.h"

GUEST_DECLARE(hcall);
GUEST_DECLARE(xics_rm);

#define MSI	0x1000

/* Part two: a guest that takes an IPI and a device interrupt. */
static int xics_story(void)
{
	unsigned long long rm = 0, deferred = 0, vm_hcalls = 0;
	static char dbg[16384];
	struct vxt_hcall hc;
	struct vxt_vcpu *vcpu;
	struct vxt_vm *vm;
	int xfd, efd;
	char *p;

	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device");
	GUEST_LOAD(vm, xics_rm);
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(vcpu, xfd, 0), "attach ICP");
	VXT_REQUIRE(!xics_source_set(xfd, MSI, XICS_SRC(0, 5)), "define MSI");
	efd = xics_irqfd(vm, MSI);
	VXT_REQUIRE(efd >= 0, "irqfd");
	printf("\nPart two: interrupts.  A new VM gets the in-kernel XICS interrupt\n"
	       "controller (vxics, our emulation), one presentation controller for\n"
	       "its vCPU, and interrupt source 0x%x wired to an eventfd (irqfd), the\n"
	       "way a VFIO device's MSI is wired.\n", MSI);

	vxt_vcpu_run_to_hcall(vcpu, &hc);
	printf("The guest opened its priority (H_CPPR), sent itself an IPI (H_IPI)\n"
	       "and polled it (H_IPOLL: XIRR %#llx, MFRR %#llx) without taking it.\n",
	       (unsigned long long)hc.args[1], (unsigned long long)hc.args[2]);
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	printf("It enabled interrupts and took the IPI at vector 0x500: H_XIRR = %#llx.\n",
	       (unsigned long long)hc.args[1]);
	VXT_REQUIRE(!xics_irqfd_trigger(efd), "irqfd write");
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	printf("We wrote to the eventfd; the guest took source %#llx at 0x500.\n",
	       (unsigned long long)hc.args[1] & 0xffffff);
	if (vxt_vm_debugfs(vm, "vxics", dbg, sizeof(dbg))) {
		p = strstr(dbg, "rm-hcalls");
		if (p)
			sscanf(p, "rm-hcalls %llu rm-deferred %llu vm-hcalls %llu",
			       &rm, &deferred, &vm_hcalls);
		printf("The XICS hypercalls the guest made: %llu finished in real mode\n"
		       "(MMU off, no exit from the guest), %llu needed virtual mode.\n",
		       rm, deferred + vm_hcalls);
	}
	vxt_vcpu_destroy(vcpu);
	vxt_vm_destroy(vm);
	return (hc.args[1] & 0xffffff) == MSI ? 0 : 1;
}

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
	printf("The guest said it is done (hypercall 0x%llx).\n",
	       (unsigned long long)hc.nr);
	vxt_vcpu_destroy(vcpu);
	vxt_vm_destroy(vm);
	if (hc.nr != VXT_H_DONE)
		return 1;
	return xics_story();
}
