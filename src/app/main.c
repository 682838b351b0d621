/* app/main.c — entry point: parse the command line, run one command. */
#include <stdio.h>

#include "app/cli.h"
#include "app/commands.h"

int main(int argc, char **argv)
{
	struct sg_cli cli;
	char err[256];
	if (sg_cli_parse(argc, argv, &cli, err, sizeof(err)) != 0) {
		fprintf(stderr, "sockguard: %s\n", err);
		sg_cli_usage(stderr);
		return 2;
	}
	switch (cli.command) {
	case SG_CMD_VERSION:
		return sg_cmd_version(&cli);
	case SG_CMD_HELP:
		sg_cli_usage(stdout);
		return 0;
	case SG_CMD_VALIDATE:
		return sg_cmd_validate(&cli);
	case SG_CMD_MATCH:
		return sg_cmd_match(&cli);
	case SG_CMD_SERVE:
		return sg_cmd_serve(&cli);
	}
	return 2;
}
