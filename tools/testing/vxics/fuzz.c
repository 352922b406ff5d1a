// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the vxics core, userspace only.
 *
 * The input is a sequence of operations with raw, unchecked arguments,
 * exactly as a guest (hcalls: u64 arguments), its firmware calls (RTAS:
 * u32 arguments) or userspace (device attributes and one-reg: u64) could
 * pass them, on a small XICS: three ICPs, a few sources defined up front,
 * more defined (or redefined) by the input.  After every operation:
 *
 *  - R5, R6: every ICP word has no stray bits and OUT == (XISR && PEND <
 *    CPPR); an asserted output has its vCPU's line up (no raise lost);
 *  - R1, R32: XISR is 0, 2, or a number in [16, 2^20) whose block exists;
 *    the pending priority is 0xff iff XISR is 0;
 *  - R3, R19: a source that was never defined is untouched (server 0,
 *    priorities 0xff, no flags); a defined one has only known flags, and
 *    masked-pending only while masked (R20, R21);
 *  - R9: every unmasked source marked for resend is in the resend map of
 *    an ICP whose need-resend is set, so a resend will find it;
 *  - a call rejected with an error changed nothing: ICPs, blocks, tables,
 *    counters and the effects (raise, lower, ack notifier) compared with a
 *    snapshot taken before it.
 *
 * A failed check abort()s, as does a WARN in the core.
 *
 *   Input: op byte, then its arguments.  Op bit 7 set: each argument is
 *   built from bytes picking interesting values of its kind (source,
 *   server, priority, XIRR, attribute, one-reg); clear: raw little-endian
 *   bytes of the argument's width (missing bytes read as 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "../../../arch/powerpc/kvm/vxics/core.h"

#define NR_FICP		3
#define NR_SPARE	2
#define MAX_BLOCKS	4	/* blocks the input may create: memory bound */
#define MAX_OPS		512

static const u32 f_server[NR_FICP] = { 0, 1, 3 };

struct fuzz {
	struct vxics vx;
	struct vxics_icp icp[NR_FICP + NR_SPARE];
	int nr_icp;			/* attached: icp[0..nr_icp) */
	/* effects, recorded by the ops */
	int line[NR_FICP + NR_SPARE];
	long raised, lowered, eois;
};

struct snapshot {
	struct vxics vx;
	struct vxics_ics ics[MAX_BLOCKS + 1];
	struct vxics_icp icp[NR_FICP + NR_SPARE];
	int line[NR_FICP + NR_SPARE];
	int nr_icp;
	long raised, lowered, eois;
};

static struct fuzz F;
static struct snapshot S;

static struct {
	const u8 *p;
	size_t n;
	size_t op;		/* index of the operation, for reports */
} in;

void kunit_shim_warn(const char *file, int line, const char *cond)
{
	fprintf(stderr, "WARNING: %s at %s:%d (op %zu)\n", cond, file, line,
		in.op);
	abort();
}

u64 vxics_shim_timebase(void)
{
	static u64 tb;

	return ++tb;
}

/* Ordering and clamps are checked by ordering.c and nospec.c, not here. */
void (*vxics_shim_mb_hook)(void);

void vxics_shim_nospec(unsigned long index, unsigned long size)
{
}

static void f_raise(struct vxics *vx, struct vxics_icp *icp)
{
	F.line[icp - F.icp] = 1;
	F.raised++;
}

static void f_lower(struct vxics *vx, struct vxics_icp *icp)
{
	F.line[icp - F.icp] = 0;
	F.lowered++;
}

static void f_eoi(struct vxics *vx, u32 irq)
{
	F.eois++;
}

static const struct vxics_ops f_ops = {
	.raise = f_raise,
	.lower = f_lower,
	.eoi_notify = f_eoi,
};

static void fail(const char *what, u64 a, u64 b)
{
	fprintf(stderr, "vxics-fuzz: op %zu: %s (0x%llx, 0x%llx)\n", in.op,
		what, (unsigned long long)a, (unsigned long long)b);
	abort();
}

/* ---- input decoding ---------------------------------------------------- */

static bool small;		/* current op: arguments from the tables */

/* Small mode: typed tables, so the input names the same source twice. */
static const u64 t_irq[] = {
	16, 17, 20, 1024, 1030, 18, 1025, 2048, 0, 1, 2, 15, 1023, 0xfffff,
	0x100000, 0xffffffff, 0x100000010ULL, ~0ULL,
};

static const u64 t_server[] = {
	0, 1, 3, 2, 4, 2047, 2048, 0xffffffff, 0x100000000ULL, ~0ULL,
};

