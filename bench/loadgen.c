/* bench/loadgen.c — a unix-socket HTTP/1.1 load generator for the benchmarks.
 *
 * Each connection is an explicit state machine driven by edge-triggered
 * epoll (one epoll per thread, --threads, default 1). No pipelining: a
 * connection sends one request, parses the whole response (Content-Length,
 * chunked, or read-until-close), records its latency, and sends the next.
 *
 * Modes:
 *   rps     (default) GET --path on --concurrency connections; requests/s,
 *           p50/p90/p99/max latency.
 *   stream  GET --path (e.g. /stream?bytes=1073741824); MB/s of response body.
 *   upload  POST --path (default /upload) with a --bytes body; MB/s of body.
 *           With --body-file F the body is F's bytes (Content-Type
 *           application/json unless --content-type) and the run is an rps
 *           test with a body: e.g. POST /containers/create, req/s.
 *   hijack  POST --path (default /containers/bench/attach?stream=1&stdin=1&stdout=1)
 *           with Connection: Upgrade / Upgrade: tcp; after 101, sends --bytes
 *           and reads them back, half-closes, waits for EOF; MB/s of echo.
 *   idle    opens --idle-conns connections, one GET /_ping each, holds them,
 *           then runs the rps test on --concurrency busy connections. With
 *           --rss-pid PID it samples that process's VmRSS before, with the idle
 *           connections open, and after the busy phase.
 *
 * The run stops at --requests N (total) or after --duration S, whichever is
 * first; in stream/upload/hijack mode --requests defaults to --concurrency
 * (one transfer per connection) and --duration is a safety cap (120 s).
 * Output: one JSON line on stdout. Exit status 0 if at least one request
 * completed and none failed, 1 otherwise.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem, accept4, POLLRDHUP (CMake defines it too) */
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define HDR_CAP     8192
#define SCRATCH_CAP (256 * 1024)
#define BODY_CAP    (1024 * 1024)
#define HIST_N      (64 + 40 * 64)

enum mode { M_RPS, M_STREAM, M_UPLOAD, M_HIJACK, M_IDLE };

struct opts {
	const char *socket;
	const char *path;
	const char *label;
	enum mode mode;
	int concurrency;
	double duration;
	bool duration_set;
	uint64_t requests;	/* 0 = until duration */
	bool keepalive;
	uint64_t bytes;
	int idle_conns;
	int rss_pid;
	int threads;
	const char *body_file;
	const char *content_type;
};

static struct opts O = {
	.path = NULL, .mode = M_RPS, .concurrency = 1, .duration = 3.0,
	.keepalive = true, .bytes = 0, .idle_conns = 0, .rss_pid = 0, .threads = 1,
};

static char g_body[BODY_CAP];
static char *g_file_body;	/* --body-file: the request body, sent whole */
static char g_request[2048];
static size_t g_request_len;
static struct sockaddr_un g_addr;

/* ---- time and latency histogram ---------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Log-linear: exact below 64 ns, then 64 sub-buckets per power of two
 * (under 1.6 % error). */
static int hist_index(uint64_t v)
{
	if (v < 64)
		return (int)v;
	int msb = 63 - __builtin_clzll(v);
	int idx = 64 + (msb - 6) * 64 + (int)((v >> (msb - 6)) & 63);
	return idx < HIST_N ? idx : HIST_N - 1;
}

static uint64_t hist_value(int idx)
{
	if (idx < 64)
		return (uint64_t)idx;
	int msb = (idx - 64) / 64 + 6;
	uint64_t sub = (uint64_t)((idx - 64) % 64);
	/* middle of the bucket */
	uint64_t lo = ((uint64_t)64 + sub) << (msb - 6);
	return lo + ((uint64_t)1 << (msb - 6)) / 2;
}

/* ---- response parser ----------------------------------------------------- */

enum rp_state { RP_HEAD, RP_CL, RP_CHUNK_SIZE, RP_CHUNK_EXT, RP_CHUNK_DATA, RP_CHUNK_CRLF,
		RP_TRAILER, RP_UNTIL_CLOSE, RP_DONE };

struct resp {
	enum rp_state st;
	char hdr[HDR_CAP];
	size_t hdr_len;
	int status;
	bool close;
	uint64_t left;		/* CL or current chunk bytes left */
	uint64_t body;		/* body bytes seen */
	size_t line_len;	/* trailer line length */
};

