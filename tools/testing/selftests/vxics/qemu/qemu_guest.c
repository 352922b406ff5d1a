// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unmodified QEMU in the loop: Debian 12's own ppc64el qemu-system-ppc64
 * boots a Linux pseries guest under KVM-HV inside the emulated POWER8
 * host, on our in-kernel XICS (kernel-irqchip=on) and on QEMU's own XICS
 * (kernel-irqchip=off) as the reference row: a scenario that passes there
 * and fails on ours is our bug.  The guest's /init (guest_init.c) prints
 * its checks as "[guest] ok N - ..." on the serial console; each becomes
 * one TAP line here, and so do the host-side checks (who holds the
 * kvm-xics fd, how QEMU ended).  A guest that hangs is killed at its
 * deadline and fails.
 *
 * Scenarios, each on ours and then on QEMU's (REF_TODO), migration only on
 * request:
 *   boot       the guest's own checks (XICS, 2 CPUs, IPIs on both)
 *   pci        (a boot with "vxics.pci") an e1000e and an NVMe of the host
 *              passed through with vfio-pci: link, ARP answered, each NIC
 *              vector counted alike by guest, our XICS and host, vectors
 *              moved between CPUs, NIC down/up, O_DIRECT data read back;
 *              on ours the vectors are mapped and some bypassed, and the
 *              same again with vxics.bypass=0 (none bypassed)
 *   migration  the running guest is saved by one QEMU (migrate to a file,
 *              through QMP) and restored by a second (-incoming): our XICS
 *              state crosses over, IPIs and timers keep working there
 *   bench      instead of the others, with "vxics.qemu-bench=S": the
 *              workloads of bench/emulated, on our kernel or upstream's
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "../lib/vfio.h"
#include "../lib/vxt.h"
#include "../lib/nic.h"

#define QEMU		"/usr/bin/qemu-system-ppc64"
#define BOOT_TIMEOUT	150	/* s: boot to poweroff is ~4-9 s under TCG */
#define GUEST_CHECKS	5	/* the ok lines guest_init.c always prints */
#define MIGRATE_CHECKS	3	/* ... and after "ready" with vxt.migrate */
#define PCI_CHECKS	11	/* ... and with vxt.pci */
#define MACHINE_OPTS	\
	"x-vof=on,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off"
#define MIG_FILE	"/tmp/vxt-migration"
/*
 * Migration runs with "vxics.qemu-migration" on the host's command line
 * (make vmtest-qemu-migration); see testing.rst for where it stands.
 */
#define QMP_PIPE	"/tmp/vxt-qmp"
#define QMP_MIGRATE	\
	"{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"exec:cat > " MIG_FILE "\"}}\n"

#define TAIL	24		/* console lines kept for a failure report */
/* the guest's tools disk (fio), read-only on virtio-blk */
#define TOOLS_DISK	"-drive", \
	"file=/guest/tools.img,if=none,id=tools,format=raw,readonly=on", \
	"-device", "virtio-blk-pci,drive=tools"
/*
 * QEMU's own XICS is the reference, not the product: its rows are TAP
 * TODO lines, shown and counted but not failing the run (under TCG it
 * has hung and lost NIC resets where ours did not, see testing.rst).  A
 * scenario that passes there and fails on ours still fails, on ours.
 */
#define REF_TODO	"reference row: QEMU's own XICS"
#define BYPASS_PARAM	"/sys/module/vxics/parameters/bypass"
#define UPSTREAM_BYPASS	"/sys/module/kvm_hv/parameters/kvm_irq_bypass"
#define STALL	1.0		/* s without a guest heartbeat: a stall */
#define HANG	60.0		/* s without one: a hang, the run is killed */

struct qemu {
	pid_t pid;
	int fd;			/* its serial console and stderr */
	char line[1024];
	int len;
	char buf[4096];
	int off, n;
	char tail[TAIL][160];	/* the last console lines, a ring */
	int n_tail;
	/* the stall watchdog, armed by the guest's first "hb" line */
	bool armed, captured, hung;
	double last;		/* when the last guest line came */
	double last_clock;	/* ... by the clock */
	int n_stalls;		/* gaps over STALL */
	double worst;		/* the longest gap */
	const char *hit;	/* the line guest_checks() stopped at */
};

/* A run that went wrong: show how its console ended. */
static void show_tail(struct qemu *q, const char *tag)
{
	int i = q->n_tail > TAIL ? q->n_tail - TAIL : 0;

	vxt_diag("%s: the console's last lines:", tag);
	for (; i < q->n_tail; i++)
		vxt_diag("%s: | %s", tag, q->tail[i % TAIL]);
}

/*
 * Seconds by this CPU's timebase (POWER8: 512 MHz): every deadline and
 * gap here is measured with it, not with the clock, which can leap (see
 * host_clock_leapt()).  The CPUs' timebases agree within milliseconds.
 */
/* A check of our row (@ours) or of the reference row (TODO). */
static bool __attribute__((format(printf, 3, 4)))
row_ok(bool ours, bool cond, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ours ? vxt_ok(cond, "%s", msg) : vxt_todo(cond, REF_TODO, "%s", msg);
}

static double now(void)
{
	return __builtin_ppc_get_timebase() / 512e6;
}

/* Seconds by the emulated host's CLOCK_MONOTONIC. */
static double clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Does process @pid hold an fd on the anon inode "kvm-xics"? */
static bool holds_xics_fd(pid_t pid)
{
	char dir[64], path[320], target[128];
	struct dirent *d;
	bool found = false;
	ssize_t n;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return false;
	while (!found && (d = readdir(dp))) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = 0;
			found = !strcmp(target, "anon_inode:kvm-xics");
		}
	}
	closedir(dp);
	return found;
}

/*
 * Start QEMU with the guest.  The cap-* options: the emulated host's
 * firmware advertises no speculation mitigations, and QEMU refuses to
 * start without them.  @extra: more arguments (NULL-terminated).
 */
