// The end-of-run summary per host, formatted in Ansible's PLAY RECAP shape. The counts are the
// run's (src/run/recap.ts); this file only formats them.

import type { HostRecap, NodeStatus, Recap } from '../run/events.ts';
import { palette } from './style.ts';

/** Recap columns in the order they are printed. */
export const RECAP_STATUSES: readonly (keyof HostRecap)[] = ['ok', 'changed', 'failed', 'blocked', 'skipped', 'rescued', 'unreachable', 'undone'];

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
