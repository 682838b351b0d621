/* inspect/json.c — Go-compatible key matching and lookups over inspect/json.h. */
#include "inspect/json.h"

#include <string.h>

#include "inspect/json_priv.h"

/* ASCII upper-case. */
static char sg_up(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c; }

/* Go's encoding/json folds a key to the smallest rune of each character's
 * simple-fold orbit. Only two non-ASCII runes have an ASCII letter in their
 * orbit: U+017F (UTF-8 C5 BF) ~ 'S' and U+212A (E2 84 AA) ~ 'K'. Every other
 * non-ASCII rune (and U+FFFD) can never equal an ASCII field name. */
bool sg_json_key_matches(sg_slice key, const char *field)
{
	const unsigned char *k = (const unsigned char *)key.ptr;
	size_t i = 0, f = 0;

	while (i < key.len) {
		char want = field[f];
		if (want == '\0')
			return false;
		want = sg_up(want);
		if (k[i] < 0x80) {
			if (sg_up((char)k[i]) != want)
				return false;
			i++;
		} else if (want == 'S' && i + 1 < key.len && k[i] == 0xC5 && k[i + 1] == 0xBF) {
			i += 2;
		} else if (want == 'K' && i + 2 < key.len && k[i] == 0xE2 && k[i + 1] == 0x84 &&
			   k[i + 2] == 0xAA) {
			i += 3;
		} else {
			return false;
		}
		f++;
	}
	return field[f] == '\0';
}

/* The value of the one member whose key matches: `field` as Go's
 * encoding/json matches it, or (field == NULL) exactly `want`. A second
 * match is SG_JSON_EDUP. */
static enum sg_json_err get_one(sg_json obj, const char *field, sg_slice want, sg_json *out)
{
	struct sg_json_it it;
	sg_slice key;
	sg_json val;
	size_t hits = 0;

	if (!sg_json_obj_begin(obj, &it))
		return SG_JSON_ETYPE;
	while (sg_json_obj_next(&it, &key, &val)) {
		if (field ? !sg_json_key_matches(key, field) : !sg_slice_eq(key, want))
			continue;
		if (++hits > 1)
			return SG_JSON_EDUP;
		*out = val;
	}
	return hits ? SG_JSON_OK : SG_JSON_ENOTFOUND;
}

enum sg_json_err sg_json_get_linear(sg_json obj, const char *field, sg_json *out)
{
	return get_one(obj, field, sg_slice_make(NULL, 0), out);
}

enum sg_json_err sg_json_first_field_linear(sg_json obj, const char *const *fields, size_t n, size_t *which)
{
	struct sg_json_it it;
	sg_slice key;
	sg_json val;

	if (!sg_json_obj_begin(obj, &it))
		return SG_JSON_ETYPE;
	while (sg_json_obj_next(&it, &key, &val)) {
		for (size_t i = 0; i < n; i++) {
			if (sg_json_key_matches(key, fields[i])) {
				*which = i;
				return SG_JSON_OK;
			}
		}
	}
	return SG_JSON_ENOTFOUND;
}

/* ---- the per-object index ----------------------------------------------
 *
 * Folding. sg_json_key_matches(key, field) holds exactly when the key's
 * characters, each folded as fold_next() does (ASCII upper-cased, U+017F to
 * 'S', U+212A to 'K'), spell the field name upper-cased. A key with any
 * other non-ASCII character matches no field (fold_next gives -1), and a
 * field name with a byte >= 0x80 matches no key. So keys fall into classes
 * by folded form; a field matches the keys of at most one class; a lookup
 * is EDUP exactly when that class has two or more keys.
 *
 * The index of one object: an open-addressing table (linear probing, at
 * most half full) with one slot per class — the hash of the folded form,
 * the document position of the class's first key, a duplicate flag — and
 * the members' keys and values by document position. A probe that meets
 * the field's hash confirms with sg_json_key_matches on that first key, so
 * a hash collision can never make a wrong answer, only a slower one.
 *
 * Bounds. Everything sits in one static per-thread block (no heap, no
 * arena: the lookup API has no arena, and an index in an arena could be
 * overwritten by an sg_arena_rewind between two lookups). Building gives up
 * and leaves the object to the linear walk when the block is full, when the
 * object has too many members, or when inserting its keys takes more than
 * 8 probe steps per member (plus 64) or meets more than 4 true hash
 * collisions; a lookup probes at most one cluster of the table. So keys
 * built to collide cost no more than the walk they replace. */

