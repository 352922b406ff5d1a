// SPDX-License-Identifier: GPL-2.0-only
/*
 * Property test of the vxics core against a reference model.
 *
 * Random sequences (fixed seeds, xorshift) of MSI triggers, LSI line
 * changes, H_XIRR/H_XIRR_X, H_EOI (mostly of what was accepted, LIFO,
 * sometimes out of order, from another vCPU or bogus), H_CPPR, H_IPI,
 * H_IPOLL, ibm,set-xive/get-xive/int-off/int-on, on four ICPs and eight
 * sources (MSI and LSI, in blocks 0 and 2), are applied both to the core
 * and to the model below, which is written from the rules alone: plain
 * fields, no state word, no cmpxchg, no code of the core.
 *
 * Single-threaded, XICS delivery with reject and resend is deterministic,
 * so the model predicts exactly, after every step:
 *  - every hcall/RTAS return code and output (XIRR, H_IPOLL's XIRR and
 *    MFRR, get-xive's server and priority);
 *  - every ICP: XISR, pending priority, CPPR, MFRR, need-resend and the
 *    output bit of the state word, and KVM_REG_PPC_ICP_STATE;
 *  - every source's KVM_DEV_XICS_GRP_SOURCES attribute value;
 *  - the effects: how often each vCPU was raised and lowered, its line,
 *    the ack notifier calls, the MSI coalescing counter.
 * The resend order is the one R9 implies: a refusal marks the source and
 * its block in the refusing ICP's resend map; a resend takes the map and
 * retries the marked sources of the marked blocks in ascending number.
 *
 * At checkpoints (and at the end) the guest drains: lines low, MFRRs
 * 0xff, sources unmasked, in-service interrupts EOI'd, then accept and
 * EOI at CPPR 0xff until nothing comes.  The drain runs through the same
 * step-by-step comparison, and afterwards, independently of the model,
 * nothing may be left anywhere (no interrupt lost: R9, R20).
 *
 * On a mismatch the seed, step, the tail of the operation history and
 * model vs actual are printed and the case fails.
 */
#include <kunit/test.h>
#include "internal.h"
#include "vxics.h"

#define M_NR_ICP	4
#define M_NR_SRC	8
#define M_NR_BLK	4	/* blocks the sources may live in: 0..3 */
#define M_HIST		24
#define M_STACK		32
#define M_STEPS		10000
#define M_DRAIN_EVERY	500

static const u32 m_server[M_NR_ICP] = { 0, 1, 2, 5 };
/* ascending: the order in which a resend retries them (R9) */
static const u32 m_irq[M_NR_SRC] = { 16, 17, 20, 1000, 2048, 2049, 2050, 2100 };
static const bool m_is_lsi[M_NR_SRC] = { 0, 0, 1, 0, 1, 0, 0, 1 };
/* few values, so that equal priorities (strict comparisons) are common */
static const u8 m_prio[] = { 0, 2, 4, 4, 5, 6, 6, 0xff };
static const u32 m_seeds[] = { 1, 2, 77, 0x2545f491, 0xdeadbeef, 0x5eed0006 };

/* ---- the reference model -------------------------------------------- */

struct msrc {
	u32 server;
	u8 prio;		/* 0xff: masked */
	u8 saved;		/* restored by int-on */
	bool lsi;
	bool p, q;		/* MSI presented/queued; LSI asserted (p) */
	bool waiting;		/* masked-pending or refused (R9, R20) */
};

struct micp {
	u32 xisr;
	u8 pend, cppr, mfrr;
	bool rsd;		/* need-resend */
	u8 map;			/* resend map: blocks with refused sources */
	/* the vCPU's external interrupt as the ops drive it */
	bool line;
	int raised, lowered;
};

struct model {
	struct msrc src[M_NR_SRC];
	struct micp icp[M_NR_ICP];
	int n_eoi;
	u32 last_eoi;
	s64 coalesced;
	/* how much of the state space a run saw */
	int n_refused, n_displaced, n_resends, n_accepted, n_masked;
};

/* ---- what is applied to both -------------------------------------- */

enum mop_kind {
	OP_SET_LEVEL, OP_XIRR, OP_XIRR_X, OP_EOI, OP_CPPR, OP_IPI, OP_IPOLL,
	OP_SET_XIVE, OP_GET_XIVE, OP_INT_OFF, OP_INT_ON, OP_NR
};

static const char * const m_op_name[OP_NR] = {
	"set_level", "h_xirr", "h_xirr_x", "h_eoi", "h_cppr", "h_ipi",
	"h_ipoll", "set_xive", "get_xive", "int_off", "int_on",
};

