import { describe, expect, it } from 'vitest';
import { RunLedger } from '../../../src/run/ledger.ts';
import { FACTS_CACHEABLE, storeResultFacts } from '../../../src/run/result-facts.ts';

describe('storeResultFacts', () => {
  it("stores another module's ansible_facts as host facts, set_fact's at the register level, include_vars' apart", () => {
    const ledger = new RunLedger();
    storeResultFacts(ledger, 'core.setup', ['a'], { changed: false, ansible_facts: { ansible_distribution: 'Debian' } });
    storeResultFacts(ledger, 'core.set_fact', ['a'], { changed: false, ansible_facts: { x: 1 } });
    storeResultFacts(ledger, 'core.include_vars', ['a'], { changed: false, ansible_facts: { y: 2 } });
    expect(ledger.hostFactsFor('a')).toEqual({ ansible_distribution: 'Debian' });
    expect(ledger.registeredFor('a')).toEqual({ x: 1 });
    expect(ledger.includedVarsFor('a')).toEqual({ y: 2 });
  });

  it('stores a cacheable set_fact as a fact too, and drops the flag from what is registered', () => {
    const ledger = new RunLedger();
    const kept = storeResultFacts(ledger, 'core.set_fact', ['a', 'b'], { changed: false, ansible_facts: { x: 1 }, [FACTS_CACHEABLE]: true });
    expect(kept).toEqual({ changed: false, ansible_facts: { x: 1 } });
    expect(ledger.hostFactsFor('b')).toEqual({ x: 1 });
    expect(ledger.registeredFor('b')).toEqual({ x: 1 });
  });

  it("ignores a failed result's facts, debug's, and takes each loop item's", () => {
    const ledger = new RunLedger();
    storeResultFacts(ledger, 'core.setup', ['a'], { changed: false, failed: true, ansible_facts: { f: 1 } });
    storeResultFacts(ledger, 'core.debug', ['a'], { changed: false, ansible_facts: { d: 1 } });
    storeResultFacts(ledger, 'core.set_fact', ['a'], {
      changed: false,
      results: [{ ansible_facts: { i: 1 } }, { skipped: true, ansible_facts: { s: 1 } }, { ansible_facts: { i: 2, j: 2 } }],
    });
    expect(ledger.hostFactsFor('a')).toEqual({});
    expect(ledger.registeredFor('a')).toEqual({ i: 2, j: 2 });
  });
});
