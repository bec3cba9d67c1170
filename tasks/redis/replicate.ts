// redis.replicate: CLUSTER REPLICATE each planned replica to its master's node id, unless the pair
// already replicates either way round (after a failover the replica is the master: still healthy).
import { TaskError } from '../../src/errors.ts';
import { defineModule } from '../../src/modules/module.ts';
import { isReplica } from './lib/cluster-nodes.ts';
import { clusterParams, withCluster } from './lib/cluster-session.ts';
import { pollUntil } from '../../src/modules/wait.ts';
import { knownPeerIds, type NodeFacts } from './lib/node-facts.ts';
import { resetNodes } from './lib/reset-nodes.ts';
import { recordBroughtIn } from './lib/run-records.ts';
import { checkPlayTopology, type Topology } from './topology.ts';

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

function refusal(plan: ReplicatePlan): TaskError {
  return new TaskError(`cannot replicate: ${plan.refused.map((r) => `${r.ref} ${r.reason}`).join('; ')}`);
}

export const taskModule = defineModule({
  name: 'redis.replicate',
  summary: "CLUSTER REPLICATE each replica to its master's node id, where it does not already",
  params: clusterParams,
  preflight: checkPlayTopology,
  async check(ctx, params) {
    return withCluster(ctx, params, async (session) => {
      const plan = planReplicate(session.topology, await session.readFacts());
      if (plan.refused.length > 0) throw refusal(plan);
      if (plan.replicate.length === 0) return { status: 'ok', reason: `replicas in place: ${plan.inPlace.join(', ')}` };
      const description = `replicate ${plan.replicate.map((s) => `${s.ref} -> ${s.masterRef}`).join(', ')}`;
      return { status: 'change', description, state: plan };
    });
  },
  async apply(ctx, params) {
    return withCluster(ctx, params, async (session) => {
      let facts = await session.readFacts();
      const plan = planReplicate(session.topology, facts);
      if (plan.refused.length > 0) throw refusal(plan);
      const nodes = plan.replicate.map((s) => s.ref);
      const rollbackState = { nodes, keysBefore: Object.fromEntries(nodes.map((ref) => [ref, facts.get(ref)!.keys])) };
      recordBroughtIn(ctx, nodes);
      const deadline = params.timeout * 1000;
      for (const step of plan.replicate) {
        // CLUSTER REPLICATE answers "Unknown node" until gossip has told the replica about its master.
        const unknown = await pollUntil(
          async () => {
            facts = await session.readFacts();
            return knownPeerIds(facts.get(step.ref)!).has(step.masterId) ? [] : [`${step.ref} does not know ${step.masterRef}`];
          },
          deadline,
          ctx.signal,
        );
        if (unknown.length > 0) throw new TaskError(`${unknown[0]} after ${params.timeout}s (run redis.meet first)`);
        ctx.log.info(`${step.ref}: CLUSTER REPLICATE ${step.masterId} (${step.masterRef})`);
        await session.client(step.ref).call('CLUSTER', 'REPLICATE', step.masterId);
      }
      const problems = await pollUntil(
        async () => replicationProblems(plan.replicate, await session.readFacts()),
        deadline,
        ctx.signal,
      );
      if (problems.length > 0) throw new TaskError(`replication not in place within ${params.timeout}s: ${problems.join('; ')}`);
      return { changed: true, result: { replicated: plan.replicate.map((s) => `${s.ref} -> ${s.masterRef}`) }, rollbackState };
    });
  },
  async rollback(ctx, params, rollbackState) {
    await resetNodes(ctx, params, rollbackState);
  },
});
