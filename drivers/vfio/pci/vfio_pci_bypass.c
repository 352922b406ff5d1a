// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_DEVICE_IRQ_BYPASS for vfio-pci: a VMM binds MSI/MSI-X vectors of
 * its device to guest interrupt numbers of its KVM VM, explicitly, and
 * asks what each is bound to and what its interrupts did.  The mapping
 * itself is vxics's (arch/powerpc/kvm/vxics/bypass.c): this file checks
 * the request, resolves each vector's host irq and calls
 * vxics_bypass_map()/_unmap()/_query(), the same interface the irq bypass
 * manager's pairings use.  Both may hold one mapping (same vector, same
 * guest number); it goes when neither does.
 *
 * vxics lives in kvm.ko when KVM is a module, so its functions are taken
 * with symbol_get() for the length of a call; a bound vector holds a
 * reference on its VM (vxics_bypass_get_vm()), dropped after it unbinds,
 * outside every lock (struct bypass_vm_ref).
 *
 * Locking: vdev->igate (the vectors' lock, held by VFIO_DEVICE_SET_IRQS
 * too), then bypass_lock (this file's bindings), then vxics's mutex.  A
 * vector being disabled unbinds first (vfio_pci_irq_bypass_vector_off(),
 * from vfio_msi_set_vector_signal() under igate), before the irq bypass
 * manager lets go and before VFIO frees the irq.
 */
#include <linux/file.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio_pci_core.h>
#include <linux/workqueue.h>
#include <asm/kvm_vxics.h>
#include "vfio_pci_bypass.h"

/*
 * A bound vector's reference on its VM.  It is dropped outside every lock
 * of VFIO's and ours, by a work item: the last put destroys the VM, which
 * takes kvm->lock, and KVM's VFIO device, released under kvm->lock, takes
 * the VFIO group's lock, under which VFIO closes devices and so disables
 * (and unbinds) vectors.  Dropped in place, lockdep sees group lock ->
 * bypass_lock -> kvm->lock -> group lock.
 */
struct bypass_vm_ref {
	struct llist_node node;
	struct kvm *kvm;
};

/* One device's bound vectors: those with a VM hold a reference on it */
struct bypass_dev {
	struct list_head node;
	struct vfio_pci_core_device *vdev;
	unsigned int nr_bound;
	unsigned int nvec;
	struct bypass_vec {
		struct bypass_vm_ref *ref;	/* NULL: not bound */
		unsigned int host_irq;
		u32 guest_irq;
	} vec[];
};

static LLIST_HEAD(bypass_vm_puts);
static void bypass_put_vms(struct work_struct *work);
static DECLARE_WORK(bypass_put_work, bypass_put_vms);

static DEFINE_MUTEX(bypass_lock);
static LIST_HEAD(bypass_devs);

static struct bypass_dev *dev_of(struct vfio_pci_core_device *vdev)
{
	struct bypass_dev *d;

	list_for_each_entry(d, &bypass_devs, node)
		if (d->vdev == vdev)
			return d;
	return NULL;
}

/* vxics's side, present while this call runs (kvm.ko may be a module) */
struct vxics_fns {
	typeof(vxics_bypass_map) *map;
	typeof(vxics_bypass_unmap) *unmap;
	typeof(vxics_bypass_query) *query;
	typeof(vxics_bypass_get_vm) *get_vm;
	void (*put_vm)(struct kvm *kvm);	/* sparse: not typeof here */
};

static void vxics_put(struct vxics_fns *f)
{
	if (f->map)
		symbol_put(vxics_bypass_map);
	if (f->unmap)
		symbol_put(vxics_bypass_unmap);
	if (f->query)
		symbol_put(vxics_bypass_query);
	if (f->get_vm)
		symbol_put(vxics_bypass_get_vm);
	if (f->put_vm)
		symbol_put(vxics_bypass_put_vm);
}

static int vxics_get(struct vxics_fns *f)
{
	f->map = symbol_get(vxics_bypass_map);
	f->unmap = symbol_get(vxics_bypass_unmap);
	f->query = symbol_get(vxics_bypass_query);
	f->get_vm = symbol_get(vxics_bypass_get_vm);
	f->put_vm = symbol_get(vxics_bypass_put_vm);
	if (f->map && f->unmap && f->query && f->get_vm && f->put_vm)
		return 0;
	vxics_put(f);
	return -EOPNOTSUPP;	/* no KVM-HV with vxics loaded */
}

/*
 * The host irq of enabled vector @v of the enabled @index, or -ENXIO.  A
 * vector is enabled when VFIO has requested its irq (it has a trigger):
 * under igate only VFIO requests or frees the device's MSI irqs.  (The
 * vectors' own state, struct vfio_pci_irq_ctx, is private to
 * vfio_pci_intrs.c.)
 */
static int host_irq_of(struct vfio_pci_core_device *vdev, u32 index,
		       unsigned int v)
{
	int irq;

	if (vdev->irq_type != index || v >= vdev->num_ctx)
		return -ENXIO;
	irq = pci_irq_vector(vdev->pdev, v);
	return irq > 0 && irq_has_action(irq) ? irq : -ENXIO;
}

/* The VM references unbinding left: no lock held here */
static void bypass_put_vms(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&bypass_vm_puts);
	struct bypass_vm_ref *r, *tmp;
	struct vxics_fns fns, *f = &fns;

	if (!list)
		return;
	/* each reference pins kvm.ko, where vxics lives: cannot fail */
	if (WARN_ON_ONCE(vxics_get(f)))
		return;
	llist_for_each_entry_safe(r, tmp, list, node) {
		f->put_vm(r->kvm);
		kfree(r);
	}
	vxics_put(f);
}

