/* app/cmd_match.c — `sockguard match`. Placeholder until its engine lands. */
#include <stdio.h>

#include "app/commands.h"

int sg_cmd_match(const struct sg_cli *cli)
{
	(void)cli;
	fprintf(stderr, "sockguard: match: not implemented yet\n");
	return 1;
}
