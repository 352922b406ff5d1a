/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seam between the vxics core and the kernel.
 *
 * The core files (icp.c, ics.c, ...) include this header and nothing else
 * from the kernel.  tools/testing/vxics/internal.h takes the same include
 * guard and maps the same names onto userspace, so the core compiles
 * unchanged there (see tools/testing/vxics/README).  Anything added here
 * must be added there too.
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
#include <asm/time.h>

/* Timebase for H_XIRR_X (R12). */
#define vxics_timebase()	mftb()

/*
 * Interrupts off around the ICS lock in virtual mode, so a holder is never
 * preempted or interrupted while a real-mode CPU spins on the lock.  The
 * raw variant does no tracing; in real mode interrupts are already
 * soft-disabled, so save/restore only rewrite the same mask in the paca.
 */
#define vxics_irq_save(flags)		raw_local_irq_save(flags)
#define vxics_irq_restore(flags)	raw_local_irq_restore(flags)

#endif /* _VXICS_INTERNAL_H */
