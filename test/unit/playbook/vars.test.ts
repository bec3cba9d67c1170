import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import type { Inventory, InventoryGroup, InventoryHost } from '../../../src/inventory/types.ts';
import { factVars, magicVars, mergeHostVars, parseExtraVars, splitKeyValues } from '../../../src/playbook/vars.ts';

describe('parseExtraVars', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'playgraph-vars-'));
    await writeFile(join(dir, 'extra.yaml'), 'version: "7.2"\nports: [7300, 7301]\n');
    await writeFile(join(dir, 'extra.json'), '{"version": "7.4", "debug": true}');
    await writeFile(join(dir, 'list.yaml'), '- a\n- b\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const cases: [string[], Record<string, unknown>][] = [
    [['a=1'], { a: '1' }],
    [['a=1 b=two'], { a: '1', b: 'two' }],
    [['msg="hello world" path=\'/tmp/a b\''], { msg: 'hello world', path: '/tmp/a b' }],
    [['pass=p#ss=word'], { pass: 'p#ss=word' }],
    [['x=a\\ b'], { x: 'a b' }],
    [['empty='], { empty: '' }],
    [['{"n": 1, "list": [1, 2]}'], { n: 1, list: [1, 2] }],
    [['{n: 2}'], { n: 2 }],
    [['@extra.yaml'], { version: '7.2', ports: [7300, 7301] }],
    [['@extra.yaml', '@extra.json'], { version: '7.4', ports: [7300, 7301], debug: true }],
    [['version=1', '@extra.yaml', 'version=9'], { version: '9', ports: [7300, 7301] }],
  ];
  it.each(cases)('%j', async (args, expected) => {
    expect(await parseExtraVars(args, dir)).toEqual(expected);
  });

  it.each([['novalue'], ['=x'], ['1abc=2'], ['@list.yaml'], ['@missing.yaml'], ['[1, 2]'], ['a="unclosed']])('refuses %j', async (arg) => {
    await expect(parseExtraVars([arg], dir)).rejects.toBeInstanceOf(InputError);
  });

  it('never echoes a malformed pair (it may be a password)', async () => {
    await expect(parseExtraVars(['s3cr3t'], dir)).rejects.toThrow(/^(?!.*s3cr3t)/);
  });

  it('splits like Ansible, keeping # as an ordinary character', () => {
    expect(splitKeyValues(' a=1   b="x y"#c ')).toEqual(['a=1', 'b=x y#c']);
  });
});

describe('mergeHostVars', () => {
  it('applies precedence inventory < play < task < registered < extra, replacing dicts whole', () => {
    const merged = mergeHostVars({
      inventory: { a: 'inv', b: 'inv', c: 'inv', d: 'inv', e: 'inv', conf: { x: 1, y: 1 } },
      play: { b: 'play', c: 'play', d: 'play', e: 'play', conf: { x: 2 } },
      task: { c: 'task', d: 'task', e: 'task' },
      registered: { d: 'registered', e: 'registered' },
      extra: { e: 'extra' },
    });
    expect(merged).toEqual({ a: 'inv', b: 'play', c: 'task', d: 'registered', e: 'extra', conf: { x: 2 } });
  });

  it('puts facts above inventory and below play vars, include_vars above task vars and below registered', () => {
    const merged = mergeHostVars({
      inventory: { ansible_os_family: 'inv', f: 'inv' },
      facts: { ansible_os_family: 'Debian', ansible_distribution: 'Debian', f: 'fact', module_setup: true },
      play: { ansible_distribution: 'play' },
      task: { t: 'task', i: 'task' },
      included: { i: 'included', r: 'included' },
      registered: { r: 'registered' },
      extra: {},
    });
    expect(merged).toMatchObject({ ansible_os_family: 'Debian', f: 'fact', ansible_distribution: 'play', i: 'included', r: 'registered', module_setup: true });
    expect(merged.ansible_facts).toEqual({ os_family: 'Debian', distribution: 'Debian', f: 'fact', module_setup: true });
  });
});

describe('factVars', () => {
  it('namespaces facts without their ansible_ prefix and keeps connection variables out of the top level, as clean_facts', () => {
    const vars = factVars({ ansible_local: { x: 1 }, ansible_host: 'evil', ansible_python_interpreter: '/x', ansible_become_pass: 'p', ansible_ssh_host_key_rsa_public: 'k', ansible_eth0: { a: 1 } });
    expect(vars.ansible_facts).toEqual({ ansible_local: { x: 1 }, host: 'evil', python_interpreter: '/x', become_pass: 'p', ssh_host_key_rsa_public: 'k', eth0: { a: 1 } });
    expect(Object.keys(vars).sort()).toEqual(['ansible_eth0', 'ansible_facts', 'ansible_local', 'ansible_ssh_host_key_rsa_public']);
  });
});

describe('magicVars', () => {
  const host = (name: string, groups: string[], vars = {}): InventoryHost => ({ name, groups, vars });
  const group = (name: string, children: string[] = [], hosts: string[] = []): InventoryGroup => ({ name, children, hosts, vars: {} });
  const inventory: Inventory = {
    source: 'inventory.yaml',
    hosts: new Map([
      ['s1.example.com', host('s1.example.com', ['redis', 'masters'], { ansible_host: '10.0.0.1' })],
      ['s2', host('s2', ['redis'])],
      ['lone', host('lone', ['ungrouped'])],
    ]),
    groups: new Map([
      ['all', group('all', ['redis', 'ungrouped'])],
      ['redis', group('redis', ['masters'], ['s2'])],
      ['masters', group('masters', [], ['s1.example.com'])],
      ['ungrouped', group('ungrouped', [], ['lone'])],
    ]),
  };

  it('gives Ansible magic variables for a host', () => {
    const vars = magicVars(inventory, 's1.example.com', ['s1.example.com', 's2']);
    expect(vars).toMatchObject({
      inventory_hostname: 's1.example.com',
      inventory_hostname_short: 's1',
      group_names: ['masters', 'redis'],
      groups: { all: ['s1.example.com', 's2', 'lone'], redis: ['s1.example.com', 's2'], masters: ['s1.example.com'], ungrouped: ['lone'] },
      play_hosts: ['s1.example.com', 's2'],
      ansible_play_hosts: ['s1.example.com', 's2'],
    });
    expect((vars.hostvars as Record<string, Record<string, unknown>>)['s1.example.com'].ansible_host).toBe('10.0.0.1');
    expect((vars.hostvars as Record<string, Record<string, unknown>>).s2.inventory_hostname).toBe('s2');
  });
});