/* Unbind vector @v of @d (bound); under bypass_lock. */
static void unbind_one(struct vxics_fns *f, struct bypass_dev *d,
		       unsigned int v)
{
	struct bypass_vec *bv = &d->vec[v];

	f->unmap(bv->ref->kvm, bv->host_irq, VXICS_BY_VFIO);
	llist_add(&bv->ref->node, &bypass_vm_puts);
	schedule_work(&bypass_put_work);
	bv->ref = NULL;
	d->nr_bound--;
}

static void drop_if_empty(struct bypass_dev *d)
{
	if (d && !d->nr_bound) {
		list_del(&d->node);
		kfree(d);
	}
}

/* @vdev's record with room for its enabled vectors; under bypass_lock */
static struct bypass_dev *dev_make(struct vfio_pci_core_device *vdev)
{
	struct bypass_dev *d = dev_of(vdev);

	if (d && d->nvec >= vdev->num_ctx)
		return d;
	/* VFIO changes the vector count only after disabling them all */
	if (d && d->nr_bound)
		return ERR_PTR(-EBUSY);
	if (d) {
		list_del(&d->node);
		kfree(d);
	}
	d = kzalloc(struct_size(d, vec, vdev->num_ctx), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->vdev = vdev;
	d->nvec = vdev->num_ctx;
	list_add(&d->node, &bypass_devs);
	return d;
}

static bool is_bound(struct bypass_dev *d, unsigned int v)
{
	return d && v < d->nvec && d->vec[v].ref;
}

static int do_bind(struct vfio_pci_core_device *vdev, struct vxics_fns *f,
		   const struct vfio_irq_bypass *b, const u32 *guest)
{
	struct bypass_dev *d = dev_of(vdev);
	struct bypass_vec *bv;
	struct kvm *kvm, *ref_kvm;
	struct bypass_vm_ref *ref;
	unsigned int n;
	struct fd vm;
	int irq, ret;

	vm = fdget(b->vm_fd);
	if (!vm.file)
		return -EBADF;
	kvm = f->get_vm(vm.file);
	if (IS_ERR(kvm)) {
		ret = PTR_ERR(kvm);
		goto out_fd;
	}
	/* a device the VMM tied to a VM (KVM-VFIO device) binds to that one */
	ret = -EPERM;
	if (vdev->vdev.kvm && vdev->vdev.kvm != kvm)
		goto out;
	for (n = 0; n < b->count; n++) {
		irq = host_irq_of(vdev, b->index, b->start + n);
		ret = irq < 0 ? irq : is_bound(d, b->start + n) ? -EBUSY : 0;
		if (ret)
			goto out;
	}
	d = dev_make(vdev);
	ret = PTR_ERR_OR_ZERO(d);
	if (ret)
		goto out;
	for (n = 0; n < b->count; n++) {
		irq = pci_irq_vector(vdev->pdev, b->start + n);
		ret = f->map(kvm, irq, guest[n], VXICS_BY_VFIO);
		if (ret)
			break;
		/* each bound vector holds its own reference on the VM */
		ref = kzalloc(sizeof(*ref), GFP_KERNEL);
		ref_kvm = ref ? f->get_vm(vm.file) : ERR_PTR(-ENOMEM);
		if (IS_ERR(ref_kvm)) {
			kfree(ref);
			f->unmap(kvm, irq, VXICS_BY_VFIO);
			ret = PTR_ERR(ref_kvm);
			break;
		}
		ref->kvm = ref_kvm;
		bv = &d->vec[b->start + n];
		bv->ref = ref;
		bv->host_irq = irq;
		bv->guest_irq = guest[n];
		d->nr_bound++;
	}
	if (ret) {
		/* all or nothing: undo what this call bound */
		while (n--)
			unbind_one(f, d, b->start + n);
		drop_if_empty(d);
	}
out:
	f->put_vm(kvm);
out_fd:
	fdput(vm);
	return ret;
}

static int do_unbind(struct vfio_pci_core_device *vdev, struct vxics_fns *f,
		     const struct vfio_irq_bypass *b)
{
	struct bypass_dev *d = dev_of(vdev);
	unsigned int n;

	for (n = 0; n < b->count; n++)
		if (!is_bound(d, b->start + n))
			return host_irq_of(vdev, b->index, b->start + n) < 0 ?
			       -ENXIO : -ENOENT;
	for (n = 0; n < b->count; n++)
		unbind_one(f, d, b->start + n);
	drop_if_empty(d);
	return 0;
}

/* One vector's answer to QUERY; under igate and bypass_lock */
static void query_one(struct vfio_pci_core_device *vdev, struct vxics_fns *f,
		      struct bypass_dev *d, u32 index, unsigned int v,
		      struct vfio_irq_bypass_vector *out)
{
	/* NULL: vxics finds the VM a pairing mapped it in, if any */
	struct kvm *kvm = is_bound(d, v) ? d->vec[v].ref->kvm : NULL;
	struct vxics_bypass_info info;
	const struct cpumask *aff;
	struct irq_data *data;
	int irq, i;

