/* obs/rng.c — xoshiro256** per-worker generator (see rng.h). */
#include "obs/rng.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* splitmix64: spreads a weak seed over the 256-bit state. */
static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void sg_rng_seed_fixed(struct sg_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

void sg_rng_seed(struct sg_rng *r, uint64_t salt)
{
	uint64_t seed[4] = { 0 };
	ssize_t n = getrandom(seed, sizeof(seed), GRND_NONBLOCK);
	if (n != (ssize_t)sizeof(seed)) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)r;
		for (int i = 0; i < 4; i++)
			seed[i] ^= splitmix(&x);
	}
	uint64_t mix = salt;
	for (int i = 0; i < 4; i++)
		r->s[i] = seed[i] ^ splitmix(&mix);
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		r->s[0] = 1;	/* the all-zero state is a fixed point */
}

uint64_t sg_rng_next(struct sg_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

void sg_rng_bytes(struct sg_rng *r, uint8_t *out, size_t n, int nonzero)
{
	for (;;) {
		uint8_t any = 0;
		for (size_t i = 0; i < n; i += 8) {
			uint64_t v = sg_rng_next(r);
			size_t k = n - i < 8 ? n - i : 8;
			memcpy(out + i, &v, k);
		}
		for (size_t i = 0; i < n; i++)
			any |= out[i];
		if (!nonzero || any || n == 0)
			return;
	}
}

void sg_request_id_new(struct sg_rng *r, char out[SG_REQUEST_ID_LEN])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t raw[16];
	sg_rng_bytes(r, raw, sizeof(raw), 0);
	for (int i = 0; i < 16; i++) {
		out[2 * i] = digits[raw[i] >> 4];
		out[2 * i + 1] = digits[raw[i] & 15];
	}
}
