/* tests/unit/test_inspect_tar_stream.c — the streaming tar walker: the same
 * archives fed in one piece, byte by byte and in odd chunks give the same
 * verdict, for every tar inspector; memory stays bounded on big archives. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "inspect/inspect.h"
#include "inspect/tar_stream.h"

#include "tar_fixture.h"

static struct sg_arena arena;
static struct sg_inspect_settings S;
static char *tarbuf;
static size_t tarlen;
#define TARCAP (4u << 20)
static char *allowed[] = { "/srv" };

static void setup(void)
{
	cr_assert_eq(sg_arena_init(&arena, 16u << 20), 0);
	sg_inspect_settings_defaults(&S);
	tarbuf = calloc(1, TARCAP);
	tarlen = 0;
}
static void teardown(void)
{
	sg_arena_destroy(&arena);
	free(tarbuf);
}

TestSuite(inspect_tar_stream, .init = setup, .fini = teardown);

static void add_hdr(const char *name, char type, size_t n, unsigned mode, const char *magic, const char *link)
{
	tar_fixture_header(tarbuf + tarlen, name, type, mode, n, link, magic ? magic : TAR_USTAR, NULL);
	tarlen += 512;
}

static void add_data(const char *data, size_t n)
{
	if (data)
		memcpy(tarbuf + tarlen, data, n);
	else
		memset(tarbuf + tarlen, 'd', n);
	tarlen += (n + 511) / 512 * 512;
}

static void add(const char *name, char type, const char *data)
{
	add_hdr(name, type, strlen(data), 0644, NULL, NULL);
	add_data(data, strlen(data));
}

static void add_link(const char *name, char type, const char *target)
{
	add_hdr(name, type, 0, 0777, NULL, target);
}

static void add_pax(const char *key, const char *val)
{
	char rec[600];
	int body = (int)(strlen(key) + strlen(val) + 3);
	int len = body + 1;
	while ((int)snprintf(NULL, 0, "%d", len) + body != len)
		len++;
	int n = snprintf(rec, sizeof(rec), "%d %s=%s\n", len, key, val);
	add_hdr("PaxHeaders/x", 'x', (size_t)n, 0644, NULL, NULL);
	add_data(rec, (size_t)n);
}

static void finish(void)
{
	memset(tarbuf + tarlen, 0, 1024);
	tarlen += 1024;
}

static struct sg_inspect_request mkreq(enum sg_inspector_id id, const char *query)
{
	struct sg_inspect_request r = { .method = SG_SLICE_LIT("POST"), .query = sg_slice_cstr(query),
					.content_type = SG_SLICE_LIT("application/x-tar") };
	if (id == SG_INSPECT_CONTAINER_ARCHIVE)
		r.method = SG_SLICE_LIT("PUT");
	return r;
}

/* Feed in chunks of `step` bytes (0: one piece). */
static struct sg_inspect_result run_chunked(enum sg_inspector_id id, const char *query, size_t step, size_t len)
{
	struct sg_inspect_request req = mkreq(id, query);
	struct sg_tar_stream ts;
	sg_arena_reset(&arena);
	sg_tar_stream_init(&ts, id, &S, &req, &arena);
	size_t off = 0;
	while (off < len) {
		size_t n = step == 0 || step > len - off ? len - off : step;
		sg_tar_stream_feed(&ts, tarbuf + off, n);
		off += n;
	}
	sg_tar_stream_finish(&ts);
	return ts.result;
}

static struct sg_inspect_result run_whole(enum sg_inspector_id id, const char *query, size_t len)
{
	struct sg_inspect_request req = mkreq(id, query);
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(id, &S, &req, sg_slice_make(tarbuf, len), &arena, &r);
	return r;
}

/* The verdict, checked identical across feeding patterns. */
static struct sg_inspect_result verdict_len(enum sg_inspector_id id, const char *query, size_t len)
{
	static const size_t steps[] = { 1, 7, 511, 512, 513, 4096 };
	struct sg_inspect_result w = run_whole(id, query, len);
	struct sg_inspect_result one = run_chunked(id, query, 0, len);
	cr_assert_eq(w.status, one.status);
	cr_assert_str_eq(w.knob ? w.knob : "", one.knob ? one.knob : "");
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct sg_inspect_result c = run_chunked(id, query, steps[i], len);
		cr_assert_eq(c.status, w.status, "step %zu: %u vs %u (%s / %s)", steps[i], c.status, w.status,
			     c.reason ? c.reason : "", w.reason ? w.reason : "");
		cr_assert_str_eq(c.knob ? c.knob : "", w.knob ? w.knob : "", "step %zu", steps[i]);
		cr_assert_str_eq(c.reason ? c.reason : "", w.reason ? w.reason : "", "step %zu", steps[i]);
	}
	return w;
}

