/* tests/unit/test_inspect_multipart.c — the multipart/form-data reader and
 * POST /plugins/create through a multipart envelope. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "inspect/inspect.h"
#include "inspect/multipart.h"
#include "inspect/tar.h"

#include "tar_fixture.h"

static struct sg_arena arena;
static struct sg_inspect_settings S;
static char tarbuf[16 * 1024];
static size_t tarlen;
static char body[64 * 1024];
static size_t blen;

static void setup(void)
{
	cr_assert_eq(sg_arena_init(&arena, 4u << 20), 0);
	sg_inspect_settings_defaults(&S);
	tarlen = blen = 0;
}
static void teardown(void) { sg_arena_destroy(&arena); }

TestSuite(inspect_multipart, .init = setup, .fini = teardown);

/* ---- builders ------------------------------------------------------------ */

static void tar_add(const char *name, char type, const char *data)
{
	size_t n = strlen(data);
	tar_fixture_header(tarbuf + tarlen, name, type, 0644, n, NULL, TAR_USTAR, NULL);
	tarlen += 512;
	memcpy(tarbuf + tarlen, data, n);
	tarlen += (n + 511) / 512 * 512;
}

/* A plugin tar: rootfs/ plus config.json. */
static void plugin_tar(const char *config)
{
	tarlen = 0;
	tar_add("rootfs/", '5', "");
	tar_add("config.json", '0', config);
	memset(tarbuf + tarlen, 0, 1024);
	tarlen += 1024;
}

static void put(const void *p, size_t n)
{
	cr_assert(blen + n <= sizeof(body));
	memcpy(body + blen, p, n);
	blen += n;
}
static void puts_(const char *s) { put(s, strlen(s)); }
static void put_tar(void) { put(tarbuf, tarlen); }

static sg_slice B(void) { return sg_slice_make(body, blen); }

/* The standard envelope: a text field, then the tar as a file part. */
static void envelope(const char *bnd)
{
	blen = 0;
	puts_("--"); puts_(bnd); puts_("\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nmyplugin\r\n");
	puts_("--"); puts_(bnd);
	puts_("\r\nContent-Disposition: form-data; name=\"context\"; filename=\"p.tar\"\r\n"
	      "Content-Type: application/x-tar\r\n\r\n");
	put_tar();
	puts_("\r\n--"); puts_(bnd); puts_("--\r\n");
}

/* Read the whole envelope; returns the number of parts or -1 (err set). */
static int read_all(const char *bnd, struct sg_mp_part *parts, int max, const char **err)
{
	struct sg_mp_reader r;
	struct sg_mp_part p;
	enum sg_mp_status st;
	int n = 0;
	sg_mp_init(&r, B(), sg_slice_cstr(bnd));
	while ((st = sg_mp_next(&r, &p)) == SG_MP_PART) {
		if (n < max)
			parts[n] = p;
		n++;
	}
	*err = r.err;
	if (st == SG_MP_ERROR) {
		cr_assert_not_null(r.err);
		return -1;
	}
	cr_assert_eq(sg_mp_next(&r, &p), SG_MP_END, "END is sticky");
	return n;
}

#define MP_OK(bnd, nparts) do { const char *e_; struct sg_mp_part ps_[8]; \
	cr_assert_eq(read_all(bnd, ps_, 8, &e_), nparts, "err: %s", e_ ? e_ : "-"); } while (0)
#define MP_ERR(bnd, why) do { const char *e_; struct sg_mp_part ps_[8]; \
	cr_assert_eq(read_all(bnd, ps_, 8, &e_), -1, "expected an error (%s)", why); \
	cr_assert_str_eq(e_, why); } while (0)

static const char *boundary_of(const char *ct, const char **err)
{
	static char out[128];
	sg_slice b;
	*err = NULL;
	if (!sg_mp_boundary(sg_slice_cstr(ct), &b, err))
		return NULL;
	memcpy(out, b.ptr, b.len);
	out[b.len] = 0;
	return out;
}

/* ---- Content-Type -------------------------------------------------------- */

