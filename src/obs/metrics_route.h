/* obs/metrics_route.h — low-cardinality route labels for metrics.
 *
 * The Go original labels request metrics with RouteCategory(path): the
 * Docker API path with IDs folded ("/containers/{id}/start"). Its tails
 * (the action verb, the first segment of unknown paths) come from the
 * client, so a hostile client can mint series. Ours is the same mapping
 * over a closed vocabulary: known action verbs print as in the original,
 * an unknown verb prints as "{action}" and an unknown top-level segment as
 * "/{other}/...". A route is a 16-bit id, so metric keys stay integers on
 * the hot path and the name is built only at scrape time. */
#ifndef SG_OBS_METRICS_ROUTE_H
#define SG_OBS_METRICS_ROUTE_H

#include <stdint.h>

#include "base/slice.h"
#include "obs/obuf.h"

/* Map a (normalized or raw) path to its route id. Never fails. */
uint16_t sg_metrics_route(sg_slice path);
/* Append the route label text for an id returned by sg_metrics_route(). */
void sg_metrics_route_name(uint16_t id, struct sg_obuf *b);

#endif
