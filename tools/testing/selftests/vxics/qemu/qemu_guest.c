// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unmodified QEMU in the loop: Debian 12's own ppc64el qemu-system-ppc64
 * boots a Linux pseries guest under KVM-HV inside the emulated POWER8
 * host, once on our in-kernel XICS (kernel-irqchip=on) and once on QEMU's
 * own XICS (kernel-irqchip=off) as the reference row: a scenario that
 * passes there and fails on ours is our bug.  The guest's /init
 * (guest_init.c) prints its checks as "[guest] ok N - ..." on the serial
 * console; each becomes one TAP line here, and so do the host-side checks
 * (who holds the kvm-xics fd, how QEMU ended).  A guest that hangs is
 * killed at GUEST_TIMEOUT and fails.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "../lib/vxt.h"

#define QEMU		"/usr/bin/qemu-system-ppc64"
#define GUEST_TIMEOUT	150	/* s: boot to poweroff is ~10 s under TCG */
#define GUEST_CHECKS	5	/* the ok lines guest_init.c prints */
#define MACHINE_OPTS	\
	"x-vof=on,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off"

static double now(void)
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

static pid_t start_qemu(const char *irqchip, int *out)
{
	char machine[256];
	int pfd[2];
	pid_t pid;

	/*
	 * The cap-* options: the emulated host's firmware advertises no
	 * speculation mitigations, and QEMU refuses to start without them.
	 */
	snprintf(machine, sizeof(machine), "pseries,accel=kvm,kernel-irqchip=%s,%s",
		 irqchip, MACHINE_OPTS);
	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execl(QEMU, QEMU, "-M", machine, "-cpu", "host", "-smp", "2",
		      "-m", "512M", "-nodefaults", "-display", "none",
		      "-serial", "stdio",
		      "-kernel", "/guest/vmlinux",
		      "-initrd", "/guest/initramfs.cpio.gz",
		      "-append", "console=hvc0 panic=-1 quiet", (char *)NULL);
		printf("exec %s: %s\n", QEMU, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	*out = pfd[0];
	return pid;
}

/* One boot: every guest check and the host's own, as TAP lines. */
static void run_guest(const char *irqchip, bool ours)
{
	int fd, status = 0, n_guest = 0, len = 0;
	bool done = false, fd_checked = false, has_fd = false;
	double start = now(), end = start + GUEST_TIMEOUT;
	char buf[4096], line[1024];
	struct pollfd p;
	pid_t pid;

	pid = start_qemu(irqchip, &fd);
	VXT_REQUIRE(pid > 0, "start QEMU");
	p.fd = fd;
	p.events = POLLIN;
	while (!done && now() < end) {
		ssize_t n;
		char *nl;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			if (buf[i] == '\r')
				continue;
			if (buf[i] != '\n' && len < (int)sizeof(line) - 1) {
				line[len++] = buf[i];
				continue;
			}
			line[len] = 0;
			len = 0;
			nl = strstr(line, "[guest] ");
			if (!nl) {
				if (strstr(line, "qemu-system") || strstr(line, "Kernel panic") ||
				    strstr(line, "Oops") || strstr(line, "BUG"))
					vxt_diag("%s: %s", irqchip, line);
				continue;
			}
			nl += 8;
			if (!strcmp(nl, "start") && !fd_checked) {
				fd_checked = true;
				has_fd = holds_xics_fd(pid);
			} else if (!strncmp(nl, "ok ", 3) || !strncmp(nl, "not ok ", 7)) {
				n_guest++;
				vxt_ok(!strncmp(nl, "ok ", 3), "kernel-irqchip=%s: guest: %s",
				       irqchip, strchr(nl, '-') ? strchr(nl, '-') + 2 : nl);
			} else if (!strncmp(nl, "done", 4)) {
				done = true;
			} else {
				vxt_diag("%s: %s", irqchip, nl);
			}
		}
	}
	if (!done) {
		vxt_diag("%s: no guest result after %.0f s, killing QEMU", irqchip,
			 now() - start);
		kill(-pid, SIGKILL);
	}
	waitpid(pid, &status, 0);
	close(fd);
	while (n_guest++ < GUEST_CHECKS)
		vxt_ok(false, "kernel-irqchip=%s: guest check missing", irqchip);
	vxt_ok(fd_checked && has_fd == ours,
	       "kernel-irqchip=%s: QEMU %s the kvm-xics device fd", irqchip,
	       has_fd ? "holds" : "does not hold");
	vxt_ok(done && WIFEXITED(status) && !WEXITSTATUS(status),
	       "kernel-irqchip=%s: the guest powered off, QEMU exited 0 (%.1f s)",
	       irqchip, now() - start);
}

int main(void)
{
	if (access(QEMU, X_OK)) {
		vxt_plan(1);
		vxt_skip("no %s in this initramfs (make vmtest-qemu)", QEMU);
		return vxt_exit();
	}
	vxt_plan(2 * (GUEST_CHECKS + 2));
	run_guest("on", true);
	run_guest("off", false);
	return vxt_exit();
}
