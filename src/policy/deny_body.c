/* policy/deny_body.c — the JSON body of a denial (Go's DenialResponse as
 * written by encoding/json: fields message, method, path, reason in that
 * order, empty ones omitted, HTML-safe escaping, invalid UTF-8 replaced by
 * U+FFFD, trailing newline). Minimal by default; verbose echoes method,
 * path (secrets and the swarm unlock key redacted) and reason. */
#include <stdio.h>
#include <string.h>

#include "policy/path.h"
#include "policy/policy.h"

static const char minimal_body[] = "{\"message\":\"request denied by sockguard policy\"}\n";

struct out {
	char *buf;
	size_t cap, len;
	bool overflow;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->overflow || o->cap - o->len <= n) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void put_s(struct out *o, const char *s) { put(o, s, strlen(s)); }

/* Length of a valid UTF-8 sequence at s (max n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need;
	uint32_t cp;
	if (s[0] < 0xc2)
		return 0;
	if (s[0] < 0xe0) { need = 2; cp = s[0] & 0x1f; }
	else if (s[0] < 0xf0) { need = 3; cp = s[0] & 0x0f; }
	else if (s[0] < 0xf5) { need = 4; cp = s[0] & 0x07; }
	else return 0;
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

static void put_json_string(struct out *o, sg_slice s)
{
	static const char hex[] = "0123456789abcdef";
	put(o, "\"", 1);
	for (size_t i = 0; i < s.len;) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c >= 0x80) {
			size_t n = utf8_len((const unsigned char *)s.ptr + i, s.len - i);
			if (n == 0) {
				put_s(o, "\\ufffd");
				i++;
			} else {
				put(o, s.ptr + i, n);
				i += n;
			}
			continue;
		}
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put(o, e, 2);
		} else if (c == '\n') {
			put_s(o, "\\n");
		} else if (c == '\r') {
			put_s(o, "\\r");
		} else if (c == '\t') {
			put_s(o, "\\t");
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put(o, e, 6);
		} else {
			put(o, (const char *)&c, 1);
		}
		i++;
	}
	put(o, "\"", 1);
}

static void put_field(struct out *o, const char *name, sg_slice value)
{
	if (value.len == 0)
		return;
	put_s(o, ",\"");
	put_s(o, name);
	put_s(o, "\":");
	put_json_string(o, value);
}

/* Go's redactDeniedPath, on our canonical form: "/secrets/..." and
 * "/swarm/unlockkey" keep only the version prefix and the collection. */
static void put_path(struct out *o, const struct sg_request_view *req)
{
	sg_slice raw = req->raw_path.len ? req->raw_path : req->path;
	char tmp[SG_PATH_MAX + 1];
	struct sg_canon_path cp;
	if (raw.len && sg_path_canonicalize(raw, tmp, sizeof(tmp), &cp) == SG_PATH_OK) {
		char red[64];
		const char *tail = NULL;
		if (sg_slice_starts_with(cp.path, SG_SLICE_LIT("/secrets/")))
			tail = "/secrets/<redacted>";
		else if (sg_slice_eq_cstr(cp.path, "/swarm/unlockkey"))
			tail = "/swarm/<redacted>";
		if (tail) {
			int n = snprintf(red, sizeof(red), "%.*s%s", (int)(cp.version.len < 32 ? cp.version.len : 0),
					 cp.version.ptr, tail);
			put_field(o, "path", sg_slice_make(red, n > 0 ? (size_t)n : 0));
			return;
		}
	}
	put_field(o, "path", raw);
}

static sg_slice verbose_reason(const struct sg_verdict *v)
{
	if (v->detail)
		return sg_slice_cstr(v->detail);
	if (v->rule_reason)
		return sg_slice_cstr(v->rule_reason);
	return sg_slice_cstr(sg_reason_text(v->reason));
}

size_t sg_policy_deny_body(const struct sg_verdict *v, const struct sg_request_view *req, char *buf, size_t cap)
{
	if (cap == 0)
		return 0;
	struct out o = { buf, cap, 0, false };
	if (v->deny_verbose && req) {
		put_s(&o, "{\"message\":\"request denied by sockguard policy\"");
		put_field(&o, "method", req->method);
		put_path(&o, req);
		put_field(&o, "reason", verbose_reason(v));
		put_s(&o, "}\n");
	}
	if (!v->deny_verbose || !req || o.overflow) {
		/* Minimal, or the verbose form did not fit: never a truncated JSON. */
		o = (struct out){ buf, cap, 0, false };
		put_s(&o, minimal_body);
		if (o.overflow)
			o.len = 0;
	}
	buf[o.len] = '\0';
	return o.len;
}
