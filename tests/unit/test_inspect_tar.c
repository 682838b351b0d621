/* tests/unit/test_inspect_tar.c — tar reader, Dockerfile RUN detection, and
 * the POST /build body check that uses them. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "inspect/dockerfile.h"
#include "inspect/inspect.h"
#include "inspect/tar.h"

#include "tar_fixture.h"

static struct sg_arena arena;
static struct sg_inspect_settings S;
static char tarbuf[64 * 1024];
static size_t tarlen;

static void setup(void)
{
	cr_assert_eq(sg_arena_init(&arena, 4u << 20), 0);
	sg_inspect_settings_defaults(&S);
	tarlen = 0;
}
static void teardown(void) { sg_arena_destroy(&arena); }

TestSuite(inspect_tar, .init = setup, .fini = teardown);

/* Append one ustar (or GNU, or V7) header + data. */
static void add_raw(const char *name, char type, const char *data, size_t n, const char *magic, const char *prefix)
{
	tar_fixture_header(tarbuf + tarlen, name, type, 0644, n, NULL, magic, prefix);
	tarlen += 512;
	memcpy(tarbuf + tarlen, data, n);
	tarlen += (n + 511) / 512 * 512;
}

static void add(const char *name, char type, const char *data)
{
	add_raw(name, type, data, strlen(data), "ustar\00000", NULL);
}

static void finish(void)
{
	memset(tarbuf + tarlen, 0, 1024);
	tarlen += 1024;
}

static sg_slice tar(void) { return sg_slice_make(tarbuf, tarlen); }

Test(inspect_tar, reads_ustar_entries)
{
	struct sg_tar_reader r;
	struct sg_tar_entry e;
	add("a.txt", '0', "hello");
	add("dir/", '5', "");
	add("link", '2', "");
	finish();
	sg_tar_init(&r, tar(), &arena);
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ENTRY);
	cr_assert(sg_slice_eq_cstr(e.name, "a.txt") && e.type == '0' && sg_slice_eq_cstr(e.data, "hello"));
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ENTRY);
	cr_assert_eq(e.type, '5');
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ENTRY);
	cr_assert_eq(e.type, '2');
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_END);
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_END);
}

Test(inspect_tar, ustar_prefix_gnu_longname_and_pax)
{
	struct sg_tar_reader r;
	struct sg_tar_entry e;
	add_raw("Dockerfile", '0', "x", 1, "ustar\00000", "sub/dir");
	add_raw("././@LongLink", 'L', "very/long/name\0", 15, "ustar  \0", NULL);
	add_raw("short", '0', "y", 1, "ustar  \0", NULL);
	add("PaxHeaders/x", 'x', "21 path=pax/name.txt\n");
	add("ignored", '0', "z");
	finish();
	sg_tar_init(&r, tar(), &arena);
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ENTRY);
	cr_assert(sg_slice_eq_cstr(e.name, "sub/dir/Dockerfile"), "%.*s", (int)e.name.len, e.name.ptr);
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ENTRY);
	cr_assert(sg_slice_eq_cstr(e.name, "very/long/name"));
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ENTRY);
	cr_assert(sg_slice_eq_cstr(e.name, "pax/name.txt"));
	cr_assert(sg_slice_eq_cstr(e.data, "z"));
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_END);
}

Test(inspect_tar, v7_regular_a_type)
{
	struct sg_tar_reader r;
	struct sg_tar_entry e;
	add_raw("old/", '\0', "", 0, NULL, "ignored-prefix");
	add_raw("old/f", '\0', "q", 1, NULL, NULL);
	finish();
	sg_tar_init(&r, tar(), &arena);
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ENTRY);
	cr_assert(e.type == '5' && sg_slice_eq_cstr(e.name, "old/"));
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ENTRY);
	cr_assert(e.type == '0' && sg_slice_eq_cstr(e.name, "old/f"));
}

Test(inspect_tar, errors)
{
	struct sg_tar_reader r;
	struct sg_tar_entry e;
	add("a", '0', "hello");
	tarbuf[148] ^= 1;	/* bad checksum */
	finish();
	sg_tar_init(&r, tar(), &arena);
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ERROR);

	tarlen = 0;
	add("a", '0', "hello");
	sg_tar_init(&r, sg_slice_make(tarbuf, 600), &arena);	/* truncated data */
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ERROR);

	tarlen = 0;
	memset(tarbuf, 0, 512);
	tarlen = 512;
	add("after-one-zero-block", '0', "x");
	sg_tar_init(&r, tar(), &arena);
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ERROR);

	tarlen = 0;
	add("PaxHeaders/x", 'x', "99 path=x\n");	/* bad record length */
	add("f", '0', "x");
	finish();
	sg_tar_init(&r, tar(), &arena);
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ERROR);

	tarlen = 0;
	add("PaxHeaders/x", 'x', "28 GNU.sparse.major=1\n\n\n\n\n\n");
	add("f", '0', "x");
	finish();
	sg_tar_init(&r, tar(), &arena);
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ERROR);

	sg_tar_init(&r, SG_SLICE_LIT("not a tar"), &arena);
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_ERROR);
	sg_tar_init(&r, SG_SLICE_NULL, &arena);
	cr_assert_eq(sg_tar_next(&r, &e), SG_TAR_END);
}

