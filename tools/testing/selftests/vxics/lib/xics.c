// SPDX-License-Identifier: GPL-2.0-only
/*
 * xics: KVM's XICS device uAPI and the guest_xics driver, for the vxics
 * in-VM selftests.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include "xics.h"

#define TB_PER_MS	512000ULL	/* POWER8 timebase: 512 MHz */

GUEST_DECLARE(xics);

static int ret_errno(int rc)
{
	return rc < 0 ? -errno : rc;
}

int xics_create(struct vxt_vm *vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };

	if (ioctl(vm->fd, KVM_CREATE_DEVICE, &cd) < 0)
		return -errno;
	return cd.fd;
}

int xics_attr_set(int xfd, uint32_t group, uint64_t attr, uint64_t val)
{
	struct kvm_device_attr da = {
		.group = group, .attr = attr, .addr = (uintptr_t)&val,
	};

	return ret_errno(ioctl(xfd, KVM_SET_DEVICE_ATTR, &da));
}

int xics_attr_get(int xfd, uint32_t group, uint64_t attr, uint64_t *val)
{
	struct kvm_device_attr da = {
		.group = group, .attr = attr, .addr = (uintptr_t)val,
	};

	return ret_errno(ioctl(xfd, KVM_GET_DEVICE_ATTR, &da));
}

int xics_attr_has(int xfd, uint32_t group, uint64_t attr)
{
	struct kvm_device_attr da = { .group = group, .attr = attr };

	return ret_errno(ioctl(xfd, KVM_HAS_DEVICE_ATTR, &da));
}

int xics_source_set(int xfd, uint32_t irq, uint64_t val)
{
	return xics_attr_set(xfd, KVM_DEV_XICS_GRP_SOURCES, irq, val);
}

int xics_source_get(int xfd, uint32_t irq, uint64_t *val)
{
	return xics_attr_get(xfd, KVM_DEV_XICS_GRP_SOURCES, irq, val);
}

int xics_icp_attach(struct vxt_vcpu *vcpu, int xfd, uint32_t server)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_IRQ_XICS, .args = { xfd, server },
	};

	return ret_errno(ioctl(vcpu->fd, KVM_ENABLE_CAP, &cap));
}

int xics_icp_get(struct vxt_vcpu *vcpu, uint64_t *state)
{
	struct kvm_one_reg reg = {
		.id = KVM_REG_PPC_ICP_STATE, .addr = (uintptr_t)state,
	};

	return ret_errno(ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg));
}

int xics_icp_set(struct vxt_vcpu *vcpu, uint64_t state)
{
	return ret_errno(vxt_set_one_reg(vcpu, KVM_REG_PPC_ICP_STATE, state));
}

int xics_irq_line(struct vxt_vm *vm, uint32_t irq, uint32_t level)
{
	struct kvm_irq_level il = { .irq = irq, .level = level };

	return ret_errno(ioctl(vm->fd, KVM_IRQ_LINE, &il));
}

int xics_irq_line_status(struct vxt_vm *vm, uint32_t irq, uint32_t level,
			 int32_t *status)
{
	struct kvm_irq_level il = { .irq = irq, .level = level };

	if (ioctl(vm->fd, KVM_IRQ_LINE_STATUS, &il) < 0)
		return -errno;
	*status = il.status;
	return 0;
}

int xics_irqfd(struct vxt_vm *vm, uint32_t irq)
{
	int efd = eventfd(0, EFD_CLOEXEC);
	struct kvm_irqfd req = { .gsi = irq };
	int e;

	if (efd < 0)
		return -errno;
	req.fd = efd;
	if (ioctl(vm->fd, KVM_IRQFD, &req) < 0) {
		e = errno;
		close(efd);
		return -e;
	}
	return efd;
}

int xics_irqfd_release(struct vxt_vm *vm, int efd, uint32_t irq)
{
	struct kvm_irqfd req = {
		.fd = efd, .gsi = irq, .flags = KVM_IRQFD_FLAG_DEASSIGN,
	};
	int rc = ret_errno(ioctl(vm->fd, KVM_IRQFD, &req));

	close(efd);
	return rc;
}

