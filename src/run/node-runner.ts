import { CommandError, ConnectError, InputError } from '../errors.ts';
import type { GraphNode, PlayGraph } from '../graph/types.ts';
import type { Vars } from '../inventory/types.ts';
import { isUnlistedHost } from '../inventory/unlisted-hosts.ts';
import { abortableSleep } from '../modules/wait.ts';
import type { FileChange, TaskModule } from '../modules/module.ts';
import { moduleKeyPosition } from '../playbook/module-position.ts';
import { evaluateCondition } from '../playbook/template.ts';
import type { NodeRef, NodeStatus } from './events.ts';
import { explainUndefined, type HostVars } from './host-vars.ts';
import { invocationFromVars, invocationVars, type Invocation, type InvocationItem } from './invocation.ts';
import { runVarSources, type RunContext } from './run-context.ts';
import { secretsFromVars } from './secrets.ts';
import type { NodeOutcome } from './scheduler.ts';
import { createTaskContext } from './task-context.ts';

/** One module invocation's result, shaped like Ansible's registered result. */
type ItemResult = Record<string, unknown> & { changed: boolean; failed?: boolean; planned?: boolean };

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
 * the module's check and (outside --check) apply for each item, `retries`/`until`,
 * `changed_when`/`failed_when`, `register`, `ignore_errors`. Never rejects: every failure becomes
 * an outcome and an event.
 */
