// SPDX-License-Identifier: GPL-2.0-only
/*
 * pathlen: a QEMU TCG plugin that measures path lengths, i.e. the number
 * of instructions a vCPU executes between a start and a stop marker.
 *
 * Under TCG, wall-clock time is noise but the instructions executed are
 * exact.  Every instruction executed on a QEMU vCPU is counted on that
 * vCPU, whatever the privilege level (host real mode, host virtual mode,
 * host userspace, KVM guest: to TCG they are all just instructions).
 *
 * Markers are instructions that are no-ops to the CPU:
 *   start: xori r31,r31,0  (0x6bff0000)
 *   stop:  xori r30,r30,0  (0x6bde0000)
 * "xori rX,rX,0" changes nothing (no CR or XER update, no exception) for
 * any X.  The ISA's preferred "executed no-op" is xori 0,0,0 (xnop), so
 * r0 is avoided; compilers never emit an xori of 0, so these two words do
 * not occur in kernel or libc code by accident.  Only executed markers
 * count; the same words as data (the guest payload inside a test binary)
 * are harmless.  A marker may also be given as a code address instead.
 *
 * A span opens when a start marker executes on a vCPU and closes when a
 * stop marker executes on the same vCPU; its length is the number of
 * instructions executed in between (markers excluded: "start; sc 1; stop"
 * counts the sc and everything the host runs until the guest is back).
 * Each closed span is one line in the output file:
 *
 *   span vcpu=V start=0xPC stop=0xPC insns=N hits=SYM,SYM
 *
 * where hits lists the "sym" address ranges (see below) in which at least
 * one instruction executed during the span.  Kernel symbols are matched
 * on their low 60 bits, because the host kernel runs the same code at
 * 0xc000... (relocation on) and at 0x0000... (real mode).
 *
 * Arguments (-plugin file=pathlen.so,key=value,...):
 *   out=FILE              output file (required)
 *   start=0xWORD          start marker instruction word (default above)
 *   stop=0xWORD           stop marker instruction word
 *   start_pc=0xADDR       start marker at this code address instead
 *   stop_pc=0xADDR        stop marker at this code address instead
 *   sym=NAME:0xLO:0xHI    a named range [LO, HI) to report hits of (<= 32)
 *
 * Counting: one callback per executed instruction, which increments the
 * counter of the vCPU it runs on.  That is exact even when an exception
 * leaves a translation block early, and it keeps vCPUs apart (QEMU 7.2's
 * inline counters are neither per vCPU nor atomic).  It slows TCG down by
 * about a third, which is fine for a meter.
 *
 * ABI: QEMU 7.2's plugin API, QEMU_PLUGIN_VERSION 1 (QEMU 6.0 to 8.0).
 * Debian ships no qemu-plugin.h, so the few functions used are declared
 * here, as in include/qemu/qemu-plugin.h of QEMU 7.2: qemu_plugin_id_t is
 * a u64, enum qemu_plugin_cb_flags starts with QEMU_PLUGIN_CB_NO_REGS
 * = 0, and struct qemu_plugin_tb / qemu_plugin_insn are opaque.  The
 * qemu_info_t argument of qemu_plugin_install is not read, so its layout
 * does not matter here.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-api.h"

int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_VCPUS	64
#define MAX_SYMS	32
#define PC_MASK		0x0fffffffffffffffULL	/* real mode ignores EA[0:3] */

struct sym {
	char name[64];
	u64 lo, hi;
};

/* Per vCPU; only that vCPU's thread writes it. */
struct vcpu {
	u64 insns;		/* every instruction executed */
	u64 span_start;	/* insns after the start marker */
	u64 start_pc;
	u32 hits;		/* bit per struct sym */
	bool open;
	u64 spans, restarts, orphans;
};

static struct vcpu vcpus[MAX_VCPUS];
static struct sym syms[MAX_SYMS];
static int nsyms;
static u32 start_word = 0x6bff0000;	/* xori r31,r31,0 */
static u32 stop_word = 0x6bde0000;		/* xori r30,r30,0 */
static u64 start_pc = ~0ULL, stop_pc = ~0ULL;
static FILE *out;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static struct vcpu *vcpu_of(unsigned int index)
{
	return &vcpus[index < MAX_VCPUS ? index : MAX_VCPUS - 1];
}

static void on_insn(unsigned int index, void *userdata)
{
	vcpu_of(index)->insns++;
}

/* An instruction inside sym range (uintptr_t)userdata. */
static void on_sym(unsigned int index, void *userdata)
{
	struct vcpu *v = vcpu_of(index);

	v->insns++;
	if (v->open)
		v->hits |= 1u << (uintptr_t)userdata;
}

static void on_start(unsigned int index, void *userdata)
{
	struct vcpu *v = vcpu_of(index);

	v->insns++;
	if (v->open)
		v->restarts++;
	v->open = true;
	v->hits = 0;
	v->start_pc = (uintptr_t)userdata;
	v->span_start = v->insns;
}

