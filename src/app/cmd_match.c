/* app/cmd_match.c — `sockguard match -X METHOD --path PATH [-o json] -c FILE`.
 *
 * Loads and validates the configuration exactly like serve (compile runs the
 * start-up guards too), canonicalizes the path like the data plane and
 * reports which root rule decides the request: the Go original's `match`
 * fields and layout (text: 16-column labels; json: one object per line).
 * Exit 0 whenever an answer was produced, whatever the decision; 1 on a
 * usage or configuration error. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "app/commands.h"
#include "policy/compile.h"
#include "policy/config.h"
#include "policy/match.h"
#include "policy/path.h"
#include "policy/policy_types.h"

extern char **environ;

struct match_report {
	const char *config;
	const char *method;
	const char *path;
	sg_slice normalized;
	const char *decision;
	const char *reason;		/* "" = none */
	bool compat;
	const struct sg_rule_cfg *rule;	/* NULL = none */
	int rule_number;		/* 1-based */
};

/* JSON string the way Go's encoding/json writes one (HTML-safe). */
static void json_str(FILE *o, sg_slice s)
{
	fputc('"', o);
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", o);
		else if (c == '\r')
			fputs("\\r", o);
		else if (c == '\t')
			fputs("\\t", o);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			fprintf(o, "\\u%04x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

static void json_field(FILE *o, const char *name, const char *v, bool comma)
{
	fprintf(o, "%s\"%s\":", comma ? "," : "", name);
	json_str(o, sg_slice_cstr(v ? v : ""));
}

static void print_json(FILE *o, const struct match_report *r)
{
	fputc('{', o);
	json_field(o, "config", r->config, false);
	json_field(o, "method", r->method, true);
	json_field(o, "path", r->path, true);
	fputs(",\"normalized_path\":", o);
	json_str(o, r->normalized);
	json_field(o, "decision", r->decision, true);
	if (*r->reason)
		json_field(o, "reason", r->reason, true);
	if (r->compat)
		fputs(",\"compat_mode\":true", o);
	if (r->rule) {
		fprintf(o, ",\"matched_rule\":{\"index\":%d", r->rule_number);
		json_field(o, "method", r->rule->method, true);
		json_field(o, "path", r->rule->path, true);
		json_field(o, "action", r->rule->action == SG_RULE_ALLOW ? "allow" : "deny", true);
		if (r->rule->reason && *r->rule->reason)
			json_field(o, "reason", r->rule->reason, true);
		fputc('}', o);
	}
	fputs("}\n", o);
}

#define LABEL "%-16s "

static void print_text(FILE *o, const struct match_report *r)
{
	fprintf(o, LABEL "%s\n", "Config:", r->config);
	fprintf(o, LABEL "%s\n", "Method:", r->method);
	fprintf(o, LABEL "%s\n", "Path:", r->path);
	fprintf(o, LABEL "%.*s\n", "Normalized path:", (int)r->normalized.len, r->normalized.ptr);
	if (r->compat)
		fprintf(o, LABEL "%s\n", "Mode:", "tecnativa compatibility");
	fputc('\n', o);
	fprintf(o, LABEL "%s\n", "Decision:", r->decision);
	if (!r->rule) {
		fprintf(o, LABEL "%s\n", "Matched rule:", "none");
	} else {
		fprintf(o, LABEL "#%d\n", "Matched rule:", r->rule_number);
		fprintf(o, LABEL "%s %s %s\n", "Rule:", r->rule->action == SG_RULE_ALLOW ? "allow" : "deny",
			r->rule->method ? r->rule->method : "", r->rule->path ? r->rule->path : "");
	}
	if (*r->reason)
		fprintf(o, LABEL "%s\n", "Reason:", r->reason);
}

/* Trimmed copy of s into buf (upper-cased when `upper`). */
static const char *trimmed(const char *s, char *buf, size_t cap, bool upper)
{
	if (!s)
		s = "";
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = upper ? (char)toupper((unsigned char)s[i]) : s[i];
	buf[n] = '\0';
	return buf;
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "sockguard: match: %s\n", msg);
	return 1;
}

int sg_cmd_match(const struct sg_cli *cli)
{
	static char method[64], path[SG_PATH_MAX + 1], canon[SG_PATH_MAX + 1], output[16];
	trimmed(cli->output ? cli->output : "text", output, sizeof(output), false);
	for (char *c = output; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	bool json = strcmp(output, "json") == 0;
	if (!json && strcmp(output, "text") != 0) {
		fprintf(stderr, "sockguard: match: unsupported output format \"%s\" (must be text or json)\n",
			cli->output);
		return 1;
	}
	trimmed(cli->match_method, method, sizeof(method), true);
	trimmed(cli->match_path, path, sizeof(path), false);
	if (!*method)
		return usage_error("method is required");
	if (!*path)
		return usage_error("path is required");
	if (path[0] != '/')
		return usage_error("path must start with \"/\"");

	struct sg_config cfg;
	struct sg_config_errors errs = { 0 };
	struct sg_policy *p = NULL;
	int rc = sg_config_load(&cfg, cli->config_path, true, environ, &errs);
	if (rc == 0 && !(p = sg_policy_compile(&cfg, &errs)))
		rc = -1;
	if (rc != 0) {
		sg_config_errors_print(&errs, stderr);
		fprintf(stderr, "sockguard: match: config validation failed\n");
		sg_config_free(&cfg);
		return 1;
	}

	struct match_report r = { .config = cli->config_path ? cli->config_path : "", .method = method,
				  .path = path, .decision = "deny", .reason = "", .compat = cfg.compat_active };
	struct sg_canon_path cp;
	int prc = sg_path_canonicalize(sg_slice_cstr(path), canon, sizeof(canon), &cp);
	char why[96];
	if (prc != SG_PATH_OK) {
		/* The proxy answers 400 without consulting the rules. */
		snprintf(why, sizeof(why), "path_not_canonical: %s", sg_path_strerror(prc));
		r.reason = why;
		r.normalized = SG_SLICE_LIT("");
	} else {
		struct sg_match_result m;
		sg_matcher_match(p->root.rules, sg_slice_cstr(method), cp.path, &m);
		r.normalized = cp.path;
		if (m.index < 0) {
			r.reason = "no matching allow rule";
		} else {
			r.rule = &cfg.rules.items[m.index];
			r.rule_number = m.index + 1;
			r.decision = m.action == SG_RULE_ALLOW ? "allow" : "deny";
			r.reason = m.reason ? m.reason : "";
		}
	}
	if (json)
		print_json(stdout, &r);
	else
		print_text(stdout, &r);
	sg_policy_free(p);
	sg_config_free(&cfg);
	return 0;
}
