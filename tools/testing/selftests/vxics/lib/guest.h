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

#ifdef __ASSEMBLER__
	.macro	VXT_PL_START
	xori	31, 31, 0
	.endm

	.macro	VXT_PL_STOP
	xori	30, 30, 0
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

#else
#define GUEST_DECLARE(name)				\
	extern const char guest_##name##_start[], guest_##name##_end[]
#define GUEST_LOAD(vm, name)				\
	vxt_vm_load(vm, 0, guest_##name##_start, guest_##name##_end)
#endif

#endif /* _VXT_GUEST_H */