static void start_qemu(struct qemu *q, const char *irqchip, const char *append,
		       const char *const *extra)
{
	const char *argv[40];
	char machine[256];
	int pfd[2], n = 0;

	snprintf(machine, sizeof(machine), "pseries,accel=kvm,kernel-irqchip=%s,%s",
		 irqchip, MACHINE_OPTS);
	argv[n++] = QEMU;
	argv[n++] = "-M";
	argv[n++] = machine;
	argv[n++] = "-cpu";
	argv[n++] = "host";
	argv[n++] = "-smp";
	argv[n++] = "2";
	argv[n++] = "-m";
	argv[n++] = "256M";
	argv[n++] = "-nodefaults";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-serial";
	argv[n++] = "stdio";
	argv[n++] = "-kernel";
	argv[n++] = "/guest/vmlinux";
	argv[n++] = "-initrd";
	argv[n++] = "/guest/initramfs.cpio.gz";
	argv[n++] = "-append";
	argv[n++] = append;
	while (extra && *extra)
		argv[n++] = *extra++;
	argv[n] = NULL;

	memset(q, 0, sizeof(*q));
	q->last = now();
	q->last_clock = clock_now();
	VXT_REQUIRE(!pipe(pfd), "pipe");
	q->pid = fork();
	VXT_REQUIRE(q->pid >= 0, "fork");
	if (q->pid == 0) {
		setpgid(0, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execv(QEMU, (char *const *)argv);
		printf("exec %s: %s\n", QEMU, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	q->fd = pfd[0];
}

static void show_file(const char *path, const char *prefix, int max)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (max-- > 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		vxt_diag("%s%s", prefix, line);
	}
	fclose(f);
}

/*
 * A stall: the guest has printed nothing for @gap seconds.  Show what the
 * host sees at this moment: our XICS state for the VM (its debugfs file,
 * if QEMU uses ours) and every QEMU thread's state and kernel stack.
 */
static void capture(struct qemu *q, const char *tag, double gap)
{
	char path[320], comm[64], stat[512];
	struct dirent *d;
	DIR *dp;
	FILE *f;

	vxt_diag("%s: stall: no guest output for %.1f s; the host sees:", tag, gap);
	dp = opendir("/sys/kernel/debug/kvm");
	snprintf(comm, sizeof(comm), "%d-", q->pid);
	while (dp && (d = readdir(dp)))
		if (!strncmp(d->d_name, comm, strlen(comm))) {
			snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%s/vxics",
				 d->d_name);
			show_file(path, "  xics: ", 200);
		}
	if (dp)
		closedir(dp);
	snprintf(path, sizeof(path), "/proc/%d/task", q->pid);
	dp = opendir(path);
	while (dp && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", q->pid, d->d_name);
		comm[0] = 0;
		f = fopen(path, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = 0;
			comm[strcspn(comm, "\n")] = 0;
			fclose(f);
		}
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", q->pid, d->d_name);
		stat[0] = 0;
		f = fopen(path, "r");
		if (f) {
			if (!fgets(stat, sizeof(stat), f))
				stat[0] = 0;
			fclose(f);
		}
		vxt_diag("  thread %s (%s) state %c", d->d_name, comm,
			 strrchr(stat, ')') ? strrchr(stat, ')')[2] : '?');
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", q->pid, d->d_name);
		show_file(path, "    ", 16);
	}
	if (dp)
		closedir(dp);
}

static int n_clock_leaps, n_clock_blips;

/*
 * The emulated host's CLOCK_MONOTONIC can leap forward by 2^40 ns
 * (1099.5 s) at once: seen as the clock running that far ahead of the
 * timebase since the last guest line.  2^40 ns is what a small negative
 * timebase delta becomes (2^64 * mult >> shift): one emulated CPU's
 * timebase fell behind another's, by KVM-HV's TBU40 writes under TCG (see
 * testing.rst).  The test kernels keep the kernel's clock from leaping
 * (CONFIG_VXICS_TEST_EMULATED_TIMEBASE); the vDSO computes its own delta,
 * so a single read in userspace can still be that far ahead (a blip: the
 * next read is back).  Not our code; reported so a failure can be told
 * apart from it.
 */
static void host_clock_leapt(struct qemu *q)
{
	double by = (clock_now() - q->last_clock) - (now() - q->last);

	if (by < 100)
		return;
	if ((clock_now() - q->last_clock) - (now() - q->last) < 100) {
		n_clock_blips++;
		vxt_diag("one read of the emulated host's clock was %.1f s ahead", by);
		return;
	}
	n_clock_leaps++;
	vxt_diag("the emulated host's clock leapt %.1f s ahead of its timebase", by);
	q->last_clock += by;
}

/*
 * The next "[guest] " line of @q's console (the text after the prefix),
 * or NULL at EOF or @deadline.  Other lines that look like trouble are
 * shown as diagnostics.
 */
static const char *guest_line(struct qemu *q, const char *tag, double deadline)
{
	struct pollfd p = { .fd = q->fd, .events = POLLIN };
	char *g;

	for (;;) {
		while (q->off < q->n) {
			char c = q->buf[q->off++];

			if (c == '\r')
				continue;
			if (c != '\n' && q->len < (int)sizeof(q->line) - 1) {
				q->line[q->len++] = c;
				continue;
			}
			q->line[q->len] = 0;
			q->len = 0;
			snprintf(q->tail[q->n_tail++ % TAIL], sizeof(q->tail[0]),
				 "%.150s", q->line);
			g = strstr(q->line, "[guest] ");
			if (g)
				host_clock_leapt(q);
			if (g && q->armed && now() - q->last > STALL) {
				q->n_stalls++;
				vxt_diag("%s: stall of %.1f s ended", tag, now() - q->last);
			}
			if (g && q->armed && now() - q->last > q->worst)
				q->worst = now() - q->last;
			if (g) {
				q->last = now();
				q->last_clock = clock_now();
				q->captured = false;
			}
			if (g && !strncmp(g + 8, "hb ", 3)) {
				q->armed = true;
				continue;
			}
			if (g)
				return g + 8;
			if (strstr(q->line, "qemu-system") || strstr(q->line, "panic") ||
			    strstr(q->line, "Oops") || strstr(q->line, "BUG"))
				vxt_diag("%s: %s", tag, q->line);
		}
		host_clock_leapt(q);
		if (q->armed && !q->captured && now() - q->last > STALL) {
			capture(q, tag, now() - q->last);
			q->captured = true;
		}
		if (q->armed && now() - q->last > HANG) {
			capture(q, tag, now() - q->last);
			q->hung = true;
			return NULL;
		}
		if (now() >= deadline)
			return NULL;
		if (poll(&p, 1, 200) <= 0)
			continue;
		q->n = read(q->fd, q->buf, sizeof(q->buf));
		q->off = 0;
		if (q->n <= 0)
			return NULL;
	}
}

/*
 * The guest's timebase minus ours, as the guest's first line found it:
 * zero unless QEMU gave the VM a timebase offset, which KVM-HV then
 * applies with TBU40 writes at every guest entry and exit.
 */
static void guest_tb_offset(const char *tag, const char *guest_tb)
{
	double off = strtoull(guest_tb, NULL, 10) / 512e6 - now();

	vxt_diag("%s: guest timebase %s ours by %.1f s", tag,
		 off < 0 ? "behind" : "ahead of", off < 0 ? -off : off);
}

/*
 * Turn the guest's check lines into TAP until "[guest] @until" (or its
 * "done").  Returns whether @until was seen; counts the checks.
 */
static bool guest_checks(struct qemu *q, const char *tag, const char *until,
			 double deadline, int *checks, const char *todo)
{
	const char *l, *what;

	while ((l = guest_line(q, tag, deadline))) {
		if (!strncmp(l, "ok ", 3) || !strncmp(l, "not ok ", 7)) {
			(*checks)++;
			what = strchr(l, '-') ? strchr(l, '-') + 2 : l;
			if (todo)
				vxt_todo(!strncmp(l, "ok ", 3), todo, "%s: guest: %s",
					 tag, what);
			else
				vxt_ok(!strncmp(l, "ok ", 3), "%s: guest: %s", tag,
				       what);
		} else if (!strncmp(l, until, strlen(until))) {
			q->hit = l + strlen(until);
			return true;
		} else if (!strncmp(l, "start tb ", 9)) {
			guest_tb_offset(tag, l + 9);
		} else {
			vxt_diag("%s: %s", tag, l);
		}
	}
	return false;
}

static int finish(struct qemu *q, bool kill_it)
{
	int status = -1;

	if (kill_it)
		kill(-q->pid, SIGKILL);
	/*
	 * Bounded: a QEMU stuck in the host kernel does not die on SIGKILL,
	 * and the test must fail, not hang.
	 */
	for (int i = 0; i < 300 && waitpid(q->pid, &status, WNOHANG) == 0; i++)
		usleep(100000);
	if (status == -1)
		vxt_diag("QEMU pid %d did not go away in 30 s (stuck in the kernel?)",
			 q->pid);
	if (kill_it || !WIFEXITED(status) || WEXITSTATUS(status)) {
		vxt_diag("QEMU pid %d: %s %d", q->pid,
			 WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		show_tail(q, "QEMU");
	}
	close(q->fd);
	return status;
}

static void missing_checks(bool ours, const char *tag, int got, int want)
{
	while (got++ < want)
		row_ok(ours, false, "%s: guest check missing", tag);
}

/* boot: the guest's checks, the kvm-xics fd, a clean poweroff */
static void scenario_boot(const char *irqchip, bool ours)
{
	double start = now();
	int checks = 0, status;
	struct qemu q;
	char tag[64];
	bool done;

	snprintf(tag, sizeof(tag), "boot, kernel-irqchip=%s", irqchip);
	start_qemu(&q, irqchip, "console=hvc0 panic=-1 quiet", NULL);
	done = guest_checks(&q, tag, "done", start + BOOT_TIMEOUT, &checks,
			    ours ? NULL : REF_TODO);
	row_ok(ours, holds_xics_fd(q.pid) == ours || !done,
	       "%s: QEMU %s the kvm-xics device fd", tag,
	       ours ? "holds" : "does not hold");
	status = finish(&q, !done);
	missing_checks(ours, tag, checks, GUEST_CHECKS);
	row_ok(ours, done && WIFEXITED(status) && !WEXITSTATUS(status),
	       "%s: the guest powered off, QEMU exited 0 (%.1f s)", tag,
	       now() - start);
}

/* A QMP command; true if QEMU's answer has "return". */
static bool qmp(int wfd, int rfd, const char *cmd, char *answer, size_t len)
{
	struct pollfd p = { .fd = rfd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	if (write(wfd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd))
		return false;
	answer[0] = 0;
	while (got < len - 1 && poll(&p, 1, 10000) > 0) {
		n = read(rfd, answer + got, len - 1 - got);
		if (n <= 0)
			break;
		got += n;
		answer[got] = 0;
		/* events may come first; the answer ends its own line */
		if (strstr(answer, "\"return\"") || strstr(answer, "\"error\""))
			break;
	}
	return strstr(answer, "\"return\"");
}

/*
 * QMP over two FIFOs (QEMU's "pipe" chardev: it reads PATH.in and writes
 * PATH.out): the emulated host's kernel has no unix sockets.  Returns the
 * fd to write commands to; *rfd is where the answers come from.
 */
static int qmp_connect(const char *path, int *rfd)
{
	char in[128], out[128], greeting[4096];
	struct pollfd p;
	int wfd;

	snprintf(in, sizeof(in), "%s.in", path);
	snprintf(out, sizeof(out), "%s.out", path);
	wfd = open(in, O_RDWR);
	*rfd = open(out, O_RDWR);
	if (wfd < 0 || *rfd < 0)
		return -1;
	p = (struct pollfd){ .fd = *rfd, .events = POLLIN };
	if (poll(&p, 1, 20000) <= 0 ||
	    read(*rfd, greeting, sizeof(greeting) - 1) <= 0)
		return -1;
	return wfd;
}

/*
 * migration: the guest runs on QEMU A until it is busy ("ready"); A saves
 * it to a file (migrate to "exec:cat > FILE", through QMP) and quits; QEMU
 * B starts with -incoming from that file and the guest finishes its checks
 * there.
 */
static void scenario_migrate(const char *irqchip, bool ours)
{
	static const char *const src_extra[] = {
		"-chardev", "pipe,id=qmp,path=" QMP_PIPE,
		"-mon", "chardev=qmp,mode=control", NULL
	};
	static const char *const dst_extra[] = {
		"-incoming", "exec:cat " MIG_FILE, NULL
	};
	const char *append = "console=hvc0 panic=-1 quiet vxt.migrate";
	double start = now(), deadline = start + BOOT_TIMEOUT + 120;
	int checks = 0, wfd = -1, rfd = -1, st_a, st_b = -1;
	bool ready, done = false, saved = false;
	char tag[64], ans[8192];
	struct qemu a, b;

	snprintf(tag, sizeof(tag), "migration, kernel-irqchip=%s", irqchip);
	unlink(MIG_FILE);
	unlink(QMP_PIPE ".in");
	unlink(QMP_PIPE ".out");
	VXT_REQUIRE(!mkfifo(QMP_PIPE ".in", 0600) && !mkfifo(QMP_PIPE ".out", 0600),
		    "QMP fifos");
	start_qemu(&a, irqchip, append, src_extra);
	ready = guest_checks(&a, tag, "ready", start + BOOT_TIMEOUT, &checks,
			     ours ? NULL : REF_TODO);
	if (ready)
		wfd = qmp_connect(QMP_PIPE, &rfd);
	if (wfd >= 0 &&
	    qmp(wfd, rfd, "{\"execute\":\"qmp_capabilities\"}\n", ans, sizeof(ans)) &&
	    qmp(wfd, rfd, QMP_MIGRATE, ans, sizeof(ans))) {
		while (now() < deadline) {
			qmp(wfd, rfd, "{\"execute\":\"query-migrate\"}\n", ans,
			    sizeof(ans));
			if (strstr(ans, "\"completed\"") || strstr(ans, "\"failed\""))
				break;
			usleep(200000);
		}
		saved = strstr(ans, "\"completed\"");
	}
	if (!saved)
		vxt_diag("%s: QMP said: %.300s", tag, ans);
	if (wfd >= 0)
		qmp(wfd, rfd, "{\"execute\":\"quit\"}\n", ans, sizeof(ans));
	row_ok(ours, saved, "%s: QEMU A saved the running guest (%.1f s in)", tag,
	       now() - start);
	st_a = finish(&a, !saved);
	if (wfd >= 0)
		close(wfd);
	if (rfd >= 0)
		close(rfd);
	if (saved) {
		start_qemu(&b, irqchip, append, dst_extra);
		done = guest_checks(&b, tag, "done", deadline, &checks,
				    ours ? NULL : REF_TODO);
		row_ok(ours, holds_xics_fd(b.pid) == ours || !done,
		       "%s: QEMU B %s the kvm-xics device fd", tag,
		       ours ? "holds" : "does not hold");
		st_b = finish(&b, !done);
	} else {
		row_ok(ours, false, "%s: no QEMU B to look at", tag);
	}
	missing_checks(ours, tag, checks, GUEST_CHECKS + MIGRATE_CHECKS);
	row_ok(ours, done && WIFEXITED(st_b) && !WEXITSTATUS(st_b) && WIFEXITED(st_a),
	       "%s: the guest powered off on QEMU B, both QEMUs exited (%.1f s)",
	       tag, now() - start);
	unlink(MIG_FILE);
}

#define MAX_VEC		8
#define VEC_SLACK	3	/* interrupts that may come between the reads */

/* How often the host took vector i of @bdf (vfio-msix[i]); how many. */
static int host_vectors(const char *bdf, unsigned long long count[MAX_VEC])
{
	char line[512], name[64];
	int n = 0, i;
	FILE *f = fopen("/proc/interrupts", "r");

	while (f && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');
		unsigned long long c, sum = 0;
		int used;

		if (!p || !strstr(line, bdf))
			continue;
		for (i = 0; i < MAX_VEC; i++) {
			snprintf(name, sizeof(name), "vfio-msix[%d](%s)", i, bdf);
			if (strstr(line, name))
				break;
		}
		if (i == MAX_VEC)
			continue;
		for (p++; sscanf(p, " %llu%n", &c, &used) == 1; p += used)
			sum += c;
		count[i] = sum;
		n = i + 1 > n ? i + 1 : n;
	}
	if (f)
		fclose(f);
	return n;
}

/* File @name in the KVM debugfs directory of QEMU @pid's VM, or NULL */
static FILE *vm_debugfs_file(pid_t pid, const char *name)
{
	char path[320], pre[32];
	struct dirent *d;
	FILE *f = NULL;
	DIR *dp;

	snprintf(pre, sizeof(pre), "%d-", pid);
	dp = opendir("/sys/kernel/debug/kvm");
	while (dp && !f && (d = readdir(dp)))
		if (!strncmp(d->d_name, pre, strlen(pre))) {
			snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%s/%s",
				 d->d_name, name);
			f = fopen(path, "r");
		}
	if (dp)
		closedir(dp);
	return f;
}

/* Our XICS's debugfs file of the VM of QEMU @pid, open for reading, or NULL */
static FILE *vm_xics_file(pid_t pid)
{
	return vm_debugfs_file(pid, "vxics");
}

/* Our XICS's triggers and coalesced of source @irq in VM of QEMU @pid. */
static bool xics_counts(pid_t pid, unsigned int irq, unsigned long long *trig,
			unsigned long long *coal)
{
	FILE *f = vm_xics_file(pid);
	bool found = false;
	char line[256];
	unsigned int i;

	while (f && !found && fgets(line, sizeof(line), f)) {
		char *t = strstr(line, " triggers ");

		found = t && sscanf(line, " irq %x", &i) == 1 && i == irq &&
			sscanf(t, " triggers %llu coalesced %llu", trig, coal) == 2;
	}
	if (f)
		fclose(f);
	return found;
}

/* An ICP's bypass counters in our XICS's debugfs file */
#define ICP_BYPASS_LINE \
	" bypassed %llu bypass-deferred %llu bypass-elsewhere %llu fallback: off %llu unmapped %llu source %llu"

/* What the bypass did for the VM of QEMU @pid (our XICS's debugfs). */
struct bypass_snap {
	bool found;
	unsigned int mapped, by_vfio;	/* by_vfio: bound by VFIO_DEVICE_IRQ_BYPASS */
	unsigned long long bypassed, deferred, elsewhere, off, unmapped, source;
};

static void bypass_snap(struct bypass_snap *b, pid_t pid)
{
	FILE *f = vm_xics_file(pid);
	unsigned long long v[6];
	char line[256];

	memset(b, 0, sizeof(*b));
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "bypass: ");

		if (p && sscanf(strchr(p, ',') ? strchr(p, ',') + 1 : p,
				" %u mapped", &b->mapped) == 1)
			b->found = true;
		/* a mapping's line names its holders: "by pairing vfio" */
		if (strstr(line, " bypassed ") && strstr(line, " by ") &&
		    strstr(strstr(line, " by "), " vfio"))
			b->by_vfio++;
		/* per vCPU: bypassed, deferred and the fallbacks by reason */
		if (sscanf(line, ICP_BYPASS_LINE, &v[0], &v[1], &v[2], &v[3],
			   &v[4], &v[5]) == 6) {
			b->bypassed += v[0];
			b->deferred += v[1];
			b->elsewhere += v[2];
			b->off += v[3];
			b->unmapped += v[4];
			b->source += v[5];
		}
	}
	if (f)
		fclose(f);
}

