/* app/cmd_version.c — `sockguard version`. */
#include <stdio.h>

#include "app/commands.h"

int sg_cmd_version(const struct sg_cli *cli)
{
	(void)cli;
	printf("sockguard %s (C, io_uring)\n", SG_VERSION);
	return 0;
}
