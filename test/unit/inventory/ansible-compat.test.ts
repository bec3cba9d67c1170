import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryToAnsibleList } from '../../../src/inventory/list.ts';
import { loadInventory } from '../../../src/inventory/load.ts';

// Compares our reading of each fixture with what Ansible itself makes of it. Debian's `ansible`
// package provides ansible-inventory; without it there is nothing to compare against.
const fixtures = join(import.meta.dirname, '../../fixtures/inventory');

function findAnsibleInventory(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v ansible-inventory'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const ansibleInventory = findAnsibleInventory();

const cases: Array<{ name: string; sources: string[] }> = [
  { name: 'YAML with nested children, group_vars dir form and host_vars', sources: ['yaml-cluster/hosts.yaml'] },
  { name: 'INI with ranges, ports, children declared early, inline values', sources: ['ini-web/hosts'] },
  { name: 'directory of YAML and INI files with ignored entries', sources: ['dir-mixed'] },
  { name: 'group priority, depth and name ordering', sources: ['precedence/hosts.yaml'] },
  { name: 'two sources merged', sources: ['yaml-cluster/hosts.yaml', 'ini-web/hosts'] },
  { name: 'comma-separated host list', sources: ['alpha,beta:2222,'] },
];

describe.skipIf(!ansibleInventory)('inventoryToAnsibleList matches ansible-inventory --list (skipped when ansible-inventory is not on PATH)', () => {
  // Each ansible-inventory run takes about a second, so the cases run side by side.
  it.concurrent.each(cases)('$name', async ({ sources }) => {
    const args = sources.flatMap((source) => ['-i', source]);
    const { stdout } = await promisify(execFile)(ansibleInventory!, [...args, '--list'], {
      cwd: fixtures,
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
    });
    const expected = JSON.parse(stdout);
    const inventory = await loadInventory(sources.map((s) => (s.includes(',') ? s : join(fixtures, s))));
    expect(inventoryToAnsibleList(inventory)).toEqual(expected);
  }, 60_000);
});
