// The skeleton of the run_once cluster modules (redis.meet, replicate, addslots, wait), written once.
// Each reads every planned node's facts through one session and hands them to its own pure planner;
// this file turns that plan into check's refusal / ok / change, and into apply's "plan again, record
// what rollback may reset, send, then poll until the cluster shows it". A module keeps only its
// decision (tested from captured tables) and the commands it sends.
import { TaskError } from '../../../src/errors.ts';
import { defineModule, type ApplyResult, type TaskContext, type TaskModule } from '../../../src/modules/module.ts';
import { pollUntil } from '../../../src/modules/wait.ts';
import { checkPlayTopology, type Topology } from '../topology.ts';
import { clusterParams, withCluster, type ClusterParams, type ClusterSession } from './cluster-session.ts';
import type { NodeFacts } from './node-facts.ts';
import { resetNodes, type ResetRollbackState } from './reset-nodes.ts';
import { recordBroughtIn } from './run-records.ts';

export type ClusterFacts = ReadonlyMap<string, NodeFacts>;

/** A planned node the module will not touch, and why. */
export interface Refusal {
  ref: string;
  reason: string;
}

/** What a module's commands work from: the open session, and the plan with the facts it came from. */
export interface ClusterChange<P> {
  ctx: TaskContext;
  params: ClusterParams;
  session: ClusterSession;
  plan: P;
  facts: ClusterFacts;
}

export interface ClusterModuleSpec<P> {
  name: string;
  summary: string;
  /** The module's decision: facts in, plan out, no I/O. */
  plan(topology: Topology, facts: ClusterFacts): P;
  /** Any refused node fails the task, in check and in apply alike: `${message}: REF REASON; ...`. */
  refusals?: { message: string; of(plan: P): readonly Refusal[] };
  /** check's ok reason when the plan has nothing to do; undefined when it changes something. */
  upToDate(plan: P): string | undefined;
  /** check's one line for the planned change, which --check prints. */
  describe(plan: P): string;
  /**
   * The commands of the change. A module without them changes nothing (redis.wait): its apply only
   * waits for `converge`, reports changed: false and has nothing to roll back.
   */
  change?: {
    /** The nodes this change brings into the cluster: what a failed play's rollback may reset. */
    nodes(plan: P): string[];
    send(change: ClusterChange<P>): Promise<void>;
  };
  /** What must show once apply has sent its commands; polled until no problem is left or params.timeout passes. */
  converge: {
    problems(topology: Topology, facts: ClusterFacts, plan: P): string[];
    /** The timeout's TaskError reads `${failure} ${timeout}s: PROBLEM; ...`. */
    failure: string;
    /** Between polls; pollUntil's default when unset. */
    intervalMs?: number;
  };
  /** The task's registered result after apply. */
  result(plan: P): Record<string, unknown>;
}

export function defineClusterModule<P>(spec: ClusterModuleSpec<P>): TaskModule<ClusterParams, P> {
  const { change, converge } = spec;
  return defineModule<ClusterParams, P>({
    name: spec.name,
    summary: spec.summary,
    params: clusterParams,
    preflight: checkPlayTopology,
    async check(ctx, params) {
      return withCluster(ctx, params, async (session) => {
        const plan = planOrRefuse(spec, session.topology, await session.readFacts());
        const reason = spec.upToDate(plan);
        if (reason !== undefined) return { status: 'ok', reason };
        return { status: 'change', description: spec.describe(plan), state: plan };
      });
    },
    async apply(ctx, params, checked) {
      return withCluster(ctx, params, async (session): Promise<ApplyResult> => {
        let plan = checked;
        let rollbackState: ResetRollbackState | undefined;
        if (change) {
          // Planned again from facts read now, not taken from check: the nodes are live, so keys may
          // have arrived or gossip moved on since, and a refusal must hold for what is sent.
          const facts = await session.readFacts();
          plan = planOrRefuse(spec, session.topology, facts);
          const nodes = change.nodes(plan);
          rollbackState = { nodes, keysBefore: Object.fromEntries(nodes.map((ref) => [ref, facts.get(ref)!.keys])) };
          // Recorded before the first command, so the play's rollback (redis.reset, scope: run) also
          // resets the nodes of a change that fails halfway.
          recordBroughtIn(ctx, nodes);
          await change.send({ ctx, params, session, plan, facts });
        }
        const problems = await pollUntil(
          async () => converge.problems(session.topology, await session.readFacts(), plan),
          params.timeout * 1000,
          ctx.signal,
          converge.intervalMs,
        );
        if (problems.length > 0) throw new TaskError(`${converge.failure} ${params.timeout}s: ${problems.join('; ')}`);
        return { changed: change !== undefined, result: spec.result(plan), ...(rollbackState ? { rollbackState } : {}) };
      });
    },
    ...(change ? { rollback: resetNodes } : {}),
  });
}

function planOrRefuse<P>(spec: ClusterModuleSpec<P>, topology: Topology, facts: ClusterFacts): P {
  const plan = spec.plan(topology, facts);
  const refused = spec.refusals?.of(plan) ?? [];
  if (refused.length > 0) {
    throw new TaskError(`${spec.refusals!.message}: ${refused.map((r) => `${r.ref} ${r.reason}`).join('; ')}`);
  }
  return plan;
}
