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
 *   arrives once; switching it, globally and for the VM, under a stream
 *   of interrupts loses and duplicates none;
 * - the guest renumbers the MSI: the mapping follows the irqfd (B10);
 * - the vCPU's CPU goes offline under interrupts and comes back (B10,
 *   where the kernel has CPU hotplug);
 * - steered to another CPU, or the vCPU moved, the host interrupt
 *   follows the vCPU under the stream (B7);
 * - the vCPU's KVM statistics and the host-path tracepoint agree (B9);
 * - the mapping goes with MSI-X disabled, with the device released
 *   while the VM lives, and with the VM destroyed while MSI-X is on
 *   (B10); the device's interrupts then reach their eventfd again.
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
#include "lib/nic.h"

GUEST_DECLARE(xics_loop);

#define GUEST_IRQ	0x1000
#define IDLE_IRQ	0x1001
#define NEW_IRQ		0x1002	/* the MSI's number after the guest renumbers it */
#define RUN_CPU		1
#define RAISES		40
#define STREAM		150	/* interrupts raised while switching */
#define BYPASS_PARAM	"/sys/module/vxics/parameters/bypass"
/* debugfs keys: the mapping's and the vCPU's bypassed counts */
#define MAP_BYPASSED	"guest 0x1000 bypassed "
#define ICP_BYPASSED	"    bypassed "

static struct vxt_vm *vm;
static struct vxt_vcpu *vcpu;
static uint64_t accepted;
static int guest_failed;

/* The CPU the vCPU thread last ran on (/proc/self/task/TID/stat), or -1 */
static int vcpu_tid;

static int vcpu_thread_cpu(void)
{
	char path[64], buf[1024], *p;
	int i, cpu = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", vcpu_tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	/* field 39, "processor", counted after the ")" that ends the name */
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	for (i = 2; p && i < 39; i++)
		p = strchr(p + 1, ' ');
	if (p)
		cpu = atoi(p + 1);
	fclose(f);
	return cpu;
}

static void *run_vcpu(void *arg)
{
	struct vxt_hcall hc;

	__atomic_store_n(&vcpu_tid, gettid(), __ATOMIC_RELEASE);
	vxt_pin(RUN_CPU);
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

static long long vxics_num(const char *key)
{
	return vxt_vxics_num(vm, key);
}

/* Mapped interrupts that took the host path for reason @why (B6) */
static long long host_reason(const char *why)
{
	return vxt_vxics_num_after(vm, "host path by reason: ", why);
}

/* Guest source @irq's trigger count, from its debugfs line */
static long long src_triggers(unsigned int irq)
{
	char key[48];

	snprintf(key, sizeof(key), "irq %#7x server ", irq);
	return vxics_num(key) < 0 ? -1 : vxt_vxics_num_after(vm, key, "triggers ");
}

/* Interrupts raised on the NIC while the guest runs, counted here */
static int raised;

static void raise_counted(struct vxv_dev *d, int n, int gap_us)
{
	nic_raise(d, n, gap_us);
	__atomic_add_fetch(&raised, n, __ATOMIC_RELAXED);
}

static struct vxv_dev *stream_dev;
static int stream_done;	/* atomics: set by stream(), polled by main() */

static void *stream(void *arg)
{
	raise_counted(stream_dev, STREAM, 3000);
	__atomic_store_n(&stream_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* This VM's switch: /sys/kernel/debug/kvm/<pid>-<fd>/vxics_bypass */
static int vm_switch(int on)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%d-%d/vxics_bypass",
		 getpid(), vm->fd);
	return write_file(path, on ? "1" : "0");
}

/* A VM with the accepting guest and an irqfd for GUEST_IRQ: its eventfd */
static int vm_setup(int *xfd)
{
	int efd;

	vm = vxt_vm_create(16 << 20);
	*xfd = xics_create(vm);
	VXT_REQUIRE(*xfd >= 0, "XICS device");
	GUEST_LOAD(vm, xics_loop);
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(vcpu, *xfd, 0), "ICP 0");
	VXT_REQUIRE(!xics_source_set(*xfd, GUEST_IRQ, XICS_SRC(0, 5)), "MSI");
	VXT_REQUIRE(!xics_source_set(*xfd, IDLE_IRQ, XICS_SRC(0, 5)), "idle");
	VXT_REQUIRE(!xics_source_set(*xfd, NEW_IRQ, XICS_SRC(0, 5)), "new");
	vxt_vcpu_set_gpr(vcpu, 14, XL_MODE_ACCEPT);
	vxt_vcpu_set_gpr(vcpu, 15, xics_xirr(0xff, IDLE_IRQ));
	efd = xics_irqfd(vm, GUEST_IRQ);
	VXT_REQUIRE(efd >= 0, "KVM_IRQFD for source %#x", GUEST_IRQ);
	return efd;
}

