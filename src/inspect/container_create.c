/* inspect/container_create.c — POST /containers/create body policy.
 *
 * dockerd decodes the body into a wrapper that embeds container.Config (so
 * Image, User, Labels... sit at the top level) next to "HostConfig" and
 * "NetworkingConfig". Older daemons (moby <= 20.10, Debian 12's docker.io)
 * also embed a deprecated *HostConfig at the top level and use it when the
 * "HostConfig" key is absent, so {"Privileged":true} alone creates a
 * privileged container there. We refuse any top-level key that names a
 * HostConfig field: modern clients never send one, and a check that only
 * read "HostConfig" would be bypassed.
 *
 * Checks run in a fixed order and the first failure is the verdict; each
 * deny names the knob that would allow it ("container_create.<yaml key>")
 * or, for the five unconditional denials, the field. */
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/text.h"

#define CC "container_create."

struct cc_ctx {
	const struct sg_container_create_settings *cs;
	sg_json root;
	sg_json hc;		/* HostConfig object, valid when has_hc */
	bool has_hc;
	struct sg_arena *a;
	struct sg_inspect_result *out;
};

/* Printable excerpt of client bytes for deny reasons. */
#define SG_EXCERPT(s) (int)((s).len > 128 ? 128 : (s).len), (s).ptr

/* ---- top-level shape ------------------------------------------------ */

/* HostConfig's JSON field names (api/types/container.HostConfig, Resources
 * embedded) plus the wrapper's deprecated "Cpuset". */
static const char *const cc_hostconfig_fields[] = {
	"Binds", "ContainerIDFile", "LogConfig", "NetworkMode", "PortBindings", "RestartPolicy",
	"AutoRemove", "VolumeDriver", "VolumesFrom", "ConsoleSize", "Annotations", "CapAdd",
	"CapDrop", "CgroupnsMode", "Dns", "DnsOptions", "DnsSearch", "ExtraHosts", "GroupAdd",
	"IpcMode", "Cgroup", "Links", "OomScoreAdj", "PidMode", "Privileged", "PublishAllPorts",
	"ReadonlyRootfs", "SecurityOpt", "StorageOpt", "Tmpfs", "UTSMode", "UsernsMode", "ShmSize",
	"Sysctls", "Runtime", "Isolation", "CpuShares", "Memory", "NanoCpus", "CgroupParent",
	"BlkioWeight", "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps",
	"BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "CpuPeriod", "CpuQuota",
	"CpuRealtimePeriod", "CpuRealtimeRuntime", "CpusetCpus", "CpusetMems", "Devices",
	"DeviceCgroupRules", "DeviceRequests", "KernelMemory", "KernelMemoryTCP",
	"MemoryReservation", "MemorySwap", "MemorySwappiness", "OomKillDisable", "PidsLimit",
	"Ulimits", "CpuCount", "CpuPercent", "IOMaximumIOps", "IOMaximumBandwidth", "Mounts",
	"MaskedPaths", "ReadonlyPaths", "Init", "Cpuset",
};

static bool cc_no_top_level_hostconfig(struct cc_ctx *c)
{
	size_t i;
	enum sg_json_err e = sg_json_first_field(c->root, cc_hostconfig_fields,
						 sizeof(cc_hostconfig_fields) / sizeof(cc_hostconfig_fields[0]), &i);

	if (e == SG_JSON_ENOTFOUND)
		return true;
	if (e != SG_JSON_OK) {
		sg_jdeny(e, c->out);
		return false;
	}
	sg_inspect_denyf(c->out, c->a, 403, CC "top_level_host_config",
			 "HostConfig fields at the top level of the body are not accepted",
			 "HostConfig field %s at the top level of the body (legacy API form) is not accepted",
			 cc_hostconfig_fields[i]);
	return false;
}

/* ---- namespaces and the unconditional denials ------------------------ */

static bool cc_is_host(sg_slice mode) { return sg_eq_ci(sg_trim(mode), "host"); }

struct cc_ns_gate {
	const char *field;
	size_t allow_offset;	/* offset of the allow_* bool in settings */
	const char *knob;
	const char *reason;
};

static const struct cc_ns_gate cc_ns_gates[] = {
	{ "NetworkMode", offsetof(struct sg_container_create_settings, allow_host_network),
	  CC "allow_host_network", "host network mode is not allowed" },
	{ "PidMode", offsetof(struct sg_container_create_settings, allow_host_pid),
	  CC "allow_host_pid", "host PID mode is not allowed" },
	{ "IpcMode", offsetof(struct sg_container_create_settings, allow_host_ipc),
	  CC "allow_host_ipc", "host IPC mode is not allowed" },
	{ "UsernsMode", offsetof(struct sg_container_create_settings, allow_host_userns),
	  CC "allow_host_userns", "host user namespace mode is not allowed" },
};

