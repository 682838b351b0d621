/* inspect/service.c — POST /services/create and POST /services/{id}/update
 * (body: the swarm ServiceSpec).
 *
 * Denied unless allowed under request_body.service:
 *   - attaching the "host" network (TaskTemplate.Networks[].Target or the
 *     deprecated top-level Networks[].Target): allow_host_network;
 *   - TaskTemplate.ContainerSpec.Mounts of type bind (any case) whose Source
 *     is not under allowed_bind_mounts (cleaned, segment-wise), and mounts of
 *     an unknown type;
 *   - a ContainerSpec.Image outside the registry policy (official images by
 *     default, allowed_registries, or allow_all_registries).
 * Plugin-runtime services (TaskTemplate.Runtime "plugin", PluginSpec) install
 * plugins with their own privileges and cannot be judged here: denied. */
#include "inspect/imageref.h"
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/text.h"

#define SV "service."

static bool sv_networks_ok(const struct sg_service_settings *ss, sg_json obj, struct sg_inspect_result *out)
{
	sg_json arr, n;
	bool present;
	struct sg_json_it it;

	if (!sg_jf_arr(obj, "Networks", &arr, &present, out))
		return false;
	if (!present)
		return true;
	sg_json_arr_begin(arr, &it);
	while (sg_json_arr_next(&it, &n)) {
		sg_slice target;
		if (sg_json_type_of(n) != SG_JSON_OBJECT) {
			sg_jdeny(SG_JSON_ETYPE, out);
			return false;
		}
		if (!sg_jf_str(n, "Target", &target, out))
			return false;
		if (sg_eq_ci(sg_trim(target), "host") && !ss->allow_host_network) {
			sg_inspect_deny(out, 403, SV "allow_host_network", "services on the host network are not allowed");
			return false;
		}
	}
	return true;
}

static bool sv_mount_ok(const struct sg_service_settings *ss, sg_json m, struct sg_arena *a,
			struct sg_inspect_result *out)
{
	static const char *const types[] = { "bind", "volume", "tmpfs", "npipe", "cluster", "image" };
	sg_slice type, src, clean;
	bool known = false;

	if (sg_json_type_of(m) != SG_JSON_OBJECT) {
		sg_jdeny(SG_JSON_ETYPE, out);
		return false;
	}
	if (!sg_jf_str(m, "Type", &type, out) || !sg_jf_str(m, "Source", &src, out))
		return false;
	type = sg_trim(type);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		known |= sg_eq_ci(type, types[i]);
	if (!known) {
		sg_inspect_deny(out, 403, SV "mount_type", "service mount type is not allowed");
		return false;
	}
	if (!sg_eq_ci(type, "bind"))
		return true;
	src = sg_trim(src);
	if (sg_path_clean(src, a, &clean) && sg_path_allowed(clean, &ss->allowed_bind_mounts, a))
		return true;
	sg_inspect_denyf(out, a, 403, SV "allowed_bind_mounts", "service bind mount source is not allowlisted",
			 "service bind mount source \"%.*s\" is not allowlisted", (int)(src.len > 128 ? 128 : src.len),
			 src.ptr);
	return false;
}

static bool sv_container_ok(const struct sg_service_settings *ss, sg_json cs, struct sg_arena *a,
			    struct sg_inspect_result *out)
{
	sg_json mounts, m;
	bool present;
	struct sg_json_it it;
	sg_slice image;
	struct sg_image_ref ref;

	if (!sg_jf_arr(cs, "Mounts", &mounts, &present, out) || !sg_jf_str(cs, "Image", &image, out))
		return false;
	if (present) {
		sg_json_arr_begin(mounts, &it);
		while (sg_json_arr_next(&it, &m))
			if (!sv_mount_ok(ss, m, a, out))
				return false;
	}
	image = sg_trim(image);
	if (image.len == 0)
		return true;
	if (sg_image_ref_parse(image, a, &ref) &&
	    sg_image_ref_allowed(&ref, ss->allow_all_registries, ss->allow_official, &ss->allowed_registries))
		return true;
	sg_inspect_denyf(out, a, 403, SV "allowed_registries", "service image registry is not allowlisted",
			 "service image \"%.*s\" is invalid or its registry is not allowlisted",
			 (int)(image.len > 128 ? 128 : image.len), image.ptr);
	return false;
}

static void sv_inspect(const struct sg_inspect_settings *s, sg_slice body, struct sg_arena *a,
		       struct sg_inspect_result *out)
{
	const struct sg_service_settings *ss = &s->service;
	sg_json root, tt, cs, ps;
	bool has_tt, has_cs, has_ps;
	sg_slice runtime = { "", 0 };

	sg_inspect_allow(out);
	if (!sg_jparse_object(body, a, &root, out) || !sv_networks_ok(ss, root, out) ||
	    !sg_jf_obj(root, "TaskTemplate", &tt, &has_tt, out))
		return;
	if (!has_tt)
		return;
	if (!sv_networks_ok(ss, tt, out) || !sg_jf_str(tt, "Runtime", &runtime, out) ||
	    !sg_jf_obj(tt, "PluginSpec", &ps, &has_ps, out) || !sg_jf_obj(tt, "ContainerSpec", &cs, &has_cs, out))
		return;
	runtime = sg_trim(runtime);
	if (has_ps || (runtime.len && !sg_eq_ci(runtime, "container"))) {
		sg_inspect_deny(out, 403, SV "runtime", "plugin-runtime services cannot be inspected; denied");
		return;
	}
	if (has_cs)
		sv_container_ok(ss, cs, a, out);
}

void sg_inspect_service_create(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			       sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sv_inspect(s, body, a, out);
}

void sg_inspect_service_update(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			       sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sv_inspect(s, body, a, out);
}
