/* app/cmd_validate.c — `sockguard validate`. Placeholder until its engine lands. */
#include <stdio.h>

#include "app/commands.h"

int sg_cmd_validate(const struct sg_cli *cli)
{
	(void)cli;
	fprintf(stderr, "sockguard: validate: not implemented yet\n");
	return 1;
}
