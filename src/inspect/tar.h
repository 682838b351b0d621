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
 * sparse files ('S' or GNU.sparse.* records), special headers bigger than
 * 1 MiB or chained without an entry. The reader never allocates except the
 * joined/overridden names, which go to the arena. */
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

void sg_tar_init(struct sg_tar_reader *r, sg_slice body, struct sg_arena *a);
enum sg_tar_status sg_tar_next(struct sg_tar_reader *r, struct sg_tar_entry *e);

#endif
