/* obs/log_writer.h — the one thread that drains log rings into their sinks.
 *
 * At start-up the app registers every worker's access and audit rings (and
 * the operational-log ring, obs/log.h) with the sink each one feeds, then
 * starts the thread. The thread wakes every `flush_ms` or when a producer
 * kicks its eventfd (a ring passed half full, or a line was dropped),
 * gathers the readable regions of all rings of one sink into one writev(),
 * and goes back to sleep. Blocking on a slow sink happens here, never in a
 * worker: a worker that outruns the sink loses lines (counted), not time.
 * sg_log_writer_stop() drains every ring completely before returning. */
#ifndef SG_OBS_LOG_WRITER_H
#define SG_OBS_LOG_WRITER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "obs/log_ring.h"
#include "obs/log_sink.h"

#define SG_LOG_WRITER_MAX_RINGS 512

struct sg_log_writer {
	struct {
		struct sg_log_ring *ring;
		const struct sg_log_sink *sink;
	} slot[SG_LOG_WRITER_MAX_RINGS];
	unsigned nslots;
	unsigned flush_ms;
	int efd;			/* eventfd: producers' kick */
	int kicked;			/* 1 while a kick is pending (atomic) */
	int stopping;			/* atomic */
	bool running;
	pthread_t thread;
	uint64_t write_errors;		/* writev failures (relaxed) */
};

/* flush_ms: idle wake-up period (0 -> 50 ms). Returns 0 or -errno. */
int sg_log_writer_init(struct sg_log_writer *w, unsigned flush_ms);
/* Register before sg_log_writer_start(). Sets ring->writer. 0 or -ENOSPC. */
int sg_log_writer_add(struct sg_log_writer *w, struct sg_log_ring *ring,
		      const struct sg_log_sink *sink);
int sg_log_writer_start(struct sg_log_writer *w);
/* Flush everything, stop and join the thread. Idempotent. */
void sg_log_writer_stop(struct sg_log_writer *w);
void sg_log_writer_destroy(struct sg_log_writer *w);

/* Producers: ask for an early drain. Lock-free; one flag test when a kick
 * is already pending. */
void sg_log_writer_kick(struct sg_log_writer *w);

/* Drain every ring once on the calling thread (tests; the thread's loop).
 * Returns bytes written. */
size_t sg_log_writer_drain(struct sg_log_writer *w);

#endif