export function createNodeRunner(run: RunContext, graph: PlayGraph) {
  const { ledger } = run;
  return async function runNode(node: GraphNode, dependencies: GraphNode[]): Promise<NodeOutcome> {
    const { task } = node;
    const ref = eventNodeRef(graph, node);
    const started = Date.now();
    const after = run.checkMode ? ledger.plannedUpstream(node.id, dependencies.map((dep) => dep.id)) : [];
    if (node.section === 'handlers' && !ledger.handlerNotified(node.notifiedBy)) {
      // Ansible neither shows nor counts a handler nobody notified.
      const message = 'handler not notified';
      run.sink.emit({ type: 'node-end', node: ref, status: 'skipped', message, uncounted: true, durationMs: 0 });
      return { status: 'skipped', message, uncounted: true };
    }
    run.sink.emit({ type: 'node-start', node: ref });

    const finish = (status: NodeStatus, extra: { message?: string; files?: FileChange[]; planned?: boolean; ignoredError?: boolean; after?: string[] } = {}): NodeOutcome => {
      run.sink.emit({
        type: 'node-end',
        node: ref,
        status,
        ...extra,
        ...(node.assumedNeeds.length > 0 ? { assumedNeeds: node.assumedNeeds } : {}),
        durationMs: Date.now() - started,
      });
      if (status === 'changed') ledger.markChanged(node.id);
      return { status, message: extra.message, ignoredError: extra.ignoredError };
    };
    const register = (result: Vars) => {
      if (task.register) ledger.register(node.host, task.register, result);
    };


    let hostVars: HostVars | undefined;
    let targetHost = node.host;
    try {
      const module = await run.registry.get(task.module, moduleKeyPosition(node.task));
      hostVars = invocationVars(graph, node, runVarSources(run));
      // A secret may only now have its value: `redis_password: "{{ lookup('env', 'X') }}"`; it
      // is masked before anything below can fail with it in a message.
      for (const secret of secretsFromVars(hostVars.vars)) run.masker.add(secret);
      const invocation = invocationFromVars(graph, node, hostVars, module);
      if (invocation.kind === 'skip') {
        register({ changed: false, skipped: true, skip_reason: 'Conditional result was False' });
        return finish('skipped', { message: `condition false: ${invocation.condition}` });
      }
      targetHost = invocation.targetHost;
      const unreachable = ledger.unreachableReason(targetHost);
      if (unreachable !== undefined) return finish('unreachable', { message: unreachable });

      const results: ItemResult[] = [];
      for (const item of invocation.items) {
        results.push(await runItem(run, graph, node, ref, module, item, invocation));
        if (run.signal.aborted) break;
      }
      const changed = results.some((result) => result.changed);
      const failed = results.find((result) => result.failed);
      const planned = results.some((result) => result.planned);
      const files = results.flatMap((result) => (result.files as FileChange[] | undefined) ?? []);
      register(invocation.looped ? { changed, failed: Boolean(failed), results: results.map(withoutInternals) } : withoutInternals(results[0]!));
      if (failed) {
        const message = String(failed.msg ?? 'failed');
        return task.ignoreErrors ? finish('failed', { message, ignoredError: true }) : finish('failed', { message });
      }
      const messages = results.map((result) => result.msg).filter((msg): msg is string => typeof msg === 'string' && msg !== '');
      return finish(changed ? 'changed' : 'ok', {
        message: messages.join('; ') || undefined,
        ...(run.diff && files.length > 0 ? { files } : {}),
        ...(planned ? { planned: true } : {}),
        ...(planned && after.length > 0 ? { after } : {}),
      });
    } catch (raw) {
      const error = hostVars ? explainUndefined(raw, hostVars) : raw;
      const message = (error as Error).message ?? String(error);
      const lostHost = error instanceof ConnectError && (await hostUnreachable(run, targetHost));
      // In --check, a task whose input comes from an earlier planned change cannot be planned
      // yet: say it would run after that change, rather than report a failure that would not happen.
      if (run.checkMode && after.length > 0 && !lostHost) return finish('changed', { planned: true, after });
      if (lostHost) {
        // A typo in delegate_to reads as a lost host (or "no credentials"): say why it was tried.
        const reason = isUnlistedHost(run.inventory, targetHost)
          ? `delegate_to '${targetHost}' is not in inventory ${run.inventory.source}, so it was tried over SSH by that name: ${message}`
          : message;
        ledger.markUnreachable(targetHost, reason);
        return finish('unreachable', { message: reason });
      }
      register({ changed: false, failed: true, msg: message, ...(error instanceof CommandError ? { rc: error.exitCode, stderr: error.stderr } : {}) });
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

function withoutInternals(result: ItemResult): Vars {
  const { files: _files, planned: _planned, ...rest } = result;
  return rest;
}

type RunInvocation = Extract<Invocation, { kind: 'run' }>;

async function runItem(run: RunContext, graph: PlayGraph, node: GraphNode, ref: NodeRef, module: TaskModule, item: InvocationItem, invocation: RunInvocation): Promise<ItemResult> {
  const { task } = node;
  const { vars, params } = item;
  const conn = await run.connect(invocation.targetHost);
  const ctx = createTaskContext({ run, graph, task, ref, vars, conn, become: invocation.become });

  // As in Ansible 2.14 (TaskExecutor._execute): `retries` without `until` is ignored (one
  // attempt), and with `until` but fewer than two attempts `until` is not evaluated at all.
  const attempts = task.until ? task.retries + 1 : 1;
  let result: ItemResult = { changed: false };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    result = await attemptModule(run, node, module, ctx, item, invocation);
    // --check plans a change without making it: there is no result for `until` to look at.
    if (attempts === 1 || result.planned) return applyOverrides(node, vars, result);
    // Ansible evaluates changed_when/failed_when on every attempt, with `attempts` already set.
    result = applyOverrides(node, vars, { ...result, attempts: attempt });
    if (evaluateCondition(task.until!, resultVars(node, vars, result), task.keyPositions['until'])) return result;
    if (attempt === attempts) break;
    ctx.log.info(`retrying (${attempt}/${task.retries}) in ${task.delay}s: until ${task.until}`);
    await abortableSleep(task.delay * 1000, run.signal);
  }
  // Out of attempts: failed whatever failed_when said, `attempts` as Ansible reports it (the retries).
  const last = result.failed && typeof result.msg === 'string' && result.msg !== '' ? `; last attempt: ${result.msg}` : '';
  return { ...result, attempts: task.retries, failed: true, msg: `retries exhausted (${task.retries}): until ${task.until} is still false${last}` };
}

/** The vars a condition on a result sees: the registered name, or `result` when nothing is registered. */
function resultVars(node: GraphNode, vars: Vars, result: ItemResult): Vars {
  return { ...vars, [node.task.register ?? 'result']: withoutInternals(result) };
}

async function attemptModule(run: RunContext, node: GraphNode, module: TaskModule, ctx: ReturnType<typeof createTaskContext>, item: InvocationItem, invocation: RunInvocation): Promise<ItemResult> {
  const { params } = item;
  try {
    // Every result that ran says whether it failed, as Ansible's do (`r.failed`, `r is failed`).
    const check = await module.check(ctx, params);
    if (check.status === 'ok') return { changed: false, failed: false, ...check.result, msg: check.reason };
    if (run.checkMode) return { changed: true, failed: false, planned: true, msg: check.description, files: check.files };
    const applied = await module.apply(ctx, params, check.state);
    if (applied.changed && module.rollback) {
      run.ledger.recordApplied({
        nodeId: node.id,
        host: invocation.targetHost,
        module: module.name,
        params,
        vars: item.vars,
        become: invocation.become,
        rollbackState: applied.rollbackState,
      });
    }
    return { failed: false, msg: check.description, ...applied.result, changed: applied.changed, files: applied.changed ? check.files : undefined };
  } catch (error) {
    // A failed command is a result the playbook may inspect (failed_when, until, register);
    // with `until`, Ansible registers the failed attempt and evaluates `until` on it.
    if (error instanceof CommandError && (node.task.failedWhen !== undefined || node.task.until !== undefined)) {
      return { changed: false, failed: true, rc: error.exitCode, stderr: error.stderr, msg: error.message };
    }
    throw error;
  }
}

function applyOverrides(node: GraphNode, vars: Vars, result: ItemResult): ItemResult {
  const { task } = node;
  const conditionVars = task.register ? resultVars(node, vars, result) : vars;
  let next = result;
  if (task.changedWhen !== undefined && !result.planned) {
    next = { ...next, changed: evaluateCondition(task.changedWhen, conditionVars, task.keyPositions['changed_when']) };
  }
  if (task.failedWhen !== undefined && !result.planned) {
    const failed = evaluateCondition(task.failedWhen, conditionVars, task.keyPositions['failed_when']);
    next = { ...next, failed, msg: failed ? `failed_when is true: ${task.failedWhen}` : next.msg };
  }
  return next;
}
