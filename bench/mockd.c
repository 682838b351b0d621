/* bench/mockd.c — a minimal, fast mock Docker daemon on a unix socket.
 *
 * Only for benchmarks: it answers the handful of endpoints the load
 * generator (bench/loadgen.c) drives, as cheaply as possible, so that the
 * proxy under test and not the daemon is the bottleneck.
 *
 *   GET  /_ping                      200 "OK" with Docker's ping headers
 *   GET  /containers/json            200, a ~2 KiB JSON list (Content-Length)
 *   GET  /stream?bytes=N             200, N bytes of body (Content-Length)
 *   GET  /stream-chunked?bytes=N[&chunk=C]  200, N bytes of body (chunked, C-byte chunks, default 64 KiB)
 *   POST /upload                     reads the body, 200 {"bytes":N}
 *   POST /containers/create          reads the JSON body, 201 {"Id":..,"Warnings":[]}
 *   POST /containers/ID/attach       with Upgrade: tcp: 101 UPGRADED, then echoes
 *                                    every byte until the client half-closes,
 *                                    then shuts down its write side (Docker's hijack)
 * Any path may carry an API version prefix (/v1.41/...). Request bodies
 * must be framed by Content-Length or chunked encoding.
 *
 * Shape: N threads, each with its own epoll instance; all of them watch the
 * one listening socket with EPOLLEXCLUSIVE and own the connections they
 * accept. Connections are edge-triggered; conn_drive() runs each one until
 * the operation it needs would block. Output is a small queue of iovecs
 * pointing either at the connection's head buffer or at static body bytes,
 * so bodies are never copied.
 *
 * usage: bench_mockd --socket PATH [--threads N]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem, accept4, POLLRDHUP (CMake defines it too) */
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define IN_CAP        8192		/* request head (+ small body) buffer */
#define SCRATCH_CAP   (256 * 1024)	/* per-thread discard buffer for bodies */
#define ECHO_CAP      (256 * 1024)	/* per-hijacked-connection echo buffer */
#define BODY_CAP      (1024 * 1024)	/* static body bytes served by slices */
#define CHUNK_SIZE    (64 * 1024)

enum conn_state {
	ST_HEAD,	/* reading a request head */
	ST_REQ_BODY,	/* consuming a request body (Content-Length) */
	ST_REQ_CHUNKED,	/* consuming a chunked request body */
	ST_RESPOND,	/* flushing a response (maybe a generated body) */
	ST_ECHO,	/* hijacked: echo until the client half-closes */
};

enum route {
	R_NONE, R_PING, R_LIST, R_STREAM, R_STREAM_CHUNKED, R_UPLOAD,
	R_CREATE, R_ATTACH, R_NOT_FOUND, R_BAD,
};

struct conn {
	int fd;
	enum conn_state st;
	enum route route;
	bool keepalive;
	bool close_after;	/* shut down after this response */
	bool upgrade;		/* attach asked for Connection: Upgrade */
	char in[IN_CAP];
	size_t in_len;
	/* request body */
	uint64_t body_left;
	uint64_t body_total;
	int chunk_phase;	/* chunked request parser: 0 size, 1 data, 2 crlf, 3 trailer */
	/* response output queue */
	char head[1024];
	char chunk_hdr[32];
	struct iovec q[4];
	int qn, qi;
	uint64_t gen_left;	/* generated response body bytes still to queue */
	bool gen_chunked;
	size_t gen_chunk;	/* chunked: bytes per chunk */
	bool gen_final;		/* chunked: terminator queued */
	/* hijack */
	char *echo;
	size_t echo_len, echo_off;
	bool rd_eof;
};

