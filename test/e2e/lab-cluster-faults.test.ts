// Faults during a run of playbooks/cluster.yaml on the lab: a wrong key, a changed host key and a
// port nothing listens on fail fast, naming the host; a host whose link goes down during `build`
// is reported unreachable while the others finish their own work, the cluster tasks are blocked
// and the exit code is 3; once the link is back a rerun converges. That host has no C compiler
// (helpers/lab-no-compiler.ts), so the rerun's build is the module's compiler fallback for real:
// `cc: not found`, apt-get installs gcc, `make distclean`, `make`. server1 and server3 get the
// cached binaries: only server2 compiles, once.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nodeEnds, recapTotals, statuses } from './helpers/playgraph.ts';
import { createLabCluster, layoutNodes, type LabCluster } from './helpers/lab-inventory.ts';
import { hostPidsOf, seedRedisBinaries, setHostLink, wipeRedis } from './helpers/lab-hosts.ts';
import { hideCompiler, type HiddenCompiler } from './helpers/lab-no-compiler.ts';
import { clusterClient, clusterState, pollUntil, unreadableKeys, writeKeys } from './helpers/lab-redis.ts';

const lab = inject('lab');
const BASE_DIR = '/opt/redis-cluster';
let cluster: LabCluster;
let hidden: HiddenCompiler | undefined;
const server2 = () => lab.hosts.find((h) => h.name === 'server2')!;

beforeAll(async () => {
  cluster = await createLabCluster(lab);
  for (const host of lab.hosts) await wipeRedis(host, BASE_DIR);
});

afterAll(async () => {
  await setHostLink(lab.name, server2(), 'up');
  for (const host of lab.hosts) await wipeRedis(host, BASE_DIR);
  await hidden?.restore();
  await cluster?.remove();
});

/** Every node of server1 is unreachable, with a message naming server1 and the reason. */
function expectServer1Unreachable(run: Awaited<ReturnType<LabCluster['run']>>, reason: RegExp): void {
  expect(run.code, run.stdout.slice(-2000)).toBe(3);
  const server1 = nodeEnds(run).filter((e) => e.node.host === 'server1' && e.node.taskId === 'build');
  expect(server1.map((e) => e.status)).toEqual(['unreachable']);
  expect(server1[0]!.message ?? '', 'names the host').toMatch(/server1/);
  expect(server1[0]!.message ?? '').toMatch(reason);
  // The other hosts were reached: their builds were planned.
  expect(statuses(run)['build@server2']).toBe('changed');
}

describe('connection faults fail fast and name the host', () => {
  it('a wrong key', { timeout: 60_000 }, async () => {
    const otherKey = path.join(cluster.dir, 'not-authorized');
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const inventory = await cluster.variant('wrong-key', { server1: { ansible_ssh_private_key_file: otherKey } });
    expectServer1Unreachable(await cluster.run(['--check'], { inventory }), /auth/i);
  });

  it('a changed host key', { timeout: 60_000 }, async () => {
    const server1 = lab.hosts[0]!;
    const otherKey = (await readFile(path.join(lab.hosts[1]!.root, 'ssh', 'ssh_host_ed25519_key.pub'), 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
    const forged = (await readFile(lab.knownHostsFile, 'utf8'))
      .split('\n')
      .map((line) => (line.split(/\s+/)[0]?.split(',').includes(server1.address) ? `${server1.address},${server1.name} ${otherKey}` : line))
      .join('\n');
    const knownHosts = path.join(cluster.dir, 'known_hosts-forged');
    await writeFile(knownHosts, forged);
    expectServer1Unreachable(await cluster.run(['--check'], { knownHosts }), /host key/i);
  });

  it('a port nothing listens on', { timeout: 60_000 }, async () => {
    const inventory = await cluster.variant('closed-port', { server1: { ansible_port: 2299 } });
    expectServer1Unreachable(await cluster.run(['--check'], { inventory }), /refused|2299/i);
  });
});

describe('a host lost during build, then back, without a compiler', () => {
  it('is unreachable, the others finish, the cluster waits; a rerun installs gcc, builds and forms the cluster', { timeout: 1_200_000 }, async () => {
    await seedRedisBinaries(lab.hosts[0]!);
    await seedRedisBinaries(lab.hosts[2]!);
    hidden = await hideCompiler(server2());
    expect(await hidden.hasCompiler(), 'server2 starts without cc').toBe(false);
    const tarball = path.join(server2().root, 'usr-local', 'src', 'redis-7.0.15.tar.gz');

    const running = cluster.run();
    // The build on server2 has begun once its source tarball arrives: cut the link right then.
    const inBuild = await pollUntil(async () => existsSync(tarball), 120_000, 20);
    await setHostLink(lab.name, server2(), 'down');
    const lost = await running;
    expect(inBuild, 'server2 started its build').toBe(true);
    expect(lost.code, lost.stdout.slice(-3000)).toBe(3);
    const report = statuses(lost);
    expect(report['build@server2'], JSON.stringify(report)).toBe('unreachable');
    const message = nodeEnds(lost).find((e) => e.node.nodeId.endsWith('build@server2'))?.message ?? '';
    expect(message).toMatch(/server2/);
    for (const host of ['server1', 'server3']) {
      expect(report[`build@${host}`], host).toBe('ok');
      expect(report[`config@${host}`], host).toBe('changed');
      expect(report[`start@${host}`], host).toBe('changed');
    }
    for (const task of ['meet', 'replicate', 'addslots', 'wait']) expect(report[`${task}@server1`] ?? Object.entries(report).find(([k]) => k.startsWith(`${task}@`))?.[1], task).toBe('blocked');
    // Nothing of server2's build is left running there.
    expect(await hostPidsOf(server2(), 'make')).toEqual([]);

    await setHostLink(lab.name, server2(), 'up');
    const rerun = await cluster.run();
    expect(rerun.code, rerun.stdout.slice(-4000)).toBe(0);
    expect(statuses(rerun)['build@server2']).toBe('changed');
    const buildLogs = rerun.events.flatMap((e) => (e.type === 'node-log' && e.node.nodeId.endsWith('build@server2') ? [e.message] : []));
    // make's first failure is the missing compiler (`cc: not found`, Error 127), not anything else.
    expect(buildLogs.join('\n')).toMatch(/make could not run a compiler \(.*(cc: not found|Error 127)/);
    expect(buildLogs.join('\n')).toMatch(/installing a compiler: apt-get install -y gcc make libc6-dev/);
    expect(buildLogs.join('\n')).toMatch(/installing a compiler: sh -c 'apt-get update && apt-get install -y gcc make libc6-dev'/);
    expect(buildLogs.join('\n')).toMatch(/make: /);
    expect(recapTotals(rerun).failed ?? 0).toBe(0);
    expect(await hidden.hasCompiler(), 'gcc installed on server2 by its package manager').toBe(true);

    const nodes = layoutNodes(cluster);
    const healthy = await pollUntil(async () => (await Promise.all(nodes.map((n) => clusterState(n, cluster.password)))).every((s) => s === 'ok'), 30_000);
    expect(healthy).toBe(true);
    const client = clusterClient(nodes, cluster.password);
    try {
      await writeKeys(client, 'faults', 1000);
      expect(await unreadableKeys(client, 'faults', 1000)).toEqual([]);
    } finally {
      client.disconnect();
    }
  });
});
