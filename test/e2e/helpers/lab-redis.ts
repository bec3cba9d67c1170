// Looks at the lab's Redis Cluster from outside the engine, with ioredis straight to the lab
// addresses: per-node CLUSTER INFO/NODES, a Cluster client for keys, WAIT-acknowledged writes.
import { connect } from 'node:net';
import { Cluster, Redis } from 'ioredis';

export interface NodeAddress {
  address: string;
  port: number;
}

/** One line of CLUSTER NODES. */
export interface ClusterNodeLine {
  id: string;
  address: string;
  port: number;
  flags: string[];
  masterId: string | null;
  slots: string[];
}

export async function withNode<T>(node: NodeAddress, password: string, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ host: node.address, port: node.port, password, lazyConnect: true, retryStrategy: () => null, connectTimeout: 3000, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

/**
 * Sends one inline command on a bare TCP connection, no AUTH, and returns the first reply line
 * (`+PONG`, `-NOAUTH ...`). Not ioredis: without a password it only warns, and it would retry.
 */
export function rawReply(node: NodeAddress, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: node.address, port: node.port });
    let received = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error(`${node.address}:${node.port}: no reply to ${command}`)));
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n');
      if (end < 0) return;
      socket.destroy();
      resolve(received.slice(0, end));
    });
    socket.once('error', reject);
  });
}

export function clusterState(node: NodeAddress, password: string): Promise<string> {
  return withNode(node, password, async (redis) => /cluster_state:(\w+)/.exec(String(await redis.call('CLUSTER', 'INFO')))?.[1] ?? 'unknown');
}

export function parseClusterNodes(text: string): ClusterNodeLine[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, addr, flags, master, , , , , ...slots] = line.trim().split(' ');
      const match = /^([^:]+):(\d+)@/.exec(addr!);
      return {
        id: id!,
        address: match?.[1] ?? '',
        port: Number(match?.[2]),
        flags: flags!.split(','),
        masterId: master === '-' ? null : master!,
        slots,
      };
    });
}

export async function clusterNodes(node: NodeAddress, password: string): Promise<ClusterNodeLine[]> {
  return withNode(node, password, async (redis) => parseClusterNodes(String(await redis.call('CLUSTER', 'NODES'))));
}

/** Polls until `probe` returns true or the bound passes; returns the last probe's result. */
export async function pollUntil(probe: () => Promise<boolean>, boundMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const ok = await probe().catch(() => false);
    if (ok || Date.now() > deadline) return ok;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function clusterClient(nodes: NodeAddress[], password: string): Cluster {
  return new Cluster(
    nodes.map((n) => ({ host: n.address, port: n.port })),
    {
      redisOptions: { password, connectTimeout: 3000 },
      enableAutoPipelining: true,
      // A node of a stopped host must not stall the client: refresh the slot map and go on.
      clusterRetryStrategy: (times) => (times > 5 ? null : 200),
      slotsRefreshTimeout: 3000,
    },
  );
}

export const keyName = (prefix: string, i: number) => `${prefix}:${i}`;

/** Writes count keys through the cluster client; value = key name reversed, so reads can be checked. */
export async function writeKeys(cluster: Cluster, prefix: string, count: number): Promise<void> {
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) writes.push(cluster.set(keyName(prefix, i), valueOf(keyName(prefix, i))));
  await Promise.all(writes);
}

export function valueOf(key: string): string {
  return [...key].reverse().join('');
}

/** Keys whose value is missing or wrong. */
export async function unreadableKeys(cluster: Cluster, prefix: string, count: number): Promise<string[]> {
  const reads = Array.from({ length: count }, (_, i) => cluster.get(keyName(prefix, i)).then((v) => [keyName(prefix, i), v] as const));
  return (await Promise.all(reads)).filter(([key, value]) => value !== valueOf(key)).map(([key]) => key);
}

/**
 * WAIT 1 on every master connection of the cluster client: WAIT counts the writes of the
 * connection it is sent on, and these are the connections the keys were written through.
 * Returns how many replicas acknowledged, per master.
 */
export async function waitForReplicas(cluster: Cluster, timeoutMs: number): Promise<Map<string, number>> {
  const acks = new Map<string, number>();
  for (const master of cluster.nodes('master')) {
    acks.set(`${master.options.host}:${master.options.port}`, Number(await master.call('WAIT', 1, timeoutMs)));
  }
  return acks;
}