#define IDX_MIN_CAP 16u
#define IDX_MAX_COLLISIONS 4

struct idx_slot {
	uint32_t hash;
	uint16_t ord1;		/* document position of the class's first key + 1; 0: empty */
	uint16_t dup;		/* the class has more than one key */
};

struct idx {
	sg_json obj;		/* which object (the bytes of its sg_json) */
	uint64_t gen;		/* valid while equal to idx_state.gen */
	struct idx_slot *slot;	/* NULL: this object is walked */
	struct sg_json_member *mem;
	uint64_t lens;		/* len_bit() of every folded key length */
	uint32_t mask;
};

struct idx_state {
	uint64_t gen;		/* bumped by every parse; 0 before the first */
	size_t used;		/* bytes of pool handed out in this generation */
	size_t built;
	struct idx dir[SG_JSON_INDEX_OBJECTS];
	_Alignas(16) unsigned char pool[SG_JSON_INDEX_POOL];
};

static _Thread_local struct idx_state idx_st;

_Static_assert((SG_JSON_INDEX_OBJECTS & (SG_JSON_INDEX_OBJECTS - 1)) == 0, "directory size: a power of 2");
_Static_assert(SG_JSON_INDEX_MAX_KEYS < 0xFFFF, "document positions fit idx_slot.ord1");
_Static_assert(SG_JSON_INDEX_MIN_KEYS >= 1, "an index needs members");

void sg_json_index_invalidate(void)
{
	idx_st.gen++;
	idx_st.used = 0;
	idx_st.built = 0;
}

size_t sg_json_index_count(void) { return idx_st.built; }

/* The folded form of the character at k[*i] (advancing *i past it), or -1
 * when it is a non-ASCII character outside the 's' and 'k' orbits. */
static inline int fold_next(const unsigned char *k, size_t len, size_t *i)
{
	unsigned char c = k[*i];

	if (c < 0x80) {
		(*i)++;
		return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c;
	}
	if (c == 0xC5 && *i + 1 < len && k[*i + 1] == 0xBF) {
		*i += 2;
		return 'S';
	}
	if (c == 0xE2 && *i + 2 < len && k[*i + 1] == 0x84 && k[*i + 2] == 0xAA) {
		*i += 3;
		return 'K';
	}
	return -1;
}

/* Hash of a folded form: its bytes in 8-byte words (the last one padded
 * with zeros), each mixed in turn, then the length. The ASCII path and the
 * folding path below build the same words (memcpy for whole words,
 * load_tail for the rest), so they agree whatever the byte order. */
#define FH_MUL 0x9E3779B97F4A7C15ull
#define FH_HIGH 0x8080808080808080ull

/* Upper-case eight ASCII bytes (each < 0x80) at once. */
static inline uint64_t upcase8(uint64_t w)
{
	uint64_t ge_a = w + 0x1f1f1f1f1f1f1f1full;	/* high bit set where byte >= 'a' */
	uint64_t gt_z = w + 0x0505050505050505ull;	/* ... where byte > 'z' */
	return w ^ ((ge_a & ~gt_z & FH_HIGH) >> 2);
}

static inline uint64_t fh_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * FH_MUL;
	return h ^ (h >> 29);
}

static inline uint32_t fh_end(uint64_t h, size_t len)
{
	h = (h ^ len) * FH_MUL;
	return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

/* The last 1..7 bytes as a word, as memcpy would load them zero-padded (no
 * memcpy call: a short variable copy into a stack word stalls the load). */
static inline uint64_t load_tail(const unsigned char *p, size_t n)
{
	uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	for (size_t k = 0; k < n; k++)
		w |= (uint64_t)p[k] << (56 - 8 * k);
#else
	for (size_t k = 0; k < n; k++)
		w |= (uint64_t)p[k] << (8 * k);
#endif
	return w;
}

/* Hash of ASCII bytes upper-cased. False (no hash) if one is >= 0x80. */
static inline bool hash_ascii(const unsigned char *p, size_t len, uint32_t *hash)
{
	uint64_t h = 0, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		if (w & FH_HIGH)
			return false;
		h = fh_mix(h, upcase8(w));
	}
	if (i < len) {
		w = load_tail(p + i, len - i);
		if (w & FH_HIGH)
			return false;
		h = fh_mix(h, upcase8(w));
	}
	*hash = fh_end(h, len);
	return true;
}

