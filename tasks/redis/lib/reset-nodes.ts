// The guide's reset (FLUSHALL, then CLUSTER RESET) as a plan plus its execution. Data that was on
// a node before the run is never flushed unless forced: such a node is reported by name instead.
import type { Redis } from 'ioredis';
import type { TaskContext } from '../../../src/modules/module.ts';
import { isReplica } from './cluster-nodes.ts';
import { callText } from './client.ts';
import { TaskError } from '../../../src/errors.ts';
import { withCluster, type ClusterParams } from './cluster-session.ts';
import { isAlreadyForgotten, planForget } from './forget-plan.ts';
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

/**
 * FLUSHALL + CLUSTER RESET on one node; a replica is reset first, which turns it into an empty
 * master. HARD (a new node id) for a node the remaining ones are about to CLUSTER FORGET: their
 * ban list keeps the old id out of gossip for 60 s and survives their own CLUSTER RESET, so with
 * the old id a cluster formed again within that minute would not converge.
 */
export async function resetNode(client: Redis, replica: boolean, hard = false): Promise<void> {
  const mode = hard ? 'HARD' : 'SOFT';
  if (replica) await client.call('CLUSTER', 'RESET', mode);
  await client.call('FLUSHALL');
  if (!replica) await client.call('CLUSTER', 'RESET', mode);
  const left = Number(await callText(client, 'DBSIZE'));
  if (left !== 0) throw new Error(`still holds ${left} keys after FLUSHALL`);
}

export interface ResetOutcome {
  reset: string[];
  refused: ResetPlan['refused'];
  /** Targets that could not be reached: nothing was done to them. */
  unreachable: { ref: string; reason: string }[];
  /** Targets reached whose reset failed halfway. */
  failed: { ref: string; reason: string }[];
  /** Remaining nodes told to CLUSTER FORGET the reset ones. */
  forgotten: { on: string; forget: string[] }[];
}

/**
 * The on-purpose reset (scope all) without force: refused as a whole while any node holds keys,
 * so no node is flushed, reset or forgotten on the way to that refusal (a half-reset cluster
 * would be worse than either). Undefined when nothing is refused.
 */
export function wholeResetRefusal(refused: ResetPlan['refused']): string | undefined {
  if (refused.length === 0) return undefined;
  const holders = refused.map((r) => `${r.ref} (${r.keys} keys)`).join(', ');
  return `refusing to reset any node: ${holders} hold keys; nothing was changed (rerun with force=true to flush them)`;
}

/**
 * Why the reset failed, naming every node it could not reset; undefined when it did all it was
 * asked. Refused nodes are not a failure here: rollback reports them, and the on-purpose reset
 * refuses before touching anything (wholeResetRefusal).
 */
