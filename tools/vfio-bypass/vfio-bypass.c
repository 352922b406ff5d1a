// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-bypass: show, watch, bind and unbind the interrupt bypass of the
 * VFIO devices a VMM process holds (VFIO_DEVICE_IRQ_BYPASS).  The device
 * and VM fds are borrowed from the process with pidfd_getfd(), so it
 * needs the right to ptrace it (root, as a rule); bind also needs
 * CAP_SYS_ADMIN, the VM being the VMM's.  See --help.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "vfio_bypass.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd	438
#endif

#define MAX_VECTORS	2048

static const char *const usage[] = {
	"usage: vfio-bypass [--json] show PID [--fd N]",
	"       vfio-bypass watch PID [--fd N] [--interval SEC] [--count N]",
	"       vfio-bypass bind PID --fd N --vm-fd M [--index msi|msix] --start V GUEST...",
	"       vfio-bypass unbind PID --fd N [--index msi|msix] --start V [--count N]",
	"",
	"The interrupt bypass of the VFIO devices process PID (a VMM) holds:",
	"  show    each enabled vector of each VFIO device fd: state (bound by",
	"          VFIO_DEVICE_IRQ_BYPASS, paired by the irq bypass manager,",
	"          unmapped), host hardware number and irq, guest number, the CPU",
	"          that last took it, the host irq's affinity, interrupts bypassed",
	"          and those that took the host path, by reason",
	"  watch   the same every --interval seconds (default 1), as rates per",
	"          second, --count times (default: until interrupted)",
	"  bind    bind vectors --start.. of fd --fd to the GUEST numbers of the",
	"          VM fd --vm-fd (both the process's), all or none",
	"  unbind  unbind --count vectors (default 1) from --start",
	"Options: --json (show: one JSON document), --index (default msix).",
	NULL
};

static void print_usage(FILE *f)
{
	const char *const *l;

	for (l = usage; *l; l++)
		fprintf(f, "%s\n", *l);
}

struct opts {
	bool json;
	int fd, vm_fd, count;
	double interval;
	uint32_t index, start;
};

static int borrow(int pidfd, int fd)
{
	int ret = syscall(SYS_pidfd_getfd, pidfd, fd, 0);

	if (ret < 0)
		fprintf(stderr, "vfio-bypass: fd %d of the process: %s\n", fd,
			strerror(errno));
	return ret;
}

/* Is fd @fd of process @pid a VFIO device? */
static bool is_vfio_device(int pid, int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = 0;
	return !strcmp(link, "anon_inode:[vfio-device]");
}

/* The device's PCI address, from its host irq's name in /proc/interrupts */
static void bdf_of(unsigned int irq, char *bdf, size_t len)
{
	char line[1024], *p, *q;
	FILE *f = fopen("/proc/interrupts", "r");

	snprintf(bdf, len, "?");
	while (f && fgets(line, sizeof(line), f)) {
		if (strtoul(line, &p, 10) != irq || *p != ':')
			continue;
		p = strstr(line, "vfio-msi");
		p = p ? strchr(p, '(') : NULL;
		q = p ? strchr(p, ')') : NULL;
		if (q)
			snprintf(bdf, len, "%.*s", (int)(q - p - 1), p + 1);
		break;
	}
	if (f)
		fclose(f);
}

/* The enabled vectors of @dev's enabled index: how many, into @v */
static int query_all(int dev, uint32_t *index,
		     struct vfio_irq_bypass_vector *v)
{
	static const uint32_t idx[] = { VFIO_PCI_MSIX_IRQ_INDEX,
					VFIO_PCI_MSI_IRQ_INDEX };
	unsigned int i;
	int n;

	for (i = 0; i < 2; i++) {
		for (n = 0; n < MAX_VECTORS; n++)
			if (vfio_bypass_query(dev, idx[i], n, 1, &v[n]))
				break;
		if (n) {
			*index = idx[i];
			return n;
		}
	}
	return 0;
}