static bool cc_namespaces(struct cc_ctx *c)
{
	bool priv;
	if (!sg_jf_bool(c->hc, "Privileged", &priv, c->out))
		return false;
	if (priv && !c->cs->allow_privileged) {
		sg_inspect_deny(c->out, 403, CC "allow_privileged", "privileged containers are not allowed");
		return false;
	}
	for (size_t i = 0; i < sizeof(cc_ns_gates) / sizeof(cc_ns_gates[0]); i++) {
		const struct cc_ns_gate *g = &cc_ns_gates[i];
		sg_slice mode;
		if (!sg_jf_str(c->hc, g->field, &mode, c->out))
			return false;
		bool allowed = *(const bool *)((const char *)c->cs + g->allow_offset);
		if (!allowed && cc_is_host(mode)) {
			sg_inspect_deny(c->out, 403, g->knob, g->reason);
			return false;
		}
	}
	return true;
}

static bool cc_unconditional(struct cc_ctx *c)
{
	size_t n;
	sg_slice s;

	if (!sg_jf_arr_len(c->hc, "VolumesFrom", &n, c->out))
		return false;
	if (n > 0) {
		sg_inspect_deny(c->out, 403, CC "volumes_from", "VolumesFrom is not allowed");
		return false;
	}
	if (!sg_jf_str(c->hc, "UTSMode", &s, c->out))
		return false;
	if (cc_is_host(s)) {
		sg_inspect_deny(c->out, 403, CC "uts_mode", "host UTS mode is not allowed");
		return false;
	}
	if (!sg_jf_str(c->hc, "CgroupParent", &s, c->out))
		return false;
	if (sg_trim(s).len > 0) {
		sg_inspect_deny(c->out, 403, CC "cgroup_parent", "custom cgroup parent is not allowed");
		return false;
	}
	if (!sg_jf_arr_len(c->hc, "GroupAdd", &n, c->out))
		return false;
	if (n > 0) {
		sg_inspect_deny(c->out, 403, CC "group_add", "supplemental group IDs (GroupAdd) are not allowed");
		return false;
	}
	if (!sg_jf_arr_len(c->hc, "ExtraHosts", &n, c->out))
		return false;
	if (n > 0) {
		sg_inspect_deny(c->out, 403, CC "extra_hosts", "ExtraHosts is not allowed");
		return false;
	}
	return true;
}

static bool cc_sysctls(struct cc_ctx *c)
{
	size_t n;
	if (!sg_jf_obj_len(c->hc, "Sysctls", &n, c->out))
		return false;
	if (n > 0 && !c->cs->allow_sysctls) {
		sg_inspect_deny(c->out, 403, CC "allow_sysctls", "setting sysctls is not allowed");
		return false;
	}
	return true;
}

/* ---- bind mounts ------------------------------------------------------ */

static bool cc_bind_source_ok(struct cc_ctx *c, sg_slice src)
{
	sg_slice clean;
	if (src.len == 0 || src.ptr[0] != '/')
		return true;	/* a named (or anonymous) volume, not a host path */
	if (!sg_path_clean(src, c->a, &clean)) {
		sg_jdeny(SG_JSON_ENOMEM, c->out);
		return false;
	}
	if (sg_path_allowed(clean, &c->cs->allowed_bind_mounts, c->a))
		return true;
	sg_inspect_denyf(c->out, c->a, 403, CC "allowed_bind_mounts", "bind mount source is not allowlisted",
			 "bind mount source \"%.*s\" is not allowlisted", SG_EXCERPT(clean));
	return false;
}

/* HostConfig.Binds: "src:dst[:opts]"; a spec without ':' is an anonymous
 * volume. Only the text before the first ':' is the source (Linux). */
static bool cc_binds(struct cc_ctx *c)
{
	sg_json arr, e;
	bool present;
	struct sg_json_it it;

	if (!sg_jf_arr(c->hc, "Binds", &arr, &present, c->out))
		return false;
	if (!present)
		return true;
	sg_json_arr_begin(arr, &it);
	while (sg_json_arr_next(&it, &e)) {
		sg_slice spec;
		if (!sg_jv_str(e, &spec, c->out))
			return false;
		const char *colon = sg_memchr(spec, ':');
		if (!colon)
			continue;
		if (!cc_bind_source_ok(c, sg_trim(sg_slice_make(spec.ptr, (size_t)(colon - spec.ptr)))))
			return false;
	}
	return true;
}

static const char *const cc_mount_types[] = { "bind", "volume", "tmpfs", "npipe", "cluster", "image" };

