// Faults during a run of playbooks/cluster.yaml on the lab: a wrong key, a changed host key and a
// port nothing listens on fail fast, naming the host. A host without a C compiler
// (helpers/lab-no-compiler.ts) goes through the module's compiler fallback for real (`cc: not
// found`, apt-get installs gcc, `make distclean`, `make`) and loses its link while compiling: it
// is reported unreachable while the others finish their own work, the cluster tasks are blocked
// and the exit code is 3; once the link is back a rerun builds there and converges. server1 and
// server3 get the cached binaries: only server2 compiles.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cleanUpEach } from '../lab/lab-errors.ts';
import type { LabHost } from '../lab/lab-host.ts';
import { nodeEnds, recapTotals, statuses } from './helpers/playgraph.ts';
import { createLabCluster, layoutNodes, type LabCluster } from './helpers/lab-inventory.ts';
import { hostPidsOf, killOnHost, seedRedisBinaries, setHostLink, wipeRedis } from './helpers/lab-hosts.ts';
import { hideCompiler, type HiddenCompiler } from './helpers/lab-no-compiler.ts';
import { diffSnapshots, snapshotPaths } from './helpers/snapshot.ts';
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

// Each step runs even when one before it throws: a failed wipe must not leave server2 without
// its compiler or the link down for the next test file.
afterAll(() =>
  cleanUpEach('faults test cleanup', [
    () => setHostLink(lab.name, server2(), 'up'),
    // A build the test cut off (or left when it failed early) must not go on under the next file.
    () => killOnHost(server2(), 'make'),
    () => killOnHost(server2(), 'cc1'),
    ...lab.hosts.map((host) => () => wipeRedis(host, BASE_DIR)),
    () => hidden?.restore(),
    () => cluster?.remove(),
  ]),
);

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

/** What apt and dpkg keep on the controller: a lab host's package installs must not touch any of it. */
const CONTROLLER_PACKAGE_STATE = ['/var/lib/dpkg', '/var/lib/apt', '/var/cache/apt', '/var/cache/debconf', '/var/cache/man', '/var/log/apt', '/var/log/dpkg.log', '/var/log/alternatives.log', '/etc/alternatives'];

/** The log lines of one host's build node, in the order the run emitted them. */
function buildLogs(run: Awaited<ReturnType<LabCluster['run']>>, host: string): string[] {
  return run.events.flatMap((e) => (e.type === 'node-log' && e.node.nodeId.endsWith(`build@${host}`) ? [e.message] : []));
}

/** Each pattern matches a line after the line the previous one matched. */
function expectInOrder(lines: string[], patterns: RegExp[]): void {
  let at = -1;
  for (const pattern of patterns) {
    const found = lines.findIndex((line, i) => i > at && pattern.test(line));
    expect(found, `${pattern} after line ${at} of:\n${lines.join('\n')}`).toBeGreaterThan(at);
    at = found;
  }
}

/**
 * Whether the compiler proper (cc1) runs on the host for the build itself, not for `make
 * distclean`: Redis's src/Makefile compiles a probe (foo.c, for C11 atomics) while it is parsed,
 * so cc1 also runs briefly inside `make distclean`, before redis.build logs 'make again'.
 */
async function buildCompiling(host: LabHost): Promise<boolean> {
  if ((await hostPidsOf(host, 'cc1')).length === 0) return false;
  for (const pid of await hostPidsOf(host, 'make')) {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv.includes('distclean') || argv.includes('clean')) return false;
  }
  return true;
}

/** Whether make or the compiler proper runs on the host. */
async function buildRunning(host: LabHost): Promise<boolean> {
  return (await hostPidsOf(host, 'make')).length + (await hostPidsOf(host, 'cc1')).length > 0;
}

describe('a host without a compiler, lost while compiling, then back', () => {
  it('falls back to apt, is unreachable once its link goes, the others finish, the cluster waits; a rerun builds and forms the cluster', { timeout: 1_200_000 }, async () => {
    await seedRedisBinaries(lab.hosts[0]!);
    await seedRedisBinaries(lab.hosts[2]!);
    const controllerPackages = await snapshotPaths(CONTROLLER_PACKAGE_STATE);
    hidden = await hideCompiler(server2());
    expect(await hidden.compilersOnPath(), "C compiler drivers on server2's PATH").toEqual([]);

    let ended = false;
    const running = cluster.run().finally(() => (ended = true));
    // server2's make fails for want of cc, apt installs gcc, make distclean, make again: cut the
    // link once the compiler proper (cc1) runs there for the build, in the middle of it.
    let compiling = false;
    await pollUntil(async () => (compiling = await buildCompiling(server2())) || ended, 600_000, 50);
    await setHostLink(lab.name, server2(), 'down');
    const lost = await running;
    expect(compiling, 'server2 compiled with the compiler it installed').toBe(true);
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
    for (const task of ['meet', 'replicate', 'addslots', 'wait', 'failback']) expect(report[`${task}@server1`] ?? Object.entries(report).find(([k]) => k.startsWith(`${task}@`))?.[1], task).toBe('blocked');
    // The guide's fallback, in its order, before the link went: make's first failure is the
    // missing compiler (`cc: not found`, Error 127), then the package manager, distclean, make.
    expectInOrder(buildLogs(lost, 'server2'), [
      /make could not run a compiler \(.*(cc: not found|Error 127)/,
      /installing a compiler: apt-get install -y gcc make libc6-dev/,
      /installing a compiler: sh -c 'apt-get update && apt-get install -y gcc make libc6-dev'/,
      /^make distclean: /,
      /^make -j\d+ again, with the compiler installed/,
    ]);
    expect(await hidden.compilersOnPath(), 'gcc installed on server2 by its package manager').toContain('/usr/bin/cc');

    await setHostLink(lab.name, server2(), 'up');
    // The lost build went on while the link was down (nothing could stop it). With the link back,
    // sshd learns its client is gone and closes the session; make dies on its next write.
    expect(await pollUntil(async () => !(await buildRunning(server2())), 300_000, 500), "the lost run's build ended on server2").toBe(true);

    const rerun = await cluster.run();
    expect(rerun.code, rerun.stdout.slice(-4000)).toBe(0);
    expect(statuses(rerun)['build@server2']).toBe('changed');
    const rebuilt = buildLogs(rerun, 'server2');
    expect(rebuilt.join('\n')).toMatch(/^make: /m);
    expect(rebuilt.join('\n'), 'the compiler was there this time').not.toMatch(/could not run a compiler/);
    expect(recapTotals(rerun).failed ?? 0).toBe(0);
    expect(await buildRunning(server2()), 'nothing of either build is left running on server2').toBe(false);
    expect(diffSnapshots(controllerPackages, await snapshotPaths(CONTROLLER_PACKAGE_STATE)), "the controller's dpkg and apt state").toEqual([]);

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
