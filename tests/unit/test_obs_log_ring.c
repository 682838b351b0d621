/* Log rings, the writer thread and the operational logger (obs/log_*.c). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "obs/log.h"
#include "obs/log_ring.h"
#include "obs/log_sink.h"
#include "obs/log_writer.h"

/* Read everything the consumer side holds into out (NUL-terminated). */
static size_t drain_to(struct sg_log_ring *r, char *out, size_t cap)
{
	struct iovec iov[2];
	size_t n = sg_log_ring_peek(r, iov);
	cr_assert_lt(n, cap);
	memcpy(out, iov[0].iov_base, iov[0].iov_len);
	memcpy(out + iov[0].iov_len, iov[1].iov_base, iov[1].iov_len);
	out[n] = '\0';
	sg_log_ring_consume(r, n);
	return n;
}

Test(obs_log_ring, lines_come_out_in_order)
{
	struct sg_log_ring r;
	cr_assert_eq(sg_log_ring_init(&r, 4096, "access"), 0);
	cr_assert(sg_log_append(&r, "one\n", 4));
	cr_assert(sg_log_append(&r, "two\n", 4));
	char out[64];
	drain_to(&r, out, sizeof(out));
	cr_assert_str_eq(out, "one\ntwo\n");
	cr_assert_eq(sg_log_ring_lines(&r), 2);
	cr_assert_eq(sg_log_ring_drops(&r), 0);
	sg_log_ring_destroy(&r);
}

Test(obs_log_ring, full_ring_drops_whole_lines_and_counts_them)
{
	struct sg_log_ring r;
	cr_assert_eq(sg_log_ring_init(&r, 4096, "access"), 0);
	cr_assert_eq(r.cap, 4096);
	char line[1000];
	memset(line, 'x', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	for (int i = 0; i < 4; i++)
		cr_assert(sg_log_append(&r, line, sizeof(line)));
	cr_assert_not(sg_log_append(&r, line, sizeof(line)));	/* 96 bytes left */
	cr_assert(sg_log_append(&r, "short\n", 6));		/* a smaller one fits */
	cr_assert_eq(sg_log_ring_drops(&r), 1);
	cr_assert_eq(sg_log_ring_used(&r), 4006);
	sg_log_ring_destroy(&r);
}

Test(obs_log_ring, wraps_around_without_splitting_lines)
{
	struct sg_log_ring r;
	cr_assert_eq(sg_log_ring_init(&r, 4096, "audit"), 0);
	char line[1500], out[8192];
	for (int round = 0; round < 10; round++) {
		memset(line, 'a' + round, sizeof(line));
		line[sizeof(line) - 1] = '\n';
		cr_assert(sg_log_append(&r, line, sizeof(line)));
		cr_assert(sg_log_append(&r, line, sizeof(line)));
		size_t n = drain_to(&r, out, sizeof(out));
		cr_assert_eq(n, 3000);
		cr_assert_eq(memcmp(out, line, 1500), 0);
		cr_assert_eq(memcmp(out + 1500, line, 1500), 0);
	}
	sg_log_ring_destroy(&r);
}

/* ---- one producer, one consumer, lots of lines ---- */

struct stress {
	struct sg_log_ring ring;
	int total;
	int done;
};

static void *produce(void *arg)
{
	struct stress *s = arg;
	char line[64];
	for (int i = 0; i < s->total; i++) {
		int n = snprintf(line, sizeof(line), "line %08d %s\n", i, i % 3 ? "abc" : "abcdefghijklmnop");
		sg_log_append(&s->ring, line, (size_t)n);
	}
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

Test(obs_log_ring, spsc_stress_keeps_order_and_accounts_every_line, .timeout = 60)
{
	struct stress s = { .total = 300000 };
	cr_assert_eq(sg_log_ring_init(&s.ring, 8192, "access"), 0);
	pthread_t t;
	pthread_create(&t, NULL, produce, &s);
	char buf[16384];
	long last = -1, received = 0;
	for (;;) {
		int finished = __atomic_load_n(&s.done, __ATOMIC_ACQUIRE);
		struct iovec iov[2];
		size_t n = sg_log_ring_peek(&s.ring, iov);
		if (n == 0) {
			if (finished && sg_log_ring_used(&s.ring) == 0)
				break;
			sched_yield();
			continue;
		}
		memcpy(buf, iov[0].iov_base, iov[0].iov_len);
		if (iov[1].iov_len)
			memcpy(buf + iov[0].iov_len, iov[1].iov_base, iov[1].iov_len);
		sg_log_ring_consume(&s.ring, n);
		size_t len = n, start = 0;
		for (size_t i = 0; i < len; i++) {
			if (buf[i] != '\n')
				continue;
			long v = strtol(buf + start + 5, NULL, 10);
			cr_assert_eq(memcmp(buf + start, "line ", 5), 0);
			cr_assert_gt(v, last, "lines out of order: %ld after %ld", v, last);
			last = v;
			received++;
			start = i + 1;
		}
		/* the ring only ever publishes whole lines */
		cr_assert_eq(start, len);
	}
	pthread_join(t, NULL);
	cr_assert_eq(received + (long)sg_log_ring_drops(&s.ring), s.total);
	sg_log_ring_destroy(&s.ring);
}

/* ---- the writer thread ---- */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f);
	static char data[4 << 20];
	*len = fread(data, 1, sizeof(data) - 1, f);
	data[*len] = '\0';
	fclose(f);
	return data;
}

