// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxics KVM glue, virtual-mode half: the "kvm-xics" device (create,
 * source attributes, release), ICP attach/detach and one-reg, RTAS calls,
 * KVM_IRQ_LINE/irqfd injection, hcalls that reach virtual mode, and the
 * per-VM debugfs file.  These are the functions the rest of KVM calls
 * (asm/kvm_ppc.h); the logic lives in the core (ics.c, icp.c).
 *
 * Built as part of kvm.ko when KVM is a module (where upstream's
 * book3s_xics.o goes: book3s.c there registers kvm_xics_ops), while the
 * core and the real-mode files stay in the kernel image; the core's
 * functions are exported to it in the KVM_VXICS namespace.
 *
 * Credit: reusing kvm->arch.xics_device across creates and taking every
 * vCPU's mutex on release follow upstream KVM's book3s_xics.c.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/rcupdate.h>
#include <asm/kvm_book3s.h>
#include <asm/time.h>
#include "glue.h"

MODULE_IMPORT_NS(KVM_VXICS);

/* The core's copy of the migration ABI (R27, R30) must be bit-exact. */
static_assert(VXICS_DESTINATION_SHIFT == KVM_XICS_DESTINATION_SHIFT);
static_assert(VXICS_PRIORITY_SHIFT == KVM_XICS_PRIORITY_SHIFT);
static_assert(VXICS_LEVEL_SENSITIVE == KVM_XICS_LEVEL_SENSITIVE);
static_assert(VXICS_MASKED == KVM_XICS_MASKED);
static_assert(VXICS_PENDING == KVM_XICS_PENDING);
static_assert(VXICS_PRESENTED == KVM_XICS_PRESENTED);
static_assert(VXICS_QUEUED == KVM_XICS_QUEUED);
static_assert(VXICS_GRP_SOURCES == KVM_DEV_XICS_GRP_SOURCES);
static_assert(VXICS_GRP_CTRL == KVM_DEV_XICS_GRP_CTRL);
static_assert(VXICS_NR_SERVERS == KVM_DEV_XICS_NR_SERVERS);

/* Raise a vCPU's external interrupt, virtual mode: its ICP output rose. */
static void vxics_kvm_raise_virt(struct kvm_vcpu *vcpu)
{
	kvmppc_book3s_queue_irqprio(vcpu, BOOK3S_INTERRUPT_EXTERNAL);
	kvmppc_fast_vcpu_kick(vcpu);
}

/* Lower a vCPU's external interrupt, virtual mode: its ICP output fell. */
static void vxics_kvm_lower_virt(struct kvm_vcpu *vcpu)
{
	kvmppc_book3s_dequeue_irqprio(vcpu, BOOK3S_INTERRUPT_EXTERNAL);
}

/* Run the ack notifiers of source @irq, just EOI'd, virtual mode. */
static void vxics_kvm_notify_virt(struct kvm *kvm, u32 irq)
{
	kvm_notify_acked_irq(kvm, 0, irq);
}

static const struct vxics_kvm_virt vxics_kvm_virt = {
	.raise = vxics_kvm_raise_virt,
	.lower = vxics_kvm_lower_virt,
	.notify = vxics_kvm_notify_virt,
};

/* Finish what a real-mode hcall of @vcpu left for virtual mode. */
static void vxics_do_rm_work(struct kvm_vcpu *vcpu)
{
	struct kvmppc_icp *icp = vcpu->arch.icp;
	struct kvm_vcpu *v;
	unsigned long i;
	u32 work = icp->rm_work;

	if (work & VXICS_RM_KICK_ALL) {
		kvm_for_each_vcpu(i, v, vcpu->kvm)
			if (v != vcpu)
				kvmppc_fast_vcpu_kick(v);
		icp->n_kicks++;
	} else if (work & VXICS_RM_KICK) {
		for (i = 0; i < icp->n_rm_kick; i++)
			kvmppc_fast_vcpu_kick(icp->rm_kick[i]);
		icp->n_kicks += icp->n_rm_kick;
	}
	if (work & VXICS_RM_NOTIFY) {
		kvm_notify_acked_irq(vcpu->kvm, 0, icp->rm_eoi_irq);
		icp->n_notifies++;
	}
	/* this vCPU is in KVM_RUN: the XICS cannot go meanwhile */
	if (work & VXICS_RM_STEER)
		vxics_bypass_follow(vcpu->kvm->arch.xics, icp->rm_steer_irq);
	icp->n_rm_kick = 0;
	icp->rm_work = 0;
}

