import { CommandError } from '../errors.ts';
import type { GraphNode, PlayGraph } from '../graph/types.ts';
import type { Vars } from '../inventory/types.ts';
import type { FileChange, TaskContext, TaskModule } from '../modules/module.ts';
import { abortableSleep } from '../modules/wait.ts';
import { evaluateCondition } from '../playbook/template.ts';
import type { NodeRef, RunEventSink } from './events.ts';
import type { Invocation, InvocationItem } from './invocation.ts';
import type { RunContext } from './run-context.ts';
import { scopedConnection } from './task-connection.ts';
import { createTaskContext } from './task-context.ts';

// One item of a node (the whole node without a loop): the module's check and, unless in check
// mode, apply; `retries`/`until`; `changed_when`/`failed_when`.

/** One module invocation's result, shaped like Ansible's registered result. */
export type ItemResult = Record<string, unknown> & { changed: boolean; failed?: boolean; planned?: boolean; diffFiles?: FileChange[] };

export type RunInvocation = Extract<Invocation, { kind: 'run' }>;

/** What the node decided for all its items: check mode (the task's check_mode, else --check) and where its events go. */
export interface NodeScope {
  checkMode: boolean;
  sink: RunEventSink;
}

/**
 * A failed command as the playbook sees it (register, failed_when, until): its exit code and its
 * stderr without the final newline, as Ansible's command result strips it.
 */
export function failedCommandResult(error: CommandError): ItemResult {
  return { changed: false, failed: true, rc: error.exitCode, stderr: error.stderr.replace(/\r?\n$/, ''), msg: error.message };
}

/**
 * The result as `register:` keeps it: without what only the run uses (the files for --diff, the
 * plan flag). Named so a module's own `files` (unarchive's list_files, Ansible's) is registered.
 */
export function withoutInternals(result: ItemResult): Vars {
  const { diffFiles: _files, planned: _planned, ...rest } = result;
  return rest;
}

export async function runItem(run: RunContext, graph: PlayGraph, node: GraphNode, ref: NodeRef, module: TaskModule, item: InvocationItem, invocation: RunInvocation, scope: NodeScope): Promise<ItemResult> {
  const { task } = node;
  const { vars } = item;
  const conn = scopedConnection(await run.connect(invocation.targetHost), item.scope);
  const ctx = createTaskContext({ run, graph, task, ref, vars, conn, become: invocation.become, checkMode: scope.checkMode, sink: scope.sink });

  // As in Ansible 2.14 (TaskExecutor._execute): `retries` without `until` is ignored (one
  // attempt), and with `until` but fewer than two attempts `until` is not evaluated at all.
  const attempts = task.until ? task.retries + 1 : 1;
  let result: ItemResult = { changed: false };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    result = await attemptModule(run, node, module, ctx, item, invocation);
    // Check mode plans a change without making it: there is no result for `until` to look at.
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

async function attemptModule(run: RunContext, node: GraphNode, module: TaskModule, ctx: TaskContext, item: InvocationItem, invocation: RunInvocation): Promise<ItemResult> {
  const { params } = item;
  try {
    // Every result that ran says whether it failed, as Ansible's do (`r.failed`, `r is failed`).
    const check = await module.check(ctx, params);
    // A result's own msg (debug's, assert's) stands unless the check gives a reason.
    if (check.status === 'ok') return { changed: false, failed: false, ...check.result, ...(check.reason !== undefined ? { msg: check.reason } : {}) };
    if (ctx.checkMode) return { changed: true, failed: false, planned: true, msg: check.description, diffFiles: check.files };
    const applied = await module.apply(ctx, params, check.state);
    if (applied.changed && module.rollback) {
      run.ledger.recordApplied({
        nodeId: node.id,
        host: invocation.targetHost,
        module: module.name,
        params,
        vars: item.vars,
        become: invocation.become,
        scope: item.scope,
        rollbackState: applied.rollbackState,
      });
    }
    return { failed: false, msg: check.description, ...applied.result, changed: applied.changed, diffFiles: applied.changed ? check.files : undefined };
  } catch (error) {
    // A failed command is a result the playbook may inspect (failed_when, until, register);
    // with `until`, Ansible registers the failed attempt and evaluates `until` on it.
    if (error instanceof CommandError && (node.task.failedWhen !== undefined || node.task.until !== undefined)) {
      return failedCommandResult(error);
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
