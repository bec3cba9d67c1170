// The local inventory's six nodes (the guide's single server) seen from outside the engine:
// plain ioredis clients and an ioredis Cluster client, never playgraph's own code, so the e2e
// tests check what a user of the cluster would see. Also the cleanup that stops every node.
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { nodeLayout } from '../../../tasks/redis/config-layout.ts';
import { REPO } from './playgraph.ts';

export const MASTERS = [7300, 7301, 7302];
export const REPLICAS = [7400, 7401, 7402];
export const PORTS = [...MASTERS, ...REPLICAS];
/** inventory/local.yaml's host name: the layout and the node refs carry it. */
export const LOCAL_HOST = 'localhost';

export async function nodeClient(port: number, password?: string): Promise<Redis> {
  // No ready check: its INFO would fail with NOAUTH before a test can ask for that error itself.
  const redis = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, enableReadyCheck: false, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  await redis.connect();
  return redis;
}

export async function withNode<T>(port: number, password: string | undefined, use: (r: Redis) => Promise<T>): Promise<T> {
  const redis = await nodeClient(port, password);
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

export interface NodeView {
  state: string;
  /** The node's own slot ranges as CLUSTER NODES prints them ("0-5460"). */
  slots: string[];
  /** The port of the master it replicates, from its own CLUSTER NODES line. */
  replicaOf?: number;
  /** How many nodes its CLUSTER NODES lists, itself included. */
  knownNodes: number;
  keys: number;
}

/** CLUSTER INFO, CLUSTER NODES and DBSIZE of one node, reduced to what the tests compare. */
export async function nodeView(port: number, password?: string): Promise<NodeView> {
  return withNode(port, password, async (redis) => {
    const info = String(await redis.call('CLUSTER', 'INFO'));
    const lines = String(await redis.call('CLUSTER', 'NODES')).trim().split('\n');
    const fields = lines.map((line) => line.split(' '));
    const me = fields.find((f) => f[2].split(',').includes('myself'))!;
    const master = me[3] === '-' ? undefined : fields.find((f) => f[0] === me[3]);
    return {
      state: /cluster_state:(\w+)/.exec(info)![1],
      slots: me.slice(8),
      ...(master ? { replicaOf: Number(master[1].split('@')[0].split(':').pop()) } : {}),
      knownNodes: lines.length,
      keys: await redis.dbsize(),
    };
  });
}

export async function clusterViews(password?: string): Promise<Record<number, NodeView>> {
  const views: Record<number, NodeView> = {};
  for (const port of PORTS) views[port] = await nodeView(port, password);
  return views;
}

/** The guide's single-server cluster: 7300-7302 serve the three ranges, 740x follows 730x. */
export const HEALTHY: Record<number, Omit<NodeView, 'keys'>> = {
  7300: { state: 'ok', slots: ['0-5460'], knownNodes: 6 },
  7301: { state: 'ok', slots: ['5461-10922'], knownNodes: 6 },
  7302: { state: 'ok', slots: ['10923-16383'], knownNodes: 6 },
  7400: { state: 'ok', slots: [], replicaOf: 7300, knownNodes: 6 },
  7401: { state: 'ok', slots: [], replicaOf: 7301, knownNodes: 6 },
  7402: { state: 'ok', slots: [], replicaOf: 7302, knownNodes: 6 },
};

/** What a node left by a reset looks like: alone, no slots, no master, empty. */
export const CLEAN: NodeView = { state: 'fail', slots: [], knownNodes: 1, keys: 0 };

/**
 * Writes `count` keys through an ioredis Cluster client (which follows MOVED to the owner of each
 * slot) and reads them back; returns what it read.
 */
export async function roundTrip(count: number, password?: string): Promise<string[]> {
  const cluster = new Cluster([{ host: '127.0.0.1', port: MASTERS[0] }], { redisOptions: { password }, lazyConnect: true });
  try {
    await cluster.connect();
    for (let i = 0; i < count; i++) await cluster.set(`e2e:key:${i}`, `value-${i}`);
    const read: string[] = [];
    for (let i = 0; i < count; i++) read.push((await cluster.get(`e2e:key:${i}`)) ?? '(nil)');
    return read;
  } finally {
    cluster.disconnect();
  }
}

/** True when something accepts TCP connections on the port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function busyPorts(): Promise<number[]> {
  const busy: number[] = [];
  for (const port of PORTS) if (await listening(port)) busy.push(port);
  return busy;
}

/**
 * Stops every node whose pidfile is under `baseDir`: SHUTDOWN NOSAVE first (with the password if
 * one is set), then SIGKILL by pidfile for anything that did not go (a wrong password, a hung
 * server), so a failed test leaves no redis-server behind.
 */
export async function stopNodes(baseDir: string, password?: string): Promise<void> {
  const stopped: number[] = [];
  for (const port of PORTS) {
    let pid = 0;
    try {
      pid = Number(readFileSync(nodeLayout(LOCAL_HOST, baseDir, port).pidfile, 'utf8').trim());
    } catch {
      continue; // never started from this base dir
    }
    // A stale pidfile's pid may belong to another process by now, and the port to another
    // engineer's server: touch only the redis-server that the pidfile names and the port serves.
    if (!(pid > 0 && isRedisServer(pid))) continue;
    stopped.push(port);
    await withNode(port, password, async (redis) => {
      if (/process_id:(\d+)/.exec(String(await redis.info('server')))?.[1] === String(pid)) await redis.call('SHUTDOWN', 'NOSAVE');
    }).catch(() => undefined);
    if (isRedisServer(pid)) process.kill(pid, 'SIGKILL');
  }
  // The kernel frees a port a moment after the process exits.
  const stillBusy = async () => (await Promise.all(stopped.map(listening))).some(Boolean);
  for (let i = 0; i < 50 && (await stillBusy()); i++) await new Promise((r) => setTimeout(r, 100));
}

function isRedisServer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server');
  } catch {
    return false;
  }
}