/**
 * kvmppc_xics_rm_complete() - finish work real mode deferred
 * @vcpu: the vCPU that exited
 * @hcall: the hcall it was running, or 0
 *
 * Return: H_SUCCESS.
 */
int kvmppc_xics_rm_complete(struct kvm_vcpu *vcpu, u32 hcall)
{
	if (vcpu->arch.icp && vcpu->arch.icp->rm_work)
		vxics_do_rm_work(vcpu);
	return H_SUCCESS;
}
EXPORT_SYMBOL_GPL(kvmppc_xics_rm_complete);

/**
 * kvmppc_xics_hcall() - an XICS hcall in virtual mode
 * @vcpu: the calling vCPU
 * @req: the hcall number
 *
 * Either real mode already did the hcall and left work (finish it and
 * return the status it computed), or real mode was not used: do it here.
 *
 * Return: the hcall status for the guest's r3.
 */
int kvmppc_xics_hcall(struct kvm_vcpu *vcpu, u32 req)
{
	struct kvmppc_xics *xics = vcpu->kvm->arch.xics;
	struct kvmppc_icp *icp = vcpu->arch.icp;
	struct vxics *vx;
	u64 a, b;
	long ret;

	if (!xics || !icp)
		return H_HARDWARE;
	if (icp->rm_work & VXICS_RM_DONE) {
		ret = icp->rm_ret;
		vxics_do_rm_work(vcpu);
		return ret;
	}
	vx = &xics->core;
	icp->n_vm_hcalls++;
	switch (req) {
	case H_XIRR:
		ret = vxics_h_xirr(vx, &icp->core, &a);
		kvmppc_set_gpr(vcpu, 4, a);
		break;
	case H_XIRR_X:
		ret = vxics_h_xirr_x(vx, &icp->core, &a, &b);
		kvmppc_set_gpr(vcpu, 4, a);
		kvmppc_set_gpr(vcpu, 5, b);
		break;
	case H_IPOLL:
		ret = vxics_h_ipoll(vx, kvmppc_get_gpr(vcpu, 4), &a, &b);
		if (ret == H_SUCCESS) {
			kvmppc_set_gpr(vcpu, 4, a);
			kvmppc_set_gpr(vcpu, 5, b);
		}
		break;
	case H_CPPR:
		ret = vxics_h_cppr(vx, &icp->core, kvmppc_get_gpr(vcpu, 4));
		break;
	case H_EOI:
		ret = vxics_h_eoi(vx, &icp->core, kvmppc_get_gpr(vcpu, 4));
		break;
	case H_IPI:
		ret = vxics_h_ipi(vx, &icp->core, kvmppc_get_gpr(vcpu, 4),
				  kvmppc_get_gpr(vcpu, 5));
		break;
	default:
		ret = H_PARAMETER;
	}
	return ret;
}
EXPORT_SYMBOL_GPL(kvmppc_xics_hcall);

/* --- RTAS (book3s_rtas.c parses the arguments and calls these) --- */

/**
 * kvmppc_xics_set_xive() - ibm,set-xive
 * @kvm: the VM
 * @irq: source number
 * @server: target server
 * @priority: new priority
 *
 * Return: 0 or a negative errno.
 */
int kvmppc_xics_set_xive(struct kvm *kvm, u32 irq, u32 server, u32 priority)
{
	struct kvmppc_xics *xics = kvm->arch.xics;

	return xics ? vxics_set_xive(&xics->core, irq, server, priority) : -ENODEV;
}

/**
 * kvmppc_xics_get_xive() - ibm,get-xive
 * @kvm: the VM
 * @irq: source number
 * @server: where to store the server
 * @priority: where to store the current priority
 *
 * Return: 0 or a negative errno.
 */
int kvmppc_xics_get_xive(struct kvm *kvm, u32 irq, u32 *server, u32 *priority)
{
	struct kvmppc_xics *xics = kvm->arch.xics;

	return xics ? vxics_get_xive(&xics->core, irq, server, priority) : -ENODEV;
}