static char g_body[BODY_CAP];
static const char g_crlf[] = "\r\n";
static const char g_last_chunk[] = "0\r\n\r\n";
static char g_list_resp[4096];
static size_t g_list_len;
static char g_ping_resp[512];
static size_t g_ping_len;
static int g_listen_fd = -1;
static volatile sig_atomic_t g_stop;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void build_static_responses(void)
{
	memset(g_body, 'x', sizeof g_body);
	g_ping_len = (size_t)snprintf(g_ping_resp, sizeof g_ping_resp,
		"HTTP/1.1 200 OK\r\n"
		"Api-Version: 1.41\r\n"
		"Builder-Version: 2\r\n"
		"Cache-Control: no-cache, no-store, must-revalidate\r\n"
		"Content-Length: 2\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n"
		"Docker-Experimental: false\r\n"
		"Ostype: linux\r\n"
		"Pragma: no-cache\r\n"
		"Server: Docker/24.0.7 (linux)\r\n"
		"\r\n"
		"OK");
	/* A list of containers shaped like `docker ps` output, about 2 KiB. */
	char body[3072];
	size_t n = 0;
	n += (size_t)snprintf(body + n, sizeof body - n, "[");
	for (int i = 0; i < 5; i++) {
		n += (size_t)snprintf(body + n, sizeof body - n,
			"%s{\"Id\":\"%064d\",\"Names\":[\"/bench-%d\"],"
			"\"Image\":\"local/busybox:1\",\"ImageID\":\"sha256:%064d\","
			"\"Command\":\"sleep 3600\",\"Created\":1700000000,\"Ports\":[],"
			"\"Labels\":{\"com.example.owner\":\"ci-%d\"},\"State\":\"running\","
			"\"Status\":\"Up 5 minutes\",\"HostConfig\":{\"NetworkMode\":\"none\"},"
			"\"NetworkSettings\":{\"Networks\":{\"none\":{\"NetworkID\":\"%032d\"}}},"
			"\"Mounts\":[]}",
			i ? "," : "", i + 1, i, i + 7, i, i + 3);
	}
	n += (size_t)snprintf(body + n, sizeof body - n, "]\n");
	g_list_len = (size_t)snprintf(g_list_resp, sizeof g_list_resp,
		"HTTP/1.1 200 OK\r\n"
		"Api-Version: 1.41\r\n"
		"Content-Type: application/json\r\n"
		"Docker-Experimental: false\r\n"
		"Ostype: linux\r\n"
		"Server: Docker/24.0.7 (linux)\r\n"
		"Content-Length: %zu\r\n"
		"\r\n%s", n, body);
}

/* ---- output queue ------------------------------------------------------ */

static void q_push(struct conn *c, const void *p, size_t len)
{
	if (len == 0)
		return;
	c->q[c->qn].iov_base = (void *)p;
	c->q[c->qn].iov_len = len;
	c->qn++;
}

/* Queue the next slice of a generated body; false when nothing is left. */
static bool q_refill(struct conn *c)
{
	c->qn = c->qi = 0;
	if (c->gen_left > 0) {
		size_t cap = c->gen_chunked ? c->gen_chunk : BODY_CAP;
		size_t n = c->gen_left > cap ? cap : (size_t)c->gen_left;
		if (c->gen_chunked) {
			int h = snprintf(c->chunk_hdr, sizeof c->chunk_hdr, "%zx\r\n", n);
			q_push(c, c->chunk_hdr, (size_t)h);
			q_push(c, g_body, n);
			q_push(c, g_crlf, 2);
		} else {
			q_push(c, g_body, n);
		}
		c->gen_left -= n;
		return true;
	}
	if (c->gen_chunked && !c->gen_final) {
		c->gen_final = true;
		q_push(c, g_last_chunk, sizeof g_last_chunk - 1);
		return true;
	}
	return false;
}

/* Write queued output. 1: all written, 0: would block, -1: error. */
static int q_flush(struct conn *c)
{
	for (;;) {
		if (c->qi >= c->qn && !q_refill(c))
			return 1;
		ssize_t w = writev(c->fd, c->q + c->qi, c->qn - c->qi);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		size_t left = (size_t)w;
		while (c->qi < c->qn && left >= c->q[c->qi].iov_len) {
			left -= c->q[c->qi].iov_len;
			c->qi++;
		}
		if (left) {
			c->q[c->qi].iov_base = (char *)c->q[c->qi].iov_base + left;
			c->q[c->qi].iov_len -= left;
		}
	}
}

/* ---- request parsing ---------------------------------------------------- */

static const char *strip_version(const char *p, const char *end)
{
	if (end - p > 2 && p[0] == '/' && p[1] == 'v' && p[2] >= '0' && p[2] <= '9') {
		const char *q = p + 2;
		while (q < end && ((*q >= '0' && *q <= '9') || *q == '.'))
			q++;
		if (q < end && *q == '/')
			return q;
	}
	return p;
}

static bool path_is(const char *p, size_t len, const char *want)
{
	size_t wl = strlen(want);
	return len == wl && memcmp(p, want, wl) == 0;
}

