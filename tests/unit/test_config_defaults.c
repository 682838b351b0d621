/* Built-in defaults (spec 002) and the missing-file rules. */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/config.h"

static struct sg_config cfg;
static struct sg_config_errors errs;
static char *const no_env[] = { NULL };

static void teardown(void) { sg_config_free(&cfg); }

TestSuite(config_defaults, .fini = teardown);

Test(config_defaults, values_match_spec)
{
	sg_config_init_defaults(&cfg);
	cr_assert_str_eq(cfg.listen.address, "127.0.0.1:2375");
	cr_assert_null(cfg.listen.socket);
	cr_assert_eq(cfg.listen.socket_mode, 0600);
	cr_assert_not(cfg.listen.insecure_allow_plain_tcp);
	cr_assert_str_eq(cfg.upstream.socket, "/var/run/docker.sock");
	cr_assert_eq(cfg.log.level, SG_LOG_INFO);
	cr_assert_eq(cfg.log.format, SG_LOG_FORMAT_JSON);
	cr_assert_str_eq(cfg.log.output, "stderr");
	cr_assert(cfg.log.access_log);
	cr_assert_not(cfg.log.audit.enabled);
	cr_assert_eq(cfg.response.deny_verbosity, SG_DENY_MINIMAL);
	cr_assert(cfg.response.redact_container_env && cfg.response.redact_mount_paths &&
		  cfg.response.redact_network_topology && cfg.response.redact_sensitive_data);
	cr_assert(cfg.request_body.image_pull.allow_official);
	cr_assert_not(cfg.request_body.container_create.allow_privileged);
	cr_assert_str_eq(cfg.clients.container_labels.label_prefix, "com.sockguard.allow.");
	cr_assert_str_eq(cfg.ownership.label_key, "com.sockguard.owner");
	cr_assert(cfg.ownership.allow_unowned_images);
	cr_assert(cfg.health.enabled);
	cr_assert_str_eq(cfg.health.path, "/health");
	cr_assert_eq(cfg.health.watchdog.interval_ns, 5000000000LL);
	cr_assert_not(cfg.metrics.enabled);
	cr_assert_str_eq(cfg.metrics.path, "/metrics");
	cr_assert_str_eq(cfg.admin.path, "/admin/validate");
	cr_assert_str_eq(cfg.admin.policy_version_path, "/admin/policy/version");
	cr_assert_eq(cfg.admin.max_request_bytes, 524288);
	cr_assert_eq(cfg.reload.debounce_ns, 250000000LL);
	cr_assert_eq(cfg.reload.poll_interval_ns, 0);
	cr_assert_not(cfg.insecure_allow_body_blind_writes);
	cr_assert_not(cfg.insecure_allow_read_exfiltration);
	cr_assert_eq(cfg.workers, 0);
	cr_assert_gt(cfg.server.max_connections, 0);
	cr_assert_eq(cfg.rules_source, SG_SRC_DEFAULT);
}

Test(config_defaults, default_rules_are_the_originals)
{
	sg_config_init_defaults(&cfg);
	cr_assert_eq(cfg.rules.count, 5);
	static const char *m[] = { "GET", "HEAD", "GET", "GET", "*" };
	static const char *p[] = { "/_ping", "/_ping", "/version", "/events", "/**" };
	for (size_t i = 0; i < 5; i++) {
		cr_assert_str_eq(cfg.rules.items[i].method, m[i]);
		cr_assert_str_eq(cfg.rules.items[i].path, p[i]);
		cr_assert_eq(cfg.rules.items[i].action, i < 4 ? SG_RULE_ALLOW : SG_RULE_DENY);
	}
	cr_assert_str_eq(cfg.rules.items[4].reason, "no matching allow rule");
}

Test(config_defaults, defaults_validate)
{
	sg_config_init_defaults(&cfg);
	memset(&errs, 0, sizeof(errs));
	cr_assert_eq(sg_config_validate(&cfg, &errs), 0, "%s", errs.count ? errs.msg[0] : "");
}

Test(config_defaults, missing_default_file_is_fine)
{
	memset(&errs, 0, sizeof(errs));
	cr_assert_eq(sg_config_load(&cfg, "/nonexistent/sockguard.yaml", false, no_env, &errs), 0);
	cr_assert_not(cfg.file_loaded);
	cr_assert_eq(cfg.rules.count, 5);
}

Test(config_defaults, missing_explicit_file_is_an_error)
{
	memset(&errs, 0, sizeof(errs));
	cr_assert_eq(sg_config_load(&cfg, "/nonexistent/sockguard.yaml", true, no_env, &errs), -1);
	cr_assert_eq(errs.count, 1);
	cr_assert(strstr(errs.msg[0], "/nonexistent/sockguard.yaml: cannot open config file"), "%s", errs.msg[0]);
}

Test(config_defaults, directory_is_an_error)
{
	memset(&errs, 0, sizeof(errs));
	cr_assert_eq(sg_config_load(&cfg, "/", false, no_env, &errs), -1);
}

Test(config_defaults, null_env_and_free_twice)
{
	memset(&errs, 0, sizeof(errs));
	cr_assert_eq(sg_config_load(&cfg, NULL, false, NULL, &errs), 0);
	sg_config_free(&cfg);
	sg_config_free(&cfg);
}

Test(config_defaults, error_list_is_bounded)
{
	struct sg_config_errors e = { 0 };
	for (int i = 0; i < SG_CONFIG_MAX_ERRORS + 5; i++)
		sg_config_errorf(&e, "error %d", i);
	cr_assert_eq(e.count, SG_CONFIG_MAX_ERRORS);
	cr_assert_eq(e.dropped, 5);
}