/* One look at a NIC's vectors: the guest's line and what the host saw. */
struct vec_snap {
	int n, nh;
	unsigned int irq[MAX_VEC];
	unsigned long long guest[MAX_VEC], host[MAX_VEC];
	unsigned long long trig[MAX_VEC], coal[MAX_VEC];
	bool in_xics;
};

/*
 * Take a snapshot after the guest's "vectors X:C ..." line (@line: its
 * vectors in MSI-X order, each as the XICS numbers it and how often the
 * guest took it): the host's vfio-msix counts of @bdf and, on our XICS,
 * each source's triggers and coalesced.
 */
static void vec_snap(struct vec_snap *v, struct qemu *q, const char *line,
		     const char *bdf, bool ours)
{
	int used, i;

	memset(v, 0, sizeof(*v));
	while (v->n < MAX_VEC &&
	       sscanf(line, " %x:%llu%n", &v->irq[v->n], &v->guest[v->n],
		      &used) == 2) {
		line += used;
		v->n++;
	}
	v->nh = host_vectors(bdf, v->host);
	v->in_xics = true;
	for (i = 0; ours && i < v->n; i++)
		v->in_xics = v->in_xics &&
			     xics_counts(q->pid, v->irq[i], &v->trig[i], &v->coal[i]);
}

