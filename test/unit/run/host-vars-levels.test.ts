import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/load.ts';
import { loadPlaybook } from '../../../src/playbook/load.ts';
import { hostVarsFor, type VarSources } from '../../../src/run/host-vars.ts';
import { RunLedger } from '../../../src/run/ledger.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pg-var-levels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function setup() {
  writeFileSync(path.join(dir, 'hosts.yaml'), 'all:\n  hosts:\n    a:\n      level: inventory\n      ansible_os_family: inventory\n    b: {}\n');
  writeFileSync(path.join(dir, 'play.yaml'), '- hosts: all\n  vars:\n    level: play\n    shown: "{{ level }}"\n  tasks:\n    - command: "true"\n');
  const inventory = await loadInventory([path.join(dir, 'hosts.yaml')]);
  const play = (await loadPlaybook(path.join(dir, 'play.yaml'))).plays[0]!;
  const ledger = new RunLedger();
  const sources: VarSources = {
    inventory,
    extraVars: {},
    registeredFor: (host) => ledger.registeredFor(host),
    hostFactsFor: (host) => ledger.hostFactsFor(host),
    includedVarsFor: (host) => ledger.includedVarsFor(host),
  };
  return { play, ledger, vars: (host: string) => hostVarsFor(sources, play, ['a', 'b'], host).vars };
}

describe('the variable levels the run adds', () => {
  it('shows facts over inventory vars and under play vars, include_vars and set_fact above both', async () => {
    const { ledger, vars } = await setup();
    ledger.setHostFacts('a', { ansible_os_family: 'Debian', level: 'fact' });
    expect(vars('a')).toMatchObject({ ansible_os_family: 'Debian', level: 'play', shown: 'play', ansible_facts: { os_family: 'Debian', level: 'fact' } });
    ledger.setIncludedVars('a', { level: 'included' });
    expect(vars('a')).toMatchObject({ level: 'included', shown: 'included' });
    ledger.setFacts('a', { level: 'set_fact' });
    expect(vars('a')).toMatchObject({ level: 'set_fact', shown: 'set_fact' });
  });

  it("shows another host's facts and set_facts in hostvars, and keeps a result's braces as data", async () => {
    const { ledger, vars } = await setup();
    ledger.setHostFacts('b', { ansible_hostname: 'bee' });
    ledger.setFacts('b', { picked: 1 });
    ledger.register('a', 'out', { stdout: 'listen {{ port }}' });
    const a = vars('a');
    expect((a.hostvars as Record<string, Record<string, unknown>>).b).toMatchObject({ ansible_hostname: 'bee', ansible_facts: { hostname: 'bee' }, picked: 1 });
    expect(a.out).toEqual({ stdout: 'listen {{ port }}' });
    expect(vars('b').hostvars).toMatchObject({ a: { level: 'inventory' } });
  });
});
