/* policy/config_validate.c — cross-field validation (fail closed).
 *
 * Per-value checks (types, durations, CIDRs, pins, rule syntax) happen
 * while parsing; this file checks what needs the whole picture: listener
 * safety, endpoint path collisions, profile references, rate-limit
 * invariants. Each error points at the value to edit (its provenance). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config_internal.h"

#define E(path, ...) sg_cfg_err_path(c, errs, path, __VA_ARGS__)

static bool empty(const char *s) { return !s || !*s; }

/* Split "host:port" / "[v6]:port" / ":port". Returns 0 on success. */
static int split_hostport(const char *addr, char *host, size_t hcap, long *port)
{
	const char *colon;
	if (addr[0] == '[') {
		const char *rb = strchr(addr, ']');
		if (!rb || rb[1] != ':')
			return -1;
		size_t n = (size_t)(rb - addr - 1);
		if (n >= hcap)
			return -1;
		memcpy(host, addr + 1, n);
		host[n] = '\0';
		colon = rb + 1;
	} else {
		colon = strrchr(addr, ':');
		if (!colon)
			return -1;
		size_t n = (size_t)(colon - addr);
		if (n >= hcap || memchr(addr, ':', n))
			return -1;	/* bare IPv6 without brackets */
		memcpy(host, addr, n);
		host[n] = '\0';
	}
	const char *p = colon + 1;
	if (!*p || strlen(p) > 5)
		return -1;
	char *end;
	long v = strtol(p, &end, 10);
	if (*end || v < 0 || v > 65535 || !isdigit((unsigned char)*p))
		return -1;
	*port = v;
	return 0;
}

static bool host_is_loopback(const char *host)
{
	unsigned char a[16];
	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, host, a) == 1) {
		static const unsigned char one[16] = { [15] = 1 };
		return memcmp(a, one, 16) == 0;
	}
	return false;	/* empty host, 0.0.0.0, names: treat as exposed */
}

static bool tls_configured(const struct sg_listen_tls_cfg *t)
{
	return !empty(t->cert_file) || !empty(t->key_file) || !empty(t->client_ca_file);
}

static bool tls_has_selectors(const struct sg_listen_tls_cfg *t)
{
	return t->common_names.count || t->dns_names.count || t->ip_addresses.count || t->uri_sans.count ||
	       t->public_key_sha256_pins.count;
}

static void validate_listener(const struct sg_config *c, const struct sg_listen_cfg *l, const char *pfx,
			      bool required, struct sg_config_errors *errs)
{
	char p[96];
#define P(key) (sg_cfg_keyf(p, sizeof(p), "%s.%s", pfx, key), p)
	if (l->socket_mode != 0600)
		E(P("socket_mode"), "must be 0600 (got %04o); broader unix socket modes are refused",
		  (unsigned)l->socket_mode);
	if (!empty(l->socket) && l->socket[0] != '/')
		E(P("socket"), "must be an absolute path");

	const struct sg_listen_tls_cfg *t = &l->tls;
	bool tls = tls_configured(t);
	if (tls) {
		if (empty(t->cert_file))
			E(P("tls.cert_file"), "is required when listen TLS is configured");
		if (empty(t->key_file))
			E(P("tls.key_file"), "is required when listen TLS is configured");
		if (empty(t->client_ca_file))
			E(P("tls.client_ca_file"), "is required: the TLS listener only accepts mutual TLS");
	} else if (tls_has_selectors(t)) {
		E(P("tls"), "client certificate selectors need tls.cert_file, tls.key_file and tls.client_ca_file");
	}

	if (!empty(l->socket))
		return;	/* unix listener: the TCP address is not used */
	if (empty(l->address)) {
		if (required)
			E(P("address"), "one of listen.socket or listen.address is required");
		return;
	}
	char host[256];
	long port;
	if (split_hostport(l->address, host, sizeof(host), &port)) {
		E(P("address"), "invalid address \"%.64s\" (want host:port)", l->address);
		return;
	}
	bool a1 = l->insecure_allow_plain_tcp, a2 = l->insecure_allow_unauthenticated_clients;
	if (a1 != a2)
		E(P(a1 ? "insecure_allow_unauthenticated_clients" : "insecure_allow_plain_tcp"),
		  "must also be true: plaintext non-loopback TCP needs both insecure_allow_plain_tcp and insecure_allow_unauthenticated_clients");
	if (!tls && !host_is_loopback(host) && !(a1 && a2))
		E(P("address"),
		  "non-loopback address \"%.64s\" needs listen.tls (mutual TLS) or both insecure_allow_plain_tcp and insecure_allow_unauthenticated_clients",
		  l->address);
#undef P
}

