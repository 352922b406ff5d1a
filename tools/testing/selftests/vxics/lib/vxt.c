// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxt: VM, vCPU and TAP helpers for the vxics in-VM selftests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "vxt.h"

#define LPCR_ILE	(1ULL << 25)	/* interrupts are taken little-endian */

static int tap_n, tap_failed;

void vxt_plan(int n)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("1..%d\n", n);
}

bool vxt_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

void vxt_skip(const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - # SKIP ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void vxt_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int vxt_exit(void)
{
	return tap_failed ? 1 : 0;
}

void vxt_die(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	printf("not ok %d - setup failed at %s:%d: ", ++tap_n, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (errno %d: %s)\nBail out!\n", e, strerror(e));
	exit(1);
}

struct vxt_vm *vxt_vm_create(uint64_t mem_size)
{
	struct kvm_userspace_memory_region r = { 0 };
	struct vxt_vm *vm = calloc(1, sizeof(*vm));

	VXT_REQUIRE(vm, "calloc");
	vm->xics_fd = -1;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	VXT_REQUIRE(vm->kvm_fd >= 0, "open /dev/kvm");
	vm->fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	VXT_REQUIRE(vm->fd >= 0, "KVM_CREATE_VM(KVM_VM_PPC_HV)");
	vm->mem_size = mem_size;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	VXT_REQUIRE(vm->mem != MAP_FAILED, "mmap guest memory");
	r.memory_size = mem_size;
	r.userspace_addr = (uintptr_t)vm->mem;
	VXT_REQUIRE(!ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r),
		    "KVM_SET_USER_MEMORY_REGION");
	return vm;
}

void vxt_vm_destroy(struct vxt_vm *vm)
{
	if (vm->xics_fd >= 0)
		close(vm->xics_fd);
	close(vm->fd);
	close(vm->kvm_fd);
	munmap(vm->mem, vm->mem_size);
	free(vm);
}

void vxt_vm_load(struct vxt_vm *vm, uint64_t gpa, const void *start,
		 const void *end)
{
	size_t n = (const char *)end - (const char *)start;

	VXT_REQUIRE(gpa + n <= vm->mem_size, "payload of %zu bytes fits", n);
	memcpy(vm->mem + gpa, start, n);
}

int vxt_check_cap(struct vxt_vm *vm, long cap)
{
	return ioctl(vm->fd, KVM_CHECK_EXTENSION, cap);
}

uint64_t vxt_get_one_reg(struct vxt_vcpu *vcpu, uint64_t id)
{
	uint64_t val = 0;
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	VXT_REQUIRE(!ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg),
		    "KVM_GET_ONE_REG 0x%llx", (unsigned long long)id);
	return val;
}

int vxt_set_one_reg(struct vxt_vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg);
}

struct vxt_vcpu *vxt_vcpu_add(struct vxt_vm *vm, int id, uint64_t entry)
{
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	struct vxt_vcpu *vcpu = calloc(1, sizeof(*vcpu));
	struct kvm_regs regs;
	uint64_t lpcr;
	int runsz;

