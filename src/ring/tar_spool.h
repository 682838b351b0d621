/* ring/tar_spool.h — tar request bodies (POST /build, PUT
 * /containers/{id}/archive, POST /images/load, POST /plugins/create) are
 * inspected as they stream and spooled to an anonymous file, then
 * forwarded from it once allowed.
 *
 * While the body arrives (SG_CS_INSPECT_BODY) the llhttp body sink
 * (sg_tar_spool_sink) writes each de-chunked run to the spool file and
 * feeds it to the streaming tar walker (inspect/tar_stream.h). Memory is
 * the walker in the request's inspect arena (its state, the special headers
 * of one entry, the members it reads) plus a 64 KiB relay buffer; the body
 * itself is on disk. A walker that reaches a deny stops the upload at once
 * (the request is answered, dockerd never sees it); an allow (or a
 * warn-mode deny) keeps spooling without walking. On allow the head goes
 * up with Content-Length = spooled bytes, then the file in relay-buffer
 * reads (sg_tar_spool_next).
 *
 * The file is an O_TMPFILE in the spool directory (sg_server_opts.spool_dir:
 * SOCKGUARD_SPOOL_DIR, else TMPDIR, else /var/tmp): it has no name, so
 * nothing is left behind by a crash. Where O_TMPFILE is refused (a file
 * system without it, a missing directory) it falls back to memfd_create
 * (memory-backed). Size cap: the verdict's body_limit (SG_INSPECT_TAR_LIMIT,
 * 512 MiB as in the Go original); more is 413. The file is closed when the
 * request ends, on every path (sg_tar_spool_close from request_over and
 * release_ctx).
 *
 * Hot reload: the walker's settings belong to the policy current when the
 * body started. If another policy is published before the body ends, the
 * walker is not fed again (its settings pointer may be gone: checked with
 * sg_policy_generation()); at the end the whole spool is judged again with
 * the current policy (sg_tar_spool_judge).
 *
 * Spool file I/O is synchronous (write/pread into the page cache) on the
 * worker thread. */
#ifndef SG_RING_TAR_SPOOL_H
#define SG_RING_TAR_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/inspect.h"
#include "policy/policy.h"

#define SG_SPOOL_CHUNK (64u << 10)	/* relay buffer: spool -> upstream */

enum sg_spool_stop {
	SG_SPOOL_GOING = 0,
	SG_SPOOL_DENIED,	/* the walker denied (enforce): answer `early` */
	SG_SPOOL_TOO_LARGE,	/* more than the cap */
	SG_SPOOL_IO,		/* the spool file could not be written */
};

struct sg_tar_stream;
struct sg_worker;
struct sg_reqctx;

/* In struct sg_reqctx; all zero = no spool. */
struct sg_tar_spool {
	bool open;			/* fd is ours to close */
	bool walked;			/* the walker reached its verdict: feed it no more */
	bool rescan;			/* the policy changed mid-body: judge the file again at the end */
	enum sg_spool_stop stop;
	int fd;
	uint64_t gen;			/* policy generation the walker's settings belong to */
	uint64_t len, cap, off;		/* bytes spooled, cap, next byte to forward */
	struct sg_tar_stream *ts;	/* in the request's arena */
	size_t mark;			/* arena mark past ts and buf: the walker's own space */
	char *buf;			/* SG_SPOOL_CHUNK, in the arena */
	struct sg_inspect_request ir;	/* slices into the request head (cbuf) */
	struct sg_verdict early;	/* SG_SPOOL_DENIED: the verdict to answer */
};

/* Is this INSPECT verdict's body a spooled tar? */
bool sg_tar_spool_wanted(const struct sg_reqctx *x);
/* Open the spool file, set up the walker in x->arena, install the body
 * sink. 0, or -errno (answer 503). */
int sg_tar_spool_begin(struct sg_worker *w, struct sg_reqctx *x);
/* llhttp body sink (ctx = struct sg_reqctx *). -1 stops the body: see
 * x->spool.stop. */
int sg_tar_spool_sink(void *ctx, const char *p, size_t n);
/* Body complete, v freshly decided (INSPECT) under policy p: the final
 * verdict (ALLOW / DENY) into v. */
void sg_tar_spool_judge(struct sg_reqctx *x, const struct sg_policy *p, struct sg_verdict *v);
/* Forwarding: the next run of the file from `off` (rewind: off = 0).
 * 1 and (*p, *n) set, 0 at the end, -errno. */
int sg_tar_spool_next(struct sg_tar_spool *s, const char **p, uint32_t *n);
/* Close the file (idempotent); the arena parts go with the arena. */
void sg_tar_spool_close(struct sg_tar_spool *s);

#endif
