// The guide's reset (FLUSHALL, then CLUSTER RESET) as a plan plus its execution. Data that was on
// a node before the run is never flushed unless forced: such a node is reported by name instead.
import type { Redis } from 'ioredis';
import type { TaskContext } from '../../../src/modules/module.ts';
import { isReplica } from './cluster-nodes.ts';
import { callText } from './client.ts';
import { withCluster, type ClusterParams } from './cluster-session.ts';
import { isFresh, type NodeFacts } from './node-facts.ts';
import { keysBefore } from './run-records.ts';

export interface ResetCandidate {
  ref: string;
  /** Keys when the run first saw the node; the current count when it has no earlier record. */
  keysBefore: number;
  replica: boolean;
  /** Knows other nodes, serves slots or follows a master: there is something to reset. */
  clustered: boolean;
  keysNow: number;
}

export interface ResetPlan {
  /** Replicas first: a replica refuses FLUSHALL (READONLY), and CLUSTER RESET empties it anyway. */
  reset: { ref: string; replica: boolean }[];
  refused: { ref: string; keys: number }[];
  /** Already alone and empty: nothing to do. */
  clean: string[];
}

export function planReset(candidates: readonly ResetCandidate[], force: boolean): ResetPlan {
  const plan: ResetPlan = { reset: [], refused: [], clean: [] };
  for (const c of candidates) {
    if (!c.clustered && c.keysNow === 0) plan.clean.push(c.ref);
    else if (c.keysBefore > 0 && !force) plan.refused.push({ ref: c.ref, keys: c.keysBefore });
    else plan.reset.push({ ref: c.ref, replica: c.replica });
  }
  plan.reset.sort((a, b) => Number(b.replica) - Number(a.replica));
  return plan;
}

export function resetCandidate(ctx: Pick<TaskContext, 'runState'>, facts: NodeFacts, recorded?: number): ResetCandidate {
  return {
    ref: facts.ref,
    keysBefore: recorded ?? keysBefore(ctx, facts.ref) ?? facts.keys,
    replica: isReplica(facts.view.myself),
    clustered: !isFresh(facts),
    keysNow: facts.keys,
  };
}

export function refusalMessage(refused: ResetPlan['refused']): string {
  return `not flushed, held keys before this run: ${refused.map((r) => `${r.ref} (${r.keys} keys)`).join(', ')}`;
}

/** FLUSHALL + CLUSTER RESET on one node; a replica is reset first, which turns it into an empty master. */
export async function resetNode(client: Redis, replica: boolean): Promise<void> {
  if (replica) await client.call('CLUSTER', 'RESET', 'SOFT');
  await client.call('FLUSHALL');
  if (!replica) await client.call('CLUSTER', 'RESET', 'SOFT');
  const left = Number(await callText(client, 'DBSIZE'));
  if (left !== 0) throw new Error(`still holds ${left} keys after FLUSHALL`);
}

export interface ResetRollbackState {
  nodes: string[];
  keysBefore: Record<string, number>;
}

/**
 * Rollback of meet/addslots/replicate: reset the nodes the run brought into the cluster, never one
 * that held keys before it. Failures are logged per node, not thrown, so the rest still rolls back.
 */
export async function resetNodes(ctx: TaskContext, params: ClusterParams, state: unknown): Promise<void> {
  const { nodes, keysBefore: recorded } = (state ?? { nodes: [], keysBefore: {} }) as ResetRollbackState;
  if (nodes.length === 0) return;
  await withCluster(
    ctx,
    params,
    async (session) => {
      const facts = await session.readFacts();
      const plan = planReset(
        nodes.map((ref) => resetCandidate(ctx, facts.get(ref)!, recorded[ref])),
        false,
      );
      if (plan.refused.length > 0) ctx.log.warn(refusalMessage(plan.refused));
      for (const { ref, replica } of plan.reset) {
        try {
          await resetNode(session.client(ref), replica);
          ctx.log.info(`${ref}: flushed and cluster reset`);
        } catch (error) {
          ctx.log.warn(`${ref}: reset failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    },
    nodes,
  );
}
