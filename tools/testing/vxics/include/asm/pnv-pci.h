/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike: the PHB's MSI EOI, recorded by the test */
#ifndef _VXICS_SHIM_PNV_PCI_H
#define _VXICS_SHIM_PNV_PCI_H

#include <linux/irq.h>

int pnv_opal_pci_msi_eoi(struct irq_data *d);

#endif
