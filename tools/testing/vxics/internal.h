/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace seam for the vxics core.
 *
 * Takes the include guard of arch/powerpc/kvm/vxics/internal.h, so when the
 * core's "#include "internal.h"" finds the kernel header next to it, that
 * header is already "included" and this one stands in for it.  The build
 * passes it with -include.  Every kernel name the core uses is mapped here
 * to C11 atomics, pthreads and libc; the mapping keeps the kernel's
 * ordering guarantees (cmpxchg is a full barrier, READ_ONCE/WRITE_ONCE are
 * single-copy atomic) so TSan sees the same races the kernel would have.
 */
#ifndef _VXICS_INTERNAL_H
#define _VXICS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define __user
#define __iomem
#define __rcu
#define __must_check	__attribute__((warn_unused_result))
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
#define __maybe_unused	__attribute__((unused))
#define noinline	__attribute__((noinline))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#define BITS_PER_LONG	64
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))

#define EXPORT_SYMBOL(s)
#define EXPORT_SYMBOL_GPL(s)
#define EXPORT_SYMBOL_NS_GPL(s, ns)
#define MODULE_LICENSE(s)

/* --- memory ordering ------------------------------------------------ */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
/* the kernel's is dependency-ordered (consume): acquire is the C11 bound */
#define vxics_load_dep(x)	__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
/*
 * Full barriers also call a test's hook, if one is set: the vxics_ordering
 * suite keeps a simulated store buffer of the glue's stores and drains it
 * here (ordering.c).
 */
extern void (*vxics_shim_mb_hook)(void);
static inline void vxics_shim_mb(void)
{
	if (vxics_shim_mb_hook)
		vxics_shim_mb_hook();
}

static inline void smp_mb(void)
{
	vxics_shim_mb();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define barrier()		__asm__ __volatile__("" ::: "memory")

/* Kernel cmpxchg: returns the old value, full barrier either way. */
#define cmpxchg(p, o, n) ({						\
	__typeof__(*(p)) __old = (o);					\
	vxics_shim_mb();						\
	__atomic_compare_exchange_n((p), &__old, (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__old;								\
})
#define xchg(p, v)	({ vxics_shim_mb();				\
			   __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST); })
#define xchg_acquire(p, v)	__atomic_exchange_n((p), (v), __ATOMIC_ACQUIRE)

typedef struct { int counter; } atomic_t;
typedef struct { s64 counter; } atomic64_t;
#define ATOMIC_INIT(i)		{ (i) }
#define atomic_read(a)		__atomic_load_n(&(a)->counter, __ATOMIC_RELAXED)
#define atomic_set(a, i)	__atomic_store_n(&(a)->counter, (i), __ATOMIC_RELAXED)
#define atomic_inc(a)		((void)__atomic_add_fetch(&(a)->counter, 1, __ATOMIC_RELAXED))
#define atomic_dec(a)		((void)__atomic_sub_fetch(&(a)->counter, 1, __ATOMIC_RELAXED))
#define atomic_inc_return(a)	__atomic_add_fetch(&(a)->counter, 1, __ATOMIC_SEQ_CST)
#define atomic_dec_return(a)	__atomic_sub_fetch(&(a)->counter, 1, __ATOMIC_SEQ_CST)
#define atomic64_read(a)	__atomic_load_n(&(a)->counter, __ATOMIC_RELAXED)
#define atomic64_set(a, i)	__atomic_store_n(&(a)->counter, (i), __ATOMIC_RELAXED)
#define atomic64_inc(a)		((void)__atomic_add_fetch(&(a)->counter, 1, __ATOMIC_RELAXED))
#define atomic64_add(i, a)	((void)__atomic_add_fetch(&(a)->counter, (i), __ATOMIC_RELAXED))

/* Bit operations: atomic like the kernel's; test_and_* order fully. */
#define BIT_WORD(nr)	((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)	(1UL << ((nr) % BITS_PER_LONG))

static inline void set_bit(long nr, unsigned long *addr)
{
	__atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline void clear_bit(long nr, unsigned long *addr)
{
	__atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline bool test_bit(long nr, const unsigned long *addr)
{
	return __atomic_load_n(&addr[BIT_WORD(nr)], __ATOMIC_RELAXED) & BIT_MASK(nr);
}

static inline bool test_and_set_bit(long nr, unsigned long *addr)
{
	return __atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr),
				 __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_and_clear_bit(long nr, unsigned long *addr)
{
	return __atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr),
				  __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

/* --- locks ------------------------------------------------------------ */
/*
 * The core's own lock (core.h) is built from xchg_acquire and
 * smp_store_release above, so TSan checks its ordering; a waiter yields
 * the CPU, a preempted holder would otherwise be waited for a whole slice.
 */
#include <sched.h>
#define cpu_relax()	sched_yield()

/* Interrupt masking around the core's lock: nothing to mask here. */
#define vxics_irq_save(flags)		((flags) = 0)
#define vxics_irq_restore(flags)	((void)(flags))

/* --- limits and speculation ----------------------------------------- */
/* R4: the kernel's KVM_MAX_VCPU_IDS on Debian's ppc64el (8 * NR_CPUS 2048) */
#define VXICS_MAX_SERVERS	16384

/*
 * array_index_nospec(): the kernel's generic mask computation (index when
 * below size, else 0, without a branch), plus a record of every clamp so
 * that tests can check each guest-controlled index goes through one
 * (tools/testing/vxics/nospec.c).
 */
void vxics_shim_nospec(unsigned long index, unsigned long size);
#define array_index_nospec(index, size) ({				\
	unsigned long __i = (index), __s = (size);			\
	unsigned long __m = ~(long)(__i | (__s - 1UL - __i)) >> 63;	\
	vxics_shim_nospec(__i, __s);					\
	(__typeof__(index))(__i & __m);					\
})

/* --- allocation ------------------------------------------------------- */
typedef unsigned int gfp_t;
#define GFP_KERNEL	0u
#define GFP_ATOMIC	1u
#define __GFP_ZERO	2u
static inline void *kzalloc(size_t n, gfp_t gfp) { (void)gfp; return calloc(1, n); }
static inline void *kmalloc(size_t n, gfp_t gfp) { (void)gfp; return malloc(n); }
static inline void *kcalloc(size_t k, size_t n, gfp_t gfp) { (void)gfp; return calloc(k, n); }
static inline void kfree(const void *p) { free((void *)p); }

/* --- diagnostics ------------------------------------------------------ */
/* A WARN in the core fails the running test (tools/testing/vxics/kunit.c). */
void kunit_shim_warn(const char *file, int line, const char *cond);
#define WARN_ON(c) ({							\
	bool __c = !!(c);						\
	if (unlikely(__c))						\
		kunit_shim_warn(__FILE__, __LINE__, #c);		\
	__c;								\
})
#define WARN_ON_ONCE(c)	WARN_ON(c)

/* --- time ------------------------------------------------------------- */
u64 vxics_shim_timebase(void);
#define vxics_timebase()	vxics_shim_timebase()

#endif /* _VXICS_INTERNAL_H */