static struct sg_inspect_result verdict(enum sg_inspector_id id, const char *query)
{
	return verdict_len(id, query, tarlen);
}

Test(inspect_tar_stream, build_dockerfile_at_end_with_run)
{
	add("big.bin", '0', "");
	add_hdr("data.bin", '0', 300000, 0644, NULL, NULL);
	add_data(NULL, 300000);
	add("Dockerfile", '0', "FROM scratch\nRUN id\n");
	finish();
	struct sg_inspect_result r = verdict(SG_INSPECT_BUILD, "");
	cr_assert_eq(r.status, 403);
	cr_assert_str_eq(r.reason, "RUN instructions are not allowed");
}

Test(inspect_tar_stream, build_allows_and_finds_pax_named_dockerfile)
{
	add_hdr("data.bin", '0', 70000, 0644, NULL, NULL);
	add_data(NULL, 70000);
	add_pax("path", "sub/dir/My.Dockerfile");
	add("ignored", '0', "FROM scratch\nCOPY . /\n");
	finish();
	cr_assert_eq(verdict(SG_INSPECT_BUILD, "dockerfile=sub/dir/My.Dockerfile").status, 0);
	cr_assert_eq(verdict(SG_INSPECT_BUILD, "").status, 403);	/* no Dockerfile */
}

Test(inspect_tar_stream, build_gnu_longname_dockerfile_with_run)
{
	add_hdr("././@LongLink", 'L', 12, 0644, "ustar  \0", NULL);
	add_data("Dockerfile\0\0", 12);
	add_hdr("short", '0', 7, 0644, "ustar  \0", NULL);
	add_data("RUN id\n", 7);
	finish();
	cr_assert_eq(verdict(SG_INSPECT_BUILD, "").status, 403);
}

Test(inspect_tar_stream, build_link_and_empty_and_compressed)
{
	add_link("Dockerfile", '2', "/etc/passwd");
	finish();
	cr_assert_eq(verdict(SG_INSPECT_BUILD, "").status, 403);
	tarlen = 0;
	cr_assert_eq(verdict(SG_INSPECT_BUILD, "").status, 403);	/* empty */
	memcpy(tarbuf, "\x1f\x8b\x08\x00", 4);
	tarlen = 4;
	cr_assert_str_eq(verdict(SG_INSPECT_BUILD, "").reason,
			 "empty or compressed build contexts cannot be inspected for RUN");
	S.build.allow_run_instructions = true;
	cr_assert_eq(verdict(SG_INSPECT_BUILD, "").status, 0);
}

Test(inspect_tar_stream, archive_traversal_after_large_data)
{
	add_hdr("ok.bin", '0', 1000000, 0644, NULL, NULL);
	add_data(NULL, 1000000);
	add("../escape", '0', "x");
	finish();
	struct sg_inspect_result r = verdict(SG_INSPECT_CONTAINER_ARCHIVE, "path=/srv");
	cr_assert_eq(r.status, 403);
	cr_assert_str_eq(r.knob, "container_archive.tar_traversal");
}

Test(inspect_tar_stream, archive_entry_checks)
{
	add("a", '0', "x");
	add_link("l", '2', "../../etc");
	finish();
	cr_assert_str_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "path=/").knob, "container_archive.allow_escaping_links");
	tarlen = 0;
	add_hdr("suid", '0', 1, 04755, NULL, NULL);
	add_data("x", 1);
	finish();
	cr_assert_str_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "path=/").knob, "container_archive.allow_setid");
	tarlen = 0;
	add_hdr("dev", '3', 0, 0644, NULL, NULL);
	finish();
	cr_assert_str_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "path=/").knob, "container_archive.allow_device_nodes");
	tarlen = 0;
	add_pax("SCHILY.xattr.security.capability", "x");
	add("cap", '0', "x");
	finish();
	cr_assert_str_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "path=/").knob, "container_archive.allow_setid");
	tarlen = 0;
	add("fine/a", '0', "x");
	add_link("fine/l", '2', "../fine/a");
	finish();
	cr_assert_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "path=/").status, 0);
	S.container_archive.allowed_paths = (struct sg_str_list){ allowed, 1 };
	cr_assert_str_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "path=/etc").knob, "container_archive.allowed_paths");
	cr_assert_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "path=/srv/x").status, 0);
}

