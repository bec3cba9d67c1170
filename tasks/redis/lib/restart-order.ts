// The order a host restarts its nodes in, and what must be true before the next one goes down.
import type { NodeRole } from '../topology.ts';

export interface RestartNode {
  ref: string;
  port: number;
  role: NodeRole;
  masterRef?: string;
}

/**
 * Replicas before masters (a restarted master whose replica is still down has nobody to fail over
 * to), ports ascending. One node at a time on the host; across hosts, nodes of one master/replica
 * pair share a lock key (`pairKey`) so they never restart together.
 */
export function restartOrder<N extends RestartNode>(nodes: readonly N[]): N[] {
  return [...nodes].sort((a, b) => Number(a.role === 'master') - Number(b.role === 'master') || a.port - b.port);
}

/** A master and its replicas share the master's ref: the run lock that serialises their restarts. */
export function pairKey(node: RestartNode): string {
  return node.role === 'replica' && node.masterRef ? node.masterRef : node.ref;
}

/** What a node reports, enough to tell whether it is back as it was. */
export interface RestartProbe {
  answersPing: boolean;
  clusterKnownNodes: number;
  clusterStateOk: boolean;
  replica: boolean;
  masterLinkUp?: boolean;
  connectedReplicas: number;
}

/** Why the restarted node is not back yet; empty once it is (with its cluster and replica links). */
export function restartPending(before: RestartProbe, after: RestartProbe): string[] {
  if (!after.answersPing) return ['does not answer PING'];
  // A node that was alone (or not clustered) is back as soon as it answers.
  if (before.clusterKnownNodes <= 1) return [];
  const pending: string[] = [];
  if (before.clusterStateOk && !after.clusterStateOk) pending.push('cluster_state is not ok');
  if (after.replica && after.masterLinkUp !== true) pending.push('replication link to its master is down');
  if (!after.replica && after.connectedReplicas < before.connectedReplicas) {
    pending.push(`${after.connectedReplicas} of ${before.connectedReplicas} replicas reconnected`);
  }
  return pending;
}
