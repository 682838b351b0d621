/* inspect/tar_stream.c — see tar_stream.h. The walker mirrors sg_tar_next()
 * block for block: same header code, same end rules (EOF at a block
 * boundary, one zero block then EOF, or two zero blocks), same limits on
 * special headers; what sg_tar_next refuses, the walker refuses. */
#include "inspect/tar_stream.h"

#include <string.h>

#include "inspect/inspectors.h"

static const char *const ts_state_names[] = { "HEAD", "SPECIAL", "DATA", "PAD", "ZERO2", "END", "ERROR" };

const char *sg_tar_stream_state_to_str(enum sg_tar_stream_state s)
{
	return (unsigned)s < sizeof(ts_state_names) / sizeof(ts_state_names[0]) ? ts_state_names[s] : "?";
}

bool sg_tar_streamed(enum sg_inspector_id id)
{
	return id == SG_INSPECT_BUILD || id == SG_INSPECT_CONTAINER_ARCHIVE || id == SG_INSPECT_IMAGE_LOAD ||
	       id == SG_INSPECT_PLUGIN_CREATE;
}

void sg_tar_deny(struct sg_tar_stream *ts, uint16_t status, const char *knob, const char *reason)
{
	sg_inspect_deny(&ts->result, status, knob, reason);
	ts->decided = true;
}

/* After every hook: a refused allocation overrides whatever the hook made
 * of it (the 413 of sg_inspect_scratch_check). True when decided. */
static bool ts_check(struct sg_tar_stream *ts)
{
	if (ts->a->failed != ts->failed0) {
		sg_inspect_scratch_check(ts->a, ts->failed0, &ts->result);
		ts->decided = true;
	}
	return ts->decided;
}

void sg_tar_stream_init(struct sg_tar_stream *ts, enum sg_inspector_id id, const struct sg_inspect_settings *s,
			const struct sg_inspect_request *req, struct sg_arena *a)
{
	memset(ts, 0, sizeof(*ts));
	ts->id = id;
	ts->s = s;
	ts->req = req;
	ts->a = a;
	ts->failed0 = a->failed;
	ts->st = SG_TS_HEAD;
	switch (id) {
	case SG_INSPECT_BUILD: ts->ops = &sg_tar_build_ops; break;
	case SG_INSPECT_CONTAINER_ARCHIVE: ts->ops = &sg_tar_archive_ops; break;
	case SG_INSPECT_IMAGE_LOAD: ts->ops = &sg_tar_load_ops; break;
	case SG_INSPECT_PLUGIN_CREATE: ts->ops = &sg_tar_plugin_ops; break;
	default:
		sg_tar_deny(ts, 403, "request_body.unknown_inspector", "unknown request body inspector; denied (fail closed)");
		return;
	}
	sg_inspect_allow(&ts->result);
	if (ts->ops->begin)
		ts->ops->begin(ts);
	ts_check(ts);
	ts->mark = sg_arena_mark(a);
}

static void ts_error(struct sg_tar_stream *ts)
{
	ts->st = SG_TS_ERROR;
	ts->ops->end(ts, false);
	ts_check(ts);
	ts->decided = true;
}

static void ts_first(struct sg_tar_stream *ts, size_t n)
{
	ts->first_done = true;
	if (ts->ops->first) {
		ts->ops->first(ts, sg_slice_make((const char *)ts->blk, n));
		ts_check(ts);
	}
}

/* An entry (and its captured data) is over: forget its specials and scratch. */
static void ts_entry_done(struct sg_tar_stream *ts)
{
	if (ts->capturing && ts->ops->data) {
		ts->keep = false;
		ts->ops->data(ts, sg_slice_make(ts->cap, (size_t)ts->cap_len));
		if (ts_check(ts))
			return;
	}
	ts->capturing = false;
	memset(&ts->pend, 0, sizeof(ts->pend));
	ts->specials = 0;
	ts->special_bytes = 0;
	ts->sp_len = 0;
	if (ts->keep)
		ts->mark = sg_arena_mark(ts->a);
	else
		sg_arena_rewind(ts->a, ts->mark);
	ts->keep = false;
	ts->st = ts->pad ? SG_TS_PAD : SG_TS_HEAD;
}

static void ts_special_done(struct sg_tar_stream *ts)
{
	sg_slice d = sg_slice_make(ts->sp ? ts->sp + ts->sp_start : "", ts->sp_len - ts->sp_start);
	if (!sg_tar_special_apply(ts->stype, d, &ts->pend)) {
		ts_error(ts);
		return;
	}
	ts->st = ts->pad ? SG_TS_PAD : SG_TS_HEAD;
}

static uint64_t ts_padding(uint64_t size)
{
	return (SG_TAR_BLOCK - size % SG_TAR_BLOCK) % SG_TAR_BLOCK;
}