/**
 * kvmppc_xics_int_on() - ibm,int-on
 * @kvm: the VM
 * @irq: source number
 *
 * Return: 0 or a negative errno.
 */
int kvmppc_xics_int_on(struct kvm *kvm, u32 irq)
{
	struct kvmppc_xics *xics = kvm->arch.xics;

	return xics ? vxics_int_on(&xics->core, irq) : -ENODEV;
}

/**
 * kvmppc_xics_int_off() - ibm,int-off
 * @kvm: the VM
 * @irq: source number
 *
 * Return: 0 or a negative errno.
 */
int kvmppc_xics_int_off(struct kvm *kvm, u32 irq)
{
	struct kvmppc_xics *xics = kvm->arch.xics;

	return xics ? vxics_int_off(&xics->core, irq) : -ENODEV;
}

/* --- injection --- */

/**
 * kvmppc_xics_set_irq() - KVM_IRQ_LINE and irqfd injection
 * @kvm: the VM
 * @irq_source_id: unused
 * @irq: source number
 * @level: 1, KVM_INTERRUPT_SET or KVM_INTERRUPT_SET_LEVEL to assert an LSI
 *	or trigger an MSI; 0 or KVM_INTERRUPT_UNSET to deassert (R33)
 * @line_status: unused
 *
 * Runs under rcu_read_lock() so that releasing the device can wait for
 * injections in flight before it frees what they use.  An MSI the bypass
 * maps comes here when it took the host path: it is counted, and its host
 * interrupt is asked to follow the target vCPU.  Any context: KVM_IRQ_LINE,
 * and the irqfd's wakeup in the host handler (kvm_arch_set_irq_inatomic()).
 *
 * Return: 0; -EINVAL, changing nothing, for an undefined source or any
 * other @level; -ENODEV without XICS.
 */
int kvmppc_xics_set_irq(struct kvm *kvm, int irq_source_id, u32 irq,
			int level, bool line_status)
{
	struct kvmppc_xics *xics;
	int ret = -ENODEV;

	/* R33: the values QEMU and irqfd use; anything else is refused */
	switch ((u32)level) {
	case 1:
	case KVM_INTERRUPT_SET:
	case KVM_INTERRUPT_SET_LEVEL:
		level = VXICS_LEVEL_HIGH;
		break;
	case 0:
	case KVM_INTERRUPT_UNSET:
		level = VXICS_LEVEL_LOW;
		break;
	default:
		return -EINVAL;
	}
	rcu_read_lock();
	xics = rcu_dereference_raw(kvm->arch.xics);
	if (xics)
		ret = vxics_set_level(&xics->core, irq, level);
	/* a passed-through MSI that took the host path (B6, B7) */
	if (!ret && level == VXICS_LEVEL_HIGH && READ_ONCE(xics->bypass))
		vxics_bypass_host_path(xics, irq);
	rcu_read_unlock();
	return ret;
}

/* --- ICP --- */

/**
 * kvmppc_xics_connect_vcpu() - attach an ICP (KVM_CAP_IRQ_XICS)
 * @dev: the XICS device
 * @vcpu: the vCPU, its mutex held
 * @server: the ICP's server number
 *
 * Return: 0, -EEXIST for a server already attached, -EBUSY if the vCPU
 * already has an interrupt controller, -EINVAL, -EPERM, -ENOMEM.
 */
int kvmppc_xics_connect_vcpu(struct kvm_device *dev, struct kvm_vcpu *vcpu,
			     u32 server)
{
	struct kvmppc_xics *xics = dev->private;
	struct kvmppc_icp *icp;
	int ret;

	if (dev->ops != &kvm_xics_ops || xics->kvm != vcpu->kvm)
		return -EPERM;
	if (vcpu->arch.irq_type != KVMPPC_IRQ_DEFAULT)
		return -EBUSY;
	icp = kzalloc(sizeof(*icp), GFP_KERNEL);
	if (!icp)
		return -ENOMEM;
	icp->vcpu = vcpu;
	ret = vxics_icp_attach(&xics->core, &icp->core, server, vcpu);
	if (ret) {
		kfree(icp);
		return ret;
	}
	vcpu->arch.icp = icp;
	vcpu->arch.irq_type = KVMPPC_IRQ_XICS;
	return 0;
}

