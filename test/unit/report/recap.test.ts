import { describe, expect, it } from 'vitest';
import { emptyHostRecap, exitCodeFor, formatRecap, tallyNode } from '../../../src/report/recap.ts';
import type { Recap } from '../../../src/run/events.ts';
import { applyRecap } from './fixtures.ts';

function recapOf(rows: Record<string, Partial<Record<keyof ReturnType<typeof emptyHostRecap>, number>>>): Recap {
  return Object.fromEntries(Object.entries(rows).map(([host, counts]) => [host, { ...emptyHostRecap(), ...counts }]));
}

describe('formatRecap', () => {
  it('prints one Ansible-style line per host, names padded to the longest', () => {
    const recap = recapOf({ server1: { ok: 3, changed: 1 }, 'redis-long-name': { failed: 1, blocked: 2 } });
    expect(formatRecap(recap, { color: false }).split('\n')).toEqual([
      'server1         : ok=3 changed=1 failed=0 blocked=0 skipped=0 unreachable=0',
      'redis-long-name : ok=0 changed=0 failed=1 blocked=2 skipped=0 unreachable=0',
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

describe('tallyNode', () => {
  it('counts outcomes per host, adding hosts as they appear', () => {
    const recap: Recap = {};
    tallyNode(recap, 'server1', 'ok');
    tallyNode(recap, 'server1', 'changed');
    tallyNode(recap, 'server2', 'skipped');
    tallyNode(recap, 'server1', 'ok');
    expect(recap).toEqual(recapOf({ server1: { ok: 2, changed: 1 }, server2: { skipped: 1 } }));
  });
});

describe('exitCodeFor', () => {
  const cases: Array<[string, Recap, boolean, number]> = [
    ['all ok and changed', recapOf({ a: { ok: 4, changed: 2, skipped: 1 } }), false, 0],
    ['a task failed', recapOf({ a: { ok: 1, failed: 1 }, b: { ok: 2 } }), false, 2],
    ['failed with its dependents blocked', recapOf({ a: { failed: 1, blocked: 3 } }), false, 2],
    ['blocked with no cause recorded (an aborted run)', recapOf({ a: { ok: 1, blocked: 1 } }), false, 2],
    ['a host unreachable', recapOf({ a: { unreachable: 1, blocked: 2 }, b: { ok: 1 } }), false, 3],
    ['unreachable wins over failed', recapOf({ a: { failed: 1 }, b: { unreachable: 1 } }), false, 3],
    ['bad input wins over everything', recapOf({ a: { unreachable: 1 } }), true, 4],
    ['no hosts at all', {}, false, 0],
  ];
  it.each(cases)('%s', (_name, recap, badInput, code) => {
    expect(exitCodeFor(recap, { badInput })).toBe(code);
  });
});
