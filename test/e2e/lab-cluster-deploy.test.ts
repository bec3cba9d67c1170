// The guide's three servers on the lab: --check on fresh hosts touches nothing, the playbook
// builds Redis once (from source, on one host) and forms the cluster, an ioredis client outside
// the engine finds it healthy and laid out as the guide says, and reruns change nothing.
// lab-cluster-failover.test.ts goes on from a cluster formed the same way.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cleanUpEach } from '../lab/lab-errors.ts';
import { nodeEnds, nodeLogs, recapTotals, statuses } from './helpers/playgraph.ts';
import { createLabCluster, layoutNodes, type LabCluster } from './helpers/lab-inventory.ts';
import { hostProcesses, wipeRedis } from './helpers/lab-hosts.ts';
import { clusterClient, clusterNodes, clusterState, rawReply, unreadableKeys, writeKeys } from './helpers/lab-redis.ts';
import { diffSnapshots, snapshotHost } from './helpers/snapshot.ts';

const lab = inject('lab');
let cluster: LabCluster;
const BASE_DIR = '/opt/redis-cluster';
/** The guide's three servers: each master's host and slots, each replica's host and master. */
const GUIDE_MASTERS = [
  { port: 7300, host: 'server1', slots: '0-5460' },
  { port: 7301, host: 'server2', slots: '5461-10922' },
  { port: 7302, host: 'server3', slots: '10923-16383' },
];
const GUIDE_REPLICAS = [
  { port: 7400, host: 'server2', master: { host: 'server1', port: 7300 } },
  { port: 7401, host: 'server3', master: { host: 'server2', port: 7301 } },
  { port: 7402, host: 'server1', master: { host: 'server3', port: 7302 } },
];

/** The host's processes once the run's SSH sessions have gone (sshd reaps them a moment after). */
async function settledProcesses(index: number, expected: string[]): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const now = await hostProcesses(lab.hosts[index]!);
    if (now.join('\n') === expected.join('\n') || Date.now() > deadline) return now;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  cluster = await createLabCluster(lab);
  for (const host of lab.hosts) await wipeRedis(host, BASE_DIR);
});

afterAll(() => cleanUpEach('cluster test cleanup', [...lab.hosts.map((host) => () => wipeRedis(host, BASE_DIR)), () => cluster?.remove()]));

