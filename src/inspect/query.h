/* inspect/query.h — read a query parameter the way dockerd does.
 *
 * dockerd reads parameters with Go's url.Values.Get, i.e. the FIRST value of
 * an exactly-named (case-sensitive) key, after percent-decoding ('+' is a
 * space). Go refuses a query holding ';' or a bad %-escape (dockerd answers
 * 400), so we treat those as malformed too. POST bodies sent as
 * application/x-www-form-urlencoded would be merged into the same form by
 * r.ParseForm (with precedence over the query), so query-inspected routes
 * refuse that content type: see sg_query_form_body(). */
#ifndef SG_INSPECT_QUERY_H
#define SG_INSPECT_QUERY_H

#include "inspect/inspectors.h"

enum sg_query_status { SG_QUERY_ABSENT = 0, SG_QUERY_FOUND, SG_QUERY_MALFORMED };

/* First value of `key`, decoded into `a`. */
enum sg_query_status sg_query_get(sg_slice query, const char *key, struct sg_arena *a, sg_slice *val);

/* Is the Content-Type application/x-www-form-urlencoded (any case/params)? */
bool sg_query_form_body(sg_slice content_type);

/* Shared front matter of query-only inspectors: deny malformed queries and
 * form-encoded bodies. Returns false with the deny recorded. */
bool sg_query_precheck(const struct sg_inspect_request *req, struct sg_arena *a, struct sg_inspect_result *out);

#endif