/* A full header block is in ts->blk. */
static void ts_header(struct sg_tar_stream *ts)
{
	char type;
	uint64_t size;

	if (sg_tar_block_zero(ts->blk)) {
		if (ts->specials) {
			ts_error(ts);
			return;
		}
		ts->st = SG_TS_ZERO2;
		return;
	}
	switch (sg_tar_header(ts->blk, &ts->pend, ts->a, &ts->e, &type, &size)) {
	case SG_TAR_HDR_SPECIAL:
		ts->special_bytes += size > SG_TAR_MAX_SPECIAL ? SG_TAR_MAX_SPECIAL + 1 : size;
		if (ts->special_bytes > SG_TAR_MAX_SPECIAL || ++ts->specials > SG_TAR_MAX_SPECIALS) {
			ts_error(ts);
			return;
		}
		if (!ts->sp && size > 0) {
			/* lives as long as the walker: allocated once, between entries */
			ts->sp = sg_arena_alloc(ts->a, SG_TAR_MAX_SPECIAL);
			if (ts_check(ts))
				return;
			ts->mark = sg_arena_mark(ts->a);
		}
		ts->stype = type;
		ts->sp_start = ts->sp_len;
		ts->left = size;
		ts->pad = ts_padding(size);
		if (size == 0)
			ts_special_done(ts);
		else
			ts->st = SG_TS_SPECIAL;
		return;
	case SG_TAR_HDR_ENTRY:
		break;
	default:
		ts_error(ts);
		return;
	}
	if (ts_check(ts))
		return;
	enum sg_tar_act act = ts->ops->entry(ts, &ts->e);
	if (ts_check(ts))
		return;
	ts->left = size;
	ts->pad = ts_padding(size);
	ts->capturing = false;
	if (act == SG_TAR_CAPTURE) {
		if (size > SG_TAR_CAPTURE_MAX) {
			sg_tar_deny(ts, 413, "request_body.too_large",
				    "an archive member the inspector must read is too large to inspect");
			return;
		}
		ts->cap = sg_arena_alloc(ts->a, size ? (size_t)size : 1);
		if (ts_check(ts))
			return;
		ts->cap_len = 0;
		ts->capturing = true;
	}
	if (size == 0)
		ts_entry_done(ts);
	else
		ts->st = SG_TS_DATA;
}

bool sg_tar_stream_feed(struct sg_tar_stream *ts, const char *p, size_t n)
{
	while (n > 0 && !ts->decided) {
		size_t k;
		switch (ts->st) {
		case SG_TS_HEAD:
		case SG_TS_ZERO2:
			k = SG_TAR_BLOCK - ts->blen < n ? SG_TAR_BLOCK - ts->blen : n;
			memcpy(ts->blk + ts->blen, p, k);
			ts->blen += k;
			ts->total += k;
			p += k, n -= k;
			if (ts->blen < SG_TAR_BLOCK)
				break;
			ts->blen = 0;
			if (!ts->first_done) {
				ts_first(ts, SG_TAR_BLOCK);
				if (ts->decided)
					break;
			}
			if (ts->st == SG_TS_ZERO2) {
				if (sg_tar_block_zero(ts->blk)) {
					ts->st = SG_TS_END;
					ts->ops->end(ts, true);
					ts_check(ts);
					ts->decided = true;	/* dockerd never reads past the end */
				} else {
					ts_error(ts);
				}
				break;
			}
			ts_header(ts);
			break;
		case SG_TS_SPECIAL:
			k = ts->left < n ? (size_t)ts->left : n;
			memcpy(ts->sp + ts->sp_len, p, k);
			ts->sp_len += k;
			ts->left -= k;
			ts->total += k;
			p += k, n -= k;
			if (ts->left == 0)
				ts_special_done(ts);
			break;
		case SG_TS_DATA:
			k = ts->left < n ? (size_t)ts->left : n;
			if (ts->capturing) {
				memcpy(ts->cap + ts->cap_len, p, k);
				ts->cap_len += k;
			}
			ts->left -= k;
			ts->total += k;
			p += k, n -= k;
			if (ts->left == 0)
				ts_entry_done(ts);
			break;
		case SG_TS_PAD:
			k = ts->pad < n ? (size_t)ts->pad : n;
			ts->pad -= k;
			ts->total += k;
			p += k, n -= k;
			if (ts->pad == 0)
				ts->st = SG_TS_HEAD;
			break;
		case SG_TS_END:
		case SG_TS_ERROR:
		default:
			ts->decided = true;
			break;
		}
	}
	return !ts->decided;
}

void sg_tar_stream_finish(struct sg_tar_stream *ts)
{
	if (ts->decided)
		return;
	if (!ts->first_done) {
		ts_first(ts, ts->blen);
		if (ts->decided)
			return;
	}
	bool ok = (ts->st == SG_TS_HEAD && ts->blen == 0 && ts->specials == 0) ||
		  (ts->st == SG_TS_ZERO2 && ts->blen == 0);
	if (!ok)
		ts->st = SG_TS_ERROR;
	ts->ops->end(ts, ok);
	ts_check(ts);
	ts->decided = true;
}

void sg_tar_inspect_whole(enum sg_inspector_id id, const struct sg_inspect_settings *s,
			  const struct sg_inspect_request *req, sg_slice body, struct sg_arena *a,
			  struct sg_inspect_result *out)
{
	struct sg_tar_stream ts;
	sg_tar_stream_init(&ts, id, s, req, a);
	sg_tar_stream_feed(&ts, body.ptr, body.len);
	sg_tar_stream_finish(&ts);
	*out = ts.result;
}