struct mop {
	int step;
	u8 kind;
	u8 icp;			/* calling vCPU */
	u64 a, b, c;		/* arguments */
	long mret, cret;	/* return codes, model and core */
	u64 mout[2], cout[2];	/* outputs, model and core */
};

struct mctx {
	struct vxics vx;
	struct vxics_icp icp[M_NR_ICP];
	/* effects of the core, recorded by the fake ops */
	bool line[M_NR_ICP];
	int raised[M_NR_ICP], lowered[M_NR_ICP];
	int n_eoi;
	u32 last_eoi;

	struct model m;
	/* the guest's in-service stacks (XIRR values it accepted) */
	u64 stack[M_NR_ICP][M_STACK];
	int depth[M_NR_ICP];

	struct kunit *test;
	u64 rng;
	u32 seed;
	int step;
	bool failed;
	struct mop hist[M_HIST];
	int nhist;
};

static void c_raise(struct vxics *vx, struct vxics_icp *icp)
{
	struct mctx *c = vx->priv;

	c->raised[icp - c->icp]++;
	c->line[icp - c->icp] = true;
}

static void c_lower(struct vxics *vx, struct vxics_icp *icp)
{
	struct mctx *c = vx->priv;

	c->lowered[icp - c->icp]++;
	c->line[icp - c->icp] = false;
}

static void c_eoi(struct vxics *vx, u32 irq)
{
	struct mctx *c = vx->priv;

	c->n_eoi++;
	c->last_eoi = irq;
}

static const struct vxics_ops m_ops = {
	.raise = c_raise,
	.lower = c_lower,
	.eoi_notify = c_eoi,
};

static u64 m_rnd(struct mctx *c)
{
	u64 x = c->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	c->rng = x;
	return x;
}

static u32 m_below(struct mctx *c, u32 n)
{
	return (m_rnd(c) >> 16) % n;
}

static int m_src_idx(u64 irq)
{
	int i;

	for (i = 0; i < M_NR_SRC; i++)
		if (m_irq[i] == irq)
			return i;
	return -1;
}

static int m_icp_idx(u64 server)
{
	int i;

	for (i = 0; i < M_NR_ICP; i++)
		if (m_server[i] == server)
			return i;
	return -1;
}

/* R6: the output is asserted iff XISR is set and its priority < CPPR. */
static bool m_out(const struct micp *p)
{
	return p->xisr && p->pend < p->cppr;
}

/*
 * Change an ICP; R6: a rising output raises the vCPU, and after its own
 * accept or CPPR raise (@self: it lowered its line first) an output that
 * is still asserted raises it again.
 */
static void m_icp_set(struct micp *p, u32 xisr, u8 pend, u8 cppr, u8 mfrr,
		      bool rsd, bool self)
{
	bool was = m_out(p);

	p->xisr = xisr;
	p->pend = pend;
	p->cppr = cppr;
	p->mfrr = mfrr;
	p->rsd = rsd;
	if (m_out(p) && (self || !was)) {
		p->raised++;
		p->line = true;
	}
}

static void m_self_lower(struct micp *p)
{
	p->lowered++;
	p->line = false;
}

/*
 * Present source @i (R7, R8, R10, R20): masked, it is remembered; else
 * it gets into its server's ICP only if strictly more favoured than CPPR,
 * MFRR and the pending priority, displacing XISR, a displaced source
 * being presented afresh; refused, it waits, marked with its block in the
 * ICP's resend map, and the ICP needs a resend (R9).
 */
static void m_deliver(struct model *m, int i)
{
	while (i >= 0) {
		struct msrc *s = &m->src[i];
		struct micp *p;
		u32 rej;

		if (s->prio == VXICS_PRIO_MASKED) {
			m->n_masked++;
			s->waiting = true;
			return;
		}
		p = &m->icp[m_icp_idx(s->server)];
		if (s->prio < p->cppr && s->prio < p->mfrr &&
		    s->prio < p->pend) {
			rej = p->xisr;
			m_icp_set(p, m_irq[i], s->prio, p->cppr, p->mfrr,
				  p->rsd, false);
			m->n_displaced += !!rej;
			/* a displaced IPI stays in MFRR (R8) */
			i = rej >= VXICS_FIRST_SOURCE ? m_src_idx(rej) : -1;
		} else {
			m->n_refused++;
			p->rsd = true;
			p->map |= BIT(m_irq[i] >> VXICS_ICS_SHIFT);
			s->waiting = true;
			return;
		}
	}
}

