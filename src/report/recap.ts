// The end-of-run summary per host, in Ansible's PLAY RECAP shape, and the exit code it implies.

import type { HostRecap, NodeStatus, Recap } from '../run/events.ts';
import { palette } from './style.ts';

/** Recap columns in the order they are printed. */
export const RECAP_STATUSES: readonly NodeStatus[] = ['ok', 'changed', 'failed', 'blocked', 'skipped', 'unreachable'];

export function emptyHostRecap(): HostRecap {
  return { ok: 0, changed: 0, failed: 0, blocked: 0, skipped: 0, unreachable: 0 };
}

/** Counts one node's outcome for its host, creating the host's row on first sight. */
export function tallyNode(recap: Recap, host: string, status: NodeStatus): void {
  const row = (recap[host] ??= emptyHostRecap());
  row[status] += 1;
}

/** The status that colors a host's name: the worst thing that happened on it. */
function worstStatus(row: HostRecap): NodeStatus {
  if (row.unreachable > 0) return 'unreachable';
  if (row.failed > 0) return 'failed';
  if (row.blocked > 0) return 'blocked';
  if (row.changed > 0) return 'changed';
  return 'ok';
}

/**
 * `server1 : ok=3 changed=1 failed=0 blocked=0 skipped=0 unreachable=0`, one line per host in
 * the recap's order, host names padded to the longest so the columns line up.
 */
export function formatRecap(recap: Recap, options: { color: boolean }): string {
  const style = palette(options.color);
  const hosts = Object.keys(recap);
  const width = Math.max(0, ...hosts.map((host) => host.length));
  return hosts
    .map((host) => {
      const row = recap[host];
      const name = style.status(worstStatus(row), host.padEnd(width));
      const counts = RECAP_STATUSES.map((status) => {
        const field = `${status}=${row[status]}`;
        // As Ansible does: a count is colored only when it is non-zero, so trouble stands out.
        return row[status] > 0 && status !== 'ok' ? style.status(status, field) : field;
      });
      return `${name} : ${counts.join(' ')}`;
    })
    .join('\n');
}

export const EXIT_OK = 0;
export const EXIT_TASK_FAILED = 2;
export const EXIT_UNREACHABLE = 3;
export const EXIT_BAD_INPUT = 4;

/**
 * The process exit code for a finished run. The rule, most severe first:
 * - 4 when the input was bad (nothing ran, or the run stopped on it);
 * - 3 when any host was unreachable, even if tasks also failed elsewhere: an unreachable host
 *   means part of the inventory was never worked on, which a retry of the run must address first;
 * - 2 when any task failed;
 * - 2 when nodes were blocked with no failure or unreachable host recorded (a blocked node
 *   follows its cause, which is normally counted above; if the cause is missing, e.g. an
 *   aborted run, the run still did not do all its work and must not report success);
 * - 0 otherwise. Failures the task ignored (`ignore_errors`) are the scheduler's to count as ok.
 */
export function exitCodeFor(recap: Recap, options: { badInput?: boolean } = {}): number {
  if (options.badInput) return EXIT_BAD_INPUT;
  const rows = Object.values(recap);
  if (rows.some((row) => row.unreachable > 0)) return EXIT_UNREACHABLE;
  if (rows.some((row) => row.failed > 0 || row.blocked > 0)) return EXIT_TASK_FAILED;
  return EXIT_OK;
}
