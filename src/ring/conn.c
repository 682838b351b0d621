/* ring/conn.c — the per-connection state machine.
 *
 * One entry point per completion (sg_conn_on_cqe); each handler looks at
 * the connection's state, does its bookkeeping, queues the next SQE(s) and
 * returns. Nothing here blocks; the only syscalls outside the ring are on
 * connection setup/teardown (socket, shutdown, close, getsockopt).
 *
 * Directions of one request (state FORWARD):
 *   up:   serialized head from ctx->sbuf, then body bytes from ctx->cbuf
 *         (each run framed by llhttp before it is sent) or the inspected
 *         body from the arena;
 *   down: ctx->ubuf: recv from upstream, frame with llhttp, send to client,
 *         recv again only after the send completed (backpressure).
 * Both directions run at once; the request is over when both are done. */
#include "ring/conn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/serialize.h"
#include "http/target.h"
#include "policy/publish.h"
#include "ring/exec_lookup.h"
#include "ring/obs_hooks.h"
#include "ring/splice_body.h"
#include "ring/sqe.h"
#include "ring/worker.h"

static const char *const state_names[] = {
	[SG_CS_FREE] = "FREE",		 [SG_CS_IDLE] = "IDLE",
	[SG_CS_READ_HEAD] = "READ_HEAD", [SG_CS_INSPECT_WAIT] = "INSPECT_WAIT",
	[SG_CS_INSPECT_BODY] = "INSPECT_BODY", [SG_CS_EXEC_LOOKUP] = "EXEC_LOOKUP",
	[SG_CS_CONNECT_UP] = "CONNECT_UP", [SG_CS_FORWARD] = "FORWARD",
	[SG_CS_HIJACK] = "HIJACK",	 [SG_CS_RESPOND] = "RESPOND",
	[SG_CS_DISCARD_BODY] = "DISCARD_BODY", [SG_CS_DRAIN] = "DRAIN",
	[SG_CS_CLOSING] = "CLOSING",
};

const char *sg_conn_state_to_str(enum sg_conn_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : "?";
}

static const char CONTINUE_100[] = "HTTP/1.1 100 Continue\r\n\r\n";

/* ---- submission (helpers in ring/sqe.h) ------------------------------------ */

static void c_recv(struct sg_worker *w, struct sg_conn *c, uint64_t timeout_ns)
{
	struct sg_reqctx *x = c->ctx;
	struct io_uring_sqe *s = sg_sqe_pair(w);
	io_uring_prep_recv(s, c->cfd, x->cbuf + x->c_len, SG_CBUF_SIZE - x->c_len, 0);
	s->user_data = sg_conn_ud(c, SG_OP_C_RECV);
	c->inflight++;
	c->c_recv_pending = true;
	if (timeout_ns)
		sg_link_timeout(w, c, s, &c->c_ts, timeout_ns);
}

static void c_poll(struct sg_worker *w, struct sg_conn *c, uint64_t timeout_ns)
{
	struct io_uring_sqe *s = sg_sqe_pair(w);
	io_uring_prep_poll_add(s, c->cfd, POLLIN | POLLRDHUP);
	s->user_data = sg_conn_ud(c, SG_OP_C_POLL);
	c->inflight++;
	sg_link_timeout(w, c, s, &c->c_ts, timeout_ns);
}

static void c_send(struct sg_worker *w, struct sg_conn *c, const char *p, uint32_t n)
{
	struct sg_reqctx *x = c->ctx;
	x->c_out = p;
	x->c_out_len = n;
	struct io_uring_sqe *s = sg_worker_sqe(w);
	io_uring_prep_send(s, c->cfd, p, n, MSG_NOSIGNAL);
	s->user_data = sg_conn_ud(c, SG_OP_C_SEND);
	c->inflight++;
	c->c_send_pending = true;
}

static void u_send(struct sg_worker *w, struct sg_conn *c, const char *p, uint32_t n)
{
	struct sg_reqctx *x = c->ctx;
	x->u_out = p;
	x->u_out_len = n;
	struct io_uring_sqe *s = sg_worker_sqe(w);
	io_uring_prep_send(s, c->ufd, p, n, MSG_NOSIGNAL);
	s->user_data = sg_conn_ud(c, SG_OP_U_SEND);
	c->inflight++;
	c->u_send_pending = true;
}

static void u_recv(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	x->u_off = x->u_len = 0;
	struct io_uring_sqe *s = sg_worker_sqe(w);
	io_uring_prep_recv(s, c->ufd, x->ubuf, SG_UBUF_SIZE, 0);
	s->user_data = sg_conn_ud(c, SG_OP_U_RECV);
	c->inflight++;
	c->u_recv_pending = true;
}

/* Linked sends. Sent one op at a time, a plain request costs four ring round
 * trips: recv head | send head + recv response | send response | recv next
 * head, because each send's own completion wakes the worker before the recv
 * it was submitted with can. When a send's only follow-up is a recv (a
 * body-less request's head; a response that ends the request on a kept
 * connection) it is linked to that recv instead (IOSQE_IO_LINK) and posts
 * nothing when it succeeds (IOSQE_CQE_SKIP_SUCCESS; with MSG_WAITALL a short
 * send is a failure), so the worker sleeps once per direction. The recv is
 * the counted op, and it cannot start before the send is done, so when its
 * completion arrives the send's buffer is free. A failed send posts
 * SG_OP_*_SEND_LINKED, which is not counted in c->inflight, and nothing
 * more: the kernel cancels the rest of the chain (the recv, and its linked
 * timeout) without completions once a CQE_SKIP_SUCCESS member fails
 * (liburing's test/skip-cqe.c, test_link_fail), so that completion also
 * accounts for them. The caller submits the recv right after. */
static void linked_send(struct sg_worker *w, struct sg_conn *c, int fd, const char *p, uint32_t n, enum sg_op op)
{
	if (io_uring_sq_space_left(&w->ring) < 3)
		io_uring_submit(&w->ring);	/* send, recv and the recv's timeout in one submission */
	struct io_uring_sqe *s = sg_worker_sqe(w);
	io_uring_prep_send(s, fd, p, n, MSG_NOSIGNAL | MSG_WAITALL);
	s->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
	s->user_data = sg_conn_ud(c, op);
}

/* Try the splice now (see splice_body.h); if it would block, poll the
 * socket side and try again when it is ready. */
static void splice_try(struct sg_worker *w, struct sg_conn *c, unsigned dir)
{
	struct sg_splice_wait *sw = &c->spl[dir];
	int r = sg_splice_now(sw->in, sw->out, sw->n);
	if (r != -EAGAIN) {
		sg_splice_post(w, sg_ud_make((enum sg_op)sw->op, sw->uepoch, c->slot, c->gen), r);
		return;
	}
	bool reading = sw->op == SG_OP_C_RECV || sw->op == SG_OP_U_RECV;
	struct io_uring_sqe *s = sg_worker_sqe(w);
	io_uring_prep_poll_add(s, reading ? sw->in : sw->out, reading ? POLLIN : POLLOUT);
	s->user_data = sg_ud_make(dir ? SG_OP_SPLICE_WAIT_DN : SG_OP_SPLICE_WAIT_UP, sw->uepoch, c->slot, c->gen);
	c->inflight++;
}

/* The socket a waiting splice polled is ready (or the poll failed). */
static void splice_resume(struct sg_worker *w, struct sg_conn *c, unsigned dir, int res)
{
	struct sg_splice_wait *sw = &c->spl[dir];
	bool on_ufd = sw->op == SG_OP_U_RECV || sw->op == SG_OP_U_SEND;
	if (res < 0 || c->state == SG_CS_CLOSING || (on_ufd && sw->uepoch != c->uepoch)) {
		/* the fds may be gone: complete the op without touching them */
		sg_splice_post(w, sg_ud_make((enum sg_op)sw->op, sw->uepoch, c->slot, c->gen), res < 0 ? res : -ECANCELED);
		return;
	}
	splice_try(w, c, dir);
}

/* Splice between a socket and a pipe; completes like recv/send (bytes
 * moved, 0 at EOF, -errno). Partial counts are looped by the caller. */
