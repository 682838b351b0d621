/* policy/config_types.h — the configuration schema as typed C fields.
 *
 * One struct per YAML mapping of the configuration reference (spec 002), in
 * the same nesting, with the same names (YAML `listen.tls.cert_file` is
 * `cfg.listen.tls.cert_file`). Types only: the API is policy/config.h.
 *
 * Conventions:
 *   - strings are `char *`, NULL when unset; lists are (items, count);
 *   - durations are int64 nanoseconds (Go duration syntax in YAML/env);
 *     0 means "off" where the spec allows an empty string;
 *   - every byte is owned by the configuration (struct sg_config_pool) and
 *     released by sg_config_free(); nothing here is touched per request.
 *
 * Fields marked "(ours)" are extensions of this implementation; they are
 * documented in docs/configuration.md. */
#ifndef SG_POLICY_CONFIG_TYPES_H
#define SG_POLICY_CONFIG_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/settings.h"
#include "policy/rule_types.h"

/* ---- small value types -------------------------------------------------- */

/* struct sg_str_list comes from inspect/settings.h (one definition). */

/* An address with a prefix length: "10.0.0.0/8", "fd00::/8". An IPv4
 * network is stored as family 4 with the address in addr[0..3]. */
struct sg_cidr {
	uint8_t family;			/* 4 or 6 */
	uint8_t prefix;			/* 0..32 or 0..128 */
	uint8_t addr[16];		/* network order, host bits cleared */
};

struct sg_cidr_list {
	struct sg_cidr *items;
	size_t count;
};

struct sg_u32_list {
	uint32_t *items;
	size_t count;
};

struct sg_i32_list {
	int32_t *items;
	size_t count;
};

/* ---- listen ------------------------------------------------------------- */

/* listen.tls (and admin.listen.tls): mTLS material plus the client-leaf
 * selectors. Different selector fields are ANDed, entries inside one ORed. */
struct sg_listen_tls_cfg {
	char *cert_file;
	char *key_file;
	char *client_ca_file;
	struct sg_str_list common_names;
	struct sg_str_list dns_names;
	struct sg_str_list ip_addresses;
	struct sg_str_list uri_sans;
	struct sg_str_list public_key_sha256_pins;	/* normalized: 64 lowercase hex, no "sha256:" */
};

struct sg_listen_cfg {
	char *socket;			/* unix listener path; NULL = TCP */
	uint32_t socket_mode;		/* must be 0600 */
	char *address;			/* "127.0.0.1:2375" */
	bool insecure_allow_plain_tcp;
	bool insecure_allow_unauthenticated_clients;
	struct sg_listen_tls_cfg tls;
};

/* ---- upstream, log ------------------------------------------------------ */

struct sg_upstream_cfg {
	char *socket;			/* "/var/run/docker.sock" */
};

enum sg_log_level { SG_LOG_DEBUG = 0, SG_LOG_INFO, SG_LOG_WARN, SG_LOG_ERROR };
enum sg_log_format { SG_LOG_FORMAT_JSON = 0, SG_LOG_FORMAT_TEXT };

struct sg_audit_log_cfg {
	bool enabled;
	enum sg_log_format format;	/* only json is accepted (spec) */
	char *output;			/* "stderr", "stdout" or "file:/abs" / "/abs" */
};

struct sg_log_cfg {
	enum sg_log_level level;
	enum sg_log_format format;
	char *output;			/* "stderr", "stdout" or a file path */
	bool access_log;
	struct sg_audit_log_cfg audit;
};

/* ---- response ----------------------------------------------------------- */

enum sg_deny_verbosity { SG_DENY_MINIMAL = 0, SG_DENY_VERBOSE };

struct sg_response_cfg {
	enum sg_deny_verbosity deny_verbosity;
	bool redact_container_env;
	bool redact_mount_paths;
	bool redact_network_topology;
	bool redact_sensitive_data;
	struct sg_str_list visible_resource_labels;	/* "key" or "key=value" */
	struct sg_str_list name_patterns;		/* rule glob dialect */
	struct sg_str_list image_patterns;
};

