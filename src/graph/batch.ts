import type { PlayGraph } from './types.ts';

/**
 * The part of a play's graph one `serial` batch runs: its hosts' nodes and the edges between
 * them. A run_once node runs on the batch's first host, once per batch, as in Ansible.
 */
export function batchGraph(graph: PlayGraph, hosts: string[]): PlayGraph {
  const inBatch = new Set(hosts);
  const nodes = new Map(
    [...graph.nodes].filter(([, node]) => node.runOnce || inBatch.has(node.host)).map(([id, node]) => [id, node.runOnce ? { ...node, host: hosts[0]! } : node]),
  );
  const keep = (edges: [string, string][]) => edges.filter(([from, to]) => nodes.has(from) && nodes.has(to));
  return {
    ...graph,
    hosts,
    nodes,
    edges: keep(graph.edges),
    ...(graph.orderEdges ? { orderEdges: keep(graph.orderEdges) } : {}),
  };
}