/**
 * kvmppc_xics_free_icp() - detach and free a vCPU's ICP
 * @vcpu: the vCPU, not running
 */
void kvmppc_xics_free_icp(struct kvm_vcpu *vcpu)
{
	struct kvmppc_icp *icp = vcpu->arch.icp;
	struct kvmppc_xics *xics = vcpu->kvm->arch.xics;

	if (!icp)
		return;
	if (xics)
		vxics_icp_detach(&xics->core, &icp->core);
	vcpu->arch.icp = NULL;
	vcpu->arch.irq_type = KVMPPC_IRQ_DEFAULT;
	kfree(icp);
}

/**
 * kvmppc_xics_get_icp() - KVM_REG_PPC_ICP_STATE read
 * @vcpu: the vCPU
 *
 * Return: the one-reg value (R31), 0 without an ICP.
 */
u64 kvmppc_xics_get_icp(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.icp ? vxics_icp_get(&vcpu->arch.icp->core) : 0;
}

/**
 * kvmppc_xics_set_icp() - KVM_REG_PPC_ICP_STATE write
 * @vcpu: the vCPU
 * @icpval: the one-reg value
 *
 * Return: 0, -ENOENT without an ICP, -EINVAL for an inconsistent state.
 */
int kvmppc_xics_set_icp(struct kvm_vcpu *vcpu, u64 icpval)
{
	struct kvmppc_xics *xics = vcpu->kvm->arch.xics;

	if (!xics || !vcpu->arch.icp)
		return -ENOENT;
	return vxics_icp_set(&xics->core, &vcpu->arch.icp->core, icpval);
}

/**
 * kvmppc_xics_set_mapped() - upstream's passthrough map hook
 * @kvm: the VM
 * @guest_irq: guest source number
 * @host_irq: host hardware interrupt
 *
 * Not reached on XICS hosts: book3s_hv.c hands the irq bypass pairings to
 * vxics_irq_bypass_add_producer() before upstream's map would call this.
 * Defined because upstream's map code still links against it.
 */
void kvmppc_xics_set_mapped(struct kvm *kvm, unsigned long guest_irq,
			    unsigned long host_irq)
{
}
EXPORT_SYMBOL_GPL(kvmppc_xics_set_mapped);

/**
 * kvmppc_xics_clr_mapped() - upstream's passthrough unmap hook
 * @kvm: the VM
 * @guest_irq: guest source number
 * @host_irq: host hardware interrupt
 *
 * Nothing to undo, see kvmppc_xics_set_mapped().
 */
void kvmppc_xics_clr_mapped(struct kvm *kvm, unsigned long guest_irq,
			    unsigned long host_irq)
{
}
EXPORT_SYMBOL_GPL(kvmppc_xics_clr_mapped);

/* --- debugfs --- */

