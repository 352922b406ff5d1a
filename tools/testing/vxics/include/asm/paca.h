/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike: local_paca, per test thread (see asm/kvm_book3s_asm.h) */
#include <asm/kvm_book3s_asm.h>
