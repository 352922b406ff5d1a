// SPDX-License-Identifier: GPL-2.0-only
/*
 * Concurrency stress of the vxics core, userspace only (pthreads).
 *
 * vCPU threads, one per ICP, take interrupts the way a guest does: only
 * when their "external interrupt" line (driven by ops->raise/lower) is up,
 * H_XIRR, handle, H_EOI; and meanwhile change CPPR and IPI each other.
 * Device threads trigger MSIs, assert LSIs, retarget sources with
 * set-xive and mask/unmask them with int-off/int-on, all on shared
 * sources and ICPs.
 *
 * Checks, after the threads stop and everything is drained:
 *  - every MSI edge is presented exactly once per the P/Q rules: MSI
 *    acceptances == triggers - triggers coalesced in Q (R17), no source
 *    accepted more often than triggered;
 *  - every LSI assertion is presented exactly once (R18);
 *  - nothing is left: every source P=Q=0, no RESEND, no masked-pending
 *    (R9, R20), every ICP idle (R5);
 *  - R6: when the threads stop, an ICP whose output is asserted has its
 *    vCPU's interrupt line up (no raise was lost).
 *
 * VXICS_STRESS_OPS=n sets the total number of operations; the default is
 * 10M, 1M under ThreadSanitizer.  VXICS_STRESS_SEED=n sets the seed.
 */
#include <sched.h>
#include <stdio.h>
#include <kunit/test.h>
#include "internal.h"
#include "../../../arch/powerpc/kvm/vxics/core.h"

#if defined(__SANITIZE_THREAD__)
#define STRESS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STRESS_TSAN 1
#endif
#endif
#ifdef STRESS_TSAN
#define DEFAULT_OPS	1000000ULL
#else
#define DEFAULT_OPS	10000000ULL
#endif

#define NV		3			/* vCPUs / ICPs */
#define ND		2			/* device threads */
#define NR_MSI		48
#define MSI_BASE	16			/* block 0 */
#define NR_LSI		16
#define LSI_BASE	(VXICS_ICS_SIZE + 8)	/* block 1 */
#define NR_SRC		(NR_MSI + NR_LSI)

struct stress {
	struct vxics vx;
	struct vxics_icp icp[NV];
	int line[NV];			/* the vCPU's external interrupt */
	u64 ops_total;
	u64 ops_done;			/* counted in batches of OPS_BATCH */
	int stop;
	u64 seed;
	/* per source index (0..NR_SRC-1) */
	long triggers[NR_SRC];		/* MSI triggers / LSI assertions */
	long accepts[NR_SRC];
	int lsi_line[NR_LSI];		/* device's view: asserted */
	long ipis;
	long bad_xirr;
	long errors;
};

#define OPS_BATCH	1024
#define EPOCHS		50	/* threads stop and state is checked this often */
#define YIELD_EVERY	16

/*
 * All threads draw from one budget, so vCPUs and devices run side by side
 * until the total is reached, whatever their relative speed.
 */
static bool keep_going(struct stress *st, u64 n)
{
	/*
	 * Yield often: on a loaded 2-core machine time slices would
	 * otherwise run vCPUs and devices in long turns, not side by side.
	 */
	if (!(n % YIELD_EVERY))
		sched_yield();
	if (n % OPS_BATCH)
		return true;
	if (__atomic_add_fetch(&st->ops_done, OPS_BATCH, __ATOMIC_RELAXED) >=
	    st->ops_total)
		__atomic_store_n(&st->stop, 1, __ATOMIC_RELAXED);
	return !__atomic_load_n(&st->stop, __ATOMIC_RELAXED);
}

struct worker {
	struct stress *st;
	int id;
	u64 rng;
};

static u32 src_irq(int i)
{
	return i < NR_MSI ? MSI_BASE + i : LSI_BASE + (i - NR_MSI);
}

static int src_index(u32 irq)
{
	if (irq >= MSI_BASE && irq < MSI_BASE + NR_MSI)
		return irq - MSI_BASE;
	if (irq >= LSI_BASE && irq < LSI_BASE + NR_LSI)
		return NR_MSI + irq - LSI_BASE;
	return -1;
}

