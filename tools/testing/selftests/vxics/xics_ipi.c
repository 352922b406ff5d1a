// SPDX-License-Identifier: GPL-2.0-only
/*
 * IPIs between two vCPUs, each run by its own thread: vCPU 0 sends
 * H_IPI to server 1 while vCPU 1 waits with MSR[EE]=1 and takes it
 * (XISR 2); a self-IPI; an IPI held off by CPPR and one displaced by a
 * more favoured source; H_IPOLL.  Then the hypercalls' bad arguments:
 * each gets H_PARAMETER and leaves every ICP and source as it was.
 *
 * Rules: R7 R8 R11 R13 R14 R15 R16.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include "lib/xics.h"

#define MSI	0x1000		/* server 0, priority 3 */
#define MSI1	0x1001		/* server 1, priority 5 */
#define UNDEF	0x1005		/* in an existing block, never defined */
#define NOBLK	0x3000		/* in a block that does not exist */
#define SOON	2000
#define NEVER	100
#define IPI_X(cppr)	xics_xirr(cppr, XICS_IPI)

static struct vxt_vm *vm;
static struct vxt_vcpu *v0, *v1;
static struct xg g0, g1;
static int xfd;

static uint64_t icp(struct vxt_vcpu *v)
{
	uint64_t s = ~0ULL;

	VXT_REQUIRE(!xics_icp_get(v, &s), "get ICP state");
	return s;
}

static uint64_t src(uint32_t irq)
{
	uint64_t v = ~0ULL;

	VXT_REQUIRE(!xics_source_get(xfd, irq, &v), "get source 0x%x", irq);
	return v;
}

static int64_t hcall(struct xg *g, uint64_t nr, uint64_t a0, uint64_t a1)
{
	return xg_hcall(g, nr, a0, a1, 0, NULL);
}

/* vCPU 1's thread: wait for one interrupt with MSR[EE]=1 */
static int wait_result;

static void *vcpu1_wait(void *arg)
{
	wait_result = xg_wait(&g1, 1, SOON);
	return NULL;
}

/* Finish a held IPI the way Linux does: clear MFRR, then EOI. */
static bool ipi_done(struct xg *g, uint32_t server, uint8_t cppr)
{
	return hcall(g, H_IPI, server, 0xff) == H_SUCCESS &&
	       hcall(g, H_EOI, IPI_X(cppr), 0) == H_SUCCESS &&
	       icp(g->vcpu) == XICS_ICP(cppr, 0, 0xff, 0xff) &&
	       xg_wait(g, 1, NEVER) == 0;
}

static void cross_ipi(void)
{
	pthread_t t;
	int64_t rc;

	/* R16: vCPU 0 -> server 1 while vCPU 1 runs in its own thread */
	g1.hold_ipi = true;
	VXT_REQUIRE(!pthread_create(&t, NULL, vcpu1_wait, NULL), "thread");
	usleep(20000);		/* let vCPU 1 enter its wait */
	rc = hcall(&g0, H_IPI, 1, 5);
	pthread_join(t, NULL);
	vxt_ok(rc == H_SUCCESS, "R16: H_IPI(server 1, 5) from vCPU 0: %lld",
	       (long long)rc);
	vxt_ok(wait_result == 1 && xg_last(&g1) == IPI_X(0xff),
	       "R11 R16: running vCPU 1 is kicked and takes XIRR 0x%x (took %d)",
	       xg_last(&g1), wait_result);
	vxt_ok(icp(v1) == XICS_ICP(5, 0, 5, 0xff),
	       "R11 R8: accepted: CPPR 5, MFRR still 5 (0x%llx)",
	       (unsigned long long)icp(v1));
	vxt_ok(ipi_done(&g1, 1, 0xff),
	       "R15 R16: MFRR cleared, H_EOI of source 2 ends it, nothing more");
	vxt_ok(icp(v0) == XICS_ICP(0xff, 0, 0xff, 0xff),
	       "R16: the sender's ICP is untouched");
}

