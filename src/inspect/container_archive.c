/* inspect/container_archive.c — PUT /containers/{id}/archive?path=...
 *
 * The target `path` (first value) is cleaned as an absolute container path
 * and must be under one of allowed_paths (segment-wise; empty list = any,
 * "/" = any). The body is an uncompressed tar read as Go's archive/tar reads
 * it; each entry must have a relative name that stays inside the archive,
 * no setuid/setgid bits and no security.* extended attributes (file
 * capabilities) unless allow_setid, no device nodes unless
 * allow_device_nodes, and no symlink/hardlink whose target leaves the
 * archive unless allow_escaping_links. Compressed bodies (which dockerd
 * would accept) cannot be read here and are denied. */
#include "inspect/inspectors.h"
#include "inspect/query.h"
#include "inspect/tar.h"
#include "inspect/tar_stream.h"
#include "inspect/text.h"

#define CA "container_archive."

/* Relative path that stays inside the archive once cleaned: "/" + p must
 * clean to something that does not climb, checked by counting depth. */
static bool ca_inside(sg_slice p)
{
	long depth = 0;
	size_t i = 0;
	if (p.len == 0 || p.ptr[0] == '/')
		return false;
	while (i < p.len) {
		size_t start = i;
		while (i < p.len && p.ptr[i] != '/')
			i++;
		size_t n = i - start;
		if (n == 2 && p.ptr[start] == '.' && p.ptr[start + 1] == '.') {
			if (--depth < 0)
				return false;
		} else if (n > 0 && !(n == 1 && p.ptr[start] == '.')) {
			depth++;
		}
		i++;
	}
	return true;
}

/* A symlink at `name` pointing to `target` (relative to name's directory). */
static bool ca_symlink_inside(sg_slice name, sg_slice target, struct sg_arena *a)
{
	if (target.len == 0)
		return true;
	if (target.ptr[0] == '/')
		return false;
	const char *slash = sg_memrchr(name, '/');
	size_t dlen = slash ? (size_t)(slash - name.ptr) + 1 : 0;
	char *buf = sg_arena_alloc(a, dlen + target.len);
	if (!buf)
		return false;
	if (dlen)
		memcpy(buf, name.ptr, dlen);
	memcpy(buf + dlen, target.ptr, target.len);
	return ca_inside(sg_slice_make(buf, dlen + target.len));
}

static bool ca_entry_ok(const struct sg_container_archive_settings *cs, const struct sg_tar_entry *e,
			struct sg_arena *a, struct sg_inspect_result *out)
{
	if (e->type == 'g')
		return true;	/* global PAX header: dockerd ignores it */
	if (!ca_inside(e->name)) {
		sg_inspect_deny(out, 403, CA "tar_traversal", "tar entry names must be relative and stay inside the archive");
		return false;
	}
	if (!cs->allow_setid && ((e->mode & 06000) || e->security_xattr)) {
		sg_inspect_deny(out, 403, CA "allow_setid", "setuid/setgid entries and file capabilities are not allowed");
		return false;
	}
	if (!cs->allow_device_nodes && (e->type == '3' || e->type == '4')) {
		sg_inspect_deny(out, 403, CA "allow_device_nodes", "device nodes are not allowed");
		return false;
	}
	if (cs->allow_escaping_links)
		return true;
	if ((e->type == '2' && !ca_symlink_inside(e->name, e->linkname, a)) ||
	    (e->type == '1' && e->linkname.len > 0 && !ca_inside(e->linkname))) {
		sg_inspect_deny(out, 403, CA "allow_escaping_links", "links that escape the archive are not allowed");
		return false;
	}
	return true;
}

static bool ca_target_ok(const struct sg_container_archive_settings *cs, const struct sg_inspect_request *req,
			 struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_slice target = { "", 0 }, clean;
	char *abs;

	if (cs->allowed_paths.count == 0)
		return true;
	sg_query_get(req->query, "path", a, &target);
	target = sg_trim(target);
	abs = sg_arena_alloc(a, target.len + 1);
	if (abs) {
		abs[0] = '/';
		if (target.len)
			memcpy(abs + 1, target.ptr, target.len);
	}
	if (target.len > 0 && abs && sg_path_clean(sg_slice_make(abs, target.len + 1), a, &clean) &&
	    sg_path_allowed(clean, &cs->allowed_paths, a))
		return true;
	sg_inspect_denyf(out, a, 403, CA "allowed_paths", "archive target path is not allowlisted",
			 "archive target path \"%.*s\" is not allowlisted", (int)(target.len > 128 ? 128 : target.len),
			 target.ptr);
	return false;
}

static void ca_begin(struct sg_tar_stream *ts)
{
	if (!sg_query_precheck(ts->req, ts->a, &ts->result) ||
	    !ca_target_ok(&ts->s->container_archive, ts->req, ts->a, &ts->result))
		ts->decided = true;
}

static enum sg_tar_act ca_entry(struct sg_tar_stream *ts, const struct sg_tar_entry *e)
{
	if (!ca_entry_ok(&ts->s->container_archive, e, ts->a, &ts->result))
		ts->decided = true;
	return SG_TAR_SKIP;
}

static void ca_end(struct sg_tar_stream *ts, bool ok)
{
	if (!ok)
		sg_tar_deny(ts, 403, CA "tar_traversal", "archive is not an uncompressed tar that can be inspected");
}

const struct sg_tar_ops sg_tar_archive_ops = { .begin = ca_begin, .entry = ca_entry, .end = ca_end };

void sg_inspect_container_archive(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
				  sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_tar_inspect_whole(SG_INSPECT_CONTAINER_ARCHIVE, s, req, body, a, out);
}