static void splice_op(struct sg_worker *w, struct sg_conn *c, int in, int out, uint32_t n, enum sg_op op)
{
	c->inflight++;
	if (sg_splice_sync_ok()) {
		if (!c->cfd_nonblock) {
			sg_splice_sock(c->cfd);
			c->cfd_nonblock = true;
		}
		unsigned dir = op == SG_OP_U_RECV || op == SG_OP_C_SEND;
		c->spl[dir] = (struct sg_splice_wait){ in, out, n, (uint8_t)op, c->uepoch };
		splice_try(w, c, dir);
	} else {
		struct io_uring_sqe *s = sg_worker_sqe(w);
		io_uring_prep_splice(s, in, -1, out, -1, n, SPLICE_F_MOVE);
		s->user_data = sg_conn_ud(c, op);
	}
	switch (op) {
	case SG_OP_C_RECV: c->c_recv_pending = true; break;
	case SG_OP_C_SEND: c->c_send_pending = true; c->c_out_splice = true; break;
	case SG_OP_U_RECV: c->u_recv_pending = true; break;
	case SG_OP_U_SEND: c->u_send_pending = true; c->u_out_splice = true; break;
	default: break;
	}
}

static void close_pipes(struct sg_conn *c)
{
	sg_pipe_close(c->pipe_up);
	sg_pipe_close(c->pipe_dn);
}

static void sock_shutdown_wr(struct sg_worker *w, struct sg_conn *c, int fd, enum sg_op op)
{
	struct io_uring_sqe *s = sg_worker_sqe(w);
	io_uring_prep_shutdown(s, fd, SHUT_WR);
	s->user_data = sg_conn_ud(c, op);
	c->inflight++;
}

/* While a request waits for its response (docker events, wait, logs -f),
 * notice the client hanging up, as Go's server does (it cancels the
 * request): POLLRDHUP only, so pipelined bytes do not wake it. */
static void c_watch(struct sg_worker *w, struct sg_conn *c)
{
	if (c->watch_pending)
		return;
	struct io_uring_sqe *s = sg_worker_sqe(w);
	io_uring_prep_poll_add(s, c->cfd, POLLRDHUP);
	s->user_data = sg_conn_ud(c, SG_OP_C_WATCH);
	c->inflight++;
	c->watch_pending = true;
}

static void c_unwatch(struct sg_worker *w, struct sg_conn *c)
{
	if (!c->watch_pending)
		return;
	struct io_uring_sqe *s = sg_worker_sqe(w);
	io_uring_prep_poll_remove(s, sg_conn_ud(c, SG_OP_C_WATCH));
	s->user_data = sg_conn_ud(c, SG_OP_C_UNWATCH);
	c->inflight++;
	c->ntimeouts++;		/* like a timeout: no buffer involved */
}

static uint64_t ms_ns(unsigned ms) { return (uint64_t)ms * 1000000u; }

/* ---- teardown -------------------------------------------------------------- */

/* Forget the upstream socket. Pending ops on it finish (shutdown wakes them)
 * and are recognised as stale by the epoch in their user_data. */
static void drop_upstream(struct sg_worker *w, struct sg_conn *c)
{
	if (c->ufd < 0)
		return;
	if (c->u_recv_pending || c->u_send_pending || c->state == SG_CS_CONNECT_UP ||
	    c->state == SG_CS_EXEC_LOOKUP) {
		io_uring_submit(&w->ring);	/* no queued SQE may name a closed fd */
		shutdown(c->ufd, SHUT_RDWR);
	}
	close(c->ufd);
	c->ufd = -1;
	c->uepoch++;
	c->u_recv_pending = c->u_send_pending = false;
	c->u_eof = false;
}

static void release_ctx(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	if (!x)
		return;
	sg_tar_spool_close(&x->spool);
	if (x->arena) {
		sg_inspect_arena_put(w, x->arena);
		x->arena = NULL;
	}
	sg_ctx_put(w, x);
	c->ctx = NULL;
}

static void maybe_free(struct sg_worker *w, struct sg_conn *c)
{
	if (c->state != SG_CS_CLOSING || c->inflight > 0)
		return;
	if (c->cfd >= 0)
		close(c->cfd);
	c->cfd = -1;
	close_pipes(c);
	release_ctx(w, c);
	sg_conn_free(w, c);
}

static void close_conn(struct sg_worker *w, struct sg_conn *c)
{
	if (c->state == SG_CS_CLOSING || c->state == SG_CS_FREE)
		return;
	sg_inspect_queue_unlink(w, c);
	sg_ring_obs_end(w, c);
	drop_upstream(w, c);
	c->state = SG_CS_CLOSING;
	if (c->inflight > 0) {
		io_uring_submit(&w->ring);
		shutdown(c->cfd, SHUT_RDWR);
	}
	maybe_free(w, c);
}

/* ---- request setup ---------------------------------------------------------- */

static void ctx_reset(struct sg_reqctx *x)
{
	memset(x, 0, offsetof(struct sg_reqctx, rp));
}

static void process_head(struct sg_worker *w, struct sg_conn *c);

static void begin_read_head(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	c->state = SG_CS_READ_HEAD;
	x->head_deadline_ns = sg_now_ns() + ms_ns(w->opts->head_timeout_ms);
	if (x->c_len > 0)
		process_head(w, c);
	else
		c_recv(w, c, ms_ns(w->opts->head_timeout_ms));
}

static bool start_request(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = sg_ctx_get(w);
	if (!x)
		return false;
	ctx_reset(x);
	c->ctx = x;
	begin_read_head(w, c);
	return true;
}

void sg_conn_accepted(struct sg_worker *w, int fd, unsigned lidx)
{
	struct sg_conn *c = w->draining ? NULL : sg_conn_alloc(w);
	if (!c) {
		close(fd);		/* full: refuse cleanly */
		return;
	}
	c->cfd = fd;
	c->ufd = -1;
	c->inflight = c->ntimeouts = 0;
	c->c_recv_pending = c->c_send_pending = c->u_recv_pending = c->u_send_pending = false;
	c->c_eof = c->u_eof = false;
	c->watch_pending = false;
	c->c_out_splice = c->u_out_splice = false;	/* a closed conn's last splice may have left them set */
	c->c_send_linked = false;
	c->cfd_nonblock = false;
	c->pipe_up[0] = c->pipe_up[1] = c->pipe_dn[0] = c->pipe_dn[1] = -1;
	c->ctx = NULL;
	memset(&c->id, 0, sizeof(c->id));
	if (lidx == 0) {
		struct ucred uc;
		socklen_t l = sizeof(uc);
		c->id.transport = SG_TRANSPORT_UNIX;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &l) == 0) {
			c->id.has_peercred = true;
			c->id.pid = uc.pid;
			c->id.uid = uc.uid;
			c->id.gid = uc.gid;
		}
	} else {
		socklen_t l = sizeof(c->id.addr);
		c->id.transport = SG_TRANSPORT_TCP;
		if (getpeername(fd, (struct sockaddr *)&c->id.addr, &l) == 0)
			c->id.has_addr = true;
	}
	/* wait for the first byte without holding buffers: a silent client
	 * costs only this struct, and is closed after the head timeout */
	c->state = SG_CS_IDLE;
	c_poll(w, c, ms_ns(w->opts->head_timeout_ms));
}

/* ---- proxy-made responses --------------------------------------------------- */

static void respond(struct sg_worker *w, struct sg_conn *c, unsigned status, sg_slice body, bool close)
{
	struct sg_reqctx *x = c->ctx;
	/* a body we did not consume leaves the stream unframed: close after,
	 * unless it is a denied body we read to its end (DISCARD_BODY) */
	if (close || (!x->rp.message_done && !x->discard_body) || c->c_recv_pending)
		x->close_after = true;
	sg_slice rid = sg_slice_make(x->obs.request_id, x->obs_active ? SG_REQUEST_ID_LEN : 0);
	size_t n = sg_http_write_response_ex(x->sbuf, sizeof(x->sbuf), status, NULL, rid, body, !x->close_after);
	if (x->head_method && n >= body.len)
		n -= body.len;		/* HEAD: same headers, no body */
	x->obs_status = (uint16_t)status;
	x->obs_bytes = x->head_method ? 0 : body.len;
	drop_upstream(w, c);
	c->state = SG_CS_RESPOND;
	c_send(w, c, x->sbuf, (uint32_t)n);
}

static void respond_msg(struct sg_worker *w, struct sg_conn *c, unsigned status, const char *msg, bool close)
{
	struct sg_reqctx *x = c->ctx;
	size_t n = sg_http_json_message(x->ubuf, 1024, msg);
	respond(w, c, status, sg_slice_make(x->ubuf, n), close);
}

