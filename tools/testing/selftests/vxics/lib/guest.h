/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared between guest payloads (assembly) and the host side of the tests.
 *
 * Guests talk to the test with hypercalls KVM does not implement, so they
 * exit to userspace as KVM_EXIT_PAPR_HCALL: VXT_H_REPORT (r4..: values),
 * VXT_H_DONE and VXT_H_FAIL (r4: the guest's failure code).
 */
#ifndef _VXT_GUEST_H
#define _VXT_GUEST_H

#define VXT_H_REPORT	0x6004
#define VXT_H_DONE	0x6008
#define VXT_H_FAIL	0x600c

/* PAPR hypercalls of the XICS interrupt controller, and H_CEDE */
#define H_EOI		0x64
#define H_CPPR		0x68
#define H_IPI		0x6c
#define H_IPOLL		0x70
#define H_XIRR		0x74
#define H_CEDE		0xe0

#define VXT_GUEST_ENTRY	0x100	/* system reset vector: where guests start */

/* guest_xics_loop.S: the stop word the test sets (xl_stop), modes (r14) */
#define XL_STOP		0x7000
/*
 * guest_pathlen_msi.S: interrupts taken, how many were not the device's
 * source, and which stop marker ends the span (set by the test)
 */
#define PM_TAKEN	0x7008
#define PM_OTHER	0x7010
#define PM_PHASE	0x7018
#define XL_MODE_ACCEPT	0
#define XL_MODE_XIRR	1

/* PAPR hypercalls of the XICS presentation controller (ICP) */
#define H_EOI		0x64
#define H_CPPR		0x68
#define H_IPI		0x6c
#define H_IPOLL		0x70
#define H_XIRR		0x74
#define H_XIRR_X	0x2fc

/* PAPR hypercall return codes */
#define H_SUCCESS	0
#define H_FUNCTION	(-2)
#define H_PARAMETER	(-4)
#define H_RTAS		0xf000

/*
 * The command protocol of guest_xics.S (driven by xg_* in lib/xics.h):
 * the guest asks for work with VXT_H_CMD (r4: interrupts taken during
 * the last XG_CMD_WAIT); the test answers with the command in r3 and its
 * arguments in r4...
 *
 *   XG_CMD_HCALL  r4 = hypercall, r5..r8 its arguments; the guest makes
 *                 it with MSR[EE]=0 and reports VXT_H_REPORT(XG_TAG_HCALL,
 *                 r3, r4, r5) as the hypercall left them.
 *   XG_CMD_WAIT   r4 = interrupts to wait for, r5 = bound in timebase
 *                 ticks: MSR[EE]=1 until that many were taken or the
 *                 bound passed, then MSR[EE]=0.
 *   anything else VXT_H_DONE.
 *
 * Each external interrupt the guest takes (XICS_EXT_VECTOR) is reported
 * as VXT_H_REPORT(XG_TAG_EXT, xirr); the test's answer in r3 says whether
 * the handler EOIs it (0) or leaves it un-EOI'd (1).
 */
#define VXT_H_CMD	0x6010
#define XG_CMD_HCALL	1
#define XG_CMD_WAIT	2
#define XG_CMD_DONE	3
#define XG_TAG_HCALL	0xc00
#define XG_TAG_EXT	0x500

/* MSR of a guest at entry: 64-bit, machine check enabled, little-endian */
#define VXT_MSR_SF	0x8000000000000000ULL
#define VXT_MSR_EE	0x8000ULL
#define VXT_MSR_ME	0x1000ULL
#define VXT_MSR_LE	0x1ULL

/*
 * Path-length markers for bench/pathlen's QEMU plugin: "xori rX,rX,0" is
 * a no-op for any X; these two words are what the plugin looks for.
 */
#define VXT_PL_START_WORD	0x6bff0000	/* xori 31,31,0 */
#define VXT_PL_STOP_WORD	0x6bde0000	/* xori 30,30,0 */
#define VXT_PL_LAP_WORD		0x6bbd0000	/* xori 29,29,0: count so far */

#ifdef __ASSEMBLER__
	.macro	VXT_PL_START
	xori	31, 31, 0
	.endm

	.macro	VXT_PL_STOP
	xori	30, 30, 0
	.endm

	.macro	VXT_PL_LAP
	xori	29, 29, 0
	.endm

/*
 * GUEST_PAYLOAD name ... GUEST_END name: a payload loaded at guest
 * physical 0; ".org" inside it places code at vector offsets.
 */
	.macro GUEST_PAYLOAD name
	.section .rodata.guest_\name, "a"
	.balign 256
	.globl guest_\name\()_start
	.set guest_\name\()_start, .
	.endm

	.macro GUEST_END name
	.globl guest_\name\()_end
	.set guest_\name\()_end, .
	.previous
	.endm

/* Hypercall nr with its arguments already in r4...: result in r3, r4... */
	.macro HCALL nr
	li	3, \nr
	sc	1
	.endm

/*
 * The XICS hypercalls.  Like every hypercall they clobber r0 and r3-r12;
 * H_XIRR returns the XIRR in r4, H_IPOLL the XIRR in r4 and MFRR in r5.
 */
	.macro H_CPPR_IMM cppr
	li	4, \cppr
	HCALL	H_CPPR
	.endm

	.macro H_XIRR_CALL
	HCALL	H_XIRR
	.endm

	.macro H_EOI_REG xirr
	mr	4, \xirr
	HCALL	H_EOI
	.endm

	.macro H_IPI_IMM server, mfrr
	li	4, \server
	li	5, \mfrr
	HCALL	H_IPI
	.endm

/* MSR[EE] on / off, with mtmsrd L=1 (changes only EE and RI); uses rtmp */
	.macro EE_ON rtmp
	li	\rtmp, 0
	ori	\rtmp, \rtmp, 0x8002	/* EE | RI */
	mtmsrd	\rtmp, 1
	.endm

	.macro EE_OFF rtmp
	li	\rtmp, 2		/* RI */
	mtmsrd	\rtmp, 1
	.endm

/*
 * The external interrupt vector (0x500): accept with H_XIRR, report the
 * XIRR to the test (VXT_H_REPORT, XG_TAG_EXT), H_EOI it unless the test
 * answered nonzero, count it in r28, return.  SRR0/SRR1 are saved around
 * the hypercalls (sc 1 overwrites them) and CR is kept; r0, r3-r12 and
 * r20-r23 are clobbered, so the interrupted code keeps its state in
 * r14-r19 or r24-r27.  Once r28 reaches r14 it returns with MSR[EE]=0,
 * so that a loop waiting for r14 interrupts takes exactly that many even
 * when the EOI presents the next one at once (an asserted LSI).
 */
	.macro XICS_EXT_VECTOR
	.org	0x500
	mfsrr0	22
	mfsrr1	23
	mfcr	21
	H_XIRR_CALL
	mr	20, 4
	mr	5, 4
	li	4, XG_TAG_EXT
	HCALL	VXT_H_REPORT
	addi	28, 28, 1
	cmpdi	3, 0
	bne	. + 16			/* over the 3 of H_EOI_REG */
	H_EOI_REG 20
	cmpd	28, 14
	blt	. + 16			/* over the next 3 */
	li	0, 0
	ori	0, 0, 0x8000		/* MSR[EE] */
	andc	23, 23, 0
	mtcrf	0xff, 21
	mtsrr0	22
	mtsrr1	23
	rfid
	.endm

/* The decrementer vector (0x900): push DEC far away again; uses r0. */
	.macro DEC_VECTOR
	.org	0x900
	lis	0, 0x7fff
	mtdec	0
	rfid
	.endm

/* An unexpected interrupt: VXT_H_FAIL(vector, SRR0, SRR1), then spin. */
	.macro FAIL_VECTOR vec
	.org	\vec
	li	4, \vec
	mfsrr0	5
	mfsrr1	6
	HCALL	VXT_H_FAIL
	b	.
	.endm

#else
#define GUEST_DECLARE(name)				\
	extern const char guest_##name##_start[], guest_##name##_end[]
#define GUEST_LOAD(vm, name)				\
	vxt_vm_load(vm, 0, guest_##name##_start, guest_##name##_end)
#endif

#endif /* _VXT_GUEST_H */
