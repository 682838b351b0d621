/* tests/unit/test_inspect_json_index.c — the indexed lookups of inspect/json.h
 * against the linear walk they replace (sg_json_get vs sg_json_get_linear,
 * sg_json_first_field vs sg_json_first_field_linear): random objects whose
 * keys mix case, U+017F and U+212A (raw and \u-escaped), other non-ASCII
 * look-alikes, \u escapes of ASCII, empty and NUL-bearing keys, and
 * duplicates under folding; then the bounds (size, pool, directory),
 * re-parsing, and keys built to collide in the index's hash. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "inspect/inspect.h"
#include "inspect/json.h"
#include "inspect/json_priv.h"

static struct sg_arena arena;

static void setup(void) { cr_assert_eq(sg_arena_init(&arena, 16u << 20), 0); }
static void teardown(void) { sg_arena_destroy(&arena); }

TestSuite(inspect_json_index, .init = setup, .fini = teardown);

/* ---- a deterministic generator ------------------------------------------ */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (uint32_t)(rng_state % n) : 0;
}

static const char *const bases[] = {
	"Privileged", "SecurityOpt", "MaskedPaths", "KernelMemory", "Sysctls", "Links", "Ks", "sk", "S",
	"K", "s", "k", "", "a", "Binds", "Mounts", "HostConfig", "CpusetCpus", "Cpuset",
	"KernelMemoryTCP", "LongFieldNameWithManyCharactersInIt", "Isolation", "kks", "Sss",
};
#define NBASES (sizeof(bases) / sizeof(bases[0]))

struct buf {
	char b[1 << 16];
	size_t n;
};

static void put(struct buf *o, const char *s)
{
	size_t l = strlen(s);
	cr_assert_lt(o->n + l, sizeof(o->b));
	memcpy(o->b + o->n, s, l);
	o->n += l;
}

static void putc_(struct buf *o, char c)
{
	cr_assert_lt(o->n + 1, sizeof(o->b));
	o->b[o->n++] = c;
}

/* A JSON string literal (with quotes) for a key spelling `base` in some way
 * that may or may not fold to it. */
static void put_key(struct buf *o, const char *base)
{
	char esc[8];

	putc_(o, '"');
	for (const char *p = base; *p; p++) {
		char c = *p;
		uint32_t r = rnd(100);
		if ((c == 's' || c == 'S') && r < 20) {
			put(o, rnd(2) ? "\xc5\xbf" : "\\u017f");
			continue;
		}
		if ((c == 'k' || c == 'K') && r < 20) {
			put(o, rnd(2) ? "\xe2\x84\xaa" : "\\u212a");
			continue;
		}
		if (r < 23) {	/* a look-alike that folds to nothing ASCII */
			static const char *const odd[] = { "\xc4\xb1", "\xc4\xb0", "\xc3\xa9", "\\u00e9", "\xc5\xbe",
							   "\xe2\x84\xab", "\\u212b", "\xc5\xbf\xc5\xbf" };
			put(o, odd[rnd(sizeof(odd) / sizeof(odd[0]))]);
			continue;
		}
		if (c >= 'a' && c <= 'z' && r < 50)
			c = (char)(c - 'a' + 'A');
		else if (c >= 'A' && c <= 'Z' && r < 50)
			c = (char)(c - 'A' + 'a');
		if (rnd(10) == 0) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)(unsigned char)c);
			put(o, esc);
		} else {
			putc_(o, c);
		}
	}
	switch (rnd(40)) {
	case 0: put(o, "\\u0000"); break;	/* a NUL: matches nothing */
	case 1: put(o, "x"); break;		/* one longer */
	default: break;
	}
	putc_(o, '"');
}

/* {"k1":v,...}: n members; `depth` > 0 lets some values be objects. */
static void put_object(struct buf *o, size_t n, int depth)
{
	char num[32];

	putc_(o, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc_(o, ',');
		put_key(o, bases[rnd(NBASES)]);
		putc_(o, ':');
		if (depth > 0 && rnd(4) == 0) {
			put_object(o, rnd(24), depth - 1);
		} else {
			snprintf(num, sizeof(num), "%zu", i);
			put(o, num);
		}
	}
	putc_(o, '}');
}

