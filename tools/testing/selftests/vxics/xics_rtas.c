// SPDX-License-Identifier: GPL-2.0-only
/*
 * The XICS firmware calls a guest makes with H_RTAS, bound to KVM with
 * KVM_PPC_RTAS_DEFINE_TOKEN: ibm,set-xive and get-xive route and read a
 * source, int-off masks it and keeps its priority, int-on restores it
 * and delivers what arrived meanwhile; wrong argument counts and
 * servers without an ICP give status -3 and change nothing; a token
 * KVM does not know goes to userspace.
 *
 * Rules: R20 R21 R22 R23 R24 R25 R26.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include "lib/xics.h"

#define MSI		0x1000
#define ARGS		0x8000	/* guest physical address of rtas_args */
#define TOK_SET		0x2001
#define TOK_GET		0x2002
#define TOK_OFF		0x2003
#define TOK_ON		0x2004
#define TOK_NONE	0x2005	/* bound to nothing */

static struct vxt_vm *vm;
static struct xg g;
static int xfd;

static uint64_t src(uint32_t irq)
{
	uint64_t v = ~0ULL;

	VXT_REQUIRE(!xics_source_get(xfd, irq, &v), "get source 0x%x", irq);
	return v;
}

static void define_token(const char *name, uint64_t token)
{
	struct kvm_rtas_token_args t = { .token = token };

	strncpy(t.name, name, sizeof(t.name) - 1);
	VXT_REQUIRE(!ioctl(vm->fd, KVM_PPC_RTAS_DEFINE_TOKEN, &t),
		    "define RTAS token %s", name);
}

/*
 * The guest calls RTAS token with nargs arguments and nret returns
 * (big-endian rtas_args at ARGS); rets[] gets the returns, status first.
 */
static int64_t rtas(uint32_t token, int nargs, int nret, const uint32_t *args,
		    int32_t *rets)
{
	uint32_t *p = (uint32_t *)(vm->mem + ARGS);
	int64_t rc;
	int i;

	memset(p, 0xa5, 64);
	p[0] = htobe32(token);
	p[1] = htobe32(nargs);
	p[2] = htobe32(nret);
	for (i = 0; i < nargs; i++)
		p[3 + i] = htobe32(args[i]);
	rc = xg_hcall(&g, H_RTAS, ARGS, 0, 0, NULL);
	for (i = 0; i < nret; i++)
		rets[i] = be32toh(p[3 + nargs + i]);
	return rc;
}

static int32_t set_xive(uint32_t irq, uint32_t server, uint32_t prio)
{
	uint32_t a[3] = { irq, server, prio };
	int32_t r = 1;

	VXT_REQUIRE(rtas(TOK_SET, 3, 1, a, &r) == H_SUCCESS, "H_RTAS");
	return r;
}

static int32_t one_arg(uint32_t token, uint32_t irq)
{
	int32_t r = 1;

	VXT_REQUIRE(rtas(token, 1, 1, &irq, &r) == H_SUCCESS, "H_RTAS");
	return r;
}

static bool get_xive(uint32_t irq, uint32_t server, uint32_t prio)
{
	int32_t r[3] = { 1, -1, -1 };

	VXT_REQUIRE(rtas(TOK_GET, 1, 3, &irq, r) == H_SUCCESS, "H_RTAS");
	if (r[0] || (uint32_t)r[1] != server || (uint32_t)r[2] != prio)
		vxt_diag("get-xive 0x%x: status %d server %d priority 0x%x",
			 irq, r[0], r[1], r[2]);
	return !r[0] && (uint32_t)r[1] == server && (uint32_t)r[2] == prio;
}