int main(void)
{
	char bdf[1][VXV_BDF_LEN], path[64], cpu[64];
	long long bypassed0, bypassed1, off1, host0, host1, host2, host3, trig;
	long long switches = 0, steers, wrong, wrong_all, hcalls, events;
	long long bypassed_old, bypassed_new, bad_aff, off0, wrong_core;
	bool traced, moved, hotplug;
	int moved_to;
	int i;
	cpu_set_t set;
	struct vxv_dev d;
	pthread_t run, st;
	int xfd, efd, host_irq;

	vxv_need(vxv_find(0x8086, 0x10d3, 1, bdf, 1), 19,
		 "e1000e alone in an iommu group");
	vxt_plan(19);
	VXT_REQUIRE(sysconf(_SC_NPROCESSORS_ONLN) > RUN_CPU, "host CPU %d",
		    RUN_CPU);
	vxt_pin(0);
	vxv_take(&d, bdf[0]);

	/* The irqfd first, then VFIO's MSI-X on the same eventfd: paired. */
	efd = vm_setup(&xfd);
	nic_msix_on(&d, efd);
	host_irq = vxics_num("host irq ");
	vxt_ok(vxics_num("bypass: on, ") == 1 && host_irq > 0 &&
	       vxics_num("guest ") == GUEST_IRQ && host_irq_count(host_irq, -1) >= 0,
	       "B1: the pairing is mapped: host irq %d -> guest %#x",
	       host_irq, GUEST_IRQ);

	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list",
		 host_irq);
	snprintf(cpu, sizeof(cpu), "%d", RUN_CPU);
	VXT_REQUIRE(!write_file(path, cpu), "steer host irq %d to CPU %d",
		    host_irq, RUN_CPU);
	pthread_create(&run, NULL, run_vcpu, NULL);
	usleep(300000);		/* the guest is in its loop */

	nic_unmask(&d);
	host0 = host_irq_count(host_irq, -1);
	bypassed0 = vxics_num(MAP_BYPASSED);
	raise_counted(&d, RAISES, 20000);
	usleep(100000);
	host1 = host_irq_count(host_irq, -1);
	bypassed1 = vxics_num(MAP_BYPASSED);
	vxt_diag("bypass on: %lld of %d bypassed (%lld deferred, %lld unmapped), host counted %lld",
		 bypassed1, RAISES, vxics_num("bypass-deferred "),
		 vxics_num(" unmapped "), host1 - host0);
	/*
	 * Every interrupt that found the vCPU in the guest was bypassed:
	 * none of those fell back.  The rest came while the vCPU was out
	 * (a host tick) and took the host path without reaching us.
	 */
	vxt_ok(bypassed0 == 0 && bypassed1 >= 1 &&
	       vxics_num(ICP_BYPASSED) == bypassed1 &&
	       vxics_num("fallback: off ") == 0 && vxics_num(" unmapped ") == 0 &&
	       vxics_num("bypass-elsewhere ") == 0,
	       "B4, B9: every interrupt that came in while the vCPU ran was bypassed (%lld of %d), counted per vCPU and per mapping alike",
	       bypassed1, RAISES);
	vxt_ok(host1 - host0 == RAISES,
	       "B9: /proc/interrupts counts each once, bypassed or not (%lld)",
	       host1 - host0);

	off0 = host_reason("off ");
	VXT_REQUIRE(!write_file(BYPASS_PARAM, "0"), "vxics.bypass=0");
	traced = !trace_event("vxics/vxics_host_path", 1);
	raise_counted(&d, RAISES, 20000);
	usleep(100000);
	host2 = host_irq_count(host_irq, -1);
	off1 = vxics_num("fallback: off ");
	if (traced) {
		events = trace_count("vxics_host_path:");
		vxt_ok(events == host2 - host1 &&
		       trace_count("reason=off") == events,
		       "B9: switched off, the tracepoint saw each fallback in virtual mode, reason off (%lld of %lld)",
		       events, host2 - host1);
		trace_event("vxics/vxics_host_path", 0);
	} else {
		vxt_skip("B9: no event tracing in this kernel (%s)",
			 "the debug and distribution-like hosts have it");
	}
	vxt_ok(vxics_num(MAP_BYPASSED) == bypassed1 && off1 >= 1 &&
	       off1 <= RAISES && host2 - host1 == RAISES &&
	       host_reason("off ") - off0 == RAISES,
	       "B6, B8: switched off, none bypassed, %lld counted as off in real mode, %lld on the host path, host counted %lld",
	       off1, host_reason("off ") - off0, host2 - host1);
	VXT_REQUIRE(!write_file(BYPASS_PARAM, "1"), "vxics.bypass=1");

	VXT_REQUIRE(!vm_switch(0), "this VM's switch off");
	raise_counted(&d, RAISES / 4, 20000);
	usleep(100000);
	vxt_ok(vxics_num(MAP_BYPASSED) == bypassed1 &&
	       vxics_num("bypass: off, ") == 1 && !vm_switch(1) &&
	       vxics_num("bypass: on, ") == 1,
	       "B8: this VM's own switch turns its bypass off and on");

	/* Both switches flipped under a stream of interrupts. */
	stream_dev = &d;
	pthread_create(&st, NULL, stream, NULL);
	while (!__atomic_load_n(&stream_done, __ATOMIC_ACQUIRE)) {
		const char *on = ++switches & 2 ? "1" : "0";

		if (switches & 1)
			VXT_REQUIRE(!write_file(BYPASS_PARAM, on),
				    "flip vxics.bypass");
		else
			VXT_REQUIRE(!vm_switch(!(switches & 2)),
				    "flip this VM's switch");
		usleep(7000);
	}
	pthread_join(st, NULL);
	VXT_REQUIRE(!write_file(BYPASS_PARAM, "1") && !vm_switch(1),
		    "both switches on");
	usleep(100000);
	host3 = host_irq_count(host_irq, -1);
	vxt_diag("stream: %lld switches, %lld interrupts, %lld bypassed",
		 switches, host3 - host2, vxics_num(MAP_BYPASSED) - bypassed1);

	/*
	 * B10: the guest renumbers the MSI (ibm,change-msi).  XICS routes
	 * no GSIs (an irqfd's number is the guest source), so QEMU moves the
	 * irqfd, eventfd kept, to the new number: the irq bypass manager
	 * unpairs and pairs again, and the mapping follows.  And back.
	 */
	bypassed_old = vxics_num(MAP_BYPASSED);
	trig = src_triggers(GUEST_IRQ);
	VXT_REQUIRE(!xics_irqfd_move(vm, efd, GUEST_IRQ, NEW_IRQ),
		    "irqfd %#x -> %#x", GUEST_IRQ, NEW_IRQ);
	moved = vxics_num("guest 0x1002 bypassed ") == 0 &&
		vxics_num(MAP_BYPASSED) < 0;
	raise_counted(&d, 10, 20000);
	usleep(100000);
	bypassed_new = vxics_num("guest 0x1002 bypassed ");
	moved = moved && src_triggers(NEW_IRQ) == 10 &&
		src_triggers(GUEST_IRQ) == trig;
	VXT_REQUIRE(!xics_irqfd_move(vm, efd, NEW_IRQ, GUEST_IRQ),
		    "irqfd %#x -> %#x", NEW_IRQ, GUEST_IRQ);
	vxt_ok(moved && vxics_num(MAP_BYPASSED) == 0 &&
	       vxics_num("guest 0x1002 ") < 0 && vxics_num("bypass: on, ") == 1,
	       "B10: renumbered, the mapping follows: 10 of 10 to the new source (%lld bypassed), none to the old; and back",
	       bypassed_new);

	/*
	 * B7: the host interrupt follows the vCPU.  Steered away from it,
	 * it comes back while the interrupts still come; the vCPU moved, it
	 * follows.  The first to arrive on the wrong CPU takes the host
	 * path and moves it, so exactly that one lands there: the vCPU is
	 * found where it last ran even while it is out of the guest, as the
	 * vCPU sharing CPU 0 with this thread mostly is when one arrives.
	 */
	steers = vxics_num("host path, ");
	VXT_REQUIRE(!write_file(path, "0"), "steer host irq %d to CPU 0",
		    host_irq);
	wrong = host_irq_count(host_irq, 0);
	raise_counted(&d, 10, 20000);
	wrong = host_irq_count(host_irq, 0) - wrong;
	vxt_ok(host_irq_cpu(host_irq) == RUN_CPU && wrong <= 1 &&
	       vxics_num("host path, ") > steers,
	       "B7: moved off its vCPU's CPU, the host irq comes back to CPU %d (%lld arrivals on CPU 0)",
	       host_irq_cpu(host_irq), wrong);
	wrong_all = wrong;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	VXT_REQUIRE(!pthread_setaffinity_np(run, sizeof(set), &set),
		    "move the vCPU thread to CPU 0");
	for (i = 0; i < 200 && vcpu_thread_cpu() != 0; i++)
		usleep(10000);
	VXT_REQUIRE(vcpu_thread_cpu() == 0, "the vCPU thread runs on CPU 0");
	/* and has entered the guest there: its real-mode hcalls go on */
	hcalls = vxics_num("rm-hcalls ");
	for (i = 0; i < 200 && vxics_num("rm-hcalls ") <= hcalls + 1; i++)
		usleep(10000);
	wrong = host_irq_count(host_irq, RUN_CPU);
	raise_counted(&d, 10, 20000);
	wrong = host_irq_count(host_irq, RUN_CPU) - wrong;
	vxt_ok(host_irq_cpu(host_irq) == 0 && wrong <= 1 &&
	       vxics_num("host path, ") == steers + 2,
	       "B7: the vCPU moved to CPU 0, its host irq followed (%lld arrivals on CPU %d, %lld steers in all)",
	       wrong, RUN_CPU, vxics_num("host path, "));
	wrong_all += wrong;

	/*
	 * B10: the CPU running the vCPU and taking its host interrupt goes
	 * offline under a stream of interrupts, and comes back: genirq
	 * moves the interrupt, the scheduler the vCPU thread; none is lost
	 * (counted below with all the others).  Kernels without CPU hotplug
	 * (the test host's) have no cpu/hotplug directory.
	 */
	if (access("/sys/devices/system/cpu/hotplug", F_OK)) {
		bad_aff = vxt_vcpu_stat(vcpu, "pthru_bad_aff");
		wrong_core = host_reason("wrong-core ");
		vxt_skip("B10: no CPU hotplug in this kernel (%s)",
			 "the distribution-like host has it");
		goto hotplugged;
	}
	CPU_ZERO(&set);
	CPU_SET(RUN_CPU, &set);
	VXT_REQUIRE(!pthread_setaffinity_np(run, sizeof(set), &set),
		    "move the vCPU thread back to CPU %d", RUN_CPU);
	for (i = 0; i < 200 && vcpu_thread_cpu() != RUN_CPU; i++)
		usleep(10000);
	hcalls = vxics_num("rm-hcalls ");
	for (i = 0; i < 200 && vxics_num("rm-hcalls ") <= hcalls + 1; i++)
		usleep(10000);
	wrong = host_irq_count(host_irq, 0);
	raise_counted(&d, 10, 20000);
	wrong_all += host_irq_count(host_irq, 0) - wrong;
	snprintf(cpu, sizeof(cpu), "/sys/devices/system/cpu/cpu%d/online",
		 RUN_CPU);
	hotplug = host_irq_cpu(host_irq) == RUN_CPU;
	/* from here the vCPU thread may run anywhere: wrong cores count */
	bad_aff = vxt_vcpu_stat(vcpu, "pthru_bad_aff");
	wrong_core = host_reason("wrong-core ");
	__atomic_store_n(&stream_done, 0, __ATOMIC_RELEASE);
	pthread_create(&st, NULL, stream, NULL);
	usleep(100000);
	hotplug = hotplug && !write_file(cpu, "0");
	usleep(200000);
	moved_to = host_irq_cpu(host_irq);
	hotplug = !write_file(cpu, "1") && hotplug;
	pthread_join(st, NULL);
	usleep(100000);
	vxt_ok(hotplug && moved_to == 0 &&
	       src_triggers(GUEST_IRQ) + src_triggers(NEW_IRQ) == raised,
	       "B10: CPU %d offline and online again under %d interrupts: its host irq moved to CPU %d, none lost",
	       RUN_CPU, STREAM, moved_to);