describe('the guide\'s three servers on the lab', () => {
  it('--check on fresh hosts plans the whole job and changes no file and no process on any host', async () => {
    const files = await Promise.all(lab.hosts.map((host) => snapshotHost(host)));
    const processes = await Promise.all(lab.hosts.map((host) => hostProcesses(host)));
    const check = await cluster.run(['--check', '--diff']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    for (const [index, host] of lab.hosts.entries()) {
      expect(diffSnapshots(files[index]!, await snapshotHost(host)), host.name).toEqual([]);
      expect(await settledProcesses(index, processes[index]!), host.name).toEqual(processes[index]);
    }
    const report = statuses(check);
    for (const host of lab.hosts) {
      expect(report[`build@${host.name}`], host.name).toBe('changed');
      expect(report[`config@${host.name}`], host.name).toBe('changed');
    }
    expect(check.stdout).not.toContain(cluster.password);
  });

  // Bounded generously: compiling Redis takes ~3.5 min on an idle 2-core machine, more on a busy one.
  it('builds Redis once, forms the cluster, and ioredis finds it as the guide lays it out', { timeout: 900_000 }, async () => {
    const deploy = await cluster.run();
    expect(deploy.code, deploy.stdout.slice(-4000) + deploy.stderr).toBe(0);
    expect(deploy.stdout).not.toContain(cluster.password);
    const builds = nodeEnds(deploy).filter((e) => e.node.taskId === 'build');
    expect(builds.map((e) => e.status)).toEqual(['changed', 'changed', 'changed']);
    // build: once: exactly one host compiled; the other two received its binaries.
    const logs = deploy.events.flatMap((e) => (e.type === 'node-log' && e.node.taskId === 'build' ? [`${e.node.host}: ${e.message}`] : []));
    const compiled = logs.filter((line) => /: make: /.test(line));
    expect(compiled, logs.join('\n')).toHaveLength(1);
    const builder = compiled[0]!.split(':')[0]!;
    const copied = logs.filter((line) => line.includes(`installed ${builder}'s`));
    expect(copied.map((line) => line.split(':')[0]).sort(), logs.join('\n')).toEqual(lab.hosts.map((h) => h.name).filter((n) => n !== builder).sort());

    const nodes = layoutNodes(cluster);
    for (const node of nodes) expect(await clusterState(node, cluster.password), `${node.host}:${node.port}`).toBe('ok');

    const table = await clusterNodes(nodes[0]!, cluster.password);
    expect(table).toHaveLength(6);
    const at = (host: string, port: number) => `${cluster.addresses.get(host)}:${port}`;
    const masters = table.filter((line) => line.flags.includes('master'));
    expect(masters.map((m) => `${m.address}:${m.port} ${m.slots.join(' ')}`).sort(), 'masters: address, port, slots').toEqual(
      GUIDE_MASTERS.map((m) => `${at(m.host, m.port)} ${m.slots}`).sort(),
    );
    const replicas = table.filter((line) => line.flags.includes('slave'));
    expect(replicas.map((r) => `${r.address}:${r.port}`).sort(), 'replicas: address, port').toEqual(GUIDE_REPLICAS.map((r) => at(r.host, r.port)).sort());
    for (const planned of GUIDE_REPLICAS) {
      const replica = replicas.find((line) => line.port === planned.port)!;
      const master = table.find((line) => line.id === replica.masterId);
      expect(master && `${master.address}:${master.port}`, `the master ${planned.port} follows`).toBe(at(planned.master.host, planned.master.port));
      expect(replica.address, `${planned.port} and its master on one host`).not.toBe(master!.address);
    }

    // Passwords are on: a client without one is refused by every node.
    for (const node of nodes) expect(await rawReply(node, 'PING'), `${node.host}:${node.port} without a password`).toMatch(/^-NOAUTH /);

    const client = clusterClient(nodes, cluster.password);
    try {
      await writeKeys(client, 'deploy', 10_000);
      expect(await unreadableKeys(client, 'deploy', 10_000)).toEqual([]);
      // The keys are spread over all three masters, not piled on one.
      const sizes = await Promise.all(client.nodes('master').map(async (m) => Number(await m.dbsize())));
      expect(sizes.every((n) => n > 2000), sizes.join(',')).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it('reruns change nothing: the whole play, --tags cluster, --tags config, --limit server2', async () => {
    for (const extra of [[], ['--tags', 'cluster'], ['--tags', 'config'], ['--limit', 'server2']]) {
      const rerun = await cluster.run(extra);
      const label = extra.join(' ') || 'full rerun';
      expect(rerun.code, `${label}: ${rerun.stdout.slice(-3000)}`).toBe(0);
      const totals = recapTotals(rerun);
      expect(totals.changed ?? 0, `${label}: ${JSON.stringify(statuses(rerun))}`).toBe(0);
      expect(totals.ok ?? 0, label).toBeGreaterThan(0);
      if (extra[0] === '--limit') expect(new Set(nodeEnds(rerun).map((e) => e.node.host)), label).toEqual(new Set(['server2']));
      if (extra[1] === 'cluster') expect(new Set(nodeEnds(rerun).map((e) => e.node.taskId)), label).toEqual(new Set(['meet', 'replicate', 'addslots', 'wait', 'failback']));
    }
  });

  it('reads the formed cluster as well with connect: direct (TCP from the controller to each node address)', async () => {
    const rerun = await cluster.run(['--tags', 'cluster', '-e', 'redis_connect=direct']);
    expect(rerun.code, rerun.stdout.slice(-3000)).toBe(0);
    expect(recapTotals(rerun).changed ?? 0, JSON.stringify(statuses(rerun))).toBe(0);
    const reached = nodeLogs(rerun).filter((l) => l.node.taskId === 'meet' && /^6 nodes, /.test(l.message));
    expect(reached.length).toBeGreaterThan(0);
    for (const { message } of reached) {
      expect(message).toMatch(/^6 nodes, direct from the controller \(/);
      for (const host of ['server1', 'server2', 'server3']) expect(message).toContain(`${cluster.addresses.get(host)}:`);
    }
  });
});