static void self_ipi(void)
{
	g0.hold_ipi = true;
	vxt_ok(hcall(&g0, H_IPI, 0, 5) == H_SUCCESS &&
	       icp(v0) == XICS_ICP(0xff, XICS_IPI, 5, 5),
	       "R16: self-IPI at 5 presented: XISR 2, pending 5 (0x%llx)",
	       (unsigned long long)icp(v0));
	vxt_ok(xg_wait(&g0, 1, SOON) == 1 && xg_last(&g0) == IPI_X(0xff),
	       "R11: self-IPI taken, XIRR 0x%x", IPI_X(0xff));
	vxt_ok(ipi_done(&g0, 0, 0xff), "R15: self-IPI cleared and EOI'd");

	/* R16 R14: MFRR not below CPPR waits for H_CPPR */
	vxt_ok(hcall(&g0, H_CPPR, 5, 0) == H_SUCCESS &&
	       hcall(&g0, H_IPI, 0, 5) == H_SUCCESS &&
	       icp(v0) == XICS_ICP(5, 0, 5, 0xff) && xg_wait(&g0, 1, NEVER) == 0,
	       "R7 R16: IPI at 5 under CPPR 5: MFRR set, not presented (0x%llx)",
	       (unsigned long long)icp(v0));
	vxt_ok(hcall(&g0, H_CPPR, 6, 0) == H_SUCCESS &&
	       icp(v0) == XICS_ICP(6, XICS_IPI, 5, 5),
	       "R14: H_CPPR(6) presents the IPI (MFRR 5 < 6) (0x%llx)",
	       (unsigned long long)icp(v0));
	vxt_ok(xg_wait(&g0, 1, SOON) == 1 && xg_last(&g0) == IPI_X(6) &&
	       ipi_done(&g0, 0, 6), "R11 R15: taken with XIRR 0x%x, cleared",
	       IPI_X(6));
	VXT_REQUIRE(hcall(&g0, H_CPPR, 0xff, 0) == H_SUCCESS, "H_CPPR(0xff)");

	/* R7 R8: a source at 3 displaces the IPI at 5; MFRR still has it */
	vxt_ok(hcall(&g0, H_IPI, 0, 5) == H_SUCCESS &&
	       icp(v0) == XICS_ICP(0xff, XICS_IPI, 5, 5), "R16: IPI presented");
	VXT_REQUIRE(!xics_irq_line(vm, MSI, 1), "trigger MSI");
	vxt_ok(icp(v0) == XICS_ICP(0xff, MSI, 5, 3),
	       "R7 R8: MSI at 3 replaces the IPI in XISR, MFRR kept (0x%llx)",
	       (unsigned long long)icp(v0));
	vxt_ok(xg_wait(&g0, 2, SOON) == 2 &&
	       g0.xirr[g0.nirq - 2] == xics_xirr(0xff, MSI) &&
	       g0.xirr[g0.nirq - 1] == IPI_X(0xff),
	       "R8 R15: MSI taken and EOI'd, then the IPI from MFRR");
	vxt_ok(ipi_done(&g0, 0, 0xff), "R15: IPI cleared and EOI'd");
}

static void ipoll(void)
{
	uint64_t out[2] = { ~0ULL, ~0ULL }, before;
	int64_t rc;

	/* R13: polling vCPU 1's ICP from vCPU 0 reads, changes nothing */
	g1.hold_ipi = true;
	VXT_REQUIRE(hcall(&g0, H_IPI, 1, 7) == H_SUCCESS, "H_IPI(1, 7)");
	before = icp(v1);
	rc = xg_hcall(&g0, H_IPOLL, 1, 0, 0, out);
	vxt_ok(rc == H_SUCCESS && out[0] == IPI_X(0xff) && out[1] == 7 &&
	       before == XICS_ICP(0xff, XICS_IPI, 7, 7) && icp(v1) == before,
	       "R13: H_IPOLL(1): %lld, XIRR 0x%llx, MFRR 0x%llx, state unchanged",
	       (long long)rc, (unsigned long long)out[0],
	       (unsigned long long)out[1]);
	vxt_ok(xg_wait(&g1, 1, SOON) == 1 && xg_last(&g1) == IPI_X(0xff) &&
	       ipi_done(&g1, 1, 0xff),
	       "R13: the polled IPI is still taken by vCPU 1 (XIRR 0x%x)",
	       xg_last(&g1));
	rc = xg_hcall(&g0, H_IPOLL, 0, 0, 0, out);
	vxt_ok(rc == H_SUCCESS && out[0] == xics_xirr(0xff, 0) &&
	       out[1] == 0xff, "R13: H_IPOLL of its own idle ICP");
}

/* Every ICP and source, to compare before and after a refused call */
struct snap {
	uint64_t icp0, icp1, msi, msi1;
};

static void snap(struct snap *s)
{
	s->icp0 = icp(v0);
	s->icp1 = icp(v1);
	s->msi = src(MSI);
	s->msi1 = src(MSI1);
}

static bool unchanged(const struct snap *a)
{
	struct snap b;

	snap(&b);
	if (memcmp(a, &b, sizeof(b)))
		vxt_diag("state changed: ICPs 0x%llx 0x%llx -> 0x%llx 0x%llx",
			 (unsigned long long)a->icp0, (unsigned long long)a->icp1,
			 (unsigned long long)b.icp0, (unsigned long long)b.icp1);
	return !memcmp(a, &b, sizeof(b));
}

