// Losing server1: with keys acknowledged by WAIT 1, every redis-server of server1 is killed; the
// cluster heals itself (server1's master slots move to its replica on server2), no acknowledged
// key is lost, and once server1 is back a rerun of the playbook restarts its nodes, which rejoin
// as replicas. Not about the build: the hosts get the cached binaries, so the playbook skips it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recapTotals, statuses } from './helpers/playgraph.ts';
import { createLabCluster, layoutNodes, type LabCluster } from './helpers/lab-inventory.ts';
import { hostPidsOf, killOnHost, seedRedisBinaries, wipeRedis } from './helpers/lab-hosts.ts';
import { clusterClient, clusterNodes, clusterState, pollUntil, unreadableKeys, waitForReplicas, writeKeys } from './helpers/lab-redis.ts';

const lab = inject('lab');
const BASE_DIR = '/opt/redis-cluster';
const KEYS = 5000;
/** The lab layout's cluster-node-timeout is the config module's default, 5 s; the margin covers a busy CI machine. */
const HEAL_BOUND_MS = 5000 + 55_000;
let cluster: LabCluster;

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

afterAll(async () => {
  for (const host of lab.hosts) await wipeRedis(host, BASE_DIR);
  await cluster?.remove();
});

describe('the cluster survives losing server1', () => {
  it('heals, keeps every acknowledged key, and takes server1 back as replicas on a rerun', async () => {
    const nodes = layoutNodes(cluster);
    const server1 = lab.hosts.find((h) => h.name === 'server1')!;
    const survivors = nodes.filter((n) => n.host !== 'server1');

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
    }, HEAL_BOUND_MS);
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
    }, HEAL_BOUND_MS);
    expect(rejoined, "server1's 7300 and 7402 back as replicas").toBe(true);
    for (const node of nodes) expect(await clusterState(node, cluster.password), `${node.host}:${node.port}`).toBe('ok');

    const settled = await cluster.run();
    expect(settled.code).toBe(0);
    expect(recapTotals(settled).changed ?? 0, JSON.stringify(statuses(settled))).toBe(0);
  });
});
