// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated host's e1000e as an interrupt source, and the host's view
 * of an interrupt.  See nic.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include "nic.h"
#include "vxt.h"

void nic_msix_on(struct vxv_dev *d, int efd)
{
	vxv_cfg_write16(d, 0x04, vxv_cfg_read16(d, 0x04) | 0x6);
	nic_mask(d);
	vxv_wr32(d, E1000_ITR, 0);
	vxv_wr32(d, E1000_IVAR, IVAR_RXQ0_VEC0);
	vxv_wr32(d, E1000_EIAC, 0);
	VXT_REQUIRE(!vxv_irq_eventfd(d, VFIO_PCI_MSIX_IRQ_INDEX, efd),
		    "MSI-X vector 0 on eventfd %d", efd);
}

void nic_unmask(struct vxv_dev *d)
{
	vxv_wr32(d, E1000_IMS, CAUSE_RXQ0);
}

void nic_mask(struct vxv_dev *d)
{
	vxv_wr32(d, E1000_IMC, ~0u);
	vxv_wr32(d, E1000_ICR, ~0u);
}

void nic_raise(struct vxv_dev *d, int n, int gap_us)
{
	int i;

	for (i = 0; i < n; i++) {
		vxv_wr32(d, E1000_ICR, ~0u);
		vxv_wr32(d, E1000_ICS, CAUSE_RXQ0);
		usleep(gap_us);
	}
}

int nic_msix_off(struct vxv_dev *d)
{
	usleep(50000);
	return vxv_irq_disable(d, VFIO_PCI_MSIX_IRQ_INDEX);
}

long long host_irq_count(int irq, int cpu)
{
	char line[1024], *p, *end;
	long long v, sum = -1;
	FILE *f = fopen("/proc/interrupts", "r");
	int i;

	while (f && fgets(line, sizeof(line), f)) {
		if (strtol(line, &end, 10) != irq || *end != ':')
			continue;
		sum = 0;
		for (i = 0, p = end + 1;; i++, p = end) {
			v = strtoll(p, &end, 10);
			if (end == p)
				break;
			if (cpu < 0 || i == cpu)
				sum += v;
		}
		break;
	}
	if (f)
		fclose(f);
	return sum;
}

int host_irq_by_name(const char *name)
{
	char line[1024], *end;
	FILE *f = fopen("/proc/interrupts", "r");
	int irq = -1;
	long v;

	while (f && irq < 0 && fgets(line, sizeof(line), f)) {
		v = strtol(line, &end, 10);
		if (*end == ':' && strstr(end, name))
			irq = v;
	}
	if (f)
		fclose(f);
	return irq;
}

int host_irq_cpu(int irq)
{
	char path[64];
	int cpu = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", irq);
	f = fopen(path, "r");
	if (f && fscanf(f, "%d", &cpu) != 1)
		cpu = -1;
	if (f)
		fclose(f);
	return cpu;
}

int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), r;

	if (fd < 0)
		return -1;
	r = write(fd, s, strlen(s));
	close(fd);
	return r == (int)strlen(s) ? 0 : -1;
}

/* tracefs, mounted here if need be; NULL without event tracing */
static const char *tracefs(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing",
					    "/sys/kernel/debug/tracing" };
	char path[96];
	size_t i;

	mount("nodev", dirs[0], "tracefs", 0, NULL);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (!access(path, F_OK))
			return dirs[i];
	}
	return NULL;
}

int trace_event(const char *event, int on)
{
	const char *t = tracefs();
	char path[160];
	int fd;

	if (!t)
		return -1;
	if (on) {	/* an empty buffer to count in */
		snprintf(path, sizeof(path), "%s/trace", t);
		fd = open(path, O_WRONLY | O_TRUNC);
		if (fd >= 0)
			close(fd);
	}
	snprintf(path, sizeof(path), "%s/events/%s/enable", t, event);
	return write_file(path, on ? "1" : "0");
}

long long trace_count(const char *what)
{
	const char *t = tracefs();
	char path[160], line[512];
	long long n = 0;
	FILE *f;

	if (!t)
		return -1;
	snprintf(path, sizeof(path), "%s/trace", t);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += line[0] != '#' && strstr(line, what);
	fclose(f);
	return n;
}