/* A field name to look up: a base in some ASCII case, sometimes altered. */
static const char *pick_field(char *f, size_t cap)
{
	const char *b = bases[rnd(NBASES)];
	size_t n = 0;

	for (; b[n] && n + 2 < cap; n++) {
		char c = b[n];
		if (rnd(2))
			c = (char)((c >= 'a' && c <= 'z') ? c - 32 : (c >= 'A' && c <= 'Z') ? c + 32 : c);
		f[n] = c;
	}
	switch (rnd(12)) {
	case 0: f[n++] = 'x'; break;
	case 1: if (n) n--; break;
	default: break;
	}
	f[n] = '\0';
	return f;
}

/* ---- the comparison ------------------------------------------------------- */

static size_t compared;

static void same_get(sg_json obj, const char *field)
{
	sg_json a, b;
	memset(&a, 0xa5, sizeof(a));
	memset(&b, 0xa5, sizeof(b));
	/* Either order: the first call may be the one that builds the index. */
	enum sg_json_err ea, eb;
	if (rnd(2)) {
		ea = sg_json_get(obj, field, &a);
		eb = sg_json_get_linear(obj, field, &b);
	} else {
		eb = sg_json_get_linear(obj, field, &b);
		ea = sg_json_get(obj, field, &a);
	}
	cr_assert_eq(ea, eb, "field \"%s\": indexed %s, linear %s", field, sg_json_err_str(ea), sg_json_err_str(eb));
	if (ea == SG_JSON_OK || ea == SG_JSON_EDUP)
		cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0, "field \"%s\": different values", field);
	compared++;
}

static void same_first(sg_json obj, const char *const *fields, size_t n)
{
	size_t wa = SIZE_MAX, wb = SIZE_MAX;
	enum sg_json_err ea = sg_json_first_field(obj, fields, n, &wa);
	enum sg_json_err eb = sg_json_first_field_linear(obj, fields, n, &wb);
	cr_assert_eq(ea, eb);
	if (ea == SG_JSON_OK)
		cr_assert_eq(wa, wb, "first field: indexed %zu (%s), linear %zu (%s)", wa, fields[wa], wb, fields[wb]);
}

/* Compare every lookup kind on obj, then on its object members. */
static void compare_object(sg_json obj)
{
	char fbuf[16][48];
	const char *fields[16];
	size_t nf = 1 + rnd(16);
	struct sg_json_it it;
	sg_slice key;
	sg_json val;

	for (size_t i = 0; i < nf; i++)
		fields[i] = pick_field(fbuf[i], sizeof(fbuf[i]));
	for (size_t i = 0; i < nf; i++)
		same_get(obj, fields[i]);
	same_get(obj, "\xc5\xbf" "ecurityOpt");	/* a non-ASCII field name matches nothing */
	same_first(obj, fields, nf);
	/* Each key's own spelling when it is ASCII (found, or EDUP). */
	cr_assert(sg_json_obj_begin(obj, &it));
	while (sg_json_obj_next(&it, &key, &val)) {
		char f[64];
		bool ascii = key.len < sizeof(f);
		for (size_t i = 0; ascii && i < key.len; i++)
			ascii = (unsigned char)key.ptr[i] < 0x80 && key.ptr[i] != '\0';
		if (ascii) {
			memcpy(f, key.ptr, key.len);
			f[key.len] = '\0';
			same_get(obj, f);
		}
		if (sg_json_type_of(val) == SG_JSON_OBJECT)
			compare_object(val);
	}
}

static void parse_ok(const struct buf *o, sg_json *root)
{
	sg_arena_reset(&arena);
	enum sg_json_err e = sg_json_parse(sg_slice_make(o->b, o->n), &arena, root);
	cr_assert_eq(e, SG_JSON_OK, "%s: %.*s", sg_json_err_str(e), (int)(o->n > 300 ? 300 : o->n), o->b);
}