/* The number after "key=" in the query string, 0 if absent. */
static uint64_t query_u64(const char *q, const char *end, const char *key)
{
	size_t kl = strlen(key);
	while (q && q < end) {
		if ((size_t)(end - q) > kl && memcmp(q, key, kl) == 0)
			return strtoull(q + kl, NULL, 10);
		q = memchr(q, '&', (size_t)(end - q));
		if (q)
			q++;
	}
	return 0;
}

static bool header_has_token(const char *v, size_t vl, const char *tok)
{
	size_t tl = strlen(tok);
	for (size_t i = 0; i + tl <= vl; i++)
		if (strncasecmp(v + i, tok, tl) == 0)
			return true;
	return false;
}

static void respond_simple(struct conn *c, int status, const char *reason,
			   const char *ctype, const char *body)
{
	size_t bl = strlen(body);
	int n = snprintf(c->head, sizeof c->head,
		"HTTP/1.1 %d %s\r\nApi-Version: 1.41\r\nContent-Type: %s\r\n"
		"Server: Docker/24.0.7 (linux)\r\nContent-Length: %zu\r\n%s\r\n%s",
		status, reason, ctype, bl, c->close_after ? "Connection: close\r\n" : "", body);
	q_push(c, c->head, (size_t)n);
}

/* The request (head and body) is complete: queue its response. */
static void start_response(struct conn *c, uint64_t stream_bytes)
{
	c->qn = c->qi = 0;
	c->gen_left = 0;
	c->gen_chunked = c->gen_final = false;
	switch (c->route) {
	case R_PING:
		q_push(c, g_ping_resp, g_ping_len);
		break;
	case R_LIST:
		q_push(c, g_list_resp, g_list_len);
		break;
	case R_STREAM:
	case R_STREAM_CHUNKED: {
		bool ch = c->route == R_STREAM_CHUNKED;
		int n;
		if (ch)
			n = snprintf(c->head, sizeof c->head,
				"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\n"
				"Content-Type: application/octet-stream\r\n"
				"Transfer-Encoding: chunked\r\n%s\r\n",
				c->close_after ? "Connection: close\r\n" : "");
		else
			n = snprintf(c->head, sizeof c->head,
				"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\n"
				"Content-Type: application/octet-stream\r\n"
				"Content-Length: %" PRIu64 "\r\n%s\r\n",
				stream_bytes, c->close_after ? "Connection: close\r\n" : "");
		q_push(c, c->head, (size_t)n);
		c->gen_left = stream_bytes;
		c->gen_chunked = ch;
		break;
	}
	case R_UPLOAD: {
		char body[64];
		snprintf(body, sizeof body, "{\"bytes\":%" PRIu64 "}\n", c->body_total);
		respond_simple(c, 200, "OK", "application/json", body);
		break;
	}
	case R_CREATE:
		respond_simple(c, 201, "Created", "application/json",
			"{\"Id\":\"5f0c3b8c1e2a4d6f8a9b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f7\","
			"\"Warnings\":[]}\n");
		break;
	case R_ATTACH: {
		/* Like dockerd: 101 when the client asked to upgrade, otherwise a
		 * 200 whose body is the raw stream; either way the connection is
		 * hijacked afterwards. */
		int n = snprintf(c->head, sizeof c->head, c->upgrade
			? "HTTP/1.1 101 UPGRADED\r\n"
			  "Content-Type: application/vnd.docker.raw-stream\r\n"
			  "Connection: Upgrade\r\nUpgrade: tcp\r\n"
			  "Api-Version: 1.41\r\n\r\n"
			: "HTTP/1.1 200 OK\r\n"
			  "Content-Type: application/vnd.docker.raw-stream\r\n"
			  "Api-Version: 1.41\r\n\r\n");
		q_push(c, c->head, (size_t)n);
		break;
	}
	case R_BAD:
		c->close_after = true;
		respond_simple(c, 400, "Bad Request", "text/plain; charset=utf-8",
			       "bad request\n");
		break;
	default:
		respond_simple(c, 404, "Not Found", "application/json",
			       "{\"message\":\"page not found\"}\n");
		break;
	}
	c->st = ST_RESPOND;
}