Test(inspect_multipart, content_type)
{
	const char *err;
	cr_assert(sg_mp_is_form_data(SG_SLICE_LIT("multipart/form-data; boundary=x")));
	cr_assert(sg_mp_is_form_data(SG_SLICE_LIT(" Multipart/Form-Data ")));
	cr_assert(!sg_mp_is_form_data(SG_SLICE_LIT("multipart/form-datax; boundary=x")));
	cr_assert(!sg_mp_is_form_data(SG_SLICE_LIT("multipart/mixed; boundary=x")));
	cr_assert(!sg_mp_is_form_data(SG_SLICE_LIT("application/x-tar")));

	cr_assert_str_eq(boundary_of("multipart/form-data; boundary=abc-123", &err), "abc-123");
	cr_assert_str_eq(boundary_of("multipart/form-data;boundary=\"a b:c/d?e=f\"", &err), "a b:c/d?e=f");
	cr_assert_str_eq(boundary_of("multipart/form-data; charset=utf-8; BOUNDARY = x;", &err), "x");
	cr_assert_str_eq(boundary_of("multipart/form-data; a=\"q\\\"uoted\"; boundary=x", &err), "x");
	char seventy[128] = "multipart/form-data; boundary=";
	memset(seventy + strlen(seventy), 'b', 70);
	cr_assert_not_null(boundary_of(seventy, &err));
	strcat(seventy, "b");
	cr_assert_null(boundary_of(seventy, &err));
	cr_assert_str_eq(err, "multipart boundary is not a valid RFC 2046 boundary");

	cr_assert_null(boundary_of("multipart/form-data", &err));
	cr_assert_str_eq(err, "multipart Content-Type has no boundary parameter");
	cr_assert_null(boundary_of("multipart/form-data; charset=x", &err));
	cr_assert_str_eq(err, "multipart Content-Type has no boundary parameter");
	cr_assert_null(boundary_of("multipart/form-data; boundary=a; boundary=b", &err));
	cr_assert_str_eq(err, "multipart Content-Type repeats the boundary parameter");
	cr_assert_null(boundary_of("multipart/form-data; boundary=a; Boundary=a", &err));
	cr_assert_str_eq(err, "multipart Content-Type repeats the boundary parameter");
	cr_assert_null(boundary_of("multipart/form-data; boundary=a; boundary*=utf-8''b", &err));
	cr_assert_str_eq(err, "multipart boundary given in RFC 2231 form");
	cr_assert_null(boundary_of("multipart/form-data; boundary*0=a", &err));
	cr_assert_str_eq(err, "multipart boundary given in RFC 2231 form");
	cr_assert_null(boundary_of("multipart/form-data; boundary=\"\"", &err));
	cr_assert_str_eq(err, "multipart boundary is not a valid RFC 2046 boundary");
	cr_assert_null(boundary_of("multipart/form-data; boundary=\" a\"", &err));
	cr_assert_null(boundary_of("multipart/form-data; boundary=\"a \"", &err));
	cr_assert_null(boundary_of("multipart/form-data; boundary=\"a\\b\"", &err));
	cr_assert_null(boundary_of("multipart/form-data; boundary=\"a;b", &err));
	cr_assert_str_eq(err, "multipart Content-Type has a malformed parameter");
	cr_assert_null(boundary_of("multipart/form-data; boundary=a/b", &err));
	cr_assert_str_eq(err, "multipart Content-Type has a malformed parameter");
	cr_assert_null(boundary_of("multipart/form-data; boundary", &err));
	cr_assert_null(boundary_of("multipart/form-data; =x", &err));
	cr_assert_null(boundary_of("multipart/form-data; boundary=", &err));
	cr_assert_null(boundary_of("multipart/form-data; boundary=\"x\"y", &err));
	cr_assert_null(boundary_of("multipart/form-data; boundary=\"a[b\"", &err));
}

/* ---- valid envelopes ----------------------------------------------------- */

