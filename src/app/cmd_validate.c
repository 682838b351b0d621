/* app/cmd_validate.c — `sockguard validate -c FILE`.
 *
 * Runs the serve start-up pipeline without serving: load (YAML, SOCKGUARD_*
 * env, Tecnativa compat env), validate, compile the policy (which also runs
 * the start-up guards). Every error goes to stderr, one per line, in the
 * "FILE:LINE:COL: key.path: reason" form; exit 1 on any. On success the
 * effective rule set is printed (like the Go original) and a one-line
 * summary ends the report. Unlike serve, the file must exist. */
#include <stdio.h>
#include <string.h>

#include "app/commands.h"
#include "policy/compile.h"
#include "policy/config.h"

extern char **environ;

static void print_rules(FILE *out, const struct sg_rule_list *rules, const char *indent)
{
	for (size_t i = 0; i < rules->count; i++) {
		const struct sg_rule_cfg *r = &rules->items[i];
		fprintf(out, "%s%s  %-8s %s\n", indent, r->action == SG_RULE_ALLOW ? "allow" : "deny ",
			r->method ? r->method : "*", r->path ? r->path : "");
	}
}

static void print_report(FILE *out, const struct sg_config *c)
{
	fprintf(out, "  Config    %s\n", c->path ? c->path : "(none)");
	if (c->listen.socket)
		fprintf(out, "  Listen    unix:%s\n", c->listen.socket);
	else
		fprintf(out, "  Listen    tcp:%s%s\n", c->listen.address ? c->listen.address : "",
			c->listen.tls.cert_file ? " (mTLS)" : "");
	fprintf(out, "  Upstream  %s\n", c->upstream.socket);
	if (c->compat_active)
		fprintf(out, "  Mode      tecnativa compatibility\n");
	fprintf(out, "\n  Rules (%zu)\n", c->rules.count);
	print_rules(out, &c->rules, "    ");
	if (c->clients.profile_count) {
		fprintf(out, "\n  Client Profiles (%zu)\n", c->clients.profile_count);
		for (size_t i = 0; i < c->clients.profile_count; i++) {
			const struct sg_profile_cfg *p = &c->clients.profiles[i];
			bool dflt = c->clients.default_profile && p->name &&
				    !strcmp(c->clients.default_profile, p->name);
			fprintf(out, "    %s%s [%s]\n", p->name, dflt ? " (default)" : "", sg_profile_mode_name(p->mode));
			print_rules(out, &p->rules, "      ");
		}
	}
	fprintf(out, "\n");
}

int sg_cmd_validate(const struct sg_cli *cli)
{
	struct sg_config cfg;
	struct sg_config_errors errs = { 0 };
	sg_config_warn_unknown_env(environ, stderr);
	/* validate is about a file: a missing one is an error even at the default path. */
	int rc = sg_config_load(&cfg, cli->config_path, true, environ, &errs);
	if (rc == 0) {
		struct sg_policy *p = sg_policy_compile(&cfg, &errs);
		if (!p)
			rc = -1;
		else
			sg_policy_free(p);
	}
	if (rc != 0 || errs.count) {
		sg_config_errors_print(&errs, stderr);
		fprintf(stderr, "validation failed: %zu error%s\n", errs.count + errs.dropped,
			errs.count + errs.dropped == 1 ? "" : "s");
		sg_config_free(&cfg);
		return 1;
	}
	print_report(stdout, &cfg);
	printf("config OK: %zu rules, %zu profiles\n", sg_config_rule_count(&cfg), sg_config_profile_count(&cfg));
	sg_config_free(&cfg);
	return 0;
}
