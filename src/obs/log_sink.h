/* obs/log_sink.h — where a log stream goes: stderr, stdout or a file.
 *
 * The output grammar is the Go original's plus the spec's `file:` form:
 *   "stderr" | "stdout" | "file:/absolute/path" | "/absolute/path"
 * Files are opened O_WRONLY|O_APPEND (one writer thread, whole-line writes)
 * and, like the Go original, created with mode 0600 when missing: audit
 * records carry client addresses and deny reasons. Relative paths are
 * refused (the spec documents absolute ones). */
#ifndef SG_OBS_LOG_SINK_H
#define SG_OBS_LOG_SINK_H

#include <stdbool.h>
#include <stddef.h>

struct sg_log_sink {
	int fd;
	bool owned;		/* we opened it and close it */
	char name[256];		/* the output spec, for error messages */
};

/* Validate only (config validation, `sockguard validate`). 0 or -EINVAL. */
int sg_log_sink_check(const char *spec, char *err, size_t errcap);
/* Open; 0 or -errno with a sentence in err. */
int sg_log_sink_open(struct sg_log_sink *s, const char *spec, char *err, size_t errcap);
void sg_log_sink_close(struct sg_log_sink *s);

#endif
