/* W3C trace context (obs/trace.c): vectors from the Trace Context spec. */
#include <criterion/criterion.h>
#include <string.h>

#include "obs/trace.h"

static bool valid(const char *s)
{
	return sg_traceparent_parse(sg_slice_cstr(s), NULL, NULL, NULL);
}

Test(obs_trace, accepts_the_spec_examples)
{
	cr_assert(valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
	cr_assert(valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"));
	sg_slice t, p, f;
	cr_assert(sg_traceparent_parse(SG_SLICE_LIT("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), &t, &p, &f));
	cr_assert(sg_slice_eq_cstr(t, "0af7651916cd43dd8448eb211c80319c"));
	cr_assert(sg_slice_eq_cstr(p, "b7ad6b7169203331"));
	cr_assert(sg_slice_eq_cstr(f, "01"));
}

Test(obs_trace, rejects_invalid_vectors)
{
	/* all-zero trace-id / parent-id */
	cr_assert_not(valid("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
	cr_assert_not(valid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
	/* uppercase hex */
	cr_assert_not(valid("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
	cr_assert_not(valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01"));
	cr_assert_not(valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A"));
	/* version ff and other versions */
	cr_assert_not(valid("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
	cr_assert_not(valid("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
	/* wrong lengths, extra fields, separators */
	cr_assert_not(valid("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"));
	cr_assert_not(valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01"));
	cr_assert_not(valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"));
	cr_assert_not(valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz"));
	cr_assert_not(valid("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
	cr_assert_not(valid("00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01"));
	cr_assert_not(valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7.01"));
	cr_assert_not(valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902g7-01"));
	cr_assert_not(valid(""));
	cr_assert_not(valid(" 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
}

Test(obs_trace, valid_context_keeps_trace_and_flags_with_new_span)
{
	struct sg_rng rng;
	sg_rng_seed_fixed(&rng, 42);
	struct sg_trace_ctx t;
	sg_trace_begin(&t, &rng, SG_SLICE_LIT("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
	cr_assert(t.has_parent);
	cr_assert(sg_trace_keep_tracestate(&t));
	cr_assert(sg_trace_sampled(&t));
	cr_assert_eq(memcmp(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736", 32), 0);
	cr_assert_eq(memcmp(t.parent_id, "00f067aa0ba902b7", 16), 0);
	cr_assert_neq(memcmp(t.span_id, "00f067aa0ba902b7", 16), 0);
	char out[SG_TRACEPARENT_LEN + 1] = { 0 };
	sg_trace_format(&t, out);
	cr_assert_eq(memcmp(out, "00-4bf92f3577b34da6a3ce929d0e0e4736-", 36), 0);
	cr_assert_eq(memcmp(out + 36, t.span_id, 16), 0);
	cr_assert_eq(memcmp(out + 52, "-01", 3), 0);
	/* what we send is itself valid */
	cr_assert(sg_traceparent_parse(sg_slice_make(out, SG_TRACEPARENT_LEN), NULL, NULL, NULL));
}

Test(obs_trace, unsampled_flags_are_preserved)
{
	struct sg_rng rng;
	sg_rng_seed_fixed(&rng, 1);
	struct sg_trace_ctx t;
	sg_trace_begin(&t, &rng, SG_SLICE_LIT("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02"));
	cr_assert_not(sg_trace_sampled(&t));
	cr_assert_eq(memcmp(t.flags, "02", 2), 0);
}

Test(obs_trace, invalid_or_absent_context_starts_a_fresh_trace)
{
	struct sg_rng rng;
	sg_rng_seed_fixed(&rng, 7);
	const char *inputs[] = { "", "garbage", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
	for (size_t i = 0; i < 3; i++) {
		struct sg_trace_ctx t;
		sg_trace_begin(&t, &rng, sg_slice_cstr(inputs[i]));
		cr_assert_not(t.has_parent);
		cr_assert_not(sg_trace_keep_tracestate(&t), "stale tracestate must be dropped");
		cr_assert_not(sg_trace_sampled(&t));
		char out[SG_TRACEPARENT_LEN];
		sg_trace_format(&t, out);
		cr_assert(sg_traceparent_parse(sg_slice_make(out, sizeof(out)), NULL, NULL, NULL));
		cr_assert_eq(memcmp(out + 53, "00", 2), 0);
	}
}

Test(obs_trace, fresh_ids_differ)
{
	struct sg_rng rng;
	sg_rng_seed(&rng, 0);
	struct sg_trace_ctx a, b;
	sg_trace_begin(&a, &rng, SG_SLICE_NULL);
	sg_trace_begin(&b, &rng, SG_SLICE_NULL);
	cr_assert_neq(memcmp(a.trace_id, b.trace_id, 32), 0);
	cr_assert_neq(memcmp(a.span_id, b.span_id, 16), 0);
}
