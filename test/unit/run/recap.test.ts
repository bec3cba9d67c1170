import { describe, expect, it } from 'vitest';
import type { Recap } from '../../../src/run/events.ts';
import { emptyHostRecap, exitCodeFor, tallyNode } from '../../../src/run/recap.ts';
import { RecapCollector } from '../../../src/run/recap-collector.ts';
import type { RunEvent } from '../../../src/run/events.ts';

function recapOf(rows: Record<string, Partial<Record<keyof ReturnType<typeof emptyHostRecap>, number>>>): Recap {
  return Object.fromEntries(Object.entries(rows).map(([host, counts]) => [host, { ...emptyHostRecap(), ...counts }]));
}

describe('tallyNode', () => {
  it('counts outcomes per host, adding hosts as they appear', () => {
    const recap: Recap = {};
    tallyNode(recap, 'server1', 'ok');
    tallyNode(recap, 'server1', 'changed');
    tallyNode(recap, 'server2', 'skipped');
    tallyNode(recap, 'server1', 'ok');
    expect(recap).toEqual(recapOf({ server1: { ok: 2, changed: 1 }, server2: { skipped: 1 } }));
  });

  it('counts a failure ignore_errors accepted as ok, as Ansible does not fail the host for it', () => {
    const recap: Recap = {};
    const row = tallyNode(recap, 'server1', 'failed', true);
    expect(row).toEqual({ ...emptyHostRecap(), ok: 1 });
  });
});

describe('RecapCollector', () => {
  const node = (taskId: string) => ({ nodeId: `${taskId}@h`, playIndex: 0, taskId, taskName: taskId, module: 'core.command', host: 'h' });
  it("moves a rescued block's failures from failed to one rescued, and leaves uncounted nodes out, as Ansible's recap", () => {
    const seen: RunEvent[] = [];
    const collector = new RecapCollector({ emit: (event) => seen.push(event) });
    collector.emit({ type: 'node-end', node: node('b1'), status: 'changed', durationMs: 0 });
    collector.emit({ type: 'node-end', node: node('b2'), status: 'failed', durationMs: 0 });
    collector.emit({ type: 'node-end', node: node('r0'), status: 'skipped', uncounted: true, durationMs: 0 });
    collector.emit({ type: 'node-end', node: node('r1'), status: 'changed', durationMs: 0 });
    collector.emit({ type: 'block-rescued', playIndex: 0, host: 'h', block: 'b', failedNodes: ['b2@h'] });
    expect(collector.recap).toEqual(recapOf({ h: { changed: 2, rescued: 1 } }));
    expect(exitCodeFor(collector.recap)).toBe(0);
    expect(seen).toHaveLength(5);
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
  it("an interrupted run is 99, Ansible's code, whatever the recap says", () => {
    expect(exitCodeFor(recapOf({ a: { ok: 3 } }), { interrupted: true })).toBe(99);
    expect(exitCodeFor(recapOf({ a: { failed: 1 } }), { interrupted: true })).toBe(99);
  });
});
