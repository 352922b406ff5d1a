/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest for the xics_* selftests: a command loop the test drives (see
 * the XG_CMD_* protocol in lib/guest.h and xg_* in lib/xics.h).  It makes
 * the XICS hypercalls the test asks for with MSR[EE]=0, and on XG_CMD_WAIT
 * runs with MSR[EE]=1 so that pending interrupts are taken at 0x500.
 * Every other vector reports VXT_H_FAIL.
 */
#include "lib/guest.h"

GUEST_PAYLOAD xics
	.org	VXT_GUEST_ENTRY
	b	start
	FAIL_VECTOR 0x200
	FAIL_VECTOR 0x300
	FAIL_VECTOR 0x380
	FAIL_VECTOR 0x400
	FAIL_VECTOR 0x480
	XICS_EXT_VECTOR
	FAIL_VECTOR 0x600
	FAIL_VECTOR 0x700
	FAIL_VECTOR 0x800
	DEC_VECTOR
	FAIL_VECTOR 0xa00
	FAIL_VECTOR 0xb00
	FAIL_VECTOR 0xc00
	FAIL_VECTOR 0xd00
	FAIL_VECTOR 0xf00
	FAIL_VECTOR 0xf20
	FAIL_VECTOR 0xf40

	.org	0x1000
start:
	lis	0, 0x7fff
	mtdec	0
	li	28, 0
cmd:
	mr	4, 28			/* interrupts taken in the last wait */
	HCALL	VXT_H_CMD
	cmpdi	3, XG_CMD_HCALL
	beq	do_hcall
	cmpdi	3, XG_CMD_WAIT
	beq	do_wait
	HCALL	VXT_H_DONE
	b	.

do_hcall:				/* r4 = hypercall, r5..r8 = arguments */
	mr	3, 4
	mr	4, 5
	mr	5, 6
	mr	6, 7
	mr	7, 8
	sc	1
	mr	7, 5
	mr	6, 4
	mr	5, 3
	li	4, XG_TAG_HCALL
	HCALL	VXT_H_REPORT
	b	cmd

do_wait:				/* r4 = interrupts, r5 = timebase ticks */
	mr	14, 4
	mftb	15
	add	15, 15, 5
	li	28, 0
	EE_ON	16
1:	cmpd	28, 14
	bge	2f
	mftb	16
	cmpd	16, 15
	blt	1b
2:	EE_OFF	16
	b	cmd
GUEST_END xics
