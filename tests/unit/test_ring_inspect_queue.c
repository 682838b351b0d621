/* Inspect arena classes and the FIFO queue of waiting connections
 * (ring/inspect_queue.c), without a ring: the queue is plain lists. */
#include <criterion/criterion.h>
#include <string.h>

#include "ring/server.h"
#include "ring/worker.h"

static struct sg_server_opts opts;
static struct sg_worker w;
static struct sg_conn conns[8];

static void setup(void)
{
	memset(&opts, 0, sizeof(opts));
	memset(&w, 0, sizeof(w));
	memset(conns, 0, sizeof(conns));
	opts.inspect_slots_per_worker = 2;
	opts.inspect_big_slots_per_worker = 1;
	opts.head_timeout_ms = 1000;
	w.opts = &opts;
	cr_assert_eq(sg_inspect_pools_init(&w), 0);
}

static void teardown(void)
{
	sg_inspect_pools_destroy(&w);
}

TestSuite(ring_inspect_queue, .init = setup, .fini = teardown);

Test(ring_inspect_queue, body_limit_picks_the_class)
{
	cr_assert_eq(sg_inspect_class_of(64u << 10), SG_INSPECT_SMALL);
	cr_assert_eq(sg_inspect_class_of(1u << 20), SG_INSPECT_SMALL);
	cr_assert_eq(sg_inspect_class_of((1u << 20) + 1), SG_INSPECT_BIG);
	cr_assert_eq(sg_inspect_class_of(64u << 20), SG_INSPECT_BIG);
}

Test(ring_inspect_queue, arenas_are_sized_per_class)
{
	struct sg_arena *s = sg_inspect_arena_get(&w, &conns[0], SG_INSPECT_SMALL);
	struct sg_arena *b = sg_inspect_arena_get(&w, &conns[1], SG_INSPECT_BIG);
	cr_assert_not_null(s);
	cr_assert_not_null(b);
	cr_assert_eq(s->cap, SG_INSPECT_SMALL_BODY_MAX + SG_INSPECT_SMALL_SCRATCH);
	cr_assert_eq(b->cap, SG_INSPECT_BIG_BODY_MAX + SG_INSPECT_BIG_SCRATCH);
	cr_assert_eq(s->keep, SG_INSPECT_KEEP_BYTES);
	cr_assert_eq(sg_inspect_arena_scratch(&w, s), SG_INSPECT_SMALL_SCRATCH);
	cr_assert_eq(sg_inspect_arena_scratch(&w, b), SG_INSPECT_BIG_SCRATCH);
	sg_inspect_arena_put(&w, s);
	sg_inspect_arena_put(&w, b);
	cr_assert_eq(w.inspect[SG_INSPECT_SMALL].nfree, 2);
	cr_assert_eq(w.inspect[SG_INSPECT_BIG].nfree, 1);
}

Test(ring_inspect_queue, full_class_queues_fifo_and_unlink_keeps_order)
{
	struct sg_inspect_pool *p = &w.inspect[SG_INSPECT_SMALL];
	cr_assert_not_null(sg_inspect_arena_get(&w, &conns[0], SG_INSPECT_SMALL));
	cr_assert_not_null(sg_inspect_arena_get(&w, &conns[1], SG_INSPECT_SMALL));
	for (int i = 2; i < 6; i++)
		cr_assert_null(sg_inspect_arena_get(&w, &conns[i], SG_INSPECT_SMALL));
	cr_assert_eq(sg_inspect_queued(&w), 4);
	/* the other class is not affected by a full one */
	cr_assert_not_null(sg_inspect_arena_get(&w, &conns[6], SG_INSPECT_BIG));
	/* unlink head, middle and tail */
	sg_inspect_queue_unlink(&w, &conns[3]);
	cr_assert_eq(p->q_head, &conns[2]);
	cr_assert_eq(conns[2].q_next, &conns[4]);
	cr_assert_eq(conns[4].q_prev, &conns[2]);
	sg_inspect_queue_unlink(&w, &conns[2]);
	cr_assert_eq(p->q_head, &conns[4]);
	cr_assert_null(conns[4].q_prev);
	sg_inspect_queue_unlink(&w, &conns[5]);
	cr_assert_eq(p->q_tail, &conns[4]);
	cr_assert_null(conns[4].q_next);
	cr_assert_eq(sg_inspect_queued(&w), 1);
	/* unlinking twice, or a connection never queued, is a no-op */
	sg_inspect_queue_unlink(&w, &conns[5]);
	sg_inspect_queue_unlink(&w, &conns[7]);
	cr_assert_eq(sg_inspect_queued(&w), 1);
	cr_assert(conns[4].queued);
	cr_assert(!conns[5].queued);
}

Test(ring_inspect_queue, a_freed_arena_does_not_let_a_newcomer_overtake_a_waiter)
{
	struct sg_arena *a = sg_inspect_arena_get(&w, &conns[0], SG_INSPECT_SMALL);
	cr_assert_not_null(sg_inspect_arena_get(&w, &conns[1], SG_INSPECT_SMALL));
	cr_assert_null(sg_inspect_arena_get(&w, &conns[2], SG_INSPECT_SMALL));
	sg_inspect_arena_put(&w, a);		/* conns[2] is owed this one */
	cr_assert_null(sg_inspect_arena_get(&w, &conns[3], SG_INSPECT_SMALL));
	cr_assert_eq(w.inspect[SG_INSPECT_SMALL].q_head, &conns[2]);
	cr_assert_eq(w.inspect[SG_INSPECT_SMALL].q_tail, &conns[3]);
	cr_assert_gt(conns[3].q_deadline_ns, 0);
	cr_assert_geq(conns[3].q_deadline_ns, conns[2].q_deadline_ns);
	sg_inspect_queue_unlink(&w, &conns[2]);
	sg_inspect_queue_unlink(&w, &conns[3]);
}