static const u64 t_prio[] = {
	0, 1, 2, 3, 4, 5, 6, 0xfe, 0xff, 0x100, 0xffffffff, ~0ULL,
};

static const u64 t_level[] = { 0, 1, 2, 0xffffffff };

static u8 byte(void)
{
	if (!in.n)
		return 0;
	in.n--;
	return *in.p++;
}

static u64 raw(int bytes)
{
	u64 v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v |= (u64)byte() << (8 * i);
	return v;
}

static u64 pick(const u64 *t, size_t n)
{
	return t[byte() % n];
}

static u64 pick_irq(void)
{
	return pick(t_irq, ARRAY_SIZE(t_irq));
}

static u64 pick_server(void)
{
	return pick(t_server, ARRAY_SIZE(t_server));
}

static u64 pick_prio(void)
{
	return pick(t_prio, ARRAY_SIZE(t_prio));
}

static u64 arg_irq(int bytes)
{
	return small ? pick_irq() : raw(bytes);
}

static u64 arg_server(int bytes)
{
	return small ? pick_server() : raw(bytes);
}

static u64 arg_prio(int bytes)
{
	return small ? pick_prio() : raw(bytes);
}

static u64 arg_level(void)
{
	return small ? pick(t_level, ARRAY_SIZE(t_level)) : raw(4);
}

/* H_EOI's XIRR: CPPR << 24 | source, sometimes with bits above 31 */
static u64 arg_xirr(void)
{
	u64 x;

	if (!small)
		return raw(8);
	x = (pick_prio() & 0xff) << 24 | (pick_irq() & 0xffffff);
	return byte() == 0xa5 ? x | 1ULL << 32 : x;
}

/* source attribute: server | priority << 32 | flags << 40 */
static u64 arg_attr_val(void)
{
	u64 v;

	if (!small)
		return raw(8);
	v = pick_server() & 0xffffffff;
	v |= (pick_prio() & 0xff) << VXICS_PRIORITY_SHIFT;
	return v | (u64)(byte() & 0x3f) << 40;
}

/* KVM_REG_PPC_ICP_STATE: CPPR, XISR, MFRR, pending priority */
static u64 arg_onereg(void)
{
	u64 v;

	if (!small)
		return raw(8);
	v = (pick_prio() & 0xff) << 56;
	v |= (pick_irq() & 0xffffff) << 32;
	v |= (pick_prio() & 0xff) << 24;
	v |= (pick_prio() & 0xff) << 16;
	return byte() == 0xa5 ? v | 1 : v;
}

/* The calling vCPU: always one whose ICP is attached. */
static struct vxics_icp *vcpu(void)
{
	return &F.icp[byte() % F.nr_icp];
}

/* ---- snapshot and invariants ----------------------------------------- */

static int nr_blocks(void)
{
	int i, n = 0;

	for (i = 0; i < VXICS_NR_BLOCKS; i++)
		n += !!F.vx.ics[i];
	return n;
}

static void snap(struct snapshot *s)
{
	int i, n = 0;

	memcpy(&s->vx, &F.vx, sizeof(s->vx));
	memcpy(s->icp, F.icp, sizeof(s->icp));
	memcpy(s->line, F.line, sizeof(s->line));
	s->nr_icp = F.nr_icp;
	s->raised = F.raised;
	s->lowered = F.lowered;
	s->eois = F.eois;
	for (i = 0; i < VXICS_NR_BLOCKS; i++)
		if (F.vx.ics[i] && n < MAX_BLOCKS + 1)
			memcpy(&s->ics[n++], F.vx.ics[i], sizeof(s->ics[0]));
}

static void expect_unchanged(const char *op, long rc)
{
	int i, n = 0;

	if (memcmp(&S.vx, &F.vx, sizeof(S.vx)))
		fail("rejected call changed struct vxics", rc, 0);
	if (memcmp(S.icp, F.icp, sizeof(S.icp)))
		fail("rejected call changed an ICP", rc, 0);
	if (memcmp(S.line, F.line, sizeof(S.line)) || S.raised != F.raised ||
	    S.lowered != F.lowered || S.eois != F.eois || S.nr_icp != F.nr_icp)
		fail("rejected call had effects", rc, 0);
	for (i = 0; i < VXICS_NR_BLOCKS; i++) {
		if (!F.vx.ics[i])
			continue;
		if (memcmp(&S.ics[n++], F.vx.ics[i], sizeof(S.ics[0])))
			fail("rejected call changed a source block", rc, i);
	}
	(void)op;
}

