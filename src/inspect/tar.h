/* inspect/tar.h — a tar reader that yields the entries Go's archive/tar
 * Reader.Next yields (what dockerd extracts), over a fully buffered body.
 *
 * Formats: V7, USTAR (prefix + "/" + name), GNU ("ustar  \0" magic; long
 * names 'L' and long link names 'K'), PAX ('x' records path, linkpath, size;
 * 'g' global headers are returned as entries of type 'g', which dockerd
 * ignores). Numeric fields are octal (spaces/NULs trimmed) or GNU base-256.
 * A header passes when its checksum matches the unsigned or the signed sum.
 * Two zero blocks end the archive; data after them is never extracted.
 * Type '\0' becomes '0' (or '5' for a name ending in '/'), as in Go.
 *
 * Refused (SG_TAR_ERROR): bad checksum or number, truncated header or data,
 * one zero block followed by a non-zero block, malformed PAX records, GNU
 * sparse files ('S' or GNU.sparse.* records), special headers ('x', 'L',
 * 'K') more than 8 in a row or holding more than 1 MiB together, or chained
 * without an entry. The reader never allocates except the joined names,
 * which go to the arena.
 *
 * Two readers share the header code below: sg_tar_next() over a whole
 * buffer, and the streaming walker of inspect/tar_stream.h. */
#ifndef SG_INSPECT_TAR_H
#define SG_INSPECT_TAR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/slice.h"

struct sg_tar_entry {
	sg_slice name;		/* as the reader yields it (not cleaned) */
	sg_slice linkname;
	char type;		/* '0' file, '1' hardlink, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo, ... */
	uint64_t mode;
	uint64_t size;
	sg_slice data;		/* the entry's bytes (size of them) */
	bool security_xattr;	/* PAX SCHILY.xattr.security.* (file capabilities, labels) */
};

struct sg_tar_reader {
	sg_slice buf;
	size_t pos;
	struct sg_arena *a;
	bool done;
};

enum sg_tar_status { SG_TAR_ENTRY = 0, SG_TAR_END, SG_TAR_ERROR };

#define SG_TAR_BLOCK 512
#define SG_TAR_MAX_SPECIAL (1u << 20)	/* special header data in a row, in total */
#define SG_TAR_MAX_SPECIALS 8		/* special headers in a row */

/* What the special headers before an entry override. Slices point into
 * the special headers' data, which must outlive the entry. */
struct sg_tar_pending {
	sg_slice name, linkname;
	bool has_name, has_link, has_size, security_xattr;
	uint64_t size;
};

enum sg_tar_hdr { SG_TAR_HDR_BAD = 0, SG_TAR_HDR_SPECIAL, SG_TAR_HDR_ENTRY };

/* Shared by both readers. */
bool sg_tar_block_zero(const unsigned char *b);
/* One non-zero header block: SPECIAL ('x', 'L', 'K': *type and *size set),
 * ENTRY (*e filled from the block and `pend`; its name may point into b;
 * e->data is left empty) or BAD. */
enum sg_tar_hdr sg_tar_header(const unsigned char *b, const struct sg_tar_pending *pend, struct sg_arena *a,
			      struct sg_tar_entry *e, char *type, uint64_t *size);
/* Apply a special header's data (size bytes) to pend; false: malformed. */
bool sg_tar_special_apply(char type, sg_slice d, struct sg_tar_pending *pend);
/* Bytes of data that follow an entry's header (links, dirs, devices and
 * fifos carry none in Go's reader), before padding. */
uint64_t sg_tar_data_size(const struct sg_tar_entry *e);

void sg_tar_init(struct sg_tar_reader *r, sg_slice body, struct sg_arena *a);
enum sg_tar_status sg_tar_next(struct sg_tar_reader *r, struct sg_tar_entry *e);

#endif