	memset(out, 0, sizeof(*out));
	out->vector = v;
	out->last_cpu = -1;
	out->affinity_cpu = -1;
	irq = host_irq_of(vdev, index, v);
	if (irq < 0)
		return;
	out->flags = VFIO_IRQ_BYPASS_VEC_ENABLED;
	out->host_irq = irq;
	data = irq_get_irq_data(irq);
	out->host_hwirq = data ? irqd_to_hwirq(data) : 0;
	aff = irq_get_affinity_mask(irq);
	if (aff && !cpumask_empty(aff))
		out->affinity_cpu = cpumask_first(aff);
	if (is_bound(d, v))
		out->flags |= VFIO_IRQ_BYPASS_VEC_BOUND;
	if (f->query(kvm, irq, &info))
		return;
	out->flags |= VFIO_IRQ_BYPASS_VEC_MAPPED;
	if (info.owners & VXICS_BY_PAIRING)
		out->flags |= VFIO_IRQ_BYPASS_VEC_PAIRED;
	out->guest_irq = info.guest_irq;
	out->last_cpu = info.last_cpu;
	out->bypassed = info.bypassed;
	for (i = 0; i < VXICS_BYPASS_NR_REASONS; i++)
		out->host_path[i] = info.host_path[i];
}

static int do_query(struct vfio_pci_core_device *vdev, struct vxics_fns *f,
		    const struct vfio_irq_bypass *b,
		    struct vfio_irq_bypass_vector *out)
{
	struct bypass_dev *d = dev_of(vdev);
	unsigned int n;

