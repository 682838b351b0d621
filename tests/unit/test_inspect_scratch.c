/* tests/unit/test_inspect_scratch.c — an inspector that runs out of arena
 * scratch fails closed with 413 request_body.too_large ("too large to
 * inspect"), never with the "malformed" verdict of the helper whose
 * allocation failed, and never allows. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "inspect/inspect.h"

/* A fixed-size arena over a static buffer (like the head-phase scratch of
 * policy/decide.c), so the capacity is exact rather than page-rounded. */
static _Alignas(16) char arena_buf[1u << 16];
static struct sg_arena small_arena(size_t cap)
{
	cr_assert_leq(cap, sizeof(arena_buf));
	return (struct sg_arena){ .base = arena_buf, .cap = cap };
}

static struct sg_inspect_settings S;
static void setup(void) { sg_inspect_settings_defaults(&S); }
TestSuite(inspect_scratch, .init = setup);

static struct sg_inspect_result run(enum sg_inspector_id id, const char *query, sg_slice body, size_t cap)
{
	struct sg_arena a = small_arena(cap);
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .query = sg_slice_cstr(query),
					  .content_type = SG_SLICE_LIT("application/json") };
	struct sg_inspect_result r;
	sg_inspect_run(id, &S, &req, body, &a, &r);
	return r;
}

#define TOO_LARGE(r) do { \
	cr_assert_eq((r).status, 413, "status %u knob %s: %s", (r).status, (r).knob, (r).reason); \
	cr_assert_str_eq((r).knob, "request_body.too_large"); \
	cr_assert(strstr((r).reason, "too large to inspect") && strstr((r).reason, "scratch"), "%s", (r).reason); \
} while (0)

Test(inspect_scratch, arena_counts_refused_allocations)
{
	struct sg_arena a = small_arena(64);
	cr_assert_not_null(sg_arena_alloc(&a, 32));
	cr_assert_eq(a.failed, 0);
	cr_assert_null(sg_arena_alloc(&a, 64));
	cr_assert_null(sg_arena_calloc(&a, 64));
	cr_assert_eq(a.failed, 2);
	sg_arena_reset(&a);
	cr_assert_eq(a.failed, 0);
}

/* The head phase decodes query-only inspectors on a 4 KiB arena: a long
 * query used to come back as "query string is malformed". */
Test(inspect_scratch, long_query_is_too_large_not_malformed)
{
	static char q[8192];
	memcpy(q, "fromImage=", 10);
	memset(q + 10, 'a', sizeof(q) - 11);
	struct sg_inspect_result r = run(SG_INSPECT_IMAGE_PULL, q, SG_SLICE_NULL, 4096);
	TOO_LARGE(r);
	/* The same query with room to decode is judged on its merits (a
	 * Docker Hub official name: allowed by default). */
	r = run(SG_INSPECT_IMAGE_PULL, q, SG_SLICE_NULL, sizeof(arena_buf));
	cr_assert_eq(r.status, 0, "%s: %s", r.knob, r.reason);
	/* A genuinely malformed query still says so. */
	r = run(SG_INSPECT_IMAGE_PULL, "fromImage=%zz", SG_SLICE_NULL, 4096);
	cr_assert_str_eq(r.knob, "request_body.malformed_query");
}

Test(inspect_scratch, json_body_larger_than_scratch)
{
	const char *body = "{\"Image\":\"busybox\",\"HostConfig\":{\"NetworkMode\":\"none\"}}";
	struct sg_inspect_result r = run(SG_INSPECT_CONTAINER_CREATE, "", sg_slice_cstr(body), 32);
	TOO_LARGE(r);
	r = run(SG_INSPECT_CONTAINER_CREATE, "", sg_slice_cstr(body), sizeof(arena_buf));
	cr_assert_eq(r.status, 0, "%s", r.reason);
}

/* A ustar entry with a prefix field is joined in the arena; without room the
 * tar reader used to report a malformed archive. */
static size_t ustar(char *out, const char *prefix, const char *name)
{
	memset(out, 0, 512 * 3);
	strcpy(out, name);
	strcpy(out + 100, "0000644");
	strcpy(out + 108, "0000000");
	strcpy(out + 116, "0000000");
	strcpy(out + 124, "00000000000");
	strcpy(out + 136, "00000000000");
	out[156] = '0';
	memcpy(out + 257, "ustar\0" "00", 8);
	strcpy(out + 345, prefix);
	memset(out + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)out[i];
	snprintf(out + 148, 8, "%06o", sum);
	return 512 * 3;
}

Test(inspect_scratch, tar_name_join_out_of_scratch)
{
	static char tar[512 * 3];
	static char prefix[150];
	memset(prefix, 'p', sizeof(prefix) - 1);
	size_t n = ustar(tar, prefix, "file.txt");
	struct sg_arena a = small_arena(sizeof(arena_buf));
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("PUT"), .query = SG_SLICE_LIT("path=/tmp") };
	struct sg_inspect_result r;
	sg_inspect_run(SG_INSPECT_CONTAINER_ARCHIVE, &S, &req, sg_slice_make(tar, n), &a, &r);
	cr_assert_eq(r.status, 0, "%s: %s", r.knob, r.reason);
	/* Room for the query but not for the 159-byte joined name. */
	for (size_t cap = 16; cap <= 160; cap += 16) {
		a = small_arena(cap);
		sg_inspect_run(SG_INSPECT_CONTAINER_ARCHIVE, &S, &req, sg_slice_make(tar, n), &a, &r);
		cr_assert_neq(r.status, 0, "allowed with a %zu-byte arena", cap);
		TOO_LARGE(r);
	}
}

Test(inspect_scratch, exec_glob_out_of_scratch_is_not_a_mismatch)
{
	static char *tpl[] = { "/bin/echo", "**" };
	static struct sg_str_list cmds[] = { { tpl, 2 } };
	S.exec.allowed_commands = (struct sg_str_list_list){ cmds, 1 };
	const char *body = "{\"Cmd\":[\"/bin/echo\",\"hello\"]}";
	struct sg_inspect_result r = run(SG_INSPECT_EXEC_CREATE, "", sg_slice_cstr(body), sizeof(arena_buf));
	cr_assert_eq(r.status, 0, "%s: %s", r.knob, r.reason);
	bool saw_too_large = false;
	for (size_t cap = 16; cap < 8192; cap += 16) {
		r = run(SG_INSPECT_EXEC_CREATE, "", sg_slice_cstr(body), cap);
		if (r.status == 0)
			break;	/* enough scratch from here on */
		TOO_LARGE(r);
		saw_too_large = true;
	}
	cr_assert(saw_too_large);
}

/* A deny whose formatted reason does not fit keeps its knob and status (the
 * static fallback reason is used); only refused allocations the verdict
 * depends on turn into too_large. */
Test(inspect_scratch, full_arena_keeps_policy_deny)
{
	const char *body = "{\"Image\":\"b\",\"HostConfig\":{\"Binds\":[\"/etc:/x\"]}}";
	size_t json = (strlen(body) + 64 + 15) & ~(size_t)15;
	struct sg_inspect_result r = run(SG_INSPECT_CONTAINER_CREATE, "", sg_slice_cstr(body), json + 64);
	cr_assert_eq(r.status, 403, "%u %s: %s", r.status, r.knob, r.reason);
	cr_assert_str_eq(r.knob, "container_create.allowed_bind_mounts");
}
