/* SOCKGUARD_* env overlay and precedence: CLI > env > YAML > defaults. */
#include <criterion/criterion.h>
#include <string.h>

#include "app/cli.h"
#include "policy/config.h"

static struct sg_config cfg;
static struct sg_config_errors errs;

static void teardown(void) { sg_config_free(&cfg); }

static int load_env(const char *yaml, char *const *env)
{
	sg_config_free(&cfg);	/* tests load repeatedly */
	memset(&errs, 0, sizeof(errs));
	return sg_config_load_buffer(&cfg, "t.yaml", yaml, strlen(yaml), env, &errs);
}

static bool has_error(const char *needle)
{
	for (size_t i = 0; i < errs.count; i++)
		if (strstr(errs.msg[i], needle))
			return true;
	return false;
}

static const char *first_error(void) { return errs.count ? errs.msg[0] : "(none)"; }

TestSuite(config_env, .fini = teardown);

Test(config_env, go_parse_bool_spellings)
{
	static const char *yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *no[] = { "0", "f", "F", "FALSE", "false", "False" };
	bool v;
	for (size_t i = 0; i < 6; i++) {
		cr_assert_eq(sg_parse_go_bool(yes[i], &v), 0);
		cr_assert(v);
		cr_assert_eq(sg_parse_go_bool(no[i], &v), 0);
		cr_assert_not(v);
	}
	cr_assert_eq(sg_parse_go_bool("yes", &v), -1);
	cr_assert_eq(sg_parse_go_bool("on", &v), -1);
	cr_assert_eq(sg_parse_go_bool("tRUE", &v), -1);
}

Test(config_env, go_durations)
{
	int64_t ns;
	cr_assert_eq(sg_parse_go_duration("250ms", &ns), 0);
	cr_assert_eq(ns, 250000000);
	cr_assert_eq(sg_parse_go_duration("1h2m3s", &ns), 0);
	cr_assert_eq(ns, 3723000000000LL);
	cr_assert_eq(sg_parse_go_duration("1.5s", &ns), 0);
	cr_assert_eq(ns, 1500000000);
	cr_assert_eq(sg_parse_go_duration("-2us", &ns), 0);
	cr_assert_eq(ns, -2000);
	cr_assert_eq(sg_parse_go_duration("0", &ns), 0);
	cr_assert_eq(ns, 0);
	cr_assert_eq(sg_parse_go_duration("", &ns), -1);
	cr_assert_eq(sg_parse_go_duration("5", &ns), -1);
	cr_assert_eq(sg_parse_go_duration("5d", &ns), -1);
	cr_assert_eq(sg_parse_go_duration(".s", &ns), -1);
	cr_assert_eq(sg_parse_go_duration("9999999999h", &ns), -1);
}

Test(config_env, scalars_and_lists_from_env)
{
	char *env[] = { "SOCKGUARD_METRICS_ENABLED=TRUE", "SOCKGUARD_LOG_LEVEL=debug",
			"SOCKGUARD_CLIENTS_ALLOWED_CIDRS=10.0.0.0/8, 192.168.0.0/16",
			"SOCKGUARD_REQUEST_BODY_IMAGE_PULL_ALLOWED_REGISTRIES=ghcr.io,quay.io",
			"SOCKGUARD_REQUEST_BODY_IMAGE_PULL_ALLOW_OFFICIAL=f",
			"SOCKGUARD_RELOAD_DEBOUNCE=1s", "SOCKGUARD_WORKERS=3",
			"SOCKGUARD_ADMIN_MAX_REQUEST_BYTES=1024",
			"SOCKGUARD_LISTEN_TLS_PUBLIC_KEY_SHA256_PINS=", NULL };
	cr_assert_eq(load_env("", env), 0, "%s", first_error());
	cr_assert(cfg.metrics.enabled);
	cr_assert_eq(cfg.log.level, SG_LOG_DEBUG);
	cr_assert_eq(cfg.clients.allowed_cidrs.count, 2);
	cr_assert_eq(cfg.clients.allowed_cidrs.items[1].prefix, 16);
	cr_assert_eq(cfg.request_body.image_pull.allowed_registries.count, 2);
	cr_assert_str_eq(cfg.request_body.image_pull.allowed_registries.items[1], "quay.io");
	cr_assert_not(cfg.request_body.image_pull.allow_official);
	cr_assert_eq(cfg.reload.debounce_ns, 1000000000LL);
	cr_assert_eq(cfg.workers, 3);
	cr_assert_eq(cfg.admin.max_request_bytes, 1024);
}