static void check_icp(int k)
{
	struct vxics_icp *icp = &F.icp[k];
	u64 w = READ_ONCE(icp->state);
	u32 xisr = vxics_icp_xisr(w);
	bool out = xisr && vxics_icp_pend(w) < vxics_icp_cppr(w);

	if (w >> 50)
		fail("R5: stray bits in ICP word", k, w);
	if (vxics_icp_out(w) != out)
		fail("R6: OUT != (XISR && PEND < CPPR)", k, w);
	if (out && !F.line[k])
		fail("R6: output asserted, vCPU line down", k, w);
	if (!xisr != (vxics_icp_pend(w) == VXICS_PRIO_MASKED))
		fail("pending priority 0xff iff XISR 0", k, w);
	if (xisr && xisr != VXICS_IPI_IRQ &&
	    (xisr < VXICS_FIRST_SOURCE || !vxics_ics_find(&F.vx, xisr)))
		fail("R1/R32: XISR neither 0, 2 nor in an existing block", k, w);
}

/* R9: some ICP that needs a resend has the block of @irq in its map. */
static bool resend_reachable(u32 irq)
{
	u32 blk = irq >> VXICS_ICS_SHIFT;
	int k;

	for (k = 0; k < F.nr_icp; k++)
		if (vxics_icp_resend(READ_ONCE(F.icp[k].state)) &&
		    test_bit(blk, F.icp[k].resend_blocks))
			return true;
	return false;
}

static void check_sources(void)
{
	const u8 known = VXICS_SRC_DEFINED | VXICS_SRC_LSI | VXICS_SRC_P |
			 VXICS_SRC_Q | VXICS_SRC_MASKED_PENDING |
			 VXICS_SRC_RESEND;
	u32 b, i, irq;

	for (b = 0; b < VXICS_NR_BLOCKS; b++) {
		struct vxics_ics *ics = F.vx.ics[b];

		if (!ics)
			continue;
		if (ics->block != b)
			fail("R2: block number", b, ics->block);
		for (i = 0; i < VXICS_ICS_SIZE; i++) {
			struct vxics_source *s = &ics->src[i];

			irq = b << VXICS_ICS_SHIFT | i;
			if (!(s->flags & VXICS_SRC_DEFINED)) {
				if (s->flags || s->server ||
				    s->priority != VXICS_PRIO_MASKED ||
				    s->saved_priority != VXICS_PRIO_MASKED)
					fail("R3/R19: undefined source touched",
					     irq, s->flags);
				continue;
			}
			if (irq < VXICS_FIRST_SOURCE)
				fail("R1: source below 16 defined", irq, 0);
			if (s->flags & ~known)
				fail("unknown source flags", irq, s->flags);
			if ((s->flags & VXICS_SRC_MASKED_PENDING) &&
			    s->priority != VXICS_PRIO_MASKED)
				fail("R20/R21: masked-pending while unmasked", irq,
				     s->priority);
			if ((s->flags & VXICS_SRC_RESEND) &&
			    s->priority != VXICS_PRIO_MASKED &&
			    !resend_reachable(irq))
				fail("R9: resend mark no resend will find", irq,
				     s->server);
		}
	}
}

static void check_all(void)
{
	int k;

	for (k = 0; k < F.nr_icp; k++)
		check_icp(k);
	check_sources();
}

/* ---- operations ---------------------------------------------------------- */

enum {
	FOP_SET_LEVEL, FOP_XIRR, FOP_XIRR_X, FOP_EOI, FOP_CPPR, FOP_IPI,
	FOP_IPOLL, FOP_SET_XIVE, FOP_GET_XIVE, FOP_INT_OFF, FOP_INT_ON,
	FOP_SRC_GET, FOP_SRC_SET, FOP_ICP_GET, FOP_ICP_SET, FOP_ATTR_CHECK,
	FOP_ATTACH, FOP_NR
};

/* The glue's view of a source attribute: the attribute must exist. */
static int src_attr(u64 attr)
{
	return vxics_attr_check(VXICS_GRP_SOURCES, attr);
}

