/* policy/config_defaults.c — the built-in configuration (spec 002 defaults).
 *
 * Values are the Go original's Defaults(): loopback TCP listener, minimal
 * deny bodies, every redaction on, health on, metrics/admin/reload off,
 * and the default rule set (ping, version, events, then deny all). */
#include <string.h>

#include "policy/config_internal.h"

void sg_rule_push(struct sg_config *c, struct sg_rule_list *l, const char *method, const char *path,
		  enum sg_rule_action action, const char *reason)
{
	struct sg_rule_cfg *r = sg_cfg_list_push(c, l, sizeof(*r));
	r->method = sg_cfg_strdup(c, method);
	r->path = sg_cfg_strdup(c, path);
	r->action = action;
	r->reason = reason ? sg_cfg_strdup(c, reason) : NULL;
}

/* The Go original's Defaults().Rules, in order. */
void sg_config_default_rules(struct sg_config *c, struct sg_rule_list *out)
{
	out->items = NULL;
	out->count = 0;
	sg_rule_push(c, out, "GET", "/_ping", SG_RULE_ALLOW, NULL);
	sg_rule_push(c, out, "HEAD", "/_ping", SG_RULE_ALLOW, NULL);
	sg_rule_push(c, out, "GET", "/version", SG_RULE_ALLOW, NULL);
	sg_rule_push(c, out, "GET", "/events", SG_RULE_ALLOW, NULL);
	sg_rule_push(c, out, "*", "/**", SG_RULE_DENY, "no matching allow rule");
}

void sg_config_defaults_into(struct sg_config *c)
{
	c->listen.address = sg_cfg_strdup(c, "127.0.0.1:2375");
	c->listen.socket_mode = 0600;
	c->upstream.socket = sg_cfg_strdup(c, "/var/run/docker.sock");

	c->log.level = SG_LOG_INFO;
	c->log.format = SG_LOG_FORMAT_JSON;
	c->log.output = sg_cfg_strdup(c, "stderr");
	c->log.access_log = true;
	c->log.audit.enabled = false;
	c->log.audit.format = SG_LOG_FORMAT_JSON;
	c->log.audit.output = sg_cfg_strdup(c, "stderr");

	c->response.deny_verbosity = SG_DENY_MINIMAL;
	c->response.redact_container_env = true;
	c->response.redact_mount_paths = true;
	c->response.redact_network_topology = true;
	c->response.redact_sensitive_data = true;

	sg_inspect_settings_defaults(&c->request_body);

	c->clients.container_labels.label_prefix = sg_cfg_strdup(c, "com.sockguard.allow.");

	c->ownership.label_key = sg_cfg_strdup(c, "com.sockguard.owner");
	c->ownership.allow_unowned_images = true;

	c->health.enabled = true;
	c->health.path = sg_cfg_strdup(c, "/health");
	c->health.watchdog.interval_ns = 5LL * 1000000000LL;

	c->metrics.path = sg_cfg_strdup(c, "/metrics");

	c->admin.path = sg_cfg_strdup(c, "/admin/validate");
	c->admin.policy_version_path = sg_cfg_strdup(c, "/admin/policy/version");
	c->admin.max_request_bytes = 524288;
	c->admin.listen.socket_mode = 0600;

	c->reload.debounce_ns = 250LL * 1000000LL;
	c->policy_bundle.require_rekor_inclusion = true;

	c->server.header_read_timeout_ns = 10LL * 1000000000LL;
	c->server.idle_timeout_ns = 120LL * 1000000000LL;
	c->server.max_connections = 32768;
	c->server.max_header_bytes = 64 * 1024;

	sg_config_default_rules(c, &c->rules);
	c->rules_source = SG_SRC_DEFAULT;
}

void sg_config_init_defaults(struct sg_config *c)
{
	memset(c, 0, sizeof(*c));
	sg_config_defaults_into(c);
}
