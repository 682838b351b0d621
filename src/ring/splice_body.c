/* ring/splice_body.c — pipes and framing arithmetic for spliced bodies
 * (see splice_body.h; the ops themselves are queued by conn.c). */
#include "ring/splice_body.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ring/worker.h"

/* min(SG_SPLICE_CHUNK, /proc/sys/fs/pipe-max-size), read once per process. */
static int pipe_size_wanted(void)
{
	static int size;
	if (size)
		return size;
	long max = SG_SPLICE_CHUNK;
	FILE *f = fopen("/proc/sys/fs/pipe-max-size", "re");
	if (f) {
		if (fscanf(f, "%ld", &max) != 1 || max <= 0)
			max = SG_SPLICE_CHUNK;
		fclose(f);
	}
	size = max < (long)SG_SPLICE_CHUNK ? (int)max : (int)SG_SPLICE_CHUNK;
	return size;
}

bool sg_pipe_get(struct sg_worker *w, int p[2])
{
	if (p[0] >= 0)
		return true;
	struct sg_pipe_pool *pp = &w->pipes;
	if (pp->n > 0) {
		pp->n--;
		p[0] = pp->fds[pp->n][0];
		p[1] = pp->fds[pp->n][1];
		return true;
	}
	if (pipe2(p, O_CLOEXEC) != 0) {
		p[0] = p[1] = -1;
		return false;
	}
	/* may fail (pipe-user-pages-soft reached): the default size still works */
	(void)fcntl(p[1], F_SETPIPE_SZ, pipe_size_wanted());
	return true;
}

void sg_pipe_close(int p[2])
{
	for (int i = 0; i < 2; i++) {
		if (p[i] >= 0)
			close(p[i]);
		p[i] = -1;
	}
}

void sg_pipe_put(struct sg_worker *w, int p[2])
{
	struct sg_pipe_pool *pp = &w->pipes;
	if (p[0] < 0)
		return;
	if (pp->n == SG_PIPE_POOL_MAX) {
		sg_pipe_close(p);
		return;
	}
	pp->fds[pp->n][0] = p[0];
	pp->fds[pp->n][1] = p[1];
	pp->n++;
	p[0] = p[1] = -1;
}

void sg_pipe_pool_clear(struct sg_worker *w)
{
	while (w->pipes.n > 0) {
		w->pipes.n--;
		sg_pipe_close(w->pipes.fds[w->pipes.n]);
	}
}

uint64_t sg_splice_resp_left(const struct sg_http_resp_parser *sp)
{
	if (!sp->head_seen || sp->done || sp->hijack)
		return 0;
	if (sp->until_close)
		return SG_SPLICE_UNTIL_CLOSE;
	const llhttp_t *l = &sp->llh;
	if ((l->flags & F_CONTENT_LENGTH) && !(l->flags & F_CHUNKED))
		return l->content_length;
	return 0;
}

void sg_splice_resp_finish(struct sg_http_resp_parser *sp)
{
	sp->done = true;
	sp->keep_alive = llhttp_should_keep_alive(&sp->llh);
}

uint64_t sg_splice_req_left(const struct sg_http_req_parser *rp)
{
	if (rp->message_done || rp->sink || !rp->req || rp->req->framing != SG_FRAME_LENGTH)
		return 0;
	return rp->llh.content_length;
}

void sg_splice_req_finish(struct sg_http_req_parser *rp)
{
	rp->message_done = true;
}

/* ---- synchronous splice ---------------------------------------------------- */

#ifndef IORING_NOP_INJECT_RESULT
#define IORING_NOP_INJECT_RESULT (1u << 0)	/* kernel 6.10+; liburing < 2.7 lacks it */
#endif

static void nop_inject(struct io_uring_sqe *s, uint64_t ud, int res)
{
	io_uring_prep_nop(s);
	s->rw_flags = IORING_NOP_INJECT_RESULT;	/* nop_flags shares the union */
	s->len = (uint32_t)res;
	s->user_data = ud;
}

static bool sync_ok;
static pthread_once_t sync_once = PTHREAD_ONCE_INIT;

/* Does this kernel inject NOP results? (an older one completes the NOP with 0) */
static void probe_sync(void)
{
	struct io_uring r;
	if (io_uring_queue_init(2, &r, 0) != 0)
		return;
	struct io_uring_sqe *s = io_uring_get_sqe(&r);
	struct io_uring_cqe *cqe;
	nop_inject(s, 1, -EXDEV);
	if (io_uring_submit_and_wait(&r, 1) == 1 && io_uring_peek_cqe(&r, &cqe) == 0)
		sync_ok = cqe->res == -EXDEV && getenv("SOCKGUARD_SPLICE_IOWQ") == NULL;
	io_uring_queue_exit(&r);
}

bool sg_splice_sync_ok(void)
{
	pthread_once(&sync_once, probe_sync);
	return sync_ok;
}

int sg_splice_now(int in, int out, uint32_t n)
{
	ssize_t r = splice(in, NULL, out, NULL, n, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (r < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return (int)r;
}

void sg_splice_post(struct sg_worker *w, uint64_t ud, int res)
{
	nop_inject(sg_worker_sqe(w), ud, res);
}

void sg_splice_sock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	int sz = (int)SG_SPLICE_CHUNK;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
}
