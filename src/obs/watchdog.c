/* obs/watchdog.c — upstream socket monitor thread (see watchdog.h). */
#include "obs/watchdog.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "obs/log.h"
#include "obs/metrics.h"

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for `events` on fd until the deadline. 1 ready, 0 timeout, -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - mono_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = { .fd = fd, .events = events };
		int rc = poll(&p, 1, (int)left);
		if (rc > 0)
			return 1;
		if (rc == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

static enum sg_upstream_state fail(enum sg_health_err *err, int *code, enum sg_health_err e, int c)
{
	*err = e;
	*code = c;
	return SG_UPSTREAM_UNREACHABLE;
}

static int connect_unix(int fd, const char *path, int64_t deadline, enum sg_health_err *err, int *code)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fail(err, code, SG_HEALTH_ERR_CONNECT, ENAMETOOLONG);
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EAGAIN) {
		fail(err, code, SG_HEALTH_ERR_CONNECT, errno);
		return -1;
	}
	int rc = wait_fd(fd, POLLOUT, deadline);
	if (rc <= 0) {
		if (rc == 0)
			fail(err, code, SG_HEALTH_ERR_TIMEOUT, 0);
		else
			fail(err, code, SG_HEALTH_ERR_CONNECT, -rc);
		return -1;
	}
	int soerr = 0;
	socklen_t len = sizeof(soerr);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
	if (soerr) {
		fail(err, code, SG_HEALTH_ERR_CONNECT, soerr);
		return -1;
	}
	return 0;
}

/* Parse "HTTP/1.x NNN" from the start of the response. */
static int status_code(const char *buf, size_t n)
{
	if (n < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ')
		return -1;
	int code = 0;
	for (int i = 9; i < 12; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -1;
		code = code * 10 + (buf[i] - '0');
	}
	return code;
}

enum sg_upstream_state sg_watchdog_probe(const char *socket_path, unsigned timeout_ms,
					 enum sg_health_err *err, int *code)
{
	int64_t deadline = mono_ms() + (timeout_ms ? timeout_ms : 3000);
	*err = SG_HEALTH_ERR_NONE;
	*code = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(err, code, SG_HEALTH_ERR_CONNECT, errno);
	enum sg_upstream_state st = SG_UPSTREAM_UNREACHABLE;
	if (connect_unix(fd, socket_path, deadline, err, code) < 0)
		goto out;

	static const char req[] = "GET /_ping HTTP/1.1\r\nHost: docker\r\nUser-Agent: sockguard-watchdog\r\n"
				  "Connection: close\r\n\r\n";
	size_t sent = 0;
	while (sent < sizeof(req) - 1) {
		ssize_t n = send(fd, req + sent, sizeof(req) - 1 - sent, MSG_NOSIGNAL);
		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			int rc = wait_fd(fd, POLLOUT, deadline);
			if (rc > 0)
				continue;
			if (rc == 0)
				fail(err, code, SG_HEALTH_ERR_TIMEOUT, 0);
			else
				fail(err, code, SG_HEALTH_ERR_IO, -rc);
			goto out;
		}
		fail(err, code, SG_HEALTH_ERR_IO, n < 0 ? errno : EPIPE);
		goto out;
	}

	char buf[64];
	size_t got = 0;
	while (got < 12) {
		int rc = wait_fd(fd, POLLIN, deadline);
		if (rc <= 0) {
			if (rc == 0)
				fail(err, code, SG_HEALTH_ERR_TIMEOUT, 0);
			else
				fail(err, code, SG_HEALTH_ERR_IO, -rc);
			goto out;
		}
		ssize_t n = recv(fd, buf + got, sizeof(buf) - got, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			fail(err, code, n == 0 ? SG_HEALTH_ERR_PROTOCOL : SG_HEALTH_ERR_IO, n == 0 ? 0 : errno);
			goto out;
		}
		got += (size_t)n;
	}
	int sc = status_code(buf, got);
	if (sc < 0)
		fail(err, code, SG_HEALTH_ERR_PROTOCOL, 0);
	else if (sc < 200 || sc > 299)
		fail(err, code, SG_HEALTH_ERR_STATUS, sc);
	else
		st = SG_UPSTREAM_CONNECTED;
out:
	close(fd);
	return st;
}