static u64 rnd(u64 *s)
{
	u64 x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void st_raise(struct vxics *vx, struct vxics_icp *icp)
{
	struct stress *st = vx->priv;

	__atomic_store_n(&st->line[icp - st->icp], 1, __ATOMIC_SEQ_CST);
}

static void st_lower(struct vxics *vx, struct vxics_icp *icp)
{
	struct stress *st = vx->priv;

	__atomic_store_n(&st->line[icp - st->icp], 0, __ATOMIC_SEQ_CST);
}

static void st_eoi(struct vxics *vx, u32 irq)
{
}

static const struct vxics_ops st_ops = {
	.raise = st_raise,
	.lower = st_lower,
	.eoi_notify = st_eoi,
};

static void bump(long *c)
{
	__atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
}

/* Take one interrupt on @v if any, as the guest would; true if one. */
static bool take_one(struct stress *st, int v)
{
	struct vxics_icp *icp = &st->icp[v];
	u64 x = 0;
	u32 irq;
	int i;

	vxics_h_xirr(&st->vx, icp, &x);
	irq = x & 0xffffff;
	if (!irq)
		return false;
	if (irq == VXICS_IPI_IRQ) {
		bump(&st->ipis);
		vxics_h_ipi(&st->vx, icp, v, 0xff);
		if (vxics_h_eoi(&st->vx, icp, x) != H_SUCCESS)
			bump(&st->errors);
		return true;
	}
	i = src_index(irq);
	if (i < 0) {
		bump(&st->bad_xirr);
		return true;
	}
	bump(&st->accepts[i]);
	if (i >= NR_MSI) {
		/* the driver quiets the device, then EOIs, then it may fire */
		vxics_set_level(&st->vx, irq, VXICS_LEVEL_LOW);
		if (vxics_h_eoi(&st->vx, icp, x) != H_SUCCESS)
			bump(&st->errors);
		__atomic_store_n(&st->lsi_line[i - NR_MSI], 0, __ATOMIC_RELEASE);
	} else if (vxics_h_eoi(&st->vx, icp, x) != H_SUCCESS) {
		bump(&st->errors);
	}
	return true;
}

static void *vcpu_thread(void *arg)
{
	struct worker *w = arg;
	struct stress *st = w->st;
	struct vxics_icp *icp = &st->icp[w->id];
	u64 n, r;

	vxics_h_cppr(&st->vx, icp, 0xff);
	for (n = 1; keep_going(st, n); n++) {
		r = rnd(&w->rng);
		if (__atomic_load_n(&st->line[w->id], __ATOMIC_SEQ_CST) ||
		    (r & 63) == 0) {
			take_one(st, w->id);
			continue;
		}
		switch ((r >> 8) & 31) {
		case 0:
			vxics_h_ipi(&st->vx, icp, (r >> 16) % NV, 3 + (r >> 24) % 5);
			break;
		case 1: case 2:
			/* a critical section at raised priority */
			vxics_h_cppr(&st->vx, icp, 3 + (r >> 16) % 6);
			vxics_h_cppr(&st->vx, icp, 0xff);
			break;
		default:
			take_one(st, w->id);
			break;
		}
	}
	return NULL;
}

static void *device_thread(void *arg)
{
	struct worker *w = arg;
	struct stress *st = w->st;
	u64 n, r;
	int i;

	for (n = 1; keep_going(st, n); n++) {
		r = rnd(&w->rng);
		i = (r >> 8) % NR_SRC;
		switch (r & 15) {
		case 0:
			vxics_set_xive(&st->vx, src_irq(i), (r >> 16) % NV,
				       4 + (r >> 24) % 4);
			break;
		case 1:
			vxics_int_off(&st->vx, src_irq(i));
			break;
		case 2: case 3:
			/* unmask, repairing a double int-off */
			vxics_set_xive(&st->vx, src_irq(i), (r >> 16) % NV,
				       4 + (r >> 24) % 4);
			break;
		default:
			if (i < NR_MSI) {
				bump(&st->triggers[i]);
				vxics_set_level(&st->vx, src_irq(i), VXICS_LEVEL_HIGH);
			} else {
				int zero = 0;

				if (!__atomic_compare_exchange_n(&st->lsi_line[i - NR_MSI],
								 &zero, 1, false,
								 __ATOMIC_ACQ_REL,
								 __ATOMIC_RELAXED))
					break;
				bump(&st->triggers[i]);
				vxics_set_level(&st->vx, src_irq(i), VXICS_LEVEL_HIGH);
			}
			break;
		}
	}
	return NULL;
}

/*
 * With every thread stopped: no raise was lost (R6: an asserted output
 * has its vCPU's line up), and every source waiting for a resend is
 * covered by an ICP whose need-resend is set and whose map has its block,
 * so the next CPPR/MFRR drop delivers it (R9).
 */
static void check_quiescent(struct kunit *test, struct stress *st)
{
	int i, v;

	for (v = 0; v < NV; v++)
		KUNIT_EXPECT_TRUE_MSG(test, !vxics_icp_out(st->icp[v].state) || st->line[v],
				      "ICP %d output asserted, vCPU line down (lost raise)", v);
	for (i = 0; i < NR_SRC; i++) {
		u32 irq = src_irq(i);
		struct vxics_ics *ics = vxics_ics_find(&st->vx, irq);
		bool covered = false;

		if (!(ics->src[irq & (VXICS_ICS_SIZE - 1)].flags & VXICS_SRC_RESEND))
			continue;
		for (v = 0; v < NV; v++)
			covered |= vxics_icp_resend(st->icp[v].state) &&
				   test_bit(ics->block, st->icp[v].resend_blocks);
		KUNIT_EXPECT_TRUE_MSG(test, covered,
				      "source %u marked RESEND, no ICP will resend it", irq);
	}
}

/* Take interrupts on every ICP, CPPR open, until two quiet passes. */
static void drain(struct stress *st)
{
	int i, k, quiet;

	for (quiet = 0, k = 0; quiet < 2 && k < 100000; k++) {
		bool any = false;

		for (i = 0; i < NV; i++) {
			vxics_h_ipi(&st->vx, &st->icp[i], i, 0xff);
			vxics_h_cppr(&st->vx, &st->icp[i], 0);
			vxics_h_cppr(&st->vx, &st->icp[i], 0xff);
			while (take_one(st, i))
				any = true;
		}
		quiet = any ? 0 : quiet + 1;
	}
}

static u64 env_u64(const char *name, u64 def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

static void vxics_stress_r5_r6_r9_r17_r18_r20(struct kunit *test)
{
	struct stress *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct worker wk[NV + ND];
	pthread_t th[NV + ND];
	long msi_trig = 0, msi_acc = 0, coalesced;
	u64 ops = 0;
	int i, e;

	KUNIT_ASSERT_NOT_NULL(test, st);
	st->ops_total = env_u64("VXICS_STRESS_OPS", DEFAULT_OPS) / EPOCHS;
	st->seed = env_u64("VXICS_STRESS_SEED", 0x5eed1234abcdULL);
	KUNIT_ASSERT_EQ(test, vxics_init(&st->vx, &st_ops, st), 0);
	for (i = 0; i < NV; i++)
		KUNIT_ASSERT_EQ(test, vxics_icp_attach(&st->vx, &st->icp[i], i, NULL), 0);
	for (i = 0; i < NR_SRC; i++) {
		u64 v = (u64)(i % NV) | 5ULL << VXICS_PRIORITY_SHIFT;

		if (i >= NR_MSI)
			v |= VXICS_LEVEL_SENSITIVE;
		KUNIT_ASSERT_EQ(test, vxics_source_set(&st->vx, src_irq(i), v), 0);
	}

	for (e = 0; e < EPOCHS; e++) {
		st->ops_done = 0;
		st->stop = 0;
		for (i = 0; i < NV + ND; i++) {
			wk[i].st = st;
			wk[i].id = i < NV ? i : i - NV;
			wk[i].rng = (st->seed + e) * (2 * i + 1) | 1;
			KUNIT_ASSERT_EQ(test, pthread_create(&th[i], NULL,
							     i < NV ? vcpu_thread : device_thread,
							     &wk[i]), 0);
		}
		for (i = 0; i < NV + ND; i++)
			pthread_join(th[i], NULL);
		ops += st->ops_done;
		check_quiescent(test, st);
	}

	/*
	 * Quiesce in two steps.  First only what a guest does: open every
	 * CPPR (which resends what was refused) and take everything.  After
	 * that no unmasked source may still wait for a resend: one that
	 * does was lost (R9).  Then unmask everything (R20, R21) and drain.
	 */
	drain(st);
	for (i = 0; i < NR_SRC; i++) {
		u32 irq = src_irq(i);
		struct vxics_source *src = &vxics_ics_find(&st->vx, irq)->src[irq & 1023];

		KUNIT_EXPECT_TRUE_MSG(test, src->priority == 0xff ||
				      !(src->flags & VXICS_SRC_RESEND),
				      "source %u (server %u prio %u) lost: RESEND after drain",
				      irq, src->server, src->priority);
	}
	for (i = 0; i < NR_SRC; i++)
		KUNIT_EXPECT_EQ(test, vxics_set_xive(&st->vx, src_irq(i), i % NV, 5), 0);
	drain(st);

	for (i = 0; i < NV; i++) {
		KUNIT_EXPECT_EQ(test, vxics_icp_xisr(st->icp[i].state), 0);
		KUNIT_EXPECT_EQ(test, vxics_icp_mfrr(st->icp[i].state), 0xff);
		KUNIT_EXPECT_EQ(test, st->line[i], 0);
	}
	for (i = 0; i < NR_SRC; i++) {
		u32 irq = src_irq(i);
		struct vxics_ics *ics = vxics_ics_find(&st->vx, irq);
		u8 f = ics->src[irq & (VXICS_ICS_SIZE - 1)].flags;

		KUNIT_EXPECT_TRUE_MSG(test, !(f & (VXICS_SRC_P | VXICS_SRC_Q |
						   VXICS_SRC_RESEND |
						   VXICS_SRC_MASKED_PENDING)),
				      "source %u left with flags %#x", irq, f);
		if (i < NR_MSI) {
			msi_trig += st->triggers[i];
			msi_acc += st->accepts[i];
			KUNIT_EXPECT_TRUE_MSG(test, st->accepts[i] <= st->triggers[i],
					      "MSI %u presented %ld times for %ld triggers",
					      irq, st->accepts[i], st->triggers[i]);
		} else {
			KUNIT_EXPECT_TRUE_MSG(test, st->accepts[i] == st->triggers[i],
					      "LSI %u presented %ld times for %ld assertions",
					      irq, st->accepts[i], st->triggers[i]);
		}
	}
	coalesced = atomic64_read(&st->vx.n_coalesced);
	KUNIT_EXPECT_TRUE_MSG(test, msi_acc == msi_trig - coalesced,
			      "MSI: %ld presented, %ld triggers - %ld coalesced = %ld",
			      msi_acc, msi_trig, coalesced, msi_trig - coalesced);
	KUNIT_EXPECT_EQ(test, st->bad_xirr, 0);
	KUNIT_EXPECT_EQ(test, st->errors, 0);
	kunit_info(test, "%llu ops: MSI %ld triggers, %ld coalesced, %ld presented; LSI asserted/presented; %ld IPIs; %lld deliveries",
		   (unsigned long long)ops, msi_trig,
		   coalesced, msi_acc, st->ipis,
		   (long long)atomic64_read(&st->vx.n_deliveries));
	vxics_destroy(&st->vx);
}

static struct kunit_case vxics_stress_cases[] = {
	KUNIT_CASE_SLOW(vxics_stress_r5_r6_r9_r17_r18_r20),
	{}
};

static struct kunit_suite vxics_stress_suite = {
	.name = "vxics_stress",
	.test_cases = vxics_stress_cases,
};

kunit_test_suites(&vxics_stress_suite);