static void validate_output(const struct sg_config *c, const char *path, const char *out,
			    struct sg_config_errors *errs)
{
	if (empty(out) || !strcmp(out, "stderr") || !strcmp(out, "stdout"))
		return;
	const char *f = strncmp(out, "file:", 5) == 0 ? out + 5 : out;
	if (f[0] != '/')
		E(path, "must be stderr, stdout, or an absolute file path (file:/path)");
}

struct endpoint {
	const char *path, *key;
};

static void validate_endpoints(const struct sg_config *c, struct sg_config_errors *errs)
{
	struct endpoint eps[4];
	size_t n = 0;
	if (c->health.enabled)
		eps[n++] = (struct endpoint){ c->health.path, "health.path" };
	if (c->metrics.enabled)
		eps[n++] = (struct endpoint){ c->metrics.path, "metrics.path" };
	if (c->admin.enabled) {
		eps[n++] = (struct endpoint){ c->admin.path, "admin.path" };
		eps[n++] = (struct endpoint){ c->admin.policy_version_path, "admin.policy_version_path" };
	}
	for (size_t i = 0; i < n; i++) {
		if (empty(eps[i].path) || eps[i].path[0] != '/') {
			E(eps[i].key, "must start with /");
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (eps[j].path && strcmp(eps[i].path, eps[j].path) == 0)
				E(eps[i].key, "\"%.64s\" collides with %s", eps[i].path, eps[j].key);
	}
	if (c->admin.enabled && c->admin.max_request_bytes <= 0)
		E("admin.max_request_bytes", "must be > 0");
	if (c->health.watchdog.enabled && c->health.watchdog.interval_ns <= 0)
		E("health.watchdog.interval", "must be a positive duration");
	if (c->reload.debounce_ns < 0)
		E("reload.debounce", "must be >= 0");
	if (c->reload.poll_interval_ns < 0)
		E("reload.poll_interval", "must be >= 0");
	if (!empty(c->admin.listen.socket) || !empty(c->admin.listen.address))
		validate_listener(c, &c->admin.listen, "admin.listen", false, errs);
	else if (c->admin.listen.socket_mode != 0600)
		E("admin.listen.socket_mode", "must be 0600");
}

static bool glob_path_ok(const char *p)
{
	return p && p[0] == '/' && !strchr(p, '%');
}

static void validate_limits(const struct sg_config *c, const struct sg_limits_cfg *l, const char *pfx,
			    struct sg_config_errors *errs)
{
	char p[160];
	const struct sg_rate_limit_cfg *r = &l->rate;
	if (r->set) {
		sg_cfg_keyf(p, sizeof(p), "%s.rate.tokens_per_second", pfx);
		if (!(r->tokens_per_second > 0))
			E(p, "must be > 0");
		sg_cfg_keyf(p, sizeof(p), "%s.rate.burst", pfx);
		if (r->burst != 0 && r->burst < r->tokens_per_second)
			E(p, "must be >= tokens_per_second (%g) or 0 for the default", r->tokens_per_second);
		if (r->burst < 0)
			E(p, "must not be negative");
		double eff = r->burst > 0 ? r->burst : r->tokens_per_second;
		for (size_t i = 0; i < r->endpoint_cost_count; i++) {
			const struct sg_endpoint_cost_cfg *ec = &r->endpoint_costs[i];
			sg_cfg_keyf(p, sizeof(p), "%s.rate.endpoint_costs[%zu].path", pfx, i);
			if (empty(ec->path))
				E(p, "is required");
			else if (!glob_path_ok(ec->path))
				E(p, "\"%.64s\" must start with / and must not contain %%", ec->path);
			sg_cfg_keyf(p, sizeof(p), "%s.rate.endpoint_costs[%zu].cost", pfx, i);
			if (ec->cost < 1)
				E(p, "must be >= 1");
			else if ((double)ec->cost > eff)
				E(p, "%lld exceeds the effective burst %g: such a request could never be admitted",
				  (long long)ec->cost, eff);
		}
	}
	if (l->concurrency.set && l->concurrency.max_inflight <= 0) {
		sg_cfg_keyf(p, sizeof(p), "%s.concurrency.max_inflight", pfx);
		E(p, "must be > 0");
	}
}

static bool nonblank(const char *s);

/* Docker label selectors: "key" or "key=value", key non-empty. */
static void validate_selectors(const struct sg_config *c, const char *pfx, const struct sg_str_list *labels,
			       const struct sg_str_list *names, const struct sg_str_list *images,
			       struct sg_config_errors *errs)
{
	char p[160];
	for (size_t i = 0; i < labels->count; i++) {
		const char *l = labels->items[i];
		const char *eq = strchr(l, '=');
		sg_cfg_keyf(p, sizeof(p), "%s.visible_resource_labels[%zu]", pfx, i);
		if (!nonblank(l) || strchr(l, ',') || l[0] == '=' || (eq && !nonblank(eq + 1)))
			E(p, "invalid label selector \"%.64s\" (want key or key=value, no commas)", l);
	}
	const struct sg_str_list *lists[2] = { names, images };
	static const char *const keys[2] = { "name_patterns", "image_patterns" };
	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i < lists[k]->count; i++) {
			if (!lists[k]->items[i][0]) {
				sg_cfg_keyf(p, sizeof(p), "%s.%s[%zu]", pfx, keys[k], i);
				E(p, "must not be empty");
			}
		}
	}
}

