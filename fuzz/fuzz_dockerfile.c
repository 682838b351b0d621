/* fuzz/fuzz_dockerfile.c — the Dockerfile RUN detector (inspect/dockerfile.h).
 *
 * Any input: no crash, no read past the slice. Invariants: a Dockerfile
 * that starts with a RUN line always has one; detection does not depend on
 * what comes before a line (an instruction line after "FROM x\n" is still
 * seen, except after a leading BOM); and a RUN in an ONBUILD is seen. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/dockerfile.h"

#define CAP (1u << 16)

static bool with_prefix(const char *pre, const uint8_t *data, size_t size)
{
	static char buf[CAP + 64];
	size_t n = strlen(pre);
	memcpy(buf, pre, n);
	memcpy(buf + n, data, size);
	return sg_dockerfile_has_run(sg_slice_make(buf, n + size));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > CAP)
		return 0;
	/* an exact-size heap copy, so ASan sees any overread */
	char *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	bool run = sg_dockerfile_has_run(sg_slice_make(copy, size));
	free(copy);

	if (!with_prefix("RUN true\n", data, size))
		abort();
	if (!with_prefix("onbuild run x\n", data, size))
		abort();
	/* (a UTF-8 BOM is only skipped at the start of the file, as in Docker) */
	bool bom = size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0;
	if (run && !bom && !with_prefix("FROM scratch\n", data, size))
		abort();
	return 0;
}
