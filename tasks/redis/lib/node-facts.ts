// Everything the cluster planners need from one node, read in four commands (CLUSTER MYID,
// CLUSTER NODES, CLUSTER INFO, INFO) and parsed by the pure parsers beside this file.
import type { Redis } from 'ioredis';
import { parseClusterNodes, parseMyId, type ClusterNodesView } from './cluster-nodes.ts';
import { callText } from './client.ts';
import { keyCount, parseClusterInfo, parseInfo, redisVersion, type ClusterInfo, type InfoFields } from './info.ts';

export interface NodeFacts {
  /** "HOST:PORT", the topology's name for the node. */
  ref: string;
  id: string;
  view: ClusterNodesView;
  cluster: ClusterInfo;
  keys: number;
  version: [number, number, number];
  /** INFO replication's master_link_status on a replica; undefined on a master. */
  masterLinkUp?: boolean;
  /**
   * INFO replication's role and offset: master_repl_offset on a master, slave_repl_offset on a
   * replica (how far it has read its master's stream), so failback can tell a caught-up replica.
   */
  replication?: ReplicationState;
}

export interface ReplicationState {
  role: 'master' | 'replica';
  offset: number;
}

/** INFO replication's role and offset; undefined when INFO says neither. */
export function replicationState(info: InfoFields): ReplicationState | undefined {
  if (info.role === 'master' && info.master_repl_offset !== undefined) return { role: 'master', offset: Number(info.master_repl_offset) };
  if (info.role === 'slave' && info.slave_repl_offset !== undefined) return { role: 'replica', offset: Number(info.slave_repl_offset) };
  return undefined;
}

export async function readNodeFacts(ref: string, client: Redis): Promise<NodeFacts> {
  const id = parseMyId(await callText(client, 'CLUSTER', 'MYID'));
  const view = parseClusterNodes(await callText(client, 'CLUSTER', 'NODES'));
  const cluster = parseClusterInfo(await callText(client, 'CLUSTER', 'INFO'));
  const info = parseInfo(await callText(client, 'INFO'));
  const replication = replicationState(info);
  return {
    ref,
    id,
    view,
    cluster,
    keys: keyCount(info),
    version: redisVersion(info),
    ...(info.master_link_status !== undefined ? { masterLinkUp: info.master_link_status === 'up' } : {}),
    ...(replication ? { replication } : {}),
  };
}

/** Nodes this node knows besides itself, by id (handshake entries have throwaway ids: left out). */
export function knownPeerIds(facts: NodeFacts): Set<string> {
  return new Set(
    facts.view.nodes.filter((n) => n !== facts.view.myself && !n.flags.includes('handshake')).map((n) => n.id),
  );
}

/** A node that was never met, has no slots and follows nobody: what `redis-server` starts as. */
export function isFresh(facts: NodeFacts): boolean {
  const me = facts.view.myself;
  return knownPeerIds(facts).size === 0 && me.slots.length === 0 && me.masterId === undefined;
}
