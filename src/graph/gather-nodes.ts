import type { FactsDecision } from '../facts/reads.ts';
import type { Play, TaskSpec } from '../playbook/types.ts';
import type { GraphNode } from './types.ts';

// Ansible's "Gathering Facts": when the play gathers, one setup node per host at the play's
// start, which every node of that host with nothing before it waits for (so every task of the
// host runs after its facts are known; a run_once task waits for every host's).

export const GATHER_TASK_ID = 'gather_facts';

/** The setup task the play's gathering runs, named as Ansible shows it. */
export function gatherTask(play: Play, taken: ReadonlySet<string>): TaskSpec {
  let id = GATHER_TASK_ID;
  while (taken.has(id)) id = `_${id}`;
  return {
    id,
    name: 'Gathering Facts',
    module: 'core.setup',
    params: { gather_subset: play.gatherSubset ?? ['all'] },
    needs: [],
    tags: ['always'],
    when: [],
    loopVar: 'item',
    notify: [],
    runOnce: false,
    ignoreErrors: false,
    retries: 0,
    delay: 5,
    position: play.position,
    keyPositions: {},
  };
}

export interface GatherLinking {
  play: Play;
  hosts: readonly string[];
  nodes: Map<string, GraphNode>;
  edges: [string, string][];
  linkNodes(fromIds: readonly string[], toIds: readonly string[]): void;
}

/** Adds the gather nodes when the decision says so: before every node that waits for nothing. */
export function addGatherNodes(graph: GatherLinking, decision: FactsDecision | undefined): void {
  if (!decision?.gather) return;
  const task = gatherTask(graph.play, new Set([...graph.play.tasks, ...graph.play.handlers].map((t) => t.id)));
  const waiting = new Set(graph.edges.map(([, to]) => to));
  const roots = [...graph.nodes.keys()].filter((id) => !waiting.has(id));
  // First in the node map, as first in the play: plans and drawings list nodes in this order.
  const others = [...graph.nodes.values()];
  graph.nodes.clear();
  const gatherIds = graph.hosts.map((host) => {
    const id = `${task.id}@${host}`;
    graph.nodes.set(id, { id, task, section: 'tasks', host, runOnce: false, assumedNeeds: [], notifiedBy: [] });
    return id;
  });
  for (const node of others) graph.nodes.set(node.id, node);
  graph.linkNodes(gatherIds, roots);
}
