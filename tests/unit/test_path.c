/* tests/unit/test_path.c — path canonicalization (policy/path.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "policy/path.h"

static char buf[SG_PATH_MAX + 1];

static void expect_canon(const char *raw, const char *want_path, const char *want_version)
{
	struct sg_canon_path res;
	int rc = sg_path_canonicalize(sg_slice_cstr(raw), buf, sizeof(buf), &res);
	cr_assert_eq(rc, SG_PATH_OK, "%s: rc %d", raw, rc);
	cr_assert(sg_slice_eq_cstr(res.path, want_path), "%s: got path '%.*s' want '%s'", raw,
		  (int)res.path.len, res.path.ptr, want_path);
	cr_assert(sg_slice_eq_cstr(res.version, want_version), "%s: got version '%.*s' want '%s'", raw,
		  (int)res.version.len, res.version.ptr, want_version);
}

static void expect_err(const char *raw, int want)
{
	struct sg_canon_path res;
	int rc = sg_path_canonicalize(sg_slice_cstr(raw), buf, sizeof(buf), &res);
	cr_assert_eq(rc, want, "%s: rc %d want %d", raw, rc, want);
}

Test(path, spec_example)
{
	expect_canon("/v1.45/containers/%2e%2e/images/json", "/images/json", "/v1.45");
	expect_canon("/v1.45/containers/json", "/containers/json", "/v1.45");
}

Test(path, version_prefix_forms)
{
	expect_canon("/v1/containers/json", "/containers/json", "/v1");
	expect_canon("/v5.0.0/libpod/info", "/libpod/info", "/v5.0.0");
	expect_canon("/v1.41/_ping", "/_ping", "/v1.41");
	/* Clean runs before the prefix is stripped (Go order). */
	expect_canon("/v1.41/../containers/json", "/containers/json", "");
	expect_canon("/%761.41/containers/json", "/containers/json", "/v1.41");
	expect_canon("/V1.41/containers/json", "/V1.41/containers/json", "");
	expect_canon("/vx/containers", "/vx/containers", "");
	expect_canon("/version", "/version", "");
}

Test(path, version_like_refused)
{
	expect_err("/v1.2.3.4/containers/json", SG_PATH_EAMBIGUOUS);
	expect_err("/v1.41/v1.40/containers/json", SG_PATH_EAMBIGUOUS);
	expect_err("/v1.41", SG_PATH_EAMBIGUOUS);
	expect_err("/v1.41/", SG_PATH_EAMBIGUOUS);
	expect_err("/v./x", SG_PATH_EAMBIGUOUS);
}

Test(path, decoding)
{
	expect_canon("/containers%2Fjson", "/containers/json", "");
	expect_canon("/containers%2fjson", "/containers/json", "");
	expect_canon("/%63ontainers/%4A%73on", "/containers/Json", "");
	expect_canon("/a%2E%2e/b", "/a../b", "");
	expect_canon("/a/%2E%2e/b", "/b", "");
	expect_canon("/a+b", "/a+b", "");
	expect_canon("/caf%C3%A9", "/caf\xc3\xa9", "");
}

Test(path, cleaning)
{
	expect_canon("//containers//json", "/containers/json", "");
	expect_canon("/./containers/./json/.", "/containers/json", "");
	expect_canon("/..", "/", "");
	expect_canon("/../../..", "/", "");
	expect_canon("/../containers/json", "/containers/json", "");
	expect_canon("/containers/json/", "/containers/json", "");
	expect_canon("/", "/", "");
	expect_canon("/a/b/../../..", "/", "");
	expect_canon("/...", "/...", "");
	expect_canon("/.a/..b", "/.a/..b", "");
}

Test(path, refusals)
{
	expect_err("", SG_PATH_ENOTABS);
	expect_err("containers/json", SG_PATH_ENOTABS);
	expect_err("*", SG_PATH_ENOTABS);
	expect_err("/a%zz", SG_PATH_EESCAPE);
	expect_err("/a%4", SG_PATH_EESCAPE);
	expect_err("/a%", SG_PATH_EESCAPE);
	expect_err("/a%00b", SG_PATH_ECTRL);
	expect_err("/a%0a", SG_PATH_ECTRL);
	expect_err("/a%7f", SG_PATH_ECTRL);
	expect_err("/a\tb", SG_PATH_ECTRL);
	expect_err("/a%2500", SG_PATH_EAMBIGUOUS);

	struct sg_canon_path res;
	char nul[] = "/a\0b";
	cr_assert_eq(sg_path_canonicalize(sg_slice_make(nul, 4), buf, sizeof(buf), &res), SG_PATH_ECTRL);

	static char big[SG_PATH_MAX + 2];
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	cr_assert_eq(sg_path_canonicalize(sg_slice_make(big, SG_PATH_MAX + 1), buf, sizeof(buf), &res),
		     SG_PATH_ETOOLONG);
	cr_assert_eq(sg_path_canonicalize(sg_slice_make(big, SG_PATH_MAX), buf, sizeof(buf), &res), SG_PATH_OK);
	char small[4];
	cr_assert_eq(sg_path_canonicalize(sg_slice_cstr("/abcdef"), small, sizeof(small), &res), SG_PATH_ETOOLONG);
}

static void check_idempotent_roundtrip(const char *raw)
{
	struct sg_canon_path a, b, c;
	static char b1[SG_PATH_MAX + 1], b2[SG_PATH_MAX + 1], b3[SG_PATH_MAX + 1];
	static char up[SG_PATH_UPSTREAM_MAX];
	cr_assert_eq(sg_path_canonicalize(sg_slice_cstr(raw), b1, sizeof(b1), &a), SG_PATH_OK, "%s", raw);
	/* canonical path is a fixed point */
	cr_assert_eq(sg_path_canonicalize(a.path, b2, sizeof(b2), &b), SG_PATH_OK, "%s", raw);
	cr_assert(sg_slice_eq(a.path, b.path), "%s", raw);
	cr_assert_eq(b.version.len, 0);
	/* what we send upstream decodes to what we decided on */
	size_t n = sg_path_serialize_upstream(&a, up, sizeof(up));
	cr_assert_gt(n, 0);
	cr_assert_eq(sg_path_canonicalize(sg_slice_make(up, n), b3, sizeof(b3), &c), SG_PATH_OK, "%s -> %s", raw, up);
	cr_assert(sg_slice_eq(a.path, c.path), "%s -> %s", raw, up);
	cr_assert(sg_slice_eq(a.version, c.version), "%s -> %s", raw, up);
}

Test(path, idempotence_and_roundtrip)
{
	const char *cases[] = {
		"/containers/json", "/v1.45/containers/%2e%2e/images/json", "/v1.41/containers/a%20b/json",
		"/a%3Fb%23c", "/caf%C3%A9/%FF", "/a;b=c/@x:y", "/a%22%3C%3E%5C%5E%60%7B%7C%7D", "/",
		"/v1.41/_ping", "//a//./b/../c/",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_idempotent_roundtrip(cases[i]);
}

Test(path, serialize_upstream)
{
	struct sg_canon_path r;
	char up[64];
	cr_assert_eq(sg_path_canonicalize(sg_slice_cstr("/v1.41/containers/a%20b%3F"), buf, sizeof(buf), &r), 0);
	size_t n = sg_path_serialize_upstream(&r, up, sizeof(up));
	cr_assert_str_eq(up, "/v1.41/containers/a%20b%3F");
	cr_assert_eq(n, strlen(up));
	cr_assert_eq(sg_path_serialize_upstream(&r, up, 8), 0);
}
