/* ring/inspect_queue.c — see inspect_queue.h.
 *
 * The queue of a class is FIFO and every entry waits the same bound
 * (head_timeout_ms), so deadlines are ordered like the queue: expiry only
 * ever looks at the heads. The worker loop wakes at least once a second,
 * which bounds how late a deadline is noticed; no per-connection timer. */
#include "ring/inspect_queue.h"

#include <errno.h>
#include <sys/mman.h>

#include "ring/server.h"
#include "ring/worker.h"

static size_t pool_map_bytes(const struct sg_inspect_pool *p)
{
	return (sizeof(struct sg_arena) + sizeof(struct sg_arena *)) * p->n;
}

static int pool_init(struct sg_inspect_pool *p, unsigned n, size_t body_max, size_t scratch)
{
	p->n = n;
	p->body_max = body_max;
	p->scratch = scratch;
	p->arenas = mmap(NULL, pool_map_bytes(p), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->arenas == MAP_FAILED) {
		p->arenas = NULL;
		return -ENOMEM;
	}
	p->free = (struct sg_arena **)(p->arenas + n);
	for (unsigned i = 0; i < n; i++) {
		int r = sg_arena_init(&p->arenas[i], body_max + scratch);
		if (r < 0)
			return r;
		sg_arena_set_keep(&p->arenas[i], SG_INSPECT_KEEP_BYTES);
		p->free[p->nfree++] = &p->arenas[i];
	}
	return 0;
}

int sg_inspect_pools_init(struct sg_worker *w)
{
	const struct sg_server_opts *o = w->opts;
	int r = pool_init(&w->inspect[SG_INSPECT_SMALL], o->inspect_slots_per_worker, SG_INSPECT_SMALL_BODY_MAX,
			  SG_INSPECT_SMALL_SCRATCH);
	if (r == 0)
		r = pool_init(&w->inspect[SG_INSPECT_BIG], o->inspect_big_slots_per_worker, SG_INSPECT_BIG_BODY_MAX,
			      SG_INSPECT_BIG_SCRATCH);
	return r;
}

void sg_inspect_pools_destroy(struct sg_worker *w)
{
	for (unsigned k = 0; k < SG_INSPECT_CLASSES; k++) {
		struct sg_inspect_pool *p = &w->inspect[k];
		if (!p->arenas)
			continue;
		for (unsigned i = 0; i < p->n; i++)
			sg_arena_destroy(&p->arenas[i]);
		munmap(p->arenas, pool_map_bytes(p));
		p->arenas = NULL;
	}
}

enum sg_inspect_class sg_inspect_class_of(uint64_t body_limit)
{
	return body_limit <= SG_INSPECT_SMALL_BODY_MAX ? SG_INSPECT_SMALL : SG_INSPECT_BIG;
}

static struct sg_inspect_pool *pool_of(struct sg_worker *w, const struct sg_arena *a)
{
	for (unsigned k = 0; k < SG_INSPECT_CLASSES; k++) {
		struct sg_inspect_pool *p = &w->inspect[k];
		if (a >= p->arenas && a < p->arenas + p->n)
			return p;
	}
	return NULL;
}

static void enqueue(struct sg_worker *w, struct sg_inspect_pool *p, struct sg_conn *c, enum sg_inspect_class k)
{
	c->q_class = (uint8_t)k;
	c->q_deadline_ns = sg_now_ns() + (uint64_t)w->opts->head_timeout_ms * 1000000u;
	c->q_next = NULL;
	c->q_prev = p->q_tail;
	if (p->q_tail)
		p->q_tail->q_next = c;
	else
		p->q_head = c;
	p->q_tail = c;
	c->queued = true;
	p->nqueued++;
}

struct sg_arena *sg_inspect_arena_get(struct sg_worker *w, struct sg_conn *c, enum sg_inspect_class k)
{
	struct sg_inspect_pool *p = &w->inspect[k];
	if (p->nfree > 0 && !p->q_head)		/* nobody may overtake a waiter */
		return p->free[--p->nfree];
	enqueue(w, p, c, k);
	return NULL;
}

void sg_inspect_arena_put(struct sg_worker *w, struct sg_arena *a)
{
	struct sg_inspect_pool *p = pool_of(w, a);
	if (!p)
		return;
	sg_arena_reset(a);
	p->free[p->nfree++] = a;
}

size_t sg_inspect_arena_scratch(const struct sg_worker *w, const struct sg_arena *a)
{
	for (unsigned k = 0; k < SG_INSPECT_CLASSES; k++) {
		const struct sg_inspect_pool *p = &w->inspect[k];
		if (a >= p->arenas && a < p->arenas + p->n)
			return p->scratch;
	}
	return 0;
}

void sg_inspect_queue_unlink(struct sg_worker *w, struct sg_conn *c)
{
	if (!c->queued)
		return;
	struct sg_inspect_pool *p = &w->inspect[c->q_class];
	if (c->q_prev)
		c->q_prev->q_next = c->q_next;
	else
		p->q_head = c->q_next;
	if (c->q_next)
		c->q_next->q_prev = c->q_prev;
	else
		p->q_tail = c->q_prev;
	c->q_next = c->q_prev = NULL;
	c->queued = false;
	p->nqueued--;
}

void sg_inspect_queue_run(struct sg_worker *w, uint64_t now_ns)
{
	for (unsigned k = 0; k < SG_INSPECT_CLASSES; k++) {
		struct sg_inspect_pool *p = &w->inspect[k];
		while (p->q_head && p->nfree > 0) {
			struct sg_conn *c = p->q_head;
			sg_inspect_queue_unlink(w, c);
			sg_conn_inspect_resume(w, c, p->free[--p->nfree]);
		}
		while (p->q_head && p->q_head->q_deadline_ns <= now_ns) {
			struct sg_conn *c = p->q_head;
			sg_inspect_queue_unlink(w, c);
			sg_conn_inspect_expired(w, c);
		}
	}
}

unsigned sg_inspect_queued(const struct sg_worker *w)
{
	unsigned n = 0;
	for (unsigned k = 0; k < SG_INSPECT_CLASSES; k++)
		n += w->inspect[k].nqueued;
	return n;
}
