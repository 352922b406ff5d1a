// SPDX-License-Identifier: GPL-2.0-only
/*
 * The passthrough map's grace period under threads, userspace only.
 *
 * Reader threads play vCPUs on the guest-exit path: read_begin, look a
 * host number up, use the mapping's slot (check that it still describes
 * that number and that guest source), read_end.  A writer maps and unmaps
 * the same numbers, calling vxics_map_synchronize() after each removal,
 * so that slots are reused for other numbers as soon as allowed.
 *
 * B1/B3: no reader ever sees a torn entry or a slot reused under it, and
 * every lookup finds a mapping whole or nothing.  TSan checks the
 * ordering of map.h.  A control run (not under TSan, where the race
 * itself would stop the run) reuses slots without waiting for the
 * readers, and must see a reader catch a slot reused under it: proof that
 * the check can fail.
 *
 * VXICS_MAP_STRESS_OPS=n sets the writer's operations (default 50000,
 * 20000 under ThreadSanitizer).
 */
#include <sched.h>
#include <stdio.h>
#include <kunit/test.h>
#include "internal.h"
#include "../../../arch/powerpc/kvm/vxics/map.h"

#if defined(__SANITIZE_THREAD__)
#define MAP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MAP_TSAN 1
#endif
#endif

#define READERS		3
#define NUMBERS		48	/* host numbers, over two pages */

struct map_stress {
	struct vxics_map *m;
	struct vxics_map_reader reader[READERS];
	int stop, started;
	long lookups[READERS], hits[READERS], bad[READERS];
};

struct reader_arg {
	struct map_stress *st;
	int id;
};

static u32 number(unsigned int i)
{
	return 0x7ff000 + i * 0x101;	/* crosses a page boundary */
}

static u32 rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s >> 11;
}

static void *reader(void *arg)
{
	struct reader_arg *a = arg;
	struct map_stress *st = a->st;
	struct vxics_map_reader *r = &st->reader[a->id];
	u64 seed = 0x9e3779b97f4a7c15ULL * (a->id + 1);
	struct vxics_map_slot *s;
	u32 h;
	u64 e;

	__atomic_add_fetch(&st->started, 1, __ATOMIC_RELAXED);
	while (!__atomic_load_n(&st->stop, __ATOMIC_RELAXED)) {
		h = number(rnd(&seed) % NUMBERS);
		vxics_map_read_begin(r);
		e = vxics_map_find(st->m, h);
		st->lookups[a->id]++;
		if (e) {
			s = vxics_map_slot(st->m, e);
			/* a delivery takes a while: let the writer run */
			if (!(st->lookups[a->id] & 15))
				sched_yield();
			if (!(e & VXICS_MAP_VALID) ||
			    READ_ONCE(s->hwirq) != h ||
			    READ_ONCE(s->guest_irq) != vxics_map_guest(e))
				st->bad[a->id]++;
			atomic64_inc(&s->n_bypassed);
			st->hits[a->id]++;
		}
		vxics_map_read_end(r);
	}
	return NULL;
}

/*
 * Map and unmap NUMBERS host numbers @ops times; each new mapping of a
 * number gets another guest source, so a reused slot differs.  @wait:
 * pass the readers to vxics_map_synchronize(), or none (control).
 * Returns the readers' count of bad lookups; stops early once any.
 */
static long run(struct kunit *test, u64 ops, bool wait, long *lookups,
		long *hits)
{
	struct map_stress *st = kzalloc(sizeof(*st), GFP_KERNEL);
	struct vxics_map_reader *rs[READERS];
	struct reader_arg args[READERS];
	pthread_t t[READERS];
	bool mapped[NUMBERS] = { 0 };
	u64 seed = 42, op;
	long bad = 0;
	int i, errors = 0;

	KUNIT_ASSERT_NOT_NULL(test, st);
	st->m = kzalloc(sizeof(*st->m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st->m);
	for (i = 0; i < READERS; i++) {
		rs[i] = &st->reader[i];
		args[i] = (struct reader_arg){ st, i };
		KUNIT_ASSERT_EQ(test, pthread_create(&t[i], NULL, reader, &args[i]), 0);
	}
	/* every reader looking up before the writer starts */
	while (__atomic_load_n(&st->started, __ATOMIC_RELAXED) < READERS)
		sched_yield();
	for (op = 0; op < ops; op++) {
		unsigned int n = rnd(&seed) % NUMBERS;

		if (mapped[n]) {
			errors += vxics_map_del(st->m, number(n)) != 0;
			vxics_map_synchronize(st->m, rs, wait ? READERS : 0);
		} else {
			errors += vxics_map_add(st->m, number(n),
						VXICS_FIRST_SOURCE + op % 0x10000,
						n, NULL) < 0;
		}
		mapped[n] = !mapped[n];
		if (!wait && !(op & 1023)) {
			for (i = 0, bad = 0; i < READERS; i++)
				bad += __atomic_load_n(&st->bad[i], __ATOMIC_RELAXED);
			if (bad)
				break;
		}
	}
	__atomic_store_n(&st->stop, 1, __ATOMIC_RELAXED);
	for (i = 0, bad = 0, *lookups = 0, *hits = 0; i < READERS; i++) {
		pthread_join(t[i], NULL);
		bad += st->bad[i];
		*lookups += st->lookups[i];
		*hits += st->hits[i];
	}
	KUNIT_EXPECT_EQ(test, errors, 0);
	kunit_info(test, "%s: %llu map/unmap, %ld lookups, %ld found, %ld bad",
		   wait ? "grace period" : "control, no wait",
		   (unsigned long long)op, *lookups, *hits, bad);
	vxics_map_destroy(st->m);
	kfree(st->m);
	kfree(st);
	return bad;
}

static u64 stress_ops(void)
{
	const char *s = getenv("VXICS_MAP_STRESS_OPS");

#ifdef MAP_TSAN
	return s ? strtoull(s, NULL, 0) : 20000;
#else
	return s ? strtoull(s, NULL, 0) : 50000;
#endif
}

static void vxics_map_grace_period_b1_b3(struct kunit *test)
{
	long lookups, hits;

	KUNIT_EXPECT_EQ(test, run(test, stress_ops(), true, &lookups, &hits), 0);
	/* the race was run: readers used slots while the writer worked */
	KUNIT_EXPECT_GT(test, hits, 1000);
}

static void vxics_map_control_without_wait_fails(struct kunit *test)
{
#ifdef MAP_TSAN
	kunit_skip(test, "the control's race would stop ThreadSanitizer");
#else
	long lookups, hits;

	KUNIT_EXPECT_GT(test, run(test, 20 * stress_ops(), false, &lookups, &hits), 0);
#endif
}

static struct kunit_case vxics_map_stress_cases[] = {
	KUNIT_CASE_SLOW(vxics_map_grace_period_b1_b3),
	KUNIT_CASE_SLOW(vxics_map_control_without_wait_fails),
	{}
};

static struct kunit_suite vxics_map_stress_suite = {
	.name = "vxics_map_stress",
	.test_cases = vxics_map_stress_cases,
};

kunit_test_suites(&vxics_map_stress_suite);