static void respond_verdict(struct sg_worker *w, struct sg_conn *c, const struct sg_verdict *v, bool close)
{
	struct sg_reqctx *x = c->ctx;
	if (v != &x->verdict)
		x->verdict = *v;	/* what the logs report */
	x->decided = true;
	size_t n = sg_policy_deny_body(v, &x->view, x->ubuf, 4096);
	respond(w, c, v->status ? v->status : 403, sg_slice_make(x->ubuf, n), close);
}

static void respond_too_large(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_verdict v = c->ctx->verdict;
	v.kind = SG_VERDICT_DENY;
	v.status = 413;
	v.reason = SG_REASON_BODY_TOO_LARGE;
	respond_verdict(w, c, &v, true);
}

static void respond_unreachable(struct sg_worker *w, struct sg_conn *c)
{
	c->ctx->obs_reason = SG_REASON_UPSTREAM_UNREACHABLE;
	respond_msg(w, c, 502, "upstream docker socket unreachable", false);
}

/* /health, /metrics: built in ubuf by ring/local_endpoints.c. */
static void respond_local(struct sg_worker *w, struct sg_conn *c, enum sg_local_endpoint e)
{
	struct sg_reqctx *x = c->ctx;
	if (!x->rp.message_done || c->c_recv_pending)
		x->close_after = true;
	x->decided = false;	/* no policy decision: logged as allow (or error) */
	uint32_t n = 0;
	const char *p = sg_ring_local_response(w, c, e, &n);
	c->state = SG_CS_RESPOND;
	c_send(w, c, p, n);
}

/* ---- end of a request -------------------------------------------------------- */

/* Given how the request leaves the connection, does request_over() go on to
 * read the next head on the same context at once? (not closing, nothing
 * pipelined, contexts to spare) */
static bool closes_after_request(const struct sg_worker *w, const struct sg_conn *c)
{
	return c->ctx->close_after || w->draining || c->inflight > c->ntimeouts + c->watch_pending;
}

static bool ctx_to_spare(const struct sg_worker *w)
{
	return w->nfree_ctx > w->opts->max_active_per_worker / 2;
}

static bool next_head_at_once(const struct sg_worker *w, const struct sg_conn *c)
{
	return !closes_after_request(w, c) && c->ctx->c_len == c->ctx->c_off && ctx_to_spare(w);
}

/* The request is over. `last` (n bytes, in ctx->ubuf) is the end of the
 * response, not sent yet: only when next_head_at_once() said so, and it is
 * then sent linked to the next head's recv. */
static void request_over_sending(struct sg_worker *w, struct sg_conn *c, const char *last, uint32_t n)
{
	struct sg_reqctx *x = c->ctx;
	sg_ring_obs_end(w, c);
	c_unwatch(w, c);
	if (c->ufd >= 0) {
		if (x->upstream_reusable && !c->u_recv_pending && !c->u_send_pending && c->state == SG_CS_FORWARD) {
			sg_upstream_pool_put(w, c->ufd);
			c->ufd = -1;
			c->uepoch++;
		} else {
			drop_upstream(w, c);
		}
	}
	if (closes_after_request(w, c)) {
		close_conn(w, c);
		return;
	}
	sg_pipe_put(w, c->pipe_up);	/* both directions ended: the pipes are empty */
	sg_pipe_put(w, c->pipe_dn);
	uint32_t left = x->c_len - x->c_off;	/* pipelined bytes after this message */
	sg_tar_spool_close(&x->spool);
	if (x->arena) {
		sg_inspect_arena_put(w, x->arena);
		x->arena = NULL;
	}
	if (left > 0) {
		memmove(x->cbuf, x->cbuf + x->c_off, left);
		ctx_reset(x);
		x->c_len = left;
		begin_read_head(w, c);
		return;
	}
	if (ctx_to_spare(w)) {
		/* plenty of contexts: keep this one and recv the next head
		 * directly (one op per request less than poll + recv); the
		 * head deadline starts with its first byte */
		ctx_reset(x);
		c->state = SG_CS_READ_HEAD;
		if (last) {
			c->c_send_linked = true;
			c->c_linked_timeout = w->opts->idle_timeout_ms != 0;	/* c_recv links one */
			linked_send(w, c, c->cfd, last, n, SG_OP_C_SEND_LINKED);
		}
		c_recv(w, c, ms_ns(w->opts->idle_timeout_ms));
		return;
	}
	release_ctx(w, c);
	c->state = SG_CS_IDLE;
	c_poll(w, c, ms_ns(w->opts->idle_timeout_ms));
}

static void request_over(struct sg_worker *w, struct sg_conn *c)
{
	request_over_sending(w, c, NULL, 0);
}

/* After a response that ends the connection while the client may still be
 * sending (oversize head, refused body): shut our write side so the client
 * sees the whole response, then discard input for a short while. Closing at
 * once with unread input would send a RST that can destroy the response. */
static void begin_drain(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	sg_ring_obs_end(w, c);
	drop_upstream(w, c);
	c_unwatch(w, c);
	if (c->inflight > c->ntimeouts + c->watch_pending || c->c_recv_pending) {
		close_conn(w, c);
		return;
	}
	shutdown(c->cfd, SHUT_WR);
	c->state = SG_CS_DRAIN;
	x->c_len = 0;
	x->drained = 0;
	c_recv(w, c, ms_ns(2000));
}

static void check_done(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	if (x->down_done && !x->up_done) {
		/* answered before the request body was all read: stop here */
		x->close_after = true;
		x->upstream_reusable = false;
		request_over(w, c);
		return;
	}
	if (x->up_done && x->down_done)
		request_over(w, c);
}

/* ---- upstream ------------------------------------------------------------------ */

static void begin_upstream_io(struct sg_worker *w, struct sg_conn *c);

static void connect_fresh(struct sg_worker *w, struct sg_conn *c)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		respond_unreachable(w, c);
		return;
	}
	c->ufd = fd;
	c->ufd_from_pool = false;
	c->state = SG_CS_CONNECT_UP;
	struct io_uring_sqe *s = sg_sqe_pair(w);
	io_uring_prep_connect(s, fd, (const struct sockaddr *)&w->up_addr, w->up_addrlen);
	s->user_data = sg_conn_ud(c, SG_OP_U_CONNECT);
	c->inflight++;
	sg_link_timeout(w, c, s, &c->u_ts, ms_ns(w->opts->connect_timeout_ms));
}

/* The upstream failed before the response started. */
static void upstream_failed(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	bool was_pooled = c->ufd_from_pool;
	drop_upstream(w, c);
	if (x->resp_started) {
		close_conn(w, c);
		return;
	}
	if (was_pooled && x->replayable && !x->retried) {
		x->retried = true;	/* a stale keep-alive connection: one fresh try */
		connect_fresh(w, c);
		return;
	}
	respond_unreachable(w, c);
}

static bool is_hijack_path(sg_slice method, sg_slice p)
{
	if (!sg_slice_eq_cstr(method, "POST"))
		return false;
	bool attach = p.len > 7 && memcmp(p.ptr + p.len - 7, "/attach", 7) == 0;
	bool start = p.len > 6 && memcmp(p.ptr + p.len - 6, "/start", 6) == 0 &&
		     sg_slice_starts_with(p, SG_SLICE_LIT("/exec/"));
	return attach || start;
}

static void start_forward(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	struct sg_upstream_head_opts o = {
		.path = x->upath,
		.framing = x->req.framing,
		.content_length = x->req.content_length,
		.keep_expect = x->req.expect_continue,
		.http10 = x->req.version_minor == 0,
	};
	char traceparent[SG_TRACEPARENT_LEN];
	if (x->obs_active) {
		sg_trace_format(&x->obs.trace, traceparent);
		o.request_id = sg_slice_make(x->obs.request_id, SG_REQUEST_ID_LEN);
		o.traceparent = sg_slice_make(traceparent, SG_TRACEPARENT_LEN);
		o.keep_tracestate = sg_trace_keep_tracestate(&x->obs.trace);
	}
	if (x->inspected) {
		uint64_t len = x->spool.open ? x->spool.len : x->body_len;
		o.framing = len ? SG_FRAME_LENGTH : SG_FRAME_NONE;
		o.content_length = len;
		o.keep_expect = false;
	}
	size_t n = sg_http_serialize_upstream(&x->req, &o, x->sbuf, sizeof(x->sbuf));
	if (n == 0) {
		respond_msg(w, c, 431, "request head too large", true);
		return;
	}
	x->sbuf_head_len = (uint32_t)n;
	x->replayable = x->inspected || x->req.framing == SG_FRAME_NONE;
	int fd = sg_upstream_pool_get(w);
	if (fd >= 0) {
		c->ufd = fd;
		c->ufd_from_pool = true;
		begin_upstream_io(w, c);
	} else {
		connect_fresh(w, c);
	}
}

