import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { playgraph, recapTotals, statuses } from './helpers/playgraph.ts';
import { diffSnapshots, snapshotHost } from './helpers/snapshot.ts';

const lab = inject('lab');
const fixture = (name: string) => path.join('test', 'fixtures', 'e2e', name);
const base = (extra: string[] = []) => ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '--output', 'json', ...extra];
let counter = 0;
/** A work directory unique to one test, inside every lab host's private /tmp. */
const workDir = () => `/tmp/pg-e2e-${process.pid}-${++counter}`;
const onHost = (hostIndex: number, file: string) => path.join(lab.hosts[hostIndex]!.root, file.replace(/^\/tmp\//, 'tmp/'));

describe('playbooks over real SSH on the lab', () => {
  it('converges, then a second run reports 0 changed', async () => {
    const dir = workDir();
    const first = await playgraph(['run', fixture('basic.yaml'), ...base(['-e', `work_dir=${dir}`])]);
    expect(first.code, first.stderr).toBe(0);
    expect(recapTotals(first).changed).toBe(4 * lab.hosts.length);
    for (const [index, host] of lab.hosts.entries()) {
      expect(await readFile(onHost(index, `${dir}/motd`), 'utf8')).toBe(`hello from ${host.name}\n`);
      expect(await readFile(onHost(index, `${dir}/listing`), 'utf8')).toBe(`hello from ${host.name}\n`);
    }
    const second = await playgraph(['run', fixture('basic.yaml'), ...base(['-e', `work_dir=${dir}`])]);
    expect(second.code, second.stderr).toBe(0);
    expect(recapTotals(second).changed).toBe(0);
    expect(recapTotals(second).ok).toBe(5 * lab.hosts.length);
  });

  it('--check changes nothing on any host and says what would change', async () => {
    const dir = workDir();
    const before = await Promise.all(lab.hosts.map((host) => snapshotHost(host)));
    const check = await playgraph(['run', fixture('basic.yaml'), ...base(['--check', '--diff', '-e', `work_dir=${dir}`])]);
    expect(check.code, check.stderr).toBe(0);
    const after = await Promise.all(lab.hosts.map((host) => snapshotHost(host)));
    for (const [index] of lab.hosts.entries()) expect(diffSnapshots(before[index]!, after[index]!)).toEqual([]);
    const report = statuses(check);
    expect(report['workdir@server1']).toBe('changed');
    const ends = check.events.filter((event) => event.type === 'node-end');
    const motd = ends.find((event) => event.type === 'node-end' && event.node.nodeId === 'motd@server1');
    expect(motd && motd.type === 'node-end' && motd.planned).toBe(true);
    const reportNode = ends.find((event) => event.type === 'node-end' && event.node.nodeId === 'report@server1');
    expect(reportNode && reportNode.type === 'node-end' && reportNode.after?.length).toBeGreaterThan(0);
  });

  it('--tags runs exactly the tagged tasks and says which needs it took as satisfied', async () => {
    const dir = workDir();
    const run = await playgraph(['run', fixture('basic.yaml'), ...base(['--tags', 'cmd', '-e', `work_dir=${dir}`])]);
    // The command's need (workdir) was not selected: it is taken as satisfied, so touch fails without the dir.
    expect(Object.keys(statuses(run)).sort()).toEqual(lab.hosts.map((host) => `marker@${host.name}`).sort());
    const end = run.events.find((event) => event.type === 'node-end');
    expect(end && end.type === 'node-end' && end.assumedNeeds).toEqual(['workdir']);
    const withNeeds = await playgraph(['run', fixture('basic.yaml'), ...base(['--tags', 'cmd', '--with-needs', '-e', `work_dir=${dir}`])]);
    expect(withNeeds.code, withNeeds.stderr).toBe(0);
    expect(new Set(Object.keys(statuses(withNeeds)).map((key) => key.split('@')[0]))).toEqual(new Set(['workdir', 'marker']));
  });

  it('--limit runs exactly the limited hosts', async () => {
    const dir = workDir();
    const run = await playgraph(['run', fixture('basic.yaml'), ...base(['--limit', 'server2', '-e', `work_dir=${dir}`])]);
    expect(run.code, run.stderr).toBe(0);
    expect(new Set(Object.keys(statuses(run)).map((key) => key.split('@')[1]))).toEqual(new Set(['server2']));
    expect(existsSync(onHost(1, `${dir}/motd`))).toBe(true);
    expect(existsSync(onHost(0, `${dir}/motd`))).toBe(false);
  });

  it('a failure blocks only its dependents; independent work goes on; then the run is rolled back', async () => {
    const dir = workDir();
    const run = await playgraph(['run', fixture('failure.yaml'), ...base(['-e', `work_dir=${dir}`])]);
    expect(run.code).toBe(2);
    const report = statuses(run);
    expect(report['broken@server1']).toBe('failed');
    expect(report['dependent@server1']).toBe('blocked');
    expect(report['independent@server1']).toBe('changed');
    expect(report['dependent@server2']).toBe('changed');
    // The play failed, so what this run changed is rolled back, newest first: the copies are undone.
    const rolledBack = run.events.flatMap((event) => (event.type === 'rollback-node' && event.status === 'rolled-back' ? [event.node.nodeId] : []));
    expect(rolledBack).toContain('dependent@server2');
    expect(rolledBack).toContain('independent@server1');
    for (const index of lab.hosts.keys()) {
      expect(existsSync(onHost(index, `${dir}/dependent`))).toBe(false);
      expect(existsSync(onHost(index, `${dir}/independent`))).toBe(false);
    }
  });

  it('refuses a changed host key, naming the host, and exits 3', async () => {
    const known = await readFile(lab.knownHostsFile, 'utf8');
    const other = await readFile(path.join(lab.hosts[1]!.root, 'ssh', 'ssh_host_ed25519_key.pub'), 'utf8');
    const otherKey = other.trim().split(/\s+/).slice(0, 2).join(' ');
    const server1 = lab.hosts[0]!.address;
    const forged = known
      .split('\n')
      .map((line) => (line.split(/\s+/)[0]?.split(',').includes(server1) ? `${server1} ${otherKey}` : line))
      .join('\n');
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'pg-kh-')), 'known_hosts');
    await writeFile(file, forged);
    const dir = workDir();
    const run = await playgraph(['run', fixture('basic.yaml'), '-i', lab.inventoryFile, '--known-hosts', file, '--output', 'json', '-e', `work_dir=${dir}`]);
    expect(run.code).toBe(3);
    expect(statuses(run)['workdir@server1']).toBe('unreachable');
    expect(run.stdout).toMatch(/server1.*host key/i);
    expect(existsSync(onHost(0, dir))).toBe(false);
    expect(statuses(run)['workdir@server2']).toBe('changed');
  });
});
