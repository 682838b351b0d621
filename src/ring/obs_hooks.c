/* ring/obs_hooks.c — per-request observability on the worker (see obs_hooks.h).
 *
 * Maps what the connection knows when a request is over (the policy
 * verdict, the status we or the upstream answered, the bytes relayed) onto
 * struct sg_access_event and struct sg_metrics_obs, and hands both to
 * sg_obs_request_end(). Every string is a slice into the request head
 * (still in ctx->cbuf) or into ctx->pathbuf; nothing is copied or
 * allocated. */
#include "ring/obs_hooks.h"

#include <string.h>

#include "policy/reason.h"
#include "ring/conn.h"
#include "ring/worker.h"

static sg_slice header_value(const struct sg_http_request *req, const char *name)
{
	const struct sg_http_header *h = sg_http_find_header(req, name);
	return h ? h->value : sg_slice_make(NULL, 0);
}

void sg_ring_obs_begin(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	if (!w->obs || x->obs_active)
		return;
	sg_obs_request_begin(w->obs, &x->obs, header_value(&x->req, "traceparent"));
	x->obs_active = true;
}

static enum sg_obs_mode profile_mode(const struct sg_obs_plane *p, int32_t idx)
{
	if (!p || idx < 0 || (unsigned)idx >= p->nprofiles || (unsigned)idx >= SG_OBS_PLANE_MAX_PROFILES)
		return SG_OBS_ENFORCE;
	uint8_t m = p->profile_mode[idx];
	return m < SG_OBS_MODE_COUNT ? (enum sg_obs_mode)m : SG_OBS_ENFORCE;
}

static unsigned profile_metric(const struct sg_obs_plane *p, int32_t idx)
{
	if (!p || idx < 0 || (unsigned)idx >= p->nprofiles || (unsigned)idx >= SG_OBS_PLANE_MAX_PROFILES)
		return 0;
	return p->profile_metric[idx];
}

void sg_ring_obs_end(struct sg_worker *w, struct sg_conn *c)
{
	struct sg_reqctx *x = c->ctx;
	if (!x || !x->obs_active)
		return;
	x->obs_active = false;
	const struct sg_obs_plane *plane = w->opts->obs;
	const struct sg_verdict *v = &x->verdict;

	uint16_t status = x->obs_status ? x->obs_status : x->sp.status;
	enum sg_obs_decision decision = SG_OBS_ALLOW;
	enum sg_reason reason = SG_REASON_NONE;
	enum sg_obs_mode mode = SG_OBS_ENFORCE;
	int32_t rule = -1;
	sg_slice reason_text = sg_slice_make(NULL, 0);
	sg_slice profile = sg_slice_make(NULL, 0);
	unsigned profile_id = 0;
	if (x->decided) {
		rule = v->rule_index;
		mode = profile_mode(plane, v->profile_index);
		profile_id = profile_metric(plane, v->profile_index);
		if (v->profile)
			profile = sg_slice_cstr(v->profile);
		if (v->kind == SG_VERDICT_DENY)
			decision = SG_OBS_DENY;
		else if (v->would_deny)
			decision = SG_OBS_WOULD_DENY;
		/* as the original: reason_code/reason only on (would-)denials */
		if (decision != SG_OBS_ALLOW) {
			reason = v->reason;
			const char *t = v->rule_reason ? v->rule_reason : v->detail ? v->detail : sg_reason_text(reason);
			reason_text = sg_slice_cstr(t);
		}
	} else if (status >= 400) {
		decision = SG_OBS_ERROR;
	}
	if (x->obs_reason) {		/* a terminal outcome after the decision (502, 400) */
		reason = (enum sg_reason)x->obs_reason;
		reason_text = sg_slice_cstr(sg_reason_text(reason));
	}

	char remote[64];
	size_t rlen = sg_obs_format_remote(&c->id.addr, c->id.transport == SG_TRANSPORT_UNIX, remote, sizeof(remote));
	struct sg_access_event e = {
		.method = x->req.method,
		.raw_path = x->req.path,
		.normalized_path = x->canon.len ? x->canon : x->req.path,
		.decision = decision == SG_OBS_ERROR ? SG_OBS_ALLOW : decision,
		.mode = mode,
		.rule = rule,
		.reason_code = reason != SG_REASON_NONE ? sg_reason_code(reason) : NULL,
		.reason = reason_text,
		.profile = profile,
		.status = status,
		.bytes = x->obs_bytes,
		.client_request_id = header_value(&x->req, SG_REQUEST_ID_HEADER),
		.trace = &x->obs.trace,
		.remote_addr = sg_slice_make(remote, rlen),
		.unix_listener = c->id.transport == SG_TRANSPORT_UNIX,
		.tls = c->id.transport == SG_TRANSPORT_TLS,
		.protocol = x->req.version_minor == 0 ? SG_SLICE_LIT("HTTP/1.0") : SG_SLICE_LIT("HTTP/1.1"),
	};
	memcpy(e.request_id, x->obs.request_id, SG_REQUEST_ID_LEN);
	struct sg_metrics_obs m = {
		.decision = decision,
		.mode = mode,
		.method = sg_metrics_method(x->req.method),
		.profile = profile_id,
		.route = sg_metrics_route(e.normalized_path),
		.status = status,
		.reason = reason,
		.rule = rule,
	};
	sg_obs_request_end(w->obs, &x->obs, &e, &m);
}

uint32_t sg_ring_obs_response_id(struct sg_conn *c, uint32_t used)
{
	static const char name[] = "X-Request-Id: ";
	const uint32_t add = (uint32_t)(sizeof(name) - 1) + SG_REQUEST_ID_LEN + 2;
	struct sg_reqctx *x = c->ctx;
	char *p = x->ubuf + x->u_off;
	if (!x->obs_active || x->resp_started || used < 13 || memcmp(p, "HTTP/1.", 7) != 0)
		return used;
	if (p[9] == '1' && !(p[10] == '0' && p[11] == '1'))
		return used;	/* 100 Continue & co.: the final head follows */
	char *eol = memchr(p, '\n', used);
	if (!eol || x->u_len + add > sizeof(x->ubuf))
		return used;
	char *ins = eol + 1;
	memmove(ins + add, ins, (size_t)(x->ubuf + x->u_len - ins));
	memcpy(ins, name, sizeof(name) - 1);
	memcpy(ins + sizeof(name) - 1, x->obs.request_id, SG_REQUEST_ID_LEN);
	memcpy(ins + sizeof(name) - 1 + SG_REQUEST_ID_LEN, "\r\n", 2);
	x->u_len += add;
	return used + add;
}