static void on_stop(unsigned int index, void *userdata)
{
	struct vcpu *v = vcpu_of(index);
	char hits[MAX_SYMS * 65] = "-";
	size_t n = 0;
	int i;

	if (!v->open) {
		v->orphans++;
		v->insns++;
		return;
	}
	for (i = 0; i < nsyms; i++)
		if (v->hits & (1u << i))
			n += snprintf(hits + n, sizeof(hits) - n, "%s%s",
				      n ? "," : "", syms[i].name);
	pthread_mutex_lock(&out_lock);
	fprintf(out, "span vcpu=%u start=0x%llx stop=0x%llx insns=%llu hits=%s\n",
		index, (unsigned long long)v->start_pc,
		(unsigned long long)(uintptr_t)userdata,
		(unsigned long long)(v->insns - v->span_start), hits);
	pthread_mutex_unlock(&out_lock);
	v->open = false;
	v->spans++;
	v->insns++;
}

static bool is_marker(u32 word, u32 marker)
{
	/*
	 * The bytes QEMU hands over are the instruction as fetched in the
	 * target's (big-endian) order, byte-swapped for a little-endian
	 * vCPU or not depending on the QEMU version: accept both.  The
	 * swapped forms (primary opcode 0) are not valid instructions.
	 */
	return word == marker || word == __builtin_bswap32(marker);
}

static void tb_trans(u64 id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;

	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		u64 pc = qemu_plugin_insn_vaddr(insn);
		u64 mpc = pc & PC_MASK;
		u32 word = 0;
		void (*cb)(unsigned int, void *) = on_insn;
		void *data = NULL;
		int s;

		if (qemu_plugin_insn_size(insn) == sizeof(word))
			memcpy(&word, qemu_plugin_insn_data(insn), sizeof(word));
		if (start_pc != ~0ULL ? pc == start_pc :
		    is_marker(word, start_word)) {
			cb = on_start;
			data = (void *)(uintptr_t)pc;
		} else if (stop_pc != ~0ULL ? pc == stop_pc :
			   is_marker(word, stop_word)) {
			cb = on_stop;
			data = (void *)(uintptr_t)pc;
		} else {
			for (s = 0; s < nsyms; s++) {
				if (mpc >= syms[s].lo && mpc < syms[s].hi) {
					cb = on_sym;
					data = (void *)(uintptr_t)s;
					break;
				}
			}
		}
		qemu_plugin_register_vcpu_insn_exec_cb(insn, cb,
						       QEMU_PLUGIN_CB_NO_REGS,
						       data);
	}
}

static void at_exit(u64 id, void *userdata)
{
	u64 total = 0, spans = 0, restarts = 0, orphans = 0;
	char msg[256];
	int i;

	for (i = 0; i < MAX_VCPUS; i++) {
		total += vcpus[i].insns;
		spans += vcpus[i].spans;
		restarts += vcpus[i].restarts;
		orphans += vcpus[i].orphans;
	}
	snprintf(msg, sizeof(msg),
		 "total insns=%llu spans=%llu restarts=%llu orphan_stops=%llu\n",
		 (unsigned long long)total, (unsigned long long)spans,
		 (unsigned long long)restarts, (unsigned long long)orphans);
	pthread_mutex_lock(&out_lock);
	fputs(msg, out);
	fflush(out);
	pthread_mutex_unlock(&out_lock);
	qemu_plugin_outs("pathlen: ");
	qemu_plugin_outs(msg);
}

static int parse_sym(const char *arg)
{
	struct sym *s = &syms[nsyms];
	const char *colon = strchr(arg, ':');
	size_t len;
	char *end;

	if (!colon || nsyms == MAX_SYMS)
		return -1;
	len = colon - arg;
	if (len == 0 || len >= sizeof(s->name))
		return -1;
	memcpy(s->name, arg, len);
	s->name[len] = 0;
	s->lo = strtoull(colon + 1, &end, 0) & PC_MASK;
	if (*end != ':')
		return -1;
	s->hi = strtoull(end + 1, &end, 0) & PC_MASK;
	if (*end || s->hi <= s->lo)
		return -1;
	nsyms++;
	return 0;
}

static int parse_arg(const char *arg)
{
	const char *val = strchr(arg, '=');
	size_t key;
	char *end;
	u64 v;

	if (!val)
		return -1;
	key = val++ - arg;
	if (key == 3 && !strncmp(arg, "out", 3)) {
		out = fopen(val, "w");
		return out ? 0 : -1;
	}
	if (key == 3 && !strncmp(arg, "sym", 3))
		return parse_sym(val);
	v = strtoull(val, &end, 0);
	if (*end)
		return -1;
	if (key == 5 && !strncmp(arg, "start", 5))
		start_word = v;
	else if (key == 4 && !strncmp(arg, "stop", 4))
		stop_word = v;
	else if (key == 8 && !strncmp(arg, "start_pc", 8))
		start_pc = v;
	else if (key == 7 && !strncmp(arg, "stop_pc", 7))
		stop_pc = v;
	else
		return -1;
	return 0;
}

int qemu_plugin_install(u64 id, const void *info, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (parse_arg(argv[i])) {
			fprintf(stderr, "pathlen: bad argument '%s'\n", argv[i]);
			return -1;
		}
	}
	if (!out) {
		fprintf(stderr, "pathlen: out=FILE is required\n");
		return -1;
	}
	setvbuf(out, NULL, _IOLBF, 0);	/* a killed QEMU keeps its spans */
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