static bool cc_mount_type_known(sg_slice t)
{
	for (size_t i = 0; i < sizeof(cc_mount_types) / sizeof(cc_mount_types[0]); i++)
		if (sg_eq_ci(t, cc_mount_types[i]))
			return true;
	return false;
}

/* A "local" volume with a "device" option is a bind mount in disguise
 * (type=none,o=bind,device=/etc): hold the device to the bind allowlist. */
static bool cc_volume_driver_ok(struct cc_ctx *c, sg_json mount)
{
	sg_json vo, dc, opts, dev;
	bool present;
	sg_slice name, devpath;

	if (!sg_jf_obj(mount, "VolumeOptions", &vo, &present, c->out))
		return false;
	if (!present)
		return true;
	if (!sg_jf_obj(vo, "DriverConfig", &dc, &present, c->out))
		return false;
	if (!present)
		return true;
	if (!sg_jf_str(dc, "Name", &name, c->out) || !sg_jf_obj(dc, "Options", &opts, &present, c->out))
		return false;
	name = sg_trim(name);
	if (!present || (name.len != 0 && !sg_eq_ci(name, "local")))
		return true;
	enum sg_json_err e = sg_json_get_exact(opts, SG_SLICE_LIT("device"), &dev);
	if (e == SG_JSON_ENOTFOUND)
		return true;
	if (e != SG_JSON_OK || !sg_jv_str(dev, &devpath, c->out)) {
		if (e != SG_JSON_OK)
			sg_jdeny(e, c->out);
		return false;
	}
	devpath = sg_trim(devpath);
	if (devpath.len == 0 || devpath.ptr[0] != '/') {
		sg_inspect_deny(c->out, 403, CC "allowed_bind_mounts",
				"local volume driver device option must be an allowlisted absolute host path");
		return false;
	}
	return cc_bind_source_ok(c, devpath);
}

/* HostConfig.Mounts: type=bind or npipe (any case) holds Source to the allowlist. */
static bool cc_mounts(struct cc_ctx *c)
{
	sg_json arr, m;
	bool present;
	struct sg_json_it it;

	if (!sg_jf_arr(c->hc, "Mounts", &arr, &present, c->out))
		return false;
	if (!present)
		return true;
	sg_json_arr_begin(arr, &it);
	while (sg_json_arr_next(&it, &m)) {
		sg_slice type, src;
		if (sg_json_type_of(m) != SG_JSON_OBJECT) {
			sg_jdeny(SG_JSON_ETYPE, c->out);
			return false;
		}
		if (!sg_jf_str(m, "Type", &type, c->out) || !sg_jf_str(m, "Source", &src, c->out))
			return false;
		type = sg_trim(type);
		if (!cc_mount_type_known(type)) {
			sg_inspect_denyf(c->out, c->a, 403, CC "mount_type", "mount type is not allowed",
					 "mount type \"%.*s\" is not allowed", SG_EXCERPT(type));
			return false;
		}
		/* npipe mounts a host named pipe (\\.\pipe\docker_engine is the
		 * Windows engine socket): a host path like a bind's. */
		if (sg_eq_ci(type, "bind") || sg_eq_ci(type, "npipe")) {
			src = sg_trim(src);
			if (src.len == 0 || src.ptr[0] != '/') {
				sg_inspect_deny(c->out, 403, CC "allowed_bind_mounts",
						"bind mount source must be an absolute host path");
				return false;
			}
			if (!cc_bind_source_ok(c, src))
				return false;
		}
		if (!cc_volume_driver_ok(c, m))
			return false;
	}
	return true;
}

/* ---- devices ------------------------------------------------------------ */

static bool cc_devices(struct cc_ctx *c)
{
	sg_json arr, d;
	bool present;
	struct sg_json_it it;

	if (!sg_jf_arr(c->hc, "Devices", &arr, &present, c->out))
		return false;
	if (!present || c->cs->allow_all_devices)
		return true;
	sg_json_arr_begin(arr, &it);
	while (sg_json_arr_next(&it, &d)) {
		sg_slice host, clean;
		if (sg_json_type_of(d) != SG_JSON_OBJECT) {
			sg_jdeny(SG_JSON_ETYPE, c->out);
			return false;
		}
		if (!sg_jf_str(d, "PathOnHost", &host, c->out))
			return false;
		host = sg_trim(host);
		if (sg_path_clean(host, c->a, &clean) && sg_path_allowed(clean, &c->cs->allowed_devices, c->a))
			continue;
		sg_inspect_denyf(c->out, c->a, 403, CC "allowed_devices", "device is not allowlisted",
				 "device \"%.*s\" is not allowlisted", SG_EXCERPT(host));
		return false;
	}
	return true;
}

