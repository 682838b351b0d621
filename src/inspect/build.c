/* inspect/build.c — POST /build.
 *
 * Query: remote= (a remote context URL or git repository) needs
 * allow_remote_context, and because a remote context cannot be inspected
 * for RUN it also needs allow_run_instructions; so does version=2 (BuildKit:
 * the Dockerfile travels over a session, not in the body). networkmode=host
 * needs allow_host_network. Parameters are read as dockerd does (first value).
 *
 * Body (unless allow_run_instructions): an uncompressed tar build context,
 * read as Go's archive/tar reads it. The Dockerfile is the regular file at
 * the cleaned `dockerfile` path (default "Dockerfile"; dockerd falls back to
 * "dockerfile"): every regular entry whose cleaned name equals that path
 * ignoring case is checked for RUN (the daemon's filesystem may be case-
 * insensitive, and a repeated entry overwrites an earlier one), at least one
 * must exist, and any link on or above that path is refused because the
 * daemon would follow it. Compressed or non-tar contexts cannot be read
 * here and are denied. */
#include "inspect/dockerfile.h"
#include "inspect/inspectors.h"
#include "inspect/query.h"
#include "inspect/tar.h"
#include "inspect/tar_stream.h"
#include "inspect/text.h"

#define BK "build.allow_run_instructions"

/* Cleaned relative path: leading '/' dropped, "." -> "Dockerfile". */
static bool build_clean(sg_slice p, struct sg_arena *a, sg_slice *out)
{
	char *buf = sg_arena_alloc(a, p.len + 2);
	if (!buf)
		return false;
	buf[0] = '/';
	if (p.len)
		memcpy(buf + 1, p.ptr, p.len);
	sg_slice abs;
	if (!sg_path_clean(sg_slice_make(buf, p.len + 1), a, &abs))
		return false;
	*out = sg_slice_make(abs.ptr + 1, abs.len - 1);
	if (out->len == 0)
		*out = SG_SLICE_LIT("Dockerfile");
	return true;
}

/* Is `dir` equal to `p` or one of its parent directories (ignoring case)? */
static bool build_on_path(sg_slice dir, sg_slice p)
{
	if (dir.len > p.len || (dir.len && strncasecmp(dir.ptr, p.ptr, dir.len) != 0))
		return false;
	return dir.len == p.len || p.ptr[dir.len] == '/';
}

static bool build_is_compressed(sg_slice b)
{
	const unsigned char *u = (const unsigned char *)b.ptr;
	return (b.len >= 2 && u[0] == 0x1f && u[1] == 0x8b) || (b.len >= 3 && memcmp(b.ptr, "BZh", 3) == 0) ||
	       (b.len >= 6 && memcmp(b.ptr, "\xfd" "7zXZ\0", 6) == 0) ||
	       (b.len >= 4 && memcmp(b.ptr, "\x28\xb5\x2f\xfd", 4) == 0);
}

/* Query checks; the dockerfile path the entries are matched against. */
static void build_begin(struct sg_tar_stream *ts)
{
	const struct sg_build_settings *bs = &ts->s->build;
	const struct sg_inspect_request *req = ts->req;
	struct sg_arena *a = ts->a;
	sg_slice remote = { "", 0 }, net = { "", 0 }, version = { "", 0 }, want = { "", 0 };

	if (!sg_query_precheck(req, a, &ts->result)) {
		ts->decided = true;
		return;
	}
	sg_query_get(req->query, "networkmode", a, &net);
	sg_query_get(req->query, "remote", a, &remote);
	sg_query_get(req->query, "version", a, &version);
	if (!bs->allow_host_network && sg_eq_ci(sg_trim(net), "host")) {
		sg_tar_deny(ts, 403, "build.allow_host_network", "host network mode is not allowed for builds");
		return;
	}
	if (sg_trim(remote).len > 0) {
		if (!bs->allow_remote_context)
			sg_tar_deny(ts, 403, "build.allow_remote_context", "remote build contexts are not allowed");
		else if (!bs->allow_run_instructions)
			sg_tar_deny(ts, 403, BK,
				    "remote build contexts cannot be inspected while RUN instructions are restricted");
		else
			sg_tar_allow_now(ts);
		return;
	}
	if (bs->allow_run_instructions) {
		sg_tar_allow_now(ts);
		return;
	}
	if (sg_slice_eq_cstr(sg_trim(version), "2")) {
		sg_tar_deny(ts, 403, BK, "BuildKit builds (version=2) cannot be inspected while RUN instructions are restricted");
		return;
	}
	sg_query_get(req->query, "dockerfile", a, &want);
	if (!build_clean(sg_trim(want), a, &want) || want.len < 1 ||
	    (want.len >= 2 && want.ptr[0] == '.' && want.ptr[1] == '.')) {
		sg_tar_deny(ts, 403, BK, "the dockerfile parameter cannot be inspected");
		return;
	}
	ts->want = want;
	ts->fallback = sg_slice_eq_cstr(want, "Dockerfile");
}

static void build_first(struct sg_tar_stream *ts, sg_slice first)
{
	if (first.len == 0 || build_is_compressed(first))
		sg_tar_deny(ts, 403, BK, "empty or compressed build contexts cannot be inspected for RUN");
}

static enum sg_tar_act build_entry(struct sg_tar_stream *ts, const struct sg_tar_entry *e)
{
	sg_slice name;
	if (!build_clean(e->name, ts->a, &name)) {
		sg_tar_deny(ts, 403, BK, "the build context is not a readable tar archive");
		return SG_TAR_SKIP;
	}
	bool link = e->type == '1' || e->type == '2';
	if (link && build_on_path(name, ts->want)) {
		sg_tar_deny(ts, 403, BK, "the Dockerfile path goes through a link in the build context");
		return SG_TAR_SKIP;
	}
	if (!sg_slice_caseeq(name, ts->want) || e->type == '5')
		return SG_TAR_SKIP;
	if (e->type != '0' && e->type != '7') {
		sg_tar_deny(ts, 403, BK, "the Dockerfile is not a regular file");
		return SG_TAR_SKIP;
	}
	ts->found += sg_slice_eq(name, ts->want) || (ts->fallback && sg_slice_eq_cstr(name, "dockerfile"));
	return SG_TAR_CAPTURE;
}

static void build_data(struct sg_tar_stream *ts, sg_slice data)
{
	if (sg_dockerfile_has_run(data))
		sg_tar_deny(ts, 403, BK, "RUN instructions are not allowed");
}

static void build_end(struct sg_tar_stream *ts, bool ok)
{
	if (!ok)
		sg_tar_deny(ts, 403, BK, "the build context is not a readable tar archive");
	else if (ts->found == 0)
		sg_tar_deny(ts, 403, BK, "the Dockerfile was not found in the build context");
}

const struct sg_tar_ops sg_tar_build_ops = {
	.begin = build_begin, .first = build_first, .entry = build_entry, .data = build_data, .end = build_end,
};

void sg_inspect_build(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
		      sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_tar_inspect_whole(SG_INSPECT_BUILD, s, req, body, a, out);
}
