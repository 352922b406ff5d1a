// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxics passthrough bypass, real-mode half (B4-B6): a host interrupt that
 * arrives while this CPU runs a vCPU, found in that VM's map, goes
 * straight into the guest's ICS/ICP and is EOI'd on the host, and KVM
 * re-enters the guest.  Anything else is left to the host's ordinary
 * path (host handler, VFIO eventfd, irqfd), counted by reason.
 *
 *   host ICP --XIRR--> kvmppc_read_one_intr() --> vxics_rm_host_irq()
 *        map lookup + source check --> PHB3 MSI EOI + host ICP EOI
 *        --> trigger (trigger.h: the hcalls' core, inline)
 *        --> back into the guest
 *
 * Built into the kernel image with the core: KVM-HV's exit path (also in
 * the image) calls it with the MMU off.  Why each access is safe there:
 * the vcpu, kvm, our kvmppc_xics/kvmppc_icp and struct vxics_bypass with
 * its map pages and mappings' links are kzalloc'd, and so is the readers'
 * array (linear map); so is the irq_desc (genirq kzallocs it).
 * Per-CPU data is not: with percpu_alloc=page even the first chunk is
 * vmalloc'd, and dynamic chunks always are, so the two per-CPU counters
 * this file bumps are reached through their physical address: kstat's,
 * resolved once per CPU at boot, and the irq's, when vmalloc'd.  OPAL is called
 * in its real-mode form.  Nothing here is traced or instrumented (see the
 * Makefile), prints or sleeps; the ICS lock is our own spinning lock.
 *
 * Exactly one path per interrupt: this function either EOIs the host
 * interrupt itself and clears the saved XIRR (the host never sees it), or
 * touches neither and the host's handler takes and EOIs it.  A mapping
 * being removed is waited out by vxics_bypass_synchronize() before what
 * it refers to (the irq_desc) can go.
 *
 * Credit: the exit-path hook point, its return codes and the PHB3 MSI EOI
 * through OPAL follow upstream KVM's passthrough in book3s_hv_rm_xics.c
 * and book3s_hv_builtin.c; the map, the grace period and the code are
 * our own.
 */
/* every ICS lock taken here is taken in real mode: see internal.h */
#define VXICS_IRQS_OFF
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/jump_label.h>
#include <linux/kernel_stat.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <asm/cputhreads.h>
#include <asm/kvm_book3s_asm.h>
#include <asm/kvm_vxics.h>
#include <asm/opal.h>
#include <asm/pnv-pci.h>
#include "glue.h"

/*
 * The core's raise, in the trigger below (trigger.h).  The usual case, an
 * interrupt for the vCPU running on this CPU, is done inline and without
 * touching LPCR: the exit path that called us goes back into that guest
 * (or out to the host and back) through KVM-HV's guest entry, which acts
 * on the pending bit.  Any other vCPU through the VM's ops, as the hcalls
 * do.  The VM is KVM's: its ops are vxics_kvm_ops (glue_rm.c), whose
 * raise sets the same bit.
 */
static __always_inline void rm_raise(struct vxics *vx, struct vxics_icp *icp)
{
	struct kvm_vcpu *vcpu = vxics_to_icp(icp)->vcpu;

	if (likely(vcpu == local_paca->kvm_hstate.kvm_vcpu))
		vxics_rm_raise_here(vcpu);
	else
		vx->ops->raise(vx, icp);
}

#define vxics_core_raise rm_raise
#include "trigger.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "vxics."

/*
 * B8: the global switch; off, every interrupt takes the host path.  Real
 * mode tests it as a static key (with CONFIG_JUMP_LABEL, as distribution
 * kernels have it, a patched instruction; without, one load), which is
 * on only while the switch is and the readers (below) exist: so it also
 * says whether a lookup may start.  Switched under the parameter lock.
 */
