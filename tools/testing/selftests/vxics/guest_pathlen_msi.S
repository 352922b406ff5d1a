/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest for pathlen_msi (bench/pathlen): waits with MSR[EE]=1, doing
 * nothing else, for the external interrupts a passed-through device's MSI
 * brings, and for each: a lap marker as the first instruction at 0x500
 * (the meter's span starts in the host, where the interrupt arrives),
 * H_XIRR, H_EOI, then the stop marker of the current phase.  So one span
 * measures arrival -> guest 0x500 (the lap) and the whole round trip
 * through the guest's accept and EOI (the stop).
 *
 * The test sets PM_PHASE (0 or 1: which of the two stop sites ends the
 * span, so the report can tell its phases apart) and XL_STOP (leave the
 * loop); the guest counts what it took in PM_TAKEN and, of those, the
 * XIRRs that were not source 0x1000 in PM_OTHER.  It ends with
 * VXT_H_DONE.  Sites: .rodata.guest_pathlen_msi_sites, as in
 * guest_pathlen.S.
 */
#include "lib/guest.h"

	.macro	PM_SITE name
	.pushsection .rodata.guest_pathlen_msi_sites, "a"
	.balign	8
	.quad	.Lsite\@ - guest_pathlen_msi_start
	.quad	1
	.asciz	"\name"
	.popsection
.Lsite\@:
	.endm

	.pushsection .rodata.guest_pathlen_msi_sites, "a"
	.balign	8
	.globl	guest_pathlen_msi_sites_start
guest_pathlen_msi_sites_start:
	.popsection

GUEST_PAYLOAD pathlen_msi
	.org	VXT_GUEST_ENTRY
	b	main

	.org	0x500
	VXT_PL_LAP			/* the interrupt is in the guest */
	mfsrr0	22
	mfsrr1	23
	H_XIRR_CALL
	mr	20, 4
	H_EOI_REG 20
	ld	5, PM_PHASE(0)
	cmpdi	5, 0
	bne	1f
	PM_SITE	msi_phase0
	VXT_PL_STOP
	b	2f
1:	PM_SITE	msi_phase1
	VXT_PL_STOP
2:	ld	6, PM_TAKEN(0)
	addi	6, 6, 1
	std	6, PM_TAKEN(0)
	rlwinm	20, 20, 0, 8, 31	/* XISR */
	cmplwi	20, 0x1000
	beq	3f
	ld	6, PM_OTHER(0)
	addi	6, 6, 1
	std	6, PM_OTHER(0)
3:	mtsrr0	22
	mtsrr1	23
	rfid

	DEC_VECTOR

main:	lis	0, 0x7fff		/* no decrementer interrupts */
	mtdec	0
	H_CPPR_IMM 0xff
	EE_ON	0
4:	ld	5, XL_STOP(0)
	cmpdi	5, 0
	beq	4b
	EE_OFF	0
	li	3, VXT_H_DONE
	sc	1
	b	.
GUEST_END pathlen_msi

	.pushsection .rodata.guest_pathlen_msi_sites, "a"
	.balign	8
	.globl	guest_pathlen_msi_sites_end
guest_pathlen_msi_sites_end:
	.popsection