Test(inspect_multipart, reads_parts)
{
	const char *err;
	struct sg_mp_part ps[4];
	plugin_tar("{}");
	envelope("XyZ");
	cr_assert_eq(read_all("XyZ", ps, 4, &err), 2);
	cr_assert(sg_slice_eq_cstr(ps[0].data, "myplugin"));
	cr_assert(sg_slice_eq_cstr(ps[0].disposition, "form-data; name=\"name\""));
	cr_assert_eq(ps[0].content_type.len, 0);
	cr_assert(sg_slice_eq(ps[1].data, sg_slice_make(tarbuf, tarlen)));
	cr_assert(sg_slice_eq_cstr(ps[1].content_type, "application/x-tar"));
	cr_assert(sg_mp_looks_archive(ps[1].data) && !sg_mp_looks_gzip(ps[1].data));
	cr_assert(!sg_mp_looks_archive(ps[0].data));
	cr_assert(ps[1].data.ptr >= body && ps[1].data.ptr + ps[1].data.len <= body + blen, "a slice of the body");
}

Test(inspect_multipart, preamble_epilogue_padding)
{
	blen = 0;
	puts_("This is the preamble.\r\nIt is ignored.\r\n--b\r\n\r\nnoheaders\r\n--b \t\r\nA: 1\r\n\r\n\r\n--b-- \r\n"
	      "epilogue, also ignored\r\n");
	const char *err;
	struct sg_mp_part ps[4];
	cr_assert_eq(read_all("b", ps, 4, &err), 2, "%s", err ? err : "");
	cr_assert(sg_slice_eq_cstr(ps[0].data, "noheaders"));
	cr_assert_eq(ps[0].headers.len, 0);
	cr_assert_eq(ps[1].data.len, 0);
	/* close delimiter at the very end, without CRLF */
	blen = 0;
	puts_("--b\r\nA: 1\r\n\r\nx\r\n--b--");
	MP_OK("b", 1);
	/* empty part: the delimiter right after the header block (Go allows) */
	blen = 0;
	puts_("--b\r\nA: 1\r\n\r\n--b\r\nA: 2\r\n\r\ny\r\n--b--\r\n");
	MP_OK("b", 2);
	/* no parts at all */
	blen = 0;
	puts_("--b--\r\n");
	MP_OK("b", 0);
}

Test(inspect_multipart, near_boundary_data)
{
	const char *err;
	struct sg_mp_part ps[4];
	blen = 0;
	/* "--bnd" not after CRLF, "\r\n--bndX", "\r\n--bnd-x", "\n--bnd\r\n" are all data */
	puts_("--bnd\r\nA: 1\r\n\r\n"
	      "x--bnd\r\ny\r\n--bndX\r\nz\r\n--bnd-x\n--bnd\r\nw\r--bnd--\r\n"
	      "\r\n--bnd--\r\n");
	cr_assert_eq(read_all("bnd", ps, 4, &err), 1, "%s", err ? err : "");
	cr_assert(sg_slice_eq_cstr(ps[0].data, "x--bnd\r\ny\r\n--bndX\r\nz\r\n--bnd-x\n--bnd\r\nw\r--bnd--\r\n"));
	/* a boundary that is a prefix of the delimiter seen in data */
	blen = 0;
	puts_("--ab\r\n\r\n1\r\n--abc\r\n--ab--");
	cr_assert_eq(read_all("ab", ps, 4, &err), 1);
	cr_assert(sg_slice_eq_cstr(ps[0].data, "1\r\n--abc"));
	/* quoted boundary with a space inside */
	blen = 0;
	puts_("--a b\r\n\r\n1\r\n--a b--\r\n");
	MP_OK("a b", 1);
}

/* ---- malformed envelopes ------------------------------------------------- */