/* R9, R14: retry the waiting sources of the blocks in @k's resend map. */
static void m_resend(struct model *m, int k)
{
	u8 bits = m->icp[k].map;
	int blk, i;

	m->icp[k].map = 0;
	m->n_resends++;
	for (blk = 0; blk < M_NR_BLK; blk++) {
		if (!(bits & BIT(blk)))
			continue;
		for (i = 0; i < M_NR_SRC; i++) {
			struct msrc *s = &m->src[i];

			/* a masked one stays remembered (R20) */
			if (m_irq[i] >> VXICS_ICS_SHIFT != blk || !s->waiting ||
			    s->prio == VXICS_PRIO_MASKED)
				continue;
			s->waiting = false;
			m_deliver(m, i);
		}
	}
}

/* R14 (lowering), R15: CPPR less favoured, the IPI may get in, resend. */
static void m_down_cppr(struct model *m, int k, u8 cppr)
{
	struct micp *p = &m->icp[k];
	u32 xisr = p->xisr, rej = 0;
	bool rsd = p->rsd;
	u8 pend = p->pend;

	if (p->mfrr < cppr && p->mfrr <= pend) {
		rej = xisr;
		xisr = VXICS_IPI_IRQ;
		pend = p->mfrr;
	}
	m_icp_set(p, xisr, pend, cppr, p->mfrr, false, false);
	if (rej >= VXICS_FIRST_SOURCE)
		m_deliver(m, m_src_idx(rej));
	if (rsd)
		m_resend(m, k);
}

/* R11 */
static u64 m_h_xirr(struct model *m, int k)
{
	struct micp *p = &m->icp[k];
	u64 x = (u64)p->cppr << 24 | p->xisr;

	m_self_lower(p);
	m->n_accepted += !!p->xisr;
	if (p->xisr)
		m_icp_set(p, 0, VXICS_PRIO_MASKED, p->pend, p->mfrr, p->rsd,
			  true);
	return x;
}

/* R14 */
static long m_h_cppr(struct model *m, int k, u64 cppr)
{
	struct micp *p = &m->icp[k];
	u32 xisr = p->xisr, rej = 0;
	u8 pend = p->pend;

	if (cppr > VXICS_PRIO_MASKED)
		return H_PARAMETER;
	if (cppr == p->cppr)
		return H_SUCCESS;
	if (cppr > p->cppr) {
		m_down_cppr(m, k, cppr);
		return H_SUCCESS;
	}
	m_self_lower(p);
	if (cppr <= pend) {
		rej = xisr;
		xisr = 0;
		pend = VXICS_PRIO_MASKED;
	}
	m_icp_set(p, xisr, pend, cppr, p->mfrr, p->rsd, true);
	if (rej >= VXICS_FIRST_SOURCE)
		m_deliver(m, m_src_idx(rej));
	return H_SUCCESS;
}

/* R15, R17, R18 */
static long m_h_eoi(struct model *m, int k, u64 xirr)
{
	u32 irq = xirr & VXICS_ICP_XISR_MASK;
	struct msrc *s;
	int i = m_src_idx(irq);

	if (xirr >> 32)
		return H_PARAMETER;
	/* CPPR first, whatever the number names */
	m_down_cppr(m, k, (xirr >> 24) & 0xff);
	if (irq == VXICS_IPI_IRQ)
		return H_SUCCESS;
	if (i < 0)
		return H_PARAMETER;
	s = &m->src[i];
	if (!s->lsi) {
		s->p = s->q;
		s->q = false;
	}
	if (s->p)
		m_deliver(m, i);
	m->n_eoi++;
	m->last_eoi = irq;
	return H_SUCCESS;
}

/* R16 */
static long m_h_ipi(struct model *m, u64 server, u64 mfrr)
{
	int k = m_icp_idx(server);
	struct micp *p;
	u32 xisr, rej = 0;
	bool rsd, resend = false;
	u8 pend;

	if (k < 0 || mfrr > VXICS_PRIO_MASKED)
		return H_PARAMETER;
	p = &m->icp[k];
	xisr = p->xisr;
	pend = p->pend;
	rsd = p->rsd;
	if (mfrr < p->cppr && mfrr <= pend) {
		rej = xisr;
		xisr = VXICS_IPI_IRQ;
		pend = mfrr;
	}
	if (mfrr > p->mfrr) {
		resend = rsd;
		rsd = false;
	}
	m_icp_set(p, xisr, pend, p->cppr, mfrr, rsd, false);
	if (rej >= VXICS_FIRST_SOURCE)
		m_deliver(m, m_src_idx(rej));
	if (resend)
		m_resend(m, k);
	return H_SUCCESS;
}