Test(inspect_tar, dockerfile_run_detection)
{
#define HAS(s) sg_dockerfile_has_run(SG_SLICE_LIT(s))
	cr_assert(HAS("FROM alpine\nRUN id\n"));
	cr_assert(HAS("FROM alpine\n   run id"));
	cr_assert(HAS("FROM alpine\r\n\tRun [\"id\"]\r\n"));
	cr_assert(HAS("FROM alpine\nONBUILD RUN id\n"));
	cr_assert(HAS("FROM alpine\nonbuild \\\n run id\n"));
	cr_assert(HAS("\xef\xbb\xbfRUN id"));
	cr_assert(HAS("FROM a\n\xc2\xa0RUN id"));
	cr_assert(HAS("FROM a\n\xe3\x80\x80RUN id"));
	cr_assert(HAS("# escape=`\nFROM a\nLABEL x=1 `\nRUN id"));
	cr_assert(HAS("RUN"));
	cr_assert_not(HAS("FROM alpine\nCOPY run /run\nCMD [\"run\"]\n"));
	cr_assert_not(HAS("FROM alpine\n# RUN id\nENTRYPOINT runner\n"));
	cr_assert_not(HAS("FROM alpine\nRUNNER x\n"));
	cr_assert_not(HAS(""));
#undef HAS
}

static struct sg_inspect_result build(const char *query)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .query = sg_slice_cstr(query),
					  .content_type = SG_SLICE_LIT("application/x-tar") };
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_BUILD, &S, &req, tar(), &arena, &r);
	return r;
}

Test(inspect_tar, build_allows_dockerfile_without_run)
{
	add("Dockerfile", '0', "FROM alpine\nCOPY . /app\nCMD [\"/app/run\"]\n");
	add("app.sh", '0', "RUN me");
	finish();
	struct sg_inspect_result r = build("t=app");
	cr_assert_eq(r.status, 0, "%s", r.reason);
}

Test(inspect_tar, build_denies_run)
{
	add("Dockerfile", '0', "FROM alpine\nRUN apk add curl\n");
	finish();
	cr_assert_str_eq(build("t=app").knob, "build.allow_run_instructions");
	S.build.allow_run_instructions = true;
	cr_assert_eq(build("t=app").status, 0);
}

Test(inspect_tar, build_custom_dockerfile_path)
{
	add("Dockerfile", '0', "FROM alpine\n");
	add("ci/Build.df", '0', "FROM alpine\nRUN id\n");
	finish();
	cr_assert_eq(build("").status, 0);
	cr_assert_eq(build("dockerfile=ci%2FBuild.df").status, 403);
	cr_assert_eq(build("dockerfile=/ci/./Build.df").status, 403);
	cr_assert_eq(build("dockerfile=missing").status, 403);
	cr_assert_eq(build("dockerfile=../x").status, 403);
}

Test(inspect_tar, build_evasions)
{
	/* a later duplicate overwrites the first on extraction */
	add("Dockerfile", '0', "FROM alpine\n");
	add("./Dockerfile", '0', "FROM alpine\nRUN id\n");
	finish();
	cr_assert_eq(build("").status, 403);

	tarlen = 0;	/* lowercase fallback and case-insensitive filesystems */
	add("dockerfile", '0', "FROM alpine\nRUN id\n");
	finish();
	cr_assert_eq(build("").status, 403);

	tarlen = 0;	/* symlinked Dockerfile */
	add("Dockerfile", '2', "");
	add("real", '0', "FROM alpine\nRUN id\n");
	finish();
	cr_assert_eq(build("").status, 403);

	tarlen = 0;	/* symlinked directory on the path */
	add("ci", '2', "");
	add("other/Dockerfile", '0', "FROM alpine\nRUN id\n");
	finish();
	cr_assert_eq(build("dockerfile=ci/Dockerfile").status, 403);

	tarlen = 0;	/* compressed and garbage contexts */
	memcpy(tarbuf, "\x1f\x8b\x08\x00", 4);
	tarlen = 4;
	cr_assert_eq(build("").status, 403);
	tarlen = 0;
	cr_assert_eq(build("").status, 403);

	tarlen = 0;
	add("Dockerfile", '0', "FROM alpine\n");
	finish();
	cr_assert_eq(build("version=2").status, 403);
	cr_assert_eq(build("version=1").status, 0);
}

