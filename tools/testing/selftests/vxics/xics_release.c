// SPDX-License-Identifier: GPL-2.0-only
/*
 * R34: closing the XICS device fd while a guest loops on H_XIRR.  The
 * release waits for the vCPU to leave KVM_RUN (it does every 256 loops,
 * as a QEMU vCPU leaves for its own reasons), turns the vCPU's XICS off,
 * then withdraws the device.  The guest must never see an error: before
 * the release the in-kernel XICS answers, after it H_XIRR comes to
 * userspace like on a VM without the in-kernel XICS (we answer as QEMU's
 * XICS would, nothing pending).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/vxt.h"
#include "lib/xics.h"

GUEST_DECLARE(xics_loop);

#define USER_XIRRS	100	/* H_XIRRs in userspace before we stop */

static int closed;	/* set by the closer thread, __atomic */

struct result {
	int reports_before, reports_after, user_xirr, other;
	int64_t fail_status;
	uint64_t fail_hcall;
	bool done;
};

static void *close_later(void *arg)
{
	int *xfd = arg;

	usleep(300000);		/* the guest has looped through a few exits */
	close(*xfd);		/* release runs before close() returns */
	__atomic_store_n(&closed, 1, __ATOMIC_RELEASE);
	return NULL;
}

int main(void)
{
	struct result r = { 0 };
	struct vxt_hcall hc;
	struct vxt_vcpu *vcpu;
	struct vxt_vm *vm;
	pthread_t t;
	int xfd;

	vxt_plan(4);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device");
	GUEST_LOAD(vm, xics_loop);
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(vcpu, xfd, 0), "attach ICP server 0");
	vxt_vcpu_set_gpr(vcpu, 14, XL_MODE_XIRR);

	pthread_create(&t, NULL, close_later, &xfd);
	for (;;) {
		int was_closed = __atomic_load_n(&closed, __ATOMIC_ACQUIRE);

		vxt_vcpu_run_to_hcall(vcpu, &hc);
		if (hc.nr == VXT_H_REPORT) {
			if (was_closed)
				r.reports_after++;
			else
				r.reports_before++;
			continue;
		}
		if (hc.nr == H_XIRR) {
			/* QEMU's own XICS answers: nothing pending */
			r.user_xirr++;
			vxt_hcall_return(vcpu, H_SUCCESS);
			vcpu->run->papr_hcall.args[0] = 0;
			if (r.user_xirr == USER_XIRRS)
				xl_stop(vm);
			continue;
		}
		if (hc.nr == VXT_H_FAIL) {
			r.fail_status = hc.args[0];
			r.fail_hcall = hc.args[1];
		} else if (hc.nr == VXT_H_DONE) {
			r.done = true;
		} else {
			r.other++;
			vxt_diag("unexpected hcall 0x%llx",
				 (unsigned long long)hc.nr);
		}
		break;
	}
	pthread_join(t, NULL);

	vxt_ok(!r.fail_hcall && !r.other,
	       "R34: no XICS hcall failed across the release (status %lld in hcall 0x%llx)",
	       (long long)r.fail_status, (unsigned long long)r.fail_hcall);
	vxt_ok(r.reports_before > 0,
	       "R34: the guest looped through %d exits on the in-kernel XICS first",
	       r.reports_before);
	vxt_ok(r.user_xirr == USER_XIRRS,
	       "R34: after the release H_XIRR comes to userspace (%d times)",
	       r.user_xirr);
	vxt_ok(r.done, "the guest ran to its end");
	vxt_vcpu_destroy(vcpu);
	vxt_vm_destroy(vm);
	return vxt_exit();
}
