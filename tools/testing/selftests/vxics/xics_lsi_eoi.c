// SPDX-License-Identifier: GPL-2.0-only
/*
 * R15: the H_EOI of a level-sensitive source leaves real mode only when
 * the VM has an ack notifier to run.  Without one (no resampling irqfd),
 * the guest's H_EOI of an LSI finishes in real mode like any other; with
 * a KVM_IRQFD_FLAG_RESAMPLE irqfd on the source, the EOI is finished in
 * virtual mode, where the resampler deasserts the line and signals its
 * eventfd.  Counted by the per-VM debugfs file (rm-hcalls, rm-deferred).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include "lib/xics.h"

#define LSI	0x1002
#define PRIO	5
#define SOON	1000	/* ms */

static struct vxt_vm *vm;
static struct xg g;
static int xfd;

struct counts {
	unsigned long long rm, deferred, vm_hcalls, notifies;
};

static struct counts counts(void)
{
	static char dbg[8192];
	struct counts c = { ~0ull, ~0ull, ~0ull, ~0ull };
	char *p;

	if (!vxt_vm_debugfs(vm, "vxics", dbg, sizeof(dbg)))
		return c;
	p = strstr(dbg, "rm-hcalls");
	if (p)
		sscanf(p, "rm-hcalls %llu rm-deferred %llu vm-hcalls %llu kicks %*u notifies %llu",
		       &c.rm, &c.deferred, &c.vm_hcalls, &c.notifies);
	return c;
}

/* The guest takes the asserted LSI, holds it; the line drops; H_EOI. */
static struct counts take_and_eoi(void)
{
	struct counts a, b;

	g.hold_eoi = true;
	VXT_REQUIRE(!xics_irq_line(vm, LSI, 1), "assert the LSI");
	VXT_REQUIRE(xg_wait(&g, 1, SOON) == 1 &&
		    xg_last(&g) == xics_xirr(0xff, LSI), "LSI taken");
	VXT_REQUIRE(!xics_irq_line(vm, LSI, 0), "deassert the LSI");
	a = counts();
	VXT_REQUIRE(xg_hcall(&g, H_EOI, xics_xirr(0xff, LSI), 0, 0, NULL) ==
		    H_SUCCESS, "H_EOI of the LSI");
	b = counts();
	b.rm -= a.rm;
	b.deferred -= a.deferred;
	b.vm_hcalls -= a.vm_hcalls;
	b.notifies -= a.notifies;
	return b;
}

int main(void)
{
	struct kvm_irqfd req = { .gsi = LSI, .flags = KVM_IRQFD_FLAG_RESAMPLE };
	struct pollfd pfd;
	struct counts d;
	uint64_t n = 0;
	int efd, rfd;

	vxt_plan(4);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device");
	xg_load(vm);
	xg_start(&g, vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY));
	VXT_REQUIRE(!xics_icp_attach(g.vcpu, xfd, 0), "attach ICP 0");
	VXT_REQUIRE(!xics_source_set(xfd, LSI, XICS_SRC(0, PRIO) |
				     KVM_XICS_LEVEL_SENSITIVE), "define LSI");
	VXT_REQUIRE(xg_hcall(&g, H_CPPR, 0xff, 0, 0, NULL) == H_SUCCESS, "CPPR");

	d = take_and_eoi();
	vxt_ok(d.rm == 1 && d.deferred == 0 && d.vm_hcalls == 0 && d.notifies == 0,
	       "R15: no ack notifier: the LSI's H_EOI stays in real mode (rm %llu deferred %llu vm %llu notifies %llu)",
	       d.rm, d.deferred, d.vm_hcalls, d.notifies);

	efd = eventfd(0, EFD_CLOEXEC);
	rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	VXT_REQUIRE(efd >= 0 && rfd >= 0, "eventfds");
	req.fd = efd;
	req.resamplefd = rfd;
	VXT_REQUIRE(!ioctl(vm->fd, KVM_IRQFD, &req), "resampling irqfd: %s",
		    strerror(errno));
	d = take_and_eoi();
	vxt_ok(d.rm == 1 && d.deferred == 1 && d.notifies == 1,
	       "R15: with a resampling irqfd the EOI finishes in virtual mode (rm %llu deferred %llu notifies %llu)",
	       d.rm, d.deferred, d.notifies);
	pfd = (struct pollfd){ .fd = rfd, .events = POLLIN };
	vxt_ok(poll(&pfd, 1, SOON) == 1 && read(rfd, &n, sizeof(n)) == sizeof(n) &&
	       n == 1, "R15: the resampler ran once on the EOI (resamplefd %llu)",
	       (unsigned long long)n);

	req.flags = KVM_IRQFD_FLAG_DEASSIGN;
	VXT_REQUIRE(!ioctl(vm->fd, KVM_IRQFD, &req), "deassign the irqfd");
	d = take_and_eoi();
	vxt_ok(d.rm == 1 && d.deferred == 0,
	       "R15: notifier gone: back in real mode (rm %llu deferred %llu)",
	       d.rm, d.deferred);
	return vxt_exit();
}
