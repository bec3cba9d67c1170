import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionSpecFor } from '../../../src/inventory/connection-spec.ts';
import { loadInventory } from '../../../src/inventory/load.ts';
import { limitHosts, selectHosts } from '../../../src/inventory/patterns.ts';
import type { Inventory } from '../../../src/inventory/types.ts';
import { inventoryVarsFor, isUnlistedHost, localhostFor } from '../../../src/inventory/unlisted-hosts.ts';

// Hosts the inventory does not list, as Ansible treats them. The selections are what
// `ansible -i <fixture> PATTERN --list-hosts` (ansible-core 2.14) prints for each fixture.
const fixtures = path.join(import.meta.dirname, '../../fixtures/inventory');
let implicit: Inventory;
let listed: Inventory;
beforeAll(async () => {
  implicit = await loadInventory([path.join(fixtures, 'implicit-localhost/hosts.yaml')]);
  listed = await loadInventory([path.join(fixtures, 'listed-loopback/hosts')]);
});

describe('host patterns and the implicit localhost', () => {
  it.each<[string, string[] | 'none', string[] | 'none']>([
    // pattern, with no localhost listed, with 127.0.0.1 listed
    ['localhost', ['localhost'], ['127.0.0.1']],
    ['127.0.0.1', ['127.0.0.1'], ['127.0.0.1']],
    ['::1', ['::1'], ['127.0.0.1']],
    ['all', ['web1', 'web2'], ['web1', '127.0.0.1']],
    ['*', ['web1', 'web2'], ['web1', '127.0.0.1']],
    ['ungrouped', ['web1'], ['web1', '127.0.0.1']],
    ['all:localhost', ['web1', 'web2', 'localhost'], ['web1', '127.0.0.1']],
    ['localhost:web', ['localhost', 'web2'], ['127.0.0.1']],
    ['all:!localhost', ['web1', 'web2'], ['web1']],
    ['localhost[0]', ['localhost'], ['127.0.0.1']],
    ['local*', 'none', 'none'],
    ['~local', 'none', 'none'],
    ['web:&localhost', 'none', 'none'],
  ])('%s', (pattern, withoutListed, withListed) => {
    for (const [inventory, expected] of [[implicit, withoutListed], [listed, withListed]] as const) {
      if (expected === 'none') expect(() => selectHosts(inventory, pattern)).toThrow(/matches no hosts/);
      else expect(selectHosts(inventory, pattern)).toEqual(expected);
    }
  });

  it('--limit selects the implicit localhost by name too, and `all` leaves it out', () => {
    expect(limitHosts(implicit, 'localhost')).toEqual(['localhost']);
    expect(limitHosts(implicit, 'all')).toEqual(['web1', 'web2']);
  });
});

describe('the host a name stands for', () => {
  it.each<[string, string | undefined, string | undefined, boolean]>([
    // name, without a listed localhost, with 127.0.0.1 listed, unlisted (without)
    ['localhost', 'localhost', '127.0.0.1', false],
    ['127.0.0.1', '127.0.0.1', '127.0.0.1', false],
    ['::1', '::1', '127.0.0.1', false],
    ['web1', undefined, undefined, false],
    ['typo', undefined, undefined, true],
    ['local', undefined, undefined, true],
  ])('%s', (name, withoutListed, withListed, unlisted) => {
    expect(localhostFor(implicit, name)).toBe(withoutListed);
    expect(localhostFor(listed, name)).toBe(withListed);
    expect(isUnlistedHost(implicit, name)).toBe(unlisted);
  });
});

describe('the vars and connection of a host the inventory does not list', () => {
  const spec = (inventory: Inventory, name: string) => connectionSpecFor({ name, vars: inventoryVarsFor(inventory, name) });

  it('the implicit localhost: the `all` vars, connection local over `all`, its own host_vars file', () => {
    expect(inventoryVarsFor(implicit, 'localhost')).toEqual({
      ansible_connection: 'local',
      tier: 'all-inline',
      from_group_vars_all: true,
      implicit_marker: 'from host_vars/localhost.yml',
    });
    // host_vars/localhost.yml is for the name it is written for.
    expect(inventoryVarsFor(implicit, '127.0.0.1')).toEqual({ ansible_connection: 'local', tier: 'all-inline', from_group_vars_all: true });
    expect(spec(implicit, '127.0.0.1')).toEqual({ kind: 'local', address: '127.0.0.1', port: 22, become: false });
  });

  it('a localhost name of an inventory that lists 127.0.0.1: that host, by its own vars', () => {
    expect(spec(listed, 'localhost')).toEqual({ kind: 'ssh', address: 'localhost', port: 2200, become: false });
  });

  it('any other name: over SSH to that name, with the `all` vars and nothing of a listed host', () => {
    expect(inventoryVarsFor(implicit, 'web9.example.com')).toEqual({ ansible_connection: 'ssh', tier: 'all-inline', from_group_vars_all: true });
    expect(spec(implicit, 'web9.example.com')).toEqual({ kind: 'ssh', address: 'web9.example.com', port: 22, become: false });
    expect(spec(listed, 'typo')).toEqual({ kind: 'ssh', address: 'typo', port: 22, become: false });
  });

  it('a listed host keeps its own', () => {
    expect(spec(implicit, 'web1')).toMatchObject({ kind: 'ssh', address: '10.0.0.21', port: 2222, user: 'web1-user', privateKeyFile: '/keys/web1' });
  });
});
