import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, type SourcePosition } from '../../../src/errors.ts';
import { loadInventory } from '../../../src/inventory/load.ts';

const bad = join(import.meta.dirname, '../../fixtures/inventory/bad');

async function loadError(source: string): Promise<InputError> {
  try {
    await loadInventory([source]);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to fail`);
}

// file, expected position (line, column), message fragment
const cases: Array<[string, Omit<SourcePosition, 'file'>, RegExp]> = [
  ['yaml-syntax.yaml', { line: 7, column: 1 }, /invalid YAML/],
  ['hosts-not-mapping.yaml', { line: 5, column: 9 }, /"hosts" of group "web" must be a mapping, got a list/],
  ['host-vars-not-mapping.yml', { line: 3, column: 11 }, /vars of host "web1" must be a mapping/],
  ['cycle.yaml', { line: 3, column: 5 }, /group children form a cycle: a -> b -> c -> a/],
  ['bad-line.ini', { line: 5 }, /Expected key=value, got: http_port 80/],
  ['unclosed-quote.ini', { line: 2 }, /Error parsing host definition .*No closing quotation/],
  ['undefined-child.ini', { line: 3 }, /Section \[prod:children\] includes undefined group: dbs/],
  ['vars-undefined-group.ini', { line: 4 }, /Section \[db:vars\] not valid for undefined group: db/],
  ['cycle.ini', { line: 5 }, /group children form a cycle: b -> a -> b/],
  ['plugin.yml', { line: 1, column: 1 }, /inventory plugin configuration files are not supported/],
  ['badvars/group_vars/web.yml', { line: 1, column: 1 }, /vars file must hold a mapping/],
];

describe('bad inventory input is an InputError at its position', () => {
  it.each(cases)('%s', async (name, position, message) => {
    const source = name.startsWith('badvars/') ? join(bad, 'badvars/hosts.yaml') : join(bad, name);
    const error = await loadError(source);
    expect(error.message).toMatch(message);
    expect(error.position).toEqual({ file: join(bad, name), ...position });
    expect(error.message.startsWith(`${join(bad, name)}:${position.line}`)).toBe(true);
  });

  it('names a missing path', async () => {
    const error = await loadError(join(bad, 'no-such-inventory.yaml'));
    expect(error.message).toMatch(/no-such-inventory\.yaml: inventory source not found/);
  });
});

describe('what Ansible only warns about', () => {
  it('is collected in inventory.warnings and the rest is loaded', async () => {
    const inventory = await loadInventory([join(bad, 'warnings.yaml')]);
    expect([...inventory.hosts.keys()]).toEqual(['web2']);
    expect(inventory.warnings).toEqual([
      `${join(bad, 'warnings.yaml')}:2:3: skipping unexpected key 'host' in group 'web', only "vars", "children" and "hosts" are valid`,
      `${join(bad, 'warnings.yaml')}: skipping 'db' as it is not a valid group definition (not a mapping)`,
    ]);
  });
});
