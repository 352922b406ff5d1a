// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bypass's real-mode half, arch/powerpc/kvm/vxics/bypass_rm.c, built
 * unchanged in userspace against look-alike headers (include/linux,
 * include/asm) and run on the real core and map (B1, B4-B9).
 *
 * The test plays KVM-HV's exit path and the host: each thread is a host
 * CPU (its number and paca are thread-local), an interrupt is one call of
 * vxics_rm_host_irq() with the XIRR "read" from the host ICP, and the
 * stubs below record what the bypass does to the host: the PHB's MSI EOI,
 * the ICP's XIRR write, OPAL's EOI, the per-CPU counters.
 *
 * The rule every case checks (B5): either the call returns 1, leaves the
 * saved XIRR for the host's handler and has EOI'd nothing, or it has
 * EOI'd exactly once (PHB first, then the ICP with the XIRR as read) and
 * cleared the saved XIRR.  Never both, never neither.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <kunit/test.h>
#include <linux/irq.h>
#include <linux/kernel_stat.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <asm/opal.h>
#include <asm/pnv-pci.h>
#include <asm/kvm_book3s_asm.h>
#include <asm/kvm_vxics.h>
#include "../../../arch/powerpc/kvm/vxics/glue.h"

#define NVCPU		3
#define NDESC		8
#define GUEST_IRQ	0x1010		/* guest source of desc 0 */
#define CPPR_BITS	0xff000000u	/* the host CPPR part of an XIRR */

/* --- the host, as the look-alike headers declare it ------------------- */
unsigned int nr_cpu_ids = VXICS_SHIM_NR_CPUS;
__thread unsigned int vxics_shim_cpu;
__thread struct paca_struct *local_paca;
char vxics_shim_kstat[VXICS_SHIM_NR_CPUS][VXICS_SHIM_PERCPU_STRIDE];

/* What one host CPU saw done to its interrupt hardware. */
struct host_cpu {
	long seq;		/* events, to check their order */
	long phb_eoi, phb_at;
	u32 phb_hwirq;
	long icp_eoi, icp_at;
	u32 icp_xirr;		/* as written: raw, big-endian */
	long opal_eoi;
	u32 opal_xirr;		/* as passed: CPU order */
	s64 opal_ret;		/* what OPAL answers */
	long to_phys;		/* vmalloc_to_phys() calls */
} ____cacheline_aligned_in_smp;

static struct host_cpu host[VXICS_SHIM_NR_CPUS];

/* the kernel's lock of built-in parameters, and their bool "get" */
static pthread_mutex_t param_lock = PTHREAD_MUTEX_INITIALIZER;

void kernel_param_lock(struct module *mod)
{
	pthread_mutex_lock(&param_lock);
}

void kernel_param_unlock(struct module *mod)
{
	pthread_mutex_unlock(&param_lock);
}

int param_get_bool(char *buffer, const struct kernel_param *kp)
{
	return 0;
}

static u32 icp_page[2];		/* a host ICP: xics_phys points here */
unsigned long vxics_shim_vmalloc_start, vxics_shim_vmalloc_end;
static int slow_hw;		/* the stubs yield: widen the race windows */

static void hw_delay(void)
{
	if (__atomic_load_n(&slow_hw, __ATOMIC_RELAXED))
		sched_yield();
}

int pnv_opal_pci_msi_eoi(struct irq_data *d)
{
	struct host_cpu *h = &host[vxics_shim_cpu];

	hw_delay();
	h->phb_eoi++;
	h->phb_at = ++h->seq;
	h->phb_hwirq = d ? READ_ONCE(d->hwirq) : 0;
	return 0;
}

void __raw_rm_writel(u32 val, void __iomem *addr)
{
	struct host_cpu *h = &host[vxics_shim_cpu];

	if (addr != (void *)((char *)icp_page + XICS_XIRR))
		return;		/* counted as no EOI: the check fails */
	h->icp_eoi++;
	h->icp_at = ++h->seq;
	h->icp_xirr = val;
}

s64 opal_int_eoi(u32 xirr)
{
	struct host_cpu *h = &host[vxics_shim_cpu];

	h->opal_eoi++;
	h->opal_xirr = xirr;
	return h->opal_ret;
}

bool is_vmalloc_addr(const void *p)
{
	return (unsigned long)p >= VMALLOC_START &&
	       (unsigned long)p < VMALLOC_END;
}

unsigned long vmalloc_to_phys(void *p)
{
	host[vxics_shim_cpu].to_phys++;
	return (unsigned long)p;	/* the "physical alias" is the same */
}

