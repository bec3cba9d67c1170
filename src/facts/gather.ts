import type { BecomeOptions, Connection } from '../connect/connection.ts';
import { CommandError } from '../errors.ts';
import { fnmatchRegExp } from '../playbook/python-glob.ts';
import type { Facts } from './facts.ts';
import { FactsOutputError, parseFacts } from './parse.ts';
import { factsScript } from './script.ts';
import { collectorsFor } from './subsets.ts';

// Gathering a host's facts: the one script over the host's connection (one round trip), its
// output parsed on the controller, the facts named as Ansible's setup module returns them.

export interface GatherOptions extends BecomeOptions {
  gatherSubset: readonly string[];
  /** fnmatch patterns on the top-level names (`ansible_*_mb`); empty keeps all, as setup's `filter`. */
  filter?: readonly string[];
  /** Seconds each mount's statvfs may take (setup's gather_timeout). */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

/** setup's `ansible_facts`: every fact as `ansible_<name>`, then gather_subset and module_setup. */
export function setupResultFacts(facts: Facts, gatherSubset: readonly string[], filter: readonly string[] = []): Facts {
  const patterns = filter.map(fnmatchRegExp);
  const named = Object.entries(facts).map(([name, value]) => [`ansible_${name}`, value] as const);
  const kept = patterns.length === 0 ? named : named.filter(([name]) => patterns.some((pattern) => pattern.test(name)));
  return { ...Object.fromEntries(kept), gather_subset: [...gatherSubset], module_setup: true };
}

export async function gatherHostFacts(conn: Connection, options: GatherOptions): Promise<Facts> {
  const collectors = collectorsFor(options.gatherSubset);
  const { gatherSubset, filter, signal, timeoutSeconds, ...become } = options;
  const result = await conn.exec({ shell: factsScript(collectors, timeoutSeconds) }, { ...become, ...(signal ? { signal } : {}) });
  try {
    return setupResultFacts(parseFacts(result.stdout, collectors), gatherSubset, filter);
  } catch (error) {
    if (error instanceof FactsOutputError) throw new CommandError(conn.hostName, 'the facts script (sh -c)', result.code, result.stderr || error.message);
    throw error;
  }
}
