/* inspect/plugin_create.c — POST /plugins/create?name=... (raw tar).
 *
 * The body is a rootfs plus config.json; dockerd grants the plugin what
 * config.json asks for, so the privileges it implies are judged with the
 * same policy as plugin pull: Network.Type host, IpcHost, PidHost, Mounts[]
 * Source, Linux.AllowAllDevices, Linux.Devices[].Path and
 * Linux.Capabilities. Exactly one top-level config.json (after cleaning)
 * must exist. Compressed bodies and anything the tar reader rejects are
 * denied.
 *
 * multipart/form-data: dockerd (20.10 and later) never parses the form for
 * this endpoint (httputils.ParseForm leaves a multipart body alone, so
 * r.FormValue("name") does not read it): it reads the whole body as a raw
 * tar from byte 0. So a body whose first block passes Go's archive/tar
 * header check is refused (a tar/multipart polyglot would otherwise be
 * judged by one part and installed from another). Then, as Go's sockguard,
 * the envelope is parsed (inspect/multipart.h; it must close) and the part
 * that looks like an archive by Go's test (gzip magic or "ustar" at 257)
 * goes through the raw-tar checks below. Go takes the first such part that
 * holds a config.json; here exactly one such part may exist, and it must
 * not be gzip. */
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/multipart.h"
#include "inspect/tar.h"
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

static bool pc_find_config(sg_slice body, struct sg_arena *a, sg_slice *cfg, struct sg_inspect_result *out)
{
	struct sg_tar_reader tr;
	struct sg_tar_entry e;
	enum sg_tar_status st;
	size_t found = 0;

	sg_tar_init(&tr, body, a);
	while ((st = sg_tar_next(&tr, &e)) == SG_TAR_ENTRY) {
		sg_slice clean;
		char *buf = sg_arena_alloc(a, e.name.len + 1);
		if (!buf)
			break;
		buf[0] = '/';
		if (e.name.len)
			memcpy(buf + 1, e.name.ptr, e.name.len);
		if (!sg_path_clean(sg_slice_make(buf, e.name.len + 1), a, &clean) ||
		    !sg_slice_eq_cstr(clean, "/config.json"))
			continue;
		if (e.type != '0' || ++found > 1) {
			sg_inspect_deny(out, 403, PC "privileges", "plugin config.json is repeated or not a regular file");
			return false;
		}
		*cfg = e.data;
	}
	if (st != SG_TAR_END || found == 0) {
		sg_inspect_deny(out, 403, PC "privileges", "plugin archive is not an uncompressed tar with a config.json");
		return false;
	}
	return true;
}

#define PC_MP "plugin_create.multipart"

/* Would Go's archive/tar (dockerd) take the first block of `body` as a
 * header? Its gate: the checksum field (spaces and NULs trimmed, cut at a
 * NUL, octal) equals the unsigned or the signed sum of the block with that
 * field read as spaces. */
static bool pc_go_tar_header(sg_slice body)
{
	const unsigned char *b = (const unsigned char *)body.ptr;
	size_t lo = 148, hi = 156;
	uint64_t want = 0, u = 0;
	int64_t s = 0;

	if (body.len < 512)
		return false;
	while (lo < hi && (b[lo] == ' ' || b[lo] == 0))
		lo++;
	while (hi > lo && (b[hi - 1] == ' ' || b[hi - 1] == 0))
		hi--;
	for (size_t i = lo; i < hi && b[i]; i++) {
		if (b[i] < '0' || b[i] > '7')
			return false;
		want = want * 8 + (uint64_t)(b[i] - '0');
	}
	for (size_t i = 0; i < 512; i++) {
		unsigned char c = (i >= 148 && i < 156) ? ' ' : b[i];
		u += c;
		s += (signed char)c;
	}
	return want == u || (int64_t)want == s;
}

/* The one archive part of a multipart/form-data envelope, as a slice of
 * the body. */
static bool pc_multipart(sg_slice ct, sg_slice body, sg_slice *archive, struct sg_inspect_result *out)
{
	struct sg_mp_reader mr;
	struct sg_mp_part p;
	enum sg_mp_status st;
	sg_slice boundary;
	const char *err;
	size_t found = 0;

	if (!sg_mp_boundary(ct, &boundary, &err)) {
		sg_inspect_deny(out, 403, PC_MP, err);
		return false;
	}
	if (pc_go_tar_header(body)) {
		sg_inspect_deny(out, 403, PC_MP, "multipart body is also a tar archive, which dockerd would read");
		return false;
	}
	sg_mp_init(&mr, body, boundary);
	while ((st = sg_mp_next(&mr, &p)) == SG_MP_PART) {
		if (!sg_mp_looks_archive(p.data))
			continue;
		if (sg_mp_looks_gzip(p.data)) {
			sg_inspect_deny(out, 403, PC_MP, "multipart plugin archive part is compressed");
			return false;
		}
		if (++found > 1) {
			sg_inspect_deny(out, 403, PC_MP, "multipart body has more than one archive part");
			return false;
		}
		*archive = p.data;
	}
	if (st != SG_MP_END) {
		sg_inspect_deny(out, 403, PC_MP, mr.err);
		return false;
	}
	if (!found) {
		sg_inspect_deny(out, 403, PC_MP, "multipart body has no archive part");
		return false;
	}
	return true;
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
	const struct sg_plugin_settings *ps = &s->plugin;
	sg_slice cfgtext, ntype;
	sg_json cfg, net, mounts;
	bool has_net, has_mounts, ipc, pid;

	sg_inspect_allow(out);
	if (sg_mp_is_form_data(req->content_type) && !pc_multipart(req->content_type, body, &body, out))
		return;
	if (!pc_find_config(body, a, &cfgtext, out) || !sg_jparse_object(cfgtext, a, &cfg, out) ||
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
