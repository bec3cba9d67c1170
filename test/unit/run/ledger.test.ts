import { describe, expect, it } from 'vitest';
import { RunLedger, type AppliedChange } from '../../../src/run/ledger.ts';

const change = (nodeId: string): AppliedChange => ({ nodeId, host: 'a', module: 'core.copy', params: {}, vars: {}, become: false, scope: { environment: {} }, rollbackState: null });

describe('RunLedger', () => {
  it('keeps registered results per host, handing out copies', () => {
    const ledger = new RunLedger();
    ledger.register('a', 'out', { rc: 0 });
    ledger.register('b', 'out', { rc: 1 });
    const seen = ledger.registeredFor('a');
    seen['out'] = 'overwritten';
    expect(ledger.registeredFor('a')).toEqual({ out: { rc: 0 } });
    expect(ledger.registeredFor('b')).toEqual({ out: { rc: 1 } });
    expect(ledger.registeredFor('c')).toEqual({});
  });

  it('keeps set_fact and registered results at one level, the later winning, facts and include_vars apart', () => {
    const ledger = new RunLedger();
    ledger.setFacts('a', { x: 1, y: 1 });
    ledger.register('a', 'x', { rc: 0 });
    ledger.setFacts('a', { y: 2 });
    expect(ledger.registeredFor('a')).toEqual({ x: { rc: 0 }, y: 2 });
    ledger.setHostFacts('a', { ansible_distribution: 'Debian', ansible_lsb: { id: 'x' } });
    ledger.setHostFacts('a', { ansible_lsb: { release: '12' } });
    expect(ledger.hostFactsFor('a')).toEqual({ ansible_distribution: 'Debian', ansible_lsb: { release: '12' } });
    ledger.setIncludedVars('a', { v: 1 });
    ledger.setIncludedVars('a', { w: 2 });
    expect(ledger.includedVarsFor('a')).toEqual({ v: 1, w: 2 });
    expect(ledger.includedVarsFor('b')).toEqual({});
    expect(ledger.hostFactsFor('b')).toEqual({});
  });

  it('notifies a handler when any of its notifying nodes changed', () => {
    const ledger = new RunLedger();
    ledger.markChanged('copy@a');
    expect(ledger.handlerNotified(['copy@b', 'copy@a'])).toBe(true);
    expect(ledger.handlerNotified(['copy@b'])).toBe(false);
    expect(ledger.hasChanged('copy@a')).toBe(true);
  });

  it('follows planned changes upstream through unchanged nodes (--check "after")', () => {
    const ledger = new RunLedger();
    ledger.markChanged('config@a');
    expect(ledger.plannedUpstream('build@a', [])).toEqual([]);
    // start is unchanged but waits on config; check_start inherits that wait through it.
    expect(ledger.plannedUpstream('start@a', ['config@a', 'build@a'])).toEqual(['config@a']);
    expect(ledger.plannedUpstream('check@a', ['start@a', 'config@a'])).toEqual(['config@a']);
  });

  it('hands out the changes applied since a mark, newest first', () => {
    const ledger = new RunLedger();
    ledger.recordApplied(change('first'));
    const mark = ledger.appliedMark();
    ledger.recordApplied(change('second'));
    ledger.recordApplied(change('third'));
    expect(ledger.appliedSince(mark).map((c) => c.nodeId)).toEqual(['third', 'second']);
    expect(ledger.appliedSince(0)).toHaveLength(3);
  });

  it('remembers why a host was found unreachable', () => {
    const ledger = new RunLedger();
    expect(ledger.unreachableReason('a')).toBeUndefined();
    ledger.markUnreachable('a', 'connect ECONNREFUSED');
    expect(ledger.unreachableReason('a')).toBe('connect ECONNREFUSED');
  });
});
