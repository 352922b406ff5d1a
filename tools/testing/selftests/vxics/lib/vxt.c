// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxt: VM, vCPU and TAP helpers for the vxics in-VM selftests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
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

bool vxt_todo(bool cond, const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # TODO %s\n", why);
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

/* Is @word on the kernel command line? */
/* The host kernel's command line ("" if unreadable). */
static const char *kernel_cmdline(void)
{
	static char buf[4096];
	int fd = open("/proc/cmdline", O_RDONLY);
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	close(fd);
	return buf;
}

bool vxt_cmdline_has(const char *word)
{
	return strstr(kernel_cmdline(), word);
}

int vxt_cmdline_int(const char *key, int def)
{
	const char *p = strstr(kernel_cmdline(), key);

	return p ? atoi(p + strlen(key)) : def;
}

int vxt_read_flag(const char *path)
{
	char c = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fread(&c, 1, 1, f) != 1)
		c = 0;
	fclose(f);
	return c == 'Y' || c == '1' ? 1 : c == 'N' || c == '0' ? 0 : -1;
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
	vcpu->run_size = runsz;
	lpcr = vxt_get_one_reg(vcpu, KVM_REG_PPC_LPCR_64);
	VXT_REQUIRE(!vxt_set_one_reg(vcpu, KVM_REG_PPC_LPCR_64, lpcr | LPCR_ILE),
		    "set LPCR[ILE]");
	VXT_REQUIRE(!ioctl(vcpu->fd, KVM_GET_REGS, &regs), "KVM_GET_REGS");
	regs.pc = entry;
	regs.msr = VXT_MSR_SF | VXT_MSR_ME | VXT_MSR_LE;
	VXT_REQUIRE(!ioctl(vcpu->fd, KVM_SET_REGS, &regs), "KVM_SET_REGS");
	/* now: a vCPU ioctl waits for KVM_RUN to return, reading this not */
	vcpu->stats_fd = ioctl(vcpu->fd, KVM_GET_STATS_FD, NULL);
	return vcpu;
}

void vxt_vcpu_destroy(struct vxt_vcpu *vcpu)
{
	/* the mapping holds the vCPU, and with it the whole VM */
	munmap(vcpu->run, vcpu->run_size);
	if (vcpu->stats_fd >= 0)
		close(vcpu->stats_fd);
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

long long vxt_vxics_num_after(struct vxt_vm *vm, const char *first,
			      const char *key)
{
	static char buf[2 << 20];	/* thousands of sources and mappings */
	const char *p;

	if (!vxt_vm_debugfs(vm, "vxics", buf, sizeof(buf)))
		return -1;
	p = first ? strstr(buf, first) : buf;
	p = p ? strstr(p, key) : NULL;
	return p ? strtoll(p + strlen(key), NULL, 0) : -1;
}

long long vxt_vxics_num(struct vxt_vm *vm, const char *key)
{
	return vxt_vxics_num_after(vm, NULL, key);
}

long long vxt_vcpu_stat(struct vxt_vcpu *vcpu, const char *name)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	long long val = -1;
	size_t dsz;
	uint64_t v;
	uint32_t i;
	int fd = vcpu->stats_fd;

	if (fd < 0 || pread(fd, &h, sizeof(h), 0) != sizeof(h))
		return -1;
	dsz = sizeof(*d) + h.name_size;
	d = malloc(dsz);
	for (i = 0; d && i < h.num_desc && val < 0; i++) {
		if (pread(fd, d, dsz, h.desc_offset + i * dsz) != (ssize_t)dsz)
			break;
		if (strncmp(d->name, name, h.name_size) ||
		    d->size != 1)
			continue;
		if (pread(fd, &v, sizeof(v), h.data_offset + d->offset) ==
		    sizeof(v))
			val = v;
	}
	free(d);
	return val;
}

void vxt_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	VXT_REQUIRE(!sched_setaffinity(0, sizeof(set), &set), "run on CPU %d",
		    cpu);
}

void vxt_pl_print_sites(const char *p, const char *end)
{
	uint64_t off, kind;
	size_t len;

	while (p + 16 < end) {
		memcpy(&off, p, 8);
		memcpy(&kind, p + 8, 8);
		len = strlen(p + 16);
		vxt_diag("site 0x%llx %s %s", (unsigned long long)off,
			 kind ? "stop" : "start", p + 16);
		p += (16 + len + 1 + 7) & ~7UL;
	}
}
