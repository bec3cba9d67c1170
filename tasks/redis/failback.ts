// redis.failback: give every planned master its role back after a failover. A master that failed
// comes back as a replica of its own planned replica (Redis's rule: the higher config epoch wins),
// which leaves that server holding two masters; losing it next takes two shards' masters at once.
// Once the returning node has caught up, CLUSTER FAILOVER on it (the graceful kind: the master
// pauses its clients until the replica has every write, so nothing is lost) swaps them back.
// The decision is pure (cluster state in, plan out, tested from data in failback-plans.test.ts);
// the commands and waits are in lib/failback-steps.ts.
import { isIP } from 'node:net';
import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { defineModule, type ApplyResult } from '../../src/modules/module.ts';
import { pollUntil } from '../../src/modules/wait.ts';
import { isReplica, type ClusterNodeEntry } from './lib/cluster-nodes.ts';
import { clusterParams, withCluster } from './lib/cluster-session.ts';
import { failBack, switchProblems } from './lib/failback-steps.ts';
import type { NodeFacts } from './lib/node-facts.ts';
import { checkPlayTopology, type Topology, type TopologyNode } from './topology.ts';
import { clusterProblems } from './wait.ts';

export const failbackParams = clusterParams.extend({
  failback: z
    .boolean()
    .default(true)
    .describe('false: keep the roles a failover left (the planned replica stays master); the check says which'),
});
export type FailbackParams = z.infer<typeof failbackParams>;

export interface FailbackStep {
  /** The planned master, now a replica of its planned replica: CLUSTER FAILOVER is sent to it. */
  ref: string;
  /** The planned replica that took its slots over and serves them now. */
  replacementRef: string;
  /** False while the planned master does not answer (--check before its server's nodes are started). */
  back: boolean;
  /**
   * Its replication link is not up yet (a full sync after the restart): apply waits for it. Bytes
   * behind are not shown from these facts: the nodes were read one after another, so the master's
   * offset was read later and the difference is noise; apply compares them in the right order.
   */
  syncing?: boolean;
}

export interface FailbackPlan {
  failback: FailbackStep[];
  /** Swapped pairs left as they are because failback is off, as "R is the master, M its replica". */
  kept: string[];
}

type Facts = ReadonlyMap<string, NodeFacts>;

/**
 * For each planned master whose planned replica now serves slots as a master: a failback step, or
 * with failback off a kept pair. Facts may lack nodes that did not answer (the check reads what it
 * can): a planned master that does not answer counts as swapped when its replacement still lists
 * it as failed or as its replica, so --check before a restart already shows the failback to come.
 * A pair the cluster has not settled yet (both claim slots) is left to redis.wait, which runs first.
 */
export function planFailback(topology: Topology, facts: Facts, options: { failback: boolean }): FailbackPlan {
  const plan: FailbackPlan = { failback: [], kept: [] };
  for (const replica of topology.replicas) {
    const master = topology.nodes.find((n) => n.ref === replica.masterRef)!;
    const r = facts.get(replica.ref);
    if (!r || isReplica(r.view.myself) || r.view.myself.slots.length === 0) continue;
    const m = facts.get(master.ref);
    let step: FailbackStep | undefined;
    if (m) {
      const me = m.view.myself;
      if (isReplica(me) && me.masterId === r.id) step = { ref: master.ref, replacementRef: replica.ref, back: true, ...(m.masterLinkUp === false ? { syncing: true } : {}) };
    } else {
      const seen = entryFor(r, master, facts);
      if (seen && (seen.flags.some((f) => f.startsWith('fail')) || seen.masterId === r.id) && seen.slots.length === 0) {
        step = { ref: master.ref, replacementRef: replica.ref, back: false };
      }
    }
    if (!step) continue;
    if (options.failback) plan.failback.push(step);
    else plan.kept.push(`${replica.ref} is the master, ${master.ref} its replica`);
  }
  return plan;
}

/**
 * The line `seer` has for a planned node that did not answer: by the IP it announces (config sets
 * cluster-announce-ip to an IP address), else, for a host given by name, by its port among the
 * nodes that did not answer either.
 */
function entryFor(seer: NodeFacts, node: TopologyNode, facts: Facts): ClusterNodeEntry | undefined {
  if (isIP(node.address)) return seer.view.nodes.find((n) => n.port === node.port && n.ip === node.address);
  const answered = new Set([...facts.values()].map((f) => f.id));
  const candidates = seer.view.nodes.filter((n) => n.port === node.port && !answered.has(n.id));
  return candidates.length === 1 ? candidates[0] : undefined;
}

export function describeFailback(plan: FailbackPlan): string {
  return plan.failback
    .map((s) => {
      const when = !s.back ? ` (once ${s.ref} is back)` : s.syncing ? ' (once it has synced: its link is down)' : '';
      return `fail back ${s.ref}: master again, ${s.replacementRef} its replica${when}`;
    })
    .join('; ');
}

export function failbackUpToDate(plan: FailbackPlan): string | undefined {
  if (plan.failback.length > 0) return undefined;
  if (plan.kept.length > 0) return `failback off (redis_failback: false), current roles kept: ${plan.kept.join('; ')}`;
  return 'every planned master is master';
}

export const taskModule = defineModule<FailbackParams, FailbackPlan>({
  name: 'redis.failback',
  summary: 'CLUSTER FAILOVER (graceful) on each planned master that came back as a replica, once it has caught up',
  params: failbackParams,
  preflight: checkPlayTopology,
  async check(ctx, params) {
    // Reads every node that answers: in --check a server's nodes may not be started yet, and the
    // plan can still tell from the survivors that they will be failed back once they are.
    return withCluster(
      ctx,
      params,
      async (session) => {
        const plan = planFailback(session.topology, await session.readFacts(), params);
        const reason = failbackUpToDate(plan);
        if (reason !== undefined) return { status: 'ok', reason };
        return { status: 'change', description: describeFailback(plan), state: plan };
      },
      undefined,
      true,
    );
  },
  async apply(ctx, params) {
    // Every node this time: CLUSTER FAILOVER needs both of a pair, and the end is checked on all.
    return withCluster(ctx, params, async (session): Promise<ApplyResult> => {
      const plan = planFailback(session.topology, await session.readFacts(), params);
      for (const step of plan.failback) await failBack(ctx, params, session, step);
      const problems = await pollUntil(
        async () => {
          const facts = await session.readFacts();
          return [...plan.failback.flatMap((s) => switchProblems(s, facts)), ...clusterProblems(session.topology, facts)];
        },
        params.timeout * 1000,
        ctx.signal,
        500,
      );
      if (problems.length > 0) throw new TaskError(`cluster not healthy after failback within ${params.timeout}s: ${problems.join('; ')}`);
      // Nothing to roll back: a failback loses no data, and undoing it would only fail over again.
      return { changed: plan.failback.length > 0, result: { failed_back: plan.failback.map((s) => s.ref) } };
    });
  },
});