static void resp_reset(struct resp *r)
{
	r->st = RP_HEAD;
	r->hdr_len = 0;
	r->status = 0;
	r->close = false;
	r->left = r->body = 0;
	r->line_len = 0;
}

static bool has_token(const char *v, size_t vl, const char *tok)
{
	size_t tl = strlen(tok);
	for (size_t i = 0; i + tl <= vl; i++)
		if (strncasecmp(v + i, tok, tl) == 0)
			return true;
	return false;
}

/* The head is hdr[0..hdr_len). Returns false on a malformed head. */
static bool resp_head_done(struct resp *r, bool head_only_status)
{
	char *p = r->hdr, *end = r->hdr + r->hdr_len;
	if (r->hdr_len < 12 || memcmp(p, "HTTP/1.", 7) != 0)
		return false;
	r->status = atoi(p + 9);
	bool http10 = p[7] == '0';
	bool have_cl = false, chunked = false;
	r->close = http10;
	char *line = memchr(p, '\n', (size_t)(end - p));
	while (line && ++line < end) {
		char *le = memchr(line, '\n', (size_t)(end - line));
		if (!le)
			break;
		size_t ll = (size_t)(le - line);
		if (ll && line[ll - 1] == '\r')
			ll--;
		char *colon = memchr(line, ':', ll);
		if (colon) {
			size_t nl = (size_t)(colon - line);
			char *v = colon + 1;
			while (v < line + ll && (*v == ' ' || *v == '\t'))
				v++;
			size_t vl = (size_t)(line + ll - v);
			if (nl == 14 && !strncasecmp(line, "Content-Length", 14)) {
				have_cl = true;
				r->left = strtoull(v, NULL, 10);
			} else if (nl == 17 && !strncasecmp(line, "Transfer-Encoding", 17)) {
				chunked = has_token(v, vl, "chunked");
			} else if (nl == 10 && !strncasecmp(line, "Connection", 10)) {
				if (has_token(v, vl, "close"))
					r->close = true;
				else if (has_token(v, vl, "keep-alive"))
					r->close = false;
			}
		}
		line = le;
	}
	if (r->status == 101 || head_only_status) {
		r->st = RP_DONE;
	} else if (r->status == 204 || r->status == 304 || (r->status >= 100 && r->status < 200)) {
		r->st = RP_DONE;
	} else if (chunked) {
		r->st = RP_CHUNK_SIZE;
		r->left = 0;
	} else if (have_cl) {
		r->st = r->left ? RP_CL : RP_DONE;
	} else {
		r->st = RP_UNTIL_CLOSE;
		r->close = true;
	}
	return true;
}

/* Feed bytes; returns bytes consumed or -1 on a parse error. Stops at the
 * end of the response (st == RP_DONE) so trailing bytes are left over. */
