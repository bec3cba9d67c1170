import { AbortedError, CommandError, ConnectError, InputError } from '../errors.ts';
import type { GraphNode, PlayGraph } from '../graph/types.ts';
import type { Vars } from '../inventory/types.ts';
import { isUnlistedHost } from '../inventory/unlisted-hosts.ts';
import { abortableSleep } from '../modules/wait.ts';
import type { FileChange } from '../modules/module.ts';
import { moduleKeyPosition } from '../playbook/module-position.ts';
import type { NodeRef, NodeStatus } from './events.ts';
import { explainUndefined, type HostVars } from './host-vars.ts';
import { invocationFromVars, invocationVars } from './invocation.ts';
import { failedCommandResult, runItem, type ItemResult, type NodeScope } from './item-runner.ts';
import { collateResults } from './loop-result.ts';
import { storeResultFacts } from './result-facts.ts';
import { shownResult, withoutInternalKeys } from './shown-result.ts';
import { noLogSink } from './no-log.ts';
import { runVarSources, type RunContext } from './run-context.ts';
import { secretsFromVars } from './secrets.ts';
import type { NodeOutcome } from './scheduler.ts';

/** How events name a graph node (NodeRef): its id, play, task and host. */
export function eventNodeRef(graph: PlayGraph, node: GraphNode): NodeRef {
  return {
    nodeId: node.id,
    playIndex: graph.playIndex,
    taskId: node.task.id,
    taskName: node.task.name ?? node.task.id,
    module: node.task.module,
    host: node.host,
  };
}

/**
 * Runs one (task, host) node: its invocation (resolveInvocation: vars, `when`, `loop`, params),
 * the module's check and (outside check mode: --check or the task's check_mode) apply for each
 * item, `retries`/`until`, `changed_when`/`failed_when`, `register`, `ignore_errors`, the loop's
 * pause, `diff`, and `no_log` (what its events say is hidden). Never rejects: every failure
 * becomes an outcome and an event.
 */
