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

/* json_shim.cc: the member count simdjson keeps on the tape (saturates at
 * 0xFFFFFF), O(1). `v` must be an object. */
size_t sg_json_obj_count_hint(sg_json v);

#ifdef __cplusplus
}
#endif

#endif
