// Losing server1: with keys acknowledged by WAIT 1, every redis-server of server1 is killed; the
// cluster heals itself (server1's master slots move to its replica on server2), no acknowledged
// key is lost, and once server1 is back a rerun of the playbook restarts its nodes, which rejoin
// as replicas, and fails 7300 back to master (--check says so beforehand; with redis_failback:
// false it keeps the roles); a second rerun changes nothing, and losing server2 next heals too.
// Not about the build: the hosts get the cached binaries, so the playbook skips it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cleanUpEach } from '../lab/lab-errors.ts';
import { nodeEnds, recapTotals, statuses, type PlaygraphRun } from './helpers/playgraph.ts';
import { createLabCluster, layoutNodes, type LabCluster } from './helpers/lab-inventory.ts';
import { hostPidsOf, killOnHost, seedRedisBinaries, wipeRedis } from './helpers/lab-hosts.ts';
import {
  clusterClient, clusterNodes, clusterState, pollUntil, unreadableKeys, waitForReplicas, withNode, writeKeys, type ClusterNodeLine, type NodeAddress,
} from './helpers/lab-redis.ts';

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
  it('heals, keeps every acknowledged key, a rerun takes server1 back and fails it back to master, and losing server2 next heals too', async () => {
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

    // Before the rerun, --check already tells from the survivors what it will do: with failback
    // off it keeps the roles the failover left (and says so), else it plans the failback.
    const failbackEnd = (run: PlaygraphRun) => nodeEnds(run).find((e) => e.node.taskId === 'failback');
    const kept = await cluster.run(['--check', '-e', 'redis_failback=false']);
    expect(kept.code, kept.stdout.slice(-3000)).toBe(0);
    expect(failbackEnd(kept), JSON.stringify(statuses(kept))).toMatchObject({
      status: 'ok',
      message: 'failback off (redis_failback: false), current roles kept: server2:7400 is the master, server1:7300 its replica',
    });
    const check = await cluster.run(['--check']);
    expect(check.code, check.stdout.slice(-3000)).toBe(0);
    expect(failbackEnd(check)).toMatchObject({ status: 'changed', planned: true, message: 'fail back server1:7300: master again, server2:7400 its replica (once server1:7300 is back)' });
    expect(statuses(check)['start@server1']).toBe('changed');

    // server1 is back (its sshd never left); the playbook starts its nodes again, they rejoin as
    // replicas, and 7300, caught up with server2:7400, is failed back to master.
    const rerun = await cluster.run();
    expect(rerun.code, rerun.stdout.slice(-3000)).toBe(0);
    const report = statuses(rerun);
    expect(report['start@server1'], JSON.stringify(report)).toBe('changed');
    expect(report['start@server2']).toBe('ok');
    expect(report['start@server3']).toBe('ok');
    expect(failbackEnd(rerun)).toMatchObject({ status: 'changed' });
    expect(recapTotals(rerun).changed, JSON.stringify(report)).toBe(2);
    expect((await hostPidsOf(server1, 'redis-server')).length).toBe(2);

    // As the layout plans it, in every node's own view: each planned master is master, each
    // replica follows its planned master, so no server holds two masters.
    const planned = new Map(nodes.map((n) => [`${n.address}:${n.port}`, n]));
    for (const node of nodes) {
      const view = await clusterNodes(node, cluster.password);
      const at = (line: ClusterNodeLine) => `${line.address}:${line.port}`;
      const masters = view.filter((l) => l.flags.includes('master') && l.slots.length > 0 && !l.flags.some((f) => f.startsWith('fail')));
      expect(masters.map(at).sort(), `masters as ${node.host}:${node.port} sees them`).toEqual(nodes.filter((n) => n.role === 'master').map((n) => `${n.address}:${n.port}`).sort());
      for (const line of view.filter((l) => l.flags.includes('slave'))) {
        const replica = planned.get(at(line))!;
        const [host, port] = replica.replicaOf!.split(':');
        const master = view.find((l) => l.id === line.masterId);
        expect(master && at(master), `the master ${at(line)} follows, as ${node.host}:${node.port} sees it`).toBe(`${cluster.addresses.get(host!)}:${port}`);
      }
      expect(new Set(masters.map((l) => l.address)).size, 'servers holding a master').toBe(3);
    }
    for (const node of nodes) expect(await clusterState(node, cluster.password), `${node.host}:${node.port}`).toBe('ok');
    const afterFailback = clusterClient(nodes, cluster.password);
    try {
      expect(await unreadableKeys(afterFailback, 'failover', KEYS)).toEqual([]);
    } finally {
      afterFailback.disconnect();
    }

    const settled = await cluster.run();
    expect(settled.code).toBe(0);
    expect(recapTotals(settled).changed ?? 0, JSON.stringify(statuses(settled))).toBe(0);
    expect(failbackEnd(settled)).toMatchObject({ status: 'ok', message: 'every planned master is master' });

    // What the failback is for: server2 holds one master again, so losing it next costs one
    // shard's master, which its replica on server3 replaces; without the failback it would take
    // two masters at once and the cluster down.
    const server2 = lab.hosts.find((h) => h.name === 'server2')!;
    expect(await killOnHost(server2, 'redis-server')).toBe(2);
    const rest = nodes.filter((n) => n.host !== 'server2');
    const healedAgain = await pollUntil(async () => {
      const seen = await clusterNodes(rest[0]!, cluster.password);
      const lost = seen.filter((line) => line.address === cluster.addresses.get('server2'));
      if (lost.length !== 2 || !lost.every((line) => line.flags.includes('fail'))) return false;
      return (await Promise.all(rest.map((n) => clusterState(n, cluster.password)))).every((s) => s === 'ok');
    }, healBoundMs);
    expect(healedAgain, "server2's nodes marked failed and cluster_state:ok on the four others").toBe(true);
    const lastReader = clusterClient(rest, cluster.password);
    try {
      expect(await unreadableKeys(lastReader, 'failover', KEYS)).toEqual([]);
    } finally {
      lastReader.disconnect();
    }
  });
});