int xics_irqfd_move(struct vxt_vm *vm, int efd, uint32_t from, uint32_t to)
{
	struct kvm_irqfd req = {
		.fd = efd, .gsi = from, .flags = KVM_IRQFD_FLAG_DEASSIGN,
	};

	if (ioctl(vm->fd, KVM_IRQFD, &req) < 0)
		return -errno;
	req.gsi = to;
	req.flags = 0;
	return ret_errno(ioctl(vm->fd, KVM_IRQFD, &req));
}

int xics_irqfd_trigger(int efd)
{
	uint64_t one = 1;

	return write(efd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

void xg_load(struct vxt_vm *vm)
{
	GUEST_LOAD(vm, xics);
}

/*
 * Run to the next hypercall that is not an interrupt report; reports are
 * recorded and answered (EOI or hold) on the way.
 */
static uint64_t xg_run(struct xg *g, struct vxt_hcall *hc)
{
	for (;;) {
		vxt_vcpu_run_to_hcall(g->vcpu, hc);
		if (hc->nr != VXT_H_REPORT || hc->args[0] != XG_TAG_EXT)
			return hc->nr;
		if (g->nirq < XG_MAX_IRQ)
			g->xirr[g->nirq] = hc->args[1];
		g->nirq++;
		vxt_hcall_return(g->vcpu, g->hold_eoi ||
				 (g->hold_ipi && (hc->args[1] & 0xffffff) == XICS_IPI));
	}
}

static void xg_expect_cmd(struct xg *g, struct vxt_hcall *hc)
{
	VXT_REQUIRE(xg_run(g, hc) == VXT_H_CMD,
		    "vcpu %d: guest asks for a command (hcall 0x%llx 0x%llx)",
		    g->vcpu->id, (unsigned long long)hc->nr,
		    (unsigned long long)hc->args[0]);
}

void xg_start(struct xg *g, struct vxt_vcpu *vcpu)
{
	struct vxt_hcall hc;

	memset(g, 0, sizeof(*g));
	g->vcpu = vcpu;
	xg_expect_cmd(g, &hc);
}

static void xg_send(struct xg *g, int64_t cmd, uint64_t a0, uint64_t a1,
		    uint64_t a2, uint64_t a3)
{
	uint64_t *args = g->vcpu->run->papr_hcall.args;

	vxt_hcall_return(g->vcpu, cmd);
	args[0] = a0;
	args[1] = a1;
	args[2] = a2;
	args[3] = a3;
}

int64_t xg_hcall(struct xg *g, uint64_t nr, uint64_t a0, uint64_t a1,
		 uint64_t a2, uint64_t *out)
{
	struct vxt_hcall hc;
	int64_t ret;

	xg_send(g, XG_CMD_HCALL, nr, a0, a1, a2);
	if (xg_run(g, &hc) == nr) {
		g->to_user++;
		vxt_hcall_return(g->vcpu, H_FUNCTION);
		xg_run(g, &hc);
	}
	VXT_REQUIRE(hc.nr == VXT_H_REPORT &&
		    hc.args[0] == XG_TAG_HCALL,
		    "vcpu %d: hcall 0x%llx reported (got 0x%llx 0x%llx)",
		    g->vcpu->id, (unsigned long long)nr,
		    (unsigned long long)hc.nr, (unsigned long long)hc.args[0]);
	if (out) {
		out[0] = hc.args[2];
		out[1] = hc.args[3];
	}
	ret = (int64_t)hc.args[1];
	xg_expect_cmd(g, &hc);
	return ret;
}

int xg_wait(struct xg *g, int n, unsigned int ms)
{
	struct vxt_hcall hc;

	xg_send(g, XG_CMD_WAIT, n, ms * TB_PER_MS, 0, 0);
	xg_expect_cmd(g, &hc);
	return hc.args[0];
}

bool xg_done(struct xg *g)
{
	struct vxt_hcall hc;

	xg_send(g, XG_CMD_DONE, 0, 0, 0, 0);
	return xg_run(g, &hc) == VXT_H_DONE;
}

uint32_t xg_last(struct xg *g)
{
	if (!g->nirq)
		return 0;
	return g->xirr[(g->nirq > XG_MAX_IRQ ? XG_MAX_IRQ : g->nirq) - 1];
}
