// redis.wait: wait, with a timeout, until the cluster is healthy as planned: cluster_state:ok and
// 16384 slots on every node, every planned node known, every master with its replicas linked.
// It changes nothing, so a run that found the cluster healthy reports ok and one that waited
// reports ok too (changed: false).
import { defineClusterModule } from './lib/cluster-module.ts';
import { isReplica, isUnhealthy } from './lib/cluster-nodes.ts';
import type { NodeFacts } from './lib/node-facts.ts';
import { CLUSTER_SLOTS, type Topology } from './topology.ts';

export function clusterProblems(topology: Topology, facts: ReadonlyMap<string, NodeFacts>): string[] {
  const problems: string[] = [];
  const idOf = (ref: string) => facts.get(ref)!.id;
  for (const node of topology.nodes) {
    const f = facts.get(node.ref)!;
    if (f.cluster.state !== 'ok') problems.push(`${node.ref}: cluster_state:${f.cluster.state}`);
    if (f.cluster.slotsAssigned !== CLUSTER_SLOTS) problems.push(`${node.ref}: ${f.cluster.slotsAssigned} of ${CLUSTER_SLOTS} slots assigned`);
    if (f.cluster.knownNodes < topology.nodes.length) {
      problems.push(`${node.ref}: knows ${f.cluster.knownNodes} of ${topology.nodes.length} nodes`);
    }
    const troubled = f.view.nodes.filter((n) => isUnhealthy(n) && topology.nodes.some((t) => idOf(t.ref) === n.id));
    for (const n of troubled) problems.push(`${node.ref}: sees ${n.ip}:${n.port} as ${n.flags.join(',')}`);
  }
  for (const replica of topology.replicas) {
    const r = facts.get(replica.ref)!;
    const m = facts.get(replica.masterRef!)!;
    // Either way round: after a failover the planned replica serves as the master.
    const [follower, leader] = isReplica(m.view.myself) && m.view.myself.masterId === r.id ? [m, r] : [r, m];
    if (!isReplica(follower.view.myself) || follower.view.myself.masterId !== leader.id) {
      problems.push(`${replica.ref}: does not replicate ${replica.masterRef}`);
    } else if (follower.masterLinkUp === false) {
      problems.push(`${follower.ref}: replication link to ${leader.ref} is down`);
    }
  }
  return problems;
}

// Its plan is the list of problems; it has no change of its own, so apply only polls them away.
export const taskModule = defineClusterModule<string[]>({
  name: 'redis.wait',
  summary: 'Wait until every node reports cluster_state:ok, all 16384 slots, and every master has its replicas',
  plan: clusterProblems,
  upToDate: (problems) => (problems.length === 0 ? 'cluster healthy' : undefined),
  describe: (problems) => `wait for the cluster: ${problems.slice(0, 3).join('; ')}`,
  converge: { problems: clusterProblems, failure: 'cluster not healthy after', intervalMs: 500 },
  result: () => ({ healthy: true }),
});
