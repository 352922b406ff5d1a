/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace look-alike of the few KVM, paca and per-CPU names the
 * real-mode files (arch/powerpc/kvm/vxics/bypass_rm.c, hcall_rm.c) and the
 * glue header use, so that they build unchanged next to the core.  Only
 * the fields they touch exist.  The tests (bypass_rm_test.c,
 * hcall_rm_test.c) play the host: they set the CPU number, paca and LPCR
 * of the calling thread and record what is done to the host.
 */
#ifndef _VXICS_SHIM_KVM_HOST_H
#define _VXICS_SHIM_KVM_HOST_H

#include "internal.h"

#ifndef container_of
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#endif

#define __init
#define __force
#define __percpu
#define ____cacheline_aligned_in_smp	__attribute__((aligned(64)))
#define subsys_initcall(fn)						\
	static void __attribute__((constructor)) fn##_ctor(void)	\
	{								\
		fn();							\
	}

/* host byte order is little-endian here, as on ppc64el */
typedef u32 __be32;
#define be32_to_cpu(x)	__builtin_bswap32(x)
#define cpu_to_be32(x)	__builtin_bswap32(x)

/* --- CPUs and per-CPU data -------------------------------------------- */
#define VXICS_SHIM_NR_CPUS	16
#define VXICS_SHIM_PERCPU_STRIDE 4096
extern unsigned int nr_cpu_ids;
#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++)
/* the calling thread's host CPU, set by the test */
extern __thread unsigned int vxics_shim_cpu;
#define raw_smp_processor_id()	vxics_shim_cpu
/*
 * Per-CPU objects live in areas of VXICS_SHIM_PERCPU_STRIDE bytes, CPU 0's
 * first: an object's copy for @cpu is @cpu strides further on.
 */
#define per_cpu_ptr(p, cpu) \
	((__typeof__(p))((char *)(p) + (size_t)(cpu) * VXICS_SHIM_PERCPU_STRIDE))

/* --- KVM ---------------------------------------------------------------- */
struct kvmppc_xics;
struct kvmppc_icp;
struct kvm_device;
struct dentry;
struct xarray {
	int unused;
};

#define BOOK3S_IRQPRIO_EXTERNAL	14
#define H_TOO_HARD	9999

/* LPCR, one per test thread (a host CPU); no other SPR exists here */
#define SPRN_LPCR	0x13e
#define LPCR_MER	0x800UL
extern __thread unsigned long vxics_shim_lpcr;

static inline unsigned long mfspr(int spr)
{
	if (spr != SPRN_LPCR)
		abort();
	return vxics_shim_lpcr;
}

static inline void mtspr(int spr, unsigned long val)
{
	if (spr != SPRN_LPCR)
		abort();
	vxics_shim_lpcr = val;
}

struct hlist_node;
struct hlist_head {
	struct hlist_node *first;
};

static inline int hlist_empty(const struct hlist_head *h)
{
	return !READ_ONCE(h->first);
}

struct kvm_vcpu_arch {
	struct kvmppc_icp *icp;
	int thread_cpu;		/* -1 while out of the guest */
	unsigned long pending_exceptions;
	struct {
		unsigned long gpr[32];
	} regs;
};

struct kvm_vcpu_stat {
	u64 queue_intr;
	u64 pthru_all;
	u64 pthru_host;
	u64 pthru_bad_aff;
};

struct kvm_arch {
	struct kvmppc_xics *xics;
};

struct kvm {
	struct kvm_arch arch;
	struct hlist_head irq_ack_notifier_list;
};

struct kvm_vcpu {
	struct kvm *kvm;
	struct kvm_vcpu_arch arch;
	struct kvm_vcpu_stat stat;
};

#endif /* _VXICS_SHIM_KVM_HOST_H */