static int vxics_debugfs_show(struct seq_file *m, void *private)
{
	struct kvmppc_xics *xics = m->private;
	struct vxics *vx = &xics->core;
	struct vxics_icp *c;
	unsigned int b, i;
	u32 srv;

	seq_printf(m, "deliveries %lld coalesced %lld\n",
		   atomic64_read(&vx->n_deliveries), atomic64_read(&vx->n_coalesced));
	seq_puts(m, "sources:\n");
	for (b = 0; b < VXICS_NR_BLOCKS; b++) {
		struct vxics_ics *ics = READ_ONCE(vx->ics[b]);

		if (!ics)
			continue;
		for (i = 0; i < VXICS_ICS_SIZE; i++) {
			struct vxics_source s = ics->src[i];

			if (!(s.flags & VXICS_SRC_DEFINED))
				continue;
			seq_printf(m, "  irq %#7x server %4u prio %#04x saved %#04x triggers %u coalesced %u %s%s%s%s%s\n",
				   b << VXICS_ICS_SHIFT | i, s.server, s.priority,
				   s.saved_priority, s.n_triggers, s.n_coalesced,
				   s.flags & VXICS_SRC_LSI ? "lsi" : "msi",
				   s.flags & VXICS_SRC_P ? " P" : "",
				   s.flags & VXICS_SRC_Q ? " Q" : "",
				   s.flags & VXICS_SRC_MASKED_PENDING ? " masked-pending" : "",
				   s.flags & VXICS_SRC_RESEND ? " resend" : "");
		}
	}
	seq_puts(m, "presentation controllers:\n");
	for (srv = 0; (c = vxics_icp_next(vx, &srv)); srv++) {
		struct kvmppc_icp *icp = vxics_to_icp(c);
		u64 w;

		w = READ_ONCE(c->state);
		seq_printf(m, "  server %4u xisr %#08x pending %#04x cppr %#04x mfrr %#04x%s%s\n",
			   c->server, vxics_icp_xisr(w), vxics_icp_pend(w),
			   vxics_icp_cppr(w), vxics_icp_mfrr(w),
			   vxics_icp_out(w) ? " out" : "",
			   vxics_icp_resend(w) ? " need-resend" : "");
		seq_printf(m, "    rejects %lld resends %lld rm-hcalls %llu rm-deferred %llu vm-hcalls %llu kicks %llu notifies %llu\n",
			   atomic64_read(&c->n_rejects), atomic64_read(&c->n_resends),
			   icp->n_rm_hcalls, icp->n_rm_deferred, icp->n_vm_hcalls,
			   icp->n_kicks, icp->n_notifies);
		seq_printf(m, "    bypassed %llu bypass-deferred %llu bypass-elsewhere %llu fallback: off %llu unmapped %llu source %llu\n",
			   icp->n_bypassed, icp->n_bypass_deferred,
			   icp->n_bypass_elsewhere,
			   icp->n_fallback[VXICS_FB_OFF],
			   icp->n_fallback[VXICS_FB_UNMAPPED],
			   icp->n_fallback[VXICS_FB_SOURCE]);
	}
	vxics_bypass_show(m, xics);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vxics_debugfs);

/* vxics_bypass: this VM's bypass switch (B8), 1 on, 0 off */
static int vxics_bypass_vm_get(void *data, u64 *val)
{
	struct kvmppc_xics *xics = data;

	*val = vxics_bypass_vm_on(xics->kvm);
	return 0;
}

static int vxics_bypass_vm_set(void *data, u64 val)
{
	struct kvmppc_xics *xics = data;

	if (val > 1)
		return -EINVAL;
	return vxics_bypass_set_vm(xics->kvm, val);
}
DEFINE_DEBUGFS_ATTRIBUTE(vxics_bypass_vm_fops, vxics_bypass_vm_get,
			 vxics_bypass_vm_set, "%llu\n");

/* --- the device --- */

static int vxics_dev_set_attr(struct kvm_device *dev,
			      struct kvm_device_attr *attr)
{
	struct kvmppc_xics *xics = dev->private;
	u64 __user *uval = (u64 __user *)(unsigned long)attr->addr;
	u64 val;

	if (attr->group != KVM_DEV_XICS_GRP_SOURCES)
		return -ENXIO;	/* R30: NR_SERVERS belongs to XICS-on-XIVE */
	if (attr->attr >= VXICS_NR_IRQS || attr->attr < VXICS_FIRST_SOURCE)
		return -ENOENT;
	if (get_user(val, uval))
		return -EFAULT;
	return vxics_source_set(&xics->core, attr->attr, val);
}

static int vxics_dev_get_attr(struct kvm_device *dev,
			      struct kvm_device_attr *attr)
{
	struct kvmppc_xics *xics = dev->private;
	u64 __user *uval = (u64 __user *)(unsigned long)attr->addr;
	u64 val;
	int ret;

	if (attr->group != KVM_DEV_XICS_GRP_SOURCES)
		return -ENXIO;
	if (attr->attr >= VXICS_NR_IRQS)
		return -ENOENT;
	ret = vxics_source_get(&xics->core, attr->attr, &val);
	if (ret)
		return ret;
	return put_user(val, uval) ? -EFAULT : 0;
}

static int vxics_dev_has_attr(struct kvm_device *dev,
			      struct kvm_device_attr *attr)
{
	return vxics_attr_check(attr->group, attr->attr);
}

