/* ring/local_endpoints.c — /health and /metrics, answered by the worker.
 *
 * Never forwarded: the body comes from shared state (the health word, the
 * per-worker counters summed at scrape time) and is built in the request
 * context's ubuf, head included, so one send answers. */
#include <stdio.h>
#include <string.h>

#include "http/serialize.h"
#include "ring/conn.h"
#include "ring/obs_hooks.h"
#include "ring/worker.h"

/* Room kept in front of the body for the response head. */
#define LOCAL_HEAD_ROOM 256u

enum sg_local_endpoint sg_ring_local_endpoint(const struct sg_worker *w, const struct sg_conn *c)
{
	const struct sg_obs_plane *p = w->opts->obs;
	const struct sg_reqctx *x = c->ctx;
	if (!p || !p->obs || !w->obs)
		return SG_LOCAL_NONE;
	if (!sg_slice_eq_cstr(x->req.method, "GET") && !sg_slice_eq_cstr(x->req.method, "HEAD"))
		return SG_LOCAL_NONE;
	if (p->health_path && sg_slice_eq_cstr(x->req.path, p->health_path))
		return SG_LOCAL_HEALTH;
	if (p->metrics_path && sg_slice_eq_cstr(x->req.path, p->metrics_path))
		return SG_LOCAL_METRICS;
	return SG_LOCAL_NONE;
}

const char *sg_ring_local_response(struct sg_worker *w, struct sg_conn *c, enum sg_local_endpoint e,
				   uint32_t *len)
{
	struct sg_reqctx *x = c->ctx;
	struct sg_obs *o = w->opts->obs->obs;
	char *body = x->ubuf + LOCAL_HEAD_ROOM;
	size_t cap = sizeof(x->ubuf) - LOCAL_HEAD_ROOM;
	size_t n = 0;
	uint16_t status = 200;
	const char *ctype = "application/json";
	if (e == SG_LOCAL_HEALTH) {
		n = sg_health_render(&o->health, sg_log_now_ns(), body, cap, &status);
	} else {
		ctype = SG_METRICS_CONTENT_TYPE;
		n = sg_metrics_render(&o->metrics, body, cap);
		if (n == 0 || n >= cap) {
			/* another scrape in progress, or more series than one buffer */
			status = 503;
			ctype = "application/json";
			n = sg_http_json_message(body, cap, n ? "metrics output too large" : "metrics scrape in progress");
		}
	}
	char head[LOCAL_HEAD_ROOM];
	size_t h = sg_http_write_response_head(head, sizeof(head), status, ctype,
					       sg_slice_make(x->obs.request_id, x->obs_active ? SG_REQUEST_ID_LEN : 0),
					       n, !x->close_after);
	x->obs_status = status;
	x->obs_bytes = x->head_method ? 0 : n;
	char *start = body - h;
	memmove(start, head, h);
	*len = (uint32_t)(h + (x->head_method ? 0 : n));
	return start;
}
