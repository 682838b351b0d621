/* obs/audit_event.c — audit records (see audit_event.h). */
#include "obs/audit_event.h"

#include <string.h>

#include "obs/json_str.h"
#include "obs/log_ring.h"
#include "obs/obuf.h"

sg_slice sg_audit_source_ip(sg_slice a)
{
	if (a.len >= 2 && a.ptr[0] == '[') {
		const char *close = memchr(a.ptr, ']', a.len);
		if (close && (size_t)(close - a.ptr) + 1 < a.len && close[1] == ':')
			return sg_slice_make(a.ptr + 1, (size_t)(close - a.ptr) - 1);
		return SG_SLICE_NULL;
	}
	const char *colon = a.len ? memchr(a.ptr, ':', a.len) : NULL;
	if (!colon || memchr(colon + 1, ':', a.len - (size_t)(colon - a.ptr) - 1))
		return SG_SLICE_NULL;	/* no port, or a bare IPv6 literal */
	return sg_slice_make(a.ptr, (size_t)(colon - a.ptr));
}

static void key(struct sg_obuf *b, const char *k, bool first)
{
	if (!first)
		sg_obuf_putc(b, ',');
	sg_obuf_putc(b, '"');
	sg_obuf_puts(b, k);
	sg_obuf_puts(b, "\":");
}

static void kstr(struct sg_obuf *b, const char *k, const char *v, size_t n)
{
	key(b, k, false);
	sg_json_str(b, v ? v : "", v ? n : 0);
}

static void kcstr(struct sg_obuf *b, const char *k, const char *v)
{
	kstr(b, k, v, v ? strlen(v) : 0);
}

static void kslice(struct sg_obuf *b, const char *k, sg_slice v)
{
	kstr(b, k, v.ptr, v.len);
}

size_t sg_audit_format(const struct sg_access_event *e, const struct sg_audit_options *o,
		       char *buf, size_t cap)
{
	struct sg_obuf b = sg_obuf_make(buf, cap);
	const struct sg_trace_ctx *t = e->trace;
	sg_obuf_putc(&b, '{');
	key(&b, "event_type", true);
	sg_obuf_puts(&b, "\"http_request\"");
	key(&b, "timestamp", false);
	sg_obuf_putc(&b, '"');
	sg_log_time_nano(&b, e->time_ns ? e->time_ns : sg_log_now_ns());
	sg_obuf_putc(&b, '"');
	kstr(&b, "request_id", e->request_id, e->request_id[0] ? SG_REQUEST_ID_LEN : 0);
	kslice(&b, "client_request_id", e->client_request_id);
	kstr(&b, "trace_id", t ? t->trace_id : NULL, 32);
	kstr(&b, "trace_parent_id", t && t->has_parent ? t->parent_id : NULL, 16);
	kstr(&b, "trace_span_id", t ? t->span_id : NULL, 16);
	key(&b, "trace_sampled", false);
	sg_obuf_puts(&b, t && sg_trace_sampled(t) ? "true" : "false");
	kslice(&b, "method", e->method);
	kslice(&b, "raw_path", e->raw_path);
	kslice(&b, "normalized_path", e->normalized_path);
	kcstr(&b, "decision", sg_obs_decision_name(e->decision));
	kcstr(&b, "reason_code", e->reason_code);
	kslice(&b, "reason", e->reason);
	key(&b, "matched_rule", false);
	sg_obuf_i64(&b, e->rule);
	kslice(&b, "selected_profile", e->profile);
	if (e->mode != SG_OBS_ENFORCE)
		kcstr(&b, "rollout_mode", sg_obs_mode_name(e->mode));
	key(&b, "status", false);
	sg_obuf_u64(&b, e->status);
	kslice(&b, "actor_remote_addr", e->remote_addr);
	kslice(&b, "actor_source_ip", sg_audit_source_ip(e->remote_addr));
	kcstr(&b, "transport_listener", e->unix_listener ? "unix" : "tcp");
	kcstr(&b, "transport_scheme", e->tls ? "https" : "http");
	kslice(&b, "transport_protocol", e->protocol);
	if (e->listener_name.len)
		kslice(&b, "listener_name", e->listener_name);
	bool owned = o && o->owner && o->owner[0];
	key(&b, "ownership", false);
	sg_obuf_puts(&b, "{\"enabled\":");
	sg_obuf_puts(&b, owned ? "true" : "false");
	kcstr(&b, "owner", o ? o->owner : NULL);
	kcstr(&b, "label_key", o ? o->label_key : NULL);
	sg_obuf_puts(&b, "}}\n");
	return b.overflow ? 0 : b.len;
}

bool sg_audit_log(struct sg_log_ring *ring, const struct sg_access_event *e,
		  const struct sg_audit_options *o, char *scratch, size_t cap)
{
	size_t n = sg_audit_format(e, o, scratch, cap);
	if (n == 0) {
		__atomic_store_n(&ring->drops, sg_log_ring_drops(ring) + 1, __ATOMIC_RELAXED);
		return false;
	}
	return sg_log_append(ring, scratch, n);
}
