/* obs/obuf.c — bounded append helpers (see obuf.h). */
#include "obs/obuf.h"

#include <string.h>

void sg_obuf_overflow(struct sg_obuf *b, size_t n)
{
	/* Once a piece does not fit, nothing more is written: the record is
	 * dropped whole, never emitted with a hole in the middle. */
	b->overflow = true;
	b->want += n;
}

void sg_obuf_puts(struct sg_obuf *b, const char *s)
{
	if (s)
		sg_obuf_put(b, s, strlen(s));
}

void sg_obuf_u64(struct sg_obuf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sg_obuf_put(b, tmp + i, sizeof(tmp) - i);
}

void sg_obuf_i64(struct sg_obuf *b, int64_t v)
{
	if (v < 0) {
		sg_obuf_putc(b, '-');
		sg_obuf_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		sg_obuf_u64(b, (uint64_t)v);
	}
}

void sg_obuf_fixed(struct sg_obuf *b, uint64_t v, unsigned scale)
{
	uint64_t div = 1;
	for (unsigned i = 0; i < scale; i++)
		div *= 10;
	sg_obuf_u64(b, v / div);
	uint64_t frac = v % div;
	if (frac == 0)
		return;
	char tmp[20];
	unsigned n = scale;
	for (unsigned i = scale; i-- > 0;) {
		tmp[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	while (n > 0 && tmp[n - 1] == '0')
		n--;
	sg_obuf_putc(b, '.');
	sg_obuf_put(b, tmp, n);
}

void sg_obuf_hex(struct sg_obuf *b, const uint8_t *raw, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		char two[2] = { digits[raw[i] >> 4], digits[raw[i] & 15] };
		sg_obuf_put(b, two, 2);
	}
}

bool sg_obuf_finish(struct sg_obuf *b)
{
	if (b->cap == 0)
		return false;
	size_t at = b->len < b->cap ? b->len : b->cap - 1;
	b->p[at] = '\0';
	return !b->overflow && b->len < b->cap;
}
