// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the pseries guest that unmodified QEMU boots inside the
 * emulated POWER8 host (make vmtest-qemu).  It checks what a Linux guest
 * sees of its interrupt controller and prints TAP lines prefixed with
 * "[guest] " on the console, which the host side (qemu_guest.c) reads
 * from QEMU's serial output; then it powers the guest off.
 *
 * Scenarios: the guest found an XICS (its interrupt lines in
 * /proc/interrupts say so), it runs on two CPUs, and IPIs count on both
 * while two tasks pinned to different CPUs play pipe ping-pong.  With
 * "vxt.migrate" on its command line it then prints "[guest] ready" and
 * keeps IPIs and timers busy in one-second slices for MIGRATE_SECS while
 * the host migrates it to a second QEMU; a slice that stalls is reported.
 * With "vxt.pci" it checks the e1000e and the NVMe passed through to it.
 *
 * For the soak (make soak-qemu): "vxt.hb" prints "[guest] hb N" every
 * 250 ms from a task of its own, so the host notices a guest that stops
 * running (no line for a second); "vxt.stress=S" then stresses it for S
 * seconds: IPI round trips all along, and at random timers, and with
 * vxt.pci affinity moves of the NIC's vectors, NIC down/up and NVMe
 * reads (seeded by "vxt.seed=N").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/reboot.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ROUNDS	2000
#define MIGRATE_SECS	20

static int n_tests, n_failed;

static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("[guest] %sok %d - ", cond ? "" : "not ", ++n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	n_failed += !cond;
	return cond;
}

static int cmdline_int(const char *key, int def);

static char *slurp(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n, len = 0;

	buf[0] = 0;
	if (fd < 0)
		return buf;
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(fd);
	return buf;
}

/* The per-CPU counts of the "IPI" line of /proc/interrupts. */
static int ipi_counts(unsigned long long c[2])
{
	char *p = strstr(slurp("/proc/interrupts"), "IPI");

	c[0] = 0;
	c[1] = 0;
	while (p && p > slurp("/proc/interrupts") && p[-1] != '\n')
		p--;
	if (!p)
		return -1;
	p = strchr(p, ':');
	return p && sscanf(p + 1, "%llu %llu", &c[0], &c[1]) == 2 ? 0 : -1;
}

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	sched_setaffinity(0, sizeof(s), &s);
}

/* @rounds round trips between a task on CPU 0 and one on CPU 1. */
static bool ping_pong_n(int rounds)
{
	int a[2], b[2], i, st;
	char c = 0;
	pid_t pid;

	if (pipe(a) || pipe(b))
		return false;
	pid = fork();
	if (pid == 0) {
		pin(1);
		for (i = 0; i < rounds; i++)
			if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	pin(0);
	for (i = 0; i < rounds; i++)
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			break;
	waitpid(pid, &st, 0);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	return i == rounds && WIFEXITED(st) && !WEXITSTATUS(st);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Across a migration: slices of 100 round trips and a 100 ms sleep (a
 * timer) until MIGRATE_SECS have passed; the longest slice must stay
 * short, IPIs must go on counting on both CPUs.
 */
static void across_migration(void)
{
	unsigned long long before[2], after[2];
	double start = now(), t, worst = 0;
	int slices = 0, bad = 0;

	ipi_counts(before);
	printf("[guest] ready\n");
	while ((t = now()) - start < MIGRATE_SECS) {
		bad += !ping_pong_n(100);
		usleep(100000);
		if (now() - t > worst)
			worst = now() - t;
		slices++;
	}
	ipi_counts(after);
	ok(!bad, "migration: %d slices of IPI round trips and a timer, all completed",
	   slices);
	ok(worst < 5.0, "migration: the longest slice took %.2f s", worst);
	ok(after[0] > before[0] + slices && after[1] > before[1] + slices,
	   "migration: IPIs kept counting on both CPUs (+%llu, +%llu)",
	   after[0] - before[0], after[1] - before[1]);
}

/* Sum of the counts of /proc/interrupts lines naming @what. */
static unsigned long long irq_sum(const char *what)
{
	char *text = slurp("/proc/interrupts"), *line, *save;
	unsigned long long sum = 0, a, b;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (colon && strstr(line, what) &&
		    sscanf(colon + 1, "%llu %llu", &a, &b) == 2)
			sum += a + b;
	}
	return sum;
}

static bool write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	bool ok = fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);

	if (fd >= 0)
		close(fd);
	return ok;
}

