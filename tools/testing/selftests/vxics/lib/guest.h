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

#define VXT_GUEST_ENTRY	0x100	/* system reset vector: where guests start */

/* MSR of a guest at entry: 64-bit, machine check enabled, little-endian */
#define VXT_MSR_SF	0x8000000000000000ULL
#define VXT_MSR_EE	0x8000ULL
#define VXT_MSR_ME	0x1000ULL
#define VXT_MSR_LE	0x1ULL

#ifdef __ASSEMBLER__
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