	VXT_REQUIRE(vcpu, "calloc");
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	VXT_REQUIRE(vcpu->fd >= 0, "KVM_CREATE_VCPU %d", id);
	VXT_REQUIRE(!ioctl(vcpu->fd, KVM_ENABLE_CAP, &papr),
		    "KVM_ENABLE_CAP(PPC_PAPR)");
	runsz = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	VXT_REQUIRE(runsz > 0, "KVM_GET_VCPU_MMAP_SIZE");
	vcpu->run = mmap(NULL, runsz, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	VXT_REQUIRE(vcpu->run != MAP_FAILED, "mmap kvm_run");
	lpcr = vxt_get_one_reg(vcpu, KVM_REG_PPC_LPCR_64);
	VXT_REQUIRE(!vxt_set_one_reg(vcpu, KVM_REG_PPC_LPCR_64, lpcr | LPCR_ILE),
		    "set LPCR[ILE]");
	VXT_REQUIRE(!ioctl(vcpu->fd, KVM_GET_REGS, &regs), "KVM_GET_REGS");
	regs.pc = entry;
	regs.msr = VXT_MSR_SF | VXT_MSR_ME | VXT_MSR_LE;
	VXT_REQUIRE(!ioctl(vcpu->fd, KVM_SET_REGS, &regs), "KVM_SET_REGS");
	return vcpu;
}

void vxt_vcpu_destroy(struct vxt_vcpu *vcpu)
{
	close(vcpu->fd);
	free(vcpu);
}

int vxt_vcpu_run(struct vxt_vcpu *vcpu)
{
	int rc;

	do {
		rc = ioctl(vcpu->fd, KVM_RUN, 0);
	} while (rc < 0 && errno == EINTR);
	VXT_REQUIRE(rc == 0, "KVM_RUN vcpu %d", vcpu->id);
	return vcpu->run->exit_reason;
}

/* Run until the guest makes a hypercall KVM hands to userspace. */
uint64_t vxt_vcpu_run_to_hcall(struct vxt_vcpu *vcpu, struct vxt_hcall *hc)
{
	struct kvm_run *run = vcpu->run;
	int reason;

	for (;;) {
		reason = vxt_vcpu_run(vcpu);
		if (reason == KVM_EXIT_PAPR_HCALL)
			break;
		if (reason == KVM_EXIT_INTR)
			continue;
		vxt_die(__FILE__, __LINE__,
			"vcpu %d: unexpected exit reason %d (fail_entry 0x%llx)",
			vcpu->id, reason,
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	}
	hc->nr = run->papr_hcall.nr;
	memcpy(hc->args, run->papr_hcall.args, sizeof(hc->args));
	if (hc->nr == VXT_H_FAIL)
		vxt_diag("vcpu %d: guest reports failure code 0x%llx",
			 vcpu->id, (unsigned long long)hc->args[0]);
	return hc->nr;
}

/* The value the guest sees in r3 when its hypercall returns. */
void vxt_hcall_return(struct vxt_vcpu *vcpu, int64_t ret)
{
	vcpu->run->papr_hcall.ret = ret;
}

void vxt_vcpu_set_gpr(struct vxt_vcpu *vcpu, int n, uint64_t val)
{
	struct kvm_regs regs;

	VXT_REQUIRE(n >= 0 && n < 32, "GPR %d", n);
	VXT_REQUIRE(!ioctl(vcpu->fd, KVM_GET_REGS, &regs), "KVM_GET_REGS");
	regs.gpr[n] = val;
	VXT_REQUIRE(!ioctl(vcpu->fd, KVM_SET_REGS, &regs), "KVM_SET_REGS");
}

/* Create the VM's in-kernel XICS; returns its device fd (also vm->xics_fd). */
int vxt_xics_create(struct vxt_vm *vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };

	VXT_REQUIRE(vm->xics_fd < 0, "one XICS per VM");
	VXT_REQUIRE(!ioctl(vm->fd, KVM_CREATE_DEVICE, &cd),
		    "KVM_CREATE_DEVICE(XICS)");
	vm->xics_fd = cd.fd;
	return cd.fd;
}

/*
 * Define (or redefine) interrupt source @irq: delivered to ICP @server at
 * priority @prio (0xff: masked); @flags are KVM_XICS_LEVEL_SENSITIVE,
 * KVM_XICS_MASKED, KVM_XICS_PENDING...  Define a source before pointing
 * an irqfd at it.  Returns the ioctl's result (0, or -1 and errno).
 */
int vxt_xics_set_source(struct vxt_vm *vm, uint32_t irq, uint32_t server,
			uint8_t prio, uint64_t flags)
{
	uint64_t val = ((uint64_t)server << KVM_XICS_DESTINATION_SHIFT) |
		       ((uint64_t)prio << KVM_XICS_PRIORITY_SHIFT) | flags;
	struct kvm_device_attr attr = {
		.group = KVM_DEV_XICS_GRP_SOURCES,
		.attr = irq,
		.addr = (uintptr_t)&val,
	};

	return ioctl(vm->xics_fd, KVM_SET_DEVICE_ATTR, &attr);
}

/* The source's state word, as KVM_DEV_XICS_GRP_SOURCES reads it. */
uint64_t vxt_xics_get_source(struct vxt_vm *vm, uint32_t irq)
{
	uint64_t val = 0;
	struct kvm_device_attr attr = {
		.group = KVM_DEV_XICS_GRP_SOURCES,
		.attr = irq,
		.addr = (uintptr_t)&val,
	};

	VXT_REQUIRE(!ioctl(vm->xics_fd, KVM_GET_DEVICE_ATTR, &attr),
		    "get XICS source 0x%x", irq);
	return val;
}

/* Give @vcpu its ICP in the VM's XICS, as interrupt server @server. */
int vxt_xics_connect(struct vxt_vcpu *vcpu, uint32_t server)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_IRQ_XICS,
		.args = { vcpu->vm->xics_fd, server },
	};

	return ioctl(vcpu->fd, KVM_ENABLE_CAP, &cap);
}

