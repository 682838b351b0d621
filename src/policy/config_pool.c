/* policy/config_pool.c — the one owner of every configuration allocation.
 *
 * A configuration is built once at start-up (or per reload on the control
 * thread) and freed as a whole, so a chunked bump allocator is enough: no
 * per-field free, no ownership questions, sg_config_free() drops it all.
 * This runs on the control path only; workers never allocate here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config_internal.h"

#define SG_POOL_CHUNK (16u * 1024u)

struct sg_pool_chunk {
	struct sg_pool_chunk *next;
	size_t cap, used;
	_Alignas(16) unsigned char data[];
};

struct sg_config_pool {
	struct sg_pool_chunk *head;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		/* Config loading has no sane degraded mode without memory. */
		fputs("sockguard: out of memory while loading configuration\n", stderr);
		abort();
	}
	return p;
}

static struct sg_pool_chunk *chunk_new(size_t min)
{
	size_t cap = min > SG_POOL_CHUNK ? min : SG_POOL_CHUNK;
	struct sg_pool_chunk *ch = xmalloc(sizeof(*ch) + cap);
	ch->next = NULL;
	ch->cap = cap;
	ch->used = 0;
	return ch;
}

void *sg_cfg_alloc(struct sg_config *c, size_t n)
{
	if (!c->pool) {
		c->pool = xmalloc(sizeof(*c->pool));
		c->pool->head = NULL;
	}
	n = (n + 15u) & ~(size_t)15u;
	if (n == 0)
		n = 16;
	struct sg_pool_chunk *ch = c->pool->head;
	if (!ch || ch->cap - ch->used < n) {
		struct sg_pool_chunk *fresh = chunk_new(n);
		if (n > SG_POOL_CHUNK / 2 && ch) {
			/* Big block: keep the current chunk as head for small ones. */
			fresh->next = ch->next;
			ch->next = fresh;
			fresh->used = n;
			memset(fresh->data, 0, n);
			return fresh->data;
		}
		fresh->next = ch;
		c->pool->head = fresh;
		ch = fresh;
	}
	void *p = ch->data + ch->used;
	ch->used += n;
	memset(p, 0, n);
	return p;
}

char *sg_cfg_strndup(struct sg_config *c, const char *s, size_t n)
{
	char *d = sg_cfg_alloc(c, n + 1);
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *sg_cfg_strdup(struct sg_config *c, const char *s)
{
	return s ? sg_cfg_strndup(c, s, strlen(s)) : NULL;
}

/* Capacity is implicit: a list is full when count is 0 or a power of two
 * >= 4, so growth doubles without storing a capacity field. */
static bool list_full(size_t count)
{
	return count == 0 || (count >= 4 && (count & (count - 1)) == 0);
}

void *sg_cfg_list_push(struct sg_config *c, void *list, size_t elem_size)
{
	struct sg_any_list *l = list;
	if (list_full(l->count)) {
		size_t cap = l->count == 0 ? 4 : l->count * 2;
		void *fresh = sg_cfg_alloc(c, cap * elem_size);
		if (l->count)
			memcpy(fresh, l->items, l->count * elem_size);
		l->items = fresh;
	}
	void *slot = (char *)l->items + l->count * elem_size;
	memset(slot, 0, elem_size);
	l->count++;
	return slot;
}

void sg_cfg_split_commas(struct sg_config *c, const char *s, struct sg_str_list *out)
{
	out->items = NULL;
	out->count = 0;
	while (s && *s) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		const char *a = s, *b = s + n;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a) {
			char **slot = sg_cfg_list_push(c, out, sizeof(char *));
			*slot = sg_cfg_strndup(c, a, (size_t)(b - a));
		}
		s = end ? end + 1 : NULL;
	}
}

void sg_cfg_pool_destroy(struct sg_config_pool *p)
{
	if (!p)
		return;
	struct sg_pool_chunk *ch = p->head;
	while (ch) {
		struct sg_pool_chunk *next = ch->next;
		free(ch);
		ch = next;
	}
	free(p);
}
