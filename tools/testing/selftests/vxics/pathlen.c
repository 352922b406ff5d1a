// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest side of bench/pathlen (the path-length meter): a KVM-HV guest
 * with the in-kernel XICS issues every XICS hypercall many times, each
 * with path-length markers right around its "sc 1", then takes external
 * interrupts injected through an irqfd (a span from just before the
 * eventfd write in this thread to the guest's 0x500 handler).  The counts
 * come from the pathlen QEMU plugin; this program prints where each
 * measured site is ("# site ...") and checks that the guest saw what the
 * XICS should have done.  It is an ordinary selftest too.
 *
 * Iterations: "pathlen.iters=N" on the kernel command line (default 50).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/vxt.h"
#include "lib/xics.h"

#define SRC_IRQ		0x1000	/* the XICS source the irqfd raises */
#define SRC_PRIO	5

GUEST_DECLARE(pathlen);
GUEST_DECLARE(pathlen_sites);	/* the table of measured sites */

static int iterations(void)
{
	char buf[4096] = "";
	char *p;
	int fd, n;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		close(fd);
	}
	p = strstr(buf, "pathlen.iters=");
	n = p ? atoi(p + strlen("pathlen.iters=")) : 0;
	return n > 0 ? n : 50;
}

int main(void)
{
	int n = iterations(), armed = 0, efd, xfd;
	struct vxt_vcpu *vcpu, *other;
	bool hcalls_done = false;
	struct vxt_hcall hc;
	struct vxt_vm *vm;
	uint64_t src;

	vxt_plan(5);
	vm = vxt_vm_create(16 << 20);
	if (vxt_check_cap(vm, KVM_CAP_IRQ_XICS) <= 0) {
		vxt_skip("no KVM_CAP_IRQ_XICS");
		return vxt_exit();
	}
	GUEST_LOAD(vm, pathlen);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "KVM_CREATE_DEVICE(XICS)");
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	other = vxt_vcpu_add(vm, 1, VXT_GUEST_ENTRY);
	vxt_ok(!xics_icp_attach(vcpu, xfd, 0) && !xics_icp_attach(other, xfd, 1) &&
	       !xics_icp_set(other, XICS_ICP(0xff, 0, 0xff, 0xff)),
	       "XICS created, ICPs 0 and 1 connected");
	VXT_REQUIRE(!xics_source_set(xfd, SRC_IRQ, XICS_SRC(0, SRC_PRIO)),
		    "XICS source 0x%x", SRC_IRQ);
	vxt_ok(!xics_source_get(xfd, SRC_IRQ, &src) &&
	       xics_src_prio(src) == SRC_PRIO,
	       "source 0x%x at priority %d", SRC_IRQ, SRC_PRIO);
	efd = xics_irqfd(vm, SRC_IRQ);
	VXT_REQUIRE(efd >= 0, "KVM_IRQFD");

	vxt_vcpu_set_gpr(vcpu, 14, n);
	vxt_vcpu_set_gpr(vcpu, 16, 0);
	vxt_vcpu_set_gpr(vcpu, 17, 1);
	vxt_diag("iterations %d", n);
	vxt_pl_print_sites(guest_pathlen_sites_start, guest_pathlen_sites_end);

	for (;;) {
		vxt_vcpu_run_to_hcall(vcpu, &hc);
		if (hc.nr == VXT_H_REPORT && hc.args[0] == 1) {
			hcalls_done = true;
		} else if (hc.nr == VXT_H_REPORT && hc.args[0] == 2) {
			armed++;
			vxt_pl_start();	/* the span ends in the guest */
			VXT_REQUIRE(!xics_irqfd_trigger(efd), "irqfd write");
		} else {
			break;
		}
	}
	vxt_ok(hcalls_done, "%d rounds of XICS hypercalls as expected", n);
	vxt_ok(hc.nr == VXT_H_DONE, "guest finished (hcall 0x%llx, code %lld)",
	       (unsigned long long)hc.nr, (long long)hc.args[0]);
	vxt_ok(armed == n && hc.args[0] == (uint64_t)n,
	       "%d irqfd writes, %lld interrupts taken", armed,
	       (long long)hc.args[0]);
	close(efd);
	vxt_vcpu_destroy(other);
	vxt_vcpu_destroy(vcpu);
	vxt_vm_destroy(vm);
	return vxt_exit();
}
