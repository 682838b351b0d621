/* inspect/jfield.h — typed struct-field reads for inspectors, Go-style.
 *
 * Each reader looks `field` up in `obj` with Go's case-folded matching
 * (inspect/json.h) and applies encoding/json's rules for the target type:
 * an absent key or a JSON null leaves the zero value; any other type
 * mismatch is a decode error in dockerd, hence a deny here. On failure the
 * reader records the deny in `out` and returns false; inspectors simply
 * `return` when a reader fails. */
#ifndef SG_INSPECT_JFIELD_H
#define SG_INSPECT_JFIELD_H

#include "inspect/inspectors.h"
#include "inspect/json.h"

/* Parse a body that must be one JSON object. */
bool sg_jparse_object(sg_slice body, struct sg_arena *a, sg_json *root, struct sg_inspect_result *out);

bool sg_jf_bool(sg_json obj, const char *field, bool *v, struct sg_inspect_result *out);
bool sg_jf_i64(sg_json obj, const char *field, int64_t *v, struct sg_inspect_result *out);
bool sg_jf_str(sg_json obj, const char *field, sg_slice *v, struct sg_inspect_result *out);
/* Object/array fields: *present is false when absent or null. */
bool sg_jf_obj(sg_json obj, const char *field, sg_json *v, bool *present, struct sg_inspect_result *out);
bool sg_jf_arr(sg_json obj, const char *field, sg_json *v, bool *present, struct sg_inspect_result *out);
/* Number of elements/entries of an optional array/object field (0 if absent). */
bool sg_jf_arr_len(sg_json obj, const char *field, size_t *n, struct sg_inspect_result *out);
bool sg_jf_obj_len(sg_json obj, const char *field, size_t *n, struct sg_inspect_result *out);

/* An element of a []string: a string, or null (""). */
bool sg_jv_str(sg_json v, sg_slice *s, struct sg_inspect_result *out);

/* Record the deny for a json.h error (dup key, wrong type, parse error). */
void sg_jdeny(enum sg_json_err e, struct sg_inspect_result *out);

#endif
