import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { loadInventory } from '../../../src/inventory/load.ts';
import type { Inventory, Vars } from '../../../src/inventory/types.ts';
import type { Play } from '../../../src/playbook/types.ts';
import { resolveConnectionSpec } from '../../../src/run/host-connections.ts';
import { prepareRun } from '../../../src/run/prepare.ts';
import { play } from '../../helpers/play.ts';

const INVENTORY = 'test/fixtures/inventory/connection-vars/hosts.yaml';
let inventory: Inventory;
let dir: string;
beforeAll(async () => {
  inventory = await loadInventory([INVENTORY]);
  dir = await mkdtemp(path.join(tmpdir(), 'pg-connection-vars-'));
  process.env.PG_TEST_WEB1_ADDRESS = '127.0.0.9';
});
afterAll(async () => {
  delete process.env.PG_TEST_WEB1_ADDRESS;
  await rm(dir, { recursive: true, force: true });
});

function spec(host: string, options: { playVars?: Vars; extraVars?: Vars; keywords?: Partial<Play> } = {}) {
  const scope = { playIndex: 0, play: play([], { vars: options.playVars ?? {}, ...options.keywords }), hosts: [host] };
  return resolveConnectionSpec({ inventory, extraVars: options.extraVars ?? {} }, scope, host);
}

describe('resolveConnectionSpec', () => {
  it('renders templated connection variables: a lookup, another variable, a play variable', () => {
    expect(spec('web1')).toMatchObject({ kind: 'ssh', address: '127.0.0.9', port: 22, user: 'deploy' });
    expect(spec('web2', { playVars: { ssh_port: 2222 } })).toMatchObject({ address: '127.0.0.2', port: 2222 });
  });

  it("takes the play's remote_user, connection and port where no ansible_* variable says otherwise, as Ansible", () => {
    const keywords = { remoteUser: 'from-keyword', connection: 'local', port: 2022 };
    // web1's inventory gives ansible_user: the variable wins over the keyword.
    expect(spec('web1', { keywords })).toMatchObject({ kind: 'local', user: 'deploy', port: 2022 });
    expect(spec('web1', { keywords, extraVars: { ansible_port: 2200 } }).port).toBe(2200);
    expect(spec('broken', { keywords: { remoteUser: 'from-keyword' }, playVars: { no_such_address: 'b' } }).user).toBe('deploy');
    // quiet says ansible_connection: local, web2 its own ansible_port.
    expect(spec('quiet', { keywords: { connection: 'ssh' } }).kind).toBe('local');
    expect(spec('web2', { keywords, playVars: { ssh_port: 2222 } }).port).toBe(2222);
  });

  it('uses the keywords for a host whose inventory is silent on them', async () => {
    const file = path.join(dir, 'plain.yaml');
    await writeFile(file, 'all:\n  hosts:\n    plain: {}\n');
    const scope = { playIndex: 0, play: play([], { remoteUser: 'ops', connection: 'local', port: 2022 }), hosts: ['plain'] };
    expect(resolveConnectionSpec({ inventory: await loadInventory([file]), extraVars: {} }, scope, 'plain')).toEqual({
      kind: 'local', address: 'plain', port: 2022, user: 'ops', become: false,
    });
  });

  it('takes Ansible precedence: play vars over inventory, extra vars over both', () => {
    expect(spec('web1', { playVars: { ansible_user: 'from-play' } }).user).toBe('from-play');
    expect(spec('web1', { playVars: { ansible_user: 'from-play' }, extraVars: { ansible_user: 'ops' } }).user).toBe('ops');
    expect(spec('web2', { playVars: { ssh_port: 2222 }, extraVars: { ansible_port: '2200' } }).port).toBe(2200);
  });

  it('reads ansible_become with Ansible boolean parsing, -e strings included', () => {
    expect(spec('quiet')).toMatchObject({ kind: 'local', become: false });
    expect(spec('quiet', { extraVars: { ansible_become: 'true' } }).become).toBe(true);
    expect(spec('quiet', { playVars: { ansible_become: true }, extraVars: { ansible_become: 'false' } }).become).toBe(false);
  });

  it('is bad input naming the host when a connection variable names an undefined variable', () => {
    expect(() => spec('broken')).toThrow(InputError);
    expect(() => spec('broken')).toThrow(/^host broken: ansible_host: .*no_such_address.* is undefined/);
    expect(() => spec('web2')).toThrow(/^host web2: ansible_port: .*ssh_port.* is undefined/);
  });

  it('connects the implicit localhost locally, and any other name the inventory lacks over SSH by that name', () => {
    expect(spec('localhost')).toMatchObject({ kind: 'local', address: 'localhost' });
    expect(spec('127.0.0.1')).toMatchObject({ kind: 'local', address: '127.0.0.1' });
    // A delegate_to typo: never the controller. The `all` vars reach it (ansible_user), play and extra vars too.
    expect(spec('web-typo')).toEqual({ kind: 'ssh', address: 'web-typo', port: 22, user: 'deploy', become: false });
    expect(spec('web-typo', { extraVars: { ansible_user: 'ops' } }).user).toBe('ops');
  });
});

describe('prepareRun', () => {
  it('rejects a play whose host cannot resolve its connection variables, before anything connects', async () => {
    const playbook = path.join(dir, 'broken.yaml');
    await writeFile(playbook, '- hosts: broken\n  tasks:\n    - id: noop\n      command: "true"\n');
    const prepare = prepareRun({ playbookFile: playbook, inventorySources: [INVENTORY], extraVarArgs: [], cwd: dir });
    await expect(prepare).rejects.toThrow(/host broken: ansible_host: .*no_such_address/);
  });
});