static void begin_upstream_io(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	c->state = SG_CS_FORWARD;
	if (!c->ufd_from_pool && sg_splice_sync_ok())
		sg_splice_sock(c->ufd);	/* a body may be spliced synchronously */
	sg_http_resp_init(&x->sp, x->req.is_head, is_hijack_path(x->req.method, x->canon));
	x->head_sent = false;
	x->up_done = false;
	x->down_done = false;
	x->upstream_reusable = x->req.version_minor == 1;
	if (w->skip_cqe && !x->inspected && x->rp.message_done) {
		/* no body: the head is all that goes up (see linked_send) */
		x->head_sent = true;
		x->up_done = true;
		linked_send(w, c, c->ufd, x->sbuf, x->sbuf_head_len, SG_OP_U_SEND_LINKED);
		u_recv(w, c);
		return;
	}
	u_send(w, c, x->sbuf, x->sbuf_head_len);
	u_recv(w, c);
}

/* ---- spliced bodies (lengths and pipes: ring/splice_body.c) ---------------------- */

/* Once the bytes already in cbuf/ubuf are relayed, a body of known length
 * moves socket -> pipe -> socket: one splice in flight per direction, the
 * pipe drained before the next fill, so the pipe is the only buffer and a
 * slow reader stops the other side. Exactly the framed length is moved:
 * pipelined requests and a reused upstream's next response stay unread.
 * Chunked bodies move a chunk at a time (below). Direction 0 is the request
 * (client -> upstream), 1 the response, as in c->spl[]. */
enum { BODY_UP = 0, BODY_DN = 1 };

static uint64_t *body_left(struct sg_reqctx *x, unsigned d) { return d ? &x->dn_left : &x->up_left; }
static uint32_t *body_piped(struct sg_reqctx *x, unsigned d) { return d ? &x->dn_piped : &x->up_piped; }

static void splice_next(struct sg_worker *w, struct sg_conn *c, unsigned d)
{
	uint32_t n = sg_splice_len(*body_left(c->ctx, d));
	if (d == BODY_DN)
		splice_op(w, c, c->ufd, c->pipe_dn[1], n, SG_OP_U_RECV);
	else
		splice_op(w, c, c->cfd, c->pipe_up[1], n, SG_OP_C_RECV);
}

/* ---- chunked bodies: one chunk's data at a time -----------------------------------
 *
 * Once the buffered bytes are relayed, the data of a chunk with at least
 * SG_CHUNK_SPLICE_MIN still to come is spliced, and the parser is told it
 * went by (sg_http_{req,resp}_skip_chunk_data), so llhttp itself checks the
 * CRLF after it and frames the next header. Between chunks, once the body
 * has shown a chunk that big, the next header is peeked (MSG_PEEK: it stays
 * in the socket) and parsed; if it opens another chunk worth splicing, the
 * header and the chunk are spliced together, else the parser is as it was
 * and the plain recv reads the bytes. Short chunks (logs -f, events) never
 * pay for a peek. */

static bool body_chunked(const struct sg_reqctx *x, unsigned d)
{
	return d ? (x->sp.llh.flags & F_CHUNKED) != 0 : x->req.framing == SG_FRAME_CHUNKED;
}

static uint64_t chunk_left(const struct sg_reqctx *x, unsigned d)
{
	return d ? sg_http_resp_chunk_left(&x->sp) : sg_http_req_chunk_left(&x->rp);
}

/* Would a peek for the next chunk header be worth a syscall? */
static bool chunk_peek_worth(const struct sg_reqctx *x, unsigned d, bool after_chunk)
{
	return after_chunk || (d ? x->sp.chunk_size : x->rp.chunk_size) >= SG_CHUNK_SPLICE_MIN;
}

static void chunk_set(struct sg_reqctx *x, unsigned d, uint64_t ahead, uint64_t left)
{
	*body_left(x, d) = ahead + (left < SG_CHUNK_LEFT_MAX ? left : SG_CHUNK_LEFT_MAX);
	x->chunk[d].ahead = (uint32_t)ahead;
}

/* Between chunks: parse the next header from a peek into the drained
 * buffer. True if it opens a chunk worth splicing (chunk_set). */
static bool chunk_peek(struct sg_conn *c, unsigned d)
{
	struct sg_reqctx *x = c->ctx;
	char *buf = d ? x->ubuf : x->cbuf + x->head_len;
	ssize_t n = recv(d ? c->ufd : c->cfd, buf, SG_CHUNK_PEEK, MSG_PEEK | MSG_DONTWAIT);
	if (n <= 0)
		return false;	/* nothing yet, EOF or error: the plain recv sees it */
	uint64_t left = d ? sg_http_resp_peek_chunk(&x->sp, buf, (size_t)n, SG_CHUNK_SPLICE_MIN)
			  : sg_http_req_peek_chunk(&x->rp, buf, (size_t)n, SG_CHUNK_SPLICE_MIN);
	if (left == 0)
		return false;
	chunk_set(x, d, (uint64_t)n, left);
	return true;
}

/* n bytes of the chunk being spliced entered the pipe. */
static bool chunk_piped(struct sg_reqctx *x, unsigned d, uint32_t n)
{
	uint32_t seen = n < x->chunk[d].ahead ? n : x->chunk[d].ahead;
	x->chunk[d].ahead -= seen;
	*body_left(x, d) -= n;
	*body_piped(x, d) += n;
	return d ? sg_http_resp_skip_chunk_data(&x->sp, n - seen) : sg_http_req_skip_chunk_data(&x->rp, n - seen);
}

/* With synchronous splices, chunks already waiting in the socket join the
 * pipe before it is sent on (up to SG_CHUNK_GATHER bytes): one peek and
 * one splice per chunk, one send per pipe. */
static bool chunk_gather(struct sg_conn *c, unsigned d)
{
	struct sg_reqctx *x = c->ctx;
	uint64_t *left = body_left(x, d);
	uint32_t *piped = body_piped(x, d);
	while (*piped < SG_CHUNK_GATHER) {
		if (*left == 0 && !chunk_peek(c, d))
			break;
		uint32_t n = sg_splice_len(*left);
		if (n > SG_CHUNK_GATHER - *piped)
			n = SG_CHUNK_GATHER - *piped;
		int r = d ? sg_splice_now(c->ufd, c->pipe_dn[1], n) : sg_splice_now(c->cfd, c->pipe_up[1], n);
		if (r <= 0)
			break;		/* not there yet (or the next splice sees the error) */
		if (!chunk_piped(x, d, (uint32_t)r))
			return false;
		if ((uint32_t)r < n)
			break;
	}
	return true;
}

/* Start splicing the current chunk, or the next one found by a peek. */
static bool chunk_begin(struct sg_worker *w, struct sg_conn *c, unsigned d, bool after_chunk)
{
	struct sg_reqctx *x = c->ctx;
	uint64_t left = chunk_left(x, d);
	if (left >= SG_CHUNK_SPLICE_MIN)
		chunk_set(x, d, 0, left);
	else if (left > 0 || !chunk_peek_worth(x, d, after_chunk) || !chunk_peek(c, d))
		return false;
	x->chunk[d].on = true;
	splice_next(w, c, d);
	return true;
}

/* A splice into the pipe completed with res > 0 bytes. */
static bool body_spliced_in(struct sg_conn *c, unsigned d, int res)
{
	struct sg_reqctx *x = c->ctx;
	*body_piped(x, d) = 0;
	if (x->chunk[d].on)
		return chunk_piped(x, d, (uint32_t)res) && (!sg_splice_sync_ok() || chunk_gather(c, d));
	*body_piped(x, d) = (uint32_t)res;
	if (*body_left(x, d) != SG_SPLICE_UNTIL_CLOSE)
		*body_left(x, d) -= (uint32_t)res;
	return true;
}

/* ---- request body ---- */

