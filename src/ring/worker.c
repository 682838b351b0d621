/* ring/worker.c — one worker: its ring, pools and the event loop.
 *
 * The loop (Redis' aeProcessEvents shape): submit and wait (at most 1 s, so
 * a stop request is noticed), then every ready CQE through one switch, then
 * one cq_advance. The policy RCU slot goes offline while the thread sleeps
 * in the kernel and reports quiescence between batches. */
#include "ring/worker.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "policy/publish.h"

uint64_t sg_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct io_uring_sqe *sg_worker_sqe(struct sg_worker *w)
{
	struct io_uring_sqe *s = io_uring_get_sqe(&w->ring);
	while (!s) {
		io_uring_submit(&w->ring);
		s = io_uring_get_sqe(&w->ring);
	}
	return s;
}

/* ---- pools ------------------------------------------------------------------- */

/* Both tables are handed out lazily: released entries first, then the next
 * never-used one. Nothing is written to an entry before it is first used,
 * so an idle worker's tables cost address space, not RSS. */
struct sg_conn *sg_conn_alloc(struct sg_worker *w)
{
	struct sg_conn *c = w->free_conns;
	if (c) {
		w->free_conns = c->next_free;
	} else if (w->conns_used < w->opts->max_conns_per_worker) {
		c = &w->conns[w->conns_used];
		c->slot = w->conns_used++;
		c->gen = 1;
	} else {
		return NULL;
	}
	c->next_free = NULL;
	w->nconns_live++;
	return c;
}

struct sg_reqctx *sg_ctx_get(struct sg_worker *w)
{
	struct sg_reqctx *x = w->free_ctx;
	if (x)
		w->free_ctx = x->next_free;
	else if (w->ctx_used < w->opts->max_active_per_worker)
		x = &w->ctx_mem[w->ctx_used++];
	else
		return NULL;
	w->nfree_ctx--;
	return x;
}

void sg_ctx_put(struct sg_worker *w, struct sg_reqctx *x)
{
	x->next_free = w->free_ctx;
	w->free_ctx = x;
	w->nfree_ctx++;
}

void sg_conn_free(struct sg_worker *w, struct sg_conn *c)
{
	c->state = SG_CS_FREE;
	c->gen++;
	c->next_free = w->free_conns;
	w->free_conns = c;
	w->nconns_live--;
}

/* ---- setup ----------------------------------------------------------------------- */

