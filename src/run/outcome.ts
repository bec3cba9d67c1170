import type { NodeStatus } from './events.ts';

/** What running one node produced; the scheduler only needs the status to decide on dependents. */
export interface NodeOutcome {
  status: NodeStatus;
  /** A failure the task's `ignore_errors` accepted: dependents still run. */
  ignoredError?: boolean;
  message?: string;
  /** Not counted in the recap, as Ansible does not count it (a rescue not needed, a handler not notified). */
  uncounted?: boolean;
  /** A failure a block's rescue made good: it no longer fails the host. */
  rescued?: boolean;
}

const PASSING: ReadonlySet<NodeStatus> = new Set(['ok', 'changed', 'skipped']);

export function outcomePasses(outcome: NodeOutcome): boolean {
  return PASSING.has(outcome.status) || outcome.ignoredError === true;
}
