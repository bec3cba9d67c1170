import type { Vars } from '../inventory/types.ts';
import type { RunLedger } from './ledger.ts';

// A module result's `ansible_facts`, stored as Ansible's StrategyBase._process_pending_results
// stores them: include_vars' as include_vars variables, set_fact's at the set_fact/register
// level (and also as host facts when `cacheable`), any other module's as host facts. Only results
// that did not fail count; a loop's items each count; debug's are ignored.

/** The key set_fact adds when `cacheable: true` (popped from the result, never registered). */
export const FACTS_CACHEABLE = '_ansible_facts_cacheable';

const INCLUDE_VARS = 'core.include_vars';
const SET_FACT = 'core.set_fact';
const DEBUG = 'core.debug';

function isMapping(value: unknown): value is Vars {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The results facts may come from: each item's of a loop, else the one result. */
function factResults(registered: Vars): Vars[] {
  if (Array.isArray(registered.results)) return registered.results.filter(isMapping);
  return [registered];
}

/**
 * Stores the facts of a node's registered result on `hosts` (the node's host; every play host
 * for run_once) and returns the result as `register:` keeps it (without the cacheable flag).
 */
export function storeResultFacts(ledger: RunLedger, module: string, hosts: readonly string[], registered: Vars): Vars {
  if (module === DEBUG || registered.failed === true) return withoutFlag(registered);
  for (const result of factResults(registered)) {
    if (result.failed === true || result.skipped === true || !isMapping(result.ansible_facts)) continue;
    const facts = result.ansible_facts;
    for (const host of hosts) {
      if (module === INCLUDE_VARS) ledger.setIncludedVars(host, { ...facts });
      else if (module === SET_FACT) {
        if (result[FACTS_CACHEABLE] === true) ledger.setHostFacts(host, { ...facts });
        ledger.setFacts(host, { ...facts });
      } else ledger.setHostFacts(host, { ...facts });
    }
  }
  return withoutFlag(registered);
}

function withoutFlag(registered: Vars): Vars {
  const strip = (result: Vars): Vars => {
    if (!(FACTS_CACHEABLE in result)) return result;
    const { [FACTS_CACHEABLE]: _flag, ...rest } = result;
    return rest;
  };
  const top = strip(registered);
  return Array.isArray(top.results) ? { ...top, results: top.results.map((item) => (isMapping(item) ? strip(item) : item)) } : top;
}
