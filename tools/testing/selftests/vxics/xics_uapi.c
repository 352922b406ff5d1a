// SPDX-License-Identifier: GPL-2.0-only
/*
 * The XICS device through its uAPI alone (no guest runs): create it,
 * define sources with the device attribute, attach an ICP per vCPU, and
 * feed every argument out of range: each gets its documented error and
 * leaves the state as it was (read back before and after).
 *
 * Rules: R1 R2 R3 R4 R19 R27 R28 R29 R30 R31 R32.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/xics.h"

#define SRC_A	0x1000		/* block 4, like QEMU's first source 4096 */
#define SRC_B	0x1001		/* same block, never defined */
#define SRC_C	0x1002
#define SRC_D	0x1003
#define SRC_E	0x1004
#define SRC_LSI	0x1005
#define SRC_LAST (XICS_NR_IRQS - 1)
#define SRC_NOBLK 0x3000	/* a block nothing was ever defined in */

static int xfd;

static const char *err(int rc)
{
	return rc ? strerror(-rc) : "ok";
}

/* A source is undefined: its attribute reads ENOENT (R28). */
static bool undefined(uint32_t irq)
{
	uint64_t v;

	return xics_source_get(xfd, irq, &v) == -ENOENT;
}

static bool source_is(uint32_t irq, uint64_t want)
{
	uint64_t v = ~0ULL;
	int rc = xics_source_get(xfd, irq, &v);

	if (rc || v != want)
		vxt_diag("source 0x%x: %s 0x%llx, want 0x%llx", irq, err(rc),
			 (unsigned long long)v, (unsigned long long)want);
	return !rc && v == want;
}

static uint64_t icp(struct vxt_vcpu *vcpu)
{
	uint64_t s = ~0ULL;

	VXT_REQUIRE(!xics_icp_get(vcpu, &s), "get ICP state");
	return s;
}

/* R32: an inconsistent ICP state is refused and changes nothing */
static void icp_refused(struct vxt_vcpu *vcpu, uint64_t bad, const char *why)
{
	uint64_t before = icp(vcpu);
	int rc = xics_icp_set(vcpu, bad);

	vxt_ok(rc == -EINVAL && icp(vcpu) == before,
	       "R32: ICP state 0x%llx (%s) refused: %s, state unchanged",
	       (unsigned long long)bad, why, err(rc));
}

static void sources_and_icps(struct vxt_vm *vm, struct vxt_vcpu *v0,
			     struct vxt_vcpu *v1)
{
	uint64_t v;
	int rc;

	vxt_ok(undefined(SRC_A), "R28: source 0x%x undefined before any set: ENOENT",
	       SRC_A);

	/* R3/R28: masked (priority 0xff) and server 0, reported MASKED */
	rc = xics_source_set(xfd, SRC_A, XICS_SRC(0, XICS_PRIO_MASKED));
	vxt_ok(!rc, "R29: define source 0x%x (server 0, priority 0xff): %s",
	       SRC_A, err(rc));
	vxt_ok(source_is(SRC_A, XICS_SRC(0, 0xff) | KVM_XICS_MASKED),
	       "R3 R28: new source reads back server 0, priority 0xff, MASKED");
	vxt_ok(undefined(SRC_B),
	       "R2 R28: 0x%x in the new block stays undefined (ENOENT)", SRC_B);

	/* R29: a priority other than 0xff needs an existing server */
	rc = xics_source_set(xfd, SRC_C, XICS_SRC(0, 5));
	vxt_ok(rc == -EINVAL && undefined(SRC_C),
	       "R29: priority 5 for server 0 before any ICP: %s, source stays undefined",
	       err(rc));

	/* R4: attach ICPs; initial state; a second ICP for server 0 */
	vxt_ok(xics_icp_get(v0, &v) == -ENXIO,
	       "R31: ICP one-reg of a vCPU without ICP: ENXIO");
	rc = xics_icp_attach(v0, xfd, 0);
	vxt_ok(!rc, "R4: ICP server 0 attached to vCPU 0: %s", err(rc));
	v = icp(v0);
	vxt_ok(v == XICS_ICP_RESET,
	       "R4 R31: initial ICP: CPPR 0, XISR 0, MFRR 0xff, pending 0xff (0x%llx)",
	       (unsigned long long)v);
	rc = xics_icp_attach(v1, xfd, 0);
	vxt_ok(rc == -EEXIST, "R4: second ICP with server 0: %s", err(rc));
	vxt_ok(xics_icp_get(v1, &v) == -ENXIO,
	       "R4: the refused vCPU got no ICP (one-reg ENXIO)");
	rc = xics_icp_attach(v1, xfd, 1);
	vxt_ok(!rc && icp(v1) == XICS_ICP_RESET,
	       "R4: vCPU 1 then attaches as server 1: %s", err(rc));

