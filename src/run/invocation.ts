import { InputError } from '../errors.ts';
import type { GraphNode, PlayGraph } from '../graph/types.ts';
import type { Vars } from '../inventory/types.ts';
import { validateParams } from '../modules/describe.ts';
import type { TaskModule } from '../modules/module.ts';
import { moduleKeyPosition } from '../playbook/module-position.ts';
import { evaluateCondition, renderValue } from '../playbook/template.ts';
import { becomeFor } from './become.ts';
import { explainUndefined, hostVarsFor, type HostVars, type VarSources } from './host-vars.ts';
import { renderParams } from './render-params.ts';

/** One call of the module: the vars it sees (with the loop variable, if any) and its validated params. */
export interface InvocationItem {
  vars: Vars;
  params: unknown;
}

/** What a graph node comes to on its host, given the variables known now. */
export type Invocation =
  | {
      kind: 'skip';
      /** The `when` condition that was false. */
      condition: string;
      hostVars: HostVars;
    }
  | {
      kind: 'run';
      /** Where the module runs: the node's host, or the `delegate_to` host. */
      targetHost: string;
      become: boolean;
      hostVars: HostVars;
      /** Whether the task has a `loop` (an empty loop is a run with no items). */
      looped: boolean;
      items: InvocationItem[];
    };

/**
 * Turns a graph node into a module invocation: the host's variables with Ansible's precedence,
 * `delegate_to`, `when`, `loop`, params rendered (with `omit`) and validated against the module's
 * schema for each item, and become. Pure: it reads the variable sources and changes nothing, so
 * preparing the run, running the node, and tests all get the same answer from the same inputs.
 * Any error (an undefined variable, params the module refuses, a loop that is not a list) is
 * thrown with its position, an undefined variable explained by the variable's own template.
 */
export function resolveInvocation(graph: PlayGraph, node: GraphNode, sources: VarSources, module: TaskModule): Invocation {
  return invocationFromVars(graph, node, invocationVars(graph, node, sources), module);
}

/**
 * The first half of resolveInvocation: the node's host variables, for a caller that must see them
 * first (the run learns the secrets among them before anything can fail with one in a message).
 */
export function invocationVars(graph: PlayGraph, node: GraphNode, sources: VarSources): HostVars {
  return hostVarsFor(sources, graph.play, graph.hosts, node.host, node.task);
}

/** The second half of resolveInvocation: the invocation from the node's host variables. */
export function invocationFromVars(graph: PlayGraph, node: GraphNode, hostVars: HostVars, module: TaskModule): Invocation {
  const { task } = node;
  try {
    const vars = hostVars.vars;
    for (const condition of task.when) {
      if (!evaluateCondition(condition, vars, task.keyPositions['when'] ?? task.position)) return { kind: 'skip', condition, hostVars };
    }
    const targetHost = task.delegateTo === undefined ? node.host : String(renderValue(task.delegateTo, vars, task.keyPositions['delegate_to']));
    const position = moduleKeyPosition(task);
    const loop = loopItems(node, vars);
    const items = (loop ?? [undefined]).map((item) => {
      const itemVars = loop === undefined ? vars : { ...vars, [task.loopVar]: item };
      return { vars: itemVars, params: validateParams(module, renderParams(task.params, itemVars, position), position) };
    });
    return { kind: 'run', targetHost, become: becomeFor(task, graph.play, vars, node.host), hostVars, looped: loop !== undefined, items };
  } catch (error) {
    throw explainUndefined(error, hostVars);
  }
}

/** The loop's items, or undefined for a task without `loop`. */
function loopItems(node: GraphNode, vars: Vars): unknown[] | undefined {
  const { task } = node;
  if (task.loop === undefined) return undefined;
  const position = task.keyPositions['loop'] ?? task.keyPositions['with_items'] ?? task.position;
  const items = renderValue(task.loop, vars, position);
  if (!Array.isArray(items)) throw new InputError(`loop must be a list, got ${items === null ? 'null' : typeof items}`, position);
  return items;
}