struct wprod {
	struct sg_log_ring *ring;
	int id, n;
};

static void *wproduce(void *arg)
{
	struct wprod *p = arg;
	char line[64];
	for (int i = 0; i < p->n; i++) {
		int len = snprintf(line, sizeof(line), "w%d %d\n", p->id, i);
		while (!sg_log_append(p->ring, line, (size_t)len))
			usleep(100);	/* test only: retry so nothing is lost */
	}
	return NULL;
}

Test(obs_log_writer, drains_all_rings_to_a_file_and_flushes_on_stop, .timeout = 60)
{
	char path[] = "/tmp/sg_obs_writer_XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	char spec[128], err[256];
	snprintf(spec, sizeof(spec), "file:%s", path);
	struct sg_log_sink sink;
	cr_assert_eq(sg_log_sink_open(&sink, spec, err, sizeof(err)), 0, "%s", err);

	struct sg_log_writer w;
	cr_assert_eq(sg_log_writer_init(&w, 5), 0);
	enum { NR = 4, N = 20000 };
	struct sg_log_ring rings[NR];
	struct wprod prod[NR];
	pthread_t th[NR];
	for (int i = 0; i < NR; i++) {
		cr_assert_eq(sg_log_ring_init(&rings[i], 4096, "access"), 0);
		cr_assert_eq(sg_log_writer_add(&w, &rings[i], &sink), 0);
		prod[i] = (struct wprod){ &rings[i], i, N };
	}
	cr_assert_eq(sg_log_writer_start(&w), 0);
	for (int i = 0; i < NR; i++)
		pthread_create(&th[i], NULL, wproduce, &prod[i]);
	for (int i = 0; i < NR; i++)
		pthread_join(th[i], NULL);
	sg_log_writer_destroy(&w);
	sg_log_sink_close(&sink);

	size_t len;
	char *data = read_file(path, &len);
	int next[NR] = { 0 };
	long lines = 0;
	for (char *p = data; p < data + len;) {
		char *nl = memchr(p, '\n', (size_t)(data + len - p));
		cr_assert_not_null(nl);
		int id, v;
		cr_assert_eq(sscanf(p, "w%d %d", &id, &v), 2);
		cr_assert_eq(v, next[id], "ring %d: got %d want %d", id, v, next[id]);
		next[id]++;
		lines++;
		p = nl + 1;
	}
	cr_assert_eq(lines, NR * N);
	for (int i = 0; i < NR; i++)
		sg_log_ring_destroy(&rings[i]);
	unlink(path);
}

Test(obs_log_sink, accepts_only_documented_outputs)
{
	char err[256];
	cr_assert_eq(sg_log_sink_check("stderr", err, sizeof(err)), 0);
	cr_assert_eq(sg_log_sink_check("stdout", err, sizeof(err)), 0);
	cr_assert_eq(sg_log_sink_check("file:/var/log/sockguard.log", err, sizeof(err)), 0);
	cr_assert_eq(sg_log_sink_check("/var/log/sockguard.log", err, sizeof(err)), 0);
	cr_assert_neq(sg_log_sink_check("file:relative.log", err, sizeof(err)), 0);
	cr_assert_neq(sg_log_sink_check("", err, sizeof(err)), 0);
	struct sg_log_sink s;
	cr_assert_neq(sg_log_sink_open(&s, "file:/nonexistent-dir/x.log", err, sizeof(err)), 0);
	cr_assert(strstr(err, "/nonexistent-dir/x.log") != NULL);
}

