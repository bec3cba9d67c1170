import { describe, expect, it } from 'vitest';
import { formatRecap } from '../../../src/report/recap.ts';
import { emptyHostRecap } from '../../../src/run/recap.ts';
import type { Recap } from '../../../src/run/events.ts';
import { applyRecap } from './fixtures.ts';

function recapOf(rows: Record<string, Partial<Record<keyof ReturnType<typeof emptyHostRecap>, number>>>): Recap {
  return Object.fromEntries(Object.entries(rows).map(([host, counts]) => [host, { ...emptyHostRecap(), ...counts }]));
}

describe('formatRecap', () => {
  it('prints one Ansible-style line per host, names padded to the longest', () => {
    const recap = recapOf({ server1: { ok: 3, changed: 1 }, 'redis-long-name': { failed: 1, blocked: 2 } });
    expect(formatRecap(recap, { color: false }).split('\n')).toEqual([
      'server1         : ok=3 changed=1 failed=0 blocked=0 skipped=0 rescued=0 unreachable=0 undone=0',
      'redis-long-name : ok=0 changed=0 failed=1 blocked=2 skipped=0 rescued=0 unreachable=0 undone=0',
    ]);
  });

  it('colors a host by its worst outcome and non-zero trouble counts', () => {
    const colored = formatRecap(applyRecap, { color: true });
    expect(colored).toContain('\u001b[33mserver1'); // changed: yellow
    expect(colored).toContain('\u001b[31mserver2'); // unreachable: red
    expect(colored).toContain('\u001b[31mfailed=1');
    expect(colored).not.toContain('\u001b[31mfailed=0');
  });
});
