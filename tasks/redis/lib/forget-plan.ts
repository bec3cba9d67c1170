// Which CLUSTER FORGET to send after a reset, so the nodes left in the cluster stop gossiping about
// the nodes that left it. Redis's rules (CLUSTER FORGET docs): the id goes on a 60 s ban list on
// the receiving node only (before 7.2 the ban list is not gossiped), so every remaining node that
// lists the id must get the command within that minute; a node refuses to forget itself, its own
// master (a replica), and an id it does not know.
import type { NodeFacts } from './node-facts.ts';

export interface LeftNode {
  ref: string;
  id: string;
}

export interface ForgetPlan {
  /** Per remaining node, the left nodes it still lists. */
  send: { on: string; forget: LeftNode[] }[];
  /** A left node a remaining replica follows: Redis refuses to forget a master, so it stays listed. */
  cannot: { on: string; left: string }[];
}

export function planForget(left: readonly LeftNode[], remaining: readonly NodeFacts[]): ForgetPlan {
  const plan: ForgetPlan = { send: [], cannot: [] };
  const leftIds = new Set(left.map((l) => l.id));
  for (const facts of remaining) {
    if (leftIds.has(facts.id)) continue;
    const listed = new Set(facts.view.nodes.map((n) => n.id));
    const forget: LeftNode[] = [];
    for (const node of left) {
      if (!listed.has(node.id)) continue;
      if (facts.view.myself.masterId === node.id) plan.cannot.push({ on: facts.ref, left: node.ref });
      else forget.push(node);
    }
    if (forget.length > 0) plan.send.push({ on: facts.ref, forget });
  }
  return plan;
}

/** "Unknown node": the remaining node dropped it already (gossip, or a FORGET of an earlier run). */
export function isAlreadyForgotten(error: unknown): boolean {
  return error instanceof Error && /unknown node/i.test(error.message);
}
