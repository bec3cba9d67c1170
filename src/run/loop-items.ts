import { InputError, type SourcePosition } from '../errors.ts';
import type { Play, TaskSpec } from '../playbook/types.ts';
import type { Vars } from '../inventory/types.ts';
import { listifyTerms, LoopLookupError, runLoopLookup } from '../playbook/loop-lookups.ts';
import { pythonStr } from '../playbook/python-text.ts';
import { renderValue } from '../playbook/template.ts';
import { taskSearchPath } from './search-path.ts';
import { taskFlag } from './task-flags.ts';

// A task's loop as Ansible's TaskExecutor runs it (_get_loop_items, _run_loop): the items from
// `loop` or a `with_<lookup>`, and for each item the variables it sees (loop_var, index_var,
// ansible_loop with `extended`), the fields its result gets, and its label.

function loopPosition(task: TaskSpec): SourcePosition {
  return task.keyPositions['loop'] ?? task.position;
}

/** The loop's items, or undefined for a task without a loop. */
export function loopItems(play: Play, task: TaskSpec, vars: Vars): unknown[] | undefined {
  if (task.loop === undefined) return undefined;
  const position = loopPosition(task);
  if (!task.loopWith) {
    const items = renderValue(task.loop, vars, position);
    if (!Array.isArray(items)) throw new InputError(`loop must be a list, got ${items === null ? 'null' : typeof items}`, position);
    return items;
  }
  // listify_lookup_plugin_terms: a string is stripped and templated, anything else templated.
  const terms = listifyTerms(renderValue(typeof task.loop === 'string' ? task.loop.trim() : task.loop, vars, position));
  try {
    return runLoopLookup(task.loopWith, terms, { searchPath: taskSearchPath(play, task) });
  } catch (error) {
    if (error instanceof LoopLookupError) throw new InputError(`with_${task.loopWith}: ${error.message}`, position);
    throw error;
  }
}

/** `ansible_loop` under `loop_control: { extended: true }`, as _run_loop builds it. */
function extendedLoop(task: TaskSpec, vars: Vars, items: unknown[], index: number): Record<string, unknown> {
  const length = items.length;
  const loop: Record<string, unknown> = {
    index: index + 1,
    index0: index,
    first: index === 0,
    last: index + 1 === length,
    length,
    revindex: length - index,
    revindex0: length - index - 1,
  };
  if (taskFlag(task.loopControl?.extendedAllItems, vars, 'extended_allitems', loopPosition(task)) ?? true) loop.allitems = items;
  if (index + 1 < length) loop.nextitem = items[index + 1];
  if (index > 0) loop.previtem = items[index - 1];
  return loop;
}

/**
 * What one item adds to the task's variables, which Ansible also copies into the item's result:
 * the loop variable, `ansible_loop_var`, the index variable and `ansible_index_var`, `ansible_loop`.
 */
export function itemFields(task: TaskSpec, vars: Vars, items: unknown[], index: number): Record<string, unknown> {
  const fields: Record<string, unknown> = { [task.loopVar]: items[index], ansible_loop_var: task.loopVar };
  const control = task.loopControl;
  if (control?.indexVar) Object.assign(fields, { [control.indexVar]: index, ansible_index_var: control.indexVar });
  if (taskFlag(control?.extended, vars, 'extended', loopPosition(task))) fields.ansible_loop = extendedLoop(task, vars, items, index);
  return fields;
}

/** The item as output names it: `loop_control.label` rendered, else the item itself (Python's str). */
export function itemLabel(task: TaskSpec, itemVars: Vars): string {
  const label = task.loopControl?.label ?? `{{ ${task.loopVar} }}`;
  return pythonStr(renderValue(label, itemVars, task.keyPositions['loop_control'] ?? loopPosition(task)));
}

/** Seconds to wait between items (`loop_control.pause`). */
export function loopPause(task: TaskSpec, vars: Vars): number {
  const pause = task.loopControl?.pause;
  if (pause === undefined) return 0;
  const value = Number(renderValue(pause, vars, task.keyPositions['loop_control']));
  if (!Number.isFinite(value) || value < 0) throw new InputError(`loop_control: pause must be a number of seconds, got ${JSON.stringify(pause)}`, task.keyPositions['loop_control']);
  return value;
}
