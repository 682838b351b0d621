/* obs/log_ring.c — SPSC byte ring of complete log lines (see log_ring.h). */
#include "obs/log_ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "obs/log_writer.h"

int sg_log_ring_init(struct sg_log_ring *r, size_t cap, const char *name)
{
	memset(r, 0, sizeof(*r));
	size_t c = 4096;
	while (c < cap && c < ((size_t)1 << 30))
		c <<= 1;
	/* One allocation at start-up; the worker never allocates afterwards. */
	r->buf = aligned_alloc(64, c);
	if (!r->buf)
		return -ENOMEM;
	r->cap = c;
	r->name = name ? name : "log";
	return 0;
}

void sg_log_ring_destroy(struct sg_log_ring *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

static inline void bump(uint64_t *counter)
{
	/* Single writer: a relaxed load + store, not a locked RMW. Readers on
	 * other threads use relaxed loads and never see a torn value. */
	__atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

bool sg_log_append(struct sg_log_ring *r, const char *line, size_t len)
{
	uint64_t head = r->head;	/* only we write it */
	if (len == 0)
		return true;
	if (len > r->cap - (head - r->tail_cache)) {
		/* Refresh our view of the consumer only when it looks full. */
		r->tail_cache = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
		if (len > r->cap - (head - r->tail_cache)) {
			bump(&r->drops);
			if (r->writer)
				sg_log_writer_kick(r->writer);
			return false;
		}
	}
	size_t off = (size_t)(head & (r->cap - 1));
	size_t first = r->cap - off < len ? r->cap - off : len;
	memcpy(r->buf + off, line, first);
	memcpy(r->buf, line + first, len - first);
	__atomic_store_n(&r->head, head + len, __ATOMIC_RELEASE);
	bump(&r->lines);
	/* Past half full: wake the writer early instead of waiting for its
	 * flush tick. The kick is one flag test in the common case. */
	if (r->writer && head + len - r->tail_cache > r->cap / 2)
		sg_log_writer_kick(r->writer);
	return true;
}

uint64_t sg_log_ring_drops(const struct sg_log_ring *r)
{
	return __atomic_load_n(&r->drops, __ATOMIC_RELAXED);
}

uint64_t sg_log_ring_lines(const struct sg_log_ring *r)
{
	return __atomic_load_n(&r->lines, __ATOMIC_RELAXED);
}

size_t sg_log_ring_peek(struct sg_log_ring *r, struct iovec iov[2])
{
	uint64_t tail = r->tail;	/* only the consumer writes it */
	uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	size_t n = (size_t)(head - tail);
	if (n == 0)
		return 0;
	size_t off = (size_t)(tail & (r->cap - 1));
	size_t first = r->cap - off < n ? r->cap - off : n;
	iov[0] = (struct iovec){ r->buf + off, first };
	iov[1] = (struct iovec){ r->buf, n - first };
	return n;
}

void sg_log_ring_consume(struct sg_log_ring *r, size_t n)
{
	__atomic_store_n(&r->tail, r->tail + n, __ATOMIC_RELEASE);
}

size_t sg_log_ring_used(const struct sg_log_ring *r)
{
	uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	uint64_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	return (size_t)(head - tail);
}
