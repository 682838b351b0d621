/* obs/obuf.h — a bounded output buffer for formatting log lines and scrapes.
 *
 * Every formatter in obs/ writes into caller-owned memory through this small
 * cursor: appends never write past `cap`, and the first append that does not
 * fit sets `overflow` (the caller then drops the record); after that nothing
 * more is written. `want` keeps counting the bytes that *would* have been
 * written, snprintf-style, so a caller can size a retry buffer. Nothing here allocates. */
#ifndef SG_OBS_OBUF_H
#define SG_OBS_OBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/slice.h"

struct sg_obuf {
	char *p;
	size_t cap;
	size_t len;		/* bytes written, always <= cap */
	size_t want;		/* bytes wanted so far; > cap after an overflow */
	bool overflow;
	const char *group;	/* log attribute group in effect (obs/log.h) */
};

static inline struct sg_obuf sg_obuf_make(char *p, size_t cap)
{
	return (struct sg_obuf){ .p = p, .cap = cap, .len = 0, .want = 0, .overflow = false, .group = NULL };
}

/* Slow path of the inline appends below: records the overflow. */
void sg_obuf_overflow(struct sg_obuf *b, size_t n);

/* Appends are inline: a log line is built from dozens of small pieces. */
static inline void sg_obuf_put(struct sg_obuf *b, const char *s, size_t n)
{
	if (__builtin_expect(!b->overflow && n <= b->cap - b->len, 1)) {
		if (n)
			memcpy(b->p + b->len, s, n);
		b->len += n;
		b->want += n;
	} else {
		sg_obuf_overflow(b, n);
	}
}

static inline void sg_obuf_putc(struct sg_obuf *b, char c)
{
	if (__builtin_expect(!b->overflow && b->len < b->cap, 1)) {
		b->p[b->len++] = c;
		b->want++;
	} else {
		sg_obuf_overflow(b, 1);
	}
}

void sg_obuf_puts(struct sg_obuf *b, const char *s);
void sg_obuf_u64(struct sg_obuf *b, uint64_t v);
void sg_obuf_i64(struct sg_obuf *b, int64_t v);
/* Fixed-point decimal: v / 10^scale with trailing zeros (and a bare '.')
 * trimmed, the way Go's strconv.FormatFloat(x, 'f', -1, 64) prints
 * values that are exact at that scale ("0.25", "12", "1.5"). */
void sg_obuf_fixed(struct sg_obuf *b, uint64_t v, unsigned scale);
/* Lowercase hex of n raw bytes. */
void sg_obuf_hex(struct sg_obuf *b, const uint8_t *raw, size_t n);

static inline void sg_obuf_slice(struct sg_obuf *b, sg_slice s) { sg_obuf_put(b, s.ptr, s.len); }

/* NUL-terminate within cap (never counted in len). Returns false when the
 * buffer overflowed, in which case the content is a truncated prefix. */
bool sg_obuf_finish(struct sg_obuf *b);

#endif