static bool near(unsigned long long a, unsigned long long b)
{
	return a <= b + VEC_SLACK && b <= a + VEC_SLACK;
}

/*
 * Between two snapshots around some ARP traffic, for each NIC vector:
 * the host took as many interrupts (vfio-msix) as our XICS was triggered
 * (irqfd may inject once for signals that come while an injection is
 * pending), and the guest took as many as our XICS presented: triggers
 * less those coalesced (an MSI that comes while one is pending and one
 * queued).  Within VEC_SLACK: guest and host look at slightly different
 * moments.  Differences, not totals: a vector's host and guest counts
 * restart whenever MSI-X is set up again, our XICS's do not.  On QEMU's
 * XICS only: the guest took no more than the host.
 */
static void vector_counts(const char *tag, struct vec_snap *a,
			  struct vec_snap *b, bool ours)
{
	unsigned long long dg, dh, dp, sum = 0;
	char msg[512] = "";
	int i, len = 0;
	bool good;

	good = a->n > 0 && a->n == b->n && a->n <= a->nh && b->n <= b->nh &&
	       (!ours || (a->in_xics && b->in_xics));
	for (i = 0; good && i < a->n; i++) {
		dg = b->guest[i] - a->guest[i];
		dh = b->host[i] - a->host[i];
		dp = (b->trig[i] - b->coal[i]) - (a->trig[i] - a->coal[i]);
		sum += dg;
		if (ours)
			good = a->irq[i] == b->irq[i] && near(dg, dp) &&
			       near(b->trig[i] - a->trig[i], dh);
		else
			good = a->irq[i] == b->irq[i] && dg <= dh + VEC_SLACK;
		if (ours)
			len += snprintf(msg + len, sizeof(msg) - len,
					" %#x: guest +%llu, xics +%llu-%llu, host +%llu;",
					a->irq[i], dg, b->trig[i] - a->trig[i],
					b->coal[i] - a->coal[i], dh);
		else
			len += snprintf(msg + len, sizeof(msg) - len,
					" %#x: guest +%llu, host +%llu;", a->irq[i],
					dg, dh);
	}
	row_ok(ours, good && sum > 0,
	       "%s: NIC vectors' new interrupts alike in guest, %shost (%d of %d):%s",
	       tag, ours ? "our XICS, " : "", a->n, a->nh, msg);
}

