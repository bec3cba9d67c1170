import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connect/local.ts';
import { setupResultFacts } from '../../src/facts/gather.ts';
import { createTestTaskContext } from '../../test/helpers/task-context.ts';
import { setupParams, taskModule } from './setup.ts';

// The setup module: Ansible's parameters (lists or comma-separated strings, subsets checked with
// Ansible's message), its result named as Ansible's (`ansible_` names, gather_subset,
// module_setup), and a real gathering on this machine through the local connection.

describe('setup params', () => {
  it('takes gather_subset and filter as lists or comma-separated strings', () => {
    expect(setupParams.parse({ gather_subset: '!all, network', filter: 'ansible_*_mb' })).toMatchObject({ gather_subset: ['!all', 'network'], filter: ['ansible_*_mb'] });
    expect(setupParams.parse({})).toMatchObject({ gather_subset: ['all'], filter: [] });
  });

  it("refuses an unknown subset with Ansible's message", () => {
    const parsed = setupParams.safeParse({ gather_subset: ['hardwre'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/^Bad subset 'hardwre' given to Ansible/);
  });
});

describe('setup result', () => {
  const facts = { hostname: 'web1', memtotal_mb: 1024, swaptotal_mb: 0, eth0: { device: 'eth0' } };

  it('names every fact ansible_<name> and adds gather_subset and module_setup', () => {
    expect(setupResultFacts(facts, ['all'])).toEqual({ ansible_hostname: 'web1', ansible_memtotal_mb: 1024, ansible_swaptotal_mb: 0, ansible_eth0: { device: 'eth0' }, gather_subset: ['all'], module_setup: true });
  });

  it('filter keeps the facts whose name matches a pattern', () => {
    expect(setupResultFacts(facts, ['all'], ['ansible_*_mb'])).toEqual({ ansible_memtotal_mb: 1024, ansible_swaptotal_mb: 0, gather_subset: ['all'], module_setup: true });
  });
});

describe('setup on this machine', () => {
  it('gathers in check mode too, a plain ok with the facts as its result', async () => {
    const ctx = createTestTaskContext(new LocalConnection('localhost'), { checkMode: true });
    const checked = await taskModule.check(ctx, setupParams.parse({ gather_subset: ['!all', 'network'] }));
    if (checked.status !== 'ok') throw new Error('setup planned a change');
    const gathered = checked.result?.['ansible_facts'] as Record<string, unknown>;
    expect(gathered['ansible_user_id']).toBe(userInfo().username);
    expect(gathered['ansible_system']).toBe('Linux');
    expect(gathered['ansible_interfaces']).toContain('lo');
    expect(gathered).not.toHaveProperty('ansible_mounts');
  });
});
