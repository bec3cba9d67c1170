import type { PlayGraph } from '../graph/types.ts';
import type { Recap, RunEventSink } from './events.ts';
import { RunConnections } from './host-connections.ts';
import { createNodeRunner, eventNodeRef } from './node-runner.ts';
import type { PreparedRun, SkippedPlay } from './prepare.ts';
import { exitCodeFor } from './recap.ts';
import { RecapCollector } from './recap-collector.ts';
import { RunLedger } from './ledger.ts';
import { rollbackPlay } from './rollback.ts';
import type { RunContext } from './run-context.ts';
import { runPlayGraph } from './scheduler.ts';
import { batchGraph } from '../graph/batch.ts';
import { serialBatches } from '../playbook/play-strategy.ts';
import { PlayFailurePolicy } from './play-failure.ts';
import { maskingSink } from './secrets.ts';

export interface ExecuteOptions {
  checkMode: boolean;
  diff: boolean;
  /** Ansible's -v count (0 without -v). */
  verbosity?: number;
  forks: number;
  signal: AbortSignal;
  /** Where events go (a reporter). Every event is masked for secrets before it gets there. */
  sink: RunEventSink;
  knownHostsFile?: string;
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  connectTimeoutMs?: number;
}

export interface RunResult {
  recap: Recap;
  exitCode: number;
  aborted: boolean;
}

/** The plays that run and those --limit skipped, in playbook order. */
function playsInOrder(prepared: PreparedRun): (PlayGraph | SkippedPlay)[] {
  return [...prepared.graphs, ...prepared.skippedPlays].sort((a, b) => a.playIndex - b.playIndex);
}

/**
 * Runs the prepared plays one after another (as Ansible does), each as a graph. A play with a
 * failure rolls back what it changed (outside --check); hosts that failed or were unreachable
 * take no part in later plays. Ends with the recap and the exit code, also when aborted.
 */
export async function executeRun(prepared: PreparedRun, options: ExecuteOptions): Promise<RunResult> {
  const started = Date.now();
  const collector = new RecapCollector(maskingSink(options.sink, prepared.masker));
  const connections = new RunConnections(prepared, {
    knownHostsFile: options.knownHostsFile,
    hostKeyChecking: options.hostKeyChecking,
    connectTimeoutMs: options.connectTimeoutMs,
  });
  const run: RunContext = {
    inventory: prepared.inventory,
    extraVars: prepared.extraVars,
    checkMode: options.checkMode,
    diff: options.diff,
    verbosity: options.verbosity ?? 0,
    registry: prepared.registry,
    sink: collector,
    masker: prepared.masker,
    vault: prepared.vault,
    signal: options.signal,
    ledger: new RunLedger(),
    runState: new Map(),
    connect: (hostName) => connections.connected(hostName),
  };

  const allHosts = [...new Set(prepared.graphs.flatMap((graph) => graph.hosts))];
  collector.addHosts(allHosts);
  const nodeCount = prepared.graphs.reduce((sum, graph) => sum + graph.nodes.size, 0);
  collector.emit({ type: 'run-start', playbook: prepared.playbook.file, checkMode: options.checkMode, hosts: allHosts, nodes: nodeCount });

  const failedHosts = new Set<string>();
  try {
    for (const play of playsInOrder(prepared)) {
      if (options.signal.aborted) break;
      if ('reason' in play) {
        collector.emit({ type: 'play-start', playIndex: play.playIndex, name: play.name, hosts: [], skipped: play.reason });
        continue;
      }
      const graph = play;
      connections.enterPlay(graph);
      collector.emit({ type: 'play-start', playIndex: graph.playIndex, name: graph.play.name, hosts: graph.hosts, ...(graph.facts ? { facts: graph.facts.reason } : {}) });
      const appliedMark = run.ledger.appliedMark();
      const { failures, endReason } = await runBatches(graph, run, collector, failedHosts, options);
      if (failures.length > 0 && !options.checkMode) {
        await rollbackPlay(run, graph, appliedMark, `${failures.length} task(s) failed: ${failures.join(', ')}`);
      }
      // Ansible ends the playbook when a play was stopped for every host or a whole batch failed.
      if (endReason) break;
    }
  } finally {
    await connections.closeAll();
  }
  const aborted = options.signal.aborted;
  const exitCode = exitCodeFor(collector.recap, { interrupted: aborted });
  collector.emit({ type: 'run-end', recap: collector.recap, exitCode, aborted, durationMs: Date.now() - started });
  return { recap: collector.recap, exitCode, aborted };
}