hotplugged:
	host3 = host_irq_count(host_irq, -1);

	nic_mask(&d);
	xl_stop(vm);
	pthread_join(run, NULL);
	trig = src_triggers(GUEST_IRQ) + src_triggers(NEW_IRQ);
	vxt_ok(!guest_failed, "the guest's hcalls all succeeded");
	/*
	 * Every interrupt raised reached the host (so each before it was
	 * EOI'd on the PHB and the ICP) and triggered the guest source
	 * once, whichever path it took, switching included.
	 */
	vxt_ok(host3 - host0 == raised && trig == raised,
	       "B1, B5, B6, B8: of %d interrupts raised the host counted %lld and the guest source was triggered %lld times, by one path or the other, switching included",
	       raised, host3 - host0, trig);
	vxt_ok((long long)accepted + vxics_num(" coalesced ") == trig,
	       "B4, B5: the guest accepted every one, so each was EOI'd on the host (%llu, coalesced %lld)",
	       (unsigned long long)accepted, vxics_num(" coalesced "));
	/*
	 * B9: KVM's own passthrough statistics of the vCPU (binary stats):
	 * every one delivered, those by the host path, and those that
	 * arrived on another core than the vCPU's (the B7 moves).
	 */
	vxt_ok(vxt_vcpu_stat(vcpu, "pthru_all") == trig &&
	       vxt_vcpu_stat(vcpu, "pthru_host") == vxics_num("mapped, ") &&
	       vxt_vcpu_stat(vcpu, "pthru_all") -
	       vxt_vcpu_stat(vcpu, "pthru_host") ==
	       bypassed_old + bypassed_new + vxics_num(MAP_BYPASSED) &&
	       bad_aff == wrong_all,
	       "B9: the vCPU's KVM stats: pthru_all %lld, pthru_host %lld (the host path), pthru_bad_aff %lld (wrong core, %lld before CPU hotplug)",
	       vxt_vcpu_stat(vcpu, "pthru_all"),
	       vxt_vcpu_stat(vcpu, "pthru_host"),
	       vxt_vcpu_stat(vcpu, "pthru_bad_aff"), bad_aff);
	/*
	 * B6: each mapped interrupt that took the host path was counted
	 * once, by its reason: off (the switches), wrong core (the B7
	 * arrivals, as pthru_bad_aff), not running (the vCPU was out of the
	 * guest: a host tick, an exit).  Nothing here is masked or another
	 * VM's.
	 */
	vxt_ok(host_reason("off ") + host_reason("masked ") +
	       host_reason("other-vm ") + host_reason("wrong-core ") +
	       host_reason("not-running ") == vxics_num("mapped, ") &&
	       wrong_core == bad_aff && !host_reason("masked ") &&
	       !host_reason("other-vm "),
	       "B6: each of %lld host-path arrivals counted once by reason: off %lld, wrong core %lld, not running %lld",
	       vxics_num("mapped, "), host_reason("off "),
	       host_reason("wrong-core "), host_reason("not-running "));

	VXT_REQUIRE(!nic_msix_off(&d), "disable MSI-X");
	vxt_ok(vxics_num("bypass: on, ") == 0 && vxics_num(" source ") == 0,
	       "B10: MSI-X off, the mapping is gone; no interrupt met a non-MSI source");

	/* B10: the device goes first, the VM and its irqfd stay. */
	nic_msix_on(&d, efd);
	VXT_REQUIRE(vxics_num("bypass: on, ") == 1, "mapped again");
	vxv_give_back(&d);
	vxt_ok(vxics_num("bypass: on, ") == 0 && !xics_irqfd_trigger(efd) &&
	       src_triggers(GUEST_IRQ) + src_triggers(NEW_IRQ) == trig + 1,
	       "B10: device released first: the mapping is gone, the irqfd still injects");
	vxt_ok(!xics_irqfd_release(vm, efd, GUEST_IRQ),
	       "the irqfd is released");
	vxt_vcpu_destroy(vcpu);
	close(xfd);
	vxt_vm_destroy(vm);

	/* B10: the VM goes first, with MSI-X on and mapped. */
	vxv_take(&d, bdf[0]);
	efd = vm_setup(&xfd);
	nic_msix_on(&d, efd);
	VXT_REQUIRE(vxics_num("bypass: on, ") == 1, "mapped in a new VM");
	vxt_vcpu_destroy(vcpu);
	close(xfd);
	vxt_vm_destroy(vm);
	nic_unmask(&d);
	nic_raise(&d, 1, 0);
	vxt_ok(vxv_wait(efd, 3000) > 0,
	       "B10: VM destroyed first, MSI-X on: undone without a splat, the device's interrupt reaches its eventfd");
	nic_mask(&d);
	VXT_REQUIRE(!nic_msix_off(&d), "disable MSI-X");
	close(efd);
	vxv_give_back(&d);
	return vxt_exit();
}