	/* R28: masked source with a saved priority reports that priority */
	rc = xics_source_set(xfd, SRC_C, XICS_SRC(1, 5) | KVM_XICS_MASKED);
	vxt_ok(!rc && source_is(SRC_C, XICS_SRC(1, 5) | KVM_XICS_MASKED),
	       "R28 R29: masked source keeps saved priority 5 in the priority field: %s",
	       err(rc));
	rc = xics_source_set(xfd, SRC_D, XICS_SRC(7, 5));
	vxt_ok(rc == -EINVAL && undefined(SRC_D),
	       "R29: priority 5 for server 7 (no ICP): %s, source stays undefined",
	       err(rc));
	rc = xics_source_set(xfd, SRC_D, XICS_SRC(7, XICS_PRIO_MASKED));
	vxt_ok(!rc && source_is(SRC_D, XICS_SRC(7, 0xff) | KVM_XICS_MASKED),
	       "R29: masked source may name server 7 without an ICP: %s", err(rc));
	rc = xics_source_set(xfd, SRC_D, XICS_SRC(1, 3));
	vxt_ok(!rc && source_is(SRC_D, XICS_SRC(1, 3)),
	       "R27 R29: redefine 0x%x as server 1, priority 3: %s", SRC_D, err(rc));
	rc = xics_source_set(xfd, SRC_LSI,
			     XICS_SRC(0, 0xff) | KVM_XICS_LEVEL_SENSITIVE);
	vxt_ok(!rc && source_is(SRC_LSI, XICS_SRC(0, 0xff) | KVM_XICS_MASKED |
				KVM_XICS_LEVEL_SENSITIVE),
	       "R27: level-sensitive bit 40 reads back: %s", err(rc));

	/* R1 R2 R29: the number range, in both directions */
	rc = xics_source_set(xfd, SRC_LAST, XICS_SRC(0, 0xff));
	vxt_ok(!rc && source_is(SRC_LAST, XICS_SRC(0, 0xff) | KVM_XICS_MASKED),
	       "R1 R2 R29: last source 0x%x (block 1023 created): %s",
	       SRC_LAST, err(rc));
	rc = xics_source_set(xfd, XICS_NR_IRQS, XICS_SRC(0, 0xff));
	vxt_ok(rc == -ENOENT && undefined(XICS_NR_IRQS),
	       "R1 R29: source 2^20 refused: %s", err(rc));
	rc = xics_source_set(xfd, 15, XICS_SRC(0, 0xff));
	vxt_ok(rc == -ENOENT && undefined(15),
	       "R1 R29: source 15 refused: %s", err(rc));
	rc = xics_source_set(xfd, XICS_IPI, XICS_SRC(0, 0xff));
	vxt_ok(rc == -ENOENT && undefined(XICS_IPI),
	       "R1 R29: source 2 (the IPI) refused: %s", err(rc));
	rc = xics_source_set(xfd, 0, XICS_SRC(0, 0xff));
	vxt_ok(rc == -ENOENT && undefined(0),
	       "R1 R29: source 0 refused: %s", err(rc));
	rc = xics_attr_set(xfd, KVM_DEV_XICS_GRP_SOURCES, (1ULL << 32) | SRC_E,
			   XICS_SRC(0, 0xff));
	vxt_ok(rc == -ENOENT && undefined(SRC_E),
	       "R29: attribute 2^32+0x%x refused (%s), 0x%x not aliased",
	       SRC_E, err(rc), SRC_E);
	vxt_ok(xics_attr_has(xfd, KVM_DEV_XICS_GRP_SOURCES, SRC_E) == 0 &&
	       xics_attr_has(xfd, KVM_DEV_XICS_GRP_SOURCES, 15) == -ENXIO &&
	       xics_attr_has(xfd, KVM_DEV_XICS_GRP_SOURCES, XICS_NR_IRQS) == -ENXIO,
	       "R1: HAS_DEVICE_ATTR knows exactly the sources [16, 2^20)");

