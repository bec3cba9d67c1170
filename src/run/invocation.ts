import { InputError, type SourcePosition } from '../errors.ts';
import type { GraphNode, PlayGraph } from '../graph/types.ts';
import type { Vars } from '../inventory/types.ts';
import { validateParams } from '../modules/describe.ts';
import type { TaskModule } from '../modules/module.ts';
import { moduleKeyPosition } from '../playbook/module-position.ts';
import { evaluateCondition, renderValue } from '../playbook/template.ts';
import type { TaskSpec } from '../playbook/types.ts';
import { UndefinedVariableError } from '../playbook/undefined.ts';
import { becomeAsFor, becomeFor } from './become.ts';
import { explainUndefined, hostVarsFor, type HostVars, type VarSources } from './host-vars.ts';
import { itemFields, itemLabel, loopItems, loopPause } from './loop-items.ts';
import { NO_LOG_MESSAGE } from './no-log.ts';
import { renderParams } from './render-params.ts';
import type { SecretMasker } from './secrets.ts';
import type { ExecScope } from './task-connection.ts';
import { taskEnvironment, taskFlag } from './task-flags.ts';

/** One call of the module: the vars it sees (with the loop variable, if any) and its validated params. */
export interface InvocationItem {
  /** The item's place in the loop (0 without a loop). */
  index: number;
  vars: Vars;
  params: unknown;
  /** How output names a loop item (`loop_control.label`, else the item); absent without a loop. */
  label?: string;
  /** What the item's registered result carries besides the module's: the loop variable, index, ansible_loop. */
  resultFields: Record<string, unknown>;
  /** `no_log` for this item: its output is hidden. */
  noLog: boolean;
  /** The environment and become user/method its commands run with. */
  scope: ExecScope;
}

/** A loop item whose `when` was false: it is not run, and its result says it was skipped. */
export interface SkippedItem {
  index: number;
  condition: string;
  label?: string;
  resultFields: Record<string, unknown>;
  noLog: boolean;
}

/** What a graph node comes to on its host, given the variables known now. */
export type Invocation =
  | {
      kind: 'skip';
      /** The `when` condition that was false. */
      condition: string;
      hostVars: HostVars;
      noLog: boolean;
    }
  | {
      kind: 'run';
      /** Where the module runs: the node's host, or the `delegate_to` host. */
      targetHost: string;
      become: boolean;
      hostVars: HostVars;
      /** Whether the task has a loop (an empty loop is a run with no items). */
      looped: boolean;
      /** The items to run, in loop order. */
      items: InvocationItem[];
      /** Loop items `when` skipped. */
      skippedItems: SkippedItem[];
      /** Some item's output is hidden (Ansible then hides the task's whole result). */
      noLog: boolean;
      /** `check_mode:` true or false; absent: the run's --check. */
      checkMode?: boolean;
      /** `diff:` true or false; absent: the run's --diff. */
      diff?: boolean;
      /** Seconds between loop items. */
      pause: number;
    };

/**
 * Turns a graph node into a module invocation: the host's variables with Ansible's precedence,
 * `delegate_to`, `when`, `loop` (or `with_<lookup>`, `when` per item), params rendered (with
 * `omit`) and validated against the module's schema for each item, become and whom it becomes,
 * `environment`, `no_log`, `check_mode`, `diff`. Pure: it reads the variable sources and changes
 * nothing, so preparing the run, running the node, and tests all get the same answer from the
 * same inputs. Any error (an undefined variable, params the module refuses, a loop that is not a
 * list) is thrown with its position, an undefined variable explained by the variable's own
 * template; a no_log task's error says only that its output is hidden.
 */
export function resolveInvocation(graph: PlayGraph, node: GraphNode, sources: VarSources, module: TaskModule, masker?: SecretMasker): Invocation {
  return invocationFromVars(graph, node, invocationVars(graph, node, sources), module, masker);
}

/**
 * The first half of resolveInvocation: the node's host variables, for a caller that must see them
 * first (the run learns the secrets among them before anything can fail with one in a message).
 */
export function invocationVars(graph: PlayGraph, node: GraphNode, sources: VarSources): HostVars {
  return hostVarsFor(sources, graph.play, graph.hosts, node.host, node.task);
}

