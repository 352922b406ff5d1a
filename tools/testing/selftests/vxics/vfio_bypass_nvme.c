// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bypass with the other device users pass through, an NVMe
 * controller: its admin queue's MSI-X vector 0 goes to userspace through
 * vfio-pci and its eventfd is also a KVM irqfd for guest source
 * GUEST_IRQ, so the irq bypass manager pairs them and vxics maps the
 * host interrupt (B1).  A guest vCPU loops accepting interrupts
 * (guest_xics_loop.S) on host CPU RUN_CPU, where the host interrupt is
 * steered too, while this thread submits Identify Controller commands
 * (lib/nvme.c), one at a time, each completing with one interrupt:
 *
 * - bypass on, every completion reaches the guest once, most through the
 *   bypass (B4), the rest by the host path (B6); the controller's data
 *   arrives intact either way, and /proc/interrupts counts each (B9);
 * - vxics.bypass=0 (B8), all by the host path, the same;
 * - MSI-X off, the mapping is gone (B10).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/vxt.h"
#include "lib/xics.h"
#include "lib/nic.h"
#include "lib/nvme.h"

GUEST_DECLARE(xics_loop);

#define GUEST_IRQ	0x1000
#define IDLE_IRQ	0x1001
#define RUN_CPU		1
#define CMDS		30	/* Identify commands per phase */
#define BYPASS_PARAM	"/sys/module/vxics/parameters/bypass"
#define MAP_BYPASSED	"guest 0x1000 bypassed "

static struct vxt_vcpu *vcpu;
static uint64_t accepted;
static int guest_failed;

static void *run_vcpu(void *arg)
{
	struct vxt_hcall hc;

	vxt_pin(RUN_CPU);
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	if (hc.nr != VXT_H_REPORT) {
		guest_failed = 1;
		return NULL;
	}
	accepted = hc.args[0];
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	guest_failed = hc.nr != VXT_H_DONE;
	return NULL;
}

/* @cmds Identify commands, one at a time: how many completed intact */
static int identify(struct nvme *n, int cmds)
{
	int i, good = 0;

	for (i = 0; i < cmds; i++) {
		nvme_identify(n);
		if (nvme_wait(n, 3000))
			break;
		good += nvme_complete(n) >= 0 &&
			!memcmp(n->id + 4, "vxt", 3);
		usleep(10000);	/* its interrupt delivered */
	}
	return good;
}

