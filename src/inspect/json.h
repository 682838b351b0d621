/* inspect/json.h — a small C view of a parsed JSON document (simdjson DOM).
 *
 * The parser behind it (json_shim.cc, the only C++ in the tree) is one
 * simdjson::dom::parser per thread, reused: its buffers grow to the largest
 * document seen on that thread (bounded by SG_JSON_MAX_CAPACITY) and are never
 * freed per request. The input is copied into the caller's arena with
 * SIMDJSON_PADDING zeroed bytes after it, so no heap allocation happens per
 * request once the parser has warmed up.
 *
 * Lifetime: every sg_json value, iterator and string slice obtained from a
 * parse stays valid until the next sg_json_parse() on the same thread.
 *
 * Strictness (fail closed): the whole input must be exactly one JSON value
 * (whitespace around it allowed; trailing data is an error), valid UTF-8,
 * nested at most SG_JSON_MAX_DEPTH deep. Strings are unescaped (\u escapes
 * in keys included) before anyone sees them.
 *
 * Object lookup follows Go's encoding/json field matching, which is what
 * dockerd uses: a key matches a field name when they are equal under Unicode
 * simple case folding (ASCII case, plus U+017F LATIN SMALL LETTER LONG S ~ 's'
 * and U+212A KELVIN SIGN ~ 'k'). Go lets the last of several matching keys win
 * (merging objects); we refuse that ambiguity instead: a lookup that finds
 * more than one matching key returns SG_JSON_EDUP. */
#ifndef SG_INSPECT_JSON_H
#define SG_INSPECT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/slice.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SG_JSON_MAX_DEPTH 512
#define SG_JSON_MAX_CAPACITY (64u << 20)

enum sg_json_type {
	SG_JSON_NULL = 0,
	SG_JSON_BOOL,
	SG_JSON_INT,		/* fits int64 */
	SG_JSON_UINT,		/* > INT64_MAX, fits uint64 */
	SG_JSON_DOUBLE,		/* has a fraction or exponent */
	SG_JSON_STRING,
	SG_JSON_ARRAY,
	SG_JSON_OBJECT,
};

enum sg_json_err {
	SG_JSON_OK = 0,
	SG_JSON_ENOTFOUND,	/* lookup: no key matches */
	SG_JSON_EDUP,		/* lookup: several keys match under Go's folding */
	SG_JSON_ETYPE,		/* value is not of the requested type */
	SG_JSON_EEMPTY,		/* parse: empty or whitespace-only input */
	SG_JSON_ESYNTAX,	/* parse: not JSON, or trailing data after the value */
	SG_JSON_EUTF8,		/* parse: invalid UTF-8 */
	SG_JSON_EDEPTH,		/* parse: nested too deep */
	SG_JSON_ENOMEM,		/* parse: arena or parser capacity exhausted */
};

/* A value inside the current document (opaque: a simdjson tape reference). */
typedef struct sg_json {
	uint64_t opaque[2];
} sg_json;

/* An array or object iterator (opaque). */
struct sg_json_it {
	uint64_t cur[2];
	uint64_t end[2];
};

/* Parse `in` (copied into `a`). On success *root is the top-level value. */
enum sg_json_err sg_json_parse(sg_slice in, struct sg_arena *a, sg_json *root);

enum sg_json_type sg_json_type_of(sg_json v);
bool sg_json_bool(sg_json v, bool *out);		/* false unless BOOL */
bool sg_json_int64(sg_json v, int64_t *out);		/* false unless INT */
bool sg_json_double(sg_json v, double *out);		/* INT, UINT or DOUBLE */
bool sg_json_string(sg_json v, sg_slice *out);		/* false unless STRING; unescaped bytes */

/* Arrays: begin fails unless v is an array. */
bool sg_json_arr_begin(sg_json v, struct sg_json_it *it);
bool sg_json_arr_next(struct sg_json_it *it, sg_json *elem);
size_t sg_json_arr_len(sg_json v);			/* 0 unless ARRAY */

/* Objects, in document order (maps such as Labels, Sysctls). */
bool sg_json_obj_begin(sg_json v, struct sg_json_it *it);
bool sg_json_obj_next(struct sg_json_it *it, sg_slice *key, sg_json *val);
size_t sg_json_obj_len(sg_json v);			/* 0 unless OBJECT */

/* Go-style struct field lookup (see above). `field` is an ASCII name.
 * Returns OK, ENOTFOUND, EDUP (then *out is the first match), or ETYPE when
 * `obj` is not an object.
 *
 * Cost: an object with SG_JSON_INDEX_MIN_KEYS..SG_JSON_INDEX_MAX_KEYS
 * members is read once, on its first lookup, into a per-thread index (each
 * key folded and hashed once, keys that fold alike grouped and flagged as
 * duplicates); later lookups on it are a hash probe plus one
 * sg_json_key_matches. Smaller objects, larger ones, and objects met after
 * the per-thread budget is spent (SG_JSON_INDEX_POOL bytes, SG_JSON_INDEX_OBJECTS
 * objects per document) are walked key by key, as sg_json_get_linear does.
 * The index lives in static per-thread memory, not in an arena, and is
 * dropped by the next sg_json_parse() on the thread. */
enum sg_json_err sg_json_get(sg_json obj, const char *field, sg_json *out);

#define SG_JSON_INDEX_MIN_KEYS 8
#define SG_JSON_INDEX_MAX_KEYS 256
#define SG_JSON_INDEX_OBJECTS 32
#define SG_JSON_INDEX_POOL (32u << 10)

/* Which of `fields` (n ASCII names) does the earliest key of `obj`, in
 * document order, match? *which is its position in `fields` (the lowest one
 * if that key matches several). Returns OK, ENOTFOUND, or ETYPE when `obj`
 * is not an object. Duplicates are not an error here. Uses the index. */
enum sg_json_err sg_json_first_field(sg_json obj, const char *const *fields, size_t n, size_t *which);

/* The reference lookups: a walk over every member per call, no index.
 * sg_json_get and sg_json_first_field must return exactly what these return
 * (the unit and fuzz tests compare them); inspectors should not call them. */
enum sg_json_err sg_json_get_linear(sg_json obj, const char *field, sg_json *out);
enum sg_json_err sg_json_first_field_linear(sg_json obj, const char *const *fields, size_t n, size_t *which);

/* Objects indexed since the last sg_json_parse() on this thread (tests). */
size_t sg_json_index_count(void);

/* Exact (byte-wise) map-key lookup, for Go map[string]T fields whose keys
 * are data, not field names. Duplicates are EDUP. */
enum sg_json_err sg_json_get_exact(sg_json obj, sg_slice key, sg_json *out);

/* Does `key` (unescaped UTF-8) match ASCII `field` under Go's folding? */
bool sg_json_key_matches(sg_slice key, const char *field);

const char *sg_json_err_str(enum sg_json_err e);

#ifdef __cplusplus
}
#endif

#endif
