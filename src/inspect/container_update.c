/* inspect/container_update.c — POST /containers/{id}/update.
 *
 * dockerd decodes container.UpdateConfig: Resources embedded (its fields sit
 * at the top level) plus RestartPolicy. A gated key (matched with Go's case
 * folding) needs its knob unless its value is one dockerd treats as "leave
 * unchanged": the docker CLI sends every Resources field on every update
 * (`"Devices":null,"Memory":0,...,"RestartPolicy":{"Name":""}`), so the
 * Go original's "mere presence" rule denied every `docker update` unless all
 * of allow_resource_updates, allow_all_devices and allow_restart_policy were
 * on. Unchanged means: null; for plain fields also false, 0, "", [] and {};
 * for the pointer fields (PidsLimit, MemorySwappiness, OomKillDisable) only
 * null, since dockerd applies a non-nil 0 (PidsLimit 0 lifts the limit);
 * RestartPolicy only with an absent or empty Name (dockerd keeps the policy
 * then). Anything else, wrong types included, counts as a change. */
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/text.h"

struct cu_group {
	const char *const *fields;
	size_t n;
	size_t allow_offset;
	const char *knob;
	const char *reason;
};

static const char *const cu_priv[] = { "Privileged" };
static const char *const cu_dev[] = { "Devices", "DeviceCgroupRules", "DeviceRequests" };
static const char *const cu_caps[] = { "CapAdd", "CapDrop", "Capabilities", "NoNewPrivileges", "SecurityOpt" };
static const char *const cu_restart[] = { "RestartPolicy" };
static const char *const cu_res[] = {
	"BlkioDeviceReadBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteBps", "BlkioDeviceWriteIOps", "BlkioWeight",
	"BlkioWeightDevice", "CgroupParent", "CgroupnsMode", "CpuCount", "CpuPercent", "CpuPeriod", "CpuQuota",
	"CpuRealtimePeriod", "CpuRealtimeRuntime", "CpuShares", "CpusetCpus", "CpusetMems", "IOMaximumBandwidth",
	"IOMaximumIOps", "KernelMemory", "KernelMemoryTCP", "Memory", "MemoryReservation", "MemorySwap",
	"MemorySwappiness", "NanoCpus", "OomKillDisable", "PidsLimit", "Resources", "Ulimits",
};

#define CU_GROUP(f, field, why) { f, sizeof(f) / sizeof(f[0]), offsetof(struct sg_container_update_settings, field), \
				  "container_update." #field, why }

static const struct cu_group cu_groups[] = {
	CU_GROUP(cu_priv, allow_privileged, "privileged mode changes are not allowed"),
	CU_GROUP(cu_dev, allow_all_devices, "device changes are not allowed"),
	CU_GROUP(cu_caps, allow_capabilities, "capability and security-profile changes are not allowed"),
	CU_GROUP(cu_restart, allow_restart_policy, "restart policy changes are not allowed"),
	CU_GROUP(cu_res, allow_resource_updates, "resource control changes are not allowed"),
};

static bool cu_key_in(sg_slice key, const struct cu_group *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (sg_json_key_matches(key, g->fields[i]))
			return true;
	return false;
}

static const char *const cu_pointer_fields[] = { "PidsLimit", "MemorySwappiness", "OomKillDisable" };

/* Does dockerd leave the setting unchanged for this value? */
static bool cu_unchanged(sg_slice key, sg_json val)
{
	enum sg_json_type t = sg_json_type_of(val);
	if (t == SG_JSON_NULL)
		return true;
	for (size_t i = 0; i < sizeof(cu_pointer_fields) / sizeof(cu_pointer_fields[0]); i++)
		if (sg_json_key_matches(key, cu_pointer_fields[i]))
			return false;
	if (sg_json_key_matches(key, "RestartPolicy")) {
		sg_json name;
		sg_slice n;
		if (t != SG_JSON_OBJECT)
			return false;
		enum sg_json_err e = sg_json_get(val, "Name", &name);
		if (e == SG_JSON_ENOTFOUND)
			return true;
		if (e != SG_JSON_OK)
			return false;
		if (sg_json_type_of(name) == SG_JSON_NULL)
			return true;
		return sg_json_string(name, &n) && n.len == 0;
	}
	bool b;
	int64_t i64;
	sg_slice str;
	switch (t) {
	case SG_JSON_BOOL:
		return sg_json_bool(val, &b) && !b;
	case SG_JSON_INT:
		return sg_json_int64(val, &i64) && i64 == 0;
	case SG_JSON_STRING:
		return sg_json_string(val, &str) && str.len == 0;
	case SG_JSON_ARRAY:
		return sg_json_arr_len(val) == 0;
	case SG_JSON_OBJECT:
		return sg_json_obj_len(val) == 0;
	default:
		return false;
	}
}

void sg_inspect_container_update(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
				 sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_json root, val;
	struct sg_json_it it;
	sg_slice key;

	sg_inspect_allow(out);
	if (!sg_jparse_object(body, a, &root, out))
		return;
	for (size_t g = 0; g < sizeof(cu_groups) / sizeof(cu_groups[0]); g++) {
		const struct cu_group *grp = &cu_groups[g];
		if (*(const bool *)((const char *)&s->container_update + grp->allow_offset))
			continue;
		sg_json_obj_begin(root, &it);
		while (sg_json_obj_next(&it, &key, &val)) {
			if (cu_key_in(key, grp) && !cu_unchanged(key, val)) {
				sg_inspect_deny(out, 403, grp->knob, grp->reason);
				return;
			}
		}
	}
}
