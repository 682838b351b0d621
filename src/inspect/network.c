/* inspect/network.c — POST /networks/create, /networks/{id}/connect and
 * /networks/{id}/disconnect.
 *
 * create: non-builtin Driver, Scope=swarm, Ingress, Attachable, ConfigOnly,
 * ConfigFrom, non-builtin IPAM.Driver, IPAM.Config, IPAM.Options and Options
 * each need their allow_* knob. connect: any static endpoint setting
 * (IPAMConfig addresses, link-local IPs, MAC, Links, DriverOpts, the legacy
 * address fields, GwPriority) needs allow_endpoint_config; Aliases are always
 * allowed (Compose sets them). disconnect: Force needs allow_disconnect_force. */
#include "inspect/inspectors.h"
#include "inspect/jfield.h"
#include "inspect/text.h"

#define NET "network."

static bool net_in(sg_slice v, const char *const *names, size_t n)
{
	v = sg_trim(v);
	if (v.len == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (sg_eq_ci(v, names[i]))
			return true;
	return false;
}

static bool net_builtin_driver(sg_slice d)
{
	static const char *const names[] = { "bridge", "host", "ipvlan", "macvlan", "none", "null", "overlay" };
	return net_in(d, names, sizeof(names) / sizeof(names[0]));
}

static bool net_builtin_ipam(sg_slice d)
{
	static const char *const names[] = { "default", "null" };
	return net_in(d, names, sizeof(names) / sizeof(names[0]));
}

struct net_flag {
	const char *field;
	size_t allow_offset;
	const char *knob;
	const char *reason;
};

static const struct net_flag net_flags[] = {
	{ "Ingress", offsetof(struct sg_network_settings, allow_ingress), NET "allow_ingress",
	  "ingress networks are not allowed" },
	{ "Attachable", offsetof(struct sg_network_settings, allow_attachable), NET "allow_attachable",
	  "attachable networks are not allowed" },
	{ "ConfigOnly", offsetof(struct sg_network_settings, allow_config_only), NET "allow_config_only",
	  "config-only networks are not allowed" },
};

static bool net_ipam_ok(const struct sg_network_settings *ns, sg_json root, struct sg_inspect_result *out)
{
	sg_json ipam;
	bool present;
	sg_slice driver;
	size_t ncfg, nopt;

	if (!sg_jf_obj(root, "IPAM", &ipam, &present, out))
		return false;
	if (!present)
		return true;
	if (!sg_jf_str(ipam, "Driver", &driver, out) || !sg_jf_arr_len(ipam, "Config", &ncfg, out) ||
	    !sg_jf_obj_len(ipam, "Options", &nopt, out))
		return false;
	if (!net_builtin_ipam(driver) && !ns->allow_custom_ipam_drivers) {
		sg_inspect_deny(out, 403, NET "allow_custom_ipam_drivers", "custom IPAM drivers are not allowed");
		return false;
	}
	if (ncfg > 0 && !ns->allow_custom_ipam_config) {
		sg_inspect_deny(out, 403, NET "allow_custom_ipam_config", "custom IPAM config is not allowed");
		return false;
	}
	if (nopt > 0 && !ns->allow_ipam_options) {
		sg_inspect_deny(out, 403, NET "allow_ipam_options", "IPAM options are not allowed");
		return false;
	}
	return true;
}

void sg_inspect_network_create(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
			       sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	const struct sg_network_settings *ns = &s->network;
	sg_json root, cf;
	sg_slice driver, scope;
	bool has_cf;
	size_t nopts;

	sg_inspect_allow(out);
	if (!sg_jparse_object(body, a, &root, out) || !sg_jf_str(root, "Driver", &driver, out) ||
	    !sg_jf_str(root, "Scope", &scope, out) || !sg_jf_obj(root, "ConfigFrom", &cf, &has_cf, out) ||
	    !sg_jf_obj_len(root, "Options", &nopts, out))
		return;
	if (!net_builtin_driver(driver) && !ns->allow_custom_drivers) {
		sg_inspect_deny(out, 403, NET "allow_custom_drivers", "custom network drivers are not allowed");
		return;
	}
	if (sg_eq_ci(sg_trim(scope), "swarm") && !ns->allow_swarm_scope) {
		sg_inspect_deny(out, 403, NET "allow_swarm_scope", "swarm-scoped networks are not allowed");
		return;
	}
	for (size_t i = 0; i < sizeof(net_flags) / sizeof(net_flags[0]); i++) {
		bool v;
		if (!sg_jf_bool(root, net_flags[i].field, &v, out))
			return;
		if (v && !*(const bool *)((const char *)ns + net_flags[i].allow_offset)) {
			sg_inspect_deny(out, 403, net_flags[i].knob, net_flags[i].reason);
			return;
		}
	}
	if (has_cf && !ns->allow_config_from) {
		sg_inspect_deny(out, 403, NET "allow_config_from", "config-from networks are not allowed");
		return;
	}
	if (!net_ipam_ok(ns, root, out))
		return;
	if (nopts > 0 && !ns->allow_driver_options)
		sg_inspect_deny(out, 403, NET "allow_driver_options", "network driver options are not allowed");
}

/* Any endpoint setting other than Aliases (and empty values)? */
static bool net_endpoint_static(sg_json ep, bool *is_static, struct sg_inspect_result *out)
{
	static const char *const strs[] = { "MacAddress", "Gateway", "IPAddress", "IPv6Gateway", "GlobalIPv6Address" };
	static const char *const ints[] = { "IPPrefixLen", "GlobalIPv6PrefixLen", "GwPriority" };
	sg_json ipam;
	bool present;
	size_t n;

	*is_static = false;
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		sg_slice v;
		if (!sg_jf_str(ep, strs[i], &v, out))
			return false;
		*is_static |= sg_trim(v).len > 0;
	}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		int64_t v;
		if (!sg_jf_i64(ep, ints[i], &v, out))
			return false;
		*is_static |= v != 0;
	}
	if (!sg_jf_arr_len(ep, "Links", &n, out))
		return false;
	*is_static |= n > 0;
	if (!sg_jf_obj_len(ep, "DriverOpts", &n, out))
		return false;
	*is_static |= n > 0;
	if (!sg_jf_obj(ep, "IPAMConfig", &ipam, &present, out))
		return false;
	if (present) {
		sg_slice v4, v6;
		if (!sg_jf_str(ipam, "IPv4Address", &v4, out) || !sg_jf_str(ipam, "IPv6Address", &v6, out) ||
		    !sg_jf_arr_len(ipam, "LinkLocalIPs", &n, out))
			return false;
		*is_static |= sg_trim(v4).len > 0 || sg_trim(v6).len > 0 || n > 0;
	}
	return true;
}

void sg_inspect_network_connect(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
				sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_json root, ep;
	bool present, is_static;

	sg_inspect_allow(out);
	if (!sg_jparse_object(body, a, &root, out) || !sg_jf_obj(root, "EndpointConfig", &ep, &present, out))
		return;
	if (!present || s->network.allow_endpoint_config)
		return;
	if (!net_endpoint_static(ep, &is_static, out))
		return;
	if (is_static)
		sg_inspect_deny(out, 403, NET "allow_endpoint_config",
				"endpoint static configuration (IP, MAC, links, driver options) is not allowed");
}

void sg_inspect_network_disconnect(const struct sg_inspect_settings *s, const struct sg_inspect_request *req,
				   sg_slice body, struct sg_arena *a, struct sg_inspect_result *out)
{
	sg_json root;
	bool force;

	sg_inspect_allow(out);
	if (!sg_jparse_object(body, a, &root, out) || !sg_jf_bool(root, "Force", &force, out))
		return;
	if (force && !s->network.allow_disconnect_force)
		sg_inspect_deny(out, 403, NET "allow_disconnect_force", "forced network disconnects are not allowed");
}
