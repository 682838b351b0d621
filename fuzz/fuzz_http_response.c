/* fuzz_http_response — arbitrary upstream bytes through response framing.
 * First byte picks the request facts (HEAD, hijack candidate); the rest is
 * fed in two pieces. No crash; `used` never exceeds what was fed. */
#include <stdint.h>
#include <stdlib.h>

#include "http/response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	struct sg_http_resp_parser p;
	sg_http_resp_init(&p, data[0] & 1, (data[0] >> 1) & 1);
	const char *b = (const char *)data + 2;
	size_t n = size - 2, cut = data[1] % (n + 1), used = 0;
	enum sg_resp_event e = sg_http_resp_feed(&p, b, cut, &used);
	if (used > cut)
		abort();
	if (e == SG_RESP_MORE) {
		e = sg_http_resp_feed(&p, b + cut, n - cut, &used);
		if (used > n - cut)
			abort();
	}
	if (e == SG_RESP_MORE)
		(void)sg_http_resp_eof_ok(&p);
	return 0;
}