static bool up_splice_begin(struct sg_worker *w, struct sg_conn *c, bool after_chunk)
{
	struct sg_reqctx *x = c->ctx;
	if (x->inspected)
		return false;
	uint64_t left = sg_splice_req_left(&x->rp);
	bool chunked = left < SG_SPLICE_MIN;
	if (chunked && (!body_chunked(x, BODY_UP) ||
			(chunk_left(x, BODY_UP) < SG_CHUNK_SPLICE_MIN && !chunk_peek_worth(x, BODY_UP, after_chunk))))
		return false;
	if (!sg_pipe_get(w, c->pipe_up))
		return false;
	x->c_off = x->c_len = x->head_len;
	if (chunked) {
		if (!chunk_begin(w, c, BODY_UP, after_chunk))
			return false;
	} else {
		x->up_left = left;
		splice_next(w, c, BODY_UP);
	}
	x->up_splice = true;
	x->replayable = false;
	return true;
}

/* More of the request body is to come and the body window is drained. */
static void up_more(struct sg_worker *w, struct sg_conn *c, bool after_chunk)
{
	struct sg_reqctx *x = c->ctx;
	if (up_splice_begin(w, c, after_chunk))
		return;
	x->c_off = x->c_len = x->head_len;
	c_recv(w, c, 0);
}

static void up_spliced_in(struct sg_worker *w, struct sg_conn *c, int res)
{
	struct sg_reqctx *x = c->ctx;
	if (res <= 0 || !body_spliced_in(c, BODY_UP, res)) {
		close_conn(w, c);	/* client vanished mid-body, or bad chunk framing */
		return;
	}
	splice_op(w, c, c->pipe_up[0], c->ufd, x->up_piped, SG_OP_U_SEND);
}

static void up_spliced_out(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	if (x->up_left > 0) {
		splice_next(w, c, BODY_UP);
		return;
	}
	x->up_splice = false;
	if (x->chunk[BODY_UP].on) {	/* the chunk is sent: its CRLF and the next header follow */
		x->chunk[BODY_UP].on = false;
		up_more(w, c, true);
		return;
	}
	sg_splice_req_finish(&x->rp);
	x->up_done = true;
	check_done(w, c);
}

/* ---- response body ---- */

static bool down_splice_begin(struct sg_worker *w, struct sg_conn *c, bool after_chunk)
{
	struct sg_reqctx *x = c->ctx;
	uint64_t left = sg_splice_resp_left(&x->sp);
	bool chunked = left < SG_SPLICE_MIN;
	if (chunked && (!body_chunked(x, BODY_DN) ||
			(chunk_left(x, BODY_DN) < SG_CHUNK_SPLICE_MIN && !chunk_peek_worth(x, BODY_DN, after_chunk))))
		return false;
	if (!sg_pipe_get(w, c->pipe_dn))
		return false;
	x->u_off = x->u_len = 0;
	if (chunked) {
		if (!chunk_begin(w, c, BODY_DN, after_chunk))
			return false;
	} else {
		x->dn_left = left;
		splice_next(w, c, BODY_DN);
	}
	x->dn_splice = true;
	return true;
}

/* More of the response is to come and ubuf is drained. */
static void down_more(struct sg_worker *w, struct sg_conn *c, bool after_chunk)
{
	if (!down_splice_begin(w, c, after_chunk))
		u_recv(w, c);
}

/* The upstream closed where an until-close body may end. */
static void down_eof_done(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	x->down_done = true;
	x->upstream_reusable = false;
	x->close_after = true;
	drop_upstream(w, c);
	check_done(w, c);
}

static void down_spliced_in(struct sg_worker *w, struct sg_conn *c, int res)
{
	struct sg_reqctx *x = c->ctx;
	if (res == 0 && x->dn_left == SG_SPLICE_UNTIL_CLOSE) {
		down_eof_done(w, c);
		return;
	}
	if (res <= 0 || !body_spliced_in(c, BODY_DN, res)) {
		close_conn(w, c);	/* truncated, or bad chunk framing: the client sees the close */
		return;
	}
	splice_op(w, c, c->pipe_dn[0], c->cfd, x->dn_piped, SG_OP_C_SEND);
}

static void down_spliced_out(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	if (x->dn_left > 0) {
		splice_next(w, c, BODY_DN);
		return;
	}
	x->dn_splice = false;
	if (x->chunk[BODY_DN].on) {	/* the chunk is relayed: its CRLF and the next header follow */
		x->chunk[BODY_DN].on = false;
		down_more(w, c, true);
		return;
	}
	sg_splice_resp_finish(&x->sp);
	x->down_done = true;
	if (!x->sp.keep_alive)
		x->upstream_reusable = false;
	check_done(w, c);
}

/* ---- up: request body ------------------------------------------------------------ */

static void up_pump(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	if (x->up_done)
		return;
	while (!x->rp.message_done && x->c_off < x->c_len) {
		long used = sg_http_req_feed_body(&x->rp, x->cbuf + x->c_off, x->c_len - x->c_off);
		if (used < 0) {
			if (!x->resp_started)
				respond_msg(w, c, 400, x->req.error_msg ? x->req.error_msg : "malformed body", true);
			else
				close_conn(w, c);
			return;
		}
		if (used > 0) {
			x->replayable = false;
			x->c_sending = (uint32_t)used;
			u_send(w, c, x->cbuf + x->c_off, (uint32_t)used);
			return;
		}
	}
	if (x->rp.message_done) {
		x->up_done = true;
		check_done(w, c);
		return;
	}
	up_more(w, c, false);	/* body window drained: read more */
}

/* ---- down: response ------------------------------------------------------------- */

static void enter_hijack(struct sg_worker *w, struct sg_conn *c);

static void down_after_send(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	x->u_off += x->u_sending;
	x->u_sending = 0;
	switch (x->down_ev) {
	case SG_RESP_MORE:
		/* a response that takes more than one read (streams: events,
		 * logs -f, wait) is watched for the client hanging up; short
		 * ones never pay for the extra poll */
		if (x->up_done && !x->sp.hijack_candidate && !x->req.upgrade)
			c_watch(w, c);
		down_more(w, c, false);
		return;
	case SG_RESP_DONE:
		x->down_done = true;
		if (x->u_off != x->u_len || !x->sp.keep_alive)
			x->upstream_reusable = false;
		check_done(w, c);
		return;
	case SG_RESP_HIJACK:
		enter_hijack(w, c);
		return;
	case SG_RESP_ERROR:
		break;
	}
	close_conn(w, c);
}

static void down_process(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	size_t used = 0;
	enum sg_resp_event ev = sg_http_resp_feed(&x->sp, x->ubuf + x->u_off, x->u_len - x->u_off, &used);
	if (ev == SG_RESP_ERROR && !x->resp_started) {
		respond_msg(w, c, 502, "upstream sent an invalid response", true);
		return;
	}
	/* mid-response, the valid bytes before a framing error are relayed,
	 * then down_after_send closes: the client sees the body cut where the
	 * upstream went wrong, as on the spliced path */
	x->down_ev = ev;
	if (used > 0 && !x->resp_started)
		used = sg_ring_obs_response_id(c, (uint32_t)used);	/* X-Request-Id */
	x->u_sending = (uint32_t)used;
	if (used > 0) {
		x->resp_started = true;
		if (ev == SG_RESP_DONE && w->skip_cqe && x->up_done && !c->c_send_linked &&
		    next_head_at_once(w, c)) {
			/* the response's last bytes go out linked to the next
			 * head's recv (see linked_send) */
			const char *p = x->ubuf + x->u_off;
			x->obs_bytes += (uint32_t)used;
			x->u_off += (uint32_t)used;
			x->u_sending = 0;
			x->down_done = true;
			if (x->u_off != x->u_len || !x->sp.keep_alive)
				x->upstream_reusable = false;
			request_over_sending(w, c, p, (uint32_t)used);
			return;
		}
		c_send(w, c, x->ubuf + x->u_off, (uint32_t)used);
	} else {
		down_after_send(w, c);
	}
}

/* ---- hijack: raw bidirectional pump ------------------------------------------------ */

static void hijack_check(struct sg_worker *w, struct sg_conn *c)
{
	if (c->c_eof && c->u_eof)
		close_conn(w, c);
}

static void hijack_up(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	if (x->c_off < x->c_len) {
		x->c_sending = x->c_len - x->c_off;
		u_send(w, c, x->cbuf + x->c_off, x->c_sending);
		return;
	}
	x->c_off = x->c_len = 0;
	if (c->c_eof)
		return;
	if (c->pipe_up[0] >= 0)
		splice_op(w, c, c->cfd, c->pipe_up[1], SG_SPLICE_CHUNK, SG_OP_C_RECV);
	else
		c_recv(w, c, 0);
}