/* R17, R18, R19 */
static long m_set_level(struct model *m, u64 irq, u64 level)
{
	int i = m_src_idx(irq);
	struct msrc *s;

	if (i < 0 || level > VXICS_LEVEL_HIGH)
		return -EINVAL;
	s = &m->src[i];
	if (s->lsi && level == VXICS_LEVEL_LOW) {
		s->p = false;
		s->q = false;
	} else if (level == VXICS_LEVEL_HIGH) {
		if (!s->p) {
			s->p = true;
			m_deliver(m, i);
		} else if (!s->lsi) {
			if (s->q)
				m->coalesced++;
			s->q = true;
		}
	}
	return 0;
}

/* R21: a remembered interrupt goes once the priority is not 0xff. */
static void m_take_waiting(struct model *m, int i)
{
	struct msrc *s = &m->src[i];

	if (s->prio != VXICS_PRIO_MASKED && s->waiting) {
		s->waiting = false;
		m_deliver(m, i);
	}
}

/* R22 */
static long m_set_xive(struct model *m, u64 irq, u64 server, u64 prio)
{
	int i = m_src_idx(irq);

	if (i < 0 || prio > VXICS_PRIO_MASKED || m_icp_idx(server) < 0)
		return -EINVAL;
	m->src[i].server = server;
	m->src[i].prio = prio;
	m->src[i].saved = prio;
	m_take_waiting(m, i);
	return 0;
}

/* R24 */
static long m_int_off(struct model *m, u64 irq)
{
	int i = m_src_idx(irq);

	if (i < 0)
		return -EINVAL;
	m->src[i].saved = m->src[i].prio;
	m->src[i].prio = VXICS_PRIO_MASKED;
	return 0;
}

/* R25 */
static long m_int_on(struct model *m, u64 irq)
{
	int i = m_src_idx(irq);

	if (i < 0 || m_icp_idx(m->src[i].server) < 0)
		return -EINVAL;
	m->src[i].prio = m->src[i].saved;
	m_take_waiting(m, i);
	return 0;
}

/* R27, R28: the attribute value of source @i. */
static u64 m_attr(const struct model *m, int i)
{
	const struct msrc *s = &m->src[i];
	u64 v = s->server;

	if (s->prio == VXICS_PRIO_MASKED)
		v |= VXICS_MASKED | (u64)s->saved << VXICS_PRIORITY_SHIFT;
	else
		v |= (u64)s->prio << VXICS_PRIORITY_SHIFT;
	if (s->lsi)
		v |= VXICS_LEVEL_SENSITIVE;
	if (s->lsi ? s->p : s->waiting)
		v |= VXICS_PENDING;
	if (s->p)
		v |= VXICS_PRESENTED;
	if (s->q)
		v |= VXICS_QUEUED;
	return v;
}

/* ---- running an operation on both, and comparing ---------------------- */

static void m_dump(struct mctx *c)
{
	struct kunit *test = c->test;
	int n = c->nhist < M_HIST ? c->nhist : M_HIST;
	int j;

	kunit_err(test, "seed 0x%x, step %d; last %d operations:\n", c->seed,
		  c->step, n);
	for (j = c->nhist - n; j < c->nhist; j++) {
		struct mop *o = &c->hist[j % M_HIST];

		kunit_err(test,
			  "  #%d %s(vcpu %u; 0x%llx, 0x%llx, 0x%llx) = model %ld [0x%llx 0x%llx] core %ld [0x%llx 0x%llx]\n",
			  o->step, m_op_name[o->kind], o->icp,
			  (unsigned long long)o->a, (unsigned long long)o->b,
			  (unsigned long long)o->c, o->mret,
			  (unsigned long long)o->mout[0],
			  (unsigned long long)o->mout[1], o->cret,
			  (unsigned long long)o->cout[0],
			  (unsigned long long)o->cout[1]);
	}
}

static void m_mismatch(struct mctx *c, const char *what, int idx, u64 model,
		       u64 core)
{
	if (c->failed)
		return;
	c->failed = true;
	KUNIT_FAIL(c->test, "model mismatch: %s [%d]: model 0x%llx, core 0x%llx",
		   what, idx, (unsigned long long)model,
		   (unsigned long long)core);
	m_dump(c);
}

static void m_cmp(struct mctx *c, const char *what, int idx, u64 model,
		  u64 core)
{
	if (model != core)
		m_mismatch(c, what, idx, model, core);
}