/* clients.profiles[].response: the read-side selectors only (additive with
 * the root response selectors). */
struct sg_profile_response_cfg {
	struct sg_str_list visible_resource_labels;
	struct sg_str_list name_patterns;
	struct sg_str_list image_patterns;
};

/* ---- clients ------------------------------------------------------------ */

struct sg_container_labels_cfg {
	bool enabled;
	char *label_prefix;		/* "com.sockguard.allow." */
};

struct sg_source_ip_profile_cfg {
	char *profile;
	struct sg_cidr_list cidrs;
	int line;			/* 1-based YAML line of the entry; 0 = not from YAML */
};

struct sg_cert_profile_cfg {
	char *profile;
	struct sg_str_list common_names;
	struct sg_str_list dns_names;
	struct sg_str_list ip_addresses;
	struct sg_str_list uri_sans;
	struct sg_str_list spiffe_ids;
	struct sg_str_list public_key_sha256_pins;	/* normalized like listen.tls */
	int line;
};

struct sg_unix_peer_profile_cfg {
	char *profile;
	struct sg_u32_list uids;
	struct sg_u32_list gids;
	struct sg_i32_list pids;
	int line;
};

enum sg_profile_mode { SG_MODE_ENFORCE = 0, SG_MODE_WARN, SG_MODE_AUDIT };
enum sg_priority { SG_PRIORITY_NORMAL = 0, SG_PRIORITY_LOW, SG_PRIORITY_HIGH };

struct sg_endpoint_cost_cfg {
	char *path;			/* rule glob dialect, canonical path */
	struct sg_str_list methods;	/* upper-cased; empty = all methods */
	int64_t cost;			/* 1..effective burst */
	int line;
};

struct sg_rate_limit_cfg {
	bool set;			/* `rate:` block present */
	double tokens_per_second;	/* > 0 */
	double burst;			/* 0 = default (tokens_per_second) */
	struct sg_endpoint_cost_cfg *endpoint_costs;
	size_t endpoint_cost_count;
};

struct sg_concurrency_cfg {
	bool set;			/* `concurrency:` block present */
	int64_t max_inflight;		/* > 0 */
};

struct sg_limits_cfg {
	struct sg_rate_limit_cfg rate;
	struct sg_concurrency_cfg concurrency;
	enum sg_priority priority;	/* default normal */
};

struct sg_profile_cfg {
	char *name;
	enum sg_profile_mode mode;
	struct sg_rule_list rules;
	struct sg_inspect_settings request_body;	/* defaults, then the profile's own values */
	struct sg_profile_response_cfg response;
	struct sg_limits_cfg limits;
	int line, column;		/* where the entry starts (1-based; 0 = not from YAML) */
};

struct sg_clients_cfg {
	struct sg_cidr_list allowed_cidrs;	/* empty = all allowed */
	struct sg_container_labels_cfg container_labels;
	char *default_profile;
	struct sg_source_ip_profile_cfg *source_ip_profiles;
	size_t source_ip_profile_count;
	struct sg_cert_profile_cfg *client_certificate_profiles;
	size_t client_certificate_profile_count;
	struct sg_unix_peer_profile_cfg *unix_peer_profiles;
	size_t unix_peer_profile_count;
	struct sg_concurrency_cfg global_concurrency;	/* .set = configured */
	struct sg_profile_cfg *profiles;
	size_t profile_count;
};

/* ---- ownership, health, metrics, admin, reload, policy_bundle ----------- */

struct sg_ownership_cfg {
	char *owner;			/* NULL/empty = ownership isolation off */
	char *label_key;		/* "com.sockguard.owner" */
	bool allow_unowned_images;	/* default true */
};

struct sg_watchdog_cfg {
	bool enabled;
	int64_t interval_ns;		/* default 5s; must be > 0 */
};

struct sg_health_cfg {
	bool enabled;			/* default true */
	char *path;			/* "/health" */
	struct sg_watchdog_cfg watchdog;
};