/*
 * pci: the e1000e and the NVMe of the emulated host, bound to vfio-pci
 * here, passed through to the guest (-device vfio-pci): the guest's NIC
 * and disk checks.
 */
static void scenario_pci(const char *irqchip, char bdf[2][VXV_BDF_LEN],
			 bool bypass)
{
	char dev0[64], dev1[96], tag[64];
	/*
	 * "vxics.qemu-phbs": the NVMe on a second guest PHB, so in a VFIO
	 * container of its own (by default both devices share one, and so
	 * each DMA window's table; see testing.rst on kmemleak).
	 */
	bool phbs = vxt_cmdline_has("vxics.qemu-phbs");
	/* dev0 lands on phb1 too: a device without bus= goes on the newest bus */
	const char *const one_phb[] = { "-device", dev0, "-device", dev1,
					TOOLS_DISK, NULL };
	const char *const two_phbs[] = { "-device",
					 "spapr-pci-host-bridge,index=1,id=phb1",
					 "-device", dev0, "-device", dev1,
					 TOOLS_DISK, NULL };
	const char *const *extra = phbs ? two_phbs : one_phb;
	bool ours = !strcmp(irqchip, "on"), done;
	const char *todo = ours ? NULL : REF_TODO;
	struct vec_snap va = { 0 }, vb = { 0 };
	double start = now();
	int checks = 0, status;
	struct qemu q;

	snprintf(tag, sizeof(tag), "pci, kernel-irqchip=%s%s", irqchip,
		 bypass ? "" : ", vxics.bypass=0");
	if (!bypass)
		VXT_REQUIRE(!write_file(BYPASS_PARAM, "0"), "vxics.bypass=0");
	snprintf(dev0, sizeof(dev0), "vfio-pci,host=%s", bdf[0]);
	snprintf(dev1, sizeof(dev1), "vfio-pci,host=%s%s", bdf[1],
		 phbs ? ",bus=phb1.0" : "");
	start_qemu(&q, irqchip, "console=hvc0 panic=-1 quiet vxt.pci", extra);
	if (guest_checks(&q, tag, "vectors", start + BOOT_TIMEOUT, &checks, todo))
		vec_snap(&va, &q, q.hit, bdf[0], ours);
	if (guest_checks(&q, tag, "vectors", start + BOOT_TIMEOUT, &checks, todo))
		vec_snap(&vb, &q, q.hit, bdf[0], ours);
	vector_counts(tag, &va, &vb, ours);
	if (ours) {
		struct bypass_snap b;

		/*
		 * On: some of the devices' interrupts came while a vCPU of
		 * the VM ran where they arrived, and were bypassed.  Off:
		 * none was; the guest's checks pass the same either way.
		 */
		/*
		 * "vxics.qemu-patched": QEMU with tools/qemu's patch binds
		 * every vector it routes through KVM explicitly, so each
		 * mapping is held by VFIO_DEVICE_IRQ_BYPASS too.
		 */
		bool patched = vxt_cmdline_has("vxics.qemu-patched");

		bypass_snap(&b, q.pid);
		vxt_ok(b.found && va.n > 0 && b.mapped >= (unsigned int)va.n &&
		       !b.source && (bypass ? b.bypassed > 0 : !b.bypassed) &&
		       (!patched || b.by_vfio == b.mapped),
		       "%s: bypass: the passed-through vectors are mapped (%u, NIC %d; %u bound by QEMU through VFIO_DEVICE_IRQ_BYPASS); so far %llu bypassed (%llu deferred, %llu for another vCPU), fell back: off %llu, unmapped %llu, source %llu",
		       tag, b.mapped, va.n, b.by_vfio, b.bypassed, b.deferred,
		       b.elsewhere, b.off, b.unmapped, b.source);
	}
	done = guest_checks(&q, tag, "done", start + BOOT_TIMEOUT, &checks, todo);
	status = finish(&q, !done);
	missing_checks(ours, tag, checks, GUEST_CHECKS + PCI_CHECKS);
	row_ok(ours, done && WIFEXITED(status) && !WEXITSTATUS(status),
	       "%s: the guest powered off, QEMU exited 0 (%.1f s)", tag,
	       now() - start);
	if (!bypass)
		VXT_REQUIRE(!write_file(BYPASS_PARAM, "1"), "vxics.bypass=1");
}