static bool profile_defined(const struct sg_config *c, const char *name)
{
	return name && sg_config_find_profile(c, name) != NULL;
}

static void check_ref(const struct sg_config *c, const char *path, const char *name,
		      struct sg_config_errors *errs)
{
	if (empty(name))
		E(path, "profile is required");
	else if (!profile_defined(c, name))
		E(path, "references undefined profile \"%.64s\"", name);
}

static bool abs_host_path(const char *p) { return p && p[0] == '/'; }

/* "ghcr.io", "registry:5000": a bare host, as the original requires. */
static bool bare_host(const char *h)
{
	return h && *h && !strstr(h, "://") && !strchr(h, '/') && !strpbrk(h, " \t\r\n");
}

static void check_list(const struct sg_config *c, struct sg_config_errors *errs, const char *pfx,
		       const char *key, const struct sg_str_list *l, bool (*ok)(const char *), const char *what)
{
	char p[192];
	for (size_t i = 0; i < l->count; i++) {
		if (ok(l->items[i]))
			continue;
		sg_cfg_keyf(p, sizeof(p), "%s.%s[%zu]", pfx, key, i);
		E(p, "must be %s, got \"%.64s\"", what, l->items[i]);
	}
}

static bool nonblank(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return true;
	return false;
}

static bool env_prefix_ok(const char *s) { return nonblank(s) && strchr(s, '=') && !strpbrk(s, " \t\r\n"); }

