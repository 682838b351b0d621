/* /health bodies (obs/health.c) and the upstream watchdog (obs/watchdog.c)
 * against a tiny unix-socket server started by the test. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "obs/health.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "obs/watchdog.h"

#define T0 1767366245000000000LL

Test(obs_health, healthy_body)
{
	struct sg_health h;
	sg_health_init(&h, "0.1.0", "/var/run/docker.sock", T0);
	sg_health_set(&h, SG_UPSTREAM_CONNECTED, SG_HEALTH_ERR_NONE, 0);
	char buf[512];
	uint16_t status;
	size_t n = sg_health_render(&h, T0 + 42500000000LL, buf, sizeof(buf), &status);
	cr_assert_gt(n, 0);
	cr_assert_eq(status, 200);
	cr_assert_str_eq(buf, "{\"status\":\"healthy\",\"upstream\":\"connected\",\"version\":\"0.1.0\",\"uptime_seconds\":42}\n");
}

Test(obs_health, unhealthy_body_names_the_dial_error)
{
	struct sg_health h;
	sg_health_init(&h, "0.1.0", "/var/run/docker.sock", T0);
	sg_health_set(&h, SG_UPSTREAM_UNREACHABLE, SG_HEALTH_ERR_CONNECT, ENOENT);
	char buf[512];
	uint16_t status;
	sg_health_render(&h, T0 + 7000000000LL, buf, sizeof(buf), &status);
	cr_assert_eq(status, 503);
	cr_assert_str_eq(buf, "{\"status\":\"unhealthy\",\"upstream\":\"unreachable\","
			      "\"error\":\"dial unix /var/run/docker.sock: connect: no such file or directory\","
			      "\"version\":\"0.1.0\",\"uptime_seconds\":7}\n");
	sg_health_set(&h, SG_UPSTREAM_UNREACHABLE, SG_HEALTH_ERR_TIMEOUT, 0);
	sg_health_render(&h, T0, buf, sizeof(buf), &status);
	cr_assert(strstr(buf, "\"error\":\"dial unix /var/run/docker.sock: i/o timeout\"") != NULL, "%s", buf);
}

Test(obs_health, unknown_state_is_unhealthy_and_small_buffers_fail_cleanly)
{
	struct sg_health h;
	sg_health_init(&h, "0.1.0", "/x.sock", T0);
	char buf[512];
	uint16_t status;
	sg_health_render(&h, T0, buf, sizeof(buf), &status);
	cr_assert_eq(status, 503);
	cr_assert(strstr(buf, "\"upstream\":\"unknown\"") != NULL);
	char tiny[16];
	cr_assert_eq(sg_health_render(&h, T0, tiny, sizeof(tiny), &status), 0);
}

/* ---- a fake dockerd: answers GET /_ping with a fixed status ---- */

struct fake {
	char path[108];
	int lfd;
	int stop[2];
	const char *reply;
	pthread_t thr;
	int served;
};

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	for (;;) {
		struct pollfd p[2] = { { .fd = f->lfd, .events = POLLIN }, { .fd = f->stop[0], .events = POLLIN } };
		if (poll(p, 2, -1) < 0 || (p[1].revents & POLLIN))
			break;
		int c = accept(f->lfd, NULL, NULL);
		if (c < 0)
			continue;
		char req[512];
		ssize_t n = recv(c, req, sizeof(req), 0);
		if (n > 0 && strncmp(req, "GET /_ping ", 11) == 0) {
			ssize_t w = send(c, f->reply, strlen(f->reply), MSG_NOSIGNAL);
			(void)w;
			__atomic_fetch_add(&f->served, 1, __ATOMIC_RELAXED);
		}
		close(c);
	}
	return NULL;
}

static void fake_start(struct fake *f, const char *reply)
{
	f->reply = reply;
	f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, f->path);
	unlink(f->path);
	cr_assert_eq(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(f->lfd, 16), 0);
	cr_assert_eq(pipe(f->stop), 0);
	pthread_create(&f->thr, NULL, fake_main, f);
}

static void fake_stop(struct fake *f)
{
	ssize_t w = write(f->stop[1], "x", 1);
	(void)w;
	pthread_join(f->thr, NULL);
	close(f->lfd);
	close(f->stop[0]);
	close(f->stop[1]);
	unlink(f->path);
}

static struct fake fake_at(void)
{
	struct fake f = { 0 };
	snprintf(f.path, sizeof(f.path), "/tmp/sg_obs_fake_%d.sock", (int)getpid());
	return f;
}

