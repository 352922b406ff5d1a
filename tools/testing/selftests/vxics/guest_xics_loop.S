/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest for xics_contention and xics_release: a vCPU that loops on XICS
 * hypercalls with MSR[EE]=0 until the word at XL_STOP in guest memory is
 * set by the test.  The test sets, before the first run:
 *
 *   r14  mode: XL_MODE_ACCEPT or XL_MODE_XIRR
 *   r15  in XL_MODE_ACCEPT, an XIRR (0xff << 24 | source) of a defined
 *        source nobody triggers: EOI'ing it only takes the ICS lock
 *
 * XL_MODE_ACCEPT: H_XIRR; a presented interrupt is counted and EOI'd,
 * otherwise the idle source is EOI'd.  At the stop word, 64 more H_XIRRs
 * drain what is left, then VXT_H_REPORT(accepted, loops) and VXT_H_DONE.
 *
 * XL_MODE_XIRR: H_XIRR only, leaving nothing presented (CPPR stays 0);
 * every 256 loops VXT_H_REPORT(loops), so the vCPU leaves KVM_RUN now and
 * then, as a QEMU vCPU does.  At the stop word VXT_H_DONE.
 *
 * In both modes an hcall failing makes VXT_H_FAIL(r4 = its status,
 * r5 = the hcall); r16.. hold the guest's state (hcalls keep r14-r31).
 */
#include "lib/guest.h"

GUEST_PAYLOAD xics_loop
	.org	VXT_GUEST_ENTRY
	lis	0, 0x7fff		/* no decrementer interrupts */
	mtdec	0
	li	16, 0			/* accepted */
	li	17, 0			/* loops */
	li	22, XL_STOP
	cmpdi	14, XL_MODE_XIRR
	beq	xirr_loop

	H_CPPR_IMM 0xff			/* everything gets in */
	cmpdi	3, 0
	bne	fail_cppr
accept_loop:
	H_XIRR_CALL
	cmpdi	3, 0
	bne	fail_xirr
	clrldi	18, 4, 40		/* XISR */
	cmpdi	18, 0
	beq	1f
	addi	16, 16, 1
	HCALL	H_EOI			/* r4 still holds the XIRR */
	b	2f
1:	H_EOI_REG 15			/* the idle source: just the lock */
2:	cmpdi	3, 0
	bne	fail_eoi
	addi	17, 17, 1
	ld	19, 0(22)
	cmpdi	19, 0
	beq	accept_loop

	li	20, 64			/* drain */
3:	H_XIRR_CALL
	clrldi	18, 4, 40
	cmpdi	18, 0
	beq	4f
	addi	16, 16, 1
	HCALL	H_EOI
4:	addi	20, 20, -1
	cmpdi	20, 0
	bne	3b
	li	3, VXT_H_REPORT
	mr	4, 16
	mr	5, 17
	sc	1
	HCALL	VXT_H_DONE

xirr_loop:
	H_XIRR_CALL
	cmpdi	3, 0
	bne	fail_xirr
	addi	17, 17, 1
	andi.	18, 17, 255
	bne	5f
	li	3, VXT_H_REPORT
	mr	4, 17
	sc	1
5:	ld	19, 0(22)
	cmpdi	19, 0
	beq	xirr_loop
	HCALL	VXT_H_DONE

fail_cppr:
	li	5, H_CPPR
	b	fail
fail_xirr:
	li	5, H_XIRR
	b	fail
fail_eoi:
	li	5, H_EOI
fail:
	mr	4, 3
	HCALL	VXT_H_FAIL

	.org	0x900			/* decrementer: push it away again */
	lis	0, 0x7fff
	mtdec	0
	rfid
GUEST_END xics_loop
