// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_DEVICE_IRQ_BYPASS's argument check (drivers/vfio/pci/
 * vfio_pci_bypass_check.c, built unchanged): the validation table, one
 * case per field and error, userspace only.  The libFuzzer target
 * vfio_bypass_fuzz.c checks the same rules on arbitrary headers.
 */
#include <kunit/test.h>
#include "internal.h"
#include "../../../drivers/vfio/pci/vfio_pci_bypass.h"

#define MINSZ	((__u32)sizeof(struct vfio_irq_bypass))
#define VEC	((__u32)sizeof(struct vfio_irq_bypass_vector))
#define BIND	VFIO_IRQ_BYPASS_BIND
#define UNBIND	VFIO_IRQ_BYPASS_UNBIND
#define QUERY	VFIO_IRQ_BYPASS_QUERY
#define MSIX	VFIO_PCI_MSIX_IRQ_INDEX

static const struct check_case {
	const char *what;
	__u32 argsz, flags, index, start, count;
	int ret;
	size_t data;
} cases[] = {
	{ "bind one",		MINSZ + 4, BIND, MSIX, 0, 1, 0, 4 },
	{ "unbind one",		MINSZ, UNBIND, MSIX, 0, 1, 0, 0 },
	{ "query one",		MINSZ + VEC, QUERY, MSIX, 0, 1, 0, VEC },
	{ "MSI index",		MINSZ, UNBIND, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, 0, 0 },
	{ "argsz below header",	MINSZ - 1, UNBIND, MSIX, 0, 1, -EINVAL, 0 },
	{ "argsz 0",		0, UNBIND, MSIX, 0, 1, -EINVAL, 0 },
	{ "bind data short",	MINSZ + 3, BIND, MSIX, 0, 1, -EINVAL, 0 },
	{ "query data short",	MINSZ + VEC - 1, QUERY, MSIX, 0, 1, -EINVAL, 0 },
	{ "bind 2, room for 1",	MINSZ + 4, BIND, MSIX, 0, 2, -EINVAL, 0 },
	{ "argsz larger: fine",	MINSZ + 100, UNBIND, MSIX, 0, 1, 0, 0 },
	{ "no operation",	MINSZ, 0, MSIX, 0, 1, -EINVAL, 0 },
	{ "two operations",	MINSZ + 4, BIND | UNBIND, MSIX, 0, 1, -EINVAL, 0 },
	{ "three operations",	MINSZ + VEC, BIND | UNBIND | QUERY, MSIX, 0, 1,
				-EINVAL, 0 },
	{ "unknown flag",	MINSZ, UNBIND | 1u << 3, MSIX, 0, 1, -EINVAL, 0 },
	{ "top flag",		MINSZ, UNBIND | 1u << 31, MSIX, 0, 1, -EINVAL, 0 },
	{ "INTx",		MINSZ, UNBIND, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
				-EOPNOTSUPP, 0 },
	{ "ERR index",		MINSZ, UNBIND, VFIO_PCI_ERR_IRQ_INDEX, 0, 1,
				-EINVAL, 0 },
	{ "REQ index",		MINSZ, UNBIND, VFIO_PCI_REQ_IRQ_INDEX, 0, 1,
				-EINVAL, 0 },
	{ "index ~0",		MINSZ, UNBIND, ~0u, 0, 1, -EINVAL, 0 },
	{ "count 0",		MINSZ, UNBIND, MSIX, 0, 0, -EINVAL, 0 },
	{ "count 2048",		MINSZ, UNBIND, MSIX, 0, 2048, 0, 0 },
	{ "count 2049",		MINSZ, UNBIND, MSIX, 0, 2049, -EINVAL, 0 },
	{ "last vector",	MINSZ, UNBIND, MSIX, 2047, 1, 0, 0 },
	{ "past the last",	MINSZ, UNBIND, MSIX, 2047, 2, -EINVAL, 0 },
	{ "start 2048",		MINSZ, UNBIND, MSIX, 2048, 1, -EINVAL, 0 },
	{ "start + count wraps", MINSZ, UNBIND, MSIX, ~0u, 2, -EINVAL, 0 },
	{ "bind 2048",		MINSZ + 4 * 2048, BIND, MSIX, 0, 2048, 0, 8192 },
};

/* Every field, every error: the table above. */
static void vfio_bypass_check_table_b1(struct kunit *test)
{
	const struct check_case *c;
	struct vfio_irq_bypass b;
	size_t data;
	int ret;

	for (c = cases; c < cases + ARRAY_SIZE(cases); c++) {
		b = (struct vfio_irq_bypass){ c->argsz, c->flags, c->index,
					      c->start, c->count, -1 };
		data = 12345;
		ret = vfio_irq_bypass_check(&b, &data);
		KUNIT_EXPECT_EQ_MSG(test, ret, c->ret, "%s", c->what);
		KUNIT_EXPECT_EQ_MSG(test, data, c->ret ? 12345 : c->data,
				    "%s: data size", c->what);
	}
}

/* vm_fd is not the check's business (BIND resolves it later: EBADF) */
static void vfio_bypass_check_ignores_vm_fd(struct kunit *test)
{
	struct vfio_irq_bypass b = { MINSZ + 4, BIND, MSIX, 0, 1, -12345 };
	size_t data;

	KUNIT_EXPECT_EQ(test, vfio_irq_bypass_check(&b, &data), 0);
}

static struct kunit_case vfio_bypass_check_cases[] = {
	KUNIT_CASE(vfio_bypass_check_table_b1),
	KUNIT_CASE(vfio_bypass_check_ignores_vm_fd),
	{}
};

static struct kunit_suite vfio_bypass_check_suite = {
	.name = "vfio_bypass_check",
	.test_cases = vfio_bypass_check_cases,
};

kunit_test_suites(&vfio_bypass_check_suite);