static void hijack_down(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	if (x->u_off < x->u_len) {
		x->u_sending = x->u_len - x->u_off;
		c_send(w, c, x->ubuf + x->u_off, x->u_sending);
		return;
	}
	if (c->u_eof)
		return;
	if (c->pipe_dn[0] >= 0) {
		x->u_off = x->u_len = 0;
		splice_op(w, c, c->ufd, c->pipe_dn[1], SG_SPLICE_CHUNK, SG_OP_U_RECV);
	} else {
		u_recv(w, c);
	}
}

static void enter_hijack(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	if (!x->up_done) {	/* a body still coming cannot turn into a stream */
		close_conn(w, c);
		return;
	}
	c->state = SG_CS_HIJACK;
	x->raw = true;
	/* zero-copy from here on: socket -> pipe -> socket per direction */
	bool piped = sg_pipe_get(w, c->pipe_up) && sg_pipe_get(w, c->pipe_dn);
	if (!piped)
		close_pipes(c);		/* fall back to the buffers */
	/* With pipes the head stays in cbuf untouched, and the request is
	 * logged when the session closes (close_conn), with its whole duration
	 * and the bytes relayed to the client, as the original's access log
	 * runs after its hijacking handler returns. Logged now instead when raw
	 * bytes will overwrite the head (buffers), or when the verdict's text
	 * may live in the inspect arena given back below. */
	if (!piped || x->arena)
		sg_ring_obs_end(w, c);
	x->upstream_reusable = false;
	x->close_after = true;
	if (x->arena) {		/* an inspected exec start: the body went up; free the slot for the session */
		sg_inspect_arena_put(w, x->arena);
		x->arena = NULL;
		x->body = NULL;
		x->xl = NULL;
	}
	hijack_up(w, c);
	hijack_down(w, c);
}

/* ---- inspection ---------------------------------------------------------------------- */

static int body_sink(void *ctx, const char *p, size_t n)
{
	struct sg_reqctx *x = ctx;
	if (n > x->body_cap - x->body_len)
		return -1;
	memcpy(x->body + x->body_len, p, n);
	x->body_len += (uint32_t)n;
	return 0;
}

/* true: the lookup is under way (it ends in sg_conn_exec_lookup_done) or
 * the request was answered; false: it could not start, judge it FAILED. */
static bool start_exec_lookup(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	if (!x->arena) {	/* a body-less start has none yet */
		x->arena = sg_inspect_arena_get(w, c, SG_INSPECT_SMALL);
		if (!x->arena) {
			/* queued like any inspected body; sg_conn_inspect_resume
			 * comes back here through inspect_body -> finish_inspect */
			c->state = SG_CS_INSPECT_WAIT;
			c_watch(w, c);
			return true;
		}
	}
	return sg_exec_lookup_begin(w, c);
}

static void finish_inspect(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	const struct sg_policy *p = sg_policy_current();
	struct sg_verdict v;
	/* decide again: the policy may have been swapped while the body came */
	sg_policy_decide(p, &x->view, &v);
	if (v.kind == SG_VERDICT_INSPECT) {
		if (x->body_len > v.body_limit) {
			respond_too_large(w, c);
			return;
		}
		if (v.exec_lookup) {
			/* POST /exec/{id}/start: judge what dockerd stored for the id */
			if (!x->xl && start_exec_lookup(w, c))
				return;
			sg_policy_inspect_exec(p, &x->view, sg_exec_lookup_outcome_of(x->xl),
					       sg_exec_lookup_body(x->xl), x->arena, &v);
		} else if (x->spool.open) {
			sg_tar_spool_judge(x, p, &v);	/* a tar body, walked as it came (ring/tar_spool.c) */
		} else {
			sg_policy_inspect(p, &x->view, sg_slice_make(x->body, x->body_len), x->arena, &v);
		}
	}
	x->verdict = v;
	x->decided = true;
	if (v.kind == SG_VERDICT_DENY) {
		respond_verdict(w, c, &v, false);
		return;
	}
	start_forward(w, c);
}

void sg_conn_exec_lookup_done(struct sg_worker *w, struct sg_conn *c)
{
	drop_upstream(w, c);	/* none left when the lookup pooled its connection */
	c->state = SG_CS_INSPECT_BODY;
	finish_inspect(w, c);
}

static void inspect_pump(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	while (!x->rp.message_done && x->c_off < x->c_len) {
		long used = sg_http_req_feed_body(&x->rp, x->cbuf + x->c_off, x->c_len - x->c_off);
		if (used < 0) {
			if (x->rp.sink_failed && x->spool.stop == SG_SPOOL_DENIED)
				respond_verdict(w, c, &x->spool.early, false);	/* denied mid-body: never forwarded */
			else if (x->rp.sink_failed && x->spool.stop == SG_SPOOL_IO)
				respond_msg(w, c, 503, "the request body could not be spooled for inspection", true);
			else if (x->rp.sink_failed)
				respond_too_large(w, c);
			else
				respond_msg(w, c, 400, x->req.error_msg ? x->req.error_msg : "malformed body", true);
			return;
		}
		x->c_off += (uint32_t)used;
	}
	if (x->rp.message_done) {
		finish_inspect(w, c);
		return;
	}
	x->c_off = x->c_len = x->head_len;
	c_recv(w, c, ms_ns(w->opts->idle_timeout_ms));
}

static void inspect_body(struct sg_worker *w, struct sg_conn *c);

static void start_inspect(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	uint32_t limit = x->verdict.body_limit;
	x->inspected = true;
	c->state = SG_CS_INSPECT_BODY;
	if (x->req.framing == SG_FRAME_NONE) {
		finish_inspect(w, c);
		return;
	}
	if (x->req.framing == SG_FRAME_LENGTH && x->req.content_length > limit) {
		respond_too_large(w, c);
		return;
	}
	x->arena = sg_inspect_arena_get(w, c, sg_inspect_class_of(limit));
	if (!x->arena) {
		/* all arenas of this class busy: queued until one is free
		 * (sg_conn_inspect_resume) or the head timeout (503); the
		 * watch notices the client hanging up meanwhile */
		c->state = SG_CS_INSPECT_WAIT;
		c_watch(w, c);
		return;
	}
	inspect_body(w, c);
}

/* An arena is held: buffer the body into it. */
static void inspect_body(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	uint32_t limit = x->verdict.body_limit;
	uint64_t cap = x->req.framing == SG_FRAME_LENGTH ? x->req.content_length : limit;
	if (sg_tar_spool_wanted(x)) {
		/* a tar body: walked as it streams, spooled to a file (ring/tar_spool.h) */
		if (sg_tar_spool_begin(w, x) < 0) {
			respond_msg(w, c, 503, "the request body could not be spooled for inspection", true);
			return;
		}
		goto pump;
	}
	/* The inspector decodes into the same arena: never let the body take
	 * the scratch it needs. A chunked body reserves what the arena can hold
	 * beside that scratch; more is refused (413) as it arrives. */
	size_t scratch = sg_inspect_arena_scratch(w, x->arena), left = sg_arena_left(x->arena);
	uint64_t room = left > scratch ? left - scratch : 0;
	if (x->req.framing != SG_FRAME_LENGTH && cap > room)
		cap = room;
	if (cap > room) {
		respond_too_large(w, c);
		return;
	}
	x->body = sg_arena_alloc(x->arena, cap ? (size_t)cap : 1);
	if (!x->body) {
		respond_too_large(w, c);
		return;
	}
	x->body_cap = (uint32_t)cap;
	x->rp.sink = body_sink;
	x->rp.sink_ctx = x;
pump:
	if (x->req.expect_continue) {
		x->sending_continue = true;
		c_send(w, c, CONTINUE_100, sizeof(CONTINUE_100) - 1);
		return;
	}
	inspect_pump(w, c);
}

void sg_conn_inspect_resume(struct sg_worker *w, struct sg_conn *c, struct sg_arena *a)
{
	c_unwatch(w, c);
	c->ctx->arena = a;
	c->state = SG_CS_INSPECT_BODY;
	inspect_body(w, c);
}

void sg_conn_inspect_expired(struct sg_worker *w, struct sg_conn *c)
{
	c_unwatch(w, c);
	c->state = SG_CS_INSPECT_BODY;
	respond_msg(w, c, 503, "no inspection slot became free in time", true);
}

/* ---- a denied body ------------------------------------------------------------------- */

/* Keep the connection after a deny by reading the body to its end, when it
 * is bounded: a Content-Length up to SG_DISCARD_MAX, or chunked (cut off at
 * the same bound). Not with Expect: 100-continue: that client may never
 * send the body it was not invited to. */
