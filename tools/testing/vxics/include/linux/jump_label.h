/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Look-alike: a static key is a flag here, read relaxed (the kernel's
 * patched branch is one instruction, either way at any moment).
 */
#ifndef _VXICS_SHIM_JUMP_LABEL_H
#define _VXICS_SHIM_JUMP_LABEL_H

struct static_key_false {
	int enabled;
};

#define DEFINE_STATIC_KEY_FALSE(name)	struct static_key_false name
#define static_branch_likely(k) \
	__atomic_load_n(&(k)->enabled, __ATOMIC_RELAXED)
#define static_branch_enable(k) \
	__atomic_store_n(&(k)->enabled, 1, __ATOMIC_RELAXED)
#define static_branch_disable(k) \
	__atomic_store_n(&(k)->enabled, 0, __ATOMIC_RELAXED)

#endif
