import type { PlayGraph } from './types.ts';

export type GraphFormat = 'mermaid' | 'dot';

/** Draws the graphs of a run (one subgraph per play) for `playgraph graph`. */
export function drawGraphs(graphs: PlayGraph[], format: GraphFormat): string {
  return format === 'mermaid' ? drawMermaid(graphs) : drawDot(graphs);
}

function label(graph: PlayGraph, nodeId: string): string {
  const node = graph.nodes.get(nodeId)!;
  const title = node.task.name ?? node.task.id;
  return node.runOnce ? `${title} (run_once)` : `${title} @ ${node.host}`;
}

// Node ids hold '@', '.', '-': both formats need identifiers, so number them per play.
function identifiers(graphs: PlayGraph[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const graph of graphs) {
    let n = 0;
    for (const nodeId of graph.nodes.keys()) ids.set(`${graph.playIndex}/${nodeId}`, `p${graph.playIndex}n${n++}`);
  }
  return ids;
}

function drawMermaid(graphs: PlayGraph[]): string {
  const ids = identifiers(graphs);
  const lines = ['flowchart TD'];
  for (const graph of graphs) {
    lines.push(`  subgraph play${graph.playIndex}["${escapeMermaid(graph.play.name)}"]`);
    for (const nodeId of graph.nodes.keys()) {
      lines.push(`    ${ids.get(`${graph.playIndex}/${nodeId}`)}["${escapeMermaid(label(graph, nodeId))}"]`);
    }
    lines.push('  end');
    for (const [from, to] of graph.edges) {
      lines.push(`  ${ids.get(`${graph.playIndex}/${from}`)} --> ${ids.get(`${graph.playIndex}/${to}`)}`);
    }
    // strategy: linear's order-only edges (a wait, not a dependency) are dotted.
    for (const [from, to] of orderOnly(graph)) {
      lines.push(`  ${ids.get(`${graph.playIndex}/${from}`)} -.-> ${ids.get(`${graph.playIndex}/${to}`)}`);
    }
  }
  for (let i = 1; i < graphs.length; i++) lines.push(`  play${graphs[i - 1]!.playIndex} --> play${graphs[i]!.playIndex}`);
  return `${lines.join('\n')}\n`;
}

function drawDot(graphs: PlayGraph[]): string {
  const ids = identifiers(graphs);
  const lines = ['digraph playgraph {', '  rankdir=TB;', '  node [shape=box];'];
  for (const graph of graphs) {
    lines.push(`  subgraph cluster_play${graph.playIndex} {`, `    label=${quoteDot(graph.play.name)};`);
    for (const nodeId of graph.nodes.keys()) {
      lines.push(`    ${ids.get(`${graph.playIndex}/${nodeId}`)} [label=${quoteDot(label(graph, nodeId))}];`);
    }
    lines.push('  }');
    for (const [from, to] of graph.edges) {
      lines.push(`  ${ids.get(`${graph.playIndex}/${from}`)} -> ${ids.get(`${graph.playIndex}/${to}`)};`);
    }
    for (const [from, to] of orderOnly(graph)) {
      lines.push(`  ${ids.get(`${graph.playIndex}/${from}`)} -> ${ids.get(`${graph.playIndex}/${to}`)} [style=dotted];`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The order-only edges that are not also dependencies (those are drawn once, solid). */
function orderOnly(graph: PlayGraph): [string, string][] {
  const drawn = new Set(graph.edges.map((edge) => edge.join('\0')));
  return (graph.orderEdges ?? []).filter((edge) => !drawn.has(edge.join('\0')));
}

function escapeMermaid(text: string): string {
  return text.replace(/"/g, '#quot;');
}

function quoteDot(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