static struct sg_inspect_result archive(const char *query)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("PUT"), .query = sg_slice_cstr(query),
					  .content_type = SG_SLICE_LIT("application/x-tar") };
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_CONTAINER_ARCHIVE, &S, &req, tar(), &arena, &r);
	return r;
}

/* Set mode bits on the last header added (and fix its checksum). */
static void set_mode_of(size_t hdr_off, unsigned mode)
{
	char *h = tarbuf + hdr_off;
	snprintf(h + 100, 8, "%07o", mode);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
}

Test(inspect_tar, archive_allows_plain_files)
{
	add("app/", '5', "");
	add("app/config.yml", '0', "a: 1");
	add("app/current", '2', "");
	finish();
	cr_assert_eq(archive("path=/srv").status, 0);
}

Test(inspect_tar, archive_target_paths)
{
	static char *allowed[] = { "/srv/data" };
	add("f", '0', "x");
	finish();
	S.container_archive.allowed_paths = (struct sg_str_list){ allowed, 1 };
	cr_assert_eq(archive("path=/srv/data").status, 0);
	cr_assert_eq(archive("path=/srv/data/sub/").status, 0);
	cr_assert_str_eq(archive("path=/srv/data2").knob, "container_archive.allowed_paths");
	cr_assert_str_eq(archive("path=/srv/data/../../etc").knob, "container_archive.allowed_paths");
	cr_assert_str_eq(archive("").knob, "container_archive.allowed_paths");
	cr_assert_eq(archive("path=srv/data/x").status, 0);
}

Test(inspect_tar, archive_entry_checks)
{
	add("../etc/passwd", '0', "x");
	finish();
	cr_assert_str_eq(archive("path=/").knob, "container_archive.tar_traversal");
	tarlen = 0;
	add("/etc/passwd", '0', "x");
	finish();
	cr_assert_str_eq(archive("path=/").knob, "container_archive.tar_traversal");
	tarlen = 0;
	add("a/../../b", '0', "x");
	finish();
	cr_assert_str_eq(archive("path=/").knob, "container_archive.tar_traversal");

	tarlen = 0;
	add("bin/su", '0', "x");
	set_mode_of(0, 04755);
	finish();
	cr_assert_str_eq(archive("path=/").knob, "container_archive.allow_setid");
	S.container_archive.allow_setid = true;
	cr_assert_eq(archive("path=/").status, 0);
	S.container_archive.allow_setid = false;

	tarlen = 0;
	add("PaxHeaders/x", 'x', "42 SCHILY.xattr.security.capability=\x01\x02\x03\x04\x05\n");
	add("bin/ping", '0', "x");
	finish();
	cr_assert_str_eq(archive("path=/").knob, "container_archive.allow_setid");

	tarlen = 0;
	add("dev/sda", '4', "");
	finish();
	cr_assert_str_eq(archive("path=/").knob, "container_archive.allow_device_nodes");
}

Test(inspect_tar, archive_links)
{
	/* symlink targets are resolved from the link's own directory */
	char *h;
	add("a/ok", '2', "");
	h = tarbuf;
	memcpy(h + 157, "../b", 4);
	set_mode_of(0, 0777);
	finish();
	cr_assert_eq(archive("path=/").status, 0, "%s", archive("path=/").reason);

	tarlen = 0;
	add("a/bad", '2', "");
	memcpy(tarbuf + 157, "../../etc", 9);
	set_mode_of(0, 0777);
	finish();
	cr_assert_str_eq(archive("path=/").knob, "container_archive.allow_escaping_links");

	tarlen = 0;
	add("abs", '2', "");
	memcpy(tarbuf + 157, "/etc/shadow", 11);
	set_mode_of(0, 0777);
	finish();
	cr_assert_str_eq(archive("path=/").knob, "container_archive.allow_escaping_links");
	S.container_archive.allow_escaping_links = true;
	cr_assert_eq(archive("path=/").status, 0);
	S.container_archive.allow_escaping_links = false;

	tarlen = 0;
	add("hard", '1', "");
	memcpy(tarbuf + 157, "../x", 4);
	set_mode_of(0, 0644);
	finish();
	cr_assert_str_eq(archive("path=/").knob, "container_archive.allow_escaping_links");

	tarlen = 0;
	memcpy(tarbuf, "\x1f\x8b\x08\x00garbage", 11);
	tarlen = 11;
	cr_assert_eq(archive("path=/").status, 403);
}