static void one_op(u8 op)
{
	struct vxics_icp *icp;
	u64 a, b, x = 0, y = 0;
	u32 s = 0, p = 0;
	long rc;

	small = op & 0x80;
	snap(&S);
	switch ((op & 0x7f) % FOP_NR) {
	case FOP_SET_LEVEL:
		a = arg_irq(4);
		rc = vxics_set_level(&F.vx, a, (int)arg_level());
		break;
	case FOP_XIRR:
		rc = vxics_h_xirr(&F.vx, vcpu(), &x);
		break;
	case FOP_XIRR_X:
		rc = vxics_h_xirr_x(&F.vx, vcpu(), &x, &y);
		break;
	case FOP_EOI:
		icp = vcpu();
		b = arg_xirr();
		rc = vxics_h_eoi(&F.vx, icp, b);
		/* R15: an unknown number still restores CPPR, then fails */
		if (rc && !(b >> 32)) {
			if (vxics_icp_cppr(READ_ONCE(icp->state)) != (u8)(b >> 24))
				fail("R15: H_EOI did not restore CPPR", b, rc);
			rc = 0;
		}
		break;
	case FOP_CPPR:
		icp = vcpu();
		rc = vxics_h_cppr(&F.vx, icp, arg_prio(8));
		break;
	case FOP_IPI:
		icp = vcpu();
		a = arg_server(8);
		rc = vxics_h_ipi(&F.vx, icp, a, arg_prio(8));
		break;
	case FOP_IPOLL:
		rc = vxics_h_ipoll(&F.vx, arg_server(8), &x, &y);
		if (rc == H_SUCCESS && (x >> 32 || y > 0xff))
			fail("R13: H_IPOLL result out of range", x, y);
		break;
	case FOP_SET_XIVE:
		a = arg_irq(4);
		s = arg_server(4);
		rc = vxics_set_xive(&F.vx, a, s, arg_prio(4));
		break;
	case FOP_GET_XIVE:
		rc = vxics_get_xive(&F.vx, arg_irq(4), &s, &p);
		if (!rc && p > 0xff)
			fail("R23: priority out of range", p, 0);
		break;
	case FOP_INT_OFF:
		rc = vxics_int_off(&F.vx, arg_irq(4));
		break;
	case FOP_INT_ON:
		rc = vxics_int_on(&F.vx, arg_irq(4));
		break;
	case FOP_SRC_GET:
		a = arg_irq(8);
		rc = src_attr(a);
		if (!rc)
			rc = vxics_source_get(&F.vx, a, &x);
		if (!rc && x & ~VXICS_SOURCE_ATTR_MASK)
			fail("R27: attribute bits above QUEUED", a, x);
		break;
	case FOP_SRC_SET:
		a = arg_irq(8);
		b = arg_attr_val();
		rc = src_attr(a);
		/* the harness's memory bound, not the core's: skip */
		if (!rc && !vxics_ics_find(&F.vx, a) &&
		    nr_blocks() >= MAX_BLOCKS)
			return;
		if (!rc)
			rc = vxics_source_set(&F.vx, a, b);
		break;
	case FOP_ICP_GET:
		x = vxics_icp_get(vcpu());
		rc = 0;
		break;
	case FOP_ICP_SET:
		icp = vcpu();
		rc = vxics_icp_set(&F.vx, icp, arg_onereg());
		break;
	case FOP_ATTR_CHECK:
		a = small ? byte() % 4 : raw(4);
		rc = vxics_attr_check(a, arg_irq(8));
		break;
	case FOP_ATTACH:
		a = arg_server(4);
		if (F.nr_icp == NR_FICP + NR_SPARE)
			return;
		rc = vxics_icp_attach(&F.vx, &F.icp[F.nr_icp], a, NULL);
		if (!rc)
			F.nr_icp++;
		break;
	default:
		return;
	}
	if (rc)
		expect_unchanged("", rc);
	check_all();
}

static void setup(void)
{
	/* MSIs 16, 17, 1024 and LSIs 20, 1030 on servers 0, 1, 3 */
	static const struct {
		u32 irq;
		u64 val;
	} def[] = {
		{ 16, 0x0000000500000000ULL },
		{ 17, 0x0000000400000001ULL },
		{ 20, 0x0000010500000003ULL },
		{ 1024, 0x0000000600000003ULL },
		{ 1030, 0x0000010200000000ULL },
	};
	int i;

	memset(&F, 0, sizeof(F));
	if (vxics_init(&F.vx, &f_ops, NULL))
		abort();
	for (i = 0; i < NR_FICP; i++)
		if (vxics_icp_attach(&F.vx, &F.icp[i], f_server[i], NULL))
			abort();
	F.nr_icp = NR_FICP;
	for (i = 0; i < ARRAY_SIZE(def); i++)
		if (vxics_source_set(&F.vx, def[i].irq, def[i].val))
			abort();
	check_all();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	setup();
	in.p = data;
	in.n = size;
	for (in.op = 0; in.n && in.op < MAX_OPS; in.op++) {
		u8 op = *in.p++;

		in.n--;
		one_op(op);
	}
	vxics_destroy(&F.vx);
	return 0;
}
