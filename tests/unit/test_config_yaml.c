/* Config YAML loader: strict parsing and validation, each error naming
 * file:line:col and the key path. The spec is tests/unit/data/config/. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "policy/config.h"

static struct sg_config cfg;
static struct sg_config_errors errs;
static char *const no_env[] = { NULL };

static void teardown(void) { sg_config_free(&cfg); }

static int load(const char *yaml)
{
	sg_config_free(&cfg);	/* tests load repeatedly */
	memset(&errs, 0, sizeof(errs));
	return sg_config_load_buffer(&cfg, "t.yaml", yaml, strlen(yaml), no_env, &errs);
}

static const char *all_errors(void)
{
	static char buf[SG_CONFIG_MAX_ERRORS * SG_CONFIG_ERROR_LEN];
	buf[0] = '\0';
	for (size_t i = 0; i < errs.count; i++) {
		strncat(buf, errs.msg[i], sizeof(buf) - strlen(buf) - 2);
		strncat(buf, "\n", sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

static bool has_error(const char *needle)
{
	for (size_t i = 0; i < errs.count; i++)
		if (strstr(errs.msg[i], needle))
			return true;
	return false;
}

#define REJECTS(yaml, needle)                                                                 \
	do {                                                                                  \
		cr_assert_eq(load(yaml), -1, "expected rejection of:\n%s", yaml);             \
		cr_assert(has_error(needle), "want error containing \"%s\", got:\n%s", needle, \
			  all_errors());                                                      \
	} while (0)

#define ACCEPTS(yaml) cr_assert_eq(load(yaml), 0, "unexpected errors:\n%s", all_errors())

TestSuite(config_yaml, .fini = teardown);

Test(config_yaml, accepts_empty_document)
{
	ACCEPTS("");
	cr_assert_eq(cfg.rules.count, 5);
	ACCEPTS("# only a comment\n");
}

Test(config_yaml, rejects_unknown_key)
{
	REJECTS("listen:\n  bogus: 1\n", "t.yaml:2:3: listen.bogus: unknown key");
	REJECTS("nope: true\n", "t.yaml:1:1: nope: unknown key");
	REJECTS("clients:\n  profiles:\n    - name: a\n      rulez: []\n", "clients.profiles[0].rulez: unknown key");
	REJECTS("rules:\n  - match: {method: GET, path: /x}\n    action: allow\n    extra: 1\n",
		"t.yaml:4:5: rules[0].extra: unknown key");
}

Test(config_yaml, rejects_duplicate_key)
{
	REJECTS("log:\n  level: info\n  level: debug\n", "t.yaml:3:3: log.level: duplicate key");
}

Test(config_yaml, rejects_string_for_bool)
{
	REJECTS("metrics:\n  enabled: yes\n", "t.yaml:2:12: metrics.enabled: expected a boolean");
	REJECTS("metrics:\n  enabled: on\n", "metrics.enabled: expected a boolean");
	REJECTS("metrics:\n  enabled: \"true\"\n", "metrics.enabled: expected a boolean");
	REJECTS("metrics:\n  enabled: 1\n", "metrics.enabled: expected a boolean");
	REJECTS("metrics:\n  enabled: [true]\n", "metrics.enabled: expected a scalar value");
}

Test(config_yaml, accepts_yaml_booleans)
{
	ACCEPTS("metrics:\n  enabled: True\nhealth:\n  enabled: FALSE\n");
	cr_assert(cfg.metrics.enabled);
	cr_assert_not(cfg.health.enabled);
}

Test(config_yaml, rejects_wrong_number_types)
{
	REJECTS("admin:\n  max_request_bytes: \"1024\"\n", "admin.max_request_bytes: expected an integer");
	REJECTS("admin:\n  max_request_bytes: lots\n", "admin.max_request_bytes: expected an integer");
	REJECTS("workers: 2.5\n", "workers: expected an integer");
}

Test(config_yaml, parses_go_durations)
{
	ACCEPTS("reload:\n  debounce: 1h2m3s\n  poll_interval: \"\"\nhealth:\n  watchdog:\n    interval: 250ms\n");
	cr_assert_eq(cfg.reload.debounce_ns, 3723LL * 1000000000LL);
	cr_assert_eq(cfg.reload.poll_interval_ns, 0);
	cr_assert_eq(cfg.health.watchdog.interval_ns, 250LL * 1000000LL);
	sg_config_free(&cfg);
	ACCEPTS("reload:\n  debounce: 0\n");
	cr_assert_eq(cfg.reload.debounce_ns, 0);
}

Test(config_yaml, rejects_bad_durations)
{
	REJECTS("reload:\n  debounce: 5\n", "t.yaml:2:13: reload.debounce: invalid duration 5");
	REJECTS("reload:\n  debounce: 5 s\n", "reload.debounce: invalid duration");
	REJECTS("reload:\n  debounce: -1s\n", "reload.debounce: must be >= 0");
	REJECTS("health:\n  watchdog:\n    enabled: true\n    interval: \"\"\n", "health.watchdog.interval: empty duration");
	REJECTS("health:\n  watchdog:\n    enabled: true\n    interval: 0s\n",
		"health.watchdog.interval: must be a positive duration");
}

Test(config_yaml, rejects_bad_cidrs_and_ips)
{
	REJECTS("clients:\n  allowed_cidrs: [10.0.0.0/8, 300.0.0.0/8]\n", "t.yaml:2:31: clients.allowed_cidrs[1]: invalid CIDR");
	REJECTS("clients:\n  allowed_cidrs: [10.0.0.1]\n", "invalid CIDR 10.0.0.1");
	REJECTS("clients:\n  allowed_cidrs: [fd00::/129]\n", "invalid CIDR");
	REJECTS("listen:\n  tls:\n    ip_addresses: [10.0.0.256]\n", "listen.tls.ip_addresses[0]: invalid IP address");
}

Test(config_yaml, parses_cidrs)
{
	ACCEPTS("clients:\n  allowed_cidrs:\n    - 172.18.0.5/16\n    - fd00::/8\n");
	cr_assert_eq(cfg.clients.allowed_cidrs.count, 2);
	cr_assert_eq(cfg.clients.allowed_cidrs.items[0].family, 4);
	cr_assert_eq(cfg.clients.allowed_cidrs.items[0].prefix, 16);
	cr_assert_eq(cfg.clients.allowed_cidrs.items[0].addr[2], 0, "host bits cleared");
	cr_assert_eq(cfg.clients.allowed_cidrs.items[1].family, 6);
}

Test(config_yaml, rule_path_checks)
{
	REJECTS("rules:\n  - match: {method: GET, path: \"/containers/%2e%2e\"}\n    action: allow\n",
		"t.yaml:2:32: rules[0].match.path: path \"/containers/%2e%2e\" contains %");
	REJECTS("rules:\n  - match: {method: GET, path: containers/json}\n    action: allow\n",
		"rules[0].match.path: path \"containers/json\" must start with /");
	REJECTS("rules:\n  - match: {method: GET}\n    action: allow\n", "rules[0].match.path: path is required");

	/* A longer pattern could never match: a deny rule would be silently void. */
	char yaml[1200];
	snprintf(yaml, sizeof(yaml), "rules:\n  - match: {method: GET, path: /%01023d}\n    action: deny\n", 0);
	REJECTS(yaml, "t.yaml:2:32: rules[0].match.path: path is 1024 bytes long; rule paths are limited to 1023 bytes");
	snprintf(yaml, sizeof(yaml), "rules:\n  - match: {method: GET, path: /%01022d}\n    action: deny\n", 0);
	ACCEPTS(yaml);
}

Test(config_yaml, rule_method_and_action_checks)
{
	REJECTS("rules:\n  - match: {method: \"G T\", path: /x}\n    action: allow\n",
		"t.yaml:2:21: rules[0].match.method: invalid method");
	REJECTS("rules:\n  - match: {method: GET, path: /x}\n    action: permit\n",
		"t.yaml:3:13: rules[0].action: invalid action \"permit\"");
	REJECTS("rules:\n  - match: {method: GET, path: /x}\n", "rules[0].action: action is required");
	REJECTS("rules:\n  - action: allow\n", "rules[0]: match is required");
	REJECTS("rules: {}\n", "rules: expected a list of rules");
}

Test(config_yaml, rules_keep_position_and_normalize_method)
{
	ACCEPTS("rules:\n  - match: { method: get, path: \"/_ping\" }\n    action: allow\n"
		"  - match: { method: \"GET,head\", path: \"/v\" }\n    action: allow\n"
		"  - match: { method: \"*\", path: \"/**\" }\n    action: deny\n    reason: nope\n");
	cr_assert_eq(cfg.rules.count, 3);
	cr_assert_str_eq(cfg.rules.items[0].method, "GET");
	cr_assert_str_eq(cfg.rules.items[1].method, "GET,HEAD");
	cr_assert_eq(cfg.rules.items[0].line, 2);
	cr_assert_eq(cfg.rules.items[2].action, SG_RULE_DENY);
	cr_assert_str_eq(cfg.rules.items[2].reason, "nope");
	cr_assert_null(cfg.rules.items[0].reason);
	cr_assert_eq(cfg.rules_source, SG_SRC_FILE);
}

Test(config_yaml, empty_rules_fall_back_to_defaults)
{
	ACCEPTS("rules: []\n");
	cr_assert_eq(cfg.rules.count, 5);
	cr_assert_eq(cfg.rules_source, SG_SRC_DEFAULT);
}

Test(config_yaml, socket_mode_must_be_0600)
{
	REJECTS("listen:\n  socket: /run/s.sock\n  socket_mode: 0644\n", "t.yaml:3:16: listen.socket_mode: must be 0600");
	REJECTS("listen:\n  socket: /run/s.sock\n  socket_mode: \"0666\"\n", "listen.socket_mode: must be 0600");
	REJECTS("listen:\n  socket_mode: rw\n", "listen.socket_mode: invalid file mode");
	ACCEPTS("listen:\n  socket: /run/s.sock\n  socket_mode: 0600\n");
	sg_config_free(&cfg);
	ACCEPTS("listen:\n  socket: /run/s.sock\n  socket_mode: \"0600\"\n");
	sg_config_free(&cfg);
	ACCEPTS("listen:\n  socket: /run/s.sock\n  socket_mode: 0o600\n");
	cr_assert_eq(cfg.listen.socket_mode, 0600);
}

Test(config_yaml, endpoint_paths_must_not_collide)
{
	REJECTS("metrics:\n  enabled: true\n  path: /health\n", "t.yaml:3:9: metrics.path: \"/health\" collides with health.path");
	REJECTS("admin:\n  enabled: true\n  path: /health\n", "admin.path: \"/health\" collides with health.path");
	REJECTS("admin:\n  enabled: true\n  policy_version_path: /admin/validate\n",
		"admin.policy_version_path: \"/admin/validate\" collides with admin.path");
	REJECTS("health:\n  path: health\n", "health.path: must start with /");
	/* a disabled endpoint does not collide */
	ACCEPTS("metrics:\n  enabled: false\n  path: /health\n");
}

Test(config_yaml, rate_limit_invariants)
{
	const char *head = "clients:\n  profiles:\n    - name: p\n      limits:\n";
	char y[512];
	snprintf(y, sizeof(y), "%s        rate: {tokens_per_second: 0}\n", head);
	REJECTS(y, "clients.profiles[0].limits.rate.tokens_per_second: must be > 0");
	snprintf(y, sizeof(y), "%s        rate: {tokens_per_second: 10, burst: 5}\n", head);
	REJECTS(y, "clients.profiles[0].limits.rate.burst: must be >= tokens_per_second");
	snprintf(y, sizeof(y), "%s        rate:\n          tokens_per_second: 10\n          endpoint_costs:\n"
		 "            - {path: /build, cost: 11}\n", head);
	REJECTS(y, "t.yaml:8:36: clients.profiles[0].limits.rate.endpoint_costs[0].cost: 11 exceeds the effective burst 10");
	snprintf(y, sizeof(y), "%s        rate:\n          tokens_per_second: 10\n          endpoint_costs:\n"
		 "            - {path: /build, cost: 0}\n", head);
	REJECTS(y, "endpoint_costs[0].cost: must be >= 1");
	snprintf(y, sizeof(y), "%s        rate:\n          tokens_per_second: 10\n          endpoint_costs:\n"
		 "            - {path: \"\", cost: 1}\n", head);
	REJECTS(y, "endpoint_costs[0].path: is required");
	snprintf(y, sizeof(y), "%s        rate:\n          tokens_per_second: 10\n          endpoint_costs:\n"
		 "            - {path: /build, cost: 1, methods: [POST, \"\"]}\n", head);
	REJECTS(y, "endpoint_costs[0].methods[1]: must not contain empty strings");
	snprintf(y, sizeof(y), "%s        concurrency: {max_inflight: 0}\n", head);
	REJECTS(y, "clients.profiles[0].limits.concurrency.max_inflight: must be > 0");
	snprintf(y, sizeof(y), "%s        priority: urgent\n", head);
	REJECTS(y, "clients.profiles[0].limits.priority: invalid value urgent");
	REJECTS("clients:\n  global_concurrency:\n    max_inflight: 0\n",
		"clients.global_concurrency.max_inflight: must be > 0 when set");
}

Test(config_yaml, accepts_rate_limits_and_fills_them)
{
	ACCEPTS("clients:\n  global_concurrency:\n    max_inflight: 100\n  profiles:\n    - name: ci\n      mode: warn\n"
		"      limits:\n        priority: low\n        rate:\n          tokens_per_second: 100\n          burst: 0\n"
		"          endpoint_costs:\n            - path: /images/create\n              methods: [post]\n"
		"              cost: 20\n        concurrency:\n          max_inflight: 30\n"
		"      rules: [{match: {method: GET, path: /_ping}, action: allow}]\n");
	const struct sg_profile_cfg *p = sg_config_find_profile(&cfg, "ci");
	cr_assert_not_null(p);
	cr_assert_eq(p->mode, SG_MODE_WARN);
	cr_assert_eq(p->limits.priority, SG_PRIORITY_LOW);
	cr_assert(p->limits.rate.set);
	cr_assert_float_eq(p->limits.rate.tokens_per_second, 100.0, 1e-9);
	cr_assert_eq(p->limits.rate.endpoint_cost_count, 1);
	cr_assert_str_eq(p->limits.rate.endpoint_costs[0].methods.items[0], "POST");
	cr_assert_eq(p->limits.concurrency.max_inflight, 30);
	cr_assert(cfg.clients.global_concurrency.set);
	cr_assert_eq(p->rules.count, 1);
	cr_assert(p->request_body.image_pull.allow_official, "profile request_body starts from defaults");
}

Test(config_yaml, profile_references)
{
	REJECTS("clients:\n  default_profile: ghost\n", "t.yaml:2:20: clients.default_profile: references undefined profile \"ghost\"");
	REJECTS("clients:\n  source_ip_profiles:\n    - profile: ghost\n      cidrs: [10.0.0.0/8]\n",
		"clients.source_ip_profiles[0].profile: references undefined profile \"ghost\"");
	REJECTS("clients:\n  profiles:\n    - name: a\n    - name: a\n",
		"t.yaml:4:13: clients.profiles[1].name: duplicate profile name \"a\"");
	REJECTS("clients:\n  profiles:\n    - mode: warn\n", "clients.profiles[0].name: is required");
	REJECTS("clients:\n  profiles:\n    - name: a\n      mode: loud\n", "clients.profiles[0].mode: invalid value loud");
}

Test(config_yaml, identity_selectors_need_their_listener)
{
	REJECTS("clients:\n  client_certificate_profiles:\n    - profile: a\n      dns_names: [x.internal]\n"
		"  profiles:\n    - name: a\n",
		"t.yaml:3:5: clients.client_certificate_profiles: requires listen.tls");
	REJECTS("clients:\n  unix_peer_profiles:\n    - profile: a\n      uids: [501]\n  profiles:\n    - name: a\n",
		"clients.unix_peer_profiles: requires listen.socket");
	ACCEPTS("listen:\n  socket: /run/sg.sock\nclients:\n  unix_peer_profiles:\n    - profile: a\n      uids: [501]\n"
		"      gids: [0]\n      pids: [42]\n  profiles:\n    - name: a\n"
		"      rules: [{match: {method: GET, path: /_ping}, action: allow}]\n");
	cr_assert_eq(cfg.clients.unix_peer_profiles[0].uids.items[0], 501);
	cr_assert_eq(cfg.clients.unix_peer_profiles[0].pids.items[0], 42);
}

Test(config_yaml, plaintext_non_loopback_needs_both_acks)
{
	REJECTS("listen:\n  address: 0.0.0.0:2375\n", "t.yaml:2:12: listen.address: non-loopback address");
	REJECTS("listen:\n  address: 0.0.0.0:2375\n  insecure_allow_plain_tcp: true\n",
		"listen.insecure_allow_unauthenticated_clients: must also be true");
	REJECTS("listen:\n  address: 10.1.2.3:2375\n  insecure_allow_unauthenticated_clients: true\n",
		"listen.insecure_allow_plain_tcp: must also be true");
	REJECTS("listen:\n  address: 127.0.0.1:2375\n  insecure_allow_plain_tcp: true\n",
		"must also be true");
	REJECTS("listen:\n  address: :2375\n", "non-loopback address");
	REJECTS("listen:\n  address: nonsense\n", "listen.address: invalid address");
	ACCEPTS("listen:\n  address: 0.0.0.0:2375\n  insecure_allow_plain_tcp: true\n"
		"  insecure_allow_unauthenticated_clients: true\n");
	sg_config_free(&cfg);
	ACCEPTS("listen:\n  address: \"[::1]:2375\"\n");
	sg_config_free(&cfg);
	ACCEPTS("listen:\n  address: 0.0.0.0:2376\n  tls:\n    cert_file: /c.pem\n    key_file: /k.pem\n    client_ca_file: /ca.pem\n");
}

Test(config_yaml, mtls_selectors_are_checked)
{
	const char *tls = "listen:\n  address: 0.0.0.0:2376\n  tls:\n    cert_file: /c\n    key_file: /k\n    client_ca_file: /ca\n";
	char y[1024];
	snprintf(y, sizeof(y), "%s    public_key_sha256_pins: [abcd]\n", tls);
	REJECTS(y, "t.yaml:7:30: listen.tls.public_key_sha256_pins[0]: invalid SHA-256 pin abcd");
	snprintf(y, sizeof(y), "%s    public_key_sha256_pins: [\"sha256:%s\"]\n", tls,
		 "zz7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b");
	REJECTS(y, "invalid SHA-256 pin");
	snprintf(y, sizeof(y), "%s    uri_sans: [\"not a uri\"]\n", tls);
	REJECTS(y, "listen.tls.uri_sans[0]: invalid URI");
	snprintf(y, sizeof(y), "%s    ip_addresses: [\"10.0.5.x\"]\n", tls);
	REJECTS(y, "listen.tls.ip_addresses[0]: invalid IP address");
	snprintf(y, sizeof(y), "%s    public_key_sha256_pins: [\"sha256:%s\"]\n    uri_sans: [\"spiffe://t/w\"]\n", tls,
		 "3A7BD3E2360A3D29EEA436FCFB7E44C735D117C42D1C1835420B6B9942DD4F1B");
	ACCEPTS(y);
	cr_assert_str_eq(cfg.listen.tls.public_key_sha256_pins.items[0],
			 "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b");
}

Test(config_yaml, tls_material_must_be_complete)
{
	REJECTS("listen:\n  tls:\n    cert_file: /c\n", "listen.tls.client_ca_file: is required");
	REJECTS("listen:\n  tls:\n    dns_names: [a]\n", "listen.tls: client certificate selectors need");
}

Test(config_yaml, request_body_fields)
{
	ACCEPTS("request_body:\n  container_create:\n    allowed_bind_mounts: [/srv]\n    allowed_device_requests:\n"
		"      - driver: nvidia\n        allowed_capabilities: [[gpu, compute]]\n        max_count: -1\n"
		"    image_trust:\n      mode: warn\n      allowed_signing_keys:\n        - pem: KEY\n      verify_timeout: 5s\n"
		"  exec:\n    allowed_commands:\n      - [\"/usr/local/bin/pre-update\", \"--check\"]\n"
		"  image_pull:\n    allow_official: false\n    allowed_registries: [ghcr.io]\n"
		"  swarm:\n    allow_unlock: true\n");
	const struct sg_inspect_settings *s = &cfg.request_body;
	cr_assert_str_eq(s->container_create.allowed_bind_mounts.items[0], "/srv");
	cr_assert_eq(s->container_create.allowed_device_requests.count, 1);
	cr_assert(s->container_create.allowed_device_requests.items[0].max_count_set);
	cr_assert_eq(s->container_create.allowed_device_requests.items[0].max_count, -1);
	cr_assert_str_eq(s->container_create.allowed_device_requests.items[0].allowed_capabilities.items[0].items[1],
			 "compute");
	cr_assert_eq(s->container_create.image_trust.mode, SG_IMAGE_TRUST_WARN);
	cr_assert_str_eq(s->container_create.image_trust.allowed_signing_keys.items[0], "KEY");
	cr_assert_eq(s->container_create.image_trust.verify_timeout_ms, 5000);
	cr_assert_eq(s->exec.allowed_commands.items[0].count, 2);
	cr_assert_not(s->image_pull.allow_official);
	cr_assert_str_eq(s->image_pull.allowed_registries.items[0], "ghcr.io");
	cr_assert(s->swarm.allow_unlock);
	cr_assert(s->image_load.allow_official, "untouched groups keep defaults");
	cr_assert_str_eq(s->owner_label_key, "com.sockguard.owner");
}

Test(config_yaml, image_trust_needs_keys)
{
	REJECTS("request_body:\n  container_create:\n    image_trust:\n      mode: enforce\n",
		"request_body.container_create.image_trust: mode enforce needs at least one");
}

Test(config_yaml, reports_every_error)
{
	cr_assert_eq(load("log:\n  level: loud\n  format: xml\nmetrics:\n  enabled: maybe\nbogus: 1\n"), -1);
	cr_assert_geq(errs.count, 4, "%s", all_errors());
	cr_assert(has_error("t.yaml:2:10: log.level"));
	cr_assert(has_error("t.yaml:3:11: log.format"));
	cr_assert(has_error("t.yaml:5:12: metrics.enabled"));
	cr_assert(has_error("t.yaml:6:1: bogus: unknown key"));
}

Test(config_yaml, yaml_syntax_error_has_position)
{
	REJECTS("listen:\n  address: [unclosed\n", "t.yaml:");
	REJECTS("listen:\n  address: [unclosed\n", "yaml:");
}

Test(config_yaml, alias_bomb_is_bounded)
{
	/* Nine levels of 10x aliases: 1e9 nodes if expanded. */
	const char *bomb =
		"a: &a [x,x,x,x,x,x,x,x,x,x]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		"clients:\n  profiles:\n    - name: x\n      request_body:\n        exec:\n          allowed_commands: [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";
	cr_assert_eq(load(bomb), -1);
}

Test(config_yaml, spec_example_loads)
{
	memset(&errs, 0, sizeof(errs));
	int rc = sg_config_load(&cfg, SG_SOURCE_DIR "/tests/unit/data/config/spec-example.yaml", true, no_env, &errs);
	cr_assert_eq(rc, 0, "%s", all_errors());
	cr_assert_eq(cfg.rules.count, 6);
	cr_assert_str_eq(cfg.rules.items[5].reason, "no matching allow rule");
	cr_assert_eq(cfg.clients.allowed_cidrs.count, 1);
	cr_assert_str_eq(cfg.ownership.owner, "ci-job-123");
	cr_assert_str_eq(cfg.listen.tls.uri_sans.items[0], "spiffe://sockguard.test/workload/portainer");
	cr_assert(cfg.request_body.container_create.image_trust.mode == SG_IMAGE_TRUST_ENFORCE);
}

Test(config_yaml, profiles_example_loads)
{
	memset(&errs, 0, sizeof(errs));
	int rc = sg_config_load(&cfg, SG_SOURCE_DIR "/tests/unit/data/config/profiles.yaml", true, no_env, &errs);
	cr_assert_eq(rc, 0, "%s", all_errors());
	cr_assert_eq(sg_config_profile_count(&cfg), 3);
	const struct sg_profile_cfg *w = sg_config_find_profile(&cfg, "watchtower");
	cr_assert_not_null(w);
	cr_assert(w->request_body.image_pull.allow_all_registries);
	cr_assert_str_eq(w->response.visible_resource_labels.items[0], "com.sockguard.client=watchtower");
	cr_assert_eq(w->rules.count, 6);
	cr_assert_eq(w->line, 32);
}

Test(config_yaml, bad_example_reports_file_and_line)
{
	memset(&errs, 0, sizeof(errs));
	int rc = sg_config_load(&cfg, SG_SOURCE_DIR "/tests/unit/data/config/bad.yaml", true, no_env, &errs);
	cr_assert_eq(rc, -1);
	cr_assert(has_error("data/config/bad.yaml:3:29: listen.insecure_allow_plain_tcp"), "%s", all_errors());
	cr_assert_geq(errs.count, 10, "%s", all_errors());
}

Test(config_yaml, merge_keys_like_yaml_v3)
{
	ACCEPTS("x-base: &base\n  tokens_per_second: 5\n  burst: 10\n"
		"clients:\n  profiles:\n    - name: a\n      rules: [{match: {method: GET, path: /_ping}, action: allow}]\n"
		"      limits:\n        rate:\n          <<: *base\n          burst: 20\n");
	cr_assert_float_eq(cfg.clients.profiles[0].limits.rate.tokens_per_second, 5.0, 1e-9);
	cr_assert_float_eq(cfg.clients.profiles[0].limits.rate.burst, 20.0, 1e-9, "own keys override merged ones");
}

Test(config_yaml, profiles_need_rules)
{
	REJECTS("clients:\n  profiles:\n    - name: a\n", "t.yaml:3:7: clients.profiles[0].rules: must contain at least one rule");
}

Test(config_yaml, tcp_only_client_features_reject_unix_listener)
{
	REJECTS("listen:\n  socket: /run/s.sock\nclients:\n  allowed_cidrs: [10.0.0.0/8]\n",
		"clients.allowed_cidrs: requires a TCP listener");
	REJECTS("listen:\n  socket: /run/s.sock\nclients:\n  container_labels:\n    enabled: true\n",
		"clients.container_labels.enabled: requires a TCP listener");
}

Test(config_yaml, request_body_lists_are_checked)
{
	REJECTS("request_body:\n  container_create:\n    allowed_bind_mounts: [srv]\n",
		"t.yaml:3:26: request_body.container_create.allowed_bind_mounts[0]: must be an absolute host path");
	REJECTS("request_body:\n  image_pull:\n    allowed_registries: [\"https://ghcr.io\"]\n",
		"request_body.image_pull.allowed_registries[0]: must be a bare registry host");
	REJECTS("request_body:\n  plugin:\n    allowed_set_env_prefixes: [DEBUG]\n",
		"request_body.plugin.allowed_set_env_prefixes[0]: must be an env assignment prefix");
	REJECTS("request_body:\n  exec:\n    allowed_commands: [[]]\n",
		"request_body.exec.allowed_commands[0]: must contain at least one argv token");
	REJECTS("request_body:\n  container_create:\n    allowed_device_requests:\n      - driver: nvidia\n        max_count: -2\n",
		"allowed_device_requests[0].max_count: must be -1 or a non-negative integer");
	REJECTS("clients:\n  profiles:\n    - name: a\n      rules: [{match: {method: GET, path: /x}, action: allow}]\n"
		"      request_body:\n        service:\n          allowed_bind_mounts: [relative]\n",
		"clients.profiles[0].request_body.service.allowed_bind_mounts[0]: must be an absolute host path");
	ACCEPTS("request_body:\n  swarm:\n    allowed_join_remote_addrs: [\"10.0.0.1:2377\"]\n"
		"  plugin:\n    allowed_set_env_prefixes: [\"DEBUG=\"]\n");
}

Test(config_yaml, visibility_selectors_are_checked)
{
	REJECTS("response:\n  visible_resource_labels: [\"=x\"]\n", "response.visible_resource_labels[0]: invalid label selector");
	REJECTS("clients:\n  profiles:\n    - name: a\n      response:\n        name_patterns: [\"\"]\n",
		"clients.profiles[0].response.name_patterns[0]: must not be empty");
	REJECTS("response:\n  visible_resource_labels: [\"a=b,c=d\"]\n", "invalid label selector");
	REJECTS("response:\n  visible_resource_labels: [\"team=\"]\n", "invalid label selector");
	ACCEPTS("response:\n  visible_resource_labels: [com.example.team, \"com.sockguard.visible=true\"]\n"
		"  name_patterns: [traefik]\n  image_patterns: [\"ghcr.io/myorg/**\"]\n");
	cr_assert_eq(cfg.response.image_patterns.count, 1);
}

Test(config_yaml, self_referencing_merge_is_bounded)
{
	cr_assert_eq(load("listen: &l\n  <<: *l\n  address: 127.0.0.1:1\n"), -1);
}

Test(config_yaml, rejects_duplicate_rule_keys)
{
	REJECTS("rules:\n  - match: {method: GET, path: /x}\n    action: deny\n    action: allow\n",
		"t.yaml:4:5: rules[0].action: duplicate key");
	REJECTS("rules:\n  - match: {method: GET, path: /x, path: /y}\n    action: allow\n",
		"rules[0].match.path: duplicate key");
}

/* Every list reader (scalar lists, lists of lists, PEM lists, lists of
 * mappings, rules) reports the element's position, key path and kind. */
Test(config_yaml, list_readers_report_element_errors)
{
	REJECTS("request_body:\n  exec:\n    allowed_commands: [[ls, -l], x]\n",
		"t.yaml:3:34: request_body.exec.allowed_commands[1]: expected a list of strings, got a plain scalar");
	REJECTS("request_body:\n  exec:\n    allowed_commands: [[ok, {a: 1}]]\n",
		"t.yaml:3:29: request_body.exec.allowed_commands[0][1]: expected a string, got a mapping");
	REJECTS("request_body:\n  exec:\n    allowed_commands: {a: 1}\n",
		"t.yaml:3:23: request_body.exec.allowed_commands: expected a list of lists, got a mapping");
	REJECTS("request_body:\n  container_create:\n    image_trust:\n      allowed_signing_keys: [{pem: x}, {}]\n",
		"t.yaml:4:40: request_body.container_create.image_trust.allowed_signing_keys[1]: pem is required");
	REJECTS("request_body:\n  container_create:\n    image_trust:\n      allowed_signing_keys: \"pem\"\n",
		"allowed_signing_keys: expected a list of {pem: ...} entries, got a quoted string");
	REJECTS("clients:\n  allowed_cidrs: [10.0.0.0/8, [1]]\n",
		"t.yaml:2:31: clients.allowed_cidrs[1]: expected a scalar list item, got a sequence");
	REJECTS("clients:\n  unix_peer_profiles:\n    - profile: p\n      uids: [0, -1]\n",
		"t.yaml:4:17: clients.unix_peer_profiles[0].uids[1]: expected a non-negative id, got a plain scalar \"-1\"");
	REJECTS("clients:\n  unix_peer_profiles: 3\n", "t.yaml:2:23: clients.unix_peer_profiles: expected a list, got a plain scalar");
	REJECTS("rules:\n  - 5\n", "t.yaml:2:5: rules[0]: expected a rule mapping {match, action, reason}, got a plain scalar");
	ACCEPTS("clients:\n  allowed_cidrs: ~\n  unix_peer_profiles: []\n");
	cr_assert_eq(cfg.clients.allowed_cidrs.count, 0);
}
