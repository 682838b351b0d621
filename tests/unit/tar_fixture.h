/* tests/unit/tar_fixture.h — one tar header for the tests that build tars
 * (tar inspectors, the streaming walker, multipart plugin bodies, the spool).
 *
 * Fills the 512 bytes at h: name (cut at 100), mode, uid/gid/mtime 0, size,
 * type, link name, magic (NULL: none, a V7 header), prefix, and the
 * checksum. Test bodies are small: the size fits 11 octal digits. */
#ifndef SG_TESTS_TAR_FIXTURE_H
#define SG_TESTS_TAR_FIXTURE_H

#include <stdio.h>
#include <string.h>

#define TAR_USTAR "ustar\00000"

static inline void tar_fixture_header(char *h, const char *name, char type, unsigned mode, size_t size,
				      const char *link, const char *magic, const char *prefix)
{
	memset(h, 0, 512);
	memcpy(h, name, strlen(name) > 100 ? 100 : strlen(name));
	snprintf(h + 100, 8, "%07o", mode);
	snprintf(h + 108, 8, "%07o", 0);
	snprintf(h + 116, 8, "%07o", 0);
	snprintf(h + 124, 12, "%011o", (unsigned)size);
	snprintf(h + 136, 12, "%011o", 0);
	h[156] = type;
	if (link)
		memcpy(h + 157, link, strlen(link));
	if (magic)
		memcpy(h + 257, magic, 8);
	if (prefix)
		memcpy(h + 345, prefix, strlen(prefix));
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
}

#endif