static ssize_t resp_feed(struct resp *r, const char *buf, size_t n)
{
	size_t used = 0;
	while (used < n && r->st != RP_DONE) {
		switch (r->st) {
		case RP_HEAD: {
			size_t room = HDR_CAP - r->hdr_len;
			size_t take = n - used < room ? n - used : room;
			size_t from = r->hdr_len > 3 ? r->hdr_len - 3 : 0;
			memcpy(r->hdr + r->hdr_len, buf + used, take);
			r->hdr_len += take;
			char *e = memmem(r->hdr + from, r->hdr_len - from, "\r\n\r\n", 4);
			if (!e) {
				if (r->hdr_len == HDR_CAP)
					return -1;
				used += take;
				break;
			}
			size_t hend = (size_t)(e + 4 - r->hdr);
			used += take - (r->hdr_len - hend);
			r->hdr_len = hend;
			if (!resp_head_done(r, false))
				return -1;
			break;
		}
		case RP_CL: {
			size_t take = r->left < n - used ? (size_t)r->left : n - used;
			r->left -= take;
			r->body += take;
			used += take;
			if (!r->left)
				r->st = RP_DONE;
			break;
		}
		case RP_UNTIL_CLOSE:
			r->body += n - used;
			used = n;
			break;
		case RP_CHUNK_SIZE: {
			char ch = buf[used++];
			if (ch == '\n') {
				r->st = r->left ? RP_CHUNK_DATA : RP_TRAILER;
				r->line_len = 0;
			} else if (ch == ';') {
				r->st = RP_CHUNK_EXT;
			} else if (ch != '\r') {
				int d = (ch >= '0' && ch <= '9') ? ch - '0'
				      : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
				      : (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10 : -1;
				if (d < 0 || r->left >= (UINT64_C(1) << 56))
					return -1;
				r->left = r->left * 16 + (uint64_t)d;
			}
			break;
		}
		case RP_CHUNK_EXT:
			if (buf[used++] == '\n') {
				r->st = r->left ? RP_CHUNK_DATA : RP_TRAILER;
				r->line_len = 0;
			}
			break;
		case RP_CHUNK_DATA: {
			size_t take = r->left < n - used ? (size_t)r->left : n - used;
			r->left -= take;
			r->body += take;
			used += take;
			if (!r->left)
				r->st = RP_CHUNK_CRLF;
			break;
		}
		case RP_CHUNK_CRLF: {
			char ch = buf[used++];
			if (ch == '\n')
				r->st = RP_CHUNK_SIZE;
			else if (ch != '\r')
				return -1;
			break;
		}
		case RP_TRAILER: {
			char ch = buf[used++];
			if (ch == '\n') {
				if (r->line_len == 0)
					r->st = RP_DONE;
				r->line_len = 0;
			} else if (ch != '\r') {
				r->line_len++;
			}
			break;
		}
		case RP_DONE:
			break;
		}
	}
	return (ssize_t)used;
}

/* ---- connections --------------------------------------------------------- */

enum conn_state { C_CONNECT, C_SEND, C_RECV, C_HIJACK, C_DEAD };

struct conn {
	int fd;
	enum conn_state st;
	struct resp rp;
	struct iovec q[2];
	int qn, qi;
	uint64_t body_left;	/* request body (upload) or echo bytes still to send */
	uint64_t echo_got;	/* hijack: bytes echoed back */
	bool wr_shut;
	uint64_t t_start;
};

struct thread_ctx {
	int id;
	int ep;
	struct conn *conns;
	int nconns;
	char scratch[SCRATCH_CAP];
	/* results */
	uint64_t hist[HIST_N];
	uint64_t done;		/* completed requests */
	uint64_t errors;
	uint64_t non2xx;
	uint64_t bytes;		/* body bytes (stream: received, upload: sent, hijack: echoed) */
	uint64_t connects;
	int connect_retry;	/* connections waiting to retry connect() */
};

static uint64_t g_deadline;
static uint64_t g_start;
static uint64_t g_quota_total;
static volatile uint64_t g_issued;	/* requests started (atomic) */
static volatile int g_stop;

static bool take_quota(void)
{
	if (g_stop || now_ns() >= g_deadline)
		return false;
	if (!g_quota_total)
		return true;
	uint64_t n = __atomic_fetch_add(&g_issued, 1, __ATOMIC_RELAXED);
	return n < g_quota_total;
}

static void conn_close(struct thread_ctx *t, struct conn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	c->st = C_DEAD;
}

/* Open the socket and start connecting. false: try again later. */
static bool conn_open(struct thread_ctx *t, struct conn *c)
{
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		c->st = C_DEAD;
		return false;
	}
	if (connect(c->fd, (struct sockaddr *)&g_addr, sizeof g_addr) < 0 &&
	    errno != EINPROGRESS) {
		/* EAGAIN: the listener's backlog is full; retry soon */
		int e = errno;
		close(c->fd);
		c->fd = -1;
		c->st = C_CONNECT;
		if (e != EAGAIN)
			t->errors++;
		t->connect_retry++;
		return false;
	}
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c };
	epoll_ctl(t->ep, EPOLL_CTL_ADD, c->fd, &ev);
	t->connects++;
	return true;
}

static void conn_start_request(struct conn *c)
{
	resp_reset(&c->rp);
	c->qn = c->qi = 0;
	c->q[c->qn].iov_base = g_request;
	c->q[c->qn++].iov_len = g_request_len;
	c->body_left = (O.mode == M_UPLOAD) ? O.bytes : 0;
	if (g_file_body && O.mode == M_UPLOAD) {
		/* a small body goes out with the head, in one writev */
		c->q[c->qn].iov_base = g_file_body;
		c->q[c->qn++].iov_len = (size_t)O.bytes;
		c->body_left = 0;
	}
	c->echo_got = 0;
	c->wr_shut = false;
	c->st = C_SEND;
	c->t_start = now_ns();
}

