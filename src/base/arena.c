/* base/arena.c — see arena.h. */
#include "base/arena.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int sg_arena_init(struct sg_arena *a, size_t cap)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (cap == 0)
		cap = page;
	cap = (cap + page - 1) & ~(page - 1);
	void *p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	a->base = p;
	a->cap = cap;
	a->used = 0;
	a->high_water = 0;
	a->touched = 0;
	a->failed = 0;
	sg_arena_set_keep(a, (size_t)1 << 20);
	return 0;
}

void sg_arena_destroy(struct sg_arena *a)
{
	if (a->base)
		munmap(a->base, a->cap);
	a->base = NULL;
	a->cap = a->used = a->high_water = a->touched = a->keep = a->failed = 0;
}

void *sg_arena_alloc(struct sg_arena *a, size_t n)
{
	size_t start = (a->used + 15u) & ~(size_t)15u;
	if (start > a->cap || n > a->cap - start) {
		a->failed++;
		return NULL;
	}
	a->used = start + n;
	if (a->used > a->touched) {
		a->touched = a->used;
		if (a->used > a->high_water)
			a->high_water = a->used;
	}
	return a->base + start;
}

void *sg_arena_calloc(struct sg_arena *a, size_t n)
{
	void *p = sg_arena_alloc(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

char *sg_arena_strndup(struct sg_arena *a, const char *s, size_t n)
{
	if (n == (size_t)-1)
		return NULL;
	char *p = sg_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void sg_arena_set_keep(struct sg_arena *a, size_t keep)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	keep = (keep + page - 1) & ~(page - 1);
	a->keep = keep < a->cap ? keep : a->cap;
}

void sg_arena_reset(struct sg_arena *a)
{
	/* Only the pages this request touched past `keep`: the madvise costs
	 * one call, and nothing when the request stayed small. */
	if (a->keep && a->touched > a->keep) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		size_t end = (a->touched + page - 1) & ~(page - 1);
		madvise(a->base + a->keep, (end < a->cap ? end : a->cap) - a->keep, MADV_DONTNEED);
	}
	a->touched = 0;
	a->used = 0;
	a->failed = 0;
}