export function createNodeRunner(run: RunContext, graph: PlayGraph) {
  const { ledger } = run;
  return async function runNode(node: GraphNode, dependencies: GraphNode[]): Promise<NodeOutcome> {
    const { task } = node;
    const ref = eventNodeRef(graph, node);
    const started = Date.now();
    // The task's check_mode, once its invocation says; until then the run's --check.
    let checkMode = run.checkMode;
    // Only under --check are upstream changes plans (a check_mode task in a normal run follows real ones).
    const upstream = () => (run.checkMode && checkMode ? ledger.plannedUpstream(node.id, dependencies.map((dep) => dep.id)) : []);
    if (node.section === 'handlers' && !ledger.handlerNotified(node.notifiedBy)) {
      // Ansible neither shows nor counts a handler nobody notified.
      const message = 'handler not notified';
      run.sink.emit({ type: 'node-end', node: ref, status: 'skipped', message, uncounted: true, durationMs: 0 });
      return { status: 'skipped', message, uncounted: true };
    }
    // no_log: hidden from the start unless the task surely logs; its invocation says for sure.
    let hidden = task.noLog !== undefined && task.noLog !== false;
    const sink = noLogSink(run.sink, () => hidden);
    sink.emit({ type: 'node-start', node: ref });

    type FinishExtra = { message?: string; files?: FileChange[]; planned?: boolean; ignoredError?: boolean; after?: string[]; uncounted?: boolean; result?: Vars };
    const finish = (status: NodeStatus, extra: FinishExtra = {}): NodeOutcome => {
      sink.emit({
        type: 'node-end',
        node: ref,
        status,
        ...extra,
        ...(node.assumedNeeds.length > 0 ? { assumedNeeds: node.assumedNeeds } : {}),
        durationMs: Date.now() - started,
      });
      if (status === 'changed') ledger.markChanged(node.id);
      return { status, message: extra.message, ignoredError: extra.ignoredError, ...(extra.uncounted ? { uncounted: true } : {}) };
    };
    // A run_once task's result and facts are every play host's, as Ansible's get_task_hosts.
    const resultHosts = node.runOnce ? graph.hosts : [node.host];
    const register = (result: Vars) => {
      // What a no_log task registers is a secret wherever a later task shows it (contract 3).
      if (hidden) run.masker.addFromValue(result);
      if (task.register) for (const host of resultHosts) ledger.register(host, task.register, result);
    };


    let hostVars: HostVars | undefined;
    let targetHost = node.host;
    try {
      const module = await run.registry.get(task.module, moduleKeyPosition(node.task));
      hostVars = invocationVars(graph, node, runVarSources(run));
      // A secret may only now have its value: `redis_password: "{{ lookup('env', 'X') }}"`; it
      // is masked before anything below can fail with it in a message.
      for (const secret of secretsFromVars(hostVars.vars)) run.masker.add(secret);
      const invocation = invocationFromVars(graph, node, hostVars, module, run.masker);
      hidden = invocation.noLog;
      if (invocation.kind === 'skip') {
        register({ changed: false, skipped: true, skip_reason: 'Conditional result was False' });
        // Ansible counts no meta task, not even a skipped one.
        return finish('skipped', { message: `condition false: ${invocation.condition}`, ...(module.uncounted ? { uncounted: true } : {}) });
      }
      targetHost = invocation.targetHost;
      const unreachable = ledger.unreachableReason(targetHost);
      if (unreachable !== undefined) return finish('unreachable', { message: unreachable });

      checkMode = invocation.checkMode ?? run.checkMode;
      const after = upstream();
      const scope: NodeScope = { checkMode, sink };

      const ran = new Map<number, ItemResult>();
      for (const [position, item] of invocation.items.entries()) {
        if (position > 0 && invocation.pause > 0) await abortableSleep(invocation.pause * 1000, run.signal);
        ran.set(item.index, await runLoopItem(() => runItem(run, graph, node, ref, module, item, invocation, scope), invocation.looped));
        if (run.signal.aborted) break;
      }
      const result = collateResults(invocation, ran);
      // Facts a result carries are stored first, then the result is registered (so it wins a tie).
      const registered = storeResultFacts(ledger, module.name, resultHosts, result.registered);
      register(withoutInternalKeys(registered));
      const shown = shownResult(module.name, registered);
      if (result.status === 'failed') {
        const message = result.message ?? 'failed';
        return task.ignoreErrors ? finish('failed', { message, ignoredError: true }) : finish('failed', { message });
      }
      return finish(result.status, {
        // A shown result says it all (debug's msg is in it).
        message: shown ? undefined : result.message,
        ...((invocation.diff ?? run.diff) && result.files.length > 0 ? { files: result.files } : {}),
        ...(result.planned ? { planned: true } : {}),
        ...(result.planned && after.length > 0 ? { after } : {}),
        ...(shown ? { result: shown } : {}),
        ...(module.uncounted && result.status === 'ok' ? { uncounted: true } : {}),
      });
    } catch (raw) {
      const error = hostVars ? explainUndefined(raw, hostVars) : raw;
      const message = (error as Error).message ?? String(error);
      const lostHost = error instanceof ConnectError && (await hostUnreachable(run, targetHost));
      // In check mode, a task whose input comes from an earlier planned change cannot be planned
      // yet: say it would run after that change, rather than report a failure that would not happen.
      const after = upstream();
      if (after.length > 0 && !lostHost) return finish('changed', { planned: true, after });
      if (lostHost) {
        // A typo in delegate_to reads as a lost host (or "no credentials"): say why it was tried.
        const reason = isUnlistedHost(run.inventory, targetHost)
          ? `delegate_to '${targetHost}' is not in inventory ${run.inventory.source}, so it was tried over SSH by that name: ${message}`
          : message;
        ledger.markUnreachable(targetHost, reason);
        return finish('unreachable', { message: reason });
      }
      register(error instanceof CommandError ? { ...failedCommandResult(error), msg: message } : { changed: false, failed: true, msg: message });
      return finish('failed', { message, ...(task.ignoreErrors && !(error instanceof InputError) ? { ignoredError: true } : {}) });
    }
  };
}

const PROBE_TIMEOUT_MS = 5000;

/**
 * A ConnectError means the host is unreachable only if the host itself no longer answers: a
 * module that could not reach a service port on a live host (say, a Redis node not started yet)
 * failed, it did not lose the host. So probe the host's own connection with a trivial command.
 */
async function hostUnreachable(run: RunContext, host: string): Promise<boolean> {
  if (run.ledger.unreachableReason(host) !== undefined) return true;
  try {
    const conn = await run.connect(host);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), PROBE_TIMEOUT_MS)));
    const probe = await Promise.race([conn.exec(['true']), timedOut]).finally(() => clearTimeout(timer));
    return probe === 'timeout';
  } catch {
    return true;
  }
}

/**
 * One loop item: as Ansible, a failed item is that item's failed result and the loop goes on
 * (a lost host or an abort still ends the node). Without a loop the error is the node's.
 */
async function runLoopItem(run: () => Promise<ItemResult>, looped: boolean): Promise<ItemResult> {
  try {
    return await run();
  } catch (error) {
    if (!looped || error instanceof ConnectError || error instanceof AbortedError) throw error;
    if (error instanceof CommandError) return failedCommandResult(error);
    return { changed: false, failed: true, msg: (error as Error).message ?? String(error) };
  }
}
