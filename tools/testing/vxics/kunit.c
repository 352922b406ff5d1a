// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runner for the KUnit look-alike: runs every registered suite (or those
 * named on the command line), prints KTAP like the kernel does, and ends
 * with "N passed, M failed, K skipped".  Exit status 1 if anything failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <kunit/test.h>
#include "internal.h"

struct kunit_shim_alloc {
	struct kunit_shim_alloc *next;
	void *p;
};

#define MAX_SUITES 64
static struct kunit_suite *suites[MAX_SUITES];
static int nr_suites;
/* read by WARN_ON from any thread of a test: accessed atomically */
static struct kunit *current_test;
static int stray_warnings;

/* internal.h: a test may watch full barriers (ordering.c) */
void (*vxics_shim_mb_hook)(void);

void kunit_shim_register(struct kunit_suite **s)
{
	for (; *s; s++) {
		if (nr_suites == MAX_SUITES) {
			fprintf(stderr, "kunit shim: too many suites\n");
			exit(2);
		}
		suites[nr_suites++] = *s;
	}
}

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	char buf[2048];
	char *line, *save;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("        # %s%s\n", prefix, line);
}

void kunit_shim_fail(struct kunit *test, bool assert, const char *file,
		     int line, const char *fmt, ...)
{
	va_list ap;

	test->failed = true;
	printf("        # %s: %s at %s:%d\n", test->name,
	       assert ? "ASSERTION FAILED" : "EXPECTATION FAILED", file, line);
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
	fflush(stdout);
}

void kunit_shim_log(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	(void)test;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void kunit_mark_skipped(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	test->skipped = true;
	va_start(ap, fmt);
	vsnprintf(test->skip_reason, sizeof(test->skip_reason), fmt, ap);
	va_end(ap);
}

/* WARN_ON in the code under test: fail the running test. */
void kunit_shim_warn(const char *file, int line, const char *cond)
{
	struct kunit *t = __atomic_load_n(&current_test, __ATOMIC_SEQ_CST);

	printf("        # WARNING: %s at %s:%d\n", cond, file, line);
	if (t)
		__atomic_store_n(&t->failed, true, __ATOMIC_SEQ_CST);
	else
		__atomic_add_fetch(&stray_warnings, 1, __ATOMIC_SEQ_CST);
}

u64 vxics_shim_timebase(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* POWER8 timebase ticks at 512 MHz */
	return (u64)ts.tv_sec * 512000000ull + (u64)ts.tv_nsec * 512 / 1000;
}

void *kunit_kmalloc(struct kunit *test, size_t size, unsigned int gfp)
{
	struct kunit_shim_alloc *a = malloc(sizeof(*a));
	void *p = gfp & __GFP_ZERO ? calloc(1, size) : malloc(size);

	if (!a || !p) {
		free(a);
		free(p);
		return NULL;
	}
	a->p = p;
	a->next = test->allocs;
	test->allocs = a;
	return p;
}

void *kunit_kzalloc(struct kunit *test, size_t size, unsigned int gfp)
{
	return kunit_kmalloc(test, size, gfp | __GFP_ZERO);
}

void *kunit_kcalloc(struct kunit *test, size_t n, size_t size, unsigned int gfp)
{
	return kunit_kzalloc(test, n * size, gfp);
}

void kunit_kfree(struct kunit *test, const void *p)
{
	struct kunit_shim_alloc **pp, *a;

	for (pp = &test->allocs; (a = *pp); pp = &a->next) {
		if (a->p == p) {
			*pp = a->next;
			free(a->p);
			free(a);
			return;
		}
	}
}

static void free_allocs(struct kunit *test)
{
	while (test->allocs) {
		struct kunit_shim_alloc *a = test->allocs;

		test->allocs = a->next;
		free(a->p);
		free(a);
	}
}

static bool selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0, n = 0, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < nr_suites; i++)
		n += selected(suites[i]->name, argc, argv);
	/* a name on the command line that is no suite is a failure */
	for (i = 1; i < argc; i++) {
		int k;

		for (k = 0; k < nr_suites; k++)
			if (!strcmp(argv[i], suites[k]->name))
				break;
		if (k == nr_suites) {
			printf("# no suite named %s\n", argv[i]);
			failed++;
		}
	}
	printf("KTAP version 1\n1..%d\n", n);
	n = 0;
	for (i = 0; i < nr_suites; i++) {
		struct kunit_suite *s = suites[i];
		struct kunit_case *c;
		int cases = 0, k = 0, suite_failed = 0;

		if (!selected(s->name, argc, argv))
			continue;
		for (c = s->test_cases; c->run_case; c++)
			cases++;
		printf("    KTAP version 1\n    # Subtest: %s\n    1..%d\n",
		       s->name, cases);
		if (s->suite_init && s->suite_init(s)) {
			printf("not ok %d %s # suite_init failed\n", ++n, s->name);
			failed += cases;
			continue;
		}
		for (c = s->test_cases; c->run_case; c++) {
			struct kunit test = { .name = c->name };
			bool init_failed = false;

			__atomic_store_n(&current_test, &test, __ATOMIC_SEQ_CST);
			if (!setjmp(test.abort)) {
				init_failed = s->init && s->init(&test);
				if (!init_failed)
					c->run_case(&test);
			}
			test.failed |= init_failed;
			if (!init_failed && s->exit)
				s->exit(&test);
			__atomic_store_n(&current_test, NULL, __ATOMIC_SEQ_CST);
			free_allocs(&test);
			k++;
			if (test.failed) {
				printf("    not ok %d %s\n", k, c->name);
				failed++;
				suite_failed = 1;
			} else if (test.skipped) {
				printf("    ok %d %s # SKIP %s\n", k, c->name,
				       test.skip_reason);
				skipped++;
			} else {
				printf("    ok %d %s\n", k, c->name);
				passed++;
			}
		}
		if (s->suite_exit)
			s->suite_exit(s);
		printf("%sok %d %s\n", suite_failed ? "not " : "", ++n, s->name);
	}
	if (stray_warnings) {
		printf("# %d WARN_ON outside any test\n", stray_warnings);
		failed++;
	}
	printf("# %s: %d passed, %d failed, %d skipped\n", argv[0], passed,
	       failed, skipped);
	return failed ? 1 : 0;
}