/* Everything observable, after every step. */
static void m_check(struct mctx *c)
{
	struct model *m = &c->m;
	u64 x, mf, v;
	u32 srv, prio;
	int k, i;

	for (k = 0; k < M_NR_ICP; k++) {
		struct micp *p = &m->icp[k];

		/* R5, R6, R7: the whole word, need-resend and output too */
		m_cmp(c, "icp state word", k,
		      vxics_icp_word(p->xisr, p->pend, p->cppr, p->mfrr,
				     p->rsd),
		      READ_ONCE(c->icp[k].state));
		/* R13: H_IPOLL sees the same */
		x = ~0ULL;
		mf = ~0ULL;
		m_cmp(c, "h_ipoll rc", k, H_SUCCESS,
		      vxics_h_ipoll(&c->vx, m_server[k], &x, &mf));
		m_cmp(c, "h_ipoll xirr", k, (u64)p->cppr << 24 | p->xisr, x);
		m_cmp(c, "h_ipoll mfrr", k, p->mfrr, mf);
		/* R31 */
		m_cmp(c, "icp one-reg", k,
		      (u64)p->cppr << 56 | (u64)p->xisr << 32 |
		      (u64)p->mfrr << 24 | (u64)p->pend << 16,
		      vxics_icp_get(&c->icp[k]));
		/* R6: raises and lowers, and the line they leave */
		m_cmp(c, "raised", k, p->raised, c->raised[k]);
		m_cmp(c, "lowered", k, p->lowered, c->lowered[k]);
		m_cmp(c, "line", k, p->line, c->line[k]);
		/* R6: an asserted output is never left with the line down */
		if (m_out(p) && !c->line[k])
			m_mismatch(c, "output asserted, line down", k, 1, 0);
	}
	for (i = 0; i < M_NR_SRC; i++) {
		/* R17, R18, R20, R27, R28 */
		v = ~0ULL;
		m_cmp(c, "source_get rc", i, 0,
		      vxics_source_get(&c->vx, m_irq[i], &v));
		m_cmp(c, "source attr", i, m_attr(m, i), v);
		/* R23 */
		srv = ~0U;
		prio = ~0U;
		m_cmp(c, "get_xive rc", i, 0,
		      vxics_get_xive(&c->vx, m_irq[i], &srv, &prio));
		m_cmp(c, "get_xive server", i, m->src[i].server, srv);
		m_cmp(c, "get_xive prio", i, m->src[i].prio, prio);
	}
	/* R15: ack notifiers; R17: coalesced triggers */
	m_cmp(c, "eoi notifies", 0, m->n_eoi, c->n_eoi);
	m_cmp(c, "last eoi notify", 0, m->last_eoi, c->last_eoi);
	m_cmp(c, "coalesced", 0, m->coalesced,
	      atomic64_read(&c->vx.n_coalesced));
}