/* Queue more body bytes from the static buffer when the queue is empty. */
static bool refill(struct conn *c)
{
	if (!c->body_left)
		return false;
	size_t n = c->body_left < BODY_CAP ? (size_t)c->body_left : BODY_CAP;
	char *base = g_body;
	if (g_file_body && O.mode == M_UPLOAD) {
		base = g_file_body + (O.bytes - c->body_left);
		n = (size_t)c->body_left;
	}
	c->qn = c->qi = 0;
	c->q[c->qn].iov_base = base;
	c->q[c->qn++].iov_len = n;
	c->body_left -= n;
	return true;
}

/* 1: everything sent, 0: would block, -1: error */
static int flush(struct thread_ctx *t, struct conn *c)
{
	for (;;) {
		if (c->qi >= c->qn && !refill(c))
			return 1;
		ssize_t w = writev(c->fd, c->q + c->qi, c->qn - c->qi);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		size_t left = (size_t)w;
		while (c->qi < c->qn && left >= c->q[c->qi].iov_len) {
			/* count body bytes (not the request head) */
			if (c->q[c->qi].iov_base != g_request)
				t->bytes += c->q[c->qi].iov_len;
			left -= c->q[c->qi].iov_len;
			c->qi++;
		}
		if (left) {
			if (c->q[c->qi].iov_base != g_request)
				t->bytes += left;
			c->q[c->qi].iov_base = (char *)c->q[c->qi].iov_base + left;
			c->q[c->qi].iov_len -= left;
		}
	}
}

static void request_done(struct thread_ctx *t, struct conn *c, bool ok)
{
	uint64_t lat = now_ns() - c->t_start;
	if (!ok) {
		t->errors++;
		conn_close(t, c);
		return;
	}
	t->done++;
	t->hist[hist_index(lat)]++;
	if (c->rp.status < 200 || c->rp.status > 299) {
		if (!(O.mode == M_HIJACK && c->rp.status == 101))
			t->non2xx++;
	}
	if (O.mode == M_STREAM)
		t->bytes += c->rp.body;
	if (O.mode == M_HIJACK || !O.keepalive || c->rp.close) {
		conn_close(t, c);
		return;
	}
	if (take_quota())
		conn_start_request(c);
	else
		conn_close(t, c);
}

/* Drive a connection until it would block. */
static void conn_drive(struct thread_ctx *t, struct conn *c)
{
	for (;;) {
		switch (c->st) {
		case C_DEAD:
		case C_CONNECT:
			return;
		case C_SEND: {
			int f = flush(t, c);
			if (f < 0) {
				request_done(t, c, false);
				return;
			}
			if (f == 1) {
				c->st = C_RECV;
				break;
			}
			if (O.mode != M_UPLOAD)
				return;
			/* upload blocked on write: look for an early answer (a refusal
			 * before the whole body was sent counts as an error) */
			ssize_t r = read(c->fd, t->scratch, SCRATCH_CAP);
			if (r > 0) {
				ssize_t u = resp_feed(&c->rp, t->scratch, (size_t)r);
				if (u < 0 || c->rp.st == RP_DONE) {
					request_done(t, c, false);
					return;
				}
				break;
			}
			if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				request_done(t, c, false);
				return;
			}
			return;
		}
		case C_RECV: {
			ssize_t r = read(c->fd, t->scratch, SCRATCH_CAP);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				if (errno != EAGAIN)
					request_done(t, c, false);
				return;
			}
			if (r == 0) {
				bool ok = c->rp.st == RP_UNTIL_CLOSE;
				if (ok)
					c->rp.st = RP_DONE;
				request_done(t, c, ok);
				return;
			}
			ssize_t u = resp_feed(&c->rp, t->scratch, (size_t)r);
			if (u < 0) {
				request_done(t, c, false);
				return;
			}
			if (c->rp.st != RP_DONE)
				continue;
			if (O.mode == M_HIJACK) {
				if (c->rp.status != 101 && c->rp.status != 200) {
					request_done(t, c, false);
					return;
				}
				c->st = C_HIJACK;
				c->echo_got = (uint64_t)(r - u);
				c->body_left = O.bytes;
				c->qn = c->qi = 0;
				continue;
			}
			if (u != r) {	/* bytes past the response: we never pipeline */
				request_done(t, c, false);
				return;
			}
			request_done(t, c, true);
			if (c->st == C_SEND)	/* keep-alive: next request */
				break;
			return;
		}
		case C_HIJACK: {
			bool blocked_w = false, blocked_r = false;
			if (!c->wr_shut) {
				int f = flush(t, c);
				if (f < 0) {
					request_done(t, c, false);
					return;
				}
				if (f == 1) {
					shutdown(c->fd, SHUT_WR);
					c->wr_shut = true;
				} else {
					blocked_w = true;
				}
			}
			ssize_t r = read(c->fd, t->scratch, SCRATCH_CAP);
			if (r > 0) {
				c->echo_got += (uint64_t)r;
			} else if (r == 0) {
				/* EOF after the echo of everything we sent: done */
				bool ok = c->wr_shut && c->echo_got == O.bytes;
				/* t->bytes counted the sent bytes in flush(); the
				 * figure reported is the echoed volume, equal when ok */
				request_done(t, c, ok);
				return;
			} else if (errno == EAGAIN) {
				blocked_r = true;
			} else if (errno != EINTR) {
				request_done(t, c, false);
				return;
			}
			if (blocked_r && (blocked_w || c->wr_shut))
				return;
			break;
		}
		}
	}
}