/* --- a VM with an XICS, three vCPUs and host MSIs mapped --------------- */
struct bfx {
	struct kvm kvm;
	struct kvmppc_xics xics;
	struct kvm_vcpu vcpu[NVCPU];
	struct kvmppc_icp icp[NVCPU];
	struct paca_struct paca[VXICS_SHIM_NR_CPUS];
	struct irq_desc desc[NDESC];
	struct vxics_bypass_link link[NDESC];	/* the map's host_data */
	/* the descs' per-CPU interrupt counts: desc i at [cpu][i] */
	unsigned int (*irqs)[VXICS_SHIM_PERCPU_STRIDE / sizeof(unsigned int)];
	int kick_from_raise;	/* raise() leaves a kick for virtual mode */
	long raised[NVCPU];
};

static void b_raise(struct vxics *vx, struct vxics_icp *icp)
{
	struct bfx *f = vx->priv;
	struct kvmppc_icp *ki = vxics_to_icp(icp);

	__atomic_add_fetch(&f->raised[ki - f->icp], 1, __ATOMIC_RELAXED);
	hw_delay();		/* a delivery takes a while: let the writer run */
	/* as the glue: a vCPU not on this CPU is kicked from virtual mode */
	if (f->kick_from_raise && local_paca &&
	    local_paca->kvm_hstate.kvm_vcpu &&
	    local_paca->kvm_hstate.kvm_vcpu != ki->vcpu)
		local_paca->kvm_hstate.kvm_vcpu->arch.icp->rm_work |=
			VXICS_RM_KICK;
}

static void b_lower(struct vxics *vx, struct vxics_icp *icp)
{
}

static void b_eoi(struct vxics *vx, u32 irq)
{
}

static const struct vxics_ops b_ops = {
	.raise = b_raise,
	.lower = b_lower,
	.eoi_notify = b_eoi,
};

static u32 hwirq_of(int i)
{
	return 0x7f0010 + i;		/* PHB3 MSIs, as skiboot numbers them */
}

static u32 guest_of(int i)
{
	return GUEST_IRQ + i;
}

/* Define guest source @irq: an MSI (or LSI) on @server at priority 5. */
static void def_src(struct kunit *test, struct bfx *f, u32 irq, u32 server,
		    bool lsi)
{
	u64 v = (u64)server | 5ULL << VXICS_PRIORITY_SHIFT;

	if (lsi)
		v |= VXICS_LEVEL_SENSITIVE;
	KUNIT_ASSERT_EQ(test, vxics_source_set(&f->xics.core, irq, v), 0);
}

/* Map desc @i (host hwirq_of(i)) to guest source guest_of(@i). */
static void map(struct kunit *test, struct bfx *f, int i)
{
	struct vxics_bypass *bp = f->xics.bypass;

	if (!bp) {
		bp = kzalloc(sizeof(*bp), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, bp);
		/* published as bypass.c does: pairs with the exit path's acquire */
		smp_store_release(&f->xics.bypass, bp);
	}
	KUNIT_ASSERT_GE(test, vxics_map_add(&bp->map, hwirq_of(i), guest_of(i),
					    100 + i, &f->link[i]), 0);
}

/* Run vCPU @v on host CPU @cpu (the thread is that CPU from now on). */
static void run_on(struct bfx *f, int v, unsigned int cpu)
{
	vxics_shim_cpu = cpu;
	local_paca = &f->paca[cpu];
	local_paca->kvm_hstate.kvm_vcpu = v < 0 ? NULL : &f->vcpu[v];
	local_paca->kvm_hstate.xics_phys = icp_page;
	if (v >= 0)
		WRITE_ONCE(f->vcpu[v].arch.thread_cpu, cpu);
}

static int bypass_init(struct kunit *test)
{
	struct bfx *f = kzalloc(sizeof(*f), GFP_KERNEL);
	int i;

	if (!f)
		return -ENOMEM;
	f->irqs = calloc(VXICS_SHIM_NR_CPUS, sizeof(*f->irqs));
	if (!f->irqs || vxics_init(&f->xics.core, &b_ops, f))
		return -ENOMEM;
	f->kvm.arch.xics = &f->xics;
	f->xics.kvm = &f->kvm;
	for (i = 0; i < NVCPU; i++) {
		f->vcpu[i].kvm = &f->kvm;
		f->vcpu[i].arch.icp = &f->icp[i];
		f->vcpu[i].arch.thread_cpu = -1;
		f->icp[i].vcpu = &f->vcpu[i];
		if (vxics_icp_attach(&f->xics.core, &f->icp[i].core, i,
				     &f->vcpu[i]))
			return -EINVAL;
		/* a CPPR that takes priority 5 */
		vxics_h_cppr(&f->xics.core, &f->icp[i].core, 0xff);
	}
	for (i = 0; i < NDESC; i++) {
		f->desc[i].irq_data.hwirq = hwirq_of(i);
		f->desc[i].kstat_irqs = &f->irqs[0][i];
		vxics_bypass_link_init(&f->link[i], &f->desc[i]);
	}
	memset(host, 0, sizeof(host));
	memset(vxics_shim_kstat, 0, sizeof(vxics_shim_kstat));
	vxics_shim_vmalloc_start = 0;
	vxics_shim_vmalloc_end = 0;
	slow_hw = 0;
	vxics_bypass_set_global(true);
	test->priv = f;
	return 0;
}

