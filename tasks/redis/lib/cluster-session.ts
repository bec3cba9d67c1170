// One client per planned node for the run_once cluster tasks, reached through each node's own
// host connection (or directly), plus the shared parameters every cluster task takes.
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { TaskContext } from '../../../src/modules/module.ts';
import { topologyFromPlay, type Topology, type TopologyNode } from '../topology.ts';
import { closeClient, openNodeClient, RedisAuthError, type ClientOptions } from './client.ts';
import { readNodeFacts, type NodeFacts } from './node-facts.ts';
import { recordKeysBefore } from './run-records.ts';

export const clusterParams = z.object({
  password: z
    .string()
    .optional()
    .describe('Redis password (requirepass); defaults to the host variable redis_password. Sent with AUTH only.'),
  connect: z
    .enum(['forward', 'direct'])
    .default('forward')
    .describe('forward: reach each node through its host connection (ssh forwardOut); direct: TCP from the controller to the node address'),
  local_address: z
    .string()
    .default('127.0.0.1')
    .describe('Address a node listens on as seen from its own host, used with connect: forward'),
  allow_same_host: z
    .boolean()
    .default(false)
    .describe("Allow a replica on its master's host when resolving the play's topology (as redis.config takes it)"),
  timeout: z.number().positive().default(60).describe('Seconds to wait for the cluster to converge after a change'),
});
export type ClusterParams = z.infer<typeof clusterParams>;

/** The password to use: the parameter, else the host variable; registered so every output masks it. */
export function resolvePassword(ctx: TaskContext, explicit: string | undefined): string | undefined {
  const fromVars = ctx.host.vars.redis_password;
  const password = explicit ?? (typeof fromVars === 'string' && fromVars !== '' ? fromVars : undefined);
  if (password) ctx.addSecret(password);
  return password;
}

export interface ClusterSession {
  topology: Topology;
  clients: Map<string, Redis>;
  /** With skipUnreachable: the nodes that could not be opened or read, with why; empty otherwise. */
  unreachable: Map<string, string>;
  client(ref: string): Redis;
  /** Facts of every opened node, read now; also records each node's first-seen key count. */
  readFacts(): Promise<Map<string, NodeFacts>>;
  close(): Promise<void>;
}

/**
 * Opens a client to every planned node, or to the `only` ones (rollback reaches just what it resets).
 * With skipUnreachable (reset: do what can be done, then name the rest) a node that cannot be
 * reached is left out and listed in `unreachable` instead of failing the session; a refused
 * password still fails it, since every other node would refuse it too.
 */
export async function openCluster(
  ctx: TaskContext,
  params: ClusterParams,
  only?: readonly string[],
  skipUnreachable = false,
): Promise<ClusterSession> {
  const topology = topologyFromPlay(ctx.play.hosts, { allowSameHost: params.allow_same_host });
  const nodes = only ? topology.nodes.filter((n) => only.includes(n.ref)) : topology.nodes;
  const password = resolvePassword(ctx, params.password);
  const clients = new Map<string, Redis>();
  const unreachable = new Map<string, string>();
  const skip = (ref: string, error: unknown): void => {
    if (!skipUnreachable || error instanceof RedisAuthError) throw error;
    unreachable.set(ref, error instanceof Error ? error.message : String(error));
  };
  const close = async () => {
    await Promise.all([...clients.values()].map(closeClient));
  };
  ctx.log.info(
    params.connect === 'forward'
      ? `${nodes.length} nodes, each through its host's connection to ${params.local_address}`
      : `${nodes.length} nodes, direct from the controller (${nodes.map((n) => `${n.address}:${n.port}`).join(', ')})`,
  );
  try {
    await Promise.all(
      nodes.map(async (node) => {
        try {
          const options: ClientOptions = { password, timeoutMs: 10_000 };
          let address = node.address;
          if (params.connect === 'forward') {
            options.via = node.host === ctx.host.name ? ctx.conn : await ctx.connectionFor(node.host);
            address = params.local_address;
          }
          clients.set(node.ref, await openNodeClient({ ref: node.ref, address, port: node.port }, options));
        } catch (error) {
          skip(node.ref, error);
        }
      }),
    );
  } catch (error) {
    await close();
    throw error;
  }
  return {
    topology,
    clients,
    unreachable,
    client(ref) {
      const client = clients.get(ref);
      if (!client) throw new Error(`no client for ${ref}`);
      return client;
    },
    async readFacts() {
      const facts = new Map<string, NodeFacts>();
      for (const node of nodes) {
        const client = clients.get(node.ref);
        if (!client) continue;
        try {
          const f = await readNodeFacts(node.ref, client);
          recordKeysBefore(ctx, node.ref, f.keys);
          facts.set(node.ref, f);
        } catch (error) {
          // Gone between connect and read (a server killed): skipped like one never reached.
          skip(node.ref, error);
          clients.delete(node.ref);
          await closeClient(client);
        }
      }
      return facts;
    },
    close,
  };
}

/** Runs `use` on an open session and always closes every client. */
export async function withCluster<T>(
  ctx: TaskContext,
  params: ClusterParams,
  use: (s: ClusterSession) => Promise<T>,
  only?: readonly string[],
  skipUnreachable = false,
): Promise<T> {
  const session = await openCluster(ctx, params, only, skipUnreachable);
  try {
    return await use(session);
  } finally {
    await session.close();
  }
}

/**
 * The IP other nodes should MEET a node at: the address it announces (its own CLUSTER NODES line
 * shows cluster-announce-ip once set), else the topology address, resolved when it is a name,
 * because CLUSTER MEET takes only IP addresses.
 */
export async function meetAddress(node: TopologyNode, facts: NodeFacts): Promise<string> {
  const announced = facts.view.myself.ip;
  if (announced && isIP(announced)) return announced;
  if (isIP(node.address)) return node.address;
  return (await lookup(node.address)).address;
}
