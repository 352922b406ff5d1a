// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest side of bench/pathlen's passthrough rows: an e1000e's MSI-X
 * vector 0, passed through with vfio-pci and paired with a KVM irqfd the
 * way QEMU pairs them, interrupts a guest (guest_pathlen_msi.S) whose
 * vCPU waits in the guest on host CPU RUN_CPU, where the host interrupt
 * is steered too; this thread raises the cause from CPU 0, one interrupt
 * at a time.  The meter's span starts where the host takes an external
 * interrupt from a guest and ends in the guest, after its H_EOI, with a
 * lap at its 0x500 handler.  Phase 0 runs with the bypass on, phase 1
 * with vxics.bypass=0 (the irqfd path); each ends at its own stop site.
 *
 * It is an ordinary selftest too: every interrupt arrives once, and the
 * bypass takes them in phase 0 and none in phase 1.  Iterations:
 * "pathlen.iters=N" on the kernel command line (default 20).
 *
 * "pathlen.ballast=N": N more live mappings in the VM, made first, so
 * that the measured one is the last one mapped (upstream scans its table
 * in that order): vectors of NVMe controllers (MSI-X tables of up to
 * 2048, QEMU's msix_qsize) on eventfds that are irqfds of guest sources
 * BALLAST_IRQ..; they never fire.
 *
 * On a kernel without vxics (upstream's XICS and passthrough, for the
 * bench) only phase 0 runs: upstream's switch, kvm_hv.kvm_irq_bypass, is
 * read at boot, so its two rows are two boots; the host irq is found by
 * its name in /proc/interrupts.  Phase 0's own check is the same on both
 * kernels, so that their baselines compare: the host irq's count in
 * /proc/interrupts and the vCPU's KVM statistics (pthru_all: passed-through
 * interrupts the guest took, pthru_host: those that came the host's way;
 * ours count at the trigger, upstream's at the guest's real-mode H_EOI,
 * which here, one interrupt at a time, is the same; upstream counts
 * neither with its bypass off, as it maps nothing then).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/vxt.h"
#include "lib/vfio.h"
#include "lib/xics.h"
#include "lib/nic.h"

GUEST_DECLARE(pathlen_msi);
GUEST_DECLARE(pathlen_msi_sites);

#define GUEST_IRQ	0x1000
#define BALLAST_IRQ	0x2000
#define RUN_CPU		1
#define BYPASS_PARAM	"/sys/module/vxics/parameters/bypass"
#define UPSTREAM_PARAM	"/sys/module/kvm_hv/parameters/kvm_irq_bypass"
#define MAP_BYPASSED	"guest 0x1000 bypassed "

static struct vxt_vcpu *vcpu;
static uint64_t exit_nr;

static void *run_vcpu(void *arg)
{
	struct vxt_hcall hc;

	vxt_pin(RUN_CPU);
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	exit_nr = hc.nr;
	return NULL;
}

static uint64_t guest_word(struct vxt_vm *vm, unsigned long off)
{
	return __atomic_load_n((uint64_t *)(vm->mem + off), __ATOMIC_ACQUIRE);
}

/*
 * @n mappings that never fire: MSI-X vectors of up to two NVMe
 * controllers (a PHB3 gives 2040 MSIs) paired with irqfds of guest
 * sources BALLAST_IRQ...  Returns how many are mapped.
 */
static int ballast(struct vxt_vm *vm, int xfd, struct vxv_dev *nd, int n)
{
	struct rlimit nofile = { n + 256, n + 256 };
	char bdf[2][VXV_BDF_LEN];
	int i, k, m, got = 0, *efds;
	int devs = vxv_find(0x1b36, 0x0010, 1, bdf, 2);

	if (setrlimit(RLIMIT_NOFILE, &nofile))
		return 0;
	efds = calloc(n, sizeof(*efds));
	for (k = 0; efds && k < devs && got < n; k++) {
		vxv_take(&nd[k], bdf[k]);
		m = n - got;
		if (m > 2040)
			m = 2040;
		if ((int)vxv_irq_count(&nd[k], VFIO_PCI_MSIX_IRQ_INDEX) < m)
			break;
		for (i = 0; i < m; i++) {
			if (xics_source_set(xfd, BALLAST_IRQ + got + i,
					    XICS_SRC(0, 5)))
				break;
			efds[i] = xics_irqfd(vm, BALLAST_IRQ + got + i);
			if (efds[i] < 0)
				break;
		}
		if (i < m || vxv_irq_eventfds(&nd[k], VFIO_PCI_MSIX_IRQ_INDEX,
					      efds, m))
			break;
		got += m;
	}
	free(efds);
	return got;
}