enum sg_upstream_state sg_watchdog_dial(const char *socket_path, unsigned timeout_ms,
					enum sg_health_err *err, int *code)
{
	int64_t deadline = mono_ms() + (timeout_ms ? timeout_ms : 3000);
	*err = SG_HEALTH_ERR_NONE;
	*code = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(err, code, SG_HEALTH_ERR_CONNECT, errno);
	int rc = connect_unix(fd, socket_path, deadline, err, code);
	close(fd);
	return rc < 0 ? SG_UPSTREAM_UNREACHABLE : SG_UPSTREAM_CONNECTED;
}

int sg_watchdog_init(struct sg_watchdog *w, const char *socket_path, unsigned interval_ms,
		     unsigned timeout_ms, struct sg_health *health, struct sg_metrics *metrics)
{
	memset(w, 0, sizeof(*w));
	w->stop_efd = -1;
	if (!socket_path || strlen(socket_path) >= sizeof(w->socket_path) || !health)
		return -EINVAL;
	strcpy(w->socket_path, socket_path);
	w->interval_ms = interval_ms ? interval_ms : 5000;
	w->timeout_ms = timeout_ms ? timeout_ms : (w->interval_ms < 3000 ? w->interval_ms : 3000);
	w->health = health;
	w->metrics = metrics;
	w->log_transitions = true;
	w->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return w->stop_efd < 0 ? -errno : 0;
}

enum sg_upstream_state sg_watchdog_check(struct sg_watchdog *w)
{
	enum sg_health_err err;
	int code;
	enum sg_upstream_state st = w->dial_only ? sg_watchdog_dial(w->socket_path, w->timeout_ms, &err, &code)
						 : sg_watchdog_probe(w->socket_path, w->timeout_ms, &err, &code);
	enum sg_upstream_state prev = sg_health_set(w->health, st, err, code);
	__atomic_fetch_add(&w->checks, 1, __ATOMIC_RELAXED);
	if (w->metrics)
		sg_metrics_watchdog_check(w->metrics, st == SG_UPSTREAM_CONNECTED);
	if (w->log_transitions && prev != st) {
		if (st == SG_UPSTREAM_CONNECTED) {
			sg_log_kv(SG_LOG_INFO, "upstream socket reachable", "upstream_socket", w->socket_path, NULL);
		} else {
			char e[512];
			sg_health_error(w->health, e, sizeof(e));
			sg_log_kv(SG_LOG_WARN, "upstream socket unreachable", "upstream_socket", w->socket_path,
				  "error", e, NULL);
		}
	}
	return st;
}

static void *watchdog_main(void *arg)
{
	struct sg_watchdog *w = arg;
	for (;;) {
		struct pollfd p = { .fd = w->stop_efd, .events = POLLIN };
		int rc = poll(&p, 1, (int)w->interval_ms);
		if (rc > 0)
			break;	/* stop requested */
		if (rc < 0 && errno != EINTR)
			break;
		sg_watchdog_check(w);
	}
	return NULL;
}

int sg_watchdog_start(struct sg_watchdog *w)
{
	if (w->running)
		return 0;
	sg_watchdog_check(w);
	int rc = pthread_create(&w->thread, NULL, watchdog_main, w);
	if (rc)
		return -rc;
	w->running = true;
	return 0;
}

void sg_watchdog_stop(struct sg_watchdog *w)
{
	if (w->running) {
		uint64_t one = 1;
		ssize_t rc = write(w->stop_efd, &one, sizeof(one));
		(void)rc;
		pthread_join(w->thread, NULL);
		w->running = false;
	}
	if (w->stop_efd >= 0)
		close(w->stop_efd);
	w->stop_efd = -1;
}
