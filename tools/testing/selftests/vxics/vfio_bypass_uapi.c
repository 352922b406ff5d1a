// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_DEVICE_IRQ_BYPASS end to end with a real e1000e (B1, B9, B10):
 * its MSI-X vector 0 goes to an eventfd (no irqfd: nothing pairs it),
 * and is bound through the uAPI, with libvfio_bypass, to guest source
 * GUEST_IRQ of a VM whose vCPU loops accepting interrupts on RUN_CPU.
 *
 * - every error code through the real ioctl, nothing changed by any;
 * - bound, it is mapped and counts bypassed interrupts, and the
 *   vfio-bypass tool's --json (borrowing this process's fds) says so;
 * - an irqfd on the same eventfd and number pairs with it: one mapping
 *   held by both; unbound, the pairing keeps it;
 * - a range that fails part way binds nothing;
 * - renumbering (unbind, bind the new number), MSI-X disabled while
 *   bound, the device released while bound, and the VM closed first
 *   (its binding keeps it until MSI-X goes) leave no mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/kvm.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "lib/vxt.h"
#include "lib/vfio.h"
#include "lib/xics.h"
#include "lib/nic.h"
#include "vfio_bypass.h"

GUEST_DECLARE(xics_loop);

#define GUEST_IRQ	0x1000
#define IDLE_IRQ	0x1001
#define NEW_IRQ		0x1002
#define RUN_CPU		1
#define RAISES		40
#define MSIX		VFIO_PCI_MSIX_IRQ_INDEX
#define CLI		"/bin/vfio-bypass"

static struct vxt_vm *vm;
static struct vxt_vcpu *vcpu;
static int guest_failed, xfd;

static void *run_vcpu(void *arg)
{
	struct vxt_hcall hc;

	vxt_pin(RUN_CPU);
	vxt_vcpu_run_to_hcall(vcpu, &hc);
	if (hc.nr == VXT_H_REPORT)
		vxt_vcpu_run_to_hcall(vcpu, &hc);
	guest_failed = hc.nr != VXT_H_DONE;
	return NULL;
}

static void vm_setup(void)
{
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "XICS device");
	GUEST_LOAD(vm, xics_loop);
	vcpu = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(vcpu, xfd, 0), "ICP 0");
	VXT_REQUIRE(!xics_source_set(xfd, GUEST_IRQ, XICS_SRC(0, 5)), "MSI");
	VXT_REQUIRE(!xics_source_set(xfd, IDLE_IRQ, XICS_SRC(0, 5)), "idle");
	VXT_REQUIRE(!xics_source_set(xfd, NEW_IRQ, XICS_SRC(0, 5)), "new");
	vxt_vcpu_set_gpr(vcpu, 14, XL_MODE_ACCEPT);
	vxt_vcpu_set_gpr(vcpu, 15, xics_xirr(0xff, IDLE_IRQ));
}

/* The raw ioctl with a header as given, for the error table */
static int raw(int dev, uint32_t argsz, uint32_t flags, uint32_t index,
	       uint32_t start, uint32_t count, int vm_fd, uint32_t guest)
{
	struct {
		struct vfio_irq_bypass b;
		uint32_t guest[2];
	} a = { { argsz, flags, index, start, count, vm_fd }, { guest, guest } };

	return ioctl(dev, VFIO_DEVICE_IRQ_BYPASS, &a) ? -errno : 0;
}

static struct vfio_irq_bypass_vector q0(int dev)
{
	struct vfio_irq_bypass_vector v;

	memset(&v, 0xff, sizeof(v));
	if (vfio_bypass_query(dev, MSIX, 0, 1, &v))
		v.flags = ~0u;
	return v;
}

#define BOUND	(VFIO_IRQ_BYPASS_VEC_ENABLED | VFIO_IRQ_BYPASS_VEC_BOUND | \
		 VFIO_IRQ_BYPASS_VEC_MAPPED)

static long long mapped(void)
{
	return vxt_vxics_num(vm, "bypass: on, ");
}

/* Bind with @vm_fd from a child that dropped every capability: EPERM */
static int bind_from_child(int dev, int vm_fd)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct c[2] = { 0 };
	uint32_t g = GUEST_IRQ;
	int st;
	pid_t pid = fork();

	if (!pid) {
		if (syscall(SYS_capset, &h, c))
			_exit(100);
		_exit(-vfio_bypass_bind(dev, vm_fd, MSIX, 0, 1, &g));
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? -WEXITSTATUS(st) : -1000;
}