Test(obs_watchdog, probe_reports_connected_refused_and_bad_status)
{
	struct fake f = fake_at();
	enum sg_health_err err;
	int code;
	cr_assert_eq(sg_watchdog_probe(f.path, 1000, &err, &code), SG_UPSTREAM_UNREACHABLE);
	cr_assert_eq(err, SG_HEALTH_ERR_CONNECT);
	cr_assert_eq(code, ENOENT);

	fake_start(&f, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
	cr_assert_eq(sg_watchdog_probe(f.path, 1000, &err, &code), SG_UPSTREAM_CONNECTED);
	fake_stop(&f);

	fake_start(&f, "HTTP/1.1 500 Internal Server Error\r\n\r\n");
	cr_assert_eq(sg_watchdog_probe(f.path, 1000, &err, &code), SG_UPSTREAM_UNREACHABLE);
	cr_assert_eq(err, SG_HEALTH_ERR_STATUS);
	cr_assert_eq(code, 500);
	fake_stop(&f);

	fake_start(&f, "garbage that is not http\r\n");
	cr_assert_eq(sg_watchdog_probe(f.path, 1000, &err, &code), SG_UPSTREAM_UNREACHABLE);
	cr_assert_eq(err, SG_HEALTH_ERR_PROTOCOL);
	fake_stop(&f);
}

Test(obs_watchdog, dial_only_connects_and_sends_nothing)
{
	struct fake f = fake_at();
	enum sg_health_err err;
	int code;
	cr_assert_eq(sg_watchdog_dial(f.path, 1000, &err, &code), SG_UPSTREAM_UNREACHABLE);
	cr_assert_eq(err, SG_HEALTH_ERR_CONNECT);
	cr_assert_eq(code, ENOENT);
	fake_start(&f, "HTTP/1.1 500 Internal Server Error\r\n\r\n");
	cr_assert_eq(sg_watchdog_dial(f.path, 1000, &err, &code), SG_UPSTREAM_CONNECTED);
	usleep(50000);
	cr_assert_eq(__atomic_load_n(&f.served, __ATOMIC_RELAXED), 0);	/* no request was sent */
	fake_stop(&f);
}

Test(obs_watchdog, probe_times_out_on_a_silent_server, .timeout = 10)
{
	struct fake f = fake_at();
	/* listen but never accept or answer */
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, f.path);
	unlink(f.path);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(lfd, 4), 0);
	enum sg_health_err err;
	int code;
	cr_assert_eq(sg_watchdog_probe(f.path, 200, &err, &code), SG_UPSTREAM_UNREACHABLE);
	cr_assert_eq(err, SG_HEALTH_ERR_TIMEOUT);
	close(lfd);
	unlink(f.path);
}

static bool wait_state(struct sg_health *h, enum sg_upstream_state want)
{
	for (int i = 0; i < 400; i++) {
		if (sg_health_state(h) == want)
			return true;
		usleep(10000);
	}
	return false;
}

Test(obs_watchdog, thread_flips_health_and_counts_checks, .timeout = 30)
{
	sg_log_setup(SG_LOG_ERROR, SG_LOG_FORMAT_JSON, NULL, NULL);	/* keep test output quiet */
	struct fake f = fake_at();
	fake_start(&f, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
	struct sg_health h;
	sg_health_init(&h, "0.1.0", f.path, T0);
	struct sg_metrics m;
	cr_assert_eq(sg_metrics_init(&m, 1, NULL), 0);
	struct sg_watchdog w;
	cr_assert_eq(sg_watchdog_init(&w, f.path, 50, 500, &h, &m), 0);
	cr_assert_eq(sg_watchdog_start(&w), 0);
	/* the first check is synchronous */
	cr_assert_eq(sg_health_state(&h), SG_UPSTREAM_CONNECTED);

	fake_stop(&f);
	cr_assert(wait_state(&h, SG_UPSTREAM_UNREACHABLE));
	char buf[512];
	uint16_t status;
	sg_health_render(&h, T0, buf, sizeof(buf), &status);
	cr_assert_eq(status, 503);

	fake_start(&f, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
	cr_assert(wait_state(&h, SG_UPSTREAM_CONNECTED));
	sg_watchdog_stop(&w);
	fake_stop(&f);

	cr_assert_geq(__atomic_load_n(&w.checks, __ATOMIC_RELAXED), 3);
	cr_assert_geq(m.watchdog_checks[0], 1);
	cr_assert_geq(m.watchdog_checks[1], 2);
	cr_assert_eq(m.upstream_known, 1);
	sg_metrics_destroy(&m);
	sg_log_setup(SG_LOG_INFO, SG_LOG_FORMAT_JSON, NULL, NULL);
}
