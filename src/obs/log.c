/* obs/log.c — operational logger and slog-shaped record framing (see log.h). */
#include "obs/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "obs/json_str.h"
#include "obs/log_ring.h"
#include "obs/log_writer.h"

#define SG_LOG_LINE_MAX 4096
#define SG_LOG_OPS_RING_CAP (64u * 1024u)

static struct {
	pthread_mutex_t mu;		/* serializes producers of the ops ring */
	int level;			/* atomic: enum sg_log_level */
	int format;			/* atomic: enum sg_log_format */
	struct sg_log_ring ring;
	bool have_ring;
} g_log = { .mu = PTHREAD_MUTEX_INITIALIZER, .level = SG_LOG_INFO, .format = SG_LOG_FORMAT_JSON };

enum sg_log_level sg_log_level_parse(const char *s)
{
	if (s && strcmp(s, "debug") == 0)
		return SG_LOG_DEBUG;
	if (s && strcmp(s, "warn") == 0)
		return SG_LOG_WARN;
	if (s && strcmp(s, "error") == 0)
		return SG_LOG_ERROR;
	return SG_LOG_INFO;
}

bool sg_log_format_parse(const char *s, enum sg_log_format *out)
{
	if (s && strcmp(s, "json") == 0) {
		*out = SG_LOG_FORMAT_JSON;
		return true;
	}
	if (s && strcmp(s, "text") == 0) {
		*out = SG_LOG_FORMAT_TEXT;
		return true;
	}
	return false;
}

const char *sg_log_level_name(enum sg_log_level l)
{
	switch (l) {
	case SG_LOG_DEBUG: return "DEBUG";
	case SG_LOG_INFO: return "INFO";
	case SG_LOG_WARN: return "WARN";
	case SG_LOG_ERROR: return "ERROR";
	}
	return "INFO";
}

enum sg_log_level sg_log_get_level(void)
{
	return (enum sg_log_level)__atomic_load_n(&g_log.level, __ATOMIC_RELAXED);
}

enum sg_log_format sg_log_get_format(void)
{
	return (enum sg_log_format)__atomic_load_n(&g_log.format, __ATOMIC_RELAXED);
}

int sg_log_setup(enum sg_log_level level, enum sg_log_format format,
		 struct sg_log_writer *writer, const struct sg_log_sink *sink)
{
	__atomic_store_n(&g_log.level, (int)level, __ATOMIC_RELAXED);
	__atomic_store_n(&g_log.format, (int)format, __ATOMIC_RELAXED);
	if (!writer || !sink)
		return 0;
	pthread_mutex_lock(&g_log.mu);
	int rc = 0;
	if (!g_log.have_ring) {
		rc = sg_log_ring_init(&g_log.ring, SG_LOG_OPS_RING_CAP, "log");
		if (rc == 0)
			__atomic_store_n(&g_log.have_ring, true, __ATOMIC_RELEASE);
	}
	if (rc == 0)
		rc = sg_log_writer_add(writer, &g_log.ring, sink);
	pthread_mutex_unlock(&g_log.mu);
	return rc;
}

void sg_log_teardown(void)
{
	pthread_mutex_lock(&g_log.mu);
	if (g_log.have_ring) {
		__atomic_store_n(&g_log.have_ring, false, __ATOMIC_RELEASE);
		sg_log_ring_destroy(&g_log.ring);
	}
	pthread_mutex_unlock(&g_log.mu);
}

uint64_t sg_log_ops_dropped(void)
{
	return __atomic_load_n(&g_log.have_ring, __ATOMIC_ACQUIRE) ? sg_log_ring_drops(&g_log.ring) : 0;
}

int64_t sg_log_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void put2(struct sg_obuf *b, int v)
{
	char d[2] = { (char)('0' + v / 10 % 10), (char)('0' + v % 10) };
	sg_obuf_put(b, d, 2);
}

