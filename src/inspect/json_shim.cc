// inspect/json_shim.cc — the C API of inspect/json.h over simdjson's DOM.
//
// The only C++ in the tree; built with -fno-exceptions, so every simdjson
// call goes through the error-code API (simdjson_result<T>::get(T&)).
//
// One dom::parser per thread (thread_local), reused for every document: its
// internal buffers grow once to the largest input seen on the thread (capped
// at SG_JSON_MAX_CAPACITY) and are freed only at thread exit. That growth is
// the one heap allocation this module makes, and it is not per request.
//
// sg_json and sg_json_it carry simdjson's tape references (a document
// pointer and a tape index: trivially copyable) by value in opaque words.
// base/ headers are plain C without extern "C" guards.
extern "C" {
#include "base/arena.h"
#include "base/slice.h"
}
#include "inspect/json.h"
#include "inspect/json_priv.h"

#include <cstring>
#include <new>
#include <type_traits>

#include <simdjson.h>

namespace dom = simdjson::dom;

static_assert(sizeof(dom::element) <= sizeof(sg_json), "sg_json too small for dom::element");
static_assert(std::is_trivially_copyable<dom::element>::value, "dom::element must be trivially copyable");
static_assert(sizeof(dom::array::iterator) <= sizeof(sg_json_it::cur), "iterator too big");
static_assert(sizeof(dom::object::iterator) <= sizeof(sg_json_it::cur), "iterator too big");
static_assert(std::is_trivially_copyable<dom::array::iterator>::value, "array iterator not trivially copyable");
static_assert(std::is_trivially_copyable<dom::object::iterator>::value, "object iterator not trivially copyable");

namespace {

template <typename T> sg_json wrap(const T &x)
{
	sg_json v;
	std::memset(&v, 0, sizeof(v));
	std::memcpy(&v, &x, sizeof(T));
	return v;
}

dom::element unwrap(const sg_json &v)
{
	// dom::element has no public constructor from a tape reference: copy
	// the bytes of one produced by simdjson into a default element.
	dom::element e;
	std::memcpy(static_cast<void *>(&e), &v, sizeof(e));
	return e;
}

template <typename It> void it_store(uint64_t (&slot)[2], const It &it)
{
	std::memset(slot, 0, sizeof(slot));
	std::memcpy(slot, &it, sizeof(It));
}

template <typename It> It it_load(const uint64_t (&slot)[2])
{
	It it;
	std::memcpy(static_cast<void *>(&it), slot, sizeof(It));
	return it;
}

dom::parser &thread_parser()
{
	static thread_local dom::parser parser(SG_JSON_MAX_CAPACITY);
	return parser;
}

enum sg_json_err map_error(simdjson::error_code e)
{
	switch (e) {
	case simdjson::SUCCESS: return SG_JSON_OK;
	case simdjson::EMPTY: return SG_JSON_EEMPTY;
	case simdjson::UTF8_ERROR: return SG_JSON_EUTF8;
	case simdjson::DEPTH_ERROR: return SG_JSON_EDEPTH;
	case simdjson::MEMALLOC:
	case simdjson::CAPACITY: return SG_JSON_ENOMEM;
	default: return SG_JSON_ESYNTAX;
	}
}

// The tape keeps each array's and object's element count, saturating here
// (simdjson 3.0 returns the saturated value from size()): below it, size()
// is exact; at it, count by walking.
constexpr size_t kCountSaturated = 0xFFFFFF;

bool only_whitespace(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return false;
	return true;
}

} // namespace

extern "C" enum sg_json_err sg_json_parse(sg_slice in, struct sg_arena *a, sg_json *root)
{
	sg_json_index_invalidate();
	if (in.len == 0 || only_whitespace(in.ptr, in.len))
		return SG_JSON_EEMPTY;
	if (in.len > SG_JSON_MAX_CAPACITY)
		return SG_JSON_ENOMEM;
	char *buf = static_cast<char *>(sg_arena_alloc(a, in.len + simdjson::SIMDJSON_PADDING));
	if (!buf)
		return SG_JSON_ENOMEM;
	std::memcpy(buf, in.ptr, in.len);
	std::memset(buf + in.len, 0, simdjson::SIMDJSON_PADDING);

	dom::parser &parser = thread_parser();
	if (parser.max_depth() != SG_JSON_MAX_DEPTH || parser.capacity() < in.len) {
		// Grows once per thread to the largest document seen.
		size_t cap = parser.capacity() > in.len ? parser.capacity() : in.len;
		if (parser.allocate(cap, SG_JSON_MAX_DEPTH) != simdjson::SUCCESS)
			return SG_JSON_ENOMEM;
	}
	dom::element e;
	simdjson::error_code err =
		parser.parse(reinterpret_cast<const uint8_t *>(buf), in.len, false).get(e);
	if (err)
		return map_error(err);
	*root = wrap(e);
	return SG_JSON_OK;
}

