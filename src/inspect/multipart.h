/* inspect/multipart.h — a bounded multipart/form-data reader (RFC 2046
 * section 5.1, RFC 7578) over a fully buffered body. Pure: it never
 * allocates; every slice it returns points into the Content-Type value or
 * the body.
 *
 * Boundary: the one "boundary" parameter of a multipart/form-data
 * Content-Type, a token or a quoted-string without escapes, 1..70 bchars,
 * no leading or trailing space. Framing is strict CRLF: a delimiter is
 * CRLF "--" boundary (or "--" boundary at byte 0), then at most
 * SG_MP_MAX_PADDING bytes of SP/HTAB transport padding, then CRLF (next
 * part) or "--" (close; then padding, then end of body or CRLF + epilogue).
 * In part data, CRLF "--" boundary followed by anything else than SP, HTAB,
 * CR, LF or "--" is data, as in Go's mime/multipart.
 *
 * Refused (SG_MP_ERROR, reader.err names why): no or repeated boundary,
 * a preamble longer than SG_MP_MAX_PREAMBLE or holding "--" boundary, a
 * malformed delimiter line, part headers that never end / are folded /
 * are not token ":" value / hold control bytes / exceed the limits below,
 * repeated Content-Disposition, Content-Type or Content-Transfer-Encoding,
 * a Content-Transfer-Encoding other than 7bit, 8bit or binary, a nested
 * multipart/... part, more than SG_MP_MAX_PARTS parts, a body that never
 * closes, an epilogue longer than SG_MP_MAX_EPILOGUE. */
#ifndef SG_INSPECT_MULTIPART_H
#define SG_INSPECT_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/slice.h"

#define SG_MP_MAX_BOUNDARY 70
#define SG_MP_MAX_PARTS 64
#define SG_MP_MAX_HEADERS 16		/* header lines per part */
#define SG_MP_MAX_HEADER_BYTES 8192	/* one part's header block, CRLFs included */
#define SG_MP_MAX_PADDING 32		/* transport padding after a delimiter */
#define SG_MP_MAX_PREAMBLE 1024
#define SG_MP_MAX_EPILOGUE 1024

struct sg_mp_part {
	sg_slice headers;		/* the raw header block, without the empty line */
	sg_slice disposition;		/* Content-Disposition value (trimmed), maybe empty */
	sg_slice content_type;		/* Content-Type value (trimmed), maybe empty */
	sg_slice data;			/* the part's bytes (into the body) */
};

/* Reader states: BEFORE (preamble not yet skipped), IN (pos is the start
 * of a part's header block), DONE (close delimiter and epilogue checked),
 * FAILED (err is set). */
enum sg_mp_state { SG_MP_BEFORE = 0, SG_MP_IN, SG_MP_DONE, SG_MP_FAILED };

struct sg_mp_reader {
	sg_slice body;
	sg_slice boundary;
	size_t pos;
	unsigned nparts;
	enum sg_mp_state state;
	const char *err;		/* static sentence when state is FAILED */
};

enum sg_mp_status { SG_MP_PART = 0, SG_MP_END, SG_MP_ERROR };

/* Is `content_type` multipart/form-data (any case, parameters allowed)? */
bool sg_mp_is_form_data(sg_slice content_type);

/* The boundary parameter of a multipart/form-data Content-Type. False with
 * *err set (static) when it is missing, repeated, malformed or not a valid
 * RFC 2046 boundary, or when the parameter list is malformed. */
bool sg_mp_boundary(sg_slice content_type, sg_slice *boundary, const char **err);

void sg_mp_init(struct sg_mp_reader *r, sg_slice body, sg_slice boundary);

/* Next part, SG_MP_END after the close delimiter (and a valid epilogue),
 * or SG_MP_ERROR (r->err). A caller must reach SG_MP_END before trusting
 * the envelope: only then is it known to close. */
enum sg_mp_status sg_mp_next(struct sg_mp_reader *r, struct sg_mp_part *p);

/* Would Go's sockguard take this part's data as a plugin archive? Its test:
 * gzip magic (1f 8b), or "ustar" at offset 257. */
bool sg_mp_looks_archive(sg_slice data);
bool sg_mp_looks_gzip(sg_slice data);

/* Would Go's archive/tar (dockerd) take the first 512 bytes of `body` as a
 * header? Its gate: the checksum field (spaces and NULs trimmed, cut at a
 * NUL, octal) equals the unsigned or signed sum of the block with that
 * field read as spaces. */
bool sg_mp_go_tar_header(sg_slice body);

/* The archive part of a multipart/form-data upload whose receiver may read
 * the raw body as a tar (dockerd's POST /plugins/create never parses the
 * form: it reads the whole body as a tar from byte 0). False with *why (a
 * static sentence) when: the boundary is bad; the body is also a tar
 * (sg_mp_go_tar_header: a polyglot would be judged by one part and used as
 * another); the envelope is malformed or does not close; no part or more
 * than one part looks like an archive (Go's sockguard takes the first one
 * holding a config.json: refused here); that part is gzip (no
 * decompressor). The part must then be judged like a raw tar body. */
bool sg_mp_archive_part(sg_slice content_type, sg_slice body, sg_slice *archive, const char **why);

#endif