/* Days since 1970-01-01 -> proleptic Gregorian date (H. Hinnant's
 * civil_from_days). Our own, because glibc's gmtime_r takes the tzset lock
 * and this runs for every access line. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void put_date_time(struct sg_obuf *b, int64_t unix_ns)
{
	int64_t sec = unix_ns / 1000000000LL;
	int64_t days = sec / 86400, rem = sec % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t y;
	unsigned mo, d;
	civil_from_days(days, &y, &mo, &d);
	sg_obuf_u64(b, (uint64_t)(y < 0 ? 0 : y));
	sg_obuf_putc(b, '-');
	put2(b, (int)mo);
	sg_obuf_putc(b, '-');
	put2(b, (int)d);
	sg_obuf_putc(b, 'T');
	put2(b, (int)(rem / 3600));
	sg_obuf_putc(b, ':');
	put2(b, (int)(rem / 60 % 60));
	sg_obuf_putc(b, ':');
	put2(b, (int)(rem % 60));
}

void sg_log_time_millis(struct sg_obuf *b, int64_t unix_ns)
{
	put_date_time(b, unix_ns);
	int ms = (int)(unix_ns / 1000000 % 1000);
	char d[4] = { '.', (char)('0' + ms / 100), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10) };
	sg_obuf_put(b, d, 4);
	sg_obuf_putc(b, 'Z');
}

void sg_log_time_nano(struct sg_obuf *b, int64_t unix_ns)
{
	put_date_time(b, unix_ns);
	uint64_t ns = (uint64_t)(unix_ns % 1000000000LL);
	if (ns) {
		char d[9];
		int n = 9;
		for (int i = 8; i >= 0; i--) {
			d[i] = (char)('0' + ns % 10);
			ns /= 10;
		}
		while (n > 0 && d[n - 1] == '0')
			n--;
		sg_obuf_putc(b, '.');
		sg_obuf_put(b, d, (size_t)n);
	}
	sg_obuf_putc(b, 'Z');
}

/* The current attribute group (slog.Group): JSON nests an object, text
 * prefixes keys with "group.". Set by sg_log_group_open/close; records are
 * formatted on one thread, so the group rides in the buffer cursor. */
static void attr_key(struct sg_obuf *b, enum sg_log_format f, const char *key)
{
	if (f == SG_LOG_FORMAT_JSON) {
		/* first member of a group object takes no comma */
		/* keys are our own identifiers: no escaping needed */
		if (!(b->len && b->p[b->len - 1] == '{'))
			sg_obuf_putc(b, ',');
		sg_obuf_putc(b, '"');
		sg_obuf_puts(b, key);
		sg_obuf_put(b, "\":", 2);
	} else {
		sg_obuf_putc(b, ' ');
		if (b->group) {
			sg_obuf_puts(b, b->group);
			sg_obuf_putc(b, '.');
		}
		sg_obuf_puts(b, key);
		sg_obuf_putc(b, '=');
	}
}

void sg_log_group_open(struct sg_obuf *b, enum sg_log_format f, const char *group)
{
	if (f == SG_LOG_FORMAT_JSON) {
		attr_key(b, f, group);
		sg_obuf_putc(b, '{');
	}
	b->group = group;
}

void sg_log_group_close(struct sg_obuf *b, enum sg_log_format f)
{
	if (f == SG_LOG_FORMAT_JSON)
		sg_obuf_putc(b, '}');
	b->group = NULL;
}

void sg_log_open_record(struct sg_obuf *b, enum sg_log_format f, int64_t unix_ns,
			enum sg_log_level level, const char *msg, size_t msg_len)
{
	const char *lv = sg_log_level_name(level);
	if (f == SG_LOG_FORMAT_JSON) {
		sg_obuf_puts(b, "{\"time\":\"");
		sg_log_time_millis(b, unix_ns);
		sg_obuf_puts(b, "\",\"level\":\"");
		sg_obuf_puts(b, lv);
		sg_obuf_puts(b, "\",\"msg\":");
		sg_json_str(b, msg, msg_len);
	} else {
		sg_obuf_puts(b, "time=");
		sg_log_time_millis(b, unix_ns);
		sg_obuf_puts(b, " level=");
		sg_obuf_puts(b, lv);
		sg_obuf_puts(b, " msg=");
		sg_text_value(b, msg, msg_len);
	}
}