/** The second half of resolveInvocation: the invocation from the node's host variables (with the run's masker, params derived from secrets are secrets). */
export function invocationFromVars(graph: PlayGraph, node: GraphNode, hostVars: HostVars, module: TaskModule, masker?: SecretMasker): Invocation {
  const { task } = node;
  try {
    const vars = hostVars.vars;
    const noLog = (itemVars: Vars) => taskFlag(task.noLog, itemVars, 'no_log', task.keyPositions['no_log']) ?? false;
    const falseCondition = (itemVars: Vars) => task.when.find((condition) => !evaluateCondition(condition, itemVars, task.keyPositions['when'] ?? task.position));
    let loop: unknown[] | undefined;
    try {
      loop = loopItems(graph.play, task, vars);
    } catch (error) {
      // As Ansible: a loop over an undefined variable is no error when `when` skips the task anyway.
      const condition = error instanceof UndefinedVariableError ? falseCondition(vars) : undefined;
      if (condition === undefined) throw error;
      return { kind: 'skip', condition, hostVars, noLog: noLog(vars) };
    }
    if (loop === undefined) {
      const condition = falseCondition(vars);
      if (condition !== undefined) return { kind: 'skip', condition, hostVars, noLog: noLog(vars) };
    }
    const targetHost = task.delegateTo === undefined ? node.host : String(renderValue(task.delegateTo, vars, task.keyPositions['delegate_to']));
    const position = moduleKeyPosition(task);
    const becomeAs = becomeAsFor(task, graph.play, vars, node.host);
    const items: InvocationItem[] = [];
    const skippedItems: SkippedItem[] = [];
    (loop ?? [undefined]).forEach((_, index) => {
      const resultFields = loop === undefined ? {} : itemFields(task, vars, loop, index);
      const itemVars = { ...vars, ...resultFields };
      const label = loop === undefined ? undefined : itemLabel(task, itemVars);
      const itemNoLog = noLog(itemVars);
      // Without a loop `when` was evaluated above; with one, Ansible evaluates it for each item.
      const condition = loop === undefined ? undefined : falseCondition(itemVars);
      if (condition !== undefined) {
        skippedItems.push({ index, condition, label, resultFields, noLog: itemNoLog });
        return;
      }
      const params = validateParams(module, renderParams(task.params, itemVars, position, masker), position);
      const scope = { environment: taskEnvironment(task.environment, itemVars, task.keyPositions['environment']), ...becomeAs };
      items.push({ index, vars: itemVars, params, label, resultFields, noLog: itemNoLog, scope });
    });
    return {
      kind: 'run',
      targetHost,
      become: becomeFor(task, graph.play, vars, node.host),
      hostVars,
      looped: loop !== undefined,
      items,
      skippedItems,
      noLog: [...items, ...skippedItems].some((item) => item.noLog) || (loop?.length === 0 && noLog(vars)),
      ...optional('checkMode', taskFlag(task.checkMode, vars, 'check_mode', task.keyPositions['check_mode'])),
      ...optional('diff', taskFlag(task.diff, vars, 'diff', task.keyPositions['diff'])),
      pause: loop === undefined ? 0 : loopPause(task, vars),
    };
  } catch (error) {
    const explained = explainUndefined(error, hostVars);
    throw mayLog(task, hostVars.vars) ? explained : hiddenError(explained, task);
  }
}

function optional<K extends string>(key: K, value: boolean | undefined): { [key in K]?: boolean } {
  return (value === undefined ? {} : { [key]: value }) as { [key in K]?: boolean };
}

/** Whether an error of this task may be shown: not when no_log is true, or cannot be told. */
function mayLog(task: TaskSpec, vars: Vars): boolean {
  try {
    return !taskFlag(task.noLog, vars, 'no_log', task.keyPositions['no_log']);
  } catch {
    return false;
  }
}

/**
 * A no_log task's error with its text hidden, as Ansible censors the failed result: the position
 * stays (it is the playbook's, not the task's data), and an undefined variable stays one, so the
 * run can still tell a value that only a later result gives.
 */
function hiddenError(error: unknown, task: TaskSpec): Error {
  const position: SourcePosition = (error instanceof InputError ? error.position : undefined) ?? task.position;
  const hidden = new InputError(NO_LOG_MESSAGE, position);
  if (error instanceof UndefinedVariableError) {
    error.message = hidden.message;
    return error;
  }
  return hidden;
}
