/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest of xics_cede_wake (one round) and xics_cede_race (many).  Both
 * vCPUs start at 0x100 with CPPR 0xff and the decrementer pushed ~4 s
 * away.  r31 is the vCPU's role, set by the test:
 *  0 (sender): reports 0x10 and waits for the go, sends an IPI to server
 *    1, reports 0x11 (r5: status), and starts again;
 *  1 (sleeper): reports 0x20 and cedes (H_CEDE) until an interrupt wakes
 *    it, takes the IPI at 0x500 and reports 0x21 (r5: XIRR), clears its
 *    MFRR and EOIs, and starts again with the decrementer pushed away.
 */
#include "lib/guest.h"

GUEST_PAYLOAD xics_cede
	.org	VXT_GUEST_ENTRY
	lis	0, 0x7fff
	mtdec	0
	li	3, H_CPPR
	li	4, 0xff
	sc	1
	cmpdi	31, 0
	bne	sleeper
sender:
	li	3, VXT_H_REPORT		/* wait for the go */
	li	4, 0x10
	sc	1
	li	3, H_IPI
	li	4, 1
	li	5, 5
	sc	1
	mr	5, 3
	li	3, VXT_H_REPORT		/* IPI sent, status in r5 */
	li	4, 0x11
	sc	1
	b	sender
sleeper:
	lis	0, 0x7fff
	mtdec	0
	li	3, VXT_H_REPORT		/* about to cede */
	li	4, 0x20
	sc	1
1:	li	3, H_CEDE		/* sleeps with EE on until woken */
	sc	1
	b	1b

	.org	0x500
	li	3, H_XIRR
	sc	1
	mr	30, 4
	mr	5, 4
	li	3, VXT_H_REPORT		/* woken by XIRR r5 */
	li	4, 0x21
	sc	1
	li	3, H_IPI		/* take the IPI back: MFRR 0xff */
	li	4, 1
	li	5, 0xff
	sc	1
	li	3, H_EOI
	mr	4, 30
	sc	1
	b	sleeper

	.org	0x900
	lis	0, 0x7fff
	mtdec	0
	rfid
GUEST_END xics_cede
