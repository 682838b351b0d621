/* app/cmd_stubs.c — TEMPORARY: commands whose engines land in issues 3/4.
 * Each moves to its own cmd_<name>.c when implemented; delete this file then. */
#include <stdio.h>

#include "app/commands.h"

int sg_cmd_validate(const struct sg_cli *cli)
{
	fprintf(stderr, "sockguard: validate: %s: not implemented yet\n", cli->config_path);
	return 1;
}

int sg_cmd_match(const struct sg_cli *cli)
{
	fprintf(stderr, "sockguard: match: not implemented yet\n");
	(void)cli;
	return 1;
}

int sg_cmd_serve(const struct sg_cli *cli)
{
	fprintf(stderr, "sockguard: serve: not implemented yet\n");
	(void)cli;
	return 1;
}