bool vxics_bypass_on = true;
EXPORT_SYMBOL_NS_GPL(vxics_bypass_on, KVM_VXICS);
static DEFINE_STATIC_KEY_FALSE(vxics_bypass_key);

/*
 * Per host CPU, indexed by the CPU number the paca holds: the map's
 * reader (map.h) and the real-mode address of the CPU's kstat.irqs_sum.
 * A cache line each, so CPUs do not share one.
 */
struct vxics_rm_reader {
	struct vxics_map_reader r;
	unsigned long *irqs_sum;
} ____cacheline_aligned_in_smp;

static struct vxics_rm_reader *vxics_rm_readers;

static void bypass_key_update(void)
{
	if (READ_ONCE(vxics_bypass_on) && vxics_rm_readers)
		static_branch_enable(&vxics_bypass_key);
	else
		static_branch_disable(&vxics_bypass_key);
}

/**
 * vxics_bypass_set_global() - switch the bypass for every VM (B8)
 * @on: the new state
 *
 * What writing the vxics.bypass parameter does.  Takes effect for the
 * next interrupt; one the bypass does not take goes the host path whole,
 * so switching under load loses nothing.  May sleep.
 */
void vxics_bypass_set_global(bool on)
{
	kernel_param_lock(THIS_MODULE);
	WRITE_ONCE(vxics_bypass_on, on);
	bypass_key_update();
	kernel_param_unlock(THIS_MODULE);
}
EXPORT_SYMBOL_NS_GPL(vxics_bypass_set_global, KVM_VXICS);

/* Called with the parameter lock held */
static int bypass_param_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	WRITE_ONCE(vxics_bypass_on, on);
	/* on the command line: before the initcall below, which does it */
	if (vxics_rm_readers)
		bypass_key_update();
	return 0;
}

static const struct kernel_param_ops bypass_param_ops = {
	.set = bypass_param_set,
	.get = param_get_bool,
};
module_param_cb(bypass, &bypass_param_ops, &vxics_bypass_on, 0644);
__MODULE_PARM_TYPE(bypass, "bool");
MODULE_PARM_DESC(bypass, "deliver VFIO MSIs into KVM guests in real mode");

/* A per-CPU object's address real mode can use: see the top of the file */
static void *rm_addr(void *p)
{
	return is_vmalloc_addr(p) ? (void *)vmalloc_to_phys(p) : p;
}

static int __init vxics_bypass_rm_init(void)
{
	struct vxics_rm_reader *r;
	unsigned int cpu;

	/* without it no lookup starts: every interrupt takes the host path */
	r = kcalloc(nr_cpu_ids, sizeof(*r), GFP_KERNEL);
	if (!r)
		return 0;
	for_each_possible_cpu(cpu)
		r[cpu].irqs_sum = rm_addr(per_cpu_ptr(&kstat.irqs_sum, cpu));
	kernel_param_lock(THIS_MODULE);
	vxics_rm_readers = r;
	bypass_key_update();
	kernel_param_unlock(THIS_MODULE);
	return 0;
}
subsys_initcall(vxics_bypass_rm_init);

/**
 * vxics_bypass_link_init() - a new mapping's link to its host irq
 * @link: zeroed
 * @desc: the host irq's descriptor
 *
 * Also finds out, once, whether the irq's per-CPU counters are vmalloc'd
 * (percpu_alloc=page, or a dynamic per-CPU chunk): every CPU's copy of
 * one per-CPU allocation is in the same chunk, so one CPU's answer holds
 * for all, and the real-mode path tests a flag instead of the bounds.
 */
void vxics_bypass_link_init(struct vxics_bypass_link *link,
			    struct irq_desc *desc)
{
	link->desc = desc;
	link->kstat_vmalloced =
		is_vmalloc_addr(per_cpu_ptr(desc->kstat_irqs,
					    raw_smp_processor_id()));
	link->last_cpu = -1;
}
EXPORT_SYMBOL_NS_GPL(vxics_bypass_link_init, KVM_VXICS);

