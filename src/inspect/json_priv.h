/* inspect/json_priv.h — what json_shim.cc and json.c tell each other.
 * Not for inspectors: they use inspect/json.h. */
#ifndef SG_INSPECT_JSON_PRIV_H
#define SG_INSPECT_JSON_PRIV_H

#include <stddef.h>

#include "inspect/json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* json.c: forget every per-object key index (called by sg_json_parse before
 * it touches the parser, so no index outlives the document it describes). */
void sg_json_index_invalidate(void);

/* json.c: the index's 32-bit hash of a key's folded form; false when the
 * key matches no field name. For tests that build colliding keys. */
bool sg_json_fold_hash(sg_slice key, uint32_t *hash);

/* json_shim.cc: the member count simdjson keeps on the tape (saturates at
 * 0xFFFFFF), O(1); SIZE_MAX when `v` is not an object. */
size_t sg_json_obj_count_hint(sg_json v);

/* One member of an object. */
struct sg_json_member {
	sg_slice key;
	sg_json val;
};

/* json_shim.cc: the members of object `v` in document order into
 * m[0..cap). Returns how many there are (if more than cap, only cap were
 * written; stops counting at cap + 1). `v` must be an object. */
size_t sg_json_obj_read(sg_json v, struct sg_json_member *m, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
