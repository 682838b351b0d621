/* obs/log_sink.c — open the configured log output (see log_sink.h). */
#include "obs/log_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *sink_path(const char *spec)
{
	if (strncmp(spec, "file:", 5) == 0)
		return spec + 5;
	return spec;
}

int sg_log_sink_check(const char *spec, char *err, size_t errcap)
{
	if (!spec || !*spec) {
		snprintf(err, errcap, "invalid log output (must be stderr, stdout, or file:/absolute/path)");
		return -EINVAL;
	}
	if (strcmp(spec, "stderr") == 0 || strcmp(spec, "stdout") == 0)
		return 0;
	const char *path = sink_path(spec);
	if (path[0] != '/' || strlen(spec) >= sizeof(((struct sg_log_sink *)0)->name)) {
		snprintf(err, errcap, "invalid log output \"%s\" (must be stderr, stdout, or file:/absolute/path)", spec);
		return -EINVAL;
	}
	return 0;
}

int sg_log_sink_open(struct sg_log_sink *s, const char *spec, char *err, size_t errcap)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	int rc = sg_log_sink_check(spec, err, errcap);
	if (rc)
		return rc;
	snprintf(s->name, sizeof(s->name), "%s", spec);
	if (strcmp(spec, "stderr") == 0) {
		s->fd = STDERR_FILENO;
		return 0;
	}
	if (strcmp(spec, "stdout") == 0) {
		s->fd = STDOUT_FILENO;
		return 0;
	}
	const char *path = sink_path(spec);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errcap, "open log output \"%s\": %s", path, strerror(-rc));
		return rc;
	}
	s->fd = fd;
	s->owned = true;
	return 0;
}

void sg_log_sink_close(struct sg_log_sink *s)
{
	if (s->owned && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->owned = false;
}
