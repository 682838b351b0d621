/* policy/config_compat.c — Tecnativa / LinuxServer docker-socket-proxy env.
 *
 * CONTAINERS=1, POST=0, ALLOW_START=1, ... are turned into the same rule
 * list, in the same order, as the Go original's ApplyCompat: section rules
 * (read-only "GET,HEAD" unless POST=1, then "*"), then granular container
 * writes, then the catch-all deny. Generated only when no `rules:` were
 * configured (YAML or SOCKGUARD_RULES), so an explicit policy always wins.
 * Values are read like the Go original: 1/true/yes and 0/false/no, case-
 * insensitive; anything else counts as "off" (fail closed). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "policy/config_internal.h"

static const char *const compat_vars[] = {
	"AUTH", "BUILD", "COMMIT", "CONFIGS", "CONTAINERS",
	"DISTRIBUTION", "EVENTS", "EXEC", "GRPC", "IMAGES",
	"INFO", "NETWORKS", "NODES", "PING", "PLUGINS",
	"POST", "SECRETS", "SERVICES", "SESSION", "SWARM",
	"SYSTEM", "TASKS", "VERSION", "VOLUMES",
	"ALLOW_START", "ALLOW_STOP", "ALLOW_RESTART",
	"ALLOW_RESTARTS", "ALLOW_PAUSE", "ALLOW_UNPAUSE", "ALLOW_CREATE",
	"ALLOW_EXEC", "ALLOW_KILL", "ALLOW_DELETE", "ALLOW_PRUNE",
};

/* Section toggles, in the Go original's order. `exfil` marks sections whose
 * broad read rule reaches archive/export/log/attach endpoints, which the
 * rule compiler refuses without insecure_allow_read_exfiltration. */
static const struct {
	const char *var, *path;
	bool default_on, exfil;
} sections[] = {
	{ "PING", "/_ping", true, false },
	{ "VERSION", "/version", true, false },
	{ "EVENTS", "/events", true, false },
	{ "AUTH", "/auth/**", false, false },
	{ "BUILD", "/build/**", false, false },
	{ "COMMIT", "/commit/**", false, false },
	{ "CONFIGS", "/configs/**", false, false },
	{ "CONTAINERS", "/containers/**", false, true },
	{ "DISTRIBUTION", "/distribution/**", false, false },
	{ "EXEC", "/exec/**", false, false },
	{ "EXEC", "/containers/*/exec", false, false },
	{ "GRPC", "/grpc/**", false, false },
	{ "IMAGES", "/images/**", false, true },
	{ "INFO", "/info", false, false },
	{ "NETWORKS", "/networks/**", false, false },
	{ "NODES", "/nodes/**", false, false },
	{ "PLUGINS", "/plugins/**", false, false },
	{ "SECRETS", "/secrets/**", false, false },
	{ "SERVICES", "/services/**", false, true },
	{ "SESSION", "/session/**", false, false },
	{ "SWARM", "/swarm/**", false, false },
	{ "SYSTEM", "/system/**", false, false },
	{ "TASKS", "/tasks/**", false, true },
	{ "VOLUMES", "/volumes/**", false, false },
};

/* Granular container writes (alphabetical by path, as in the original);
 * each is enabled by any of its variables, even when POST=0. */
static const struct {
	const char *vars[3];
	const char *method, *path;
} granular[] = {
	{ { "ALLOW_CREATE" }, "POST", "/containers/create" },
	{ { "ALLOW_DELETE" }, "DELETE", "/containers/*" },
	{ { "ALLOW_EXEC" }, "POST", "/containers/*/exec" },
	{ { "ALLOW_KILL", "ALLOW_RESTARTS", "ALLOW_RESTART" }, "POST", "/containers/*/kill" },
	{ { "ALLOW_PAUSE" }, "POST", "/containers/*/pause" },
	{ { "ALLOW_PRUNE" }, "POST", "/containers/prune" },
	{ { "ALLOW_RESTARTS", "ALLOW_RESTART" }, "POST", "/containers/*/restart" },
	{ { "ALLOW_START" }, "POST", "/containers/*/start" },
	{ { "ALLOW_STOP", "ALLOW_RESTARTS", "ALLOW_RESTART" }, "POST", "/containers/*/stop" },
	{ { "ALLOW_UNPAUSE" }, "POST", "/containers/*/unpause" },
};

