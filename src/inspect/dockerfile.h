/* inspect/dockerfile.h — does a Dockerfile contain RUN (or ONBUILD RUN)?
 *
 * Conservative on purpose: every logical instruction starts a physical line,
 * so checking the first word of EVERY physical line (after the leading
 * whitespace Go's unicode.IsSpace trims, and a leading UTF-8 BOM) finds each
 * RUN whatever the escape character, comments or continuations; a line that
 * merely continues another instruction and happens to start with "RUN" is a
 * false positive, which only denies. */
#ifndef SG_INSPECT_DOCKERFILE_H
#define SG_INSPECT_DOCKERFILE_H

#include <stdbool.h>

#include "base/slice.h"

bool sg_dockerfile_has_run(sg_slice dockerfile);

#endif
