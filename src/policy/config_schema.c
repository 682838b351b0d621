/* policy/config_schema.c — every YAML key of spec 002, as tables.
 *
 * One table per mapping, in the order of the configuration reference. The
 * YAML walker and the env overlay both read these, so the env name of a
 * field is derived, never written by hand: SOCKGUARD_ + path with dots as
 * underscores, upper-cased (request_body.exec.allow_privileged ->
 * SOCKGUARD_REQUEST_BODY_EXEC_ALLOW_PRIVILEGED). */
#include <stddef.h>

#include "policy/config_internal.h"

#define F(key, kind, type, member, aux, flags) { key, kind, offsetof(type, member), aux, flags }
#define DESC(name, type, set, line, col, init) \
	const struct sg_struct_desc name = { name##_f, sizeof(name##_f) / sizeof(name##_f[0]), sizeof(type), set, line, col, init }
#define SDESC(name, type, set, line, col, init) \
	static DESC(name, type, set, line, col, init)

static const char *const log_levels[] = { "debug", "info", "warn", "error", NULL };
static const char *const log_formats[] = { "json", "text", NULL };
static const char *const deny_verbosities[] = { "minimal", "verbose", NULL };
static const char *const profile_modes[] = { "enforce", "warn", "audit", NULL };
static const char *const priorities[] = { "normal", "low", "high", NULL };
static const char *const trust_modes[] = { "off", "warn", "enforce", NULL };

const char *sg_profile_mode_name(enum sg_profile_mode m) { return (unsigned)m < 3 ? profile_modes[m] : "?"; }
const char *sg_priority_name(enum sg_priority p) { return (unsigned)p < 3 ? priorities[p] : "?"; }

/* ---- request_body (struct sg_inspect_settings from inspect/settings.h) -- */

#define T struct sg_device_request_rule
static const size_t max_count_set_off = offsetof(T, max_count_set);
static const struct sg_field device_req_f[] = {
	F("driver", SG_F_STR, T, driver, NULL, 0),
	F("allowed_capabilities", SG_F_STRLISTLIST, T, allowed_capabilities, NULL, 0),
	F("max_count", SG_F_I64_SET, T, max_count, &max_count_set_off, 0),
};
SDESC(device_req, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_keyless_identity
static const struct sg_field keyless_ident_f[] = {
	F("issuer", SG_F_STR, T, issuer, NULL, 0),
	F("subject_pattern", SG_F_STR, T, subject_pattern, NULL, 0),
};
SDESC(keyless_ident, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_image_trust_settings
static const struct sg_field image_trust_f[] = {
	F("mode", SG_F_ENUM, T, mode, trust_modes, 0),
	F("allowed_signing_keys", SG_F_PEMLIST, T, allowed_signing_keys, NULL, 0),
	F("allowed_keyless", SG_F_LIST, T, allowed_keyless, &keyless_ident, 0),
	F("require_rekor_inclusion", SG_F_BOOL, T, require_rekor_inclusion, NULL, 0),
	F("verify_timeout", SG_F_DUR_MS32, T, verify_timeout_ms, NULL, 0),
};
SDESC(image_trust, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_container_create_settings
static const struct sg_field cc_f[] = {
	F("allow_privileged", SG_F_BOOL, T, allow_privileged, NULL, 0),
	F("allow_host_network", SG_F_BOOL, T, allow_host_network, NULL, 0),
	F("allow_host_pid", SG_F_BOOL, T, allow_host_pid, NULL, 0),
	F("allow_host_ipc", SG_F_BOOL, T, allow_host_ipc, NULL, 0),
	F("allowed_bind_mounts", SG_F_STRLIST, T, allowed_bind_mounts, NULL, 0),
	F("allow_all_devices", SG_F_BOOL, T, allow_all_devices, NULL, 0),
	F("allowed_devices", SG_F_STRLIST, T, allowed_devices, NULL, 0),
	F("allow_device_requests", SG_F_BOOL, T, allow_device_requests, NULL, 0),
	F("allowed_device_requests", SG_F_LIST, T, allowed_device_requests, &device_req, 0),
	F("allow_device_cgroup_rules", SG_F_BOOL, T, allow_device_cgroup_rules, NULL, 0),
	F("allowed_device_cgroup_rules", SG_F_STRLIST, T, allowed_device_cgroup_rules, NULL, 0),
	F("require_no_new_privileges", SG_F_BOOL, T, require_no_new_privileges, NULL, 0),
	F("require_non_root_user", SG_F_BOOL, T, require_non_root_user, NULL, 0),
	F("require_readonly_rootfs", SG_F_BOOL, T, require_readonly_rootfs, NULL, 0),
	F("require_drop_all_capabilities", SG_F_BOOL, T, require_drop_all_capabilities, NULL, 0),
	F("allow_all_capabilities", SG_F_BOOL, T, allow_all_capabilities, NULL, 0),
	F("allowed_capabilities", SG_F_STRLIST, T, allowed_capabilities, NULL, 0),
	F("require_memory_limit", SG_F_BOOL, T, require_memory_limit, NULL, 0),
	F("require_cpu_limit", SG_F_BOOL, T, require_cpu_limit, NULL, 0),
	F("require_pids_limit", SG_F_BOOL, T, require_pids_limit, NULL, 0),
	F("allowed_seccomp_profiles", SG_F_STRLIST, T, allowed_seccomp_profiles, NULL, 0),
	F("deny_unconfined_seccomp", SG_F_BOOL, T, deny_unconfined_seccomp, NULL, 0),
	F("allowed_apparmor_profiles", SG_F_STRLIST, T, allowed_apparmor_profiles, NULL, 0),
	F("deny_unconfined_apparmor", SG_F_BOOL, T, deny_unconfined_apparmor, NULL, 0),
	F("allow_host_userns", SG_F_BOOL, T, allow_host_userns, NULL, 0),
	F("allow_sysctls", SG_F_BOOL, T, allow_sysctls, NULL, 0),
	F("required_labels", SG_F_STRLIST, T, required_labels, NULL, 0),
	F("image_trust", SG_F_STRUCT, T, image_trust, &image_trust, 0),
};
SDESC(cc, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_exec_settings
static const struct sg_field exec_f[] = {
	F("allow_privileged", SG_F_BOOL, T, allow_privileged, NULL, 0),
	F("allow_root_user", SG_F_BOOL, T, allow_root_user, NULL, 0),
	F("allowed_commands", SG_F_STRLISTLIST, T, allowed_commands, NULL, 0),
};
SDESC(exec, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_image_pull_settings
static const struct sg_field image_pull_f[] = {
	F("allow_imports", SG_F_BOOL, T, allow_imports, NULL, 0),
	F("allow_all_registries", SG_F_BOOL, T, allow_all_registries, NULL, 0),
	F("allow_official", SG_F_BOOL, T, allow_official, NULL, 0),
	F("allowed_registries", SG_F_STRLIST, T, allowed_registries, NULL, 0),
};
SDESC(image_pull, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_build_settings
static const struct sg_field build_f[] = {
	F("allow_remote_context", SG_F_BOOL, T, allow_remote_context, NULL, 0),
	F("allow_host_network", SG_F_BOOL, T, allow_host_network, NULL, 0),
	F("allow_run_instructions", SG_F_BOOL, T, allow_run_instructions, NULL, 0),
};
SDESC(build, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_container_update_settings
static const struct sg_field cupd_f[] = {
	F("allow_privileged", SG_F_BOOL, T, allow_privileged, NULL, 0),
	F("allow_all_devices", SG_F_BOOL, T, allow_all_devices, NULL, 0),
	F("allow_capabilities", SG_F_BOOL, T, allow_capabilities, NULL, 0),
	F("allow_resource_updates", SG_F_BOOL, T, allow_resource_updates, NULL, 0),
	F("allow_restart_policy", SG_F_BOOL, T, allow_restart_policy, NULL, 0),
};
SDESC(cupd, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_container_archive_settings
static const struct sg_field carch_f[] = {
	F("allowed_paths", SG_F_STRLIST, T, allowed_paths, NULL, 0),
	F("allow_setid", SG_F_BOOL, T, allow_setid, NULL, 0),
	F("allow_device_nodes", SG_F_BOOL, T, allow_device_nodes, NULL, 0),
	F("allow_escaping_links", SG_F_BOOL, T, allow_escaping_links, NULL, 0),
};
SDESC(carch, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_image_load_settings
static const struct sg_field image_load_f[] = {
	F("allow_all_registries", SG_F_BOOL, T, allow_all_registries, NULL, 0),
	F("allow_official", SG_F_BOOL, T, allow_official, NULL, 0),
	F("allowed_registries", SG_F_STRLIST, T, allowed_registries, NULL, 0),
	F("allow_untagged", SG_F_BOOL, T, allow_untagged, NULL, 0),
};
SDESC(image_load, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_volume_settings
static const struct sg_field volume_f[] = {
	F("allow_custom_drivers", SG_F_BOOL, T, allow_custom_drivers, NULL, 0),
	F("allow_driver_opts", SG_F_BOOL, T, allow_driver_opts, NULL, 0),
};
SDESC(volume, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_network_settings
static const struct sg_field network_f[] = {
	F("allow_custom_drivers", SG_F_BOOL, T, allow_custom_drivers, NULL, 0),
	F("allow_swarm_scope", SG_F_BOOL, T, allow_swarm_scope, NULL, 0),
	F("allow_ingress", SG_F_BOOL, T, allow_ingress, NULL, 0),
	F("allow_attachable", SG_F_BOOL, T, allow_attachable, NULL, 0),
	F("allow_config_only", SG_F_BOOL, T, allow_config_only, NULL, 0),
	F("allow_config_from", SG_F_BOOL, T, allow_config_from, NULL, 0),
	F("allow_custom_ipam_drivers", SG_F_BOOL, T, allow_custom_ipam_drivers, NULL, 0),
	F("allow_custom_ipam_config", SG_F_BOOL, T, allow_custom_ipam_config, NULL, 0),
	F("allow_ipam_options", SG_F_BOOL, T, allow_ipam_options, NULL, 0),
	F("allow_driver_options", SG_F_BOOL, T, allow_driver_options, NULL, 0),
	F("allow_endpoint_config", SG_F_BOOL, T, allow_endpoint_config, NULL, 0),
	F("allow_disconnect_force", SG_F_BOOL, T, allow_disconnect_force, NULL, 0),
};
SDESC(network, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_driver_create_settings
static const struct sg_field drvcreate_f[] = {
	F("allow_custom_drivers", SG_F_BOOL, T, allow_custom_drivers, NULL, 0),
	F("allow_template_drivers", SG_F_BOOL, T, allow_template_drivers, NULL, 0),
};
SDESC(drvcreate, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_service_settings
static const struct sg_field service_f[] = {
	F("allow_host_network", SG_F_BOOL, T, allow_host_network, NULL, 0),
	F("allowed_bind_mounts", SG_F_STRLIST, T, allowed_bind_mounts, NULL, 0),
	F("allow_all_registries", SG_F_BOOL, T, allow_all_registries, NULL, 0),
	F("allow_official", SG_F_BOOL, T, allow_official, NULL, 0),
	F("allowed_registries", SG_F_STRLIST, T, allowed_registries, NULL, 0),
};
SDESC(service, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_swarm_settings
static const struct sg_field swarm_f[] = {
	F("allow_force_new_cluster", SG_F_BOOL, T, allow_force_new_cluster, NULL, 0),
	F("allow_external_ca", SG_F_BOOL, T, allow_external_ca, NULL, 0),
	F("allowed_join_remote_addrs", SG_F_STRLIST, T, allowed_join_remote_addrs, NULL, 0),
	F("allow_token_rotation", SG_F_BOOL, T, allow_token_rotation, NULL, 0),
	F("allow_manager_unlock_key_rotation", SG_F_BOOL, T, allow_manager_unlock_key_rotation, NULL, 0),
	F("allow_auto_lock_managers", SG_F_BOOL, T, allow_auto_lock_managers, NULL, 0),
	F("allow_signing_ca_update", SG_F_BOOL, T, allow_signing_ca_update, NULL, 0),
	F("allow_unlock", SG_F_BOOL, T, allow_unlock, NULL, 0),
};
SDESC(swarm, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_node_settings
static const struct sg_field node_f[] = {
	F("allow_name_change", SG_F_BOOL, T, allow_name_change, NULL, 0),
	F("allow_role_change", SG_F_BOOL, T, allow_role_change, NULL, 0),
	F("allow_availability_change", SG_F_BOOL, T, allow_availability_change, NULL, 0),
	F("allow_label_mutation", SG_F_BOOL, T, allow_label_mutation, NULL, 0),
	F("allowed_label_keys", SG_F_STRLIST, T, allowed_label_keys, NULL, 0),
};
SDESC(node, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_plugin_settings
static const struct sg_field plugin_f[] = {
	F("allow_host_network", SG_F_BOOL, T, allow_host_network, NULL, 0),
	F("allow_host_ipc", SG_F_BOOL, T, allow_host_ipc, NULL, 0),
	F("allow_host_pid", SG_F_BOOL, T, allow_host_pid, NULL, 0),
	F("allow_all_devices", SG_F_BOOL, T, allow_all_devices, NULL, 0),
	F("allowed_bind_mounts", SG_F_STRLIST, T, allowed_bind_mounts, NULL, 0),
	F("allowed_devices", SG_F_STRLIST, T, allowed_devices, NULL, 0),
	F("allow_all_capabilities", SG_F_BOOL, T, allow_all_capabilities, NULL, 0),
	F("allowed_capabilities", SG_F_STRLIST, T, allowed_capabilities, NULL, 0),
	F("allow_all_registries", SG_F_BOOL, T, allow_all_registries, NULL, 0),
	F("allow_official", SG_F_BOOL, T, allow_official, NULL, 0),
	F("allowed_registries", SG_F_STRLIST, T, allowed_registries, NULL, 0),
	F("allowed_set_env_prefixes", SG_F_STRLIST, T, allowed_set_env_prefixes, NULL, 0),
};
SDESC(plugin, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_inspect_settings
static const struct sg_field sg_inspect_settings_desc_f[] = {
	F("container_create", SG_F_STRUCT, T, container_create, &cc, 0),
	F("exec", SG_F_STRUCT, T, exec, &exec, 0),
	F("image_pull", SG_F_STRUCT, T, image_pull, &image_pull, 0),
	F("build", SG_F_STRUCT, T, build, &build, 0),
	F("container_update", SG_F_STRUCT, T, container_update, &cupd, 0),
	F("container_archive", SG_F_STRUCT, T, container_archive, &carch, 0),
	F("image_load", SG_F_STRUCT, T, image_load, &image_load, 0),
	F("volume", SG_F_STRUCT, T, volume, &volume, 0),
	F("network", SG_F_STRUCT, T, network, &network, 0),
	F("secret", SG_F_STRUCT, T, secret, &drvcreate, 0),
	F("config", SG_F_STRUCT, T, config, &drvcreate, 0),
	F("service", SG_F_STRUCT, T, service, &service, 0),
	F("swarm", SG_F_STRUCT, T, swarm, &swarm, 0),
	F("node", SG_F_STRUCT, T, node, &node, 0),
	F("plugin", SG_F_STRUCT, T, plugin, &plugin, 0),
};
DESC(sg_inspect_settings_desc, T, -1, -1, -1, NULL);
#undef T

/* ---- listen ------------------------------------------------------------- */

#define T struct sg_listen_tls_cfg
static const struct sg_field tls_f[] = {
	F("cert_file", SG_F_STR, T, cert_file, NULL, 0),
	F("key_file", SG_F_STR, T, key_file, NULL, 0),
	F("client_ca_file", SG_F_STR, T, client_ca_file, NULL, 0),
	F("common_names", SG_F_STRLIST, T, common_names, NULL, 0),
	F("dns_names", SG_F_STRLIST, T, dns_names, NULL, 0),
	F("ip_addresses", SG_F_STRLIST, T, ip_addresses, NULL, SG_FF_IPS),
	F("uri_sans", SG_F_STRLIST, T, uri_sans, NULL, SG_FF_URIS),
	F("public_key_sha256_pins", SG_F_STRLIST, T, public_key_sha256_pins, NULL, SG_FF_PINS),
};
SDESC(tls, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_listen_cfg
static const struct sg_field listen_f[] = {
	F("socket", SG_F_STR, T, socket, NULL, 0),
	F("socket_mode", SG_F_MODE, T, socket_mode, NULL, 0),
	F("address", SG_F_STR, T, address, NULL, 0),
	F("insecure_allow_plain_tcp", SG_F_BOOL, T, insecure_allow_plain_tcp, NULL, 0),
	F("insecure_allow_unauthenticated_clients", SG_F_BOOL, T, insecure_allow_unauthenticated_clients, NULL, 0),
	F("tls", SG_F_STRUCT, T, tls, &tls, 0),
};
SDESC(listen, T, -1, -1, -1, NULL);
#undef T

/* ---- upstream, log, response ------------------------------------------- */

#define T struct sg_upstream_cfg
static const struct sg_field upstream_f[] = {
	F("socket", SG_F_STR, T, socket, NULL, 0),
};
SDESC(upstream, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_audit_log_cfg
static const struct sg_field audit_f[] = {
	F("enabled", SG_F_BOOL, T, enabled, NULL, 0),
	F("format", SG_F_ENUM, T, format, log_formats, 0),
	F("output", SG_F_STR, T, output, NULL, 0),
};
SDESC(audit, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_log_cfg
static const struct sg_field logd_f[] = {
	F("level", SG_F_ENUM, T, level, log_levels, 0),
	F("format", SG_F_ENUM, T, format, log_formats, 0),
	F("output", SG_F_STR, T, output, NULL, 0),
	F("access_log", SG_F_BOOL, T, access_log, NULL, 0),
	F("audit", SG_F_STRUCT, T, audit, &audit, 0),
};
SDESC(logd, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_response_cfg
static const struct sg_field response_f[] = {
	F("deny_verbosity", SG_F_ENUM, T, deny_verbosity, deny_verbosities, 0),
	F("redact_container_env", SG_F_BOOL, T, redact_container_env, NULL, 0),
	F("redact_mount_paths", SG_F_BOOL, T, redact_mount_paths, NULL, 0),
	F("redact_network_topology", SG_F_BOOL, T, redact_network_topology, NULL, 0),
	F("redact_sensitive_data", SG_F_BOOL, T, redact_sensitive_data, NULL, 0),
	F("visible_resource_labels", SG_F_STRLIST, T, visible_resource_labels, NULL, 0),
	F("name_patterns", SG_F_STRLIST, T, name_patterns, NULL, 0),
	F("image_patterns", SG_F_STRLIST, T, image_patterns, NULL, 0),
};
SDESC(response, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_profile_response_cfg
static const struct sg_field presponse_f[] = {
	F("visible_resource_labels", SG_F_STRLIST, T, visible_resource_labels, NULL, 0),
	F("name_patterns", SG_F_STRLIST, T, name_patterns, NULL, 0),
	F("image_patterns", SG_F_STRLIST, T, image_patterns, NULL, 0),
};
SDESC(presponse, T, -1, -1, -1, NULL);
#undef T

/* ---- clients ------------------------------------------------------------ */

#define T struct sg_container_labels_cfg
static const struct sg_field clabels_f[] = {
	F("enabled", SG_F_BOOL, T, enabled, NULL, 0),
	F("label_prefix", SG_F_STR, T, label_prefix, NULL, 0),
};
SDESC(clabels, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_source_ip_profile_cfg
static const struct sg_field srcip_f[] = {
	F("profile", SG_F_STR, T, profile, NULL, 0),
	F("cidrs", SG_F_CIDRLIST, T, cidrs, NULL, 0),
};
SDESC(srcip, T, -1, offsetof(T, line), -1, NULL);
#undef T

#define T struct sg_cert_profile_cfg
static const struct sg_field certp_f[] = {
	F("profile", SG_F_STR, T, profile, NULL, 0),
	F("common_names", SG_F_STRLIST, T, common_names, NULL, 0),
	F("dns_names", SG_F_STRLIST, T, dns_names, NULL, 0),
	F("ip_addresses", SG_F_STRLIST, T, ip_addresses, NULL, SG_FF_IPS),
	F("uri_sans", SG_F_STRLIST, T, uri_sans, NULL, SG_FF_URIS),
	F("spiffe_ids", SG_F_STRLIST, T, spiffe_ids, NULL, SG_FF_URIS),
	F("public_key_sha256_pins", SG_F_STRLIST, T, public_key_sha256_pins, NULL, SG_FF_PINS),
};
SDESC(certp, T, -1, offsetof(T, line), -1, NULL);
#undef T

#define T struct sg_unix_peer_profile_cfg
static const struct sg_field unixp_f[] = {
	F("profile", SG_F_STR, T, profile, NULL, 0),
	F("uids", SG_F_U32LIST, T, uids, NULL, 0),
	F("gids", SG_F_U32LIST, T, gids, NULL, 0),
	F("pids", SG_F_I32LIST, T, pids, NULL, 0),
};
SDESC(unixp, T, -1, offsetof(T, line), -1, NULL);
#undef T

#define T struct sg_concurrency_cfg
static const struct sg_field conc_f[] = {
	F("max_inflight", SG_F_I64, T, max_inflight, NULL, 0),
};
SDESC(conc, T, offsetof(T, set), -1, -1, NULL);
#undef T

#define T struct sg_endpoint_cost_cfg
static const struct sg_field ecost_f[] = {
	F("path", SG_F_STR, T, path, NULL, 0),
	F("methods", SG_F_STRLIST, T, methods, NULL, SG_FF_UPPER),
	F("cost", SG_F_I64, T, cost, NULL, 0),
};
SDESC(ecost, T, -1, offsetof(T, line), -1, NULL);
#undef T

#define T struct sg_rate_limit_cfg
static const struct sg_field rate_f[] = {
	F("tokens_per_second", SG_F_DOUBLE, T, tokens_per_second, NULL, 0),
	F("burst", SG_F_DOUBLE, T, burst, NULL, 0),
	F("endpoint_costs", SG_F_LIST, T, endpoint_costs, &ecost, 0),
};
SDESC(rate, T, offsetof(T, set), -1, -1, NULL);
#undef T

#define T struct sg_limits_cfg
static const struct sg_field limits_f[] = {
	F("rate", SG_F_STRUCT, T, rate, &rate, 0),
	F("concurrency", SG_F_STRUCT, T, concurrency, &conc, 0),
	F("priority", SG_F_ENUM, T, priority, priorities, 0),
};
SDESC(limits, T, -1, -1, -1, NULL);
#undef T

static void profile_init(struct sg_config *c, void *elem)
{
	struct sg_profile_cfg *p = elem;
	(void)c;
	sg_inspect_settings_defaults(&p->request_body);
	p->mode = SG_MODE_ENFORCE;
	p->limits.priority = SG_PRIORITY_NORMAL;
}

#define T struct sg_profile_cfg
static const struct sg_field profile_f[] = {
	F("name", SG_F_STR, T, name, NULL, 0),
	F("mode", SG_F_ENUM, T, mode, profile_modes, 0),
	F("rules", SG_F_RULES, T, rules, NULL, 0),
	F("request_body", SG_F_STRUCT, T, request_body, &sg_inspect_settings_desc, 0),
	F("response", SG_F_STRUCT, T, response, &presponse, 0),
	F("limits", SG_F_STRUCT, T, limits, &limits, 0),
};
SDESC(profile, T, -1, offsetof(T, line), offsetof(T, column), profile_init);
#undef T

#define T struct sg_clients_cfg
static const struct sg_field clients_f[] = {
	F("allowed_cidrs", SG_F_CIDRLIST, T, allowed_cidrs, NULL, 0),
	F("container_labels", SG_F_STRUCT, T, container_labels, &clabels, 0),
	F("default_profile", SG_F_STR, T, default_profile, NULL, 0),
	F("source_ip_profiles", SG_F_LIST, T, source_ip_profiles, &srcip, 0),
	F("client_certificate_profiles", SG_F_LIST, T, client_certificate_profiles, &certp, 0),
	F("unix_peer_profiles", SG_F_LIST, T, unix_peer_profiles, &unixp, 0),
	F("global_concurrency", SG_F_STRUCT, T, global_concurrency, &conc, 0),
	F("profiles", SG_F_LIST, T, profiles, &profile, 0),
};
SDESC(clients, T, -1, -1, -1, NULL);
#undef T

/* ---- ownership .. policy_bundle, server --------------------------------- */

#define T struct sg_ownership_cfg
static const struct sg_field ownership_f[] = {
	F("owner", SG_F_STR, T, owner, NULL, 0),
	F("label_key", SG_F_STR, T, label_key, NULL, 0),
	F("allow_unowned_images", SG_F_BOOL, T, allow_unowned_images, NULL, 0),
};
SDESC(ownership, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_watchdog_cfg
static const struct sg_field watchdog_f[] = {
	F("enabled", SG_F_BOOL, T, enabled, NULL, 0),
	F("interval", SG_F_DUR, T, interval_ns, NULL, 0),
};
SDESC(watchdog, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_health_cfg
static const struct sg_field health_f[] = {
	F("enabled", SG_F_BOOL, T, enabled, NULL, 0),
	F("path", SG_F_STR, T, path, NULL, 0),
	F("watchdog", SG_F_STRUCT, T, watchdog, &watchdog, 0),
};
SDESC(health, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_metrics_cfg
static const struct sg_field metrics_f[] = {
	F("enabled", SG_F_BOOL, T, enabled, NULL, 0),
	F("path", SG_F_STR, T, path, NULL, 0),
};
SDESC(metrics, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_admin_cfg
static const struct sg_field admin_f[] = {
	F("enabled", SG_F_BOOL, T, enabled, NULL, 0),
	F("path", SG_F_STR, T, path, NULL, 0),
	F("policy_version_path", SG_F_STR, T, policy_version_path, NULL, 0),
	F("max_request_bytes", SG_F_I64, T, max_request_bytes, NULL, 0),
	F("listen", SG_F_STRUCT, T, listen, &listen, 0),
};
SDESC(admin, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_reload_cfg
static const struct sg_field reload_f[] = {
	F("enabled", SG_F_BOOL, T, enabled, NULL, 0),
	F("debounce", SG_F_DUR, T, debounce_ns, NULL, SG_FF_EMPTY_OK),
	F("poll_interval", SG_F_DUR, T, poll_interval_ns, NULL, SG_FF_EMPTY_OK),
};
SDESC(reload, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_signing_key_cfg
static const struct sg_field sigkey_f[] = {
	F("pem", SG_F_STR, T, pem, NULL, 0),
};
SDESC(sigkey, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_keyless_cfg
static const struct sg_field keyless_f[] = {
	F("issuer", SG_F_STR, T, issuer, NULL, 0),
	F("subject_pattern", SG_F_STR, T, subject_pattern, NULL, 0),
};
SDESC(keyless, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_policy_bundle_cfg
static const struct sg_field bundle_f[] = {
	F("enabled", SG_F_BOOL, T, enabled, NULL, 0),
	F("signature_path", SG_F_STR, T, signature_path, NULL, 0),
	F("allowed_signing_keys", SG_F_LIST, T, allowed_signing_keys, &sigkey, 0),
	F("allowed_keyless", SG_F_LIST, T, allowed_keyless, &keyless, 0),
	F("require_rekor_inclusion", SG_F_BOOL, T, require_rekor_inclusion, NULL, 0),
	F("verify_timeout", SG_F_DUR, T, verify_timeout_ns, NULL, SG_FF_EMPTY_OK),
};
SDESC(bundle, T, -1, -1, -1, NULL);
#undef T

#define T struct sg_server_cfg
static const struct sg_field server_f[] = {
	F("header_read_timeout", SG_F_DUR, T, header_read_timeout_ns, NULL, 0),
	F("idle_timeout", SG_F_DUR, T, idle_timeout_ns, NULL, 0),
	F("max_connections", SG_F_I64, T, max_connections, NULL, 0),
	F("max_header_bytes", SG_F_I64, T, max_header_bytes, NULL, 0),
};
SDESC(server, T, -1, -1, -1, NULL);
#undef T

/* ---- root --------------------------------------------------------------- */

#define T struct sg_config
static const struct sg_field sg_config_root_desc_f[] = {
	F("listen", SG_F_STRUCT, T, listen, &listen, 0),
	F("upstream", SG_F_STRUCT, T, upstream, &upstream, 0),
	F("log", SG_F_STRUCT, T, log, &logd, 0),
	F("response", SG_F_STRUCT, T, response, &response, 0),
	F("request_body", SG_F_STRUCT, T, request_body, &sg_inspect_settings_desc, 0),
	F("clients", SG_F_STRUCT, T, clients, &clients, 0),
	F("ownership", SG_F_STRUCT, T, ownership, &ownership, 0),
	F("health", SG_F_STRUCT, T, health, &health, 0),
	F("metrics", SG_F_STRUCT, T, metrics, &metrics, 0),
	F("admin", SG_F_STRUCT, T, admin, &admin, 0),
	F("reload", SG_F_STRUCT, T, reload, &reload, 0),
	F("policy_bundle", SG_F_STRUCT, T, policy_bundle, &bundle, 0),
	F("rules", SG_F_RULES, T, rules, NULL, 0),
	F("insecure_allow_body_blind_writes", SG_F_BOOL, T, insecure_allow_body_blind_writes, NULL, 0),
	F("insecure_allow_read_exfiltration", SG_F_BOOL, T, insecure_allow_read_exfiltration, NULL, 0),
	F("workers", SG_F_INT, T, workers, NULL, 0),
	F("server", SG_F_STRUCT, T, server, &server, 0),
};
DESC(sg_config_root_desc, T, -1, -1, -1, NULL);
#undef T
