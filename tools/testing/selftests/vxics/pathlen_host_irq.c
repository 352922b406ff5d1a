// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of bench/pathlen's host-interrupt row: an MSI that the
 * host owns, no VM anywhere.  The e1000e's MSI-X vector 0 goes to
 * vfio-pci, whose handler (vfio_msihandler) signals an eventfd nobody
 * turned into an irqfd; the host interrupt is steered to CPU RUN_CPU,
 * where a thread spins in userspace, so the MSI is taken there from user
 * code; this thread raises the cause from CPU 0, one interrupt at a
 * time, and reads the eventfd.  The meter's span starts at the 0x4500
 * vector's common code and stops at vfio_msihandler: the interrupt's way
 * to its driver's handler, what the bypass's path to the guest's handler
 * is compared with.  The same test on either kernel (it needs no vxics).
 * Iterations: "pathlen.iters=N" (default 20).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include "lib/vxt.h"
#include "lib/vfio.h"
#include "lib/nic.h"

#define RUN_CPU		1

static int stop;

/* Whether any KVM VM exists (its debugfs directory): there must be none */
static int kvm_vms(void)
{
	DIR *dp = opendir("/sys/kernel/debug/kvm");
	struct dirent *e;
	int vms = 0;

	while (dp && (e = readdir(dp)))
		vms += e->d_name[0] >= '0' && e->d_name[0] <= '9';
	if (dp)
		closedir(dp);
	return vms;
}

static void *spin(void *arg)
{
	vxt_pin(RUN_CPU);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		;
	return NULL;
}

int main(void)
{
	int n = vxt_cmdline_int("pathlen.iters=", 20), efd, host_irq, i, got = 0;
	long long before, after;
	char bdf[1][VXV_BDF_LEN], path[64], cpu[16];
	struct vxv_dev d;
	pthread_t th;

	vxv_need(vxv_find(0x8086, 0x10d3, 1, bdf, 1), 2,
		 "e1000e alone in an iommu group");
	vxt_plan(2);
	VXT_REQUIRE(sysconf(_SC_NPROCESSORS_ONLN) > RUN_CPU, "host CPU %d",
		    RUN_CPU);
	vxt_pin(0);
	vxv_take(&d, bdf[0]);
	efd = eventfd(0, 0);
	VXT_REQUIRE(efd >= 0, "eventfd");
	nic_msix_on(&d, efd);
	snprintf(path, sizeof(path), "vfio-msix[0](%s)", bdf[0]);
	host_irq = host_irq_by_name(path);
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list",
		 host_irq);
	snprintf(cpu, sizeof(cpu), "%d", RUN_CPU);
	VXT_REQUIRE(host_irq > 0 && !write_file(path, cpu),
		    "host irq %d steered to CPU %d", host_irq, RUN_CPU);
	snprintf(path, sizeof(path), "/proc/irq/%d/vfio-msix[0](%s)", host_irq,
		 bdf[0]);
	vxt_ok(!access(path, F_OK) && !kvm_vms(),
	       "%s: host irq %d, with vfio-pci's handler, and no VM",
	       bdf[0], host_irq);
	pthread_create(&th, NULL, spin, NULL);
	usleep(100000);
	nic_unmask(&d);
	before = host_irq_count(host_irq, RUN_CPU);
	for (i = 0; i < n; i++) {
		struct pollfd p = { .fd = efd, .events = POLLIN };
		uint64_t v = 0;

		nic_raise(&d, 1, 0);
		/* vfio_msihandler signals it once per interrupt */
		if (poll(&p, 1, 3000) != 1 ||
		    read(efd, &v, sizeof(v)) != sizeof(v) || v != 1)
			break;
		got++;
		usleep(5000);
	}
	after = host_irq_count(host_irq, RUN_CPU);
	nic_mask(&d);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	vxt_ok(got == n && after - before == n,
	       "%d interrupts, each taken on CPU %d (%lld) and signalled once (%d)",
	       n, RUN_CPU, after - before, got);
	VXT_REQUIRE(!nic_msix_off(&d), "disable MSI-X");
	vxv_give_back(&d);
	close(efd);
	return vxt_exit();
}
