/* ring/listener.h — listening sockets.
 *
 * Unix: one socket shared by all workers (each arms its own multishot
 * accept on it; the kernel hands each connection to one of them). Created
 * with the requested mode (umask around bind, then chmod before listen, so
 * there is no window with a wider mode). A stale socket file is replaced
 * only if it is a socket and nothing answers on it.
 * TCP: one SO_REUSEPORT socket per worker (the kernel balances). */
#ifndef SG_RING_LISTENER_H
#define SG_RING_LISTENER_H

#include <stdbool.h>
#include <stddef.h>

/* Returns the fd or -1 with a message in err. */
int sg_listen_unix(const char *path, unsigned mode, char *err, size_t errlen);
/* "host:port"; loopback only unless allow_non_loopback. */
int sg_listen_tcp(const char *hostport, bool allow_non_loopback, char *err, size_t errlen);

#endif
