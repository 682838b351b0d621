/* ring/sqe.h — submission helpers every connection op uses (conn.c and the
 * exec lookup): the user_data of a conn's op, room for an op plus its linked
 * timeout, and the linked timeout itself (counted in c->inflight). */
#ifndef SG_RING_SQE_H
#define SG_RING_SQE_H

#include <liburing.h>

#include "ring/conn.h"
#include "ring/ud.h"
#include "ring/worker.h"

static inline uint64_t sg_conn_ud(const struct sg_conn *c, enum sg_op op)
{
	return sg_ud_make(op, c->uepoch, c->slot, c->gen);
}

/* Room for an op and its linked timeout in the same submission. */
static inline struct io_uring_sqe *sg_sqe_pair(struct sg_worker *w)
{
	if (io_uring_sq_space_left(&w->ring) < 2)
		io_uring_submit(&w->ring);
	return sg_worker_sqe(w);
}

/* Link a timeout of `ns` to op_sqe; `ts` must live until the SQE is
 * submitted (a field of the conn). */
static inline void sg_link_timeout(struct sg_worker *w, struct sg_conn *c, struct io_uring_sqe *op_sqe,
				   struct __kernel_timespec *ts, uint64_t ns)
{
	op_sqe->flags |= IOSQE_IO_LINK;
	ts->tv_sec = (long long)(ns / 1000000000u);
	ts->tv_nsec = (long long)(ns % 1000000000u);
	struct io_uring_sqe *t = sg_worker_sqe(w);
	io_uring_prep_link_timeout(t, ts, 0);
	t->user_data = sg_conn_ud(c, SG_OP_TIMEOUT);
	c->inflight++;
	c->ntimeouts++;
}

#endif