Test(inspect_multipart, malformed)
{
	blen = 0;
	puts_("no delimiter at all");
	MP_ERR("b", "multipart body has no boundary delimiter");
	blen = 0;
	puts_("--b\r\nA: 1\r\n\r\ndata that never closes");
	MP_ERR("b", "multipart body does not close");
	blen = 0;
	puts_("--b\r\nA: 1\r\n\r\nx\r\n--b\r\nA: 2\r\n\r\ny");
	MP_ERR("b", "multipart body does not close");
	blen = 0;
	puts_("--b\r\nA: 1\r\n\r\nx\r\n--b-");
	MP_ERR("b", "multipart body does not close");
	blen = 0;
	puts_("--b\r\nA: 1\r\n\r\nx\r\n--b");
	MP_ERR("b", "multipart body does not close");
	blen = 0;
	puts_("--b\r\nA: 1\r\n");
	MP_ERR("b", "multipart part headers never end");
	blen = 0;
	puts_("--b\r\nA: 1\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part header is malformed");
	blen = 0;
	puts_("--b\r\nA: 1\r\n folded\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part header is folded");
	blen = 0;
	puts_("--b\r\nA : 1\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part header is malformed");
	blen = 0;
	puts_("--b\r\nA: 1\nB: 2\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part header has a bare CR or LF");
	blen = 0;
	puts_("--b\r\nA: 1\rB: 2\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part header has a bare CR or LF");
	blen = 0;
	put("--b\r\nA: 1\0\r\n\r\nx\r\n--b--\r\n", 24);
	MP_ERR("b", "multipart part header holds a control byte");
	blen = 0;
	puts_("--b\nA: 1\n\nx\n--b--\n");
	MP_ERR("b", "multipart delimiter line is malformed");
	blen = 0;
	puts_("--b x\r\nA: 1\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart delimiter line is malformed");
	blen = 0;
	puts_("--b\r\nA: 1\r\n\r\nx\r\n--b--junk\r\n");
	MP_ERR("b", "multipart delimiter line is malformed");
	blen = 0;
	puts_("--b\r\nA: 1\r\n\r\nx\r\n--b                                   \r\n\r\n\r\n--b--");
	MP_ERR("b", "multipart delimiter line is malformed");
	blen = 0;
	puts_("pre--b\r\n--b\r\n\r\nx\r\n--b--");
	MP_ERR("b", "multipart preamble holds the boundary string");
	blen = 0;
	puts_("pre\n--b\r\n\r\nx\r\n--b--");
	MP_ERR("b", "multipart preamble holds the boundary string");
	blen = 0;
	puts_("--bx\r\n--b\r\n\r\nx\r\n--b--");
	MP_ERR("b", "multipart preamble holds the boundary string");
	blen = 0;
	for (int i = 0; i < SG_MP_MAX_PREAMBLE + 1; i++)
		puts_("p");
	puts_("\r\n--b\r\n\r\nx\r\n--b--");
	MP_ERR("b", "multipart preamble is too long");
	blen = 0;
	puts_("--b\r\n\r\nx\r\n--b--\r\n");
	for (int i = 0; i < SG_MP_MAX_EPILOGUE; i++)
		puts_("e");
	MP_OK("b", 1);
	puts_("e");
	MP_ERR("b", "multipart epilogue is too long");
}

Test(inspect_multipart, part_headers)
{
	blen = 0;
	puts_("--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\n--b--\r\n");
	MP_ERR("b", "nested multipart parts cannot be inspected");
	blen = 0;
	puts_("--b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part Content-Transfer-Encoding cannot be inspected");
	blen = 0;
	puts_("--b\r\nContent-Transfer-Encoding: base64\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part Content-Transfer-Encoding cannot be inspected");
	blen = 0;
	puts_("--b\r\ncontent-transfer-encoding: Binary\r\n\r\nx\r\n--b--\r\n");
	MP_OK("b", 1);
	blen = 0;
	puts_("--b\r\nContent-Transfer-Encoding: 8bit\r\nContent-Transfer-Encoding: 8bit\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part repeats Content-Transfer-Encoding");
	blen = 0;
	puts_("--b\r\nContent-Disposition: form-data\r\ncontent-disposition: form-data\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part repeats Content-Disposition");
	blen = 0;
	puts_("--b\r\nContent-Type: a/b\r\nContent-Type: a/b\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part repeats Content-Type");
	blen = 0;
	puts_("--b\r\n");
	for (int i = 0; i < SG_MP_MAX_HEADERS + 1; i++)
		puts_("X: 1\r\n");
	puts_("\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part has too many headers");
	blen = 0;
	puts_("--b\r\nX: ");
	for (int i = 0; i < SG_MP_MAX_HEADER_BYTES; i++)
		puts_("v");
	puts_("\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart part headers are too large");
	blen = 0;
	for (int i = 0; i < SG_MP_MAX_PARTS; i++)
		puts_("--b\r\n\r\nx\r\n");
	puts_("--b--\r\n");
	MP_OK("b", SG_MP_MAX_PARTS);
	blen -= 7;
	puts_("--b\r\n\r\nx\r\n--b--\r\n");
	MP_ERR("b", "multipart body has too many parts");
}

