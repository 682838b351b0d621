/* ring/worker.h — one thread, one io_uring, its own pools.
 *
 * Everything here is touched by its own thread only; the only shared state
 * is the read-only options, the listening unix socket (each worker arms its
 * own multishot accept on it) and the RCU-published policy. */
#ifndef SG_RING_WORKER_H
#define SG_RING_WORKER_H

#include <liburing.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/un.h>

#include "base/arena.h"
#include "ring/conn.h"
#include "ring/inspect_queue.h"
#include "ring/server.h"
#include "ring/splice_body.h"
#include "ring/ud.h"

#define SG_MAX_LISTENERS 2

struct sg_worker {
	unsigned id;
	pthread_t thread;
	struct io_uring ring;
	bool ring_ok;
	bool skip_cqe;			/* IOSQE_CQE_SKIP_SUCCESS works (5.17+): sends linked to recvs (conn.c) */
	const struct sg_server_opts *opts;
	int rcu_slot;
	struct sg_obs_worker *obs;	/* NULL: observability off */

	int lfd[SG_MAX_LISTENERS];	/* -1 when unused; [0] unix (shared), [1] tcp (own) */
	bool accept_armed[SG_MAX_LISTENERS];
	bool accepting;

	struct sg_conn *conns;		/* max_conns slots (mmap; a slot's page is touched on first use) */
	struct sg_conn *free_conns;	/* released slots, reused first */
	unsigned conns_used;		/* slots [0, conns_used) were ever handed out */
	unsigned nconns_live;

	struct sg_reqctx *ctx_mem;	/* max_active contexts (mmap, touched on use) */
	struct sg_reqctx *free_ctx;	/* released contexts, reused first */
	unsigned ctx_used;		/* contexts [0, ctx_used) were ever handed out */
	unsigned nfree_ctx;		/* free list + never used */

	struct sg_inspect_pool inspect[SG_INSPECT_CLASSES];	/* ring/inspect_queue.h */

	struct sg_pipe_pool pipes;	/* empty splice pipes (ring/splice_body.c) */

	int *up_idle;			/* idle upstream keep-alive fds (stack) */
	unsigned n_up_idle;

	struct sockaddr_un up_addr;
	socklen_t up_addrlen;

	bool draining;
	uint64_t drain_deadline_ns;
	const atomic_bool *stop;
	int start_error;		/* sg_worker_init() result, set by the worker thread */
	atomic_int ready;		/* 1 when start_error is set */
};

uint64_t sg_now_ns(void);

/* Get an SQE, flushing the SQ to the kernel if it is full. */
struct io_uring_sqe *sg_worker_sqe(struct sg_worker *w);

/* A free connection slot (state FREE, gen kept), or NULL when full. */
struct sg_conn *sg_conn_alloc(struct sg_worker *w);
struct sg_reqctx *sg_ctx_get(struct sg_worker *w);
void sg_ctx_put(struct sg_worker *w, struct sg_reqctx *x);
void sg_conn_free(struct sg_worker *w, struct sg_conn *c);

/* Upstream keep-alive pool (ring/upstream_pool.c). */
int sg_upstream_pool_get(struct sg_worker *w);		/* fd or -1 */
void sg_upstream_pool_put(struct sg_worker *w, int fd);	/* closes when full */
void sg_upstream_pool_clear(struct sg_worker *w);

int sg_worker_init(struct sg_worker *w);
void sg_worker_destroy(struct sg_worker *w);
void *sg_worker_main(void *arg);

#endif