Test(inspect_tar_stream, archive_malformed_ends)
{
	add("a", '0', "hello");
	cr_assert_eq(verdict_len(SG_INSPECT_CONTAINER_ARCHIVE, "", 600).status, 403);	/* truncated data */
	cr_assert_eq(verdict_len(SG_INSPECT_CONTAINER_ARCHIVE, "", 1024).status, 0);	/* EOF at a block boundary */
	finish();
	cr_assert_eq(verdict_len(SG_INSPECT_CONTAINER_ARCHIVE, "", 1536).status, 0);	/* one zero block, EOF */
	cr_assert_eq(verdict_len(SG_INSPECT_CONTAINER_ARCHIVE, "", 1600).status, 403);	/* zero block, partial */
	cr_assert_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "").status, 0);
	memcpy(tarbuf + tarlen, "trailing garbage after the end is never extracted", 50);
	tarlen += 50;
	cr_assert_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "").status, 0);
	tarbuf[148] ^= 1;
	cr_assert_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "").status, 403);	/* bad checksum */
	tarlen = 0;
	add_pax("path", "x");
	finish();
	cr_assert_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "").status, 403);	/* special then end */
	tarlen = 0;
	add("PaxHeaders/x", 'x', "99 path=x\n");
	add("f", '0', "x");
	finish();
	cr_assert_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "").status, 403);	/* bad record */
	tarlen = 0;
	for (int i = 0; i < 9; i++)
		add_pax("comment", "c");
	add("f", '0', "x");
	finish();
	cr_assert_eq(verdict(SG_INSPECT_CONTAINER_ARCHIVE, "").status, 403);	/* too many specials */
}

Test(inspect_tar_stream, image_load_manifest)
{
	const char *m = "[{\"Config\":\"c.json\",\"RepoTags\":[\"alpine:3\"],\"Layers\":[]}]";
	add_hdr("layer.tar", '0', 200000, 0644, NULL, NULL);
	add_data(NULL, 200000);
	add("./manifest.json", '0', m);
	finish();
	cr_assert_eq(verdict(SG_INSPECT_IMAGE_LOAD, "").status, 0);
	size_t keep = tarlen - 1024;
	tarlen = keep;
	add("manifest.json", '0', m);
	finish();
	cr_assert_str_eq(verdict(SG_INSPECT_IMAGE_LOAD, "").knob, "image_load.manifest");	/* repeated */
	tarlen = 0;
	add("manifest.json", '0', "[{\"RepoTags\":[\"evil.example/x:1\"]}]");
	finish();
	cr_assert_str_eq(verdict(SG_INSPECT_IMAGE_LOAD, "").knob, "image_load.allowed_registries");
	tarlen = 0;
	add("repositories", '0', "{}");
	finish();
	cr_assert_str_eq(verdict(SG_INSPECT_IMAGE_LOAD, "").knob, "image_load.manifest");
}

Test(inspect_tar_stream, plugin_create_config)
{
	add("rootfs/bin/x", '0', "elf");
	add("config.json", '0', "{\"Network\":{\"Type\":\"host\"}}");
	finish();
	cr_assert_str_eq(verdict(SG_INSPECT_PLUGIN_CREATE, "name=p").knob, "plugin.allow_host_network");
	tarlen = 0;
	add("config.json", '0', "{\"Network\":{\"Type\":\"\"}}");
	finish();
	cr_assert_eq(verdict(SG_INSPECT_PLUGIN_CREATE, "name=p").status, 0);
}

Test(inspect_tar_stream, member_over_capture_cap_is_413)
{
	add_hdr("Dockerfile", '0', SG_TAR_CAPTURE_MAX + 1, 0644, NULL, NULL);
	finish();
	struct sg_inspect_result r = run_chunked(SG_INSPECT_BUILD, "", 4096, 512);
	cr_assert_eq(r.status, 413);
	cr_assert_str_eq(r.knob, "request_body.too_large");
}

/* Many entries with PAX names and a large skipped payload: the arena holds
 * the special buffer plus one entry, whatever the archive's size. */
Test(inspect_tar_stream, memory_is_bounded)
{
	struct sg_inspect_request req = mkreq(SG_INSPECT_CONTAINER_ARCHIVE, "");
	struct sg_tar_stream ts;
	char name[200];
	sg_arena_reset(&arena);
	sg_tar_stream_init(&ts, SG_INSPECT_CONTAINER_ARCHIVE, &S, &req, &arena);
	for (int i = 0; i < 20000; i++) {
		tarlen = 0;
		snprintf(name, sizeof(name), "dir/%0150d", i);
		add_pax("path", name);
		add_hdr("x", '0', 3000, 0644, NULL, NULL);
		add_data(NULL, 3000);
		cr_assert(sg_tar_stream_feed(&ts, tarbuf, tarlen));
	}
	tarlen = 0;
	finish();
	sg_tar_stream_feed(&ts, tarbuf, tarlen);
	sg_tar_stream_finish(&ts);
	cr_assert_eq(ts.result.status, 0, "%s", ts.result.reason);
	cr_assert_lt(arena.high_water, SG_TAR_MAX_SPECIAL + (64u << 10));
}