/* ---- plugin create through multipart ----------------------------------- */

static struct sg_inspect_result pcreate(const char *ct, sg_slice b)
{
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"), .query = SG_SLICE_LIT("name=p"),
					  .content_type = sg_slice_cstr(ct) };
	struct sg_inspect_result r;
	sg_arena_reset(&arena);
	sg_inspect_run(SG_INSPECT_PLUGIN_CREATE, &S, &req, b, &arena, &r);
	return r;
}

#define MPCT "multipart/form-data; boundary=\"sg-0123\""

/* Same verdict (status and knob) raw and wrapped. */
static void same_verdict(const char *config, uint16_t status, const char *knob)
{
	plugin_tar(config);
	envelope("sg-0123");
	struct sg_inspect_result raw = pcreate("application/x-tar", sg_slice_make(tarbuf, tarlen));
	struct sg_inspect_result mp = pcreate(MPCT, B());
	cr_assert_eq(raw.status, status, "%s raw: %s %s", config, raw.knob, raw.reason);
	cr_assert_eq(mp.status, status, "%s multipart: %s %s", config, mp.knob, mp.reason);
	if (knob) {
		cr_assert_str_eq(raw.knob, knob);
		cr_assert_str_eq(mp.knob, knob);
		cr_assert_str_eq(raw.reason, mp.reason);
	}
}

Test(inspect_multipart, plugin_create_same_as_raw)
{
	same_verdict("{\"Entrypoint\":[\"/x\"],\"Network\":{\"Type\":\"bridge\"},\"Linux\":{\"Capabilities\":[]}}", 0,
		     NULL);
	same_verdict("{\"Network\":{\"Type\":\"host\"}}", 403, "plugin.allow_host_network");
	same_verdict("{\"IpcHost\":true}", 403, "plugin.allow_host_ipc");
	same_verdict("{\"PidHost\":true}", 403, "plugin.allow_host_pid");
	same_verdict("{\"Mounts\":[{\"Source\":\"/etc\",\"Destination\":\"/h\"}]}", 403, "plugin.allowed_bind_mounts");
	same_verdict("{\"Linux\":{\"Capabilities\":[\"CAP_SYS_ADMIN\"]}}", 403, "plugin.allowed_capabilities");
	same_verdict("{\"Linux\":{\"AllowAllDevices\":true}}", 403, "plugin.allow_all_devices");
	same_verdict("{\"Linux\":{\"Devices\":[{\"Path\":\"/dev/mem\"}]}}", 403, "plugin.allowed_devices");
	same_verdict("not json", 403, NULL);

	/* allowed by settings: allowed both ways */
	S.plugin.allow_host_network = true;
	same_verdict("{\"Network\":{\"Type\":\"host\"}}", 0, NULL);
}

