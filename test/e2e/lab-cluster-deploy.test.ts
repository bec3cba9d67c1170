// The guide's three servers on the lab: --check on fresh hosts touches nothing, the playbook
// builds Redis once (from source, on one host) and forms the cluster, an ioredis client outside
// the engine finds it healthy and laid out as the guide says, and reruns change nothing.
// lab-cluster-failover.test.ts goes on from a cluster formed the same way.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nodeEnds, recapTotals, statuses } from './helpers/playgraph.ts';
import { createLabCluster, layoutNodes, type LabCluster } from './helpers/lab-inventory.ts';
import { hostProcesses, wipeRedis } from './helpers/lab-hosts.ts';
import { clusterClient, clusterNodes, clusterState, unreadableKeys, writeKeys } from './helpers/lab-redis.ts';
import { diffSnapshots, snapshotHost } from './helpers/snapshot.ts';

const lab = inject('lab');
let cluster: LabCluster;
const BASE_DIR = '/opt/redis-cluster';
const GUIDE_SLOTS: Record<number, string> = { 7300: '0-5460', 7301: '5461-10922', 7302: '10923-16383' };

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

afterAll(async () => {
  for (const host of lab.hosts) await wipeRedis(host, BASE_DIR);
  await cluster?.remove();
});

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
    for (const [port, range] of Object.entries(GUIDE_SLOTS)) {
      const owner = table.find((line) => line.port === Number(port) && line.flags.includes('master'));
      expect(owner?.slots, `slots of ${port}`).toEqual([range]);
    }
    for (const replica of table.filter((line) => line.flags.includes('slave'))) {
      const master = table.find((line) => line.id === replica.masterId);
      expect(master, `master of ${replica.port}`).toBeDefined();
      expect(replica.address, `${replica.port} and its master ${master!.port} on one host`).not.toBe(master!.address);
      // And the master the guide names: replica_of from the layout.
      const planned = nodes.find((n) => n.port === replica.port)!.replicaOf!;
      const [plannedHost, plannedPort] = planned.split(':');
      expect(`${master!.address}:${master!.port}`).toBe(`${cluster.addresses.get(plannedHost!)}:${plannedPort}`);
    }

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
      if (extra[1] === 'cluster') expect(new Set(nodeEnds(rerun).map((e) => e.node.taskId)), label).toEqual(new Set(['meet', 'replicate', 'addslots', 'wait']));
    }
  });
});
