/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The subset of QEMU's TCG plugin API that pathlen uses, declared by us:
 * Debian ships no qemu-plugin.h.
 *
 * Target: QEMU 7.2 (include/qemu/qemu-plugin.h there), plugin API
 * QEMU_PLUGIN_VERSION 1, which QEMU 6.0 to 8.0 accept.  What the ABI
 * needs to match:
 *  - qemu_plugin_id_t is a uint64_t;
 *  - enum qemu_plugin_cb_flags: QEMU_PLUGIN_CB_NO_REGS = 0 (passed as int,
 *    which is how an enum of these values is passed);
 *  - struct qemu_plugin_tb and struct qemu_plugin_insn are opaque;
 *  - the plugin exports "int qemu_plugin_version" and
 *    "int qemu_plugin_install(qemu_plugin_id_t, const qemu_info_t *, int,
 *    char **)".  qemu_info_t is only passed through as a pointer here and
 *    never read, so its layout does not matter to us.
 */
#ifndef _PATHLEN_QEMU_PLUGIN_API_H
#define _PATHLEN_QEMU_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned long long u64;
typedef unsigned int u32;

#define QEMU_PLUGIN_EXPORT	__attribute__((visibility("default")))
#define QEMU_PLUGIN_VERSION	1
#define QEMU_PLUGIN_CB_NO_REGS	0

struct qemu_plugin_tb;
struct qemu_plugin_insn;

void qemu_plugin_register_vcpu_tb_trans_cb(u64 id,
					   void (*cb)(u64 id,
						      struct qemu_plugin_tb *tb));
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    void (*cb)(unsigned int vcpu_index,
						       void *userdata),
					    int flags, void *userdata);
void qemu_plugin_register_atexit_cb(u64 id,
				    void (*cb)(u64 id, void *userdata),
				    void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *
qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
u64 qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

/* Exported by the plugin. */
extern QEMU_PLUGIN_EXPORT int qemu_plugin_version;
QEMU_PLUGIN_EXPORT int qemu_plugin_install(u64 id, const void *info,
					   int argc, char **argv);

#endif /* _PATHLEN_QEMU_PLUGIN_API_H */
