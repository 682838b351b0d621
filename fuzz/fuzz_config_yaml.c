/* fuzz/fuzz_config_yaml.c — arbitrary bytes into the configuration loader.
 *
 * Exercises libyaml + the strict schema walker + validation through the
 * same entry point the admin endpoint uses (sg_config_load_buffer). No env:
 * the result must depend on the bytes only. Must never crash, leak (ASan)
 * or hit UB, and every failure must produce at least one message. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "policy/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const no_env[] = { NULL };
	struct sg_config cfg;
	struct sg_config_errors errs = { 0 };
	int rc = sg_config_load_buffer(&cfg, "fuzz.yaml", (const char *)data, size, no_env, &errs);
	if (rc != 0 && errs.count == 0)
		abort();	/* a rejection must say why */
	if (rc == 0 && (cfg.rules.count == 0 || !cfg.upstream.socket))
		abort();	/* an accepted config is complete */
	sg_config_free(&cfg);
	return 0;
}
