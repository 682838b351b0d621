/* obs/log_writer.c — drain log rings to sinks with writev (see log_writer.h). */
#include "obs/log_writer.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

int sg_log_writer_init(struct sg_log_writer *w, unsigned flush_ms)
{
	memset(w, 0, sizeof(*w));
	w->flush_ms = flush_ms ? flush_ms : 50;
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return w->efd < 0 ? -errno : 0;
}

int sg_log_writer_add(struct sg_log_writer *w, struct sg_log_ring *ring,
		      const struct sg_log_sink *sink)
{
	if (w->running || w->nslots >= SG_LOG_WRITER_MAX_RINGS)
		return -ENOSPC;
	w->slot[w->nslots].ring = ring;
	w->slot[w->nslots].sink = sink;
	w->nslots++;
	ring->writer = w;
	return 0;
}

void sg_log_writer_kick(struct sg_log_writer *w)
{
	if (__atomic_load_n(&w->kicked, __ATOMIC_RELAXED))
		return;
	if (__atomic_exchange_n(&w->kicked, 1, __ATOMIC_ACQ_REL))
		return;
	uint64_t one = 1;
	/* Non-blocking eventfd: at worst EAGAIN when the counter is saturated,
	 * which still means the writer will wake. */
	ssize_t rc = write(w->efd, &one, sizeof(one));
	(void)rc;
}

/* Write iov[0..n) fully (partial writes resume where they stopped; the
 * thread is the only writer of the fd, so lines stay whole). */
static size_t write_all(struct sg_log_writer *w, int fd, struct iovec *iov, int n)
{
	size_t done = 0;
	while (n > 0) {
		ssize_t rc = writev(fd, iov, n > IOV_MAX ? IOV_MAX : n);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLOUT };
				(void)poll(&p, 1, 100);
				continue;
			}
			/* A dead sink (closed pipe, full disk): count and
			 * discard so workers keep their rings. */
			__atomic_store_n(&w->write_errors, w->write_errors + 1, __ATOMIC_RELAXED);
			return done;
		}
		done += (size_t)rc;
		size_t left = (size_t)rc;
		while (n > 0 && left >= iov->iov_len) {
			left -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
	return done;
}

#define SG_LOG_WRITER_BATCH 64	/* rings per writev */

/* Drain the rings of one sink, starting at slot `first`, in batches. */
static size_t drain_sink(struct sg_log_writer *w, const struct sg_log_sink *sink, unsigned first,
			 bool *done_slot)
{
	size_t total = 0;
	struct iovec iov[2 * SG_LOG_WRITER_BATCH];
	struct sg_log_ring *rings[SG_LOG_WRITER_BATCH];
	size_t sizes[SG_LOG_WRITER_BATCH];
	unsigned i = first;
	while (i < w->nslots) {
		int niov = 0, nr = 0;
		for (; i < w->nslots && nr < SG_LOG_WRITER_BATCH; i++) {
			if (w->slot[i].sink != sink || done_slot[i])
				continue;
			done_slot[i] = true;
			struct iovec two[2];
			size_t n = sg_log_ring_peek(w->slot[i].ring, two);
			if (n == 0)
				continue;
			iov[niov++] = two[0];
			if (two[1].iov_len)
				iov[niov++] = two[1];
			rings[nr] = w->slot[i].ring;
			sizes[nr++] = n;
		}
		if (nr == 0)
			continue;
		total += write_all(w, sink->fd, iov, niov);
		/* On a write error the bytes are discarded anyway: a broken sink
		 * must not wedge the producers. */
		for (int k = 0; k < nr; k++)
			sg_log_ring_consume(rings[k], sizes[k]);
	}
	return total;
}

size_t sg_log_writer_drain(struct sg_log_writer *w)
{
	bool done_slot[SG_LOG_WRITER_MAX_RINGS] = { false };
	size_t total = 0;
	for (unsigned i = 0; i < w->nslots; i++) {
		if (done_slot[i])
			continue;
		total += drain_sink(w, w->slot[i].sink, i, done_slot);
	}
	return total;
}

static void *writer_main(void *arg)
{
	struct sg_log_writer *w = arg;
	for (;;) {
		/* Clear the kick before draining so a kick that arrives while
		 * we write is not lost. */
		__atomic_store_n(&w->kicked, 0, __ATOMIC_RELEASE);
		size_t n = sg_log_writer_drain(w);
		if (__atomic_load_n(&w->stopping, __ATOMIC_ACQUIRE)) {
			while (sg_log_writer_drain(w) > 0) {
			}
			break;
		}
		if (n > 0)
			continue;	/* busy: go round again before sleeping */
		struct pollfd p = { .fd = w->efd, .events = POLLIN };
		if (poll(&p, 1, (int)w->flush_ms) > 0) {
			uint64_t v;
			ssize_t rc = read(w->efd, &v, sizeof(v));
			(void)rc;
		}
	}
	return NULL;
}

int sg_log_writer_start(struct sg_log_writer *w)
{
	if (w->running)
		return 0;
	int rc = pthread_create(&w->thread, NULL, writer_main, w);
	if (rc)
		return -rc;
	w->running = true;
	return 0;
}

void sg_log_writer_stop(struct sg_log_writer *w)
{
	if (w->running) {
		__atomic_store_n(&w->stopping, 1, __ATOMIC_RELEASE);
		uint64_t one = 1;
		ssize_t rc = write(w->efd, &one, sizeof(one));
		(void)rc;
		pthread_join(w->thread, NULL);
		w->running = false;
		__atomic_store_n(&w->stopping, 0, __ATOMIC_RELEASE);
	}
	/* Whatever producers published before we were called. */
	while (sg_log_writer_drain(w) > 0) {
	}
}

void sg_log_writer_destroy(struct sg_log_writer *w)
{
	sg_log_writer_stop(w);
	if (w->efd >= 0)
		close(w->efd);
	w->efd = -1;
	for (unsigned i = 0; i < w->nslots; i++)
		w->slot[i].ring->writer = NULL;
	w->nslots = 0;
}
