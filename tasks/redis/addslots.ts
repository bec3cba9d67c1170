// redis.addslots: give each planned master the slots of its range (redis-cli's even split) that no
// node serves yet. Slots already served, by anyone, are left alone: after a failover the replica
// that took over holds them, which is a healthy cluster, not a difference to repair.
import { defineClusterModule } from './lib/cluster-module.ts';
import { isReplica } from './lib/cluster-nodes.ts';
import type { NodeFacts } from './lib/node-facts.ts';
import { addSlotsCommands, countSlots, formatRanges, rangesWhere, slotMask } from './lib/slots.ts';
import { slotRanges, type SlotRange, type Topology } from './topology.ts';

export interface SlotAssignment {
  ref: string;
  ranges: SlotRange[];
}

export interface AddSlotsPlan {
  assign: SlotAssignment[];
  refused: { ref: string; reason: string }[];
}

/** Slots served according to any node's view (its own line or what it heard by gossip). */
export function servedSlots(facts: Iterable<NodeFacts>): Uint8Array {
  const ranges: SlotRange[] = [];
  for (const f of facts) for (const n of f.view.nodes) ranges.push(...n.slots);
  return slotMask(ranges);
}

export function planAddSlots(topology: Topology, facts: ReadonlyMap<string, NodeFacts>): AddSlotsPlan {
  const served = servedSlots(facts.values());
  const plan: AddSlotsPlan = { assign: [], refused: [] };
  slotRanges(topology.masters.length).forEach((range, index) => {
    const master = topology.masters[index];
    const missing = rangesWhere(range, (slot) => served[slot] === 0);
    if (missing.length === 0) return;
    if (isReplica(facts.get(master.ref)!.view.myself)) {
      plan.refused.push({ ref: master.ref, reason: `is a replica now; cannot take unassigned slots ${formatRanges(missing)}` });
    } else {
      plan.assign.push({ ref: master.ref, ranges: missing });
    }
  });
  return plan;
}

/** Problems left once slots were added: a planned slot no node serves yet in every node's view. */
export function unassignedProblems(topology: Topology, facts: ReadonlyMap<string, NodeFacts>): string[] {
  const problems: string[] = [];
  for (const node of topology.nodes) {
    const mask = servedSlots([facts.get(node.ref)!]);
    const missing = countSlots(rangesWhere({ first: 0, last: mask.length - 1 }, (s) => mask[s] === 0));
    if (missing > 0) problems.push(`${node.ref} sees ${missing} slots unassigned`);
  }
  return problems;
}

export const taskModule = defineClusterModule<AddSlotsPlan>({
  name: 'redis.addslots',
  summary: "Assign each master the slots of its planned range that no node serves yet (redis-cli's even split)",
  plan: planAddSlots,
  refusals: { message: 'cannot assign slots', of: (plan) => plan.refused },
  upToDate: (plan) => (plan.assign.length === 0 ? 'all planned slots are served' : undefined),
  describe: (plan) => `add slots: ${plan.assign.map((a) => `${a.ref} += ${formatRanges(a.ranges)}`).join('; ')}`,
  change: {
    nodes: (plan) => plan.assign.map((a) => a.ref),
    async send({ ctx, session, plan, facts }) {
      for (const { ref, ranges } of plan.assign) {
        const [major] = facts.get(ref)!.version;
        ctx.log.info(`${ref}: add slots ${formatRanges(ranges)}`);
        for (const [command, ...args] of addSlotsCommands(ranges, major >= 7)) {
          await session.client(ref).call(command, ...args);
        }
      }
    },
  },
  converge: { problems: unassignedProblems, failure: 'slot assignment did not propagate within' },
  result: (plan) => ({ assigned: Object.fromEntries(plan.assign.map((a) => [a.ref, formatRanges(a.ranges)])) }),
});
