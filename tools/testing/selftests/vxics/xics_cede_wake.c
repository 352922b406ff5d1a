// SPDX-License-Identifier: GPL-2.0-only
/*
 * An IPI wakes a vCPU that sleeps in H_CEDE.  vCPU 1 cedes, its core
 * goes idle in the host; vCPU 0's H_IPI, done in real mode, cannot wake
 * it from there and must leave a kick for virtual mode.  The sleeper must
 * wake promptly: its decrementer is ~4 s away, so a lost kick shows.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib/vxt.h"
#include "lib/xics.h"

GUEST_DECLARE(xics_cede);

static struct vxt_vcpu *vcpu[2];
static struct vxt_hcall woke;
static double woke_at;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *sleeper(void *arg)
{
	vxt_vcpu_run_to_hcall(vcpu[1], &woke);	/* 0x21 once woken */
	woke_at = now();
	return NULL;
}

int main(void)
{
	struct vxt_hcall hc;
	struct vxt_vm *vm;
	pthread_t t;
	unsigned long long rm = 0, deferred = 0, kicks = 0;
	static char dbg[8192];
	char *p;
	double sent;
	int i, xfd;

	vxt_plan(5);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device");
	GUEST_LOAD(vm, xics_cede);
	for (i = 0; i < 2; i++) {
		vcpu[i] = vxt_vcpu_add(vm, i, VXT_GUEST_ENTRY);
		vxt_vcpu_set_gpr(vcpu[i], 31, i);
		VXT_REQUIRE(!xics_icp_attach(vcpu[i], xfd, i), "attach ICP %d", i);
	}

	vxt_vcpu_run_to_hcall(vcpu[1], &hc);
	vxt_ok(hc.nr == VXT_H_REPORT && hc.args[0] == 0x20,
	       "vCPU 1 is about to cede");
	pthread_create(&t, NULL, sleeper, NULL);
	usleep(300000);		/* let it cede and its core go idle */

	vxt_vcpu_run_to_hcall(vcpu[0], &hc);	/* 0x10: waiting for go */
	sent = now();
	vxt_vcpu_run_to_hcall(vcpu[0], &hc);
	vxt_ok(hc.nr == VXT_H_REPORT && hc.args[0] == 0x11 && hc.args[1] == 0,
	       "R16: vCPU 0's H_IPI to server 1 succeeds");

	pthread_join(t, NULL);
	vxt_ok(woke.nr == VXT_H_REPORT && woke.args[0] == 0x21 &&
	       woke.args[1] == 0xff000002,
	       "R6: the ceded vCPU takes the IPI (XIRR %#llx)",
	       (unsigned long long)woke.args[1]);
	/*
	 * Usually a few ms under TCG.  The 5.1 s once seen here (and likely
	 * an earlier 1.46 s) measured no wake-up: "sent", kept in an FPR
	 * across KVM_RUN, came back as the guest's 0.0 (hook 0009, see
	 * xics_cede_race).  3 s still tells a kick from the decrementer.
	 */
	if (woke_at - sent > 0.1)
		vxt_diag("slow wake: %.3f s after the H_IPI", woke_at - sent);
	vxt_ok(woke_at - sent < 3.0,
	       "it was kicked awake, not woken by its decrementer (%.3f s)",
	       woke_at - sent);
	/* server 0's counters: the IPI was done in real mode, kick deferred */
	if (vxt_vm_debugfs(vm, "vxics", dbg, sizeof(dbg))) {
		p = strstr(dbg, "rm-hcalls");
		if (p)
			sscanf(p, "rm-hcalls %llu rm-deferred %llu vm-hcalls %*u kicks %llu",
			       &rm, &deferred, &kicks);
	}
	vxt_ok(rm == 2 && deferred == 1 && kicks == 1,
	       "the real-mode H_IPI left one kick for virtual mode (rm %llu deferred %llu kicks %llu)",
	       rm, deferred, kicks);
	if (vxt_exit())
		vxt_diag("debugfs:\n%s", dbg);
	return vxt_exit();
}
