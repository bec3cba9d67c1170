// Losing server1: with keys acknowledged by WAIT 1, every redis-server of server1 is killed; the
// cluster heals itself (server1's master slots move to its replica on server2), no acknowledged
// key is lost, and once server1 is back a rerun of the playbook restarts its nodes, which rejoin
// as replicas. Not about the build: the hosts get the cached binaries, so the playbook skips it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cleanUpEach } from '../lab/lab-errors.ts';
import { recapTotals, statuses } from './helpers/playgraph.ts';
import { createLabCluster, layoutNodes, type LabCluster } from './helpers/lab-inventory.ts';
import { hostPidsOf, killOnHost, seedRedisBinaries, wipeRedis } from './helpers/lab-hosts.ts';
import { clusterClient, clusterNodes, clusterState, pollUntil, unreadableKeys, waitForReplicas, withNode, writeKeys, type NodeAddress } from './helpers/lab-redis.ts';

const lab = inject('lab');
const BASE_DIR = '/opt/redis-cluster';
const KEYS = 5000;
/**
 * Added to the nodes' own cluster-node-timeout to bound the waits for the cluster to heal and for
 * server1 to rejoin: after the timeout come the FAIL broadcast, the replica's election delay
 * (0.5-1 s plus rank) and the vote; the rest covers a busy CI machine. A bound for waiting, not a
 * speed assertion.
 */
const HEAL_MARGIN_MS = 55_000;
let cluster: LabCluster;

/** The largest cluster-node-timeout the nodes report (CONFIG GET), in ms. */
async function clusterNodeTimeoutMs(nodes: NodeAddress[], password: string): Promise<number> {
  const timeouts = await Promise.all(
    nodes.map((node) => withNode(node, password, async (redis) => Number(((await redis.config('GET', 'cluster-node-timeout')) as string[])[1]))),
  );
  if (!timeouts.every((t) => Number.isInteger(t) && t > 0)) throw new Error(`unexpected cluster-node-timeout values: ${timeouts.join(', ')}`);
  return Math.max(...timeouts);
}

beforeAll(async () => {
  cluster = await createLabCluster(lab);
  for (const host of lab.hosts) {
    await wipeRedis(host, BASE_DIR);
    await seedRedisBinaries(host);
  }
  const deploy = await cluster.run();
  expect(deploy.code, deploy.stdout.slice(-3000)).toBe(0);
  for (const host of lab.hosts) expect(statuses(deploy)[`build@${host.name}`]).toBe('ok');
});

afterAll(() => cleanUpEach('cluster test cleanup', [...lab.hosts.map((host) => () => wipeRedis(host, BASE_DIR)), () => cluster?.remove()]));

describe('the cluster survives losing server1', () => {
  it('heals, keeps every acknowledged key, and takes server1 back as replicas on a rerun', async () => {
    const nodes = layoutNodes(cluster);
    const server1 = lab.hosts.find((h) => h.name === 'server1')!;
    const survivors = nodes.filter((n) => n.host !== 'server1');
    const healBoundMs = (await clusterNodeTimeoutMs(nodes, cluster.password)) + HEAL_MARGIN_MS;

    const writer = clusterClient(nodes, cluster.password);
    try {
      await writeKeys(writer, 'failover', KEYS);
      const acks = await waitForReplicas(writer, 5000);
      expect(acks.size).toBe(3);
      // Every master's replica acknowledged: every key written above counts as acknowledged.
      for (const [master, count] of acks) expect(count, `WAIT 1 on ${master}`).toBeGreaterThanOrEqual(1);
    } finally {
      writer.disconnect();
    }

    expect(await killOnHost(server1, 'redis-server')).toBe(2);

    // Healed = the survivors have marked server1's nodes failed (until then cluster_state is still
    // the stale ok of before the fault) and every survivor reports ok again.
    const server1Address = cluster.addresses.get('server1');
    const healed = await pollUntil(async () => {
      const seen = await clusterNodes(survivors[0]!, cluster.password);
      const lost = seen.filter((line) => line.address === server1Address);
      if (lost.length !== 2 || !lost.every((line) => line.flags.includes('fail'))) return false;
      const states = await Promise.all(survivors.map((n) => clusterState(n, cluster.password)));
      return states.every((s) => s === 'ok');
    }, healBoundMs);
    expect(healed, "server1's nodes marked failed and cluster_state:ok on the four surviving nodes").toBe(true);

    const table = await clusterNodes(survivors[0]!, cluster.password);
    const firstRange = table.find((line) => line.slots.includes('0-5460') && line.flags.includes('master') && !line.flags.includes('fail'));
    expect(firstRange, 'who serves 0-5460').toBeDefined();
    // 7300's replica is server2:7400 in the guide's layout.
    expect(`${firstRange!.address}:${firstRange!.port}`).toBe(`${cluster.addresses.get('server2')}:7400`);

    const reader = clusterClient(survivors, cluster.password);
    try {
      expect(await unreadableKeys(reader, 'failover', KEYS)).toEqual([]);
    } finally {
      reader.disconnect();
    }

    // server1 is back (its sshd never left); the playbook starts its nodes again.
    const rerun = await cluster.run();
    expect(rerun.code, rerun.stdout.slice(-3000)).toBe(0);
    const report = statuses(rerun);
    expect(report['start@server1'], JSON.stringify(report)).toBe('changed');
    expect(report['start@server2']).toBe('ok');
    expect(report['start@server3']).toBe('ok');
    expect(recapTotals(rerun).changed, JSON.stringify(report)).toBe(1);
    expect((await hostPidsOf(server1, 'redis-server')).length).toBe(2);

    const rejoined = await pollUntil(async () => {
      const after = await clusterNodes(survivors[0]!, cluster.password);
      const back = after.filter((line) => line.address === cluster.addresses.get('server1'));
      return back.length === 2 && back.every((line) => line.flags.includes('slave') && !line.flags.some((f) => f.startsWith('fail')));
    }, healBoundMs);
    expect(rejoined, "server1's 7300 and 7402 back as replicas").toBe(true);
    // Each follows the right master: 7300 the replica that took over its slots, 7402 server3's 7302 as planned.
    const rejoinedTable = await clusterNodes(survivors[0]!, cluster.password);
    const masterOf = (host: string, port: number): string => {
      const line = rejoinedTable.find((l) => l.address === cluster.addresses.get(host) && l.port === port);
      const master = rejoinedTable.find((l) => l.id === line?.masterId);
      return master ? `${master.address}:${master.port}` : `none (${host}:${port} is ${line?.flags.join(',') ?? 'missing'})`;
    };
    expect(masterOf('server1', 7300), 'the master 7300 follows').toBe(`${firstRange!.address}:${firstRange!.port}`);
    expect(masterOf('server1', 7402), 'the master 7402 follows').toBe(`${cluster.addresses.get('server3')}:7302`);
    for (const node of nodes) expect(await clusterState(node, cluster.password), `${node.host}:${node.port}`).toBe('ok');

    const settled = await cluster.run();
    expect(settled.code).toBe(0);
    expect(recapTotals(settled).changed ?? 0, JSON.stringify(statuses(settled))).toBe(0);
  });
});
