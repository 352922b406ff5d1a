// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hot XICS hcalls finish in real mode: a guest sends itself an IPI,
 * polls it, takes it and an MSI injected by another thread while it runs,
 * and EOIs both.  The per-VM debugfs file then shows the source, the ICP,
 * and counters saying every XICS hcall completed in real mode.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "lib/vxt.h"
#include "lib/xics.h"

GUEST_DECLARE(xics_rm);

#define MSI	0x1000

static void *inject_later(void *arg)
{
	struct vxt_vm *vm = arg;
	struct kvm_irq_level l = { .irq = MSI, .level = 1 };

	usleep(100000);		/* the guest is spinning with EE on by now */
	if (ioctl(vm->fd, KVM_IRQ_LINE, &l))
		vxt_diag("KVM_IRQ_LINE failed");
	return NULL;
}

int main(void)
{
	unsigned long long rm = ~0ull, deferred = ~0ull, vm_hcalls = ~0ull;
	static char dbg[16384];
	struct vxt_hcall hc;
	struct vxt_vcpu *vcpu;
	struct vxt_vm *vm;
	pthread_t t;
	int xfd;
	char *p;

	vxt_plan(7);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device");
	GUEST_LOAD(vm, xics_rm);
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(vcpu, xfd, 0), "attach ICP server 0");
	VXT_REQUIRE(!xics_source_set(xfd, MSI, XICS_SRC(0, 5)), "define MSI");

	vxt_vcpu_run_to_hcall(vcpu, &hc);
	vxt_ok(hc.nr == VXT_H_REPORT && hc.args[0] == 1 &&
	       hc.args[1] == 0xff000002 && hc.args[2] == 5,
	       "R13 R16: H_IPOLL sees the self-IPI (xirr %#llx, mfrr %#llx)",
	       (unsigned long long)hc.args[1], (unsigned long long)hc.args[2]);

	vxt_vcpu_run_to_hcall(vcpu, &hc);
	vxt_ok(hc.nr == VXT_H_REPORT && hc.args[0] == 2 &&
	       hc.args[1] == 0xff000002,
	       "R11: the guest takes the IPI at 0x500, H_XIRR %#llx",
	       (unsigned long long)hc.args[1]);

	pthread_create(&t, NULL, inject_later, vm);
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	pthread_join(t, NULL);
	vxt_ok(hc.nr == VXT_H_REPORT && hc.args[0] == 2 &&
	       hc.args[1] == (0xff000000 | MSI),
	       "R6: an MSI injected while the guest runs kicks it, H_XIRR %#llx",
	       (unsigned long long)hc.args[1]);

	/* the vCPU is stopped in its handler's report hcall: look at it */
	vxt_ok(vxt_vm_debugfs(vm, "vxics", dbg, sizeof(dbg)), "debugfs file per VM");
	vxt_ok(strstr(dbg, "irq  0x1000 server    0 prio 0x05"),
	       "debugfs lists the defined source");
	p = strstr(dbg, "rm-hcalls");
	if (p)
		sscanf(p, "rm-hcalls %llu rm-deferred %llu vm-hcalls %llu",
		       &rm, &deferred, &vm_hcalls);
	/* CPPR, IPI, IPOLL, XIRR, IPI, EOI, XIRR = 7 before this exit */
	vxt_ok(rm == 7 && deferred == 0 && vm_hcalls == 0,
	       "all XICS hcalls finished in real mode (rm %llu deferred %llu vm %llu)",
	       rm, deferred, vm_hcalls);
	vxt_ok(strstr(dbg, "server    0 xisr 0x000000"),
	       "debugfs shows the ICP, nothing pending after accept");
	if (vxt_exit())
		vxt_diag("debugfs:\n%s", dbg);
	vxt_vcpu_destroy(vcpu);
	vxt_vm_destroy(vm);
	return vxt_exit();
}