static void bypass_exit(struct kunit *test)
{
	struct bfx *f = test->priv;

	if (f->xics.bypass) {
		vxics_map_destroy(&f->xics.bypass->map);
		kfree(f->xics.bypass);
	}
	vxics_destroy(&f->xics.core);
	free(f->irqs);
	kfree(f);
	local_paca = NULL;
}

/* The result of one host interrupt taken on this thread's CPU. */
struct took {
	long ret;
	bool again;
	bool saved_kept;	/* the host's handler will see it */
	long eois;		/* EOIs the bypass did: PHB, ICP or OPAL */
	bool exactly_once;	/* B5, see the top of the file */
};

static struct took take(struct kunit *test, u32 xisr)
{
	struct host_cpu *h = &host[vxics_shim_cpu];
	struct host_cpu before = *h;
	u32 xirr = CPPR_BITS | xisr;
	struct took t = { 0 };
	long phb, icp, opal;

	local_paca->kvm_hstate.saved_xirr = xirr;
	t.ret = vxics_rm_host_irq(xisr, cpu_to_be32(xirr), &t.again);
	t.saved_kept = local_paca->kvm_hstate.saved_xirr == xirr;
	phb = h->phb_eoi - before.phb_eoi;
	icp = h->icp_eoi - before.icp_eoi;
	opal = h->opal_eoi - before.opal_eoi;
	t.eois = phb + icp + opal;
	if (t.ret == 1)
		t.exactly_once = t.saved_kept && !t.eois;
	else
		t.exactly_once = !local_paca->kvm_hstate.saved_xirr &&
			phb == 1 && h->phb_hwirq == xisr &&
			(local_paca->kvm_hstate.xics_phys ?
			 icp == 1 && !opal && h->phb_at < h->icp_at &&
			 h->icp_xirr == cpu_to_be32(xirr) :
			 opal == 1 && !icp && h->opal_xirr == xirr);
	return t;
}

static struct vxics_source *src_of(struct bfx *f, u32 irq)
{
	return &vxics_ics_find(&f->xics.core, irq)->src[irq % VXICS_ICS_SIZE];
}

/* The guest's next interrupt on vCPU @v through H_XIRR (0: none). */
static u32 guest_xisr(struct bfx *f, int v)
{
	u64 x = 0;

	vxics_h_xirr(&f->xics.core, &f->icp[v].core, &x);
	return x & 0xffffff;
}

static void expect_host_path(struct kunit *test, struct took t)
{
	KUNIT_EXPECT_EQ(test, t.ret, 1);
	KUNIT_EXPECT_TRUE(test, t.exactly_once);
}

/*
 * B6: no vCPU on this CPU, a vCPU of a VM without our XICS, a VM whose
 * XICS is gone: the host's handler takes it, nothing counted or EOI'd.
 */
static void vxics_bypass_rm_needs_vcpu_and_xics_b6(struct kunit *test)
{
	struct bfx *f = test->priv;
	struct took t;

	map(test, f, 0);
	def_src(test, f, guest_of(0), 0, false);
	run_on(f, -1, 0);
	t = take(test, hwirq_of(0));
	expect_host_path(test, t);
	run_on(f, 0, 0);
	f->vcpu[0].arch.icp = NULL;
	t = take(test, hwirq_of(0));
	expect_host_path(test, t);
	f->vcpu[0].arch.icp = &f->icp[0];
	f->kvm.arch.xics = NULL;
	t = take(test, hwirq_of(0));
	expect_host_path(test, t);
	KUNIT_EXPECT_EQ(test, f->icp[0].n_fallback[VXICS_FB_UNMAPPED], 0);
	KUNIT_EXPECT_EQ(test, f->icp[0].n_bypassed, 0);
	KUNIT_EXPECT_EQ(test, guest_xisr(f, 0), 0);
}

/* B8: switched off globally or for the VM, counted as "off" (B6) */
static void vxics_bypass_rm_switched_off_b8(struct kunit *test)
{
	struct bfx *f = test->priv;
	struct took t;

	map(test, f, 0);
	def_src(test, f, guest_of(0), 0, false);
	run_on(f, 0, 0);
	vxics_bypass_set_global(false);
	t = take(test, hwirq_of(0));
	expect_host_path(test, t);
	vxics_bypass_set_global(true);
	WRITE_ONCE(f->xics.bypass->off, true);
	t = take(test, hwirq_of(0));
	expect_host_path(test, t);
	KUNIT_EXPECT_EQ(test, f->icp[0].n_fallback[VXICS_FB_OFF], 2);
	KUNIT_EXPECT_EQ(test, guest_xisr(f, 0), 0);
	WRITE_ONCE(f->xics.bypass->off, false);
	t = take(test, hwirq_of(0));
	KUNIT_EXPECT_EQ(test, t.ret, -2);
	KUNIT_EXPECT_TRUE(test, t.exactly_once);
	KUNIT_EXPECT_EQ(test, guest_xisr(f, 0), guest_of(0));
}