	/* R30: NR_SERVERS belongs to XICS-on-XIVE; unknown groups too */
	rc = xics_attr_set(xfd, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS, 8);
	vxt_ok(rc == -ENXIO, "R30: set GRP_CTRL NR_SERVERS: %s", err(rc));
	rc = xics_attr_get(xfd, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS, &v);
	vxt_ok(rc == -ENXIO, "R30: get GRP_CTRL NR_SERVERS: %s", err(rc));
	rc = xics_attr_has(xfd, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS);
	vxt_ok(rc == -ENXIO, "R30: has GRP_CTRL NR_SERVERS: %s", err(rc));
	rc = xics_attr_set(xfd, 99, SRC_A, XICS_SRC(0, 0xff));
	vxt_ok(rc == -ENXIO && source_is(SRC_A, XICS_SRC(0, 0xff) | KVM_XICS_MASKED),
	       "R30: unknown attribute group 99: %s, source 0x%x unchanged",
	       err(rc), SRC_A);
}

static void icp_states(struct vxt_vcpu *v0)
{
	uint64_t s;
	int rc;

	/* R31: a consistent state round-trips, low 16 bits zero */
	s = XICS_ICP(0xff, 0, 0x7, 0xff);
	rc = xics_icp_set(v0, s);
	vxt_ok(!rc && icp(v0) == s && !(icp(v0) & 0xffff),
	       "R31: ICP state 0x%llx round-trips: %s", (unsigned long long)s,
	       err(rc));

	icp_refused(v0, XICS_ICP(0xff, 0, 0xff, 5),
		    "XISR 0, pending priority 5");
	icp_refused(v0, XICS_ICP(0xff, XICS_IPI, 5, 6),
		    "IPI pending at 6, MFRR 5");
	icp_refused(v0, XICS_ICP(5, XICS_IPI, 5, 5),
		    "IPI at 5, CPPR 5");
	icp_refused(v0, XICS_ICP(5, SRC_A, 0xff, 5),
		    "source at 5, CPPR 5");
	icp_refused(v0, XICS_ICP(0xff, SRC_A, 5, 5),
		    "source at 5, MFRR 5");
	icp_refused(v0, XICS_ICP(0xff, SRC_NOBLK, 0xff, 5),
		    "source in a block that does not exist");

	s = XICS_ICP(0xff, XICS_IPI, 5, 5);
	rc = xics_icp_set(v0, s);
	vxt_ok(!rc && icp(v0) == s, "R31 R32: pending IPI state accepted: %s",
	       err(rc));
	s = XICS_ICP(0xff, SRC_A, 0xff, 5);
	rc = xics_icp_set(v0, s);
	vxt_ok(!rc && icp(v0) == s, "R31 R32: pending source state accepted: %s",
	       err(rc));
	rc = xics_icp_set(v0, XICS_ICP_RESET);
	vxt_ok(!rc && icp(v0) == XICS_ICP_RESET, "R31: back to the reset state: %s",
	       err(rc));
}

/*
 * R4: server numbers up to KVM's vCPU id limit (KVM_CAP_MAX_VCPU_ID), not
 * only below 2048; the limit itself is refused.
 */
static void high_servers(struct vxt_vm *vm)
{
	int max = vxt_check_cap(vm, KVM_CAP_MAX_VCPU_ID);
	struct vxt_vcpu *a, *b;
	int rc;

	vxt_diag("KVM_CAP_MAX_VCPU_ID %d", max);
	a = vxt_vcpu_add(vm, 2, VXT_GUEST_ENTRY);
	b = vxt_vcpu_add(vm, 3, VXT_GUEST_ENTRY);
	rc = xics_icp_attach(a, xfd, max);
	vxt_ok(rc == -EINVAL, "R4: ICP server %d (the vCPU id limit): %s",
	       max, err(rc));
	rc = xics_icp_attach(a, xfd, max - 1);
	vxt_ok(!rc && icp(a) == XICS_ICP_RESET,
	       "R4: ICP server %d (the top of the range) attached: %s",
	       max - 1, err(rc));
	rc = max > 2048 ? xics_icp_attach(b, xfd, 2048) : -ERANGE;
	vxt_ok(!rc && icp(b) == XICS_ICP_RESET,
	       "R4: ICP server 2048 attached: %s", err(rc));
	rc = xics_source_set(xfd, SRC_E, XICS_SRC(max - 1, 5));
	vxt_ok(!rc && source_is(SRC_E, XICS_SRC(max - 1, 5)),
	       "R4 R29: a source targets server %d: %s", max - 1, err(rc));
	rc = xics_source_set(xfd, SRC_E, XICS_SRC(max, 5));
	vxt_ok(rc == -EINVAL && source_is(SRC_E, XICS_SRC(max - 1, 5)),
	       "R4 R29: server %d refused for a source: %s, unchanged",
	       max, err(rc));
	vxt_vcpu_destroy(b);
	vxt_vcpu_destroy(a);
}