/**
 * Runs one play, batch after batch (`serial`; one batch without it), each batch's play done
 * before the next begins. Returns the failed nodes and why the playbook must end, if it must.
 */
async function runBatches(
  graph: PlayGraph,
  run: RunContext,
  collector: RecapCollector,
  failedHosts: Set<string>,
  options: ExecuteOptions,
): Promise<{ failures: string[]; endReason?: string }> {
  const failures: string[] = [];
  for (const hosts of serialBatches(graph.hosts, graph.play.serial)) {
    if (options.signal.aborted || run.ledger.playEnded(graph.playIndex)) break;
    const batch = hosts.length === graph.hosts.length ? graph : batchGraph(graph, hosts);
    const policy = new PlayFailurePolicy(graph.play, hosts);
    const runNode = createNodeRunner(run, batch);
    const outcomes = await runPlayGraph(batch, {
      forks: options.forks,
      signal: options.signal,
      runNode: async (node, dependencies) => {
        // After meta: end_host / end_play nothing more runs there, and nothing is counted (as in Ansible).
        const ended = run.ledger.endedReason(batch.playIndex, node.host);
        if (ended !== undefined) {
          const outcome = { status: 'skipped' as const, message: ended, uncounted: true };
          collector.emit({ type: 'node-end', node: eventNodeRef(batch, node), ...outcome, durationMs: 0 });
          return outcome;
        }
        if (failedHosts.has(node.host)) {
          const outcome = { status: 'blocked' as const, message: `${node.host} failed in an earlier play` };
          collector.emit({ type: 'node-end', node: eventNodeRef(batch, node), ...outcome, durationMs: 0 });
          return outcome;
        }
        return runNode(node, dependencies);
      },
      skipNode: (node, outcome) =>
        collector.emit({
          type: 'node-end',
          node: eventNodeRef(batch, node),
          status: outcome.status,
          message: outcome.message,
          ...(outcome.uncounted ? { uncounted: true } : {}),
          durationMs: 0,
        }),
      blockRescued: (rescued) =>
        collector.emit({ type: 'block-rescued', playIndex: batch.playIndex, host: rescued.host, block: rescued.block.name ?? rescued.block.id, failedNodes: rescued.failedNodes, blockedNodes: rescued.blockedNodes }),
      nodeDone: (node, outcome) => policy.observe(node, outcome),
      stopReason: () => policy.stopReason(),
    });
    // A failure a rescue made good does not fail the host, as in Ansible.
    const failed = [...outcomes.entries()].filter(([, outcome]) => (outcome.status === 'failed' && !outcome.ignoredError && !outcome.rescued) || outcome.status === 'unreachable');
    for (const [nodeId] of failed) failedHosts.add(batch.nodes.get(nodeId)!.host);
    failures.push(...failed.map(([nodeId]) => nodeId));
    const stopped = policy.stopReason();
    if (stopped) {
      // any_errors_fatal / max_fail_percentage fail every host of the play, as Ansible marks them.
      for (const host of graph.hosts) failedHosts.add(host);
      return { failures, endReason: stopped };
    }
    if (hosts.every((host) => failedHosts.has(host))) return { failures, endReason: 'every host of the batch failed' };
  }
  return { failures };
}
