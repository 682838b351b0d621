/* Per-worker bump arena (base/arena.c). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/arena.h"

Test(arena, allocations_are_aligned_and_disjoint)
{
	struct sg_arena a;
	cr_assert_eq(sg_arena_init(&a, 4096), 0);
	char *p = sg_arena_alloc(&a, 3);
	char *q = sg_arena_alloc(&a, 5);
	cr_assert_not_null(p);
	cr_assert_not_null(q);
	cr_assert_eq((uintptr_t)p % 16, 0);
	cr_assert_eq((uintptr_t)q % 16, 0);
	cr_assert_geq(q, p + 3);
	sg_arena_destroy(&a);
}

Test(arena, exhaustion_returns_null_instead_of_growing)
{
	struct sg_arena a;
	cr_assert_eq(sg_arena_init(&a, 4096), 0);
	cr_assert_not_null(sg_arena_alloc(&a, 4000));
	cr_assert_null(sg_arena_alloc(&a, 200));
	cr_assert_null(sg_arena_alloc(&a, SIZE_MAX));
	sg_arena_destroy(&a);
}

Test(arena, reset_and_rewind_reuse_space)
{
	struct sg_arena a;
	cr_assert_eq(sg_arena_init(&a, 4096), 0);
	size_t mark = sg_arena_mark(&a);
	cr_assert_not_null(sg_arena_alloc(&a, 4000));
	sg_arena_rewind(&a, mark);
	cr_assert_not_null(sg_arena_alloc(&a, 4000));
	sg_arena_reset(&a);
	cr_assert_eq(a.used, 0);
	cr_assert_geq(a.high_water, 4000);
	sg_arena_destroy(&a);
}

Test(arena, strndup_copies_and_terminates)
{
	struct sg_arena a;
	cr_assert_eq(sg_arena_init(&a, 4096), 0);
	char *s = sg_arena_strndup(&a, "hello world", 5);
	cr_assert_str_eq(s, "hello");
	sg_arena_destroy(&a);
}

/* Resident pages of [p, p+len), by mincore(). */
static size_t resident_pages(const char *p, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t n = (len + page - 1) / page, r = 0;
	unsigned char *v = calloc(n, 1);
	cr_assert_not_null(v);
	cr_assert_eq(mincore((void *)p, len, v), 0);
	for (size_t i = 0; i < n; i++)
		r += v[i] & 1;
	free(v);
	return r;
}

Test(arena, reset_after_a_big_request_gives_pages_past_keep_back)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct sg_arena a;
	cr_assert_eq(sg_arena_init(&a, 16u << 20), 0);
	sg_arena_set_keep(&a, 64u << 10);
	cr_assert_eq(a.keep, 64u << 10);
	char *p = sg_arena_alloc(&a, 8u << 20);
	memset(p, 'x', 8u << 20);
	cr_assert_eq(resident_pages(a.base, 8u << 20), (8u << 20) / page);
	sg_arena_reset(&a);
	/* the kept prefix stays, the rest is gone; the lifetime high water stays */
	cr_assert_eq(resident_pages(a.base, 64u << 10), (64u << 10) / page);
	cr_assert_eq(resident_pages(a.base + (64u << 10), (8u << 20) - (64u << 10)), 0);
	cr_assert_geq(a.high_water, 8u << 20);
	cr_assert_eq(a.used, 0);
	/* the pages come back zero-filled on the next use */
	char *q = sg_arena_alloc(&a, 1u << 20);
	cr_assert_eq(q, a.base);
	cr_assert_eq(q[(1u << 20) - 1], 0);
	sg_arena_destroy(&a);
}

Test(arena, reset_after_a_small_request_keeps_its_pages)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct sg_arena a;
	cr_assert_eq(sg_arena_init(&a, 16u << 20), 0);
	sg_arena_set_keep(&a, 64u << 10);
	char *p = sg_arena_alloc(&a, 32u << 10);
	memset(p, 'x', 32u << 10);
	sg_arena_reset(&a);
	cr_assert_eq(resident_pages(a.base, 32u << 10), (32u << 10) / page);
	cr_assert_eq(p[0], 'x');	/* not even zeroed: no madvise ran */
	sg_arena_destroy(&a);
}

Test(arena, keep_is_page_rounded_and_bounded_by_cap)
{
	struct sg_arena a;
	cr_assert_eq(sg_arena_init(&a, 8192), 0);
	sg_arena_set_keep(&a, 1);
	cr_assert_eq(a.keep, (size_t)sysconf(_SC_PAGESIZE));
	sg_arena_set_keep(&a, 1u << 30);
	cr_assert_eq(a.keep, a.cap);
	sg_arena_destroy(&a);
}