interface PlaybookTask {
  id: string;
  needs?: string[];
  tags?: string[];
  [key: string]: unknown;
}

/**
 * playbooks/cluster.yaml as it is, with one step added between meet and replicate: `stray-slot`
 * gives replica 7400 a slot with redis-cli, as an operator's CLUSTER ADDSLOTS sent to the wrong
 * node would, so redis.replicate then refuses for real (no test-only code path). Every task, param,
 * handler and the play's `rollback:` are the real playbook's, read afresh: a change there, or its
 * rollback gone, shows in the tests that run this. addslots waits for the stray slot too, so it
 * never races it. meet also gets the tag `meet`: `--tags meet` is a run stopped after meet.
 * Written to `dir`; returns its path.
 */
export function strayslotPlaybook(dir: string): string {
  const plays = parse(readFileSync(join(REPO, 'playbooks', 'cluster.yaml'), 'utf8')) as { tasks: PlaybookTask[] }[];
  const tasks = plays[0]!.tasks;
  const meet = tasks.findIndex((t) => t.id === 'meet');
  if (meet < 0) throw new Error('playbooks/cluster.yaml has no task with id meet');
  tasks[meet] = { ...tasks[meet]!, tags: [...(tasks[meet]!.tags ?? []), 'meet'] };
  tasks.splice(meet + 1, 0, {
    id: 'stray-slot',
    name: 'Give replica 7400 slot 16383 by mistake',
    // -e: exit non-zero on an error reply, so a refused ADDSLOTS fails this step, not replicate.
    command: { argv: ['{{ redis_prefix }}/bin/redis-cli', '-e', '-p', '7400', 'CLUSTER', 'ADDSLOTS', '16383'] },
    run_once: true,
    needs: ['meet'],
    tags: ['cluster'],
  });
  for (const t of tasks) if (t.id === 'replicate' || t.id === 'addslots') t.needs = [...(t.needs ?? []), 'stray-slot'];
  const file = join(dir, 'cluster-stray-slot.yaml');
  writeFileSync(file, stringify(plays));
  return file;
}
