/* obs/throttle_event.c — sampled throttle records (see throttle_event.h). */
#include "obs/throttle_event.h"

#include <string.h>

#include "obs/log_ring.h"
#include "obs/obuf.h"

static uint64_t fnv1a(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

bool sg_throttle_should_emit(struct sg_throttle_sampler *s, sg_slice client_id, const char *reason,
			     int64_t now_sec)
{
	uint64_t h = fnv1a(0xcbf29ce484222325ULL, client_id.ptr, client_id.len);
	h = fnv1a(h ^ 0xff, reason, strlen(reason));
	h |= 1;	/* 0 marks an empty slot */
	unsigned i = (unsigned)(h >> 56) % SG_THROTTLE_SAMPLER_SLOTS;
	if (s->slot[i].hash == h && s->slot[i].second == now_sec)
		return false;
	s->slot[i].hash = h;
	s->slot[i].second = now_sec;
	return true;
}

size_t sg_throttle_format(const struct sg_throttle_event *t, enum sg_log_format f, int64_t now_ns,
			  char *buf, size_t cap)
{
	struct sg_obuf b = sg_obuf_make(buf, cap);
	sg_log_open_record(&b, f, now_ns, SG_LOG_INFO, "throttle", 8);
	sg_log_group_open(&b, f, "throttle");
	if (t->req)
		sg_access_correlation_attrs(&b, f, t->req);
	sg_log_attr_str(&b, f, "client_id", t->client_id.ptr, t->client_id.len);
	sg_log_attr_str(&b, f, "reason", t->reason, strlen(t->reason));
	if (t->req)
		sg_log_attr_str(&b, f, "path", t->req->normalized_path.ptr, t->req->normalized_path.len);
	if (t->priority)
		sg_log_attr_str(&b, f, "priority", t->priority, strlen(t->priority));
	for (unsigned i = 0; i < t->nextra && i < SG_THROTTLE_MAX_EXTRAS; i++)
		sg_log_attr_i64(&b, f, t->extra[i].key, t->extra[i].value);
	sg_log_group_close(&b, f);
	sg_log_close_record(&b, f);
	return b.overflow ? 0 : b.len;
}

bool sg_throttle_log(struct sg_log_ring *ring, struct sg_throttle_sampler *s,
		     const struct sg_throttle_event *t, char *scratch, size_t cap)
{
	if (!sg_log_enabled(SG_LOG_INFO))
		return false;
	int64_t now = sg_log_now_ns();
	if (!sg_throttle_should_emit(s, t->client_id, t->reason, now / 1000000000LL))
		return false;
	size_t n = sg_throttle_format(t, sg_log_get_format(), now, scratch, cap);
	if (n == 0) {
		__atomic_store_n(&ring->drops, sg_log_ring_drops(ring) + 1, __ATOMIC_RELAXED);
		return false;
	}
	return sg_log_append(ring, scratch, n);
}
