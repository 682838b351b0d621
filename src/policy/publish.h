/* policy/publish.h — RCU-style publication of the compiled policy.
 *
 * One global slot holds the current policy. Readers (workers) load it with
 * an acquire load, use it for one request, and report a quiescent state from
 * their event loop (sg_rcu_quiescent) between batches — never while holding a
 * policy pointer. sg_policy_publish() swaps the slot and frees the previous
 * policy only after every registered worker has passed a quiescent point
 * after the swap (a grace period). Readers never lock. */
#ifndef SG_POLICY_PUBLISH_H
#define SG_POLICY_PUBLISH_H

#include "policy/policy.h"

#define SG_RCU_MAX_WORKERS 256

/* Current policy; valid until this worker's next sg_rcu_quiescent(). */
const struct sg_policy *sg_policy_current(void);

/* Bumped by every publish, after the swap. A reader that keeps something
 * of a policy across quiescent points (a streaming inspector's settings)
 * reads the generation, then sg_policy_current(), and later trusts what it
 * kept only while the generation is unchanged (a pointer compare could be
 * fooled by a new policy at a freed one's address). */
uint64_t sg_policy_generation(void);

/* Control thread: install p, wait for a grace period, free the old one. */
void sg_policy_publish(struct sg_policy *p);

/* Workers: register once (returns a slot id), report quiescence every loop
 * iteration, go offline before blocking indefinitely or exiting. */
int sg_rcu_register(void);
void sg_rcu_quiescent(int slot);
void sg_rcu_offline(int slot);
void sg_rcu_online(int slot);

#endif
