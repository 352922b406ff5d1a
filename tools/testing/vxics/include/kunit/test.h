/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small KUnit look-alike: the subset of <kunit/test.h> our tests use,
 * so the same test files run in the kernel and here.  Suites register
 * themselves at startup; kunit.c runs them and prints KTAP.
 */
#ifndef _VXICS_SHIM_KUNIT_TEST_H
#define _VXICS_SHIM_KUNIT_TEST_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

struct kunit;

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	int slow;
};

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

struct kunit {
	const char *name;
	void *priv;
	bool failed;
	bool skipped;
	char skip_reason[128];
	jmp_buf abort;
	struct kunit_shim_alloc *allocs;
};

#define KUNIT_CASE(fn)		{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_SLOW(fn)	{ .run_case = fn, .name = #fn, .slow = 1 }

void kunit_shim_register(struct kunit_suite **suites);

#define __KUNIT_CAT2(a, b)	a##b
#define __KUNIT_CAT(a, b)	__KUNIT_CAT2(a, b)
#define kunit_test_suites(...)						\
	static struct kunit_suite *__KUNIT_CAT(__kunit_suites_, __LINE__)[] = \
		{ __VA_ARGS__, NULL };					\
	static void __attribute__((constructor))			\
	__KUNIT_CAT(__kunit_register_, __LINE__)(void)			\
	{								\
		kunit_shim_register(__KUNIT_CAT(__kunit_suites_, __LINE__)); \
	}
#define kunit_test_suite(s)	kunit_test_suites(&(s))

void kunit_shim_fail(struct kunit *test, bool assert, const char *file,
		     int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void kunit_shim_log(struct kunit *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void *kunit_kmalloc(struct kunit *test, size_t size, unsigned int gfp);
void *kunit_kzalloc(struct kunit *test, size_t size, unsigned int gfp);
void *kunit_kcalloc(struct kunit *test, size_t n, size_t size, unsigned int gfp);
void kunit_kfree(struct kunit *test, const void *p);
void kunit_mark_skipped(struct kunit *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define kunit_info(test, fmt, ...)	kunit_shim_log(test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...)	kunit_shim_log(test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...)	kunit_shim_log(test, fmt, ##__VA_ARGS__)
#define kunit_skip(test, fmt, ...) do {					\
	kunit_mark_skipped(test, fmt, ##__VA_ARGS__);			\
	longjmp((test)->abort, 1);					\
} while (0)

#define __KUNIT_CHECK(test, assert, cond, fmt, ...) do {		\
	if (!(cond)) {							\
		kunit_shim_fail(test, assert, __FILE__, __LINE__, fmt,	\
				##__VA_ARGS__);				\
		if (assert)						\
			longjmp((test)->abort, 1);			\
	}								\
} while (0)

#define __KUNIT_BINARY(test, assert, l, op, r) do {			\
	long long __l = (long long)(l), __r = (long long)(r);		\
	__KUNIT_CHECK(test, assert, __l op __r,				\
		      "Expected %s %s %s, but\n    %s == %lld (0x%llx)\n    %s == %lld (0x%llx)", \
		      #l, #op, #r, #l, __l, (unsigned long long)__l,	\
		      #r, __r, (unsigned long long)__r);		\
} while (0)

#define __KUNIT_PTR(test, assert, l, op, r) do {			\
	const void *__l = (l), *__r = (r);				\
	__KUNIT_CHECK(test, assert, __l op __r,				\
		      "Expected %s %s %s, but %p vs %p", #l, #op, #r, __l, __r); \
} while (0)

#define KUNIT_FAIL(test, fmt, ...) \
	kunit_shim_fail(test, false, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_TRUE(t, c)		__KUNIT_CHECK(t, false, (c), "Expected %s to be true", #c)
#define KUNIT_EXPECT_FALSE(t, c)	__KUNIT_CHECK(t, false, !(c), "Expected %s to be false", #c)
#define KUNIT_EXPECT_EQ(t, l, r)	__KUNIT_BINARY(t, false, l, ==, r)
#define KUNIT_EXPECT_NE(t, l, r)	__KUNIT_BINARY(t, false, l, !=, r)
#define KUNIT_EXPECT_LT(t, l, r)	__KUNIT_BINARY(t, false, l, <, r)
#define KUNIT_EXPECT_LE(t, l, r)	__KUNIT_BINARY(t, false, l, <=, r)
#define KUNIT_EXPECT_GT(t, l, r)	__KUNIT_BINARY(t, false, l, >, r)
#define KUNIT_EXPECT_GE(t, l, r)	__KUNIT_BINARY(t, false, l, >=, r)
#define KUNIT_EXPECT_PTR_EQ(t, l, r)	__KUNIT_PTR(t, false, l, ==, r)
#define KUNIT_EXPECT_PTR_NE(t, l, r)	__KUNIT_PTR(t, false, l, !=, r)
#define KUNIT_EXPECT_NULL(t, p)		__KUNIT_PTR(t, false, p, ==, NULL)
#define KUNIT_EXPECT_NOT_NULL(t, p)	__KUNIT_PTR(t, false, p, !=, NULL)
#define KUNIT_EXPECT_TRUE_MSG(t, c, fmt, ...) \
	__KUNIT_CHECK(t, false, (c), fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_EQ_MSG(t, l, r, fmt, ...) \
	__KUNIT_CHECK(t, false, (long long)(l) == (long long)(r), fmt, ##__VA_ARGS__)

#define KUNIT_ASSERT_TRUE_MSG(t, c, fmt, ...) \
	__KUNIT_CHECK(t, true, (c), fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_EQ_MSG(t, l, r, fmt, ...) \
	__KUNIT_CHECK(t, true, (long long)(l) == (long long)(r), fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_TRUE(t, c)		__KUNIT_CHECK(t, true, (c), "Expected %s to be true", #c)
#define KUNIT_ASSERT_FALSE(t, c)	__KUNIT_CHECK(t, true, !(c), "Expected %s to be false", #c)
#define KUNIT_ASSERT_EQ(t, l, r)	__KUNIT_BINARY(t, true, l, ==, r)
#define KUNIT_ASSERT_NE(t, l, r)	__KUNIT_BINARY(t, true, l, !=, r)
#define KUNIT_ASSERT_LT(t, l, r)	__KUNIT_BINARY(t, true, l, <, r)
#define KUNIT_ASSERT_LE(t, l, r)	__KUNIT_BINARY(t, true, l, <=, r)
#define KUNIT_ASSERT_GT(t, l, r)	__KUNIT_BINARY(t, true, l, >, r)
#define KUNIT_ASSERT_GE(t, l, r)	__KUNIT_BINARY(t, true, l, >=, r)
#define KUNIT_ASSERT_NOT_NULL(t, p)	__KUNIT_PTR(t, true, p, !=, NULL)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) KUNIT_ASSERT_NOT_NULL(t, p)

#endif /* _VXICS_SHIM_KUNIT_TEST_H */
