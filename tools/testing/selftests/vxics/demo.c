// SPDX-License-Identifier: GPL-2.0-only
/*
 * make demo: tell, in plain words, what happens when a KVM-HV guest runs
 * on the emulated POWER8 host, first with hypercalls only, then taking
 * interrupts from our XICS emulation, then taking a passed-through NIC's
 * interrupts through the bypass, and without it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "lib/vxt.h"
#include "lib/xics.h"
#include "lib/nic.h"

GUEST_DECLARE(hcall);
GUEST_DECLARE(xics_rm);
GUEST_DECLARE(xics_loop);

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

static struct vxt_vcpu *loop_vcpu;
static unsigned long long loop_accepted;

static void *run_loop(void *arg)
{
	struct vxt_hcall hc;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(1, &set);
	sched_setaffinity(0, sizeof(set), &set);
	vxt_vcpu_run_to_hcall(loop_vcpu, &hc);
	loop_accepted = hc.nr == VXT_H_REPORT ? hc.args[0] : 0;
	vxt_vcpu_run_to_hcall(loop_vcpu, &hc);
	return NULL;
}

/* Part three: a passed-through NIC's interrupts, bypassed and not. */
static int bypass_story(void)
{
	const char *param = "/sys/module/vxics/parameters/bypass";
	long long by0, by1, by2, host0, host1, host2;
	char bdf[1][VXV_BDF_LEN], path[64];
	struct vxt_vm *vm;
	struct vxv_dev d;
	pthread_t run;
	cpu_set_t set;
	int xfd, efd, irq;

	if (vxv_find(0x8086, 0x10d3, 1, bdf, 1) < 1 ||
	    sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("\nPart three needs an e1000e and two host CPUs: not in this boot.\n");
		return 0;
	}
	/* this thread raises the interrupts: keep it off the vCPU's CPU */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	VXT_REQUIRE(!sched_setaffinity(0, sizeof(set), &set), "CPU 0");
	vxv_take(&d, bdf[0]);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device");
	GUEST_LOAD(vm, xics_loop);
	loop_vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(loop_vcpu, xfd, 0), "attach ICP");
	VXT_REQUIRE(!xics_source_set(xfd, MSI, XICS_SRC(0, 5)), "define MSI");
	VXT_REQUIRE(!xics_source_set(xfd, MSI + 1, XICS_SRC(0, 5)), "idle");
	vxt_vcpu_set_gpr(loop_vcpu, 14, XL_MODE_ACCEPT);
	vxt_vcpu_set_gpr(loop_vcpu, 15, xics_xirr(0xff, MSI + 1));
	efd = xics_irqfd(vm, MSI);
	VXT_REQUIRE(efd >= 0, "irqfd");
	nic_msix_on(&d, efd);
	irq = vxt_vxics_num(vm, "host irq ");
	printf("\nPart three: a passed-through device.  The host's e1000e (%s) now\n"
	       "belongs to userspace through vfio-pci.  Its MSI-X vector 0 signals an\n"
	       "eventfd, and that eventfd is also an irqfd for guest source 0x%x: this\n"
	       "is how QEMU wires a passed-through device.  The kernel paired the two,\n"
	       "and vxics mapped host interrupt %d to guest source 0x%x.\n",
	       d.bdf, MSI, irq, MSI);
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", irq);
	VXT_REQUIRE(!write_file(path, "1"), "steer irq %d to CPU 1", irq);
	pthread_create(&run, NULL, run_loop, NULL);
	usleep(300000);
	printf("A guest runs on host CPU 1, where the NIC's interrupt goes, and loops\n"
	       "taking interrupts (H_XIRR) and ending them (H_EOI).\n");

	nic_unmask(&d);
	by0 = vxt_vxics_num(vm, "guest 0x1000 bypassed ");
	host0 = host_irq_count(irq, -1);
	nic_raise(&d, 20, 20000);
	usleep(100000);
	by1 = vxt_vxics_num(vm, "guest 0x1000 bypassed ");
	host1 = host_irq_count(irq, -1);
	printf("The NIC raised 20 interrupts.  %lld went straight into the guest: the\n"
	       "guest-exit path read the host interrupt, found it in the VM's map, put\n"
	       "it into the guest's interrupt controller, told the NIC's PCI bridge and\n"
	       "the host's interrupt controller it was done, and re-entered the guest,\n"
	       "all with the MMU off; no host handler, no eventfd.  The other %lld came\n"
	       "while the vCPU was out of the guest (a host timer tick, say) and took\n"
	       "the ordinary path.  The host's /proc/interrupts counted all %lld.\n",
	       by1 - by0, 20 - (by1 - by0), host1 - host0);

	VXT_REQUIRE(!write_file(param, "0"), "vxics.bypass=0");
	nic_raise(&d, 20, 20000);
	usleep(100000);
	by2 = vxt_vxics_num(vm, "guest 0x1000 bypassed ");
	host2 = host_irq_count(irq, -1);
	VXT_REQUIRE(!write_file(param, "1"), "vxics.bypass=1");
	printf("We switched the bypass off (vxics.bypass=0) and raised 20 more: %lld\n"
	       "bypassed.  Each of the %lld went the ordinary way: the host's handler\n"
	       "ran, VFIO signalled the eventfd, KVM's irqfd put it into the guest's\n"
	       "interrupt controller from virtual mode and the vCPU re-entered.\n",
	       by2 - by1, host2 - host1);

	nic_mask(&d);
	xl_stop(vm);
	pthread_join(run, NULL);
	printf("The guest took %llu interrupts in all: %s.\n", loop_accepted,
	       loop_accepted == (unsigned long long)(host2 - host0) ?
	       "every one, whichever way it came" : "NOT every one");
	VXT_REQUIRE(!nic_msix_off(&d), "MSI-X off");
	xics_irqfd_release(vm, efd, MSI);
	vxt_vcpu_destroy(loop_vcpu);
	close(xfd);
	vxt_vm_destroy(vm);
	vxv_give_back(&d);
	return loop_accepted == (unsigned long long)(host2 - host0) &&
	       by1 > by0 && by2 == by1 ? 0 : 1;
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
	if (xics_story())
		return 1;
	return bypass_story();
}
