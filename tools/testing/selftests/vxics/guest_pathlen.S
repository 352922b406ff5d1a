/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest for pathlen (bench/pathlen): issues each XICS hypercall r14 times
 * with path-length markers right around its "sc 1", then takes r14
 * external interrupts injected through an irqfd.
 *
 * In:  r14 iterations, r16 own server number, r17 another vCPU's server
 *      (its ICP at CPPR 0xff, and never run).
 * Out: VXT_H_REPORT r4=1 after the hypercall phase; r4=2 "arm": the host
 *      starts a span and writes the irqfd, the span ends at 0x500;
 *      VXT_H_DONE r4 = interrupts taken; VXT_H_FAIL r4 = check number.
 *
 * Every measured site is listed in the .rodata.guest_pathlen_sites table:
 * a quad (offset of the marker in the payload = guest address), a quad
 * (0: the span starts at this marker, 1: it stops at this one) and the
 * site's name, NUL-terminated; each entry 8-byte aligned.
 */
#include "lib/guest.h"

#define XIRR_IDLE	0xff000000	/* CPPR 0xff, nothing presented */
#define XIRR_IPI	0xff000002	/* CPPR 0xff, XISR = IPI */
#define XIRR_SRC	0xff001000	/* CPPR 0xff, XISR = source 0x1000 */

	.macro	PL_SITE name, kind
	.pushsection .rodata.guest_pathlen_sites, "a"
	.balign	8
	.quad	.Lsite\@ - guest_pathlen_start
	.quad	\kind
	.asciz	"\name"
	.popsection
.Lsite\@:
	.endm

	/* A measured hypercall: r3.. already set up. */
	.macro	PL_SC name
	PL_SITE	\name, 0
	VXT_PL_START
	sc	1
	VXT_PL_STOP
	.endm

	/* Fail with check number \code unless r3 == 0 (H_SUCCESS). */
	.macro	OK code
	cmpdi	3, 0
	beq	.Lok\@
	li	4, \code
	b	fail
.Lok\@:
	.endm

	/* Fail with \code unless low word of \reg == \val. */
	.macro	EXPECT reg, val, code
	lis	0, (\val) >> 16
	ori	0, 0, (\val) & 0xffff
	cmplw	\reg, 0
	beq	.Lexp\@
	li	4, \code
	b	fail
.Lexp\@:
	.endm

	.pushsection .rodata.guest_pathlen_sites, "a"
	.balign	8
	.globl	guest_pathlen_sites_start
guest_pathlen_sites_start:
	.popsection

GUEST_PAYLOAD pathlen
	.org	VXT_GUEST_ENTRY
	b	main

	/* External interrupt: the end of an irqfd span. */
	.org	0x500
	PL_SITE	irqfd_to_guest_0x500, 1
	VXT_PL_STOP
	mfsrr0	22
	mfsrr1	23
	li	3, H_XIRR
	PL_SC	h_xirr_source
	OK	40
	EXPECT	4, XIRR_SRC, 41
	mr	20, 4
	li	3, H_EOI
	mr	4, 20
	PL_SC	h_eoi_source
	OK	42
	addi	25, 25, 1
	mtsrr0	22
	mtsrr1	23
	rfid

	/* Decrementer: should not happen (DEC is set far away); rearm. */
	.org	0x900
	lis	0, 0x7fff
	mtdec	0
	rfid

	.org	0x1000
main:
	lis	0, 0x7fff
	mtdec	0
	li	25, 0
	li	3, H_CPPR		/* the ICP starts at CPPR 0 */
	li	4, 0xff
	sc	1
	OK	1
	mr	15, 14

1:	li	3, H_XIRR
	PL_SC	h_xirr_none
	OK	2
	EXPECT	4, XIRR_IDLE, 3

	li	3, H_CPPR
	li	4, 0x80
	PL_SC	h_cppr_ff_to_80
	OK	4
	li	3, H_CPPR
	li	4, 0xff
	PL_SC	h_cppr_80_to_ff
	OK	5

	li	3, H_IPI		/* MFRR 5 < CPPR: IPI presented */
	mr	4, 16
	li	5, 5
	PL_SC	h_ipi_self
	OK	6

	li	3, H_IPOLL
	mr	4, 16
	PL_SC	h_ipoll_pending
	OK	7
	EXPECT	4, XIRR_IPI, 8

	li	3, H_XIRR
	PL_SC	h_xirr_ipi
	OK	9
	EXPECT	4, XIRR_IPI, 10
	mr	20, 4

	li	3, H_EOI		/* MFRR still 5: IPI presented again */
	mr	4, 20
	PL_SC	h_eoi_represent
	OK	11
	li	3, H_XIRR
	sc	1
	OK	12
	EXPECT	4, XIRR_IPI, 13
	mr	20, 4

	li	3, H_IPI
	mr	4, 16
	li	5, 0xff
	PL_SC	h_ipi_self_clear
	OK	14

	li	3, H_EOI		/* nothing left to present */
	mr	4, 20
	PL_SC	h_eoi
	OK	15

	li	3, H_IPOLL
	mr	4, 16
	PL_SC	h_ipoll_none
	OK	16
	EXPECT	4, XIRR_IDLE, 17

	li	3, H_IPI		/* to a vCPU that is not running */
	mr	4, 17
	li	5, 5
	PL_SC	h_ipi_other
	OK	18
	li	3, H_IPI
	mr	4, 17
	li	5, 0xff
	PL_SC	h_ipi_other_clear
	OK	19

	addi	15, 15, -1
	cmpdi	15, 0
	bne	1b

	/* Interrupts through the irqfd, taken with MSR[EE] on. */
	li	3, VXT_H_REPORT
	li	4, 1
	sc	1
	mr	15, 14
	mfmsr	9
	ori	9, 9, 0x8000		/* MSR[EE] */
	mtmsrd	9, 1
2:	li	3, VXT_H_REPORT		/* arm: the host starts a span */
	li	4, 2
	sc	1
	addi	15, 15, -1
	cmpdi	15, 0
	bne	2b
	mfmsr	9
	li	0, 0
	ori	0, 0, 0x8000
	andc	9, 9, 0
	mtmsrd	9, 1

	li	3, VXT_H_DONE
	mr	4, 25
	sc	1
	b	.

fail:	li	3, VXT_H_FAIL
	sc	1
	b	.
GUEST_END pathlen

	.pushsection .rodata.guest_pathlen_sites, "a"
	.balign	8
	.globl	guest_pathlen_sites_end
guest_pathlen_sites_end:
	.popsection
