/* app/commands.h — one function per subcommand; each returns the exit code. */
#ifndef SG_APP_COMMANDS_H
#define SG_APP_COMMANDS_H

#include "app/cli.h"

int sg_cmd_version(const struct sg_cli *cli);
int sg_cmd_validate(const struct sg_cli *cli);
int sg_cmd_match(const struct sg_cli *cli);
int sg_cmd_serve(const struct sg_cli *cli);

#endif