static void validate_request_body(const struct sg_config *c, const struct sg_inspect_settings *s,
				  const char *pfx, struct sg_config_errors *errs)
{
	char p[320], q[128];
	const struct sg_container_create_settings *cc = &s->container_create;
	snprintf(q, sizeof(q), "%s.container_create", pfx);
	check_list(c, errs, q, "allowed_bind_mounts", &cc->allowed_bind_mounts, abs_host_path, "an absolute host path");
	check_list(c, errs, q, "allowed_devices", &cc->allowed_devices, abs_host_path, "an absolute host path");
	for (size_t i = 0; i < cc->allowed_device_requests.count; i++) {
		const struct sg_device_request_rule *dr = &cc->allowed_device_requests.items[i];
		sg_cfg_keyf(p, sizeof(p), "%s.allowed_device_requests[%zu].driver", q, i);
		if (!nonblank(dr->driver))
			E(p, "is required");
		for (size_t j = 0; j < dr->allowed_capabilities.count; j++) {
			if (dr->allowed_capabilities.items[j].count == 0) {
				sg_cfg_keyf(p, sizeof(p), "%s.allowed_device_requests[%zu].allowed_capabilities[%zu]", q, i, j);
				E(p, "must be a non-empty capability set");
			}
		}
		if (dr->max_count_set && dr->max_count < -1) {
			sg_cfg_keyf(p, sizeof(p), "%s.allowed_device_requests[%zu].max_count", q, i);
			E(p, "must be -1 or a non-negative integer");
		}
	}

	const struct sg_image_trust_settings *t = &cc->image_trust;
	snprintf(q, sizeof(q), "%s.container_create.image_trust", pfx);
	if (t->mode != SG_IMAGE_TRUST_OFF) {
		if (t->allowed_signing_keys.count == 0 && t->allowed_keyless.count == 0)
			E(q, "mode %s needs at least one allowed_signing_keys or allowed_keyless entry",
			  t->mode == SG_IMAGE_TRUST_WARN ? "warn" : "enforce");
		for (size_t i = 0; i < t->allowed_signing_keys.count; i++) {
			if (!nonblank(t->allowed_signing_keys.items[i])) {
				sg_cfg_keyf(p, sizeof(p), "%s.allowed_signing_keys[%zu].pem", q, i);
				E(p, "is required");
			}
		}
		for (size_t i = 0; i < t->allowed_keyless.count; i++) {
			sg_cfg_keyf(p, sizeof(p), "%s.allowed_keyless[%zu].issuer", q, i);
			if (!nonblank(t->allowed_keyless.items[i].issuer))
				E(p, "is required");
			sg_cfg_keyf(p, sizeof(p), "%s.allowed_keyless[%zu].subject_pattern", q, i);
			if (!nonblank(t->allowed_keyless.items[i].subject_pattern))
				E(p, "is required");
		}
	}

	for (size_t i = 0; i < s->exec.allowed_commands.count; i++) {
		const struct sg_str_list *argv = &s->exec.allowed_commands.items[i];
		bool ok = argv->count > 0;
		for (size_t j = 0; ok && j < argv->count; j++)
			ok = nonblank(argv->items[j]);
		if (!ok) {
			sg_cfg_keyf(p, sizeof(p), "%s.exec.allowed_commands[%zu]", pfx, i);
			E(p, "must contain at least one argv token, none of them empty");
		}
	}

	snprintf(q, sizeof(q), "%s.image_pull", pfx);
	check_list(c, errs, q, "allowed_registries", &s->image_pull.allowed_registries, bare_host, "a bare registry host");
	snprintf(q, sizeof(q), "%s.image_load", pfx);
	check_list(c, errs, q, "allowed_registries", &s->image_load.allowed_registries, bare_host, "a bare registry host");
	snprintf(q, sizeof(q), "%s.service", pfx);
	check_list(c, errs, q, "allowed_bind_mounts", &s->service.allowed_bind_mounts, abs_host_path, "an absolute host path");
	check_list(c, errs, q, "allowed_registries", &s->service.allowed_registries, bare_host, "a bare registry host");
	snprintf(q, sizeof(q), "%s.swarm", pfx);
	check_list(c, errs, q, "allowed_join_remote_addrs", &s->swarm.allowed_join_remote_addrs, bare_host,
		   "a bare host[:port]");
	snprintf(q, sizeof(q), "%s.plugin", pfx);
	check_list(c, errs, q, "allowed_registries", &s->plugin.allowed_registries, bare_host, "a bare registry host");
	check_list(c, errs, q, "allowed_bind_mounts", &s->plugin.allowed_bind_mounts, abs_host_path, "an absolute host path");
	check_list(c, errs, q, "allowed_devices", &s->plugin.allowed_devices, abs_host_path, "an absolute host path");
	check_list(c, errs, q, "allowed_capabilities", &s->plugin.allowed_capabilities, nonblank, "a capability name");
	check_list(c, errs, q, "allowed_set_env_prefixes", &s->plugin.allowed_set_env_prefixes, env_prefix_ok,
		   "an env assignment prefix such as KEY=");
}

