// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxics passthrough bypass, virtual-mode half (B1-B3): where mappings come
 * from and go.  The irq bypass manager tells KVM that a VFIO MSI (the
 * producer) and a KVM irqfd (the consumer) share an eventfd, i.e. that
 * host interrupt prod->irq is the guest source the irqfd injects; that
 * pairing becomes an entry in the VM's map, which the real-mode exit path
 * (bypass_rm.c) looks up.  vxics_bypass_map()/_unmap() are the one way in
 * (an explicit VFIO interface will call them too).
 *
 * Steering (B7): a host interrupt follows the vCPU its guest source
 * targets.  At map time, when one arrives on a CPU running another vCPU
 * of the VM (real mode asks, virtual mode moves it) and when one takes
 * the host path (irqfd injection), it is moved through genirq to the
 * CPU that runs that vCPU's core (on POWER8 the virtual core's primary
 * thread: the others are offline to the host), so
 * /proc/irq/N/smp_affinity stays true.  Those last two happen where no mutex may be taken (the host
 * handler's irqfd wakeup runs the injection in hard interrupt context):
 * the host irq is looked up by guest source in an xarray under RCU, and
 * unmapping waits for RCU readers, so nothing is steered that is no
 * longer mapped (or freed).
 *
 * Locking: one mutex, vxics_bypass_mutex, serializes every map writer
 * and the teardown; it nests inside the irq bypass manager's lock,
 * kvm->lock and vcpu->mutex, and takes under itself only spinning locks
 * (the xarray's, the irq descriptor's) and waits (grace periods), so no cycle
 * with VFIO's release path can form (upstream's pairing takes kvm->lock
 * under the manager's lock).  A pairing that cannot be mapped is still
 * accepted: its interrupts keep the irqfd path, and nothing failed that
 * KVM or VFIO would have to report.
 */
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/irqdomain.h>
#include <linux/kvm_host.h>
#include <linux/kvm_irqfd.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/xarray.h>
#include <asm/cputhreads.h>
#include <asm/kvm_ppc.h>
#include <asm/kvm_vxics.h>
#include <asm/pnv-pci.h>
#include "glue.h"

#define CREATE_TRACE_POINTS
#include <trace/events/vxics.h>

static DEFINE_MUTEX(vxics_bypass_mutex);
/* every mapped host irq -> the VM it is mapped in; under the mutex */
static DEFINE_XARRAY(vxics_host_irqs);

/* The VM's bypass state, created on demand; under vxics_bypass_mutex. */
static struct vxics_bypass *bypass_of(struct kvm *kvm, bool create)
{
	/*
	 * Set once by the first XICS create, freed only with the VM; the
	 * acquire pairs with the release publishing it zeroed.
	 */
	struct kvmppc_xics *xics = smp_load_acquire(&kvm->arch.xics_device);
	struct vxics_bypass *bp;

	if (!xics)
		return NULL;
	if (xics->bypass || !create)
		return xics->bypass;
	bp = kzalloc(sizeof(*bp), GFP_KERNEL);
	if (!bp)
		return NULL;
	xa_init(&bp->by_guest);
	/* read through the pointer (vxics_load_dep()) in vxics_rm_host_irq() */
	smp_store_release(&xics->bypass, bp);
	return bp;
}

/* The host hardware number (XISR) of Linux irq @host_irq, or 0. */
static u32 host_hwirq(unsigned int host_irq)
{
	struct irq_data *d;

	d = irq_domain_get_irq_data(irq_get_default_host(), host_irq);
	return d ? irqd_to_hwirq(d) : 0;
}

/*
 * Move @host_irq to @cpu through genirq (so /proc/irq/N/smp_affinity
 * shows it) unless it is there already.  With @host_irq mapped: under
 * vxics_bypass_mutex, or found in by_guest under RCU; VFIO frees it only
 * after unmapping it, which waits for both.
 */
static void steer_locked(struct vxics_bypass *bp, unsigned int host_irq,
			 int cpu)
{
	const struct cpumask *now = irq_get_affinity_mask(host_irq);

	if (!now || (cpumask_weight(now) == 1 && cpumask_test_cpu(cpu, now)))
		return;
	if (!irq_set_affinity(host_irq, cpumask_of(cpu)))
		atomic64_inc(&bp->n_steers);
}

/*
 * The vCPU guest source @irq targets, or NULL; @masked: set if the source
 * is masked.  @xics alive: an RCU reader of kvm->arch.xics, or a vCPU in
 * KVM_RUN.
 */
static struct kvm_vcpu *target_vcpu(struct kvmppc_xics *xics, u32 irq,
				    bool *masked)
{
	struct vxics_icp *icp;
	u32 server, prio;

	if (!xics || vxics_get_xive(&xics->core, irq, &server, &prio))
		return NULL;
	*masked = prio == 0xff;
	icp = vxics_icp_find(&xics->core, server);
	return icp ? vxics_to_icp(icp)->vcpu : NULL;
}

/*
 * The first thread of the core where @vcpu runs or last ran (on POWER8
 * the other threads are offline to the host and take no host interrupt),
 * or -1 if it never ran.  thread_cpu holds the CPU only while the vCPU is
 * in the guest (the exit path stores -1), and an interrupt taking the
 * host path mostly finds it out; its virtual core's pcpu keeps the CPU it
 * last ran or was preempted on, and run_task says it ran at all.
 */
static int vcpu_core(struct kvm_vcpu *vcpu)
{
	int cpu = READ_ONCE(vcpu->arch.thread_cpu);

	if (cpu < 0 && READ_ONCE(vcpu->arch.run_task))
		cpu = READ_ONCE(vcpu->arch.vcore->pcpu);
	if (cpu < 0 || cpu >= nr_cpu_ids)
		return -1;
	cpu = cpu_first_thread_sibling(cpu);
	return cpu_online(cpu) ? cpu : -1;
}

/*
 * The host CPU to steer guest source @irq's host interrupt to: its
 * vCPU's core, or -1 if that vCPU never ran or the source is masked.
 */
static int target_cpu(struct kvmppc_xics *xics, u32 irq)
{
	bool masked = false;
	struct kvm_vcpu *vcpu = target_vcpu(xics, irq, &masked);

	return vcpu && !masked ? vcpu_core(vcpu) : -1;
}

/**
 * vxics_bypass_follow() - let guest source @irq's host irq follow its vCPU
 * @xics: the VM's XICS, alive (an RCU reader, or a vCPU in KVM_RUN)
 * @irq: a guest source, mapped or not
 *
 * Any context, even the host handler's hard interrupt (the irqfd's
 * wakeup).  If @irq is mapped and its vCPU has run somewhere else, moves
 * the host interrupt there now (B7).  No mutex: the host irq is found
 * under RCU, and unmapping waits for RCU readers before VFIO may free
 * the irq; genirq takes only the irq descriptor's raw spinlock, which
 * the flow handler does not hold while it runs the action.
 */
void vxics_bypass_follow(struct kvmppc_xics *xics, u32 irq)
{
	/* pairs with the release publishing it in bypass_of() */
	struct vxics_bypass *bp = xics ? smp_load_acquire(&xics->bypass) : NULL;
	struct vxics_bypass_link *link;
	int cpu;

	if (!bp || READ_ONCE(bp->off) || !READ_ONCE(vxics_bypass_on))
		return;
	rcu_read_lock();
	link = xa_load(&bp->by_guest, irq);
	cpu = link ? target_cpu(xics, irq) : -1;
	if (cpu >= 0)
		steer_locked(bp, link->host_irq, cpu);
	rcu_read_unlock();
}

/*
 * Why a mapped interrupt for @vcpu (NULL: its server has none) came by
 * the host path on @cpu, whose core is @core's or not: the first reason
 * that applies, in the order of enum vxics_host_reason.
 */
static enum vxics_host_reason host_reason(struct kvmppc_xics *xics,
					  struct vxics_bypass *bp,
					  struct kvm_vcpu *vcpu, bool masked,
					  int core, int cpu)
{
	/* the vCPU task this CPU ran when it took the interrupt, if any */
	struct kvm_vcpu *here = kvm_get_running_vcpu();

	if (!READ_ONCE(vxics_bypass_on) || READ_ONCE(bp->off))
		return VXICS_HP_OFF;
	if (masked)
		return VXICS_HP_MASKED;
	if (here && here->kvm != xics->kvm)
		return VXICS_HP_OTHER_VM;
	if (vcpu && core >= 0 && core != cpu_first_thread_sibling(cpu))
		return VXICS_HP_WRONG_CORE;
	return VXICS_HP_NOT_RUNNING;
}

/**
 * vxics_bypass_host_path() - a mapped MSI reached the guest by irqfd (B6)
 * @xics: the VM's XICS, under rcu_read_lock()
 * @irq: the guest source just triggered
 *
 * Any context.  If @irq is mapped, counts it (it came while no vCPU of the
 * VM ran on the CPU it arrived on, or with the bypass off) in the VM's
 * debugfs, by reason, and in its vCPU's KVM statistics, and lets its host
 * interrupt follow its vCPU.  The injection runs in the handler of the
 * host interrupt (kvm_arch_set_irq_inatomic()), so this CPU is where it
 * arrived.
 */
void vxics_bypass_host_path(struct kvmppc_xics *xics, u32 irq)
{
	/* pairs with the release publishing it in bypass_of() */
	struct vxics_bypass *bp = smp_load_acquire(&xics->bypass);
	int core = -1, cpu = raw_smp_processor_id();
	struct vxics_bypass_link *link;
	enum vxics_host_reason why;
	struct kvm_vcpu *vcpu;
	bool masked = false;

	/* the caller's RCU read side keeps the link */
	link = bp ? xa_load(&bp->by_guest, irq) : NULL;
	if (!link)
		return;
	atomic64_inc(&bp->n_host_path);
	vcpu = target_vcpu(xics, irq, &masked);
	if (vcpu) {
		vxics_stat_inc(&vcpu->stat.pthru_all);
		vxics_stat_inc(&vcpu->stat.pthru_host);
		core = vcpu_core(vcpu);
		if (core >= 0 && core != cpu_first_thread_sibling(cpu))
			vxics_stat_inc(&vcpu->stat.pthru_bad_aff);
	}
	why = host_reason(xics, bp, vcpu, masked, core, cpu);
	atomic64_inc(&bp->n_host_reason[why]);
	atomic64_inc(&link->n_host[why]);
	WRITE_ONCE(link->last_cpu, cpu);
	trace_vxics_host_path(irq, link->host_irq, cpu, core, why);
	/* B7, as vxics_bypass_follow() with what is known already */
	if (vcpu && core >= 0 && why != VXICS_HP_OFF && why != VXICS_HP_MASKED)
		steer_locked(bp, link->host_irq, core);
}

/**
 * vxics_bypass_map() - let host interrupt @host_irq bypass to a guest source
 * @kvm: the VM
 * @host_irq: the host's Linux irq of a passed-through device's MSI
 * @guest_irq: the guest source its irqfd (or the VMM) names
 * @owner: who asks: VXICS_BY_PAIRING or VXICS_BY_VFIO
 *
 * Only PHB3 MSIs (the ones OPAL can EOI from real mode) are mapped.  If
 * @host_irq is mapped to @guest_irq already, by the other owner, @owner
 * holds it too: the pairing and the VFIO interface share one mapping.
 *
 * Return: 0; -EINVAL for an irq with no host hardware number or a guest
 * number out of range, -EOPNOTSUPP for an interrupt the bypass cannot
 * EOI, -ENODEV without an XICS device, -EBUSY if @owner holds it already,
 * or the host interrupt is mapped in another VM, or it or the guest source
 * is mapped otherwise in this VM, -ENOSPC, -ENOMEM.  Nothing changes on
 * error.
 */
int vxics_bypass_map(struct kvm *kvm, unsigned int host_irq, u32 guest_irq,
		     unsigned int owner)
{
	struct irq_desc *desc = irq_to_desc(host_irq);
	struct vxics_bypass_link *link;
	struct vxics_bypass *bp;
	int ret, cpu;
	u32 hwirq;

	if (!desc)
		return -EINVAL;
	if (!is_pnv_opal_msi(irq_desc_get_chip(desc)))
		return -EOPNOTSUPP;
	hwirq = host_hwirq(host_irq);
	if (!hwirq)
		return -EINVAL;
	mutex_lock(&vxics_bypass_mutex);
	bp = bypass_of(kvm, true);
	if (!bp) {
		ret = kvm->arch.xics_device ? -ENOMEM : -ENODEV;
		goto out;
	}
	/* a host interrupt goes to one VM */
	if (xa_load(&vxics_host_irqs, host_irq) &&
	    xa_load(&vxics_host_irqs, host_irq) != kvm) {
		ret = -EBUSY;
		goto out;
	}
	link = xa_load(&bp->by_guest, guest_irq);
	if (link) {
		/* the other owner's mapping of the same pair: share it */
		ret = link->host_irq == host_irq && !(link->owners & owner) ?
		      0 : -EBUSY;
		if (!ret)
			link->owners |= owner;
		goto out;
	}
	link = kzalloc(sizeof(*link), GFP_KERNEL);
	if (!link) {
		ret = -ENOMEM;
		goto out;
	}
	vxics_bypass_link_init(link, desc);
	link->host_irq = host_irq;
	link->hwirq = hwirq;
	link->guest_irq = guest_irq;
	link->owners = owner;
	ret = vxics_map_add(&bp->map, hwirq, guest_irq, host_irq, link);
	if (ret < 0) {
		kfree(link);
		goto out;
	}
	/* one host interrupt per guest source (checked above, under the mutex) */
	ret = xa_insert(&bp->by_guest, guest_irq, link, GFP_KERNEL);
	if (!ret) {
		ret = xa_err(xa_store(&vxics_host_irqs, host_irq, kvm,
				      GFP_KERNEL));
		if (ret)
			xa_erase(&bp->by_guest, guest_irq);
	}
	if (ret) {
		vxics_map_del(&bp->map, hwirq);
		vxics_bypass_synchronize(&bp->map);
		kfree(link);
		goto out;
	}
	/* B7: start where the source's vCPU runs, if the guest set one */
	rcu_read_lock();
	cpu = target_cpu(rcu_dereference_raw(kvm->arch.xics), guest_irq);
	rcu_read_unlock();
	if (cpu >= 0)
		steer_locked(bp, host_irq, cpu);
out:
	mutex_unlock(&vxics_bypass_mutex);
	return ret < 0 ? ret : 0;
}
EXPORT_SYMBOL_GPL(vxics_bypass_map);

/* The link of mapped host irq @host_irq, or NULL; under the mutex. */
static struct vxics_bypass_link *link_of(struct vxics_bypass *bp,
					 unsigned int host_irq)
{
	u32 hwirq = host_hwirq(host_irq);
	u64 e = bp && hwirq ? vxics_map_find(&bp->map, hwirq) : 0;

	return e ? xa_load(&bp->by_guest, vxics_map_guest(e)) : NULL;
}

/**
 * vxics_bypass_unmap() - @owner lets go of host interrupt @host_irq
 * @kvm: the VM
 * @host_irq: the host's Linux irq
 * @owner: VXICS_BY_PAIRING or VXICS_BY_VFIO
 *
 * The mapping goes when its last owner lets go: from then on the
 * interrupt takes the host path, and when this returns no CPU uses the
 * mapping, its link or the host irq any more (B3), so VFIO may free the
 * irq.  An interrupt the bypass already took (EOI'd on the host) may
 * still be triggering its guest source, whose state lives with the VM;
 * one already triggered stays pending in the guest's XICS.
 *
 * Return: 0, or -ENOENT if @owner does not hold @host_irq in @kvm.
 */
int vxics_bypass_unmap(struct kvm *kvm, unsigned int host_irq,
		       unsigned int owner)
{
	struct vxics_bypass_link *link;
	struct vxics_bypass *bp;
	int ret = -ENOENT;

	mutex_lock(&vxics_bypass_mutex);
	bp = bypass_of(kvm, false);
	link = link_of(bp, host_irq);
	if (link && (link->owners & owner)) {
		ret = 0;
		link->owners &= ~owner;
		if (!link->owners) {
			xa_erase(&vxics_host_irqs, host_irq);
			xa_erase(&bp->by_guest, link->guest_irq);
			vxics_map_del(&bp->map, link->hwirq);
			vxics_bypass_synchronize(&bp->map);
			/* vxics_bypass_follow() or _host_path() found it */
			synchronize_rcu();
			kfree(link);
		}
	}
	mutex_unlock(&vxics_bypass_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(vxics_bypass_unmap);

/**
 * vxics_bypass_query() - what one mapping has done
 * @kvm: the VM, or NULL: the one @host_irq is mapped in, if any
 * @host_irq: the host's Linux irq
 * @info: filled in
 *
 * Return: 0, or -ENOENT if @host_irq is not mapped (in @kvm).
 */
int vxics_bypass_query(struct kvm *kvm, unsigned int host_irq,
		       struct vxics_bypass_info *info)
{
	struct vxics_bypass_link *link;
	struct vxics_bypass *bp;
	struct vxics_map_slot *s;
	int i;

	BUILD_BUG_ON(VXICS_BYPASS_NR_REASONS != VXICS_HP_NR);
	memset(info, 0, sizeof(*info));
	mutex_lock(&vxics_bypass_mutex);
	if (!kvm)
		kvm = xa_load(&vxics_host_irqs, host_irq);
	bp = kvm ? bypass_of(kvm, false) : NULL;
	link = link_of(bp, host_irq);
	if (link) {
		u64 e = vxics_map_find(&bp->map, link->hwirq);

		s = vxics_map_slot(&bp->map, e);
		info->hwirq = link->hwirq;
		info->guest_irq = link->guest_irq;
		info->owners = link->owners;
		info->last_cpu = READ_ONCE(link->last_cpu);
		info->bypassed = atomic64_read(&s->n_bypassed);
		for (i = 0; i < VXICS_HP_NR; i++)
			info->host_path[i] = atomic64_read(&link->n_host[i]);
	}
	mutex_unlock(&vxics_bypass_mutex);
	return link ? 0 : -ENOENT;
}
EXPORT_SYMBOL_GPL(vxics_bypass_query);

/**
 * vxics_bypass_get_vm() - the VM of a KVM VM file, for VFIO's binding
 * @vm_file: what the VMM passed as a VM fd
 *
 * Return: the VM, with a reference the caller drops with
 * vxics_bypass_put_vm(); ERR_PTR(-EBADF) if @vm_file is not a KVM VM,
 * ERR_PTR(-EPERM) if the VM belongs to another process's mm and the
 * caller lacks CAP_SYS_ADMIN.
 */
struct kvm *vxics_bypass_get_vm(struct file *vm_file)
{
	struct kvm *kvm;

	if (!file_is_kvm(vm_file))
		return ERR_PTR(-EBADF);
	kvm = vm_file->private_data;
	/* the VMM's own VM; an administrator's tool may borrow its fds */
	if (kvm->mm != current->mm && !capable(CAP_SYS_ADMIN))
		return ERR_PTR(-EPERM);
	kvm_get_kvm(kvm);
	return kvm;
}
EXPORT_SYMBOL_GPL(vxics_bypass_get_vm);

/**
 * vxics_bypass_put_vm() - drop vxics_bypass_get_vm()'s reference
 * @kvm: the VM
 */
void vxics_bypass_put_vm(struct kvm *kvm)
{
	kvm_put_kvm(kvm);
}
EXPORT_SYMBOL_GPL(vxics_bypass_put_vm);

/* The guest source an irqfd injects: its routing entry's pin, or its gsi. */
static u32 irqfd_guest_irq(struct kvm_kernel_irqfd *irqfd)
{
	struct kvm_kernel_irq_routing_entry e;
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&irqfd->irq_entry_sc);
		e = irqfd->irq_entry;
	} while (read_seqcount_retry(&irqfd->irq_entry_sc, seq));
	return e.type == KVM_IRQ_ROUTING_IRQCHIP ? e.irqchip.pin : irqfd->gsi;
}

/**
 * vxics_irq_bypass_add_producer() - a VFIO MSI and a KVM irqfd met
 * @cons: the irqfd's consumer
 * @prod: VFIO's producer for one MSI/MSI-X vector
 *
 * Called by the irq bypass manager under its mutex, in process context.
 *
 * Return: 0: the pairing is accepted, mapped for the bypass if it can be.
 */
int vxics_irq_bypass_add_producer(struct irq_bypass_consumer *cons,
				  struct irq_bypass_producer *prod)
{
	struct kvm_kernel_irqfd *irqfd =
		container_of(cons, struct kvm_kernel_irqfd, consumer);
	u32 guest_irq = irqfd_guest_irq(irqfd);
	int ret;

	irqfd->producer = prod;
	ret = vxics_bypass_map(irqfd->kvm, prod->irq, guest_irq,
			       VXICS_BY_PAIRING);
	pr_debug("vxics: host irq %d -> guest source %#x: %s (%d)\n",
		 prod->irq, guest_irq, ret ? "irqfd path" : "bypass", ret);
	return 0;
}
EXPORT_SYMBOL_GPL(vxics_irq_bypass_add_producer);

/**
 * vxics_irq_bypass_del_producer() - a VFIO MSI and a KVM irqfd part
 * @cons: the irqfd's consumer
 * @prod: VFIO's producer
 *
 * Called by the irq bypass manager under its mutex, in process context,
 * when either side goes away (MSI disabled, irqfd closed), before VFIO
 * frees the host irq.
 */
void vxics_irq_bypass_del_producer(struct irq_bypass_consumer *cons,
				   struct irq_bypass_producer *prod)
{
	struct kvm_kernel_irqfd *irqfd =
		container_of(cons, struct kvm_kernel_irqfd, consumer);

	vxics_bypass_unmap(irqfd->kvm, prod->irq, VXICS_BY_PAIRING);
	irqfd->producer = NULL;
}
EXPORT_SYMBOL_GPL(vxics_irq_bypass_del_producer);

/**
 * vxics_bypass_set_vm() - switch the bypass on or off for one VM (B8)
 * @kvm: the VM
 * @on: the new state
 *
 * Takes effect for the next interrupt; an interrupt the bypass does not
 * take goes the host path whole, so switching under load loses nothing.
 *
 * Return: 0, -EOPNOTSUPP for a KVM-PR VM, -ENODEV without an XICS
 * device, -ENOMEM.
 */
int vxics_bypass_set_vm(struct kvm *kvm, bool on)
{
	struct vxics_bypass *bp;

	/* only KVM-HV has the bypass (and frees its state with the VM) */
	if (!is_kvmppc_hv_enabled(kvm))
		return -EOPNOTSUPP;
	mutex_lock(&vxics_bypass_mutex);
	bp = bypass_of(kvm, true);
	if (bp)
		WRITE_ONCE(bp->off, !on);
	mutex_unlock(&vxics_bypass_mutex);
	if (!bp)
		return READ_ONCE(kvm->arch.xics_device) ? -ENOMEM : -ENODEV;
	return 0;
}

/**
 * vxics_bypass_vm_on() - whether the bypass is on for one VM
 * @kvm: the VM
 *
 * Return: false if switched off for @kvm (not looking at vxics.bypass).
 */
bool vxics_bypass_vm_on(struct kvm *kvm)
{
	struct vxics_bypass *bp;
	bool on;

	mutex_lock(&vxics_bypass_mutex);
	bp = bypass_of(kvm, false);
	on = !bp || !bp->off;
	mutex_unlock(&vxics_bypass_mutex);
	return on;
}

/**
 * vxics_bypass_free_vm() - free a VM's bypass state with the VM
 * @kvm: the VM being destroyed; no vCPU runs, its irqfds are gone
 */
void vxics_bypass_free_vm(struct kvm *kvm)
{
	struct kvmppc_xics *xics = kvm->arch.xics_device;
	struct vxics_bypass_link *link;
	unsigned long guest;

	if (!xics || !xics->bypass)
		return;
	mutex_lock(&vxics_bypass_mutex);
	/* no vCPU runs and no irqfd injects any more: no reader is left */
	xa_for_each(&xics->bypass->by_guest, guest, link) {
		xa_erase(&vxics_host_irqs, link->host_irq);
		kfree(link);
	}
	vxics_map_destroy(&xics->bypass->map);
	xa_destroy(&xics->bypass->by_guest);
	kfree(xics->bypass);
	xics->bypass = NULL;
	mutex_unlock(&vxics_bypass_mutex);
}
EXPORT_SYMBOL_GPL(vxics_bypass_free_vm);

/**
 * vxics_bypass_show() - the VM's mappings, for its debugfs file
 * @m: the seq_file
 * @xics: the VM's XICS
 */
void vxics_bypass_show(struct seq_file *m, struct kvmppc_xics *xics)
{
	struct vxics_bypass *bp;
	unsigned int c, i;

	mutex_lock(&vxics_bypass_mutex);
	bp = xics->bypass;
	seq_printf(m, "bypass: %s, %u mapped, %lld by the host path, %lld steers\n",
		   READ_ONCE(vxics_bypass_on) && !(bp && bp->off) ? "on" : "off",
		   bp ? bp->map.n_mapped : 0,
		   bp ? atomic64_read(&bp->n_host_path) : 0,
		   bp ? atomic64_read(&bp->n_steers) : 0);
	if (bp)
		seq_printf(m, "host path by reason: off %lld masked %lld other-vm %lld wrong-core %lld not-running %lld\n",
			   atomic64_read(&bp->n_host_reason[VXICS_HP_OFF]),
			   atomic64_read(&bp->n_host_reason[VXICS_HP_MASKED]),
			   atomic64_read(&bp->n_host_reason[VXICS_HP_OTHER_VM]),
			   atomic64_read(&bp->n_host_reason[VXICS_HP_WRONG_CORE]),
			   atomic64_read(&bp->n_host_reason[VXICS_HP_NOT_RUNNING]));
	for (c = 0; bp && c < VXICS_MAP_CHUNKS && bp->map.chunk[c]; c++) {
		for (i = 0; i < VXICS_MAP_CHUNK; i++) {
			struct vxics_map_slot *s = &bp->map.chunk[c][i];
			u64 e = s->hwirq ? vxics_map_find(&bp->map, s->hwirq) : 0;
			struct vxics_bypass_link *link = s->host_data;
			long long host = 0;
			int r;

			/* a removed slot waiting out its grace period: skip */
			if (!e || vxics_map_slot(&bp->map, e) != s)
				continue;
			for (r = 0; r < VXICS_HP_NR; r++)
				host += atomic64_read(&link->n_host[r]);
			seq_printf(m, "  hwirq %#x host irq %u guest %#x bypassed %lld host-path %lld last-cpu %d by%s%s\n",
				   s->hwirq, s->host_irq, s->guest_irq,
				   atomic64_read(&s->n_bypassed), host,
				   READ_ONCE(link->last_cpu),
				   link->owners & VXICS_BY_PAIRING ? " pairing" : "",
				   link->owners & VXICS_BY_VFIO ? " vfio" : "");
		}
	}
	mutex_unlock(&vxics_bypass_mutex);
}
