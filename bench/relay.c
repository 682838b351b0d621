/* bench/relay.c — bench_relay: the least work any user-space proxy can do
 * for a byte stream, as a floor for the throughput scenarios.
 *
 * It relays raw bytes between each accepted unix-socket client and a fresh
 * connection to the upstream socket: no HTTP, no policy, no event loop. Two
 * threads per connection, one per direction, each a blocking
 * splice(socket -> pipe -> socket) loop with a 1 MiB pipe and 1 MiB send
 * buffers (what sockguard uses). A direction that reads EOF shuts the other
 * socket's write side, so half-close (the hijack scenario) works.
 *
 * It answers "how close to direct can a third process on this machine get?":
 * on 2 cores the relay competes with the mock daemon and the load generator,
 * so sockguard/relay is the figure that measures sockguard's own overhead.
 * Thread-per-connection: meant for the single-connection mb_s scenarios.
 *
 * usage: bench_relay --listen SOCK --upstream SOCK [--copy]
 *   --copy   read()/write() through a 1 MiB buffer instead of splice */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define RELAY_CHUNK (1 << 20)

static const char *upstream_path;
static int use_copy;

struct direction {
	int in, out;
};

static int unix_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -1;
	strcpy(sa->sun_path, path);
	return 0;
}

static void pump_splice(const struct direction *d)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return;
	(void)fcntl(p[1], F_SETPIPE_SZ, RELAY_CHUNK);
	for (;;) {
		ssize_t n = splice(d->in, NULL, p[1], NULL, RELAY_CHUNK, SPLICE_F_MOVE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		while (n > 0) {
			ssize_t m = splice(p[0], NULL, d->out, NULL, (size_t)n, SPLICE_F_MOVE);
			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0)
				goto out;
			n -= m;
		}
	}
out:
	close(p[0]);
	close(p[1]);
}

static void pump_copy(const struct direction *d)
{
	char *buf = malloc(RELAY_CHUNK);
	if (!buf)
		return;
	for (;;) {
		ssize_t n = read(d->in, buf, RELAY_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t m = write(d->out, buf + off, (size_t)(n - off));
			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0)
				goto out;
			off += m;
		}
	}
out:
	free(buf);
}

static void *pump(void *arg)
{
	const struct direction *d = arg;
	if (use_copy)
		pump_copy(d);
	else
		pump_splice(d);
	shutdown(d->out, SHUT_WR);
	return NULL;
}

static void *serve_conn(void *arg)
{
	int c = (int)(intptr_t)arg;
	int u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa;
	if (u < 0 || unix_addr(&sa, upstream_path) != 0 ||
	    connect(u, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (u >= 0)
			close(u);
		close(c);
		return NULL;
	}
	int sz = RELAY_CHUNK;
	(void)setsockopt(u, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	(void)setsockopt(c, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	struct direction up = { c, u }, down = { u, c };
	pthread_t t;
	if (pthread_create(&t, NULL, pump, &up) != 0) {
		close(c);
		close(u);
		return NULL;
	}
	pump(&down);
	pthread_join(t, NULL);
	close(c);
	close(u);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *listen_path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen_path = argv[++i];
		else if (strcmp(argv[i], "--upstream") == 0 && i + 1 < argc)
			upstream_path = argv[++i];
		else if (strcmp(argv[i], "--copy") == 0)
			use_copy = 1;
		else {
			fprintf(stderr, "usage: bench_relay --listen SOCK --upstream SOCK [--copy]\n");
			return 2;
		}
	}
	if (!listen_path || !upstream_path) {
		fprintf(stderr, "usage: bench_relay --listen SOCK --upstream SOCK [--copy]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	struct sockaddr_un sa;
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || unix_addr(&sa, listen_path) != 0) {
		perror("bench_relay: socket");
		return 1;
	}
	unlink(listen_path);
	if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(l, 512) != 0) {
		perror("bench_relay: bind/listen");
		return 1;
	}
	for (;;) {
		int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE)
				continue;
			perror("bench_relay: accept");
			return 1;
		}
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		pthread_t t;
		if (pthread_create(&t, &at, serve_conn, (void *)(intptr_t)c) != 0)
			close(c);
		pthread_attr_destroy(&at);
	}
}
