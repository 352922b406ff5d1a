/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Promela model of how an ICP's output reaches its vCPU (rule R6): the
 * core raises on a rising output only, the KVM glue turns a raise into
 * the vCPU's pending-external bit plus an IPI to its thread or a kick,
 * and KVM-HV looks at that bit when the vCPU enters the guest and when a
 * ceded vCPU decides whether to sleep.  Property: an output that is up is
 * never stranded, i.e. once nothing else can happen (Promela timeout) the
 * output is down (the guest took the interrupt).
 *
 *   spin -a [-DNO_XIRR_MB|-DNO_RAISE_MB|-DNO_KICK|-DNO_ENTRY_CHECK] output.pml
 *   gcc -O2 -DSAFETY -o pan pan.c && ./pan && spin -t output.pml
 *
 * What maps to what:
 *
 *   xisr/out      the ICP word (icp_state.h): an IPI presented and the
 *                 output line (CPPR 0xff, so out == xisr).  Changed only
 *                 by cmpxchg, which is fully ordered.
 *   P             BOOK3S_IRQPRIO_EXTERNAL in vcpu->arch.pending_exceptions
 *                 (with LPCR[MER]): set by the glue's raise, cleared by its
 *                 lower (clear_bit: atomic, unordered, so a buffered store).
 *   loaded        paca->kvm_hstate.kvm_vcpu == vcpu (rm_loaded_cpu()).
 *   ipi           an IPI pending at the vCPU's thread (kvmhv_rm_send_ipi).
 *   waiting       the vCPU blocked in kvmppc_vcore_blocked() on its rcuwait.
 *   raiser        another vCPU's real-mode H_IPI to this one, twice: the
 *                 cmpxchg presenting the IPI, then on a rising output the
 *                 raise: set_bit(P), smp_mb(), loaded? IPI : defer a kick
 *                 (the kick wakes a waiter and IPIs a loaded thread).
 *   vcpu          the target: enters the guest (loaded, full barrier, P
 *                 checked: injected), then any number of times up to a
 *                 bound: takes an injected interrupt (H_XIRR: lower,
 *                 smp_mb(), read the word, accept by cmpxchg), calls H_XIRR
 *                 on its own (a poll that may find nothing: Linux does on
 *                 a spurious interrupt), exits on an IPI and re-enters, or
 *                 cedes: unloads, prepares to wait (a full barrier), sleeps
 *                 unless P is set.  It always reacts to an IPI or an
 *                 injected interrupt, bound or not.
 *
 * Memory model: the target's clear of P and its unload store sit in a
 * store buffer that drains at any time and in any order; smp_mb() and the
 * cmpxchg drain it.  The raiser's set_bit(P) is buffered the same way.
 * Store->load reordering (what the barriers forbid) is what is covered.
 *
 * Variants (run.sh): the code as it is verifies; each mutant must fail:
 *   NO_XIRR_MB      no smp_mb() between lower and reading the word in
 *                   H_XIRR: a poll finding nothing clears P after a raise
 *                   it did not see (the bug this model found)
 *   NO_RAISE_MB     no smp_mb() between set_bit(P) and reading loaded
 *   NO_KICK         the deferred kick does not wake a waiting vCPU
 *   NO_ENTRY_CHECK  guest entry does not look at P
 */

#ifndef MAXSTEPS
#define MAXSTEPS 3
#endif
#define NRAISE	2

bit xisr;
bit P;
bit loaded;
bit ipi;
bit waiting;
byte taken;

/* store buffers */
bit sb_clrP;		/* target: clear_bit(P) not yet visible */
bit sb_unload;		/* target: loaded = 0 not yet visible */
bit sb_setP;		/* raiser: set_bit(P) not yet visible */

inline target_mb()
{
	atomic {
		if
		:: sb_clrP -> P = 0; sb_clrP = 0
		:: else
		fi;
		if
		:: sb_unload -> loaded = 0; sb_unload = 0
		:: else
		fi
	}
}

/* the target's view of P: its own pending clear first */
#define P_SEEN	(sb_clrP -> 0 : P)

active proctype flush_target()
{
end:	do
	:: atomic { sb_clrP -> P = 0; sb_clrP = 0 }
	:: atomic { sb_unload -> loaded = 0; sb_unload = 0 }
	od
}

active proctype flush_raiser()
{
end:	do
	:: atomic { sb_setP -> P = 1; sb_setP = 0 }
	od
}

active proctype raiser()
{
	byte n;
	bit rising;

	do
	:: n < NRAISE ->
		atomic {	/* cmpxchg: drains own buffer, fully ordered */
			if
			:: sb_setP -> P = 1; sb_setP = 0
			:: else
			fi;
			if
			:: !xisr -> xisr = 1; rising = 1
			:: else -> rising = 0
			fi
		}
		if
		:: rising ->
			sb_setP = 1;	/* set_bit(): unordered */
#ifndef NO_RAISE_MB
			atomic {	/* smp_mb() */
				if
				:: sb_setP -> P = 1; sb_setP = 0
				:: else
				fi
			}
#endif
			if
			:: loaded -> ipi = 1
			:: else ->	/* deferred kick, from virtual mode */
				atomic {
					if
					:: sb_setP -> P = 1; sb_setP = 0
					:: else
					fi;
#ifndef NO_KICK
					waiting = 0;
#endif
					if
					:: loaded -> ipi = 1
					:: else
					fi
				}
			fi
		:: else
		fi;
		n++
	:: else -> break
	od
}

active proctype vcpu()
{
	byte steps;
	bit injected;

enter:
	loaded = 1;
	target_mb();
#ifndef NO_ENTRY_CHECK
	injected = P_SEEN;
#else
	injected = 0;
#endif
end_guest:			/* in the guest: a valid place to stay */
	do
	:: injected -> injected = 0; goto hxirr
	:: ipi -> ipi = 0; goto enter	/* exit on the IPI, enter again */
	:: !injected && steps < MAXSTEPS -> steps++; goto hxirr
	:: !injected && steps < MAXSTEPS -> steps++; goto cede
	od;

hxirr:
	/* H_XIRR: ops->lower() */
	sb_clrP = 1;
#ifndef NO_XIRR_MB
	target_mb();
#endif
	if
	:: atomic { xisr -> target_mb(); xisr = 0; taken++ }	/* accept */
	:: atomic { !xisr -> skip }	/* nothing: no cmpxchg */
	fi;
	/* back in the guest: KVM looks at P on the way in */
	goto enter;

cede:
	sb_unload = 1;		/* leaves the thread */
	waiting = 1;		/* prepare_to_rcuwait + set_current_state */
	target_mb();
	if
	:: P_SEEN -> waiting = 0
	:: else ->
end_asleep:	(!waiting)	/* sleep until kicked; the judge decides */
	fi;
	goto enter
}

/* Nothing can move any more: the output must be down. */
active proctype judge()
{
	timeout -> assert(!xisr)
}
