/* ring/exec_lookup.c — GET /exec/{id}/json before POST /exec/{id}/start
 * (see exec_lookup.h for the why and the states).
 *
 * Ops of one lookup, all on c->ufd under the connection's upstream epoch:
 *   [L_CONNECT (connect timeout)] -> L_SEND (the GET, looped on partial
 *   sends) together with L_RECV (linked timeout: what is left of the
 *   lookup's deadline) -> L_RECV ... until the response ends.
 * A response that ends on a keep-alive connection leaves the connection in
 * the worker's pool, where the start request picks it up again; anything
 * else closes it. */
#include "ring/exec_lookup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ring/conn.h"
#include "ring/splice_body.h"
#include "ring/sqe.h"
#include "ring/worker.h"

/* ---- pure: request and response ------------------------------------------ */

static bool unreserved(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
	       ch == '.' || ch == '_' || ch == '~';
}

size_t sg_exec_lookup_request(char *buf, size_t cap, sg_slice canon)
{
	static const char pre[] = "GET /exec/", post[] = "/json HTTP/1.1\r\nHost: docker\r\n\r\n";
	static const char hex[] = "0123456789ABCDEF";
	const sg_slice head = SG_SLICE_LIT("/exec/"), tail = SG_SLICE_LIT("/start");

	if (!canon.ptr || canon.len <= head.len + tail.len || !sg_slice_starts_with(canon, head) ||
	    memcmp(canon.ptr + canon.len - tail.len, tail.ptr, tail.len) != 0)
		return 0;
	sg_slice id = sg_slice_make(canon.ptr + head.len, canon.len - head.len - tail.len);
	if (memchr(id.ptr, '/', id.len))
		return 0;		/* one segment only: the policy matched /exec/{id}/start */
	if (cap < sizeof(pre) - 1 + 3 * id.len + sizeof(post))
		return 0;
	size_t n = 0;
	memcpy(buf, pre, sizeof(pre) - 1);
	n += sizeof(pre) - 1;
	for (size_t i = 0; i < id.len; i++) {
		unsigned char ch = (unsigned char)id.ptr[i];
		if (unreserved(ch)) {
			buf[n++] = (char)ch;
		} else {
			buf[n++] = '%';
			buf[n++] = hex[ch >> 4];
			buf[n++] = hex[ch & 15];
		}
	}
	memcpy(buf + n, post, sizeof(post) - 1);
	n += sizeof(post) - 1;
	buf[n] = '\0';
	return n;
}

static int body_sink(void *ctx, const char *p, size_t n)
{
	struct sg_exec_lookup *l = ctx;
	if (l->sp.status != 200)
		return 0;		/* an error body is read (to keep the connection) and dropped */
	if (n > l->body_cap - l->body_len) {
		l->overflow = true;
		return -1;
	}
	memcpy(l->body + l->body_len, p, n);
	l->body_len += (uint32_t)n;
	return 0;
}

void sg_exec_lookup_init(struct sg_exec_lookup *l, char *body, uint32_t body_cap)
{
	sg_http_resp_init(&l->sp, false, false);
	l->sp.body_sink = body_sink;
	l->sp.body_sink_ctx = l;
	l->body = body;
	l->body_cap = body_cap;
	l->body_len = 0;
	l->overflow = l->done = l->reusable = false;
	l->outcome = SG_EXEC_LOOKUP_FAILED;
}

static enum sg_exec_lookup_step conclude(struct sg_exec_lookup *l, bool complete)
{
	l->done = true;
	l->outcome = SG_EXEC_LOOKUP_FAILED;
	if (!complete || l->overflow)
		return SG_XL_DONE;
	if (l->sp.status == 200)
		l->outcome = SG_EXEC_LOOKUP_FOUND;
	else if (l->sp.status == 404)
		l->outcome = SG_EXEC_LOOKUP_NOT_FOUND;
	return SG_XL_DONE;
}

