import { describe, expect, it } from 'vitest';
import { collectorsFor, GatherSubsetError, resolveSubsetNames } from '../../../src/facts/subsets.ts';

// gather_subset read as Ansible 2.14's get_collector_names reads it, and the collectors that run.

describe('gather_subset', () => {
  it.each([
    [['all'], ['date_time', 'distribution', 'env', 'hardware', 'network', 'pkg_mgr', 'platform', 'service_mgr', 'user']],
    [[], ['date_time', 'distribution', 'env', 'hardware', 'network', 'pkg_mgr', 'platform', 'service_mgr', 'user']],
    [['min'], ['date_time', 'distribution', 'env', 'pkg_mgr', 'platform', 'service_mgr', 'user']],
    [['!all'], ['date_time', 'distribution', 'env', 'pkg_mgr', 'platform', 'service_mgr', 'user']],
    [['!all', 'network'], ['date_time', 'distribution', 'env', 'network', 'pkg_mgr', 'platform', 'service_mgr', 'user']],
    // network needs platform and distribution, as Ansible's required_facts say.
    [['!all', '!min', 'network'], ['distribution', 'network', 'platform']],
    [['!all', '!min'], []],
    // Only exclusions: min stays, and nothing else (min counts as added), as Ansible 2.14 does.
    [['!hardware'], ['date_time', 'distribution', 'env', 'pkg_mgr', 'platform', 'service_mgr', 'user']],
    [['all', '!hardware'], ['date_time', 'distribution', 'env', 'network', 'pkg_mgr', 'platform', 'service_mgr', 'user']],
    [['!all', '!min', 'default_ipv4'], ['distribution', 'network', 'platform']],
    [['!all', '!min', 'mounts'], ['hardware', 'platform']],
    [['!all', '!min', 'virtual'], []],
  ])('%j gathers %j', (subset, collectors) => {
    expect([...collectorsFor(subset)].sort()).toEqual(collectors);
  });

  it('an explicitly named subset survives its exclusion, as in Ansible', () => {
    expect(resolveSubsetNames(['!network', 'network']).has('network')).toBe(true);
  });

  it("refuses an unknown subset with Ansible's message", () => {
    expect(() => resolveSubsetNames(['hardwear'])).toThrow(GatherSubsetError);
    expect(() => resolveSubsetNames(['hardwear'])).toThrow(/^Bad subset 'hardwear' given to Ansible. gather_subset options allowed: all, all_ipv4_addresses, /);
  });
});
