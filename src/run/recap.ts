// The run's own tally per host, in Ansible's PLAY RECAP columns, and the exit code it implies.
// Counting is the run's: reporters are handed the counts and only format them.

import type { HostRecap, NodeStatus, Recap } from './events.ts';

export function emptyHostRecap(): HostRecap {
  return { ok: 0, changed: 0, failed: 0, blocked: 0, skipped: 0, rescued: 0, unreachable: 0, undone: 0 };
}

/**
 * Counts one node's outcome for its host, creating the host's row on first sight. A failure that
 * ignore_errors accepted counts as ok (Ansible's "ignored" does not fail the host).
 */
export function tallyNode(recap: Recap, host: string, status: NodeStatus, ignoredError = false): HostRecap {
  const row = (recap[host] ??= emptyHostRecap());
  row[ignoredError ? 'ok' : status] += 1;
  return row;
}

/**
 * A rescued block: its failures move from failed to one `rescued`, and the tasks the failure
 * kept from running are no longer blocked, as Ansible's recap shows it.
 */
export function tallyRescue(recap: Recap, host: string, failedNodes: number, blockedNodes = 0): HostRecap {
  const row = (recap[host] ??= emptyHostRecap());
  row.failed -= failedNodes;
  row.blocked -= blockedNodes;
  row.rescued += 1;
  return row;
}

/** A change rollback undid: it is no longer counted as changed, but as undone. */
export function tallyUndone(recap: Recap, host: string): HostRecap {
  const row = (recap[host] ??= emptyHostRecap());
  if (row.changed > 0) row.changed -= 1;
  row.undone += 1;
  return row;
}

export const EXIT_OK = 0;
export const EXIT_TASK_FAILED = 2;
export const EXIT_UNREACHABLE = 3;
export const EXIT_BAD_INPUT = 4;
/** Ansible's code for a run the user interrupted (ansible-playbook's KeyboardInterrupt: 99). */
export const EXIT_INTERRUPTED = 99;

/**
 * The process exit code for a finished run. The rule, most severe first:
 * - 99 when the run was interrupted (Ctrl-C, SIGTERM), whatever had happened before, as Ansible;
 * - 4 when the input was bad (nothing ran, or the run stopped on it);
 * - 3 when any host was unreachable, even if tasks also failed elsewhere: an unreachable host
 *   means part of the inventory was never worked on, which a retry of the run must address first;
 * - 2 when any task failed;
 * - 2 when nodes were blocked with no failure or unreachable host recorded (a blocked node
 *   follows its cause, which is normally counted above; if the cause is missing, the run still
 *   did not do all its work and must not report success);
 * - 0 otherwise. Failures the task ignored (`ignore_errors`) were counted as ok by tallyNode.
 */
export function exitCodeFor(recap: Recap, options: { badInput?: boolean; interrupted?: boolean } = {}): number {
  if (options.interrupted) return EXIT_INTERRUPTED;
  if (options.badInput) return EXIT_BAD_INPUT;
  const rows = Object.values(recap);
  if (rows.some((row) => row.unreachable > 0)) return EXIT_UNREACHABLE;
  if (rows.some((row) => row.failed > 0 || row.blocked > 0)) return EXIT_TASK_FAILED;
  return EXIT_OK;
}