/* The e1000e and the NVMe, bound to vfio-pci; false if not both. */
static bool pci_devices(char bdf[2][VXV_BDF_LEN])
{
	return vxv_find(0x8086, 0x10d3, 0, &bdf[0], 1) == 1 &&
	       vxv_find(0x1b36, 0x0010, 0, &bdf[1], 1) == 1 &&
	       !vxv_bind(bdf[0], "vfio-pci") && !vxv_bind(bdf[1], "vfio-pci");
}

struct soak_row {
	const char *irqchip;
	int boots, passed, hangs, stalls, stalled_boots;
	double worst;
};

/*
 * One soak boot: the guest's checks with its heartbeat on, then
 * @secs of stress (with @pci: NIC and NVMe too).  One TAP line; the
 * stalls and hangs are counted in @row.
 */
static void soak_boot(struct soak_row *row, int round, int secs, bool pci,
		      char bdf[2][VXV_BDF_LEN])
{
	char append[160], dev0[64], dev1[64], tag[64];
	const char *const extra[] = { "-device", dev0, "-device", dev1, TOOLS_DISK,
				      NULL };
	double start = now();
	int checks = 0, status, failed = 0;
	const char *l;
	struct qemu q;
	bool done = false;

	snprintf(tag, sizeof(tag), "soak %d, kernel-irqchip=%s", round, row->irqchip);
	snprintf(append, sizeof(append),
		 "console=hvc0 panic=-1 quiet vxt.hb vxt.stress=%d vxt.seed=%d%s",
		 secs, round, pci ? " vxt.pci" : "");
	snprintf(dev0, sizeof(dev0), "vfio-pci,host=%s", bdf[0]);
	snprintf(dev1, sizeof(dev1), "vfio-pci,host=%s", bdf[1]);
	start_qemu(&q, row->irqchip, append, pci ? extra : NULL);
	while ((l = guest_line(&q, tag, start + BOOT_TIMEOUT + secs))) {
		if (!strncmp(l, "ok ", 3) || !strncmp(l, "not ok ", 7)) {
			checks++;
			if (l[0] == 'n') {
				failed++;
				vxt_diag("%s: %s", tag, l);
			}
		} else if (!strncmp(l, "done", 4)) {
			done = true;
			break;
		}
	}
	status = finish(&q, !done);
	row->boots++;
	row->hangs += q.hung;
	row->stalls += q.n_stalls;
	row->stalled_boots += q.n_stalls > 0;
	if (q.worst > row->worst)
		row->worst = q.worst;
	done = done && !failed && WIFEXITED(status) && !WEXITSTATUS(status);
	row->passed += done;
	vxt_ok(done, "%s: %d guest checks%s, %d stalls over %.0f s (longest gap %.1f s), %.1f s",
	       tag, checks, q.hung ? ", HUNG" : "", q.n_stalls, STALL, q.worst,
	       now() - start);
}