static bool discardable(const struct sg_reqctx *x)
{
	if (x->req.expect_continue || x->close_after)
		return false;
	if (x->req.framing == SG_FRAME_LENGTH)
		return x->req.content_length <= SG_DISCARD_MAX;
	return x->req.framing == SG_FRAME_CHUNKED;
}

/* The body is framed by the request's own llhttp parser (no sink): its
 * bytes are never looked at as a request, and the next head starts exactly
 * where the message ends. */
static void discard_pump(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	while (!x->rp.message_done && x->c_off < x->c_len) {
		long used = sg_http_req_feed_body(&x->rp, x->cbuf + x->c_off, x->c_len - x->c_off);
		if (used < 0) {
			x->close_after = true;	/* malformed framing: nothing after it is trusted */
			begin_drain(w, c);
			return;
		}
		x->c_off += (uint32_t)used;
		x->drained += (uint32_t)used;
	}
	if (x->rp.message_done) {
		request_over(w, c);
		return;
	}
	if (x->drained > SG_DISCARD_MAX) {
		x->close_after = true;
		begin_drain(w, c);
		return;
	}
	x->c_off = x->c_len = x->head_len;
	c_recv(w, c, ms_ns(w->opts->idle_timeout_ms));
}

static void begin_discard(struct sg_worker *w, struct sg_conn *c)
{
	c->state = SG_CS_DISCARD_BODY;
	c->ctx->drained = 0;
	discard_pump(w, c);
}

/* ---- the head ------------------------------------------------------------------------- */

static void process_head(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	int r = sg_http_head_end(x->cbuf, x->c_len, &x->head_scanned);
	if (r < 0) {
		x->rp.message_done = false;
		respond_msg(w, c, (unsigned)-r, r == -431 ? "request head too large" : "malformed request head", true);
		return;
	}
	if (r == 0) {
		uint64_t now = sg_now_ns();
		if (x->head_deadline_ns == 0)	/* kept-alive context: the head starts now */
			x->head_deadline_ns = now + ms_ns(w->opts->head_timeout_ms);
		if (now >= x->head_deadline_ns) {
			close_conn(w, c);
			return;
		}
		c_recv(w, c, x->head_deadline_ns - now);
		return;
	}
	x->head_len = (uint32_t)r;
	int st = sg_http_parse_request(&x->rp, &x->req, x->cbuf, x->head_len);
	if (st) {
		respond_msg(w, c, (unsigned)st, x->req.error_msg ? x->req.error_msg : "malformed request", true);
		return;
	}
	x->c_off = x->head_len;
	x->head_method = x->req.is_head;
	x->close_after = !x->req.keep_alive || x->req.version_minor == 0;
	sg_ring_obs_begin(w, c);
	if (sg_http_target_paths(x->req.path, x->pathbuf, sizeof(x->pathbuf), &x->canon, &x->upath) != 0) {
		x->obs_reason = SG_REASON_PATH_NOT_CANONICAL;
		respond_msg(w, c, 400, "request path cannot be canonicalized", false);
		return;
	}
	x->view = (struct sg_request_view){
		.method = x->req.method,
		.raw_path = x->req.path,
		.path = x->canon,
		.query = x->req.query,
		.content_type = x->req.content_type,
		.client = &c->id,
		.head_scratch = x->head_scratch,
	};
	sg_policy_decide(sg_policy_current(), &x->view, &x->verdict);
	x->decided = true;
	enum sg_local_endpoint le = sg_ring_local_endpoint(w, c);
	if (le != SG_LOCAL_NONE && x->verdict.reason != SG_REASON_CLIENT_CIDR_DENIED) {
		respond_local(w, c, le);	/* bypasses the rules, not listener admission */
		return;
	}
	switch (x->verdict.kind) {
	case SG_VERDICT_DENY:
		x->discard_body = discardable(x);
		respond_verdict(w, c, &x->verdict, false);
		return;
	case SG_VERDICT_INSPECT:
		start_inspect(w, c);
		return;
	case SG_VERDICT_ALLOW:
		start_forward(w, c);
		return;
	}
	close_conn(w, c);
}

/* ---- completions -------------------------------------------------------------------------- */

static void on_c_recv(struct sg_worker *w, struct sg_conn *c, int res)
{
	struct sg_reqctx *x = c->ctx;
	switch (c->state) {
	case SG_CS_READ_HEAD:
		if (res <= 0) {
			close_conn(w, c);	/* EOF, error, or the head deadline passed */
			return;
		}
		x->c_len += (uint32_t)res;
		process_head(w, c);
		return;
	case SG_CS_INSPECT_BODY:
		if (res <= 0) {
			close_conn(w, c);
			return;
		}
		x->c_len += (uint32_t)res;
		inspect_pump(w, c);
		return;
	case SG_CS_FORWARD:
		if (x->up_splice) {
			up_spliced_in(w, c, res);
			return;
		}
		if (res <= 0) {
			close_conn(w, c);	/* client vanished mid-body */
			return;
		}
		x->c_len += (uint32_t)res;
		up_pump(w, c);
		return;
	case SG_CS_HIJACK:
		if (res <= 0) {
			c->c_eof = true;	/* stdin closed: half-close upstream, keep relaying */
			x->up_done = true;
			if (!c->u_eof && c->ufd >= 0)
				sock_shutdown_wr(w, c, c->ufd, SG_OP_U_SHUTDOWN);
			hijack_check(w, c);
			return;
		}
		if (c->pipe_up[0] >= 0) {
			x->up_piped = (uint32_t)res;
			splice_op(w, c, c->pipe_up[0], c->ufd, x->up_piped, SG_OP_U_SEND);
			return;
		}
		x->c_len += (uint32_t)res;
		hijack_up(w, c);
		return;
	case SG_CS_DISCARD_BODY:
		if (res <= 0) {
			close_conn(w, c);
			return;
		}
		x->c_len += (uint32_t)res;
		discard_pump(w, c);
		return;
	case SG_CS_DRAIN:
		x->drained += res > 0 ? (uint32_t)res : 0;
		if (res <= 0 || x->drained > (1u << 20)) {
			close_conn(w, c);
			return;
		}
		x->c_len = 0;
		c_recv(w, c, ms_ns(2000));
		return;
	default:
		return;		/* RESPOND: close_after is set; nothing to do */
	}
}

static void on_c_send(struct sg_worker *w, struct sg_conn *c, int res)
{
	struct sg_reqctx *x = c->ctx;
	bool spliced = c->c_out_splice;
	c->c_out_splice = false;
	if (res <= 0) {
		close_conn(w, c);
		return;
	}
	if (c->state == SG_CS_FORWARD || c->state == SG_CS_HIJACK)
		x->obs_bytes += (uint32_t)res;
	if (spliced) {
		if (c->state != SG_CS_HIJACK && c->state != SG_CS_FORWARD)
			return;
		x->dn_piped -= (uint32_t)res;
		if (x->dn_piped > 0)
			splice_op(w, c, c->pipe_dn[0], c->cfd, x->dn_piped, SG_OP_C_SEND);
		else if (c->state == SG_CS_HIJACK)
			hijack_down(w, c);
		else
			down_spliced_out(w, c);
		return;
	}
	if ((uint32_t)res < x->c_out_len) {
		c_send(w, c, x->c_out + res, x->c_out_len - (uint32_t)res);
		return;
	}
	switch (c->state) {
	case SG_CS_RESPOND:
		if (x->close_after && !w->draining)
			begin_drain(w, c);
		else if (x->discard_body && !x->rp.message_done && !w->draining)
			begin_discard(w, c);
		else
			request_over(w, c);
		return;
	case SG_CS_INSPECT_BODY:
		x->sending_continue = false;
		inspect_pump(w, c);
		return;
	case SG_CS_FORWARD:
		down_after_send(w, c);
		return;
	case SG_CS_HIJACK:
		x->u_off += x->u_sending;
		x->u_sending = 0;
		hijack_down(w, c);
		return;
	default:
		close_conn(w, c);
	}
}

static void on_u_connect(struct sg_worker *w, struct sg_conn *c, int res)
{
	if (c->state != SG_CS_CONNECT_UP)
		return;
	if (res < 0) {
		drop_upstream(w, c);
		respond_unreachable(w, c);
		return;
	}
	begin_upstream_io(w, c);
}