static void arm_conn(struct thread_ctx *t, struct conn *c)
{
	if (!take_quota()) {
		c->st = C_DEAD;
		return;
	}
	if (!conn_open(t, c))
		return;
	conn_start_request(c);
	conn_drive(t, c);
}

static void *thread_main(void *arg)
{
	struct thread_ctx *t = arg;
	struct epoll_event evs[512];
	for (int i = 0; i < t->nconns; i++) {
		t->conns[i].fd = -1;
		arm_conn(t, &t->conns[i]);
	}
	for (;;) {
		uint64_t now = now_ns();
		if (now >= g_deadline || g_stop)
			break;
		/* connections that closed (keep-alive off, errors, hijack) or are
		 * waiting to retry a connect() get a new one */
		int live = 0;
		for (int i = 0; i < t->nconns; i++) {
			struct conn *c = &t->conns[i];
			if (c->fd < 0 && (c->st == C_DEAD || c->st == C_CONNECT)) {
				if (c->st == C_CONNECT) {
					t->connect_retry--;
					if (!conn_open(t, c))
						continue;
					conn_start_request(c);
					conn_drive(t, c);
				} else {
					arm_conn(t, c);
				}
			}
			if (c->fd >= 0 || c->st == C_CONNECT)
				live++;
		}
		if (!live)
			break;
		int ms = (int)((g_deadline - now) / 1000000) + 1;
		if (ms > 50)
			ms = 50;
		int n = epoll_wait(t->ep, evs, 512, ms);
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (c->fd >= 0)
				conn_drive(t, c);
		}
	}
	for (int i = 0; i < t->nconns; i++)
		if (t->conns[i].fd >= 0)
			conn_close(t, &t->conns[i]);
	return NULL;
}

/* ---- idle connections ---------------------------------------------------- */