static void validate_clients(const struct sg_config *c, struct sg_config_errors *errs)
{
	const struct sg_clients_cfg *cl = &c->clients;
	char p[160];
	for (size_t i = 0; i < cl->profile_count; i++) {
		const struct sg_profile_cfg *pr = &cl->profiles[i];
		sg_cfg_keyf(p, sizeof(p), "clients.profiles[%zu].name", i);
		if (empty(pr->name)) {
			E(p, "is required");
		} else {
			for (size_t j = 0; j < i; j++)
				if (cl->profiles[j].name && !strcmp(cl->profiles[j].name, pr->name))
					E(p, "duplicate profile name \"%.64s\" (first defined at clients.profiles[%zu])",
					  pr->name, j);
		}
		if (pr->rules.count == 0) {
			sg_cfg_keyf(p, sizeof(p), "clients.profiles[%zu].rules", i);
			E(p, "must contain at least one rule");
		}
		sg_cfg_keyf(p, sizeof(p), "clients.profiles[%zu].response", i);
		validate_selectors(c, p, &pr->response.visible_resource_labels, &pr->response.name_patterns,
				   &pr->response.image_patterns, errs);
		sg_cfg_keyf(p, sizeof(p), "clients.profiles[%zu].limits", i);
		validate_limits(c, &pr->limits, p, errs);
		sg_cfg_keyf(p, sizeof(p), "clients.profiles[%zu].request_body", i);
		validate_request_body(c, &pr->request_body, p, errs);
	}
	if (!empty(cl->default_profile) && !profile_defined(c, cl->default_profile))
		E("clients.default_profile", "references undefined profile \"%.64s\"", cl->default_profile);
	for (size_t i = 0; i < cl->source_ip_profile_count; i++) {
		sg_cfg_keyf(p, sizeof(p), "clients.source_ip_profiles[%zu].profile", i);
		check_ref(c, p, cl->source_ip_profiles[i].profile, errs);
		if (cl->source_ip_profiles[i].cidrs.count == 0) {
			sg_cfg_keyf(p, sizeof(p), "clients.source_ip_profiles[%zu].cidrs", i);
			E(p, "at least one CIDR is required");
		}
	}
	for (size_t i = 0; i < cl->client_certificate_profile_count; i++) {
		const struct sg_cert_profile_cfg *cp = &cl->client_certificate_profiles[i];
		sg_cfg_keyf(p, sizeof(p), "clients.client_certificate_profiles[%zu].profile", i);
		check_ref(c, p, cp->profile, errs);
		if (!cp->common_names.count && !cp->dns_names.count && !cp->ip_addresses.count &&
		    !cp->uri_sans.count && !cp->spiffe_ids.count && !cp->public_key_sha256_pins.count) {
			sg_cfg_keyf(p, sizeof(p), "clients.client_certificate_profiles[%zu]", i);
			E(p, "at least one selector is required");
		}
	}
	if (cl->client_certificate_profile_count && !tls_configured(&c->listen.tls))
		E("clients.client_certificate_profiles", "requires listen.tls (mutual TLS)");
	for (size_t i = 0; i < cl->unix_peer_profile_count; i++) {
		const struct sg_unix_peer_profile_cfg *up = &cl->unix_peer_profiles[i];
		sg_cfg_keyf(p, sizeof(p), "clients.unix_peer_profiles[%zu].profile", i);
		check_ref(c, p, up->profile, errs);
		if (!up->uids.count && !up->gids.count && !up->pids.count) {
			sg_cfg_keyf(p, sizeof(p), "clients.unix_peer_profiles[%zu]", i);
			E(p, "at least one of uids, gids or pids is required");
		}
	}
	/* Source-IP and certificate identity only exist on a TCP listener. */
	bool on_unix = !empty(c->listen.socket);
	if (on_unix && cl->allowed_cidrs.count)
		E("clients.allowed_cidrs", "requires a TCP listener; remove listen.socket or clear clients.allowed_cidrs");
	if (on_unix && cl->container_labels.enabled)
		E("clients.container_labels.enabled", "requires a TCP listener; remove listen.socket or disable container_labels");
	if (on_unix && cl->source_ip_profile_count)
		E("clients.source_ip_profiles", "requires a TCP listener; remove listen.socket or clear source_ip_profiles");
	if (on_unix && cl->client_certificate_profile_count)
		E("clients.client_certificate_profiles", "requires a TCP listener; remove listen.socket or clear them");
	if (cl->unix_peer_profile_count && empty(c->listen.socket))
		E("clients.unix_peer_profiles", "requires listen.socket (a unix socket listener)");
	if (cl->global_concurrency.set && cl->global_concurrency.max_inflight <= 0)
		E("clients.global_concurrency.max_inflight", "must be > 0 when set");
	if (cl->container_labels.enabled && empty(cl->container_labels.label_prefix))
		E("clients.container_labels.label_prefix", "is required when container_labels.enabled is true");
}