	/* the index must be the enabled one, the range within its vectors */
	if (vdev->irq_type != b->index || b->start + b->count > vdev->num_ctx)
		return -ENXIO;
	for (n = 0; n < b->count; n++)
		query_one(vdev, f, d, b->index, b->start + n, &out[n]);
	return 0;
}

/**
 * vfio_pci_irq_bypass_ioctl() - VFIO_DEVICE_IRQ_BYPASS on a vfio-pci device
 * @vdev: the device
 * @arg: the user's struct vfio_irq_bypass
 *
 * Return: 0; -EFAULT; the checks of vfio_irq_bypass_check(); -ENXIO for a
 * vector that is not enabled (or an index that is not); -EBADF if BIND's
 * vm_fd is not a KVM VM; -EPERM for a VM of another process, or not the
 * one the device was given through the KVM-VFIO device; -EBUSY for a
 * vector bound already (or mapped to another guest number); -ENOENT to
 * unbind a vector that is not bound; -EOPNOTSUPP without vxics (no
 * KVM-HV XICS), or for an interrupt its bypass cannot take; what
 * vxics_bypass_map() says (-EINVAL for a guest number out of range,
 * -ENOSPC, -ENODEV for a VM without an XICS device, -ENOMEM).
 */
long vfio_pci_irq_bypass_ioctl(struct vfio_pci_core_device *vdev,
			       void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_bypass, vm_fd);
	struct vfio_irq_bypass b;
	struct vxics_fns f;
	size_t size;
	void *data;
	int ret;

	if (copy_from_user(&b, arg, minsz))
		return -EFAULT;
	ret = vfio_irq_bypass_check(&b, &size);
	if (ret)
		return ret;
	data = NULL;
	if (b.flags & VFIO_IRQ_BYPASS_BIND) {
		data = memdup_user(arg + minsz, size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	} else if (size) {
		data = kvzalloc(size, GFP_KERNEL);
		if (!data)
			return -ENOMEM;
	}
	ret = vxics_get(&f);
	if (ret)
		goto free;
	mutex_lock(&vdev->igate);
	mutex_lock(&bypass_lock);
	if (b.flags & VFIO_IRQ_BYPASS_BIND)
		ret = do_bind(vdev, &f, &b, data);
	else if (b.flags & VFIO_IRQ_BYPASS_UNBIND)
		ret = do_unbind(vdev, &f, &b);
	else
		ret = do_query(vdev, &f, &b, data);
	mutex_unlock(&bypass_lock);
	mutex_unlock(&vdev->igate);
	vxics_put(&f);
	if (!ret && (b.flags & VFIO_IRQ_BYPASS_QUERY) &&
	    copy_to_user(arg + minsz, data, size))
		ret = -EFAULT;
free:
	kvfree(data);
	return ret;
}

/**
 * vfio_pci_irq_bypass_exit() - vfio-pci-core goes: drop what is left
 *
 * The VM references unbinding handed to the work item are dropped before
 * the module's code goes away.
 */
void vfio_pci_irq_bypass_exit(void)
{
	flush_work(&bypass_put_work);
}

/**
 * vfio_pci_irq_bypass_vector_off() - a vector is being disabled
 * @vdev: the device
 * @vector: its vector, about to lose its trigger and irq
 *
 * From vfio_msi_set_vector_signal() under igate, before the irq bypass
 * manager is told and before free_irq(): the binding goes first, and when
 * this returns no CPU uses the mapping or the irq any more (an interrupt
 * the bypass already took still reaches the guest's XICS, which lives
 * with the VM).
 */
void vfio_pci_irq_bypass_vector_off(struct vfio_pci_core_device *vdev,
				    unsigned int vector)
{
	struct bypass_dev *d;
	struct vxics_fns f;

	mutex_lock(&bypass_lock);
	d = dev_of(vdev);
	/* bound means vxics is loaded and pinned by the VM reference */
	if (is_bound(d, vector) && !vxics_get(&f)) {
		unbind_one(&f, d, vector);
		drop_if_empty(d);
		vxics_put(&f);
	}
	mutex_unlock(&bypass_lock);
}