/* The next run of a spooled tar body to the upstream (ring/tar_spool.h). */
static void spool_up(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	const char *p;
	uint32_t n;
	int r = sg_tar_spool_next(&x->spool, &p, &n);
	if (r < 0) {
		respond_msg(w, c, 500, "the spooled request body could not be read", true);
		return;
	}
	if (r == 0) {
		x->up_done = true;
		check_done(w, c);
		return;
	}
	u_send(w, c, p, n);
}

static void on_u_send(struct sg_worker *w, struct sg_conn *c, int res)
{
	struct sg_reqctx *x = c->ctx;
	bool spliced = c->u_out_splice;
	c->u_out_splice = false;
	if (c->state != SG_CS_FORWARD && c->state != SG_CS_HIJACK)
		return;
	if (spliced) {
		if (res <= 0) {
			close_conn(w, c);
			return;
		}
		x->up_piped -= (uint32_t)res;
		if (x->up_piped > 0)
			splice_op(w, c, c->pipe_up[0], c->ufd, x->up_piped, SG_OP_U_SEND);
		else if (c->state == SG_CS_HIJACK)
			hijack_up(w, c);
		else
			up_spliced_out(w, c);
		return;
	}
	if (res <= 0) {
		if (c->state == SG_CS_HIJACK)
			close_conn(w, c);
		else
			upstream_failed(w, c);
		return;
	}
	if ((uint32_t)res < x->u_out_len) {
		u_send(w, c, x->u_out + res, x->u_out_len - (uint32_t)res);
		return;
	}
	if (c->state == SG_CS_HIJACK) {
		x->c_off += x->c_sending;
		x->c_sending = 0;
		hijack_up(w, c);
		return;
	}
	if (!x->head_sent) {
		x->head_sent = true;
		if (x->inspected) {
			if (x->spool.open) {
				x->spool.off = 0;	/* also on a replay to a fresh upstream */
				spool_up(w, c);
				return;
			}
			if (x->body_len > 0) {
				u_send(w, c, x->body, x->body_len);
				return;
			}
			x->up_done = true;
			check_done(w, c);
			return;
		}
		up_pump(w, c);
		return;
	}
	if (x->inspected) {
		if (x->spool.open) {
			spool_up(w, c);
			return;
		}
		x->up_done = true;
		check_done(w, c);
		return;
	}
	x->c_off += x->c_sending;
	x->c_sending = 0;
	up_pump(w, c);
}

static void on_u_recv(struct sg_worker *w, struct sg_conn *c, int res)
{
	struct sg_reqctx *x = c->ctx;
	if (c->state == SG_CS_HIJACK) {
		if (res <= 0) {
			c->u_eof = true;	/* output ended: pass the EOF on */
			x->down_done = true;
			if (!c->c_eof)
				sock_shutdown_wr(w, c, c->cfd, SG_OP_C_SHUTDOWN);
			hijack_check(w, c);
			return;
		}
		if (c->pipe_dn[0] >= 0) {
			x->dn_piped = (uint32_t)res;
			splice_op(w, c, c->pipe_dn[0], c->cfd, x->dn_piped, SG_OP_C_SEND);
			return;
		}
		x->u_off = 0;
		x->u_len = (uint32_t)res;
		hijack_down(w, c);
		return;
	}
	if (c->state != SG_CS_FORWARD)
		return;
	if (x->dn_splice) {
		down_spliced_in(w, c, res);
		return;
	}
	if (res <= 0) {
		if (!x->resp_started && !x->sp.head_seen && x->sp.status == 0) {
			upstream_failed(w, c);
			return;
		}
		if (res == 0 && sg_http_resp_eof_ok(&x->sp)) {
			down_eof_done(w, c);	/* until-close body ended */
			return;
		}
		close_conn(w, c);
		return;
	}
	x->u_off = 0;
	x->u_len = (uint32_t)res;
	down_process(w, c);
}

static void on_poll(struct sg_worker *w, struct sg_conn *c, int res)
{
	if (c->state != SG_CS_IDLE)
		return;
	if (res < 0 || !(res & POLLIN) || w->draining || !start_request(w, c))
		close_conn(w, c);
}

/* A linked send failed (success posts nothing; not counted in inflight).
 * Its recv, and that recv's timeout, will post nothing either (see
 * linked_send): they are accounted for here. */
static void on_linked_send_failed(struct sg_worker *w, struct sg_conn *c, enum sg_op op, uint32_t uepoch)
{
	if (op == SG_OP_C_SEND_LINKED) {
		c->inflight--;
		if (c->c_linked_timeout) {
			c->inflight--;
			c->ntimeouts--;
		}
		c->c_recv_pending = false;
		c->c_send_linked = false;
		close_conn(w, c);	/* the client has part of a response at most */
	} else {
		c->inflight--;
		if (uepoch == (c->uepoch & 3u)) {
			c->u_recv_pending = false;
			if (c->state == SG_CS_FORWARD)
				upstream_failed(w, c);	/* a stale pooled upstream: replayed once, or 502 */
		}
	}
	maybe_free(w, c);
}

void sg_conn_on_cqe(struct sg_worker *w, struct sg_conn *c, enum sg_op op, uint32_t uepoch, int res)
{
	if (op == SG_OP_C_SEND_LINKED || op == SG_OP_U_SEND_LINKED) {
		on_linked_send_failed(w, c, op, uepoch);
		return;
	}
	c->inflight--;
	bool stale_up = false;
	switch (op) {
	case SG_OP_U_CONNECT:
	case SG_OP_U_RECV:
	case SG_OP_U_SEND:
	case SG_OP_U_SHUTDOWN:
	case SG_OP_L_CONNECT:
	case SG_OP_L_SEND:
	case SG_OP_L_RECV:
		stale_up = uepoch != (c->uepoch & 3u);
		break;
	default:
		break;
	}
	if (stale_up) {
		maybe_free(w, c);
		return;
	}
	switch (op) {
	case SG_OP_TIMEOUT:
		c->ntimeouts--;
		break;
	case SG_OP_C_POLL:
		on_poll(w, c, res);
		break;
	case SG_OP_C_WATCH:
		c->watch_pending = false;
		if (res > 0 && (c->state == SG_CS_FORWARD || c->state == SG_CS_INSPECT_WAIT))
			close_conn(w, c);	/* the client hung up: drop the upstream request too */
		break;
	case SG_OP_C_UNWATCH:
		c->ntimeouts--;
		break;
	case SG_OP_SPLICE_WAIT_UP:
	case SG_OP_SPLICE_WAIT_DN:
		splice_resume(w, c, op == SG_OP_SPLICE_WAIT_DN, res);
		break;
	case SG_OP_C_RECV:
		c->c_recv_pending = false;
		c->c_send_linked = false;	/* a linked send before it is done */
		if (c->state != SG_CS_CLOSING)
			on_c_recv(w, c, res);
		break;
	case SG_OP_C_SEND:
		c->c_send_pending = false;
		if (c->state != SG_CS_CLOSING)
			on_c_send(w, c, res);
		break;
	case SG_OP_U_CONNECT:
		if (c->state != SG_CS_CLOSING)
			on_u_connect(w, c, res);
		break;
	case SG_OP_U_SEND:
		c->u_send_pending = false;
		if (c->state != SG_CS_CLOSING)
			on_u_send(w, c, res);
		break;
	case SG_OP_U_RECV:
		c->u_recv_pending = false;
		if (c->state != SG_CS_CLOSING)
			on_u_recv(w, c, res);
		break;
	case SG_OP_L_CONNECT:
	case SG_OP_L_SEND:
	case SG_OP_L_RECV:
		if (op == SG_OP_L_SEND)
			c->u_send_pending = false;
		if (op == SG_OP_L_RECV)
			c->u_recv_pending = false;
		if (c->state == SG_CS_EXEC_LOOKUP)
			sg_exec_lookup_on_cqe(w, c, op, res);
		break;
	default:
		break;
	}
	maybe_free(w, c);
}

void sg_conn_drain(struct sg_worker *w, struct sg_conn *c)
{
	if (c->c_send_linked && c->state == SG_CS_READ_HEAD) {
		/* the response may still be going out: let it, then the linked
		 * recv reads EOF and closes the connection */
		shutdown(c->cfd, SHUT_RD);
		return;
	}
	if (c->state == SG_CS_IDLE || (c->state == SG_CS_READ_HEAD && c->ctx && c->ctx->c_len == 0))
		close_conn(w, c);
	else if (c->ctx)
		c->ctx->close_after = true;
}

void sg_conn_abort(struct sg_worker *w, struct sg_conn *c)
{
	if (c->state != SG_CS_FREE)
		close_conn(w, c);
}
