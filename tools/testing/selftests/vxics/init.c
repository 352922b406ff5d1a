// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the vxics test initramfs, run inside the emulated POWER8 host.
 *
 * KUnit suites have already run during boot.  This runs every selftest in
 * /vxt (or just "vxics.only=NAME", or those matching one of the patterns
 * in "vxics.tests=PAT,PAT..."; "vxics.demo" runs the demo instead),
 * each with a time limit, prefixing its TAP lines with "[vxt] NAME: " for
 * scripts/vmrun.py, then reports the kernel taint and powers off.
 * "vxics.shell" gives a shell instead, where the initramfs has busybox.
 * On a host whose KVM is modular (the distribution-like configuration),
 * the initramfs lists the modules to load in /etc/vxics-modules; they are
 * loaded with busybox's modprobe before anything else runs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>

#define TEST_DIR	"/vxt"
#define TEST_TIMEOUT	120	/* seconds per selftest, vxics.timeout=N */

static char cmdline[4096];
static unsigned int test_timeout = TEST_TIMEOUT;

static const char *cmdline_value(const char *key)
{
	char *p = strstr(cmdline, key);

	if (!p)
		return NULL;
	p += strlen(key);
	return *p == '=' ? p + 1 : p;
}

#define MAX_PATTERNS	16
static unsigned int pattern_hits[MAX_PATTERNS];

/*
 * Is @name in the comma-separated fnmatch() patterns of vxics.tests=?
 * Counts the hits of each pattern, for unmatched_patterns().
 */
static int selected(const char *name)
{
	const char *v = cmdline_value("vxics.tests");
	char list[256], *pat, *save;
	int i = 0, hit = 0;

	if (!v)
		return 1;
	snprintf(list, sizeof(list), "%.*s", (int)strcspn(v, "\t\n "), v);
	for (pat = strtok_r(list, ",", &save); pat;
	     pat = strtok_r(NULL, ",", &save), i++) {
		if (fnmatch(pat, name, 0))
			continue;
		if (i < MAX_PATTERNS)
			pattern_hits[i]++;
		hit = 1;
	}
	return hit;
}

/* A pattern that selected nothing is a typo, not a pass: say so. */
static void unmatched_patterns(void)
{
	const char *v = cmdline_value("vxics.tests");
	char list[256], *pat, *save;
	int i = 0;

	if (!v)
		return;
	snprintf(list, sizeof(list), "%.*s", (int)strcspn(v, "\t\n "), v);
	for (pat = strtok_r(list, ",", &save); pat;
	     pat = strtok_r(NULL, ",", &save), i++)
		if (i < MAX_PATTERNS && !pattern_hits[i])
			printf("[vxt] error: no selftest matches vxics.tests pattern '%s'\n",
			       pat);
}

/*
 * End @test with SIGALRM once test_timeout seconds have passed by the
 * timebase (POWER8: 512 MHz).  Not alarm(): the emulated host's clock
 * can leap 2^40 ns ahead at once (see testing.rst), which fired alarms
 * of 680 s after 36.  Returns the watchdog's pid.
 */
static pid_t watchdog(pid_t test)
{
	unsigned long long end;
	pid_t w = fork();

	if (w)
		return w;
	end = __builtin_ppc_get_timebase() + test_timeout * 512000000ULL;
	while (__builtin_ppc_get_timebase() < end)
		sleep(1);
	kill(test, SIGALRM);
	_exit(0);
}