/*
 * make soak-qemu: "vxics.soak=N" rounds of soak_boot() on our XICS (and
 * with "vxics.soak-ref" on QEMU's too, alternating), "vxics.soak-stress=S"
 * seconds of stress each (default 10).
 */
static int run_soak(int rounds, bool pci)
{
	struct soak_row rows[2] = { { .irqchip = "on" }, { .irqchip = "off" } };
	int secs = vxt_cmdline_int("vxics.soak-stress=", 10);
	bool ref = vxt_cmdline_has("vxics.soak-ref");
	char bdf[2][VXV_BDF_LEN];
	int r, i;

	vxt_plan(rounds * (ref ? 2 : 1) + pci);
	if (pci)
		VXT_REQUIRE(vxt_ok(pci_devices(bdf),
				   "the e1000e and the NVMe bound to vfio-pci"),
			    "devices to pass through");
	for (r = 1; r <= rounds; r++)
		for (i = 0; i < (ref ? 2 : 1); i++)
			soak_boot(&rows[i], r, secs, pci, bdf);
	vxt_diag("the emulated host's clock leapt %d times; %d single reads ahead",
		 n_clock_leaps, n_clock_blips);
	for (i = 0; i < (ref ? 2 : 1); i++)
		vxt_diag("irqchip=%s: %d boots, %d ok, %d hung, %d stalls (%d boots), max %.1f s",
			 rows[i].irqchip, rows[i].boots, rows[i].passed,
			 rows[i].hangs, rows[i].stalls, rows[i].stalled_boots,
			 rows[i].worst);
	return vxt_exit();
}

/* A number from the KVM debugfs directory of QEMU @pid's VM, or -1 */
static long long kvm_stat(pid_t pid, const char *name)
{
	FILE *f = vm_debugfs_file(pid, name);
	long long v = -1;

	if (f && fscanf(f, "%lld", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

#define BENCH_WORKLOADS	6	/* guest_init.c's guest_bench() runs these */
/* s: one guest's bench, DPDK's 40 s of start-up and grace included (run.py) */
#define BENCH_TIMEOUT(secs)	(BOOT_TIMEOUT + BENCH_WORKLOADS * 2 * (secs) + 60)

/* The host's counters around one bench workload, both kernels */
struct bench_snap {
	long long kvm[5];		/* -1: not there */
	unsigned long long nic, nvme;
	struct bypass_snap b;
	unsigned long long cpu[10];	/* /proc/stat's "cpu" line */
	int ncpu;			/* its "cpuN" lines */
};

/* The host's CPU time so far, all CPUs (user ... guest_nice, in ticks) */
static void cpu_snap(struct bench_snap *s)
{
	FILE *f = fopen("/proc/stat", "r");
	unsigned long long *c = s->cpu;
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "cpu ", 4))
			sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			       &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6],
			       &c[7], &c[8], &c[9]);
		else if (!strncmp(line, "cpu", 3) && line[3] >= '0' && line[3] <= '9')
			s->ncpu++;
	}
	fclose(f);
}

static const char *const bench_kvm_stats[] = {
	"pthru_all", "pthru_host", "pthru_bad_aff", "sum_exits", "ext_intr_exits",
};

static void bench_snap(struct bench_snap *s, pid_t pid,
		       char bdf[2][VXV_BDF_LEN], bool ours)
{
	unsigned long long v[MAX_VEC];
	int i, n;

	memset(s, 0, sizeof(*s));
	cpu_snap(s);
	for (i = 0; i < 5; i++)
		s->kvm[i] = kvm_stat(pid, bench_kvm_stats[i]);
	n = host_vectors(bdf[0], v);
	for (i = 0; i < n; i++)
		s->nic += v[i];
	n = host_vectors(bdf[1], v);
	for (i = 0; i < n; i++)
		s->nvme += v[i];
	if (ours)
		bypass_snap(&s->b, pid);
}

/* One bench line for bench/emulated: the counters' deltas over a workload */
static void bench_print(const char *name, struct bench_snap *a,
			struct bench_snap *b, bool ours, bool on)
{
	int i;

	printf("[bench] host %s {\"kernel\": \"%s\", \"bypass\": %s, ", name,
	       ours ? "ours" : "stock", on ? "true" : "false");
	printf("\"host_irqs\": {\"nic\": %llu, \"nvme\": %llu}, \"kvm\": {",
	       b->nic - a->nic, b->nvme - a->nvme);
	for (i = 0; i < 5; i++)
		if (a->kvm[i] < 0 || b->kvm[i] < 0)
			printf("%s\"%s\": null", i ? ", " : "",
			       bench_kvm_stats[i]);
		else
			printf("%s\"%s\": %lld", i ? ", " : "",
			       bench_kvm_stats[i], b->kvm[i] - a->kvm[i]);
	printf("}, \"cpu\": {\"cpus\": %d, \"before\": [", b->ncpu);
	for (i = 0; i < 10; i++)
		printf("%s%llu", i ? ", " : "", a->cpu[i]);
	printf("], \"after\": [");
	for (i = 0; i < 10; i++)
		printf("%s%llu", i ? ", " : "", b->cpu[i]);
	printf("]}");
	if (ours) {
		printf(", \"vxics\": {\"bypassed\": %llu, \"deferred\": %llu, ",
		       b->b.bypassed - a->b.bypassed, b->b.deferred - a->b.deferred);
		printf("\"elsewhere\": %llu, \"fallback_off\": %llu, ",
		       b->b.elsewhere - a->b.elsewhere, b->b.off - a->b.off);
		printf("\"fallback_unmapped\": %llu, \"fallback_source\": %llu}",
		       b->b.unmapped - a->b.unmapped, b->b.source - a->b.source);
	}
	printf("}\n");
	fflush(stdout);
}

/*
 * make bench (bench/emulated/run.py): "vxics.qemu-bench=S" and
 * "vxics.qemu-bench-runs=R": R boots of
 * the guest with the NIC and the NVMe passed through, each running the
 * workloads of guest_init.c's vxt.bench=S; their reports and the host's
 * counters around each (KVM's statistics of the VM and the devices'
 * /proc/interrupts on either kernel, our bypass counters on ours) go out
 * as "[bench] ..." lines.  The bypass is as the host booted: vxics.bypass
 * or upstream's kvm_hv.kvm_irq_bypass.  Per boot one TAP line.
 */
