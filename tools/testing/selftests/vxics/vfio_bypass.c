// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bypass, end to end with a real device: an e1000e's MSI-X vector 0
 * goes to userspace through vfio-pci, and its eventfd is also a KVM irqfd
 * for guest source GUEST_IRQ, so the irq bypass manager pairs them and
 * vxics maps the host interrupt (B1).  A guest vCPU, pinned to host CPU
 * RUN_CPU where the host interrupt is steered too, loops accepting
 * interrupts (guest_xics_loop.S).  The NIC raises its cause RAISES times:
 *
 * - every interrupt reaches the guest exactly once (B4), most by the
 *   bypass (the vCPU is in the guest when it arrives), the rest by the
 *   host path (B6); the host's /proc/interrupts counts each once;
 * - with vxics.bypass=0 (B8) every one takes the host path and still
 *   arrives once;
 * - disabling MSI-X removes the mapping (B10) and the VM, the device
 *   and the host go on unharmed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "lib/vxt.h"
#include "lib/vfio.h"
#include "lib/xics.h"

GUEST_DECLARE(xics_loop);

#define E1000_ICR	0x00c0
#define E1000_ITR	0x00c4
#define E1000_ICS	0x00c8
#define E1000_IMS	0x00d0
#define E1000_IMC	0x00d8
#define E1000_EIAC	0x00dc
#define E1000_IVAR	0x00e4
#define CAUSE_RXQ0	0x00100000u	/* routed to MSI-X vector 0 by IVAR */
#define IVAR_RXQ0_VEC0	0x8u

#define GUEST_IRQ	0x1000
#define IDLE_IRQ	0x1001
#define RUN_CPU		1
#define RAISES		40
#define BYPASS_PARAM	"/sys/module/vxics/parameters/bypass"
/* debugfs keys: the mapping's and the vCPU's bypassed counts */
#define MAP_BYPASSED	"guest 0x1000 bypassed "
#define ICP_BYPASSED	"    bypassed "

static struct vxt_vm *vm;
static struct vxt_vcpu *vcpu;
static uint64_t accepted;
static int guest_failed;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	VXT_REQUIRE(!sched_setaffinity(0, sizeof(set), &set), "run on CPU %d",
		    cpu);
}

static void *run_vcpu(void *arg)
{
	struct vxt_hcall hc;

	pin(RUN_CPU);
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	if (hc.nr != VXT_H_REPORT) {
		vxt_diag("guest: hcall 0x%llx status %lld in hcall 0x%llx",
			 (unsigned long long)hc.nr, (long long)hc.args[0],
			 (unsigned long long)hc.args[1]);
		guest_failed = 1;
		return NULL;
	}
	accepted = hc.args[0];
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	guest_failed = hc.nr != VXT_H_DONE;
	return NULL;
}

/* The number after @key in the VM's debugfs file, or -1 */
static long long dbg_num(const char *key)
{
	static char dbg[16384];
	const char *p;

	if (!vxt_vm_debugfs(vm, "vxics", dbg, sizeof(dbg)))
		return -1;
	p = strstr(dbg, key);
	return p ? strtoll(p + strlen(key), NULL, 0) : -1;
}

/* The host's count of @irq over all CPUs in /proc/interrupts, or -1 */
static long long host_count(int irq)
{
	char line[1024], *p, *end;
	long long sum = -1;
	FILE *f = fopen("/proc/interrupts", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (strtol(line, &end, 10) != irq || *end != ':')
			continue;
		for (sum = 0, p = end + 1;; p = end) {
			long long v = strtoll(p, &end, 10);

			if (end == p)
				break;
			sum += v;
		}
		break;
	}
	if (f)
		fclose(f);
	return sum;
}

static int write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fputs(s, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

static void raise_n(struct vxv_dev *d, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		vxv_wr32(d, E1000_ICR, ~0u);
		vxv_wr32(d, E1000_ICS, CAUSE_RXQ0);
		usleep(20000);
	}
}

