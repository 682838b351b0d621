/* Tecnativa / LinuxServer env compatibility: the generated rule list and
 * its order match the Go original's ApplyCompat. */
#include <criterion/criterion.h>
#include <string.h>

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

static void expect_rules(const char *const *want, size_t n)
{
	cr_assert_eq(cfg.rules.count, n, "got %zu rules", cfg.rules.count);
	for (size_t i = 0; i < n; i++) {
		char got[160];
		const struct sg_rule_cfg *r = &cfg.rules.items[i];
		snprintf(got, sizeof(got), "%s %s %s", r->action == SG_RULE_ALLOW ? "allow" : "deny", r->method, r->path);
		cr_assert_str_eq(got, want[i], "rule %zu", i);
	}
}

TestSuite(config_compat, .fini = teardown);

Test(config_compat, no_vars_keeps_default_rules)
{
	char *env[] = { "HOME=/root", NULL };
	cr_assert_eq(load_env("", env), 0);
	static const char *want[] = { "allow GET /_ping", "allow HEAD /_ping", "allow GET /version",
				      "allow GET /events", "deny * /**" };
	expect_rules(want, 5);
	cr_assert_not(cfg.compat_active);
	cr_assert_str_eq(cfg.rules.items[4].reason, "no matching allow rule");
}

Test(config_compat, containers_read_only)
{
	char *env[] = { "CONTAINERS=1", NULL };
	cr_assert_eq(load_env("", env), 0);
	static const char *want[] = { "allow GET,HEAD /_ping", "allow GET,HEAD /version", "allow GET,HEAD /events",
				      "allow GET,HEAD /containers/**", "deny * /**" };
	expect_rules(want, 5);
	cr_assert(cfg.compat_active);
	cr_assert(cfg.compat_needs_read_exfiltration);
	cr_assert_eq(cfg.rules_source, SG_SRC_COMPAT);
}

Test(config_compat, post_opens_sections_to_all_methods)
{
	char *env[] = { "POST=1", "IMAGES=true", "INFO=yes", "EVENTS=0", "PING=no", NULL };
	cr_assert_eq(load_env("", env), 0);
	static const char *want[] = { "allow * /version", "allow * /images/**", "allow * /info", "deny * /**" };
	expect_rules(want, 4);
}

Test(config_compat, exec_section_generates_two_rules)
{
	char *env[] = { "EXEC=1", "VERSION=0", NULL };
	cr_assert_eq(load_env("", env), 0);
	static const char *want[] = { "allow GET,HEAD /_ping", "allow GET,HEAD /events", "allow GET,HEAD /exec/**",
				      "allow GET,HEAD /containers/*/exec", "deny * /**" };
	expect_rules(want, 5);
	cr_assert_not(cfg.compat_needs_read_exfiltration);
}

Test(config_compat, granular_writes_work_without_post)
{
	char *env[] = { "POST=0", "ALLOW_START=1", "ALLOW_STOP=1", "ALLOW_RESTARTS=1", "ALLOW_CREATE=0",
			"ALLOW_EXEC=0", "PING=0", "VERSION=0", "EVENTS=0", NULL };
	cr_assert_eq(load_env("", env), 0);
	static const char *want[] = { "allow POST /containers/*/kill", "allow POST /containers/*/restart",
				      "allow POST /containers/*/start", "allow POST /containers/*/stop", "deny * /**" };
	expect_rules(want, 5);
}

Test(config_compat, legacy_allow_restart_alias)
{
	char *env[] = { "ALLOW_RESTART=true", "PING=0", "VERSION=0", "EVENTS=0", NULL };
	cr_assert_eq(load_env("", env), 0);
	static const char *want[] = { "allow POST /containers/*/kill", "allow POST /containers/*/restart",
				      "allow POST /containers/*/stop", "deny * /**" };
	expect_rules(want, 4);
}

Test(config_compat, unparseable_value_is_off)
{
	char *env[] = { "CONTAINERS=maybe", "PING=whatever", NULL };
	cr_assert_eq(load_env("", env), 0);
	static const char *want[] = { "allow GET,HEAD /version", "allow GET,HEAD /events", "deny * /**" };
	expect_rules(want, 3);
}

Test(config_compat, explicit_yaml_rules_win)
{
	char *env[] = { "CONTAINERS=1", "POST=1", NULL };
	cr_assert_eq(load_env("rules:\n  - match: {method: GET, path: /_ping}\n    action: allow\n", env), 0);
	cr_assert_eq(cfg.rules.count, 1);
	cr_assert_not(cfg.compat_active);
}

Test(config_compat, explicit_env_rules_win)
{
	char *env[] = { "CONTAINERS=1", "SOCKGUARD_RULES=[{match: {method: GET, path: /x}, action: allow}]", NULL };
	cr_assert_eq(load_env("", env), 0);
	cr_assert_eq(cfg.rules.count, 1);
	cr_assert_not(cfg.compat_active);
}

Test(config_compat, socket_path_and_log_level_aliases)
{
	char *env[] = { "SOCKET_PATH= /run/docker.sock ", "LOG_LEVEL=warning", NULL };
	cr_assert_eq(load_env("", env), 0);
	cr_assert_str_eq(cfg.upstream.socket, "/run/docker.sock");
	cr_assert_eq(cfg.log.level, SG_LOG_WARN);
	sg_config_free(&cfg);
	char *env2[] = { "LOG_LEVEL=crit", NULL };
	cr_assert_eq(load_env("", env2), 0);
	cr_assert_eq(cfg.log.level, SG_LOG_ERROR);
}

Test(config_compat, sockguard_names_beat_aliases)
{
	char *env[] = { "SOCKET_PATH=/alias.sock", "SOCKGUARD_UPSTREAM_SOCKET=/sg.sock", "LOG_LEVEL=debug",
			"SOCKGUARD_LOG_LEVEL=error", NULL };
	cr_assert_eq(load_env("", env), 0);
	cr_assert_str_eq(cfg.upstream.socket, "/sg.sock");
	cr_assert_eq(cfg.log.level, SG_LOG_ERROR);
}

Test(config_compat, bad_log_level_alias_is_an_error)
{
	char *env[] = { "LOG_LEVEL=verbose", NULL };
	cr_assert_eq(load_env("", env), -1);
	cr_assert(strstr(errs.msg[0], "env LOG_LEVEL: log.level"), "%s", errs.msg[0]);
}
