/* fuzz/fuzz_exec_lookup.c — arbitrary upstream answers to the exec-start
 * lookup (GET /exec/{id}/json), then the metadata judge.
 *
 * Input layout: [cut][response bytes...]: fed in two pieces split at cut,
 * then EOF. Invariants: the body never exceeds its cap; FOUND only for a
 * complete 200 whose body fit; the judge never crashes on what was kept. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "inspect/inspect.h"
#include "ring/exec_lookup.h"

static struct sg_arena arena;
static struct sg_inspect_settings settings;
static char body[SG_EXEC_LOOKUP_BODY_MAX];
static char *argv_a[] = { "cat" };
static char *argv_b[] = { "sh", "-c", "echo *" };
static struct sg_str_list cmds[] = { { argv_a, 1 }, { argv_b, 3 } };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init++) {
		if (sg_arena_init(&arena, 16u << 20) != 0)
			abort();
		sg_inspect_settings_defaults(&settings);
		settings.exec.allowed_commands = (struct sg_str_list_list){ cmds, 2 };
	}
	if (size < 1)
		return 0;
	struct sg_exec_lookup l;
	sg_exec_lookup_init(&l, body, sizeof(body));
	const char *b = (const char *)data + 1;
	size_t n = size - 1, cut = (size_t)data[0] * n / 255;
	if (sg_exec_lookup_feed(&l, b, cut) == SG_XL_MORE && sg_exec_lookup_feed(&l, b + cut, n - cut) == SG_XL_MORE)
		sg_exec_lookup_eof(&l);
	if (!l.done || l.body_len > l.body_cap)
		abort();
	if (l.outcome == SG_EXEC_LOOKUP_FOUND) {
		if (l.sp.status != 200 || l.overflow)
			abort();
		struct sg_inspect_result r;
		sg_inspect_exec_metadata(&settings, sg_exec_lookup_body(&l), &arena, &r);
		sg_arena_reset(&arena);
	}
	return 0;
}
