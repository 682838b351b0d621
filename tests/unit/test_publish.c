/* tests/unit/test_publish.c — RCU publication (policy/publish.h): an old
 * policy is freed only after every online worker passed a quiescent point
 * after the swap; offline workers do not hold a grace period up. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "policy/compile.h"
#include "policy/publish.h"

enum { WORKERS = 3 };

struct worker {
	pthread_t th;
	int slot;
	const struct sg_policy *seen;
	_Atomic int go_quiesce;		/* main -> worker: pass a quiescent point */
	_Atomic int go_offline;		/* main -> worker: go offline instead */
	_Atomic int ready;		/* worker -> main: holding a policy pointer */
	_Atomic int done;
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	w->slot = sg_rcu_register();
	w->seen = sg_policy_current();	/* a reader holding the old policy */
	atomic_store(&w->ready, 1);
	for (;;) {
		if (atomic_load(&w->go_offline)) {
			sg_rcu_offline(w->slot);
			break;
		}
		if (atomic_load(&w->go_quiesce)) {
			sg_rcu_quiescent(w->slot);
			break;
		}
		sleep_ms(1);
	}
	atomic_store(&w->done, 1);
	return NULL;
}

static struct sg_policy *next_policy;
static _Atomic int publish_done;

static void *publisher_main(void *arg)
{
	(void)arg;
	sg_policy_publish(next_policy);
	atomic_store(&publish_done, 1);
	return NULL;
}

Test(publish, grace_period_waits_for_every_online_worker)
{
	struct sg_policy *a = sg_policy_fixed(true);
	sg_policy_publish(a);	/* no old policy: returns at once */
	cr_assert_eq(sg_policy_current(), a);
	cr_assert_eq(sg_policy_live_count(), 1);

	static struct worker w[WORKERS];
	for (int i = 0; i < WORKERS; i++)
		pthread_create(&w[i].th, NULL, worker_main, &w[i]);
	for (int i = 0; i < WORKERS; i++)
		while (!atomic_load(&w[i].ready))
			sleep_ms(1);
	for (int i = 0; i < WORKERS; i++)
		cr_assert_eq(w[i].seen, a);

	next_policy = sg_policy_fixed(false);
	pthread_t pub;
	pthread_create(&pub, NULL, publisher_main, NULL);
	sleep_ms(30);
	cr_assert_eq(sg_policy_current(), next_policy, "new policy visible at once");
	cr_assert_eq(atomic_load(&publish_done), 0, "grace period cannot end while readers hold the old policy");
	cr_assert_eq(sg_policy_live_count(), 2, "old policy freed too early");

	atomic_store(&w[0].go_quiesce, 1);
	sleep_ms(30);
	cr_assert_eq(atomic_load(&publish_done), 0);
	cr_assert_eq(sg_policy_live_count(), 2);

	atomic_store(&w[1].go_offline, 1);	/* offline counts as quiescent */
	sleep_ms(30);
	cr_assert_eq(atomic_load(&publish_done), 0);
	cr_assert_eq(sg_policy_live_count(), 2);

	atomic_store(&w[2].go_quiesce, 1);
	pthread_join(pub, NULL);
	cr_assert_eq(atomic_load(&publish_done), 1);
	cr_assert_eq(sg_policy_live_count(), 1, "old policy freed after the grace period");
	for (int i = 0; i < WORKERS; i++)
		pthread_join(w[i].th, NULL);

	/* With every worker quiescent/offline, another publish completes. */
	int s = w[0].slot;
	sg_rcu_offline(w[2].slot);
	sg_rcu_offline(s);
	sg_policy_publish(sg_policy_fixed(true));
	cr_assert_eq(sg_policy_live_count(), 1);
	sg_policy_publish(NULL);
	cr_assert_eq(sg_policy_live_count(), 0);
}

static _Atomic int stop_readers;
static _Atomic long reads;

/* Readers dereference what they load; ASan (SG_SANITIZE=ON) catches a
 * use-after-free if a policy is freed under them. */
static void *reader_main(void *arg)
{
	(void)arg;
	int slot = sg_rcu_register();
	while (!atomic_load(&stop_readers)) {
		for (int k = 0; k < 64; k++) {
			const struct sg_policy *p = sg_policy_current();
			if (p) {
				struct sg_request_view req = { .method = SG_SLICE_LIT("GET"), .path = SG_SLICE_LIT("/") };
				struct sg_verdict v;
				sg_policy_decide(p, &req, &v);
				atomic_fetch_add(&reads, 1);
			}
		}
		sg_rcu_quiescent(slot);
	}
	sg_rcu_offline(slot);
	return NULL;
}

Test(publish, stress_concurrent_readers)
{
	pthread_t r[4];
	sg_policy_publish(sg_policy_fixed(true));
	for (int i = 0; i < 4; i++)
		pthread_create(&r[i], NULL, reader_main, NULL);
	/* Let every reader register and run before the publishes start. */
	while (atomic_load(&reads) < 10000)
		sleep_ms(1);
	for (int i = 0; i < 200; i++)
		sg_policy_publish(sg_policy_fixed(i & 1));
	atomic_store(&stop_readers, 1);
	for (int i = 0; i < 4; i++)
		pthread_join(r[i], NULL);
	cr_assert_eq(sg_policy_live_count(), 1);
	cr_assert_gt(atomic_load(&reads), 0);
	sg_policy_publish(NULL);
	cr_assert_eq(sg_policy_live_count(), 0);
}
