// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM-HV as a module: vxics's real-mode half stays in the kernel image
 * while kvm.ko (with vxics's device) and kvm-hv.ko come and go.  Each
 * round runs a guest whose XICS hcalls finish in real mode (in the image)
 * and whose MSI is raised from virtual mode (through the module), then
 * unloads both modules and loads them again.  A pointer the image kept
 * into an unloaded module would be followed in the next round.  While a
 * VM lives, kvm_hv cannot be unloaded.
 *
 * Skips on a kernel whose KVM is built in.
 *
 * Rules: R36 (R6 R11 for the guest).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "lib/vxt.h"
#include "lib/xics.h"

GUEST_DECLARE(xics_rm);

#define MSI	0x1000
#define ROUNDS	3

/* Is module @name loaded (a line of /proc/modules starts with it)? */
static bool loaded(const char *name)
{
	char line[256];
	size_t n = strlen(name);
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, n) && line[n] == ' ';
	fclose(f);
	return found;
}

static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static bool modprobe(const char *name)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execl("/bin/busybox", "modprobe", name, (char *)NULL);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       !WEXITSTATUS(st);
}

static void *inject_later(void *arg)
{
	struct vxt_vm *vm = arg;
	struct kvm_irq_level l = { .irq = MSI, .level = 1 };

	usleep(100000);		/* the guest is spinning with EE on by now */
	if (ioctl(vm->fd, KVM_IRQ_LINE, &l))
		vxt_diag("KVM_IRQ_LINE failed");
	return NULL;
}

/*
 * One guest: a self-IPI polled and taken, an MSI injected by another
 * thread while it runs, both EOI'd, every hcall in real mode.  Returns
 * whether all of it happened; @busy says whether kvm_hv refused to go
 * while the VM lived.
 */
static bool one_guest(int round, bool *busy)
{
	unsigned long long rm = ~0ull, deferred = ~0ull, vm_hcalls = ~0ull;
	static char dbg[16384];
	struct vxt_hcall hc;
	struct vxt_vcpu *vcpu;
	struct vxt_vm *vm;
	bool ipi, msi;
	pthread_t t;
	int xfd;
	char *p;

	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "round %d: create the XICS device", round);
	GUEST_LOAD(vm, xics_rm);
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(vcpu, xfd, 0), "attach ICP server 0");
	VXT_REQUIRE(!xics_source_set(xfd, MSI, XICS_SRC(0, 5)), "define MSI");

	vxt_vcpu_run_to_hcall(vcpu, &hc);
	ipi = hc.nr == VXT_H_REPORT && hc.args[0] == 1 &&
	      hc.args[1] == 0xff000002;
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	ipi = ipi && hc.nr == VXT_H_REPORT && hc.args[0] == 2 &&
	      hc.args[1] == 0xff000002;
	pthread_create(&t, NULL, inject_later, vm);
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	pthread_join(t, NULL);
	msi = hc.nr == VXT_H_REPORT && hc.args[0] == 2 &&
	      hc.args[1] == (0xff000000 | MSI);

	if (vxt_vm_debugfs(vm, "vxics", dbg, sizeof(dbg))) {
		p = strstr(dbg, "rm-hcalls");
		if (p)
			sscanf(p, "rm-hcalls %llu rm-deferred %llu vm-hcalls %llu",
			       &rm, &deferred, &vm_hcalls);
	}
	*busy = unload("kvm_hv") == -EWOULDBLOCK && loaded("kvm_hv");

	close(xfd);
	vxt_vcpu_destroy(vcpu);
	vxt_vm_destroy(vm);
	if (!ipi || !msi || rm != 7 || deferred || vm_hcalls)
		vxt_diag("round %d: ipi %d msi %d rm %llu deferred %llu vm %llu",
			 round, ipi, msi, rm, deferred, vm_hcalls);
	return ipi && msi && rm == 7 && !deferred && !vm_hcalls;
}

int main(void)
{
	bool guests = true, busy = true, gone = true, back = true;
	int round, e;

	if (!loaded("kvm_hv")) {
		vxt_plan(1);
		vxt_skip("KVM-HV is built in: no module to cycle");
		return vxt_exit();
	}
	vxt_plan(4);
	for (round = 1; round <= ROUNDS; round++) {
		bool b = false;

		guests &= one_guest(round, &b);
		busy &= b;
		/* No VM left: both modules go, the image's half stays */
		e = unload("kvm_hv");
		if (!e)
			e = unload("kvm");
		if (e || loaded("kvm_hv") || loaded("kvm") ||
		    !access("/dev/kvm", F_OK)) {
			vxt_diag("round %d: unload: %s", round, strerror(-e));
			gone = false;
		}
		if (!modprobe("kvm_hv") || !loaded("kvm") ||
		    access("/dev/kvm", R_OK | W_OK)) {
			vxt_diag("round %d: modprobe kvm_hv failed", round);
			back = false;
			break;
		}
	}
	vxt_ok(busy, "R36: kvm_hv stays loaded while a VM holds it (EWOULDBLOCK)");
	vxt_ok(gone, "R36: with no VM left, kvm_hv and kvm unload, /dev/kvm goes");
	vxt_ok(back, "R36: modprobe kvm_hv brings kvm and /dev/kvm back");
	/* a last guest on the modules loaded last */
	if (back)
		guests &= one_guest(round, &busy);
	vxt_ok(guests && back,
	       "R36 R11 R6: %d guests over %d reloads: IPI, MSI taken, hcalls in real mode",
	       round, ROUNDS);
	return vxt_exit();
}