/* ---- device requests ---------------------------------------------------- */

/* Scan request capability set `set` (a []string or null): *effective when
 * it names a non-empty capability, *subset when every such capability is in
 * `al` (NULL: skip). False (deny recorded) on a type error. */
static bool cc_capset_scan(sg_json set, const struct sg_str_list *al, bool *effective, bool *subset,
			   struct sg_inspect_result *out)
{
	struct sg_json_it it;
	sg_json e;

	*effective = false;
	*subset = true;
	if (sg_json_type_of(set) == SG_JSON_NULL)
		return true;
	if (!sg_json_arr_begin(set, &it)) {
		sg_jdeny(SG_JSON_ETYPE, out);
		return false;
	}
	while (sg_json_arr_next(&it, &e)) {
		sg_slice cap;
		if (!sg_jv_str(e, &cap, out))
			return false;
		cap = sg_trim(cap);
		if (cap.len == 0)
			continue;
		*effective = true;
		if (al && !sg_list_has_ci(al, cap))
			*subset = false;
	}
	return true;
}

/* Request capability sets vs one allowlist entry: each effective request set
 * must be a subset of one allowed set; a request with no effective
 * capability (runtimes expand it to their default set) only matches an entry
 * that declares no capability constraint. *ok false on a type error. */
static bool cc_devreq_caps_ok(sg_json caps, bool caps_present, const struct sg_device_request_rule *r,
			      struct sg_inspect_result *out, bool *ok)
{
	struct sg_json_it it;
	sg_json set;
	bool any_effective = false, eff, sub;

	*ok = true;
	if (caps_present) {
		sg_json_arr_begin(caps, &it);
		while (sg_json_arr_next(&it, &set)) {
			if (!(*ok = cc_capset_scan(set, NULL, &eff, &sub, out)))
				return false;
			if (!eff)
				continue;
			any_effective = true;
			bool covered = false;
			for (size_t k = 0; k < r->allowed_capabilities.count && !covered; k++) {
				cc_capset_scan(set, &r->allowed_capabilities.items[k], &eff, &sub, out);
				covered = sub;
			}
			if (!covered)
				return false;
		}
	}
	return any_effective || r->allowed_capabilities.count == 0;
}

static bool cc_devreq_count_ok(int64_t count, size_t nids, const struct sg_device_request_rule *r)
{
	if (!r->max_count_set)
		return true;
	if (count == -1)
		return r->max_count == -1;
	if (r->max_count == -1)
		return count >= 0;
	return count >= 0 && count <= r->max_count && (int64_t)nids <= r->max_count;
}

static bool cc_device_request_ok(struct cc_ctx *c, sg_json req, size_t idx)
{
	sg_slice driver;
	int64_t count;
	size_t nids;
	sg_json caps;
	bool caps_present, ok;

	if (sg_json_type_of(req) != SG_JSON_OBJECT) {
		sg_jdeny(SG_JSON_ETYPE, c->out);
		return false;
	}
	if (!sg_jf_str(req, "Driver", &driver, c->out) || !sg_jf_i64(req, "Count", &count, c->out) ||
	    !sg_jf_arr_len(req, "DeviceIDs", &nids, c->out) ||
	    !sg_jf_arr(req, "Capabilities", &caps, &caps_present, c->out))
		return false;
	driver = sg_trim(driver);
	if (driver.len == 0) {
		sg_inspect_denyf(c->out, c->a, 403, CC "allowed_device_requests",
				 "device request has an empty Driver field",
				 "device request %zu has an empty Driver field", idx);
		return false;
	}
	const struct sg_device_request_rules *rules = &c->cs->allowed_device_requests;
	for (size_t i = 0; i < rules->count; i++) {
		const struct sg_device_request_rule *r = &rules->items[i];
		if (!r->driver || !sg_slice_caseeq(sg_trim(sg_slice_cstr(r->driver)), driver))
			continue;
		if (!cc_devreq_count_ok(count, nids, r))
			continue;
		bool caps_ok = cc_devreq_caps_ok(caps, caps_present, r, c->out, &ok);
		if (!ok)
			return false;
		if (caps_ok)
			return true;
	}
	sg_inspect_denyf(c->out, c->a, 403, CC "allowed_device_requests",
			 "device request is not permitted by the allowlist",
			 "device request %zu (driver \"%.*s\") is not permitted by the allowlist", idx,
			 SG_EXCERPT(driver));
	return false;
}