Test(inspect_json_index, random_objects_agree_with_the_linear_walk)
{
	static struct buf o;
	size_t indexed = 0;

	rng_state = 0x9e3779b97f4a7c15ull;
	compared = 0;
	for (int round = 0; round < 4000; round++) {
		sg_json root;
		o.n = 0;
		put_object(&o, rnd(48), 2);
		parse_ok(&o, &root);
		compare_object(root);
		indexed += sg_json_index_count();
	}
	cr_assert_gt(indexed, 1000, "the index path ran on %zu objects only", indexed);
	cr_assert_gt(compared, 100000);
}

/* Few distinct names, so nearly every object has duplicates under folding. */
Test(inspect_json_index, dense_duplicates_agree)
{
	static struct buf o;
	static const char *const f[] = { "s", "S", "k", "K", "Ks", "sk", "kks", "Sss", "a", "" };

	rng_state = 12345;
	for (int round = 0; round < 2000; round++) {
		sg_json root;
		o.n = 0;
		putc_(&o, '{');
		size_t n = SG_JSON_INDEX_MIN_KEYS + rnd(24);
		for (size_t i = 0; i < n; i++) {
			if (i)
				putc_(&o, ',');
			put_key(&o, f[rnd(sizeof(f) / sizeof(f[0]))]);
			put(&o, ":1");
		}
		putc_(&o, '}');
		parse_ok(&o, &root);
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			same_get(root, f[i]);
		same_first(root, f, sizeof(f) / sizeof(f[0]));
		cr_assert_eq(sg_json_index_count(), 1);
	}
}

static void big_object(struct buf *o, size_t n, const char *prefix)
{
	char k[64];
	putc_(o, '{');
	for (size_t i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "%s\"%s%zu\":%zu", i ? "," : "", prefix, i, i);
		put(o, k);
	}
	putc_(o, '}');
}

static void lookups_agree_on(sg_json obj, size_t n, const char *prefix)
{
	char f[64];
	for (size_t i = 0; i < n + 2; i += 1 + i / 16) {
		snprintf(f, sizeof(f), "%s%zu", prefix, i);
		for (char *p = f; *p; p++)
			*p = (char)((*p >= 'a' && *p <= 'z') ? *p - 32 : *p);
		same_get(obj, f);
	}
}

Test(inspect_json_index, size_bounds)
{
	static struct buf o;
	static const size_t sizes[] = { 0, 1, SG_JSON_INDEX_MIN_KEYS - 1, SG_JSON_INDEX_MIN_KEYS,
					SG_JSON_INDEX_MAX_KEYS, SG_JSON_INDEX_MAX_KEYS + 1, 3000 };
	rng_state = 7;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		sg_json root;
		size_t n = sizes[s];
		o.n = 0;
		big_object(&o, n, "field");
		parse_ok(&o, &root);
		lookups_agree_on(root, n, "field");
		bool want = n >= SG_JSON_INDEX_MIN_KEYS && n <= SG_JSON_INDEX_MAX_KEYS;
		cr_assert_eq(sg_json_index_count(), want ? 1u : 0u, "%zu members", n);
	}
}

/* More objects than the directory holds, and more members than the pool:
 * the ones left over are walked, and still agree. */
Test(inspect_json_index, pool_and_directory_exhaustion)
{
	static struct buf o;
	sg_json root, v;
	struct sg_json_it it;
	sg_slice key;

	rng_state = 99;
	/* 64 objects of 10 members: the directory (32) fills. */
	o.n = 0;
	put(&o, "{\"list\":[");
	for (int i = 0; i < 2 * SG_JSON_INDEX_OBJECTS; i++) {
		if (i)
			putc_(&o, ',');
		big_object(&o, 10, "m");
	}
	put(&o, "]}");
	parse_ok(&o, &root);
	cr_assert_eq(sg_json_get(root, "list", &v), SG_JSON_OK);
	cr_assert(sg_json_arr_begin(v, &it));
	sg_json e;
	while (sg_json_arr_next(&it, &e))
		lookups_agree_on(e, 10, "m");
	cr_assert_eq(sg_json_index_count(), SG_JSON_INDEX_OBJECTS);

	/* Objects of MAX_KEYS members until the pool is spent. */
	o.n = 0;
	putc_(&o, '{');
	for (int i = 0; i < 8; i++) {
		char k[32];
		snprintf(k, sizeof(k), "%s\"o%d\":", i ? "," : "", i);
		put(&o, k);
		big_object(&o, SG_JSON_INDEX_MAX_KEYS, "x");
	}
	putc_(&o, '}');
	parse_ok(&o, &root);
	cr_assert(sg_json_obj_begin(root, &it));
	while (sg_json_obj_next(&it, &key, &v))
		lookups_agree_on(v, SG_JSON_INDEX_MAX_KEYS, "x");
	cr_assert_gt(sg_json_index_count(), 0);
	cr_assert_lt(sg_json_index_count(), 8, "the pool should not hold 8 objects of %d members",
		     SG_JSON_INDEX_MAX_KEYS);
}

