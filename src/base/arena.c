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
	a->failed = 0;
	return 0;
}

void sg_arena_destroy(struct sg_arena *a)
{
	if (a->base)
		munmap(a->base, a->cap);
	a->base = NULL;
	a->cap = a->used = a->high_water = a->failed = 0;
}

void *sg_arena_alloc(struct sg_arena *a, size_t n)
{
	size_t start = (a->used + 15u) & ~(size_t)15u;
	if (start > a->cap || n > a->cap - start) {
		a->failed++;
		return NULL;
	}
	a->used = start + n;
	if (a->used > a->high_water)
		a->high_water = a->used;
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

void sg_arena_reset(struct sg_arena *a)
{
	/* Give large scratch back to the kernel only when a request used a lot,
	 * so an idle worker's RSS stays small after one big body. */
	if (a->used > (size_t)(1u << 20))
		madvise(a->base + (1u << 20), a->cap - (1u << 20), MADV_DONTNEED);
	a->used = 0;
	a->failed = 0;
}