/* B6: no map yet, a number the map lacks, one past the 24 bits */
static void vxics_bypass_rm_unmapped_b6(struct kunit *test)
{
	struct bfx *f = test->priv;
	struct took t;

	def_src(test, f, guest_of(0), 0, false);
	run_on(f, 0, 0);
	t = take(test, hwirq_of(0));
	expect_host_path(test, t);
	map(test, f, 1);
	t = take(test, hwirq_of(0));
	expect_host_path(test, t);
	t = take(test, 1u << 24 | hwirq_of(1));
	expect_host_path(test, t);
	KUNIT_EXPECT_EQ(test, f->icp[0].n_fallback[VXICS_FB_UNMAPPED], 3);
	KUNIT_EXPECT_EQ(test, guest_xisr(f, 0), 0);
}

/*
 * B6: mapped, but the guest source is not an MSI now (undefined, or an
 * LSI): counted as "source"; the mapping's counters do not move.
 */
static void vxics_bypass_rm_not_msi_b6(struct kunit *test)
{
	struct bfx *f = test->priv;
	struct took t;

	map(test, f, 0);
	map(test, f, 1);
	def_src(test, f, guest_of(1), 0, true);
	run_on(f, 0, 0);
	t = take(test, hwirq_of(0));
	expect_host_path(test, t);
	t = take(test, hwirq_of(1));
	expect_host_path(test, t);
	KUNIT_EXPECT_EQ(test, f->icp[0].n_fallback[VXICS_FB_SOURCE], 2);
	KUNIT_EXPECT_EQ(test, f->irqs[0][0] + f->irqs[0][1], 0);
	KUNIT_EXPECT_EQ(test, guest_xisr(f, 0), 0);
}

/*
 * B4, B5, B9: an MSI for the vCPU running here is presented to it, the
 * host EOI'd once (PHB, then ICP with the XIRR as read), the saved XIRR
 * cleared, and counted: the host irq on this CPU (/proc/interrupts and
 * /proc/stat), the mapping, the ICP, the vCPU's pthru_all.
 */
static void vxics_bypass_rm_delivers_here_b4_b5(struct kunit *test)
{
	struct bfx *f = test->priv;
	struct vxics_map_slot *s;
	struct took t;

	map(test, f, 0);
	def_src(test, f, guest_of(0), 1, false);
	run_on(f, 1, 3);
	t = take(test, hwirq_of(0));
	KUNIT_EXPECT_EQ(test, t.ret, -2);
	KUNIT_EXPECT_TRUE(test, t.exactly_once);
	KUNIT_EXPECT_FALSE(test, t.again);
	KUNIT_EXPECT_EQ(test, guest_xisr(f, 1), guest_of(0));
	KUNIT_EXPECT_EQ(test, f->irqs[3][0], 1);
	KUNIT_EXPECT_EQ(test, f->irqs[0][0], 0);
	KUNIT_EXPECT_EQ(test, f->desc[0].tot_count, 1);
	KUNIT_EXPECT_EQ(test, per_cpu_ptr(&kstat, 3)->irqs_sum, 1);
	s = vxics_map_slot(&f->xics.bypass->map,
			   vxics_map_find(&f->xics.bypass->map, hwirq_of(0)));
	KUNIT_EXPECT_EQ(test, atomic64_read(&s->n_bypassed), 1);
	KUNIT_EXPECT_EQ(test, f->icp[1].n_bypassed, 1);
	KUNIT_EXPECT_EQ(test, f->icp[1].n_bypass_elsewhere, 0);
	KUNIT_EXPECT_EQ(test, f->vcpu[1].stat.pthru_all, 1);
	KUNIT_EXPECT_EQ(test, f->vcpu[1].stat.pthru_bad_aff, 0);
	KUNIT_EXPECT_EQ(test, f->icp[1].rm_work, 0);
	KUNIT_EXPECT_EQ(test, f->link[0].last_cpu, 3);
	/* raised inline, for KVM-HV's entry to inject: not through the ops */
	KUNIT_EXPECT_TRUE(test, f->vcpu[1].arch.pending_exceptions &
				BIT(BOOK3S_IRQPRIO_EXTERNAL));
	KUNIT_EXPECT_EQ(test, f->vcpu[1].stat.queue_intr, 1);
	KUNIT_EXPECT_EQ(test, f->raised[1], 0);
}

