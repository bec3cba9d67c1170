import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { playgraph, statuses } from './helpers/playgraph.ts';

const lab = inject('lab');

describe('become and delegate_to over SSH', () => {
  it('logs in as a non-root user, becomes root through sudo, and delegates to another host', async () => {
    // The lab's inventory, logging in as the deploy user instead of root.
    const inventory = path.join(await mkdtemp(path.join(tmpdir(), 'pg-become-')), 'hosts.yaml');
    const source = await readFile(lab.inventoryFile, 'utf8');
    await writeFile(inventory, source.replace(/ansible_user: root/g, `ansible_user: ${lab.deployUser}`));
    const tag = `t${process.pid}`;
    const run = await playgraph(['run', 'test/fixtures/e2e/become-delegate.yaml', '-i', inventory, '--known-hosts', lab.knownHostsFile, '--output', 'json', '-e', `tag=${tag}`]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(statuses(run)['root-file@server2']).toBe('changed');
    for (const host of lab.hosts) {
      const file = path.join(host.root, 'etc', `playgraph-${tag}`);
      expect(await readFile(file, 'utf8')).toBe(`written by ${lab.deployUser} as root on ${host.name}\n`);
      const info = await stat(file);
      expect(info.uid).toBe(0);
      expect(info.mode & 0o777).toBe(0o600);
      // Every host's delegated copy landed on server1, none on the host itself.
      expect(await readFile(path.join(lab.hosts[0]!.root, 'tmp', `delegated-${tag}-from-${host.name}`), 'utf8')).toBe(`${host.name}\n`);
    }
    await expect(stat(path.join(lab.hosts[1]!.root, 'tmp', `delegated-${tag}-from-server2`))).rejects.toThrow();
  });

  it('delegates to an address the inventory does not list over SSH, with the `all` vars (as Ansible)', async () => {
    // server1 only, and the key and user for every host under `all`: Ansible gives a host it does
    // not list the `all` vars, none of the delegating host's own.
    const [server1, server2] = lab.hosts as [(typeof lab.hosts)[0], (typeof lab.hosts)[0]];
    const dir = await mkdtemp(path.join(tmpdir(), 'pg-unlisted-'));
    const inventory = path.join(dir, 'hosts.yaml');
    await writeFile(inventory, stringify({
      all: { vars: { ansible_user: 'root', ansible_ssh_private_key_file: lab.privateKeyFile }, hosts: { server1: { ansible_host: server1.address } } },
    }));
    const tag = `u${process.pid}`;
    const playbook = path.join(dir, 'site.yaml');
    await writeFile(playbook, [
      '- hosts: server1',
      '  tasks:',
      '    - id: unlisted',
      `      copy: { content: "from {{ inventory_hostname }}\\n", dest: /tmp/unlisted-${tag} }`,
      `      delegate_to: ${server2.address}`,
      '',
    ].join('\n'));
    const run = await playgraph(['run', playbook, '-i', inventory, '--known-hosts', lab.knownHostsFile, '--output', 'json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(statuses(run)).toEqual({ 'unlisted@server1': 'changed' });
    expect(await readFile(path.join(server2.root, 'tmp', `unlisted-${tag}`), 'utf8')).toBe('from server1\n');
    await expect(stat(path.join(server1.root, 'tmp', `unlisted-${tag}`))).rejects.toThrow();
    await expect(stat(path.join('/tmp', `unlisted-${tag}`))).rejects.toThrow();
    await rm(path.join(server2.root, 'tmp', `unlisted-${tag}`), { force: true });
    await rm(dir, { recursive: true, force: true });
  });
});
