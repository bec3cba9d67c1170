// Reads the PLAY RECAP that both tools print (`host : ok=4 changed=0 ...`; Ansible pads with
// spaces), so the benchmark can check each tool really did the work it is timed for.

export interface RecapTotals {
  /** Hosts with a recap line. */
  hosts: number;
  /** Each counter summed over the hosts, by the tool's own names (ok, changed, failed, ...). */
  counts: Record<string, number>;
}

const HOST_LINE = /^(\S+)\s+:\s+((?:[a-z]+=\d+\s*)+)$/;

/** Totals of the last PLAY RECAP in `output`; throws when there is none (the tool did not finish). */
export function parseRecap(output: string): RecapTotals {
  const lines = output.split('\n');
  let start = -1;
  lines.forEach((line, index) => {
    if (line.startsWith('PLAY RECAP')) start = index;
  });
  if (start < 0) throw new Error('no PLAY RECAP in the output');
  const counts: Record<string, number> = {};
  let hosts = 0;
  for (const line of lines.slice(start + 1)) {
    const match = HOST_LINE.exec(line.trim());
    if (!match) {
      if (hosts > 0) break; // the recap block ended
      continue;
    }
    hosts++;
    for (const pair of match[2].trim().split(/\s+/)) {
      const [key, value] = pair.split('=');
      counts[key] = (counts[key] ?? 0) + Number(value);
    }
  }
  if (hosts === 0) throw new Error('PLAY RECAP lists no host');
  return { hosts, counts };
}

/**
 * Why a run's recap is not what the benchmark expects, or undefined when it is: every host
 * present, nothing failed or unreachable, and exactly `changed` changes (4 per host on a fresh
 * host, 0 on the second run).
 */
export function recapProblem(recap: RecapTotals, expected: { hosts: number; changed: number; tasks: number }): string | undefined {
  const get = (key: string): number => recap.counts[key] ?? 0;
  if (recap.hosts !== expected.hosts) return `${recap.hosts} hosts in the recap, expected ${expected.hosts}`;
  for (const bad of ['failed', 'unreachable', 'blocked']) {
    if (get(bad) > 0) return `${bad}=${get(bad)}`;
  }
  if (get('changed') !== expected.changed) return `changed=${get('changed')}, expected ${expected.changed}`;
  // playgraph counts a change apart from ok; Ansible counts it in ok too.
  const done = get('ok') + get('changed');
  if (done !== expected.tasks && get('ok') !== expected.tasks) return `ok=${get('ok')} changed=${get('changed')} for ${expected.tasks} tasks`;
  return undefined;
}
