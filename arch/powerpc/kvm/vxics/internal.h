/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seam between the vxics core and the kernel.
 *
 * The core files (icp.c, ics.c, ...) include this header and nothing else
 * from the kernel.  tools/testing/vxics/internal.h takes the same include
 * guard and maps the same names onto userspace, so the core compiles
 * unchanged there (Documentation/virt/kvm/vxics/testing.rst).  Anything
 * added here must be added there too.
 */
#ifndef _VXICS_INTERNAL_H
#define _VXICS_INTERNAL_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/export.h>
#include <linux/irqflags.h>
#include <linux/nospec.h>
#include <linux/processor.h>
#include <asm/kvm_host.h>
#include <asm/reg.h>
#include <asm/time.h>

/* Timebase for H_XIRR_X (R12). */
#define vxics_timebase()	mftb()

/*
 * Load a pointer (or an index that selects one) published with a release
 * store, where only what is reached through the loaded value needs the
 * ordering: the address dependency orders those later loads on every
 * architecture Linux supports (READ_ONCE() takes care of Alpha), so the
 * hot paths need no lwsync per level, as rcu_dereference() needs none.
 * The userspace build makes it an acquire load: its compilers and TSan
 * know no dependency ordering.
 */
#define vxics_load_dep(x)	READ_ONCE(x)

/* R4: every server number KVM can give a vCPU. */
#define VXICS_MAX_SERVERS	KVM_MAX_VCPU_IDS

/*
 * Interrupts off around the core's lock (core.h) in virtual mode, so that
 * a holder is never preempted or interrupted while another CPU spins on
 * it.  Real mode (MSR[DR] clear: the hcall and guest-exit paths) runs with
 * MSR[EE] clear, hard-disabled already, and must not call the out-of-line
 * soft-mask code behind local_irq_restore(), so it does nothing; the
 * flags value tells restore which case it was.  mfmsr is one inline
 * instruction.
 */
#define VXICS_IRQ_REAL_MODE	(~0UL)

static __always_inline unsigned long vxics_irq_save_flags(void)
{
	unsigned long flags = VXICS_IRQ_REAL_MODE;

	if (mfmsr() & MSR_DR)
		raw_local_irq_save(flags);
	return flags;
}

static __always_inline void vxics_irq_restore_flags(unsigned long flags)
{
	if (flags != VXICS_IRQ_REAL_MODE)
		raw_local_irq_restore(flags);
}

/*
 * A file whose every holder of the core's lock runs with interrupts
 * hard-disabled already (bypass_rm.c: the guest-exit path; hcall_rm.c:
 * the real-mode hcalls) defines VXICS_IRQS_OFF before its first include
 * and skips the test.
 */
#ifdef VXICS_IRQS_OFF
#define vxics_irq_save(flags)		((flags) = VXICS_IRQ_REAL_MODE)
#define vxics_irq_restore(flags)	((void)(flags))
#else
#define vxics_irq_save(flags)		((flags) = vxics_irq_save_flags())
#define vxics_irq_restore(flags)	vxics_irq_restore_flags(flags)
#endif

#endif /* _VXICS_INTERNAL_H */
