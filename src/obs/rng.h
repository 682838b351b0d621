/* obs/rng.h — per-worker pseudo-random IDs: request IDs, trace and span IDs.
 *
 * Correlation IDs must be unique, not secret: a per-worker xoshiro256**
 * generator seeded once from getrandom() gives 16 bytes in a few cycles,
 * with no syscall, lock or shared state per request. (The Go original
 * drains crypto/rand through a pooled channel; the IDs look the same:
 * 32 lowercase hex characters for a request ID.) */
#ifndef SG_OBS_RNG_H
#define SG_OBS_RNG_H

#include <stddef.h>
#include <stdint.h>

struct sg_rng {
	uint64_t s[4];
};

#define SG_REQUEST_ID_LEN 32	/* hex chars, no NUL */

/* Seed from getrandom(); falls back to time and address mixing if the
 * syscall fails (never blocks: GRND_NONBLOCK). `salt` (e.g. the worker
 * index) keeps two workers seeded in the same instant apart. */
void sg_rng_seed(struct sg_rng *r, uint64_t salt);
/* Deterministic seed, for tests. */
void sg_rng_seed_fixed(struct sg_rng *r, uint64_t seed);
uint64_t sg_rng_next(struct sg_rng *r);
/* Fill n bytes; when nonzero is set, never all zero (W3C forbids zero IDs). */
void sg_rng_bytes(struct sg_rng *r, uint8_t *out, size_t n, int nonzero);

/* A canonical request ID: 32 lowercase hex chars into out (no NUL). */
void sg_request_id_new(struct sg_rng *r, char out[SG_REQUEST_ID_LEN]);

#endif
