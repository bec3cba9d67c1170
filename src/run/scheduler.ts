import { Semaphore } from '../connect/semaphore.ts';
import { PGraph } from 'p-graph';
import type { GraphNode, PlayGraph } from '../graph/types.ts';
import { BlockGates, type RescuedBlock } from './block-gates.ts';
import type { NodeOutcome } from './outcome.ts';

export interface ScheduleOptions {
  /** Maximum nodes running at once (--forks). */
  forks: number;
  signal: AbortSignal;
  /** Runs one node whose dependencies all succeeded. Must not reject (wrap failures as outcomes). */
  runNode(node: GraphNode, dependencies: GraphNode[]): Promise<NodeOutcome>;
  /** Records a node that did not run: a dependency failed, or the run was aborted. */
  skipNode(node: GraphNode, outcome: NodeOutcome): void;
  /** A block's rescue passed on a host: the failures it rescued no longer count. */
  blockRescued?(rescued: RescuedBlock): void;
  /** Told each node's outcome as it ends (any_errors_fatal, max_fail_percentage watch here). */
  nodeDone?(node: GraphNode, outcome: NodeOutcome): void;
  /** Why no further node may start (the play was ended for every host), or undefined. */
  stopReason?(): string | undefined;
}

export { outcomePasses, type NodeOutcome } from './outcome.ts';

/**
 * Runs a play's graph over p-graph. p-graph rejects on the first failure and does not stop the
 * other nodes, so every node is wrapped to never reject: its outcome is recorded, and a node
 * whose dependency did not pass is recorded `blocked` without running. Independent work goes on.
 */
export async function runPlayGraph(graph: PlayGraph, options: ScheduleOptions): Promise<Map<string, NodeOutcome>> {
  const outcomes = new Map<string, NodeOutcome>();
  const dependencies = new Map<string, string[]>();
  for (const nodeId of graph.nodes.keys()) dependencies.set(nodeId, []);
  for (const [before, after] of graph.edges) dependencies.get(after)!.push(before);

  const gates = new BlockGates(graph, outcomes);
  const throttles = new Map<string, Semaphore>();
  const throttleOf = (taskId: string, limit: number) => {
    let semaphore = throttles.get(taskId);
    if (!semaphore) throttles.set(taskId, (semaphore = new Semaphore(limit)));
    return semaphore;
  };
  const runOne = async (nodeId: string): Promise<void> => {
    const node = graph.nodes.get(nodeId)!;
    const before = dependencies.get(nodeId)!;
    const failedDependency = before.find((dep) => !gates.dependencyPasses(node, graph.nodes.get(dep)!));
    const gated = gates.gate(node);
    const stopped = options.stopReason?.();
    let outcome: NodeOutcome;
    if (options.signal.aborted) {
      outcome = { status: 'skipped', message: 'not started: run aborted' };
      options.skipNode(node, outcome);
    } else if (stopped !== undefined) {
      outcome = { status: 'blocked', message: stopped };
      options.skipNode(node, outcome);
    } else if (gated !== undefined) {
      outcome = gated;
      options.skipNode(node, outcome);
    } else if (failedDependency !== undefined) {
      const cause = outcomes.get(failedDependency)!;
      outcome = { status: 'blocked', message: `${failedDependency} (${cause.status})` };
      options.skipNode(node, outcome);
    } else {
      try {
        // throttle: the task's nodes take turns, at most that many at once.
        const release = node.task.throttle ? await throttleOf(node.task.id, node.task.throttle).acquire() : undefined;
        try {
          outcome = await options.runNode(node, before.map((dep) => graph.nodes.get(dep)!));
        } finally {
          release?.();
        }
      } catch (error) {
        // runNode is meant to wrap its own failures; this keeps the graph going if it did not.
        outcome = { status: 'failed', message: (error as Error).message };
      }
    }
    outcomes.set(nodeId, outcome);
    options.nodeDone?.(node, outcome);
    for (const rescued of gates.rescuedBy(node)) options.blockRescued?.(rescued);
  };

  const nodeMap = new Map([...graph.nodes.keys()].map((nodeId) => [nodeId, { run: () => runOne(nodeId) }]));
  // Order-only edges (strategy: linear) make nodes wait without letting a failure block them.
  const allEdges = [...new Map([...graph.edges, ...(graph.orderEdges ?? [])].map((edge) => [edge.join('\0'), edge])).values()];
  await new PGraph(nodeMap, allEdges).run({ concurrency: Math.max(1, options.forks) });
  return outcomes;
}