void sg_log_attr_str(struct sg_obuf *b, enum sg_log_format f, const char *key, const char *v, size_t n)
{
	attr_key(b, f, key);
	if (f == SG_LOG_FORMAT_JSON)
		sg_json_str(b, v, n);
	else
		sg_text_value(b, v, n);
}

void sg_log_attr_i64(struct sg_obuf *b, enum sg_log_format f, const char *key, int64_t v)
{
	attr_key(b, f, key);
	sg_obuf_i64(b, v);
}

void sg_log_attr_bool(struct sg_obuf *b, enum sg_log_format f, const char *key, bool v)
{
	attr_key(b, f, key);
	sg_obuf_puts(b, v ? "true" : "false");
}

void sg_log_attr_fixed(struct sg_obuf *b, enum sg_log_format f, const char *key, uint64_t v, unsigned scale)
{
	attr_key(b, f, key);
	sg_obuf_fixed(b, v, scale);
}

void sg_log_close_record(struct sg_obuf *b, enum sg_log_format f)
{
	if (f == SG_LOG_FORMAT_JSON)
		sg_obuf_putc(b, '}');
	sg_obuf_putc(b, '\n');
}

/* Hand a finished line to the ring (writer running) or to stderr. */
static void emit(const char *line, size_t len)
{
	pthread_mutex_lock(&g_log.mu);
	/* No writer attached (early start-up, tests, after shutdown): write
	 * directly. With a writer, a full ring drops the line (counted). */
	bool direct = !(g_log.have_ring && g_log.ring.writer);
	if (!direct && sg_log_append(&g_log.ring, line, len))
		sg_log_writer_kick(g_log.ring.writer);
	pthread_mutex_unlock(&g_log.mu);
	if (direct) {
		ssize_t rc = write(STDERR_FILENO, line, len);
		(void)rc;
	}
}

/* A line that did not fit: keep the prefix and mark it, rather than lose
 * an operational message entirely. */
static size_t finish_line(struct sg_obuf *b, enum sg_log_format f, char *line)
{
	if (!b->overflow)
		return b->len;
	static const char tail_json[] = "\",\"truncated\":true}\n";
	static const char tail_text[] = " truncated=true\n";
	const char *t = f == SG_LOG_FORMAT_JSON ? tail_json : tail_text;
	size_t tl = strlen(t);
	size_t keep = b->cap > tl + 1 ? b->cap - tl - 1 : 0;
	/* Do not end the kept prefix inside an escape or a UTF-8 sequence. */
	while (keep > 0 && ((unsigned char)line[keep - 1] & 0x80))
		keep--;
	size_t bs = 0;
	while (bs < keep && line[keep - 1 - bs] == '\\')
		bs++;
	if (bs % 2)
		keep--;
	memcpy(line + keep, t, tl);
	return keep + tl;
}

void sg_log(enum sg_log_level level, const char *fmt, ...)
{
	if (!sg_log_enabled(level))
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t mlen = (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;
	char line[SG_LOG_LINE_MAX];
	enum sg_log_format f = sg_log_get_format();
	struct sg_obuf b = sg_obuf_make(line, sizeof(line));
	sg_log_open_record(&b, f, sg_log_now_ns(), level, msg, mlen);
	sg_log_close_record(&b, f);
	emit(line, finish_line(&b, f, line));
}

void sg_log_kv(enum sg_log_level level, const char *msg, ...)
{
	if (!sg_log_enabled(level))
		return;
	char line[SG_LOG_LINE_MAX];
	enum sg_log_format f = sg_log_get_format();
	struct sg_obuf b = sg_obuf_make(line, sizeof(line));
	sg_log_open_record(&b, f, sg_log_now_ns(), level, msg, strlen(msg));
	va_list ap;
	va_start(ap, msg);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		sg_log_attr_str(&b, f, k, v ? v : "", v ? strlen(v) : 0);
	}
	va_end(ap);
	sg_log_close_record(&b, f);
	emit(line, finish_line(&b, f, line));
}
