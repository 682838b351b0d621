/* inspect/settings.h — the `request_body:` section of the configuration.
 *
 * One sub-struct per YAML group; every field is named exactly as its YAML
 * key (request_body.<group>.<field>). The config loader (policy/config*.c)
 * embeds a struct sg_inspect_settings per profile, calls
 * sg_inspect_settings_defaults() first, then overlays YAML and env values.
 *
 * Ownership: every string and list here is owned by whoever filled it (the
 * config object); inspectors only read. Strings are NUL-terminated C strings
 * because they come from configuration, not from requests.
 *
 * This header includes only system headers (type header, HAProxy-style). */
#ifndef SG_INSPECT_SETTINGS_H
#define SG_INSPECT_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A list of strings (YAML sequence or comma-separated env value). */
struct sg_str_list {
	char **items;
	size_t count;
};

/* A list of string lists: exec.allowed_commands (argv templates) and
 * allowed_device_requests[].allowed_capabilities (capability sets). */
struct sg_str_list_list {
	struct sg_str_list *items;
	size_t count;
};

/* request_body.container_create.allowed_device_requests[] */
struct sg_device_request_rule {
	char *driver;				/* required; exact match, ASCII case-insensitive */
	struct sg_str_list_list allowed_capabilities;	/* each request set must be a subset of one */
	bool max_count_set;			/* false: `max_count` omitted = any count */
	int64_t max_count;			/* -1 = all devices; request Count -1 needs -1 here */
};

struct sg_device_request_rules {
	struct sg_device_request_rule *items;
	size_t count;
};

/* request_body.container_create.image_trust */
enum sg_image_trust_mode {
	SG_IMAGE_TRUST_OFF = 0,			/* "off" (default) */
	SG_IMAGE_TRUST_WARN,			/* "warn": log failures, allow */
	SG_IMAGE_TRUST_ENFORCE,			/* "enforce": deny on failure */
};

struct sg_keyless_identity {
	char *issuer;				/* exact OIDC issuer URL */
	char *subject_pattern;			/* regex matched against the cert SAN */
};

struct sg_keyless_identities {
	struct sg_keyless_identity *items;
	size_t count;
};

struct sg_image_trust_settings {
	enum sg_image_trust_mode mode;
	struct sg_str_list allowed_signing_keys;	/* PEM text of each entry's `pem:` */
	struct sg_keyless_identities allowed_keyless;
	bool require_rekor_inclusion;
	uint32_t verify_timeout_ms;		/* verify_timeout, default 10s */
};

struct sg_container_create_settings {
	bool allow_privileged;
	bool allow_host_network;
	bool allow_host_pid;
	bool allow_host_ipc;
	struct sg_str_list allowed_bind_mounts;	/* host-path prefixes (segment-wise) */
	bool allow_all_devices;
	struct sg_str_list allowed_devices;	/* HostConfig.Devices PathOnHost */
	bool allow_device_requests;		/* escape hatch: skip DeviceRequests inspection */
	struct sg_device_request_rules allowed_device_requests;
	bool allow_device_cgroup_rules;		/* escape hatch */
	struct sg_str_list allowed_device_cgroup_rules;	/* "<type> <major>:<minor> <perms>" */
	bool require_no_new_privileges;
	bool require_non_root_user;
	bool require_readonly_rootfs;
	bool require_drop_all_capabilities;
	bool allow_all_capabilities;
	struct sg_str_list allowed_capabilities;	/* CAP_ prefix optional, case-insensitive */
	bool require_memory_limit;
	bool require_cpu_limit;
	bool require_pids_limit;
	struct sg_str_list allowed_seccomp_profiles;
	bool deny_unconfined_seccomp;
	struct sg_str_list allowed_apparmor_profiles;
	bool deny_unconfined_apparmor;
	bool allow_host_userns;
	bool allow_sysctls;
	struct sg_str_list required_labels;
	struct sg_image_trust_settings image_trust;
};

struct sg_exec_settings {
	bool allow_privileged;
	bool allow_root_user;
	struct sg_str_list_list allowed_commands;	/* argv templates of globs */
};

