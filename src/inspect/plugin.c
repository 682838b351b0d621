/* inspect/plugin.c — POST /plugins/pull, /plugins/{name}/upgrade and
 * /plugins/{name}/set. (POST /plugins/create is plugin_create.c.)
 *
 * pull / upgrade: the `remote` reference (first value) must satisfy the
 * plugin registry policy, and the body — the privileges the client accepts,
 * which dockerd requires to equal what the plugin's config.json asks for —
 * is judged entry by entry: "network" host, "host ipc namespace",
 * "host pid namespace", "mount" sources, "device" paths,
 * "allow-all-devices" and "capabilities" each need their knob; an unknown
 * privilege name is denied.
 *
 * set: the body is a list of "KEY=value" strings; each must start with one
 * of allowed_set_env_prefixes (an empty list denies every set, since a
 * setting can also repoint a plugin's mount sources and device paths). */
#include "inspect/imageref.h"
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/query.h"
#include "inspect/text.h"

#define PL "plugin."

static bool pl_cap_allowed(sg_slice cap, const struct sg_str_list *allowed)
{
	cap = sg_trim(cap);
	if (cap.len >= 4 && strncasecmp(cap.ptr, "CAP_", 4) == 0)
		cap = sg_slice_make(cap.ptr + 4, cap.len - 4);
	for (size_t i = 0; i < allowed->count; i++) {
		sg_slice a = sg_trim(sg_slice_cstr(allowed->items[i]));
		if (a.len >= 4 && strncasecmp(a.ptr, "CAP_", 4) == 0)
			a = sg_slice_make(a.ptr + 4, a.len - 4);
		if (sg_slice_caseeq(a, cap))
			return true;
	}
	return false;
}

/* One value of privilege `name`: true when allowed (shared with plugin_create.c). */
bool sg_plugin_privilege_ok(const struct sg_plugin_settings *ps, sg_slice name, sg_slice v, struct sg_arena *a,
			    const char **knob)
{
	sg_slice clean;
	if (sg_eq_ci(name, "network"))
		return *knob = PL "allow_host_network", !sg_eq_ci(sg_trim(v), "host") || ps->allow_host_network;
	if (sg_eq_ci(name, "host ipc namespace"))
		return *knob = PL "allow_host_ipc", ps->allow_host_ipc;
	if (sg_eq_ci(name, "host pid namespace"))
		return *knob = PL "allow_host_pid", ps->allow_host_pid;
	if (sg_eq_ci(name, "allow-all-devices"))
		return *knob = PL "allow_all_devices", ps->allow_all_devices;
	if (sg_eq_ci(name, "mount"))
		return *knob = PL "allowed_bind_mounts",
		       sg_path_clean(sg_trim(v), a, &clean) && sg_path_allowed(clean, &ps->allowed_bind_mounts, a);
	if (sg_eq_ci(name, "device"))
		return *knob = PL "allowed_devices", ps->allow_all_devices ||
		       (sg_path_clean(sg_trim(v), a, &clean) && sg_path_allowed(clean, &ps->allowed_devices, a));
	if (sg_eq_ci(name, "capabilities"))
		return *knob = PL "allowed_capabilities", ps->allow_all_capabilities ||
		       pl_cap_allowed(v, &ps->allowed_capabilities);
	*knob = PL "privileges";
	return false;
}

static bool pl_privilege_ok(const struct sg_plugin_settings *ps, sg_json p, struct sg_arena *a,
			    struct sg_inspect_result *out)
{
	sg_json vals, v;
	bool present;
	struct sg_json_it it;
	sg_slice name, val;
	const char *knob = PL "privileges";

	if (sg_json_type_of(p) != SG_JSON_OBJECT) {
		sg_jdeny(SG_JSON_ETYPE, out);
		return false;
	}
	if (!sg_jf_str(p, "Name", &name, out) || !sg_jf_arr(p, "Value", &vals, &present, out))
		return false;
	name = sg_trim(name);
	if (!present || sg_json_arr_len(vals) == 0) {
		if (sg_plugin_privilege_ok(ps, name, SG_SLICE_LIT(""), a, &knob))
			return true;
	} else {
		sg_json_arr_begin(vals, &it);
		while (sg_json_arr_next(&it, &v)) {
			if (!sg_jv_str(v, &val, out))
				return false;
			if (!sg_plugin_privilege_ok(ps, name, val, a, &knob))
				goto deny;
		}
		return true;
	}
deny:
	sg_inspect_denyf(out, a, 403, knob, "plugin privilege is not allowed", "plugin privilege \"%.*s\" is not allowed",
			 (int)(name.len > 64 ? 64 : name.len), name.ptr);
	return false;
}

static void pl_pull(const struct sg_inspect_settings *s, const struct sg_inspect_request *req, sg_slice body,
		    struct sg_arena *a, struct sg_inspect_result *out)
{
	const struct sg_plugin_settings *ps = &s->plugin;
	sg_slice remote = { "", 0 };
	struct sg_image_ref ref;
	sg_json root, p;
	struct sg_json_it it;

	sg_inspect_allow(out);
	if (!sg_query_precheck(req, a, out))
		return;
	sg_query_get(req->query, "remote", a, &remote);
	remote = sg_trim(remote);
	if (!sg_image_ref_parse(remote, a, &ref) ||
	    !sg_image_ref_allowed(&ref, ps->allow_all_registries, ps->allow_official, &ps->allowed_registries)) {
		sg_inspect_deny(out, 403, PL "allowed_registries", "plugin reference is invalid or its registry is not allowlisted");
		return;
	}
	enum sg_json_err e = sg_json_parse(body, a, &root);
	if (e == SG_JSON_EEMPTY)
		return;	/* no privileges granted: dockerd refuses a plugin that needs any */
	if (e != SG_JSON_OK || (sg_json_type_of(root) != SG_JSON_ARRAY && sg_json_type_of(root) != SG_JSON_NULL)) {
		sg_jdeny(e != SG_JSON_OK ? e : SG_JSON_ETYPE, out);
		return;
	}
	if (!sg_json_arr_begin(root, &it))
		return;
	while (sg_json_arr_next(&it, &p))
		if (!pl_privilege_ok(ps, p, a, out))
			return;
}

void sg_inspect_plugin_pull(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			    sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	pl_pull(s, req, body, a, out);
}

void sg_inspect_plugin_upgrade(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			       sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	pl_pull(s, req, body, a, out);
}

static bool pl_prefix_allowed(sg_slice v, const struct sg_str_list *prefixes)
{
	for (size_t i = 0; i < prefixes->count; i++) {
		sg_slice p = sg_slice_cstr(prefixes->items[i]);
		if (p.len > 0 && sg_slice_starts_with(v, p))
			return true;
	}
	return false;
}

void sg_inspect_plugin_set(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			   sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_json root, v;
	struct sg_json_it it;
	sg_slice kv;

	sg_inspect_allow(out);
	enum sg_json_err e = sg_json_parse(body, a, &root);
	if (e != SG_JSON_OK) {
		sg_jdeny(e, out);
		return;
	}
	if (!sg_json_arr_begin(root, &it)) {
		sg_jdeny(SG_JSON_ETYPE, out);
		return;
	}
	while (sg_json_arr_next(&it, &v)) {
		if (!sg_jv_str(v, &kv, out))
			return;
		if (pl_prefix_allowed(kv, &s->plugin.allowed_set_env_prefixes))
			continue;
		sg_inspect_deny(out, 403, PL "allowed_set_env_prefixes", "plugin setting is not allowed by allowed_set_env_prefixes");
		return;
	}
}
