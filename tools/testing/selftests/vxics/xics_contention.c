// SPDX-License-Identifier: GPL-2.0-only
/*
 * R35: the ICS lock under contention, in real mode.  Three vCPUs loop on
 * H_XIRR/H_EOI with every EOI taking the lock of one source block, while
 * three host threads trigger MSIs of that block through KVM_IRQ_LINE
 * (virtual-mode holders of the same lock).  make vmtest boots a 4-CPU
 * host with percpu_alloc=page, where per-CPU data is vmalloc'd: a queued
 * spinlock's third waiter queues on a per-CPU node, which real mode
 * cannot reach.  With the kernel's arch_spin_lock in place of ours the
 * host hangs in this test (tried, twice); with ours it passes.
 * Every trigger is accounted for: presented exactly once, or absorbed by
 * the source's P/Q coalescing (R17), which the debugfs file counts.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "lib/vxt.h"
#include "lib/xics.h"

GUEST_DECLARE(xics_loop);

#define NR_VCPU		3
#define TRIGGERS	3000	/* per vCPU */
#define MSI(i)		(0x1000 + (i))		/* block 4, one per vCPU */
#define IDLE(i)		(0x1100 + (i))		/* block 4, never triggered */

static struct vxt_vm *vm;

struct vc {
	struct vxt_vcpu *vcpu;
	pthread_t run, inject;
	uint64_t accepted, loops;
	int failed;
	int line_errors;
};

static struct vc vc[NR_VCPU];

static void *run_vcpu(void *arg)
{
	struct vc *c = arg;
	struct vxt_hcall hc;

	vxt_vcpu_run_to_hcall(c->vcpu, &hc);
	if (hc.nr != VXT_H_REPORT) {
		vxt_diag("vcpu %d: hcall 0x%llx status %lld in hcall 0x%llx",
			 c->vcpu->id, (unsigned long long)hc.nr,
			 (long long)hc.args[0], (unsigned long long)hc.args[1]);
		c->failed = 1;
		return NULL;
	}
	c->accepted = hc.args[0];
	c->loops = hc.args[1];
	vxt_vcpu_run_to_hcall(c->vcpu, &hc);
	c->failed = hc.nr != VXT_H_DONE;
	return NULL;
}

static void *inject(void *arg)
{
	struct vc *c = arg;
	int i, id = c - vc;

	for (i = 0; i < TRIGGERS; i++) {
		if (xics_irq_line(vm, MSI(id), 1))
			c->line_errors++;
		if (i & 1)	/* let some be presented, not all coalesced */
			usleep(20);
	}
	return NULL;
}

/* Every source line of the debugfs dump ends in plain "msi": no flags. */
static bool sources_idle(const char *dbg)
{
	const char *p = strstr(dbg, "sources:\n");
	const char *end = strstr(dbg, "presentation controllers:");
	int n = 0;

	if (!p || !end)
		return false;
	for (p = strchr(p, '\n') + 1; p < end; p = strchr(p, '\n') + 1, n++)
		if (strncmp(strchr(p, '\n') - 4, " msi", 4))
			return false;
	return n == 2 * NR_VCPU;
}

int main(void)
{
	static char dbg[16384];
	uint64_t accepted = 0, loops = 0, coalesced = ~0ull, del;
	int i, xfd, failed = 0, line_errors = 0;

	vxt_plan(4);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device");
	GUEST_LOAD(vm, xics_loop);
	for (i = 0; i < NR_VCPU; i++) {
		vc[i].vcpu = vxt_vcpu_add(vm, i, VXT_GUEST_ENTRY);
		VXT_REQUIRE(!xics_icp_attach(vc[i].vcpu, xfd, i), "ICP %d", i);
		VXT_REQUIRE(!xics_source_set(xfd, MSI(i), XICS_SRC(i, 5)),
			    "MSI %d", i);
		VXT_REQUIRE(!xics_source_set(xfd, IDLE(i), XICS_SRC(i, 5)),
			    "idle source %d", i);
		vxt_vcpu_set_gpr(vc[i].vcpu, 14, XL_MODE_ACCEPT);
		vxt_vcpu_set_gpr(vc[i].vcpu, 15, xics_xirr(0xff, IDLE(i)));
	}
	for (i = 0; i < NR_VCPU; i++)
		pthread_create(&vc[i].run, NULL, run_vcpu, &vc[i]);
	usleep(200000);		/* the guests are looping by now */
	for (i = 0; i < NR_VCPU; i++)
		pthread_create(&vc[i].inject, NULL, inject, &vc[i]);
	for (i = 0; i < NR_VCPU; i++)
		pthread_join(vc[i].inject, NULL);
	usleep(200000);
	xl_stop(vm);
	for (i = 0; i < NR_VCPU; i++) {
		pthread_join(vc[i].run, NULL);
		vxt_diag("vcpu %d: %llu accepted in %llu loops", i,
			 (unsigned long long)vc[i].accepted,
			 (unsigned long long)vc[i].loops);
		accepted += vc[i].accepted;
		loops += vc[i].loops;
		failed += vc[i].failed;
		line_errors += vc[i].line_errors;
	}

	vxt_ok(!failed, "R35: every H_XIRR/H_EOI of %d vCPUs on one ICS succeeded",
	       NR_VCPU);
	vxt_ok(!line_errors && loops > 2 * TRIGGERS,
	       "R35: %d KVM_IRQ_LINE triggers against %llu guest loops",
	       NR_VCPU * TRIGGERS, (unsigned long long)loops);
	if (vxt_vm_debugfs(vm, "vxics", dbg, sizeof(dbg)))
		sscanf(dbg, "deliveries %llu coalesced %llu",
		       (unsigned long long *)&del,
		       (unsigned long long *)&coalesced);
	vxt_ok(accepted + coalesced == (uint64_t)NR_VCPU * TRIGGERS,
	       "R17 R35: %llu presented + %llu coalesced == %d triggers",
	       (unsigned long long)accepted, (unsigned long long)coalesced,
	       NR_VCPU * TRIGGERS);
	vxt_ok(sources_idle(dbg) &&
	       strstr(dbg, "server    0 xisr 0x000000") &&
	       strstr(dbg, "server    1 xisr 0x000000"),
	       "R35: nothing left presented, queued or marked at the end");
	if (vxt_exit())
		vxt_diag("debugfs:\n%s", dbg);
	for (i = 0; i < NR_VCPU; i++)
		vxt_vcpu_destroy(vc[i].vcpu);
	vxt_vm_destroy(vm);
	return vxt_exit();
}