static void run_one(const char *name)
{
	char path[256], line[1024];
	int pfd[2], status = 0;
	pid_t pid, wd;
	FILE *f;

	snprintf(path, sizeof(path), TEST_DIR "/%s", name);
	if (pipe(pfd))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		setpgid(0, 0);
		execl(path, path, (char *)NULL);
		printf("exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	wd = pid > 0 ? watchdog(pid) : -1;
	f = fdopen(pfd[0], "r");
	while (fgets(line, sizeof(line), f)) {
		printf("[vxt] %s: %s", name, line);
		if (!strchr(line, '\n'))
			printf("\n");
	}
	fclose(f);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (wd > 0) {
		kill(wd, SIGKILL);
		waitpid(wd, NULL, 0);
	}
	if (WIFSIGNALED(status))
		printf("[vxt] %s: exit signal %d%s\n", name, WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	else
		printf("[vxt] %s: exit %d\n", name, WEXITSTATUS(status));
}

/*
 * On a kernel with kmemleak (the debug configuration): scan once all tests
 * are done; any unreferenced object is reported as an error, its first
 * lines shown.  Leaks of the in-VM tests' own processes are not in it:
 * the kernel objects of VMs, vCPUs and devices they created are.
 */
static void kmemleak_check(void)
{
	char buf[4096];
	int fd, n, leaks = 0, shown = 0;
	char *p;

	fd = open("/sys/kernel/debug/kmemleak", O_RDWR);
	if (fd < 0)
		return;
	/* kmemleak reports objects older than 5 s, seen in two scans */
	sleep(6);
	if (write(fd, "scan", 4) != 4 || write(fd, "scan", 4) != 4 ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return;
	}
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = 0;
		for (p = buf; (p = strstr(p, "unreferenced object")); p++)
			leaks++;
		/* the first report whole: object, its bytes, its backtrace */
		if (leaks && shown < 40) {
			char *l, *save;

			for (l = strtok_r(buf, "\n", &save); l && shown < 40;
			     l = strtok_r(NULL, "\n", &save), shown++)
				printf("[vxt] kmemleak: %s\n", l);
		}
	}
	close(fd);
	if (leaks)
		printf("[vxt] error: kmemleak: %d unreferenced objects\n", leaks);
	else
		printf("[vxt] kmemleak: no leaks\n");
}

/*
 * Load the modules named in /etc/vxics-modules (whitespace-separated) with
 * modprobe, which follows modules.dep for their dependencies.
 */
static void load_modules(void)
{
	char names[512], *name, *save;
	FILE *f = fopen("/etc/vxics-modules", "r");
	size_t n;
	int st;

	if (!f)
		return;
	n = fread(names, 1, sizeof(names) - 1, f);
	fclose(f);
	names[n] = 0;
	for (name = strtok_r(names, " \t\n", &save); name;
	     name = strtok_r(NULL, " \t\n", &save)) {
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/busybox", "modprobe", name, (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			printf("[vxt] error: modprobe %s failed\n", name);
		else
			printf("[vxt] modprobe %s: loaded\n", name);
	}
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(void)
{
	struct dirent **names;
	const char *only;
	char taint[32] = "?";
	int fd, n, i, ran = 0;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd >= 0) {
		n = read(fd, cmdline, sizeof(cmdline) - 1);
		cmdline[n > 0 ? n : 0] = 0;
		close(fd);
	}

	if (cmdline_value("vxics.timeout="))
		test_timeout = atoi(cmdline_value("vxics.timeout="));
	load_modules();
	/* "vxics.shell": a busybox shell on the console (make vmtest-qemu's
	 * initramfs has one), to run QEMU by hand
	 */
	if (cmdline_value("vxics.shell") && !access("/bin/busybox", X_OK)) {
		if (fork() == 0) {
			execl("/bin/busybox", "busybox", "--install", "-s", "/bin",
			      (char *)NULL);
			_exit(127);
		}
		wait(NULL);
		setenv("PATH", "/bin:/usr/bin", 1);
		execl("/bin/sh", "sh", (char *)NULL);
	}
	if (cmdline_value("vxics.demo")) {
		run_one("demo");
	} else {
		only = cmdline_value("vxics.only");
		n = scandir(TEST_DIR, &names, NULL, by_name);
		printf("[vxt] start\n");
		for (i = 0; i < n; i++) {
			const char *t = names[i]->d_name;

			if (t[0] == '.' || !strcmp(t, "demo"))
				continue;
			if (only && strncmp(only, t, strlen(t)))
				continue;
			if (!selected(t))
				continue;
			ran++;
			run_one(t);
		}
		unmatched_patterns();
		if (only && !ran)
			printf("[vxt] error: no selftest named by vxics.only\n");
	}

	kmemleak_check();
	fd = open("/proc/sys/kernel/tainted", O_RDONLY);
	if (fd >= 0) {
		n = read(fd, taint, sizeof(taint) - 1);
		taint[n > 0 ? n - 1 : 0] = 0;
		close(fd);
	}
	printf("[vxt] tainted %s\n[vxt] done\n", taint);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}