export function resetFailure(outcome: Pick<ResetOutcome, 'unreachable' | 'failed'>): string | undefined {
  const parts: string[] = [];
  if (outcome.unreachable.length > 0) parts.push(`not reset, unreachable: ${outcome.unreachable.map((u) => `${u.ref} (${u.reason})`).join(', ')}`);
  if (outcome.failed.length > 0) parts.push(`reset failed: ${outcome.failed.map((f) => `${f.ref} (${f.reason})`).join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The reset did what it could and names what it could not; `outcome` says which nodes were reset. */
export class ResetIncompleteError extends TaskError {
  readonly outcome: ResetOutcome;
  constructor(message: string, outcome: ResetOutcome) {
    super(message);
    this.outcome = outcome;
  }
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Resets every reachable target (replicas first, never one that held keys before the run unless
 * force), then has every other reachable node CLUSTER FORGET the reset ones. A target that cannot
 * be reached is named in the outcome, not thrown: the caller fails only after all this is done.
 */
export async function resetReachable(
  ctx: TaskContext,
  params: ClusterParams,
  targets: readonly string[],
  options: { force: boolean; recorded?: Record<string, number>; wholeOrNothing?: boolean },
): Promise<ResetOutcome> {
  // Every planned node is opened, not just the targets: the others must forget the reset ones.
  return withCluster(
    ctx,
    params,
    async (session) => {
      const facts = await session.readFacts();
      const unreachable = targets.filter((ref) => !facts.has(ref)).map((ref) => ({ ref, reason: session.unreachable.get(ref) ?? 'not reached' }));
      for (const u of unreachable) ctx.log.warn(`${u.ref}: not reset, unreachable: ${u.reason}`);
      const reachable = targets.filter((ref) => facts.has(ref));
      const plan = planReset(reachable.map((ref) => resetCandidate(ctx, facts.get(ref)!, options.recorded?.[ref])), options.force);
      // Checked again here, not only in check: keys may have arrived between check and apply.
      const whole = options.wholeOrNothing ? wholeResetRefusal(plan.refused) : undefined;
      if (whole) throw new TaskError(whole);
      if (plan.refused.length > 0) ctx.log.warn(refusalMessage(plan.refused));
      const outcome: ResetOutcome = { reset: [], refused: plan.refused, unreachable, failed: [], forgotten: [] };
      const toForget = forgottenRefs(plan.reset.map((r) => r.ref), facts);
      for (const { ref, replica } of plan.reset) {
        try {
          await resetNode(session.client(ref), replica, toForget.has(ref));
          ctx.log.info(`${ref}: flushed and cluster reset`);
          outcome.reset.push(ref);
        } catch (error) {
          ctx.log.warn(`${ref}: reset failed: ${reason(error)}`);
          outcome.failed.push({ ref, reason: reason(error) });
        }
      }
      await forgetReset(ctx, session.clients, facts, outcome);
      for (const [ref, why] of session.unreachable) {
        if (!targets.includes(ref)) ctx.log.warn(`${ref}: unreachable, so not told to forget the reset nodes: ${why}`);
      }
      return outcome;
    },
    undefined,
    true,
  );
}

/** Planned resets that some remaining node lists, so will be told to forget (their reset is HARD). */
function forgottenRefs(resetRefs: readonly string[], facts: Map<string, NodeFacts>): Set<string> {
  const left = resetRefs.map((ref) => ({ ref, id: facts.get(ref)!.id }));
  const remaining = [...facts.values()].filter((f) => !resetRefs.includes(f.ref));
  return new Set(planForget(left, remaining).send.flatMap((s) => s.forget.map((f) => f.ref)));
}

/** All remaining nodes at once: the ban list each FORGET sets lasts 60 s on that node only. */
async function forgetReset(ctx: TaskContext, clients: Map<string, Redis>, facts: Map<string, NodeFacts>, outcome: ResetOutcome): Promise<void> {
  const left = outcome.reset.map((ref) => ({ ref, id: facts.get(ref)!.id }));
  const remaining = [...facts.values()].filter((f) => !outcome.reset.includes(f.ref));
  const plan = planForget(left, remaining);
  for (const c of plan.cannot) ctx.log.warn(`${c.on}: still lists ${c.left}, its master, which Redis refuses to forget`);
  await Promise.all(
    plan.send.map(async ({ on, forget }) => {
      const done: string[] = [];
      for (const node of forget) {
        try {
          await clients.get(on)!.call('CLUSTER', 'FORGET', node.id);
          done.push(node.ref);
        } catch (error) {
          if (isAlreadyForgotten(error)) done.push(node.ref);
          else ctx.log.warn(`${on}: CLUSTER FORGET ${node.ref} failed: ${reason(error)}`);
        }
      }
      if (done.length > 0) {
        ctx.log.info(`${on}: forgot ${done.join(', ')}`);
        outcome.forgotten.push({ on, forget: done });
      }
    }),
  );
}

export interface ResetRollbackState {
  nodes: string[];
  keysBefore: Record<string, number>;
}

/**
 * Rollback of meet/addslots/replicate: reset the nodes the run brought into the cluster, never one
 * that held keys before it. Each node that could not be reset is logged and the rest still rolls
 * back; then the rollback fails naming them, so the run says it was only partly undone.
 */
export async function resetNodes(ctx: TaskContext, params: ClusterParams, state: unknown): Promise<void> {
  const { nodes, keysBefore: recorded } = (state ?? { nodes: [], keysBefore: {} }) as ResetRollbackState;
  if (nodes.length === 0) return;
  const outcome = await resetReachable(ctx, params, nodes, { force: false, recorded });
  const failure = resetFailure(outcome);
  if (failure) throw new ResetIncompleteError(failure, outcome);
}
