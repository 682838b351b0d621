/* tests/unit/test_ring_tar_spool.c — the tar spool (ring/tar_spool.c) without
 * a ring: body runs go to the sink as llhttp would hand them; the verdict,
 * the early deny, the cap, the bytes read back for forwarding, the close,
 * and a policy published mid-body (the spool is judged again). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/publish.h"
#include "ring/conn.h"
#include "ring/server.h"
#include "ring/tar_spool.h"
#include "ring/worker.h"

#include "tar_fixture.h"

struct sg_policy *sg_test_spool_policy(bool allow_links);	/* test_ring_tar_spool_cfg.c */

static struct sg_policy *strict, *open_links;
static struct sg_server_opts opts;
static struct sg_worker w;
static struct sg_arena arena;
static struct sg_reqctx *x;
static char tarbuf[1 << 20];
static size_t tarlen;

static void setup(void)
{
	strict = sg_test_spool_policy(false);
	open_links = sg_test_spool_policy(true);
	cr_assert(strict && open_links);
	sg_policy_publish(strict);
	opts.spool_dir = "/tmp";
	w.opts = &opts;
	cr_assert_eq(sg_arena_init(&arena, 16u << 20), 0);
	x = calloc(1, sizeof(*x));
	x->arena = &arena;
	x->view = (struct sg_request_view){ .method = SG_SLICE_LIT("PUT"), .raw_path = SG_SLICE_LIT("/containers/abc/archive"),
					    .path = SG_SLICE_LIT("/containers/abc/archive"),
					    .query = SG_SLICE_LIT("path=/tmp") };
	sg_policy_decide(sg_policy_current(), &x->view, &x->verdict);
	cr_assert_eq(x->verdict.kind, SG_VERDICT_INSPECT);
	tarlen = 0;
}

static void teardown(void)
{
	sg_tar_spool_close(&x->spool);
	free(x);
	sg_arena_destroy(&arena);
}

TestSuite(tar_spool, .init = setup, .fini = teardown);

static void add(const char *name, char type, size_t n, const char *link)
{
	tar_fixture_header(tarbuf + tarlen, name, type, 0644, n, link, TAR_USTAR, NULL);
	tarlen += 512;
	for (size_t i = 0; i < n; i++)
		tarbuf[tarlen + i] = (char)('a' + i % 26);
	tarlen += (n + 511) / 512 * 512;
}

static void finish(void)
{
	memset(tarbuf + tarlen, 0, 1024);
	tarlen += 1024;
}

/* Feed [from, to) in 1000-byte runs; the first sink result that is not 0. */
static int feed(size_t from, size_t to)
{
	for (size_t off = from; off < to; off += 1000) {
		size_t n = to - off < 1000 ? to - off : 1000;
		int r = sg_tar_spool_sink(x, tarbuf + off, n);
		if (r)
			return r;
	}
	return 0;
}

static struct sg_verdict judge(void)
{
	struct sg_verdict v;
	sg_policy_decide(sg_policy_current(), &x->view, &v);
	sg_tar_spool_judge(x, sg_policy_current(), &v);
	return v;
}

Test(tar_spool, allowed_body_reads_back_and_closes)
{
	add("a.bin", '0', 300000, NULL);
	add("b", '0', 5, NULL);
	finish();
	cr_assert(sg_tar_spool_wanted(x));
	cr_assert_eq(sg_tar_spool_begin(&w, x), 0);
	cr_assert_eq(feed(0, tarlen), 0);
	cr_assert_eq(x->spool.len, tarlen);
	cr_assert_eq(judge().kind, SG_VERDICT_ALLOW);
	size_t got = 0;
	const char *p;
	uint32_t n;
	int r;
	while ((r = sg_tar_spool_next(&x->spool, &p, &n)) == 1) {
		cr_assert(got + n <= tarlen && memcmp(p, tarbuf + got, n) == 0);
		got += n;
	}
	cr_assert_eq(r, 0);
	cr_assert_eq(got, tarlen);
	x->spool.off = 0;	/* a replay reads it all again */
	cr_assert_eq(sg_tar_spool_next(&x->spool, &p, &n), 1);
	int fd = x->spool.fd;
	sg_tar_spool_close(&x->spool);
	cr_assert_eq(fcntl(fd, F_GETFD), -1);
	sg_tar_spool_close(&x->spool);	/* idempotent */
	cr_assert(arena.high_water < (256u << 10), "%zu", arena.high_water);
}

Test(tar_spool, deny_deep_in_the_body_stops_it)
{
	add("a.bin", '0', 600000, NULL);
	add("../escape", '0', 5, NULL);
	add("more", '0', 100000, NULL);
	finish();
	cr_assert_eq(sg_tar_spool_begin(&w, x), 0);
	cr_assert_eq(feed(0, tarlen), -1);
	cr_assert_eq(x->spool.stop, SG_SPOOL_DENIED);
	cr_assert_eq(x->spool.early.kind, SG_VERDICT_DENY);
	cr_assert_str_eq(x->spool.early.knob, "container_archive.tar_traversal");
	cr_assert_lt(x->spool.len, 700000);	/* the rest was never spooled */
}

Test(tar_spool, cap_is_enforced)
{
	add("a.bin", '0', 300000, NULL);
	finish();
	x->verdict.body_limit = 100000;
	cr_assert_eq(sg_tar_spool_begin(&w, x), 0);
	cr_assert_eq(feed(0, tarlen), -1);
	cr_assert_eq(x->spool.stop, SG_SPOOL_TOO_LARGE);
	cr_assert_leq(x->spool.len, 100000);
}

Test(tar_spool, policy_published_mid_body_rescans)
{
	add("a.bin", '0', 200000, NULL);
	add("l", '2', 0, "../../etc/passwd");
	finish();
	cr_assert_eq(sg_tar_spool_begin(&w, x), 0);
	cr_assert_eq(feed(0, 100000), 0);
	sg_policy_publish(open_links);	/* the escaping link is now allowed */
	cr_assert_eq(feed(100000, tarlen), 0);
	cr_assert(x->spool.rescan);
	cr_assert_eq(judge().kind, SG_VERDICT_ALLOW);
}

Test(tar_spool, policy_published_after_the_walk_judges_again)
{
	add("a.bin", '0', 200000, NULL);
	add("l", '2', 0, "../../etc/passwd");
	finish();
	sg_policy_publish(open_links);
	sg_policy_decide(sg_policy_current(), &x->view, &x->verdict);
	cr_assert_eq(sg_tar_spool_begin(&w, x), 0);
	cr_assert_eq(feed(0, tarlen), 0);
	sg_policy_publish(sg_test_spool_policy(false));	/* stricter before the body is judged (publish freed `strict`) */
	struct sg_verdict v = judge();
	cr_assert_eq(v.kind, SG_VERDICT_DENY);
	cr_assert_str_eq(v.knob, "container_archive.allow_escaping_links");
}
