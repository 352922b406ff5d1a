// SPDX-License-Identifier: GPL-2.0-only
/*
 * vxics passthrough bypass, virtual-mode half: where the irq bypass
 * manager tells KVM that a VFIO MSI (the producer) and a KVM irqfd (the
 * consumer) share an eventfd, i.e. that host interrupt prod->irq is the
 * guest's source irqfd->gsi.
 *
 * Until the real-mode bypass exists, a pairing is accepted and recorded
 * in the irqfd only: the interrupt goes on taking the irqfd path (host
 * handler, eventfd, irqfd, our XICS).  Accepting is the truth: nothing
 * failed, so neither KVM nor VFIO has anything to warn about.
 */
#include <linux/kvm_host.h>
#include <linux/kvm_irqfd.h>
#include <asm/kvm_vxics.h>

/**
 * vxics_irq_bypass_add_producer() - a VFIO MSI and a KVM irqfd met
 * @cons: the irqfd's consumer
 * @prod: VFIO's producer for one MSI/MSI-X vector
 *
 * Called by the irq bypass manager under its mutex, in process context.
 *
 * Return: 0, the pairing is accepted (the interrupt keeps its irqfd path).
 */
int vxics_irq_bypass_add_producer(struct irq_bypass_consumer *cons,
				  struct irq_bypass_producer *prod)
{
	struct kvm_kernel_irqfd *irqfd =
		container_of(cons, struct kvm_kernel_irqfd, consumer);

	irqfd->producer = prod;
	pr_debug("vxics: host irq %d is guest source %#x: irqfd path\n",
		 prod->irq, irqfd->gsi);
	return 0;
}
EXPORT_SYMBOL_GPL(vxics_irq_bypass_add_producer);

/**
 * vxics_irq_bypass_del_producer() - a VFIO MSI and a KVM irqfd part
 * @cons: the irqfd's consumer
 * @prod: VFIO's producer
 *
 * Called by the irq bypass manager under its mutex, in process context,
 * when either side goes away (MSI disabled, irqfd closed).
 */
void vxics_irq_bypass_del_producer(struct irq_bypass_consumer *cons,
				   struct irq_bypass_producer *prod)
{
	struct kvm_kernel_irqfd *irqfd =
		container_of(cons, struct kvm_kernel_irqfd, consumer);

	irqfd->producer = NULL;
}
EXPORT_SYMBOL_GPL(vxics_irq_bypass_del_producer);
