// SPDX-License-Identifier: GPL-2.0-only
/*
 * An IPI sent at any moment around an H_CEDE wakes the vCPU promptly,
 * and the VMM's own registers survive it.  xics_cede_wake sends it once
 * the sleeper is well asleep; here vCPU 0 sends it after a delay that
 * sweeps from nothing (vCPU 1 still on its way into the guest, or in its
 * cede exit) to tens of ms (asleep in the host), round after round.
 * vCPU 1's decrementer is ~4 s away, so a wake-up lost anywhere (our
 * XICS, KVM's vcore wait, the host's reschedule IPI) shows as a round of
 * seconds; one slower than 1 s also dumps what both threads are doing.
 *
 * Both threads hold a value in callee-saved FP registers across each
 * KVM_RUN.  A run that was switched out and back in comes back through
 * __switch_to(), whose restore_math() makes the thread's FP state live
 * again; unless KVM gives it up again before the POWER8 guest entry, the
 * guest's FP load lands in the thread's registers and the VMM reads the
 * guest's values (hook 0009).  That is what once made xics_cede_wake
 * report a 5 s "wake-up": its start time, kept in an FPR, came back 0.
 * On upstream 6.1 (make vmtest-stock) f31 is lost in every round whose
 * sleeper slept in the host.  Round times are kept as timebase values in
 * GPRs, so they measure wake-ups whatever happens to the FPRs.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lib/vxt.h"
#include "lib/xics.h"

GUEST_DECLARE(xics_cede);

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ROUNDS		60
#define SLOW		1.0	/* s: no kick takes this long, the dec ~4 s */
#define TB_HZ		512e6	/* POWER8's timebase */

static struct vxt_vcpu *vcpu[2];
static struct vxt_hcall woke;
/* shared with the sleeper and the watchdog: __atomic accesses */
static int lost_fpr;
static bool woken;		/* the sleeper is back from its run */
static int sleeper_tid, main_tid;
static unsigned long long round_sent;	/* timebase; 0: no round in flight */
static bool test_done;
static __thread double want;	/* f31's value, in memory: reloaded after the call */

/*
 * Run @v to its next hcall holding @val in f31, callee-saved: the call
 * must give it back.  Counts a run after which it did not.
 */
static void run_keeping_f31(struct vxt_vcpu *v, struct vxt_hcall *hc,
			    double val)
{
	/*
	 * f31 is named only at the asm statements; GCC keeps it there across
	 * the call, being callee-saved (checked in the objdump).
	 */
	register double f31 asm("63") = val;

	want = val;
	asm volatile("" : "+d"(f31));
	vxt_vcpu_run_to_hcall(v, hc);
	asm volatile("" : "+d"(f31));
	if (f31 != want) {
		vxt_diag("f31 held %f across KVM_RUN, came back %f", want, f31);
		__atomic_fetch_add(&lost_fpr, 1, __ATOMIC_RELAXED);
	}
}

static void *sleeper(void *arg)
{
	__atomic_store_n(&sleeper_tid, syscall(SYS_gettid), __ATOMIC_RELAXED);
	vxt_pin(1);	/* asleep on another CPU than the sender's */
	/* 0x21 once woken */
	run_keeping_f31(vcpu[1], &woke, 1.5 + (long)arg);
	__atomic_store_n(&woken, true, __ATOMIC_RELEASE);
	return NULL;
}

static void dump_file(const char *what, const char *path, const char *only)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!only || strstr(line, only))
			vxt_diag("%s: %s", what, strtok(line, "\n") ?: "");
	fclose(f);
}

/* What the sleeper's thread and its vCPU look like while it is late. */
static void dump_late(void)
{
	static const char * const stats[] = {
		"halt_wakeup", "halt_successful_wait", "halt_successful_poll",
		"halt_attempted_poll", "signal_exits",
	};
	const int tids[2] = {
		__atomic_load_n(&main_tid, __ATOMIC_RELAXED),
		__atomic_load_n(&sleeper_tid, __ATOMIC_RELAXED),
	};
	char path[64], what[32];
	unsigned int i, v;
	FILE *f;

	for (v = 0; v < 2; v++) {
		snprintf(what, sizeof(what), "vcpu%u thread", v);
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tids[v]);
		dump_file(what, path, NULL);
		snprintf(path, sizeof(path), "/proc/self/task/%d/stack", tids[v]);
		dump_file(what, path, NULL);
		for (i = 0; i < ARRAY_SIZE(stats); i++)
			vxt_diag("vcpu%u %s %lld", v, stats[i],
				 vxt_vcpu_stat(vcpu[v], stats[i]));
	}
	dump_file("interrupts", "/proc/interrupts", "IPI");
	dump_file("sched", "/proc/sched_debug", "cpu#");
	dump_file("sched", "/proc/sched_debug", ".nr_running");
	dump_file("sched", "/proc/sched_debug", "curr->pid");
	/* every CPU's backtrace on the console */
	f = fopen("/proc/sysrq-trigger", "w");
	if (f) {
		fputs("l", f);
		fclose(f);
	}
}

