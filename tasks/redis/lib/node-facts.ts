// Everything the cluster planners need from one node, read in three commands (CLUSTER MYID,
// CLUSTER NODES, CLUSTER INFO, INFO) and parsed by the pure parsers beside this file.
import type { Redis } from 'ioredis';
import { parseClusterNodes, parseMyId, type ClusterNodesView } from './cluster-nodes.ts';
import { callText } from './client.ts';
import { keyCount, parseClusterInfo, parseInfo, redisVersion, type ClusterInfo } from './info.ts';

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
}

export async function readNodeFacts(ref: string, client: Redis): Promise<NodeFacts> {
  const id = parseMyId(await callText(client, 'CLUSTER', 'MYID'));
  const view = parseClusterNodes(await callText(client, 'CLUSTER', 'NODES'));
  const cluster = parseClusterInfo(await callText(client, 'CLUSTER', 'INFO'));
  const info = parseInfo(await callText(client, 'INFO'));
  return {
    ref,
    id,
    view,
    cluster,
    keys: keyCount(info),
    version: redisVersion(info),
    ...(info.master_link_status !== undefined ? { masterLinkUp: info.master_link_status === 'up' } : {}),
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