/* B5: a host without an ICP mapping EOIs through OPAL, which may say "more" */
static void vxics_bypass_rm_opal_eoi_b5(struct kunit *test)
{
	struct bfx *f = test->priv;
	struct took t;

	map(test, f, 0);
	def_src(test, f, guest_of(0), 0, false);
	run_on(f, 0, 0);
	local_paca->kvm_hstate.xics_phys = NULL;
	t = take(test, hwirq_of(0));
	KUNIT_EXPECT_EQ(test, t.ret, -2);
	KUNIT_EXPECT_TRUE(test, t.exactly_once);
	KUNIT_EXPECT_FALSE(test, t.again);
	host[0].opal_ret = 1;
	t = take(test, hwirq_of(0));
	KUNIT_EXPECT_EQ(test, t.ret, -2);
	KUNIT_EXPECT_TRUE(test, t.exactly_once);
	KUNIT_EXPECT_TRUE(test, t.again);
}

/*
 * B4: a masked guest source still takes the bypass (the host is EOI'd),
 * is not presented, and arrives when the guest unmasks it: not lost.
 */
static void vxics_bypass_rm_masked_kept_b4(struct kunit *test)
{
	struct bfx *f = test->priv;
	struct took t;

	map(test, f, 0);
	def_src(test, f, guest_of(0), 0, false);
	KUNIT_ASSERT_EQ(test, vxics_int_off(&f->xics.core, guest_of(0)), 0);
	run_on(f, 0, 0);
	t = take(test, hwirq_of(0));
	KUNIT_EXPECT_EQ(test, t.ret, -2);
	KUNIT_EXPECT_TRUE(test, t.exactly_once);
	KUNIT_EXPECT_EQ(test, guest_xisr(f, 0), 0);
	KUNIT_ASSERT_EQ(test, vxics_int_on(&f->xics.core, guest_of(0)), 0);
	KUNIT_EXPECT_EQ(test, guest_xisr(f, 0), guest_of(0));
}

/*
 * B4, B7: for another vCPU on this core, delivered with no move asked;
 * on another core, delivered, counted as a wrong-CPU arrival on the
 * target, and a move of the host irq left to virtual mode (return 2).
 */
static void vxics_bypass_rm_other_vcpu_b4_b7(struct kunit *test)
{
	struct bfx *f = test->priv;
	struct took t;

	map(test, f, 0);
	def_src(test, f, guest_of(0), 2, false);
	run_on(f, 2, 9);		/* core 8 */
	run_on(f, 0, 8);		/* core 8 too, this thread */
	t = take(test, hwirq_of(0));
	KUNIT_EXPECT_EQ(test, t.ret, -2);
	KUNIT_EXPECT_TRUE(test, t.exactly_once);
	KUNIT_EXPECT_EQ(test, f->icp[0].n_bypass_elsewhere, 1);
	KUNIT_EXPECT_EQ(test, f->icp[0].rm_work, 0);
	KUNIT_EXPECT_EQ(test, f->vcpu[2].stat.pthru_all, 1);
	KUNIT_EXPECT_EQ(test, f->vcpu[0].stat.pthru_all, 0);
	/* another vCPU is raised through the VM's ops, not inline */
	KUNIT_EXPECT_EQ(test, f->raised[2], 1);
	KUNIT_EXPECT_EQ(test, f->vcpu[2].arch.pending_exceptions, 0);
	KUNIT_EXPECT_EQ(test, f->vcpu[0].arch.pending_exceptions, 0);
	KUNIT_EXPECT_EQ(test, guest_xisr(f, 2), guest_of(0));
	KUNIT_EXPECT_EQ(test, vxics_h_eoi(&f->xics.core, &f->icp[2].core,
					  0xffu << 24 | guest_of(0)), H_SUCCESS);

	WRITE_ONCE(f->vcpu[2].arch.thread_cpu, -1);	/* out of the guest */
	t = take(test, hwirq_of(0));
	KUNIT_EXPECT_EQ(test, t.ret, 2);
	KUNIT_EXPECT_TRUE(test, t.exactly_once);
	KUNIT_EXPECT_EQ(test, f->icp[0].rm_work, VXICS_RM_STEER);
	KUNIT_EXPECT_EQ(test, f->icp[0].rm_steer_irq, guest_of(0));
	KUNIT_EXPECT_EQ(test, f->icp[0].n_bypass_deferred, 1);
	KUNIT_EXPECT_EQ(test, f->vcpu[2].stat.pthru_bad_aff, 1);
	KUNIT_EXPECT_EQ(test, guest_xisr(f, 2), guest_of(0));
}