Test(inspect_multipart, plugin_create_selects_archive_part)
{
	const char *ok = "{\"Linux\":{\"Capabilities\":[]}}";
	struct sg_inspect_result r;

	/* the archive as the only part, token boundary, preamble and epilogue */
	plugin_tar(ok);
	blen = 0;
	puts_("preamble\r\n--tok\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n");
	put_tar();
	puts_("\r\n--tok--\r\nbye\r\n");
	r = pcreate("multipart/form-data; boundary=tok", B());
	cr_assert_eq(r.status, 0, "%s %s", r.knob, r.reason);
	/* the same body, another boundary in the header: no delimiter */
	r = pcreate("multipart/form-data; boundary=other", B());
	cr_assert_str_eq(r.knob, "plugin_create.multipart");
	cr_assert_str_eq(r.reason, "multipart body has no boundary delimiter");

	/* no archive part */
	blen = 0;
	puts_("--tok\r\n\r\nhello\r\n--tok--\r\n");
	r = pcreate("multipart/form-data; boundary=tok", B());
	cr_assert_eq(r.status, 403);
	cr_assert_str_eq(r.reason, "multipart body has no archive part");

	/* two archive parts: refused even when both are fine */
	blen = 0;
	for (int i = 0; i < 2; i++) {
		puts_("--tok\r\n\r\n");
		put_tar();
		puts_("\r\n");
	}
	puts_("--tok--\r\n");
	r = pcreate("multipart/form-data; boundary=tok", B());
	cr_assert_str_eq(r.reason, "multipart body has more than one archive part");

	/* a gzip part */
	blen = 0;
	puts_("--tok\r\n\r\n\x1f\x8b\x08rest\r\n--tok--\r\n");
	r = pcreate("multipart/form-data; boundary=tok", B());
	cr_assert_str_eq(r.reason, "multipart plugin archive part is compressed");

	/* archive part with a bad config.json: the raw-tar checks' verdict */
	plugin_tar("{\"PidHost\":true}");
	blen = 0;
	puts_("--tok\r\n\r\n");
	put_tar();
	puts_("\r\n--tok--\r\n");
	cr_assert_str_eq(pcreate("multipart/form-data; boundary=tok", B()).knob, "plugin.allow_host_pid");

	/* a good archive whose envelope never closes */
	plugin_tar(ok);
	blen = 0;
	puts_("--tok\r\n\r\n");
	put_tar();
	r = pcreate("multipart/form-data; boundary=tok", B());
	cr_assert_str_eq(r.knob, "plugin_create.multipart");
	cr_assert_str_eq(r.reason, "multipart body does not close");

	/* an archive hidden in a nested multipart part */
	blen = 0;
	puts_("--tok\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n--in\r\n\r\n");
	put_tar();
	puts_("\r\n--in--\r\n--tok--\r\n");
	cr_assert_str_eq(pcreate("multipart/form-data; boundary=tok", B()).reason,
			 "nested multipart parts cannot be inspected");

	/* Content-Type problems */
	envelope("tok");
	cr_assert_str_eq(pcreate("multipart/form-data", B()).reason, "multipart Content-Type has no boundary parameter");
	cr_assert_str_eq(pcreate("multipart/form-data; boundary=tok; boundary=tok", B()).reason,
			 "multipart Content-Type repeats the boundary parameter");
	cr_assert_eq(pcreate("multipart/form-data; boundary=tok", B()).status, 0);
	/* not multipart/form-data: the body is a raw tar (as dockerd reads it) */
	cr_assert_eq(pcreate("multipart/mixed; boundary=tok", B()).status, 403);
	cr_assert_eq(pcreate("multipart/mixed; boundary=tok", sg_slice_make(tarbuf, tarlen)).status, 0);
}

/* A valid envelope whose bytes are also a tar (see the integration test's
 * _polyglot): dockerd reads the body as a tar from byte 0 and would take
 * the config.json hidden in part 1, not part 2's archive. */
static void polyglot(const char *bnd, const char *evil, const char *benign)
{
	char head[1024], rest[128];
	size_t hl, start, evil_at;
	unsigned sum = 0;

	hl = (size_t)snprintf(head, sizeof(head), "--%s\r\nX-Pad: ", bnd);
	memset(head + hl, 'a', 100 - hl);
	snprintf(rest, sizeof(rest), "\r\nContent-Disposition: form-data; name=\"pad\"\r\n\r\n");
	start = 512 + 100 + strlen(rest);
	evil_at = (start + 300 + 511) / 512 * 512;
	snprintf(head + 100, 60, "0000644 0000000 0000000 %011o 00000000000         0", (unsigned)(evil_at - 512));
	memset(head + 157, 'a', 512 + 100 - 157);
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)head[i];
	char ck[9];
	snprintf(ck, sizeof(ck), "%07o ", sum);
	memcpy(head + 148, ck, 8);
	blen = 0;
	put(head, 612);
	puts_(rest);
	while (blen < evil_at)
		puts_("p");
	plugin_tar(evil);
	put_tar();
	puts_("\r\n--"); puts_(bnd); puts_("\r\nContent-Disposition: form-data; name=\"context\"; filename=\"p.tar\"\r\n\r\n");
	plugin_tar(benign);
	put_tar();
	puts_("\r\n--"); puts_(bnd); puts_("--\r\n");
}