static int arp_sock = -1;
static struct sockaddr_ll arp_ll;
static unsigned char arp_req[42];

/* One ARP who-has 10.0.2.2 on eth0; true if answered within 1 s. */
static bool arp_once(void)
{
	double until = now() + 1.0;
	unsigned char rep[128];

	sendto(arp_sock, arp_req, sizeof(arp_req), 0, (struct sockaddr *)&arp_ll,
	       sizeof(arp_ll));
	while (now() < until) {
		struct timeval tv = { 0, 200000 };
		ssize_t n;

		setsockopt(arp_sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = recv(arp_sock, rep, sizeof(rep), 0);
		if (n >= 42 && rep[21] == 2 && !memcmp(rep + 28, "\x0a\x00\x02\x02", 4))
			return true;
	}
	return false;
}

static bool set_up(bool up)
{
	struct ifreq ifr = { .ifr_name = "eth0" };
	char carrier[8] = "0";
	int i;

	if (ioctl(arp_sock, SIOCGIFFLAGS, &ifr))
		return false;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	if (ioctl(arp_sock, SIOCSIFFLAGS, &ifr))
		return false;
	if (!up)
		return true;
	for (i = 0; i < 100 && carrier[0] != '1'; i++) {
		int fd = open("/sys/class/net/eth0/carrier", O_RDONLY);

		if (fd >= 0) {
			if (read(fd, carrier, 1) != 1)
				carrier[0] = '0';
			close(fd);
		}
		usleep(100000);
	}
	return carrier[0] == '1';
}

/*
 * The XICS number under Linux interrupt @virq: the hwirq of the innermost
 * domain of its hierarchy (the MSI domain's hwirq is the vector index).
 */
static unsigned int xics_number(int virq)
{
	char path[64], *p, *last = NULL;
	unsigned int hw = 0;

	snprintf(path, sizeof(path), "/sys/kernel/debug/irq/irqs/%d", virq);
	for (p = slurp(path); (p = strstr(p, "hwirq:")); p++)
		last = p;
	if (last)
		sscanf(last, "hwirq: %x", &hw);
	return hw;
}

/*
 * "[guest] vectors XICS:COUNT ...": eth0's vectors in MSI-X order, each
 * as the XICS numbers it and how often this guest took it; the host
 * compares them with its own and our XICS's counts.
 */
static void print_vectors(void)
{
	char *text = slurp("/proc/interrupts"), *line, *save, out[512];
	unsigned long long a, b, count[8] = { 0 };
	int len = 0, virq, n = 0, i;
	unsigned int idx, xics[8] = { 0 };
	char chip[32];

	for (line = strtok_r(text, "\n", &save); line && n < 8;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "eth0") &&
		    sscanf(line, " %d: %llu %llu %31s %u", &virq, &a, &b, chip,
			   &idx) == 5 && idx < 8) {
			count[idx] = a + b;
			xics[idx] = virq;
			if ((int)idx >= n)
				n = idx + 1;
		}
	for (i = 0; i < n; i++)
		xics[i] = xics_number(xics[i]);
	for (i = 0; i < n; i++)
		len += snprintf(out + len, sizeof(out) - len, " %#x:%llu", xics[i],
				count[i]);
	out[len] = 0;
	printf("[guest] vectors%s\n", out);
	sleep(1);	/* the host reads its counts now, with the NIC quiet */
}

/* The numbers of eth0's interrupts (its MSI-X vectors) in the guest. */
static int eth0_irqs(int irq[], int max)
{
	char *text = slurp("/proc/interrupts"), *line, *save;
	int n = 0;

	for (line = strtok_r(text, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "eth0") && sscanf(line, " %d:", &irq[n]) == 1)
			n++;
	return n;
}

