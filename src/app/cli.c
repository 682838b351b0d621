/* app/cli.c — see cli.h. */
#include "app/cli.h"

#include <stdio.h>
#include <string.h>

struct flag_spec {
	const char *long_name;		/* "--listen-socket" */
	const char *short_name;		/* "-c" or NULL */
	size_t field;			/* offsetof(struct sg_cli, ...) */
	unsigned commands;		/* bitmask of commands that accept it */
};

#define CMD_BIT(c) (1u << (c))
#define SERVE CMD_BIT(SG_CMD_SERVE)
#define VALIDATE CMD_BIT(SG_CMD_VALIDATE)
#define MATCH CMD_BIT(SG_CMD_MATCH)

static const struct flag_spec flags[] = {
	{ "--config", "-c", offsetof(struct sg_cli, config_path), SERVE | VALIDATE | MATCH },
	{ "--listen-socket", NULL, offsetof(struct sg_cli, listen_socket), SERVE },
	{ "--listen-address", NULL, offsetof(struct sg_cli, listen_address), SERVE },
	{ "--upstream-socket", NULL, offsetof(struct sg_cli, upstream_socket), SERVE },
	{ "--log-level", NULL, offsetof(struct sg_cli, log_level), SERVE },
	{ "--log-format", NULL, offsetof(struct sg_cli, log_format), SERVE },
	{ "--deny-verbosity", NULL, offsetof(struct sg_cli, deny_verbosity), SERVE },
	{ "--workers", NULL, offsetof(struct sg_cli, workers), SERVE },
	{ "--method", "-X", offsetof(struct sg_cli, match_method), MATCH },
	{ "--path", NULL, offsetof(struct sg_cli, match_path), MATCH },
	{ "--output", "-o", offsetof(struct sg_cli, output), MATCH },
};

static const char *command_name(enum sg_command c)
{
	switch (c) {
	case SG_CMD_SERVE: return "serve";
	case SG_CMD_VALIDATE: return "validate";
	case SG_CMD_MATCH: return "match";
	case SG_CMD_VERSION: return "version";
	case SG_CMD_HELP: return "help";
	}
	return "?";
}

void sg_cli_usage(FILE *to)
{
	fputs("usage:\n"
	      "  sockguard [serve] [-c FILE] [--listen-socket PATH] [--listen-address HOST:PORT]\n"
	      "                    [--upstream-socket PATH] [--log-level debug|info|warn|error]\n"
	      "                    [--log-format json|text] [--deny-verbosity minimal|verbose] [--workers N]\n"
	      "  sockguard validate -c FILE\n"
	      "  sockguard match -X METHOD --path PATH [-o text|json] [-c FILE]\n"
	      "  sockguard version | --version\n",
	      to);
}

int sg_cli_parse(int argc, char **argv, struct sg_cli *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->command = SG_CMD_SERVE;
	out->config_path = SG_DEFAULT_CONFIG_PATH;

	int i = 1;
	if (i < argc && argv[i][0] != '-') {
		const char *c = argv[i];
		if (!strcmp(c, "serve")) out->command = SG_CMD_SERVE;
		else if (!strcmp(c, "validate")) out->command = SG_CMD_VALIDATE;
		else if (!strcmp(c, "match")) out->command = SG_CMD_MATCH;
		else if (!strcmp(c, "version")) out->command = SG_CMD_VERSION;
		else if (!strcmp(c, "help")) out->command = SG_CMD_HELP;
		else {
			snprintf(err, errlen, "unknown command '%s'", c);
			return -1;
		}
		i++;
	}

	for (; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--version") || !strcmp(arg, "-v")) {
			out->command = SG_CMD_VERSION;
			continue;
		}
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			out->command = SG_CMD_HELP;
			continue;
		}
		if (arg[0] != '-') {
			snprintf(err, errlen, "unexpected argument '%s' for '%s'", arg, command_name(out->command));
			return -1;
		}

		/* --flag=value or --flag value */
		const char *eq = strchr(arg, '=');
		size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
		const struct flag_spec *spec = NULL;
		for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			const char *ln = flags[f].long_name, *sn = flags[f].short_name;
			if ((strlen(ln) == name_len && !strncmp(arg, ln, name_len)) ||
			    (sn && strlen(sn) == name_len && !strncmp(arg, sn, name_len))) {
				spec = &flags[f];
				break;
			}
		}
		if (!spec) {
			snprintf(err, errlen, "unknown flag '%.*s'", (int)name_len, arg);
			return -1;
		}
		if (!(spec->commands & CMD_BIT(out->command))) {
			snprintf(err, errlen, "flag '%s' is not valid for '%s'", spec->long_name, command_name(out->command));
			return -1;
		}
		const char *value;
		if (eq) {
			value = eq + 1;
		} else {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "flag '%s' needs a value", spec->long_name);
				return -1;
			}
			value = argv[++i];
		}
		if (value[0] == '\0') {
			snprintf(err, errlen, "flag '%s' needs a non-empty value", spec->long_name);
			return -1;
		}
		*(const char **)((char *)out + spec->field) = value;
		if (spec->field == offsetof(struct sg_cli, config_path))
			out->config_explicit = true;
	}

	if (out->command == SG_CMD_MATCH) {
		if (!out->match_method || !out->match_path) {
			snprintf(err, errlen, "'match' needs -X METHOD and --path PATH");
			return -1;
		}
		if (out->output && strcmp(out->output, "json") && strcmp(out->output, "text")) {
			snprintf(err, errlen, "-o must be 'text' or 'json', not '%s'", out->output);
			return -1;
		}
	}
	return 0;
}
