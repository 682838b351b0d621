/* obs/log_ring.h — per-worker single-producer/single-consumer log line ring.
 *
 * Each worker owns one ring per stream (access, audit). The worker is the
 * only producer; the log writer thread (obs/log_writer.h) is the only
 * consumer. sg_log_append() never blocks, locks or allocates: it copies one
 * complete line into the ring and publishes it with a release store of
 * `head`; when the line does not fit, it is dropped whole and the ring's
 * drop counter goes up (exported as sockguard_log_lines_dropped_total). A
 * line is never split across a drop, so the consumer always sees whole lines
 * and can hand the readable region straight to writev().
 *
 * Counters are plain 64-bit values written by one thread only and read by
 * others with relaxed atomic loads: no shared read-modify-write on the hot
 * path. `head` and `tail` live on separate cache lines. */
#ifndef SG_OBS_LOG_RING_H
#define SG_OBS_LOG_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define SG_LOG_RING_DEFAULT_CAP (256u * 1024u)

struct sg_log_writer;

struct sg_log_ring {
	/* producer side */
	_Alignas(64) uint64_t head;	/* bytes ever published (release store) */
	uint64_t tail_cache;		/* producer's last view of tail */
	uint64_t lines;			/* lines accepted (relaxed store) */
	uint64_t drops;			/* lines dropped because full (relaxed store) */
	/* consumer side */
	_Alignas(64) uint64_t tail;	/* bytes ever consumed (release store) */
	/* immutable after init */
	_Alignas(64) char *buf;
	size_t cap;			/* power of two */
	struct sg_log_writer *writer;	/* kicked when the ring passes half full */
	const char *name;		/* "access", "audit", "log" — for diagnostics */
};

/* cap is rounded up to a power of two (min 4 KiB). Returns 0 or -errno. */
int sg_log_ring_init(struct sg_log_ring *r, size_t cap, const char *name);
void sg_log_ring_destroy(struct sg_log_ring *r);

/* Producer: append one complete line (it should end in '\n'). Returns false
 * and counts a drop when it does not fit. Never blocks. */
bool sg_log_append(struct sg_log_ring *r, const char *line, size_t len);

/* Producer-side counters, safe to read from any thread. */
uint64_t sg_log_ring_drops(const struct sg_log_ring *r);
uint64_t sg_log_ring_lines(const struct sg_log_ring *r);

/* Consumer: the readable bytes as at most two iovecs (wrap-around). Returns
 * the total byte count; 0 when empty. */
size_t sg_log_ring_peek(struct sg_log_ring *r, struct iovec iov[2]);
/* Consumer: release n bytes returned by peek. */
void sg_log_ring_consume(struct sg_log_ring *r, size_t n);
/* Bytes currently buffered (approximate from a third thread). */
size_t sg_log_ring_used(const struct sg_log_ring *r);

#endif
