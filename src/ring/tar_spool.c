/* ring/tar_spool.c — see tar_spool.h. */
#include "ring/tar_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "inspect/multipart.h"
#include "inspect/tar_stream.h"
#include "policy/publish.h"
#include "ring/conn.h"
#include "ring/worker.h"

bool sg_tar_spool_wanted(const struct sg_reqctx *x)
{
	/* a multipart plugin upload is unwrapped on the whole buffer (big arena) */
	if (x->verdict.inspector == SG_INSPECT_PLUGIN_CREATE && sg_mp_is_form_data(x->req.content_type))
		return false;
	return x->verdict.kind == SG_VERDICT_INSPECT && !x->verdict.exec_lookup &&
	       sg_tar_streamed((enum sg_inspector_id)x->verdict.inspector);
}

static int spool_open(const char *dir)
{
	int fd = dir ? open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600) : -1;
	if (fd < 0)
		fd = memfd_create("sockguard-spool", MFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int sg_tar_spool_begin(struct sg_worker *w, struct sg_reqctx *x)
{
	struct sg_tar_spool *s = &x->spool;
	uint64_t gen = sg_policy_generation();	/* before the policy: see publish.h */
	const struct sg_policy *p = sg_policy_current();
	const struct sg_inspect_settings *set = sg_policy_inspect_settings(p, &x->verdict);

	if (!set || !x->arena)
		return -EINVAL;
	s->ts = sg_arena_alloc(x->arena, sizeof(*s->ts));
	s->buf = sg_arena_alloc(x->arena, SG_SPOOL_CHUNK);
	if (!s->ts || !s->buf)
		return -ENOMEM;
	int fd = spool_open(w->opts->spool_dir);
	if (fd < 0)
		return fd;
	s->fd = fd;
	s->open = true;
	s->gen = gen;
	s->cap = x->verdict.body_limit;
	s->mark = sg_arena_mark(x->arena);
	s->ir = (struct sg_inspect_request){ x->view.method, x->view.path, x->view.query, x->view.content_type };
	sg_tar_stream_init(s->ts, (enum sg_inspector_id)x->verdict.inspector, set, &s->ir, x->arena);
	x->rp.sink = sg_tar_spool_sink;
	x->rp.sink_ctx = x;
	return 0;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r, n -= (size_t)r;
	}
	return true;
}

/* The walker decided: a deny that the current policy enforces ends the
 * upload now; anything else is judged again at the end. */
static void spool_walked(struct sg_reqctx *x, const struct sg_policy *p)
{
	struct sg_tar_spool *s = &x->spool;
	s->walked = true;
	if (s->ts->result.status == 0)
		return;
	struct sg_verdict v = x->verdict;
	sg_policy_inspect_result(p, &s->ts->result, &v);
	if (v.kind == SG_VERDICT_DENY) {
		s->early = v;
		s->stop = SG_SPOOL_DENIED;
	}
}

int sg_tar_spool_sink(void *ctx, const char *p, size_t n)
{
	struct sg_reqctx *x = ctx;
	struct sg_tar_spool *s = &x->spool;

	if (s->stop != SG_SPOOL_GOING)
		return -1;
	if (n > s->cap - s->len) {
		s->stop = SG_SPOOL_TOO_LARGE;
		return -1;
	}
	if (!s->walked) {
		if (sg_policy_generation() != s->gen) {
			s->rescan = true;	/* never touch the old settings again */
			s->walked = true;
		} else if (!sg_tar_stream_feed(s->ts, p, n)) {
			spool_walked(x, sg_policy_current());
			if (s->stop != SG_SPOOL_GOING)
				return -1;
		}
	}
	if (!write_all(s->fd, p, n)) {
		s->stop = SG_SPOOL_IO;
		return -1;
	}
	s->len += n;
	return 0;
}

/* The whole file through a fresh walker with p's settings. */
static bool spool_rescan(struct sg_reqctx *x, const struct sg_inspect_settings *set)
{
	struct sg_tar_spool *s = &x->spool;
	sg_arena_rewind(x->arena, s->mark);
	sg_tar_stream_init(s->ts, (enum sg_inspector_id)x->verdict.inspector, set, &s->ir, x->arena);
	for (uint64_t off = 0; off < s->len && !s->ts->decided;) {
		size_t want = s->len - off < SG_SPOOL_CHUNK ? (size_t)(s->len - off) : SG_SPOOL_CHUNK;
		ssize_t r = pread(s->fd, s->buf, want, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		sg_tar_stream_feed(s->ts, s->buf, (size_t)r);
		off += (uint64_t)r;
	}
	return true;
}

void sg_tar_spool_judge(struct sg_reqctx *x, const struct sg_policy *p, struct sg_verdict *v)
{
	struct sg_tar_spool *s = &x->spool;
	const struct sg_inspect_settings *set = sg_policy_inspect_settings(p, v);
	struct sg_inspect_result fail = { 400, "request_body.spool", "the spooled request body could not be read" };

	if (!set || !s->open || !s->ts || v->inspector != x->verdict.inspector) {
		sg_policy_inspect_result(p, &fail, v);
		return;
	}
	if (s->rescan || sg_policy_generation() != s->gen) {
		if (!spool_rescan(x, set)) {
			sg_policy_inspect_result(p, &fail, v);
			return;
		}
	}
	sg_tar_stream_finish(s->ts);
	sg_policy_inspect_result(p, &s->ts->result, v);
}

int sg_tar_spool_next(struct sg_tar_spool *s, const char **p, uint32_t *n)
{
	if (!s->open)
		return -EBADF;
	if (s->off >= s->len)
		return 0;
	size_t want = s->len - s->off < SG_SPOOL_CHUNK ? (size_t)(s->len - s->off) : SG_SPOOL_CHUNK;
	ssize_t r;
	do
		r = pread(s->fd, s->buf, want, (off_t)s->off);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return r < 0 ? -errno : -EIO;
	s->off += (uint64_t)r;
	*p = s->buf;
	*n = (uint32_t)r;
	return 1;
}

void sg_tar_spool_close(struct sg_tar_spool *s)
{
	if (s->open)
		close(s->fd);
	s->open = false;
	s->fd = -1;
	s->ts = NULL;
	s->buf = NULL;
}
