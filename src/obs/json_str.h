/* obs/json_str.h — JSON and logfmt string encoders for log records.
 *
 * Log fields carry client-controlled bytes (raw paths, request IDs, profile
 * names). The encoders here accept any bytes and always produce one valid,
 * single-line token, escaping the way Go's log/slog and encoding/json do so
 * that a SIEM parser configured for the Go original reads ours unchanged:
 *   - `"` and `\` escaped; \n \r \t as two-character escapes;
 *   - other bytes < 0x20 as \u00XX;
 *   - U+2028 / U+2029 as \u2028 / \u2029 (JavaScript line separators);
 *   - each byte of an invalid UTF-8 sequence (overlong, surrogate, > U+10FFFF,
 *     truncated) replaced with U+FFFD, as utf8.DecodeRune does;
 *   - no HTML escaping of < > & (slog and the audit encoder turn it off). */
#ifndef SG_OBS_JSON_STR_H
#define SG_OBS_JSON_STR_H

#include <stddef.h>

#include "obs/obuf.h"

/* Append `"..."` with JSON escaping. */
void sg_json_str(struct sg_obuf *b, const char *s, size_t n);
static inline void sg_json_slice(struct sg_obuf *b, sg_slice s) { sg_json_str(b, s.ptr, s.len); }

/* Length in bytes of the valid UTF-8 sequence at s (1..4), or 0 when the
 * bytes at s do not start a valid sequence. Exposed for tests and fuzzers. */
size_t sg_utf8_valid_len(const unsigned char *s, size_t n);

/* Append a logfmt value as slog's TextHandler does: bare when it is
 * non-empty and has only printable non-space ASCII/UTF-8 without `=` or `"`,
 * else a Go-quoted string ("a b", "\x80", "\n"). */
void sg_text_value(struct sg_obuf *b, const char *s, size_t n);

#endif