int main(void)
{
	char bdf[1][VXV_BDF_LEN], path[64], cpu[16];
	long long bypassed0, bypassed1, off1, host0, host1, host2, trig;
	struct vxv_dev d;
	pthread_t run;
	int xfd, efd, host_irq;

	vxv_need(vxv_find(0x8086, 0x10d3, 1, bdf, 1), 10,
		 "e1000e alone in an iommu group");
	vxt_plan(10);
	VXT_REQUIRE(sysconf(_SC_NPROCESSORS_ONLN) > RUN_CPU, "host CPU %d",
		    RUN_CPU);
	pin(0);
	vxv_take(&d, bdf[0]);
	vxv_cfg_write16(&d, 0x04, vxv_cfg_read16(&d, 0x04) | 0x6);

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

	/* The irqfd first, then VFIO's MSI-X on the same eventfd: paired. */
	efd = xics_irqfd(vm, GUEST_IRQ);
	VXT_REQUIRE(efd >= 0, "KVM_IRQFD for source %#x", GUEST_IRQ);
	vxv_wr32(&d, E1000_IMC, ~0u);
	vxv_wr32(&d, E1000_ITR, 0);
	vxv_wr32(&d, E1000_IVAR, IVAR_RXQ0_VEC0);
	vxv_wr32(&d, E1000_EIAC, 0);
	VXT_REQUIRE(!vxv_irq_eventfd(&d, VFIO_PCI_MSIX_IRQ_INDEX, efd),
		    "MSI-X vector 0 on the irqfd's eventfd");
	host_irq = dbg_num("host irq ");
	vxt_ok(dbg_num("bypass: on, ") == 1 && host_irq > 0 &&
	       dbg_num("guest ") == GUEST_IRQ && host_count(host_irq) >= 0,
	       "B1: the pairing is mapped: host irq %d -> guest %#x",
	       host_irq, GUEST_IRQ);

	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list",
		 host_irq);
	snprintf(cpu, sizeof(cpu), "%d", RUN_CPU);
	VXT_REQUIRE(!write_str(path, cpu), "steer host irq %d to CPU %d",
		    host_irq, RUN_CPU);
	pthread_create(&run, NULL, run_vcpu, NULL);
	usleep(300000);		/* the guest is in its loop */

	vxv_wr32(&d, E1000_IMS, CAUSE_RXQ0);
	host0 = host_count(host_irq);
	bypassed0 = dbg_num(MAP_BYPASSED);
	raise_n(&d, RAISES);
	usleep(100000);
	host1 = host_count(host_irq);
	bypassed1 = dbg_num(MAP_BYPASSED);
	vxt_diag("bypass on: %lld of %d bypassed (%lld deferred, %lld unmapped), host counted %lld",
		 bypassed1, RAISES, dbg_num("bypass-deferred "),
		 dbg_num(" unmapped "), host1 - host0);
	/*
	 * Every interrupt that found the vCPU in the guest was bypassed:
	 * none of those fell back.  The rest came while the vCPU was out
	 * (a host tick) and took the host path without reaching us.
	 */
	vxt_ok(bypassed0 == 0 && bypassed1 >= 1 &&
	       dbg_num(ICP_BYPASSED) == bypassed1 &&
	       dbg_num("fallback: off ") == 0 && dbg_num(" unmapped ") == 0,
	       "B4, B9: every interrupt that came in while the vCPU ran was bypassed (%lld of %d), counted per vCPU and per mapping alike",
	       bypassed1, RAISES);
	vxt_ok(host1 - host0 == RAISES,
	       "B9: /proc/interrupts counts each once, bypassed or not (%lld)",
	       host1 - host0);

	VXT_REQUIRE(!write_str(BYPASS_PARAM, "0"), "vxics.bypass=0");
	raise_n(&d, RAISES);
	usleep(100000);
	host2 = host_count(host_irq);
	off1 = dbg_num("fallback: off ");
	vxt_ok(dbg_num(MAP_BYPASSED) == bypassed1 && off1 >= 1 &&
	       off1 <= RAISES && host2 - host1 == RAISES,
	       "B8: switched off, none bypassed, %lld counted as off, host counted %lld",
	       off1, host2 - host1);
	VXT_REQUIRE(!write_str(BYPASS_PARAM, "1"), "vxics.bypass=1");

	vxv_wr32(&d, E1000_IMC, ~0u);
	xl_stop(vm);
	pthread_join(run, NULL);
	trig = dbg_num("triggers ");
	vxt_ok(!guest_failed, "the guest's hcalls all succeeded");
	vxt_ok(trig == 2 * RAISES,
	       "B1, B6: the guest source was triggered once per interrupt, by one path or the other (%lld)",
	       trig);
	vxt_ok(accepted + dbg_num(" coalesced ") == 2 * RAISES,
	       "B4, B5: the guest accepted every one, so each was EOI'd on the host (%llu, coalesced %lld)",
	       (unsigned long long)accepted, dbg_num(" coalesced "));

	usleep(50000);	/* see vfio_e1000e.c: the NIC's throttling timer */
	VXT_REQUIRE(!vxv_irq_disable(&d, VFIO_PCI_MSIX_IRQ_INDEX),
		    "disable MSI-X");
	vxt_ok(dbg_num("bypass: on, ") == 0,
	       "B10: MSI-X off, the mapping is gone");
	vxt_ok(!xics_irqfd_release(vm, efd, GUEST_IRQ),
	       "the irqfd is released");
	vxt_ok(dbg_num(ICP_BYPASSED) == bypassed1 &&
	       dbg_num(" source ") == 0,
	       "nothing was delivered to a source that was not an MSI");
	vxt_vcpu_destroy(vcpu);
	vxt_vm_destroy(vm);
	vxv_give_back(&d);
	return vxt_exit();
}