int sg_config_validate(struct sg_config *c, struct sg_config_errors *errs)
{
	size_t before = errs->count + errs->dropped;

	validate_listener(c, &c->listen, "listen", true, errs);
	if (empty(c->upstream.socket))
		E("upstream.socket", "is required");
	else if (c->upstream.socket[0] != '/')
		E("upstream.socket", "must be an absolute path");
	validate_output(c, "log.output", c->log.output, errs);
	if (c->log.audit.enabled) {
		validate_output(c, "log.audit.output", c->log.audit.output, errs);
		if (c->log.audit.format != SG_LOG_FORMAT_JSON)
			E("log.audit.format", "must be json");
	}
	validate_endpoints(c, errs);
	validate_clients(c, errs);
	validate_selectors(c, "response", &c->response.visible_resource_labels, &c->response.name_patterns,
			   &c->response.image_patterns, errs);
	validate_request_body(c, &c->request_body, "request_body", errs);

	if (!empty(c->ownership.owner) && empty(c->ownership.label_key))
		E("ownership.label_key", "is required when ownership.owner is set");
	if (c->policy_bundle.enabled) {
		if (empty(c->policy_bundle.signature_path))
			E("policy_bundle.signature_path", "is required when policy_bundle.enabled is true");
		if (!c->policy_bundle.allowed_signing_key_count && !c->policy_bundle.allowed_keyless_count)
			E("policy_bundle", "enabled needs at least one allowed_signing_keys or allowed_keyless entry");
	}
	if (c->policy_bundle.verify_timeout_ns < 0)
		E("policy_bundle.verify_timeout", "must be a positive duration");
	if (c->workers < 0 || c->workers > 1024)
		E("workers", "must be between 0 (one per CPU) and 1024");
	if (c->server.header_read_timeout_ns <= 0)
		E("server.header_read_timeout", "must be a positive duration");
	if (c->server.idle_timeout_ns <= 0)
		E("server.idle_timeout", "must be a positive duration");
	if (c->server.max_connections <= 0 || c->server.max_connections > 1000000)
		E("server.max_connections", "must be between 1 and 1000000");
	if (c->server.max_header_bytes < 1024 || c->server.max_header_bytes > 1024 * 1024)
		E("server.max_header_bytes", "must be between 1024 and 1048576");
	if (c->rules.count == 0)
		E("rules", "at least one rule is required");

	return errs->count + errs->dropped > before ? -1 : 0;
}