/*
 * /proc/interrupts stays true: a bypassed interrupt counts on its host
 * irq, on the CPU that took it, as the host handler would have counted
 * it (the total too).
 */
static void rm_count_host_irq(struct vxics_rm_reader *me,
			      struct vxics_bypass_link *link, unsigned int cpu)
{
	struct irq_desc *desc = link->desc;
	unsigned int *count = per_cpu_ptr(desc->kstat_irqs, cpu);

	if (unlikely(link->kstat_vmalloced))
		count = (void *)vmalloc_to_phys(count);
	(*count)++;
	(*me->irqs_sum)++;
	desc->tot_count++;	/* as kstat_incr_irqs_this_cpu(): /proc/stat */
}

/*
 * EOI a host MSI the bypass delivered: first the PHB3 (it holds further
 * MSIs of this vector until told), then this CPU's ICP, which restores
 * the CPPR the XIRR read raised.  @again: OPAL says another interrupt
 * waits.
 */
static void rm_host_eoi(struct irq_desc *desc, __be32 xirr, bool *again)
{
	void __iomem *icp = local_paca->kvm_hstate.xics_phys;

	pnv_opal_pci_msi_eoi(irq_desc_get_irq_data(desc));
	iosync();	/* the PHB's EOI before the ICP's */
	if (icp)	/* written back as read: raw, big-endian */
		__raw_rm_writel((__force u32)xirr, icp + XICS_XIRR);
	else
		*again = opal_int_eoi(be32_to_cpu(xirr)) > 0;
}

/*
 * Whether @vcpu runs on this CPU's core: then this CPU is already the
 * best host target (the core's other threads take no host interrupts)
 * and asking for a move would only cost an exit.  The vCPU structures
 * are kzalloc'd; threads_shift is in the image.
 */
static bool rm_same_core(struct kvm_vcpu *vcpu)
{
	int cpu = READ_ONCE(vcpu->arch.thread_cpu);

	return cpu >= 0 && cpu_first_thread_sibling(cpu) ==
			   cpu_first_thread_sibling(raw_smp_processor_id());
}

/**
 * vxics_rm_host_irq() - a host interrupt came in while a guest ran (B4-B6)
 * @xisr: its host hardware number, not the IPI
 * @xirr: the host XIRR as read from the ICP (big-endian)
 * @again: set if the host ICP has another interrupt waiting
 *
 * Real mode, from kvmppc_read_one_intr(), with the XIRR also saved in
 * local_paca->kvm_hstate.saved_xirr for the host.
 *
 * Return: as kvmppc_read_intr(): 1, the host handles it (saved_xirr kept);
 * -2, delivered and EOI'd, re-enter the guest; 2, delivered and EOI'd,
 * but a kick of another vCPU is left to virtual mode.
 */
