/* obs/trace.c — W3C traceparent handling (see trace.h). */
#include "obs/trace.h"

#include <string.h>

static const char hexdig[] = "0123456789abcdef";

static int lower_hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool all_lower_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower_hex_val(p[i]) < 0)
			return false;
	return true;
}

static bool all_zero_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != '0')
			return false;
	return true;
}

bool sg_traceparent_parse(sg_slice v, sg_slice *trace_id, sg_slice *parent_id, sg_slice *flags)
{
	const char *p = v.ptr;
	if (v.len != SG_TRACEPARENT_LEN || p[0] != '0' || p[1] != '0' ||
	    p[2] != '-' || p[35] != '-' || p[52] != '-')
		return false;
	if (!all_lower_hex(p + 3, 32) || !all_lower_hex(p + 36, 16) || !all_lower_hex(p + 53, 2))
		return false;
	if (all_zero_hex(p + 3, 32) || all_zero_hex(p + 36, 16))
		return false;
	if (trace_id)
		*trace_id = sg_slice_make(p + 3, 32);
	if (parent_id)
		*parent_id = sg_slice_make(p + 36, 16);
	if (flags)
		*flags = sg_slice_make(p + 53, 2);
	return true;
}

static void random_hex(struct sg_rng *rng, char *out, size_t nbytes)
{
	uint8_t raw[16];
	sg_rng_bytes(rng, raw, nbytes, 1);
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hexdig[raw[i] >> 4];
		out[2 * i + 1] = hexdig[raw[i] & 15];
	}
}

void sg_trace_begin(struct sg_trace_ctx *t, struct sg_rng *rng, sg_slice incoming)
{
	sg_slice tid, pid, fl;
	random_hex(rng, t->span_id, 8);
	if (incoming.len && sg_traceparent_parse(incoming, &tid, &pid, &fl)) {
		memcpy(t->trace_id, tid.ptr, 32);
		memcpy(t->parent_id, pid.ptr, 16);
		memcpy(t->flags, fl.ptr, 2);
		t->has_parent = true;
		return;
	}
	random_hex(rng, t->trace_id, 16);
	memset(t->parent_id, 0, sizeof(t->parent_id));
	t->flags[0] = '0';
	t->flags[1] = '0';
	t->has_parent = false;
}

bool sg_trace_sampled(const struct sg_trace_ctx *t)
{
	int lo = lower_hex_val(t->flags[1]);
	return lower_hex_val(t->flags[0]) >= 0 && lo >= 0 && (lo & 1);
}

void sg_trace_format(const struct sg_trace_ctx *t, char out[SG_TRACEPARENT_LEN])
{
	out[0] = '0';
	out[1] = '0';
	out[2] = '-';
	memcpy(out + 3, t->trace_id, 32);
	out[35] = '-';
	memcpy(out + 36, t->span_id, 16);
	out[52] = '-';
	memcpy(out + 53, t->flags, 2);
}