Test(inspect_multipart, plugin_create_refuses_tar_polyglot)
{
	const char *err;
	struct sg_mp_part ps[4];
	struct sg_tar_reader tr;
	struct sg_tar_entry e;
	bool saw_config = false;

	polyglot("sg-0123", "{\"Network\":{\"Type\":\"host\"}}", "{}");
	/* a valid envelope: two parts, only the second looks like an archive */
	cr_assert_eq(read_all("sg-0123", ps, 4, &err), 2, "%s", err ? err : "");
	cr_assert(!sg_mp_looks_archive(ps[0].data));
	cr_assert(sg_mp_looks_archive(ps[1].data));
	/* and a tar, read from byte 0, whose config.json is the evil one */
	sg_tar_init(&tr, B(), &arena);
	while (sg_tar_next(&tr, &e) == SG_TAR_ENTRY)
		if (sg_slice_eq_cstr(e.name, "config.json"))
			saw_config = sg_slice_eq_cstr(e.data, "{\"Network\":{\"Type\":\"host\"}}");
	cr_assert(saw_config);
	struct sg_inspect_result r = pcreate(MPCT, B());
	cr_assert_eq(r.status, 403);
	cr_assert_str_eq(r.knob, "plugin_create.multipart");
	cr_assert_str_eq(r.reason, "multipart body is also a tar archive, which dockerd would read");
	/* even when the hidden config would pass */
	polyglot("sg-0123", "{}", "{}");
	cr_assert_str_eq(pcreate(MPCT, B()).reason, "multipart body is also a tar archive, which dockerd would read");
}

Test(inspect_multipart, go_tar_header_gate)
{
	plugin_tar("{}");
	cr_assert(sg_mp_go_tar_header(sg_slice_make(tarbuf, tarlen)));
	cr_assert(!sg_mp_go_tar_header(sg_slice_make(tarbuf, 511)));
	envelope("tok");
	cr_assert(!sg_mp_go_tar_header(B()));
	/* a zero block is no header */
	char z[512] = { 0 };
	cr_assert(!sg_mp_go_tar_header(sg_slice_make(z, sizeof(z))));
	/* checksum field cut at an inner NUL, as Go's parseString */
	memcpy(tarbuf + 154, "\0" "7", 2);	/* "0nnnnn\0" + "7": Go reads "0nnnnn" */
	tarbuf[155] = '7';
	cr_assert(sg_mp_go_tar_header(sg_slice_make(tarbuf, tarlen)));
	/* unsigned or signed sum: 8 spaces (256) + 0xff (255 / -1) + 'a' (97) */
	memset(z, 0, sizeof(z));
	z[0] = (char)0xff;
	z[1] = 'a';
	memcpy(z + 148, "0001140 ", 8);	/* 608 unsigned */
	cr_assert(sg_mp_go_tar_header(sg_slice_make(z, sizeof(z))));
	memcpy(z + 148, "0000540 ", 8);	/* 352 signed */
	cr_assert(sg_mp_go_tar_header(sg_slice_make(z, sizeof(z))));
	memcpy(z + 148, "0000541 ", 8);
	cr_assert(!sg_mp_go_tar_header(sg_slice_make(z, sizeof(z))));
	memcpy(z + 148, "00005x0 ", 8);
	cr_assert(!sg_mp_go_tar_header(sg_slice_make(z, sizeof(z))));
}
