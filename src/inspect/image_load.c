/* inspect/image_load.c — POST /images/load (a `docker save` tar).
 *
 * dockerd tags what manifest.json's RepoTags say, so every tag must pass the
 * image_load registry policy (official images by default,
 * allowed_registries, or allow_all_registries), and an archive that tags
 * nothing needs allow_untagged. The archive is read as Go's archive/tar
 * reads it; exactly one top-level manifest.json must exist (a later copy
 * would overwrite an earlier one, so two are refused). Archives dockerd can
 * also load but we cannot judge are denied: compressed bodies, the legacy
 * `repositories` format without manifest.json, and OCI layouts (index.json)
 * without one. */
#include "inspect/imageref.h"
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/tar.h"
#include "inspect/tar_stream.h"
#include "inspect/text.h"

#define IL "image_load."

/* Is the entry name "manifest.json" once "./" and slashes are cleaned? */
static bool il_is_manifest(sg_slice name, struct sg_arena *a)
{
	sg_slice clean;
	char *buf = sg_arena_alloc(a, name.len + 1);
	if (!buf)
		return false;
	buf[0] = '/';
	if (name.len)
		memcpy(buf + 1, name.ptr, name.len);
	return sg_path_clean(sg_slice_make(buf, name.len + 1), a, &clean) &&
	       sg_slice_eq_cstr(clean, "/manifest.json");
}

static enum sg_tar_act il_entry(struct sg_tar_stream *ts, const struct sg_tar_entry *e)
{
	if (!il_is_manifest(e->name, ts->a))
		return SG_TAR_SKIP;
	if (e->type != '0' || ++ts->found > 1) {
		sg_tar_deny(ts, 403, IL "manifest", "manifest.json is repeated or not a regular file");
		return SG_TAR_SKIP;
	}
	return SG_TAR_CAPTURE;
}

static void il_data(struct sg_tar_stream *ts, sg_slice data)
{
	ts->member = data;
	ts->keep = true;
}

static void il_judge(const struct sg_image_load_settings *ls, sg_slice manifest, struct sg_arena *a,
		     struct sg_inspect_result *out);

static void il_end(struct sg_tar_stream *ts, bool ok)
{
	if (!ok || ts->found == 0) {
		sg_tar_deny(ts, 403, IL "manifest",
			    "image archive is not an uncompressed docker-save tar with a manifest.json");
		return;
	}
	il_judge(&ts->s->image_load, ts->member, ts->a, &ts->result);
}

const struct sg_tar_ops sg_tar_load_ops = { .entry = il_entry, .data = il_data, .end = il_end };

static bool il_tag_ok(const struct sg_image_load_settings *ls, sg_slice tag, struct sg_arena *a,
		      struct sg_inspect_result *out)
{
	struct sg_image_ref ref;
	if (sg_image_ref_parse(tag, a, &ref) &&
	    sg_image_ref_allowed(&ref, ls->allow_all_registries, ls->allow_official, &ls->allowed_registries))
		return true;
	sg_inspect_denyf(out, a, 403, IL "allowed_registries", "image tag is invalid or its registry is not allowlisted",
			 "image tag \"%.*s\" is invalid or its registry is not allowlisted",
			 (int)(tag.len > 128 ? 128 : tag.len), tag.ptr);
	return false;
}

void sg_inspect_image_load(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			   sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_tar_inspect_whole(SG_INSPECT_IMAGE_LOAD, s, req, body, a, out);
}

/* manifest.json: every RepoTags entry through the registry policy. */
static void il_judge(const struct sg_image_load_settings *ls, sg_slice manifest, struct sg_arena *a,
		     struct sg_inspect_result *out)
{
	sg_json root, m, tags, t;
	struct sg_json_it it, tit;
	size_t ntags = 0;
	bool present;

	enum sg_json_err e = sg_json_parse(manifest, a, &root);
	if (e != SG_JSON_OK || !sg_json_arr_begin(root, &it)) {
		sg_jdeny(e != SG_JSON_OK ? e : SG_JSON_ETYPE, out);
		return;
	}
	while (sg_json_arr_next(&it, &m)) {
		if (sg_json_type_of(m) != SG_JSON_OBJECT) {
			sg_jdeny(SG_JSON_ETYPE, out);
			return;
		}
		if (!sg_jf_arr(m, "RepoTags", &tags, &present, out))
			return;
		if (!present)
			continue;
		sg_json_arr_begin(tags, &tit);
		while (sg_json_arr_next(&tit, &t)) {
			sg_slice tag;
			if (!sg_jv_str(t, &tag, out) || !il_tag_ok(ls, tag, a, out))
				return;
			ntags++;
		}
	}
	if (ntags == 0 && !ls->allow_untagged)
		sg_inspect_deny(out, 403, IL "allow_untagged", "untagged image archives are not allowed");
}
