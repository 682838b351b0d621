/* ring/listener.c — see listener.h. */
#include "ring/listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int fill_sun(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -1;
	strcpy(sa->sun_path, path);
	return 0;
}

/* 0: path free (absent, or a dead socket we removed); -1: refuse. */
static int clear_stale(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1);
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket; refusing to replace it", path);
		return -1;
	}
	struct sockaddr_un sa;
	fill_sun(&sa, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return snprintf(err, errlen, "socket: %s", strerror(errno)), -1;
	int r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	close(fd);
	if (r == 0) {
		snprintf(err, errlen, "%s is in use by a running process", path);
		return -1;
	}
	if (e != ECONNREFUSED) {
		snprintf(err, errlen, "%s: cannot tell whether it is in use (%s)", path, strerror(e));
		return -1;
	}
	if (unlink(path) != 0 && errno != ENOENT)
		return snprintf(err, errlen, "remove stale %s: %s", path, strerror(errno)), -1;
	return 0;
}

int sg_listen_unix(const char *path, unsigned mode, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	if (fill_sun(&sa, path) != 0) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -1;
	}
	if (clear_stale(path, err, errlen) != 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	mode_t old = umask((mode_t)(~mode & 0777));
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	umask(old);
	if (r != 0) {
		snprintf(err, errlen, "bind %s: %s", path, strerror(e));
		close(fd);
		return -1;
	}
	if (chmod(path, (mode_t)mode) != 0 || listen(fd, 4096) != 0) {
		snprintf(err, errlen, "listen %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

static bool is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a);
	}
	return false;
}

int sg_listen_tcp(const char *hostport, bool allow_non_loopback, char *err, size_t errlen)
{
	char host[256];
	const char *colon = strrchr(hostport, ':');
	if (!colon || (size_t)(colon - hostport) >= sizeof(host)) {
		snprintf(err, errlen, "listen address must be host:port: %s", hostport);
		return -1;
	}
	size_t hl = (size_t)(colon - hostport);
	memcpy(host, hostport, hl);
	host[hl] = 0;
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = 0;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai = NULL;
	int g = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai);
	if (g != 0) {
		snprintf(err, errlen, "listen address %s: %s", hostport, gai_strerror(g));
		return -1;
	}
	if (!is_loopback(ai->ai_addr) && !allow_non_loopback) {
		snprintf(err, errlen, "refusing non-loopback TCP listener %s without the insecure acknowledgements",
			 hostport);
		freeaddrinfo(ai);
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 4096) != 0) {
		snprintf(err, errlen, "listen %s: %s", hostport, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
}