int main(void)
{
	long long host0, host1, host2, bypassed1, trig1, trig2, off;
	char bdf[1][VXV_BDF_LEN], path[64], cpu[16];
	int xfd, efd, host_irq, good1, good2;
	struct vxv_dev d;
	struct vxt_vm *vm;
	struct nvme n;
	pthread_t run;

	vxv_need(vxv_find(0x1b36, 0x0010, 1, bdf, 1), 7,
		 "NVMe controller alone in an iommu group");
	vxt_plan(7);
	VXT_REQUIRE(sysconf(_SC_NPROCESSORS_ONLN) > RUN_CPU, "host CPU %d",
		    RUN_CPU);
	vxt_pin(0);
	vxv_take(&d, bdf[0]);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "XICS device");
	GUEST_LOAD(vm, xics_loop);
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(vcpu, xfd, 0), "ICP 0");
	VXT_REQUIRE(!xics_source_set(xfd, GUEST_IRQ, XICS_SRC(0, 5)), "MSI");
	VXT_REQUIRE(!xics_source_set(xfd, IDLE_IRQ, XICS_SRC(0, 5)), "idle");
	vxt_vcpu_set_gpr(vcpu, 14, XL_MODE_ACCEPT);
	vxt_vcpu_set_gpr(vcpu, 15, xics_xirr(0xff, IDLE_IRQ));
	efd = xics_irqfd(vm, GUEST_IRQ);
	VXT_REQUIRE(efd >= 0, "KVM_IRQFD for source %#x", GUEST_IRQ);

	VXT_REQUIRE(!nvme_map(&n, &d), "DMA memory in the window");
	VXT_REQUIRE(!vxv_irq_eventfd(&d, VFIO_PCI_MSIX_IRQ_INDEX, efd),
		    "MSI-X vector 0 on the irqfd's eventfd");
	host_irq = vxt_vxics_num(vm, "host irq ");
	vxt_ok(vxt_vxics_num(vm, "bypass: on, ") == 1 && host_irq > 0 &&
	       vxt_vxics_num(vm, "guest ") == GUEST_IRQ,
	       "B1: the NVMe's admin vector is mapped: host irq %d -> guest %#x",
	       host_irq, GUEST_IRQ);
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list",
		 host_irq);
	snprintf(cpu, sizeof(cpu), "%d", RUN_CPU);
	VXT_REQUIRE(!write_file(path, cpu), "steer host irq %d to CPU %d",
		    host_irq, RUN_CPU);
	VXT_REQUIRE(!nvme_enable(&n), "controller enabled");
	pthread_create(&run, NULL, run_vcpu, NULL);
	usleep(300000);		/* the guest is in its loop */

	host0 = host_irq_count(host_irq, -1);
	good1 = identify(&n, CMDS);
	usleep(100000);
	host1 = host_irq_count(host_irq, -1);
	bypassed1 = vxt_vxics_num(vm, MAP_BYPASSED);
	trig1 = vxt_vxics_num(vm, "triggers ");
	vxt_diag("bypass on: %lld of %d bypassed, host counted %lld",
		 bypassed1, CMDS, host1 - host0);
	vxt_ok(good1 == CMDS && trig1 == CMDS && host1 - host0 == CMDS &&
	       bypassed1 >= 1 && vxt_vxics_num(vm, " unmapped ") == 0,
	       "B4, B6, B9: %d commands completed intact, each completion reached the guest once (%lld), %lld through the bypass, /proc/interrupts counted %lld",
	       good1, trig1, bypassed1, host1 - host0);

	VXT_REQUIRE(!write_file(BYPASS_PARAM, "0"), "vxics.bypass=0");
	good2 = identify(&n, CMDS);
	usleep(100000);
	host2 = host_irq_count(host_irq, -1);
	trig2 = vxt_vxics_num(vm, "triggers ");
	off = vxt_vxics_num(vm, "fallback: off ");
	VXT_REQUIRE(!write_file(BYPASS_PARAM, "1"), "vxics.bypass=1");
	vxt_ok(good2 == CMDS && trig2 - trig1 == CMDS &&
	       host2 - host1 == CMDS &&
	       vxt_vxics_num(vm, MAP_BYPASSED) == bypassed1,
	       "B8: switched off, %d commands completed intact, all %lld by the host path (%lld met the switch in real mode)",
	       good2, trig2 - trig1, off);

	xl_stop(vm);
	pthread_join(run, NULL);
	vxt_ok(!guest_failed, "the guest's hcalls all succeeded");
	vxt_ok((long long)accepted + vxt_vxics_num(vm, " coalesced ") == trig2,
	       "B4: the guest accepted every one (%llu, coalesced %lld)",
	       (unsigned long long)accepted,
	       vxt_vxics_num(vm, " coalesced "));
	vxt_ok(!nvme_disable(&n), "controller disabled again");
	VXT_REQUIRE(!vxv_irq_disable(&d, VFIO_PCI_MSIX_IRQ_INDEX),
		    "disable MSI-X");
	vxt_ok(vxt_vxics_num(vm, "bypass: on, ") == 0,
	       "B10: MSI-X off, the mapping is gone");
	VXT_REQUIRE(!nvme_unmap(&n), "DMA memory unmapped");
	vxv_give_back(&d);
	xics_irqfd_release(vm, efd, GUEST_IRQ);
	vxt_vcpu_destroy(vcpu);
	close(xfd);
	vxt_vm_destroy(vm);
	return vxt_exit();
}