/*
 * R33: KVM_IRQ_LINE levels: 1, SET, SET_LEVEL assert; 0 and UNSET
 * deassert; any other value is refused (EINVAL in the status) and
 * changes nothing.
 */
static void line_levels(struct vxt_vm *vm)
{
	static const uint32_t bad[] = { 2, 5, 0x80000000u, 0xfffffffcu, 0 };
	uint64_t before, after;
	int32_t status;
	unsigned int i;
	int rc, nbad = 0;

	rc = xics_source_set(xfd, SRC_LSI, XICS_SRC(0, 0xff) |
			     KVM_XICS_LEVEL_SENSITIVE);
	VXT_REQUIRE(!rc, "LSI 0x%x masked: %s", SRC_LSI, err(rc));
	rc = xics_irq_line_status(vm, SRC_LSI, KVM_INTERRUPT_SET_LEVEL, &status);
	vxt_ok(!rc && !status && xics_source_get(xfd, SRC_LSI, &after) == 0 &&
	       (after & KVM_XICS_PENDING),
	       "R33: KVM_INTERRUPT_SET_LEVEL asserts the LSI (status %d)", status);
	xics_source_get(xfd, SRC_LSI, &before);
	for (i = 0; bad[i]; i++) {
		status = 0;
		rc = xics_irq_line_status(vm, SRC_LSI, bad[i], &status);
		xics_source_get(xfd, SRC_LSI, &after);
		if (rc || status != -EINVAL || after != before) {
			vxt_diag("level 0x%x: rc %d status %d, 0x%llx -> 0x%llx",
				 bad[i], rc, status, (unsigned long long)before,
				 (unsigned long long)after);
			nbad++;
		}
	}
	vxt_ok(!nbad,
	       "R33: levels 2, 5, 0x80000000, 0xfffffffc refused, LSI still asserted");
	rc = xics_irq_line_status(vm, SRC_LSI, KVM_INTERRUPT_UNSET, &status);
	vxt_ok(!rc && !status && xics_source_get(xfd, SRC_LSI, &after) == 0 &&
	       !(after & KVM_XICS_PENDING),
	       "R33: KVM_INTERRUPT_UNSET deasserts it (status %d)", status);
}

/* The fd KVM_CREATE_DEVICE returned is the kvm-xics device's. */
static bool is_xics_fd(int fd)
{
	char path[64], target[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = 0;
	vxt_diag("device fd %d -> %s", fd, target);
	return !strcmp(target, "anon_inode:kvm-xics");
}

int main(void)
{
	struct vxt_vcpu *v0, *v1;
	struct vxt_vm *vm;
	int32_t status = 0;
	int rc;

	vxt_plan(49);
	vm = vxt_vm_create(16 << 20);
	v0 = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	v1 = vxt_vcpu_add(vm, 1, VXT_GUEST_ENTRY);

	rc = xics_irq_line(vm, SRC_A, 1);
	vxt_ok(rc == -ENXIO, "R19: KVM_IRQ_LINE without an XICS device: %s",
	       err(rc));
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device: %s", err(xfd));
	vxt_ok(is_xics_fd(xfd), "KVM_CREATE_DEVICE(KVM_DEV_TYPE_XICS) gives a kvm-xics fd");
	rc = xics_create(vm);
	vxt_ok(rc == -EEXIST, "second XICS device in the VM: %s", err(rc));

	sources_and_icps(vm, v0, v1);

	/* R19: an undefined source is not triggered, nor created */
	rc = xics_irq_line_status(vm, SRC_B, 1, &status);
	vxt_ok(!rc && status < 0 && undefined(SRC_B),
	       "R19: trigger of undefined 0x%x refused (status %d), not created",
	       SRC_B, status);

	icp_states(v0);
	high_servers(vm);
	line_levels(vm);

	vxt_vcpu_destroy(v1);
	vxt_vcpu_destroy(v0);
	vxt_vm_destroy(vm);
	return vxt_exit();
}