extern "C" enum sg_json_type sg_json_type_of(sg_json v)
{
	switch (unwrap(v).type()) {
	case dom::element_type::ARRAY: return SG_JSON_ARRAY;
	case dom::element_type::OBJECT: return SG_JSON_OBJECT;
	case dom::element_type::INT64: return SG_JSON_INT;
	case dom::element_type::UINT64: return SG_JSON_UINT;
	case dom::element_type::DOUBLE: return SG_JSON_DOUBLE;
	case dom::element_type::STRING: return SG_JSON_STRING;
	case dom::element_type::BOOL: return SG_JSON_BOOL;
	case dom::element_type::NULL_VALUE: return SG_JSON_NULL;
	}
	return SG_JSON_NULL;
}

extern "C" bool sg_json_bool(sg_json v, bool *out)
{
	dom::element e = unwrap(v);
	if (e.type() != dom::element_type::BOOL)
		return false;
	return e.get_bool().get(*out) == simdjson::SUCCESS;
}

extern "C" bool sg_json_int64(sg_json v, int64_t *out)
{
	dom::element e = unwrap(v);
	if (e.type() != dom::element_type::INT64)
		return false;
	return e.get_int64().get(*out) == simdjson::SUCCESS;
}

extern "C" bool sg_json_double(sg_json v, double *out)
{
	dom::element e = unwrap(v);
	switch (e.type()) {
	case dom::element_type::INT64:
	case dom::element_type::UINT64:
	case dom::element_type::DOUBLE:
		return e.get_double().get(*out) == simdjson::SUCCESS;
	default:
		return false;
	}
}

extern "C" bool sg_json_string(sg_json v, sg_slice *out)
{
	dom::element e = unwrap(v);
	std::string_view sv;
	if (e.type() != dom::element_type::STRING || e.get_string().get(sv) != simdjson::SUCCESS)
		return false;
	*out = sg_slice_make(sv.data(), sv.size());
	return true;
}

extern "C" bool sg_json_arr_begin(sg_json v, struct sg_json_it *it)
{
	dom::array arr;
	if (unwrap(v).get_array().get(arr) != simdjson::SUCCESS)
		return false;
	it_store(it->cur, arr.begin());
	it_store(it->end, arr.end());
	return true;
}

extern "C" bool sg_json_arr_next(struct sg_json_it *it, sg_json *elem)
{
	auto cur = it_load<dom::array::iterator>(it->cur);
	auto end = it_load<dom::array::iterator>(it->end);
	if (!(cur != end))
		return false;
	*elem = wrap(*cur);
	++cur;
	it_store(it->cur, cur);
	return true;
}

extern "C" size_t sg_json_arr_len(sg_json v)
{
	dom::array arr;
	if (unwrap(v).get_array().get(arr) != simdjson::SUCCESS)
		return 0;
	if (arr.size() < kCountSaturated)
		return arr.size();
	size_t n = 0;
	for (auto it = arr.begin(); it != arr.end(); ++it)
		n++;
	return n;
}

extern "C" bool sg_json_obj_begin(sg_json v, struct sg_json_it *it)
{
	dom::object obj;
	if (unwrap(v).get_object().get(obj) != simdjson::SUCCESS)
		return false;
	it_store(it->cur, obj.begin());
	it_store(it->end, obj.end());
	return true;
}

extern "C" bool sg_json_obj_next(struct sg_json_it *it, sg_slice *key, sg_json *val)
{
	auto cur = it_load<dom::object::iterator>(it->cur);
	auto end = it_load<dom::object::iterator>(it->end);
	if (!(cur != end))
		return false;
	std::string_view k = cur.key();
	*key = sg_slice_make(k.data(), k.size());
	*val = wrap(cur.value());
	++cur;
	it_store(it->cur, cur);
	return true;
}

extern "C" size_t sg_json_obj_len(sg_json v)
{
	dom::object obj;
	if (unwrap(v).get_object().get(obj) != simdjson::SUCCESS)
		return 0;
	if (obj.size() < kCountSaturated)
		return obj.size();
	size_t n = 0;
	for (auto it = obj.begin(); it != obj.end(); ++it)
		n++;
	return n;
}

extern "C" size_t sg_json_obj_count_hint(sg_json v)
{
	dom::object obj;
	if (unwrap(v).get_object().get(obj) != simdjson::SUCCESS)
		return SIZE_MAX;
	return obj.size();
}

extern "C" size_t sg_json_obj_read(sg_json v, struct sg_json_member *m, size_t cap)
{
	dom::object obj;
	if (unwrap(v).get_object().get(obj) != simdjson::SUCCESS)
		return 0;
	size_t n = 0;
	for (auto it = obj.begin(); it != obj.end(); ++it, n++) {
		if (n == cap)
			return cap + 1;
		std::string_view k = it.key();
		m[n].key = sg_slice_make(k.data(), k.size());
		m[n].val = wrap(it.value());
	}
	return n;
}
