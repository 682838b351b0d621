/* inspect/tar_stream.h — the tar inspectors (build, container_archive,
 * image_load, plugin_create) over a body that arrives in chunks of any
 * size, with memory bounded by the walker and the members it keeps.
 *
 * The walker parses 512-byte headers with the same header code as
 * sg_tar_next() (inspect/tar.h: ustar, GNU long names, PAX), buffering only
 * the special headers of the current entry (<= SG_TAR_MAX_SPECIAL) and the
 * data of the few members an inspector asks for (the Dockerfile, manifest.json,
 * config.json; each <= SG_TAR_CAPTURE_MAX); other file data is skipped as it
 * passes. Each inspector is a set of hooks (struct sg_tar_ops, in its own
 * file): begin (query / head checks), first (the first block, for the
 * compressed-body check), entry (per-entry checks at the header; may ask
 * for the data), data (a captured member) and end (final checks). The
 * whole-buffer inspectors (sg_inspect_run) are this walker fed one chunk,
 * so both paths give the same verdict by construction.
 *
 * Per-entry scratch (joined names, cleaned paths) is rewound after each
 * entry; the arena holds the walker's lifetime allocations plus one entry.
 * An arena that refuses an allocation turns the verdict into the 413
 * request_body.too_large deny, as in sg_inspect_run. Pure: no I/O. */
#ifndef SG_INSPECT_TAR_STREAM_H
#define SG_INSPECT_TAR_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/slice.h"
#include "inspect/inspect.h"
#include "inspect/tar.h"

#define SG_TAR_CAPTURE_MAX (8u << 20)	/* largest member an inspector reads (Dockerfile, manifest.json) */

enum sg_tar_act { SG_TAR_SKIP = 0, SG_TAR_CAPTURE };

struct sg_tar_stream;

struct sg_tar_ops {
	void (*begin)(struct sg_tar_stream *ts);			/* may be NULL */
	void (*first)(struct sg_tar_stream *ts, sg_slice first);	/* first <= 512 body bytes; may be NULL */
	enum sg_tar_act (*entry)(struct sg_tar_stream *ts, const struct sg_tar_entry *e);
	void (*data)(struct sg_tar_stream *ts, sg_slice data);		/* a captured member; may be NULL */
	void (*end)(struct sg_tar_stream *ts, bool ok);			/* ok: the archive ended cleanly */
};

enum sg_tar_stream_state {
	SG_TS_HEAD = 0,		/* collecting a header block */
	SG_TS_SPECIAL,		/* buffering a special header's data */
	SG_TS_DATA,		/* an entry's data: captured or skipped */
	SG_TS_PAD,		/* padding to the next block */
	SG_TS_ZERO2,		/* one zero block seen: the next must be zero too (or EOF) */
	SG_TS_END,		/* two zero blocks: the rest is never extracted */
	SG_TS_ERROR,
};

struct sg_tar_stream {
	/* inputs */
	enum sg_inspector_id id;
	const struct sg_tar_ops *ops;
	const struct sg_inspect_settings *s;
	const struct sg_inspect_request *req;
	struct sg_arena *a;

	/* verdict */
	struct sg_inspect_result result;
	bool decided;			/* result is final; more input changes nothing */
	size_t failed0;			/* a->failed at init */

	/* inspector state */
	sg_slice want;			/* build: cleaned dockerfile path */
	bool fallback;			/* build: "dockerfile" also counts */
	bool keep;			/* data hook: keep the captured member */
	size_t found;
	sg_slice member;		/* image_load / plugin_create: the kept member */

	/* walker */
	enum sg_tar_stream_state st;
	unsigned char blk[SG_TAR_BLOCK];
	size_t blen;
	bool first_done;
	uint64_t left, pad, total;
	char stype;
	unsigned specials;
	uint64_t special_bytes;
	struct sg_tar_pending pend;
	char *sp;			/* special data of the current entry (SG_TAR_MAX_SPECIAL) */
	size_t sp_len, sp_start;
	struct sg_tar_entry e;
	char *cap;			/* captured member */
	uint64_t cap_len;
	bool capturing;
	size_t mark;			/* arena: rewound to here after each entry */
};

const char *sg_tar_stream_state_to_str(enum sg_tar_stream_state s);

/* Is `id` a tar inspector (streamed by the data plane)? */
bool sg_tar_streamed(enum sg_inspector_id id);

/* Set up and run the begin hook (which may already decide). `s`, `req` and
 * `a` must outlive the walker. */
void sg_tar_stream_init(struct sg_tar_stream *ts, enum sg_inspector_id id, const struct sg_inspect_settings *s,
			const struct sg_inspect_request *req, struct sg_arena *a);
/* The next n body bytes. Returns false once ts->decided (input ignored). */
bool sg_tar_stream_feed(struct sg_tar_stream *ts, const char *p, size_t n);
/* End of body: final checks; ts->result is the verdict (status 0 allow). */
void sg_tar_stream_finish(struct sg_tar_stream *ts);

/* Helpers for the hooks. */
void sg_tar_deny(struct sg_tar_stream *ts, uint16_t status, const char *knob, const char *reason);
static inline void sg_tar_allow_now(struct sg_tar_stream *ts) { ts->decided = true; }

/* A whole body through the walker (the sg_inspector_fn of the tar inspectors). */
void sg_tar_inspect_whole(enum sg_inspector_id id, const struct sg_inspect_settings *s,
			  const struct sg_inspect_request *req, sg_slice body, struct sg_arena *a,
			  struct sg_inspect_result *out);

extern const struct sg_tar_ops sg_tar_build_ops, sg_tar_archive_ops, sg_tar_load_ops, sg_tar_plugin_ops;

#endif