enum sg_exec_lookup_step sg_exec_lookup_feed(struct sg_exec_lookup *l, const char *p, size_t n)
{
	if (l->done)
		return SG_XL_DONE;
	size_t used = 0;
	switch (sg_http_resp_feed(&l->sp, p, n, &used)) {
	case SG_RESP_MORE:
		return SG_XL_MORE;
	case SG_RESP_DONE:
		l->reusable = l->sp.keep_alive && used == n;
		return conclude(l, true);
	case SG_RESP_HIJACK:	/* 101 or a raw stream: not an exec inspect answer */
	case SG_RESP_ERROR:
	default:
		return conclude(l, false);
	}
}

enum sg_exec_lookup_step sg_exec_lookup_eof(struct sg_exec_lookup *l)
{
	if (l->done)
		return SG_XL_DONE;
	l->reusable = false;
	bool complete = l->sp.head_seen && sg_http_resp_eof_ok(&l->sp) && !l->sp.hijack;
	return conclude(l, complete);
}

/* ---- ring: the lookup's I/O ------------------------------------------------ */

/* Forget the lookup's upstream socket; its pending ops come back stale
 * (epoch) and are dropped by sg_conn_on_cqe. */
static void xl_drop(struct sg_worker *w, struct sg_conn *c)
{
	if (c->ufd < 0)
		return;
	io_uring_submit(&w->ring);	/* no queued SQE may name a closed fd */
	shutdown(c->ufd, SHUT_RDWR);	/* wakes a pending recv/send/connect */
	close(c->ufd);
	c->ufd = -1;
	c->uepoch++;
	c->u_recv_pending = c->u_send_pending = false;
	c->u_eof = false;
}

static void xl_finish(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_exec_lookup *l = c->ctx->xl;
	if (l->done && l->reusable && c->ufd >= 0 && !c->u_send_pending && !c->u_recv_pending) {
		sg_upstream_pool_put(w, c->ufd);	/* the start request takes it back */
		c->ufd = -1;
		c->uepoch++;
	} else {
		xl_drop(w, c);
	}
	sg_conn_exec_lookup_done(w, c);
}

static void xl_fail(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_exec_lookup *l = c->ctx->xl;
	l->done = true;
	l->outcome = SG_EXEC_LOOKUP_FAILED;
	l->reusable = false;
	xl_finish(w, c);
}

static void xl_send(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_exec_lookup *l = c->ctx->xl;
	struct io_uring_sqe *s = sg_worker_sqe(w);
	io_uring_prep_send(s, c->ufd, l->req + l->req_sent, l->req_len - l->req_sent, MSG_NOSIGNAL);
	s->user_data = sg_conn_ud(c, SG_OP_L_SEND);
	c->inflight++;
	c->u_send_pending = true;
}

static void xl_recv(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_exec_lookup *l = c->ctx->xl;
	uint64_t now = sg_now_ns();
	if (now >= l->deadline_ns) {
		xl_fail(w, c);
		return;
	}
	struct io_uring_sqe *s = sg_sqe_pair(w);
	io_uring_prep_recv(s, c->ufd, l->rbuf, SG_EXEC_LOOKUP_RECV, 0);
	s->user_data = sg_conn_ud(c, SG_OP_L_RECV);
	c->inflight++;
	c->u_recv_pending = true;
	sg_link_timeout(w, c, s, &c->u_ts, l->deadline_ns - now);
}

static bool xl_connect(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_exec_lookup *l = c->ctx->xl;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	c->ufd = fd;
	c->ufd_from_pool = false;
	l->from_pool = false;
	struct io_uring_sqe *s = sg_sqe_pair(w);
	io_uring_prep_connect(s, fd, (const struct sockaddr *)&w->up_addr, w->up_addrlen);
	s->user_data = sg_conn_ud(c, SG_OP_L_CONNECT);
	c->inflight++;
	sg_link_timeout(w, c, s, &c->u_ts, (uint64_t)w->opts->connect_timeout_ms * 1000000u);
	return true;
}

