/* `sockguard validate`: exit 0 with a summary for a good file, 1 with every
 * error for a bad or missing one (load + validate + compile). */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>

#include "app/cli.h"
#include "app/commands.h"

static int run_validate(const char *path)
{
	struct sg_cli cli = { .command = SG_CMD_VALIDATE, .config_path = path, .config_explicit = true };
	return sg_cmd_validate(&cli);
}

static void quiet(void)
{
	cr_redirect_stdout();
	cr_redirect_stderr();
}

Test(config_validate_cmd, accepts_preset, .init = quiet)
{
	cr_assert_eq(run_validate(SG_SOURCE_DIR "/deploy/presets/readonly.yaml"), 0);
	fflush(stdout);
	cr_assert_stdout_neq_str("");
}

Test(config_validate_cmd, rejects_bad_file, .init = quiet)
{
	cr_assert_eq(run_validate(SG_SOURCE_DIR "/tests/unit/data/config/bad.yaml"), 1);
}

Test(config_validate_cmd, rejects_missing_file, .init = quiet)
{
	cr_assert_eq(run_validate("/nonexistent/sockguard.yaml"), 1);
}

Test(config_validate_cmd, summary_line, .init = cr_redirect_stdout)
{
	cr_assert_eq(run_validate(SG_SOURCE_DIR "/tests/unit/data/config/spec-example.yaml"), 0);
	fflush(stdout);
	FILE *out = cr_get_redirected_stdout();
	char line[256], last[256] = "";
	while (fgets(line, sizeof(line), out))
		snprintf(last, sizeof(last), "%s", line);
	cr_assert_str_eq(last, "config OK: 6 rules, 0 profiles\n");
}
