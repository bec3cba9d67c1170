import { GraphCycleError, InputError } from '../errors.ts';
import type { Play, TaskSpec } from '../playbook/types.ts';
import { findCycle } from './cycle.ts';
import type { GraphNode, PlayGraph, TaskSection } from './types.ts';

export interface BuildOptions {
  /** Task ids chosen by --tags/--skip-tags; undefined selects every task. */
  selected?: Set<string>;
  /** Pull in the unselected needs of selected tasks, transitively (--with-needs). */
  withNeeds?: boolean;
}

/**
 * Builds the (task, host) graph of one play. Only structure: nothing here runs or prints.
 * A task follows the one before it in the list (Ansible's order) unless it says `needs`, which
 * replaces that edge with exactly those; edges are same-host, and an edge to or from a run_once
 * task joins every host's instance.
 * Handlers depend on the tasks that notify them, so they run after those on the same host.
 */
export function buildPlayGraph(playIndex: number, play: Play, hosts: string[], options: BuildOptions = {}): PlayGraph {
  if (hosts.length === 0) throw new InputError(`play "${play.name}" has no hosts to run on`, play.position);
  const byId = new Map<string, { task: TaskSpec; section: TaskSection }>();
  for (const task of play.tasks) byId.set(task.id, { task, section: 'tasks' });
  for (const task of play.handlers) byId.set(task.id, { task, section: 'handlers' });

  const included = includedTaskIds(play, byId, options);
  const nodes = new Map<string, GraphNode>();
  const instances = new Map<string, string[]>(); // task id -> its node ids
  for (const id of included) {
    const { task, section } = byId.get(id)!;
    const taskHosts = task.runOnce ? [hosts[0]!] : hosts;
    const ids: string[] = [];
    for (const host of taskHosts) {
      const nodeId = task.runOnce ? task.id : `${task.id}@${host}`;
      nodes.set(nodeId, {
        id: nodeId,
        task,
        section,
        host,
        runOnce: task.runOnce,
        assumedNeeds: task.needs.filter((need) => !included.has(need)),
        notifiedBy: [],
      });
      ids.push(nodeId);
    }
    instances.set(id, ids);
  }

  const edges: [string, string][] = [];
  const link = (fromTask: string, toTask: string) => {
    const fromIds = instances.get(fromTask)!;
    const toIds = instances.get(toTask)!;
    for (const to of toIds) {
      const toNode = nodes.get(to)!;
      for (const from of fromIds) {
        const fromNode = nodes.get(from)!;
        // Same host, unless either side runs once for the whole play.
        if (fromNode.runOnce || toNode.runOnce || fromNode.host === toNode.host) edges.push([from, to]);
      }
    }
  };
  for (const id of included) {
    const { task } = byId.get(id)!;
    for (const need of task.needs) if (included.has(need)) link(need, id);
  }
  // Ansible's order: a task without `needs` follows the task before it that runs (tasks --tags
  // left out are passed over, as Ansible runs the selected ones in file order).
  let previous: TaskSpec | undefined;
  for (const task of play.tasks) {
    if (!included.has(task.id)) continue;
    if (task.followsPrevious && previous) link(previous.id, task.id);
    previous = task;
  }
  for (const task of play.tasks) {
    if (!included.has(task.id)) continue;
    for (const target of task.notify) {
      const handler = resolveHandler(play, target);
      if (!handler || !included.has(handler.id)) continue;
      link(task.id, handler.id);
      for (const handlerNode of instances.get(handler.id)!) {
        const node = nodes.get(handlerNode)!;
        for (const notifier of instances.get(task.id)!) {
          if (node.runOnce || nodes.get(notifier)!.runOnce || nodes.get(notifier)!.host === node.host) {
            node.notifiedBy.push(notifier);
          }
        }
      }
    }
  }

  const cycle = findCycle([...nodes.keys()], edges);
  if (cycle) {
    const first = nodes.get(cycle[0]!)!;
    const taskPath = cycle.map((nodeId) => nodes.get(nodeId)!.task.id);
    throw new GraphCycleError(taskPath, first.task.keyPositions['needs'] ?? first.task.position);
  }
  return { playIndex, play, hosts, nodes, edges };
}

/** Handlers are notified by name (as in Ansible) or by id. */
export function resolveHandler(play: Play, target: string): TaskSpec | undefined {
  return play.handlers.find((handler) => handler.name === target) ?? play.handlers.find((h) => h.id === target);
}

function includedTaskIds(
  play: Play,
  byId: Map<string, { task: TaskSpec; section: TaskSection }>,
  options: BuildOptions,
): Set<string> {
  const included = new Set<string>();
  const selected = options.selected;
  for (const task of play.tasks) if (!selected || selected.has(task.id)) included.add(task.id);
  if (options.withNeeds) {
    const queue = [...included];
    while (queue.length > 0) {
      const id = queue.pop()!;
      for (const need of byId.get(id)?.task.needs ?? []) {
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
    for (const target of task.notify) {
      const handler = resolveHandler(play, target);
      if (handler) included.add(handler.id);
    }
  }
  return included;
}
