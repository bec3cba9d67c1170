import { readFile, stat, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
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
});
