/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest for xics_realmode: XICS hcalls that must all finish in real mode,
 * and an external interrupt handler that reports each XIRR it accepts.
 */
#include "lib/guest.h"

GUEST_PAYLOAD xics_rm
	.org	VXT_GUEST_ENTRY
	lis	0, 0x7fff		/* no decrementer interrupts */
	mtdec	0
	li	3, H_CPPR		/* accept everything */
	li	4, 0xff
	sc	1
	li	3, H_IPI		/* IPI to self at priority 5 */
	li	4, 0
	li	5, 5
	sc	1
	li	3, H_IPOLL		/* look, don't accept */
	li	4, 0
	sc	1
	mr	6, 5			/* MFRR */
	mr	5, 4			/* (CPPR << 24) | XISR */
	li	3, VXT_H_REPORT
	li	4, 1
	sc	1
	mfmsr	5			/* now take interrupts */
	ori	5, 5, 0x8000
	mtmsrd	5, 1
1:	b	1b

	.org	0x500
	mfsrr0	20			/* sc clobbers SRR0/SRR1 */
	mfsrr1	21
	li	3, H_XIRR
	sc	1
	mr	22, 4
	li	3, VXT_H_REPORT
	li	4, 2
	mr	5, 22
	sc	1
	clrldi	23, 22, 40		/* XISR */
	cmpdi	23, 2
	bne	2f
	li	3, H_IPI		/* the IPI: clear MFRR before EOI */
	li	4, 0
	li	5, 0xff
	sc	1
2:	li	3, H_EOI
	mr	4, 22
	sc	1
	mtsrr0	20
	mtsrr1	21
	rfid

	.org	0x900			/* decrementer: push it away again */
	lis	0, 0x7fff
	mtdec	0
	rfid
GUEST_END xics_rm
