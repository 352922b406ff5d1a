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
 * Locking: one mutex, vxics_bypass_mutex, serializes every map writer and
 * the teardown; it nests inside the irq bypass manager's lock and inside
 * kvm->lock and vcpu->mutex, and nothing is taken under it, so no cycle
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
#include <linux/seq_file.h>
#include <asm/kvm_vxics.h>
#include <asm/pnv-pci.h>
#include "glue.h"

static DEFINE_MUTEX(vxics_bypass_mutex);

/* The VM's bypass state, created on demand; under vxics_bypass_mutex. */
static struct vxics_bypass *bypass_of(struct kvm *kvm, bool create)
{
	/* set once by the first XICS create; freed only with the VM */
	struct kvmppc_xics *xics = READ_ONCE(kvm->arch.xics_device);
	struct vxics_bypass *bp;

	if (!xics)
		return NULL;
	if (xics->bypass || !create)
		return xics->bypass;
	bp = kzalloc(sizeof(*bp), GFP_KERNEL);
	if (!bp)
		return NULL;
	/* pairs with the acquire in vxics_rm_host_irq() */
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

/**
 * vxics_bypass_map() - let host interrupt @host_irq bypass to a guest source
 * @kvm: the VM
 * @host_irq: the host's Linux irq of a passed-through device's MSI
 * @guest_irq: the guest source its irqfd (or the VMM) names
 *
 * Only PHB3 MSIs (the ones OPAL can EOI from real mode) are mapped.
 *
 * Return: 0; -EINVAL for an irq with no host hardware number or a guest
 * number out of range, -EOPNOTSUPP for an interrupt the bypass cannot
 * EOI, -ENODEV without an XICS device, -EBUSY if the host interrupt is
 * mapped in this VM already, -ENOSPC, -ENOMEM.  The map is unchanged on
 * error.
 */
int vxics_bypass_map(struct kvm *kvm, unsigned int host_irq, u32 guest_irq)
{
	struct irq_desc *desc = irq_to_desc(host_irq);
	struct vxics_bypass *bp;
	u32 hwirq;
	int ret;

	if (!desc)
		return -EINVAL;
	if (!is_pnv_opal_msi(irq_desc_get_chip(desc)))
		return -EOPNOTSUPP;
	hwirq = host_hwirq(host_irq);
	if (!hwirq)
		return -EINVAL;
	mutex_lock(&vxics_bypass_mutex);
	bp = bypass_of(kvm, true);
	if (!bp)
		ret = kvm->arch.xics_device ? -ENOMEM : -ENODEV;
	else
		ret = vxics_map_add(&bp->map, hwirq, guest_irq, host_irq, desc);
	mutex_unlock(&vxics_bypass_mutex);
	return ret < 0 ? ret : 0;
}
EXPORT_SYMBOL_GPL(vxics_bypass_map);

/**
 * vxics_bypass_unmap() - host interrupt @host_irq takes the host path again
 * @kvm: the VM
 * @host_irq: a host irq vxics_bypass_map() mapped, still allocated
 *
 * On return no CPU delivers @host_irq through the bypass any more and
 * none still uses the mapping; the next interrupt takes the host path.
 *
 * Return: 0, or -ENOENT if @host_irq was not mapped in @kvm.
 */
int vxics_bypass_unmap(struct kvm *kvm, unsigned int host_irq)
{
	struct vxics_bypass *bp;
	int ret = -ENOENT;
	u32 hwirq = host_hwirq(host_irq);

	mutex_lock(&vxics_bypass_mutex);
	bp = bypass_of(kvm, false);
	if (bp && hwirq)
		ret = vxics_map_del(&bp->map, hwirq);
	if (!ret)
		vxics_bypass_synchronize(&bp->map);
	mutex_unlock(&vxics_bypass_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(vxics_bypass_unmap);

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
	ret = vxics_bypass_map(irqfd->kvm, prod->irq, guest_irq);
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

	vxics_bypass_unmap(irqfd->kvm, prod->irq);
	irqfd->producer = NULL;
}
EXPORT_SYMBOL_GPL(vxics_irq_bypass_del_producer);

/**
 * vxics_bypass_free_vm() - free a VM's bypass state with the VM
 * @kvm: the VM being destroyed; no vCPU runs, its irqfds are gone
 */
void vxics_bypass_free_vm(struct kvm *kvm)
{
	struct kvmppc_xics *xics = kvm->arch.xics_device;

	if (!xics || !xics->bypass)
		return;
	mutex_lock(&vxics_bypass_mutex);
	vxics_map_destroy(&xics->bypass->map);
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
	seq_printf(m, "bypass: %s, %u mapped\n",
		   READ_ONCE(vxics_bypass_on) ? "on" : "off",
		   bp ? bp->map.n_mapped : 0);
	for (c = 0; bp && c < VXICS_MAP_CHUNKS && bp->map.chunk[c]; c++) {
		for (i = 0; i < VXICS_MAP_CHUNK; i++) {
			struct vxics_map_slot *s = &bp->map.chunk[c][i];
			u64 e = s->hwirq ? vxics_map_find(&bp->map, s->hwirq) : 0;

			/* a removed slot waiting out its grace period: skip */
			if (!e || vxics_map_slot(&bp->map, e) != s)
				continue;
			seq_printf(m, "  hwirq %#x host irq %u guest %#x bypassed %lld\n",
				   s->hwirq, s->host_irq, s->guest_irq,
				   atomic64_read(&s->n_bypassed));
		}
	}
	mutex_unlock(&vxics_bypass_mutex);
}