/* False when the key matches no field name. *flen: the folded length. */
static bool hash_key(sg_slice key, uint32_t *hash, size_t *flen)
{
	const unsigned char *k = (const unsigned char *)key.ptr;
	unsigned char buf[8];
	uint64_t h = 0, w;
	size_t i = 0, n = 0;

	*flen = key.len;
	if (hash_ascii(k, key.len, hash))
		return true;
	/* Non-ASCII: fold character by character into words. */
	while (i < key.len) {
		int c = fold_next(k, key.len, &i);
		if (c < 0)
			return false;
		buf[n++ & 7] = (unsigned char)c;
		if ((n & 7) == 0) {
			memcpy(&w, buf, 8);
			h = fh_mix(h, w);
		}
	}
	if (n & 7)
		h = fh_mix(h, load_tail(buf, n & 7));
	*hash = fh_end(h, n);
	*flen = n;
	return true;
}

bool sg_json_fold_hash(sg_slice key, uint32_t *hash)
{
	size_t flen;
	return hash_key(key, hash, &flen);
}

/* Bit of a folded length in idx.lens. */
static inline uint64_t len_bit(size_t len) { return 1ull << (len < 63 ? len : 63); }

/* Do two (foldable) keys fold to the same form? */
static bool fold_equal(sg_slice a, sg_slice b)
{
	const unsigned char *p = (const unsigned char *)a.ptr, *q = (const unsigned char *)b.ptr;
	size_t i = 0, j = 0;

	while (i < a.len && j < b.len)
		if (fold_next(p, a.len, &i) != fold_next(q, b.len, &j))
			return false;
	return i == a.len && j == b.len;
}

static void *idx_alloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n > SG_JSON_INDEX_POOL - idx_st.used)
		return NULL;
	void *p = idx_st.pool + idx_st.used;
	idx_st.used += n;
	return p;
}

/* Fill x (already claimed for obj in this generation) with obj's index.
 * False: obj is left to the walk (x->slot stays NULL). */
static bool idx_build(struct idx *x, sg_json obj, size_t n)
{
	size_t cap = IDX_MIN_CAP, mark = idx_st.used, budget = 8 * n + 64, ord = 0;
	unsigned collisions = 0;
	uint64_t lens = 0;

	while (cap < 2 * n)
		cap *= 2;
	struct idx_slot *slot = idx_alloc(cap * sizeof(*slot));
	struct sg_json_member *mem = idx_alloc(n * sizeof(*mem));
	if (!slot || !mem || sg_json_obj_read(obj, mem, n) != n)
		goto walk;
	memset(slot, 0, cap * sizeof(*slot));
	for (; ord < n; ord++) {
		uint32_t h;
		size_t flen;
		if (!hash_key(mem[ord].key, &h, &flen))
			continue;
		lens |= len_bit(flen);
		for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
			struct idx_slot *s = &slot[i];
			if (budget-- == 0)
				goto walk;
			if (s->ord1 == 0) {
				s->hash = h;
				s->ord1 = (uint16_t)(ord + 1);
				break;
			}
			if (s->hash != h)
				continue;
			if (fold_equal(mem[s->ord1 - 1].key, mem[ord].key)) {
				s->dup = 1;
				break;
			}
			if (++collisions > IDX_MAX_COLLISIONS)
				goto walk;
		}
	}
	x->slot = slot;
	x->mem = mem;
	x->mask = (uint32_t)(cap - 1);
	x->lens = lens;
	idx_st.built++;
	return true;
walk:
	idx_st.used = mark;
	return false;
}

/* Where obj's directory entry is or would go (NULL: directory full). */
static struct idx *idx_slot_for(sg_json obj)
{
	uint64_t h = (obj.opaque[0] ^ obj.opaque[1]) * FH_MUL;

