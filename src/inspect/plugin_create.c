/* inspect/plugin_create.c — POST /plugins/create?name=... (raw tar, or multipart).
 *
 * The body is a rootfs plus config.json; dockerd grants the plugin what
 * config.json asks for, so the privileges it implies are judged with the
 * same policy as plugin pull: Network.Type host, IpcHost, PidHost, Mounts[]
 * Source, Linux.AllowAllDevices, Linux.Devices[].Path and
 * Linux.Capabilities. Exactly one top-level config.json (after cleaning)
 * must exist. Compressed bodies and anything the tar reader rejects are
 * denied.
 *
 * multipart/form-data (the media type, any case): the one archive part
 * sg_mp_archive_part() finds (inspect/multipart.h: the envelope must parse
 * and close, and must not also be a tar, which is what dockerd reads) goes
 * through the same checks; its refusals are plugin_create.multipart. */
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/multipart.h"
#include "inspect/tar.h"
#include "inspect/tar_stream.h"
#include "inspect/text.h"

#define PC "plugin."

static bool pc_priv(const struct sg_plugin_settings *ps, const char *name, sg_slice v, struct sg_arena *a,
		    struct sg_inspect_result *out)
{
	const char *knob = PC "privileges";
	if (sg_plugin_privilege_ok(ps, sg_slice_cstr(name), v, a, &knob))
		return true;
	sg_inspect_denyf(out, a, 403, knob, "plugin privilege is not allowed",
			 "plugin config.json asks for \"%s\", which is not allowed", name);
	return false;
}

static enum sg_tar_act pc_entry(struct sg_tar_stream *ts, const struct sg_tar_entry *e)
{
	sg_slice clean;
	char *buf = sg_arena_alloc(ts->a, e->name.len + 1);
	if (!buf) {
		sg_tar_deny(ts, 403, PC "privileges", "plugin archive is not an uncompressed tar with a config.json");
		return SG_TAR_SKIP;
	}
	buf[0] = '/';
	if (e->name.len)
		memcpy(buf + 1, e->name.ptr, e->name.len);
	if (!sg_path_clean(sg_slice_make(buf, e->name.len + 1), ts->a, &clean) ||
	    !sg_slice_eq_cstr(clean, "/config.json"))
		return SG_TAR_SKIP;
	if (e->type != '0' || ++ts->found > 1) {
		sg_tar_deny(ts, 403, PC "privileges", "plugin config.json is repeated or not a regular file");
		return SG_TAR_SKIP;
	}
	return SG_TAR_CAPTURE;
}

static void pc_data(struct sg_tar_stream *ts, sg_slice data)
{
	ts->member = data;
	ts->keep = true;
}

static void pc_begin(struct sg_tar_stream *ts)
{
	/* a multipart envelope is unwrapped by sg_inspect_plugin_create() on
	 * the whole body; ring/tar_spool.c never streams one (fail closed if
	 * it ever did) */
	if (sg_mp_is_form_data(ts->req->content_type))
		sg_tar_deny(ts, 403, "plugin_create.multipart", "a multipart plugin upload cannot be walked as a tar stream");
}

static void pc_judge(const struct sg_plugin_settings *ps, sg_slice cfgtext, struct sg_arena *a,
		     struct sg_inspect_result *out);

static void pc_end(struct sg_tar_stream *ts, bool ok)
{
	if (!ok || ts->found == 0) {
		sg_tar_deny(ts, 403, PC "privileges", "plugin archive is not an uncompressed tar with a config.json");
		return;
	}
	pc_judge(&ts->s->plugin, ts->member, ts->a, &ts->result);
}

const struct sg_tar_ops sg_tar_plugin_ops = { .begin = pc_begin, .entry = pc_entry, .data = pc_data, .end = pc_end };

