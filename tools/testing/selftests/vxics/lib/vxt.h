/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vxt: a small library for the vxics in-VM selftests, in the spirit of
 * KVM's selftests: create a KVM-HV VM with guest memory, load a guest
 * payload, add vCPUs, run them until they make a hypercall, and report
 * results as TAP.
 *
 * Guests are little-endian real-mode code assembled from guest_*.S into
 * the test binary (GUEST_PAYLOAD in guest.h) and copied to guest physical
 * address 0, so their interrupt vectors sit at their architected offsets.
 */
#ifndef _VXT_H
#define _VXT_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>
#include "guest.h"

struct vxt_vm {
	int kvm_fd;
	int fd;
	uint8_t *mem;
	uint64_t mem_size;
};

struct vxt_vcpu {
	struct vxt_vm *vm;
	int fd;
	int id;
	struct kvm_run *run;
	int run_size;
	int stats_fd;	/* KVM_GET_STATS_FD, or -1 */
};

/* The hcall a vCPU stopped on: r3 and r4..r12. */
struct vxt_hcall {
	uint64_t nr;
	uint64_t args[9];
};

struct vxt_vm *vxt_vm_create(uint64_t mem_size);
void vxt_vm_destroy(struct vxt_vm *vm);
void vxt_vm_load(struct vxt_vm *vm, uint64_t gpa, const void *start,
		 const void *end);
struct vxt_vcpu *vxt_vcpu_add(struct vxt_vm *vm, int id, uint64_t entry);
void vxt_vcpu_destroy(struct vxt_vcpu *vcpu);
int vxt_vcpu_run(struct vxt_vcpu *vcpu);
uint64_t vxt_vcpu_run_to_hcall(struct vxt_vcpu *vcpu, struct vxt_hcall *hc);
void vxt_hcall_return(struct vxt_vcpu *vcpu, int64_t ret);
uint64_t vxt_get_one_reg(struct vxt_vcpu *vcpu, uint64_t id);
int vxt_set_one_reg(struct vxt_vcpu *vcpu, uint64_t id, uint64_t val);
int vxt_check_cap(struct vxt_vm *vm, long cap);
bool vxt_cmdline_has(const char *word);
/* The number after @key (e.g. "vxics.soak=") on the command line, or @def */
int vxt_cmdline_int(const char *key, int def);
/* A boolean module parameter's file: 1, 0, or -1 if it is not there */
int vxt_read_flag(const char *path);
bool vxt_vm_debugfs(struct vxt_vm *vm, const char *name, char *buf,
		    size_t len);
/* The number after the first @key in the VM's debugfs file "vxics", or -1 */
long long vxt_vxics_num(struct vxt_vm *vm, const char *key);
/* ... the number after the first @key that follows the first @first */
long long vxt_vxics_num_after(struct vxt_vm *vm, const char *first,
			      const char *key);

void vxt_vcpu_set_gpr(struct vxt_vcpu *vcpu, int n, uint64_t val);
/*
 * A vCPU's KVM binary statistic @name (its KVM_GET_STATS_FD, opened when
 * it was added, so this may be called while it runs), or -1
 */
long long vxt_vcpu_stat(struct vxt_vcpu *vcpu, const char *name);
/* Pin the calling thread to host CPU @cpu */
void vxt_pin(int cpu);
/*
 * Path-length sites of a guest payload: its table of (offset, kind, name)
 * entries, 8-byte aligned, from @p to @end, printed as "# site 0xADDR
 * start|stop NAME" for bench/pathlen
 */
void vxt_pl_print_sites(const char *p, const char *end);

/* guest_xics_loop.S: tell the looping guest to stop (the word at XL_STOP) */
static inline void xl_stop(struct vxt_vm *vm)
{
	__atomic_store_n((uint64_t *)(vm->mem + XL_STOP), 1, __ATOMIC_RELEASE);
}

/* The in-kernel XICS device: lib/xics.h */
/*
 * Path-length markers (bench/pathlen): no-op instructions; the pathlen
 * QEMU plugin counts the instructions a CPU executes from a start to a
 * stop marker.  Guests use VXT_PL_START / VXT_PL_STOP from guest.h.
 */
static inline void vxt_pl_start(void)
{
	asm volatile("xori 31,31,0" ::: "memory");
}

static inline void vxt_pl_stop(void)
{
	asm volatile("xori 30,30,0" ::: "memory");
}

/* TAP output */
void vxt_plan(int n);
bool vxt_ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vxt_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A check known to fail for the reason @why: shown, never a failure */
bool vxt_todo(bool cond, const char *why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vxt_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vxt_exit(void);
void __attribute__((noreturn, format(printf, 3, 4)))
vxt_die(const char *file, int line, const char *fmt, ...);

/* Abort the whole test binary: for setup steps later checks depend on. */
#define VXT_REQUIRE(cond, fmt, ...) do {				\
	if (!(cond))							\
		vxt_die(__FILE__, __LINE__, "%s: " fmt, #cond, ##__VA_ARGS__); \
} while (0)

#endif /* _VXT_H */