static struct sg_inspect_result load(void)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .content_type = SG_SLICE_LIT("application/x-tar") };
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_IMAGE_LOAD, &S, &req, tar(), &arena, &r);
	return r;
}

Test(inspect_tar, image_load)
{
	add("blobs/sha256/abc", '0', "layer");
	add("manifest.json", '0', "[{\"Config\":\"c.json\",\"RepoTags\":[\"nginx:latest\",\"docker.io/library/redis:7\"],\"Layers\":[]}]");
	finish();
	cr_assert_eq(load().status, 0, "%s", load().reason);

	tarlen = 0;
	add("./manifest.json", '0', "[{\"RepoTags\":[\"ghcr.io/x/y:1\"]}]");
	finish();
	cr_assert_str_eq(load().knob, "image_load.allowed_registries");
	static char *ghcr[] = { "ghcr.io" };
	S.image_load.allowed_registries = (struct sg_str_list){ ghcr, 1 };
	cr_assert_eq(load().status, 0);

	tarlen = 0;
	add("manifest.json", '0', "[{\"Config\":\"c.json\",\"RepoTags\":null}]");
	finish();
	cr_assert_str_eq(load().knob, "image_load.allow_untagged");
	S.image_load.allow_untagged = true;
	cr_assert_eq(load().status, 0);

	tarlen = 0;	/* a second manifest.json would overwrite the first */
	add("manifest.json", '0', "[{\"RepoTags\":[\"nginx:1\"]}]");
	add("x/../manifest.json", '0', "[{\"RepoTags\":[\"evil.io/x:1\"]}]");
	finish();
	cr_assert_str_eq(load().knob, "image_load.manifest");

	tarlen = 0;
	add("index.json", '0', "{}");
	finish();
	cr_assert_str_eq(load().knob, "image_load.manifest");

	tarlen = 0;
	add("manifest.json", '0', "[{\"RepoTags\":[\"nginx:1\"],\"repotags\":[\"evil.io/x\"]}]");
	finish();
	cr_assert_str_eq(load().knob, "request_body.duplicate_key");
}

static struct sg_inspect_result pcreate(const char *ct)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .query = SG_SLICE_LIT("name=p"),
					  .content_type = sg_slice_cstr(ct) };
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_PLUGIN_CREATE, &S, &req, tar(), &arena, &r);
	return r;
}

Test(inspect_tar, plugin_create)
{
	add("rootfs/bin/x", '0', "x");
	add("config.json", '0', "{\"Entrypoint\":[\"/x\"],\"Network\":{\"Type\":\"bridge\"},\"Linux\":{\"Capabilities\":[]}}");
	finish();
	cr_assert_eq(pcreate("application/x-tar").status, 0, "%s", pcreate("application/x-tar").reason);
	cr_assert_eq(pcreate("multipart/form-data; boundary=x").status, 403);

	tarlen = 0;
	add("config.json", '0', "{\"Network\":{\"Type\":\"host\"}}");
	finish();
	cr_assert_str_eq(pcreate("").knob, "plugin.allow_host_network");
	tarlen = 0;
	add("config.json", '0', "{\"PidHost\":true}");
	finish();
	cr_assert_str_eq(pcreate("").knob, "plugin.allow_host_pid");
	tarlen = 0;
	add("config.json", '0', "{\"Mounts\":[{\"Source\":\"/etc\",\"Destination\":\"/h\"}]}");
	finish();
	cr_assert_str_eq(pcreate("").knob, "plugin.allowed_bind_mounts");
	tarlen = 0;
	add("config.json", '0', "{\"Linux\":{\"Capabilities\":[\"CAP_SYS_ADMIN\"]}}");
	finish();
	cr_assert_str_eq(pcreate("").knob, "plugin.allowed_capabilities");
	tarlen = 0;
	add("config.json", '0', "{\"Linux\":{\"Devices\":[{\"Path\":\"/dev/mem\"}]}}");
	finish();
	cr_assert_str_eq(pcreate("").knob, "plugin.allowed_devices");
	tarlen = 0;
	add("config.json", '0', "{}");
	add("./config.json", '0', "{\"IpcHost\":true}");
	finish();
	cr_assert_str_eq(pcreate("").knob, "plugin.privileges");
	tarlen = 0;
	add("rootfs/x", '0', "x");
	finish();
	cr_assert_str_eq(pcreate("").knob, "plugin.privileges");
}
