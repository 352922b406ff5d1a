/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest for kvm_hv_hcall: report 42, report what the host returned in r3
 * and r4, then finish.
 */
#include "lib/guest.h"

GUEST_PAYLOAD hcall
	.org	VXT_GUEST_ENTRY
	li	3, VXT_H_REPORT
	li	4, 42
	sc	1
	mr	5, 3			/* hcall return value */
	mr	6, 4			/* r4 as the host left it */
	li	3, VXT_H_REPORT
	mr	4, 5
	mr	5, 6
	sc	1
	li	3, VXT_H_DONE
	sc	1
	b	.
	.org	0x400
hang:	b	hang			/* entry for the rig's hung-guest check */
GUEST_END hcall