/*
 * The e1000e passed through: its driver bound (eth0), the link comes up,
 * and ARP who-has 10.0.2.2 (QEMU's user network on the outside) is
 * answered: TX and RX DMA and the MSI-X interrupts all work.  Then its
 * vectors' affinity moves between the CPUs under ARP traffic (set-xive on
 * the XICS), and the NIC goes down and up (MSI-X torn down and set up
 * again) in a loop, ARP answered after each.
 */
/*
 * eth0's ARP socket and a who-has 10.0.2.2 (the outer QEMU's user
 * network) from it; false if there is no eth0.  Bound once the link is
 * up (arp_link_up()): bound before, the first request went unanswered.
 */
static bool arp_setup(void)
{
	struct ifreq ifr = { .ifr_name = "eth0" };

	arp_sock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
	if (arp_sock < 0 || ioctl(arp_sock, SIOCGIFINDEX, &ifr))
		return false;
	arp_ll.sll_family = AF_PACKET;
	arp_ll.sll_ifindex = ifr.ifr_ifindex;
	arp_ll.sll_protocol = htons(ETH_P_ARP);
	ioctl(arp_sock, SIOCGIFHWADDR, &ifr);
	/* Ethernet + ARP who-has 10.0.2.2 tell 10.0.2.15 */
	memset(arp_req, 0xff, 6);
	memcpy(arp_req + 6, ifr.ifr_hwaddr.sa_data, 6);
	memcpy(arp_req + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01", 10);
	memcpy(arp_req + 22, ifr.ifr_hwaddr.sa_data, 6);
	memcpy(arp_req + 28, "\x0a\x00\x02\x0f", 4);
	memset(arp_req + 32, 0, 6);
	memcpy(arp_req + 38, "\x0a\x00\x02\x02", 4);
	return true;
}

/* Bring eth0 up, then bind the ARP socket to it: true if the link is up */
static bool arp_link_up(void)
{
	bool up = set_up(true);

	bind(arp_sock, (struct sockaddr *)&arp_ll, sizeof(arp_ll));
	return up;
}

static void nic_checks(void)
{
	int i, n, irq[8], replies = 0, tries = 8, moved = 0, resets = 0;
	unsigned long long irqs;
	char path[64];

	if (!ok(arp_setup(), "e1000e: the driver bound, eth0 exists"))
		return;
	ok(arp_link_up(), "e1000e: link up");
	for (i = 0; i < tries; i++)
		replies += arp_once();
	ok(replies == tries, "e1000e: ARP who-has 10.0.2.2 answered %d of %d times",
	   replies, tries);
	irqs = irq_sum("eth0");
	ok(irqs > 0, "e1000e: its MSI-X interrupts counted in the guest (%llu)",
	   irqs);
	/* counts before and after some traffic, for the host to compare */
	print_vectors();
	for (i = 0; i < tries; i++)
		arp_once();
	print_vectors();

	n = eth0_irqs(irq, 8);
	replies = 0;
	for (i = 0; i < 20; i++) {
		int k;

		for (k = 0; k < n; k++) {
			snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity", irq[k]);
			moved += write_file(path, i & 1 ? "2" : "1");
		}
		replies += arp_once();
	}
	ok(n > 0 && moved == 20 * n && replies == 20,
	   "e1000e: %d vectors moved between CPU 0 and 1 20 times under ARP: %d of 20 answered",
	   n, replies);
	for (i = 0; i < 10; i++) {
		int k;
		bool answered = false;

		if (!set_up(false) || !set_up(true))
			continue;
		/* a fresh socket: the old one holds the link-down error */
		close(arp_sock);
		arp_sock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
		bind(arp_sock, (struct sockaddr *)&arp_ll, sizeof(arp_ll));
		for (k = 0; k < 3 && !answered; k++)
			answered = arp_once();
		resets += answered;
	}
	ok(resets == 10,
	   "e1000e: down/up (MSI-X torn down, set up) 10 times, ARP answered after %d",
	   resets);
	close(arp_sock);
	printf("[guest] irq eth0 %llu\n", irq_sum("eth0"));
}

#define FIO_LIBS "/tools/lib/powerpc64le-linux-gnu:" \
	"/tools/usr/lib/powerpc64le-linux-gnu:/tools/usr/lib/powerpc64le-linux-gnu/ceph"

/*
 * Debian's fio from the tools disk (/dev/vda, squashfs), through the
 * loader on that disk: 4 KiB random writes with O_DIRECT over 4 MiB of the
 * NVMe (from 2 MiB: the pattern at 1 MiB stays), each block read back and
 * checked (crc32c) after; fio exits non-zero on a mismatch or I/O error.
 */
static void fio_check(void)
{
	double t = now();
	int st = -1;
	pid_t pid;

	mkdir("/tools", 0755);
	if (!ok(!mount("/dev/vda", "/tools", "squashfs", MS_RDONLY, NULL),
		"fio: the tools disk mounts"))
		return;
	pid = fork();
	if (pid == 0) {
		int fd = open("/fio.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 1);	/* its report is long: shown only on failure */
		dup2(fd, 2);
		execl("/tools/lib64/ld64.so.2", "ld64.so.2", "--library-path",
		      FIO_LIBS, "/tools/usr/bin/fio", "--name=verify",
		      "--filename=/dev/nvme0n1", "--direct=1", "--ioengine=psync",
		      "--rw=randwrite", "--bs=4k", "--offset=2M", "--size=4M",
		      "--verify=crc32c", "--do_verify=1", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	if (!(pid > 0 && WIFEXITED(st) && !WEXITSTATUS(st)))
		printf("[guest] fio said:\n%.2000s\n", slurp("/fio.out"));
	ok(pid > 0 && WIFEXITED(st) && !WEXITSTATUS(st),
	   "fio: 4 MiB of 4 KiB O_DIRECT random writes verified by read-back (crc32c), exit %d, %.1f s",
	   WIFEXITED(st) ? WEXITSTATUS(st) : -1, now() - t);
}

/*
 * The NVMe passed through: a 64 KiB O_DIRECT write at 1 MiB reads back
 * the same, and its queues' interrupts count.
 */
static void nvme_checks(void)
{
	static char wbuf[65536] __attribute__((aligned(4096)));
	static char rbuf[65536] __attribute__((aligned(4096)));
	unsigned long long irqs;
	int fd, i;
	bool same;

	for (i = 0; i < 50 && access("/dev/nvme0n1", F_OK); i++)
		usleep(100000);
	fd = open("/dev/nvme0n1", O_RDWR | O_DIRECT);
	if (!ok(fd >= 0, "nvme: the driver bound, /dev/nvme0n1 opens O_DIRECT"))
		return;
	for (i = 0; i < (int)sizeof(wbuf); i++)
		wbuf[i] = "vxics-nvme-passthrough "[i % 23];
	same = pwrite(fd, wbuf, sizeof(wbuf), 1 << 20) == sizeof(wbuf) &&
	       pread(fd, rbuf, sizeof(rbuf), 1 << 20) == sizeof(rbuf) &&
	       !memcmp(wbuf, rbuf, sizeof(wbuf));
	close(fd);
	ok(same, "nvme: 64 KiB written with O_DIRECT at 1 MiB reads back the same");
	irqs = irq_sum("nvme0q");
	ok(irqs > 0, "nvme: its queue interrupts counted in the guest (%llu)", irqs);
	fio_check();
}

/*
 * vxt.bench=S (bench/emulated, make bench): workloads whose results the
 * host passes on, each between "[guest] bench begin NAME" and "[guest]
 * bench end NAME", its report in "[guest] bench | ..." lines, so that
 * the host can take its own counters around it:
 *   fio-randread-qd1   Debian's fio, 4 KiB O_DIRECT random reads of the
 *                      NVMe at queue depth 1 for S s (JSON report)
 *   fio-randread-qd16  the same at 16 x 2 jobs (libaio)
 *   arp-rr             S s of ARP round trips over the e1000e with the
 *                      outer QEMU's user network, one at a time: each
 *                      reply is one RX interrupt (JSON of our own)
 *   sockperf-udp-pp    Debian's sockperf, S s of UDP ping-pong (64-byte
 *                      messages) with a sockperf server on the machine
 *                      running the emulation, reached as 10.0.2.2 through
 *                      that user network (bench/emulated starts it)
 *   iperf3-tcp-rx      Debian's iperf3, S s of TCP from its server there
 *                      to the guest (-R: the guest receives), JSON
 *   dpdk-l3fwd-power   last: DPDK's l3fwd-power on the e1000e for S s
 *                      (bench_dpdk()); optional, its failure is a result
 * Times under TCG are the emulation's, for ratios between runs.
 */
#define BENCH_PEER		"10.0.2.2"
#define BENCH_SOCKPERF_PORT	"15111"	/* bench/emulated/run.py: the same */
#define BENCH_IPERF3_PORT	"15201"

/*
 * Run @tool (a path on the tools disk, then its arguments) through the
 * disk's loader for workload @name: its output (@out, or what it writes
 * to stdout and stderr) goes to the host as the workload's report.  With
 * @stop, the tool runs until stopped: SIGINT after @stop s, SIGKILL if it
 * is still there 20 s later, and its exit code ends the report as
 * "[exit N]".  Returns its exit code: -1 if it did not exit (or could not
 * be started), 126 if its output file could not be made, 127 if the
 * loader could not run it.
 */
static int bench_tool(const char *name, const char *const *tool,
		      const char *out, int stop)
{
	const char *argv[40], *file = out ? out : "/bench.out";
	char *text, *line, *save;
	int n = 0, st = -1, fd;
	bool stopped = false;
	pid_t w;
	double t0 = now();
	pid_t pid;

	argv[n++] = "ld64.so.2";
	argv[n++] = "--library-path";
	argv[n++] = FIO_LIBS;
	while (*tool && n < (int)ARRAY_SIZE(argv) - 1)
		argv[n++] = *tool++;
	argv[n] = NULL;
	printf("[guest] bench begin %s\n", name);
	fflush(stdout);
	unlink(file);
	pid = fork();
	if (pid == 0) {
		if (!out) {
			fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0)
				_exit(126);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv("/tools/lib64/ld64.so.2", (char *const *)argv);
		_exit(127);
	}
	while (pid > 0 && stop && (w = waitpid(pid, &st, WNOHANG)) <= 0) {
		if (w < 0 && errno != EINTR)
			break;
		if (now() - t0 > stop + 20) {
			kill(pid, SIGKILL);
		} else if (!stopped && now() - t0 > stop) {
			kill(pid, SIGINT);
			stopped = true;
		}
		usleep(100000);
	}
	if (pid > 0 && !stop)
		waitpid(pid, &st, 0);
	text = slurp(file);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("[guest] bench | %s\n", line);
	if (stop)	/* stopped or failed: the host tells which by this */
		printf("[guest] bench | [exit %d]\n",
		       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	printf("[guest] bench end %s\n", name);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A workload that must succeed: @tool's exit code is 0 */
static void bench_tool_ok(const char *name, const char *const *tool,
			  const char *out)
{
	int rc = bench_tool(name, tool, out, 0);

	ok(!rc, "bench: %s, %s exit %d", name, strrchr(tool[0], '/') + 1, rc);
}

static void bench_fio(const char *name, int secs, const char *const *opts)
{
	char runtime[32];
	const char *argv[32];
	int n = 0;

	snprintf(runtime, sizeof(runtime), "--runtime=%d", secs);
	argv[n++] = "/tools/usr/bin/fio";
	argv[n++] = "--output-format=json";
	argv[n++] = "--output=/bench.json";
	argv[n++] = "--name=bench";
	argv[n++] = "--filename=/dev/nvme0n1";
	argv[n++] = "--readonly";
	argv[n++] = "--direct=1";
	argv[n++] = "--rw=randread";
	argv[n++] = "--bs=4k";
	argv[n++] = "--size=8M";
	argv[n++] = "--time_based";
	argv[n++] = runtime;
	while (*opts)
		argv[n++] = *opts++;
	argv[n] = NULL;
	bench_tool_ok(name, argv, "/bench.json");
}

/* eth0 gets the address the user network gives its guest: 10.0.2.15/24 */
static bool net_setup(void)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	bool done;

	strcpy(ifr.ifr_name, "eth0");
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, "10.0.2.15", &sin->sin_addr);
	done = s >= 0 && !ioctl(s, SIOCSIFADDR, &ifr);
	inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
	done = done && !ioctl(s, SIOCSIFNETMASK, &ifr);
	if (s >= 0)
		close(s);
	return done;
}

static void bench_net(int secs)
{
	char t[16];
	const char *const sockperf[] = {
		"/tools/usr/bin/sockperf", "ping-pong", "-i", BENCH_PEER,
		"-p", BENCH_SOCKPERF_PORT, "-t", t, "-m", "64", NULL };
	const char *const iperf3[] = {
		"/tools/usr/bin/iperf3", "-c", BENCH_PEER, "-p",
		BENCH_IPERF3_PORT, "-t", t, "-R", "-J", NULL };

	snprintf(t, sizeof(t), "%d", secs);
	mkdir("/tmp", 01777);		/* iperf3's buffer file */
	if (!ok(net_setup(), "bench: eth0 is 10.0.2.15/24"))
		return;
	bench_tool_ok("sockperf-udp-pp", sockperf, NULL);
	bench_tool_ok("iperf3-tcp-rx", iperf3, NULL);
}

/* DPDK's plugin directory on the tools disk: PCI bus, e1000 PMD, ring mempool */
#define DPDK_PMDS "/tools/usr/lib/powerpc64le-linux-gnu/dpdk/pmds-23.0"

/*
 * dpdk-l3fwd-power: eth0's device handed from e1000e to vfio-pci inside
 * the guest, then DPDK's l3fwd-power (Debian's example, built by
 * mkinitramfs-qemu.sh) on it in --interrupt-only mode: its lcore sleeps
 * on the Rx queue's interrupt (a VFIO eventfd in the guest) while
 * bench/emulated/run.py sends UDP to the guest.  Stopped @secs s after
 * EAL's start-up allowance (20 s under TCG).  Last, as the kernel's
 * driver does not get the NIC back.  Optional: whether DPDK runs here is
 * the result, so only a tool the loader cannot start fails a check; a
 * handover that fails is reported like a tool's failure.
 */
static void bench_dpdk(int secs)
{
	static char bdf[64];
	static const char *const argv[] = {
		"/tools/usr/bin/dpdk-l3fwd-power", "-l", "0-1", "-n", "1",
		"--no-huge", "-m", "96", "--no-telemetry", "-d", DPDK_PMDS,
		"--log-level=lib.eal:debug",	/* why an IOMMU type is refused */
		"-a", bdf, "--", "-p", "0x1", "-P", "--config", "(0,0,1)",
		"--interrupt-only", NULL };
	char link[256], path[320], *base;
	ssize_t n = readlink("/sys/class/net/eth0/device", link,
			     sizeof(link) - 1);
	int rc;

	link[n > 0 ? n : 0] = 0;
	base = strrchr(link, '/');
	snprintf(bdf, sizeof(bdf), "%.63s", base ? base + 1 : link);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	write_file(path, "vfio-pci");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind",
		 bdf);
	write_file(path, bdf);
	write_file("/sys/bus/pci/drivers_probe", bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = n > 0 ? readlink(path, link, sizeof(link) - 1) : -1;
	link[n > 0 ? n : 0] = 0;
	if (!strstr(link, "/vfio-pci")) {
		printf("[guest] bench begin dpdk-l3fwd-power\n");
		printf("[guest] bench | vxics: eth0's device (%s) not handed to ",
		       bdf[0] ? bdf : "none");
		printf("vfio-pci (driver: %s)\n", n > 0 ? link : "none");
		printf("[guest] bench | [exit -1]\n");
		printf("[guest] bench end dpdk-l3fwd-power\n");
		return;
	}
	mkdir("/var", 0755);
	mkdir("/var/run", 0755);	/* EAL's runtime directory */
	rc = bench_tool("dpdk-l3fwd-power", argv, NULL, 20 + secs);
	ok(rc != 127, "bench: dpdk-l3fwd-power started (exit %d)", rc);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define RR_MAX	100000

static void bench_arp_rr(int secs)
{
	static double rtt[RR_MAX];
	static const double pcts[] = { 1, 5, 10, 20, 30, 40, 50, 60, 70, 80,
				       90, 95, 99, 99.5, 99.9 };
	double start, t, sum = 0;
	int n = 0, lost = 0, i;

	/* one answered request first: the outer QEMU learns our address */
	for (i = 0; i < 5 && !arp_once(); i++)
		;
	printf("[guest] bench begin arp-rr\n");
	start = now();
	while (now() - start < secs && n < RR_MAX) {
		t = now();
		if (arp_once())
			rtt[n++] = (now() - t) * 1e6;
		else
			lost++;
	}
	t = now() - start;
	qsort(rtt, n, sizeof(rtt[0]), cmp_double);
	for (i = 0; i < n; i++)
		sum += rtt[i];
	printf("[guest] bench | {\"rounds\": %d, \"lost\": %d, \"seconds\": %.3f,\n",
	       n + lost, lost, t);
	printf("[guest] bench | \"rate_per_s\": %.1f, \"rtt_us\": {", n / t);
	printf("\"min\": %.1f, \"max\": %.1f, \"mean\": %.1f,\n",
	       n ? rtt[0] : 0, n ? rtt[n - 1] : 0, n ? sum / n : 0);
	printf("[guest] bench | \"percentiles\": {");
	for (i = 0; i < (int)ARRAY_SIZE(pcts); i++)
		printf("%s\"%g\": %.1f", i ? ", " : "", pcts[i],
		       n ? rtt[(int)((n - 1) * pcts[i] / 100)] : 0);
	printf("}}}\n");
	printf("[guest] bench end arp-rr\n");
	ok(n > 0 && !lost, "bench: arp-rr, %d round trips, %d lost", n, lost);
}

static void guest_bench(int secs)
{
	static const char *const qd1[] = { "--ioengine=psync", NULL };
	static const char *const qd16[] = { "--ioengine=libaio",
					    "--iodepth=16", "--numjobs=2",
					    "--group_reporting", NULL };
	int i;

	for (i = 0; i < 50 && access("/dev/nvme0n1", F_OK); i++)
		usleep(100000);
	mkdir("/tools", 0755);
	if (ok(!mount("/dev/vda", "/tools", "squashfs", MS_RDONLY, NULL),
	       "bench: the tools disk mounts")) {
		bench_fio("fio-randread-qd1", secs, qd1);
		bench_fio("fio-randread-qd16", secs, qd16);
	}
	if (ok(arp_setup() && arp_link_up(), "bench: eth0 up")) {
		bench_arp_rr(secs);
		bench_net(secs);
		bench_dpdk(secs);
	}
}

/* "vxt.hb": the heartbeat the host's stall watchdog listens to */
static void heartbeat(void)
{
	unsigned int n;

	if (fork())
		return;
	for (n = 0;; n++) {
		printf("[guest] hb %u\n", n);
		usleep(250000);
	}
}

/* Pread 64 KiB of the NVMe at @off (O_DIRECT); true if it is the pattern. */
static bool nvme_read_pattern(int fd, off_t off)
{
	static char buf[65536] __attribute__((aligned(4096)));
	int i;

	if (pread(fd, buf, sizeof(buf), off) != sizeof(buf))
		return false;
	for (i = 0; i < (int)sizeof(buf); i++)
		if (buf[i] != "vxics-nvme-passthrough "[i % 23])
			return false;
	return true;
}

/*
 * vxt.stress=S: for S seconds a child keeps IPI round trips going between
 * the CPUs while this task does, at random, one of: a timer sleep, and
 * with @pci a move of every NIC vector to CPU 0, 1 or both, a NIC down/up
 * answered by ARP, a verified O_DIRECT NVMe read.  Nothing may be lost:
 * the round trips never stop, each reset is answered, each read verifies.
 */
static void guest_stress(int secs, bool pci)
{
	unsigned int seed = cmdline_int("vxt.seed=", 1);
	int moves = 0, moved = 0, resets = 0, answered = 0, reads = 0, good = 0;
	int sleeps = 0, irq[8], n = 0, fd = -1, st, k;
	double start = now();
	struct ifreq ifr = { .ifr_name = "eth0" };
	char path[64];
	pid_t pp;

	pp = fork();
	if (pp == 0) {
		while (ping_pong_n(100))
			;
		_exit(1);
	}
	if (pci) {
		n = eth0_irqs(irq, 8);
		fd = open("/dev/nvme0n1", O_RDONLY | O_DIRECT);
		arp_sock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
		ioctl(arp_sock, SIOCGIFINDEX, &ifr);
		bind(arp_sock, (struct sockaddr *)&arp_ll, sizeof(arp_ll));
	}
	while (now() - start < secs) {
		switch (pci ? rand_r(&seed) % 4 : 0) {
		case 0:
			usleep(rand_r(&seed) % 50000);
			sleeps++;
			break;
		case 1:
			for (k = 0; k < n; k++) {
				snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity",
					 irq[k]);
				moved += write_file(path, (const char *[]){ "1", "2", "3" }
							  [rand_r(&seed) % 3]);
			}
			moves++;
			break;
		case 2:
			resets++;
			if (!set_up(false) || !set_up(true))
				break;
			close(arp_sock);
			arp_sock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
			bind(arp_sock, (struct sockaddr *)&arp_ll, sizeof(arp_ll));
			for (k = 0; k < 3; k++)
				if (arp_once()) {
					answered++;
					break;
				}
			break;
		case 3:
			reads++;
			good += fd >= 0 && nvme_read_pattern(fd, 1 << 20);
			break;
		}
	}
	kill(pp, SIGKILL);
	waitpid(pp, &st, 0);
	ok(WIFSIGNALED(st), "stress: %d s of IPI round trips never stopped", secs);
	if (!pci) {
		ok(sleeps > 0, "stress: %d timer sleeps", sleeps);
		return;
	}
	ok(moved == moves * n && answered == resets && good == reads,
	   "stress: %d moves of %d vectors, %d of %d NIC resets answered, %d of %d NVMe reads verified, %d timer sleeps",
	   moves, n, answered, resets, good, reads, sleeps);
	if (fd >= 0)
		close(fd);
	close(arp_sock);
}

static int cmdline_int(const char *key, int def)
{
	char *p = strstr(slurp("/proc/cmdline"), key);

	return p ? atoi(p + strlen(key)) : def;
}

int main(void)
{
	unsigned long long before[2], after[2];
	char *irq;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	/* the host compares it with its own: KVM-HV's timebase offset */
	printf("[guest] start tb %llu\n",
	       (unsigned long long)__builtin_ppc_get_timebase());
	if (strstr(slurp("/proc/cmdline"), "vxt.hb"))
		heartbeat();

	irq = slurp("/proc/interrupts");
	ok(strstr(irq, "XICS"),
	   "the guest's interrupt lines are on an XICS (/proc/interrupts)");
	ok(sysconf(_SC_NPROCESSORS_ONLN) == 2, "2 CPUs online (%ld)",
	   sysconf(_SC_NPROCESSORS_ONLN));
	ok(!ipi_counts(before), "an IPI line with counts for CPU 0 and 1 (%llu %llu)",
	   before[0], before[1]);
	ok(ping_pong_n(ROUNDS), "%d pipe round trips between CPU 0 and CPU 1",
	   ROUNDS);
	ipi_counts(after);
	ok(after[0] > before[0] && after[1] > before[1],
	   "IPIs counted on both CPUs (+%llu, +%llu)", after[0] - before[0],
	   after[1] - before[1]);
	if (strstr(slurp("/proc/cmdline"), "vxt.migrate"))
		across_migration();
	if (strstr(slurp("/proc/cmdline"), "vxt.pci")) {
		write_file("/proc/sys/kernel/printk", "1");
		nic_checks();
		nvme_checks();
	}
	if (cmdline_int("vxt.bench=", 0))
		guest_bench(cmdline_int("vxt.bench=", 0));
	if (cmdline_int("vxt.stress=", 0))
		guest_stress(cmdline_int("vxt.stress=", 0),
			     strstr(slurp("/proc/cmdline"), "vxt.pci"));
	if (n_failed)
		printf("[guest] /proc/interrupts:\n%s", slurp("/proc/interrupts"));
	printf("[guest] done %d passed, %d failed\n", n_tests - n_failed, n_failed);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