static bool cc_device_requests(struct cc_ctx *c)
{
	sg_json arr, e;
	bool present;
	struct sg_json_it it;
	size_t idx = 0;

	if (!sg_jf_arr(c->hc, "DeviceRequests", &arr, &present, c->out))
		return false;
	if (!present || sg_json_arr_len(arr) == 0 || c->cs->allow_device_requests)
		return true;
	if (c->cs->allowed_device_requests.count == 0) {
		sg_inspect_deny(c->out, 403, CC "allow_device_requests", "device requests are not allowed");
		return false;
	}
	sg_json_arr_begin(arr, &it);
	while (sg_json_arr_next(&it, &e))
		if (!cc_device_request_ok(c, e, idx++))
			return false;
	return true;
}

/* ---- device cgroup rules ------------------------------------------------ */

struct cc_cgrule {
	char type;		/* a, b, c */
	bool major_any, minor_any;
	uint64_t major, minor;
	unsigned perms;		/* bit 0 r, 1 w, 2 m */
};

static bool cc_cg_number(sg_slice s, bool *any, uint64_t *v)
{
	*any = false;
	*v = 0;
	if (s.len == 1 && s.ptr[0] == '*') {
		*any = true;
		return true;
	}
	if (s.len == 0 || s.len > 19)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (s.ptr[i] < '0' || s.ptr[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(s.ptr[i] - '0');
	}
	return true;
}

/* Next whitespace-separated field of s starting at *pos. */
static sg_slice cc_field(sg_slice s, size_t *pos)
{
	while (*pos < s.len && (s.ptr[*pos] == ' ' || s.ptr[*pos] == '\t'))
		(*pos)++;
	size_t start = *pos;
	while (*pos < s.len && s.ptr[*pos] != ' ' && s.ptr[*pos] != '\t')
		(*pos)++;
	return sg_slice_make(s.ptr + start, *pos - start);
}

/* "<type> <major>:<minor> <perms>", type a|b|c, numbers or '*', perms ⊆ rwm. */
static bool cc_cgrule_parse(sg_slice s, struct cc_cgrule *r)
{
	size_t pos = 0;
	sg_slice t = cc_field(s, &pos), mm = cc_field(s, &pos), p = cc_field(s, &pos);
	if (cc_field(s, &pos).len != 0 || t.len != 1 || (t.ptr[0] != 'a' && t.ptr[0] != 'b' && t.ptr[0] != 'c'))
		return false;
	r->type = t.ptr[0];
	const char *colon = sg_memchr(mm, ':');
	if (!colon)
		return false;
	size_t ml = (size_t)(colon - mm.ptr);
	if (!cc_cg_number(sg_slice_make(mm.ptr, ml), &r->major_any, &r->major) ||
	    !cc_cg_number(sg_slice_make(colon + 1, mm.len - ml - 1), &r->minor_any, &r->minor))
		return false;
	if (p.len == 0)
		return false;
	r->perms = 0;
	for (size_t i = 0; i < p.len; i++) {
		const char *k = memchr("rwm", p.ptr[i], 3);
		if (!k)
			return false;
		r->perms |= 1u << (k - "rwm");
	}
	return true;
}

/* Allowlist '*' matches anything; a request '*' needs an allowlist '*'. */
static bool cc_cg_field_ok(bool al_any, uint64_t al, bool rq_any, uint64_t rq)
{
	if (al_any)
		return true;
	return !rq_any && al == rq;
}

static bool cc_cgrule_allowed(const struct cc_cgrule *rq, const struct sg_str_list *allow)
{
	for (size_t i = 0; i < allow->count; i++) {
		struct cc_cgrule al;
		if (!cc_cgrule_parse(sg_trim(sg_slice_cstr(allow->items[i])), &al))
			continue;
		if (al.type == rq->type && al.perms == rq->perms &&
		    cc_cg_field_ok(al.major_any, al.major, rq->major_any, rq->major) &&
		    cc_cg_field_ok(al.minor_any, al.minor, rq->minor_any, rq->minor))
			return true;
	}
	return false;
}

static bool cc_device_cgroup_rules(struct cc_ctx *c)
{
	sg_json arr, e;
	bool present;
	struct sg_json_it it;

	if (!sg_jf_arr(c->hc, "DeviceCgroupRules", &arr, &present, c->out))
		return false;
	if (!present || sg_json_arr_len(arr) == 0 || c->cs->allow_device_cgroup_rules)
		return true;
	if (c->cs->allowed_device_cgroup_rules.count == 0) {
		sg_inspect_deny(c->out, 403, CC "allow_device_cgroup_rules", "device cgroup rules are not allowed");
		return false;
	}
	sg_json_arr_begin(arr, &it);
	while (sg_json_arr_next(&it, &e)) {
		sg_slice s;
		struct cc_cgrule r;
		if (!sg_jv_str(e, &s, c->out))
			return false;
		if (cc_cgrule_parse(sg_trim(s), &r) && cc_cgrule_allowed(&r, &c->cs->allowed_device_cgroup_rules))
			continue;
		sg_inspect_denyf(c->out, c->a, 403, CC "allowed_device_cgroup_rules",
				 "device cgroup rule is not in the allowed list",
				 "device cgroup rule \"%.*s\" is malformed or not in the allowed list", SG_EXCERPT(s));
		return false;
	}
	return true;
}

/* ---- capabilities --------------------------------------------------------- */

/* Trimmed, "CAP_" prefix (any case) dropped. */
static sg_slice cc_cap_name(sg_slice s)
{
	s = sg_trim(s);
	if (s.len >= 4 && strncasecmp(s.ptr, "CAP_", 4) == 0)
		s = sg_slice_make(s.ptr + 4, s.len - 4);
	return s;
}

static bool cc_cap_allowed(sg_slice cap, const struct sg_str_list *allowed)
{
	for (size_t i = 0; i < allowed->count; i++)
		if (sg_slice_caseeq(cc_cap_name(sg_slice_cstr(allowed->items[i])), cap))
			return true;
	return false;
}

static bool cc_cap_add(struct cc_ctx *c)
{
	sg_json arr, e;
	bool present;
	struct sg_json_it it;

	if (!sg_jf_arr(c->hc, "CapAdd", &arr, &present, c->out))
		return false;
	if (!present || c->cs->allow_all_capabilities)
		return true;
	sg_json_arr_begin(arr, &it);
	while (sg_json_arr_next(&it, &e)) {
		sg_slice raw, cap;
		if (!sg_jv_str(e, &raw, c->out))
			return false;
		cap = cc_cap_name(raw);
		if (cap.len == 0)
			continue;
		if (sg_eq_ci(cap, "ALL")) {
			sg_inspect_deny(c->out, 403, CC "allow_all_capabilities",
					"CapAdd ALL is not allowed (needs allow_all_capabilities)");
			return false;
		}
		if (cc_cap_allowed(cap, &c->cs->allowed_capabilities))
			continue;
		sg_inspect_denyf(c->out, c->a, 403, CC "allowed_capabilities",
				 "capability is not in the allowed list",
				 "capability \"%.*s\" is not in the allowed list", SG_EXCERPT(cap));
		return false;
	}
	return true;
}

/* ---- SecurityOpt ------------------------------------------------------------ */

/* Split like dockerd: at the first '=' if there is one, else the first ':'. */
static bool cc_secopt_split(sg_slice opt, sg_slice *key, sg_slice *val)
{
	const char *sep = sg_memchr(opt, '=');
	if (!sep)
		sep = sg_memchr(opt, ':');
	if (!sep)
		return false;
	*key = sg_trim(sg_slice_make(opt.ptr, (size_t)(sep - opt.ptr)));
	*val = sg_trim(sg_slice_make(sep + 1, opt.len - (size_t)(sep - opt.ptr) - 1));
	return true;
}

/* Go's strconv.ParseBool. */
static int cc_parse_bool(sg_slice v)
{
	static const char *const t[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const f[] = { "0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; i < 6; i++) {
		if (sg_slice_eq_cstr(v, t[i]))
			return 1;
		if (sg_slice_eq_cstr(v, f[i]))
			return 0;
	}
	return -1;
}

struct cc_secopt_state {
	bool seen_seccomp, seen_apparmor;
	bool no_new_privs;	/* last one wins, as in dockerd */
};

static bool cc_profile_ok(struct cc_ctx *c, sg_slice val, bool deny_unconfined, const struct sg_str_list *allow,
			  const char *kind, const char *knob_deny, const char *knob_allow)
{
	if (deny_unconfined && sg_eq_ci(val, "unconfined")) {
		sg_inspect_denyf(c->out, c->a, 403, knob_deny, "unconfined profile is not allowed",
				 "unconfined %s profile is not allowed", kind);
		return false;
	}
	if (allow->count > 0 && !sg_list_has(allow, val)) {
		sg_inspect_denyf(c->out, c->a, 403, knob_allow, "security profile is not in the allowed list",
				 "%s profile \"%.*s\" is not in the allowed list", kind, SG_EXCERPT(val));
		return false;
	}
	return true;
}

static bool cc_secopt_one(struct cc_ctx *c, sg_slice opt, struct cc_secopt_state *st)
{
	sg_slice key, val;
	const struct sg_container_create_settings *cs = c->cs;

	opt = sg_trim(opt);
	if (sg_slice_eq_cstr(opt, "no-new-privileges")) {
		st->no_new_privs = true;
		return true;
	}
	if (!cc_secopt_split(opt, &key, &val))
		return true;
	if (sg_eq_ci(key, "no-new-privileges")) {
		st->no_new_privs = cc_parse_bool(val) == 1;
	} else if (sg_eq_ci(key, "seccomp")) {
		st->seen_seccomp = true;
		return cc_profile_ok(c, val, cs->deny_unconfined_seccomp, &cs->allowed_seccomp_profiles, "seccomp",
				     CC "deny_unconfined_seccomp", CC "allowed_seccomp_profiles");
	} else if (sg_eq_ci(key, "apparmor")) {
		st->seen_apparmor = true;
		return cc_profile_ok(c, val, cs->deny_unconfined_apparmor, &cs->allowed_apparmor_profiles,
				     "apparmor", CC "deny_unconfined_apparmor", CC "allowed_apparmor_profiles");
	}
	return true;
}

static bool cc_has_default(const struct sg_str_list *l, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sg_list_has(l, sg_slice_cstr(names[i])))
			return true;
	return false;
}

static bool cc_security_opt(struct cc_ctx *c)
{
	static const char *const seccomp_default[] = { "default" };
	static const char *const apparmor_default[] = { "default", "docker-default", "runtime/default" };
	sg_json arr, e;
	bool present;
	struct sg_json_it it;
	struct cc_secopt_state st = { 0 };
	const struct sg_container_create_settings *cs = c->cs;

	if (!sg_jf_arr(c->hc, "SecurityOpt", &arr, &present, c->out))
		return false;
	if (present) {
		sg_json_arr_begin(arr, &it);
		while (sg_json_arr_next(&it, &e)) {
			sg_slice opt;
			if (!sg_jv_str(e, &opt, c->out) || !cc_secopt_one(c, opt, &st))
				return false;
		}
	}
	if (cs->allowed_seccomp_profiles.count > 0 && !st.seen_seccomp &&
	    !cc_has_default(&cs->allowed_seccomp_profiles, seccomp_default, 1)) {
		sg_inspect_deny(c->out, 403, CC "allowed_seccomp_profiles",
				"a seccomp profile is required (set HostConfig.SecurityOpt to include seccomp=<profile>)");
		return false;
	}
	if (cs->allowed_apparmor_profiles.count > 0 && !st.seen_apparmor &&
	    !cc_has_default(&cs->allowed_apparmor_profiles, apparmor_default, 3)) {
		sg_inspect_deny(c->out, 403, CC "allowed_apparmor_profiles",
				"an apparmor profile is required (set HostConfig.SecurityOpt to include apparmor=<profile>)");
		return false;
	}
	if (cs->require_no_new_privileges && !st.no_new_privs) {
		sg_inspect_deny(c->out, 403, CC "require_no_new_privileges",
				"no-new-privileges is required (set HostConfig.SecurityOpt to include \"no-new-privileges:true\")");
		return false;
	}
	return true;
}

/* ---- opt-in rails ------------------------------------------------------------ */

static bool cc_cap_drop_all(struct cc_ctx *c, bool *has_all)
{
	sg_json arr, e;
	bool present;
	struct sg_json_it it;

	*has_all = false;
	if (!sg_jf_arr(c->hc, "CapDrop", &arr, &present, c->out))
		return false;
	if (!present)
		return true;
	sg_json_arr_begin(arr, &it);
	while (sg_json_arr_next(&it, &e)) {
		sg_slice cap;
		if (!sg_jv_str(e, &cap, c->out))
			return false;
		if (sg_eq_ci(sg_trim(cap), "ALL"))
			*has_all = true;
	}
	return true;
}

static bool cc_hardening(struct cc_ctx *c)
{
	const struct sg_container_create_settings *cs = c->cs;
	sg_slice user;
	bool ro, drop_all;

	if (!sg_jf_str(c->root, "User", &user, c->out) || !sg_jf_bool(c->hc, "ReadonlyRootfs", &ro, c->out) ||
	    !cc_cap_drop_all(c, &drop_all))
		return false;
	/* An empty User runs as the image's user, which is root unless proven
	 * otherwise: require an explicit non-root user. */
	if (cs->require_non_root_user && (sg_trim(user).len == 0 || sg_user_is_root(user))) {
		sg_inspect_deny(c->out, 403, CC "require_non_root_user",
				"non-root user is required (set Config.User to a non-zero UID or non-root username)");
		return false;
	}
	if (cs->require_readonly_rootfs && !ro) {
		sg_inspect_deny(c->out, 403, CC "require_readonly_rootfs",
				"read-only root filesystem is required (set HostConfig.ReadonlyRootfs to true)");
		return false;
	}
	if (cs->require_drop_all_capabilities && !drop_all) {
		sg_inspect_deny(c->out, 403, CC "require_drop_all_capabilities",
				"HostConfig.CapDrop must include \"ALL\"");
		return false;
	}
	return true;
}

static bool cc_resources(struct cc_ctx *c)
{
	const struct sg_container_create_settings *cs = c->cs;
	int64_t mem, nano, quota, period, shares, pids;

	if (!sg_jf_i64(c->hc, "Memory", &mem, c->out) || !sg_jf_i64(c->hc, "NanoCpus", &nano, c->out) ||
	    !sg_jf_i64(c->hc, "CpuQuota", &quota, c->out) || !sg_jf_i64(c->hc, "CpuPeriod", &period, c->out) ||
	    !sg_jf_i64(c->hc, "CpuShares", &shares, c->out) || !sg_jf_i64(c->hc, "PidsLimit", &pids, c->out))
		return false;
	if (cs->require_memory_limit && mem <= 0) {
		sg_inspect_deny(c->out, 403, CC "require_memory_limit",
				"a memory limit is required (set HostConfig.Memory)");
		return false;
	}
	if (cs->require_cpu_limit && nano <= 0 && quota <= 0 && period <= 0 && shares <= 0) {
		sg_inspect_deny(c->out, 403, CC "require_cpu_limit",
				"a CPU limit is required (set HostConfig.NanoCpus, CpuQuota, CpuPeriod, or CpuShares)");
		return false;
	}
	if (cs->require_pids_limit && pids <= 0) {
		sg_inspect_deny(c->out, 403, CC "require_pids_limit",
				"a PIDs limit is required (set HostConfig.PidsLimit to a positive value)");
		return false;
	}
	return true;
}

/* Config.Labels is a map: keys are data, matched exactly. */
static bool cc_required_labels(struct cc_ctx *c)
{
	const struct sg_str_list *req = &c->cs->required_labels;
	sg_json labels, v;
	bool present;

	if (req->count == 0)
		return true;
	if (!sg_jf_obj(c->root, "Labels", &labels, &present, c->out))
		return false;
	for (size_t i = 0; i < req->count; i++) {
		sg_slice key = sg_trim(sg_slice_cstr(req->items[i])), val = { "", 0 };
		if (key.len == 0)
			continue;
		enum sg_json_err e = present ? sg_json_get_exact(labels, key, &v) : SG_JSON_ENOTFOUND;
		if (e == SG_JSON_EDUP) {
			sg_jdeny(e, c->out);
			return false;
		}
		if (e == SG_JSON_OK && !sg_jv_str(v, &val, c->out))
			return false;
		if (sg_trim(val).len == 0) {
			sg_inspect_denyf(c->out, c->a, 403, CC "required_labels", "a required label is missing or empty",
					 "required label \"%.*s\" is missing or empty", SG_EXCERPT(key));
			return false;
		}
	}
	return true;
}

/* Signature verification needs registry and Rekor I/O that a pure inspector
 * cannot do: enforce mode fails closed, warn mode lets the request through. */
static bool cc_image_trust(struct cc_ctx *c)
{
	sg_slice image;
	if (c->cs->image_trust.mode != SG_IMAGE_TRUST_ENFORCE)
		return true;
	if (!sg_jf_str(c->root, "Image", &image, c->out))
		return false;
	if (sg_trim(image).len == 0)
		return true;
	sg_inspect_deny(c->out, 403, CC "image_trust",
			"image signature verification is not available in this build; image_trust.mode enforce denies");
	return false;
}

/* ---- entry point ---------------------------------------------------------------- */

typedef bool cc_check(struct cc_ctx *c);

static cc_check *const cc_checks[] = {
	cc_namespaces, cc_sysctls, cc_unconditional, cc_device_requests, cc_device_cgroup_rules,
	cc_devices, cc_binds, cc_mounts, cc_security_opt, cc_cap_add, cc_hardening, cc_resources,
	cc_required_labels, cc_image_trust,
};

void sg_inspect_container_create(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
				 sg_slice body, struct sg_arena *scratch, struct sg_inspect_result *out)
{
	struct cc_ctx c = { .cs = &s->container_create, .a = scratch, .out = out };

	sg_inspect_allow(out);
	if (!sg_jparse_object(body, scratch, &c.root, out) || !cc_no_top_level_hostconfig(&c))
		return;
	if (!sg_jf_obj(c.root, "HostConfig", &c.hc, &c.has_hc, out))
		return;
	/* No HostConfig: read its fields from the root object instead, which
	 * cc_no_top_level_hostconfig proved holds none of them, so every
	 * HostConfig field reads as its zero value, as dockerd sees it. */
	if (!c.has_hc)
		c.hc = c.root;
	for (size_t i = 0; i < sizeof(cc_checks) / sizeof(cc_checks[0]); i++)
		if (!cc_checks[i](&c))
			return;
}
