// redis.replicate: CLUSTER REPLICATE each planned replica to its master's node id, unless the pair
// already replicates either way round (after a failover the replica is the master: still healthy).
import { TaskError } from '../../src/errors.ts';
import { pollUntil } from '../../src/modules/wait.ts';
import { defineClusterModule } from './lib/cluster-module.ts';
import { isReplica } from './lib/cluster-nodes.ts';
import { knownPeerIds, type NodeFacts } from './lib/node-facts.ts';
import type { Topology } from './topology.ts';

export interface ReplicateStep {
  ref: string;
  masterRef: string;
  masterId: string;
}

export interface ReplicatePlan {
  replicate: ReplicateStep[];
  /** Pairs already in place, with a note when they are swapped by a failover. */
  inPlace: string[];
  refused: { ref: string; reason: string }[];
}

export function planReplicate(topology: Topology, facts: ReadonlyMap<string, NodeFacts>): ReplicatePlan {
  const plan: ReplicatePlan = { replicate: [], inPlace: [], refused: [] };
  for (const replica of topology.replicas) {
    const r = facts.get(replica.ref)!;
    const m = facts.get(replica.masterRef!)!;
    const rSelf = r.view.myself;
    const mSelf = m.view.myself;
    if (isReplica(rSelf) && rSelf.masterId === m.id) {
      plan.inPlace.push(`${replica.ref} -> ${m.ref}`);
    } else if (isReplica(mSelf) && mSelf.masterId === r.id) {
      plan.inPlace.push(`${replica.ref} -> ${m.ref} (failed over: ${replica.ref} is the master)`);
    } else if (isReplica(mSelf)) {
      plan.refused.push({ ref: replica.ref, reason: `its master ${m.ref} is itself a replica of another node` });
    } else if (!isReplica(rSelf) && rSelf.slots.length > 0) {
      plan.refused.push({ ref: replica.ref, reason: 'is a master serving slots' });
    } else if (!isReplica(rSelf) && r.keys > 0) {
      plan.refused.push({ ref: replica.ref, reason: `is a master holding ${r.keys} keys` });
    } else {
      plan.replicate.push({ ref: replica.ref, masterRef: m.ref, masterId: m.id });
    }
  }
  return plan;
}

/** Steps not yet visible: the replica does not report its master yet. */
export function replicationProblems(steps: readonly ReplicateStep[], facts: ReadonlyMap<string, NodeFacts>): string[] {
  return steps
    .filter((s) => facts.get(s.ref)!.view.myself.masterId !== s.masterId)
    .map((s) => `${s.ref} does not follow ${s.masterRef} yet`);
}

const pairs = (steps: readonly ReplicateStep[]) => steps.map((s) => `${s.ref} -> ${s.masterRef}`);

export const taskModule = defineClusterModule<ReplicatePlan>({
  name: 'redis.replicate',
  summary: "CLUSTER REPLICATE each replica to its master's node id, where it does not already",
  plan: planReplicate,
  refusals: { message: 'cannot replicate', of: (plan) => plan.refused },
  upToDate: (plan) => (plan.replicate.length === 0 ? `replicas in place: ${plan.inPlace.join(', ')}` : undefined),
  describe: (plan) => `replicate ${pairs(plan.replicate).join(', ')}`,
  change: {
    nodes: (plan) => plan.replicate.map((s) => s.ref),
    async send({ ctx, params, session, plan }) {
      for (const step of plan.replicate) {
        // CLUSTER REPLICATE answers "Unknown node" until gossip has told the replica about its master.
        const unknown = await pollUntil(
          async () => {
            const facts = await session.readFacts();
            return knownPeerIds(facts.get(step.ref)!).has(step.masterId) ? [] : [`${step.ref} does not know ${step.masterRef}`];
          },
          params.timeout * 1000,
          ctx.signal,
        );
        if (unknown.length > 0) throw new TaskError(`${unknown[0]} after ${params.timeout}s (run redis.meet first)`);
        ctx.log.info(`${step.ref}: CLUSTER REPLICATE ${step.masterId} (${step.masterRef})`);
        await session.client(step.ref).call('CLUSTER', 'REPLICATE', step.masterId);
      }
    },
  },
  converge: { problems: (_topology, facts, plan) => replicationProblems(plan.replicate, facts), failure: 'replication not in place within' },
  result: (plan) => ({ replicated: pairs(plan.replicate) }),
});