static int run_bench(int secs, int repeats, bool ours)
{
	char append[96], dev0[64], dev1[64], name[64] = "", tag[32];
	/*
	 * The NIC alone on a second PHB: the guest's IOMMU group is the PHB,
	 * and DPDK's vfio-pci needs every device of the group bound to VFIO
	 * or to nothing.  Created last, as a device without "bus=" goes on
	 * the newest PCI bus.
	 */
	const char *const extra[] = { "-device", dev1, TOOLS_DISK, "-device",
				      "spapr-pci-host-bridge,index=1,id=phb1",
				      "-device", dev0, NULL };
	bool on = vxt_read_flag(ours ? BYPASS_PARAM : UPSTREAM_BYPASS) == 1;
	char bdf[2][VXV_BDF_LEN];
	struct bench_snap a, b;
	int r, checks, failed, status, ends;
	const char *l;
	struct qemu q;
	bool done;

	vxt_plan(repeats + 1);
	VXT_REQUIRE(vxt_ok(pci_devices(bdf),
			   "the e1000e and the NVMe bound to vfio-pci"),
		    "devices to pass through");
	/* loglevel=5: the guest's warnings (an I/O timeout, say) reach the tail */
	snprintf(append, sizeof(append), "console=hvc0 panic=-1 loglevel=5 vxt.bench=%d",
		 secs);
	snprintf(dev0, sizeof(dev0), "vfio-pci,host=%s,bus=phb1.0", bdf[0]);
	snprintf(dev1, sizeof(dev1), "vfio-pci,host=%s", bdf[1]);
	printf("[bench] config %s %s %d %d\n", ours ? "ours" : "stock",
	       on ? "on" : "off", secs, repeats);
	for (r = 1; r <= repeats; r++) {
		double start = now();

		snprintf(tag, sizeof(tag), "bench %d", r);
		checks = 0;
		failed = 0;
		ends = 0;
		done = false;
		start_qemu(&q, "on", append, extra);
		while ((l = guest_line(&q, tag, start + BENCH_TIMEOUT(secs)))) {
			if (!strncmp(l, "ok ", 3) || !strncmp(l, "not ok ", 7)) {
				checks++;
				failed += l[0] == 'n';
				if (l[0] == 'n')
					vxt_diag("%s: %s", tag, l);
			} else if (sscanf(l, "bench begin %63s", name) == 1) {
				printf("[bench] begin %d %s\n", r, name);
				bench_snap(&a, q.pid, bdf, ours);
			} else if (!strncmp(l, "bench | ", 8)) {
				printf("[bench] | %s\n", l + 8);
			} else if (!strncmp(l, "bench end ", 10)) {
				bench_snap(&b, q.pid, bdf, ours);
				bench_print(name, &a, &b, ours, on);
				printf("[bench] end %d %s\n", r, name);
				ends++;
			} else if (!strncmp(l, "done", 4)) {
				done = true;
				break;
			}
		}
		status = finish(&q, !done);
		vxt_ok(done && !failed && ends == BENCH_WORKLOADS && WIFEXITED(status) &&
		       !WEXITSTATUS(status),
		       "%s (%s kernel, bypass %s): %d of %d workloads, %d guest checks, %d failed, %.1f s",
		       tag, ours ? "our" : "upstream's", on ? "on" : "off", ends,
		       BENCH_WORKLOADS, checks, failed, now() - start);
	}
	return vxt_exit();
}

int main(void)
{
	char bdf[2][VXV_BDF_LEN];
	bool pci;
	bool migration, migration_ref, ours_only;

	if (access(QEMU, X_OK)) {
		vxt_plan(1);
		vxt_skip("no %s in this initramfs (make vmtest-qemu)", QEMU);
		return vxt_exit();
	}
	/* "vxics.qemu-migration=ours": our row only (make check) */
	migration = vxt_cmdline_has("vxics.qemu-migration");
	migration_ref = migration &&
			!vxt_cmdline_has("vxics.qemu-migration=ours");
	pci = vxt_cmdline_has("vxics.pci");
	/*
	 * "vxics.qemu-ours": our rows with the bypass on only (make check's
	 * debug and distribution-like hosts); the reference rows on QEMU's
	 * own XICS and the bypass-off baseline test QEMU and the fallback
	 * path, which the test host's run and the in-VM tests cover.
	 */
	ours_only = vxt_cmdline_has("vxics.qemu-ours");
	if (vxt_cmdline_int("vxics.qemu-bench=", 0) > 0)
		return run_bench(vxt_cmdline_int("vxics.qemu-bench=", 0),
				 vxt_cmdline_int("vxics.qemu-bench-runs=", 1),
				 !access(BYPASS_PARAM, F_OK));
	if (vxt_cmdline_int("vxics.soak=", 0) > 0)
		return run_soak(vxt_cmdline_int("vxics.soak=", 0), pci);
	vxt_plan((ours_only ? 1 : 2) * (GUEST_CHECKS + 2) +
		 (migration + migration_ref) *
		 (GUEST_CHECKS + MIGRATE_CHECKS + 3) +
		 (!pci ? 0 : ours_only ? 2 + (GUEST_CHECKS + PCI_CHECKS + 2) :
		  3 + 3 * (GUEST_CHECKS + PCI_CHECKS + 2)));
	if (pci)
		VXT_REQUIRE(vxt_ok(pci_devices(bdf),
				   "the e1000e and the NVMe bound to vfio-pci"),
			    "devices to pass through");
	/* ours first: a reference QEMU stuck in the kernel cannot spoil them */
	scenario_boot("on", true);
	if (pci)
		scenario_pci("on", bdf, true);
	if (pci && !ours_only)	/* ours again, the bypass off: the baseline */
		scenario_pci("on", bdf, false);
	if (migration)
		scenario_migrate("on", true);
	if (!ours_only)
		scenario_boot("off", false);
	if (pci && !ours_only)
		scenario_pci("off", bdf, true);
	if (migration_ref)
		scenario_migrate("off", false);
	return vxt_exit();
}