/* This process and its device fd, as the tool's arguments */
static char cli_pid[16], cli_fd[16];
static const char *const cli_watch[] = { "watch", cli_pid, "--fd", cli_fd,
					 "--interval", "0.2", "--count", "1",
					 NULL };
static const char *const cli_show_json[] = { "--json", "show", cli_pid,
					     "--fd", cli_fd, NULL };
static const char *const cli_unbind[] = { "unbind", cli_pid, "--fd", cli_fd,
					  "--start", "1", NULL };

/* The tool with @args, for this process: its stdout and stderr in @buf */
static int cli(const char *const *args, char *buf, size_t len)
{
	const char *argv[16] = { CLI };
	int p[2], st, i;
	size_t n = 0;
	ssize_t r;
	pid_t c;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	if (pipe(p))
		return -1;
	c = fork();
	if (!c) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(CLI, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	while (n < len - 1 && (r = read(p[0], buf + n, len - 1 - n)) > 0)
		n += r;
	buf[n] = 0;
	close(p[0]);
	waitpid(c, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The tool's show (--json or the table) of this process's fd @dev */
static int cli_show(int dev, bool json, char *buf, size_t len)
{
	snprintf(cli_pid, sizeof(cli_pid), "%d", getpid());
	snprintf(cli_fd, sizeof(cli_fd), "%d", dev);
	return cli(json ? cli_show_json : cli_show_json + 1, buf, len);
}

int main(void)
{
	char bdf[1][VXV_BDF_LEN], json[4096], dir[96];
	struct vfio_irq_bypass_vector v;
	uint32_t two[2] = { GUEST_IRQ, 5 };
	int efd, efds[2], bad, msix_irq, ret, i;
	long long fired;
	struct kvm_irqfd irqfd;
	struct vxt_vm *bare;
	struct vxv_dev d;
	pthread_t run;
	struct stat sb;

	vxv_need(vxv_find(0x8086, 0x10d3, 1, bdf, 1), 14,
		 "e1000e alone in an iommu group");
	vxt_plan(14);
	VXT_REQUIRE(sysconf(_SC_NPROCESSORS_ONLN) > RUN_CPU, "host CPU %d",
		    RUN_CPU);
	vxt_pin(0);
	vxv_take(&d, bdf[0]);
	vm_setup();
	efd = eventfd(0, EFD_NONBLOCK);
	nic_msix_on(&d, efd);
	snprintf(dir, sizeof(dir), "vfio-msix[0](%s)", bdf[0]);
	msix_irq = host_irq_by_name(dir);

	/* Every error, through the real ioctl; none changes anything. */
	bad = 0;
	bad += raw(d.fd, 8, VFIO_IRQ_BYPASS_QUERY, MSIX, 0, 1, -1, 0) != -EINVAL;
	bad += raw(d.fd, 32, 0, MSIX, 0, 1, vm->fd, GUEST_IRQ) != -EINVAL;
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_BIND | VFIO_IRQ_BYPASS_UNBIND,
		   MSIX, 0, 1, vm->fd, GUEST_IRQ) != -EINVAL;
	bad += raw(d.fd, 32, 1 << 7 | VFIO_IRQ_BYPASS_BIND, MSIX, 0, 1,
		   vm->fd, GUEST_IRQ) != -EINVAL;
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_BIND, 7, 0, 1, vm->fd,
		   GUEST_IRQ) != -EINVAL;
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_BIND, VFIO_PCI_INTX_IRQ_INDEX, 0,
		   1, vm->fd, GUEST_IRQ) != -EOPNOTSUPP;
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_BIND, MSIX, 0, 0, vm->fd,
		   GUEST_IRQ) != -EINVAL;
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_BIND, MSIX, 2047, 2, vm->fd,
		   GUEST_IRQ) != -EINVAL;
	bad += raw(d.fd, 27, VFIO_IRQ_BYPASS_BIND, MSIX, 0, 1, vm->fd,
		   GUEST_IRQ) != -EINVAL;
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_BIND, MSIX, 1, 1, vm->fd,
		   GUEST_IRQ) != -ENXIO;
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_BIND, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
		   vm->fd, GUEST_IRQ) != -ENXIO;
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_BIND, MSIX, 0, 1, -1,
		   GUEST_IRQ) != -EBADF;
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_BIND, MSIX, 0, 1, efd,
		   GUEST_IRQ) != -EBADF;
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_BIND, MSIX, 0, 1, vm->fd,
		   5) != -EINVAL;
	bare = vxt_vm_create(1 << 20);	/* a VM without an XICS device */
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_BIND, MSIX, 0, 1, bare->fd,
		   GUEST_IRQ) != -ENODEV;
	vxt_vm_destroy(bare);
	bad += bind_from_child(d.fd, vm->fd) != -EPERM;
	bad += raw(d.fd, 32, VFIO_IRQ_BYPASS_UNBIND, MSIX, 0, 1, -1, 0) !=
	       -ENOENT;
	bad += raw(d.fd, 24, VFIO_IRQ_BYPASS_QUERY, MSIX, 0, 1, -1, 0) !=
	       -EINVAL;
	v = q0(d.fd);
	vxt_ok(!bad && v.flags == VFIO_IRQ_BYPASS_VEC_ENABLED && !mapped(),
	       "errors: EINVAL (argsz, flags, index, count, range, data, guest number), EOPNOTSUPP (INTx), ENXIO (vector or index off), EBADF, ENODEV (no XICS), EPERM, ENOENT; %d wrong, nothing bound",
	       bad);

	/* Bound: mapped, and counting while the vCPU runs. */
	ret = vfio_bypass_bind(d.fd, vm->fd, MSIX, 0, 1,
			       (uint32_t[]){ GUEST_IRQ });
	v = q0(d.fd);
	vxt_ok(!ret && v.flags == BOUND && v.guest_irq == GUEST_IRQ &&
	       (int)v.host_irq == msix_irq && v.host_hwirq &&
	       vxt_vxics_num(vm, " by vfio") >= 0 && mapped() == 1,
	       "B1: bound through the uAPI: vector 0 (host irq %u, hwirq %#x) -> guest %#x, mapped by vfio",
	       v.host_irq, v.host_hwirq, v.guest_irq);
	vxt_ok(vfio_bypass_bind(d.fd, vm->fd, MSIX, 0, 1,
				(uint32_t[]){ NEW_IRQ }) == -EBUSY &&
	       q0(d.fd).guest_irq == GUEST_IRQ,
	       "bound again: EBUSY, the binding unchanged");

	snprintf(dir, sizeof(dir), "/proc/irq/%d/smp_affinity_list", msix_irq);
	VXT_REQUIRE(!write_file(dir, "1"), "host irq %d to CPU 1", msix_irq);
	pthread_create(&run, NULL, run_vcpu, NULL);
	usleep(300000);
	nic_unmask(&d);
	nic_raise(&d, RAISES, 20000);
	usleep(100000);
	fired = vxv_wait(efd, 0);
	v = q0(d.fd);
	vxt_ok(v.bypassed >= 1 && (long long)v.bypassed + fired == RAISES &&
	       v.last_cpu == RUN_CPU && v.affinity_cpu == RUN_CPU,
	       "B4, B9: %llu of %d bypassed, %lld to the eventfd (no irqfd), last on CPU %d, affinity CPU %d",
	       (unsigned long long)v.bypassed, RAISES, fired, v.last_cpu,
	       v.affinity_cpu);
	cli_show(d.fd, false, json, sizeof(json));
	for (char *l = strtok(json, "\n"); l; l = strtok(NULL, "\n"))
		vxt_diag("%s", l);
	ret = cli_show(d.fd, true, json, sizeof(json));
	vxt_diag("%s", json);
	vxt_ok(!ret && strstr(json, "\"bound\": true") &&
	       strstr(json, "\"guest_irq\": 4096") &&
	       !strstr(json, "\"bypassed\": 0,"),
	       "B9: vfio-bypass --json show: vector 0 bound to 4096 and counting");
	snprintf(cli_pid, sizeof(cli_pid), "%d", getpid());
	snprintf(cli_fd, sizeof(cli_fd), "%d", d.fd);
	i = cli(cli_watch, json, sizeof(json));
	ret = i == 0 && strstr(json, "bypassed/s") && strstr(json, "host-path/s");
	i = cli(cli_unbind, json, sizeof(json));
	vxt_diag("vfio-bypass unbind --start 1: exit %d: %s", i, json);
	vxt_ok(ret && i == 1 && strstr(json, "vectors 1..1: ENXIO"),
	       "vfio-bypass watch prints rates; an error names the vectors and the errno");

	/* An irqfd on the same eventfd and number: one mapping, two holders. */
	irqfd = (struct kvm_irqfd){ .fd = efd, .gsi = GUEST_IRQ };
	VXT_REQUIRE(!ioctl(vm->fd, KVM_IRQFD, &irqfd), "irqfd");
	v = q0(d.fd);
	ret = vfio_bypass_unbind(d.fd, MSIX, 0, 1);
	vxt_diag("paired: flags %#x, after unbind %#x, mapped %lld", v.flags,
		 q0(d.fd).flags, mapped());
	vxt_ok(v.flags == (BOUND | VFIO_IRQ_BYPASS_VEC_PAIRED) && !ret &&
	       q0(d.fd).flags == (VFIO_IRQ_BYPASS_VEC_ENABLED |
				  VFIO_IRQ_BYPASS_VEC_MAPPED |
				  VFIO_IRQ_BYPASS_VEC_PAIRED) && mapped() == 1,
	       "paired too: one mapping held by both; unbound, the pairing keeps it");
	ret = vfio_bypass_bind(d.fd, vm->fd, MSIX, 0, 1,
			       (uint32_t[]){ NEW_IRQ });
	irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
	VXT_REQUIRE(!ioctl(vm->fd, KVM_IRQFD, &irqfd), "irqfd off");
	vxt_ok(ret == -EBUSY && q0(d.fd).flags == VFIO_IRQ_BYPASS_VEC_ENABLED &&
	       !mapped(),
	       "bound to another number than the pairing's: EBUSY; irqfd gone, nothing mapped");

	/* Renumbered: unbind, bind the new number. */
	ret = vfio_bypass_bind(d.fd, vm->fd, MSIX, 0, 1,
			       (uint32_t[]){ GUEST_IRQ });
	ret |= vfio_bypass_unbind(d.fd, MSIX, 0, 1);
	ret |= vfio_bypass_bind(d.fd, vm->fd, MSIX, 0, 1,
				(uint32_t[]){ NEW_IRQ });
	vxt_ok(!ret && q0(d.fd).guest_irq == NEW_IRQ &&
	       vxt_vxics_num(vm, "guest 0x1002 bypassed ") >= 0 &&
	       vxt_vxics_num(vm, "guest 0x1000 ") < 0,
	       "B10: renumbered (unbind, bind): the mapping names the new source");

	/* MSI-X disabled while bound: the binding goes first. */
	xl_stop(vm);
	pthread_join(run, NULL);
	vxt_ok(!guest_failed, "the guest's hcalls all succeeded");
	nic_mask(&d);
	VXT_REQUIRE(!nic_msix_off(&d), "MSI-X off");
	vxt_ok(vfio_bypass_query(d.fd, MSIX, 0, 1, &v) == -ENXIO &&
	       !mapped(),
	       "B10: MSI-X disabled while bound: unbound, nothing mapped");

	/* Two vectors; the second's number is refused: neither is bound. */
	efds[0] = efd;
	efds[1] = eventfd(0, EFD_NONBLOCK);
	VXT_REQUIRE(!vxv_irq_eventfds(&d, MSIX, efds, 2), "2 vectors");
	ret = vfio_bypass_bind(d.fd, vm->fd, MSIX, 0, 2, two);
	vxt_ok(ret == -EINVAL && q0(d.fd).flags == VFIO_IRQ_BYPASS_VEC_ENABLED &&
	       !mapped(),
	       "a range failing at its second vector binds nothing (EINVAL)");

	/* The device released while bound. */
	two[1] = NEW_IRQ;
	ret = vfio_bypass_bind(d.fd, vm->fd, MSIX, 0, 2, two);
	i = vxt_vxics_num(vm, "bypass: on, ");
	vxv_give_back(&d);
	vxt_ok(!ret && i == 2 && !mapped(),
	       "B10: the device released with 2 vectors bound: nothing mapped");

	/* The VM closed first: its bindings keep it until MSI-X goes. */
	vxv_take(&d, bdf[0]);
	nic_msix_on(&d, efd);
	ret = vfio_bypass_bind(d.fd, vm->fd, MSIX, 0, 1,
			       (uint32_t[]){ GUEST_IRQ });
	snprintf(dir, sizeof(dir), "/sys/kernel/debug/kvm/%d-%d", getpid(),
		 vm->fd);
	/* everything holding the VM: its vCPU, the XICS device, the VM fd */
	vxt_vcpu_destroy(vcpu);
	close(xfd);
	vxt_vm_destroy(vm);
	i = !stat(dir, &sb);
	v = q0(d.fd);
	VXT_REQUIRE(!nic_msix_off(&d), "MSI-X off");
	vxt_diag("VM first: bind %d, dir kept %d, flags %#x, dir now %d", ret,
		 i, v.flags, !stat(dir, &sb));
	vxt_ok(!ret && i && v.flags == BOUND && stat(dir, &sb),
	       "B10: VM closed first: its binding kept it (mapped) until MSI-X went, then it was freed");
	vxv_give_back(&d);
	return vxt_exit();
}
