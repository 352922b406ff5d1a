// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libvfio_bypass: see vfio_bypass.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "vfio_bypass.h"

static const char *const reasons[] = {
	[VFIO_IRQ_BYPASS_HOST_OFF] = "off",
	[VFIO_IRQ_BYPASS_HOST_MASKED] = "masked",
	[VFIO_IRQ_BYPASS_HOST_OTHER_VM] = "other-vm",
	[VFIO_IRQ_BYPASS_HOST_WRONG_CORE] = "wrong-core",
	[VFIO_IRQ_BYPASS_HOST_NOT_RUNNING] = "not-running",
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_REASONS	ARRAY_SIZE(reasons)

static int call(int fd, struct vfio_irq_bypass *b)
{
	return ioctl(fd, VFIO_DEVICE_IRQ_BYPASS, b) ? -errno : 0;
}

static struct vfio_irq_bypass *header(uint32_t flags, uint32_t index,
				      uint32_t start, uint32_t count,
				      size_t data)
{
	struct vfio_irq_bypass *b = calloc(1, sizeof(*b) + data);

	if (!b)
		return NULL;
	b->argsz = sizeof(*b) + data;
	b->flags = flags;
	b->index = index;
	b->start = start;
	b->count = count;
	b->vm_fd = -1;
	return b;
}

int vfio_bypass_bind(int device_fd, int vm_fd, uint32_t index, uint32_t start,
		     uint32_t count, const uint32_t *guest_irqs)
{
	size_t data = (size_t)count * sizeof(uint32_t);
	struct vfio_irq_bypass *b;
	int ret;

	b = header(VFIO_IRQ_BYPASS_BIND, index, start, count, data);
	if (!b)
		return -ENOMEM;
	b->vm_fd = vm_fd;
	if (data)
		memcpy(b->data, guest_irqs, data);
	ret = call(device_fd, b);
	free(b);
	return ret;
}

int vfio_bypass_unbind(int device_fd, uint32_t index, uint32_t start,
		       uint32_t count)
{
	struct vfio_irq_bypass *b;
	int ret;

	b = header(VFIO_IRQ_BYPASS_UNBIND, index, start, count, 0);
	if (!b)
		return -ENOMEM;
	ret = call(device_fd, b);
	free(b);
	return ret;
}

int vfio_bypass_query(int device_fd, uint32_t index, uint32_t start,
		      uint32_t count, struct vfio_irq_bypass_vector *out)
{
	size_t data = (size_t)count * sizeof(*out);
	struct vfio_irq_bypass *b;
	int ret;

	b = header(VFIO_IRQ_BYPASS_QUERY, index, start, count, data);
	if (!b)
		return -ENOMEM;
	ret = call(device_fd, b);
	if (!ret)
		memcpy(out, b->data, data);
	free(b);
	return ret;
}

const char *vfio_bypass_reason(unsigned int reason)
{
	return reason < NR_REASONS ? reasons[reason] : NULL;
}

uint64_t vfio_bypass_host_total(const struct vfio_irq_bypass_vector *v)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < VFIO_IRQ_BYPASS_HOST_REASONS; i++)
		sum += v->host_path[i];
	return sum;
}

static const char *state(const struct vfio_irq_bypass_vector *v)
{
	if (!(v->flags & VFIO_IRQ_BYPASS_VEC_ENABLED))
		return "disabled";
	if (!(v->flags & VFIO_IRQ_BYPASS_VEC_MAPPED))
		return "unmapped";
	if ((v->flags & VFIO_IRQ_BYPASS_VEC_BOUND) &&
	    (v->flags & VFIO_IRQ_BYPASS_VEC_PAIRED))
		return "bound+paired";
	return v->flags & VFIO_IRQ_BYPASS_VEC_BOUND ? "bound" : "paired";
}

void vfio_bypass_print_header(FILE *f)
{
	fprintf(f, "%-6s %-12s %-8s %-6s %-8s %-4s %-4s %12s %12s  %s\n",
		"vector", "state", "hwirq", "irq", "guest", "cpu", "aff",
		"bypassed", "host-path", "host path by reason");
}

void vfio_bypass_print_row(FILE *f, const struct vfio_irq_bypass_vector *v)
{
	unsigned int i;
	const char *sep = "";

	fprintf(f, "%-6u %-12s %#-8x %-6u %#-8x %-4d %-4d %12llu %12llu  ",
		v->vector, state(v), v->host_hwirq, v->host_irq, v->guest_irq,
		v->last_cpu, v->affinity_cpu, (unsigned long long)v->bypassed,
		(unsigned long long)vfio_bypass_host_total(v));
	for (i = 0; i < NR_REASONS; i++) {
		if (!v->host_path[i])
			continue;
		fprintf(f, "%s%s %llu", sep, reasons[i],
			(unsigned long long)v->host_path[i]);
		sep = ", ";
	}
	fprintf(f, "%s\n", *sep ? "" : "-");
}

static const char *yes(const struct vfio_irq_bypass_vector *v, __u32 flag)
{
	return v->flags & flag ? "true" : "false";
}

void vfio_bypass_print_json(FILE *f, const struct vfio_irq_bypass_vector *v)
{
	unsigned int i;

	fprintf(f, "{\"vector\": %u, \"state\": \"%s\", ", v->vector,
		state(v));
	fprintf(f, "\"enabled\": %s, ", yes(v, VFIO_IRQ_BYPASS_VEC_ENABLED));
	fprintf(f, "\"bound\": %s, ", yes(v, VFIO_IRQ_BYPASS_VEC_BOUND));
	fprintf(f, "\"paired\": %s, ", yes(v, VFIO_IRQ_BYPASS_VEC_PAIRED));
	fprintf(f, "\"mapped\": %s, ", yes(v, VFIO_IRQ_BYPASS_VEC_MAPPED));
	fprintf(f, "\"host_hwirq\": %u, \"host_irq\": %u, ", v->host_hwirq,
		v->host_irq);
	fprintf(f, "\"guest_irq\": %u, \"last_cpu\": %d, ", v->guest_irq,
		v->last_cpu);
	fprintf(f, "\"affinity_cpu\": %d, \"bypassed\": %llu, ",
		v->affinity_cpu, (unsigned long long)v->bypassed);
	fprintf(f, "\"host_path\": {");
	for (i = 0; i < NR_REASONS; i++)
		fprintf(f, "%s\"%s\": %llu", i ? ", " : "", reasons[i],
			(unsigned long long)v->host_path[i]);
	fprintf(f, "}}");
}