/* 1: true, 0: false, -1: set but unparseable, -2: unset. */
static int compat_bool(char *const *envp, const char *var)
{
	const char *v = sg_env_lookup(envp, var);
	if (!v)
		return -2;
	if (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"))
		return 1;
	if (!strcasecmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no"))
		return 0;
	return -1;
}

static bool enabled(char *const *envp, const char *var, bool dflt)
{
	int b = compat_bool(envp, var);
	return b == -2 ? dflt : b == 1;
}

/* SOCKET_PATH and LOG_LEVEL, unless the SOCKGUARD_ names are set. */
static void apply_aliases(struct sg_config *c, char *const *envp, struct sg_config_errors *errs)
{
	const char *sock = sg_env_lookup(envp, "SOCKET_PATH");
	if (!sg_env_lookup(envp, "SOCKGUARD_UPSTREAM_SOCKET") && sock) {
		while (isspace((unsigned char)*sock))
			sock++;
		size_t n = strlen(sock);
		while (n && isspace((unsigned char)sock[n - 1]))
			n--;
		if (n) {
			c->upstream.socket = sg_cfg_strndup(c, sock, n);
			struct sg_where w = { .src = SG_SRC_COMPAT, .name = "SOCKET_PATH" };
			sg_prov_set(c, "upstream.socket", &w);
		}
	}

	const char *lvl = sg_env_lookup(envp, "LOG_LEVEL");
	if (sg_env_lookup(envp, "SOCKGUARD_LOG_LEVEL") || !lvl)
		return;
	static const struct { const char *in; enum sg_log_level out; } map[] = {
		{ "debug", SG_LOG_DEBUG }, { "info", SG_LOG_INFO }, { "notice", SG_LOG_INFO },
		{ "warn", SG_LOG_WARN }, { "warning", SG_LOG_WARN }, { "error", SG_LOG_ERROR },
		{ "err", SG_LOG_ERROR }, { "crit", SG_LOG_ERROR }, { "alert", SG_LOG_ERROR },
		{ "emerg", SG_LOG_ERROR },
	};
	while (isspace((unsigned char)*lvl))
		lvl++;
	size_t n = strlen(lvl);
	while (n && isspace((unsigned char)lvl[n - 1]))
		n--;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strlen(map[i].in) == n && strncasecmp(map[i].in, lvl, n) == 0) {
			c->log.level = map[i].out;
			struct sg_where w = { .src = SG_SRC_COMPAT, .name = "LOG_LEVEL" };
			sg_prov_set(c, "log.level", &w);
			return;
		}
	}
	struct sg_where w = { .src = SG_SRC_COMPAT, .name = "LOG_LEVEL" };
	sg_cfg_err_at(errs, &w, "log.level", "invalid log level \"%.32s\" (want debug, info, warn or error)", lvl);
}

/* Append a generated rule and record the variable that produced it, so an
 * error about rules[N] names that variable ("env CONTAINERS: rules[7]: ..."). */
static void compat_rule(struct sg_config *c, struct sg_rule_list *rules, const char *var, const char *method,
			const char *path, enum sg_rule_action action, const char *reason)
{
	char key[32];
	sg_cfg_keyf(key, sizeof(key), "rules[%zu]", rules->count);
	sg_rule_push(c, rules, method, path, action, reason);
	struct sg_where w = { .src = SG_SRC_COMPAT, .name = var };
	sg_prov_set(c, key, &w);
}

void sg_config_compat_apply(struct sg_config *c, char *const *envp, struct sg_config_errors *errs)
{
	if (!envp)
		return;
	apply_aliases(c, envp, errs);
	if (c->rules_source != SG_SRC_DEFAULT)
		return;	/* explicit rules win, even if identical to the defaults */

	bool any = false;
	for (size_t i = 0; i < sizeof(compat_vars) / sizeof(compat_vars[0]) && !any; i++)
		any = sg_env_lookup(envp, compat_vars[i]) != NULL;
	if (!any)
		return;

	struct sg_rule_list rules = { 0 };
	const char *read_methods = enabled(envp, "POST", false) ? "*" : "GET,HEAD";
	bool exfil = false;
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (!enabled(envp, sections[i].var, sections[i].default_on))
			continue;
		compat_rule(c, &rules, sections[i].var, read_methods, sections[i].path, SG_RULE_ALLOW, NULL);
		exfil |= sections[i].exfil;
	}
	for (size_t i = 0; i < sizeof(granular) / sizeof(granular[0]); i++) {
		const char *on = NULL;
		for (size_t k = 0; k < 3 && granular[i].vars[k] && !on; k++)
			if (compat_bool(envp, granular[i].vars[k]) == 1)
				on = granular[i].vars[k];
		if (on)
			compat_rule(c, &rules, on, granular[i].method, granular[i].path, SG_RULE_ALLOW, NULL);
	}
	compat_rule(c, &rules, "CONTAINERS/IMAGES/POST/...", "*", "/**", SG_RULE_DENY, "no matching allow rule");

	c->rules = rules;
	c->rules_source = SG_SRC_COMPAT;
	c->compat_active = true;
	c->compat_needs_read_exfiltration = exfil;
	struct sg_where w = { .src = SG_SRC_COMPAT, .name = "CONTAINERS/IMAGES/POST/..." };
	sg_prov_set(c, "rules", &w);
}