/* Parse one request head ending at in[hlen]. Returns the bytes consumed. */
static size_t parse_head(struct conn *c, size_t hlen, uint64_t *stream_bytes)
{
	char *p = c->in, *end = c->in + hlen;
	char *sp1 = memchr(p, ' ', (size_t)(end - p));
	char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1)) : NULL;
	char *eol = memchr(p, '\n', (size_t)(end - p));
	*stream_bytes = 0;
	c->body_left = c->body_total = 0;
	c->close_after = false;
	if (!sp1 || !sp2 || !eol || sp2 > eol) {
		c->route = R_BAD;
		return hlen;
	}
	size_t ml = (size_t)(sp1 - p);
	const char *target = sp1 + 1, *tend = sp2;
	const char *qs = memchr(target, '?', (size_t)(tend - target));
	const char *pend = qs ? qs : tend;
	const char *path = strip_version(target, pend);
	size_t pl = (size_t)(pend - path);
	bool get = ml == 3 && memcmp(p, "GET", 3) == 0;
	bool post = ml == 4 && memcmp(p, "POST", 4) == 0;
	bool http10 = (size_t)(eol - sp2) >= 9 && memcmp(sp2 + 1, "HTTP/1.0", 8) == 0;

	/* headers */
	bool have_cl = false, chunked = false, upgrade = false, conn_close = http10;
	uint64_t cl = 0;
	char *line = eol + 1;
	while (line < end) {
		char *le = memchr(line, '\n', (size_t)(end - line));
		if (!le)
			break;
		size_t ll = (size_t)(le - line);
		if (ll && line[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			break;
		char *colon = memchr(line, ':', ll);
		if (colon) {
			size_t nl = (size_t)(colon - line);
			char *v = colon + 1;
			while (v < line + ll && (*v == ' ' || *v == '\t'))
				v++;
			size_t vl = (size_t)(line + ll - v);
			if (nl == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
				have_cl = true;
				cl = strtoull(v, NULL, 10);
			} else if (nl == 17 && strncasecmp(line, "Transfer-Encoding", 17) == 0) {
				chunked = header_has_token(v, vl, "chunked");
			} else if (nl == 10 && strncasecmp(line, "Connection", 10) == 0) {
				if (header_has_token(v, vl, "close"))
					conn_close = true;
				if (header_has_token(v, vl, "keep-alive"))
					conn_close = false;
				if (header_has_token(v, vl, "upgrade"))
					upgrade = true;
			}
		}
		line = le + 1;
	}
	c->close_after = conn_close;
	if (have_cl && chunked) {
		c->route = R_BAD;
		return hlen;
	}

	if (get && path_is(path, pl, "/_ping"))
		c->route = R_PING;
	else if (get && path_is(path, pl, "/containers/json"))
		c->route = R_LIST;
	else if (get && path_is(path, pl, "/stream"))
		c->route = R_STREAM;
	else if (get && path_is(path, pl, "/stream-chunked"))
		c->route = R_STREAM_CHUNKED;
	else if (post && path_is(path, pl, "/upload"))
		c->route = R_UPLOAD;
	else if (post && path_is(path, pl, "/containers/create"))
		c->route = R_CREATE;
	else if (post && pl > 19 && memcmp(path, "/containers/", 12) == 0 &&
		 memcmp(path + pl - 7, "/attach", 7) == 0) {
		c->route = R_ATTACH;
		c->upgrade = upgrade;
	}
	else
		c->route = R_NOT_FOUND;
	if (c->route == R_STREAM || c->route == R_STREAM_CHUNKED) {
		*stream_bytes = query_u64(qs ? qs + 1 : NULL, tend, "bytes=");
		uint64_t ch = query_u64(qs ? qs + 1 : NULL, tend, "chunk=");
		c->gen_chunk = ch > 0 && ch <= BODY_CAP ? (size_t)ch : CHUNK_SIZE;
	}

	if (chunked) {
		c->st = ST_REQ_CHUNKED;
		c->chunk_phase = 0;
		c->body_left = 0;
	} else if (have_cl && cl > 0) {
		c->st = ST_REQ_BODY;
		c->body_left = cl;
	}
	return hlen;
}

/* Consume body bytes from buf; returns how many were used. Sets *done. */
static size_t consume_body(struct conn *c, const char *buf, size_t n, bool *done)
{
	size_t used = 0;
	*done = false;
	if (c->st == ST_REQ_BODY) {
		size_t take = c->body_left < n ? (size_t)c->body_left : n;
		c->body_left -= take;
		c->body_total += take;
		*done = c->body_left == 0;
		return take;
	}
	/* chunked: phase 0 reads the hex size line, 4 its extension, 1 data,
	 * 2 the CRLF after data, 3 trailer lines until an empty one. */
	while (used < n && !*done) {
		char ch = buf[used];
		switch (c->chunk_phase) {
		case 0:
			used++;
			if (ch == '\n') {
				/* body_left doubled as the size accumulator */
				c->chunk_phase = c->body_left ? 1 : 3;
			} else if (ch == ';') {
				c->chunk_phase = 4;
			} else {
				int d = (ch >= '0' && ch <= '9') ? ch - '0'
				      : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
				      : (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10 : -1;
				if (d >= 0 && c->body_left < (UINT64_C(1) << 56))
					c->body_left = c->body_left * 16 + (uint64_t)d;
			}
			break;
		case 4: /* chunk extension: ignored up to the end of the line */
			used++;
			if (ch == '\n')
				c->chunk_phase = c->body_left ? 1 : 3;
			break;
		case 1: {
			size_t take = c->body_left < n - used ? (size_t)c->body_left : n - used;
			c->body_left -= take;
			c->body_total += take;
			used += take;
			if (c->body_left == 0)
				c->chunk_phase = 2;
			break;
		}
		case 2:
			used++;
			if (ch == '\n')
				c->chunk_phase = 0;
			break;
		case 3:
			/* trailers: done at an empty line (body_left counts line length) */
			used++;
			if (ch == '\n') {
				if (c->body_left == 0)
					*done = true;
				c->body_left = 0;
			} else if (ch != '\r') {
				c->body_left++;
			}
			break;
		}
	}
	return used;
}

/* ---- the per-connection state machine ---------------------------------- */

struct worker {
	int ep;
	char scratch[SCRATCH_CAP];
};

static void conn_close(struct conn *c)
{
	close(c->fd);
	free(c->echo);
	free(c);
}

/* After a response is flushed: next request, or close. */
static bool finish_response(struct conn *c)
{
	if (c->route == R_ATTACH) {
		c->st = ST_ECHO;
		c->echo = malloc(ECHO_CAP);
		if (!c->echo)
			return false;
		/* bytes already read past the head are echo data */
		memcpy(c->echo, c->in, c->in_len);
		c->echo_len = c->in_len;
		c->echo_off = 0;
		c->in_len = 0;
		return true;
	}
	if (c->close_after) {
		shutdown(c->fd, SHUT_WR);
		return false;
	}
	c->st = ST_HEAD;
	c->route = R_NONE;
	return true;
}

/* Echo loop for a hijacked connection. Returns false to close. */
static bool drive_echo(struct conn *c)
{
	for (;;) {
		while (c->echo_off < c->echo_len) {
			ssize_t w = write(c->fd, c->echo + c->echo_off, c->echo_len - c->echo_off);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return errno == EAGAIN;
			}
			c->echo_off += (size_t)w;
		}
		c->echo_off = c->echo_len = 0;
		if (c->rd_eof) {
			shutdown(c->fd, SHUT_WR);
			return false;
		}
		ssize_t r = read(c->fd, c->echo, ECHO_CAP);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN;
		}
		if (r == 0) {
			c->rd_eof = true;
			continue;
		}
		c->echo_len = (size_t)r;
	}
}

