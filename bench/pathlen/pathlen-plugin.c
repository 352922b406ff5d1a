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
 *   lap:   xori r29,r29,0  (0x6bbd0000)
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
 * A lap marker inside an open span records the count so far (the first
 * one only), so one span can measure a path and a prefix of it.  Each
 * closed span is one line in the output file:
 *
 *   span vcpu=V start=0xPC stop=0xPC insns=N hits=SYM,SYM[ lap=N]
 *        [ in=SYM:N,SYM:N][ lapin=SYM:N,SYM:N]
 *
 * where in= counts the span's instructions inside each name's ranges
 * (lapin=: up to the lap), and
 * hits lists the "sym" address ranges (see below) in which at least
 * one instruction executed during the span.  Kernel symbols are matched
 * on their low 60 bits, because the host kernel runs the same code at
 * 0xc000... (relocation on) and at 0x0000... (real mode).
 *
 * Arguments (-plugin file=pathlen.so,key=value,...):
 *   out=FILE              output file (required)
 *   start=0xWORD          start marker instruction word (default above)
 *   stop=0xWORD           stop marker instruction word
 *   lap=0xWORD            lap marker instruction word
 *   start_pc=0xADDR       start marker at this code address instead
 *   stop_pc=0xADDR        stop marker at this code address instead
 *                         (addresses compared on their low 60 bits, as
 *                         sym ranges are)
 *   sym=NAME:0xLO:0xHI    a named range [LO, HI) to report hits of; a
 *                         name may have many ranges (<= 32 names)
 *   symfile=FILE          more sym ranges, one NAME:0xLO:0xHI per line
 *   trace=FILE            write the PC of every instruction of one span
 *   tracespan=N           ... only the Nth span opened (from 0), on any
 *                         vCPU (default: every span; one vCPU's spans)
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
#define MAX_NAMES	32		/* a bit each in struct vcpu's hits */
#define MAX_SYMS	8192		/* address ranges, several per name */
#define TRACE_MAX	100000		/* instructions traced per span */
#define PC_MASK		0x0fffffffffffffffULL	/* real mode ignores EA[0:3] */

struct sym {
	u64 lo, hi;
	int name;		/* index in names[] */
};

/* Per vCPU; only that vCPU's thread writes it. */
struct vcpu {
	u64 insns;		/* every instruction executed */
	u64 span_start;	/* insns after the start marker */
	u64 lap;		/* insns from start to the first lap, +1; 0: none */
	u64 start_pc;
	u32 hits;		/* bit per name */
	u64 in[MAX_NAMES];	/* instructions inside each name's ranges */
	u64 lap_in[MAX_NAMES];	/* the same at the first lap */
	bool open;
	bool traced;		/* this span's PCs go to the trace file */
	u64 spans, restarts, orphans;
};

static struct vcpu vcpus[MAX_VCPUS];
static struct sym syms[MAX_SYMS];
static int nsyms;
static char names[MAX_NAMES][64];
static int nnames;
static u32 start_word = 0x6bff0000;	/* xori r31,r31,0 */
static u32 stop_word = 0x6bde0000;		/* xori r30,r30,0 */
static u32 lap_word = 0x6bbd0000;		/* xori r29,r29,0 */
static u64 start_pc = ~0ULL, stop_pc = ~0ULL;
static FILE *out;
static FILE *trace;		/* trace=FILE: the PCs of span number trace_span */
static u64 trace_span = ~0ULL, spans_opened;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static struct vcpu *vcpu_of(unsigned int index)
{
	return &vcpus[index < MAX_VCPUS ? index : MAX_VCPUS - 1];
}

/* The instruction at @pc, with its vCPU @v, into the trace if traced */
static void trace_pc(struct vcpu *v, u64 pc)
{
	if (v->insns - v->span_start > TRACE_MAX)
		v->traced = false;	/* a span left open: enough */
	else
		fprintf(trace, "%llx\n", (unsigned long long)pc);
}

static void on_insn(unsigned int index, void *userdata)
{
	struct vcpu *v = vcpu_of(index);

	v->insns++;
	if (v->traced)
		trace_pc(v, (uintptr_t)userdata);
}

/* An instruction inside the ranges of the names in mask (uintptr_t)userdata */
static void on_sym(unsigned int index, void *userdata)
{
	struct vcpu *v = vcpu_of(index);
	u32 mask = (uintptr_t)userdata;

	v->insns++;
	if (v->open) {
		v->hits |= mask;
		for (; mask; mask &= mask - 1)
			v->in[__builtin_ctz(mask)]++;
	}
}

static void on_start(unsigned int index, void *userdata)
{
	struct vcpu *v = vcpu_of(index);

	v->insns++;
	if (v->open)
		v->restarts++;
	v->open = true;
	v->traced = false;
	if (trace) {
		u64 nr = __atomic_fetch_add(&spans_opened, 1, __ATOMIC_RELAXED);

		v->traced = trace_span == ~0ULL || nr == trace_span;
		if (v->traced)
			fprintf(trace, "start %llu vcpu %u\n",
				(unsigned long long)nr, index);
	}
	v->hits = 0;
	memset(v->in, 0, sizeof(v->in));
	v->lap = 0;
	v->start_pc = (uintptr_t)userdata;
	v->span_start = v->insns;
}

static void on_lap(unsigned int index, void *userdata)
{
	struct vcpu *v = vcpu_of(index);

	if (v->open && !v->lap) {
		v->lap = v->insns - v->span_start + 1;
		memcpy(v->lap_in, v->in, sizeof(v->in));
	}
	v->insns++;
}

static void on_stop(unsigned int index, void *userdata)
{
	struct vcpu *v = vcpu_of(index);
	char hits[MAX_NAMES * 65] = "-", in[MAX_NAMES * 90] = "";
	char lap[32] = "", lap_in[MAX_NAMES * 90] = "";
	size_t n = 0, m = 0, l = 0;
	int i;

	if (!v->open) {
		v->orphans++;
		v->insns++;
		return;
	}
	for (i = 0; i < nnames; i++) {
		if (!(v->hits & (1u << i)))
			continue;
		n += snprintf(hits + n, sizeof(hits) - n, "%s%s",
			      n ? "," : "", names[i]);
		m += snprintf(in + m, sizeof(in) - m, "%s%s:%llu",
			      m ? "," : " in=", names[i],
			      (unsigned long long)v->in[i]);
		if (v->lap)
			l += snprintf(lap_in + l, sizeof(lap_in) - l,
				      "%s%s:%llu", l ? "," : " lapin=",
				      names[i],
				      (unsigned long long)v->lap_in[i]);
	}
	if (v->lap)
		snprintf(lap, sizeof(lap), " lap=%llu",
			 (unsigned long long)(v->lap - 1));
	pthread_mutex_lock(&out_lock);
	fprintf(out, "span vcpu=%u start=0x%llx stop=0x%llx insns=%llu hits=%s%s%s%s\n",
		index, (unsigned long long)v->start_pc,
		(unsigned long long)(uintptr_t)userdata,
		(unsigned long long)(v->insns - v->span_start), hits, lap, in,
		lap_in);
	pthread_mutex_unlock(&out_lock);
	v->open = false;
	v->traced = false;
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
		void *data = trace ? (void *)(uintptr_t)pc : NULL;
		int s;

		if (qemu_plugin_insn_size(insn) == sizeof(word))
			memcpy(&word, qemu_plugin_insn_data(insn), sizeof(word));
		if (start_pc != ~0ULL ? mpc == start_pc :
		    is_marker(word, start_word)) {
			cb = on_start;
			data = (void *)(uintptr_t)pc;
		} else if (stop_pc != ~0ULL ? mpc == stop_pc :
			   is_marker(word, stop_word)) {
			cb = on_stop;
			data = (void *)(uintptr_t)pc;
		} else if (is_marker(word, lap_word)) {
			cb = on_lap;
		} else {
			u32 mask = 0;

			for (s = 0; s < nsyms; s++)
				if (mpc >= syms[s].lo && mpc < syms[s].hi)
					mask |= 1u << syms[s].name;
			if (mask) {
				cb = on_sym;
				data = (void *)(uintptr_t)mask;
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

/* The index of @name (@len bytes) in names[], added if new; -1: full */
static int name_index(const char *name, size_t len)
{
	int i;

	if (len == 0 || len >= sizeof(names[0]))
		return -1;
	for (i = 0; i < nnames; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], name, len))
			return i;
	if (nnames == MAX_NAMES)
		return -1;
	memcpy(names[nnames], name, len);
	names[nnames][len] = 0;
	return nnames++;
}

/* "NAME:0xLO:0xHI" */
static int parse_sym(const char *arg)
{
	struct sym *s = &syms[nsyms];
	const char *colon = strchr(arg, ':');
	char *end;

	if (!colon || nsyms == MAX_SYMS)
		return -1;
	s->name = name_index(arg, colon - arg);
	if (s->name < 0)
		return -1;
	s->lo = strtoull(colon + 1, &end, 0) & PC_MASK;
	if (*end != ':')
		return -1;
	s->hi = strtoull(end + 1, &end, 0) & PC_MASK;
	if (*end || s->hi <= s->lo)
		return -1;
	nsyms++;
	return 0;
}

/* A file of "NAME:0xLO:0xHI" lines, for more ranges than a command line */
static int parse_symfile(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");
	int ret = f ? 0 : -1;

	while (!ret && f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0])
			ret = parse_sym(line);
	}
	if (f)
		fclose(f);
	return ret;
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
	if (key == 7 && !strncmp(arg, "symfile", 7))
		return parse_symfile(val);
	if (key == 5 && !strncmp(arg, "trace", 5)) {
		trace = fopen(val, "w");
		return trace ? 0 : -1;
	}
	v = strtoull(val, &end, 0);
	if (*end)
		return -1;
	if (key == 5 && !strncmp(arg, "start", 5))
		start_word = v;
	else if (key == 4 && !strncmp(arg, "stop", 4))
		stop_word = v;
	else if (key == 9 && !strncmp(arg, "tracespan", 9))
		trace_span = v;
	else if (key == 3 && !strncmp(arg, "lap", 3))
		lap_word = v;
	else if (key == 8 && !strncmp(arg, "start_pc", 8))
		start_pc = v & PC_MASK;
	else if (key == 7 && !strncmp(arg, "stop_pc", 7))
		stop_pc = v & PC_MASK;
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