/* An index never outlives its document: the same tape positions in the
 * next document hold other keys. */
Test(inspect_json_index, reparse_drops_the_index)
{
	sg_json root, v;
	static const char a[] = "{\"A1\":1,\"A2\":2,\"A3\":3,\"A4\":4,\"A5\":5,\"A6\":6,\"A7\":7,\"Privileged\":true}";
	static const char b[] = "{\"B1\":1,\"B2\":2,\"B3\":3,\"B4\":4,\"B5\":5,\"B6\":6,\"B7\":7,\"Memory\":8}";

	cr_assert_eq(sg_json_parse(sg_slice_cstr(a), &arena, &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "privileged", &v), SG_JSON_OK);
	cr_assert_eq(sg_json_index_count(), 1);
	cr_assert_eq(sg_json_parse(sg_slice_cstr(b), &arena, &root), SG_JSON_OK);
	cr_assert_eq(sg_json_index_count(), 0);
	cr_assert_eq(sg_json_get(root, "privileged", &v), SG_JSON_ENOTFOUND);
	cr_assert_eq(sg_json_get(root, "MEMORY", &v), SG_JSON_OK);
	/* A failed parse drops it too. */
	cr_assert_neq(sg_json_parse(sg_slice_cstr("{\"A1\":"), &arena, &root), SG_JSON_OK);
	cr_assert_eq(sg_json_index_count(), 0);
}

Test(inspect_json_index, wrong_type_is_etype_on_both_paths)
{
	sg_json root, v;
	size_t w;
	static const char *const f[] = { "a" };
	cr_assert_eq(sg_json_parse(sg_slice_cstr("[1,2,3]"), &arena, &root), SG_JSON_OK);
	cr_assert_eq(sg_json_get(root, "a", &v), SG_JSON_ETYPE);
	cr_assert_eq(sg_json_first_field(root, f, 1, &w), SG_JSON_ETYPE);
	cr_assert_eq(sg_json_first_field_linear(root, f, 1, &w), SG_JSON_ETYPE);
}

/* The container-create top-level check names the field of the earliest
 * offending key, as the key-by-key walk did. */
Test(inspect_json_index, top_level_host_config_names_the_earliest_key)
{
	struct sg_inspect_settings s;
	struct sg_inspect_request req = { .method = SG_SLICE_LIT("POST"),
					  .content_type = SG_SLICE_LIT("application/json") };
	struct sg_inspect_result r;
	static const char body[] = "{\"Image\":\"a\",\"Cmd\":[],\"Env\":[],\"Tty\":false,\"User\":\"1\","
				   "\"Labels\":{},\"WorkingDir\":\"/\",\"pidsLimit\":1,\"Memory\":1,\"Privileged\":true}";

	sg_inspect_settings_defaults(&s);
	sg_inspect_run(SG_INSPECT_CONTAINER_CREATE, &s, &req, sg_slice_cstr(body), &arena, &r);
	cr_assert_eq(r.status, 403);
	cr_assert_str_eq(r.knob, "container_create.top_level_host_config");
	cr_assert(strstr(r.reason, "PidsLimit"), "%s", r.reason);
}

/* ---- keys built to collide ---------------------------------------------- */

struct hk {
	uint32_t h;
	uint32_t i;
};

static int hk_cmp(const void *a, const void *b)
{
	const struct hk *x = a, *y = b;
	return x->h < y->h ? -1 : x->h > y->h ? 1 : (x->i < y->i ? -1 : x->i > y->i);
}

#define KEYLEN 10