/* Apply @o to the model and to the core, then compare everything. */
static void m_apply(struct mctx *c, struct mop *o)
{
	struct model *m = &c->m;
	struct vxics_icp *icp = &c->icp[o->icp];
	u32 srv = ~0U, prio = ~0U;
	int k = o->icp;

	o->step = c->step;
	o->mout[0] = 0;
	o->mout[1] = 0;
	o->cout[0] = 0;
	o->cout[1] = 0;
	switch (o->kind) {
	case OP_SET_LEVEL:
		o->mret = m_set_level(m, o->a, o->b);
		o->cret = vxics_set_level(&c->vx, o->a, (int)o->b);
		break;
	case OP_XIRR:
		o->mret = H_SUCCESS;
		o->mout[0] = m_h_xirr(m, k);
		o->cret = vxics_h_xirr(&c->vx, icp, &o->cout[0]);
		break;
	case OP_XIRR_X:
		/* R12: the same XIRR, and a timebase */
		o->mret = H_SUCCESS;
		o->mout[0] = m_h_xirr(m, k);
		o->cret = vxics_h_xirr_x(&c->vx, icp, &o->cout[0],
					 &o->cout[1]);
		o->cout[1] = 0;
		break;
	case OP_EOI:
		o->mret = m_h_eoi(m, k, o->a);
		o->cret = vxics_h_eoi(&c->vx, icp, o->a);
		break;
	case OP_CPPR:
		o->mret = m_h_cppr(m, k, o->a);
		o->cret = vxics_h_cppr(&c->vx, icp, o->a);
		break;
	case OP_IPI:
		o->mret = m_h_ipi(m, o->a, o->b);
		o->cret = vxics_h_ipi(&c->vx, icp, o->a, o->b);
		break;
	case OP_IPOLL:
		/* R13; the unknown server case: H_PARAMETER */
		o->mret = m_icp_idx(o->a) < 0 ? H_PARAMETER : H_SUCCESS;
		if (o->mret == H_SUCCESS) {
			struct micp *p = &m->icp[m_icp_idx(o->a)];

			o->mout[0] = (u64)p->cppr << 24 | p->xisr;
			o->mout[1] = p->mfrr;
		}
		o->cret = vxics_h_ipoll(&c->vx, o->a, &o->cout[0],
					&o->cout[1]);
		break;
	case OP_SET_XIVE:
		o->mret = m_set_xive(m, o->a, o->b, o->c);
		o->cret = vxics_set_xive(&c->vx, o->a, o->b, o->c);
		break;
	case OP_GET_XIVE:
		o->mret = m_src_idx(o->a) < 0 ? -EINVAL : 0;
		if (!o->mret) {
			o->mout[0] = m->src[m_src_idx(o->a)].server;
			o->mout[1] = m->src[m_src_idx(o->a)].prio;
		}
		o->cret = vxics_get_xive(&c->vx, o->a, &srv, &prio);
		if (!o->cret) {
			o->cout[0] = srv;
			o->cout[1] = prio;
		}
		break;
	case OP_INT_OFF:
		o->mret = m_int_off(m, o->a);
		o->cret = vxics_int_off(&c->vx, o->a);
		break;
	case OP_INT_ON:
		o->mret = m_int_on(m, o->a);
		o->cret = vxics_int_on(&c->vx, o->a);
		break;
	}
	c->hist[c->nhist++ % M_HIST] = *o;
	m_cmp(c, "return code", o->step, o->mret, o->cret);
	m_cmp(c, "output 0", o->step, o->mout[0], o->cout[0]);
	m_cmp(c, "output 1", o->step, o->mout[1], o->cout[1]);
	if (!c->failed)
		m_check(c);
	c->step++;
}

static void m_do(struct mctx *c, u8 kind, int k, u64 a, u64 b, u64 cc)
{
	struct mop o = { .kind = kind, .icp = k, .a = a, .b = b, .c = cc };

	m_apply(c, &o);
	/* the guest remembers what it accepted, to EOI it later */
	if ((kind == OP_XIRR || kind == OP_XIRR_X) &&
	    (o.mout[0] & VXICS_ICP_XISR_MASK) && c->depth[k] < M_STACK)
		c->stack[k][c->depth[k]++] = o.mout[0];
}

/* EOI entry @j of vCPU @k's in-service stack, from vCPU @by. */
static void m_eoi_entry(struct mctx *c, int k, int j, int by)
{
	u64 x = c->stack[k][j];

	for (; j + 1 < c->depth[k]; j++)
		c->stack[k][j] = c->stack[k][j + 1];
	c->depth[k]--;
	m_do(c, OP_EOI, by, x, 0, 0);
}

/* ---- the random guest, devices and firmware -------------------------- */

static u64 m_rnd_prio(struct mctx *c)
{
	return m_prio[m_below(c, ARRAY_SIZE(m_prio))];
}

static u64 m_rnd_server(struct mctx *c)
{
	static const u32 bad[] = { 3, 4, 2047, 2048, 0xffffffff };

	if (m_below(c, 16))
		return m_server[m_below(c, M_NR_ICP)];
	return bad[m_below(c, ARRAY_SIZE(bad))];
}

/* Mostly defined sources; sometimes numbers that are not (R1, R19). */
static u64 m_rnd_irq(struct mctx *c)
{
	static const u32 bad[] = { 0, 1, 2, 15, 18, 1023, 3000, 0x100000 };

	if (m_below(c, 16))
		return m_irq[m_below(c, M_NR_SRC)];
	return bad[m_below(c, ARRAY_SIZE(bad))];
}