/* ---- operational logger ---- */

Test(obs_log, json_and_text_records_have_slog_shape)
{
	char line[512];
	struct sg_obuf b = sg_obuf_make(line, sizeof(line));
	sg_log_open_record(&b, SG_LOG_FORMAT_JSON, 1767366245123456789LL, SG_LOG_WARN, "upstream socket unreachable", 27);
	sg_log_attr_str(&b, SG_LOG_FORMAT_JSON, "upstream_socket", "/var/run/docker.sock", 20);
	sg_log_close_record(&b, SG_LOG_FORMAT_JSON);
	cr_assert(sg_obuf_finish(&b));
	cr_assert_str_eq(line, "{\"time\":\"2026-01-02T15:04:05.123Z\",\"level\":\"WARN\","
			       "\"msg\":\"upstream socket unreachable\",\"upstream_socket\":\"/var/run/docker.sock\"}\n");

	b = sg_obuf_make(line, sizeof(line));
	sg_log_open_record(&b, SG_LOG_FORMAT_TEXT, 1767366245123456789LL, SG_LOG_INFO, "upstream socket reachable", 25);
	sg_log_attr_str(&b, SG_LOG_FORMAT_TEXT, "upstream_socket", "/run/docker.sock", 16);
	sg_log_close_record(&b, SG_LOG_FORMAT_TEXT);
	cr_assert(sg_obuf_finish(&b));
	cr_assert_str_eq(line, "time=2026-01-02T15:04:05.123Z level=INFO msg=\"upstream socket reachable\" "
			       "upstream_socket=/run/docker.sock\n");
}

Test(obs_log, levels_parse_and_filter)
{
	cr_assert_eq(sg_log_level_parse("debug"), SG_LOG_DEBUG);
	cr_assert_eq(sg_log_level_parse("warn"), SG_LOG_WARN);
	cr_assert_eq(sg_log_level_parse("error"), SG_LOG_ERROR);
	cr_assert_eq(sg_log_level_parse("bogus"), SG_LOG_INFO);
	enum sg_log_format f;
	cr_assert(sg_log_format_parse("text", &f));
	cr_assert_eq(f, SG_LOG_FORMAT_TEXT);
	cr_assert_not(sg_log_format_parse("xml", &f));
	sg_log_setup(SG_LOG_WARN, SG_LOG_FORMAT_JSON, NULL, NULL);
	cr_assert_not(sg_log_enabled(SG_LOG_INFO));
	cr_assert(sg_log_enabled(SG_LOG_ERROR));
	sg_log_setup(SG_LOG_INFO, SG_LOG_FORMAT_JSON, NULL, NULL);
}

Test(obs_log, operational_lines_go_through_the_writer)
{
	char path[] = "/tmp/sg_obs_log_XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	char spec[128], err[256];
	snprintf(spec, sizeof(spec), "file:%s", path);
	struct sg_log_sink sink;
	cr_assert_eq(sg_log_sink_open(&sink, spec, err, sizeof(err)), 0);
	struct sg_log_writer w;
	cr_assert_eq(sg_log_writer_init(&w, 5), 0);
	cr_assert_eq(sg_log_setup(SG_LOG_INFO, SG_LOG_FORMAT_TEXT, &w, &sink), 0);
	cr_assert_eq(sg_log_writer_start(&w), 0);
	sg_log(SG_LOG_INFO, "listening on %s", "unix:/run/sockguard.sock");
	sg_log(SG_LOG_DEBUG, "not shown");
	sg_log_kv(SG_LOG_ERROR, "reload failed", "result", "reject_validation", NULL);
	sg_log_writer_stop(&w);
	sg_log_teardown();
	sg_log_writer_destroy(&w);
	sg_log_sink_close(&sink);
	sg_log_setup(SG_LOG_INFO, SG_LOG_FORMAT_JSON, NULL, NULL);
	size_t len;
	char *data = read_file(path, &len);
	cr_assert(strstr(data, "level=INFO msg=\"listening on unix:/run/sockguard.sock\"\n") != NULL, "%s", data);
	cr_assert(strstr(data, "not shown") == NULL);
	cr_assert(strstr(data, "level=ERROR msg=\"reload failed\" result=reject_validation\n") != NULL, "%s", data);
	unlink(path);
}