static void gen_key(uint32_t i, char k[KEYLEN + 1])
{
	uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull + 1;
	for (int j = 0; j < KEYLEN; j++) {
		k[j] = (char)('a' + x % 26);
		x /= 26;
		if (x == 0)
			x = (uint64_t)i * 0xD6E8FEB86659FD93ull + (uint64_t)j + 7;
	}
	k[KEYLEN] = '\0';
}

/* An object of `pairs` pairs of distinct keys with equal 32-bit hashes
 * (found by the birthday bound) plus fillers: up to 4 true collisions are
 * indexed and still answer right, more leave the object to the walk. */
static void collision_object(size_t pairs, struct buf *o, char (*names)[KEYLEN + 1], size_t *nnames)
{
	enum { N = 1u << 19 };
	static struct hk hs[N];
	char k[KEYLEN + 1];
	size_t found = 0;

	for (uint32_t i = 0; i < N; i++) {
		gen_key(i, k);
		cr_assert(sg_json_fold_hash(sg_slice_cstr(k), &hs[i].h));
		hs[i].i = i;
	}
	qsort(hs, N, sizeof(hs[0]), hk_cmp);
	o->n = 0;
	putc_(o, '{');
	*nnames = 0;
	for (size_t i = 1; i < N && found < pairs; i++) {
		char a[KEYLEN + 1], b[KEYLEN + 1];
		if (hs[i].h != hs[i - 1].h)
			continue;
		gen_key(hs[i - 1].i, a);
		gen_key(hs[i].i, b);
		if (strcmp(a, b) == 0)
			continue;
		char m[64];
		snprintf(m, sizeof(m), "%s\"%s\":%zu,\"%s\":%zu", found ? "," : "", a, 2 * found, b, 2 * found + 1);
		put(o, m);
		memcpy(names[(*nnames)++], a, sizeof(a));
		memcpy(names[(*nnames)++], b, sizeof(b));
		found++;
	}
	cr_assert_eq(found, pairs, "only %zu colliding pairs among %u keys", found, (unsigned)N);
	put(o, ",\"Filler1\":1,\"Filler2\":2}");
}

Test(inspect_json_index, true_hash_collisions)
{
	static struct buf o;
	static char names[16][KEYLEN + 1];
	size_t nn;
	sg_json root;

	for (size_t pairs = 4; pairs <= 5; pairs++) {
		collision_object(pairs, &o, names, &nn);
		parse_ok(&o, &root);
		for (size_t i = 0; i < nn; i++) {
			char up[KEYLEN + 1];
			for (size_t j = 0; j <= KEYLEN; j++)
				up[j] = (char)((names[i][j] >= 'a' && names[i][j] <= 'z') ? names[i][j] - 32 : names[i][j]);
			same_get(root, up);
			same_get(root, names[i]);
		}
		same_get(root, "filler2");
		cr_assert_eq(sg_json_index_count(), pairs <= 4 ? 1u : 0u, "%zu colliding pairs", pairs);
	}
}

/* Every key in one bucket: inserting them would take O(n^2) probes, so
 * the build gives up and the object is walked. */
Test(inspect_json_index, one_bucket_keys_are_walked)
{
	static struct buf o;
	char k[KEYLEN + 1], m[64];
	size_t n = 0;
	const uint32_t mask = 2 * SG_JSON_INDEX_MAX_KEYS - 1;	/* the table size for MAX_KEYS members */
	sg_json root;
	uint32_t h, want = UINT32_MAX;

	o.n = 0;
	putc_(&o, '{');
	for (uint32_t i = 0; n < SG_JSON_INDEX_MAX_KEYS; i++) {
		gen_key(i, k);
		cr_assert(sg_json_fold_hash(sg_slice_cstr(k), &h));
		if (want == UINT32_MAX)
			want = h & mask;
		if ((h & mask) != want)
			continue;
		snprintf(m, sizeof(m), "%s\"%s\":%zu", n ? "," : "", k, n);
		put(&o, m);
		n++;
	}
	putc_(&o, '}');
	parse_ok(&o, &root);
	same_get(root, "nothere");
	same_get(root, k);
	cr_assert_eq(sg_json_index_count(), 0);
}