	h ^= h >> 32;
	for (size_t p = 0; p < SG_JSON_INDEX_OBJECTS; p++) {
		struct idx *x = &idx_st.dir[(h + p) & (SG_JSON_INDEX_OBJECTS - 1)];
		if (x->gen != idx_st.gen || memcmp(&x->obj, &obj, sizeof(obj)) == 0)
			return x;
	}
	return NULL;
}

/* obj's index, built on its first lookup. *is_obj false: obj is not an
 * object. NULL: obj is to be walked. */
static const struct idx *idx_of(sg_json obj, bool *is_obj)
{
	struct idx *x = idx_st.gen ? idx_slot_for(obj) : NULL;

	*is_obj = true;
	if (x && x->gen == idx_st.gen)	/* seen: only objects get entries */
		return x->slot ? x : NULL;
	size_t n = sg_json_obj_count_hint(obj);
	if (n == SIZE_MAX) {
		*is_obj = false;
		return NULL;
	}
	if (!x || n < SG_JSON_INDEX_MIN_KEYS || n > SG_JSON_INDEX_MAX_KEYS)
		return NULL;
	x->gen = idx_st.gen;
	x->obj = obj;
	x->slot = NULL;
	return idx_build(x, obj, n) ? x : NULL;
}

/* The slot of the class `field` names, or NULL. */
static const struct idx_slot *idx_find(const struct idx *x, const char *field)
{
	size_t len = strlen(field);
	uint32_t h;

	/* No key of that folded length, or a byte >= 0x80: no key matches. */
	if (!(x->lens & len_bit(len)) || !hash_ascii((const unsigned char *)field, len, &h))
		return NULL;
	for (size_t i = h & x->mask;; i = (i + 1) & x->mask) {
		const struct idx_slot *s = &x->slot[i];
		if (s->ord1 == 0)
			return NULL;
		if (s->hash == h && sg_json_key_matches(x->mem[s->ord1 - 1].key, field))
			return s;
	}
}

enum sg_json_err sg_json_get(sg_json obj, const char *field, sg_json *out)
{
	bool is_obj;
	const struct idx *x = idx_of(obj, &is_obj);

	if (!is_obj)
		return SG_JSON_ETYPE;
	if (!x)
		return sg_json_get_linear(obj, field, out);
	const struct idx_slot *s = idx_find(x, field);
	if (!s)
		return SG_JSON_ENOTFOUND;
	*out = x->mem[s->ord1 - 1].val;
	return s->dup ? SG_JSON_EDUP : SG_JSON_OK;
}

enum sg_json_err sg_json_first_field(sg_json obj, const char *const *fields, size_t n, size_t *which)
{
	bool is_obj;
	const struct idx *x = idx_of(obj, &is_obj);

	if (!is_obj)
		return SG_JSON_ETYPE;
	if (!x)
		return sg_json_first_field_linear(obj, fields, n, which);
	unsigned best = 0;	/* ord1 of the earliest matching class; 0: none */
	for (size_t i = 0; i < n; i++) {
		const struct idx_slot *s = idx_find(x, fields[i]);
		if (s && (best == 0 || s->ord1 < best)) {
			best = s->ord1;
			*which = i;
		}
	}
	return best ? SG_JSON_OK : SG_JSON_ENOTFOUND;
}

enum sg_json_err sg_json_get_exact(sg_json obj, sg_slice want, sg_json *out)
{
	return get_one(obj, NULL, want, out);
}

const char *sg_json_err_str(enum sg_json_err e)
{
	switch (e) {
	case SG_JSON_OK: return "ok";
	case SG_JSON_ENOTFOUND: return "not found";
	case SG_JSON_EDUP: return "ambiguous duplicate key";
	case SG_JSON_ETYPE: return "wrong type";
	case SG_JSON_EEMPTY: return "empty body";
	case SG_JSON_ESYNTAX: return "malformed JSON";
	case SG_JSON_EUTF8: return "invalid UTF-8";
	case SG_JSON_EDEPTH: return "JSON nested too deep";
	case SG_JSON_ENOMEM: return "JSON body too large for inspection";
	}
	return "unknown";
}