void vxt_icp_get(struct vxt_vcpu *vcpu, struct vxt_icp_state *st)
{
	uint64_t v = vxt_get_one_reg(vcpu, KVM_REG_PPC_ICP_STATE);

	st->cppr = (v >> KVM_REG_PPC_ICP_CPPR_SHIFT) & KVM_REG_PPC_ICP_CPPR_MASK;
	st->xisr = (v >> KVM_REG_PPC_ICP_XISR_SHIFT) & KVM_REG_PPC_ICP_XISR_MASK;
	st->mfrr = (v >> KVM_REG_PPC_ICP_MFRR_SHIFT) & KVM_REG_PPC_ICP_MFRR_MASK;
	st->pending_pri = (v >> KVM_REG_PPC_ICP_PPRI_SHIFT) &
			  KVM_REG_PPC_ICP_PPRI_MASK;
}

int vxt_icp_set(struct vxt_vcpu *vcpu, const struct vxt_icp_state *st)
{
	uint64_t v = ((uint64_t)st->cppr << KVM_REG_PPC_ICP_CPPR_SHIFT) |
		     ((uint64_t)st->xisr << KVM_REG_PPC_ICP_XISR_SHIFT) |
		     ((uint64_t)st->mfrr << KVM_REG_PPC_ICP_MFRR_SHIFT) |
		     ((uint64_t)st->pending_pri << KVM_REG_PPC_ICP_PPRI_SHIFT);

	return vxt_set_one_reg(vcpu, KVM_REG_PPC_ICP_STATE, v);
}

/* An eventfd that raises interrupt @gsi (a defined XICS source) when written. */
int vxt_irqfd(struct vxt_vm *vm, uint32_t gsi)
{
	int efd = eventfd(0, EFD_CLOEXEC);
	struct kvm_irqfd irqfd = { .fd = efd, .gsi = gsi };

	VXT_REQUIRE(efd >= 0, "eventfd");
	VXT_REQUIRE(!ioctl(vm->fd, KVM_IRQFD, &irqfd), "KVM_IRQFD gsi 0x%x", gsi);
	return efd;
}

void vxt_irqfd_trigger(int efd)
{
	uint64_t one = 1;

	VXT_REQUIRE(write(efd, &one, sizeof(one)) == sizeof(one),
		    "irqfd write");
}

/*
 * Read the VM's debugfs file @name (/sys/kernel/debug/kvm/<pid>-<vmfd>/)
 * into @buf.  Returns false if it cannot be read.
 */
bool vxt_vm_debugfs(struct vxt_vm *vm, const char *name, char *buf, size_t len)
{
	char path[320];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%d-%d/%s",
		 getpid(), vm->fd, name);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
	return n > 0;
}
