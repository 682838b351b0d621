/* obs/health.c — /health bodies from the atomic upstream state (see health.h). */
#include "obs/health.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "obs/json_str.h"
#include "obs/obuf.h"

void sg_health_init(struct sg_health *h, const char *version, const char *upstream_socket, int64_t start_ns)
{
	h->word = SG_UPSTREAM_UNKNOWN;
	h->version = version ? version : "";
	h->upstream_socket = upstream_socket ? upstream_socket : "";
	h->start_ns = start_ns;
}

enum sg_upstream_state sg_health_set(struct sg_health *h, enum sg_upstream_state s,
				     enum sg_health_err err, int code)
{
	uint64_t w = (uint64_t)(s & 0xff) | (uint64_t)(err & 0xff) << 8 | (uint64_t)(uint32_t)code << 32;
	uint64_t old = __atomic_exchange_n(&h->word, w, __ATOMIC_ACQ_REL);
	return (enum sg_upstream_state)(old & 0xff);
}

enum sg_upstream_state sg_health_state(const struct sg_health *h)
{
	return (enum sg_upstream_state)(__atomic_load_n(&h->word, __ATOMIC_ACQUIRE) & 0xff);
}

/* Go prints errno text in lowercase ("connection refused"). */
static void put_errno(struct sg_obuf *b, int e)
{
	char tmp[128];
	const char *s = strerror_r(e, tmp, sizeof(tmp));
	size_t n = strlen(s);
	if (n == 0)
		return;
	sg_obuf_putc(b, (char)tolower((unsigned char)s[0]));
	sg_obuf_put(b, s + 1, n - 1);
}

static void error_sentence(const struct sg_health *h, uint64_t w, struct sg_obuf *b)
{
	enum sg_upstream_state st = (enum sg_upstream_state)(w & 0xff);
	enum sg_health_err err = (enum sg_health_err)(w >> 8 & 0xff);
	int code = (int)(uint32_t)(w >> 32);
	if (st == SG_UPSTREAM_CONNECTED)
		return;
	switch (err) {
	case SG_HEALTH_ERR_CONNECT:
		sg_obuf_puts(b, "dial unix ");
		sg_obuf_puts(b, h->upstream_socket);
		sg_obuf_puts(b, ": connect: ");
		put_errno(b, code);
		break;
	case SG_HEALTH_ERR_TIMEOUT:
		sg_obuf_puts(b, "dial unix ");
		sg_obuf_puts(b, h->upstream_socket);
		sg_obuf_puts(b, ": i/o timeout");
		break;
	case SG_HEALTH_ERR_IO:
		sg_obuf_puts(b, "ping unix ");
		sg_obuf_puts(b, h->upstream_socket);
		sg_obuf_puts(b, ": ");
		put_errno(b, code);
		break;
	case SG_HEALTH_ERR_STATUS:
		sg_obuf_puts(b, "ping unix ");
		sg_obuf_puts(b, h->upstream_socket);
		sg_obuf_puts(b, ": unexpected status ");
		sg_obuf_u64(b, (uint64_t)code);
		break;
	case SG_HEALTH_ERR_PROTOCOL:
		sg_obuf_puts(b, "ping unix ");
		sg_obuf_puts(b, h->upstream_socket);
		sg_obuf_puts(b, ": malformed HTTP response");
		break;
	case SG_HEALTH_ERR_NONE:
		if (st == SG_UPSTREAM_UNKNOWN)
			sg_obuf_puts(b, "upstream not checked yet");
		break;
	}
}

size_t sg_health_error(const struct sg_health *h, char *buf, size_t cap)
{
	struct sg_obuf b = sg_obuf_make(buf, cap);
	error_sentence(h, __atomic_load_n(&h->word, __ATOMIC_ACQUIRE), &b);
	sg_obuf_finish(&b);
	return b.len < cap ? b.len : cap - 1;
}

size_t sg_health_render(const struct sg_health *h, int64_t now_ns, char *buf, size_t cap, uint16_t *status)
{
	uint64_t w = __atomic_load_n(&h->word, __ATOMIC_ACQUIRE);
	enum sg_upstream_state st = (enum sg_upstream_state)(w & 0xff);
	bool up = st == SG_UPSTREAM_CONNECTED;
	int64_t uptime = (now_ns - h->start_ns) / 1000000000LL;
	char err[512];
	struct sg_obuf eb = sg_obuf_make(err, sizeof(err));
	error_sentence(h, w, &eb);

	struct sg_obuf b = sg_obuf_make(buf, cap);
	sg_obuf_puts(&b, up ? "{\"status\":\"healthy\"" : "{\"status\":\"unhealthy\"");
	sg_obuf_puts(&b, ",\"upstream\":\"");
	sg_obuf_puts(&b, up ? "connected" : st == SG_UPSTREAM_UNKNOWN ? "unknown" : "unreachable");
	sg_obuf_putc(&b, '"');
	if (!up && eb.len) {
		sg_obuf_puts(&b, ",\"error\":");
		sg_json_str(&b, err, eb.len);
	}
	sg_obuf_puts(&b, ",\"version\":");
	sg_json_str(&b, h->version, strlen(h->version));
	sg_obuf_puts(&b, ",\"uptime_seconds\":");
	sg_obuf_i64(&b, uptime < 0 ? 0 : uptime);
	sg_obuf_puts(&b, "}\n");
	*status = up ? 200 : 503;
	if (b.overflow || b.len >= cap)
		return 0;
	buf[b.len] = '\0';
	return b.len;
}
