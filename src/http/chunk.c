/* http/chunk.c — chunk data that went past the parser (see chunk.h). */
#include "http/chunk.h"

uint64_t sg_http_chunk_left(const llhttp_t *l, bool in_chunk)
{
	if (!in_chunk || !(l->flags & F_CHUNKED))
		return 0;
	return l->content_length;
}

bool sg_http_chunk_skip(llhttp_t *l, uint64_t n)
{
	static const char zeros[16384];
	while (n > 0) {
		size_t k = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);
		if (llhttp_execute(l, zeros, k) != HPE_OK)
			return false;
		n -= k;
	}
	return true;
}