struct sg_metrics_cfg {
	bool enabled;
	char *path;			/* "/metrics" */
};

struct sg_admin_cfg {
	bool enabled;
	char *path;			/* "/admin/validate" */
	char *policy_version_path;	/* "/admin/policy/version" */
	int64_t max_request_bytes;	/* 524288 */
	struct sg_listen_cfg listen;	/* socket/address both NULL = ride the main listener */
};

struct sg_reload_cfg {
	bool enabled;
	int64_t debounce_ns;		/* default 250ms; >= 0 */
	int64_t poll_interval_ns;	/* 0 ("") = off */
};

struct sg_signing_key_cfg {
	char *pem;
};

struct sg_keyless_cfg {
	char *issuer;
	char *subject_pattern;
};

struct sg_policy_bundle_cfg {
	bool enabled;
	char *signature_path;
	struct sg_signing_key_cfg *allowed_signing_keys;
	size_t allowed_signing_key_count;
	struct sg_keyless_cfg *allowed_keyless;
	size_t allowed_keyless_count;
	bool require_rekor_inclusion;	/* default true */
	int64_t verify_timeout_ns;	/* 0 = unset (verifier default 10s) */
};

/* server: data-plane knobs (ours; the Go original hard-codes these). */
struct sg_server_cfg {
	int64_t header_read_timeout_ns;	/* default 10s: whole request head must arrive */
	int64_t idle_timeout_ns;	/* default 120s: keep-alive idle between requests */
	int64_t max_connections;	/* default 32768 per process; excess accepts are closed */
	int64_t max_header_bytes;	/* default 64 KiB; larger heads get 431 */
};

/* Where a value came from (for error messages and `validate` output). */
enum sg_config_source { SG_SRC_DEFAULT = 0, SG_SRC_FILE, SG_SRC_ENV, SG_SRC_COMPAT, SG_SRC_CLI };

struct sg_config_pool;		/* owner of every allocation below (config_pool.c) */
struct sg_config_prov;		/* key path -> file:line:col / env var (config_prov.c) */

/* ---- the whole configuration -------------------------------------------- */

struct sg_config {
	struct sg_listen_cfg listen;
	struct sg_upstream_cfg upstream;
	struct sg_log_cfg log;
	struct sg_response_cfg response;
	struct sg_inspect_settings request_body;
	struct sg_clients_cfg clients;
	struct sg_ownership_cfg ownership;
	struct sg_health_cfg health;
	struct sg_metrics_cfg metrics;
	struct sg_admin_cfg admin;
	struct sg_reload_cfg reload;
	struct sg_policy_bundle_cfg policy_bundle;
	struct sg_rule_list rules;
	bool insecure_allow_body_blind_writes;
	bool insecure_allow_read_exfiltration;

	/* ours */
	int workers;			/* 0 = one per online CPU (SOCKGUARD_WORKERS) */
	struct sg_server_cfg server;

	/* provenance */
	char *path;			/* the YAML file read, or NULL */
	bool file_loaded;		/* a YAML document was read */
	enum sg_config_source rules_source;	/* DEFAULT, FILE, ENV or COMPAT */
	bool compat_active;		/* Tecnativa/LinuxServer env generated the rules */
	bool compat_needs_read_exfiltration;	/* a generated rule exposes archive/log/attach reads */

	struct sg_config_pool *pool;
	struct sg_config_prov *prov;
};

/* Bounded error list: every message is "WHERE: KEY.PATH: reason" with WHERE
 * one of "FILE:LINE:COL", "env SOCKGUARD_X", "flag --x" or "config". */
#define SG_CONFIG_MAX_ERRORS 64
#define SG_CONFIG_ERROR_LEN 320

struct sg_config_errors {
	size_t count;			/* stored messages (<= SG_CONFIG_MAX_ERRORS) */
	size_t dropped;			/* further errors not stored */
	char msg[SG_CONFIG_MAX_ERRORS][SG_CONFIG_ERROR_LEN];
};

#endif
