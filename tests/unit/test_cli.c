/* Command-line parsing (app/cli.c). */
#include <criterion/criterion.h>

#include "app/cli.h"

static int parse(struct sg_cli *cli, char *err, int argc, char **argv)
{
	return sg_cli_parse(argc, argv, cli, err, 256);
}

Test(cli, no_arguments_means_serve_with_default_config)
{
	struct sg_cli cli;
	char err[256];
	char *argv[] = { "sockguard", NULL };
	cr_assert_eq(parse(&cli, err, 1, argv), 0);
	cr_assert_eq(cli.command, SG_CMD_SERVE);
	cr_assert_str_eq(cli.config_path, SG_DEFAULT_CONFIG_PATH);
	cr_assert_not(cli.config_explicit);
}

Test(cli, serve_flags_are_recorded_in_both_spellings)
{
	struct sg_cli cli;
	char err[256];
	char *argv[] = { "sockguard", "serve", "-c", "/x.yaml", "--listen-socket=/a.sock",
			 "--upstream-socket", "/b.sock", "--deny-verbosity", "verbose", NULL };
	cr_assert_eq(parse(&cli, err, 9, argv), 0, "%s", err);
	cr_assert_str_eq(cli.config_path, "/x.yaml");
	cr_assert(cli.config_explicit);
	cr_assert_str_eq(cli.listen_socket, "/a.sock");
	cr_assert_str_eq(cli.upstream_socket, "/b.sock");
	cr_assert_str_eq(cli.deny_verbosity, "verbose");
	cr_assert_null(cli.log_level);
}

Test(cli, unknown_flag_is_named_in_the_error)
{
	struct sg_cli cli;
	char err[256];
	char *argv[] = { "sockguard", "--listen-sock", "/a", NULL };
	cr_assert_eq(parse(&cli, err, 3, argv), -1);
	cr_assert_str_eq(err, "unknown flag '--listen-sock'");
}

Test(cli, empty_value_is_refused)
{
	struct sg_cli cli;
	char err[256];
	char *argv[] = { "sockguard", "--upstream-socket=", NULL };
	cr_assert_eq(parse(&cli, err, 2, argv), -1);
}

Test(cli, match_takes_method_path_and_output)
{
	struct sg_cli cli;
	char err[256];
	char *argv[] = { "sockguard", "match", "-X", "GET", "--path", "/_ping", "-o", "json", NULL };
	cr_assert_eq(parse(&cli, err, 8, argv), 0, "%s", err);
	cr_assert_eq(cli.command, SG_CMD_MATCH);
	cr_assert_str_eq(cli.match_method, "GET");
	cr_assert_str_eq(cli.match_path, "/_ping");
	cr_assert_str_eq(cli.output, "json");
}

Test(cli, match_refuses_unknown_output_format)
{
	struct sg_cli cli;
	char err[256];
	char *argv[] = { "sockguard", "match", "-X", "GET", "--path", "/", "-o", "yaml", NULL };
	cr_assert_eq(parse(&cli, err, 8, argv), -1);
}

Test(cli, serve_only_flags_are_refused_for_validate)
{
	struct sg_cli cli;
	char err[256];
	char *argv[] = { "sockguard", "validate", "--workers", "2", NULL };
	cr_assert_eq(parse(&cli, err, 4, argv), -1);
}

Test(cli, version_flag_anywhere_selects_version)
{
	struct sg_cli cli;
	char err[256];
	char *argv[] = { "sockguard", "--version", NULL };
	cr_assert_eq(parse(&cli, err, 2, argv), 0);
	cr_assert_eq(cli.command, SG_CMD_VERSION);
}
