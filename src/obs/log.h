/* obs/log.h — operational (non-request) log lines and the log clock.
 *
 * sg_log() is for start-up, reload, watchdog transitions, errors: rare
 * events from any thread. It takes a mutex and formats on the caller's
 * stack, so it must never be called per request (request lines go through
 * the per-worker rings, obs/access_event.h). Output matches Go's log/slog
 * handlers the original uses:
 *   json: {"time":"2026-01-02T15:04:05.123Z","level":"INFO","msg":"...","k":"v"}
 *   text: time=2026-01-02T15:04:05.123Z level=INFO msg=... k=v
 * Until sg_log_setup() attaches a writer, lines go straight to stderr. */
#ifndef SG_OBS_LOG_H
#define SG_OBS_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "obs/obuf.h"

struct sg_log_writer;
struct sg_log_sink;

enum sg_log_level { SG_LOG_DEBUG = -4, SG_LOG_INFO = 0, SG_LOG_WARN = 4, SG_LOG_ERROR = 8 };
enum sg_log_format { SG_LOG_FORMAT_JSON = 0, SG_LOG_FORMAT_TEXT };

/* "debug" | "info" | "warn" | "error" (anything else -> info, as Go does). */
enum sg_log_level sg_log_level_parse(const char *s);
/* "json" | "text"; false for anything else. */
bool sg_log_format_parse(const char *s, enum sg_log_format *out);
const char *sg_log_level_name(enum sg_log_level l);	/* "INFO", ... */

/* Configure the operational logger. `writer` and `sink` may be NULL (direct
 * stderr writes). When a writer is given, a ring for operational lines is
 * registered with it (call before sg_log_writer_start). 0 or -errno. */
int sg_log_setup(enum sg_log_level level, enum sg_log_format format,
		 struct sg_log_writer *writer, const struct sg_log_sink *sink);
/* Detach from the writer (before sg_log_writer_destroy). */
void sg_log_teardown(void);

enum sg_log_level sg_log_get_level(void);
enum sg_log_format sg_log_get_format(void);
static inline bool sg_log_enabled(enum sg_log_level l) { return l >= sg_log_get_level(); }

/* printf-style message, no extra attributes. */
__attribute__((format(printf, 2, 3)))
void sg_log(enum sg_log_level level, const char *fmt, ...);
/* Structured: msg plus string attributes as key, value pairs, NULL-ended:
 *   sg_log_kv(SG_LOG_WARN, "upstream socket unreachable", "upstream_socket", path, NULL); */
__attribute__((sentinel))
void sg_log_kv(enum sg_log_level level, const char *msg, ...);

/* Lines dropped by the operational ring (metrics). */
uint64_t sg_log_ops_dropped(void);

/* Shared record framing for every slog-shaped line (access log too):
 * opens the record with time, level and msg in the configured format. */
void sg_log_open_record(struct sg_obuf *b, enum sg_log_format f, int64_t unix_ns,
			enum sg_log_level level, const char *msg, size_t msg_len);
/* Append one attribute: key and a string / integer / bool / raw number. */
void sg_log_attr_str(struct sg_obuf *b, enum sg_log_format f, const char *key, const char *v, size_t n);
void sg_log_attr_i64(struct sg_obuf *b, enum sg_log_format f, const char *key, int64_t v);
void sg_log_attr_bool(struct sg_obuf *b, enum sg_log_format f, const char *key, bool v);
void sg_log_attr_fixed(struct sg_obuf *b, enum sg_log_format f, const char *key, uint64_t v, unsigned scale);
/* Attribute groups (slog.Group): JSON "name":{...}, text name.key=v. */
void sg_log_group_open(struct sg_obuf *b, enum sg_log_format f, const char *group);
void sg_log_group_close(struct sg_obuf *b, enum sg_log_format f);
/* Close the record ("}\n" or "\n"). */
void sg_log_close_record(struct sg_obuf *b, enum sg_log_format f);

/* Time helpers (CLOCK_REALTIME). */
int64_t sg_log_now_ns(void);
/* RFC 3339 UTC with millisecond precision, slog's choice: 2026-01-02T15:04:05.123Z */
void sg_log_time_millis(struct sg_obuf *b, int64_t unix_ns);
/* RFC 3339 UTC with trailing-zero-trimmed nanoseconds, Go's RFC3339Nano. */
void sg_log_time_nano(struct sg_obuf *b, int64_t unix_ns);

#endif