long vxics_rm_host_irq(u32 xisr, __be32 xirr, bool *again)
{
	struct kvm_vcpu *vcpu = local_paca->kvm_hstate.kvm_vcpu;
	unsigned int cpu = raw_smp_processor_id();
	struct vxics_rm_reader *me;
	struct vxics_map_reader *r;
	struct vxics_bypass_link *link;
	struct vxics_map_slot *s;
	struct irq_desc *desc;
	struct kvmppc_xics *xics;
	struct vxics_bypass *bp;
	struct kvmppc_icp *icp;
	struct vxics_source *src;
	struct vxics_ics *ics;
	u32 server, guest;
	u64 e;

	/*
	 * The vCPU runs on this CPU, so its VM's XICS is alive: release
	 * takes every vCPU's mutex before it tears anything down.
	 */
	if (!vcpu || !vcpu->arch.icp)
		return 1;
	icp = vcpu->arch.icp;
	xics = READ_ONCE(vcpu->kvm->arch.xics);
	if (!xics)
		return 1;
	/* published with a release in bypass.c; read through the pointer */
	bp = vxics_load_dep(xics->bypass);
	if (!static_branch_likely(&vxics_bypass_key) ||
	    (bp && READ_ONCE(bp->off))) {
		icp->n_fallback[VXICS_FB_OFF]++;
		return 1;
	}
	if (!bp) {
		icp->n_fallback[VXICS_FB_UNMAPPED]++;
		return 1;
	}

	me = &vxics_rm_readers[cpu];
	r = &me->r;
	vxics_map_read_begin(r);
	e = vxics_map_find(&bp->map, xisr);
	if (!e) {
		vxics_map_read_end(r);
		icp->n_fallback[VXICS_FB_UNMAPPED]++;
		return 1;
	}
	guest = vxics_map_guest(e);
	src = source_find(&xics->core, guest, &ics);
	if (!src || (READ_ONCE(src->flags) & VXICS_SRC_LSI)) {
		/* not defined (yet, or any more), or not an MSI: irqfd's job */
		vxics_map_read_end(r);
		icp->n_fallback[VXICS_FB_SOURCE]++;
		return 1;
	}
	s = vxics_map_slot(&bp->map, e);
	link = s->host_data;
	desc = link->desc;
	WRITE_ONCE(link->last_cpu, cpu);
	atomic64_inc(&s->n_bypassed);
	rm_count_host_irq(me, link, cpu);
	rm_host_eoi(desc, xirr, again);
	/* the slot and its irq_desc are not touched after this */
	vxics_map_read_end(r);

	/*
	 * The trigger comes last, so that fewer values live across the
	 * calls above.  The host may send the vector's next MSI to another
	 * CPU once EOI'd: that one finds the P/Q state under the same ICS
	 * lock, as two triggers through the irqfd would.  A source, once
	 * defined, stays defined; one redefined as an LSI since the check
	 * above ignores the trigger (VXICS_LEVEL_MSI, under the lock): an
	 * MSI is not for it.  The source's state lives as long as the VM,
	 * so this may come after the mapping went (see vxics_bypass_unmap()).
	 */
	server = READ_ONCE(src->server);
	set_level_src(&xics->core, guest, src, ics, VXICS_LEVEL_MSI);
	local_paca->kvm_hstate.saved_xirr = 0;
	icp->n_bypassed++;
	if (server == icp->core.server) {
		vxics_stat_inc(&vcpu->stat.pthru_all);
	} else {
		/*
		 * For another vCPU: the host interrupt's affinity is not
		 * where that vCPU runs; ask virtual mode to move it there
		 * (B7).  Its ICP and vCPU are kzalloc'd.
		 */
		struct vxics_icp *t = vxics_icp_find(&xics->core, server);
		struct kvm_vcpu *tv = t ? vxics_to_icp(t)->vcpu : vcpu;

		icp->n_bypass_elsewhere++;
		vxics_stat_inc(&tv->stat.pthru_all);
		if (!rm_same_core(tv)) {
			vxics_stat_inc(&tv->stat.pthru_bad_aff);
			icp->rm_steer_irq = guest;
			icp->rm_work |= VXICS_RM_STEER;
		}
	}
	if (!icp->rm_work)
		return -2;
	icp->n_bypass_deferred++;
	return 2;
}

/**
 * vxics_bypass_synchronize() - the grace period of removed mappings
 * @m: a VM's map, after vxics_map_del()
 *
 * Every host CPU is a reader (a vCPU of the VM may run on any), so wait
 * for each that is inside a lookup, then free the removed slots.  Callers
 * hold the bypass mutex (bypass.c).
 */
void vxics_bypass_synchronize(struct vxics_map *m)
{
	unsigned int cpu;

	vxics_map_sync_begin();
	for_each_possible_cpu(cpu)
		if (vxics_rm_readers)	/* else no lookup ever starts */
			vxics_map_sync_wait(&vxics_rm_readers[cpu].r);
	vxics_map_sync_end(m);
}
EXPORT_SYMBOL_NS_GPL(vxics_bypass_synchronize, KVM_VXICS);
