import type { Play, TaskSpec } from '../playbook/types.ts';
import { VARIABLE_PARAMS } from '../playbook/module-args.ts';

// Variables only the run gives values to, so that preparing the run defers a template that uses
// one instead of calling it undefined: `register:` names, the names set_fact sets, include_vars'
// `name`; an include_vars without `name` may define any name (its file's), so then every
// undefined variable of the play waits for the run.

export interface RuntimeNames {
  names: Set<string>;
  /** Some task may define names not known before the run (include_vars of a whole file). */
  any: boolean;
}

function definedBy(task: TaskSpec): { names: string[]; any: boolean } {
  const names = task.register ? [task.register] : [];
  const params = task.params && typeof task.params === 'object' ? (task.params as Record<string, unknown>) : {};
  if (task.module === 'core.set_fact') {
    const keys = Object.keys(params).filter((key) => key !== 'cacheable');
    return { names: [...names, ...keys.filter((key) => key !== VARIABLE_PARAMS)], any: keys.includes(VARIABLE_PARAMS) };
  }
  if (task.module === 'core.include_vars') {
    const name = params.name;
    return typeof name === 'string' ? { names: [...names, name], any: false } : { names, any: true };
  }
  return { names, any: false };
}

/** The names the play's tasks, handlers and rollback tasks may define while it runs. */
export function runtimeNames(play: Play): RuntimeNames {
  const found: RuntimeNames = { names: new Set(), any: false };
  for (const task of [...play.tasks, ...play.handlers, ...play.rollback]) {
    const defined = definedBy(task);
    for (const name of defined.names) found.names.add(name);
    found.any ||= defined.any;
  }
  return found;
}
