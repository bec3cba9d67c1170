// One failback, sent and watched: wait (bounded) until the planned master has caught up with its
// replacement, CLUSTER FAILOVER on it, wait until both report the switched roles. One pair at a
// time, so each failover's election sees a settled cluster and an error names the one pair.
import { TaskError } from '../../../src/errors.ts';
import type { TaskContext } from '../../../src/modules/module.ts';
import { pollUntil } from '../../../src/modules/wait.ts';
import type { FailbackParams, FailbackStep } from '../failback.ts';
import { callText } from './client.ts';
import { isReplica } from './cluster-nodes.ts';
import type { ClusterSession } from './cluster-session.ts';
import { parseInfo, type InfoFields } from './info.ts';
import { readNodeFacts, type NodeFacts } from './node-facts.ts';

/**
 * Redis ends a manual failover that did not complete after 5 s (CLUSTER_MF_TIMEOUT) and leaves
 * the roles as they were; CLUSTER FAILOVER is sent again after this long without the switch.
 */
const RESEND_AFTER_MS = 8000;

/**
 * Why `step.ref` has not caught up with its replacement yet, from INFO replication of the
 * replacement (read first) and then of the planned master. Read in that order, an offset of the
 * replica at least the master's means it holds every write the master had acknowledged when asked
 * (the master's offset moves on with its pings; equal when idle).
 */
export function catchUpProblems(step: FailbackStep, leader: InfoFields, follower: InfoFields): string[] {
  if (leader.role !== 'master') return [`${step.replacementRef} is not a master (role:${leader.role ?? '?'})`];
  if (follower.role !== 'slave') return [`${step.ref} is not a replica (role:${follower.role ?? '?'})`];
  if (follower.master_link_status !== 'up') return [`${step.ref}: replication link to ${step.replacementRef} is ${follower.master_link_status ?? 'unknown'}`];
  const want = Number(leader.master_repl_offset);
  const have = Number(follower.slave_repl_offset);
  if (!Number.isFinite(want) || !Number.isFinite(have)) return [`${step.ref}: no replication offsets in INFO replication`];
  if (have < want) return [`${step.ref} is ${want - have} bytes behind ${step.replacementRef} (slave_repl_offset ${have}, master_repl_offset ${want})`];
  return [];
}

/** What must show once a step was sent: the roles switched on both nodes, as each reports itself. */
export function switchProblems(step: FailbackStep, facts: ReadonlyMap<string, NodeFacts>): string[] {
  const m = facts.get(step.ref);
  const r = facts.get(step.replacementRef);
  if (!m || !r) return [`${!m ? step.ref : step.replacementRef} did not answer`];
  const problems: string[] = [];
  if (isReplica(m.view.myself) || m.view.myself.slots.length === 0 || m.replication?.role === 'replica') {
    problems.push(`${step.ref} is not master again`);
  }
  if (!isReplica(r.view.myself) || r.view.myself.masterId !== m.id || r.replication?.role === 'master') {
    problems.push(`${step.replacementRef} does not follow ${step.ref} yet`);
  }
  return problems;
}

export async function failBack(ctx: TaskContext, params: FailbackParams, session: ClusterSession, step: FailbackStep): Promise<void> {
  const timeoutMs = params.timeout * 1000;
  const info = async (ref: string) => parseInfo(await callText(session.client(ref), 'INFO', 'replication'));
  const lag = await pollUntil(
    async () => catchUpProblems(step, await info(step.replacementRef), await info(step.ref)),
    timeoutMs,
    ctx.signal,
    200,
  );
  if (lag.length > 0) throw new TaskError(`${step.ref} did not catch up with ${step.replacementRef} within ${params.timeout}s: ${lag.join('; ')}`);

  const switched = async () => {
    const facts = new Map(await Promise.all([step.ref, step.replacementRef].map(async (ref) => [ref, await readNodeFacts(ref, session.client(ref))] as const)));
    return switchProblems(step, facts);
  };
  let sentAt = 0;
  const problems = await pollUntil(
    async () => {
      const left = await switched();
      if (left.length > 0 && Date.now() - sentAt >= RESEND_AFTER_MS) {
        ctx.log.info(
          sentAt === 0
            ? `${step.ref}: CLUSTER FAILOVER (caught up with ${step.replacementRef})`
            : `${step.ref}: CLUSTER FAILOVER again (roles not switched ${RESEND_AFTER_MS / 1000}s after the last: ${left.join('; ')})`,
        );
        await session.client(step.ref).call('CLUSTER', 'FAILOVER');
        sentAt = Date.now();
      }
      return left;
    },
    timeoutMs,
    ctx.signal,
    200,
  );
  if (problems.length > 0) {
    throw new TaskError(`${step.ref} did not become master again within ${params.timeout}s (CLUSTER FAILOVER sent): ${problems.join('; ')}`);
  }
  ctx.log.info(`${step.ref}: master again, ${step.replacementRef} its replica`);
}
