/* inspect/argv_glob.h — sockguard token globs (exec argv templates):
 * `*` matches a run (possibly empty) of non-'/' bytes, `**` any run of
 * bytes; every other byte matches itself. Whole-token match. */
#ifndef SG_INSPECT_ARGV_GLOB_H
#define SG_INSPECT_ARGV_GLOB_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/slice.h"

/* O(len(pattern) * len(text)) time, 2 * (len(text)+1) bytes of arena.
 * Returns false (no match) when the arena is full. */
bool sg_argv_glob_match(sg_slice pattern, sg_slice text, struct sg_arena *a);

#endif