/* Raise @n interrupts one at a time, each once the last was taken */
static int raise_each(struct vxt_vm *vm, struct vxv_dev *d, int n)
{
	uint64_t taken = guest_word(vm, PM_TAKEN);
	int i, ms;

	for (i = 0; i < n; i++) {
		nic_raise(d, 1, 0);
		for (ms = 0; ms < 3000 && guest_word(vm, PM_TAKEN) == taken;
		     ms++)
			usleep(1000);
		if (guest_word(vm, PM_TAKEN) == taken)
			break;
		taken++;
		usleep(5000);	/* the guest back in its wait loop */
	}
	return i;
}

int main(void)
{
	int n = vxt_cmdline_int("pathlen.iters=", 20), xfd, efd, host_irq;
	int extra = vxt_cmdline_int("pathlen.ballast=", 0);
	struct vxv_dev nd[2];
	long long on = 0, off = 0, off0, irqs0, all, via_host;
	bool ours = !access(BYPASS_PARAM, F_OK);
	char bdf[1][VXV_BDF_LEN], path[64], cpu[16];
	struct vxv_dev d;
	struct vxt_vm *vm;
	pthread_t run;
	int got0, got1, i;

	vxv_need(vxv_find(0x8086, 0x10d3, 1, bdf, 1), ours ? 6 : 3,
		 "e1000e alone in an iommu group");
	vxt_plan(ours ? 6 : 3);
	VXT_REQUIRE(sysconf(_SC_NPROCESSORS_ONLN) > RUN_CPU, "host CPU %d",
		    RUN_CPU);
	vxt_pin(0);
	vxv_take(&d, bdf[0]);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "XICS device");
	GUEST_LOAD(vm, pathlen_msi);
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(vcpu, xfd, 0), "ICP 0");
	VXT_REQUIRE(!xics_source_set(xfd, GUEST_IRQ, XICS_SRC(0, 5)), "MSI");
	efd = xics_irqfd(vm, GUEST_IRQ);
	VXT_REQUIRE(efd >= 0, "KVM_IRQFD for source %#x", GUEST_IRQ);
	if (extra) {
		VXT_REQUIRE(ballast(vm, xfd, nd, extra) == extra,
			    "%d more mappings (NVMe MSI-X vectors)", extra);
		vxt_diag("ballast: %d mappings (%lld mapped)", extra,
			 vxt_vxics_num(vm, "bypass: on, "));
	}
	nic_msix_on(&d, efd);
	snprintf(path, sizeof(path), "vfio-msix[0](%s)", bdf[0]);
	host_irq = host_irq_by_name(path);
	if (ours)
		vxt_ok(host_irq > 0 && vxt_vxics_num(vm, MAP_BYPASSED) == 0 &&
		       vxt_vxics_num(vm, "bypass: on, ") == extra + 1,
		       "the pairing is mapped: host irq %d -> guest %#x, %d mappings",
		       host_irq, GUEST_IRQ, extra + 1);
	else
		vxt_ok(host_irq > 0, "upstream: host irq %d is %s", host_irq,
		       path);
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list",
		 host_irq);
	snprintf(cpu, sizeof(cpu), "%d", RUN_CPU);
	VXT_REQUIRE(!write_file(path, cpu), "steer host irq %d to CPU %d",
		    host_irq, RUN_CPU);
	vxt_diag("iterations %d", n);
	vxt_pl_print_sites(guest_pathlen_msi_sites_start, guest_pathlen_msi_sites_end);

	pthread_create(&run, NULL, run_vcpu, NULL);
	usleep(300000);		/* the guest waits with MSR[EE]=1 */
	nic_unmask(&d);

	irqs0 = host_irq_count(host_irq, -1);
	got0 = raise_each(vm, &d, n);
	irqs0 = host_irq_count(host_irq, -1) - irqs0;
	all = vxt_vcpu_stat(vcpu, "pthru_all");
	via_host = vxt_vcpu_stat(vcpu, "pthru_host");
	if (!ours && vxt_read_flag(UPSTREAM_PARAM) == 0)
		vxt_ok(irqs0 == got0 && all == 0 && via_host == 0,
		       "upstream, bypass off: the host irq counted %lld of %d; nothing mapped, so no KVM pthru stats (%lld, %lld)",
		       irqs0, got0, all, via_host);
	else
		vxt_ok(irqs0 == got0 && all == got0 && all - via_host >= n / 8,
		       "%s: the host irq counted %lld of %d; KVM stats: pthru_all %lld, pthru_host %lld, so %lld bypassed",
		       ours ? "bypass on" : "upstream, bypass on", irqs0, got0,
		       all, via_host, all - via_host);
	if (!ours) {
		nic_mask(&d);
		xl_stop(vm);
		pthread_join(run, NULL);
		vxt_ok(got0 == n && guest_word(vm, PM_TAKEN) == (uint64_t)n &&
		       !guest_word(vm, PM_OTHER) && exit_nr == VXT_H_DONE,
		       "upstream: each of %d interrupts taken once by the guest, after its H_XIRR and H_EOI (%d)",
		       n, got0);
		goto out;
	}
	on = vxt_vxics_num(vm, MAP_BYPASSED);
	vxt_diag("bypass on: %lld deferred, %lld elsewhere", vxt_vxics_num(vm, "bypass-deferred "),
		 vxt_vxics_num(vm, "bypass-elsewhere "));
	vxt_diag("fallback: %lld off, %lld unmapped, %lld source; %lld by the host path",
		 vxt_vxics_num(vm, "fallback: off "),
		 vxt_vxics_num(vm, " unmapped "),
		 vxt_vxics_num(vm, " source "),
		 vxt_vxics_num(vm, "mapped, "));
	VXT_REQUIRE(!write_file(BYPASS_PARAM, "0"), "vxics.bypass=0");
	__atomic_store_n((uint64_t *)(vm->mem + PM_PHASE), 1, __ATOMIC_RELEASE);
	off0 = vxt_vxics_num(vm, "fallback: off ");
	got1 = raise_each(vm, &d, n);
	off = vxt_vxics_num(vm, "fallback: off ") - off0;
	VXT_REQUIRE(!write_file(BYPASS_PARAM, "1"), "vxics.bypass=1");

	nic_mask(&d);
	xl_stop(vm);
	pthread_join(run, NULL);
	vxt_diag("bypass on: %lld of %d bypassed; off: %lld counted as off",
		 on, got0, off);
	vxt_ok(got0 == n && got1 == n &&
	       guest_word(vm, PM_TAKEN) == (uint64_t)(2 * n) &&
	       !guest_word(vm, PM_OTHER) && exit_nr == VXT_H_DONE,
	       "each of %d interrupts taken once by the guest, after its H_XIRR and H_EOI (%d, %d)",
	       2 * n, got0, got1);
	/*
	 * An interrupt that finds the vCPU out of the guest (a host tick)
	 * takes the host path without meeting the bypass or its switch:
	 * measured 25-100 % of them in the guest, so an eighth is asked.
	 */
	vxt_ok(on >= n / 8 && on == all - via_host,
	       "bypass on: %lld of %d bypassed (as KVM's stats say)", on, n);
	vxt_ok(vxt_vxics_num(vm, MAP_BYPASSED) == on && off >= n / 8,
	       "bypass off: none bypassed, %lld counted as off", off);
	VXT_REQUIRE(!nic_msix_off(&d), "disable MSI-X");
	vxt_ok(vxt_vxics_num(vm, "bypass: on, ") == extra &&
	       vxt_vxics_num(vm, MAP_BYPASSED) < 0,
	       "MSI-X off: the mapping is gone");
out:
	if (!ours)
		VXT_REQUIRE(!nic_msix_off(&d), "disable MSI-X");
	vxv_give_back(&d);
	for (i = 0; extra && i < (extra + 2039) / 2040; i++) {
		vxv_irq_disable(&nd[i], VFIO_PCI_MSIX_IRQ_INDEX);
		vxv_give_back(&nd[i]);
	}
	close(efd);
	vxt_vcpu_destroy(vcpu);
	close(xfd);
	vxt_vm_destroy(vm);
	return vxt_exit();
}