static long read_rss_kib(int pid)
{
	if (pid <= 0)
		return -1;
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long kib = -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6)) {
			kib = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Open n connections, one keep-alive GET /_ping on each, in batches with
 * blocking sockets (a 5 s timeout each). Returns the fds opened (-1 = failed). */
static int open_idle(int *fds, int n, int *failed)
{
	static const char req[] = "GET /_ping HTTP/1.1\r\nHost: docker\r\nUser-Agent: sg-loadgen\r\n\r\n";
	const int batch = 128;
	int ok = 0;
	*failed = 0;
	for (int base = 0; base < n; base += batch) {
		int end = base + batch < n ? base + batch : n;
		for (int i = base; i < end; i++) {
			fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			struct timeval tv = { 5, 0 };
			if (fds[i] >= 0) {
				setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
				setsockopt(fds[i], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
			}
			if (fds[i] < 0 ||
			    connect(fds[i], (struct sockaddr *)&g_addr, sizeof g_addr) < 0 ||
			    write(fds[i], req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) {
				if (fds[i] >= 0)
					close(fds[i]);
				fds[i] = -1;
				(*failed)++;
			}
		}
		for (int i = base; i < end; i++) {
			if (fds[i] < 0)
				continue;
			struct resp rp;
			char buf[4096];
			resp_reset(&rp);
			bool good = false;
			for (;;) {
				ssize_t r = read(fds[i], buf, sizeof buf);
				if (r <= 0)
					break;
				if (resp_feed(&rp, buf, (size_t)r) != r)
					break;
				if (rp.st == RP_DONE) {
					good = rp.status == 200 && !rp.close;
					break;
				}
			}
			if (!good) {
				close(fds[i]);
				fds[i] = -1;
				(*failed)++;
			} else {
				ok++;
			}
		}
	}
	return ok;
}

/* How many held connections the peer has closed meanwhile. */
static int count_closed(const int *fds, int n)
{
	int closed = 0;
	for (int i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		struct pollfd p = { .fd = fds[i], .events = POLLIN | POLLRDHUP };
		if (poll(&p, 1, 0) > 0)
			closed++;
	}
	return closed;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_loadgen --socket PATH [--mode rps|stream|upload|hijack|idle]\n"
		"         [--path P] [--concurrency C] [--duration S] [--requests N]\n"
		"         [--keepalive|--no-keepalive] [--bytes N] [--idle-conns N]\n"
		"         [--rss-pid PID] [--threads T] [--label STR]\n"
		"         [--body-file F [--content-type T]]   (upload mode)\n");
	exit(2);
}

static uint64_t parse_size(const char *s)
{
	char *e;
	double v = strtod(s, &e);
	switch (*e) {
	case 'k': case 'K': v *= 1024; break;
	case 'm': case 'M': v *= 1024 * 1024; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; break;
	default: break;
	}
	return (uint64_t)v;
}

static void raise_nofile(rlim_t want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur >= want)
		return;
	if (rl.rlim_max < want) {
		struct rlimit r2 = { want, want };
		if (setrlimit(RLIMIT_NOFILE, &r2) == 0)
			return;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < want)
		fprintf(stderr, "loadgen: RLIMIT_NOFILE is %llu, wanted %llu\n",
			(unsigned long long)rl.rlim_cur, (unsigned long long)want);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define ARG(name) (!strcmp(a, name) && v && (i++, 1))
		if (ARG("--socket")) O.socket = v;
		else if (ARG("--path")) O.path = v;
		else if (ARG("--label")) O.label = v;
		else if (ARG("--concurrency") || ARG("-c")) O.concurrency = atoi(v);
		else if (ARG("--duration") || ARG("-d")) { O.duration = atof(v); O.duration_set = true; }
		else if (ARG("--requests") || ARG("-n")) O.requests = parse_size(v);
		else if (ARG("--bytes")) O.bytes = parse_size(v);
		else if (ARG("--idle-conns")) O.idle_conns = atoi(v);
		else if (ARG("--rss-pid")) O.rss_pid = atoi(v);
		else if (ARG("--threads")) O.threads = atoi(v);
		else if (ARG("--body-file")) O.body_file = v;
		else if (ARG("--content-type")) O.content_type = v;
		else if (ARG("--mode")) {
			if (!strcmp(v, "rps")) O.mode = M_RPS;
			else if (!strcmp(v, "stream")) O.mode = M_STREAM;
			else if (!strcmp(v, "upload")) O.mode = M_UPLOAD;
			else if (!strcmp(v, "hijack")) O.mode = M_HIJACK;
			else if (!strcmp(v, "idle")) O.mode = M_IDLE;
			else usage();
		}
		else if (!strcmp(a, "--keepalive") || !strcmp(a, "-k")) O.keepalive = true;
		else if (!strcmp(a, "--no-keepalive")) O.keepalive = false;
		else usage();
#undef ARG
	}
	if (!O.socket || O.concurrency < 1 || O.threads < 1 || O.duration <= 0)
		usage();
	if (O.threads > O.concurrency)
		O.threads = O.concurrency;
	bool transfer = O.mode == M_STREAM || O.mode == M_UPLOAD || O.mode == M_HIJACK;
	if (O.body_file && O.mode != M_UPLOAD)
		usage();
	if (O.body_file) {
		/* a small body sent on every request: an rps test with bodies
		 * (e.g. POST /containers/create), so no default request count */
		FILE *f = fopen(O.body_file, "rb");
		long len = -1;
		if (f && fseek(f, 0, SEEK_END) == 0)
			len = ftell(f);
		if (!f || len <= 0 || len > (64L << 20) || fseek(f, 0, SEEK_SET) != 0) {
			fprintf(stderr, "loadgen: cannot read --body-file %s\n", O.body_file);
			return 2;
		}
		g_file_body = malloc((size_t)len);
		if (!g_file_body || fread(g_file_body, 1, (size_t)len, f) != (size_t)len) {
			fprintf(stderr, "loadgen: cannot read --body-file %s\n", O.body_file);
			return 2;
		}
		fclose(f);
		O.bytes = (uint64_t)len;
		transfer = false;
		if (!O.content_type)
			O.content_type = "application/json";
	}
	if (!O.content_type)
		O.content_type = "application/x-tar";
	if (transfer) {
		if (!O.requests)
			O.requests = (uint64_t)O.concurrency;
		if (!O.duration_set)
			O.duration = 120;
	}
	if (!O.path)
		O.path = O.mode == M_STREAM ? "/stream?bytes=1073741824"
		       : O.mode == M_UPLOAD ? "/upload"
		       : O.mode == M_HIJACK ? "/containers/bench/attach?stream=1&stdin=1&stdout=1"
		       : "/_ping";
	if ((O.mode == M_UPLOAD || O.mode == M_HIJACK) && !O.bytes)
		O.bytes = 256u << 20;
	signal(SIGPIPE, SIG_IGN);
	raise_nofile((rlim_t)(O.concurrency + O.idle_conns + 64));

	g_addr.sun_family = AF_UNIX;
	if (strlen(O.socket) >= sizeof g_addr.sun_path) {
		fprintf(stderr, "loadgen: socket path too long\n");
		return 2;
	}
	strcpy(g_addr.sun_path, O.socket);
	memset(g_body, 'y', sizeof g_body);
	const char *conn_hdr = O.keepalive ? "" : "Connection: close\r\n";
	if (O.mode == M_UPLOAD)
		g_request_len = (size_t)snprintf(g_request, sizeof g_request,
			"POST %s HTTP/1.1\r\nHost: docker\r\nUser-Agent: sg-loadgen\r\n"
			"Content-Type: %s\r\nContent-Length: %" PRIu64 "\r\n%s\r\n",
			O.path, O.content_type, O.bytes, conn_hdr);
	else if (O.mode == M_HIJACK)
		g_request_len = (size_t)snprintf(g_request, sizeof g_request,
			"POST %s HTTP/1.1\r\nHost: docker\r\nUser-Agent: sg-loadgen\r\n"
			"Content-Type: text/plain\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n",
			O.path);
	else
		g_request_len = (size_t)snprintf(g_request, sizeof g_request,
			"GET %s HTTP/1.1\r\nHost: docker\r\nUser-Agent: sg-loadgen\r\n%s\r\n",
			O.path, conn_hdr);
	if (g_request_len >= sizeof g_request) {
		fprintf(stderr, "loadgen: path too long\n");
		return 2;
	}

	/* idle: open and hold the idle connections first */
	int *idle_fds = NULL;
	int idle_ok = 0, idle_failed = 0, idle_closed = 0;
	long rss_before = -1, rss_idle = -1, rss_after = -1;
	double idle_open_s = 0;
	if (O.mode == M_IDLE) {
		rss_before = read_rss_kib(O.rss_pid);
		idle_fds = calloc((size_t)(O.idle_conns > 0 ? O.idle_conns : 1), sizeof *idle_fds);
		if (!idle_fds)
			return 2;
		uint64_t t0 = now_ns();
		idle_ok = open_idle(idle_fds, O.idle_conns, &idle_failed);
		idle_open_s = (double)(now_ns() - t0) / 1e9;
		sleep_ms(300);	/* let the proxy settle before sampling */
		rss_idle = read_rss_kib(O.rss_pid);
	}

	struct thread_ctx **ts = calloc((size_t)O.threads, sizeof *ts);
	pthread_t *tids = calloc((size_t)O.threads, sizeof *tids);
	if (!ts || !tids)
		return 2;
	g_quota_total = O.requests;
	g_start = now_ns();
	g_deadline = g_start + (uint64_t)(O.duration * 1e9);
	for (int t = 0; t < O.threads; t++) {
		ts[t] = calloc(1, sizeof **ts);
		if (!ts[t])
			return 2;
		ts[t]->id = t;
		ts[t]->ep = epoll_create1(EPOLL_CLOEXEC);
		ts[t]->nconns = O.concurrency / O.threads + (t < O.concurrency % O.threads);
		ts[t]->conns = calloc((size_t)ts[t]->nconns, sizeof(struct conn));
		if (!ts[t]->conns)
			return 2;
		pthread_create(&tids[t], NULL, thread_main, ts[t]);
	}
	for (int t = 0; t < O.threads; t++)
		pthread_join(tids[t], NULL);
	uint64_t end = now_ns();
	double elapsed = (double)(end - g_start) / 1e9;

	if (O.mode == M_IDLE) {
		rss_after = read_rss_kib(O.rss_pid);
		idle_closed = count_closed(idle_fds, O.idle_conns);
		for (int i = 0; i < O.idle_conns; i++)
			if (idle_fds[i] >= 0)
				close(idle_fds[i]);
	}

	/* merge */
	static uint64_t hist[HIST_N];
	uint64_t done = 0, errors = 0, non2xx = 0, bytes = 0, connects = 0;
	for (int t = 0; t < O.threads; t++) {
		for (int i = 0; i < HIST_N; i++)
			hist[i] += ts[t]->hist[i];
		done += ts[t]->done;
		errors += ts[t]->errors;
		non2xx += ts[t]->non2xx;
		bytes += ts[t]->bytes;
		connects += ts[t]->connects;
	}
	double pct[4] = { 0.50, 0.90, 0.99, 1.0 };
	double pv[4] = { 0, 0, 0, 0 };
	for (int k = 0; k < 4; k++) {
		uint64_t want = (uint64_t)ceil(pct[k] * (double)done), acc = 0;
		if (!want)
			continue;
		for (int i = 0; i < HIST_N; i++) {
			acc += hist[i];
			if (acc >= want) {
				pv[k] = (double)hist_value(i) / 1e3;
				break;
			}
		}
	}
	static const char *mode_names[] = { "rps", "stream", "upload", "hijack", "idle" };
	printf("{");
	if (O.label) {
		printf("\"label\":");
		json_str(O.label);
		printf(",");
	}
	printf("\"mode\":\"%s\",\"path\":", mode_names[O.mode]);
	json_str(O.path);
	printf(",\"concurrency\":%d,\"keepalive\":%s,\"elapsed_s\":%.3f,\"requests\":%" PRIu64
	       ",\"errors\":%" PRIu64 ",\"non2xx\":%" PRIu64 ",\"connects\":%" PRIu64
	       ",\"rps\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f"
	       ",\"bytes\":%" PRIu64 ",\"mb_s\":%.1f",
	       O.concurrency, O.keepalive ? "true" : "false", elapsed, done, errors, non2xx,
	       connects, elapsed > 0 ? (double)done / elapsed : 0, pv[0], pv[1], pv[2], pv[3],
	       bytes, elapsed > 0 ? (double)bytes / elapsed / 1e6 : 0);
	if (O.mode == M_IDLE)
		printf(",\"idle_conns\":%d,\"idle_ok\":%d,\"idle_failed\":%d,\"idle_closed\":%d"
		       ",\"idle_open_s\":%.3f,\"rss_before_kib\":%ld,\"rss_idle_kib\":%ld"
		       ",\"rss_after_kib\":%ld,\"per_conn_kib\":%.2f",
		       O.idle_conns, idle_ok, idle_failed, idle_closed, idle_open_s,
		       rss_before, rss_idle, rss_after,
		       (idle_ok > 0 && rss_before >= 0 && rss_idle >= 0)
		       ? (double)(rss_idle - rss_before) / idle_ok : 0.0);
	printf("}\n");
	fflush(stdout);
	for (int t = 0; t < O.threads; t++) {
		close(ts[t]->ep);
		free(ts[t]->conns);
		free(ts[t]);
	}
	free(ts);
	free(tids);
	free(idle_fds);
	free(g_file_body);
	bool ok = done > 0 && errors == 0 && non2xx == 0 &&
		  (O.mode != M_IDLE || idle_failed == 0);
	return ok ? 0 : 1;
}
