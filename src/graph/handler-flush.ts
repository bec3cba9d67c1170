import type { Play, TaskSpec } from '../playbook/types.ts';
import type { GraphNode } from './types.ts';

// Handlers as Ansible runs them: notified once per host, run at the flush point that follows
// their notifier (the end of pre_tasks, of tasks, of post_tasks, and each meta: flush_handlers),
// in the order of the handler list, before the next section's first task. A handler a task
// `needs` keeps playgraph's meaning instead: it runs as soon as its notifier is done (the
// playbook asked for that order), which is how cluster.yaml restarts a node before meeting it.

/** What the graph builder hands over: the nodes so far and a way to add same-host edges. */
export interface GraphUnderConstruction {
  play: Play;
  hosts: string[];
  nodes: Map<string, GraphNode>;
  /** Task id -> its node ids (a handler's: every flush's instances). */
  instances: Map<string, string[]>;
  included: ReadonlySet<string>;
  /** Adds `from -> to` for each pair on one host (or where either runs once). */
  linkNodes(fromIds: readonly string[], toIds: readonly string[]): void;
}

/** Handlers are notified by name, by `listen` topic (all that listen run), or by id. */
export function resolveHandlers(play: Play, target: string): TaskSpec[] {
  const byName = play.handlers.filter((h) => h.name === target || (h.listen ?? []).includes(target));
  if (byName.length > 0) return byName;
  return play.handlers.filter((h) => h.id === target);
}

function groupOf(task: TaskSpec): number {
  return task.flushGroup ?? 0;
}

function instanceId(handler: TaskSpec, nth: number, host: string): string {
  // `#` cannot appear in a task id, so a later flush's instance never meets a real task's id.
  const base = nth === 1 ? handler.id : `${handler.id}#${nth}`;
  return handler.runOnce ? base : `${base}@${host}`;
}

/** One flush's run of one handler: its nodes (one per host, or one for run_once). */
interface Instance {
  handler: TaskSpec;
  group: number;
  nodeIds: string[];
  notifiers: string[];
  /** A task of this group needs the handler: it runs right after its notifiers. */
  early: boolean;
}

/** Which handler runs at which flush: every (handler, group) an included notifier points at. */
function notifiedFlushes(play: Play, included: ReadonlySet<string>): Map<string, Map<number, string[]>> {
  const flushes = new Map<string, Map<number, string[]>>(); // handler id -> group -> notifier task ids
  for (const task of play.tasks) {
    if (!included.has(task.id)) continue;
    for (const target of task.notify) {
      for (const handler of resolveHandlers(play, target)) {
        if (!included.has(handler.id)) continue;
        const groups = flushes.get(handler.id) ?? new Map<number, string[]>();
        groups.set(groupOf(task), [...(groups.get(groupOf(task)) ?? []), task.id]);
        flushes.set(handler.id, groups);
      }
    }
  }
  return flushes;
}

/** Creates every handler instance node and its edges. */
export function addHandlerFlushes(graph: GraphUnderConstruction): void {
  const { play, hosts, nodes, instances, included } = graph;
  const flushes = notifiedFlushes(play, included);
  const instancesByGroup = new Map<number, Instance[]>();
  for (const handler of play.handlers) {
    const groups = [...(flushes.get(handler.id)?.keys() ?? [])].sort((a, b) => a - b);
    const allIds: string[] = [];
    groups.forEach((group, index) => {
      const notifierTasks = flushes.get(handler.id)!.get(group)!;
      const nodeIds = (handler.runOnce ? [hosts[0]!] : hosts).map((host) => {
        const id = instanceId(handler, index + 1, host);
        nodes.set(id, { id, task: handler, section: 'handlers', host, runOnce: handler.runOnce, flushGroup: group, assumedNeeds: handler.needs.filter((need) => !included.has(need)), notifiedBy: [] });
        return id;
      });
      const early = play.tasks.some((t) => included.has(t.id) && groupOf(t) === group && t.needs.includes(handler.id));
      const instance: Instance = { handler, group, nodeIds, notifiers: notifierTasks.flatMap((id) => instances.get(id) ?? []), early };
      instancesByGroup.set(group, [...(instancesByGroup.get(group) ?? []), instance]);
      allIds.push(...nodeIds);
    });
    if (allIds.length > 0) instances.set(handler.id, allIds);
  }

  for (const [group, groupInstances] of instancesByGroup) {
    const groupTasks = play.tasks.filter((t) => included.has(t.id) && groupOf(t) === group).flatMap((t) => instances.get(t.id) ?? []);
    groupInstances.forEach((instance, index) => {
      for (const nodeId of instance.nodeIds) {
        const node = nodes.get(nodeId)!;
        node.notifiedBy = instance.notifiers.filter((n) => sameHostOrOnce(nodes.get(n)!, node));
      }
      graph.linkNodes(instance.notifiers, instance.nodeIds);
      if (!instance.early) graph.linkNodes(groupTasks, instance.nodeIds);
      // The handler list's order, unless the handler says `needs` (then exactly those).
      const previous = groupInstances.slice(0, index).reverse().find((other) => !other.early);
      if (!instance.early && instance.handler.followsPrevious && previous) graph.linkNodes(previous.nodeIds, instance.nodeIds);
      for (const need of instance.handler.needs) {
        const neededHandler = groupInstances.find((other) => other.handler.id === need);
        if (neededHandler) graph.linkNodes(neededHandler.nodeIds, instance.nodeIds);
        else if (play.tasks.some((t) => t.id === need) && instances.has(need)) graph.linkNodes(instances.get(need)!, instance.nodeIds);
      }
      // One handler never runs twice at once: a later flush's instance follows the earlier one.
      const earlier = [...instancesByGroup.entries()].filter(([g]) => g < group).flatMap(([, list]) => list).filter((other) => other.handler === instance.handler);
      for (const other of earlier) graph.linkNodes(other.nodeIds, instance.nodeIds);
    });
  }
  linkSectionsAfterFlushes(graph, instancesByGroup);
}

/** The first task after a flush point waits for that flush's handlers, on its host. */
function linkSectionsAfterFlushes(graph: GraphUnderConstruction, instancesByGroup: Map<number, Instance[]>): void {
  let previous: TaskSpec | undefined;
  for (const task of graph.play.tasks) {
    if (!graph.included.has(task.id)) continue;
    if (task.followsPrevious && previous && groupOf(previous) < groupOf(task)) {
      const flushed = [...instancesByGroup.entries()]
        .filter(([group]) => group >= groupOf(previous!) && group < groupOf(task))
        .flatMap(([, list]) => list.filter((instance) => !instance.early).flatMap((instance) => instance.nodeIds));
      graph.linkNodes(flushed, graph.instances.get(task.id)!);
    }
    previous = task;
  }
}

export function sameHostOrOnce(a: GraphNode, b: GraphNode): boolean {
  return a.runOnce || b.runOnce || a.host === b.host;
}

/** A handler a task needs: the instance of the latest flush at or before the task's own. */
export function neededHandlerInstances(graph: GraphUnderConstruction, handler: TaskSpec, task: TaskSpec): string[] {
  const ids = graph.instances.get(handler.id) ?? [];
  const candidates = ids.map((id) => graph.nodes.get(id)!).filter((node) => (node.flushGroup ?? 0) <= groupOf(task));
  const latest = Math.max(...candidates.map((node) => node.flushGroup ?? 0));
  return candidates.filter((node) => (node.flushGroup ?? 0) === latest).map((node) => node.id);
}