Test(config_env, bad_values_name_the_variable)
{
	char *env[] = { "SOCKGUARD_METRICS_ENABLED=yes", "SOCKGUARD_RELOAD_DEBOUNCE=soon",
			"SOCKGUARD_CLIENTS_ALLOWED_CIDRS=10.0.0.0/8,nope", "SOCKGUARD_WORKERS=many",
			"SOCKGUARD_RESPONSE_DENY_VERBOSITY=chatty", NULL };
	cr_assert_eq(load_env("", env), -1);
	cr_assert(has_error("env SOCKGUARD_METRICS_ENABLED: metrics.enabled: invalid boolean yes"), "%s", first_error());
	cr_assert(has_error("env SOCKGUARD_RELOAD_DEBOUNCE: reload.debounce: invalid duration soon"));
	cr_assert(has_error("env SOCKGUARD_CLIENTS_ALLOWED_CIDRS: clients.allowed_cidrs: invalid CIDR nope"));
	cr_assert(has_error("env SOCKGUARD_WORKERS: workers: invalid integer"));
	cr_assert(has_error("env SOCKGUARD_RESPONSE_DENY_VERBOSITY: response.deny_verbosity: invalid value chatty"));
}

Test(config_env, validation_errors_point_at_env)
{
	char *env[] = { "SOCKGUARD_LISTEN_ADDRESS=0.0.0.0:2375", NULL };
	cr_assert_eq(load_env("", env), -1);
	cr_assert(has_error("env SOCKGUARD_LISTEN_ADDRESS: listen.address: non-loopback"), "%s", first_error());
}

Test(config_env, env_overrides_yaml)
{
	char *env[] = { "SOCKGUARD_UPSTREAM_SOCKET=/env.sock", NULL };
	cr_assert_eq(load_env("upstream:\n  socket: /yaml.sock\nlog:\n  format: text\n", env), 0, "%s", first_error());
	cr_assert_str_eq(cfg.upstream.socket, "/env.sock");
	cr_assert_eq(cfg.log.format, SG_LOG_FORMAT_TEXT, "YAML still applies where env is silent");
}

Test(config_env, empty_env_counts_as_unset)
{
	char *env[] = { "SOCKGUARD_UPSTREAM_SOCKET=", NULL };
	cr_assert_eq(load_env("upstream:\n  socket: /yaml.sock\n", env), 0);
	cr_assert_str_eq(cfg.upstream.socket, "/yaml.sock");
}

Test(config_env, cli_overrides_env_and_yaml)
{
	char *env[] = { "SOCKGUARD_LOG_LEVEL=warn", "SOCKGUARD_LISTEN_SOCKET=/env.sock", NULL };
	cr_assert_eq(load_env("log:\n  level: error\n", env), 0);
	cr_assert_eq(cfg.log.level, SG_LOG_WARN);
	struct sg_cli cli = { .log_level = "debug", .listen_socket = "/cli.sock", .workers = "2",
			      .deny_verbosity = "verbose", .upstream_socket = "/up.sock", .log_format = "text" };
	cr_assert_eq(sg_config_apply_cli(&cfg, &cli, &errs), 0);
	cr_assert_eq(cfg.log.level, SG_LOG_DEBUG);
	cr_assert_str_eq(cfg.listen.socket, "/cli.sock");
	cr_assert_eq(cfg.workers, 2);
	cr_assert_eq(cfg.response.deny_verbosity, SG_DENY_VERBOSE);
	cr_assert_str_eq(cfg.upstream.socket, "/up.sock");
	cr_assert_eq(cfg.log.format, SG_LOG_FORMAT_TEXT);
	cr_assert_eq(sg_config_validate(&cfg, &errs), 0);
}

Test(config_env, bad_cli_value_names_the_flag)
{
	cr_assert_eq(load_env("", NULL), 0);
	struct sg_cli cli = { .log_level = "loud", .workers = "-1" };
	cr_assert_eq(sg_config_apply_cli(&cfg, &cli, &errs), -1);
	cr_assert(has_error("flag --log-level: log.level: invalid value loud"), "%s", first_error());
	cr_assert_eq(sg_config_validate(&cfg, &errs), -1);
	cr_assert(has_error("flag --workers: workers: must be between"));
}