static void m_random_step(struct mctx *c)
{
	int k = m_below(c, M_NR_ICP), i = m_below(c, M_NR_SRC), j;
	u32 r = m_below(c, 100);
	u64 x;

	if (r < 14) {
		/* R17: MSI trigger; R18: LSI assert, deassert */
		m_do(c, OP_SET_LEVEL, k, m_irq[i],
		     m_is_lsi[i] ? m_below(c, 2) : !!m_below(c, 8), 0);
	} else if (r < 16) {
		/* R19: undefined sources, bad levels */
		m_do(c, OP_SET_LEVEL, k, m_rnd_irq(c),
		     m_below(c, 4) ? 1 : (u64)-1, 0);
	} else if (r < 32) {
		/* R11, R12 */
		m_do(c, m_below(c, 4) ? OP_XIRR : OP_XIRR_X, k, 0, 0, 0);
	} else if (r < 48) {
		/* R15: the guest EOIs what it accepted, last first */
		if (c->depth[k])
			m_eoi_entry(c, k, c->depth[k] - 1, k);
	} else if (r < 51) {
		/* R15: out of order, or from another vCPU */
		if (c->depth[k])
			m_eoi_entry(c, k, m_below(c, c->depth[k]),
				    m_below(c, 4) ? k : m_below(c, M_NR_ICP));
	} else if (r < 54) {
		/* R15: bogus EOIs: any number, any CPPR, high bits */
		x = m_rnd_irq(c) | m_rnd_prio(c) << 24;
		if (!m_below(c, 8))
			x |= 1ULL << (32 + m_below(c, 32));
		m_do(c, OP_EOI, k, x, 0, 0);
	} else if (r < 62) {
		/* R14 */
		x = m_below(c, 3) ? m_rnd_prio(c) : VXICS_PRIO_MASKED;
		if (!m_below(c, 32))
			x = 0x100 + m_below(c, 0x100);
		m_do(c, OP_CPPR, k, x, 0, 0);
	} else if (r < 70) {
		/* R16: any server, self included */
		x = m_rnd_prio(c);
		if (!m_below(c, 32))
			x = 0x100;
		m_do(c, OP_IPI, k, m_rnd_server(c) | (u64)!m_below(c, 8) << 32,
		     x, 0);
	} else if (r < 73) {
		/* R13: hcall arguments are u64, no truncation */
		m_do(c, OP_IPOLL, k, m_rnd_server(c) |
		     (u64)!m_below(c, 8) << 32, 0, 0);
	} else if (r < 82) {
		/* R22: retarget, reprioritise, mask with 0xff */
		x = m_rnd_prio(c);
		if (!m_below(c, 32))
			x = 0x100 + m_below(c, 8);
		m_do(c, OP_SET_XIVE, k, m_rnd_irq(c), m_rnd_server(c), x);
	} else if (r < 85) {
		/* R23 */
		m_do(c, OP_GET_XIVE, k, m_rnd_irq(c), 0, 0);
	} else if (r < 91) {
		/* R24 */
		m_do(c, OP_INT_OFF, k, m_rnd_irq(c), 0, 0);
	} else {
		/* R25 */
		m_do(c, OP_INT_ON, k, m_rnd_irq(c), 0, 0);
	}
	/* keep the stacks short: a guest does not nest forever */
	for (j = 0; j < M_NR_ICP && !c->failed; j++)
		if (c->depth[j] > M_STACK / 2)
			m_eoi_entry(c, j, c->depth[j] - 1, j);
}

/*
 * Checkpoint: the guest drains everything, compared step by step; then,
 * independently of the model, nothing may be left (R9, R20, R21).
 */
static void m_drain(struct mctx *c)
{
	struct vxics_ics *ics;
	int i, k, round, got;
	u64 v, x;

	for (i = 0; i < M_NR_SRC && !c->failed; i++)
		if (m_is_lsi[i])
			m_do(c, OP_SET_LEVEL, 0, m_irq[i], VXICS_LEVEL_LOW, 0);
	for (k = 0; k < M_NR_ICP && !c->failed; k++)
		m_do(c, OP_IPI, 0, m_server[k], VXICS_PRIO_MASKED, 0);
	for (i = 0; i < M_NR_SRC && !c->failed; i++) {
		if (c->m.src[i].prio != VXICS_PRIO_MASKED)
			continue;
		if (c->m.src[i].saved != VXICS_PRIO_MASKED)
			m_do(c, OP_INT_ON, 0, m_irq[i], 0, 0);
		else
			m_do(c, OP_SET_XIVE, 0, m_irq[i], c->m.src[i].server,
			     4);
	}
	for (k = 0; k < M_NR_ICP; k++)
		while (c->depth[k] && !c->failed)
			m_eoi_entry(c, k, c->depth[k] - 1, k);
	for (round = 0; round < 64 && !c->failed; round++) {
		got = 0;
		for (k = 0; k < M_NR_ICP && !c->failed; k++) {
			m_do(c, OP_CPPR, k, VXICS_PRIO_MASKED, 0, 0);
			for (;;) {
				m_do(c, OP_XIRR, k, 0, 0, 0);
				if (c->failed || !c->depth[k])
					break;
				got++;
				m_eoi_entry(c, k, c->depth[k] - 1, k);
			}
		}
		if (!got)
			break;
	}
	if (c->failed)
		return;
	/* nothing lost, nothing left */
	for (k = 0; k < M_NR_ICP; k++) {
		x = READ_ONCE(c->icp[k].state);
		if (vxics_icp_xisr(x) || vxics_icp_cppr(x) != VXICS_PRIO_MASKED)
			m_mismatch(c, "drained icp not idle", k, 0, x);
	}
	for (i = 0; i < M_NR_SRC; i++) {
		v = 0;
		vxics_source_get(&c->vx, m_irq[i], &v);
		if (v & (VXICS_PENDING | VXICS_PRESENTED | VXICS_QUEUED))
			m_mismatch(c, "drained source still pending", i, 0, v);
		ics = vxics_ics_find(&c->vx, m_irq[i]);
		if (ics && ics->src[m_irq[i] & (VXICS_ICS_SIZE - 1)].flags &
		    (VXICS_SRC_RESEND | VXICS_SRC_MASKED_PENDING))
			m_mismatch(c, "drained source still waiting", i, 0,
				   m_irq[i]);
	}
}