/* H_EOI of @irq with CPPR 0x10 raised before: CPPR back to 0xff only. */
static void eoi_bad_restores_cppr(struct snap *s, uint32_t irq,
				  const char *what)
{
	int64_t rc;

	VXT_REQUIRE(hcall(&g0, H_CPPR, 0x10, 0) == H_SUCCESS, "vCPU 0 CPPR 0x10");
	rc = hcall(&g0, H_EOI, xics_xirr(0xff, irq), 0);
	vxt_ok(rc == H_PARAMETER && xics_icp_cppr(icp(v0)) == 0xff &&
	       unchanged(s),
	       "R15: H_EOI of 0x%x (%s): %lld, CPPR restored, nothing else changed",
	       irq, what, (long long)rc);
}

static void bad_hcalls(void)
{
	uint64_t out[2];
	struct snap s;
	int64_t rc;

	/* something in flight on vCPU 1 that a wrong call could disturb */
	VXT_REQUIRE(hcall(&g1, H_CPPR, 4, 0) == H_SUCCESS, "vCPU 1 CPPR 4");
	VXT_REQUIRE(!xics_irq_line(vm, MSI1, 1), "trigger MSI1");
	snap(&s);

	rc = hcall(&g0, H_IPI, 99, 5);
	vxt_ok(rc == H_PARAMETER && unchanged(&s),
	       "R16: H_IPI to unknown server 99: %lld, nothing changed",
	       (long long)rc);
	rc = xg_hcall(&g0, H_IPOLL, 99, 0, 0, out);
	vxt_ok(rc == H_PARAMETER && unchanged(&s),
	       "R13: H_IPOLL of unknown server 99: %lld, nothing changed",
	       (long long)rc);
	/*
	 * R15: an H_EOI naming no defined source restores CPPR first (as
	 * upstream and QEMU do), then returns H_PARAMETER; sources and the
	 * other ICP are untouched.  upstream differs in the return: its
	 * real-mode H_EOI (ics_rm_eoi) returns H_SUCCESS when the number
	 * has no source block, and EOIs an undefined source in an existing
	 * block as if it were defined.
	 */
	eoi_bad_restores_cppr(&s, NOBLK, "no such block");
	eoi_bad_restores_cppr(&s, UNDEF, "undefined");
	rc = hcall(&g0, H_EOI, 1ULL << 32 | xics_xirr(0xff, MSI), 0);
	vxt_ok(rc == H_PARAMETER && unchanged(&s),
	       "R15: H_EOI of a value above 32 bits: %lld, nothing changed",
	       (long long)rc);
	vxt_ok(unchanged(&s) && s.icp1 == XICS_ICP(4, 0, 0xff, 0xff) &&
	       (s.msi1 & KVM_XICS_PENDING),
	       "R7: vCPU 1 still holds MSI1 off and it is still pending");
	vxt_ok(hcall(&g1, H_CPPR, 0xff, 0) == H_SUCCESS &&
	       xg_wait(&g1, 1, SOON) == 1 &&
	       xg_last(&g1) == xics_xirr(0xff, MSI1) &&
	       xg_wait(&g1, 1, NEVER) == 0,
	       "R14: and takes it once when it lowers CPPR");
}

int main(void)
{
	vxt_plan(27);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device");
	xg_load(vm);
	v0 = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	v1 = vxt_vcpu_add(vm, 1, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(v0, xfd, 0), "attach ICP server 0");
	VXT_REQUIRE(!xics_icp_attach(v1, xfd, 1), "attach ICP server 1");
	VXT_REQUIRE(!xics_source_set(xfd, MSI, XICS_SRC(0, 3)), "define MSI");
	VXT_REQUIRE(!xics_source_set(xfd, MSI1, XICS_SRC(1, 5)), "define MSI1");
	xg_start(&g0, v0);
	xg_start(&g1, v1);
	vxt_ok(hcall(&g0, H_CPPR, 0xff, 0) == H_SUCCESS &&
	       hcall(&g1, H_CPPR, 0xff, 0) == H_SUCCESS &&
	       xics_icp_cppr(icp(v0)) == 0xff && xics_icp_cppr(icp(v1)) == 0xff,
	       "R14: both vCPUs open their CPPR to 0xff");

	cross_ipi();
	self_ipi();
	ipoll();
	bad_hcalls();

	vxt_ok(xg_done(&g0) && xg_done(&g1), "guests finish");
	vxt_vcpu_destroy(v1);
	vxt_vcpu_destroy(v0);
	vxt_vm_destroy(vm);
	return vxt_exit();
}