int sg_worker_init(struct sg_worker *w)
{
	const struct sg_server_opts *o = w->opts;
	unsigned n = o->max_conns_per_worker;
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_CQSIZE;
	p.cq_entries = 16384;
	int r = io_uring_queue_init_params(2048, &w->ring, &p);
	if (r < 0) {
		p.flags = IORING_SETUP_CQSIZE;	/* older kernels */
		r = io_uring_queue_init_params(2048, &w->ring, &p);
	}
	if (r < 0)
		return r;
	w->ring_ok = true;
	w->skip_cqe = (p.features & IORING_FEAT_CQE_SKIP) != 0;

	w->conns = mmap(NULL, sizeof(struct sg_conn) * n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	w->ctx_mem = mmap(NULL, sizeof(struct sg_reqctx) * o->max_active_per_worker, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	w->up_idle = mmap(NULL, sizeof(int) * (o->upstream_pool_per_worker + 1), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->conns == MAP_FAILED || w->ctx_mem == MAP_FAILED || w->up_idle == MAP_FAILED)
		return -ENOMEM;
	r = sg_inspect_pools_init(w);
	if (r < 0)
		return r;
	w->nfree_ctx = o->max_active_per_worker;	/* slots and contexts: sg_conn_alloc(), sg_ctx_get() */
	return 0;
}

void sg_worker_destroy(struct sg_worker *w)
{
	const struct sg_server_opts *o = w->opts;
	sg_upstream_pool_clear(w);
	sg_pipe_pool_clear(w);
	sg_inspect_pools_destroy(w);
	if (w->conns && w->conns != MAP_FAILED)
		munmap(w->conns, sizeof(struct sg_conn) * o->max_conns_per_worker);
	if (w->ctx_mem && w->ctx_mem != MAP_FAILED)
		munmap(w->ctx_mem, sizeof(struct sg_reqctx) * o->max_active_per_worker);
	if (w->up_idle && w->up_idle != MAP_FAILED)
		munmap(w->up_idle, sizeof(int) * (o->upstream_pool_per_worker + 1));
	if (w->ring_ok)
		io_uring_queue_exit(&w->ring);
	w->ring_ok = false;
}

/* ---- accept ------------------------------------------------------------------------- */

static void arm_accept(struct sg_worker *w, unsigned l)
{
	struct io_uring_sqe *s = sg_worker_sqe(w);
	io_uring_prep_multishot_accept(s, w->lfd[l], NULL, NULL, SOCK_CLOEXEC);
	s->user_data = sg_ud_make(SG_OP_ACCEPT, 0, l, 0);
	w->accept_armed[l] = true;
}

static void on_accept(struct sg_worker *w, unsigned l, int res, unsigned flags)
{
	if (!(flags & IORING_CQE_F_MORE))
		w->accept_armed[l] = false;
	if (res >= 0)
		sg_conn_accepted(w, res, l);	/* errors (EMFILE, ECONNABORTED): re-arm below */
	if (!w->accept_armed[l] && w->accepting && res != -EBADF && res != -EINVAL)
		arm_accept(w, l);
}

static void stop_accepting(struct sg_worker *w)
{
	w->accepting = false;
	for (unsigned l = 0; l < SG_MAX_LISTENERS; l++) {
		if (w->lfd[l] < 0 || !w->accept_armed[l])
			continue;
		struct io_uring_sqe *s = sg_worker_sqe(w);
		io_uring_prep_cancel64(s, sg_ud_make(SG_OP_ACCEPT, 0, l, 0), 0);
		s->user_data = sg_ud_make(SG_OP_CANCEL, 0, 0, 0);
	}
}

/* ---- the loop --------------------------------------------------------------------------- */

static void handle_cqe(struct sg_worker *w, const struct io_uring_cqe *cqe)
{
	uint64_t u = cqe->user_data;
	enum sg_op op = sg_ud_op(u);
	switch (op) {
	case SG_OP_NONE:
	case SG_OP_CANCEL:
		return;
	case SG_OP_ACCEPT:
		on_accept(w, sg_ud_slot(u), cqe->res, cqe->flags);
		return;
	default:
		break;
	}
	uint32_t slot = sg_ud_slot(u);
	if (slot >= w->conns_used)
		return;
	struct sg_conn *c = &w->conns[slot];
	if (c->gen != sg_ud_gen(u) || c->state == SG_CS_FREE)
		return;		/* late completion for a reused slot */
	sg_conn_on_cqe(w, c, op, sg_ud_uepoch(u), cqe->res);
}

static void begin_drain(struct sg_worker *w)
{
	w->draining = true;
	w->drain_deadline_ns = sg_now_ns() + (uint64_t)w->opts->drain_timeout_ms * 1000000u;
	stop_accepting(w);
	for (unsigned i = 0; i < w->conns_used; i++)
		if (w->conns[i].state != SG_CS_FREE)
			sg_conn_drain(w, &w->conns[i]);
}

void *sg_worker_main(void *arg)
{
	struct sg_worker *w = arg;
	/* the ring is created here: SINGLE_ISSUER binds it to this thread */
	w->start_error = sg_worker_init(w);
	atomic_store_explicit(&w->ready, 1, memory_order_release);
	if (w->start_error < 0)
		return NULL;
	w->rcu_slot = sg_rcu_register();
	w->accepting = true;
	for (unsigned l = 0; l < SG_MAX_LISTENERS; l++)
		if (w->lfd[l] >= 0)
			arm_accept(w, l);
	for (;;) {
		if (!w->draining && atomic_load_explicit(w->stop, memory_order_acquire))
			begin_drain(w);
		if (w->draining) {
			if (w->nconns_live == 0)
				break;
			if (sg_now_ns() >= w->drain_deadline_ns) {
				for (unsigned i = 0; i < w->conns_used; i++)
					sg_conn_abort(w, &w->conns[i]);
				if (w->nconns_live == 0)
					break;
			}
		}
		struct __kernel_timespec ts = { .tv_sec = w->draining ? 0 : 1, .tv_nsec = w->draining ? 100000000 : 0 };
		struct io_uring_cqe *cqe;
		sg_rcu_quiescent(w->rcu_slot);
		sg_rcu_offline(w->rcu_slot);
		int r = io_uring_submit_and_wait_timeout(&w->ring, &cqe, 1, &ts, NULL);
		sg_rcu_online(w->rcu_slot);
		if (r < 0 && r != -ETIME && r != -EINTR && r != -EAGAIN && r != -EBUSY) {
			fprintf(stderr, "sockguard: worker %u: io_uring wait: %s\n", w->id, strerror(-r));
			break;
		}
		unsigned n = 0;
		unsigned head;
		io_uring_for_each_cqe(&w->ring, head, cqe) {
			handle_cqe(w, cqe);
			n++;
		}
		io_uring_cq_advance(&w->ring, n);
		if (sg_inspect_queued(w))
			sg_inspect_queue_run(w, sg_now_ns());
	}
	sg_rcu_offline(w->rcu_slot);
	return NULL;
}