static int show(int pid, int pidfd, const struct opts *o, bool json_first,
		int fd, struct vfio_irq_bypass_vector *prev, double dt)
{
	static struct vfio_irq_bypass_vector v[MAX_VECTORS];
	char bdf[32] = "?";
	uint32_t index = 0;
	int dev, n, i;

	dev = borrow(pidfd, fd);
	if (dev < 0)
		return -1;
	n = query_all(dev, &index, v);
	close(dev);
	if (n)
		bdf_of(v[0].host_irq, bdf, sizeof(bdf));
	if (o->json) {
		printf("%s{\"pid\": %d, \"fd\": %d, ", json_first ? "" : ", ",
		       pid, fd);
		printf("\"device\": \"%s\", \"index\": \"%s\", \"vectors\": [",
		       bdf, index == VFIO_PCI_MSI_IRQ_INDEX ? "msi" :
		       n ? "msix" : "none");
		for (i = 0; i < n; i++) {
			printf(i ? ", " : "");
			vfio_bypass_print_json(stdout, &v[i]);
		}
		printf("]}");
		return 0;
	}
	printf("pid %d fd %d device %s: %s\n", pid, fd, bdf,
	       n ? (index == VFIO_PCI_MSI_IRQ_INDEX ? "MSI" : "MSI-X") :
	       "no MSI/MSI-X vector enabled");
	if (!n)
		return 0;
	if (!prev) {
		vfio_bypass_print_header(stdout);
		for (i = 0; i < n; i++)
			vfio_bypass_print_row(stdout, &v[i]);
		return 0;
	}
	printf("%-6s %14s %14s\n", "vector", "bypassed/s", "host-path/s");
	for (i = 0; i < n; i++) {
		printf("%-6u %14.1f %14.1f\n", v[i].vector,
		       (v[i].bypassed - prev[i].bypassed) / dt,
		       (vfio_bypass_host_total(&v[i]) -
			vfio_bypass_host_total(&prev[i])) / dt);
		prev[i] = v[i];
	}
	return 0;
}

static int show_devices(int pid, int pidfd, const struct opts *o,
			struct vfio_irq_bypass_vector *prev, double dt)
{
	char path[64];
	struct dirent *e;
	bool first = true;
	int fd, ret = 0;
	DIR *d;

	if (o->fd >= 0)
		return show(pid, pidfd, o, true, o->fd, prev, dt);
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "vfio-bypass: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (o->json)
		printf("[");
	while ((e = readdir(d))) {
		fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || !is_vfio_device(pid, fd))
			continue;
		ret |= show(pid, pidfd, o, first, fd, prev, dt);
		first = false;
	}
	closedir(d);
	if (o->json)
		printf("]\n");
	return ret;
}

static int fail(const char *what, uint32_t start, uint32_t count, int err)
{
	fprintf(stderr, "vfio-bypass: %s vectors %u..%u: %s (%s)\n", what,
		start, start + count - 1, strerrorname_np(-err) ?: "?",
		strerror(-err));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "fd", required_argument, NULL, 'f' },
		{ "vm-fd", required_argument, NULL, 'v' },
		{ "index", required_argument, NULL, 'i' },
		{ "start", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct opts o = { .fd = -1, .vm_fd = -1, .count = -1, .interval = 1,
			  .index = VFIO_PCI_MSIX_IRQ_INDEX };
	uint32_t guest[MAX_VECTORS];
	int c, pid, pidfd, dev, vm, n, ret;
	const char *cmd;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'f':
			o.fd = atoi(optarg);
			break;
		case 'v':
			o.vm_fd = atoi(optarg);
			break;
		case 'i':
			if (!strcmp(optarg, "msi"))
				o.index = VFIO_PCI_MSI_IRQ_INDEX;
			else if (strcmp(optarg, "msix"))
				goto usage;
			break;
		case 's':
			o.start = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			o.count = atoi(optarg);
			break;
		case 't':
			o.interval = atof(optarg);
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			goto usage;
		}
	}
	if (argc - optind < 2)
		goto usage;
	cmd = argv[optind];
	pid = atoi(argv[optind + 1]);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		fprintf(stderr, "vfio-bypass: process %d: %s\n", pid,
			strerror(errno));
		return 1;
	}
	if (!strcmp(cmd, "show"))
		return show_devices(pid, pidfd, &o, NULL, 0) ? 1 : 0;
	if (!strcmp(cmd, "watch")) {
		static struct vfio_irq_bypass_vector prev[MAX_VECTORS];

		if (o.fd < 0 || o.interval <= 0)
			goto usage;
		o.json = false;
		for (n = 0; o.count < 0 || n <= o.count; n++) {
			if (n)
				usleep(o.interval * 1e6);
			if (show(pid, pidfd, &o, true, o.fd, n ? prev : NULL,
				 o.interval))
				return 1;
			fflush(stdout);
		}
		return 0;
	}
	if (o.fd < 0)
		goto usage;
	dev = borrow(pidfd, o.fd);
	if (dev < 0)
		return 1;
	if (!strcmp(cmd, "bind")) {
		n = argc - optind - 2;
		if (o.vm_fd < 0 || n < 1 || n > MAX_VECTORS)
			goto usage;
		for (c = 0; c < n; c++)
			guest[c] = strtoul(argv[optind + 2 + c], NULL, 0);
		vm = borrow(pidfd, o.vm_fd);
		if (vm < 0)
			return 1;
		ret = vfio_bypass_bind(dev, vm, o.index, o.start, n, guest);
		return ret ? fail("bind", o.start, n, ret) : 0;
	}
	if (!strcmp(cmd, "unbind")) {
		n = o.count < 0 ? 1 : o.count;
		ret = vfio_bypass_unbind(dev, o.index, o.start, n);
		return ret ? fail("unbind", o.start, n, ret) : 0;
	}
usage:
	print_usage(stderr);
	return 2;
}