/* Run the connection until it would block. Returns false to close it. */
static bool conn_drive(struct worker *w, struct conn *c)
{
	for (;;) {
		if (c->st == ST_ECHO)
			return drive_echo(c);
		if (c->st == ST_RESPOND) {
			int f = q_flush(c);
			if (f < 0)
				return false;
			if (f == 0)
				return true;
			if (!finish_response(c))
				return false;
			continue;
		}
		/* ST_HEAD / ST_REQ_BODY / ST_REQ_CHUNKED: use buffered bytes first */
		if (c->st == ST_HEAD && c->in_len > 0) {
			char *e = memmem(c->in, c->in_len, "\r\n\r\n", 4);
			if (e) {
				size_t hlen = (size_t)(e + 4 - c->in);
				uint64_t sb;
				parse_head(c, hlen, &sb);
				memmove(c->in, c->in + hlen, c->in_len - hlen);
				c->in_len -= hlen;
				if (c->st == ST_HEAD) {
					start_response(c, sb);
				}
				continue;
			}
			if (c->in_len == IN_CAP) {
				c->route = R_BAD;
				c->in_len = 0;
				start_response(c, 0);
				continue;
			}
		}
		if ((c->st == ST_REQ_BODY || c->st == ST_REQ_CHUNKED) && c->in_len > 0) {
			bool done;
			size_t used = consume_body(c, c->in, c->in_len, &done);
			memmove(c->in, c->in + used, c->in_len - used);
			c->in_len -= used;
			if (done) {
				c->st = ST_HEAD;
				start_response(c, 0);
			}
			continue;
		}
		/* need more input */
		ssize_t r;
		if (c->st == ST_REQ_BODY || c->st == ST_REQ_CHUNKED) {
			r = read(c->fd, w->scratch, SCRATCH_CAP);
			if (r > 0) {
				size_t off = 0;
				bool done = false;
				while (off < (size_t)r && !done)
					off += consume_body(c, w->scratch + off, (size_t)r - off, &done);
				if (done) {
					size_t rest = (size_t)r - off;
					if (rest > IN_CAP)
						return false; /* pipelining past a body: not supported */
					memcpy(c->in, w->scratch + off, rest);
					c->in_len = rest;
					c->st = ST_HEAD;
					start_response(c, 0);
				}
				continue;
			}
		} else {
			r = read(c->fd, c->in + c->in_len, IN_CAP - c->in_len);
			if (r > 0) {
				c->in_len += (size_t)r;
				continue;
			}
		}
		if (r == 0)
			return false;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event evs[256];
	while (!g_stop) {
		int n = epoll_wait(w->ep, evs, 256, 500);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL) {
				for (;;) {
					int fd = accept4(g_listen_fd, NULL, NULL,
							 SOCK_NONBLOCK | SOCK_CLOEXEC);
					if (fd < 0)
						break;
					struct conn *c = calloc(1, sizeof *c);
					if (!c) {
						close(fd);
						continue;
					}
					c->fd = fd;
					c->st = ST_HEAD;
					struct epoll_event ev = {
						.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
						.data.ptr = c,
					};
					if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
						conn_close(c);
						continue;
					}
					if (!conn_drive(w, c))
						conn_close(c);
				}
				continue;
			}
			struct conn *c = evs[i].data.ptr;
			if (!conn_drive(w, c))
				conn_close(c);
		}
	}
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rlim_t want = 200000;
	if (rl.rlim_max < want) {
		struct rlimit try = { want, want };
		if (setrlimit(RLIMIT_NOFILE, &try) == 0)
			return;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

int main(int argc, char **argv)
{
	const char *sock = NULL;
	int threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			sock = argv[++i];
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s --socket PATH [--threads N]\n", argv[0]);
			return 2;
		}
	}
	if (!sock) {
		fprintf(stderr, "usage: %s --socket PATH [--threads N]\n", argv[0]);
		return 2;
	}
	if (threads < 1)
		threads = 1;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	raise_nofile();
	build_static_responses();

	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(sock) >= sizeof sa.sun_path) {
		fprintf(stderr, "mockd: socket path too long\n");
		return 2;
	}
	strcpy(sa.sun_path, sock);
	unlink(sock);
	g_listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (g_listen_fd < 0)
		die("socket");
	if (bind(g_listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("bind");
	chmod(sock, 0600);
	if (listen(g_listen_fd, 4096) < 0)
		die("listen");

	pthread_t *tids = calloc((size_t)threads, sizeof *tids);
	struct worker **ws = calloc((size_t)threads, sizeof *ws);
	if (!tids || !ws)
		die("calloc");
	for (int t = 0; t < threads; t++) {
		ws[t] = calloc(1, sizeof **ws);
		if (!ws[t])
			die("calloc");
		ws[t]->ep = epoll_create1(EPOLL_CLOEXEC);
		if (ws[t]->ep < 0)
			die("epoll_create1");
		struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = NULL };
		if (epoll_ctl(ws[t]->ep, EPOLL_CTL_ADD, g_listen_fd, &ev) < 0)
			die("epoll_ctl listen");
		if (pthread_create(&tids[t], NULL, worker_main, ws[t]) != 0)
			die("pthread_create");
	}
	fprintf(stderr, "mockd: listening on %s with %d threads\n", sock, threads);
	for (int t = 0; t < threads; t++) {
		pthread_join(tids[t], NULL);
		close(ws[t]->ep);
		free(ws[t]);
	}
	free(ws);
	free(tids);
	unlink(sock);
	return 0;
}
