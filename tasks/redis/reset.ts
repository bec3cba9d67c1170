// redis.reset: the guide's reset (FLUSHALL, then CLUSTER RESET) on every planned node (scope: all,
// for playbooks/cluster-reset.yaml) or on the nodes this run brought into the cluster (scope: run,
// for a play's rollback). A node that held keys before the run is refused by name unless force.
// With scope: all and no force, a node holding keys refuses the whole reset before any node is
// touched. A node that cannot be reached does not stop the others: they are reset, and the task
// then fails naming it.
import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';
import { clusterParams, withCluster } from './lib/cluster-session.ts';
import {
  planReset, refusalMessage, resetCandidate, ResetIncompleteError, resetFailure, resetReachable, wholeResetRefusal, type ResetPlan,
} from './lib/reset-nodes.ts';
import { broughtIn } from './lib/run-records.ts';
import { topologyFromPlay } from './topology.ts';

const params = clusterParams.extend({
  scope: z
    .enum(['run', 'all'])
    .default('run')
    .describe('run: only nodes this run brought into the cluster (rollback); all: every planned node (without force: refused as a whole while any holds keys)'),
  force: z.boolean().default(false).describe('Also flush nodes that held keys before the run'),
});
type ResetParams = z.infer<typeof params>;

function targets(ctx: TaskContext, p: ResetParams): string[] {
  return p.scope === 'all' ? topologyFromPlay(ctx.play.hosts, { allowSameHost: p.allow_same_host }).nodes.map((n) => n.ref) : broughtIn(ctx);
}

/** The guide's reset on purpose, unforced: refused as a whole while any node holds keys (rollback is not). */
function wholeOrNothing(p: ResetParams): boolean {
  return p.scope === 'all' && !p.force;
}

type CheckedPlan = ResetPlan & { unreachable: string[] };

async function plan(ctx: TaskContext, p: ResetParams, refs: string[]): Promise<CheckedPlan> {
  return withCluster(
    ctx,
    p,
    async (session) => {
      const facts = await session.readFacts();
      const reached = refs.filter((ref) => facts.has(ref));
      return {
        ...planReset(reached.map((ref) => resetCandidate(ctx, facts.get(ref)!)), p.force),
        unreachable: refs.filter((ref) => !facts.has(ref)),
      };
    },
    refs,
    true,
  );
}

function describe(p: CheckedPlan): string {
  const parts = [];
  if (p.reset.length > 0) parts.push(`flush and cluster reset ${p.reset.map((r) => r.ref).join(', ')}`);
  if (p.refused.length > 0) parts.push(refusalMessage(p.refused));
  if (p.unreachable.length > 0) parts.push(`unreachable: ${p.unreachable.join(', ')}`);
  return parts.join('; ');
}

export const taskModule = defineModule({
  name: 'redis.reset',
  summary: 'FLUSHALL + CLUSTER RESET, never on a node that held keys before the run unless force',
  params,
  async check(ctx, p) {
    const refs = targets(ctx, p);
    if (refs.length === 0) return { status: 'ok', reason: 'this run brought no node into the cluster' };
    const planned = await plan(ctx, p, refs);
    const whole = wholeOrNothing(p) ? wholeResetRefusal(planned.refused) : undefined;
    if (whole) throw new TaskError(whole);
    if (planned.reset.length === 0 && planned.refused.length === 0 && planned.unreachable.length === 0) return { status: 'ok', reason: 'every node alone and empty' };
    return { status: 'change', description: describe(planned), state: planned };
  },
  async apply(ctx, p) {
    const outcome = await resetReachable(ctx, p, targets(ctx, p), { force: p.force, wholeOrNothing: wholeOrNothing(p) });
    // Thrown only now, after every reachable node was reset: the run fails, naming the rest.
    const failure = resetFailure(outcome);
    if (failure) throw new ResetIncompleteError(failure, outcome);
    return {
      changed: outcome.reset.length > 0,
      result: { reset: outcome.reset, refused: outcome.refused.map((r) => r.ref), forgotten: outcome.forgotten },
    };
  },
});
