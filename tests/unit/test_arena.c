/* Per-worker bump arena (base/arena.c). */
#include <criterion/criterion.h>
#include <stdint.h>

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