struct sg_image_pull_settings {
	bool allow_imports;
	bool allow_all_registries;
	bool allow_official;			/* default true */
	struct sg_str_list allowed_registries;
};

struct sg_build_settings {
	bool allow_remote_context;
	bool allow_host_network;
	bool allow_run_instructions;
};

struct sg_container_update_settings {
	bool allow_privileged;
	bool allow_all_devices;
	bool allow_capabilities;
	bool allow_resource_updates;
	bool allow_restart_policy;
};

struct sg_container_archive_settings {
	struct sg_str_list allowed_paths;
	bool allow_setid;
	bool allow_device_nodes;
	bool allow_escaping_links;
};

struct sg_image_load_settings {
	bool allow_all_registries;
	bool allow_official;			/* default true */
	struct sg_str_list allowed_registries;
	bool allow_untagged;
};

struct sg_volume_settings {
	bool allow_custom_drivers;
	bool allow_driver_opts;
};

struct sg_network_settings {
	bool allow_custom_drivers;
	bool allow_swarm_scope;
	bool allow_ingress;
	bool allow_attachable;
	bool allow_config_only;
	bool allow_config_from;
	bool allow_custom_ipam_drivers;
	bool allow_custom_ipam_config;
	bool allow_ipam_options;
	bool allow_driver_options;
	bool allow_endpoint_config;
	bool allow_disconnect_force;
};

/* request_body.secret and request_body.config share one shape. */
struct sg_driver_create_settings {
	bool allow_custom_drivers;
	bool allow_template_drivers;
};

struct sg_service_settings {
	bool allow_host_network;
	struct sg_str_list allowed_bind_mounts;
	bool allow_all_registries;
	bool allow_official;			/* default true */
	struct sg_str_list allowed_registries;
};

struct sg_swarm_settings {
	bool allow_force_new_cluster;
	bool allow_external_ca;
	struct sg_str_list allowed_join_remote_addrs;	/* "host:port" */
	bool allow_token_rotation;
	bool allow_manager_unlock_key_rotation;
	bool allow_auto_lock_managers;
	bool allow_signing_ca_update;
	bool allow_unlock;
};

struct sg_node_settings {
	bool allow_name_change;
	bool allow_role_change;
	bool allow_availability_change;
	bool allow_label_mutation;
	struct sg_str_list allowed_label_keys;
};

struct sg_plugin_settings {
	bool allow_host_network;
	bool allow_host_ipc;
	bool allow_host_pid;
	bool allow_all_devices;
	struct sg_str_list allowed_bind_mounts;
	struct sg_str_list allowed_devices;
	bool allow_all_capabilities;
	struct sg_str_list allowed_capabilities;
	bool allow_all_registries;
	bool allow_official;			/* default true */
	struct sg_str_list allowed_registries;
	struct sg_str_list allowed_set_env_prefixes;	/* "KEY=" prefixes */
};

/* request_body: (one per profile, plus the root-level fallback). */
struct sg_inspect_settings {
	struct sg_container_create_settings container_create;
	struct sg_exec_settings exec;
	struct sg_image_pull_settings image_pull;
	struct sg_build_settings build;
	struct sg_container_update_settings container_update;
	struct sg_container_archive_settings container_archive;
	struct sg_image_load_settings image_load;
	struct sg_volume_settings volume;
	struct sg_network_settings network;
	struct sg_driver_create_settings secret;
	struct sg_driver_create_settings config;
	struct sg_service_settings service;
	struct sg_swarm_settings swarm;
	struct sg_node_settings node;
	struct sg_plugin_settings plugin;

	/* Not under request_body: facts from elsewhere in the config that
	 * inspectors need. The loader copies the pointer (config-owned). */
	const char *owner_label_key;		/* ownership.label_key (node label claims); NULL = none */
};

/* Spec defaults: everything false/empty except the three allow_official
 * (image_pull, image_load, service, plugin: true), image_trust.mode off and
 * verify_timeout 10 s. Does not free anything already in *s. */
void sg_inspect_settings_defaults(struct sg_inspect_settings *s);

#endif
