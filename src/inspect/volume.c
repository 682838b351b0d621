/* inspect/volume.c — POST /volumes/create.
 *
 * Driver must be empty or "local" unless allow_custom_drivers; DriverOpts
 * must be empty unless allow_driver_opts. Even with driver options allowed,
 * a local volume that binds a host directory (type=none / o=bind with a
 * device path) is a bind mount in disguise and must name a host path under
 * request_body.container_create.allowed_bind_mounts. */
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/text.h"

/* Map value by exact key; absent -> empty. False (deny recorded) on error. */
static bool vol_opt(sg_json opts, const char *key, sg_slice *v, struct sg_inspect_result *out)
{
	sg_json val;
	enum sg_json_err e = sg_json_get_exact(opts, sg_slice_cstr(key), &val);
	*v = sg_slice_make("", 0);
	if (e == SG_JSON_ENOTFOUND)
		return true;
	if (e != SG_JSON_OK) {
		sg_jdeny(e, out);
		return false;
	}
	return sg_jv_str(val, v, out);
}

/* Does the comma-separated mount option string hold "bind" or "rbind"? */
static bool vol_has_bind(sg_slice o)
{
	size_t i = 0;
	while (i <= o.len) {
		size_t start = i;
		while (i < o.len && o.ptr[i] != ',')
			i++;
		sg_slice t = sg_trim(sg_slice_make(o.ptr + start, i - start));
		if (sg_slice_eq_cstr(t, "bind") || sg_slice_eq_cstr(t, "rbind"))
			return true;
		i++;
	}
	return false;
}

static bool vol_local_bind_ok(const struct sg_inspect_settings *s, sg_json opts, struct sg_arena *a,
			      struct sg_inspect_result *out)
{
	sg_slice type, o, dev, clean;
	if (!vol_opt(opts, "type", &type, out) || !vol_opt(opts, "o", &o, out) || !vol_opt(opts, "device", &dev, out))
		return false;
	if (!sg_slice_eq_cstr(sg_trim(type), "none") && !vol_has_bind(o))
		return true;
	dev = sg_trim(dev);
	if (sg_path_clean(dev, a, &clean) && sg_path_allowed(clean, &s->container_create.allowed_bind_mounts, a))
		return true;
	sg_inspect_denyf(out, a, 403, "container_create.allowed_bind_mounts",
			 "local volume bind device is not allowlisted",
			 "local volume bind device \"%.*s\" is not allowlisted", (int)(dev.len > 128 ? 128 : dev.len), dev.ptr);
	return false;
}

void sg_inspect_volume_create(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			      sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_json root, opts;
	bool present;
	sg_slice driver;

	sg_inspect_allow(out);
	if (!sg_jparse_object(body, a, &root, out) || !sg_jf_str(root, "Driver", &driver, out) ||
	    !sg_jf_obj(root, "DriverOpts", &opts, &present, out))
		return;
	driver = sg_trim(driver);
	bool local = driver.len == 0 || sg_eq_ci(driver, "local");
	if (!local && !s->volume.allow_custom_drivers) {
		sg_inspect_denyf(out, a, 403, "volume.allow_custom_drivers", "volume driver is not allowed",
				 "volume driver \"%.*s\" is not allowed", (int)(driver.len > 128 ? 128 : driver.len), driver.ptr);
		return;
	}
	if (!present || sg_json_obj_len(opts) == 0)
		return;
	if (!s->volume.allow_driver_opts) {
		sg_inspect_deny(out, 403, "volume.allow_driver_opts", "volume driver options are not allowed");
		return;
	}
	if (local)
		vol_local_bind_ok(s, opts, a, out);
}
