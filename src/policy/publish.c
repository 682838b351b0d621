/* policy/publish.c — see publish.h.
 *
 * Grace periods: each registered worker has a counter it bumps at every
 * quiescent point (and a flag for offline). The publisher swaps the slot,
 * snapshots the counters, and waits until every online worker's counter
 * moved (or it went offline); then no worker can still hold the old
 * pointer, and it is freed. Publishing is rare (start-up, reload) and runs
 * on the control thread, so it may sleep; concurrent publishers are
 * serialized by a mutex.
 *
 * Going online races with a publish exactly like Dekker's algorithm: the
 * worker stores `online` then loads the slot, the publisher stores the slot
 * then loads `online`. Without a full fence on both sides each could miss
 * the other's store, and the publisher would free a policy the worker just
 * loaded. Both sides therefore fence (seq_cst) between store and load. */
#include "policy/publish.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

struct rcu_reader {
	_Atomic unsigned long epoch;	/* bumped at every quiescent point */
	_Atomic int online;
	char pad[64 - sizeof(unsigned long) - sizeof(int)];
};

static _Atomic(struct sg_policy *) current_policy;
static _Atomic(uint64_t) policy_generation;
static struct rcu_reader readers[SG_RCU_MAX_WORKERS];
static _Atomic int reader_count;
static pthread_mutex_t publish_lock = PTHREAD_MUTEX_INITIALIZER;

const struct sg_policy *sg_policy_current(void)
{
	return atomic_load_explicit(&current_policy, memory_order_acquire);
}

int sg_rcu_register(void)
{
	int slot = atomic_fetch_add(&reader_count, 1);
	if (slot >= SG_RCU_MAX_WORKERS)
		return -1;
	sg_rcu_online(slot);
	return slot;
}

void sg_rcu_quiescent(int slot)
{
	if (slot >= 0)
		atomic_fetch_add_explicit(&readers[slot].epoch, 1, memory_order_release);
}

void sg_rcu_offline(int slot)
{
	if (slot < 0)
		return;
	atomic_fetch_add_explicit(&readers[slot].epoch, 1, memory_order_release);
	atomic_store_explicit(&readers[slot].online, 0, memory_order_release);
}

void sg_rcu_online(int slot)
{
	if (slot < 0)
		return;
	atomic_store_explicit(&readers[slot].online, 1, memory_order_seq_cst);
	atomic_thread_fence(memory_order_seq_cst);	/* before any sg_policy_current() */
}

static void wait_grace_period(void)
{
	int n = atomic_load(&reader_count);
	if (n > SG_RCU_MAX_WORKERS)
		n = SG_RCU_MAX_WORKERS;
	unsigned long snap[SG_RCU_MAX_WORKERS];
	for (int i = 0; i < n; i++)
		snap[i] = atomic_load_explicit(&readers[i].epoch, memory_order_acquire);
	for (int i = 0; i < n; i++) {
		while (atomic_load_explicit(&readers[i].online, memory_order_acquire) &&
		       atomic_load_explicit(&readers[i].epoch, memory_order_acquire) == snap[i]) {
			struct timespec ts = { 0, 1000000 };	/* 1 ms */
			nanosleep(&ts, NULL);
		}
	}
}

uint64_t sg_policy_generation(void)
{
	return atomic_load_explicit(&policy_generation, memory_order_seq_cst);
}

void sg_policy_publish(struct sg_policy *p)
{
	pthread_mutex_lock(&publish_lock);
	struct sg_policy *old = atomic_exchange_explicit(&current_policy, p, memory_order_seq_cst);
	atomic_fetch_add_explicit(&policy_generation, 1, memory_order_seq_cst);	/* after the swap: see publish.h */
	atomic_thread_fence(memory_order_seq_cst);	/* before reading `online` flags */
	if (old) {
		wait_grace_period();
		sg_policy_free(old);
	}
	pthread_mutex_unlock(&publish_lock);
}
