// redis.meet: every planned node learns every other, by CLUSTER MEET from one seed node, sent only
// to the nodes the seed does not know yet. A node holding keys or belonging to another cluster is
// refused rather than merged.
import { defineClusterModule } from './lib/cluster-module.ts';
import { isUnhealthy } from './lib/cluster-nodes.ts';
import { meetAddress } from './lib/cluster-session.ts';
import { isFresh, knownPeerIds, type NodeFacts } from './lib/node-facts.ts';
import type { Topology } from './topology.ts';

export interface MeetPlan {
  /** The node that sends CLUSTER MEET: the one that already knows the most planned nodes. */
  seed: string;
  /** Nodes the seed does not know yet. */
  meet: string[];
  refused: { ref: string; reason: string }[];
  /** Nodes that were alone before this run and join the cluster through it. */
  broughtIn: string[];
}

export function planMeet(topology: Topology, facts: ReadonlyMap<string, NodeFacts>): MeetPlan {
  const refs = topology.nodes.map((n) => n.ref);
  const plannedIds = new Set(refs.map((ref) => facts.get(ref)!.id));
  const knownPlanned = (ref: string) => [...knownPeerIds(facts.get(ref)!)].filter((id) => plannedIds.has(id)).length;
  // Ties go to the first node in topology order, so every run picks the same seed.
  const seed = refs.reduce((best, ref) => (knownPlanned(ref) > knownPlanned(best) ? ref : best));
  const seedKnows = knownPeerIds(facts.get(seed)!);
  // A seed that knows planned peers is our cluster already: its keys are that cluster's data. A
  // seed that knows none is a stranger like any other node, and would pull every node it meets
  // into its cluster or next to its keys, so it is checked like the rest.
  const seedIsOurs = knownPlanned(seed) > 0;

  const meet: string[] = [];
  const refused: MeetPlan['refused'] = [];
  for (const ref of refs) {
    const f = facts.get(ref)!;
    if (seedKnows.has(f.id) || (ref === seed && seedIsOurs)) continue;
    const reason = refusal(f, plannedIds);
    if (reason) refused.push({ ref, reason });
    else if (ref !== seed) meet.push(ref);
  }
  const broughtIn = meet.filter((ref) => isFresh(facts.get(ref)!));
  if (meet.length > 0 && isFresh(facts.get(seed)!)) broughtIn.unshift(seed);
  return { seed, meet, refused, broughtIn };
}

/** Why a node that is not part of our cluster yet must not be met: another cluster, or keys. */
function refusal(f: NodeFacts, plannedIds: ReadonlySet<string>): string | undefined {
  const foreign = f.view.nodes.filter((n) => n !== f.view.myself && !plannedIds.has(n.id) && !isUnhealthy(n));
  if (foreign.length > 0) return `already in another cluster (knows ${foreign.map((n) => `${n.ip}:${n.port}`).join(', ')})`;
  if (f.keys > 0) return `holds ${f.keys} keys; reset it first (redis.reset with force: true)`;
  return undefined;
}

/** What is still missing for a full mesh: every planned node knowing every other by id, handshakes done. */
export function meshProblems(topology: Topology, facts: ReadonlyMap<string, NodeFacts>): string[] {
  const problems: string[] = [];
  for (const node of topology.nodes) {
    const known = knownPeerIds(facts.get(node.ref)!);
    const missing = topology.nodes.filter((o) => o !== node && !known.has(facts.get(o.ref)!.id)).map((o) => o.ref);
    if (missing.length > 0) problems.push(`${node.ref} does not know ${missing.join(', ')} yet`);
  }
  return problems;
}

export const taskModule = defineClusterModule<MeetPlan>({
  name: 'redis.meet',
  summary: 'CLUSTER MEET the planned nodes that the cluster does not know yet, and wait for the full mesh',
  plan: planMeet,
  refusals: { message: 'refusing to meet', of: (plan) => plan.refused },
  upToDate: (plan) => (plan.meet.length === 0 ? `every node already known to ${plan.seed}` : undefined),
  describe: (plan) => `meet ${plan.meet.join(', ')} from ${plan.seed}`,
  change: {
    nodes: (plan) => plan.broughtIn,
    async send({ ctx, session, plan, facts }) {
      const seedClient = session.client(plan.seed);
      for (const ref of plan.meet) {
        const node = session.topology.nodes.find((n) => n.ref === ref)!;
        const ip = await meetAddress(node, facts.get(ref)!);
        ctx.log.info(`${plan.seed}: CLUSTER MEET ${ip} ${node.port} ${node.busPort} (${ref})`);
        await seedClient.call('CLUSTER', 'MEET', ip, String(node.port), String(node.busPort));
      }
    },
  },
  converge: { problems: meshProblems, failure: 'cluster did not converge within' },
  result: (plan) => ({ seed: plan.seed, met: plan.meet }),
});
