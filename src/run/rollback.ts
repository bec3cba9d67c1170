import { buildPlayGraph } from '../graph/build.ts';
import type { PlayGraph } from '../graph/types.ts';
import { noLogSink } from './no-log.ts';
import { createNodeRunner, eventNodeRef } from './node-runner.ts';
import type { RunContext } from './run-context.ts';
import { runPlayGraph } from './scheduler.ts';
import { scopedConnection } from './task-connection.ts';
import { createTaskContext } from './task-context.ts';

/**
 * Undoes what a failed play changed: first each module's own `rollback` for the changes this
 * run applied in that play, newest first (reverse graph order; core modules' only with
 * `undo_on_failure: true`); then the play's `rollback:`
 * tasks, as a graph of their own over the play's hosts. A rollback step that fails is reported
 * and the others still run: a half rollback is better than none.
 */
export async function rollbackPlay(run: RunContext, graph: PlayGraph, appliedMark: number, reason: string): Promise<void> {
  // Ansible undoes nothing: core modules' changes are undone only when the play asks for it. A
  // module of playgraph's own kind (redis.*, a user's) keeps its undo: it was written for it.
  const applied = run.ledger.appliedSince(appliedMark).filter((change) => graph.play.undoOnFailure === true || !change.module.startsWith('core.'));
  if (applied.length === 0 && graph.play.rollback.length === 0) return;
  run.sink.emit({ type: 'rollback-start', reason });

  for (const change of applied) {
    const node = graph.nodes.get(change.nodeId);
    if (!node) continue;
    const ref = eventNodeRef(graph, node);
    // A no_log task's undo says nothing of its data either (a templated no_log counts as true here).
    const sink = node.task.noLog !== undefined && node.task.noLog !== false ? noLogSink(run.sink, () => true) : run.sink;
    try {
      const module = await run.registry.get(change.module);
      const conn = scopedConnection(await run.connect(change.host), change.scope);
      // The undo runs as the apply ran: the invocation's own vars and become, not a new reading.
      const ctx = createTaskContext({ run, graph, task: node.task, ref, vars: change.vars, conn, become: change.become, sink });
      await module.rollback!(ctx, change.params, change.rollbackState);
      sink.emit({ type: 'rollback-node', node: ref, status: 'rolled-back' });
    } catch (error) {
      sink.emit({ type: 'rollback-node', node: ref, status: 'failed', message: (error as Error).message });
    }
  }

  if (graph.play.rollback.length === 0) return;
  const rollbackPlayDef = { ...graph.play, tasks: graph.play.rollback, handlers: [] };
  const rollbackGraph = buildPlayGraph(graph.playIndex, rollbackPlayDef, graph.hosts);
  const runNode = createNodeRunner(run, rollbackGraph);
  await runPlayGraph(rollbackGraph, {
    forks: Number.MAX_SAFE_INTEGER,
    // Rollback must run even when the run was aborted: it is what makes a rerun start clean.
    signal: new AbortController().signal,
    runNode,
    skipNode: (node, outcome) =>
      run.sink.emit({ type: 'rollback-node', node: eventNodeRef(rollbackGraph, node), status: 'failed', message: outcome.message }),
  });
}
