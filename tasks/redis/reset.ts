// redis.reset: the guide's reset (FLUSHALL, then CLUSTER RESET) on every planned node (scope: all,
// for playbooks/cluster-reset.yaml) or on the nodes this run brought into the cluster (scope: run,
// for a play's rollback). A node that held keys before the run is refused by name unless force.
import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';
import { clusterParams, withCluster } from './lib/cluster-session.ts';
import { planReset, refusalMessage, resetCandidate, resetNode, type ResetPlan } from './lib/reset-nodes.ts';
import { broughtIn } from './lib/run-records.ts';
import { topologyFromPlay } from './topology.ts';

const params = clusterParams.extend({
  scope: z
    .enum(['run', 'all'])
    .default('run')
    .describe('run: only nodes this run brought into the cluster (rollback); all: every planned node (fails when one is refused)'),
  force: z.boolean().default(false).describe('Also flush nodes that held keys before the run'),
});
type ResetParams = z.infer<typeof params>;

function targets(ctx: TaskContext, p: ResetParams): string[] {
  return p.scope === 'all' ? topologyFromPlay(ctx.play.hosts, { allowSameHost: p.allow_same_host }).nodes.map((n) => n.ref) : broughtIn(ctx);
}

async function plan(ctx: TaskContext, p: ResetParams, refs: string[]): Promise<ResetPlan> {
  return withCluster(
    ctx,
    p,
    async (session) => {
      const facts = await session.readFacts();
      return planReset(refs.map((ref) => resetCandidate(ctx, facts.get(ref)!)), p.force);
    },
    refs,
  );
}

function describe(p: ResetPlan): string {
  const parts = [];
  if (p.reset.length > 0) parts.push(`flush and cluster reset ${p.reset.map((r) => r.ref).join(', ')}`);
  if (p.refused.length > 0) parts.push(refusalMessage(p.refused));
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
    if (planned.reset.length === 0 && planned.refused.length === 0) return { status: 'ok', reason: 'every node alone and empty' };
    return { status: 'change', description: describe(planned), state: planned };
  },
  async apply(ctx, p) {
    const refs = targets(ctx, p);
    return withCluster(
      ctx,
      p,
      async (session) => {
        const facts = await session.readFacts();
        const planned = planReset(refs.map((ref) => resetCandidate(ctx, facts.get(ref)!)), p.force);
        for (const { ref, replica } of planned.reset) {
          ctx.log.info(`${ref}: FLUSHALL + CLUSTER RESET`);
          await resetNode(session.client(ref), replica);
        }
        const refused = planned.refused.map((r) => r.ref);
        if (refused.length > 0) {
          ctx.log.warn(refusalMessage(planned.refused));
          if (p.scope === 'all') {
            throw new TaskError(`${refusalMessage(planned.refused)} (rerun with force=true to flush them)`);
          }
        }
        return { changed: planned.reset.length > 0, result: { reset: planned.reset.map((r) => r.ref), refused } };
      },
      refs,
    );
  },
});
