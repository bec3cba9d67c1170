import { GraphCycleError, InputError } from '../errors.ts';
import type { Play, TaskSpec } from '../playbook/types.ts';
import { findCycle } from './cycle.ts';
import type { FactsDecision } from '../facts/reads.ts';
import { addBlockEdges } from './block-edges.ts';
import { addGatherNodes } from './gather-nodes.ts';
import { addHandlerFlushes, neededHandlerInstances, resolveHandlers, sameHostOrOnce } from './handler-flush.ts';
import type { GraphNode, PlayGraph } from './types.ts';

export interface BuildOptions {
  /** Task ids chosen by --tags/--skip-tags; undefined selects every task. */
  selected?: Set<string>;
  /** Pull in the unselected needs of selected tasks, transitively (--with-needs). */
  withNeeds?: boolean;
  /** Whether the play gathers facts (src/facts/reads.ts): then a gather node per host starts it. */
  facts?: FactsDecision;
}

/**
 * Builds the (task, host) graph of one play. Only structure: nothing here runs or prints.
 * A task follows the one before it in the list (Ansible's order) unless it says `needs`, which
 * replaces that edge with exactly those; edges are same-host, and an edge to or from a run_once
 * task joins every host's instance. Handlers run at flush points (handler-flush.ts).
 */
export function buildPlayGraph(playIndex: number, play: Play, hosts: string[], options: BuildOptions = {}): PlayGraph {
  if (hosts.length === 0) throw new InputError(`play "${play.name}" has no hosts to run on`, play.position);
  const handlerIds = new Set(play.handlers.map((h) => h.id));
  const included = includedTaskIds(play, options);
  const nodes = new Map<string, GraphNode>();
  const instances = new Map<string, string[]>(); // task id -> its node ids
  for (const task of play.tasks) {
    if (!included.has(task.id)) continue;
    const ids = (task.runOnce ? [hosts[0]!] : hosts).map((host) => {
      const nodeId = task.runOnce ? task.id : `${task.id}@${host}`;
      nodes.set(nodeId, {
        id: nodeId,
        task,
        section: 'tasks',
        host,
        runOnce: task.runOnce,
        assumedNeeds: task.needs.filter((need) => !included.has(need)),
        notifiedBy: [],
      });
      return nodeId;
    });
    instances.set(task.id, ids);
  }

  const edges: [string, string][] = [];
  const linkNodes = (fromIds: readonly string[], toIds: readonly string[]) => {
    for (const to of toIds) {
      for (const from of fromIds) {
        // Same host, unless either side runs once for the whole play.
        if (sameHostOrOnce(nodes.get(from)!, nodes.get(to)!)) edges.push([from, to]);
      }
    }
  };
  const graph = { play, hosts, nodes, instances, included, linkNodes };
  addHandlerFlushes(graph);

  for (const task of play.tasks) {
    if (!included.has(task.id)) continue;
    for (const need of task.needs) {
      if (!included.has(need)) continue;
      const handler = handlerIds.has(need) ? play.handlers.find((h) => h.id === need)! : undefined;
      linkNodes(handler ? neededHandlerInstances(graph, handler, task) : instances.get(need)!, instances.get(task.id)!);
    }
  }
  // Ansible's order: a task without `needs` follows the task before it that runs (tasks --tags
  // left out are passed over, as Ansible runs the selected ones in file order).
  let previous: TaskSpec | undefined;
  for (const task of play.tasks) {
    if (!included.has(task.id)) continue;
    if (task.followsPrevious && previous) linkNodes(instances.get(previous.id)!, instances.get(task.id)!);
    previous = task;
  }

  addBlockEdges(graph);
  addGatherNodes({ play, hosts, nodes, edges, linkNodes }, options.facts);

  const unique = [...new Map(edges.map((edge) => [edge.join('\0'), edge])).values()];
  const cycle = findCycle([...nodes.keys()], unique);
  if (cycle) {
    const first = nodes.get(cycle[0]!)!;
    const taskPath = cycle.map((nodeId) => nodes.get(nodeId)!.task.id);
    throw new GraphCycleError(taskPath, first.task.keyPositions['needs'] ?? first.task.position);
  }
  // max_fail_percentage and any_errors_fatal are judged task by task over all hosts, as under
  // Ansible's linear strategy, so a play that asks for them moves in step like a linear one.
  const inStep = play.strategy === 'linear' || play.maxFailPercentage !== undefined || play.anyErrorsFatal === true;
  const orderEdges = inStep ? linearOrder(play, included, instances) : undefined;
  return { playIndex, play, hosts, nodes, edges: unique, ...(orderEdges ? { orderEdges } : {}), ...(options.facts ? { facts: options.facts } : {}) };
}

/** strategy: linear: each task's nodes wait for every host's node of the task before it. */
function linearOrder(play: Play, included: ReadonlySet<string>, instances: Map<string, string[]>): [string, string][] {
  const edges: [string, string][] = [];
  let previous: string[] | undefined;
  for (const task of play.tasks) {
    if (!included.has(task.id)) continue;
    const current = instances.get(task.id)!;
    if (previous) for (const from of previous) for (const to of current) edges.push([from, to]);
    previous = current;
  }
  return edges;
}

/** Handlers are notified by name or `listen` topic (as in Ansible), or by id. */
export { resolveHandlers } from './handler-flush.ts';

function includedTaskIds(play: Play, options: BuildOptions): Set<string> {
  const byId = new Map([...play.tasks, ...play.handlers].map((task) => [task.id, task]));
  const included = new Set<string>();
  const selected = options.selected;
  for (const task of play.tasks) if (!selected || selected.has(task.id)) included.add(task.id);
  if (options.withNeeds) {
    const queue = [...included];
    while (queue.length > 0) {
      const id = queue.pop()!;
      for (const need of byId.get(id)?.needs ?? []) {
        if (!included.has(need) && byId.has(need)) {
          included.add(need);
          queue.push(need);
        }
      }
    }
  }
  // A handler is in the graph when a task that notifies it is; its own needs are not pulled in.
  for (const task of play.tasks) {
    if (!included.has(task.id)) continue;
    for (const target of task.notify) for (const handler of resolveHandlers(play, target)) included.add(handler.id);
  }
  return included;
}
