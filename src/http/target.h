/* http/target.h — the one place the data plane turns a raw request path
 * into (a) the canonical path the policy matches and (b) the path sent
 * upstream. */
#ifndef SG_HTTP_TARGET_H
#define SG_HTTP_TARGET_H

#include <stddef.h>

#include "base/slice.h"

/* Returns 0 and fills *canon (policy view) and *upstream (bytes to send),
 * both pointing into buf (cap bytes), or -1 when the path cannot be
 * canonicalized unambiguously (answer 400). */
int sg_http_target_paths(sg_slice raw_path, char *buf, size_t cap, sg_slice *canon, sg_slice *upstream);

#endif
