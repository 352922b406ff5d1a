// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target over VFIO_DEVICE_IRQ_BYPASS's argument check
 * (drivers/vfio/pci/vfio_pci_bypass_check.c, unchanged): any header the
 * fuzzer makes is either refused with EINVAL/EOPNOTSUPP, leaving the data
 * size untouched, or accepted only if it names exactly one operation on
 * MSI or MSI-X, a range of 1..2048 vectors inside MSI-X's 2048, and an
 * argsz that covers the data the operation needs, which it reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "../../../drivers/vfio/pci/vfio_pci_bypass.h"

#define OPS	(VFIO_IRQ_BYPASS_BIND | VFIO_IRQ_BYPASS_UNBIND | \
		 VFIO_IRQ_BYPASS_QUERY)

int LLVMFuzzerTestOneInput(const u8 *in, size_t len)
{
	struct vfio_irq_bypass b;
	size_t data = 0xdead, each;
	uint64_t end;
	int ret;

	memset(&b, 0, sizeof(b));
	memcpy(&b, in, len < sizeof(b) ? len : sizeof(b));
	ret = vfio_irq_bypass_check(&b, &data);
	if (ret) {
		if ((ret != -EINVAL && ret != -EOPNOTSUPP) || data != 0xdead)
			abort();
		if (ret == -EOPNOTSUPP && b.index != VFIO_PCI_INTX_IRQ_INDEX)
			abort();
		return 0;
	}
	end = (uint64_t)b.start + b.count;
	each = b.flags == VFIO_IRQ_BYPASS_BIND ? 4 :
	       b.flags == VFIO_IRQ_BYPASS_QUERY ?
	       sizeof(struct vfio_irq_bypass_vector) : 0;
	if ((b.flags & ~OPS) || !b.flags || (b.flags & (b.flags - 1)) ||
	    (b.index != VFIO_PCI_MSI_IRQ_INDEX &&
	     b.index != VFIO_PCI_MSIX_IRQ_INDEX) ||
	    !b.count || end > VFIO_IRQ_BYPASS_MAX_VECTORS ||
	    data != each * b.count || b.argsz < sizeof(b) + data)
		abort();
	return 0;
}