int main(void)
{
	struct vxt_vcpu *v0, *v1;
	uint32_t a[3];
	int32_t r[3];
	uint64_t before;

	vxt_plan(15);
	vm = vxt_vm_create(16 << 20);
	xfd = xics_create(vm);
	VXT_REQUIRE(xfd >= 0, "create the XICS device");
	xg_load(vm);
	v0 = vxt_vcpu_add(vm, 0, VXT_GUEST_ENTRY);
	v1 = vxt_vcpu_add(vm, 1, VXT_GUEST_ENTRY);
	VXT_REQUIRE(!xics_icp_attach(v0, xfd, 0), "attach ICP server 0");
	VXT_REQUIRE(!xics_icp_attach(v1, xfd, 1), "attach ICP server 1");
	VXT_REQUIRE(!xics_source_set(xfd, MSI, XICS_SRC(0, 0xff)), "define MSI");
	define_token("ibm,set-xive", TOK_SET);
	define_token("ibm,get-xive", TOK_GET);
	define_token("ibm,int-off", TOK_OFF);
	define_token("ibm,int-on", TOK_ON);
	xg_start(&g, v0);
	VXT_REQUIRE(xg_hcall(&g, H_CPPR, 0xff, 0, 0, NULL) == H_SUCCESS,
		    "H_CPPR(0xff)");

	vxt_ok(set_xive(MSI, 1, 5) == 0 && src(MSI) == XICS_SRC(1, 5),
	       "R22: set-xive(0x%x, 1, 5): status 0, attribute 0x%llx", MSI,
	       (unsigned long long)src(MSI));
	vxt_ok(get_xive(MSI, 1, 5), "R23: get-xive reads server 1, priority 5");

	before = src(MSI);
	vxt_ok(set_xive(MSI, 9, 5) == -3 && src(MSI) == before,
	       "R22: set-xive to server 9 (no ICP): -3, source unchanged");
	a[0] = MSI;
	a[1] = 0;
	vxt_ok(rtas(TOK_SET, 2, 1, a, r) == H_SUCCESS && r[0] == -3 &&
	       src(MSI) == before, "R22: set-xive with 2 arguments: %d", r[0]);
	a[2] = 5;
	vxt_ok(rtas(TOK_SET, 3, 2, a, r) == H_SUCCESS && r[0] == -3 &&
	       src(MSI) == before, "R22: set-xive with 2 returns: %d", r[0]);
	vxt_ok(set_xive(MSI, 0, 5) == 0 && src(MSI) == XICS_SRC(0, 5),
	       "R22: set-xive(0x%x, 0, 5)", MSI);

	/* R24 R23: int-off masks, keeps the priority for int-on */
	vxt_ok(one_arg(TOK_OFF, MSI) == 0 &&
	       src(MSI) == (XICS_SRC(0, 5) | KVM_XICS_MASKED),
	       "R24: int-off: MASKED, saved priority 5 (0x%llx)",
	       (unsigned long long)src(MSI));
	vxt_ok(get_xive(MSI, 0, 0xff), "R23: get-xive reads priority 0xff while off");
	VXT_REQUIRE(!xics_irq_line(vm, MSI, 1), "trigger MSI");
	vxt_ok(xg_wait(&g, 1, 100) == 0 && (src(MSI) & KVM_XICS_PENDING),
	       "R20: MSI while off: not taken, remembered (0x%llx)",
	       (unsigned long long)src(MSI));
	vxt_ok(one_arg(TOK_ON, MSI) == 0 &&
	       xics_src_prio(src(MSI)) == 5 && !(src(MSI) & KVM_XICS_MASKED),
	       "R25: int-on restores priority 5 (0x%llx)",
	       (unsigned long long)src(MSI));
	vxt_ok(xg_wait(&g, 1, 1000) == 1 && xg_last(&g) == xics_xirr(0xff, MSI) &&
	       xg_wait(&g, 1, 100) == 0,
	       "R21 R25: the remembered MSI is taken once");

	/* R25: int-on needs the source's server to have an ICP */
	VXT_REQUIRE(!xics_source_set(xfd, MSI, XICS_SRC(9, 0xff)), "server 9");
	before = src(MSI);
	vxt_ok(one_arg(TOK_ON, MSI) == -3 && src(MSI) == before,
	       "R25: int-on with server 9 (no ICP): -3, unchanged");
	vxt_ok(one_arg(TOK_OFF, 0x3000) == -3 && one_arg(TOK_ON, 0x3000) == -3,
	       "R24 R25: int-off/on of a number with no source block: -3");

	/* R26: a token KVM does not know goes to userspace */
	vxt_ok(rtas(TOK_NONE, 1, 1, a, r) == H_FUNCTION && g.to_user == 1,
	       "R26: unbound RTAS token: H_RTAS exits to userspace");
	vxt_ok(xg_done(&g), "guest finishes");
	vxt_vcpu_destroy(v1);
	vxt_vcpu_destroy(v0);
	vxt_vm_destroy(vm);
	return vxt_exit();
}
