/* app/cmd_serve.c — `sockguard serve`. Placeholder until its engine lands. */
#include <stdio.h>

#include "app/commands.h"

int sg_cmd_serve(const struct sg_cli *cli)
{
	(void)cli;
	fprintf(stderr, "sockguard: serve: not implemented yet\n");
	return 1;
}