/* Send the GET and read the answer at once: the send is tiny, and the
 * recv's linked timeout bounds the whole exchange. */
static void xl_io(struct sg_worker *w, struct sg_conn *c)
{
	xl_send(w, c);
	xl_recv(w, c);
}

/* The upstream failed before answering. A pooled connection may just have
 * been closed by dockerd while idle: one fresh connect, then give up. */
static void xl_failed_early(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_exec_lookup *l = c->ctx->xl;
	if (l->from_pool && !l->got_bytes && !l->retried) {
		xl_drop(w, c);
		l->retried = true;
		l->req_sent = 0;
		if (xl_connect(w, c))
			return;
	}
	xl_fail(w, c);
}

bool sg_exec_lookup_begin(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	struct sg_arena *a = x->arena;
	x->xl = NULL;
	if (!a)
		return false;
	struct sg_exec_lookup *l = sg_arena_calloc(a, sizeof(*l));
	if (!l)
		return false;
	size_t rcap = sg_exec_lookup_request_cap(x->canon);
	char *body = sg_arena_alloc(a, SG_EXEC_LOOKUP_BODY_MAX);
	l->rbuf = sg_arena_alloc(a, SG_EXEC_LOOKUP_RECV);
	l->req = sg_arena_alloc(a, rcap);
	if (!body || !l->rbuf || !l->req)
		return false;
	sg_exec_lookup_init(l, body, SG_EXEC_LOOKUP_BODY_MAX);
	l->req_len = (uint32_t)sg_exec_lookup_request(l->req, rcap, x->canon);
	x->xl = l;		/* from here on, not done = FAILED until it ends */
	if (l->req_len == 0)
		return false;
	l->deadline_ns = sg_now_ns() + (uint64_t)w->opts->head_timeout_ms * 1000000u;
	c->state = SG_CS_EXEC_LOOKUP;
	int fd = sg_upstream_pool_get(w);
	if (fd >= 0) {
		c->ufd = fd;
		c->ufd_from_pool = true;
		l->from_pool = true;
		xl_io(w, c);
		return true;
	}
	if (!xl_connect(w, c)) {
		c->state = SG_CS_INSPECT_BODY;
		return false;
	}
	return true;
}

void sg_exec_lookup_on_cqe(struct sg_worker *w, struct sg_conn *c, enum sg_op op, int res)
{
	struct sg_exec_lookup *l = c->ctx ? c->ctx->xl : NULL;
	if (!l || l->done)
		return;
	switch (op) {
	case SG_OP_L_CONNECT:
		if (res < 0) {
			xl_fail(w, c);		/* unreachable: no retry on a fresh connect */
			return;
		}
		/* this fd goes to the pool afterwards, and pooled fds must be
		 * ready for synchronous splice like fresh relay ones */
		if (sg_splice_sync_ok())
			sg_splice_sock(c->ufd);
		xl_io(w, c);
		return;
	case SG_OP_L_SEND:
		if (res <= 0) {
			xl_failed_early(w, c);
			return;
		}
		l->req_sent += (uint32_t)res;
		if (l->req_sent < l->req_len)
			xl_send(w, c);
		return;
	case SG_OP_L_RECV:
		if (res == -ECANCELED || res == -ETIME) {
			xl_fail(w, c);		/* the lookup's deadline passed */
			return;
		}
		if (res < 0 || (res == 0 && !l->got_bytes)) {
			xl_failed_early(w, c);
			return;
		}
		if (res == 0) {
			sg_exec_lookup_eof(l);
			xl_finish(w, c);
			return;
		}
		l->got_bytes = true;
		if (sg_exec_lookup_feed(l, l->rbuf, (size_t)res) == SG_XL_DONE)
			xl_finish(w, c);
		else
			xl_recv(w, c);
		return;
	default:
		return;
	}
}
