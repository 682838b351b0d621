/* obs/access_event.c — access-log records (see access_event.h). */
#include "obs/access_event.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>

#include "obs/log_ring.h"
#include "obs/obuf.h"

const char *sg_obs_decision_name(enum sg_obs_decision d)
{
	switch (d) {
	case SG_OBS_ALLOW: return "allow";
	case SG_OBS_DENY: return "deny";
	case SG_OBS_WOULD_DENY: return "would_deny";
	case SG_OBS_ERROR: return "error";
	default: return "allow";
	}
}

const char *sg_obs_mode_name(enum sg_obs_mode m)
{
	switch (m) {
	case SG_OBS_WARN: return "warn";
	case SG_OBS_AUDIT: return "audit";
	default: return "enforce";
	}
}

size_t sg_obs_format_remote(const struct sockaddr_storage *ss, bool is_unix, char *out, size_t cap)
{
	struct sg_obuf b = sg_obuf_make(out, cap);
	char ip[INET6_ADDRSTRLEN];
	if (is_unix || !ss || ss->ss_family == AF_UNIX) {
		/* Go renders an unnamed unix peer as "@". */
		sg_obuf_putc(&b, '@');
	} else if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		sg_obuf_puts(&b, ip);
		sg_obuf_putc(&b, ':');
		sg_obuf_u64(&b, ntohs(in->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		sg_obuf_putc(&b, '[');
		sg_obuf_puts(&b, ip);
		sg_obuf_puts(&b, "]:");
		sg_obuf_u64(&b, ntohs(in6->sin6_port));
	}
	sg_obuf_finish(&b);
	return b.len < cap ? b.len : 0;
}

enum sg_log_level sg_access_level(const struct sg_access_event *e, const char **msg)
{
	switch (e->decision) {
	case SG_OBS_DENY:
		*msg = "request_denied";
		return SG_LOG_WARN;
	case SG_OBS_WOULD_DENY:
		/* warn mode is loud; audit mode is a silent dry run */
		*msg = "request_would_deny";
		return e->mode == SG_OBS_WARN ? SG_LOG_WARN : SG_LOG_INFO;
	default:
		*msg = "request";
		return SG_LOG_INFO;
	}
}

static void attr_slice_opt(struct sg_obuf *b, enum sg_log_format f, const char *key, sg_slice v)
{
	if (v.len)
		sg_log_attr_str(b, f, key, v.ptr, v.len);
}

size_t sg_access_format(const struct sg_access_event *e, enum sg_log_format f, char *buf, size_t cap)
{
	const char *msg;
	enum sg_log_level level = sg_access_level(e, &msg);
	if (!sg_log_enabled(level))
		return 0;
	struct sg_obuf b = sg_obuf_make(buf, cap);
	sg_log_open_record(&b, f, e->time_ns ? e->time_ns : sg_log_now_ns(), level, msg, strlen(msg));
	sg_access_correlation_attrs(&b, f, e);
	sg_access_completion_attrs(&b, f, e);
	sg_log_close_record(&b, f);
	return b.overflow ? 0 : b.len;
}

void sg_access_correlation_attrs(struct sg_obuf *b, enum sg_log_format f, const struct sg_access_event *e)
{
	/* correlation attributes, in the original's order */
	sg_log_attr_str(b, f, "method", e->method.ptr, e->method.len);
	sg_log_attr_str(b, f, "path", e->raw_path.ptr, e->raw_path.len);
	if (e->request_id[0])
		sg_log_attr_str(b, f, "request_id", e->request_id, SG_REQUEST_ID_LEN);
	attr_slice_opt(b, f, "client_request_id", e->client_request_id);
	sg_log_attr_str(b, f, "normalized_path", e->normalized_path.ptr, e->normalized_path.len);
	const char *d = sg_obs_decision_name(e->decision);
	sg_log_attr_str(b, f, "decision", d, strlen(d));
	sg_log_attr_i64(b, f, "rule", e->rule);
	attr_slice_opt(b, f, "profile", e->profile);
	if (e->mode != SG_OBS_ENFORCE) {
		const char *m = sg_obs_mode_name(e->mode);
		sg_log_attr_str(b, f, "rollout_mode", m, strlen(m));
	}
	if (e->reason_code && e->reason_code[0])
		sg_log_attr_str(b, f, "reason_code", e->reason_code, strlen(e->reason_code));
	attr_slice_opt(b, f, "reason", e->reason);
	if (e->trace) {
		sg_log_attr_str(b, f, "trace_id", e->trace->trace_id, 32);
		if (e->trace->has_parent)
			sg_log_attr_str(b, f, "trace_parent_id", e->trace->parent_id, 16);
		sg_log_attr_str(b, f, "trace_span_id", e->trace->span_id, 16);
		sg_log_attr_bool(b, f, "trace_sampled", sg_trace_sampled(e->trace));
	}
}

void sg_access_completion_attrs(struct sg_obuf *b, enum sg_log_format f, const struct sg_access_event *e)
{
	sg_log_attr_i64(b, f, "status", e->status);
	/* Go: float64(latency.Microseconds()) / 1000 */
	sg_log_attr_fixed(b, f, "latency_ms", e->latency_ns / 1000, 3);
	sg_log_attr_i64(b, f, "bytes", (int64_t)e->bytes);
	if (e->remote_addr.len)
		sg_log_attr_str(b, f, "client", e->remote_addr.ptr, e->remote_addr.len);
	else
		sg_log_attr_str(b, f, "client", "unix", 4);
}

bool sg_access_log(struct sg_log_ring *ring, const struct sg_access_event *e, char *scratch, size_t cap)
{
	const char *msg;
	if (!sg_log_enabled(sg_access_level(e, &msg)))
		return true;	/* filtered, not dropped */
	size_t n = sg_access_format(e, sg_log_get_format(), scratch, cap);
	if (n == 0) {
		/* Larger than the scratch buffer: count it like a full ring. */
		__atomic_store_n(&ring->drops, sg_log_ring_drops(ring) + 1, __ATOMIC_RELAXED);
		return false;
	}
	return sg_log_append(ring, scratch, n);
}
