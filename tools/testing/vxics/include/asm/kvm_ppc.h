/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike: nothing of asm/kvm_ppc.h is used by the files built here */
#include <linux/kvm_host.h>