/* Dump once if a round is still not done SLOW s after its H_IPI. */
static void *watchdog(void *arg)
{
	bool dumped = false;
	unsigned long long t;
	double late;

	while (!__atomic_load_n(&test_done, __ATOMIC_RELAXED)) {
		usleep(10000);
		t = __atomic_load_n(&round_sent, __ATOMIC_RELAXED);
		late = t ? (__builtin_ppc_get_timebase() - t) / TB_HZ : 0;
		if (late > SLOW && !dumped &&
		    !__atomic_load_n(&woken, __ATOMIC_ACQUIRE)) {
			vxt_diag("no wake %.2f s after the H_IPI: the threads now",
				 late);
			dump_late();
			dumped = true;
		}
	}
	return NULL;
}

int main(void)
{
	struct vxt_hcall hc;
	struct vxt_vm *vm;
	pthread_t t, wd;
	unsigned long long sent, back;	/* timebase, in GPRs: not FP */
	double wait, worst = 0;
	int i, xfd, slow = 0, bad = 0;

	vxt_plan(4);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device");
	GUEST_LOAD(vm, xics_cede);
	for (i = 0; i < 2; i++) {
		vcpu[i] = vxt_vcpu_add(vm, i, VXT_GUEST_ENTRY);
		vxt_vcpu_set_gpr(vcpu[i], 31, i);
		VXT_REQUIRE(!xics_icp_attach(vcpu[i], xfd, i), "attach ICP %d", i);
	}

	__atomic_store_n(&main_tid, syscall(SYS_gettid), __ATOMIC_RELAXED);
	/* the main thread and the watchdog time rounds by one CPU's timebase */
	vxt_pin(0);
	pthread_create(&wd, NULL, watchdog, NULL);
	for (i = 0; i < ROUNDS; i++) {
		vxt_vcpu_run_to_hcall(vcpu[1], &hc);
		if (hc.nr != VXT_H_REPORT || hc.args[0] != 0x20)
			break;
		__atomic_store_n(&woken, false, __ATOMIC_RELAXED);
		pthread_create(&t, NULL, sleeper, (void *)(long)i);
		/* 0, 1, ... 9 ms, then 20, 30, ... 110 ms, and again */
		usleep(i % 20 < 10 ? (i % 20) * 1000 : (i % 20 - 8) * 10000);
		vxt_vcpu_run_to_hcall(vcpu[0], &hc);	/* 0x10: the go */
		sent = __builtin_ppc_get_timebase();
		__atomic_store_n(&round_sent, sent, __ATOMIC_RELAXED);
		run_keeping_f31(vcpu[0], &hc, 2.5 + i);
		back = __builtin_ppc_get_timebase();
		if (hc.nr != VXT_H_REPORT || hc.args[0] != 0x11 || hc.args[1])
			bad++;
		pthread_join(t, NULL);
		wait = (__builtin_ppc_get_timebase() - sent) / TB_HZ;
		__atomic_store_n(&round_sent, 0, __ATOMIC_RELAXED);
		if (woke.nr != VXT_H_REPORT || woke.args[0] != 0x21 ||
		    woke.args[1] != 0xff000002)
			bad++;
		if (wait > worst)
			worst = wait;
		if (wait > SLOW) {
			vxt_diag("round %d: woke %.3f s after the H_IPI (back in %.3f s)",
				 i, wait, (back - sent) / TB_HZ);
			slow++;
		}
	}
	__atomic_store_n(&test_done, true, __ATOMIC_RELAXED);
	pthread_join(wd, NULL);

	vxt_ok(i == ROUNDS, "R6: %d rounds of cede, IPI, wake", i);
	vxt_ok(!bad, "R16 R6: every H_IPI succeeded and was taken as XIRR 0xff000002 (%d not)",
	       bad);
	vxt_ok(!slow, "every round kicked awake, not by its decrementer (%d slow, worst %.3f s)",
	       slow, worst);
	vxt_ok(!lost_fpr, "the VMM threads' FPRs survive every KVM_RUN, cede sleeps too (%d lost)",
	       lost_fpr);
	return vxt_exit();
}