/* B4: a kick the core's raise() could not do in real mode: return 2 */
static void vxics_bypass_rm_kick_deferred_b4(struct kunit *test)
{
	struct bfx *f = test->priv;
	struct took t;

	map(test, f, 0);
	def_src(test, f, guest_of(0), 1, false);
	f->kick_from_raise = 1;
	run_on(f, 1, 8);		/* same core as the caller */
	run_on(f, 0, 9);
	t = take(test, hwirq_of(0));
	KUNIT_EXPECT_EQ(test, t.ret, 2);
	KUNIT_EXPECT_TRUE(test, t.exactly_once);
	KUNIT_EXPECT_EQ(test, f->icp[0].rm_work, VXICS_RM_KICK);
	KUNIT_EXPECT_EQ(test, f->raised[1], 1);
}

/*
 * B9, real-mode safety: with percpu_alloc=page, or in a dynamic per-CPU
 * chunk, an irq's counters are vmalloc'd; the bypass reaches them through
 * vmalloc_to_phys().  (kstat's were resolved once, at boot.)
 */
static void vxics_bypass_rm_vmalloc_percpu_b9(struct kunit *test)
{
	struct bfx *f = test->priv;
	struct took t;

	map(test, f, 0);
	def_src(test, f, guest_of(0), 0, false);
	run_on(f, 0, 5);
	t = take(test, hwirq_of(0));
	KUNIT_EXPECT_EQ(test, host[5].to_phys, 0);
	vxics_shim_vmalloc_start = (unsigned long)f->irqs;
	vxics_shim_vmalloc_end = (unsigned long)(f->irqs + VXICS_SHIM_NR_CPUS);
	/* found out when a mapping is made */
	t = take(test, hwirq_of(0));
	KUNIT_EXPECT_EQ(test, host[5].to_phys, 0);
	vxics_bypass_link_init(&f->link[0], &f->desc[0]);
	t = take(test, hwirq_of(0));
	KUNIT_EXPECT_EQ(test, t.ret, -2);
	KUNIT_EXPECT_EQ(test, host[5].to_phys, 1);
	KUNIT_EXPECT_EQ(test, f->irqs[5][0], 3);
	KUNIT_EXPECT_EQ(test, per_cpu_ptr(&kstat, 5)->irqs_sum, 3);
}

/* --- under threads ------------------------------------------------------ */
#if defined(__SANITIZE_THREAD__)
#define BYPASS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BYPASS_TSAN 1
#endif
#endif

#define RACE_CPUS	2
#define RACE_DESCS	4	/* host numbers; slots move between them */

struct race {
	struct bfx *f;
	int stop, started;
	bool grace;		/* the writer waits out the grace period */
	struct {
		long taken, bypassed, host, wrong;
	} cpu[RACE_CPUS];
};

struct race_arg {
	struct race *r;
	int id;
};

/*
 * One host CPU running vCPU @id: interrupts of random mapped-or-not
 * numbers arrive (each number on one CPU only: the PHB sends a vector's
 * next MSI after the EOI of the last, so no two CPUs hold one at once);
 * what the bypass leaves, the host path injects (the irqfd's
 * vxics_msi_trigger()); the guest drains its ICP.
 */
static void *race_cpu(void *arg)
{
	struct race_arg *a = arg;
	struct race *r = a->r;
	struct bfx *f = r->f;
	u64 seed = 0x9e3779b97f4a7c15ULL * (a->id + 1);
	u32 server, x;
	struct took t;
	int i;

	run_on(f, a->id, 8 * a->id);
	__atomic_add_fetch(&r->started, 1, __ATOMIC_RELAXED);
	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		/* a vector is in flight on one CPU at a time: its own numbers */
		i = a->id + RACE_CPUS * (seed % (RACE_DESCS / RACE_CPUS));
		t = take(NULL, hwirq_of(i));
		/* counted atomically: the writer watches them (race_enough()) */
		__atomic_add_fetch(&r->cpu[a->id].taken, 1, __ATOMIC_RELAXED);
		if (!t.exactly_once)
			__atomic_add_fetch(&r->cpu[a->id].wrong, 1,
					   __ATOMIC_RELAXED);
		if (t.ret == 1) {
			__atomic_add_fetch(&r->cpu[a->id].host, 1,
					   __ATOMIC_RELAXED);
			vxics_msi_trigger(&f->xics.core, guest_of(i), &server);
		} else {
			__atomic_add_fetch(&r->cpu[a->id].bypassed, 1,
					   __ATOMIC_RELAXED);
		}
		f->icp[a->id].rm_work = 0;	/* virtual mode's share */
		while ((x = guest_xisr(f, a->id)))
			vxics_h_eoi(&f->xics.core, &f->icp[a->id].core,
				    0xffu << 24 | x);
	}
	return NULL;
}

/*
 * Interrupts arrive on two CPUs while the writer maps and unmaps their
 * numbers (a number's slot goes to another number once freed) and flips
 * the VM's switch.  Every interrupt takes exactly one path, EOI'd once,
 * for its own number (a slot reused under a reader would EOI another's),
 * and reaches the guest: its source's trigger count is the total.
 */