Test(config_env, rules_from_env_flow_value)
{
	char *env[] = { "SOCKGUARD_RULES=[{match: {method: GET, path: /_ping}, action: allow}, "
			"{match: {method: \"*\", path: \"/**\"}, action: deny}]", NULL };
	cr_assert_eq(load_env("", env), 0, "%s", first_error());
	cr_assert_eq(cfg.rules.count, 2);
	cr_assert_eq(cfg.rules_source, SG_SRC_ENV);
}

Test(config_env, bad_rules_from_env_are_reported)
{
	char *env[] = { "SOCKGUARD_RULES=[{match: {method: GET, path: /x%2f}, action: allow}]", NULL };
	cr_assert_eq(load_env("", env), -1);
	cr_assert(has_error("env SOCKGUARD_RULES:1:"), "%s", first_error());
	cr_assert(has_error("rules[0].match.path"));
}

Test(config_env, nested_env_sets_global_concurrency)
{
	char *env[] = { "SOCKGUARD_CLIENTS_GLOBAL_CONCURRENCY_MAX_INFLIGHT=0", NULL };
	cr_assert_eq(load_env("", env), -1);
	cr_assert(has_error("clients.global_concurrency.max_inflight: must be > 0"), "%s", first_error());
}

Test(config_env, unknown_variables_are_warned_with_suggestion)
{
	char *env[] = { "SOCKGUARD_METRICS_ENABLE=true", "SOCKGUARD_TOTALLY_UNRELATED_THING=1",
			"SOCKGUARD_LOG_LEVEL=info", "CONTAINERS=1", NULL };
	char buf[1024] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	cr_assert_not_null(f);
	cr_assert_eq(sg_config_warn_unknown_env(env, f), 2);
	fclose(f);
	cr_assert(strstr(buf, "SOCKGUARD_METRICS_ENABLE is not a configuration key and is ignored (did you mean SOCKGUARD_METRICS_ENABLED?)"),
		  "%s", buf);
	cr_assert(strstr(buf, "SOCKGUARD_TOTALLY_UNRELATED_THING is not a configuration key and is ignored\n"), "%s", buf);
	cr_assert_null(strstr(buf, "LOG_LEVEL"));
}

Test(config_env, cidr_and_ip_parsers)
{
	struct sg_cidr c;
	cr_assert_eq(sg_parse_cidr("10.1.2.3/8", &c), 0);
	cr_assert_eq(c.family, 4);
	cr_assert_eq(c.addr[0], 10);
	cr_assert_eq(c.addr[1], 0, "host bits cleared");
	cr_assert_eq(sg_parse_cidr("::1/128", &c), 0);
	cr_assert_eq(c.family, 6);
	cr_assert_eq(sg_parse_cidr("0.0.0.0/0", &c), 0);
	cr_assert_eq(sg_parse_cidr("10.0.0.0/08", &c), -1);
	cr_assert_eq(sg_parse_cidr("10.0.0.0/", &c), -1);
	cr_assert_eq(sg_parse_cidr("/8", &c), -1);
	cr_assert_eq(sg_parse_cidr("10.0.0/8", &c), -1);
	cr_assert_eq(sg_parse_cidr("010.0.0.0/8", &c), -1);
	cr_assert_eq(sg_parse_cidr("10.0.0.0/8x", &c), -1);
	cr_assert(sg_is_ip_literal("10.0.5.12"));
	cr_assert(sg_is_ip_literal("fe80::1"));
	cr_assert_not(sg_is_ip_literal("10.0.5"));
	cr_assert_not(sg_is_ip_literal("[::1]"));
	cr_assert_not(sg_is_ip_literal(""));
}

Test(config_env, profiles_from_env_flow_value)
{
	char *env[] = { "SOCKGUARD_CLIENTS_PROFILES=[{name: ro, rules: [{match: {method: GET, path: /_ping}, action: allow}]}]",
			"SOCKGUARD_CLIENTS_DEFAULT_PROFILE=ro", NULL };
	cr_assert_eq(load_env("", env), 0, "%s", first_error());
	const struct sg_profile_cfg *p = sg_config_find_profile(&cfg, "ro");
	cr_assert_not_null(p);
	cr_assert_eq(p->rules.count, 1);
	cr_assert_str_eq(cfg.clients.default_profile, "ro");
}

Test(config_env, env_list_replaces_yaml_list)
{
	char *env[] = { "SOCKGUARD_RESPONSE_NAME_PATTERNS=a,b", NULL };
	cr_assert_eq(load_env("response:\n  name_patterns: [x, y, z]\n", env), 0);
	cr_assert_eq(cfg.response.name_patterns.count, 2);
	cr_assert_str_eq(cfg.response.name_patterns.items[0], "a");
}