static int vxics_dev_create(struct kvm_device *dev, u32 type)
{
	struct kvm *kvm = dev->kvm;
	struct kvmppc_xics *xics;
	int ret;

	if (kvm->arch.xics)
		return -EEXIST;
	/*
	 * kvm->arch.xics_device is allocated once per VM and KVM frees it
	 * with the VM; a create after a release zeroes it and uses it
	 * again, so a late read through a stale pointer still lands in
	 * memory we own.
	 */
	xics = kvm->arch.xics_device;
	if (!xics) {
		xics = kzalloc(sizeof(*xics), GFP_KERNEL);
		if (!xics)
			return -ENOMEM;
		/* zeroed first: bypass.c reads it without kvm->lock */
		smp_store_release(&kvm->arch.xics_device, xics);
	} else {
		memset(xics, 0, offsetof(struct kvmppc_xics, bypass));
	}
	xics->virt = &vxics_kvm_virt;
	ret = vxics_init(&xics->core, &vxics_kvm_ops, xics);
	if (ret)
		return ret;
	xics->kvm = kvm;
	xics->dev = dev;
	dev->private = xics;
	/* publish fully initialised: pairs with rcu_dereference_raw() */
	smp_store_release(&kvm->arch.xics, xics);
	return 0;
}

static void vxics_dev_init(struct kvm_device *dev)
{
	struct kvmppc_xics *xics = dev->private;

	xics->dentry = debugfs_create_file("vxics", 0444,
					   xics->kvm->debugfs_dentry, xics,
					   &vxics_debugfs_fops);
	xics->bypass_dentry =
		debugfs_create_file_unsafe("vxics_bypass", 0644,
					   xics->kvm->debugfs_dentry, xics,
					   &vxics_bypass_vm_fops);
}

/*
 * Runs once userspace's last reference to the device is gone; the caller
 * holds kvm->lock (R34).  The steps must happen in this order:
 *
 * 1. Take every vCPU's mutex: each vCPU is out of KVM_RUN (so in no
 *    real-mode hcall) and stays out until the end.  A vCPU in the guest
 *    is waited for; QEMU closes the fd with its vCPUs stopped.
 * 2. Reset every vCPU's irq_type first.  From here on KVM_RUN sees a VM
 *    without an in-kernel XICS and forwards these hcalls to userspace,
 *    so none reaches a controller being torn down (it would answer
 *    H_HARDWARE).
 * 3. Withdraw kvm->arch.xics and wait for injections in flight (irqfd,
 *    KVM_IRQ_LINE under RCU); they may still deliver into the ICPs,
 *    which are alive until step 4.
 * 4. Free the ICPs, the sources and the server table.
 */
static void vxics_dev_release(struct kvm_device *dev)
{
	struct kvmppc_xics *xics = dev->private;
	struct kvm *kvm = xics->kvm;
	struct kvm_vcpu *vcpu;
	unsigned long i;

	debugfs_remove(xics->dentry);
	debugfs_remove(xics->bypass_dentry);
	kvm_for_each_vcpu(i, vcpu, kvm)
		mutex_lock_nest_lock(&vcpu->mutex, &kvm->lock);
	kvm_for_each_vcpu(i, vcpu, kvm)
		if (vcpu->arch.irq_type == KVMPPC_IRQ_XICS)
			vcpu->arch.irq_type = KVMPPC_IRQ_DEFAULT;
	WRITE_ONCE(kvm->arch.xics, NULL);
	synchronize_rcu();
	kvm_for_each_vcpu(i, vcpu, kvm) {
		struct kvmppc_icp *icp = vcpu->arch.icp;

		if (!icp)
			continue;
		vxics_icp_detach(&xics->core, &icp->core);
		vcpu->arch.icp = NULL;
		kfree(icp);
	}
	vxics_destroy(&xics->core);
	kvm_for_each_vcpu(i, vcpu, kvm)
		mutex_unlock(&vcpu->mutex);
	kfree(dev);
}

struct kvm_device_ops kvm_xics_ops = {
	.name = "kvm-xics",
	.create = vxics_dev_create,
	.init = vxics_dev_init,
	.release = vxics_dev_release,
	.set_attr = vxics_dev_set_attr,
	.get_attr = vxics_dev_get_attr,
	.has_attr = vxics_dev_has_attr,
};
