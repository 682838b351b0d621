/* base/arena.h — bump allocator with one reset, owned by one worker.
 *
 * A worker creates its arenas at start-up (one mmap each) and never touches
 * the general heap per request: a request's scratch (inspected body copy,
 * decoded JSON, rewritten head) is bump-allocated here and dropped with
 * sg_arena_reset() when the request ends. Allocation failure is a normal
 * outcome (the caller answers 413/503); there is no malloc fallback. */
#ifndef SG_BASE_ARENA_H
#define SG_BASE_ARENA_H

#include <stddef.h>

struct sg_arena {
	char *base;
	size_t cap;
	size_t used;
	size_t high_water;	/* largest `used` seen; for stats and sizing */
	size_t keep;		/* bytes that stay resident across resets (default 1 MiB);
				 * 0: never madvise (an arena over memory it does not own) */
	size_t touched;		/* largest `used` since the last reset */
	size_t failed;		/* allocations refused since init/reset (callers that
				 * turn a NULL into "malformed" can tell it apart) */
};

/* Reserve `cap` bytes (rounded up to pages). Returns 0 or -errno. */
int sg_arena_init(struct sg_arena *a, size_t cap);
void sg_arena_destroy(struct sg_arena *a);

/* 16-byte aligned; NULL (and ++failed) when the arena cannot fit n more bytes. */
void *sg_arena_alloc(struct sg_arena *a, size_t n);
/* Same, zero-filled. */
void *sg_arena_calloc(struct sg_arena *a, size_t n);
/* Copy n bytes (plus a NUL, for the libraries that want one). */
char *sg_arena_strndup(struct sg_arena *a, const char *s, size_t n);

/* Mark/rewind: drop everything allocated after a mark. */
static inline size_t sg_arena_mark(const struct sg_arena *a) { return a->used; }
static inline void sg_arena_rewind(struct sg_arena *a, size_t mark) { if (mark <= a->used) a->used = mark; }
static inline size_t sg_arena_left(const struct sg_arena *a) { return a->cap - a->used; }

/* Drop everything. Pages touched beyond `keep` since the last reset go back
 * to the kernel (MADV_DONTNEED), so one big request does not pin its RSS. */
void sg_arena_reset(struct sg_arena *a);
/* Set `keep` (rounded up to pages). */
void sg_arena_set_keep(struct sg_arena *a, size_t keep);

#endif
