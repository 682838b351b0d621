/* app/cli.h — the command line: `sockguard [serve|validate|match|version] ...`.
 *
 * Parsing only: sg_cli_parse() fills struct sg_cli and never exits; main()
 * decides what to run. Flags that override configuration (CLI > env > YAML >
 * defaults) are kept as NULL-or-string so the loader can tell "not given". */
#ifndef SG_APP_CLI_H
#define SG_APP_CLI_H

#include <stdbool.h>
#include <stddef.h>

#define SG_DEFAULT_CONFIG_PATH "/etc/sockguard/sockguard.yaml"

enum sg_command {
	SG_CMD_SERVE = 0,
	SG_CMD_VALIDATE,
	SG_CMD_MATCH,
	SG_CMD_VERSION,
	SG_CMD_HELP,
};

struct sg_cli {
	enum sg_command command;
	const char *config_path;	/* -c/--config; default SG_DEFAULT_CONFIG_PATH */
	bool config_explicit;		/* -c given: a missing file is an error */

	/* serve overrides (NULL when not given) */
	const char *listen_socket;
	const char *listen_address;
	const char *upstream_socket;
	const char *log_level;
	const char *log_format;
	const char *deny_verbosity;
	const char *workers;

	/* match */
	const char *match_method;	/* -X/--method */
	const char *match_path;		/* --path */
	const char *output;		/* -o/--output: text (default) or json */
};

/* Returns 0, or -1 with a one-line message in err (no trailing newline). */
int sg_cli_parse(int argc, char **argv, struct sg_cli *out, char *err, size_t errlen);
#include <stdio.h>
void sg_cli_usage(FILE *to);

#endif
