/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vxics tracepoints (arch/powerpc/kvm/vxics).  Virtual mode only:
 * nothing that runs with the MMU off may trace.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vxics

#if !defined(_TRACE_VXICS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_VXICS_H

#include <linux/tracepoint.h>

/*
 * vxics_host_path: a passed-through MSI the bypass maps reached the guest
 * by the host path (host handler, VFIO eventfd, irqfd) instead (B6, B9):
 * it arrived where no vCPU of its VM was in the guest, or with the bypass
 * switched off.  @cpu took it; @vcpu_cpu is the first thread of the core
 * its vCPU runs or last ran on (-1: none), so @cpu != @vcpu_cpu is an
 * arrival on the wrong core (B7); @reason, why (enum vxics_host_reason in
 * arch/powerpc/kvm/vxics/glue.h, printed by name).
 */
TRACE_EVENT(vxics_host_path,
	    TP_PROTO(u32 guest_irq, unsigned int host_irq, int cpu,
		     int vcpu_cpu, int reason),
	    TP_ARGS(guest_irq, host_irq, cpu, vcpu_cpu, reason),
	    TP_STRUCT__entry(__field(u32, guest_irq)
			     __field(unsigned int, host_irq)
			     __field(int, cpu)
			     __field(int, vcpu_cpu)
			     __field(int, reason)),
	    TP_fast_assign(__entry->guest_irq = guest_irq;
			   __entry->host_irq = host_irq;
			   __entry->cpu = cpu;
			   __entry->vcpu_cpu = vcpu_cpu;
			   __entry->reason = reason;),
	    TP_printk("guest_irq=0x%x host_irq=%u cpu=%d vcpu_cpu=%d reason=%s",
		      __entry->guest_irq, __entry->host_irq, __entry->cpu,
		      __entry->vcpu_cpu,
		      __print_symbolic(__entry->reason, { 0, "off" },
				       { 1, "masked" }, { 2, "other-vm" },
				       { 3, "wrong-core" },
				       { 4, "not-running" }))
);

#endif /* _TRACE_VXICS_H */

#include <trace/define_trace.h>
