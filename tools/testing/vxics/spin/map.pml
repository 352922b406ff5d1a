/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Promela model of the passthrough map's grace period (map.h, map.c;
 * rules B1, B3): a real-mode reader looks a host number up and uses the
 * mapping's slot while a writer removes the mapping, waits for readers
 * (vxics_map_synchronize()) and reuses the slot.  Property: a reader never
 * uses a slot after it was reused (assert slot_ok).
 *
 *   spin -a [-DNO_READER_MB|-DNO_WRITER_MB|-DNO_WAIT] map.pml
 *   gcc -O2 -DSAFETY -o pan pan.c && ./pan && spin -t map.pml
 *
 * What maps to what:
 *   entry     the map entry: 1 = the mapping, 0 = removed
 *   slot_ok   the slot still describes that mapping (0 once reused)
 *   seq       the reader's struct vxics_map_reader, odd inside a lookup
 *   reader    read_begin (odd seq, smp_mb()), find (load entry), use the
 *             slot over two steps, read_end (release store of even seq);
 *             twice
 *   writer    vxics_map_del (store entry = 0), vxics_map_synchronize
 *             (smp_mb(), load seq, if odd wait for it to change), reuse
 *
 * Memory model: each side's plain store sits in its store buffer until
 * drained, at any time, by the drain process or by that side's smp_mb();
 * a release store first drains its side's buffer.  Store->load
 * reordering is what the two barriers forbid.
 *
 * Variants (run.sh): the protocol as it is verifies; each mutant fails:
 *   NO_READER_MB  no smp_mb() in vxics_map_read_begin()
 *   NO_WRITER_MB  no smp_mb() at the start of vxics_map_synchronize()
 *   NO_WAIT       synchronize does not wait for a reader inside
 */

bit entry = 1;
bit slot_ok = 1;
byte seq = 0;

/* store buffers: reader -> seq, writer -> entry */
bit rbuf;
byte rbuf_val;
bit wbuf;

active proctype drain()
{
end:	do
	:: atomic { rbuf -> seq = rbuf_val; rbuf = 0 }
	:: atomic { wbuf -> entry = 0; wbuf = 0 }
	od
}

inline reader_mb()
{
	atomic { if :: rbuf -> seq = rbuf_val; rbuf = 0 :: else -> skip fi }
}

active proctype reader()
{
	byte mine = 0;
	byte i;
	bit e;

	for (i : 1 .. 2) {
		mine++;
		atomic { rbuf_val = mine; rbuf = 1 }	/* odd: inside */
#ifndef NO_READER_MB
		reader_mb();
#endif
		e = entry;
		if
		:: e ->
			assert(slot_ok);
			assert(slot_ok)
		:: else -> skip
		fi;
		/* release store of the even sequence */
		reader_mb();
		mine++;
		seq = mine
	}
}

active proctype writer()
{
	byte s;

	wbuf = 1;				/* entry = 0, buffered */
#ifndef NO_WRITER_MB
	atomic { if :: wbuf -> entry = 0; wbuf = 0 :: else -> skip fi }
#endif
	s = seq;
#ifndef NO_WAIT
	if
	:: (s % 2 == 1) -> (seq != s)
	:: else -> skip
	fi;
#endif
	slot_ok = 0				/* reused */
}
