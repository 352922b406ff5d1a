/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Promela model of the vxics refuse/mark/resend protocol (rules R7-R9),
 * with the stores that its barriers order held in per-CPU store buffers.
 *
 *   spin -a [-DNO_MB|-DNO_WMB|-DNO_RECHECK|-DNO_TAKE] resend.pml
 *   gcc -O2 -DSAFETY -o pan pan.c && ./pan && spin -t resend.pml
 *
 * The real protocol verifies; each -D variant removes one piece of it and
 * must give a counterexample (run.sh checks both).  -DMAXRAISE=N bounds
 * the guest's CPPR raises (default 1).  -DIPI adds a second resender; it
 * verifies too but is too big for run.sh (1.97e8 states, 7 minutes and
 * 12.5 GB with gcc -DCOLLAPSE and ./pan -w28; 7.3e7 with -DMAXRAISE=0).
 *
 * What maps to what (arch/powerpc/kvm/vxics/):
 *
 *   icp_*           one ICP's state word (R5), only changed by atomic
 *                   cmpxchg steps: XISR (icp_xisr), CPPR (icp_cppr, three
 *                   levels: 0 = nothing gets in, the sources' priority,
 *                   0xff), need-resend (icp_rsd, VXICS_ICP_RESEND).  MFRR
 *                   stays 0xff and the IPI is not modelled.
 *   map[b]          bit b of icp->resend_blocks; both blocks are in word 0.
 *   flag[s]         VXICS_SRC_RESEND of source s (src_set_flags()).
 *   lk[b]           the ICS lock of block b.
 *   deliver()       vxics_deliver()/deliver_locked(): the RESEND take under
 *                   the lock when resending, vxics_icp_try_deliver() (one
 *                   atomic cmpxchg: present, or set need-resend), and on
 *                   refusal: mark under the lock, smp_wmb(), set_bit(),
 *                   smp_mb(), re-read need-resend, retry if clear.
 *   down_cppr()     icp_down_cppr(): cmpxchg lowering CPPR and clearing
 *                   need-resend, then vxics_icp_do_resend(): READ_ONCE of
 *                   the map word, xchg of it, for each bit an unlocked
 *                   read of each source's flag and a resend delivery.
 *   marker(c, s)    CPU c triggering source s once (vxics_set_level()).
 *   guest           the ICP's vCPU: H_CPPR(0xff) from the initial CPPR 0
 *                   (R4), H_XIRR accept then H_EOI (a CPPR lowering with
 *                   resend), and at most MAXRAISE H_CPPR raises while
 *                   nothing is presented.  It is also the final drain:
 *                   when nothing else can move (Promela timeout) every
 *                   source must have been presented exactly once.
 *
 * Sources: s0 in block 0, s1 and s2 in block 1, all of one priority, so a
 * delivery is refused while CPPR is not 0xff or XISR holds another source.
 * Two sources already show the -DNO_WMB stranding (one in XISR makes the
 * other's refusal come after the clear of need-resend, while the scan of
 * that clear is still to come); the third gives a block of two sources and
 * two bits in the map word.
 *
 * Memory model.  Each CPU has a store buffer for the accesses the barriers
 * order: the RESEND flag store together with the ICS unlock that follows
 * it (a release: the flag can never become visible after the unlock), and
 * the set_bit() of the map.  A flusher process per CPU drains them to
 * memory at any time, in any order (PSO-like: stores may pass stores),
 * except that a bit set after an smp_wmb() cannot drain before the flag
 * store/unlock issued before it.  smp_mb() and every value-returning
 * atomic (cmpxchg, xchg) drain the whole buffer first, as they are fully
 * ordered in the kernel memory model.  set_bit() is an atomic RMW with no
 * ordering (POWER: larx/stcx. without sync), so it is a buffered store
 * that takes effect atomically when it drains; that is exactly what x86's
 * locked bts hides from the userspace stress test.  spin_lock is an
 * acquire and drains nothing, except an own pending release of the same
 * lock (coherence).  Loads read the own buffer first, then memory.
 *
 * Covered: store->load reordering (what smp_mb forbids, SB pattern between
 * "set bit; mb; read need-resend" and "clear need-resend; read map") and
 * store->store reordering (what smp_wmb forbids, MP pattern between
 * "flag; wmb; bit" and "xchg map; read flag"), with any interleaving.
 * Not covered: POWER's load->load reordering and non-multi-copy-atomic
 * store propagation (every load here is already after a full barrier or
 * an acquire, and sync/lwsync are cumulative, but the model does not show
 * it); retargeting and reprioritising while in hand (R10 retry), masking
 * (R20/R21), rejection of a displaced XISR (R8), the IPI/MFRR (a second
 * resender only with -DIPI); more than one ICP; P/Q and re-triggers.  The
 * ICS unlock is a release as in the kernel memory model: it does not keep
 * the set_bit() after it from passing the flag store (POWER's lwsync would,
 * other architectures' release need not), so the smp_wmb() is needed.
 */

#define NSRC	3
#define NCPU	5		/* markers 0..2, the guest 3, IPI sender 4 */
#define GUEST	3
#define IPIER	4
#ifndef MAXRAISE
#define MAXRAISE 1
#endif

#define BLK(s)	((s) == 0 -> 0 : 1)

#define CPPR_0		0	/* R4 initial: nothing gets in */
#define CPPR_PRIO	1	/* after accepting: equal priority refused */
#define CPPR_FF		2	/* everything gets in */

/* memory */
byte icp_cppr = CPPR_0;
byte icp_xisr;			/* 0 or source + 1 */
bit icp_rsd;
bit map[2];
bit flag[NSRC];
bit lk[2];
byte presented[NSRC];

/* store buffers, one slot of each kind per CPU */
byte sb_ulk[NCPU];		/* block + 1 whose unlock is pending */
byte sb_fsrc[NCPU];		/* source + 1 whose flag store goes with it */
bit sb_fval[NCPU];
byte sb_bit[NCPU];		/* block + 1 whose set_bit is pending */
bit sb_wmb[NCPU];		/* that bit is behind a wmb after the unlock */

inline drain_fu(c)
{
	printf("  cpu%d: visible: s%d RESEND=%d, unlock blk%d\n", c,
	       sb_fsrc[c] - 1, sb_fval[c], sb_ulk[c] - 1);
	if
	:: sb_fsrc[c] -> flag[sb_fsrc[c] - 1] = sb_fval[c]; sb_fsrc[c] = 0
	:: else
	fi;
	lk[sb_ulk[c] - 1] = 0;
	sb_ulk[c] = 0;
	sb_wmb[c] = 0
}

inline drain_bit(c)
{
	printf("  cpu%d: visible: map bit blk%d\n", c, sb_bit[c] - 1);
	map[sb_bit[c] - 1] = 1;
	sb_bit[c] = 0;
	sb_wmb[c] = 0
}

/* smp_mb(), and the first half of every fully ordered atomic */
inline flush(c)
{
	if
	:: sb_ulk[c] -> drain_fu(c)
	:: else
	fi;
	if
	:: sb_bit[c] -> drain_bit(c)
	:: else
	fi
}

#define flag_load(c, s)	(sb_fsrc[c] == (s) + 1 -> sb_fval[c] : flag[s])
#define map_load(c, b)	(sb_bit[c] == (b) + 1 || map[b])

proctype flusher(byte c)
{
end:	do
	:: atomic { sb_ulk[c] -> drain_fu(c) }
	:: atomic { sb_bit[c] && !(sb_wmb[c] && sb_ulk[c]) -> drain_bit(c) }
	od
}

/*
 * arch_spin_lock: an acquire, it drains nothing but an own pending release
 * of the same lock (coherence).  Used at the start of an atomic sequence:
 * what follows up to the next load of shared memory only fills the own
 * store buffer, which no other CPU can see, so it may go with the lock.
 */
inline lock_acq(c, b)
{
	if
	:: sb_ulk[c] == (b) + 1 -> drain_fu(c)
	:: else
	fi;
	lk[b] == 0 -> lk[b] = 1
}

/* src_set_flags() under the lock, then arch_spin_unlock (release) */
inline set_flag_unlock(c, s, v)
{
	assert(sb_ulk[c] == 0);
	sb_fsrc[c] = (s) + 1;
	sb_fval[c] = v;
	sb_ulk[c] = BLK(s) + 1
}

/* vxics_deliver(s, rs) on CPU c; uses the caller's resend, ok */
inline deliver(c, s, rs)
{
	resend = rs;
	do
	:: true ->
		/* again: */
		if
		:: resend ->
			atomic {
				lock_acq(c, BLK(s));
#ifdef NO_TAKE
				/* BROKEN: take the mark without testing it */
				set_flag_unlock(c, s, 0)
#else
				if
				:: flag_load(c, s) == 0 ->
					/* somebody else took it, delivers it */
					printf("cpu%d: s%d mark already taken\n",
					       c, s);
					lk[BLK(s)] = 0;
					break
				:: else ->
					printf("cpu%d: s%d takes RESEND mark\n",
					       c, s);
					set_flag_unlock(c, s, 0)
				fi
#endif
			}
		:: else
		fi;

		/* vxics_icp_try_deliver(): fully ordered cmpxchg */
		atomic {
			flush(c);
			if
			:: icp_cppr == CPPR_FF && icp_xisr == 0 ->
				printf("cpu%d: s%d presented\n", c, s);
				icp_xisr = (s) + 1;
				ok = 1
			:: else ->
				printf("cpu%d: s%d refused, need-resend=1\n",
				       c, s);
				icp_rsd = 1;
				ok = 0
			fi
		};
		if
		:: ok -> break
		:: else
		fi;

		/* refused: mark RESEND under the ICS lock */
		atomic {
			lock_acq(c, BLK(s));
			set_flag_unlock(c, s, 1);
#ifndef NO_WMB
			sb_wmb[c] = 1;				/* smp_wmb() */
#endif
			/* set_bit(): a repeated one joins the pending one */
			assert(sb_bit[c] == 0 || sb_bit[c] == BLK(s) + 1);
			sb_bit[c] = BLK(s) + 1;
			printf("cpu%d: s%d RESEND, unlock, wmb=%d, set_bit blk%d\n",
			       c, s, sb_wmb[c], BLK(s))
		};
#ifndef NO_MB
		atomic {					/* smp_mb() */
			printf("cpu%d: smp_mb\n", c);
			flush(c)
		};
#endif
#ifdef NO_RECHECK
		break
#else
		if
		:: atomic {					/* retry */
			icp_rsd == 0 ->
			printf("cpu%d: s%d re-check: need-resend 0, retry\n",
			       c, s);
			resend = 1
		   }
		:: atomic {
			else ->
			printf("cpu%d: s%d re-check: need-resend 1, done\n",
			       c, s);
			break
		   }
		fi
#endif
	od
}

inline scan(c, s)
{
	if
	:: atomic {
		flag_load(c, s) ->
		printf("cpu%d: scan: s%d RESEND seen\n", c, s)
	   };
		deliver(c, s, 1)
	:: atomic {
		else ->
		printf("cpu%d: scan: s%d RESEND not seen\n", c, s)
	   }
	fi
}

/* icp_down_cppr() to 0xff, then vxics_icp_do_resend() */
inline down_cppr(c)
{
	atomic {
		flush(c);
		printf("cpu%d: CPPR 0xff, need-resend %d->0\n", c, icp_rsd);
		old = icp_rsd;
		icp_rsd = 0;
		icp_cppr = CPPR_FF
	};
	do_resend(c)
}

/* vxics_icp_do_resend() if the caller's cmpxchg took need-resend (old) */
inline do_resend(c)
{
	if
	:: old ->
		old = 0;		/* dead: keep it out of the state */
		if
		:: map_load(c, 0) || map_load(c, 1) ->
			atomic {				/* xchg */
				flush(c);
				w0 = map[0]; w1 = map[1];
				printf("cpu%d: xchg map: blk0=%d blk1=%d\n",
				       c, w0, w1);
				map[0] = 0; map[1] = 0
			};
			if
			:: w0 -> w0 = 0; scan(c, 0)
			:: else
			fi;
			if
			:: w1 -> w1 = 0; scan(c, 1); scan(c, 2)
			:: else
			fi
		:: atomic {
			else ->
			printf("cpu%d: map word reads 0\n", c)
		   }
		fi
	:: else
	fi
}

proctype marker(byte c; byte s)
{
	bit resend, ok;

	deliver(c, s, 0)
}

proctype guest()
{
	bit resend, ok, old, w0, w1;
	byte got, raises;

	do
	:: atomic { icp_cppr == CPPR_0 -> skip };		/* H_CPPR(0xff) */
		down_cppr(GUEST)
	:: atomic {						/* H_XIRR */
		icp_xisr != 0 ->
			flush(GUEST);
			got = icp_xisr;
			printf("guest: H_XIRR accepts s%d\n", got - 1);
			icp_xisr = 0;
			icp_cppr = CPPR_PRIO
	   };
		atomic {
			presented[got - 1]++;
			assert(presented[got - 1] == 1);	/* never twice */
			got = 0
		};
		down_cppr(GUEST)				/* H_EOI */
	:: atomic {						/* H_CPPR(0) */
		raises < MAXRAISE && icp_cppr == CPPR_FF && icp_xisr == 0 ->
			flush(GUEST);
			printf("guest: H_CPPR(0)\n");
			icp_cppr = CPPR_0
	   };
		raises++
	:: timeout -> break
	od;

	/* quiescent: nothing may be left behind */
	printf("quiescent: presented %d %d %d, RESEND %d %d %d, need-resend %d\n",
	       presented[0], presented[1], presented[2],
	       flag[0], flag[1], flag[2], icp_rsd);
	assert(presented[0] == 1 && presented[1] == 1 && presented[2] == 1)
}

#ifdef IPI
/*
 * -DIPI: a second resender on another CPU, as vxics_h_ipi() when MFRR
 * becomes less favoured: a cmpxchg that takes need-resend and leaves CPPR
 * and XISR alone, then the same scan.  (The IPI itself is not presented.)
 */
proctype ipi()
{
	bit resend, ok, old, w0, w1;

	atomic {
		flush(IPIER);
		printf("cpu%d: H_IPI, need-resend %d->0\n", IPIER, icp_rsd);
		old = icp_rsd;
		icp_rsd = 0
	};
	do_resend(IPIER)
}
#endif

init
{
	atomic {
		run flusher(0); run flusher(1); run flusher(2);
		run flusher(GUEST);
		run marker(0, 0); run marker(1, 1); run marker(2, 2);
		run guest();
#ifdef IPI
		run flusher(IPIER);
		run ipi()
#endif
	}
}