/* multipart/form-data: the archive part, as a slice of the body. */
static bool pc_multipart(sg_slice ct, sg_slice body, sg_slice *archive, struct sg_inspect_result *out)
{
	const char *why;

	if (sg_mp_archive_part(ct, body, archive, &why))
		return true;
	sg_inspect_deny(out, 403, "plugin_create.multipart", why);
	return false;
}

/* Each element's string field `field` through privilege `priv`. */
static bool pc_each(const struct sg_plugin_settings *ps, sg_json arr, const char *field, const char *priv,
		    struct sg_arena *a, struct sg_inspect_result *out)
{
	struct sg_json_it it;
	sg_json el;
	sg_slice v;

	sg_json_arr_begin(arr, &it);
	while (sg_json_arr_next(&it, &el)) {
		if (field) {
			if (sg_json_type_of(el) != SG_JSON_OBJECT) {
				sg_jdeny(SG_JSON_ETYPE, out);
				return false;
			}
			if (!sg_jf_str(el, field, &v, out))
				return false;
			if (v.len == 0)
				continue;
		} else if (!sg_jv_str(el, &v, out)) {
			return false;
		}
		if (!pc_priv(ps, priv, v, a, out))
			return false;
	}
	return true;
}

static bool pc_linux(const struct sg_plugin_settings *ps, sg_json cfg, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_json lx, devs, caps;
	bool has_lx, has_devs, has_caps, all;

	if (!sg_jf_obj(cfg, "Linux", &lx, &has_lx, out))
		return false;
	if (!has_lx)
		return true;
	if (!sg_jf_bool(lx, "AllowAllDevices", &all, out) || !sg_jf_arr(lx, "Devices", &devs, &has_devs, out) ||
	    !sg_jf_arr(lx, "Capabilities", &caps, &has_caps, out))
		return false;
	if (all && !pc_priv(ps, "allow-all-devices", SG_SLICE_LIT("true"), a, out))
		return false;
	if (has_devs && !pc_each(ps, devs, "Path", "device", a, out))
		return false;
	return !has_caps || pc_each(ps, caps, NULL, "capabilities", a, out);
}

void sg_inspect_plugin_create(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			      sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	if (sg_mp_is_form_data(req->content_type)) {
		/* the archive part of the envelope, judged like a raw tar upload */
		struct sg_inspect_request tr = *req;
		sg_inspect_allow(out);
		if (!pc_multipart(req->content_type, body, &body, out))
			return;
		tr.content_type = SG_SLICE_LIT("application/x-tar");
		sg_tar_inspect_whole(SG_INSPECT_PLUGIN_CREATE, s, &tr, body, a, out);
		return;
	}
	sg_tar_inspect_whole(SG_INSPECT_PLUGIN_CREATE, s, req, body, a, out);
}

/* config.json: the privileges it implies, through the plugin policy. */
static void pc_judge(const struct sg_plugin_settings *ps, sg_slice cfgtext, struct sg_arena *a,
		     struct sg_inspect_result *out)
{
	sg_json cfg, net, mounts;
	sg_slice ntype;
	bool has_net, has_mounts, ipc, pid;

	if (!sg_jparse_object(cfgtext, a, &cfg, out) ||
	    !sg_jf_obj(cfg, "Network", &net, &has_net, out) || !sg_jf_bool(cfg, "IpcHost", &ipc, out) ||
	    !sg_jf_bool(cfg, "PidHost", &pid, out) || !sg_jf_arr(cfg, "Mounts", &mounts, &has_mounts, out))
		return;
	if (has_net) {
		if (!sg_jf_str(net, "Type", &ntype, out) || !pc_priv(ps, "network", ntype, a, out))
			return;
	}
	if ((ipc && !pc_priv(ps, "host ipc namespace", SG_SLICE_LIT("true"), a, out)) ||
	    (pid && !pc_priv(ps, "host pid namespace", SG_SLICE_LIT("true"), a, out)))
		return;
	if (has_mounts && !pc_each(ps, mounts, "Source", "mount", a, out))
		return;
	pc_linux(ps, cfg, a, out);
}