static void m_run_seed(struct kunit *test, struct mctx *c, u32 seed)
{
	struct vxics_ics *ics;
	int i, k, n;
	u64 v;

	memset(c, 0, sizeof(*c));
	c->test = test;
	c->seed = seed;
	c->rng = 0x9e3779b97f4a7c15ULL ^ ((u64)seed << 17 | seed);
	KUNIT_ASSERT_EQ(test, vxics_init(&c->vx, &m_ops, c), 0);
	for (k = 0; k < M_NR_ICP; k++) {
		KUNIT_ASSERT_EQ(test, vxics_icp_attach(&c->vx, &c->icp[k],
						       m_server[k], NULL), 0);
		/* R4 */
		c->m.icp[k].cppr = 0;
		c->m.icp[k].mfrr = VXICS_PRIO_MASKED;
		c->m.icp[k].pend = VXICS_PRIO_MASKED;
	}
	for (i = 0; i < M_NR_SRC; i++) {
		struct msrc *s = &c->m.src[i];

		s->server = m_server[m_below(c, M_NR_ICP)];
		s->prio = m_rnd_prio(c);
		s->saved = s->prio;
		s->lsi = m_is_lsi[i];
		v = s->server | (u64)s->prio << VXICS_PRIORITY_SHIFT;
		if (s->lsi)
			v |= VXICS_LEVEL_SENSITIVE;
		KUNIT_ASSERT_EQ(test, vxics_source_set(&c->vx, m_irq[i], v), 0);
	}
	m_check(c);
	/* R2: two blocks, each created by its first source */
	for (i = 0; i < M_NR_BLK; i++) {
		ics = vxics_ics_find(&c->vx, i << VXICS_ICS_SHIFT);
		KUNIT_EXPECT_EQ(test, !!ics, i == 0 || i == 2);
	}

	for (n = 1; n <= M_STEPS && !c->failed; n++) {
		m_random_step(c);
		if (!(n % M_DRAIN_EVERY))
			m_drain(c);
	}
	kunit_info(test,
		   "seed 0x%x: %d steps, %d accepted, %d refused, %d displaced, %d resends, %d masked, %lld coalesced\n",
		   seed, c->step, c->m.n_accepted, c->m.n_refused,
		   c->m.n_displaced, c->m.n_resends, c->m.n_masked,
		   (long long)c->m.coalesced);
	vxics_destroy(&c->vx);
}

/*
 * R6 R7 R8 R9 R11 R12 R13 R14 R15 R16 R17 R18 R19 R20 R21 R22 R23 R24 R25
 * R27 R28 R31: random sequences, predicted exactly by the model.
 */
static void vxics_model_random_sequences(struct kunit *test)
{
	struct mctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	int s;

	KUNIT_ASSERT_NOT_NULL(test, c);
	for (s = 0; s < ARRAY_SIZE(m_seeds); s++) {
		m_run_seed(test, c, m_seeds[s]);
		if (c->failed)
			return;
	}
}

static struct kunit_case vxics_model_cases[] = {
	KUNIT_CASE(vxics_model_random_sequences),
	{}
};

static struct kunit_suite vxics_model_suite = {
	.name = "vxics_model",
	.test_cases = vxics_model_cases,
};

kunit_test_suites(&vxics_model_suite);

MODULE_LICENSE("GPL");