/*
 * Enough interrupts under the map changes: RACE_MIN_TAKEN in all, and
 * every CPU has taken both paths (a loaded machine may starve one).
 */
#define RACE_MIN_TAKEN	1000
#define RACE_MAX_SECS	60	/* ... unless it takes longer than this */

static bool race_enough(struct race *r)
{
	long taken = 0;
	int i;

	for (i = 0; i < RACE_CPUS; i++) {
		if (!__atomic_load_n(&r->cpu[i].bypassed, __ATOMIC_RELAXED) ||
		    !__atomic_load_n(&r->cpu[i].host, __ATOMIC_RELAXED))
			return false;
		taken += __atomic_load_n(&r->cpu[i].taken, __ATOMIC_RELAXED);
	}
	return taken >= RACE_MIN_TAKEN;
}

static double race_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long race_run(struct kunit *test, long ops, bool grace, long *taken)
{
	struct bfx *f = test->priv;
	struct race r = { .f = f, .grace = grace };
	struct race_arg args[RACE_CPUS];
	pthread_t th[RACE_CPUS];
	bool mapped[RACE_DESCS] = { 0 };
	struct vxics_bypass *bp;
	long op, wrong = 0, triggers = 0;
	double end;
	u64 seed = 7;
	int i, n;

	for (i = 0; i < RACE_DESCS; i++)
		def_src(test, f, guest_of(i), i % RACE_CPUS, false);
	map(test, f, 0);
	mapped[0] = true;
	bp = f->xics.bypass;
	__atomic_store_n(&slow_hw, 1, __ATOMIC_RELAXED);
	for (i = 0; i < RACE_CPUS; i++) {
		args[i] = (struct race_arg){ &r, i };
		KUNIT_ASSERT_EQ(test, pthread_create(&th[i], NULL, race_cpu,
						     &args[i]), 0);
	}
	while (__atomic_load_n(&r.started, __ATOMIC_RELAXED) < RACE_CPUS)
		sched_yield();
	/* with the grace period: on until race_enough() too (bounded) */
	end = race_secs() + RACE_MAX_SECS;
	for (op = 0; op < ops || (grace && !race_enough(&r) &&
				  race_secs() < end); op++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		n = seed % (RACE_DESCS + 1);
		if (n == RACE_DESCS) {
			WRITE_ONCE(bp->off, !READ_ONCE(bp->off));
		} else if (mapped[n]) {
			vxics_map_del(&bp->map, hwirq_of(n));
			if (grace) {
				vxics_bypass_synchronize(&bp->map);
			} else {
				vxics_map_sync_begin();
				vxics_map_sync_end(&bp->map);
			}
			/*
			 * Unmapped, the host irq may be freed, its irq_desc
			 * with it: a reader still using it EOIs "number 0".
			 */
			__atomic_store_n(&f->desc[n].irq_data.hwirq, 0,
					 __ATOMIC_RELAXED);
		} else {
			__atomic_store_n(&f->desc[n].irq_data.hwirq,
					 hwirq_of(n), __ATOMIC_RELAXED);
			vxics_map_add(&bp->map, hwirq_of(n), guest_of(n),
				      100 + n, &f->link[n]);
		}
		if (n < RACE_DESCS)
			mapped[n] = !mapped[n];
		if (!grace && (__atomic_load_n(&r.cpu[0].wrong, __ATOMIC_RELAXED) ||
			       __atomic_load_n(&r.cpu[1].wrong, __ATOMIC_RELAXED)))
			break;
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	*taken = 0;
	for (i = 0; i < RACE_CPUS; i++) {
		pthread_join(th[i], NULL);
		wrong += r.cpu[i].wrong;
		*taken += r.cpu[i].taken;
		if (grace) {
			KUNIT_EXPECT_GT(test, r.cpu[i].bypassed, 0);
			KUNIT_EXPECT_GT(test, r.cpu[i].host, 0);
		}
	}
	for (i = 0; i < RACE_DESCS; i++)
		triggers += src_of(f, guest_of(i))->n_triggers;
	if (grace)
		KUNIT_EXPECT_EQ(test, triggers, *taken);
	kunit_info(test, "%s: %ld map ops, %ld interrupts, %ld not exactly once",
		   grace ? "grace period" : "control, no wait", op, *taken,
		   wrong);
	return wrong;
}

static long race_ops(void)
{
	const char *s = getenv("VXICS_BYPASS_RACE_OPS");

	return s ? strtol(s, NULL, 0) : 20000;
}

static void vxics_bypass_rm_one_path_under_map_changes_b1_b5(struct kunit *test)
{
	long taken;

	KUNIT_EXPECT_EQ(test, race_run(test, race_ops(), true, &taken), 0);
	KUNIT_EXPECT_GE(test, taken, RACE_MIN_TAKEN);
}

/*
 * The same without the grace period must go wrong: the check can fail.
 * A reader may then also find the freed slot's irq_desc pointer cleared
 * and crash, so the control runs in a child process: it ends with
 * status 3 when the check caught a reuse, or dies of the crash.
 */
static void vxics_bypass_rm_control_without_grace_fails(struct kunit *test)
{
#ifdef BYPASS_TSAN
	kunit_skip(test, "the control's race would stop ThreadSanitizer");
#else
	long taken;
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	KUNIT_ASSERT_GE(test, pid, 0);
	if (!pid) {
		st = race_run(test, 50 * race_ops(), false, &taken) ? 3 : 0;
		fflush(stdout);
		_exit(st);
	}
	KUNIT_ASSERT_EQ(test, waitpid(pid, &st, 0), pid);
	kunit_info(test, "control: %s",
		   WIFEXITED(st) && WEXITSTATUS(st) == 3 ?
		   "the check caught a slot reused under a reader" :
		   WIFEXITED(st) && !WEXITSTATUS(st) ? "nothing found" :
		   "a reader crashed on a freed slot (sanitizer report above)");
	KUNIT_EXPECT_TRUE(test, (WIFEXITED(st) && WEXITSTATUS(st) == 3) ||
			  WIFSIGNALED(st) ||
			  (WIFEXITED(st) && WEXITSTATUS(st) == 1));
#endif
}

struct publish {
	struct bfx *f;
	int go;
	long before, tries;
};

static void *publish_cpu(void *arg)
{
	struct publish *p = arg;
	struct took t;

	run_on(p->f, 0, 0);
	__atomic_store_n(&p->go, 1, __ATOMIC_RELAXED);
	do {
		t = take(NULL, hwirq_of(0));
		p->tries++;
		if (t.ret == 1)
			p->before++;
	} while (t.ret == 1 && p->tries < 100000000);
	return NULL;
}

/*
 * B1: the VM's first mapping is published (xics->bypass, release) while
 * an interrupt is being taken on a vCPU's CPU: the exit path's acquire
 * makes the zeroed structure and the map visible before it is used.
 * Under ThreadSanitizer a relaxed load there is reported as a race.
 */
static void vxics_bypass_rm_first_map_published_b1(struct kunit *test)
{
	struct bfx *f = test->priv;
	struct publish p = { .f = f };
	struct vxics_bypass *bp;
	pthread_t th;

	def_src(test, f, guest_of(0), 0, false);
	KUNIT_ASSERT_EQ(test, pthread_create(&th, NULL, publish_cpu, &p), 0);
	while (!__atomic_load_n(&p.go, __ATOMIC_RELAXED))
		sched_yield();
	bp = kzalloc(sizeof(*bp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bp);
	KUNIT_ASSERT_GE(test, vxics_map_add(&bp->map, hwirq_of(0), guest_of(0),
					    100, &f->link[0]), 0);
	/* as bypass.c's bypass_of() */
	smp_store_release(&f->xics.bypass, bp);
	pthread_join(th, NULL);
	KUNIT_EXPECT_EQ(test, p.tries - p.before, 1);
	KUNIT_EXPECT_EQ(test, f->icp[0].n_fallback[VXICS_FB_UNMAPPED], p.before);
}

static struct kunit_case vxics_bypass_rm_cases[] = {
	KUNIT_CASE(vxics_bypass_rm_needs_vcpu_and_xics_b6),
	KUNIT_CASE(vxics_bypass_rm_switched_off_b8),
	KUNIT_CASE(vxics_bypass_rm_unmapped_b6),
	KUNIT_CASE(vxics_bypass_rm_not_msi_b6),
	KUNIT_CASE(vxics_bypass_rm_delivers_here_b4_b5),
	KUNIT_CASE(vxics_bypass_rm_opal_eoi_b5),
	KUNIT_CASE(vxics_bypass_rm_masked_kept_b4),
	KUNIT_CASE(vxics_bypass_rm_other_vcpu_b4_b7),
	KUNIT_CASE(vxics_bypass_rm_kick_deferred_b4),
	KUNIT_CASE(vxics_bypass_rm_vmalloc_percpu_b9),
	KUNIT_CASE(vxics_bypass_rm_first_map_published_b1),
	KUNIT_CASE_SLOW(vxics_bypass_rm_one_path_under_map_changes_b1_b5),
	KUNIT_CASE_SLOW(vxics_bypass_rm_control_without_grace_fails),
	{}
};

static struct kunit_suite vxics_bypass_rm_suite = {
	.name = "vxics_bypass_rm",
	.init = bypass_init,
	.exit = bypass_exit,
	.test_cases = vxics_bypass_rm_cases,
};

kunit_test_suites(&vxics_bypass_rm_suite);
