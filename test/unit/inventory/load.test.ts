import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryToAnsibleList } from '../../../src/inventory/list.ts';
import { loadInventory } from '../../../src/inventory/load.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/inventory');
const at = (path: string) => join(fixtures, path);

describe('YAML inventory with group_vars/ and host_vars/', () => {
  it('orders hosts as Ansible does and resolves groups through children', async () => {
    const inventory = await loadInventory([at('yaml-cluster/hosts.yaml')]);
    expect([...inventory.hosts.keys()]).toEqual(['bastion', 'server1', 'grafana.example.com', 'server2', 'server3']);
    expect(inventory.hosts.get('server1')!.groups).toEqual(['redis', 'redis_masters', 'redis_replicas', 'monitoring']);
    expect(inventory.hosts.get('bastion')!.groups).toEqual(['ungrouped']);
    expect(inventory.groups.get('all')!.children).toEqual(['ungrouped', 'redis', 'monitoring']);
    expect(inventory.groups.get('redis')!.children).toEqual(['redis_masters', 'redis_replicas']);
  });

  it.each<[string, string, unknown, string]>([
    // host, variable, value, why
    ['server1', 'tier', 'server1-file', 'host_vars file beats everything in the inventory'],
    ['server2', 'tier', 'redis-file', 'group_vars file beats the deeper redis_masters inline var'],
    ['bastion', 'tier', 'all-inline', 'only the all group defines it for bastion'],
    ['grafana.example.com', 'tier', 'monitoring-inline', 'group inline beats all inline'],
    ['server2', 'redis_bind', '127.0.0.1', 'later file of a group_vars dir wins (security.yaml after main.yml)'],
    ['server1', 'redis_ports', [7300, 7402], 'host_vars file replaces the inline list'],
    ['server3', 'ansible_port', 2222, 'inline host var'],
    ['bastion', 'ntp_server', 'time.example.com', 'group_vars/all.yml'],
  ])('%s %s = %j (%s)', async (host, name, value) => {
    const inventory = await loadInventory([at('yaml-cluster/hosts.yaml')]);
    expect(inventory.hosts.get(host)!.vars[name]).toEqual(value);
  });

  it('records inventory_file and inventory_dir like Ansible', async () => {
    const inventory = await loadInventory([at('yaml-cluster/hosts.yaml')]);
    expect(inventory.hosts.get('server1')!.vars).toMatchObject({
      inventory_file: at('yaml-cluster/hosts.yaml'),
      inventory_dir: at('yaml-cluster'),
    });
  });
});

describe('variable precedence between groups', () => {
  it.each([
    ['v_depth', 'from-child', 'child (depth 2) beats parent (depth 1)'],
    ['v_priority', 'from-alpha', 'ansible_group_priority 10 beats beta at the same depth'],
    ['v_name', 'from-alpha', 'priority is compared before the name'],
    ['v_file', 'from-all-file', 'group_vars/all file beats an inline var of a deeper group'],
    ['v_host', 'from-host-inline', 'host var beats all group vars'],
  ])('%s = %s (%s)', async (name, value) => {
    const inventory = await loadInventory([at('precedence/hosts.yaml')]);
    expect(inventory.hosts.get('node1')!.vars[name]).toBe(value);
  });

  it('keeps ansible_group_priority out of vars', async () => {
    const inventory = await loadInventory([at('precedence/hosts.yaml')]);
    expect(inventory.hosts.get('node1')!.vars).not.toHaveProperty('ansible_group_priority');
  });
});

describe('INI inventory', () => {
  it('expands ranges, reads ports, and resolves children declared before the group', async () => {
    const inventory = await loadInventory([at('ini-web/hosts')]);
    expect(inventory.groups.get('webservers')!.hosts).toEqual([
      'web01.example.com', 'web02.example.com', 'web03.example.com', 'web-canary.example.com',
    ]);
    expect(inventory.groups.get('dbservers')!.hosts).toEqual(['db-a.example.com', 'db-b.example.com', 'db-c.example.com']);
    expect(inventory.groups.get('production')!.children).toEqual(['webservers', 'dbservers', 'staging']);
    expect(inventory.groups.get('ungrouped')!.hosts).toEqual(['mail.example.com', 'jumpbox']);
    const canary = inventory.hosts.get('web-canary.example.com')!.vars;
    expect(canary).toMatchObject({ ansible_port: 2200, canary: true, weight: 0.5, tags: ['a', 'b'], env: 'web-override', nginx_workers: 4 });
    expect(inventory.hosts.get('db-a.example.com')!.vars).toMatchObject({ env: 'production', max_conn: 200, motd: 'Hello, world' });
  });
});

describe('directory inventory', () => {
  it('reads every inventory file, skipping what Ansible ignores', async () => {
    const inventory = await loadInventory([at('dir-mixed')]);
    expect([...inventory.hosts.keys()].sort()).toEqual(['cache1', 'db1', 'web1', 'web2', 'web3']);
    expect(inventory.hosts.get('web3')!.vars).toMatchObject({ http_port: 80, log_level: 'debug', dns: '1.1.1.1' });
    expect(inventory.hosts.get('web1')!.vars).toMatchObject({ http_port: 8081, role: 'primary' });
    expect(inventory.hosts.get('db1')!.vars).toMatchObject({ db_engine: 'postgres' });
    expect(inventory.hosts.get('web1')!.vars).not.toHaveProperty('ignored');
  });
});

describe('host list and merged sources', () => {
  it('takes "a,b:2222," as hosts in ungrouped', async () => {
    const inventory = await loadInventory(['alpha,beta:2222,']);
    expect(inventoryToAnsibleList(inventory)).toEqual({
      _meta: { hostvars: { beta: { ansible_port: 2222 } } },
      all: { children: ['ungrouped'] },
      ungrouped: { hosts: ['alpha', 'beta'] },
    });
  });

  it('does not add an implicit localhost', async () => {
    const inventory = await loadInventory([at('yaml-cluster/hosts.yaml')]);
    expect(inventory.hosts.has('localhost')).toBe(false);
  });

  it('applies each source directory\'s group_vars to hosts of every source', async () => {
    const inventory = await loadInventory([at('yaml-cluster/hosts.yaml'), at('ini-web/hosts')]);
    expect(inventory.hosts.get('jumpbox')!.vars).toMatchObject({ ntp_server: 'time.example.com', ansible_user: 'admin' });
    expect(inventory.groups.get('all')!.children).toEqual(['ungrouped', 'redis', 'monitoring', 'production']);
  });
});

describe('inventoryToAnsibleList', () => {
  it('gives the ansible-inventory --list shape', async () => {
    const list = inventoryToAnsibleList(await loadInventory([at('precedence/hosts.yaml')]));
    expect(list).toEqual({
      _meta: {
        hostvars: {
          node1: { v_depth: 'from-child', v_file: 'from-all-file', v_host: 'from-host-inline', v_name: 'from-alpha', v_priority: 'from-alpha' },
        },
      },
      all: { children: ['ungrouped', 'alpha', 'beta', 'parent'] },
      alpha: { hosts: ['node1'] },
      beta: { hosts: ['node1'] },
      parent: { children: ['child'] },
      child: { hosts: ['node1'] },
    });
  });
});
